"""The validation report as the Contrôles page shows it: pure functions (no Streamlit), tested.

Columns and French labels come from :mod:`flux_dash.problemes` (``LIBELLES_COLONNES_PROBLEMES``).
"""

from __future__ import annotations

import pandas as pd

from flux_dash import formats
from flux_dash.problemes import LIBELLES_COLONNES_PROBLEMES, RapportValidation
from flux_dash.referentiel import normaliser_texte

LIBELLES_GRAVITE = {"erreur": "Erreur", "avertissement": "Avertissement", "information": "Information"}
COLONNES_AFFICHEES = ["gravite", "source", "ligne", "colonne", "conseil", "valeur", "regle"]
"""What the page's table shows, in this order: the gravity, where (sheet, line, column), how to fix it, what was
found, the rule (the advice restates it). The rule code and canonical table name stay in the downloads."""
LARGEURS = {"gravite": 110, "conseil": 300, "valeur": 110, "regle": 220}
"""Column widths (px) of the detail table (the others fit their content): at 1280 px everything up to the value
is on screen; long texts wrap over :data:`HAUTEUR_LIGNE` and show whole on hover."""
HAUTEUR_LIGNE = 72
"""Streamlit wraps cell texts only in rows taller than 4rem (64 px): 72 px show three lines."""


def titre_controles(rapport: RapportValidation) -> str:
    """The page's headline: « Aucune erreur : le bilan peut être produit » / « 12 erreurs bloquent le bilan »."""
    nb = len(rapport.erreurs)
    if nb == 0:
        return "Aucune erreur : le bilan peut être produit"
    if nb == 1:
        return "1 erreur bloque le bilan"
    return f"{formats.nombre(nb)} erreurs bloquent le bilan"


def tableau_problemes(rapport: RapportValidation) -> pd.DataFrame:
    """Every problem (errors, then warnings, then informations), ``gravite`` as its French label."""
    df = rapport.tableau()
    df["gravite"] = df["gravite"].map(LIBELLES_GRAVITE).fillna(df["gravite"])
    df["source"] = df["source"].where(df["source"].astype(str) != "", df["table"])
    return df.reset_index(drop=True)


def filtrer_problemes(
    df: pd.DataFrame,
    gravites: list[str] | tuple[str, ...] = (),
    sources: list[str] | tuple[str, ...] = (),
    regles: list[str] | tuple[str, ...] = (),
    recherche: str = "",
) -> pd.DataFrame:
    """Rows of :func:`tableau_problemes` matching every given criterion (empty = no constraint).

    ``recherche`` matches, ignoring case and accents, any of source, colonne, règle, valeur, conseil.
    """
    garde = pd.Series(True, index=df.index)
    if gravites:
        garde &= df["gravite"].isin(gravites)
    if sources:
        garde &= df["source"].isin(sources)
    if regles:
        garde &= df["regle"].isin(regles)
    motif = normaliser_texte(recherche.strip()) if recherche else ""
    if motif:
        texte = df[["source", "colonne", "regle", "valeur", "conseil"]].astype(str).agg(" ".join, axis=1)
        garde &= texte.map(lambda t: motif in normaliser_texte(t))
    return df[garde].reset_index(drop=True)


def compter_par_regle(df: pd.DataFrame) -> pd.DataFrame:
    """Counts by (gravité, règle): columns ``gravite``, ``regle``, ``nombre``; gravity order, then most frequent."""
    if df.empty:
        return pd.DataFrame(
            {
                "gravite": pd.Series(dtype="object"),
                "regle": pd.Series(dtype="object"),
                "nombre": pd.Series(dtype="int64"),
            }
        )
    ordre = {lib: i for i, lib in enumerate(LIBELLES_GRAVITE.values())}
    c = df.groupby(["gravite", "regle"], as_index=False, sort=False).size().rename(columns={"size": "nombre"})
    c["_ordre"] = c["gravite"].map(ordre)
    c = c.sort_values(["_ordre", "nombre", "regle"], ascending=[True, False, True], kind="stable")
    return c.drop(columns="_ordre").reset_index(drop=True)


LIBELLES = {**LIBELLES_COLONNES_PROBLEMES, "source": "Feuille", "nombre": "Nombre"}
"""French column labels of the page's tables (``source`` shortened to « Feuille »)."""
