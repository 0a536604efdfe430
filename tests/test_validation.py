"""Validation: the checks of FORMAT.md §1.5, one case per rule, on small hand-made clean tables.

The base dataset (:func:`tables_valides`) is valid: five logements of Saint-Denis (93066) available in 2024,
seven tours, two conventions on Seine-Saint-Denis (93) and one prévisionnel row. Each case changes one or two
cells (or appends a row) and lists EVERY problem expected, as (gravité, code, table, ligne, colonne, valeur).
Lines are as the user sees them: header on line 1, first row on line 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_dash import referentiel as ref
from flux_dash import validation
from flux_dash.colonnes import DTYPES, LIGNE, PAR_NOM
from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION, DonneesLues, Probleme
from flux_dash.validation import annee_par_defaut, valider
from flux_dash.validation.catalogue import Code
from tests.outils_catalogue import suit_le_catalogue

NNBSP = "\u202f"  # the narrow no-break space of flux_dash.formats (before %, thousands)
E, A = ERREUR, AVERTISSEMENT
J = pd.Timestamp
NA = pd.NA


def tableau(nom: str, lignes: list[dict]) -> pd.DataFrame:
    """A clean table in the dtypes of flux_dash.colonnes, with its ``ligne`` column (2, 3, …)."""
    table = PAR_NOM[nom]
    df = pd.DataFrame({c: [ligne.get(c, NA) for ligne in lignes] for c in table.noms})
    for col in table.colonnes:
        df[col.nom] = df[col.nom].astype(DTYPES[col.genre])
    df[LIGNE] = pd.array(range(2, len(lignes) + 2), dtype="Int64")
    return df


def logement(ident: str, **autres) -> dict:
    base = {
        "id_logement": ident,
        "code_commune": "93066",
        "qpv": False,
        "typologie": "T3",
        "financement": "PLUS",
        "annee_construction": 1972,
        "date_disponibilite": J("2024-03-15"),
        "origine": "ROTATION",
    }
    return {**base, **autres}


def tour(ident: str, numero: int, reservataire: str, orientation: str, issue: str, attribution: str | None = None):
    return {
        "id_logement": ident,
        "numero_tour": numero,
        "reservataire": reservataire,
        "date_orientation": J(orientation),
        "issue": issue,
        "date_attribution": J(attribution) if attribution else pd.NaT,
    }


PREFET, ALS, BAILLEUR = "Préfecture 93", "Action Logement", "Bailleur"


def tables_valides() -> dict[str, pd.DataFrame]:
    return {
        "logements": tableau("logements", [logement(f"L{i}") for i in range(1, 6)]),  # lines 2–6
        "tours": tableau(
            "tours",
            [
                tour("L1", 1, PREFET, "2024-03-20", "ATTRIBUE", "2024-05-12"),  # line 2
                tour("L2", 1, ALS, "2024-04-01", "REFUS_CANDIDAT"),  # line 3
                tour("L2", 2, BAILLEUR, "2024-06-01", "ATTRIBUE", "2024-07-01"),  # line 4
                tour("L3", 1, ALS, "2024-04-10", "EN_COURS"),  # line 5
                tour("L4", 1, BAILLEUR, "2024-04-10", "EN_COURS"),  # line 6
                tour("L5", 1, ALS, "2024-05-10", "EN_COURS"),  # line 7
            ],
        ),
        "conventions": tableau(
            "conventions",
            [
                {
                    "reservataire": PREFET,
                    "categorie": "ETAT_PRIORITAIRES",
                    "perimetre_type": "DEPARTEMENT",
                    "perimetre_code": "93",
                    "taux": 25.0,
                },  # line 2
                {
                    "reservataire": ALS,
                    "categorie": "ACTION_LOGEMENT",
                    "perimetre_type": "DEPARTEMENT",
                    "perimetre_code": "93",
                    "taux": 30.0,
                },  # line 3
            ],
        ),
        "previsionnel": tableau(
            "previsionnel",
            [
                {
                    "code_departement": "93",
                    "categorie_soustraction": "RELOGEMENT_RU",
                    "nombre_prevu": 2,
                    "disponibilites_prevues": 100,
                }
            ],  # line 2
        ),
    }


Modif = Callable[[dict[str, pd.DataFrame]], None]


def modifier(table: str, i: int, **valeurs) -> Modif:
    """Change cells of row ``i`` (0-based: line i + 2)."""

    def appliquer(tables: dict[str, pd.DataFrame]) -> None:
        for col, v in valeurs.items():
            tables[table].loc[i, col] = v

    return appliquer


def ajouter(table: str, depuis: int, **valeurs) -> Modif:
    """Append a copy of row ``depuis`` with some cells changed, on the next line."""

    def appliquer(tables: dict[str, pd.DataFrame]) -> None:
        df = tables[table]
        nouvelle = df.iloc[[depuis]].copy()
        for col, v in valeurs.items():
            nouvelle[col] = pd.Series([v], index=nouvelle.index).astype(df[col].dtype)
        nouvelle[LIGNE] = df[LIGNE].max() + 1
        tables[table] = pd.concat([df, nouvelle], ignore_index=True)

    return appliquer


def donnees(*modifs: Modif, problemes: list[Probleme] | None = None) -> DonneesLues:
    tables = tables_valides()
    for m in modifs:
        m(tables)
    sources = {"logements": "Logements", "tours": "Tours", "conventions": "Conventions", "previsionnel": "Prévisionnel"}
    return DonneesLues(tables, sources, [("flux.xlsx", "0" * 64)], problemes or [])


def resume(rapport) -> list[tuple]:
    return [
        (p.gravite, p.code, p.table, p.ligne, p.colonne, p.valeur) for p in rapport.erreurs + rapport.avertissements
    ]


# --- The valid dataset ------------------------------------------------------------------------------------------


def test_jeu_minimal_valide_sans_erreur_ni_avertissement():
    rapport = valider(donnees(), 2024)
    assert resume(rapport) == []
    assert rapport.ok
    assert list(rapport.tables) == ["logements", "tours", "conventions", "previsionnel"]
    assert rapport.tables["tours"][LIGNE].tolist() == [2, 3, 4, 5, 6, 7]
    assert rapport.fichiers == [("flux.xlsx", "0" * 64)]
    assert rapport.sources["tours"] == "Tours"


@pytest.mark.parametrize(
    "modifs",
    [
        [modifier("tours", 1, reservataire="  Action Logement ")],
        [ajouter("logements", 0, id_logement="L6", date_disponibilite=J("2023-05-02"))],
        [ajouter("logements", 0, id_logement="L6", categorie_soustraction="MUTATION_INTERNE")],
        [modifier("logements", 4, categorie_soustraction="RELOGEMENT_RU"), modifier("tours", 5, reservataire=BAILLEUR)],
        [modifier("logements", 0, qpv=True, code_qpv="QN09336I")],
        [modifier("logements", 0, code_commune="93001", qpv=True, code_qpv="QN09328M")],
        [modifier("tours", 3, date_orientation=J("2023-09-15"))],
        [modifier("tours", 3, date_orientation=J("2025-09-15"))],
        [modifier("conventions", 0, taux=30.0), modifier("conventions", 1, taux=70.0)],
        [ajouter("conventions", 1, perimetre_type="EPCI_EPT", perimetre_code="200057875", taux=80.0)],
        [modifier("logements", 0, annee_construction=1800)],
    ],
    ids=[
        "reservataire-avec-espaces",
        "logement-sans-tour-hors-annee",
        "logement-soustrait-sans-tour",
        "soustrait-oriente-au-bailleur",
        "qpv-de-la-commune",
        "qpv-sur-deux-communes",
        "orientation-6-mois-avant",
        "orientation-18-mois-apres",
        "somme-des-taux-100",
        "perimetres-differents-non-sommes",
        "annee-1800",
    ],
)
def test_cas_limites_valides(modifs):
    assert resume(valider(donnees(*modifs), 2024)) == []


# --- One case per error rule ------------------------------------------------------------------------------------


@dataclass
class Cas:
    id: str
    modifs: list[Modif]
    attendu: list[tuple]
    conseil: str | None = None  # the hint of the first problem, when the wording is part of the case
    regle: str | None = None


CAS_ERREURS = [
    Cas(
        "valeur-manquante",
        [modifier("logements", 0, typologie=NA)],
        [(E, "valeur_manquante", "logements", 2, "typologie", "")],
        conseil="Colonne obligatoire : Typologie du logement. Exemple : T3.",
        regle="Valeur obligatoire manquante",
    ),
    Cas(
        "valeur-hors-liste-typologie",
        [modifier("logements", 0, typologie="T9")],
        [(E, "valeur_hors_liste", "logements", 2, "typologie", "T9")],
        conseil="Valeurs admises (le code ou son libellé) : T1 ; T2 ; T3 ; T4 ; T5+ « T5 et + ».",
        regle="Valeur hors de la liste autorisée",
    ),
    Cas(
        "valeur-hors-liste-issue",
        [modifier("tours", 3, issue="GAGNE")],
        [(E, "valeur_hors_liste", "tours", 5, "issue", "GAGNE")],
        conseil="Valeurs admises (le code ou son libellé) : ATTRIBUE « Attribué » ; REFUS_CANDIDAT « Refus ou "
        "désistement des candidats » ; NON_ATTRIBUE_CALEOL « Non attribué par la CALEOL » ; ABSENCE_DESIGNATION "
        "« Absence de désignation (remis au bailleur) » ; EN_COURS « En cours ».",
    ),
    Cas(
        "valeur-hors-liste-faute-de-frappe",
        [modifier("tours", 3, issue="ATRIBUE")],
        [(E, "valeur_hors_liste", "tours", 5, "issue", "ATRIBUE")],
        conseil="Vouliez-vous dire ATTRIBUE « Attribué » ? Valeurs admises (le code ou son libellé) : ATTRIBUE "
        "« Attribué » ; REFUS_CANDIDAT « Refus ou désistement des candidats » ; NON_ATTRIBUE_CALEOL « Non attribué "
        "par la CALEOL » ; ABSENCE_DESIGNATION « Absence de désignation (remis au bailleur) » ; EN_COURS « En cours ».",
    ),
    Cas(
        "valeur-hors-liste-categorie-bailleur",
        [modifier("conventions", 1, categorie="BAILLEUR")],
        [(E, "valeur_hors_liste", "conventions", 3, "categorie", "BAILLEUR")],
    ),
    Cas(
        "doublon-logement",
        [ajouter("logements", 3)],
        [
            (E, "doublon_logement", "logements", 5, "id_logement", "L4"),
            (E, "doublon_logement", "logements", 7, "id_logement", "L4"),
        ],
        conseil="L'identifiant L4 figure aux lignes 5, 7.",
    ),
    Cas(
        "doublon-tour",
        [ajouter("tours", 3)],
        [(E, "doublon_tour", "tours", 5, "numero_tour", "1"), (E, "doublon_tour", "tours", 8, "numero_tour", "1")],
        conseil="Le tour 1 du logement L3 figure aux lignes 5, 8.",
    ),
    Cas(
        "logement-inconnu",
        [ajouter("tours", 3, id_logement="L9")],
        [(E, "logement_inconnu", "tours", 8, "id_logement", "L9")],
    ),
    Cas(
        "reservataire-inconnu",
        [modifier("tours", 3, reservataire="Action Logment")],
        [(E, "reservataire_inconnu", "tours", 5, "reservataire", "Action Logment")],
        conseil="Noms proches : « Action Logement ». Le nom doit être identique à celui de la feuille Conventions.",
    ),
    Cas(
        "commune-inconnue-code-postal",
        [modifier("logements", 4, code_commune="93200")],
        [(E, "commune_inconnue", "logements", 6, "code_commune", "93200")],
        conseil="Code INSEE inconnu en Île-de-France (COG 2026) : vérifiez qu'il ne s'agit pas d'un code postal "
        "(Saint-Denis : 93066, et non 93200).",
    ),
    Cas(
        "commune-hors-idf",
        [modifier("logements", 4, code_commune="69123")],
        [(E, "commune_inconnue", "logements", 6, "code_commune", "69123")],
        conseil="Le code 69123 désigne une commune hors Île-de-France : seules les communes d'Île-de-France sont "
        "admises.",
    ),
    Cas(
        "qpv-inconnu",
        [modifier("logements", 0, qpv=True, code_qpv="QN99999X")],
        [(E, "qpv_inconnu", "logements", 2, "code_qpv", "QN99999X")],
    ),
    Cas(
        "qpv-hors-commune",
        [modifier("logements", 0, qpv=True, code_qpv="QN07501M")],
        [(E, "qpv_hors_commune", "logements", 2, "code_qpv", "QN07501M")],
        conseil="Le QPV QN07501M est situé à : Paris (75056). Vérifiez le code QPV ou la commune.",
    ),
    Cas(
        "qpv-avec-qpv-non",
        [modifier("logements", 0, code_qpv="QN09336I")],
        [(E, "qpv_incoherent", "logements", 2, "qpv", "non")],
    ),
    Cas(
        "annee-avant-1800",
        [modifier("logements", 1, annee_construction=1750)],
        [(E, "annee_hors_bornes", "logements", 3, "annee_construction", "1750")],
    ),
    Cas(
        "annee-future",
        [modifier("logements", 1, annee_construction=dt.date.today().year + 1)],
        [(E, "annee_hors_bornes", "logements", 3, "annee_construction", str(dt.date.today().year + 1))],
    ),
    Cas(
        "numero-tour-zero",
        [modifier("tours", 3, numero_tour=0)],
        [(E, "numero_tour_invalide", "tours", 5, "numero_tour", "0")],
    ),
    Cas(
        "nombre-prevu-negatif",
        [modifier("previsionnel", 0, nombre_prevu=-1)],
        [(E, "nombre_negatif", "previsionnel", 2, "nombre_prevu", "-1")],
    ),
    Cas(
        "disponibilites-prevues-negatives",
        [modifier("previsionnel", 0, disponibilites_prevues=-3)],
        [(E, "nombre_negatif", "previsionnel", 2, "disponibilites_prevues", "-3")],
    ),
    Cas(
        "taux-negatif",
        [modifier("conventions", 1, taux=-5.5)],
        [(E, "taux_hors_bornes", "conventions", 3, "taux", "-5,5")],
    ),
    Cas(
        "taux-150-et-somme",
        [modifier("conventions", 1, taux=150.0)],
        # the 150 cell is reported once (out of bounds); the other line of the perimeter gets the sum
        [(E, "somme_taux", "conventions", 2, "taux", "25"), (E, "taux_hors_bornes", "conventions", 3, "taux", "150")],
    ),
    Cas(
        "somme-taux",
        [modifier("conventions", 1, taux=80.0)],
        [(E, "somme_taux", "conventions", 2, "taux", "25"), (E, "somme_taux", "conventions", 3, "taux", "80")],
        conseil=f"Somme des taux sur Seine-Saint-Denis (93) : 105{NNBSP}% (lignes 2, 3) ; la somme ne peut pas "
        "dépasser 100 %.",
    ),
    Cas(
        "taux-en-fraction",
        [modifier("conventions", 0, taux=0.25), modifier("conventions", 1, taux=0.3)],
        [(E, "taux_en_fraction", "conventions", None, "taux", "0,25, 0,3")],
        conseil="Indiquez les taux en pourcentage : 25 pour 25 %. Une cellule au format Pourcentage d'Excel "
        "affiche 25 % mais contient 0,25 : mettez la colonne au format Nombre et saisissez 25.",
    ),
    Cas(
        "perimetre-inconnu",
        [
            ajouter(
                "conventions",
                1,
                reservataire="Ville X",
                categorie="COMMUNE",
                perimetre_type="COMMUNE",
                perimetre_code="93999",
                taux=5.0,
            )
        ],
        [(E, "perimetre_inconnu", "conventions", 4, "perimetre_code", "93999")],
    ),
    Cas(
        "plusieurs-attributions",
        [modifier("tours", 1, issue="ATTRIBUE", date_attribution=J("2024-05-01"))],
        [
            (E, "plusieurs_attributions", "tours", 3, "issue", "ATTRIBUE"),
            (E, "plusieurs_attributions", "tours", 4, "issue", "ATTRIBUE"),
        ],
        conseil="Le logement L2 est attribué aux lignes 3, 4 : un logement n'est attribué qu'une fois.",
    ),
    Cas(
        "tour-apres-attribution",
        [ajouter("tours", 0, numero_tour=2, reservataire=BAILLEUR, issue="EN_COURS", date_attribution=pd.NaT)],
        [(E, "tour_apres_attribution", "tours", 8, "numero_tour", "2")],
        conseil="Le logement L1 est attribué au tour 1 (ligne 2) : supprimez ce tour ou corrigez son issue.",
    ),
    Cas(
        "date-attribution-manquante",
        [modifier("tours", 0, date_attribution=pd.NaT)],
        [(E, "date_attribution_manquante", "tours", 2, "date_attribution", "")],
    ),
    Cas(
        "date-attribution-avant-orientation",
        [modifier("tours", 0, date_attribution=J("2024-03-01"))],
        [(E, "date_attribution_avant_orientation", "tours", 2, "date_attribution", "01/03/2024")],
        conseil="Date d'orientation : 20/03/2024 ; la CALEOL décide après l'orientation.",
    ),
    Cas(
        "departement-inconnu",
        [modifier("previsionnel", 0, code_departement="69")],
        [(E, "departement_inconnu", "previsionnel", 2, "code_departement", "69")],
    ),
    Cas(
        "disponibilites-prevues-differentes",
        [ajouter("previsionnel", 0, categorie_soustraction="MUTATION_INTERNE", disponibilites_prevues=120)],
        [
            (E, "disponibilites_incoherentes", "previsionnel", 2, "disponibilites_prevues", "100"),
            (E, "disponibilites_incoherentes", "previsionnel", 3, "disponibilites_prevues", "120"),
        ],
        conseil="Valeurs du département 93 : 100 (ligne 2); 120 (ligne 3).",
    ),
]

CAS_AVERTISSEMENTS = [
    Cas(
        "orientation-hors-perimetre",
        [modifier("logements", 4, code_commune="75056")],
        [(A, "orientation_hors_perimetre", "tours", 7, "reservataire", "Action Logement")],
        conseil="Paris (75056) n'est dans aucun périmètre de convention de « Action Logement » (Seine-Saint-Denis "
        "(93)). Vérifiez le réservataire, la commune ou la feuille Conventions.",
    ),
    Cas(
        "soustrait-oriente",
        [modifier("logements", 4, categorie_soustraction="RELOGEMENT_RU")],
        [(A, "soustrait_oriente", "tours", 7, "reservataire", "Action Logement")],
    ),
    Cas(
        "tours-non-consecutifs",
        [modifier("tours", 3, issue="ABSENCE_DESIGNATION"), ajouter("tours", 4, id_logement="L3", numero_tour=3)],
        [(A, "tours_non_consecutifs", "tours", 8, "numero_tour", "3")],
        conseil="Tours du logement L3 : 1, 3 ; tour manquant : 2.",
    ),
    Cas(
        "numero-de-tour-demesure",  # the missing numbers are listed without enumerating a trillion of them
        [modifier("tours", 3, issue="ABSENCE_DESIGNATION"), ajouter("tours", 4, id_logement="L3", numero_tour=10**12)],
        [(A, "tours_non_consecutifs", "tours", 8, "numero_tour", "1000000000000")],
        conseil="Tours du logement L3 : 1, 1000000000000 ; tours manquants : 2, 3, 4, 5, 6, 7, 8, 9, 10, 11.",
    ),
    Cas(
        "orientation-trop-tot",
        [modifier("tours", 3, date_orientation=J("2023-09-14"))],
        [(A, "orientation_hors_delai", "tours", 5, "date_orientation", "14/09/2023")],
        conseil="Date de disponibilité du logement : 15/03/2024 ; orientation attendue entre le 15/09/2023 et le "
        "15/09/2025. Vérifiez les deux dates.",
    ),
    Cas(
        "orientation-trop-tard",
        [modifier("tours", 3, date_orientation=J("2025-09-16"))],
        [(A, "orientation_hors_delai", "tours", 5, "date_orientation", "16/09/2025")],
    ),
    Cas(
        "taux-prefet-plus-de-30",
        [modifier("conventions", 0, taux=35.0)],
        [(A, "plafond_prefet", "conventions", 2, "taux", "35")],
    ),
    Cas(
        "taux-agents-plus-de-5",
        [
            modifier("conventions", 0, taux=20.0),
            ajouter("conventions", 0, reservataire="Préfecture 93 agents", categorie="ETAT_AGENTS", taux=6.0),
        ],
        [(A, "plafond_agents", "conventions", 4, "taux", "6")],
    ),
    Cas(
        "taux-prefet-et-agents",
        [ajouter("conventions", 0, reservataire="Préfecture 93 agents", categorie="ETAT_AGENTS", taux=6.0)],
        [
            (A, "plafond_prefet", "conventions", 2, "taux", "25"),
            (A, "plafond_prefet", "conventions", 4, "taux", "6"),
            (A, "plafond_agents", "conventions", 4, "taux", "6"),
        ],
        conseil=f"Somme des taux du préfet sur Seine-Saint-Denis (93) : 31{NNBSP}% (lignes 2, 4) ; plafond de 30 % "
        "du flux, sauf arrêté préfectoral de dérogation (CCH R. 441-5-2).",
    ),
    Cas(
        "part-realisee-prefet",
        [modifier("tours", 3, reservataire=PREFET)],
        [(A, "part_prefet_realisee", "tours", None, "reservataire", f"40,0{NNBSP}%")],
        conseil="2 logements proposés au préfet (publics prioritaires et agents de l'État) pour un flux de 5 "
        "logements ; plafond de 30 % sauf arrêté préfectoral de dérogation (CCH R. 441-5-2).",
        regle="Part du flux 2024 orientée au préfet (publics prioritaires et agents de l'État) supérieure à 30 % "
        "dans le département Seine-Saint-Denis (93)",
    ),
    Cas(
        "part-realisee-agents",
        [
            modifier("conventions", 0, taux=20.0),
            ajouter("conventions", 0, reservataire="Préfecture 93 agents", categorie="ETAT_AGENTS", taux=5.0),
            modifier("tours", 5, reservataire="Préfecture 93 agents"),
        ],
        [
            (A, "part_prefet_realisee", "tours", None, "reservataire", f"40,0{NNBSP}%"),
            (A, "part_agents_realisee", "tours", None, "reservataire", f"20,0{NNBSP}%"),
        ],
    ),
    Cas(
        "non-oriente",
        [ajouter("logements", 0, id_logement="L6")],
        [(A, "non_oriente", "logements", 7, "id_logement", "L6")],
        conseil="Disponible le 15/03/2024 : ajoutez ses tours dans la feuille Tours, ou indiquez sa catégorie de "
        "soustraction.",
        regle="Logement disponible en 2024, sans aucun tour et non soustrait (non orienté)",
    ),
]


@pytest.mark.parametrize("cas", CAS_ERREURS + CAS_AVERTISSEMENTS, ids=lambda c: c.id)
def test_chaque_regle_signale_sa_ligne_sa_colonne_et_sa_valeur(cas: Cas):
    rapport = valider(donnees(*cas.modifs), 2024)
    assert resume(rapport) == cas.attendu
    assert rapport.ok == (not any(g == ERREUR for g, *_ in cas.attendu))
    premier = (rapport.erreurs + rapport.avertissements)[0]
    assert (
        premier.source
        == {"logements": "Logements", "tours": "Tours", "conventions": "Conventions", "previsionnel": "Prévisionnel"}[
            premier.table
        ]
    )
    if cas.conseil is not None:
        assert premier.conseil == cas.conseil
    if cas.regle is not None:
        assert premier.regle == cas.regle
    assert premier.regle and premier.code in set(Code)
    assert [str(p) for p in rapport.problemes if not suit_le_catalogue(p)] == []


# --- Reading problems, missing tables and columns ---------------------------------------------------------------


def test_problemes_de_lecture_repris_sans_double_signalement():
    lus = [
        Probleme(
            ERREUR,
            "type_invalide",
            "Nombre entier attendu.",
            "logements",
            "Logements",
            3,
            "annee_construction",
            "mille",
        ),
        Probleme(ERREUR, "type_invalide", "Date attendue.", "tours", "Tours", 2, "date_attribution", "31/02/2024"),
        Probleme(AVERTISSEMENT, "ligne_vide", "Ligne vide ignorée.", "tours", "Tours", 9),
        Probleme(INFORMATION, "colonne_ignoree", "Colonne ignorée.", "logements", "Logements", None, "commentaire"),
    ]
    # The cells flagged by reading are NA in the clean tables: no « valeur manquante » on them.
    rapport = valider(
        donnees(
            modifier("logements", 1, annee_construction=NA),
            modifier("tours", 0, date_attribution=pd.NaT),
            problemes=lus,
        ),
        2024,
    )
    assert rapport.erreurs == lus[:2]
    assert rapport.avertissements == [lus[2]]
    assert rapport.informations == [lus[3]]
    assert not rapport.ok


def test_colonne_absente_signalee_par_la_lecture_pas_ligne_par_ligne():
    lu = Probleme(
        ERREUR, "colonne_manquante", "Colonne obligatoire absente.", "logements", "Logements", None, "typologie"
    )
    d = donnees(problemes=[lu])
    d.tables["logements"] = d.tables["logements"].drop(columns="typologie")
    rapport = valider(d, 2024)
    assert rapport.erreurs == [lu]
    assert rapport.tables["logements"]["typologie"].isna().all()


def test_colonne_obligatoire_absente_sans_probleme_de_lecture():
    d = donnees()
    d.tables["conventions"] = d.tables["conventions"].drop(columns="taux")
    d.tables["tours"] = d.tables["tours"].drop(columns=["dalo", "bail_signe"])  # optional: silently added
    assert resume(valider(d, 2024)) == [(E, "colonne_manquante", "conventions", None, "taux", "")]


def test_table_obligatoire_absente():
    d = donnees()
    del d.tables["conventions"]
    rapport = valider(d, 2024)
    # No cascade of « réservataire inconnu »: the missing table is the one problem.
    assert resume(rapport) == [(E, "table_manquante", "conventions", None, "", "")]
    assert rapport.erreurs[0].regle == "Table obligatoire « Conventions » absente"
    assert "conventions" not in rapport.tables


def test_previsionnel_facultatif():
    d = donnees()
    del d.tables["previsionnel"]
    rapport = valider(d, 2024)
    assert rapport.ok and resume(rapport) == []


def test_types_proches_acceptes_et_ramenes_au_contrat():
    d = donnees()
    d.tables["logements"]["date_disponibilite"] = d.tables["logements"]["date_disponibilite"].astype("datetime64[us]")
    d.tables["logements"]["id_logement"] = d.tables["logements"]["id_logement"].astype(str)
    rapport = valider(d, 2024)
    assert resume(rapport) == []
    assert str(rapport.tables["logements"]["date_disponibilite"].dtype) == "datetime64[ns]"
    assert str(rapport.tables["logements"]["id_logement"].dtype) == "string"


def test_noms_de_reservataires_nettoyes_dans_les_tables_rendues():
    rapport = valider(donnees(modifier("tours", 1, reservataire=" Action Logement  ")), 2024)
    assert rapport.tables["tours"].loc[1, "reservataire"] == "Action Logement"


# --- Order, cap, default year -----------------------------------------------------------------------------------


def test_problemes_tries_par_table_ligne_colonne():
    rapport = valider(
        donnees(
            modifier("tours", 3, issue="GAGNE"),
            modifier("logements", 2, financement="XX"),
            modifier("logements", 2, typologie="T9"),
            modifier("logements", 0, code_commune="99999"),
        ),
        2024,
    )
    assert [(p.table, p.ligne, p.colonne) for p in rapport.erreurs] == [
        ("logements", 2, "code_commune"),
        ("logements", 4, "typologie"),
        ("logements", 4, "financement"),
        ("tours", 5, "issue"),
    ]


def test_plafond_par_regle_avec_ligne_de_synthese(monkeypatch):
    from flux_dash.validation import assemblage

    monkeypatch.setattr(assemblage, "MAX_PAR_REGLE", 2)
    rapport = valider(donnees(*(modifier("logements", i, typologie="T9") for i in range(5))), 2024)
    assert resume(rapport) == [
        (E, "valeur_hors_liste", "logements", 2, "typologie", "T9"),
        (E, "valeur_hors_liste", "logements", 3, "typologie", "T9"),
        (E, "valeur_hors_liste", "logements", None, "", ""),
    ]
    assert rapport.erreurs[-1].regle == "… et 3 autres lignes : Valeur hors de la liste autorisée"


@pytest.mark.parametrize(
    ("dates", "annee"),
    [
        (["2023-12-31", "2024-01-01", "2024-06-30"], 2024),
        (["2023-01-01", "2023-02-01", "2024-06-30"], 2023),
        (["2023-12-31", "2024-01-01"], 2024),
        ([None, "2022-05-01"], 2022),
    ],
    ids=["plus-frequente", "plus-frequente-ancienne", "egalite-la-plus-recente", "dates-vides-ignorees"],
)
def test_annee_par_defaut(dates, annee):
    logements = pd.DataFrame({"date_disponibilite": pd.to_datetime(pd.Series(dates, dtype="object"))})
    assert annee_par_defaut({"logements": logements}) == annee


def test_annee_par_defaut_sans_date_annee_precedente():
    assert annee_par_defaut({}) == dt.date.today().year - 1


def test_annee_du_bilan_par_defaut_pour_non_oriente():
    # L6 is available in 2025 without any tour: with the default year (2024, most disponibilités) it is not reported.
    d = donnees(ajouter("logements", 0, id_logement="L6", date_disponibilite=J("2025-02-01")))
    assert resume(valider(d)) == []
    assert resume(valider(d, 2025)) == [(A, "non_oriente", "logements", 7, "id_logement", "L6")]


@pytest.mark.parametrize(
    ("annee", "attendu"),
    [
        (1999, [(A, "annee_sans_disponibilite", "logements", None, "date_disponibilite", "1999")]),
        (2025, [(A, "annee_sans_disponibilite", "logements", None, "date_disponibilite", "2025")]),
        (2024, []),
    ],
    ids=["annee-tres-ancienne", "annee-suivante", "annee-des-donnees"],
)
def test_annee_du_bilan_sans_aucune_disponibilite_est_signalee(annee, attendu):
    # A typo in the bilan year must not silently produce empty bilans (all five logements are available in 2024).
    rapport = valider(donnees(), annee)
    assert resume(rapport) == attendu
    if attendu:
        p = rapport.avertissements[0]
        assert p.regle == f"Aucun logement disponible en {annee} : les bilans de {annee} seront vides"
        assert p.conseil == "Les disponibilités du fichier sont de 2024 : vérifiez l'année du bilan."
        assert p.source == "Logements"


@pytest.mark.parametrize(
    ("saisi", "conseil"),
    [
        ("Action Logment", "Noms proches : « Action Logement »."),
        ("prefecture-93", "Noms proches : « Préfecture 93 »."),
        ("Préfet", "Noms proches : « Préfecture 93 »."),
        ("Mairie", "Réservataires connus : « Action Logement », « Préfecture 93 », « Bailleur »."),
        ("Logement", "Noms proches : « Action Logement »."),
    ],
    ids=["faute-de-frappe", "accents-et-tirets", "debut-du-nom", "aucun-nom-proche", "mot-commun"],
)
def test_conseil_reservataire_inconnu_donne_les_noms_proches(saisi, conseil):
    rapport = valider(donnees(modifier("tours", 3, reservataire=saisi)), 2024)
    assert [p.code for p in rapport.erreurs] == ["reservataire_inconnu"]
    assert rapport.erreurs[0].conseil.startswith(conseil)


def test_commune_99999_inconnue_et_non_hors_region():
    rapport = valider(donnees(modifier("logements", 4, code_commune="99999")), 2024)
    assert rapport.erreurs[0].conseil.startswith("Code INSEE inconnu en Île-de-France")


# --- The demo dataset, read back from files ---------------------------------------------------------------------


@pytest.mark.lent
@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_jeu_de_demo_ecrit_puis_charge_sans_erreur(tmp_path, format_):
    demo = pytest.importorskip("flux_dash.demo")
    tables = demo.generer_demo(600, 11)
    if format_ == "csv":
        chemins = demo.ecrire_csv(tables, tmp_path)
    else:
        chemins = [demo.ecrire_classeur(tables, tmp_path / "demo.xlsx")]
    rapport = validation.charger(chemins)
    assert rapport.erreurs == []
    assert rapport.ok
    assert {p.code for p in rapport.avertissements} <= {"non_oriente"}
    assert len(rapport.tables["logements"]) == 600


def test_charger_annonce_chaque_etape_sans_rien_changer(tmp_path):
    demo = pytest.importorskip("flux_dash.demo")
    chemins = demo.ecrire_csv(demo.generer_demo(200, 5), tmp_path)
    vues: list[str] = []
    avec = validation.charger(chemins, etape=vues.append)
    sans = validation.charger(chemins)
    assert vues == list(validation.ETAPES_CHARGEMENT) == ["lecture", "controles"]
    assert [repr(p) for p in avec.problemes] == [repr(p) for p in sans.problemes]
    assert avec.annee == sans.annee
    assert all(avec.tables[t].equals(sans.tables[t]) for t in sans.tables)


def test_tables_faites_a_la_main_valeurs_illisibles_signalees_une_fois():
    # A notebook user may hand plain object columns: what cannot be converted is reported as « type_invalide »,
    # and the emptied cell is not reported again as missing.
    d = donnees()
    lg = d.tables["logements"]
    lg["annee_construction"] = pd.Series([1972, "mille", "1972", 1972.0, 1972], dtype=object)
    lg["date_disponibilite"] = pd.Series(["15/03/2024", "15/03/2024", "31/02/2024", "2024-03-15", None], dtype=object)
    lg["qpv"] = pd.Series(["non", "non", "non", "peut-être", "x"], dtype=object)
    rapport = valider(d, 2024)
    assert resume(rapport) == [
        (E, "type_invalide", "logements", 3, "annee_construction", "mille"),
        (E, "type_invalide", "logements", 4, "date_disponibilite", "31/02/2024"),
        (E, "type_invalide", "logements", 5, "qpv", "peut-être"),
        (E, "valeur_manquante", "logements", 6, "date_disponibilite", ""),
        # two logements lost their date: the flux of 2024 is 3, of which 1 proposed to the préfet
        (A, "part_prefet_realisee", "tours", None, "reservataire", f"33,3{NNBSP}%"),
    ]
    assert rapport.erreurs[0].conseil == "Nombre entier attendu."
    assert [p.regle for p in rapport.erreurs[:3]] == [
        "Nombre entier attendu",
        "Date illisible",
        "Valeur oui/non non reconnue",
    ]
    assert rapport.tables["logements"]["qpv"].tolist() == [False, False, False, NA, True]


def test_resume_des_valeurs_illisibles_de_la_lecture_pas_de_valeur_manquante_en_plus():
    # Reading lists the first unreadable cells of a column, then one line « … et N autres »: the other emptied
    # cells of that column must not come back as « valeur manquante ».
    lus = [
        Probleme(ERREUR, "type_invalide", "Date illisible.", "logements", "Logements", 2, "date_disponibilite", "x"),
        Probleme(
            ERREUR,
            "type_invalide",
            "… et 2 autres valeurs illisibles",
            "logements",
            "Logements",
            None,
            "date_disponibilite",
        ),
    ]
    modifs = [modifier("logements", i, date_disponibilite=pd.NaT) for i in range(3)]
    rapport = valider(donnees(*modifs, problemes=lus), 2024)
    assert rapport.erreurs == lus  # the summary stays after the line it continues


# --- Never raises on bad data -----------------------------------------------------------------------------------

VALEURS_HOSTILES = {
    "string": [NA, "", " ", "=1+1", "T9", "Bailleur", "L1", "93066", "QN07501M", "é" * 300, "ATTRIBUE"]
    + ["T3", "PLUS", "93", "RELOGEMENT_RU"],  # valid in some columns: the oracle must also say « no error »
    "boolean": [NA, True, False],
    "Int64": [NA, 0, -1, 1, 3, 10**12, 1800, 2200],
    "Float64": [NA, 0.0, -0.5, 0.25, 100.0, 1e9, 1.0],
    "datetime64[ns]": [pd.NaT, J("1900-01-01"), J("2024-02-29"), J("2099-12-31")],
}
CELLULES = [
    (t, i, c, DTYPES[col.genre])
    for t, n in (("logements", 5), ("tours", 6), ("conventions", 2), ("previsionnel", 1))
    for i in range(n)
    for col in PAR_NOM[t].colonnes
    for c in [col.nom]
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(CELLULES).flatmap(
            lambda cel: st.sampled_from(VALEURS_HOSTILES[cel[3]]).map(lambda v: (*cel[:3], v))
        ),
        max_size=8,
    )
)
def test_valider_ne_leve_jamais_sur_des_valeurs_hostiles(changements):
    rapport = valider(donnees(*(modifier(t, i, **{c: v}) for t, i, c, v in changements)), 2024)
    assert [str(p) for p in rapport.problemes if not suit_le_catalogue(p)] == []  # code, gravity and text
    cellules = [(p.table, p.ligne, p.colonne) for p in rapport.erreurs if p.ligne is not None]
    assert len(cellules) == len(set(cellules))  # one error per cell
    lignes = {t: set(df[LIGNE]) for t, df in tables_valides().items()}
    assert all(p.ligne in lignes[p.table] for p in rapport.problemes if p.ligne is not None)  # a line of the file
    if not changements:
        assert rapport.problemes == []


# One hostile value in one cell: the cell carries exactly the error an independent reading of FORMAT.md §1.5 gives
# (the column's own rules), or none when the value is valid. Only columns whose rules read the cell alone are drawn.
_VALIDES = tables_valides()
_RESERVATAIRES = {*_VALIDES["conventions"]["reservataire"], "Bailleur"}


def _erreur_attendue(table: str, i: int, colonne: str, v: object) -> str | None:
    col = PAR_NOM[table].colonne(colonne)
    if isinstance(v, str) and colonne == "reservataire":
        v = v.strip() or NA  # names are matched after stripping spaces (FORMAT.md §1.2)
    if v is NA or v is pd.NaT:
        return "valeur_manquante" if col.obligatoire else None
    if col.categorie is not None:
        return None if v in col.categorie.codes else "valeur_hors_liste"
    if colonne == "code_commune":
        return None if v in set(ref.communes()["code_insee"]) else "commune_inconnue"
    if colonne == "code_departement":
        return None if v in ref.DEPARTEMENTS_IDF else "departement_inconnu"
    if colonne == "annee_construction":
        return None if 1800 <= v <= dt.date.today().year else "annee_hors_bornes"
    if colonne == "nombre_prevu":
        return None if v >= 0 else "nombre_negatif"
    if colonne == "reservataire":
        return None if v in _RESERVATAIRES else "reservataire_inconnu"
    if colonne == "qpv":
        return "qpv_incoherent" if v is False and pd.notna(_VALIDES[table].at[i, "code_qpv"]) else None
    return None  # date_disponibilite: any date is a date


CELLULES_LOCALES = [
    (t, i, c, DTYPES[PAR_NOM[t].colonne(c).genre])
    for t, colonnes, n in (
        (
            "logements",
            ("code_commune", "qpv", "typologie", "financement", "annee_construction", "date_disponibilite"),
            5,
        ),
        ("tours", ("reservataire",), 6),
        ("previsionnel", ("code_departement", "categorie_soustraction", "nombre_prevu"), 1),
    )
    for i in range(n)
    for c in colonnes
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CELLULES_LOCALES).flatmap(
        lambda cel: st.sampled_from(VALEURS_HOSTILES[cel[3]]).map(lambda v: (*cel[:3], v))
    )
)
def test_une_valeur_hostile_donne_l_erreur_de_sa_regle_sur_sa_cellule(changement):
    table, i, colonne, v = changement
    rapport = valider(donnees(modifier(table, i, **{colonne: v})), 2024)
    ligne = int(_VALIDES[table].at[i, LIGNE])
    sur_la_cellule = [p.code for p in rapport.erreurs if (p.table, p.ligne, p.colonne) == (table, ligne, colonne)]
    attendu = _erreur_attendue(table, i, colonne, v)
    assert sur_la_cellule == ([attendu] if attendu else []), (table, ligne, colonne, v)
    if attendu is None:
        assert rapport.ok, [str(p) for p in rapport.erreurs]
    else:
        (p,) = [p for p in rapport.erreurs if p.code == attendu and p.ligne == ligne]
        assert (p.source, p.colonne) == (rapport.sources[table], colonne)  # the user sees where


def test_l_oracle_des_valeurs_hostiles_distingue_valide_et_invalide():
    # The oracle itself, on hand-picked cells: it must be able to say « error » and « no error ».
    assert _erreur_attendue("logements", 0, "typologie", "T9") == "valeur_hors_liste"
    assert _erreur_attendue("logements", 0, "typologie", "T3") is None
    assert _erreur_attendue("tours", 0, "reservataire", " ") == "valeur_manquante"
    assert _erreur_attendue("tours", 0, "reservataire", "Bailleur") is None
    assert _erreur_attendue("logements", 0, "annee_construction", 2200) == "annee_hors_bornes"
    assert _erreur_attendue("logements", 0, "annee_construction", NA) == "valeur_manquante"


def test_conseil_reservataire_par_le_code_du_perimetre():
    rapport = valider(
        donnees(
            ajouter(
                "conventions",
                1,
                reservataire="Ville de Paris",
                categorie="COMMUNE",
                perimetre_type="COMMUNE",
                perimetre_code="75056",
                taux=10.0,
            ),
            modifier("tours", 3, reservataire="Mairie 75056"),
        ),
        2024,
    )
    assert [p.code for p in rapport.erreurs] == ["reservataire_inconnu"]
    assert rapport.erreurs[0].conseil.startswith("Noms proches : « Ville de Paris ».")


# --- Review: empty tables, absent key columns, fractions from Excel's percent format ---------------------------


def test_feuille_logements_sans_aucune_ligne_bloque_le_bilan():
    d = donnees()
    d.tables["logements"] = d.tables["logements"].iloc[0:0]
    d.tables["tours"] = d.tables["tours"].iloc[0:0]
    rapport = valider(d, 2024)
    assert not rapport.ok
    assert resume(rapport) == [(E, "table_vide", "logements", None, "", "")]
    (p,) = rapport.erreurs
    assert (p.source, p.regle) == ("Logements", "La table Logements ne contient aucune ligne de données")
    assert p.conseil == (
        "Saisissez une ligne par logement devenu disponible sous la ligne d'en-têtes (ou vérifiez que le bon "
        "fichier a été déposé)."
    )


@pytest.mark.parametrize(
    ("table", "colonne", "attendu"),
    [
        # Without logements.id_logement, every tour would be « logement inconnu »: only the column is reported.
        ("logements", "id_logement", [(E, "colonne_manquante", "logements", None, "id_logement", "")]),
        # Without conventions.reservataire, every tour would be « réservataire inconnu ».
        ("conventions", "reservataire", [(E, "colonne_manquante", "conventions", None, "reservataire", "")]),
        # Without tours.id_logement, every logement would be « non orienté ».
        ("tours", "id_logement", [(E, "colonne_manquante", "tours", None, "id_logement", "")]),
    ],
    ids=["logements-sans-identifiant", "conventions-sans-reservataire", "tours-sans-identifiant"],
)
def test_colonne_cle_absente_sans_cascade_dans_les_autres_tables(table, colonne, attendu):
    d = donnees()
    d.tables[table] = d.tables[table].drop(columns=colonne)
    assert resume(valider(d, 2024)) == attendu


def test_taux_en_fraction_conseil_sur_le_format_pourcentage_d_excel():
    rapport = valider(donnees(modifier("conventions", 0, taux=0.25), modifier("conventions", 1, taux=0.3)), 2024)
    (p,) = rapport.erreurs
    assert p.conseil == (
        "Indiquez les taux en pourcentage : 25 pour 25 %. Une cellule au format Pourcentage d'Excel affiche "
        "25 % mais contient 0,25 : mettez la colonne au format Nombre et saisissez 25."
    )


# --- The year apart: valider() without the year, controler_annee() cheap (issue 14 §3) ----------------------------


def test_valider_sans_annee_ne_contient_aucun_controle_de_l_annee():
    from flux_dash.validation.croises import CODES_ANNEE

    d = donnees(ajouter("logements", 0, id_logement="L6"))  # available in 2024, without any tour
    sans_annee = valider(d)
    assert sans_annee.annee is None
    assert not {p.code for p in sans_annee.problemes} & CODES_ANNEE
    assert resume(valider(d, 2024)) == [(A, "non_oriente", "logements", 7, "id_logement", "L6")]


def test_controler_annee_sur_les_tables_propres_egale_valider_avec_l_annee():
    from flux_dash.validation import controler_annee, pour_annee

    d = donnees(
        ajouter("logements", 0, id_logement="L6"),
        modifier("tours", 3, issue="GAGNE"),  # an error elsewhere: the report is not ok, the year's warnings stay
    )
    rapport = valider(d)
    annuels = controler_annee(rapport.tables, 2024, signales=rapport.erreurs, sources=rapport.sources)
    assert [(p.code, p.ligne, p.source) for p in annuels] == [("non_oriente", 7, "Logements")]

    def sans_tables(r):
        return (r.ok, r.erreurs, r.avertissements, r.informations, r.annee, r.sources)

    complet = valider(d, 2024)
    assert sans_tables(pour_annee(rapport, 2024)) == sans_tables(complet)
    assert sans_tables(pour_annee(pour_annee(rapport, 2025), 2024)) == sans_tables(complet)  # a year's warnings go


def test_l_annee_n_suit_les_regles_du_calcul():
    from flux_dash.regles import ReglesCalcul
    from flux_dash.validation import controler_annee

    # Year n from 1 July n−1 to 30 June n: L6, available on 15/08/2023, belongs to year 2024.
    regles = ReglesCalcul(mois_debut_annee=7)
    rapport = valider(donnees(ajouter("logements", 0, id_logement="L6", date_disponibilite=J("2023-08-15"))))
    assert [p.valeur for p in controler_annee(rapport.tables, 2024, regles) if p.code == "non_oriente"] == ["L6"]
    assert [p.valeur for p in controler_annee(rapport.tables, 2024) if p.code == "non_oriente"] == []
    dates = pd.Series(pd.to_datetime(["2023-06-30", "2023-07-01", "2024-06-30", None]))
    assert regles.annee_de(dates).tolist() == [2023, 2024, 2024, NA]
    for annee in (2023, 2024):
        assert regles.dans_annee(dates, annee).tolist() == (regles.annee_de(dates) == annee).fillna(False).tolist()
