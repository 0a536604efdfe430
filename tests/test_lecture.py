"""Specification of flux_dash.lecture: what a user's files become (FORMAT.md §1).

Every test states what the user typed and what the product reads, or the French problem the user sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_dash import colonnes as col
from flux_dash.lecture import (
    MAX_PROBLEMES_PAR_COLONNE,
    SYNONYMES_COLONNES,
    lire,
    nom_de_colonne,
    table_pour_feuille,
)
from flux_dash.problemes import DonneesLues

FICHIERS = Path(__file__).parent / "fichiers"

# One valid row per table, as a user would type it.
BASE = {
    "logements": {
        "id_logement": "L1",
        "code_commune": "93066",
        "qpv": "non",
        "typologie": "T3",
        "financement": "PLUS",
        "annee_construction": "1972",
        "date_disponibilite": "15/03/2024",
    },
    "tours": {
        "id_logement": "L1",
        "numero_tour": "1",
        "reservataire": "Bailleur",
        "date_orientation": "20/03/2024",
        "issue": "ATTRIBUE",
        "date_attribution": "12/05/2024",
    },
    "conventions": {
        "reservataire": "Préfet 93",
        "categorie": "ETAT_PRIORITAIRES",
        "perimetre_type": "DEPARTEMENT",
        "perimetre_code": "93",
        "taux": "25",
    },
    "previsionnel": {"code_departement": "93", "categorie_soustraction": "RELOGEMENT_RU", "nombre_prevu": "12"},
}


def csv_octets(lignes: list[list[str]], sep: str = ";", encodage: str = "utf-8") -> bytes:
    tampon = io.StringIO()
    csv.writer(tampon, delimiter=sep, lineterminator="\r\n").writerows(lignes)
    return tampon.getvalue().encode(encodage)


def fichier_table(table: str, **valeurs: str) -> tuple[str, bytes]:
    """A one-row CSV of ``table``: the base row with some values replaced (or added as extra columns)."""
    ligne = {**BASE[table], **valeurs}
    return f"{table}.csv", csv_octets([list(ligne), list(ligne.values())])


def jeu_complet(**remplacements: tuple[str, bytes]) -> list[tuple[str, bytes]]:
    fichiers = {t: fichier_table(t) for t in ("logements", "tours", "conventions")}
    fichiers.update(remplacements)
    return list(fichiers.values())


def codes(donnees: DonneesLues, gravite: str | None = None) -> list[str]:
    return [p.code for p in donnees.problemes if gravite is None or p.gravite == gravite]


@pytest.mark.parametrize("cellule", [1e20, -1e300, 10**25], ids=["flottant", "negatif", "entier-python"])
def test_cellule_excel_entiere_trop_grande_illisible_et_non_plantage(cellule):
    from flux_dash.lecture import cellules

    with pytest.raises(cellules.Illisible, match="trop grand"):
        cellules._entier(cellule)


def valeur_lue(table: str, colonne: str, saisie: str) -> tuple[object, list[str]]:
    """(clean value, codes of the problems) when the user types ``saisie`` in ``colonne``."""
    donnees = lire([fichier_table(table, **{colonne: saisie})])
    probs = [p.code for p in donnees.problemes if p.code != "table_manquante"]
    return donnees.tables[table].at[0, colonne], probs


def est_na(v: object) -> bool:
    return v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))


# --- Aliases of FORMAT.md §1 --------------------------------------------------------------------------

ALIAS = [
    # typologie (FORMAT.md §1.1)
    ("logements", "typologie", "studio", "T1"),
    ("logements", "typologie", "T1 bis", "T1"),
    ("logements", "typologie", "T1'", "T1"),
    ("logements", "typologie", "T1b", "T1"),
    ("logements", "typologie", "t3", "T3"),
    ("logements", "typologie", "F2", "T2"),
    ("logements", "typologie", "1", "T1"),
    ("logements", "typologie", "4", "T4"),
    ("logements", "typologie", "5", "T5+"),
    ("logements", "typologie", "7", "T5+"),
    ("logements", "typologie", "T5", "T5+"),
    ("logements", "typologie", "T6", "T5+"),
    ("logements", "typologie", "T7", "T5+"),
    ("logements", "typologie", "T6+", "T5+"),
    ("logements", "typologie", "T5 et +", "T5+"),
    ("logements", "typologie", "Duplex", "Duplex"),  # unknown: kept as typed for validation to show
    # financement
    ("logements", "financement", "PLA-I", "PLAI"),
    ("logements", "financement", "PLA I", "PLAI"),
    ("logements", "financement", "PLATS", "PLAI"),
    ("logements", "financement", "PLA-TS", "PLAI"),
    ("logements", "financement", "PLA LM", "PLAI"),
    ("logements", "financement", "PLAI adapté", "PLAI"),
    ("logements", "financement", "PLUS-CD", "PLUS"),
    ("logements", "financement", "PLUS CD", "PLUS"),
    ("logements", "financement", "PLA", "PLUS"),
    ("logements", "financement", "PLA ordinaire", "PLUS"),
    ("logements", "financement", "plus", "PLUS"),
    ("logements", "financement", "PPLS", "PLS"),
    ("logements", "financement", "PCLS", "PLS"),
    ("logements", "financement", "PLA CFF", "PLS"),
    ("logements", "financement", "HBM", "ANCIEN"),
    ("logements", "financement", "HLM/O", "ANCIEN"),
    ("logements", "financement", "HLMO", "ANCIEN"),
    ("logements", "financement", "PLR", "ANCIEN"),
    ("logements", "financement", "PSR", "ANCIEN"),
    ("logements", "financement", "ILM", "ANCIEN"),
    ("logements", "financement", "ILN", "ANCIEN"),
    ("logements", "financement", " PLX ", "PLX"),
    # soustraction
    ("logements", "categorie_soustraction", "mutation", "MUTATION_INTERNE"),
    ("logements", "categorie_soustraction", "Mutation interne", "MUTATION_INTERNE"),
    ("logements", "categorie_soustraction", "NPNRU", "RELOGEMENT_RU"),
    ("logements", "categorie_soustraction", "ANRU", "RELOGEMENT_RU"),
    ("logements", "categorie_soustraction", "RU", "RELOGEMENT_RU"),
    ("logements", "categorie_soustraction", "renouvellement urbain", "RELOGEMENT_RU"),
    ("logements", "categorie_soustraction", "ORCOD", "RELOGEMENT_ORCOD"),
    ("logements", "categorie_soustraction", "habitat indigne", "RELOGEMENT_HABITAT_INDIGNE"),
    ("logements", "categorie_soustraction", "RHI", "RELOGEMENT_HABITAT_INDIGNE"),
    ("logements", "categorie_soustraction", "vente", "RELOGEMENT_VENTE"),
    ("logements", "categorie_soustraction", "", pd.NA),
    # origine (default ROTATION)
    ("logements", "origine", "", "ROTATION"),
    ("logements", "origine", "Première mise en location", "PREMIERE_MISE_EN_LOCATION"),
    # issue
    ("tours", "issue", "attribué", "ATTRIBUE"),
    ("tours", "issue", "Attribution", "ATTRIBUE"),
    ("tours", "issue", "refus", "REFUS_CANDIDAT"),
    ("tours", "issue", "non attribué", "NON_ATTRIBUE_CALEOL"),
    ("tours", "issue", "rejet", "NON_ATTRIBUE_CALEOL"),
    ("tours", "issue", "pas de candidat", "ABSENCE_DESIGNATION"),
    ("tours", "issue", "sans désignation", "ABSENCE_DESIGNATION"),
    ("tours", "issue", "remise à disposition", "ABSENCE_DESIGNATION"),
    ("tours", "issue", "en cours", "EN_COURS"),
    # catégorie réservataire
    ("conventions", "categorie", "préfet", "ETAT_PRIORITAIRES"),
    ("conventions", "categorie", "État", "ETAT_PRIORITAIRES"),
    ("conventions", "categorie", "contingent préfectoral", "ETAT_PRIORITAIRES"),
    ("conventions", "categorie", "fonctionnaires", "ETAT_AGENTS"),
    ("conventions", "categorie", "agents", "ETAT_AGENTS"),
    ("conventions", "categorie", "Action Logement", "ACTION_LOGEMENT"),
    ("conventions", "categorie", "ALS", "ACTION_LOGEMENT"),
    ("conventions", "categorie", "Bailleur", "Bailleur"),  # no convention for the landlord: kept, validation says
    ("conventions", "perimetre_type", "Département", "DEPARTEMENT"),
    ("conventions", "perimetre_type", "EPT", "EPCI_EPT"),
    ("conventions", "perimetre_type", "commune", "COMMUNE"),
    ("previsionnel", "categorie_soustraction", "mutations internes", "MUTATION_INTERNE"),
]


@pytest.mark.parametrize(("table", "colonne", "saisie", "attendu"), ALIAS, ids=[f"{c}:{s!r}" for _, c, s, _ in ALIAS])
def test_alias_des_categories(table, colonne, saisie, attendu):
    valeur, probs = valeur_lue(table, colonne, saisie)
    assert probs == []
    assert (est_na(valeur) and est_na(attendu)) or valeur == attendu


BOOLEENS = [
    ("oui", True),
    ("Oui", True),
    ("OUI", True),
    ("non", False),
    ("o", True),
    ("n", False),
    ("1", True),
    ("0", False),
    ("vrai", True),
    ("faux", False),
    ("VRAI", True),
    ("x", True),
    ("X", True),
]


@pytest.mark.parametrize(("saisie", "attendu"), BOOLEENS, ids=[s for s, _ in BOOLEENS])
@pytest.mark.parametrize(("table", "colonne"), [("logements", "qpv"), ("tours", "bail_signe"), ("tours", "dalo")])
def test_booleens(table, colonne, saisie, attendu):
    assert valeur_lue(table, colonne, saisie) == (attendu, [])


@pytest.mark.parametrize(
    ("table", "colonne", "attendu"),
    [
        ("logements", "qpv", pd.NA),  # required: empty stays missing so that validation reports it
        ("tours", "bail_signe", False),  # optional: empty = non
        ("tours", "premier_quartile", False),
    ],
    ids=["qpv-obligatoire", "bail_signe", "premier_quartile"],
)
def test_booleen_vide(table, colonne, attendu):
    assert valeur_lue(table, colonne, "") == (attendu, [])


def test_booleen_facultatif_absent_du_fichier_reste_inconnu():
    donnees = lire([fichier_table("tours")])  # no bail_signe, dalo… columns at all
    tours = donnees.tables["tours"]
    for c in ("bail_signe", "menage_prioritaire", "dalo", "premier_quartile", "menage_relogement_ru"):
        assert str(tours[c].dtype) == "boolean"
        assert tours[c].isna().all()


DATES = [
    ("15/03/2024", "2024-03-15"),
    ("5/3/2024", "2024-03-05"),
    ("05-03-2024", "2024-03-05"),
    ("05.03.2024", "2024-03-05"),
    ("2024-03-05", "2024-03-05"),
    ("2024-03-05 00:00:00", "2024-03-05"),
    ("15/03/2024 10:30", "2024-03-15"),
    ("45366", "2024-03-15"),  # Excel serial number exported as text
    ("45366,0", "2024-03-15"),
    (" 01/02/2025 ", "2025-02-01"),  # never month-first
    ("", None),
]


@pytest.mark.parametrize(("saisie", "attendu"), DATES, ids=[s or "vide" for s, _ in DATES])
def test_dates(saisie, attendu):
    valeur, probs = valeur_lue("logements", "date_disponibilite", saisie)
    assert probs == []
    assert (valeur is pd.NaT) if attendu is None else valeur == pd.Timestamp(attendu)


DATES_ILLISIBLES = [
    ("03/15/2024", "Date inexistante : il n'y a pas de mois 15"),  # month-first is never guessed
    ("31/02/2024", "Date inexistante : il n'y a pas de 31 février"),
    ("15/03/24", "Année sur deux chiffres"),
    ("demain", "Date illisible"),
    ("2024", "Date illisible"),
    ("15/03/0024", "Date hors limites (année entre 1800 et 2200 attendue)"),
]


@pytest.mark.parametrize(("saisie", "regle"), DATES_ILLISIBLES, ids=[s for s, _ in DATES_ILLISIBLES])
def test_date_illisible(saisie, regle):
    donnees = lire([fichier_table("tours", date_orientation=saisie)])
    (p,) = [p for p in donnees.problemes if p.code == "type_invalide"]
    assert (p.gravite, p.table, p.source, p.ligne, p.colonne, p.valeur, p.regle) == (
        "erreur",
        "tours",
        "tours.csv",
        2,
        "date_orientation",
        saisie,
        regle,
    )
    assert "JJ/MM/AAAA" in p.conseil
    assert donnees.tables["tours"].at[0, "date_orientation"] is pd.NaT


NOMBRES = [
    ("logements", "annee_construction", "1972", 1972),
    ("logements", "annee_construction", "1972.0", 1972),
    ("logements", "annee_construction", "1972,0", 1972),
    ("logements", "annee_construction", " 1972 ", 1972),
    ("tours", "numero_tour", "3", 3),
    ("tours", "numero_tour", "3,0", 3),
    ("previsionnel", "nombre_prevu", "1 234", 1234),
    ("previsionnel", "nombre_prevu", "1\u00a0234", 1234),
    ("conventions", "taux", "25", 25.0),
    ("conventions", "taux", "25 %", 25.0),
    ("conventions", "taux", "25%", 25.0),
    ("conventions", "taux", "25,5", 25.5),
    ("conventions", "taux", "25.5", 25.5),
    ("conventions", "taux", "0,25", 0.25),  # kept as typed: validation decides about fractions
]


@pytest.mark.parametrize(
    ("table", "colonne", "saisie", "attendu"), NOMBRES, ids=[f"{c}:{s!r}" for _, c, s, _ in NOMBRES]
)
def test_nombres(table, colonne, saisie, attendu):
    assert valeur_lue(table, colonne, saisie) == (attendu, [])


NOMBRES_ILLISIBLES = [
    ("logements", "annee_construction", "1972,5", "Nombre entier attendu"),
    ("logements", "annee_construction", "vers 1970", "Nombre entier attendu"),
    ("tours", "numero_tour", "premier", "Nombre entier attendu"),
    ("conventions", "taux", "vingt", "Nombre illisible"),
    ("conventions", "taux", "nan", "Nombre illisible"),
    ("logements", "qpv", "peut-être", "Valeur oui/non non reconnue"),
    ("tours", "numero_tour", "99999999999999999999", "Nombre entier trop grand"),
    ("previsionnel", "disponibilites_prevues", "123456789012345678901234", "Nombre entier trop grand"),
]


@pytest.mark.parametrize(
    ("table", "colonne", "saisie", "regle"), NOMBRES_ILLISIBLES, ids=[f"{c}:{s}" for _, c, s, _ in NOMBRES_ILLISIBLES]
)
def test_valeur_illisible(table, colonne, saisie, regle):
    donnees = lire([fichier_table(table, **{colonne: saisie})])
    (p,) = [p for p in donnees.problemes if p.code == "type_invalide"]
    assert (p.ligne, p.colonne, p.valeur, p.regle) == (2, colonne, saisie, regle)
    assert est_na(donnees.tables[table].at[0, colonne])


CODES = [
    ("logements", "id_logement", "007", "007"),
    ("logements", "id_logement", " A-12 ", "A-12"),
    ("logements", "code_commune", "93066", "93066"),
    ("logements", "code_commune", "75112", "75056"),  # Paris arrondissement → Paris
    ("logements", "code_commune", "75101", "75056"),
    ("logements", "code_commune", "93059", "93066"),  # merged commune → current one
    ("logements", "code_commune", "93066.0", "93066"),  # Excel float exported as text
    ("logements", "code_commune", "99999", "99999"),  # unknown: kept for validation
    ("logements", "code_qpv", "qn09312m", "QN09312M"),
    ("previsionnel", "code_departement", "93.0", "93"),
    ("conventions", "perimetre_code", "093", "093"),  # leading zeros are never dropped
    ("conventions", "reservataire", "  Préfet   93 ", "Préfet 93"),
    ("tours", "reservataire", "BAILLEUR", "Bailleur"),
]


@pytest.mark.parametrize(("table", "colonne", "saisie", "attendu"), CODES, ids=[f"{c}:{s!r}" for _, c, s, _ in CODES])
def test_codes_et_textes(table, colonne, saisie, attendu):
    assert valeur_lue(table, colonne, saisie) == (attendu, [])


def test_perimetre_communal_donne_par_arrondissement():
    conventions = [
        ["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"],
        ["Ville de Paris", "commune", "COMMUNE", "75104", "20"],
        ["Préfet 75", "préfet", "DEPARTEMENT", "75", "25"],
    ]
    t = lire([("c.csv", csv_octets(conventions))]).tables["conventions"]
    assert t["perimetre_code"].tolist() == ["75056", "75"]


# --- Encodings, separators, headers ------------------------------------------------------------------

ENTETES_ACCENTUES = ["Réservataire", "Catégorie", "Périmètre type", "Périmètre code", "Taux (%)"]


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"], ids=["point-virgule", "virgule", "tabulation", "barre"])
@pytest.mark.parametrize("encodage", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodages_et_separateurs(encodage, sep):
    contenu = csv_octets(
        [
            ENTETES_ACCENTUES,
            ["Préfecture de l'Essonne", "Préfet", "Département", "91", "25,5"],
            ["Conseil départemental", "département", "DEPARTEMENT", "91", "10"],
        ],
        sep=sep,
        encodage=encodage,
    )
    donnees = lire([("conventions.csv", contenu)])
    attendu = pd.DataFrame(
        {
            "reservataire": pd.array(["Préfecture de l'Essonne", "Conseil départemental"], dtype="string"),
            "categorie": pd.array(["ETAT_PRIORITAIRES", "DEPARTEMENT"], dtype="string"),
            "perimetre_type": pd.array(["DEPARTEMENT", "DEPARTEMENT"], dtype="string"),
            "perimetre_code": pd.array(["91", "91"], dtype="string"),
            "taux": pd.array([25.5, 10.0], dtype="Float64"),
            "ligne": pd.array([2, 3], dtype="Int64"),
        }
    )
    pd.testing.assert_frame_equal(donnees.tables["conventions"], attendu)
    assert [p.code for p in donnees.problemes] == ["table_manquante", "table_manquante"]


@pytest.mark.parametrize(
    "entete",
    ["code_commune", "Code commune", "CODE-COMMUNE", " Code_Commune ", "code commune", "Commune", "Code INSEE"],
)
def test_variantes_d_en_tete(entete):
    ligne = dict(BASE["logements"])
    ligne[entete] = ligne.pop("code_commune")
    donnees = lire([("l.csv", csv_octets([list(ligne), list(ligne.values())]))])
    assert donnees.tables["logements"].at[0, "code_commune"] == "93066"
    assert "colonne_ignoree" not in codes(donnees)


SYNONYMES = [
    (table.nom, canon, s) for table in col.TABLES for canon in table.noms for s in SYNONYMES_COLONNES.get(canon, ())
]


@pytest.mark.parametrize(("table", "canon", "synonyme"), SYNONYMES, ids=[f"{t}:{s}" for t, _, s in SYNONYMES])
def test_table_des_synonymes(table, canon, synonyme):
    assert nom_de_colonne(synonyme, table) == canon
    assert nom_de_colonne(canon.upper().replace("_", " "), table) == canon


def test_synonymes_sans_ambiguite():
    for table in col.TABLES:
        vus: dict[str, str] = {}
        for canon in table.noms:
            for s in (canon, *SYNONYMES_COLONNES.get(canon, ())):
                cle = s.lower()
                assert vus.setdefault(cle, canon) == canon, f"{table.nom}: « {s} » pour {vus[cle]} et {canon}"
    assert set(SYNONYMES_COLONNES) <= {c for t in col.TABLES for c in t.noms}


def test_en_tete_exact_prioritaire_sur_un_synonyme():
    ligne = {**BASE["logements"], "commune": "Bobigny"}  # commune name beside the code: the code wins
    donnees = lire([("l.csv", csv_octets([list(ligne), list(ligne.values())]))])
    assert donnees.tables["logements"].at[0, "code_commune"] == "93066"
    (info,) = [p for p in donnees.problemes if p.code == "colonne_ignoree"]
    assert (info.gravite, info.colonne, info.regle) == (
        "information",
        "commune",
        "Colonne ignorée : la colonne « code_commune » est lue comme code_commune",
    )


FEUILLES = [
    ("Logements", "logements"),
    ("logement", "logements"),
    ("LOGEMENTS", "logements"),
    ("Tours", "tours"),
    ("tour", "tours"),
    ("Conventions", "conventions"),
    ("convention", "conventions"),
    ("Prévisionnel", "previsionnel"),
    ("previsionnels", "previsionnel"),
    ("Notice", None),
    ("Feuil1", None),
]


@pytest.mark.parametrize(("feuille", "table"), FEUILLES, ids=[f for f, _ in FEUILLES])
def test_noms_de_feuilles(feuille, table):
    assert table_pour_feuille(feuille) == table


# --- Excel and CSV give the same clean tables --------------------------------------------------------


def classeur(feuilles: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for nom, lignes in feuilles.items():
        ws = wb.create_sheet(nom)
        for i, ligne in enumerate(lignes, start=1):
            for j, v in enumerate(ligne, start=1):
                if v is not None:
                    ws.cell(i, j, v)
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


# The same data, typed in Excel (real date cells, numbers, booleans) and exported to CSV (text).
EXCEL = {
    "Logements": [
        ["Logements du bailleur (export 2025)"],  # title row above the headers
        ["id_logement", "Code commune", "QPV", "typologie", "financement", "annee_construction", "date_disponibilite"],
        ["007", 75112, "oui", "T3", "PLUS", 1972, dt.datetime(2024, 3, 15)],
        [None] * 7,  # empty row: skipped, line numbers kept
        ["008", 93059.0, False, 5, "PLA-I", 1999.0, dt.date(2024, 11, 2)],
    ],
    "Tours": [
        ["id_logement", "numero_tour", "reservataire", "date_orientation", "issue", "date_attribution", "dalo"],
        ["007", 1, "Préfet 93", dt.datetime(2024, 3, 20), "attribué", dt.datetime(2024, 5, 12), True],
        ["008", 1.0, "Bailleur", dt.datetime(2024, 11, 5), "en cours", None, None],
    ],
    "Conventions": [
        ["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"],
        ["Préfet 93", "préfet", "DEPARTEMENT", 93, 25.5],
    ],
    "Prévisionnel": [
        ["code_departement", "categorie_soustraction", "nombre_prevu"],
        [93, "RU", 12],
    ],
}
CSV = {
    "export_a.csv": [
        ["Logements du bailleur (export 2025)"],
        ["id_logement", "Code commune", "QPV", "typologie", "financement", "annee_construction", "date_disponibilite"],
        ["007", "75112", "oui", "T3", "PLUS", "1972", "15/03/2024"],
        [""] * 7,
        ["008", "93059", "non", "5", "PLA-I", "1999", "2024-11-02"],
    ],
    "export_b.csv": [
        ["id_logement", "numero_tour", "reservataire", "date_orientation", "issue", "date_attribution", "dalo"],
        ["007", "1", "Préfet 93", "20/03/2024", "attribué", "12/05/2024", "oui"],
        ["008", "1", "Bailleur", "05/11/2024", "en cours", "", ""],
    ],
    "export_c.csv": [
        ["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"],
        ["Préfet 93", "préfet", "DEPARTEMENT", "93", "25,5"],
    ],
    "export_d.csv": [
        ["code_departement", "categorie_soustraction", "nombre_prevu"],
        ["93", "RU", "12"],
    ],
}


def test_classeur_et_csv_donnent_les_memes_tables():
    par_excel = lire([("flux.xlsx", classeur(EXCEL))])
    par_csv = lire([(nom, csv_octets(lignes)) for nom, lignes in reversed(CSV.items())])
    assert par_excel.problemes == [] and par_csv.problemes == []
    assert sorted(par_excel.tables) == sorted(par_csv.tables) == ["conventions", "logements", "previsionnel", "tours"]
    for table in par_excel.tables:
        pd.testing.assert_frame_equal(par_excel.tables[table], par_csv.tables[table])
    logements = par_csv.tables["logements"]
    assert logements["ligne"].tolist() == [3, 5]
    assert logements["code_commune"].tolist() == ["75056", "93066"]
    assert logements["qpv"].tolist() == [True, False]
    assert logements["typologie"].tolist() == ["T3", "T5+"]
    assert logements["date_disponibilite"].tolist() == [pd.Timestamp("2024-03-15"), pd.Timestamp("2024-11-02")]
    assert par_csv.tables["tours"]["dalo"].tolist() == [True, False]
    assert par_excel.sources == {
        "logements": "Logements",
        "tours": "Tours",
        "conventions": "Conventions",
        "previsionnel": "Prévisionnel",
    }
    assert par_csv.sources == {
        "logements": "export_a.csv",
        "tours": "export_b.csv",
        "conventions": "export_c.csv",
        "previsionnel": "export_d.csv",
    }


def test_types_des_tables_propres():
    donnees = lire([("flux.xlsx", classeur(EXCEL))])
    attendus = col.DTYPES
    for table in col.TABLES:
        df = donnees.tables[table.nom]
        assert list(df.columns) == [*table.noms, "ligne"]
        assert {c.nom: str(df[c.nom].dtype) for c in table.colonnes} == {
            c.nom: attendus[c.genre] for c in table.colonnes
        }
        assert str(df["ligne"].dtype) == "Int64"


def test_date_illisible_dans_un_classeur_donne_la_ligne_de_la_feuille():
    feuilles = {k: [list(r) for r in v] for k, v in EXCEL.items()}
    feuilles["Logements"][4][6] = "31/11/2024"
    donnees = lire([("flux.xlsx", classeur(feuilles))])
    (p,) = donnees.problemes
    assert (p.code, p.source, p.ligne, p.colonne, p.valeur, p.regle) == (
        "type_invalide",
        "Logements",
        5,
        "date_disponibilite",
        "31/11/2024",
        "Date inexistante : il n'y a pas de 31 novembre",
    )


def test_classeur_avec_feuilles_en_plus_et_nom_de_feuille_inconnu():
    feuilles = {
        "Notice": [["Comment remplir ce classeur"], ["Une ligne par logement…"]],
        "Feuil2": [],
        "Export logements": EXCEL["Logements"],  # unknown sheet name: recognised by its columns
        **{k: v for k, v in EXCEL.items() if k != "Logements"},
    }
    donnees = lire([("flux.xlsx", classeur(feuilles))])
    assert donnees.sources["logements"] == "Export logements"
    assert [(p.gravite, p.code, p.source) for p in donnees.problemes] == [("information", "feuille_ignoree", "Notice")]


def test_modele_de_saisie_vide_se_lit_sans_erreur():
    from flux_dash.modele import modele_saisie

    donnees = lire([("modele.xlsx", modele_saisie())])
    assert sorted(donnees.tables) == ["conventions", "logements", "previsionnel", "tours"]
    assert all(len(t) == 0 for t in donnees.tables.values())
    assert codes(donnees, "erreur") == []


# --- Tables recognised by columns; missing and extra columns ----------------------------------------


def test_csv_reconnus_par_leurs_colonnes_quel_que_soit_le_nom():
    fichiers = [
        ("export (3).csv", fichier_table("conventions")[1]),
        ("logements.csv", fichier_table("tours")[1]),  # misleading name: the columns decide
        ("données.txt", fichier_table("logements")[1]),
    ]
    donnees = lire(fichiers)
    assert donnees.sources == {"conventions": "export (3).csv", "tours": "logements.csv", "logements": "données.txt"}
    assert donnees.problemes == []


def test_colonne_obligatoire_manquante():
    ligne = {k: v for k, v in BASE["logements"].items() if k != "annee_construction"}
    donnees = lire(jeu_complet(logements=("parc.csv", csv_octets([list(ligne), list(ligne.values())]))))
    (p,) = donnees.problemes
    assert (p.gravite, p.code, p.table, p.source, p.colonne, p.ligne) == (
        "erreur",
        "colonne_manquante",
        "logements",
        "parc.csv",
        "annee_construction",
        None,
    )
    assert p.regle == "Colonne obligatoire « annee_construction » absente de la table Logements"
    assert p.conseil.startswith("En-têtes attendus pour « Logements » : id_logement, code_commune, qpv")
    assert donnees.tables["logements"]["annee_construction"].isna().all()


def test_colonnes_en_plus_listees_pour_information():
    donnees = lire(jeu_complet(logements=fichier_table("logements", Commentaire="à revoir", **{"Gardien": "M. X"})))
    infos = [(p.gravite, p.code, p.table, p.colonne) for p in donnees.problemes]
    assert infos == [
        ("information", "colonne_ignoree", "logements", "Commentaire"),
        ("information", "colonne_ignoree", "logements", "Gardien"),
    ]
    assert "Commentaire" not in donnees.tables["logements"].columns


def test_table_obligatoire_manquante():
    donnees = lire([fichier_table("logements"), fichier_table("tours")])
    (p,) = donnees.problemes
    assert (p.gravite, p.code, p.table) == ("erreur", "table_manquante", "conventions")
    assert "Conventions" in p.regle and "reservataire, categorie" in p.conseil


def test_fichier_csv_non_reconnu_et_table_en_double():
    inconnu = ("budget.csv", csv_octets([["poste", "montant"], ["chauffage", "12"]]))
    donnees = lire([*jeu_complet(), inconnu, ("copie.csv", fichier_table("logements")[1])])
    assert [(p.gravite, p.code, p.source) for p in donnees.problemes] == [
        ("erreur", "table_non_reconnue", "budget.csv"),
        ("erreur", "table_en_double", "copie.csv"),
    ]
    assert donnees.sources["logements"] == "logements.csv"


def test_colonne_en_double():
    contenu = csv_octets([[*BASE["logements"], "Code commune"], [*BASE["logements"].values(), "75056"]])
    donnees = lire([("l.csv", contenu)])
    (p,) = [p for p in donnees.problemes if p.code == "colonne_en_double"]
    assert (p.gravite, p.colonne) == ("erreur", "code_commune")
    assert donnees.tables["logements"].at[0, "code_commune"] == "93066"  # the first one is read


def test_en_tete_sous_des_lignes_de_titre_et_lignes_vides_dans_un_csv():
    lignes = [
        ["Tours de commercialisation 2024", "", "", "", ""],
        ["", "", "", "", ""],
        list(BASE["tours"])[:5],
        list(BASE["tours"].values())[:5],
        ["", "", "", "", ""],
        ["L2", "1", "Bailleur", "le 3 mai", "en cours"],
    ]
    donnees = lire([("t.csv", csv_octets(lignes))])
    assert donnees.tables["tours"]["ligne"].tolist() == [4, 6]
    (p,) = [p for p in donnees.problemes if p.code == "type_invalide"]
    assert (p.ligne, p.colonne, p.valeur) == (6, "date_orientation", "le 3 mai")


def test_trop_de_valeurs_illisibles_resumees():
    n = MAX_PROBLEMES_PAR_COLONNE + 5
    lignes = [list(BASE["tours"])] + [[f"L{i}", "1", "Bailleur", "bientôt", "en cours", ""] for i in range(n)]
    donnees = lire([("t.csv", csv_octets(lignes))])
    probs = [p for p in donnees.problemes if p.code == "type_invalide"]
    assert len(probs) == MAX_PROBLEMES_PAR_COLONNE + 1
    assert probs[-1].ligne is None and probs[-1].regle == "… et 5 autres valeurs illisibles dans cette colonne"
    assert [p.ligne for p in probs[:3]] == [2, 3, 4]


# --- Unreadable inputs: French problems, never a traceback ------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.mark.parametrize(
    ("nom", "contenu", "code", "extrait"),
    [
        ("vide.csv", b"", "fichier_vide", "vide"),
        ("blanc.csv", b"\r\n  \n", "fichier_vide", "vide"),
        ("bom.csv", b"\xef\xbb\xbf", "fichier_vide", "vide"),
        ("image.csv", PNG, "fichier_illisible", "une image PNG"),
        ("rapport.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "fichier_illisible", "un document PDF"),
        ("binaire.csv", b"abc\x00\x01\x02def", "fichier_illisible", "un fichier binaire"),
        ("casse.xlsx", b"PK\x03\x04" + b"\x00garbage" * 20, "fichier_illisible", "classeur est endommagé"),
        ("texte.docx", b"PK\x03\x04\x14\x00\x00\x00", "fichier_illisible", "classeur est endommagé"),
        (
            "protege.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"),
            "fichier_protege",
            "mot de passe",
        ),
        ("cp.csv", b"id_logement;code_commune\n\x81\x8d;93066\n", "fichier_illisible", "encodage"),
        ("decale.csv", b"reservataire;categorie;perimetre_type\nA;B;C\nA;B;C;D\n", "fichier_illisible", "ligne 3"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None,
)
def test_fichiers_illisibles(nom, contenu, code, extrait):
    donnees = lire([(nom, contenu)])
    p = donnees.problemes[0]
    assert (p.gravite, p.code, p.source) == ("erreur", code, nom)
    assert extrait in p.regle
    assert donnees.tables == {}
    assert donnees.fichiers == [(nom, hashlib.sha256(contenu).hexdigest())]


def test_fichier_introuvable_et_chemins(tmp_path):
    chemin = tmp_path / "logements.csv"
    chemin.write_bytes(fichier_table("logements")[1])
    donnees = lire([chemin, str(tmp_path / "absent.csv")])
    assert donnees.sources == {"logements": "logements.csv"}
    assert donnees.fichiers == [("logements.csv", hashlib.sha256(chemin.read_bytes()).hexdigest())]
    (absent,) = [p for p in donnees.problemes if p.source == "absent.csv"]
    assert (absent.code, absent.source, absent.regle) == ("fichier_introuvable", "absent.csv", "Fichier introuvable")


def test_aucun_fichier():
    assert codes(lire([])) == ["aucun_fichier"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
        st.lists(st.text(alphabet=';,|\t"\n\r abc01/éx', max_size=30), max_size=8).map(
            lambda ls: ("id_logement;numero_tour;reservataire\n" + "\n".join(ls)).encode("utf-8")
        ),
    )
)
def test_aucune_entree_ne_fait_planter_la_lecture(contenu):
    donnees = lire([("x.csv", contenu)])
    assert isinstance(donnees, DonneesLues)
    assert all(p.regle for p in donnees.problemes)


def test_fichiers_du_depot_de_tests():
    """The hand-made files of tests/fichiers/ (a cp1252 export with a title row, a tab-separated one)."""
    donnees = lire(sorted(FICHIERS.glob("*.csv")))
    assert sorted(donnees.tables) == ["conventions", "logements", "tours"]
    assert [p.code for p in donnees.problemes] == []
    logements = donnees.tables["logements"]
    assert logements["id_logement"].tolist() == ["0042", "0043"]
    assert logements["code_commune"].tolist() == ["75056", "93066"]
    assert logements["financement"].tolist() == ["PLAI", "ANCIEN"]
    assert logements["ligne"].tolist() == [3, 4]


def test_csv_entierement_entre_guillemets_et_texte_unicode_d_excel():
    guillemets = b'"reservataire";"categorie";"perimetre_type";"perimetre_code";"taux"\r\n"A; B";"ALS";"DEPARTEMENT";"93";"12"\r\n'
    unicode_excel = (
        "reservataire\tcategorie\tperimetre_type\tperimetre_code\ttaux\r\nA; B\tALS\tDEPARTEMENT\t93\t12\r\n"
    )
    for contenu in (guillemets, unicode_excel.encode("utf-16")):
        t = lire([("c.csv", contenu)]).tables["conventions"]
        assert t.iloc[0, :5].tolist() == ["A; B", "ACTION_LOGEMENT", "DEPARTEMENT", "93", 12.0]


def test_un_seul_fichier_sans_liste():
    assert lire(fichier_table("logements")).sources == {"logements": "logements.csv"}


def test_classeur_complete_par_un_csv():
    sans_previsionnel = {k: v for k, v in EXCEL.items() if k != "Prévisionnel"}
    donnees = lire([("flux.xlsx", classeur(sans_previsionnel)), ("prev.csv", csv_octets(CSV["export_d.csv"]))])
    assert donnees.problemes == []
    assert donnees.sources == {
        "logements": "Logements",
        "tours": "Tours",
        "conventions": "Conventions",
        "previsionnel": "prev.csv",
    }
    assert [nom for nom, _ in donnees.fichiers] == ["flux.xlsx", "prev.csv"]


def test_une_erreur_interne_devient_un_probleme_et_pas_une_trace(monkeypatch):
    from flux_dash.lecture import fichiers

    def en_panne(*_):
        raise KeyError("bogue")

    monkeypatch.setattr(fichiers, "_lire_csv", en_panne)
    (p,) = lire([fichier_table("logements")]).problemes
    assert (p.gravite, p.code, p.source, p.regle) == (
        "erreur",
        "fichier_illisible",
        "logements.csv",
        "Fichier illisible — lecture impossible (erreur inattendue : KeyError)",
    )


# --- Review: files as French users export them from Excel (FORMAT.md §1) -------------------------------

EN_TETES_EXCEL = [
    ("logements", "N° logement", "id_logement"),
    ("logements", "Identifiant du logement", "id_logement"),
    ("logements", "Code INSEE de la commune", "code_commune"),
    ("logements", "Logement en QPV", "qpv"),
    ("logements", "Année de construction", "annee_construction"),
    ("logements", "Date de disponibilité", "date_disponibilite"),
    ("logements", "Date de disponibilité (JJ/MM/AAAA)", "date_disponibilite"),
    ("logements", "Date de\ndisponibilité", "date_disponibilite"),
    ("logements", "Catégorie de soustraction", "categorie_soustraction"),
    ("logements", "Typologie *", "typologie"),
    ("tours", "N° logement", "id_logement"),
    ("tours", "N° tour", "numero_tour"),
    ("tours", "Nº tour", "numero_tour"),
    ("tours", "N° du tour", "numero_tour"),
    ("tours", "Numéro de tour", "numero_tour"),
    ("tours", "Réservataire", "reservataire"),
    ("tours", "Date d’orientation", "date_orientation"),
    ("tours", "Date d'attribution", "date_attribution"),
    ("tours", "Bail signé", "bail_signe"),
    ("tours", "Ménage relogé RU", "menage_relogement_ru"),
    ("conventions", "Taux (%)", "taux"),
    ("conventions", "Taux en %", "taux"),
    ("conventions", "Taux (en %)", "taux"),
    ("conventions", "Catégorie", "categorie"),
    ("conventions", "Type de périmètre", "perimetre_type"),
    ("conventions", "Code du périmètre", "perimetre_code"),
    ("previsionnel", "Code département", "code_departement"),
    ("previsionnel", "Nombre prévu", "nombre_prevu"),
    ("previsionnel", "Disponibilités prévues", "disponibilites_prevues"),
]


@pytest.mark.parametrize(("table", "entete", "canon"), EN_TETES_EXCEL, ids=[f"{t}:{e!r}" for t, e, _ in EN_TETES_EXCEL])
def test_en_tetes_d_un_export_excel_francais(table, entete, canon):
    assert nom_de_colonne(entete, table) == canon


def test_parentheses_et_etoile_ne_rendent_pas_un_en_tete_inconnu_reconnu():
    assert nom_de_colonne("Commentaire (libre)", "logements") is None
    assert nom_de_colonne("*", "logements") is None


def cp1252_excel(lignes: list[str]) -> bytes:
    """A CSV as French Excel writes it: Windows-1252, ';', CRLF, and here a trailing ';' on every line."""
    return "".join(ligne + ";\r\n" for ligne in lignes).encode("cp1252")


def test_csv_cp1252_d_excel_avec_en_tetes_accentues_et_point_virgule_final():
    logements = cp1252_excel(
        [
            "N° logement;Code commune;QPV;Code QPV;Typologie;Financement;Année de construction;"
            "Date de disponibilité;Catégorie de soustraction",
            "0042;75112;oui;QN07501M;T1 bis;PLA-I;1972;15/03/2024;",
            "0043;93059;non;;T5 et +;HLM/O;1 960;2024-04-01;mutation",
        ]
    )
    tours = cp1252_excel(
        [
            "N° logement;N° tour;Réservataire;Date d'orientation;Issue;Date d'attribution;Bail signé",
            '0042;1;"Préfecture; 93";20/03/2024;Attribué;12/05/2024;x',
            '0042;2;"Ville de\r\nParis";01/06/2024;en cours;;',
        ]
    )
    conventions = cp1252_excel(
        [
            "Réservataire;Catégorie;Type de périmètre;Code périmètre;Taux (%)",
            "Préfecture; 93;préfet;Département;93;25 %",
        ]
    )
    conventions = conventions.replace(b"Pr\xe9fecture; 93", b'"Pr\xe9fecture; 93"')
    donnees = lire([("l.csv", logements), ("t.csv", tours), ("c.csv", conventions)])
    assert donnees.problemes == []
    lg, t, c = (donnees.tables[n] for n in ("logements", "tours", "conventions"))
    assert lg.iloc[:, :10].astype(object).where(lg.iloc[:, :10].notna(), None).values.tolist() == [
        ["0042", "75056", True, "QN07501M", "T1", "PLAI", 1972, pd.Timestamp("2024-03-15"), "ROTATION", None],
        [
            "0043",
            "93066",
            False,
            None,
            "T5+",
            "ANCIEN",
            1960,
            pd.Timestamp("2024-04-01"),
            "ROTATION",
            "MUTATION_INTERNE",
        ],
    ]
    assert t["reservataire"].tolist() == ["Préfecture; 93", "Ville de Paris"]
    assert t["ligne"].tolist() == [2, 3]  # the quoted line break stays inside one spreadsheet row
    assert t["bail_signe"].tolist() == [True, False]
    assert c.iloc[0, :5].tolist() == ["Préfecture; 93", "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 25.0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_texte_unicode_sans_marque_d_ordre(codec):
    texte = "reservataire\tcategorie\tperimetre_type\tperimetre_code\ttaux\r\nPréfet\tpréfet\tDEPARTEMENT\t93\t25\r\n"
    t = lire([("c.txt", texte.encode(codec))]).tables["conventions"]
    assert t.iloc[0, :5].tolist() == ["Préfet", "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 25.0]


def zip_octets(fichiers: dict[str, bytes]) -> bytes:
    import zipfile

    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as z:
        for nom, contenu in fichiers.items():
            z.writestr(nom, contenu)
    return tampon.getvalue()


def test_archive_zip_qui_n_est_pas_un_classeur():
    (p,) = lire([("envoi.zip", zip_octets({"logements.csv": b"a;b", "tours.csv": b"a;b"}))]).problemes
    assert (p.gravite, p.code, p.source) == ("erreur", "fichier_illisible", "envoi.zip")
    assert (
        p.regle
        == "Fichier illisible — ce fichier est une archive ZIP (logements.csv, tours.csv), pas un classeur Excel"
    )
    assert p.conseil == "Décompressez-la et déposez les fichiers qu'elle contient."


@pytest.mark.parametrize(
    ("saisie", "regle"),
    [
        ("15/03/24", "Année sur deux chiffres"),
        ("31/02/2024", "Date inexistante : il n'y a pas de 31 février"),
        ("31/04/2024", "Date inexistante : il n'y a pas de 31 avril"),
        ("29/02/2023", "Date inexistante : il n'y a pas de 29 février en 2023"),
        ("15/13/2024", "Date inexistante : il n'y a pas de mois 13"),
    ],
    ids=["annee-2-chiffres", "31-fevrier", "31-avril", "29-fevrier-2023", "mois-13"],
)
def test_dates_mal_saisies_expliquees(saisie, regle):
    donnees = lire([fichier_table("logements", date_disponibilite=saisie)])
    (p,) = [p for p in donnees.problemes if p.code == "type_invalide"]
    assert (p.ligne, p.colonne, p.valeur, p.regle) == (2, "date_disponibilite", saisie, regle)


def test_classeur_exporte_par_un_bailleur():
    """Title merged above an empty row, dates as text and as cells, numbers stored as text, trailing empty
    cells, a hidden sheet and a sheet named « Tours de commercialisation »: line numbers are the sheet's rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Logements"
    ws["A1"] = "Export du patrimoine – logements libérés en 2024"
    ws.merge_cells("A1:G1")
    entetes = ["N° logement", "Code commune", "QPV", "Typologie", "Financement", "Année de construction",
               "Date de disponibilité"]  # fmt: skip
    lignes = [
        ["0042", "75112", "non", "T2", "PLUS", "1972", dt.datetime(2024, 3, 15)],
        [43, 93066, "Oui", 3, "PLAI", 1980.0, "01/04/2024"],
        ["44", "93066 ", "non", "T4", "PLS", " 1 999 ", "2024-05-02"],
        ["45", 93066, "non", "T4", "PLS", 1999, "31/02/2024"],
    ]
    for j, v in enumerate(entetes, start=1):
        ws.cell(3, j, v)
    for i, ligne in enumerate(lignes, start=4):
        for j, v in enumerate(ligne, start=1):
            ws.cell(i, j, v)
    ws.cell(30, 15).number_format = "0.00"  # a formatted empty cell far below: trailing empty rows and columns
    cachee = wb.create_sheet("Calculs")
    cachee.sheet_state = "hidden"
    cachee.append(["x", "y"])
    t = wb.create_sheet("Tours de commercialisation")
    t.append(["N° logement", "N° tour", "Réservataire", "Date d'orientation", "Issue", "Date d'attribution", None])
    t.append(["0042", "1", "Bailleur", "20/03/2024", "attribué", dt.date(2024, 5, 12), None])
    t.append([None] * 7)
    tampon = io.BytesIO()
    wb.save(tampon)
    donnees = lire([("export.xlsx", tampon.getvalue())])
    assert donnees.sources == {"logements": "Logements", "tours": "Tours de commercialisation"}
    lg = donnees.tables["logements"]
    assert lg["id_logement"].tolist() == ["0042", "43", "44", "45"]
    assert lg["code_commune"].tolist() == ["75056", "93066", "93066", "93066"]
    assert lg["annee_construction"].tolist() == [1972, 1980, 1999, 1999]
    assert lg["date_disponibilite"].tolist()[:3] == [
        pd.Timestamp(d) for d in ("2024-03-15", "2024-04-01", "2024-05-02")
    ]
    assert lg["ligne"].tolist() == [4, 5, 6, 7]
    assert donnees.tables["tours"].iloc[0, :6].tolist() == [
        "0042", 1, "Bailleur", pd.Timestamp("2024-03-20"), "ATTRIBUE", pd.Timestamp("2024-05-12")
    ]  # fmt: skip
    erreurs = [(p.code, p.source, p.ligne, p.colonne, p.valeur) for p in donnees.problemes if p.gravite == "erreur"]
    assert erreurs == [
        ("type_invalide", "Logements", 7, "date_disponibilite", "31/02/2024"),
        ("table_manquante", "", None, "", ""),
    ]


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_anciens_classeurs_excel_et_libreoffice(extension):
    """tests/fichiers/export.xls and export.ods: the same small workbook saved by LibreOffice (title row above
    the headers, « Tours de commercialisation », a hidden sheet)."""
    donnees = lire([FICHIERS / f"export.{extension}"])
    assert donnees.sources == {"logements": "Logements", "tours": "Tours de commercialisation"}
    assert donnees.tables["logements"]["ligne"].tolist() == [4, 5]
    assert donnees.tables["logements"]["id_logement"].tolist() == ["0042", "43"]
    assert donnees.tables["logements"]["date_disponibilite"].tolist() == [
        pd.Timestamp("2024-03-15"), pd.Timestamp("2024-04-01")
    ]  # fmt: skip
    assert donnees.tables["tours"]["numero_tour"].tolist() == [1]
