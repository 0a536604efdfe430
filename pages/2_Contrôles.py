"""Contrôles: the validation report (errors, warnings, informations), filterable and downloadable."""

from __future__ import annotations

import streamlit as st

from flux_dash import formats
from flux_dash.ui import controles as ctl
from flux_dash.ui.affichage import tableau, telecharger_tableau
from flux_dash.ui.gardes import exiger_donnees
from flux_dash.ui.page import preparer_page

preparer_page("Contrôles", "✅")
rapport = exiger_donnees()

titre = ctl.titre_controles(rapport)
if rapport.erreurs:
    st.error(
        f"**{titre}.** Un fichier avec des erreurs n'est jamais utilisé à moitié : corrigez-les puis rechargez le fichier."
    )
else:
    st.success(f"**{titre}.**")

c1, c2, c3 = st.columns(3)
c1.metric("Erreurs", formats.nombre(len(rapport.erreurs)))
c2.metric("Avertissements", formats.nombre(len(rapport.avertissements)))
c3.metric("Informations", formats.nombre(len(rapport.informations)))

tous = ctl.tableau_problemes(rapport)
if tous.empty:
    st.info("Aucun problème relevé dans vos fichiers.")
    st.stop()

st.subheader("Nombre de problèmes par règle")
tableau(ctl.compter_par_regle(tous), ctl.LIBELLES, cle="par_regle")

st.subheader("Détail")
f1, f2, f3, f4 = st.columns([1, 1, 2, 2])
gravites = f1.multiselect("Gravité", list(dict.fromkeys(tous["gravite"])), placeholder="Toutes")
sources = f2.multiselect("Feuille", sorted(set(tous["source"].astype(str))), placeholder="Toutes")
regles = f3.multiselect("Règle", sorted(set(tous["regle"].astype(str))), placeholder="Toutes")
recherche = f4.text_input("Rechercher", placeholder="texte, valeur, colonne…")
choisis = ctl.filtrer_problemes(tous, gravites, sources, regles, recherche)
st.caption(f"{formats.nombre(len(choisis))} ligne{'s' if len(choisis) > 1 else ''} sur {formats.nombre(len(tous))}")
tableau(
    choisis[ctl.COLONNES_AFFICHEES],
    ctl.LIBELLES,
    cle="problemes",
    largeurs=ctl.LARGEURS,
    hauteur_ligne=ctl.HAUTEUR_LIGNE,
    hauteur=min(40 + ctl.HAUTEUR_LIGNE * len(choisis), 8 * ctl.HAUTEUR_LIGNE),
)
telecharger_tableau(choisis, "problemes", ctl.LIBELLES, cle="problemes")
