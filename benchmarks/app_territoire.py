"""Time of each receiving page on the demo campaign (issue 9: « each page interactive in ≤ 1 s »), with AppTest.

    PYTHONPATH=. python benchmarks/app_territoire.py

One session loads the multi-landlord demo (its files are built first, outside the timing), then opens each page
twice: the first visit (the consolidation of the territory computed if not yet in the session's cache) and a rerun
(median of 3). Prints one line per page, in seconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from streamlit.testing.v1 import AppTest  # noqa: E402

from flux_dash.ui.navigation import COTE_TERRITOIRE, MENUS  # noqa: E402
from flux_dash.ui.territoire.demo import fichiers_demo  # noqa: E402


def main() -> None:
    t = time.perf_counter()
    fichiers_demo()
    print(f"fichiers de la démo (une fois par serveur) : {time.perf_counter() - t:.1f} s")
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=300).run()
    t = time.perf_counter()
    next(b for b in at.button if b.label.startswith("Essayer avec la démo")).click().run()
    print(f"clic « démo » (lecture des fichiers, base en mémoire) : {time.perf_counter() - t:.2f} s")
    for page in MENUS[COTE_TERRITOIRE][1:]:
        at.switch_page(page.chemin)
        t = time.perf_counter()
        at.run()
        premiere = time.perf_counter() - t
        reprises = []
        for _ in range(3):
            t = time.perf_counter()
            at.run()
            reprises.append(time.perf_counter() - t)
        erreur = " (exception !)" if at.exception else ""
        print(
            f"{page.libelle:<26} première visite {premiere:5.2f} s · rerun {statistics.median(reprises):5.2f} s{erreur}"
        )


if __name__ == "__main__":
    main()
