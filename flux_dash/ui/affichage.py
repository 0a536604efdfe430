"""Putting content on a page: user text escaped, tables with French numbers, a chart with its figures, downloads.

User text (file names, réservataire names) is never rendered as raw markdown: :func:`echapper` escapes it, or it
goes through ``st.dataframe`` / ``st.text``. No ``unsafe_allow_html`` anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from flux_dash import formats
from flux_dash.ui.exports import nom_telechargement, tableau_en_csv, tableau_en_xlsx

if TYPE_CHECKING:
    import plotly.graph_objects as go


def echapper(texte: object) -> str:
    """Escape every markdown-significant character of a user string (ASCII punctuation gets a backslash)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&%^@,;?/])", r"\\\1", str(texte)).replace("\n", " ")


def tableau(
    df: pd.DataFrame,
    libelles: dict[str, str] | None = None,
    pourcentages: Sequence[str] = (),
    decimales: dict[str, int] | None = None,
    hauteur: int | str = "auto",
    cle: str | None = None,
    largeurs: dict[str, int] | None = None,
    hauteur_ligne: int | None = None,
    premieres: Sequence[str] = (),
) -> None:
    """Render ``df`` with French column labels and French number formats (pre-formatted strings), laid out by
    :func:`colonnes_tableau`; a ``hauteur_ligne`` above 64 px wraps long texts over several lines. ``premieres``:
    the columns read first, put first (on screen at 1 280 px; the downloads keep the table's order). A table
    showing « n.s. » says what it means under it."""
    if premieres:
        df = df[[c for c in premieres if c in df.columns] + [c for c in df.columns if c not in premieres]]
    affiche = formats.formater_tableau(df, libelles, tuple(pourcentages), decimales)
    st.dataframe(
        affiche,
        hide_index=True,
        width="stretch",
        height=hauteur,
        key=cle,
        row_height=hauteur_ligne,
        column_config=colonnes_tableau(df, affiche.columns, largeurs),
    )
    if (affiche == formats.NON_SIGNIFICATIF).to_numpy().any():
        st.caption(AIDE_NON_SIGNIFICATIF)


AIDE_NON_SIGNIFICATIF = (
    f"« {formats.NON_SIGNIFICATIF} » : non significatif — un taux dont le dénominateur est nul (aucun logement, "
    "aucun tour) ou un chiffre manquant."
)
"""What « n.s. » means, under every table that shows it."""


LARGEUR_TEXTE_LONG = 260
"""Pixels of a text column whose values exceed :data:`TEXTE_LONG` characters (the full text shows on hover)."""
TEXTE_LONG = 40


def colonnes_tableau(df: pd.DataFrame, etiquettes: Sequence[str], largeurs: dict[str, int] | None = None) -> dict:
    """``column_config`` of a displayed table (``etiquettes``: the French labels of ``df``'s columns, same order).

    Numbers (pre-formatted as French strings) are right-aligned; a long text column is capped at
    :data:`LARGEUR_TEXTE_LONG` px in a table of more than five columns (the figures stay on screen at 1280 px).
    ``largeurs`` (``df`` column → px) replaces that rule. No column is pinned: Streamlit draws a pinned column in
    grey, as if disabled; what is read first is put first instead (:func:`tableau`'s ``premieres``).
    """
    largeurs = largeurs or {}
    config = {}
    large = len(df.columns) > 5 and not largeurs
    for col, etiquette in zip(df.columns, etiquettes, strict=True):
        serie = df[col]
        options: dict[str, object] = {}
        if pd.api.types.is_numeric_dtype(serie) and not pd.api.types.is_bool_dtype(serie):
            options["alignment"] = "right"
        elif large and serie.astype(str).str.len().max() > TEXTE_LONG:
            options["width"] = LARGEUR_TEXTE_LONG
        if col in largeurs:
            options["width"] = largeurs[col]
        if options:
            config[etiquette] = st.column_config.TextColumn(etiquette, **options)
    return config


def afficher_graphique(fig: go.Figure, table: pd.DataFrame, nom: str, cle: str) -> None:
    """A chart, then the figures it plots in a « Voir les données » expander with CSV / Excel downloads.

    ``table`` is the chart's ``tableau_xxx`` twin (:mod:`flux_dash.graphiques`); ``nom`` names the downloaded files;
    ``cle`` makes the widget keys unique on the page (``fig_{cle}``, ``tab_{cle}``, ``{cle}_csv``…).
    """
    from flux_dash.graphiques import CONFIG_PLOTLY, pourcentages

    st.plotly_chart(fig, key=f"fig_{cle}", config=CONFIG_PLOTLY, width="stretch")
    with st.expander("Voir les données", icon=":material/table:"):
        tableau(table, pourcentages=pourcentages(table), cle=f"tab_{cle}")
        telecharger_tableau(table, nom, cle=cle)


def afficher_carte(fig: go.Figure, table: pd.DataFrame, nom: str, cle: str) -> None:
    """A map on the left, its figures on the right (without the codes: they are in the downloads), the downloads
    in a « Voir les données » expander below (keys as :func:`afficher_graphique`)."""
    from flux_dash.graphiques import CONFIG_PLOTLY

    gauche, droite = st.columns([3, 2])
    with gauche:
        st.plotly_chart(fig, key=f"fig_{cle}", config=CONFIG_PLOTLY, width="stretch")
    with droite:
        # the name and the figures a map can show (the mapped one first: tableau_carte), as tall as the map at
        # most, no empty grid under a few rows; every column is in the downloads
        visibles = [c for c in table.columns if c not in ("Code", *COLONNES_HORS_CARTE)]
        tableau(table[visibles], hauteur=min(460, 35 * (len(table) + 1) + 3), cle=f"tab_{cle}")
    with st.expander("Voir les données"):
        telecharger_tableau(table, nom, cle=cle)


COLONNES_HORS_CARTE = ("Disponibilités", "Soustraits")
"""Columns of a map's table left to the downloads: beside a map, at 1 280 px, the name and the three figures a
map can show fit without scrolling sideways."""


def telecharger_tableau(
    df: pd.DataFrame, nom: str, libelles: dict[str, str] | None = None, cle: str | None = None
) -> None:
    """Two download buttons (CSV « ; » with BOM, and xlsx) for a table; no rerun on click. The files are named
    after ``nom`` (which carries the year) and the landlord when known: ``flux_2024_habitat_du_val.csv``."""
    from flux_dash.ui import etat

    base = nom_telechargement(nom, etat.nom_bailleur())
    cle = cle or base
    col1, col2 = st.columns(2)
    with col1:
        st.download_button(
            "Télécharger (CSV)",
            data=lambda: tableau_en_csv(df, libelles),
            file_name=f"{base}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"{cle}_csv",
            icon=":material/download:",
        )
    with col2:
        st.download_button(
            "Télécharger (Excel)",
            data=lambda: tableau_en_xlsx(df, nom, libelles),
            file_name=f"{base}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            key=f"{cle}_xlsx",
            icon=":material/download:",
        )
