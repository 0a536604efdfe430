"""Mesure des performances de flux_dash, avec des tailles annoncées (jamais un test chronométré).

Usage (depuis la racine du dépôt) ::

    python -m benchmarks.benchmark [--tailles 3000,30000,300000] [--repetitions 3] [--format csv,xlsx]
                                   [--sans-demo] [--sans-etapes] [--sequentiel]

Sets (deterministic, fictional, cached under ``benchmarks/donnees/`` by :mod:`benchmarks.jeu`): the demo as a
user loads it (3 000 logements, 4 départements, 28 conventions: the « nothing gets slower » target), then the
regional landlord (8 départements, 150 conventions) at each size of ``--tailles``. For each set and format,
every repetition runs, each in its own process:

1. ``python -m flux_dash bilan FICHIERS --annee 2024 --sortie TEMP --zip``: the whole process as a user runs
   it (wall time, CPU time of the process and its workers, peak resident memory from ``os.wait4``), its
   workbooks built by one process per core (the command's default); with ``--sequentiel``, the same command
   with ``--processus 1`` too, for the pool's gain measured in the same run;
2. :mod:`benchmarks.etapes`: the same pipeline stage by stage (imports, read, validate, bilan, indicateurs CSV,
   each trame with its workbook count, ZIP, writing), each with its own peak memory;
3. :mod:`benchmarks.chiffres_duckdb` (CSV only: DuckDB reads no workbook offline): the core figures from the
   same CSV files, **checked equal** to the ``indicateurs_2024.csv`` written by run 1 — the benchmark stops
   with an error if one figure differs — and the ratio ``flux-dash bilan`` / DuckDB (whole processes).

Medians over the repetitions are printed as a French table and stored in ``benchmarks/resultats.csv``
(``;``, decimal comma; rows of the sizes measured now replace the older ones, the others are kept), from which
``benchmarks/resultats.md`` is rewritten. Run big sizes with ``nice -n 10`` on a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import jeu

RACINE = Path(__file__).resolve().parent.parent
RESULTATS_CSV = Path(__file__).resolve().parent / "resultats.csv"
RESULTATS_MD = Path(__file__).resolve().parent / "resultats.md"
TAILLES_DEFAUT = (3000, 30_000, 300_000)
TAILLE_DEMO = 3000
"""The demo as a user loads it (one click, ``sample_data/``): the target « nothing gets slower » applies to it."""
BAILLEUR = "Bailleur de mesure"
SEUIL_CHARGE_PARTAGEE = 2.0
"""Above this load average (1 min) during a set, the table says the machine was shared (2 cores)."""

ETAPES = {
    "demarrage": "Démarrage",
    "lecture": "Lecture",
    "validation": "Validation",
    "controles_annee": "Contrôles de l'année",
    "calcul": "Calcul",
    "indicateurs_csv": "Indicateurs CSV",
    "trame_reservataire": "Réservataire",
    "trame_epci": "EPCI/EPT",
    "trame_etat": "État",
    "trame_previsionnel": "Prévisionnel",
    "zip": "ZIP",
    "ecriture": "Écriture",
}
"""Stages in pipeline order, with their French column titles. ``demarrage`` is the interpreter's start and the
imports: the stage process's wall time minus its other stages."""
TRAMES = [e for e in ETAPES if e.startswith("trame_")]

OBJECTIFS = (
    # (jeu, taille, format, mesure, plafond, libellé) — issue 11, on this machine (2 cores)
    ("demo", 3000, "csv", "bilan_s", 3.0, "démo (3 000 logements), CSV : processus complet ≤ 3 s"),
    ("demo", 3000, "xlsx", "bilan_s", 3.0, "démo (3 000 logements), classeur : processus complet ≤ 3 s"),
    ("regional", 300_000, "csv", "bilan_s", 12.0, "300 000 logements, CSV : processus complet ≤ 12 s"),
    ("regional", 300_000, "csv", "rapport_duckdb", 5.0, "300 000 logements, CSV : ≤ 5 × DuckDB (visée ≤ 3 ×)"),
    ("regional", 1_000_000, "csv", "bilan_s", 30.0, "1 000 000 logements, CSV : processus complet ≤ 30 s"),
    ("regional", 1_000_000, "csv", "bilan_pic_mo", 2500.0, "1 000 000 logements : pic mémoire ≤ 2 500 Mo"),
)


