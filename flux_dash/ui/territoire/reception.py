"""The Réception page's widgets: the drop of many files (one line per file), confirmation of replacements, the
expected landlords (typed, pasted or uploaded, kept in the store), and the coverage tracker."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from flux_dash import formats, limites
from flux_dash.consolidation.base import Base, ErreurBase
from flux_dash.consolidation.couverture import lire_attendus
from flux_dash.graphiques import consolidation as gc
from flux_dash.ui import etat
from flux_dash.ui.affichage import afficher_graphique, echapper, tableau
from flux_dash.ui.territoire import depot, session
from flux_dash.ui.territoire.progression import Progression

journal = logging.getLogger(__name__)

COULEUR_MANQUANT = "background-color: #fde2e1"
"""Row highlight of a missing landlord (light red; its status column also says « manquant »)."""
ERREUR_INTERNE = (
    "Les fichiers n'ont pas pu être traités à cause d'une erreur interne de l'outil ; le détail technique a été "
    "consigné dans le journal du serveur."
)


# --- the drop ---------------------------------------------------------------------------------------------------


def _deposer() -> None:
    """``on_change`` of the uploader: read the files, add them to the store, keep the per-file lines."""
    fichiers = [(f.name, f.getvalue()) for f in etat.lire_widget(etat.CLE_DEPOT_TERRITOIRE) or []]
    b = session.base()
    if not fichiers or b is None:
        return
    etape = Progression()
    try:
        with etape.boite:
            etat.definir_reception(depot.deposer(b, fichiers, etape=etape, deja_lus=etat.envois_lus()))
            etat.definir_erreur_base(None)
            etape("consolidation")
            session.precalculer(b)
    except ErreurBase as e:
        etape.terminer(ok=False)
        etat.definir_erreur_base(str(e))
        return
    except Exception:
        journal.exception("dépôt de %s", [n for n, _ in fichiers])
        etape.terminer(ok=False)
        etat.definir_erreur_base(ERREUR_INTERNE)
        return
    etape.terminer()


def _remplacer(bailleur: str, annee: int) -> None:
    b, d = session.base(), etat.reception()
    if b is None or d is None:
        return
    try:
        etat.definir_reception(depot.remplacer(b, d, bailleur, annee))
        session.precalculer(b)
    except ErreurBase as e:
        etat.definir_erreur_base(str(e))


def afficher_depot() -> None:
    """The uploader, the per-file lines of the last drop, and a confirmation button per pending replacement."""
    st.file_uploader(
        "Déposez les bilans reçus des bailleurs : archives ZIP, fichiers indicateurs_{n}.csv ou classeurs .xlsx "
        "produits par flux_dash, autant que vous voulez, mêlés",
        type=["zip", "csv", "xlsx"],
        accept_multiple_files=True,
        key=etat.CLE_DEPOT_TERRITOIRE,
        on_change=_deposer,
    )
    erreur = etat.erreur_base()
    if erreur:
        st.error(erreur)
    d = etat.reception()
    if d is None:
        return
    compte = d.lignes["statut"].value_counts()
    st.caption(
        " · ".join(f"{formats.nombre(int(n))} {s}" for s, n in compte.items()) + " (un fichier par ligne ci-dessous)"
    )
    tableau(d.lignes, depot.LIBELLES, hauteur_ligne=70 if (d.lignes["raison"].str.len() > 60).any() else None)
    for e, p in d.en_attente:
        st.warning(echapper(p.regle[:1].upper() + p.regle[1:]) + ".")
        st.button(
            f"Remplacer les chiffres {e.annee} de {e.bailleur}",
            key=f"remplacer_{e.cle}_{e.annee}",
            on_click=_remplacer,
            args=(e.bailleur, e.annee),
            help="L'ancien fichier est remplacé ; le remplacement est noté dans l'historique de la base avec les deux "
            "empreintes sha256.",
        )


# --- the expected landlords -----------------------------------------------------------------------------------


def _en_texte(attendus: pd.DataFrame) -> str:
    return "\n".join(b + (f" ; {s}" if s else "") for b, s in zip(attendus["bailleur"], attendus["siren"], strict=True))


def lire_texte(texte: str) -> pd.DataFrame:
    """One landlord per line, optionally « nom ; siren » (or a tab, as pasted from a spreadsheet)."""
    lignes = []
    for ligne in texte.splitlines():
        morceaux = [m.strip() for m in ligne.replace("\t", ";").split(";")]
        if morceaux and morceaux[0] and morceaux[0].lower() != "bailleur":
            lignes.append((morceaux[0], morceaux[1] if len(morceaux) > 1 else ""))
    return pd.DataFrame(lignes, columns=["bailleur", "siren"]).drop_duplicates("bailleur").reset_index(drop=True)


def _enregistrer_texte(annee: int, territoire: tuple[str, str]) -> None:
    b = session.base()
    if b is not None:
        b.definir_attendus(annee, territoire, lire_texte(etat.lire_widget(etat.cle_attendus(annee, territoire), "")))


def _televerser_attendus(annee: int, territoire: tuple[str, str]) -> None:
    f = etat.lire_widget(etat.CLE_ATTENDUS_FICHIER)
    b = session.base()
    if f is None or b is None:
        return
    attendus, problemes = lire_attendus((f.name, f.getvalue()))
    if problemes:
        etat.definir_erreur_base(" ".join(f"{p.regle} ({p.source}). {p.conseil}" for p in problemes))
        return
    b.definir_attendus(annee, territoire, attendus)
    etat.definir_widget(etat.cle_attendus(annee, territoire), _en_texte(attendus))


def afficher_attendus(b: Base, annee: int, territoire: tuple[str, str]) -> None:
    """The list of expected landlords of the territory: typed or pasted, or uploaded; saved in the store."""
    cle = etat.cle_attendus(annee, territoire)
    etat.initialiser_widget(cle, _en_texte(b.attendus(annee, territoire)))
    gauche, droite = st.columns([3, 2])
    with gauche:
        st.text_area(
            "Un bailleur par ligne (éventuellement « nom ; siren ») : tapez ou collez la liste",
            key=etat.cle_attendus(annee, territoire),
            height=150,
            max_chars=limites.CARACTERES_LISTE_ATTENDUS,
        )
        st.button(
            "Enregistrer la liste dans la base",
            on_click=_enregistrer_texte,
            args=(annee, territoire),
            icon=":material/save:",
        )
    with droite:
        st.file_uploader(
            "… ou téléversez-la (CSV ou .xlsx avec une colonne « bailleur », éventuellement « siren »)",
            type=["csv", "xlsx"],
            key=etat.CLE_ATTENDUS_FICHIER,
            on_change=_televerser_attendus,
            args=(annee, territoire),
        )


# --- the coverage ------------------------------------------------------------------------------------------------


def _surligner(ligne: pd.Series) -> list[str]:
    return [COULEUR_MANQUANT if ligne["Statut"] == gc.STATUTS["manquant"] else ""] * len(ligne)


def afficher_couverture(vue: session.Vue, nombre_attendus: int) -> None:
    """Expected (``nombre_attendus``, 0 when no list was given) vs received, missing landlords highlighted, each
    landlord's share, the « relance » list."""
    co, territoire = vue.consolidation, vue.territoire
    t = gc.tableau_couverture(co, territoire)
    absents = gc.manquants(co)
    recus = int((t["Statut"] == gc.STATUTS["recu"]).sum())
    c1, c2, c3 = st.columns(3)
    c1.metric("Bilans reçus sur le territoire", formats.nombre(recus))
    c2.metric("Bailleurs attendus", formats.nombre(nombre_attendus) if nombre_attendus else "—")
    c3.metric("Manquants", formats.nombre(len(absents)))
    affiche = formats.formater_tableau(t, pourcentages=("Part des disponibilités",))
    st.dataframe(affiche.style.apply(_surligner, axis=1), hide_index=True, width="stretch")
    if absents:
        st.warning(
            f"{len(absents)} bailleur{'s' if len(absents) > 1 else ''} attendu{'s' if len(absents) > 1 else ''} n'{'ont' if len(absents) > 1 else 'a'} pas envoyé de bilan : liste à copier pour la relance."
        )
        st.code("\n".join(absents), language=None)
    afficher_graphique(gc.tracer_couverture(co, territoire), t, f"couverture_{vue.annee}", "couverture")
    problemes = co.tableau_problemes()
    if len(problemes):
        with st.expander(f"Remarques de la consolidation ({len(problemes)})", icon=":material/info:"):
            tableau(
                problemes[["gravite", "regle", "conseil"]],
                {"gravite": "Gravité", "regle": "Remarque", "conseil": "Conseil"},
            )
