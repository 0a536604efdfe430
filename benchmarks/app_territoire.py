"""Time of each receiving page on the demo campaign (issue 9: « each page interactive in ≤ 1 s »; issue 11: the
demo's click), with AppTest.

    PYTHONPATH=. python benchmarks/app_territoire.py

First :func:`flux_dash.consolidation.lire_envois` alone on the demo's files (CPU, median of 3). Then the demo is
clicked twice — the server's first click (its files read), then another session's — and the second session opens
each page twice: the first visit (the consolidation of the territory computed if not yet in the session's cache)
and a rerun (median of 3); then the Réception page on three other territories and on the other year (a
consolidation not precomputed), then the list of expected landlords changed and saved. Prints one line per
measure, in seconds (wall, and CPU: the machine may be loaded).
``--comparer``: first the same journey with :func:`flux_dash.ui.territoire.session.precalculer` switched off (the
consolidation computed at the first visit of a page), in the same run.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from streamlit.testing.v1 import AppTest  # noqa: E402

from flux_dash.consolidation import lire_envois  # noqa: E402
from flux_dash.ui.navigation import COTE_TERRITOIRE, MENUS  # noqa: E402
from flux_dash.ui.territoire.demo import fichiers_demo  # noqa: E402

try:  # the server's cache of the read demo (absent before it: the same command measures an older commit)
    from flux_dash.ui.territoire.demo import _receptions_demo
except ImportError:  # pragma: no cover
    _receptions_demo = None


def _chrono(fonction) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fonction()`` (AppTest runs the script in this process: its CPU is counted)."""
    t, c = time.perf_counter(), time.process_time()
    fonction()
    return time.perf_counter() - t, time.process_time() - c


def _cliquer_demo() -> tuple[AppTest, float, float]:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=300).run()
    mur, cpu = _chrono(next(b for b in at.button if b.label.startswith("Essayer avec la démo")).click().run)
    return at, mur, cpu


def mesurer() -> None:
    if _receptions_demo is not None:
        _receptions_demo.clear()  # the server's first click reads the demo's files
    mur, cpu = _cliquer_demo()[1:]
    print(
        f"clic « démo », premier du serveur (lecture, base en mémoire, consolidation) : {mur:.2f} s (CPU {cpu:.2f} s)"
    )
    at, mur, cpu = _cliquer_demo()
    print(f"clic « démo », une autre session (fichiers déjà lus par le serveur) : {mur:.2f} s (CPU {cpu:.2f} s)")
    for page in MENUS[COTE_TERRITOIRE][1:]:
        at.switch_page(page.chemin)
        premiere, cpu = _chrono(at.run)
        reprises = [_chrono(at.run)[0] for _ in range(3)]
        erreur = " (exception !)" if at.exception else ""
        print(
            f"{page.libelle:<26} première visite {premiere:5.2f} s (CPU {cpu:5.2f} s) · "
            f"rerun {statistics.median(reprises):5.2f} s{erreur}"
        )
    at.switch_page(MENUS[COTE_TERRITOIRE][1].chemin).run()  # Réception: coverage of the territory chosen
    annee, territoire = at.sidebar.selectbox
    for autre in territoire.options[1:4]:
        mur, cpu = _chrono(at.sidebar.selectbox[1].select_index(territoire.options.index(autre)).run)
        print(f"Réception, autre territoire ({autre[:40]}) : {mur:.2f} s (CPU {cpu:.2f} s)")
    mur, cpu = _chrono(at.sidebar.selectbox[0].select_index(0).run)
    print(f"Réception, autre année ({annee.options[0]}) : {mur:.2f} s (CPU {cpu:.2f} s)")
    liste = at.text_area[0]
    liste.input(liste.value + "\nBailleur ajouté à la liste")
    enregistrer = next(b for b in at.button if b.label == "Enregistrer la liste dans la base")
    mur, cpu = _chrono(enregistrer.click().run)
    print(f"Réception, liste des attendus enregistrée : {mur:.2f} s (CPU {cpu:.2f} s)")


def main() -> None:
    t = time.perf_counter()
    fichiers_demo()
    print(f"fichiers de la démo (une fois par serveur) : {time.perf_counter() - t:.1f} s")
    fichiers = fichiers_demo()
    lire_envois(fichiers[:1])  # warm-up: imports
    cpu = statistics.median(_chrono(lambda: lire_envois(fichiers))[1] for _ in range(3))
    print(f"lire_envois des {len(fichiers)} fichiers de la démo (bibliothèque, médiane de 3) : CPU {cpu:.2f} s")
    if "--comparer" in sys.argv:
        from flux_dash.ui.territoire import session

        precalculer = session.precalculer
        session.precalculer = lambda b: None
        print("— sans précalcul (consolidation calculée à la première visite) —")
        mesurer()
        session.precalculer = precalculer
        print("— avec précalcul (consolidation calculée au chargement de la démo) —")
    mesurer()


if __name__ == "__main__":
    main()
