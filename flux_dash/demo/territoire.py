"""The multi-landlord demo of the receiving side (issue 8, FORMAT.md §3): five fictional landlords on overlapping
territories — Est Ensemble, Plaine Commune, the CA Melun Val de Seine (Seine-et-Marne) and Paris — over two years,
and the files each would send to its territories (ZIP archive, ``indicateurs_{n}.csv``, a workbook), produced by the
landlord's own pipeline (validation → :func:`~flux_dash.calculs.calculer_bilan` → :mod:`flux_dash.rapports`).

Each landlord is the demo generator (:func:`~flux_dash.demo.generateur.generer_demo`) with its own stock, seed,
réservataire names and taux (:class:`BailleurTerritoire`): the préfet of the Seine-Saint-Denis is « Préfecture de la
Seine-Saint-Denis – contingent prioritaire » for one landlord and « Préfet 93 – contingent » for another, which the
consolidation must match by category and perimeter, never by name (FORMAT.md §3.1).

- :func:`envois_territoire` gives the files in memory (the app's demo campaign, without disk);
- :func:`fichiers_territoire` the ``(name, bytes)`` pairs of one year, ready for
  :func:`flux_dash.consolidation.lire_envois`;
- :func:`fichiers_deposes` the same pairs read from the committed copy (:data:`DEPOT`), when the repository is
  there: the app's demo in a fraction of a second instead of the generator's 20 s (the test suite checks that the
  copy is what the generator writes);
- :func:`ecrire_territoire` writes them in ``sample_data/territoire/`` (``flux-dash exemple --territoire``), with
  the list of expected landlords (:data:`NOM_ATTENDUS`, one of them never sends) and a LISEZMOI.

The files are deterministic in content (same figures, same cells); ZIP entries and workbooks carry the date they
were written.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.demo.fichiers import NOMS_CSV, csv_en_texte
from flux_dash.demo.generateur import (
    ARTICLES_DEPARTEMENT,
    ConventionDemo,
    ParametresDemo,
    conventions_demo,
    generer_demo,
)

ANNEES_TERRITOIRE = (2023, 2024)
"""The two bilan years of the demo campaign (n−1 and n)."""
GENRES_ENVOI = ("zip", "csv", "etat")
"""What a landlord sends: its ZIP archive (``flux-dash bilan --zip``), its ``indicateurs_{n}.csv``, or the État
workbook of one département (``etat:93``)."""
NOM_ATTENDUS = "attendus.csv"
NOM_LISEZMOI = "LISEZMOI.md"
CA_MELUN_VAL_DE_SEINE = "247700057"


@dataclass(frozen=True)
class BailleurTerritoire:
    """One fictional landlord of the territory demo.

    ``communes``: its stock (INSEE code, relative weight); ``logements``: its size; ``graine``: the generator's seed
    of year 2024 (2023 uses ``graine − 1``). ``noms``: its own names of the réservataires, by category — a format
    string with ``{nom}`` (the generator's name), ``{court}`` (without « EPT »), ``{dep}`` (département code), ``{article}`` (« de la
    Seine-Saint-Denis »), ``{commune}`` (commune name, for a commune's convention). ``taux``: its own taux, by
    category or ``CATEGORIE:code du périmètre``. ``en_plus``: conventions the generator does not make. ``envois``:
    what it sends each year, among :data:`GENRES_ENVOI` (``etat:DEP`` for an État workbook)."""

    nom: str
    prefixe: str
    communes: tuple[tuple[str, int], ...]
    logements: int
    graine: int
    noms: Mapping[str, str] = field(default_factory=dict)
    taux: Mapping[str, float] = field(default_factory=dict)
    en_plus: tuple[ConventionDemo, ...] = ()
    envois: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return ref.slug(self.nom)

    def conventions(self) -> tuple[ConventionDemo, ...]:
        """The generator's conventions for this stock, renamed and re-rated, plus :attr:`en_plus`."""
        base = conventions_demo(ParametresDemo(nom_bailleur=self.nom, prefixe=self.prefixe, communes=self.communes))
        out = []
        for c in base:
            dep = c.perimetre_code[:2] if c.perimetre_type in ("DEPARTEMENT", "COMMUNE") else ""
            champs = {
                "nom": c.reservataire,
                "court": c.reservataire.removeprefix("EPT "),
                "dep": dep,
                "article": ARTICLES_DEPARTEMENT.get(dep, f"du département {dep}"),
                "commune": ref.nom_commune(c.perimetre_code) if c.perimetre_type == "COMMUNE" else "",
            }
            nom = self.noms.get(c.categorie, "{nom}").format(**champs)
            taux = self.taux.get(f"{c.categorie}:{c.perimetre_code}", self.taux.get(c.categorie, c.taux))
            out.append(replace(c, reservataire=nom, taux=float(taux)))
        return (*out, *self.en_plus)

    def parametres(self, annee: int) -> ParametresDemo:
        """The generator's parameters for year ``annee`` (extracted on 15 January of n+2, like the demo's)."""
        return ParametresDemo(
            nom_bailleur=self.nom,
            prefixe=self.prefixe,
            communes=self.communes,
            date_extraction=dt.date(annee + 2, 1, 15),
            annee=annee,
            conventions=self.conventions(),
        )


BAILLEURS_TERRITOIRE: tuple[BailleurTerritoire, ...] = (
    BailleurTerritoire(
        nom="Est Ensemble Habitat Démo",
        prefixe="EEH",
        communes=(
            ("93048", 10),  # Montreuil
            ("93006", 5),  # Bagnolet
            ("93055", 6),  # Pantin
            ("93008", 6),  # Bobigny
            ("93053", 4),  # Noisy-le-Sec
            ("93010", 5),  # Bondy
            ("93063", 3),  # Romainville
            ("93045", 2),  # Les Lilas
            ("75056", 4),  # Paris
        ),
        logements=1200,
        graine=101,
        taux={"ACTION_LOGEMENT": 35.0},
        envois={2023: ("csv",), 2024: ("zip",)},
    ),
    BailleurTerritoire(
        nom="Plaine Logis Démo",
        prefixe="PLD",
        communes=(
            ("93066", 10),  # Saint-Denis
            ("93001", 7),  # Aubervilliers
            ("93027", 5),  # La Courneuve
            ("93072", 4),  # Stains
            ("93070", 4),  # Saint-Ouen-sur-Seine
            ("93031", 4),  # Épinay-sur-Seine
            ("93079", 2),  # Villetaneuse
            ("93055", 3),  # Pantin (Est Ensemble)
            ("93048", 2),  # Montreuil (Est Ensemble)
        ),
        logements=1000,
        graine=202,
        noms={
            "ETAT_PRIORITAIRES": "Préfet {dep} – contingent",
            "ETAT_AGENTS": "Préfet {dep} – fonctionnaires",
            "ACTION_LOGEMENT": "ALS",
            "DEPARTEMENT": "CD {dep}",
            "REGION": "Région IDF",
            "EPCI_EPT": "Établissement public territorial {court}",
            "COMMUNE": "Mairie de {commune}",
        },
        taux={"ETAT_PRIORITAIRES": 22.0, "ACTION_LOGEMENT": 30.0, "EPCI_EPT": 8.0, "COMMUNE": 12.0},
        envois={2023: ("csv",), 2024: ("csv",)},
    ),
    BailleurTerritoire(
        nom="Habitat Melun Val de Seine Démo",
        prefixe="HMV",
        communes=(
            ("77288", 10),  # Melun
            ("77285", 6),  # Le Mée-sur-Seine
            ("77152", 6),  # Dammarie-les-Lys
            ("77487", 3),  # Vaux-le-Pénil
            ("77407", 3),  # Saint-Fargeau-Ponthierry
        ),
        logements=700,
        graine=303,
        noms={
            "ETAT_PRIORITAIRES": "DDETS {dep} – contingent préfectoral",
            "ETAT_AGENTS": "DDETS {dep} – agents publics",
            "ACTION_LOGEMENT": "Action Logement",
            "DEPARTEMENT": "Conseil départemental {article}",
        },
        taux={"ACTION_LOGEMENT": 28.0, "DEPARTEMENT": 7.0},
        en_plus=(
            ConventionDemo(
                "Communauté d'agglomération Melun Val de Seine", "EPCI_EPT", "EPCI_EPT", CA_MELUN_VAL_DE_SEINE, 6.0
            ),
            ConventionDemo("Ville de Melun", "COMMUNE", "COMMUNE", "77288", 10.0),
        ),
        envois={2023: ("zip",), 2024: ("etat:77",)},
    ),
    BailleurTerritoire(
        nom="Toits de Paris Démo",
        prefixe="TPD",
        communes=(
            ("75056", 20),  # Paris
            ("93048", 3),  # Montreuil
            ("93066", 3),  # Saint-Denis
        ),
        logements=1100,
        graine=404,
        noms={
            "ETAT_PRIORITAIRES": "DRIHL {dep} – contingent prioritaire",
            "ETAT_AGENTS": "DRIHL {dep} – agents de l'État",
            "ACTION_LOGEMENT": "Action Logement Services (ALS)",
        },
        taux={"ETAT_PRIORITAIRES": 24.0, "ACTION_LOGEMENT": 38.0, "COMMUNE:75056": 22.0},
        envois={2023: ("csv",), 2024: ("csv",)},
    ),
    BailleurTerritoire(
        nom="Résidences Franciliennes Démo",
        prefixe="RFD",
        communes=(
            ("93048", 3),  # Montreuil
            ("93010", 3),  # Bondy
            ("93066", 4),  # Saint-Denis
            ("93001", 3),  # Aubervilliers
            ("75056", 6),  # Paris
            ("77288", 3),  # Melun
            ("77285", 2),  # Le Mée-sur-Seine
        ),
        logements=1500,
        graine=505,
        noms={
            "ETAT_PRIORITAIRES": "État – réservation préfectorale ({dep})",
            "ETAT_AGENTS": "État – agents ({dep})",
            "ACTION_LOGEMENT": "Action Logement",
            "REGION": "Conseil régional d'Île-de-France",
        },
        taux={"ETAT_PRIORITAIRES": 23.0, "ACTION_LOGEMENT": 33.0},
        envois={2023: ("csv",), 2024: ("csv", "etat:93")},
    ),
)
"""The five landlords of the demo campaign."""
BAILLEUR_MANQUANT = "Habitat Francilien Démo"
"""Expected on every territory (the landlord of ``sample_data/``) but never sends: the coverage shows it missing."""


@dataclass(frozen=True)
class FichierTerritoire:
    """One file a landlord sends: its year, its landlord, its path under ``sample_data/territoire/``
    (``{annee}/{slug du bailleur}/{nom du fichier}``) and its bytes."""

    annee: int
    bailleur: str
    chemin: str
    contenu: bytes

    @property
    def nom(self) -> str:
        return self.chemin.rsplit("/", 1)[-1]


def tables_territoire(bailleur: BailleurTerritoire, annee: int) -> dict[str, pd.DataFrame]:
    """The four input tables of one landlord for one year (FORMAT.md §1, as typed)."""
    graine = bailleur.graine - (ANNEES_TERRITOIRE[-1] - annee)
    return generer_demo(bailleur.logements, graine, bailleur.parametres(annee))


def _fichiers_du_bailleur(bailleur: BailleurTerritoire, annee: int) -> list[FichierTerritoire]:
    """What one landlord sends for one year, through the landlord's pipeline (validation, bilan, trames)."""
    from flux_dash import rapports
    from flux_dash.calculs import calculer_bilan
    from flux_dash.indicateurs_csv import ecrire_indicateurs_csv
    from flux_dash.validation import charger

    tables = tables_territoire(bailleur, annee)
    entrees = [
        (NOMS_CSV[t].replace("demo", bailleur.prefixe.lower()), csv_en_texte(tables[t]).encode()) for t in NOMS_CSV
    ]
    rapport = charger(entrees, annee=annee)
    if not rapport.ok:  # a programming error: the generator makes valid files
        raise ValueError(f"données de démonstration invalides pour {bailleur.nom} ({annee})")
    bilan = calculer_bilan(rapport.tables, annee)
    options = rapports.OptionsRapports(bailleur=bailleur.nom, fichiers_source=tuple(rapport.fichiers))
    out = []
    for genre in bailleur.envois.get(annee, ()):
        if genre == "zip":
            nom, contenu = rapports.nom_archive(bilan, options), rapports.construire_archive(bilan, options)
        elif genre == "csv":
            nom, contenu = rapports.nom_indicateurs(bilan), ecrire_indicateurs_csv(bilan, bailleur=bailleur.nom)
        else:
            dep = genre.split(":", 1)[1]
            (prevu,) = [
                p
                for p in rapports.lister_rapports(bilan, options)
                if p.genre == "etat" and p.nom_fichier == f"bilan_{annee}_etat_{dep}.xlsx"
            ]
            nom, contenu = prevu.nom_fichier, prevu.construire()
        out.append(FichierTerritoire(annee, bailleur.nom, f"{annee}/{bailleur.slug}/{nom}", contenu))
    return out


@functools.lru_cache(maxsize=2)
def _envois(annees: tuple[int, ...]) -> tuple[FichierTerritoire, ...]:
    return tuple(f for annee in annees for b in BAILLEURS_TERRITOIRE for f in _fichiers_du_bailleur(b, annee))


def envois_territoire(annees: Sequence[int] = ANNEES_TERRITOIRE) -> list[FichierTerritoire]:
    """Every file the five landlords send for ``annees``, in memory (built once per process: about 20 s)."""
    return list(_envois(tuple(annees)))


def fichiers_territoire(annee: int) -> list[tuple[str, bytes]]:
    """The ``(name, bytes)`` pairs of year ``annee`` for :func:`flux_dash.consolidation.lire_envois` (names
    prefixed by the landlord's folder, so that two landlords' ``indicateurs_{n}.csv`` stay distinct)."""
    return [(f.chemin.split("/", 1)[1], f.contenu) for f in envois_territoire() if f.annee == annee]


DEPOT = Path(__file__).resolve().parents[2] / "sample_data" / "territoire"
"""The committed campaign (``flux-dash exemple --territoire --sortie sample_data/territoire``); absent from an
installed wheel."""


def fichiers_deposes(annee: int, dossier: Path = DEPOT) -> list[tuple[str, bytes]] | None:
    """The pairs of :func:`fichiers_territoire` for ``annee``, read from ``dossier``; ``None`` when a landlord's folder
    is missing or does not hold the number of files it sends (then build them with :func:`fichiers_territoire`)."""
    paires = []
    for b in BAILLEURS_TERRITOIRE:
        attendus = len(b.envois.get(annee, ()))
        sous_dossier = dossier / str(annee) / b.slug
        fichiers = sorted(p for p in sous_dossier.glob("*") if p.is_file()) if sous_dossier.is_dir() else []
        if len(fichiers) != attendus:
            return None
        paires += [(f"{b.slug}/{p.name}", p.read_bytes()) for p in fichiers]
    return paires


def attendus_territoire() -> bytes:
    """``attendus.csv`` (``--attendus``): the five landlords and :data:`BAILLEUR_MANQUANT`."""
    noms = sorted([b.nom for b in BAILLEURS_TERRITOIRE] + [BAILLEUR_MANQUANT])
    return ("\ufeff" + "bailleur\r\n" + "".join(f"{n}\r\n" for n in noms)).encode("utf-8")


def lisezmoi_territoire() -> str:
    """The LISEZMOI of ``sample_data/territoire/``: who the landlords are, what each sends, how to consolidate."""
    lignes = [
        "# Campagne de démonstration : cinq bailleurs fictifs, deux années",
        "",
        "Fichiers que cinq bailleurs **fictifs** enverraient à leurs territoires (Est Ensemble, Plaine Commune, "
        "CA Melun Val de Seine, Paris), produits par flux_dash côté bailleur. Régénérés par "
        "`flux-dash exemple --territoire --sortie sample_data/territoire` (module `flux_dash.demo.territoire`).",
        "",
        "| Bailleur | Logements | Communes | Envois 2023 | Envois 2024 |",
        "|---|---|---|---|---|",
    ]
    for b in BAILLEURS_TERRITOIRE:
        communes = ", ".join(ref.nom_commune(c) for c, _ in b.communes)
        envois = [", ".join(_libelle_genre(g) for g in b.envois.get(a, ())) for a in ANNEES_TERRITOIRE]
        lignes.append(f"| {b.nom} | {b.logements} | {communes} | {envois[0]} | {envois[1]} |")
    lignes += [
        "",
        f"`{NOM_ATTENDUS}` liste aussi « {BAILLEUR_MANQUANT} », qui n'envoie rien : la couverture le montre manquant.",
        "Chaque bailleur nomme les réservataires à sa façon (« Préfet 93 – contingent », « État – réservation "
        "préfectorale (93) »…) et a ses propres taux : la consolidation les reconnaît par catégorie et périmètre.",
        "",
        "Consolider 2024 :",
        "",
        "    flux-dash consolider sample_data/territoire/2024/*/* --annee 2024 --sortie consolidation/ \\",
        f"        --attendus sample_data/territoire/{NOM_ATTENDUS}",
        "",
        "Avec l'évolution depuis 2023 (base de campagne) :",
        "",
        "    flux-dash campagne ajouter sample_data/territoire/2023/*/* --annee 2023 --base campagne.duckdb",
        "    flux-dash consolider sample_data/territoire/2024/*/* --annee 2024 --sortie consolidation/ \\",
        "        --base campagne.duckdb --territoire 200057875",
        "",
    ]
    return "\n".join(lignes)


def _libelle_genre(genre: str) -> str:
    if genre == "zip":
        return "archive ZIP"
    if genre == "csv":
        return "indicateurs CSV"
    return f"classeur État {genre.split(':', 1)[1]}"


def ecrire_territoire(dossier: str | Path, annees: Sequence[int] = ANNEES_TERRITOIRE) -> list[Path]:
    """Writes the demo campaign in ``dossier`` (``{annee}/{bailleur}/…``, :data:`NOM_ATTENDUS`, LISEZMOI); each
    landlord's folder is emptied first (a file it no longer sends does not linger). Returns the paths written."""
    dossier = Path(dossier)
    chemins = []
    for annee in annees:
        for b in BAILLEURS_TERRITOIRE:
            shutil.rmtree(dossier / str(annee) / b.slug, ignore_errors=True)
    for f in envois_territoire(annees):
        chemin = dossier / f.chemin
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_bytes(f.contenu)
        chemins.append(chemin)
    (dossier / NOM_ATTENDUS).write_bytes(attendus_territoire())
    (dossier / NOM_LISEZMOI).write_text(lisezmoi_territoire(), encoding="utf-8")
    return [*chemins, dossier / NOM_ATTENDUS, dossier / NOM_LISEZMOI]
