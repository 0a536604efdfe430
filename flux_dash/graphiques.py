"""The dashboard's charts: plotly figures built from a :class:`~flux_dash.calculs.Bilan`, never from raw rows.

Every chart comes as a pair: ``tableau_xxx(bilan, …) -> DataFrame`` (the figures plotted, French column names,
one row per bar/point — what the page shows under « Voir les données » and offers for download) and
``tracer_xxx(bilan, …) -> go.Figure`` built *from that table*, so a chart and its table can never disagree and
nothing is recomputed (house style §6). Ratio columns hold raw fractions (0.25 for 25 %); their names are in
:data:`COLONNES_POURCENTAGE` so that display code formats them as ``25,0 %``.

French display (DOMAINE.md §3, stack.md plotly 7): ``separators=", "`` (« 1 234,5 »), percent axes ``.1%``, date
axes ``%d/%m/%Y``, French titles and hover texts. One colour-blind-safe palette (Okabe–Ito), category colours
derived from the référentiel order (:func:`couleurs`). Reference values (DOMAINE.md §4) are drawn as dashed
lines or markers "to read against", never as a verdict.

Maps: offline, from :func:`flux_dash.referentiel.geojson_communes`, keeping only the communes drawn, as filled
shapes on plain longitude/latitude axes (``go.Choropleth`` needs a world topojson that plotly.js downloads from
cdn.plot.ly: without internet the map stays blank). EPCI/EPT and départements are **not dissolved** (no geometry
library offline): each is one trace made of its communes' outlines, coloured with the territory's value and
without inner borders, so a territory reads as one shape; the hover names the territory (documented choice).

No Streamlit here: the pages call these functions and render.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.referentiel import Categorie

# --- Palette and layout ------------------------------------------------------------------------------

PALETTE = formats.PALETTE
GRIS = "#999999"
"""Neutral colour: the landlord (BAILLEUR), references."""
ECHELLE_CARTE = [[0.0, "#F7FBFF"], [0.5, PALETTE[4]], [1.0, PALETTE[0]]]
"""Sequential blue scale of the maps (light → Okabe–Ito blue)."""
SEPARATEURS = ", "
"""plotly ``separators``: decimal comma, thousands space (« 1 234,5 »)."""
FORMAT_DATE = "%d/%m/%Y"
FORMAT_NOMBRE = ",~f"
"""d3 format of count axes: thousands grouped, no useless decimals (« 1 500 », « 2,5 »)."""
COULEUR_PROPOSES, COULEUR_ATTRIBUES, COULEUR_DROITS = PALETTE[0], PALETTE[2], PALETTE[1]
GABARIT = {
    "layout": {
        "colorway": list(PALETTE),
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "xaxis": {"gridcolor": "#E5E5E5", "zerolinecolor": "#BDBDBD"},
        "yaxis": {"gridcolor": "#E5E5E5", "zerolinecolor": "#BDBDBD"},
    }
}
"""A small plotly template (the built-in ``plotly_white`` costs ~60 ms per figure to copy); Streamlit's theme
replaces it on screen, it shows in exports and notebooks."""


# --- User text in charts -------------------------------------------------------------------------------
# plotly.js reads a subset of HTML in every text it draws (axis labels, legend names, hover texts): a réservataire
# named "<a href=…>" would become a link. User text is neutralised as HTML entities, which plotly shows literally.

_ENTITES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTS_TEXTE = ("x", "y", "text", "hovertext", "customdata", "name", "ids", "labels")


def _neutraliser(valeur: object) -> object:
    if isinstance(valeur, str):
        if "<" not in valeur and ">" not in valeur:
            return valeur
        # Line breaks are the only markup the charts write themselves (map hovers): kept, everything else shown as is.
        return valeur.translate(_ENTITES).replace("&lt;br&gt;", "<br>")
    if isinstance(valeur, (list, tuple)):
        return type(valeur)(_neutraliser(v) for v in valeur)
    return valeur


def _texte_sur(tracer: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Decorator of every public ``tracer_*``: the returned figure's texts cannot carry HTML."""

    @functools.wraps(tracer)
    def enveloppe(*args: object, **kwargs: object) -> go.Figure:
        fig = tracer(*args, **kwargs)
        for trace in fig.data:
            for attribut in _ATTRIBUTS_TEXTE:
                valeur = getattr(trace, attribut, None) if attribut in trace else None
                if valeur is not None:
                    neutre = _neutraliser(list(valeur) if not isinstance(valeur, str) else valeur)
                    if neutre != (list(valeur) if not isinstance(valeur, str) else valeur):
                        trace[attribut] = neutre
        return fig

    return enveloppe


REGION = ("REGION", ref.CODE_REGION)
MOIS_COURTS = formats.MOIS_COURTS
MOIS_FR = formats.MOIS

COLONNES_POURCENTAGE = frozenset(
    {
        "Part du flux",
        "Taux conventionnel",
        "Taux de réalisation",
        "Taux de transformation",
        "Part des attributions",
        "Part hors QPV",
        "Lecture a",
        "Lecture b",
        "Référence",
        "1er quartile hors QPV",
        "Hors 1er quartile en QPV",
        "Référence 1er quartile hors QPV",
        "Référence hors 1er quartile en QPV",
    }
)
"""Table columns holding fractions (formatted ``12,3 %`` on screen; raw fractions in downloads)."""


