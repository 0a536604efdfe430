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
