"""Hostile workbooks and cells read by flux_dash.lecture (issue 12, rows 3, 4 and 7): a hidden sheet never wins,
Excel error cells, formulas without a value and merged cells are never read as empty, invisible characters are
removed, impossible times and Excel's 29/02/1900 are refused, a 400-digit taux is « trop grand », a 1 MB value is
quoted cut short. Each with its exact French message."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from flux_dash import validation
from flux_dash.cli import main
from flux_dash.lecture import lire
from tests import hostile_fabrique as fabrique
from tests import petit_jeu


def _probleme(donnees, colonne: str):
    return next(p for p in donnees.problemes if p.colonne == colonne and p.code == "type_invalide")


# --- row 3: a very hidden sheet never wins ------------------------------------------------------------------


def _conventions(taux: int) -> list[list[object]]:
    return [
        ["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"],
        [petit_jeu.NOM, "ACTION_LOGEMENT", "DEPARTEMENT", "93", taux],
        [petit_jeu.PREFET, "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 25],
    ]


@pytest.mark.parametrize("etat", ["veryHidden", "hidden"])
def test_feuille_masquee_jamais_preferee_a_la_visible(etat):
    tables = fabrique.lignes_petit_jeu()
    del tables["conventions"]
    tables["Conventions 2024"] = _conventions(35)
    tables["conventions"] = _conventions(10)
    donnees = lire([("classeur.xlsx", fabrique.classeur_de(tables, {"conventions": etat}))])
    assert donnees.sources["conventions"] == "Conventions 2024"
    assert sorted(donnees.tables["conventions"]["taux"]) == [25, 35]
    info = next(p for p in donnees.problemes if p.code == "feuille_masquee_ignoree")
    assert info.regle == (
        "La feuille masquée « conventions » est ignorée : la table Conventions est lue dans la feuille visible "
        "« Conventions 2024 »"
    )


def test_feuille_masquee_seule_lue_avec_un_message():
    tables = fabrique.lignes_petit_jeu()
    donnees = lire([("classeur.xlsx", fabrique.classeur_de(tables, {"conventions": "veryHidden"}))])
    assert "conventions" in donnees.tables
    assert [p.regle for p in donnees.problemes if p.code == "feuille_masquee_lue"] == [
        "La feuille « conventions » est masquée dans le classeur ; elle est lue comme table Conventions, "
        "faute de feuille visible"
    ]


# --- row 4: Excel error cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "colonne", "erreur"),
    [
        ("logements", "categorie_soustraction", "#REF!"),
        ("logements", "code_qpv", "#N/A"),
        ("tours", "dalo", "#N/A"),
        ("tours", "reservataire", "#VALUE!"),
        ("logements", "annee_construction", "#DIV/0!"),
    ],
)
def test_cellule_en_erreur_jamais_lue_vide(table, colonne, erreur):
    tables = fabrique.lignes_petit_jeu()
    if colonne not in tables[table][0]:
        for i, ligne in enumerate(tables[table]):
            ligne.append(colonne if i == 0 else "")
    position = tables[table][0].index(colonne)
    tables[table][2][position] = ("e", erreur)
    donnees = lire([("classeur.xlsx", fabrique.classeur_de(tables))])
    p = _probleme(donnees, colonne)
    assert (p.table, p.ligne, p.regle, p.valeur) == (table, 3, f"Cellule en erreur dans Excel ({erreur})", erreur)


def test_formule_sans_valeur_calculee():
    tables = fabrique.lignes_petit_jeu()
    tables["logements"][1][5] = ("f", "1960+10")
    p = _probleme(lire([("classeur.xlsx", fabrique.classeur_de(tables))]), "annee_construction")
    assert (p.ligne, p.regle) == (2, "Formule sans valeur calculée (=1960+10)")


def test_cellules_fusionnees_nommees():
    tables = fabrique.lignes_petit_jeu()
    tables["tours"][2][2] = None  # C3 belongs to the merge C2:C3
    donnees = lire([("classeur.xlsx", fabrique.classeur_de(tables, tours="C2:C3"))])
    p = _probleme(donnees, "reservataire")
    assert (p.ligne, p.regle) == (
        3,
        "Cellule fusionnée (C2:C3) : seule la première cellule d'une fusion porte la valeur",
    )


# --- row 7: vague or silent messages ---------------------------------------------------------------------------


def test_caracteres_invisibles_retires_des_noms():
    tables = fabrique.lignes_petit_jeu()
    tables["tours"][2][2] = "Préfecture\u200b 93\u202e"
    tables["conventions"][2][0] = "\ufeffPréfecture 93\x00"
    donnees = lire([("classeur.xlsx", fabrique.classeur_de(tables))])
    assert set(donnees.tables["tours"]["reservataire"]) == {petit_jeu.NOM, petit_jeu.PREFET, "Bailleur"}
    assert set(donnees.tables["conventions"]["reservataire"]) == {petit_jeu.NOM, petit_jeu.PREFET}


def test_heure_inexistante_refusee():
    tables = fabrique.lignes_petit_jeu()
    tables["tours"][1][3] = "15/03/2024 25:99"
    p = _probleme(lire([("classeur.xlsx", fabrique.classeur_de(tables))]), "date_orientation")
    assert (p.regle, p.valeur) == ("Heure inexistante : 25:99", "15/03/2024 25:99")


def test_serie_excel_60_refusee():
    """Serial 60 is Excel's 29/02/1900: calamine gives 28/02/1900 for 59 and 60 alike."""
    tables = fabrique.lignes_petit_jeu()
    import xlsxwriter

    tampon = io.BytesIO()
    wb = xlsxwriter.Workbook(tampon, {"in_memory": True})
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    for nom, lignes in tables.items():
        ws = wb.add_worksheet(nom)
        for r, ligne in enumerate(lignes):
            for c, v in enumerate(ligne):
                ws.write_string(r, c, str(v))
    wb.get_worksheet_by_name("logements").write_number(1, 6, 60, date)
    wb.close()
    p = _probleme(lire([("classeur.xlsx", tampon.getvalue())]), "date_disponibilite")
    assert p.regle == (
        "Date d'Excel antérieure au 01/03/1900 (28/02/1900) : le calendrier d'Excel y compte un 29/02/1900 qui n'a "
        "pas existé"
    )


