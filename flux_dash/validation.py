"""Validation of the clean tables: every check of FORMAT.md §1.5, returned as a :class:`RapportValidation`.

This module owns the rules that decide whether a bilan can be produced:

* the **per-table rules** (required values, category lists, bounds, duplicates, reference codes, row-level
  coherence) are pandera schemas built from :mod:`flux_dash.colonnes` and :mod:`flux_dash.referentiel` (no
  category list is declared here). Parsing belongs to :mod:`flux_dash.lecture`: schemas run with
  ``coerce=False`` on already typed tables;
* the **cross-table rules** (a tour's logement and réservataire, orientations outside the conventions'
  perimeters, the préfet's caps, non-oriented logements…) are vectorised pandas code.

Every rule has a stable ``code`` (see :data:`REGLES`), a French sentence and a hint. Errors block the bilan,
warnings do not (FORMAT.md §1.5: "a file with errors is never half-used"). A cell is reported at most once
as an error (reading problems first, then the rules in the order of :data:`REGLES`); a warning is dropped on a
cell that already carries an error. Each rule reports at most :data:`MAX_PAR_REGLE` rows per table, then one
summary line, so that a million-row file cannot produce a million-entry list.

Validation never raises on bad data: it returns problems. An exception is a programming error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from flux_dash import referentiel as ref
from flux_dash.colonnes import DTYPES, LIGNE, PAR_NOM, TABLES, Table
from flux_dash.formats import ESPACE_MILLIERS, nombre, pourcentage
from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION, DonneesLues, Gravite, Probleme, RapportValidation
from flux_dash.regles import ReglesCalcul

__all__ = ["MAX_PAR_REGLE", "REGLES", "Regle", "annee_par_defaut", "charger", "schema", "valider"]

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
MAX_PAR_REGLE = 1000
"""At most this many problems per rule and table; the rest is summarised in one line."""


_ORDRE_TABLES = {t.nom: i for i, t in enumerate(TABLES)}

COLONNES_RESERVATAIRE = {"tours": "reservataire", "conventions": "reservataire"}
"""Réservataire names are matched exactly after stripping spaces (FORMAT.md §1.2–1.3)."""


# --- The rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regle:
    """One rule of FORMAT.md §1.5: stable ``code``, gravity, French sentence and default hint."""

    code: str
    gravite: Gravite
    texte: str
    conseil: str = ""


_CONSEIL_TAUX = "Indiquez les taux en pourcentage : 25 pour 25 %."
_CONSEIL_PREFET = "sauf arrêté préfectoral de dérogation (CCH R. 441-5-2)"

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
_PRIORITE = {code: i for i, code in enumerate(REGLES)}


# --- Small French formatting helpers ------------------------------------------------------------------------


def _valeur_fr(v: object) -> str:
    """A cell value as the user reads it: dates JJ/MM/AAAA, booleans oui/non, decimal comma, no grouping."""
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "oui" if v else "non"
    if isinstance(v, (pd.Timestamp, dt.date)):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return ""
        if float(v).is_integer():
            return str(int(v))
        return f"{float(v):.10g}".replace(".", ",")
    return str(v)


def _entier_fr(n: int) -> str:
    return nombre(n)


def _logements(n: int) -> str:
    return f"{_entier_fr(n)} logement" + ("" if n == 1 else "s")


def _lignes_fr(lignes: Sequence[object], maximum: int = 20) -> str:
    """``lignes 2, 5, 9`` (sorted, at most ``maximum`` shown)."""
    valeurs = sorted(int(x) for x in lignes if not pd.isna(x))
    texte = ", ".join(str(x) for x in valeurs[:maximum])
    if len(valeurs) > maximum:
        texte += f"… (+{_entier_fr(len(valeurs) - maximum)})"
    return ("ligne " if len(valeurs) == 1 else "lignes ") + texte


def _code_et_libelle(categorie: ref.Categorie, code: str) -> str:
    return code if categorie.libelle(code) == code else f"{code} « {categorie.libelle(code)} »"


def _liste_admise(categorie: ref.Categorie) -> str:
    elements = [_code_et_libelle(categorie, c) for c in categorie.codes]
    return "Valeurs admises (le code ou son libellé) : " + " ; ".join(elements) + "."


def _conseil_hors_liste(categorie: ref.Categorie, valeur: object) -> str:
    """The allowed values, after the closest one when the value looks like a typo of a code, label or alias."""
    alias = categorie.table_alias
    proches = difflib.get_close_matches(ref.normaliser_texte(str(valeur)), list(alias), n=1, cutoff=0.75)
    liste = _liste_admise(categorie)
    if not proches:
        return liste
    return f"Vouliez-vous dire {_code_et_libelle(categorie, alias[proches[0]])} ? {liste}"


def _pct_taux(x: float) -> str:
    return f"{nombre(x)}{ESPACE_MILLIERS}%"


def _dans(s: pd.Series, valeurs: object) -> pd.Series:
    """``s.isin(valeurs)`` for a text column (NA → False), vectorised.

    pandas 3 ``isin`` on Arrow-backed strings loops in Python over ``valeurs`` (1.4 s for 200 000 values):
    use pyarrow's ``is_in`` when pyarrow is there (0.04 s), else a hash lookup on objects (0.3 s).
    """
    try:
        import pyarrow as arrow
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is installed with pandas here
        return s.astype(object).isin(set(pd.array(list(valeurs), dtype="string").dropna())).astype(bool)
    if isinstance(valeurs, frozenset):
        droite = _ensemble_arrow(valeurs)  # the reference sets: converted once
    else:
        droite = arrow.array(pd.array(list(valeurs) if isinstance(valeurs, set) else valeurs, dtype="string"))
        droite = droite.cast(arrow.large_string()).unique()
    gauche = arrow.array(s.astype("string").array).cast(arrow.large_string())
    resultat = pc.is_in(gauche, value_set=droite)
    return pd.Series(np.asarray(resultat.fill_null(False)), index=s.index, dtype=bool)


@cache
def _ensemble_arrow(valeurs: frozenset[str]):  # noqa: ANN202 (pyarrow is optional)
    import pyarrow as arrow

    return arrow.array(sorted(valeurs), type=arrow.large_string())


def _position(s: pd.Series, valeurs: pd.Index) -> np.ndarray:
    """Position of each value of ``s`` in the unique ``valeurs`` (-1 when absent or NA), vectorised."""
    droite = pd.array(valeurs, dtype="string")
    try:
        import pyarrow as arrow
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover
        return pd.Index(droite.astype(object)).get_indexer(s.astype(object))
    gauche = arrow.array(s.astype("string").array).cast(arrow.large_string())
    resultat = pc.index_in(gauche, value_set=arrow.array(droite).cast(arrow.large_string()))
    return np.asarray(resultat.fill_null(-1), dtype=np.int64)


def _associer(s: pd.Series, correspondance: pd.Series) -> pd.Series:
    """``s.map(correspondance)`` for text keys (unique index), vectorised; no match → NA."""
    position = _position(s, correspondance.index)
    valeurs = correspondance.array.take(position, allow_fill=True)
    return pd.Series(valeurs, index=s.index)


# --- Reference sets (cached: the référentiel is static) -----------------------------------------------------


@cache
def _codes_communes() -> frozenset[str]:
    return frozenset(ref.communes()["code_insee"])


@cache
def _departement_des_communes() -> dict[str, str]:
    c = ref.communes()
    return dict(zip(c["code_insee"], c["code_departement"], strict=True))


@cache
def _codes_qpv() -> frozenset[str]:
    return frozenset(ref.qpv()["code_qpv"])


@cache
def _paires_qpv_commune() -> frozenset[str]:
    q = ref.qpv()
    return frozenset(q["code_qpv"] + "|" + q["code_insee"])


@cache
def _perimetres_connus() -> frozenset[str]:
    return frozenset(f"{t}|{c}" for t, c in ref.perimetres_connus())


@cache
def _communes_du_perimetre(perimetre_type: str, perimetre_code: str) -> frozenset[str]:
    return frozenset(ref.communes_du_perimetre(perimetre_type, perimetre_code))


def _libelle_commune(code: str) -> str:
    return f"{ref.nom_commune(code)} ({code})"


def _libelle_perimetre(perimetre_type: str, perimetre_code: str) -> str:
    libelle = ref.libelle_perimetre(perimetre_type, perimetre_code)
    if perimetre_type == "DEPARTEMENT":
        return libelle
    return f"{libelle} ({perimetre_code})" if libelle != perimetre_code else perimetre_code


# --- Pandera schemas (per-table rules) ----------------------------------------------------------------------


def _entre(minimum: float | None, maximum: float | None) -> Callable[[pd.Series], pd.Series]:
    def controle(s: pd.Series) -> pd.Series:
        ok = pd.Series(True, index=s.index)
        if minimum is not None:
            ok &= (s >= minimum).fillna(True)
        if maximum is not None:
            ok &= (s <= maximum).fillna(True)
        return ok

    return controle


def _parmi(valeurs: Callable[[], frozenset[str]] | frozenset[str]) -> Callable[[pd.Series], pd.Series]:
    def controle(s: pd.Series) -> pd.Series:
        admis = valeurs() if callable(valeurs) else valeurs
        return s.isna() | _dans(s, admis)

    return controle


def _controles_colonnes(
    annee_courante: int,
) -> dict[tuple[str, str], list[tuple[str, Callable[[pd.Series], pd.Series]]]]:
    """Column rules beyond category lists and required values: (table, column) → [(rule code, check)]."""
    return {
        ("logements", "code_commune"): [("commune_inconnue", _parmi(_codes_communes))],
        ("logements", "code_qpv"): [("qpv_inconnu", _parmi(_codes_qpv))],
        ("logements", "annee_construction"): [("annee_hors_bornes", _entre(ANNEE_CONSTRUCTION_MIN, annee_courante))],
        ("tours", "numero_tour"): [("numero_tour_invalide", _entre(1, None))],
        ("conventions", "taux"): [("taux_hors_bornes", _entre(0, 100))],
        ("previsionnel", "code_departement"): [("departement_inconnu", _parmi(frozenset(ref.DEPARTEMENTS_IDF)))],
        ("previsionnel", "nombre_prevu"): [("nombre_negatif", _entre(0, None))],
        ("previsionnel", "disponibilites_prevues"): [("nombre_negatif", _entre(0, None))],
    }


# Row-level rules that read several columns: rule code → (table, reported column, check returning True = ok).


def _qpv_dans_commune(df: pd.DataFrame) -> pd.Series:
    connus = _dans(df["code_qpv"], _codes_qpv()) & _dans(df["code_commune"], _codes_communes())
    paire = _dans(df["code_qpv"] + "|" + df["code_commune"], _paires_qpv_commune())
    return (~connus | paire).fillna(True).astype(bool)


def _qpv_coherent(df: pd.DataFrame) -> pd.Series:
    return ~(df["code_qpv"].notna() & (df["qpv"] == False)).fillna(False).astype(bool)  # noqa: E712 (nullable)


def _tour_unique(df: pd.DataFrame) -> pd.Series:
    cles = df["id_logement"].notna() & df["numero_tour"].notna()
    return ~(cles & df.duplicated(["id_logement", "numero_tour"], keep=False))


def _attribution_datee(df: pd.DataFrame) -> pd.Series:
    return ~((df["issue"] == "ATTRIBUE").fillna(False) & df["date_attribution"].isna())


def _attribution_apres_orientation(df: pd.DataFrame) -> pd.Series:
    return ~(df["date_attribution"] < df["date_orientation"]).fillna(False).astype(bool)


def _numero_attribution(df: pd.DataFrame) -> pd.Series:
    """Per row: the smallest numero_tour of an ATTRIBUE tour of the same logement (NA if none)."""
    attribue = (df["issue"] == "ATTRIBUE").fillna(False) & df["id_logement"].notna()
    premier = df.loc[attribue].groupby("id_logement")["numero_tour"].min()
    return _associer(df["id_logement"], premier)


def _une_seule_attribution(df: pd.DataFrame) -> pd.Series:
    attribue = (df["issue"] == "ATTRIBUE").fillna(False) & df["id_logement"].notna()
    nb = df.loc[attribue].groupby("id_logement").size()
    return ~(attribue & (_associer(df["id_logement"], nb).fillna(0) > 1)).astype(bool)


def _rien_apres_attribution(df: pd.DataFrame) -> pd.Series:
    attribue = (df["issue"] == "ATTRIBUE").fillna(False)
    apres = (df["numero_tour"] > _numero_attribution(df)).fillna(False).astype(bool)
    return ~(apres & ~attribue)


def _perimetre_connu(df: pd.DataFrame) -> pd.Series:
    a_verifier = _dans(df["perimetre_type"], frozenset(ref.PERIMETRES_CONVENTION)) & df["perimetre_code"].notna()
    connu = _dans(df["perimetre_type"] + "|" + df["perimetre_code"], _perimetres_connus())
    return ~(a_verifier & ~connu).fillna(False).astype(bool)


def _disponibilites_constantes(df: pd.DataFrame) -> pd.Series:
    nb = df.groupby("code_departement")["disponibilites_prevues"].transform("nunique")
    return ~((nb > 1) & df["disponibilites_prevues"].notna()).fillna(False).astype(bool)


CONTROLES_LIGNES: dict[str, tuple[str, str, Callable[[pd.DataFrame], pd.Series]]] = {
    "qpv_hors_commune": ("logements", "code_qpv", _qpv_dans_commune),
    "qpv_incoherent": ("logements", "qpv", _qpv_coherent),
    "doublon_tour": ("tours", "numero_tour", _tour_unique),
    "date_attribution_manquante": ("tours", "date_attribution", _attribution_datee),
    "date_attribution_avant_orientation": ("tours", "date_attribution", _attribution_apres_orientation),
    "plusieurs_attributions": ("tours", "issue", _une_seule_attribution),
    "tour_apres_attribution": ("tours", "numero_tour", _rien_apres_attribution),
    "perimetre_inconnu": ("conventions", "perimetre_code", _perimetre_connu),
    "disponibilites_incoherentes": ("previsionnel", "disponibilites_prevues", _disponibilites_constantes),
}
"""Row-level rules reading several columns (pandera dataframe checks): code → (table, column reported, check)."""


def schema(table: Table, annee_courante: int | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one clean table (per-table rules of FORMAT.md §1.5).

    Check names are rule codes of :data:`REGLES` (``not_nullable`` → ``valeur_manquante``, uniqueness of
    ``logements.id_logement`` → ``doublon_logement``). ``annee_courante`` bounds ``annee_construction``.
    """
    annee_courante = annee_courante or dt.date.today().year
    par_colonne = _controles_colonnes(annee_courante)
    colonnes: dict[str, pa.Column] = {}
    for col in table.colonnes:
        checks = []
        if col.categorie is not None:
            checks.append(pa.Check(_parmi(frozenset(col.categorie.codes)), name="valeur_hors_liste"))
        checks += [pa.Check(f, name=code) for code, f in par_colonne.get((table.nom, col.nom), [])]
        colonnes[col.nom] = pa.Column(
            DTYPES[col.genre],
            checks,
            nullable=not col.obligatoire,
            unique=(table.nom, col.nom) == ("logements", "id_logement"),
            report_duplicates="all",
        )
    colonnes[LIGNE] = pa.Column("Int64", nullable=False)
    controles = [
        pa.Check(f, name=code, ignore_na=False) for code, (t, _, f) in CONTROLES_LIGNES.items() if t == table.nom
    ]
    return pa.DataFrameSchema(colonnes, checks=controles, coerce=False, strict=False, name=table.nom)


