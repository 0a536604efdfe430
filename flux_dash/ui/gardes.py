"""Early stops: a page that has nothing to show says why in French, links to where to fix it, and stops."""

from __future__ import annotations

import logging
from collections import Counter

import streamlit as st

from flux_dash import formats
from flux_dash.calculs import Bilan
from flux_dash.filtres import Filtres
from flux_dash.problemes import RapportValidation
from flux_dash.ui import etat
from flux_dash.ui.affichage import echapper
from flux_dash.ui.navigation import PAGE_ACCUEIL, PAGE_CONTROLES, lien_page

journal = logging.getLogger(__name__)


def exiger_donnees() -> RapportValidation:
    """The loaded report; with no data, a French notice, a link to the home page, and ``st.stop()``."""
    r = etat.rapport()
    if r is None:
        st.info(
            "Aucune donnée n'est chargée dans cette session. Chargez un fichier (ou les données d'exemple) depuis l'accueil."
        )
        st.page_link(PAGE_ACCUEIL, label="Aller à l'accueil pour charger des données", icon=":material/upload_file:")
        st.stop()
    return r


def regles_principales(r: RapportValidation, nombre: int = 3) -> list[tuple[str, int]]:
    """The most frequent error rules: (rule text, count), most frequent first, ties by rule text."""
    compte = Counter(p.regle for p in r.erreurs)
    return sorted(compte.items(), key=lambda kv: (-kv[1], kv[0]))[:nombre]


def exiger_bilan(complet: bool = False) -> Bilan:
    """The bilan of the loaded data (chosen year; filtered unless ``complet``); stops with a French
    explanation when there is no data, when the data has errors, or when the computation fails."""
    r = exiger_donnees()
    if not r.ok:
        nb = len(r.erreurs)
        st.error(
            f"Le bilan ne peut pas être produit : le fichier contient {formats.nombre(nb)} "
            f"erreur{'s' if nb > 1 else ''} bloquante{'s' if nb > 1 else ''}. Un fichier avec des erreurs n'est "
            "jamais utilisé à moitié : corrigez-les puis rechargez le fichier."
        )
        lignes = [f"- {echapper(regle)} ({formats.nombre(n)} fois)" for regle, n in regles_principales(r)]
        if lignes:
            st.markdown("Erreurs les plus fréquentes :\n" + "\n".join(lignes))
        lien_page(PAGE_CONTROLES, "Voir le détail des contrôles", ":material/fact_check:")
        st.stop()
    try:
        return etat.bilan(Filtres() if complet else None)
    except Exception:
        journal.exception("calcul du bilan")
        st.error(
            "Le calcul du bilan a échoué à cause d'une erreur interne de l'outil (pas de votre fichier). "
            "Le détail technique a été consigné dans le journal du serveur."
        )
        st.stop()
