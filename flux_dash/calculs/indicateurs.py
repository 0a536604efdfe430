"""The indicators of the regional framework (DOMAINE.md §4), each with its reference value (``cible``).

An indicator that needs an optional column of ``tours`` (menage_prioritaire, dalo, premier_quartile) is left
empty (NaN) when that column is absent from the file (all ``<NA>``), never zero. ``menage_relogement_ru`` only
widens the 1er-quartile numerator: when absent it counts as "non".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import selectionner
from flux_dash.calculs.cles import CLES_PERIMETRE, PC, PT, libeller, ratio, sommer, trier
from flux_dash.calculs.definitions import DEFINITIONS, LIBELLES
from flux_dash.regles import ReglesCalcul

_RANG_INDICATEUR = {code: i for i, (code, _, _) in enumerate(DEFINITIONS)}


def _lignes(
    base: pd.DataFrame, indicateur: str, num, den, valeur=None, *, cible=np.nan, sens="", unite: str = "ratio"
) -> pd.DataFrame:
    n = len(base)
    num = np.broadcast_to(np.asarray(num, dtype="float64"), (n,))
    den = np.broadcast_to(np.asarray(den, dtype="float64"), (n,))
    vide = np.full(n, "", dtype=object)
    return pd.DataFrame(  # one constructor call: column-by-column assignment costs ~0.3 ms a column
        {
            PT: base[PT].to_numpy(dtype=object),
            PC: base[PC].to_numpy(dtype=object),
            "reservataire": base["reservataire"].to_numpy(dtype=object) if "reservataire" in base else vide,
            "categorie": base["categorie"].to_numpy(dtype=object) if "categorie" in base else vide,
            "indicateur": indicateur,
            "numerateur": num,
            "denominateur": den,
            "valeur": ratio(num, den) if valeur is None else np.asarray(valeur, dtype="float64"),
            "cible": np.broadcast_to(np.asarray(cible, dtype="float64"), (n,)),
            "sens": np.broadcast_to(np.asarray(sens, dtype=object), (n,)),
            "unite": unite,
        },
        index=pd.RangeIndex(n),
    )


def _par_perimetre(paires: pd.DataFrame, A: pd.DataFrame, **sommes: str) -> pd.DataFrame:
    """Distinct logements of ``paires`` (columns id_logement, code_commune, qpv and the summed flags) per perimeter
    (``n``) and sums of logement-level flags, tallied per commune then summed over each perimeter's communes."""
    faits = paires.drop_duplicates("id_logement")
    faits = faits.assign(hors_qpv=~faits["qpv"].astype(bool), _n=1)
    colonnes = {"_n": "n"} | {source: nom for nom, source in sommes.items()}
    par_commune = faits.groupby("code_commune", as_index=False, sort=False)[list(colonnes)].sum()
    return sommer(par_commune.rename(columns=colonnes), A, CLES_PERIMETRE, list(colonnes.values()))


def _joindre(base: pd.DataFrame, comptes: pd.DataFrame) -> pd.DataFrame:
    out = base.merge(comptes, on=CLES_PERIMETRE, how="left")
    cols = [c for c in comptes.columns if c not in CLES_PERIMETRE]
    out[cols] = out[cols].fillna(0)
    return out


