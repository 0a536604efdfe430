"""Demo dataset: the tours of a fictional landlord, « Habitat Francilien Démo », and a deliberately broken copy.

This module owns the sample data of the product (``sample_data/``): :func:`generer_demo` builds the four input
tables of FORMAT.md §1 as a user would type them (French date strings, ``oui``/``non``, codes as text),
:func:`ecrire_demo` writes them as one workbook and as French CSV files, and :func:`ecrire_jeu_casse` writes a
small copy with documented mistakes, to show what validation reports.

Everything is fictional but realistic: real communes, EPT and QPV codes of the reference tables
(:mod:`flux_dash.referentiel`), convention taux within the legal caps (DOMAINE.md §2), tours whose outcomes and
delays look like a landlord's year. The generator is deterministic: it draws every random number from one
``numpy.random.Generator`` seeded with ``graine`` and iterates only over sorted or declared sequences.

The demo is *clean*: it validates with no error, no orientation outside a convention perimeter, no soustrait
logement oriented to anyone but the landlord, and the préfet's realised shares under the caps. The only
expected warnings are a handful of « non orienté » logements (about one in 600, available in the demo year
and awaiting works, so without any tour): a real file has some, and the dashboard should show how they appear.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flux_dash import excel as xl
from flux_dash import referentiel as ref
from flux_dash.colonnes import CONVENTIONS, LOGEMENTS, PAR_NOM, PREVISIONNEL, TOURS

NOM_BAILLEUR_DEMO = "Habitat Francilien Démo"
ANNEE_DEMO = 2024
"""The bilan year n of the demo; disponibilités span n−1 … n+1 (the bulk in n)."""
DATE_EXTRACTION = dt.date(2026, 1, 15)
"""The demo's extraction date: no tour starts later, and a tour whose outcome would come later is EN_COURS."""

NOM_CLASSEUR = f"flux_demo_{ANNEE_DEMO}.xlsx"
NOMS_CSV = {
    "logements": "demo_logements.csv",
    "tours": "demo_tours.csv",
    "conventions": "demo_conventions.csv",
    "previsionnel": "demo_previsionnel.csv",
}
FEUILLES = {"logements": "Logements", "tours": "Tours", "conventions": "Conventions", "previsionnel": "Prévisionnel"}
COLONNES_DATE = {"date_disponibilite", "date_orientation", "date_attribution"}

# --- Where the fictional stock is (real communes, weighted by the size of the stock) -----------------

COMMUNES_DEMO: tuple[tuple[str, int], ...] = (
    # Seine-Saint-Denis: the largest part of the stock, many QPV, Plaine Commune and Est Ensemble.
    ("93066", 10),  # Saint-Denis
    ("93048", 8),  # Montreuil
    ("93001", 6),  # Aubervilliers
    ("93005", 6),  # Aulnay-sous-Bois
    ("93029", 5),  # Drancy
    ("93008", 5),  # Bobigny
    ("93055", 4),  # Pantin
    ("93031", 4),  # Épinay-sur-Seine
    ("93071", 4),  # Sevran
    ("93010", 4),  # Bondy
    ("93027", 4),  # La Courneuve
    ("93070", 3),  # Saint-Ouen-sur-Seine
    ("93072", 3),  # Stains
    ("93053", 3),  # Noisy-le-Sec
    ("93014", 2),  # Clichy-sous-Bois (ORCOD-IN du Bas-Clichy)
    ("93047", 2),  # Montfermeil
    # Val-de-Marne
    ("94028", 7),  # Créteil
    ("94081", 6),  # Vitry-sur-Seine
    ("94017", 5),  # Champigny-sur-Marne
    ("94041", 4),  # Ivry-sur-Seine
    ("94076", 3),  # Villejuif
    ("94022", 3),  # Choisy-le-Roi
    ("94078", 3),  # Villeneuve-Saint-Georges
    ("94002", 2),  # Alfortville
    ("94033", 2),  # Fontenay-sous-Bois
    ("94054", 2),  # Orly
    # Paris
    ("75056", 25),
    # Seine-et-Marne
    ("77284", 5),  # Meaux
    ("77288", 4),  # Melun
    ("77108", 3),  # Chelles
    ("77445", 2),  # Savigny-le-Temple
    ("77468", 2),  # Torcy
    ("77305", 2),  # Montereau-Fault-Yonne
    ("77285", 2),  # Le Mée-sur-Seine
)
PART_QPV = {"93": 0.40, "94": 0.28, "75": 0.16, "77": 0.24}
"""Target share of logements located in a QPV, per département (applied to the communes that have one)."""
PART_CODE_QPV = 0.85
"""Share of QPV logements whose ``code_qpv`` is filled (the column is optional)."""

ARTICLES_DEPARTEMENT = {
    "93": "de la Seine-Saint-Denis",
    "94": "du Val-de-Marne",
    "75": "de Paris",
    "77": "de Seine-et-Marne",
}


@dataclass(frozen=True)
class ConventionDemo:
    reservataire: str
    categorie: str
    perimetre_type: str
    perimetre_code: str
    taux: float


