"""Excel hygiene shared by every workbook flux_dash writes (FORMAT.md §2.1, DOMAINE.md §3 and §5–§6).

This module owns, for the input template (:mod:`flux_dash.modele`) and every report workbook:

- the style kit: named styles (title, subtitle, table header, body, totals row, note) in a sober,
  colour-blind-safe palette, Calibri 10–14;
- the number formats (counts ``#,##0``, shares ``0.0%``, droits ``#,##0.0``, dates ``DD/MM/YYYY``), stored in
  OOXML form: French Excel and LibreOffice display them with French separators (``1 234``, ``12,3 %``);
- safe writing: user text is always stored as text, never as a formula (formula injection, FORMAT.md §2.1),
  illegal XML control characters are removed, numbers are numeric cells, a missing ratio is the grey text
  ``n.s.`` (DOMAINE.md §3), optional small-cell masking (DOMAINE.md §6);
- tables (header + rows + optional totals row, Excel table or autofilter, no merged cells), column widths,
  frozen panes, print layout, sheet-title sanitising, the "Paramètres" and "Définitions" sheets every report
  carries (DOMAINE.md §5), native bar charts, and serialisation to bytes.

Nothing here knows about a particular report: contents (labels, values, definitions) come from the callers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import io
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from typing import NamedTuple

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from flux_dash import formats, garde
from flux_dash.referentiel import slug

# --- Number formats (OOXML codes; French Excel/LibreOffice localise the separators) ----------------

FORMAT_ENTIER = "#,##0"
"""Counts: ``1234`` displays ``1 234``."""
FORMAT_PART = "0.0%"
"""Shares and rates stored as fractions: ``0.123`` displays ``12,3 %``."""
FORMAT_DROITS = "#,##0.0"
"""Droits théoriques and other one-decimal figures: ``12.25`` displays ``12,3``."""
FORMAT_DATE = "DD/MM/YYYY"
FORMAT_TEXTE = "@"
"""Text cells: what is typed is kept as typed (codes keep their leading zeros)."""
FORMAT_ANNEE = "0"
"""Years and other integers displayed without a thousands separator."""
FORMATS_NUMERIQUES = frozenset({FORMAT_ENTIER, FORMAT_PART, FORMAT_DROITS, FORMAT_ANNEE, "0", "0.0", "0.00"})

NON_SIGNIFICATIF = formats.NON_SIGNIFICATIF
"""What a division by zero shows (DOMAINE.md §3): the same text as on screen."""

# --- Palette (Okabe & Ito 2008, safe for the common colour-vision deficiencies) + sober greys ----------

BLEU_FONCE = "1F3864"
BLEU_CLAIR = "DCE6F1"
GRIS_TEXTE = "595959"
GRIS_NS = "808080"
GRIS_BORDURE = "BFBFBF"
BLANC = "FFFFFF"
PALETTE = tuple(c.removeprefix("#") for c in formats.PALETTE)
"""Series colours of charts, in order (Okabe–Ito)."""

POLICE = "Calibri"
TAILLE = 10

# --- Named styles ------------------------------------------------------------------------------------

STYLE_TITRE = "Flux titre"
STYLE_SOUS_TITRE = "Flux sous-titre"
STYLE_ENTETE = "Flux en-tête"
STYLE_ENTETE_FACULTATIF = "Flux en-tête facultatif"
STYLE_INTERTITRE = "Flux intertitre"
STYLE_TEXTE = "Flux texte"
STYLE_CORPS = "Flux corps"
STYLE_TOTAL = "Flux total"
STYLE_NOTE = "Flux note"
STYLES_HORS_LARGEUR = frozenset({STYLE_TITRE, STYLE_SOUS_TITRE, STYLE_INTERTITRE, STYLE_TEXTE, STYLE_NOTE})
"""Styles of free text lines that overflow to the right: ignored when column widths are computed."""

_fin = Side(style="thin", color=GRIS_BORDURE)
_BORDURE = Border(left=_fin, right=_fin, top=_fin, bottom=_fin)
_BORDURE_TOTAL = Border(left=_fin, right=_fin, top=Side(style="medium", color=BLEU_FONCE), bottom=_fin)
_DROITE = Alignment(horizontal="right", vertical="top")
_GAUCHE_HAUT = Alignment(horizontal="left", vertical="top", wrap_text=True)


def _style_nomme(nom: str) -> NamedStyle:
    """A fresh NamedStyle ``nom`` (openpyxl binds a NamedStyle to one workbook: never share them)."""
    return _FABRIQUES_DE_STYLES[nom]()


_FABRIQUES_DE_STYLES = {
    STYLE_TITRE: lambda: NamedStyle(STYLE_TITRE, font=Font(name=POLICE, size=14, bold=True, color=BLEU_FONCE)),
    STYLE_SOUS_TITRE: lambda: NamedStyle(STYLE_SOUS_TITRE, font=Font(name=POLICE, size=11, color=GRIS_TEXTE)),
    STYLE_ENTETE: lambda: NamedStyle(
        STYLE_ENTETE,
        font=Font(name=POLICE, size=TAILLE, bold=True, color=BLANC),
        fill=PatternFill("solid", fgColor=BLEU_FONCE),
        border=_BORDURE,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    STYLE_ENTETE_FACULTATIF: lambda: NamedStyle(
        STYLE_ENTETE_FACULTATIF,
        font=Font(name=POLICE, size=TAILLE, color=BLEU_FONCE),
        fill=PatternFill("solid", fgColor=BLEU_CLAIR),
        border=_BORDURE,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    STYLE_INTERTITRE: lambda: NamedStyle(
        STYLE_INTERTITRE, font=Font(name=POLICE, size=12, bold=True, color=BLEU_FONCE)
    ),
    STYLE_TEXTE: lambda: NamedStyle(STYLE_TEXTE, font=Font(name=POLICE, size=TAILLE)),
    STYLE_CORPS: lambda: NamedStyle(
        STYLE_CORPS, font=Font(name=POLICE, size=TAILLE), border=_BORDURE, alignment=Alignment(vertical="top")
    ),
    STYLE_TOTAL: lambda: NamedStyle(
        STYLE_TOTAL,
        font=Font(name=POLICE, size=TAILLE, bold=True),
        fill=PatternFill("solid", fgColor=BLEU_CLAIR),
        border=_BORDURE_TOTAL,
        alignment=Alignment(vertical="top"),
    ),
    STYLE_NOTE: lambda: NamedStyle(STYLE_NOTE, font=Font(name=POLICE, size=9, italic=True, color=GRIS_TEXTE)),
}


def appliquer_style(cell: Cell, nom: str) -> None:
    """Give ``cell`` one of the named styles ``STYLE_*``, registering it in the workbook on first use.

    Assigning ``cell.style = nom`` looks the name up in the workbook's style list on every call (a third of the
    time of a report); the style array it yields is kept per workbook and copied to the next cells instead.
    """
    wb = cell.parent.parent
    modeles = _modeles_de_style(wb)
    modele = modeles.get(nom)
    if modele is None:
        if nom not in wb.named_styles:
            wb.add_named_style(_style_nomme(nom))
        cell.style = nom
        modeles[nom] = copy(cell._style)
        return
    cell._style = copy(modele)


def _modeles_de_style(wb: Workbook) -> dict[str, object]:
    modeles = wb.__dict__.get("_flux_modeles_de_style")
    if modeles is None:
        modeles = wb.__dict__["_flux_modeles_de_style"] = {}
    return modeles


def identifiants_de_style(wb: Workbook, noms: Iterable[str]) -> frozenset[int]:
    """The ``xfId`` of the named styles ``noms`` registered in ``wb``: comparing a cell's ``_style.xfId`` with
    them is much cheaper than reading ``cell.style`` (which rebuilds the list of names each time)."""
    tous = wb._named_styles.names
    return frozenset(tous.index(nom) for nom in noms if nom in tous)


# --- Safe values -------------------------------------------------------------------------------------

LONGUEUR_MAX_CELLULE = 32767
"""Excel's limit on the characters of one cell (a longer text makes Excel "repair" the file)."""


