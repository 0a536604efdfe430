"""Specification of flux_dash.excel, the one xlsx writer: Excel hygiene shared by every workbook (FORMAT.md §2.1),
checked on the bytes it writes, read back with openpyxl (and LibreOffice)."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import subprocess
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter.exceptions

from flux_dash import excel as xl
from tests.sorties import role


def recharger(wb: xl.Classeur) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xl.classeur_en_octets(wb)))


def classeur() -> tuple[xl.Classeur, xl.Feuille]:
    wb = xl.nouveau_classeur()
    return wb, xl.nouvelle_feuille(wb, "Feuille")


# --- Formula injection and illegal characters -----------------------------------------------------


@pytest.mark.parametrize(
    "texte",
    ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "=1+1", "=", "-", "\t=1"],
    ids=["hyperlink", "plus", "moins", "arobase", "egal-calcul", "egal-seul", "tiret-seul", "tabulation"],
)
def test_ecrire_texte_stocke_le_texte_jamais_une_formule(texte):
    wb, ws = classeur()
    xl.ecrire_texte(ws, 1, 1, texte)
    cell = recharger(wb)["Feuille"]["A1"]
    assert cell.data_type == "s"
    assert cell.value == texte
    assert cell.quotePrefix is True


def test_ecrire_texte_ordinaire_sans_prefixe():
    wb, ws = classeur()
    xl.ecrire_texte(ws, 1, 1, "Préfecture 93")
    cell = recharger(wb)["Feuille"]["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("Préfecture 93", "s", False)


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        ("a\x00b", "ab"),
        ("\x07cloche\x1f", "cloche"),
        ("ligne 1\nligne 2\tfin", "ligne 1\nligne 2\tfin"),
        ("=A1\x0b", "=A1"),
    ],
    ids=["nul", "controles", "tab-et-saut-gardes", "formule-et-controle"],
)
def test_caracteres_de_controle_retires(brut, attendu):
    wb, ws = classeur()
    xl.ecrire_texte(ws, 1, 1, brut)  # illegal in XML 1.0: Excel would refuse the file
    cell = recharger(wb)["Feuille"]["A1"]
    assert cell.value == attendu
    assert cell.data_type == "s"


def test_texte_coupe_a_la_limite_excel():
    wb, ws = classeur()
    xl.ecrire_texte(ws, 1, 1, "x" * 40000)
    assert recharger(wb)["Feuille"]["A1"].value == "x" * 32767


# --- ecrire_valeur dispatch ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "format", "valeur_lue", "format_lu", "type_lu"),
    [
        (1234, None, 1234, "#,##0", "n"),
        (np.int64(7), None, 7, "#,##0", "n"),
        (0.125, xl.FORMAT_PART, 0.125, "0.0%", "n"),
        (12.25, xl.FORMAT_DROITS, 12.25, "#,##0.0", "n"),
        (np.float32(0.5), xl.FORMAT_PART, 0.5, "0.0%", "n"),
        (decimal.Decimal("2.5"), None, 2.5, "#,##0.0", "n"),
        (dt.date(2024, 3, 15), None, dt.datetime(2024, 3, 15), "DD/MM/YYYY", "d"),
        (pd.Timestamp("2024-03-15 00:00", tz="Europe/Paris"), None, dt.datetime(2024, 3, 15), "DD/MM/YYYY", "d"),
        ("0123", None, "0123", "General", "s"),
        ("1234", xl.FORMAT_ENTIER, "1234", "#,##0", "s"),
        (True, None, "oui", "General", "s"),
        (np.bool_(False), None, "non", "General", "s"),
    ],
    ids=[
        "int",
        "int-numpy",
        "part",
        "droits",
        "float32",
        "decimal",
        "date",
        "timestamp-tz",
        "code-zero-en-tete",
        "texte-nombre-reste-texte",
        "booleen",
        "booleen-numpy",
    ],
)
def test_ecrire_valeur_type_et_format(valeur, format, valeur_lue, format_lu, type_lu):
    wb, ws = classeur()
    xl.ecrire_valeur(ws, 2, 2, valeur, format)
    cell = recharger(wb)["Feuille"]["B2"]
    assert cell.value == valeur_lue
    assert cell.number_format == format_lu
    assert cell.data_type == type_lu


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [("1 234,5", 1234.5), ("1\u202f234", 1234), ("-3", -3), ("12 %", "12 %"), ("abc", "abc")],
    ids=["virgule-decimale", "espace-fine", "negatif", "pourcentage-reste-texte", "mot"],
)
def test_ecrire_valeur_texte_en_nombre_sur_demande(texte, attendu):
    wb, ws = classeur()
    xl.ecrire_valeur(ws, 1, 1, texte, texte_en_nombre=True)
    assert recharger(wb)["Feuille"]["A1"].value == attendu


@pytest.mark.parametrize(
    "manquant",
    [None, float("nan"), pd.NA, np.nan, float("inf"), pd.NaT],
    ids=["none", "nan", "na", "numpy-nan", "infini", "nat"],
)
def test_ratio_manquant_devient_ns_gris_a_droite(manquant):
    wb, ws = classeur()
    xl.ecrire_valeur(ws, 1, 1, manquant, xl.FORMAT_PART)
    cell = recharger(wb)["Feuille"]["A1"]
    assert (cell.value, cell.data_type) == ("n.s.", "s")
    assert cell.alignment.horizontal == "right"
    assert cell.font.color.rgb[-6:] == xl.GRIS_NS


@pytest.mark.parametrize(
    ("format", "manquant", "attendu"),
    [(None, None, None), (xl.FORMAT_DATE, None, None), (xl.FORMAT_ENTIER, "nd", "nd"), (None, "–", "–")],
    ids=["sans-format-vide", "date-vide", "texte-choisi", "texte-choisi-sans-format"],
)
def test_valeur_manquante_hors_ratio(format, manquant, attendu):
    wb, ws = classeur()
    xl.ecrire_valeur(ws, 1, 1, None, format, manquant=manquant)
    assert recharger(wb)["Feuille"]["A1"].value == attendu


# --- Small-cell masking ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "seuil", "attendu"),
    [
        (0, 5, 0),
        (1, 5, "< 5"),
        (4, 5, "< 5"),
        (5, 5, 5),
        (123, 5, 123),
        (3.0, 5, "< 5"),
        (np.int64(2), 5, "< 5"),
        (9, 10, "< 10"),
        (None, 5, None),
        ("n.s.", 5, "n.s."),
        (-2, 5, -2),
    ],
    ids=["zero", "un", "quatre", "cinq", "grand", "float", "numpy", "seuil-10", "none", "texte", "negatif"],
)
def test_masquer_petits_effectifs(valeur, seuil, attendu):
    assert xl.masquer_petits_effectifs(valeur, seuil) == attendu


def test_masquer_petits_effectifs_nan_inchange():
    assert np.isnan(xl.masquer_petits_effectifs(float("nan")))


# --- Sheet titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "existants", "attendu"),
    [
        ("Bilan", [], "Bilan"),
        ("Bilan 2024 : Préfecture/93", [], "Bilan 2024 Préfecture 93"),
        ("a[b]c*d?e\\f", [], "a b c d e f"),
        ("Communauté d'agglomération Grand Paris Sud Seine-Essonne-Sénart", [], "Communauté d'agglomération Gran"),
        ("'Cité'", [], "Cité"),
        ("", [], "Feuille"),
        ("[]:*?", [], "Feuille"),
        ("Bilan", ["Bilan"], "Bilan (2)"),
        ("bilan", ["BILAN", "Bilan (2)"], "bilan (3)"),
        ("x" * 40, ["x" * 31], "x" * 27 + " (2)"),
        ("History", [], "History (2)"),
        ("Tab\x01", [], "Tab"),
        ("y" * 30 + "'zzz", [], "y" * 30),
    ],
    ids=[
        "simple",
        "deux-points-barre",
        "tous-interdits",
        "long-31",
        "apostrophes",
        "vide",
        "que-des-interdits",
        "doublon",
        "doublon-casse",
        "doublon-long",
        "reserve-history",
        "controle",
        "apostrophe-apres-coupe",
    ],
)
def test_titre_feuille(texte, existants, attendu):
    titre = xl.titre_feuille(texte, existants)
    assert titre == attendu
    assert len(titre) <= 31


def test_titre_feuille_accepte_par_openpyxl_et_unique():
    wb = xl.nouveau_classeur()
    for texte in ["Bilan/2024", "Bilan 2024", "Bilan:2024", "Bilan 2024"]:
        xl.nouvelle_feuille(wb, texte)
    assert recharger(wb).sheetnames == ["Bilan 2024", "Bilan 2024 (2)", "Bilan 2024 (3)", "Bilan 2024 (4)"]
    with pytest.raises(ValueError, match="Feuille en double"):
        wb.ajouter(xl.Feuille("BILAN 2024"))


# --- Tables ----------------------------------------------------------------------------------------


def tableau_exemple() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "reservataire": ["=Préfet", "Action Logement"],
            "proposes": pd.array([1234, 3], dtype="Int64"),
            "part": [0.25, float("nan")],
            "droits": [10.25, 2.5],
            "date": pd.to_datetime(["2024-01-31", "2024-02-29"]),
        }
    )


def test_ecrire_tableau_valeurs_formats_et_plage():
    wb, ws = classeur()
    plage = xl.ecrire_tableau(
        ws,
        tableau_exemple(),
        3,
        2,
        formats={"part": xl.FORMAT_PART},
        libelles={"reservataire": "Réservataire", "proposes": "Proposés"},
        total={"proposes": 1237, "part": 0.5},
    )
    assert plage == xl.Plage(3, 6, 2, 6, 6)
    assert plage[:2] == (3, 6)
    assert plage.ref == "B3:F6"
    assert plage.derniere_ligne_donnees == 5
    ws2 = recharger(wb)["Feuille"]
    lignes = [[c.value for c in rangee] for rangee in ws2.iter_rows(min_row=3, max_row=6, min_col=2, max_col=6)]
    assert lignes == [
        ["Réservataire", "Proposés", "part", "droits", "date"],
        ["=Préfet", 1234, 0.25, 10.25, dt.datetime(2024, 1, 31)],
        ["Action Logement", 3, "n.s.", 2.5, dt.datetime(2024, 2, 29)],
        ["Total", 1237, 0.5, None, None],
    ]
    formats = [c.number_format for c in ws2[4][2:6]]
    assert formats == ["#,##0", "0.0%", "#,##0.0", "DD/MM/YYYY"]
    assert ws2["B4"].data_type == "s"
    assert role(ws2["B3"]) == xl.STYLE_ENTETE.nom
    assert role(ws2["C5"]) == xl.STYLE_CORPS.nom
    assert role(ws2["C6"]) == xl.STYLE_TOTAL.nom and ws2["C6"].number_format == "#,##0"
    assert role(ws2["F6"]) == xl.STYLE_TOTAL.nom  # a totals cell without value keeps the row's look
    assert ws2.merged_cells.ranges == set()


def test_ecrire_tableau_total_somme_les_effectifs_et_droits_seulement():
    wb, ws = classeur()
    xl.ecrire_tableau(ws, tableau_exemple(), formats={"part": xl.FORMAT_PART}, total=True, libelle_total="Ensemble")
    ws2 = recharger(wb)["Feuille"]
    assert [c.value for c in ws2[4]] == ["Ensemble", 1237, None, 12.75, None]


def test_ecrire_tableau_masquage_des_colonnes_choisies():
    wb, ws = classeur()
    df = pd.DataFrame({"commune": ["A", "B", "C"], "attribues": [0, 3, 12], "part": [0.0, 0.2, 0.8]})
    xl.ecrire_tableau(ws, df, formats={"part": xl.FORMAT_PART}, colonnes_masquees=["attribues"], total=True)
    ws2 = recharger(wb)["Feuille"]
    assert [ws2.cell(i, 2).value for i in range(2, 6)] == [0, "< 5", 12, 15]
    assert [ws2.cell(i, 3).value for i in range(2, 5)] == [0.0, 0.2, 0.8]
    assert ws2["B3"].alignment.horizontal == "right"


def test_ecrire_tableau_excel_table_et_filtre():
    wb, ws = classeur()
    df = pd.DataFrame({"a": [1, 2], "b": [3, 4]})
    xl.ecrire_tableau(ws, df, tableau="Bilan 2024 préfet", total=True, classeur=wb)
    xl.ecrire_tableau(ws, df, 10, tableau="Bilan 2024 préfet", classeur=wb)
    autre = xl.nouvelle_feuille(wb, "Autre")
    xl.ecrire_tableau(autre, df, filtre=True)
    wb2 = recharger(wb)
    tables = wb2["Feuille"].tables
    assert sorted(tables) == ["T_bilan_2024_prefet", "T_bilan_2024_prefet_2"]
    assert tables["T_bilan_2024_prefet"].ref == "A1:B3"  # the totals row stays outside the table
    assert tables["T_bilan_2024_prefet_2"].ref == "A10:B12"
    assert tables["T_bilan_2024_prefet"].tableStyleInfo.showRowStripes is False
    assert role(wb2["Feuille"]["A1"]) == xl.STYLE_ENTETE.nom  # the table keeps the house header
    assert wb2["Autre"].auto_filter.ref == "A1:B3"


def test_ecrire_tableau_refuse_un_tableau_aux_entetes_en_double():
    _, ws = classeur()
    with pytest.raises(ValueError, match="En-têtes en double"):
        xl.ecrire_tableau(ws, pd.DataFrame({"a": [1], "b": [2]}), libelles={"a": "X", "b": "X"}, tableau="t")


def test_ecrire_tableau_vide_ecrit_l_entete_seule():
    wb, ws = classeur()
    plage = xl.ecrire_tableau(ws, pd.DataFrame({"a": pd.Series([], dtype="Int64")}), tableau="vide")
    assert plage == xl.Plage(1, 1, 1, 1, None)
    assert recharger(wb)["Feuille"].tables == {}


# --- Layout ----------------------------------------------------------------------------------------


def test_ajuster_largeurs_bornees_et_titres_ignores():
    wb, ws = classeur()
    xl.ecrire_titre(ws, "Un très long titre qui déborde sur les colonnes voisines sans les élargir", ["Sous-titre"])
    df = pd.DataFrame({"c": ["x"], "long": ["y" * 100], "n": [1234567]})
    xl.ecrire_tableau(ws, df, 4)
    xl.ajuster_largeurs(ws)
    assert ws.largeurs == {1: 8, 2: 60, 3: len("1,234,567") + 2}
    relue = recharger(wb)["Feuille"]
    assert [relue.column_dimensions[c].width for c in "ABC"] == [8, 60, 11]  # Excel's unit, as computed


@pytest.mark.parametrize(
    ("texte", "hauteur"),
    [("aaa bbb ccc ddd", 28.0), ("aaa bbb ccc ddd eee fff ggg", 54.0), ("un\ndeux\ntrois", 41.0), ("court", None)],
    ids=["deux-lignes", "quatre-lignes", "sauts-de-ligne", "une-ligne-hauteur-par-defaut"],
)
def test_ajuster_hauteurs_du_texte_renvoye_a_la_ligne(texte, hauteur):
    wb, ws = classeur()
    ws.largeurs[2] = 10
    xl.ecrire_texte(ws, 2, 2, texte, xl.Style(renvoi=True))
    xl.ecrire_texte(ws, 2, 3, "un texte long sans retour à la ligne qui ne compte pas", xl.STYLE_CORPS)
    xl.ajuster_hauteurs(ws)
    assert ws.hauteurs.get(2) == hauteur
    assert recharger(wb)["Feuille"].row_dimensions[2].height == hauteur  # written exactly, not rounded to pixels


def test_etendue_cellules_texte_qui_deborde_blocs_et_graphiques():
    wb, ws = classeur()
    assert xl.etendue(ws) == (0, 0)
    xl.ecrire_texte(ws, 1, 1, "Titre")
    xl.ecrire_valeur(ws, 3, 2, 12, xl.FORMAT_ENTIER)
    assert xl.etendue(ws) == (3, 2)
    # A note of 40 characters in 9 pt runs over 40 × 9 / 11 = 32.7 characters: columns A–D at 8.43 each.
    xl.ecrire_texte(ws, 5, 1, "n" * 40, xl.STYLE_NOTE)
    assert xl.etendue(ws) == (5, 4)
    xl.ecrire_texte(ws, 6, 1, "n" * 40, xl.STYLE_NOTE.avec(renvoi=True))  # wrapped: stays in its column
    xl.ecrire_texte(ws, 7, 1, "n" * 40, xl.STYLE_CORPS)
    xl.ecrire_texte(ws, 7, 2, "x", xl.STYLE_CORPS)  # a neighbour stops the overflow
    assert xl.etendue(ws) == (7, 4)
    xl.ecrire_donnees(ws, pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]}), 10, 5)
    assert xl.etendue(ws) == (12, 6)
    # A 16 × 8 cm chart (605 × 302 px) at H2 covers 10 columns of 64 px and 16 rows of 20 px: H2:Q17.
    ws.graphiques.append(xl.Graphique("G", "H2", 9, 10, 12, 5, (6,)))
    assert xl.etendue(ws) == (17, 17)
    assert xl.etendue(ws, jusqua=3) == (3, 2)


@pytest.mark.parametrize(
    ("zone", "attendu"),
    [
        pytest.param(True, "'Feuille'!$A$1:$C$9", id="contenu"),
        pytest.param(4, "'Feuille'!$A$1:$B$4", id="jusqu-a-la-ligne-4"),
        pytest.param(False, None, id="aucune"),
    ],
)
def test_zone_d_impression(zone, attendu):
    wb, ws = classeur()
    xl.ecrire_texte(ws, 1, 1, "Titre")
    xl.ecrire_valeur(ws, 4, 2, 1, xl.FORMAT_ENTIER)
    xl.ecrire_valeur(ws, 9, 3, 1, xl.FORMAT_ENTIER)
    xl.mise_en_page(ws, (4, 4), zone=zone)
    relue = recharger(wb)["Feuille"]
    assert (relue.print_area or None) == attendu


def test_mise_en_page_et_figer():
    wb, ws = classeur()
    xl.mise_en_page(ws, (3, 4))
    xl.figer_entete(ws, "B5")
    ws2 = recharger(wb)["Feuille"]
    assert ws2.page_setup.orientation == "landscape"
    assert (ws2.page_setup.fitToWidth or 1) == 1 and ws2.page_setup.fitToHeight == 0  # absent = 1 (ECMA-376)
    assert ws2.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws2.print_title_rows == "$3:$4"
    assert ws2.oddFooter.right.text == "Page &P / &N"
    assert ws2.oddFooter.left.text == "&A" and ws2.oddFooter.left.size == 8
    assert ws2.freeze_panes == "B5"


@pytest.mark.parametrize(
    ("bailleur", "centre"),
    [("Habitat & Cie", "Habitat && Cie"), ("3F Seine-Saint-Denis", "3F Seine-Saint-Denis")],  # && = one "&"
    ids=["esperluette", "chiffre-en-tete"],
)
def test_pied_de_page_du_classeur(bailleur, centre):
    wb, ws = classeur()
    xl.ecrire_texte(ws, 1, 1, "x")
    xl.mise_en_page(ws)
    wb.pied = xl.PiedDePage("&A – édité le 01/02/2025", xl.echapper_pied(bailleur), "Page &P / &N")
    pied = recharger(wb)["Feuille"].oddFooter
    assert (pied.left.text, pied.center.text, pied.center.size) == ("&A – édité le 01/02/2025", centre, 8)


def test_pied_de_page_tronque_a_la_limite_excel():
    wb, ws = classeur()
    xl.mise_en_page(ws)
    wb.pied = xl.PiedDePage(centre=xl.echapper_pied("&" * 400))
    with zipfile.ZipFile(io.BytesIO(xl.classeur_en_octets(wb))) as archive:
        feuille = archive.read("xl/worksheets/sheet1.xml").decode()
    pied = feuille.split("<oddFooter>")[1].split("</oddFooter>")[0].replace("&amp;", "&")
    assert len(pied) <= xl.LONGUEUR_MAX_PIED
    assert "&&&&" in pied and (len(pied.split("&C&8 ")[1].split("&R")[0])) % 2 == 0


# --- Paramètres, Définitions, charts, styles ------------------------------------------------------


def test_feuilles_parametres_et_definitions():
    wb = xl.nouveau_classeur()
    xl.feuille_parametres(wb, [("Année", 2024), ("Généré le", dt.date(2025, 2, 1)), ("Bailleur", "=Habitat")])
    xl.feuille_definitions(wb, [("Flux", "Disponibilités moins soustraits."), ("n.s.", "Non significatif.")])
    wb2 = recharger(wb)
    assert wb2.sheetnames == ["Paramètres", "Définitions"]
    parametres = wb2["Paramètres"]
    assert [[c.value for c in r] for r in parametres.iter_rows(min_row=3)] == [
        ["Paramètre", "Valeur"],
        ["Année", 2024],
        ["Généré le", dt.datetime(2025, 2, 1)],
        ["Bailleur", "=Habitat"],
    ]
    assert parametres["B4"].number_format == "0"
    assert parametres["B5"].number_format == "DD/MM/YYYY"
    assert parametres["B6"].data_type == "s"
    definitions = wb2["Définitions"]
    assert definitions["A1"].value == "Définitions"
    assert [definitions.cell(i, 2).value for i in (4, 5)] == ["Disponibilités moins soustraits.", "Non significatif."]
    assert definitions["B4"].alignment.wrap_text is True
    # Built once and shared by the workbooks of a batch: the same definitions give the same sheet object.
    autre = xl.nouveau_classeur()
    xl.feuille_definitions(autre, [("Flux", "Disponibilités moins soustraits."), ("n.s.", "Non significatif.")])
    assert autre["Définitions"] is wb["Définitions"]


def test_graphique_barres_reference_le_tableau_sans_total():
    wb, ws = classeur()
    df = pd.DataFrame({"typologie": ["T1", "T2", "T3"], "proposes": [5, 8, 2], "attribues": [3, 4, 1]})
    plage = xl.ecrire_tableau(ws, df, 2, total=True)
    xl.ajouter_graphique_barres(ws, plage, "Proposés et attribués", "F2", titre_axe="Logements")
    octets = xl.classeur_en_octets(wb)
    (graphique,) = openpyxl.load_workbook(io.BytesIO(octets))["Feuille"]._charts
    assert len(graphique.series) == 2
    assert graphique.series[0].val.numRef.f == "Feuille!$B$3:$B$5"
    assert graphique.series[1].val.numRef.f == "Feuille!$C$3:$C$5"
    assert graphique.series[0].tx.strRef.f == "Feuille!$B$2"
    assert graphique.series[1].cat.strRef.f == "Feuille!$A$3:$A$5"
    assert graphique.series[0].graphicalProperties.solidFill.srgbClr == xl.PALETTE[0]
    assert graphique.series[1].graphicalProperties.solidFill.srgbClr == xl.PALETTE[1]
    assert (graphique.type, graphique.grouping) == ("col", "clustered")
    assert graphique.y_axis.scaling.min == 0 and graphique.y_axis.majorGridlines is None
    assert graphique.legend.position == "b"
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        assert any(nom.startswith("xl/charts/chart") for nom in archive.namelist())


def test_graphique_horizontal_dans_l_ordre_du_tableau():
    wb, ws = classeur()
    df = pd.DataFrame({"reservataire": ["A", "B"], "proposes": [5, 8]})
    plage = xl.ecrire_tableau(ws, df)
    xl.ajouter_graphique_barres(ws, plage, "Proposés", "D2", horizontal=True, categories_inversees=True)
    (graphique,) = recharger(wb)["Feuille"]._charts
    assert graphique.type == "bar"
    assert graphique.x_axis.scaling.orientation == "maxMin"  # categories top to bottom in the table's order
    assert graphique.y_axis.crosses == "max"  # the value axis crosses at the last category: under the bars


def test_un_format_par_style_et_par_classeur():
    wb, ws = classeur()
    xl.ecrire_titre(ws, "Titre", ["a", "b"])
    df = pd.DataFrame({"a": range(200), "b": [f"t{i}" for i in range(200)]})
    xl.ecrire_tableau(ws, df, 5, total=True)
    xl.ecrire_note(ws, "Source : test", 300)
    with zipfile.ZipFile(io.BytesIO(xl.classeur_en_octets(wb))) as archive:
        styles = archive.read("xl/styles.xml").decode()
    formats = int(styles.split('<cellXfs count="')[1].split('"')[0])
    assert formats <= 10  # default, title, subtitle, header, body text, body count, totals (text, count), note
    relu = recharger(wb)["Feuille"]
    assert relu["A1"].font.name == "Calibri" and relu["A1"].font.b is True and relu["A1"].font.sz == 14
    assert relu["A300"].font.i is True
    assert [role(relu[c]) for c in ("A1", "A2", "A5", "A6", "B6", "A206", "A300")] == [
        "Flux titre",
        "Flux sous-titre",
        "Flux en-tête",
        "Flux corps",
        "Flux corps",
        "Flux total",
        "Flux note",
    ]


def test_classeur_en_octets_est_un_xlsx():
    wb, ws = classeur()
    xl.ecrire_valeur(ws, 1, 1, 1)
    wb.titre = "Bilan – test"
    octets = xl.classeur_en_octets(wb)
    assert octets[:2] == b"PK"
    relu = openpyxl.load_workbook(io.BytesIO(octets))
    assert relu["Feuille"]["A1"].value == 1
    assert (relu.properties.creator, relu.properties.title) == ("flux_dash", "Bilan – test")


def test_memes_cellules_memes_octets_a_date_fixee():
    def construire() -> bytes:
        wb, ws = classeur()
        wb.date = dt.datetime(2024, 1, 1)
        xl.ecrire_tableau(ws, tableau_exemple())
        return xl.classeur_en_octets(wb)

    assert construire() == construire()


def test_feuille_masquee_active_et_noms_du_classeur():
    wb, ws = classeur()
    listes = xl.nouvelle_feuille(wb, "Listes")
    xl.ecrire_texte(listes, 2, 1, "T1")
    listes.masquee = True
    wb.noms["liste_typologie"] = "'Listes'!$A$2:$A$2"
    ws.validations.append(xl.Validation("A2:A10", "liste", "Valeur inattendue", "Choisir.", source="liste_typologie"))
    ws.commentaires[(1, 1)] = xl.Commentaire("Aide.", "flux_dash")
    relu = recharger(wb)
    assert [f.sheet_state for f in relu] == ["visible", "hidden"]
    assert relu.active.title == "Feuille"
    assert list(relu.defined_names["liste_typologie"].destinations) == [("Listes", "$A$2:$A$2")]
    (dv,) = relu["Feuille"].data_validations.dataValidation
    assert (dv.type, dv.formula1, str(dv.sqref), dv.errorStyle) == ("list", "liste_typologie", "A2:A10", "warning")
    assert relu["Feuille"]["A1"].comment.text == "Aide."


def test_donnees_en_bloc_typees_et_gardees():
    wb, ws = classeur()
    df = pd.DataFrame(
        {
            "code": ["0123", "=1+1", "", None],
            "n": pd.array([1, None, -3, 4], dtype="Int64"),
            "x": [0.5, float("nan"), float("inf"), -2.25],
            "jour": pd.to_datetime(["2024-03-15", None, "2024-12-31", "2025-01-01"]),
            "oui": [True, False, True, False],
        }
    )
    xl.ecrire_donnees(ws, df, 2, 1, formats={"code": xl.FORMAT_TEXTE})
    relu = recharger(wb)["Feuille"]
    lignes = [[c.value for c in rangee] for rangee in relu.iter_rows(min_row=2, max_row=5, max_col=5)]
    assert lignes == [
        ["0123", 1, 0.5, dt.datetime(2024, 3, 15), "oui"],
        ["=1+1", None, None, None, "non"],
        [None, -3, None, dt.datetime(2024, 12, 31), "oui"],
        [None, 4, -2.25, dt.datetime(2025, 1, 1), "non"],
    ]
    assert relu["A2"].number_format == "@" and relu["D2"].number_format == "DD/MM/YYYY"
    assert relu["A3"].data_type == "s" and relu["A3"].quotePrefix is True
    assert relu["B5"].data_type == "n"


def _octets_par_les_deux_chemins(wb: xl.Classeur, monkeypatch) -> tuple[bytes, bytes]:
    wb.date = dt.datetime(2026, 12, 2, 8, 0)
    rapide = xl.classeur_en_octets(wb)
    monkeypatch.setattr(xl, "BLOCS_RAPIDES", False)
    return rapide, xl.classeur_en_octets(wb)


def test_bloc_de_donnees_rapide_donne_les_octets_du_chemin_cellule_par_cellule(monkeypatch):
    wb, ws = classeur()
    debut = xl.ecrire_titre(ws, "Données", ["=sous-titre", "Texte répété"])
    n = 40  # more than two groups of 16 rows (spans)
    df = pd.DataFrame(
        {
            "annee": [2024] * n,
            "texte": (["Texte répété", "=1+1", "", None, "a\x01b", "-3", "Paris"] * 6)[:n],
            "n": pd.array(([1, None, -3, 4, 0] * 8)[:n], dtype="Int64"),
            "x": ([0.5, float("nan"), float("inf"), -2.25, -0.0, 1e-20, 123456789.123, 0.0] * 6)[:n],
            "jour": pd.to_datetime((["2024-03-15 00:00", None, "2024-12-31 13:30"] * 14)[:n]),
            "oui": ([True, False] * 20)[:n],
            "vide": [None] * n,
            "fin": ([None] * 20 + ["dernière"] * 20)[:n],
        }
    )
    df["texte"] = df["texte"].astype("str")
    xl.ecrire_donnees(ws, df, debut + 1, 2, formats={"annee": xl.FORMAT_ANNEE, "x": xl.FORMAT_DROITS})
    ws.tableaux.append(xl.TableauExcel("T_donnees", debut, debut + n, 2, 9, tuple(df.columns)))
    for j, nom in enumerate(df.columns, start=2):
        xl.ecrire_texte(ws, debut, j, nom, xl.STYLE_ENTETE)
    xl.ecrire_note(ws, "Après le bloc", debut + n + 1)
    ws.formats_colonnes[3] = xl.FORMAT_TEXTE
    autre = xl.nouvelle_feuille(wb, "Autre")
    xl.ecrire_donnees(autre, df[["texte", "x"]], 1, 1)  # the same strings on a second sheet
    rapide, lent = _octets_par_les_deux_chemins(wb, monkeypatch)
    assert rapide == lent
    relu = openpyxl.load_workbook(io.BytesIO(rapide))["Feuille"]
    assert relu.cell(debut + 2, 3).value == "=1+1" and relu.cell(debut + 2, 3).quotePrefix is True
    assert relu.cell(debut + 5, 3).value == "ab"


def test_bloc_partageant_ses_lignes_reste_cellule_par_cellule(monkeypatch):
    wb, ws = classeur()
    df = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]})
    xl.ecrire_donnees(ws, df, 2, 1)
    xl.ecrire_texte(ws, 3, 5, "à côté du bloc")
    ws.hauteurs[2] = 30
    objets = pd.DataFrame({"m": ["texte", 3, dt.date(2024, 1, 2), True, None]}, dtype=object)
    xl.ecrire_donnees(xl.nouvelle_feuille(wb, "Mêlé"), objets, 1, 1)
    rapide, lent = _octets_par_les_deux_chemins(wb, monkeypatch)
    assert rapide == lent
    relu = openpyxl.load_workbook(io.BytesIO(rapide))
    assert [c.value for c in relu["Feuille"]["A"]][1:3] == ["x", "y"] and relu["Feuille"][
        "E3"
    ].value == "à côté du bloc"
    assert [c.value for c in relu["Mêlé"]["A"]] == ["texte", 3, dt.datetime(2024, 1, 2), "oui"]


def test_tableaux_sans_bloc_donnent_les_octets_de_add_table(monkeypatch):
    wb, ws = classeur()
    for i in range(1, 41):  # a 40-row table (header + 39 rows), a 2-row one, a header-only one (refused)
        xl.ecrire_texte(ws, i, 1, f"a{i}")
        xl.ecrire_valeur(ws, i, 2, i * 1.5)
    ws.tableaux.append(xl.TableauExcel("T_long", 1, 40, 1, 2, ("Code", "Valeur")))
    ws.tableaux.append(xl.TableauExcel("T_court", 1, 2, 4, 5, ("x", "y")))
    with pytest.warns(UserWarning, match="at least one data row"):
        ws.tableaux.append(xl.TableauExcel("T_entete", 5, 5, 7, 8, ("u", "v")))
        rapide, lent = _octets_par_les_deux_chemins(wb, monkeypatch)
    assert rapide == lent
    relu = openpyxl.load_workbook(io.BytesIO(rapide))["Feuille"]
    assert dict(relu.tables.items()) == {"T_long": "A1:B40", "T_court": "D1:E2"}
    assert relu.tables["T_long"].autoFilter.ref == "A1:B40"


def test_tableaux_qui_se_chevauchent_refuses():
    wb, ws = classeur()
    ws.tableaux.append(xl.TableauExcel("T_un", 1, 40, 1, 2, ("a", "b")))
    ws.tableaux.append(xl.TableauExcel("T_deux", 30, 50, 2, 3, ("c", "d")))  # overlaps past XlsxWriter's rows
    with pytest.raises(xlsxwriter.exceptions.OverlappingRange, match="A1:B40"):
        xl.classeur_en_octets(wb)


# --- An independent reader: LibreOffice -----------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_ouvre_le_classeur_et_affiche_les_formats(tmp_path):
    wb, ws = classeur()
    debut = xl.ecrire_titre(ws, "Bilan 2024", ["=Bailleur"])
    df = pd.DataFrame(
        {
            "typologie": ["T1", "T2"],
            "proposes": [1234, 3],
            "part": [0.123, float("nan")],
            "date": pd.to_datetime(["2024-03-15", "2024-12-31"]),
        }
    )
    plage = xl.ecrire_tableau(ws, df, debut, formats={"part": xl.FORMAT_PART}, total=True, tableau="bilan", classeur=wb)
    xl.ajouter_graphique_barres(ws, plage, "Proposés", "G2", [2])
    xl.mise_en_page(ws, (debut, debut))
    (tmp_path / "bilan.xlsx").write_bytes(xl.classeur_en_octets(wb))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profil",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76,1,,1033,false,true,true",  # 1033 = en-US, "as shown"
            "--outdir",
            str(tmp_path),
            str(tmp_path / "bilan.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    lignes = (tmp_path / "bilan.csv").read_text(encoding="utf-8").splitlines()
    assert lignes == [
        "Bilan 2024;;;",
        "=Bailleur;;;",
        ";;;",
        "typologie;proposes;part;date",
        "T1;1,234;12.3%;15/03/2024",
        "T2;3;n.s.;31/12/2024",
        "Total;1,237;;",
    ]


def test_graphique_horizontal_groupe_sans_legende_a_l_envers():
    """LibreOffice lists the legend of clustered horizontal bars in reverse series order, Excel in series order:
    with the categories in the table's order (series 1 on top), no legend is right in both. The value axis
    names the bars from top to bottom instead (issue 10, Est Ensemble)."""
    wb, ws = classeur()
    df = pd.DataFrame({"reservataire": ["A", "B"], "proposes": [5, 8], "attribues": [3, 6]})
    plage = xl.ecrire_tableau(ws, df)
    xl.ajouter_graphique_barres(
        ws, plage, "Proposés et attribués", "E2", horizontal=True, categories_inversees=True, titre_axe="Logements"
    )
    (graphique,) = recharger(wb)["Feuille"]._charts
    assert graphique.legend is None
    assert [s.tx.strRef.f for s in graphique.series] == ["Feuille!$B$1", "Feuille!$C$1"]  # series 1 drawn on top
    titre = "".join(r.t for p in graphique.y_axis.title.tx.rich.p for r in p.r or [])
    assert titre == "Logements – barres de haut en bas : proposes, attribues"


def test_graphique_horizontal_d_une_serie_garde_sa_legende():
    wb, ws = classeur()
    df = pd.DataFrame({"reservataire": ["A", "B"], "proposes": [5, 8]})
    plage = xl.ecrire_tableau(ws, df)
    xl.ajouter_graphique_barres(ws, plage, "Proposés", "D2", horizontal=True, categories_inversees=True)
    (graphique,) = recharger(wb)["Feuille"]._charts
    assert graphique.legend is not None and graphique.legend.position == "b"
