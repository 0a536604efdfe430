"""What every chart shares: the theme (Okabe–Ito palette, French separators and axes), the layout of a French
figure, user text neutralised for plotly.js, and the bar-chart builders the subject modules compose.

The palette itself is declared in :mod:`flux_dash.formats` (the workbooks' native charts use it too).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.formats import PALETTE
from flux_dash.referentiel import Categorie

# --- Theme -------------------------------------------------------------------------------------------

GRIS = "#999999"
"""Neutral colour: the landlord (BAILLEUR), references."""
SEPARATEURS = ", "
"""plotly ``separators``: decimal comma, thousands space (« 1 234,5 »)."""
FORMAT_DATE = "%d/%m/%Y"
FORMAT_NOMBRE = ",~f"
"""d3 format of count axes: thousands grouped, no useless decimals (« 1 500 », « 2,5 »)."""
COULEUR_PROPOSES, COULEUR_ATTRIBUES, COULEUR_DROITS = PALETTE[0], PALETTE[2], PALETTE[1]
COULEUR_AXES = "#4A4A4A"
"""Axis ticks and titles: 8,9:1 on white (Streamlit's theme drew them at 3,7:1, under the 4,5:1 of WCAG AA)."""
COULEUR_TEXTE = "#1B1B1B"
"""Legend text: the page's text colour (.streamlit/config.toml)."""
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


def texte_sur(tracer: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
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


def cascade_reconciliation(t: pd.DataFrame, titre: str, **autres: object) -> go.Figure:
    """Horizontal waterfall of a reconciliation table (``Étape``, ``Logements``: disponibilités, each soustraction
    category, flux), shared by the landlord's and the territory's charts. Each soustrait, often a few logements
    against a thousand, is a bar of a pixel or two: its value is written beside it (« -12 ») in the soustraits'
    colour, so it reads without hovering. ``autres``: more layout (``height``…)."""
    n = len(t)
    bruts = [float(v) for v in t["Logements"]]
    valeurs = [v if i in (0, n - 1) else -v for i, v in enumerate(bruts)]
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            y=list(t["Étape"]),
            x=valeurs,
            measure=["absolute"] + ["relative"] * (n - 2) + ["total"],
            text=[formats.nombre(v) for v in valeurs],
            textposition="outside",
            cliponaxis=False,  # « 300 000 » at the end of the longest bar, not « 300 00 » cut by the frame
            increasing={"marker": {"color": PALETTE[0]}},
            decreasing={"marker": {"color": COULEUR_SOUSTRAITS, "line": {"color": COULEUR_SOUSTRAITS, "width": 2}}},
            totals={"marker": {"color": PALETTE[2]}},
            outsidetextfont={"color": [COULEUR_AXES if i in (0, n - 1) else COULEUR_SOUSTRAITS for i in range(n)]},
            connector={"line": {"color": GRIS, "dash": "dot"}},
            hovertemplate="%{y} : %{x:,.0f} logements<extra></extra>",
            name="Logements",
        )
    )
    maximum = max(valeurs[0], valeurs[-1], 1) if n else 1
    return mise_en_page(
        fig, titre, x="Logements", y="", yaxis={"autorange": "reversed"}, xaxis={"range": [0, maximum * 1.15]}, **autres
    )


COULEUR_SOUSTRAITS = PALETTE[5]
"""Vermillon: the soustraits' bars and values in both reconciliation waterfalls."""


# --- Plotly's own texts ---------------------------------------------------------------------------------