def nettoyer_texte(valeur: object) -> str:
    """``str(valeur)`` without the control characters XML 1.0 forbids (openpyxl would raise IllegalCharacterError).

    Tab, line feed and carriage return are legal and kept.
    """
    return ILLEGAL_CHARACTERS_RE.sub("", str(valeur))


def ecrire_texte(cell: Cell, valeur: object) -> None:
    """Store ``valeur`` as TEXT, whatever it looks like (FORMAT.md §2.1: never a formula).

    openpyxl turns a string starting with ``=`` into a live formula; it is switched back to a string cell.
    Values starting with ``= + - @``, tab or CR (:func:`flux_dash.garde.est_dangereux`) also get Excel's "quote
    prefix", so that editing the cell in Excel keeps it text. Illegal control characters are removed and the text is cut to Excel's 32 767 characters. None writes
    an empty cell.
    """
    if valeur is None:
        cell.value = None
        return
    texte = nettoyer_texte(valeur)[:LONGUEUR_MAX_CELLULE]
    cell.value = texte
    if cell.data_type == "f":
        cell.data_type = "s"
    if garde.est_dangereux(texte):
        cell.quotePrefix = True


def est_manquant(valeur: object) -> bool:
    """None, pandas NA/NaT, NaN and ±inf: a figure that cannot be shown (DOMAINE.md §3)."""
    if valeur is None or valeur is pd.NA or valeur is pd.NaT:
        return True
    if isinstance(valeur, float | decimal.Decimal) or _est_flottant_numpy(valeur):
        try:
            return not math.isfinite(float(valeur))  # type: ignore[arg-type]
        except (TypeError, ValueError):  # pragma: no cover - decimal sNaN
            return True
    return False


