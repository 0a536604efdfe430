"""The one output guard: user text never becomes a spreadsheet formula (FORMAT.md §2.1 and §2.2).

Every CSV and xlsx file the product writes — trames, ``indicateurs_{n}.csv``, ``erreurs.csv`` and
``flux-dash valider --csv``, the tables downloaded from the app — goes through this module:

- **CSV** (:func:`neutraliser`, :func:`neutraliser_tableau`): a text cell starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets a leading apostrophe (``'=cmd|' /C calc'!A0``), so that a spreadsheet opening
  the file shows the text instead of evaluating it (CSV injection). Readers of ``indicateurs_{n}.csv`` strip it
  (FORMAT.md §2.2). Numbers are never touched: ``-1`` in a numeric column stays the number ``-1``; the same
  characters typed as text (a réservataire named ``-1``) are guarded.
- **xlsx** (:func:`flux_dash.excel.ecrire_texte`, which asks :func:`est_dangereux`): user text is always a string
  cell, never a formula, and text starting with one of these characters also gets Excel's "quote prefix" so that
  editing the cell in Excel keeps it text.

The input files of FORMAT.md §1 written by the demo (``sample_data/``) are not guarded: the reader takes every
cell as typed, and the demo's values never start with these characters.
"""

from __future__ import annotations

import pandas as pd

DEBUTS_DANGEREUX = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet evaluate a cell (OWASP CSV injection), tab and CR included."""


def est_dangereux(valeur: object) -> bool:
    """True for a text (``str``) that a spreadsheet could evaluate; numbers and other values are never dangerous."""
    return isinstance(valeur, str) and valeur.startswith(DEBUTS_DANGEREUX)


def neutraliser(valeur: object) -> object:
    """A CSV cell made safe: dangerous text gets a leading ``'``; anything else (numbers, None, dates) unchanged."""
    return "'" + valeur if est_dangereux(valeur) else valeur  # type: ignore[operator]


def neutraliser_tableau(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text columns (object, string or categorical dtype) go through :func:`neutraliser`.

    Numeric, boolean and datetime columns are kept as they are (numbers excepted); the column names, which the
    product chooses, are kept too.
    """
    sortie = df.copy()
    for colonne in sortie.columns:
        serie = sortie[colonne]
        texte = pd.api.types.is_object_dtype(serie.dtype) or pd.api.types.is_string_dtype(serie.dtype)
        if texte or isinstance(serie.dtype, pd.CategoricalDtype):
            sortie[colonne] = serie.astype("object").map(neutraliser)
    return sortie
