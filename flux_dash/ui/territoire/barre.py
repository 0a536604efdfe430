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
    annee = session.annee_choisie(b)
    etat.initialiser_widget(etat.CLE_ANNEE_TERRITOIRE, annee, annees)
    annee = st.selectbox("Année des bilans", annees, key=etat.CLE_ANNEE_TERRITOIRE)
    etat.definir_annee_territoire(annee)
    possibles = session.territoires_possibles(b, annee)
    if not possibles:
        return
    choisi = etat.territoire()
    defaut = choisi if choisi in possibles else possibles[0]
    etat.initialiser_widget(etat.CLE_TERRITOIRE, defaut, possibles)
    territoire = st.selectbox(
        "Territoire",
        possibles,
        format_func=session.libelle_territoire,
        key=etat.CLE_TERRITOIRE,
        help="EPCI/EPT, département ou région : chaque page du côté réception montre ce territoire.",
    )
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
