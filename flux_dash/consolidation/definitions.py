"""The French definitions of what the consolidation adds (DOMAINE.md §3.1) to those of the landlord's bilan
(:data:`flux_dash.calculs.definitions.DEFINITIONS`, the single source of every figure a landlord's file gives, its
count rows of FORMAT.md §2.2 v1.1 included): a consolidated figure keeps the meaning of the landlord's figure it
adds up. A code defined in both lists is a consolidated variant (weighted taux, summed droits) under its own
libellé; no libellé is defined twice (a test checks both lists and the workbooks' « Définitions » sheets).

Each entry is (code, libellé, phrase), as in the landlord's list.
"""

from __future__ import annotations

from flux_dash.calculs.definitions import DEFINITIONS

DEFINITIONS_CONSOLIDATION: list[tuple[str, str, str]] = [
    (
        "nombre_bailleurs",
        "Nombre de bailleurs",
        "Nombre de bailleurs dont le fichier reçu donne les chiffres du périmètre (bailleurs qui y ont des logements).",
    ),
    (
        "consolidation",
        "Chiffre consolidé",
        "Somme, sur les bailleurs reçus, des chiffres de chaque bailleur (un logement appartient à un seul bailleur : "
        "les comptes de logements distincts s'additionnent) ; chaque part ou taux est ensuite recalculé à partir des "
        "sommes, jamais comme une moyenne des parts des bailleurs.",
    ),
    (
        "reservataire_consolide",
        "Réservataire (consolidé)",
        "Un réservataire est reconnu d'un bailleur à l'autre par sa catégorie et le périmètre de sa convention, "
        "jamais par son nom : le contingent préfectoral de la Seine-Saint-Denis est un seul réservataire quel que "
        "soit le nom que lui donne chaque bailleur ; un « autre réservataire » est reconnu par son nom.",
    ),
    (
        "taux_convention",
        "Taux conventionnel pondéré",
        "Droits théoriques consolidés ÷ flux consolidé du périmètre de la convention : la part du flux de tous les "
        "bailleurs du périmètre réservée au réservataire (un bailleur sans convention avec lui compte pour 0).",
    ),
    (
        "droits_theoriques",
        "Droits théoriques consolidés",
        "Somme sur les bailleurs du taux de chaque bailleur × son flux sur le périmètre de la convention ÷ 100.",
    ),
    (
        "taux_realisation",
        "Taux de réalisation consolidé",
        "Logements proposés consolidés ÷ droits théoriques consolidés.",
    ),
    (
        "evolution",
        "Évolution n / n−1",
        "Chiffre de n − chiffre de n−1 : un écart de logements pour un compte, un écart en points pour une part. « À "
        "bailleurs constants » : sur les seuls bailleurs reçus les deux années.",
    ),
]

LIBELLES_CONSOLIDATION: dict[str, str] = {code: libelle for code, libelle, _ in DEFINITIONS_CONSOLIDATION}

DEFINITIONS_TERRITOIRE: list[tuple[str, str, str]] = [*DEFINITIONS, *DEFINITIONS_CONSOLIDATION]
"""What the consolidated workbook's « Définitions » sheet lists: the landlord's definitions, then the
consolidation's."""
