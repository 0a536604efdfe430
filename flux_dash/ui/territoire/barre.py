"""The receiving side's status block in the sidebar: the store in use, the year and the territory every page is
focused on (kept for the session)."""

from __future__ import annotations

import streamlit as st

from flux_dash import formats
from flux_dash.ui import etat
from flux_dash.ui.navigation import PAGE_ACCUEIL
from flux_dash.ui.territoire import session


def choisir_annee_et_territoire() -> None:
    """The year and territory selectors (only when the store holds bilans)."""
    b = session.base()
    if b is None:
        return
    annees = session.annees(b)
    if not annees:
        st.caption("La base ne contient encore aucun bilan.")
        return
    # the plain keys hold the choice; each run gives it back to the widget (a widget's own state does not survive a
    # page change), and the widget's callback stores a new choice before the page runs
    etat.definir_annee_territoire(session.annee_choisie(b))
    etat.definir_widget(etat.CLE_ANNEE_TERRITOIRE, etat.annee_territoire())
    annee = st.selectbox("Année des bilans", annees, key=etat.CLE_ANNEE_TERRITOIRE, on_change=_memoriser)
    possibles = session.territoires_possibles(b, annee)
    if not possibles:
        return
    choisi = etat.territoire()
    etat.definir_territoire(choisi if choisi in possibles else possibles[0])
    etat.definir_widget(etat.CLE_TERRITOIRE, etat.territoire())
    st.selectbox(
        "Territoire",
        possibles,
        format_func=session.libelle_territoire,
        key=etat.CLE_TERRITOIRE,
        on_change=_memoriser,
        help="EPCI/EPT, département ou région : chaque page du côté réception montre ce territoire.",
    )


def _memoriser() -> None:
    """``on_change`` of the year and territory selectors: the new choice, kept in the plain keys."""
    annee = etat.lire_widget(etat.CLE_ANNEE_TERRITOIRE)
    if annee is not None:
        etat.definir_annee_territoire(annee)
    territoire = etat.lire_widget(etat.CLE_TERRITOIRE)
    if territoire is not None:
        etat.definir_territoire(territoire)


def statut_reception() -> None:
    """Under the menu: which store, how many landlords, the year and the territory."""
    st.markdown("**Bilans reçus**")
    st.caption(session.libelle_base())
    b = session.base()
    if b is None:
        st.page_link(PAGE_ACCUEIL, label="Choisir une base", icon=":material/database:")
        return
    choisir_annee_et_territoire()
    annee = etat.annee_territoire()
    if annee is not None:
        n = len(session.depots(b, annee))
        st.caption(f"{formats.nombre(n)} bailleur{'s' if n > 1 else ''} en {annee}")
