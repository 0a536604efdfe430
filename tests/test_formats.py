"""flux_dash.formats: French display of numbers, percentages and dates (narrow no-break space U+202F)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from flux_dash import formats

E = "\u202f"


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        pytest.param(1234.5, None, f"1{E}234,5", id="milliers-et-decimale"),
        pytest.param(3000, None, f"3{E}000", id="entier"),
        pytest.param(3000.0, None, f"3{E}000", id="flottant-rond-sans-decimale"),
        pytest.param(12.345, None, "12,3", id="une-decimale-au-plus"),
        pytest.param(1234567.891, 2, f"1{E}234{E}567,89", id="decimales-explicites"),
        pytest.param(5, 1, "5,0", id="decimales-explicites-zero"),
        pytest.param(-1500, None, f"-1{E}500", id="negatif"),
        pytest.param(-0.04, None, "0", id="moins-zero-arrondi"),
        pytest.param(0, None, "0", id="zero"),
        pytest.param(float("nan"), None, "n.s.", id="nan"),
        pytest.param(None, None, "n.s.", id="none"),
        pytest.param(pd.NA, None, "n.s.", id="pd-na"),
        pytest.param(math.inf, None, "n.s.", id="infini"),
    ],
)
def test_nombre(valeur, decimales, attendu):
    assert formats.nombre(valeur, decimales) == attendu


@pytest.mark.parametrize(
    ("fraction", "attendu"),
    [
        pytest.param(0.123, f"12,3{E}%", id="fraction"),
        pytest.param(0.25, f"25,0{E}%", id="rond-une-decimale-toujours"),
        pytest.param(1.0, f"100,0{E}%", id="cent"),
        pytest.param(12.5, f"1{E}250,0{E}%", id="plus-de-100"),
        pytest.param(0.0004, f"0,0{E}%", id="arrondi-a-zero"),
        pytest.param(float("nan"), "n.s.", id="division-par-zero"),
    ],
)
def test_pourcentage(fraction, attendu):
    assert formats.pourcentage(fraction) == attendu


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        pytest.param(dt.date(2024, 3, 5), "05/03/2024", id="date"),
        pytest.param(pd.Timestamp("2024-12-31"), "31/12/2024", id="timestamp"),
        pytest.param(dt.datetime(2025, 1, 2, 14, 30), "02/01/2025", id="datetime-sans-heure"),
        pytest.param("2024-02-29", "29/02/2024", id="texte-iso"),
        pytest.param(pd.NaT, "", id="nat"),
        pytest.param(None, "", id="none"),
    ],
)
def test_date_fr(valeur, attendu):
    assert formats.date_fr(valeur) == attendu


def test_formater_tableau_formate_chaque_genre_de_colonne_et_renomme():
    df = pd.DataFrame(
        {
            "reservataire": ["Préfet", None],
            "proposes": pd.Series([1200, 3], dtype="int64"),
            "part": [0.5, float("nan")],
            "droits": [12.26, 0.0],
            "date": pd.to_datetime(["2024-01-15", None]),
            "bail": pd.Series([True, pd.NA], dtype="boolean"),
        }
    )
    sortie = formats.formater_tableau(
        df, {"reservataire": "Réservataire", "part": "Part du flux"}, ["part"], {"droits": 1}
    )
    assert list(sortie.columns) == ["Réservataire", "proposes", "Part du flux", "droits", "date", "bail"]
    assert sortie.to_dict("list") == {
        "Réservataire": ["Préfet", ""],
        "proposes": [f"1{E}200", "3"],
        "Part du flux": [f"50,0{E}%", "n.s."],
        "droits": ["12,3", "0,0"],
        "date": ["15/01/2024", ""],
        "bail": ["oui", ""],
    }


@pytest.mark.parametrize(
    "litteral, proprietaire",
    [
        pytest.param('"février"', "formats.py", id="noms-des-mois"),
        pytest.param('"févr."', "formats.py", id="mois-abreges"),
        pytest.param("0072B2", "formats.py", id="palette"),
        pytest.param('"Période de construction"', "referentiel.py", id="noms-des-repartitions"),
    ],
)
def test_une_liste_d_affichage_n_existe_qu_une_fois(litteral, proprietaire):
    from tests.conftest import RACINE

    ou = sorted(
        str(p.relative_to(RACINE / "flux_dash"))
        for p in (RACINE / "flux_dash").rglob("*.py")
        if litteral in p.read_text("utf-8")
    )
    assert ou == [proprietaire]