def _est_flottant_numpy(valeur: object) -> bool:
    return type(valeur).__module__ == "numpy" and hasattr(valeur, "dtype") and valeur.dtype.kind == "f"  # type: ignore[attr-defined]


def _vers_nombre(texte: str) -> float | int | None:
    """French spelling of a number (``"1 234,5"``, ``"12 %"`` is not a number) → number, else None."""
    propre = re.sub(r"[\s\u00a0\u202f]", "", texte).replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", propre):
        return None
    return int(propre) if re.fullmatch(r"[-+]?\d+", propre) else float(propre)


def _marquer_non_numerique(cell: Cell) -> None:
    """Grey, right-aligned text in a numeric column ("n.s.", "< 5"), keeping the row's boldness."""
    cell.font = Font(name=POLICE, size=TAILLE, color=GRIS_NS, bold=bool(cell.font and cell.font.b))
    cell.alignment = _DROITE


def ecrire_valeur(
    cell: Cell,
    valeur: object,
    format: str | None = None,
    *,
    manquant: str | None = None,
    texte_en_nombre: bool = False,
) -> None:
    """Write one value with the right cell type and number format.

    - missing (None, NA, NaN, NaT, ±inf): with a numeric ``format`` the grey text ``manquant`` (default
      ``"n.s."``, DOMAINE.md §3); otherwise an empty cell (or ``manquant`` if given);
    - bool (Python or numpy): the text ``oui`` / ``non``;
    - int / float / Decimal (numpy included): a numeric cell, default format ``#,##0`` for integers;
    - date / datetime / pandas Timestamp: a datetime cell, default format ``DD/MM/YYYY`` (time zone dropped);
    - str: text through :func:`ecrire_texte`, even when it looks like a number, unless ``texte_en_nombre``
      (then ``"1 234,5"`` becomes 1234.5); a text in a numeric column is grey and right-aligned ("< 5");
    - anything else: its ``str`` as text.
    """
    numerique = format in FORMATS_NUMERIQUES
    if est_manquant(valeur):
        texte = manquant if manquant is not None else (NON_SIGNIFICATIF if numerique else None)
        ecrire_texte(cell, texte)
        if texte and numerique:
            _marquer_non_numerique(cell)
        return
    if type(valeur).__module__ == "numpy" and hasattr(valeur, "item"):
        valeur = valeur.item()  # type: ignore[union-attr]
    if isinstance(valeur, bool):
        ecrire_texte(cell, "oui" if valeur else "non")
        return
    if isinstance(valeur, str) and texte_en_nombre and (nombre := _vers_nombre(valeur)) is not None:
        valeur = nombre
    if isinstance(valeur, int | float | decimal.Decimal):
        cell.value = float(valeur) if isinstance(valeur, decimal.Decimal) else valeur
        cell.number_format = format or (FORMAT_ENTIER if isinstance(valeur, int) else FORMAT_DROITS)
        return
    if isinstance(valeur, pd.Timestamp):
        valeur = valeur.tz_localize(None) if valeur.tzinfo else valeur
        valeur = valeur.to_pydatetime()
    if isinstance(valeur, dt.datetime) and valeur.tzinfo is not None:
        valeur = valeur.replace(tzinfo=None)
    if isinstance(valeur, dt.date):
        cell.value = valeur
        cell.number_format = format or FORMAT_DATE
        return
    ecrire_texte(cell, valeur)
    if format:
        cell.number_format = format
    if numerique:
        _marquer_non_numerique(cell)


