"""Reconciliation checks of a bilan's frames: the figures a landlord sends must add up (DOMAINE.md §3).

One row per check × perimeter (× holder, dimension when relevant): ``controle`` (French), ``perimetre``
(French label of what is checked), ``attendu``, ``obtenu`` (float64) and ``ok``. Each check is a function of
the frames it reads; :func:`controler_bilan` runs them all (``Bilan.reconciliation()``). Available to the UI
and asserted on random datasets by the property-based tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash.calculs.cles import CLES_PERIMETRE, PC, PL, PT

COLONNES = ["controle", "perimetre", "attendu", "obtenu", "ok"]
_TOLERANCE = 1e-9


def _lignes(
    controle: str, perimetre: pd.Series, attendu: pd.Series | np.ndarray, obtenu: pd.Series | np.ndarray
) -> pd.DataFrame:
    attendu = np.asarray(attendu, dtype="float64")
    obtenu = np.asarray(obtenu, dtype="float64")
    return pd.DataFrame(
        {
            "controle": controle,
            "perimetre": perimetre.to_numpy(),
            "attendu": attendu,
            "obtenu": obtenu,
            "ok": np.isclose(attendu, obtenu, rtol=0, atol=_TOLERANCE),
        }
    )


def _nom(df: pd.DataFrame, *suffixes: str) -> pd.Series:
    nom = df[PL].astype(str) + " (" + df[PT].astype(str) + " " + df[PC].astype(str) + ")"
    for s in suffixes:
        nom = nom + " – " + df[s].astype(str)
    return nom


def controler_soustraits(flux: pd.DataFrame, soustraits: pd.DataFrame) -> pd.DataFrame:
    """disponibilités = flux + Σ soustraits by category, per perimeter."""
    somme = soustraits.groupby(CLES_PERIMETRE, as_index=False)["soustraits"].sum()
    f = flux.merge(somme.rename(columns={"soustraits": "_s"}), on=CLES_PERIMETRE, how="left").fillna({"_s": 0})
    return _lignes(
        "Disponibilités = flux + Σ soustraits par catégorie", _nom(f), f["disponibilites"], f["flux"] + f["_s"]
    )


def controler_attributions(flux: pd.DataFrame, consolidation: pd.DataFrame) -> pd.DataFrame:
    """Σ over the holders of a perimeter (réservataires, Bailleur and the « Hors convention » lines) of their
    attribués = attribués(P, n), in every perimeter (DOMAINE.md §3: a real attribution is never dropped)."""
    somme = consolidation.groupby(CLES_PERIMETRE, as_index=False)["logements_attribues"].sum()
    f = flux.merge(somme.rename(columns={"logements_attribues": "_a"}), on=CLES_PERIMETRE, how="left")
    f = f.fillna({"_a": 0})
    return _lignes(
        "Σ des attribués des attributaires (bailleur et hors convention compris) = attributions du périmètre",
        _nom(f),
        f["attributions"],
        f["_a"],
    )


def controler_parts_attributions(consolidation: pd.DataFrame) -> pd.DataFrame:
    """Σ part des attributions = 100 % over the holders of each consolidated perimeter with attributions."""
    c = consolidation.groupby([PT, PC, PL], as_index=False).agg(
        _part=("part_attributions", "sum"), _att=("logements_attribues", "sum")
    )
    c = c[c["_att"] > 0]
    return _lignes("Σ des parts des attributions = 100 %", _nom(c), np.ones(len(c)), c["_part"])


def controler_repartitions(repartitions: pd.DataFrame, realisation: pd.DataFrame) -> list[pd.DataFrame]:
    """Each décret breakdown adds up to the holder's total (proposés, then attribués)."""
    r = repartitions.groupby(["reservataire", PT, PC, PL, "dimension"], as_index=False)[
        ["logements_proposes", "logements_attribues"]
    ].sum()
    r = r.merge(realisation, on=["reservataire", PT, PC, PL], suffixes=("", "_total"))
    return [
        _lignes(
            f"Répartition des {texte} = total",
            _nom(r, "reservataire", "dimension"),
            r[f"{mesure}_total"],
            r[mesure],
        )
        for mesure, texte in [("logements_proposes", "proposés"), ("logements_attribues", "attribués")]
    ]


def controler_repartitions_consolidation(
    repartitions_consolidation: pd.DataFrame, consolidation: pd.DataFrame
) -> list[pd.DataFrame]:
    """The QPV and commune breakdowns of every holder × perimeter of the consolidated views add up to its totals
    (FORMAT.md §2.2 v1.1: what the receiving side adds at every strate)."""
    cles = ["categorie", "reservataire", PT, PC, PL]
    mesures = ["logements_proposes", "logements_attribues"]
    r = repartitions_consolidation.groupby([*cles, "dimension"], as_index=False)[mesures].sum()
    r = consolidation[cles + mesures].merge(r.rename(columns={m: f"{m}_parts" for m in mesures}), on=cles, how="left")
    r = r.dropna(subset=["dimension"])
    return [
        _lignes(
            f"Répartition des {texte} par QPV et par commune = total (tous attributaires)",
            _nom(r, "categorie", "reservataire", "dimension"),
            r[m],
            r[f"{m}_parts"],
        )
        for m, texte in [("logements_proposes", "proposés"), ("logements_attribues", "attribués")]
    ]


