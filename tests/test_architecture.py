"""House rules that keep the library usable from Jupyter and the CLI (notes/style.md §1)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RACINE

IMPORT_STREAMLIT = re.compile(r"^\s*(import streamlit|from streamlit)", re.M)


def test_streamlit_n_est_importe_que_dans_flux_dash_ui():
    fautifs = [
        str(p.relative_to(RACINE))
        for p in (RACINE / "flux_dash").rglob("*.py")
        if "ui" not in p.relative_to(RACINE / "flux_dash").parts[:1] and IMPORT_STREAMLIT.search(p.read_text("utf-8"))
    ]
    assert fautifs == []


@pytest.mark.lent
def test_la_bibliotheque_s_importe_sans_charger_streamlit():
    modules = [
        p.relative_to(RACINE).with_suffix("").as_posix().replace("/", ".")
        for p in (RACINE / "flux_dash").rglob("*.py")
        if p.relative_to(RACINE / "flux_dash").parts[0] != "ui" and p.name != "__main__.py"
    ]
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "print('streamlit' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=RACINE, check=True)
    assert res.stdout.strip() == "False"


def test_aucune_page_n_affiche_de_html_non_echappe():
    sources = [*(RACINE / "pages").glob("*.py"), RACINE / "app.py", *(RACINE / "flux_dash" / "ui").rglob("*.py")]
    assert sources
    assert [str(p.name) for p in sources if "unsafe_allow_html=True" in p.read_text("utf-8")] == []


# --- Session state: declared once, in flux_dash/ui/etat.py (issue 14 §6) ---------------------------------------

WIDGETS_A_ETAT = {
    "selectbox",
    "multiselect",
    "radio",
    "text_input",
    "text_area",
    "checkbox",
    "toggle",
    "number_input",
    "slider",
    "select_slider",
    "date_input",
    "data_editor",
    "file_uploader",
    "segmented_control",
    "pills",
}
"""Streamlit widgets whose value lives in session state under their ``key``."""
EN_ATTENTE: dict[str, str] = {}
"""Modules not yet moved to ``etat``'s accessors (being reworked by another change at the time), and the widget key
they still declare: remove the entry when the module is moved."""


def _sources_ui() -> list:
    return [
        RACINE / "app.py",
        *sorted((RACINE / "pages").glob("*.py")),
        *sorted((RACINE / "flux_dash" / "ui").rglob("*.py")),
    ]


def _nom(p) -> str:
    return p.relative_to(RACINE).as_posix()


def test_seul_etat_touche_st_session_state():
    import ast

    fautifs = []
    for p in _sources_ui():
        if _nom(p) in ("flux_dash/ui/etat.py", *EN_ATTENTE):
            continue
        for noeud in ast.walk(ast.parse(p.read_text("utf-8"))):
            if isinstance(noeud, ast.Attribute) and noeud.attr == "session_state":
                fautifs.append(f"{_nom(p)}:{noeud.lineno}")
    assert fautifs == []


def test_chaque_cle_de_widget_est_declaree_dans_etat():
    """No ``_fd_w_`` literal outside etat.py, and the ``key`` of every stateful widget comes from ``etat``."""
    import ast

    from flux_dash.ui import etat

    litteraux, cles = [], []
    for p in _sources_ui():
        nom = _nom(p)
        if nom == "flux_dash/ui/etat.py":
            continue
        arbre = ast.parse(p.read_text("utf-8"))
        for noeud in ast.walk(arbre):
            if (
                isinstance(noeud, ast.Constant)
                and isinstance(noeud.value, str)
                and etat.PREFIXE_WIDGET in noeud.value
                and nom not in EN_ATTENTE
            ):
                litteraux.append(f"{nom}:{noeud.lineno}")
            if isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Attribute):
                if noeud.func.attr not in WIDGETS_A_ETAT:
                    continue
                for mot in noeud.keywords:
                    if mot.arg == "key":
                        texte = ast.unparse(mot.value)
                        if "etat." not in texte and texte not in EN_ATTENTE.values():
                            cles.append(f"{nom}:{noeud.lineno}: key={texte}")
    assert litteraux == []
    assert cles == []
    valeurs = [v for k, v in vars(etat).items() if k.startswith("CLE_") and isinstance(v, str)]
    valeurs += list(etat.CLES_FILTRES.values())
    assert len(valeurs) == len(set(valeurs)), "deux constantes d'etat déclarent la même clé"
    assert all(v.startswith(etat.PREFIXE_WIDGET) for v in valeurs)
    assert not any(str(c).startswith(etat.PREFIXE_WIDGET) for c in etat.DEFAUTS)  # plain keys: no widget owns them


LIGNES_PAR_PAGE = 120
"""style.md §2: a page over ~120 lines is asking for a helper in ``flux_dash/ui/``."""


def test_pages_courtes():
    longues = {
        _nom(p): n
        for p in [RACINE / "app.py", *sorted((RACINE / "pages").glob("*.py"))]
        if (n := len(p.read_text("utf-8").splitlines())) > LIGNES_PAR_PAGE
    }
    assert longues == {}


def test_chaque_page_est_dans_un_menu_et_chaque_entree_existe():
    from flux_dash.ui.navigation import MENUS

    chemins = {page.chemin for menu in MENUS.values() for page in menu}
    scripts = {"app.py", *(p.relative_to(RACINE).as_posix() for p in (RACINE / "pages").glob("*.py"))}
    assert chemins == scripts, "une page absente des menus, ou une entrée sans page"
    for cote, menu in MENUS.items():
        assert len({page.chemin for page in menu}) == len(menu), f"page en double dans le menu {cote}"


# --- imports between the modules of flux_dash (issue 14: no import cycle, lazy imports included) -------------


def _modules(racine: Path, paquet: str) -> dict[str, Path]:
    """Dotted name → file of every module of ``paquet`` under ``racine`` (a package is its ``__init__``)."""
    modules = {}
    for chemin in sorted((racine / paquet).rglob("*.py")):
        parties = chemin.relative_to(racine).with_suffix("").parts
        modules[".".join(parties[:-1] if parties[-1] == "__init__" else parties)] = chemin
    return modules


def _cible(nom: str, modules: dict[str, Path]) -> str | None:
    """The module of ``paquet`` that ``import nom`` loads: ``nom`` itself or its longest known prefix."""
    while nom and nom not in modules:
        nom = nom.rpartition(".")[0]
    return nom or None


def _imports(module: str, chemin: Path, modules: dict[str, Path]) -> dict[str, int]:
    """Modules of the package imported by ``module`` → line of the first import, wherever the import sits
    (module level, inside a function, under ``if TYPE_CHECKING``, in a ``try``): ``import a.b``,
    ``from a import b`` (``b`` a submodule or a name), relative imports, and ``import_module("a.b")``. A module
    that calls ``import_module`` with a computed name (a table of names, as ``flux_dash.__init__`` does) is
    taken to import every module whose dotted name appears in it as a string literal."""
    arbre = ast.parse(chemin.read_text("utf-8"), filename=str(chemin))
    paquet_courant = module if chemin.name == "__init__.py" else module.rpartition(".")[0]
    trouves: dict[str, int] = {}

    def ajouter(nom: str | None, ligne: int) -> None:
        cible = _cible(nom, modules) if nom else None
        if cible and cible != module:
            trouves.setdefault(cible, ligne)

    dynamique = False
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Import):
            for alias in noeud.names:
                ajouter(alias.name, noeud.lineno)
        elif isinstance(noeud, ast.ImportFrom):
            if noeud.level:
                base = paquet_courant.split(".")
                base = base[: len(base) - noeud.level + 1]
                source = ".".join([*base, noeud.module] if noeud.module else base)
            else:
                source = noeud.module or ""
            for alias in noeud.names:
                sous_module = f"{source}.{alias.name}"
                ajouter(sous_module if sous_module in modules else source, noeud.lineno)
        elif isinstance(noeud, ast.Call):
            fonction = noeud.func
            nom = fonction.attr if isinstance(fonction, ast.Attribute) else getattr(fonction, "id", "")
            if nom in ("import_module", "__import__"):
                argument = noeud.args[0] if noeud.args else None
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    ajouter(argument.value, noeud.lineno)
                else:
                    dynamique = True
    if dynamique:
        for noeud in ast.walk(arbre):
            if isinstance(noeud, ast.Constant) and isinstance(noeud.value, str) and noeud.value in modules:
                ajouter(noeud.value, noeud.lineno)
    return trouves


def graphe_des_imports(racine: Path, paquet: str) -> dict[str, dict[str, int]]:
    """module → {imported module of the package → line}, for every module of ``paquet``."""
    modules = _modules(racine, paquet)
    return {m: _imports(m, chemin, modules) for m, chemin in modules.items()}


def cycles_d_imports(graphe: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import cycles (``[a, b, …, a]``): for every strongly connected component of more than one module
    (Tarjan's algorithm, iterative), the shortest cycle through each of its modules, without repeats, sorted."""
    index: dict[str, int] = {}
    bas: dict[str, int] = {}
    pile: list[str] = []
    sur_pile: set[str] = set()
    composantes: list[set[str]] = []
    for depart in sorted(graphe):
        if depart in index:
            continue
        travail = [(depart, iter(sorted(graphe[depart])))]
        index[depart] = bas[depart] = len(index)
        pile.append(depart)
        sur_pile.add(depart)
        while travail:
            noeud, voisins = travail[-1]
            suivant = next((v for v in voisins if v in graphe), None)
            if suivant is not None:
                if suivant not in index:
                    index[suivant] = bas[suivant] = len(index)
                    pile.append(suivant)
                    sur_pile.add(suivant)
                    travail.append((suivant, iter(sorted(graphe[suivant]))))
                elif suivant in sur_pile:
                    bas[noeud] = min(bas[noeud], index[suivant])
                continue
            travail.pop()
            if travail:
                parent = travail[-1][0]
                bas[parent] = min(bas[parent], bas[noeud])
            if bas[noeud] == index[noeud]:
                composante = set()
                while True:
                    m = pile.pop()
                    sur_pile.discard(m)
                    composante.add(m)
                    if m == noeud:
                        break
                if len(composante) > 1:
                    composantes.append(composante)
    cycles: list[list[str]] = []
    for composante in composantes:
        vus: set[tuple[str, ...]] = set()
        for depart in sorted(composante):  # the shortest cycle through each module of the component
            chemins = {depart: [depart]}
            file = [depart]
            while file:  # breadth first, inside the component
                noeud = file.pop(0)
                if depart in graphe[noeud]:
                    cycle = chemins[noeud]
                    rotation = cycle.index(min(cycle))
                    canonique = tuple(cycle[rotation:] + cycle[:rotation])
                    if canonique not in vus:
                        vus.add(canonique)
                        cycles.append([*canonique, canonique[0]])
                    break
                for v in sorted(graphe[noeud]):
                    if v in composante and v not in chemins:
                        chemins[v] = [*chemins[noeud], v]
                        file.append(v)
    return sorted(cycles)


