"""Nothing of an upload reaches the disk along a full journey of the app (issue 12, row 6): the upload on the home
page, every page of the menu, the archive of every trame built on the Rapports page — under a watched temporary
directory and with every file opened for writing recorded (``open``, ``io.open`` and ``os.open``, as strace would see them).
tests/test_sans_fichier_temporaire.py proves the same for the library's functions one by one."""

from __future__ import annotations

import builtins
import io
import os
import tempfile
from pathlib import Path

import pytest

from flux_dash.ui import etat
from tests import petit_jeu
from tests.conftest import RACINE
from tests.ui_outils import nouvelle_app  # here: importing AppTest makes its own temporary directory

MARQUEUR = "Marqueur-televersement-7f3a"
"""A réservataire name found nowhere else: a file containing it holds data of the upload."""

_ECRITURE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class Enregistreur:
    """Every path opened for writing, and every request for the temporary directory."""

    def __init__(self) -> None:
        self.ecrits: list[str] = []
        self.temporaires: int = 0
        self.piles: list[str] = []


@pytest.fixture
def enregistreur(tmp_path, monkeypatch) -> Enregistreur:
    e = Enregistreur()
    dossier = tmp_path / "temporaire_surveille"
    dossier.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(dossier))
    for variable in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(variable, str(dossier))
    gettempdir = tempfile.gettempdir

    def compter():
        import traceback

        e.temporaires += 1
        e.piles.append("".join(traceback.format_stack(limit=30)))
        return gettempdir()

    monkeypatch.setattr(tempfile, "gettempdir", compter)
    ouvrir, os_ouvrir = builtins.open, os.open

    def open_enregistre(fichier, mode="r", *args, **kwargs):
        if isinstance(fichier, str | bytes | os.PathLike) and any(c in mode for c in "wax+"):
            e.ecrits.append(os.fsdecode(fichier))
        return ouvrir(fichier, mode, *args, **kwargs)

    def os_open_enregistre(chemin, drapeaux, *args, **kwargs):
        if drapeaux & _ECRITURE:
            e.ecrits.append(os.fsdecode(chemin))
        return os_ouvrir(chemin, drapeaux, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_enregistre)
    monkeypatch.setattr(io, "open", open_enregistre)  # pathlib's write_bytes goes through io.open
    monkeypatch.setattr(os, "open", os_open_enregistre)
    e.dossier = dossier  # type: ignore[attr-defined]
    return e


def _fichiers_marques() -> list[tuple[str, bytes]]:
    return [(n, o.replace(petit_jeu.PREFET.encode(), MARQUEUR.encode())) for n, o in petit_jeu.fichiers_petits()]


@pytest.mark.lent
def test_parcours_complet_de_l_application_sans_rien_sur_le_disque(enregistreur):
    at = nouvelle_app().run()
    at.file_uploader[0].set_value([(n, o, "text/csv") for n, o in _fichiers_marques()]).run()
    assert not at.exception and at.session_state[etat.RAPPORT].ok
    pages = sorted(p.relative_to(RACINE).as_posix() for p in (RACINE / "pages").glob("*.py"))
    assert len(pages) >= 7
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, page
    at.switch_page("pages/8_Rapports.py").run()
    next(b for b in at.button if b.label == "Préparer l'archive de tous les rapports").click().run()
    assert not at.exception
    travail = at.session_state[etat.ARCHIVE]  # built in a thread of the session (flux_dash/ui/arriere_plan.py)
    assert travail.attendre(300) and travail.erreur is None
    archive = travail.resultat
    assert archive[:2] == b"PK" and len(archive) > 10_000  # every trame was built, in memory

    assert enregistreur.ecrits == []
    assert enregistreur.temporaires == 0, enregistreur.piles
    restes = [p for p in Path(enregistreur.dossier).rglob("*") if p.is_file()]  # type: ignore[attr-defined]
    assert [p for p in restes if MARQUEUR.encode() in p.read_bytes()] == [] and restes == []


def test_l_enregistreur_voit_chaque_ecriture(enregistreur, tmp_path):
    """The check can fail: a file written with ``open``, with ``os.open`` or in the temporary directory is seen."""
    (tmp_path / "a.txt").write_text(MARQUEUR)
    os.close(os.open(tmp_path / "b.txt", os.O_WRONLY | os.O_CREAT))
    with tempfile.NamedTemporaryFile():
        pass
    assert enregistreur.ecrits[:2] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    assert enregistreur.temporaires >= 1
