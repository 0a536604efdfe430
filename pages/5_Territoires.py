"""Territoires: maps of flux / proposés / attribués by commune, EPCI/EPT or département, and the drill from an
EPCI/EPT to its communes with its consolidated matrix (DOMAINE.md §2, §5.2)."""

import streamlit as st

from flux_dash import graphiques as g
from flux_dash import referentiel as ref
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_carte, tableau, telecharger_tableau
from flux_dash.ui.filtres import afficher_filtres
from flux_dash.ui.gardes import exiger_bilan
from flux_dash.ui.page import preparer_page

preparer_page("Territoires", "🗺️")
bilan = exiger_bilan()
afficher_filtres(reservataires=False)


col1, col2 = st.columns(2)
niveau = col1.radio("Niveau", list(g.NIVEAUX), format_func=g.NIVEAUX.get, horizontal=True, key=etat.CLE_NIVEAU_CARTE)
indicateur = col2.radio(
    "Chiffre",
    list(g.INDICATEURS_CARTE),
    format_func=g.INDICATEURS_CARTE.get,
    horizontal=True,
    key=etat.CLE_INDICATEUR_CARTE,
)
afficher_carte(
    etat.agregat(g.tracer_carte, bilan, niveau, indicateur),
    etat.agregat(g.tableau_carte, bilan, niveau, indicateur),
    f"territoires_{niveau.lower()}_{bilan.annee}",
    "carte",
)
st.caption(
    "« Proposés » additionne les logements proposés de chaque réservataire (un logement orienté vers deux "
    "réservataires compte deux fois) ; « Attribués » compte des logements distincts. Les EPCI / EPT et les "
    "départements sont dessinés par leurs communes, colorées avec la valeur du territoire. Les classes de la "
    "carte sont des quantiles : chaque couleur réunit à peu près autant de territoires."
)

st.divider()
st.subheader("Détail d'un EPCI / EPT")
territoires = etat.agregat(g.tableau_territoires, bilan, "EPCI_EPT")
if territoires.empty:
    st.info("Aucun EPCI / EPT dans le périmètre affiché.")
    st.stop()
noms = dict(zip(territoires["Code"], territoires["Territoire"], strict=True))
code = st.selectbox("EPCI / EPT", list(noms), format_func=noms.get, key=etat.CLE_TERRITOIRE_DETAIL)
slug = ref.slug(noms[code])
afficher_carte(
    etat.agregat(g.tracer_carte, bilan, "COMMUNE", indicateur, territoire=code),
    etat.agregat(g.tableau_carte, bilan, "COMMUNE", indicateur, territoire=code),
    f"communes_{slug}_{bilan.annee}",
    "carte_detail",
)

st.markdown("**Bilan consolidé du territoire (tous les réservataires, bailleur compris)**")
matrice = etat.agregat(g.tableau_consolidation, bilan, ("EPCI_EPT", code))
tableau(matrice, pourcentages=g.pourcentages(matrice), cle="tab_consolidation")
telecharger_tableau(matrice, f"consolidation_{slug}_{bilan.annee}", cle="consolidation")
