"""Reading back the files the product writes: no formula in an xlsx, no unguarded cell in a CSV (flux_dash.garde),
and the role of a workbook cell (header, body, totals…) as its formatting shows it."""

from __future__ import annotations

import csv
import io
import re

import openpyxl

from flux_dash import excel as xl
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


ROLES = (
    xl.STYLE_ENTETE,
    xl.STYLE_ENTETE_FACULTATIF,
    xl.STYLE_TOTAL,
    xl.STYLE_CORPS,
    xl.STYLE_TITRE,
    xl.STYLE_INTERTITRE,
    xl.STYLE_SOUS_TITRE,
    xl.STYLE_NOTE,
    xl.STYLE_TEXTE,
)


def _couleur(couleur) -> str | None:
    rgb = None if couleur is None else couleur.rgb
    return rgb[-6:] if isinstance(rgb, str) else None


def role(cell) -> str:
    """The role of a cell read back with openpyxl (``"Flux en-tête"``, ``"Flux corps"``… the ``nom`` of the
    :mod:`flux_dash.excel` style it looks like), "" for none.

    Table cells are recognised by their fill and borders (a grey « n.s. » body cell is still a body cell), free
    text lines by their font (size, bold, italic, colour)."""
    fond = cell.fill.fgColor.rgb[-6:] if cell.fill is not None and cell.fill.fill_type == "solid" else None
    bordure = cell.border.left is not None and cell.border.left.style == "thin"
    haut_fort = cell.border.top is not None and cell.border.top.style == "medium"
    police = (cell.font.sz, bool(cell.font.b), bool(cell.font.i), _couleur(cell.font.color))
    for style in ROLES:
        if style.bordure:
            if (style.fond, True, style.bordure_haut_forte, style.gras) == (fond, bordure, haut_fort, police[1]):
                return style.nom
        elif not bordure and fond is None and (style.taille, style.gras, style.italique, style.couleur) == police:
            return style.nom
    return ""
