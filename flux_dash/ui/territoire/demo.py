"""The multi-landlord demo campaign of the app: the files the five fictional landlords of
:mod:`flux_dash.demo.territoire` send (two years), built in memory once per server, and their list of expected
landlords (one of them never sends)."""

from __future__ import annotations

import streamlit as st


@st.cache_resource(show_spinner="Préparation de la campagne de démonstration (cinq bailleurs, deux années)…")
def fichiers_demo() -> list[tuple[str, bytes]]:
    """Every file of the demo campaign, as (name, bytes), n−1 first: the committed copy of ``sample_data/territoire``
    when it is complete (read in a fraction of a second), else built by the generator (about 20 s)."""
    from flux_dash.demo.territoire import ANNEES_TERRITOIRE, fichiers_deposes, fichiers_territoire

    return [f for annee in ANNEES_TERRITOIRE for f in (fichiers_deposes(annee) or fichiers_territoire(annee))]


def attendus_demo() -> tuple[str, bytes]:
    """The demo's list of expected landlords, as the file a receiver would upload."""
    from flux_dash.demo.territoire import NOM_ATTENDUS, attendus_territoire

    return NOM_ATTENDUS, attendus_territoire()
