"""Soustraits per territory and category, relogements réalisés, and the forecast of year n+1: flux prévisionnel
per département and droits prévisionnels per convention (DOMAINE.md §3, §5.4)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.formats import PALETTE
from flux_dash.graphiques.commun import (
    COULEUR_DROITS,
    REGION,
    barres_empilees,
    barres_groupees,
    figure_vide,
    libelle_perimetre_complet,
    mise_en_page,
    selectionner_perimetre,
    texte_sur,
)


def tableau_soustraits_territoires(bilan: Bilan, niveau: str = "DEPARTEMENT") -> pd.DataFrame:
    """Per strate perimeter of ``niveau`` (rows) × soustraction category (columns), plus a total."""
    strates = bilan.perimetres[bilan.perimetres["strate"].astype(bool) & (bilan.perimetres["perimetre_type"] == niveau)]
    s = bilan.soustraits[
        (bilan.soustraits["perimetre_type"] == niveau)
        & bilan.soustraits["perimetre_code"].isin(strates["perimetre_code"])
    ]
    if s.empty:
        return pd.DataFrame(columns=["Code", "Territoire", *ref.SOUSTRACTIONS.libelles.values(), "Total"])
    p = s.pivot_table(
        index=["perimetre_code", "perimetre_libelle"],
        columns="categorie_soustraction",
        values="soustraits",
        aggfunc="sum",
        fill_value=0,
    )
    p = p.reindex(columns=ref.SOUSTRACTIONS.codes, fill_value=0).astype("int64").sort_index()
    t = p.rename(columns=ref.SOUSTRACTIONS.libelles).reset_index()
    t.columns.name = None
    t = t.rename(columns={"perimetre_code": "Code", "perimetre_libelle": "Territoire"})
    t["Total"] = p.sum(axis=1).to_numpy()
    return t


@texte_sur
def tracer_soustraits_territoires(bilan: Bilan, niveau: str = "DEPARTEMENT") -> go.Figure:
    """Stacked bars per territory, one colour per soustraction category."""
    t = tableau_soustraits_territoires(bilan, niveau)
    if t.empty:
        return figure_vide("Aucun territoire à afficher.")
    return barres_empilees(
        t,
        "Territoire",
        ref.SOUSTRACTIONS,
        "Logements soustraits du flux par catégorie",
        x="",
        y="Logements",
        legend={"orientation": "v", "y": 1.0, "x": 1.02},
    )


def tableau_relogements(bilan: Bilan, perimetre: tuple[str, str] = REGION) -> pd.DataFrame:
    """Per soustraction category: soustraits of year n and relogements réalisés (DOMAINE.md §3)."""
    s = selectionner_perimetre(bilan.soustraits, perimetre).set_index("categorie_soustraction")
    codes = ref.SOUSTRACTIONS.codes
    return pd.DataFrame(
        {
            "Catégorie": [ref.SOUSTRACTIONS.libelle(c) for c in codes],
            "Soustraits": [int(s["soustraits"].get(c, 0)) for c in codes],
            "Relogements réalisés": [int(s["relogements_realises"].get(c, 0)) for c in codes],
        }
    )


@texte_sur
def tracer_relogements(bilan: Bilan, perimetre: tuple[str, str] = REGION) -> go.Figure:
    """Horizontal grouped bars: soustraits and relogements réalisés per category."""
    t = tableau_relogements(bilan, perimetre)
    fig = go.Figure()
    for col, couleur in (("Soustraits", PALETTE[5]), ("Relogements réalisés", PALETTE[2])):
        fig.add_trace(
            go.Bar(
                y=list(t["Catégorie"]),
                x=list(t[col]),
                name=col,
                orientation="h",
                marker_color=couleur,
                hovertemplate=f"%{{y}}<br>{col} : %{{x:,.0f}}<extra></extra>",
            )
        )
    return mise_en_page(
        fig,
        "Soustraits et relogements réalisés par catégorie",
        x="Logements",
        y="",
        barmode="group",
        yaxis={"autorange": "reversed"},
    )


def tableau_flux_previsionnel(bilan: Bilan) -> pd.DataFrame:
    """Per département of the prévisionnel: disponibilités of n, disponibilités prévues, soustraits prévus and
    flux prévisionnel n+1 (DOMAINE.md §5.4)."""
    p = bilan.previsionnel
    if p is None or p.empty:
        return pd.DataFrame(
            columns=[
                "Département",
                "Disponibilités n",
                "Disponibilités prévues",
                "Soustraits prévus",
                "Flux prévisionnel",
            ]
        )
    p = p[p["perimetre_type"] == "DEPARTEMENT"].sort_values("perimetre_code")
    return pd.DataFrame(
        {
            "Département": p["perimetre_libelle"].to_numpy(),
            "Disponibilités n": p["disponibilites_n"].astype("int64").to_numpy(),
            "Disponibilités prévues": p["disponibilites_prevues"].astype("float64").to_numpy(),
            "Soustraits prévus": p["soustraits_prevus"].astype("float64").to_numpy(),
            "Flux prévisionnel": p["flux_previsionnel"].astype("float64").to_numpy(),
        }
    )


@texte_sur
def tracer_flux_previsionnel(bilan: Bilan) -> go.Figure:
    """Grouped bars per département: disponibilités of n, soustraits prévus, flux prévisionnel n+1."""
    t = tableau_flux_previsionnel(bilan)
    if t.empty:
        return figure_vide("Aucun prévisionnel.")
    series = (("Disponibilités n", PALETTE[0]), ("Soustraits prévus", PALETTE[5]), ("Flux prévisionnel", PALETTE[2]))
    fig = barres_groupees(t["Département"], [(t[col], col, c) for col, c in series], ",.1f")
    return mise_en_page(
        fig, f"Flux prévisionnel {bilan.annee + 1} par département", x="Département", y="Logements", barmode="group"
    )


def tableau_droits_previsionnels(bilan: Bilan) -> pd.DataFrame:
    """One row per convention: taux, flux prévisionnel of its perimeter, droits prévisionnels."""
    p = bilan.previsionnel_reservataires
    if p is None or p.empty:
        return pd.DataFrame(
            columns=["Réservataire", "Périmètre", "Taux conventionnel", "Flux prévisionnel", "Droits prévisionnels"]
        )
    return pd.DataFrame(
        {
            "Réservataire": p["reservataire"].to_numpy(),
            "Périmètre": p.apply(libelle_perimetre_complet, axis=1).to_numpy(),
            "Taux conventionnel": (p["taux_convention"] / 100).to_numpy(dtype="float64"),
            "Flux prévisionnel": p["flux_previsionnel"].to_numpy(dtype="float64"),
            "Droits prévisionnels": p["droits_previsionnels"].to_numpy(dtype="float64"),
        }
    )


@texte_sur
def tracer_droits_previsionnels(bilan: Bilan) -> go.Figure:
    """Horizontal bars: droits prévisionnels n+1 per convention."""
    t = tableau_droits_previsionnels(bilan)
    if t.empty:
        return figure_vide("Aucune convention.")
    y = list(t["Réservataire"] + " · " + t["Périmètre"])
    fig = go.Figure(
        go.Bar(
            y=y,
            x=list(t["Droits prévisionnels"]),
            orientation="h",
            marker_color=COULEUR_DROITS,
            name="Droits prévisionnels",
            hovertemplate="%{y}<br>Droits prévisionnels : %{x:,.1f}<extra></extra>",
        )
    )
    return mise_en_page(
        fig,
        f"Droits prévisionnels {bilan.annee + 1} par convention",
        x="Logements",
        y="",
        yaxis={"autorange": "reversed"},
        height=max(300, 28 * len(y) + 120),
    )
