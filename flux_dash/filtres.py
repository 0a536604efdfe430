"""Dashboard filters (département, EPCI/EPT, commune, QPV, typologie, financement, réservataire).

Pure library code (no Streamlit): the UI keeps a :class:`Filtres` in its session state and calls
:func:`filtrer_tables` before computing the bilan.

Rule (documented choice, [rule] in the sense of DOMAINE.md): the **logement** filters (territory, QPV,
typologie, financement) restrict the ``logements`` table and the ``tours`` of the kept logements; the bilan is
then computed on that subset, so every figure (flux, proposés, shares) is the figure *of the selected
logements*. The **réservataire** filter does NOT change the computation: it only narrows what the pages display
(:func:`garder_reservataires`), so that a réservataire's share stays relative to the full flux of its perimeter
(a share computed on the tours of one réservataire only would always be its proposés over a flux that ignores the
others, which is the same number, but the "part des attributions" would become 100 %: misleading).
``conventions`` and ``previsionnel`` are never filtered (conventions define perimeters; the prévisionnel is
per département and belongs to the landlord's declaration).

The sidebar offers, per filter, only the values present in the data (:func:`options_filtres`); communes are narrowed
to the chosen départements / territories and territories to the chosen départements, and a choice the others no
longer allow is dropped before anything is computed (:func:`restreindre_filtres`). :func:`resumer_filtres` restates
the active filters in one French sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from flux_dash import formats
from flux_dash import referentiel as ref


@dataclass(frozen=True)
class Filtres:
    """Selected codes per dimension; an empty tuple means "all".

    ``departements``: département codes (``"93"``); ``territoires``: EPCI/EPT codes (SIREN, the strate of
    :func:`flux_dash.referentiel.communes` ``code_territoire``); ``communes``: INSEE codes; ``qpv``: codes of
    :data:`flux_dash.referentiel.QPV` (``EN_QPV``/``HORS_QPV``); ``typologies``, ``financements``: category codes;
    ``reservataires``: réservataire names as in ``tours.reservataire`` (display only, see module docstring).
    """

    departements: tuple[str, ...] = ()
    territoires: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    qpv: tuple[str, ...] = ()
    typologies: tuple[str, ...] = ()
    financements: tuple[str, ...] = ()
    reservataires: tuple[str, ...] = ()

    @property
    def actifs(self) -> bool:
        """True when at least one filter narrows something."""
        return any(getattr(self, f.name) for f in fields(self))

    @property
    def filtre_logements(self) -> bool:
        """True when a logement filter (everything but réservataires) is set: the bilan must be recomputed."""
        return any(getattr(self, f.name) for f in fields(self) if f.name != "reservataires")

    def cle(self) -> tuple[tuple[str, ...], ...]:
        """A hashable, order-independent key (for caches)."""
        return tuple(tuple(sorted(getattr(self, f.name))) for f in fields(self))


NOMS_FILTRES: tuple[str, ...] = tuple(f.name for f in fields(Filtres))
"""The filters, in the sidebar's order."""
LIBELLES_FILTRES = {
    "departements": "Département",
    "territoires": "EPCI / EPT",
    "communes": "Commune",
    "reservataires": "Réservataire (affichage)",
    "qpv": "QPV",
    "typologies": "Typologie",
    "financements": "Financement",
}
"""French name of each filter (sidebar labels, :func:`resumer_filtres`)."""

OptionsFiltres = dict[str, dict[str, str]]
"""Per filter name, code → French label of the values offered."""


@dataclass(frozen=True, eq=False)
class ValeursPresentes:
    """What the data holds, per filter: the one pass over the rows that :func:`options_filtres` needs, done once
    per upload (:func:`valeurs_presentes`; 1,2 s per rerun at 300 000 logements when it was redone each time)."""

    communes: pd.DataFrame
    """Référentiel rows (:func:`flux_dash.referentiel.communes`) of the communes present, indexed by INSEE code."""
    reservataires: tuple[str, ...]
    typologies: frozenset[str]
    financements: frozenset[str]


def valeurs_presentes(tables: dict[str, pd.DataFrame]) -> ValeursPresentes:
    """The values of the filtered columns present in ``tables`` (logements' communes, typologies, financements;
    tours' réservataires)."""
    logements = tables.get("logements", pd.DataFrame(columns=["code_commune", "typologie", "financement", "qpv"]))
    communes_ref = ref.communes().set_index("code_insee")
    presentes = sorted(set(logements["code_commune"].dropna().astype(str).unique()) & set(communes_ref.index))
    tours = tables.get("tours")
    reservataires = sorted(set(tours["reservataire"].dropna().astype(str).unique())) if tours is not None else []
    return ValeursPresentes(
        communes=communes_ref.loc[presentes],
        reservataires=tuple(reservataires),
        typologies=frozenset(logements["typologie"].dropna().astype(str).unique()),
        financements=frozenset(logements["financement"].dropna().astype(str).unique()),
    )


