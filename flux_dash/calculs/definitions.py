"""The French definition of every figure the engine produces: single source for the reports' "Définitions" sheet,
the CSV's indicator names and ``docs/calculs.md`` (a test keeps the document consistent with this list).

Each entry is (indicateur, libellé, phrase): the code used in the CSV (FORMAT.md §2.2) and in
``Bilan.indicateurs``, a short French label, and one French sentence with the formula (DOMAINE.md §3–§5). One entry
is not an indicator but a holder line: ``HORS_CONVENTION``, the ``categorie`` of the « Hors convention » rows.
"""

from __future__ import annotations

from flux_dash.regles import ReglesCalcul

DEFINITIONS: list[tuple[str, str, str]] = [
    # DOMAINE.md §3
    (
        "disponibilites",
        "Disponibilités",
        "Nombre de logements distincts du périmètre dont la date de disponibilité tombe dans l'année n.",
    ),
    (
        "soustraits",
        "Logements soustraits",
        "Parmi les disponibilités, nombre de logements portant une catégorie de soustraction (mutation interne, "
        "relogements RU, ORCOD, habitat indigne, vente, autre).",
    ),
    ("flux", "Flux annuel", "Flux = disponibilités − logements soustraits."),
    (
        "relogements_realises",
        "Relogements réalisés",
        "Nombre de logements soustraits du périmètre ayant un tour « attribué » dont la date d'attribution tombe dans "
        "l'année n, quelle que soit leur date de disponibilité (un logement libéré en décembre n−1 et attribué en "
        "janvier n est un relogement de n).",
    ),
    (
        "logements_proposes",
        "Logements proposés",
        "Nombre de logements distincts du périmètre, non soustraits, ayant au moins un tour vers le réservataire dont la "
        "date d'orientation tombe dans l'année n (y compris un logement disponible en n−1).",
    ),
    (
        "logements_attribues",
        "Logements attribués",
        "Nombre de logements distincts du périmètre, non soustraits, ayant un tour « attribué » au réservataire dont la "
        "date d'attribution tombe dans l'année n (une attribution en n+1 n'est pas comptée).",
    ),
    (
        "tours",
        "Tours",
        "Nombre de tours vers le réservataire dont la date d'orientation tombe dans l'année n, sur des logements non "
        "soustraits du périmètre (un logement orienté deux fois compte deux tours).",
    ),
    (
        "part_flux_orientations",
        "Part du flux (orientations)",
        "Part du flux = logements proposés ÷ flux ; un logement orienté vers A puis B compte pour les deux, le total "
        "peut donc dépasser 100 %.",
    ),
    (
        "part_attributions",
        "Part des attributions",
        "Part des attributions = logements attribués au réservataire ÷ logements attribués à tous les attributaires "
        "du périmètre (bailleur et ligne « Hors convention » compris) ; le total fait 100 %.",
    ),
    (
        "HORS_CONVENTION",
        "Hors convention",
        "Ligne des logements orientés vers un réservataire ou attribués à ses candidats hors de ses périmètres de "
        "convention : absents des chiffres de ses conventions (proposés, attribués, droits, taux), ils comptent dans "
        "les totaux du périmètre, sur une ligne « Hors convention » à son nom.",
    ),
    (
        "taux_convention",
        "Taux conventionnel",
        "Taux de la convention de réservation pour ce périmètre, en pourcentage du flux annuel.",
    ),
    ("droits_theoriques", "Droits théoriques", "Droits théoriques = taux conventionnel × flux ÷ 100 (non arrondis)."),
    ("ecart", "Écart aux droits", "Écart = logements proposés − droits théoriques."),
    ("taux_realisation", "Taux de réalisation", "Taux de réalisation = logements proposés ÷ droits théoriques."),
    (
        "taux_transformation",
        "Taux de transformation",
        "Taux de transformation = logements attribués ÷ logements proposés.",
    ),
    # DOMAINE.md §4
    (
        "part_prefet_flux",
        "Part du préfet dans le flux",
        "Logements proposés au préfet (publics prioritaires et agents de l'État) ÷ flux ; référence : au plus 30 %.",
    ),
    (
        "part_agents_flux",
        "Part des agents de l'État dans le flux",
        "Logements proposés au titre des agents de l'État ÷ flux ; référence : au plus 5 %.",
    ),
    (
        "prefet_hors_qpv_a",
        "Préfet hors QPV (lecture a)",
        "Logements proposés au préfet situés hors QPV ÷ logements proposés au préfet ; référence : au moins 30 %.",
    ),
    (
        "prefet_hors_qpv_b",
        "Préfet hors QPV (lecture b)",
        "Logements proposés au préfet situés hors QPV ÷ flux hors QPV ; affiché à côté de la lecture a.",
    ),
    (
        "part_publics_prioritaires",
        "Part des publics prioritaires",
        "Logements attribués à un ménage public prioritaire ÷ logements attribués ; référence : au moins 25 % pour les "
        "réservataires autres que l'État et pour le bailleur.",
    ),
    ("attributions_dalo", "Attributions DALO", "Nombre de logements attribués à un ménage reconnu prioritaire DALO."),
    ("part_dalo", "Part des attributions DALO", "Logements attribués à un ménage DALO ÷ logements attribués."),
    (
        "part_premier_quartile_hors_qpv",
        "1er quartile hors QPV",
        "Attributions hors QPV à un ménage du 1er quartile ou relogé au titre du renouvellement urbain ÷ attributions "
        "hors QPV, par EPCI/EPT, sur les attributions de l'année n suivies d'un bail signé (toutes les attributions "
        "quand la colonne bail_signe est absente ; logements soustraits et hors convention compris) ; référence : au "
        "moins 25 %.",
    ),
    (
        "part_hors_premier_quartile_en_qpv",
        "Hors 1er quartile en QPV",
        "Attributions en QPV à un ménage qui n'est pas du 1er quartile ÷ attributions en QPV, par EPCI/EPT, sur les "
        "attributions de l'année n suivies d'un bail signé (toutes les attributions quand la colonne bail_signe est "
        "absente ; logements soustraits et hors convention compris) ; référence : au moins 50 %.",
    ),
    (
        "delai_moyen_orientation_attribution",
        "Délai moyen orientation → attribution",
        "Moyenne, en jours, de (date d'attribution − date d'orientation du tour attribué) sur les logements attribués.",
    ),
    (
        "tours_sans_designation",
        "Tours sans désignation",
        "Nombre de tours de l'année n vers le réservataire dont l'issue est « absence de désignation ».",
    ),
    # DOMAINE.md §5.4
    (
        "soustraits_prevus",
        "Soustraits prévus (n+1)",
        "Nombre de logements qu'il est prévu de soustraire du flux en n+1, par catégorie (saisi par département ; "
        "réparti au prorata des disponibilités de n pour un périmètre plus petit).",
    ),
    (
        "flux_previsionnel",
        "Flux prévisionnel (n+1)",
        "Flux prévisionnel = disponibilités prévues (à défaut, disponibilités de n) − soustraits prévus.",
    ),
    (
        "droits_previsionnels",
        "Droits prévisionnels (n+1)",
        "Droits prévisionnels = taux conventionnel × flux prévisionnel ÷ 100.",
    ),
    # FORMAT.md §2.2 v1.1: the numerators and denominators a landlord's file gives so that the consolidation can
    # add them up and recompute each ratio (flux_dash.consolidation.contrat); alphabetical, as the CSV sorted them
    # before they were defined here.
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
    ("flux_hors_qpv", "Flux hors QPV", "Flux annuel des logements situés hors QPV."),
    (
        "logements_proposes_agents",
        "Logements proposés aux agents de l'État",
        "Logements distincts du périmètre, non soustraits, proposés en n aux agents de l'État.",
    ),
    (
        "logements_proposes_prefet",
        "Logements proposés au préfet",
        "Logements distincts du périmètre, non soustraits, proposés en n aux publics prioritaires ou aux agents de "
        "l'État (numérateur de la part du préfet dans le flux).",
    ),
    (
        "logements_proposes_prefet_hors_qpv",
        "Logements proposés au préfet hors QPV",
        "Parmi les logements proposés au préfet, ceux qui sont situés hors QPV.",
    ),
]
"""(indicateur, libellé, phrase), in reading order."""

