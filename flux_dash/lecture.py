"""Reading the user's files into clean tables (FORMAT.md §1).

This module owns everything between the bytes a user gives and the clean tables of :mod:`flux_dash.colonnes`:
recognising the file kind (workbook or CSV, by content), the CSV encoding and separator, the header row, the
table of each sheet or file (by sheet name, else by columns), header synonyms, and the parsing of every cell to
its clean dtype (codes as text, French booleans and dates, decimal comma, category aliases of the référentiel).

It reports what cannot be read or parsed as :class:`~flux_dash.problemes.Probleme` (French texts) and never
raises on bad input. Business rules (uniqueness, references, ranges) are :mod:`flux_dash.validation`'s job.

Parsing is vectorised: each column is factorised, every distinct value is parsed once, and the results are
taken back to the rows, so 1M rows with a few thousand distinct dates cost a few thousand Python calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.colonnes import DTYPES, LIGNE, PAR_NOM, TABLES, Colonne, Table
from flux_dash.problemes import ERREUR, INFORMATION, DonneesLues, Probleme

__all__ = [
    "MAX_PROBLEMES_PAR_COLONNE",
    "SYNONYMES_COLONNES",
    "SYNONYMES_FEUILLES",
    "lire",
    "nom_de_colonne",
    "table_pour_feuille",
]

# --- Header and sheet synonyms (FORMAT.md §1: names matched without case, accents, spaces, - or _) ---------

SYNONYMES_COLONNES: dict[str, tuple[str, ...]] = {
    # logements
    "id_logement": (
        "identifiant",
        "identifiant_logement",
        "identifiant_du_logement",
        "id",
        "n°_logement",
        "no_logement",
        "n_logement",
        "numero_de_logement",
        "num_logement",
        "numero_logement",
        "ref_logement",
        "reference_logement",
        "logement",
    ),
    "code_commune": (
        "commune",
        "code_insee",
        "insee",
        "code_insee_commune",
        "code_insee_de_la_commune",
        "commune_insee",
    ),
    "qpv": ("en_qpv", "logement_en_qpv", "situe_en_qpv"),
    "code_qpv": ("qpv_code", "code_quartier", "numero_qpv"),
    "typologie": ("type_logement", "typo", "type_de_logement"),
    "financement": ("type_financement", "type_de_financement", "financement_origine", "financement_d'origine"),
    "annee_construction": ("annee", "annee_de_construction", "annee_achevement", "annee_d'achevement"),
    "date_disponibilite": (
        "date_dispo",
        "disponibilite",
        "date_de_disponibilite",
        "date_liberation",
        "date_de_liberation",
    ),
    "origine": ("origine_disponibilite", "origine_de_la_disponibilite"),
    "categorie_soustraction": ("soustraction", "soustrait", "motif_soustraction", "categorie_de_soustraction"),
    # tours
    "numero_tour": (
        "tour",
        "n_tour",
        "no_tour",
        "n°_tour",
        "n°_du_tour",
        "no_du_tour",
        "num_tour",
        "numero_du_tour",
        "numero_de_tour",
        "rang_tour",
    ),
    "reservataire": ("nom_reservataire", "nom_du_reservataire"),
    "date_orientation": ("date_d'orientation", "orientation", "date_mise_a_disposition", "date_de_mise_a_disposition"),
    "issue": ("issue_tour", "issue_du_tour", "resultat"),
    "date_attribution": ("date_d'attribution", "date_caleol", "date_cal"),
    "bail_signe": ("bail", "signature_bail", "bail_signé"),
    "menage_prioritaire": ("prioritaire", "public_prioritaire", "menage_public_prioritaire"),
    "dalo": ("menage_dalo", "prioritaire_dalo"),
    "premier_quartile": ("q1", "1er_quartile", "menage_premier_quartile"),
    "menage_relogement_ru": ("relogement_ru", "menage_relogé_ru"),
    # conventions
    "categorie": ("categorie_reservataire", "categorie_du_reservataire", "type_reservataire"),
    "perimetre_type": ("type_perimetre", "type_de_perimetre"),
    "perimetre_code": ("code_perimetre", "code_du_perimetre"),
    "taux": ("taux_%", "taux_(%)", "taux_en_%", "taux_convention", "taux_de_reservation", "pourcentage"),
    # previsionnel
    "code_departement": ("departement", "code_dep", "dep", "dept", "code_dept"),
    "nombre_prevu": ("nombre", "nb_prevu", "nombre_prevus", "prevision", "nb_logements_prevus"),
    "disponibilites_prevues": ("disponibilites", "nb_disponibilites_prevues", "disponibilites_previsionnelles"),
}
"""Canonical column name → other headers users write for it. A synonym only applies inside the tables that
have the canonical column; an exact canonical header always wins over a synonym."""

SYNONYMES_FEUILLES: dict[str, tuple[str, ...]] = {
    "logements": ("logement",),
    "tours": ("tour", "tours_de_commercialisation"),
    "conventions": ("convention",),
    "previsionnel": ("previsionnels", "prevision", "previsions"),
}
"""Canonical table name → sheet names that mean it (besides the name itself and the table's French label)."""

MAX_PROBLEMES_PAR_COLONNE = 100
"""Unparsable cells listed one by one per (table, column); the rest are counted in one summary problem."""

LONGUEUR_VALEUR_MAX = 200
"""A bad value is quoted in its problem up to this many characters."""

LIGNES_EN_TETE_MAX = 10
"""The header row is looked for among this many first rows (a title row above the headers is common)."""

SEPARATEURS = (";", ",", "\t", "|")

_NOMS_SEPARATEURS = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}

