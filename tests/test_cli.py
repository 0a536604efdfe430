"""The command line as a user runs it (FORMAT.md §2.3): outputs, files written and exit codes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from flux_dash.cli import main
from tests.conftest import SAMPLE_DATA

CLASSEUR_DEMO = SAMPLE_DATA / "flux_demo_2024.xlsx"
CASSE = sorted((SAMPLE_DATA / "casse").glob("*.csv"))


def lancer(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err


def test_valider_le_classeur_de_demo_sans_erreur(capsys):
    code, out, _ = lancer(capsys, "valider", str(CLASSEUR_DEMO))
    assert code == 0
    assert "Contrôles : aucune erreur" in out
    assert "logements" in out and "tours" in out


def test_valider_le_jeu_casse_nomme_lignes_et_valeurs(capsys, tmp_path):
    code, out, _ = lancer(capsys, "valider", *map(str, CASSE), "--max", "0", "--csv", str(tmp_path / "p.csv"))
    assert code == 1
    assert "erreur" in out
    # The broken set documents an unknown commune 99999 and a typologie T9: both are named with their line.
    assert "99999" in out
    assert "T9" in out
    problemes = pd.read_csv(tmp_path / "p.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert {"Gravité", "Ligne", "Colonne", "Règle", "Valeur", "Conseil"} <= set(problemes.columns)
    ligne_commune = problemes.loc[problemes["Valeur"] == "99999", "Ligne"]
    assert not ligne_commune.empty and ligne_commune.str.fullmatch(r"\d+").all()


@pytest.mark.parametrize(
    ("contenu", "nom"),
    [
        (b"", "vide.csv"),
        (b"%PDF-1.4\x00\x01\x02\xff\xfe binaire", "binaire.csv"),
        (b"PK\x03\x04 pas vraiment un classeur", "faux.xlsx"),
    ],
    ids=["vide", "binaire", "xlsx-corrompu"],
)
def test_fichier_illisible_code_2_sans_traceback(capsys, tmp_path, contenu, nom):
    chemin = tmp_path / nom
    chemin.write_bytes(contenu)
    code, out, err = lancer(capsys, "valider", str(chemin))
    assert code == 2
    assert "Traceback" not in out + err
    assert "erreur" in out.lower()


def test_fichier_introuvable_code_2(capsys, tmp_path):
    code, _, err = lancer(capsys, "valider", str(tmp_path / "absent.xlsx"))
    assert code == 2
    assert "fichier introuvable" in err


@pytest.mark.parametrize(
    "args",
    [[], ["inconnue"], ["bilan", "x.xlsx"], ["bilan", "x.xlsx", "--annee", "deux-mille"]],
    ids=["sans-commande", "commande-inconnue", "sortie-manquante", "annee-non-entiere"],
)
def test_mauvaise_utilisation_code_2(capsys, args):
    try:
        code = main(args)
    except SystemExit as sortie:  # argparse exits on bad usage
        code = sortie.code
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bilan", "--annee", "0"], "année invalide : 0"),
        (["bilan", "--annee", "99999"], "année invalide : 99999"),
        (["valider", "--annee", "-5"], "année invalide : -5"),
        (["valider", "--max", "-3"], "nombre positif ou nul attendu : -3"),
        (["bilan", "--annee", "2024", "--lec", "xyz,,200057875"], "code EPCI/EPT inconnu : xyz"),
    ],
    ids=["annee-zero", "annee-hors-calendrier", "annee-negative", "max-negatif", "lec-inconnu"],
)
def test_valeur_d_option_hors_bornes_refusee_comme_mauvaise_utilisation(capsys, tmp_path, args, message):
    commande, *options = args
    sortie = ["--sortie", str(tmp_path / "sortie")] if commande == "bilan" else []
    try:
        code = main([commande, str(CLASSEUR_DEMO), *options, *sortie])
    except SystemExit as fin:  # argparse exits on bad usage
        code = fin.code
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "erreur inattendue" not in err
    assert not (tmp_path / "sortie").exists()


def test_bilan_avec_erreurs_n_ecrit_que_la_liste_des_erreurs(capsys, tmp_path):
    code, out, _ = lancer(capsys, "bilan", *map(str, CASSE), "--annee", "2024", "--sortie", str(tmp_path))
    assert code == 1
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["erreurs.csv"]
    erreurs = pd.read_csv(tmp_path / "erreurs.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert len(erreurs) > 0 and set(erreurs["Gravité"]) == {"erreur"}
    assert "Aucun bilan produit" in out


@pytest.mark.lent
def test_bilan_de_demo_ecrit_les_indicateurs(capsys, tmp_path):
    code, out, _ = lancer(
        capsys, "bilan", str(CLASSEUR_DEMO), "--annee", "2024", "--sortie", str(tmp_path), "--bailleur", "Habitat Démo"
    )
    assert code == 0, out
    csv = tmp_path / "indicateurs_2024.csv"
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(csv, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df.columns) == [  # FORMAT.md §2.2 v1.1
        "annee",
        "bailleur",
        "perimetre_type",
        "perimetre_code",
        "perimetre_libelle",
        "categorie",
        "reservataire",
        "dimension",
        "modalite",
        "indicateur",
        "valeur",
    ]
    assert set(df["annee"]) == {"2024"}
    assert set(df["bailleur"]) == {"Habitat Démo"}


@pytest.mark.lent
def test_bilan_zip_contient_les_dossiers(capsys, tmp_path):
    pytest.importorskip("flux_dash.rapports", reason="les trames Excel ne sont pas encore disponibles")
    code, out, _ = lancer(
        capsys,
        "bilan",
        str(CLASSEUR_DEMO),
        "--annee",
        "2024",
        "--sortie",
        str(tmp_path),
        "--bailleur",
        "Habitat Francilien Démo",
        "--zip",
    )
    assert code == 0, out
    archive = tmp_path / "flux_2024_habitat-francilien-demo.zip"
    with zipfile.ZipFile(archive) as z:
        noms = z.namelist()
    assert "indicateurs_2024.csv" in noms
    for dossier in ("reservataires/", "epci_ept/", "etat/", "previsionnels/"):
        assert any(n.startswith(dossier) and n.endswith(".xlsx") for n in noms), dossier


def test_modele_ecrit_un_classeur_avec_les_quatre_feuilles(capsys, tmp_path):
    cible = tmp_path / "modele.xlsx"
    code, out, _ = lancer(capsys, "modele", "--sortie", str(cible))
    assert code == 0
    noms = openpyxl.load_workbook(cible).sheetnames
    assert {"Logements", "Tours", "Conventions", "Prévisionnel"} <= set(noms)


def test_exemple_ecrit_classeur_et_csv(capsys, tmp_path):
    code, out, _ = lancer(capsys, "exemple", "--sortie", str(tmp_path), "--logements", "200")
    assert code == 0
    assert any(p.suffix == ".xlsx" for p in tmp_path.rglob("*"))
    assert len(list(tmp_path.rglob("*.csv"))) >= 3


@pytest.mark.lent
def test_python_m_flux_dash_fonctionne(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "flux_dash", "valider", str(CLASSEUR_DEMO), "--max", "5"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("largeur", [60, 100, 140])
def test_tableau_des_problemes_tient_dans_le_terminal(largeur):
    from flux_dash.cli import formater_problemes
    from flux_dash.problemes import Probleme

    p = Probleme(
        "erreur",
        "commune_inconnue",
        "Commune inconnue ou hors Île-de-France",
        "logements",
        "casse_logements.csv",
        4,
        "code_commune",
        "99999",
        "Code INSEE inconnu en Île-de-France (COG 2026) : vérifiez qu'il ne s'agit pas d'un code postal.",
    )
    texte = formater_problemes([p], largeur=largeur)
    lignes = texte.splitlines()
    assert all(len(ligne) <= largeur for ligne in lignes)
    assert lignes[2].split() == ["erreur", "casse_logements.csv", "4", "code_commune", "99999"]
    assert "Commune inconnue ou hors Île-de-France. Code INSEE" in " ".join(" ".join(lignes[3:]).split())


@pytest.mark.lent
def test_bilan_d_une_annee_sans_donnees_le_dit_en_clair(capsys, tmp_path):
    code, out, _ = lancer(capsys, "bilan", str(CLASSEUR_DEMO), "--annee", "1999", "--sortie", str(tmp_path))
    assert code == 0
    assert "Attention : aucun logement disponible en 1999 : les bilans de 1999 seront vides." in out


@pytest.mark.parametrize("nombre", ["0", "-5"], ids=["zero", "negatif"])
def test_exemple_sans_logement_refuse_comme_mauvaise_utilisation(capsys, tmp_path, nombre):
    try:
        code = main(["exemple", "--sortie", str(tmp_path / "ex"), "--logements", nombre])
    except SystemExit as fin:
        code = fin.code
    err = capsys.readouterr().err
    assert code == 2
    assert f"nombre strictement positif attendu : {nombre}" in err
    assert "erreur inattendue" not in err


def test_erreur_d_ecriture_expliquee_en_francais(capsys, tmp_path):
    fichier = tmp_path / "un_fichier"
    fichier.write_text("x")
    code, _, err = lancer(capsys, "modele", "--sortie", str(fichier / "modele.xlsx"))
    assert code == 2
    assert (
        err.strip()
        == f"flux-dash : impossible d'écrire ou de lire un fichier : n'est pas un dossier ({fichier / 'modele.xlsx'})"
    )


def test_resume_en_nombres_francais(capsys):
    code, out, _ = lancer(capsys, "valider", str(CLASSEUR_DEMO), "--max", "0")
    assert code == 0
    assert "Lu : 3\u202f000 logements, 4\u202f116 tours, 28 conventions." in out
