"""The indicators of the regional framework (DOMAINE.md §4), each with its reference value (``cible``).

An indicator that needs an optional column of ``tours`` (menage_prioritaire, dalo, premier_quartile) is left
empty (NaN) when that column is absent from the file (all ``<NA>``), never zero. ``menage_relogement_ru`` only
widens the 1er-quartile numerator: when absent it counts as "non".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import selectionner
from flux_dash.calculs.cles import CLES_PERIMETRE, PC, PT, libeller, ratio, sommer, trier
from flux_dash.calculs.definitions import DEFINITIONS, LIBELLES
from flux_dash.regles import ReglesCalcul

_RANG_INDICATEUR = {code: i for i, (code, _, _) in enumerate(DEFINITIONS)}
NON_SIGNIFICATIF, NON_RENSEIGNE = "non_significatif", "non_renseigne"
"""``motif_vide`` of an empty value: a division by zero (« n.s. ») or data absent from the file (DOMAINE.md §3–§4;
issue 10 item 5: the two are never shown alike)."""
Valeurs = pd.Series | np.ndarray | float


def _lignes(
    base: pd.DataFrame,
    indicateur: str,
    num: Valeurs,
    den: Valeurs,
    valeur: Valeurs | None = None,
    *,
    cible: Valeurs = np.nan,
    sens: str | np.ndarray = "",
    unite: str = "ratio",
    renseigne: Valeurs | None = None,
) -> pd.DataFrame:
    """One row per row of ``base`` (perimeter, and holder when ``base`` has one): the indicator's numerator,
    denominator, value (num / den unless given), reference, and why the value is empty (``motif_vide``):
    « non renseigné » where the data it needs is not in the file (``renseigne`` False; by default: the numerator is
    empty), else « non significatif » (a division by zero)."""
    n = len(base)
    num = np.broadcast_to(np.asarray(num, dtype="float64"), (n,))
    den = np.broadcast_to(np.asarray(den, dtype="float64"), (n,))
    vide = np.full(n, "", dtype=object)
    valeurs = ratio(num, den) if valeur is None else np.broadcast_to(np.asarray(valeur, dtype="float64"), (n,))
    connu = ~np.isnan(num) if renseigne is None else np.broadcast_to(np.asarray(renseigne, dtype=bool), (n,))
    motif = np.where(np.isnan(valeurs), np.where(connu, NON_SIGNIFICATIF, NON_RENSEIGNE), "").astype(object)
    return pd.DataFrame(  # one constructor call: column-by-column assignment costs ~0.3 ms a column
        {
            PT: base[PT].to_numpy(dtype=object),
            PC: base[PC].to_numpy(dtype=object),
            "reservataire": base["reservataire"].to_numpy(dtype=object) if "reservataire" in base else vide,
            "categorie": base["categorie"].to_numpy(dtype=object) if "categorie" in base else vide,
            "indicateur": indicateur,
            "numerateur": num,
            "denominateur": den,
            "valeur": valeurs,
            "motif_vide": motif,
            "cible": np.broadcast_to(np.asarray(cible, dtype="float64"), (n,)),
            "sens": np.broadcast_to(np.asarray(sens, dtype=object), (n,)),
            "unite": unite,
        },
        index=pd.RangeIndex(n),
    )


def _par_perimetre(paires: pd.DataFrame, appartenance: pd.DataFrame, **sommes: str) -> pd.DataFrame:
    """Distinct logements of ``paires`` (columns id_logement, code_commune, qpv and the summed flags) per perimeter
    (``n``) and sums of logement-level flags, tallied per commune then summed over each perimeter's communes."""
    faits = paires.drop_duplicates("id_logement")
    faits = faits.assign(hors_qpv=~faits["qpv"].astype(bool), _n=1)
    colonnes = {"_n": "n"} | {source: nom for nom, source in sommes.items()}
    par_commune = faits.groupby("code_commune", as_index=False, sort=False)[list(colonnes)].sum()
    return sommer(par_commune.rename(columns=colonnes), appartenance, CLES_PERIMETRE, list(colonnes.values()))


def _joindre(base: pd.DataFrame, comptes: pd.DataFrame) -> pd.DataFrame:
    out = base.merge(comptes, on=CLES_PERIMETRE, how="left")
    cols = [c for c in comptes.columns if c not in CLES_PERIMETRE]
    out[cols] = out[cols].fillna(0)
    return out


def indicateurs_prefet(
    proposes: pd.DataFrame,
    reservataires: pd.DataFrame,
    perimetres: pd.DataFrame,
    appartenance: pd.DataFrame,
    flux: pd.DataFrame,
    regles: ReglesCalcul,
) -> list[pd.DataFrame]:
    """The préfet's share of the flux per département and per commune, the agents' share, and the préfet's
    orientations hors QPV in readings a and b, per département (CCH R. 441-5-2, DOMAINE.md §4); ``proposes``: the
    (logement, holder) pairs proposés in n with code_commune and qpv."""
    categorie_de = dict(zip(reservataires["reservataire"], reservataires["categorie"], strict=True))
    categories = proposes["reservataire"].map(categorie_de)
    prefet = _par_perimetre(proposes[categories.isin(ref.CATEGORIES_PREFET)], appartenance, hors_qpv="hors_qpv")
    agents = _par_perimetre(proposes[categories == "ETAT_AGENTS"], appartenance)
    strates = perimetres.loc[perimetres["strate"], CLES_PERIMETRE]
    base = strates[strates[PT].isin(["DEPARTEMENT", "COMMUNE"])].merge(flux, on=CLES_PERIMETRE)
    p = _joindre(base, prefet)
    a = _joindre(base, agents)
    d = p[p[PT] == "DEPARTEMENT"]
    return [
        _lignes(p, "part_prefet_flux", p["n"], p["flux"], cible=regles.plafond_prefet, sens="max"),
        _lignes(a, "part_agents_flux", a["n"], a["flux"], cible=regles.plafond_agents, sens="max"),
        _lignes(d, "prefet_hors_qpv_a", d["hors_qpv"], d["n"], cible=regles.plancher_prefet_hors_qpv, sens="min"),
        _lignes(d, "prefet_hors_qpv_b", d["hors_qpv"], d["flux_hors_qpv"]),
    ]


