"""Specification of ``indicateurs_{n}.csv`` (FORMAT.md §2.2, v1.1) on the hand-made dataset of test_calculs."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from test_calculs import ALS, BAILLEUR, CONVENTIONS, LOGEMENTS, PREFET, TOURS, N, faire_tables, jeu_principal

from flux_dash import referentiel as ref
from flux_dash.calculs import calculer_bilan
from flux_dash.indicateurs_csv import ENTETE, ecrire_indicateurs_csv, indicateurs_en_tableau

ENTETE_TEXTE = (
    "annee;bailleur;perimetre_type;perimetre_code;perimetre_libelle;categorie;reservataire;dimension;modalite;"
    "indicateur;valeur"
)
NOM = "Habitat Test"


@pytest.fixture(scope="module")
def contenu() -> bytes:
    return ecrire_indicateurs_csv(calculer_bilan(jeu_principal(), N), bailleur=NOM)


@pytest.fixture(scope="module")
def lignes(contenu) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def valeur(lignes, **filtre) -> str:
    trouve = [r for r in lignes if all(r[k] == v for k, v in filtre.items())]
    assert len(trouve) == 1, f"{len(trouve)} lignes pour {filtre}"
    return trouve[0]["valeur"]


def test_encodage_et_entete(contenu):
    assert contenu.startswith(b"\xef\xbb\xbf")
    assert contenu.decode("utf-8-sig").splitlines()[0] == ENTETE_TEXTE
    assert ";".join(ENTETE) == ENTETE_TEXTE


TOTAL = {"dimension": "total", "modalite": ""}


@pytest.mark.parametrize(
    ("filtre", "attendu"),
    [
        pytest.param(
            {
                "perimetre_type": "DEPARTEMENT",
                "perimetre_code": "93",
                "reservataire": "",
                "indicateur": "flux",
                **TOTAL,
            },
            "6",
            id="flux entier sans decimale",
        ),
        pytest.param(
            {
                "perimetre_type": "REGION",
                "perimetre_code": "11",
                "reservataire": "",
                "indicateur": "soustraits",
                "dimension": "categorie_soustraction",
                "modalite": "RELOGEMENT_RU",
            },
            "1",
            id="soustraits par categorie",
        ),
        pytest.param(
            {
                "perimetre_type": "COMMUNE",
                "perimetre_code": "93066",
                "reservataire": "",
                "indicateur": "relogements_realises",
                **TOTAL,
            },
            "1",
            id="relogements realises",
        ),
        pytest.param(
            {"perimetre_code": "93", "reservataire": PREFET, "indicateur": "part_flux_orientations", **TOTAL},
            "0,333333",
            id="part en fraction a virgule, 6 decimales",
        ),
        pytest.param(
            {"perimetre_code": "93", "reservataire": PREFET, "indicateur": "taux_convention", **TOTAL},
            "0,3",
            id="taux conventionnel en fraction",
        ),
        pytest.param(
            {"perimetre_code": "93", "reservataire": PREFET, "indicateur": "droits_theoriques", **TOTAL},
            "1,8",
            id="droits theoriques",
        ),
        pytest.param({"perimetre_code": "93", "reservataire": PREFET, "indicateur": "tours", **TOTAL}, "3", id="tours"),
        pytest.param(
            {
                "perimetre_code": "93",
                "reservataire": PREFET,
                "indicateur": "tours",
                "dimension": "issue",
                "modalite": "ABSENCE_DESIGNATION",
            },
            "1",
            id="tours par issue",
        ),
        pytest.param(
            {
                "perimetre_code": "93",
                "reservataire": BAILLEUR,
                "perimetre_type": "DEPARTEMENT",
                "indicateur": "taux_realisation",
                **TOTAL,
            },
            "",
            id="bailleur sans taux: vide",
        ),
        pytest.param(
            {
                "perimetre_code": "93",
                "reservataire": PREFET,
                "indicateur": "logements_proposes",
                "dimension": "typologie",
                "modalite": "T5+",
            },
            "0",
            id="repartition typologie",
        ),
        pytest.param(
            {
                "perimetre_code": "93",
                "reservataire": ALS,
                "indicateur": "logements_attribues",
                "dimension": "commune",
                "modalite": "93066",
            },
            "1",
            id="repartition commune",
        ),
        pytest.param(
            {
                "perimetre_code": "93",
                "reservataire": "",
                "perimetre_type": "DEPARTEMENT",
                "indicateur": "part_prefet_flux",
                **TOTAL,
            },
            "0,333333",
            id="indicateur prefet",
        ),
        pytest.param(
            {
                "perimetre_code": "200057875",
                "reservataire": "",
                "indicateur": "part_premier_quartile_hors_qpv",
                **TOTAL,
            },
            "",
            id="n.s. vide",
        ),
        pytest.param(
            {
                "perimetre_code": "93",
                "reservataire": PREFET,
                "perimetre_type": "DEPARTEMENT",
                "indicateur": "droits_previsionnels",
                **TOTAL,
            },
            "0,6",
            id="droits previsionnels",
        ),
    ],
)
def test_valeurs(lignes, filtre, attendu):
    assert valeur(lignes, **filtre) == attendu


def test_chaque_convention_a_ses_totaux_et_les_cinq_repartitions(lignes):
    for reservataire, _cat, ptype, code, _taux in CONVENTIONS:
        siennes = [r for r in lignes if r["reservataire"] == reservataire and r["categorie"] != "HORS_CONVENTION"]
        propres = [r for r in siennes if (r["perimetre_type"], r["perimetre_code"]) == (ptype, code)]
        # Elsewhere (other strates it overlaps, FORMAT.md §2.2 v1.1): only its proposés and attribués, by QPV and
        # commune, and the §4 indicators of its attributions.
        ailleurs = [r for r in siennes if (r["perimetre_type"], r["perimetre_code"]) != (ptype, code)]
        assert {
            r["dimension"] for r in ailleurs if r["indicateur"] in ("logements_proposes", "logements_attribues")
        } <= {
            "total",
            "qpv",
            "commune",
        }
        assert not any(r["indicateur"] in ("taux_convention", "droits_theoriques") for r in ailleurs)
        for indicateur in [
            "logements_proposes",
            "logements_attribues",
            "part_flux_orientations",
            "part_attributions",
            "taux_convention",
            "droits_theoriques",
            "taux_realisation",
            "taux_transformation",
            "tours",
        ]:
            assert any(r["indicateur"] == indicateur and r["dimension"] == "total" for r in propres), indicateur
        for indicateur in ["logements_proposes", "logements_attribues"]:
            dimensions = {r["dimension"] for r in propres if r["indicateur"] == indicateur}
            assert set(ref.DIMENSIONS_DECRET) <= dimensions


def test_lignes_perimetre_vides_de_reservataire(lignes):
    perimetres = {(r["perimetre_type"], r["perimetre_code"]) for r in lignes}
    for ptype, code in perimetres:
        indicateurs = {
            r["indicateur"]
            for r in lignes
            if (r["perimetre_type"], r["perimetre_code"]) == (ptype, code) and r["reservataire"] == ""
        }
        assert {"disponibilites", "soustraits", "flux", "relogements_realises"} <= indicateurs


def test_ordre_deterministe(contenu):
    assert ecrire_indicateurs_csv(calculer_bilan(jeu_principal(), N), bailleur=NOM) == contenu


@pytest.mark.lent
def test_tableau_garde_les_nombres_bruts():
    t = indicateurs_en_tableau(calculer_bilan(jeu_principal(), N))
    assert list(t.columns) == ENTETE
    ligne = t[(t.reservataire == PREFET) & (t.indicateur == "part_flux_orientations")]
    assert ligne.valeur.iloc[0] == pytest.approx(1 / 3)


@pytest.mark.lent
def test_protection_contre_l_injection():
    conventions = [
        ("=HYPERLINK(1)", "AUTRE", "DEPARTEMENT", "93", 5.0),
        ("-Employeur", "AUTRE", "DEPARTEMENT", "93", 5.0),
        *CONVENTIONS,
    ]
    tours = [*TOURS, ("L09", 1, "=HYPERLINK(1)", "21/12/2024", "EN_COURS", None)]
    contenu = ecrire_indicateurs_csv(calculer_bilan(faire_tables(LOGEMENTS, tours, conventions), N))
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    noms = {r["reservataire"] for r in lignes}
    assert {"'=HYPERLINK(1)", "'-Employeur"} <= noms
    assert not any(r[c].startswith(("=", "+", "-", "@")) for r in lignes for c in r if c != "valeur")
    assert (
        valeur(lignes, perimetre_code="93", reservataire="'=HYPERLINK(1)", indicateur="logements_proposes", **TOTAL)
        == "1"
    )


@pytest.mark.lent
def test_nombres_negatifs_restent_des_nombres():
    # an AUTRE réservataire with 45 % of the 93 flux (6) and no tour: écart = 0 − 2,7
    conventions = [*CONVENTIONS, ("Employeur", "AUTRE", "DEPARTEMENT", "93", 45.0)]
    contenu = ecrire_indicateurs_csv(calculer_bilan(faire_tables(LOGEMENTS, TOURS, conventions), N))
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert valeur(lignes, reservataire="Employeur", indicateur="ecart", **TOTAL) == "-2,7"
    lu = pd.read_csv(
        io.StringIO(contenu.decode("utf-8-sig")), sep=";", decimal=",", dtype={"perimetre_code": str, "modalite": str}
    )
    assert lu.loc[(lu.reservataire == "Employeur") & (lu.indicateur == "ecart"), "valeur"].iloc[0] == -2.7


DIMENSIONS = {
    "total",
    "typologie",
    "financement",
    "qpv",
    "commune",
    "periode_construction",
    "categorie_soustraction",
    "issue",
}


def test_valeurs_du_contrat(lignes):
    # FORMAT.md §2.2: closed lists of perimetre_type and dimension, modalite empty exactly for total, annee = n
    assert {r["perimetre_type"] for r in lignes} == {"COMMUNE", "EPCI_EPT", "DEPARTEMENT", "REGION"}
    assert {r["dimension"] for r in lignes} <= DIMENSIONS
    assert all((r["modalite"] == "") == (r["dimension"] == "total") for r in lignes)
    assert {r["annee"] for r in lignes} == {str(N)}
    qpv = {r["modalite"] for r in lignes if r["dimension"] == "qpv"}
    assert qpv == {"EN_QPV", "HORS_QPV"}
    assert {r["modalite"] for r in lignes if r["dimension"] == "typologie"} == set(ref.TYPOLOGIES.codes)


def test_une_seule_valeur_par_cle(lignes):
    cles = [tuple(r[c] for c in ENTETE if c != "valeur") for r in lignes]
    assert len(cles) == len(set(cles))


def test_valeurs_numeriques_a_virgule(lignes):
    for r in lignes:
        v = r["valeur"]
        assert v == "" or float(v.replace(",", ".")) == float(v.replace(",", ".")), r
        assert "." not in v and " " not in v


@pytest.mark.lent
def test_convention_sur_un_perimetre_sans_logement():
    # ALS also holds a convention in the Essonne (91), where the landlord has no logement: its rows exist, with
    # zeros, empty ratios (flux 0), and the breakdowns of its (empty) perimeter do not break the file.
    conventions = [*CONVENTIONS, (ALS, "ACTION_LOGEMENT", "DEPARTEMENT", "91", 20.0)]
    contenu = ecrire_indicateurs_csv(calculer_bilan(faire_tables(LOGEMENTS, TOURS, conventions), N))
    lignes = list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    essonne = {"perimetre_type": "DEPARTEMENT", "perimetre_code": "91"}
    assert valeur(lignes, **essonne, reservataire="", indicateur="flux", **TOTAL) == "0"
    assert valeur(lignes, **essonne, reservataire=ALS, indicateur="logements_proposes", **TOTAL) == "0"
    assert valeur(lignes, **essonne, reservataire=ALS, indicateur="droits_theoriques", **TOTAL) == "0"
    assert valeur(lignes, **essonne, reservataire=ALS, indicateur="part_flux_orientations", **TOTAL) == ""
    assert (
        valeur(
            lignes, **essonne, reservataire=ALS, indicateur="logements_proposes", dimension="typologie", modalite="T1"
        )
        == "0"
    )


# --- v1.1: addable files (FORMAT.md §2.2, issue 8 item 1) ----------------------------------------------------


def test_bailleur_sur_chaque_ligne_et_garde(lignes):
    assert {r["bailleur"] for r in lignes} == {NOM}
    contenu = ecrire_indicateurs_csv(calculer_bilan(jeu_principal(), N), bailleur="=Toit")
    relues = list(csv.DictReader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert {r["bailleur"] for r in relues} == {"'=Toit"}


def test_categorie_du_titulaire(lignes):
    categories = {(r["reservataire"], r["categorie"]) for r in lignes}
    assert ("", "") in categories  # perimeter-wide figures
    assert {(PREFET, "ETAT_PRIORITAIRES"), (ALS, "ACTION_LOGEMENT"), (BAILLEUR, "BAILLEUR")} <= categories
    assert (PREFET, "HORS_CONVENTION") in categories  # L04, Paris, out of the préfet 93's perimeter
    assert all(r["categorie"] for r in lignes if r["reservataire"])
    assert not any(r["categorie"] for r in lignes if not r["reservataire"])


PARIS = {"perimetre_type": "COMMUNE", "perimetre_code": "75056"}
SAINT_DENIS = {"perimetre_type": "COMMUNE", "perimetre_code": "93066"}


@pytest.mark.parametrize(
    ("filtre", "attendu"),
    [
        # Paris: L04 (Préfet 93, hors convention) and L12 (Ville de Paris) attributed in 2024, L11 soustrait.
        pytest.param(
            {**PARIS, "reservataire": "", "indicateur": "logements_attribues", **TOTAL}, "2", id="attribues P"
        ),
        pytest.param(
            {"perimetre_type": "DEPARTEMENT", "perimetre_code": "75", "reservataire": ""}
            | {"indicateur": "logements_attribues", **TOTAL},
            "2",
            id="attribues departement",
        ),
        pytest.param(
            {**PARIS, "categorie": "HORS_CONVENTION", "reservataire": PREFET}
            | {"indicateur": "logements_attribues", **TOTAL},
            "1",
            id="hors convention attribues",
        ),
        pytest.param(
            {"perimetre_type": "REGION", "perimetre_code": "11", "categorie": "HORS_CONVENTION", "reservataire": PREFET}
            | {"indicateur": "logements_proposes", "dimension": "qpv", "modalite": "EN_QPV"},
            "1",
            id="hors convention par QPV a la region",
        ),
        # The préfet 93 in Saint-Denis (a strate inside its perimeter): L01 (QPV, attributed) and L02 (refused).
        pytest.param(
            {**SAINT_DENIS, "reservataire": PREFET, "indicateur": "logements_proposes", **TOTAL}, "2", id="strate"
        ),
        pytest.param(
            {**SAINT_DENIS, "reservataire": PREFET, "indicateur": "logements_attribues", **TOTAL}, "1", id="strate att"
        ),
        pytest.param(
            {**SAINT_DENIS, "reservataire": PREFET}
            | {"indicateur": "logements_proposes", "dimension": "qpv", "modalite": "HORS_QPV"},
            "1",
            id="strate qpv",
        ),
        pytest.param(
            {**SAINT_DENIS, "reservataire": PREFET}
            | {"indicateur": "logements_attribues", "dimension": "commune", "modalite": "93066"},
            "1",
            id="strate commune",
        ),
        # ALS in Est Ensemble (Montreuil): L03 proposed in 2024, still open.
        pytest.param(
            {"perimetre_code": "200057875", "reservataire": ALS, "indicateur": "logements_proposes", **TOTAL},
            "1",
            id="reservataire sur un EPT",
        ),
        # Numerators and denominators (the names the receiving side reads).
        pytest.param(
            {"perimetre_type": "DEPARTEMENT", "perimetre_code": "93", "reservataire": ""}
            | {"indicateur": "logements_proposes_prefet", **TOTAL},
            "2",
            id="numerateur part prefet",
        ),
        pytest.param(
            {"perimetre_type": "DEPARTEMENT", "perimetre_code": "93", "reservataire": ""}
            | {"indicateur": "logements_proposes_prefet_hors_qpv", **TOTAL},
            "1",
            id="numerateur prefet hors qpv",
        ),
        pytest.param(
            {"perimetre_type": "DEPARTEMENT", "perimetre_code": "93", "reservataire": ""}
            | {"indicateur": "logements_proposes_agents", **TOTAL},
            "0",
            id="numerateur agents",
        ),
        pytest.param(
            {"perimetre_type": "DEPARTEMENT", "perimetre_code": "93", "reservataire": ""}
            | {"indicateur": "flux_hors_qpv", **TOTAL},
            "3",  # flux 6: L03, L06, L09 hors QPV; L01, L07, L08 en QPV
            id="flux hors qpv",
        ),
        # CIA, Plaine Commune: attributed in 2024 L01 (QPV), L02 (hors QPV, 1er quartile), L05 (soustrait, hors
        # QPV), L08 (QPV, not 1er quartile).
        pytest.param(
            {"perimetre_code": "200057867", "reservataire": "", "indicateur": "attributions_hors_qpv", **TOTAL},
            "2",
            id="cia denominateur hors qpv",
        ),
        pytest.param(
            {"perimetre_code": "200057867", "reservataire": ""}
            | {"indicateur": "attributions_hors_qpv_premier_quartile", **TOTAL},
            "1",
            id="cia numerateur hors qpv",
        ),
        pytest.param(
            {"perimetre_code": "200057867", "reservataire": "", "indicateur": "attributions_en_qpv", **TOTAL},
            "2",
            id="cia denominateur en qpv",
        ),
        pytest.param(
            {"perimetre_code": "200057867", "reservataire": ""}
            | {"indicateur": "attributions_en_qpv_hors_premier_quartile", **TOTAL},
            "2",
            id="cia numerateur en qpv",
        ),
        pytest.param(
            {"perimetre_type": "DEPARTEMENT", "perimetre_code": "93", "reservataire": PREFET}
            | {"indicateur": "attributions_prioritaires", **TOTAL},
            "1",
            id="numerateur publics prioritaires",
        ),
        pytest.param(
            {"perimetre_type": "DEPARTEMENT", "perimetre_code": "93", "reservataire": PREFET}
            | {"indicateur": "delai_cumule_orientation_attribution", **TOTAL},
            "29",  # L01: 01/02/2024 → 01/03/2024
            id="numerateur delai",
        ),
    ],
)
def test_valeurs_v11(lignes, filtre, attendu):
    assert valeur(lignes, **filtre) == attendu


def test_attribues_des_titulaires_egalent_ceux_du_perimetre(lignes):
    """DOMAINE.md §3 invariant, read in the file: in every strate, Σ over holders (Bailleur and « Hors convention »
    included) of logements_attribues = the perimeter's logements_attribues."""
    attribues = [r for r in lignes if r["indicateur"] == "logements_attribues" and r["dimension"] == "total"]
    perimetres = {(r["perimetre_type"], r["perimetre_code"]) for r in attribues}
    assert len(perimetres) >= 9
    for p in perimetres:
        total = [
            float(r["valeur"])
            for r in attribues
            if (r["perimetre_type"], r["perimetre_code"]) == p and not r["categorie"]
        ]
        titulaires = [
            float(r["valeur"]) for r in attribues if (r["perimetre_type"], r["perimetre_code"]) == p and r["categorie"]
        ]
        assert len(total) == 1, p
        assert sum(titulaires) == total[0], p


