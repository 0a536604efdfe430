"""Bailleurs: one row per landlord on the territory — its figures, its contribution to the territory's totals, its
indicators — sortable, and a chart of one indicator per landlord against the reference value (FORMAT.md §3.3)."""

from __future__ import annotations

import streamlit as st

from flux_dash.graphiques import consolidation as gc
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_graphique, tableau, telecharger_tableau
from flux_dash.ui.navigation import COTE_TERRITOIRE
from flux_dash.ui.page import preparer_page
from flux_dash.ui.territoire.gardes import exiger_vue

preparer_page("Bailleurs", "🏢", COTE_TERRITOIRE)
vue = exiger_vue()
co, territoire = vue.consolidation, vue.territoire

t = gc.tableau_bailleurs(co, territoire)
if t.empty:
    st.info("Aucun bailleur de la base ne donne de chiffres sur ce territoire.")
    st.stop()
colonnes = list(t.columns[1:])
etat.initialiser_widget(etat.CLE_TRI_BAILLEURS, colonnes[0], colonnes)
tri = st.selectbox("Trier par", colonnes, key=etat.CLE_TRI_BAILLEURS, help="Du plus grand au plus petit.")
st.caption(
    "Les parts se lisent par rapport au territoire, tous bailleurs ensemble ; part des publics prioritaires : "
    "toutes les attributions du bailleur sur le territoire, tous réservataires ; n.s. : non significatif."
)
tableau(gc.trier_bailleurs(t, tri), pourcentages=list(t.columns[4:]))  # after the counts: shares
telecharger_tableau(t, f"bailleurs_{vue.annee}", cle="bailleurs")

choix = gc.indicateurs_comparables(co, territoire)
if not choix:
    st.info("Les indicateurs comparés aux valeurs de référence ne sont pas calculables sur ce territoire.")
    st.stop()
etat.initialiser_widget(etat.CLE_INDICATEUR_BAILLEURS, next(iter(choix)), list(choix))
indicateur = st.selectbox("Indicateur comparé", list(choix), format_func=choix.get, key=etat.CLE_INDICATEUR_BAILLEURS)
afficher_graphique(
    gc.tracer_comparaison(co, territoire, indicateur),
    gc.tableau_comparaison(co, territoire, indicateur),
    f"comparaison_{indicateur}_{vue.annee}",
    "comparaison",
)
