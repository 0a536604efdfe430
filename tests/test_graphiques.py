"""Specification of flux_dash.graphiques (the package, through its re-exports): every chart plots exactly the figures of the Bilan, in French.

A small Bilan is written by hand below (one département, the EPT Plaine Commune, two of its communes, the préfet,
Action Logement and the landlord); each test reads a figure and checks its traces against those literal values.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from flux_dash import graphiques as g
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.graphiques.commun import horizontal_si_nombreux, mise_en_page
from flux_dash.regles import ReglesCalcul

PC = "200057867"  # EPT Plaine Commune
E = "\u202f"  # thousands separator of formats.nombre
PREFET, AL, BAILLEUR = "Préfecture 93", "Action Logement", "Bailleur"
PERIMETRES = [  # type, code, libellé, (dispo, soustraits, flux, relog, dispo en, dispo hors, flux en, flux hors, attributions)
    ("COMMUNE", "93001", "Aubervilliers", (40, 5, 35, 2, 10, 30, 8, 27, 20)),
    ("COMMUNE", "93066", "Saint-Denis", (60, 10, 50, 4, 20, 40, 15, 35, 30)),
    ("EPCI_EPT", PC, "Plaine Commune", (100, 15, 85, 6, 30, 70, 23, 62, 50)),
    ("DEPARTEMENT", "93", "Seine-Saint-Denis (93)", (100, 15, 85, 6, 30, 70, 23, 62, 50)),
    ("REGION", "11", "Île-de-France", (100, 15, 85, 6, 30, 70, 23, 62, 50)),
]
SOUSTRAITS = {
    "93001": {"MUTATION_INTERNE": (3, 1), "RELOGEMENT_RU": (2, 1)},
    "93066": {"MUTATION_INTERNE": (6, 2), "RELOGEMENT_RU": (4, 2)},
}
# reservataire, categorie, type, code, libellé, convention, flux, proposés, attribués, tours, taux
REALISATION = [
    (PREFET, "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", "Seine-Saint-Denis (93)", True, 85, 30, 20, 35, 25.0),
    (PREFET, "ETAT_PRIORITAIRES", "COMMUNE", "93066", "Saint-Denis", True, 50, 18, 12, 20, 25.0),
    (AL, "ACTION_LOGEMENT", "DEPARTEMENT", "93", "Seine-Saint-Denis (93)", True, 85, 20, 15, 22, 20.0),
    (BAILLEUR, "BAILLEUR", "REGION", "11", "Île-de-France", False, 85, 15, 15, 15, float("nan")),
]
ISSUES_PREFET = {"93": [20, 6, 3, 4, 2], "93066": [12, 4, 1, 2, 1]}  # référentiel order of ISSUES


def _bilan() -> Bilan:
    perimetres = pd.DataFrame(
        [
            {
                "perimetre_type": t,
                "perimetre_code": c,
                "perimetre_libelle": lib,
                "strate": True,
                "convention": t != "REGION",
                "departements": "93",
                "code_territoire": PC if t == "COMMUNE" else "",
                "lec": t == "EPCI_EPT",
            }
            for t, c, lib, _ in PERIMETRES
        ]
    )
    appartenance = pd.DataFrame(
        [
            {"perimetre_type": t, "perimetre_code": c, "code_commune": commune}
            for t, c, _, _ in PERIMETRES
            for commune in ("93001", "93066")
            if t != "COMMUNE" or c == commune
        ]
    )
    cols = [
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
    flux = pd.DataFrame(
        [
            {"perimetre_type": t, "perimetre_code": c, "perimetre_libelle": lib, **dict(zip(cols, v, strict=True))}
            for t, c, lib, v in PERIMETRES
        ]
    )
    soustraits = []
    for t, c, lib, _ in PERIMETRES:
        communes = [c] if t == "COMMUNE" else ["93001", "93066"]
        for cat in ref.SOUSTRACTIONS.codes:
            s = sum(SOUSTRAITS[k].get(cat, (0, 0))[0] for k in communes)
            r = sum(SOUSTRAITS[k].get(cat, (0, 0))[1] for k in communes)
            soustraits.append(
                {
                    "perimetre_type": t,
                    "perimetre_code": c,
                    "perimetre_libelle": lib,
                    "categorie_soustraction": cat,
                    "categorie_libelle": ref.SOUSTRACTIONS.libelle(cat),
                    "soustraits": s,
                    "relogements_realises": r,
                }
            )
    realisation = pd.DataFrame(
        [
            {
                "reservataire": r,
                "categorie": cat,
                "perimetre_type": t,
                "perimetre_code": c,
                "perimetre_libelle": lib,
                "convention": conv,
                "disponibilites": 100,
                "soustraits": 15,
                "flux": f,
                "logements_proposes": p,
                "logements_attribues": a,
                "tours": n,
                "part_flux_orientations": p / f,
                "part_attributions": a / 50,
                "taux_convention": taux,
                "droits_theoriques": taux * f / 100,
                "ecart": p - taux * f / 100,
                "taux_realisation": p / (taux * f / 100),
                "taux_transformation": a / p,
            }
            for r, cat, t, c, lib, conv, f, p, a, n, taux in REALISATION
        ]
    )
    issues = pd.DataFrame(
        [
            {
                "reservataire": PREFET,
                "categorie": "ETAT_PRIORITAIRES",
                "perimetre_type": t,
                "perimetre_code": c,
                "perimetre_libelle": lib,
                "issue": code,
                "issue_libelle": ref.ISSUES.libelle(code),
                "tours": n,
            }
            for t, c, lib in (("DEPARTEMENT", "93", "Seine-Saint-Denis (93)"), ("COMMUNE", "93066", "Saint-Denis"))
            for code, n in zip(ref.ISSUES.codes, ISSUES_PREFET[c], strict=True)
        ]
    )
    modalites = {
        "typologie": ([("T1", 2, 1), ("T2", 8, 5), ("T3", 12, 9), ("T4", 6, 4), ("T5+", 2, 1)]),
        "qpv": [("EN_QPV", 9, 6), ("HORS_QPV", 21, 14)],
    }
    repartitions = pd.DataFrame(
        [
            {
                "reservataire": PREFET,
                "categorie": "ETAT_PRIORITAIRES",
                "perimetre_type": "DEPARTEMENT",
                "perimetre_code": "93",
                "perimetre_libelle": "Seine-Saint-Denis (93)",
                "dimension": d,
                "modalite": m,
                "modalite_libelle": ref.TYPOLOGIES.libelle(m) if d == "typologie" else ref.QPV.libelle(m),
                "logements_proposes": p,
                "logements_attribues": a,
            }
            for d, lignes in modalites.items()
            for m, p, a in lignes
        ]
    )
    consolidation = pd.DataFrame(
        [
            {
                "perimetre_type": t,
                "perimetre_code": c,
                "perimetre_libelle": lib,
                "reservataire": r,
                "categorie": cat,
                "logements_proposes": p,
                "logements_attribues": a,
                "attribues_en_qpv": en,
                "attribues_hors_qpv": a - en,
                "part_flux_orientations": p / 85,
                "part_attributions": a / 50,
                "attribues_prioritaires": float(a // 2),
                "attribues_dalo": 1.0,
                "attribues_premier_quartile": 2.0,
            }
            for t, c, lib in (("EPCI_EPT", PC, "Plaine Commune"), ("REGION", "11", "Île-de-France"))
            for r, cat, p, a, en in (
                (PREFET, "ETAT_PRIORITAIRES", 30, 20, 6),
                (AL, "ACTION_LOGEMENT", 20, 15, 5),
                (BAILLEUR, "BAILLEUR", 15, 15, 4),
            )
        ]
    )
    ind = [
        ("prefet_hors_qpv_a", "DEPARTEMENT", "93", "Seine-Saint-Denis (93)", 21, 30, 0.30),
        ("prefet_hors_qpv_b", "DEPARTEMENT", "93", "Seine-Saint-Denis (93)", 21, 62, float("nan")),
        ("part_premier_quartile_hors_qpv", "EPCI_EPT", PC, "Plaine Commune", 9, 36, 0.25),
        ("part_hors_premier_quartile_en_qpv", "EPCI_EPT", PC, "Plaine Commune", 10, 14, 0.50),
        ("part_prefet_flux", "DEPARTEMENT", "93", "Seine-Saint-Denis (93)", 30, 85, 0.30),
    ]
    indicateurs = pd.DataFrame(
        [
            {
                "indicateur": code,
                "libelle": code,
                "perimetre_type": t,
                "perimetre_code": c,
                "perimetre_libelle": lib,
                "reservataire": "",
                "categorie": "",
                "numerateur": float(n),
                "denominateur": float(d),
                "valeur": n / d,
                "cible": cible,
                "sens": "min",
                "unite": "ratio",
            }
            for code, t, c, lib, n, d, cible in ind
        ]
    )
    previsionnel = pd.DataFrame(
        [
            {
                "perimetre_type": "DEPARTEMENT",
                "perimetre_code": "93",
                "perimetre_libelle": "Seine-Saint-Denis (93)",
                "disponibilites_n": 100,
                "disponibilites_prevues": float("nan"),
                "soustraits_prevus": 12.0,
                "flux_previsionnel": 88.0,
                "source_disponibilites": "annee_n",
            }
        ]
    )
    prev_res = pd.DataFrame(
        [
            {
                "reservataire": PREFET,
                "categorie": "ETAT_PRIORITAIRES",
                "perimetre_type": "DEPARTEMENT",
                "perimetre_code": "93",
                "perimetre_libelle": "Seine-Saint-Denis (93)",
                "taux_convention": 25.0,
                "flux_previsionnel": 88.0,
                "droits_previsionnels": 22.0,
            },
            {
                "reservataire": AL,
                "categorie": "ACTION_LOGEMENT",
                "perimetre_type": "DEPARTEMENT",
                "perimetre_code": "93",
                "perimetre_libelle": "Seine-Saint-Denis (93)",
                "taux_convention": 20.0,
                "flux_previsionnel": 88.0,
                "droits_previsionnels": 17.6,
            },
        ]
    )
    reservataires = pd.DataFrame(
        [
            {
                "reservataire": r,
                "categorie": c,
                "categorie_libelle": ref.CATEGORIES_RESERVATAIRE.libelle(c),
                "slug": ref.slug(r),
            }
            for r, c in ((PREFET, "ETAT_PRIORITAIRES"), (AL, "ACTION_LOGEMENT"), (BAILLEUR, "BAILLEUR"))
        ]
    )
    return Bilan(
        annee=2024,
        regles=ReglesCalcul(epci_lec=(PC,)),
        perimetres=perimetres,
        appartenance=appartenance,
        reservataires=reservataires,
        conventions=pd.DataFrame(),
        flux=flux,
        soustraits=pd.DataFrame(soustraits),
        realisation=realisation,
        issues=issues,
        repartitions=repartitions,
        consolidation=consolidation,
        indicateurs=indicateurs,
        previsionnel=previsionnel,
        previsionnel_soustraits=pd.DataFrame(),
        previsionnel_reservataires=prev_res,
    )


@pytest.fixture(scope="module")
def bilan() -> Bilan:
    return _bilan()


def _series() -> pd.DataFrame:
    mois = pd.to_datetime([f"2024-{m:02d}-01" for m in range(1, 13)])
    return pd.DataFrame(
        {
            "mois": mois,
            "disponibilites": range(10, 22),
            "soustraits": [1] * 12,
            "orientations": range(20, 32),
            "attributions": range(5, 17),
        }
    )


def _traces(fig: go.Figure) -> dict[str, go.BaseTraceType]:
    return {t.name: t for t in fig.data}


# --- Palette ----------------------------------------------------------------------------------------------


def test_couleurs_suivent_l_ordre_du_referentiel_et_le_bailleur_est_gris():
    c = g.couleurs(ref.CATEGORIES_RESERVATAIRE)
    assert list(c) == ref.CATEGORIES_RESERVATAIRE.codes
    assert c["ETAT_PRIORITAIRES"] == g.PALETTE[0] and c["ETAT_AGENTS"] == g.PALETTE[1]
    assert c[ref.BAILLEUR] == g.GRIS
    autres = [v for k, v in c.items() if k != ref.BAILLEUR]
    assert len(set(autres)) == len(autres) and set(autres) <= set(g.PALETTE)


# --- Key figures, reconciliation, trends -----------------------------------------------------------------


def test_chiffres_cles_de_la_region(bilan):
    assert g.chiffres_cles(bilan) == {
        "disponibilites": 100,
        "soustraits": 15,
        "flux": 85,
        "proposes": 65,
        "attribues": 50,
        "taux_transformation": 50 / 65,
    }


def test_reconciliation_flux_cascade_des_disponibilites_au_flux(bilan):
    fig = g.tracer_reconciliation_flux(bilan)
    (w,) = fig.data
    assert w.type == "waterfall" and w.orientation == "h"
    assert list(w.x) == [100, -9, -6, 0, 0, 0, 0, 85]
    assert list(w.measure) == ["absolute"] + ["relative"] * 6 + ["total"]
    assert w.y[0] == "Disponibilités" and w.y[-1] == "Flux annuel"
    assert w.y[1] == "Soustraits – Mutations internes au patrimoine du bailleur"
    assert sum(w.x[:-1]) == w.x[-1]  # the cascade lands on the flux
    assert list(g.tableau_reconciliation_flux(bilan)["Logements"]) == [100, 9, 6, 0, 0, 0, 0, 85]


def test_reconciliation_d_une_commune(bilan):
    (w,) = g.tracer_reconciliation_flux(bilan, ("COMMUNE", "93001")).data
    assert list(w.x) == [40, -3, -2, 0, 0, 0, 0, 35]


def test_tendances_mensuelles_quatre_series_et_dates_francaises():
    fig = g.tracer_tendances_mensuelles(_series())
    t = _traces(fig)
    assert list(t) == ["Disponibilités", "Soustraits", "Orientations (tours)", "Attributions"]
    assert list(t["Attributions"].y) == list(range(5, 17))
    assert pd.Timestamp(t["Disponibilités"].x[2]) == pd.Timestamp("2024-03-01")
    assert (
        list(fig.layout.xaxis.ticktext)[:3] == ["janv.", "févr.", "mars"] and fig.layout.xaxis.hoverformat == "%d/%m/%Y"
    )
    assert fig.layout.xaxis.title.text == "Mois" and fig.layout.yaxis.title.text == "Nombre"
    tableau = g.tableau_tendances_mensuelles(_series())
    assert list(tableau.columns) == ["Mois", "Disponibilités", "Soustraits", "Orientations (tours)", "Attributions"]
    assert tableau["Mois"].iloc[7] == "août 2024"


# --- Réservataires ----------------------------------------------------------------------------------------


def test_part_du_flux_avec_le_taux_conventionnel_en_reference(bilan):
    fig = g.tracer_part_flux(bilan, PREFET)
    barres, reference = fig.data
    assert barres.type == "bar" and list(barres.x) == ["Département – Seine-Saint-Denis (93)", "Commune – Saint-Denis"]
    assert list(barres.y) == pytest.approx([30 / 85, 18 / 50])
    assert reference.name == "Taux conventionnel (référence)" and list(reference.y) == [0.25, 0.25]
    assert list(fig.layout.yaxis.ticktext) == ["0\u202f%", "10\u202f%", "20\u202f%", "30\u202f%", "40\u202f%"]
    assert fig.layout.yaxis.title.text == "Part du flux"
    assert list(barres.customdata) == ["35,3\u202f%", "36,0\u202f%"] and "%{customdata}" in barres.hovertemplate


def test_part_du_flux_du_bailleur_sans_reference(bilan):
    fig = g.tracer_part_flux(bilan, BAILLEUR)
    assert [t.type for t in fig.data] == ["bar"]
    assert list(fig.data[0].y) == pytest.approx([15 / 85])


@pytest.mark.parametrize(
    ("parmi", "attendu"),
    [((), [PREFET, PREFET, AL]), ((AL,), [AL])],
    ids=["toutes-les-conventions", "filtre-action-logement"],
)
def test_part_du_flux_de_toutes_les_conventions(bilan, parmi, attendu):
    fig = g.tracer_part_flux(bilan, parmi=parmi)
    assert [x.split(" · ")[0] for x in fig.data[0].x] == attendu
    assert list(g.tableau_realisation(bilan, parmi=parmi)["Réservataire"]) == attendu


def test_droits_theoriques_proposes_attribues(bilan):
    t = _traces(g.tracer_droits_proposes(bilan, AL))
    assert list(t) == ["Droits théoriques", "Proposés", "Attribués"]
    assert list(t["Droits théoriques"].y) == [17.0]
    assert list(t["Proposés"].y) == [20] and list(t["Attribués"].y) == [15]


def test_tableau_realisation_colonnes_francaises_et_taux_en_fraction(bilan):
    t = g.tableau_realisation(bilan, PREFET)
    assert t.loc[0, "Taux conventionnel"] == 0.25 and t.loc[0, "Droits théoriques"] == 21.25
    assert t.loc[0, "Taux de réalisation"] == pytest.approx(30 / 21.25)
    assert {"Part du flux", "Taux conventionnel", "Taux de réalisation"} <= set(g.pourcentages(t))


def test_issues_des_tours_empilees_par_issue(bilan):
    fig = g.tracer_issues_tours(bilan, PREFET)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == list(ref.ISSUES.libelles.values())
    attribue = _traces(fig)["Attribué"]
    assert list(attribue.y) == [20, 12]
    assert list(g.tableau_issues_tours(bilan, PREFET)["Total"]) == [35, 20]


@pytest.mark.parametrize(
    ("dimension", "x", "proposes", "attribues", "titre_x"),
    [
        ("typologie", ["T1", "T2", "T3", "T4", "T5 et +"], [2, 8, 12, 6, 2], [1, 5, 9, 4, 1], "Typologie"),
        ("qpv", ["En QPV", "Hors QPV"], [9, 21], [6, 14], "Localisation (QPV)"),
    ],
    ids=["typologie", "qpv"],
)
def test_repartitions_du_decret_proposes_contre_attribues(bilan, dimension, x, proposes, attribues, titre_x):
    fig = g.tracer_repartition(bilan, PREFET, dimension, ("DEPARTEMENT", "93"))
    t = _traces(fig)
    assert list(t["Proposés"].x) == x and list(t["Proposés"].y) == proposes and list(t["Attribués"].y) == attribues
    assert fig.layout.barmode == "group" and fig.layout.xaxis.title.text == titre_x


# --- Territories ------------------------------------------------------------------------------------------

COMMUNES_PC = ["93001", "93027", "93031", "93039", "93066", "93070", "93072", "93079"]


def _classes(fig):
    return [t for t in fig.data if t.fill == "toself"]


@pytest.mark.parametrize(
    ("niveau", "indicateur", "perimetres", "lieux"),
    [
        ("COMMUNE", "flux", {"93001": 35, "93066": 50}, ["93001", "93066"]),
        ("COMMUNE", "attribues", {"93001": 20, "93066": 30}, ["93001", "93066"]),
        ("EPCI_EPT", "proposes", {PC: 65}, COMMUNES_PC),
        ("DEPARTEMENT", "flux", {"93": 85}, None),
    ],
    ids=["communes-flux", "communes-attribues", "ept-proposes-par-ses-communes", "departement-par-ses-communes"],
)
def test_carte_des_perimetres_dessines_par_leurs_communes(bilan, niveau, indicateur, perimetres, lieux):
    fig = g.tracer_carte(bilan, niveau, indicateur)
    if lieux is None:  # a département is drawn with all of its communes, coloured with the département's value
        lieux = sorted(ref.communes_du_perimetre("DEPARTEMENT", "93"))
    classes = _classes(fig)
    assert {c: v for t in classes for c, v in t.meta["valeurs"].items()} == perimetres
    assert sorted(c for t in classes for c in t.meta["communes"]) == lieux
    assert all(t.type == "scatter" and t.hoverinfo == "skip" for t in classes)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.visible is False
    assert fig.layout.legend.title.text == g.INDICATEURS_CARTE[indicateur]


def test_carte_hors_ligne_sans_fond_de_carte_a_telecharger(bilan):
    """plotly.js downloads a world topojson for any geo subplot: the map must not use one (no network)."""
    fig = g.tracer_carte(bilan, "EPCI_EPT")
    assert not any(t.type in ("choropleth", "scattergeo", "choroplethmap") for t in fig.data)
    assert "geo" not in fig.layout.to_plotly_json()


def test_carte_couleurs_par_classe_noms_au_survol_et_sur_la_carte(bilan):
    fig = g.tracer_carte(bilan, "COMMUNE", "flux")
    aubervilliers, saint_denis, survol, noms = fig.data
    assert [aubervilliers.name, saint_denis.name] == ["35", "36 à 50"]
    assert [aubervilliers.fillcolor, saint_denis.fillcolor] == [g.BLEUS[0], g.BLEUS[-1]]
    assert list(survol.hovertext) == ["Saint-Denis<br>Flux : 50", "Aubervilliers<br>Flux : 35"]
    assert list(noms.text) == ["Saint-Denis", "Aubervilliers"]


def test_carte_une_trace_par_classe_pas_par_commune(donnees_demo):
    """The demo maps every commune it has: still at most NB_CLASSES shapes, a hover point and a name per largest."""
    fig = g.tracer_carte(donnees_demo.bilan, "COMMUNE", "flux")
    communes = g.tableau_territoires(donnees_demo.bilan, "COMMUNE")
    assert len(communes) > 30
    classes = _classes(fig)
    assert len(classes) == g.NB_CLASSES and len(fig.data) == g.NB_CLASSES + 2
    assert sum(len(t.meta["valeurs"]) for t in classes) == len(communes)
    effectifs = [len(t.meta["valeurs"]) for t in classes]
    assert max(effectifs) <= 3 * min(effectifs)  # quantiles: about as many communes in each colour
    assert len(fig.data[-2].hovertext) == len(communes) and 1 <= len(fig.data[-1].text) <= g.NB_ETIQUETTES
    noms = fig.data[-1]
    assert noms.text[0] == "Paris"  # the largest figure is named first
    assert len(set(zip(noms.x, noms.y, strict=True))) == len(noms.text)  # never two names on one spot


@pytest.mark.parametrize(
    ("valeurs", "attendu"),
    [
        ([], []),
        ([0], [(0, 0)]),
        ([3, 3, 3], [(3, 3)]),
        ([35, 50], [(35, 35), (36, 50)]),
        (list(range(1, 11)), [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]),
        # Paris dominates: equal-width classes would put every other territory in « 0 à 9 999 »
        (
            [120, 150, 180, 210, 260, 300, 420, 510, 640, 48_000],
            [(120, 150), (151, 210), (211, 300), (301, 510), (511, 48_000)],
        ),
    ],
    ids=["vide", "zero", "une-valeur", "deux-valeurs", "dix-valeurs", "paris-domine"],
)
def test_classes_de_la_carte_par_quantiles(valeurs, attendu):
    assert g.classes_carte(valeurs) == attendu


@pytest.mark.parametrize(
    ("bas", "haut", "attendu"),
    [(12, 12, "12"), (13, 40, "13 à 40"), (1200, 48_000, f"1{E}200 à 48{E}000")],
    ids=["une-valeur", "intervalle", "milliers"],
)
def test_bornes_des_classes_a_la_francaise(bas, haut, attendu):
    assert g.libelle_classe(bas, haut) == attendu


def test_carte_du_detail_d_un_ept_et_tableau_trie_par_le_chiffre_cartographie(bilan):
    fig = g.tracer_carte(bilan, "COMMUNE", "flux", territoire=PC)
    assert sorted(c for t in _classes(fig) for c in t.meta["valeurs"]) == ["93001", "93066"]
    assert fig.layout.title.text == "Plaine Commune : flux par commune"
    t = g.tableau_territoires(bilan, "COMMUNE", territoire=PC)
    assert list(t.columns) == ["Code", "Territoire", "Disponibilités", "Soustraits", "Flux", "Proposés", "Attribués"]
    assert list(t["Territoire"]) == ["Aubervilliers", "Saint-Denis"]
    carte = g.tableau_carte(bilan, "COMMUNE", "attribues", territoire=PC)
    assert list(carte.columns[:3]) == ["Code", "Territoire", "Attribués"]
    assert list(carte["Territoire"]) == ["Saint-Denis", "Aubervilliers"]


def test_matrice_consolidee_d_un_ept(bilan):
    t = g.tableau_consolidation(bilan, ("EPCI_EPT", PC))
    assert list(t["Réservataire"]) == [PREFET, AL, BAILLEUR]
    assert t["Part des attributions"].sum() == pytest.approx(1.0)
    assert list(t["Attribués hors QPV"]) == [14, 10, 11]


@pytest.mark.parametrize(
    ("maximum", "derniere", "nombre"),
    [
        (0.0, "1\u202f%", 2),
        (0.07, "8\u202f%", 5),
        (0.36, "40\u202f%", 5),
        (0.7, "70\u202f%", 8),
        (1.0, "100\u202f%", 6),
        (2.4, "250\u202f%", 6),
    ],
    ids=["zero", "7-pourcent", "36-pourcent", "70-pourcent", "cent-pourcent", "au-dela-de-cent"],
)
def test_graduations_pourcentage_a_la_francaise(maximum, derniere, nombre):
    valeurs, textes = g.graduations_pourcentage(maximum)
    assert textes[0] == "0\u202f%" and textes[-1] == derniere and len(textes) == nombre
    assert valeurs[-1] >= maximum and valeurs == sorted(valeurs)


@pytest.mark.parametrize(
    ("nombre", "horizontal"),
    [(3, False), (6, False), (7, True), (30, True)],
    ids=["3-barres", "6-barres", "7-barres", "30-barres"],
)
def test_barres_horizontales_au_dela_de_six_categories(nombre, horizontal):
    noms = [f"Réservataire au nom assez long numéro {i}" for i in range(nombre)]
    fig = go.Figure(go.Bar(x=noms, y=list(range(nombre)), hovertemplate="%{x} : %{y:,.0f}<extra></extra>"))
    fig.add_hline(y=2.5, line_dash="dash", annotation_text="Référence : 2,5")
    fig = horizontal_si_nombreux(mise_en_page(fig, "Titre", x="Réservataire", y="Logements"), noms)
    barres = fig.data[0]
    if not horizontal:
        assert barres.orientation in (None, "v") and list(barres.x) == noms and len(fig.layout.shapes) == 1
        return
    assert barres.orientation == "h" and list(barres.y) == noms and list(barres.x) == list(range(nombre))
    assert barres.hovertemplate == "%{y} : %{x:,.0f}<extra></extra>"
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.yaxis.title.text == "Réservataire"
    assert fig.layout.xaxis.title.text == "Logements" and fig.layout.height == 26 * nombre + 180
    (reference,) = fig.data[1:]  # the reference line becomes a dashed legend entry, no text over the bars
    assert reference.name == "Référence : 2,5" and list(reference.x) == [2.5, 2.5] and not fig.layout.annotations


# --- QPV --------------------------------------------------------------------------------------------------


def test_attribues_en_et_hors_qpv_par_reservataire(bilan):
    fig = g.tracer_qpv_reservataires(bilan)
    t = _traces(fig)
    assert list(t) == ["Attribués en QPV", "Attribués hors QPV"]
    assert list(t["Attribués en QPV"].y) == [6, 5, 4] and list(t["Attribués hors QPV"].y) == [14, 10, 11]
    assert list(g.tableau_qpv_reservataires(bilan)["Part hors QPV"]) == pytest.approx([0.7, 10 / 15, 11 / 15])


@pytest.mark.parametrize(
    ("mesure", "en", "hors"), [("flux", [23], [62]), ("attribues", [15], [35])], ids=["flux", "attribues"]
)
def test_en_et_hors_qpv_par_territoire(bilan, mesure, en, hors):
    fig = g.tracer_qpv_territoires(bilan, "EPCI_EPT", mesure)
    assert [list(t.y) for t in fig.data] == [en, hors]
    assert list(fig.data[0].x) == ["Plaine Commune"] and fig.layout.barmode == "stack"


def test_prefet_hors_qpv_lectures_a_et_b_et_ligne_de_reference(bilan):
    fig = g.tracer_prefet_hors_qpv(bilan)
    a, b = fig.data
    assert list(a.y) == pytest.approx([21 / 30]) and list(b.y) == pytest.approx([21 / 62])
    assert list(a.x) == ["Seine-Saint-Denis (93)"]
    (ligne,) = fig.layout.shapes
    assert ligne.y0 == ligne.y1 == 0.30 and ligne.line.dash == "dash"
    assert fig.layout.annotations[0].text == "Référence lecture a : au moins 30\u202f%"
    assert fig.layout.yaxis.ticktext[-1] == "80\u202f%" and list(a.customdata) == ["70,0\u202f%"]


def test_indicateurs_cia_avec_leurs_deux_references(bilan):
    fig = g.tracer_indicateurs_cia(bilan)
    t = _traces(fig)
    assert list(t["1er quartile hors QPV"].y) == [0.25] and list(t["Hors 1er quartile en QPV"].y) == [10 / 14]
    assert sorted(s.y0 for s in fig.layout.shapes) == [0.25, 0.5]


# --- Soustraits, prévisionnel -----------------------------------------------------------------------------


def test_soustraits_par_territoire_et_categorie(bilan):
    fig = g.tracer_soustraits_territoires(bilan, "COMMUNE")
    t = _traces(fig)
    assert list(t[ref.SOUSTRACTIONS.libelle("MUTATION_INTERNE")].y) == [3, 6]
    assert list(t[ref.SOUSTRACTIONS.libelle("RELOGEMENT_RU")].y) == [2, 4]
    assert list(g.tableau_soustraits_territoires(bilan, "COMMUNE")["Total"]) == [5, 10]


def test_relogements_realises_par_categorie(bilan):
    t = _traces(g.tracer_relogements(bilan))
    assert list(t["Soustraits"].x) == [9, 6, 0, 0, 0, 0] and list(t["Relogements réalisés"].x) == [3, 3, 0, 0, 0, 0]


def test_flux_et_droits_previsionnels(bilan):
    t = _traces(g.tracer_flux_previsionnel(bilan))
    assert list(t["Flux prévisionnel"].y) == [88.0] and list(t["Soustraits prévus"].y) == [12.0]
    (droits,) = g.tracer_droits_previsionnels(bilan).data
    assert list(droits.x) == [22.0, 17.6]
    assert g.tracer_flux_previsionnel(bilan).layout.title.text == "Flux prévisionnel 2025 par département"


# --- Every chart: French separators, a French title -------------------------------------------------------

FIGURES = {
    "reconciliation": lambda b: g.tracer_reconciliation_flux(b),
    "tendances": lambda b: g.tracer_tendances_mensuelles(_series()),
    "part-flux": lambda b: g.tracer_part_flux(b, PREFET),
    "droits": lambda b: g.tracer_droits_proposes(b, PREFET),
    "issues": lambda b: g.tracer_issues_tours(b, PREFET),
    "repartition": lambda b: g.tracer_repartition(b, PREFET, "typologie", ("DEPARTEMENT", "93")),
    "carte": lambda b: g.tracer_carte(b, "EPCI_EPT"),
    "qpv-reservataires": lambda b: g.tracer_qpv_reservataires(b),
    "qpv-territoires": lambda b: g.tracer_qpv_territoires(b),
    "prefet": lambda b: g.tracer_prefet_hors_qpv(b),
    "cia": lambda b: g.tracer_indicateurs_cia(b),
    "soustraits": lambda b: g.tracer_soustraits_territoires(b),
    "relogements": lambda b: g.tracer_relogements(b),
    "flux-previsionnel": lambda b: g.tracer_flux_previsionnel(b),
    "droits-previsionnels": lambda b: g.tracer_droits_previsionnels(b),
}


@pytest.mark.parametrize("nom", list(FIGURES), ids=list(FIGURES))
def test_chaque_graphique_est_en_francais(bilan, nom):
    fig = FIGURES[nom](bilan)
    assert fig.layout.separators == ", "
    titre = fig.layout.title.text
    assert titre and titre[0].isupper() and not any(mot in titre.lower().split() for mot in ("by", "per", "and"))
    for trace in fig.data:
        modele = getattr(trace, "hovertemplate", None)
        assert modele is None or "<extra></extra>" in modele  # French hover text, no English trace box


def test_graphique_vide_explique_pourquoi(bilan):
    fig = g.tracer_issues_tours(bilan, "Inconnu")
    assert not fig.data and fig.layout.annotations[0].text == "Aucun tour pour ce réservataire."


def test_aucune_valeur_non_significative_n_est_convertie_en_zero(bilan):
    t = g.tableau_realisation(bilan, BAILLEUR)
    assert math.isnan(t.loc[0, "Taux conventionnel"]) and math.isnan(t.loc[0, "Taux de réalisation"])


def test_un_nom_de_reservataire_n_est_jamais_lu_comme_du_html(bilan):
    """plotly.js reads tags in texts (axis labels, legends, hovers): user names are neutralised as entities."""
    import dataclasses

    hostile = '<a href="https://exemple.invalid">Clic</a><b>'
    nom = bilan.realisation.loc[bilan.realisation["convention"], "reservataire"].iloc[0]
    remplacer = {
        f.name: getattr(bilan, f.name).replace(nom, hostile)
        for f in dataclasses.fields(bilan)
        if isinstance(getattr(bilan, f.name), pd.DataFrame)
    }
    piege = dataclasses.replace(bilan, **remplacer)
    figures = [
        g.tracer_part_flux(piege, hostile),
        g.tracer_part_flux(piege),
        g.tracer_droits_proposes(piege, hostile),
        g.tracer_qpv_reservataires(piege),
    ]
    textes = [
        str(v)
        for fig in figures
        for trace in fig.data
        for attribut in ("x", "y", "text", "hovertext", "customdata", "name")
        for v in (
            [getattr(trace, attribut)]
            if isinstance(getattr(trace, attribut, None), str)
            else list(getattr(trace, attribut, None) or [])
        )
    ]
    assert any("&lt;a href" in t for t in textes)
    assert not any("<a" in t or "<b>" in t for t in textes)


# --- Usability: empty scopes and the space above the plot ------------------------------------------------------


def _sans_activite(bilan: Bilan) -> Bilan:
    """The hand-made Bilan as a logement filter leaves it for Action Logement: conventions, but zero everywhere."""
    from dataclasses import replace

    realisation = bilan.realisation.copy()
    al = realisation["reservataire"] == AL
    for col in ("flux", "logements_proposes", "logements_attribues", "tours", "droits_theoriques"):
        realisation.loc[al, col] = 0
    issues = pd.concat([bilan.issues, bilan.issues.assign(reservataire=AL, tours=0)], ignore_index=True)
    repartitions = pd.concat(
        [bilan.repartitions, bilan.repartitions.assign(reservataire=AL, logements_proposes=0, logements_attribues=0)],
        ignore_index=True,
    )
    return replace(bilan, realisation=realisation, issues=issues, repartitions=repartitions)


@pytest.mark.parametrize(
    "tracer, message",
    [
        pytest.param(
            lambda b: g.tracer_issues_tours(b, AL),
            "Aucun tour pour ce réservataire dans le périmètre affiché.",
            id="issues-des-tours",
        ),
        pytest.param(
            lambda b: g.tracer_droits_proposes(b, AL),
            "Aucun droit, logement proposé ou attribué pour ce réservataire dans le périmètre affiché.",
            id="droits",
        ),
        pytest.param(
            lambda b: g.tracer_repartition(b, AL, "typologie", ("DEPARTEMENT", "93")),
            "Aucun logement proposé ou attribué pour ce réservataire dans ce périmètre.",
            id="repartition",
        ),
    ],
)
def test_un_graphique_tout_a_zero_dit_pourquoi_au_lieu_d_axes_vides(bilan, tracer, message):
    fig = tracer(_sans_activite(bilan))
    assert [a.text for a in fig.layout.annotations] == [message]
    assert not fig.data


def test_indicateurs_cia_sans_les_epci_sans_attribution(bilan):
    from dataclasses import replace

    vide = pd.DataFrame(
        [
            {
                **bilan.indicateurs.iloc[2].to_dict(),
                "perimetre_code": "200057875",
                "perimetre_libelle": "Est Ensemble",
                "numerateur": 0.0,
                "denominateur": 0.0,
                "valeur": float("nan"),
            }
        ]
    )
    b = replace(bilan, indicateurs=pd.concat([bilan.indicateurs, vide], ignore_index=True))
    assert list(g.tableau_indicateurs_cia(b)["EPCI / EPT"]) == ["Plaine Commune"]


@pytest.mark.parametrize(
    "noms, attendu",
    [
        pytest.param([], 50, id="sans-trace"),
        pytest.param(["Logements"], 50, id="une-trace-sans-legende"),
        pytest.param(["Proposés", "Attribués"], 72, id="deux-entrees-une-ligne"),  # 17 × 7 + 2 × 40 = 199 ≤ 300 px
        pytest.param(["Droits théoriques", "Proposés", "Attribués"], 50 + 22 * 3, id="trop-large-une-ligne-par-entree"),
        pytest.param(["x" * 50] * 4, 50 + 22 * 4, id="quatre-longues"),
    ],
)
def test_marge_haute_a_la_mesure_de_la_legende(noms, attendu):
    fig = go.Figure([go.Bar(x=[1], y=[1], name=n) for n in noms])
    assert g.marge_haute(fig) == attendu


def test_la_marge_haute_du_graphique_suit_sa_legende(bilan):
    assert g.tracer_reconciliation_flux(bilan).layout.margin.t == 50  # a waterfall: no legend
    assert g.tracer_droits_proposes(bilan, PREFET).layout.margin.t == 50 + 22 * 3  # 358 px: wraps in half a column
    assert g.tracer_soustraits_territoires(bilan, "COMMUNE").layout.margin.t == 50  # vertical legend, beside


def test_libelles_des_reservataires_sans_repetition():
    import types

    reservataires = pd.DataFrame(
        {
            "reservataire": ["Action Logement Services", "Ville de Montreuil", "Bailleur"],
            "categorie_libelle": [
                "Action Logement Services",
                "Commune (Ville de Paris incluse)",
                "Bailleur – logements non réservés ou repris",
            ],
        }
    )
    assert g.libelles_reservataires(types.SimpleNamespace(reservataires=reservataires)) == {
        "Action Logement Services": "Action Logement Services",
        "Ville de Montreuil": "Ville de Montreuil — Commune (Ville de Paris incluse)",
        "Bailleur": "Bailleur",
    }


def test_chaque_tracer_est_dans_le_module_de_son_tableau_et_reexporte():
    """The package is split by subject; a chart and its table stay side by side, and ``g.x`` reaches every one."""
    import importlib
    import pkgutil

    modules = {
        m.name: importlib.import_module(f"flux_dash.graphiques.{m.name}") for m in pkgutil.iter_modules(g.__path__)
    }
    lieux = {
        nom: module
        for module, mod in modules.items()
        for nom, objet in vars(mod).items()
        if nom.startswith(("tableau_", "tracer_")) and callable(objet) and objet.__module__ == mod.__name__
    }
    traces = {nom.removeprefix("tracer_") for nom in lieux if nom.startswith("tracer_")}
    paires = traces & {nom.removeprefix("tableau_") for nom in lieux if nom.startswith("tableau_")}
    # the three charts drawn from a wider table of their module (tableau_realisation, tableau_territoires)
    assert traces - paires == {"part_flux", "droits_proposes"}
    assert lieux["tracer_part_flux"] == lieux["tracer_droits_proposes"] == lieux["tableau_realisation"]
    assert lieux["tracer_carte"] == lieux["tableau_territoires"]
    assert {p: lieux[f"tracer_{p}"] for p in paires} == {p: lieux[f"tableau_{p}"] for p in paires}
    # the receiving side's charts (graphiques.consolidation) are read as their own namespace: their names
    # (chiffres_cles, tableau_reconciliation…) would collide with or shadow the landlord's in ``g``
    a_reexporter = {nom for nom, module in lieux.items() if module != "consolidation"}
    assert a_reexporter <= set(g.__all__) and all(hasattr(g, nom) for nom in g.__all__)


def _contraste(couleur: str, fond: str = "#FFFFFF") -> float:
    def luminance(c: str) -> float:
        r, v, b = (int(c.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in (r, v, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    claire, sombre = sorted((luminance(couleur), luminance(fond)), reverse=True)
    return (claire + 0.05) / (sombre + 0.05)


@pytest.mark.parametrize("nom", [n for n in FIGURES if n != "carte"])
def test_texte_des_axes_contraste_au_moins_4_5(bilan, nom):
    """Issue 13, point 14: Streamlit's theme drew the axis text at 3,7:1 on white."""
    from flux_dash.graphiques.commun import COULEUR_AXES

    assert _contraste(COULEUR_AXES) >= 4.5
    fig = FIGURES[nom](bilan)
    for axe in (fig.layout.xaxis, fig.layout.yaxis):
        assert axe.tickfont.color == COULEUR_AXES and axe.title.font.color == COULEUR_AXES