# --- Running one measure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Execution:
    secondes: float
    cpu_s: float
    pic_mo: float
    code: int
    sortie: str
    erreurs: str


CHARGES: list[float] = []
"""Load average (1 min) after each measured process: the table says when the machine was shared."""


def executer(commande: list[str]) -> Execution:
    """Run ``commande`` with this repository first on the path; wall time, CPU and peak RSS of that child only."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(RACINE), os.environ.get("PYTHONPATH", "")]).rstrip(":"))
    with tempfile.TemporaryFile() as sortie, tempfile.TemporaryFile() as erreurs:
        debut = time.perf_counter()
        processus = subprocess.Popen(commande, stdout=sortie, stderr=erreurs, env=env, cwd=RACINE)
        _, statut, usage = os.wait4(processus.pid, 0)  # rusage of this child alone (Popen.wait would discard it)
        duree = time.perf_counter() - debut
        CHARGES.append(os.getloadavg()[0])
        processus.returncode = os.waitstatus_to_exitcode(statut)
        sortie.seek(0)
        erreurs.seek(0)
        return Execution(
            duree,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,  # kB on Linux
            processus.returncode,
            sortie.read().decode("utf-8", "replace"),
            erreurs.read().decode("utf-8", "replace"),
        )


def _exiger(execution: Execution, quoi: str) -> None:
    if execution.code != 0:
        raise RuntimeError(f"{quoi} a échoué (code {execution.code}) :\n{execution.sortie}\n{execution.erreurs}")


def mesurer_bilan(
    fichiers: list[Path], annee: int, copie_indicateurs: Path | None, options: tuple[str, ...] = ()
) -> Execution:
    with tempfile.TemporaryDirectory(prefix="flux_dash_mesure_") as dossier:
        commande = [sys.executable, "-m", "flux_dash", "bilan", *map(str, fichiers), "--annee", str(annee)]
        execution = executer([*commande, "--sortie", dossier, "--zip", "--bailleur", BAILLEUR, *options])
        _exiger(execution, "flux-dash bilan")
        if copie_indicateurs is not None:
            copie_indicateurs.write_bytes((Path(dossier) / f"indicateurs_{annee}.csv").read_bytes())
        return execution


def mesurer_etapes(fichiers: list[Path], annee: int) -> tuple[Execution, dict]:
    execution = executer([sys.executable, "-m", "benchmarks.etapes", *map(str, fichiers), "--annee", str(annee)])
    _exiger(execution, "la mesure des étapes")
    resultat = json.loads(execution.sortie.strip().splitlines()[-1])
    if not resultat["ok"]:
        raise RuntimeError("le jeu de mesure comporte des erreurs de validation")
    etapes = {e["etape"]: e for e in resultat["etapes"]}
    autres = [e for nom, e in etapes.items() if nom != "imports"]
    etapes["demarrage"] = {
        "etape": "demarrage",
        "s": execution.secondes - sum(e["s"] for e in autres),
        "cpu_s": execution.cpu_s - sum(e["cpu_s"] for e in autres),
        "pic_mo": etapes["imports"]["pic_mo"],
    }
    return execution, etapes


def mesurer_duckdb(j: jeu.Jeu, annee: int, sortie: Path) -> tuple[Execution, dict]:
    par_table = j.csv
    commande = [sys.executable, "-m", "benchmarks.chiffres_duckdb", "--annee", str(annee), "--sortie", str(sortie)]
    commande += [f"--{t}={par_table[t]}" for t in ("logements", "tours", "conventions")]
    execution = executer(commande)
    _exiger(execution, "le calcul DuckDB")
    return execution, json.loads(execution.sortie.strip().splitlines()[-1])


# --- The check: DuckDB's figures are flux_dash's figures ---------------------------------------------


def _lire_csv(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def comparer(indicateurs: Path, duckdb: Path) -> tuple[int, list[str]]:
    """(figures compared, differences): every DuckDB row against the same key of ``indicateurs_{n}.csv``
    (``dimension = total``), which must hold it with the same value.

    Since ``indicateurs_{n}.csv`` v1.1 the file also carries additive rows DuckDB does not recompute (each
    holder on every strate, the perimeters' totals of the holders' counts): those are outside the yardstick.
    """
    from benchmarks.chiffres_duckdb import INDICATEURS_PERIMETRE, INDICATEURS_RESERVATAIRE

    cles = ("perimetre_type", "perimetre_code", "reservataire", "indicateur")
    attendus = {tuple(r[c] for c in cles): r["valeur"] for r in _lire_csv(duckdb)}
    indicateurs_mesures = {*INDICATEURS_PERIMETRE, *INDICATEURS_RESERVATAIRE}
    produits = {
        tuple(r[c] for c in cles): r["valeur"]
        for r in _lire_csv(indicateurs)
        if r["dimension"] == "total" and r["indicateur"] in indicateurs_mesures
    }
    ecarts = [
        f"{' / '.join(k)} : flux_dash {produits.get(k, 'absent')}, DuckDB {attendus[k]}"
        for k in sorted(attendus)
        if attendus[k] != produits.get(k)
    ]
    return len(attendus), ecarts


# --- One size -----------------------------------------------------------------------------------------


def _verifier(indicateurs: Path, chiffres: Path, taille: int, format_: str) -> tuple[int, list[str]]:
    resultat = comparer(indicateurs, chiffres)
    if resultat[1]:
        raise RuntimeError(
            f"DuckDB et flux_dash ({format_}) diffèrent sur {len(resultat[1])} chiffres (sur {resultat[0]}) à "
            f"{taille} logements, par exemple :\n  " + "\n  ".join(resultat[1][:10])
        )
    return resultat


def _mediane(valeurs: list[float]) -> float:
    return statistics.median(valeurs) if valeurs else float("nan")


def mesurer_jeu(
    genre: str, taille: int, formats: list[str], repetitions: int, annee: int, etapes: bool, sequentiel: bool = False
) -> list[dict]:
    j = jeu.preparer(taille, genre, journal=lambda m: print(m, flush=True))
    nom = f"{jeu.GENRES[genre]} {taille}"
    debut_charges = len(CHARGES)
    fichiers = {f: chemins for f, chemins in j.fichiers.items() if f in formats}
    for f in formats:
        if f not in fichiers:
            print(
                f"  {f} : pas de classeur à {taille} logements ({j.description['tours']} tours : plus que les "
                f"{jeu.LIGNES_EXCEL_MAX} lignes d'une feuille Excel) ; mesuré en CSV seulement.",
                flush=True,
            )
    bilans: dict[str, list[Execution]] = {f: [] for f in fichiers}
    sequentiels: dict[str, list[Execution]] = {f: [] for f in fichiers}
    par_etape: dict[str, list[dict]] = {f: [] for f in fichiers}
    duck: list[tuple[Execution, dict]] = []
    verification: dict[str, tuple[int, list[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="flux_dash_mesure_") as dossier:
        indicateurs = {f: Path(dossier) / f"indicateurs_{f}.csv" for f in fichiers}
        chiffres = Path(dossier) / "duckdb.csv"
        for rep in range(1, repetitions + 1):
            for f, chemins in fichiers.items():  # interleaved, so that a change of load spreads over all
                bilans[f].append(mesurer_bilan(chemins, annee, indicateurs[f] if rep == 1 else None))
                print(f"  {nom} {f} essai {rep}/{repetitions} : bilan {bilans[f][-1].secondes:.1f} s", flush=True)
                if sequentiel:
                    sequentiels[f].append(mesurer_bilan(chemins, annee, None, ("--processus", "1")))
                    print(f"  {nom} {f} essai {rep}/{repetitions} : --processus 1 {sequentiels[f][-1].secondes:.1f} s")
                if etapes:
                    par_etape[f].append(mesurer_etapes(chemins, annee)[1])
            if "csv" in fichiers:
                duck.append(mesurer_duckdb(j, annee, chiffres))
                print(f"  {nom} DuckDB essai {rep}/{repetitions} : {duck[-1][0].secondes:.1f} s", flush=True)
                for f in fichiers:
                    if f not in verification:
                        verification[f] = _verifier(indicateurs[f], chiffres, taille, f)

    quand = dt.datetime.now()
    lignes = []
    for f in fichiers:
        b = bilans[f]
        ligne = {
            "date": quand.strftime("%d/%m/%Y %H:%M"),
            "commit": _commit(),
            "coeurs": os.cpu_count(),
            "charge_max": round(max(CHARGES[debut_charges:], default=os.getloadavg()[0]), 2),
            "jeu": genre,
            "taille": taille,
            "format": f,
            "logements": j.description["logements"],
            "tours": j.description["tours"],
            "conventions": j.description["conventions"],
            "reservataires": j.description["reservataires"],
            "communes": j.description["communes"],
            "departements": len(j.description["departements"]),
            "octets_entree": j.description["octets_csv"] if f == "csv" else j.description.get("octets_classeur"),
            "repetitions": len(b),
            "bilan_s": _mediane([e.secondes for e in b]),
            "bilan_min_s": min(e.secondes for e in b),
            "bilan_max_s": max(e.secondes for e in b),
            "bilan_cpu_s": _mediane([e.cpu_s for e in b]),
            "bilan_pic_mo": max(e.pic_mo for e in b),
            "processus": os.cpu_count(),
        }
        if sequentiels[f]:
            ligne["sequentiel_s"] = _mediane([e.secondes for e in sequentiels[f]])
            ligne["sequentiel_cpu_s"] = _mediane([e.cpu_s for e in sequentiels[f]])
            ligne["gain_pool"] = ligne["sequentiel_s"] / ligne["bilan_s"]
        if duck:
            ligne |= {
                "duckdb_s": _mediane([e.secondes for e, _ in duck]),
                "duckdb_min_s": min(e.secondes for e, _ in duck),
                "duckdb_max_s": max(e.secondes for e, _ in duck),
                "duckdb_requetes_s": _mediane([d["lecture_s"] + d["calcul_s"] for _, d in duck]),
                "duckdb_pic_mo": max(e.pic_mo for e, _ in duck),
                "chiffres_compares": verification[f][0],
                "chiffres_differents": len(verification[f][1]),
            }
            if f == "csv":
                ligne["rapport_duckdb"] = ligne["bilan_s"] / ligne["duckdb_s"]
        mesures = par_etape[f]
        if mesures:
            ligne["etapes_pic_mo"] = max(e["pic_mo"] for m in mesures for e in m.values())
            for nom in ETAPES:
                ligne[f"{nom}_s"] = _mediane([m[nom]["s"] for m in mesures if nom in m])
                ligne[f"{nom}_cpu_s"] = _mediane([m[nom]["cpu_s"] for m in mesures if "cpu_s" in m.get(nom, {})])
                ligne[f"{nom}_pic_mo"] = max((m[nom]["pic_mo"] for m in mesures if nom in m), default=float("nan"))
            for nom in TRAMES:
                ligne[f"{nom}_classeurs"] = mesures[0].get(nom, {}).get("classeurs", 0)
            ligne["classeurs"] = sum(ligne[f"{nom}_classeurs"] for nom in TRAMES)
            ligne["zip_octets"] = mesures[0]["zip"]["octets"]
        lignes.append(ligne)
    return lignes


def _commit() -> str:
    try:
        texte = subprocess.run(
            ["git", "-C", str(RACINE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        modifie = subprocess.run(
            ["git", "-C", str(RACINE), "status", "--porcelain", "--untracked-files=no", "flux_dash"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return texte + ("+modifié" if modifie else "")
    except (OSError, subprocess.CalledProcessError):
        return ""


# --- Storing and showing ------------------------------------------------------------------------------


def _texte(valeur: object) -> str:
    if isinstance(valeur, float):
        return "" if valeur != valeur else f"{valeur:.3f}".rstrip("0").rstrip(".").replace(".", ",")
    return "" if valeur is None else str(valeur)


COLONNES_TEXTE = frozenset({"date", "commit", "jeu", "format"})
"""Read back as text: a short commit id such as ``87e1324`` would otherwise be read as a float (infinite)."""


def _valeur(texte: str, colonne: str = "") -> object:
    if texte == "":
        return None
    if colonne in COLONNES_TEXTE:
        return texte
    try:
        return int(texte)
    except ValueError:
        pass
    try:
        return float(texte.replace(",", "."))
    except ValueError:
        return texte


def _cle(ligne: dict) -> tuple[str, int, str]:
    return ligne["jeu"], ligne["taille"], ligne["format"]


def enregistrer(nouvelles: list[dict], chemin: Path = RESULTATS_CSV) -> list[dict]:
    """Merge ``nouvelles`` into the CSV (same size and format replaced), sorted by size then format."""
    anciennes = []
    if chemin.exists():
        anciennes = [{k: _valeur(v, k) for k, v in r.items()} for r in _lire_csv(chemin)]
    remplacees = {_cle(r) for r in nouvelles}
    lignes = [r for r in anciennes if _cle(r) not in remplacees] + nouvelles
    lignes.sort(key=lambda r: (list(jeu.GENRES).index(r["jeu"]), r["taille"], r["format"]))
    colonnes = list(dict.fromkeys(c for r in lignes for c in r))
    with chemin.open("w", encoding="utf-8-sig", newline="") as f:
        ecrivain = csv.DictWriter(f, colonnes, delimiter=";", lineterminator="\n")
        ecrivain.writeheader()
        ecrivain.writerows({c: _texte(r.get(c)) for c in colonnes} for r in lignes)
    return lignes


def _fr(valeur: object, decimales: int = 1) -> str:
    from flux_dash import formats

    if valeur is None or (isinstance(valeur, float) and valeur != valeur):
        return "—"
    return formats.nombre(valeur, decimales).replace("\u202f", " ")


def tableaux(lignes: list[dict]) -> str:
    """The two Markdown tables (whole process; stages), French numbers."""
    t1 = [
        "| Jeu | Logements | Format | Tours | Classeurs | `bilan --zip` (s) | min–max (s) | CPU (s) | Pic mémoire (Mo) "
        "| `--processus 1` (s) | DuckDB (s) | Rapport | Chiffres vérifiés |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in lignes:
        verifies = f"{_fr(r['chiffres_compares'], 0)} identiques" if r.get("chiffres_differents") == 0 else "—"
        t1.append(
            f"| {jeu.GENRES[r['jeu']]} | {_fr(r['taille'], 0)} | {r['format']} | {_fr(r['tours'], 0)} | {_fr(r.get('classeurs'), 0)} "
            f"| {_fr(r['bilan_s'])} | {_fr(r['bilan_min_s'])}–{_fr(r['bilan_max_s'])} | {_fr(r['bilan_cpu_s'])} "
            f"| {_fr(r['bilan_pic_mo'], 0)} | {_sequentiel(r)} | {_fr(r.get('duckdb_s'), 2)} "
            f"| {(_fr(r.get('rapport_duckdb')) + ' ×') if r.get('rapport_duckdb') else '—'} | {verifies} |"
        )
    t2 = [
        "| Jeu | Logements | Format | " + " | ".join(ETAPES.values()) + " | Pic mémoire (Mo) |",
        "|---|---:|---|" + "---:|" * (len(ETAPES) + 1),
    ]
    for r in lignes:
        if r.get("lecture_s") is None:
            continue
        cellules = []
        for nom in ETAPES:
            texte = _fr(r.get(f"{nom}_s"), 2)
            if nom in TRAMES:
                texte += f" ({_fr(r.get(f'{nom}_classeurs'), 0)})"
            cellules.append(texte)
        t2.append(
            f"| {jeu.GENRES[r['jeu']]} | {_fr(r['taille'], 0)} | {r['format']} | "
            + " | ".join(cellules)
            + f" | {_fr(r['etapes_pic_mo'], 0)} |"
        )
    return "\n".join(t1) + "\n\n" + "\n".join(t2)


def _sequentiel(r: dict) -> str:
    if r.get("sequentiel_s") is None:
        return "—"
    return f"{_fr(r['sequentiel_s'])} (pool : {_fr(r['gain_pool'], 2)} ×)"


def objectifs(lignes: list[dict]) -> str:
    par_cle = {_cle(r): r for r in lignes}
    sortie = ["| Objectif (issue 11) | Mesuré | Atteint |", "|---|---:|---|"]
    for genre, taille, f, mesure, plafond, libelle in OBJECTIFS:
        r = par_cle.get((genre, taille, f))
        if r is None or r.get(mesure) is None:
            sortie.append(f"| {libelle} | non mesuré | — |")
            continue
        unite = {"bilan_s": " s", "rapport_duckdb": " ×", "bilan_pic_mo": " Mo"}[mesure]
        sortie.append(f"| {libelle} | {_fr(r[mesure])}{unite} | {'oui' if r[mesure] <= plafond else 'non'} |")
    return "\n".join(sortie)


def _machine() -> str:
    modele = ""
    try:
        for ligne in Path("/proc/cpuinfo").read_text().splitlines():
            if ligne.startswith("model name"):
                modele = ligne.split(":", 1)[1].strip()
                break
        memoire = next(
            int(ligne.split()[1]) / 1024**2
            for ligne in Path("/proc/meminfo").read_text().splitlines()
            if ligne.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memoire = float("nan")
    import duckdb
    import pandas

    return (
        f"{os.cpu_count()} cœurs ({modele or platform.processor()}), {_fr(memoire, 0)} Gio de mémoire ; "
        f"Python {platform.python_version()}, pandas {pandas.__version__}, DuckDB {duckdb.__version__}"
    )


def ecrire_markdown(lignes: list[dict], chemin: Path = RESULTATS_MD) -> str:
    dates = sorted({r["date"] for r in lignes}, key=lambda d: dt.datetime.strptime(d, "%d/%m/%Y %H:%M"))
    par_jeu = {(r["jeu"], r["taille"]): r.get("charge_max") for r in lignes}
    charges = [c for c in par_jeu.values() if c is not None]
    partage = max(charges, default=0) > SEUIL_CHARGE_PARTAGEE
    essais = sorted({int(r["repetitions"]) for r in lignes})
    texte = "\n".join(
        [
            "# Mesures de performance (écrit par `python -m benchmarks.benchmark`)",
            "",
            f"Mesuré le {', '.join(dates)} (commit {', '.join(sorted({str(r['commit']) for r in lignes}))}) sur "
            f"{_machine()}.",
            f"Charge moyenne (1 min) la plus haute pendant chaque jeu : {', '.join(_fr(c, 1) for c in charges)}"
            + (" — **machine partagée** avec d'autres travaux pendant la mesure." if partage else "."),
            f"Temps : médiane de {' ou '.join(map(str, essais))} essai{'s' if max(essais) > 1 else ''} ; "
            "pics mémoire : le plus haut des essais. `bilan --zip` écrit les classeurs avec un processus par cœur "
            "(défaut de `--processus`), son CPU compte ceux des processus de travail ; les étapes sont mesurées dans "
            "un seul processus.",
            "",
            tableaux(lignes),
            "",
            objectifs(lignes),
            "",
        ]
    )
    chemin.write_text(texte, encoding="utf-8")
    return texte


def main(arguments: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Mesure des performances de flux_dash (tailles annoncées).")
    p.add_argument(
        "--tailles",
        default=",".join(map(str, TAILLES_DEFAUT)),
        help="logements des jeux régionaux, séparés par des virgules (défaut 3000,30000,300000 ; 1000000 possible)",
    )
    p.add_argument("--repetitions", type=int, default=3, help="essais par mesure, on retient la médiane (défaut 3)")
    p.add_argument("--format", default="csv,xlsx", help="formats d'entrée : csv, xlsx ou csv,xlsx (défaut)")
    p.add_argument("--annee", type=int, default=jeu.ANNEE, help=f"année du bilan (défaut {jeu.ANNEE})")
    p.add_argument("--sans-demo", action="store_true", help="ne mesure pas le jeu de démonstration (3 000 logements)")
    p.add_argument("--sans-etapes", action="store_true", help="ne mesure que les processus complets")
    p.add_argument(
        "--sequentiel", action="store_true", help="mesure aussi bilan --processus 1 (le gain du pool de processus)"
    )
    args = p.parse_args(arguments)
    try:
        tailles = [int(t.replace("_", "").replace(" ", "")) for t in args.tailles.split(",") if t.strip()]
    except ValueError:
        p.error(f"--tailles : nombres entiers séparés par des virgules attendus ({args.tailles})")
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    if args.repetitions < 1 or any(t < 1 for t in tailles) or not set(formats) <= {"csv", "xlsx"}:
        p.error("tailles ≥ 1, --repetitions ≥ 1, --format parmi csv, xlsx")
    jeux = ([] if args.sans_demo else [("demo", TAILLE_DEMO)]) + [("regional", t) for t in tailles]
    print(f"Mesure sur {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.2f}.", flush=True)
    lignes: list[dict] = []
    for genre, taille in jeux:
        lignes = enregistrer(
            mesurer_jeu(genre, taille, formats, args.repetitions, args.annee, not args.sans_etapes, args.sequentiel)
        )
    print()
    print(ecrire_markdown(lignes))
    print(f"Résultats : {RESULTATS_CSV.relative_to(RACINE)} et {RESULTATS_MD.relative_to(RACINE)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