def couleurs(categorie: Categorie) -> dict[str, str]:
    """Code → colour, in référentiel order; the landlord and "autre" categories get the neutral grey."""
    resultat: dict[str, str] = {}
    i = 0
    for code in categorie.codes:
        if code in (ref.BAILLEUR, "AUTRE_SOUSTRACTION"):
            resultat[code] = GRIS
        else:
            resultat[code] = PALETTE[i % len(PALETTE)]
            i += 1
    return resultat


def pourcentages(df: pd.DataFrame) -> list[str]:
    """The columns of a chart table that hold fractions (to pass to the display formatter)."""
    return [c for c in df.columns if c in COLONNES_POURCENTAGE]


def _fusionner(base: dict, ajout: dict) -> dict:
    """Deep merge of two plotly layout dicts (``ajout`` wins)."""
    resultat = dict(base)
    for cle, valeur in ajout.items():
        if isinstance(valeur, dict) and isinstance(resultat.get(cle), dict):
            resultat[cle] = _fusionner(resultat[cle], valeur)
        else:
            resultat[cle] = valeur
    return resultat


def _valeurs_axe(fig: go.Figure, axe: str) -> list[float]:
    """Finite values plotted on ``axe`` ("x" or "y") by the traces and the reference lines."""
    valeurs: list[float] = []
    for trace in fig.data:
        valeurs += [float(v) for v in (getattr(trace, axe, None) or []) if isinstance(v, (int, float))]
    for forme in fig.layout.shapes or ():
        if getattr(forme, f"{axe}ref") == axe:
            valeurs.append(float(getattr(forme, f"{axe}0")))
    return [v for v in valeurs if math.isfinite(v)]


def graduations_pourcentage(maximum: float) -> tuple[list[float], list[str]]:
    """Ticks of a percent axis covering 0…``maximum`` (fractions), labelled the French way (« 20 % »: plotly's
    ``%`` format has no space before the sign): at most 7 steps of 1, 2, 5, 10, 20 or 25 %."""
    maximum = max(float(maximum), 0.01)
    pas = next((p for p in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25) if maximum / p <= 7), 0.5)
    valeurs = [round(i * pas, 4) for i in range(max(1, math.ceil(maximum / pas - 1e-9)) + 1)]
    return valeurs, [formats.pourcentage(v, 0) for v in valeurs]


def _axe_pourcentage(fig: go.Figure, axe: str) -> dict:
    """A percent axis with French tick labels; hover texts ``%{x:.1%}`` / ``%{y:.1%}`` become « 12,3 % »."""
    valeurs = _valeurs_axe(fig, axe)
    ticks, textes = graduations_pourcentage(max(valeurs, default=0.0) * 1.05)  # headroom: no bar touches the frame
    motif = f"%{{{axe}:.1%}}"
    for trace in fig.data:
        if motif in (trace.hovertemplate or ""):
            trace.customdata = [formats.pourcentage(v) for v in getattr(trace, axe)]
            trace.hovertemplate = trace.hovertemplate.replace(motif, "%{customdata}")
    return {"tickmode": "array", "tickvals": ticks, "ticktext": textes, "range": [0, ticks[-1]]}


def _mise_en_page(
    fig: go.Figure,
    titre: str,
    x: str = "",
    y: str = "",
    pourcent_y: bool = False,
    pourcent_x: bool = False,
    **autres: object,
) -> go.Figure:
    """French layout of every chart (in place). The layout is assigned at once: plotly's ``update_layout`` and
    ``update_xaxes`` cost ~40 ms per figure, one assignment ~3 ms (measured, plotly 7.1). ``autres``: more layout
    attributes (``barmode``, ``yaxis={"autorange": "reversed"}``…), merged last."""
    nombres = {"tickformat": FORMAT_NOMBRE}  # "1 500", not "1500" (plotly groups only from 5 digits by default)
    disposition = {
        # title pinned to the top of the figure: a legend that wraps on a narrow column grows upwards under it
        "title": {
            "text": titre,
            "x": 0.0,
            "xanchor": "left",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "pad": {"t": 12},
        },
        "separators": SEPARATEURS,
        "template": GABARIT,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0.0, "title": {"text": ""}},
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},  # "t": sized to the legend below
        "hoverlabel": {"namelength": -1},
        "font": {"family": "sans-serif"},
        "xaxis": {"title": {"text": x}, "automargin": True, **(_axe_pourcentage(fig, "x") if pourcent_x else nombres)},
        "yaxis": {"title": {"text": y}, "automargin": True, **(_axe_pourcentage(fig, "y") if pourcent_y else nombres)},
    }
    actuelle = fig.layout.to_plotly_json()
    actuelle.pop("template", None)  # plotly's default template, replaced by GABARIT (re-validating it costs ~30 ms)
    fig.layout = _fusionner(_fusionner(actuelle, disposition), autres)
    if "t" not in (autres.get("margin") or {}):
        fig.layout.margin.t = marge_haute(fig)
    return fig


LARGEUR_LEGENDE = 300
"""Pixels assumed for a horizontal legend: the plot area of half the main column of a 1280-px screen (the narrowest
a chart gets)."""


def marge_haute(fig: go.Figure) -> int:
    """Top margin (px) for the title and the horizontal legend above the plot: 50 for the title, 22 per legend
    line. One line when the entries fit :data:`LARGEUR_LEGENDE` (≈ 7 px per character + 40 px of symbol and gap),
    else one line per entry: plotly wraps a narrow legend entry by entry, and a legend under-estimated covers the
    title. A vertical legend, beside the plot, needs none. (A fixed 130 px left a blank band above most charts.)
    """
    visibles = [t for t in fig.data if t.showlegend is not False and t.name]
    if fig.layout.legend.orientation == "v" or fig.layout.showlegend is False:
        return 50  # a vertical legend sits beside the plot
    if not visibles or (len(fig.data) == 1 and fig.data[0].showlegend is not True):
        return 50
    largeur = sum(7 * len(str(t.name)) + 40 for t in visibles)
    return 50 + 22 * (1 if largeur <= LARGEUR_LEGENDE else len(visibles))


