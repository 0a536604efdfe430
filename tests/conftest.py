"""Shared pytest configuration: the ``--update-golden`` option, paths to the committed sample data, the markers'
rules (external programs), and the fixtures several test modules use.

Fixtures here (pytest finds them by name, no import): ``tables_demo``, ``donnees_demo``, ``donnees_cassees`` (the
demo set and a broken one, loaded once per session, see tests/ui_outils.py), ``petit_bilan`` (the four-logement
bilan of tests/petit_jeu.py). Their helpers stay in plain modules (``tests.ui_outils``, ``tests.petit_jeu``),
imported lazily so that a run of library tests does not load Streamlit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
SAMPLE_DATA = RACINE / "sample_data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="réécrit les instantanés de référence (golden) des classeurs au lieu de les comparer",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def racine() -> Path:
    return RACINE


OUTILS_EXTERNES = {
    "libreoffice": (("soffice", "libreoffice"), "LibreOffice (apt-get install libreoffice-calc-nogui)"),
    "navigateur": (("chromium",), "Chromium (apt-get install chromium)"),
}


LENTS_PAR_NATURE = ("navigateur", "libreoffice")
"""Markers that imply ``lent``: a browser or LibreOffice test starts an external program (seconds each)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``lent`` (skipped by ``make test-rapide``) is added to the tests slow by nature: browser, LibreOffice and
    hypothesis properties (many generated examples); the other slow tests carry ``@pytest.mark.lent`` themselves
    (measured over about 1 s with ``pytest --durations=0``)."""
    for item in items:
        propriete = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        if propriete or any(item.get_closest_marker(m) for m in LENTS_PAR_NATURE):
            item.add_marker(pytest.mark.lent)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests that need an external program: skipped on a developer's machine without it, FAILED in CI
    (``CI`` set), because CI must prove that the workbooks open in LibreOffice and the app works in a browser."""
    import os
    import shutil

    for marque, (programmes, paquet) in OUTILS_EXTERNES.items():
        if item.get_closest_marker(marque) and not any(shutil.which(p) for p in programmes):
            message = f"{paquet} est introuvable : ce test en a besoin"
            if os.environ.get("CI"):
                pytest.fail(message + " (obligatoire en CI)", pytrace=False)
            pytest.skip(message)


@pytest.fixture(autouse=True)
def sorties_sans_formule(monkeypatch: pytest.MonkeyPatch):
    """Every file the product writes during a test — each workbook of :func:`flux_dash.excel.classeur_en_octets`,
    each ZIP of :func:`flux_dash.rapports.archiver`, ``indicateurs_{n}.csv``, the app's CSV downloads, the
    command line's ``erreurs.csv`` / ``valider --csv`` and the consolidation's CSV files — is checked when the test ends: no formula, no text cell
    starting with ``= + - @`` tab or CR left unguarded (FORMAT.md §2.1–§2.2, flux_dash.garde). The product writes
    no formula today: any formula is a failure."""
    from flux_dash import cli, excel, indicateurs_csv, rapports
    from flux_dash.consolidation import sorties as consolidation
    from flux_dash.ui import exports
    from tests.sorties import fichier_non_garde

    produits: list[tuple[str, bytes]] = []

    def enregistrer(nom: str, fonction):
        def enveloppe(*args, **kwargs):
            octets = fonction(*args, **kwargs)
            produits.append((nom, octets))
            return octets

        return enveloppe

    monkeypatch.setattr(excel, "classeur_en_octets", enregistrer("classeur.xlsx", excel.classeur_en_octets))
    monkeypatch.setattr(rapports, "archiver", enregistrer("archive.zip", rapports.archiver))
    monkeypatch.setattr(
        indicateurs_csv,
        "ecrire_indicateurs_csv",
        enregistrer("indicateurs.csv", indicateurs_csv.ecrire_indicateurs_csv),
    )
    monkeypatch.setattr(exports, "tableau_en_csv", enregistrer("tableau.csv", exports.tableau_en_csv))
    for nom in ("ecrire_indicateurs", "ecrire_couverture"):
        monkeypatch.setattr(consolidation, nom, enregistrer(f"{nom}.csv", getattr(consolidation, nom)))
    ecrire_problemes = cli._ecrire_problemes_csv

    def problemes_csv(problemes, chemin):
        ecrire_problemes(problemes, chemin)
        produits.append((f"{Path(chemin).name} (problèmes).csv", Path(chemin).read_bytes()))

    monkeypatch.setattr(cli, "_ecrire_problemes_csv", problemes_csv)
    yield produits
    fautes = [faute for nom, octets in produits for faute in fichier_non_garde(nom, octets)]
    if fautes:
        pytest.fail(f"{len(fautes)} cellule(s) non gardée(s) dans les fichiers produits : {fautes[:10]}", pytrace=False)


# --- Shared fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tables_demo():
    """The demo tables (3 000 logements, seed 2024), generated once per session."""
    from flux_dash.demo import generer_demo

    return generer_demo()


@pytest.fixture(scope="session")
def donnees_demo(tables_demo):
    """The demo set (3 000 logements, year 2024), read, validated and its bilan computed once per session."""
    from tests.ui_outils import charger, tables_en_fichiers

    return charger(tables_en_fichiers(tables_demo))


@pytest.fixture(scope="session")
def donnees_cassees(tables_demo):
    """The committed broken set (``sample_data/casse/``) when present, else the demo with known errors
    (:func:`tests.ui_outils.tables_cassees`); validated, no bilan."""
    from tests.ui_outils import charger, tables_cassees, tables_en_fichiers

    dossier = SAMPLE_DATA / "casse"
    fichiers = sorted(p for p in dossier.glob("*") if p.suffix.lower() in (".csv", ".xlsx")) if dossier.is_dir() else []
    if fichiers:
        classeurs = [p for p in fichiers if p.suffix.lower() == ".xlsx"]
        choisis = classeurs[:1] or [p for p in fichiers if p.suffix.lower() == ".csv"]
        return charger([(p.name, p.read_bytes()) for p in choisis], calculer=False)
    return charger(tables_en_fichiers(tables_cassees(tables_demo)), calculer=False)


@pytest.fixture(scope="module")
def petit_bilan():
    """The bilan of the four-logement set (tests/petit_jeu.py, described in tests/test_rapports.py), year 2024."""
    from flux_dash import validation
    from flux_dash.calculs import calculer_bilan
    from tests.petit_jeu import ANNEE, fichiers_petits

    rapport = validation.charger(fichiers_petits(), ANNEE)
    assert rapport.ok, [str(p) for p in rapport.erreurs]
    return calculer_bilan(rapport.tables, ANNEE)


@pytest.fixture(scope="session")
def fichiers_demo_territoire() -> list[tuple[str, bytes]]:
    """The files of the multi-landlord demo campaign, built once per test process (about 20–45 s) before any
    AppTest clicks the demo button: an AppTest script run is limited to 60 s."""
    from flux_dash.demo.territoire import ANNEES_TERRITOIRE, fichiers_territoire

    return [f for annee in ANNEES_TERRITOIRE for f in fichiers_territoire(annee)]
