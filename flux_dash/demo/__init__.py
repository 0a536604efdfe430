"""Demo dataset: the tours of a fictional landlord, « Habitat Francilien Démo », and a deliberately broken copy.

This package owns the sample data of the product (``sample_data/``), in three parts:

- :mod:`.generateur` — :func:`generer_demo` builds the four input tables of FORMAT.md §1 as a user would type
  them (French date strings, ``oui``/``non``, codes as text), seeded, for the landlord described by
  :class:`ParametresDemo`;
- :mod:`.fichiers` — :func:`ecrire_demo` writes them as one workbook (through :mod:`flux_dash.excel`, the
  product's only xlsx writer) and as French CSV files;
- :mod:`.casse` — :func:`ecrire_jeu_casse` writes a small copy with documented mistakes, to show what validation
  reports.

``python -m flux_dash.demo DOSSIER`` regenerates both (``flux-dash exemple`` writes the demo only).
"""

from flux_dash.demo.casse import (
    NB_LOGEMENTS_CASSE,
    NOMS_CSV_CASSE,
    ErreurVoulue,
    ecrire_jeu_casse,
    jeu_casse,
    lisezmoi_casse,
)
from flux_dash.demo.fichiers import (
    COLONNES_DATE,
    FEUILLES,
    NOM_CLASSEUR,
    NOMS_CSV,
    classeur_demo,
    csv_en_texte,
    ecrire_classeur,
    ecrire_csv,
    ecrire_demo,
)
from flux_dash.demo.generateur import (
    ANNEE_DEMO,
    ARTICLES_DEPARTEMENT,
    COMMUNES_DEMO,
    DATE_EXTRACTION,
    NOM_BAILLEUR_DEMO,
    PARAMETRES_DEMO,
    ConventionDemo,
    ParametresDemo,
    conventions_demo,
    generer_demo,
)

__all__ = [
    "ANNEE_DEMO",
    "ARTICLES_DEPARTEMENT",
    "COLONNES_DATE",
    "COMMUNES_DEMO",
    "DATE_EXTRACTION",
    "FEUILLES",
    "NB_LOGEMENTS_CASSE",
    "NOMS_CSV",
    "NOMS_CSV_CASSE",
    "NOM_BAILLEUR_DEMO",
    "NOM_CLASSEUR",
    "PARAMETRES_DEMO",
    "ConventionDemo",
    "ErreurVoulue",
    "ParametresDemo",
    "classeur_demo",
    "conventions_demo",
    "csv_en_texte",
    "ecrire_classeur",
    "ecrire_csv",
    "ecrire_demo",
    "ecrire_jeu_casse",
    "generer_demo",
    "jeu_casse",
    "lisezmoi_casse",
]
