"""The demo generator: the four input tables of FORMAT.md §1 for a fictional landlord, as a user would type them.

Everything is fictional but realistic: real communes, EPT and QPV codes of the reference tables
(:mod:`flux_dash.referentiel`), convention taux within the legal caps (DOMAINE.md §2), tours whose outcomes and
delays look like a landlord's year. The generator is deterministic: it draws every random number from one
``numpy.random.Generator`` seeded with ``graine`` and iterates only over sorted or declared sequences.

One landlord is described by :class:`ParametresDemo` (name, prefix of its identifiers, where its stock is, the
extraction date of its file, its bilan year, and optionally its own conventions): the default is « Habitat
Francilien Démo », whose tables are ``sample_data/``. Another fictional landlord (the multi-landlord demo of the
receiving side, :mod:`flux_dash.demo.territoire`) is the same generator with other parameters and another seed.
The distributions of dates and forecasts are written relative to the bilan year (:data:`ANNEE_DEMO` by default);
construction periods stop at 2024.

The default demo is *clean*: it validates with no error, no orientation outside a convention perimeter, no
soustrait logement oriented to anyone but the landlord, and the préfet's realised shares under the caps. The only
expected warnings are a handful of « non orienté » logements (about one in 600, available in the demo year and
awaiting works, so without any tour): a real file has some, and the dashboard should show how they appear.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.colonnes import CONVENTIONS, LOGEMENTS, PREVISIONNEL, TOURS

NOM_BAILLEUR_DEMO = "Habitat Francilien Démo"
ANNEE_DEMO = 2024
"""The bilan year n of the demo; disponibilités span n−1 … n+1 (the bulk in n)."""
DATE_EXTRACTION = dt.date(2026, 1, 15)
"""The demo's extraction date: no tour starts later, and a tour whose outcome would come later is EN_COURS."""

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
PART_QPV_AUTRES = 0.20
"""The same for a département of a stock outside these four."""
PART_CODE_QPV = 0.85
"""Share of QPV logements whose ``code_qpv`` is filled (the column is optional)."""

ARTICLES_DEPARTEMENT = {
    "93": "de la Seine-Saint-Denis",
    "94": "du Val-de-Marne",
    "75": "de Paris",
    "77": "de Seine-et-Marne",
    "78": "des Yvelines",
    "91": "de l'Essonne",
    "92": "des Hauts-de-Seine",
    "95": "du Val-d'Oise",
}


@dataclass(frozen=True)
class ParametresDemo:
    """One fictional landlord: its name (files' properties, README), the prefix of its logement identifiers
    (``HFD-000001``), where its stock is (real communes of Île-de-France with relative weights; its conventions
    follow: one set per département, the EPT and commune conventions of the communes listed in
    :func:`conventions_demo` that the stock covers) and the extraction date of its file. ``annee`` is the bilan year n (availabilities span n−1 … n+1, the bulk
    in n; the extraction date should come after n+1 has begun). ``conventions``, when given, replaces
    :func:`conventions_demo`'s (a landlord with its own réservataire names and taux): the tours follow them."""

    nom_bailleur: str = NOM_BAILLEUR_DEMO
    prefixe: str = "HFD"
    communes: tuple[tuple[str, int], ...] = COMMUNES_DEMO
    date_extraction: dt.date = DATE_EXTRACTION
    annee: int = ANNEE_DEMO
    conventions: tuple[ConventionDemo, ...] | None = None

    @property
    def codes(self) -> list[str]:
        return [code for code, _ in self.communes]

    @property
    def departements(self) -> list[str]:
        """The départements of the stock, in order of first appearance in :attr:`communes`."""
        return list(dict.fromkeys(code[:2] for code in self.codes))


PARAMETRES_DEMO = ParametresDemo()
"""« Habitat Francilien Démo », the landlord of ``sample_data/``."""


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


TAUX_DEPARTEMENTS = {
    # département: (Action Logement, Département or None, Région or None)
    "93": (35.0, 8.0, 5.0),
    "94": (32.0, 10.0, 5.0),
    "75": (38.0, None, 5.0),  # in Paris the Ville de Paris holds the départemental rights
    "77": (30.0, 6.0, None),
}
TAUX_AUTRES_DEPARTEMENTS = (30.0, 6.0, None)
EPT_CONVENTIONNES = ("93066", "93048", "94081")
"""A commune of each EPT with a convention: Plaine Commune, Est Ensemble, Grand-Orly Seine Bièvre."""
COMMUNES_CONVENTIONNEES = (
    ("93066", 12.0),
    ("93048", 10.0),
    ("94028", 15.0),
    ("94081", 10.0),
    ("75056", 20.0),
    ("77284", 12.0),
)


