"""The consolidated figures as wide tables, one per topic (the frames of
:class:`~flux_dash.consolidation.Consolidation`), reshaped from the engine's rows: nothing is computed here but
labels, a landlord's share of the disponibilités and the year-on-year differences.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.definitions import LIBELLES
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.definitions import LIBELLES_CONSOLIDATION
from flux_dash.consolidation.moteur import COLONNES, TOUS, trier
from flux_dash.regles import ReglesCalcul

PT, PC, PL = k.PT, k.PC, k.PL

COLONNES_FLUX = [
    "bailleur",
    PT,
    PC,
    PL,
    "disponibilites",
    "soustraits",
    "flux",
    "relogements_realises",
    "logements_attribues",
    "nombre_bailleurs",
    "part_disponibilites",
]
COLONNES_MATRICE = [
    "bailleur",
    PT,
    PC,
    PL,
    "categorie",
    "categorie_libelle",
    "reservataire",
    "logements_proposes",
    "part_flux_orientations",
    "logements_attribues",
    "part_attributions",
    "attribues_en_qpv",
    "attribues_hors_qpv",
    "taux_convention",
    "droits_theoriques",
    "ecart",
    "taux_realisation",
    "taux_transformation",
    "tours",
    "nombre_bailleurs",
]
COLONNES_INDICATEURS = [
    "bailleur",
    "indicateur",
    "libelle",
    PT,
    PC,
    PL,
    "categorie",
    "reservataire",
    "numerateur",
    "denominateur",
    "valeur",
    "cible",
    "sens",
    "unite",
    "nombre_bailleurs",
    "complet",
]


@cache
def _noms_communes() -> dict[str, str]:
    c = ref.communes()
    return dict(zip(c["code_insee"], c["nom"], strict=True))


def libelle_indicateur(code: str) -> str:
    return LIBELLES_CONSOLIDATION.get(code) or LIBELLES.get(code, code)


def libelles_perimetres(df: pd.DataFrame) -> list[str]:
    """The French label of each row's perimeter (looked up once per distinct perimeter)."""
    paires = list(zip(df[PT], df[PC], strict=True))
    libelles = {p: ref.libelle_perimetre(*p) for p in set(paires)}
    return [libelles[p] for p in paires]


