"""French display formats of numbers, percentages and dates (DOMAINE.md §3: "n.s." for divisions by zero).

One place for what users read: the dashboard tables, the reports' texts and the CLI summaries all format with
these functions. Separators (documented choice): the thousands separator is a NARROW NO-BREAK SPACE (U+202F,
the French typographic rule, never split across lines); the decimal separator is a comma; the percent sign is
preceded by the same narrow no-break space. A missing or non-finite value (None, NaN, NA, ±inf) is shown as
:data:`NON_SIGNIFICATIF`.
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Number

import pandas as pd

ESPACE_MILLIERS = "\u202f"
"""Narrow no-break space: thousands separator and space before ``%`` (French typography)."""
NON_SIGNIFICATIF = "n.s."
"""What a division by zero or a missing figure displays (DOMAINE.md §3)."""

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008): the only colours of the charts (plotly) and of the
workbooks' native charts, in this order everywhere."""

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
        "décembre")  # fmt: skip
"""French month names (index 0 = January): chart labels and reading messages."""
MOIS_COURTS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
"""French month abbreviations (chart ticks)."""


def _manquant(valeur: object) -> bool:
    if valeur is None or valeur is pd.NA or valeur is pd.NaT:
        return True
    if isinstance(valeur, Number):
        try:
            return not math.isfinite(float(valeur))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return True
    return False


def nombre(valeur: object, decimales: int | None = None) -> str:
    """``1234.5`` → ``"1 234,5"``; ``3000`` → ``"3 000"``; NaN → ``"n.s."``.

    ``decimales`` None: integers (and floats with no fractional part) without decimals, other floats with at
    most one decimal (trailing zeros dropped). An explicit ``decimales`` always shows that many digits.
    """
    if _manquant(valeur):
        return NON_SIGNIFICATIF
    x = float(valeur)  # type: ignore[arg-type]
    texte = f"{x:,.1f}".rstrip("0").rstrip(".") if decimales is None else f"{x:,.{decimales}f}"
    if texte.startswith("-") and float(texte.replace(",", "")) == 0:
        texte = texte[1:]  # -0.04 rounds to "0", not "-0"
    return texte.replace(",", ESPACE_MILLIERS).replace(".", ",")


def pourcentage(fraction: object, decimales: int = 1) -> str:
    """A fraction shown as a French percentage with one decimal: ``0.123`` → ``"12,3 %"``, ``0.25`` → ``"25,0 %"``;
    NaN → ``"n.s."``.

    Rounded only here, for display (DOMAINE.md §3: percentages are computed on raw counts).
    """
    if _manquant(fraction):
        return NON_SIGNIFICATIF
    return f"{nombre(float(fraction) * 100, decimales)}{ESPACE_MILLIERS}%"  # type: ignore[arg-type]


def date_fr(valeur: object) -> str:
    """A date as ``JJ/MM/AAAA``; missing → ``""`` (an absent date is not a figure, so not "n.s.")."""
    if valeur is None or valeur is pd.NaT or valeur is pd.NA:
        return ""
    if isinstance(valeur, float) and math.isnan(valeur):
        return ""
    if isinstance(valeur, str):
        valeur = pd.Timestamp(valeur)
    if isinstance(valeur, (dt.date, pd.Timestamp)):
        return valeur.strftime("%d/%m/%Y")
    raise TypeError(f"not a date: {valeur!r}")


def formater_tableau(
    df: pd.DataFrame,
    libelles: dict[str, str] | None = None,
    pourcentages: tuple[str, ...] | list[str] = (),
    decimales: dict[str, int] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` ready to display: numbers as French strings, ``pourcentages`` columns (fractions) as
    ``12,3 %``, dates as JJ/MM/AAAA, booleans as oui/non, then columns renamed with ``libelles``.

    Missing numbers show "n.s."; missing text stays empty.
    """
    decimales = decimales or {}
    sortie = pd.DataFrame(index=df.index)
    for col in df.columns:
        serie = df[col]
        if col in pourcentages:
            sortie[col] = [pourcentage(v, decimales.get(col, 1)) for v in serie]
        elif pd.api.types.is_bool_dtype(serie):
            sortie[col] = ["" if _manquant(v) else ("oui" if v else "non") for v in serie]
        elif pd.api.types.is_numeric_dtype(serie):
            sortie[col] = [nombre(v, decimales.get(col)) for v in serie]
        elif pd.api.types.is_datetime64_any_dtype(serie):
            sortie[col] = [date_fr(v) for v in serie]
        else:
            sortie[col] = ["" if _manquant(v) else str(v) for v in serie]
    return sortie.rename(columns=libelles or {})
