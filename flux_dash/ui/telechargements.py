"""The Rapports page's widgets: the report options (restored across pages), the ZIP of every report, and one
download button per workbook, grouped by kind and searchable.

What is pure (options, grouping, the count sentence) is in :mod:`flux_dash.ui.publication`; the builders and their
registry in :mod:`flux_dash.rapports` (called through the module: a test can replace ``construire_archive``).
Every builder call is wrapped: a failure is a French message and a server-side log entry, never a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st

from flux_dash import formats, limites
from flux_dash import rapports as trames
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.rapports import OptionsRapports
from flux_dash.ui import etat, precedent
from flux_dash.ui import publication as pub
from flux_dash.ui.affichage import echapper
from flux_dash.ui.arriere_plan import Travail

if TYPE_CHECKING:
    from flux_dash.consolidation.precedent import Comparaison

journal = logging.getLogger(__name__)

COLONNES_BOUTONS = 3
"""Download buttons per row: a long list of recipients stays on one screen."""
RAPPORTS_SANS_RECHERCHE = 12
"""Up to this many reports, no search box and every group open."""
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOUTONS_MAX = 80
"""Up to this many reports found, one download button each; beyond, one recipient list and one button per kind
(312 buttons cost 0.55–0.98 s of every rerun at a regional landlord's 300 reports)."""


@dataclass
class Classeurs:
    """The reports of one (bilan, options), listed once per session with one generation date, and the workbooks
    already built (a single download, the archive): each is built once, then reused."""

    prevus: list[trames.RapportPrevu]
    options: OptionsRapports = field(default_factory=OptionsRapports)
    """The options the workbooks are built with (with the batch's generation date)."""
    construits: dict[str, bytes] = field(default_factory=dict)
    """Path in the archive → bytes of the workbooks built so far."""
    _verrou: threading.Lock = field(default_factory=threading.Lock, repr=False)
    """One workbook built at a time: the archive's thread and a download (run by Streamlit in another thread)
    never build the same one twice nor read the bilan's lazy parts together."""

    def construire(self, prevu: trames.RapportPrevu) -> bytes:
        with self._verrou:
            if prevu.chemin_archive not in self.construits:
                self.construits[prevu.chemin_archive] = prevu.construire()
            return self.construits[prevu.chemin_archive]

    def memorises(self) -> list[trames.RapportPrevu]:
        """The listing whose ``construire`` reuses (and records) the built workbooks."""
        return [dataclasses.replace(p, construire=_construire_par(self, p)) for p in self.prevus]


def _construire_par(classeurs: Classeurs, prevu: trames.RapportPrevu) -> Callable[[], bytes]:
    return lambda: classeurs.construire(prevu)


def _lister(bilan: Bilan, cle_options: tuple[OptionsRapports], comparaison: Comparaison | None) -> Classeurs:
    (options,) = cle_options
    options = dataclasses.replace(options, precedent=comparaison)
    if options.genere_le is None:  # one date for the session's batch: single downloads and the archive agree
        options = dataclasses.replace(options, genere_le=dt.datetime.now().replace(microsecond=0))
    resultat = Classeurs(trames.lister_rapports(bilan, options), options)
    resultat.prevus = resultat.memorises()
    return resultat


def classeurs(bilan: Bilan, options: OptionsRapports) -> Classeurs:
    """The reports of the bilan for these options, listed once per (upload, year, options) through
    :func:`etat.agregat` (the bilan is itself cached per upload and year; the options, wrapped in a tuple, are
    compared by value, last year's comparison, itself cached, by identity)."""
    return etat.agregat(_lister, bilan, (dataclasses.replace(options, precedent=None),), options.precedent)


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
            max_chars=limites.CARACTERES_NOM,
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
    comparaison = precedent.comparaison(bilan, etat.nom_bailleur())
    if comparaison is not None:
        st.caption(
            f"Année précédente : chaque rapport a une feuille « Évolution {comparaison.annee_precedente}-"
            f"{comparaison.annee} » (fichier déposé sur l'accueil)."
        )
    else:
        precedent.avertir(bilan.annee, etat.nom_bailleur())
    return dataclasses.replace(options, precedent=comparaison)


BOUTON_ARCHIVE = "Préparer l'archive de tous les rapports"
INTERVALLE_SUIVI = 0.5
"""Seconds between two reads of the archive's progress (the fragment's ``run_every``) while it is built."""
ERREUR_ARCHIVE = (
    "L'archive n'a pas pu être construite (erreur interne de l'outil, consignée dans le journal du serveur)."
)


def preparer_archive(bilan: Bilan, options: OptionsRapports, liste: Classeurs) -> None:
    """The « Préparer l'archive » button, then the ZIP built in a background thread of the server
    (:mod:`flux_dash.ui.arriere_plan`) with its progress bar, then its download button.

    The workbooks already built in the session (single downloads) are reused, the others built by the thread and
    kept for later single downloads. The page stays usable meanwhile, other pages too: the task lives in
    ``etat`` and the page shows it again on return. Other data, year, prévisionnel or options: the task is
    cancelled and the button comes back."""
    cle = etat.cle_archive(options)
    travail = etat.archive()
    if travail is not None and (travail.cle != cle or travail.annule):
        etat.oublier_archive()
        travail = None
    if travail is None:
        if not st.button(BOUTON_ARCHIVE, icon=":material/archive:"):
            return
        travail = lancer_archive(bilan, options, liste, cle)
    _suivre_archive(travail, trames.nom_archive(bilan, options))


def lancer_archive(bilan: Bilan, options: OptionsRapports, liste: Classeurs, cle: tuple) -> Travail:
    """Start building the ZIP of ``liste`` in a background thread, kept in ``etat`` (never a process)."""
    total = len(liste.prevus)
    deja = sum(p.chemin_archive in liste.construits for p in liste.prevus)
    travail = Travail(cle, texte=f"Préparation de {formats.nombre(total)} classeur{'s' if total > 1 else ''}…")
    if deja:
        travail.texte += (
            f" ({formats.nombre(deja)} déjà construit{'s' if deja > 1 else ''}, réutilisé{'s' if deja > 1 else ''})"
        )

    def tache(avancer: Callable[[float, str], None]) -> bytes:
        # module attribute read at call time: a test can replace construire_archive
        return trames.construire_archive(bilan, options, avancer, processus=1, prevus=liste.prevus)

    etat.definir_archive(travail)
    return travail.lancer(tache, ERREUR_ARCHIVE)


def _suivre_archive(travail: Travail, nom: str) -> None:
    """The archive's state, redrawn every :data:`INTERVALLE_SUIVI` seconds while it is built (a fragment: the rest
    of the page is not rerun); once done, one full rerun so that the polling stops."""
    suivi = travail.en_cours

    @st.fragment(run_every=INTERVALLE_SUIVI if suivi else None)
    def suivre() -> None:
        if travail.en_cours:
            # the text names files (markdown): escaped
            st.progress(travail.fraction, text=echapper(f"{travail.texte} — {formats.nombre(travail.duree, 0)} s"))
            st.caption("Vous pouvez consulter les autres pages pendant la préparation : l'archive vous attendra ici.")
            if st.button("Annuler la préparation", icon=":material/cancel:"):
                etat.oublier_archive()
                st.rerun()
            return
        if suivi:  # finished since the page was drawn: redraw it without polling
            st.rerun()
        if travail.erreur:
            st.error(travail.erreur)
            return
        if travail.resultat is None:
            return
        st.download_button(
            f"Télécharger {nom}",
            data=travail.resultat,
            file_name=nom,
            mime="application/zip",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
            key="archive_zip",
        )
        st.caption(f"Archive prête en {formats.nombre(travail.duree, 1)} s.")

    suivre()


def lister_ou_arreter(bilan: Bilan, options: OptionsRapports) -> Classeurs:
    """Every report of the bilan (:func:`classeurs`); stops the page with a French message when the list cannot be
    made."""
    try:
        return classeurs(bilan, options)
    except Exception:
        journal.exception("lister_rapports")
        st.error(
            "La liste des rapports n'a pas pu être établie (erreur interne de l'outil, consignée dans le journal du "
            "serveur)."
        )
        st.stop()


def _libelles(rapports: list[trames.RapportPrevu]) -> list[str]:
    return [echapper(r.destinataire) for r in rapports]  # a button label is markdown: user text is escaped


def afficher_rapports(rapports: list[trames.RapportPrevu]) -> None:
    """A search box (over :data:`RAPPORTS_SANS_RECHERCHE` reports), the count, then one expander per kind with a
    download button per recipient (the workbook is built on click); over :data:`BOUTONS_MAX` reports found, a
    recipient list and one button per kind. Grouping and labels are computed once per listing and search."""
    recherche = (
        st.text_input("Rechercher un destinataire", placeholder="nom, commune, département…")
        if len(rapports) > RAPPORTS_SANS_RECHERCHE
        else ""
    )
    groupes = etat.agregat(pub.grouper_rapports, rapports, recherche)
    trouves = sum(len(liste) for liste in groupes.values())
    st.caption(echapper(pub.compte_rapports(trouves, len(rapports), recherche)))  # user text: escaped
    for genre, liste in groupes.items():
        libelles = etat.agregat(_libelles, liste)
        with st.expander(f"{genre} ({formats.nombre(len(liste))})", expanded=trouves <= RAPPORTS_SANS_RECHERCHE):
            if trouves > BOUTONS_MAX:
                _choisir_un(genre, liste, libelles)
                continue
            colonnes = st.columns(COLONNES_BOUTONS)
            for i, r in enumerate(liste):
                colonnes[i % COLONNES_BOUTONS].download_button(
                    libelles[i],
                    data=r.construire,
                    file_name=r.nom_fichier,
                    mime=MIME_XLSX,
                    on_click="ignore",
                    key=f"rapport_{genre}_{i}_{r.nom_fichier}",
                    icon=":material/description:",
                    width="stretch",
                )


def _choisir_un(genre: str, liste: list[trames.RapportPrevu], libelles: list[str]) -> None:
    """A recipient list (typing in it searches) and the download button of the chosen one."""
    i = st.selectbox(
        "Destinataire",
        range(len(liste)),
        format_func=lambda k: liste[k].destinataire,
        key=f"{etat.PREFIXE_WIDGET}choix_rapport_{genre}",
    )
    i = i if i is not None and i < len(liste) else 0
    r = liste[i]
    st.download_button(
        libelles[i],
        data=r.construire,
        file_name=r.nom_fichier,
        mime=MIME_XLSX,
        on_click="ignore",
        key=f"rapport_{genre}_choisi",
        icon=":material/description:",
    )
