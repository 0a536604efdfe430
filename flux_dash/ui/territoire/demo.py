"""The multi-landlord demo campaign, as the files the landlords would send (built in memory, once per server)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flux_dash.consolidation import contrat as k

BAILLEURS_DEMO = (
    ("Est Habitat Démo", "EHD", (("93048", 6), ("93006", 3), ("93055", 3), ("93008", 2))),
    ("Logis de la Plaine Démo", "LPD", (("93066", 6), ("93001", 4), ("93027", 2), ("93048", 2))),
    ("Foyer Francilien Démo", "FFD", (("75056", 5), ("93048", 2), ("94028", 3), ("93010", 2))),
)
ANNEES_DEMO = (2023, 2024)
LOGEMENTS = 700


def _csv(bailleur: str, annee: int, tables: dict[str, pd.DataFrame]) -> bytes:
    from flux_dash.calculs import calculer_bilan
    from flux_dash.indicateurs_csv import indicateurs_en_tableau
    from flux_dash.validation import charger

    rapport = charger([(f"{n}.csv", df.to_csv(sep=";", index=False).encode()) for n, df in tables.items()])
    bilan = calculer_bilan(rapport.tables, annee)
    t = indicateurs_en_tableau(bilan, bailleur)  # FORMAT.md §2.2 v1.1: bailleur and categorie on every row
    t["valeur"] = t["valeur"].map(lambda v: "" if pd.isna(v) else repr(float(v)).replace(".", ","))
    return ("\ufeff" + t[k.ENTETE].to_csv(sep=";", index=False)).encode("utf-8")


@st.cache_resource(show_spinner="Préparation de la démonstration…")
def fichiers_demo() -> list[tuple[str, bytes]]:
    from flux_dash.demo import generer_demo
    from flux_dash.demo.generateur import ParametresDemo

    fichiers = []
    for i, (nom, prefixe, communes) in enumerate(BAILLEURS_DEMO):
        tables = generer_demo(LOGEMENTS, graine=2024 + i, parametres=ParametresDemo(nom, prefixe, communes))
        for annee in ANNEES_DEMO:
            fichiers.append((f"indicateurs_{annee}_{prefixe.lower()}.csv", _csv(nom, annee, tables)))
    return fichiers
