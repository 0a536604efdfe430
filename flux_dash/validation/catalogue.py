"""The one catalogue of problem codes: every code that reading or validation emits, its gravity, its one French
text and its default hint (house style §14, after pandera's ``SchemaErrorReason``).

A code is a member of :class:`Code` (a ``str``: ``Code.FICHIER_VIDE == "fichier_vide"``); emitters build their
problems with :func:`probleme` and never write a code as a bare string (tests/test_catalogue.py walks the modules).
A code's text may have ``{fields}`` that the emitter fills (the year, the table, the reason a cell is unreadable):
the wording stays the catalogue's.

This module imports neither pandera nor the checks, so that reading and the CLI import it cheaply.
"""

from __future__ import annotations

from enum import StrEnum

from flux_dash.colonnes import PAR_NOM
from flux_dash.formats import nombre
from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION, Gravite, Probleme
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

# --- The codes ------------------------------------------------------------------------------------------------

_CONSEIL_FORMATS = "Donnez un classeur Excel (.xlsx) ou des fichiers CSV (texte séparé par des points-virgules)."
_CONSEIL_TAUX = "Indiquez les taux en pourcentage : 25 pour 25 %."
CONSEIL_PREFET = "sauf arrêté préfectoral de dérogation (CCH R. 441-5-2)"
_PCT_PREFET = nombre(PLAFOND_PREFET)  # the class body below has members of the same names
_PCT_AGENTS = nombre(PLAFOND_AGENTS)


