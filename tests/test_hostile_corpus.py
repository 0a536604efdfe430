"""The hostile corpus of tests/hostile_corpus.py (issue 12, point 6) through the three doors of the product: the
library (``validation.charger``), the command line (``flux-dash valider --csv``, or ``bilan`` when the input is
valid: its files then go through the output check of tests/conftest.py) and the app's upload (AppTest). Each
case must give its exact French rule (:data:`tests.hostile_corpus.ATTENDUS`), or no error at all — never a
traceback."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from flux_dash import validation
from flux_dash.cli import main
from flux_dash.lecture import lire
from flux_dash.ui import etat
from tests.hostile_corpus import ATTENDUS, CORPUS, Cas

CAS = [pytest.param(c, id=c.id) for c in CORPUS]


def _verifier(cas: Cas, problemes) -> None:
    attendu = ATTENDUS[cas.id]
    erreurs = [(p.code, p.regle) for p in problemes if p.gravite == "erreur"]
    if attendu is None:
        assert erreurs == [], cas.doc
    else:
        assert attendu in [(p.code, p.regle) for p in problemes], cas.doc
    for p in problemes:  # French only: no Python exception name or English system message reaches the user
        assert not re.search(r"Error|Exception|Traceback|errno", f"{p.regle} {p.conseil}"), p


def test_le_corpus_est_complet_et_documente():
    assert len(CORPUS) >= 60
    assert len({c.id for c in CORPUS}) == len(CORPUS)
    assert set(ATTENDUS) == {c.id for c in CORPUS}
    assert all(c.doc and "\n" not in c.doc for c in CORPUS)


@pytest.mark.parametrize("cas", CAS)
def test_lecture(cas):
    """The fast part: reading only (``lecture.lire``, a few hundredths of a second per case). The expected rule is
    checked here when reading finds it; the checks of FORMAT.md §1.5 come in :func:`test_bibliotheque`."""
    problemes = lire(cas.fichiers()).problemes
    for p in problemes:
        assert not re.search(r"Error|Exception|Traceback|errno", f"{p.regle} {p.conseil}"), p
    attendu = ATTENDUS[cas.id]
    if attendu is not None and attendu[0] in _CODES_DE_LECTURE:
        assert attendu in [(p.code, p.regle) for p in problemes], cas.doc


_CODES_DE_LECTURE = {
    "limite_depassee",
    "feuille_masquee_ignoree",
    "feuille_masquee_lue",
    "feuille_ignoree",
    "type_invalide",
    "encodages_melanges",
    "separateurs_melanges",
    "colonne_en_double",
    "colonne_manquante",
    "fichier_protege",
    "fichier_illisible",
    "fichier_vide",
}
"""Codes of the problems :mod:`flux_dash.lecture` reports (the others come from flux_dash.validation)."""


@pytest.mark.lent
@pytest.mark.parametrize("cas", CAS)
def test_bibliotheque(cas):
    """Reading and checking (``validation.charger``, about half a second per case: marked ``lent``)."""
    _verifier(cas, validation.charger(cas.fichiers(), 2024).problemes)


def _nom_sur_disque(nom: str) -> str:
    """A file name the disk accepts (« ../../etc/tours.csv » is a name only in an upload)."""
    return nom.replace("/", "_").replace("..", "_")


@pytest.mark.lent
@pytest.mark.parametrize("cas", CAS)
def test_ligne_de_commande(cas, tmp_path, capsys):
    entrees = tmp_path / "entrees"
    entrees.mkdir()
    chemins = []
    for nom, contenu in cas.fichiers():
        chemin = entrees / _nom_sur_disque(nom)
        chemin.write_bytes(contenu)
        chemins.append(str(chemin))
    if ATTENDUS[cas.id] is None:
        code = main(["bilan", *chemins, "--annee", "2024", "--sortie", str(tmp_path / "s"), "--zip"])
        sortie = capsys.readouterr()
        assert code == 0, sortie.out + sortie.err
        assert "Traceback" not in sortie.err
        return
    code = main(["valider", *chemins, "--annee", "2024", "--csv", str(tmp_path / "problemes.csv")])
    sortie = capsys.readouterr()
    sans_erreur = validation.charger(cas.fichiers(), 2024).ok  # the expected line may be an information
    assert (code == 0) if sans_erreur else (code in (1, 2))
    assert "Traceback" not in sortie.err and "inattendue" not in sortie.err
    relu = pd.read_csv(tmp_path / "problemes.csv", sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert ATTENDUS[cas.id] in set(zip(relu["Code de la règle"], relu["Règle"], strict=True))


@pytest.mark.lent
@pytest.mark.parametrize("cas", CAS)
def test_televersement_de_l_application(cas):
    from tests.ui_outils import nouvelle_app

    at = nouvelle_app().run()
    at.file_uploader[0].set_value([(nom, contenu, "application/octet-stream") for nom, contenu in cas.fichiers()])
    at.run()
    assert not at.exception
    rapport = at.session_state[etat.RAPPORT]
    assert rapport is not None
    _verifier(cas, rapport.problemes)
    if ATTENDUS[cas.id] is not None and any(p.gravite == "erreur" for p in rapport.problemes):
        assert any("bloque" in e.value for e in at.error)
