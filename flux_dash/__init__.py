"""flux_dash: bilans et prévisionnels de la gestion en flux (Île-de-France).

The public API for notebooks and scripts — read → validate → compute → figures as DataFrames::

    import flux_dash as fd
    rapport = fd.charger(["tours.xlsx"])          # lire + valider: a RapportValidation
    bilan = fd.calculer_bilan(rapport.tables, 2024)
    bilan.realisation                              # one row per réservataire × perimeter

Names are imported lazily so that ``import flux_dash`` stays cheap (the CLI starts fast) and so that the
library never pulls in Streamlit.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("flux-dash")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

_API = {
    "lire": "flux_dash.lecture",
    "valider": "flux_dash.validation",
    "charger": "flux_dash.validation",
    "annee_par_defaut": "flux_dash.validation",
    "calculer_bilan": "flux_dash.calculs",
    "calculer_previsionnel": "flux_dash.calculs",
    "verifier_reconciliation": "flux_dash.calculs",
    "Bilan": "flux_dash.calculs",
    "ReglesCalcul": "flux_dash.regles",
    "indicateurs_en_tableau": "flux_dash.indicateurs_csv",
    "ecrire_indicateurs_csv": "flux_dash.indicateurs_csv",
    "generer_demo": "flux_dash.demo",
    "ecrire_demo": "flux_dash.demo",
    "modele_saisie": "flux_dash.modele",
}

__all__ = ["__version__", *_API]


def __getattr__(nom: str):
    if nom in _API:
        return getattr(import_module(_API[nom]), nom)
    raise AttributeError(f"module 'flux_dash' has no attribute {nom!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
