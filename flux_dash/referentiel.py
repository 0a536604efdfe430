"""Référentiel: every category list of the product, and the Île-de-France reference tables.

This module is the single place where codes, French labels, display order and input aliases live
(DOMAINE.md §2–§3, FORMAT.md §1). Schemas, charts, reports and the input template all derive from it.
The reference tables (COG 2026 communes, EPCI/EPT, QPV 2024, GeoJSON) ship inside the package in
``flux_dash/donnees`` (see ``donnees/SOURCES.md``); nothing here reads outside the package.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import pandas as pd

from flux_dash.limites import LONGUEUR_SLUG


@dataclass(frozen=True)
class Categorie:
    """An ordered list of codes with French labels and input aliases.

    ``aliases`` maps a *normalised* spelling (see :func:`normaliser_texte`) to a code. The codes and labels
    are always accepted as their own aliases.
    """

    nom: str
    libelles: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def codes(self) -> list[str]:
        return list(self.libelles)

    def libelle(self, code: str) -> str:
        return self.libelles.get(code, code)

    def ordre(self, code: str) -> int:
        """Display rank of a code (unknown codes sort last)."""
        try:
            return self.codes.index(code)
        except ValueError:
            return len(self.codes)

    @property
    def table_alias(self) -> dict[str, str]:
        table = {normaliser_texte(c): c for c in self.libelles}
        table.update({normaliser_texte(lib): c for c, lib in self.libelles.items()})
        table.update({normaliser_texte(a): c for a, c in self.aliases.items()})
        return table

    def code_pour(self, valeur: object) -> str | None:
        """Canonical code for a user value, or None if it is not recognised."""
        if valeur is None or (isinstance(valeur, float) and pd.isna(valeur)):
            return None
        return self.table_alias.get(normaliser_texte(str(valeur)))


def normaliser_texte(texte: str) -> str:
    """Lower-case, accents removed, and spaces, ``-``, ``_``, ``'``, ``.`` removed.

    Used to match headers, sheet names and aliases (FORMAT.md §1: "matched without regard to case, accents,
    spaces, - or _").
    """
    texte = unicodedata.normalize("NFKD", str(texte))
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    return re.sub(r"[\s\-_'’.]+", "", texte.lower())


def slug(texte: str) -> str:
    """FORMAT.md §2.1: lower-case ASCII, accents removed, non-alphanumerics → ``-``.

    At most :data:`flux_dash.limites.LONGUEUR_SLUG` characters: a longer slug is cut and ends with ``-`` and 8
    hexadecimal characters of its sha256 (stable: the same name always gives the same file name; two long names
    sharing their beginning get different ones).
    """
    texte = unicodedata.normalize("NFKD", str(texte))
    texte = texte.encode("ascii", "ignore").decode("ascii").lower()
    resultat = re.sub(r"[^a-z0-9]+", "-", texte).strip("-") or "sans-nom"
    if len(resultat) <= LONGUEUR_SLUG:
        return resultat
    empreinte = hashlib.sha256(resultat.encode("ascii")).hexdigest()[:8]
    return f"{resultat[: LONGUEUR_SLUG - 9].rstrip('-')}-{empreinte}"


# --- Réservataires (DOMAINE.md §2) -------------------------------------------------------------------

BAILLEUR = "BAILLEUR"
NOM_BAILLEUR = "Bailleur"
"""The holder name used in ``tours.reservataire`` for logements kept or taken back by the landlord."""

CATEGORIES_RESERVATAIRE = Categorie(
    "categorie",
    {
        "ETAT_PRIORITAIRES": "État – publics prioritaires (contingent préfectoral, DALO…)",
        "ETAT_AGENTS": "État – agents civils et militaires de l'État",
        "ACTION_LOGEMENT": "Action Logement Services",
        "REGION": "Région Île-de-France",
        "DEPARTEMENT": "Département (conseil départemental)",
        "EPCI_EPT": "EPCI ou EPT (territoire de la Métropole du Grand Paris)",
        "COMMUNE": "Commune (Ville de Paris incluse)",
        "AUTRE": "Autre réservataire (employeur, ministère, organisme…)",
        BAILLEUR: "Bailleur – logements non réservés ou repris",
    },
    aliases={
        "préfet": "ETAT_PRIORITAIRES",
        "prefecture": "ETAT_PRIORITAIRES",
        "état": "ETAT_PRIORITAIRES",
        "etat prioritaires": "ETAT_PRIORITAIRES",
        "contingent préfectoral": "ETAT_PRIORITAIRES",
        "contingent prefectoral": "ETAT_PRIORITAIRES",
        "publics prioritaires": "ETAT_PRIORITAIRES",
        "DALO": "ETAT_PRIORITAIRES",
        "fonctionnaires": "ETAT_AGENTS",
        "agents": "ETAT_AGENTS",
        "agents de l'état": "ETAT_AGENTS",
        "état agents": "ETAT_AGENTS",
        "état fonctionnaires": "ETAT_AGENTS",
        "action logement": "ACTION_LOGEMENT",
        "action logement services": "ACTION_LOGEMENT",
        "ALS": "ACTION_LOGEMENT",
        "1% patronal": "ACTION_LOGEMENT",
        "région": "REGION",
        "conseil régional": "REGION",
        "département": "DEPARTEMENT",
        "conseil départemental": "DEPARTEMENT",
        "EPCI": "EPCI_EPT",
        "EPT": "EPCI_EPT",
        "intercommunalité": "EPCI_EPT",
        "commune": "COMMUNE",
        "ville": "COMMUNE",
        "mairie": "COMMUNE",
        "Ville de Paris": "COMMUNE",
        "autre": "AUTRE",
        "employeur": "AUTRE",
        "ministère": "AUTRE",
    },
    source="DOMAINE.md §2; CCH R. 441-5",
)
HORS_CONVENTION = "HORS_CONVENTION"
LIBELLE_HORS_CONVENTION = "Hors convention"
"""Not a réservataire: the line of consolidated tables holding orientations and attributions to a réservataire
outside its convention perimeters (DOMAINE.md §2–§3), ``categorie`` of its rows in the tidy CSV (FORMAT.md §2.2).
One line per réservataire concerned, under the réservataire's own name (« Hors convention – Ville de Montreuil »
where a trame shows it)."""
CATEGORIES_TITULAIRE = Categorie(
    "categorie",
    {**CATEGORIES_RESERVATAIRE.libelles, HORS_CONVENTION: LIBELLE_HORS_CONVENTION},
    source="DOMAINE.md §2 (réservataires, Bailleur, ligne « Hors convention »)",
)
"""Every holder line of a bilan's tables, in display order: the réservataire categories, ``BAILLEUR``, then
``HORS_CONVENTION`` (never a category of the ``conventions`` table: see :data:`CATEGORIES_CONVENTION`)."""
LIBELLES_COURTS_RESERVATAIRE = {
    "ETAT_PRIORITAIRES": "État – publics prioritaires",
    "ETAT_AGENTS": "État – agents de l'État",
    "ACTION_LOGEMENT": "Action Logement Services",
    "REGION": "Région Île-de-France",
    "DEPARTEMENT": "Département",
    "EPCI_EPT": "EPCI / EPT",
    "COMMUNE": "Commune",
    "AUTRE": "Autre réservataire",
    BAILLEUR: "Bailleurs (logements non réservés ou repris)",
    HORS_CONVENTION: LIBELLE_HORS_CONVENTION,
}
"""Short French label of each holder category (tables of the consolidation, where the long label is too wide)."""
CATEGORIES_CONVENTION = [c for c in CATEGORIES_RESERVATAIRE.codes if c != BAILLEUR]
"""Categories allowed in the ``conventions`` table (BAILLEUR needs no convention)."""
CATEGORIES_PREFET = ("ETAT_PRIORITAIRES", "ETAT_AGENTS")

PERIMETRES = Categorie(
    "perimetre_type",
    {
        "COMMUNE": "Commune",
        "EPCI_EPT": "EPCI / EPT",
        "DEPARTEMENT": "Département",
        "REGION": "Région",
    },
    aliases={"EPCI": "EPCI_EPT", "EPT": "EPCI_EPT", "intercommunalité": "EPCI_EPT", "dep": "DEPARTEMENT"},
    source="DOMAINE.md §2 (strates territoriales); FORMAT.md §1.3 and §2.2",
)
PERIMETRES_CONVENTION = ["DEPARTEMENT", "EPCI_EPT", "COMMUNE"]

# --- Breakdowns required by the décret (DOMAINE.md §3) ----------------------------------------------

TYPOLOGIES = Categorie(
    "typologie",
    {"T1": "T1", "T2": "T2", "T3": "T3", "T4": "T4", "T5+": "T5 et +"},
    aliases={
        "studio": "T1",
        "T1 bis": "T1",
        "T1'": "T1",
        "T1b": "T1",
        "T1bis": "T1",
        "F1": "T1",
        "1": "T1",
        "F2": "T2",
        "2": "T2",
        "F3": "T3",
        "3": "T3",
        "F4": "T4",
        "4": "T4",
        "T5": "T5+",
        "T6": "T5+",
        "T7": "T5+",
        "T8": "T5+",
        "T6+": "T5+",
        "T5 et +": "T5+",
        "T5 et plus": "T5+",
        "F5": "T5+",
        "F6": "T5+",
    },
    source="DOMAINE.md §3; FORMAT.md §1.1 (a bare number ≥ 5 also means T5+, see lecture)",
)

FINANCEMENTS = Categorie(
    "financement",
    {
        "PLAI": "PLAI",
        "PLUS": "PLUS",
        "PLS": "PLS",
        "PLI": "PLI",
        "ANCIEN": "Anciens financements (avant 1977)",
        "AUTRE": "Autre",
    },
    aliases={
        "PLA-I": "PLAI",
        "PLA I": "PLAI",
        "PLATS": "PLAI",
        "PLA-TS": "PLAI",
        "PLA LM": "PLAI",
        "PLAI adapté": "PLAI",
        "PLUS-CD": "PLUS",
        "PLUS CD": "PLUS",
        "PLA": "PLUS",
        "PLA ordinaire": "PLUS",
        "PPLS": "PLS",
        "PCLS": "PLS",
        "PLA CFF": "PLS",
        "HBM": "ANCIEN",
        "HLM/O": "ANCIEN",
        "HLMO": "ANCIEN",
        "HLM O": "ANCIEN",
        "PLR": "ANCIEN",
        "PSR": "ANCIEN",
        "ILM": "ANCIEN",
        "ILN": "ANCIEN",
        "anciens financements": "ANCIEN",
    },
    source="DOMAINE.md §3; FORMAT.md §1.1; RPLS record layout",
)

QPV = Categorie(
    "qpv",
    {"EN_QPV": "En QPV", "HORS_QPV": "Hors QPV"},
    source="DOMAINE.md §3",
)

PERIODES_CONSTRUCTION = Categorie(
    "periode_construction",
    {
        "avant-1949": "Avant 1949",
        "1949-1976": "1949–1976",
        "1977-1989": "1977–1989",
        "1990-1999": "1990–1999",
        "2000-2009": "2000–2009",
        "2010-2019": "2010–2019",
        "2020-et-apres": "2020 et après",
    },
    source="DOMAINE.md §3 (1977 = financing reform, PLA replaces HLM/O)",
)
BORNES_PERIODES = [(None, 1948), (1949, 1976), (1977, 1989), (1990, 1999), (2000, 2009), (2010, 2019), (2020, None)]
"""Inclusive year bounds of each construction period, in the order of ``PERIODES_CONSTRUCTION``."""


def periode_construction(annee: int) -> str:
    """Construction period code of a completion year (DOMAINE.md §3)."""
    for code, (debut, fin) in zip(PERIODES_CONSTRUCTION.codes, BORNES_PERIODES, strict=True):
        if (debut is None or annee >= debut) and (fin is None or annee <= fin):
            return code
    raise ValueError(annee)  # unreachable: the bounds cover every integer


def periodes_construction(annees: pd.Series) -> pd.Series:
    """Vectorised :func:`periode_construction` (NA stays NA)."""
    bins = [-(10**9), 1948, 1976, 1989, 1999, 2009, 2019, 10**9]
    return pd.cut(annees.astype("Float64"), bins=bins, labels=PERIODES_CONSTRUCTION.codes).astype("string")


DIMENSIONS = Categorie(
    "dimension",
    {
        "typologie": "Typologie",
        "financement": "Type de financement",
        "qpv": "Localisation (QPV)",
        "commune": "Commune",
        "periode_construction": "Période de construction",
    },
    source="CCH R. 441-5-1",
)
"""The five breakdowns of proposés and attribués required by the décret, in display order, with the French
names that charts, pages and trames show."""
DIMENSIONS_DECRET = DIMENSIONS.codes
"""The codes of :data:`DIMENSIONS` (``dimension`` column of the Bilan and of the tidy CSV)."""

# --- Soustraits, issues, origine (DOMAINE.md §3, FORMAT.md §1) --------------------------------------


def est_soustrait(categories: pd.Series) -> pd.Series:
    """The definition of a soustrait logement (DOMAINE.md §3): it carries a soustraction category (any non-blank
    ``categorie_soustraction``). Boolean Series, False for missing values."""
    texte = categories.astype("string").str.strip()
    return (texte.notna() & (texte != "")).fillna(False).astype(bool)


SOUSTRACTIONS = Categorie(
    "categorie_soustraction",
    {
        "MUTATION_INTERNE": "Mutations internes au patrimoine du bailleur",
        "RELOGEMENT_RU": "Relogements – renouvellement urbain (NPNRU/ANRU, démolitions incluses)",
        "RELOGEMENT_ORCOD": "Relogements – copropriétés dégradées (ORCOD)",
        "RELOGEMENT_HABITAT_INDIGNE": "Relogements – habitat indigne (art. L. 521-3-1 à L. 521-3-3)",
        "RELOGEMENT_VENTE": "Relogements – vente de logements sociaux",
        "AUTRE_SOUSTRACTION": "Autre soustraction prévue par le cadrage local",
    },
    aliases={
        "mutation": "MUTATION_INTERNE",
        "mutations": "MUTATION_INTERNE",
        "mutation interne": "MUTATION_INTERNE",
        "mutations internes": "MUTATION_INTERNE",
        "NPNRU": "RELOGEMENT_RU",
        "ANRU": "RELOGEMENT_RU",
        "RU": "RELOGEMENT_RU",
        "renouvellement urbain": "RELOGEMENT_RU",
        "relogement RU": "RELOGEMENT_RU",
        "démolition": "RELOGEMENT_RU",
        "ORCOD": "RELOGEMENT_ORCOD",
        "ORCOD-IN": "RELOGEMENT_ORCOD",
        "copropriété dégradée": "RELOGEMENT_ORCOD",
        "habitat indigne": "RELOGEMENT_HABITAT_INDIGNE",
        "RHI": "RELOGEMENT_HABITAT_INDIGNE",
        "vente": "RELOGEMENT_VENTE",
        "vente HLM": "RELOGEMENT_VENTE",
        "autre": "AUTRE_SOUSTRACTION",
    },
    source="CCH R. 441-5 (codes are ours, DOMAINE.md §3)",
)

ISSUES = Categorie(
    "issue",
    {
        "ATTRIBUE": "Attribué",
        "REFUS_CANDIDAT": "Refus ou désistement des candidats",
        "NON_ATTRIBUE_CALEOL": "Non attribué par la CALEOL",
        "ABSENCE_DESIGNATION": "Absence de désignation (remis au bailleur)",
        "EN_COURS": "En cours",
    },
    aliases={
        "attribué": "ATTRIBUE",
        "attribution": "ATTRIBUE",
        "refus": "REFUS_CANDIDAT",
        "refus candidat": "REFUS_CANDIDAT",
        "désistement": "REFUS_CANDIDAT",
        "non attribué": "NON_ATTRIBUE_CALEOL",
        "rejet": "NON_ATTRIBUE_CALEOL",
        "non attribution": "NON_ATTRIBUE_CALEOL",
        "pas de candidat": "ABSENCE_DESIGNATION",
        "sans désignation": "ABSENCE_DESIGNATION",
        "absence de désignation": "ABSENCE_DESIGNATION",
        "remise à disposition": "ABSENCE_DESIGNATION",
        "en cours": "EN_COURS",
    },
    source="DOMAINE.md §3 (outcome of a tour)",
)

ORIGINES = Categorie(
    "origine",
    {"ROTATION": "Rotation (libération)", "PREMIERE_MISE_EN_LOCATION": "Première mise en location"},
    aliases={
        "libération": "ROTATION",
        "relocation": "ROTATION",
        "première mise en location": "PREMIERE_MISE_EN_LOCATION",
        "mise en service": "PREMIERE_MISE_EN_LOCATION",
        "PMEL": "PREMIERE_MISE_EN_LOCATION",
        "livraison": "PREMIERE_MISE_EN_LOCATION",
    },
    source="FORMAT.md §1.1",
)

BOOLEENS_VRAI = {"oui", "o", "1", "vrai", "x", "true", "yes", "y"}
BOOLEENS_FAUX = {"non", "n", "0", "faux", "false", "no", ""}
"""FORMAT.md §1: ``oui/non``, ``o/n``, ``1/0``, ``vrai/faux``, ``x``/empty (normalised spellings)."""

DEPARTEMENTS_IDF = {
    "75": "Paris",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
}
CODE_REGION = "11"
NOM_REGION = "Île-de-France"
CODE_PARIS = "75056"


# --- Reference tables --------------------------------------------------------------------------------


def _fichier(nom: str):
    return resources.files("flux_dash") / "donnees" / nom


@cache
def _csv(nom: str) -> pd.DataFrame:
    with _fichier(nom).open("rb") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def communes() -> pd.DataFrame:
    """COG 2026 communes of Île-de-France (1 266 rows), one per ``code_insee``; Paris is 75056.

    Adds ``code_territoire`` / ``nom_territoire`` / ``type_territoire``: the EPCI/EPT strate of DOMAINE.md §2
    (the EPT for the 130 MGP communes, Paris being its own territory with the SIREN 217500016; else the EPCI).
    """
    return _communes().copy()


@cache
def _communes() -> pd.DataFrame:
    """:func:`communes`, computed once per process (a validation asks for the communes of every convention
    perimeter: ~6 ms each); shared: never modify it."""
    df = _csv("communes_idf.csv").copy()
    mgp = df["code_ept"] != ""
    df["code_territoire"] = df["code_ept"].where(mgp, df["code_epci"])
    df["nom_territoire"] = df["nom_ept"].where(mgp, df["nom_epci"])
    df["type_territoire"] = pd.Series("EPT", index=df.index).where(mgp, df["type_epci"])
    df.loc[df["code_insee"] == CODE_PARIS, "type_territoire"] = "PARIS"
    return df


@cache
def _communes_indexees() -> pd.DataFrame:
    return communes().set_index("code_insee")


def territoires() -> pd.DataFrame:
    """The EPCI/EPT strate: one row per territory with ``code``, ``nom``, ``type`` (EPT, PARIS, CA, CC, CU…),
    ``departements`` (sorted codes, ``;``-joined) and ``nb_communes``."""
    c = communes()
    g = c.groupby(["code_territoire", "nom_territoire", "type_territoire"], as_index=False).agg(
        departements=("code_departement", lambda s: ";".join(sorted(set(s)))),
        nb_communes=("code_insee", "size"),
    )
    return g.rename(columns={"code_territoire": "code", "nom_territoire": "nom", "type_territoire": "type"})


def qpv() -> pd.DataFrame:
    """QPV 2024 of Île-de-France, one row per (``code_qpv``, ``code_insee``) pair (COG 2026)."""
    return _csv("qpv_idf.csv")


def arrondissements_paris() -> pd.DataFrame:
    return _csv("arrondissements_paris.csv")


def communes_fusionnees() -> pd.DataFrame:
    """Former commune codes (``ancien_code``) and the current ``code_insee`` that absorbed them."""
    return _csv("communes_fusionnees_idf.csv")


@cache
def correspondance_communes() -> dict[str, str]:
    """Maps every accepted commune code to the current COG 2026 code (FORMAT.md §1.1).

    Current codes map to themselves; Paris arrondissements 75101–75120 map to 75056; merged communes map to
    the absorbing commune (93059 → 93066).
    """
    table = {c: c for c in communes()["code_insee"]}
    table.update(
        dict(zip(arrondissements_paris()["code_insee"], arrondissements_paris()["code_commune"], strict=False))
    )
    f = communes_fusionnees()
    table.update(dict(zip(f["ancien_code"], f["code_insee"], strict=False)))
    return table


def nom_commune(code_insee: str) -> str:
    try:
        return str(_communes_indexees().at[code_insee, "nom"])
    except KeyError:
        return code_insee


@cache
def libelles_perimetres() -> dict[tuple[str, str], str]:
    """(perimetre_type, perimetre_code) → French label, for every commune, territory, département and the région."""
    lib: dict[tuple[str, str], str] = {("REGION", CODE_REGION): NOM_REGION}
    for code, nom in DEPARTEMENTS_IDF.items():
        lib[("DEPARTEMENT", code)] = f"{nom} ({code})"
    for row in territoires().itertuples():
        lib[("EPCI_EPT", row.code)] = row.nom
    for row in communes().itertuples():
        lib[("COMMUNE", row.code_insee)] = row.nom
    # Intercommunalities that are not a commune's territory (e.g. the Métropole du Grand Paris) can still be
    # a convention perimeter: label them too.
    for row in _csv("intercommunalites_idf.csv").itertuples():
        lib.setdefault(("EPCI_EPT", row.code), row.nom)
    return lib


def libelle_perimetre(perimetre_type: str, perimetre_code: str) -> str:
    return libelles_perimetres().get((perimetre_type, perimetre_code), perimetre_code)


def perimetres_connus() -> set[tuple[str, str]]:
    """Every (perimetre_type, perimetre_code) a convention may name (FORMAT.md §1.3)."""
    return {k for k in libelles_perimetres() if k[0] in PERIMETRES_CONVENTION}


@cache
def epci_lec_par_defaut() -> tuple[str, ...]:
    """Default list of EPCI "LEC"/EPT codes (DOMAINE.md §2, [rule]): every EPT, Paris, and every EPCI with at
    least one QPV on its territory."""
    c = communes()
    avec_qpv = set(qpv()["code_insee"])
    codes = set(c.loc[c["type_territoire"].isin(["EPT", "PARIS"]), "code_territoire"])
    codes |= set(c.loc[c["code_insee"].isin(avec_qpv), "code_territoire"])
    return tuple(sorted(codes))


def communes_du_perimetre(perimetre_type: str, perimetre_code: str) -> set[str]:
    """COG 2026 commune codes inside a perimeter (empty set if unknown)."""
    return set(_communes_des_perimetres().get((perimetre_type, perimetre_code), ()))


@cache
def _communes_des_perimetres() -> dict[tuple[str, str], frozenset[str]]:
    """(perimetre_type, perimetre_code) → its communes, for every known perimeter, built once per process (the
    validation asks for every convention's perimeter: filtering the 1 266 communes each time cost ~3 ms)."""
    c = _communes()
    codes = c["code_insee"].to_numpy(dtype=object)
    ensembles: dict[tuple[str, str], set[str]] = {("COMMUNE", code): {code} for code in codes}
    ensembles[("REGION", CODE_REGION)] = set(codes)
    for colonne, perimetre_type in (
        ("code_departement", "DEPARTEMENT"),
        ("code_territoire", "EPCI_EPT"),
        ("code_epci", "EPCI_EPT"),
    ):
        for code, commune in zip(c[colonne].to_numpy(dtype=object), codes, strict=True):
            ensembles.setdefault((perimetre_type, code), set()).add(commune)
    return {cle: frozenset(communes) for cle, communes in ensembles.items()}


@cache
def _geojson(nom: str) -> str:
    return _fichier(nom).read_text(encoding="utf-8")


def geojson_communes() -> dict:
    """Simplified commune polygons (``properties.code`` = INSEE code), rings in the plotly winding."""
    return json.loads(_geojson("communes_idf.geojson"))


def geojson_qpv() -> dict:
    return json.loads(_geojson("qpv_idf.geojson"))
