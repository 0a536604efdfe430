"""The files of the consolidation (FORMAT.md §3.2): ``indicateurs_consolides_{n}.csv`` (the header of §2.2: rows with
``bailleur`` empty are all landlords together), ``couverture_{n}.csv`` and the names of the consolidated workbooks.

CSV files are written as the landlord's ``indicateurs_{n}.csv``: UTF-8 with BOM, ``;``, decimal comma, text
starting with ``=``, ``+``, ``-`` or ``@`` guarded by a leading ``'``, numbers with at most 6 decimals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash import garde
from flux_dash import referentiel as ref
from flux_dash.consolidation import Consolidation
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation import couverture as cv


def nom_indicateurs(annee: int) -> str:
    return f"indicateurs_consolides_{annee}.csv"


def nom_couverture(annee: int) -> str:
    return f"couverture_{annee}.csv"


def nom_classeur(annee: int, ptype: str, pcode: str) -> str:
    """``consolidation_{n}_{slug_territoire}.xlsx``: the territory's label (« Est Ensemble », « Seine-Saint-Denis
    (93) », « Île-de-France ») made a slug; a commune gets its INSEE code too (homonyms)."""
    libelle = ref.libelle_perimetre(ptype, pcode)
    return f"consolidation_{annee}_{ref.slug(libelle + (' ' + pcode if ptype == 'COMMUNE' else ''))}.xlsx"


def nombres_csv(valeurs: pd.Series) -> pd.Series:
    """Numbers as ``indicateurs_{n}.csv`` writes them (:func:`flux_dash.indicateurs_csv._nombre`, vectorised for
    millions of rows): integers without decimals, others with at most 6 decimals and a decimal comma, empty for
    NaN."""
    x = valeurs.to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(len(x), "", dtype=object)
    finis = np.isfinite(x)
    entiers = finis & (x == np.round(x)) & (np.abs(x) < 2**53)
    out[entiers] = x[entiers].astype(np.int64).astype(str)
    autres = finis & ~entiers
    if autres.any():
        t = pd.Series(np.char.mod("%.6f", x[autres]), dtype=object).str.rstrip("0").str.rstrip(".")
        out[autres] = t.replace({"-0": "0", "": "0"}).str.replace(".", ",", regex=False).to_numpy()
    return pd.Series(out, index=valeurs.index)


def textes_csv(valeurs: pd.Series) -> pd.Series:
    """Text cells with the CSV-injection guard of :mod:`flux_dash.garde` (vectorised)."""
    t = valeurs.astype(str)
    dangereux = t.str.startswith(garde.DEBUTS_DANGEREUX)
    return t.where(~dangereux, "'" + t)


def _csv(df: pd.DataFrame, nombres: list[str]) -> bytes:
    colonnes = {c: (nombres_csv(df[c]) if c in nombres else textes_csv(df[c])) for c in df.columns}
    texte = pd.DataFrame(colonnes).to_csv(sep=";", index=False, lineterminator="\r\n")
    return ("\ufeff" + texte).encode("utf-8")


def ecrire_indicateurs(c: Consolidation) -> bytes:
    """``indicateurs_consolides_{n}.csv``."""
    t = c.en_tableau()
    t["annee"] = t["annee"].astype(str)
    return _csv(t[k.ENTETE], ["valeur"])


def ecrire_couverture(c: Consolidation) -> bytes:
    """``couverture_{n}.csv``: ``bailleur;siren;statut;fichiers;sha256;disponibilites;communes``."""
    t = c.couverture[cv.COLONNES].copy()
    t["communes"] = t["communes"].astype("float64")
    return _csv(t, ["disponibilites", "communes"])
