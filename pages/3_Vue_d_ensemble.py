"""Vue d'ensemble: key figures of the (filtered) scope, flux reconciliation, monthly trends, reconciliation checks."""

import streamlit as st

from flux_dash import formats
from flux_dash import graphiques as g
from flux_dash.series import compter_par_mois
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_graphique, tableau, telecharger_tableau
from flux_dash.ui.filtres import afficher_filtres
from flux_dash.ui.gardes import exiger_bilan
from flux_dash.ui.page import preparer_page

preparer_page("Vue d'ensemble", "📊")
bilan = exiger_bilan()
filtres = afficher_filtres(reservataires=False)  # restates the active filters under the title

st.caption(
    f"Bilan de l'année {bilan.annee} · "
    + ("logements retenus par les filtres." if filtres.actifs else "tous les logements du fichier (Île-de-France).")
)

AIDES = {
    "disponibilites": "Logements libérés dans l'année (date de disponibilité en année n), loués ou non.",
    "soustraits": "Disponibilités retirées du flux : mutations internes, relogements (renouvellement urbain, "
    "copropriétés dégradées, habitat indigne, vente) et autres cas prévus par le cadrage local.",
    "flux": "Disponibilités moins soustraits : les logements à répartir entre les réservataires.",
    "proposes": "Logements orientés vers chaque réservataire (un logement orienté vers deux réservataires compte deux fois).",
    "attribues": "Logements attribués par la CALEOL dans l'année (logements distincts).",
}
chiffres = g.chiffres_cles(bilan)
ligne1, ligne2 = st.columns(3), st.columns(3)
for colonne, (cle, libelle) in zip(
    [*ligne1, *ligne2[:2]],
    [
        ("disponibilites", "Disponibilités"),
        ("soustraits", "Soustraits"),
        ("flux", "Flux annuel"),
        ("proposes", "Logements proposés"),
        ("attribues", "Logements attribués"),
    ],
    strict=True,
):
    colonne.metric(libelle, formats.nombre(chiffres[cle]), border=True, help=AIDES.get(cle))
ligne2[2].metric(
    "Taux de transformation",
    formats.pourcentage(chiffres["taux_transformation"]),
    border=True,
    help="Logements attribués ÷ logements proposés (somme des réservataires).",
)
st.caption(
    "« Logements proposés » additionne les logements proposés de chaque réservataire : un logement orienté "
    "vers deux réservataires compte deux fois."
)

afficher_graphique(
    etat.agregat(g.tracer_reconciliation_flux, bilan),
    etat.agregat(g.tableau_reconciliation_flux, bilan),
    f"reconciliation_flux_{bilan.annee}",
    "reconciliation",
)

series = etat.agregat(compter_par_mois, etat.tables_filtrees(), bilan.annee)
afficher_graphique(
    etat.agregat(g.tracer_tendances_mensuelles, series),
    etat.agregat(g.tableau_tendances_mensuelles, series),
    f"evolution_mensuelle_{bilan.annee}",
    "mensuel",
)
st.caption(
    "Orientations : tours datés du mois sur des logements non soustraits (un logement orienté deux fois compte "
    "deux tours). Attributions : logements non soustraits attribués, à la date de la décision de la CALEOL."
)

st.subheader("Contrôles de cohérence des chiffres")
controles = etat.agregat(bilan.reconciliation)
echecs = controles[~controles["ok"].astype(bool)]
if echecs.empty:
    st.success(f"Les {formats.nombre(len(controles))} contrôles de cohérence sont vérifiés : les totaux se recoupent.")
else:
    st.error(f"{formats.nombre(len(echecs))} contrôle(s) de cohérence en échec sur {formats.nombre(len(controles))}.")
    libelles_controles = {
        "controle": "Contrôle",
        "perimetre": "Périmètre",
        "attendu": "Attendu",
        "obtenu": "Obtenu",
        "ok": "Vérifié",
    }
    tableau(echecs, libelles_controles, cle="tab_controles")
    telecharger_tableau(echecs, f"controles_en_echec_{bilan.annee}", libelles_controles, cle="controles")
