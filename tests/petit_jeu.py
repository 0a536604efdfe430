"""The four-logement data set of tests/test_rapports.py (its docstring says what it holds), shared with the other
modules that need a bilan computed by hand: the files, and the names and options they use.

Plain helpers; the bilan itself is the ``petit_bilan`` fixture of tests/conftest.py.
"""

from __future__ import annotations

import pandas as pd

from flux_dash import rapports

NOM = '=HYPERLINK("http://x","y")'
"""A réservataire named like a spreadsheet formula: it must stay text in every workbook."""
PREFET = "Préfecture 93"
OPTIONS = rapports.OptionsRapports(bailleur="Habitat Test", fichiers_source=(("tours.csv", "ab" * 32),))
ANNEE = 2024


def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(sep=";", index=False).encode("utf-8")


def fichiers_petits() -> list[tuple[str, bytes]]:
    """The three CSV files (logements, tours, conventions) of the set, as a user would upload them."""
    logements = pd.DataFrame(
        [
            ["L1", "93066", "oui", "T3", "PLUS", 1970, "15/01/2024", ""],
            ["L2", "93066", "non", "T2", "PLAI", 2005, "01/02/2024", ""],
            ["L3", "93048", "non", "T4", "PLS", 1990, "01/03/2024", ""],
            ["L4", "93048", "non", "T1", "PLUS", 1960, "01/04/2024", "MUTATION_INTERNE"],
        ],
        columns=[
            "id_logement",
            "code_commune",
            "qpv",
            "typologie",
            "financement",
            "annee_construction",
            "date_disponibilite",
            "categorie_soustraction",
        ],
    )
    tours = pd.DataFrame(
        [
            ["L1", 1, NOM, "01/02/2024", "ATTRIBUE", "01/03/2024"],
            ["L2", 1, PREFET, "10/02/2024", "ABSENCE_DESIGNATION", ""],
            ["L2", 2, "Bailleur", "01/04/2024", "ATTRIBUE", "15/04/2024"],
            ["L3", 1, NOM, "05/03/2024", "REFUS_CANDIDAT", ""],
            ["L4", 1, "Bailleur", "05/04/2024", "ATTRIBUE", "20/04/2024"],
        ],
        columns=["id_logement", "numero_tour", "reservataire", "date_orientation", "issue", "date_attribution"],
    )
    conventions = pd.DataFrame(
        [[NOM, "ACTION_LOGEMENT", "DEPARTEMENT", "93", 30], [PREFET, "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 25]],
        columns=["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"],
    )
    return [("logements.csv", _csv(logements)), ("tours.csv", _csv(tours)), ("conventions.csv", _csv(conventions))]
