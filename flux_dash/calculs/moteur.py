"""The computation of a :class:`~flux_dash.calculs.Bilan` (DOMAINE.md §3–§4), vectorised with pandas.

Pipeline: one fact row per logement (commune, QPV, décret modalities, soustrait, available in n) → commune
membership of every perimeter → tours kept for the figures (holder known, logement inside one of the holder's
convention perimeters or holder = Bailleur, logement not soustrait) → (holder, logement) pairs proposés /
attribués → group by (holder, perimeter) through the membership table. Every count is a count of distinct
logements because the pairs are de-duplicated before grouping and a logement lies in exactly one commune.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan, selectionner
from flux_dash.calculs.cles import (
    CLES_PERIMETRE,
    MODALITES,
    PC,
    PL,
    PT,
    en_booleen,
    en_texte,
    libeller,
    objets,
    ratio,
    sommer,
    trier,
)
from flux_dash.calculs.indicateurs import calculer_indicateurs
from flux_dash.calculs.perimetres import calculer_appartenance, calculer_perimetres
from flux_dash.calculs.previsionnel import calculer_previsionnel
from flux_dash.regles import ReglesCalcul

OPTIONNELLES = ["menage_prioritaire", "dalo", "premier_quartile", "menage_relogement_ru"]
COMPTES_OPTIONNELS = {
    "attribues_prioritaires": "menage_prioritaire",
    "attribues_dalo": "dalo",
    "attribues_premier_quartile": "premier_quartile",
}


# --- inputs ---------------------------------------------------------------------------------------------


def _logements(tables: dict[str, pd.DataFrame], annee: int, regles: ReglesCalcul) -> pd.DataFrame:
    lg = tables["logements"].drop_duplicates("id_logement")
    cat = en_texte(lg["categorie_soustraction"]) if "categorie_soustraction" in lg else pd.Series("", index=lg.index)
    periode = ref.periodes_construction(lg["annee_construction"])
    faits = pd.DataFrame(
        {
            "id_logement": en_texte(lg["id_logement"]),
            "code_commune": en_texte(lg["code_commune"]),
            "qpv": lg["qpv"].astype("boolean").fillna(False).astype(bool),
            "typologie": en_texte(lg["typologie"]),
            "financement": en_texte(lg["financement"]),
            "periode_construction": en_texte(periode),
            "categorie_soustraction": cat,
            "dispo_n": regles.dans_annee(lg["date_disponibilite"], annee),
        }
    )
    faits["modalite_qpv"] = np.where(faits["qpv"], "EN_QPV", "HORS_QPV")
    faits["soustrait"] = faits["categorie_soustraction"] != ""
    return faits.reset_index(drop=True)


def _nom_holder(noms: pd.Series, connus: set[str]) -> pd.Series:
    """Tours name the landlord ``Bailleur`` (any case/accents): map it to :data:`ref.NOM_BAILLEUR`."""
    noms = en_texte(noms)
    cible = ref.normaliser_texte(ref.NOM_BAILLEUR)
    bailleurs = [n for n in noms.unique() if n not in connus and ref.normaliser_texte(n) == cible]  # a few dozen names
    return noms.where(~noms.isin(bailleurs), ref.NOM_BAILLEUR)


def _conventions(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    cv = tables["conventions"]
    out = pd.DataFrame(
        {
            "reservataire": en_texte(cv["reservataire"]),
            "categorie": en_texte(cv["categorie"]),
            PT: en_texte(cv[PT]),
            PC: en_texte(cv[PC]),
            "taux_convention": pd.to_numeric(cv["taux"], errors="coerce").astype("float64"),
        }
    ).drop_duplicates(["reservataire", PT, PC])
    out = libeller(out)
    return trier(out, ["categorie", "reservataire", PT, PC])


def _reservataires(conventions: pd.DataFrame) -> pd.DataFrame:
    r = conventions.drop_duplicates("reservataire")[["reservataire", "categorie"]]
    r = pd.concat([r, pd.DataFrame({"reservataire": [ref.NOM_BAILLEUR], "categorie": [ref.BAILLEUR]})])
    r = r.drop_duplicates("reservataire")
    r["categorie_libelle"] = r["categorie"].map(ref.CATEGORIES_RESERVATAIRE.libelle)
    r["slug"] = r["reservataire"].map(ref.slug)
    return trier(r, ["categorie", "reservataire"])


# --- the computation ------------------------------------------------------------------------------------


def calculer_bilan(
    tables: dict[str, pd.DataFrame],
    annee: int,
    regles: ReglesCalcul | None = None,
    previsionnel: pd.DataFrame | None = None,
) -> Bilan:
    """Compute the bilan of year ``annee`` from the clean tables of a ``RapportValidation`` (``rapport.tables``).

    ``previsionnel`` (same columns as the ``previsionnel`` input table) overrides ``tables["previsionnel"]``:
    the dashboard's editable forecast. To recompute only the prévisionnel of an existing bilan, use
    :func:`~flux_dash.calculs.previsionnel.calculer_previsionnel`.
    """
    regles = regles or ReglesCalcul()
    L = _logements(tables, annee, regles)
    conventions = _conventions(tables)
    reservataires = _reservataires(conventions)
    categorie_de = dict(zip(reservataires["reservataire"], reservataires["categorie"], strict=True))
    communes_stock = sorted(L["code_commune"].unique())
    A = calculer_appartenance(communes_stock, conventions)
    perimetres = calculer_perimetres(communes_stock, conventions, A, regles)

    # Tours: holder known, logement known (FORMAT.md §1.5 errors otherwise: dropped defensively).
    tr = tables["tours"]
    T = pd.DataFrame(
        {
            "id_logement": en_texte(tr["id_logement"]),
            "reservataire": _nom_holder(tr["reservataire"], set(conventions["reservataire"])),
            "issue": en_texte(tr["issue"]),
            "date_orientation": tr["date_orientation"],
            "date_attribution": tr.get("date_attribution", pd.NaT),
        }
    )
    optionnelles_presentes = {}
    for nom in OPTIONNELLES:
        b = en_booleen(tr, nom)
        optionnelles_presentes[nom] = bool(b.notna().any())
        T[nom] = b.fillna(False).astype(bool).to_numpy()
    T = T.merge(L[["id_logement", "code_commune", "soustrait", "qpv"]], on="id_logement", how="inner")
    T = T[T["reservataire"].isin(categorie_de)]
    T["orientation_n"] = regles.dans_annee(T["date_orientation"], annee)
    T["attribution_n"] = (T["issue"] == "ATTRIBUE") & regles.dans_annee(T["date_attribution"], annee)

    # DOMAINE.md §3: an orientation outside the holder's convention perimeters is not counted.
    droits = conventions[["reservataire", PT, PC]].merge(A, on=CLES_PERIMETRE)[["reservataire", "code_commune"]]
    droits = droits.drop_duplicates().assign(_dans=True)
    T = T.merge(droits, on=["reservataire", "code_commune"], how="left")
    T["valide"] = T["_dans"].fillna(False).astype(bool) | (T["reservataire"] == ref.NOM_BAILLEUR)
    T = T.drop(columns="_dans")

    # Relogements réalisés: soustraits with an ATTRIBUE tour dated in n (any holder), whatever their
    # date_disponibilite unless regles.relogements_disponibles_n (DOMAINE.md §3, R. 441-5).
    reloges = set(T.loc[T["attribution_n"] & T["soustrait"], "id_logement"])
    L["reloge_n"] = L["id_logement"].isin(reloges) & L["soustrait"]
    if regles.relogements_disponibles_n:
        L["reloge_n"] &= L["dispo_n"]

    TV = T[T["valide"] & ~T["soustrait"]]
    Tn = TV[TV["orientation_n"]]
    proposes = Tn[["id_logement", "reservataire", "code_commune", "qpv"]].drop_duplicates(
        ["id_logement", "reservataire"]
    )
    attribues = TV[TV["attribution_n"]].drop_duplicates(["id_logement", "reservataire"]).copy()
    attribues["delai"] = (attribues["date_attribution"] - attribues["date_orientation"]).dt.days.astype("float64")
    attribues["hors_qpv"] = ~attribues["qpv"]
    # CIA indicators (L. 441-1): every attribution of n, soustraits included unless the rule says otherwise.
    base_cia = T[T["valide"]] if regles.cia_avec_soustraits else TV
    attributions_cia = base_cia[base_cia["attribution_n"]].drop_duplicates("id_logement")[
        ["id_logement", "code_commune", "qpv", "premier_quartile", "menage_relogement_ru"]
    ]

    # Per-perimeter figures (DOMAINE.md §3). Every count is first tallied per commune (a logement lies in exactly
    # one commune), then summed over the communes of each perimeter: the membership join runs on a few hundred
    # tallies instead of every logement × its four or five perimeters.
    L["en_qpv_n"] = L["dispo_n"] & L["qpv"]
    L["flux_n"] = L["dispo_n"] & ~L["soustrait"]
    L["sous_n"] = L["dispo_n"] & L["soustrait"]
    L["flux_en_qpv_n"] = L["flux_n"] & L["qpv"]
    noms_flux = {
        "dispo_n": "disponibilites",
        "sous_n": "soustraits",
        "reloge_n": "relogements_realises",
        "en_qpv_n": "disponibilites_en_qpv",
        "flux_n": "flux",
        "flux_en_qpv_n": "flux_en_qpv",
    }
    par_commune = L.groupby(["code_commune", "categorie_soustraction"], as_index=False, sort=False)[
        list(noms_flux)
    ].sum()
    par_commune = par_commune.rename(columns=noms_flux)
    flux = sommer(par_commune, A, CLES_PERIMETRE, list(noms_flux.values()))
    att_commune = attribues.drop_duplicates("id_logement").groupby("code_commune", as_index=False).size()
    tot_att = sommer(att_commune.rename(columns={"size": "attributions"}), A, CLES_PERIMETRE, ["attributions"])
    flux = (
        perimetres[[PT, PC, PL]]
        .merge(flux, on=CLES_PERIMETRE, how="left")
        .merge(tot_att, on=CLES_PERIMETRE, how="left")
    )
    entiers = [
        "disponibilites",
        "soustraits",
        "flux",
        "relogements_realises",
        "disponibilites_en_qpv",
        "flux_en_qpv",
        "attributions",
    ]
    flux[entiers] = flux[entiers].fillna(0).astype("int64")
    flux["disponibilites_hors_qpv"] = flux["disponibilites"] - flux["disponibilites_en_qpv"]
    flux["flux_hors_qpv"] = flux["flux"] - flux["flux_en_qpv"]
    flux = selectionner(flux, "flux")

    # Soustraits by category (all six categories per perimeter).
    sous = sommer(
        par_commune[par_commune["categorie_soustraction"] != ""],
        A,
        [PT, PC, "categorie_soustraction"],
        ["soustraits", "relogements_realises"],
    )
    grille = perimetres[[PT, PC, PL]].merge(
        pd.DataFrame({"categorie_soustraction": ref.SOUSTRACTIONS.codes}), how="cross"
    )
    soustraits = grille.merge(sous, on=[PT, PC, "categorie_soustraction"], how="left")
    soustraits[["soustraits", "relogements_realises"]] = (
        soustraits[["soustraits", "relogements_realises"]].fillna(0).astype("int64")
    )
    soustraits.insert(4, "categorie_libelle", soustraits["categorie_soustraction"].map(ref.SOUSTRACTIONS.libelle))
    soustraits = selectionner(trier(soustraits, [PT, PC, "categorie_soustraction"]), "soustraits")

    # (holder, perimeter) aggregates, used by realisation and consolidation: tallies per (holder, commune).
    cles_hp = ["reservataire", PT, PC]
    cles_hc = ["reservataire", "code_commune"]
    dims = ["typologie", "financement", "modalite_qpv", "periode_construction"]
    prop_l = proposes.merge(L[["id_logement", *dims]], on="id_logement")
    att_l = attribues.merge(L[["id_logement", *dims]], on="id_logement").assign(_un=1)
    prop_c = prop_l.groupby(cles_hc, as_index=False, sort=False).size().rename(columns={"size": "logements_proposes"})
    agg = sommer(prop_c, A, cles_hp, ["logements_proposes"])
    sommes_att = {
        "_un": "logements_attribues",
        "qpv": "attribues_en_qpv",
        "menage_prioritaire": "attribues_prioritaires",
        "dalo": "attribues_dalo",
        "premier_quartile": "attribues_premier_quartile",
        "delai": "_delai_total",
    }
    att_c = att_l.groupby(cles_hc, as_index=False, sort=False)[list(sommes_att)].sum().rename(columns=sommes_att)
    agg_att = sommer(att_c, A, cles_hp, list(sommes_att.values()))
    tours_c = Tn.groupby([*cles_hc, "issue"], as_index=False, sort=False).size().rename(columns={"size": "tours"})
    agg_tours = sommer(tours_c, A, [*cles_hp, "issue"], ["tours"])
    agg = agg.merge(agg_att, on=cles_hp, how="outer").merge(
        objets(agg_tours.groupby(cles_hp, as_index=False)["tours"].sum(), cles_hp), on=cles_hp, how="outer"
    )
    sans_designation = agg_tours[agg_tours["issue"] == "ABSENCE_DESIGNATION"].drop(columns="issue")
    agg = agg.merge(sans_designation.rename(columns={"tours": "tours_sans_designation"}), on=cles_hp, how="left")
    for col in ["logements_proposes", "logements_attribues", "attribues_en_qpv", "tours", "tours_sans_designation"]:
        agg[col] = agg[col].fillna(0).astype("int64")
    for col in ["attribues_prioritaires", "attribues_dalo", "attribues_premier_quartile", "_delai_total"]:
        agg[col] = agg[col].fillna(0).astype("float64")
    agg["attribues_hors_qpv"] = agg["logements_attribues"] - agg["attribues_en_qpv"]

    # realisation: réservataire × convention perimeters, Bailleur × strates.
    strates = perimetres.loc[perimetres["strate"], [PT, PC]]
    lignes = pd.concat(
        [
            conventions[["reservataire", "categorie", PT, PC, "taux_convention"]].assign(convention=True),
            strates.assign(
                reservataire=ref.NOM_BAILLEUR, categorie=ref.BAILLEUR, taux_convention=np.nan, convention=False
            ),
        ]
    )
    realisation = _remplir(lignes, agg, flux, cles_hp, optionnelles_presentes)
    realisation["droits_theoriques"] = realisation["taux_convention"] * realisation["flux"] / 100
    realisation["ecart"] = realisation["logements_proposes"] - realisation["droits_theoriques"]
    realisation["taux_realisation"] = ratio(realisation["logements_proposes"], realisation["droits_theoriques"])
    realisation["taux_transformation"] = ratio(realisation["logements_attribues"], realisation["logements_proposes"])
    realisation = libeller(realisation)
    realisation = trier(realisation, ["categorie", "reservataire", PT, PC])
    interne = realisation  # keeps the optional counts for the indicators
    realisation = selectionner(realisation, "realisation")

    # issues: realisation rows × five issues.
    cles_r = ["reservataire", "categorie", PT, PC, PL]
    issues = realisation[cles_r].merge(pd.DataFrame({"issue": ref.ISSUES.codes}), how="cross")
    issues = issues.merge(agg_tours, on=[*cles_hp, "issue"], how="left")
    issues["tours"] = issues["tours"].fillna(0).astype("int64")
    issues.insert(6, "issue_libelle", issues["issue"].map(ref.ISSUES.libelle))
    issues = selectionner(trier(issues, ["categorie", "reservataire", PT, PC, "issue"]), "issues")

    repartitions = _repartitions(
        realisation[cles_r], {"logements_proposes": (prop_l, prop_c), "logements_attribues": (att_l, att_c)}, A
    )

    # consolidation: strate perimeter × holders present (tour any date, overlapping convention) + Bailleur.
    presents = TV[["reservataire", "code_commune"]].drop_duplicates()
    presents = (
        pd.concat([presents, droits[["reservataire", "code_commune"]]]).drop_duplicates().merge(A, on="code_commune")
    )
    presents = presents[[*cles_hp]].drop_duplicates().merge(strates, on=CLES_PERIMETRE)
    presents = pd.concat([presents, strates.assign(reservataire=ref.NOM_BAILLEUR)]).drop_duplicates()
    presents["categorie"] = presents["reservataire"].map(categorie_de)
    consolidation = _remplir(presents, agg, flux, cles_hp, optionnelles_presentes)
    consolidation = libeller(consolidation)
    consolidation = selectionner(trier(consolidation, [PT, PC, "categorie", "reservataire"]), "consolidation")

    indicateurs = calculer_indicateurs(
        regles=regles,
        perimetres=perimetres,
        flux=flux,
        realisation=interne,
        A=A,
        proposes=proposes,
        attributions_cia=attributions_cia,
        categorie_de=categorie_de,
        optionnelles=optionnelles_presentes,
    )

    prev = previsionnel if previsionnel is not None else tables.get("previsionnel")
    bilan = Bilan(
        annee=annee,
        regles=regles,
        perimetres=perimetres,
        appartenance=A,
        reservataires=reservataires,
        conventions=conventions,
        flux=flux,
        soustraits=soustraits,
        realisation=realisation,
        issues=issues,
        repartitions=repartitions,
        consolidation=consolidation,
        indicateurs=indicateurs,
    )
    return calculer_previsionnel(bilan, prev)


def _remplir(
    lignes: pd.DataFrame, agg: pd.DataFrame, flux: pd.DataFrame, cles_hp: list[str], optionnelles: dict[str, bool]
) -> pd.DataFrame:
    """Holder × perimeter rows with their counts (zeros when absent) and perimeter-level figures and shares."""
    out = lignes.merge(agg, on=cles_hp, how="left")
    for col in [
        "logements_proposes",
        "logements_attribues",
        "attribues_en_qpv",
        "attribues_hors_qpv",
        "tours",
        "tours_sans_designation",
    ]:
        out[col] = out[col].fillna(0).astype("int64")
    out["_delai_total"] = out["_delai_total"].fillna(0.0)
    for col, nom in COMPTES_OPTIONNELS.items():
        out[col] = out[col].astype("float64").fillna(0.0) if optionnelles[nom] else np.nan
    out = out.merge(
        flux[[PT, PC, "disponibilites", "soustraits", "flux", "attributions"]], on=CLES_PERIMETRE, how="left"
    )
    out["part_flux_orientations"] = ratio(out["logements_proposes"], out["flux"])
    out["part_attributions"] = ratio(out["logements_attribues"], out["attributions"])
    return out


def _repartitions(
    lignes: pd.DataFrame, paires: dict[str, tuple[pd.DataFrame, pd.DataFrame]], A: pd.DataFrame
) -> pd.DataFrame:
    """The five décret breakdowns (CCH R. 441-5-1) of proposés and attribués for every realisation row.

    ``paires`` maps each measure to (its (holder, logement) pairs with their modalities, their tally per
    (holder, commune) in a column named after the measure)."""
    cles_hp = ["reservataire", PT, PC]
    fixes = pd.DataFrame(
        [(d, c, cat.libelle(c)) for d, cat in MODALITES.items() for c in cat.codes],
        columns=["dimension", "modalite", "modalite_libelle"],
    )
    communes = A.rename(columns={"code_commune": "modalite"}).assign(dimension="commune")
    communes["modalite_libelle"] = communes["modalite"].map(ref.nom_commune)
    grille = pd.concat([lignes.merge(fixes, how="cross"), lignes.merge(communes, on=CLES_PERIMETRE)], ignore_index=True)
    sources = {
        "typologie": "typologie",
        "financement": "financement",
        "qpv": "modalite_qpv",
        "periode_construction": "periode_construction",
    }
    cles = [*cles_hp, "dimension", "modalite"]
    par_mesure = []
    for nom, (detail, par_commune) in paires.items():
        comptes = [par_commune.assign(modalite=par_commune["code_commune"], dimension="commune")]
        for dimension, colonne in sources.items():
            c = detail.groupby(["reservataire", "code_commune", colonne], as_index=False, sort=False).size()
            comptes.append(c.rename(columns={colonne: "modalite", "size": nom}).assign(dimension=dimension))
        tous = pd.concat([c[["reservataire", "code_commune", "dimension", "modalite", nom]] for c in comptes])
        par_mesure.append(sommer(tous, A, cles, [nom]))
    out = grille.merge(par_mesure[0], on=cles, how="left").merge(par_mesure[1], on=cles, how="left")
    out[["logements_proposes", "logements_attribues"]] = (
        out[["logements_proposes", "logements_attribues"]].fillna(0).astype("int64")
    )
    out = trier(out, ["categorie", "reservataire", PT, PC, "dimension", "modalite"])
    return selectionner(out, "repartitions")
