"""Trame « consolidation d'un territoire » (FORMAT.md §3.2): the workbook of the receiving side, one per territory,
``consolidation_{n}_{slug_territoire}.xlsx``, built from a :class:`~flux_dash.consolidation.Consolidation` (never
from tours).

Sheets: Couverture (who has sent, who is expected), Synthèse (the territory's flux, soustraits, the matrix of
categories and réservataires × figures with a total row), Par commune, Par bailleur (each landlord's flux, its
figures per category, and each réservataire's taux, droits and realisation per landlord), Indicateurs (CIA per
EPCI/EPT, préfet checks for a département, §4 indicators of the holders), Évolution (n vs n−1, when n−1 is
known), Réservataires (the names each landlord uses), Paramètres (every source file with its landlord and
sha256), Définitions, Données (the consolidated rows of the territory, as in ``indicateurs_consolides_{n}.csv``).

No figure is computed here: tables are selections of the Consolidation's frames (:mod:`flux_dash.consolidation.
tableaux` gives the total row and a territory's coverage).

Décision — territoire sans aucun envoi : le classeur est écrit quand même, lisible, et il le dit (« Bilans reçus :
0 bailleur » en Couverture, « Aucune ligne pour ce périmètre. » dans chaque tableau, bailleurs attendus marqués
manquants) plutôt qu'une erreur : c'est le constat que le destinataire doit pouvoir transmettre.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from flux_dash import excel
from flux_dash import referentiel as ref
from flux_dash.consolidation import Consolidation, tableaux
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.definitions import DEFINITIONS_TERRITOIRE
from flux_dash.consolidation.moteur import TOUS, communes_du_perimetre, territoires_presents
from flux_dash.consolidation.sorties import nom_classeur
from flux_dash.excel import Classeur, Feuille
from flux_dash.rapports import commun as c
from flux_dash.rapports import donnees
from flux_dash.rapports.commun import RapportPrevu

GENRE = "consolidation"
DOSSIER = "consolidation"
DOCUMENT = "Consolidation des bilans"
LIGNES_DONNEES_MAX = 1_000_000
"""Rows of the « Données » sheet at most (Excel stops at 1 048 576): the CSV holds every row."""

PT, PC, PL = k.PT, k.PC, k.PL

ENTETES = {
    "bailleur": c.EnTete("Bailleur"),
    "siren": c.EnTete("SIREN"),
    "statut_libelle": c.EnTete("Statut"),
    "fichiers": c.EnTete("Fichiers reçus"),
    "part_disponibilites": c.EnTete("Part des disponibilités du territoire", c.PART),
    "nombre_bailleurs": c.EnTete("Nombre de bailleurs", c.ENTIER),
    "categorie_libelle": c.EnTete("Catégorie"),
    "reservataire": c.EnTete("Réservataire (catégorie et périmètre de convention)"),
    "taux_convention": c.EnTete("Taux conventionnel pondéré", c.PART),
    "perimetre_convention": c.EnTete("Périmètre de la convention"),
    "nom": c.EnTete("Nom donné par le bailleur"),
    "valeur_n": c.EnTete("Année n", c.DROITS),
    "valeur_n_1": c.EnTete("Année n−1", c.DROITS),
    "evolution": c.EnTete("Évolution", c.DROITS),
    "evolution_relative": c.EnTete("Évolution relative", c.PART),
    "valeur_n_communs": c.EnTete("n, bailleurs reçus les deux années", c.DROITS),
    "valeur_n_1_communs": c.EnTete("n−1, mêmes bailleurs", c.DROITS),
    "evolution_communs": c.EnTete("Évolution à bailleurs constants", c.DROITS),
}
"""Headers of the consolidation's own columns (the others come from :data:`flux_dash.rapports.commun.COLONNES`)."""
STATUTS = {"recu": "reçu", "manquant": "manquant"}
ENSEMBLE_PERIMETRE = "Ensemble du périmètre"
"""Holder of a perimeter-wide indicator row (``categorie`` empty), as in the landlord's EPCI/EPT and État trames."""
ENSEMBLE_CATEGORIE = "Ensemble de la catégorie"
"""Holder of a category's total row (``categorie`` set, ``reservataire`` empty), as in the Synthèse's matrix."""
TOUTES_CATEGORIES = "Toutes catégories"
"""Category of a perimeter-wide row (``categorie`` empty), in the Indicateurs and Évolution sheets alike."""
COLONNES_FLUX = [
    "perimetre_libelle",
    "disponibilites",
    "soustraits",
    "flux",
    "relogements_realises",
    "logements_attribues",
]
COLONNES_MATRICE = [
    "categorie_libelle",
    "reservataire",
    "logements_proposes",
    "part_flux_orientations",
    "logements_attribues",
    "part_attributions",
    "attribues_en_qpv",
    "attribues_hors_qpv",
    "taux_convention",
    "droits_theoriques",
    "ecart",
    "taux_realisation",
    "taux_transformation",
    "nombre_bailleurs",
]
NOTE_MATRICE = (
    "Une ligne par catégorie (somme de ses réservataires), puis une par réservataire reconnu par sa catégorie et le "
    "périmètre de sa convention, quel que soit le nom que lui donne chaque bailleur (feuille « Réservataires »). "
    "Parts et taux recalculés à partir des sommes : part du flux = proposés ÷ flux ; part des attributions = "
    "attribués ÷ attributions de tous les attributaires ; taux pondéré = droits ÷ flux ; taux de réalisation = "
    "proposés ÷ droits. Taux, droits et écart sur le périmètre de la convention seulement."
)
NOTE_TOTAL = (
    "Total : somme des lignes de catégorie (un logement proposé à deux réservataires compte pour les deux : le total "
    "des proposés peut dépasser le flux ; les attribués font 100 %)."
)
REGLES = [
    (
        "Chiffres additionnés",
        "Comptes de logements distincts de chaque bailleur (un logement appartient à un seul bailleur) ; parts et taux "
        "recalculés à partir des sommes, jamais moyennés.",
    ),
    (
        "Réservataires",
        "Reconnus par catégorie et périmètre de convention, jamais par leur nom ; « autre réservataire » par son nom.",
    ),
    (
        "Taux conventionnel pondéré",
        "Droits additionnés ÷ flux de tous les bailleurs du périmètre (un bailleur sans convention avec le réservataire "
        "compte pour 0).",
    ),
    (
        "Périmètre incomplet",
        "Un périmètre qu'un bailleur présent ne couvre pas (son fichier est un extrait) n'est pas consolidé.",
    ),
    (
        "Colonne facultative",
        "Un indicateur qui en dépend n'est consolidé que si chaque bailleur du périmètre la renseigne.",
    ),
    (
        "Évolution",
        "n − n−1, et la même sur les seuls bailleurs reçus les deux années (« à bailleurs constants »).",
    ),
]
"""The consolidation's choices, printed on its Paramètres sheet (DOMAINE.md §5.5)."""


