"""Performance benchmark with stated sizes (never a timed unit test).

Usage: ``python benchmarks/benchmark.py [--tailles 3000 100000] [--sans-cli]``

For each size N (number of available logements; the generator makes 1–3 tours per logement), it generates the
demo dataset, writes it as a workbook and as CSV files in a temporary folder, then times each step of the
pipeline: reading (workbook and CSV), validation, the bilan engine, the indicators CSV, the report workbooks and
the ZIP, and the command line ``flux-dash valider`` / ``flux-dash bilan`` end to end as a user runs them.
Results are printed as a Markdown table (seconds, file sizes).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def chronometrer(fonction: Callable[[], Any]) -> tuple[float, Any]:
    debut = time.perf_counter()
    resultat = fonction()
    return time.perf_counter() - debut, resultat


def mesurer(taille: int, avec_cli: bool) -> list[tuple[str, str]]:
    from flux_dash import calculs, demo, indicateurs_csv, lecture, validation

    lignes: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as dossier:
        d = Path(dossier)
        t, chemins = chronometrer(lambda: demo.ecrire_demo(d, nb_logements=taille))
        classeur = next(c for c in chemins if c.suffix == ".xlsx")
        csvs = [c for c in chemins if c.suffix == ".csv"]
        lignes.append(("génération + écriture du jeu (xlsx + CSV)", f"{t:.2f} s"))
        lignes.append(("taille du classeur", f"{classeur.stat().st_size / 1e6:.1f} Mo"))

        t, lues = chronometrer(lambda: lecture.lire([classeur]))
        n_tours = len(lues.tables.get("tours", []))
        lignes.append((f"lecture du classeur ({taille} logements, {n_tours} tours)", f"{t:.2f} s"))
        t, lues_csv = chronometrer(lambda: lecture.lire(csvs))
        lignes.append(("lecture des CSV", f"{t:.2f} s"))
        t, rapport = chronometrer(lambda: validation.valider(lues))
        lignes.append(
            (f"validation ({len(rapport.erreurs)} erreurs, {len(rapport.avertissements)} avertissements)", f"{t:.2f} s")
        )
        t, bilan = chronometrer(lambda: calculs.calculer_bilan(rapport.tables, 2024))
        lignes.append(("calcul du bilan", f"{t:.2f} s"))
        t, octets = chronometrer(lambda: indicateurs_csv.ecrire_indicateurs_csv(bilan))
        lignes.append((f"indicateurs CSV ({len(octets) / 1e6:.1f} Mo)", f"{t:.2f} s"))
        try:
            from flux_dash import rapports
        except ImportError:
            rapports = None
        if rapports is not None:
            options = rapports.OptionsRapports(bailleur="Bailleur de mesure")
            t, archive = chronometrer(lambda: rapports.construire_archive(bilan, options))
            nb = len(rapports.lister_rapports(bilan, options))
            lignes.append((f"{nb} classeurs + archive ZIP ({len(archive) / 1e6:.1f} Mo)", f"{t:.2f} s"))
        if avec_cli:
            exe = [sys.executable, "-m", "flux_dash"]
            t, _ = chronometrer(
                lambda: subprocess.run([*exe, "valider", str(classeur)], capture_output=True, check=False)
            )
            lignes.append(("`flux-dash valider` sur le classeur (processus complet)", f"{t:.2f} s"))
            sortie = d / "sortie"
            t, res = chronometrer(
                lambda: subprocess.run(
                    [*exe, "bilan", str(classeur), "--annee", "2024", "--sortie", str(sortie), "--zip"],
                    capture_output=True,
                    check=False,
                )
            )
            lignes.append((f"`flux-dash bilan --zip` (code {res.returncode}, processus complet)", f"{t:.2f} s"))
    return lignes


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tailles", type=int, nargs="+", default=[3000, 100_000])
    p.add_argument("--sans-cli", action="store_true")
    args = p.parse_args()
    for taille in args.tailles:
        print(f"\n### {taille} logements\n\n| étape | mesure |\n|---|---|")
        for etape, valeur in mesurer(taille, not args.sans_cli):
            print(f"| {etape} | {valeur} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
