"""Jeux de mesure: large, deterministic, fictional sets shaped like a regional landlord (never user data).

The product's demo generator (:func:`flux_dash.demo.generer_demo`, used through its public API only) draws a
landlord of four départements (75, 77, 93, 94), 34 communes and 28 conventions. The issue's reference set is
wider: 8 départements, about 150 conventions, some 300 workbooks. :func:`generer_jeu` gets there without
touching the demo, by relabelling two demo draws:

- block 0 keeps the demo's départements, block 1 moves them onto the other four (75→92, 77→78, 93→95,
  94→91); each block is ``generer_demo(n/2, graine + bloc)``, identifiers prefixed ``B0-``/``B1-``;
- every demo commune becomes a *group* of real communes of its target département (about
  :data:`COMMUNES_PAR_BLOC` communes per block, sized by the demo commune's share of logements, QPV communes
  for QPV logements, the most populous first) and each logement one commune of its group (weighted by
  population); a QPV logement landing in a commune without QPV becomes « hors QPV »;
- holders follow their logement: a tour to « Ville de Saint-Denis » on a logement now in Argenteuil goes to
  « Ville d'Argenteuil », to « EPT Plaine Commune » to the target commune's EPCI/EPT, to a préfecture or a
  département to the target département's; every such (holder, perimeter) gets the demo convention's taux;
- to reach :data:`CONVENTIONS_CIBLE` conventions, the communes with the most logements and no commune
  convention get one (:data:`TAUX_COMMUNE_AJOUTEE` %) and about :data:`PART_CONFIEE` of their logements whose
  first tour went to the landlord are oriented to the town instead (never a soustrait logement);
- where the taux on a commune would exceed 100 %, the commune convention's taux is lowered.

The result is checked by :func:`verifier_jeu` (validation: no error) before it is cached. Files are written as
the demo writes them (French CSV ``;`` UTF-8 with BOM, and one workbook) under ``benchmarks/donnees/`` (ignored
by git), keyed by size, seed and a digest of this module and of ``flux_dash/demo*``: a change to either
regenerates the set.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from flux_dash import demo
from flux_dash import referentiel as ref

DOSSIER_DONNEES = Path(__file__).resolve().parent / "donnees"
GRAINE = 2024
ANNEE = 2024
"""Bilan year of the sets (the demo's year: disponibilités in n−1 … n+1, the bulk in n)."""

ARTICLES = {
    "75": "de Paris",
    "77": "de Seine-et-Marne",
    "78": "des Yvelines",
    "91": "de l'Essonne",
    "92": "des Hauts-de-Seine",
    "93": "de la Seine-Saint-Denis",
    "94": "du Val-de-Marne",
    "95": "du Val-d'Oise",
}
"""« Préfecture de … », « Département de … » for the eight départements (the demo's four spelled the same)."""
CORRESPONDANCES = (
    {"75": "75", "77": "77", "93": "93", "94": "94"},
    {"75": "92", "77": "78", "93": "95", "94": "91"},
)
"""Block k moves the demo's département d onto CORRESPONDANCES[k][d]: the two blocks cover the eight."""
COMMUNES_PAR_BLOC = 80
CONVENTIONS_CIBLE = 150
TAUX_COMMUNE_AJOUTEE = 5.0
PART_CONFIEE = 0.25
CATEGORIES_NOMMEES_PAR_DEPARTEMENT = ("ETAT_PRIORITAIRES", "ETAT_AGENTS", "DEPARTEMENT")
"""Holders whose name carries their département (the others — Action Logement, Région, an employer — do not)."""
LIGNES_EXCEL_MAX = 1_048_576
"""Rows of an Excel sheet: a larger table cannot be a workbook (the 1 000 000 set is measured in CSV only)."""
NOMS_CSV = {t: f"{t}.csv" for t in ("logements", "tours", "conventions", "previsionnel")}
NOM_CLASSEUR = "tours.xlsx"


@dataclass(frozen=True)
class Jeu:
    """A cached set: its CSV files per table, its workbook (None when a table exceeds Excel's rows), its counts."""

    genre: str
    taille: int
    dossier: Path
    csv: dict[str, Path]
    classeur: Path | None
    description: dict

    @property
    def fichiers(self) -> dict[str, list[Path]]:
        """Input files per format (``csv``, ``xlsx``), as ``flux-dash bilan`` takes them."""
        return {"csv": list(self.csv.values())} | ({"xlsx": [self.classeur]} if self.classeur else {})


# --- Relabelling ----------------------------------------------------------------------------------


@cache
def _communes() -> pd.DataFrame:
    return ref.communes()


@cache
def _perimetre(niveau: str, code: str) -> frozenset[str]:
    return frozenset(ref.communes_du_perimetre(niveau, code))


def _ville(code: str, noms_pris: dict[str, str]) -> str:
    """« Ville de Montreuil », « Ville d'Argenteuil », « Ville du Blanc-Mesnil », « Ville des Mureaux »."""
    nom = ref.nom_commune(code)
    for article, contraction in (("Le ", "du "), ("Les ", "des ")):
        if nom.startswith(article):
            return _unique(f"Ville {contraction}{nom[len(article) :]}", code, noms_pris)
    return _unique(f"Ville d'{nom}" if nom[0] in "AEIOUYÉÈÊÎÔ" else f"Ville de {nom}", code, noms_pris)


def _unique(ville: str, code: str, noms_pris: dict[str, str]) -> str:
    if noms_pris.setdefault(ville, code) != code:  # two communes of the same name: the code tells them apart
        ville = f"{ville} ({code})"
    return ville


@cache
def _territoires() -> pd.DataFrame:
    return ref.territoires().set_index("code")


@cache
def _nom_territoire(code: str) -> str:
    t = _territoires()
    nom, genre = str(t.at[code, "nom"]), str(t.at[code, "type"])
    return f"EPT {nom}" if genre == "EPT" else nom


def _groupes(logements: pd.DataFrame, correspondance: dict[str, str], rng: np.random.Generator) -> dict:
    """Demo commune → (target communes, population weights), groups disjoint within the block when possible."""
    com = _communes()
    avec_qpv = set(ref.qpv()["code_insee"])
    comptes = logements["code_commune"].value_counts()
    en_qpv = set(logements.loc[logements["qpv"] == "oui", "code_commune"])
    population = dict(zip(com["code_insee"], com["population_municipale"].astype(int), strict=True))
    groupes: dict[str, tuple[list[str], np.ndarray]] = {}
    pris: set[str] = set()
    for source in sorted(comptes.index, key=lambda c: (-comptes[c], c)):
        cible = correspondance[source[:2]]
        dep = com[com["code_departement"] == cible].sort_values(
            ["population_municipale", "code_insee"], key=lambda s: s.astype(int) if s.name != "code_insee" else s
        )
        ordre = list(dep["code_insee"])[::-1]  # most populous first
        voulu = max(1, round(comptes[source] / comptes.sum() * COMMUNES_PAR_BLOC))
        libres = [c for c in ordre if c not in pris and (source not in en_qpv or c in avec_qpv)]
        libres += [c for c in ordre if c not in pris and c not in libres]
        groupe = libres[:voulu] or [ordre[int(rng.integers(len(ordre)))]]  # pool exhausted: share a commune
        pris.update(groupe)
        poids = np.array([population[c] for c in groupe], dtype=float)
        groupes[source] = (groupe, poids / poids.sum())
    return groupes


def _bloc(taille: int, bloc: int, graine: int, noms_pris: dict[str, str]) -> dict[str, pd.DataFrame]:
    """One demo draw moved onto its block's départements (see the module docstring)."""
    correspondance = CORRESPONDANCES[bloc]
    tables = demo.generer_demo(taille, graine + bloc)
    rng = np.random.default_rng([graine, bloc])
    lg, tours, conv = tables["logements"].copy(), tables["tours"].copy(), tables["conventions"]
    groupes = _groupes(lg, correspondance, rng)

    # Logements: a commune of the group, QPV codes of that commune.
    qpv_de = ref.qpv().groupby("code_insee")["code_qpv"].apply(sorted).to_dict()
    cible = np.empty(len(lg), dtype=object)
    source = lg["code_commune"].to_numpy(dtype=object)
    for code, (groupe, poids) in groupes.items():
        lignes = np.flatnonzero(source == code)
        cible[lignes] = np.asarray(groupe, dtype=object)[rng.choice(len(groupe), size=len(lignes), p=poids)]
    lg["code_commune"] = cible
    codes_qpv = lg["code_qpv"].to_numpy(dtype=object).copy()
    qpv = lg["qpv"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(qpv == "oui"):
        possibles = qpv_de.get(cible[i], [])
        if not possibles:
            qpv[i], codes_qpv[i] = "non", ""
        elif codes_qpv[i]:
            codes_qpv[i] = possibles[int(rng.integers(len(possibles)))]
    lg["qpv"], lg["code_qpv"] = qpv, codes_qpv
    prefixe = f"B{bloc}-"
    lg["id_logement"] = prefixe + lg["id_logement"]

    # Holders follow the logement's new commune, EPCI/EPT or département.
    territoire_de = _communes().set_index("code_insee")["code_territoire"].to_dict()
    genre = {r: (c, t) for r, c, t in zip(conv["reservataire"], conv["categorie"], conv["perimetre_type"], strict=True)}
    taux = {(r, t, p): x for r, t, p, x in conv[["reservataire", "perimetre_type", "perimetre_code", "taux"]].values}

    def titulaire(reservataire: str, commune: str, commune_source: str) -> tuple[str, str, str]:
        categorie, niveau = genre[reservataire]
        if niveau == "COMMUNE":
            return _ville(commune, noms_pris), niveau, commune
        if niveau == "EPCI_EPT":
            return _nom_territoire(territoire_de[commune]), niveau, territoire_de[commune]
        d_source, d_cible = commune_source[:2], commune[:2]
        nom = reservataire
        if categorie in CATEGORIES_NOMMEES_PAR_DEPARTEMENT:
            nom = reservataire.replace(ARTICLES[d_source], ARTICLES[d_cible])
        return nom, niveau, d_cible

    tours["id_logement"] = prefixe + tours["id_logement"]
    lieux = pd.DataFrame({"id_logement": lg["id_logement"], "_cible": cible, "_source": source})
    t = tours[["id_logement", "reservataire"]].merge(lieux, on="id_logement", how="left")
    triplets = t[["reservataire", "_cible", "_source"]].drop_duplicates()
    triplets = triplets[triplets["reservataire"] != ref.NOM_BAILLEUR]
    nouveaux = {
        (r, c, s): titulaire(r, c, s)[0]
        for r, c, s in zip(triplets["reservataire"], triplets["_cible"], triplets["_source"], strict=True)
    }
    cles = pd.Series(list(zip(t["reservataire"], t["_cible"], t["_source"], strict=True)))
    tours["reservataire"] = cles.map(nouveaux).fillna(t["reservataire"]).to_numpy()

    # Conventions: each demo convention on every target perimeter its communes reach.
    lignes_conv = []
    atteintes: dict[str, set[str]] = {}
    for code, (groupe, _) in groupes.items():
        atteintes.setdefault(code, set()).update(groupe)
    for (r, niveau, perimetre), x in taux.items():
        categorie = genre[r][0]
        sources = sorted(_perimetre(niveau, perimetre) & set(atteintes))
        for s in sources:
            for commune in sorted(atteintes[s]):
                nom, n2, p2 = titulaire(r, commune, s)
                lignes_conv.append((nom, categorie, n2, p2, float(x)))
    conventions = pd.DataFrame(lignes_conv, columns=conv.columns).drop_duplicates(
        ["reservataire", "perimetre_type", "perimetre_code"]
    )

    prev = tables["previsionnel"].copy()
    prev["code_departement"] = prev["code_departement"].map(correspondance)
    return {"logements": lg, "tours": tours, "conventions": conventions, "previsionnel": prev}


def _taux_par_commune(conventions: pd.DataFrame, communes: list[str]) -> dict[str, float]:
    somme = dict.fromkeys(communes, 0.0)
    for niveau, perimetre, x in conventions[["perimetre_type", "perimetre_code", "taux"]].values:
        for c in _perimetre(niveau, perimetre) & somme.keys():
            somme[c] += float(x)
    return somme


def _ajouter_conventions_communes(
    tables: dict[str, pd.DataFrame], cible: int, rng: np.random.Generator, noms_pris: dict[str, str]
) -> None:
    """Communes with the most logements and no commune convention get one, and some of the landlord's tours."""
    lg, tours, conv = tables["logements"], tables["tours"], tables["conventions"]
    manque = cible - len(conv)
    if manque <= 0:
        return
    couvertes = set(conv.loc[conv["perimetre_type"] == "COMMUNE", "perimetre_code"])
    comptes = lg["code_commune"].value_counts()
    choisies = [c for c in sorted(comptes.index, key=lambda c: (-comptes[c], c)) if c not in couvertes][:manque]
    somme = _taux_par_commune(conv, choisies)
    premier = tours.drop_duplicates("id_logement")  # tours are sorted by logement then numéro
    bailleur_d_abord = set(premier.loc[premier["reservataire"] == ref.NOM_BAILLEUR, "id_logement"])
    non_soustraits = lg["categorie_soustraction"] == ""
    ajouts, confies = [], {}
    for commune in choisies:
        x = min(TAUX_COMMUNE_AJOUTEE, 100.0 - somme[commune])
        if x <= 0:
            continue
        ville = _ville(commune, noms_pris)
        ajouts.append((ville, "COMMUNE", "COMMUNE", commune, x))
        ids = lg.loc[non_soustraits & (lg["code_commune"] == commune), "id_logement"]
        ids = sorted(set(ids) & bailleur_d_abord)
        for i in rng.permutation(ids)[: round(len(ids) * PART_CONFIEE)]:
            confies[i] = ville
    tables["conventions"] = pd.concat([conv, pd.DataFrame(ajouts, columns=conv.columns)], ignore_index=True)
    a_confier = tours["id_logement"].isin(confies.keys()) & (tours["reservataire"] == ref.NOM_BAILLEUR)
    tours.loc[a_confier, "reservataire"] = tours.loc[a_confier, "id_logement"].map(confies)


def _plafonner(conventions: pd.DataFrame, communes: list[str]) -> pd.DataFrame:
    """Lower commune conventions where the taux covering a commune would add up to more than 100 %."""
    conventions = conventions.copy()
    for commune, somme in _taux_par_commune(conventions, communes).items():
        if somme > 100:
            ligne = (conventions["perimetre_type"] == "COMMUNE") & (conventions["perimetre_code"] == commune)
            if not ligne.any():
                raise ValueError(f"taux > 100 % sur {commune} sans convention communale à réduire")
            conventions.loc[ligne, "taux"] = conventions.loc[ligne, "taux"] - (somme - 100)
    return conventions


def generer_jeu(taille: int, graine: int = GRAINE) -> dict[str, pd.DataFrame]:
    """The four input tables of a fictional regional landlord with ``taille`` logements (see module docstring)."""
    noms_pris: dict[str, str] = {}
    blocs = [_bloc(n, k, graine, noms_pris) for k, n in enumerate(((taille + 1) // 2, taille // 2)) if n > 0]
    tables = {t: pd.concat([b[t] for b in blocs], ignore_index=True) for t in blocs[0]}
    tables["conventions"] = tables["conventions"].drop_duplicates(["reservataire", "perimetre_type", "perimetre_code"])
    _ajouter_conventions_communes(tables, CONVENTIONS_CIBLE, np.random.default_rng([graine, 99]), noms_pris)
    communes = sorted(tables["logements"]["code_commune"].unique())
    tables["conventions"] = _plafonner(tables["conventions"], communes).reset_index(drop=True)
    tables["tours"]["numero_tour"] = tables["tours"]["numero_tour"].astype("int64")
    return tables


# --- Cache on disk -----------------------------------------------------------------------------------


def empreinte() -> str:
    """Digest of what makes the set: this module and the demo generator's source (module or package)."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    source = Path(demo.__file__)
    fichiers = sorted(source.parent.rglob("*.py")) if source.name == "__init__.py" else [source]
    for f in fichiers:
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def verifier_jeu(chemins: list[Path]) -> dict:
    """Validate the written CSV with flux_dash (the set must have no error: a benchmark of a rejected file
    measures nothing); returns the counts."""
    from flux_dash.validation import charger

    rapport = charger(chemins, annee=ANNEE)
    if not rapport.ok:
        premiers = "; ".join(f"{p.table} l.{p.ligne} {p.colonne}: {p.regle}" for p in rapport.erreurs[:5])
        raise RuntimeError(f"jeu de mesure invalide ({len(rapport.erreurs)} erreurs) : {premiers}")
    return {
        "avertissements": len(rapport.avertissements),
        "codes_avertissements": sorted({p.code for p in rapport.avertissements}),
    }


GENRES = {"demo": "démo", "regional": "régional"}
"""Kinds of sets: ``demo`` is the product's demo as it is (``generer_demo``: what ``sample_data/`` holds at
3 000 logements, 4 départements, 28 conventions), ``regional`` the wider landlord of :func:`generer_jeu`."""


def preparer(taille: int, genre: str = "regional", graine: int = GRAINE, journal=print) -> Jeu:
    """The set of ``taille`` logements, generated and checked once, then read from ``benchmarks/donnees/``."""
    dossier = DOSSIER_DONNEES / f"{genre}_{taille}_{graine}_{empreinte()}"
    description_json = dossier / "description.json"
    csv = {table: dossier / "csv" / nom for table, nom in NOMS_CSV.items()}
    classeur = dossier / NOM_CLASSEUR
    if not description_json.exists():
        journal(f"Génération du jeu {GENRES[genre]} de {taille} logements dans {dossier} …")
        debut = time.perf_counter()
        tables = demo.generer_demo(taille, graine) if genre == "demo" else generer_jeu(taille, graine)
        dossier.mkdir(parents=True, exist_ok=True)
        demo.ecrire_csv(tables, dossier / "csv", NOMS_CSV)
        description = {
            "genre": genre,
            "taille": taille,
            "graine": graine,
            "empreinte": empreinte(),
            "logements": len(tables["logements"]),
            "tours": len(tables["tours"]),
            "conventions": len(tables["conventions"]),
            "reservataires": int(tables["conventions"]["reservataire"].nunique()),
            "communes": int(tables["logements"]["code_commune"].nunique()),
            "departements": sorted(tables["logements"]["code_commune"].str[:2].unique()),
            "octets_csv": sum(c.stat().st_size for c in csv.values()),
        }
        description |= verifier_jeu(list(csv.values()))
        if max(len(t) for t in tables.values()) + 1 <= LIGNES_EXCEL_MAX:
            demo.ecrire_classeur(tables, classeur)
            description["octets_classeur"] = classeur.stat().st_size
        description["duree_generation_s"] = round(time.perf_counter() - debut, 1)
        description_json.write_text(json.dumps(description, ensure_ascii=False, indent=1), encoding="utf-8")
    description = json.loads(description_json.read_text(encoding="utf-8"))
    return Jeu(genre, taille, dossier, csv, classeur if classeur.exists() else None, description)
