"""Specification of the engine (DOMAINE.md §3–§5) on a hand-made table of 12 logements, year n = 2024.

The main dataset (``jeu_principal``), communes: Saint-Denis 93066 (EPT Plaine Commune 200057867), Montreuil
93048 (EPT Est Ensemble 200057875), Paris 75056 (territory 217500016, département 75).

==== ======= ===== ===== ========== ====== ========== ====================  ==========================================
id   commune QPV   typo  financmt.  année  dispo      soustraction          tours
==== ======= ===== ===== ========== ====== ========== ====================  ==========================================
L01  93066   oui   T1    PLUS       1970   10/01/2024                       Préfet 15/01 sans désignation; Préfet 01/02
                                                                            attribué 01/03/2024 (prioritaire, DALO)
L02  93066   non   T2    PLAI       1990   15/12/2023                       Préfet 05/01/2024 refus; ALS 01/02 attribué
                                                                            15/02/2024 (1er quartile)
L03  93048   non   T3    PLS        2021   01/03/2024                       ALS 10/03/2024 en cours
L04  75056   oui   T5+   ANCIEN     1930   01/05/2024                       Préfet 93 10/05 attribué 01/06 (hors convention)
L05  93066   non   T2    PLUS       1980   01/06/2024 MUTATION_INTERNE      Bailleur 10/06 attribué 01/07/2024
L06  93066   non   T4    PLUS       2005   01/10/2024                       Bailleur 01/11/2024 attribué 15/01/2025
L07  93048   oui   T3    PLAI       1960   01/02/2024                       Bailleur 05/02 attribué 20/03/2024 (non 1er q.)
L08  93066   oui   T3    PLUS       1985   01/04/2024                       Plaine Commune 05/04 attribué 30/04/2024
L09  93066   non   T1    PLS        2015   20/12/2024                       (aucun tour)
L10  93048   non   T2    PLUS       1975   01/07/2023                       ALS 01/08/2023 attribué 01/09/2023
L11  75056   non   T2    PLUS       1950   01/03/2024 RELOGEMENT_RU         Bailleur 05/03/2024 en cours
L12  75056   non   T3    PLUS       2000   01/09/2024                       Ville de Paris 05/09 attribué 01/10/2024
==== ======= ===== ===== ========== ====== ========== ====================  ==========================================

Conventions: Préfet 93 (ETAT_PRIORITAIRES, département 93, 30 %), ALS 93 (ACTION_LOGEMENT, 93, 20 %), Plaine
Commune (EPCI_EPT 200057867, 10 %), Ville de Paris (COMMUNE 75056, 20 %).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from flux_dash.calculs import CADRES, Bilan, calculer_bilan, calculer_previsionnel, reconciliation
from flux_dash.calculs.definitions import DEFINITIONS, rediger_documentation
from flux_dash.regles import ReglesCalcul

N = 2024
PREFET, ALS, PC, VDP, BAILLEUR = "Préfet 93", "ALS 93", "Plaine Commune", "Ville de Paris", "Bailleur"
NAN = float("nan")


def date(texte: str | None):
    return pd.to_datetime(texte, format="%d/%m/%Y") if texte else pd.NaT


def faire_tables(
    logements: list[tuple],
    tours: list[tuple],
    conventions: list[tuple],
    previsionnel: list[tuple] | None = None,
    optionnelles: bool = True,
) -> dict[str, pd.DataFrame]:
    """Clean tables (dtypes of flux_dash.colonnes) from literal rows.

    logements: (id, commune, qpv, typologie, financement, annee_construction, "JJ/MM/AAAA", soustraction | None)
    tours: (id, numero, reservataire, orientation, issue, attribution | None, {optional booleans})
    conventions: (reservataire, categorie, perimetre_type, perimetre_code, taux)
    previsionnel: (code_departement, categorie_soustraction, nombre_prevu, disponibilites_prevues | None)
    """
    lg = pd.DataFrame(
        logements,
        columns=[
            "id_logement",
            "code_commune",
            "qpv",
            "typologie",
            "financement",
            "annee_construction",
            "date_disponibilite",
            "categorie_soustraction",
        ],
    )
    for c in ["id_logement", "code_commune", "typologie", "financement", "categorie_soustraction"]:
        lg[c] = lg[c].astype("string")
    lg["qpv"] = lg["qpv"].astype("boolean")
    lg["annee_construction"] = lg["annee_construction"].astype("Int64")
    lg["date_disponibilite"] = lg["date_disponibilite"].map(date).astype("datetime64[ns]")
    lg["origine"] = pd.Series("ROTATION", index=lg.index, dtype="string")
    lg["ligne"] = pd.Series(range(2, len(lg) + 2), dtype="Int64")

    tr = pd.DataFrame(
        [t[:6] for t in tours],
        columns=["id_logement", "numero_tour", "reservataire", "date_orientation", "issue", "date_attribution"],
    )
    for c in ["id_logement", "reservataire", "issue"]:
        tr[c] = tr[c].astype("string")
    tr["numero_tour"] = tr["numero_tour"].astype("Int64")
    for c in ["date_orientation", "date_attribution"]:
        tr[c] = tr[c].map(date).astype("datetime64[ns]")
    for c in ["bail_signe", "menage_prioritaire", "dalo", "premier_quartile", "menage_relogement_ru"]:
        valeurs = [t[6].get(c, pd.NA) if len(t) > 6 else pd.NA for t in tours] if optionnelles else [pd.NA] * len(tours)
        tr[c] = pd.array(valeurs, dtype="boolean")
    tr["ligne"] = pd.Series(range(2, len(tr) + 2), dtype="Int64")

    cv = pd.DataFrame(conventions, columns=["reservataire", "categorie", "perimetre_type", "perimetre_code", "taux"])
    for c in ["reservataire", "categorie", "perimetre_type", "perimetre_code"]:
        cv[c] = cv[c].astype("string")
    cv["taux"] = cv["taux"].astype("Float64")
    tables = {"logements": lg, "tours": tr, "conventions": cv}
    if previsionnel is not None:
        pv = pd.DataFrame(
            previsionnel,
            columns=["code_departement", "categorie_soustraction", "nombre_prevu", "disponibilites_prevues"],
        )
        for c in ["code_departement", "categorie_soustraction"]:
            pv[c] = pv[c].astype("string")
        for c in ["nombre_prevu", "disponibilites_prevues"]:
            pv[c] = pv[c].astype("Int64")
        tables["previsionnel"] = pv
    return tables


LOGEMENTS = [
    ("L01", "93066", True, "T1", "PLUS", 1970, "10/01/2024", None),
    ("L02", "93066", False, "T2", "PLAI", 1990, "15/12/2023", None),
    ("L03", "93048", False, "T3", "PLS", 2021, "01/03/2024", None),
    ("L04", "75056", True, "T5+", "ANCIEN", 1930, "01/05/2024", None),
    ("L05", "93066", False, "T2", "PLUS", 1980, "01/06/2024", "MUTATION_INTERNE"),
    ("L06", "93066", False, "T4", "PLUS", 2005, "01/10/2024", None),
    ("L07", "93048", True, "T3", "PLAI", 1960, "01/02/2024", None),
    ("L08", "93066", True, "T3", "PLUS", 1985, "01/04/2024", None),
    ("L09", "93066", False, "T1", "PLS", 2015, "20/12/2024", None),
    ("L10", "93048", False, "T2", "PLUS", 1975, "01/07/2023", None),
    ("L11", "75056", False, "T2", "PLUS", 1950, "01/03/2024", "RELOGEMENT_RU"),
    ("L12", "75056", False, "T3", "PLUS", 2000, "01/09/2024", None),
]
TOURS = [
    ("L01", 1, PREFET, "15/01/2024", "ABSENCE_DESIGNATION", None),
    ("L01", 2, PREFET, "01/02/2024", "ATTRIBUE", "01/03/2024", {"menage_prioritaire": True, "dalo": True}),
    ("L02", 1, PREFET, "05/01/2024", "REFUS_CANDIDAT", None),
    ("L02", 2, ALS, "01/02/2024", "ATTRIBUE", "15/02/2024", {"premier_quartile": True}),
    ("L03", 1, ALS, "10/03/2024", "EN_COURS", None),
    ("L04", 1, PREFET, "10/05/2024", "ATTRIBUE", "01/06/2024"),
    ("L05", 1, BAILLEUR, "10/06/2024", "ATTRIBUE", "01/07/2024"),
    ("L06", 1, BAILLEUR, "01/11/2024", "ATTRIBUE", "15/01/2025"),
    ("L07", 1, BAILLEUR, "05/02/2024", "ATTRIBUE", "20/03/2024", {"premier_quartile": False}),
    ("L08", 1, PC, "05/04/2024", "ATTRIBUE", "30/04/2024", {"menage_prioritaire": False, "premier_quartile": False}),
    ("L10", 1, ALS, "01/08/2023", "ATTRIBUE", "01/09/2023"),
    ("L11", 1, BAILLEUR, "05/03/2024", "EN_COURS", None),
    ("L12", 1, VDP, "05/09/2024", "ATTRIBUE", "01/10/2024", {"menage_prioritaire": False}),
]
CONVENTIONS = [
    (PREFET, "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 30.0),
    (ALS, "ACTION_LOGEMENT", "DEPARTEMENT", "93", 20.0),
    (PC, "EPCI_EPT", "EPCI_EPT", "200057867", 10.0),
    (VDP, "COMMUNE", "COMMUNE", "75056", 20.0),
]
PREVISIONNEL = [("93", "MUTATION_INTERNE", 3, None), ("93", "RELOGEMENT_RU", 2, None), ("75", "RELOGEMENT_RU", 1, None)]


def jeu_principal(**options) -> dict[str, pd.DataFrame]:
    return faire_tables(LOGEMENTS, TOURS, CONVENTIONS, PREVISIONNEL, **options)


@pytest.fixture(scope="module")
def bilan() -> Bilan:
    return calculer_bilan(jeu_principal(), N)


def ligne(df: pd.DataFrame, **filtre) -> pd.Series:
    masque = np.ones(len(df), dtype=bool)
    for col, val in filtre.items():
        masque &= (df[col] == val).to_numpy()
    trouve = df[masque]
    assert len(trouve) == 1, f"{len(trouve)} lignes pour {filtre}"
    return trouve.iloc[0]


def egal(obtenu, attendu) -> bool:
    if isinstance(attendu, float) and math.isnan(attendu):
        return isinstance(obtenu, float) and math.isnan(obtenu)
    return obtenu == pytest.approx(attendu, abs=1e-9)


# --- flux per perimeter (DOMAINE.md §3) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ptype", "code", "dispo", "soustraits", "flux", "reloges", "attributions"),
    [
        pytest.param("COMMUNE", "93066", 5, 1, 4, 1, 3, id="saint-denis: L01 L05 L06 L08 L09, L02 en 2023"),
        pytest.param("COMMUNE", "93048", 2, 0, 2, 0, 1, id="montreuil: L10 disponible en 2023 exclu"),
        pytest.param("COMMUNE", "75056", 3, 1, 2, 0, 2, id="paris commune: L12 et L04 attribue hors convention"),
        pytest.param("EPCI_EPT", "217500016", 3, 1, 2, 0, 2, id="paris territoire = commune"),
        pytest.param("DEPARTEMENT", "75", 3, 1, 2, 0, 2, id="paris departement = commune"),
        pytest.param("EPCI_EPT", "200057867", 5, 1, 4, 1, 3, id="plaine commune"),
        pytest.param("EPCI_EPT", "200057875", 2, 0, 2, 0, 1, id="est ensemble"),
        pytest.param("DEPARTEMENT", "93", 7, 1, 6, 1, 4, id="seine-saint-denis"),
        pytest.param("REGION", "11", 10, 2, 8, 1, 6, id="region: L01 L02 L04 L07 L08 L12"),
    ],
)
def test_flux_par_perimetre(bilan, ptype, code, dispo, soustraits, flux, reloges, attributions):
    f = ligne(bilan.flux, perimetre_type=ptype, perimetre_code=code)
    assert (f.disponibilites, f.soustraits, f.flux, f.relogements_realises, f.attributions) == (
        dispo,
        soustraits,
        flux,
        reloges,
        attributions,
    )


def test_soustraits_par_categorie(bilan):
    s = bilan.soustraits
    region = s[(s.perimetre_type == "REGION")].set_index("categorie_soustraction")
    assert list(region.index) == [
        "MUTATION_INTERNE",
        "RELOGEMENT_RU",
        "RELOGEMENT_ORCOD",
        "RELOGEMENT_HABITAT_INDIGNE",
        "RELOGEMENT_VENTE",
        "AUTRE_SOUSTRACTION",
    ]
    assert region["soustraits"].to_dict() == {
        "MUTATION_INTERNE": 1,
        "RELOGEMENT_RU": 1,
        "RELOGEMENT_ORCOD": 0,
        "RELOGEMENT_HABITAT_INDIGNE": 0,
        "RELOGEMENT_VENTE": 0,
        "AUTRE_SOUSTRACTION": 0,
    }
    # L05 (soustrait, attributed by the Bailleur in n) is a relogement réalisé; L11 (en cours) is not.
    assert region["relogements_realises"].to_dict()["MUTATION_INTERNE"] == 1
    assert region["relogements_realises"].to_dict()["RELOGEMENT_RU"] == 0


def test_flux_qpv(bilan):
    f = ligne(bilan.flux, perimetre_type="DEPARTEMENT", perimetre_code="93")
    # flux 2024 of 93: L01 (QPV), L03, L06, L07 (QPV), L08 (QPV), L09
    assert (f.flux_en_qpv, f.flux_hors_qpv, f.disponibilites_en_qpv, f.disponibilites_hors_qpv) == (3, 3, 3, 4)


# --- réservataire × convention perimeter --------------------------------------------------------------

COLONNES_REALISATION = [
    "flux",
    "logements_proposes",
    "logements_attribues",
    "tours",
    "part_flux_orientations",
    "part_attributions",
    "taux_convention",
    "droits_theoriques",
    "ecart",
    "taux_realisation",
    "taux_transformation",
]


@pytest.mark.parametrize(
    ("reservataire", "ptype", "code", "attendu"),
    [
        pytest.param(
            PREFET,
            "DEPARTEMENT",
            "93",
            [6, 2, 1, 3, 2 / 6, 1 / 4, 30.0, 1.8, 0.2, 2 / 1.8, 0.5],
            id="prefet: L01 deux fois (1 proposé, 2 tours) et L02 disponible en 2023, L04 hors perimetre",
        ),
        pytest.param(
            ALS,
            "DEPARTEMENT",
            "93",
            [6, 2, 1, 2, 2 / 6, 1 / 4, 20.0, 1.2, 0.8, 2 / 1.2, 0.5],
            id="als: L02 propose apres le prefet, L10 attribue en 2023 exclu",
        ),
        pytest.param(
            PC,
            "EPCI_EPT",
            "200057867",
            [4, 1, 1, 1, 1 / 4, 1 / 3, 10.0, 0.4, 0.6, 2.5, 1.0],
            id="plaine commune sur son territoire",
        ),
        pytest.param(
            VDP,
            "COMMUNE",
            "75056",
            [2, 1, 1, 1, 1 / 2, 1 / 2, 20.0, 0.4, 0.6, 2.5, 1.0],
            id="ville de paris sur la commune 75056: L12 sur L12 et L04 (hors convention)",
        ),
        pytest.param(
            BAILLEUR,
            "DEPARTEMENT",
            "93",
            [6, 2, 1, 2, 2 / 6, 1 / 4, NAN, NAN, NAN, NAN, 0.5],
            id="bailleur: L06 attribue en 2025 propose non attribue, L05 soustrait exclu",
        ),
        pytest.param(
            BAILLEUR,
            "COMMUNE",
            "75056",
            [2, 0, 0, 0, 0.0, 0.0, NAN, NAN, NAN, NAN, NAN],
            id="bailleur a paris: L11 soustrait exclu des proposes",
        ),
        pytest.param(
            BAILLEUR, "REGION", "11", [8, 2, 1, 2, 2 / 8, 1 / 6, NAN, NAN, NAN, NAN, 0.5], id="bailleur region"
        ),
    ],
)
def test_realisation(bilan, reservataire, ptype, code, attendu):
    r = ligne(bilan.realisation, reservataire=reservataire, perimetre_type=ptype, perimetre_code=code)
    obtenu = [r[c] for c in COLONNES_REALISATION]
    assert all(egal(float(o), float(a)) for o, a in zip(obtenu, attendu, strict=True)), dict(
        zip(COLONNES_REALISATION, obtenu, strict=True)
    )


def test_realisation_lignes_et_ordre(bilan):
    r = bilan.realisation
    conv = r[r.convention]
    assert list(zip(conv.reservataire, conv.perimetre_code, strict=True)) == [
        (PREFET, "93"),
        (ALS, "93"),
        (PC, "200057867"),
        (VDP, "75056"),
    ]
    # Bailleur has one row per strate perimeter: 3 communes, 3 territories, 2 départements, the région.
    assert (r.reservataire == BAILLEUR).sum() == 9
    assert not r.convention[r.reservataire == BAILLEUR].any()
    assert r.logements_proposes.dtype == "int64" and r.part_flux_orientations.dtype == "float64"


def test_orientation_hors_convention_sur_la_ligne_hors_convention(bilan):
    # L04 (Paris) oriented to and attributed by the Préfet 93, whose only convention is the 93 (DOMAINE.md §3):
    # in none of the Préfet's convention figures, but counted in Paris on the « Hors convention » line.
    assert ligne(bilan.realisation, reservataire=PREFET).logements_attribues == 1  # L01 only
    assert ligne(bilan.flux, perimetre_type="COMMUNE", perimetre_code="75056").attributions == 2  # L04 and L12
    c = bilan.consolidation
    paris = c[(c.perimetre_type == "COMMUNE") & (c.perimetre_code == "75056")]
    assert list(zip(paris.categorie, paris.reservataire, paris.logements_attribues, strict=True)) == [
        ("COMMUNE", VDP, 1),
        ("BAILLEUR", BAILLEUR, 0),
        ("HORS_CONVENTION", PREFET, 1),
    ]
    assert paris.part_attributions.tolist() == [0.5, 0.0, 0.5]
    hc = ligne(c, perimetre_type="REGION", perimetre_code="11", categorie="HORS_CONVENTION")
    assert (hc.reservataire, hc.logements_proposes, hc.logements_attribues, hc.attribues_en_qpv) == (PREFET, 1, 1, 1)
    # the Préfet's own line in the région keeps its convention figures only
    assert (
        ligne(c, perimetre_type="REGION", perimetre_code="11", categorie="ETAT_PRIORITAIRES").logements_attribues == 1
    )
    assert set(bilan.hors_convention_de(PREFET).perimetre_code) == {"75056", "217500016", "75", "11"}
    assert bilan.hors_convention_de(ALS).empty


def test_parts_orientation_depassent_100_attributions_font_100(bilan):
    c = bilan.consolidation
    d93 = c[(c.perimetre_type == "DEPARTEMENT") & (c.perimetre_code == "93")].set_index("reservataire")
    assert list(d93.index) == [PREFET, ALS, PC, BAILLEUR]
    assert d93.logements_proposes.to_dict() == {PREFET: 2, ALS: 2, PC: 1, BAILLEUR: 2}
    assert d93.part_flux_orientations.sum() == pytest.approx(7 / 6)
    assert d93.part_attributions.to_dict() == {PREFET: 0.25, ALS: 0.25, PC: 0.25, BAILLEUR: 0.25}


@pytest.mark.parametrize(
    ("reservataire", "attendu"),
    [
        pytest.param(PREFET, [1, 0, 1, 1, 0], id="prefet: L01 en QPV prioritaire DALO"),
        pytest.param(ALS, [0, 1, 0, 0, 1], id="als: L02 hors QPV 1er quartile"),
        pytest.param(PC, [1, 0, 0, 0, 0], id="plaine commune: L08 en QPV"),
        pytest.param(BAILLEUR, [1, 0, 0, 0, 0], id="bailleur: L07 en QPV"),
    ],
)
def test_consolidation_departement(bilan, reservataire, attendu):
    r = ligne(bilan.consolidation, perimetre_type="DEPARTEMENT", perimetre_code="93", reservataire=reservataire)
    colonnes = [
        "attribues_en_qpv",
        "attribues_hors_qpv",
        "attribues_prioritaires",
        "attribues_dalo",
        "attribues_premier_quartile",
    ]
    assert [r[c] for c in colonnes] == attendu


def test_issues_des_tours(bilan):
    i = bilan.issues
    prefet = i[(i.reservataire == PREFET)].set_index("issue")["tours"].to_dict()
    assert prefet == {
        "ATTRIBUE": 1,
        "REFUS_CANDIDAT": 1,
        "NON_ATTRIBUE_CALEOL": 0,
        "ABSENCE_DESIGNATION": 1,
        "EN_COURS": 0,
    }


@pytest.mark.parametrize(
    ("dimension", "proposes", "attribues"),
    [
        pytest.param(
            "typologie",
            {"T1": 1, "T2": 1, "T3": 0, "T4": 0, "T5+": 0},
            {"T1": 1, "T2": 0, "T3": 0, "T4": 0, "T5+": 0},
            id="typologie",
        ),
        pytest.param(
            "financement",
            {"PLAI": 1, "PLUS": 1, "PLS": 0, "PLI": 0, "ANCIEN": 0, "AUTRE": 0},
            {"PLAI": 0, "PLUS": 1, "PLS": 0, "PLI": 0, "ANCIEN": 0, "AUTRE": 0},
            id="financement",
        ),
        pytest.param("qpv", {"EN_QPV": 1, "HORS_QPV": 1}, {"EN_QPV": 1, "HORS_QPV": 0}, id="qpv"),
        pytest.param("commune", {"93048": 0, "93066": 2}, {"93048": 0, "93066": 1}, id="commune"),
        pytest.param(
            "periode_construction",
            {
                "avant-1949": 0,
                "1949-1976": 1,
                "1977-1989": 0,
                "1990-1999": 1,
                "2000-2009": 0,
                "2010-2019": 0,
                "2020-et-apres": 0,
            },
            {
                "avant-1949": 0,
                "1949-1976": 1,
                "1977-1989": 0,
                "1990-1999": 0,
                "2000-2009": 0,
                "2010-2019": 0,
                "2020-et-apres": 0,
            },
            id="periode de construction",
        ),
    ],
)
def test_repartitions_decret_du_prefet(bilan, dimension, proposes, attribues):
    r = bilan.repartitions
    r = r[(r.reservataire == PREFET) & (r.dimension == dimension)]
    assert dict(zip(r.modalite, r.logements_proposes, strict=True)) == proposes
    assert list(r.modalite) == list(proposes)  # référentiel display order
    assert dict(zip(r.modalite, r.logements_attribues, strict=True)) == attribues


# --- indicators of DOMAINE.md §4 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicateur", "ptype", "code", "reservataire", "valeur", "cible"),
    [
        pytest.param("part_prefet_flux", "DEPARTEMENT", "93", "", 2 / 6, 0.30, id="prefet 93: L01 L02 / flux 6"),
        pytest.param("part_prefet_flux", "COMMUNE", "93066", "", 2 / 4, 0.30, id="prefet a saint-denis"),
        pytest.param("part_prefet_flux", "COMMUNE", "93048", "", 0.0, 0.30, id="prefet a montreuil"),
        pytest.param("part_prefet_flux", "DEPARTEMENT", "75", "", 0.0, 0.30, id="prefet a paris: L04 exclu"),
        pytest.param("part_agents_flux", "DEPARTEMENT", "93", "", 0.0, 0.05, id="agents"),
        pytest.param("prefet_hors_qpv_a", "DEPARTEMENT", "93", "", 1 / 2, 0.30, id="lecture a: L02 / L01 L02"),
        pytest.param("prefet_hors_qpv_b", "DEPARTEMENT", "93", "", 1 / 3, NAN, id="lecture b: L02 / flux hors QPV 3"),
        pytest.param("part_publics_prioritaires", "DEPARTEMENT", "93", PREFET, 1.0, NAN, id="prioritaires etat"),
        pytest.param("part_publics_prioritaires", "DEPARTEMENT", "93", ALS, 0.0, 0.25, id="prioritaires als"),
        pytest.param("part_publics_prioritaires", "COMMUNE", "75056", VDP, 0.0, 0.25, id="prioritaires paris"),
        pytest.param("part_publics_prioritaires", "DEPARTEMENT", "93", BAILLEUR, 0.0, 0.25, id="prioritaires bailleur"),
        pytest.param("attributions_dalo", "DEPARTEMENT", "93", PREFET, 1.0, NAN, id="dalo nombre"),
        pytest.param("part_dalo", "DEPARTEMENT", "93", PREFET, 1.0, NAN, id="dalo part"),
        pytest.param(
            "part_premier_quartile_hors_qpv",
            "EPCI_EPT",
            "200057867",
            "",
            1 / 2,
            0.25,
            id="plaine commune: L02 1er quartile sur L02 et L05 (soustrait, attribue en n) hors QPV",
        ),
        pytest.param(
            "part_hors_premier_quartile_en_qpv",
            "EPCI_EPT",
            "200057867",
            "",
            1.0,
            0.50,
            id="plaine commune: L01 L08 en QPV non 1er quartile",
        ),
        pytest.param(
            "part_premier_quartile_hors_qpv",
            "EPCI_EPT",
            "200057875",
            "",
            NAN,
            0.25,
            id="est ensemble: aucune attribution hors QPV, n.s.",
        ),
        pytest.param(
            "delai_moyen_orientation_attribution",
            "DEPARTEMENT",
            "93",
            PREFET,
            29.0,
            NAN,
            id="delai prefet 01/02 au 01/03/2024",
        ),
        pytest.param(
            "delai_moyen_orientation_attribution",
            "DEPARTEMENT",
            "93",
            BAILLEUR,
            44.0,
            NAN,
            id="delai bailleur 05/02 au 20/03/2024",
        ),
        pytest.param("tours_sans_designation", "DEPARTEMENT", "93", PREFET, 1.0, NAN, id="sans designation"),
    ],
)
def test_indicateurs(bilan, indicateur, ptype, code, reservataire, valeur, cible):
    r = ligne(
        bilan.indicateurs, indicateur=indicateur, perimetre_type=ptype, perimetre_code=code, reservataire=reservataire
    )
    assert egal(float(r.valeur), valeur)
    assert egal(float(r.cible), cible)


def test_indicateurs_vides_sans_colonnes_optionnelles():
    b = calculer_bilan(jeu_principal(optionnelles=False), N)
    i = b.indicateurs
    for code in [
        "part_publics_prioritaires",
        "attributions_dalo",
        "part_dalo",
        "part_premier_quartile_hors_qpv",
        "part_hors_premier_quartile_en_qpv",
    ]:
        valeurs = i.loc[i.indicateur == code, "valeur"]
        assert len(valeurs) > 0 and valeurs.isna().all(), code
    # Indicators that need no optional column are still computed.
    assert ligne(
        i, indicateur="part_prefet_flux", perimetre_type="DEPARTEMENT", perimetre_code="93"
    ).valeur == pytest.approx(2 / 6)
    c = b.consolidation
    assert c[["attribues_prioritaires", "attribues_dalo", "attribues_premier_quartile"]].isna().all().all()
    assert (c.logements_attribues.sum()) > 0


def test_indicateurs_vides_si_colonnes_absentes_du_tableau():
    tables = jeu_principal(optionnelles=False)
    tables["tours"] = tables["tours"].drop(
        columns=["menage_prioritaire", "dalo", "premier_quartile", "menage_relogement_ru", "bail_signe"]
    )
    i = calculer_bilan(tables, N).indicateurs
    assert i.loc[i.indicateur == "part_dalo", "valeur"].isna().all()


def test_perimetre_sans_flux_ratios_non_significatifs():
    tables = faire_tables(
        [
            ("M1", "93048", False, "T2", "PLUS", 1980, "01/02/2024", "RELOGEMENT_RU"),
            ("M2", "93048", False, "T3", "PLUS", 1980, "01/11/2023", None),
        ],
        [("M2", 1, "Montreuil", "10/01/2024", "EN_COURS", None)],
        [("Montreuil", "COMMUNE", "COMMUNE", "93048", 20.0)],
    )
    b = calculer_bilan(tables, N)
    r = ligne(b.realisation, reservataire="Montreuil")
    assert (r.flux, r.logements_proposes, r.droits_theoriques, r.ecart) == (0, 1, 0.0, 1.0)
    assert math.isnan(r.part_flux_orientations) and math.isnan(r.taux_realisation)
    assert math.isnan(r.part_attributions) and r.taux_transformation == 0.0
    assert math.isnan(
        ligne(b.indicateurs, indicateur="part_prefet_flux", perimetre_type="COMMUNE", perimetre_code="93048").valeur
    )
    assert not np.isinf(b.realisation.select_dtypes("float").to_numpy()).any()


def test_convention_sur_un_epci_qui_n_est_pas_un_territoire():
    # The Métropole du Grand Paris (200054781) covers Paris and the petite couronne.
    conv = [*CONVENTIONS, ("MGP", "EPCI_EPT", "EPCI_EPT", "200054781", 5.0)]
    b = calculer_bilan(faire_tables(LOGEMENTS, TOURS, conv), N)
    r = ligne(b.realisation, reservataire="MGP")
    assert (r.perimetre_libelle, r.disponibilites, r.flux) == ("Métropole du Grand Paris", 10, 8)
    assert r.droits_theoriques == pytest.approx(0.4)


# --- prévisionnel n+1 (DOMAINE.md §5.4) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("previsionnel", "ptype", "code", "soustraits", "flux", "source"),
    [
        pytest.param(None, "DEPARTEMENT", "93", 5.0, 2.0, "annee_n", id="93: 7 disponibles en n - 5 prevus"),
        pytest.param(None, "DEPARTEMENT", "75", 1.0, 2.0, "annee_n", id="75: 3 - 1"),
        pytest.param(None, "COMMUNE", "75056", 1.0, 2.0, "annee_n", id="ville de paris = departement 75"),
        pytest.param(
            None,
            "EPCI_EPT",
            "200057867",
            25 / 7,
            5 - 25 / 7,
            "annee_n",
            id="plaine commune: prorata 5/7 des disponibilites du 93",
        ),
        pytest.param(
            [("93", "MUTATION_INTERNE", 3, 10), ("93", "RELOGEMENT_RU", 2, 10)],
            "DEPARTEMENT",
            "93",
            5.0,
            5.0,
            "prevues",
            id="93 avec disponibilites prevues 10",
        ),
        pytest.param(
            [("93", "MUTATION_INTERNE", 3, 10), ("93", "RELOGEMENT_RU", 2, 10)],
            "EPCI_EPT",
            "200057867",
            25 / 7,
            50 / 7 - 25 / 7,
            "prevues",
            id="plaine commune avec disponibilites prevues",
        ),
        pytest.param(
            [("93", "MUTATION_INTERNE", 3, 10)],
            "DEPARTEMENT",
            "75",
            0.0,
            3.0,
            "annee_n",
            id="75 absent du previsionnel: aucun soustrait prevu",
        ),
    ],
)
def test_previsionnel(bilan, previsionnel, ptype, code, soustraits, flux, source):
    b = (
        bilan
        if previsionnel is None
        else calculer_previsionnel(bilan, faire_tables(LOGEMENTS, TOURS, CONVENTIONS, previsionnel)["previsionnel"])
    )
    p = ligne(b.previsionnel, perimetre_type=ptype, perimetre_code=code)
    assert p.soustraits_prevus == pytest.approx(soustraits)
    assert p.flux_previsionnel == pytest.approx(flux)
    assert p.source_disponibilites == source


def test_previsionnel_droits_et_relogements(bilan):
    d = bilan.previsionnel_reservataires.set_index("reservataire")["droits_previsionnels"]
    assert d.to_dict() == pytest.approx({PREFET: 0.6, ALS: 0.4, PC: 0.1 * (5 - 25 / 7), VDP: 0.4})
    s = ligne(
        bilan.previsionnel_soustraits,
        perimetre_type="DEPARTEMENT",
        perimetre_code="93",
        categorie_soustraction="MUTATION_INTERNE",
    )
    assert (s.soustraits_prevus, s.relogements_realises_n) == (3.0, 1)


def test_previsionnel_edite_remplace_la_table(bilan):
    edite = pd.DataFrame(
        {
            "code_departement": ["93"],
            "categorie_soustraction": ["RELOGEMENT_ORCOD"],
            "nombre_prevu": [1],
            "disponibilites_prevues": [pd.NA],
        }
    )
    for b in [calculer_bilan(jeu_principal(), N, previsionnel=edite), calculer_previsionnel(bilan, edite)]:
        assert ligne(b.previsionnel, perimetre_type="DEPARTEMENT", perimetre_code="93").flux_previsionnel == 6.0
        assert ligne(b.previsionnel_reservataires, reservataire=PREFET).droits_previsionnels == pytest.approx(1.8)
    sans = calculer_previsionnel(bilan, None)
    assert ligne(sans.previsionnel, perimetre_type="DEPARTEMENT", perimetre_code="93").flux_previsionnel == 7.0
    # the bilan itself is untouched
    assert ligne(bilan.previsionnel, perimetre_type="DEPARTEMENT", perimetre_code="93").flux_previsionnel == 2.0


# --- the declared frames of the Bilan (flux_dash.calculs.bilan.CADRES) --------------------------------------


@pytest.mark.parametrize(
    ("tables", "annee"),
    [
        pytest.param(jeu_principal, N, id="jeu principal"),
        pytest.param(lambda: jeu_principal(optionnelles=False), N, id="sans colonnes facultatives"),
        pytest.param(lambda: faire_tables(LOGEMENTS, TOURS, CONVENTIONS), 2030, id="annee sans disponibilite"),
        pytest.param(lambda: faire_tables(LOGEMENTS, [], CONVENTIONS), N, id="aucun tour"),
    ],
)
def test_chaque_table_a_les_colonnes_et_les_types_declares(tables, annee):
    b = calculer_bilan(tables(), annee)
    for nom, cadre in CADRES.items():
        df = getattr(b, nom)
        assert list(df.columns) == list(cadre.colonnes), nom
        assert isinstance(df.index, pd.RangeIndex), nom
        for colonne, dtype in cadre.colonnes.items():
            if dtype == "str":  # str, or object holding str (the prévisionnel's perimetre_code)
                assert pd.api.types.is_string_dtype(df[colonne]), (nom, colonne, df[colonne].dtype)
            else:
                assert str(df[colonne].dtype) == dtype, (nom, colonne, df[colonne].dtype)


def test_les_declarations_decrivent_toutes_les_tables_du_bilan():
    tables = [f.name for f in dataclasses.fields(Bilan) if f.name not in ("annee", "regles", "bail_signe_renseigne")]
    assert list(CADRES) == tables
    for nom, cadre in CADRES.items():
        assert set(cadre.definitions) <= set(cadre.colonnes), nom
        assert f"``{nom}`` — {cadre.ligne}" in Bilan.__doc__
        assert all(f"    {colonne} ({dtype}" in Bilan.__doc__ for colonne, dtype in cadre.colonnes.items()), nom


# --- reconciliation, rules, definitions -----------------------------------------------------------------


def test_reconciliation_du_jeu_principal(bilan):
    rec = bilan.reconciliation()
    assert list(rec.columns) == reconciliation.COLONNES
    assert rec.ok.all(), rec[~rec.ok]
    assert {
        "Disponibilités = flux + Σ soustraits par catégorie",
        "Σ des parts des attributions = 100 %",
        "Répartition des proposés = total",
        "Σ communes = périmètre (flux)",
    } <= set(rec.controle)


def test_repartitions_consolidation_par_qpv_et_commune(bilan):
    # FORMAT.md §2.2 v1.1: the préfet 93 in Saint-Denis (a strate, not its convention perimeter) proposed L01 (QPV,
    # attributed) and L02 (hors QPV, refused); its « Hors convention » line in Paris: L04 (QPV), attributed.
    r = bilan.repartitions_consolidation
    sd = r[(r.perimetre_code == "93066") & (r.reservataire == PREFET) & (r.categorie == "ETAT_PRIORITAIRES")]
    assert sd.set_index(["dimension", "modalite"])[["logements_proposes", "logements_attribues"]].to_dict("index") == {
        ("qpv", "EN_QPV"): {"logements_proposes": 1, "logements_attribues": 1},
        ("qpv", "HORS_QPV"): {"logements_proposes": 1, "logements_attribues": 0},
        ("commune", "93066"): {"logements_proposes": 2, "logements_attribues": 1},
    }
    hors = r[(r.perimetre_code == "75") & (r.categorie == "HORS_CONVENTION")]
    assert hors.set_index(["dimension", "modalite"]).logements_attribues.to_dict() == {
        ("qpv", "EN_QPV"): 1,
        ("qpv", "HORS_QPV"): 0,
        ("commune", "75056"): 1,
    }
    controles = bilan.reconciliation()
    par_qpv = controles[controles.controle.str.contains("par QPV et par commune")]
    assert len(par_qpv) > 0 and par_qpv.ok.all()


def test_reconciliation_signale_une_incoherence(bilan):
    faux = bilan.flux.copy()
    faux.loc[faux.perimetre_code == "93", "flux"] += 1
    rec = dataclasses.replace(bilan, flux=faux).reconciliation()
    assert not rec.ok.all()


def test_annee_n_plus_un_et_n_moins_un():
    # the same data read as year 2023: only L02 (disponible 15/12/2023) and L10 are in the flux; L10 attributed.
    b = calculer_bilan(jeu_principal(), 2023)
    assert ligne(b.flux, perimetre_type="REGION", perimetre_code="11").flux == 2
    assert ligne(b.realisation, reservataire=ALS).logements_attribues == 1


def test_regles_en_lignes():
    lignes = ReglesCalcul().en_lignes()
    assert list(lignes.columns) == ["libelle", "valeur", "raison"]
    valeurs = dict(zip(lignes.libelle, lignes.valeur, strict=True))
    assert valeurs["Plafond préfet"] == "30 %"
    assert valeurs["Plafond agents de l'État"] == "5 %"
    assert valeurs["Hors 1er quartile en QPV (minimum)"] == "50 %"
    assert ReglesCalcul(plafond_prefet=0.35).en_lignes().set_index("libelle").at["Plafond préfet", "valeur"] == "35 %"


def test_regles_changent_les_cibles():
    b = calculer_bilan(jeu_principal(), N, ReglesCalcul(plafond_prefet=0.25))
    assert (
        ligne(b.indicateurs, indicateur="part_prefet_flux", perimetre_type="DEPARTEMENT", perimetre_code="93").cible
        == 0.25
    )


def test_definitions_couvrent_les_indicateurs(bilan):
    codes = {c for c, _, _ in DEFINITIONS}
    assert set(bilan.indicateurs.indicateur) <= codes
    assert len(codes) == len(DEFINITIONS)


def test_chaque_code_d_un_fichier_de_bailleur_est_defini_du_cote_bailleur(bilan):
    """Each row a landlord's file gives (its CSV, the counts the consolidation adds up: FORMAT.md §2.2 v1.1) is
    defined in DEFINITIONS, the landlord's list, not only on the consolidation's side."""
    from flux_dash.consolidation import contrat as k
    from flux_dash.indicateurs_csv import indicateurs_en_tableau

    codes = {c for c, _, _ in DEFINITIONS}
    assert set(indicateurs_en_tableau(bilan)["indicateur"]) - codes == set()
    assert (set(k.COMPTES) | set(k.PAR_CODE)) - codes == set()


def test_aucune_definition_en_double_entre_bailleur_et_consolidation():
    """A libellé is defined once, with one text; a code defined on both sides is a consolidated variant with its own
    libellé (« Taux conventionnel pondéré »), never the same figure written twice."""
    from flux_dash.consolidation.definitions import DEFINITIONS_CONSOLIDATION, DEFINITIONS_TERRITOIRE

    textes: dict[str, set[str]] = {}
    for _, libelle, phrase in DEFINITIONS_TERRITOIRE:
        textes.setdefault(libelle, set()).add(phrase)
    assert {libelle: t for libelle, t in textes.items() if len(t) > 1} == {}
    assert len({libelle for _, libelle, _ in DEFINITIONS_TERRITOIRE}) == len(DEFINITIONS_TERRITOIRE)
    bailleur = {code: libelle for code, libelle, _ in DEFINITIONS}
    memes = [code for code, libelle, _ in DEFINITIONS_CONSOLIDATION if bailleur.get(code) == libelle]
    assert memes == []


def test_documentation_reprend_les_definitions(racine):
    texte = (racine / "docs" / "calculs.md").read_text(encoding="utf-8")
    assert texte == rediger_documentation(), "régénérer docs/calculs.md avec rediger_documentation()"
    manquantes = [code for code, libelle, phrase in DEFINITIONS if libelle not in texte or phrase not in texte]
    assert not manquantes
    for libelle in ReglesCalcul().en_lignes().libelle:
        assert libelle in texte


# --- review (second pair of eyes): edge cases of DOMAINE.md §3–§4 computed by hand ---------------------

SOUSTRAITS_A_CHEVAL = [
    # S1: soustrait RU, available 15/12/2023, attributed 10/01/2024 → a relogement of 2024, not a soustrait of 2024
    ("S1", "93048", False, "T2", "PLUS", 1980, "15/12/2023", "RELOGEMENT_RU"),
    # S2: soustrait MI, available 01/12/2024, attributed 05/01/2025 → a soustrait of 2024, not a relogement of 2024
    ("S2", "93048", False, "T3", "PLUS", 1980, "01/12/2024", "MUTATION_INTERNE"),
    # S3: soustrait MI, available 01/03/2024, attributed 01/04/2024 → both
    ("S3", "93048", False, "T3", "PLUS", 1980, "01/03/2024", "MUTATION_INTERNE"),
]
TOURS_A_CHEVAL = [
    ("S1", 1, BAILLEUR, "20/12/2023", "ATTRIBUE", "10/01/2024"),
    ("S2", 1, BAILLEUR, "10/12/2024", "ATTRIBUE", "05/01/2025"),
    ("S3", 1, BAILLEUR, "05/03/2024", "ATTRIBUE", "01/04/2024"),
]


@pytest.mark.parametrize(
    ("regles", "attendu"),
    [
        pytest.param(
            ReglesCalcul(),
            {"MUTATION_INTERNE": (2, 1), "RELOGEMENT_RU": (0, 1)},
            id="par defaut: attribution dans n quelle que soit la disponibilite (S1 compte)",
        ),
        pytest.param(
            ReglesCalcul(relogements_disponibles_n=True),
            {"MUTATION_INTERNE": (2, 1), "RELOGEMENT_RU": (0, 0)},
            id="variante: seulement les soustraits disponibles en n (S1 exclu)",
        ),
    ],
)
def test_relogements_realises_selon_la_regle(regles, attendu):
    b = calculer_bilan(faire_tables(SOUSTRAITS_A_CHEVAL, TOURS_A_CHEVAL, CONVENTIONS), N, regles)
    s = b.soustraits[b.soustraits.perimetre_code == "93048"].set_index("categorie_soustraction")
    obtenu = {c: (int(s.at[c, "soustraits"]), int(s.at[c, "relogements_realises"])) for c in attendu}
    assert obtenu == attendu
    assert ligne(b.flux, perimetre_type="COMMUNE", perimetre_code="93048").relogements_realises == sum(
        r for _, r in attendu.values()
    )


def test_relogements_realises_regle_documentee():
    lignes = ReglesCalcul().en_lignes().set_index("libelle")
    assert "quelle que soit la date de disponibilité" in lignes.at["Relogements réalisés", "valeur"]
    variante = ReglesCalcul(relogements_disponibles_n=True).en_lignes().set_index("libelle")
    assert "disponibles dans l'année n" in variante.at["Relogements réalisés", "valeur"]


# Plaine Commune (93066): C1 hors QPV soustrait RU attributed by the Bailleur to a household rehoused by urban
# renewal; C2 hors QPV attributed by the Préfet (not 1er quartile); C3 en QPV soustrait RU attributed by the
# Bailleur (not 1er quartile); C4 en QPV attributed by ALS (1er quartile).
CIA_LOGEMENTS = [
    ("C1", "93066", False, "T2", "PLUS", 1980, "01/02/2024", "RELOGEMENT_RU"),
    ("C2", "93066", False, "T2", "PLUS", 1980, "01/02/2024", None),
    ("C3", "93066", True, "T2", "PLUS", 1980, "01/02/2024", "RELOGEMENT_RU"),
    ("C4", "93066", True, "T2", "PLUS", 1980, "01/02/2024", None),
]
CIA_TOURS = [
    (
        "C1",
        1,
        BAILLEUR,
        "05/02/2024",
        "ATTRIBUE",
        "01/03/2024",
        {"premier_quartile": False, "menage_relogement_ru": True},
    ),
    ("C2", 1, PREFET, "05/02/2024", "ATTRIBUE", "01/03/2024", {"premier_quartile": False}),
    ("C3", 1, BAILLEUR, "05/02/2024", "ATTRIBUE", "01/03/2024", {"premier_quartile": False}),
    ("C4", 1, ALS, "05/02/2024", "ATTRIBUE", "01/03/2024", {"premier_quartile": True}),
]


@pytest.mark.parametrize(
    ("indicateur", "numerateur", "denominateur"),
    [
        pytest.param("part_premier_quartile_hors_qpv", 1, 2, id="hors QPV: C1 (relogement RU) sur C1 C2"),
        pytest.param("part_hors_premier_quartile_en_qpv", 1, 2, id="en QPV: C3 sur C3 C4"),
    ],
)
def test_indicateurs_cia_sur_toutes_les_attributions(indicateur, numerateur, denominateur):
    # L. 441-1 CCH counts every annual attribution, including the rehousing of urban renewal (which is why
    # menage_relogement_ru is in the numerator): soustraits logements are included (ReglesCalcul.cia_avec_soustraits).
    b = calculer_bilan(faire_tables(CIA_LOGEMENTS, CIA_TOURS, CONVENTIONS), N)
    r = ligne(b.indicateurs, indicateur=indicateur, perimetre_type="EPCI_EPT", perimetre_code="200057867")
    assert (r.numerateur, r.denominateur, r.valeur) == (numerateur, denominateur, numerateur / denominateur)
    # the flux-based figures still leave the soustraits out
    assert ligne(b.flux, perimetre_type="EPCI_EPT", perimetre_code="200057867").attributions == 2


def test_indicateurs_cia_sans_soustraits_si_la_regle_le_dit():
    b = calculer_bilan(faire_tables(CIA_LOGEMENTS, CIA_TOURS, CONVENTIONS), N, ReglesCalcul(cia_avec_soustraits=False))
    r = ligne(
        b.indicateurs,
        indicateur="part_premier_quartile_hors_qpv",
        perimetre_type="EPCI_EPT",
        perimetre_code="200057867",
    )
    assert (r.numerateur, r.denominateur) == (0, 1)


def _avec_bail(tours: list[tuple], signes: dict[str, bool | None]) -> list[tuple]:
    """The tours with ``bail_signe`` set per logement (None: left empty)."""
    return [(*t[:6], {**(t[6] if len(t) > 6 else {}), "bail_signe": signes.get(t[0])}) for t in tours]


@pytest.mark.parametrize(
    ("signes", "attendus", "renseigne"),
    [
        pytest.param({}, {"hors": (1, 2), "en": (1, 2)}, False, id="colonne absente: toutes les attributions"),
        # C1 (hors QPV, relogé RU) bail non signé, C2 signé; C3 (en QPV) signé, C4 vide (compté comme non signé).
        pytest.param(
            {"C1": False, "C2": True, "C3": True, "C4": None},
            {"hors": (0, 1), "en": (1, 1)},
            True,
            id="colonne renseignee: baux signes seulement",
        ),
    ],
)
def test_indicateurs_cia_sur_les_baux_signes(signes, attendus, renseigne):
    # L. 441-1 CCH: attributions « suivies de baux signés » (DOMAINE.md §4), numerator and denominator alike.
    b = calculer_bilan(faire_tables(CIA_LOGEMENTS, _avec_bail(CIA_TOURS, signes), CONVENTIONS), N)
    for cle, indicateur in [("hors", "part_premier_quartile_hors_qpv"), ("en", "part_hors_premier_quartile_en_qpv")]:
        r = ligne(b.indicateurs, indicateur=indicateur, perimetre_type="EPCI_EPT", perimetre_code="200057867")
        assert (r.numerateur, r.denominateur) == attendus[cle], indicateur
    assert b.bail_signe_renseigne is renseigne
    parametres = b.parametres_donnees().set_index("libelle")
    valeur = parametres.at["Indicateurs intercommunaux : attributions comptées", "valeur"]
    assert valeur == (
        "attributions suivies d'un bail signé (colonne bail_signe renseignée)"
        if renseigne
        else "toutes les attributions (colonne bail_signe absente)"
    )
    # the other figures are not restricted to signed leases
    assert ligne(b.flux, perimetre_type="EPCI_EPT", perimetre_code="200057867").attributions == 2


def test_indicateurs_cia_comptent_les_attributions_hors_convention(bilan):
    # L04 (Paris, QPV) attributed to the préfet 93 outside its convention perimeter: a real attribution of Paris,
    # in the CIA denominator (DOMAINE.md §3: never dropped from a territory's figures; issue 10, item 1).
    r = ligne(bilan.indicateurs, indicateur="part_hors_premier_quartile_en_qpv", perimetre_code="217500016")
    assert r.denominateur == 1


@pytest.mark.parametrize(
    ("categorie", "reservataire", "code", "delai"),
    [
        # Plaine Commune (Saint-Denis): the préfet 93 and ALS 93 hold département conventions, not the EPT's, and
        # are listed beside the EPT's own convention and the Bailleur (DOMAINE.md §5.2, issue 10 item 3).
        pytest.param("ETAT_PRIORITAIRES", PREFET, "200057867", 29.0, id="prefet dans Plaine Commune (L01)"),
        pytest.param("ACTION_LOGEMENT", ALS, "200057867", 14.0, id="ALS dans Plaine Commune (L02)"),
        pytest.param("EPCI_EPT", PC, "200057867", 25.0, id="convention de l'EPT (L08)"),
        pytest.param("HORS_CONVENTION", PREFET, "217500016", 22.0, id="hors convention a Paris (L04)"),
        pytest.param("COMMUNE", VDP, "217500016", 26.0, id="Ville de Paris sur le territoire de Paris (L12)"),
    ],
)
def test_indicateurs_de_chaque_titulaire_du_territoire(bilan, categorie, reservataire, code, delai):
    i = bilan.indicateurs
    r = ligne(
        i,
        indicateur="delai_moyen_orientation_attribution",
        perimetre_type="EPCI_EPT",
        perimetre_code=code,
        categorie=categorie,
        reservataire=reservataire,
    )
    assert (r.valeur, r.denominateur) == (delai, 1.0)
    titulaires = set(
        zip(
            *[
                i.loc[(i.perimetre_code == "200057867") & (i.indicateur == "tours_sans_designation"), c]
                for c in ("categorie", "reservataire")
            ],
            strict=True,
        )
    )
    assert titulaires == {
        ("ETAT_PRIORITAIRES", PREFET),
        ("ACTION_LOGEMENT", ALS),
        ("EPCI_EPT", PC),
        ("BAILLEUR", BAILLEUR),
    }


def test_indicateurs_cia_de_chaque_epci_du_stock(bilan):
    # The État bilan of a département lists the CIA indicators of each of its EPCI/EPT (DOMAINE.md §5.3).
    i = bilan.indicateurs
    for indicateur in ("part_premier_quartile_hors_qpv", "part_hors_premier_quartile_en_qpv"):
        codes = set(i.loc[(i.indicateur == indicateur) & (i.perimetre_type == "EPCI_EPT"), "perimetre_code"])
        assert {"200057867", "200057875", "217500016"} <= codes, indicateur


@pytest.mark.parametrize(
    ("reservataire", "ptype", "code", "attendu"),
    [
        # Ville de Paris, convention on Paris at 20 %: flux 2 (L04, L12; L11 soustrait), 1 proposé (L12).
        pytest.param(VDP, "COMMUNE", "75056", (20.0, 0.4, 2.5), id="sur le perimetre de la convention"),
        pytest.param(VDP, "DEPARTEMENT", "75", (NAN, NAN, NAN), id="ailleurs: pas de droits"),
        pytest.param(PREFET, "COMMUNE", "93066", (NAN, NAN, NAN), id="strate dans la convention: pas de droits"),
        pytest.param(PC, "EPCI_EPT", "200057867", (10.0, 0.4, 2.5), id="EPT"),  # flux 4 (L01 L06 L08 L09), L08
    ],
)
def test_consolidation_porte_taux_et_droits_des_conventions(bilan, reservataire, ptype, code, attendu):
    r = ligne(bilan.consolidation, reservataire=reservataire, perimetre_type=ptype, perimetre_code=code)
    colonnes = ["taux_convention", "droits_theoriques", "taux_realisation"]
    assert all(egal(float(r[c]), a) for c, a in zip(colonnes, attendu, strict=True)), r[colonnes]


def test_colonnes_optionnelles_presentes_et_fausses_donnent_zero():
    tours = [(*t[:6], {"menage_prioritaire": False, "dalo": False, "premier_quartile": False}) for t in TOURS]
    b = calculer_bilan(faire_tables(LOGEMENTS, tours, CONVENTIONS), N)
    i = b.indicateurs
    assert ligne(i, indicateur="attributions_dalo", perimetre_code="93", reservataire=PREFET).valeur == 0.0
    assert ligne(i, indicateur="part_dalo", perimetre_code="93", reservataire=PREFET).valeur == 0.0
    assert ligne(i, indicateur="part_publics_prioritaires", perimetre_code="93", reservataire=ALS).valeur == 0.0
    # 1er quartile: L02 (ALS, hors QPV) is not 1er quartile now → 0 / 1; L01, L08 en QPV non 1er quartile → 2 / 2
    assert ligne(i, indicateur="part_premier_quartile_hors_qpv", perimetre_code="200057867").valeur == 0.0
    assert ligne(i, indicateur="part_hors_premier_quartile_en_qpv", perimetre_code="200057867").valeur == 1.0
    c = ligne(b.consolidation, perimetre_type="DEPARTEMENT", perimetre_code="93", reservataire=PREFET)
    assert (c.attribues_prioritaires, c.attribues_dalo, c.attribues_premier_quartile) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("ptype", "code", "libelle"),
    [
        pytest.param("COMMUNE", "75056", "Paris", id="commune 75056"),
        pytest.param("DEPARTEMENT", "75", "Paris (75)", id="departement 75"),
        pytest.param("EPCI_EPT", "217500016", "Paris", id="territoire de Paris"),
    ],
)
def test_ville_de_paris_quel_que_soit_le_type_de_perimetre(ptype, code, libelle):
    conventions = [c for c in CONVENTIONS if c[0] != VDP] + [(VDP, "COMMUNE", ptype, code, 20.0)]
    b = calculer_bilan(faire_tables(LOGEMENTS, TOURS, conventions), N)
    r = ligne(b.realisation, reservataire=VDP)
    # Paris: L04 (attributed by the Préfet 93 out of its convention: half of Paris's attributions), L11 (soustrait),
    # L12 (Ville de Paris, attributed)
    assert (
        r.perimetre_type,
        r.perimetre_libelle,
        r.disponibilites,
        r.flux,
        r.logements_proposes,
        r.logements_attribues,
        r.part_attributions,
        r.droits_theoriques,
    ) == (ptype, libelle, 3, 2, 1, 1, 0.5, pytest.approx(0.4))


def test_attribution_en_n_d_un_logement_propose_en_n_moins_1():
    # L10-like: oriented to ALS in 2023, attributed in 2024 → attribué in 2024, not proposé in 2024.
    logements = [("A1", "93048", False, "T2", "PLUS", 1975, "01/11/2023", None)]
    tours = [("A1", 1, ALS, "20/12/2023", "ATTRIBUE", "15/01/2024")]
    b = calculer_bilan(faire_tables(logements, tours, CONVENTIONS), N)
    r = ligne(b.realisation, reservataire=ALS)
    assert (r.flux, r.logements_proposes, r.logements_attribues, r.tours, r.part_attributions) == (0, 0, 1, 0, 1.0)
    assert math.isnan(r.taux_transformation)
    a = ligne(b.realisation, reservataire=ALS)
    assert a.part_flux_orientations != a.part_flux_orientations  # NaN: flux 0


def test_tours_comptes_par_reservataire():
    # one logement, four tours: Préfet ×2 (2024), ALS (2024), Bailleur (2025): proposé once to each holder of 2024
    logements = [("B1", "93066", False, "T2", "PLUS", 1975, "01/02/2024", None)]
    tours = [
        ("B1", 1, PREFET, "05/02/2024", "ABSENCE_DESIGNATION", None),
        ("B1", 2, PREFET, "05/04/2024", "REFUS_CANDIDAT", None),
        ("B1", 3, ALS, "05/06/2024", "NON_ATTRIBUE_CALEOL", None),
        ("B1", 4, BAILLEUR, "05/01/2025", "EN_COURS", None),
    ]
    b = calculer_bilan(faire_tables(logements, tours, CONVENTIONS), N)
    r = b.realisation.set_index(["reservataire", "perimetre_type", "perimetre_code"])
    assert r.loc[(PREFET, "DEPARTEMENT", "93"), ["logements_proposes", "tours"]].tolist() == [1, 2]
    assert r.loc[(ALS, "DEPARTEMENT", "93"), ["logements_proposes", "tours"]].tolist() == [1, 1]
    assert r.loc[(BAILLEUR, "DEPARTEMENT", "93"), ["logements_proposes", "tours"]].tolist() == [0, 0]
    # at every strate where the préfet 93 is present (issue 10 item 3): Saint-Denis, Plaine Commune, 93, région
    sans = b.indicateurs[
        (b.indicateurs.indicateur == "tours_sans_designation") & (b.indicateurs.reservataire == PREFET)
    ]
    assert sans.set_index("perimetre_type").valeur.to_dict() == {
        "COMMUNE": 1,
        "EPCI_EPT": 1,
        "DEPARTEMENT": 1,
        "REGION": 1,
    }
    # part du flux in orientation view adds up to 200 % (B1 proposé to both)
    assert (
        r.loc[(PREFET, "DEPARTEMENT", "93"), "part_flux_orientations"]
        + r.loc[(ALS, "DEPARTEMENT", "93"), "part_flux_orientations"]
        == 2.0
    )


# --- issue 10: an attribution outside the réservataire's conventions is never dropped (DOMAINE.md §2–§3) -----------
# Melun 77288 and Dammarie-les-Lys 77152 are in the CA Melun Val de Seine (247700057, Seine-et-Marne); « Ville de
# Montreuil » holds one convention, on Montreuil 93048 (Est Ensemble, Seine-Saint-Denis).
MONTREUIL, PREFET_77 = "Ville de Montreuil", "Préfet 77"
MELUN_LOGEMENTS = [
    ("M1", "77288", False, "T2", "PLUS", 1980, "10/01/2024", None),
    ("M2", "77288", False, "T3", "PLUS", 1980, "01/02/2024", None),
    ("M3", "77152", False, "T3", "PLUS", 1980, "01/03/2024", None),
    ("M4", "93048", False, "T2", "PLUS", 1980, "01/04/2024", None),
    ("M5", "77288", True, "T1", "PLUS", 1980, "01/05/2024", None),
]
MELUN_TOURS = [
    ("M1", 1, MONTREUIL, "15/01/2024", "ATTRIBUE", "01/03/2024", {"premier_quartile": True, "bail_signe": True}),
    ("M2", 1, PREFET_77, "05/02/2024", "ATTRIBUE", "01/04/2024", {"premier_quartile": False, "bail_signe": True}),
    ("M3", 1, BAILLEUR, "05/03/2024", "ATTRIBUE", "01/05/2024", {"premier_quartile": False, "bail_signe": True}),
    ("M4", 1, MONTREUIL, "05/04/2024", "ATTRIBUE", "01/06/2024", {"premier_quartile": True, "bail_signe": True}),
    ("M5", 1, MONTREUIL, "10/05/2024", "REFUS_CANDIDAT", None),
]
MELUN_CONVENTIONS = [
    (MONTREUIL, "COMMUNE", "COMMUNE", "93048", 10.0),
    (PREFET_77, "ETAT_PRIORITAIRES", "DEPARTEMENT", "77", 25.0),
]


@pytest.fixture(scope="module")
def melun() -> Bilan:
    return calculer_bilan(faire_tables(MELUN_LOGEMENTS, MELUN_TOURS, MELUN_CONVENTIONS), N)


@pytest.mark.parametrize(
    ("ptype", "code", "attributions"),
    [
        pytest.param("COMMUNE", "77288", 2, id="melun: M1 (hors convention) et M2"),
        pytest.param("EPCI_EPT", "247700057", 3, id="ca melun val de seine: M1 M2 M3 (13 au lieu de 12 dans l'issue)"),
        pytest.param("DEPARTEMENT", "77", 3, id="seine-et-marne (37 au lieu de 36 dans l'issue)"),
        pytest.param("COMMUNE", "93048", 1, id="montreuil: M4"),
        pytest.param("REGION", "11", 4, id="region"),
    ],
)
def test_attribution_hors_convention_comptee_dans_les_totaux(melun, ptype, code, attributions):
    assert ligne(melun.flux, perimetre_type=ptype, perimetre_code=code).attributions == attributions


def test_ligne_hors_convention_du_departement(melun):
    c = melun.consolidation
    d77 = c[(c.perimetre_type == "DEPARTEMENT") & (c.perimetre_code == "77")]
    assert list(zip(d77.categorie, d77.reservataire, d77.logements_proposes, d77.logements_attribues, strict=True)) == [
        ("ETAT_PRIORITAIRES", PREFET_77, 1, 1),
        ("BAILLEUR", BAILLEUR, 1, 1),
        ("HORS_CONVENTION", MONTREUIL, 2, 1),  # M1 attributed, M5 proposed (refused)
    ]
    assert d77.part_attributions.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    # the préfet's share of the attributions divides by every attribution of the perimeter
    assert ligne(melun.realisation, reservataire=PREFET_77).part_attributions == pytest.approx(1 / 3)


def test_reservataire_hors_convention_garde_ses_chiffres_de_convention(melun):
    r = ligne(melun.realisation, reservataire=MONTREUIL)
    assert (r.perimetre_code, r.logements_proposes, r.logements_attribues, r.tours, r.part_attributions) == (
        "93048",
        1,
        1,
        1,
        1.0,
    )
    # its own bilan lists what it received outside its convention, commune by commune
    hors = melun.hors_convention_de(MONTREUIL)
    assert set(zip(hors.perimetre_type, hors.perimetre_code, strict=True)) == {
        ("COMMUNE", "77288"),
        ("EPCI_EPT", "247700057"),
        ("DEPARTEMENT", "77"),
        ("REGION", "11"),
    }
    melun_commune = ligne(hors, perimetre_type="COMMUNE")
    assert (melun_commune.logements_proposes, melun_commune.logements_attribues) == (2, 1)
    region = melun.consolidation[melun.consolidation.perimetre_type == "REGION"]
    montreuil = region[region.reservataire == MONTREUIL].set_index("categorie")
    assert montreuil.logements_attribues.to_dict() == {"COMMUNE": 1, "HORS_CONVENTION": 1}


def test_attribues_des_attributaires_font_les_attributions_du_perimetre(melun):
    somme = melun.consolidation.groupby(["perimetre_type", "perimetre_code"]).logements_attribues.sum()
    attendu = melun.flux.set_index(["perimetre_type", "perimetre_code"]).attributions
    assert somme.reindex(attendu.index, fill_value=0).to_dict() == attendu.to_dict()
    rec = melun.reconciliation()
    controle = rec[rec.controle.str.startswith("Σ des attribués des attributaires")]
    assert len(controle) == len(melun.flux) and controle.ok.all()


# --- issue 10 item 2: every territory has its prévisionnel, convention or not (DOMAINE.md §5.4) ----------------------


@pytest.mark.parametrize(
    ("ptype", "code", "soustraits", "flux", "estimation"),
    [
        pytest.param("EPCI_EPT", "200057875", 10 / 7, 2 - 10 / 7, True, id="est ensemble sans convention: 2/7 du 93"),
        pytest.param("COMMUNE", "93066", 25 / 7, 5 - 25 / 7, True, id="saint-denis sans convention communale: 5/7"),
        pytest.param("EPCI_EPT", "217500016", 1.0, 2.0, False, id="territoire de paris = departement 75 entier"),
        pytest.param("REGION", "11", 6.0, 4.0, False, id="region: 93 (5) + 75 (1), 10 disponibles en n"),
        pytest.param("DEPARTEMENT", "93", 5.0, 2.0, False, id="departement: la saisie, entiere"),
    ],
)
def test_previsionnel_de_chaque_territoire(bilan, ptype, code, soustraits, flux, estimation):
    p = ligne(bilan.previsionnel, perimetre_type=ptype, perimetre_code=code)
    assert (p.soustraits_prevus, p.flux_previsionnel) == (pytest.approx(soustraits), pytest.approx(flux))
    assert bool(p.estimation) is estimation
    s = bilan.previsionnel_soustraits
    s = s[(s.perimetre_type == ptype) & (s.perimetre_code == code)]
    assert s.soustraits_prevus.sum() == pytest.approx(soustraits) and (s.estimation == estimation).all()


def test_previsionnel_relogements_d_un_territoire_sans_convention(bilan):
    # L05 (Saint-Denis, mutation interne, attributed by the Bailleur in 2024): a relogement réalisé of Saint-Denis,
    # which holds no convention of its own
    s = ligne(
        bilan.previsionnel_soustraits,
        perimetre_type="COMMUNE",
        perimetre_code="93066",
        categorie_soustraction="MUTATION_INTERNE",
    )
    assert (s.soustraits_prevus, s.relogements_realises_n) == (pytest.approx(3 * 5 / 7), 1)
    assert set(bilan.previsionnel.perimetre_code) >= set(bilan.perimetres.perimetre_code)


# --- wording of the values (issue 10 item 5, engine side) ------------------------------------------------


def test_delai_moyen_en_jours_sur_sa_base(bilan):
    # L01: 01/02/2024 → 01/03/2024, 29 days, one attribution: the base is the attributions, not a sum of days.
    r = ligne(
        bilan.indicateurs, indicateur="delai_moyen_orientation_attribution", perimetre_code="93", reservataire=PREFET
    )
    assert (r.valeur, r.denominateur, r.unite, r.motif_vide) == (29.0, 1.0, "jours", "")
    assert math.isnan(r.numerateur)


@pytest.mark.parametrize(
    ("optionnelles", "indicateur", "code", "reservataire", "motif"),
    [
        # ALS in Est Ensemble: L03 proposed, nothing attributed → divisions by zero.
        pytest.param(True, "delai_moyen_orientation_attribution", "200057875", ALS, "non_significatif", id="delai 0/0"),
        pytest.param(True, "part_publics_prioritaires", "200057875", ALS, "non_significatif", id="part 0/0"),
        # Without the optional columns, the préfet 93's attribution (L01) has no prioritaire/DALO data.
        pytest.param(False, "part_publics_prioritaires", "93", PREFET, "non_renseigne", id="colonne absente"),
        pytest.param(False, "attributions_dalo", "93", PREFET, "non_renseigne", id="compte sans colonne"),
        pytest.param(False, "part_premier_quartile_hors_qpv", "200057867", "", "non_renseigne", id="cia sans colonne"),
        pytest.param(True, "part_dalo", "93", PREFET, "", id="valeur donnee"),
    ],
)
def test_non_significatif_et_non_renseigne_distingues(optionnelles, indicateur, code, reservataire, motif):
    b = calculer_bilan(jeu_principal(optionnelles=optionnelles), N)
    r = ligne(b.indicateurs, indicateur=indicateur, perimetre_code=code, reservataire=reservataire)
    assert r.motif_vide == motif
    assert math.isnan(r.valeur) == (motif != "")


def test_prorata_du_previsionnel_marques_comme_estimations(bilan):
    # DOMAINE.md §5.4: a commune's share of its département's forecast is an estimate; the département's is not.
    p = bilan.previsionnel
    assert not ligne(p, perimetre_type="DEPARTEMENT", perimetre_code="93").estimation
    assert ligne(p, perimetre_type="COMMUNE", perimetre_code="93066").estimation
    droits = bilan.previsionnel_reservataires
    assert ligne(droits, reservataire=PC).estimation and not ligne(droits, reservataire=PREFET).estimation
