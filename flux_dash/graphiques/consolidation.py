"""Charts of the receiving side (FORMAT.md §3.3), built from a :class:`~flux_dash.consolidation.Consolidation` of
one territory, as the other charts are from a Bilan: each ``tableau_xxx(co, territoire)`` gives the figures plotted
(French column names), each ``tracer_xxx`` is drawn from that table. Nothing is recomputed: the frames of the
Consolidation (and :mod:`flux_dash.consolidation.tableaux`) hold every figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from flux_dash import formats
from flux_dash.consolidation import Consolidation, tableaux
from flux_dash.consolidation.moteur import TOUS
from flux_dash.formats import PALETTE
from flux_dash.graphiques.commun import GRIS, cascade_reconciliation, horizontal_si_nombreux, mise_en_page, texte_sur

STATUTS = {"recu": "reçu", "manquant": "manquant"}
COLONNES_COUVERTURE = {
    "bailleur": "Bailleur",
    "statut": "Statut",
    "fichiers": "Fichiers",
    "disponibilites": "Disponibilités",
    "part_disponibilites": "Part des disponibilités",
}


def _sur(df: pd.DataFrame, territoire: tuple[str, str]) -> pd.DataFrame:
    return df[(df["perimetre_type"] == territoire[0]) & (df["perimetre_code"] == territoire[1])]


def tableau_couverture(co: Consolidation, territoire: tuple[str, str]) -> pd.DataFrame:
    """Who has sent, on the territory: every landlord with logements there (its disponibilités and share) and every
    expected landlord missing (:func:`flux_dash.consolidation.tableaux.couverture_du_territoire`)."""
    t = tableaux.couverture_du_territoire(co.couverture, co.flux, *territoire)
    t = t.assign(statut=t["statut"].map(STATUTS))
    return t[list(COLONNES_COUVERTURE)].rename(columns=COLONNES_COUVERTURE).reset_index(drop=True)


def manquants(co: Consolidation) -> list[str]:
    """The expected landlords whose bilan has not been received (the « relance » list)."""
    return co.couverture.loc[co.couverture["statut"] == "manquant", "bailleur"].tolist()


@texte_sur
def tracer_couverture(co: Consolidation, territoire: tuple[str, str]) -> go.Figure:
    """Each landlord's share of the territory's disponibilités (received landlords; the missing ones are listed
    at zero in grey: their share is unknown)."""
    t = tableau_couverture(co, territoire)
    recu = t["Statut"] == STATUTS["recu"]
    parts = t["Part des disponibilités"].fillna(0.0)
    fig = go.Figure(
        go.Bar(
            x=list(t["Bailleur"]),
            y=list(parts),
            marker_color=[PALETTE[0] if r else GRIS for r in recu],
            customdata=np.stack([t["Disponibilités"].fillna(0.0), t["Statut"]], axis=-1),
            hovertemplate="%{x}<br>%{y:.1%} des disponibilités (%{customdata[0]:,.0f} logements)<br>"
            "%{customdata[1]}<extra></extra>",
        )
    )
    fig = mise_en_page(fig, "Part de chaque bailleur dans les disponibilités du territoire", y="Part", pourcent_y=True)
    return horizontal_si_nombreux(fig, list(t["Bailleur"]))


def chiffres_cles(co: Consolidation, territoire: tuple[str, str]) -> dict[str, float]:
    """The territory's key figures, all landlords together, and how many landlords are behind them."""
    f = _sur(co.flux, territoire)
    f = f[f["bailleur"] == TOUS]
    if f.empty:
        return {}
    r = f.iloc[0]
    return {c: float(r[c]) for c in ("disponibilites", "soustraits", "flux", "logements_attribues", "nombre_bailleurs")}


# --- Synthèse du territoire ---------------------------------------------------------------------------------------


