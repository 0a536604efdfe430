"""The demo's files: the four tables as French CSV files and as one workbook written by :mod:`flux_dash.excel`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from flux_dash import excel as xl
from flux_dash.colonnes import PAR_NOM
from flux_dash.demo.generateur import ANNEE_DEMO, PARAMETRES_DEMO, ParametresDemo, generer_demo

NOM_CLASSEUR = f"flux_demo_{ANNEE_DEMO}.xlsx"
NOMS_CSV = {
    "logements": "demo_logements.csv",
    "tours": "demo_tours.csv",
    "conventions": "demo_conventions.csv",
    "previsionnel": "demo_previsionnel.csv",
}
FEUILLES = {"logements": "Logements", "tours": "Tours", "conventions": "Conventions", "previsionnel": "Prévisionnel"}
COLONNES_DATE = {"date_disponibilite", "date_orientation", "date_attribution"}


def texte_csv(valeur: object) -> str:
    """One value as the demo's CSV files write it: empty when missing, decimal comma, else as typed."""
    if valeur is None or valeur is pd.NA or (isinstance(valeur, float) and np.isnan(valeur)):
        return ""
    if isinstance(valeur, float):
        return f"{valeur:g}".replace(".", ",")  # decimal comma (FORMAT.md §1)
    return str(valeur)


def csv_en_texte(table: pd.DataFrame) -> str:
    """A table as a French CSV text: ``;`` separator, decimal comma, empty cells for missing values."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\n")
    ecrivain.writerow(table.columns)
    colonnes = [table[c].to_numpy(dtype=object) for c in table.columns]
    ecrivain.writerows([[texte_csv(v) for v in ligne] for ligne in zip(*colonnes, strict=True)])
    return tampon.getvalue()


def ecrire_csv(tables: dict[str, pd.DataFrame], dossier: str | Path, noms: dict[str, str] = NOMS_CSV) -> list[Path]:
    """Writes each table as a CSV file in UTF-8 with BOM (Excel opens it with the right accents)."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    chemins = []
    for table, nom in noms.items():
        chemin = dossier / nom
        chemin.write_text(csv_en_texte(tables[table]), encoding="utf-8-sig", newline="")
        chemins.append(chemin)
    return chemins


def _largeur(colonne: str, valeurs: pd.Series) -> float:
    longueurs = valeurs.astype("str").str.len()
    plus_longue = int(longueurs.max()) if len(longueurs) else 0
    return min(max(len(colonne), plus_longue, 10 if colonne in COLONNES_DATE else 0) + 2, 60)


def classeur_demo(tables: dict[str, pd.DataFrame], parametres: ParametresDemo = PARAMETRES_DEMO) -> bytes:
    """The four tables as one workbook (sheets Logements, Tours, Conventions, Prévisionnel; header on row 1), as
    ``.xlsx`` bytes written by :mod:`flux_dash.excel`.

    Codes and identifiers are text cells formatted as text (leading zeros survive, and so do codes a user types
    in new rows: the whole column is formatted ``@``), dates real date cells shown ``JJ/MM/AAAA``, numbers numeric
    cells, empty values empty cells; the header row is bold and frozen, columns sized to their content. The
    landlord's name is the file's author; its date is fixed (the extraction date): the same tables give the same
    bytes.
    """
    wb = xl.nouveau_classeur()
    wb.titre = f"Tours de commercialisation {parametres.annee} (données fictives)"
    wb.auteur = parametres.nom_bailleur
    wb.date = dt.datetime.combine(parametres.date_extraction, dt.time())
    for table, titre in FEUILLES.items():
        df = tables[table]
        ws = xl.nouvelle_feuille(wb, titre)
        codes = {c for c in df.columns if PAR_NOM[table].colonne(c).genre == "code"}
        donnees = df.copy()
        for j, colonne in enumerate(df.columns, start=1):
            xl.ecrire_texte(ws, 1, j, colonne, xl.STYLE_ENTETE_DONNEES)
            ws.largeurs[j] = _largeur(colonne, df[colonne])
            if colonne in codes:
                ws.formats_colonnes[j] = xl.FORMAT_TEXTE
            if colonne in COLONNES_DATE:
                donnees[colonne] = pd.to_datetime(df[colonne].replace("", None), format="%d/%m/%Y")
        xl.ecrire_donnees(ws, donnees, 2, 1, {c: xl.FORMAT_TEXTE for c in codes})
        xl.figer_entete(ws, "A2")
    return xl.classeur_en_octets(wb)


def ecrire_classeur(
    tables: dict[str, pd.DataFrame], chemin: str | Path, parametres: ParametresDemo = PARAMETRES_DEMO
) -> Path:
    """Writes :func:`classeur_demo` to ``chemin`` (parent folders created); returns the path."""
    chemin = Path(chemin)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_bytes(classeur_demo(tables, parametres))
    return chemin


def ecrire_demo(
    dossier: str | Path, nb_logements: int = 3000, graine: int = 2024, parametres: ParametresDemo = PARAMETRES_DEMO
) -> list[Path]:
    """Writes ``flux_demo_2024.xlsx`` and the same tables as CSV files in ``dossier/csv/``; returns the paths."""
    dossier = Path(dossier)
    tables = generer_demo(nb_logements, graine, parametres)
    return [ecrire_classeur(tables, dossier / NOM_CLASSEUR, parametres), *ecrire_csv(tables, dossier / "csv")]
