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
