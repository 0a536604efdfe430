"""The receiving side (FORMAT.md §3, DOMAINE.md §3.1): an EPCI/EPT co-pilot, a DDETS or the DRIHL consolidates the
bilans of every landlord of its territory, produced by flux_dash.

Read → check → consolidate, as for a landlord's bilan::

    from flux_dash import consolidation as fc
    recus = fc.lire_envois(["flux_2024_habitat-a.zip", "indicateurs_2024.csv", "bilan_2024_epci_est-ensemble.xlsx"],
                           annee=2024)
    recus.ok, recus.tableau()                       # problems in French, naming the file
    c = fc.consolider(recus.envois, 2024)           # a Consolidation
    c.flux.query("bailleur == ''")                  # the territory's flux, all landlords together

Modules: :mod:`.contrat` (what is read, what adds up), :mod:`.reception` (reading the files), :mod:`.controles`
(reconciliation of each landlord's figures), :mod:`.moteur` (the steps of the consolidation), :mod:`.tableaux`
(its tables), :mod:`.couverture` (who has sent), :mod:`.base` (the campaign store, DuckDB), :mod:`.sorties`
(the consolidated CSV files), :mod:`.commandes` (``flux-dash consolider`` and ``flux-dash campagne``),
:mod:`.demo` (a fictional territory of several landlords).
"""

from __future__ import annotations

from flux_dash.consolidation.reception import Envoi, FichierRecu, Reception, lire_envois

__all__ = ["Envoi", "FichierRecu", "Reception", "lire_envois"]
