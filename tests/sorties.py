"""Reading back the files the product writes: no formula in an xlsx, no unguarded cell in a CSV (flux_dash.garde),
and the role of a workbook cell (header, body, totals…) as its formatting shows it."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile

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


# --- A fast scan of the OOXML, for every workbook the test suite makes (conftest.py) ----------------------

_CELLULE = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTRIBUT = re.compile(r'\b(r|s|t)="([^"]*)"')
_TEXTE = re.compile(r"<t\b[^>]*>(.*?)</t>", re.S)
_XF = re.compile(r"<xf\b([^>]*?)(?:/>|>.*?</xf>)", re.S)
_ECHAPPEMENT = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _texte_ooxml(fragment: str) -> str:
    """The text of a ``<si>`` or ``<is>`` element: its runs joined, XML entities and ``_xHHHH_`` decoded."""
    texte = html.unescape("".join(_TEXTE.findall(fragment)))
    return _ECHAPPEMENT.sub(lambda m: chr(int(m.group(1), 16)), texte)


def cellules_ooxml_non_gardees(octets: bytes, nom: str = "") -> list[str]:
    """The same check as :func:`cellules_xlsx_non_gardees`, read straight from the XML parts (a few milliseconds
    per workbook, so that every workbook of the test suite can be checked): ``<f>`` formula elements, and text
    cells starting with ``= + - @`` tab or CR whose cell format lacks ``quotePrefix``."""
    fautives = []
    with zipfile.ZipFile(io.BytesIO(octets)) as archive:
        noms = archive.namelist()
        styles = archive.read("xl/styles.xml").decode("utf-8") if "xl/styles.xml" in noms else ""
        xfs = styles.split("<cellXfs", 1)[1].split("</cellXfs>", 1)[0] if "<cellXfs" in styles else ""
        prefixes = {i for i, attributs in enumerate(_XF.findall(xfs)) if 'quotePrefix="1"' in attributs}
        partages: list[str] = []
        if "xl/sharedStrings.xml" in noms:
            sst = archive.read("xl/sharedStrings.xml").decode("utf-8")
            partages = [_texte_ooxml(si) for si in re.findall(r"<si>(.*?)</si>", sst, re.S)]
        for partie in sorted(n for n in noms if n.startswith("xl/worksheets/") and n.endswith(".xml")):
            xml = archive.read(partie).decode("utf-8")
            for attributs, contenu in _CELLULE.findall(xml):
                a = dict(_ATTRIBUT.findall(attributs))
                ou = f"{nom}{partie}!{a.get('r', '?')}"
                if "<f" in (contenu or "") or a.get("t") == "str":
                    fautives.append(f"{ou}: formule")
                    continue
                if a.get("t") == "s":
                    texte = partages[int(re.search(r"<v>(\d+)</v>", contenu).group(1))]
                elif a.get("t") == "inlineStr":
                    texte = _texte_ooxml(contenu)
                else:
                    continue
                if texte.startswith(DEBUTS_DANGEREUX) and int(a.get("s", 0)) not in prefixes:
                    fautives.append(f"{ou}: texte sans préfixe {texte!r}")
    return fautives


def fichier_non_garde(nom: str, octets: bytes) -> list[str]:
    """Problems of one output file by its name: ``.xlsx``, ``.csv``, or a ``.zip`` holding them."""
    if nom.endswith(".xlsx"):  # (bytes that are no workbook, a test's stand-in, cannot hold a formula)
        return cellules_ooxml_non_gardees(octets, f"{nom}:") if zipfile.is_zipfile(io.BytesIO(octets)) else []
    if nom.endswith(".csv"):
        return [f"{nom}:{i}:{j}: {v!r}" for i, j, v in cellules_csv_non_gardees(octets)]
    if nom.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(octets)) as archive:
            return [
                p for entree in archive.namelist() for p in fichier_non_garde(f"{nom}/{entree}", archive.read(entree))
            ]
    return []