def options_filtres(
    tables: dict[str, pd.DataFrame] | ValeursPresentes, choisis: Filtres | None = None
) -> OptionsFiltres:
    """Per filter, code → French label of the values present in the data (display order of the référentiel).

    Communes are narrowed to the chosen départements / territories, territories to the chosen départements.
    ``tables``: the clean tables, or their :func:`valeurs_presentes` (computed once, then this is milliseconds).
    """
    choisis = choisis or Filtres()
    v = tables if isinstance(tables, ValeursPresentes) else valeurs_presentes(tables)
    c = v.communes
    deps = {d: f"{ref.DEPARTEMENTS_IDF.get(d, d)} ({d})" for d in sorted(set(c["code_departement"]))}
    if choisis.departements:
        c = c[c["code_departement"].isin(choisis.departements)]
    ter = dict(sorted(zip(c["code_territoire"], c["nom_territoire"], strict=True), key=lambda kv: kv[1]))
    if choisis.territoires:
        c = c[c["code_territoire"].isin(choisis.territoires)]
    comm = dict(sorted(((code, str(nom)) for code, nom in c["nom"].items()), key=lambda kv: (kv[1], kv[0])))
    return {
        "departements": deps,
        "territoires": ter,
        "communes": comm,
        "reservataires": {r: r for r in v.reservataires},
        "qpv": dict(ref.QPV.libelles),
        "typologies": {k: lib for k, lib in ref.TYPOLOGIES.libelles.items() if k in v.typologies},
        "financements": {k: lib for k, lib in ref.FINANCEMENTS.libelles.items() if k in v.financements},
    }


def restreindre_filtres(
    tables: dict[str, pd.DataFrame] | ValeursPresentes, choisis: Filtres
) -> tuple[Filtres, OptionsFiltres]:
    """``choisis`` without the values the data or the other choices no longer offer, and the options offered.

    The options are those of ``choisis`` (:func:`options_filtres`): a commune of a département just deselected
    is dropped, so the bilan is never computed on a choice the sidebar no longer lists.
    """
    options = options_filtres(tables, choisis)
    gardes = {nom: tuple(v for v in getattr(choisis, nom) if v in options[nom]) for nom in NOMS_FILTRES}
    return Filtres(**gardes), options


def resumer_filtres(f: Filtres, libelles: OptionsFiltres | None = None, nombre: int = 3) -> str:
    """A short French sentence naming the active filters ("" when none): « Filtres actifs : EPCI / EPT : Est
    Ensemble · Typologie : T1, T2 et 3 autres ». ``libelles``: :func:`options_filtres` (codes shown as such when
    absent); at most ``nombre`` names per filter. Plain text: markdown-escape it before rendering."""
    libelles = libelles or {}
    parties = []
    for nom in NOMS_FILTRES:
        codes = list(getattr(f, nom))
        if not codes:
            continue
        noms = [libelles.get(nom, {}).get(c, c) for c in codes]
        texte = ", ".join(noms[:nombre]) + (
            f" et {formats.nombre(len(noms) - nombre)} autres" if len(noms) > nombre else ""
        )
        parties.append(f"{LIBELLES_FILTRES[nom]} : {texte}")
    return "Filtres actifs : " + " · ".join(parties) if parties else ""


def masque_logements(logements: pd.DataFrame, filtres: Filtres) -> pd.Series:
    """Boolean mask of the logements kept by the logement filters (all True when none is set)."""
    masque = pd.Series(True, index=logements.index)
    communes = logements["code_commune"].astype("string")
    if filtres.departements or filtres.territoires:
        ref_communes = ref.communes().set_index("code_insee")
        if filtres.departements:
            dep = communes.map(ref_communes["code_departement"])
            masque &= dep.isin(filtres.departements).fillna(False).astype(bool)
        if filtres.territoires:
            ter = communes.map(ref_communes["code_territoire"])
            masque &= ter.isin(filtres.territoires).fillna(False).astype(bool)
    if filtres.communes:
        masque &= communes.isin(filtres.communes).fillna(False).astype(bool)
    if filtres.qpv:
        en_qpv = logements["qpv"].astype("boolean")
        code = en_qpv.map({True: "EN_QPV", False: "HORS_QPV"})
        masque &= code.isin(filtres.qpv).fillna(False).astype(bool)
    if filtres.typologies:
        masque &= logements["typologie"].isin(filtres.typologies).fillna(False).astype(bool)
    if filtres.financements:
        masque &= logements["financement"].isin(filtres.financements).fillna(False).astype(bool)
    return masque


def filtrer_tables(tables: dict[str, pd.DataFrame], filtres: Filtres) -> dict[str, pd.DataFrame]:
    """The clean tables restricted to the logements selected by ``filtres`` (see the module's rule).

    Returns a new dict; tables without a logement filter are returned as is (same objects, not copies). The
    réservataire filter is ignored here on purpose.
    """
    if not filtres.filtre_logements or "logements" not in tables:
        return dict(tables)
    resultat = dict(tables)
    logements = tables["logements"]
    gardes = logements[masque_logements(logements, filtres)]
    resultat["logements"] = gardes
    if "tours" in tables:
        tours = tables["tours"]
        resultat["tours"] = tours[tours["id_logement"].isin(gardes["id_logement"])]
    return resultat


def garder_reservataires(df: pd.DataFrame, filtres: Filtres, colonne: str = "reservataire") -> pd.DataFrame:
    """Rows of a result table whose ``colonne`` is one of the selected réservataires (all rows if none selected).

    Rows with an empty réservataire (perimeter-wide figures) are kept: they are the context of the shares.
    """
    if not filtres.reservataires or colonne not in df.columns:
        return df
    valeurs = df[colonne]
    garde = valeurs.isin(filtres.reservataires).fillna(False).astype(bool) | valeurs.isna() | (valeurs == "")
    return df[garde.fillna(True).astype(bool)]
