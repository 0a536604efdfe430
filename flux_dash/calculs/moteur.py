"""The engine: from the clean tables and a year n to a :class:`~flux_dash.calculs.bilan.Bilan` (DOMAINE.md §3–§5),
as a sequence of named, typed steps, vectorised with pandas (house style §15). :func:`calculer_bilan` runs them
in this order; each one is a small function of frames that a test can call alone.

1. :func:`faits_logements` — one fact row per logement: commune, QPV, décret modalities, soustrait, available in n;
2. :func:`normaliser_conventions`, :func:`lister_reservataires` — ``Bilan.conventions``, ``Bilan.reservataires``;
3. ``calculer_appartenance``, ``calculer_perimetres`` (:mod:`.perimetres`) — ``Bilan.appartenance``, ``.perimetres``;
4. :func:`faits_tours` — one row per tour of a known holder on a known logement, with its dates of n;
   :func:`marquer_relogements` — the relogements réalisés of n among the soustraits logements;
5. :func:`communes_conventionnees`, :func:`tours_retenus` — **the rule of valid tours** (inside one of the
   holder's convention perimeters, or Bailleur), :func:`tours_hors_convention` — the others, counted on the
   « Hors convention » line (DOMAINE.md §2–§3); :func:`tours_du_flux` — those on logements of the flux;
6. :func:`apparier` — the (logement, holder) pairs proposés and attribués in n (for the valid tours, and apart
   for the tours « Hors convention »); :func:`attributions_cia`;
7. :func:`compter_par_commune`, :func:`calculer_flux`, :func:`calculer_soustraits` — ``Bilan.flux``,
   ``Bilan.soustraits``;
8. :func:`agreger_titulaires` — **the holder × perimeter aggregation** of the pairs (counts, issues, flags);
9. :func:`calculer_realisation`, :func:`calculer_issues`, :func:`calculer_repartitions` — ``Bilan.realisation``
   (réservataire × convention perimeter, Bailleur × strates), ``.issues``, ``.repartitions``;
10. :func:`titulaires_presents`, :func:`lignes_hors_convention`, :func:`calculer_consolidation` —
    ``Bilan.consolidation`` (every holder of every perimeter, the « Hors convention » lines included);
    :func:`calculer_repartitions_consolidation` — their QPV and commune breakdowns;
11. ``calculer_indicateurs`` (:mod:`.indicateurs`) — ``Bilan.indicateurs``;
12. ``calculer_previsionnel`` (:mod:`.previsionnel`) — the three ``previsionnel*`` frames.

Every count is a count of distinct logements: the (logement, holder) pairs are de-duplicated before grouping, and
every count is first tallied per commune (a logement lies in exactly one commune), then summed over the communes
of each perimeter (:func:`~flux_dash.calculs.cles.sommer`): the membership join runs on a few hundred tallies
instead of every logement × its four or five perimeters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan, selectionner
from flux_dash.calculs.cles import (
    CLES_PERIMETRE,
    CLES_TITULAIRE_COMMUNE,
    CLES_TITULAIRE_PERIMETRE,
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

OPTIONNELLES = ["bail_signe", "menage_prioritaire", "dalo", "premier_quartile", "menage_relogement_ru"]
"""The optional boolean columns of ``tours`` the figures read (FORMAT.md §1.2)."""
COMPTES_OPTIONNELS = {
    "attribues_prioritaires": "menage_prioritaire",
    "attribues_dalo": "dalo",
    "attribues_premier_quartile": "premier_quartile",
}
"""Count of attributions → the optional column it sums: NaN when that column is absent from the file."""
DIMENSIONS_LOGEMENT = ["typologie", "financement", "modalite_qpv", "periode_construction"]
"""The columns of :func:`faits_logements` that carry the décret modalities (``qpv`` as ``EN_QPV``/``HORS_QPV``)."""
_SOURCES_MODALITES = {
    "typologie": "typologie",
    "financement": "financement",
    "qpv": "modalite_qpv",
    "periode_construction": "periode_construction",
}


# --- the inputs, one fact row per logement, convention, holder ------------------------------------------


def faits_logements(logements: pd.DataFrame, annee: int, regles: ReglesCalcul) -> pd.DataFrame:
    """One row per logement of the ``logements`` table (DOMAINE.md §3): id_logement, code_commune, qpv (bool),
    typologie, financement, periode_construction, categorie_soustraction ("" when not soustrait), dispo_n (bool:
    ``date_disponibilite`` in year n), modalite_qpv (``EN_QPV``/``HORS_QPV``), soustrait (bool)."""
    lg = logements.drop_duplicates("id_logement")
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


def normaliser_conventions(conventions: pd.DataFrame) -> pd.DataFrame:
    """``Bilan.conventions``: one row per (réservataire, perimeter) of the ``conventions`` table (the first one
    when repeated), with the perimeter's label, sorted by holder (DOMAINE.md §2: one taux per convention)."""
    out = pd.DataFrame(
        {
            "reservataire": en_texte(conventions["reservataire"]),
            "categorie": en_texte(conventions["categorie"]),
            PT: en_texte(conventions[PT]),
            PC: en_texte(conventions[PC]),
            "taux_convention": pd.to_numeric(conventions["taux"], errors="coerce").astype("float64"),
        }
    ).drop_duplicates(CLES_TITULAIRE_PERIMETRE)
    return selectionner(trier(libeller(out), ["categorie", "reservataire", PT, PC]), "conventions")