LIBELLES: dict[str, str] = {code: libelle for code, libelle, _ in DEFINITIONS}


def rediger_documentation() -> str:
    """The text of ``docs/calculs.md`` (French, for users), generated from :data:`DEFINITIONS` and the default
    :class:`~flux_dash.regles.ReglesCalcul` so that the document cannot drift from the code."""
    lignes = [
        "# Comment flux_dash calcule les chiffres du bilan",
        "",
        "Ce document est généré à partir du code (`flux_dash.calculs.definitions.rediger_documentation`) : chaque "
        "chiffre des bilans, du tableau de bord et du fichier `indicateurs_{n}.csv` y est défini en une phrase, "
        "avec sa formule, pour qu'un réservataire puisse le refaire à la main à partir de la liste des tours.",
        "",
        "Principes communs :",
        "",
        "- tous les comptages portent sur des **logements distincts** (un logement orienté deux fois vers le même "
        "réservataire compte une fois, et deux tours) ;",
        "- un logement est rattaché à un périmètre par sa commune : commune, EPCI/EPT (l'EPT dans la Métropole du "
        "Grand Paris, Paris formant son propre territoire), département, région ; un périmètre de convention est "
        "l'ensemble de ses communes ;",
        "- les pourcentages sont calculés sur les effectifs bruts et arrondis seulement à l'affichage (1 décimale) ; "
        "une division par zéro s'affiche « n.s. » (non significatif) ; dans le CSV, les parts sont des fractions "
        "(0,25 pour 25 %) et une valeur non significative est vide ;",
        "- un indicateur qui demande une colonne facultative (ménage prioritaire, DALO, 1er quartile) est laissé "
        "vide quand cette colonne est absente du fichier.",
        "",
        "## Définitions",
        "",
        "| code | libellé | définition |",
        "|---|---|---|",
    ]
    lignes += [f"| `{code}` | {libelle} | {phrase} |" for code, libelle, phrase in DEFINITIONS]
    lignes += [
        "",
        "## Règles de calcul retenues",
        "",
        "Les textes laissent certains choix ouverts ; voici ceux de flux_dash, avec leur raison. Ils figurent aussi "
        "dans la feuille « Paramètres » de chaque classeur.",
        "",
        "| règle | valeur | raison |",
        "|---|---|---|",
    ]
    regles = ReglesCalcul().en_lignes()
    lignes += [f"| {r.libelle} | {r.valeur} | {r.raison} |" for r in regles.itertuples()]
    lignes += [
        "",
        "## Vérifier un chiffre à la main",
        "",
        "1. Filtrer les logements de la commune (ou des communes du périmètre) dont la date de disponibilité tombe "
        "dans l'année : ce sont les disponibilités ; retirer ceux qui portent une catégorie de soustraction : c'est "
        "le flux.",
        "2. Filtrer les tours du réservataire dont la date d'orientation tombe dans l'année, sur des logements non "
        "soustraits du périmètre ; compter les logements distincts : ce sont les logements proposés.",
        "3. Parmi ses tours « attribué », garder ceux dont la date d'attribution tombe dans l'année : ce sont les "
        "logements attribués.",
        "4. Droits théoriques = taux × flux ÷ 100 ; écart = proposés − droits ; taux de réalisation = proposés ÷ "
        "droits.",
        "",
        "Les contrôles de cohérence (disponibilités = flux + soustraits, parts des attributions = 100 %, "
        "répartitions = totaux, communes = EPCI/EPT, département et région) sont recalculés à chaque bilan et "
        "affichés dans le tableau de bord.",
        "",
    ]
    return "\n".join(lignes)
