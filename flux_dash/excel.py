"""The one xlsx writer of flux_dash (FORMAT.md §2.1, DOMAINE.md §3 and §5–§6).

Every workbook the product writes — the trames (:mod:`flux_dash.rapports`), the input template
(:mod:`flux_dash.modele`), the demo workbook (:mod:`flux_dash.demo`) and the tables downloaded from the app
(:mod:`flux_dash.ui.exports`) — is composed with this module and serialised by it. Nothing else in the product
imports a spreadsheet library to write (openpyxl is used for reading only, by tests and the reader).

How it works: a :class:`Classeur` holds :class:`Feuille` objects, plain Python descriptions of sheets (cells with
a value, a :class:`Style` and a number format; column widths, row heights, frozen panes, print setup, Excel tables,
autofilter, data validation, comments, native bar charts, hidden state). Callers compose and adjust them freely
(widths are computed from the cells written, a format can be changed after the fact); :func:`classeur_en_octets`
then serialises the whole workbook **in memory** with XlsxWriter (``in_memory``: no temporary file, DOMAINE.md
§6 — tours never reach the disk, not even as a library's spill file), creating each cell format once per
workbook (a cache keyed by style, number format and quote prefix).

Why XlsxWriter (measured, see ``benchmarks/ecriture.py``): it writes the same cells 2–3× faster than plain
openpyxl and never spills to ``/tmp``, where openpyxl writes every sheet while saving. openpyxl stays the
reader (tests, golden snapshots, LibreOffice round trips).

This module also owns:

- the style kit: title, subtitle, table header, body, totals row, note, in a sober, colour-blind-safe palette,
  Calibri 9–14 (:class:`Style`; the ``nom`` of a style is its role, used for column widths);
- the number formats (counts ``#,##0``, shares ``0.0%``, droits ``#,##0.0``, dates ``DD/MM/YYYY``) in OOXML form:
  French Excel and LibreOffice display them with French separators (``1 234``, ``12,3 %``);
- safe writing: user text is always a string cell, never a formula, with Excel's quote prefix when it starts
  like one (:mod:`flux_dash.garde`, applied to every text cell when the workbook is serialised), illegal XML
  control characters removed, numbers as numeric cells, a missing ratio as the grey text ``n.s.``
  (DOMAINE.md §3), optional small-cell masking (DOMAINE.md §6);
- the sheet-title and table-name rules of Excel, and the "Paramètres" and "Définitions" sheets every report
  carries (DOMAINE.md §5).

Nothing here knows about a particular report: contents (labels, values, definitions) come from the callers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import functools
import io
import math
import re
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.exceptions
import xlsxwriter.utility
import xlsxwriter.worksheet

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


# --- Styles --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Style:
    """How a cell looks (font, fill, borders, alignment) and what role it plays in the layout.

    Frozen and hashable: the serialiser creates one cell format per distinct (style, number format, quote
    prefix) of a workbook. ``nom`` names the role (``"Flux corps"``…): :data:`STYLES_HORS_LARGEUR` roles overflow
    to the right and are left out of column widths, header roles count at most 30 characters.
    """

    nom: str = ""
    taille: float = TAILLE
    gras: bool = False
    italique: bool = False
    couleur: str | None = None
    """Font colour, ``RRGGBB``."""
    fond: str | None = None
    """Solid fill colour, ``RRGGBB``."""
    bordure: bool = False
    """Thin grey borders on the four sides."""
    bordure_haut_forte: bool = False
    """A medium dark-blue top border (totals row)."""
    horizontal: str | None = None
    """``left`` | ``center`` | ``right`` (None: Excel's default, numbers right and text left)."""
    vertical: str | None = None
    """``top`` | ``center`` (None: bottom)."""
    renvoi: bool = False
    """Wrap text on several lines."""

    def avec(self, **changements: object) -> Style:
        """The same style with some attributes changed (the role is kept); the result is shared (styles are frozen)."""
        return _variante(self, tuple(sorted(changements.items())))


@functools.lru_cache(maxsize=1024)
def _variante(style: Style, changements: tuple[tuple[str, object], ...]) -> Style:
    return dataclasses.replace(style, **dict(changements))  # type: ignore[arg-type]


STYLE_TITRE = Style("Flux titre", taille=14, gras=True, couleur=BLEU_FONCE)
STYLE_SOUS_TITRE = Style("Flux sous-titre", taille=11, couleur=GRIS_TEXTE)
STYLE_ENTETE = Style(
    "Flux en-tête", gras=True, couleur=BLANC, fond=BLEU_FONCE, bordure=True, horizontal="center", vertical="center"
).avec(renvoi=True)
STYLE_ENTETE_FACULTATIF = Style(
    "Flux en-tête facultatif", couleur=BLEU_FONCE, fond=BLEU_CLAIR, bordure=True, horizontal="center"
).avec(vertical="center", renvoi=True)
STYLE_INTERTITRE = Style("Flux intertitre", taille=12, gras=True, couleur=BLEU_FONCE)
STYLE_TEXTE = Style("Flux texte")
STYLE_CORPS = Style("Flux corps", bordure=True, vertical="top")
STYLE_TOTAL = Style("Flux total", gras=True, fond=BLEU_CLAIR, bordure=True, bordure_haut_forte=True, vertical="top")
STYLE_NOTE = Style("Flux note", taille=9, italique=True, couleur=GRIS_TEXTE)
STYLE_GRAS = Style("Gras", taille=11, gras=True)
"""Bold Calibri 11: the header of a plain table (downloads of the app)."""
STYLE_ENTETE_DONNEES = Style("Flux en-tête de données", taille=11, gras=True, fond="DDEBF7")
"""Bold Calibri 11 on a light fill: the header row of a data sheet (the demo workbook, FORMAT.md §1)."""
STYLES_HORS_LARGEUR = frozenset(
    s.nom for s in (STYLE_TITRE, STYLE_SOUS_TITRE, STYLE_INTERTITRE, STYLE_TEXTE, STYLE_NOTE)
)
"""Roles of free text lines that overflow to the right: ignored when column widths are computed."""
STYLES_ENTETE = frozenset({STYLE_ENTETE.nom, STYLE_ENTETE_FACULTATIF.nom})


# --- Safe values -------------------------------------------------------------------------------------

LONGUEUR_MAX_CELLULE = 32767
"""Excel's limit on the characters of one cell (a longer text makes Excel "repair" the file)."""
_CARACTERES_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def nettoyer_texte(valeur: object) -> str:
    """``str(valeur)`` without the control characters XML 1.0 forbids. Tab, line feed and carriage return stay."""
    return _CARACTERES_INTERDITS.sub("", str(valeur))


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


# --- The model: workbook, sheets, cells -----------------------------------------------------------------


@dataclass(slots=True)
class Cellule:
    """One written cell: a value (str, int, float, date or datetime; None for a styled empty cell), its style
    (None: the workbook's default, Calibri 11) and its number format."""

    valeur: object
    style: Style | None = None
    format: str | None = None


@dataclass(frozen=True)
class Impression:
    """Print layout of a sheet: A4, fit to the page width, narrow margins, header rows repeated on each page."""

    paysage: bool = True
    lignes_repetees: tuple[int, int] | None = None
    zone: bool | int = False
    """Print area from A1, computed when serialised (:func:`etendue`): True, the sheet's whole content; a row
    number, the content of the rows down to it; False, none (a sheet the user fills in prints whatever it holds)."""


@dataclass(frozen=True)
class PiedDePage:
    """Page footer in Excel's header/footer codes (``&A`` sheet name, ``&P`` page, ``&N`` pages), printed in 8 pt.

    Plain text (a landlord's name) must go through :func:`echapper_pied` first.
    """

    gauche: str = "&A"
    centre: str = ""
    droite: str = "Page &P / &N"


PIED_DE_PAGE = PiedDePage()
LONGUEUR_MAX_PIED = 255
"""Excel's limit on a header or footer (codes included)."""


def echapper_pied(texte: str) -> str:
    """Plain text for a footer: ``&`` doubled (else Excel reads a code), control characters removed."""
    return nettoyer_texte(texte).replace("\n", " ").replace("\r", " ").replace("&", "&&")


@dataclass(frozen=True)
class Validation:
    """Data validation of a range (``zone`` = ``"B2:B5000"``): a warning, never a block, on unexpected input.

    ``genre``: ``liste`` (``source`` = a workbook name, or the list of allowed values), ``entier``, ``decimal``
    or ``date`` (bounds ``minimum`` / ``maximum``; no maximum: greater than or equal to the minimum).
    """

    zone: str
    genre: str
    titre_erreur: str
    message_erreur: str
    source: str | tuple[str, ...] | None = None
    minimum: float | dt.date | None = None
    maximum: float | dt.date | None = None


@dataclass(frozen=True)
class Commentaire:
    """A cell note (Excel comment), hidden until hovered; size in pixels."""

    texte: str
    auteur: str
    largeur: int = 320
    hauteur: int = 80


@dataclass
class Graphique:
    """A native bar chart of a table (see :func:`ajouter_graphique_barres`); rows and columns are 1-based."""

    titre: str
    ancre: str
    ligne_entete: int
    premiere_ligne: int
    derniere_ligne: int
    colonne_categories: int
    colonnes: tuple[int, ...]
    horizontal: bool = False
    empile: bool = False
    titre_axe: str | None = None
    format_axe: str | None = None
    largeur_cm: float = 16
    hauteur_cm: float = 8
    categories_inversees: bool = False
    """Categories drawn from top to bottom in the table's order (horizontal bars)."""
    legende: bool = True


@dataclass(frozen=True)
class TableauExcel:
    """An Excel table (with its autofilter) over a header row and data rows."""

    nom: str
    premiere_ligne: int
    derniere_ligne: int
    premiere_colonne: int
    derniere_colonne: int
    entetes: tuple[str, ...]


@dataclass(frozen=True)
class BlocDeDonnees:
    """Plain data written in bulk by :func:`ecrire_donnees` (no cell objects: large tables stay cheap)."""

    ligne: int
    colonne: int
    df: pd.DataFrame
    formats: Mapping[str, str]


class Feuille:
    """A sheet being composed. Rows and columns are 1-based, as in Excel (A1 = (1, 1))."""

    def __init__(self, titre: str) -> None:
        self.titre = titre
        self.cellules: dict[tuple[int, int], Cellule] = {}
        self.largeurs: dict[int, float] = {}
        """Column → width in characters (Excel's unit)."""
        self.formats_colonnes: dict[int, str] = {}
        """Column → number format of the cells a user types in (input template)."""
        self.hauteurs: dict[int, float] = {}
        """Row → height in points."""
        self.fige: str | None = None
        """Top-left cell of the scrolling part (``"A2"`` freezes row 1)."""
        self.impression: Impression | None = None
        self.pied: PiedDePage | None = None
        self.tableaux: list[TableauExcel] = []
        self.filtre: tuple[int, int, int, int] | None = None
        """Autofilter range (first row, first column, last row, last column)."""
        self.validations: list[Validation] = []
        self.commentaires: dict[tuple[int, int], Commentaire] = {}
        self.graphiques: list[Graphique] = []
        self.blocs: list[BlocDeDonnees] = []
        self.masquee = False

    def cellule(self, ligne: int, colonne: int) -> Cellule | None:
        return self.cellules.get((ligne, colonne))

    def valeur(self, ligne: int, colonne: int) -> object:
        cellule = self.cellules.get((ligne, colonne))
        return None if cellule is None else cellule.valeur

    @property
    def derniere_ligne(self) -> int:
        """The last row holding a cell (0 for an empty sheet)."""
        return max((ligne for ligne, _ in self.cellules), default=0)

    def styler(self, ligne: int, colonne: int, style: Style | None) -> None:
        """Give a style to a cell (an empty styled cell if nothing was written there)."""
        cellule = self.cellules.get((ligne, colonne))
        if cellule is None:
            self.cellules[(ligne, colonne)] = Cellule(None, style)
        else:
            cellule.style = style


def copier_cellules(source: Feuille, cible: Feuille, decalage: int = 0) -> None:
    """Copies the cells of ``source`` into ``cible``, ``decalage`` rows lower (a section built once, reused by
    every workbook of a batch; the copies can be restyled without touching the source)."""
    for (ligne, colonne), c in source.cellules.items():
        cible.cellules[(ligne + decalage, colonne)] = Cellule(c.valeur, c.style, c.format)


class Classeur:
    """A workbook being composed: its sheets in order, workbook-level names, properties and page footer."""

    def __init__(self, auteur: str = "flux_dash") -> None:
        self.feuilles: list[Feuille] = []
        self.noms: dict[str, str] = {}
        """Workbook-level names → ranges (``'Listes'!$A$2:$A$6``)."""
        self.titre = ""
        self.auteur = auteur
        self.date: dt.datetime | None = None
        """Creation date of the file's properties (None: now); fixed, the same content gives the same bytes."""
        self.pied: PiedDePage | None = None
        """A footer for every sheet that has a print layout, replacing the sheets' own."""
        self.active = 0

    @property
    def titres(self) -> list[str]:
        return [f.titre for f in self.feuilles]

    def __getitem__(self, titre: str) -> Feuille:
        for feuille in self.feuilles:
            if feuille.titre == titre:
                return feuille
        raise KeyError(titre)

    def __iter__(self) -> Iterator[Feuille]:
        return iter(self.feuilles)

    def ajouter(self, feuille: Feuille, index: int | None = None) -> Feuille:
        """Adds a sheet built elsewhere (its title must be free, case ignored, as Excel wants)."""
        if feuille.titre.lower() in {t.lower() for t in self.titres}:
            raise ValueError(f"Feuille en double : {feuille.titre}")
        self.feuilles.insert(len(self.feuilles) if index is None else index, feuille)
        return feuille


def nouveau_classeur() -> Classeur:
    """An empty workbook with flux_dash as author."""
    return Classeur()


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


def nouvelle_feuille(wb: Classeur, texte: str, index: int | None = None) -> Feuille:
    """A new sheet whose title is ``texte`` sanitised by :func:`titre_feuille` against the workbook's titles."""
    return wb.ajouter(Feuille(titre_feuille(texte, wb.titres)), index)


def lettre(colonne: int) -> str:
    """Column letters of a 1-based column number: 1 → ``A``, 28 → ``AB``."""
    lettres = ""
    while colonne:
        colonne, reste = divmod(colonne - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


# --- Writing values ------------------------------------------------------------------------------------


def ecrire_texte(ws: Feuille, ligne: int, colonne: int, valeur: object, style: Style | None = None) -> Cellule:
    """Store ``valeur`` as TEXT, whatever it looks like (FORMAT.md §2.1: never a formula).

    The cell is a string cell; when the text starts with ``= + - @``, tab or CR (:func:`flux_dash.garde.est_dangereux`)
    the serialiser also gives it Excel's "quote prefix", so that editing the cell in Excel keeps it text. Illegal
    control characters are removed and the text is cut to Excel's 32 767 characters. None writes an empty cell.
    """
    texte = None if valeur is None else nettoyer_texte(valeur)[:LONGUEUR_MAX_CELLULE]
    cellule = Cellule(texte or None, style)
    ws.cellules[(ligne, colonne)] = cellule
    return cellule


def _non_numerique(style: Style | None) -> Style:
    """Grey, right-aligned text in a numeric column ("n.s.", "< 5"), keeping the row's boldness."""
    return (style or Style()).avec(couleur=GRIS_NS, horizontal="right", vertical="top")


def ecrire_valeur(
    ws: Feuille,
    ligne: int,
    colonne: int,
    valeur: object,
    format: str | None = None,
    style: Style | None = None,
    *,
    manquant: str | None = None,
    texte_en_nombre: bool = False,
) -> Cellule:
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
        return ecrire_texte(ws, ligne, colonne, texte, _non_numerique(style) if texte and numerique else style)
    if type(valeur).__module__ == "numpy" and hasattr(valeur, "item"):
        valeur = valeur.item()  # type: ignore[union-attr]
    if isinstance(valeur, bool):
        return ecrire_texte(ws, ligne, colonne, "oui" if valeur else "non", style)
    if isinstance(valeur, str) and texte_en_nombre and (nombre := _vers_nombre(valeur)) is not None:
        valeur = nombre
    if isinstance(valeur, int | float | decimal.Decimal):
        nombre = float(valeur) if isinstance(valeur, decimal.Decimal) else valeur
        cellule = Cellule(nombre, style, format or (FORMAT_ENTIER if isinstance(valeur, int) else FORMAT_DROITS))
        ws.cellules[(ligne, colonne)] = cellule
        return cellule
    if isinstance(valeur, pd.Timestamp):
        valeur = valeur.tz_localize(None) if valeur.tzinfo else valeur
        valeur = valeur.to_pydatetime()
    if isinstance(valeur, dt.datetime) and valeur.tzinfo is not None:
        valeur = valeur.replace(tzinfo=None)
    if isinstance(valeur, dt.date):
        cellule = Cellule(valeur, style, format or FORMAT_DATE)
        ws.cellules[(ligne, colonne)] = cellule
        return cellule
    cellule = ecrire_texte(ws, ligne, colonne, valeur, _non_numerique(style) if numerique else style)
    cellule.format = format
    return cellule


# --- Titles and notes ---------------------------------------------------------------------------------


def ecrire_titre(ws: Feuille, titre: str, sous_titres: Sequence[str] = (), ligne: int = 1, colonne: int = 1) -> int:
    """Title block: the title, then one subtitle per line. Returns the next free row (one blank row after)."""
    ecrire_texte(ws, ligne, colonne, titre, STYLE_TITRE)
    for i, texte in enumerate(sous_titres, start=1):
        ecrire_texte(ws, ligne + i, colonne, texte, STYLE_SOUS_TITRE)
    return ligne + len(sous_titres) + 2


def ecrire_intertitre(ws: Feuille, texte: str, ligne: int, colonne: int = 1) -> int:
    """A section heading (bold, dark blue). Returns the next row."""
    ecrire_texte(ws, ligne, colonne, texte, STYLE_INTERTITRE)
    return ligne + 1


def ecrire_paragraphe(ws: Feuille, texte: str, ligne: int, colonne: int = 1) -> int:
    """A line of free text that overflows to the right (not counted in column widths). Returns the next row."""
    ecrire_texte(ws, ligne, colonne, texte, STYLE_TEXTE)
    return ligne + 1


def ecrire_note(ws: Feuille, texte: str, ligne: int, colonne: int = 1) -> int:
    """A note or source line in small grey italics. Returns the next row."""
    ecrire_texte(ws, ligne, colonne, texte, STYLE_NOTE)
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
            f"{lettre(self.premiere_colonne)}{self.premiere_ligne}:{lettre(self.derniere_colonne)}{self.derniere_ligne}"
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


def _tableaux_du_classeur(wb: Classeur) -> list[str]:
    return [t.nom for ws in wb.feuilles for t in ws.tableaux]


def ecrire_tableau(
    ws: Feuille,
    df: pd.DataFrame,
    ligne: int = 1,
    colonne: int = 1,
    *,
    formats: Mapping[str, str] | None = None,
    libelles: Mapping[str, str] | None = None,
    total: Mapping[str, object] | bool | None = None,
    libelle_total: str = "Total",
    tableau: str | None = None,
    classeur: Classeur | None = None,
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
    - ``tableau``: the name of an Excel table (sanitised and made unique among the tables of ``classeur``) over
      header and data rows, with its autofilter; else ``filtre`` sets the sheet's autofilter on the same range.
      No merged cells;
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
        ecrire_texte(ws, ligne, colonne + j, libelles.get(nom, nom), STYLE_ENTETE)

    ligne_courante = ligne
    masques = [nom in masquees for nom in noms]
    # One conversion to Python objects (5× cheaper than itertuples on Arrow-backed string columns).
    for enregistrement in df.to_numpy(dtype=object):
        ligne_courante += 1
        for j, valeur in enumerate(enregistrement):
            if masques[j]:
                valeur = masquer_petits_effectifs(valeur, seuil_masquage)
            ecrire_valeur(ws, ligne_courante, colonne + j, valeur, fmts[j], STYLE_CORPS, manquant=manquant)
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
            if nom not in valeurs:
                ws.styler(ligne_total, colonne + j, STYLE_TOTAL)
                continue
            valeur = valeurs[nom]
            if nom in masquees:
                valeur = masquer_petits_effectifs(valeur, seuil_masquage)
            ecrire_valeur(ws, ligne_total, colonne + j, valeur, fmts[j], STYLE_TOTAL, manquant=manquant)

    plage = Plage(ligne, ligne_courante, colonne, colonne + max(len(noms), 1) - 1, ligne_total)
    a_des_donnees = derniere_donnees > ligne
    if tableau and noms and a_des_donnees:
        entetes = tuple(str(libelles.get(n, n)) for n in noms)
        if len(set(entetes)) != len(entetes):
            raise ValueError(f"En-têtes en double, impossible de créer un tableau Excel : {list(entetes)}")
        existants = _tableaux_du_classeur(classeur) if classeur is not None else [t.nom for t in ws.tableaux]
        nom = nom_tableau(tableau, existants)
        ws.tableaux.append(
            TableauExcel(nom, ligne, derniere_donnees, plage.premiere_colonne, plage.derniere_colonne, entetes)
        )
    elif filtre and noms and a_des_donnees:
        ws.filtre = (ligne, plage.premiere_colonne, derniere_donnees, plage.derniere_colonne)
    return plage


def ecrire_donnees(
    ws: Feuille, df: pd.DataFrame, ligne: int = 2, colonne: int = 1, formats: Mapping[str, str] | None = None
) -> None:
    """Plain data in bulk from ``(ligne, colonne)``: one row per record, no style, the number format of
    ``formats`` per column (datetimes default to ``DD/MM/YYYY``).

    Numbers are numeric cells, datetimes date cells, booleans ``oui``/``non``, other values text cells (with the
    quote prefix of :mod:`flux_dash.garde` when they start like a formula); missing values and empty strings leave
    the cell empty. Meant for big tables (the demo's 100 000 logements, a long list of problems): the frame is
    kept as is and converted column by column when the workbook is serialised. Headers are ordinary cells
    (:func:`ecrire_texte`).
    """
    ws.blocs.append(BlocDeDonnees(ligne, colonne, df, dict(formats or {})))


_ORIGINE_EXCEL = pd.Timestamp("1899-12-30")


def _ecrire_bloc(xs, bloc: BlocDeDonnees, fmt: _Formats, feuille: Feuille | None = None) -> None:
    """Column by column, with vectorised conversions (dates to Excel serial numbers, numbers to Python floats).

    On a :class:`_FeuilleXlsx` whose rows of the block hold nothing else, the block takes the fast path
    (:func:`_preparer_bloc`, same bytes); otherwise cell by cell through XlsxWriter."""
    if isinstance(xs, _FeuilleXlsx) and feuille is not None and _bloc_seul_sur_ses_lignes(xs, bloc, feuille):
        prepare = _preparer_bloc(xs, bloc, fmt)
        if prepare is not None:
            xs.blocs_rapides.append(prepare)
            return
    est_dangereux = garde.est_dangereux
    for j, nom in enumerate(bloc.df.columns):
        c = bloc.colonne - 1 + j
        serie = bloc.df[nom]
        format = bloc.formats.get(nom)
        depart = bloc.ligne - 1
        if pd.api.types.is_datetime64_any_dtype(serie.dtype):
            if getattr(serie.dt, "tz", None) is not None:
                serie = serie.dt.tz_localize(None)
            jours = ((serie - _ORIGINE_EXCEL) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=math.nan)
            f = fmt(None, format or FORMAT_DATE)
            for i, v in enumerate(jours.tolist(), start=depart):
                if v == v:
                    xs.write_number(i, c, v, f)
        elif pd.api.types.is_bool_dtype(serie.dtype):
            f = fmt(None, format)
            for i, v in enumerate(serie.tolist(), start=depart):
                if v is True or v is False:
                    xs.write_string(i, c, "oui" if v else "non", f)
        elif pd.api.types.is_numeric_dtype(serie.dtype):
            f = fmt(None, format)
            for i, v in enumerate(serie.to_numpy(dtype="float64", na_value=math.nan).tolist(), start=depart):
                if v == v and v not in (math.inf, -math.inf):
                    xs.write_number(i, c, v, f)
        else:
            f, f_prefixe = fmt(None, format), fmt(None, format, True)
            for i, v in enumerate(serie.tolist(), start=depart):
                if type(v) is not str:  # text columns hold str; object columns may mix numbers, dates, NA
                    if est_manquant(v):
                        continue
                    if type(v).__module__ == "numpy" and hasattr(v, "item"):
                        v = v.item()
                    if isinstance(v, bool):
                        v = "oui" if v else "non"
                    elif isinstance(v, int | float | decimal.Decimal):
                        xs.write_number(i, c, float(v), f)
                        continue
                    elif isinstance(v, dt.date):
                        jour = pd.Timestamp(v).tz_localize(None) if getattr(v, "tzinfo", None) else pd.Timestamp(v)
                        xs.write_number(i, c, (jour - _ORIGINE_EXCEL) / pd.Timedelta(days=1), fmt(None, FORMAT_DATE))
                        continue
                    else:
                        v = str(v)
                if not v:
                    continue
                if _CARACTERES_INTERDITS.search(v):
                    v = nettoyer_texte(v)
                v = v[:LONGUEUR_MAX_CELLULE]
                xs.write_string(i, c, v, f_prefixe if est_dangereux(v) else f)


# --- Fast path of the data blocks (the « Données » sheet of every trame: 90 % of a batch's cells) ----------
#
# XlsxWriter stores one tuple per cell and writes one XML element per cell through several Python calls
# (~15 µs a cell): a batch of 300 trames at 300 000 logements holds 1.8 million such cells. A block written by
# :func:`ecrire_donnees` alone on its rows is instead converted column by column (one factorisation per text
# column: cleaning, formula guard and shared-string index once per distinct text) and its rows are written as
# ready XML strings when the sheet is serialised. The bytes are those of the cell-by-cell path: the shared
# strings are registered in the same order (column by column, first appearance), the cell formats get their
# index in the order XlsxWriter would give it, rows, spans and dimension are the same
# (tests/test_excel.py compares both paths byte for byte).

_LIGNES_EXCEL, _COLONNES_EXCEL = 1_048_576, 16_384
BLOCS_RAPIDES = True
"""False: every block cell by cell and every table through XlsxWriter's own add_table (the reference the tests
compare the fast paths with)."""


@dataclass
class _BlocPrepare:
    premiere_ligne: int
    """0-based sheet row of the block's first record."""
    colonnes: list[tuple[int, np.ndarray, list]]
    """(0-based sheet column, code of each record's cell (-1: empty), entries) per column; an entry is
    (format, XML after the format attribute) or, for numbers, the texts of the column's distinct numbers."""
    premiers_formats: list


def _bloc_seul_sur_ses_lignes(xs, bloc: BlocDeDonnees, feuille: Feuille) -> bool:
    n = len(bloc.df)
    if n == 0 or not len(bloc.df.columns):
        return False
    debut, fin = bloc.ligne, bloc.ligne + n - 1  # 1-based
    if fin > _LIGNES_EXCEL or bloc.colonne - 1 + len(bloc.df.columns) > _COLONNES_EXCEL:
        return False
    if xs.default_row_height != xs.original_row_height or xs.excel_version == 2010 or xs.constant_memory:
        return False
    occupees = {ligne for ligne, _ in feuille.cellules} | set(feuille.hauteurs) | {r for r, _ in feuille.commentaires}
    occupees |= {r + 1 for r, cellules in xs.table.items() if cellules}
    for autre in feuille.blocs:
        if autre is not bloc:
            occupees |= set(range(autre.ligne, autre.ligne + len(autre.df)))
    return not any(debut <= ligne <= fin for ligne in occupees)


def _preparer_bloc(xs, bloc: BlocDeDonnees, fmt: _Formats) -> _BlocPrepare | None:
    """The block's columns as codes and XML pieces, its strings registered in the shared-string table; None when
    a column holds values the fast path does not take (mixed objects, very long texts): then nothing is changed."""
    est_dangereux = garde.est_dangereux
    colonnes = []
    for nom in bloc.df.columns:
        serie = bloc.df[nom]
        format = bloc.formats.get(nom)
        if pd.api.types.is_datetime64_any_dtype(serie.dtype):
            if getattr(serie.dt, "tz", None) is not None:
                serie = serie.dt.tz_localize(None)
            jours = ((serie - _ORIGINE_EXCEL) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=math.nan)
            colonnes.append(("n", jours, fmt(None, format or FORMAT_DATE)))
        elif pd.api.types.is_bool_dtype(serie.dtype):
            codes, uniques = pd.factorize(serie, use_na_sentinel=True)
            textes = ["oui" if v else "non" for v in list(uniques)]
            colonnes.append(("s", codes, [(t, fmt(None, format)) for t in textes]))
        elif pd.api.types.is_numeric_dtype(serie.dtype):
            colonnes.append(("n", serie.to_numpy(dtype="float64", na_value=math.nan), fmt(None, format)))
        else:
            codes, uniques = pd.factorize(serie, use_na_sentinel=True)
            entrees = []
            f, f_prefixe = fmt(None, format), fmt(None, format, True)
            for v in list(uniques):
                if type(v) is not str or len(v) > LONGUEUR_MAX_CELLULE // 2:
                    return None  # numbers, dates or mixed objects in a text column; texts near the UTF-16 limit
                if not v:
                    entrees.append(None)
                    continue
                if _CARACTERES_INTERDITS.search(v):
                    v = nettoyer_texte(v)
                entrees.append((v, f_prefixe if est_dangereux(v) else f))
            colonnes.append(("s", codes, entrees))
    sst = xs.str_table
    prepare = []
    premiers: list[tuple[int, int, object]] = []
    for j, (genre, donnees, extra) in enumerate(colonnes):
        c = bloc.colonne - 1 + j
        if genre == "n":
            valides = np.isfinite(donnees)
            # One text per distinct number (XlsxWriter's ``{:.16G}``), factorised on the bit patterns: -0.0
            # (« -0 ») and 0.0 (« 0 ») stay apart.
            cles, uniques = pd.factorize(donnees.view("int64"))
            codes = np.where(valides, cles, -1)
            textes = [f"{v:.16G}" for v in uniques.view("float64").tolist()]
            prepare.append((c, codes, ("n", textes, extra)))
            if extra is not None and valides.any():
                premiers.append((int(valides.argmax()), c, extra))
            continue
        codes = np.asarray(donnees, dtype="int64")
        entrees = extra
        ecrits = np.array([e is not None for e in entrees] + [False], dtype=bool)[codes]  # code -1: the last
        codes = np.where(ecrits, codes, -1)
        # Shared strings in the order of the cell-by-cell path: this column's texts by first appearance.
        index = [None if e is None else sst._get_shared_string_index(e[0]) for e in entrees]
        sst.count += int(ecrits.sum()) - sum(1 for e in entrees if e is not None)
        prepare.append((c, codes, ("s", index, [None if e is None else e[1] for e in entrees])))
        if ecrits.any():
            vus = set()
            for i in np.flatnonzero(ecrits)[:10_000].tolist():  # the first row of each format of the column
                f = entrees[codes[i]][1]
                if f is not None and id(f) not in vus:
                    vus.add(id(f))
                    premiers.append((i, c, f))
            for k, e in enumerate(entrees):  # a format first used past those rows
                if e is not None and e[1] is not None and id(e[1]) not in vus:
                    vus.add(id(e[1]))
                    premiers.append((int(np.flatnonzero(codes == k)[0]), c, e[1]))
    # Dimension: the extreme rows and columns holding a cell, as XlsxWriter's writes would record them.
    occupe = np.zeros(len(bloc.df), dtype=bool)
    colonnes_occupees = []
    for c, codes, _ in prepare:
        avec = codes >= 0
        if avec.any():
            occupe |= avec
            colonnes_occupees.append(c)
    if colonnes_occupees:
        lignes = np.flatnonzero(occupe)
        r0 = bloc.ligne - 1
        xs._check_dimensions(r0 + int(lignes[0]), min(colonnes_occupees))
        xs._check_dimensions(r0 + int(lignes[-1]), max(colonnes_occupees))
    premiers.sort(key=lambda t: (t[0], t[1]))
    return _BlocPrepare(bloc.ligne - 1, prepare, [f for _, _, f in premiers])


class _FeuilleTableaux(xlsxwriter.worksheet.Worksheet):
    """An XlsxWriter worksheet whose ``add_table`` does not visit every cell of the table.

    XlsxWriter checks a table against the previous tables and merged ranges cell by cell, storing one dict entry
    per cell (~18 ms for the « Données » table of a demo trame, a second per trame at 300 000 logements). For the
    tables this module writes (headers only: no data, formula, total row or column format), XlsxWriter is given
    the header row and the first data row, then the table's ranges are set to the whole table; overlaps between
    tables are checked on rectangles. Same bytes (tests/test_excel.py). Merged ranges: none are written here; a
    sheet with some takes XlsxWriter's path."""

    _OPTIONS_SIMPLES = frozenset({"name", "style", "banded_rows", "columns"})

    def __init__(self) -> None:
        super().__init__()
        self._rectangles_tableaux: list[tuple[int, int, int, int, str]] = []

    def add_table(self, first_row, first_col, last_row, last_col, options=None):  # noqa: ANN001, ANN201
        options = options or {}
        simple = (
            first_row < last_row
            and first_col <= last_col
            and not self.merged_cells
            and not set(options) - self._OPTIONS_SIMPLES
            and all(set(c) <= {"header"} for c in options.get("columns", []))
        )
        if not simple or self._check_dimensions(last_row, last_col, True, True):
            return super().add_table(first_row, first_col, last_row, last_col, options)
        plage = xlsxwriter.utility.xl_range(first_row, first_col, last_row, last_col)
        for r0, c0, r1, c1, autre in self._rectangles_tableaux:
            if first_row <= r1 and r0 <= last_row and first_col <= c1 and c0 <= last_col:
                raise xlsxwriter.exceptions.OverlappingRange(
                    f"Table range '{plage}' overlaps previous table range '{autre}'."
                )
        retour = super().add_table(first_row, first_col, first_row + 1, last_col, options)
        if retour == 0:
            table = self.tables[-1]
            table["range"] = table["a_range"] = plage
            if "autofilter" in table:
                table["autofilter"] = plage
                for c in range(first_col, last_col + 1):
                    self.filter_cells[(first_row, c)] = ("table", plage)
            self._rectangles_tableaux.append((first_row, first_col, last_row, last_col, plage))
        return retour


class _FeuilleXlsx(_FeuilleTableaux):
    """An XlsxWriter worksheet that writes the rows of its prepared blocks (:func:`_preparer_bloc`) as ready XML
    strings, between the rows XlsxWriter writes itself."""

    def __init__(self) -> None:
        super().__init__()
        self.blocs_rapides: list[_BlocPrepare] = []
        self._spans_figees = False

    def _calculate_spans(self) -> None:
        if self._spans_figees:
            return
        super()._calculate_spans()
        # The spans of XlsxWriter (per 16 rows: first and last column holding a cell) with the blocks' cells.
        spans = self.row_spans
        for bloc in self.blocs_rapides:
            lignes, premieres, dernieres = self._etendue(bloc)
            for groupe, mini, maxi in zip(*_par_seize(lignes, premieres, dernieres), strict=True):
                if groupe in spans:
                    a, b = (int(x) for x in spans[groupe].split(":"))
                    mini, maxi = min(mini, a - 1), max(maxi, b - 1)
                spans[groupe] = f"{mini + 1}:{maxi + 1}"

    @staticmethod
    def _etendue(bloc: _BlocPrepare) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = len(bloc.colonnes[0][1])
        premieres = np.full(n, _COLONNES_EXCEL, dtype="int64")
        dernieres = np.full(n, -1, dtype="int64")
        for c, codes, _ in bloc.colonnes:
            avec = codes >= 0
            premieres = np.where(avec & (c < premieres), c, premieres)
            dernieres = np.where(avec & (c > dernieres), c, dernieres)
        lignes = np.flatnonzero(dernieres >= 0)
        return bloc.premiere_ligne + lignes, premieres[lignes], dernieres[lignes]

    def _xml_du_bloc(self, bloc: _BlocPrepare) -> str:
        for f in bloc.premiers_formats:  # format indexes in the order of first use, as _write_cell gives them
            f._get_xf_index()
        morceaux = []
        n = len(bloc.colonnes[0][1])
        lignes_xml = [str(bloc.premiere_ligne + 1 + i) for i in range(n)]
        for c, codes, (genre, valeurs, fmts) in bloc.colonnes:
            lettre_col = xlsxwriter.utility.xl_col_to_name(c)
            info = self.col_info.get(c)
            s_colonne = ""
            if info is not None and info.column_format is not None:
                s_colonne = f' s="{info.column_format._get_xf_index()}"'
            if genre == "n":
                s = f' s="{fmts._get_xf_index()}"' if fmts is not None else s_colonne
                ouverture = f'<c r="{lettre_col}'
                suffixes = [f'"{s}><v>{v}</v></c>' for v in valeurs]
                morceaux.append(
                    [
                        f"{ouverture}{r}{suffixes[k]}" if k >= 0 else ""
                        for r, k in zip(lignes_xml, codes.tolist(), strict=True)
                    ]
                )
            else:
                suffixes = [
                    None
                    if i is None
                    else (f' s="{f._get_xf_index()}"' if f is not None else s_colonne) + f' t="s"><v>{i}</v></c>'
                    for i, f in zip(valeurs, fmts, strict=True)
                ]
                ouverture = f'<c r="{lettre_col}'
                morceaux.append(
                    [
                        f'{ouverture}{r}"{suffixes[k]}' if k >= 0 else ""
                        for r, k in zip(lignes_xml, codes.tolist(), strict=True)
                    ]
                )
        spans = self.row_spans
        lignes, _, _ = self._etendue(bloc)
        ecrites = set(lignes.tolist())
        sortie = []
        for i, cellules in enumerate(zip(*morceaux, strict=True)):
            r = bloc.premiere_ligne + i
            if r not in ecrites:
                continue
            span = spans.get(r // 16)
            entete = f'<row r="{r + 1}" spans="{span}">' if span else f'<row r="{r + 1}">'
            sortie.append(entete + "".join(cellules) + "</row>")
        return "".join(sortie)

    def _write_rows(self) -> None:
        if not self.blocs_rapides:
            super()._write_rows()
            return
        self._calculate_spans()
        debut, fin = self.dim_rowmin, self.dim_rowmax
        self._spans_figees = True
        try:
            ligne = debut
            for bloc in sorted(self.blocs_rapides, key=lambda b: b.premiere_ligne):
                if bloc.premiere_ligne > ligne:
                    self.dim_rowmin, self.dim_rowmax = ligne, bloc.premiere_ligne - 1
                    super()._write_rows()
                self.fh.write(self._xml_du_bloc(bloc))
                ligne = bloc.premiere_ligne + len(bloc.colonnes[0][1])
            if ligne <= fin:
                self.dim_rowmin, self.dim_rowmax = ligne, fin
                super()._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = debut, fin
            self._spans_figees = False


def _par_seize(lignes: np.ndarray, premieres: np.ndarray, dernieres: np.ndarray):
    """Per group of 16 rows (XlsxWriter's spans): group number, first and last column."""
    if not len(lignes):
        return [], [], []
    groupes = lignes // 16
    debuts = np.flatnonzero(np.r_[True, groupes[1:] != groupes[:-1]])
    return (
        groupes[debuts].tolist(),
        np.minimum.reduceat(premieres, debuts).tolist(),
        np.maximum.reduceat(dernieres, debuts).tolist(),
    )


# --- Sheet layout ------------------------------------------------------------------------------------


def largeur_texte(cellule: Cellule) -> int:
    """Characters a cell's content takes once displayed (numbers as formatted, the longest line of a text)."""
    valeur = cellule.valeur
    if valeur is None:
        return 0
    if isinstance(valeur, dt.date):
        return 10
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        if cellule.format == FORMAT_PART:
            return 7
        texte = f"{valeur:,.1f}" if cellule.format == FORMAT_DROITS else f"{valeur:,.0f}"
        return len(texte)
    return max((len(morceau) for morceau in str(valeur).splitlines()), default=0)


def ajuster_largeurs(ws: Feuille, minimum: float = 8, maximum: float = 60) -> None:
    """Column widths from the longest content of each column, bounded to [minimum, maximum].

    Title, subtitle and note lines (which overflow to the right) are ignored; wrapped header cells count at
    most 30 characters (they wrap onto several lines).
    """
    largeurs: dict[int, int] = {}
    for (_, colonne), cellule in ws.cellules.items():
        if cellule.valeur is None:
            continue
        nom = cellule.style.nom if cellule.style is not None else ""
        if nom in STYLES_HORS_LARGEUR:
            continue
        n = largeur_texte(cellule)
        if nom in STYLES_ENTETE:
            n = min(n, 30)
        if n > largeurs.get(colonne, -1):
            largeurs[colonne] = n
    for colonne in sorted(largeurs):
        ws.largeurs[colonne] = min(max(largeurs[colonne] + 2, minimum), maximum)


LARGEUR_PAR_DEFAUT = 8.43
"""Excel's default column width (characters)."""


def ajuster_hauteurs(ws: Feuille, hauteur_ligne: float = 13.0) -> None:
    """Row heights for wrapped text (Excel does not recompute them when it opens a file).

    Call after the column widths are set: the number of lines of a wrapped cell is estimated from its
    column's width (word wrap at about one character per width unit), and a row is as high as its tallest wrapped cell.
    Rows without wrapped text keep the default height.
    """
    lignes: dict[int, int] = {}
    for (ligne, colonne), cellule in ws.cellules.items():
        if cellule.valeur is None or cellule.style is None or not cellule.style.renvoi:
            continue
        largeur = max(int(ws.largeurs.get(colonne, LARGEUR_PAR_DEFAUT)), 1)
        n = nombre_de_lignes(str(cellule.valeur), largeur)
        if n > lignes.get(ligne, 0):
            lignes[ligne] = n
    for ligne in sorted(lignes):
        if lignes[ligne] > 1:
            ws.hauteurs[ligne] = hauteur_ligne * lignes[ligne] + 2


@functools.lru_cache(maxsize=4096)
def nombre_de_lignes(texte: str, largeur: int) -> int:
    """Lines a text takes once word-wrapped at ``largeur`` characters (each line break starts a line)."""
    morceaux = texte.splitlines() or [""]
    return sum(max(1, len(textwrap.wrap(m, largeur))) for m in morceaux)


def figer_entete(ws: Feuille, cellule: str = "A2") -> None:
    """Freeze the rows above and the columns left of ``cellule`` (``"B5"`` keeps rows 1–4 and column A in view)."""
    ws.fige = cellule


def mise_en_page(
    ws: Feuille,
    lignes_repetees: tuple[int, int] | None = None,
    paysage: bool = True,
    zone: bool | int = False,
) -> None:
    """Print layout: A4 landscape, fit to the page width, narrow margins, header rows repeated on every page,
    footer with the sheet name and "Page n / N"; ``zone``: the print area (:class:`Impression`)."""
    ws.impression = Impression(paysage, lignes_repetees, zone)
    ws.pied = PIED_DE_PAGE


def etendue(ws: Feuille, jusqua: int | None = None) -> tuple[int, int]:
    """The last row and column the sheet uses (cells, the columns a text overflows into, Excel tables, data blocks,
    charts), (0, 0) when empty: its print area from A1, so that nothing shown is cut; ``jusqua``: only the rows
    down to that one."""
    if jusqua is not None:
        haut = _lignes_jusqua(ws, jusqua)
        return (jusqua, etendue(haut)[1]) if haut.cellules else (0, 0)
    lignes = [ligne for ligne, _ in ws.cellules] + [t.derniere_ligne for t in ws.tableaux]
    colonnes = [colonne for _, colonne in ws.cellules] + [t.derniere_colonne for t in ws.tableaux]
    for (ligne, colonne), cellule in ws.cellules.items():
        # A text that does not wrap runs on over the empty cells to its right (a note under a table).
        valeur, style = cellule.valeur, cellule.style
        if (
            not isinstance(valeur, str)
            or len(valeur) <= (ws.largeurs.get(colonne) or LARGEUR_PAR_DEFAUT)
            or (style is not None and style.renvoi)
        ):
            continue
        reste = largeur_texte(cellule) * (style.taille if style else 11) / 11  # in Calibri 11 characters
        while reste > (ws.largeurs.get(colonne) or LARGEUR_PAR_DEFAUT) and (ligne, colonne + 1) not in ws.cellules:
            reste -= ws.largeurs.get(colonne) or LARGEUR_PAR_DEFAUT
            colonne += 1
        colonnes.append(colonne)
    for b in ws.blocs:
        lignes.append(b.ligne + len(b.df) - 1)
        colonnes.append(b.colonne + len(b.df.columns) - 1)
    for g in ws.graphiques:
        ligne, colonne = xlsxwriter.utility.xl_cell_to_rowcol(g.ancre)  # 0-based
        largeur, hauteur = g.largeur_cm * PIXELS_PAR_CM, g.hauteur_cm * PIXELS_PAR_CM
        while largeur > 0:  # columns under the chart (Excel's default width: 64 px)
            colonne += 1
            largeur -= ws.largeurs[colonne] * PIXELS_PAR_CARACTERE if ws.largeurs.get(colonne) else 64
        while hauteur > 0:  # rows under it (default height: 20 px)
            ligne += 1
            hauteur -= ws.hauteurs[ligne] / 0.75 if ws.hauteurs.get(ligne) else 20
        lignes.append(ligne)
        colonnes.append(colonne)
    return max(lignes, default=0), max(colonnes, default=0)


def _lignes_jusqua(ws: Feuille, jusqua: int) -> Feuille:
    """A sheet with only the cells of ``ws`` on rows 1 to ``jusqua`` (same widths)."""
    haut = Feuille(ws.titre)
    haut.largeurs = ws.largeurs
    haut.cellules = {k: c for k, c in ws.cellules.items() if k[0] <= jusqua}
    return haut


# --- The Paramètres and Définitions sheets (DOMAINE.md §5) ------------------------------------------

_GAUCHE_HAUT = {"horizontal": "left", "vertical": "top", "renvoi": True}


def _feuille_deux_colonnes(
    onglet: str,
    titre: str,
    sous_titres: Sequence[str],
    entetes: tuple[str, str],
    lignes: Sequence[tuple[str, object]],
    en_texte: bool,
    largeur_max_a: int,
    largeur_b: float | None,
) -> Feuille:
    """A title block, then a two-column table (term | value) with wrapped, top-aligned cells, printed portrait.

    Values are written by :func:`ecrire_valeur` (integers as years, without a thousands separator), or as text
    when ``en_texte``. ``largeur_b`` None: column B at least 40 characters wide, else exactly ``largeur_b``.
    """
    ws = Feuille(onglet)
    debut = ecrire_titre(ws, titre, sous_titres)
    for j, entete in enumerate(entetes, start=1):
        ecrire_texte(ws, debut, j, entete, STYLE_ENTETE)
    corps = STYLE_CORPS.avec(**_GAUCHE_HAUT)
    for i, ligne in enumerate(lignes, start=debut + 1):
        for j, v in enumerate(ligne, start=1):
            if en_texte:
                ecrire_texte(ws, i, j, v, corps)
                continue
            entier = isinstance(v, int) and not isinstance(v, bool)
            cellule = ecrire_valeur(ws, i, j, v, FORMAT_ANNEE if entier else None, STYLE_CORPS)
            cellule.style = (cellule.style or STYLE_CORPS).avec(**_GAUCHE_HAUT)
    ajuster_largeurs(ws, maximum=largeur_max_a)
    ws.largeurs[2] = max(ws.largeurs.get(2, 0), 40) if largeur_b is None else largeur_b
    ajuster_hauteurs(ws)
    figer_entete(ws, f"A{debut + 1}")
    mise_en_page(ws, (debut, debut), paysage=False, zone=True)
    return ws


def feuille_parametres(
    wb: Classeur,
    lignes: Sequence[tuple[str, object]],
    titre: str = "Paramètres",
    sous_titres: Sequence[str] = (),
) -> Feuille:
    """The "Paramètres" sheet: a title block, then a two-column table Paramètre | Valeur.

    Values are written by :func:`ecrire_valeur` (dates as dates, numbers as numbers, text as safe text);
    integers without a thousands separator (a year reads 2024, not 2 024).
    """
    onglet = titre_feuille(titre, wb.titres)
    return wb.ajouter(
        _feuille_deux_colonnes(onglet, titre, sous_titres, ("Paramètre", "Valeur"), lignes, False, 60, None)
    )


def feuille_definitions(
    wb: Classeur, lignes: Sequence[tuple[str, str]], titre: str = "Définitions", sous_titres: Sequence[str] = ()
) -> Feuille:
    """The "Définitions" sheet: a title block, then a two-column table Terme | Définition (wrapped text).

    The sheet is built once per content (:func:`_definitions`) and shared by the workbooks of a batch: the
    definitions are the same in every workbook.
    """
    onglet = titre_feuille(titre, wb.titres)
    return wb.ajouter(_definitions(onglet, titre, tuple(lignes), tuple(sous_titres)))


@functools.lru_cache(maxsize=16)
def _definitions(onglet: str, titre: str, lignes: tuple[tuple[str, str], ...], sous_titres: tuple[str, ...]) -> Feuille:
    """Shared by every workbook that adds it: never modify it (a batch's footer is set on the workbook,
    :attr:`Classeur.pied`)."""
    return _feuille_deux_colonnes(onglet, titre, sous_titres, ("Terme", "Définition"), lignes, True, 40, 100)


# --- Charts ------------------------------------------------------------------------------------------


def ajouter_graphique_barres(
    ws: Feuille,
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
    categories_inversees: bool = False,
) -> Graphique:
    """A native Excel bar chart of a table written by :func:`ecrire_tableau`, anchored at ``ancre`` ("H3").

    Categories are the table's first column; series are ``colonnes`` (1-based sheet column numbers, default
    every other column of the table), named by their header. The totals row is left out. Series colours follow
    :data:`PALETTE`; the value axis starts at zero, without gridlines; the legend is under the plot.

    Horizontal clustered bars in the table's order (``categories_inversees``) of several series have no legend:
    LibreOffice lists such a legend in reverse series order and Excel in series order, so no legend follows the
    bars in both (series 1 is the top bar of each group). The value axis title names the bars from top to bottom
    instead.
    """
    colonnes = tuple(colonnes or range(plage.premiere_colonne + 1, plage.derniere_colonne + 1))
    legende = not (horizontal and categories_inversees and not empile and len(colonnes) > 1)
    if not legende:
        noms = ", ".join(str(ws.valeur(plage.premiere_ligne, colonne)) for colonne in colonnes)
        titre_axe = f"{titre_axe} – barres de haut en bas : {noms}" if titre_axe else f"Barres de haut en bas : {noms}"
    graphique = Graphique(
        titre=titre,
        ancre=ancre,
        ligne_entete=plage.premiere_ligne,
        premiere_ligne=plage.premiere_ligne + 1,
        derniere_ligne=plage.derniere_ligne_donnees,
        colonne_categories=plage.premiere_colonne,
        colonnes=colonnes,
        horizontal=horizontal,
        empile=empile,
        titre_axe=titre_axe,
        format_axe=format_axe,
        largeur_cm=largeur_cm,
        hauteur_cm=hauteur_cm,
        categories_inversees=categories_inversees,
        legende=legende,
    )
    ws.graphiques.append(graphique)
    return graphique


# --- Serialisation (XlsxWriter, in memory) ---------------------------------------------------------

OPTIONS_XLSXWRITER = {
    "in_memory": True,  # no temporary file: nothing derived from an upload reaches the disk (DOMAINE.md §6)
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
PIXELS_PAR_CARACTERE = 7
"""Width of a digit of Calibri 11 in pixels: Excel's column-width unit."""
LARGEUR_PAR_DEFAUT = 8.43
"""Excel's default column width, in characters (64 px)."""
PIXELS_PAR_CM = 96 / 2.54


try:  # XlsxWriter ≥ 3.3: a colour parsed once serves every workbook (parsing is a tenth of a report's formats)
    from xlsxwriter.color import Color as _Color

    _couleur = functools.lru_cache(maxsize=64)(lambda code: _Color("#" + code))
except ImportError:  # pragma: no cover - older XlsxWriter

    def _couleur(code: str) -> str:
        return "#" + code


def _proprietes(style: Style | None, format: str | None, prefixe: bool) -> dict[str, object]:
    """XlsxWriter format properties of a cell."""
    p: dict[str, object] = {}
    if style is not None:
        p["font_name"] = POLICE
        p["font_size"] = style.taille
        if style.gras:
            p["bold"] = True
        if style.italique:
            p["italic"] = True
        if style.couleur:
            p["font_color"] = _couleur(style.couleur)
        if style.fond:
            p["pattern"] = 1
            p["bg_color"] = _couleur(style.fond)
        if style.bordure:
            p["border"] = 1
            p["border_color"] = _couleur(GRIS_BORDURE)
        if style.bordure_haut_forte:
            p["top"] = 2
            p["top_color"] = _couleur(BLEU_FONCE)
        if style.horizontal:
            p["align"] = style.horizontal
        if style.vertical:
            p["valign"] = "vcenter" if style.vertical == "center" else style.vertical
        if style.renvoi:
            p["text_wrap"] = True
    if format:
        p["num_format"] = format
    if prefixe:
        p["quote_prefix"] = True
    return p


class _Formats:
    """The cell formats of one workbook, each created once (keyed by style, number format and quote prefix)."""

    def __init__(self, xw: xlsxwriter.Workbook) -> None:
        self._xw = xw
        self._cache: dict[tuple[Style | None, str | None, bool], object] = {}

    def __call__(self, style: Style | None, format: str | None = None, prefixe: bool = False):
        cle = (style, format, prefixe)
        fmt = self._cache.get(cle, False)
        if fmt is False:
            proprietes = _proprietes(style, format, prefixe)
            fmt = self._cache[cle] = self._xw.add_format(proprietes) if proprietes else None
        return fmt


def _ecrire_cellules(xs, feuille: Feuille, fmt: _Formats) -> None:
    # XlsxWriter's _write_* behind its public write_* (which only add the A1-notation decorator: a tenth of the
    # time of the ~200 000 cells of a batch at 300 000 logements); same bytes.
    est_dangereux = garde.est_dangereux
    ecrire_vide, ecrire_texte_, ecrire_nombre, ecrire_date = (
        xs._write_blank,
        xs._write_string,
        xs._write_number,
        xs._write_datetime,
    )
    for (ligne, colonne), cellule in feuille.cellules.items():
        valeur, r, c = cellule.valeur, ligne - 1, colonne - 1
        if valeur is None:
            if cellule.style is not None or cellule.format:
                ecrire_vide(r, c, None, fmt(cellule.style, cellule.format))
        elif isinstance(valeur, str):
            ecrire_texte_(r, c, valeur, fmt(cellule.style, cellule.format, est_dangereux(valeur)))
        elif isinstance(valeur, int | float):
            ecrire_nombre(r, c, valeur, fmt(cellule.style, cellule.format))
        elif isinstance(valeur, dt.date | dt.datetime):
            ecrire_date(r, c, valeur, fmt(cellule.style, cellule.format or FORMAT_DATE))
        else:  # pragma: no cover - ecrire_valeur stores only the types above
            raise TypeError(f"valeur de cellule inattendue : {type(valeur).__name__}")


def _validation(v: Validation) -> dict[str, object]:
    options: dict[str, object] = {
        "ignore_blank": True,
        "show_error": True,
        "error_type": "warning",
        "error_title": v.titre_erreur,
        "error_message": v.message_erreur,
    }
    if v.genre == "liste":
        options["validate"] = "list"
        options["source"] = list(v.source) if isinstance(v.source, tuple) else f"={v.source}"
        return options
    options["validate"] = {"entier": "integer", "decimal": "decimal", "date": "date"}[v.genre]
    if v.maximum is None:
        options.update(criteria=">=", value=_borne(v.minimum))
    else:
        options.update(criteria="between", minimum=_borne(v.minimum), maximum=_borne(v.maximum))
    return options


def _borne(valeur: float | dt.date | None) -> float | int | None:
    """A bound of a validation: a date becomes its Excel serial number (days since 30/12/1899)."""
    if isinstance(valeur, dt.date):
        return (valeur - dt.date(1899, 12, 30)).days
    return valeur


def _ecrire_graphique(xw: xlsxwriter.Workbook, xs, feuille: Feuille, g: Graphique) -> None:
    options: dict[str, object] = {"type": "bar" if g.horizontal else "column"}
    if g.empile:
        options["subtype"] = "stacked"
    chart = xw.add_chart(options)
    r1, r2, cat = g.premiere_ligne - 1, g.derniere_ligne - 1, g.colonne_categories - 1
    for i, colonne in enumerate(g.colonnes):
        couleur = "#" + PALETTE[i % len(PALETTE)]
        chart.add_series(
            {
                "name": [feuille.titre, g.ligne_entete - 1, colonne - 1],
                "categories": [feuille.titre, r1, cat, r2, cat],
                "values": [feuille.titre, r1, colonne - 1, r2, colonne - 1],
                "fill": {"color": couleur},
                "border": {"color": couleur},
            }
        )
    chart.set_title({"name": g.titre, "name_font": {"size": 12, "bold": True}, "overlay": False})
    chart.set_style(10)
    valeurs: dict[str, object] = {"min": 0, "major_gridlines": {"visible": False}, "major_tick_mark": "none"}
    if g.titre_axe:
        valeurs["name"] = g.titre_axe
    if g.format_axe:
        valeurs["num_format"] = g.format_axe
    categories: dict[str, object] = {"major_tick_mark": "none"}
    if g.categories_inversees:
        categories["reverse"] = True
        categories["crossing"] = "max"  # the value axis stays under the bars, beside its title
    # XlsxWriter's bar (horizontal) charts swap the axes: there, the x axis is the value axis.
    (chart.set_x_axis if g.horizontal else chart.set_y_axis)(valeurs)
    (chart.set_y_axis if g.horizontal else chart.set_x_axis)(categories)
    chart.set_legend({"position": "bottom"} if g.legende else {"none": True})
    chart.set_size({"width": round(g.largeur_cm * PIXELS_PAR_CM), "height": round(g.hauteur_cm * PIXELS_PAR_CM)})
    xs.insert_chart(g.ancre, chart, {"object_position": 2})


def _pied(pied: PiedDePage) -> str:
    """The footer string in 8 pt, the centre part shortened to Excel's 255 characters if needed.

    A space follows each size code ``&8``: a text starting with a digit (« 3F Habitat ») would otherwise change
    the size (``&83``)."""
    gauche, droite = f"&L&8 {pied.gauche}", f"&R&8 {pied.droite}"
    place = LONGUEUR_MAX_PIED - len(gauche) - len(droite) - len("&C&8 ")
    centre = pied.centre[: max(place, 0)] if pied.centre else ""
    if (len(centre) - len(centre.rstrip("&"))) % 2:  # never end on half of an escaped "&&"
        centre = centre[:-1]
    return gauche + (f"&C&8 {centre}" if centre else "") + droite


def _ecrire_feuille(xw: xlsxwriter.Workbook, wb: Classeur, feuille: Feuille, fmt: _Formats) -> None:
    classe = None
    if BLOCS_RAPIDES:
        classe = _FeuilleXlsx if feuille.blocs else _FeuilleTableaux if feuille.tableaux else None
    xs = xw.add_worksheet(feuille.titre, classe)
    for t in feuille.tableaux:  # before the cells: XlsxWriter writes its own header cells, ours replace them
        xs.add_table(
            t.premiere_ligne - 1,
            t.premiere_colonne - 1,
            t.derniere_ligne - 1,
            t.derniere_colonne - 1,
            {
                "name": t.nom,
                "style": "Table Style Light 1",
                "banded_rows": False,
                "columns": [{"header": e} for e in t.entetes],
            },
        )
    _ecrire_cellules(xs, feuille, fmt)
    for bloc in feuille.blocs:
        _ecrire_bloc(xs, bloc, fmt, feuille)
    for colonne in sorted(set(feuille.largeurs) | set(feuille.formats_colonnes)):
        largeur = feuille.largeurs.get(colonne)
        pixels = None if largeur is None else largeur * PIXELS_PAR_CARACTERE
        format_colonne = feuille.formats_colonnes.get(colonne)
        xs.set_column_pixels(colonne - 1, colonne - 1, pixels, fmt(None, format_colonne) if format_colonne else None)
    for ligne, hauteur in sorted(feuille.hauteurs.items()):
        xs.set_row_pixels(ligne - 1, hauteur / 0.75)  # set_row would round the height to whole pixels
    if feuille.fige:
        xs.freeze_panes(feuille.fige)
    if feuille.filtre:
        xs.autofilter(*(k - 1 for k in feuille.filtre))
    for v in feuille.validations:
        xs.data_validation(v.zone, _validation(v))
    for (ligne, colonne), c in sorted(feuille.commentaires.items()):
        xs.write_comment(ligne - 1, colonne - 1, c.texte, {"author": c.auteur, "width": c.largeur, "height": c.hauteur})
    for graphique in feuille.graphiques:
        _ecrire_graphique(xw, xs, feuille, graphique)
    if feuille.impression is not None:
        i = feuille.impression
        xs.set_landscape() if i.paysage else xs.set_portrait()
        xs.set_paper(9)  # A4
        xs.fit_to_pages(1, 0)
        xs.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        if i.lignes_repetees:
            xs.repeat_rows(i.lignes_repetees[0] - 1, i.lignes_repetees[1] - 1)
        if i.zone is not False:
            derniere_ligne, derniere_colonne = etendue(feuille, None if i.zone is True else i.zone)
            if derniere_ligne and derniere_colonne:
                xs.print_area(0, 0, derniere_ligne - 1, derniere_colonne - 1)
        xs.set_header("", {"margin": 0.3})
    pied = wb.pied if (wb.pied is not None and feuille.impression is not None) else feuille.pied
    if pied is not None:
        xs.set_footer(_pied(pied), {"margin": 0.3})
    if feuille.masquee:
        xs.hide()


def classeur_en_octets(wb: Classeur) -> bytes:
    """The workbook as ``.xlsx`` bytes, built in memory (never written to disk, DOMAINE.md §6)."""
    tampon = io.BytesIO()
    xw = xlsxwriter.Workbook(tampon, OPTIONS_XLSXWRITER)
    proprietes: dict[str, object] = {"author": wb.auteur, "created": wb.date or dt.datetime.now()}
    if wb.titre:
        proprietes["title"] = nettoyer_texte(wb.titre)
    xw.set_properties(proprietes)
    fmt = _Formats(xw)
    for feuille in wb.feuilles:
        _ecrire_feuille(xw, wb, feuille, fmt)
    for nom, zone in wb.noms.items():
        xw.define_name(nom, f"={zone}")
    if wb.feuilles:
        xw.worksheets()[wb.active].activate()
    xw.close()
    return tampon.getvalue()
