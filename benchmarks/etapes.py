"""One ``flux-dash bilan --zip``, stage by stage, in a fresh process: ``python -m benchmarks.etapes``.

The stages are those of :func:`flux_dash.cli.commande_bilan`, called the same way through the library's public
API: imports, reading (:func:`flux_dash.lecture.lire`), validation (:func:`flux_dash.validation.valider`, then the year's checks :func:`~flux_dash.validation.pour_annee`), the
bilan (:func:`flux_dash.calculs.calculer_bilan`), ``indicateurs_{n}.csv``, each trame of
:data:`flux_dash.rapports.GENRES` (its ``lister`` then every ``construire()``), the ZIP
(:func:`flux_dash.rapports.archiver`) and writing the files to a temporary folder (fictional data only).

For each stage: seconds (wall clock), CPU seconds (all threads of the process), the process's peak resident memory during the stage (Linux: the peak
is reset through ``/proc/self/clear_refs`` before the stage, then read from ``VmHWM``), and a count (files,
bytes). Prints one JSON object on stdout. A run in a separate process per measure keeps the caches and the
memory of one measure out of the next, as for a user's command.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

DEBUT = time.perf_counter()
_VMHWM = re.compile(r"VmHWM:\s+(\d+)\s+kB")


def pic_memoire_mo() -> float:
    """Peak resident memory of this process since the last reset, in MB (Linux; NaN elsewhere)."""
    try:
        return int(_VMHWM.search(Path("/proc/self/status").read_text()).group(1)) / 1024
    except (OSError, AttributeError):
        return float("nan")


def remettre_pic_a_zero() -> None:
    with contextlib.suppress(OSError):  # not Linux: the peaks are those of the whole process
        Path("/proc/self/clear_refs").write_text("5")


class Chrono:
    """Collects stages: ``with chrono.etape("lecture"): …``; ``autour(nom)``, when given, is a context manager
    entered inside each stage (the profiler of :mod:`benchmarks.profil`)."""

    def __init__(self, autour: Callable[[str], AbstractContextManager] | None = None) -> None:
        self.etapes: list[dict] = []
        self.autour = autour

    def etape(self, nom: str) -> _Etape:
        return _Etape(self, nom)

    def noter(self, **valeurs: object) -> None:
        """Counts attached to the last stage (files, bytes, problems)."""
        self.etapes[-1] |= valeurs


class _Etape:
    def __init__(self, chrono: Chrono, nom: str) -> None:
        self.chrono, self.nom = chrono, nom

    def __enter__(self) -> _Etape:
        remettre_pic_a_zero()
        self.interne = self.chrono.autour(self.nom) if self.chrono.autour else contextlib.nullcontext()
        self.debut, self.cpu = time.perf_counter(), time.process_time()
        self.interne.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.interne.__exit__(*exc)
        duree, cpu = time.perf_counter() - self.debut, time.process_time() - self.cpu
        self.chrono.etapes.append({"etape": self.nom, "s": duree, "cpu_s": cpu, "pic_mo": pic_memoire_mo()})


def mesurer(
    fichiers: list[Path],
    annee: int,
    bailleur: str = "Bailleur de mesure",
    autour: Callable[[str], AbstractContextManager] | None = None,
) -> dict:
    chrono = Chrono(autour)
    with chrono.etape("imports"):
        from flux_dash import calculs, indicateurs_csv, lecture, rapports, validation

    with chrono.etape("lecture"):
        donnees = lecture.lire(fichiers)
    with chrono.etape("validation"):
        rapport = validation.valider(donnees)
    with chrono.etape("controles_annee"):  # what the application redoes, alone, when the user picks another year
        rapport = validation.pour_annee(rapport, annee)
    chrono.noter(erreurs=len(rapport.erreurs), avertissements=len(rapport.avertissements))
    if not rapport.ok:
        return {"etapes": chrono.etapes, "ok": False}
    with chrono.etape("calcul"):
        bilan = calculs.calculer_bilan(rapport.tables, annee)
    fichiers_sortie: dict[str, bytes] = {}
    with chrono.etape("indicateurs_csv"):
        fichiers_sortie[rapports.nom_indicateurs(bilan)] = indicateurs_csv.ecrire_indicateurs_csv(
            bilan, bailleur=bailleur
        )
    options = rapports.OptionsRapports(bailleur=bailleur, fichiers_source=tuple(rapport.fichiers))
    for genre in rapports.GENRES:
        with chrono.etape(f"trame_{genre.code}"):
            prevus = genre.lister(bilan, options)
            contenus = {p.chemin_archive: p.construire() for p in prevus}
        chrono.noter(classeurs=len(prevus), octets=sum(len(c) for c in contenus.values()))
        fichiers_sortie |= contenus
    with chrono.etape("zip"):
        archive = rapports.archiver(fichiers_sortie)
    chrono.noter(octets=len(archive))
    with tempfile.TemporaryDirectory(prefix="flux_dash_mesure_") as dossier, chrono.etape("ecriture"):
        for chemin, contenu in {**fichiers_sortie, rapports.nom_archive(bilan, options): archive}.items():
            cible = Path(dossier) / chemin
            cible.parent.mkdir(parents=True, exist_ok=True)
            cible.write_bytes(contenu)
    return {"etapes": chrono.etapes, "ok": True, "duree_interne_s": time.perf_counter() - DEBUT}


def main(arguments: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Étapes de flux-dash bilan --zip, mesurées une à une.")
    p.add_argument("fichiers", nargs="+", type=Path)
    p.add_argument("--annee", type=int, required=True)
    p.add_argument("--bailleur", default="Bailleur de mesure")
    args = p.parse_args(arguments)
    print(json.dumps(mesurer(args.fichiers, args.annee, args.bailleur)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
