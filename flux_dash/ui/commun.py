"""What every page shares: setup (page config + sidebar), early stops, French tables and downloads.

A page reads top to bottom (style.md §2)::

    preparer_page("Réservataires", ":material/groups:")
    bilan = exiger_bilan()          # stops with a French message and a link when there is nothing to show
    filtres = afficher_filtres()    # sidebar multiselects, persisted across pages (flux_dash.ui.filtres)
    tableau(df, {"reservataire": "Réservataire", ...}, pourcentages=["part"])

User text (file names, réservataire names) is never rendered as raw markdown: :func:`echapper` escapes it, or
it goes through ``st.dataframe`` / ``st.text``. No ``unsafe_allow_html`` anywhere.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.filtres import Filtres
from flux_dash.problemes import RapportValidation
from flux_dash.ui import etat
from flux_dash.ui.exports import tableau_en_csv, tableau_en_xlsx

journal = logging.getLogger(__name__)

PAGE_ACCUEIL = "app.py"
PAGE_CONTROLES = "pages/2_Contrôles.py"
PAGE_VUE = "pages/3_Vue_d_ensemble.py"
PAGE_RAPPORTS = "pages/8_Rapports.py"
PAGES: tuple[tuple[str, str, str], ...] = (
    (PAGE_ACCUEIL, "Accueil", ":material/home:"),
    (PAGE_CONTROLES, "Contrôles", ":material/fact_check:"),
    (PAGE_VUE, "Vue d'ensemble", ":material/dashboard:"),
    ("pages/4_Réservataires.py", "Réservataires", ":material/groups:"),
    ("pages/5_Territoires.py", "Territoires", ":material/map:"),
    ("pages/6_QPV.py", "QPV", ":material/location_city:"),
    ("pages/7_Soustraits_et_prévisionnel.py", "Soustraits et prévisionnel", ":material/event_upcoming:"),
    (PAGE_RAPPORTS, "Rapports", ":material/folder_zip:"),
)
"""The sidebar menu (path, French label, icon), in order. Streamlit's own page list is hidden
(``client.showSidebarNavigation = false``) because it would label the home page « app »."""


RACINE = Path(__file__).resolve().parents[2]
"""The app's root (where app.py lives): page paths are relative to it."""


def lien_page(page: str, label: str, icone: str | None = None) -> None:
    """``st.page_link`` that silently skips a page not (yet) present (st.page_link raises on unknown pages)."""
    if (RACINE / page).exists():
        st.page_link(page, label=label, icon=icone)


def echapper(texte: object) -> str:
    """Escape every markdown-significant character of a user string (ASCII punctuation gets a backslash)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&%^@,;?/])", r"\\\1", str(texte)).replace("\n", " ")


# --- Page setup --------------------------------------------------------------------------------------


def preparer_page(titre: str, icone: str) -> None:
    """The one setup call at the top of every page: config, session defaults, sidebar status, title.

    ``icone`` is the browser tab's icon: an emoji, never ``:material/…:`` (Streamlit fetches a Material favicon
    from a Google font server: an outside request from the user's browser, and a failed one offline)."""
    st.set_page_config(page_title=f"{titre} · flux_dash", page_icon=icone, layout="wide")
    etat.initialiser()
    _barre_laterale()
    st.title(titre)  # the icon goes to the browser tab only (emoji fonts are not everywhere)


def _barre_laterale() -> None:
    r = etat.rapport()
    with st.sidebar:
        for page, label, icone in PAGES:
            lien_page(page, label, icone)
        st.divider()
        st.markdown("**Données chargées**")
        if r is None:
            st.caption("Aucune donnée chargée.")
            st.page_link(PAGE_ACCUEIL, label="Charger des données", icon=":material/upload_file:")
            return
        for nom in etat.fichiers():
            st.caption(f":material/description: {echapper(nom)}")
        st.caption(f"Année du bilan : **{etat.annee()}**")
        bailleur = etat.nom_bailleur()
        if bailleur:
            st.caption(f"Bailleur : {echapper(bailleur)}")
        st.markdown(statut_validation(r))
        lien_page(PAGE_CONTROLES, "Voir les contrôles", ":material/fact_check:")


def statut_validation(r: RapportValidation) -> str:
    """One French line: ``✅ Aucune erreur · 3 avertissements`` or ``⛔ 12 erreurs · 3 avertissements``."""
    nb_e, nb_a = len(r.erreurs), len(r.avertissements)
    av = f"{formats.nombre(nb_a)} avertissement{'s' if nb_a > 1 else ''}"
    if nb_e == 0:
        return f":material/check_circle: Aucune erreur · {av}"
    return f":material/block: {formats.nombre(nb_e)} erreur{'s' if nb_e > 1 else ''} · {av}"


# --- Early stops -------------------------------------------------------------------------------------


def exiger_donnees() -> RapportValidation:
    """The loaded report; with no data, a French notice, a link to the home page, and ``st.stop()``."""
    r = etat.rapport()
    if r is None:
        st.info(
            "Aucune donnée n'est chargée dans cette session. Chargez un fichier (ou les données d'exemple) depuis l'accueil."
        )
        st.page_link(PAGE_ACCUEIL, label="Aller à l'accueil pour charger des données", icon=":material/upload_file:")
        st.stop()
    return r


