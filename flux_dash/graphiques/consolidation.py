"""Charts of the receiving side (FORMAT.md §3.3), built from a :class:`~flux_dash.consolidation.Consolidation` of
one territory, as the other charts are from a Bilan: each ``tableau_xxx(co, territoire)`` gives the figures plotted
(French column names), each ``tracer_xxx`` is drawn from that table. Nothing is recomputed: the frames of the
Consolidation (and :mod:`flux_dash.consolidation.tableaux`) hold every figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from flux_dash.consolidation import Consolidation, tableaux
from flux_dash.consolidation.moteur import TOUS
from flux_dash.formats import PALETTE
from flux_dash.graphiques.commun import GRIS, horizontal_si_nombreux, mise_en_page, texte_sur

STATUTS = {"recu": "reçu", "manquant": "manquant"}
COLONNES_COUVERTURE = {
    "bailleur": "Bailleur",
    "statut": "Statut",
    "fichiers": "Fichiers",
    "disponibilites": "Disponibilités",
    "part_disponibilites": "Part des disponibilités",
}


def _sur(df: pd.DataFrame, territoire: tuple[str, str]) -> pd.DataFrame:
    return df[(df["perimetre_type"] == territoire[0]) & (df["perimetre_code"] == territoire[1])]


def tableau_couverture(co: Consolidation, territoire: tuple[str, str]) -> pd.DataFrame:
    """Who has sent, on the territory: every landlord with logements there (its disponibilités and share) and every
    expected landlord missing (:func:`flux_dash.consolidation.tableaux.couverture_du_territoire`)."""
    t = tableaux.couverture_du_territoire(co.couverture, co.flux, *territoire)
    t = t.assign(statut=t["statut"].map(STATUTS))
    return t[list(COLONNES_COUVERTURE)].rename(columns=COLONNES_COUVERTURE).reset_index(drop=True)


def manquants(co: Consolidation) -> list[str]:
    """The expected landlords whose bilan has not been received (the « relance » list)."""
    return co.couverture.loc[co.couverture["statut"] == "manquant", "bailleur"].tolist()


@texte_sur
def tracer_couverture(co: Consolidation, territoire: tuple[str, str]) -> go.Figure:
    """Each landlord's share of the territory's disponibilités (received landlords; the missing ones are listed
    at zero in grey: their share is unknown)."""
    t = tableau_couverture(co, territoire)
    recu = t["Statut"] == STATUTS["recu"]
    parts = t["Part des disponibilités"].fillna(0.0)
    fig = go.Figure(
        go.Bar(
            x=list(t["Bailleur"]),
            y=list(parts),
            marker_color=[PALETTE[0] if r else GRIS for r in recu],
            customdata=np.stack([t["Disponibilités"].fillna(0.0), t["Statut"]], axis=-1),
            hovertemplate="%{x}<br>%{y:.1%} des disponibilités (%{customdata[0]:,.0f} logements)<br>"
            "%{customdata[1]}<extra></extra>",
        )
    )
    fig = mise_en_page(fig, "Part de chaque bailleur dans les disponibilités du territoire", y="Part", pourcent_y=True)
    return horizontal_si_nombreux(fig, list(t["Bailleur"]))


def chiffres_cles(co: Consolidation, territoire: tuple[str, str]) -> dict[str, float]:
    """The territory's key figures, all landlords together, and how many landlords are behind them."""
    f = _sur(co.flux, territoire)
    f = f[f["bailleur"] == TOUS]
    if f.empty:
        return {}
    r = f.iloc[0]
    return {c: float(r[c]) for c in ("disponibilites", "soustraits", "flux", "logements_attribues", "nombre_bailleurs")}
