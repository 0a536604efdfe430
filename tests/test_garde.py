"""The one output guard (flux_dash.garde): user text never becomes a formula, in any CSV or xlsx the product writes
(FORMAT.md §2.1, §2.2) — unit rules, then hostile names through the command line, the trames, the indicators file
and the app's downloads."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from flux_dash import garde, indicateurs_csv, rapports, validation
from flux_dash.calculs import calculer_bilan
from flux_dash.cli import main
from flux_dash.indicateurs_csv import ecrire_indicateurs_csv
from flux_dash.ui.exports import tableau_en_csv, tableau_en_xlsx
from tests.sorties import (
    cellules_csv_non_gardees,
    cellules_ooxml_non_gardees,
    cellules_xlsx_non_gardees,
    fichier_non_garde,
)

HOSTILES = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3"]
FICHIER_HOSTILE = "=HYPERLINK(x)+1.csv"


# --- the rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "texte",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\tcaché", "\r=1", "=", "-", "=cmd|' /C calc'!A0"],
    ids=["egal", "plus", "moins", "arobase", "tabulation", "retour-chariot", "egal-seul", "tiret-seul", "dde"],
)
def test_texte_dangereux_prefixe_d_une_apostrophe(texte):
    assert garde.est_dangereux(texte)
    assert garde.neutraliser(texte) == "'" + texte


@pytest.mark.parametrize(
    "valeur",
    ["Préfecture 93", "", "'=déjà gardé", " =espace devant", "1-2", -1, -0.5, np.int64(-3), 0, None, float("nan")],
    ids=["texte", "vide", "apostrophe", "espace", "tiret-au-milieu", "int", "float", "numpy", "zero", "none", "nan"],
)
def test_nombres_et_textes_ordinaires_inchanges(valeur):
    assert not garde.est_dangereux(valeur)
    resultat = garde.neutraliser(valeur)
    assert resultat is valeur or (resultat != resultat and valeur != valeur)


def test_neutraliser_tableau_garde_le_texte_pas_les_nombres():
    df = pd.DataFrame(
        {
            "objet": ["=1+1", "a", None],
            "chaine": pd.array(["-x", "b", pd.NA], dtype="string"),
            "categorie": pd.Categorical(["@A", "c", "@A"]),
            "nombre": [-1, 2, 3],
            "decimal": [-0.5, 1.5, float("nan")],
            "date": pd.to_datetime(["2024-01-01", None, "2024-12-31"]),
        }
    )
    sortie = garde.neutraliser_tableau(df)
    assert list(sortie["objet"][:2]) == ["'=1+1", "a"] and pd.isna(sortie["objet"][2])
    assert list(sortie["chaine"][:2]) == ["'-x", "b"]
    assert list(sortie["categorie"]) == ["'@A", "c", "'@A"]
    pd.testing.assert_series_equal(sortie["nombre"], df["nombre"])
    pd.testing.assert_series_equal(sortie["decimal"], df["decimal"])
    pd.testing.assert_series_equal(sortie["date"], df["date"])
    assert df["objet"][0] == "=1+1"  # the caller's frame is untouched


# --- hostile input through the command line (erreurs.csv, valider --csv) ---------------------------------


def _csv(df: pd.DataFrame) -> str:
    return df.to_csv(sep=";", index=False)


def _fichiers_hostiles(dossier) -> list[str]:
    """Input files with errors whose values and file name look like formulas."""
    logements = pd.DataFrame(
        [
            ["L1", "93066", "non", "+1+1", "PLUS", 1970, "15/01/2024", ""],
            ["L2", "@SUM(A1)", "non", "T2", "PLAI", 2005, "01/02/2024", ""],
        ],
        columns=[
            "id_logement",
            "code_commune",
            "qpv",
            "typologie",
            "financement",
            "annee_construction",
            "date_disponibilite",
            "categorie_soustraction",
        ],
    )
    tours = pd.DataFrame(
        [["L1", 1, HOSTILES[0], "01/02/2024", "ATTRIBUE", "01/03/2024"]],
        columns=["id_logement", "numero_tour", "reservataire", "date_orientation", "issue", "date_attribution"],
    )
    conventions = pd.DataFrame(
        [["Action Logement Services", "ACTION_LOGEMENT", "DEPARTEMENT", "93", 30]],
        columns=["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"],
    )
    chemins = []
    for nom, df in (("logements.csv", logements), (FICHIER_HOSTILE, tours), ("conventions.csv", conventions)):
        chemin = dossier / nom
        chemin.write_text(_csv(df), encoding="utf-8")
        chemins.append(str(chemin))
    return chemins


def _verifier_csv_de_problemes(octets: bytes) -> None:
    assert cellules_csv_non_gardees(octets) == []
    relu = pd.read_csv(io.BytesIO(octets), sep=";", encoding="utf-8-sig", dtype=str)
    assert {"'+1+1", "'@SUM(A1)", f"'{HOSTILES[0]}"} <= set(relu["Valeur"])
    assert f"'{FICHIER_HOSTILE}" in set(relu["Feuille / fichier"])


def test_valider_csv_garde_les_valeurs_et_noms_de_fichiers(capsys, tmp_path):
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    code = main(["valider", *_fichiers_hostiles(entrees), "--max", "0", "--csv", str(tmp_path / "problemes.csv")])
    capsys.readouterr()
    assert code == 1
    _verifier_csv_de_problemes((tmp_path / "problemes.csv").read_bytes())
    relu = pd.read_csv(tmp_path / "problemes.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert relu["Ligne"].dropna().str.fullmatch(r"\d+").all()  # line numbers stay numbers


def test_bilan_erreurs_csv_garde_les_valeurs_et_noms_de_fichiers(capsys, tmp_path):
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    code = main(["bilan", *_fichiers_hostiles(entrees), "--annee", "2024", "--sortie", str(tmp_path / "sortie")])
    capsys.readouterr()
    assert code == 1
    _verifier_csv_de_problemes((tmp_path / "sortie" / "erreurs.csv").read_bytes())


# --- hostile réservataire names through the trames and the indicators file -------------------------------


@pytest.fixture(scope="module")
def bilan_hostile():
    logements = pd.DataFrame(
        [
            [f"L{i}", "93066" if i % 2 else "93048", "non", "T3", "PLUS", 1970, "15/01/2024", ""]
            for i in range(1, len(HOSTILES) + 2)
        ],
        columns=[
            "id_logement",
            "code_commune",
            "qpv",
            "typologie",
            "financement",
            "annee_construction",
            "date_disponibilite",
            "categorie_soustraction",
        ],
    )
    tours = pd.DataFrame(
        [[f"L{i}", 1, nom, "01/02/2024", "ATTRIBUE", "01/03/2024"] for i, nom in enumerate(HOSTILES, start=1)],
        columns=["id_logement", "numero_tour", "reservataire", "date_orientation", "issue", "date_attribution"],
    )
    conventions = pd.DataFrame(
        [[nom, "AUTRE", "DEPARTEMENT", "93", 5] for nom in HOSTILES],
        columns=["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"],
    )
    fichiers = [(n, _csv(df).encode()) for n, df in (("l.csv", logements), ("t.csv", tours), ("c.csv", conventions))]
    rapport = validation.charger(fichiers, 2024)
    assert rapport.ok, [str(p) for p in rapport.erreurs]
    return calculer_bilan(rapport.tables, 2024)


OPTIONS_HOSTILES = rapports.OptionsRapports(bailleur="@Bailleur", fichiers_source=((FICHIER_HOSTILE, "0" * 64),))


def test_trames_aucune_formule_et_texte_dangereux_prefixe(bilan_hostile):
    prevus = rapports.lister_rapports(bilan_hostile, OPTIONS_HOSTILES)
    assert {p.genre for p in prevus} == {"reservataire", "epci", "etat", "previsionnel"}
    vus: set[str] = set()
    for prevu in prevus:
        octets = prevu.construire()
        assert cellules_xlsx_non_gardees(octets) == [], prevu.nom_fichier
        for ws in openpyxl.load_workbook(io.BytesIO(octets)):
            for rangee in ws.iter_rows():
                vus.update(c.value for c in rangee if c.value in HOSTILES)
    assert vus == set(HOSTILES)


def test_indicateurs_csv_garde_les_noms(bilan_hostile):
    octets = ecrire_indicateurs_csv(bilan_hostile)
    assert cellules_csv_non_gardees(octets) == []
    relu = pd.read_csv(io.BytesIO(octets), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert {f"'{nom}" for nom in HOSTILES} <= set(relu["reservataire"])
    assert (relu["valeur"].str.startswith("'")).sum() == 0  # numbers are never guarded, negative ones included


# --- the app's downloads ----------------------------------------------------------------------------------


def test_telechargements_de_l_application_gardes():
    df = pd.DataFrame({"reservataire": [*HOSTILES, FICHIER_HOSTILE], "ecart": [-1.5, -2, 0, 3, -4]})
    csv = tableau_en_csv(df)
    assert cellules_csv_non_gardees(csv) == []
    assert csv.decode("utf-8-sig").splitlines()[1:3] == ["'=cmd|' /C calc'!A0;-1,5", "'+1+1;-2,0"]
    xlsx = tableau_en_xlsx(df, FICHIER_HOSTILE)
    assert cellules_xlsx_non_gardees(xlsx) == []
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert [ws.cell(i, 1).value for i in range(2, 7)] == df["reservataire"].tolist()
    assert all(ws.cell(i, 1).quotePrefix and ws.cell(i, 1).data_type == "s" for i in range(2, 7))
    assert [ws.cell(i, 2).value for i in range(2, 7)] == [-1.5, -2, 0, 3, -4]


# --- the check run on every file the test suite makes (tests/conftest.py) ---------------------------------


def _classeur_brut(ecrire) -> bytes:
    """A workbook written straight with XlsxWriter (as a careless writer would), for the checks below."""
    import xlsxwriter

    tampon = io.BytesIO()
    wb = xlsxwriter.Workbook(tampon, {"in_memory": True})
    ecrire(wb, wb.add_worksheet("F"))
    wb.close()
    return tampon.getvalue()


@pytest.mark.parametrize(
    ("ecrire", "attendu"),
    [
        pytest.param(lambda wb, ws: ws.write_formula("A1", "=1+1"), "formule", id="formule"),
        pytest.param(lambda wb, ws: ws.write_string("A1", "=cmd|' /C calc'!A0"), "texte sans préfixe", id="partage"),
        pytest.param(
            lambda wb, ws: ws.write_string("A1", "@SUM(A1)", wb.add_format({"quote_prefix": True})), None, id="garde"
        ),
        pytest.param(lambda wb, ws: ws.write_number("A1", -1), None, id="nombre-negatif"),
    ],
)
def test_le_controle_des_classeurs_voit_formules_et_textes_non_gardes(ecrire, attendu):
    octets = _classeur_brut(ecrire)
    rapide, lent = cellules_ooxml_non_gardees(octets), cellules_xlsx_non_gardees(octets)
    assert len(rapide) == len(lent) == (0 if attendu is None else 1)
    if attendu:
        assert attendu in rapide[0] and attendu in lent[0]


def test_le_controle_rapide_voit_aussi_le_retour_chariot():
    """(openpyxl reads a leading CR back as a line feed: only the XML scan sees it.)"""
    octets = _classeur_brut(lambda wb, ws: ws.write_string("A1", "\r=1"))
    assert cellules_ooxml_non_gardees(octets) == ["xl/worksheets/sheet1.xml!A1: texte sans préfixe '\\r=1'"]


def test_le_controle_rapide_egale_openpyxl_sur_les_trames_hostiles(bilan_hostile):
    for prevu in rapports.lister_rapports(bilan_hostile, OPTIONS_HOSTILES)[:3]:
        octets = prevu.construire()
        assert cellules_ooxml_non_gardees(octets) == cellules_xlsx_non_gardees(octets) == []


def test_le_controle_des_csv_et_des_archives():
    assert fichier_non_garde("a.csv", b"x;=1+1\r\n-2;'=ok\r\n") == ["a.csv:1:2: '=1+1'"]
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as zf:  # not rapports.archiver: this archive is not a product output
        zf.writestr("c.csv", b"+1+1;3\r\n")
        zf.writestr("d/b.xlsx", _classeur_brut(lambda wb, ws: ws.write_formula("A1", "=1")))
    fautes = fichier_non_garde("flux.zip", tampon.getvalue())
    assert len(fautes) == 2 and fautes[0].startswith("flux.zip/c.csv") and "formule" in fautes[1]


def test_chaque_fichier_produit_pendant_un_test_est_controle(sorties_sans_formule, bilan_hostile):
    prevu = rapports.lister_rapports(bilan_hostile, OPTIONS_HOSTILES)[0]
    octets = prevu.construire()
    indicateurs_csv.ecrire_indicateurs_csv(bilan_hostile)
    assert [nom for nom, _ in sorties_sans_formule] == ["classeur.xlsx", "indicateurs.csv"]
    assert sorties_sans_formule[0][1] == octets
