"""Streamlit's and plotly's own texts in French (flux_dash.ui.francais, flux_dash.graphiques.CONFIG_PLOTLY).

The browser test (tests/test_navigateur.py) checks the result on every page; these check the tables themselves."""

from __future__ import annotations

import json
import re

import pytest

from flux_dash import graphiques as g
from flux_dash.ui import francais


def test_une_traduction_n_est_jamais_retraduite():
    """The script rewrites whatever it sees again (MutationObserver): a French text must not be an English key."""
    for fr in francais.TEXTES.values():
        assert fr == francais.TEXTES.get(fr, fr)
        assert not any(fr.startswith(en) for en in francais.PREFIXES)
    for fr in francais.PREFIXES.values():
        assert not any(fr.startswith(en) for en in francais.PREFIXES)


def test_le_script_porte_les_tables():
    script = francais.script_traduction()
    tables = re.search(r"const TEXTES = (\{.*?\}), PREFIXES = (\{.*?\}), UNITES = (\{.*?\});", script)
    assert tables is not None
    assert json.loads(tables.group(1)) == francais.TEXTES
    assert json.loads(tables.group(2)) == francais.PREFIXES
    assert json.loads(tables.group(3)) == francais.UNITES
    assert "document.documentElement.lang = 'fr'" in script


@pytest.mark.parametrize(
    "bouton, titre_anglais",
    [("toImage", "Download plot as a png"), ("resetScale2d", "Reset axes")],
    ids=["image", "vue d'ensemble"],
)
def test_barre_d_outils_plotly_reduite_et_en_francais(bouton, titre_anglais):
    config = g.CONFIG_PLOTLY
    assert config["modeBarButtons"] == [["toImage", "resetScale2d"]]
    assert bouton in config["modeBarButtons"][0]
    assert config["locale"] == "fr"
    dictionnaire = config["locales"]["fr"]["dictionary"]
    assert dictionnaire[titre_anglais] != titre_anglais
    assert config["locales"]["fr"]["format"]["decimal"] == ","
