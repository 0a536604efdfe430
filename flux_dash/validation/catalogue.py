"""The catalogue of the rules: every problem code, its gravity, its French text and its default hint."""

from __future__ import annotations

from dataclasses import dataclass

from flux_dash.formats import nombre
from flux_dash.problemes import AVERTISSEMENT, ERREUR, Gravite
from flux_dash.regles import ReglesCalcul

# --- Constants of the rules ([rule] and [law] of DOMAINE.md, kept in one place) -----------------------------

ANNEE_CONSTRUCTION_MIN = 1800
"""FORMAT.md §1.1: ``annee_construction`` is an integer 1800 … current year."""
_REGLES_CALCUL = ReglesCalcul()  # the caps and delays live once, in flux_dash.regles
PLAFOND_PREFET = round(_REGLES_CALCUL.plafond_prefet * 100, 6)
"""CCH R. 441-5-2: the préfet holds at most 30 % of the flux (a préfet's arrêté may derogate: a warning)."""
PLAFOND_AGENTS = round(_REGLES_CALCUL.plafond_agents * 100, 6)
"""CCH R. 441-5-2: of which at most 5 % for the agents civils et militaires de l'État."""
MOIS_AVANT_DISPONIBILITE = _REGLES_CALCUL.mois_avant_disponibilite
MOIS_APRES_DISPONIBILITE = _REGLES_CALCUL.mois_apres_disponibilite
"""FORMAT.md §1.5: an orientation more than 6 months before or 18 months after the disponibilité is suspicious."""

# --- The rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regle:
    """One rule of FORMAT.md §1.5: stable ``code``, gravity, French sentence and default hint."""

    code: str
    gravite: Gravite
    texte: str
    conseil: str = ""


_CONSEIL_TAUX = "Indiquez les taux en pourcentage : 25 pour 25 %."
CONSEIL_PREFET = "sauf arrêté préfectoral de dérogation (CCH R. 441-5-2)"

