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