def masquer_petits_effectifs(valeur: object, seuil: int = 5) -> object:
    """Small-cell masking (DOMAINE.md §6): a count from 1 to ``seuil - 1`` becomes the text ``"< seuil"``.

    0, counts ≥ ``seuil``, missing values and non-numbers are returned unchanged. Only for counts: apply it
    to the columns the caller chooses, never to ratios.
    """
    if isinstance(valeur, bool) or est_manquant(valeur):
        return valeur
    try:
        nombre = float(valeur)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return valeur
    return f"< {seuil}" if 0 < nombre < seuil else valeur


# --- Titles and notes ---------------------------------------------------------------------------------


def ecrire_titre(ws: Worksheet, titre: str, sous_titres: Sequence[str] = (), ligne: int = 1, colonne: int = 1) -> int:
    """Title block: the title, then one subtitle per line. Returns the next free row (one blank row after)."""
    cell = ws.cell(ligne, colonne)
    ecrire_texte(cell, titre)
    appliquer_style(cell, STYLE_TITRE)
    for i, texte in enumerate(sous_titres, start=1):
        cell = ws.cell(ligne + i, colonne)
        ecrire_texte(cell, texte)
        appliquer_style(cell, STYLE_SOUS_TITRE)
    return ligne + len(sous_titres) + 2


def ecrire_intertitre(ws: Worksheet, texte: str, ligne: int, colonne: int = 1) -> int:
    """A section heading (bold, dark blue). Returns the next row."""
    cell = ws.cell(ligne, colonne)
    ecrire_texte(cell, texte)
    appliquer_style(cell, STYLE_INTERTITRE)
    return ligne + 1


def ecrire_paragraphe(ws: Worksheet, texte: str, ligne: int, colonne: int = 1) -> int:
    """A line of free text that overflows to the right (not counted in column widths). Returns the next row."""
    cell = ws.cell(ligne, colonne)
    ecrire_texte(cell, texte)
    appliquer_style(cell, STYLE_TEXTE)
    return ligne + 1


def ecrire_note(ws: Worksheet, texte: str, ligne: int, colonne: int = 1) -> int:
    """A note or source line in small grey italics. Returns the next row."""
    cell = ws.cell(ligne, colonne)
    ecrire_texte(cell, texte)
    appliquer_style(cell, STYLE_NOTE)
    return ligne + 1


# --- Tables ------------------------------------------------------------------------------------------


class Plage(NamedTuple):
    """Where :func:`ecrire_tableau` wrote a table (1-based rows and columns).

    ``premiere_ligne`` is the header row, ``derniere_ligne`` the last row written (the totals row if any), so
    that ``premiere_ligne, derniere_ligne = plage[:2]``. ``ligne_total`` is None without a totals row.
    """

    premiere_ligne: int
    derniere_ligne: int
    premiere_colonne: int
    derniere_colonne: int
    ligne_total: int | None = None

    @property
    def derniere_ligne_donnees(self) -> int:
        """Last data row (the totals row excluded)."""
        return self.derniere_ligne - 1 if self.ligne_total is not None else self.derniere_ligne

    @property
    def ref(self) -> str:
        """``"A3:F10"``: the whole range, header and totals included."""
        return (
            f"{get_column_letter(self.premiere_colonne)}{self.premiere_ligne}:"
            f"{get_column_letter(self.derniere_colonne)}{self.derniere_ligne}"
        )


