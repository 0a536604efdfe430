"""``python -m flux_dash`` runs the command line."""

import sys

from flux_dash.cli import main

sys.exit(main())
