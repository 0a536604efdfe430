"""The fast CSV parser (pyarrow, texts without quotes) against the reference one (pandas' C parser): whenever the
fast one answers, its frame is the C parser's, cell for cell and column types included; otherwise the C parser
reads the text (:func:`flux_dash.lecture.fichiers._analyser_csv`)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_dash.lecture import fichiers

SEPARATEURS = fichiers.SEPARATEURS


def reference(texte: str, sep: str) -> pd.DataFrame | type[Exception]:
    """What pandas' C parser reads (the reference reading), or the kind of its error."""
    try:
        return fichiers._analyser_csv_c(texte, sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as e:
        return type(e)


def comparer(texte: str, sep: str) -> pd.DataFrame | None:
    rapide = fichiers._analyser_csv_pyarrow(texte, sep)
    attendu = reference(texte, sep)
    if rapide is not None:
        assert isinstance(attendu, pd.DataFrame), f"pyarrow a lu ce que le parseur C refuse : {texte!r}"
        pd.testing.assert_frame_equal(rapide, attendu, check_column_type=False)
        assert list(rapide.columns) == list(attendu.columns)
        assert list(rapide.dtypes) == list(attendu.dtypes)
    return rapide


CELLULE = st.text(alphabet=list("ab é1;,\t|.-NA") + [" ", "\r", "\u00a0", "0", "€"], max_size=6)


@st.composite
def textes(draw):
    sep = draw(st.sampled_from(SEPARATEURS))
    colonnes = draw(st.integers(1, 5))
    lignes = []
    for _ in range(draw(st.integers(0, 8))):
        n = draw(st.sampled_from([colonnes, colonnes, colonnes, colonnes - 1, colonnes + 1, 0]))
        lignes.append(sep.join(draw(st.lists(CELLULE, min_size=max(n, 0), max_size=max(n, 0)))))
    fin = draw(st.sampled_from(["\n", "\r\n", "", "\n\n"]))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lignes) + fin, sep


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(textes())
def test_pyarrow_lit_comme_le_parseur_c_ou_s_abstient(cas):
    texte, sep = cas
    comparer(texte, sep)


@pytest.mark.parametrize(
    "texte, sep, rapide",
    [
        ("a;b;c\n1;2;3\n4;5;6\n", ";", True),  # the common export
        ("a;b;c\r\n1;2;3\r\n", ";", True),  # Windows line ends
        ("a;b\n1; 2 \n;\n", ";", True),  # spaces kept, empty cells as empty text
        ("a;b\nNA;null\n", ";", True),  # never read as missing
        ("a;b\n1;2\n\n3;4\n", ";", True),  # a blank line: a row of empty cells, as the C parser reads it
        ("a;b;c\n1;2\n", ";", False),  # too few values: padded by the C parser
        ("a;b\n1;2;3\n", ";", False),  # too many: the C parser's error names the line
        ('a;b\n"x;y";2\n', ";", None),  # quotes: never given to pyarrow (see _analyser_csv)
        ("a;b\r1;2\r", ";", False),  # old Mac line ends
    ],
)
def test_cas_nommes(texte, sep, rapide):
    if rapide is None:
        assert '"' in texte
        return
    assert (comparer(texte, sep) is not None) is rapide


def test_analyser_csv_prend_le_chemin_rapide_et_sinon_le_parseur_c(monkeypatch):
    appels = []
    vrai = fichiers._analyser_csv_pyarrow
    monkeypatch.setattr(fichiers, "_analyser_csv_pyarrow", lambda t, s: appels.append(t) or vrai(t, s))
    assert fichiers._analyser_csv("a;b\n1;2\n", ";").iat[1, 1] == "2"
    assert fichiers._analyser_csv('a;b\n"1;x";2\n', ";").iat[1, 0] == "1;x"  # quotes: C parser only
    assert appels == ["a;b\n1;2\n"]
    with pytest.raises(pd.errors.ParserError, match="Expected 2 fields in line 2, saw 3"):
        fichiers._analyser_csv("a;b\n1;2;3\n", ";")
