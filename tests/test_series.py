"""Specification of flux_dash.series: monthly counts, QPV list and forecast grid, on tiny hand-made clean tables."""

from __future__ import annotations

import pandas as pd
import pytest

from flux_dash import referentiel as ref
from flux_dash.series import assembler_previsionnel, compter_par_mois, lister_qpv_logements, preparer_previsionnel


def _logements() -> pd.DataFrame:
    # id, commune, qpv, code_qpv, date_disponibilite, categorie_soustraction
    lignes = [
        ("L1", "93066", True, "QN09328M", "2024-01-15", None),
        ("L2", "93066", True, "QN09328M", "2024-01-20", "MUTATION_INTERNE"),
        ("L3", "93066", False, None, "2024-03-02", None),
        ("L4", "93001", True, None, "2023-12-31", None),  # year n−1: not a disponibilité of 2024
        ("L5", "93001", False, None, "2024-12-31", None),
    ]
    return pd.DataFrame(
        {
            "id_logement": pd.array([r[0] for r in lignes], dtype="string"),
            "code_commune": pd.array([r[1] for r in lignes], dtype="string"),
            "qpv": pd.array([r[2] for r in lignes], dtype="boolean"),
            "code_qpv": pd.array([r[3] for r in lignes], dtype="string"),
            "date_disponibilite": pd.to_datetime([r[4] for r in lignes]),
            "categorie_soustraction": pd.array([r[5] for r in lignes], dtype="string"),
        }
    )


def _tours() -> pd.DataFrame:
    # id, reservataire, date_orientation, issue, date_attribution
    lignes = [
        ("L1", "Préfet", "2024-01-20", "REFUS_CANDIDAT", None),
        ("L1", "Bailleur", "2024-02-10", "ATTRIBUE", "2024-03-05"),
        ("L2", "Bailleur", "2024-01-25", "ATTRIBUE", "2024-02-01"),  # soustrait: counted nowhere
        ("L4", "Préfet", "2024-01-05", "ATTRIBUE", "2025-01-10"),  # attribution in n+1
        ("L5", "Préfet", "2024-12-31", "EN_COURS", None),
    ]
    return pd.DataFrame(
        {
            "id_logement": pd.array([r[0] for r in lignes], dtype="string"),
            "reservataire": pd.array([r[1] for r in lignes], dtype="string"),
            "date_orientation": pd.to_datetime([r[2] for r in lignes]),
            "issue": pd.array([r[3] for r in lignes], dtype="string"),
            "date_attribution": pd.to_datetime([r[4] for r in lignes]),
        }
    )


@pytest.mark.parametrize(
    ("colonne", "attendu"),
    [
        ("disponibilites", {1: 2, 3: 1, 12: 1}),
        ("soustraits", {1: 1}),
        ("orientations", {1: 2, 2: 1, 12: 1}),
        ("attributions", {3: 1}),
    ],
    ids=["disponibilites", "soustraits", "orientations-hors-soustraits", "attributions-de-l-annee"],
)
def test_compter_par_mois(colonne, attendu):
    s = compter_par_mois({"logements": _logements(), "tours": _tours()}, 2024)
    assert list(s["mois"]) == list(pd.to_datetime([f"2024-{m:02d}-01" for m in range(1, 13)]))
    assert list(s[colonne]) == [attendu.get(m, 0) for m in range(1, 13)]
    assert s[colonne].dtype == "int64"


def test_compter_par_mois_sans_donnees_donne_douze_zeros():
    s = compter_par_mois({}, 2024)
    assert len(s) == 12 and int(s[["disponibilites", "soustraits", "orientations", "attributions"]].sum().sum()) == 0


def test_lister_qpv_logements():
    q = lister_qpv_logements(_logements(), 2024)
    assert q.to_dict("records") == [
        {
            "code_qpv": "",
            "nom_qpv": "QPV non précisé",
            "code_commune": "93001",
            "commune": "Aubervilliers",
            "logements": 1,
            "disponibilites_n": 0,
        },
        {
            "code_qpv": "QN09328M",
            "nom_qpv": "Franc Moisin - Cosmonautes - Cristino Garcia - Landy",
            "code_commune": "93066",
            "commune": "Saint-Denis",
            "logements": 2,
            "disponibilites_n": 2,
        },
    ]


def test_preparer_previsionnel_sans_table_donne_des_zeros_par_departement_et_categorie():
    soustraits, dispo = preparer_previsionnel(None, ["93", "75"])
    assert len(soustraits) == 2 * len(ref.SOUSTRACTIONS.codes)
    assert list(soustraits["code_departement"].unique()) == ["75", "93"]
    assert list(soustraits["categorie_soustraction"][:6]) == ref.SOUSTRACTIONS.codes
    assert soustraits["nombre_prevu"].sum() == 0
    assert list(dispo["code_departement"]) == ["75", "93"] and dispo["disponibilites_prevues"].isna().all()


def test_preparer_puis_assembler_le_previsionnel():
    table = pd.DataFrame(
        {
            "code_departement": pd.array(["93", "93", "94"], dtype="string"),
            "categorie_soustraction": pd.array(["RELOGEMENT_RU", "RELOGEMENT_RU", "MUTATION_INTERNE"], dtype="string"),
            "nombre_prevu": pd.array([3, 2, 4], dtype="Int64"),
            "disponibilites_prevues": pd.array([500, 500, pd.NA], dtype="Int64"),
        }
    )
    soustraits, dispo = preparer_previsionnel(table, ["93"])
    indexe = soustraits.set_index(["code_departement", "categorie_soustraction"])["nombre_prevu"]
    assert indexe[("93", "RELOGEMENT_RU")] == 5 and indexe[("94", "MUTATION_INTERNE")] == 4
    assert dispo["disponibilites_prevues"].tolist()[0] == 500 and dispo["disponibilites_prevues"].isna().tolist() == [
        False,
        True,
    ]
    dispo.loc[dispo["code_departement"] == "94", "disponibilites_prevues"] = 300  # a user edit
    prev = assembler_previsionnel(soustraits, dispo)
    assert list(prev.columns) == [
        "code_departement",
        "categorie_soustraction",
        "nombre_prevu",
        "disponibilites_prevues",
    ]
    assert len(prev) == 12 and set(prev.loc[prev["code_departement"] == "94", "disponibilites_prevues"]) == {300}
    assert prev.loc[
        (prev["code_departement"] == "93") & (prev["categorie_soustraction"] == "RELOGEMENT_RU"), "nombre_prevu"
    ].tolist() == [5]
