"""Évolution: when the store holds the bilans of n−1, every key figure and indicator as n, n−1 and the change (points
for shares), for the territory, its réservataire categories and its landlords; a chart over every year the store
holds (FORMAT.md §3.3)."""

from __future__ import annotations

import streamlit as st

from flux_dash.graphiques import consolidation as gc
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_graphique, tableau, telecharger_tableau
from flux_dash.ui.navigation import COTE_TERRITOIRE, PAGE_RECEPTION, lien_page
from flux_dash.ui.page import preparer_page
from flux_dash.ui.territoire import session
from flux_dash.ui.territoire.gardes import exiger_vue

preparer_page("Évolution", "📈", COTE_TERRITOIRE)
vue = exiger_vue()
co, territoire = vue.consolidation, vue.territoire
b = session.base()
annees = session.annees(b)

if co.annee_precedente is None:
    st.info(f"La base ne contient pas les bilans {vue.annee - 1} : déposez-les pour comparer n et n−1.")
    lien_page(PAGE_RECEPTION, "Déposer les bilans de l'année précédente", ":material/inbox:")
else:
    niveaux = gc.NIVEAUX_EVOLUTION
    etat.initialiser_widget(etat.CLE_NIVEAU_EVOLUTION, "territoire", list(niveaux))
    niveau = st.radio("Niveau", list(niveaux), format_func=niveaux.get, key=etat.CLE_NIVEAU_EVOLUTION, horizontal=True)
    t = gc.tableau_evolution(co, territoire, niveau)
    st.caption(
        "Parts en points de pourcentage ; « à bailleurs constants » : seulement les bailleurs des deux années ; "
        "n.s. : non significatif, ou bailleur absent de l'une des deux années."
    )
    tableau(t)
    telecharger_tableau(t, f"evolution_{vue.annee}_{niveau}", cle="evolution")

st.subheader("Sur toutes les années de la base")
chiffres = gc.CHIFFRES_EVOLUTION
etat.initialiser_widget(etat.CLE_INDICATEUR_EVOLUTION, "flux", list(chiffres))
chiffre = st.selectbox("Chiffre", list(chiffres), format_func=chiffres.get, key=etat.CLE_INDICATEUR_EVOLUTION)
consolidations = {a: session.consolidation(b, a, territoire, b.attendus(a, territoire)) for a in annees}
afficher_graphique(
    gc.tracer_annees(consolidations, territoire, chiffre),
    gc.tableau_annees(consolidations, territoire, chiffre),
    f"evolution_{chiffre}",
    "annees",
)
