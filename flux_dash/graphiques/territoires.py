"""Figures per strate territoriale (DOMAINE.md §2, §5.2): the table and map per commune, EPCI/EPT or département,
and the consolidated matrix of a territory.

Maps: offline, from :func:`flux_dash.referentiel.geojson_communes`, keeping only the communes drawn, as filled
shapes on plain longitude/latitude axes (``go.Choropleth`` needs a world topojson that plotly.js downloads from
cdn.plot.ly: without internet the map stays blank). EPCI/EPT and départements are **not dissolved** (no geometry
library offline): each is one trace made of its communes' outlines, coloured with the territory's value and
without inner borders, so a territory reads as one shape; the hover names the territory (documented choice).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
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
NB_CLASSES = 5
"""Classes of a map (quintiles): enough to tell a territory from its neighbours, few enough to read the legend."""
NB_ETIQUETTES = 8
"""Perimeters named on the map: the largest values (every name is in the hover and the table beside)."""
LATITUDE_IDF = 48.7
"""Mean latitude of Île-de-France: the map's y/x scale ratio is 1/cos(latitude) (equirectangular projection)."""


def classes_carte(valeurs: Sequence[float]) -> list[tuple[int, int]]:
    """Quantile classes of the integer ``valeurs`` (at most :data:`NB_CLASSES`): inclusive bounds, each class holding
    at least one value, the first starting at the smallest value and the last ending at the largest.

    Equal-width classes said nothing when one territory dominates (Paris: « 0 à 9 999 » held every other one);
    quantile classes put about as many territories in each colour. Each upper bound is a value of the data
    (``inverted_cdf`` quantiles), so no class is empty."""
    entiers = np.sort(np.asarray([int(round(v)) for v in valeurs], dtype="int64"))
    if entiers.size == 0:
        return []
    n = min(NB_CLASSES, len(np.unique(entiers)))
    hauts = sorted({int(np.quantile(entiers, (i + 1) / n, method="inverted_cdf")) for i in range(n)})
    bas = [int(entiers[0])] + [h + 1 for h in hauts[:-1]]
    return list(zip(bas, hauts, strict=True))


def libelle_classe(bas: int, haut: int) -> str:
    """« 12 » for a one-value class, « 13 à 40 » otherwise (French thousands: « 1 200 à 3 499 »)."""
    return formats.nombre(bas) if bas == haut else f"{formats.nombre(bas)} à {formats.nombre(haut)}"