def calculer_indicateurs(
    *,
    regles: ReglesCalcul,
    perimetres: pd.DataFrame,
    flux: pd.DataFrame,
    realisation: pd.DataFrame,
    A: pd.DataFrame,
    proposes: pd.DataFrame,
    attributions_cia: pd.DataFrame,
    categorie_de: dict[str, str],
    optionnelles: dict[str, bool],
) -> pd.DataFrame:
    morceaux: list[pd.DataFrame] = []
    categories = proposes["reservataire"].map(categorie_de)

    # Préfet share of the flux, per département and per commune (CCH R. 441-5-2).
    prefet = _par_perimetre(proposes[categories.isin(ref.CATEGORIES_PREFET)], A, hors_qpv="hors_qpv")
    agents = _par_perimetre(proposes[categories == "ETAT_AGENTS"], A)
    strates = perimetres.loc[perimetres["strate"], CLES_PERIMETRE]
    base = strates[strates[PT].isin(["DEPARTEMENT", "COMMUNE"])].merge(flux, on=CLES_PERIMETRE)
    p = _joindre(base, prefet)
    morceaux.append(_lignes(p, "part_prefet_flux", p["n"], p["flux"], cible=regles.plafond_prefet, sens="max"))
    a = _joindre(base, agents)
    morceaux.append(_lignes(a, "part_agents_flux", a["n"], a["flux"], cible=regles.plafond_agents, sens="max"))
    d = p[p[PT] == "DEPARTEMENT"]
    morceaux.append(
        _lignes(d, "prefet_hors_qpv_a", d["hors_qpv"], d["n"], cible=regles.plancher_prefet_hors_qpv, sens="min")
    )
    morceaux.append(_lignes(d, "prefet_hors_qpv_b", d["hors_qpv"], d["flux_hors_qpv"]))

    # Per holder × perimeter (the rows of realisation).
    r = realisation
    non_etat = ~r["categorie"].isin(ref.CATEGORIES_PREFET)
    cible_prio = np.where(non_etat, regles.plancher_prioritaires, np.nan)
    morceaux.append(
        _lignes(
            r,
            "part_publics_prioritaires",
            r["attribues_prioritaires"],
            r["logements_attribues"],
            cible=cible_prio,
            sens=np.where(non_etat, "min", ""),
        )
    )
    morceaux.append(_lignes(r, "attributions_dalo", r["attribues_dalo"], np.nan, r["attribues_dalo"], unite="nombre"))
    morceaux.append(_lignes(r, "part_dalo", r["attribues_dalo"], r["logements_attribues"]))
    morceaux.append(
        _lignes(r, "delai_moyen_orientation_attribution", r["_delai_total"], r["logements_attribues"], unite="jours")
    )
    morceaux.append(
        _lignes(
            r,
            "tours_sans_designation",
            r["tours_sans_designation"],
            np.nan,
            r["tours_sans_designation"],
            unite="nombre",
        )
    )

    # CIA indicators per EPCI/EPT (loi Égalité et Citoyenneté, L. 441-1): all holders' attributions of n, one row
    # per logement (soustraits included by default: ReglesCalcul.cia_avec_soustraits).
    att = attributions_cia.copy()
    att["pq_en_qpv_non"] = ~att["premier_quartile"] & att["qpv"]
    att["pq_ou_ru_hors"] = (att["premier_quartile"] | att["menage_relogement_ru"]) & ~att["qpv"]
    comptes = _par_perimetre(att, A, hors="hors_qpv", pq_ou_ru_hors="pq_ou_ru_hors", non_pq_en="pq_en_qpv_non")
    comptes["en"] = comptes["n"] - comptes["hors"]
    epci = _joindre(perimetres.loc[perimetres[PT] == "EPCI_EPT", CLES_PERIMETRE], comptes)
    pq = optionnelles["premier_quartile"]
    morceaux.append(
        _lignes(
            epci,
            "part_premier_quartile_hors_qpv",
            epci["pq_ou_ru_hors"] if pq else np.nan,
            epci["hors"],
            cible=regles.plancher_premier_quartile_hors_qpv,
            sens="min",
        )
    )
    morceaux.append(
        _lignes(
            epci,
            "part_hors_premier_quartile_en_qpv",
            epci["non_pq_en"] if pq else np.nan,
            epci["en"],
            cible=regles.plancher_hors_premier_quartile_en_qpv,
            sens="min",
        )
    )

    out = pd.concat(morceaux, ignore_index=True)
    out["libelle"] = out["indicateur"].map(LIBELLES)
    out = libeller(out)
    out["_r_ind"] = out["indicateur"].map(_RANG_INDICATEUR)
    out = trier(out, ["_r_ind", PT, PC, "categorie", "reservataire"])
    return selectionner(out, "indicateurs")