def indicateurs_titulaires(realisation: pd.DataFrame, regles: ReglesCalcul) -> list[pd.DataFrame]:
    """Per holder × perimeter (every holder present in each perimeter, :func:`~flux_dash.calculs.moteur.
    titulaires_des_indicateurs`, with its optional counts, tours_sans_designation and _delai_total): publics prioritaires (≥ 25 % for non-État holders, L. 441-1), DALO count and share, mean delay
    from orientation to attribution, tours sans désignation (DOMAINE.md §4)."""
    r = realisation
    # The 25 % reference is the holder's own obligation: none for État, none on a « Hors convention » line.
    non_etat = ~r["categorie"].isin([*ref.CATEGORIES_PREFET, ref.HORS_CONVENTION])
    cible_prio = np.where(non_etat, regles.plancher_prioritaires, np.nan)
    return [
        _lignes(
            r,
            "part_publics_prioritaires",
            r["attribues_prioritaires"],
            r["logements_attribues"],
            cible=cible_prio,
            sens=np.where(non_etat, "min", ""),
        ),
        _lignes(r, "attributions_dalo", r["attribues_dalo"], np.nan, r["attribues_dalo"], unite="nombre"),
        _lignes(r, "part_dalo", r["attribues_dalo"], r["logements_attribues"]),
        # The mean delay in days over its base, the attributions (issue 10 item 5): no sum of days is shown.
        _lignes(
            r,
            "delai_moyen_orientation_attribution",
            np.nan,
            r["logements_attribues"],
            ratio(r["_delai_total"], r["logements_attribues"]),
            unite="jours",
            renseigne=True,
        ),
        _lignes(
            r,
            "tours_sans_designation",
            r["tours_sans_designation"],
            np.nan,
            r["tours_sans_designation"],
            unite="nombre",
        ),
    ]


def indicateurs_cia(
    attributions_cia: pd.DataFrame,
    perimetres: pd.DataFrame,
    appartenance: pd.DataFrame,
    optionnelles: Mapping[str, bool],
    regles: ReglesCalcul,
) -> list[pd.DataFrame]:
    """The CIA indicators per EPCI/EPT (loi Égalité et Citoyenneté, L. 441-1): 1er quartile (or relogé RU) among
    the attributions hors QPV, non-1er-quartile among the attributions en QPV; ``attributions_cia``: one row per
    logement attributed in n, all holders (soustraits included by default: ``regles.cia_avec_soustraits``)."""
    att = attributions_cia.copy()
    att["pq_en_qpv_non"] = ~att["premier_quartile"] & att["qpv"]
    att["pq_ou_ru_hors"] = (att["premier_quartile"] | att["menage_relogement_ru"]) & ~att["qpv"]
    comptes = _par_perimetre(
        att, appartenance, hors="hors_qpv", pq_ou_ru_hors="pq_ou_ru_hors", non_pq_en="pq_en_qpv_non"
    )
    comptes["en"] = comptes["n"] - comptes["hors"]
    epci = _joindre(perimetres.loc[perimetres[PT] == "EPCI_EPT", CLES_PERIMETRE], comptes)
    pq = optionnelles["premier_quartile"]
    return [
        _lignes(
            epci,
            "part_premier_quartile_hors_qpv",
            epci["pq_ou_ru_hors"] if pq else np.nan,
            epci["hors"],
            cible=regles.plancher_premier_quartile_hors_qpv,
            sens="min",
        ),
        _lignes(
            epci,
            "part_hors_premier_quartile_en_qpv",
            epci["non_pq_en"] if pq else np.nan,
            epci["en"],
            cible=regles.plancher_hors_premier_quartile_en_qpv,
            sens="min",
        ),
    ]


def calculer_indicateurs(
    *,
    regles: ReglesCalcul,
    perimetres: pd.DataFrame,
    appartenance: pd.DataFrame,
    flux: pd.DataFrame,
    realisation: pd.DataFrame,
    proposes: pd.DataFrame,
    attributions_cia: pd.DataFrame,
    reservataires: pd.DataFrame,
    optionnelles: Mapping[str, bool],
) -> pd.DataFrame:
    """``Bilan.indicateurs``: the three families of §4 indicators, labelled, in :data:`DEFINITIONS` order."""
    morceaux = [
        *indicateurs_prefet(proposes, reservataires, perimetres, appartenance, flux, regles),
        *indicateurs_titulaires(realisation, regles),
        *indicateurs_cia(attributions_cia, perimetres, appartenance, optionnelles, regles),
    ]
    out = pd.concat(morceaux, ignore_index=True)
    out["libelle"] = out["indicateur"].map(LIBELLES)
    out = libeller(out)
    out["_r_ind"] = out["indicateur"].map(_RANG_INDICATEUR)
    out = trier(out, ["_r_ind", PT, PC, "categorie", "reservataire"])
    return selectionner(out, "indicateurs")
