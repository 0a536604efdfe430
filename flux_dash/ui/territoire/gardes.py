"""Early stops of the receiving pages: no store chosen, an empty store, a consolidation that fails — a French
notice, a link to where to act, and ``st.stop()``."""

from __future__ import annotations

import logging

import streamlit as st

from flux_dash.consolidation.base import Base
from flux_dash.ui import etat
from flux_dash.ui.navigation import PAGE_ACCUEIL, PAGE_RECEPTION, lien_page
from flux_dash.ui.territoire import session

journal = logging.getLogger(__name__)


def exiger_base() -> Base:
    """The session's store; without one, a notice, a link to the home page, and stop."""
    b = session.base()
    if b is None:
        erreur = etat.erreur_base()
        if erreur:
            st.error(erreur)
        st.info(
            "Aucune base de bilans n'est ouverte dans cette session. Depuis l'accueil, essayez la démo "
            "multi-bailleurs ou ouvrez votre base de campagne."
        )
        lien_page(PAGE_ACCUEIL, "Aller à l'accueil", ":material/home:")
        st.stop()
    return b


def exiger_territoire(b: Base) -> tuple[int, tuple[str, str]]:
    """The year and territory chosen in the sidebar; an empty store stops with a link to Réception."""
    annee, territoire = etat.annee_territoire(), etat.territoire()
    if annee is None or territoire is None or annee not in session.annees(b):
        st.info("La base ne contient encore aucun bilan : déposez d'abord les fichiers reçus des bailleurs.")
        lien_page(PAGE_RECEPTION, "Déposer les bilans reçus", ":material/inbox:")
        st.stop()
    return annee, territoire


def exiger_vue() -> session.Vue:
    """Store → year and territory → their consolidation (with the expected landlords kept in the store)."""
    b = exiger_base()
    annee, territoire = exiger_territoire(b)
    try:
        co = session.consolidation(b, annee, territoire, b.attendus(annee, territoire))
    except Exception:
        journal.exception("consolidation %s %s", annee, territoire)
        st.error(
            "La consolidation a échoué à cause d'une erreur interne de l'outil (pas des fichiers reçus). Le détail "
            "technique a été consigné dans le journal du serveur."
        )
        st.stop()
    return session.Vue(annee, territoire, co)
