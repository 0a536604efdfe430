"""Header and sheet names: what a user's header or sheet name means in the format (FORMAT.md §1).

This module owns the synonyms users write for the canonical columns of :mod:`flux_dash.colonnes` and for the
table names, the matching of a header to a column (without case, accents, spaces, ``-`` or ``_``, then without
bracketed precisions), the recognition of a table by its sheet name or by its columns, and the header-row score.
"""

from __future__ import annotations

import re

from flux_dash import referentiel as ref
from flux_dash.colonnes import TABLES, Table

# --- Header and sheet synonyms (FORMAT.md §1: names matched without case, accents, spaces, - or _) ---------

SYNONYMES_COLONNES: dict[str, tuple[str, ...]] = {
    # logements
    "id_logement": (
        "identifiant",
        "identifiant_logement",
        "identifiant_du_logement",
        "id",
        "n°_logement",
        "no_logement",
        "n_logement",
        "numero_de_logement",
        "num_logement",
        "numero_logement",
        "ref_logement",
        "reference_logement",
        "logement",
    ),
    "code_commune": (
        "commune",
        "code_insee",
        "insee",
        "code_insee_commune",
        "code_insee_de_la_commune",
        "commune_insee",
    ),
    "qpv": ("en_qpv", "logement_en_qpv", "situe_en_qpv"),
    "code_qpv": ("qpv_code", "code_quartier", "numero_qpv"),
    "typologie": ("type_logement", "typo", "type_de_logement"),
    "financement": ("type_financement", "type_de_financement", "financement_origine", "financement_d'origine"),
    "annee_construction": ("annee", "annee_de_construction", "annee_achevement", "annee_d'achevement"),
    "date_disponibilite": (
        "date_dispo",
        "disponibilite",
        "date_de_disponibilite",
        "date_liberation",
        "date_de_liberation",
    ),
    "origine": ("origine_disponibilite", "origine_de_la_disponibilite"),
    "categorie_soustraction": ("soustraction", "soustrait", "motif_soustraction", "categorie_de_soustraction"),
    # tours
    "numero_tour": (
        "tour",
        "n_tour",
        "no_tour",
        "n°_tour",
        "n°_du_tour",
        "no_du_tour",
        "num_tour",
        "numero_du_tour",
        "numero_de_tour",
        "rang_tour",
    ),
    "reservataire": ("nom_reservataire", "nom_du_reservataire"),
    "date_orientation": ("date_d'orientation", "orientation", "date_mise_a_disposition", "date_de_mise_a_disposition"),
    "issue": ("issue_tour", "issue_du_tour", "resultat"),
    "date_attribution": ("date_d'attribution", "date_caleol", "date_cal"),
    "bail_signe": ("bail", "signature_bail", "bail_signé"),
    "menage_prioritaire": ("prioritaire", "public_prioritaire", "menage_public_prioritaire"),
    "dalo": ("menage_dalo", "prioritaire_dalo"),
    "premier_quartile": ("q1", "1er_quartile", "menage_premier_quartile"),
    "menage_relogement_ru": ("relogement_ru", "menage_relogé_ru"),
    # conventions
    "categorie": ("categorie_reservataire", "categorie_du_reservataire", "type_reservataire"),
    "perimetre_type": ("type_perimetre", "type_de_perimetre"),
    "perimetre_code": ("code_perimetre", "code_du_perimetre"),
    "taux": ("taux_%", "taux_(%)", "taux_en_%", "taux_convention", "taux_de_reservation", "pourcentage"),
    # previsionnel
    "code_departement": ("departement", "code_dep", "dep", "dept", "code_dept"),
    "nombre_prevu": ("nombre", "nb_prevu", "nombre_prevus", "prevision", "nb_logements_prevus"),
    "disponibilites_prevues": ("disponibilites", "nb_disponibilites_prevues", "disponibilites_previsionnelles"),
}
"""Canonical column name → other headers users write for it. A synonym only applies inside the tables that
have the canonical column; an exact canonical header always wins over a synonym."""