def lister_reservataires(conventions: pd.DataFrame) -> pd.DataFrame:
    """``Bilan.reservataires``: every réservataire of ``conventions`` and ``Bailleur`` (DOMAINE.md §2: the landlord
    needs no convention row), with the category label and the file-name slug."""
    r = conventions.drop_duplicates("reservataire")[["reservataire", "categorie"]]
    r = pd.concat([r, pd.DataFrame({"reservataire": [ref.NOM_BAILLEUR], "categorie": [ref.BAILLEUR]})])
    r = r.drop_duplicates("reservataire")
    r["categorie_libelle"] = r["categorie"].map(ref.CATEGORIES_RESERVATAIRE.libelle)
    r["slug"] = r["reservataire"].map(ref.slug)
    return selectionner(trier(r, ["categorie", "reservataire"]), "reservataires")


def _nom_titulaire(noms: pd.Series, connus: set[str]) -> pd.Series:
    """Tours name the landlord ``Bailleur`` (any case/accents): map it to :data:`ref.NOM_BAILLEUR`."""
    noms = en_texte(noms)
    cible = ref.normaliser_texte(ref.NOM_BAILLEUR)
    bailleurs = [n for n in noms.unique() if n not in connus and ref.normaliser_texte(n) == cible]  # a few dozen names
    return noms.where(~noms.isin(bailleurs), ref.NOM_BAILLEUR)


def optionnelles_renseignees(tours: pd.DataFrame) -> dict[str, bool]:
    """Optional column of :data:`OPTIONNELLES` → whether the file fills it at least once (else the figures that
    need it are NaN, never 0: DOMAINE.md §4)."""
    return {nom: bool(en_booleen(tours, nom).notna().any()) for nom in OPTIONNELLES}


def faits_tours(
    tours: pd.DataFrame, logements: pd.DataFrame, reservataires: pd.DataFrame, annee: int, regles: ReglesCalcul
) -> pd.DataFrame:
    """One row per tour whose holder is a réservataire of the conventions or the Bailleur and whose logement is in
    ``logements`` (:func:`faits_logements`); FORMAT.md §1.5 rejects the others, dropped here defensively. The
    dates of n are read as DOMAINE.md §3 defines proposés (orientation) and attribués (attribution).

    Columns: id_logement, reservataire, issue, date_orientation, date_attribution, the :data:`OPTIONNELLES` flags
    (bool, False when empty), the logement's code_commune, soustrait and qpv, orientation_n (bool:
    ``date_orientation`` in n), attribution_n (bool: ``ATTRIBUE`` with ``date_attribution`` in n)."""
    connus = set(reservataires["reservataire"])
    t = pd.DataFrame(
        {
            "id_logement": en_texte(tours["id_logement"]),
            "reservataire": _nom_titulaire(tours["reservataire"], connus - {ref.NOM_BAILLEUR}),
            "issue": en_texte(tours["issue"]),
            "date_orientation": tours["date_orientation"],
            "date_attribution": tours.get("date_attribution", pd.NaT),
        }
    )
    for nom in OPTIONNELLES:
        t[nom] = en_booleen(tours, nom).fillna(False).astype(bool).to_numpy()
    t = t.merge(logements[["id_logement", "code_commune", "soustrait", "qpv"]], on="id_logement", how="inner")
    t = t[t["reservataire"].isin(connus)]
    t["orientation_n"] = regles.dans_annee(t["date_orientation"], annee)
    t["attribution_n"] = (t["issue"] == "ATTRIBUE") & regles.dans_annee(t["date_attribution"], annee)
    return t


def marquer_relogements(logements: pd.DataFrame, tours: pd.DataFrame, regles: ReglesCalcul) -> pd.DataFrame:
    """``logements`` with reloge_n (bool): a soustrait logement with an ``ATTRIBUE`` tour dated in n, any holder,
    whatever its date_disponibilite unless ``regles.relogements_disponibles_n`` (DOMAINE.md §3, R. 441-5)."""
    reloges = set(tours.loc[tours["attribution_n"] & tours["soustrait"], "id_logement"])
    reloge_n = logements["id_logement"].isin(reloges) & logements["soustrait"]
    if regles.relogements_disponibles_n:
        reloge_n &= logements["dispo_n"]
    return logements.assign(reloge_n=reloge_n)


# --- the tours counted: valid tours, then (logement, holder) pairs ---------------------------------------


