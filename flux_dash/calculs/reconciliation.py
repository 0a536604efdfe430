"""Reconciliation checks of a :class:`Bilan`: the figures a landlord sends must add up (DOMAINE.md §3).

One row per check × perimeter (× holder, dimension when relevant): ``controle`` (French), ``perimetre``
(French label of what is checked), ``attendu``, ``obtenu`` (float64) and ``ok``. Available to the UI and
asserted on random datasets by the property-based tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash.calculs.cles import CLES_PERIMETRE, PC, PL, PT

COLONNES = ["controle", "perimetre", "attendu", "obtenu", "ok"]
_TOLERANCE = 1e-9


def _lignes(controle: str, perimetre: pd.Series, attendu, obtenu) -> pd.DataFrame:
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


def verifier_reconciliation(bilan) -> pd.DataFrame:
    morceaux: list[pd.DataFrame] = []
    flux = bilan.flux

    # disponibilités = flux + Σ soustraits by category
    somme = bilan.soustraits.groupby(CLES_PERIMETRE, as_index=False)["soustraits"].sum()
    f = flux.merge(somme.rename(columns={"soustraits": "_s"}), on=CLES_PERIMETRE, how="left").fillna({"_s": 0})
    morceaux.append(
        _lignes("Disponibilités = flux + Σ soustraits par catégorie", _nom(f), f["disponibilites"], f["flux"] + f["_s"])
    )

    # Σ part des attributions = 100 % over holders (consolidated views), where attributions > 0
    c = bilan.consolidation.groupby([PT, PC, PL], as_index=False).agg(
        _part=("part_attributions", "sum"), _att=("logements_attribues", "sum")
    )
    c = c[c["_att"] > 0]
    morceaux.append(_lignes("Σ des parts des attributions = 100 %", _nom(c), np.ones(len(c)), c["_part"]))

    # each décret breakdown adds up to the total
    r = bilan.repartitions.groupby(["reservataire", PT, PC, PL, "dimension"], as_index=False)[
        ["logements_proposes", "logements_attribues"]
    ].sum()
    r = r.merge(bilan.realisation, on=["reservataire", PT, PC, PL], suffixes=("", "_total"))
    for mesure, texte in [("logements_proposes", "proposés"), ("logements_attribues", "attribués")]:
        morceaux.append(
            _lignes(
                f"Répartition des {texte} = total",
                _nom(r, "reservataire", "dimension"),
                r[f"{mesure}_total"],
                r[mesure],
            )
        )

    # Σ issues = tours
    i = bilan.issues.groupby(["reservataire", PT, PC, PL], as_index=False)["tours"].sum()
    i = i.merge(bilan.realisation, on=["reservataire", PT, PC, PL], suffixes=("", "_total"))
    morceaux.append(_lignes("Σ des tours par issue = tours", _nom(i, "reservataire"), i["tours_total"], i["tours"]))

    # commune-level figures add up to the EPCI/EPT, département and région strates
    a = bilan.appartenance
    communes = flux[flux[PT] == "COMMUNE"].drop(columns=[PT, PL]).rename(columns={PC: "code_commune"})
    strates = bilan.perimetres.loc[bilan.perimetres["strate"] & (bilan.perimetres[PT] != "COMMUNE"), CLES_PERIMETRE]
    mesures = ["disponibilites", "soustraits", "flux", "relogements_realises", "attributions"]
    s = strates.merge(a, on=CLES_PERIMETRE).merge(communes, on="code_commune")
    s = s.groupby(CLES_PERIMETRE, as_index=False)[mesures].sum()
    s = s.merge(flux, on=CLES_PERIMETRE, suffixes=("", "_total"))
    for m in mesures:
        morceaux.append(_lignes(f"Σ communes = périmètre ({m})", _nom(s), s[f"{m}_total"], s[m]))

    cons = bilan.consolidation
    com = cons[cons[PT] == "COMMUNE"].rename(columns={PC: "code_commune"})[
        ["code_commune", "reservataire", "logements_proposes", "logements_attribues"]
    ]
    h = strates.merge(a, on=CLES_PERIMETRE).merge(com, on="code_commune")
    h = h.groupby([PT, PC, "reservataire"], as_index=False)[["logements_proposes", "logements_attribues"]].sum()
    h = h.merge(cons, on=[PT, PC, "reservataire"], how="outer", suffixes=("", "_total"))
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
    for m, texte in [("logements_proposes", "proposés"), ("logements_attribues", "attribués")]:
        morceaux.append(
            _lignes(
                f"Σ communes = périmètre ({texte} par attributaire)", _nom(h, "reservataire"), h[f"{m}_total"], h[m]
            )
        )

    out = pd.concat(morceaux, ignore_index=True)
    return out[COLONNES]
