"""An independent reader opens the trames: LibreOffice (``soffice --headless --convert-to pdf``) converts one
workbook of each genre without error (stack.md: LibreOffice as a second reader of our OOXML).

Runs with a private user profile and a timeout. Skipped when soffice is missing, except in CI (env var ``CI``),
where a missing soffice is a failure: the CI image installs ``libreoffice-calc-nogui``.
"""

from __future__ import annotations

import os
import re
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


def _consolidation() -> rapports.RapportPrevu:
    """The consolidated workbook of the département 93 of two hand-made landlords, with n−1 (every sheet)."""
    from outils_consolidation import csv_tidy, habitat_a, logis_b

    from flux_dash.consolidation import consolider, lire_envois

    recus = lire_envois([("a.csv", csv_tidy("=Habitat A", habitat_a())), ("b.csv", csv_tidy("Logis B", logis_b()))])
    avant = lire_envois([("a23.csv", csv_tidy("=Habitat A", habitat_a(), annee=2023))])
    co = consolider(recus.envois, 2024, precedents=avant.envois)
    return next(p for p in rapports.lister_consolidations(co) if p.nom_fichier.endswith("seine-saint-denis-93.xlsx"))


def test_libreoffice_convertit_un_classeur_de_chaque_genre(petit_bilan, tmp_path: Path):
    soffice = _soffice()
    choisis: dict[str, rapports.RapportPrevu] = {}
    for prevu in rapports.lister_rapports(petit_bilan, OPTIONS):
        if prevu.genre != "reservataire" or prevu.destinataire == NOM:
            choisis.setdefault(prevu.genre, prevu)
    assert set(choisis) == {"reservataire", "epci", "etat", "previsionnel"}
    choisis["consolidation"] = _consolidation()  # the receiving side's trame (FORMAT.md §3.2)
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


def test_classeur_consolide_imprime_sans_la_liste_des_donnees(tmp_path: Path):
    """Rendered by LibreOffice, every page carries its sheet's footer and « Données » takes one page (its data rows
    are not printed: flux_dash.rapports.donnees)."""
    soffice = _soffice()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext introuvable (installer poppler-utils)")
    prevu = _consolidation()
    chemin = tmp_path / prevu.nom_fichier
    chemin.write_bytes(prevu.construire())
    resultat = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless", "--norestore"]
        + ["--convert-to", "pdf", "--outdir", str(tmp_path), str(chemin)],
        capture_output=True,
        text=True,
        timeout=DELAI,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    texte = subprocess.run(
        ["pdftotext", "-layout", str(chemin.with_suffix(".pdf")), "-"], capture_output=True, text=True, timeout=60
    ).stdout
    pages = [p for p in texte.split("\f") if p.strip()]
    pieds = [[x.strip() for x in p.strip().splitlines() if x.strip()][-1] for p in pages]
    assert all(re.search(r"Page \d+ / \d+$", pied) for pied in pieds), pieds
    assert sum(pied.startswith("Données") for pied in pieds) == 1
