"""Makers of hostile inputs (issue 12), built in memory when a test or a benchmark asks for them: nothing large
is committed. A workbook is written by hand (its XML parts in a ZIP) so that a test can say exactly what the file
holds: a sheet's hidden state, an error cell, a ``<dimension>`` that lies, a sheet XML that inflates to 1 Gio.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{feuilles}</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

Cellule = str | int | float | None
"""A cell of :func:`classeur`: text (inline string), a number, None (empty), or ``"#REF!"``-like error text
given as ``("e", "#REF!")``."""


def _colonne(i: int) -> str:
    lettres = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        lettres = chr(65 + r) + lettres
    return lettres


def _cellule(ref: str, v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, tuple) and v[0] == "e":  # an error cell, as Excel writes it
        return f'<c r="{ref}" t="e"><v>{escape(v[1])}</v></c>'
    if isinstance(v, tuple) and v[0] == "f":  # a formula without a cached value
        return f'<c r="{ref}"><f>{escape(v[1])}</f></c>'
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def xml_feuille(lignes: Iterable[Iterable[object]], dimension: str | None = None, fusion: str | None = None) -> str:
    """The XML of one sheet; ``dimension`` (``"A1:BR1048000"``) is what the sheet announces, true or not."""
    rangees = []
    for r, ligne in enumerate(lignes, start=1):
        cellules = "".join(_cellule(f"{_colonne(c)}{r}", v) for c, v in enumerate(ligne))
        rangees.append(f'<row r="{r}">{cellules}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    fusions = f'<mergeCells count="1"><mergeCell ref="{fusion}"/></mergeCells>' if fusion else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}<sheetData>{"".join(rangees)}</sheetData>{fusions}</worksheet>'


def classeur(
    feuilles: dict[str, str | Iterable[bytes]],
    etats: dict[str, str] | None = None,
    niveau: int = 6,
) -> bytes:
    """An xlsx of ``{sheet name: sheet XML (text, or chunks of bytes streamed into the ZIP)}``, in this order;
    ``etats`` gives a sheet's ``state`` (``"hidden"``, ``"veryHidden"``)."""
    etats = etats or {}
    noms = list(feuilles)
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=niveau) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(noms) + 1)
        )
        zf.writestr("[Content_Types].xml", _TYPES.format(feuilles=overrides))
        zf.writestr("_rels/.rels", _RELS)
        liste = "".join(
            f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"'
            + (f' state="{etats[n]}"' if n in etats else "")
            + "/>"
            for i, n in enumerate(noms, start=1)
        )
        zf.writestr("xl/workbook.xml", f"<workbook {_NS} {_NS_R}><sheets>{liste}</sheets></workbook>")
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(noms) + 1)
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + relations
            + "</Relationships>",
        )
        for i, n in enumerate(noms, start=1):
            contenu = feuilles[n]
            if isinstance(contenu, str):
                zf.writestr(f"xl/worksheets/sheet{i}.xml", contenu)
            else:
                with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as flux:
                    for morceau in contenu:
                        flux.write(morceau)
    return tampon.getvalue()


def _xml_bombe(lignes: int, colonnes: int) -> Iterator[bytes]:
    """The issue's bomb: ``lignes`` rows of ``colonnes`` numeric cells, announced as such in ``<dimension>``."""
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>'
        f'<dimension ref="A1:{_colonne(colonnes - 1)}{lignes}"/><sheetData>'
    ).encode()
    rangee = ("<row>" + "<c><v>1</v></c>" * colonnes + "</row>").encode()
    paquet = rangee * 1000
    for _ in range(lignes // 1000):
        yield paquet
    yield rangee * (lignes % 1000)
    yield b"</sheetData></worksheet>"


def bombe_cellules(lignes: int = 1_048_000, colonnes: int = 70) -> bytes:
    """Issue 12, row 2: a few Mo whose sheet XML inflates to about 1 Gio (1 048 000 rows × 70 cells by default)."""
    return classeur({"tours": _xml_bombe(lignes, colonnes)}, niveau=9)


def bombe_espaces(mio: int = 1300) -> bytes:
    """Issue 12, row 2: about 1,2 Mo of which one sheet is ``mio`` Mio of spaces (no ``<dimension>`` to see)."""
    morceau = b" " * (1024 * 1024)

    def xml() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>'.encode()
        for _ in range(mio):
            yield morceau
        yield b"</sheetData></worksheet>"

    return classeur({"tours": xml()}, niveau=9)


def lignes_petit_jeu() -> dict[str, list[list[object]]]:
    """The tables of tests/petit_jeu.py as rows of cells (header first), to be changed then written with
    :func:`classeur_de` or :func:`csv_de`."""
    import csv

    from tests import petit_jeu

    tables = {}
    for nom, octets in petit_jeu.fichiers_petits():
        tables[nom.removesuffix(".csv")] = [list(r) for r in csv.reader(io.StringIO(octets.decode()), delimiter=";")]
    return tables


def classeur_de(tables: dict[str, list[list[object]]], etats: dict[str, str] | None = None, **fusions: str) -> bytes:
    """A workbook with one sheet per table (``fusions``: sheet name → merged range)."""
    return classeur({n: xml_feuille(lignes, fusion=fusions.get(n)) for n, lignes in tables.items()}, etats)


def csv_de(lignes: list[list[object]], sep: str = ";") -> bytes:
    return "".join(sep.join("" if v is None else str(v) for v in ligne) + "\n" for ligne in lignes).encode()