REGLES: dict[str, Regle] = {
    r.code: r
    for r in [
        # Errors, in priority order: when two rules hit the same cell, the first one is reported.
        Regle(
            "table_manquante",
            ERREUR,
            "Table obligatoire absente",
            "Ajoutez la feuille (ou le fichier CSV) avec ses colonnes.",
        ),
        Regle("colonne_manquante", ERREUR, "Colonne obligatoire absente", "Ajoutez la colonne avec cet en-tête."),
        Regle(
            "table_vide",
            ERREUR,
            "La table Logements ne contient aucune ligne de données",
            "Saisissez une ligne par logement devenu disponible sous la ligne d'en-têtes (ou vérifiez que le bon "
            "fichier a été déposé).",
        ),
        Regle(
            "type_invalide",
            ERREUR,
            "Valeur illisible pour le type de la colonne",
            "Dates JJ/MM/AAAA, nombres avec virgule décimale, booléens oui/non.",
        ),
        Regle("valeur_manquante", ERREUR, "Valeur obligatoire manquante"),
        Regle("valeur_hors_liste", ERREUR, "Valeur hors de la liste autorisée"),
        Regle("doublon_logement", ERREUR, "Identifiant de logement en double : chaque logement figure une seule fois"),
        Regle("doublon_tour", ERREUR, "Tour en double : le numéro de tour doit être unique pour un logement"),
        Regle("commune_inconnue", ERREUR, "Commune inconnue ou hors Île-de-France"),
        Regle(
            "qpv_inconnu",
            ERREUR,
            "Code QPV inconnu (QPV 2024 d'Île-de-France)",
            "Code attendu de la forme QN09312M (QPV 2024) ; laissez la cellule vide si le code n'est pas connu.",
        ),
        Regle("qpv_hors_commune", ERREUR, "Le QPV n'est pas situé dans la commune du logement"),
        Regle(
            "qpv_incoherent",
            ERREUR,
            "Un code QPV est renseigné alors que qpv = non",
            "Indiquez qpv = oui, ou videz la colonne code_qpv.",
        ),
        Regle("annee_hors_bornes", ERREUR, "Année de construction hors bornes"),
        Regle(
            "numero_tour_invalide",
            ERREUR,
            "Le numéro de tour doit être un entier supérieur ou égal à 1",
            "Numérotez les tours de chaque logement 1, 2, 3…",
        ),
        Regle("nombre_negatif", ERREUR, "Le nombre doit être positif ou nul", "Indiquez un entier positif ou nul."),
        Regle("taux_hors_bornes", ERREUR, "Le taux doit être compris entre 0 et 100 (pourcentage)", _CONSEIL_TAUX),
        Regle(
            "perimetre_inconnu",
            ERREUR,
            "Périmètre inconnu : ce code ne correspond à aucun périmètre de ce type en Île-de-France",
        ),
        Regle("departement_inconnu", ERREUR, "Département inconnu ou hors Île-de-France"),
        Regle(
            "disponibilites_incoherentes",
            ERREUR,
            "Les disponibilités prévues doivent être identiques sur toutes les lignes d'un même département",
        ),
        Regle(
            "date_attribution_manquante",
            ERREUR,
            "Date d'attribution manquante pour un tour dont l'issue est « attribué » (ATTRIBUE)",
            "Indiquez la date de décision de la CALEOL (JJ/MM/AAAA).",
        ),
        Regle(
            "date_attribution_avant_orientation",
            ERREUR,
            "La date d'attribution est antérieure à la date d'orientation",
        ),
        Regle("plusieurs_attributions", ERREUR, "Plusieurs tours « attribué » (ATTRIBUE) pour un même logement"),
        Regle(
            "tour_apres_attribution",
            ERREUR,
            "Tour postérieur au tour d'attribution du logement : le tour « attribué » doit être le dernier",
        ),
        Regle(
            "logement_inconnu",
            ERREUR,
            "Le logement de ce tour est absent de la feuille Logements",
            "Ajoutez le logement à la feuille Logements ou corrigez l'identifiant.",
        ),
        Regle(
            "reservataire_inconnu",
            ERREUR,
            "Réservataire inconnu : le nom doit figurer dans la feuille Conventions ou être « Bailleur »",
        ),
        Regle("somme_taux", ERREUR, "La somme des taux des conventions d'un même périmètre dépasse 100 %"),
        Regle(
            "taux_en_fraction",
            ERREUR,
            "Tous les taux sont inférieurs ou égaux à 1 : ils semblent donnés en fraction et non en pourcentage",
            _CONSEIL_TAUX + " Une cellule au format Pourcentage d'Excel affiche 25 % mais contient 0,25 : mettez la "
            "colonne au format Nombre et saisissez 25.",
        ),
        # Warnings (the bilan is produced; each lists its rows).
        Regle(
            "orientation_hors_perimetre",
            AVERTISSEMENT,
            "Orientation hors des périmètres de convention du "
            "réservataire : le logement n'est pas compté dans ses chiffres",
        ),
        Regle(
            "soustrait_oriente",
            AVERTISSEMENT,
            "Logement soustrait du flux orienté vers un réservataire autre que le Bailleur",
        ),
        Regle("tours_non_consecutifs", AVERTISSEMENT, "Numéros de tour non consécutifs pour ce logement"),
        Regle(
            "orientation_hors_delai",
            AVERTISSEMENT,
            f"Orientation plus de {MOIS_AVANT_DISPONIBILITE} mois avant "
            f"ou plus de {MOIS_APRES_DISPONIBILITE} mois après la date de disponibilité du logement",
        ),
        Regle(
            "plafond_prefet",
            AVERTISSEMENT,
            f"Part du préfet (publics prioritaires et agents de l'État) supérieure à {nombre(PLAFOND_PREFET)} % du flux",
        ),
        Regle(
            "plafond_agents",
            AVERTISSEMENT,
            f"Part des agents de l'État supérieure à {nombre(PLAFOND_AGENTS)} % du flux",
        ),
        Regle(
            "non_oriente",
            AVERTISSEMENT,
            "Logement disponible dans l'année du bilan, sans aucun tour et non soustrait (non orienté)",
        ),
        Regle(
            "annee_sans_disponibilite",
            AVERTISSEMENT,
            "Aucun logement disponible dans l'année du bilan : les bilans seront vides",
        ),
    ]
}
"""Every rule of validation, errors first in priority order, then warnings."""
PRIORITE = {code: i for i, code in enumerate(REGLES)}