def _format_par_defaut(serie: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(serie.dtype):
        return None
    if pd.api.types.is_integer_dtype(serie.dtype):
        return FORMAT_ENTIER
    if pd.api.types.is_float_dtype(serie.dtype):
        return FORMAT_DROITS
    if pd.api.types.is_datetime64_any_dtype(serie.dtype):
        return FORMAT_DATE
    return None


def nom_tableau(texte: str, existants: Iterable[str] = ()) -> str:
    """A valid, unique Excel table name from ``texte``: letters, digits and ``_``, not a cell reference."""
    base = "T_" + slug(texte).replace("-", "_")
    base = base[:200]
    pris = {e.lower() for e in existants}
    nom, i = base, 2
    while nom.lower() in pris:
        nom, i = f"{base}_{i}", i + 1
    return nom


def _tableaux_du_classeur(wb: Workbook) -> list[str]:
    return [nom for ws in wb.worksheets for nom in ws.tables]


def ecrire_tableau(
    ws: Worksheet,
    df: pd.DataFrame,
    ligne: int = 1,
    colonne: int = 1,
    *,
    formats: Mapping[str, str] | None = None,
    libelles: Mapping[str, str] | None = None,
    total: Mapping[str, object] | bool | None = None,
    libelle_total: str = "Total",
    tableau: str | None = None,
    filtre: bool = False,
    colonnes_masquees: Iterable[str] = (),
    seuil_masquage: int = 5,
    manquant: str | None = None,
) -> Plage:
    """Write ``df`` as a styled table: a header row, one row per record, an optional totals row.

    - ``formats``: column → number format (default from the dtype: integers ``#,##0``, floats ``#,##0.0``,
      datetimes ``DD/MM/YYYY``; pass :data:`FORMAT_PART` for shares stored as fractions);
    - ``libelles``: column → French header (default: the column name);
    - ``total``: a mapping column → value for the totals row (values computed by the caller: ratios are never
      summed), or True to sum the columns formatted as counts or droits; the first column holds
      ``libelle_total`` unless the mapping gives it;
    - ``tableau``: the name of an Excel table (sanitised and made unique) over header and data rows, with its
      autofilter; else ``filtre`` sets the sheet's autofilter on the same range. No merged cells;
    - ``colonnes_masquees``: count columns where 1…``seuil_masquage - 1`` is shown as ``"< 5"`` (DOMAINE.md §6);
    - ``manquant``: text for a missing value in a numeric column (default ``"n.s."``).

    Returns the :class:`Plage` written.
    """
    formats = dict(formats or {})
    libelles = dict(libelles or {})
    masquees = set(colonnes_masquees)
    noms = list(df.columns)
    fmts = [formats.get(c, _format_par_defaut(df[c])) for c in noms]

    for j, nom in enumerate(noms):
        cell = ws.cell(ligne, colonne + j)
        ecrire_texte(cell, libelles.get(nom, nom))
        appliquer_style(cell, STYLE_ENTETE)

    ligne_courante = ligne
    for enregistrement in df.itertuples(index=False, name=None):
        ligne_courante += 1
        for j, valeur in enumerate(enregistrement):
            cell = ws.cell(ligne_courante, colonne + j)
            appliquer_style(cell, STYLE_CORPS)
            if noms[j] in masquees:
                valeur = masquer_petits_effectifs(valeur, seuil_masquage)
            ecrire_valeur(cell, valeur, fmts[j], manquant=manquant)
    derniere_donnees = ligne_courante

    ligne_total = None
    if total is not None and total is not False:
        if total is True:
            valeurs: dict[str, object] = {
                c: df[c].sum() for c, f in zip(noms, fmts, strict=True) if f in (FORMAT_ENTIER, FORMAT_DROITS)
            }
        else:
            valeurs = dict(total)
        if noms and noms[0] not in valeurs:
            valeurs[noms[0]] = libelle_total
        ligne_courante += 1
        ligne_total = ligne_courante
        for j, nom in enumerate(noms):
            cell = ws.cell(ligne_total, colonne + j)
            appliquer_style(cell, STYLE_TOTAL)
            valeur = valeurs.get(nom)
            if nom in masquees:
                valeur = masquer_petits_effectifs(valeur, seuil_masquage)
            if nom in valeurs:
                ecrire_valeur(cell, valeur, fmts[j], manquant=manquant)

    plage = Plage(ligne, ligne_courante, colonne, colonne + max(len(noms), 1) - 1, ligne_total)
    ref_donnees = (
        f"{get_column_letter(plage.premiere_colonne)}{ligne}:"
        f"{get_column_letter(plage.derniere_colonne)}{derniere_donnees}"
    )
    a_des_donnees = derniere_donnees > ligne
    if tableau and noms and a_des_donnees:
        entetes = [str(libelles.get(n, n)) for n in noms]
        if len(set(entetes)) != len(entetes):
            raise ValueError(f"En-têtes en double, impossible de créer un tableau Excel : {entetes}")
        table = Table(displayName=nom_tableau(tableau, _tableaux_du_classeur(ws.parent)), ref=ref_donnees)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
        ws.add_table(table)
    elif filtre and noms and a_des_donnees:
        ws.auto_filter.ref = ref_donnees
    return plage


# --- Sheet layout ------------------------------------------------------------------------------------


def _largeur_texte(cell: Cell) -> int:
    valeur = cell.value
    if valeur is None:
        return 0
    if isinstance(valeur, dt.date):
        return 10
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        if cell.number_format == FORMAT_PART:
            return 7
        texte = f"{valeur:,.1f}" if cell.number_format == FORMAT_DROITS else f"{valeur:,.0f}"
        return len(texte)
    return max((len(morceau) for morceau in str(valeur).splitlines()), default=0)


def ajuster_largeurs(ws: Worksheet, minimum: float = 8, maximum: float = 60) -> None:
    """Column widths from the longest content of each column, bounded to [minimum, maximum].

    Title, subtitle and note lines (which overflow to the right) are ignored; wrapped header cells count at
    most 30 characters (they wrap onto several lines).
    """
    hors = identifiants_de_style(ws.parent, STYLES_HORS_LARGEUR)
    entetes = identifiants_de_style(ws.parent, (STYLE_ENTETE, STYLE_ENTETE_FACULTATIF))
    largeurs: dict[int, int] = {}
    for cell in ws._cells.values():
        if cell._value is None:
            continue
        xf = cell._style.xfId
        if xf in hors:
            continue
        n = _largeur_texte(cell)
        if xf in entetes:
            n = min(n, 30)
        if n > largeurs.get(cell.column, -1):
            largeurs[cell.column] = n
    for col in sorted(largeurs):
        ws.column_dimensions[get_column_letter(col)].width = min(max(largeurs[col] + 2, minimum), maximum)


def ajuster_hauteurs(ws: Worksheet, hauteur_ligne: float = 13.0) -> None:
    """Row heights for wrapped text (Excel does not recompute them when it opens a file).

    Call after the column widths are set: the number of lines of a wrapped cell is estimated from its
    column's width (word wrap at about one character per width unit), and a row is as high as its tallest wrapped cell.
    Rows without wrapped text keep the default height.
    """
    largeurs = {lettre: dimension.width for lettre, dimension in ws.column_dimensions.items() if dimension.width}
    lignes: dict[int, int] = {}
    for cell in ws._cells.values():
        if cell._value is None or not (cell.alignment and cell.alignment.wrap_text):
            continue
        largeur = max(int(largeurs.get(cell.column_letter, 8.43)), 1)
        n = nombre_de_lignes(str(cell._value), largeur)
        if n > lignes.get(cell.row, 0):
            lignes[cell.row] = n
    for ligne in sorted(lignes):
        if lignes[ligne] > 1:
            ws.row_dimensions[ligne].height = hauteur_ligne * lignes[ligne] + 2


@functools.lru_cache(maxsize=4096)
def nombre_de_lignes(texte: str, largeur: int) -> int:
    """Lines a text takes once word-wrapped at ``largeur`` characters (each line break starts a line)."""
    morceaux = texte.splitlines() or [""]
    return sum(max(1, len(textwrap.wrap(m, largeur))) for m in morceaux)


def figer_entete(ws: Worksheet, cell: str = "A2") -> None:
    """Freeze the rows above and the columns left of ``cell`` (``"B5"`` keeps rows 1–4 and column A in view)."""
    ws.freeze_panes = cell


def mise_en_page(ws: Worksheet, lignes_repetees: tuple[int, int] | None = None, paysage: bool = True) -> None:
    """Print layout: A4 landscape, fit to the page width, narrow margins, header rows repeated on every page,
    footer with the sheet name and "Page n / N"."""
    ws.page_setup.orientation = "landscape" if paysage else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    if lignes_repetees:
        ws.print_title_rows = f"{lignes_repetees[0]}:{lignes_repetees[1]}"
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.right.text = "Page &P / &N"
    ws.oddFooter.left.size = ws.oddFooter.right.size = 8


_INTERDITS_FEUILLE = re.compile(r"[\[\]:*?/\\]")
_RESERVES_FEUILLE = {"history"}  # Excel refuses a sheet named "History"


def titre_feuille(texte: str, existants: Iterable[str] = ()) -> str:
    """A valid, unique sheet title from ``texte``.

    Excel's rules: at most 31 characters, none of ``[ ] : * ? / \\``, no leading or trailing apostrophe, not
    empty, not "History", unique without regard to case. Forbidden characters become spaces, runs of spaces
    collapse; a duplicate gets `` (2)``, `` (3)``… (the base shortened to fit 31 characters).
    """
    propre = _INTERDITS_FEUILLE.sub(" ", nettoyer_texte(texte))
    propre = re.sub(r"\s+", " ", propre).strip().strip("'").strip()
    propre = propre[:31].rstrip().rstrip("'").rstrip() or "Feuille"
    pris = {e.lower() for e in existants} | _RESERVES_FEUILLE
    titre, i = propre, 2
    while titre.lower() in pris:
        suffixe = f" ({i})"
        titre = propre[: 31 - len(suffixe)].rstrip().rstrip("'").rstrip() + suffixe
        i += 1
    return titre


def nouvelle_feuille(wb: Workbook, texte: str, index: int | None = None) -> Worksheet:
    """A new sheet whose title is ``texte`` sanitised by :func:`titre_feuille` against the workbook's titles."""
    return wb.create_sheet(titre_feuille(texte, wb.sheetnames), index)


# --- The Paramètres and Définitions sheets (DOMAINE.md §5) ------------------------------------------


def _feuille_deux_colonnes(
    wb: Workbook,
    titre: str,
    sous_titres: Sequence[str],
    entetes: tuple[str, str],
    lignes: Sequence[tuple[str, object]],
    ecrire: Callable[[Cell, object], None],
    largeur_max_a: int,
    largeur_b: Callable[[float], float],
) -> Worksheet:
    """A title block, then a two-column table (term | value) with wrapped, top-aligned cells, printed portrait."""
    ws = nouvelle_feuille(wb, titre)
    debut = ecrire_titre(ws, titre, sous_titres)
    for j, entete in enumerate(entetes, start=1):
        ws.cell(debut, j).value = entete
        appliquer_style(ws.cell(debut, j), STYLE_ENTETE)
    for i, ligne in enumerate(lignes, start=debut + 1):
        for j, v in enumerate(ligne, start=1):
            cell = ws.cell(i, j)
            appliquer_style(cell, STYLE_CORPS)
            ecrire(cell, v)
            cell.alignment = _GAUCHE_HAUT
    ajuster_largeurs(ws, maximum=largeur_max_a)
    ws.column_dimensions["B"].width = largeur_b(ws.column_dimensions["B"].width or 0)
    ajuster_hauteurs(ws)
    figer_entete(ws, f"A{debut + 1}")
    mise_en_page(ws, (debut, debut), paysage=False)
    return ws


def feuille_parametres(
    wb: Workbook, lignes: Sequence[tuple[str, object]], titre: str = "Paramètres", sous_titres: Sequence[str] = ()
) -> Worksheet:
    """The "Paramètres" sheet: a title block, then a two-column table Paramètre | Valeur.

    Values are written by :func:`ecrire_valeur` (dates as dates, numbers as numbers, text as safe text);
    integers without a thousands separator (a year reads 2024, not 2 024).
    """

    def ecrire(cell: Cell, v: object) -> None:
        ecrire_valeur(cell, v, FORMAT_ANNEE if isinstance(v, int) and not isinstance(v, bool) else None)

    return _feuille_deux_colonnes(
        wb, titre, sous_titres, ("Paramètre", "Valeur"), lignes, ecrire, 60, lambda largeur: max(largeur, 40)
    )


def feuille_definitions(
    wb: Workbook, lignes: Sequence[tuple[str, str]], titre: str = "Définitions", sous_titres: Sequence[str] = ()
) -> Worksheet:
    """The "Définitions" sheet: a title block, then a two-column table Terme | Définition (wrapped text)."""
    return _feuille_deux_colonnes(
        wb, titre, sous_titres, ("Terme", "Définition"), lignes, ecrire_texte, 40, lambda _largeur: 100
    )


# --- Charts ------------------------------------------------------------------------------------------


def ajouter_graphique_barres(
    ws: Worksheet,
    plage: Plage,
    titre: str,
    ancre: str,
    colonnes: Sequence[int] | None = None,
    *,
    horizontal: bool = False,
    empile: bool = False,
    titre_axe: str | None = None,
    format_axe: str | None = None,
    largeur_cm: float = 16,
    hauteur_cm: float = 8,
) -> BarChart:
    """A native Excel bar chart of a table written by :func:`ecrire_tableau`, anchored at ``ancre`` ("H3").

    Categories are the table's first column; series are ``colonnes`` (1-based sheet column numbers, default
    every other column of the table), named by their header. The totals row is left out. Series colours follow
    :data:`PALETTE`.
    """
    graphique = BarChart()
    graphique.type = "bar" if horizontal else "col"
    graphique.grouping = "stacked" if empile else "clustered"
    if empile:
        graphique.overlap = 100
    graphique.title = _titre_graphique(titre)
    graphique.style = 10
    graphique.width, graphique.height = largeur_cm, hauteur_cm
    if titre_axe:
        graphique.y_axis.title = titre_axe
    if format_axe:
        graphique.y_axis.numFmt = format_axe
    graphique.y_axis.majorGridlines = None
    graphique.y_axis.scaling.min = 0  # bars of counts start at zero (LibreOffice otherwise starts near the minimum)
    graphique.legend.position = "b"
    derniere = plage.derniere_ligne_donnees
    for col in colonnes or range(plage.premiere_colonne + 1, plage.derniere_colonne + 1):
        donnees = Reference(ws, min_col=col, min_row=plage.premiere_ligne, max_row=derniere)
        graphique.add_data(donnees, titles_from_data=True)
    graphique.set_categories(
        Reference(ws, min_col=plage.premiere_colonne, min_row=plage.premiere_ligne + 1, max_row=derniere)
    )
    for i, serie in enumerate(graphique.series):
        couleur = PALETTE[i % len(PALETTE)]
        serie.graphicalProperties.solidFill = couleur
        serie.graphicalProperties.line.solidFill = couleur
    # openpyxl ≥ 3.1 hides axes unless told otherwise (delete=True by default).
    graphique.x_axis.delete = False
    graphique.y_axis.delete = False
    ws.add_chart(graphique, ancre)
    return graphique


def _titre_graphique(texte: str, taille: int = 12) -> Title:
    """A chart title in bold ``taille`` pt (the default 18 pt title takes a third of a small chart)."""
    police = CharacterProperties(sz=taille * 100, b=True)
    paragraphe = Paragraph(pPr=ParagraphProperties(defRPr=police), r=[RegularTextRun(rPr=police, t=texte)])
    return Title(tx=Text(rich=RichText(p=[paragraphe])), overlay=False)


# --- Serialisation -----------------------------------------------------------------------------------


def classeur_en_octets(wb: Workbook) -> bytes:
    """The workbook as ``.xlsx`` bytes, built in memory (never written to disk, DOMAINE.md §6)."""
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


def nouveau_classeur() -> Workbook:
    """An empty workbook without its default sheet, with flux_dash as author."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "flux_dash"
    return wb
