"""``flux-dash consolider`` and ``flux-dash campagne`` (FORMAT.md §3.2, §3.4): files written, exit codes, French
messages, nothing half-done."""

from __future__ import annotations

import csv
import io

import pytest
from outils_consolidation import EST_ENSEMBLE, archive, csv_tidy, habitat_a, logis_b
from sorties import cellules_csv_non_gardees

from flux_dash.cli import main
from flux_dash.consolidation import contrat as k


@pytest.fixture
def recus(tmp_path):
    d = tmp_path / "recus"
    d.mkdir()
    (d / "indicateurs_2024.csv").write_bytes(csv_tidy("=Habitat A", habitat_a(nom_prefet="@Préfet")))
    (d / "flux_2024_logis-b.zip").write_bytes(archive({"indicateurs_2024.csv": csv_tidy("Logis B", logis_b())}))
    (d / "habitat_2023.csv").write_bytes(csv_tidy("=Habitat A", habitat_a(), annee=2023))
    (tmp_path / "attendus.csv").write_text("bailleur;siren\n=Habitat A;111\nLogis B;222\nToit C;333\n", "utf-8")
    return d


pytestmark = pytest.mark.lent  # end-to-end commands (reading, consolidating, workbooks, DuckDB)


def lancer(capsys, *args):
    code = main([str(a) for a in args])
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err


def lire_csv(chemin):
    contenu = chemin.read_bytes()
    assert contenu.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def test_consolider_ecrit_le_csv_et_la_couverture(capsys, recus, tmp_path):
    sortie = tmp_path / "sortie"
    code, out, err = lancer(
        capsys,
        "consolider",
        recus / "indicateurs_2024.csv",
        recus / "flux_2024_logis-b.zip",
        "--annee",
        2024,
        "--sortie",
        sortie,
        "--attendus",
        tmp_path / "attendus.csv",
    )
    assert code == 0, err
    assert "2 bailleurs en 2024" in out and "Toit C" in out
    lignes = lire_csv(sortie / "indicateurs_consolides_2024.csv")
    assert list(lignes[0]) == k.ENTETE
    ept = [
        x for x in lignes if x["perimetre_code"] == EST_ENSEMBLE and x["bailleur"] == "" and x["indicateur"] == "flux"
    ]
    assert [x["valeur"] for x in ept if x["categorie"] == ""] == ["13"]
    assert {x["bailleur"] for x in lignes} == {"", "'=Habitat A", "Logis B"}  # CSV-injection guard
    taux = [
        x["valeur"]
        for x in lignes
        if x["indicateur"] == "taux_convention" and x["bailleur"] == "" and x["reservataire"].startswith("État")
    ]
    assert taux == ["0,269231"]  # decimal comma, 6 decimals
    for nom in ("indicateurs_consolides_2024.csv", "couverture_2024.csv"):
        assert cellules_csv_non_gardees((sortie / nom).read_bytes()) == []
    couverture = lire_csv(sortie / "couverture_2024.csv")
    assert list(couverture[0]) == ["bailleur", "siren", "statut", "fichiers", "sha256", "disponibilites", "communes"]
    assert [(x["bailleur"], x["siren"], x["statut"], x["disponibilites"]) for x in couverture] == [
        ("'=Habitat A", "111", "recu", "10"),
        ("Logis B", "222", "recu", "9"),
        ("Toit C", "333", "manquant", ""),
    ]


def test_consolider_un_territoire(capsys, recus, tmp_path):
    code, _, err = lancer(
        capsys,
        "consolider",
        recus / "indicateurs_2024.csv",
        "--annee",
        2024,
        "--sortie",
        tmp_path / "s",
        "--territoire",
        EST_ENSEMBLE,
    )
    assert code == 0, err
    lignes = lire_csv(tmp_path / "s" / "indicateurs_consolides_2024.csv")
    assert {x["perimetre_type"] for x in lignes} == {"EPCI_EPT", "COMMUNE"}
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "consolidation_2024_est-ensemble.xlsx",
        "couverture_2024.csv",
        "indicateurs_consolides_2024.csv",
    ]


def test_territoire_de_type_inconnu_message_francais_sans_trace(capsys, recus, tmp_path, monkeypatch):
    # A territory of a type the référentiel does not know (« EPCI » for « EPCI_EPT ») reaching the workbooks.
    from flux_dash.consolidation import commandes

    monkeypatch.setattr(commandes, "_territoires", lambda texte: [("EPCI", texte)])
    code, out, err = lancer(
        capsys,
        "consolider",
        recus / "indicateurs_2024.csv",
        "--annee",
        2024,
        "--sortie",
        tmp_path / "s",
        "--territoire",
        EST_ENSEMBLE,
    )
    assert code == 2
    assert "type de périmètre inconnu : « EPCI » ; types admis : COMMUNE, EPCI_EPT, DEPARTEMENT, REGION." in err
    assert "Traceback" not in err + out and "inattendue" not in err
    assert not (tmp_path / "s").exists() or not any((tmp_path / "s").iterdir())


def test_une_erreur_ne_produit_que_erreurs_csv(capsys, recus, tmp_path):
    sortie = tmp_path / "sortie"
    code, out, _ = lancer(
        capsys,
        "consolider",
        recus / "indicateurs_2024.csv",
        recus / "habitat_2023.csv",
        "--annee",
        2024,
        "--sortie",
        sortie,
    )
    assert code == 1
    assert "autre année" in out or "2023" in out
    assert sorted(p.name for p in sortie.iterdir()) == ["erreurs.csv"]
    assert "Rien n'a été consolidé" in out


