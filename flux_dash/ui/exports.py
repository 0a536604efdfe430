"""Tables as downloadable files (CSV for spreadsheets, xlsx): pure functions, no Streamlit, tested.

CSV: UTF-8 with BOM, separator ``;``, decimal comma (what French Excel opens directly, as FORMAT.md §2.2),
text cells starting with ``= + - @`` tab or CR prefixed with ``'`` (:mod:`flux_dash.garde`). xlsx: numbers stay
numeric cells, user text never becomes a formula and gets Excel's quote prefix when it looks like one.
"""

from __future__ import annotations

import pandas as pd

from flux_dash import excel as xl
from flux_dash import garde
from flux_dash import referentiel as ref


def tableau_en_csv(df: pd.DataFrame, libelles: dict[str, str] | None = None) -> bytes:
    """``df`` as French CSV bytes (columns renamed with ``libelles`` when given)."""
    sortie = garde.neutraliser_tableau(df)
    for col in sortie.columns:
        if pd.api.types.is_datetime64_any_dtype(sortie[col]):
            sortie[col] = sortie[col].dt.strftime("%d/%m/%Y")
    if libelles:
        sortie = sortie.rename(columns=libelles)
    return sortie.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n").encode("utf-8-sig")


def tableau_en_xlsx(df: pd.DataFrame, titre: str = "Tableau", libelles: dict[str, str] | None = None) -> bytes:
    """``df`` as a one-sheet workbook written by :mod:`flux_dash.excel`: header in bold, numbers as numeric cells,
    dates JJ/MM/AAAA, booleans oui/non, user text stored as text (quote prefix when it starts like a formula); the
    sheet title is ``titre`` made valid for Excel."""
    wb = xl.nouveau_classeur()
    ws = xl.nouvelle_feuille(wb, titre or "Tableau")
    entetes = [(libelles or {}).get(str(c), str(c)) for c in df.columns]
    for j, entete in enumerate(entetes, start=1):
        xl.ecrire_texte(ws, 1, j, entete, xl.STYLE_GRAS)
    xl.ecrire_donnees(ws, df, 2, 1)
    for j, (entete, colonne) in enumerate(zip(entetes, df.columns, strict=True), start=1):
        serie = df[colonne].iloc[:199]
        if pd.api.types.is_datetime64_any_dtype(serie.dtype):
            longueurs = [10]
        else:
            longueurs = [len(str(v)) for v in serie.tolist() if not xl.est_manquant(v)]
        ws.largeurs[j] = min(60, max([len(entete), *longueurs]) + 2)
    return xl.classeur_en_octets(wb)


def nom_telechargement(nom: str, bailleur: str = "") -> str:
    """The base name (no extension) of a downloaded table: ``nom`` (which carries the year) and the landlord when
    known, as a slug — ``territoires_commune_2024_habitat_du_val`` rather than a generic name."""
    bailleur = bailleur.strip()
    return ref.slug(f"{nom}_{bailleur}" if bailleur else nom)