def _ville(code_insee: str) -> str:
    nom = ref.nom_commune(code_insee)
    return f"Ville d'{nom}" if nom[0] in "AEIOUÉÈÊÎÔ" else f"Ville de {nom}"


def _territoire(code_insee: str) -> tuple[str, str]:
    """(SIREN, name) of the EPT of a commune, read from the reference table (never typed by hand)."""
    c = ref.communes().set_index("code_insee")
    return str(c.at[code_insee, "code_ept"]), str(c.at[code_insee, "nom_ept"])


def conventions_demo() -> list[ConventionDemo]:
    """The demo's conventions: préfet 25 % + 5 %, Action Logement, Département, Région, three EPT, six communes and
    one employer. On every commune of the stock the taux of the conventions covering it add up to at most 100."""
    conv: list[ConventionDemo] = []
    taux_dep = {
        # département: (Action Logement, Département or None, Région or None)
        "93": (35.0, 8.0, 5.0),
        "94": (32.0, 10.0, 5.0),
        "75": (38.0, None, 5.0),  # in Paris the Ville de Paris holds the départemental rights
        "77": (30.0, 6.0, None),
    }
    for dep, (als, departement, region) in taux_dep.items():
        prefecture = f"Préfecture {ARTICLES_DEPARTEMENT[dep]}"
        conv.append(
            ConventionDemo(f"{prefecture} – contingent prioritaire", "ETAT_PRIORITAIRES", "DEPARTEMENT", dep, 25.0)
        )
        conv.append(ConventionDemo(f"{prefecture} – agents de l'État", "ETAT_AGENTS", "DEPARTEMENT", dep, 5.0))
        conv.append(ConventionDemo("Action Logement Services", "ACTION_LOGEMENT", "DEPARTEMENT", dep, als))
        if departement is not None:
            nom = f"Département {ARTICLES_DEPARTEMENT[dep]}"
            conv.append(ConventionDemo(nom, "DEPARTEMENT", "DEPARTEMENT", dep, departement))
        if region is not None:
            conv.append(ConventionDemo("Région Île-de-France", "REGION", "DEPARTEMENT", dep, region))
    conv.append(ConventionDemo("Assistance publique – Hôpitaux de Paris", "AUTRE", "DEPARTEMENT", "75", 2.5))
    for commune_ept in ("93066", "93048", "94081"):  # Plaine Commune, Est Ensemble, Grand-Orly Seine Bièvre
        siren, nom = _territoire(commune_ept)
        conv.append(ConventionDemo(f"EPT {nom}", "EPCI_EPT", "EPCI_EPT", siren, 5.0))
    for code, taux in (
        ("93066", 12.0),
        ("93048", 10.0),
        ("94028", 15.0),
        ("94081", 10.0),
        ("75056", 20.0),
        ("77284", 12.0),
    ):
        nom = "Ville de Paris" if code == ref.CODE_PARIS else _ville(code)
        conv.append(ConventionDemo(nom, "COMMUNE", "COMMUNE", code, taux))
    return conv


# --- Distributions ---------------------------------------------------------------------------------

PART_SOUSTRAITS = 0.10
POIDS_SOUSTRACTIONS = {
    "MUTATION_INTERNE": 45,
    "RELOGEMENT_RU": 25,
    "RELOGEMENT_ORCOD": 7,  # only where an ORCOD exists in the demo (93, 94)
    "RELOGEMENT_HABITAT_INDIGNE": 9,
    "RELOGEMENT_VENTE": 7,
    "AUTRE_SOUSTRACTION": 7,
}
DEPARTEMENTS_ORCOD = ("93", "94")
PARTS_ANNEES = {ANNEE_DEMO - 1: 0.22, ANNEE_DEMO: 0.58, ANNEE_DEMO + 1: 0.20}
PART_PREMIERE_MISE_EN_LOCATION = 0.05
TYPOLOGIES_PARIS = (0.18, 0.30, 0.30, 0.17, 0.05)
TYPOLOGIES_AILLEURS = (0.08, 0.22, 0.38, 0.24, 0.08)
PERIODES = ((1930, 1948), (1949, 1976), (1977, 1989), (1990, 1999), (2000, 2009), (2010, 2019), (2020, 2024))
PARTS_PERIODES_PARIS = (0.25, 0.30, 0.13, 0.10, 0.09, 0.09, 0.04)
PARTS_PERIODES_AILLEURS = (0.06, 0.38, 0.17, 0.12, 0.11, 0.12, 0.04)
FINANCEMENTS_PAR_EPOQUE = {
    # Before the 1977 reform: HLM/O and older (ANCIEN), some acquisitions-améliorations refinanced.
    "avant-1977": {"ANCIEN": 0.78, "PLUS": 0.12, "PLAI": 0.06, "AUTRE": 0.04},
    # 1977–1989: PLA (→ PLUS), PLA CFF (→ PLS), PLI from 1987.
    "1977-1989": {"PLUS": 0.82, "PLS": 0.10, "PLI": 0.05, "AUTRE": 0.03},
    "depuis-1990": {"PLUS": 0.50, "PLAI": 0.26, "PLS": 0.16, "PLI": 0.05, "AUTRE": 0.03},
    "neuf": {"PLUS": 0.50, "PLAI": 0.30, "PLS": 0.20},
}
PONDERATION_PREFET = {"ETAT_PRIORITAIRES": 0.88, "ETAT_AGENTS": 0.70}
"""Tour-1 orientations to the préfet are drawn slightly under its taux so realised shares stay under the caps."""
ISSUES_TOUR = {
    # tour number → outcome probabilities, in the order of ISSUES_TIRAGE
    1: (0.65, 0.14, 0.08, 0.13),
    2: (0.75, 0.11, 0.06, 0.08),
    3: (0.85, 0.10, 0.05, 0.00),
}
ISSUES_TIRAGE = ("ATTRIBUE", "REFUS_CANDIDAT", "NON_ATTRIBUE_CALEOL", "ABSENCE_DESIGNATION")
RETOUR_BAILLEUR = {"ABSENCE_DESIGNATION": 0.85, "REFUS_CANDIDAT": 0.50, "NON_ATTRIBUE_CALEOL": 0.55}
"""Probability that the next tour goes back to the landlord (else to the same réservataire)."""
PART_PRIORITAIRES = {"ETAT_PRIORITAIRES": 0.92, "ETAT_AGENTS": 0.10, "BAILLEUR": 0.33}
PART_PRIORITAIRES_AUTRES = 0.29
PART_DALO_PARMI_PRIORITAIRES = {"ETAT_PRIORITAIRES": 0.60}
PART_DALO_AUTRES = 0.06
PART_BAIL_SIGNE = 0.94