def test_un_fichier_illisible_sort_en_code_2(capsys, recus, tmp_path):
    (recus / "vide.csv").write_bytes(b"")
    code, _, _ = lancer(capsys, "consolider", recus / "vide.csv", "--annee", 2024, "--sortie", tmp_path / "s")
    assert code == 2


@pytest.mark.parametrize(
    ("args", "attendu"),
    [
        (["consolider", "--annee", "2024", "--sortie", "s"], "aucun fichier"),
        (["consolider", "x.csv", "--annee", "2024", "--sortie", "s", "--territoire", "99999"], "territoire inconnu"),
        (["campagne"], "arguments obligatoires manquants"),
    ],
)
def test_mauvaise_utilisation(capsys, args, attendu):
    try:
        code = main(args)
    except SystemExit as fin:
        code = fin.code
    assert code == 2
    assert attendu in capsys.readouterr().err


def test_campagne_ajouter_lister_remplacer_retirer(capsys, recus, tmp_path):
    base = tmp_path / "campagnes.duckdb"
    assert (
        lancer(
            capsys, "campagne", "ajouter", recus / "habitat_2023.csv", recus / "indicateurs_2024.csv", "--base", base
        )[0]
        == 0
    )
    code, out, _ = lancer(capsys, "campagne", "lister", "--base", base)
    assert code == 0 and "=Habitat A" in out and "2023" in out and "indicateurs_2024.csv" in out
    corrige = tmp_path / "corrige.csv"
    corrige.write_bytes(csv_tidy("=Habitat A", [(*x[:7], 99) if x[6] == "disponibilites" else x for x in habitat_a()]))
    code, out, _ = lancer(capsys, "campagne", "ajouter", corrige, "--base", base)
    assert code == 1 and "--remplacer" in out and "Rien n'a été ajouté" in out
    code, out, _ = lancer(capsys, "campagne", "ajouter", corrige, "--base", base, "--remplacer")
    assert code == 0 and "remplacés" in out
    code, out, _ = lancer(capsys, "campagne", "lister", "--base", base, "--historique", "--annee", 2024)
    assert "remplacement" in out and "ancien sha256" in out and "corrige.csv" in out
    code, out, _ = lancer(capsys, "campagne", "retirer", "=habitat a", "--annee", 2023, "--base", base)
    assert code == 0 and "retirés" in out
    code, _, err = lancer(capsys, "campagne", "retirer", "Personne", "--annee", 2023, "--base", base)
    assert code == 1 and "Aucun chiffre 2023" in err


def test_consolider_avec_la_base_compare_a_n_moins_1(capsys, recus, tmp_path):
    base = tmp_path / "campagnes.duckdb"
    lancer(capsys, "campagne", "ajouter", recus / "habitat_2023.csv", "--base", base)
    code, out, err = lancer(
        capsys,
        "consolider",
        recus / "indicateurs_2024.csv",
        "--annee",
        2024,
        "--sortie",
        tmp_path / "s",
        "--base",
        base,
    )
    assert code == 0, err
    assert "comparé à 2023" in out
    # The store now holds 2024 too: consolidating from the store alone gives the same file.
    premier = (tmp_path / "s" / "indicateurs_consolides_2024.csv").read_bytes()
    code, out, err = lancer(capsys, "consolider", "--annee", 2024, "--sortie", tmp_path / "t", "--base", base)
    assert code == 0, err
    assert (tmp_path / "t" / "indicateurs_consolides_2024.csv").read_bytes() == premier


def test_base_par_defaut_avec_la_variable_d_environnement(capsys, recus, tmp_path, monkeypatch):
    monkeypatch.setenv("FLUX_DASH_BASE", str(tmp_path / "env.duckdb"))
    code, _, err = lancer(
        capsys, "consolider", recus / "indicateurs_2024.csv", "--annee", 2024, "--sortie", tmp_path / "s", "--base"
    )
    assert code == 0, err
    assert (tmp_path / "env.duckdb").exists()
    code, out, _ = lancer(capsys, "campagne", "lister")
    assert "env.duckdb" in out and "=Habitat A" in out


def test_base_plus_recente_refusee_en_francais(capsys, tmp_path):
    import duckdb

    from flux_dash.consolidation.base import Base

    chemin = tmp_path / "b.duckdb"
    Base(chemin)
    con = duckdb.connect(str(chemin))
    con.execute("UPDATE meta SET valeur = '7' WHERE cle = 'schema'")
    con.close()
    code, _, err = lancer(capsys, "campagne", "lister", "--base", chemin)
    assert code == 2 and "version plus récente de flux_dash" in err


def test_nombres_du_csv_comme_le_csv_du_bailleur():
    import numpy as np
    import pandas as pd

    from flux_dash.consolidation.sorties import nombres_csv
    from flux_dash.indicateurs_csv import _nombre

    valeurs = [0, 1, -2, 13, 0.25, 1 / 3, 2 / 3, -0.0000001, 0.1 + 0.2, 123456.5, 1e-7, 7.0, float("nan"), -1.5]
    valeurs += list(np.random.default_rng(1).normal(0, 50, 200))
    assert nombres_csv(pd.Series(valeurs)).tolist() == [_nombre(v) for v in valeurs]
