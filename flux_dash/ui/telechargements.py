"""The Rapports page's widgets: the report options (restored across pages), the ZIP of every report, and one
download button per workbook, grouped by kind and searchable.

What is pure (options, grouping, the count sentence) is in :mod:`flux_dash.ui.publication`; the builders and their
registry in :mod:`flux_dash.rapports` (called through the module: a test can replace ``construire_archive``).
Every builder call is wrapped: a failure is a French message and a server-side log entry, never a traceback.
"""

from __future__ import annotations

import logging

import streamlit as st

from flux_dash import formats
from flux_dash import rapports as trames
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.rapports import OptionsRapports
from flux_dash.ui import etat
from flux_dash.ui import publication as pub
from flux_dash.ui.affichage import echapper

journal = logging.getLogger(__name__)

COLONNES_BOUTONS = 3
"""Download buttons per row: a long list of recipients stays on one screen."""
RAPPORTS_SANS_RECHERCHE = 12
"""Up to this many reports, no search box and every group open."""
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


AVERTISSEMENT_SANS_NOM = (
    "Indiquez le nom du bailleur avant de télécharger : sans lui, les rapports portent « Bailleur : non renseigné »."
)


def choisir_options(bilan: Bilan, fichiers: list[tuple[str, str]] | tuple = ()) -> OptionsRapports:
    """The « Options des rapports » expander (landlord, EPCI « LEC » / EPT recipients, small-cell masking); returns
    the options and stores them in ``etat``. ``fichiers``: the source files (name, sha256) printed on the reports."""
    sans_nom = not etat.nom_bailleur().strip()
    # asked before the first download: otherwise every trame prints « Bailleur : non renseigné »
    with st.expander("Options des rapports", expanded=sans_nom, icon=":material/settings:"):
        etat.initialiser_widget(etat.CLE_BAILLEUR_RAPPORTS, etat.nom_bailleur())
        nom = st.text_input(
            "Nom du bailleur",
            key=etat.CLE_BAILLEUR_RAPPORTS,
            max_chars=120,
            placeholder="par exemple : Habitat du Val",
            help="Imprimé sur chaque rapport et repris dans le nom des fichiers téléchargés.",
        )
        etat.definir_nom_bailleur(nom)
        if not nom.strip():
            st.warning(AVERTISSEMENT_SANS_NOM, icon=":material/badge:")
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
            "Masquer les petits effectifs (1 à 4 affichés « < 5 ») dans les bilans consolidés diffusés au-delà du "
            "réservataire",
            key=etat.CLE_MASQUER,
        )
    options = pub.options_rapports(etat.nom_bailleur(), lec, masquer, fichiers)
    etat.definir_options_rapports(options)
    return options


def preparer_archive(bilan: Bilan, options: OptionsRapports) -> None:
    """The « Préparer l'archive » button (with a progress bar), then the ZIP's download button once it is built for
    these data, year and options (kept in ``etat`` until one of them changes)."""
    cle = (etat.jeton(), etat.annee(), options)
    if st.button("Préparer l'archive de tous les rapports", icon=":material/archive:"):
        barre = st.progress(0.0, text="Préparation…")
        try:
            octets = trames.construire_archive(
                bilan, options, lambda f, texte: barre.progress(min(max(float(f), 0.0), 1.0), text=str(texte))
            )
            etat.definir_archive(cle, octets)
            barre.progress(1.0, text="Archive prête.")
        except Exception:
            journal.exception("construire_archive")
            st.error(
                "L'archive n'a pas pu être construite (erreur interne de l'outil, consignée dans le journal du serveur)."
            )
    archive = etat.archive()
    if archive is not None and archive[0] == cle:
        st.download_button(
            f"Télécharger {trames.nom_archive(bilan, options)}",
            data=archive[1],
            file_name=trames.nom_archive(bilan, options),
            mime="application/zip",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
            key="archive_zip",
        )


def lister_ou_arreter(bilan: Bilan, options: OptionsRapports) -> list[trames.RapportPrevu]:
    """Every report of the bilan; stops the page with a French message when the list cannot be made."""
    try:
        return trames.lister_rapports(bilan, options)
    except Exception:
        journal.exception("lister_rapports")
        st.error(
            "La liste des rapports n'a pas pu être établie (erreur interne de l'outil, consignée dans le journal du "
            "serveur)."
        )
        st.stop()


def afficher_rapports(rapports: list[trames.RapportPrevu]) -> None:
    """A search box (over :data:`RAPPORTS_SANS_RECHERCHE` reports), the count, then one expander per kind with a
    download button per recipient (the workbook is built on click)."""
    recherche = (
        st.text_input("Rechercher un destinataire", placeholder="nom, commune, département…")
        if len(rapports) > RAPPORTS_SANS_RECHERCHE
        else ""
    )
    groupes = pub.grouper_rapports(rapports, recherche)
    trouves = sum(len(liste) for liste in groupes.values())
    st.caption(echapper(pub.compte_rapports(trouves, len(rapports), recherche)))  # user text: escaped
    for genre, liste in groupes.items():
        with st.expander(f"{genre} ({formats.nombre(len(liste))})", expanded=trouves <= RAPPORTS_SANS_RECHERCHE):
            colonnes = st.columns(COLONNES_BOUTONS)
            for i, r in enumerate(liste):
                colonnes[i % COLONNES_BOUTONS].download_button(
                    echapper(r.destinataire),  # a button label is markdown: user text is escaped
                    data=r.construire,
                    file_name=r.nom_fichier,
                    mime=MIME_XLSX,
                    on_click="ignore",
                    key=f"rapport_{genre}_{i}_{r.nom_fichier}",
                    icon=":material/description:",
                    width="stretch",
                )