SEUIL_HORIZONTAL = 6
"""Above this many categories a bar chart is drawn horizontally: long French names stay readable."""
HAUTEUR_BARRE = 26
"""Pixels per category (per bar of a group) of a horizontal bar chart."""


def _horizontal_si_nombreux(fig: go.Figure, categories: Sequence[str]) -> go.Figure:
    """Turn a vertical bar chart of many ``categories`` into horizontal bars (in place), first category on top.

    Rotated labels overlap the axis title and shrink the plot. Axes, hover texts, reference lines (which become
    dashed legend entries: a label written on the plot would cover the bars) are swapped; the height grows with
    the number of categories. Charts with few categories are returned unchanged."""
    if len(categories) <= SEUIL_HORIZONTAL:
        return fig
    barres = [t for t in fig.data if t.type == "bar"]
    groupes = len(barres) if fig.layout.barmode == "group" else 1
    traces = []
    for t in fig.data:
        j = t.to_plotly_json()
        j["x"], j["y"] = j.get("y"), j.get("x")
        if j.get("type") == "bar":
            j["orientation"] = "h"
        elif j.get("marker", {}).get("symbol") == "line-ew-open":
            j["marker"] = {**j["marker"], "symbol": "line-ns-open", "size": 18}
        gabarit = j.get("hovertemplate") or ""
        j["hovertemplate"] = gabarit.replace("%{x", "%{_X").replace("%{y", "%{x").replace("%{_X", "%{y")
        traces.append(j)
    layout = fig.layout.to_plotly_json()
    formes = layout.pop("shapes", [])
    layout.pop("annotations", None)
    for forme, note in zip(formes, fig.layout.annotations or [None] * len(formes), strict=False):
        valeur = forme.get("y0")
        couleur = forme.get("line", {}).get("color", GRIS)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [valeur, valeur],
                "y": [categories[0], categories[-1]],
                "name": note.text if note is not None else "Référence",
                "line": {"dash": "dash", "color": couleur, "width": 2},
                "hoverinfo": "skip",
            }
        )
    layout["xaxis"], layout["yaxis"] = layout.get("yaxis", {}), {**layout.get("xaxis", {}), "autorange": "reversed"}
    par_categorie = HAUTEUR_BARRE if groupes == 1 else 12 * groupes + 8
    layout["height"] = max(300, par_categorie * len(categories) + 180)
    horizontale = go.Figure({"data": traces, "layout": layout})
    horizontale.layout.margin.t = marge_haute(horizontale)  # reference lines became legend entries
    return horizontale


def _ligne_reference(fig: go.Figure, valeur: float, texte: str, couleur: str = GRIS) -> None:
    """A dashed horizontal reference line with its French label (DOMAINE.md §4: read against, not a verdict)."""
    fig.add_hline(
        y=valeur,
        line_dash="dash",
        line_color=couleur,
        line_width=2,
        annotation_text=texte,
        annotation_position="top left",
        annotation_font_color=couleur,
    )


def _minuscule(texte: str) -> str:
    """First letter in lower case (« Hors QPV » → « hors QPV »): labels inside a sentence."""
    return texte[:1].lower() + texte[1:]


def _perimetre(df: pd.DataFrame, perimetre: tuple[str, str]) -> pd.DataFrame:
    return df[(df["perimetre_type"] == perimetre[0]) & (df["perimetre_code"] == perimetre[1])]


def _libelle_perimetre_complet(row: pd.Series) -> str:
    return f"{ref.PERIMETRES.libelle(row['perimetre_type'])} – {row['perimetre_libelle']}"


def _barres_groupees(
    categories: Sequence[str], series: Sequence[tuple[Sequence[float], str, str]], format_survol: str = ",.0f"
) -> go.Figure:
    """One bar trace per ``(valeurs, nom, couleur)`` of ``series`` over ``categories`` (vertical, grouped by
    :func:`_mise_en_page` with ``barmode="group"``), hover « catégorie<br>nom : valeur » in ``format_survol``."""
    fig = go.Figure()
    for valeurs, nom, couleur in series:
        fig.add_trace(
            go.Bar(
                x=list(categories),
                y=list(valeurs),
                name=nom,
                marker_color=couleur,
                hovertemplate=f"%{{x}}<br>{nom} : %{{y:{format_survol}}}<extra></extra>",
            )
        )
    return fig


def _barres_empilees(
    t: pd.DataFrame,
    categories: str,
    categorie: Categorie,
    titre: str,
    x: str,
    y: str,
    colonne=lambda libelle: libelle,
    nom=lambda libelle: libelle,
    unite: str = "",
    **autres: object,
) -> go.Figure:
    """Stacked bars of ``t``: one bar per row (label column ``categories``), one colour per code of ``categorie``
    (référentiel order); ``colonne(libellé)`` names the table column of a code, ``nom(libellé)`` its legend entry."""
    c = couleurs(categorie)
    fig = go.Figure()
    for code, libelle in categorie.libelles.items():
        col = colonne(libelle)
        fig.add_trace(
            go.Bar(
                x=list(t[categories]),
                y=list(t[col]),
                name=nom(libelle),
                marker_color=c[code],
                hovertemplate=f"%{{x}}<br>{col} : %{{y:,.0f}}{unite}<extra></extra>",
            )
        )
    return _horizontal_si_nombreux(_mise_en_page(fig, titre, x=x, y=y, barmode="stack", **autres), list(t[categories]))