@dataclass(frozen=True)
class OptionsConsolidation:
    """Choices of the receiver for its workbooks."""

    territoires: tuple[tuple[str, str], ...] | None = None
    """Territories to write a workbook for; None: those asked when consolidating, else every département, the région
    and every EPCI « LEC »/EPT that is consolidated."""
    destinataire: str = ""
    """Who the workbooks are for (« Est Ensemble – service habitat »), shown on every sheet."""


def territoires(co: Consolidation, options: OptionsConsolidation | None = None) -> list[tuple[str, str]]:
    options = options or OptionsConsolidation()
    if options.territoires is not None:
        return list(options.territoires)
    return list(co.territoires) or territoires_presents(co.perimetres)


def lister(co: Consolidation, options: OptionsConsolidation | None = None) -> list[RapportPrevu]:
    """One workbook per territory, built lazily."""
    options = options or OptionsConsolidation()
    return [
        RapportPrevu(
            GENRE,
            ref.libelle_perimetre(pt, pc),
            nom_classeur(co.annee, pt, pc),
            DOSSIER,
            lambda pt=pt, pc=pc: classeur_consolidation(co, pt, pc, options),
        )
        for pt, pc in territoires(co, options)
    ]


# --- helpers ----------------------------------------------------------------------------------------------------


