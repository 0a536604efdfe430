"""``python -m flux_dash.demo DOSSIER``: regenerates the demo files and the broken set (in DOSSIER/casse)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from flux_dash.demo import ecrire_demo, ecrire_jeu_casse


def main(arguments: Sequence[str] | None = None) -> int:
    """``python -m flux_dash.demo DOSSIER``: regenerates the demo files and the broken set (in DOSSIER/casse)."""
    arguments = list(sys.argv[1:] if arguments is None else arguments)
    if len(arguments) != 1:
        print("Usage : python -m flux_dash.demo DOSSIER", file=sys.stderr)
        return 2
    dossier = Path(arguments[0])
    for chemin in [*ecrire_demo(dossier), *ecrire_jeu_casse(dossier / "casse")]:
        print(chemin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
