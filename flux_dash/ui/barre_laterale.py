"""The sidebar every page shares: its side's menu, then what is loaded (files, year, landlord, validation status)."""

from __future__ import annotations

import streamlit as st

from flux_dash import formats
from flux_dash.problemes import RapportValidation
from flux_dash.ui import etat
from flux_dash.ui.affichage import echapper
from flux_dash.ui.navigation import (
    COTE_BAILLEUR,
    COTE_TERRITOIRE,
    PAGE_ACCUEIL,
    PAGE_CONTROLES,
    afficher_menu,
    lien_page,
)


def afficher_barre_laterale(cote: str = COTE_BAILLEUR) -> None:
    """The menu of side ``cote`` and, under it, that side's status block."""
    with st.sidebar:
        afficher_menu(cote)
        st.divider()
        STATUTS[cote]()


def donnees_chargees() -> None:
    """The landlord side's status: loaded files, year n, landlord, validation summary and a link to Contrôles."""
    r = etat.rapport()
    st.markdown("**Données chargées**")
    if r is None:
        st.caption("Aucune donnée chargée.")
        st.page_link(PAGE_ACCUEIL, label="Charger des données", icon=":material/upload_file:")
        return
    for nom in etat.fichiers():
        st.caption(f":material/description: {echapper(nom)}")
    st.caption(f"Année du bilan : **{etat.annee()}**")
    bailleur = etat.nom_bailleur()
    if bailleur:
        st.caption(f"Bailleur : {echapper(bailleur)}")
    st.markdown(statut_validation(r))
    lien_page(PAGE_CONTROLES, "Voir les contrôles", ":material/fact_check:")


def _statut_reception() -> None:
    from flux_dash.ui.territoire.barre import statut_reception

    statut_reception()


STATUTS = {COTE_BAILLEUR: donnees_chargees, COTE_TERRITOIRE: _statut_reception}
"""Each side's status block, drawn under its menu."""


def statut_validation(r: RapportValidation) -> str:
    """One French line: ``✅ Aucune erreur · 3 avertissements`` or ``⛔ 12 erreurs · 3 avertissements``."""
    nb_e, nb_a = len(r.erreurs), len(r.avertissements)
    av = f"{formats.nombre(nb_a)} avertissement{'s' if nb_a > 1 else ''}"
    if nb_e == 0:
        return f":material/check_circle: Aucune erreur · {av}"
    return f":material/block: {formats.nombre(nb_e)} erreur{'s' if nb_e > 1 else ''} · {av}"
