"""The keys every frame of the engine shares, their sort order and labels, and the small vectorised helpers of
the steps (DOMAINE.md §3): one module that ``moteur``, ``indicateurs``, ``previsionnel`` and ``reconciliation``
import, and that imports none of them.

- Perimeters: ``perimetre_type`` (:data:`PT`), ``perimetre_code`` (:data:`PC`), French label
  ``perimetre_libelle`` (:data:`PL`); :data:`CLES_PERIMETRE` joins on them.
- Holders: ``reservataire`` (the name of ``tours``, :data:`referentiel.NOM_BAILLEUR` for the landlord) with
  ``categorie``; :data:`CLES_TITULAIRE_PERIMETRE` = holder × perimeter, the grain of ``realisation`` and
  ``consolidation``; :data:`CLES_TITULAIRE_COMMUNE` the grain of the tallies they are summed from.
- Every count is tallied per commune (a logement lies in exactly one commune) and then summed over the communes
  of each perimeter (:func:`sommer`, through the ``appartenance`` table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref

PT, PC, PL = "perimetre_type", "perimetre_code", "perimetre_libelle"
CLES_PERIMETRE = [PT, PC]
CLES_TITULAIRE_PERIMETRE = ["reservataire", PT, PC]
CLES_TITULAIRE_COMMUNE = ["reservataire", "code_commune"]
STRATES = ["COMMUNE", "EPCI_EPT", "DEPARTEMENT", "REGION"]
"""The strates territoriales, from the bottom (DOMAINE.md §2)."""

MODALITES: dict[str, ref.Categorie] = {
    "typologie": ref.TYPOLOGIES,
    "financement": ref.FINANCEMENTS,
    "qpv": ref.QPV,
    "periode_construction": ref.PERIODES_CONSTRUCTION,
}
"""The décret dimensions with a fixed list of modalities (CCH R. 441-5-1); ``commune`` is the fifth."""

_RANG_PERIMETRE = {c: i for i, c in enumerate(ref.PERIMETRES.codes)}
_RANG_CATEGORIE = {c: i for i, c in enumerate(ref.CATEGORIES_TITULAIRE.codes)}
_RANG_DIMENSION = {c: i for i, c in enumerate(["total", *ref.DIMENSIONS_DECRET, "categorie_soustraction", "issue"])}


def trier(df: pd.DataFrame, cles: list[str]) -> pd.DataFrame:
    """Sort by ``cles`` using référentiel ranks for perimeter types, holder categories, dimensions and modalities."""
    tri: list[str] = []
    out = df.copy()
    for cle in cles:
        if cle == PT:
            out["_r_pt"] = out[PT].map(_RANG_PERIMETRE).fillna(99)
            tri.append("_r_pt")
        elif cle == "categorie":
            out["_r_cat"] = out["categorie"].map(_RANG_CATEGORIE).fillna(99)
            tri.append("_r_cat")
        elif cle == "dimension":
            out["_r_dim"] = out["dimension"].map(_RANG_DIMENSION).fillna(99)
            tri.append("_r_dim")
        elif cle == "modalite":
            toutes = MODALITES | {"categorie_soustraction": ref.SOUSTRACTIONS, "issue": ref.ISSUES}
            rang = {f"{d}|{c}": i for d, cat in toutes.items() for i, c in enumerate(cat.codes)}
            out["_r_mod"] = (out["dimension"] + "|" + out["modalite"]).map(rang).fillna(0)
            tri += ["_r_mod", "modalite"]
            continue
        elif cle == "issue":
            out["_r_iss"] = out["issue"].map(ref.ISSUES.ordre)
            tri.append("_r_iss")
            continue
        elif cle == "categorie_soustraction":
            out["_r_sou"] = out["categorie_soustraction"].map(ref.SOUSTRACTIONS.ordre)
            tri.append("_r_sou")
            continue
        tri.append(cle)
    out = out.sort_values(tri, kind="stable").drop(columns=[c for c in out.columns if c.startswith("_r_")])
    return out.reset_index(drop=True)


def libeller(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the French label of each perimeter (:data:`PL`) inserted after :data:`PC`."""
    libelles = ref.libelles_perimetres()
    lib = [libelles.get((t, c), c) for t, c in zip(df[PT], df[PC], strict=True)]
    position = df.columns.get_loc(PC) + 1
    df = df.copy()
    df.insert(position, PL, pd.Series(lib, index=df.index, dtype=object).astype(str))
    return df


def ratio(num: pd.Series | np.ndarray, den: pd.Series | np.ndarray) -> np.ndarray:
    """num / den as float64, NaN where den is 0 or NaN (DOMAINE.md §3: n.s., never 0 nor inf)."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    r[~(den > 0)] = np.nan
    return r


def sommer(par_commune: pd.DataFrame, appartenance: pd.DataFrame, cles: list[str], mesures: list[str]) -> pd.DataFrame:
    """Sum commune-level tallies (column ``code_commune``) over the communes of every perimeter of
    ``appartenance``, grouped by ``cles`` (which include :data:`CLES_PERIMETRE`)."""
    g = par_commune.merge(appartenance, on="code_commune").groupby(cles, as_index=False, sort=False)[mesures].sum()
    return objets(g, cles)


def objets(df: pd.DataFrame, cles: list[str]) -> pd.DataFrame:
    """Empty aggregates get object keys: pandas cannot outer-merge empty Arrow-backed string columns."""
    return df.astype({c: object for c in cles}) if df.empty else df


def en_texte(s: pd.Series) -> pd.Series:
    """A column as plain ``str`` values, missing values as ``""``."""
    return s.astype("string").fillna("").astype(str)


def en_booleen(df: pd.DataFrame, nom: str) -> pd.Series:
    """Column ``nom`` of ``df`` as nullable booleans, all ``<NA>`` when the column is absent."""
    if nom not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype="boolean")
    return df[nom].astype("boolean")