def chiffres_proposes(co: Consolidation, territoire: tuple[str, str]) -> dict[str, float]:
    """The matrix's total row of the territory (:func:`flux_dash.consolidation.tableaux.total_matrice`)."""
    m = _sur(co.matrice, territoire)
    f = _sur(co.flux, territoire)
    f = f[f["bailleur"] == TOUS]
    return tableaux.total_matrice(m[m["bailleur"] == TOUS], f.iloc[0] if len(f) else pd.Series(dtype="float64"))


def tableau_reconciliation(co: Consolidation, territoire: tuple[str, str]) -> pd.DataFrame:
    """Disponibilités, each soustraction category, then the flux, all landlords together."""
    f = chiffres_cles(co, territoire)
    s = _sur(co.soustraits, territoire)
    s = s[s["bailleur"] == TOUS]
    lignes = [("Disponibilités", f.get("disponibilites", 0.0))]
    lignes += [(f"Soustraits – {lib}", v) for lib, v in zip(s["categorie_libelle"], s["soustraits"], strict=True)]
    lignes.append(("Flux annuel", f.get("flux", 0.0)))
    return pd.DataFrame(lignes, columns=["Étape", "Logements"])


@texte_sur
def tracer_reconciliation(co: Consolidation, territoire: tuple[str, str]) -> go.Figure:
    """Waterfall disponibilités → minus soustraits by category → flux (horizontal: the labels are long)."""
    t = tableau_reconciliation(co, territoire)
    return cascade_reconciliation(t, "Du parc disponible au flux, tous bailleurs", height=360)


COLONNES_MATRICE = {
    "categorie_libelle": "Catégorie",
    "reservataire": "Réservataire",
    "logements_proposes": "Proposés",
    "part_flux_orientations": "Part du flux",
    "droits_theoriques": "Droits théoriques",
    "taux_convention": "Taux conventionnel",
    "logements_attribues": "Attribués",
    "part_attributions": "Part des attributions",
    "attribues_en_qpv": "Attribués en QPV",
    "attribues_hors_qpv": "Attribués hors QPV",
    "taux_transformation": "Taux de transformation",
}


LARGEURS_MATRICE = {"Catégorie": 210, "Réservataire": 320}
"""Pixels of the matrix's text columns on screen: « État – publics prioritaires – Seine-Saint-Denis (93) » whole
at 1 280 px (the default cap of a long text, 260 px, cut it), the category beside it."""


def tableau_matrice(co: Consolidation, territoire: tuple[str, str]) -> pd.DataFrame:
    """Categories (and under each its réservataires) × figures, all landlords together, then the total row
    (counts added, shares recomputed from the sums: never added)."""
    m = _sur(co.matrice, territoire)
    m = m[m["bailleur"] == TOUS].copy()
    m["reservataire"] = m["reservataire"].where(m["reservataire"] != "", "Ensemble de la catégorie")
    total = chiffres_proposes(co, territoire)
    ligne = {"categorie_libelle": "Total", "reservataire": "", **total, "taux_convention": np.nan}
    out = pd.concat([m[list(COLONNES_MATRICE)], pd.DataFrame([ligne])[list(COLONNES_MATRICE)]], ignore_index=True)
    return out.rename(columns=COLONNES_MATRICE)


INDICATEURS_CARTE = {"flux": "Flux", "disponibilites": "Disponibilités", "logements_attribues": "Attribués"}
"""Figures the map of the communes can show: column of ``Consolidation.flux`` → French name."""


