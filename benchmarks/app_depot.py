"""Upload of a large set to a ready page, as the user lives it (issue 11, target: ≤ 6 s with progress shown).

Two measures of the same files, in the same run, wall time AND CPU time (``time.process_time``: the machine is
shared, wall times are inflated by the other processes):

* **bibliothèque**: the stages the upload runs, called directly — reading (:func:`flux_dash.lecture.lire`),
  checks (:func:`flux_dash.validation.valider` then the year's, :func:`~flux_dash.validation.pour_annee`),
  bilan of the default year (:func:`flux_dash.ui.etat.calculer`);
* **application**: Streamlit's AppTest, the home page, the files put in the uploader and the rerun it triggers
  (the upload callback shows its progress box, reads, checks, computes the bilan), split at each stage the
  progress box announces; then the first opening of « Vue d'ensemble » (its bilan already cached).

Median of ``--repetitions`` runs, after one unmeasured warm-up on the 3 000-logement demo (imports). Prints a table and writes it as CSV. Not a test: nothing here asserts a
duration.

    PYTHONPATH=$PWD .venv/bin/python -m benchmarks.app_depot --taille 300000
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks import jeu


def _horloges() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _ecarts(points: list[tuple[str, float, float]]) -> dict[str, tuple[float, float]]:
    """(name, wall, cpu) instants → per-stage (wall, cpu) durations: each stage lasts until the next point."""
    return {n: (m2 - m1, c2 - c1) for (n, m1, c1), (_, m2, c2) in zip(points, points[1:], strict=False)}


def mesurer_bibliotheque(fichiers: list[tuple[str, bytes]]) -> dict[str, tuple[float, float]]:
    from flux_dash.lecture import lire
    from flux_dash.ui import etat
    from flux_dash.validation import annee_par_defaut, pour_annee, valider

    points = [("lecture", *_horloges())]
    lues = lire(fichiers)
    points.append(("controles", *_horloges()))
    rapport = valider(lues)
    rapport = pour_annee(rapport, annee_par_defaut(rapport.tables))
    points.append(("bilan", *_horloges()))
    etat.calculer(rapport.tables, rapport.annee)
    points.append(("fin", *_horloges()))
    return _ecarts(points)


def mesurer_application(fichiers: list[tuple[str, bytes]]) -> dict[str, tuple[float, float]]:
    """One upload through AppTest: per stage, the whole rerun, then the first « Vue d'ensemble »."""
    from flux_dash.ui import etat
    from flux_dash.validation import assemblage
    from tests.ui_outils import nouvelle_app

    points: list[tuple[str, float, float]] = []
    charger_original, bilan_original = assemblage.charger, etat.bilan

    def charger_mesure(f, annee=None, etape=None):
        def etape_mesuree(nom):
            points.append((nom, *_horloges()))
            if etape is not None:
                etape(nom)

        return charger_original(f, annee, etape_mesuree)

    def bilan_mesure(*args, **kwargs):
        points.append(("bilan", *_horloges()))
        try:
            return bilan_original(*args, **kwargs)
        finally:
            points.append(("fin", *_horloges()))

    at = nouvelle_app().run()
    assemblage.charger, etat.bilan = charger_mesure, bilan_mesure
    try:
        m0, c0 = _horloges()
        at.file_uploader[0].set_value([(n, o, "text/csv") for n, o in fichiers]).run()
        m1, c1 = _horloges()
    finally:
        assemblage.charger, etat.bilan = charger_original, bilan_original
    if at.exception or not at.session_state[etat.RAPPORT].ok:
        raise RuntimeError(f"dépôt en échec : {at.exception}")
    if [s.label for s in at.status] != ["Fichiers lus et contrôlés"]:
        raise RuntimeError(f"boîte de progression inattendue : {[s.label for s in at.status]}")
    etapes = _ecarts(points[:4])
    etapes["dépôt → accueil prêt"] = (m1 - m0, c1 - c0)
    at.switch_page("pages/3_Vue_d_ensemble.py")
    m2, c2 = _horloges()
    at.run()
    m3, c3 = _horloges()
    if at.exception:
        raise RuntimeError(f"exception sur la Vue d'ensemble : {at.exception[0].message}")
    etapes["première Vue d'ensemble"] = (m3 - m2, c3 - c2)
    etapes["dépôt → Vue prête"] = (m3 - m0, c3 - c0)
    return etapes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Dépôt d'un grand jeu jusqu'à la page prête (AppTest).")
    parser.add_argument("--taille", type=int, default=300_000, help="logements du jeu régional (défaut 300 000)")
    parser.add_argument("--repetitions", type=int, default=3, help="dépôts mesurés (médiane)")
    parser.add_argument("--csv", type=Path, default=Path("benchmarks/resultats/app_depot.csv"))
    args = parser.parse_args(argv)

    j = jeu.preparer(args.taille)
    fichiers = [(p.name, p.read_bytes()) for p in j.csv.values()]
    print(f"jeu : {j.description['logements']} logements, {j.description['tours']} tours ; "
          f"{os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    petit = [(p.name, p.read_bytes()) for p in jeu.preparer(3_000, "demo").csv.values()]
    mesurer_bibliotheque(petit), mesurer_application(petit)  # warm-up: imports and first-call caches, not measured
    mesures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for i in range(args.repetitions):
        for parcours, mesurer in (("bibliothèque", mesurer_bibliotheque), ("application", mesurer_application)):
            for etape, duree in mesurer(fichiers).items():
                mesures.setdefault((parcours, etape), []).append(duree)
        print(f"dépôt {i + 1}/{args.repetitions} mesuré (charge {os.getloadavg()[0]:.1f})", flush=True)
    lignes = []
    for (parcours, etape), durees in mesures.items():
        mur = statistics.median(d[0] for d in durees)
        cpu = statistics.median(d[1] for d in durees)
        lignes.append((parcours, etape, mur, cpu))
        print(f"{parcours:<13} {etape:<26} mur {mur:6.2f} s   CPU {cpu:6.2f} s", flush=True)
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    with args.csv.open("w", newline="", encoding="utf-8") as f:
        ecrivain = csv.writer(f, delimiter=";")
        ecrivain.writerow(["parcours", "etape", "logements", "mur_s", "cpu_s"])
        for parcours, etape, mur, cpu in lignes:
            ecrivain.writerow([parcours, etape, j.description["logements"], f"{mur:.3f}", f"{cpu:.3f}"])
    print(f"écrit : {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