SYNONYMES_FEUILLES: dict[str, tuple[str, ...]] = {
    "logements": ("logement",),
    "tours": ("tour", "tours_de_commercialisation"),
    "conventions": ("convention",),
    "previsionnel": ("previsionnels", "prevision", "previsions"),
}
"""Canonical table name → sheet names that mean it (besides the name itself and the table's French label)."""


LIGNES_EN_TETE_MAX = 10
"""The header row is looked for among this many first rows (a title row above the headers is common)."""


def normaliser(texte: object) -> str:
    return ref.normaliser_texte(str(texte))


def _index_entetes(table: Table) -> tuple[dict[str, str], dict[str, str]]:
    """(exact normalised names → column, normalised synonyms → column) for one table."""
    exacts = {normaliser(c.nom): c.nom for c in table.colonnes}
    synonymes = {}
    for c in table.colonnes:
        for s in SYNONYMES_COLONNES.get(c.nom, ()):
            if normaliser(s) not in exacts:
                synonymes[normaliser(s)] = c.nom
    return exacts, synonymes


_INDEX_ENTETES = {t.nom: _index_entetes(t) for t in TABLES}


_PRECISIONS = re.compile(r"\([^)]*\)|\*")


LONGUEUR_ENTETE_MAX = 200
"""A header longer than this matches no column (the longest header of the format, with its precisions, is far
shorter)."""


def colonne_et_genre(entete: object, table: str) -> tuple[str, str] | None:
    """(canonical column, "exact" or "synonyme") that a header means in ``table``, or None.

    A header that matches nothing is tried again without its bracketed precisions and required-field stars, as
    users write them: « Date de disponibilité (JJ/MM/AAAA) », « Taux (en %) », « Typologie * ».
    """
    if len(str(entete)) > LONGUEUR_ENTETE_MAX:  # a long cell is no header: not normalised (a 1 MB cell, issue 12)
        return None
    exacts, synonymes = _INDEX_ENTETES[table]
    n = normaliser(entete)
    for essai in (n, normaliser(_PRECISIONS.sub("", str(entete)))):
        if not essai:
            continue
        if essai in exacts:
            return exacts[essai], "exact"
        if essai in synonymes:
            return synonymes[essai], "synonyme"
    return None


def nom_de_colonne(entete: object, table: str) -> str | None:
    """Canonical column of ``table`` that a header means (exact name or synonym), or None."""
    trouve = colonne_et_genre(entete, table)
    return trouve[0] if trouve else None


def table_pour_feuille(nom_feuille: str) -> str | None:
    """Canonical table that a sheet name means, or None (then the sheet is recognised by its columns)."""
    n = normaliser(nom_feuille)
    for t in TABLES:
        if n in {normaliser(t.nom), normaliser(t.libelle), *(normaliser(s) for s in SYNONYMES_FEUILLES.get(t.nom, ()))}:
            return t.nom
    return None


def score_entete(cellules: list[str]) -> int:
    """Number of cells that are a known header of the best-matching table."""
    cellules = [c for c in cellules if c]
    return max(len({nom_de_colonne(c, t.nom) for c in cellules} - {None}) for t in TABLES)


def table_par_colonnes(entetes: list[str]) -> str | None:
    """The table whose required columns are best matched (then most columns matched); needs 2 matched columns."""
    meilleur: tuple[float, int, str] | None = None
    for t in TABLES:
        trouvees = {nom_de_colonne(e, t.nom) for e in entetes if e} - {None}
        if len(trouvees) < 2:
            continue
        cle = (len(trouvees & set(t.obligatoires)) / len(t.obligatoires), len(trouvees), t.nom)
        if meilleur is None or cle[:2] > meilleur[:2]:
            meilleur = cle
    return meilleur[2] if meilleur else None


def conseil_entetes(table: Table) -> str:
    obligatoires = ", ".join(table.obligatoires)
    facultatives = ", ".join(c for c in table.noms if c not in table.obligatoires)
    texte = f"En-têtes attendus pour « {table.libelle} » : {obligatoires}"
    if facultatives:
        texte += f" (facultatives : {facultatives})"
    return texte
