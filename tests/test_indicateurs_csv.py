"""Specification of ``indicateurs_{n}.csv`` (FORMAT.md §2.2) on the hand-made dataset of test_calculs."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from test_calculs import ALS, BAILLEUR, CONVENTIONS, LOGEMENTS, PREFET, TOURS, N, faire_tables, jeu_principal

from flux_dash import referentiel as ref
from flux_dash.calculs import calculer_bilan
from flux_dash.indicateurs_csv import ENTETE, ecrire_indicateurs_csv, indicateurs_en_tableau

ENTETE_TEXTE = "annee;perimetre_type;perimetre_code;perimetre_libelle;reservataire;dimension;modalite;indicateur;valeur"


@pytest.fixture(scope="module")
def contenu() -> bytes:
    return ecrire_indicateurs_csv(calculer_bilan(jeu_principal(), N))


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
        propres = [r for r in lignes if r["reservataire"] == reservataire]
        assert {(r["perimetre_type"], r["perimetre_code"]) for r in propres} == {(ptype, code)}
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
    assert ecrire_indicateurs_csv(calculer_bilan(jeu_principal(), N)) == contenu


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
    assert valeur(lignes, reservataire="'=HYPERLINK(1)", indicateur="logements_proposes", **TOTAL) == "1"


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
