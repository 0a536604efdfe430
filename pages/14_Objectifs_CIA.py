"""Objectifs CIA: the territory's commitments of its conférence intercommunale du logement (target × indicator ×
objective, defaults from the law: 25 %, 50 %, 25 %), kept in the campaign store, each beside its realised value per
landlord, per réservataire category and for the territory (DOMAINE.md §4)."""

from __future__ import annotations

import streamlit as st

from flux_dash.graphiques import consolidation as gc
from flux_dash.ui.affichage import tableau, telecharger_tableau
from flux_dash.ui.navigation import COTE_TERRITOIRE
from flux_dash.ui.page import preparer_page
from flux_dash.ui.territoire import session
from flux_dash.ui.territoire.gardes import exiger_vue
from flux_dash.ui.territoire.objectifs import editer_objectifs

preparer_page("Objectifs CIA", "🎯", COTE_TERRITOIRE)
vue = exiger_vue()
co, territoire = vue.consolidation, vue.territoire
b = session.base()

st.subheader(f"Engagements de {session.libelle_territoire(territoire)} ({vue.annee})")
objectifs = editer_objectifs(b, co, vue.annee, territoire)

st.subheader("Réalisé au regard des objectifs")
st.caption(
    "Valeurs recalculées des sommes de tous les bailleurs (jamais une moyenne de taux) ; à lire au regard de "
    "l'objectif, pas comme un verdict. n.s. : non significatif ou non fourni par un bailleur."
)
t = gc.tableau_objectifs(co, territoire, objectifs)
tableau(t, pourcentages=["Objectif", "Réalisé"], decimales={"Écart (points)": 1})
telecharger_tableau(t, f"objectifs_cia_{vue.annee}", cle="objectifs")
