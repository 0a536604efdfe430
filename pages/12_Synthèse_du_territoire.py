"""Synthèse du territoire: key figures (with the number of landlords behind them), the flux reconciliation, the
matrix of categories and réservataires × figures with its total row, and the figures by commune — all landlords
together, on the territory chosen in the sidebar (FORMAT.md §3.3)."""

from __future__ import annotations

import streamlit as st

from flux_dash import formats
from flux_dash.graphiques import consolidation as gc
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_carte, afficher_graphique, tableau, telecharger_tableau
from flux_dash.ui.navigation import COTE_TERRITOIRE
from flux_dash.ui.page import preparer_page
from flux_dash.ui.territoire.gardes import exiger_vue
from flux_dash.ui.territoire.session import libelle_territoire

preparer_page("Synthèse du territoire", "📊", COTE_TERRITOIRE)
vue = exiger_vue()
co, territoire = vue.consolidation, vue.territoire
libelle = libelle_territoire(territoire)

chiffres = gc.chiffres_cles(co, territoire)
if not chiffres:
    st.info(f"Aucun bailleur de la base ne donne de chiffres {vue.annee} sur {libelle}.")
    st.stop()
total = gc.chiffres_proposes(co, territoire)
n = int(chiffres["nombre_bailleurs"])
st.caption(
    f"{libelle}, bilans {vue.annee} : chiffres de {formats.nombre(n)} bailleur{'s' if n > 1 else ''} ensemble "
    "(voir la couverture sur la page Réception)."
)
colonnes = st.columns(5)
for colonne, (titre, valeur) in zip(
    colonnes,
    [
        ("Disponibilités", chiffres["disponibilites"]),
        ("Soustraits", chiffres["soustraits"]),
        ("Flux annuel", chiffres["flux"]),
        ("Proposés", total["logements_proposes"]),
        ("Attribués", chiffres["logements_attribues"]),
    ],
    strict=True,
):
    colonne.metric(titre, formats.nombre(valeur), help=f"Somme des {formats.nombre(n)} bailleurs.")

st.subheader("Réconciliation du flux")
afficher_graphique(
    gc.tracer_reconciliation(co, territoire),
    gc.tableau_reconciliation(co, territoire),
    f"reconciliation_{vue.annee}",
    "reconciliation",
)

st.subheader("Réservataires : catégories et réservataires × chiffres")
matrice = gc.tableau_matrice(co, territoire)
tableau(
    matrice,
    pourcentages=[c for c in matrice.columns if c.startswith(("Part", "Taux"))],
    decimales={"Droits théoriques": 1},
    largeurs=gc.LARGEURS_MATRICE,
)
telecharger_tableau(matrice, f"matrice_{vue.annee}", cle="matrice")

st.subheader("Par commune")
choix = gc.INDICATEURS_CARTE
etat.initialiser_widget(etat.CLE_CARTE_TERRITOIRE, "flux", list(choix))
indicateur = st.radio(
    "Chiffre cartographié", list(choix), format_func=choix.get, key=etat.CLE_CARTE_TERRITOIRE, horizontal=True
)
afficher_carte(
    gc.tracer_communes(co, territoire, indicateur),
    gc.tableau_communes(co, territoire, indicateur),
    f"communes_{vue.annee}",
    "carte",
)