def figure_vide(message: str) -> go.Figure:
    """An empty chart that says why (« Aucune donnée … »), instead of a blank frame."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return _mise_en_page(fig, "", xaxis={"visible": False}, yaxis={"visible": False})


# --- Key figures and flux reconciliation (DOMAINE.md §3) ----------------------------------------------


def chiffres_cles(bilan, perimetre: tuple[str, str] = REGION) -> dict[str, float]:
    """The key figures of a perimeter (région by default): disponibilités, soustraits, flux, proposés (sum over
    holders of their logements proposés, i.e. orientations: a logement oriented to two holders counts twice),
    attribués (distinct logements) and taux de transformation (attribués ÷ proposés, NaN when not significant)."""
    f = _perimetre(bilan.flux, perimetre)
    c = _perimetre(bilan.consolidation, perimetre)
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


def tableau_reconciliation_flux(bilan, perimetre: tuple[str, str] = REGION) -> pd.DataFrame:
    """Disponibilités, then each soustraction category (référentiel order, zeros included), then the flux."""
    f = _perimetre(bilan.flux, perimetre)
    s = _perimetre(bilan.soustraits, perimetre).set_index("categorie_soustraction")["soustraits"]
    lignes = [("Disponibilités", int(f["disponibilites"].sum()))]
    lignes += [(f"Soustraits – {ref.SOUSTRACTIONS.libelle(c)}", int(s.get(c, 0))) for c in ref.SOUSTRACTIONS.codes]
    lignes.append(("Flux annuel", int(f["flux"].sum())))
    return pd.DataFrame(lignes, columns=["Étape", "Logements"])


@_texte_sur
def tracer_reconciliation_flux(bilan, perimetre: tuple[str, str] = REGION) -> go.Figure:
    """Waterfall disponibilités → minus soustraits by category → flux (horizontal: the labels are long)."""
    t = tableau_reconciliation_flux(bilan, perimetre)
    n = len(t)
    valeurs = [int(v) if i in (0, n - 1) else -int(v) for i, v in enumerate(t["Logements"])]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=list(t["Étape"]),
            x=valeurs,
            measure=["absolute"] + ["relative"] * (n - 2) + ["total"],
            text=[formats.nombre(v) for v in t["Logements"]],
            textposition="outside",
            increasing={"marker": {"color": PALETTE[0]}},
            decreasing={"marker": {"color": PALETTE[5]}},
            totals={"marker": {"color": PALETTE[2]}},
            connector={"line": {"color": GRIS, "dash": "dot"}},
            hovertemplate="%{y} : %{x:,.0f} logements<extra></extra>",
            name="Logements",
        )
    )
    maximum = max(valeurs[0], 1)
    return _mise_en_page(
        fig,
        "Du volume de disponibilités au flux annuel",
        x="Logements",
        y="",
        yaxis={"autorange": "reversed"},
        xaxis={"range": [0, maximum * 1.15]},
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
    t = pd.DataFrame({"Mois": [f"{MOIS_FR[d.month - 1]} {d.year}" for d in series["mois"]]})
    for col, (libelle, _) in _SERIES_MENSUELLES.items():
        t[libelle] = series[col].astype("int64").to_numpy()
    return t


@_texte_sur
def tracer_tendances_mensuelles(series: pd.DataFrame) -> go.Figure:
    """One line per count, x = first day of each month of year n."""
    fig = go.Figure()
    mois = [f"{MOIS_FR[d.month - 1]} {d.year}" for d in series["mois"]]
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
    return _mise_en_page(
        fig,
        "Évolution mensuelle de l'année",
        x="Mois",
        y="Nombre",
        xaxis={
            "tickmode": "array",
            "tickvals": dates,
            "ticktext": [MOIS_COURTS[d.month - 1] for d in dates],
            "hoverformat": FORMAT_DATE,
        },
    )


# --- Réservataires (DOMAINE.md §3, §5.1) -------------------------------------------------------------


def libelles_reservataires(bilan) -> dict[str, str]:
    """Holder name → « name — category label », in the Bilan's order (référentiel category order); the category is
    not repeated when the name already is its label (« Action Logement Services »)."""
    r = bilan.reservataires
    return {
        row.reservataire: row.reservataire
        if ref.normaliser_texte(row.categorie_libelle).startswith(ref.normaliser_texte(row.reservataire))
        else f"{row.reservataire} — {row.categorie_libelle}"
        for row in r.itertuples()
    }


def reservataires_actifs(bilan) -> list[str]:
    """Holders with at least one tour in the bilan's scope (Bilan order): under a logement filter the others show
    only zeros, so the Réservataires page opens on an active one and says when the chosen one has nothing."""
    r = bilan.realisation
    actifs = set(r.loc[r["tours"].fillna(0) > 0, "reservataire"])
    return [x for x in bilan.reservataires["reservataire"] if x in actifs]


def _lignes_realisation(bilan, reservataire: str | None, parmi: Sequence[str] = ()) -> pd.DataFrame:
    r = bilan.realisation
    r = r[r["convention"].astype(bool)] if reservataire is None else r[r["reservataire"] == reservataire]
    if parmi:
        r = r[r["reservataire"].isin(list(parmi))]
    r = r.reset_index(drop=True)
    etiquettes = r.apply(_libelle_perimetre_complet, axis=1) if not r.empty else pd.Series(dtype=str)
    if reservataire is None and not r.empty:
        etiquettes = r["reservataire"] + " · " + etiquettes
    return r.assign(_etiquette=etiquettes)


def tableau_realisation(bilan, reservataire: str | None = None, parmi: Sequence[str] = ()) -> pd.DataFrame:
    """One row per perimeter of ``reservataire`` (or per convention of every réservataire when None, of those in
    ``parmi`` when given): the figures of the bilan réservataire (DOMAINE.md §5.1). Taux conventionnel as a
    fraction."""
    r = _lignes_realisation(bilan, reservataire, parmi)
    t = pd.DataFrame(
        {
            "Réservataire": r["reservataire"],
            "Périmètre": r.apply(_libelle_perimetre_complet, axis=1) if not r.empty else pd.Series(dtype=str),
            "Disponibilités": r["disponibilites"],
            "Soustraits": r["soustraits"],
            "Flux": r["flux"],
            "Proposés": r["logements_proposes"],
            "Part du flux": r["part_flux_orientations"],
            "Taux conventionnel": r["taux_convention"] / 100,
            "Droits théoriques": r["droits_theoriques"],
            "Écart": r["ecart"],
            "Taux de réalisation": r["taux_realisation"],
            "Attribués": r["logements_attribues"],
            "Part des attributions": r["part_attributions"],
            "Taux de transformation": r["taux_transformation"],
            "Tours": r["tours"],
        }
    )
    return t


@_texte_sur
def tracer_part_flux(bilan, reservataire: str | None = None, parmi: Sequence[str] = ()) -> go.Figure:
    """Part du flux (orientations) per perimeter as bars, the taux conventionnel as reference markers (every
    convention of the réservataires ``parmi``, or of all, when ``reservataire`` is None)."""
    r = _lignes_realisation(bilan, reservataire, parmi)
    if r.empty:
        return figure_vide("Aucun périmètre pour ce réservataire.")
    x = list(r["_etiquette"])
    fig = go.Figure(
        go.Bar(
            x=x,
            y=list(r["part_flux_orientations"]),
            name="Part du flux (orientations)",
            marker_color=COULEUR_PROPOSES,
            hovertemplate="%{x}<br>Part du flux : %{y:.1%}<extra></extra>",
        )
    )
    taux = r["taux_convention"] / 100
    if taux.notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=list(taux),
                name="Taux conventionnel (référence)",
                mode="markers",
                marker={"symbol": "line-ew-open", "size": 40, "line": {"width": 3, "color": PALETTE[7]}},
                hovertemplate="%{x}<br>Taux conventionnel : %{y:.1%}<extra></extra>",
            )
        )
    titre = (
        "Part du flux proposée et taux conventionnel"
        if reservataire is not None
        else ("Toutes les conventions : part du flux proposée et taux conventionnel")
    )
    return _horizontal_si_nombreux(_mise_en_page(fig, titre, x="Périmètre", y="Part du flux", pourcent_y=True), x)


@_texte_sur
def tracer_droits_proposes(bilan, reservataire: str | None = None) -> go.Figure:
    """Droits théoriques, logements proposés and attribués per perimeter (grouped bars)."""
    r = _lignes_realisation(bilan, reservataire)
    if r.empty:
        return figure_vide("Aucun périmètre pour ce réservataire.")
    if not r[["droits_theoriques", "logements_proposes", "logements_attribues"]].fillna(0).to_numpy().any():
        return figure_vide("Aucun droit, logement proposé ou attribué pour ce réservataire dans le périmètre affiché.")
    x = list(r["_etiquette"])
    fig = _barres_groupees(
        x,
        [
            (r["droits_theoriques"], "Droits théoriques", COULEUR_DROITS),
            (r["logements_proposes"], "Proposés", COULEUR_PROPOSES),
            (r["logements_attribues"], "Attribués", COULEUR_ATTRIBUES),
        ],
        ",.1f",
    )
    return _horizontal_si_nombreux(
        _mise_en_page(
            fig, "Droits théoriques, logements proposés et attribués", x="Périmètre", y="Logements", barmode="group"
        ),
        x,
    )


def tableau_issues_tours(bilan, reservataire: str) -> pd.DataFrame:
    """Tours of year n per perimeter (rows) × issue (columns, référentiel order), plus a total."""
    i = bilan.issues[bilan.issues["reservataire"] == reservataire]
    if i.empty:
        return pd.DataFrame(columns=["Périmètre", *ref.ISSUES.libelles.values(), "Total"])
    i = i.assign(_etiquette=i.apply(_libelle_perimetre_complet, axis=1))
    ordre = list(dict.fromkeys(i["_etiquette"]))
    p = i.pivot_table(index="_etiquette", columns="issue", values="tours", aggfunc="sum", fill_value=0)
    p = p.reindex(index=ordre, columns=ref.ISSUES.codes, fill_value=0).astype("int64")
    t = p.rename(columns=ref.ISSUES.libelles).reset_index().rename(columns={"_etiquette": "Périmètre"})
    t["Total"] = p.sum(axis=1).to_numpy()
    t.columns.name = None
    return t


@_texte_sur
def tracer_issues_tours(bilan, reservataire: str) -> go.Figure:
    """Stacked bars: the tours of the holder per perimeter, one colour per issue (DOMAINE.md §3)."""
    t = tableau_issues_tours(bilan, reservataire)
    if t.empty:
        return figure_vide("Aucun tour pour ce réservataire.")
    if not t["Total"].any():
        return figure_vide("Aucun tour pour ce réservataire dans le périmètre affiché.")
    return _barres_empilees(
        t, "Périmètre", ref.ISSUES, "Issue des tours de l'année", x="Périmètre", y="Tours", unite=" tours"
    )


LIBELLES_DIMENSIONS = ref.DIMENSIONS.libelles


def tableau_repartition(bilan, reservataire: str, dimension: str, perimetre: tuple[str, str]) -> pd.DataFrame:
    """One décret breakdown (CCH R. 441-5-1) of a holder's perimeter: modality, proposés, attribués."""
    r = bilan.repartitions
    r = _perimetre(r[(r["reservataire"] == reservataire) & (r["dimension"] == dimension)], perimetre)
    return pd.DataFrame(
        {
            LIBELLES_DIMENSIONS[dimension]: r["modalite_libelle"].astype(str).to_numpy(),
            "Code": r["modalite"].astype(str).to_numpy(),
            "Proposés": r["logements_proposes"].astype("int64").to_numpy(),
            "Attribués": r["logements_attribues"].astype("int64").to_numpy(),
        }
    )


