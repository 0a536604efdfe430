"""The tidy indicators file ``indicateurs_{n}.csv`` (FORMAT.md §2.2): one figure per row, read from a Bilan.

Rows: perimeter-wide figures (``reservataire`` empty) for every perimeter of the bilan; every holder × its
perimeters (réservataire × convention perimeter, Bailleur × strates) with ``total`` rows, the ``issue`` rows of
its tours and the five décret breakdowns of ``logements_proposes`` and ``logements_attribues``; the §4 indicators;
the prévisionnel n+1. Ratios are fractions (0,25 for 25 %), empty when not significant.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from flux_dash import garde
from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan
from flux_dash.calculs.cles import PC, PL, PT, trier
from flux_dash.calculs.definitions import DEFINITIONS

ENTETE = ["annee", PT, PC, PL, "reservataire", "dimension", "modalite", "indicateur", "valeur"]
_RANG_INDICATEUR = {code: i for i, (code, _, _) in enumerate(DEFINITIONS)}
_RATIOS_REALISATION = ["part_flux_orientations", "part_attributions", "taux_realisation", "taux_transformation"]
_MESURES_REALISATION = [
    "logements_proposes",
    "logements_attribues",
    "tours",
    *_RATIOS_REALISATION,
    "taux_convention",
    "droits_theoriques",
    "ecart",
]


def _long(
    df: pd.DataFrame, mesures: list[str], *, reservataire: bool, dimension: str = "total", modalite: str | None = None
) -> pd.DataFrame:
    """``df`` in long form: one row per row of ``df`` × measure (measure-major, like ``DataFrame.melt``, built with
    numpy because melt costs ~10 ms a call and the file needs about twenty of them)."""
    n, k = len(df), len(mesures)
    vide = np.full(n * k, "", dtype=object)

    def repete(colonne: str) -> np.ndarray:
        return np.tile(df[colonne].to_numpy(dtype=object), k)

    return pd.DataFrame(
        {
            PT: repete(PT),
            PC: repete(PC),
            PL: repete(PL),
            "reservataire": repete("reservataire") if reservataire else vide,
            "categorie": repete("categorie") if reservataire else vide,
            "dimension": dimension,
            "modalite": repete(modalite) if modalite else vide,
            "indicateur": np.repeat(np.asarray(mesures, dtype=object), n),
            "valeur": np.concatenate([df[m].to_numpy(dtype="float64", na_value=np.nan) for m in mesures])
            if k
            else np.empty(0, dtype="float64"),
        }
    )


def indicateurs_en_tableau(bilan: Bilan) -> pd.DataFrame:
    """Every figure of the bilan as FORMAT.md §2.2 rows (``valeur`` float64, NaN when not significant)."""
    morceaux = [
        _long(bilan.flux, ["disponibilites", "soustraits", "flux", "relogements_realises"], reservataire=False),
        _long(
            bilan.soustraits,
            ["soustraits", "relogements_realises"],
            reservataire=False,
            dimension="categorie_soustraction",
            modalite="categorie_soustraction",
        ),
    ]
    realisation = bilan.realisation.assign(taux_convention=bilan.realisation["taux_convention"] / 100)
    morceaux.append(_long(realisation, _MESURES_REALISATION, reservataire=True))
    morceaux.append(_long(bilan.issues, ["tours"], reservataire=True, dimension="issue", modalite="issue"))
    rep = bilan.repartitions
    for mesure in ["logements_proposes", "logements_attribues"]:
        morceau = _long(rep, [mesure], reservataire=True, modalite="modalite")
        morceau["dimension"] = rep["dimension"].to_numpy(dtype=object)
        morceaux.append(morceau)
    ind = bilan.indicateurs
    morceau = _long(ind, ["valeur"], reservataire=True)
    morceau["indicateur"] = ind["indicateur"].to_numpy(dtype=object)
    morceaux.append(morceau)
    if len(bilan.previsionnel):
        morceaux.append(_long(bilan.previsionnel, ["flux_previsionnel"], reservataire=False))
        morceaux.append(
            _long(
                bilan.previsionnel_soustraits,
                ["soustraits_prevus"],
                reservataire=False,
                dimension="categorie_soustraction",
                modalite="categorie_soustraction",
            )
        )
        morceaux.append(_long(bilan.previsionnel_reservataires, ["droits_previsionnels"], reservataire=True))
    out = pd.concat(morceaux, ignore_index=True)
    out["annee"] = bilan.annee
    out["_r_res"] = np.where(out["reservataire"] == "", -1, out["categorie"].map(ref.CATEGORIES_RESERVATAIRE.ordre))
    out["_r_ind"] = out["indicateur"].map(_RANG_INDICATEUR).fillna(len(_RANG_INDICATEUR))
    out = trier(out, [PT, PC, "_r_res", "reservataire", "_r_ind", "indicateur", "dimension", "modalite"])
    return out[ENTETE]


def _nombre(valeur: float) -> str:
    """Integers without decimals; other numbers with at most 6 decimals, decimal comma, no thousands separator."""
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
        return ""
    if float(valeur).is_integer():
        return str(int(valeur))
    texte = f"{valeur:.6f}".rstrip("0").rstrip(".")
    if texte in ("-0", ""):
        texte = "0"
    return texte.replace(".", ",")


def ecrire_indicateurs_csv(bilan: Bilan) -> bytes:
    """``indicateurs_{n}.csv``: UTF-8 with BOM, ``;``, decimal comma (FORMAT.md §2.2)."""
    t = indicateurs_en_tableau(bilan)
    colonnes = {
        "annee": t["annee"].astype(str),
        **{
            c: t[c].astype(str).map(garde.neutraliser)  # CSV-injection guard (FORMAT.md §2.2)
            for c in [PT, PC, PL, "reservataire", "dimension", "modalite", "indicateur"]
        },
        "valeur": t["valeur"].map(_nombre),
    }
    texte = pd.DataFrame(colonnes)[ENTETE].to_csv(sep=";", index=False, lineterminator="\r\n")
    return ("\ufeff" + texte).encode("utf-8")
