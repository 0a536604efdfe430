"""Rerun time of every page of the app at a large set (issue 11, target: ≤ 0.5 s after a filter change).

Drives the pages with Streamlit's AppTest, as the tests do, with the data already loaded and the bilan of each
measured state computed (the page's own work is measured, not the engine's): per page, the median of
``--repetitions`` reruns without filter, then with a département filter (its bilan cached by a first run).
Prints a table and writes it as CSV. Not a test: nothing here asserts a duration.

    PYTHONPATH=$PWD .venv/bin/python -m benchmarks.app_rerun --taille 300000
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from benchmarks import jeu

PAGES = {
    "Accueil": "app.py",
    "Contrôles": "pages/2_Contrôles.py",
    "Vue d'ensemble": "pages/3_Vue_d_ensemble.py",
    "Réservataires": "pages/4_Réservataires.py",
    "Territoires": "pages/5_Territoires.py",
    "QPV": "pages/6_QPV.py",
    "Soustraits et prévisionnel": "pages/7_Soustraits_et_prévisionnel.py",
    "Rapports": "pages/8_Rapports.py",
}


def _mesurer(at, repetitions: int) -> float:
    durees = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        at.run()
        durees.append(time.perf_counter() - debut)
        if at.exception:
            raise RuntimeError(f"exception sur la page : {at.exception[0].message}")
    return statistics.median(durees)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Temps de rerun des pages de l'application (AppTest).")
    parser.add_argument("--taille", type=int, default=300_000, help="logements du jeu régional (défaut 300 000)")
    parser.add_argument("--repetitions", type=int, default=3, help="reruns mesurés par page et par état")
    parser.add_argument("--departement", default="93", help="département du filtre mesuré")
    parser.add_argument("--csv", type=Path, default=Path("benchmarks/resultats/app_rerun.csv"))
    args = parser.parse_args(argv)

    from flux_dash.filtres import Filtres, filtrer_tables
    from flux_dash.ui import etat
    from tests.ui_outils import charger, installer, nouvelle_app

    j = jeu.preparer(args.taille)
    debut = time.perf_counter()
    donnees = charger([(p.name, p.read_bytes()) for p in j.csv.values()])
    print(f"jeu : {j.description['logements']} logements, {j.description['tours']} tours ; "
          f"lecture + validation + bilan : {time.perf_counter() - debut:.1f} s", flush=True)  # fmt: skip
    filtre = Filtres(departements=(args.departement,))
    cle_filtre = etat.cle_bilan(donnees.jeton, donnees.annee, filtre)
    bilan_filtre = etat.calculer(filtrer_tables(donnees.rapport.tables, filtre), donnees.annee)
    lignes = []
    for nom, chemin in PAGES.items():
        at = installer(nouvelle_app(chemin), donnees)
        at.run()  # first run: caches warm
        if at.exception:
            raise RuntimeError(f"exception sur {nom} : {at.exception[0].message}")
        sans = _mesurer(at, args.repetitions)
        at.session_state[etat.FILTRES] = filtre
        for cle, valeur in etat.CLES_FILTRES.items():
            at.session_state[valeur] = list(getattr(filtre, cle))
        at.session_state[etat.BILANS][cle_filtre] = bilan_filtre  # computed once, as a first filtered page would
        at.run()
        avec = _mesurer(at, args.repetitions)
        lignes.append((nom, sans, avec))
        print(f"{nom:<28} sans filtre {sans:6.2f} s   filtre {args.departement} {avec:6.2f} s", flush=True)
    args.csv.parent.mkdir(parents=True, exist_ok=True)
    with args.csv.open("w", newline="", encoding="utf-8") as f:
        ecrivain = csv.writer(f, delimiter=";")
        ecrivain.writerow(["page", "logements", "rerun_sans_filtre_s", f"rerun_filtre_{args.departement}_s"])
        for nom, sans, avec in lignes:
            ecrivain.writerow([nom, j.description["logements"], f"{sans:.3f}", f"{avec:.3f}"])
    print(f"écrit : {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