def test_chaque_ratio_a_son_numerateur_et_son_denominateur(contenu):
    """The receiving side reads the file without a warning: every ratio equals its numerator ÷ denominator read in
    the same file, breakdowns add up to totals, holders' attribués to the perimeter's (FORMAT.md §3.1)."""
    from flux_dash.consolidation import lire_envois

    recus = lire_envois([("indicateurs_2024.csv", contenu)], annee=N)
    assert recus.ok and not recus.avertissements, recus.tableau().to_string()
    t = indicateurs_en_tableau(calculer_bilan(jeu_principal(), N), NOM)
    for ratio in [
        "part_prefet_flux",
        "prefet_hors_qpv_a",
        "part_publics_prioritaires",
        "part_premier_quartile_hors_qpv",
    ]:
        assert (t.indicateur == ratio).any(), ratio


def test_indicateurs_de_chaque_titulaire_a_chaque_strate(lignes):
    # Issue 10 item 3: the §4 indicators of every holder present, with their counts (the préfet 93 in Plaine
    # Commune: L01 attributed to a prioritaire household after 29 days).
    ept = {"perimetre_type": "EPCI_EPT", "perimetre_code": "200057867", "reservataire": PREFET, **TOTAL}
    assert valeur(lignes, **ept, indicateur="attributions_prioritaires") == "1"
    assert valeur(lignes, **ept, indicateur="part_publics_prioritaires") == "1"
    assert valeur(lignes, **ept, indicateur="delai_moyen_orientation_attribution") == "29"
    assert valeur(lignes, **ept, indicateur="delai_cumule_orientation_attribution") == "29"