def tableau_communes(co: Consolidation, territoire: tuple[str, str], indicateur: str = "flux") -> pd.DataFrame:
    """One row per commune of the territory (all landlords together): the mapped figure ``indicateur`` first, then
    disponibilités, soustraits, flux, attribués and the number of landlords; sorted by the mapped figure, largest
    first (the table beside the map reads in the order of the colours)."""
    from flux_dash import referentiel as ref

    communes = ref.communes_du_perimetre(*territoire)
    f = co.flux[(co.flux["perimetre_type"] == "COMMUNE") & (co.flux["bailleur"] == TOUS)]
    f = f[f["perimetre_code"].isin(communes)]
    f = f.sort_values([indicateur, "perimetre_libelle"], ascending=[False, True], kind="stable")
    t = pd.DataFrame(
        {
            "Code": f["perimetre_code"].to_numpy(),
            "Commune": f["perimetre_libelle"].to_numpy(),
            "Disponibilités": f["disponibilites"].to_numpy(),
            "Soustraits": f["soustraits"].to_numpy(),
            "Flux": f["flux"].to_numpy(),
            "Attribués": f["logements_attribues"].to_numpy(),
            "Bailleurs": f["nombre_bailleurs"].to_numpy(),
        }
    )
    colonne = INDICATEURS_CARTE[indicateur]
    return t[["Code", "Commune", colonne, *[c for c in t.columns if c not in ("Code", "Commune", colonne)]]]


@texte_sur
def tracer_communes(co: Consolidation, territoire: tuple[str, str], indicateur: str = "flux") -> go.Figure:
    """The existing offline map (:func:`flux_dash.graphiques.territoires.dessiner_carte`: classes by quantiles) of
    one figure per commune of the territory, all landlords together."""
    from flux_dash.graphiques.territoires import dessiner_carte

    colonne = INDICATEURS_CARTE[indicateur]
    t = tableau_communes(co, territoire, indicateur).rename(columns={"Commune": "Territoire"})
    t[colonne] = t[colonne].fillna(0.0)
    from flux_dash import referentiel as ref

    return dessiner_carte(
        t, "COMMUNE", colonne, f"{ref.libelle_perimetre(*territoire)} : {colonne.lower()} par commune"
    )


# --- Bailleurs ----------------------------------------------------------------------------------------------------

INDICATEURS_BAILLEURS = (
    "part_prefet_flux",
    "part_premier_quartile_hors_qpv",
    "part_hors_premier_quartile_en_qpv",
    "part_publics_prioritaires",
)
"""The perimeter-wide indicators compared between landlords (DOMAINE.md §4), with their reference values; the
publics prioritaires of every holder together (:func:`flux_dash.consolidation.tableaux.prioritaires_du_perimetre`)."""


def tableau_bailleurs(co: Consolidation, territoire: tuple[str, str]) -> pd.DataFrame:
    """One row per landlord with figures on the territory: its counts, its contribution to the territory's
    totals (share of disponibilités, flux, attributions) and its indicators (NaN where not significant)."""
    f = _sur(co.flux, territoire)
    tous = f[f["bailleur"] == TOUS]
    par = f[f["bailleur"] != TOUS].sort_values("disponibilites", ascending=False, kind="stable")
    flux_t = float(tous["flux"].iloc[0]) if len(tous) else np.nan
    attr_t = float(tous["logements_attribues"].iloc[0]) if len(tous) else np.nan
    out = pd.DataFrame(
        {
            "Bailleur": par["bailleur"].to_numpy(),
            "Disponibilités": par["disponibilites"].to_numpy(),
            "Flux": par["flux"].to_numpy(),
            "Attribués": par["logements_attribues"].to_numpy(),
            "Part des disponibilités": par["part_disponibilites"].to_numpy(),
            "Part du flux du territoire": (par["flux"] / flux_t).to_numpy() if flux_t > 0 else np.nan,
            "Part des attributions du territoire": (par["logements_attribues"] / attr_t).to_numpy()
            if attr_t > 0
            else np.nan,
        }
    )
    ind = _sur(co.indicateurs, territoire)
    ind = ind[(ind["categorie"] == "") & (ind["reservataire"] == "")]
    for code in INDICATEURS_BAILLEURS:
        i = ind[ind["indicateur"] == code]
        if i.empty:
            continue
        out[i["libelle"].iloc[0]] = out["Bailleur"].map(dict(zip(i["bailleur"], i["valeur"], strict=True)))
    return out