# --- Findings: rows hit by a rule, before capping and formatting ---------------------------------------------


@dataclass
class _Constat:
    """Rows of one table hit by one rule, on one column. ``conseil`` computes hints for the kept rows only."""

    code: str
    table: str
    colonne: str
    index: np.ndarray
    conseil: Callable[[np.ndarray], list[str]] | str | None = None
    regle: str | None = None
    valeurs: np.ndarray | None = None  # the values to show, aligned with index (default: the table's cells)


def _positions(masque: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(masque, dtype=bool))


# --- Preparation of the tables ------------------------------------------------------------------------------


def _vide(table: Table) -> pd.DataFrame:
    df = pd.DataFrame({c.nom: pd.Series(dtype=DTYPES[c.genre]) for c in table.colonnes})
    df[LIGNE] = pd.Series(dtype="Int64")
    return df


def _conformer(
    donnees: DonneesLues,
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], list[Probleme], list[_Constat]]:
    """Clean tables in the contract's dtypes (missing columns added as NA, réservataire names stripped).

    Returns (tables as given, tables for the checks — every table, empty when absent —, problems about missing
    tables/columns that reading did not already report, cells that could not be converted to the contract's
    dtype: only when the tables were not built by :mod:`flux_dash.lecture`, e.g. by hand in a notebook).
    """
    deja = {(p.table, p.colonne) for p in donnees.problemes if p.ligne is None}
    tables_lues = {p.table for p in donnees.problemes}
    donnees_ok: dict[str, pd.DataFrame] = {}
    toutes: dict[str, pd.DataFrame] = {}
    problemes: list[Probleme] = []
    constats: list[_Constat] = []
    for table in TABLES:
        source = donnees.sources.get(table.nom, table.libelle)
        brut = donnees.tables.get(table.nom)
        if brut is None:
            toutes[table.nom] = _vide(table)
            if table.obligatoire and table.nom not in tables_lues:
                r = REGLES["table_manquante"]
                problemes.append(
                    Probleme(
                        r.gravite,
                        r.code,
                        f"{r.texte} : {table.libelle}",
                        table.nom,
                        source,
                        conseil=r.conseil + " Colonnes attendues : " + ", ".join(table.noms) + ".",
                    )
                )
            continue
        df = brut.reset_index(drop=True).copy()
        if df.empty and table.nom in TABLES_NON_VIDES:
            r = REGLES["table_vide"]
            problemes.append(Probleme(r.gravite, r.code, r.texte, table.nom, source, conseil=r.conseil))
        for col in table.colonnes:
            cible = DTYPES[col.genre]
            if col.nom not in df.columns:
                df[col.nom] = pd.Series(pd.NA, index=df.index, dtype=cible) if cible != DTYPES["date"] else pd.NaT
                df[col.nom] = df[col.nom].astype(cible)
                if col.obligatoire and (table.nom, col.nom) not in deja:
                    r = REGLES["colonne_manquante"]
                    problemes.append(
                        Probleme(
                            r.gravite,
                            r.code,
                            r.texte,
                            table.nom,
                            source,
                            colonne=col.nom,
                            conseil=f"{r.conseil} {col.description}",
                        )
                    )
            elif str(df[col.nom].dtype) != cible:
                df[col.nom], illisibles = _convertir(df[col.nom], col.genre)
                if illisibles is not None:
                    constats.append(_Constat("type_invalide", table.nom, col.nom, *illisibles))
        if LIGNE not in df.columns:
            df[LIGNE] = pd.array(np.arange(len(df)) + 2, dtype="Int64")
        elif str(df[LIGNE].dtype) != "Int64":
            df[LIGNE] = df[LIGNE].astype("Int64")
        if table.nom in COLONNES_RESERVATAIRE:
            col = COLONNES_RESERVATAIRE[table.nom]
            noms = df[col].str.strip()
            df[col] = noms.mask(noms == "")
        donnees_ok[table.nom] = df
        toutes[table.nom] = df
    return donnees_ok, toutes, problemes, constats


