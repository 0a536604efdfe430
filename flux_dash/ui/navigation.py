"""The menu: which pages each side of the app lists in the sidebar, and links between pages.

Streamlit's own page list is hidden (``client.showSidebarNavigation = false``: it would label the home page
« app » and list every script of ``pages/``); each side of the app declares its menu once in :data:`MENUS`, and a
page names its side in :func:`flux_dash.ui.page.preparer_page`. To add a page: write ``pages/N_Titre.py`` and add
one :class:`Page` to its side's menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

RACINE = Path(__file__).resolve().parents[2]
"""The app's root (where app.py lives): page paths are relative to it."""


@dataclass(frozen=True)
class Page:
    """One entry of a menu: the script (relative to :data:`RACINE`), its French label, its Material icon."""

    chemin: str
    libelle: str
    icone: str


PAGE_ACCUEIL = "app.py"
PAGE_CONTROLES = "pages/2_Contrôles.py"
PAGE_VUE = "pages/3_Vue_d_ensemble.py"
PAGE_RESERVATAIRES = "pages/4_Réservataires.py"
PAGE_TERRITOIRES = "pages/5_Territoires.py"
PAGE_QPV = "pages/6_QPV.py"
PAGE_PREVISIONNEL = "pages/7_Soustraits_et_prévisionnel.py"
PAGE_RAPPORTS = "pages/8_Rapports.py"
PAGE_RECEPTION = "pages/11_Réception.py"
PAGE_SYNTHESE_TERRITOIRE = "pages/12_Synthèse_du_territoire.py"
PAGE_BAILLEURS = "pages/13_Bailleurs.py"
PAGE_OBJECTIFS_CIA = "pages/14_Objectifs_CIA.py"
PAGE_EVOLUTION = "pages/15_Évolution.py"
PAGE_RAPPORTS_TERRITOIRE = "pages/16_Rapports_du_territoire.py"

COTE_BAILLEUR = "bailleur"
"""The landlord's side: load its tours, check them, explore its bilan, download its reports."""
COTE_TERRITOIRE = "territoire"
"""The receiving side (EPCI/EPT, État): receive the landlords' bilans, follow who has sent, explore and download
the consolidated figures of a territory (issue 9)."""
COTES = {
    COTE_BAILLEUR: "Je suis un bailleur : je dépose mes tours",
    COTE_TERRITOIRE: "Je reçois des bilans (EPCI/EPT, État)",
}
"""The two entrances of the home page, in order: side → the label of its button."""

MENUS: dict[str, tuple[Page, ...]] = {
    COTE_BAILLEUR: (
        Page(PAGE_ACCUEIL, "Accueil", ":material/home:"),
        Page(PAGE_CONTROLES, "Contrôles", ":material/fact_check:"),
        Page(PAGE_VUE, "Vue d'ensemble", ":material/dashboard:"),
        Page(PAGE_RESERVATAIRES, "Réservataires", ":material/groups:"),
        Page(PAGE_TERRITOIRES, "Territoires", ":material/map:"),
        Page(PAGE_QPV, "QPV", ":material/location_city:"),
        Page(PAGE_PREVISIONNEL, "Soustraits et prévisionnel", ":material/event_upcoming:"),
        Page(PAGE_RAPPORTS, "Rapports", ":material/folder_zip:"),
    ),
    COTE_TERRITOIRE: (
        Page(PAGE_ACCUEIL, "Accueil", ":material/home:"),
        Page(PAGE_RECEPTION, "Réception", ":material/inbox:"),
        Page(PAGE_SYNTHESE_TERRITOIRE, "Synthèse du territoire", ":material/dashboard:"),
        Page(PAGE_BAILLEURS, "Bailleurs", ":material/apartment:"),
        Page(PAGE_OBJECTIFS_CIA, "Objectifs CIA", ":material/flag:"),
        Page(PAGE_EVOLUTION, "Évolution", ":material/trending_up:"),
        Page(PAGE_RAPPORTS_TERRITOIRE, "Rapports du territoire", ":material/folder_zip:"),
    ),
}
"""Each side's sidebar menu, in order."""


def lien_page(page: str, label: str, icone: str | None = None) -> None:
    """``st.page_link`` that silently skips a page not (yet) present (st.page_link raises on unknown pages)."""
    if (RACINE / page).exists():
        st.page_link(page, label=label, icon=icone)


def afficher_menu(cote: str = COTE_BAILLEUR) -> None:
    """The menu of side ``cote`` (call inside ``st.sidebar``)."""
    for page in MENUS[cote]:
        lien_page(page.chemin, page.libelle, page.icone)