def trier_bailleurs(t: pd.DataFrame, colonne: str) -> pd.DataFrame:
    """The landlords' table sorted by ``colonne``, largest first (n.s. last), then by name."""
    return t.sort_values([colonne, "Bailleur"], ascending=[False, True], na_position="last", kind="stable")


def indicateurs_comparables(co: Consolidation, territoire: tuple[str, str]) -> dict[str, str]:
    """Indicator code → label, for the indicators the territory has (the chart's choices)."""
    ind = _sur(co.indicateurs, territoire)
    ind = ind[(ind["categorie"] == "") & (ind["reservataire"] == "") & ind["indicateur"].isin(INDICATEURS_BAILLEURS)]
    return dict(zip(ind["indicateur"], ind["libelle"], strict=False))


def tableau_comparaison(co: Consolidation, territoire: tuple[str, str], indicateur: str) -> pd.DataFrame:
    """One indicator per landlord, the territory's value (all landlords) first, and its reference value."""
    ind = _sur(co.indicateurs, territoire)
    ind = ind[(ind["categorie"] == "") & (ind["reservataire"] == "") & (ind["indicateur"] == indicateur)]
    ind = ind.assign(_tous=ind["bailleur"] != TOUS).sort_values(["_tous", "bailleur"], kind="stable")
    return pd.DataFrame(
        {
            "Bailleur": ind["bailleur"].where(ind["bailleur"] != TOUS, "Tous les bailleurs").to_numpy(),
            "Valeur": ind["valeur"].to_numpy(),
            "Référence": ind["cible"].to_numpy(),
        }
    )


@texte_sur
def tracer_comparaison(co: Consolidation, territoire: tuple[str, str], indicateur: str) -> go.Figure:
    """Each landlord's value of ``indicateur`` against the territory's and the reference value (a dashed line,
    to read against, not a verdict)."""
    t = tableau_comparaison(co, territoire, indicateur)
    libelle = indicateurs_comparables(co, territoire).get(indicateur, indicateur)
    if t.empty:
        from flux_dash.graphiques.commun import figure_vide

        return figure_vide("Aucun bailleur ne donne cet indicateur sur ce territoire.")
    fig = go.Figure(
        go.Bar(
            x=list(t["Bailleur"]),
            y=list(t["Valeur"].fillna(0.0)),
            marker_color=[PALETTE[1] if i == 0 else PALETTE[0] for i in range(len(t))],
            hovertemplate="%{x}<br>" + libelle + " : %{y:.1%}<extra></extra>",
        )
    )
    reference = t["Référence"].dropna()
    if len(reference):
        from flux_dash.graphiques.commun import ligne_reference

        ligne_reference(
            fig, float(reference.iloc[0]), f"Référence : {formats.pourcentage(float(reference.iloc[0]), 0)}"
        )
    fig = mise_en_page(fig, f"{libelle} par bailleur", y=libelle, pourcent_y=True)
    return horizontal_si_nombreux(fig, list(t["Bailleur"]))


# --- Objectifs CIA ------------------------------------------------------------------------------------------------

TERRITOIRE_ENTIER = "Territoire (tous bailleurs)"
"""The target of an objective that applies to the whole territory."""
OBJECTIFS_CIA: tuple[tuple[str, str], ...] = (
    ("part_premier_quartile_hors_qpv", "plancher_premier_quartile_hors_qpv"),
    ("part_hors_premier_quartile_en_qpv", "plancher_hors_premier_quartile_en_qpv"),
    ("part_publics_prioritaires", "plancher_prioritaires"),
)
"""The CIA commitments (art. L. 441-1 CCH) and the attribute of :class:`~flux_dash.regles.ReglesCalcul` holding
the legal default: 25 % of attributions hors QPV to the 1st quartile, 50 % of attributions in QPV outside it, 25 %
of each réservataire's and landlord's attributions to the publics prioritaires."""