def _sur(df: pd.DataFrame, ptype: str, pcode: str, bailleur: str | None = TOUS) -> pd.DataFrame:
    t = df[(df[PT] == ptype) & (df[PC] == pcode)]
    if bailleur is not None:
        t = t[t["bailleur"] == bailleur]
    return t.reset_index(drop=True)


def _dedans(co: Consolidation, ptype: str, pcode: str, types: tuple[str, ...]) -> list[tuple[str, str]]:
    """The consolidated perimeters of ``types`` inside the territory (all their communes in it), sorted."""
    communes = communes_du_perimetre(ptype, pcode)
    p = co.perimetres[co.perimetres["sortie"] & co.perimetres[PT].isin(types)]
    dedans = [
        (t, code)
        for t, code in zip(p[PT], p[PC], strict=True)
        if (t, code) != (ptype, pcode) and communes_du_perimetre(t, code) <= communes
    ]
    return sorted(dedans)


def _du_perimetre(df: pd.DataFrame, perimetres: list[tuple[str, str]]) -> pd.DataFrame:
    return c.du_perimetre(df[df["bailleur"] == TOUS], perimetres) if len(perimetres) else df.iloc[0:0]


def _section(
    ws: Feuille, ligne: int, titre: str, df: pd.DataFrame, notes: list[str], **options
) -> tuple[excel.Plage, int]:
    libelles = {nom: e.entete for nom, e in ENTETES.items() if nom in df.columns}
    formats = {nom: e.format for nom, e in ENTETES.items() if nom in df.columns and e.format}
    return c.ecrire_section(
        ws,
        ligne,
        titre,
        df,
        notes,
        libelles={**libelles, **options.pop("libelles", {})},
        formats={**formats, **options.pop("formats", {})},
        **options,
    )


def _titre(ws: Feuille, titre: str, co: Consolidation, libelle: str, destinataire: str) -> int:
    recus = int((co.couverture["statut"] == "recu").sum())
    attendus = int(len(co.couverture))
    sous_titres = [
        f"Territoire : {libelle}",
        f"Année des bilans : {co.annee} (dates du 01/01/{co.annee} au 31/12/{co.annee})",
        f"Bilans reçus : {recus} bailleur{'s' if recus > 1 else ''}"
        + (f" sur {attendus} attendus" if attendus > recus else ""),
    ]
    if destinataire:
        sous_titres.insert(1, f"Destinataire : {destinataire}")
    return excel.ecrire_titre(ws, titre, sous_titres)


def _matrice(co: Consolidation, ptype: str, pcode: str, bailleur: str = TOUS) -> pd.DataFrame:
    m = _sur(co.matrice, ptype, pcode, bailleur)
    m["reservataire"] = m["reservataire"].where(m["reservataire"] != "", ENSEMBLE_CATEGORIE)
    return m


# --- the workbook --------------------------------------------------------------------------------------------------


class TerritoireInconnu(ValueError):
    """A territory asked for that the référentiel does not know; its message is French, for the user."""


def verifier_territoire(ptype: str, pcode: str) -> None:
    """Raises :class:`TerritoireInconnu` (a :class:`ValueError`) for a territory the référentiel does not know: an unknown perimeter type
    (« EPCI » for « EPCI_EPT ») or code would otherwise give a workbook with every table empty, without a word."""
    if ptype not in ref.PERIMETRES.codes:
        raise TerritoireInconnu(
            f"type de périmètre inconnu : « {ptype} » ; types admis : {', '.join(ref.PERIMETRES.codes)}."
        )
    if (ptype, pcode) not in ref.libelles_perimetres():
        raise TerritoireInconnu(
            f"territoire inconnu : {ref.PERIMETRES.libelle(ptype)} « {pcode} » (absent du référentiel)."
        )


