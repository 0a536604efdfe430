"""Rapports: the indicators CSV, every trame per recipient, and the whole ZIP (FORMAT.md §2)."""

from __future__ import annotations

import logging

import streamlit as st

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.indicateurs_csv import ecrire_indicateurs_csv
from flux_dash.rapports import construire_archive, lister_rapports, nom_archive, nom_indicateurs
from flux_dash.ui import commun, etat
from flux_dash.ui import publication as pub

journal = logging.getLogger(__name__)
COLONNES_BOUTONS = 3
"""Download buttons per row: a long list of recipients stays on one screen."""

commun.preparer_page("Rapports", "📦")
bilan = commun.exiger_bilan(complet=True)
annee = etat.annee()
st.caption(
    f"Rapports du bilan {annee} sur l'ensemble des données chargées (les filtres du tableau de bord ne s'appliquent "
    "pas aux rapports)."
)

# --- Options -------------------------------------------------------------------------------------------
with st.expander("Options des rapports", expanded=False, icon=":material/settings:"):
    etat.initialiser_widget(etat.CLE_BAILLEUR_RAPPORTS, etat.nom_bailleur())
    nom = st.text_input("Nom du bailleur", key=etat.CLE_BAILLEUR_RAPPORTS, max_chars=120)
    etat.definir_nom_bailleur(nom)
    epci = bilan.perimetres[(bilan.perimetres["perimetre_type"] == "EPCI_EPT") & bilan.perimetres["strate"]]
    libelles_epci = dict(zip(epci["perimetre_code"], epci["perimetre_libelle"], strict=True))
    precedentes = etat.options_rapports()
    # Widget keys are dropped when the page is not rendered: restore them from the stored options.
    defaut = (
        precedentes.epci_lec
        if precedentes and precedentes.epci_lec is not None
        else [c for c in libelles_epci if c in set(ref.epci_lec_par_defaut())]
    )
    etat.initialiser_widget(etat.CLE_LEC, [c for c in defaut if c in libelles_epci])
    etat.initialiser_widget(etat.CLE_MASQUER, bool(precedentes and precedentes.masquer_petits_effectifs))
    lec = st.multiselect(
        "EPCI « LEC » et EPT destinataires d'un bilan consolidé",
        list(libelles_epci),
        format_func=lambda c: libelles_epci.get(c, c),
        key=etat.CLE_LEC,
        help="Par défaut : tous les EPT, Paris et les EPCI comptant au moins un QPV.",
    )
    masquer = st.checkbox(
        "Masquer les petits effectifs (1 à 4 affichés « < 5 ») dans les bilans consolidés diffusés au-delà du réservataire",
        key=etat.CLE_MASQUER,
    )
options = pub.options_rapports(etat.nom_bailleur(), lec, masquer, commun.exiger_donnees().fichiers)
etat.definir_options_rapports(options)

# --- Everything at once: the ZIP --------------------------------------------------------------------------
st.subheader("Tous les rapports (ZIP)")
st.caption(
    "Une archive avec un dossier par type de destinataire (reservataires/, epci_ept/, etat/, previsionnels/) "
    f"et le fichier {nom_indicateurs(bilan)}."
)
cle = (etat.jeton(), annee, options)
archive = etat.archive()
if st.button("Préparer l'archive de tous les rapports", icon=":material/archive:"):
    barre = st.progress(0.0, text="Préparation…")
    try:
        octets = construire_archive(
            bilan, options, lambda f, texte: barre.progress(min(max(float(f), 0.0), 1.0), text=str(texte))
        )
        etat.definir_archive(cle, octets)
        archive = etat.archive()
        barre.progress(1.0, text="Archive prête.")
    except Exception:
        journal.exception("construire_archive")
        st.error(
            "L'archive n'a pas pu être construite (erreur interne de l'outil, consignée dans le journal du serveur)."
        )
if archive is not None and archive[0] == cle:
    st.download_button(
        f"Télécharger {nom_archive(bilan, options)}",
        data=archive[1],
        file_name=nom_archive(bilan, options),
        mime="application/zip",
        on_click="ignore",
        icon=":material/download:",
        type="primary",
        key="archive_zip",
    )

# --- Indicators CSV ------------------------------------------------------------------------------------
st.subheader("Indicateurs (CSV)")
st.caption(
    "Un chiffre par ligne (format « long » décrit dans la documentation), pour un tableur ou un outil d'analyse."
)
st.download_button(
    f"Télécharger {nom_indicateurs(bilan)}",
    data=lambda: ecrire_indicateurs_csv(bilan),
    file_name=nom_indicateurs(bilan),
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="indicateurs_csv",
)

# --- One workbook per recipient ------------------------------------------------------------------------
st.subheader("Rapports par destinataire")
try:
    rapports = lister_rapports(bilan, options)
except Exception:
    journal.exception("lister_rapports")
    st.error(
        "La liste des rapports n'a pas pu être établie (erreur interne de l'outil, consignée dans le journal du serveur)."
    )
    st.stop()

recherche = (
    st.text_input("Rechercher un destinataire", placeholder="nom, commune, département…") if len(rapports) > 12 else ""
)
groupes = pub.grouper_rapports(rapports, recherche)
trouves = sum(len(liste) for liste in groupes.values())
st.caption(commun.echapper(pub.compte_rapports(trouves, len(rapports), recherche)))  # user text: escaped
for genre, liste in groupes.items():
    with st.expander(f"{genre} ({formats.nombre(len(liste))})", expanded=trouves <= 12):
        colonnes = st.columns(COLONNES_BOUTONS)
        for i, r in enumerate(liste):
            colonnes[i % COLONNES_BOUTONS].download_button(
                commun.echapper(r.destinataire),  # a button label is markdown: user text is escaped
                data=r.construire,
                file_name=r.nom_fichier,
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                on_click="ignore",
                key=f"rapport_{genre}_{i}_{r.nom_fichier}",
                icon=":material/description:",
                width="stretch",
            )
