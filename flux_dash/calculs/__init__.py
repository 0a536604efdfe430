"""The engine of the bilan: from the clean tables and a year n to every figure of DOMAINE.md §3–§5, as tidy
DataFrames gathered in a :class:`Bilan`.

One entry point, :func:`calculer_bilan`, returns a :class:`Bilan`. Reports, charts and the CSV only read a
Bilan; nothing is recomputed downstream (house style §6: a figure shown in a chart, a workbook and the CSV is
computed once).

Modules, in import order (none imports a module listed after it):

- :mod:`.cles` — the keys, sort orders, labels and small helpers every step shares;
- :mod:`.definitions` — the French definition of every figure;
- :mod:`.reconciliation` — the checks that the frames add up;
- :mod:`.bilan` — the :class:`Bilan` and the declaration of each of its frames (:data:`CADRES`, :data:`COLONNES`);
- :mod:`.perimetres` — the perimeters and the communes they hold;
- :mod:`.indicateurs`, :mod:`.previsionnel` — the §4 indicators, the prévisionnel n+1;
- :mod:`.moteur` — the sequence of steps (:func:`calculer_bilan`).
"""

from __future__ import annotations

from flux_dash.calculs.bilan import CADRES, COLONNES, Bilan, verifier_reconciliation
from flux_dash.calculs.moteur import calculer_bilan
from flux_dash.calculs.previsionnel import calculer_previsionnel
from flux_dash.regles import ReglesCalcul

__all__ = [
    "CADRES",
    "COLONNES",
    "Bilan",
    "ReglesCalcul",
    "calculer_bilan",
    "calculer_previsionnel",
    "verifier_reconciliation",
]
