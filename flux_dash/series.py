"""Small aggregates the dashboard needs and the :class:`~flux_dash.calculs.Bilan` does not carry.

Computed from the clean tables of a ``RapportValidation`` (already filtered by :mod:`flux_dash.filtres`):

- :func:`compter_par_mois`: monthly counts of year n (disponibilités, soustraits, orientations, attributions),
  with the same definitions as DOMAINE.md §3 so that the monthly attributions add up to the bilan's
  ``flux.attributions`` of the région and the monthly disponibilités to its ``disponibilites``;
- :func:`lister_qpv_logements`: the QPV where the landlord has logements (FORMAT.md §1.1 ``code_qpv``);
- :func:`preparer_previsionnel`: the editable forecast grid of the dashboard (FORMAT.md §1.4).

Pure pandas, no Streamlit, deterministic and sorted outputs.
"""

from __future__ import annotations

import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.regles import ReglesCalcul

_ANNEE = ReglesCalcul()
"""Year n is defined once, by :meth:`ReglesCalcul.dans_annee` (the calendar year by default)."""

COLONNES_PREVISIONNEL = ["code_departement", "categorie_soustraction", "nombre_prevu", "disponibilites_prevues"]
"""Columns of the ``previsionnel`` input table (FORMAT.md §1.4), in order."""


def _mois_de(dates: pd.Series, annee: int) -> pd.Series:
    """Month number (1–12) of the dates falling in year ``annee``; <NA> otherwise."""
    d = pd.to_datetime(dates, errors="coerce")
    return d.dt.month.where(_ANNEE.dans_annee(d, annee)).astype("Int64")


def compter_par_mois(tables: dict[str, pd.DataFrame], annee: int) -> pd.DataFrame:
    """Twelve rows (one per month of year ``annee``, zeros included), columns:

    ``mois`` (Timestamp, first day of the month), ``disponibilites`` (logements whose ``date_disponibilite`` is in
    the month), ``soustraits`` (those of them with a soustraction category), ``orientations`` (tours dated in the
    month on non-soustrait logements: a logement oriented twice counts twice), ``attributions`` (non-soustrait
    logements with an ``ATTRIBUE`` tour whose ``date_attribution`` is in the month; a logement has at most one).
    All counts are int64.
    """
    mois = pd.Series(range(1, 13), name="numero")
    resultat = pd.DataFrame({"mois": pd.to_datetime([f"{annee}-{m:02d}-01" for m in mois])})
    logements = tables.get("logements")
    tours = tables.get("tours")
    if logements is None or logements.empty:
        for col in ("disponibilites", "soustraits", "orientations", "attributions"):
            resultat[col] = 0
        return resultat.astype({c: "int64" for c in resultat.columns if c != "mois"})

    def compter(valeurs: pd.Series) -> list[int]:
        compte = valeurs.dropna().astype(int).value_counts()
        return [int(compte.get(m, 0)) for m in mois]

    soustrait = ref.est_soustrait(logements["categorie_soustraction"])
    m_dispo = _mois_de(logements["date_disponibilite"], annee)
    resultat["disponibilites"] = compter(m_dispo)
    resultat["soustraits"] = compter(m_dispo[soustrait])
    if tours is None or tours.empty:
        resultat["orientations"] = 0
        resultat["attributions"] = 0
    else:
        ids_soustraits = set(logements.loc[soustrait, "id_logement"].astype(str))
        t = tours[~tours["id_logement"].astype(str).isin(ids_soustraits)]
        resultat["orientations"] = compter(_mois_de(t["date_orientation"], annee))
        attribues = t[t["issue"].astype("string") == "ATTRIBUE"].drop_duplicates("id_logement")
        resultat["attributions"] = compter(_mois_de(attribues["date_attribution"], annee))
    return resultat.astype({c: "int64" for c in resultat.columns if c != "mois"})


