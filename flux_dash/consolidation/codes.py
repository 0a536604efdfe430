"""The problem codes of the receiving side (FORMAT.md §3.1), declared once with their gravity.

Every problem the reader, the checks, the coverage and the store emit is built by :func:`probleme` from a code of
:data:`CODES`, so that a code is never written as a bare string in a second module (house style §14). They join
the validation catalogue when it exists.
"""

from __future__ import annotations

from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION, Gravite, Probleme

TABLE = ""
"""``Probleme.table`` of the receiving side's problems: none (they name the file received, ``source``)."""

CODES: dict[str, tuple[Gravite, str]] = {
    # reading (errors: the file is not used)
    "envoi_introuvable": (ERREUR, "fichier introuvable ou impossible à ouvrir"),
    "envoi_illisible": (ERREUR, "fichier illisible (archive endommagée, encodage inconnu, classeur corrompu)"),
    "envoi_trop_gros": (ERREUR, "fichier ou archive au-delà des limites de lecture"),
    "envoi_vide": (ERREUR, "fichier vide"),
    "envoi_non_flux_dash": (ERREUR, "fichier qui n'est pas un bilan produit par flux_dash"),
    "envoi_donnees_brutes": (ERREUR, "fichier de tours ou de logements d'un bailleur, pas un bilan"),
    "envoi_format_ancien": (ERREUR, "fichier d'indicateurs d'une version antérieure du format (sans bailleur)"),
    "envoi_sans_bailleur": (ERREUR, "fichier sans nom de bailleur"),
    "envoi_plusieurs_bailleurs": (ERREUR, "fichier qui mêle plusieurs bailleurs (fichier déjà consolidé)"),
    "envoi_sans_annee": (ERREUR, "fichier sans année lisible"),
    "envoi_plusieurs_annees": (ERREUR, "fichier qui mêle plusieurs années"),
    "envoi_autre_annee": (ERREUR, "fichier d'une autre année que celle demandée"),
    "envoi_valeur_illisible": (ERREUR, "valeur qui n'est pas un nombre"),
    "envoi_code_inconnu": (ERREUR, "type de périmètre ou catégorie de réservataire inconnus"),
    "envoi_ligne_en_double": (ERREUR, "même chiffre donné deux fois avec deux valeurs dans un fichier"),
    "envoi_bailleur_en_double": (ERREUR, "deux fichiers du même bailleur avec des chiffres différents"),
    # reading (informations)
    "envoi_doublon_fusionne": (INFORMATION, "fichiers du même bailleur aux chiffres concordants, lus ensemble"),
    "envoi_indicateur_ignore": (INFORMATION, "indicateurs ou répartitions inconnus, ignorés"),
    "envoi_archive_partielle": (INFORMATION, "archive : seuls les indicateurs ont été lus"),
    "precedent_autre_annee": (ERREUR, "fichier de l'année précédente (--precedent) d'une autre année que n−1"),
    # checks (warnings: the file is used)
    "envoi_non_reconcilie": (AVERTISSEMENT, "chiffres d'un bailleur qui ne se réconcilient pas"),
    "perimetre_incomplet": (AVERTISSEMENT, "périmètre qu'un fichier reçu ne couvre pas entièrement"),
    "indicateur_incomplet": (INFORMATION, "indicateur non consolidé : un bailleur ne le renseigne pas"),
    # coverage
    "attendus_illisible": (ERREUR, "liste des bailleurs attendus illisible"),
    "bailleur_non_attendu": (INFORMATION, "bailleur reçu absent de la liste des bailleurs attendus"),
    "bailleur_manquant": (AVERTISSEMENT, "bailleur attendu dont aucun fichier n'a été reçu"),
    # store
    "base_deja_presente": (INFORMATION, "fichier déjà présent dans la base"),
    "base_remplacement_requis": (ERREUR, "la base contient déjà d'autres chiffres de ce bailleur pour cette année"),
    "base_remplace": (INFORMATION, "chiffres d'un bailleur remplacés dans la base"),
    "base_retire": (INFORMATION, "chiffres d'un bailleur retirés de la base"),
}
"""Code → (gravity, what it means in one French phrase)."""


def probleme(
    code: str,
    regle: str,
    *,
    source: str = "",
    ligne: int | None = None,
    colonne: str = "",
    valeur: str = "",
    conseil: str = "",
) -> Probleme:
    """A problem of the receiving side; its gravity comes from :data:`CODES` (a ``KeyError`` for an undeclared
    code is a programming error, caught by the tests)."""
    gravite, _ = CODES[code]
    return Probleme(
        gravite, code, regle, table=TABLE, source=source, ligne=ligne, colonne=colonne, valeur=valeur, conseil=conseil
    )
