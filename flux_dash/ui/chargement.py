"""Loading data into the session: uploaded bytes or the demo set, read once, never written to disk nor kept
(DOMAINE.md §6); another year only redoes that year's checks on the clean tables
(:func:`flux_dash.validation.pour_annee`).

Every library call is wrapped: a failure becomes a French message on the page and a server-side log entry,
never a traceback in the browser. Session state goes through :mod:`flux_dash.ui.etat`'s accessors.
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from flux_dash.regles import ReglesCalcul
from flux_dash.ui import etat

journal = logging.getLogger(__name__)

LIBELLE_DEMO = "Données d'exemple (générées, année 2024)"
"""What the sidebar shows as the "file name" of the demo set."""


def tables_en_csv(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    """The demo's tables as the CSV files a user would upload (``;``, UTF-8), named ``{table}.csv``."""
    return [(f"{nom}.csv", df.to_csv(sep=";", index=False).encode("utf-8")) for nom, df in sorted(tables.items())]


@st.cache_data(show_spinner=False, max_entries=1)
def octets_demo() -> list[tuple[str, bytes]]:
    """The demo set as in-memory CSV files (generated once per server: deterministic, seed 2024)."""
    from flux_dash.demo import generer_demo

    return tables_en_csv(generer_demo())


LIBELLES_ETAPES = {
    "lecture": "Lecture des fichiers…",
    "controles": "Contrôles des données…",
    "bilan": "Calcul du bilan…",
}
"""What the progress box says at each stage of a load (the stages of
:data:`flux_dash.validation.ETAPES_CHARGEMENT`, then the bilan)."""


def charger_fichiers(fichiers: list[tuple[str, bytes]], noms_affiches: list[str] | None = None) -> bool:
    """Read, validate and store ``fichiers`` ((name, bytes) pairs) in the session, then compute the bilan of the
    default year on the whole data (cached as the pages would). True on success.

    A large file takes seconds: a progress box names each stage as it starts (the page is greyed out while a
    callback runs). On failure the French message is stored in ``etat.ERREUR_CHARGEMENT`` (shown by the home
    page) and the previous data stays loaded.
    """
    from flux_dash.filtres import Filtres
    from flux_dash.validation import charger

    boite = st.status(LIBELLES_ETAPES["lecture"], expanded=True)

    def etape(nom: str) -> None:
        boite.update(label=LIBELLES_ETAPES[nom])
        boite.write(LIBELLES_ETAPES[nom])

    try:
        with boite:
            rapport = charger(fichiers, etape=etape)
    except Exception:
        journal.exception("chargement de %s", [n for n, _ in fichiers])
        boite.update(label="Lecture interrompue", state="error", expanded=False)
        etat.definir_erreur_chargement(
            "Le fichier n'a pas pu être lu à cause d'une erreur interne de l'outil. Vérifiez qu'il s'agit bien "
            "d'un classeur .xlsx ou de fichiers CSV au format attendu (téléchargez le modèle de saisie) ; le "
            "détail technique a été consigné dans le journal du serveur."
        )
        return False
    etat.enregistrer_rapport(rapport, noms_affiches or [n for n, _ in fichiers], etat.jeton_octets(fichiers))
    if rapport.ok:  # the bilan the pages show first, computed now: the first page opened is then immediate
        etape("bilan")
        try:
            with boite:
                etat.bilan(Filtres())
        except Exception:  # the pages compute it again and say so; the data stays loaded
            journal.exception("bilan après chargement de %s", [n for n, _ in fichiers])
    boite.update(label="Fichiers lus et contrôlés", state="complete", expanded=False)
    return True


def changer_annee(cle_widget: str) -> None:
    """``on_change`` callback of the year selector: runs before the page, so the sidebar already shows the new
    year's validation status."""
    valeur = etat.lire_widget(cle_widget)
    if valeur is not None:
        etat.definir_annee(int(valeur))
        controler_l_annee()


def controler_l_annee() -> bool:
    """Put the warnings of the chosen year in the report when it holds another year's (FORMAT.md §1.5: some
    warnings depend on year n). True when the report was replaced.

    Only the year's checks run, on the clean tables of the report (:func:`flux_dash.validation.pour_annee`): the
    files are not read again. On failure the previous report stays and a French message is stored.
    """
    annee = etat.annee()
    rapport = etat.rapport()
    if rapport is None or annee == rapport.annee:
        return False
    try:
        from flux_dash.validation import pour_annee

        rapport = pour_annee(rapport, annee)
    except Exception:
        journal.exception("contrôles de l'année %s", annee)
        etat.definir_erreur_chargement(
            f"Les contrôles propres à l'année {annee} n'ont pas pu être refaits (erreur interne de l'outil, consignée "
            "dans le journal du serveur) : ceux affichés valent pour l'année précédemment choisie."
        )
        return False
    etat.remplacer_rapport(rapport)
    return True


def charger_televersement() -> None:
    """``on_change`` callback of the uploader: read the files now in it (an emptied uploader keeps the data)."""
    televerses = etat.lire_widget(etat.CLE_TELEVERSEMENT) or []
    if televerses:
        charger_fichiers([(f.name, f.getvalue()) for f in televerses])


def charger_demo() -> bool:
    """Load the demo set (callback of the « Charger les données d'exemple » button)."""
    try:
        fichiers = octets_demo()
    except Exception:
        journal.exception("génération des données d'exemple")
        etat.definir_erreur_chargement("Les données d'exemple n'ont pas pu être générées (erreur interne).")
        return False
    return charger_fichiers(fichiers, [LIBELLE_DEMO])


def annees_couvertes(tables: dict[str, pd.DataFrame]) -> list[int]:
    """Sorted years n of ``logements.date_disponibilite`` (empty when the column is missing or empty)."""
    logements = tables.get("logements")
    if logements is None or "date_disponibilite" not in logements.columns:
        return []
    return sorted({int(a) for a in ReglesCalcul().annee_de(logements["date_disponibilite"]).dropna()})