@_texte_sur
def tracer_repartition(bilan, reservataire: str, dimension: str, perimetre: tuple[str, str]) -> go.Figure:
    """Grouped bars proposés vs attribués per modality of one décret breakdown."""
    t = tableau_repartition(bilan, reservataire, dimension, perimetre)
    nom = LIBELLES_DIMENSIONS[dimension]
    if t.empty or not t[["Proposés", "Attribués"]].to_numpy().any():
        return figure_vide("Aucun logement proposé ou attribué pour ce réservataire dans ce périmètre.")
    fig = _barres_groupees(
        t[nom], [(t[col], col, c) for col, c in (("Proposés", COULEUR_PROPOSES), ("Attribués", COULEUR_ATTRIBUES))]
    )
    return _horizontal_si_nombreux(
        _mise_en_page(
            fig, f"Logements proposés et attribués par {_minuscule(nom)}", x=nom, y="Logements", barmode="group"
        ),
        list(t[nom]),
    )


# --- Territories (strates territoriales, DOMAINE.md §2) ---------------------------------------------

INDICATEURS_CARTE = {"flux": "Flux", "proposes": "Proposés", "attribues": "Attribués"}
"""Figures a map can show: code → French column name of :func:`tableau_territoires`."""
NIVEAUX = {"COMMUNE": "Communes", "EPCI_EPT": "EPCI / EPT", "DEPARTEMENT": "Départements"}


