"""The multi-landlord demo campaign of the app: the files the five fictional landlords of
:mod:`flux_dash.demo.territoire` send (two years), built in memory once per server, and their list of expected
landlords (one of them never sends)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    from flux_dash.consolidation import Reception
    from flux_dash.consolidation.reception import Etape


@st.cache_resource(show_spinner="Préparation de la campagne de démonstration (cinq bailleurs, deux années)…")
def fichiers_demo() -> list[tuple[str, bytes]]:
    """Every file of the demo campaign, as (name, bytes), n−1 first: the committed copy of ``sample_data/territoire``
    when it is complete (read in a fraction of a second), else built by the generator (about 20 s)."""
    from flux_dash.demo.territoire import ANNEES_TERRITOIRE, fichiers_deposes, fichiers_territoire

    return [f for annee in ANNEES_TERRITOIRE for f in (fichiers_deposes(annee) or fichiers_territoire(annee))]


@st.cache_resource(show_spinner=False)
def _receptions_demo() -> dict[tuple[str, ...], Reception]:
    """The server's read demo files, keyed by their sha256 (one entry: the demo's files are fixed per server)."""
    return {}


def reception_demo(etape: Etape | None = None) -> Reception:
    """The demo's files read and checked (:func:`flux_dash.consolidation.lire_envois`) once per server, kept by the
    sha256 of the files: they are fictional and the same for every session (a user's files are never kept beyond
    their session). Each session copies the figures into its own store; nothing here is modified. ``etape`` shows
    the progress of the reading, when it happens (a Streamlit cache cannot replay a progress box: the reading is
    done outside the cached function)."""
    from flux_dash.consolidation import lire_envois

    fichiers = fichiers_demo()
    cle = tuple(hashlib.sha256(octets).hexdigest() for _, octets in fichiers)
    lues = _receptions_demo()
    if cle not in lues:
        recus = lire_envois(fichiers, etape=etape)
        lues.clear()
        lues[cle] = recus
    return lues[cle]


def attendus_demo() -> tuple[str, bytes]:
    """The demo's list of expected landlords, as the file a receiver would upload."""
    from flux_dash.demo.territoire import NOM_ATTENDUS, attendus_territoire

    return NOM_ATTENDUS, attendus_territoire()
