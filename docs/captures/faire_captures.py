"""Regenerate the README screenshots of the dashboard (PNG, 1280×800) from the demo data.

Run from the repository root: ``.venv/bin/python docs/captures/faire_captures.py``. It starts
``streamlit run app.py`` on a free 127.0.0.1 port, drives Debian's chromium (``/usr/bin/chromium``, the flags of
``tests/test_navigateur.py``; never ``playwright install``) through the home page (demo loaded), Réservataires,
Territoires and Rapports, and writes the PNG files beside this script. About 30 s.
"""

from __future__ import annotations

import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(RACINE))

from tests.ui_outils import ARGUMENTS_CHROMIUM, CHROMIUM, attendre_calme, serveur_streamlit  # noqa: E402

DOSSIER = Path(__file__).resolve().parent
TAILLE = {"width": 1280, "height": 800}  # the narrowest screen the pages are laid out for (issue 13)
DELAI_MS = 60_000


def _aller(page, libelle: str, contenu: str) -> None:
    """Open a page from the sidebar menu and wait until its key content (a data-testid) is drawn."""
    page.locator('[data-testid="stSidebar"] a', has_text=libelle).first.click()
    page.wait_for_timeout(300)
    page.locator(f'[data-testid="stMain"] [data-testid="{contenu}"]').first.wait_for(state="attached", timeout=DELAI_MS)
    attendre_calme(page, DELAI_MS)


def _capturer(page, nom: str, defilement: int = 0) -> Path:
    """Screenshot of the window, after scrolling the main column by ``defilement`` pixels."""
    page.mouse.move(5, 790)  # away from the charts: no plotly toolbar or hover label in the picture
    page.evaluate(f"() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, {defilement})")
    page.wait_for_timeout(500)
    chemin = DOSSIER / nom
    page.screenshot(path=str(chemin))
    return chemin


def faire_captures() -> list[Path]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"chromium absent ({CHROMIUM}) : apt-get install -y chromium")
    ecrits = []
    with serveur_streamlit(DOSSIER / "streamlit.log") as url, sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTS_CHROMIUM, headless=True)
        page = navigateur.new_page(viewport=TAILLE, locale="fr-FR")
        page.goto(url)
        page.get_by_role("button", name="Charger les données d'exemple").click()
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=DELAI_MS)
        attendre_calme(page, DELAI_MS)
        page.get_by_label("Nom du bailleur (imprimé sur les rapports)").fill("Habitat Démo")
        page.keyboard.press("Enter")
        attendre_calme(page, DELAI_MS)
        ecrits.append(_capturer(page, "accueil.png"))

        _aller(page, "Réservataires", "stPlotlyChart")
        page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="Action Logement Services", exact=True).click()
        attendre_calme(page, DELAI_MS)
        ecrits.append(_capturer(page, "reservataires.png", 90))

        _aller(page, "Territoires", "stPlotlyChart")
        page.locator(
            '[data-testid="stMain"] [data-testid="stRadio"] label', has_text="EPCI / EPT"
        ).first.click()  # the map by EPCI / EPT reads best
        attendre_calme(page, DELAI_MS)
        ecrits.append(_capturer(page, "territoires.png", 80))

        _aller(page, "Rapports", "stDownloadButton")
        page.locator('[data-testid="stExpander"] summary', has_text="Bilans réservataires").first.click()
        attendre_calme(page, DELAI_MS)
        ecrits.append(_capturer(page, "rapports.png", 90))
        navigateur.close()
    (DOSSIER / "streamlit.log").unlink(missing_ok=True)
    return ecrits


if __name__ == "__main__":
    for chemin in faire_captures():
        print(f"{chemin.relative_to(RACINE)} : {chemin.stat().st_size // 1024} Ko")
