"""What the consolidation reads in a landlord's file and how it adds it up (FORMAT.md §2.2 v1.1, §3; DOMAINE.md §3.1).

This module is the single declaration, for the receiving side, of:

- the columns of the tidy file (:data:`ENTETE`), the keys of one figure (:data:`CLES`) and the dimensions;
- which indicators are **counts** (:data:`COMPTES`: added across landlords) and which are **ratios**
  (:data:`RATIOS`: never added, recomputed from the summed numerator and denominator named here);
- the reference value of each indicator that has one (:data:`CIBLES`);
- the bounds of what is read (:data:`LIMITES`).

Numerator and denominator rows of the ratios. FORMAT.md v1.1 names some of them (``logements_proposes_prefet``
beside ``part_prefet_flux``, ``attributions_hors_qpv_premier_quartile`` and ``attributions_hors_qpv`` beside
``part_premier_quartile_hors_qpv``…). Where it is silent, the names below are this project's decision
(``logements_proposes_agents``, ``logements_proposes_prefet_hors_qpv``, ``attributions_prioritaires``,
``delai_cumule_orientation_attribution``): the landlord's writer must use them for those ratios to be
consolidated; a ratio whose numerator row is absent from every file is simply not consolidated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flux_dash import referentiel as ref

PT, PC, PL = "perimetre_type", "perimetre_code", "perimetre_libelle"

ENTETE = [
    "annee",
    "bailleur",
    PT,
    PC,
    PL,
    "categorie",
    "reservataire",
    "dimension",
    "modalite",
    "indicateur",
    "valeur",
]
"""Header of ``indicateurs_{n}.csv`` v1.1 (FORMAT.md §2.2), also the header of ``indicateurs_consolides_{n}.csv``."""

OBLIGATOIRES = [c for c in ENTETE if c != PL]
"""Columns a received file must have (matched by name; ``perimetre_libelle`` is relabelled from the référentiel)."""

ENTETE_V1 = ["annee", PT, PC, "reservataire", "dimension", "modalite", "indicateur", "valeur"]
"""Columns of a version 1.0 file (no ``bailleur``, no ``categorie``): recognised to say what is missing."""

CLES = [PT, PC, "categorie", "reservataire", "dimension", "modalite", "indicateur"]
"""What identifies one figure of one landlord's file."""

TEXTES = [PT, PC, PL, "categorie", "reservataire", "dimension", "modalite", "indicateur"]
"""Text columns of the rows of an :class:`~flux_dash.consolidation.lecture.Envoi`."""

DIMENSIONS = ("total", *ref.DIMENSIONS_DECRET, "categorie_soustraction", "issue")
STRATES = ("COMMUNE", "EPCI_EPT", "DEPARTEMENT", "REGION")
CATEGORIES_SANS_CONVENTION = (ref.BAILLEUR, ref.HORS_CONVENTION)
"""Holder categories consolidated as one line each, never split into réservataires (DOMAINE.md §2)."""
CATEGORIES = tuple(ref.CATEGORIES_TITULAIRE.codes)
"""Every ``categorie`` value a row may carry (besides empty for perimeter-wide figures), in display order."""

# --- Counts: added across landlords (a logement belongs to one landlord, DOMAINE.md §3.1) ---------------------

COMPTES_PERIMETRE = (
    "disponibilites",
    "soustraits",
    "flux",
    "flux_hors_qpv",
    "relogements_realises",
    "logements_attribues",
    "logements_proposes_prefet",
    "logements_proposes_agents",
    "logements_proposes_prefet_hors_qpv",
    "attributions_hors_qpv",
    "attributions_hors_qpv_premier_quartile",
    "attributions_en_qpv",
    "attributions_en_qpv_hors_premier_quartile",
    "flux_previsionnel",
    "soustraits_prevus",
)
"""Perimeter-wide counts (``reservataire`` and ``categorie`` empty)."""

COMPTES_DETENTEUR = (
    "logements_proposes",
    "logements_attribues",
    "tours",
    "droits_theoriques",
    "attributions_prioritaires",
    "attributions_dalo",
    "delai_cumule_orientation_attribution",
    "tours_sans_designation",
    "droits_previsionnels",
)
"""Counts of one holder in one perimeter (``droits_theoriques`` are fractional logements)."""

COMPTES = frozenset(COMPTES_PERIMETRE) | frozenset(COMPTES_DETENTEUR)

ECARTS: dict[str, tuple[str, str]] = {"ecart": ("logements_proposes", "droits_theoriques")}
"""Differences recomputed from the summed counts (a landlord's ``ecart`` row is read and checked, not added)."""

COMPTES_DE_STRATE = ("logements_proposes", "logements_attribues")
"""The holder counts a landlord gives at every strate where the holder has any (FORMAT.md §2.2 v1.1), with their
``qpv`` and ``commune`` breakdowns: what the consolidation reads for a réservataire outside its own perimeter."""
DIMENSIONS_DE_STRATE = ("total", "qpv", "commune")

NIVEAU = Literal["ligne", "perimetre"]


