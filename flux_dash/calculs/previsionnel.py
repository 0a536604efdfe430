"""Prévisionnel n+1 (DOMAINE.md §5.4, CCH R. 441-5): soustraits prévus by category, relogements réalisés in n,
flux prévisionnel and droits prévisionnels.

The ``previsionnel`` table is given per département (FORMAT.md §1.4). A convention perimeter smaller than a
département (EPCI/EPT, commune) receives each département's forecast in proportion to its share of that
département's disponibilités of year n (``ReglesCalcul.prorata_previsionnel``, [rule]). Computed only from a
:class:`Bilan`, so that the dashboard can recompute it from an edited forecast without redoing the bilan.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan, selectionner
from flux_dash.calculs.cles import CLES_PERIMETRE, PC, PL, PT, libeller, trier
from flux_dash.calculs.perimetres import communes_reference


def _normaliser(prev: pd.DataFrame | None) -> pd.DataFrame:
    colonnes = ["code_departement", "categorie_soustraction", "nombre_prevu", "disponibilites_prevues"]
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


def _poids(bilan: Bilan, cibles: pd.DataFrame, departements: list[str], prorata: bool) -> pd.DataFrame:
    """(perimetre_type, perimetre_code, code_departement, poids): share of each département's forecast."""
    directs = cibles[cibles[PT] == "DEPARTEMENT"].assign(code_departement=lambda d: d[PC], poids=1.0)
    autres = cibles[cibles[PT] != "DEPARTEMENT"]
    if not prorata or autres.empty:
        return directs
    flux = bilan.flux
    par_commune = flux.loc[flux[PT] == "COMMUNE", [PC, "disponibilites"]].rename(columns={PC: "code_commune"})
    dep_commune = communes_reference()["code_departement"].rename_axis("code_commune").reset_index()
    morceaux = autres.merge(bilan.appartenance, on=CLES_PERIMETRE).merge(par_commune, on="code_commune")
    morceaux = morceaux.merge(dep_commune, on="code_commune")
    morceaux = morceaux.groupby([PT, PC, "code_departement"], as_index=False)["disponibilites"].sum()
    total = flux.loc[flux[PT] == "DEPARTEMENT", [PC, "disponibilites"]].rename(
        columns={PC: "code_departement", "disponibilites": "_total"}
    )
    morceaux = morceaux.merge(total, on="code_departement", how="left")
    morceaux["poids"] = np.where(morceaux["_total"] > 0, morceaux["disponibilites"] / morceaux["_total"], 0.0)
    return pd.concat([directs, morceaux[[PT, PC, "code_departement", "poids"]]], ignore_index=True)


def calculer_previsionnel(bilan: Bilan, previsionnel: pd.DataFrame | None) -> Bilan:
    """A copy of ``bilan`` whose three ``previsionnel*`` frames are computed from an (edited) ``previsionnel``
    table (columns code_departement, categorie_soustraction, nombre_prevu, disponibilites_prevues); None or an
    empty table means "no soustraits prévus"."""
    prev = _normaliser(previsionnel)
    p = bilan.perimetres
    deps = sorted(set(p.loc[(p[PT] == "DEPARTEMENT"), PC]) | set(prev["code_departement"]))
    cibles = pd.concat(
        [pd.DataFrame({PT: "DEPARTEMENT", PC: pd.Series(deps, dtype=object)}), p.loc[p["convention"], [PT, PC]]]
    ).drop_duplicates()
    poids = _poids(bilan, cibles, deps, bilan.regles.prorata_previsionnel)

    sp_dep = prev.groupby(["code_departement", "categorie_soustraction"], as_index=False)["nombre_prevu"].sum()
    dp_dep = prev.groupby("code_departement", as_index=False)["disponibilites_prevues"].max()

    sp = poids.merge(sp_dep, on="code_departement")
    sp["soustraits_prevus"] = sp["poids"] * sp["nombre_prevu"]
    sp = sp.groupby([PT, PC, "categorie_soustraction"], as_index=False)["soustraits_prevus"].sum()

    dp = poids[poids["poids"] > 0].merge(dp_dep, on="code_departement", how="left")
    dp["_part"] = dp["poids"] * dp["disponibilites_prevues"]
    # Given only if every département contributing to the perimeter gives it.
    dp["_manque"] = dp["_part"].isna()
    dp = dp.groupby(CLES_PERIMETRE, as_index=False).agg(
        disponibilites_prevues=("_part", "sum"), _manque=("_manque", "any")
    )
    dp.loc[dp["_manque"], "disponibilites_prevues"] = np.nan
    dp = dp.drop(columns="_manque")

    grille = cibles.merge(pd.DataFrame({"categorie_soustraction": ref.SOUSTRACTIONS.codes}), how="cross")
    prevus = grille.merge(sp, on=[PT, PC, "categorie_soustraction"], how="left")
    couverts = set(zip(poids[PT], poids[PC], strict=True))
    calculable = np.array([k in couverts for k in zip(prevus[PT], prevus[PC], strict=True)], dtype=bool)
    prevus["soustraits_prevus"] = prevus["soustraits_prevus"].astype("float64").fillna(0.0).where(calculable, np.nan)
    reloges = bilan.soustraits[[PT, PC, "categorie_soustraction", "relogements_realises"]]
    prevus = prevus.merge(reloges, on=[PT, PC, "categorie_soustraction"], how="left")
    prevus["relogements_realises_n"] = prevus.pop("relogements_realises").fillna(0).astype("int64")
    prevus["categorie_libelle"] = prevus["categorie_soustraction"].map(ref.SOUSTRACTIONS.libelle)
    prevus = selectionner(trier(libeller(prevus), [PT, PC, "categorie_soustraction"]), "previsionnel_soustraits")

    total = prevus.groupby(CLES_PERIMETRE, as_index=False)["soustraits_prevus"].sum(min_count=1)
    resume = cibles.merge(bilan.flux[[PT, PC, "disponibilites"]], on=CLES_PERIMETRE, how="left")
    resume["disponibilites_n"] = resume.pop("disponibilites").fillna(0).astype("int64")
    resume = resume.merge(dp, on=CLES_PERIMETRE, how="left").merge(total, on=CLES_PERIMETRE, how="left")
    resume["disponibilites_prevues"] = resume["disponibilites_prevues"].astype("float64")
    donnees = resume["disponibilites_prevues"].notna()
    base = resume["disponibilites_prevues"].where(donnees, resume["disponibilites_n"].astype("float64"))
    resume["flux_previsionnel"] = base - resume["soustraits_prevus"]
    resume["source_disponibilites"] = np.where(donnees, "prevues", "annee_n")
    resume = selectionner(trier(libeller(resume), [PT, PC]), "previsionnel")

    droits = bilan.conventions[["reservataire", "categorie", PT, PC, PL, "taux_convention"]].merge(
        resume[[PT, PC, "flux_previsionnel"]], on=CLES_PERIMETRE, how="left"
    )
    droits["droits_previsionnels"] = droits["taux_convention"] * droits["flux_previsionnel"] / 100
    droits = selectionner(trier(droits, ["categorie", "reservataire", PT, PC]), "previsionnel_reservataires")

    return dataclasses.replace(
        bilan, previsionnel=resume, previsionnel_soustraits=prevus, previsionnel_reservataires=droits
    )
