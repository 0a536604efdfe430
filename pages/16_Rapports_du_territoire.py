"""Rapports du territoire: the consolidated workbook of the territory, the consolidated CSV and the coverage CSV
(FORMAT.md §3.2), built on request with a progress bar, then downloaded."""

from __future__ import annotations

import streamlit as st

from flux_dash.ui.navigation import COTE_TERRITOIRE
from flux_dash.ui.page import preparer_page
from flux_dash.ui.territoire.gardes import exiger_vue
from flux_dash.ui.territoire.rapports import afficher_telechargements, preparer_fichiers
from flux_dash.ui.territoire.session import libelle_territoire

preparer_page("Rapports du territoire", "🗂️", COTE_TERRITOIRE)
vue = exiger_vue()

st.markdown(
    f"Fichiers de **{libelle_territoire(vue.territoire)}**, bilans {vue.annee} : le classeur consolidé (couverture, "
    "synthèse, communes, bailleurs, indicateurs, évolution, paramètres, définitions, données), le fichier CSV des "
    "indicateurs consolidés et celui de la couverture."
)
if st.button("Préparer les fichiers du territoire", type="primary", icon=":material/build:"):
    preparer_fichiers(vue)  # in the page (not a callback): the progress bar shows under the button
afficher_telechargements(vue)
