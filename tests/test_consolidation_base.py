"""The campaign store (FORMAT.md §3.4): location, round trip, replacement recorded with both sha256, merges,
removal, schema migration, refusal of a newer or foreign store, and two processes writing at once."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from outils_consolidation import classeur_donnees, csv_tidy, habitat_a, logis_b

from flux_dash.consolidation import base as b
from flux_dash.consolidation import lire_envois
from flux_dash.consolidation.base import Base, ErreurBase
from flux_dash.consolidation.envoi import empreinte_lignes
from tests.conftest import RACINE


def envois(*fichiers, annee=None):
    r = lire_envois(list(fichiers), annee=annee)
    assert r.ok, r.tableau().to_string()
    return r.envois


A = ("indicateurs_2024.csv", csv_tidy("Habitat A", habitat_a()))
B = ("flux_2024_logis-b.csv", csv_tidy("Logis B", logis_b()))
A_V2 = (
    "indicateurs_2024_corrige.csv",
    csv_tidy("Habitat A", [(*x[:7], 9) if x[6] == "flux" else x for x in habitat_a()]),
)


@pytest.fixture
def base(tmp_path) -> Base:
    return Base(tmp_path / "campagnes.duckdb", delai=5)


def codes(problemes):
    return [p.code for p in problemes]


def test_emplacement_par_defaut(monkeypatch, tmp_path):
    monkeypatch.delenv(b.VARIABLE, raising=False)
    monkeypatch.setattr(b.sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "donnees"))
    assert b.chemin_par_defaut() == tmp_path / "donnees" / "flux_dash" / "campagnes.duckdb"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert b.chemin_par_defaut() == tmp_path / ".local" / "share" / "flux_dash" / "campagnes.duckdb"
    monkeypatch.setenv(b.VARIABLE, str(tmp_path / "ailleurs.duckdb"))
    assert b.chemin_par_defaut() == tmp_path / "ailleurs.duckdb"
    assert Base().chemin == str(tmp_path / "ailleurs.duckdb")
    assert (tmp_path / "ailleurs.duckdb").exists()


def test_aller_retour_sans_perte(base):
    recus = envois(A, B)
    assert base.ajouter(recus) == []
    assert base.version_schema() == b.VERSION_SCHEMA
    d = base.depots()
    assert d[["annee", "bailleur", "fichiers"]].values.tolist() == [
        [2024, "Habitat A", "indicateurs_2024.csv"],
        [2024, "Logis B", "flux_2024_logis-b.csv"],
    ]
    assert d.sha256.tolist() == [e.sha256[0] for e in recus]
    relus = base.envois(2024)
    assert [e.bailleur for e in relus] == ["Habitat A", "Logis B"]
    for avant, apres in zip(recus, relus, strict=True):
        assert apres.empreinte() == avant.empreinte()
        assert apres.lignes.equals(avant.lignes)
        assert apres.fichiers == avant.fichiers
    assert base.annees() == [2024]
    assert base.historique().action.tolist() == ["ajout", "ajout"]


def test_seuls_des_agregats_sont_stockes(base):
    base.ajouter(envois(A))
    con = duckdb.connect(base.chemin)
    colonnes = {c for (c,) in con.execute("SELECT column_name FROM information_schema.columns").fetchall()}
    con.close()
    assert not colonnes & {"id_logement", "numero_tour", "date_orientation", "date_attribution"}


def test_le_meme_envoi_deux_fois(base):
    base.ajouter(envois(A))
    assert codes(base.ajouter(envois(A))) == ["base_deja_presente"]
    zip_a = ("flux_2024_habitat-a.xlsx", classeur_donnees("Habitat A", habitat_a()))
    p = base.ajouter(envois(zip_a))
    assert codes(p) == ["base_deja_presente"] and "1 fichier(s) ajouté(s)" in p[0].regle
    assert base.depots().fichiers.tolist() == ["flux_2024_habitat-a.xlsx ; indicateurs_2024.csv"]


def test_remplacement_seulement_avec_remplacer_et_les_deux_sha256_notes(base):
    base.ajouter(envois(A))
    ancien = base.depots().sha256.iloc[0]
    refus = base.ajouter(envois(A_V2, B))
    assert codes(refus) == ["base_remplacement_requis"]
    assert "--remplacer" in refus[0].conseil and ancien[:12] in refus[0].regle
    assert base.depots().bailleur.tolist() == ["Habitat A"], "rien n'est écrit quand un envoi est refusé"
    ok = base.ajouter(envois(A_V2), remplacer=True)
    assert codes(ok) == ["base_remplace"]
    d = base.depots()
    assert d.fichiers.tolist() == ["indicateurs_2024_corrige.csv"]
    nouveau = d.sha256.iloc[0]
    h = base.historique()
    assert h.action.tolist() == ["ajout", "remplacement"]
    assert h[["anciens_sha256", "nouveaux_sha256"]].values.tolist()[1] == [ancien, nouveau]
    assert base.envois(2024)[0].empreinte() == envois(A_V2)[0].empreinte()


def test_extraits_concordants_reunis_dans_la_base(base):
    communes = [x for x in habitat_a() if x[0] == "COMMUNE"]
    autres = [x for x in habitat_a() if x[0] != "COMMUNE"]
    base.ajouter(envois(("c.xlsx", classeur_donnees("Habitat A", communes))))
    assert codes(base.ajouter(envois(("d.xlsx", classeur_donnees("HABITAT A", autres))))) == ["envoi_doublon_fusionne"]
    assert base.envois(2024)[0].empreinte() == envois(A)[0].empreinte()
    assert base.historique().action.tolist() == ["ajout", "fusion"]


def test_retirer(base):
    base.ajouter(envois(A, B))
    sha = base.depots().sha256.iloc[0]
    p = base.retirer("habitat a", 2024)
    assert "Habitat A" in p.regle
    assert base.depots().bailleur.tolist() == ["Logis B"]
    h = base.historique()
    assert h.action.tolist()[-1] == "retrait" and h.anciens_sha256.tolist()[-1] == sha
    with pytest.raises(ErreurBase, match="Logis B"):
        base.retirer("Toit C", 2024)


def test_bailleur_nomme_comme_une_formule(base):
    base.ajouter(envois(("x.csv", csv_tidy("=1+1", habitat_a()))))
    assert base.depots().bailleur.tolist() == ["=1+1"]
    assert base.envois(2024)[0].bailleur == "=1+1"


def test_en_memoire_chaque_base_est_privee():
    un, deux = Base.en_memoire(), Base.en_memoire()
    un.ajouter(envois(A))
    assert len(un.depots()) == 1 and len(deux.depots()) == 0
    assert un.envois(2024)[0].bailleur == "Habitat A"
    un.fermer()


def test_le_schema_d_une_base_en_memoire_est_verifie_une_fois(tmp_path, monkeypatch):
    """In memory no other program can change the store: its schema is checked at creation only; a file's at every
    operation (another program may have written it)."""
    verifies = []
    vraie = Base._verifier_schema
    monkeypatch.setattr(Base, "_verifier_schema", lambda self, con: verifies.append(self.memoire) or vraie(self, con))
    memoire, fichier = Base.en_memoire(), Base(tmp_path / "campagnes.duckdb")
    for base in (memoire, fichier):
        base.ajouter(envois(A))
        base.depots(), base.annees(), base.envois(2024)
    assert verifies == [True, False, False, False, False, False]
    memoire.fermer()
    assert memoire.annees() == [] and verifies[-1] is True  # closed: a new, empty store, checked again


def test_une_ancienne_base_est_migree(tmp_path):
    chemin = tmp_path / "ancienne.duckdb"
    lignes = envois(A)[0].lignes
    con = duckdb.connect(str(chemin))
    for ordre in b.SCHEMA_V1:
        con.execute(ordre)
    con.execute("INSERT INTO meta VALUES ('application', 'flux_dash'), ('schema', '1')")
    con.execute(
        "INSERT INTO depots VALUES (1, 2024, 'Habitat A', 'habitata', '0.1.0', TIMESTAMP '2025-02-01 10:00:00')"
    )
    con.execute("INSERT INTO fichiers VALUES (1, 'indicateurs_2024.csv', 'aaaa', 'csv')")
    con.register("t", lignes)
    con.execute("INSERT INTO lignes SELECT 1, * FROM t")
    con.execute(
        "INSERT INTO remplacements VALUES (2024, 'Habitat A', 'vieux', 'aaaa', TIMESTAMP '2025-02-01 10:00:00')"
    )
    con.close()
    base = Base(chemin)
    assert base.version_schema() == b.VERSION_SCHEMA
    d = base.depots()
    assert d.empreinte.tolist() == [empreinte_lignes(lignes)]
    h = base.historique()
    assert h[["action", "anciens_sha256", "nouveaux_sha256"]].values.tolist() == [["remplacement", "vieux", "aaaa"]]
    # the migrated store recognises the same figures
    assert codes(base.ajouter(envois(A))) == ["base_deja_presente"]


def test_une_base_plus_recente_est_refusee(base):
    con = duckdb.connect(base.chemin)
    con.execute("UPDATE meta SET valeur = '99' WHERE cle = 'schema'")
    con.close()
    with pytest.raises(ErreurBase, match="version plus récente de flux_dash.*schéma 99.*Mettez flux_dash à jour"):
        base.depots()


def test_un_fichier_qui_n_est_pas_une_base_flux_dash(tmp_path):
    autre = tmp_path / "autre.duckdb"
    con = duckdb.connect(str(autre))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(ErreurBase, match="pas été créée par flux_dash"):
        Base(autre)
    texte = tmp_path / "notes.duckdb"
    texte.write_text("bonjour " * 1000)
    with pytest.raises(ErreurBase, match="illisible"):
        Base(texte)


@pytest.mark.lent
def test_base_tenue_par_un_autre_processus_message_en_francais(base):
    script = (
        f"import duckdb, sys, time\ncon = duckdb.connect({base.chemin!r})\nprint('ok', flush=True)\ntime.sleep(30)\n"
    )
    autre = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert autre.stdout.readline().strip() == "ok"
        base.delai = 0.3
        with pytest.raises(ErreurBase) as e:
            base.depots()
        assert f"PID {autre.pid}" in str(e.value) and "Fermez ce programme" in str(e.value)
    finally:
        autre.kill()
        autre.wait()
    base.delai = 5
    assert base.depots().empty


ECRIVAIN = """
import sys, time
from pathlib import Path
sys.path[:0] = [{racine!r}, {tests!r}]
from outils_consolidation import csv_tidy, habitat_a
from flux_dash.consolidation import lire_envois
from flux_dash.consolidation.base import Base
lus = [lire_envois([(f"Bailleur {lot} {{i}}.csv", csv_tidy(f"Bailleur {lot} {{i}}", habitat_a()))]) for i in range(4)]
print("pret", flush=True)
while not Path({depart!r}).exists():
    time.sleep(0.01)
