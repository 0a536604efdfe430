"""Every limit of the product, declared once (issue 12): what an input may weigh and hold, and how long a name
may be in a file name. Readers, the command line and the app import these values; docs/securite.md lists them.

Each limit has its French message, which gives the limit's value: a user who hits one knows what to change.
"""

from __future__ import annotations

from flux_dash import formats

LONGUEUR_SLUG = 60
"""Characters of a name's slug in a file name (FORMAT.md §2.1). Longer slugs are cut and end with a stable suffix
of 8 hexadecimal characters taken from the whole slug, so that ``bilan_{n}_reservataire_{slug}.xlsx`` stays far
under the 255 bytes a file system allows, whatever the name (a 1 MB réservataire name included)."""

# --- Uploads (the app) -------------------------------------------------------------------------------------

TELEVERSEMENT_MO = 50
"""Largest file the app accepts, in MB (``server.maxUploadSize`` of ``.streamlit/config.toml``, same value: a test
says so). A landlord's yearly file is a few MB (100 000 tours ≈ 10 MB as CSV)."""

# --- Tables (every file, CLI and app) ------------------------------------------------------------------------

LIGNES_TABLE = 2_000_000
"""Rows of one table (a sheet or a CSV file). The regional benchmark's 1 000 000 logements fit; an Excel sheet
holds at most 1 048 576 rows."""

CELLULES_TABLE = 25_000_000
"""Cells (rows × columns) of one table: 1 250 000 rows of 20 columns. The 1 000 000-logement benchmark set (issue
11: ≤ 2,5 Go at that size; 1,5 Go measured) has 1 375 691 tours × 11 columns = 15,1 M cells, which the former
15 000 000 refused. Checked before parsing, on what the sheet announces (its ``<dimension>``) and on the CSV's
line count, then on what was read."""

CARACTERES_CELLULE = 32_767
"""Characters of one cell: Excel's own limit; a longer value is an error naming the line and the column."""

CARACTERES_VALEUR_CITEE = 200
"""Characters of a bad value quoted in a problem (the app, ``erreurs.csv``, ``valider --csv``): cut with « … »."""

CARACTERES_NOM = 300
"""Characters of a name: a réservataire (in tours and conventions) and the landlord (``--bailleur``, the app's
« Nom du bailleur »)."""

CARACTERES_LISTE_ATTENDUS = 20_000
"""Characters of the list of expected landlords typed or pasted on the app's Réception page (one landlord per
line: several hundred landlords fit)."""

# --- Workbooks and archives (xlsx, ods and zip are ZIP archives) -----------------------------------------------

MEMBRES_ARCHIVE = 1_000
"""Files inside one workbook (an xlsx of 4 sheets has about 15)."""

TAILLE_MEMBRE = 256 * 1024 * 1024
"""Inflated size of one file inside a workbook (a sheet's XML), in bytes: 256 Mio, about 1 000 000 rows of
10 columns."""

TAILLE_DECOMPRESSEE = 512 * 1024 * 1024
"""Inflated size of all files of one workbook together, in bytes: 512 Mio."""

RATIO_COMPRESSION = 100
"""Inflated ÷ compressed size of one member, checked above :data:`TAILLE_RATIO_MIN` (a honest sheet stays under
20: 8 to 9 for the demo workbook; a whitespace bomb reaches 1 000)."""

TAILLE_RATIO_MIN = 1024 * 1024
"""The ratio is only checked for members larger than this once inflated (1 Mio): small XML files compress at any
ratio."""


def octets_lisibles(octets: int) -> str:
    """« 256 Mio », « 1 Gio » (French binary units, for the messages that give a limit)."""
    for unite, taille in (("Gio", 1024**3), ("Mio", 1024**2), ("Kio", 1024)):
        if octets >= taille:
            return f"{formats.nombre(octets / taille)} {unite}"
    return f"{formats.nombre(octets)} octets"
