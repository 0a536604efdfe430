"""Building a batch of trames (:func:`flux_dash.rapports.construire_classeurs`): one generation date per batch,
and the same bytes whether the workbooks are built in one process or in a pool of worker processes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import zipfile

import openpyxl
import pytest

from flux_dash import cli, rapports
from tests.petit_jeu import OPTIONS

MOMENT = dt.datetime(2025, 3, 4, 5, 6, 7)


@pytest.fixture(scope="module")
def options():
    return dataclasses.replace(OPTIONS, genere_le=MOMENT)


def test_pool_de_processus_memes_octets_que_sequentiel(petit_bilan, options):
    sequentiel = rapports.construire_classeurs(petit_bilan, options, processus=1)
    en_parallele = rapports.construire_classeurs(petit_bilan, options, processus=2)
    assert list(sequentiel) == [p.chemin_archive for p in rapports.lister_rapports(petit_bilan, options)]
    assert list(en_parallele) == list(sequentiel)
    differents = [chemin for chemin in sequentiel if sequentiel[chemin] != en_parallele[chemin]]
    assert differents == []


@pytest.mark.parametrize("processus", [1, 2])
def test_autres_fichiers_construits_avec_le_lot_et_places_en_tete(petit_bilan, options, processus):
    """``autres`` (the indicators CSV of the command line and the archive): built by the same workers, first in the
    result, the same bytes as built alone; the workbooks' progression still counts workbooks only."""
    from flux_dash.indicateurs_csv import ecrire_indicateurs_csv

    nom = rapports.nom_indicateurs(petit_bilan)
    appels: list[int] = []
    fichiers = rapports.construire_classeurs(
        petit_bilan,
        options,
        lambda i, n, prevu: appels.append(i),
        processus=processus,
        autres={nom: lambda: ecrire_indicateurs_csv(petit_bilan, bailleur="B")},
    )
    classeurs = [p.chemin_archive for p in rapports.lister_rapports(petit_bilan, options)]
    assert list(fichiers) == [nom, *classeurs]
    assert fichiers[nom] == ecrire_indicateurs_csv(petit_bilan, bailleur="B")
    assert appels == list(range(1, len(classeurs) + 1))


def test_progression_dans_l_ordre_de_la_liste_avec_le_pool(petit_bilan, options):
    appels: list[tuple[int, int, str]] = []
    fichiers = rapports.construire_classeurs(
        petit_bilan, options, lambda i, n, prevu: appels.append((i, n, prevu.chemin_archive)), processus=3
    )
    assert appels == [(i, len(fichiers), chemin) for i, chemin in enumerate(fichiers, start=1)]


def test_une_date_de_generation_pour_tout_le_lot(petit_bilan, options):
    fichiers = rapports.construire_classeurs(petit_bilan, options)
    for chemin, octets in fichiers.items():
        wb = openpyxl.load_workbook(io.BytesIO(octets))
        ws = wb["Paramètres"]
        valeurs = {ws.cell(ligne, 1).value: ws.cell(ligne, 2).value for ligne in range(1, ws.max_row + 1)}
        assert valeurs["Date de génération"] == "04/03/2025 05:06", chemin
        assert wb.properties.created == MOMENT, chemin
        with zipfile.ZipFile(io.BytesIO(octets)) as zf:
            feuille = zf.read("xl/worksheets/sheet1.xml").decode()
        assert "édité le 04/03/2025" in feuille, chemin


def test_sans_date_donnee_le_lot_prend_la_meme_pour_tous(petit_bilan):
    fichiers = rapports.construire_classeurs(petit_bilan, OPTIONS)
    dates = {openpyxl.load_workbook(io.BytesIO(o)).properties.created for o in fichiers.values()}
    assert len(dates) == 1


def test_cli_un_processus_par_coeur_par_defaut():
    args = cli._analyseur().parse_args(["bilan", "f.csv", "--annee", "2024", "--sortie", "s"])
    assert args.processus == (os.cpu_count() or 1)


@pytest.mark.parametrize("valeur", ["0", "-1", "deux"])
def test_cli_processus_invalide_code_2(valeur, capsys):
    with pytest.raises(SystemExit) as sortie:
        cli.main(["bilan", "f.csv", "--annee", "2024", "--sortie", "s", "--processus", valeur])
    assert sortie.value.code == 2
    assert "--processus" in capsys.readouterr().err


def test_liste_donnee_construite_telle_quelle(petit_bilan, options):
    # the application passes its own listing (its builders reuse the workbooks already downloaded)
    prevus = rapports.lister_rapports(petit_bilan, options)[:2]
    deja = dataclasses.replace(prevus[0], construire=lambda: b"deja construit")
    fichiers = rapports.construire_classeurs(petit_bilan, options, prevus=[deja, prevus[1]])
    assert list(fichiers) == [p.chemin_archive for p in prevus]
    assert fichiers[prevus[0].chemin_archive] == b"deja construit"
    assert fichiers[prevus[1].chemin_archive] == prevus[1].construire()


def test_pool_dans_un_ordre_d_execution_rend_les_resultats_dans_l_ordre_de_la_liste():
    taches = [lambda i=i: str(i).encode() for i in range(7)]
    ordre = [0, 6, 3, 5, 1, 4, 2]  # the costliest first, say
    assert list(rapports._construire_en_parallele(taches, 2, ordre)) == [str(i).encode() for i in range(7)]


def test_genres_les_plus_couteux_d_abord():
    couts = {g.code: g.cout for g in rapports.GENRES}
    assert couts["etat"] > couts["epci"] > couts["reservataire"] > couts["previsionnel"] > 0
