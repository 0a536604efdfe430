"""Reading the user's files into clean tables (FORMAT.md §1).

This package owns everything between the bytes a user gives and the clean tables of :mod:`flux_dash.colonnes`:
recognising the file kind (workbook or CSV, by content), the CSV encoding and separator, the header row, the
table of each sheet or file (by sheet name, else by columns), header synonyms, and the parsing of every cell to
its clean dtype (codes as text, French booleans and dates, decimal comma, category aliases of the référentiel).

It reports what cannot be read or parsed as :class:`~flux_dash.problemes.Probleme` (French texts) and never
raises on bad input. Business rules (uniqueness, references, ranges) are :mod:`flux_dash.validation`'s job.

Parsing is vectorised: each column is factorised, every distinct value is parsed once, and the results are
taken back to the rows, so 1M rows with a few thousand distinct dates cost a few thousand Python calls.

The package is split by job: :mod:`~flux_dash.lecture.fichiers` (file kind, decoding, header row, raw tables),
:mod:`~flux_dash.lecture.entetes` (header and sheet synonyms), :mod:`~flux_dash.lecture.cellules` (cell
parsers) and :mod:`~flux_dash.lecture.assemblage` (the entry point :func:`lire`).
"""

from flux_dash.lecture.assemblage import MAX_PROBLEMES_PAR_COLONNE, lire
from flux_dash.lecture.entetes import SYNONYMES_COLONNES, SYNONYMES_FEUILLES, nom_de_colonne, table_pour_feuille

__all__ = [
    "MAX_PROBLEMES_PAR_COLONNE",
    "SYNONYMES_COLONNES",
    "SYNONYMES_FEUILLES",
    "lire",
    "nom_de_colonne",
    "table_pour_feuille",
]