def classeur_consolidation(
    co: Consolidation, ptype: str, pcode: str, options: OptionsConsolidation | None = None
) -> bytes:
    """The consolidated workbook of one territory, as ``.xlsx`` bytes; :func:`verifier_territoire` first."""
    verifier_territoire(ptype, pcode)
    options = options or OptionsConsolidation()
    libelle = ref.libelle_perimetre(ptype, pcode)
    wb = c.nouveau_classeur()
    args = (wb, co, ptype, pcode, libelle, options.destinataire)
    _feuille_couverture(*args)
    _feuille_synthese(*args)
    _feuille_communes(*args)
    _feuille_bailleurs(*args)
    _feuille_indicateurs(*args)
    if len(co.evolution):
        _feuille_evolution(*args)
    _feuille_reservataires(*args)
    _feuille_parametres(*args)
    excel.feuille_definitions(wb, lignes_definitions())
    _feuille_donnees(*args)
    return c.octets(wb, f"{DOCUMENT} {co.annee} – {libelle}")


def lignes_definitions() -> list[tuple[str, str]]:
    """The « Définitions » sheet: the landlord's definitions, the consolidation's, then the display conventions
    (each defined once: :data:`~flux_dash.consolidation.definitions.DEFINITIONS_TERRITOIRE`,
    :func:`flux_dash.rapports.commun.conventions`)."""
    return [*((libelle, phrase) for _, libelle, phrase in DEFINITIONS_TERRITOIRE), *c.conventions()]


def _feuille_couverture(
    wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str
) -> None:
    ws = c.nouvelle_feuille(wb, "Couverture")
    debut = _titre(ws, f"Bilans {co.annee} reçus et attendus – {libelle}", co, libelle, destinataire)
    table = tableaux.couverture_du_territoire(co.couverture, co.flux, ptype, pcode)
    table["statut_libelle"] = table["statut"].map(STATUTS)
    _section(
        ws,
        debut,
        "Bailleurs ayant des logements sur le territoire, et bailleurs attendus",
        c.selection(
            table, ["bailleur", "siren", "statut_libelle", "fichiers", "disponibilites", "part_disponibilites"]
        ),
        [
            "Reçu : au moins un fichier (archive ZIP, indicateurs CSV ou classeur) de ce bailleur pour l'année. "
            "Manquant : attendu (liste des bailleurs attendus) mais aucun fichier reçu.",
            "Part des disponibilités : disponibilités du bailleur sur le territoire ÷ disponibilités de tous les "
            "bailleurs reçus.",
        ],
        filtre=True,
    )
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))


def _feuille_synthese(wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str) -> None:
    ws = c.nouvelle_feuille(wb, "Synthèse")
    debut = _titre(ws, f"Consolidation {co.annee} de la gestion en flux – {libelle}", co, libelle, destinataire)
    flux = _sur(co.flux, ptype, pcode)
    _, ligne = _section(
        ws,
        debut,
        f"Flux annuel {co.annee} du territoire, tous bailleurs",
        c.selection(flux, [*COLONNES_FLUX, "nombre_bailleurs"]),
        [
            "Sommes des chiffres des bailleurs. Flux = disponibilités − soustraits. Logements attribués : tous "
            "attributaires, ligne « Hors convention » comprise."
        ],
    )
    sous = _sur(co.soustraits, ptype, pcode)
    sous = sous[(sous["soustraits"] > 0) | (sous["relogements_realises"] > 0)]
    _, ligne = _section(
        ws,
        ligne,
        "Soustraits et relogements réalisés par catégorie",
        c.selection(
            sous.rename(columns={"categorie_libelle": "categorie_soustraction_libelle"}),
            ["categorie_soustraction_libelle", "soustraits", "relogements_realises"],
        ),
        ["Catégories sans logement omises."],
    )
    matrice = _matrice(co, ptype, pcode)
    total = tableaux.total_matrice(
        _sur(co.matrice, ptype, pcode), flux.iloc[0] if len(flux) else pd.Series(dtype=float)
    )
    plage, ligne = _section(
        ws,
        ligne,
        "Réservataires du territoire : proposés, attribués, droits",
        c.selection(matrice, COLONNES_MATRICE),
        [NOTE_MATRICE, NOTE_TOTAL, c.NOTE_NS],
        total={"categorie_libelle": "Total", **total},
        filtre=True,
    )
    c.finir_feuille(ws, f"C{debut}")


