"""Each step of the engine called alone (house style §15), on a dataset of four logements computed by hand, year
n = 2024 (DOMAINE.md §3–§5). ``tests/test_calculs.py`` specifies the whole bilan; this file pins where each rule
lives.

==== ======= ===== ===== ========== ====== ========== ================ =============================================
id   commune QPV   typo  financmt.  année  dispo      soustraction     tours
==== ======= ===== ===== ========== ====== ========== ================ =============================================
A    93066   oui   T2    PLUS       1980   10/01/2024                  Préfet 93 15/01 sans désignation ; Préfet 93
                                                                       01/02 attribué 01/03/2024 (29 jours)
B    93066   non   T3    PLAI       2010   01/02/2024 MUTATION_INTERNE Bailleur 05/02 attribué 01/03/2024
C    93048   non   T1    PLS        1960   01/03/2024                  Plaine Commune 05/03 attribué 01/04/2024 (hors
                                                                       convention) ; « Inconnu » 01/01/2024
D    75056   oui   T4    PLUS       1930   15/12/2023                  « BAILLEUR » 20/12/2023 attribué 10/01/2024
                                                                       (21 jours)
X    (absent de la table logements)                                    Préfet 93 01/02/2024 refus
==== ======= ===== ===== ========== ====== ========== ================ =============================================

Conventions: Préfet 93 (ETAT_PRIORITAIRES, département 93, 30 %), Plaine Commune (EPCI_EPT 200057867, 10 %).
Saint-Denis 93066 is in Plaine Commune, Montreuil 93048 in Est Ensemble (200057875), Paris 75056 is its own
territory (217500016).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_calculs import faire_tables, ligne

from flux_dash import referentiel as ref
from flux_dash.calculs import indicateurs, moteur, previsionnel, reconciliation
from flux_dash.calculs.bilan import COLONNES
from flux_dash.calculs.definitions import DEFINITIONS
from flux_dash.calculs.perimetres import calculer_appartenance, calculer_perimetres
from flux_dash.regles import ReglesCalcul

N = 2024
PREFET, PC, BAILLEUR = "Préfet 93", "Plaine Commune", "Bailleur"
REGLES = ReglesCalcul()
LOGEMENTS = [
    ("A", "93066", True, "T2", "PLUS", 1980, "10/01/2024", None),
    ("B", "93066", False, "T3", "PLAI", 2010, "01/02/2024", "MUTATION_INTERNE"),
    ("C", "93048", False, "T1", "PLS", 1960, "01/03/2024", None),
    ("D", "75056", True, "T4", "PLUS", 1930, "15/12/2023", None),
]
TOURS = [
    ("A", 1, PREFET, "15/01/2024", "ABSENCE_DESIGNATION", None),
    ("A", 2, PREFET, "01/02/2024", "ATTRIBUE", "01/03/2024"),
    ("B", 1, BAILLEUR, "05/02/2024", "ATTRIBUE", "01/03/2024"),
    ("C", 1, "Inconnu", "01/01/2024", "REFUS_CANDIDAT", None),
    ("C", 2, PC, "05/03/2024", "ATTRIBUE", "01/04/2024"),
    ("D", 1, "BAILLEUR", "20/12/2023", "ATTRIBUE", "10/01/2024"),
    ("X", 1, PREFET, "01/02/2024", "REFUS_CANDIDAT", None),
]
CONVENTIONS = [
    (PREFET, "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 30.0),
    (PC, "EPCI_EPT", "EPCI_EPT", "200057867", 10.0),
]


@pytest.fixture(scope="module")
def e() -> SimpleNamespace:
    """The intermediate frames of the small dataset, each produced by its step as ``calculer_bilan`` does."""
    tables = faire_tables(LOGEMENTS, TOURS, CONVENTIONS)
    x = SimpleNamespace(tables=tables)
    x.logements = moteur.faits_logements(tables["logements"], N, REGLES)
    x.conventions = moteur.normaliser_conventions(tables["conventions"])
    x.reservataires = moteur.lister_reservataires(x.conventions)
    x.communes = sorted(x.logements["code_commune"].unique())
    x.appartenance = calculer_appartenance(x.communes, x.conventions)
    x.perimetres = calculer_perimetres(x.communes, x.conventions, x.appartenance, REGLES)
    x.tours = moteur.faits_tours(tables["tours"], x.logements, x.reservataires, N, REGLES)
    x.optionnelles = moteur.optionnelles_renseignees(tables["tours"])
    x.logements = moteur.marquer_relogements(x.logements, x.tours, REGLES)
    x.conventionnees = moteur.communes_conventionnees(x.conventions, x.appartenance)
    x.retenus = moteur.tours_retenus(x.tours, x.conventionnees)
    x.hors = moteur.tours_hors_convention(x.tours, x.conventionnees)
    x.du_flux = moteur.tours_du_flux(x.retenus)
    x.paires = moteur.apparier(x.du_flux, x.logements)
    x.paires_hors = moteur.apparier(moteur.tours_du_flux(x.hors), x.logements)
    x.attribues = pd.concat([x.paires.attribues, x.paires_hors.attribues], ignore_index=True)
    x.par_commune = moteur.compter_par_commune(x.logements)
    x.flux = moteur.calculer_flux(x.par_commune, x.attribues, x.perimetres, x.appartenance)
    x.agregats = moteur.agreger_titulaires(x.paires, x.appartenance)
    x.agregats_hors = moteur.agreger_titulaires(x.paires_hors, x.appartenance)
    x.realisation = moteur.calculer_realisation(x.conventions, x.perimetres, x.agregats, x.flux, x.optionnelles)
    x.presents = moteur.titulaires_presents(x.du_flux, x.conventionnees, x.perimetres, x.appartenance, x.reservataires)
    return x


def paires_de(df: pd.DataFrame, *colonnes: str) -> set[tuple]:
    return set(zip(*(df[c] for c in colonnes), strict=True))


# --- facts -------------------------------------------------------------------------------------------------


def test_faits_logements(e):
    f = moteur.faits_logements(e.tables["logements"], N, REGLES).set_index("id_logement")
    assert list(f.index) == ["A", "B", "C", "D"]
    assert f["dispo_n"].to_dict() == {"A": True, "B": True, "C": True, "D": False}  # D: disponible en 2023
    assert f["soustrait"].to_dict() == {"A": False, "B": True, "C": False, "D": False}
    assert f.loc["B", "categorie_soustraction"] == "MUTATION_INTERNE" and f.loc["A", "categorie_soustraction"] == ""
    assert f["modalite_qpv"].to_dict() == {"A": "EN_QPV", "B": "HORS_QPV", "C": "HORS_QPV", "D": "EN_QPV"}
    assert f.loc["A", "periode_construction"] == "1977-1989" and f.loc["D", "periode_construction"] == "avant-1949"


def test_un_logement_repete_ne_compte_qu_une_fois(e):
    double = pd.concat([e.tables["logements"], e.tables["logements"].iloc[[0]]], ignore_index=True)
    assert list(moteur.faits_logements(double, N, REGLES)["id_logement"]) == ["A", "B", "C", "D"]


def test_normaliser_conventions_garde_la_premiere_et_libelle():
    cv = faire_tables([], [], [*CONVENTIONS, (PC, "EPCI_EPT", "EPCI_EPT", "200057867", 99.0)])["conventions"]
    c = moteur.normaliser_conventions(cv)
    assert list(c.columns) == COLONNES["conventions"]
    assert list(zip(c.reservataire, c.perimetre_libelle, c.taux_convention, strict=True)) == [
        (PREFET, "Seine-Saint-Denis (93)", 30.0),
        (PC, "Plaine Commune", 10.0),
    ]


def test_lister_reservataires_ajoute_le_bailleur(e):
    r = moteur.lister_reservataires(e.conventions)
    assert list(zip(r.reservataire, r.categorie, r.slug, strict=True)) == [
        (PREFET, "ETAT_PRIORITAIRES", "prefet-93"),
        (PC, "EPCI_EPT", "plaine-commune"),
        (BAILLEUR, "BAILLEUR", "bailleur"),
    ]


def test_perimetres_strates_et_convention(e):
    p = e.perimetres.set_index(["perimetre_type", "perimetre_code"])
    assert len(p) == 9  # 3 communes, 3 territoires, 2 départements, la région
    assert p.loc[("EPCI_EPT", "200057867"), ["strate", "convention", "lec"]].tolist() == [True, True, True]
    assert p.loc[("DEPARTEMENT", "75"), ["strate", "convention"]].tolist() == [True, False]
    assert p.loc[("REGION", "11"), "departements"] == "75;93"
    assert p.loc[("COMMUNE", "93048"), "code_territoire"] == "200057875"
    a = e.appartenance
    assert set(a.loc[a.perimetre_code == "93", "code_commune"]) == {"93048", "93066"}


def test_faits_tours_titulaires_et_logements_connus(e):
    t = moteur.faits_tours(e.tables["tours"], e.logements, e.reservataires, N, REGLES)
    # « Inconnu » (no convention) and X (no logement) are dropped; « BAILLEUR » is the Bailleur.
    assert list(zip(t.id_logement, t.reservataire, strict=True)) == [
        ("A", PREFET),
        ("A", PREFET),
        ("B", BAILLEUR),
        ("C", PC),
        ("D", BAILLEUR),
    ]
    assert t["orientation_n"].tolist() == [True, True, True, True, False]  # D orienté en 2023
    assert t["attribution_n"].tolist() == [False, True, True, True, True]  # D attribué en 2024
    assert not t["menage_prioritaire"].any() and t["menage_prioritaire"].dtype == bool


def test_optionnelles_renseignees(e):
    assert moteur.optionnelles_renseignees(e.tables["tours"]) == dict.fromkeys(moteur.OPTIONNELLES, False)
    avec = faire_tables(LOGEMENTS, [(*TOURS[1], {"dalo": False})], CONVENTIONS)["tours"]
    assert moteur.optionnelles_renseignees(avec)["dalo"] is True


@pytest.mark.parametrize(
    ("regles", "attendu"),
    [
        pytest.param(ReglesCalcul(), {"B"}, id="B soustrait attribue en n"),
        pytest.param(ReglesCalcul(relogements_disponibles_n=True), set(), id="regle: disponible en n seulement"),
    ],
)
def test_marquer_relogements(e, regles, attendu):
    logements = e.logements.copy()
    logements.loc[logements.id_logement == "B", "dispo_n"] = False  # as if B had been freed in 2023
    marques = moteur.marquer_relogements(logements, e.tours, regles)
    assert set(marques.loc[marques.reloge_n, "id_logement"]) == attendu


# --- the tours counted -------------------------------------------------------------------------------------


def test_communes_conventionnees(e):
    c = moteur.communes_conventionnees(e.conventions, e.appartenance)
    assert paires_de(c, "reservataire", "code_commune") == {(PREFET, "93048"), (PREFET, "93066"), (PC, "93066")}


def test_tours_retenus_ecarte_une_orientation_hors_perimetre(e):
    retenus = moteur.tours_retenus(e.tours, e.conventionnees)
    # C (Montreuil) oriented to Plaine Commune: outside its territory, dropped; the Bailleur needs no convention;
    # B (soustrait) stays: the CIA indicators count it.
    assert list(zip(retenus.id_logement, retenus.reservataire, strict=True)) == [
        ("A", PREFET),
        ("A", PREFET),
        ("B", BAILLEUR),
        ("D", BAILLEUR),
    ]
    assert list(retenus.columns) == list(e.tours.columns)


def test_tours_hors_convention_sont_les_autres(e):
    hors = moteur.tours_hors_convention(e.tours, e.conventionnees)
    # C in Montreuil to Plaine Commune (its only convention: its territory) is out of its convention perimeters.
    assert list(zip(hors.id_logement, hors.reservataire, strict=True)) == [("C", PC)]
    assert len(hors) + len(e.retenus) == len(e.tours)
    assert moteur.dans_convention(e.tours, e.conventionnees).tolist() == [True, True, True, False, True]


def test_tours_du_flux_sans_les_soustraits(e):
    assert list(moteur.tours_du_flux(e.retenus)["id_logement"]) == ["A", "A", "D"]


def test_apparier(e):
    p = moteur.apparier(e.du_flux, e.logements)
    # A oriented twice to the Préfet: one pair, two tours; D oriented in 2023, attributed in 2024: attribué only.
    assert paires_de(p.proposes, "id_logement", "reservataire") == {("A", PREFET)}
    assert len(p.tours_n) == 2
    assert dict(zip(p.attribues.id_logement, p.attribues.delai, strict=True)) == {"A": 29.0, "D": 21.0}
    assert p.attribues.set_index("id_logement").loc["A", "typologie"] == "T2"
    assert p.attribues["hors_qpv"].tolist() == [False, False]


@pytest.mark.parametrize(
    ("regles", "attendu"),
    [
        pytest.param(ReglesCalcul(), {"A", "B", "D"}, id="avec les soustraits (defaut)"),
        pytest.param(ReglesCalcul(cia_avec_soustraits=False), {"A", "D"}, id="sans les soustraits"),
    ],
)
def test_attributions_cia(e, regles, attendu):
    cia = moteur.attributions_cia(e.retenus, regles)
    assert set(cia["id_logement"]) == attendu and cia["id_logement"].is_unique


# --- flux and soustraits -----------------------------------------------------------------------------------


def test_compter_par_commune(e):
    c = moteur.compter_par_commune(e.logements).set_index(["code_commune", "categorie_soustraction"])
    assert c.loc[("93066", ""), ["disponibilites", "soustraits", "flux", "disponibilites_en_qpv"]].tolist() == [
        1,
        0,
        1,
        1,
    ]
    assert c.loc[
        ("93066", "MUTATION_INTERNE"), ["disponibilites", "soustraits", "flux", "relogements_realises"]
    ].tolist() == [1, 1, 0, 1]
    assert c.loc[("75056", ""), "disponibilites"] == 0


@pytest.mark.parametrize(
    ("ptype", "code", "attendu"),
    [
        pytest.param(
            "DEPARTEMENT", "93", [3, 1, 2, 1, 1, 2, 1, 1, 2], id="93: A B C disponibles, B soustrait, A et C attribues"
        ),
        pytest.param("COMMUNE", "93066", [2, 1, 1, 1, 1, 1, 1, 0, 1], id="saint-denis"),
        pytest.param("COMMUNE", "93048", [1, 0, 1, 0, 0, 1, 0, 1, 1], id="montreuil: C attribue hors convention"),
        pytest.param("COMMUNE", "75056", [0, 0, 0, 0, 0, 0, 0, 0, 1], id="paris: D attribue en n, dispo en 2023"),
        pytest.param("REGION", "11", [3, 1, 2, 1, 1, 2, 1, 1, 3], id="region"),
    ],
)
def test_calculer_flux_retire_les_soustraits(e, ptype, code, attendu):
    flux = moteur.calculer_flux(e.par_commune, e.attribues, e.perimetres, e.appartenance)
    assert list(flux.columns) == COLONNES["flux"]
    f = ligne(flux, perimetre_type=ptype, perimetre_code=code)
    colonnes = [
        "disponibilites",
        "soustraits",
        "flux",
        "relogements_realises",
        "disponibilites_en_qpv",
        "disponibilites_hors_qpv",
        "flux_en_qpv",
        "flux_hors_qpv",
        "attributions",
    ]
    assert f[colonnes].tolist() == attendu


def test_calculer_soustraits(e):
    s = moteur.calculer_soustraits(e.par_commune, e.perimetres, e.appartenance)
    assert list(s.columns) == COLONNES["soustraits"]
    assert len(s) == 9 * len(ref.SOUSTRACTIONS.codes)  # every category of every perimeter
    d93 = s[s.perimetre_code == "93"].set_index("categorie_soustraction")
    assert list(d93.index) == ref.SOUSTRACTIONS.codes
    assert d93.loc["MUTATION_INTERNE", ["soustraits", "relogements_realises"]].tolist() == [1, 1]
    assert d93.drop(index="MUTATION_INTERNE")[["soustraits", "relogements_realises"]].sum().sum() == 0


# --- holder × perimeter -----------------------------------------------------------------------------------


def test_agreger_titulaires(e):
    a = moteur.agreger_titulaires(e.paires, e.appartenance)
    t = a.par_titulaire.set_index(["reservataire", "perimetre_type", "perimetre_code"])
    prefet = t.loc[(PREFET, "DEPARTEMENT", "93")]
    assert prefet[["logements_proposes", "logements_attribues", "attribues_en_qpv", "tours"]].tolist() == [1, 1, 1, 2]
    assert (prefet["tours_sans_designation"], prefet["_delai_total"]) == (1, 29.0)
    # the same counts on every perimeter holding Saint-Denis (commune, territory, région)
    assert t.loc[(PREFET, "COMMUNE", "93066"), "logements_proposes"] == 1
    assert t.loc[(PREFET, "REGION", "11"), "tours"] == 2
    bailleur = t.loc[(BAILLEUR, "COMMUNE", "75056")]
    assert bailleur[["logements_proposes", "logements_attribues", "attribues_hors_qpv", "tours"]].tolist() == [
        0,
        1,
        0,
        0,
    ]
    i = a.par_issue
    assert paires_de(i[i.perimetre_code == "93"], "reservataire", "issue", "tours") == {
        (PREFET, "ABSENCE_DESIGNATION", 1),
        (PREFET, "ATTRIBUE", 1),
    }


def test_calculer_realisation(e):
    r = moteur.calculer_realisation(e.conventions, e.perimetres, e.agregats, e.flux, e.optionnelles)
    assert set(COLONNES["realisation"]) <= set(r.columns)
    prefet = ligne(r, reservataire=PREFET)
    # flux 93 = 2 (A, C): droits 30 % × 2 = 0,6; 1 proposé, 1 attribué (A) sur 2 attributions du 93 (A, C)
    assert prefet.droits_theoriques == pytest.approx(0.6) and prefet.ecart == pytest.approx(0.4)
    assert prefet.taux_realisation == pytest.approx(1 / 0.6)
    assert (prefet.part_flux_orientations, prefet.part_attributions, prefet.taux_transformation) == (0.5, 0.5, 1.0)
    pc = ligne(r, reservataire=PC)  # C oriented outside its territory: not in its figures; its flux is A only
    assert (pc.flux, pc.logements_proposes, pc.droits_theoriques, pc.taux_realisation) == (1, 0, 0.1, 0.0)
    assert math.isnan(pc.taux_transformation)
    paris = ligne(r, reservataire=BAILLEUR, perimetre_type="COMMUNE", perimetre_code="75056")
    assert (
        math.isnan(paris.part_flux_orientations)
        and paris.part_attributions == 1.0
        and math.isnan(paris.taux_convention)
    )
    assert (r.reservataire == BAILLEUR).sum() == 9 and r.loc[r.reservataire == BAILLEUR, "convention"].eq(False).all()


def test_calculer_issues(e):
    issues = moteur.calculer_issues(e.realisation, e.agregats)
    assert list(issues.columns) == COLONNES["issues"]
    prefet = issues[issues.reservataire == PREFET]
    assert dict(zip(prefet.issue, prefet.tours, strict=True)) == {
        "ATTRIBUE": 1,
        "REFUS_CANDIDAT": 0,
        "NON_ATTRIBUE_CALEOL": 0,
        "ABSENCE_DESIGNATION": 1,
        "EN_COURS": 0,
    }
    assert len(issues) == len(e.realisation) * len(ref.ISSUES.codes)


def test_calculer_repartitions(e):
    rep = moteur.calculer_repartitions(e.realisation, e.paires, e.agregats, e.appartenance)
    assert list(rep.columns) == COLONNES["repartitions"]
    prefet = rep[rep.reservataire == PREFET]
    typo = prefet[prefet.dimension == "typologie"]
    assert dict(zip(typo.modalite, typo.logements_proposes, strict=True)) == {
        "T1": 0,
        "T2": 1,
        "T3": 0,
        "T4": 0,
        "T5+": 0,
    }
    communes = prefet[prefet.dimension == "commune"]
    assert dict(zip(communes.modalite, communes.logements_attribues, strict=True)) == {"93048": 0, "93066": 1}
    qpv = prefet[prefet.dimension == "qpv"]
    assert dict(zip(qpv.modalite, qpv.logements_attribues, strict=True)) == {"EN_QPV": 1, "HORS_QPV": 0}


def test_titulaires_presents(e):
    p = moteur.titulaires_presents(e.du_flux, e.conventionnees, e.perimetres, e.appartenance, e.reservataires)
    par_titulaire = {r: set(zip(g.perimetre_type, g.perimetre_code, strict=True)) for r, g in p.groupby("reservataire")}
    # the Préfet: a tour in Saint-Denis and a convention over Montreuil; Plaine Commune: its convention only
    # (its tour in Montreuil is out of perimeter); the Bailleur everywhere.
    assert par_titulaire[PREFET] == {
        ("COMMUNE", "93066"),
        ("COMMUNE", "93048"),
        ("EPCI_EPT", "200057867"),
        ("EPCI_EPT", "200057875"),
        ("DEPARTEMENT", "93"),
        ("REGION", "11"),
    }
    assert par_titulaire[PC] == {
        ("COMMUNE", "93066"),
        ("EPCI_EPT", "200057867"),
        ("DEPARTEMENT", "93"),
        ("REGION", "11"),
    }
    assert len(par_titulaire[BAILLEUR]) == 9
    assert dict(zip(p.reservataire, p.categorie, strict=False))[PC] == "EPCI_EPT"


def test_lignes_hors_convention(e):
    h = moteur.lignes_hors_convention(e.agregats_hors, e.perimetres)
    # C (Montreuil) to Plaine Commune: its « Hors convention » line on every perimeter holding Montreuil
    assert paires_de(h, "reservataire", "categorie", "perimetre_type", "perimetre_code") == {
        (PC, "HORS_CONVENTION", "COMMUNE", "93048"),
        (PC, "HORS_CONVENTION", "EPCI_EPT", "200057875"),
        (PC, "HORS_CONVENTION", "DEPARTEMENT", "93"),
        (PC, "HORS_CONVENTION", "REGION", "11"),
    }


def test_calculer_consolidation(e):
    hors = moteur.lignes_hors_convention(e.agregats_hors, e.perimetres)
    c = moteur.calculer_consolidation(
        e.presents, e.agregats, e.flux, e.optionnelles, hors, e.agregats_hors, e.conventions
    )
    assert list(c.columns) == COLONNES["consolidation"]
    region = c[c.perimetre_type == "REGION"].set_index(["categorie", "reservataire"])
    hc = ("HORS_CONVENTION", PC)
    assert list(region.index) == [("ETAT_PRIORITAIRES", PREFET), ("EPCI_EPT", PC), ("BAILLEUR", BAILLEUR), hc]
    # A (Préfet), D (Bailleur) and C (Plaine Commune, out of its convention): a third each
    assert region.part_attributions.tolist() == pytest.approx([1 / 3, 0.0, 1 / 3, 1 / 3])
    assert region.logements_proposes.tolist() == [1, 0, 0, 1]
    assert region.attribues_prioritaires.isna().all()  # optional column absent from the file


# --- indicators --------------------------------------------------------------------------------------------


def test_indicateurs_prefet(e):
    morceaux = indicateurs.indicateurs_prefet(
        e.paires.proposes, e.reservataires, e.perimetres, e.appartenance, e.flux, REGLES
    )
    t = pd.concat(morceaux, ignore_index=True)
    valeurs = {(x.indicateur, x.perimetre_code): (x.numerateur, x.denominateur) for x in t.itertuples()}
    assert valeurs[("part_prefet_flux", "93")] == (1, 2)  # A / flux 93 (A, C)
    assert valeurs[("part_prefet_flux", "93066")] == (1, 1)
    assert valeurs[("part_prefet_flux", "93048")] == (0, 1)
    assert valeurs[("prefet_hors_qpv_a", "93")] == (0, 1)  # A is in a QPV
    assert valeurs[("prefet_hors_qpv_b", "93")] == (0, 1)  # flux hors QPV of 93: C
    assert ("prefet_hors_qpv_a", "93066") not in valeurs  # per département only


def test_indicateurs_titulaires(e):
    t = pd.concat(indicateurs.indicateurs_titulaires(e.realisation, REGLES), ignore_index=True)
    delai = t[(t.indicateur == "delai_moyen_orientation_attribution") & (t.perimetre_code == "93")]
    assert dict(zip(delai.reservataire, delai.valeur, strict=True))[PREFET] == 29.0
    sans = ligne(t, indicateur="tours_sans_designation", reservataire=PREFET, perimetre_code="93")
    assert sans.valeur == 1.0
    prio = t[t.indicateur == "part_publics_prioritaires"]
    assert prio.valeur.isna().all()  # menage_prioritaire absent
    assert dict(zip(prio.reservataire, prio.cible, strict=False))[PC] == 0.25
    assert math.isnan(dict(zip(prio.reservataire, prio.cible, strict=False))[PREFET])


def test_indicateurs_cia_sur_des_attributions_donnees(e):
    # three attributions in Saint-Denis (Plaine Commune): hors QPV 1er quartile, hors QPV relogé RU, en QPV.
    cia = pd.DataFrame(
        {
            "id_logement": ["P1", "P2", "P3"],
            "code_commune": ["93066"] * 3,
            "qpv": [False, False, True],
            "premier_quartile": [True, False, False],
            "menage_relogement_ru": [False, True, False],
        }
    )
    t = pd.concat(
        indicateurs.indicateurs_cia(cia, e.perimetres, e.appartenance, {"premier_quartile": True}, REGLES),
        ignore_index=True,
    )
    pc = t[t.perimetre_code == "200057867"].set_index("indicateur")
    assert pc.loc["part_premier_quartile_hors_qpv", ["numerateur", "denominateur"]].tolist() == [2, 2]
    assert pc.loc["part_hors_premier_quartile_en_qpv", ["numerateur", "denominateur"]].tolist() == [1, 1]
    est = t[t.perimetre_code == "200057875"]  # Est Ensemble: no attribution, n.s.
    assert est.valeur.isna().all() and (est.denominateur == 0).all()
    sans = pd.concat(
        indicateurs.indicateurs_cia(cia, e.perimetres, e.appartenance, {"premier_quartile": False}, REGLES),
        ignore_index=True,
    )
    assert sans.numerateur.isna().all()  # premier_quartile absent from the file: empty, never 0


def test_calculer_indicateurs_colonnes_et_ordre(e):
    t = indicateurs.calculer_indicateurs(
        regles=REGLES,
        perimetres=e.perimetres,
        appartenance=e.appartenance,
        flux=e.flux,
        realisation=e.realisation,
        proposes=e.paires.proposes,
        attributions_cia=moteur.attributions_cia(e.retenus, REGLES),
        reservataires=e.reservataires,
        optionnelles=e.optionnelles,
    )
    assert list(t.columns) == COLONNES["indicateurs"]
    rangs = t.indicateur.map({code: i for i, (code, _, _) in enumerate(DEFINITIONS)})
    assert rangs.notna().all() and rangs.is_monotonic_increasing  # definitions order
    assert len(set(t.indicateur)) == 11


# --- prévisionnel ------------------------------------------------------------------------------------------


def test_normaliser_previsionnel():
    saisie = pd.DataFrame(
        {"code_departement": ["93", None], "categorie_soustraction": ["RELOGEMENT_RU", "X"], "nombre_prevu": [None, 2]}
    )
    p = previsionnel.normaliser_previsionnel(saisie)
    assert list(p.columns) == previsionnel.COLONNES_SAISIE
    assert p.to_dict("list")["code_departement"] == ["93"] and p.nombre_prevu.tolist() == [0.0]
    assert p.disponibilites_prevues.isna().all()
    assert previsionnel.normaliser_previsionnel(None).empty


def test_perimetres_previsionnel_tous_les_territoires(e):
    saisie = previsionnel.normaliser_previsionnel(
        pd.DataFrame({"code_departement": ["91"], "categorie_soustraction": ["RELOGEMENT_RU"], "nombre_prevu": [1]})
    )
    cibles = previsionnel.perimetres_previsionnel(e.perimetres, saisie)
    # the two départements of the stock and the 91 of the input, then every other perimeter of the bilan: Est
    # Ensemble and the Paris territory hold no convention but get their forecast (DOMAINE.md §5.4)
    assert list(zip(cibles.perimetre_type, cibles.perimetre_code, strict=True))[:3] == [
        ("DEPARTEMENT", "75"),
        ("DEPARTEMENT", "91"),
        ("DEPARTEMENT", "93"),
    ]
    assert {("EPCI_EPT", "200057875"), ("EPCI_EPT", "217500016"), ("COMMUNE", "93048"), ("REGION", "11")} <= set(
        zip(cibles.perimetre_type, cibles.perimetre_code, strict=True)
    )
    assert len(cibles) == 10


@pytest.mark.parametrize(
    ("prorata", "attendu"),
    [
        pytest.param(
            True,
            {
                ("DEPARTEMENT", "93", "93"): 1.0,
                ("EPCI_EPT", "200057867", "93"): 2 / 3,
                ("REGION", "11", "93"): 1.0,
                ("REGION", "11", "75"): 1.0,
            },
            id="prorata",
        ),
        pytest.param(
            False,
            {("DEPARTEMENT", "93", "93"): 1.0, ("REGION", "11", "93"): 1.0, ("REGION", "11", "75"): 1.0},
            id="sans prorata",
        ),
    ],
)
def test_poids_departements(e, prorata, attendu):
    cibles = pd.DataFrame(
        {
            "perimetre_type": ["DEPARTEMENT", "DEPARTEMENT", "EPCI_EPT", "REGION"],
            "perimetre_code": ["93", "75", "200057867", "11"],
        }
    )
    attendu = attendu | {("DEPARTEMENT", "75", "75"): 1.0}
    poids = previsionnel.poids_departements(cibles, e.flux, e.appartenance, ReglesCalcul(prorata_previsionnel=prorata))
    # Plaine Commune holds A and B, two of the three disponibilités of the 93 in n
    obtenu = {(x.perimetre_type, x.perimetre_code, x.code_departement): x.poids for x in poids.itertuples()}
    assert obtenu == pytest.approx(attendu)


def test_calculer_droits_previsionnels(e):
    prev = pd.DataFrame(
        {
            "perimetre_type": ["DEPARTEMENT", "EPCI_EPT"],
            "perimetre_code": ["93", "200057867"],
            "flux_previsionnel": [10.0, 4.0],
            "estimation": [False, True],
        }
    )
    d = previsionnel.calculer_droits_previsionnels(e.conventions, prev)
    assert list(d.columns) == COLONNES["previsionnel_reservataires"]
    assert dict(zip(d.reservataire, d.droits_previsionnels, strict=True)) == pytest.approx({PREFET: 3.0, PC: 0.4})
    assert dict(zip(d.reservataire, d.estimation, strict=True)) == {PREFET: False, PC: True}


# --- reconciliation checks ---------------------------------------------------------------------------------


def test_controler_soustraits_signale_un_flux_faux(e):
    soustraits = moteur.calculer_soustraits(e.par_commune, e.perimetres, e.appartenance)
    assert reconciliation.controler_soustraits(e.flux, soustraits).ok.all()
    faux = e.flux.assign(flux=e.flux.flux + (e.flux.perimetre_code == "93"))
    r = reconciliation.controler_soustraits(faux, soustraits)
    assert list(r.columns) == reconciliation.COLONNES
    assert r.loc[~r.ok, "perimetre"].tolist() == ["Seine-Saint-Denis (93) (DEPARTEMENT 93)"]


def test_controler_parts_attributions():
    c = pd.DataFrame(
        {
            "perimetre_type": ["COMMUNE"] * 3,
            "perimetre_code": ["93066", "93066", "93048"],
            "perimetre_libelle": ["Saint-Denis", "Saint-Denis", "Montreuil"],
            "part_attributions": [0.5, 0.4, np.nan],
            "logements_attribues": [5, 4, 0],
        }
    )
    r = reconciliation.controler_parts_attributions(c)
    assert r[["perimetre", "attendu", "obtenu", "ok"]].values.tolist() == [
        ["Saint-Denis (COMMUNE 93066)", 1.0, pytest.approx(0.9), False]
    ]
