"""House rules that keep the library usable from Jupyter and the CLI (notes/style.md §1)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import RACINE

IMPORT_STREAMLIT = re.compile(r"^\s*(import streamlit|from streamlit)", re.M)


def test_streamlit_n_est_importe_que_dans_flux_dash_ui():
    fautifs = [
        str(p.relative_to(RACINE))
        for p in (RACINE / "flux_dash").rglob("*.py")
        if "ui" not in p.relative_to(RACINE / "flux_dash").parts[:1] and IMPORT_STREAMLIT.search(p.read_text("utf-8"))
    ]
    assert fautifs == []


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
EN_ATTENTE = {"flux_dash/ui/chargement.py": "chargement.CLE_TELEVERSEMENT"}
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
