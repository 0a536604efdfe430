"""The empty input workbook of FORMAT.md §1 (``flux-dash modele``), built from :data:`flux_dash.colonnes.TABLES`.

Sheets: « Notice » (the format in plain French, generated from :mod:`flux_dash.colonnes` and
:mod:`flux_dash.referentiel`), one sheet per input table (Logements, Tours, Conventions, Prévisionnel) with the
canonical headers on row 1 (the reader expects the header on line 1: help goes into header comments, never into
an extra row), and a hidden « Listes » sheet holding the codes behind the drop-down lists (an inline list is
limited to 255 characters). Drop-downs and type checks warn but never block: aliases typed by hand are accepted
by the reader (FORMAT.md §1).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flux_dash import excel as xl
from flux_dash import referentiel as ref
from flux_dash.colonnes import TABLES, Colonne, Table
from flux_dash.excel import Classeur, Feuille
from flux_dash.referentiel import Categorie

DERNIERE_LIGNE = 5000
"""Drop-down lists and type checks cover rows 2 to this row of each data sheet."""
FEUILLE_NOTICE = "Notice"
FEUILLE_LISTES = "Listes"
FEUILLES_AIDE = (FEUILLE_NOTICE, FEUILLE_LISTES)
"""Sheets of the template that hold no data: a reader may skip them silently."""
AUTEUR = "flux_dash"

GENRES = {
    "code": "code (texte : les zéros en tête sont conservés)",
    "texte": "texte",
    "categorie": "valeur d'une liste",
    "booleen": "oui / non",
    "entier": "nombre entier",
    "nombre": "nombre",
    "date": "date (JJ/MM/AAAA)",
}
"""French name of each ``Colonne.genre``."""

FORMATS_COLONNE = {
    "code": xl.FORMAT_TEXTE,
    "texte": xl.FORMAT_TEXTE,
    "categorie": xl.FORMAT_TEXTE,
    "booleen": xl.FORMAT_TEXTE,
    "entier": xl.FORMAT_ANNEE,
    "nombre": None,
    "date": xl.FORMAT_DATE,
}
"""Number format of each kind of column (text columns are ``@`` so that ``01`` or ``1`` stays as typed; None:
Excel's general format)."""

LARGEURS_NOTICE = (24, 28, 60, 28, 12, 40, 22)
"""Widths of columns A–G of the « Notice » sheet."""

DATE_MIN = dt.date(1950, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)


def bornes(colonne: Colonne, annee_courante: int) -> tuple[float, float | None]:
    """Bounds of a numeric column (FORMAT.md §1.1–§1.4): lower bound and upper bound (None: unbounded)."""
    if colonne.nom == "numero_tour":
        return 1, None
    if colonne.nom == "annee_construction":
        return 1800, annee_courante
    if colonne.nom == "taux":
        return 0, 100
    return 0, None


def nom_liste(categorie: Categorie) -> str:
    """Workbook-level name of the range holding a category's codes on the « Listes » sheet."""
    return f"liste_{categorie.nom}"


def _categories() -> list[Categorie]:
    """The distinct categories of the input columns, in order of first use."""
    vues: dict[str, Categorie] = {}
    for table in TABLES:
        for colonne in table.colonnes:
            cat = colonne.categorie
            if cat is None:
                continue
            if cat.nom in vues and vues[cat.nom].codes != cat.codes:
                raise ValueError(f"Deux listes différentes portent le nom {cat.nom!r}")
            vues.setdefault(cat.nom, cat)
    return list(vues.values())


def valeurs_admises(colonne: Colonne, annee_courante: int) -> str:
    """The allowed values of a column, in French (for comments and the Notice)."""
    if colonne.categorie is not None:
        return ", ".join(colonne.categorie.codes)
    if colonne.genre == "booleen":
        return "oui, non"
    if colonne.genre in ("entier", "nombre"):
        bas, haut = bornes(colonne, annee_courante)
        return f"de {bas:g} à {haut:g}" if haut is not None else f"{bas:g} ou plus"
    return ""


def texte_commentaire(colonne: Colonne, annee_courante: int) -> str:
    """The header comment: description, required or not, type, allowed values, example."""
    lignes = [colonne.description, "Colonne obligatoire." if colonne.obligatoire else "Colonne facultative."]
    lignes.append(f"Type : {GENRES[colonne.genre]}.")
    if admises := valeurs_admises(colonne, annee_courante):
        suite = " (alias acceptés : voir la feuille Notice)" if colonne.categorie is not None else ""
        lignes.append(f"Valeurs admises : {admises}{suite}.")
    lignes.append(f"Exemple : {colonne.exemple}" if colonne.exemple else "Exemple : (vide)")
    return "\n".join(lignes)


# --- Data sheets -------------------------------------------------------------------------------------


def _validation(colonne: Colonne, annee_courante: int, zone: str) -> xl.Validation | None:
    titre = "Valeur inattendue"
    if colonne.categorie is not None:
        return xl.Validation(
            zone,
            "liste",
            titre,
            "Choisissez une valeur de la liste (les alias décrits dans la feuille Notice sont acceptés).",
            source=nom_liste(colonne.categorie),
        )
    if colonne.genre == "booleen":
        return xl.Validation(zone, "liste", titre, "Saisissez oui ou non.", source=("oui", "non"))
    if colonne.genre == "date":
        message = "Saisissez une date au format JJ/MM/AAAA."
        return xl.Validation(zone, "date", titre, message, minimum=DATE_MIN, maximum=DATE_MAX)
    if colonne.genre in ("entier", "nombre"):
        bas, haut = bornes(colonne, annee_courante)
        genre = "entier" if colonne.genre == "entier" else "decimal"
        quoi = "un nombre entier" if colonne.genre == "entier" else "un nombre"
        if haut is None:
            message = f"Saisissez {quoi} supérieur ou égal à {bas:g}."
        else:
            message = f"Saisissez {quoi} compris entre {bas:g} et {haut:g}."
        return xl.Validation(zone, genre, titre, message, minimum=bas, maximum=haut)
    return None


def _feuille_table(wb: Classeur, table: Table, annee_courante: int) -> Feuille:
    ws = xl.nouvelle_feuille(wb, table.libelle)
    for j, colonne in enumerate(table.colonnes, start=1):
        lettre = xl.lettre(j)
        style = xl.STYLE_ENTETE if colonne.obligatoire else xl.STYLE_ENTETE_FACULTATIF
        xl.ecrire_texte(ws, 1, j, colonne.nom, style)
        texte = texte_commentaire(colonne, annee_courante)
        hauteur = 20 + 15 * sum(1 + len(ligne) // 45 for ligne in texte.splitlines())
        ws.commentaires[(1, j)] = xl.Commentaire(texte, AUTEUR, largeur=320, hauteur=hauteur)
        if (format := FORMATS_COLONNE[colonne.genre]) is not None:
            ws.formats_colonnes[j] = format
        ws.largeurs[j] = min(max(len(colonne.nom), len(colonne.exemple), 10) + 3, 40)
        if (validation := _validation(colonne, annee_courante, f"{lettre}2:{lettre}{DERNIERE_LIGNE}")) is not None:
            ws.validations.append(validation)
    ws.hauteurs[1] = 30
    xl.figer_entete(ws, "A2")
    return ws


def _feuille_listes(wb: Classeur) -> Feuille:
    ws = xl.nouvelle_feuille(wb, FEUILLE_LISTES)
    for j, categorie in enumerate(_categories(), start=1):
        lettre = xl.lettre(j)
        xl.ecrire_texte(ws, 1, j, categorie.nom)
        for i, code in enumerate(categorie.codes, start=2):
            xl.ecrire_texte(ws, i, j, code)
        wb.noms[nom_liste(categorie)] = f"'{FEUILLE_LISTES}'!${lettre}$2:${lettre}${len(categorie.codes) + 1}"
        ws.largeurs[j] = max(len(c) for c in [categorie.nom, *categorie.codes]) + 2
    ws.masquee = True
    return ws


# --- Notice ------------------------------------------------------------------------------------------

_REGLES = (
    "Une feuille par table, nommée comme ci-dessous (la casse, les accents, les espaces, « - » et « _ » ne comptent "
    "pas). La feuille Prévisionnel est facultative.",
    "Ne modifiez pas la ligne 1 : elle porte les noms de colonnes attendus. Saisissez une ligne par enregistrement "
    "à partir de la ligne 2, sans ligne vide ni ligne de total.",
    "En-tête bleu foncé en gras : colonne obligatoire. En-tête bleu clair : colonne facultative (elle peut être "
    "laissée vide ou supprimée). Survolez un en-tête pour lire sa description.",
    "Les colonnes supplémentaires sont ignorées et signalées pour information.",
    "Dates : JJ/MM/AAAA (ou AAAA-MM-JJ, ou cellules date d'Excel).",
    "Les codes (identifiant du logement, code commune, code QPV, code de périmètre) sont du texte : les zéros en "
    "tête sont conservés.",
    "Les listes déroulantes proposent les codes ; les alias du tableau « Valeurs et alias acceptés » sont aussi "
    "acceptés (Excel affiche alors un avertissement que l'on peut ignorer).",
    "Taux des conventions en pourcentage : « 25 », « 25 % » ou « 25,0 » pour 25 %. Un fichier dont tous les taux "
    "sont inférieurs ou égaux à 1 est refusé (taux saisis en fractions).",
    "Typologie : un nombre seul de 1 à 4 vaut T1 à T4, 5 ou plus vaut T5+.",
    "Les mêmes tables peuvent être fournies en fichiers CSV, un par table (reconnu par ses colonnes) : séparateur "
    "« ; », « , », tabulation ou « | », encodage UTF-8 ou Windows-1252, virgule décimale acceptée.",
    "Ce format ne contient aucune donnée personnelle : n'ajoutez ni nom ni numéro de demande des ménages.",
)

_ERREURS = (
    "colonne obligatoire absente ;",
    "valeur d'un mauvais type ou hors de sa liste (le message rappelle les valeurs admises) ;",
    "id_logement en double dans Logements, ou couple (id_logement, numero_tour) en double dans Tours ;",
    "tour dont le logement ou le réservataire est inconnu (réservataire absent de Conventions et différent de "
    "« Bailleur ») ;",
    "commune inconnue ou hors Île-de-France ; QPV inconnu ou hors de la commune ; code_qpv renseigné avec qpv = non ;",
    "plus d'un tour ATTRIBUE pour un logement, ou un tour après le tour ATTRIBUE ;",
    "date_attribution absente pour un tour ATTRIBUE, ou antérieure à date_orientation ;",
    "annee_construction hors de l'intervalle admis ;",
    "somme des taux supérieure à 100 sur un même périmètre ; taux saisis en fractions.",
)

_AVERTISSEMENTS = (
    "orientation hors des périmètres de convention du réservataire ;",
    "logement soustrait orienté vers un autre réservataire que « Bailleur » ;",
    "numéros de tour non consécutifs pour un logement ;",
    "orientation plus de 6 mois avant la date de disponibilité ou plus de 18 mois après ;",
    "part du préfet supérieure à 30 % ou part des agents de l'État supérieure à 5 % (taux ou réalisé) ;",
    "logement disponible dans l'année sans aucun tour et non soustrait (« non orienté »).",
)


def _aliases_par_code(categorie: Categorie) -> dict[str, list[str]]:
    groupes: dict[str, list[str]] = {code: [] for code in categorie.codes}
    for alias, code in categorie.aliases.items():
        if code in groupes and alias != code:
            groupes[code].append(alias)
    return groupes


def _feuille_notice(wb: Classeur, annee_courante: int) -> Feuille:
    ws = xl.nouvelle_feuille(wb, FEUILLE_NOTICE)
    ligne = xl.ecrire_titre(
        ws,
        "Modèle de saisie – gestion en flux des réservations (format v1)",
        ["Tours de commercialisation d'un bailleur social, pour les bilans et prévisionnels annuels."],
    )
    ligne = xl.ecrire_intertitre(ws, "Comment remplir ce classeur", ligne)
    for i, regle in enumerate(_REGLES, start=1):
        ligne = xl.ecrire_paragraphe(ws, f"{i}. {regle}", ligne)
    vrai = ", ".join(sorted(v for v in ref.BOOLEENS_VRAI if v))
    faux = ", ".join(sorted(v for v in ref.BOOLEENS_FAUX if v))
    ligne = xl.ecrire_paragraphe(
        ws,
        f"{len(_REGLES) + 1}. Colonnes oui/non : « oui » s'écrit aussi {vrai} ; « non » s'écrit aussi {faux} ou "
        "reste vide (vide = non, sauf pour une colonne obligatoire).",
        ligne,
    )

    ligne = xl.ecrire_intertitre(ws, "Feuilles", ligne + 1)
    feuilles = pd.DataFrame(
        {
            "Feuille": [t.libelle for t in TABLES],
            "Obligatoire": ["oui" if t.obligatoire else "non" for t in TABLES],
            "Contenu": [t.description for t in TABLES],
        }
    )
    plage = xl.ecrire_tableau(ws, feuilles, ligne)

    ligne = xl.ecrire_intertitre(ws, "Colonnes", plage.derniere_ligne + 2)
    colonnes = pd.DataFrame(
        [
            {
                "Feuille": t.libelle,
                "Colonne": c.nom,
                "Description": c.description,
                "Type": GENRES[c.genre],
                "Obligatoire": "oui" if c.obligatoire else "non",
                "Valeurs admises": valeurs_admises(c, annee_courante),
                "Exemple": c.exemple,
            }
            for t in TABLES
            for c in t.colonnes
        ]
    )
    plage = xl.ecrire_tableau(ws, colonnes, ligne, filtre=True)

    ligne = xl.ecrire_intertitre(ws, "Contrôles effectués à l'import", plage.derniere_ligne + 2)
    ligne = xl.ecrire_paragraphe(ws, "Erreurs (aucun bilan n'est produit tant qu'il en reste) :", ligne)
    for texte in _ERREURS:
        ligne = xl.ecrire_paragraphe(ws, f"– {texte}", ligne)
    ligne = xl.ecrire_paragraphe(
        ws, "Avertissements (le bilan est produit ; les lignes concernées sont listées) :", ligne
    )
    for texte in _AVERTISSEMENTS:
        ligne = xl.ecrire_paragraphe(ws, f"– {texte}", ligne)
    ligne = xl.ecrire_note(
        ws, "Chaque message indique la feuille, le numéro de ligne, la colonne, la règle et la valeur en cause.", ligne
    )

    ligne = xl.ecrire_intertitre(ws, "Valeurs et alias acceptés", ligne + 1)
    alias = pd.DataFrame(
        [
            {
                "Colonne": ", ".join(
                    dict.fromkeys(c.nom for t in TABLES for c in t.colonnes if c.categorie is categorie)
                ),
                "Code": code,
                "Alias acceptés": " ; ".join(groupe),
                "Libellé": categorie.libelle(code),
            }
            for categorie in _categories()
            for code, groupe in _aliases_par_code(categorie).items()
        ]
    )
    plage = xl.ecrire_tableau(ws, alias, ligne)
    xl.ecrire_note(
        ws,
        "Les codes et les libellés sont aussi acceptés tels quels ; la casse et les accents ne comptent pas.",
        plage.derniere_ligne + 1,
    )

    for cellule in ws.cellules.values():
        if cellule.style is not None and cellule.style.nom == xl.STYLE_CORPS.nom:
            cellule.style = cellule.style.avec(horizontal=None, vertical="top", renvoi=True)
    # The stacked tables share columns: A–C hold (Feuille | Obligatoire | Contenu), (Feuille | Colonne |
    # Description) and (Colonne | Code | Alias acceptés), so the wide text always falls in column C.
    for colonne, largeur in enumerate(LARGEURS_NOTICE, start=1):
        ws.largeurs[colonne] = largeur
    xl.ajuster_hauteurs(ws)
    xl.mise_en_page(ws, paysage=True)
    return ws


# --- The template ------------------------------------------------------------------------------------


def construire_modele(annee_courante: int | None = None) -> Classeur:
    """The template as a :class:`~flux_dash.excel.Classeur` (see :func:`modele_saisie`)."""
    annee = annee_courante or dt.date.today().year
    wb = xl.nouveau_classeur()
    _feuille_notice(wb, annee)
    for table in TABLES:
        _feuille_table(wb, table, annee)
    _feuille_listes(wb)
    return wb


def modele_saisie() -> bytes:
    """The empty input workbook of FORMAT.md §1 (``flux-dash modele``), as ``.xlsx`` bytes."""
    return xl.classeur_en_octets(construire_modele())