def _article(departement: str) -> str:
    return ARTICLES_DEPARTEMENT.get(departement, f"du département {departement}")


def conventions_demo(parametres: ParametresDemo = PARAMETRES_DEMO) -> list[ConventionDemo]:
    """The demo's conventions: préfet 25 % + 5 %, Action Logement, Département, Région in each département of the
    stock, three EPT, six communes and one employer (those the stock covers). On every commune of the stock the
    taux of the conventions covering it add up to at most 100. ``parametres.conventions``, when given, is returned
    as is."""
    if parametres.conventions is not None:
        return list(parametres.conventions)
    conv: list[ConventionDemo] = []
    codes = set(parametres.codes)
    for dep in parametres.departements:
        als, departement, region = TAUX_DEPARTEMENTS.get(dep, TAUX_AUTRES_DEPARTEMENTS)
        prefecture = f"Préfecture {_article(dep)}"
        conv.append(
            ConventionDemo(f"{prefecture} – contingent prioritaire", "ETAT_PRIORITAIRES", "DEPARTEMENT", dep, 25.0)
        )
        conv.append(ConventionDemo(f"{prefecture} – agents de l'État", "ETAT_AGENTS", "DEPARTEMENT", dep, 5.0))
        conv.append(ConventionDemo("Action Logement Services", "ACTION_LOGEMENT", "DEPARTEMENT", dep, als))
        if departement is not None:
            nom = f"Département {_article(dep)}"
            conv.append(ConventionDemo(nom, "DEPARTEMENT", "DEPARTEMENT", dep, departement))
        if region is not None:
            conv.append(ConventionDemo("Région Île-de-France", "REGION", "DEPARTEMENT", dep, region))
    if "75" in parametres.departements:
        conv.append(ConventionDemo("Assistance publique – Hôpitaux de Paris", "AUTRE", "DEPARTEMENT", "75", 2.5))
    for commune_ept in EPT_CONVENTIONNES:
        siren, nom = _territoire(commune_ept)
        if codes & set(ref.communes_du_perimetre("EPCI_EPT", siren)):
            conv.append(ConventionDemo(f"EPT {nom}", "EPCI_EPT", "EPCI_EPT", siren, 5.0))
    for code, taux in COMMUNES_CONVENTIONNEES:
        if code not in codes:
            continue
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
PARTS_ANNEES = {-1: 0.22, 0: 0.58, 1: 0.20}
"""Share of availabilities in n−1, n and n+1 (offsets from the bilan year)."""
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


def _reservataires(
    conventions: list[ConventionDemo], codes: list[str]
) -> tuple[list[str], dict[str, str], np.ndarray, list[str]]:
    """Holders (sorted, Bailleur last), their category, and the tour-1 weight matrix communes × holders."""
    noms = sorted({c.reservataire for c in conventions}) + [ref.NOM_BAILLEUR]
    categorie = {c.reservataire: c.categorie for c in conventions} | {ref.NOM_BAILLEUR: ref.BAILLEUR}
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


def generer_demo(
    nb_logements: int = 3000, graine: int = 2024, parametres: ParametresDemo = PARAMETRES_DEMO
) -> dict[str, pd.DataFrame]:
    """The four input tables of a fictional landlord (default: the demo's), as a user would type them (FORMAT.md §1).

    ``logements`` has exactly ``nb_logements`` rows; ``tours`` 1 to 3 rows per oriented logement; dates are
    ``JJ/MM/AAAA`` strings, booleans ``oui``/``non`` (empty on non-attributed tours), codes text, empty optional
    cells empty strings. Same ``graine`` and ``parametres`` → identical tables.
    """
    if nb_logements < 1:
        raise ValueError("nb_logements doit être au moins 1")
    rng = np.random.default_rng(graine)
    conventions = conventions_demo(parametres)
    noms, categorie_de, poids_tour1, codes = _reservataires(conventions, parametres.codes)
    logements = _generer_logements(rng, nb_logements, parametres)
    tours = _generer_tours(rng, logements, noms, categorie_de, poids_tour1, codes, parametres)
    return {
        "logements": _logements_en_texte(logements),
        "tours": tours,
        "conventions": pd.DataFrame(
            [(c.reservataire, c.categorie, c.perimetre_type, c.perimetre_code, c.taux) for c in conventions],
            columns=CONVENTIONS.noms,
        ),
        "previsionnel": _generer_previsionnel(rng, logements, parametres.departements, parametres.annee),
    }


