"""Soustraits et prévisionnel: soustraits by category and territory, relogements réalisés, and the editable
forecast of year n+1 whose edits flow into the prévisionnel reports (DOMAINE.md §3, §5.4; FORMAT.md §1.4)."""

import streamlit as st

from flux_dash import graphiques as g
from flux_dash.calculs import calculer_previsionnel
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_graphique
from flux_dash.ui.filtres import afficher_filtres
from flux_dash.ui.gardes import exiger_bilan
from flux_dash.ui.page import preparer_page
from flux_dash.ui.previsionnel import editer_previsionnel

preparer_page("Soustraits et prévisionnel", "🔮")
bilan = exiger_bilan()
filtres = afficher_filtres(reservataires=False)

st.subheader(f"Logements soustraits du flux en {bilan.annee}")
niveau = st.radio(
    "Niveau",
    ["DEPARTEMENT", "EPCI_EPT", "COMMUNE"],
    format_func=g.NIVEAUX.get,
    horizontal=True,
    key=etat.CLE_NIVEAU_SOUSTRAITS,
)
afficher_graphique(
    etat.agregat(g.tracer_soustraits_territoires, bilan, niveau),
    etat.agregat(g.tableau_soustraits_territoires, bilan, niveau),
    f"soustraits_{niveau.lower()}_{bilan.annee}",
    "soustraits",
)
afficher_graphique(
    etat.agregat(g.tracer_relogements, bilan),
    etat.agregat(g.tableau_relogements, bilan),
    f"relogements_realises_{bilan.annee}",
    "relog",
)

st.divider()
st.subheader(f"Prévisionnel {bilan.annee + 1}")
st.caption(
    "Saisissez les soustractions prévues par département et par catégorie, et si vous les connaissez les "
    "disponibilités prévues (vide : les disponibilités de l'année n sont reprises). Les modifications sont "
    "reprises dans les prévisionnels téléchargés depuis la page Rapports."
)
if filtres.filtre_logements:
    st.warning(
        "Filtres actifs : les disponibilités reprises de l'année n sont celles des logements filtrés, mais "
        "les soustractions prévues valent pour tout le département. Effacez les filtres pour lire le "
        "prévisionnel tel qu'il sera transmis (les rapports, eux, ignorent les filtres)."
    )
previsionnel = etat.agregat(calculer_previsionnel, bilan, editer_previsionnel(bilan))

afficher_graphique(
    etat.agregat(g.tracer_flux_previsionnel, previsionnel),
    etat.agregat(g.tableau_flux_previsionnel, previsionnel),
    f"flux_previsionnel_{bilan.annee + 1}",
    "flux_prev",
)
afficher_graphique(
    etat.agregat(g.tracer_droits_previsionnels, previsionnel),
    etat.agregat(g.tableau_droits_previsionnels, previsionnel),
    f"droits_previsionnels_{bilan.annee + 1}",
    "droits_prev",
)