base = Base({chemin!r}, delai=60)
for recus in lus:
    assert base.ajouter(recus.envois) == []
print(base.attentes)
"""


@pytest.mark.lent
def test_deux_processus_ecrivent_en_meme_temps_sans_rien_perdre(base, tmp_path):
    depart = tmp_path / "depart"
    code = {"racine": str(RACINE), "tests": str(RACINE / "tests"), "chemin": base.chemin, "depart": str(depart)}
    processus = [
        subprocess.Popen(
            [sys.executable, "-c", ECRIVAIN.format(lot=lot, **code)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lot in ("X", "Y")
    ]
    for p in processus:
        assert p.stdout.readline().strip() == "pret"
    tenue = duckdb.connect(base.chemin)  # both writers start while the file is held: they must wait, then race
    depart.touch()
    threading.Event().wait(1.0)
    tenue.close()
    attentes = 0
    for p in processus:
        sortie, erreur = p.communicate(timeout=240)
        assert p.returncode == 0, erreur
        attentes += int(sortie.strip())
    assert attentes >= 2
    d = base.depots()
    assert len(d) == 8 and (d.lignes == len(habitat_a())).all()
    attendue = envois(A)[0].empreinte()
    assert {e.empreinte() for e in base.envois(2024)} == {attendue}
    assert base.historique().action.tolist() == ["ajout"] * 8


@pytest.mark.lent
def test_deux_fils_d_un_meme_processus(tmp_path):
    chemin = tmp_path / "fils.duckdb"
    erreurs = []

    def ecrire(nom):
        try:
            Base(chemin).ajouter(envois((nom + ".csv", csv_tidy(nom, habitat_a()))))
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            erreurs.append(e)

    fils = [threading.Thread(target=ecrire, args=(f"Bailleur {i}",)) for i in range(4)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    assert erreurs == []
    assert len(Base(chemin).depots()) == 4


def test_les_tours_ne_vont_jamais_dans_la_base(tmp_path):
    r = lire_envois([Path(RACINE / "sample_data" / "flux_demo_2024.xlsx")])
    assert not r.ok and [p.code for p in r.erreurs] == ["envoi_donnees_brutes"]


def test_attendus_et_objectifs_gardes_par_territoire_et_annee(tmp_path):
    chemin = tmp_path / "base.duckdb"
    base = Base(chemin)
    est, plaine = ("EPCI_EPT", "200057875"), ("EPCI_EPT", "200057867")
    assert base.attendus(2024, est).empty and base.objectifs(2024, est) is None
    base.definir_attendus(2024, est, pd.DataFrame({"bailleur": ["Logis B", "Habitat A"], "siren": ["", "123"]}))
    base.definir_objectifs(
        2024, est, pd.DataFrame({"cible": ["Territoire"], "indicateur": ["part_prefet_flux"], "objectif": [0.25]})
    )
    relue = Base(chemin)  # kept in the file
    assert relue.attendus(2024, est).values.tolist() == [["Logis B", ""], ["Habitat A", "123"]]
    assert relue.attendus(2023, est).empty and relue.attendus(2024, plaine).empty
    assert relue.objectifs(2024, est).values.tolist() == [["Territoire", "part_prefet_flux", 0.25]]
    relue.definir_attendus(2024, est, pd.DataFrame({"bailleur": []}))
    assert relue.attendus(2024, est).empty


def test_les_tables_du_schema_3_sont_celles_que_decrit_format_md():
    import re

    texte = (Path(__file__).resolve().parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    base = b.Base.en_memoire()
    try:
        with base._connexion() as con:
            for table in ("attendus", "objectifs"):
                ligne = next(x for x in texte.splitlines() if x.startswith(f"| `{table}` |"))
                decrites = re.findall(r"`(\w+)` \((\w+)", ligne.split("|")[2])
                reelles = con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                assert decrites == [tuple(r) for r in reelles], table
    finally:
        base.fermer()


def _objets_par_colonne(lignes: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Text column → (distinct values, distinct str objects holding them)."""
    from flux_dash.consolidation import contrat as k

    return {c: (lignes[c].nunique(), len({id(v) for v in lignes[c]})) for c in k.TEXTES}


@pytest.mark.parametrize("source", ["fichier", "base"])
def test_lignes_gardees_un_objet_par_texte(base, source):
    """The rows kept of each landlord (read from a file, or from the store) hold each distinct text once: a
    région's consolidation keeps millions of rows, each cell its own str weighed gigabytes (issue 11). Same values,
    dtype object."""
    lus = envois(A)
    if source == "base":
        base.ajouter(lus)
        lus = base.envois(2024)
    lignes = lus[0].lignes
    assert all(lignes[c].dtype == object for c in ("perimetre_code", "indicateur", "reservataire"))
    comptes = _objets_par_colonne(lignes)
    assert comptes == {c: (n, n) for c, (n, _) in comptes.items()}
    assert len(lignes) > max(n for n, _ in comptes.values())  # texts repeat: the test would see a second object
    assert empreinte_lignes(lignes) == empreinte_lignes(envois(A)[0].lignes)
