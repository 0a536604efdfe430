"""The campaign store of this browser session, and the consolidation every receiving page shows.

A session is either in demo mode — its own in-memory :class:`~flux_dash.consolidation.base.Base`, filled with the
fictional landlords' files, never shared with another session — or uses the user's store (its file,
:func:`flux_dash.consolidation.base.chemin_par_defaut`); switching drops everything derived from the other
(:func:`flux_dash.ui.etat.definir_base`). Library failures become French messages, never tracebacks.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.consolidation import Consolidation, Envoi, consolider
from flux_dash.consolidation.base import Base, ErreurBase
from flux_dash.ui import etat

journal = logging.getLogger(__name__)

DEMO, REELLE = "demo", "reelle"
TAILLE_CACHE = 12
"""Consolidations (and lists of territories, and each year's figures read from the store) kept per session
(aggregates only: a few territories or years fit)."""
TYPES_TERRITOIRE = ("EPCI_EPT", "DEPARTEMENT", "REGION")
"""The territories a receiver focuses on (FORMAT.md §3.3), in the order of the selector."""


def base() -> Base | None:
    """The session's store, or None when none is chosen (or the user's file cannot be opened: the French message
    is in :func:`flux_dash.ui.etat.erreur_base`)."""
    mode = etat.mode_base()
    if mode == DEMO:
        return etat.base_demo()
    if mode == REELLE:
        try:
            return Base()
        except ErreurBase as e:
            etat.definir_erreur_base(str(e))
        except Exception:
            journal.exception("ouverture de la base de campagne")
            etat.definir_erreur_base(
                "La base de campagne n'a pas pu être ouverte à cause d'une erreur interne de l'outil ; le détail "
                "technique a été consigné dans le journal du serveur."
            )
    return None


def libelle_base() -> str:
    """What the sidebar says of the store in use."""
    mode = etat.mode_base()
    if mode == DEMO:
        return "Démonstration (en mémoire, propre à cette session)"
    if mode == REELLE:
        return "Ma base de campagne"
    return "Aucune base choisie"


def utiliser_base_reelle() -> None:
    """``on_click`` of « Utiliser ma base de campagne »."""
    etat.definir_cote("territoire")
    etat.definir_base(REELLE)
    base()  # an unusable file is reported at once


def charger_demo() -> None:
    """``on_click`` of the multi-landlord demo: a fresh in-memory store holding the demo landlords' files, read
    as an upload would be (two years, so that Évolution has n−1), and their list of expected landlords on every
    territory they cover."""
    from flux_dash.consolidation.couverture import lire_attendus
    from flux_dash.ui.territoire.demo import attendus_demo, reception_demo
    from flux_dash.ui.territoire.progression import Progression

    etat.definir_cote("territoire")
    memoire = Base.en_memoire()
    etape = Progression()
    try:
        with etape.boite:
            recus = reception_demo(etape)
            etape("base")
            memoire.ajouter(recus.envois)
            attendus, _ = lire_attendus(attendus_demo())
            for annee in memoire.annees():
                for t in territoires_possibles(memoire, annee):
                    memoire.definir_attendus(annee, t, attendus)
    except Exception:
        journal.exception("démo multi-bailleurs")
        etape.terminer(ok=False)
        memoire.fermer()
        etat.definir_base(None)
        etat.definir_erreur_base(
            "La démonstration n'a pas pu être chargée à cause d'une erreur interne de l'outil ; le détail technique "
            "a été consigné dans le journal du serveur."
        )
        return
    # definir_base empties the session's cache: what was read of this store (territories, figures) is put back
    lus = [
        (c, v) for c, v in etat.consolidations().items() if c[0] in ("territoires", "envois") and c[2] == id(memoire)
    ]
    etat.definir_base(DEMO, memoire)
    etat.consolidations().update(lus)
    etape("consolidation")
    with etape.boite:
        precalculer(memoire)
    etape.terminer()


def quitter() -> None:
    """Forget the store of this session (the demo's is closed; the user's file is left as it is)."""
    etat.definir_base(None)


# --- what the store holds ---------------------------------------------------------------------------------------


def depots(b: Base, annee: int | None = None) -> pd.DataFrame:
    """The store's landlords per year (one row per year × landlord)."""
    return b.depots(annee)


def annees(b: Base) -> list[int]:
    return b.annees()


def annee_choisie(b: Base) -> int | None:
    """The year chosen in the sidebar, else the latest the store holds (None when empty)."""
    disponibles = annees(b)
    choisie = etat.annee_territoire()
    if choisie in disponibles:
        return choisie
    return disponibles[-1] if disponibles else None


def envois(b: Base, annee: int) -> list[Envoi]:
    """The store's landlords' figures of ``annee`` (:meth:`Base.envois`), kept in the session's cache while the
    store's landlords of ``annee``, their files and figures do not change: the territories, the consolidation of n
    and that of n+1 (its n−1) read them without reading them back from the store each time."""
    d = b.depots(annee)
    cle = (
        "envois",
        b.chemin,
        id(b) if b.memoire else 0,
        annee,
        *(tuple(d[c]) for c in ("bailleur", "sha256", "empreinte")),
    )
    cache = etat.consolidations()
    if cle not in cache:
        cache[cle] = b.envois(annee)
        _borner(cache)
    cache.move_to_end(cle)
    return list(cache[cle])


