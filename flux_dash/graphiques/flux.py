"""Key figures, the flux reconciliation (disponibilités → soustraits → flux) and the monthly trends of year n
(DOMAINE.md §3; the monthly counts come from :func:`flux_dash.series.compter_par_mois`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.formats import PALETTE
from flux_dash.graphiques.commun import (
    FORMAT_DATE,
    REGION,
    cascade_reconciliation,
    mise_en_page,
    selectionner_perimetre,
    texte_sur,
)


def chiffres_cles(bilan: Bilan, perimetre: tuple[str, str] = REGION) -> dict[str, float]:
    """The key figures of a perimeter (région by default): disponibilités, soustraits, flux, proposés (sum over
    holders of their logements proposés, i.e. orientations: a logement oriented to two holders counts twice),
    attribués (distinct logements) and taux de transformation (attribués ÷ proposés, NaN when not significant)."""
    f = selectionner_perimetre(bilan.flux, perimetre)
    c = selectionner_perimetre(bilan.consolidation, perimetre)
    if f.empty:
        return {k: 0 for k in ("disponibilites", "soustraits", "flux", "proposes", "attribues")} | {
            "taux_transformation": float("nan")
        }
    proposes = int(c["logements_proposes"].sum())
    attribues = int(f["attributions"].iloc[0])
    return {
        "disponibilites": int(f["disponibilites"].iloc[0]),
        "soustraits": int(f["soustraits"].iloc[0]),
        "flux": int(f["flux"].iloc[0]),
        "proposes": proposes,
        "attribues": attribues,
        "taux_transformation": attribues / proposes if proposes else float("nan"),
    }


def tableau_reconciliation_flux(bilan: Bilan, perimetre: tuple[str, str] = REGION) -> pd.DataFrame:
    """Disponibilités, then each soustraction category (référentiel order, zeros included), then the flux."""
    f = selectionner_perimetre(bilan.flux, perimetre)
    s = selectionner_perimetre(bilan.soustraits, perimetre).set_index("categorie_soustraction")["soustraits"]
    lignes = [("Disponibilités", int(f["disponibilites"].sum()))]
    lignes += [(f"Soustraits – {ref.SOUSTRACTIONS.libelle(c)}", int(s.get(c, 0))) for c in ref.SOUSTRACTIONS.codes]
    lignes.append(("Flux annuel", int(f["flux"].sum())))
    return pd.DataFrame(lignes, columns=["Étape", "Logements"])


@texte_sur
def tracer_reconciliation_flux(bilan: Bilan, perimetre: tuple[str, str] = REGION) -> go.Figure:
    """Waterfall disponibilités → minus soustraits by category → flux (horizontal: the labels are long)."""
    return cascade_reconciliation(
        tableau_reconciliation_flux(bilan, perimetre), "Du volume de disponibilités au flux annuel"
    )


# --- Monthly trends (from flux_dash.series.compter_par_mois) ----------------------------------------

_SERIES_MENSUELLES = {
    "disponibilites": ("Disponibilités", PALETTE[0]),
    "soustraits": ("Soustraits", PALETTE[5]),
    "orientations": ("Orientations (tours)", PALETTE[1]),
    "attributions": ("Attributions", PALETTE[2]),
}


def tableau_tendances_mensuelles(series: pd.DataFrame) -> pd.DataFrame:
    """The monthly counts with a French month label (« mars 2024 ») and French column names."""
    t = pd.DataFrame({"Mois": [f"{formats.MOIS[d.month - 1]} {d.year}" for d in series["mois"]]})
    for col, (libelle, _) in _SERIES_MENSUELLES.items():
        t[libelle] = series[col].astype("int64").to_numpy()
    return t


@texte_sur
def tracer_tendances_mensuelles(series: pd.DataFrame) -> go.Figure:
    """One line per count, x = first day of each month of year n."""
    fig = go.Figure()
    mois = [f"{formats.MOIS[d.month - 1]} {d.year}" for d in series["mois"]]
    for col, (libelle, couleur) in _SERIES_MENSUELLES.items():
        fig.add_trace(
            go.Scatter(
                x=list(series["mois"]),
                y=list(series[col].astype(int)),
                name=libelle,
                mode="lines+markers",
                line={"color": couleur, "width": 2},
                customdata=mois,
                hovertemplate=f"{libelle} – %{{customdata}} : %{{y:,.0f}}<extra></extra>",
            )
        )
    dates = list(series["mois"])
    return mise_en_page(
        fig,
        "Évolution mensuelle de l'année",
        x="Mois",
        y="Nombre",
        xaxis={
            "tickmode": "array",
            "tickvals": dates,
            "ticktext": [formats.MOIS_COURTS[d.month - 1] for d in dates],
            "hoverformat": FORMAT_DATE,
        },
    )