def _feuille_communes(wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str) -> None:
    ws = c.nouvelle_feuille(wb, "Par commune")
    debut = _titre(ws, f"Consolidation {co.annee} par commune – {libelle}", co, libelle, destinataire)
    communes = _dedans(co, ptype, pcode, ("COMMUNE",)) if ptype != "COMMUNE" else [(ptype, pcode)]
    flux = _du_perimetre(co.flux, communes).rename(columns={"perimetre_libelle": "commune"})
    flux["code_commune"] = flux[PC]
    _, ligne = _section(
        ws,
        debut,
        "Flux par commune, tous bailleurs",
        c.selection(flux, ["commune", "code_commune", *COLONNES_FLUX[1:], "nombre_bailleurs"]),
        ["Paris : ensemble des arrondissements."],
        filtre=True,
    )
    m = _du_perimetre(co.matrice, communes)
    m = m[m["reservataire"] == ""].rename(columns={"perimetre_libelle": "commune"})
    _section(
        ws,
        ligne,
        "Catégories de réservataires par commune",
        c.selection(
            m,
            [
                "commune",
                "categorie_libelle",
                "logements_proposes",
                "part_flux_orientations",
                "logements_attribues",
                "part_attributions",
                "attribues_en_qpv",
                "attribues_hors_qpv",
            ],
        ),
        [NOTE_TOTAL.split(" (")[0] + ".", c.NOTE_NS],
        filtre=True,
    )
    c.finir_feuille(ws, f"C{debut + 2}", (debut + 1, debut + 1))


def _feuille_bailleurs(
    wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str
) -> None:
    ws = c.nouvelle_feuille(wb, "Par bailleur")
    debut = _titre(ws, f"Consolidation {co.annee} par bailleur – {libelle}", co, libelle, destinataire)
    flux = _sur(co.flux, ptype, pcode, None)
    par_bailleur = flux[flux["bailleur"] != TOUS]
    tous = flux[flux["bailleur"] == TOUS]
    total = {col: float(tous[col].iloc[0]) for col in COLONNES_FLUX[1:]} if len(tous) else None
    _, ligne = _section(
        ws,
        debut,
        "Flux de chaque bailleur sur le territoire",
        c.selection(par_bailleur, ["bailleur", *COLONNES_FLUX[1:], "part_disponibilites"]),
        ["Total : tous les bailleurs reçus."],
        total={"bailleur": "Total", **total} if total else None,
        filtre=True,
    )
    m = _sur(co.matrice, ptype, pcode, None)
    m = m[(m["bailleur"] != TOUS) & (m["reservataire"] == "")]
    _, ligne = _section(
        ws,
        ligne,
        "Catégories de réservataires, bailleur par bailleur",
        c.selection(
            m,
            [
                "bailleur",
                "categorie_libelle",
                "logements_proposes",
                "part_flux_orientations",
                "logements_attribues",
                "part_attributions",
            ],
        ),
        ["Chiffres de chaque bailleur, tels qu'il les a produits ; parts recalculées sur son propre flux."],
        filtre=True,
    )
    r = _sur(co.matrice, ptype, pcode, None)
    r = r[(r["bailleur"] != TOUS) & (r["reservataire"] != "") & r["droits_theoriques"].notna()]
    _section(
        ws,
        ligne,
        "Conventions du territoire : taux, droits et réalisation de chaque bailleur",
        c.selection(
            r,
            [
                "reservataire",
                "bailleur",
                "taux_convention",
                "droits_theoriques",
                "logements_proposes",
                "ecart",
                "taux_realisation",
                "logements_attribues",
            ],
        ),
        [
            "Taux conventionnel du bailleur (droits ÷ flux) ; écart = proposés − droits ; taux de réalisation = proposés ÷ droits.",
            c.NOTE_NS,
        ],
        filtre=True,
        libelles={"taux_convention": "Taux conventionnel"},
    )
    c.finir_feuille(ws, f"B{debut}")