def controler_issues(issues: pd.DataFrame, realisation: pd.DataFrame) -> pd.DataFrame:
    """Σ tours by issue = tours, per holder × perimeter."""
    i = issues.groupby(["reservataire", PT, PC, PL], as_index=False)["tours"].sum()
    i = i.merge(realisation, on=["reservataire", PT, PC, PL], suffixes=("", "_total"))
    return _lignes("Σ des tours par issue = tours", _nom(i, "reservataire"), i["tours_total"], i["tours"])


def _strates_au_dessus(perimetres: pd.DataFrame) -> pd.DataFrame:
    return perimetres.loc[perimetres["strate"] & (perimetres[PT] != "COMMUNE"), CLES_PERIMETRE]


def controler_strates(flux: pd.DataFrame, perimetres: pd.DataFrame, appartenance: pd.DataFrame) -> list[pd.DataFrame]:
    """Commune-level figures add up to the EPCI/EPT, département and région strates, one block per measure."""
    communes = flux[flux[PT] == "COMMUNE"].drop(columns=[PT, PL]).rename(columns={PC: "code_commune"})
    mesures = ["disponibilites", "soustraits", "flux", "relogements_realises", "attributions"]
    s = _strates_au_dessus(perimetres).merge(appartenance, on=CLES_PERIMETRE).merge(communes, on="code_commune")
    s = s.groupby(CLES_PERIMETRE, as_index=False)[mesures].sum()
    s = s.merge(flux, on=CLES_PERIMETRE, suffixes=("", "_total"))
    return [_lignes(f"Σ communes = périmètre ({m})", _nom(s), s[f"{m}_total"], s[m]) for m in mesures]


def controler_consolidation(
    consolidation: pd.DataFrame, perimetres: pd.DataFrame, appartenance: pd.DataFrame
) -> list[pd.DataFrame]:
    """Each holder's commune-level proposés and attribués add up to its figures on the strates above (each
    « Hors convention » line apart from the réservataire's convention figures)."""
    cles = ["categorie", "reservataire"]
    com = consolidation[consolidation[PT] == "COMMUNE"].rename(columns={PC: "code_commune"})[
        ["code_commune", *cles, "logements_proposes", "logements_attribues"]
    ]
    au_dessus = _strates_au_dessus(perimetres)
    h = au_dessus.merge(appartenance, on=CLES_PERIMETRE).merge(com, on="code_commune")
    h = h.groupby([PT, PC, *cles], as_index=False)[["logements_proposes", "logements_attribues"]].sum()
    totaux = consolidation.merge(au_dessus, on=CLES_PERIMETRE)
    h = h.merge(totaux, on=[PT, PC, *cles], how="outer", suffixes=("", "_total"))
    h = h.fillna(
        {
            "logements_proposes": 0,
            "logements_attribues": 0,
            "logements_proposes_total": 0,
            "logements_attribues_total": 0,
        }
    )
    h = h[h[PT].ne("COMMUNE")]
    h[PL] = h[PL].fillna("")
    return [
        _lignes(
            f"Σ communes = périmètre ({texte} par attributaire)",
            _nom(h, "categorie", "reservataire"),
            h[f"{m}_total"],
            h[m],
        )
        for m, texte in [("logements_proposes", "proposés"), ("logements_attribues", "attribués")]
    ]


def controler_bilan(
    *,
    perimetres: pd.DataFrame,
    appartenance: pd.DataFrame,
    flux: pd.DataFrame,
    soustraits: pd.DataFrame,
    realisation: pd.DataFrame,
    issues: pd.DataFrame,
    repartitions: pd.DataFrame,
    consolidation: pd.DataFrame,
    repartitions_consolidation: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every check, in reading order (columns :data:`COLONNES`)."""
    morceaux = [
        controler_soustraits(flux, soustraits),
        controler_attributions(flux, consolidation),
        controler_parts_attributions(consolidation),
        *controler_repartitions(repartitions, realisation),
        controler_issues(issues, realisation),
        *controler_strates(flux, perimetres, appartenance),
        *controler_consolidation(consolidation, perimetres, appartenance),
    ]
    if repartitions_consolidation is not None and len(repartitions_consolidation):
        morceaux += controler_repartitions_consolidation(repartitions_consolidation, consolidation)
    return pd.concat(morceaux, ignore_index=True)[COLONNES]
