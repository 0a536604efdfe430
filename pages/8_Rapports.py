"""Rapports: the indicators CSV, every trame per recipient, and the whole ZIP (FORMAT.md §2)."""

from __future__ import annotations

import streamlit as st

from flux_dash.indicateurs_csv import ecrire_indicateurs_csv
from flux_dash.rapports import nom_indicateurs
from flux_dash.ui import telechargements as tel
from flux_dash.ui.gardes import exiger_bilan, exiger_donnees
from flux_dash.ui.page import preparer_page

preparer_page("Rapports", "📦")
bilan = exiger_bilan(complet=True)
st.caption(
    f"Rapports du bilan {bilan.annee} sur l'ensemble des données chargées (les filtres du tableau de bord ne "
    "s'appliquent pas aux rapports)."
)
options = tel.choisir_options(bilan, exiger_donnees().fichiers)

st.subheader("Tous les rapports (ZIP)")
st.caption(
    "Une archive avec un dossier par type de destinataire (reservataires/, epci_ept/, etat/, previsionnels/) "
    f"et le fichier {nom_indicateurs(bilan)}."
)
liste = tel.lister_ou_arreter(bilan, options)
tel.preparer_archive(bilan, options, liste)

st.subheader("Indicateurs (CSV)")
st.caption(
    "Un chiffre par ligne (format « long » décrit dans la documentation), pour un tableur ou un outil d'analyse."
)
st.download_button(
    f"Télécharger {nom_indicateurs(bilan)}",
    data=lambda: ecrire_indicateurs_csv(bilan, bailleur=options.bailleur),
    file_name=nom_indicateurs(bilan),
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="indicateurs_csv",
)

st.subheader("Rapports par destinataire")
tel.afficher_rapports(liste.prevus)