CODES_TELS_QUELS = frozenset({"id_logement"})
"""Code columns kept exactly as typed (only stripped): no mapping, no case change."""

CODES_NUMERIQUES = frozenset({"code_commune", "perimetre_code", "code_departement"})
"""Code columns that are numbers in France: ``93066.0`` typed as text is turned back into ``93066``."""


def _norm(texte: object) -> str:
    return ref.normaliser_texte(str(texte))


def _index_entetes(table: Table) -> tuple[dict[str, str], dict[str, str]]:
    """(exact normalised names → column, normalised synonyms → column) for one table."""
    exacts = {_norm(c.nom): c.nom for c in table.colonnes}
    synonymes = {}
    for c in table.colonnes:
        for s in SYNONYMES_COLONNES.get(c.nom, ()):
            if _norm(s) not in exacts:
                synonymes[_norm(s)] = c.nom
    return exacts, synonymes


_INDEX_ENTETES = {t.nom: _index_entetes(t) for t in TABLES}


_PRECISIONS = re.compile(r"\([^)]*\)|\*")


def _colonne_et_genre(entete: object, table: str) -> tuple[str, str] | None:
    """(canonical column, "exact" or "synonyme") that a header means in ``table``, or None.

    A header that matches nothing is tried again without its bracketed precisions and required-field stars, as
    users write them: « Date de disponibilité (JJ/MM/AAAA) », « Taux (en %) », « Typologie * ».
    """
    exacts, synonymes = _INDEX_ENTETES[table]
    n = _norm(entete)
    for essai in (n, _norm(_PRECISIONS.sub("", str(entete)))):
        if not essai:
            continue
        if essai in exacts:
            return exacts[essai], "exact"
        if essai in synonymes:
            return synonymes[essai], "synonyme"
    return None


def nom_de_colonne(entete: object, table: str) -> str | None:
    """Canonical column of ``table`` that a header means (exact name or synonym), or None."""
    trouve = _colonne_et_genre(entete, table)
    return trouve[0] if trouve else None


def table_pour_feuille(nom_feuille: str) -> str | None:
    """Canonical table that a sheet name means, or None (then the sheet is recognised by its columns)."""
    n = _norm(nom_feuille)
    for t in TABLES:
        if n in {_norm(t.nom), _norm(t.libelle), *(_norm(s) for s in SYNONYMES_FEUILLES.get(t.nom, ()))}:
            return t.nom
    return None


# --- Inputs ----------------------------------------------------------------------------------------------