def _borner(cache) -> None:
    while len(cache) > TAILLE_CACHE:
        cache.popitem(last=False)


def _presences(b: Base, annee: int) -> dict[tuple[str, str], int]:
    """Territory → how many landlords of ``annee`` have logements there."""
    compte: dict[tuple[str, str], int] = {}
    for e in envois(b, annee):
        t = e.lignes
        t = t[t["perimetre_type"].isin(TYPES_TERRITOIRE) & (t["indicateur"] == "disponibilites")]
        for cle in set(zip(t["perimetre_type"], t["perimetre_code"], strict=True)):
            compte[cle] = compte.get(cle, 0) + 1
    return compte


def territoires_possibles(b: Base, annee: int) -> list[tuple[str, str]]:
    """Every EPCI/EPT, département and the région where a landlord of ``annee`` has logements, sorted by type
    then label; the first is the EPCI/EPT with the most landlords (the default choice). Kept in the session's
    cache while the store's landlords of ``annee`` do not change (reading every landlord's rows costs ~1 s)."""
    cle = _cle_territoires(b, annee)
    cache = etat.consolidations()
    if cle not in cache:
        cache[cle] = _territoires_possibles(b, annee)
    return list(cache[cle])


def _cle_territoires(b: Base, annee: int) -> tuple:
    return ("territoires", b.chemin, id(b) if b.memoire else 0, annee, tuple(b.depots(annee)["empreinte"]))


def _territoires_possibles(b: Base, annee: int) -> list[tuple[str, str]]:
    compte = _presences(b, annee)
    rang = {t: i for i, t in enumerate(TYPES_TERRITOIRE)}
    tries = sorted(compte, key=lambda t: (rang[t[0]], ref.libelle_perimetre(*t)))
    if not tries:
        return []
    premier = max(tries, key=lambda t: (t[0] == tries[0][0], compte[t], -tries.index(t)))
    return [premier, *[t for t in tries if t != premier]]


def libelle_territoire(t: tuple[str, str]) -> str:
    return ref.libelle_perimetre(*t)


# --- the consolidation --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vue:
    """What a receiving page shows: the store's year, the territory, and their consolidation."""

    annee: int
    territoire: tuple[str, str]
    consolidation: Consolidation


def jeton(b: Base, annee: int, territoire: tuple[str, str], attendus: pd.DataFrame | None) -> str:
    """Identifies the store's content for one consolidation: the landlords of n and n−1, their figures'
    fingerprints and their files' sha256 (a file with the same figures is listed in the coverage), the expected
    landlords."""
    h = hashlib.sha256(f"{b.chemin}|{id(b) if b.memoire else ''}|{annee}|{territoire}".encode())
    for a in (annee, annee - 1):
        d = b.depots(a)
        h.update(
            "|".join(
                f"{x}:{y}:{z}" for x, y, z in zip(d["bailleur"], d["empreinte"], d["sha256"], strict=True)
            ).encode()
        )
    if attendus is not None:
        h.update("|".join(attendus["bailleur"]).encode())
    return h.hexdigest()


def consolidation(
    b: Base, annee: int, territoire: tuple[str, str], attendus: pd.DataFrame | None = None
) -> Consolidation:
    """The consolidation of ``annee`` on ``territoire`` (with n−1 when the store holds it), cached in the session
    while the store's content does not change."""
    cle = jeton(b, annee, territoire, attendus)
    cache = etat.consolidations()
    if cle in cache:
        cache.move_to_end(cle)
        return cache[cle]
    c = consolider(
        envois(b, annee),
        annee,
        territoires=[territoire],
        attendus=attendus,
        precedents=envois(b, annee - 1),
        calculs=cache,  # n−1 computed for the year-on-year of n is reused by the consolidation of n−1
    )
    cache[cle] = c
    _borner(cache)
    return c


def precalculer(b: Base) -> None:
    """Compute, into the session's cache, the consolidations the receiving pages will show first: the chosen year
    (else the latest) on the chosen territory (else the default one), and every other year of the store on that
    territory (the Évolution chart). Called right after the demo is loaded or files are dropped — the user is
    already waiting — so that the first visit of each page is a cache hit (issue 9: each page in ≤ 1 s). A failure
    is only logged: the page that needs the consolidation computes it again and shows the French message."""
    try:
        annee = annee_choisie(b)
        if annee is None:
            return
        possibles = territoires_possibles(b, annee)
        if not possibles:
            return
        choisi = etat.territoire()
        territoire = choisi if choisi in possibles else possibles[0]
        for a in [annee, *[a for a in annees(b) if a != annee]]:
            consolidation(b, a, territoire, b.attendus(a, territoire))
    except Exception:
        journal.exception("précalcul des consolidations")
