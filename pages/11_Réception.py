"""Réception: drop the landlords' files (one line per file), keep the list of expected landlords, follow the
coverage of the territory chosen in the sidebar (FORMAT.md §3.3)."""

from __future__ import annotations

import streamlit as st

from flux_dash.ui.navigation import COTE_TERRITOIRE
from flux_dash.ui.page import preparer_page
from flux_dash.ui.territoire import reception
from flux_dash.ui.territoire.gardes import exiger_base, exiger_vue

preparer_page("Réception des bilans", "📥", COTE_TERRITOIRE)
b = exiger_base()

st.subheader("Déposer les bilans reçus")
reception.afficher_depot()

vue = exiger_vue()
libelle = reception.session.libelle_territoire(vue.territoire)
st.subheader(f"Bailleurs attendus sur {libelle} ({vue.annee})")
reception.afficher_attendus(b, vue.annee, vue.territoire)

st.subheader(f"Couverture de {libelle}")
reception.afficher_couverture(vue, len(b.attendus(vue.annee, vue.territoire)))
