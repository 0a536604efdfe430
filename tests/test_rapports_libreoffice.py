"""An independent reader opens the trames: LibreOffice (``soffice --headless --convert-to pdf``) converts one
workbook of each genre without error (stack.md: LibreOffice as a second reader of our OOXML).

Runs with a private user profile and a timeout. Skipped when soffice is missing, except in CI (env var ``CI``),
where a missing soffice is a failure: the CI image installs ``libreoffice-calc-nogui``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from flux_dash import rapports
from tests.petit_jeu import NOM, OPTIONS

pytestmark = pytest.mark.libreoffice

DELAI = 180


def _soffice() -> str:
    chemin = shutil.which("soffice") or shutil.which("libreoffice")
    if chemin is None:
        if os.environ.get("CI"):
            pytest.fail("soffice introuvable : installer libreoffice-calc-nogui (obligatoire en CI)")
        pytest.skip("soffice introuvable (installer libreoffice-calc-nogui)")
    return chemin


def test_libreoffice_convertit_un_classeur_de_chaque_genre(petit_bilan, tmp_path: Path):
    soffice = _soffice()
    choisis: dict[str, rapports.RapportPrevu] = {}
    for prevu in rapports.lister_rapports(petit_bilan, OPTIONS):
        if prevu.genre != "reservataire" or prevu.destinataire == NOM:
            choisis.setdefault(prevu.genre, prevu)
    assert set(choisis) == {"reservataire", "epci", "etat", "previsionnel"}
    entrees = []
    for prevu in choisis.values():
        chemin = tmp_path / prevu.nom_fichier
        chemin.write_bytes(prevu.construire())
        entrees.append(str(chemin))
    sortie = tmp_path / "pdf"
    profil = tmp_path / "profil"
    resultat = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profil.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(sortie),
            *entrees,
        ],
        capture_output=True,
        text=True,
        timeout=DELAI,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    for prevu in choisis.values():
        pdf = sortie / prevu.nom_fichier.replace(".xlsx", ".pdf")
        assert pdf.exists(), f"{pdf.name} absent : {resultat.stdout} {resultat.stderr}"
        assert pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 5_000
    # The réservataire named like a formula is printed as typed, not evaluated (a formula would print "y").
    if shutil.which("pdftotext"):
        pdf = sortie / choisis["reservataire"].nom_fichier.replace(".xlsx", ".pdf")
        texte = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        assert "HYPERLINK" in texte