def _convertir(s: pd.Series, genre: str) -> tuple[pd.Series, tuple[np.ndarray, str, str | None, np.ndarray] | None]:
    """A column in the contract's dtype; unconvertible cells become NA and are returned as
    (positions, hint, None, original values)."""
    cible = DTYPES[genre]
    try:
        return s.astype(cible), None
    except (TypeError, ValueError):
        pass
    if genre in ("entier", "nombre"):
        texte = s.astype("string").str.replace(",", ".", regex=False).str.strip()
        converti = pd.to_numeric(texte, errors="coerce").astype("Float64")
        if genre == "entier":
            converti = converti.where(converti.isna() | (converti == converti.round()))
        conseil = "Nombre attendu (virgule décimale acceptée)." if genre == "nombre" else "Nombre entier attendu."
    elif genre == "date":
        converti = pd.to_datetime(s, errors="coerce", dayfirst=True, format="mixed")
        conseil = "Date attendue au format JJ/MM/AAAA."
    elif genre == "booleen":
        texte = s.astype("string").map(ref.normaliser_texte, na_action="ignore")
        converti = pd.Series(pd.NA, index=s.index, dtype="boolean")
        converti[_dans(texte, frozenset(ref.BOOLEENS_VRAI))] = True
        converti[_dans(texte, frozenset(ref.BOOLEENS_FAUX))] = False
        conseil = "Valeur attendue : oui ou non."
    else:
        converti = s.map(lambda v: v if pd.isna(v) else str(v)).astype(cible)
        conseil = ""
    converti = converti.astype(cible)
    illisibles = _positions(s.notna().to_numpy() & converti.isna().to_numpy())
    valeurs = s.to_numpy(dtype=object)[illisibles]
    return converti, (illisibles, conseil, None, valeurs) if len(illisibles) else None


TABLES_NON_VIDES = frozenset({"logements"})
"""Tables without which no bilan means anything: a header with no row is an error (an empty ``tours`` only leaves
logements non orientés, reported as such)."""

COLONNES_LUES: dict[str, frozenset[tuple[str, str]]] = {
    "logement_inconnu": frozenset({("logements", "id_logement")}),
    "reservataire_inconnu": frozenset({("conventions", "reservataire")}),
    "non_oriente": frozenset({("tours", "id_logement")}),
    "soustrait_oriente": frozenset({("logements", "id_logement"), ("conventions", "reservataire")}),
    "orientation_hors_perimetre": frozenset(
        {
            ("logements", "id_logement"),
            ("conventions", "reservataire"),
            ("conventions", "perimetre_type"),
            ("conventions", "perimetre_code"),
        }
    ),
}
"""Cross-table rules → the columns of OTHER tables they read: silenced when one of those columns is absent from
the file (the missing column is the one error, not one line per row of another table)."""

