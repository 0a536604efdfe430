"""docs/securite.md says what the product guarantees and which test proves each point (issue 12, point 7): every
test it cites exists, every limit of flux_dash/limites.py is listed with its value, and the format holds no
personal data."""

from __future__ import annotations

import re

import pytest

from flux_dash import formats, limites
from flux_dash.colonnes import TABLES
from tests.conftest import RACINE

DOC = (RACINE / "docs" / "securite.md").read_text(encoding="utf-8")
CITES = sorted(set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", DOC)))


def test_la_doc_cite_des_tests():
    assert len(CITES) >= 30


@pytest.mark.parametrize(("fichier", "test"), CITES, ids=[f"{f}::{t}" for f, t in CITES])
def test_chaque_test_cite_existe(fichier, test):
    source = (RACINE / fichier).read_text(encoding="utf-8")
    assert re.search(rf"^def {test}\(", source, re.M), f"{fichier}::{test} n'existe pas"


def _valeur(nom: str) -> str:
    valeur = getattr(limites, nom)
    if nom.startswith("TAILLE_"):
        return limites.octets_lisibles(valeur)
    if nom == "TELEVERSEMENT_MO":
        return f"{valeur} Mo"
    return formats.nombre(valeur)


LIMITES = sorted(n for n in vars(limites) if n.isupper())


@pytest.mark.parametrize("nom", LIMITES)
def test_chaque_limite_figure_avec_sa_valeur(nom):
    ligne = next((lg for lg in DOC.splitlines() if f"`{nom}`" in lg and lg.startswith("|")), None)
    assert ligne is not None, f"{nom} absent du tableau des limites"
    assert _valeur(nom).replace("\u202f", " ") in ligne


MOTS_PERSONNELS = (
    "nom_",
    "prenom",
    "naissance",
    "adresse",
    "telephone",
    "mail",
    "nir",
    "securite_sociale",
    "menage_id",
)


def test_le_format_ne_contient_aucune_donnee_personnelle():
    colonnes = [c.nom for t in TABLES for c in t.colonnes]
    assert len(colonnes) > 20
    assert [c for c in colonnes if any(m in c for m in MOTS_PERSONNELS)] == []