def _decrire(cycle: list[str], graphe: dict[str, dict[str, int]]) -> str:
    return " → ".join([f"{a} (ligne {graphe[a][b]})" for a, b in zip(cycle, cycle[1:], strict=False)] + [cycle[-1]])


def test_aucun_cycle_d_imports_dans_flux_dash():
    graphe = graphe_des_imports(RACINE, "flux_dash")
    assert "flux_dash.calculs.moteur" in graphe and graphe["flux_dash"], "le parcours des imports ne voit rien"
    cycles = cycles_d_imports(graphe)
    assert not cycles, "cycles d'imports :\n" + "\n".join(_decrire(c, graphe) for c in cycles)


def test_le_parcours_des_imports_voit_les_imports_differes(tmp_path):
    # a synthetic package: a → b at module level, b → a inside a function (a "lazy" import hiding the cycle),
    # c → d through import_module("…"), d → c through a relative import, e imports names from a table of strings.
    paquet = tmp_path / "paq"
    (paquet / "sous").mkdir(parents=True)
    fichiers = {
        "__init__.py": "",
        "a.py": "from paq import b\n",
        "b.py": "def f():\n    from paq.a import x\n    return x\n",
        "c.py": "import importlib\n\ndef f():\n    return importlib.import_module('paq.sous.d')\n",
        "sous/__init__.py": "",
        "sous/d.py": "from .. import c\n",
        "e.py": "from importlib import import_module\nNOMS = {'x': 'paq.f'}\n\ndef g(n):\n"
        "    return import_module(NOMS[n])\n",
        "f.py": "from paq.e import g\n",
    }
    for nom, texte in fichiers.items():
        (paquet / nom).write_text(texte, encoding="utf-8")
    graphe = graphe_des_imports(tmp_path, "paq")
    assert graphe["paq.b"] == {"paq.a": 2}
    assert graphe["paq.c"] == {"paq.sous.d": 4}
    assert graphe["paq.sous.d"] == {"paq.c": 1}
    assert cycles_d_imports(graphe) == [
        ["paq.a", "paq.b", "paq.a"],
        ["paq.c", "paq.sous.d", "paq.c"],
        ["paq.e", "paq.f", "paq.e"],
    ]
    assert _decrire(["paq.a", "paq.b", "paq.a"], graphe) == "paq.a (ligne 1) → paq.b (ligne 2) → paq.a"


IMPORT_TABLEUR = re.compile(r"^\s*(import|from)\s+(openpyxl|xlsxwriter)\b", re.M)


def test_un_seul_redacteur_de_classeurs():
    """Only flux_dash/excel.py imports a spreadsheet library (XlsxWriter); the product reads workbooks through
    pandas (calamine, openpyxl as pandas' fallback engine) without importing them."""
    sources = [*(RACINE / "flux_dash").rglob("*.py"), *(RACINE / "pages").glob("*.py"), RACINE / "app.py"]
    fautifs = sorted(
        str(p.relative_to(RACINE))
        for p in sources
        if IMPORT_TABLEUR.search(p.read_text("utf-8")) and p != RACINE / "flux_dash" / "excel.py"
    )
    assert fautifs == []