def libelles_objectifs() -> dict[str, str]:
    return {code: tableaux.libelle_indicateur(code) for code, _ in OBJECTIFS_CIA}


def objectifs_par_defaut(co: Consolidation) -> pd.DataFrame:
    """One objective per CIA indicator for the whole territory, at the legal default (cible, indicateur,
    objectif as a fraction)."""
    return pd.DataFrame(
        {
            "cible": [TERRITOIRE_ENTIER] * len(OBJECTIFS_CIA),
            "indicateur": [code for code, _ in OBJECTIFS_CIA],
            "objectif": [float(getattr(co.regles, attribut)) for _, attribut in OBJECTIFS_CIA],
        }
    )


def cibles_possibles(co: Consolidation, territoire: tuple[str, str]) -> list[str]:
    """Who an objective can be set for: the whole territory, each landlord, each réservataire category."""
    f = _sur(co.flux, territoire)
    m = _sur(co.matrice, territoire)
    categories = list(dict.fromkeys(m.loc[m["reservataire"] == "", "categorie_libelle"]))
    return [TERRITOIRE_ENTIER, *sorted(f.loc[f["bailleur"] != TOUS, "bailleur"]), *categories]


def tableau_objectifs(co: Consolidation, territoire: tuple[str, str], objectifs: pd.DataFrame) -> pd.DataFrame:
    """Each objective beside its realised value on the territory (Consolidation.indicateurs): a landlord's own
    value, a category's (all landlords), or the territory's (for the publics prioritaires: every holder together,
    Σ of their prioritaires ÷ Σ of their attributions); the publics prioritaires of a landlord are those of its own
    logements (category « Bailleurs », art. L. 441-1 CCH). Écart in points (realised − objective); n.s. when not
    significant."""
    ind = _sur(co.indicateurs, territoire)
    m = _sur(co.matrice, territoire)
    code_de_categorie = dict(zip(m["categorie_libelle"], m["categorie"], strict=False))
    bailleurs = set(co.flux["bailleur"]) - {TOUS}
    realises = []
    for cible, code in zip(objectifs["cible"], objectifs["indicateur"], strict=True):
        prioritaires = code == "part_publics_prioritaires"
        if cible in bailleurs:
            choix = (ind["bailleur"] == cible) & (ind["categorie"] == ("BAILLEUR" if prioritaires else ""))
        elif cible in code_de_categorie:
            choix = (ind["bailleur"] == TOUS) & (ind["categorie"] == code_de_categorie[cible])
        else:
            choix = (ind["bailleur"] == TOUS) & (ind["categorie"] == "")
        v = ind.loc[choix & (ind["reservataire"] == "") & (ind["indicateur"] == code), "valeur"]
        realises.append(float(v.iloc[0]) if len(v) else np.nan)
    out = pd.DataFrame(
        {
            "Cible": objectifs["cible"].to_numpy(),
            "Indicateur": objectifs["indicateur"].map(libelles_objectifs()).fillna(objectifs["indicateur"]).to_numpy(),
            "Objectif": objectifs["objectif"].to_numpy(dtype="float64"),
            "Réalisé": np.asarray(realises, dtype="float64"),
        }
    )
    out["Écart (points)"] = (out["Réalisé"] - out["Objectif"]) * 100
    return out


# --- Évolution ----------------------------------------------------------------------------------------------------

NIVEAUX_EVOLUTION = {"territoire": "Territoire", "bailleurs": "Bailleurs", "reservataires": "Réservataires"}


def _valeur(v: float, unite: str) -> str:
    if pd.isna(v):
        return "n.s."
    return formats.pourcentage(v) if unite == "ratio" else formats.nombre(v, 1 if unite == "jours" else None)


def _ecart(v: float, unite: str) -> str:
    if pd.isna(v):
        return "n.s."
    if unite == "ratio":
        return f"{'+' if v > 0 else ''}{formats.nombre(v * 100, 1)} pt"
    return f"{'+' if v > 0 else ''}{formats.nombre(v, 1 if unite == 'jours' else None)}"


