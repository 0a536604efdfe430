"""Tables as downloadable files (CSV for spreadsheets, xlsx): pure functions, no Streamlit, tested.

CSV: UTF-8 with BOM, separator ``;``, decimal comma (what French Excel opens directly, as FORMAT.md §2.2),
text cells starting with ``= + - @`` tab or CR prefixed with ``'`` (:mod:`flux_dash.garde`). xlsx: numbers stay
numeric cells, user text never becomes a formula and gets Excel's quote prefix when it looks like one.
"""

from __future__ import annotations

import io

import pandas as pd

from flux_dash import garde


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
    """``df`` as a one-sheet workbook (header in bold, user text stored as text, dates JJ/MM/AAAA)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    titre_feuille = "".join(c for c in titre if c not in "[]:*?/\\")[:31] or "Tableau"
    ws.title = titre_feuille
    entetes = [(libelles or {}).get(str(c), str(c)) for c in df.columns]
    ws.append(entetes)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        if cell.data_type == "f":
            cell.data_type = "s"
    for ligne in df.itertuples(index=False):
        valeurs = []
        for v in ligne:
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
                valeurs.append(None)
            elif isinstance(v, pd.Timestamp):
                valeurs.append(v.to_pydatetime())
            elif hasattr(v, "item") and not isinstance(v, str):
                valeurs.append(v.item())
            else:
                valeurs.append(v)
        ws.append(valeurs)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # user text starting with "=": keep it as text
                cell.data_type = "s"
            if garde.est_dangereux(cell.value):
                cell.quotePrefix = True
            elif cell.is_date:
                cell.number_format = "DD/MM/YYYY"
    for i, entete in enumerate(entetes, start=1):
        cellules = (ws.cell(r, i).value for r in range(2, min(ws.max_row, 200) + 1))
        largeur = max([len(entete), *(len(str(v)) for v in cellules if v is not None)])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, largeur + 2)
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()
