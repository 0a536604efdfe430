"""Shared helpers of the UI tests: loading a data set as the home page does, AppTest set-up, the real browser.

The fixtures built on them (``tables_demo``, ``donnees_demo``, ``donnees_cassees``) are in tests/conftest.py.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from flux_dash.filtres import Filtres
from flux_dash.problemes import RapportValidation
from flux_dash.ui import etat

RACINE = Path(__file__).resolve().parent.parent
DELAI = 60


@dataclass
class Donnees:
    """A loaded data set as the home page would store it."""

    fichiers: list[tuple[str, bytes]]
    rapport: RapportValidation
    jeton: str
    annee: int
    bilan: object | None = None


def tables_en_fichiers(tables: dict[str, pd.DataFrame]) -> list[tuple[str, bytes]]:
    from flux_dash.ui.chargement import tables_en_csv

    return tables_en_csv(tables)


def charger(fichiers: list[tuple[str, bytes]], calculer: bool = True) -> Donnees:
    from flux_dash.validation import annee_par_defaut
    from flux_dash.validation import charger as charger_fichiers

    rapport = charger_fichiers(fichiers)
    annee = annee_par_defaut(rapport.tables)
    bilan = None
    if calculer and rapport.ok:
        bilan = etat.calculer(rapport.tables, annee)
    return Donnees(fichiers, rapport, etat.jeton_octets(fichiers), annee, bilan)


def tables_cassees(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The demo with known errors: 3 unknown typologies, 2 communes outside Île-de-France, 1 duplicate id."""
    logements = tables["logements"].copy()
    logements.loc[logements.index[:3], "typologie"] = "T9"
    logements.loc[logements.index[3:5], "code_commune"] = "13055"
    logements.loc[logements.index[6], "id_logement"] = logements.loc[logements.index[5], "id_logement"]
    return {**tables, "logements": logements}


def nouvelle_app(page: str = "app.py") -> AppTest:
    """An AppTest of ``page`` (path relative to the repository root).

    The main script is always app.py (page links are resolved against it), then the test switches to ``page``.
    """
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=DELAI)
    if page != "app.py":
        at.switch_page(page)
    return at


def installer(at: AppTest, donnees: Donnees, noms: list[str] | None = None) -> AppTest:
    """Put ``donnees`` in the AppTest's session as the home page would (bilan pre-cached when computed)."""
    at.session_state[etat.RAPPORT] = donnees.rapport
    at.session_state[etat.FICHIERS] = noms or [n for n, _ in donnees.fichiers]
    at.session_state[etat.JETON] = donnees.jeton
    at.session_state[etat.ANNEE_DEFAUT] = donnees.annee
    cache: OrderedDict = OrderedDict()
    if donnees.bilan is not None:
        cache[etat.cle_bilan(donnees.jeton, donnees.annee, Filtres())] = donnees.bilan
    at.session_state[etat.BILANS] = cache
    return at


# --- Real browser (tests/test_navigateur.py and docs/captures/faire_captures.py) ----------------------------------

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium: never ``playwright install`` (it downloads a browser, which fails here)."""
ARGUMENTS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def port_libre() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serveur_streamlit(journal: Path, delai: float = 60) -> Iterator[str]:
    """``streamlit run app.py`` on a free 127.0.0.1 port; yields its URL once ``/_stcore/health`` says ok.

    Raises RuntimeError when the server does not start within ``delai`` seconds (its output is in ``journal``).
    """
    port = port_libre()
    commande = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    journal.parent.mkdir(parents=True, exist_ok=True)
    with journal.open("wb") as sortie:
        processus = subprocess.Popen(commande, cwd=RACINE, stdout=sortie, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            fin = time.monotonic() + delai
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.read().strip() == b"ok":
                            break
                except OSError:
                    pass
                if processus.poll() is not None or time.monotonic() > fin:
                    raise RuntimeError(f"streamlit n'a pas démarré (voir {journal})")
                time.sleep(0.3)
            yield url
        finally:
            processus.terminate()
            try:
                processus.wait(10)
            except subprocess.TimeoutExpired:
                processus.kill()


def attendre_calme(page, delai_ms: int = 60_000) -> None:
    """Wait until the script run is over and everything it sent is drawn.

    Streamlit 1.67 shows no « Running » widget for short runs: the reliable signal is the ``stApp`` element's
    ``data-test-script-state`` attribute. Skeletons (elements not yet sent) and spinners must be gone, and every
    Plotly chart must have drawn its SVG (the Plotly bundle is loaded lazily, 1–2 s after the run ends).
    """
    page.wait_for_timeout(200)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')) return false;
            return Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
                .every(c => c.querySelector('.main-svg'));
        }""",
        timeout=delai_ms,
    )


def capturer(page, chemin: Path, hauteur: int | None = None) -> None:
    """Screenshot of the page; ``hauteur`` None → the whole main column (Streamlit scrolls inside ``stMain``,
    so ``full_page`` alone shows only the first screen: the viewport is stretched for the shot, then restored)."""
    taille = page.viewport_size
    voulue = hauteur or page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || document.body.scrollHeight"
    )
    page.set_viewport_size({"width": taille["width"], "height": int(voulue)})
    page.wait_for_timeout(400)  # charts re-lay out to the new size
    attendre_calme(page)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(chemin))
    page.set_viewport_size(taille)
