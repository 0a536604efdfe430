"""The French definitions of the consolidated figures (DOMAINE.md §3.1), beside those of the landlord's bilan
(:data:`flux_dash.calculs.definitions.DEFINITIONS`, which the consolidated workbook's « Définitions » sheet lists
first: a consolidated figure keeps the meaning of the landlord's figure it adds up).

Each entry is (code, libellé, phrase), as in the landlord's list. The count rows that make a landlord's file
addable (FORMAT.md §2.2 v1.1) are defined here until the landlord's list defines them.
"""

from __future__ import annotations

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
        "logements_proposes_prefet",
        "Logements proposés au préfet",
        "Logements distincts du périmètre, non soustraits, proposés en n aux publics prioritaires ou aux agents de "
        "l'État (numérateur de la part du préfet dans le flux).",
    ),
    (
        "logements_proposes_agents",
        "Logements proposés aux agents de l'État",
        "Logements distincts du périmètre, non soustraits, proposés en n aux agents de l'État.",
    ),
    (
        "logements_proposes_prefet_hors_qpv",
        "Logements proposés au préfet hors QPV",
        "Parmi les logements proposés au préfet, ceux qui sont situés hors QPV.",
    ),
    ("flux_hors_qpv", "Flux hors QPV", "Flux annuel des logements situés hors QPV."),
    (
        "attributions_hors_qpv",
        "Attributions hors QPV",
        "Logements situés hors QPV attribués en n, tous attributaires, logements soustraits compris (dénominateur du "
        "1er quartile hors QPV).",
    ),
    (
        "attributions_hors_qpv_premier_quartile",
        "Attributions hors QPV au 1er quartile",
        "Parmi les attributions hors QPV, celles à un ménage du 1er quartile ou relogé au titre du renouvellement "
        "urbain.",
    ),
    (
        "attributions_en_qpv",
        "Attributions en QPV",
        "Logements situés en QPV attribués en n, tous attributaires, logements soustraits compris.",
    ),
    (
        "attributions_en_qpv_hors_premier_quartile",
        "Attributions en QPV hors 1er quartile",
        "Parmi les attributions en QPV, celles à un ménage qui n'est pas du 1er quartile.",
    ),
    (
        "attributions_prioritaires",
        "Attributions à des publics prioritaires",
        "Logements attribués par le réservataire à un ménage public prioritaire.",
    ),
    (
        "delai_cumule_orientation_attribution",
        "Délai cumulé orientation → attribution",
        "Somme, en jours, des délais entre orientation et attribution des logements attribués (numérateur du délai "
        "moyen).",
    ),
    (
        "evolution",
        "Évolution n / n−1",
        "Chiffre de n − chiffre de n−1 : un écart de logements pour un compte, un écart en points pour une part. « À "
        "bailleurs constants » : sur les seuls bailleurs reçus les deux années.",
    ),
]

LIBELLES_CONSOLIDATION: dict[str, str] = {code: libelle for code, libelle, _ in DEFINITIONS_CONSOLIDATION}
