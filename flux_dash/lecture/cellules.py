"""Cell parsing: one raw cell to its clean value, per kind of column of :mod:`flux_dash.colonnes`.

This module owns what a cell means: codes kept as text (``93066.0`` back to ``93066``, former commune codes
mapped), French booleans, integers and numbers with a decimal comma, dates (JJ/MM/AAAA, ISO, Excel serial
numbers), category aliases of the référentiel. Each parser reads ONE distinct value and raises
:class:`Illisible` (rule and hint in French) for a value it cannot read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flux_dash import formats, limites
from flux_dash import referentiel as ref
from flux_dash.colonnes import DTYPES, Colonne
from flux_dash.lecture.entetes import normaliser

CODES_TELS_QUELS = frozenset({"id_logement"})
"""Code columns kept exactly as typed (only stripped): no mapping, no case change."""

CODES_NUMERIQUES = frozenset({"code_commune", "perimetre_code", "code_departement"})
"""Code columns that are numbers in France: ``93066.0`` typed as text is turned back into ``93066``."""


class Illisible(ValueError):
    """A value that cannot be parsed for its column type: (rule, hint) in French."""

    def __init__(self, regle: str, conseil: str) -> None:
        super().__init__(regle)
        self.regle = regle
        self.conseil = conseil


@dataclass(frozen=True)
class CelluleSpeciale:
    """A workbook cell whose value calamine reads as empty, marked by :mod:`flux_dash.lecture.fichiers` so that it
    is never read as empty (issue 12, rows 4 and 7): an error (``#REF!``, ``#N/A``…), a formula saved without its
    computed value, or a cell covered by a merge."""

    genre: str
    """"erreur" | "formule" | "fusion"."""
    texte: str
    """The error (``#REF!``), the formula (``SUM(A1:A3)``) or the merged range (``A3:B3``)."""

    def __str__(self) -> str:
        return self.texte


_INVISIBLES = re.compile("[\x00\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""NUL, soft hyphen, zero-width and bidirectional control characters: invisible, so two names differing by one
of them look identical (issue 12, row 7); they are removed from every text cell."""


def est_vide(v: object) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    if isinstance(v, float):
        return bool(np.isnan(v))
    return isinstance(v, str) and not v.strip()


def en_texte(v: object) -> str:
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
    return " ".join(_INVISIBLES.sub("", str(v)).split())


_CODE_FLOTTANT = re.compile(r"^(\d+)[.,]0+$")


NOMS = frozenset({"reservataire"})
"""Columns holding a name, bounded by :data:`flux_dash.limites.CARACTERES_NOM`."""


_SPECIALES = {
    "erreur": (
        "cellule en erreur dans Excel ({texte})",
        "Corrigez la formule ou la référence qui produit cette erreur, ou remplacez-la par la valeur attendue.",
    ),
    "formule": (
        "formule sans valeur calculée (={texte})",
        "Le fichier ne contient que la formule, pas son résultat : ouvrez-le dans Excel ou LibreOffice, laissez-le "
        "recalculer, puis enregistrez-le.",
    ),
    "fusion": (
        "cellule fusionnée ({texte}) : seule la première cellule d'une fusion porte la valeur",
        "Annulez la fusion des cellules et recopiez la valeur sur chaque ligne.",
    ),
}


def controler_cellule(v: object, colonne: str) -> None:
    """Raise :class:`Illisible` for a :class:`CelluleSpeciale` (never read as empty) and for a text longer than a
    cell or a name may be (flux_dash.limites)."""
    if isinstance(v, CelluleSpeciale):
        regle, conseil = _SPECIALES[v.genre]
        raise Illisible(regle.format(texte=v.texte), conseil)
    if not isinstance(v, str):
        return
    if len(v) > limites.CARACTERES_CELLULE:
        raise Illisible(
            f"valeur trop longue : {formats.nombre(len(v))} caractères, au plus "
            f"{formats.nombre(limites.CARACTERES_CELLULE)} par cellule",
            "Vérifiez la cellule : une valeur du format tient en quelques mots.",
        )
    if colonne in NOMS and len(v) > limites.CARACTERES_NOM:
        raise Illisible(
            f"nom trop long : {formats.nombre(len(v))} caractères, au plus {formats.nombre(limites.CARACTERES_NOM)}",
            "Abrégez le nom ; gardez la même écriture dans les tours et les conventions.",
        )


def _parseur_code(colonne: str) -> Callable[[object], object]:
    def code(v: object) -> object:
        if est_vide(v):
            return pd.NA
        texte = v.strip() if isinstance(v, str) else en_texte(v)
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
        if est_vide(v):
            return pd.NA
        t = en_texte(v)
        # "Bailleur" is a reserved holder name (referentiel.NOM_BAILLEUR): accept any spelling of it.
        if colonne == "reservataire" and normaliser(t) == normaliser(ref.NOM_BAILLEUR):
            return ref.NOM_BAILLEUR
        return t

    return texte


def _parseur_categorie(c: Colonne) -> Callable[[object], object]:
    assert c.categorie is not None
    table = c.categorie.table_alias

    def categorie(v: object) -> object:
        if est_vide(v):
            return pd.NA
        texte = en_texte(v)
        code = table.get(normaliser(texte))
        if code is None and c.nom == "typologie" and texte.isdigit() and int(texte) >= 5:
            code = "T5+"  # FORMAT.md §1.1: a bare number ≥ 5 means T5+ (1–4 are aliases of the référentiel)
        return code if code is not None else texte

    return categorie


_VRAI = {normaliser(x) for x in ref.BOOLEENS_VRAI}
_FAUX = {normaliser(x) for x in ref.BOOLEENS_FAUX}


def _parseur_booleen(c: Colonne) -> Callable[[object], object]:
    # FORMAT.md §1: empty = non, except in a required column (qpv), where it stays missing for validation.
    vide = pd.NA if c.obligatoire else False

    def booleen(v: object) -> object:
        if est_vide(v):
            return vide
        if isinstance(v, bool | np.bool_):
            return bool(v)
        if isinstance(v, int | float) and v in (0, 1):
            return bool(v)
        n = normaliser(v)
        if n in _VRAI:
            return True
        if n in _FAUX:
            return vide if n == "" else False
        raise Illisible("valeur oui/non non reconnue", "Valeurs acceptées : oui/non, o/n, 1/0, vrai/faux, x ou vide.")

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
        raise Illisible("nombre entier trop grand", "Nombre entier attendu, par exemple 3 ou 1972.")
    return n


def _entier_brut(v: object) -> object:
    if est_vide(v):
        return pd.NA
    conseil = "Nombre entier attendu, par exemple 3 ou 1972."
    if isinstance(v, bool | dt.date):
        raise Illisible("nombre entier attendu", conseil)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        if np.isfinite(v) and float(v).is_integer():
            return int(v)
        raise Illisible("nombre entier attendu", conseil)
    texte = _nettoyer_nombre(v)
    if _NOMBRE.match(texte) and float(texte).is_integer():
        return int(texte) if texte.lstrip("+-").isdigit() else int(float(texte))
    raise Illisible("nombre entier attendu", conseil)


def _nombre(v: object) -> object:
    if est_vide(v):
        return pd.NA
    conseil = "Nombre attendu, par exemple 25 ou 25,5 (pour 25 %)."
    if isinstance(v, bool | dt.date):
        raise Illisible("nombre illisible", conseil)
    if isinstance(v, int | float | np.integer | np.floating):
        if np.isfinite(v):
            return float(v)
        raise Illisible("nombre illisible", conseil)
    texte = _nettoyer_nombre(v).removesuffix("%")
    if _NOMBRE.match(texte):
        nombre = float(texte)
        if not np.isfinite(nombre):  # 400 digits: float() gives inf (issue 12, row 7)
            raise Illisible(f"nombre trop grand ({formats.nombre(len(texte))} caractères)", conseil)
        return nombre
    raise Illisible("nombre illisible", conseil)


_HEURE = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
_DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _HEURE + "$")
_DATE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _HEURE + "$")
_ORIGINE_EXCEL = dt.datetime(1899, 12, 30)
_SERIE_MIN, _SERIE_MAX = 10_000, 100_000  # Excel serial numbers of 18/05/1927 and 14/10/2173
_CONSEIL_DATE = "Format attendu JJ/MM/AAAA (par exemple 15/03/2024) ou AAAA-MM-JJ."


_DATE_DEUX_CHIFFRES = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")


def _date_valide(annee: int, mois: int, jour: int) -> pd.Timestamp:
    if not 1800 <= annee <= 2200:
        raise Illisible("date hors limites (année entre 1800 et 2200 attendue)", _CONSEIL_DATE)
    try:
        return pd.Timestamp(dt.date(annee, mois, jour))
    except ValueError:
        pass
    # Say what is wrong in words a user checks at once (FORMAT.md §1.5: the rule, the value and a hint).
    if not 1 <= mois <= 12:
        conseil = "Le jour s'écrit avant le mois : JJ/MM/AAAA (par exemple 15/03/2024 pour le 15 mars)."
        raise Illisible(f"date inexistante : il n'y a pas de mois {mois}", conseil)
    if not 1 <= jour <= 31:
        raise Illisible(f"date inexistante : il n'y a pas de jour {jour}", _CONSEIL_DATE)
    en = f" en {annee}" if (mois, jour) == (2, 29) else ""
    jour_texte = "1er" if jour == 1 else str(jour)
    raise Illisible(f"date inexistante : il n'y a pas de {jour_texte} {formats.MOIS[mois - 1]}{en}", _CONSEIL_DATE)


def _heure_valide(m: re.Match[str]) -> None:
    """« 15/03/2024 25:99 » is not a date (issue 12, row 7): the time after a date must exist too."""
    heure, minute, seconde = m.group(4), m.group(5), m.group(6)
    if heure is not None and (int(heure) > 23 or int(minute) > 59 or int(seconde or 0) > 59):
        texte = f"{heure}:{minute}" + (f":{seconde}" if seconde else "")
        raise Illisible(f"heure inexistante : {texte}", _CONSEIL_DATE + " L'heure, facultative, va de 00:00 à 23:59.")


def _date(v: object) -> object:
    if est_vide(v):
        return pd.NaT
    if isinstance(v, dt.date):  # Excel date cell (datetime and pd.Timestamp are dates too)
        if (v.year, v.month) <= (1900, 2):
            # Serials 59 and 60 both come back as 28/02/1900: 60 is Excel's 29/02/1900, a day that never was
            # (Lotus 1-2-3's leap-year bug), so no date before March 1900 can be trusted (issue 12, row 7).
            raise Illisible(
                f"date d'Excel antérieure au 01/03/1900 ({v.strftime('%d/%m/%Y')}) : le calendrier d'Excel y compte "
                "un 29/02/1900 qui n'a pas existé",
                _CONSEIL_DATE,
            )
        return _date_valide(v.year, v.month, v.day)
    if isinstance(v, bool | dt.time):
        raise Illisible("date illisible", _CONSEIL_DATE)
    if isinstance(v, int | float | np.integer | np.floating):
        serie = float(v)
    else:
        texte = str(v).strip()
        if m := _DATE_FR.match(texte):
            _heure_valide(m)
            return _date_valide(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if m := _DATE_ISO.match(texte):
            _heure_valide(m)
            return _date_valide(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if _DATE_DEUX_CHIFFRES.match(texte):
            raise Illisible(
                "année sur deux chiffres",
                "Écrivez l'année en entier, au format JJ/MM/AAAA : 15/03/2024 et non 15/03/24.",
            )
        nombre = _nettoyer_nombre(texte)
        if not _NOMBRE.match(nombre):
            raise Illisible("date illisible", _CONSEIL_DATE)
        serie = float(nombre)
    # An Excel serial number (a date cell exported as a number)
    if not (np.isfinite(serie) and _SERIE_MIN <= serie < _SERIE_MAX):
        raise Illisible("date illisible", _CONSEIL_DATE)
    jour = _ORIGINE_EXCEL + dt.timedelta(days=int(serie))
    return pd.Timestamp(jour)


def parseur(c: Colonne) -> tuple[Callable[[object], object], str]:
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


def colonne_vide(c: Colonne, n: int) -> pd.Series:
    _, dtype = parseur(c)
    if c.nom == "origine":
        return pd.Series(["ROTATION"] * n, dtype="string")  # FORMAT.md §1.1: ROTATION is the default
    return pd.Series(pd.array([None] * n, dtype=dtype))