def _table_indicateurs(ind: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    t = c.avec_libelles(ind)
    if len(t):
        # Three kinds of rows (FORMAT.md §3.2): perimeter-wide (categorie empty), a category's total (categorie set,
        # reservataire empty), one réservataire; each has its own label, the category its column.
        ensemble = t["categorie"] == ""
        t["categorie_libelle"] = (
            t["categorie"].map(ref.LIBELLES_COURTS_RESERVATAIRE).where(~ensemble, TOUTES_CATEGORIES)
        )
        t["reservataire"] = t["reservataire"].where(
            t["reservataire"] != "", pd.Series(ENSEMBLE_CATEGORIE, index=t.index).where(~ensemble, ENSEMBLE_PERIMETRE)
        )
        # A numerator one landlord does not give (an optional column): « non renseigné », not « n.s. » (kept for
        # a division by zero); a délai keeps its « — » numerator.
        absent = t["numerateur"].isna() & (t["unite"] != "jours")
        t["numerateur"] = t["numerateur"].astype(object).where(~absent, c.NON_RENSEIGNE)
        t["valeur"] = t["valeur"].astype(object).where(~(absent & t["valeur"].isna()), c.NON_RENSEIGNE)
    colonnes = [
        "indicateur_libelle",
        "perimetre_libelle",
        "categorie_libelle",
        "reservataire",
        "numerateur",
        "denominateur",
        "valeur",
        "cible",
        "lecture",
        "nombre_bailleurs",
    ]
    return c.selection(t, colonnes), c.selection(t, ["unite"])["unite"]


def _ecrire_indicateurs(ws: Feuille, ligne: int, titre: str, ind: pd.DataFrame, notes: list[str]) -> int:
    table, unites = _table_indicateurs(ind)
    plage, ligne = _section(ws, ligne, titre, table, [*notes, c.NOTE_INDICATEURS, c.NOTE_NS])
    c.formater_indicateurs(ws, plage, table, unites)
    return ligne


def _feuille_indicateurs(
    wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str
) -> None:
    ws = c.nouvelle_feuille(wb, "Indicateurs")
    ligne = _titre(ws, f"Indicateurs {co.annee} – {libelle}", co, libelle, destinataire)
    ind = co.indicateurs[co.indicateurs["bailleur"] == TOUS]
    epci = [(ptype, pcode)] if ptype == "EPCI_EPT" else _dedans(co, ptype, pcode, ("EPCI_EPT",))
    cia = c.du_perimetre(ind[ind["indicateur"].isin(k.INDICATEURS_CIA)], epci) if epci else ind.iloc[0:0]
    ligne = _ecrire_indicateurs(
        ws,
        ligne,
        "Convention intercommunale d'attribution (CIA)" + (" par EPCI / EPT" if ptype != "EPCI_EPT" else ""),
        cia,
        [
            "Numérateurs et dénominateurs additionnés sur les bailleurs (attributions de tous les attributaires, "
            "logements soustraits compris)."
        ],
    )
    if ptype == "DEPARTEMENT":
        prefet = ind[ind["indicateur"].isin(k.INDICATEURS_PREFET)]
        communes = _dedans(co, ptype, pcode, ("COMMUNE",))
        ligne = _ecrire_indicateurs(
            ws,
            ligne,
            "Contrôles du contingent préfectoral (art. R. 441-5-2 CCH), département puis communes",
            c.du_perimetre(prefet, [(ptype, pcode), *communes]),
            [
                "Préfet = publics prioritaires et agents de l'État ; la part du préfet s'applique uniformément dans "
                "chaque commune sauf stipulation contraire. Un arrêté préfectoral peut déroger pour un an."
            ],
        )
    autres = ind[~ind["indicateur"].isin(k.INDICATEURS_CIA + k.INDICATEURS_PREFET)]
    _ecrire_indicateurs(
        ws, ligne, "Indicateurs du cadrage régional par catégorie et réservataire", _sur(autres, ptype, pcode), []
    )
    c.finir_feuille(ws, None)


def _feuille_evolution(
    wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str
) -> None:
    ws = c.nouvelle_feuille(wb, f"Évolution {co.annee_precedente}-{co.annee}")
    debut = _titre(ws, f"Évolution {co.annee_precedente} → {co.annee} – {libelle}", co, libelle, destinataire)
    e = co.evolution[(co.evolution[PT] == ptype) & (co.evolution[PC] == pcode) & (co.evolution["bailleur"] == TOUS)]
    e = e.copy()
    e = e[~e["indicateur"].isin(["tours", "tours_sans_designation", "delai_cumule_orientation_attribution"])]
    e["categorie_libelle"] = e["categorie"].map(ref.LIBELLES_COURTS_RESERVATAIRE).fillna(TOUTES_CATEGORIES)
    e["reservataire"] = e["reservataire"].where(e["reservataire"] != "", "")
    e = e.rename(columns={"libelle": "indicateur_libelle"})
    table = c.selection(
        e,
        [
            "categorie_libelle",
            "reservataire",
            "indicateur_libelle",
            "valeur_n",
            "valeur_n_1",
            "evolution",
            "evolution_relative",
            "valeur_n_communs",
            "valeur_n_1_communs",
            "evolution_communs",
        ],
    )
    plage, _ = _section(
        ws,
        debut,
        f"Chiffres du territoire en {co.annee} et en {co.annee_precedente}",
        table,
        [
            "Évolution : écart de logements pour un compte, écart de fractions pour une part (0,02 = 2 points). "
            "« À bailleurs constants » : sur les seuls bailleurs reçus les deux années.",
            c.NOTE_NS,
        ],
        filtre=True,
        libelles={"reservataire": "Réservataire", "categorie_libelle": "Catégorie"},
    )
    ratios = e["unite"].to_numpy() == "ratio"
    colonnes = list(table.columns)
    for i, est_ratio in enumerate(ratios):
        if not est_ratio:
            continue
        for nom in (
            "valeur_n",
            "valeur_n_1",
            "evolution",
            "valeur_n_communs",
            "valeur_n_1_communs",
            "evolution_communs",
        ):
            cellule = ws.cellule(plage.premiere_ligne + 1 + i, plage.premiere_colonne + colonnes.index(nom))
            if cellule is not None and isinstance(cellule.valeur, int | float):
                cellule.format = c.PART
    c.finir_feuille(ws, f"D{debut + 2}", (debut + 1, debut + 1))


def _feuille_reservataires(
    wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str
) -> None:
    ws = c.nouvelle_feuille(wb, "Réservataires")
    debut = _titre(ws, "Réservataires : le nom que chaque bailleur leur donne", co, libelle, destinataire)
    communes = communes_du_perimetre(ptype, pcode)
    r = co.reservataires.copy()
    touche = [bool(communes_du_perimetre(t, code) & communes) for t, code in zip(r[PT], r[PC], strict=True)]
    r = r.loc[touche]  # .loc : une liste vide (aucun envoi) choisit zéro ligne, pas zéro colonne
    r["categorie_libelle"] = r["categorie"].map(ref.LIBELLES_COURTS_RESERVATAIRE)
    r["perimetre_convention"] = [ref.libelle_perimetre(t, code) for t, code in zip(r[PT], r[PC], strict=True)]
    _section(
        ws,
        debut,
        "Réservataires ayant une convention sur le territoire",
        c.selection(r, ["reservataire", "categorie_libelle", "perimetre_convention", "bailleur", "nom"]),
        [
            "Un réservataire est reconnu par sa catégorie et le périmètre de sa convention ; un « autre réservataire » "
            "par son nom."
        ],
        filtre=True,
    )
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))