def couleurs_classes(n: int) -> list[str]:
    """``n`` colours of :data:`BLEUS`, spread from the lightest to the darkest (one class: the middle one)."""
    if n <= 1:
        return [BLEUS[len(BLEUS) // 2]] * n
    return [BLEUS[round(i * (len(BLEUS) - 1) / (n - 1))] for i in range(n)]


def _anneaux(geometrie: dict) -> list[list[list[float]]]:
    """Outer rings of a Polygon / MultiPolygon (holes are ignored: communes have none worth drawing)."""
    if geometrie["type"] == "Polygon":
        return [geometrie["coordinates"][0]]
    return [poly[0] for poly in geometrie["coordinates"]]


LARGEUR_CARTE_PX = 360
"""Pixels assumed for the drawn map (its area in the map column at 1 280 px), to size the names on it."""
PX_PAR_CARACTERE, PX_PAR_LIGNE = 7.5, 18
"""Size of a name drawn on the map (12 px, semi-bold), per character and per line."""


def _etiquettes_espacees(places: list[str], centres: dict[str, tuple[float, float]], noms: dict[str, str]) -> list[str]:
    """The largest perimeters (``places`` is sorted by the mapped figure), at most :data:`NB_ETIQUETTES`, whose
    name box does not overlap the names already kept: around Paris, eight neighbours' names overlapped."""
    if not places:
        return []
    xs = [centres[c][0] for c in places]
    ys = [centres[c][1] for c in places]
    echelle = math.cos(math.radians(LATITUDE_IDF))  # one degree of latitude is drawn 1/cos(lat) times longer
    etendue = max(max(xs) - min(xs), (max(ys) - min(ys)) / echelle, 0.05)
    par_px_x = etendue / LARGEUR_CARTE_PX
    par_px_y = par_px_x * echelle

    def chevauche(a: str, b: str) -> bool:
        dx = abs(centres[a][0] - centres[b][0]) / par_px_x
        dy = abs(centres[a][1] - centres[b][1]) / par_px_y
        return dx < PX_PAR_CARACTERE * (len(noms[a]) + len(noms[b])) / 2 and dy < PX_PAR_LIGNE

    gardes: list[str] = []
    for code in places:
        if not any(chevauche(code, g) for g in gardes):
            gardes.append(code)
            if len(gardes) == NB_ETIQUETTES:
                break
    return gardes


@functools.cache
def _formes_communes() -> dict[str, list[list[list[float]]]]:
    """INSEE code → outer rings of every commune, read once per process (parsing the GeoJSON took 0,2–0,5 s per
    map). Never modified by the callers."""
    return {f["properties"]["code"]: _anneaux(f["geometry"]) for f in ref.geojson_communes()["features"]}


def tableau_carte(bilan: Bilan, niveau: str, indicateur: str = "flux", territoire: str | None = None) -> pd.DataFrame:
    """:func:`tableau_territoires` with the mapped figure right after the name, sorted by it (largest first, then
    by name): the table beside the map reads in the order of the colours."""
    t = tableau_territoires(bilan, niveau, territoire)
    colonne = INDICATEURS_CARTE[indicateur]
    ordre = ["Code", "Territoire", colonne] + [c for c in t.columns if c not in ("Code", "Territoire", colonne)]
    t = t[ordre].sort_values([colonne, "Territoire"], ascending=[False, True], kind="stable")
    return t.reset_index(drop=True)


@texte_sur
def tracer_carte(bilan: Bilan, niveau: str, indicateur: str = "flux", territoire: str | None = None) -> go.Figure:
    """Map of one figure (``INDICATEURS_CARTE``) at ``niveau``: communes carry their own value at the commune
    level, their territory's value otherwise (module docstring).

    Drawn offline as filled shapes on plain axes (longitude, latitude), **one trace per class**
    (:func:`classes_carte`, quantiles; ``meta``: the class bounds, the perimeters' values, the communes drawn),
    whatever the number of communes: 1 260 traces cost 1 MB of JSON and 2 s per rerun. One point per perimeter
    (its shapes' mean vertex) carries the hover « name, figure »; the :data:`NB_ETIQUETTES` largest are named on
    the map. Plotly's ``go.Choropleth`` is not used on purpose: plotly.js always downloads a world topojson from
    cdn.plot.ly for it, and without internet access the map stays blank (checked in chromium, plotly.js 3.8).
    """
    t = tableau_carte(bilan, niveau, indicateur, territoire)
    colonne = INDICATEURS_CARTE[indicateur]
    titre = (
        f"{colonne} par {NIVEAUX[niveau].lower().rstrip('s')}" if niveau != "EPCI_EPT" else f"{colonne} par EPCI / EPT"
    )
    if territoire is not None:
        titre = f"{ref.libelle_perimetre('EPCI_EPT', territoire)} : {minuscule(titre)}"
    return dessiner_carte(t, niveau, colonne, titre)


def dessiner_carte(t: pd.DataFrame, niveau: str, colonne: str, titre: str) -> go.Figure:
    """The map of :func:`tracer_carte` drawn from a table (``Code``, ``Territoire`` and the figure ``colonne``, one
    row per perimeter of ``niveau``): also what the receiving side maps from a consolidation."""
    if t.empty:
        return figure_vide("Aucun territoire à afficher.")
    dessin = _communes_dessinees(niveau, list(t["Code"]))
    communes_de = dessin.groupby("code")["code_commune"].apply(sorted).to_dict()
    formes = _formes_communes()
    valeurs = dict(zip(t["Code"], t[colonne].astype("int64"), strict=True))
    noms = dict(zip(t["Code"], t["Territoire"], strict=True))
    classes = classes_carte(list(valeurs.values()))
    teintes = couleurs_classes(len(classes))
    rang_de = {code: next(i for i, (_, h) in enumerate(classes) if v <= h) for code, v in valeurs.items()}
    centres: dict[str, tuple[float, float]] = {}
    fig = go.Figure()
    for rang, (bas, haut) in enumerate(classes):
        membres = [code for code in t["Code"] if rang_de[code] == rang]
        x: list[float | None] = []
        y: list[float | None] = []
        communes: list[str] = []
        for code in membres:
            px: list[float] = []
            py: list[float] = []
            for commune in communes_de.get(code, []):
                communes.append(commune)
                for anneau in formes.get(commune, []):
                    x += [p[0] for p in anneau] + [None]
                    y += [p[1] for p in anneau] + [None]
                    px += [p[0] for p in anneau]
                    py += [p[1] for p in anneau]
            if px:
                centres[code] = (sum(px) / len(px), sum(py) / len(py))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                fill="toself",
                fillcolor=teintes[rang],
                line={"color": "white", "width": 0.6 if niveau == "COMMUNE" else 0},
                hoverinfo="skip",
                name=libelle_classe(bas, haut),
                legendrank=rang,
                meta={"classe": [bas, haut], "valeurs": {c: int(valeurs[c]) for c in membres}, "communes": communes},
            )
        )
    places = [code for code in t["Code"] if code in centres]
    fig.add_trace(
        go.Scatter(
            x=[centres[c][0] for c in places],
            y=[centres[c][1] for c in places],
            mode="markers",
            marker={"size": 8, "opacity": 0},
            hovertext=[f"{noms[c]}<br>{colonne} : {formats.nombre(valeurs[c])}" for c in places],
            hoverinfo="text",
            showlegend=False,
            name="Survol",
        )
    )
    nommes = _etiquettes_espacees(places, centres, noms)
    fig.add_trace(
        go.Scatter(
            x=[centres[c][0] for c in nommes],
            y=[centres[c][1] for c in nommes],
            mode="text",
            text=[noms[c] for c in nommes],
            # dark text with a white halo: readable on the lightest and on the darkest class
            textfont={"size": 12, "color": "#1b1b1b", "weight": 600, "shadow": "0px 0px 3px #ffffff"},
            hoverinfo="skip",
            showlegend=False,
            name="Noms",
        )
    )
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
