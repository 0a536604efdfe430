"""Shared helpers of the checks: French formatting of values, vectorised lookups, reference sets, findings."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.formats import ESPACE_MILLIERS, nombre
from flux_dash.validation.catalogue import Code

# --- Small French formatting helpers ------------------------------------------------------------------------


def valeur_fr(v: object) -> str:
    """A cell value as the user reads it: dates JJ/MM/AAAA, booleans oui/non, decimal comma, no grouping."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "oui" if v else "non"
    if isinstance(v, (pd.Timestamp, dt.date)):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return ""
        if float(v).is_integer():
            return str(int(v))
        return f"{float(v):.10g}".replace(".", ",")
    return str(v)


def entier_fr(n: int) -> str:
    return nombre(n)


def nombre_logements_fr(n: int) -> str:
    return f"{entier_fr(n)} logement" + ("" if n == 1 else "s")


def lignes_fr(lignes: Sequence[object], maximum: int = 20) -> str:
    """``lignes 2, 5, 9`` (sorted, at most ``maximum`` shown)."""
    valeurs = sorted(int(x) for x in lignes if not pd.isna(x))
    texte = ", ".join(str(x) for x in valeurs[:maximum])
    if len(valeurs) > maximum:
        texte += f"… (+{entier_fr(len(valeurs) - maximum)})"
    return ("ligne " if len(valeurs) == 1 else "lignes ") + texte


def pct_taux(x: float) -> str:
    return f"{nombre(x)}{ESPACE_MILLIERS}%"


def est_dans(s: pd.Series, valeurs: object) -> pd.Series:
    """``s.isin(valeurs)`` for a text column (NA → False), vectorised.

    pandas 3 ``isin`` on Arrow-backed strings loops in Python over ``valeurs`` (1.4 s for 200 000 values):
    use pyarrow's ``is_in`` when pyarrow is there (0.04 s), else a hash lookup on objects (0.3 s).
    """
    try:
        import pyarrow as arrow
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is installed with pandas here
        return s.astype(object).isin(set(pd.array(list(valeurs), dtype="string").dropna())).astype(bool)
    if isinstance(valeurs, frozenset):
        droite = _ensemble_arrow(valeurs)  # the reference sets: converted once
    else:
        droite = arrow.array(pd.array(list(valeurs) if isinstance(valeurs, set) else valeurs, dtype="string"))
        droite = droite.cast(arrow.large_string()).unique()
    gauche = arrow.array(s.astype("string").array).cast(arrow.large_string())
    resultat = pc.is_in(gauche, value_set=droite)
    return pd.Series(np.asarray(resultat.fill_null(False)), index=s.index, dtype=bool)


@cache
def _ensemble_arrow(valeurs: frozenset[str]):  # noqa: ANN202 (pyarrow is optional)
    import pyarrow as arrow

    return arrow.array(sorted(valeurs), type=arrow.large_string())


def rang_dans(s: pd.Series, valeurs: pd.Index) -> np.ndarray:
    """Position of each value of ``s`` in the unique ``valeurs`` (-1 when absent or NA), vectorised."""
    droite = pd.array(valeurs, dtype="string")
    try:
        import pyarrow as arrow
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover
        return pd.Index(droite.astype(object)).get_indexer(s.astype(object))
    gauche = arrow.array(s.astype("string").array).cast(arrow.large_string())
    resultat = pc.index_in(gauche, value_set=arrow.array(droite).cast(arrow.large_string()))
    return np.asarray(resultat.fill_null(-1), dtype=np.int64)


def associer(s: pd.Series, correspondance: pd.Series) -> pd.Series:
    """``s.map(correspondance)`` for text keys (unique index), vectorised; no match → NA."""
    position = rang_dans(s, correspondance.index)
    valeurs = correspondance.array.take(position, allow_fill=True)
    return pd.Series(valeurs, index=s.index)


# --- Reference sets (cached: the référentiel is static) -----------------------------------------------------


@cache
def codes_communes() -> frozenset[str]:
    return frozenset(ref.communes()["code_insee"])


@cache
def departement_des_communes() -> dict[str, str]:
    c = ref.communes()
    return dict(zip(c["code_insee"], c["code_departement"], strict=True))


@cache
def codes_qpv() -> frozenset[str]:
    return frozenset(ref.qpv()["code_qpv"])


@cache
def paires_qpv_commune() -> frozenset[str]:
    q = ref.qpv()
    return frozenset(q["code_qpv"] + "|" + q["code_insee"])


@cache
def perimetres_connus() -> frozenset[str]:
    return frozenset(f"{t}|{c}" for t, c in ref.perimetres_connus())


@cache
def communes_du_perimetre(perimetre_type: str, perimetre_code: str) -> frozenset[str]:
    return frozenset(ref.communes_du_perimetre(perimetre_type, perimetre_code))


def libelle_commune(code: str) -> str:
    return f"{ref.nom_commune(code)} ({code})"


def libelle_perimetre(perimetre_type: str, perimetre_code: str) -> str:
    libelle = ref.libelle_perimetre(perimetre_type, perimetre_code)
    if perimetre_type == "DEPARTEMENT":
        return libelle
    return f"{libelle} ({perimetre_code})" if libelle != perimetre_code else perimetre_code


# --- Findings: rows hit by a rule, before capping and formatting ---------------------------------------------


@dataclass
class Constat:
    """Rows of one table hit by one rule, on one column. ``conseil`` computes hints for the kept rows only."""

    code: Code
    table: str
    colonne: str
    index: np.ndarray
    conseil: Callable[[np.ndarray], list[str]] | str | None = None
    regle: str | None = None
    valeurs: np.ndarray | None = None  # the values to show, aligned with index (default: the table's cells)


def rangs(masque: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(masque, dtype=bool))
