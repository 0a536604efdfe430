"""Accueil: what the tool does, loading the data (upload or demo), the year and the landlord's name."""

from __future__ import annotations

import logging

import streamlit as st

from flux_dash import limites
from flux_dash.modele import modele_saisie
from flux_dash.ui import chargement, etat, precedent
from flux_dash.ui.accueil import afficher_entrees, afficher_resume
from flux_dash.ui.navigation import COTE_TERRITOIRE
from flux_dash.ui.page import preparer_page
from flux_dash.ui.territoire.accueil import afficher_accueil_territoire

journal = logging.getLogger(__name__)

preparer_page("Gestion en flux : bilans et prévisionnels", "🏠", etat.cote())
if afficher_entrees() == COTE_TERRITOIRE:  # the receiving side (issue 9): its own home, then stop
    afficher_accueil_territoire()
    st.stop()

st.markdown(
    "Cet outil transforme le suivi des **tours de commercialisation** d'un bailleur social en bilans annuels de la "
    "gestion en flux (logements proposés et attribués par réservataire, typologie, financement, QPV, commune et "
    "période de construction) et en prévisionnels, prêts à transmettre à chaque réservataire, EPCI/EPT et à l'État. "
    "Les fichiers restent en mémoire le temps de votre session : rien n'est enregistré sur le serveur."
)

# --- Loading -------------------------------------------------------------------------------------------
col_depot, col_aide = st.columns([3, 2])
with col_depot:
    st.file_uploader(
        f"Déposez votre classeur (.xlsx) ou vos fichiers CSV (un par table), {limites.TELEVERSEMENT_MO} Mo au plus "
        "par fichier",
        # No type filter: Streamlit would refuse other files in English (« text/plain files are not allowed »);
        # the reader names what a file is, in French (« c'est une image PNG »).
        type=None,
        accept_multiple_files=True,
        max_upload_size=limites.TELEVERSEMENT_MO,
        key=etat.CLE_TELEVERSEMENT,
        on_change=chargement.charger_televersement,  # a callback runs before the page: the sidebar is up to date
        help="Feuilles ou fichiers attendus : logements, tours, conventions et, si vous l'avez, previsionnel. "
        "Tous les fichiers présents dans la zone sont lus ensemble : pour une version corrigée, retirez d'abord "
        "l'ancienne (✕).",
    )
with col_aide:
    st.button(
        "Charger les données d'exemple",
        on_click=chargement.charger_demo,
        icon=":material/science:",
        help="Un bailleur fictif de 3 000 logements en Île-de-France, année 2024.",
    )
    st.download_button(
        "Télécharger le modèle de saisie (.xlsx)",
        data=modele_saisie,
        file_name="modele_saisie_flux.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/description:",
    )

erreur = etat.erreur_chargement()
if erreur:
    st.error(erreur)

rapport = etat.rapport()
if rapport is None:
    st.info("Pour commencer, déposez vos fichiers ci-dessus ou chargez les données d'exemple.")
    st.stop()

# --- Parameters ----------------------------------------------------------------------------------------
annees = chargement.annees_couvertes(rapport.tables)
choix = sorted({*annees, etat.annee()})
col_annee, col_bailleur = st.columns([1, 3])
with col_annee:
    annee = st.selectbox(
        "Année du bilan (n)",
        choix,
        index=choix.index(etat.annee()),
        key=etat.cle_annee(),
        on_change=chargement.changer_annee,
        args=(etat.cle_annee(),),
    )
    etat.definir_annee(annee)
    if chargement.controler_l_annee():  # year-dependent warnings (FORMAT.md §1.5) follow the chosen year
        rapport = etat.rapport()
with col_bailleur:
    etat.initialiser_widget(etat.CLE_BAILLEUR, etat.nom_bailleur())
    nom = st.text_input(
        "Nom du bailleur (imprimé sur les rapports)",
        key=etat.CLE_BAILLEUR,
        max_chars=limites.CARACTERES_NOM,
        placeholder="par exemple : Habitat du Val",
    )
    etat.definir_nom_bailleur(nom)
precedent.afficher_depot(annee)  # last year's output: an « Évolution » sheet in every trame

# --- Summary -------------------------------------------------------------------------------------------
afficher_resume(rapport, annees, annee)

st.button("Décharger les données", on_click=etat.oublier_donnees, icon=":material/delete:")
