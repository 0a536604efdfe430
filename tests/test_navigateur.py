"""Real-browser tests (Debian chromium + playwright): the main journey and two isolated sessions.

Run with ``pytest -m navigateur``. When chromium is missing the tests skip locally, but FAIL when the ``CI``
environment variable is set (the CI image must have it). Never ``playwright install``: it downloads a browser.
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from flux_dash.ui import controles as ctl
from tests.ui_outils import (
    ARGUMENTS_CHROMIUM,
    CHROMIUM,
    RACINE,
    attendre_calme,
    capturer,
    serveur_streamlit,
    tables_en_fichiers,
)

pytestmark = pytest.mark.navigateur

ARTEFACTS = RACINE / "tests" / "artefacts"
CLASSEUR_DEMO = RACINE / "sample_data" / "flux_demo_2024.xlsx"
DELAI_MS = 60_000
ANALYSES = ("stPlotlyChart", "stDataFrame")
PAGES = [
    # (sidebar link, title, key content that must be rendered: data-testid values, sidebar filters shown)
    ("Contrôles", "Contrôles", ("stMetric", "stDataFrame"), False),
    ("Vue d'ensemble", "Vue d'ensemble", ("stMetric", "stPlotlyChart"), True),
    ("Réservataires", "Réservataires", ANALYSES, True),
    ("Territoires", "Territoires", ANALYSES, True),
    ("QPV", "QPV", ANALYSES, True),
    ("Soustraits et prévisionnel", "Soustraits", ANALYSES, True),
    ("Rapports", "Rapports", ("stDownloadButton",), False),
    ("Accueil", "Gestion en flux", ("stMetric",), False),
]


ANGLAIS = (
    # Streamlit's own widgets (streamlit#13500) and plotly's toolbar: each must reach the screen in French
    "Upload",
    "Browse files",
    "Drag and drop",
    "per file",
    "Select all",
    "Clear all",
    "Selected value",
    "Choose an option",
    "Choose options",
    "No results",
    "Download plot",
    "Download as CSV",
    "Zoom",
    "Pan",
    "Autoscale",
    "Reset axes",
    "Fullscreen",
    "Show/hide columns",
    "Search",
    "Help for",
    "Open",
    "Close",
    "Collapse sidebar",
    "Expand sidebar",
    "Sidebar",
    "Skip to main content",
    "Link to heading",
    "file upload",
    "icon",
    "Remove",
    "Running",
)
"""English UI strings that must appear nowhere: not in the rendered text, not in an accessibility label."""
MOTIF_ANGLAIS = r"\b(?:" + "|".join(re.escape(m) for m in ANGLAIS) + r")\b|\d(?:KB|MB)\b"
_COLLECTER_ANGLAIS = """(source) => {
  const motif = new RegExp(source);
  const cache = (el) => el.closest('[aria-hidden="true"], script, style');
  const trouves = [];
  if (document.documentElement.lang !== 'fr') trouves.push('<html lang="' + document.documentElement.lang + '">');
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    if (n.nodeType === 3) {
      if (n.parentElement && !cache(n.parentElement) && motif.test(n.nodeValue)) trouves.push(n.nodeValue.trim());
    } else if (!cache(n)) {
      for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'data-title']) {
        const v = n.getAttribute(a);
        if (v && motif.test(v)) trouves.push(a + '=' + v);
      }
    }
  }
  return trouves;
}"""


LARGEUR_CONTROLES_APRES_CONSEIL = ctl.LARGEURS["valeur"] + ctl.LARGEURS["regle"]
"""Contrôles' detail table: the widths of its columns after « Conseil »."""
DEBORDEMENT_PERMIS = {
    # page → (index of the main table in the page, pixels it may overflow: the columns after the ones read first)
    "Contrôles": (1, LARGEUR_CONTROLES_APRES_CONSEIL),
    "Territoires": (0, 0),  # the table beside the map: name and the three mapped figures
}


def _premieres_colonnes_visibles(page, nom: str) -> None:
    """The columns read first of the page's main table are on screen without scrolling sideways: the grid overflows
    by no more than the width of the columns after them."""
    if nom not in DEBORDEMENT_PERMIS:
        return
    index, permis = DEBORDEMENT_PERMIS[nom]
    grille = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').nth(index).locator(".dvn-scroller")
    largeurs = grille.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert largeurs[0] - largeurs[1] <= permis, f"{nom} : tableau plus large de {largeurs[0] - largeurs[1]} px"


def _sans_anglais(page, nom: str) -> None:
    """No English UI string in the page's text nor in its accessibility labels (aria-hidden icons aside)."""
    trouves = page.evaluate(_COLLECTER_ANGLAIS, MOTIF_ANGLAIS)
    assert not trouves, f"anglais sur {nom} : {sorted(set(trouves))}"


def _exiger_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"chromium absent ({CHROMIUM}) : apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def serveur():
    _exiger_chromium()
    try:
        with serveur_streamlit(ARTEFACTS / "streamlit.log") as url:
            yield url
    except RuntimeError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def navigateur(serveur):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGUMENTS_CHROMIUM, headless=True)
        yield b
        b.close()


