"""What a batch of trames computes once per :class:`~flux_dash.calculs.Bilan` rather than once per workbook.

A landlord's batch is hundreds of workbooks of one Bilan (312 at 300 000 logements): the lookups every workbook
repeats (a réservataire's category and convention perimeters, the communes of a perimeter, the indicators table
and its index) are computed at the first workbook and kept as long as the Bilan lives (a weak reference: the
memory goes with the Bilan, nothing outlives it). The Bilan is frozen: a result never goes stale.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")


def par_bilan(fonction: Callable[..., R]) -> Callable[..., R]:
    """Decorator: ``fonction(bilan, *args)`` computed once per Bilan (by identity) and hashable ``args``.

    The result is shared by every caller: return immutable values (tuples, frozen objects) or frames that the
    callers never modify."""
    memoires: dict[int, tuple[weakref.ref, dict[tuple, object]]] = {}

    @functools.wraps(fonction)
    def enveloppe(bilan, *args):  # noqa: ANN001, ANN202 - same signature as the function wrapped
        entree = memoires.get(id(bilan))
        if entree is None or entree[0]() is not bilan:
            entree = (weakref.ref(bilan), {})
            memoires[id(bilan)] = entree
            weakref.finalize(bilan, memoires.pop, id(bilan), None)
        resultats = entree[1]
        if args not in resultats:
            resultats[args] = fonction(bilan, *args)
        return resultats[args]

    enveloppe.memoires = memoires  # type: ignore[attr-defined]  (tests: one entry per live Bilan)
    return enveloppe