CODES_VALEUR_MANQUANTE = ("valeur_manquante", "date_attribution_manquante")
"""Rules about empty cells: silenced on a column where reading reported unreadable values in bulk."""


def _colonnes_signalees(donnees: DonneesLues) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(table, column) pairs reported as a whole by reading.

    First set: columns absent from the file — none of their cells is reported. Second set: columns with a
    summary of unreadable values ("… et N autres valeurs illisibles"): those cells are NA, so their emptiness is
    not reported again.
    """
    absentes = {(p.table, p.colonne) for p in donnees.problemes if p.code == "colonne_manquante"}
    for nom, df in donnees.tables.items():
        if nom in PAR_NOM:
            absentes |= {(nom, c) for c in PAR_NOM[nom].noms if c not in df.columns}
    resumees = {
        (p.table, p.colonne) for p in donnees.problemes if p.ligne is None and p.colonne and p.gravite == ERREUR
    }
    return absentes, resumees - absentes


# --- Per-table rules: run pandera and turn its failure cases into findings ----------------------------------


def _controles_par_table(tables: dict[str, pd.DataFrame], annee_courante: int) -> list[_Constat]:
    constats: list[_Constat] = []
    for table in TABLES:
        df = tables[table.nom]
        if df.empty:
            continue
        try:
            schema(table, annee_courante).validate(df, lazy=True)
            continue
        except pa.errors.SchemaErrors as erreurs:
            cas = erreurs.failure_cases
        cas = cas[cas["index"].notna()]
        for (check, colonne), groupe in cas.groupby(["check", "column"], sort=False, dropna=False):
            if check == "not_nullable":
                code = "valeur_manquante"
            elif check == "field_uniqueness":
                code = "doublon_logement"
            elif check in CONTROLES_LIGNES:
                code = str(check)
                colonne = CONTROLES_LIGNES[code][1]
            elif check in REGLES:
                code = str(check)
            else:  # a dtype failure: the tables were conformed, so this is a programming error
                raise TypeError(f"pandera: contrôle inattendu {check!r} sur {table.nom}.{colonne}")
            index = np.unique(groupe["index"].astype("int64").to_numpy())
            constats.append(
                _Constat(
                    code,
                    table.nom,
                    str(colonne),
                    index,
                    _conseil_par_table(code, table, str(colonne), df, annee_courante),
                )
            )
    # Dataframe-level checks report one row per column of each bad row: collapse them.
    fusion: dict[tuple[str, str, str], _Constat] = {}
    for c in constats:
        cle = (c.code, c.table, c.colonne)
        if cle in fusion:
            fusion[cle].index = np.union1d(fusion[cle].index, c.index)
        else:
            fusion[cle] = c
    return list(fusion.values())


def _conseil_par_table(
    code: str, table: Table, colonne: str, df: pd.DataFrame, annee_courante: int
) -> Callable[[np.ndarray], list[str]] | str | None:
    """The hint of a per-table rule: static text, or a function of the kept rows."""
    if code == "valeur_manquante":
        col = table.colonne(colonne)
        texte = f"Colonne obligatoire : {col.description}"
        return texte + (f" Exemple : {col.exemple}." if col.exemple else "")
    if code == "valeur_hors_liste":
        categorie = table.colonne(colonne).categorie
        if categorie is None:
            return None
        return lambda index: _par_valeur(df[colonne].to_numpy()[index], lambda v: _conseil_hors_liste(categorie, v))
    if code == "annee_hors_bornes":
        return f"Indiquez l'année d'achèvement, entre {ANNEE_CONSTRUCTION_MIN} et {annee_courante}."
    if code == "commune_inconnue":
        return lambda index: _par_valeur(df["code_commune"].to_numpy()[index], _conseil_commune)
    if code == "departement_inconnu":
        return "Départements admis : " + ", ".join(f"{c} ({n})" for c, n in ref.DEPARTEMENTS_IDF.items()) + "."
    if code == "qpv_hors_commune":
        return lambda index: _par_valeur(df["code_qpv"].to_numpy()[index], _conseil_qpv)
    if code == "perimetre_inconnu":
        return lambda index: [_conseil_perimetre(t) for t in df["perimetre_type"].to_numpy()[index]]
    if code in (
        "doublon_logement",
        "doublon_tour",
        "plusieurs_attributions",
        "tour_apres_attribution",
        "disponibilites_incoherentes",
        "date_attribution_avant_orientation",
    ):
        return lambda index: _conseils_groupes(code, df, index)
    return None


def _conseil_commune(code: object) -> str:
    code = str(code)
    departement = code[:3] if code.startswith("97") else code[:2]
    francais = re.fullmatch(r"0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6]", departement) and departement != "20"
    if re.fullmatch(r"\d{5}|2[AB]\d{3}", code) and francais and departement not in ref.DEPARTEMENTS_IDF:
        return (
            f"Le code {code} désigne une commune hors Île-de-France : seules les communes d'Île-de-France sont admises."
        )
    if re.fullmatch(r"\d{5}", code):
        return (
            "Code INSEE inconnu en Île-de-France (COG 2026) : vérifiez qu'il ne s'agit pas d'un code postal "
            "(Saint-Denis : 93066, et non 93200)."
        )
    return "Indiquez le code INSEE à 5 chiffres de la commune (ex. 93066 pour Saint-Denis)."


def _conseil_qpv(code_qpv: object) -> str:
    q = ref.qpv()
    communes = q.loc[q["code_qpv"] == str(code_qpv), "code_insee"]
    lieux = ", ".join(_libelle_commune(c) for c in sorted(set(communes)))
    return f"Le QPV {code_qpv} est situé à : {lieux}. Vérifiez le code QPV ou la commune."


def _conseil_perimetre(perimetre_type: object) -> str:
    attendu = {
        "DEPARTEMENT": "un code de département d'Île-de-France (" + ", ".join(ref.DEPARTEMENTS_IDF) + ")",
        "EPCI_EPT": "le SIREN à 9 chiffres d'un EPCI ou EPT d'Île-de-France (ex. 200057875 pour Plaine Commune)",
        "COMMUNE": "le code INSEE à 5 chiffres d'une commune d'Île-de-France (ex. 93066)",
    }.get(str(perimetre_type), "un code de périmètre")
    return f"Indiquez {attendu}."


def _conseils_groupes(code: str, df: pd.DataFrame, index: np.ndarray) -> list[str]:
    """Hints that list the other lines of the same group (duplicates, attributions of a logement…)."""
    lignes = df[LIGNE]
    sortie: list[str] = []
    if code == "doublon_logement":
        ids = df["id_logement"]
        concernes = _dans(ids, ids.iloc[index])
        par_id = lignes[concernes].groupby(ids[concernes]).agg(list)
        for i in index:
            sortie.append(f"L'identifiant {ids.iat[i]} figure aux {_lignes_fr(par_id[ids.iat[i]])}.")
    elif code in ("doublon_tour", "plusieurs_attributions", "tour_apres_attribution"):
        ids = df["id_logement"]
        concernes = _dans(ids, ids.iloc[index])
        sous = df.loc[concernes]
        for i in index:
            ident, numero = ids.iat[i], df["numero_tour"].iat[i]
            du_logement = sous[sous["id_logement"] == ident]
            if code == "doublon_tour":
                meme = du_logement.loc[du_logement["numero_tour"] == numero, LIGNE]
                sortie.append(f"Le tour {numero} du logement {ident} figure aux {_lignes_fr(meme)}.")
            elif code == "plusieurs_attributions":
                attr = du_logement.loc[(du_logement["issue"] == "ATTRIBUE").fillna(False), LIGNE]
                sortie.append(
                    f"Le logement {ident} est attribué aux {_lignes_fr(attr)} : un logement n'est attribué qu'une fois."
                )
            else:
                attr = du_logement.loc[(du_logement["issue"] == "ATTRIBUE").fillna(False)]
                premier = attr.sort_values("numero_tour").iloc[0]
                sortie.append(
                    f"Le logement {ident} est attribué au tour {premier['numero_tour']} (ligne "
                    f"{premier[LIGNE]}) : supprimez ce tour ou corrigez son issue."
                )
    elif code == "disponibilites_incoherentes":
        deps = df["code_departement"]
        for i in index:
            du_dep = df[(deps == deps.iat[i]).fillna(False) & df["disponibilites_prevues"].notna()]
            valeurs = "; ".join(
                f"{v} (ligne {ligne})" for v, ligne in zip(du_dep["disponibilites_prevues"], du_dep[LIGNE], strict=True)
            )
            sortie.append(f"Valeurs du département {deps.iat[i]} : {valeurs}.")
    elif code == "date_attribution_avant_orientation":
        for i in index:
            sortie.append(
                f"Date d'orientation : {_valeur_fr(df['date_orientation'].iat[i])} ; la CALEOL décide "
                "après l'orientation."
            )
    return sortie


# --- Cross-table rules (pandas) -----------------------------------------------------------------------------


def _logements_uniques(logements: pd.DataFrame) -> pd.DataFrame:
    """One row per known id_logement (the first one), for lookups from tours."""
    connus = logements[logements["id_logement"].notna()]
    return connus.drop_duplicates("id_logement").set_index("id_logement")


def _categories_reservataires(conventions: pd.DataFrame) -> dict[str, set[str]]:
    c = conventions[conventions["reservataire"].notna() & conventions["categorie"].notna()]
    return {nom: set(g) for nom, g in c.groupby("reservataire")["categorie"]}


def _controles_croises(
    tables: dict[str, pd.DataFrame], annee: int, presentes: set[str]
) -> tuple[list[_Constat], list[Probleme]]:
    """Rules across tables. A rule that needs an absent table is skipped: the missing table is the one error."""
    logements, tours, conventions = tables["logements"], tables["tours"], tables["conventions"]
    constats: list[_Constat] = []
    globaux: list[Probleme] = []
    uniques = _logements_uniques(logements)

    # A tour's logement must exist.
    inconnu = tours["id_logement"].notna() & ~_dans(tours["id_logement"], uniques.index) & ("logements" in presentes)
    constats.append(_Constat("logement_inconnu", "tours", "id_logement", _positions(inconnu)))

    # A tour's réservataire: a conventions.reservataire or Bailleur (exact match after stripping spaces).
    connus = sorted(set(conventions["reservataire"].dropna()))
    admis = [*connus, ref.NOM_BAILLEUR]
    c = conventions.dropna(subset=["reservataire", "perimetre_code"])
    codes = {nom: set(g) for nom, g in c.groupby("reservataire")["perimetre_code"]}
    res_inconnu = tours["reservataire"].notna() & ~_dans(tours["reservataire"], admis) & ("conventions" in presentes)
    constats.append(
        _Constat(
            "reservataire_inconnu",
            "tours",
            "reservataire",
            _positions(res_inconnu),
            lambda index: _par_valeur(
                tours["reservataire"].to_numpy()[index], lambda n: _conseil_reservataire(n, admis, codes)
            ),
        )
    )

    constats += _controles_taux(conventions, globaux)

    # Warnings on tours, with the logement of each tour.
    position = _position(tours["id_logement"], uniques.index)
    t = tours.assign(_pos=np.arange(len(tours)))[position >= 0]
    position = position[position >= 0]
    commune = pd.Series(uniques["code_commune"].array.take(position), index=t.index)
    soustraction = pd.Series(uniques["categorie_soustraction"].array.take(position), index=t.index)
    dispo = pd.Series(uniques["date_disponibilite"].array.take(position), index=t.index)
    hors_bailleur = (
        t["reservataire"].notna() & (t["reservataire"] != ref.NOM_BAILLEUR) & _dans(t["reservataire"], connus)
    )

    constats.append(_orientations_hors_perimetre(t, commune, hors_bailleur, conventions))

    soustrait = hors_bailleur & soustraction.notna()
    constats.append(
        _Constat(
            "soustrait_oriente",
            "tours",
            "reservataire",
            t.loc[soustrait, "_pos"].to_numpy(),
            lambda index: [
                f"Le logement {tours['id_logement'].iat[i]} est soustrait du flux "
                f"({_libelle_soustraction(uniques.at[tours['id_logement'].iat[i], 'categorie_soustraction'])}) : "
                "seul le Bailleur devrait le recevoir, ou le logement n'est pas soustrait."
                for i in index
            ],
        )
    )

    debut = dispo - pd.DateOffset(months=MOIS_AVANT_DISPONIBILITE)
    fin = dispo + pd.DateOffset(months=MOIS_APRES_DISPONIBILITE)
    hors_delai = ((t["date_orientation"] < debut) | (t["date_orientation"] > fin)).fillna(False).astype(bool)
    constats.append(
        _Constat(
            "orientation_hors_delai",
            "tours",
            "date_orientation",
            t.loc[hors_delai, "_pos"].to_numpy(),
            lambda index: [
                _conseil_delai(uniques.at[tours["id_logement"].iat[i], "date_disponibilite"]) for i in index
            ],
        )
    )

    constats.append(_tours_non_consecutifs(tours))
    globaux += _part_realisee_prefet(logements, tours, conventions, annee)

    # Non orienté: available in n, not soustrait, no tour at all.
    annee_dispo = logements["date_disponibilite"].dt.year
    sans_tour = (
        (annee_dispo == annee).fillna(False).astype(bool)
        & logements["categorie_soustraction"].isna()
        & logements["id_logement"].notna()
        & ~_dans(logements["id_logement"], tours["id_logement"])
        & ("tours" in presentes)
    )
    constats.append(
        _Constat(
            "non_oriente",
            "logements",
            "id_logement",
            _positions(sans_tour),
            lambda index: [
                f"Disponible le {_valeur_fr(logements['date_disponibilite'].iat[i])} : ajoutez ses tours dans "
                "la feuille Tours, ou indiquez sa catégorie de soustraction."
                for i in index
            ],
            regle=f"Logement disponible en {annee}, sans aucun tour et non soustrait (non orienté)",
        )
    )
    globaux += _annee_sans_disponibilite(annee_dispo, annee, "logements" in presentes)
    return constats, globaux


def _annee_sans_disponibilite(annee_dispo: pd.Series, annee: int, presente: bool) -> list[Probleme]:
    """Warning: no logement available in year n (a typo in the year would otherwise give empty bilans)."""
    annees = annee_dispo.dropna().astype(int)
    if not presente or annees.empty or (annees == annee).any():
        return []
    premiere, derniere = int(annees.min()), int(annees.max())
    etendue = f"sont de {premiere}" if premiere == derniere else f"vont de {premiere} à {derniere}"
    return [
        Probleme(
            REGLES["annee_sans_disponibilite"].gravite,
            "annee_sans_disponibilite",
            f"Aucun logement disponible en {annee} : les bilans de {annee} seront vides",
            "logements",
            colonne="date_disponibilite",
            valeur=str(annee),
            conseil=f"Les disponibilités du fichier {etendue} : vérifiez l'année du bilan.",
        )
    ]


def _par_valeur(valeurs: np.ndarray, conseil: Callable[[str], str]) -> list[str]:
    """One hint per row, computed once per distinct value."""
    deja: dict[str, str] = {}
    for v in valeurs:
        if v not in deja:
            deja[v] = conseil(v)
    return [deja[v] for v in valeurs]


def _libelle_soustraction(code: object) -> str:
    return ref.SOUSTRACTIONS.libelle(str(code))


def _conseil_reservataire(nom: str, admis: list[str], codes: dict[str, set[str]] | None = None) -> str:
    """Closest known names: difflib on normalised names, else the names sharing the most words — a name's words
    include its conventions' perimeter codes, so that « Prefecture 93 » finds the préfet of Seine-Saint-Denis."""
    codes = codes or {}
    normalises = {ref.normaliser_texte(a): a for a in admis}
    proches = [
        normalises[p] for p in difflib.get_close_matches(ref.normaliser_texte(nom), list(normalises), n=3, cutoff=0.6)
    ]
    if not proches:
        mots = set(_mots(nom))
        communs = sorted(
            ((len(mots & (set(_mots(a)) | codes.get(a, set()))), a) for a in admis), key=lambda x: (-x[0], x[1])
        )
        proches = [a for n, a in communs[:3] if n > 0 and n == communs[0][0]]
    if proches:
        return (
            "Noms proches : "
            + ", ".join(f"« {p} »" for p in proches)
            + ". Le nom doit être identique à celui de la feuille Conventions."
        )
    if len(admis) == 1:
        return "Aucune convention n'est déclarée : ajoutez-la dans la feuille Conventions, ou indiquez « Bailleur »."
    liste = ", ".join(f"« {a} »" for a in admis[:10]) + ("…" if len(admis) > 10 else "")
    return f"Réservataires connus : {liste}. Ajoutez sa convention dans la feuille Conventions."