LOCALE_PLOTLY_FR = {
    "dictionary": {
        "Autoscale": "Échelle automatique",
        "Box Select": "Sélection rectangulaire",
        "Compare data on hover": "Comparer les données au survol",
        "Double-click on legend to isolate one trace": "Double-cliquez sur la légende pour isoler une série",
        "Double-click to zoom back out": "Double-cliquez pour revenir à la vue d'ensemble",
        "Download plot": "Télécharger le graphique",
        "Download plot as a png": "Télécharger le graphique (PNG)",
        "Download plot as a PNG": "Télécharger le graphique (PNG)",
        "Lasso Select": "Sélection au lasso",
        "Pan": "Déplacer",
        "Produced with Plotly.js": "Réalisé avec Plotly.js",
        "Reset": "Réinitialiser",
        "Reset axes": "Revenir à la vue d'ensemble",
        "Reset view": "Revenir à la vue d'ensemble",
        "Show closest data on hover": "Donnée la plus proche au survol",
        "Snapshot succeeded": "Image enregistrée",
        "Sorry, there was a problem downloading your snapshot!": "L'image n'a pas pu être enregistrée.",
        "Taking snapshot - this may take a few seconds": "Image en préparation…",
        "Toggle Spike Lines": "Lignes de repère",
        "Zoom": "Zoom",
        "Zoom in": "Agrandir",
        "Zoom out": "Réduire",
        "trace": "série",
    },
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": list(formats.MOIS),
        "shortMonths": list(formats.MOIS_COURTS),
        "date": "%d/%m/%Y",
        "decimal": ",",
        "thousands": "\u202f",
    },
}
"""plotly.js's French locale, passed inline (``config.locales``): Streamlit's plotly bundle registers no locale, so
``locale: "fr"`` alone changes nothing."""

CONFIG_PLOTLY = {
    "displaylogo": False,
    "locale": "fr",
    "locales": {"fr": LOCALE_PLOTLY_FR},
    # the two useful buttons: every other one adds a Tab stop and an English-born tooltip
    "modeBarButtons": [["toImage", "resetScale2d"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""``config`` of every chart on screen: French toolbar and tips, two buttons (PNG download, back to the full view)."""


REGION = ("REGION", ref.CODE_REGION)

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


def mise_en_page(
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
    lisible = {"tickfont": {"color": COULEUR_AXES}, "title": {"font": {"color": COULEUR_AXES}}}
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
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},  # "t": sized to the legend below
        "hoverlabel": {"namelength": -1},
        "font": {"family": "sans-serif"},
        "xaxis": _fusionner(
            lisible,
            {"title": {"text": x}, "automargin": True, **(_axe_pourcentage(fig, "x") if pourcent_x else nombres)},
        ),
        "yaxis": _fusionner(
            lisible,
            {"title": {"text": y}, "automargin": True, **(_axe_pourcentage(fig, "y") if pourcent_y else nombres)},
        ),
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "x": 0.0,
            "title": {"text": ""},
            "font": {"color": COULEUR_TEXTE},
        },  # fmt: skip
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


def horizontal_si_nombreux(fig: go.Figure, categories: Sequence[str]) -> go.Figure:
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


def ligne_reference(fig: go.Figure, valeur: float, texte: str, couleur: str = GRIS) -> None:
    """A dashed horizontal reference line with its French label (DOMAINE.md §4: read against, not a verdict)."""
    fig.add_hline(
        y=valeur,
        line_dash="dash",
        line_color=couleur,
        line_width=2,
        annotation_text=texte,
        annotation_position="top left",
        annotation_font_color=couleur,
        # a white label box: the text stays readable where it crosses a bar (the CIA reference hid behind one)
        annotation_bgcolor="rgba(255, 255, 255, 0.9)",
    )


def minuscule(texte: str) -> str:
    """First letter in lower case (« Hors QPV » → « hors QPV »): labels inside a sentence."""
    return texte[:1].lower() + texte[1:]


def selectionner_perimetre(df: pd.DataFrame, perimetre: tuple[str, str]) -> pd.DataFrame:
    return df[(df["perimetre_type"] == perimetre[0]) & (df["perimetre_code"] == perimetre[1])]


def libelle_perimetre_complet(row: pd.Series) -> str:
    return f"{ref.PERIMETRES.libelle(row['perimetre_type'])} – {row['perimetre_libelle']}"


def barres_groupees(
    categories: Sequence[str], series: Sequence[tuple[Sequence[float], str, str]], format_survol: str = ",.0f"
) -> go.Figure:
    """One bar trace per ``(valeurs, nom, couleur)`` of ``series`` over ``categories`` (vertical, grouped by
    :func:`mise_en_page` with ``barmode="group"``), hover « catégorie<br>nom : valeur » in ``format_survol``."""
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


def barres_empilees(
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
    return horizontal_si_nombreux(mise_en_page(fig, titre, x=x, y=y, barmode="stack", **autres), list(t[categories]))


def figure_vide(message: str) -> go.Figure:
    """An empty chart that says why (« Aucune donnée … »), instead of a blank frame."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return mise_en_page(fig, "", xaxis={"visible": False}, yaxis={"visible": False})