def _attendre_contenu(page, nom: str, contenus: tuple[str, ...], filtres: bool) -> None:
    """Wait for, then assert, the key content of a page (not just its title): an empty body must fail."""
    principal = page.locator('[data-testid="stMain"]')
    for testid in contenus:
        principal.locator(f'[data-testid="{testid}"]').first.wait_for(state="attached", timeout=DELAI_MS)
    attendre_calme(page)
    for testid in contenus:
        assert principal.locator(f'[data-testid="{testid}"]').count() > 0, f"{testid} absent de {nom}"
    graphiques = principal.locator('[data-testid="stPlotlyChart"]')
    for i in range(graphiques.count()):
        if graphiques.nth(i).is_visible():  # charts in hidden tabs are drawn when their tab opens
            traces = graphiques.nth(i).locator(".main-svg g.trace path, .main-svg g.trace .point")
            assert traces.count() > 0, f"graphique {i + 1} vide sur {nom}"
    expandeur = page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]', has_text="Filtres")
    assert (expandeur.count() > 0) == filtres, (
        f"filtres de la barre latérale {'absents' if filtres else 'affichés'} sur {nom}"
    )


def _televerser(page, fichiers: list[Path]) -> None:
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files([str(f) for f in fichiers])
    page.get_by_text("Données chargées", exact=True).last.wait_for(timeout=DELAI_MS)
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=DELAI_MS)
    attendre_calme(page)


def _metrique(page, libelle: str) -> str:
    bloc = page.locator('[data-testid="stMetric"]', has_text=libelle).first
    return bloc.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _aller(page, libelle: str) -> None:
    page.locator('[data-testid="stSidebar"] a', has_text=libelle).first.click()
    page.wait_for_timeout(300)  # let the new run start before waiting for it to end
    attendre_calme(page)


def _sans_exception(page, nom: str) -> None:
    capturer(page, ARTEFACTS / f"{nom}.png")
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception affichée sur {nom}"


