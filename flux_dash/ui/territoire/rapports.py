"""The Rapports du territoire page's widgets: building the territory's files (with a progress bar) and their
download buttons. Every byte comes from the library (:mod:`flux_dash.rapports.consolidation`,
:mod:`flux_dash.consolidation.sorties`)."""

from __future__ import annotations

import logging

import streamlit as st

from flux_dash.ui import etat
from flux_dash.ui.territoire.session import Vue

journal = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cle(vue: Vue) -> tuple:
    return (vue.annee, vue.territoire, id(vue.consolidation))


def preparer_fichiers(vue: Vue) -> None:
    """Build the workbook, the consolidated CSV and the coverage CSV, showing the progress."""
    from flux_dash.consolidation import sorties
    from flux_dash.rapports.consolidation import TerritoireInconnu, classeur_consolidation

    co, (pt, pc) = vue.consolidation, vue.territoire
    etapes = [
        (sorties.nom_classeur(co.annee, pt, pc), lambda: classeur_consolidation(co, pt, pc), XLSX),
        (sorties.nom_indicateurs(co.annee), lambda: sorties.ecrire_indicateurs(co), "text/csv"),
        (sorties.nom_couverture(co.annee), lambda: sorties.ecrire_couverture(co), "text/csv"),
    ]
    barre = st.progress(0.0, text="Préparation des fichiers…")
    fichiers = []
    try:
        for i, (nom, construire, mime) in enumerate(etapes):
            barre.progress(i / len(etapes), text=f"Préparation de {nom} ({i + 1} sur {len(etapes)})…")
            fichiers.append((nom, construire(), mime))
    except TerritoireInconnu as e:
        # Son message est français et précis (valeur reçue, types admis) : le montrer tel quel.
        etat.definir_erreur_base(str(e))
        barre.empty()
        return
    except Exception:
        journal.exception("fichiers du territoire %s", vue.territoire)
        etat.definir_erreur_base(
            "Les fichiers n'ont pas pu être préparés à cause d'une erreur interne de l'outil ; le détail technique "
            "a été consigné dans le journal du serveur."
        )
        barre.empty()
        return
    barre.progress(1.0, text="Fichiers prêts.")
    etat.definir_fichiers_territoire(_cle(vue), fichiers)


def afficher_telechargements(vue: Vue) -> None:
    """The download buttons of the files built for this consolidation (nothing before « Préparer »)."""
    erreur = etat.erreur_base()
    if erreur:
        st.error(erreur)
    prets = etat.fichiers_territoire()
    if prets is None or prets[0] != _cle(vue):
        st.caption("Les fichiers sont préparés à la demande (quelques secondes).")
        return
    for nom, octets, mime in prets[1]:
        st.download_button(
            f"Télécharger {nom}",
            data=octets,
            file_name=nom,
            mime=mime,
            on_click="ignore",
            icon=":material/download:",
            key=f"telecharger_{nom}",
        )