def _mots(texte: str) -> list[str]:
    return [
        m for m in (ref.normaliser_texte(x) for x in re.split(r"[\s\-–'’.,()]+", texte)) if len(m) > 2 or m.isdigit()
    ]


def _conseil_delai(dispo: object) -> str:
    if pd.isna(dispo):
        return ""
    d = pd.Timestamp(dispo)
    debut = d - pd.DateOffset(months=MOIS_AVANT_DISPONIBILITE)
    fin = d + pd.DateOffset(months=MOIS_APRES_DISPONIBILITE)
    return (
        f"Date de disponibilité du logement : {_valeur_fr(d)} ; orientation attendue entre le {_valeur_fr(debut)} "
        f"et le {_valeur_fr(fin)}. Vérifiez les deux dates."
    )


def _orientations_hors_perimetre(
    t: pd.DataFrame, commune: pd.Series, hors_bailleur: pd.Series, conventions: pd.DataFrame
) -> _Constat:
    """Warning: the logement's commune is inside none of the réservataire's convention perimeters."""
    c = conventions.dropna(subset=["reservataire", "perimetre_type", "perimetre_code"])
    perimetres: dict[str, list[tuple[str, str]]] = {}
    paires: list[str] = []
    for nom, ptype, pcode in sorted(set(zip(c["reservataire"], c["perimetre_type"], c["perimetre_code"], strict=True))):
        perimetres.setdefault(nom, []).append((ptype, pcode))
        paires += [f"{nom}|{code}" for code in _communes_du_perimetre(ptype, pcode)]
    a_verifier = hors_bailleur & _dans(commune, _codes_communes())
    dedans = _dans(t["reservataire"] + "|" + commune, paires)
    hors = (a_verifier & ~dedans).fillna(False).astype(bool)

    def conseil(index: np.ndarray) -> list[str]:
        # t keeps the tours' RangeIndex: labels are positions in the tours table
        sortie = []
        for i in index:
            nom = t.at[i, "reservataire"]
            libelles = [_libelle_perimetre(pt, pc) for pt, pc in perimetres.get(nom, [])]
            liste = ", ".join(libelles[:5]) + ("…" if len(libelles) > 5 else "")
            sortie.append(
                f"{_libelle_commune(commune.at[i])} n'est dans aucun périmètre de convention de "
                f"« {nom} » ({liste}). Vérifiez le réservataire, la commune ou la feuille Conventions."
            )
        return sortie

    return _Constat("orientation_hors_perimetre", "tours", "reservataire", t.loc[hors, "_pos"].to_numpy(), conseil)


