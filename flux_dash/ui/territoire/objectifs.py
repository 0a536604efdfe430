"""The Objectifs CIA page's editor: the territory's commitments as a small table (target × indicator × objective),
kept in the campaign store, defaults from the law."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flux_dash.consolidation import Consolidation
from flux_dash.consolidation.base import Base
from flux_dash.graphiques import consolidation as gc
from flux_dash.ui import etat


def editer_objectifs(b: Base, co: Consolidation, annee: int, territoire: tuple[str, str]) -> pd.DataFrame:
    """The editable table (objectives in %), its two buttons, and the objectives in force (fractions)."""
    objectifs = b.objectifs(annee, territoire)
    if objectifs is None:
        objectifs = gc.objectifs_par_defaut(co)
        st.caption("Valeurs par défaut de la loi (art. L. 441-1 CCH) : modifiez-les puis enregistrez-les.")
    libelles = gc.libelles_objectifs()
    affiche = pd.DataFrame(
        {
            "Cible": objectifs["cible"],
            "Indicateur": objectifs["indicateur"].map(libelles).fillna(objectifs["indicateur"]),
            "Objectif (%)": objectifs["objectif"] * 100,
        }
    )
    edite = st.data_editor(
        affiche,
        key=etat.cle_objectifs(annee, territoire),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "Cible": st.column_config.SelectboxColumn(options=gc.cibles_possibles(co, territoire), required=True),
            "Indicateur": st.column_config.SelectboxColumn(options=list(libelles.values()), required=True),
            "Objectif (%)": st.column_config.NumberColumn(min_value=0, max_value=100, step=1, format="%.0f %%"),
        },
    )
    codes = {v: k for k, v in libelles.items()}
    en_vigueur = pd.DataFrame(
        {
            "cible": edite["Cible"].fillna("").astype(str),
            "indicateur": edite["Indicateur"].map(codes),
            "objectif": pd.to_numeric(edite["Objectif (%)"], errors="coerce") / 100,
        }
    ).dropna(subset=["indicateur"])
    en_vigueur = en_vigueur[en_vigueur["cible"] != ""].reset_index(drop=True)
    gauche, droite = st.columns(2)
    if gauche.button("Enregistrer les objectifs dans la base", icon=":material/save:"):
        b.definir_objectifs(annee, territoire, en_vigueur)
        st.success("Objectifs enregistrés dans la base de campagne.")
    if droite.button("Revenir aux valeurs de la loi", icon=":material/restart_alt:"):
        b.definir_objectifs(annee, territoire, gc.objectifs_par_defaut(co))
        etat.oublier_widgets(etat.cle_objectifs(annee, territoire))
        st.rerun()
    return en_vigueur
