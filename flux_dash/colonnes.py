"""The input tables of FORMAT.md §1: their columns, types, requirements and French explanations.

One declaration serves the reader (header matching, parsing), the pandera schemas, the input template
(headers, notes, drop-down lists) and the documentation. Column names are the canonical names of FORMAT.md.

Clean tables (what :mod:`flux_dash.lecture` returns and :mod:`flux_dash.validation` checks) use these dtypes:

=========  =====================================================================================
kind       pandas dtype in a clean table
=========  =====================================================================================
code       ``string`` (text, leading zeros kept; codes mapped to their canonical form)
texte      ``string``
categorie  ``string`` holding the canonical code (an unrecognised value is kept as typed, so that
           validation can show it)
booleen    ``boolean`` (nullable). An optional column absent from the file is present and all
           ``<NA>``: the indicators that need it are then left empty, never zero.
entier     ``Int64``
nombre     ``Float64``
date       ``datetime64[ns]`` (dates only, no time); ``NaT`` when empty
=========  =====================================================================================

Every clean table also carries ``ligne`` (``Int64``): the line number as the user sees it in the file
(header on line 1, first data row on line 2), used in every message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flux_dash import referentiel as ref
from flux_dash.referentiel import Categorie

DTYPES = {
    "code": "string",
    "texte": "string",
    "categorie": "string",
    "booleen": "boolean",
    "entier": "Int64",
    "nombre": "Float64",
    "date": "datetime64[ns]",
}
"""pandas dtype of each column kind in a clean table (the table in this module's docstring)."""

LIGNE = "ligne"
"""Extra column of every clean table: the row's line number as seen in the user's file."""


@dataclass(frozen=True)
class Colonne:
    nom: str
    genre: str  # code | texte | categorie | booleen | entier | nombre | date
    obligatoire: bool
    description: str
    categorie: Categorie | None = None
    exemple: str = ""


@dataclass(frozen=True)
class Table:
    nom: str
    libelle: str
    obligatoire: bool
    description: str
    colonnes: tuple[Colonne, ...] = field(default_factory=tuple)

    @property
    def noms(self) -> list[str]:
        return [c.nom for c in self.colonnes]

    @property
    def obligatoires(self) -> list[str]:
        return [c.nom for c in self.colonnes if c.obligatoire]

    def colonne(self, nom: str) -> Colonne:
        return next(c for c in self.colonnes if c.nom == nom)


LOGEMENTS = Table(
    "logements",
    "Logements",
    True,
    "Une ligne par logement devenu disponible (libération ou première mise en location).",
    (
        Colonne(
            "id_logement",
            "code",
            True,
            "Identifiant du logement chez le bailleur (ou identifiant RPLS), unique.",
            exemple="LGT-000123",
        ),
        Colonne(
            "code_commune",
            "code",
            True,
            "Code INSEE de la commune (Île-de-France). Arrondissements de Paris acceptés (→ 75056).",
            exemple="93066",
        ),
        Colonne(
            "qpv",
            "booleen",
            True,
            "Logement situé en quartier prioritaire de la politique de la ville (oui/non).",
            exemple="non",
        ),
        Colonne(
            "code_qpv",
            "code",
            False,
            "Code du QPV 2024 (QN…), s'il est connu ; il doit appartenir à la commune.",
            exemple="QN09312M",
        ),
        Colonne("typologie", "categorie", True, "Typologie du logement.", ref.TYPOLOGIES, exemple="T3"),
        Colonne(
            "financement", "categorie", True, "Type de financement d'origine (RPLS).", ref.FINANCEMENTS, exemple="PLUS"
        ),
        Colonne(
            "annee_construction",
            "entier",
            True,
            "Année d'achèvement de la construction (1800 à l'année en cours).",
            exemple="1972",
        ),
        Colonne(
            "date_disponibilite",
            "date",
            True,
            "Date de libération ou de première mise en location (JJ/MM/AAAA).",
            exemple="15/03/2024",
        ),
        Colonne(
            "origine",
            "categorie",
            False,
            "Origine de la disponibilité (rotation par défaut).",
            ref.ORIGINES,
            exemple="ROTATION",
        ),
        Colonne(
            "categorie_soustraction",
            "categorie",
            False,
            "Vide si le logement est dans le flux ; sinon la catégorie de soustraction.",
            ref.SOUSTRACTIONS,
            exemple="",
        ),
    ),
)

TOURS = Table(
    "tours",
    "Tours",
    True,
    "Une ligne par tour de commercialisation (orientation d'un logement vers un réservataire).",
    (
        Colonne(
            "id_logement",
            "code",
            True,
            "Identifiant du logement, tel qu'il figure dans la feuille Logements.",
            exemple="LGT-000123",
        ),
        Colonne(
            "numero_tour",
            "entier",
            True,
            "Numéro du tour pour ce logement (1, 2, 3…), unique par logement.",
            exemple="1",
        ),
        Colonne(
            "reservataire",
            "texte",
            True,
            "Nom du réservataire tel qu'il figure dans la feuille Conventions, ou « Bailleur ».",
            exemple="Préfecture de la Seine-Saint-Denis",
        ),
        Colonne(
            "date_orientation",
            "date",
            True,
            "Date de mise à disposition du logement au réservataire (JJ/MM/AAAA).",
            exemple="20/03/2024",
        ),
        Colonne("issue", "categorie", True, "Issue du tour.", ref.ISSUES, exemple="ATTRIBUE"),
        Colonne(
            "date_attribution",
            "date",
            False,
            "Date de la décision de la CALEOL ; obligatoire si l'issue est ATTRIBUE.",
            exemple="12/05/2024",
        ),
        Colonne("bail_signe", "booleen", False, "Bail signé (oui/non).", exemple="oui"),
        Colonne(
            "menage_prioritaire",
            "booleen",
            False,
            "Ménage reconnu public prioritaire (art. L. 441-1 CCH).",
            exemple="non",
        ),
        Colonne("dalo", "booleen", False, "Ménage reconnu prioritaire DALO.", exemple="non"),
        Colonne("premier_quartile", "booleen", False, "Ménage du premier quartile de ressources.", exemple="non"),
        Colonne(
            "menage_relogement_ru",
            "booleen",
            False,
            "Ménage relogé dans le cadre d'une opération de renouvellement urbain.",
            exemple="non",
        ),
    ),
)

CONVENTIONS = Table(
    "conventions",
    "Conventions",
    True,
    "Une ligne par convention de réservation (réservataire × périmètre).",
    (
        Colonne(
            "reservataire",
            "texte",
            True,
            "Nom du réservataire, identique à celui utilisé dans la feuille Tours.",
            exemple="Préfecture de la Seine-Saint-Denis",
        ),
        Colonne(
            "categorie",
            "categorie",
            True,
            "Catégorie de réservataire.",
            Categorie(
                "categorie",
                {c: ref.CATEGORIES_RESERVATAIRE.libelle(c) for c in ref.CATEGORIES_CONVENTION},
                {a: c for a, c in ref.CATEGORIES_RESERVATAIRE.aliases.items() if c != ref.BAILLEUR},
            ),
            exemple="ETAT_PRIORITAIRES",
        ),
        Colonne(
            "perimetre_type",
            "categorie",
            True,
            "Type de périmètre de la convention.",
            Categorie(
                "perimetre_type",
                {c: ref.PERIMETRES.libelle(c) for c in ref.PERIMETRES_CONVENTION},
                ref.PERIMETRES.aliases,
            ),
            exemple="DEPARTEMENT",
        ),
        Colonne(
            "perimetre_code",
            "code",
            True,
            "Code du département, SIREN de l'EPCI/EPT ou code INSEE de la commune.",
            exemple="93",
        ),
        Colonne(
            "taux", "nombre", True, "Taux de la convention en pourcentage du flux annuel (25 pour 25 %).", exemple="25"
        ),
    ),
)

PREVISIONNEL = Table(
    "previsionnel",
    "Prévisionnel",
    False,
    "Prévision des logements soustraits du flux pour l'année n+1, par département et catégorie.",
    (
        Colonne("code_departement", "code", True, "Code du département (Île-de-France).", exemple="93"),
        Colonne(
            "categorie_soustraction",
            "categorie",
            True,
            "Catégorie de soustraction.",
            ref.SOUSTRACTIONS,
            exemple="RELOGEMENT_RU",
        ),
        Colonne(
            "nombre_prevu", "entier", True, "Nombre de logements qu'il est prévu de soustraire du flux.", exemple="12"
        ),
        Colonne(
            "disponibilites_prevues",
            "entier",
            False,
            "Disponibilités prévues dans le département (même valeur sur chaque ligne du département).",
            exemple="850",
        ),
    ),
)

TABLES: tuple[Table, ...] = (LOGEMENTS, TOURS, CONVENTIONS, PREVISIONNEL)
"""The four input tables, in the order of the workbook's sheets."""
PAR_NOM = {t.nom: t for t in TABLES}
