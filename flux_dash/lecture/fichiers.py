"""Files: recognising and decoding what a user gives, into raw tables (FORMAT.md §1, §2.3).

This module owns the inputs (paths, ``(name, bytes)`` pairs, uploaded files), the file kind by content (workbook,
CSV, or why not: empty, password-protected, ZIP archive, PDF…), the CSV encoding and separator, the header row of
each sheet or CSV file, and the raw table (:class:`Brut`) found below it, cells still as typed.
"""

from __future__ import annotations

import html
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from flux_dash import formats, limites
from flux_dash.lecture.cellules import CelluleSpeciale, est_vide
from flux_dash.lecture.entetes import LIGNES_EN_TETE_MAX, score_entete
from flux_dash.problemes import Probleme
from flux_dash.validation.catalogue import Code, probleme

SEPARATEURS = (";", ",", "\t", "|")

_NOMS_SEPARATEURS = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}


@dataclass
class Brut:
    """One raw table found in a sheet or a CSV file, before header mapping and parsing."""

    source: str  # sheet name, or file name for a CSV
    est_feuille: bool
    entetes: list[str]  # header cells as typed
    valeurs: pd.DataFrame  # the rows below the header, positional columns, raw cells (str for CSV, objects for Excel)
    lignes: np.ndarray  # line number of each row as the user sees it
    masquee: bool = False  # a hidden or very hidden sheet: never preferred to a visible one (issue 12, row 3)
    problemes: list[Probleme] = field(default_factory=list)
    _facteurs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def facteur(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(code of each row's distinct value (-1 = missing), distinct values, row is empty) of column p."""
        if p not in self._facteurs:
            serie = self.valeurs[p]
            codes, uniques = pd.factorize(serie, use_na_sentinel=True)
            if serie.dtype == object:  # Excel cells: mixed Python objects
                uniques = np.asarray(uniques, dtype=object)
                vide_u = np.fromiter((est_vide(u) for u in uniques), dtype=bool, count=len(uniques))
            else:  # CSV: text only, vectorised
                vide_u = np.asarray(pd.Series(uniques, dtype="string").str.strip().eq(""), dtype=bool)
                uniques = np.asarray(uniques, dtype=object)
            self._facteurs[p] = (codes, uniques, np.append(vide_u, True)[codes])
        return self._facteurs[p]

    def lignes_vides(self) -> np.ndarray:
        """Rows whose every cell is empty (missing or blank text): skipped, their line numbers kept."""
        vides = np.ones(len(self.valeurs), dtype=bool)
        for p in self.valeurs.columns:
            vides &= self.facteur(p)[2]
        return vides


def nom_et_octets(fichier: object) -> tuple[str, bytes | None, Probleme | None]:
    """(file name, content, the problem when it cannot be opened) of one input."""
    if isinstance(fichier, tuple) and len(fichier) == 2:
        nom, contenu = fichier
        return str(nom), bytes(contenu), None
    if hasattr(fichier, "getvalue") and hasattr(fichier, "name"):  # an uploaded file object
        return str(fichier.name), bytes(fichier.getvalue()), None
    try:
        chemin = Path(os.fspath(fichier))  # type: ignore[arg-type]
    except TypeError:
        raison = "ce n'est ni un chemin de fichier ni un couple (nom, contenu)"
        return str(fichier), None, probleme_fichier(Code.FICHIER_ILLISIBLE, str(fichier), raison)
    try:
        return chemin.name, chemin.read_bytes(), None
    except FileNotFoundError:
        return chemin.name, None, probleme_fichier(Code.FICHIER_INTROUVABLE, chemin.name)
    except IsADirectoryError:
        raison = "c'est un dossier, pas un fichier"
        return chemin.name, None, probleme_fichier(Code.FICHIER_ILLISIBLE, chemin.name, raison)
    except OSError as e:
        raison = f"impossible de l'ouvrir ({e.strerror or e})"
        return chemin.name, None, probleme_fichier(Code.FICHIER_ILLISIBLE, chemin.name, raison)


_SIGNATURES_BINAIRES = {
    b"%PDF": "un document PDF",
    b"\x89PNG": "une image PNG",
    b"\xff\xd8\xff": "une image JPEG",
    b"GIF8": "une image GIF",
    b"\x1f\x8b": "une archive compressée (gzip)",
    b"Rar!": "une archive RAR",
    b"7z\xbc\xaf": "une archive 7z",
}


def _genre(contenu: bytes) -> str:
    """'vide', 'classeur', 'ole', 'binaire:<description>' or 'texte', from the content (not the extension)."""
    if not contenu.strip():
        return "vide"
    if contenu[:4] == b"PK\x03\x04":
        return "classeur"
    if contenu[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    for signature, description in _SIGNATURES_BINAIRES.items():
        if contenu.startswith(signature):
            return "binaire:" + description
    debut = contenu[:8192]
    nuls = debut.count(b"\x00")
    # A stray NUL in a text file (a name typed with one) is not a binary file: binary files are full of them.
    if not debut.startswith((b"\xff\xfe", b"\xfe\xff")) and nuls > len(debut) // 100 and not _utf16_sans_bom(contenu):
        return "binaire:un fichier binaire"
    if nuls and _CONTROLES_BINAIRES.search(debut):
        return "binaire:un fichier binaire"
    return "texte"


_CONTROLES_BINAIRES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")
"""Control bytes no text export contains (tab, line feed, carriage return and escape excepted)."""


def _utf16_sans_bom(contenu: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text without its byte-order mark (some « Texte Unicode » exports):
    Latin text then has a NUL byte in every other position."""
    debut = contenu[:8192]
    debut = debut[: len(debut) // 2 * 2]
    if len(debut) < 4:
        return None
    pairs, impairs = debut[0::2], debut[1::2]
    for nuls, autres, codec in ((impairs, pairs, "utf-16-le"), (pairs, impairs, "utf-16-be")):
        if nuls.count(0) >= 0.9 * len(nuls) and autres.count(0) == 0:
            return codec
    return None


def _archive_non_classeur(contenu: bytes) -> list[str] | None:
    """Names of the files of a ZIP archive that is not a workbook (xlsx and ods are ZIP archives too), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            noms = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # damaged: the workbook readers say so
    if "[Content_Types].xml" in noms or "mimetype" in noms or "content.xml" in noms:
        return None
    return sorted(n for n in noms if not n.endswith("/"))


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")


def _colonne_en_nombre(lettres: bytes) -> int:
    n = 0
    for c in lettres:
        n = n * 26 + c - 64
    return n


def _probleme_limite(nom: str, regle: str) -> Probleme:
    return probleme_fichier(Code.LIMITE_DEPASSEE, nom, regle)


def controler_archive(nom: str, contenu: bytes) -> Probleme | None:
    """The limits of a workbook (a ZIP archive) checked on its directory, BEFORE anything is inflated
    (issue 12, decompression bombs): number of members, inflated size of each and of all, compression ratio, and
    the rows × columns each sheet announces in its ``<dimension>`` (only its first 4 Kio are inflated)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # damaged: the workbook readers say so
    with archive:
        membres = archive.infolist()
        if len(membres) > limites.MEMBRES_ARCHIVE:
            return _probleme_limite(
                nom,
                f"classeur refusé : il contient {formats.nombre(len(membres))} fichiers internes, au plus "
                f"{formats.nombre(limites.MEMBRES_ARCHIVE)}",
            )
        total = 0
        for m in membres:
            total += m.file_size
            if m.file_size > limites.TAILLE_MEMBRE:
                return _probleme_limite(
                    nom,
                    f"classeur refusé : « {m.filename} » occupe {limites.octets_lisibles(m.file_size)} une fois "
                    f"décompressé, au plus {limites.octets_lisibles(limites.TAILLE_MEMBRE)}",
                )
            ratio = m.file_size / max(m.compress_size, 1)
            if m.file_size > limites.TAILLE_RATIO_MIN and ratio > limites.RATIO_COMPRESSION:
                return _probleme_limite(
                    nom,
                    f"classeur refusé : « {m.filename} » est comprimé {formats.nombre(ratio, 0)} fois, au plus "
                    f"{formats.nombre(limites.RATIO_COMPRESSION)} fois (bombe de décompression probable)",
                )
        if total > limites.TAILLE_DECOMPRESSEE:
            return _probleme_limite(
                nom,
                f"classeur refusé : il occupe {limites.octets_lisibles(total)} une fois décompressé, au plus "
                f"{limites.octets_lisibles(limites.TAILLE_DECOMPRESSEE)}",
            )
        noms = _noms_des_feuilles(archive)
        for m in membres:
            if not (m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")):
                continue
            try:
                with archive.open(m) as flux:
                    debut = flux.read(4096)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                return None  # damaged or encrypted: the workbook readers say so
            d = _DIMENSION.search(debut)
            if not d or not d.group(4):
                continue
            lignes = int(d.group(4)) - int(d.group(2) or 1) + 1
            colonnes = _colonne_en_nombre(d.group(3)) - _colonne_en_nombre(d.group(1) or b"A") + 1
            message = _message_taille_table(
                f"la feuille « {noms.get(m.filename, m.filename)} »", lignes, colonnes, "annonce"
            )
            if message:
                return _probleme_limite(nom, message)
    return None


def _message_taille_table(lieu: str, lignes: int, colonnes: int, verbe: str = "a") -> str | None:
    """The French rule broken by a table of ``lignes`` × ``colonnes``, or None within the limits."""
    if lignes > limites.LIGNES_TABLE:
        return (
            f"{lieu} {verbe} {formats.nombre(lignes)} lignes, au plus {formats.nombre(limites.LIGNES_TABLE)} par table"
        )
    if lignes * colonnes > limites.CELLULES_TABLE:
        return (
            f"{lieu} {verbe} {formats.nombre(lignes)} lignes × {formats.nombre(colonnes)} colonnes = "
            f"{formats.nombre(lignes * colonnes)} cellules, au plus {formats.nombre(limites.CELLULES_TABLE)} par table"
        )
    return None


def probleme_fichier(code: Code, nom: str, raison: str = "", conseil: str | None = None) -> Probleme:
    """The problem of a whole file; ``raison`` fills the ``{raison}`` of the code's text."""
    return probleme(code, source=nom, conseil=conseil, **({"raison": raison} if raison else {}))


def _texte_cellule(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v).strip()


# --- Workbooks ------------------------------------------------------------------------------------------


@dataclass
class Feuilles:
    """The sheets of a workbook as raw cells (row p of a frame being the sheet's row p + 1), with what calamine
    knows beside the values: hidden sheets, merged ranges ((first row, first column), (last row, last column),
    0-based) per sheet."""

    cellules: dict[str, pd.DataFrame]
    masquees: set[str] = field(default_factory=set)
    fusions: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = field(default_factory=dict)


def _feuilles_calamine(contenu: bytes) -> Feuilles:
    """Every sheet as raw cells.

    python-calamine is called directly rather than through ``pd.read_excel(engine="calamine")``: same reader,
    same values, but about 3 times faster on 100k rows (pandas converts every cell in Python, then re-parses).
    Empty cells are ``""``; numbers are floats; date cells are ``date``/``datetime``.
    """
    classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
    feuilles = Feuilles({})
    for meta in classeur.sheets_metadata:
        if str(meta.visible).rsplit(".", 1)[-1] != "Visible":
            feuilles.masquees.add(meta.name)
    for nom in classeur.sheet_names:
        feuille = classeur.get_sheet_by_name(nom)
        feuilles.cellules[nom] = pd.DataFrame(feuille.to_python(skip_empty_area=False), dtype=object)
        feuilles.fusions[nom] = list(feuille.merged_cell_ranges or [])
    return feuilles


_CELLULE_XML = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF_XML = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_F_XML = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_V_XML = re.compile(rb"<v>([^<]*)</v>")


def _noms_des_feuilles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Path of each sheet's XML in the archive → the sheet's name, from ``xl/workbook.xml`` and its relations
    (empty when they are missing or unreadable)."""
    try:
        classeur = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return {}
    cibles = dict(re.findall(rb'Id="([^"]+)"[^>]*?Target="([^"]+)"', relations))
    cibles.update({k: v for v, k in re.findall(rb'Target="([^"]+)"[^>]*?Id="([^"]+)"', relations)})
    noms = {}
    for attributs in re.findall(rb"<(?:\w+:)?sheet\b([^>]*)/?>", classeur):
        nom = re.search(rb'\bname="([^"]*)"', attributs)
        rid = re.search(rb'\br:id="([^"]*)"', attributs)
        if not nom or not rid or rid.group(1) not in cibles:
            continue
        cible = cibles[rid.group(1)].decode(errors="replace").lstrip("/")
        noms[cible if cible.startswith("xl/") else "xl/" + cible] = html.unescape(nom.group(1).decode(errors="replace"))
    return noms


def _cellules_speciales(contenu: bytes) -> dict[str, list[tuple[int, int, CelluleSpeciale]]]:
    """Per sheet name, the (row, column, marker) of the cells calamine reads as empty though they are not: error
    cells (``t="e"``) and formulas saved without their computed value (no ``<v>``). Only sheets whose XML
    contains such a cell are scanned cell by cell."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            trouvees: dict[str, list[tuple[int, int, CelluleSpeciale]]] = {}
            for chemin, nom in _noms_des_feuilles(archive).items():
                xml = archive.read(chemin)
                if b't="e"' not in xml and b"<f" not in xml:
                    continue
                liste = trouvees.setdefault(nom, [])
                for m in _CELLULE_XML.finditer(xml):
                    attributs_c, interieur = m.group(1), m.group(2) or b""
                    ref = _REF_XML.search(attributs_c)
                    if ref is None:
                        continue
                    valeur = _V_XML.search(interieur)
                    if b't="e"' in attributs_c and valeur:
                        marque = CelluleSpeciale("erreur", html.unescape(valeur.group(1).decode()))
                    elif (f := _F_XML.search(interieur)) and not (valeur and valeur.group(1)):
                        marque = CelluleSpeciale("formule", html.unescape((f.group(1) or b"").decode()))
                    else:
                        continue
                    liste.append((int(ref.group(2)) - 1, _colonne_en_nombre(ref.group(1)) - 1, marque))
            return trouvees
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError):
        return {}


def _marquer(brut: pd.DataFrame, speciales: list[tuple[int, int, CelluleSpeciale]]) -> None:
    """Put the markers in the empty cells they stand for (calamine's frame may be shorter or narrower)."""
    for r, c, marque in speciales:
        if r < brut.shape[0] and c < brut.shape[1] and est_vide(brut.iat[r, c]):
            brut.iat[r, c] = marque


def _feuilles_openpyxl(contenu: bytes) -> Feuilles:
    return Feuilles(pd.read_excel(io.BytesIO(contenu), sheet_name=None, header=None, dtype=object, engine="openpyxl"))


def _lire_classeur(nom: str, contenu: bytes, problemes: list[Probleme]) -> list[Brut]:
    feuilles: Feuilles | None = None
    for lecteur in (_feuilles_calamine, _feuilles_openpyxl):
        try:
            feuilles = lecteur(contenu)
            break
        except Exception:  # noqa: BLE001 - any failure of a reader means "unreadable workbook"
            continue
    if feuilles is None:
        problemes.append(
            probleme_fichier(
                Code.FICHIER_ILLISIBLE,
                nom,
                "le classeur est endommagé, ou ce n'est pas un classeur Excel",
                "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le de nouveau au format .xlsx.",
            )
        )
        return []
    bruts = []
    speciales = _cellules_speciales(contenu)
    for nom_feuille, brut in feuilles.cellules.items():
        if brut.empty:
            continue
        if message := _message_taille_table(f"la feuille « {nom_feuille} »", *brut.shape):
            problemes.append(_probleme_limite(nom, message))
            continue
        _marquer(brut, speciales.get(str(nom_feuille), []))
        tete = brut.head(LIGNES_EN_TETE_MAX)
        scores = [score_entete([_texte_cellule(v) for v in ligne]) for ligne in tete.itertuples(index=False)]
        h = int(np.argmax(scores)) if max(scores) > 0 else _premiere_ligne_non_vide(tete)
        entetes = [_texte_cellule(v) for v in brut.iloc[h]]
        _marquer(brut, _cellules_fusionnees(feuilles.fusions.get(str(nom_feuille), []), h, brut.shape))
        valeurs = brut.iloc[h + 1 :].reset_index(drop=True)
        valeurs.columns = range(valeurs.shape[1])
        # calamine and openpyxl both return the sheet from row 1: position p is row p + 1.
        lignes = np.arange(h + 2, h + 2 + len(valeurs))
        feuille = Brut(str(nom_feuille), True, entetes, valeurs, lignes, masquee=nom_feuille in feuilles.masquees)
        if any(entetes) or not feuille.lignes_vides().all():  # blank sheets ("Feuil2") are skipped silently
            bruts.append(feuille)
    return bruts


def _nom_de_cellule(ligne: int, colonne: int) -> str:
    lettres, n = "", colonne + 1
    while n:
        n, r = divmod(n - 1, 26)
        lettres = chr(65 + r) + lettres
    return f"{lettres}{ligne + 1}"


def _cellules_fusionnees(
    fusions: list[tuple[tuple[int, int], tuple[int, int]]], entete: int, forme: tuple[int, int]
) -> list[tuple[int, int, CelluleSpeciale]]:
    """The cells covered by a merge below the header row (0-based ``entete``), each marked with its range: the
    first cell keeps the value, the others are empty for calamine (issue 12, row 7)."""
    marques = []
    for (r0, c0), (r1, c1) in fusions:
        plage = CelluleSpeciale("fusion", f"{_nom_de_cellule(r0, c0)}:{_nom_de_cellule(r1, c1)}")
        for r in range(max(r0, entete + 1), min(r1, forme[0] - 1) + 1):  # never beyond the cells read
            marques.extend((r, c, plage) for c in range(c0, min(c1, forme[1] - 1) + 1) if (r, c) != (r0, c0))
    return marques


def _premiere_ligne_non_vide(tete: pd.DataFrame) -> int:
    for i, ligne in enumerate(tete.itertuples(index=False)):
        if any(_texte_cellule(v) for v in ligne):
            return i
    return 0


# --- CSV ------------------------------------------------------------------------------------------------


def _decoder(contenu: bytes) -> tuple[str, str] | None:
    """(text, encoding name) with FORMAT.md §1's detection: BOM → UTF-8; else strict UTF-8; else Windows-1252."""
    if contenu.startswith(b"\xef\xbb\xbf"):
        essais = ["utf-8-sig"]
    elif contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        essais = ["utf-16"]  # "Texte Unicode" export of Excel
    elif codec := _utf16_sans_bom(contenu):
        essais = [codec]
    else:
        essais = ["utf-8", "cp1252"]
    for encodage in essais:
        try:
            return contenu.decode(encodage), encodage
        except UnicodeDecodeError:
            continue
    return None


_UTF8_MELANGE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe2\x80[\x80-\xbf]")
"""A two-byte UTF-8 sequence (accented Latin letters) or ’ – … (three bytes starting E2 80)."""


def _decouper(ligne: str, sep: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in ligne.split(sep)]


def _entete_csv(texte: str) -> tuple[int, int, str]:
    """(index of the header line, its character offset, separator) among the first lines of a CSV text."""
    lignes = texte[:200_000].splitlines(keepends=True)[: LIGNES_EN_TETE_MAX + 5]
    candidats = []  # (score, -index, fields, index, sep)
    non_vides = 0
    for i, ligne in enumerate(lignes):
        if not ligne.strip():
            continue
        non_vides += 1
        if non_vides > LIGNES_EN_TETE_MAX:
            break
        for sep in SEPARATEURS:
            cellules = _decouper(ligne, sep)
            candidats.append((score_entete(cellules), -i, len(cellules), i, sep))
    if not candidats:
        return 0, 0, ";"
    meilleur = max(candidats)
    if meilleur[0] > 0:
        i, sep = meilleur[3], meilleur[4]
    else:
        i = next(k for k, ligne in enumerate(lignes) if ligne.strip())
        sep = max(SEPARATEURS, key=lambda s: (lignes[i].count(s), -SEPARATEURS.index(s)))
    return i, sum(len(x) for x in lignes[:i]), sep


def _analyser_csv(texte: str, sep: str) -> pd.DataFrame:
    """The CSV text as a frame of text cells, positional columns, the header line as row 0.

    pandas' C parser is the reference (its errors name the line with the wrong number of values). A text without
    any quote character — the common export — is first given to pyarrow's parser, 2 to 3 times faster at 300 000
    rows: without quotes a value holds neither the separator nor a line break, so both parsers cut it the same way,
    and pyarrow refuses whatever the C parser would read differently (a blank line, a row with fewer or more values
    than the first one); then the C parser reads the text, with its message. The frames are the same, column types
    included (``tests/test_lecture_csv_pyarrow.py`` compares both on generated texts)."""
    if '"' not in texte:
        rapide = _analyser_csv_pyarrow(texte, sep)
        if rapide is not None:
            return rapide
    return _analyser_csv_c(texte, sep)


def _analyser_csv_c(texte: str, sep: str) -> pd.DataFrame:
    """pandas' C parser, every cell as text (empty, never missing), blank lines kept: the reference reading."""
    return pd.read_csv(
        io.StringIO(texte),
        sep=sep,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
    )


def _analyser_csv_pyarrow(texte: str, sep: str) -> pd.DataFrame | None:
    """pyarrow's reading of a text without quotes, every cell as text (empty, never missing); None when pyarrow
    refuses it or yields rows the C parser would not (then the C parser decides)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    premiere = texte.split("\n", 1)[0]
    if not premiere.strip() or "\r" in premiere.rstrip("\r"):
        return None  # a blank first line, or old Mac line ends: the C parser's cases
    colonnes = premiere.rstrip("\r").count(sep) + 1
    noms = [f"c{i}" for i in range(colonnes)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(texte.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=noms),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(noms, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.num_rows == 0:
        return None
    chaine = pd.StringDtype("pyarrow", na_value=np.nan)
    cadre = table.to_pandas(types_mapper={pa.string(): chaine}.get, self_destruct=True)
    cadre.columns = range(colonnes)
    return cadre


_ERREUR_CHAMPS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _lire_csv(nom: str, contenu: bytes, problemes: list[Probleme]) -> list[Brut]:
    decode = _decoder(contenu)
    if decode is None:
        problemes.append(
            probleme_fichier(
                Code.FICHIER_ILLISIBLE,
                nom,
                "encodage des caractères non reconnu (ni UTF-8 ni Windows-1252)",
                "Enregistrez le fichier en « CSV UTF-8 » depuis Excel ou LibreOffice.",
            )
        )
        return []
    texte, encodage = decode
    # A byte-order mark in the middle (files put end to end) and stray NUL bytes are invisible: removed.
    texte = texte.replace("\ufeff", "").replace("\x00", "")
    if encodage == "cp1252" and _UTF8_MELANGE.search(contenu):
        # Not UTF-8 as a whole, yet with UTF-8 accents inside (« Ã© » once decoded): two encodings in one file.
        problemes.append(probleme_fichier(Code.ENCODAGES_MELANGES, nom))
    if not texte.strip():
        problemes.append(probleme_fichier(Code.FICHIER_VIDE, nom))
        return []
    i, decalage, sep = _entete_csv(texte)
    # Bounded before parsing (issue 12): lines counted on the text, columns on the header line.
    entete = texte[decalage:].split("\n", 1)[0]
    message = _message_taille_table(
        "le fichier", texte.count("\n", decalage) + 1, len(_decouper(entete, sep)) if entete else 1
    )
    if message:
        problemes.append(_probleme_limite(nom, message))
        return []
    try:
        brut = _analyser_csv(texte[decalage:], sep)
    except pd.errors.ParserError as e:
        m = _ERREUR_CHAMPS.search(str(e))
        if m:
            attendu, ligne, vu = (int(x) for x in m.groups())
            raison = (
                f"ligne {i + ligne} : {vu} valeurs au lieu de {attendu} (séparateur « {_NOMS_SEPARATEURS[sep]} » "
                "détecté sur la ligne d'en-têtes)"
            )
        else:
            raison = "fichier CSV mal formé (guillemets non fermés ou nombre de valeurs variable selon les lignes)"
        problemes.append(
            probleme_fichier(
                Code.FICHIER_ILLISIBLE,
                nom,
                raison,
                "Vérifiez que chaque ligne a autant de valeurs que la ligne d'en-têtes, ou que les valeurs contenant "
                "le séparateur sont entre guillemets.",
            )
        )
        return []
    except (pd.errors.EmptyDataError, ValueError):
        problemes.append(probleme_fichier(Code.FICHIER_VIDE, nom))
        return []
    brut = brut.fillna("")
    entetes = [str(v).strip() for v in brut.iloc[0]]
    valeurs = brut.iloc[1:].reset_index(drop=True)
    valeurs.columns = range(valeurs.shape[1])
    lignes = np.arange(i + 2, i + 2 + len(valeurs))
    if '"' in texte and (ligne := _guillemet_non_ferme(valeurs, sep)) is not None:
        problemes.append(
            probleme_fichier(
                Code.FICHIER_ILLISIBLE,
                nom,
                f"guillemet non fermé : à partir de la ligne {int(lignes[ligne])}, la suite du fichier est lue comme "
                "une seule valeur",
                'Fermez le guillemet (") ouvert sur cette ligne, ou retirez-le.',
            )
        )
        return []
    feuille = Brut(nom, False, entetes, valeurs, lignes)
    _separateurs_melanges(feuille, sep)
    return [feuille]


def _guillemet_non_ferme(valeurs: pd.DataFrame, sep: str) -> int | None:
    """Position of the first row whose cell swallowed several lines, separators included (an unclosed quote
    reads the rest of the file as one value); None if there is none. A quoted value may hold a line break, not
    a line break and the separator both."""
    for p in valeurs.columns:
        serie = valeurs[p].astype(str)
        avale = serie.str.contains("\n", regex=False) & serie.str.contains(sep, regex=False)
        if avale.any():
            return int(np.flatnonzero(avale.to_numpy())[0])
    return None


def _separateurs_melanges(brut: Brut, sep: str) -> None:
    """Rows read as one value because they use another separator than the header line (issue 12, row 7): one
    error per row (at most 100), naming both separators."""
    if brut.valeurs.shape[1] < 2:
        return
    reste_vide = np.ones(len(brut.valeurs), dtype=bool)
    for p in list(brut.valeurs.columns)[1:]:
        reste_vide &= brut.facteur(p)[2]
    if not reste_vide.any():
        return
    rangs = np.flatnonzero(reste_vide)
    premiere = brut.valeurs[0].iloc[rangs].astype(str)
    for autre in SEPARATEURS:
        if autre == sep:
            continue
        mal = rangs[(premiere.str.count(re.escape(autre)) >= brut.valeurs.shape[1] - 1).to_numpy()]
        for r in mal[:100]:
            brut.problemes.append(
                probleme(
                    Code.SEPARATEURS_MELANGES,
                    source=brut.source,
                    ligne=int(brut.lignes[r]),
                    valeur=str(brut.valeurs[0].iat[r]),
                    autre=_NOMS_SEPARATEURS[autre],
                    entete=_NOMS_SEPARATEURS[sep],
                )
            )


def lire_fichier(nom: str, contenu: bytes, problemes: list[Probleme]) -> list[Brut]:
    """The raw tables of one file (a workbook gives one per sheet, a CSV one), by the file's content."""
    genre = _genre(contenu)
    if genre == "vide":
        problemes.append(probleme_fichier(Code.FICHIER_VIDE, nom))
    elif genre == "ole" and "EncryptedPackage".encode("utf-16-le") in contenu:
        problemes.append(probleme_fichier(Code.FICHIER_PROTEGE, nom))
    elif genre == "classeur" and (hors_limites := controler_archive(nom, contenu)) is not None:
        problemes.append(hors_limites)
    elif genre == "classeur" and (noms := _archive_non_classeur(contenu)) is not None:
        liste = ", ".join(noms[:5]) + ("…" if len(noms) > 5 else "")
        problemes.append(
            probleme_fichier(
                Code.FICHIER_ILLISIBLE,
                nom,
                f"ce fichier est une archive ZIP ({liste or 'vide'}), pas un classeur Excel",
                "Décompressez-la et déposez les fichiers qu'elle contient.",
            )
        )
    elif genre in ("classeur", "ole"):
        return _lire_classeur(nom, contenu, problemes)
    elif genre.startswith("binaire:"):
        problemes.append(
            probleme_fichier(
                Code.FICHIER_ILLISIBLE,
                nom,
                f"ce fichier n'est ni un classeur Excel ni un fichier CSV : c'est {genre.removeprefix('binaire:')}",
            )
        )
    else:
        return _lire_csv(nom, contenu, problemes)
    return []


def probleme_inattendu(source: str, e: Exception) -> Probleme:
    return probleme_fichier(
        Code.FICHIER_ILLISIBLE,
        source,
        f"lecture impossible (erreur inattendue : {type(e).__name__})",
        "Signalez ce fichier aux développeurs de flux_dash ; en attendant, enregistrez-le de nouveau depuis Excel.",
    )
