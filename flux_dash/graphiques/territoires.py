"""Figures per strate territoriale (DOMAINE.md §2, §5.2): the table and map per commune, EPCI/EPT or département,
and the consolidated matrix of a territory.

Maps: offline, from :func:`flux_dash.referentiel.geojson_communes`, keeping only the communes drawn, as filled
shapes on plain longitude/latitude axes (``go.Choropleth`` needs a world topojson that plotly.js downloads from
cdn.plot.ly: without internet the map stays blank). EPCI/EPT and départements are **not dissolved** (no geometry
library offline): each is one trace made of its communes' outlines, coloured with the territory's value and
without inner borders, so a territory reads as one shape; the hover names the territory (documented choice).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.graphiques.commun import (
    figure_vide,
    minuscule,
    mise_en_page,
    selectionner_perimetre,
    texte_sur,
)

INDICATEURS_CARTE = {"flux": "Flux", "proposes": "Proposés", "attribues": "Attribués"}
"""Figures a map can show: code → French column name of :func:`tableau_territoires`."""
NIVEAUX = {"COMMUNE": "Communes", "EPCI_EPT": "EPCI / EPT", "DEPARTEMENT": "Départements"}


def tableau_territoires(bilan: Bilan, niveau: str, territoire: str | None = None) -> pd.DataFrame:
    """One row per strate perimeter of ``niveau`` (restricted to the communes of the EPCI/EPT ``territoire``
    when given): disponibilités, soustraits, flux, proposés (sum over holders: orientations), attribués
    (distinct logements), sorted by code."""
    strates = bilan.perimetres[bilan.perimetres["strate"].astype(bool) & (bilan.perimetres["perimetre_type"] == niveau)]
    f = bilan.flux[bilan.flux["perimetre_type"] == niveau]
    f = f[f["perimetre_code"].isin(strates["perimetre_code"])]
    if territoire is not None:
        a = bilan.appartenance
        communes = a[(a["perimetre_type"] == "EPCI_EPT") & (a["perimetre_code"] == territoire)]["code_commune"]
        f = f[f["perimetre_code"].isin(set(communes))]
    c = bilan.consolidation[bilan.consolidation["perimetre_type"] == niveau]
    proposes = c.groupby("perimetre_code")["logements_proposes"].sum()
    f = f.sort_values("perimetre_code")
    return pd.DataFrame(
        {
            "Code": f["perimetre_code"].astype(str).to_numpy(),
            "Territoire": f["perimetre_libelle"].astype(str).to_numpy(),
            "Disponibilités": f["disponibilites"].astype("int64").to_numpy(),
            "Soustraits": f["soustraits"].astype("int64").to_numpy(),
            "Flux": f["flux"].astype("int64").to_numpy(),
            "Proposés": f["perimetre_code"].map(proposes).fillna(0).astype("int64").to_numpy(),
            "Attribués": f["attributions"].astype("int64").to_numpy(),
        }
    )


def _communes_dessinees(niveau: str, codes: list[str]) -> pd.DataFrame:
    """(code_commune, code of the perimeter it is coloured by) for the communes drawn at ``niveau``."""
    if niveau == "COMMUNE":
        return pd.DataFrame({"code_commune": codes, "code": codes})
    c = ref.communes()
    col = "code_territoire" if niveau == "EPCI_EPT" else "code_departement"
    c = c[c[col].isin(codes)]
    return pd.DataFrame({"code_commune": c["code_insee"].to_numpy(), "code": c[col].to_numpy()})


def geojson_restreint(codes_communes: set[str]) -> dict:
    """The commune GeoJSON restricted to ``codes_communes`` (keeps the chart's JSON small)."""
    g = ref.geojson_communes()
    return {
        "type": "FeatureCollection",
        "features": [f for f in g["features"] if f["properties"]["code"] in codes_communes],
    }


BLEUS = ("#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#084594")
"""Sequential single-hue scale of the map classes (ColorBrewer Blues: readable by colour-blind people)."""
LATITUDE_IDF = 48.7
"""Mean latitude of Île-de-France: the map's y/x scale ratio is 1/cos(latitude) (equirectangular projection)."""


def classes_carte(maximum: float) -> list[tuple[int, int]]:
    """Equal classes of "nice" width (1, 2, 5 × 10^k) covering 0…``maximum`` in at most ``len(BLEUS)`` classes:
    inclusive integer bounds, e.g. 0–49, 50–99… (counts are integers)."""
    maximum = max(0, int(math.ceil(maximum)))
    pas, k = 1, 0
    while math.ceil((maximum + 1) / pas) > len(BLEUS):
        k += 1
        pas = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    return [(i * pas, (i + 1) * pas - 1) for i in range(math.ceil((maximum + 1) / pas))]


def _anneaux(geometrie: dict) -> list[list[list[float]]]:
    """Outer rings of a Polygon / MultiPolygon (holes are ignored: communes have none worth drawing)."""
    if geometrie["type"] == "Polygon":
        return [geometrie["coordinates"][0]]
    return [poly[0] for poly in geometrie["coordinates"]]


@texte_sur
def tracer_carte(bilan: Bilan, niveau: str, indicateur: str = "flux", territoire: str | None = None) -> go.Figure:
    """Map of one figure (``INDICATEURS_CARTE``) at ``niveau``: communes carry their own value at the commune
    level, their territory's value otherwise (module docstring).

    Drawn offline as filled shapes on plain axes (longitude, latitude), one trace per perimeter (``meta``: its
    code, value and communes), coloured by class (:func:`classes_carte`, legend). Plotly's ``go.Choropleth``
    is not used on purpose: plotly.js always downloads a world topojson from cdn.plot.ly for it, and without
    internet access the map stays blank (checked in chromium, plotly.js 3.8).
    """
    t = tableau_territoires(bilan, niveau, territoire)
    colonne = INDICATEURS_CARTE[indicateur]
    if t.empty:
        return figure_vide("Aucun territoire à afficher.")
    dessin = _communes_dessinees(niveau, list(t["Code"])).merge(t, left_on="code", right_on="Code")
    formes = {
        f["properties"]["code"]: _anneaux(f["geometry"])
        for f in geojson_restreint(set(dessin["code_commune"]))["features"]
    }
    classes = classes_carte(float(t[colonne].max()))
    vues: set[int] = set()
    fig = go.Figure()
    for ligne in t.to_dict("records"):
        valeur = int(ligne[colonne])
        communes = sorted(dessin.loc[dessin["code"] == ligne["Code"], "code_commune"])
        x: list[float | None] = []
        y: list[float | None] = []
        for code in communes:
            for anneau in formes.get(code, []):
                x += [p[0] for p in anneau] + [None]
                y += [p[1] for p in anneau] + [None]
        rang = next(i for i, (_, haut) in enumerate(classes) if valeur <= haut)
        bas, haut = classes[rang]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                fillcolor=BLEUS[rang],
                line={"color": "white", "width": 0.6 if niveau == "COMMUNE" else 0},
                hoveron="fills",
                hoverinfo="text",
                text=f"{ligne['Territoire']}<br>{colonne} : {formats.nombre(valeur)}",
                name=f"{formats.nombre(bas)} à {formats.nombre(haut)}",
                legendgroup=str(rang),
                legendrank=rang,
                showlegend=rang not in vues,
                meta={"code": ligne["Code"], "valeur": valeur, "communes": communes},
            )
        )
        vues.add(rang)
    titre = (
        f"{colonne} par {NIVEAUX[niveau].lower().rstrip('s')}" if niveau != "EPCI_EPT" else f"{colonne} par EPCI / EPT"
    )
    if territoire is not None:
        titre = f"{ref.libelle_perimetre('EPCI_EPT', territoire)} : {minuscule(titre)}"
    axe = {"visible": False, "showgrid": False, "zeroline": False}
    return mise_en_page(
        fig,
        titre,
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
        height=520,
        hovermode="closest",
        legend={"orientation": "v", "x": 1.0, "xanchor": "right", "y": 1.0, "title": {"text": colonne}},
        xaxis=axe,
        yaxis={**axe, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(LATITUDE_IDF))},
    )


def tableau_consolidation(bilan: Bilan, perimetre: tuple[str, str]) -> pd.DataFrame:
    """The consolidated matrix of a strate perimeter (DOMAINE.md §5.2): one row per holder."""
    c = selectionner_perimetre(bilan.consolidation, perimetre)
    return pd.DataFrame(
        {
            "Réservataire": c["reservataire"].to_numpy(),
            "Catégorie": c["categorie"].map(ref.CATEGORIES_RESERVATAIRE.libelle).to_numpy(),
            "Proposés": c["logements_proposes"].to_numpy(),
            "Part du flux": c["part_flux_orientations"].to_numpy(),
            "Attribués": c["logements_attribues"].to_numpy(),
            "Part des attributions": c["part_attributions"].to_numpy(),
            "Attribués en QPV": c["attribues_en_qpv"].to_numpy(),
            "Attribués hors QPV": c["attribues_hors_qpv"].to_numpy(),
            "Publics prioritaires": c["attribues_prioritaires"].to_numpy(),
            "DALO": c["attribues_dalo"].to_numpy(),
            "1er quartile": c["attribues_premier_quartile"].to_numpy(),
        }
    )