def _reservataires(conventions: list[ConventionDemo]) -> tuple[list[str], dict[str, str], np.ndarray, list[str]]:
    """Holders (sorted, Bailleur last), their category, and the tour-1 weight matrix communes × holders."""
    noms = sorted({c.reservataire for c in conventions}) + [ref.NOM_BAILLEUR]
    categorie = {c.reservataire: c.categorie for c in conventions} | {ref.NOM_BAILLEUR: ref.BAILLEUR}
    codes = [code for code, _ in COMMUNES_DEMO]
    poids = np.zeros((len(codes), len(noms)))
    for c in conventions:
        perimetre = ref.communes_du_perimetre(c.perimetre_type, c.perimetre_code)
        for i, code in enumerate(codes):
            if code in perimetre:
                poids[i, noms.index(c.reservataire)] += c.taux / 100 * PONDERATION_PREFET.get(c.categorie, 1.0)
    poids[:, -1] = 1.0 - poids[:, :-1].sum(axis=1)
    return noms, categorie, poids, codes


def _quotas(rng: np.random.Generator, poids: np.ndarray, n: int) -> np.ndarray:
    """n holder indices in random order whose counts follow ``poids`` as closely as integers allow."""
    attendu = poids * n
    nombres = np.floor(attendu).astype(int)
    reste = n - int(nombres.sum())
    if reste > 0:
        fractions = attendu - nombres
        extra = rng.choice(len(poids), size=reste, replace=False, p=fractions / fractions.sum())
        nombres[extra] += 1
    return rng.permutation(np.repeat(np.arange(len(poids)), nombres))


def _tirer(rng: np.random.Generator, options: Sequence[str], parts: Sequence[float], n: int) -> np.ndarray:
    p = np.asarray(parts, dtype=float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p / p.sum())]


def _jjmmaaaa(jours: np.ndarray) -> np.ndarray:
    """datetime64[D] array → ``JJ/MM/AAAA`` strings (NaT → empty)."""
    serie = pd.Series(jours.astype("datetime64[s]"))
    return serie.dt.strftime("%d/%m/%Y").fillna("").to_numpy(dtype=object)


def _oui_non(valeurs: np.ndarray) -> np.ndarray:
    return np.where(valeurs, "oui", "non").astype(object)


# --- Generator -------------------------------------------------------------------------------------


def generer_demo(nb_logements: int = 3000, graine: int = 2024) -> dict[str, pd.DataFrame]:
    """The four input tables of the demo landlord, as a user would type them (FORMAT.md §1).

    ``logements`` has exactly ``nb_logements`` rows; ``tours`` 1 to 3 rows per oriented logement; dates are
    ``JJ/MM/AAAA`` strings, booleans ``oui``/``non`` (empty on non-attributed tours), codes text, empty optional
    cells empty strings. Same ``graine`` → identical tables.
    """
    if nb_logements < 1:
        raise ValueError("nb_logements doit être au moins 1")
    rng = np.random.default_rng(graine)
    conventions = conventions_demo()
    noms, categorie_de, poids_tour1, codes = _reservataires(conventions)
    logements = _generer_logements(rng, nb_logements, codes)
    tours = _generer_tours(rng, logements, noms, categorie_de, poids_tour1, codes)
    return {
        "logements": _logements_en_texte(logements),
        "tours": tours,
        "conventions": pd.DataFrame(
            [(c.reservataire, c.categorie, c.perimetre_type, c.perimetre_code, c.taux) for c in conventions],
            columns=CONVENTIONS.noms,
        ),
        "previsionnel": _generer_previsionnel(rng, logements),
    }