def regles_principales(r: RapportValidation, nombre: int = 3) -> list[tuple[str, int]]:
    """The most frequent error rules: (rule text, count), most frequent first, ties by rule text."""
    compte = Counter(p.regle for p in r.erreurs)
    return sorted(compte.items(), key=lambda kv: (-kv[1], kv[0]))[:nombre]


def exiger_bilan(complet: bool = False):
    """The bilan of the loaded data (chosen year; filtered unless ``complet``); stops with a French
    explanation when there is no data, when the data has errors, or when the computation fails."""
    r = exiger_donnees()
    if not r.ok:
        nb = len(r.erreurs)
        st.error(
            f"Le bilan ne peut pas être produit : le fichier contient {formats.nombre(nb)} "
            f"erreur{'s' if nb > 1 else ''} bloquante{'s' if nb > 1 else ''}. Un fichier avec des erreurs n'est "
            "jamais utilisé à moitié : corrigez-les puis rechargez le fichier."
        )
        lignes = [f"- {echapper(regle)} ({formats.nombre(n)} fois)" for regle, n in regles_principales(r)]
        if lignes:
            st.markdown("Erreurs les plus fréquentes :\n" + "\n".join(lignes))
        lien_page(PAGE_CONTROLES, "Voir le détail des contrôles", ":material/fact_check:")
        st.stop()
    try:
        return etat.bilan(Filtres() if complet else None)
    except Exception:
        journal.exception("calcul du bilan")
        st.error(
            "Le calcul du bilan a échoué à cause d'une erreur interne de l'outil (pas de votre fichier). "
            "Le détail technique a été consigné dans le journal du serveur."
        )
        st.stop()


# --- Tables and downloads ----------------------------------------------------------------------------


def tableau(
    df: pd.DataFrame,
    libelles: dict[str, str] | None = None,
    pourcentages: Sequence[str] = (),
    decimales: dict[str, int] | None = None,
    hauteur: int | str = "auto",
    cle: str | None = None,
    largeurs: dict[str, int] | None = None,
    hauteur_ligne: int | None = None,
) -> None:
    """Render ``df`` with French column labels and French number formats (pre-formatted strings), laid out by
    :func:`colonnes_tableau`; a ``hauteur_ligne`` above 64 px wraps long texts over several lines."""
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


LARGEUR_TEXTE_LONG = 260
"""Pixels of a text column whose values exceed :data:`TEXTE_LONG` characters (the full text shows on hover)."""
TEXTE_LONG = 40


def colonnes_tableau(df: pd.DataFrame, etiquettes: Sequence[str], largeurs: dict[str, int] | None = None) -> dict:
    """``column_config`` of a displayed table (``etiquettes``: the French labels of ``df``'s columns, same order).

    Numbers (pre-formatted as French strings) are right-aligned; a long text column is capped at
    :data:`LARGEUR_TEXTE_LONG` px and the first text column (the row's name) pinned while scrolling, in a table of
    more than five columns (the figures stay on screen at 1280 px). ``largeurs`` (``df`` column → px) replaces
    both rules.
    """
    largeurs = largeurs or {}
    config = {}
    large = len(df.columns) > 5 and not largeurs
    premier_texte = next((c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])), None)
    for col, etiquette in zip(df.columns, etiquettes, strict=True):
        serie = df[col]
        options: dict[str, object] = {}
        if pd.api.types.is_numeric_dtype(serie) and not pd.api.types.is_bool_dtype(serie):
            options["alignment"] = "right"
        elif large and serie.astype(str).str.len().max() > TEXTE_LONG:
            options["width"] = LARGEUR_TEXTE_LONG
        if col in largeurs:
            options["width"] = largeurs[col]
        if large and col == premier_texte:
            options["pinned"] = True
        if options:
            config[etiquette] = st.column_config.TextColumn(etiquette, **options)
    return config


def afficher_graphique(fig, table: pd.DataFrame, nom: str, cle: str) -> None:
    """A chart, then the figures it plots in a « Voir les données » expander with CSV / Excel downloads.

    ``table`` is the chart's ``tableau_xxx`` twin (:mod:`flux_dash.graphiques`); ``nom`` names the downloaded files;
    ``cle`` makes the widget keys unique on the page (``fig_{cle}``, ``tab_{cle}``, ``{cle}_csv``…).
    """
    from flux_dash.graphiques import pourcentages

    st.plotly_chart(fig, key=f"fig_{cle}", config={"displaylogo": False}, width="stretch")
    with st.expander("Voir les données", icon=":material/table:"):
        tableau(table, pourcentages=pourcentages(table), cle=f"tab_{cle}")
        telecharger_tableau(table, nom, cle=cle)


def telecharger_tableau(
    df: pd.DataFrame, nom: str, libelles: dict[str, str] | None = None, cle: str | None = None
) -> None:
    """Two download buttons (CSV « ; » with BOM, and xlsx) for a table; no rerun on click."""
    base = ref.slug(nom)
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
