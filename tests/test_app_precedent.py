"""AppTest of last year's file on the home page (issue 10 item 6, the application's ``--precedent``): without it,
with a valid file (every workbook of the Rapports page has its « Évolution » sheet), with broken files (a French
message, never an exception, the workbooks as before)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from flux_dash.ui import etat
from flux_dash.ui.navigation import PAGE_RAPPORTS
from tests.petit_jeu import fichiers_petits
from tests.test_consolidation_precedent import BAILLEUR, fichier_2023
from tests.ui_outils import charger, installer, nouvelle_app


@pytest.fixture(scope="module")
def petites():
    return charger(fichiers_petits())


def _accueil(petites, nom: str = BAILLEUR):
    at = installer(nouvelle_app(), petites).run()
    at.text_input(key=etat.CLE_BAILLEUR).input(nom).run()
    assert not at.exception
    return at


def _deposer(at, fichier):
    at.file_uploader(key=etat.CLE_PRECEDENT).set_value((*fichier, "application/octet-stream")).run()
    assert not at.exception
    return at


def _feuilles_des_classeurs(at) -> list[list[str]]:
    from flux_dash.ui.telechargements import Classeurs

    at.switch_page(PAGE_RAPPORTS).run()
    assert not at.exception
    (liste,) = [v for _, v in at.session_state[etat.AGREGATS].values() if isinstance(v, Classeurs)]
    return [openpyxl.load_workbook(io.BytesIO(p.construire()), read_only=True).sheetnames for p in liste.prevus]


def test_sans_fichier_les_classeurs_restent_sans_evolution(petites):
    at = _accueil(petites)
    assert at.file_uploader(key=etat.CLE_PRECEDENT) is not None and not at.error
    feuilles = _feuilles_des_classeurs(at)
    assert feuilles and not any(n.startswith("Évolution") for f in feuilles for n in f)


def test_un_precedent_valide_donne_une_feuille_evolution_a_chaque_classeur(petites):
    at = _deposer(_accueil(petites), fichier_2023())
    assert at.session_state[etat.PRECEDENT][0] == "indicateurs_2023.csv"
    assert any("bilan 2023 de « Habitat Test »" in s.value.replace("\\", "") for s in at.success)
    feuilles = _feuilles_des_classeurs(at)
    assert feuilles and all("Évolution 2023-2024" in f for f in feuilles)
    assert any("Évolution 2023-2024" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("fichier", "attendu"),
    [
        pytest.param(("bilan.zip", b"PK\x03\x04abimee"), "archive ou classeur endommagé", id="illisible"),
        pytest.param(fichier_2023(annee=2022), "bilan 2022", id="mauvaise année"),
        pytest.param(fichier_2023(bailleur="Logis Voisin"), "« Logis Voisin »", id="autre bailleur"),
    ],
)
def test_un_fichier_qui_ne_convient_pas_est_un_message_sans_evolution(petites, fichier, attendu):
    at = _deposer(_accueil(petites), fichier)
    messages = [e.value.replace("\\", "") for e in at.error]
    assert any(attendu in m for m in messages), messages
    assert not any("--precedent" in m or "Traceback" in m for m in messages)
    feuilles = _feuilles_des_classeurs(at)
    assert not any(n.startswith("Évolution") for f in feuilles for n in f)
    assert any(attendu in e.value.replace("\\", "") for e in at.error)  # said on the Rapports page too
