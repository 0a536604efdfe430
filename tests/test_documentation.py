"""The documentation runs: the README's Jupyter example, the example notebook, and every CLI command is documented."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flux_dash.cli import COMMANDES
from flux_dash.colonnes import TABLES
from tests.conftest import RACINE

README = (RACINE / "README.md").read_text(encoding="utf-8")


def _bloc_python_apres(titre: str) -> str:
    section = README.split(titre, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.lent
def test_exemple_jupyter_du_readme_s_execute(monkeypatch):
    monkeypatch.chdir(RACINE)
    espace: dict[str, object] = {}
    exec(compile(_bloc_python_apres("## Depuis Jupyter"), "README.md", "exec"), espace)
    bilan = espace["bilan"]
    assert bilan.annee == 2024
    assert len(espace["indicateurs"]) > 0
    assert set(espace["flux"]["perimetre_type"]) == {"DEPARTEMENT"}


@pytest.mark.lent
def test_carnet_d_exemple_s_execute(monkeypatch):
    carnet = json.loads((RACINE / "docs" / "exemple.ipynb").read_text(encoding="utf-8"))
    monkeypatch.chdir(RACINE / "docs")
    espace: dict[str, object] = {}
    cellules = [c for c in carnet["cells"] if c["cell_type"] == "code"]
    assert len(cellules) >= 5
    imprime = io.StringIO()
    with contextlib.redirect_stdout(imprime):
        for i, cellule in enumerate(cellules):
            exec(compile("".join(cellule["source"]), f"exemple.ipynb[{i}]", "exec"), espace)
    assert espace["controles"]["ok"].all()
    # What the notebook prints reads as text: no pandas array repr (« <ArrowStringArray> », « Length: 12, dtype »).
    assert not re.search(r"Array>|dtype:|Length: \d", imprime.getvalue()), imprime.getvalue()


def test_carnet_au_format_jupyter_actuel():
    """nbformat 4.5: every cell has a unique id (else Jupyter warns, MissingIDFieldWarning); no output stored."""
    carnet = json.loads((RACINE / "docs" / "exemple.ipynb").read_text(encoding="utf-8"))
    assert (carnet["nbformat"], carnet["nbformat_minor"]) >= (4, 5)
    ids = [c.get("id", "") for c in carnet["cells"]]
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert all(not c.get("outputs") for c in carnet["cells"] if c["cell_type"] == "code")
    sources = "".join("".join(c["source"]) for c in carnet["cells"])
    assert not re.search(r"\btidy\b", sources)


def _bloc_bash_apres(titre: str) -> list[str]:
    section = README.split(titre, 1)[1]
    bloc = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [ligne for ligne in bloc.splitlines() if ligne.strip()]


def _code_documente(ligne: str) -> int:
    """The exit code a README line promises in its comment (« # code 1 : … »); the activation line succeeds."""
    trouve = re.search(r"#\s*code (\d)\b", ligne)
    if trouve:
        return int(trouve.group(1))
    assert ligne.startswith("source "), f"ligne du README sans code de sortie documenté : {ligne}"
    return 0


def _clone_neuf(destination: Path) -> Path:
    """A fresh clone of the commit under test (what a newcomer gets with git clone)."""
    if shutil.which("git") is None or not (RACINE / ".git").exists():
        pytest.skip("git ou le dépôt git est introuvable")
    commit = subprocess.run(
        ["git", "-C", str(RACINE), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(RACINE), str(destination)], check=True)
    subprocess.run(["git", "-C", str(destination), "checkout", "--quiet", commit], check=True)
    return destination


@pytest.mark.lent
def test_ligne_de_commande_du_readme_telle_qu_ecrite_dans_un_clone_neuf(tmp_path):
    lignes = _bloc_bash_apres("## Ligne de commande")
    attendus = [_code_documente(ligne) for ligne in lignes]
    assert any(ligne.startswith("source .venv/bin/activate") for ligne in lignes)

    clone = _clone_neuf(tmp_path / "clone")
    # The README's set-up (make run / make test) made .venv; the environment running these tests stands for it.
    environnement = Path(sys.prefix)
    assert (environnement / "bin" / "activate").is_file() and (environnement / "bin" / "flux-dash").is_file(), (
        "les tests doivent tourner dans l'environnement installé par make test (.venv)"
    )
    (clone / ".venv").symlink_to(environnement, target_is_directory=True)
    script = "".join(f"{ligne}\nprintf '@@code %s\\n' $?\n" for ligne in lignes)
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONHOME"}}
    env["PYTHONPATH"] = str(clone)  # the clone's code, whatever checkout the environment was installed from
    res = subprocess.run(
        ["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    sortie = res.stdout + res.stderr
    codes = [int(c) for c in re.findall(r"^@@code (\d+)$", res.stdout, re.M)]
    assert list(zip(lignes, codes, strict=True)) == list(zip(lignes, attendus, strict=True)), sortie
    assert "Traceback" not in sortie and "command not found" not in sortie, sortie

    # Everything the examples wrote is under sortie/, which git ignores: the clone stays clean.
    statut = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert [ligne for ligne in statut if ligne != "?? .venv"] == []
    ecrits = sorted(str(p.relative_to(clone / "sortie")) for p in (clone / "sortie").rglob("*") if p.is_file())
    assert "problemes.csv" in ecrits and "modele_saisie.xlsx" in ecrits
    assert [e for e in ecrits if e.startswith("casse/")] == ["casse/erreurs.csv"]
    assert "bilans/flux_2024_habitat-francilien-demo.zip" in ecrits
    assert any(e.startswith("demo/") and e.endswith(".xlsx") for e in ecrits)


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


# --- docs/format.md: the contract users read -------------------------------------------------------------------

FORMAT = (RACINE / "docs" / "format.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.nom)
def test_le_contrat_nomme_chaque_colonne_d_entree(table):
    assert f"`{table.nom}`" in FORMAT
    manquantes = [c for c in table.noms if f"| `{c}` |" not in FORMAT]
    assert not manquantes, f"colonnes de {table.nom} absentes des tableaux de docs/format.md : {manquantes}"


@pytest.mark.parametrize("commande", sorted(COMMANDES))
def test_le_contrat_decrit_chaque_commande(commande):
    assert f"`flux-dash {commande}" in FORMAT


def test_le_contrat_se_suffit_a_lui_meme():
    """Every link leads to a file of the repository (or an anchor of the page); no file outside it is cited."""
    assert not re.search(r"DOMAINE\.md|FORMAT\.md|\.\./", FORMAT)
    for cible in re.findall(r"\]\(([^)#\s]+)", FORMAT):
        assert (RACINE / "docs" / cible).exists(), cible
    titres = {
        re.sub(r"[^\w\- ]", "", titre.strip().lower()).replace(" ", "-")
        for titre in re.findall(r"^#+ (.+)$", FORMAT, re.M)
    }
    for ancre in re.findall(r"\]\(#([^)]+)\)", FORMAT):
        assert ancre in titres, ancre


def test_le_contrat_est_en_francais():
    anglais = re.findall(r"\b(the|of the|and|with|must|which|required|optional|output|input)\b", FORMAT)
    assert not anglais, anglais


ARCHITECTURE = (RACINE / "docs" / "architecture.md").read_text(encoding="utf-8")


def _chemins_nommes(texte: str) -> set[str]:
    """Every repository path the page names in backticks (``flux_dash/…``, ``pages/``, ``tests/…``, ``app.py``)."""
    return {
        m.rstrip("/")
        for m in re.findall(r"`((?:flux_dash|pages|tests|docs)/[^`\s]*|app\.py)`", texte)
        if "{" not in m and "…" not in m
    }


def _modules_du_paquet() -> set[str]:
    """Each module and sub-package of flux_dash, as a path (``flux_dash/x.py`` or ``flux_dash/x/y.py``);
    ``__init__``/``__main__`` stand for their package."""
    modules = set()
    for chemin in (RACINE / "flux_dash").rglob("*.py"):
        relatif = chemin.relative_to(RACINE).as_posix()
        if chemin.name in ("__init__.py", "__main__.py"):
            relatif = chemin.parent.relative_to(RACINE).as_posix()
        modules.add(relatif)
    return modules


def test_l_architecture_ne_nomme_que_des_modules_qui_existent():
    chemins = _chemins_nommes(ARCHITECTURE)
    assert len(chemins) > 30
    absents = sorted(c for c in chemins if not (RACINE / c).exists())
    assert absents == [], f"docs/architecture.md nomme des chemins absents : {absents}"


def test_l_architecture_nomme_chaque_module_du_paquet():
    texte = ARCHITECTURE
    nommes = _chemins_nommes(texte)
    # A module of a package may be named by its file name inside the package's paragraph (« `moteur.py` »).
    oublies = sorted(
        m
        for m in _modules_du_paquet()
        if m not in nommes
        and not (m.endswith(".py") and m.rsplit("/", 1)[0] in nommes and f"`{m.rsplit('/', 1)[1]}`" in texte)
    )
    assert oublies == [], f"modules absents de docs/architecture.md : {oublies}"
