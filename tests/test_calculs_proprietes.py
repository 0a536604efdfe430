"""Property-based specification: on any valid small dataset the bilan reconciles and the convention counts, the
« Hors convention » lines and the attributions of every perimeter match a naive recomputation of DOMAINE.md §3
(``FLUX_DASH_EXEMPLES=300`` for a longer local hunt)."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_calculs import faire_tables

from flux_dash import referentiel as ref
from flux_dash.calculs import calculer_bilan

COMMUNES = ["93066", "93048", "75056", "77001", "92012"]
CONVENTIONS = [
    ("Préfet 93", "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 25.0),
    ("Agents 93", "ETAT_AGENTS", "DEPARTEMENT", "93", 5.0),
    ("ALS", "ACTION_LOGEMENT", "DEPARTEMENT", "93", 30.0),
    ("ALS", "ACTION_LOGEMENT", "DEPARTEMENT", "75", 30.0),
    ("Plaine Commune", "EPCI_EPT", "EPCI_EPT", "200057867", 10.0),
    ("Ville de Paris", "COMMUNE", "COMMUNE", "75056", 20.0),
    ("MGP", "EPCI_EPT", "EPCI_EPT", "200054781", 2.0),
]
HOLDERS = sorted({c[0] for c in CONVENTIONS}) + ["Bailleur"]
AUTRES_ISSUES = ["REFUS_CANDIDAT", "NON_ATTRIBUE_CALEOL", "ABSENCE_DESIGNATION", "EN_COURS"]
DEBUT = dt.date(2023, 1, 1)


def jour(decalage: int) -> str:
    return (DEBUT + dt.timedelta(days=decalage)).strftime("%d/%m/%Y")


@st.composite
def jeux(draw):
    logements, tours = [], []
    for i in range(draw(st.integers(1, 15))):
        ident = f"L{i:02d}"
        dispo = draw(st.integers(0, 3 * 365 - 1))
        soustraction = draw(st.one_of(st.none(), st.none(), st.sampled_from(ref.SOUSTRACTIONS.codes)))
        logements.append(
            (
                ident,
                draw(st.sampled_from(COMMUNES)),
                draw(st.booleans()),
                draw(st.sampled_from(ref.TYPOLOGIES.codes)),
                draw(st.sampled_from(ref.FINANCEMENTS.codes)),
                draw(st.integers(1900, 2024)),
                jour(dispo),
                soustraction,
            )
        )
        orientation = dispo + draw(st.integers(-30, 60))
        nb = draw(st.integers(0, 3))
        for numero in range(1, nb + 1):
            orientation += draw(st.integers(0, 120))
            dernier_attribue = numero == nb and draw(st.booleans())
            drapeaux = {
                c: draw(st.one_of(st.none(), st.booleans()))
                for c in ["menage_prioritaire", "dalo", "premier_quartile", "menage_relogement_ru"]
            }
            drapeaux = {k: v for k, v in drapeaux.items() if v is not None}
            issue = "ATTRIBUE" if dernier_attribue else draw(st.sampled_from(AUTRES_ISSUES))
            attribution = jour(orientation + draw(st.integers(0, 150))) if dernier_attribue else None
            tours.append(
                (ident, numero, draw(st.sampled_from(HOLDERS)), jour(max(orientation, 0)), issue, attribution, drapeaux)
            )
    return faire_tables(logements, tours, CONVENTIONS)


@settings(
    max_examples=int(os.environ.get("FLUX_DASH_EXEMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tables=jeux(), annee=st.sampled_from([2023, 2024, 2025]))
def test_le_bilan_se_reconcilie(tables, annee):
    b = calculer_bilan(tables, annee)
    rec = b.reconciliation()
    assert rec.ok.all(), rec[~rec.ok].to_string()
    # distinct logements: never more proposés than tours, never more than the logements of the table
    assert (b.realisation.logements_proposes <= b.realisation.tours).all()
    assert (b.realisation.logements_proposes <= len(tables["logements"])).all()
    # ratios are raw fractions or NaN, never infinite; shares of attributions within [0, 1]
    flottants = b.realisation.select_dtypes("float").to_numpy()
    assert not np.isinf(flottants).any()
    parts = b.consolidation.part_attributions.dropna()
    assert ((parts >= 0) & (parts <= 1)).all()
    # the région holds every logement of year n exactly once
    region = b.flux[b.flux.perimetre_type == "REGION"]
    assert region.disponibilites.sum() == sum(tables["logements"].date_disponibilite.dt.year == annee)


def _oracle(tables, annee: int) -> dict[tuple[str, str, str], tuple[int, int, int]]:
    """(reservataire, perimetre_type, perimetre_code) → (proposés, attribués, tours), recomputed naively from the
    definitions of DOMAINE.md §3 with plain Python, independently of the engine's joins."""
    lg = tables["logements"]
    commune = dict(zip(lg.id_logement, lg.code_commune, strict=True))
    soustrait = dict(zip(lg.id_logement, lg.categorie_soustraction.notna(), strict=True))
    perimetres: dict[str, list[tuple[str, str]]] = {}
    for nom, _cat, ptype, code, _taux in CONVENTIONS:
        perimetres.setdefault(nom, []).append((ptype, code))
    dedans = {k: ref.communes_du_perimetre(*k) for ps in perimetres.values() for k in ps}
    attendu: dict[tuple[str, str, str], tuple[int, int, int]] = {}
    for nom, ps in perimetres.items():
        for p in ps:
            proposes, attribues, tours = set(), set(), 0
            for t in tables["tours"].itertuples():
                c = commune[t.id_logement]
                if t.reservataire != nom or soustrait[t.id_logement] or c not in dedans[p]:
                    continue
                if t.date_orientation.year == annee:
                    proposes.add(t.id_logement)
                    tours += 1
                if t.issue == "ATTRIBUE" and t.date_attribution.year == annee:
                    attribues.add(t.id_logement)
            attendu[(nom, *p)] = (len(proposes), len(attribues), tours)
    return attendu


