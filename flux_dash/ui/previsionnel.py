"""The editable forecast of year n+1 (DOMAINE.md §5.4, FORMAT.md §1.4): two grids, soustractions prévues and
disponibilités prévues per département, whose edits are kept in ``etat`` and flow into the prévisionnel reports.

The grids are built and read back by :mod:`flux_dash.series` (``preparer_previsionnel``, ``assembler_previsionnel``);
this module only draws them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.series import assembler_previsionnel, preparer_previsionnel
from flux_dash.ui import etat

LARGEUR_DEPARTEMENT = 190
"""Pixels of the editors' département column: « Seine-et-Marne (77) » whole (it showed « Seine-et-Marne (7 »)."""
LARGEUR_CATEGORIE = 250
"""Pixels of the soustraction category column."""


def _reinitialiser() -> None:
    etat.definir_previsionnel_edite(None)
    etat.oublier_widgets(etat.CLE_PREV_SOUSTRAITS, etat.CLE_PREV_DISPONIBILITES)  # the editors' own edits too


def editer_previsionnel(bilan: Bilan) -> pd.DataFrame:
    """The two grids side by side, and the « Revenir au prévisionnel du fichier » button; returns the prévisionnel
    table as edited (the uploaded one, or the previous edits, when nothing changed) and stores a change in ``etat``.
    """
    source = etat.previsionnel_edite()
    if source is None:
        source = etat.rapport().tables.get("previsionnel")
    p = bilan.perimetres
    departements = sorted(p.loc[(p["perimetre_type"] == "DEPARTEMENT") & p["strate"].astype(bool), "perimetre_code"])
    base_soustraits, base_disponibilites = preparer_previsionnel(source, departements)
    # An editor keeps its edits by row position: its key names the rows, so that a filter changing the départements
    # never applies an edit to another département's row (the edits themselves are kept by code in `etat`).
    suffixe = "_" + "-".join(dict.fromkeys(base_soustraits["code_departement"]))
    nom_dep = {code: f"{ref.DEPARTEMENTS_IDF.get(code, code)} ({code})" for code in ref.DEPARTEMENTS_IDF}
    colonne_dep = st.column_config.SelectboxColumn(
        "Département",
        options=list(ref.DEPARTEMENTS_IDF),
        format_func=lambda c: nom_dep.get(c, c),
        disabled=True,
        width=LARGEUR_DEPARTEMENT,
    )
    gauche, droite = st.columns([3, 2])
    with gauche:
        soustraits = st.data_editor(
            base_soustraits,
            key=etat.CLE_PREV_SOUSTRAITS + suffixe,
            num_rows="fixed",
            hide_index=True,
            placeholder="0",
            column_config={
                "code_departement": colonne_dep,
                "categorie_soustraction": st.column_config.SelectboxColumn(
                    "Catégorie de soustraction",
                    options=ref.SOUSTRACTIONS.codes,
                    format_func=ref.SOUSTRACTIONS.libelle,
                    disabled=True,
                    width=LARGEUR_CATEGORIE,
                ),
                "nombre_prevu": st.column_config.NumberColumn(
                    "Nombre prévu", min_value=0, step=1, format="%d", required=True
                ),
            },
        )
    with droite:
        # an empty cell means « the disponibilités of year n » (FORMAT.md §1.4): say so instead of Glide's « None »
        disponibilites = st.data_editor(
            base_disponibilites,
            key=etat.CLE_PREV_DISPONIBILITES + suffixe,
            num_rows="fixed",
            hide_index=True,
            placeholder=f"comme en {bilan.annee}",
            column_config={
                "code_departement": colonne_dep,
                "disponibilites_prevues": st.column_config.NumberColumn(
                    "Disponibilités prévues", min_value=0, step=1, format="%d"
                ),
            },
        )
        st.button("Revenir au prévisionnel du fichier", on_click=_reinitialiser, icon=":material/undo:")
    edite = assembler_previsionnel(soustraits, disponibilites)
    if not edite.equals(assembler_previsionnel(base_soustraits, base_disponibilites)):
        etat.definir_previsionnel_edite(edite)
    return edite