def _tours_non_consecutifs(tours: pd.DataFrame) -> _Constat:
    """Warning: the tours of a logement are not numbered 1, 2, 3… (the tour after each gap is reported)."""
    t = tours.assign(_pos=np.arange(len(tours)))
    t = t[t["id_logement"].notna() & (t["numero_tour"] >= 1).fillna(False)]
    t = t.drop_duplicates(["id_logement", "numero_tour"]).sort_values(["id_logement", "numero_tour"])
    precedent = t.groupby("id_logement")["numero_tour"].shift()
    trou = (precedent.isna() & (t["numero_tour"] > 1)) | ((t["numero_tour"] - precedent) > 1)
    trou = trou.fillna(False).astype(bool)

    def conseil(index: np.ndarray) -> list[str]:
        ids = tours["id_logement"].iloc[index]
        par_logement = t.loc[_dans(t["id_logement"], ids)].groupby("id_logement")["numero_tour"].agg(list)
        sortie = []
        for ident in ids:
            numeros = sorted(int(n) for n in par_logement[ident])
            manquants = _premiers_manquants(numeros, 10)
            texte_manquants = ", ".join(str(n) for n in manquants)
            sortie.append(
                f"Tours du logement {ident} : {', '.join(str(n) for n in numeros[:20])} ; "
                f"{'tour manquant' if len(manquants) == 1 else 'tours manquants'} : {texte_manquants}."
            )
        return sortie

    return _Constat("tours_non_consecutifs", "tours", "numero_tour", np.sort(t.loc[trou, "_pos"].to_numpy()), conseil)


def _premiers_manquants(numeros: list[int], nombre: int) -> list[int]:
    """The first ``nombre`` integers ≥ 1 missing from the sorted ``numeros``, without enumerating the range (a
    tour numbered 10¹² must not build a set of 10¹² numbers)."""
    manquants: list[int] = []
    attendu = 1
    for n in numeros:
        while attendu < n and len(manquants) < nombre:
            manquants.append(attendu)
            attendu += 1
        if len(manquants) >= nombre:
            break
        attendu = max(attendu, n + 1)
    return manquants


