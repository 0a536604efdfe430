"""What the Rapports page needs besides Streamlit: options, grouping and counting (pure, tested).

The report builders and their registry live in :mod:`flux_dash.rapports` (``GENRES`` holds the French title of
each kind, once); this module only adapts the user's choices to them.
"""

from __future__ import annotations

from collections.abc import Sequence

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.rapports import GENRES, OptionsRapports, RapportPrevu

LIBELLES_GENRES = {g.code: g.libelle for g in GENRES}
"""Kind code → French title, from the registry."""


def options_rapports(
    nom_bailleur: str,
    epci_lec: Sequence[str],
    masquer_petits_effectifs: bool,
    fichiers_source: Sequence[tuple[str, str]] = (),
) -> OptionsRapports:
    """The user's report options (names trimmed, EPCI list sorted so that equal choices give equal options)."""
    return OptionsRapports(
        bailleur=nom_bailleur.strip(),
        epci_lec=tuple(sorted(epci_lec)),
        masquer_petits_effectifs=bool(masquer_petits_effectifs),
        fichiers_source=tuple((str(n), str(h)) for n, h in fichiers_source),
    )


def grouper_rapports(rapports: Sequence[RapportPrevu], recherche: str = "") -> dict[str, list[RapportPrevu]]:
    """Reports grouped by French kind title (registry order, recipients sorted), optionally narrowed to those
    whose recipient or file name contains ``recherche`` (case and accents ignored)."""
    motif = ref.normaliser_texte(recherche) if recherche.strip() else ""
    groupes: dict[str, list[RapportPrevu]] = {}
    for r in rapports:
        if motif and motif not in ref.normaliser_texte(f"{r.destinataire} {r.nom_fichier}"):
            continue
        groupes.setdefault(LIBELLES_GENRES.get(str(r.genre), str(r.genre)), []).append(r)
    return {
        g: sorted(lst, key=lambda r: (ref.normaliser_texte(str(r.destinataire)), r.nom_fichier))
        for g, lst in groupes.items()
    }


def compte_rapports(trouves: int, total: int, recherche: str = "") -> str:
    """The count above the report list: « 63 rapports au total. », or with a search « 3 rapports sur 63
    correspondent à « Est Ensemble ». » (« Aucun des 63 rapports … » when none)."""
    if not recherche.strip():
        return f"{formats.nombre(total)} rapport{'s' if total > 1 else ''} au total."
    motif = f"« {recherche.strip()} »"
    if trouves == 0:
        return f"Aucun des {formats.nombre(total)} rapports ne correspond à {motif}."
    verbe = "correspondent" if trouves > 1 else "correspond"
    return (
        f"{formats.nombre(trouves)} rapport{'s' if trouves > 1 else ''} sur {formats.nombre(total)} {verbe} à {motif}."
    )