def _libeller(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df.insert(df.columns.get_loc(PC) + 1, PL, libelles_perimetres(df))
    return df


def _pivoter(lignes: pd.DataFrame, index: list[str], indicateurs: list[str]) -> pd.DataFrame:
    """One column per indicator (NaN where a line has no such row, or an empty value); lines are the distinct
    ``index`` values of ``lignes`` that have at least one of ``indicateurs``."""
    t = lignes[lignes["indicateur"].isin(indicateurs)]
    w = t.set_index([*index, "indicateur"])["valeur"].unstack("indicateur")
    w = w.reindex(columns=indicateurs).reset_index()
    w.columns.name = None
    return w


def flux(lignes: pd.DataFrame) -> pd.DataFrame:
    """One row per (landlord or all, perimeter): the perimeter-wide counts, the number of landlords, and the
    landlord's share of the perimeter's disponibilités (1 for all landlords)."""
    large = lignes[(lignes["categorie"] == "") & (lignes["reservataire"] == "") & (lignes["dimension"] == "total")]
    indicateurs = ["disponibilites", "soustraits", "flux", "relogements_realises", "logements_attribues"]
    w = _pivoter(large, ["bailleur", PT, PC], [*indicateurs, k.NOMBRE_BAILLEURS])
    w[k.NOMBRE_BAILLEURS] = w[k.NOMBRE_BAILLEURS].where(w["bailleur"] == TOUS, 1.0)
    total = w.loc[w["bailleur"] == TOUS, [PT, PC, "disponibilites"]].rename(columns={"disponibilites": "_total"})
    w = w.merge(total, on=[PT, PC], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        w["part_disponibilites"] = np.where(w["_total"] > 0, w["disponibilites"] / w["_total"], np.nan)
    w = _libeller(w.drop(columns="_total"))
    return trier(w, [PT, PC, "bailleur"])[COLONNES_FLUX]


def soustraits(lignes: pd.DataFrame) -> pd.DataFrame:
    """One row per (landlord or all, perimeter, soustraction category): soustraits and relogements réalisés."""
    t = lignes[(lignes["categorie"] == "") & (lignes["reservataire"] == "")]
    t = t[t["dimension"] == "categorie_soustraction"]
    w = _pivoter(t, ["bailleur", PT, PC, "modalite"], ["soustraits", "relogements_realises"])
    w = w.rename(columns={"modalite": "categorie_soustraction"})
    w[["soustraits", "relogements_realises"]] = w[["soustraits", "relogements_realises"]].fillna(0.0)
    w.insert(4, "categorie_libelle", w["categorie_soustraction"].map(ref.SOUSTRACTIONS.libelle))
    w = _libeller(w)
    w = w.assign(dimension="categorie_soustraction", modalite=w["categorie_soustraction"])
    return trier(w, [PT, PC, "bailleur", "modalite"]).drop(columns=["dimension", "modalite"])


def matrice(lignes: pd.DataFrame, ratios: pd.DataFrame) -> pd.DataFrame:
    """One row per (landlord or all, perimeter, category line or réservataire): counts, QPV split and ratios.
    A category's line has ``reservataire`` empty; ``nombre_bailleurs`` = landlords giving its proposés or attribués."""
    index = ["bailleur", PT, PC, "categorie", "reservataire"]
    h = lignes[lignes["categorie"] != ""]
    comptes = ["logements_proposes", "logements_attribues", "tours", "droits_theoriques", "ecart"]
    w = _pivoter(h[h["dimension"] == "total"], index, comptes)
    qpv = h[(h["dimension"] == "qpv") & (h["indicateur"] == "logements_attribues")]
    qpv = qpv.assign(indicateur="attribues_" + qpv["modalite"].str.lower())
    wq = _pivoter(qpv, index, ["attribues_en_qpv", "attribues_hors_qpv"])
    r = ratios[ratios["categorie"] != ""]
    noms_ratios = [
        "part_flux_orientations",
        "part_attributions",
        "taux_convention",
        "taux_realisation",
        "taux_transformation",
    ]
    wr = _pivoter(r, index, noms_ratios)
    nombre = h[(h["dimension"] == "total") & h["indicateur"].isin(k.COMPTES_DE_STRATE)]
    nombre = nombre.groupby(index, observed=True)["bailleurs"].max().rename("nombre_bailleurs").reset_index()
    w = w.merge(wq, on=index, how="left").merge(wr, on=index, how="left").merge(nombre, on=index, how="left")
    for c in ["logements_proposes", "logements_attribues", "attribues_en_qpv", "attribues_hors_qpv"]:
        w[c] = w[c].fillna(0.0)
    w["nombre_bailleurs"] = w["nombre_bailleurs"].fillna(0).astype("int64")
    w.insert(4, "categorie_libelle", w["categorie"].map(ref.LIBELLES_COURTS_RESERVATAIRE))
    w = _libeller(w)
    return trier(w, [PT, PC, "bailleur", "categorie", "reservataire"])[COLONNES_MATRICE]


def repartitions(lignes: pd.DataFrame) -> pd.DataFrame:
    """The décret breakdowns (CCH R. 441-5-1) of proposés and attribués of every line that has them (a category or
    réservataire on its convention perimeter; the ``qpv`` and ``commune`` breakdowns on every strate)."""
    index = ["bailleur", PT, PC, "categorie", "reservataire", "dimension", "modalite"]
    h = lignes[(lignes["categorie"] != "") & lignes["dimension"].isin(ref.DIMENSIONS_DECRET)]
    w = _pivoter(h, index, list(k.COMPTES_DE_STRATE))
    w[list(k.COMPTES_DE_STRATE)] = w[list(k.COMPTES_DE_STRATE)].fillna(0.0)
    libelles = {
        "typologie": ref.TYPOLOGIES,
        "financement": ref.FINANCEMENTS,
        "qpv": ref.QPV,
        "periode_construction": ref.PERIODES_CONSTRUCTION,
    }
    noms = _noms_communes()
    w["modalite_libelle"] = [
        noms.get(m, m) if d == "commune" else libelles[d].libelle(m) if d in libelles else m
        for d, m in zip(w["dimension"], w["modalite"], strict=True)
    ]
    w = _libeller(w)
    return trier(w, [PT, PC, "bailleur", "categorie", "reservataire", "dimension", "modalite"])


PRIORITAIRES = "part_publics_prioritaires"


def prioritaires_du_perimetre(sommes: pd.DataFrame, ratios: pd.DataFrame) -> pd.DataFrame:
    """The share of attributions to publics prioritaires of a whole perimeter, every holder together, for all
    landlords and for each landlord, as ratio rows (``categorie`` and ``reservataire`` empty): Σ of the category
    lines' numerators ÷ Σ of their denominators (DOMAINE.md §3.1: never an average of rates). Not significant when a
    category line is not consolidated, or when attributions of the perimeter lie on a category line without the
    numerator (the sum of the denominators falls short of the categories' attributions)."""
    cles = ["bailleur", PT, PC]
    r = ratios[
        (ratios["indicateur"] == PRIORITAIRES).to_numpy()
        & (ratios["categorie"] != "").to_numpy()
        & (ratios["reservataire"] == "").to_numpy()
    ]
    colonnes = [*COLONNES, "numerateur", "denominateur", "bailleurs", "complet"]  # recalculer_ratios's rows
    if r.empty:
        return r[colonnes]
    g = r.groupby(cles, sort=False).agg(
        numerateur=("numerateur", "sum"), denominateur=("denominateur", "sum"), complet=("complet", "all")
    )
    t = sommes[
        (sommes["dimension"] == "total").to_numpy()
        & (sommes["indicateur"] == "logements_attribues").to_numpy()
        & (sommes["categorie"] != "").to_numpy()
        & (sommes["reservataire"] == "").to_numpy()
    ]
    attribues = t.groupby(cles, sort=False)["valeur"].sum(min_count=1).rename("_attribues")
    g = g.join(attribues, how="left").reset_index()
    g["complet"] = g["complet"].astype(bool) & np.isclose(g["denominateur"], g["_attribues"].fillna(-1.0))
    par = g[g["bailleur"] != TOUS].groupby([PT, PC], sort=False).size().rename("_n")
    g = g.merge(par.reset_index(), on=[PT, PC], how="left")
    g["bailleurs"] = np.where(g["bailleur"] == TOUS, g["_n"].fillna(0), 1).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        valeur = np.where(g["denominateur"] > 0, g["numerateur"] / g["denominateur"], np.nan)
    g["valeur"] = np.where(g["complet"], valeur, np.nan)
    g["numerateur"] = g["numerateur"].where(g["complet"])
    g = g.assign(categorie="", reservataire="", dimension="total", modalite="", indicateur=PRIORITAIRES)
    return g[colonnes].reset_index(drop=True)


def indicateurs(ratios: pd.DataFrame, regles: ReglesCalcul) -> pd.DataFrame:
    """The indicators of DOMAINE.md §4 recomputed from summed numerators and denominators, with their reference
    value (``cible``, ``sens``): préfet checks, CIA indicators, publics prioritaires, DALO, délai moyen."""
    codes = [r.code for r in k.RATIOS if r.code not in ("part_flux_orientations", "part_attributions")]
    codes = [c for c in codes if c not in ("taux_convention", "taux_realisation", "taux_transformation")]
    t = ratios[ratios["indicateur"].isin(codes)].copy()
    t["libelle"] = t["indicateur"].map(libelle_indicateur)
    cible, sens = [], []
    for code, categorie in zip(t["indicateur"], t["categorie"], strict=True):
        attribut, lecture = k.CIBLES.get(code, ("", ""))
        if code == "part_publics_prioritaires" and categorie in ref.CATEGORIES_PREFET:
            attribut, lecture = "", ""
        cible.append(getattr(regles, attribut) if attribut else np.nan)
        sens.append(lecture)
    t["cible"] = np.asarray(cible, dtype="float64")
    t["sens"] = sens
    t["unite"] = t["indicateur"].map(lambda c: k.UNITES.get(c, "ratio"))
    t = t.rename(columns={"bailleurs": "nombre_bailleurs"})
    t = _libeller(t)
    return trier(t, ["indicateur", PT, PC, "bailleur", "categorie", "reservataire"])[COLONNES_INDICATEURS]


# --- year on year ------------------------------------------------------------------------------------------------

COLONNES_EVOLUTION = [
    "bailleur",
    PT,
    PC,
    PL,
    "categorie",
    "reservataire",
    "indicateur",
    "libelle",
    "unite",
    "valeur_n",
    "valeur_n_1",
    "evolution",
    "evolution_relative",
    "valeur_n_communs",
    "valeur_n_1_communs",
    "evolution_communs",
]


def evolution(
    n: pd.DataFrame, n_1: pd.DataFrame, n_communs: pd.DataFrame | None, n_1_communs: pd.DataFrame | None
) -> pd.DataFrame:
    """Year-on-year of every ``total`` figure: of all landlords (``bailleur`` empty) on every line, and of each
    landlord on its perimeter-wide lines (``categorie`` and ``reservataire`` empty: a landlord's figures per holder
    would multiply the rows by the holders for little reading). n, n−1 and their difference (a count difference,
    or for a ratio a difference of fractions, shown in points); the same « à bailleurs constants » (landlords
    received both years) when the landlords differ (else equal to the first columns; for one landlord, its own
    figures when it was received both years, else NaN)."""
    cles = ["bailleur", PT, PC, "categorie", "reservataire", "indicateur"]

    def totaux(t: pd.DataFrame, nom: str) -> pd.DataFrame:
        t = t[t["dimension"] == "total"]
        large = (t["categorie"] == "") & (t["reservataire"] == "")
        t = t[(t["bailleur"] == TOUS) | large]
        return t[[*cles, "valeur"]].rename(columns={"valeur": nom})

    out = totaux(n, "valeur_n").merge(totaux(n_1, "valeur_n_1"), on=cles, how="outer")
    if n_communs is not None and n_1_communs is not None:
        out = out.merge(totaux(n_communs, "valeur_n_communs"), on=cles, how="left")
        out = out.merge(totaux(n_1_communs, "valeur_n_1_communs"), on=cles, how="left")
    else:
        out["valeur_n_communs"] = out["valeur_n"]
        out["valeur_n_1_communs"] = out["valeur_n_1"]
    out["evolution"] = out["valeur_n"] - out["valeur_n_1"]
    out["evolution_communs"] = out["valeur_n_communs"] - out["valeur_n_1_communs"]
    ratio = out["indicateur"].isin(k.PAR_CODE)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(out["valeur_n_1"] > 0, out["evolution"] / out["valeur_n_1"], np.nan)
    out["evolution_relative"] = np.where(ratio, np.nan, relative)
    out["libelle"] = out["indicateur"].map(libelle_indicateur)
    out["unite"] = np.where(ratio, out["indicateur"].map(lambda c: k.UNITES.get(c, "ratio")), "nombre")
    out = _libeller(out)
    return trier(out, [PT, PC, "bailleur", "categorie", "reservataire", "indicateur"])[COLONNES_EVOLUTION]


# --- one territory (what its workbook and the app show) -----------------------------------------------------------


def total_matrice(matrice: pd.DataFrame, flux_perimetre: pd.Series) -> dict[str, float]:
    """The total row of a matrix of one perimeter's category lines (``reservataire`` empty): counts added, shares
    recomputed from the sums and the perimeter's flux and attributions (never added)."""
    categories = matrice[matrice["reservataire"] == ""]
    total = {
        c: float(categories[c].sum())
        for c in ("logements_proposes", "logements_attribues", "attribues_en_qpv", "attribues_hors_qpv")
    }
    total["droits_theoriques"] = float(categories["droits_theoriques"].sum(min_count=1))
    flux = float(flux_perimetre.get("flux", np.nan))
    attribues = float(flux_perimetre.get("logements_attribues", np.nan))
    total["part_flux_orientations"] = total["logements_proposes"] / flux if flux > 0 else np.nan
    total["part_attributions"] = total["logements_attribues"] / attribues if attribues > 0 else np.nan
    total["taux_transformation"] = (
        total["logements_attribues"] / total["logements_proposes"] if total["logements_proposes"] > 0 else np.nan
    )
    return total


def couverture_du_territoire(
    couverture: pd.DataFrame, flux_lignes: pd.DataFrame, ptype: str, pcode: str
) -> pd.DataFrame:
    """Who has sent, for one territory: every landlord with logements there (its disponibilités and share on the
    territory) and every expected landlord missing, from the campaign's coverage and the landlords' flux rows."""
    sur_t = flux_lignes[(flux_lignes[PT] == ptype) & (flux_lignes[PC] == pcode) & (flux_lignes["bailleur"] != TOUS)]
    recus = couverture[couverture["statut"] == "recu"].drop(
        columns=["disponibilites", "communes", "part_disponibilites"]
    )
    recus = recus.merge(sur_t[["bailleur", "disponibilites", "part_disponibilites"]], on="bailleur")
    manquants = couverture[couverture["statut"] == "manquant"].drop(columns=["communes"])
    out = pd.concat([recus, manquants], ignore_index=True)
    out = out.sort_values(["statut", "disponibilites", "bailleur"], ascending=[False, False, True], kind="stable")
    return out.reset_index(drop=True)[
        ["bailleur", "siren", "statut", "fichiers", "disponibilites", "part_disponibilites"]
    ]
