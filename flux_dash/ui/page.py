"""The one setup call at the top of every page (style.md §2: setup → guard → one library call → render)."""

from __future__ import annotations

import streamlit as st

from flux_dash.ui import etat
from flux_dash.ui.barre_laterale import afficher_barre_laterale
from flux_dash.ui.navigation import COTE_BAILLEUR


def preparer_page(titre: str, icone: str, cote: str = COTE_BAILLEUR) -> None:
    """Page config, session defaults, the sidebar of side ``cote`` (:data:`flux_dash.ui.navigation.MENUS`), title.

    ``icone`` is the browser tab's icon: an emoji, never ``:material/…:`` (Streamlit fetches a Material favicon
    from a Google font server: an outside request from the user's browser, and a failed one offline)."""
    st.set_page_config(page_title=f"{titre} · flux_dash", page_icon=icone, layout="wide")
    etat.initialiser()
    afficher_barre_laterale(cote)
    st.title(titre)  # the icon goes to the browser tab only (emoji fonts are not everywhere)