@dataclass
class _Brut:
    """One raw table found in a sheet or a CSV file, before header mapping and parsing."""

    source: str  # sheet name, or file name for a CSV
    est_feuille: bool
    entetes: list[str]  # header cells as typed
    valeurs: pd.DataFrame  # the rows below the header, positional columns, raw cells (str for CSV, objects for Excel)
    lignes: np.ndarray  # line number of each row as the user sees it
    problemes: list[Probleme] = field(default_factory=list)
    _facteurs: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def facteur(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(code of each row's distinct value (-1 = missing), distinct values, row is empty) of column p."""
        if p not in self._facteurs:
            serie = self.valeurs[p]
            codes, uniques = pd.factorize(serie, use_na_sentinel=True)
            if serie.dtype == object:  # Excel cells: mixed Python objects
                uniques = np.asarray(uniques, dtype=object)
                vide_u = np.fromiter((_est_vide(u) for u in uniques), dtype=bool, count=len(uniques))
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


def _nom_et_octets(fichier: object) -> tuple[str, bytes | None, str]:
    """(file name, content, French reason if unreadable) of one input."""
    if isinstance(fichier, tuple) and len(fichier) == 2:
        nom, contenu = fichier
        return str(nom), bytes(contenu), ""
    if hasattr(fichier, "getvalue") and hasattr(fichier, "name"):  # an uploaded file object
        return str(fichier.name), bytes(fichier.getvalue()), ""
    try:
        chemin = Path(os.fspath(fichier))  # type: ignore[arg-type]
    except TypeError:
        return str(fichier), None, "ce n'est ni un chemin de fichier ni un couple (nom, contenu)"
    try:
        return chemin.name, chemin.read_bytes(), ""
    except FileNotFoundError:
        return chemin.name, None, "fichier introuvable"
    except IsADirectoryError:
        return chemin.name, None, "c'est un dossier, pas un fichier"
    except OSError as e:
        return chemin.name, None, f"fichier impossible à ouvrir ({e.strerror or e})"


_CONSEIL_FORMATS = "Donnez un classeur Excel (.xlsx) ou des fichiers CSV (texte séparé par des points-virgules)."
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
    if not debut.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in debut and not _utf16_sans_bom(contenu):
        return "binaire:un fichier binaire"
    return "texte"


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


def _probleme_fichier(code: str, nom: str, regle: str, conseil: str = _CONSEIL_FORMATS) -> Probleme:
    return Probleme(ERREUR, code, regle, source=nom, conseil=conseil)


# --- Header row detection -------------------------------------------------------------------------------


def _score_entete(cellules: list[str]) -> int:
    """Number of cells that are a known header of the best-matching table."""
    cellules = [c for c in cellules if c]
    return max(len({nom_de_colonne(c, t.nom) for c in cellules} - {None}) for t in TABLES)


def _texte_cellule(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return str(v).strip()


# --- Workbooks ------------------------------------------------------------------------------------------


def _feuilles_calamine(contenu: bytes) -> dict[str, pd.DataFrame]:
    """Every sheet as raw cells, row p of the frame being the sheet's row p + 1.

    python-calamine is called directly rather than through ``pd.read_excel(engine="calamine")``: same reader,
    same values, but about 3 times faster on 100k rows (pandas converts every cell in Python, then re-parses).
    Empty cells are ``""``; numbers are floats; date cells are ``date``/``datetime``.
    """
    classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
    return {
        nom: pd.DataFrame(classeur.get_sheet_by_name(nom).to_python(skip_empty_area=False), dtype=object)
        for nom in classeur.sheet_names
    }


def _feuilles_openpyxl(contenu: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(contenu), sheet_name=None, header=None, dtype=object, engine="openpyxl")


def _lire_classeur(nom: str, contenu: bytes, problemes: list[Probleme]) -> list[_Brut]:
    feuilles: dict[str, pd.DataFrame] | None = None
    for lecteur in (_feuilles_calamine, _feuilles_openpyxl):
        try:
            feuilles = lecteur(contenu)
            break
        except Exception:  # noqa: BLE001 - any failure of a reader means "unreadable workbook"
            continue
    if feuilles is None:
        problemes.append(
            _probleme_fichier(
                "fichier_illisible",
                nom,
                "classeur illisible : le fichier est endommagé ou n'est pas un classeur Excel",
                "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le de nouveau au format .xlsx.",
            )
        )
        return []
    bruts = []
    for nom_feuille, brut in feuilles.items():
        if brut.empty:
            continue
        tete = brut.head(LIGNES_EN_TETE_MAX)
        scores = [_score_entete([_texte_cellule(v) for v in ligne]) for ligne in tete.itertuples(index=False)]
        h = int(np.argmax(scores)) if max(scores) > 0 else _premiere_ligne_non_vide(tete)
        entetes = [_texte_cellule(v) for v in brut.iloc[h]]
        valeurs = brut.iloc[h + 1 :].reset_index(drop=True)
        valeurs.columns = range(valeurs.shape[1])
        # calamine and openpyxl both return the sheet from row 1: position p is row p + 1.
        lignes = np.arange(h + 2, h + 2 + len(valeurs))
        feuille = _Brut(str(nom_feuille), True, entetes, valeurs, lignes)
        if any(entetes) or not feuille.lignes_vides().all():  # blank sheets ("Feuil2") are skipped silently
            bruts.append(feuille)
    return bruts


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
            candidats.append((_score_entete(cellules), -i, len(cellules), i, sep))
    if not candidats:
        return 0, 0, ";"
    meilleur = max(candidats)
    if meilleur[0] > 0:
        i, sep = meilleur[3], meilleur[4]
    else:
        i = next(k for k, ligne in enumerate(lignes) if ligne.strip())
        sep = max(SEPARATEURS, key=lambda s: (lignes[i].count(s), -SEPARATEURS.index(s)))
    return i, sum(len(x) for x in lignes[:i]), sep


_ERREUR_CHAMPS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _lire_csv(nom: str, contenu: bytes, problemes: list[Probleme]) -> list[_Brut]:
    decode = _decoder(contenu)
    if decode is None:
        problemes.append(
            _probleme_fichier(
                "fichier_illisible",
                nom,
                "encodage des caractères non reconnu (ni UTF-8 ni Windows-1252)",
                "Enregistrez le fichier en « CSV UTF-8 » depuis Excel ou LibreOffice.",
            )
        )
        return []
    texte, _ = decode
    if not texte.strip():
        problemes.append(
            _probleme_fichier("fichier_vide", nom, "le fichier est vide", "Le fichier ne contient aucune ligne.")
        )
        return []
    i, decalage, sep = _entete_csv(texte)
    try:
        brut = pd.read_csv(
            io.StringIO(texte[decalage:]),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as e:
        m = _ERREUR_CHAMPS.search(str(e))
        if m:
            attendu, ligne, vu = (int(x) for x in m.groups())
            regle = (
                f"ligne {i + ligne} : {vu} valeurs au lieu de {attendu} (séparateur « {_NOMS_SEPARATEURS[sep]} » "
                "détecté sur la ligne d'en-têtes)"
            )
        else:
            regle = "fichier CSV mal formé (guillemets non fermés ou nombre de valeurs variable selon les lignes)"
        problemes.append(
            _probleme_fichier(
                "fichier_illisible",
                nom,
                regle,
                "Vérifiez que chaque ligne a autant de valeurs que la ligne d'en-têtes, ou que les valeurs contenant "
                "le séparateur sont entre guillemets.",
            )
        )
        return []
    except (pd.errors.EmptyDataError, ValueError):
        problemes.append(
            _probleme_fichier("fichier_vide", nom, "le fichier est vide", "Le fichier ne contient aucune ligne.")
        )
        return []
    brut = brut.fillna("")
    entetes = [str(v).strip() for v in brut.iloc[0]]
    valeurs = brut.iloc[1:].reset_index(drop=True)
    valeurs.columns = range(valeurs.shape[1])
    lignes = np.arange(i + 2, i + 2 + len(valeurs))
    return [_Brut(nom, False, entetes, valeurs, lignes)]


# --- Table recognition and header mapping --------------------------------------------------------------


def _table_par_colonnes(entetes: list[str]) -> str | None:
    """The table whose required columns are best matched (then most columns matched); needs 2 matched columns."""
    meilleur: tuple[float, int, str] | None = None
    for t in TABLES:
        trouvees = {nom_de_colonne(e, t.nom) for e in entetes if e} - {None}
        if len(trouvees) < 2:
            continue
        cle = (len(trouvees & set(t.obligatoires)) / len(t.obligatoires), len(trouvees), t.nom)
        if meilleur is None or cle[:2] > meilleur[:2]:
            meilleur = cle
    return meilleur[2] if meilleur else None


def _conseil_entetes(table: Table) -> str:
    obligatoires = ", ".join(table.obligatoires)
    facultatives = ", ".join(c for c in table.noms if c not in table.obligatoires)
    texte = f"En-têtes attendus pour « {table.libelle} » : {obligatoires}"
    if facultatives:
        texte += f" (facultatives : {facultatives})"
    return texte


def _associer_colonnes(brut: _Brut, table: Table) -> dict[str, int]:
    """Canonical column → position in the raw table; records missing, duplicate and ignored columns."""
    par_colonne: dict[str, dict[str, list[int]]] = {}
    ignorees: list[int] = []
    for p, entete in enumerate(brut.entetes):
        if not _norm(entete):
            if not brut.facteur(p)[2].all():
                ignorees.append(p)
            continue
        trouve = _colonne_et_genre(entete, table.nom)
        if trouve:
            par_colonne.setdefault(trouve[0], {}).setdefault(trouve[1], []).append(p)
        else:
            ignorees.append(p)
    positions: dict[str, int] = {}
    doublons: dict[int, str] = {}  # synonym columns set aside because the exact header is present
    for colonne, trouve in par_colonne.items():
        candidats = trouve.get("exact") or trouve["synonyme"]
        positions[colonne] = candidats[0]
        if len(candidats) > 1:
            brut.problemes.append(
                Probleme(
                    ERREUR,
                    "colonne_en_double",
                    "plusieurs colonnes correspondent à « "
                    + colonne
                    + " » : "
                    + ", ".join(f"« {brut.entetes[p]} »" for p in candidats),
                    table=table.nom,
                    source=brut.source,
                    colonne=colonne,
                    conseil=f"Seule la première (« {brut.entetes[candidats[0]]} ») est lue ; supprimez ou renommez les autres.",
                )
            )
        for p in trouve.get("synonyme", []):
            if p not in candidats:
                doublons[p] = colonne
    for p in sorted([*ignorees, *doublons]):
        entete = brut.entetes[p] or f"(colonne {p + 1} sans en-tête)"
        if p in doublons:
            regle = (
                f"colonne ignorée : la colonne « {brut.entetes[positions[doublons[p]]]} » est lue comme {doublons[p]}"
            )
        else:
            regle = "colonne ignorée : elle ne fait pas partie du format"
        brut.problemes.append(
            Probleme(
                INFORMATION,
                "colonne_ignoree",
                regle,
                table=table.nom,
                source=brut.source,
                colonne=entete,
                conseil=_conseil_entetes(table),
            )
        )
    for colonne in table.obligatoires:
        if colonne not in positions:
            brut.problemes.append(
                Probleme(
                    ERREUR,
                    "colonne_manquante",
                    f"colonne obligatoire « {colonne} » absente de « {brut.source} » (table {table.libelle})",
                    table=table.nom,
                    source=brut.source,
                    colonne=colonne,
                    conseil=_conseil_entetes(table),
                )
            )
    return positions


# --- Cell parsing (one function per kind of colonnes.py; each parses ONE distinct value) ----------------


class _Illisible(ValueError):
    """A value that cannot be parsed for its column type: (rule, hint) in French."""

    def __init__(self, regle: str, conseil: str) -> None:
        super().__init__(regle)
        self.regle = regle
        self.conseil = conseil


def _est_vide(v: object) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    if isinstance(v, float):
        return bool(np.isnan(v))
    return isinstance(v, str) and not v.strip()


def _en_texte(v: object) -> str:
    """A cell as the user sees it: integral floats without ``.0``, dates as JJ/MM/AAAA, spaces collapsed."""
    if isinstance(v, bool):
        return "VRAI" if v else "FAUX"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        texte = v.strftime("%d/%m/%Y")
        return texte if v.time() == dt.time() else texte + v.strftime(" %H:%M")
    if isinstance(v, dt.date):
        return v.strftime("%d/%m/%Y")
    return " ".join(str(v).split())


_CODE_FLOTTANT = re.compile(r"^(\d+)[.,]0+$")


def _parseur_code(colonne: str) -> Callable[[object], object]:
    def code(v: object) -> object:
        if _est_vide(v):
            return pd.NA
        texte = v.strip() if isinstance(v, str) else _en_texte(v)
        if colonne in CODES_NUMERIQUES:
            m = _CODE_FLOTTANT.match(texte)
            if m:
                texte = m.group(1)
        if colonne == "code_commune":
            texte = ref.correspondance_communes().get(texte, texte)
        elif colonne == "code_qpv":
            texte = texte.upper()
        return texte

    return code


def _parseur_texte(colonne: str) -> Callable[[object], object]:
    def texte(v: object) -> object:
        if _est_vide(v):
            return pd.NA
        t = _en_texte(v)
        # "Bailleur" is a reserved holder name (referentiel.NOM_BAILLEUR): accept any spelling of it.
        if colonne == "reservataire" and _norm(t) == _norm(ref.NOM_BAILLEUR):
            return ref.NOM_BAILLEUR
        return t

    return texte


def _parseur_categorie(c: Colonne) -> Callable[[object], object]:
    assert c.categorie is not None
    table = c.categorie.table_alias

    def categorie(v: object) -> object:
        if _est_vide(v):
            return pd.NA
        texte = _en_texte(v)
        code = table.get(_norm(texte))
        if code is None and c.nom == "typologie" and texte.isdigit() and int(texte) >= 5:
            code = "T5+"  # FORMAT.md §1.1: a bare number ≥ 5 means T5+ (1–4 are aliases of the référentiel)
        return code if code is not None else texte

    return categorie


_VRAI = {_norm(x) for x in ref.BOOLEENS_VRAI}
_FAUX = {_norm(x) for x in ref.BOOLEENS_FAUX}


def _parseur_booleen(c: Colonne) -> Callable[[object], object]:
    # FORMAT.md §1: empty = non, except in a required column (qpv), where it stays missing for validation.
    vide = pd.NA if c.obligatoire else False

    def booleen(v: object) -> object:
        if _est_vide(v):
            return vide
        if isinstance(v, bool | np.bool_):
            return bool(v)
        if isinstance(v, int | float) and v in (0, 1):
            return bool(v)
        n = _norm(v)
        if n in _VRAI:
            return True
        if n in _FAUX:
            return vide if n == "" else False
        raise _Illisible("valeur oui/non non reconnue", "Valeurs acceptées : oui/non, o/n, 1/0, vrai/faux, x ou vide.")

    return booleen


_ESPACES = re.compile(r"[\s\u00a0\u202f]+")
_NOMBRE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def _nettoyer_nombre(v: object) -> str:
    return _ESPACES.sub("", str(v)).replace(",", ".")


_ENTIER_MAX = 2**53
"""Largest integer read exactly (and far inside int64: a bigger one would overflow the Int64 column)."""


def _entier(v: object) -> object:
    n = _entier_brut(v)
    if n is not pd.NA and abs(n) > _ENTIER_MAX:
        raise _Illisible("nombre entier trop grand", "Nombre entier attendu, par exemple 3 ou 1972.")
    return n


def _entier_brut(v: object) -> object:
    if _est_vide(v):
        return pd.NA
    conseil = "Nombre entier attendu, par exemple 3 ou 1972."
    if isinstance(v, bool | dt.date):
        raise _Illisible("nombre entier attendu", conseil)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        if np.isfinite(v) and float(v).is_integer():
            return int(v)
        raise _Illisible("nombre entier attendu", conseil)
    texte = _nettoyer_nombre(v)
    if _NOMBRE.match(texte) and float(texte).is_integer():
        return int(texte) if texte.lstrip("+-").isdigit() else int(float(texte))
    raise _Illisible("nombre entier attendu", conseil)


def _nombre(v: object) -> object:
    if _est_vide(v):
        return pd.NA
    conseil = "Nombre attendu, par exemple 25 ou 25,5 (pour 25 %)."
    if isinstance(v, bool | dt.date):
        raise _Illisible("nombre illisible", conseil)
    if isinstance(v, int | float | np.integer | np.floating):
        if np.isfinite(v):
            return float(v)
        raise _Illisible("nombre illisible", conseil)
    texte = _nettoyer_nombre(v).removesuffix("%")
    if _NOMBRE.match(texte):
        return float(texte)
    raise _Illisible("nombre illisible", conseil)


_HEURE = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _HEURE + "$")
_DATE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _HEURE + "$")
_ORIGINE_EXCEL = dt.datetime(1899, 12, 30)
_SERIE_MIN, _SERIE_MAX = 10_000, 100_000  # Excel serial numbers of 18/05/1927 and 14/10/2173
_CONSEIL_DATE = "Format attendu JJ/MM/AAAA (par exemple 15/03/2024) ou AAAA-MM-JJ."


_DATE_DEUX_CHIFFRES = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")


def _date_valide(annee: int, mois: int, jour: int) -> pd.Timestamp:
    if not 1800 <= annee <= 2200:
        raise _Illisible("date hors limites (année entre 1800 et 2200 attendue)", _CONSEIL_DATE)
    try:
        return pd.Timestamp(dt.date(annee, mois, jour))
    except ValueError:
        pass
    # Say what is wrong in words a user checks at once (FORMAT.md §1.5: the rule, the value and a hint).
    if not 1 <= mois <= 12:
        conseil = "Le jour s'écrit avant le mois : JJ/MM/AAAA (par exemple 15/03/2024 pour le 15 mars)."
        raise _Illisible(f"date inexistante : il n'y a pas de mois {mois}", conseil)
    if not 1 <= jour <= 31:
        raise _Illisible(f"date inexistante : il n'y a pas de jour {jour}", _CONSEIL_DATE)
    en = f" en {annee}" if (mois, jour) == (2, 29) else ""
    jour_texte = "1er" if jour == 1 else str(jour)
    raise _Illisible(f"date inexistante : il n'y a pas de {jour_texte} {formats.MOIS[mois - 1]}{en}", _CONSEIL_DATE)


def _date(v: object) -> object:
    if _est_vide(v):
        return pd.NaT
    if isinstance(v, dt.datetime):  # Excel date cell (pd.Timestamp is a datetime too)
        return _date_valide(v.year, v.month, v.day)
    if isinstance(v, dt.date):
        return _date_valide(v.year, v.month, v.day)
    if isinstance(v, bool | dt.time):
        raise _Illisible("date illisible", _CONSEIL_DATE)
    if isinstance(v, int | float | np.integer | np.floating):
        serie = float(v)
    else:
        texte = str(v).strip()
        if m := _DATE_FR.match(texte):
            return _date_valide(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _DATE_ISO.match(texte):
            return _date_valide(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if _DATE_DEUX_CHIFFRES.match(texte):
            raise _Illisible(
                "année sur deux chiffres",
                "Écrivez l'année en entier, au format JJ/MM/AAAA : 15/03/2024 et non 15/03/24.",
            )
        nombre = _nettoyer_nombre(texte)
        if not _NOMBRE.match(nombre):
            raise _Illisible("date illisible", _CONSEIL_DATE)
        serie = float(nombre)
    # An Excel serial number (a date cell exported as a number)
    if not (np.isfinite(serie) and _SERIE_MIN <= serie < _SERIE_MAX):
        raise _Illisible("date illisible", _CONSEIL_DATE)
    jour = _ORIGINE_EXCEL + dt.timedelta(days=int(serie))
    return pd.Timestamp(jour)


def _parseur(c: Colonne) -> tuple[Callable[[object], object], str]:
    """(parser of one distinct value, pandas dtype of the clean column: :data:`flux_dash.colonnes.DTYPES`)."""
    parseurs: dict[str, Callable[[], Callable[[object], object]]] = {
        "code": lambda: _parseur_code(c.nom),
        "texte": lambda: _parseur_texte(c.nom),
        "categorie": lambda: _parseur_categorie(c),
        "booleen": lambda: _parseur_booleen(c),
        "entier": lambda: _entier,
        "nombre": lambda: _nombre,
        "date": lambda: _date,
    }
    if c.genre not in parseurs:
        raise ValueError(f"genre de colonne inconnu : {c.genre}")  # programming error in colonnes.py
    return parseurs[c.genre](), DTYPES[c.genre]


def _colonne_vide(c: Colonne, n: int) -> pd.Series:
    _, dtype = _parseur(c)
    if c.nom == "origine":
        return pd.Series(["ROTATION"] * n, dtype="string")  # FORMAT.md §1.1: ROTATION is the default
    return pd.Series(pd.array([None] * n, dtype=dtype))


def _convertir(
    brut: _Brut, p: int, garder: np.ndarray, c: Colonne
) -> tuple[pd.Series, np.ndarray, list[_Illisible | None]]:
    """(clean column of the kept rows, index of each row in the distinct values, error of each distinct value)."""
    parser, dtype = _parseur(c)
    serie = brut.valeurs[p]
    if c.nom in CODES_TELS_QUELS and serie.dtype != object:
        # Fast path for high-cardinality identifiers read from CSV (all text): strip, empty → NA.
        texte = serie[garder].str.strip()
        return texte.where(texte != "").astype("string").reset_index(drop=True), np.zeros(0, dtype=np.intp), []
    codes, uniques, _ = brut.facteur(p)
    codes = codes[garder]
    resultats: list[object] = []
    erreurs: list[_Illisible | None] = []
    vide = pd.NaT if dtype.startswith("datetime") else pd.NA
    for v in [*uniques, None]:  # the last one stands for missing cells (code -1)
        try:
            resultats.append(parser(v))
            erreurs.append(None)
        except _Illisible as e:
            resultats.append(vide)
            erreurs.append(e)
    if c.nom == "origine":
        resultats = ["ROTATION" if r is pd.NA else r for r in resultats]
    codes = np.where(codes < 0, len(uniques), codes)
    return pd.Series(pd.array(resultats, dtype=dtype).take(codes)), codes, erreurs


def _table_propre(brut: _Brut, table: Table) -> pd.DataFrame:
    positions = _associer_colonnes(brut, table)
    garder = ~brut.lignes_vides()
    valeurs = brut.valeurs.loc[garder].reset_index(drop=True)
    lignes = brut.lignes[garder]
    n = len(valeurs)
    colonnes: dict[str, pd.Series] = {}
    for c in table.colonnes:
        if c.nom not in positions:
            colonnes[c.nom] = _colonne_vide(c, n)
            continue
        serie, codes, erreurs = _convertir(brut, positions[c.nom], garder, c)
        colonnes[c.nom] = serie
        mauvais = np.array([e is not None for e in erreurs], dtype=bool)
        if mauvais.any():
            rangs = np.flatnonzero(mauvais[codes])
            for r in rangs[:MAX_PROBLEMES_PAR_COLONNE]:
                e = erreurs[codes[r]]
                assert e is not None
                brut.problemes.append(
                    Probleme(
                        ERREUR,
                        "type_invalide",
                        e.regle[:1].upper() + e.regle[1:],  # a sentence, like validation's rules
                        table=table.nom,
                        source=brut.source,
                        ligne=int(lignes[r]),
                        colonne=c.nom,
                        valeur=_en_texte(valeurs.iat[r, positions[c.nom]])[:LONGUEUR_VALEUR_MAX],
                        conseil=e.conseil,
                    )
                )
            if len(rangs) > MAX_PROBLEMES_PAR_COLONNE:
                reste = len(rangs) - MAX_PROBLEMES_PAR_COLONNE
                brut.problemes.append(
                    Probleme(
                        ERREUR,
                        "type_invalide",
                        f"… et {reste:,} autres valeurs illisibles dans cette colonne".replace(",", "\u202f"),
                        table=table.nom,
                        source=brut.source,
                        colonne=c.nom,
                        conseil=erreurs[codes[rangs[0]]].conseil,  # type: ignore[union-attr]
                    )
                )
    if table.nom == "conventions":
        # A commune perimeter may be written with an arrondissement or a former code (FORMAT.md §1.1 mapping).
        correspondance = ref.correspondance_communes()
        code = colonnes["perimetre_code"]
        commune = colonnes["perimetre_type"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)
        colonnes["perimetre_code"] = code.where(
            ~commune, code.map(lambda x: correspondance.get(x, x), na_action="ignore")
        )
    df = pd.DataFrame(colonnes)
    df[LIGNE] = pd.array(lignes, dtype="Int64")
    return df


# --- Entry point ----------------------------------------------------------------------------------------


def _lire_fichier(nom: str, contenu: bytes, problemes: list[Probleme]) -> list[_Brut]:
    """The raw tables of one file (a workbook gives one per sheet, a CSV one), by the file's content."""
    genre = _genre(contenu)
    if genre == "vide":
        problemes.append(
            _probleme_fichier("fichier_vide", nom, "le fichier est vide", "Le fichier ne contient aucune donnée.")
        )
    elif genre == "ole" and "EncryptedPackage".encode("utf-16-le") in contenu:
        problemes.append(
            _probleme_fichier(
                "fichier_protege",
                nom,
                "classeur protégé par un mot de passe",
                "Enlevez le mot de passe (Fichier > Informations > Protéger le classeur) puis enregistrez-le de nouveau.",
            )
        )
    elif genre == "classeur" and (noms := _archive_non_classeur(contenu)) is not None:
        liste = ", ".join(noms[:5]) + ("…" if len(noms) > 5 else "")
        problemes.append(
            _probleme_fichier(
                "fichier_illisible",
                nom,
                f"ce fichier est une archive ZIP ({liste or 'vide'}), pas un classeur Excel",
                "Décompressez-la et déposez les fichiers qu'elle contient.",
            )
        )
    elif genre in ("classeur", "ole"):
        return _lire_classeur(nom, contenu, problemes)
    elif genre.startswith("binaire:"):
        problemes.append(
            _probleme_fichier(
                "fichier_illisible",
                nom,
                f"ce fichier n'est ni un classeur Excel ni un fichier CSV : c'est {genre.removeprefix('binaire:')}",
            )
        )
    else:
        return _lire_csv(nom, contenu, problemes)
    return []


def _probleme_inattendu(source: str, e: Exception) -> Probleme:
    return _probleme_fichier(
        "fichier_illisible",
        source,
        f"lecture impossible (erreur inattendue : {type(e).__name__})",
        "Signalez ce fichier aux développeurs de flux_dash ; en attendant, enregistrez-le de nouveau depuis Excel.",
    )


def lire(fichiers: Sequence[str | os.PathLike | tuple[str, bytes]]) -> DonneesLues:
    """Read one workbook and/or CSV files into the clean tables of FORMAT.md §1 (never raises on bad input).

    Each sheet or CSV file gives one table, recognised by its sheet name or else by its columns. Problems
    (unreadable file, unknown table, missing column, unparsable cell…) are returned in ``problemes``.
    """
    donnees = DonneesLues()
    if isinstance(fichiers, str | os.PathLike) or (
        isinstance(fichiers, tuple) and len(fichiers) == 2 and isinstance(fichiers[1], bytes | bytearray)
    ):
        fichiers = [fichiers]  # one file given alone, not in a list
    if not fichiers:
        donnees.problemes.append(Probleme(ERREUR, "aucun_fichier", "aucun fichier fourni", conseil=_CONSEIL_FORMATS))
        return donnees
    bruts: list[_Brut] = []
    for fichier in fichiers:
        nom, contenu, raison = _nom_et_octets(fichier)
        if contenu is None:
            donnees.problemes.append(_probleme_fichier("fichier_illisible", nom, raison))
            continue
        donnees.fichiers.append((nom, hashlib.sha256(contenu).hexdigest()))
        try:
            bruts.extend(_lire_fichier(nom, contenu, donnees.problemes))
        except Exception as e:  # noqa: BLE001 - FORMAT.md §2.3: no traceback reaches the user for any input
            donnees.problemes.append(_probleme_inattendu(nom, e))

    # Sheets named after a table first, so that a sheet recognised only by its columns (the template's
    # drop-down lists, a copy) never takes the place of the sheet the user named.
    par_nom = {id(b): table_pour_feuille(b.source) if b.est_feuille else None for b in bruts}
    ordre = sorted(bruts, key=lambda b: par_nom[id(b)] is None)
    deja: dict[str, _Brut] = {}
    for brut in ordre:
        table = par_nom[id(brut)] or _table_par_colonnes(brut.entetes)
        lieu = f"la feuille « {brut.source} »" if brut.est_feuille else f"le fichier « {brut.source} »"
        if brut.est_feuille and par_nom[id(brut)] is None and (table is None or table in deja):
            donnees.problemes.append(
                Probleme(
                    INFORMATION,
                    "feuille_ignoree",
                    f"{lieu} est ignorée : ce n'est pas une table du format",
                    source=brut.source,
                    conseil="Les feuilles lues sont " + ", ".join(f"« {t.libelle} »" for t in TABLES) + ".",
                )
            )
            continue
        if table is None:
            attendus = "; ".join(f"{t.libelle} : {', '.join(t.obligatoires)}" for t in TABLES)
            donnees.problemes.append(
                Probleme(
                    ERREUR,
                    "table_non_reconnue",
                    f"{lieu} n'est pas reconnu : ses en-têtes ne correspondent à aucune table du format",
                    source=brut.source,
                    conseil=f"En-têtes obligatoires par table — {attendus}.",
                )
            )
            continue
        t = PAR_NOM[table]
        if table in deja:
            donnees.problemes.append(
                Probleme(
                    ERREUR,
                    "table_en_double",
                    f"{lieu} contient aussi la table {t.libelle}, déjà lue dans « {deja[table].source} »",
                    table=table,
                    source=brut.source,
                    conseil="Donnez une seule feuille ou un seul fichier par table.",
                )
            )
            continue
        deja[table] = brut
        if not any(nom_de_colonne(e, table) for e in brut.entetes if e):
            donnees.problemes.append(
                Probleme(
                    ERREUR,
                    "entetes_introuvables",
                    f"aucun en-tête reconnu dans les {LIGNES_EN_TETE_MAX} premières lignes de {lieu}",
                    table=table,
                    source=brut.source,
                    conseil=_conseil_entetes(t),
                )
            )
            continue
        try:
            donnees.tables[table] = _table_propre(brut, t)
        except Exception as e:  # noqa: BLE001 - FORMAT.md §2.3: no traceback reaches the user for any input
            donnees.problemes.append(_probleme_inattendu(brut.source, e))
            continue
        donnees.sources[table] = brut.source
        donnees.problemes.extend(brut.problemes)

    trouvees = set(deja)
    for t in TABLES:
        if t.obligatoire and t.nom not in trouvees and (bruts or not donnees.problemes):
            donnees.problemes.append(
                Probleme(
                    ERREUR,
                    "table_manquante",
                    f"table obligatoire « {t.libelle} » introuvable",
                    table=t.nom,
                    conseil=f"Ajoutez une feuille « {t.libelle} » au classeur, ou un fichier CSV avec ses colonnes. "
                    + _conseil_entetes(t),
                )
            )
    return donnees
