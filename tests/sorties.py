"""Checks of the files the product writes (flux_dash.garde): no formula in an xlsx, no unguarded cell in a CSV."""

from __future__ import annotations

import csv
import io
import re

import openpyxl

from flux_dash.garde import DEBUTS_DANGEREUX

NOMBRE = re.compile(r"[-+]?\d+([.,]\d+)?([eE][-+]?\d+)?")
"""A CSV cell that is a number (``-1``, ``-0,25``): numbers are excepted from the guard."""


def cellules_csv_non_gardees(octets: bytes) -> list[tuple[int, int, str]]:
    """(line, column, value) of every cell of a ``;`` CSV that a spreadsheet would evaluate: text starting with
    ``= + - @`` tab or CR, without the leading apostrophe of the guard (numbers excepted)."""
    texte = octets.decode("utf-8-sig")
    fautives = []
    for i, ligne in enumerate(csv.reader(io.StringIO(texte, newline=""), delimiter=";"), start=1):
        for j, valeur in enumerate(ligne, start=1):
            if valeur.startswith(DEBUTS_DANGEREUX) and not NOMBRE.fullmatch(valeur):
                fautives.append((i, j, valeur))
    return fautives


def cellules_xlsx_non_gardees(octets: bytes, formules_permises: frozenset[str] = frozenset()) -> list[str]:
    """``sheet!cell: reason`` for every formula cell (the product writes none; ``formules_permises`` lists the
    ``sheet!cell`` it would write on purpose) and every text cell starting with ``= + - @`` tab or CR without
    Excel's quote prefix."""
    wb = openpyxl.load_workbook(io.BytesIO(octets))
    fautives = []
    for ws in wb:
        for rangee in ws.iter_rows():
            for cell in rangee:
                ou = f"{ws.title}!{cell.coordinate}"
                if cell.data_type == "f" and ou not in formules_permises:
                    fautives.append(f"{ou}: formule {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(DEBUTS_DANGEREUX) and not cell.quotePrefix:
                    fautives.append(f"{ou}: texte sans préfixe {cell.value!r}")
    return fautives