def _controles_taux(conventions: pd.DataFrame, globaux: list[Probleme]) -> list[_Constat]:
    """Σ taux ≤ 100 per perimeter, taux given as fractions, préfet caps in taux (FORMAT.md §1.5)."""
    taux = conventions["taux"]
    renseignes = taux.dropna()
    if len(renseignes) and (renseignes <= 1).all() and (renseignes > 0).any():
        r = REGLES["taux_en_fraction"]
        globaux.append(
            Probleme(
                r.gravite,
                r.code,
                r.texte,
                "conventions",
                colonne="taux",
                valeur=", ".join(_valeur_fr(v) for v in renseignes.iloc[:5]) + ("…" if len(renseignes) > 5 else ""),
                conseil=r.conseil,
            )
        )
        return []
    c = conventions.assign(_pos=np.arange(len(conventions)))
    c = c[c["perimetre_type"].notna() & c["perimetre_code"].notna() & c["taux"].notna()]
    cle = [c["perimetre_type"], c["perimetre_code"]]
    tous = pd.Series(True, index=c.index)
    somme = c.groupby(cle)["taux"].transform("sum")
    constats = [
        _constat_somme(
            "somme_taux", c, somme > 100, tous, somme, "Somme des taux", "la somme ne peut pas dépasser 100 %."
        )
    ]
    for code, categories, plafond, quoi, regle in (
        (
            "plafond_prefet",
            ref.CATEGORIES_PREFET,
            PLAFOND_PREFET,
            "Somme des taux du préfet",
            f"Somme des taux du préfet (publics prioritaires et agents de l'État) supérieure à {nombre(PLAFOND_PREFET)} % "
            "sur un périmètre",
        ),
        (
            "plafond_agents",
            ("ETAT_AGENTS",),
            PLAFOND_AGENTS,
            "Somme des taux des agents de l'État",
            f"Somme des taux des agents de l'État supérieure à {nombre(PLAFOND_AGENTS)} % sur un périmètre",
        ),
    ):
        membre = _dans(c["categorie"], categories)
        somme = c["taux"].where(membre, 0).groupby(cle).transform("sum")
        fin = f"plafond de {nombre(plafond)} % du flux, {_CONSEIL_PREFET}."
        constats.append(_constat_somme(code, c, membre & (somme > plafond), membre, somme, quoi, fin, regle))
    return constats


def _constat_somme(
    code: str,
    c: pd.DataFrame,
    masque: pd.Series,
    membres: pd.Series,
    somme: pd.Series,
    quoi: str,
    fin: str,
    regle: str | None = None,
) -> _Constat:
    """Rows of conventions whose perimeter sum is too high; the hint gives the sum and the lines summed."""
    masque = masque.fillna(False).astype(bool)
    lignes = c[membres].groupby(["perimetre_type", "perimetre_code"])[LIGNE].agg(list)
    mauvais = c[masque]
    textes = {
        pos: f"{quoi} sur {_libelle_perimetre(pt, pc)} : {_pct_taux(s)} ({_lignes_fr(lignes[(pt, pc)])}) ; {fin}"
        for pos, pt, pc, s in zip(
            mauvais["_pos"], mauvais["perimetre_type"], mauvais["perimetre_code"], somme[masque], strict=True
        )
    }
    return _Constat(
        code,
        "conventions",
        "taux",
        np.sort(mauvais["_pos"].to_numpy()),
        lambda index: [textes[i] for i in index],
        regle,
    )


def _part_realisee_prefet(
    logements: pd.DataFrame, tours: pd.DataFrame, conventions: pd.DataFrame, annee: int
) -> list[Probleme]:
    """Warnings: préfet / agents realised share of the flux per département for year n (DOMAINE.md §4).

    A simple computation, enough for a warning: flux(d, n) = logements of département d available in n and not
    soustraits; proposés = those of d's logements not soustraits with a tour dated in n to a réservataire whose
    conventions are of a préfet category (any tour date in n, DOMAINE.md §3).
    """
    categories = _categories_reservataires(conventions)
    noms_prefet = [n for n, cats in categories.items() if cats & set(ref.CATEGORIES_PREFET)]
    noms_agents = [n for n, cats in categories.items() if "ETAT_AGENTS" in cats]
    if not noms_prefet:
        return []
    lg = logements[logements["id_logement"].notna() & logements["categorie_soustraction"].isna()]
    lg = lg.drop_duplicates("id_logement")
    departement = _associer(lg["code_commune"], pd.Series(_departement_des_communes(), dtype="string"))
    dans_flux = (lg["date_disponibilite"].dt.year == annee).fillna(False).astype(bool)
    flux = departement[dans_flux].value_counts()
    dep_par_id = pd.Series(departement.to_numpy(), index=lg["id_logement"].to_numpy())
    t = tours[
        (tours["date_orientation"].dt.year == annee).fillna(False).astype(bool)
        & _dans(tours["id_logement"], dep_par_id.index)
    ]
    sortie: list[Probleme] = []
    for code, noms, plafond, qui in (
        ("plafond_prefet", noms_prefet, PLAFOND_PREFET, "au préfet (publics prioritaires et agents de l'État)"),
        ("plafond_agents", noms_agents, PLAFOND_AGENTS, "aux agents de l'État"),
    ):
        ids = t.loc[_dans(t["reservataire"], noms), "id_logement"].drop_duplicates()
        proposes = dep_par_id.reindex(ids.to_numpy()).value_counts()
        r = REGLES[code]
        for dep in sorted(proposes.index):
            f = int(flux.get(dep, 0))
            p = int(proposes[dep])
            if f == 0 or 100 * p / f <= plafond:
                continue
            libelle = ref.libelle_perimetre("DEPARTEMENT", str(dep))
            sortie.append(
                Probleme(
                    r.gravite,
                    code,
                    f"Part du flux {annee} orientée {qui} supérieure à {nombre(plafond)} % dans le département "
                    f"{libelle}",
                    "tours",
                    colonne="reservataire",
                    valeur=pourcentage(p / f),
                    conseil=f"{_logements(p)} {'proposé' if p == 1 else 'proposés'} {qui} pour un flux de "
                    f"{_logements(f)} ; plafond de {nombre(plafond)} % {_CONSEIL_PREFET}.",
                )
            )
    return sortie


# --- Assembly: dedupe, cap, format, sort ---------------------------------------------------------------------


