"""Last year's output on the home page (issue 10 item 6, the application's ``flux-dash bilan … --precedent``): the
landlord drops the ZIP or the ``indicateurs_{n−1}.csv`` flux_dash wrote last year; every trame then gains an
« Évolution » sheet (:attr:`flux_dash.rapports.OptionsRapports.precedent`).

The file is read with the library (:func:`flux_dash.consolidation.precedent.lire_precedent`), once per file and
year (:func:`flux_dash.ui.etat.agregat`); a file that cannot serve (unreadable, not a flux_dash output, another
year, several landlords, another landlord than the one named) is a French message and the trames stay as they
are — never a traceback. The bytes stay in the session (:data:`flux_dash.ui.etat.PRECEDENT`), never on disk.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import streamlit as st

from flux_dash import limites
from flux_dash.problemes import ERREUR
from flux_dash.ui import etat
from flux_dash.ui.affichage import echapper

if TYPE_CHECKING:
    from flux_dash.calculs import Bilan
    from flux_dash.consolidation.envoi import Envoi
    from flux_dash.consolidation.precedent import Comparaison

journal = logging.getLogger(__name__)


def conseil(annee: int) -> str:
    return (
        f"Déposez l'archive ZIP ou le fichier indicateurs_{annee - 1}.csv que flux_dash a produits pour votre "
        f"bilan {annee - 1}."
    )


def _lire(fichier: tuple[str, bytes], annee: int) -> tuple[Envoi | None, str | None]:
    """(last year's figures, None) or (None, the French message saying why the file cannot serve)."""
    nom = fichier[0]
    try:
        from flux_dash.consolidation.precedent import lire_precedent

        envoi, problemes = lire_precedent(fichier, annee)
    except Exception:
        journal.exception("lecture du fichier de l'année précédente %s", nom)
        return None, (
            f"« {nom} » n'a pas pu être lu (erreur interne de l'outil, consignée dans le journal du serveur). "
            f"{conseil(annee)}"
        )
    if envoi is not None:
        return envoi, None
    raisons = "; ".join(dict.fromkeys(p.regle for p in problemes if p.gravite == ERREUR)) or "fichier illisible"
    return None, f"« {nom} » ne peut pas servir d'année précédente : {raisons}. {conseil(annee)}"


def lire(annee: int) -> tuple[Envoi | None, str | None]:
    """Last year's figures for the bilan of ``annee`` (None, None without a file), read once per file and year."""
    fichier = etat.precedent()
    if fichier is None:
        return None, None
    return etat.agregat(_lire, fichier, annee)


def autre_bailleur(envoi: Envoi, nom_bailleur: str) -> str | None:
    """The French message when the file is another landlord's than the one named (None when it is the same, or
    when no name is given: the file's landlord is then used)."""
    from flux_dash.consolidation.contrat import cle_bailleur

    if not nom_bailleur.strip() or cle_bailleur(nom_bailleur) == cle_bailleur(envoi.bailleur):
        return None
    return (
        f"Le fichier de l'année précédente est le bilan {envoi.annee} de « {envoi.bailleur} », pas celui de "
        f"« {nom_bailleur.strip()} » : il n'est pas utilisé. Déposez votre propre bilan {envoi.annee}, ou "
        "corrigez le nom du bailleur."
    )


def etat_precedent(annee: int, nom_bailleur: str) -> tuple[Envoi | None, str | None]:
    """(the usable file's figures, None), or (None, why it is not used), or (None, None) without a file."""
    envoi, message = lire(annee)
    if envoi is None:
        return None, message
    message = autre_bailleur(envoi, nom_bailleur)
    return (None, message) if message else (envoi, None)


def comparaison(bilan: Bilan, nom_bailleur: str) -> Comparaison | None:
    """The bilan beside last year's figures, once per (bilan, file, name); None without a usable file (the
    Rapports page says why with :func:`avertir`)."""
    envoi, _ = etat_precedent(bilan.annee, nom_bailleur)
    if envoi is None:
        return None
    from flux_dash.consolidation.precedent import comparer

    try:
        return etat.agregat(comparer, bilan, envoi, nom_bailleur.strip())
    except Exception:
        journal.exception("comparaison avec l'année précédente")
        st.error(
            "La comparaison avec l'année précédente a échoué (erreur interne de l'outil, consignée dans le journal "
            "du serveur) : les rapports sont produits sans la feuille « Évolution »."
        )
        return None


def _deposer() -> None:
    """``on_change`` of the uploader: keep the file's bytes in a plain key (an emptied uploader removes it)."""
    depose = etat.lire_widget(etat.CLE_PRECEDENT)
    etat.definir_precedent(None if depose is None else (depose.name, depose.getvalue()))


def retirer() -> None:
    """The « Retirer » button (shown once the uploader was emptied by a page change)."""
    etat.definir_precedent(None)


def afficher_depot(annee: int) -> None:
    """Home page: the optional uploader of last year's output and what was read from it."""
    st.markdown(f"**Comparer avec {annee - 1}** (facultatif)")
    st.file_uploader(
        f"Déposez l'archive ZIP ou le fichier indicateurs_{annee - 1}.csv produits par flux_dash pour votre bilan "
        f"{annee - 1} : chaque rapport aura une feuille « Évolution » ({limites.TELEVERSEMENT_MO} Mo au plus)",
        type=None,  # the reader names what a wrong file is, in French
        max_upload_size=limites.TELEVERSEMENT_MO,
        key=etat.CLE_PRECEDENT,
        on_change=_deposer,
    )
    fichier = etat.precedent()
    if fichier is None:
        return
    avertir(annee, etat.nom_bailleur(), succes=True)
    if etat.lire_widget(etat.CLE_PRECEDENT) is not None:  # still in the uploader: its ✕ removes it
        return
    st.button(
        f"Retirer {fichier[0]}", on_click=retirer, icon=":material/delete:", type="tertiary", key="retirer_precedent"
    )


def avertir(annee: int, nom_bailleur: str, succes: bool = False) -> None:
    """The file's state: why it is not used (an error), or with ``succes`` what it is."""
    envoi, message = etat_precedent(annee, nom_bailleur)
    if message:
        st.error(echapper(message), icon=":material/history:")  # file and landlord names: escaped
    elif envoi is not None and succes:
        st.success(
            echapper(
                f"Année précédente : bilan {envoi.annee} de « {envoi.bailleur} » ({etat.precedent()[0]}). Les "
                f"rapports {annee} auront une feuille « Évolution {envoi.annee}-{annee} »."
            ),
            icon=":material/history:",
        )