def _generer_logements(rng: np.random.Generator, n: int, codes: list[str]) -> pd.DataFrame:
    """Logements with typed columns (dates as datetime64[D], qpv as bool); turned into text at the end."""
    poids = np.array([p for _, p in COMMUNES_DEMO], dtype=float)
    commune_idx = rng.choice(len(codes), size=n, p=poids / poids.sum())
    commune = np.asarray(codes, dtype=object)[commune_idx]
    dep = np.array([c[:2] for c in codes], dtype=object)[commune_idx]

    # QPV: the département's target share, carried by the communes that have a QPV.
    qpv_par_commune = {code: sorted(ref.qpv().loc[ref.qpv()["code_insee"] == code, "code_qpv"]) for code in codes}
    p_qpv = np.zeros(len(codes))
    for d, part in PART_QPV.items():
        dans_dep = [i for i, code in enumerate(codes) if code[:2] == d]
        avec_qpv = [i for i in dans_dep if qpv_par_commune[codes[i]]]
        poids_dep, poids_qpv = poids[dans_dep].sum(), poids[avec_qpv].sum()
        for i in avec_qpv:
            p_qpv[i] = min(0.8, part * poids_dep / poids_qpv)
    en_qpv = rng.random(n) < p_qpv[commune_idx]
    code_qpv = np.full(n, "", dtype=object)
    avec_code = en_qpv & (rng.random(n) < PART_CODE_QPV)
    for i, code in enumerate(codes):
        lignes = np.flatnonzero(avec_code & (commune_idx == i))
        if len(lignes):
            code_qpv[lignes] = _tirer(rng, qpv_par_commune[code], [1.0] * len(qpv_par_commune[code]), len(lignes))

    # Availability dates: the bulk in the demo year.
    annees = _tirer(rng, list(PARTS_ANNEES), list(PARTS_ANNEES.values()), n).astype(int)
    debut = (annees - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    longueur = ((annees + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]") - debut).astype(int)
    disponibilite = debut + (rng.random(n) * longueur).astype(int).astype("timedelta64[D]")

    paris = dep == "75"
    typologie = np.where(
        paris,
        _tirer(rng, ref.TYPOLOGIES.codes, TYPOLOGIES_PARIS, n),
        _tirer(rng, ref.TYPOLOGIES.codes, TYPOLOGIES_AILLEURS, n),
    )
    periode = np.where(
        paris,
        rng.choice(len(PERIODES), size=n, p=PARTS_PERIODES_PARIS),
        rng.choice(len(PERIODES), size=n, p=PARTS_PERIODES_AILLEURS),
    )
    bornes = np.array(PERIODES)
    annee_construction = bornes[periode, 0] + (rng.random(n) * (bornes[periode, 1] - bornes[periode, 0] + 1)).astype(
        int
    )

    # First lettings: new buildings delivered the year of the availability or the year before (≤ 2024).
    neuf = rng.random(n) < PART_PREMIERE_MISE_EN_LOCATION
    livraison = np.minimum(annees, PERIODES[-1][1]) - (rng.random(n) < 0.3).astype(int)
    annee_construction = np.where(neuf, livraison, annee_construction)
    origine = np.where(neuf, "PREMIERE_MISE_EN_LOCATION", "ROTATION").astype(object)

    epoque = np.select(
        [neuf, annee_construction < 1977, annee_construction < 1990], ["neuf", "avant-1977", "1977-1989"], "depuis-1990"
    )
    financement = np.full(n, "", dtype=object)
    for nom, parts in FINANCEMENTS_PAR_EPOQUE.items():
        lignes = np.flatnonzero(epoque == nom)
        financement[lignes] = _tirer(rng, list(parts), list(parts.values()), len(lignes))

    # Soustraits: about 10 %, never a first letting; ORCOD only where the demo has one.
    soustrait = (rng.random(n) < PART_SOUSTRAITS) & ~neuf
    categorie = np.full(n, "", dtype=object)
    cats = list(POIDS_SOUSTRACTIONS)
    for orcod in (True, False):
        lignes = np.flatnonzero(soustrait & (np.isin(dep, DEPARTEMENTS_ORCOD) == orcod))
        parts = [p if (orcod or c != "RELOGEMENT_ORCOD") else 0 for c, p in POIDS_SOUSTRACTIONS.items()]
        categorie[lignes] = _tirer(rng, cats, parts, len(lignes))

    largeur = max(6, len(str(n)))
    return pd.DataFrame(
        {
            "id_logement": [f"HFD-{i:0{largeur}d}" for i in range(1, n + 1)],
            "code_commune": commune,
            "qpv": en_qpv,
            "code_qpv": code_qpv,
            "typologie": typologie,
            "financement": financement,
            "annee_construction": annee_construction.astype("int64"),
            "date_disponibilite": disponibilite,
            "origine": origine,
            "categorie_soustraction": categorie,
            "_commune_idx": commune_idx,
        }
    )


def _logements_en_texte(logements: pd.DataFrame) -> pd.DataFrame:
    df = logements[LOGEMENTS.noms].copy()
    df["qpv"] = _oui_non(logements["qpv"].to_numpy())
    df["date_disponibilite"] = _jjmmaaaa(logements["date_disponibilite"].to_numpy())
    for colonne in LOGEMENTS.noms:
        if colonne != "annee_construction":
            df[colonne] = df[colonne].astype("str")
    return df


def _generer_tours(
    rng: np.random.Generator,
    logements: pd.DataFrame,
    noms: list[str],
    categorie_de: dict[str, str],
    poids_tour1: np.ndarray,
    codes: list[str],
) -> pd.DataFrame:
    """Tours round by round: tour 1 for every oriented logement, then a next tour after each failure."""
    n = len(logements)
    bailleur = len(noms) - 1
    soustrait = (logements["categorie_soustraction"] != "").to_numpy()
    disponibilite = logements["date_disponibilite"].to_numpy()
    annee = disponibilite.astype("datetime64[Y]").astype(int) + 1970
    commune_idx = logements["_commune_idx"].to_numpy()

    # A handful of logements of the demo year are awaiting works: no tour (the « non orienté » warnings).
    candidats = np.flatnonzero(~soustrait & (annee == ANNEE_DEMO))
    sans_tour = rng.choice(candidats, size=min(len(candidats), n // 600), replace=False)
    oriente = np.ones(n, dtype=bool)
    oriente[sans_tour] = False

    # Tour 1 holder: soustraits always go to the landlord; the others follow the taux, per commune and year.
    reservataire = np.full(n, bailleur)
    for i in range(len(codes)):
        for a in PARTS_ANNEES:
            lignes = np.flatnonzero(oriente & ~soustrait & (commune_idx == i) & (annee == a))
            if len(lignes):
                reservataire[lignes] = _quotas(rng, poids_tour1[i], len(lignes))

    extraction = np.datetime64(DATE_EXTRACTION, "D")
    orientation = disponibilite + rng.integers(0, 61, size=n).astype("timedelta64[D]")
    actifs = np.flatnonzero(oriente)
    morceaux: list[pd.DataFrame] = []
    for numero in (1, 2, 3):
        actifs = actifs[orientation[actifs] <= extraction]  # may be empty: frames of length 0 are fine
        k = len(actifs)
        probas = np.array(ISSUES_TOUR[numero])
        issue = _tirer(rng, ISSUES_TIRAGE, probas, k)
        # Soustraits: internal rehousings nearly always succeed with the landlord.
        issue = np.where(soustrait[actifs] & (rng.random(k) < 0.85), "ATTRIBUE", issue).astype(object)
        attribution = orientation[actifs] + rng.integers(15, 91, size=k).astype("timedelta64[D]")
        fin_tour = np.where(issue == "ATTRIBUE", attribution, orientation[actifs] + np.timedelta64(35, "D"))
        en_cours = fin_tour > extraction
        issue[en_cours] = "EN_COURS"
        attribue = issue == "ATTRIBUE"
        morceaux.append(
            pd.DataFrame(
                {
                    "_ligne": actifs,
                    "numero_tour": numero,
                    "_reservataire": reservataire[actifs],
                    "_orientation": orientation[actifs],
                    "issue": issue,
                    "_attribution": np.where(attribue, attribution, np.datetime64("NaT")),
                }
            )
        )
        # Next tour: back to the landlord (mostly after an absence of designation) or again to the same holder.
        suite = ~attribue & ~en_cours
        retour = np.array([RETOUR_BAILLEUR.get(i, 0.0) for i in issue])
        retour_bailleur = rng.random(k) < retour
        delai = np.where(issue == "ABSENCE_DESIGNATION", 30 + rng.integers(0, 16, size=k), rng.integers(20, 61, size=k))
        suivants = actifs[suite]
        reservataire[suivants] = np.where(retour_bailleur[suite], bailleur, reservataire[suivants])
        orientation[suivants] = orientation[suivants] + delai[suite].astype("timedelta64[D]")
        actifs = suivants

    tours = pd.concat(morceaux, ignore_index=True).sort_values(["_ligne", "numero_tour"], ignore_index=True)
    return _indicateurs_menage(rng, tours, logements, noms, categorie_de)


def _indicateurs_menage(
    rng: np.random.Generator,
    tours: pd.DataFrame,
    logements: pd.DataFrame,
    noms: list[str],
    categorie_de: dict[str, str],
) -> pd.DataFrame:
    """Optional household columns, filled on ATTRIBUE tours only (FORMAT.md §1.2)."""
    k = len(tours)
    lignes = tours["_ligne"].to_numpy()
    attribue = (tours["issue"] == "ATTRIBUE").to_numpy()
    nom = np.asarray(noms, dtype=object)[tours["_reservataire"].to_numpy()]
    categorie = np.array([categorie_de[r] for r in nom], dtype=object)
    en_qpv = logements["qpv"].to_numpy()[lignes]
    relogement_ru = logements["categorie_soustraction"].to_numpy()[lignes] == "RELOGEMENT_RU"

    p_prioritaire = np.array([PART_PRIORITAIRES.get(c, PART_PRIORITAIRES_AUTRES) for c in categorie])
    prioritaire = rng.random(k) < p_prioritaire
    p_dalo = np.array([PART_DALO_PARMI_PRIORITAIRES.get(c, PART_DALO_AUTRES) for c in categorie])
    dalo = prioritaire & (rng.random(k) < p_dalo)
    premier_quartile = rng.random(k) < np.where(en_qpv, 0.20, 0.29)
    menage_ru = relogement_ru & (rng.random(k) < 0.9) | (~relogement_ru & (rng.random(k) < 0.01))
    bail = rng.random(k) < PART_BAIL_SIGNE

    def colonne(valeurs: np.ndarray) -> np.ndarray:
        return np.where(attribue, _oui_non(valeurs), "").astype(object)

    return pd.DataFrame(
        {
            "id_logement": logements["id_logement"].to_numpy()[lignes],
            "numero_tour": tours["numero_tour"].astype("int64").to_numpy(),
            "reservataire": nom,
            "date_orientation": _jjmmaaaa(tours["_orientation"].to_numpy()),
            "issue": tours["issue"].to_numpy(),
            "date_attribution": _jjmmaaaa(tours["_attribution"].to_numpy()),
            "bail_signe": colonne(bail),
            "menage_prioritaire": colonne(prioritaire),
            "dalo": colonne(dalo),
            "premier_quartile": colonne(premier_quartile),
            "menage_relogement_ru": colonne(menage_ru),
        }
    ).astype({c: "str" for c in TOURS.noms if c != "numero_tour"})


def _generer_previsionnel(rng: np.random.Generator, logements: pd.DataFrame) -> pd.DataFrame:
    """Soustraits forecast for n+1 from the soustraits of n; planned availabilities for 93 and 94 only."""
    dep = logements["code_commune"].str[:2]
    annee = logements["date_disponibilite"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    dans_n = annee == ANNEE_DEMO
    lignes = []
    for d in PART_QPV:  # declared order: 93, 94, 75, 77
        du_dep = (dep == d).to_numpy() & dans_n
        disponibilites = int(round(du_dep.sum() * rng.uniform(0.95, 1.08))) if d in ("93", "94") else None
        for categorie in ref.SOUSTRACTIONS.codes:
            realises = int((du_dep & (logements["categorie_soustraction"] == categorie).to_numpy()).sum())
            prevu = (
                0
                if categorie == "RELOGEMENT_ORCOD" and d not in DEPARTEMENTS_ORCOD
                else int(round(realises * rng.uniform(0.8, 1.3)))
            )
            lignes.append((d, categorie, prevu, disponibilites))
    df = pd.DataFrame(lignes, columns=PREVISIONNEL.noms)
    df["nombre_prevu"] = df["nombre_prevu"].astype("int64")
    df["disponibilites_prevues"] = df["disponibilites_prevues"].astype("Int64")
    return df


# --- Writers ---------------------------------------------------------------------------------------


def _texte_csv(valeur: object) -> str:
    if valeur is None or valeur is pd.NA or (isinstance(valeur, float) and np.isnan(valeur)):
        return ""
    if isinstance(valeur, float):
        return f"{valeur:g}".replace(".", ",")  # decimal comma (FORMAT.md §1)
    return str(valeur)


def csv_en_texte(table: pd.DataFrame) -> str:
    """A table as a French CSV text: ``;`` separator, decimal comma, empty cells for missing values."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\n")
    ecrivain.writerow(table.columns)
    colonnes = [table[c].to_numpy(dtype=object) for c in table.columns]
    ecrivain.writerows([[_texte_csv(v) for v in ligne] for ligne in zip(*colonnes, strict=True)])
    return tampon.getvalue()


def ecrire_csv(tables: dict[str, pd.DataFrame], dossier: str | Path, noms: dict[str, str] = NOMS_CSV) -> list[Path]:
    """Writes each table as a CSV file in UTF-8 with BOM (Excel opens it with the right accents)."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = []
    for table, nom in noms.items():
        chemin = dossier / nom
        chemin.write_text(csv_en_texte(tables[table]), encoding="utf-8-sig", newline="")
        chemins.append(chemin)
    return chemins


def _largeur(colonne: str, valeurs: pd.Series) -> float:
    longueurs = valeurs.astype("str").str.len()
    plus_longue = int(longueurs.max()) if len(longueurs) else 0
    return min(max(len(colonne), plus_longue, 10 if colonne in COLONNES_DATE else 0) + 2, 60)


def classeur_demo(tables: dict[str, pd.DataFrame]) -> bytes:
    """The four tables as one workbook (sheets Logements, Tours, Conventions, Prévisionnel; header on row 1), as
    ``.xlsx`` bytes written by :mod:`flux_dash.excel`.

    Codes and identifiers are text cells formatted as text (leading zeros survive, and so do codes a user types
    in new rows: the whole column is formatted ``@``), dates real date cells shown ``JJ/MM/AAAA``, numbers numeric
    cells, empty values empty cells; the header row is bold and frozen, columns sized to their content. The file's
    date is fixed (the extraction date): the same tables give the same bytes.
    """
    wb = xl.nouveau_classeur()
    wb.titre = f"Tours de commercialisation {ANNEE_DEMO} (données fictives)"
    wb.auteur = NOM_BAILLEUR_DEMO
    wb.date = dt.datetime.combine(DATE_EXTRACTION, dt.time())
    for table, titre in FEUILLES.items():
        df = tables[table]
        ws = xl.nouvelle_feuille(wb, titre)
        codes = {c for c in df.columns if PAR_NOM[table].colonne(c).genre == "code"}
        donnees = df.copy()
        for j, colonne in enumerate(df.columns, start=1):
            xl.ecrire_texte(ws, 1, j, colonne, xl.STYLE_ENTETE_DONNEES)
            ws.largeurs[j] = _largeur(colonne, df[colonne])
            if colonne in codes:
                ws.formats_colonnes[j] = xl.FORMAT_TEXTE
            if colonne in COLONNES_DATE:
                donnees[colonne] = pd.to_datetime(df[colonne].replace("", None), format="%d/%m/%Y")
        xl.ecrire_donnees(ws, donnees, 2, 1, {c: xl.FORMAT_TEXTE for c in codes})
        xl.figer_entete(ws, "A2")
    return xl.classeur_en_octets(wb)


def ecrire_classeur(tables: dict[str, pd.DataFrame], chemin: str | Path) -> Path:
    """Writes :func:`classeur_demo` to ``chemin`` (parent folders created); returns the path."""
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_bytes(classeur_demo(tables))
    return chemin


def ecrire_demo(dossier: str | Path, nb_logements: int = 3000, graine: int = 2024) -> list[Path]:
    """Writes ``flux_demo_2024.xlsx`` and the same tables as CSV files in ``dossier/csv/``; returns the paths."""
    dossier = Path(dossier)
    tables = generer_demo(nb_logements, graine)
    return [ecrire_classeur(tables, dossier / NOM_CLASSEUR), *ecrire_csv(tables, dossier / "csv")]


# --- The broken set (sample_data/casse/) -----------------------------------------------------------

NOMS_CSV_CASSE = {table: nom.replace("demo_", "casse_") for table, nom in NOMS_CSV.items()}
NB_LOGEMENTS_CASSE = 60


@dataclass(frozen=True)
class ErreurVoulue:
    """One deliberate mistake of the broken set, as documented in ``casse/LISEZMOI.md``."""

    table: str
    ligne: int
    colonne: str
    valeur: str
    description: str
    regle: str


def jeu_casse(graine: int = 2024) -> tuple[dict[str, pd.DataFrame], list[ErreurVoulue]]:
    """A small demo (60 logements) with about ten deliberate mistakes, each covering a rule of FORMAT.md §1.5.

    Mistakes are placed on distinct logements, and the tours chosen belong to logements left intact, so that
    each documented line carries its own error and nothing else.
    """
    tables = {nom: df.copy() for nom, df in generer_demo(NB_LOGEMENTS_CASSE, graine).items()}
    lg, tours, conv = tables["logements"], tables["tours"], tables["conventions"]
    erreurs: list[ErreurVoulue] = []
    abimes: list[int] = []

    def logement(condition: pd.Series | None = None) -> int:
        possibles = [i for i in lg.index[condition if condition is not None else slice(None)] if i not in abimes]
        i = int(possibles[0])
        abimes.append(i)
        return i

    def noter(table: str, i: int, colonne: str, valeur: object, description: str, regle: str) -> None:
        df = tables[table]
        df.loc[i, colonne] = valeur
        erreurs.append(ErreurVoulue(table, i + 2, colonne, _texte_csv(valeur), description, regle))

    lg["annee_construction"] = lg["annee_construction"].astype("object")
    noter(
        "logements",
        logement(lg.index >= 2),
        "code_commune",
        "99999",
        "Code commune inexistant.",
        "Commune inconnue ou hors Île-de-France.",
    )
    noter(
        "logements",
        logement(lg.index >= 5),
        "typologie",
        "T9",
        "Typologie hors liste.",
        "Valeur hors de la liste admise (T1, T2, T3, T4, T5+).",
    )
    noter(
        "logements",
        logement((lg["qpv"] == "oui") & (lg["code_qpv"] != "")),
        "qpv",
        "non",
        "Code QPV renseigné alors que le logement est déclaré hors QPV.",
        "code_qpv renseigné avec qpv = non.",
    )
    noter(
        "logements",
        logement(lg.index >= 9),
        "annee_construction",
        1700,
        "Année de construction impossible.",
        "annee_construction hors de l'intervalle 1800 … année en cours.",
    )
    noter(
        "logements",
        logement(lg.index >= 12),
        "date_disponibilite",
        "31/02/2024",
        "Date inexistante (31 février).",
        "Date illisible.",
    )

    # A logement pasted twice (the copy goes at the end of the sheet).
    double = logement()

    intacts = set(lg.loc[[i for i in lg.index if i not in abimes], "id_logement"])
    pris: list[int] = []

    def tour(condition: pd.Series) -> int:
        possibles = [i for i in tours.index[condition & tours["id_logement"].isin(intacts)] if i not in pris]
        i = int(possibles[0])
        pris.append(i)
        intacts.discard(tours.at[i, "id_logement"])
        return i

    prefet_93 = f"Préfecture {ARTICLES_DEPARTEMENT['93']} – contingent prioritaire"
    i = tour(tours["reservataire"] == prefet_93)
    noter(
        "tours",
        i,
        "reservataire",
        "Prefecture 93",
        f"Nom du réservataire mal saisi (au lieu de « {prefet_93} »).",
        "Réservataire absent de la feuille Conventions (ni « Bailleur »).",
    )
    i = tour(tours["issue"] == "ATTRIBUE")
    noter(
        "tours",
        i,
        "date_attribution",
        "",
        "Tour ATTRIBUE sans date d'attribution.",
        "date_attribution obligatoire quand l'issue est ATTRIBUE.",
    )
    i = tour(tours["issue"] == "ATTRIBUE")
    veille = dt.datetime.strptime(tours.at[i, "date_orientation"], "%d/%m/%Y") - dt.timedelta(days=10)
    noter(
        "tours",
        i,
        "date_attribution",
        veille.strftime("%d/%m/%Y"),
        "Attribution datée avant l'orientation.",
        "date_attribution antérieure à date_orientation.",
    )
    i = tour(tours["issue"] != "ATTRIBUE")
    noter("tours", i, "date_orientation", "hier", "Date saisie en toutes lettres.", "Date illisible.")

    i = int(conv.index[(conv["categorie"] == "ACTION_LOGEMENT") & (conv["perimetre_code"] == "93")][0])
    noter(
        "conventions",
        i,
        "taux",
        65.0,
        "Taux d'Action Logement en Seine-Saint-Denis porté de 35 à 65 %.",
        "Somme des taux supérieure à 100 % sur un périmètre (ici 108 % sur la Seine-Saint-Denis).",
    )

    copie = lg.loc[[double]]
    tables["logements"] = lg = pd.concat([lg, copie], ignore_index=True)
    erreurs.append(
        ErreurVoulue(
            "logements",
            len(lg) + 1,
            "id_logement",
            str(copie["id_logement"].iloc[0]),
            f"Ligne {double + 2} collée une seconde fois en fin de feuille.",
            "id_logement en double.",
        )
    )
    return tables, sorted(erreurs, key=lambda e: (list(NOMS_CSV).index(e.table), e.ligne))


def lisezmoi_casse(erreurs: list[ErreurVoulue]) -> str:
    """The French README of ``casse/``: each mistake with its file, line and column."""
    lignes = [
        "# Jeu de données cassé (démonstration des contrôles)",
        "",
        f"Ces fichiers CSV reprennent un petit extrait ({NB_LOGEMENTS_CASSE} logements) des données fictives du "
        f"bailleur « {NOM_BAILLEUR_DEMO} », dans lequel {len(erreurs)} erreurs ont été introduites volontairement. "
        "Chacune illustre une règle bloquante du format (FORMAT.md §1.5) : déposez les quatre fichiers dans "
        "l'application, ou lancez `flux-dash valider sample_data/casse/*.csv`, pour voir comment elles sont "
        "signalées (feuille, ligne, colonne, règle, valeur et conseil).",
        "",
        "Les numéros de ligne sont ceux d'un tableur : l'en-tête est la ligne 1, la première donnée la ligne 2.",
        "",
        "| Fichier | Ligne | Colonne | Valeur saisie | Erreur introduite | Règle enfreinte |",
        "|---|---|---|---|---|---|",
    ]
    for e in erreurs:
        valeur = f"`{e.valeur}`" if e.valeur else "(vide)"
        lignes.append(
            f"| `{NOMS_CSV_CASSE[e.table]}` | {e.ligne} | `{e.colonne}` | {valeur} | {e.description} | {e.regle} |"
        )
    lignes += [
        "",
        "Une même erreur peut être signalée sur plusieurs lignes quand la règle porte sur un ensemble : la somme des "
        "taux est rappelée sur chaque convention du périmètre, et l'identifiant en double sur ses deux lignes. "
        "Sur un extrait aussi petit, la part du flux orientée au préfet dépasse aussi ses plafonds dans certains "
        "départements : ce sont des avertissements, qui n'empêchent pas de produire un bilan.",
        "",
        "Régénération : `python -m flux_dash.demo sample_data` (réécrit aussi les données de démonstration).",
        "",
    ]
    return "\n".join(lignes)


def ecrire_jeu_casse(dossier: str | Path, graine: int = 2024) -> list[Path]:
    """Writes the broken set (four CSV files) and its ``LISEZMOI.md`` in ``dossier``; returns the paths."""
    dossier = Path(dossier)
    tables, erreurs = jeu_casse(graine)
    chemins = ecrire_csv(tables, dossier, NOMS_CSV_CASSE)
    lisezmoi = dossier / "LISEZMOI.md"
    lisezmoi.write_text(lisezmoi_casse(erreurs), encoding="utf-8")
    return [*chemins, lisezmoi]


def main(arguments: Sequence[str] | None = None) -> int:
    """``python -m flux_dash.demo DOSSIER``: regenerates the demo files and the broken set (in DOSSIER/casse)."""
    arguments = list(sys.argv[1:] if arguments is None else arguments)
    if len(arguments) != 1:
        print("Usage : python -m flux_dash.demo DOSSIER", file=sys.stderr)
        return 2
    dossier = Path(arguments[0])
    for chemin in [*ecrire_demo(dossier), *ecrire_jeu_casse(dossier / "casse")]:
        print(chemin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
