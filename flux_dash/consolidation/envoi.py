"""What one landlord sends for one year, once read: its figures as tidy rows and the files they came from. Its own
module so that reading (:mod:`.reception`) and checking (:mod:`.controles`, :mod:`.moteur`, :mod:`.couverture`)
both import it without importing each other."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
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


def partager_textes(lignes: pd.DataFrame) -> pd.DataFrame:
    """``lignes`` with each text column's equal values held by one ``str`` object (the same values, dtype object).

    A landlord's file repeats a few hundred distinct texts (perimeters, holders, indicators) over tens of thousands
    of rows; read from a CSV or the store, each cell is its own ``str`` (~50–60 bytes), so the rows kept for a
    regional consolidation (100 landlords, 2.8 million rows) weighed gigabytes. Shared, a cell is one pointer."""
    for c in k.TEXTES:
        if c in lignes and lignes[c].dtype == object and len(lignes):
            codes, distincts = pd.factorize(lignes[c].to_numpy(dtype=object), use_na_sentinel=False)
            # dtype object kept as given: pandas would otherwise infer its str dtype (other copies, other costs).
            lignes[c] = pd.Series(np.asarray(distincts, dtype=object)[codes], index=lignes.index, dtype=object)
    return lignes


def empreinte_lignes(lignes: pd.DataFrame) -> str:
    """sha256 of the rows « key|…|value » sorted by key, the value as ``repr(round(v, 9))`` (empty when missing).
    The text is what the store keeps the fingerprint of (:mod:`.base`): it must not change. Each distinct value is
    written once (by bit pattern: ``-0.0`` and ``0.0`` are written apart, as ``repr`` does)."""
    t = lignes.sort_values(k.CLES, kind="stable")
    v = t["valeur"].to_numpy(dtype="float64")
    codes, distincts = pd.factorize(v.view("int64"))
    textes = np.array([repr(round(float(x), 9)) for x in distincts.view("float64")] + [""], dtype=object)
    valeurs = textes[np.where(np.isnan(v), len(textes) - 1, codes)]
    colonnes = [t[c].astype(str).tolist() for c in k.CLES] + [valeurs.tolist()]
    texte = "\n".join(map("|".join, zip(*colonnes, strict=True)))
    return hashlib.sha256(texte.encode("utf-8")).hexdigest()
