"""Where the time of ``flux-dash bilan --zip`` goes: a pyinstrument profile of the whole command on a benchmark set.

Usage (from the repository root; ``make profil ARGS="--taille 300000"``) ::

    python -m benchmarks.profil [--taille 300000] [--jeu regional|demo] [--format csv|xlsx] [--profondeur 0.01]

The set is :func:`benchmarks.jeu.preparer`'s (generated once, cached). The command runs in this process, as
``python -m flux_dash bilan … --zip`` runs it (:func:`flux_dash.cli.main`), under pyinstrument. Printed: the
call tree (frames under ``--profondeur`` of the total hidden), then the functions by own time (flat), with the
load average before and after and the CPU time (on a shared machine the wall time is inflated by the others'
work; the CPU time and the shares are what to compare). Written: ``benchmarks/profils/{jeu}_{taille}_{format}``
``.html`` (the interactive tree) and ``.txt`` (what was printed); the folder is ignored by git.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import jeu

DOSSIER = Path(__file__).resolve().parent / "profils"


def profiler(fichiers: list[Path], annee: int, bailleur: str, arguments: list[str] | None = None):
    """The pyinstrument session of one ``flux-dash bilan --zip`` (its exit code must be 0)."""
    from pyinstrument import Profiler

    from flux_dash import cli

    with tempfile.TemporaryDirectory(prefix="flux_dash_profil_") as dossier:
        commande = ["bilan", *map(str, fichiers), "--annee", str(annee), "--sortie", dossier, "--zip"]
        commande += ["--bailleur", bailleur, *(arguments or [])]
        profileur = Profiler(interval=0.002)
        with profileur:
            code = cli.main(commande)
    if code != 0:
        raise RuntimeError(f"flux-dash bilan a échoué (code {code})")
    return profileur.last_session


def main(arguments: list[str] | None = None) -> int:
    from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer

    p = argparse.ArgumentParser(description="Profil de flux-dash bilan --zip sur un jeu de mesure.")
    p.add_argument("--taille", type=int, default=300_000, help="logements du jeu (défaut 300000)")
    p.add_argument("--jeu", choices=sorted(jeu.GENRES), default="regional", help="jeu régional (défaut) ou démo")
    p.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="fichiers d'entrée (défaut csv)")
    p.add_argument("--annee", type=int, default=jeu.ANNEE)
    p.add_argument(
        "--profondeur", type=float, default=0.01, help="part du total sous laquelle un appel est masqué (défaut 0,01)"
    )
    p.add_argument("--sortie", type=Path, default=DOSSIER, help=f"dossier des profils (défaut {DOSSIER.name}/)")
    args, reste = p.parse_known_args(arguments)  # the rest goes to flux-dash bilan (--processus 1, --lec …)
    j = jeu.preparer(args.taille, args.jeu, journal=lambda m: print(m, flush=True))
    if args.format not in j.fichiers:
        p.error(f"pas de classeur pour {args.taille} logements (trop de lignes pour Excel) : --format csv")
    charge = os.getloadavg()[0]
    debut_cpu = time.process_time()
    session = profiler(j.fichiers[args.format], args.annee, "Bailleur de mesure", reste)
    cpu = time.process_time() - debut_cpu
    entete = (
        f"Profil de flux-dash bilan --zip {' '.join(reste)}: jeu {jeu.GENRES[args.jeu]} {args.taille} logements "
        f"({args.format}), {os.cpu_count()} cœurs, charge {charge:.1f} → {os.getloadavg()[0]:.1f}, "
        f"{session.duration:.1f} s, CPU de ce processus {cpu:.1f} s.\n"
    )
    options = {"filter_threshold": args.profondeur}
    arbre = ConsoleRenderer(unicode=True, color=False, processor_options=options).render(session)
    plat = ConsoleRenderer(unicode=True, color=False, flat=True, show_all=True).render(session)
    texte = entete + "\n" + arbre + "\nFonctions par temps propre :\n" + "\n".join(plat.splitlines()[:60]) + "\n"
    args.sortie.mkdir(parents=True, exist_ok=True)
    base = args.sortie / f"{args.jeu}_{args.taille}_{args.format}"
    base.with_suffix(".txt").write_text(texte, encoding="utf-8")
    base.with_suffix(".html").write_text(HTMLRenderer().render(session), encoding="utf-8")
    print(texte)
    print(f"Profils écrits : {base}.txt et {base}.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