def _generer_logements(rng: np.random.Generator, n: int, parametres: ParametresDemo) -> pd.DataFrame:
    """Logements with typed columns (dates as datetime64[D], qpv as bool); turned into text at the end."""
    codes = parametres.codes
    poids = np.array([p for _, p in parametres.communes], dtype=float)
    commune_idx = rng.choice(len(codes), size=n, p=poids / poids.sum())
    commune = np.asarray(codes, dtype=object)[commune_idx]
    dep = np.array([c[:2] for c in codes], dtype=object)[commune_idx]

    # QPV: the département's target share, carried by the communes that have a QPV.
    qpv_par_commune = {code: sorted(ref.qpv().loc[ref.qpv()["code_insee"] == code, "code_qpv"]) for code in codes}
    p_qpv = np.zeros(len(codes))
    for d in parametres.departements:
        part = PART_QPV.get(d, PART_QPV_AUTRES)
        dans_dep = [i for i, code in enumerate(codes) if code[:2] == d]
        avec_qpv = [i for i in dans_dep if qpv_par_commune[codes[i]]]
        poids_dep, poids_qpv = poids[dans_dep].sum(), poids[avec_qpv].sum()
        for i in avec_qpv:  # none when no commune of the département has a QPV
            p_qpv[i] = min(0.8, part * poids_dep / poids_qpv)
    en_qpv = rng.random(n) < p_qpv[commune_idx]
    code_qpv = np.full(n, "", dtype=object)
    avec_code = en_qpv & (rng.random(n) < PART_CODE_QPV)
    for i, code in enumerate(codes):
        lignes = np.flatnonzero(avec_code & (commune_idx == i))
        if len(lignes):
            code_qpv[lignes] = _tirer(rng, qpv_par_commune[code], [1.0] * len(qpv_par_commune[code]), len(lignes))

    # Availability dates: the bulk in the bilan year.
    annees = parametres.annee + _tirer(rng, list(PARTS_ANNEES), list(PARTS_ANNEES.values()), n).astype(int)
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
            "id_logement": [f"{parametres.prefixe}-{i:0{largeur}d}" for i in range(1, n + 1)],
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
    parametres: ParametresDemo,
) -> pd.DataFrame:
    """Tours round by round: tour 1 for every oriented logement, then a next tour after each failure."""
    n = len(logements)
    bailleur = len(noms) - 1
    soustrait = (logements["categorie_soustraction"] != "").to_numpy()
    disponibilite = logements["date_disponibilite"].to_numpy()
    annee = disponibilite.astype("datetime64[Y]").astype(int) + 1970
    commune_idx = logements["_commune_idx"].to_numpy()

    # A handful of logements of the bilan year are awaiting works: no tour (the « non orienté » warnings).
    candidats = np.flatnonzero(~soustrait & (annee == parametres.annee))
    sans_tour = rng.choice(candidats, size=min(len(candidats), n // 600), replace=False)
    oriente = np.ones(n, dtype=bool)
    oriente[sans_tour] = False

    # Tour 1 holder: soustraits always go to the landlord; the others follow the taux, per commune and year.
    reservataire = np.full(n, bailleur)
    for i in range(len(codes)):
        for decalage in PARTS_ANNEES:
            a = parametres.annee + decalage
            lignes = np.flatnonzero(oriente & ~soustrait & (commune_idx == i) & (annee == a))
            if len(lignes):
                reservataire[lignes] = _quotas(rng, poids_tour1[i], len(lignes))

    extraction = np.datetime64(parametres.date_extraction, "D")
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


def _generer_previsionnel(
    rng: np.random.Generator, logements: pd.DataFrame, departements: list[str], annee_bilan: int
) -> pd.DataFrame:
    """Soustraits forecast for n+1 from the soustraits of n; planned availabilities for 93 and 94 only."""
    dep = logements["code_commune"].str[:2]
    annee = logements["date_disponibilite"].to_numpy().astype("datetime64[Y]").astype(int) + 1970
    dans_n = annee == annee_bilan
    lignes = []
    for d in departements:  # the stock's order (the demo's: 93, 94, 75, 77)
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