def communes_conventionnees(conventions: pd.DataFrame, appartenance: pd.DataFrame) -> pd.DataFrame:
    """(reservataire, code_commune): the communes of the stock inside at least one of the holder's convention
    perimeters, one row per pair (DOMAINE.md §2: a convention's perimeter is the set of its communes)."""
    paires = conventions[CLES_TITULAIRE_PERIMETRE].merge(appartenance, on=CLES_PERIMETRE)
    return paires[CLES_TITULAIRE_COMMUNE].drop_duplicates()


def dans_convention(tours: pd.DataFrame, communes_conventionnees: pd.DataFrame) -> np.ndarray:
    """Per tour of :func:`faits_tours`: True when its logement lies inside one of its holder's convention
    perimeters, or when it goes to the Bailleur (which needs no convention, DOMAINE.md §2)."""
    dans = communes_conventionnees.assign(_dans=True)
    t = tours[CLES_TITULAIRE_COMMUNE].merge(dans, on=CLES_TITULAIRE_COMMUNE, how="left")  # left order kept
    return t["_dans"].fillna(False).to_numpy(dtype=bool) | (tours["reservataire"] == ref.NOM_BAILLEUR).to_numpy()


def tours_retenus(tours: pd.DataFrame, communes_conventionnees: pd.DataFrame) -> pd.DataFrame:
    """The tours of :func:`faits_tours` that count for their holder (DOMAINE.md §3): on a logement inside one of
    the holder's convention perimeters, or to the Bailleur (:func:`dans_convention`). Soustraits included."""
    return tours[dans_convention(tours, communes_conventionnees)]


def tours_hors_convention(tours: pd.DataFrame, communes_conventionnees: pd.DataFrame) -> pd.DataFrame:
    """The tours of :func:`faits_tours` to a réservataire on a logement outside all its convention perimeters
    (DOMAINE.md §3): in none of its convention figures (proposés, attribués, droits, taux; the validation warns
    about them), but real orientations and attributions, counted in the perimeter's totals on the réservataire's
    « Hors convention » line (:func:`lignes_hors_convention`). Soustraits included."""
    return tours[~dans_convention(tours, communes_conventionnees)]


def tours_du_flux(tours_retenus: pd.DataFrame) -> pd.DataFrame:
    """The retained tours on logements of the flux: soustraits are out of proposés, attribués and tours
    (DOMAINE.md §3)."""
    return tours_retenus[~tours_retenus["soustrait"]]


@dataclass(frozen=True)
class Paires:
    """The (logement, holder) pairs of year n counted by the figures, with the logement's décret modalities
    (:data:`DIMENSIONS_LOGEMENT`), and the tours of n they come from."""

    proposes: pd.DataFrame
    """One row per (logement, holder) with a tour oriented in n: id_logement, reservataire, code_commune, qpv and
    the décret modalities."""
    attribues: pd.DataFrame
    """One row per (logement, holder) with an ``ATTRIBUE`` tour dated in n: the tour's columns, the modalities,
    delai (days from orientation to attribution, float64), hors_qpv (bool), _un (1, to count by summing)."""
    tours_n: pd.DataFrame
    """The tours oriented in n (a logement oriented twice to a holder counts two tours)."""


def apparier(tours_du_flux: pd.DataFrame, logements: pd.DataFrame) -> Paires:
    """The (logement, holder) pairs proposés and attribués in n from the tours of the flux (DOMAINE.md §3:
    proposé = at least one tour to R oriented in n; attribué = a tour to R ``ATTRIBUE`` with date_attribution in n,
    whenever it was oriented)."""
    tours_n = tours_du_flux[tours_du_flux["orientation_n"]]
    proposes = tours_n[["id_logement", "reservataire", "code_commune", "qpv"]].drop_duplicates(
        ["id_logement", "reservataire"]
    )
    attribues = tours_du_flux[tours_du_flux["attribution_n"]].drop_duplicates(["id_logement", "reservataire"]).copy()
    attribues["delai"] = (attribues["date_attribution"] - attribues["date_orientation"]).dt.days.astype("float64")
    attribues["hors_qpv"] = ~attribues["qpv"]
    modalites = logements[["id_logement", *DIMENSIONS_LOGEMENT]]
    return Paires(
        proposes=proposes.merge(modalites, on="id_logement"),
        attribues=attribues.merge(modalites, on="id_logement").assign(_un=1),
        tours_n=tours_n,
    )


def attributions_cia(tours: pd.DataFrame, regles: ReglesCalcul, baux_signes: bool = False) -> pd.DataFrame:
    """The attributions of n counted by the CIA indicators (DOMAINE.md §4, L. 441-1: the attributions of the year
    « suivies de baux signés »), one row per logement: id_logement, code_commune, qpv, premier_quartile,
    menage_relogement_ru. ``tours``: every tour of :func:`faits_tours`, « Hors convention » included (a real
    attribution of the territory); soustraits included unless ``regles.cia_avec_soustraits`` is False;
    ``baux_signes``: the file gives ``bail_signe`` (:func:`optionnelles_renseignees`), so only the tours with
    ``bail_signe`` = oui count — an empty cell counts as non — else every attribution."""
    base = tours if regles.cia_avec_soustraits else tours_du_flux(tours)
    garder = base["attribution_n"] & (base["bail_signe"] if baux_signes else True)
    return base[garder].drop_duplicates("id_logement")[
        ["id_logement", "code_commune", "qpv", "premier_quartile", "menage_relogement_ru"]
    ]


