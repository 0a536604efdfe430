"""Fuzz of the reader (issue 12, point 6): valid files of tests/petit_jeu.py, as CSV and as a workbook, mutated
byte by byte by hypothesis (overwritten, inserted, deleted bytes, a cut), must always give a report — never an
exception, never an English or Python message — within a bounded time per example (``deadline``)."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flux_dash import validation
from tests import hostile_fabrique as fabrique
from tests import petit_jeu

EXEMPLES = 100
"""Examples per test: CSV, xlsx bytes, sheet XML inside a sound ZIP — 300 in all."""

_CSV = dict(petit_jeu.fichiers_petits())
_XLSX = fabrique.classeur_de(fabrique.lignes_petit_jeu())
_XML = {n: fabrique.xml_feuille(lignes).encode() for n, lignes in fabrique.lignes_petit_jeu().items()}

_mutation = st.tuples(
    st.sampled_from(["ecraser", "inserer", "supprimer"]),
    st.floats(min_value=0, max_value=1, exclude_max=True),
    st.binary(min_size=1, max_size=8),
)


def _muter(contenu: bytes, mutations: list[tuple[str, float, bytes]], coupe: float | None) -> bytes:
    octets = bytearray(contenu)
    for genre, position, morceau in mutations:
        i = int(position * len(octets)) if octets else 0
        if genre == "ecraser":
            octets[i : i + len(morceau)] = morceau
        elif genre == "inserer":
            octets[i:i] = morceau
        else:
            del octets[i : i + len(morceau)]
    if coupe is not None:
        del octets[int(coupe * len(octets)) :]
    return bytes(octets)


def _verifier(fichiers: list[tuple[str, bytes]]) -> None:
    rapport = validation.charger(fichiers, 2024)  # never raises
    for p in rapport.problemes:
        assert p.regle and not re.search(r"Error|Exception|Traceback|errno", f"{p.regle} {p.conseil}"), p
    assert rapport.ok == (not rapport.erreurs)


REGLAGES = settings(
    max_examples=EXEMPLES,
    deadline=dt.timedelta(seconds=5),  # per example, on a shared machine (about 0,1 s alone)
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


@REGLAGES
@given(
    table=st.sampled_from(sorted(_CSV)),
    mutations=st.lists(_mutation, min_size=1, max_size=6),
    coupe=st.none() | st.floats(min_value=0, max_value=1),
)
def test_csv_mutes(table, mutations, coupe):
    fichiers = dict(_CSV)
    fichiers[table] = _muter(_CSV[table], mutations, coupe)
    _verifier(list(fichiers.items()))


@REGLAGES
@given(mutations=st.lists(_mutation, min_size=1, max_size=6), coupe=st.none() | st.floats(min_value=0, max_value=1))
def test_classeurs_mutes(mutations, coupe):
    _verifier([("flux.xlsx", _muter(_XLSX, mutations, coupe))])


@REGLAGES
@given(
    feuille=st.sampled_from(sorted(_XML)),
    mutations=st.lists(_mutation, min_size=1, max_size=6),
    coupe=st.none() | st.floats(min_value=0.5, max_value=1),
)
def test_xml_des_feuilles_mute(feuille, mutations, coupe):
    """The ZIP stays sound, the sheet's XML does not: calamine and the cell scan of flux_dash.lecture see it."""
    xml = {n: (_muter(x, mutations, coupe) if n == feuille else x).decode("utf-8", "replace") for n, x in _XML.items()}
    _verifier([("flux.xlsx", fabrique.classeur(xml))])
