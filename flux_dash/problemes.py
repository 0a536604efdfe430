"""Problems found in the user's files, and the containers handed from reading to validation to computing.

A :class:`Probleme` is what a user reads: sheet (or file), line as seen in the file, column, the rule in
French, the bad value and a hint. Reading and validation never raise on bad input: they return problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from flux_dash.limites import CARACTERES_VALEUR_CITEE

Gravite = Literal["erreur", "avertissement", "information"]

ERREUR: Gravite = "erreur"
AVERTISSEMENT: Gravite = "avertissement"
INFORMATION: Gravite = "information"


@dataclass(frozen=True)
class Probleme:
    """One problem, as shown to the user (all texts in French).

    ``table`` is the canonical table name (``logements``…); ``source`` is what the user knows: the sheet name
    or the CSV file name. ``ligne`` is None for a problem about a whole table or file (missing column,
    unreadable file). ``code`` is a stable identifier of the rule (``colonne_manquante``, ``valeur_hors_liste``…)
    used for counts by rule and in tests.
    """

    gravite: Gravite
    code: str
    regle: str
    table: str = ""
    source: str = ""
    ligne: int | None = None
    colonne: str = ""
    valeur: str = ""
    conseil: str = ""

    def __post_init__(self) -> None:
        # A bad value is quoted, never copied whole: a 1 MB cell stays 1 MB nowhere (erreurs.csv, the app).
        if len(self.valeur) > CARACTERES_VALEUR_CITEE:
            object.__setattr__(self, "valeur", self.valeur[: CARACTERES_VALEUR_CITEE - 1] + "…")

    def en_dict(self) -> dict[str, object]:
        return {
            "gravite": self.gravite,
            "table": self.table,
            "source": self.source,
            "ligne": self.ligne,
            "colonne": self.colonne,
            "regle": self.regle,
            "valeur": self.valeur,
            "conseil": self.conseil,
            "code": self.code,
        }

    def __str__(self) -> str:
        ou = self.source or self.table
        if self.ligne is not None:
            ou += f", ligne {self.ligne}"
        if self.colonne:
            ou += f", colonne « {self.colonne} »"
        texte = f"{ou} : {self.regle}"
        if self.valeur:
            texte += f" (valeur : « {self.valeur} »)"
        if self.conseil:
            texte += f". {self.conseil}"
        return texte


COLONNES_PROBLEMES = ["gravite", "table", "source", "ligne", "colonne", "regle", "valeur", "conseil", "code"]
LIBELLES_COLONNES_PROBLEMES = {
    "gravite": "Gravité",
    "table": "Table",
    "source": "Feuille / fichier",
    "ligne": "Ligne",
    "colonne": "Colonne",
    "regle": "Règle",
    "valeur": "Valeur",
    "conseil": "Conseil",
    "code": "Code de la règle",
}


def problemes_en_tableau(problemes: list[Probleme]) -> pd.DataFrame:
    """Problems as a DataFrame with the columns of :data:`COLONNES_PROBLEMES` (stable order)."""
    df = pd.DataFrame([p.en_dict() for p in problemes], columns=COLONNES_PROBLEMES)
    df["ligne"] = df["ligne"].astype("Int64")
    return df


@dataclass
class DonneesLues:
    """What :func:`flux_dash.lecture.lire` returns.

    ``tables`` maps canonical table names to clean frames (see :mod:`flux_dash.colonnes` for dtypes); a table
    that could not be found is absent. ``sources`` maps table names to the sheet or file name the user gave.
    ``fichiers`` lists (file name, sha256) of every input file, for the reports' "Paramètres" sheet.
    ``problemes`` holds reading problems (unreadable file, missing column, unparsable value…).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    fichiers: list[tuple[str, str]] = field(default_factory=list)
    problemes: list[Probleme] = field(default_factory=list)


@dataclass
class RapportValidation:
    """What :func:`flux_dash.validation.valider` returns.

    ``ok`` is True when there is no error (warnings allowed). ``tables`` holds the clean tables (only
    meaningful when ``ok``). ``erreurs`` and ``avertissements`` are sorted by table, line, column;
    ``informations`` lists ignored extra columns and similar notes. ``annee``: the bilan year whose warnings the
    report holds (None: the rules that do not depend on the year only, :func:`flux_dash.validation.pour_annee`).
    """

    ok: bool
    tables: dict[str, pd.DataFrame]
    erreurs: list[Probleme]
    avertissements: list[Probleme]
    informations: list[Probleme] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    fichiers: list[tuple[str, str]] = field(default_factory=list)
    annee: int | None = None

    @property
    def problemes(self) -> list[Probleme]:
        return [*self.erreurs, *self.avertissements, *self.informations]

    def tableau(self) -> pd.DataFrame:
        return problemes_en_tableau(self.problemes)
