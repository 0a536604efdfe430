"""The one setup call at the top of every page (style.md §2: setup → guard → one library call → render), and the
shell every page shares: the page's style sheet and Streamlit's own texts in French (:mod:`flux_dash.ui.francais`)."""

from __future__ import annotations

import streamlit as st

from flux_dash.ui import etat
from flux_dash.ui.barre_laterale import afficher_barre_laterale
from flux_dash.ui.francais import traduire_streamlit
from flux_dash.ui.navigation import COTE_BAILLEUR

STYLE = """
/* the element holding the translating script (flux_dash.ui.francais) takes no room */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) { display: none; }
/* filter chips show the whole name (« Seine-Saint-Denis (93) », not « Se… »), on several lines if needed */
[data-testid="stMultiSelect"] [data-baseweb="tag"] { max-width: none; height: auto; }
[data-testid="stMultiSelect"] [data-baseweb="tag"] span { max-width: none; white-space: normal; overflow: visible; }
/* a focused menu link is outlined, never filled like the active page */
[data-testid="stSidebar"] a:focus-visible { outline: 2px solid #1f4e79; outline-offset: 2px; background: none; }
"""
"""The style sheet of every page (a constant: no user text ever reaches it)."""


def preparer_page(titre: str, icone: str, cote: str = COTE_BAILLEUR) -> None:
    """Page config, French shell, session defaults, the sidebar of side ``cote``
    (:data:`flux_dash.ui.navigation.MENUS`), title.

    ``icone`` is the browser tab's icon: an emoji, never ``:material/…:`` (Streamlit fetches a Material favicon
    from a Google font server: an outside request from the user's browser, and a failed one offline)."""
    st.set_page_config(page_title=f"{titre} · flux_dash", page_icon=icone, layout="wide")
    st.html(f"<style>{STYLE}</style>")  # style only: Streamlit puts it out of the layout
    traduire_streamlit()
    etat.initialiser()
    afficher_barre_laterale(cote)
    st.title(titre)  # the icon goes to the browser tab only (emoji fonts are not everywhere)