def test_cascade_du_flux_nombres_jamais_coupes_par_le_cadre(bilan):
    """Issue 13, point 13: « 300 00 » — the label outside the longest bar was clipped by the plot area."""
    fig = g.tracer_reconciliation_flux(bilan)
    assert fig.data[0].cliponaxis is False


def test_libelle_d_une_ligne_de_reference_lisible_sur_une_barre():
    """Issue 13, point 13: the CIA reference label hid behind a bar."""
    from flux_dash.graphiques.commun import ligne_reference

    fig = go.Figure(go.Bar(x=["a"], y=[0.5]))
    ligne_reference(fig, 0.25, "Référence CIA")
    (note,) = fig.layout.annotations
    assert note.text == "Référence CIA" and note.bgcolor == "rgba(255, 255, 255, 0.9)"


def test_cascade_du_territoire_soustraits_lisibles():
    """Issue 9 : sur la Synthèse du territoire, des soustraits de quelques logements contre un millier de
    disponibilités étaient des barres d'un pixel, sans valeur : chacun porte sa valeur, dans sa couleur."""
    from types import SimpleNamespace

    from flux_dash.graphiques import consolidation as gc
    from flux_dash.graphiques.commun import COULEUR_AXES, COULEUR_SOUSTRAITS

    lieu = {"perimetre_type": "EPCI_EPT", "perimetre_code": "200057875", "bailleur": ""}
    flux = pd.DataFrame(
        [
            {**lieu, "disponibilites": 1000.0, "soustraits": 15.0, "flux": 985.0},
            {**lieu, "bailleur": "Habitat A", "disponibilites": 600.0, "soustraits": 9.0, "flux": 591.0},
        ]
    ).assign(logements_attribues=700.0, nombre_bailleurs=2.0)
    soustraits = pd.DataFrame(
        [
            {**lieu, "categorie_libelle": "Mutations internes au patrimoine du bailleur", "soustraits": 12.0},
            {**lieu, "categorie_libelle": "Relogements – copropriétés dégradées (ORCOD)", "soustraits": 3.0},
            {**lieu, "bailleur": "Habitat A", "categorie_libelle": "Autre", "soustraits": 9.0},
        ]
    )
    co = SimpleNamespace(flux=flux, soustraits=soustraits)
    (w,) = gc.tracer_reconciliation(co, ("EPCI_EPT", "200057875")).data
    assert w.type == "waterfall" and w.orientation == "h"
    assert list(w.measure) == ["absolute", "relative", "relative", "total"]
    assert list(w.x) == [1000, -12, -3, 985]
    assert list(w.text) == ["1\u202f000", "-12", "-3", "985"]
    assert w.textposition == "outside" and w.cliponaxis is False
    assert w.decreasing.marker.color == COULEUR_SOUSTRAITS != w.totals.marker.color
    assert w.decreasing.marker.line.width >= 2  # a bar of 3 logements out of 1 000 still shows
    assert list(w.outsidetextfont.color) == [COULEUR_AXES, COULEUR_SOUSTRAITS, COULEUR_SOUSTRAITS, COULEUR_AXES]
