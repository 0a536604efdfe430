"""What the Rapports page needs besides Streamlit: options, grouping and naming (pure, tested).

The report builders live in :mod:`flux_dash.rapports` (another engineer's package). Expected API, adapted to
at run time: ``lister_rapports(bilan, options) -> list[RapportPrevu]`` (``genre``, ``destinataire``,
``nom_fichier``, ``construire() -> bytes``), ``GENRES`` (``code``, ``libelle``) and
``construire_archive(bilan, options, progression) -> bytes``; ``options`` is ``flux_dash.rapports.OptionsRapports``
built from the matching fields of :func:`options_rapports`.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from flux_dash import formats
from flux_dash import referentiel as ref

LIBELLES_GENRES = {
    "reservataire": "Bilans par réservataire",
    "reservataires": "Bilans par réservataire",
    "epci": "Bilans consolidés EPCI / EPT",
    "epci_ept": "Bilans consolidés EPCI / EPT",
    "etat": "Bilans État (par département)",
    "previsionnel": "Prévisionnels",
    "previsionnels": "Prévisionnels",
}
"""French titles of the report kinds (FORMAT.md §2.1 folders); an unknown kind is shown as given."""


def module_rapports() -> ModuleType | None:
    """:mod:`flux_dash.rapports` when it is available with its registry, else None."""
    try:
        module = importlib.import_module("flux_dash.rapports")
    except ImportError:
        return None
    return module if hasattr(module, "lister_rapports") else None


def options_rapports(
    nom_bailleur: str,
    epci_lec: Sequence[str],
    masquer_petits_effectifs: bool,
    fichiers_source: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The user's report options as a plain dict, keyed by the fields of ``flux_dash.rapports.OptionsRapports``."""
    return {
        "bailleur": nom_bailleur.strip(),
        "epci_lec": tuple(sorted(epci_lec)),
        "masquer_petits_effectifs": bool(masquer_petits_effectifs),
        "fichiers_source": tuple((str(n), str(h)) for n, h in fichiers_source),
    }


def libelles_genres(module: ModuleType | None) -> dict[str, str]:
    """Kind code → French title, from the registry ``module.GENRES`` when present, else :data:`LIBELLES_GENRES`."""
    genres = getattr(module, "GENRES", None) if module is not None else None
    if not genres:
        return dict(LIBELLES_GENRES)
    return {str(g.code): str(g.libelle) for g in genres}


def options_pour(module: ModuleType, options: dict[str, Any]) -> Any:
    """``options`` converted to ``module.OptionsRapports`` (matching fields only) when that dataclass exists."""
    classe = getattr(module, "OptionsRapports", None)
    if classe is None or not dataclasses.is_dataclass(classe):
        return options
    noms = {f.name for f in dataclasses.fields(classe)}
    return classe(**{k: v for k, v in options.items() if k in noms})


def grouper_rapports(rapports: Sequence[Any], recherche: str = "", libelles: dict[str, str] | None = None) -> dict[str, list[Any]]:
    """Reports grouped by French kind title (kinds in first-seen order, recipients sorted), optionally
    narrowed to those whose recipient or file name contains ``recherche`` (case and accents ignored)."""
    motif = ref.normaliser_texte(recherche) if recherche.strip() else ""
    groupes: dict[str, list[Any]] = {}
    for r in rapports:
        if motif and motif not in ref.normaliser_texte(f"{r.destinataire} {r.nom_fichier}"):
            continue
        groupes.setdefault((libelles or LIBELLES_GENRES).get(str(r.genre), str(r.genre)), []).append(r)
    return {g: sorted(lst, key=lambda r: (ref.normaliser_texte(str(r.destinataire)), r.nom_fichier)) for g, lst in groupes.items()}


def nom_archive(annee: int, nom_bailleur: str) -> str:
    """FORMAT.md §2.1: ``flux_{n}_{slug_bailleur}.zip``."""
    return f"flux_{annee}_{ref.slug(nom_bailleur.strip() or ref.NOM_BAILLEUR)}.zip"


def nom_indicateurs(annee: int) -> str:
    """FORMAT.md §2.2: ``indicateurs_{n}.csv``."""
    return f"indicateurs_{annee}.csv"


def compte_rapports(trouves: int, total: int, recherche: str = "") -> str:
    """The count above the report list: « 63 rapports au total. », or with a search « 3 rapports sur 63
    correspondent à « Est Ensemble ». » (« Aucun des 63 rapports … » when none)."""
    if not recherche.strip():
        return f"{formats.nombre(total)} rapport{'s' if total > 1 else ''} au total."
    motif = f"« {recherche.strip()} »"
    if trouves == 0:
        return f"Aucun des {formats.nombre(total)} rapports ne correspond à {motif}."
    verbe = "correspondent" if trouves > 1 else "correspond"
    return f"{formats.nombre(trouves)} rapport{'s' if trouves > 1 else ''} sur {formats.nombre(total)} {verbe} à {motif}."
