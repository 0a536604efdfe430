"""Specification of the « Données » sheet that ends every workbook of the landlord (FORMAT.md §2.1, issue 8
point 1), on the four-logement bilan of tests/test_rapports.py: which rows each recipient gets, its header, and the
round trip workbook → :func:`flux_dash.consolidation.lire_envois`.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from test_rapports import classeur

from flux_dash import rapports
from flux_dash.consolidation import contrat, lire_envois
from flux_dash.indicateurs_csv import ecrire_indicateurs_csv, indicateurs_en_tableau
from flux_dash.rapports import donnees, epci, etat, previsionnel, reservataire
from tests.petit_jeu import NOM, OPTIONS, PREFET

PLAINE_COMMUNE, SAINT_DENIS, MONTREUIL = "200057867", "93066", "93048"


def lire_donnees(octets: bytes) -> tuple[dict[str, object], pd.DataFrame]:
    """(« label | value » rows above the table, the table) of the « Données » sheet, read back with openpyxl."""
    ws = classeur(octets)["Données"]
    entete: dict[str, object] = {}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == "annee":
            break
        if ws.cell(r, 2).value is not None:
            entete.setdefault(ws.cell(r, 1).value, ws.cell(r, 2).value)
    colonnes = [ws.cell(r, j).value for j in range(1, len(contrat.ENTETE) + 1)]
    lignes = [[ws.cell(i, j).value for j in range(1, len(colonnes) + 1)] for i in range(r + 1, ws.max_row + 1)]
    assert ws.tables, "la feuille « Données » n'a pas de tableau Excel"
    (tableau,) = ws.tables.values()
    assert tableau.ref == f"A{r}:K{ws.max_row}"
    return entete, pd.DataFrame(lignes, columns=colonnes)


def cles(df: pd.DataFrame) -> set[tuple]:
    return {
        tuple("" if pd.isna(v) else str(v) for v in ligne)
        for ligne in df[[contrat.PT, contrat.PC, "reservataire", "dimension", "modalite", "indicateur"]].itertuples(
            index=False
        )
    }


@pytest.fixture(scope="module")
def tous(petit_bilan) -> dict[str, bytes]:
    return {p.chemin_archive: p.construire() for p in rapports.lister_rapports(petit_bilan, OPTIONS)}


def test_chaque_classeur_finit_par_la_feuille_donnees(tous):
    for chemin, octets in tous.items():
        assert classeur(octets).sheetnames[-1] == "Données", chemin


def test_en_tete_bailleur_annee_version_et_sha256(petit_bilan):
    entete, lignes = lire_donnees(epci.classeur_epci(petit_bilan, PLAINE_COMMUNE, OPTIONS))
    assert entete["Bailleur"] == "Habitat Test"
    assert entete["Année"] == 2024
    assert entete["Version de flux_dash"]
    assert entete["Fichier source"] == f"tours.csv (sha256 {'ab' * 32})"
    assert list(lignes.columns) == contrat.ENTETE
    assert set(lignes["bailleur"]) == {"Habitat Test"}
    assert set(lignes["annee"]) == {2024}


def test_epci_recoit_les_lignes_de_son_territoire_et_de_ses_communes(petit_bilan):
    _, lignes = lire_donnees(epci.classeur_epci(petit_bilan, PLAINE_COMMUNE, OPTIONS))
    attendu = indicateurs_en_tableau(petit_bilan)
    dedans = attendu[contrat.PC].isin([PLAINE_COMMUNE, SAINT_DENIS])
    assert cles(lignes) == cles(attendu[dedans])
    assert len(lignes) == dedans.sum()
    flux = lignes[(lignes["indicateur"] == "flux") & (lignes["reservataire"].isna())]
    assert dict(zip(flux[contrat.PC], flux["valeur"], strict=True)) == {SAINT_DENIS: 2, PLAINE_COMMUNE: 2}


def test_etat_recoit_departement_epci_et_communes(petit_bilan):
    _, lignes = lire_donnees(etat.classeur_etat(petit_bilan, "93", OPTIONS))
    assert set(zip(lignes[contrat.PT], lignes[contrat.PC], strict=True)) == {
        ("DEPARTEMENT", "93"),
        ("EPCI_EPT", PLAINE_COMMUNE),
        ("EPCI_EPT", "200057875"),
        ("COMMUNE", SAINT_DENIS),
        ("COMMUNE", MONTREUIL),
    }


@pytest.mark.parametrize(
    "construire",
    [
        pytest.param(reservataire.classeur_reservataire, id="bilan"),
        pytest.param(previsionnel.classeur_previsionnel, id="previsionnel"),
    ],
)
def test_reservataire_ne_recoit_que_ses_lignes_et_le_flux_de_ses_perimetres(petit_bilan, construire):
    _, lignes = lire_donnees(construire(petit_bilan, NOM, OPTIONS))
    assert set(lignes["reservataire"].fillna("")) == {NOM, ""}
    assert PREFET not in set(lignes["reservataire"])
    assert set(lignes.loc[lignes["reservataire"] == NOM, "categorie"]) == {"ACTION_LOGEMENT"}
    generales = lignes[lignes["reservataire"].isna()]
    assert {"disponibilites", "flux", "soustraits"} <= set(generales["indicateur"])
    # Every holder's attribués added up: not the réservataire's to see.
    assert "logements_attribues" not in set(generales["indicateur"])
    assert set(zip(generales[contrat.PT], generales[contrat.PC], strict=True)) == {("DEPARTEMENT", "93")}


@pytest.mark.parametrize(
    "construire",
    [
        pytest.param(lambda b, o: epci.classeur_epci(b, PLAINE_COMMUNE, o), id="epci"),
        pytest.param(lambda b, o: etat.classeur_etat(b, "93", o), id="etat"),
        pytest.param(lambda b, o: reservataire.classeur_reservataire(b, NOM, o), id="reservataire"),
        pytest.param(lambda b, o: previsionnel.classeur_previsionnel(b, PREFET, o), id="previsionnel"),
    ],
)
def test_aller_retour_classeur_lire_envois(petit_bilan, construire):
    options = dataclasses.replace(OPTIONS, bailleur="=Habitat Test")  # a name that looks like a formula
    octets = construire(petit_bilan, options)
    _, ecrites = lire_donnees(octets)
    recu = lire_envois([("bilan.xlsx", octets)], annee=2024)
    assert recu.ok, [str(p) for p in recu.erreurs]
    assert not recu.avertissements, [str(p) for p in recu.avertissements]
    (envoi,) = recu.envois
    assert (envoi.bailleur, envoi.annee, envoi.version) == ("=Habitat Test", 2024, rapports.commun.version_outil())
    assert len(envoi.lignes) == len(ecrites)
    lues = dict(zip(cles_de(envoi.lignes), envoi.lignes["valeur"], strict=True))
    ecrites = dict(zip(cles_de(ecrites), ecrites["valeur"].astype("float64"), strict=True))
    assert lues.keys() == ecrites.keys()
    assert all(lues[k] == pytest.approx(v, nan_ok=True) for k, v in ecrites.items())


def cles_de(df: pd.DataFrame) -> list[tuple[str, ...]]:
    return [tuple("" if pd.isna(v) else str(v) for v in ligne) for ligne in df[contrat.CLES].itertuples(index=False)]


def test_classeur_et_csv_du_meme_bailleur_donnent_les_memes_chiffres(donnees_demo):
    # Prorated forecasts (5,384615… logements) are written with the CSV's 6 decimals: read together, the État
    # workbook and indicateurs_2024.csv of one landlord agree (else: « 2 fichiers … donnent des chiffres différents »).
    b = donnees_demo.bilan
    options = dataclasses.replace(OPTIONS, bailleur="Habitat Démo")
    recu = lire_envois(
        [
            ("bilan_2024_etat_93.xlsx", etat.classeur_etat(b, "93", options)),
            ("indicateurs_2024.csv", ecrire_indicateurs_csv(b, bailleur="Habitat Démo")),
        ],
        annee=2024,
    )
    assert recu.ok, [str(p) for p in recu.erreurs]
    assert len(recu.envois) == 1


def test_feuille_donnees_imprime_seulement_son_en_tete(petit_bilan):
    # Printed whole, the sheet made most of a printed workbook (240 of the 253 pages of Est Ensemble's
    # consolidation in the demo): its print area stops at the header row, one page wide, and its subtitle says so.
    ws = classeur(previsionnel.classeur_previsionnel(petit_bilan, NOM, OPTIONS))["Données"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
    entete = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "annee")
    assert ws.max_row > entete  # the data rows are there, only not printed
    debut, fin = ws.print_area.split("!")[1].split(":")
    assert debut == "$A$1" and fin.endswith(f"${entete}") and len(fin.split("$")[1]) == 1  # up to column K or so
    assert donnees.NOTE_IMPRESSION in [ws.cell(r, 1).value for r in range(1, entete)]


def test_classeur_sans_nom_de_bailleur_est_refuse_a_la_lecture(petit_bilan):
    octets = epci.classeur_epci(petit_bilan, PLAINE_COMMUNE, dataclasses.replace(OPTIONS, bailleur=""))
    recu = lire_envois([("bilan.xlsx", octets)], annee=2024)
    assert [p.code for p in recu.erreurs] == ["envoi_sans_bailleur"]


def test_etiquettes_de_la_colonne_a_lisibles(petit_bilan):
    # Column A was 6 characters wide (the year): the value in B hid « Bailleur », « Version de flux_dash »…
    ws = classeur(epci.classeur_epci(petit_bilan, PLAINE_COMMUNE, OPTIONS))["Données"]
    entete = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "annee")
    etiquettes = [ws.cell(r, 1).value for r in range(1, entete) if ws.cell(r, 2).value is not None]
    assert "Version de flux_dash" in etiquettes
    assert ws.column_dimensions["A"].width >= max(len(e) for e in etiquettes)