# --- per-perimeter figures: flux and soustraits ----------------------------------------------------------

_TALLIES_LOGEMENTS = {
    "dispo_n": "disponibilites",
    "sous_n": "soustraits",
    "reloge_n": "relogements_realises",
    "en_qpv_n": "disponibilites_en_qpv",
    "flux_n": "flux",
    "flux_en_qpv_n": "flux_en_qpv",
}


def compter_par_commune(logements: pd.DataFrame) -> pd.DataFrame:
    """Per (code_commune, categorie_soustraction): disponibilites, soustraits, relogements_realises,
    disponibilites_en_qpv, flux, flux_en_qpv (DOMAINE.md §3; ``logements`` from :func:`marquer_relogements`)."""
    dispo = logements["dispo_n"]
    flux_n = dispo & ~logements["soustrait"]
    drapeaux = logements[["code_commune", "categorie_soustraction", "dispo_n", "reloge_n"]].assign(
        en_qpv_n=dispo & logements["qpv"],
        flux_n=flux_n,
        sous_n=dispo & logements["soustrait"],
        flux_en_qpv_n=flux_n & logements["qpv"],
    )
    par_commune = drapeaux.groupby(["code_commune", "categorie_soustraction"], as_index=False, sort=False)[
        list(_TALLIES_LOGEMENTS)
    ].sum()
    return par_commune.rename(columns=_TALLIES_LOGEMENTS)


def calculer_flux(
    par_commune: pd.DataFrame, attribues: pd.DataFrame, perimetres: pd.DataFrame, appartenance: pd.DataFrame
) -> pd.DataFrame:
    """``Bilan.flux``: disponibilités, soustraits, flux = disponibilités − soustraits, relogements réalisés, their
    QPV split, and attribués(P, n): the logements of the flux attributed in n by any holder, « Hors convention »
    included (``attribues``: the pairs of the valid tours and of the tours outside the conventions; the
    denominator of part des attributions), per perimeter (DOMAINE.md §3)."""
    mesures = list(_TALLIES_LOGEMENTS.values())
    flux = sommer(par_commune, appartenance, CLES_PERIMETRE, mesures)
    att_commune = attribues.drop_duplicates("id_logement").groupby("code_commune", as_index=False).size()
    attributions = sommer(
        att_commune.rename(columns={"size": "attributions"}), appartenance, CLES_PERIMETRE, ["attributions"]
    )
    flux = (
        perimetres[[PT, PC, PL]]
        .merge(flux, on=CLES_PERIMETRE, how="left")
        .merge(attributions, on=CLES_PERIMETRE, how="left")
    )
    entiers = [*mesures, "attributions"]
    flux[entiers] = flux[entiers].fillna(0).astype("int64")
    flux["disponibilites_hors_qpv"] = flux["disponibilites"] - flux["disponibilites_en_qpv"]
    flux["flux_hors_qpv"] = flux["flux"] - flux["flux_en_qpv"]
    return selectionner(flux, "flux")