def _feuille_parametres(
    wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str
) -> None:
    lignes: list[tuple[str, object]] = [
        ("Document", f"{DOCUMENT} {co.annee}"),
        ("Territoire", f"{libelle} ({ref.PERIMETRES.libelle(ptype)} {pcode})"),
        ("Destinataire", destinataire or "non renseigné"),
        ("Année des bilans", co.annee),
    ]
    if co.annee_precedente:
        lignes.append(("Année comparée", co.annee_precedente))
    for r in co.envois.itertuples():
        for nom, sha in zip(r.fichiers.split(" ; "), r.sha256.split(" ; "), strict=True):
            lignes.append(("Fichier source", f"{nom} – {r.bailleur} (sha256 {sha})"))
    lignes += [("Date de génération", c.horodatage()), ("Version de flux_dash", c.version_outil())]
    lignes += [(f"Règle : {nom}", texte) for nom, texte in REGLES]
    ws = excel.feuille_parametres(wb, lignes, sous_titres=[f"{DOCUMENT} {co.annee} – {libelle}"])
    excel.copier_cellules(c.section_regles(co.regles, None), ws, ws.derniere_ligne + 1)
    excel.ajuster_largeurs(ws, maximum=60)
    ws.largeurs[2] = max(ws.largeurs.get(2) or 0, 60)