def test_parcours_complet(navigateur, serveur, tmp_path):
    contexte = navigateur.new_context(accept_downloads=True, viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = contexte.new_page()
    debut = time.monotonic()
    page.goto(serveur)
    page.get_by_text("Déposez votre classeur").wait_for(timeout=DELAI_MS)
    attendre_calme(page)
    _sans_anglais(page, "accueil vide")
    _televerser(page, [CLASSEUR_DEMO])
    assert _metrique(page, "Logements") == "3\u202f000"
    _sans_exception(page, "01_accueil")
    _sans_anglais(page, "accueil")  # the uploaded file's size included
    durees = {"chargement": time.monotonic() - debut}

    for i, (lien, titre, contenus, filtres) in enumerate(PAGES, start=2):
        t = time.monotonic()
        _aller(page, lien)
        page.locator("h1", has_text=titre).first.wait_for(timeout=DELAI_MS)
        _attendre_contenu(page, lien, contenus, filtres)
        durees[lien] = time.monotonic() - t
        _sans_exception(page, f"{i:02d}_{lien}")
        _sans_anglais(page, lien)
        _premieres_colonnes_visibles(page, lien)
        if filtres and lien == "Réservataires":  # a multiselect's open list (« Select all »)
            page.locator('[data-testid="stSidebar"] summary', has_text="Filtres").first.click()
            liste = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
            liste.locator("input").first.click()
            # Streamlit 1.67 made the multiselect a combobox that a click only focuses: ArrowDown opens its list
            # (and, on the older list, just moves its highlight).
            page.keyboard.press("ArrowDown")
            page.get_by_role("option").first.wait_for(timeout=DELAI_MS)
            _sans_anglais(page, f"{lien}, liste d'un filtre ouverte")
            page.keyboard.press("Escape")
        assert page.get_by_text("Aucune donnée n'est chargée").count() == 0, f"données perdues sur {lien}"

    _aller(page, "Rapports")
    with page.expect_download(timeout=DELAI_MS) as dl:
        page.get_by_role("button", name="Télécharger indicateurs_2024.csv").click()
    texte = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes[0] == [  # v1.1 (issue 8, item 1): the landlord and the holder's category on every row
        "annee",
        "bailleur",
        "perimetre_type",
        "perimetre_code",
        "perimetre_libelle",
        "categorie",
        "reservataire",
        "dimension",
        "modalite",
        "indicateur",
        "valeur",
    ]
    assert len(lignes) > 100

    page.locator('[data-testid="stExpander"] summary').filter(has_text="Bilans réservataires").first.click()
    bouton = (
        page.locator('[data-testid="stExpander"]', has_text="Bilans réservataires")
        .locator('[data-testid="stDownloadButton"] button')
        .first
    )
    with page.expect_download(timeout=DELAI_MS) as dl:
        bouton.click()
    assert dl.value.suggested_filename.startswith("bilan_2024_reservataire_")
    wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert len(wb.sheetnames) >= 2

    page.get_by_role("button", name="Préparer l'archive de tous les rapports").click()
    zip_bouton = page.get_by_role("button", name="Télécharger flux_2024")
    zip_bouton.wait_for(timeout=120_000)
    with page.expect_download(timeout=DELAI_MS) as dl:
        zip_bouton.click()
    noms = zipfile.ZipFile(dl.value.path()).namelist()
    assert "indicateurs_2024.csv" in noms and any(n.startswith("reservataires/") for n in noms)
    _sans_exception(page, "10_rapports_zip")
    (ARTEFACTS / "durees_navigateur.txt").write_text(
        "\n".join(f"{k}: {v:.2f} s" for k, v in durees.items()) + "\n", encoding="utf-8"
    )
    contexte.close()


def test_deux_sessions_isolees(navigateur, serveur, tmp_path):
    from flux_dash.demo import generer_demo

    petits = []
    for nom, octets in tables_en_fichiers(generer_demo(nb_logements=300, graine=7)):
        chemin = tmp_path / nom
        chemin.write_bytes(octets)
        petits.append(chemin)
    a = navigateur.new_context()
    b = navigateur.new_context()
    page_a, page_b = a.new_page(), b.new_page()
    page_a.goto(serveur)
    page_b.goto(serveur)
    for p in (page_a, page_b):
        p.get_by_text("Déposez votre classeur").wait_for(timeout=DELAI_MS)
    page_a.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files([str(CLASSEUR_DEMO)])
    page_b.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files([str(f) for f in petits])
    for p in (page_a, page_b):
        p.locator('[data-testid="stMetric"]').first.wait_for(timeout=DELAI_MS)
        attendre_calme(p)
    assert _metrique(page_a, "Logements") == "3\u202f000"
    assert _metrique(page_b, "Logements") == "300"
    _aller(page_a, "Contrôles")
    page_b.reload()  # a reload starts a new, empty session
    page_b.get_by_text("Déposez votre classeur").wait_for(timeout=DELAI_MS)
    assert page_b.locator('[data-testid="stMetric"]').count() == 0
    assert page_a.locator("h1", has_text="Contrôles").count() == 1
    a.close()
    b.close()


# --- The receiving side (issue 9): the demo landlords' files dropped through the uploader ------------------------


def test_parcours_de_reception(navigateur, tmp_path, monkeypatch):
    """A receiver's journey in its own server (its campaign store in the test's folder): drop the demo landlords'
    files through the uploader, see the coverage, open a territory, download its consolidated workbook and open it."""
    from flux_dash.demo.territoire import ecrire_territoire

    fichiers = [p for p in ecrire_territoire(tmp_path / "recus") if p.suffix in (".zip", ".csv", ".xlsx")]
    fichiers = [p for p in fichiers if p.name != "attendus.csv"]
    monkeypatch.setenv("FLUX_DASH_BASE", str(tmp_path / "campagnes.duckdb"))
    with serveur_streamlit(ARTEFACTS / "streamlit_reception.log") as url:
        contexte = navigateur.new_context(
            accept_downloads=True, viewport={"width": 1280, "height": 800}, locale="fr-FR"
        )
        page = contexte.new_page()
        page.goto(url)
        page.get_by_role("button", name="Je reçois des bilans (EPCI/EPT, État)").click()
        page.get_by_role("button", name="Utiliser ma base de campagne").click()
        page.get_by_text("La base ne contient encore aucun bilan").first.wait_for(timeout=DELAI_MS)
        attendre_calme(page)
        _aller(page, "Réception")
        page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(
            [str(f) for f in fichiers]
        )
        page.get_by_text("un fichier par ligne ci-dessous").first.wait_for(timeout=DELAI_MS * 3)
        page.locator('[data-testid="stMetric"]', has_text="Manquants").first.wait_for(timeout=DELAI_MS)
        attendre_calme(page)
        assert page.locator('[data-testid="stMetric"]', has_text="Bilans reçus sur le territoire").count() == 1
        _sans_exception(page, "territoire_reception")
        _sans_anglais(page, "Réception")

        _aller(page, "Synthèse du territoire")
        page.locator("h1", has_text="Synthèse du territoire").first.wait_for(timeout=DELAI_MS)
        _attendre_contenu(page, "Synthèse du territoire", ("stMetric", "stPlotlyChart", "stDataFrame"), False)
        assert "Est Ensemble, bilans 2024" in page.locator('[data-testid="stMain"]').inner_text()
        _sans_exception(page, "territoire_synthese")
        _sans_anglais(page, "Synthèse du territoire")

        _aller(page, "Rapports du territoire")
        page.get_by_role("button", name="Préparer les fichiers du territoire").click()
        bouton = page.get_by_role("button", name="Télécharger consolidation_2024_est-ensemble.xlsx")
        bouton.wait_for(timeout=DELAI_MS)
        attendre_calme(page)
        _sans_exception(page, "territoire_rapports")
        with page.expect_download(timeout=DELAI_MS) as telechargement:
            bouton.click()
        chemin = tmp_path / telechargement.value.suggested_filename
        telechargement.value.save_as(chemin)
        classeur = load_workbook(chemin, read_only=True)
        assert {"Couverture", "Synthèse", "Données"} <= set(classeur.sheetnames)
        contexte.close()
