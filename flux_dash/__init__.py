"""flux_dash: bilans et prévisionnels de la gestion en flux (Île-de-France).

Public API for notebooks and scripts (read → validate → compute → figures as DataFrames) is re-exported here.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("flux-dash")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