def _feuille_donnees(wb: Classeur, co: Consolidation, ptype: str, pcode: str, libelle: str, destinataire: str) -> None:
    """The consolidated rows (all landlords together) of the territory and of the perimeters inside it, plain data
    in an Excel table: what makes this workbook readable by a program (FORMAT.md §2.1)."""
    ws = c.nouvelle_feuille(wb, "Données")
    dedans = {(ptype, pcode), *_dedans(co, ptype, pcode, ("COMMUNE", "EPCI_EPT", "DEPARTEMENT", "REGION"))}
    t = co.en_tableau()
    t = t[t["bailleur"] == TOUS]
    # Vectorised: a région's CSV has every landlord's rows, and this runs once per territory's workbook.
    t = t[pd.MultiIndex.from_arrays([t[PT], t[PC]]).isin(list(dedans))]
    tronque = len(t) > LIGNES_DONNEES_MAX
    t = t.head(LIGNES_DONNEES_MAX).reset_index(drop=True)
    debut = excel.ecrire_titre(
        ws,
        f"Données consolidées {co.annee} – {libelle}",
        [
            "Tous les bailleurs reçus ensemble ; les chiffres de chaque bailleur sont dans "
            f"indicateurs_consolides_{co.annee}.csv."
            + (f" Lignes limitées à {LIGNES_DONNEES_MAX} : le fichier CSV les a toutes." if tronque else ""),
            donnees.NOTE_IMPRESSION,
        ],
    )
    entete = (
        ("Document", f"{DOCUMENT} {co.annee} (tous les bailleurs)"),
        ("Année", co.annee),
        ("Version de flux_dash", c.version_outil()),
    )
    for etiquette, valeur in entete:
        excel.ecrire_texte(ws, debut, 1, etiquette, excel.STYLE_SOUS_TITRE)
        format_ = excel.FORMAT_ANNEE if isinstance(valeur, int) else None
        excel.ecrire_valeur(ws, debut, 2, valeur, format_, excel.STYLE_SOUS_TITRE)
        debut += 1
    debut += 1
    excel.ecrire_tableau(
        ws, t, debut, formats={"valeur": "General", "annee": excel.FORMAT_ANNEE}, tableau="donnees", classeur=wb
    )
    excel.ajuster_largeurs(ws, maximum=40)
    donnees.elargir_pour_les_etiquettes(ws, [etiquette for etiquette, _ in entete])
    excel.figer_entete(ws, f"A{debut + 1}")
    donnees.zone_impression(ws, debut)  # its header only: flux_dash.rapports.donnees says why
