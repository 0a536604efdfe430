"""The receiving side's home: what it does, which store (the demo's or the user's), what the store holds."""

from __future__ import annotations

import streamlit as st

from flux_dash import formats
from flux_dash.ui import etat
from flux_dash.ui.affichage import tableau
from flux_dash.ui.navigation import PAGE_RECEPTION, lien_page
from flux_dash.ui.territoire import session

LIBELLE_DEMO = "Essayer avec la démo multi-bailleurs"
AIDE_DEMO = (
    "Cinq bailleurs fictifs sur Est Ensemble, Plaine Commune, la CA Melun Val de Seine et Paris, bilans 2023 et "
    "2024, dans une base en mémoire propre à votre session : votre base n'est jamais touchée."
)


def afficher_accueil_territoire() -> None:
    """Explanation, the choice of store, and what it holds."""
    st.markdown(
        "Déposez les bilans que les bailleurs ont produits avec flux_dash (archives ZIP, fichiers "
        "`indicateurs_{n}.csv` ou classeurs), suivez qui a envoyé et qui manque, puis explorez et téléchargez les "
        "chiffres de tous les bailleurs ensemble sur votre territoire (EPCI/EPT, département ou région)."
    )
    c1, c2 = st.columns(2)
    c1.button(LIBELLE_DEMO, on_click=session.charger_demo, icon=":material/science:", help=AIDE_DEMO)
    c2.button(
        "Utiliser ma base de campagne",
        on_click=session.utiliser_base_reelle,
        icon=":material/database:",
        help="Le fichier où l'application garde les bilans reçus d'une année sur l'autre (chiffres agrégés "
        "seulement, jamais les tours).",
    )
    erreur = etat.erreur_base()
    if erreur:
        st.error(erreur)
    b = session.base()
    if b is None:
        st.info("Choisissez la démonstration ou votre base de campagne pour commencer.")
        return
    if etat.mode_base() == session.REELLE:
        st.caption(f"Base de campagne : {b.chemin}")
    d = session.depots(b)
    if not len(d):
        st.info("La base ne contient encore aucun bilan : déposez les fichiers des bailleurs.")
        lien_page(PAGE_RECEPTION, "Déposer les bilans reçus", ":material/inbox:")
        return
    annees = sorted(d["annee"].unique())
    st.success(
        f"{session.libelle_base()} : {formats.nombre(d['bailleur'].nunique())} bailleurs, "
        f"bilans {', '.join(str(a) for a in annees)}."
    )
    tableau(
        d[["annee", "bailleur", "fichiers", "ajoute_le"]].assign(
            annee=d["annee"].astype(str), ajoute_le=d["ajoute_le"].dt.strftime("%d/%m/%Y %H:%M")
        ),
        {"annee": "Année", "bailleur": "Bailleur", "fichiers": "Fichiers", "ajoute_le": "Ajouté le"},
    )
    lien_page(PAGE_RECEPTION, "Déposer d'autres bilans, suivre la couverture", ":material/inbox:")
