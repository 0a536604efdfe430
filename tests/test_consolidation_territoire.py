"""The multi-landlord demo (issue 8 item 6, flux_dash.demo.territoire): five fictional landlords on overlapping
territories with their own réservataire names and taux, over two years; the files committed in
``sample_data/territoire/`` are those the generator writes, and ``flux-dash consolider`` consolidates them."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from test_rapports_golden import extraire

from flux_dash import cli
from flux_dash import referentiel as ref
from flux_dash.demo import territoire as T

DOSSIER = Path(__file__).resolve().parent.parent / "sample_data" / "territoire"
EST_ENSEMBLE, PLAINE_COMMUNE, PARIS = "200057875", "200057867", "75056"


def _communes_du_bailleur(b: T.BailleurTerritoire) -> set[str]:
    return {c for c, _ in b.communes}


@pytest.mark.parametrize(
    "territoire",
    [
        pytest.param(("EPCI_EPT", EST_ENSEMBLE), id="Est Ensemble"),
        pytest.param(("EPCI_EPT", PLAINE_COMMUNE), id="Plaine Commune"),
        pytest.param(("EPCI_EPT", T.CA_MELUN_VAL_DE_SEINE), id="CA Melun Val de Seine"),
        pytest.param(("COMMUNE", PARIS), id="Paris"),
    ],
)
def test_chaque_territoire_recoit_plusieurs_bailleurs(territoire):
    communes = set(ref.communes_du_perimetre(*territoire))
    bailleurs = [b.nom for b in T.BAILLEURS_TERRITOIRE if _communes_du_bailleur(b) & communes]
    assert len(bailleurs) >= 2, bailleurs


def test_chaque_bailleur_nomme_et_taxe_les_reservataires_a_sa_facon():
    noms, taux = defaultdict(set), defaultdict(set)
    for b in T.BAILLEURS_TERRITOIRE:
        for c in b.conventions():
            noms[(c.categorie, c.perimetre_type, c.perimetre_code)].add(c.reservataire)
            taux[(c.categorie, c.perimetre_type, c.perimetre_code)].add(c.taux)
    prefet_93 = ("ETAT_PRIORITAIRES", "DEPARTEMENT", "93")
    assert len(noms[prefet_93]) == 4  # the four landlords of the 93, four names of one réservataire
    assert len(taux[prefet_93]) >= 3
    assert len(taux[("ACTION_LOGEMENT", "DEPARTEMENT", "93")]) >= 3
    assert {b.nom for b in T.BAILLEURS_TERRITOIRE} | {T.BAILLEUR_MANQUANT} == set(
        pd.read_csv(io.BytesIO(T.attendus_territoire()), encoding="utf-8-sig")["bailleur"]
    )


def test_sur_chaque_commune_les_taux_restent_sous_100():
    for b in T.BAILLEURS_TERRITOIRE:
        for code in _communes_du_bailleur(b):
            total = sum(
                c.taux for c in b.conventions() if code in ref.communes_du_perimetre(c.perimetre_type, c.perimetre_code)
            )
            assert total <= 100, (b.nom, code, total)


def test_les_deux_annees_sont_des_bilans_distincts():
    b = T.BAILLEURS_TERRITOIRE[2]
    t23, t24 = T.tables_territoire(b, 2023), T.tables_territoire(b, 2024)
    annees = {
        a: pd.to_datetime(t["logements"]["date_disponibilite"], format="%d/%m/%Y").dt.year
        for a, t in ((2023, t23), (2024, t24))
    }
    assert annees[2023].mode()[0] == 2023 and annees[2024].mode()[0] == 2024
    assert set(t24["conventions"]["reservataire"]) == {c.reservataire for c in b.conventions()}
    assert set(t24["tours"]["reservataire"]) <= {*t24["conventions"]["reservataire"], ref.NOM_BAILLEUR}


def _contenu(nom: str, octets: bytes) -> object:
    """What a file says, without the date it was written (ZIP entries and workbook properties carry it)."""
    if nom.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(octets)) as zf:
            return {n: _contenu(n, zf.read(n)) for n in sorted(zf.namelist())}
    if nom.endswith(".xlsx"):
        return extraire(octets)
    return octets


@pytest.mark.lent
def test_le_depot_est_ce_que_le_generateur_ecrit(tmp_path, capsys):
    assert cli.main(["exemple", "--territoire", "--sortie", str(tmp_path)]) == 0
    ecrits = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    deposes = sorted(p.relative_to(DOSSIER).as_posix() for p in DOSSIER.rglob("*") if p.is_file())
    assert ecrits == deposes, "régénérez : flux-dash exemple --territoire --sortie sample_data/territoire"
    for chemin in ecrits:
        assert _contenu(chemin, (tmp_path / chemin).read_bytes()) == _contenu(
            chemin, (DOSSIER / chemin).read_bytes()
        ), f"{chemin} diffère du générateur : flux-dash exemple --territoire --sortie sample_data/territoire"
    # The in-memory files (the app's demo) are the same files.
    assert {f.chemin: f.contenu for f in T.envois_territoire()} == {
        c: (tmp_path / c).read_bytes() for c in ecrits if c[:4].isdigit()
    }
    # The app's demo reads the committed copy: the same names, the same contents.
    for annee in T.ANNEES_TERRITOIRE:
        deposes_annee = dict(T.fichiers_deposes(annee, DOSSIER))
        generes = dict(T.fichiers_territoire(annee))
        assert sorted(deposes_annee) == sorted(generes)
        for nom, contenu in generes.items():
            assert _contenu(nom, deposes_annee[nom]) == _contenu(nom, contenu), nom
    genres = {c.rsplit(".", 1)[1] for c in ecrits if c[:4].isdigit()}
    assert genres == {"zip", "csv", "xlsx"}
    assert "territoire" in capsys.readouterr().out


@pytest.mark.lent
@pytest.mark.parametrize(
    "avec_classeurs",
    [pytest.param(False, id="archives et CSV"), pytest.param(True, id="avec les classeurs")],
)
def test_consolider_la_campagne_de_demonstration(tmp_path, capsys, avec_classeurs):
    fichiers = sorted(str(p) for p in (DOSSIER / "2024").glob("*/*") if avec_classeurs or p.suffix != ".xlsx")
    envoient = sorted(
        b.nom for b in T.BAILLEURS_TERRITOIRE if avec_classeurs or any(not g.startswith("etat") for g in b.envois[2024])
    )
    manquants = sorted({b.nom for b in T.BAILLEURS_TERRITOIRE} - set(envoient) | {T.BAILLEUR_MANQUANT})
    sortie = tmp_path / "sortie"
    attendus = str(DOSSIER / T.NOM_ATTENDUS)
    code = cli.main(["consolider", *fichiers, "--annee", "2024", "--sortie", str(sortie), "--attendus", attendus])
    assert code == 0, capsys.readouterr()
    couverture = pd.read_csv(sortie / "couverture_2024.csv", sep=";", encoding="utf-8-sig")
    assert sorted(couverture.loc[couverture.statut == "recu", "bailleur"]) == envoient
    assert sorted(couverture.loc[couverture.statut == "manquant", "bailleur"]) == manquants
    assert (sortie / "consolidation_2024_est-ensemble.xlsx").is_file()
    # n−1 through the campaign store: the 2023 files added, then 2024 consolidated with its year-on-year.
    base = tmp_path / "campagne.duckdb"
    fichiers_2023 = sorted(str(p) for p in (DOSSIER / "2023").glob("*/*"))
    assert cli.main(["campagne", "ajouter", *fichiers_2023, "--annee", "2023", "--base", str(base)]) == 0
    args = ["consolider", *fichiers, "--annee", "2024", "--sortie", str(sortie), "--base", str(base)]
    assert cli.main([*args, "--territoire", EST_ENSEMBLE]) == 0
    assert "comparé à 2023" in capsys.readouterr().out


def _bloc_consolidation_du_readme() -> str:
    import re

    section = (DOSSIER.parent.parent / "README.md").read_text(encoding="utf-8").split("## Depuis Jupyter", 1)[1]
    return [b for b in re.findall(r"```python\n(.*?)```", section, re.S) if "consolidation" in b][0]


@pytest.mark.lent
def test_la_consolidation_depuis_jupyter_du_readme_s_execute(monkeypatch):
    monkeypatch.chdir(DOSSIER.parent.parent)
    espace: dict[str, object] = {}
    exec(compile(_bloc_consolidation_du_readme(), "README.md", "exec"), espace)
    c = espace["c"]
    assert c.annee == 2024 and ("EPCI_EPT", EST_ENSEMBLE) in c.territoires
    tous = c.du_bailleur("flux").query("perimetre_type == 'EPCI_EPT' and perimetre_code == @EST_ENSEMBLE")
    assert len(tous) == 1 and tous["nombre_bailleurs"].iloc[0] >= 3


def test_la_copie_deposee_incomplete_n_est_pas_lue(tmp_path):
    """An incomplete copy (a landlord's folder missing or short of a file) gives None: the app then builds the
    campaign with the generator rather than showing a partial one."""
    assert T.fichiers_deposes(2024, tmp_path) is None
    for b in T.BAILLEURS_TERRITOIRE:
        source = DOSSIER / "2024" / b.slug
        cible = tmp_path / "2024" / b.slug
        cible.mkdir(parents=True)
        for p in source.iterdir():
            (cible / p.name).write_bytes(p.read_bytes())
    complet = T.fichiers_deposes(2024, tmp_path)
    assert complet is not None and len(complet) == sum(len(b.envois.get(2024, ())) for b in T.BAILLEURS_TERRITOIRE)
    next((tmp_path / "2024" / T.BAILLEURS_TERRITOIRE[0].slug).iterdir()).unlink()
    assert T.fichiers_deposes(2024, tmp_path) is None