def _retenir(
    constats: list[_Constat],
    tables: dict[str, pd.DataFrame],
    donnees: DonneesLues,
    signalees: tuple[set[tuple[str, str]], set[tuple[str, str]]],
) -> tuple[list[Probleme], list[Probleme]]:
    """Findings → problems: drop cells already reported, one error per cell, cap each rule, format kept rows."""
    absentes, resumees = signalees
    constats = sorted(
        (
            c
            for c in constats
            if len(c.index)
            and (c.table, c.colonne) not in absentes
            and not (COLONNES_LUES.get(c.code, frozenset()) & absentes)
            and not ((c.table, c.colonne) in resumees and c.code in CODES_VALEUR_MANQUANTE)
        ),
        key=lambda c: _PRIORITE[c.code],
    )
    if not constats:
        return [], []
    # Cells are integer keys (table, column, line), so that dedupe and cap stay vectorised on a million rows.
    noms_colonnes = sorted({c.colonne for c in constats} | {p.colonne for p in donnees.problemes})
    num_colonne = {nom: i for i, nom in enumerate(noms_colonnes)}

    def cle(table: str, colonne: str, lignes: np.ndarray) -> np.ndarray:
        base = (_ORDRE_TABLES.get(table, len(TABLES)) * len(noms_colonnes) + num_colonne[colonne]) << 36
        return base + lignes.astype(np.int64)

    morceaux = []
    for k, c in enumerate(constats):
        lignes = tables[c.table][LIGNE].to_numpy(dtype=np.int64, na_value=0)[c.index]
        morceaux.append(
            pd.DataFrame(
                {
                    "k": k,
                    "pos": np.arange(len(c.index)),
                    "groupe": _ORDRE_TABLES[c.table] * len(REGLES) + _PRIORITE[c.code],
                    "ligne": lignes,
                    "cellule": cle(c.table, c.colonne, lignes),
                    "erreur": REGLES[c.code].gravite == ERREUR,
                }
            )
        )
    f = pd.concat(morceaux, ignore_index=True)
    lues = [
        cle(p.table, p.colonne, np.array([p.ligne]))[0]
        for p in donnees.problemes
        if p.ligne is not None and p.gravite == ERREUR and p.table in _ORDRE_TABLES
    ]
    if lues:
        f = f[~np.isin(f["cellule"].to_numpy(), np.array(lues, dtype=np.int64))]
    erreurs = f[f["erreur"]].drop_duplicates("cellule", keep="first")
    avertissements = f[~f["erreur"]].drop_duplicates(["cellule", "groupe"], keep="first")
    avertissements = avertissements[~np.isin(avertissements["cellule"].to_numpy(), erreurs["cellule"].to_numpy())]
    f = pd.concat([erreurs, avertissements], ignore_index=True)
    f = f.sort_values(["groupe", "ligne", "k", "pos"], kind="stable")
    f["_rang"] = f.groupby("groupe").cumcount()
    gardes = f[f["_rang"] < MAX_PAR_REGLE]
    depasse = f[f["_rang"] >= MAX_PAR_REGLE].groupby("k").size()

    sources = donnees.sources
    problemes: list[Probleme] = []
    for k, g in gardes.groupby("k", sort=True):
        c = constats[int(k)]
        r = REGLES[c.code]
        index = c.index[g["pos"].to_numpy()]
        df = tables[c.table]
        if c.valeurs is not None:
            valeurs = c.valeurs[g["pos"].to_numpy()]
        else:
            valeurs = df[c.colonne].to_numpy(dtype=object)[index]
        if callable(c.conseil):
            conseils = c.conseil(index)
        else:
            conseils = [c.conseil if c.conseil is not None else r.conseil] * len(index)
        source = sources.get(c.table, PAR_NOM[c.table].libelle)
        for ligne, v, conseil in zip(df[LIGNE].to_numpy()[index], valeurs, conseils, strict=True):
            problemes.append(
                Probleme(
                    r.gravite,
                    r.code,
                    c.regle or r.texte,
                    c.table,
                    source,
                    None if pd.isna(ligne) else int(ligne),
                    c.colonne,
                    _valeur_fr(v),
                    conseil,
                )
            )
    resumes: list[Probleme] = []
    en_trop: dict[tuple[str, str], int] = {}
    for k, n in depasse.items():
        c = constats[int(k)]
        en_trop[(c.table, c.code)] = en_trop.get((c.table, c.code), 0) + int(n)
    for (table, code), n in en_trop.items():
        r = REGLES[code]
        resumes.append(
            Probleme(
                r.gravite,
                code,
                f"… et {_entier_fr(n)} autres lignes : {r.texte}",
                table,
                sources.get(table, PAR_NOM[table].libelle),
                conseil=f"Seules les {_entier_fr(MAX_PAR_REGLE)} premières lignes sont listées pour cette règle.",
            )
        )
    return problemes, resumes


def _cle_tri(p: Probleme, resume: bool = False) -> tuple:
    table = PAR_NOM.get(p.table)
    ordre_col = (
        table.noms.index(p.colonne)
        if table is not None and p.colonne in table.noms
        else len(table.noms)
        if table
        else 0
    )
    return (
        _ORDRE_TABLES.get(p.table, -1),
        resume,
        -1 if p.ligne is None else p.ligne,
        ordre_col,
        p.colonne,
        _PRIORITE.get(p.code, -1),
        p.code,
    )


def _trier(problemes: list[Probleme], resumes: list[Probleme]) -> list[Probleme]:
    cles = [(_cle_tri(p), i, p) for i, p in enumerate(problemes)] + [
        (_cle_tri(p, True), len(problemes) + i, p) for i, p in enumerate(resumes)
    ]
    return [p for _, _, p in sorted(cles, key=lambda x: (x[0], x[1]))]


# --- Public API -----------------------------------------------------------------------------------------------


def annee_par_defaut(tables: dict[str, pd.DataFrame]) -> int:
    """The bilan year n by default: the year with the most ``date_disponibilite`` (ties → the latest).

    Without any date, the previous calendar year (bilans are due by 28 February for year n−1, DOMAINE.md §1).
    """
    logements = tables.get("logements")
    if logements is not None and "date_disponibilite" in logements.columns:
        dates = logements["date_disponibilite"]
        if pd.api.types.is_datetime64_any_dtype(dates):
            comptes = dates.dt.year.dropna().astype(int).value_counts()
            if len(comptes):
                return int(max(comptes.items(), key=lambda kv: (kv[1], kv[0]))[0])
    return dt.date.today().year - 1


def valider(donnees: DonneesLues, annee: int | None = None) -> RapportValidation:
    """Check clean tables against FORMAT.md §1.5 and return the report (never raises on bad data).

    ``annee`` is the bilan year n, used by year-dependent warnings (non orienté, préfet's realised share);
    None → :func:`annee_par_defaut`. Reading problems in ``donnees.problemes`` are carried over with their
    gravity; a cell they already report is not reported again.
    """
    tables_rendues, tables, manquants, illisibles = _conformer(donnees)
    if annee is None:
        annee = annee_par_defaut(tables)
    annee_courante = dt.date.today().year
    constats = illisibles + _controles_par_table(tables, annee_courante)
    croises, globaux = _controles_croises(tables, annee, set(tables_rendues))
    constats += croises
    problemes, resumes = _retenir(constats, tables, donnees, _colonnes_signalees(donnees))
    sources = dict(donnees.sources)
    globaux = [
        p if p.source else Probleme(**{**p.__dict__, "source": sources.get(p.table, PAR_NOM[p.table].libelle)})
        for p in globaux
    ]
    # Reading's own "… et N autres" lines are summaries too: listed after the lines they continue.
    lus_resumes = [p for p in donnees.problemes if p.ligne is None and p.regle.startswith("…")]
    resumes = [*lus_resumes, *resumes]
    tous = [*(p for p in donnees.problemes if not (p.ligne is None and p.regle.startswith("…"))), *manquants]
    tous += [*globaux, *problemes]
    erreurs = _trier([p for p in tous if p.gravite == ERREUR], [p for p in resumes if p.gravite == ERREUR])
    avertissements = _trier(
        [p for p in tous if p.gravite == AVERTISSEMENT], [p for p in resumes if p.gravite == AVERTISSEMENT]
    )
    informations = _trier([p for p in tous if p.gravite == INFORMATION], [])
    return RapportValidation(
        ok=not erreurs,
        tables=tables_rendues,
        erreurs=erreurs,
        avertissements=avertissements,
        informations=informations,
        sources=sources,
        fichiers=list(donnees.fichiers),
    )


def charger(fichiers: Sequence, annee: int | None = None) -> RapportValidation:
    """Read then validate (:func:`flux_dash.lecture.lire` then :func:`valider`)."""
    from flux_dash.lecture import lire  # lazy: reading is an independent module

    return valider(lire(fichiers), annee)