def tableau_territoires(bilan, niveau: str, territoire: str | None = None) -> pd.DataFrame:
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


@_texte_sur
def tracer_carte(bilan, niveau: str, indicateur: str = "flux", territoire: str | None = None) -> go.Figure:
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
        titre = f"{ref.libelle_perimetre('EPCI_EPT', territoire)} : {_minuscule(titre)}"
    axe = {"visible": False, "showgrid": False, "zeroline": False}
    return _mise_en_page(
        fig,
        titre,
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
        height=520,
        hovermode="closest",
        legend={"orientation": "v", "x": 1.0, "xanchor": "right", "y": 1.0, "title": {"text": colonne}},
        xaxis=axe,
        yaxis={**axe, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(LATITUDE_IDF))},
    )


def tableau_consolidation(bilan, perimetre: tuple[str, str]) -> pd.DataFrame:
    """The consolidated matrix of a strate perimeter (DOMAINE.md §5.2): one row per holder."""
    c = _perimetre(bilan.consolidation, perimetre)
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


# --- QPV (DOMAINE.md §3–§4) -------------------------------------------------------------------------


def tableau_qpv_reservataires(bilan, perimetre: tuple[str, str] = REGION) -> pd.DataFrame:
    """Attribués en / hors QPV per holder on a strate perimeter (consolidated view)."""
    c = _perimetre(bilan.consolidation, perimetre)
    attribues = c["logements_attribues"].astype("int64")
    hors = c["attribues_hors_qpv"].astype("int64")
    return pd.DataFrame(
        {
            "Réservataire": c["reservataire"].to_numpy(),
            "Attribués": attribues.to_numpy(),
            "En QPV": c["attribues_en_qpv"].astype("int64").to_numpy(),
            "Hors QPV": hors.to_numpy(),
            "Part hors QPV": (hors / attribues.where(attribues > 0)).to_numpy(dtype="float64"),
        }
    )


@_texte_sur
def tracer_qpv_reservataires(bilan, perimetre: tuple[str, str] = REGION) -> go.Figure:
    """Stacked bars per holder: logements attribués en QPV and hors QPV."""
    t = tableau_qpv_reservataires(bilan, perimetre)
    if t.empty:
        return figure_vide("Aucune attribution sur ce périmètre.")
    return _barres_empilees(
        t,
        "Réservataire",
        ref.QPV,
        "Logements attribués en et hors QPV par réservataire",
        x="Réservataire",
        y="Logements",
        nom=lambda libelle: f"Attribués {_minuscule(libelle)}",
    )


MESURES_QPV = {"flux": "Flux", "attribues": "Attribués"}


