"""Réservataires: the figures of one holder per perimeter, its tours and décret breakdowns; a summary of all."""

import streamlit as st

from flux_dash import graphiques as g
from flux_dash import referentiel as ref
from flux_dash.filtres import garder_reservataires
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_graphique, tableau, telecharger_tableau
from flux_dash.ui.filtres import afficher_filtres
from flux_dash.ui.gardes import exiger_bilan
from flux_dash.ui.page import preparer_page

preparer_page("Réservataires", "👥")
bilan = exiger_bilan()
filtres = afficher_filtres()

LUES_D_ABORD = ["Périmètre", "Part du flux", "Taux conventionnel", "Proposés", "Attribués", "Taux de réalisation"]
"""The columns read first (on screen at 1 280 px): the share against the convention, then the counts."""
libelles = g.libelles_reservataires(bilan)
choix = list(garder_reservataires(bilan.reservataires, filtres)["reservataire"])
if not choix:
    st.info("Aucun réservataire ne correspond aux filtres.")
    st.stop()
actifs = g.reservataires_actifs(bilan)
# first visit, or filtered out: open on an active holder
etat.initialiser_widget(etat.CLE_RESERVATAIRE, next((r for r in choix if r in actifs), choix[0]), options=choix)
reservataire = st.selectbox("Réservataire", choix, format_func=lambda r: libelles.get(r, r), key=etat.CLE_RESERVATAIRE)
slug = ref.slug(reservataire)
if reservataire not in actifs:
    st.info(
        "Aucun logement n'a été orienté vers ce réservataire en "
        f"{bilan.annee}{' dans le périmètre retenu par les filtres' if filtres.filtre_logements else ''}."
    )

st.subheader("Chiffres par périmètre")
if filtres.filtre_logements:  # a convention's perimeter, restricted to the logements the filters keep
    st.caption(
        "Chaque périmètre de convention est restreint aux logements retenus par les filtres (rappelés sous le titre) : "
        "les chiffres ne sont pas ceux du périmètre entier."
    )
realisation = etat.agregat(g.tableau_realisation, bilan, reservataire)
tableau(
    realisation.drop(columns="Réservataire"),  # the one chosen above
    pourcentages=g.pourcentages(realisation),
    cle="tab_realisation",
    premieres=LUES_D_ABORD,
    largeurs={"Périmètre": 240},  # « Département – Seine-Saint-Denis (93) » whole
)
telecharger_tableau(realisation, f"realisation_{bilan.annee}_{slug}", cle="realisation")

col1, col2 = st.columns(2)
with col1:
    afficher_graphique(
        etat.agregat(g.tracer_part_flux, bilan, reservataire),
        realisation[["Périmètre", "Flux", "Proposés", "Part du flux", "Taux conventionnel"]],
        f"part_du_flux_{bilan.annee}_{slug}",
        "part_flux",
    )
with col2:
    afficher_graphique(
        etat.agregat(g.tracer_droits_proposes, bilan, reservataire),
        realisation[["Périmètre", "Droits théoriques", "Proposés", "Attribués", "Écart", "Taux de réalisation"]],
        f"droits_{bilan.annee}_{slug}",
        "droits",
    )

st.subheader("Issue des tours")
afficher_graphique(
    etat.agregat(g.tracer_issues_tours, bilan, reservataire),
    etat.agregat(g.tableau_issues_tours, bilan, reservataire),
    f"issues_tours_{bilan.annee}_{slug}",
    "issues",
)

st.subheader("Répartitions du décret (proposés et attribués)")
lignes = bilan.realisation_de(reservataire)
perimetres = list(zip(lignes["perimetre_type"], lignes["perimetre_code"], strict=True))
noms = {
    p: f"{ref.PERIMETRES.libelle(p[0])} – {lib}" for p, lib in zip(perimetres, lignes["perimetre_libelle"], strict=True)
}
perimetre = st.selectbox("Périmètre", perimetres, format_func=noms.get, key=etat.CLE_PERIMETRE_REPARTITION)
if perimetre is not None:
    onglets = st.tabs([ref.DIMENSIONS.libelle(d) for d in ref.DIMENSIONS_DECRET])
    for onglet, dimension in zip(onglets, ref.DIMENSIONS_DECRET, strict=True):
        with onglet:
            afficher_graphique(
                etat.agregat(g.tracer_repartition, bilan, reservataire, dimension, perimetre),
                etat.agregat(g.tableau_repartition, bilan, reservataire, dimension, perimetre),
                f"repartition_{dimension}_{bilan.annee}_{slug}",
                f"rep_{dimension}",
            )

st.subheader("Tous les réservataires (conventions)")
ensemble = etat.agregat(g.tableau_realisation, bilan, parmi=filtres.reservataires)
afficher_graphique(
    etat.agregat(g.tracer_part_flux, bilan, parmi=filtres.reservataires),
    ensemble[["Réservataire", "Périmètre", "Flux", "Proposés", "Part du flux", "Taux conventionnel"]],
    f"part_du_flux_conventions_{bilan.annee}",
    "part_flux_tous",
)
tableau(ensemble, pourcentages=g.pourcentages(ensemble), cle="tab_ensemble", premieres=["Réservataire", *LUES_D_ABORD])
telecharger_tableau(ensemble, f"realisation_{bilan.annee}_tous_reservataires", cle="ensemble")
