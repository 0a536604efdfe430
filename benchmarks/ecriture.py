"""Benchmark of the xlsx writer (flux_dash.excel) with stated sizes (never a timed unit test).

Usage: ``python benchmarks/ecriture.py [--tailles 3000 100000] [--repetitions 3]``

For each size N (logements of the demo generator, seed 2024), it computes the bilan once, then times the writing
only: every trame of the batch (one workbook at a time, per-genre median and total; the best of
``--repetitions`` passes), the input template, and the demo workbook (``flux_demo_2024.xlsx``, N logements and
their tours), with its peak memory. It only calls public functions, so the same script measures any version of
the writer (run it from two checkouts with ``PYTHONPATH`` to compare). Results are printed as a Markdown table.

Times are CPU time of the process (``time.process_time``): the writers are single-threaded, and CPU time does not
count the time other processes of a shared machine take (wall-clock time is printed beside the total).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def bilan_de(taille: int):
    from flux_dash import calculs, demo, validation

    tables = demo.generer_demo(taille, 2024)
    fichiers = [(f"{nom}.csv", demo.csv_en_texte(df).encode("utf-8")) for nom, df in tables.items()]
    rapport = validation.charger(fichiers, 2024)
    if not rapport.ok:
        raise SystemExit(f"jeu de démonstration invalide : {rapport.erreurs[:3]}")
    return tables, calculs.calculer_bilan(rapport.tables, 2024)


def mesurer(taille: int, repetitions: int) -> list[tuple[str, str]]:
    from flux_dash import demo, rapports
    from flux_dash.modele import modele_saisie

    tables, bilan = bilan_de(taille)
    options = rapports.OptionsRapports(bailleur="Habitat Francilien Démo")
    prevus = rapports.lister_rapports(bilan, options)
    prevus[0].construire()  # warm-up: imports, cached reference tables
    meilleures: dict[str, float] = {}
    octets = 0
    murale = time.perf_counter()
    for _ in range(repetitions):
        for prevu in prevus:
            debut = time.process_time()
            contenu = prevu.construire()
            duree = time.process_time() - debut
            meilleures[prevu.chemin_archive] = min(duree, meilleures.get(prevu.chemin_archive, duree))
            octets += len(contenu) if _ == 0 else 0
    murale = (time.perf_counter() - murale) / repetitions
    lignes = []
    for genre in rapports.GENRES:
        durees = [d for chemin, d in meilleures.items() if chemin.startswith(genre.dossier + "/")]
        if durees:
            lignes.append(
                (
                    f"{genre.libelle} ({len(durees)} classeurs) : médiane par classeur",
                    f"{statistics.median(durees) * 1000:.1f} ms",
                )
            )
    lignes.append(
        (f"{len(prevus)} classeurs, total ({octets / 1e6:.1f} Mo)", f"{sum(meilleures.values()) * 1000:.0f} ms")
    )
    modele = min(_chrono(modele_saisie) for _ in range(repetitions))
    lignes.append(("modèle de saisie", f"{modele * 1000:.1f} ms"))
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / demo.NOM_CLASSEUR
        duree = min(_chrono(lambda: demo.ecrire_classeur(tables, chemin)) for _ in range(min(repetitions, 2)))
        tracemalloc.start()
        demo.ecrire_classeur(tables, chemin)
        _, pic = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        n_tours = len(tables["tours"])
        lignes.append(
            (
                f"classeur de démonstration ({taille} logements, {n_tours} tours, {chemin.stat().st_size / 1e6:.1f} Mo)",
                f"{duree * 1000:.0f} ms, pic mémoire {pic / 1e6:.0f} Mo",
            )
        )
    return lignes


def _chrono(fonction) -> float:
    debut = time.process_time()
    fonction()
    return time.process_time() - debut


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tailles", type=int, nargs="+", default=[3000, 100_000])
    p.add_argument("--repetitions", type=int, default=3)
    args = p.parse_args()
    for taille in args.tailles:
        print(f"\n### {taille} logements\n\n| écriture | mesure |\n|---|---|")
        for etape, valeur in mesurer(taille, args.repetitions):
            print(f"| {etape} | {valeur} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
