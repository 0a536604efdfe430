"""Worst cases of the reader (issue 12, row 2): time and peak memory of ``validation.charger`` on decompression
bombs and on the largest honest input the limits allow (never a timed unit test).

Usage: ``python benchmarks/bombes.py [--cas bombe espaces …] [--dossier /tmp/bombes]``

Each case is built once by :mod:`tests.hostile_fabrique` (kept in ``--dossier``: the 1 Gio bomb takes about
15 s to build), then read in a fresh process, which reports the wall time of ``charger`` (imports excluded) and its peak memory
(``ru_maxrss``): the same script measures any version of the reader (run it from two checkouts with
``PYTHONPATH`` to compare). Results are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

CAS = {
    "bombe": ("bombe de cellules : 1 048 000 lignes × 70 cellules (≈ 1 Gio de XML)", "bombe_cellules", {}),
    "bombe_100k": (
        "bombe de cellules réduite : 100 000 lignes × 70 cellules (≈ 100 Mio de XML)",
        "bombe_cellules",
        {"lignes": 100_000},
    ),
    "espaces": ("bombe d'espaces : 1 300 Mio d'espaces dans une feuille", "bombe_espaces", {}),
    "espaces_200": ("bombe d'espaces réduite : 200 Mio d'espaces", "bombe_espaces", {"mio": 200}),
}

_ENFANT = """
import resource, sys, time, json
from flux_dash import validation
debut = time.perf_counter()
rapport = validation.charger([(sys.argv[1].rsplit("/", 1)[-1], open(sys.argv[1], "rb").read())], 2024)
duree = time.perf_counter() - debut
premier = rapport.erreurs[0] if rapport.erreurs else None
print(json.dumps({"s": duree, "pic_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "message": premier.regle if premier else ""}))
"""


def construire(cas: str, dossier: Path) -> Path:
    chemin = dossier / f"{cas}.xlsx"
    if not chemin.exists():
        from tests import hostile_fabrique

        _, fonction, arguments = CAS[cas]
        chemin.write_bytes(getattr(hostile_fabrique, fonction)(**arguments))
    return chemin


def mesurer(chemin: Path, delai: float) -> dict:
    debut = time.perf_counter()
    try:
        sortie = subprocess.run(
            [sys.executable, "-c", _ENFANT, str(chemin)], capture_output=True, text=True, timeout=delai, check=True
        )
    except subprocess.TimeoutExpired:
        return {"s": time.perf_counter() - debut, "pic_mo": float("nan"), "message": f"arrêté après {delai:.0f} s"}
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def main() -> None:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    analyseur.add_argument("--cas", nargs="+", default=list(CAS), choices=list(CAS))
    analyseur.add_argument("--dossier", type=Path, default=Path("/tmp/flux_dash_bombes"))
    analyseur.add_argument("--delai", type=float, default=600.0, help="secondes avant d'arrêter une lecture")
    args = analyseur.parse_args()
    args.dossier.mkdir(parents=True, exist_ok=True)
    print("| cas | fichier | durée (s) | pic mémoire (Mo) | premier message |")
    print("|---|---:|---:|---:|---|")
    for cas in args.cas:
        chemin = construire(cas, args.dossier)
        r = mesurer(chemin, args.delai)
        taille = chemin.stat().st_size / 1e6
        print(f"| {CAS[cas][0]} | {taille:.1f} Mo | {r['s']:.2f} | {r['pic_mo']:.0f} | {r['message'][:90]} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
