"""The app listens on this machine only and keeps its XSRF protection (issue 12, point 5), whether started with
``make run`` or with ``streamlit run app.py`` alone: both read ``.streamlit/config.toml``."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import RACINE


def _config() -> dict:
    return tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_l_application_n_ecoute_que_sur_la_machine():
    assert _config()["server"]["address"] == "127.0.0.1"


def test_protection_xsrf_declaree():
    serveur = _config()["server"]
    assert serveur["enableXsrfProtection"] is True
    assert serveur["enableCORS"] is True  # Streamlit turns XSRF off when CORS is off


def test_make_run_ecoute_sur_la_machine_par_defaut():
    assert re.search(r"^ADRESSE \?= 127\.0\.0\.1$", (RACINE / "Makefile").read_text(encoding="utf-8"), re.M)


def test_le_readme_dit_comment_servir_a_d_autres():
    readme = (RACINE / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Servir l'application à d'autres", 1)[1].split("\n#", 1)[0]
    for mot in ("127.0.0.1", "mandataire inverse", "TLS", "authentification", "XSRF"):
        assert mot in section, mot
