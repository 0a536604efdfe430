"""The engine: from the clean tables and a year n to every figure of DOMAINE.md §3–§5, as tidy DataFrames.

One entry point, :func:`calculer_bilan`, returns a :class:`Bilan`. Reports, charts and the CSV only read a
Bilan; nothing is recomputed downstream (house style §6: a figure shown in a chart, a workbook and the CSV is
computed once).

Conventions shared by every DataFrame of a :class:`Bilan`
-------------------------------------------------------
- Long/tidy format, explicit columns, default ``RangeIndex``, sorted deterministically.
- Perimeters are identified by ``perimetre_type`` (``COMMUNE``, ``EPCI_EPT``, ``DEPARTEMENT``, ``REGION``) and
  ``perimetre_code`` (INSEE code, SIREN, département code, ``11``), with ``perimetre_libelle`` (French label).
  Sort order: ``perimetre_type`` in :data:`flux_dash.referentiel.PERIMETRES` order (commune, EPCI/EPT,
  département, région), then ``perimetre_code``.
- Holders are identified by ``reservataire`` (the name used in ``tours``; ``"Bailleur"`` for the landlord)
  with ``categorie`` (code of :data:`flux_dash.referentiel.CATEGORIES_RESERVATAIRE`). Sort order: category
  in référentiel order (BAILLEUR last), then name.
- Categories (soustraction, issue, décret modalities) appear in référentiel display order, **every modality
  listed even when zero** (except ``commune`` modalities: the communes of the perimeter where the landlord has
  logements in the ``logements`` table).
- Counts are ``int64`` raw counts of distinct logements (or of tours for ``tours``/issues). Counts that depend
  on an optional column (prioritaires, DALO, 1er quartile) are ``float64``, NaN when that column is absent
  from the file (all ``<NA>``).
- Ratios are ``float64`` raw fractions (0.25 for 25 %), **never rounded**, NaN when not significant
  (division by zero). Display code formats them ("n.s." for NaN).

Strate perimeters are the commune, the EPCI/EPT territory (``referentiel.communes()``: EPT in the Métropole
du Grand Paris, Paris = 217500016, else the EPCI), the département and the région ``11``, for every commune
where the landlord has at least one logement (any year). Convention perimeters are those of the ``conventions``
table (an EPCI_EPT convention may name an EPCI that is not a territory, e.g. the MGP 200054781).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flux_dash.regles import ReglesCalcul


@dataclass(frozen=True)
class Bilan:
    """All figures of the bilan of year ``annee`` (DOMAINE.md §3–§5). Every attribute is described below with
    its columns and what one row is.

    ``perimetres`` — one row per perimeter computed (strates ∪ convention perimeters).
        perimetre_type, perimetre_code, perimetre_libelle,
        strate (bool: a strate territoriale of the landlord's stock),
        convention (bool: named by at least one convention),
        departements (str: département codes covered, sorted, ``;``-joined),
        code_territoire (str: the EPCI/EPT of a commune, else ""),
        lec (bool: an EPCI_EPT in ``regles.epci_lec``; False for other types).

    ``appartenance`` — one row per (perimeter, commune where the landlord has logements) inside it.
        perimetre_type, perimetre_code, code_commune.

    ``reservataires`` — one row per holder: every réservataire of ``conventions`` plus ``Bailleur``.
        reservataire, categorie, categorie_libelle, slug (FORMAT.md §2.1 file-name slug).

    ``conventions`` — one row per convention (réservataire × perimeter), as given, with its label.
        reservataire, categorie, perimetre_type, perimetre_code, perimetre_libelle, taux (float64, percent 0–100).

    ``flux`` — one row per perimeter of ``perimetres`` (DOMAINE.md §3).
        perimetre_type, perimetre_code, perimetre_libelle,
        disponibilites, soustraits, flux, relogements_realises (int64; flux = disponibilites − soustraits),
        disponibilites_en_qpv, disponibilites_hors_qpv, flux_en_qpv, flux_hors_qpv (int64),
        attributions (int64: logements attribués in n, all holders, the denominator of part des attributions).

    ``soustraits`` — one row per perimeter × soustraction category (all six categories, zeros included).
        perimetre_type, perimetre_code, perimetre_libelle, categorie_soustraction, categorie_libelle,
        soustraits (int64: disponibilités of n in that category), relogements_realises (int64: soustraits
        logements of that category with an ATTRIBUE tour dated in n, whatever their date_disponibilite
        unless ``regles.relogements_disponibles_n``).

    ``realisation`` — one row per holder × its perimeters: each réservataire × each of its convention
    perimeters (``convention`` True); ``Bailleur`` × every strate perimeter (``convention`` False).
        reservataire, categorie, perimetre_type, perimetre_code, perimetre_libelle, convention (bool),
        disponibilites, soustraits, flux (int64, of the perimeter),
        logements_proposes, logements_attribues, tours (int64),
        part_flux_orientations (proposés / flux), part_attributions (attribués / attributions of the perimeter),
        taux_convention (percent, NaN for Bailleur), droits_theoriques (taux × flux / 100),
        ecart (proposés − droits théoriques), taux_realisation (proposés / droits théoriques),
        taux_transformation (attribués / proposés) — all float64.

    ``issues`` — one row per row of ``realisation`` × issue (five issues, zeros included).
        reservataire, categorie, perimetre_type, perimetre_code, perimetre_libelle, issue, issue_libelle,
        tours (int64: tours to the holder dated in n on non-soustrait logements of the perimeter with that issue).

    ``repartitions`` — the décret breakdowns (CCH R. 441-5-1): one row per row of ``realisation`` × dimension
    (``referentiel.DIMENSIONS_DECRET`` order) × modality (référentiel order; communes by code).
        reservataire, categorie, perimetre_type, perimetre_code, perimetre_libelle, dimension, modalite,
        modalite_libelle, logements_proposes, logements_attribues (int64).
        For each dimension the modalities add up to the ``realisation`` totals.

    ``consolidation`` — the consolidated views (DOMAINE.md §5.2–5.3): one row per strate perimeter × holder,
    for every holder with a valid tour on a logement of the perimeter (any date), a convention overlapping it,
    and always ``Bailleur``.
        perimetre_type, perimetre_code, perimetre_libelle, reservataire, categorie,
        logements_proposes, logements_attribues, attribues_en_qpv, attribues_hors_qpv (int64),
        part_flux_orientations, part_attributions (float64; Σ part_attributions = 1 where attributions > 0),
        attribues_prioritaires, attribues_dalo, attribues_premier_quartile (float64 counts, NaN if column absent).

    ``indicateurs`` — the §4 indicators, one row per indicator × perimeter × holder ("" for perimeter-wide).
        indicateur (code, see :data:`DEFINITIONS`), libelle (French), perimetre_type, perimetre_code,
        perimetre_libelle, reservataire, categorie ("" when perimeter-wide), numerateur, denominateur, valeur,
        cible (float64; NaN when no reference value), sens ("max", "min" or "": how to read ``cible``),
        unite ("ratio", "jours" or "nombre"). ``valeur`` is NaN when not significant or when the optional
        column it needs is absent.

    ``previsionnel`` — prévisionnel n+1 (DOMAINE.md §5.4), one row per perimeter (every département of the
    stock or of the ``previsionnel`` table, and every convention perimeter).
        perimetre_type, perimetre_code, perimetre_libelle, disponibilites_n (int64),
        disponibilites_prevues (float64, NaN when not given), soustraits_prevus (float64),
        flux_previsionnel (float64: disponibilites_prevues − soustraits_prevus if given, else
        disponibilites_n − soustraits_prevus), source_disponibilites ("prevues" or "annee_n").
        Sub-département perimeters get a prorata of their départements' forecast (``regles.prorata_previsionnel``).

    ``previsionnel_soustraits`` — one row per perimeter of ``previsionnel`` × soustraction category.
        perimetre_type, perimetre_code, perimetre_libelle, categorie_soustraction, categorie_libelle,
        soustraits_prevus (float64), relogements_realises_n (int64).

    ``previsionnel_reservataires`` — one row per convention.
        reservataire, categorie, perimetre_type, perimetre_code, perimetre_libelle, taux_convention,
        flux_previsionnel, droits_previsionnels (float64 = taux × flux prévisionnel / 100).
    """

    annee: int
    regles: ReglesCalcul
    perimetres: pd.DataFrame
    appartenance: pd.DataFrame
    reservataires: pd.DataFrame
    conventions: pd.DataFrame
    flux: pd.DataFrame
    soustraits: pd.DataFrame
    realisation: pd.DataFrame
    issues: pd.DataFrame
    repartitions: pd.DataFrame
    consolidation: pd.DataFrame
    indicateurs: pd.DataFrame
    previsionnel: pd.DataFrame = field(default_factory=pd.DataFrame)
    previsionnel_soustraits: pd.DataFrame = field(default_factory=pd.DataFrame)
    previsionnel_reservataires: pd.DataFrame = field(default_factory=pd.DataFrame)

    def reconciliation(self) -> pd.DataFrame:
        """The reconciliation checks (see :func:`verifier_reconciliation`)."""
        from flux_dash.calculs.reconciliation import verifier_reconciliation

        return verifier_reconciliation(self)

    def realisation_de(self, reservataire: str) -> pd.DataFrame:
        """Rows of ``realisation`` of one holder."""
        return self.realisation[self.realisation["reservataire"] == reservataire].reset_index(drop=True)


def calculer_bilan(
    tables: dict[str, pd.DataFrame],
    annee: int,
    regles: ReglesCalcul | None = None,
    previsionnel: pd.DataFrame | None = None,
) -> Bilan:
    """Compute the bilan of year ``annee`` from the clean tables of a ``RapportValidation`` (``rapport.tables``).

    ``previsionnel`` (same columns as the ``previsionnel`` input table) overrides ``tables["previsionnel"]``:
    the dashboard's editable forecast. To recompute only the prévisionnel of an existing bilan, use
    :func:`calculer_previsionnel`.
    """
    from flux_dash.calculs.moteur import calculer

    return calculer(tables, annee, regles or ReglesCalcul(), previsionnel)


def calculer_previsionnel(bilan: Bilan, previsionnel: pd.DataFrame | None) -> Bilan:
    """A copy of ``bilan`` whose three ``previsionnel*`` frames are recomputed from an (edited) ``previsionnel``
    table (columns code_departement, categorie_soustraction, nombre_prevu, disponibilites_prevues); None or an
    empty table means "no soustraits prévus"."""
    from flux_dash.calculs.previsionnel import recalculer

    return recalculer(bilan, previsionnel)


def verifier_reconciliation(bilan: Bilan) -> pd.DataFrame:
    """Reconciliation checks: one row per check × perimeter (controle, perimetre, attendu, obtenu, ok)."""
    from flux_dash.calculs.reconciliation import verifier_reconciliation as _verifier

    return _verifier(bilan)


__all__ = ["Bilan", "ReglesCalcul", "calculer_bilan", "calculer_previsionnel", "verifier_reconciliation"]
