"""The trames (DOMAINE.md §5, FORMAT.md §2.1): the workbooks a landlord sends to réservataires, EPCI/EPT and the
État, their registry, and the ZIP archive of all of them.

One module per trame (:mod:`.reservataire`, :mod:`.epci`, :mod:`.etat`, :mod:`.previsionnel`), each with a
``lister(bilan, options)`` returning lazy :class:`RapportPrevu`; :data:`GENRES` lists them once. The receiving
side's trame (:mod:`.consolidation`) lists its workbooks from a Consolidation (:data:`GENRES_DESTINATAIRE`). Every figure is
read from a :class:`~flux_dash.calculs.Bilan`; Excel hygiene is :mod:`flux_dash.excel`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import io
import multiprocessing
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.rapports import consolidation, epci, etat, previsionnel, reservataire
from flux_dash.rapports.commun import OptionsRapports, RapportPrevu


@dataclass(frozen=True)
class Genre:
    """One kind of trame: its code, French label, archive folder and the function listing its workbooks."""

    code: str
    libelle: str
    dossier: str
    lister: Callable[..., list[RapportPrevu]]
    """``lister(bilan, options)`` for the landlord's trames; ``lister(consolidation, options)`` for the receiver's."""
    cout: float = 1.0
    """Relative cost of one workbook (CPU per workbook measured by ``benchmarks.etapes`` at 300 000 logements, a
    réservataire's = 1): a pool of processes starts with the costliest, so that no big one is left for the end."""


GENRES: tuple[Genre, ...] = (
    Genre(reservataire.GENRE, "Bilans réservataires", reservataire.DOSSIER, reservataire.lister, 1.0),
    Genre(epci.GENRE, "Bilans consolidés EPCI / EPT", epci.DOSSIER, epci.lister, 2.5),
    Genre(etat.GENRE, "Bilans État (par département)", etat.DOSSIER, etat.lister, 5.3),
    Genre(previsionnel.GENRE, "Prévisionnels réservataires", previsionnel.DOSSIER, previsionnel.lister, 0.6),
)
"""The registry of trames, in archive order."""

GENRES_DESTINATAIRE: tuple[Genre, ...] = (
    Genre(consolidation.GENRE, "Consolidations de territoire", consolidation.DOSSIER, consolidation.lister),
)
"""The receiving side's trames (FORMAT.md §3.2), listed from a :class:`~flux_dash.consolidation.Consolidation`."""


def lister_rapports(bilan: Bilan, options: OptionsRapports | None = None) -> list[RapportPrevu]:
    """Every workbook to send, genre by genre (:data:`GENRES` order); nothing is built until ``construire()``."""
    options = options or OptionsRapports()
    return [prevu for genre in GENRES for prevu in genre.lister(bilan, options)]


def lister_consolidations(co, options=None) -> list[RapportPrevu]:
    """Every workbook of a consolidation (one per territory), lazily, :data:`GENRES_DESTINATAIRE` order."""
    return [prevu for genre in GENRES_DESTINATAIRE for prevu in genre.lister(co, options)]


def nom_archive(bilan: Bilan, options: OptionsRapports | None = None) -> str:
    """``flux_{n}_{slug_bailleur}.zip`` (FORMAT.md §2.1); ``bailleur`` when no name is given."""
    options = options or OptionsRapports()
    return f"flux_{bilan.annee}_{ref.slug(options.bailleur or 'bailleur')}.zip"


def nom_indicateurs(bilan: Bilan) -> str:
    return f"indicateurs_{bilan.annee}.csv"


def archiver(fichiers: dict[str, bytes]) -> bytes:
    """An in-memory ZIP of ``{path in archive: content}``, entries sorted by path (deterministic order), all dated
    with the time of the call, every entry deflated — workbooks included: although each is already a ZIP, deflating
    them again makes the archive 11 % smaller (13,3 → 11,9 Mo for 312 workbooks at 300 000 logements) for 0,2 s of
    CPU."""
    horodatage = dt.datetime.now().timetuple()[:6]
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for chemin in sorted(fichiers):
            info = zipfile.ZipInfo(chemin, date_time=horodatage)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, fichiers[chemin])
    return tampon.getvalue()


