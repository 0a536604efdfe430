"""What one landlord sends for one year, once read: its figures as tidy rows and the files they came from. Its own
module so that reading (:mod:`.reception`) and checking (:mod:`.controles`, :mod:`.moteur`, :mod:`.couverture`)
both import it without importing each other."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from flux_dash.consolidation import contrat as k


@dataclass(frozen=True)
class FichierRecu:
    """One file as received: its name, its sha256 (of the bytes received) and its kind."""

    nom: str
    sha256: str
    genre: str
    """``archive``, ``csv`` or ``classeur``."""


@dataclass
class Envoi:
    """The figures of one landlord for one year, as tidy rows (FORMAT.md §2.2 without ``annee`` and ``bailleur``,
    which are attributes), and the files they were read from.

    ``lignes`` columns: :data:`~flux_dash.consolidation.contrat.TEXTES` (str) and ``valeur`` (float64, NaN when
    the file leaves it empty); one row per :data:`~flux_dash.consolidation.contrat.CLES`, sorted."""

    bailleur: str
    annee: int
    lignes: pd.DataFrame
    fichiers: tuple[FichierRecu, ...]
    version: str = ""
    """flux_dash version that wrote the file, when the file says (``Données`` header)."""

    @property
    def cle(self) -> str:
        return k.cle_bailleur(self.bailleur)

    @property
    def sha256(self) -> tuple[str, ...]:
        return tuple(f.sha256 for f in self.fichiers)

    def empreinte(self) -> str:
        """sha256 of the figures themselves (keys and values, sorted): equal for two files with the same figures,
        whatever their kind (ZIP, CSV, workbook) or dates."""
        return empreinte_lignes(self.lignes)


def empreinte_lignes(lignes: pd.DataFrame) -> str:
    t = lignes.sort_values(k.CLES, kind="stable")
    valeurs = t["valeur"].map(lambda v: "" if pd.isna(v) else repr(round(float(v), 9)))
    texte = "\n".join("|".join(r) for r in zip(*(t[c].astype(str) for c in k.CLES), valeurs, strict=True))
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()
