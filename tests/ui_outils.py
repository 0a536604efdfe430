"""Shared helpers of the UI tests: the demo data loaded once per test session, and AppTest set-up.

Not a conftest (the lead owns ``tests/conftest.py``): test modules import the fixtures they use, e.g.
``from tests.ui_outils import donnees_demo, nouvelle_app`` (pytest picks imported fixtures up).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
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
        bilan = etat.calculer(rapport.tables, annee, None)
    return Donnees(fichiers, rapport, etat.jeton_octets(fichiers), annee, bilan)


@pytest.fixture(scope="session")
def tables_demo() -> dict[str, pd.DataFrame]:
    from flux_dash.demo import generer_demo

    return generer_demo()


@pytest.fixture(scope="session")
def donnees_demo(tables_demo) -> Donnees:
    """The demo set (3 000 logements, year 2024), read, validated and its bilan computed once per session."""
    return charger(tables_en_fichiers(tables_demo))


def tables_cassees(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The demo with known errors: 3 unknown typologies, 2 communes outside Île-de-France, 1 duplicate id."""
    logements = tables["logements"].copy()
    logements.loc[logements.index[:3], "typologie"] = "T9"
    logements.loc[logements.index[3:5], "code_commune"] = "13055"
    logements.loc[logements.index[6], "id_logement"] = logements.loc[logements.index[5], "id_logement"]
    return {**tables, "logements": logements}


@pytest.fixture(scope="session")
def donnees_cassees(tables_demo) -> Donnees:
    """The committed broken set (``sample_data/casse/``) when present, else :func:`tables_cassees` of the demo."""
    dossier = RACINE / "sample_data" / "casse"
    fichiers = sorted(p for p in dossier.glob("*") if p.suffix.lower() in (".csv", ".xlsx")) if dossier.is_dir() else []
    if fichiers:
        classeurs = [p for p in fichiers if p.suffix.lower() == ".xlsx"]
        choisis = classeurs[:1] or [p for p in fichiers if p.suffix.lower() == ".csv"]
        return charger([(p.name, p.read_bytes()) for p in choisis], calculer=False)
    return charger(tables_en_fichiers(tables_cassees(tables_demo)), calculer=False)


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
