"""Helpers of the catalogue's tests (tests/test_catalogue.py, tests/test_validation.py)."""

from __future__ import annotations

import re

from flux_dash.problemes import Probleme
from flux_dash.validation.catalogue import Code


def _motif(code: Code) -> re.Pattern[str]:
    """The code's text as a pattern: each ``{field}`` is some text."""
    morceaux = re.split(r"\{\w+\}", code.texte)
    return re.compile(".+".join(re.escape(m) for m in morceaux) + r"\Z", re.S)


def suit_le_catalogue(p: Probleme) -> bool:
    """The problem has the gravity of its code and reads its code's one text (summary lines « … et N autres »
    continue a rule's lines and are allowed as such)."""
    code = Code(p.code)
    return p.gravite == code.gravite and (p.regle.startswith("… et ") or bool(_motif(code).match(p.regle)))
