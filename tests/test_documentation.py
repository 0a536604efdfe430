"""The documentation runs: the README's Jupyter example, the example notebook, and every CLI command is documented."""

from __future__ import annotations

import json
import os
import re

import pytest

from flux_dash.cli import COMMANDES
from tests.conftest import RACINE

README = (RACINE / "README.md").read_text(encoding="utf-8")


def _bloc_python_apres(titre: str) -> str:
    section = README.split(titre, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_exemple_jupyter_du_readme_s_execute(monkeypatch):
    monkeypatch.chdir(RACINE)
    espace: dict[str, object] = {}
    exec(compile(_bloc_python_apres("## Depuis Jupyter"), "README.md", "exec"), espace)
    bilan = espace["bilan"]
    assert bilan.annee == 2024
    assert len(espace["indicateurs"]) > 0
    assert set(espace["flux"]["perimetre_type"]) == {"DEPARTEMENT"}


def test_carnet_d_exemple_s_execute(monkeypatch):
    carnet = json.loads((RACINE / "docs" / "exemple.ipynb").read_text(encoding="utf-8"))
    monkeypatch.chdir(RACINE / "docs")
    espace: dict[str, object] = {}
    cellules = [c for c in carnet["cells"] if c["cell_type"] == "code"]
    assert len(cellules) >= 5
    for i, cellule in enumerate(cellules):
        exec(compile("".join(cellule["source"]), f"exemple.ipynb[{i}]", "exec"), espace)
    assert espace["controles"]["ok"].all()


@pytest.mark.parametrize("commande", sorted(COMMANDES))
def test_chaque_commande_est_documentee_dans_le_readme(commande):
    assert f"flux-dash {commande}" in README


def test_les_deux_commandes_du_readme_existent_dans_le_makefile():
    makefile = (RACINE / "Makefile").read_text(encoding="utf-8")
    assert "make run" in README and "make test" in README
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_ci_appelle_la_commande_de_test_du_readme():
    assert "make test" in (RACINE / ".ci" / "run").read_text(encoding="utf-8")
    assert os.access(RACINE / ".ci" / "run", os.X_OK)