class Code(StrEnum):
    """Every problem code, in priority order: reading's own codes first (alphabetical), then the rules of
    validation, errors in priority order (when two rules hit the same cell, the first one is reported), then
    warnings. ``illisible``: the input could not be read at all (exit code 2 of the CLI, not 1)."""

    gravite: Gravite
    texte: str
    conseil: str
    illisible: bool

    def __new__(cls, code: str, gravite: Gravite, texte: str, conseil: str = "", illisible: bool = False) -> Code:
        membre = str.__new__(cls, code)
        membre._value_ = code
        membre.gravite = gravite
        membre.texte = texte
        membre.conseil = conseil
        membre.illisible = illisible
        return membre

    def regle(self, **champs: object) -> str:
        """The code's text with its fields filled."""
        return self.texte.format(**champs)

    # Reading (flux_dash.lecture): the files and their headers.
    AUCUN_FICHIER = ("aucun_fichier", ERREUR, "Aucun fichier fourni", _CONSEIL_FORMATS, True)
    COLONNE_EN_DOUBLE = ("colonne_en_double", ERREUR, "Plusieurs colonnes correspondent à « {colonne} » : {entetes}")
    COLONNE_IGNOREE = ("colonne_ignoree", INFORMATION, "Colonne ignorée : {raison}")
    ENCODAGES_MELANGES = (
        "encodages_melanges",
        ERREUR,
        "Encodages mélangés : le fichier contient à la fois des caractères en UTF-8 et en Windows-1252 (des accents "
        "s'afficheraient « Ã© »)",
        "Ouvrez le fichier dans un tableur, corrigez les accents, puis enregistrez-le en « CSV UTF-8 ».",
    )
    ENTETES_INTROUVABLES = (
        "entetes_introuvables",
        ERREUR,
        "Aucun en-tête reconnu dans les {lignes} premières lignes de {lieu}",
    )
    FEUILLE_IGNOREE = (
        "feuille_ignoree",
        INFORMATION,
        "La feuille « {feuille} » est ignorée : ce n'est pas une table du format",
    )
    FEUILLE_MASQUEE_IGNOREE = (
        "feuille_masquee_ignoree",
        INFORMATION,
        "La feuille masquée « {feuille} » est ignorée : la table {table_lue} est lue dans la feuille visible "
        "« {visible} »",
        "Une feuille masquée n'est jamais préférée à une feuille visible ; supprimez-la si elle ne sert plus.",
    )
    FEUILLE_MASQUEE_LUE = (
        "feuille_masquee_lue",
        INFORMATION,
        "La feuille « {feuille} » est masquée dans le classeur ; elle est lue comme table {table_lue}, faute de "
        "feuille visible",
        "Vérifiez qu'il s'agit bien des données à transmettre, puis affichez la feuille.",
    )
    FICHIER_ILLISIBLE = ("fichier_illisible", ERREUR, "Fichier illisible — {raison}", _CONSEIL_FORMATS, True)
    FICHIER_INTROUVABLE = (
        "fichier_introuvable",
        ERREUR,
        "Fichier introuvable",
        "Vérifiez le chemin et le nom du fichier.",
        True,
    )
    FICHIER_PROTEGE = (
        "fichier_protege",
        ERREUR,
        "Classeur protégé par un mot de passe",
        "Enlevez le mot de passe (Fichier > Informations > Protéger le classeur) puis enregistrez-le de nouveau.",
    )
    FICHIER_VIDE = ("fichier_vide", ERREUR, "Le fichier est vide", "Le fichier ne contient aucune donnée.", True)
    LIMITE_DEPASSEE = (
        "limite_depassee",
        ERREUR,
        "Limite dépassée — {raison}",
        "Ce fichier dépasse une limite de flux_dash (docs/securite.md) : un fichier annuel d'un bailleur en est très "
        "loin. Vérifiez qu'il s'agit du bon fichier, ou découpez-le.",
    )
    SEPARATEURS_MELANGES = (
        "separateurs_melanges",
        ERREUR,
        "Séparateurs mélangés : cette ligne est séparée par des « {autre} », la ligne d'en-têtes par des « {entete} »",
        "Enregistrez le fichier de nouveau depuis le tableur : toutes les lignes auront le même séparateur.",
    )
    TABLE_EN_DOUBLE = (
        "table_en_double",
        ERREUR,
        "{lieu} contient aussi la table {table}, déjà lue dans « {premiere} »",
        "Donnez une seule feuille ou un seul fichier par table.",
    )
    TABLE_NON_RECONNUE = (
        "table_non_reconnue",
        ERREUR,
        "Table non reconnue dans {lieu} : ses en-têtes ne correspondent à aucune table du format",
    )
    # Errors of validation (reading emits the first three too), in priority order.
    TABLE_MANQUANTE = (
        "table_manquante",
        ERREUR,
        "Table obligatoire « {table} » absente",
        "Ajoutez la feuille (ou le fichier CSV) avec ses colonnes.",
        True,
    )
    COLONNE_MANQUANTE = (
        "colonne_manquante",
        ERREUR,
        "Colonne obligatoire « {colonne} » absente de la table {table}",
        "Ajoutez la colonne avec cet en-tête.",
    )
    TABLE_VIDE = (
        "table_vide",
        ERREUR,
        "La table Logements ne contient aucune ligne de données",
        "Saisissez une ligne par logement devenu disponible sous la ligne d'en-têtes (ou vérifiez que le bon "
        "fichier a été déposé).",
    )
    TYPE_INVALIDE = (  # the text is the parser's sentence for the kind of value (flux_dash.lecture.cellules)
        "type_invalide",
        ERREUR,
        "{raison}",
        "Dates JJ/MM/AAAA, nombres avec virgule décimale, booléens oui/non.",
    )
    VALEUR_MANQUANTE = ("valeur_manquante", ERREUR, "Valeur obligatoire manquante")
    VALEUR_HORS_LISTE = ("valeur_hors_liste", ERREUR, "Valeur hors de la liste autorisée")
    DOUBLON_LOGEMENT = (
        "doublon_logement",
        ERREUR,
        "Identifiant de logement en double : chaque logement figure une seule fois",
    )
    DOUBLON_TOUR = ("doublon_tour", ERREUR, "Tour en double : le numéro de tour doit être unique pour un logement")
    COMMUNE_INCONNUE = ("commune_inconnue", ERREUR, "Commune inconnue ou hors Île-de-France")
    QPV_INCONNU = (
        "qpv_inconnu",
        ERREUR,
        "Code QPV inconnu (QPV 2024 d'Île-de-France)",
        "Code attendu de la forme QN09312M (QPV 2024) ; laissez la cellule vide si le code n'est pas connu.",
    )
    QPV_HORS_COMMUNE = ("qpv_hors_commune", ERREUR, "Le QPV n'est pas situé dans la commune du logement")
    QPV_INCOHERENT = (
        "qpv_incoherent",
        ERREUR,
        "Un code QPV est renseigné alors que qpv = non",
        "Indiquez qpv = oui, ou videz la colonne code_qpv.",
    )
    ANNEE_HORS_BORNES = ("annee_hors_bornes", ERREUR, "Année de construction hors bornes")
    NUMERO_TOUR_INVALIDE = (
        "numero_tour_invalide",
        ERREUR,
        "Le numéro de tour doit être un entier supérieur ou égal à 1",
        "Numérotez les tours de chaque logement 1, 2, 3…",
    )
    NOMBRE_NEGATIF = (
        "nombre_negatif",
        ERREUR,
        "Le nombre doit être positif ou nul",
        "Indiquez un entier positif ou nul.",
    )
    TAUX_HORS_BORNES = (
        "taux_hors_bornes",
        ERREUR,
        "Le taux doit être compris entre 0 et 100 (pourcentage)",
        _CONSEIL_TAUX,
    )
    PERIMETRE_INCONNU = (
        "perimetre_inconnu",
        ERREUR,
        "Périmètre inconnu : ce code ne correspond à aucun périmètre de ce type en Île-de-France",
    )
    DEPARTEMENT_INCONNU = ("departement_inconnu", ERREUR, "Département inconnu ou hors Île-de-France")
    DISPONIBILITES_INCOHERENTES = (
        "disponibilites_incoherentes",
        ERREUR,
        "Les disponibilités prévues doivent être identiques sur toutes les lignes d'un même département",
    )
    DATE_ATTRIBUTION_MANQUANTE = (
        "date_attribution_manquante",
        ERREUR,
        "Date d'attribution manquante pour un tour dont l'issue est « attribué » (ATTRIBUE)",
        "Indiquez la date de décision de la CALEOL (JJ/MM/AAAA).",
    )
    DATE_ATTRIBUTION_AVANT_ORIENTATION = (
        "date_attribution_avant_orientation",
        ERREUR,
        "La date d'attribution est antérieure à la date d'orientation",
    )
    PLUSIEURS_ATTRIBUTIONS = (
        "plusieurs_attributions",
        ERREUR,
        "Plusieurs tours « attribué » (ATTRIBUE) pour un même logement",
    )
    TOUR_APRES_ATTRIBUTION = (
        "tour_apres_attribution",
        ERREUR,
        "Tour postérieur au tour d'attribution du logement : le tour « attribué » doit être le dernier",
    )
    LOGEMENT_INCONNU = (
        "logement_inconnu",
        ERREUR,
        "Le logement de ce tour est absent de la feuille Logements",
        "Ajoutez le logement à la feuille Logements ou corrigez l'identifiant.",
    )
    RESERVATAIRE_INCONNU = (
        "reservataire_inconnu",
        ERREUR,
        "Réservataire inconnu : le nom doit figurer dans la feuille Conventions ou être « Bailleur »",
    )
    SOMME_TAUX = ("somme_taux", ERREUR, "La somme des taux des conventions d'un même périmètre dépasse 100 %")
    TAUX_EN_FRACTION = (
        "taux_en_fraction",
        ERREUR,
        "Tous les taux sont inférieurs ou égaux à 1 : ils semblent donnés en fraction et non en pourcentage",
        _CONSEIL_TAUX + " Une cellule au format Pourcentage d'Excel affiche 25 % mais contient 0,25 : mettez la "
        "colonne au format Nombre et saisissez 25.",
    )
    # Warnings of validation (the bilan is produced; each lists its rows).
    ORIENTATION_HORS_PERIMETRE = (
        "orientation_hors_perimetre",
        AVERTISSEMENT,
        "Orientation hors des périmètres de convention du réservataire : le logement n'est pas compté dans ses "
        "chiffres",
    )
    SOUSTRAIT_ORIENTE = (
        "soustrait_oriente",
        AVERTISSEMENT,
        "Logement soustrait du flux orienté vers un réservataire autre que le Bailleur",
    )
    TOURS_NON_CONSECUTIFS = ("tours_non_consecutifs", AVERTISSEMENT, "Numéros de tour non consécutifs pour ce logement")
    ORIENTATION_HORS_DELAI = (
        "orientation_hors_delai",
        AVERTISSEMENT,
        f"Orientation plus de {MOIS_AVANT_DISPONIBILITE} mois avant ou plus de {MOIS_APRES_DISPONIBILITE} mois "
        "après la date de disponibilité du logement",
    )
    PLAFOND_PREFET = (
        "plafond_prefet",
        AVERTISSEMENT,
        "Somme des taux du préfet (publics prioritaires et agents de l'État) supérieure à "
        f"{_PCT_PREFET} % sur un périmètre",
    )
    PLAFOND_AGENTS = (
        "plafond_agents",
        AVERTISSEMENT,
        f"Somme des taux des agents de l'État supérieure à {_PCT_AGENTS} % sur un périmètre",
    )
    PART_PREFET_REALISEE = (
        "part_prefet_realisee",
        AVERTISSEMENT,
        "Part du flux {annee} orientée au préfet (publics prioritaires et agents de l'État) supérieure à "
        f"{_PCT_PREFET} % dans le département {{departement}}",
    )
    PART_AGENTS_REALISEE = (
        "part_agents_realisee",
        AVERTISSEMENT,
        "Part du flux {annee} orientée aux agents de l'État supérieure à "
        f"{_PCT_AGENTS} % dans le département {{departement}}",
    )
    NON_ORIENTE = (
        "non_oriente",
        AVERTISSEMENT,
        "Logement disponible en {annee}, sans aucun tour et non soustrait (non orienté)",
    )
    ANNEE_SANS_DISPONIBILITE = (
        "annee_sans_disponibilite",
        AVERTISSEMENT,
        "Aucun logement disponible en {annee} : les bilans de {annee} seront vides",
    )


PRIORITE = {code: i for i, code in enumerate(Code)}
"""Order of the codes: when two rules hit the same cell, the first one is reported."""

CODES_ILLISIBLES = frozenset(c for c in Code if c.illisible)
"""Codes that mean "the input could not be read" (exit code 2 of the CLI) rather than "the data is wrong" (1)."""


def probleme(
    code: Code,
    *,
    table: str = "",
    source: str = "",
    ligne: int | None = None,
    colonne: str = "",
    valeur: str = "",
    conseil: str | None = None,
    **champs: object,
) -> Probleme:
    """The problem of ``code``: its gravity, its text with ``champs`` filled, its default hint unless ``conseil``.

    The text may also use ``{table}`` (the table's French label), ``{colonne}`` and ``{source}``.
    """
    lieu = {"table": PAR_NOM[table].libelle if table in PAR_NOM else table, "colonne": colonne, "source": source}
    return Probleme(
        code.gravite,
        code.value,
        code.regle(**lieu, **champs),
        table,
        source,
        ligne,
        colonne,
        valeur,
        code.conseil if conseil is None else conseil,
    )