@settings(
    max_examples=int(os.environ.get("FLUX_DASH_EXEMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tables=jeux(), annee=st.sampled_from([2023, 2024, 2025]))
def test_les_comptes_des_conventions_suivent_les_definitions(tables, annee):
    r = calculer_bilan(tables, annee).realisation
    r = r[r.convention]
    obtenu = {
        (x.reservataire, x.perimetre_type, x.perimetre_code): (x.logements_proposes, x.logements_attribues, x.tours)
        for x in r.itertuples()
    }
    assert obtenu == _oracle(tables, annee)


def _perimetres_de(commune: str) -> list[tuple[str, str]]:
    """Every perimeter holding a commune: its strates (DOMAINE.md §2) and the convention perimeters around it."""
    c = ref.communes().set_index("code_insee").loc[commune]
    strates = [("COMMUNE", commune), ("EPCI_EPT", c.code_territoire), ("DEPARTEMENT", c.code_departement)]
    conventions = [(t, p) for _, _, t, p, _ in CONVENTIONS if commune in ref.communes_du_perimetre(t, p)]
    return list(dict.fromkeys([*strates, ("REGION", ref.CODE_REGION), *conventions]))


def _oracle_hors_convention(tables, annee: int) -> tuple[dict, dict]:
    """Naively, per perimeter: the logements of the flux attributed in n by anyone (attribués(P, n)), and per
    (réservataire, perimeter) the logements proposés and attribués in n outside all its convention perimeters
    (its « Hors convention » line, DOMAINE.md §3)."""
    lg = tables["logements"]
    commune = dict(zip(lg.id_logement, lg.code_commune, strict=True))
    soustrait = dict(zip(lg.id_logement, lg.categorie_soustraction.notna(), strict=True))
    dedans: dict[str, set[str]] = {}
    for nom, _cat, ptype, code, _taux in CONVENTIONS:
        dedans.setdefault(nom, set()).update(ref.communes_du_perimetre(ptype, code))
    attribues: dict[tuple[str, str], set[str]] = {}
    hors: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
    for t in tables["tours"].itertuples():
        if soustrait[t.id_logement]:
            continue
        c = commune[t.id_logement]
        attribue = t.issue == "ATTRIBUE" and t.date_attribution.year == annee
        for p in _perimetres_de(c):
            if attribue:
                attribues.setdefault(p, set()).add(t.id_logement)
            if t.reservataire != "Bailleur" and c not in dedans[t.reservataire]:
                proposes, attr = hors.setdefault((t.reservataire, *p), (set(), set()))
                if t.date_orientation.year == annee:
                    proposes.add(t.id_logement)
                if attribue:
                    attr.add(t.id_logement)
    return (
        {p: len(x) for p, x in attribues.items()},
        {k: (len(p), len(a)) for k, (p, a) in hors.items() if p or a},
    )


@settings(
    max_examples=int(os.environ.get("FLUX_DASH_EXEMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(tables=jeux(), annee=st.sampled_from([2023, 2024, 2025]))
def test_la_ligne_hors_convention_et_les_attributions_suivent_les_definitions(tables, annee):
    b = calculer_bilan(tables, annee)
    attributions, hors = _oracle_hors_convention(tables, annee)
    obtenu = {(x.perimetre_type, x.perimetre_code): x.attributions for x in b.flux.itertuples() if x.attributions}
    assert obtenu == attributions
    c = b.consolidation[b.consolidation.categorie == ref.HORS_CONVENTION]
    obtenu_hors = {
        (x.reservataire, x.perimetre_type, x.perimetre_code): (x.logements_proposes, x.logements_attribues)
        for x in c.itertuples()
        if x.logements_proposes or x.logements_attribues
    }
    assert obtenu_hors == hors
