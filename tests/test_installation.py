"""The set-up of the README (`make run`, `make test`): what each installs, and that nothing is reinstalled needlessly.

The Makefile is run with ``make -n`` (print the commands, run none) in a copy of the project's Makefile and
pyproject.toml, with a fake environment folder whose stamps the test ages or refreshes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import RACINE

PYPROJECT = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make est introuvable")


@pytest.fixture
def projet(tmp_path: Path) -> Path:
    for nom in ("Makefile", "pyproject.toml"):
        shutil.copy2(RACINE / nom, tmp_path / nom)
    return tmp_path


def _commandes(projet: Path, cible: str) -> str:
    res = subprocess.run(
        ["make", "-n", "--no-print-directory", cible], cwd=projet, capture_output=True, text=True, check=True
    )
    return res.stdout


def _installations(texte: str) -> list[str]:
    return [
        ligne.split(" install ", 1)[1].strip()
        for ligne in texte.splitlines()
        if " pip " in ligne and " install " in ligne
    ]


def _environnement(projet: Path, *tampons: str) -> None:
    """A created environment with the given stamps, newer than pyproject.toml."""
    (projet / ".venv" / "bin").mkdir(parents=True)
    (projet / ".venv" / "bin" / "python").touch()
    plus_tard = (projet / "pyproject.toml").stat().st_mtime + 10
    for tampon in tampons:
        (projet / ".venv" / tampon).touch()
        os.utime(projet / ".venv" / tampon, (plus_tard, plus_tard))


def test_make_run_n_installe_que_l_application(projet):
    assert _installations(_commandes(projet, "run")) == ["--upgrade pip", "-e ."]


def test_make_test_installe_les_outils_de_test(projet):
    commandes = _commandes(projet, "test")
    assert _installations(commandes) == ["--upgrade pip", '-e ".[dev]"']
    assert "pytest" in commandes and "ruff check" in commandes and "ruff format --check" in commandes


def test_make_test_rapide_lance_les_memes_controles_sans_les_tests_lents(projet):
    _environnement(projet, ".installe-dev", ".installe-paquet")
    rapide, complet = _commandes(projet, "test-rapide").splitlines(), _commandes(projet, "test").splitlines()
    assert _installations("\n".join(rapide)) == []
    assert rapide[:-1] == complet[:-1]  # the same ruff checks
    assert rapide[-1] == complet[-1] + ' -m "not lent"'


def test_make_run_apres_make_test_ne_reinstalle_rien(projet):
    _environnement(projet, ".installe-dev", ".installe-paquet")
    assert _installations(_commandes(projet, "run")) == []
    assert _installations(_commandes(projet, "test")) == []


def test_make_test_apres_make_run_ajoute_seulement_les_outils(projet):
    _environnement(projet, ".installe-paquet")
    assert _installations(_commandes(projet, "run")) == []
    assert _installations(_commandes(projet, "test")) == ['-e ".[dev]"']


def test_un_pyproject_modifie_reinstalle(projet):
    _environnement(projet, ".installe-dev", ".installe-paquet")
    plus_tard = (projet / ".venv" / ".installe-dev").stat().st_mtime + 10
    os.utime(projet / "pyproject.toml", (plus_tard, plus_tard))
    assert _installations(_commandes(projet, "run")) == ["-e ."]
    assert _installations(_commandes(projet, "test")) == ['-e ".[dev]"']


def test_make_run_ecoute_seulement_la_machine(projet):
    _environnement(projet, ".installe-paquet")
    assert "--server.address 127.0.0.1" in _commandes(projet, "run")


def test_extras_separes_et_licence_spdx():
    extras = PYPROJECT["project"]["optional-dependencies"]
    outils = {"pytest", "ruff", "hypothesis", "playwright"}
    assert not any(d.split(">")[0].split("=")[0].split("[")[0] in outils for d in PYPROJECT["project"]["dependencies"])
    assert outils <= {d.split(">")[0].split("=")[0] for d in extras["dev"]}
    assert {"notebook", "ipykernel"} <= {d.split(">")[0].split("=")[0] for d in extras["notebook"]}
    # A TOML table here makes setuptools print a deprecation warning at every install.
    assert isinstance(PYPROJECT["project"]["license"], str)


def test_make_benchmark_ajoute_les_outils_de_mesure(projet):
    _environnement(projet, ".installe-dev", ".installe-paquet")
    assert _installations(_commandes(projet, "benchmark")) == ['-e ".[dev,bench]"']
    tampon = projet / ".venv" / ".installe-bench"
    tampon.touch()
    plus_tard = (projet / "pyproject.toml").stat().st_mtime + 10
    os.utime(tampon, (plus_tard, plus_tard))
    assert _installations(_commandes(projet, "benchmark")) == []
    assert _installations(_commandes(projet, "test")) == []
