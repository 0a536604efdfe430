"""Time of the Rapports page's ZIP of every trame in the application (issue 11, target: ≤ 15 s at 300 000).

Drives the page with Streamlit's AppTest, data loaded and bilan computed (not measured): clicks « Préparer
l'archive » in a fresh session (every workbook built, as before the session's workbooks were reused), then in a
session where ``--deja`` workbooks were first downloaded one by one (those are reused, not rebuilt). The ZIP is
built in a background thread of the session (never forked): the click returns at once, the time is until the
thread ends, and a rerun of the page while it builds is timed too. Not a test: nothing here asserts a duration.

    PYTHONPATH=$PWD .venv/bin/python -m benchmarks.app_archive --taille 300000
"""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks import jeu

BOUTON = "Préparer l'archive de tous les rapports"


def _session(donnees):
    from tests.ui_outils import installer, nouvelle_app

    at = installer(nouvelle_app("pages/8_Rapports.py"), donnees)
    at.run()
    if at.exception:
        raise RuntimeError(f"exception sur la page : {at.exception[0].message}")
    return at


def _archive(at) -> float:
    from flux_dash.ui import etat

    debut = time.perf_counter()
    next(b for b in at.button if b.label == BOUTON).click().run(timeout=600)
    clic = time.perf_counter() - debut
    travail = at.session_state[etat.ARCHIVE]
    time.sleep(2)
    t = time.perf_counter()
    at.run()
    rerun = time.perf_counter() - t
    travail.attendre()
    duree = time.perf_counter() - debut
    at.run()
    if at.exception or at.error or travail.resultat is None:
        raise RuntimeError("l'archive n'a pas été construite")
    print(f"  clic → page rendue : {clic:.2f} s ; rerun pendant la construction : {rerun:.2f} s "
          f"({travail.texte})", flush=True)  # fmt: skip
    return duree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Temps de l'archive ZIP de la page Rapports (AppTest).")
    parser.add_argument("--taille", type=int, default=300_000, help="logements du jeu régional (défaut 300 000)")
    parser.add_argument("--deja", type=int, default=50, help="classeurs téléchargés un à un avant l'archive")
    args = parser.parse_args(argv)

    from flux_dash.ui import etat
    from flux_dash.ui.telechargements import Classeurs
    from tests.ui_outils import charger

    j = jeu.preparer(args.taille)
    debut = time.perf_counter()
    donnees = charger([(p.name, p.read_bytes()) for p in j.csv.values()])
    print(f"jeu : {j.description['logements']} logements, {j.description['tours']} tours ; "
          f"lecture + validation + bilan : {time.perf_counter() - debut:.1f} s", flush=True)  # fmt: skip

    at = _session(donnees)
    print(f"archive, aucun classeur construit avant : {_archive(at):.1f} s", flush=True)

    at = _session(donnees)
    liste = next(v for _, v in at.session_state[etat.AGREGATS].values() if isinstance(v, Classeurs))
    debut = time.perf_counter()
    for prevu in liste.prevus[: args.deja]:
        prevu.construire()  # what a download button's deferred callable does
    print(f"{args.deja} classeurs téléchargés un à un : {time.perf_counter() - debut:.1f} s", flush=True)
    duree = _archive(at)
    apres = next(v for _, v in at.session_state[etat.AGREGATS].values() if isinstance(v, Classeurs))
    print(f"archive ensuite ({len(liste.prevus)} classeurs, {args.deja} réutilisés) : {duree:.1f} s ; "
          f"même liste : {apres is liste}, classeurs gardés : {len(apres.construits)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
