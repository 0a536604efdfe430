"""Validation of the clean tables: every check of FORMAT.md §1.5, returned as a :class:`RapportValidation`.

This module owns the rules that decide whether a bilan can be produced:

* the **per-table rules** (required values, category lists, bounds, duplicates, reference codes, row-level
  coherence) are pandera schemas built from :mod:`flux_dash.colonnes` and :mod:`flux_dash.referentiel` (no
  category list is declared here). Parsing belongs to :mod:`flux_dash.lecture`: schemas run with
  ``coerce=False`` on already typed tables;
* the **cross-table rules** (a tour's logement and réservataire, orientations outside the conventions'
  perimeters, the préfet's caps, non-oriented logements…) are vectorised pandas code.

Every rule has a stable ``code`` (see :class:`~flux_dash.validation.catalogue.Code`), a French sentence and a hint. Errors block the bilan,
warnings do not (FORMAT.md §1.5: "a file with errors is never half-used"). A cell is reported at most once
as an error (reading problems first, then the rules in the catalogue's order); a warning is dropped on a
cell that already carries an error. Each rule reports at most :data:`MAX_PAR_REGLE` rows per table, then one
summary line, so that a million-row file cannot produce a million-entry list.

Validation never raises on bad data: it returns problems. An exception is a programming error.

The package is split by job: :mod:`~flux_dash.validation.catalogue` (every problem code, reading's included),
:mod:`~flux_dash.validation.schemas` (pandera, per table), :mod:`~flux_dash.validation.croises` (across tables),
:mod:`~flux_dash.validation.conseils` (hints), :mod:`~flux_dash.validation.commun` (shared helpers) and
:mod:`~flux_dash.validation.assemblage` (:func:`valider`). Names are imported lazily, so that reading and the
CLI import the catalogue without loading pandera.
"""

from importlib import import_module

_API = {
    "ETAPES_CHARGEMENT": "flux_dash.validation.assemblage",
    "MAX_PAR_REGLE": "flux_dash.validation.assemblage",
    "annee_par_defaut": "flux_dash.validation.assemblage",
    "charger": "flux_dash.validation.assemblage",
    "controler_annee": "flux_dash.validation.assemblage",
    "pour_annee": "flux_dash.validation.assemblage",
    "valider": "flux_dash.validation.assemblage",
    "schema": "flux_dash.validation.schemas",
}

__all__ = sorted(_API)


def __getattr__(nom: str):
    if nom in _API:
        return getattr(import_module(_API[nom]), nom)
    raise AttributeError(f"module 'flux_dash.validation' has no attribute {nom!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
