"""QPV: en / hors QPV per réservataire and per territory, préfet hors-QPV readings, CIA indicators, and the QPV
where the landlord has logements (DOMAINE.md §3–§4)."""

import streamlit as st

from flux_dash import graphiques as g
from flux_dash.series import lister_qpv_logements
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_graphique, tableau, telecharger_tableau
from flux_dash.ui.filtres import afficher_filtres
from flux_dash.ui.gardes import exiger_bilan
from flux_dash.ui.page import preparer_page

preparer_page("QPV", "🏘️")
bilan = exiger_bilan()
afficher_filtres(reservataires=False)

st.subheader("Attributions en et hors QPV par réservataire")
afficher_graphique(
    etat.agregat(g.tracer_qpv_reservataires, bilan),
    etat.agregat(g.tableau_qpv_reservataires, bilan),
    f"qpv_reservataires_{bilan.annee}",
    "qpv_res",
)

st.subheader("En et hors QPV par territoire")
col1, col2 = st.columns(2)
niveau = col1.radio(
    "Niveau",
    ["EPCI_EPT", "DEPARTEMENT", "COMMUNE"],
    format_func=g.NIVEAUX.get,
    horizontal=True,
    key=etat.CLE_NIVEAU_QPV,
)
mesure = col2.radio(
    "Chiffre", list(g.MESURES_QPV), format_func=g.MESURES_QPV.get, horizontal=True, key=etat.CLE_MESURE_QPV
)
afficher_graphique(
    etat.agregat(g.tracer_qpv_territoires, bilan, niveau, mesure),
    etat.agregat(g.tableau_qpv_territoires, bilan, niveau),
    f"qpv_territoires_{niveau.lower()}_{bilan.annee}",
    "qpv_ter",
)

st.subheader("Logements proposés au préfet hors QPV, par département")
st.caption(
    "Lecture a : proposés au préfet hors QPV ÷ proposés au préfet (référence : au moins 30 %). Lecture b : "
    "proposés au préfet hors QPV ÷ flux hors QPV. La référence se lit comme un repère, pas comme un verdict."
)
afficher_graphique(
    etat.agregat(g.tracer_prefet_hors_qpv, bilan),
    etat.agregat(g.tableau_prefet_hors_qpv, bilan),
    f"prefet_hors_qpv_{bilan.annee}",
    "prefet",
)

st.subheader("Indicateurs de la convention intercommunale d'attribution, par EPCI / EPT")
afficher_graphique(
    etat.agregat(g.tracer_indicateurs_cia, bilan),
    etat.agregat(g.tableau_indicateurs_cia, bilan),
    f"indicateurs_cia_{bilan.annee}",
    "cia",
)

st.subheader("QPV où le bailleur a des logements")
qpv = etat.agregat(lister_qpv_logements, etat.tables_filtrees().get("logements"), bilan.annee)
libelles = {
    "code_qpv": "Code QPV",
    "nom_qpv": "Quartier",
    "code_commune": "Code commune",
    "commune": "Commune",
    "logements": "Logements (fichier)",
    "disponibilites_n": f"Disponibles en {bilan.annee}",
}
if qpv.empty:
    st.info("Aucun logement en QPV dans le périmètre affiché.")
else:
    tableau(qpv, libelles, cle="tab_qpv")
    telecharger_tableau(qpv, f"qpv_logements_{bilan.annee}", libelles, cle="qpv_liste")
