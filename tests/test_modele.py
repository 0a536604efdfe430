"""Specification of flux_dash.modele: the empty input workbook of FORMAT.md §1 (``flux-dash modele``)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from flux_dash import excel as xl
from flux_dash import referentiel as ref
from flux_dash.colonnes import TABLES, Table
from flux_dash.modele import DERNIERE_LIGNE, construire_modele, modele_saisie
from tests.sorties import role


@pytest.fixture(scope="module")
def classeur() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(modele_saisie()))


@pytest.fixture(scope="module")
def classeur_2030() -> openpyxl.Workbook:
    """The template built as if the current year were 2030 (upper bound of annee_construction)."""
    return openpyxl.load_workbook(io.BytesIO(xl.classeur_en_octets(construire_modele(annee_courante=2030))))


def colonnes_de(genre: str | None = None, categorielle: bool = False) -> list[tuple[Table, int]]:
    """(table, 1-based column number) of the columns of a kind, for parametrize."""
    return [
        pytest.param(t, j, id=f"{t.nom}.{c.nom}")
        for t in TABLES
        for j, c in enumerate(t.colonnes, start=1)
        if (categorielle and c.categorie is not None) or (genre is not None and c.genre == genre)
    ]


def validation_de(ws, cellule: str):
    trouvees = [dv for dv in ws.data_validations.dataValidation if cellule in dv.sqref]
    assert len(trouvees) == 1, f"{ws.title}!{cellule}: {len(trouvees)} validations"
    return trouvees[0]


def operateur(dv) -> str:
    """The operator of a validation: absent means "between" (ECMA-376, CT_DataValidation)."""
    return dv.operator or "between"


def format_de_colonne(ws, j: int) -> str:
    """The number format of column ``j`` (a ``<col>`` element may cover several adjacent columns)."""
    for dimension in ws.column_dimensions.values():
        if dimension.min is not None and dimension.min <= j <= dimension.max:
            return dimension.number_format
    return "General"


def resoudre_liste(wb: openpyxl.Workbook, formule: str) -> list[str]:
    """Values of a list validation whose formula is a workbook name pointing at the « Listes » sheet."""
    ((feuille, zone),) = list(wb.defined_names[formule].destinations)
    assert feuille == "Listes"
    min_col, min_row, max_col, max_row = range_boundaries(zone.replace("$", ""))
    assert min_col == max_col
    return [wb[feuille].cell(i, min_col).value for i in range(min_row, max_row + 1)]


# --- Sheets and headers ----------------------------------------------------------------------------


def test_feuilles_dans_l_ordre_listes_masquee(classeur):
    assert classeur.sheetnames == ["Notice", "Logements", "Tours", "Conventions", "Prévisionnel", "Listes"]
    assert [ws.sheet_state for ws in classeur] == ["visible"] * 5 + ["hidden"]
    assert classeur.active.title == "Notice"


@pytest.mark.parametrize("table", TABLES, ids=[t.nom for t in TABLES])
def test_entetes_en_ligne_1_egales_aux_colonnes(classeur, table):
    ws = classeur[table.libelle]
    assert [c.value for c in ws[1]] == table.noms
    assert ws.max_row == 1  # no data, no notes row: the reader expects the header on line 1
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("table", TABLES, ids=[t.nom for t in TABLES])
def test_obligatoires_en_gras(classeur, table):
    ws = classeur[table.libelle]
    gras = [c.font.b for c in ws[1]]
    assert gras == [c.obligatoire for c in table.colonnes]
    styles = [role(c) for c in ws[1]]
    assert styles == [(xl.STYLE_ENTETE if c.obligatoire else xl.STYLE_ENTETE_FACULTATIF).nom for c in table.colonnes]


@pytest.mark.parametrize("table", TABLES, ids=[t.nom for t in TABLES])
def test_commentaire_sur_chaque_entete(classeur, table):
    ws = classeur[table.libelle]
    for j, colonne in enumerate(table.colonnes, start=1):
        texte = ws.cell(1, j).comment.text
        assert texte.startswith(colonne.description)
        assert ("Colonne obligatoire." if colonne.obligatoire else "Colonne facultative.") in texte
        if colonne.exemple:
            assert f"Exemple : {colonne.exemple}" in texte
        if colonne.categorie is not None:
            assert ", ".join(colonne.categorie.codes) in texte


def test_commentaire_exemple_complet(classeur):
    assert classeur["Tours"]["B1"].comment.text == (
        "Numéro du tour pour ce logement (1, 2, 3…), unique par logement.\n"
        "Colonne obligatoire.\n"
        "Type : nombre entier.\n"
        "Valeurs admises : 1 ou plus.\n"
        "Exemple : 1"
    )


# --- Drop-down lists and type checks ---------------------------------------------------------------


@pytest.mark.parametrize(("table", "j"), colonnes_de(categorielle=True))
def test_liste_deroulante_des_codes_du_referentiel(classeur, table, j):
    ws = classeur[table.libelle]
    lettre = get_column_letter(j)
    dv = validation_de(ws, f"{lettre}2")
    assert dv.type == "list"
    assert str(dv.sqref) == f"{lettre}2:{lettre}{DERNIERE_LIGNE}"
    assert dv.errorStyle == "warning"  # aliases typed by hand stay possible
    assert resoudre_liste(classeur, dv.formula1) == table.colonnes[j - 1].categorie.codes


@pytest.mark.parametrize(
    ("feuille", "colonne", "codes"),
    [
        ("Logements", "E", ["T1", "T2", "T3", "T4", "T5+"]),
        ("Tours", "E", ["ATTRIBUE", "REFUS_CANDIDAT", "NON_ATTRIBUE_CALEOL", "ABSENCE_DESIGNATION", "EN_COURS"]),
        ("Conventions", "C", ["DEPARTEMENT", "EPCI_EPT", "COMMUNE"]),
    ],
    ids=["typologie", "issue", "perimetre_type"],
)
def test_listes_deroulantes_valeurs_litterales(classeur, feuille, colonne, codes):
    dv = validation_de(classeur[feuille], f"{colonne}2")
    assert resoudre_liste(classeur, dv.formula1) == codes


def test_categorie_de_convention_sans_bailleur(classeur):
    dv = validation_de(classeur["Conventions"], "B2")
    codes = resoudre_liste(classeur, dv.formula1)
    assert codes == ref.CATEGORIES_CONVENTION
    assert ref.BAILLEUR not in codes


@pytest.mark.parametrize(("table", "j"), colonnes_de("booleen"))
def test_booleens_oui_non(classeur, table, j):
    dv = validation_de(classeur[table.libelle], f"{get_column_letter(j)}2")
    assert (dv.type, dv.formula1) == ("list", '"oui,non"')


@pytest.mark.parametrize(("table", "j"), colonnes_de("date"))
def test_dates_format_et_validation(classeur, table, j):
    ws = classeur[table.libelle]
    lettre = get_column_letter(j)
    assert format_de_colonne(ws, j) == "DD/MM/YYYY"
    dv = validation_de(ws, f"{lettre}2")
    assert (dv.type, operateur(dv)) == ("date", "between")
    assert (dv.formula1, dv.formula2) == ("18264", "73050")  # 01/01/1950 and 31/12/2099 as Excel serials


@pytest.mark.parametrize(
    ("feuille", "colonne", "genre", "operateur_attendu", "bornes"),
    [
        ("Tours", "B", "whole", "greaterThanOrEqual", ("1", None)),
        ("Logements", "G", "whole", "between", ("1800", "2030")),
        ("Prévisionnel", "C", "whole", "greaterThanOrEqual", ("0", None)),
        ("Prévisionnel", "D", "whole", "greaterThanOrEqual", ("0", None)),
        ("Conventions", "E", "decimal", "between", ("0", "100")),
    ],
    ids=["numero_tour", "annee_construction", "nombre_prevu", "disponibilites_prevues", "taux"],
)
def test_validations_numeriques(classeur_2030, feuille, colonne, genre, operateur_attendu, bornes):
    dv = validation_de(classeur_2030[feuille], f"{colonne}2")
    assert (dv.type, operateur(dv), dv.formula1, dv.formula2) == (genre, operateur_attendu, *bornes)


@pytest.mark.parametrize(("table", "j"), colonnes_de("code") + colonnes_de("texte") + colonnes_de(categorielle=True))
def test_colonnes_de_codes_en_texte(classeur, table, j):
    assert format_de_colonne(classeur[table.libelle], j) == "@"


def test_listes_nommees_vers_la_feuille_listes(classeur):
    noms = sorted(classeur.defined_names)
    assert noms == [
        "liste_categorie",
        "liste_categorie_soustraction",
        "liste_financement",
        "liste_issue",
        "liste_origine",
        "liste_perimetre_type",
        "liste_typologie",
    ]


# --- Notice ----------------------------------------------------------------------------------------


def textes(ws) -> list[str]:
    return [str(c.value) for rangee in ws.iter_rows() for c in rangee if c.value is not None]


def test_notice_decrit_chaque_colonne_et_les_alias(classeur):
    contenu = textes(classeur["Notice"])
    for table in TABLES:
        assert table.libelle in contenu
        for colonne in table.colonnes:
            assert colonne.nom in contenu
            assert colonne.description in contenu
    for alias in ("studio", "PLA-I", "NPNRU", "préfet", "remise à disposition"):
        assert any(alias in texte.split(" ; ") for texte in contenu), alias
    assert any("En-tête bleu foncé en gras : colonne obligatoire" in t for t in contenu)
    assert any("tous les taux" in t for t in contenu)


def test_notice_alias_regroupes_par_code(classeur):
    ws = classeur["Notice"]
    lignes = [[c.value for c in r] for r in ws.iter_rows(max_col=4) if r[1].value == "T1" and r[0].value == "typologie"]
    assert lignes == [["typologie", "T1", "studio ; T1 bis ; T1' ; T1b ; T1bis ; F1 ; 1", "T1"]]


# --- Round trip with the reader ------------------------------------------------------------------


def test_modele_rempli_relu_par_lecture():
    from flux_dash.lecture import lire

    wb = construire_modele(annee_courante=2025)
    saisies = {
        "Logements": [
            ["LGT-001", "93066", "oui", "", "T3", "PLUS", 1972, dt.date(2024, 3, 15), "ROTATION", ""],
            ["007", "75112", "non", "", "studio", "PLA-I", 2015, dt.date(2024, 6, 1), "", "mutation"],
        ],
        "Tours": [
            ["LGT-001", 1, "Préfecture 93", dt.date(2024, 3, 20), "ATTRIBUE", dt.date(2024, 5, 12), "oui"],
            ["007", 1, "Bailleur", dt.date(2024, 6, 3), "EN_COURS"],
        ],
        "Conventions": [
            ["Préfecture 93", "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 25],
            ["Action Logement", "ACTION_LOGEMENT", "DEPARTEMENT", "75", 12.5],
        ],
    }
    for feuille, lignes in saisies.items():
        for i, ligne in enumerate(lignes, start=2):
            for j, v in enumerate(ligne, start=1):
                xl.ecrire_valeur(wb[feuille], i, j, v if v != "" else None)
    donnees = lire([("modele.xlsx", xl.classeur_en_octets(wb))])

    assert [p for p in donnees.problemes if p.gravite == "erreur"] == []
    assert set(donnees.tables) >= {"logements", "tours", "conventions"}
    assert donnees.sources["logements"] == "Logements"
    logements = donnees.tables["logements"]
    assert logements["id_logement"].tolist() == ["LGT-001", "007"]
    assert logements["code_commune"].tolist() == ["93066", "75056"]
    assert logements["typologie"].tolist() == ["T3", "T1"]
    assert logements["financement"].tolist() == ["PLUS", "PLAI"]
    assert logements["qpv"].tolist() == [True, False]
    assert logements["date_disponibilite"].tolist() == [pd.Timestamp("2024-03-15"), pd.Timestamp("2024-06-01")]
    assert logements["categorie_soustraction"].tolist()[1] == "MUTATION_INTERNE"
    assert logements["ligne"].tolist() == [2, 3]
    tours = donnees.tables["tours"]
    assert tours["numero_tour"].tolist() == [1, 1]
    assert tours["issue"].tolist() == ["ATTRIBUE", "EN_COURS"]
    assert tours["date_attribution"].iloc[0] == pd.Timestamp("2024-05-12")
    assert donnees.tables["conventions"]["taux"].tolist() == [25.0, 12.5]


# --- An independent reader: LibreOffice -----------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_garde_en_tetes_listes_et_commentaires(tmp_path):
    (tmp_path / "entree").mkdir()
    (tmp_path / "entree" / "modele.xlsx").write_bytes(modele_saisie())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profil",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "entree" / "modele.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    wb = openpyxl.load_workbook(tmp_path / "modele.xlsx")
    assert wb.sheetnames == ["Notice", "Logements", "Tours", "Conventions", "Prévisionnel", "Listes"]
    assert wb["Listes"].sheet_state == "hidden"
    for table in TABLES:
        ws = wb[table.libelle]
        assert [c.value for c in ws[1]] == table.noms
        assert ws["A1"].comment.text.startswith(table.colonnes[0].description)
    dv = validation_de(wb["Logements"], "E2")
    assert resoudre_liste(wb, dv.formula1) == ref.TYPOLOGIES.codes