def tableau_qpv_territoires(bilan, niveau: str = "EPCI_EPT") -> pd.DataFrame:
    """Per strate perimeter of ``niveau``: flux en/hors QPV, attribués en/hors QPV (sum over holders)."""
    strates = bilan.perimetres[bilan.perimetres["strate"].astype(bool) & (bilan.perimetres["perimetre_type"] == niveau)]
    f = bilan.flux[
        (bilan.flux["perimetre_type"] == niveau) & bilan.flux["perimetre_code"].isin(strates["perimetre_code"])
    ]
    f = f.sort_values("perimetre_code")
    c = bilan.consolidation[bilan.consolidation["perimetre_type"] == niveau]
    somme = c.groupby("perimetre_code")[["attribues_en_qpv", "attribues_hors_qpv"]].sum()
    return pd.DataFrame(
        {
            "Code": f["perimetre_code"].to_numpy(),
            "Territoire": f["perimetre_libelle"].to_numpy(),
            "Flux en QPV": f["flux_en_qpv"].astype("int64").to_numpy(),
            "Flux hors QPV": f["flux_hors_qpv"].astype("int64").to_numpy(),
            "Attribués en QPV": f["perimetre_code"].map(somme["attribues_en_qpv"]).fillna(0).astype("int64").to_numpy(),
            "Attribués hors QPV": f["perimetre_code"]
            .map(somme["attribues_hors_qpv"])
            .fillna(0)
            .astype("int64")
            .to_numpy(),
        }
    )


@_texte_sur
def tracer_qpv_territoires(bilan, niveau: str = "EPCI_EPT", mesure: str = "flux") -> go.Figure:
    """Stacked bars per territory: ``mesure`` (flux or attribués) en QPV and hors QPV."""
    t = tableau_qpv_territoires(bilan, niveau)
    if t.empty:
        return figure_vide("Aucun territoire à afficher.")
    nom = MESURES_QPV[mesure]

    def colonne(libelle: str) -> str:
        return f"{nom} {_minuscule(libelle)}"

    return _barres_empilees(
        t,
        "Territoire",
        ref.QPV,
        f"{nom} en et hors QPV par territoire",
        x="",
        y="Logements",
        colonne=colonne,
        nom=colonne,
    )


def _indicateurs(bilan, codes: list[str], niveau: str) -> pd.DataFrame:
    i = bilan.indicateurs
    vide = i["reservataire"].isna() | (i["reservataire"].astype("string") == "")
    return i[i["indicateur"].isin(codes) & (i["perimetre_type"] == niveau) & vide.fillna(True).astype(bool)]


def _cible(i: pd.DataFrame, defaut: float) -> float:
    valeurs = i["cible"].dropna()
    return float(valeurs.iloc[0]) if not valeurs.empty else defaut


def tableau_prefet_hors_qpv(bilan) -> pd.DataFrame:
    """Per département: préfet proposés hors QPV over préfet proposés (lecture a, reference ≥ 30 %) and over the
    flux hors QPV (lecture b), DOMAINE.md §4."""
    i = _indicateurs(bilan, ["prefet_hors_qpv_a", "prefet_hors_qpv_b"], "DEPARTEMENT")
    a = i[i["indicateur"] == "prefet_hors_qpv_a"].set_index("perimetre_code")
    b = i[i["indicateur"] == "prefet_hors_qpv_b"].set_index("perimetre_code")
    codes = sorted(set(a.index) | set(b.index))
    cible = _cible(a, bilan.regles.plancher_prefet_hors_qpv)
    libelles = {**a["perimetre_libelle"].to_dict(), **b["perimetre_libelle"].to_dict()}
    return pd.DataFrame(
        {
            "Département": [libelles[c] for c in codes],
            "Préfet proposés hors QPV": [a["numerateur"].get(c, float("nan")) for c in codes],
            "Préfet proposés": [a["denominateur"].get(c, float("nan")) for c in codes],
            "Flux hors QPV": [b["denominateur"].get(c, float("nan")) for c in codes],
            "Lecture a": [a["valeur"].get(c, float("nan")) for c in codes],
            "Lecture b": [b["valeur"].get(c, float("nan")) for c in codes],
            "Référence": [cible] * len(codes),
        }
    )


@_texte_sur
def tracer_prefet_hors_qpv(bilan) -> go.Figure:
    """Grouped bars lecture a / lecture b per département, with the 30 % reference line (on lecture a)."""
    t = tableau_prefet_hors_qpv(bilan)
    if t.empty:
        return figure_vide("Aucun logement proposé au préfet.")
    fig = _barres_groupees(
        t["Département"],
        [
            (t["Lecture a"], "Lecture a : ÷ proposés au préfet", PALETTE[0]),
            (t["Lecture b"], "Lecture b : ÷ flux hors QPV", PALETTE[4]),
        ],
        ".1%",
    )
    cible = float(t["Référence"].iloc[0])
    _ligne_reference(fig, cible, f"Référence lecture a : au moins {formats.pourcentage(cible, 0)}", PALETTE[7])
    return _mise_en_page(
        fig,
        "Logements proposés au préfet situés hors QPV",
        x="Département",
        y="Part hors QPV",
        pourcent_y=True,
        barmode="group",
    )


def tableau_indicateurs_cia(bilan) -> pd.DataFrame:
    """Per EPCI/EPT with at least one indicator: the two CIA indicators (DOMAINE.md §4) with their references."""
    codes = ["part_premier_quartile_hors_qpv", "part_hors_premier_quartile_en_qpv"]
    i = _indicateurs(bilan, codes, "EPCI_EPT")
    q = i[i["indicateur"] == codes[0]].set_index("perimetre_code")
    h = i[i["indicateur"] == codes[1]].set_index("perimetre_code")
    # an EPCI/EPT with no attribution has no indicator (NaN): a row of empty bars says nothing (e.g. under filters)
    tous = sorted(set(q.index[q["valeur"].notna()]) | set(h.index[h["valeur"].notna()]))
    libelles = {**q["perimetre_libelle"].to_dict(), **h["perimetre_libelle"].to_dict()}
    return pd.DataFrame(
        {
            "Code": tous,
            "EPCI / EPT": [libelles[c] for c in tous],
            "1er quartile hors QPV": [q["valeur"].get(c, float("nan")) for c in tous],
            "Hors 1er quartile en QPV": [h["valeur"].get(c, float("nan")) for c in tous],
            "Référence 1er quartile hors QPV": [_cible(q, bilan.regles.plancher_premier_quartile_hors_qpv)] * len(tous),
            "Référence hors 1er quartile en QPV": [_cible(h, bilan.regles.plancher_hors_premier_quartile_en_qpv)]
            * len(tous),
        }
    )


