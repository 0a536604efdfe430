"""Nothing derived from an upload reaches the disk (DOMAINE.md §6, « rien n'est enregistré sur le serveur »): reading
the demo workbook, computing its bilan and building every trame, the archive, the template and the app's
downloads create no file, not even a library's temporary one (openpyxl spills every sheet to ``/tmp`` while it
saves; flux_dash.excel writes with XlsxWriter in memory)."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest

from flux_dash import rapports, validation
from flux_dash.calculs import calculer_bilan
from flux_dash.indicateurs_csv import ecrire_indicateurs_csv
from flux_dash.modele import modele_saisie
from flux_dash.problemes import problemes_en_tableau
from flux_dash.ui.exports import tableau_en_csv, tableau_en_xlsx
from tests.conftest import SAMPLE_DATA


class Surveillance:
    """A temporary directory of its own (``tempfile.tempdir``, ``TMPDIR``) and a record of every request for it.

    Every function of :mod:`tempfile` (``NamedTemporaryFile``, ``mkstemp``, ``TemporaryFile``… even when a library
    imported it by name, as openpyxl does) asks ``tempfile.gettempdir()`` where to write when no directory is
    given: recording those requests catches files that are deleted before the end of the test, and the directory
    listing catches those left behind."""

    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier
        self.appels: list[str] = []

    def fichiers(self) -> list[str]:
        return sorted(str(p.relative_to(self.dossier)) for p in self.dossier.rglob("*"))


@pytest.fixture
def surveillance(tmp_path, monkeypatch) -> Surveillance:
    dossier = tmp_path / "temporaire_surveille"
    dossier.mkdir()
    surveillee = Surveillance(dossier)
    monkeypatch.setattr(tempfile, "tempdir", str(dossier))
    for variable in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(variable, str(dossier))
    for nom in ("gettempdir", "gettempdirb"):
        originale = getattr(tempfile, nom)

        def enregistrer(_nom=nom, _originale=originale):
            surveillee.appels.append(_nom)
            return _originale()

        monkeypatch.setattr(tempfile, nom, enregistrer)
    return surveillee


def test_la_surveillance_voit_les_fichiers_temporaires_d_openpyxl(surveillance):
    """The check can fail: openpyxl's save goes through a temporary file per sheet."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "tours du bailleur"
    wb.save(io.BytesIO())
    assert surveillance.appels == ["gettempdir"] * len(wb.worksheets)
    assert tempfile.gettempdir() == str(surveillance.dossier) and os.environ["TMPDIR"] == str(surveillance.dossier)


def test_aucun_fichier_temporaire_du_televersement_aux_classeurs(surveillance):
    televersement = [("flux_demo_2024.xlsx", (SAMPLE_DATA / "flux_demo_2024.xlsx").read_bytes())]
    rapport = validation.charger(televersement, 2024)
    assert rapport.ok
    bilan = calculer_bilan(rapport.tables, 2024)
    options = rapports.OptionsRapports(bailleur="Habitat Francilien Démo", fichiers_source=tuple(rapport.fichiers))
    prevus = rapports.lister_rapports(bilan, options)
    assert {p.genre for p in prevus} == {"reservataire", "epci", "etat", "previsionnel"} and len(prevus) > 50
    archive = rapports.construire_archive(bilan, options)  # every trame of the demo, and the indicators file
    assert archive[:2] == b"PK"
    ecrire_indicateurs_csv(bilan)
    modele_saisie()
    problemes = problemes_en_tableau([*rapport.erreurs, *rapport.avertissements])
    tableau_en_xlsx(problemes, "Problèmes")
    tableau_en_csv(problemes)
    assert surveillance.appels == []
    assert surveillance.fichiers() == []