def lister_qpv_logements(logements: pd.DataFrame, annee: int) -> pd.DataFrame:
    """One row per (QPV, commune) where the landlord has logements in the ``logements`` table, columns:

    ``code_qpv``, ``nom_qpv``, ``code_commune``, ``commune``, ``logements`` (rows of the table, any year),
    ``disponibilites_n`` (of them, available in year ``annee``). Logements marked ``qpv`` = oui without a
    ``code_qpv`` are grouped per commune with an empty code and the name « QPV non précisé ». Sorted by commune
    code then QPV code (unspecified last).
    """
    colonnes = ["code_qpv", "nom_qpv", "code_commune", "commune", "logements", "disponibilites_n"]
    if logements is None or logements.empty:
        return pd.DataFrame(columns=colonnes)
    code = (
        logements["code_qpv"].astype("string").str.strip()
        if "code_qpv" in logements
        else pd.Series(pd.NA, index=logements.index, dtype="string")
    )
    en_qpv = logements["qpv"].astype("boolean").fillna(False).astype(bool) | code.fillna("").ne("")
    sel = pd.DataFrame(
        {
            "code_qpv": code[en_qpv].fillna(""),
            "code_commune": logements.loc[en_qpv, "code_commune"].astype(str),
            "dispo": _ANNEE.dans_annee(
                pd.to_datetime(logements.loc[en_qpv, "date_disponibilite"], errors="coerce"), annee
            ),
        }
    )
    if sel.empty:
        return pd.DataFrame(columns=colonnes)
    g = sel.groupby(["code_commune", "code_qpv"], as_index=False).agg(
        logements=("dispo", "size"), disponibilites_n=("dispo", "sum")
    )
    noms = ref.qpv().drop_duplicates("code_qpv").set_index("code_qpv")["nom_qpv"]
    g["nom_qpv"] = g["code_qpv"].map(noms).fillna("QPV non précisé")
    g.loc[g["code_qpv"] == "", "nom_qpv"] = "QPV non précisé"
    g["commune"] = g["code_commune"].map(ref.nom_commune)
    g["_vide"] = g["code_qpv"] == ""
    g = g.sort_values(["code_commune", "_vide", "code_qpv"]).reset_index(drop=True)
    return g[colonnes].astype({"logements": "int64", "disponibilites_n": "int64"})


def preparer_previsionnel(
    previsionnel: pd.DataFrame | None, departements: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two editable grids of the forecast, from the ``previsionnel`` table (uploaded or edited) or zeros.

    Returns ``(soustraits, disponibilites)``:
    ``soustraits`` — one row per département × soustraction category (référentiel order), columns
    ``code_departement``, ``categorie_soustraction``, ``nombre_prevu`` (int64, summed when the table repeats a
    pair, 0 when absent); ``disponibilites`` — one row per département, ``code_departement``,
    ``disponibilites_prevues`` (Int64, <NA> when not given: the engine then uses the disponibilités of n).
    Départements: ``departements`` ∪ those of the table, sorted.
    """
    prev = previsionnel if previsionnel is not None else pd.DataFrame(columns=COLONNES_PREVISIONNEL)
    deps = sorted(set(departements) | set(prev["code_departement"].dropna().astype(str)))
    grille = pd.MultiIndex.from_product(
        [deps, ref.SOUSTRACTIONS.codes], names=["code_departement", "categorie_soustraction"]
    )
    p = prev.assign(
        code_departement=prev["code_departement"].astype(str),
        categorie_soustraction=prev["categorie_soustraction"].astype(str),
        nombre_prevu=pd.to_numeric(prev["nombre_prevu"], errors="coerce").fillna(0),
    )
    nombres = p.groupby(["code_departement", "categorie_soustraction"])["nombre_prevu"].sum()
    soustraits = nombres.reindex(grille, fill_value=0).astype("int64").reset_index()
    if "disponibilites_prevues" in p:
        dispo = pd.to_numeric(p["disponibilites_prevues"], errors="coerce").groupby(p["code_departement"]).max()
    else:
        dispo = pd.Series(dtype="float64")
    disponibilites = pd.DataFrame({"code_departement": deps})
    disponibilites["disponibilites_prevues"] = disponibilites["code_departement"].map(dispo).astype("Int64")
    return soustraits, disponibilites


def assembler_previsionnel(soustraits: pd.DataFrame, disponibilites: pd.DataFrame) -> pd.DataFrame:
    """The ``previsionnel`` table (FORMAT.md §1.4 columns) from the two edited grids: the département's
    ``disponibilites_prevues`` is repeated on each of its rows (FORMAT.md: "the same value on every row of a
    département"). Rows with an empty département or category are dropped; sorted like the grid."""
    s = soustraits.dropna(subset=["code_departement", "categorie_soustraction"]).copy()
    s["nombre_prevu"] = pd.to_numeric(s["nombre_prevu"], errors="coerce").fillna(0).astype("int64")
    dispo = disponibilites.dropna(subset=["code_departement"]).drop_duplicates("code_departement", keep="last")
    valeurs = pd.to_numeric(dispo.set_index("code_departement")["disponibilites_prevues"], errors="coerce")
    s["disponibilites_prevues"] = s["code_departement"].map(valeurs).astype("Int64")
    s["_ordre"] = s["categorie_soustraction"].map(ref.SOUSTRACTIONS.ordre)
    s = s.sort_values(["code_departement", "_ordre"], kind="stable").drop(columns="_ordre")
    return s[COLONNES_PREVISIONNEL].reset_index(drop=True)