@dataclass(frozen=True)
class Ratio:
    """A ratio of the file and the two counts it is recomputed from after adding (DOMAINE.md §3.1: never averaged).

    ``niveau`` of each term: ``ligne`` = the same holder (or the same perimeter-wide line) as the ratio,
    ``perimetre`` = the perimeter-wide count of the same perimeter (``flux`` for a share of the flux)."""

    code: str
    numerateur: str
    denominateur: str
    niveau_numerateur: NIVEAU = "ligne"
    niveau_denominateur: NIVEAU = "ligne"
    detenteur: bool = True
    """True: computed on holder lines (category, réservataire); False: on perimeter-wide lines."""
    parametre: bool = False
    """The landlord's value is a parameter (the convention's taux), equal to numerator ÷ denominator only when the
    denominator is not 0 (a convention on a perimeter without flux keeps its taux)."""


RATIOS: tuple[Ratio, ...] = (
    # DOMAINE.md §3 (per holder)
    Ratio("part_flux_orientations", "logements_proposes", "flux", niveau_denominateur="perimetre"),
    Ratio("part_attributions", "logements_attribues", "logements_attribues", niveau_denominateur="perimetre"),
    Ratio("taux_convention", "droits_theoriques", "flux", niveau_denominateur="perimetre", parametre=True),
    Ratio("taux_realisation", "logements_proposes", "droits_theoriques"),
    Ratio("taux_transformation", "logements_attribues", "logements_proposes"),
    # DOMAINE.md §4 (per holder)
    Ratio("part_publics_prioritaires", "attributions_prioritaires", "logements_attribues"),
    Ratio("part_dalo", "attributions_dalo", "logements_attribues"),
    Ratio("delai_moyen_orientation_attribution", "delai_cumule_orientation_attribution", "logements_attribues"),
    # DOMAINE.md §4 (perimeter-wide: préfet checks per département and commune, CIA per EPCI/EPT and commune)
    Ratio("part_prefet_flux", "logements_proposes_prefet", "flux", detenteur=False),
    Ratio("part_agents_flux", "logements_proposes_agents", "flux", detenteur=False),
    Ratio("prefet_hors_qpv_a", "logements_proposes_prefet_hors_qpv", "logements_proposes_prefet", detenteur=False),
    Ratio("prefet_hors_qpv_b", "logements_proposes_prefet_hors_qpv", "flux_hors_qpv", detenteur=False),
    Ratio(
        "part_premier_quartile_hors_qpv",
        "attributions_hors_qpv_premier_quartile",
        "attributions_hors_qpv",
        detenteur=False,
    ),
    Ratio(
        "part_hors_premier_quartile_en_qpv",
        "attributions_en_qpv_hors_premier_quartile",
        "attributions_en_qpv",
        detenteur=False,
    ),
)
"""Every ratio the consolidation recomputes, in reading order. ``taux_convention`` recomputed this way is the
weighted taux of DOMAINE.md §3.1 (Σ droits ÷ Σ flux), a fraction like every ratio of the file."""

PAR_CODE = {r.code: r for r in RATIOS}
INDICATEURS_CONNUS = COMPTES | frozenset(PAR_CODE) | frozenset(ECARTS)
"""Indicators a received file may carry; rows of any other indicator are ignored with an information."""

NOMBRE_BAILLEURS = "nombre_bailleurs"
"""Perimeter-wide indicator of the consolidated file only: landlords whose file gives figures for the perimeter."""

UNITES = {"delai_moyen_orientation_attribution": "jours"}
"""Unit of a ratio that is not a fraction (all others: ``ratio``)."""

CIBLES: dict[str, tuple[str, str]] = {
    "part_prefet_flux": ("plafond_prefet", "max"),
    "part_agents_flux": ("plafond_agents", "max"),
    "prefet_hors_qpv_a": ("plancher_prefet_hors_qpv", "min"),
    "part_premier_quartile_hors_qpv": ("plancher_premier_quartile_hors_qpv", "min"),
    "part_hors_premier_quartile_en_qpv": ("plancher_hors_premier_quartile_en_qpv", "min"),
    "part_publics_prioritaires": ("plancher_prioritaires", "min"),
}
"""Indicator → (attribute of :class:`~flux_dash.regles.ReglesCalcul` holding its reference value, how to read it).
``part_publics_prioritaires`` has no reference for the État categories (DOMAINE.md §4)."""

INDICATEURS_PREFET = ("part_prefet_flux", "part_agents_flux", "prefet_hors_qpv_a", "prefet_hors_qpv_b")
INDICATEURS_CIA = ("part_premier_quartile_hors_qpv", "part_hors_premier_quartile_en_qpv")


@dataclass(frozen=True)
class Limites:
    """Bounds of what the receiving side reads (declared once; messages quote them)."""

    octets_fichier: int = 200 * 2**20
    """A received file (ZIP, CSV or workbook)."""
    octets_decompresses: int = 1024 * 2**20
    """Everything one archive inflates to."""
    membres_archive: int = 5_000
    lignes_fichier: int = 3_000_000
    """Rows of one tidy file (a regional landlord writes about 10⁵)."""


LIMITES = Limites()


def cle_bailleur(nom: str) -> str:
    """How two spellings of a landlord's name are recognised as the same landlord (case, accents, spaces, ``-``,
    ``_``, ``'`` and ``.`` ignored, as for headers: FORMAT.md §1)."""
    return ref.normaliser_texte(nom)