@_texte_sur
def tracer_indicateurs_cia(bilan) -> go.Figure:
    """Grouped bars of the two CIA indicators per EPCI/EPT, each with its dashed reference line."""
    t = tableau_indicateurs_cia(bilan)
    if t.empty:
        return figure_vide("Aucune attribution sur les EPCI / EPT.")
    series = (("1er quartile hors QPV", PALETTE[2]), ("Hors 1er quartile en QPV", PALETTE[3]))
    fig = _barres_groupees(t["EPCI / EPT"], [(t[col], col, c) for col, c in series], ".1%")
    for col, couleur in series:
        cible = float(t[f"Référence {_minuscule(col)}"].iloc[0])
        _ligne_reference(fig, cible, f"Référence {_minuscule(col)} : au moins {formats.pourcentage(cible, 0)}", couleur)
    return _horizontal_si_nombreux(
        _mise_en_page(
            fig,
            "Indicateurs de la convention intercommunale d'attribution",
            x="EPCI / EPT",
            y="Part des attributions",
            pourcent_y=True,
            barmode="group",
        ),
        list(t["EPCI / EPT"]),
    )


# --- Soustraits, relogements and prévisionnel (DOMAINE.md §3, §5.4) -----------------------------------


def tableau_soustraits_territoires(bilan, niveau: str = "DEPARTEMENT") -> pd.DataFrame:
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


@_texte_sur
def tracer_soustraits_territoires(bilan, niveau: str = "DEPARTEMENT") -> go.Figure:
    """Stacked bars per territory, one colour per soustraction category."""
    t = tableau_soustraits_territoires(bilan, niveau)
    if t.empty:
        return figure_vide("Aucun territoire à afficher.")
    return _barres_empilees(
        t,
        "Territoire",
        ref.SOUSTRACTIONS,
        "Logements soustraits du flux par catégorie",
        x="",
        y="Logements",
        legend={"orientation": "v", "y": 1.0, "x": 1.02},
    )


def tableau_relogements(bilan, perimetre: tuple[str, str] = REGION) -> pd.DataFrame:
    """Per soustraction category: soustraits of year n and relogements réalisés (DOMAINE.md §3)."""
    s = _perimetre(bilan.soustraits, perimetre).set_index("categorie_soustraction")
    codes = ref.SOUSTRACTIONS.codes
    return pd.DataFrame(
        {
            "Catégorie": [ref.SOUSTRACTIONS.libelle(c) for c in codes],
            "Soustraits": [int(s["soustraits"].get(c, 0)) for c in codes],
            "Relogements réalisés": [int(s["relogements_realises"].get(c, 0)) for c in codes],
        }
    )


@_texte_sur
def tracer_relogements(bilan, perimetre: tuple[str, str] = REGION) -> go.Figure:
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
    return _mise_en_page(
        fig,
        "Soustraits et relogements réalisés par catégorie",
        x="Logements",
        y="",
        barmode="group",
        yaxis={"autorange": "reversed"},
    )


def tableau_flux_previsionnel(bilan) -> pd.DataFrame:
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


@_texte_sur
def tracer_flux_previsionnel(bilan) -> go.Figure:
    """Grouped bars per département: disponibilités of n, soustraits prévus, flux prévisionnel n+1."""
    t = tableau_flux_previsionnel(bilan)
    if t.empty:
        return figure_vide("Aucun prévisionnel.")
    series = (("Disponibilités n", PALETTE[0]), ("Soustraits prévus", PALETTE[5]), ("Flux prévisionnel", PALETTE[2]))
    fig = _barres_groupees(t["Département"], [(t[col], col, c) for col, c in series], ",.1f")
    return _mise_en_page(
        fig, f"Flux prévisionnel {bilan.annee + 1} par département", x="Département", y="Logements", barmode="group"
    )


def tableau_droits_previsionnels(bilan) -> pd.DataFrame:
    """One row per convention: taux, flux prévisionnel of its perimeter, droits prévisionnels."""
    p = bilan.previsionnel_reservataires
    if p is None or p.empty:
        return pd.DataFrame(
            columns=["Réservataire", "Périmètre", "Taux conventionnel", "Flux prévisionnel", "Droits prévisionnels"]
        )
    return pd.DataFrame(
        {
            "Réservataire": p["reservataire"].to_numpy(),
            "Périmètre": p.apply(_libelle_perimetre_complet, axis=1).to_numpy(),
            "Taux conventionnel": (p["taux_convention"] / 100).to_numpy(dtype="float64"),
            "Flux prévisionnel": p["flux_previsionnel"].to_numpy(dtype="float64"),
            "Droits prévisionnels": p["droits_previsionnels"].to_numpy(dtype="float64"),
        }
    )


@_texte_sur
def tracer_droits_previsionnels(bilan) -> go.Figure:
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
    return _mise_en_page(
        fig,
        f"Droits prévisionnels {bilan.annee + 1} par convention",
        x="Logements",
        y="",
        yaxis={"autorange": "reversed"},
        height=max(300, 28 * len(y) + 120),
    )
