"""Shared pytest configuration: the ``--update-golden`` option and paths to the committed sample data."""

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
