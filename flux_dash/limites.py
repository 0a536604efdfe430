"""Every limit of the product, declared once (issue 12): what an input may weigh and hold, and how long a name
may be in a file name. Readers, the command line and the app import these values; docs/securite.md lists them.

Each limit has its French message, which gives the limit's value: a user who hits one knows what to change.
"""

from __future__ import annotations

LONGUEUR_SLUG = 60
"""Characters of a name's slug in a file name (FORMAT.md §2.1). Longer slugs are cut and end with a stable suffix
of 8 hexadecimal characters taken from the whole slug, so that ``bilan_{n}_reservataire_{slug}.xlsx`` stays far
under the 255 bytes a file system allows, whatever the name (a 1 MB réservataire name included)."""
