"""En / hors QPV per réservataire and per territory, the préfet's hors-QPV readings and the indicators of the
convention intercommunale d'attribution (DOMAINE.md §3–§4), each read against its reference, never as a verdict."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from flux_dash import formats
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.formats import PALETTE
from flux_dash.graphiques.commun import (
    REGION,
    barres_empilees,
    barres_groupees,
    figure_vide,
    horizontal_si_nombreux,
    ligne_reference,
    minuscule,
    mise_en_page,
    selectionner_perimetre,
    texte_sur,
)


def tableau_qpv_reservataires(bilan: Bilan, perimetre: tuple[str, str] = REGION) -> pd.DataFrame:
    """Attribués en / hors QPV per holder on a strate perimeter (consolidated view)."""
    c = selectionner_perimetre(bilan.consolidation, perimetre)
    attribues = c["logements_attribues"].astype("int64")
    hors = c["attribues_hors_qpv"].astype("int64")
    return pd.DataFrame(
        {
            "Réservataire": c["reservataire"].to_numpy(),
            "Attribués": attribues.to_numpy(),
            "En QPV": c["attribues_en_qpv"].astype("int64").to_numpy(),
            "Hors QPV": hors.to_numpy(),
            "Part hors QPV": (hors / attribues.where(attribues > 0)).to_numpy(dtype="float64"),
        }
    )


@texte_sur
def tracer_qpv_reservataires(bilan: Bilan, perimetre: tuple[str, str] = REGION) -> go.Figure:
    """Stacked bars per holder: logements attribués en QPV and hors QPV."""
    t = tableau_qpv_reservataires(bilan, perimetre)
    if t.empty:
        return figure_vide("Aucune attribution sur ce périmètre.")
    return barres_empilees(
        t,
        "Réservataire",
        ref.QPV,
        "Logements attribués en et hors QPV par réservataire",
        x="Réservataire",
        y="Logements",
        nom=lambda libelle: f"Attribués {minuscule(libelle)}",
    )


MESURES_QPV = {"flux": "Flux", "attribues": "Attribués"}


def tableau_qpv_territoires(bilan: Bilan, niveau: str = "EPCI_EPT") -> pd.DataFrame:
    """Per strate perimeter of ``niveau``: flux en/hors QPV, attribués en/hors QPV (sum over holders)."""
    strates = bilan.perimetres[bilan.perimetres["strate"].astype(bool) & (bilan.perimetres["perimetre_type"] == niveau)]
    f = bilan.flux[
        (bilan.flux["perimetre_type"] == niveau) & bilan.flux["perimetre_code"].isin(strates["perimetre_code"])
    ]
    f = f.sort_values("perimetre_code")
    c = bilan.consolidation[bilan.consolidation["perimetre_type"] == niveau]
    somme = c.groupby("perimetre_code")[["attribues_en_qpv", "attribues_hors_qpv"]].sum()
    return pd.DataFrame(
        {
            "Code": f["perimetre_code"].to_numpy(),
            "Territoire": f["perimetre_libelle"].to_numpy(),
            "Flux en QPV": f["flux_en_qpv"].astype("int64").to_numpy(),
            "Flux hors QPV": f["flux_hors_qpv"].astype("int64").to_numpy(),
            "Attribués en QPV": f["perimetre_code"].map(somme["attribues_en_qpv"]).fillna(0).astype("int64").to_numpy(),
            "Attribués hors QPV": f["perimetre_code"]
            .map(somme["attribues_hors_qpv"])
            .fillna(0)
            .astype("int64")
            .to_numpy(),
        }
    )


@texte_sur
def tracer_qpv_territoires(bilan: Bilan, niveau: str = "EPCI_EPT", mesure: str = "flux") -> go.Figure:
    """Stacked bars per territory: ``mesure`` (flux or attribués) en QPV and hors QPV."""
    t = tableau_qpv_territoires(bilan, niveau)
    if t.empty:
        return figure_vide("Aucun territoire à afficher.")
    nom = MESURES_QPV[mesure]

    def colonne(libelle: str) -> str:
        return f"{nom} {minuscule(libelle)}"

    return barres_empilees(
        t,
        "Territoire",
        ref.QPV,
        f"{nom} en et hors QPV par territoire",
        x="",
        y="Logements",
        colonne=colonne,
        nom=colonne,
    )


def _indicateurs(bilan: Bilan, codes: list[str], niveau: str) -> pd.DataFrame:
    i = bilan.indicateurs
    vide = i["reservataire"].isna() | (i["reservataire"].astype("string") == "")
    return i[i["indicateur"].isin(codes) & (i["perimetre_type"] == niveau) & vide.fillna(True).astype(bool)]


def _cible(i: pd.DataFrame, defaut: float) -> float:
    valeurs = i["cible"].dropna()
    return float(valeurs.iloc[0]) if not valeurs.empty else defaut


def tableau_prefet_hors_qpv(bilan: Bilan) -> pd.DataFrame:
    """Per département: préfet proposés hors QPV over préfet proposés (lecture a, reference ≥ 30 %) and over the
    flux hors QPV (lecture b), DOMAINE.md §4."""
    i = _indicateurs(bilan, ["prefet_hors_qpv_a", "prefet_hors_qpv_b"], "DEPARTEMENT")
    a = i[i["indicateur"] == "prefet_hors_qpv_a"].set_index("perimetre_code")
    b = i[i["indicateur"] == "prefet_hors_qpv_b"].set_index("perimetre_code")
    codes = sorted(set(a.index) | set(b.index))
    cible = _cible(a, bilan.regles.plancher_prefet_hors_qpv)
    libelles = {**a["perimetre_libelle"].to_dict(), **b["perimetre_libelle"].to_dict()}
    return pd.DataFrame(
        {
            "Département": [libelles[c] for c in codes],
            "Préfet proposés hors QPV": [a["numerateur"].get(c, float("nan")) for c in codes],
            "Préfet proposés": [a["denominateur"].get(c, float("nan")) for c in codes],
            "Flux hors QPV": [b["denominateur"].get(c, float("nan")) for c in codes],
            "Lecture a": [a["valeur"].get(c, float("nan")) for c in codes],
            "Lecture b": [b["valeur"].get(c, float("nan")) for c in codes],
            "Référence": [cible] * len(codes),
        }
    )


@texte_sur
def tracer_prefet_hors_qpv(bilan: Bilan) -> go.Figure:
    """Grouped bars lecture a / lecture b per département, with the 30 % reference line (on lecture a)."""
    t = tableau_prefet_hors_qpv(bilan)
    if t.empty:
        return figure_vide("Aucun logement proposé au préfet.")
    fig = barres_groupees(
        t["Département"],
        [
            (t["Lecture a"], "Lecture a : ÷ proposés au préfet", PALETTE[0]),
            (t["Lecture b"], "Lecture b : ÷ flux hors QPV", PALETTE[4]),
        ],
        ".1%",
    )
    cible = float(t["Référence"].iloc[0])
    ligne_reference(fig, cible, f"Référence lecture a : au moins {formats.pourcentage(cible, 0)}", PALETTE[7])
    return mise_en_page(
        fig,
        "Logements proposés au préfet situés hors QPV",
        x="Département",
        y="Part hors QPV",
        pourcent_y=True,
        barmode="group",
    )


def tableau_indicateurs_cia(bilan: Bilan) -> pd.DataFrame:
    """Per EPCI/EPT with at least one indicator: the two CIA indicators (DOMAINE.md §4) with their references."""
    codes = ["part_premier_quartile_hors_qpv", "part_hors_premier_quartile_en_qpv"]
    i = _indicateurs(bilan, codes, "EPCI_EPT")
    q = i[i["indicateur"] == codes[0]].set_index("perimetre_code")
    h = i[i["indicateur"] == codes[1]].set_index("perimetre_code")
    # an EPCI/EPT with no attribution has no indicator (NaN): a row of empty bars says nothing (e.g. under filters)
    tous = sorted(set(q.index[q["valeur"].notna()]) | set(h.index[h["valeur"].notna()]))
    libelles = {**q["perimetre_libelle"].to_dict(), **h["perimetre_libelle"].to_dict()}
    return pd.DataFrame(
        {
            "Code": tous,
            "EPCI / EPT": [libelles[c] for c in tous],
            "1er quartile hors QPV": [q["valeur"].get(c, float("nan")) for c in tous],
            "Hors 1er quartile en QPV": [h["valeur"].get(c, float("nan")) for c in tous],
            "Référence 1er quartile hors QPV": [_cible(q, bilan.regles.plancher_premier_quartile_hors_qpv)] * len(tous),
            "Référence hors 1er quartile en QPV": [_cible(h, bilan.regles.plancher_hors_premier_quartile_en_qpv)]
            * len(tous),
        }
    )


@texte_sur
def tracer_indicateurs_cia(bilan: Bilan) -> go.Figure:
    """Grouped bars of the two CIA indicators per EPCI/EPT, each with its dashed reference line."""
    t = tableau_indicateurs_cia(bilan)
    if t.empty:
        return figure_vide("Aucune attribution sur les EPCI / EPT.")
    series = (("1er quartile hors QPV", PALETTE[2]), ("Hors 1er quartile en QPV", PALETTE[3]))
    fig = barres_groupees(t["EPCI / EPT"], [(t[col], col, c) for col, c in series], ".1%")
    for col, couleur in series:
        cible = float(t[f"Référence {minuscule(col)}"].iloc[0])
        ligne_reference(fig, cible, f"Référence {minuscule(col)} : au moins {formats.pourcentage(cible, 0)}", couleur)
    return horizontal_si_nombreux(
        mise_en_page(
            fig,
            "Indicateurs de la convention intercommunale d'attribution",
            x="EPCI / EPT",
            y="Part des attributions",
            pourcent_y=True,
            barmode="group",
        ),
        list(t["EPCI / EPT"]),
    )
