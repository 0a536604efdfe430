"""Prévisionnel n+1 (DOMAINE.md §5.4, CCH R. 441-5): soustraits prévus by category, relogements réalisés in n,
flux prévisionnel and droits prévisionnels.

The ``previsionnel`` table is given per département (FORMAT.md §1.4). The forecast is computed for every perimeter
of the bilan — every strate (commune, EPCI/EPT, département, région) and every convention perimeter — whether or not
a convention sits on it (DOMAINE.md §5.4): a perimeter smaller than a département receives each département's
forecast in proportion to its share of that département's disponibilités of year n
(``ReglesCalcul.prorata_previsionnel``, [rule]), and such a share is flagged ``estimation``; the région adds up its
départements. Computed only from a :class:`Bilan`, so that the dashboard can recompute it from an edited forecast
without redoing the bilan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan, selectionner
from flux_dash.calculs.cles import CLES_PERIMETRE, PC, PL, PT, libeller, trier
from flux_dash.calculs.perimetres import communes_reference
from flux_dash.regles import ReglesCalcul

COLONNES_SAISIE = ["code_departement", "categorie_soustraction", "nombre_prevu", "disponibilites_prevues"]
"""The columns of the ``previsionnel`` input table the computation reads (FORMAT.md §1.4)."""


def normaliser_previsionnel(prev: pd.DataFrame | None) -> pd.DataFrame:
    """The ``previsionnel`` table (or the dashboard's edited copy) with :data:`COLONNES_SAISIE`: codes as text,
    nombre_prevu float64 (0 when empty), disponibilites_prevues float64 (NaN when not given); rows without a
    département dropped; None or empty → no row."""
    colonnes = COLONNES_SAISIE
    if prev is None or len(prev) == 0 or "code_departement" not in prev:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in colonnes[2:] else object) for c in colonnes})
    out = pd.DataFrame(
        {
            "code_departement": prev["code_departement"].astype("string").fillna("").astype(str),
            "categorie_soustraction": prev["categorie_soustraction"].astype("string").fillna("").astype(str),
            "nombre_prevu": pd.to_numeric(prev["nombre_prevu"], errors="coerce").astype("float64").fillna(0.0),
            "disponibilites_prevues": pd.to_numeric(prev["disponibilites_prevues"], errors="coerce").astype("float64")
            if "disponibilites_prevues" in prev
            else np.nan,
        }
    )
    return out[out["code_departement"] != ""]


def perimetres_previsionnel(perimetres: pd.DataFrame, saisie: pd.DataFrame) -> pd.DataFrame:
    """(perimetre_type, perimetre_code) of the prévisionnel: every département of the stock or of the input, then
    every other perimeter of the bilan — the communes, EPCI/EPT and région of the stock (strates) and the convention
    perimeters — so that every territory has its forecast, convention or not (DOMAINE.md §5.4)."""
    p = perimetres
    deps = sorted(set(p.loc[(p[PT] == "DEPARTEMENT"), PC]) | set(saisie["code_departement"]))
    return pd.concat(
        [pd.DataFrame({PT: "DEPARTEMENT", PC: pd.Series(deps, dtype=object)}), p.loc[p[PT] != "DEPARTEMENT", [PT, PC]]]
    ).drop_duplicates()


def poids_departements(
    cibles: pd.DataFrame, flux: pd.DataFrame, appartenance: pd.DataFrame, regles: ReglesCalcul
) -> pd.DataFrame:
    """(perimetre_type, perimetre_code, code_departement, poids): the share of each département's forecast that
    goes to each perimeter of ``cibles`` — 1 for the département itself and for the région (every département of
    ``cibles``); for any other perimeter its share of the département's disponibilités of n
    (``regles.prorata_previsionnel``; no row at all when the rule is off)."""
    directs = cibles[cibles[PT] == "DEPARTEMENT"].assign(code_departement=lambda d: d[PC], poids=1.0)
    region = cibles.loc[cibles[PT] == "REGION", [PT, PC]].merge(
        directs[["code_departement"]].assign(poids=1.0), how="cross"
    )
    directs = pd.concat([directs, region], ignore_index=True)
    autres = cibles[~cibles[PT].isin(["DEPARTEMENT", "REGION"])]
    if not regles.prorata_previsionnel or autres.empty:
        return directs
    par_commune = flux.loc[flux[PT] == "COMMUNE", [PC, "disponibilites"]].rename(columns={PC: "code_commune"})
    dep_commune = communes_reference()["code_departement"].rename_axis("code_commune").reset_index()
    morceaux = autres.merge(appartenance, on=CLES_PERIMETRE).merge(par_commune, on="code_commune")
    morceaux = morceaux.merge(dep_commune, on="code_commune")
    morceaux = morceaux.groupby([PT, PC, "code_departement"], as_index=False)["disponibilites"].sum()
    total = flux.loc[flux[PT] == "DEPARTEMENT", [PC, "disponibilites"]].rename(
        columns={PC: "code_departement", "disponibilites": "_total"}
    )
    morceaux = morceaux.merge(total, on="code_departement", how="left")
    morceaux["poids"] = np.where(morceaux["_total"] > 0, morceaux["disponibilites"] / morceaux["_total"], 0.0)
    return pd.concat([directs, morceaux[[PT, PC, "code_departement", "poids"]]], ignore_index=True)


def estimations(cibles: pd.DataFrame, poids: pd.DataFrame) -> pd.DataFrame:
    """(perimetre_type, perimetre_code, estimation): True where the perimeter's forecast is a share of a
    département's (a weight strictly between 0 and 1): an estimate, shown with one decimal and labelled so
    (DOMAINE.md §5.4); False for a département, the région, or a perimeter holding a whole département."""
    partiel = poids.assign(estimation=(poids["poids"] > 0) & (poids["poids"] < 1))
    partiel = partiel.groupby(CLES_PERIMETRE, as_index=False)["estimation"].any()
    out = cibles[[PT, PC]].merge(partiel, on=CLES_PERIMETRE, how="left")
    out["estimation"] = out["estimation"].astype("boolean").fillna(False).astype(bool)
    return out


def calculer_soustraits_prevus(
    cibles: pd.DataFrame, poids: pd.DataFrame, saisie: pd.DataFrame, soustraits: pd.DataFrame
) -> pd.DataFrame:
    """``Bilan.previsionnel_soustraits``: soustraits prévus per perimeter × category (the départements' forecast
    shared by ``poids``; NaN where no share is computable) beside the relogements réalisés of n (R. 441-5)."""
    sp_dep = saisie.groupby(["code_departement", "categorie_soustraction"], as_index=False)["nombre_prevu"].sum()
    sp = poids.merge(sp_dep, on="code_departement")
    sp["soustraits_prevus"] = sp["poids"] * sp["nombre_prevu"]
    sp = sp.groupby([PT, PC, "categorie_soustraction"], as_index=False)["soustraits_prevus"].sum()

    grille = cibles.merge(pd.DataFrame({"categorie_soustraction": ref.SOUSTRACTIONS.codes}), how="cross")
    prevus = grille.merge(sp, on=[PT, PC, "categorie_soustraction"], how="left")
    couverts = set(zip(poids[PT], poids[PC], strict=True))
    calculable = np.array([k in couverts for k in zip(prevus[PT], prevus[PC], strict=True)], dtype=bool)
    prevus["soustraits_prevus"] = prevus["soustraits_prevus"].astype("float64").fillna(0.0).where(calculable, np.nan)
    reloges = soustraits[[PT, PC, "categorie_soustraction", "relogements_realises"]]
    prevus = prevus.merge(reloges, on=[PT, PC, "categorie_soustraction"], how="left")
    prevus["relogements_realises_n"] = prevus.pop("relogements_realises").fillna(0).astype("int64")
    prevus["categorie_libelle"] = prevus["categorie_soustraction"].map(ref.SOUSTRACTIONS.libelle)
    prevus = prevus.merge(estimations(cibles, poids), on=CLES_PERIMETRE, how="left")
    return selectionner(trier(libeller(prevus), [PT, PC, "categorie_soustraction"]), "previsionnel_soustraits")


def _disponibilites_prevues(poids: pd.DataFrame, saisie: pd.DataFrame) -> pd.DataFrame:
    """(perimetre_type, perimetre_code, disponibilites_prevues): the share of the départements' disponibilités
    prévues, given only if every département contributing to the perimeter gives it (else NaN)."""
    dp_dep = saisie.groupby("code_departement", as_index=False)["disponibilites_prevues"].max()
    dp = poids[poids["poids"] > 0].merge(dp_dep, on="code_departement", how="left")
    dp["_part"] = dp["poids"] * dp["disponibilites_prevues"]
    dp["_manque"] = dp["_part"].isna()
    dp = dp.groupby(CLES_PERIMETRE, as_index=False).agg(
        disponibilites_prevues=("_part", "sum"), _manque=("_manque", "any")
    )
    dp.loc[dp["_manque"], "disponibilites_prevues"] = np.nan
    return dp.drop(columns="_manque")


def calculer_flux_previsionnel(
    cibles: pd.DataFrame,
    poids: pd.DataFrame,
    saisie: pd.DataFrame,
    flux: pd.DataFrame,
    soustraits_prevus: pd.DataFrame,
) -> pd.DataFrame:
    """``Bilan.previsionnel``: flux prévisionnel = disponibilités prévues (when given, else disponibilités of n)
    − soustraits prévus, per perimeter (DOMAINE.md §5.4)."""
    total = soustraits_prevus.groupby(CLES_PERIMETRE, as_index=False)["soustraits_prevus"].sum(min_count=1)
    resume = cibles.merge(flux[[PT, PC, "disponibilites"]], on=CLES_PERIMETRE, how="left")
    resume["disponibilites_n"] = resume.pop("disponibilites").fillna(0).astype("int64")
    resume = resume.merge(_disponibilites_prevues(poids, saisie), on=CLES_PERIMETRE, how="left")
    resume = resume.merge(total, on=CLES_PERIMETRE, how="left")
    resume["disponibilites_prevues"] = resume["disponibilites_prevues"].astype("float64")
    donnees = resume["disponibilites_prevues"].notna()
    base = resume["disponibilites_prevues"].where(donnees, resume["disponibilites_n"].astype("float64"))
    resume["flux_previsionnel"] = base - resume["soustraits_prevus"]
    resume["source_disponibilites"] = np.where(donnees, "prevues", "annee_n")
    resume = resume.merge(estimations(cibles, poids), on=CLES_PERIMETRE, how="left")
    return selectionner(trier(libeller(resume), [PT, PC]), "previsionnel")


def calculer_droits_previsionnels(conventions: pd.DataFrame, previsionnel: pd.DataFrame) -> pd.DataFrame:
    """``Bilan.previsionnel_reservataires``: droits prévisionnels = taux × flux prévisionnel / 100, per
    convention."""
    droits = conventions[["reservataire", "categorie", PT, PC, PL, "taux_convention"]].merge(
        previsionnel[[PT, PC, "flux_previsionnel", "estimation"]], on=CLES_PERIMETRE, how="left"
    )
    droits["droits_previsionnels"] = droits["taux_convention"] * droits["flux_previsionnel"] / 100
    droits["estimation"] = droits["estimation"].astype("boolean").fillna(False).astype(bool)
    return selectionner(trier(droits, ["categorie", "reservataire", PT, PC]), "previsionnel_reservataires")


@dataclass(frozen=True)
class Previsionnel:
    """The three prévisionnel frames of a :class:`Bilan`."""

    previsionnel: pd.DataFrame
    previsionnel_soustraits: pd.DataFrame
    previsionnel_reservataires: pd.DataFrame


def previsionnel_du_bilan(
    saisie: pd.DataFrame | None,
    *,
    perimetres: pd.DataFrame,
    appartenance: pd.DataFrame,
    flux: pd.DataFrame,
    soustraits: pd.DataFrame,
    conventions: pd.DataFrame,
    regles: ReglesCalcul,
) -> Previsionnel:
    """The prévisionnel n+1 (DOMAINE.md §5.4) from the (edited) ``previsionnel`` table and the bilan's frames."""
    prev = normaliser_previsionnel(saisie)
    cibles = perimetres_previsionnel(perimetres, prev)
    poids = poids_departements(cibles, flux, appartenance, regles)
    prevus = calculer_soustraits_prevus(cibles, poids, prev, soustraits)
    resume = calculer_flux_previsionnel(cibles, poids, prev, flux, prevus)
    return Previsionnel(
        previsionnel=resume,
        previsionnel_soustraits=prevus,
        previsionnel_reservataires=calculer_droits_previsionnels(conventions, resume),
    )


def calculer_previsionnel(bilan: Bilan, previsionnel: pd.DataFrame | None) -> Bilan:
    """A copy of ``bilan`` whose three ``previsionnel*`` frames are computed from an (edited) ``previsionnel``
    table (columns code_departement, categorie_soustraction, nombre_prevu, disponibilites_prevues); None or an
    empty table means "no soustraits prévus". The rest of the bilan is untouched (the dashboard recomputes the
    forecast without redoing the bilan)."""
    p = previsionnel_du_bilan(
        previsionnel,
        perimetres=bilan.perimetres,
        appartenance=bilan.appartenance,
        flux=bilan.flux,
        soustraits=bilan.soustraits,
        conventions=bilan.conventions,
        regles=bilan.regles,
    )
    return dataclasses.replace(bilan, **{f.name: getattr(p, f.name) for f in dataclasses.fields(p)})