def calculer_soustraits(
    par_commune: pd.DataFrame, perimetres: pd.DataFrame, appartenance: pd.DataFrame
) -> pd.DataFrame:
    """``Bilan.soustraits``: soustraits of n and relogements réalisés per perimeter × soustraction category, all
    six categories listed (DOMAINE.md §3, R. 441-5)."""
    sous = sommer(
        par_commune[par_commune["categorie_soustraction"] != ""],
        appartenance,
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
    soustraits["categorie_libelle"] = soustraits["categorie_soustraction"].map(ref.SOUSTRACTIONS.libelle)
    return selectionner(trier(soustraits, [PT, PC, "categorie_soustraction"]), "soustraits")


# --- holder × perimeter figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Agregats:
    """The pairs of :class:`Paires` aggregated per holder × perimeter (and the per-commune tallies they are summed
    from, which the décret breakdowns reuse)."""

    par_titulaire: pd.DataFrame
    """One row per (reservataire, perimetre_type, perimetre_code) with a pair or a tour: logements_proposes,
    logements_attribues, attribues_en_qpv, attribues_hors_qpv, tours, tours_sans_designation (int64),
    attribues_prioritaires, attribues_dalo, attribues_premier_quartile, _delai_total (float64, 0 when absent)."""
    par_issue: pd.DataFrame
    """One row per (reservataire, perimetre_type, perimetre_code, issue) with tours of n: tours."""
    proposes_par_commune: pd.DataFrame
    """(reservataire, code_commune) → logements_proposes."""
    attribues_par_commune: pd.DataFrame
    """(reservataire, code_commune) → logements_attribues and the sums of :attr:`par_titulaire`."""


_SOMMES_ATTRIBUES = {
    "_un": "logements_attribues",
    "qpv": "attribues_en_qpv",
    "menage_prioritaire": "attribues_prioritaires",
    "dalo": "attribues_dalo",
    "premier_quartile": "attribues_premier_quartile",
    "delai": "_delai_total",
}
_ENTIERS_TITULAIRE = [
    "logements_proposes",
    "logements_attribues",
    "attribues_en_qpv",
    "attribues_hors_qpv",
    "tours",
    "tours_sans_designation",
]


def agreger_titulaires(paires: Paires, appartenance: pd.DataFrame) -> Agregats:
    """Counts per holder × perimeter (DOMAINE.md §3): logements proposés and attribués, attribués en QPV / hors QPV,
    prioritaires, DALO, 1er quartile, total delay, tours by issue; tallied per (holder, commune) then summed over
    the communes of each perimeter of ``appartenance`` (any perimeter, convention or strate)."""
    cles = CLES_TITULAIRE_PERIMETRE
    prop_c = paires.proposes.groupby(CLES_TITULAIRE_COMMUNE, as_index=False, sort=False).size()
    prop_c = prop_c.rename(columns={"size": "logements_proposes"})
    agg = sommer(prop_c, appartenance, cles, ["logements_proposes"])
    att_c = paires.attribues.groupby(CLES_TITULAIRE_COMMUNE, as_index=False, sort=False)[list(_SOMMES_ATTRIBUES)].sum()
    att_c = att_c.rename(columns=_SOMMES_ATTRIBUES)
    agg_att = sommer(att_c, appartenance, cles, list(_SOMMES_ATTRIBUES.values()))
    tours_c = paires.tours_n.groupby([*CLES_TITULAIRE_COMMUNE, "issue"], as_index=False, sort=False).size()
    par_issue = sommer(tours_c.rename(columns={"size": "tours"}), appartenance, [*cles, "issue"], ["tours"])
    agg = agg.merge(agg_att, on=cles, how="outer").merge(
        objets(par_issue.groupby(cles, as_index=False)["tours"].sum(), cles), on=cles, how="outer"
    )
    sans_designation = par_issue[par_issue["issue"] == "ABSENCE_DESIGNATION"].drop(columns="issue")
    agg = agg.merge(sans_designation.rename(columns={"tours": "tours_sans_designation"}), on=cles, how="left")
    for col in ["logements_proposes", "logements_attribues", "attribues_en_qpv", "tours", "tours_sans_designation"]:
        agg[col] = agg[col].fillna(0).astype("int64")
    for col in ["attribues_prioritaires", "attribues_dalo", "attribues_premier_quartile", "_delai_total"]:
        agg[col] = agg[col].fillna(0).astype("float64")
    agg["attribues_hors_qpv"] = agg["logements_attribues"] - agg["attribues_en_qpv"]
    return Agregats(par_titulaire=agg, par_issue=par_issue, proposes_par_commune=prop_c, attribues_par_commune=att_c)


def remplir_titulaires(
    lignes: pd.DataFrame, par_titulaire: pd.DataFrame, flux: pd.DataFrame, optionnelles: Mapping[str, bool]
) -> pd.DataFrame:
    """Holder × perimeter rows (``lignes``: reservataire, perimetre_type, perimetre_code, …) with their counts of
    :attr:`Agregats.par_titulaire` (zeros when absent; the optional counts NaN when their column is absent), the
    perimeter's disponibilites, soustraits, flux, attributions, and the two shares (DOMAINE.md §3)."""
    out = lignes.merge(par_titulaire, on=CLES_TITULAIRE_PERIMETRE, how="left")
    for col in _ENTIERS_TITULAIRE:
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


def calculer_realisation(
    conventions: pd.DataFrame,
    perimetres: pd.DataFrame,
    agregats: Agregats,
    flux: pd.DataFrame,
    optionnelles: Mapping[str, bool],
) -> pd.DataFrame:
    """The rows of ``Bilan.realisation`` — each réservataire × each of its convention perimeters, Bailleur × every
    strate — with droits théoriques = taux × flux / 100, écart, taux de réalisation and de transformation
    (DOMAINE.md §3). The frame keeps the columns the indicators read beside the declared ones (attribues_*,
    tours_sans_designation, _delai_total): select with ``selectionner(…, "realisation")``."""
    strates = perimetres.loc[perimetres["strate"], [PT, PC]]
    lignes = pd.concat(
        [
            conventions[["reservataire", "categorie", PT, PC, "taux_convention"]].assign(convention=True),
            strates.assign(
                reservataire=ref.NOM_BAILLEUR, categorie=ref.BAILLEUR, taux_convention=np.nan, convention=False
            ),
        ]
    )
    r = remplir_titulaires(lignes, agregats.par_titulaire, flux, optionnelles)
    r["droits_theoriques"] = r["taux_convention"] * r["flux"] / 100
    r["ecart"] = r["logements_proposes"] - r["droits_theoriques"]
    r["taux_realisation"] = ratio(r["logements_proposes"], r["droits_theoriques"])
    r["taux_transformation"] = ratio(r["logements_attribues"], r["logements_proposes"])
    return trier(libeller(r), ["categorie", "reservataire", PT, PC])


def calculer_issues(realisation: pd.DataFrame, agregats: Agregats) -> pd.DataFrame:
    """``Bilan.issues``: the tours of n of every row of ``realisation`` by issue, the five issues listed
    (DOMAINE.md §3 « Outcome of a tour », §5.1)."""
    cles = ["reservataire", "categorie", PT, PC, PL]
    issues = realisation[cles].merge(pd.DataFrame({"issue": ref.ISSUES.codes}), how="cross")
    issues = issues.merge(agregats.par_issue, on=[*CLES_TITULAIRE_PERIMETRE, "issue"], how="left")
    issues["tours"] = issues["tours"].fillna(0).astype("int64")
    issues["issue_libelle"] = issues["issue"].map(ref.ISSUES.libelle)
    return selectionner(trier(issues, ["categorie", "reservataire", PT, PC, "issue"]), "issues")


def calculer_repartitions(
    realisation: pd.DataFrame, paires: Paires, agregats: Agregats, appartenance: pd.DataFrame
) -> pd.DataFrame:
    """``Bilan.repartitions``: the five décret breakdowns (DOMAINE.md §3, CCH R. 441-5-1) of proposés and attribués
    for every row of ``realisation``; every fixed modality listed, and the communes of the perimeter."""
    lignes = realisation[["reservataire", "categorie", PT, PC, PL]]
    fixes = pd.DataFrame(
        [(d, c, cat.libelle(c)) for d, cat in MODALITES.items() for c in cat.codes],
        columns=["dimension", "modalite", "modalite_libelle"],
    )
    communes = appartenance.rename(columns={"code_commune": "modalite"}).assign(dimension="commune")
    communes["modalite_libelle"] = communes["modalite"].map(ref.nom_commune)
    grille = pd.concat([lignes.merge(fixes, how="cross"), lignes.merge(communes, on=CLES_PERIMETRE)], ignore_index=True)
    cles = [*CLES_TITULAIRE_PERIMETRE, "dimension", "modalite"]
    mesures = {
        "logements_proposes": (paires.proposes, agregats.proposes_par_commune),
        "logements_attribues": (paires.attribues, agregats.attribues_par_commune),
    }
    out = grille
    for nom, (detail, par_commune) in mesures.items():
        comptes = [par_commune.assign(modalite=par_commune["code_commune"], dimension="commune")]
        for dimension, colonne in _SOURCES_MODALITES.items():
            c = detail.groupby(["reservataire", "code_commune", colonne], as_index=False, sort=False).size()
            comptes.append(c.rename(columns={colonne: "modalite", "size": nom}).assign(dimension=dimension))
        tous = pd.concat([c[["reservataire", "code_commune", "dimension", "modalite", nom]] for c in comptes])
        out = out.merge(sommer(tous, appartenance, cles, [nom]), on=cles, how="left")
    out[list(mesures)] = out[list(mesures)].fillna(0).astype("int64")
    out = trier(out, ["categorie", "reservataire", PT, PC, "dimension", "modalite"])
    return selectionner(out, "repartitions")


def titulaires_presents(
    tours_du_flux: pd.DataFrame,
    communes_conventionnees: pd.DataFrame,
    perimetres: pd.DataFrame,
    appartenance: pd.DataFrame,
    reservataires: pd.DataFrame,
) -> pd.DataFrame:
    """The holder rows of the consolidated views (DOMAINE.md §5.2–5.3): (perimetre_type, perimetre_code,
    reservataire, categorie) for every perimeter of ``perimetres`` (strates and convention perimeters) × every
    holder with a valid tour of the flux on one of its logements (any date) or a convention overlapping it, and
    always the Bailleur."""
    tous = perimetres[[PT, PC]]
    presents = tours_du_flux[CLES_TITULAIRE_COMMUNE].drop_duplicates()
    presents = (
        pd.concat([presents, communes_conventionnees[CLES_TITULAIRE_COMMUNE]])
        .drop_duplicates()
        .merge(appartenance, on="code_commune")
    )
    presents = presents[CLES_TITULAIRE_PERIMETRE].drop_duplicates().merge(tous, on=CLES_PERIMETRE)
    presents = pd.concat([presents, tous.assign(reservataire=ref.NOM_BAILLEUR)]).drop_duplicates()
    categorie_de = dict(zip(reservataires["reservataire"], reservataires["categorie"], strict=True))
    presents["categorie"] = presents["reservataire"].map(categorie_de)
    return presents


def lignes_hors_convention(hors_convention: Agregats, perimetres: pd.DataFrame) -> pd.DataFrame:
    """The « Hors convention » rows of the consolidated views (DOMAINE.md §2–§3): (reservataire, perimetre_type,
    perimetre_code, categorie = ``HORS_CONVENTION``) for every réservataire × perimeter of ``perimetres`` where
    the aggregation of its tours outside its convention perimeters (:func:`tours_hors_convention`) has an
    orientation, a tour or an attribution of n. The row keeps the réservataire's name: the line reads « Hors
    convention – <name> »."""
    lignes = hors_convention.par_titulaire[CLES_TITULAIRE_PERIMETRE].merge(perimetres[[PT, PC]], on=CLES_PERIMETRE)
    return lignes.assign(categorie=ref.HORS_CONVENTION)


def calculer_consolidation(
    presents: pd.DataFrame,
    agregats: Agregats,
    flux: pd.DataFrame,
    optionnelles: Mapping[str, bool],
    hors_convention: pd.DataFrame,
    agregats_hors_convention: Agregats,
    conventions: pd.DataFrame,
    complet: bool = False,
) -> pd.DataFrame:
    """``Bilan.consolidation``: the holder × perimeter figures of the consolidated views (proposés, part du flux,
    attribués, part des attributions, QPV split, prioritaires, DALO, 1er quartile), for the rows of
    :func:`titulaires_presents` counted from the valid tours, then the « Hors convention » rows
    (:func:`lignes_hors_convention`) counted from the tours outside the conventions (DOMAINE.md §3, §3.1, §5.2):
    the parts des attributions of a perimeter add up to 100 %; the taux, droits théoriques and taux de réalisation
    of the conventions on the row's own perimeter (``conventions``: ``Bilan.conventions``). ``complet``: keep the
    columns the §4 indicators read (attribues_*, tours_sans_designation, _delai_total) beside the declared ones."""
    morceaux = [remplir_titulaires(presents, agregats.par_titulaire, flux, optionnelles)]
    if len(hors_convention):
        morceaux.append(remplir_titulaires(hors_convention, agregats_hors_convention.par_titulaire, flux, optionnelles))
    consolidation = pd.concat(morceaux, ignore_index=True)
    # DOMAINE.md §5.2: taux and droits where the convention's perimeter is the row's perimeter, NaN elsewhere.
    taux = conventions[[*CLES_TITULAIRE_PERIMETRE, "categorie", "taux_convention"]]
    consolidation = consolidation.merge(taux, on=[*CLES_TITULAIRE_PERIMETRE, "categorie"], how="left")
    consolidation["droits_theoriques"] = consolidation["taux_convention"] * consolidation["flux"] / 100
    consolidation["taux_realisation"] = ratio(consolidation["logements_proposes"], consolidation["droits_theoriques"])
    consolidation = trier(libeller(consolidation), [PT, PC, "categorie", "reservataire"])
    return consolidation if complet else selectionner(consolidation, "consolidation")


def calculer_repartitions_consolidation(
    consolidation: pd.DataFrame, paires: Paires, paires_hors: Paires, appartenance: pd.DataFrame
) -> pd.DataFrame:
    """``Bilan.repartitions_consolidation``: the ``qpv`` and ``commune`` breakdowns of proposés and attribués of
    every row of ``consolidation`` (every holder at every strate where it has any, the « Hors convention » lines
    from the tours outside the conventions): what makes a landlord's file addable at every strate (FORMAT.md
    §2.2 v1.1). Both QPV modalities listed; the communes where the holder has a proposé or an attribué."""
    cles = [*CLES_TITULAIRE_PERIMETRE, "_hors", "dimension", "modalite"]
    mesures = ["logements_proposes", "logements_attribues"]
    comptes = []
    for hors, p in ((False, paires), (True, paires_hors)):
        for nom, detail in zip(mesures, (p.proposes, p.attribues), strict=True):
            qpv = detail.groupby(["reservataire", "code_commune", "modalite_qpv"], as_index=False, sort=False).size()
            qpv = qpv.rename(columns={"modalite_qpv": "modalite", "size": nom}).assign(dimension="qpv")
            com = detail.groupby(["reservataire", "code_commune"], as_index=False, sort=False).size()
            com = com.rename(columns={"size": nom}).assign(dimension="commune", modalite=com["code_commune"])
            comptes += [qpv.assign(_hors=hors), com.assign(_hors=hors)]
    tallies = pd.concat(comptes, ignore_index=True)
    tallies[mesures] = tallies[mesures].fillna(0)
    tallies = tallies.groupby(["reservataire", "_hors", "code_commune", "dimension", "modalite"], as_index=False)[
        mesures
    ].sum()  # one row per commune tally: the membership join runs once
    r = sommer(tallies, appartenance, cles, mesures)
    lignes = consolidation[["categorie", "reservataire", PT, PC, PL]].assign(
        _hors=consolidation["categorie"] == ref.HORS_CONVENTION
    )
    qpv = lignes.merge(pd.DataFrame({"dimension": "qpv", "modalite": ref.QPV.codes}), how="cross")
    qpv = qpv.merge(r, on=cles, how="left")
    communes = lignes.merge(r[r["dimension"] == "commune"], on=[*CLES_TITULAIRE_PERIMETRE, "_hors"])
    out = pd.concat([qpv, communes], ignore_index=True)
    out[mesures] = out[mesures].fillna(0).astype("int64")
    noms = {m: ref.QPV.libelle(m) for m in ref.QPV.codes} | {
        c: ref.nom_commune(c) for c in communes["modalite"].unique()
    }
    out["modalite_libelle"] = out["modalite"].map(noms).astype(object)
    out = trier(out, [PT, PC, "categorie", "reservataire", "dimension", "modalite"])
    return selectionner(out, "repartitions_consolidation")


def titulaires_des_indicateurs(realisation: pd.DataFrame, consolidation: pd.DataFrame) -> pd.DataFrame:
    """The holder × perimeter rows of the §4 indicators (DOMAINE.md §5.2: « the §4 indicators of every holder on
    the territory »): every row of ``consolidation`` (computed with ``complet=True``: every holder present in each
    perimeter, « Hors convention » lines included), then the rows of ``realisation`` it lacks (a convention on a
    perimeter without logement of the landlord)."""
    cles = ["categorie", *CLES_TITULAIRE_PERIMETRE]
    colonnes = [c for c in consolidation.columns if c in realisation.columns]
    return pd.concat([consolidation[colonnes], realisation[colonnes]], ignore_index=True).drop_duplicates(cles)


# --- the sequence ----------------------------------------------------------------------------------------


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
    logements = faits_logements(tables["logements"], annee, regles)
    conventions = normaliser_conventions(tables["conventions"])
    reservataires = lister_reservataires(conventions)
    communes_stock = sorted(logements["code_commune"].unique())
    appartenance = calculer_appartenance(communes_stock, conventions)
    perimetres = calculer_perimetres(communes_stock, conventions, appartenance, regles)

    tours = faits_tours(tables["tours"], logements, reservataires, annee, regles)
    optionnelles = optionnelles_renseignees(tables["tours"])
    logements = marquer_relogements(logements, tours, regles)
    conventionnees = communes_conventionnees(conventions, appartenance)
    retenus = tours_retenus(tours, conventionnees)
    hors = tours_hors_convention(tours, conventionnees)
    du_flux = tours_du_flux(retenus)
    paires = apparier(du_flux, logements)
    paires_hors = apparier(tours_du_flux(hors), logements)

    par_commune = compter_par_commune(logements)
    attribues = pd.concat([paires.attribues, paires_hors.attribues], ignore_index=True)
    flux = calculer_flux(par_commune, attribues, perimetres, appartenance)
    soustraits = calculer_soustraits(par_commune, perimetres, appartenance)

    agregats = agreger_titulaires(paires, appartenance)
    agregats_hors = agreger_titulaires(paires_hors, appartenance)
    realisation = calculer_realisation(conventions, perimetres, agregats, flux, optionnelles)
    issues = calculer_issues(realisation, agregats)
    repartitions = calculer_repartitions(realisation, paires, agregats, appartenance)
    presents = titulaires_presents(du_flux, conventionnees, perimetres, appartenance, reservataires)
    complete = calculer_consolidation(
        presents,
        agregats,
        flux,
        optionnelles,
        lignes_hors_convention(agregats_hors, perimetres),
        agregats_hors,
        conventions,
        complet=True,
    )
    consolidation = selectionner(complete, "consolidation")
    repartitions_consolidation = calculer_repartitions_consolidation(consolidation, paires, paires_hors, appartenance)
    indicateurs = calculer_indicateurs(
        regles=regles,
        perimetres=perimetres,
        appartenance=appartenance,
        flux=flux,
        realisation=titulaires_des_indicateurs(realisation, complete),
        proposes=paires.proposes,
        attributions_cia=attributions_cia(tours, regles, baux_signes=optionnelles["bail_signe"]),
        reservataires=reservataires,
        optionnelles=optionnelles,
    )

    bilan = Bilan(
        annee=annee,
        regles=regles,
        perimetres=selectionner(perimetres, "perimetres"),
        appartenance=selectionner(appartenance, "appartenance"),
        reservataires=reservataires,
        conventions=conventions,
        flux=flux,
        soustraits=soustraits,
        realisation=selectionner(realisation, "realisation"),
        issues=issues,
        repartitions=repartitions,
        consolidation=consolidation,
        indicateurs=indicateurs,
        repartitions_consolidation=repartitions_consolidation,
        bail_signe_renseigne=optionnelles["bail_signe"],
    )
    return calculer_previsionnel(bilan, previsionnel if previsionnel is not None else tables.get("previsionnel"))
