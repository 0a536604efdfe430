"""Writing a batch of output files to a folder, all or nothing (FORMAT.md §1.5: never half a bilan).

The files are first written into a hidden folder inside the destination, then moved into place one by one
(``os.replace``, same file system): a failure while writing (disk full, a name the file system refuses) removes
the hidden folder and leaves the destination as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def ecrire_tout_ou_rien(sortie: Path, fichiers: Mapping[str, bytes]) -> None:
    """Write ``{relative path: content}`` under ``sortie`` (created if needed), every file or none."""
    sortie.mkdir(parents=True, exist_ok=True)
    attente = Path(tempfile.mkdtemp(prefix=".flux-dash-en-cours-", dir=sortie))
    try:
        for chemin, contenu in fichiers.items():
            cible = attente / chemin
            cible.parent.mkdir(parents=True, exist_ok=True)
            cible.write_bytes(contenu)
        for chemin in fichiers:
            (sortie / chemin).parent.mkdir(parents=True, exist_ok=True)
            os.replace(attente / chemin, sortie / chemin)
    finally:
        shutil.rmtree(attente, ignore_errors=True)
