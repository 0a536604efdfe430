"""End to end on the committed demo data, as a landlord runs it: `flux-dash bilan` on the workbook and on the
CSV version gives the same figures, and the indicators CSV has every row FORMAT.md §2.2 promises."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from flux_dash import referentiel as ref
from flux_dash.cli import main
from tests.conftest import SAMPLE_DATA

pytestmark = pytest.mark.lent  # reads, validates and writes every report of the demo twice

INDICATEURS_PERIMETRE = ["disponibilites", "soustraits", "flux", "relogements_realises"]
INDICATEURS_RESERVATAIRE = [
    "logements_proposes",
    "logements_attribues",
    "part_flux_orientations",
    "part_attributions",
    "taux_convention",
    "droits_theoriques",
    "taux_realisation",
    "taux_transformation",
    "tours",
]


@pytest.fixture(scope="module")
def sorties(tmp_path_factory) -> dict[str, bytes]:
    resultats = {}
    for nom, fichiers in {
        "classeur": [SAMPLE_DATA / "flux_demo_2024.xlsx"],
        "csv": sorted((SAMPLE_DATA / "csv").glob("*.csv")),
    }.items():
        dossier = tmp_path_factory.mktemp(nom)
        code = main(["bilan", *map(str, fichiers), "--annee", "2024", "--sortie", str(dossier)])
        assert code == 0
        resultats[nom] = (dossier / "indicateurs_2024.csv").read_bytes()
    return resultats


@pytest.fixture(scope="module")
def indicateurs(sorties) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(sorties["classeur"]), sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_classeur_et_csv_donnent_les_memes_chiffres(sorties):
    assert sorties["classeur"] == sorties["csv"]


def test_chaque_perimetre_a_ses_chiffres_de_flux(indicateurs):
    globaux = indicateurs[(indicateurs["reservataire"] == "") & (indicateurs["dimension"] == "total")]
    region = globaux[globaux["perimetre_type"] == "REGION"]
    assert set(INDICATEURS_PERIMETRE) <= set(region["indicateur"])
    for type_ in ("DEPARTEMENT", "EPCI_EPT", "COMMUNE"):
        assert set(INDICATEURS_PERIMETRE) <= set(globaux.loc[globaux["perimetre_type"] == type_, "indicateur"]), type_
    # disponibilités = flux + soustraits, read back from the CSV as a réservataire would.
    valeurs = region.set_index("indicateur")["valeur"].str.replace(",", ".").astype(float)
    assert valeurs["disponibilites"] == valeurs["flux"] + valeurs["soustraits"]


def test_chaque_convention_a_ses_totaux_et_les_cinq_ventilations(indicateurs):
    conventions = pd.read_csv(SAMPLE_DATA / "csv" / "demo_conventions.csv", sep=";", encoding="utf-8-sig", dtype=str)
    lignes = indicateurs[indicateurs["reservataire"] != ""]
    for conv in conventions.itertuples():
        code = conv.perimetre_code
        une = lignes[(lignes["reservataire"] == conv.reservataire) & (lignes["perimetre_code"] == code)]
        assert set(INDICATEURS_RESERVATAIRE) <= set(une.loc[une["dimension"] == "total", "indicateur"]), conv
        for indicateur in ("logements_proposes", "logements_attribues"):
            dimensions = set(une.loc[une["indicateur"] == indicateur, "dimension"])
            assert set(ref.DIMENSIONS_DECRET) <= dimensions, (conv.reservataire, code, indicateur)


def test_ratios_en_fraction_avec_virgule_et_vides_si_non_significatifs(indicateurs):
    parts = indicateurs.loc[indicateurs["indicateur"] == "part_attributions", "valeur"]
    assert parts.str.fullmatch(r"(0|1)(,\d+)?|").all()
    assert (parts != "").any()