def construire_classeurs(
    bilan: Bilan,
    options: OptionsRapports | None = None,
    progression: Callable[[int, int, RapportPrevu], None] | None = None,
    processus: int = 1,
    prevus: Sequence[RapportPrevu] | None = None,
    autres: dict[str, Callable[[], bytes]] | None = None,
) -> dict[str, bytes]:
    """Every workbook of :func:`lister_rapports`, ``{path in archive: bytes}`` in listing order: the one place a
    batch of trames is built (command line, archive, application).

    The batch has one generation date (``options.genere_le``, else now): every Paramètres sheet, footer and
    document property of the batch shows it. ``processus`` > 1 builds the workbooks in that many forked worker
    processes (the command line: one per core); the bytes are those of a sequential build. Never more than 1
    inside a server (the Streamlit application): forking a process that runs threads is unsafe. Where ``fork``
    does not exist (Windows) the build is sequential. ``progression(i, total, prevu)`` is called after each
    workbook, in listing order. ``prevus``: the listing to build, already made by the caller (the application
    reuses the workbooks it built for single downloads; its options carry the batch's date); default
    :func:`lister_rapports`. ``autres``: other files of the batch, ``{path: builder}`` (``indicateurs_{n}.csv``),
    built first, by the same workers, and placed first in the result.
    """
    options = options or OptionsRapports()
    if options.genere_le is None:
        options = dataclasses.replace(options, genere_le=dt.datetime.now().replace(microsecond=0))
    prevus = list(prevus) if prevus is not None else lister_rapports(bilan, options)
    autres = autres or {}
    taches = [*autres.values(), *(prevu.construire for prevu in prevus)]
    processus = min(processus, len(taches))
    if processus > 1 and "fork" in multiprocessing.get_all_start_methods():
        cout = {genre.code: genre.cout for genre in GENRES}
        # The other files first, then the costliest workbooks (stable: listing order within a genre).
        ordre = [*range(len(autres))] + sorted(
            range(len(autres), len(taches)), key=lambda i: -cout.get(prevus[i - len(autres)].genre, 1.0)
        )
        contenus = _construire_en_parallele(taches, processus, ordre)
    else:
        contenus = (tache() for tache in taches)
    fichiers: dict[str, bytes] = {}
    chemins = [*autres, *(prevu.chemin_archive for prevu in prevus)]
    for i, (chemin, contenu) in enumerate(zip(chemins, contenus, strict=True), start=1 - len(autres)):
        fichiers[chemin] = contenu
        if progression and i > 0:
            progression(i, len(prevus), prevus[i - 1])
    return fichiers


_TACHES: list[Callable[[], bytes]] = []
"""The batch being built by the worker processes: set before they are forked, so that each inherits it (the
lazy builders are closures over the Bilan: sent by the fork, never pickled)."""


def _construire_en_parallele(taches: list[Callable[[], bytes]], processus: int, ordre: list[int]):
    """The tasks' results in their order, built by ``processus`` forked workers in the order ``ordre`` (one task
    at a time per worker: the next goes to the first worker free); each result is yielded as soon as every task
    before it is done."""
    global _TACHES
    _TACHES = taches
    # The parent's objects moved out of the collector's reach: a worker's garbage collection would otherwise write
    # to every inherited object and copy all their memory pages (copy-on-write).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processus) as pool:
            prets: dict[int, bytes] = {}
            suivant = 0
            for i, contenu in zip(ordre, pool.imap(_construire_un, ordre), strict=True):
                prets[i] = contenu
                while suivant in prets:
                    yield prets.pop(suivant)
                    suivant += 1
    finally:
        gc.unfreeze()
        _TACHES = []


def _construire_un(i: int) -> bytes:
    return _TACHES[i]()


def construire_archive(
    bilan: Bilan,
    options: OptionsRapports | None = None,
    progression: Callable[[float, str], None] | None = None,
    processus: int = 1,
    prevus: Sequence[RapportPrevu] | None = None,
) -> bytes:
    """Every workbook in its folder, plus ``indicateurs_{n}.csv`` (FORMAT.md §2.2), as ZIP bytes.

    ``progression(fraction, message)`` is called after each file with increasing fractions, the last one 1.0;
    ``processus``, ``prevus``: see :func:`construire_classeurs` (the application: 1, and its own listing).
    """
    from flux_dash.indicateurs_csv import ecrire_indicateurs_csv

    def suivre(i: int, total: int, prevu: RapportPrevu) -> None:
        if progression:
            progression(i / (total + 1), f"Classeur {i} sur {total} : {prevu.nom_fichier}")

    bailleur = (options or OptionsRapports()).bailleur
    indicateurs = {nom_indicateurs(bilan): lambda: ecrire_indicateurs_csv(bilan, bailleur=bailleur)}
    fichiers = construire_classeurs(bilan, options, suivre, processus, prevus, autres=indicateurs)
    if progression:
        progression(1.0, f"Indicateurs écrits : {nom_indicateurs(bilan)}")
    return archiver(fichiers)


__all__ = [
    "GENRES",
    "GENRES_DESTINATAIRE",
    "Genre",
    "OptionsRapports",
    "RapportPrevu",
    "archiver",
    "construire_archive",
    "construire_classeurs",
    "lister_consolidations",
    "lister_rapports",
    "nom_archive",
]