def tableau_evolution(co: Consolidation, territoire: tuple[str, str], niveau: str = "territoire") -> pd.DataFrame:
    """n, n−1 and the change of every figure and indicator (points for shares), from ``Consolidation.evolution``:
    at the territory's level (``territoire``), per réservataire category (``reservataires``, all landlords) or per
    landlord (``bailleurs``: each landlord's own figures on the territory; a landlord received one year only has
    n.s. for the other, and no « à bailleurs constants » column: a landlord is constant to itself). Values as
    French text (units differ from row to row)."""
    e = _sur(co.evolution, territoire)
    e = e[e["reservataire"] == ""]
    if niveau == "bailleurs":
        e = e[(e["bailleur"] != TOUS) & (e["categorie"] == "")]
        e = e.sort_values("bailleur", kind="stable")  # the library's order of indicators within each landlord
    else:
        e = e[e["bailleur"] == TOUS]
        e = e[e["categorie"] == ""] if niveau == "territoire" else e[e["categorie"] != ""]
    categories = dict(zip(co.matrice["categorie"], co.matrice["categorie_libelle"], strict=False))
    n, n_1 = co.annee, co.annee_precedente or co.annee - 1
    out = pd.DataFrame(
        {
            "Bailleur": e["bailleur"].to_numpy(),
            "Catégorie": e["categorie"].map(categories).fillna(e["categorie"]).to_numpy(),
            "Indicateur": e["libelle"].to_numpy(),
            str(n): [_valeur(v, u) for v, u in zip(e["valeur_n"], e["unite"], strict=True)],
            str(n_1): [_valeur(v, u) for v, u in zip(e["valeur_n_1"], e["unite"], strict=True)],
            "Évolution": [_ecart(v, u) for v, u in zip(e["evolution"], e["unite"], strict=True)],
            "À bailleurs constants": [_ecart(v, u) for v, u in zip(e["evolution_communs"], e["unite"], strict=True)],
        }
    )
    retirer = {
        "territoire": ["Bailleur", "Catégorie"],
        "reservataires": ["Bailleur"],
        "bailleurs": ["Catégorie", "À bailleurs constants"],
    }[niveau]
    return out.drop(columns=retirer).reset_index(drop=True)


CHIFFRES_EVOLUTION = {
    "disponibilites": "Disponibilités",
    "flux": "Flux annuel",
    "logements_attribues": "Attribués",
    "nombre_bailleurs": "Nombre de bailleurs",
}
"""The perimeter-wide figures followed over the years (columns of ``Consolidation.flux``)."""


def tableau_annees(consolidations: dict[int, Consolidation], territoire: tuple[str, str], chiffre: str) -> pd.DataFrame:
    """One figure of the territory (all landlords) for every year the store holds."""
    lignes = []
    for annee, c in sorted(consolidations.items()):
        f = _sur(c.flux, territoire)
        f = f[f["bailleur"] == TOUS]
        lignes.append((str(annee), float(f[chiffre].iloc[0]) if len(f) else np.nan))
    return pd.DataFrame(lignes, columns=["Année", CHIFFRES_EVOLUTION[chiffre]])


@texte_sur
def tracer_annees(consolidations: dict[int, Consolidation], territoire: tuple[str, str], chiffre: str) -> go.Figure:
    t = tableau_annees(consolidations, territoire, chiffre)
    nom = CHIFFRES_EVOLUTION[chiffre]
    fig = go.Figure(
        go.Bar(
            x=list(t["Année"]),
            y=list(t[nom].fillna(0.0)),
            marker_color=PALETTE[0],
            hovertemplate="%{x} : %{y:,.0f}<extra></extra>",
        )
    )
    return mise_en_page(
        fig, f"{nom} par année, tous bailleurs", x="Année des bilans", y=nom, xaxis={"type": "category"}
    )