def test_date_de_cellule_ordinaire_acceptee():
    donnees = lire([("c.xlsx", fabrique.classeur_de(fabrique.lignes_petit_jeu()))])
    assert donnees.tables["logements"]["date_disponibilite"].iloc[0] == pd.Timestamp(dt.date(2024, 1, 15))


def test_taux_a_400_chiffres():
    tables = fabrique.lignes_petit_jeu()
    tables["conventions"][1][4] = "9" * 400
    p = _probleme(lire([("c.xlsx", fabrique.classeur_de(tables))]), "taux")
    assert p.regle == "Nombre trop grand (400 caractères)"


def test_encodages_melanges():
    texte = fabrique.csv_de(fabrique.lignes_petit_jeu()["conventions"])
    melange = (
        texte.replace("Préfecture".encode(), "Préfecture".encode("cp1252"))
        + "Société;AUTRE;DEPARTEMENT;93;1\n".encode()
    )
    donnees = lire([("conventions.csv", melange)])
    assert [p.regle for p in donnees.problemes if p.code == "encodages_melanges"] == [
        "Encodages mélangés : le fichier contient à la fois des caractères en UTF-8 et en Windows-1252 "
        "(des accents s'afficheraient « Ã© »)"
    ]


def test_valeur_de_un_mo_citee_courte_dans_erreurs_csv(tmp_path, capsys):
    chemins = []
    for nom, octets in petit_jeu.fichiers_petits():
        if nom == "tours.csv":
            octets = octets.replace(b"ABSENCE_DESIGNATION", b"X" * 1_000_000)
        (tmp_path / nom).write_bytes(octets)
        chemins.append(str(tmp_path / nom))
    code = main(["bilan", *chemins, "--annee", "2024", "--sortie", str(tmp_path / "s")])
    capsys.readouterr()
    assert code == 1
    erreurs = pd.read_csv(tmp_path / "s" / "erreurs.csv", sep=";", dtype=str, encoding="utf-8-sig")
    assert erreurs["Valeur"].dropna().str.len().max() == 200
    assert (tmp_path / "s" / "erreurs.csv").stat().st_size < 5_000


def test_valeur_longue_de_validation_coupee():
    rapport = validation.charger(
        [(n, o.replace(b"93066", b"9" * 50_000, 1)) for n, o in petit_jeu.fichiers_petits()], 2024
    )
    assert rapport.erreurs and max(len(p.valeur) for p in rapport.problemes) <= 200
