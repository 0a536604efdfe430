"""The référentiel: category lists, aliases and reference tables (DOMAINE.md §2–§3, FORMAT.md §1.1)."""

import pandas as pd
import pytest

from flux_dash import referentiel as ref


@pytest.mark.parametrize(
    ("categorie", "saisie", "code"),
    [
        (ref.TYPOLOGIES, "studio", "T1"),
        (ref.TYPOLOGIES, "T1 bis", "T1"),
        (ref.TYPOLOGIES, "t1'", "T1"),
        (ref.TYPOLOGIES, "T1b", "T1"),
        (ref.TYPOLOGIES, "T6", "T5+"),
        (ref.TYPOLOGIES, "T5 et +", "T5+"),
        (ref.TYPOLOGIES, "3", "T3"),
        (ref.FINANCEMENTS, "PLA-I", "PLAI"),
        (ref.FINANCEMENTS, "pla ts", "PLAI"),
        (ref.FINANCEMENTS, "PLAI adapté", "PLAI"),
        (ref.FINANCEMENTS, "PLUS-CD", "PLUS"),
        (ref.FINANCEMENTS, "PLA ordinaire", "PLUS"),
        (ref.FINANCEMENTS, "PCLS", "PLS"),
        (ref.FINANCEMENTS, "PLA CFF", "PLS"),
        (ref.FINANCEMENTS, "HLM/O", "ANCIEN"),
        (ref.FINANCEMENTS, "ILN", "ANCIEN"),
        (ref.SOUSTRACTIONS, "Mutation interne", "MUTATION_INTERNE"),
        (ref.SOUSTRACTIONS, "NPNRU", "RELOGEMENT_RU"),
        (ref.SOUSTRACTIONS, "renouvellement urbain", "RELOGEMENT_RU"),
        (ref.SOUSTRACTIONS, "orcod", "RELOGEMENT_ORCOD"),
        (ref.SOUSTRACTIONS, "RHI", "RELOGEMENT_HABITAT_INDIGNE"),
        (ref.SOUSTRACTIONS, "Vente", "RELOGEMENT_VENTE"),
        (ref.ISSUES, "Attribué", "ATTRIBUE"),
        (ref.ISSUES, "refus", "REFUS_CANDIDAT"),
        (ref.ISSUES, "rejet", "NON_ATTRIBUE_CALEOL"),
        (ref.ISSUES, "remise à disposition", "ABSENCE_DESIGNATION"),
        (ref.ISSUES, "en cours", "EN_COURS"),
        (ref.CATEGORIES_RESERVATAIRE, "Préfet", "ETAT_PRIORITAIRES"),
        (ref.CATEGORIES_RESERVATAIRE, "contingent préfectoral", "ETAT_PRIORITAIRES"),
        (ref.CATEGORIES_RESERVATAIRE, "fonctionnaires", "ETAT_AGENTS"),
        (ref.CATEGORIES_RESERVATAIRE, "ALS", "ACTION_LOGEMENT"),
        (ref.CATEGORIES_RESERVATAIRE, "Action Logement", "ACTION_LOGEMENT"),
        (ref.TYPOLOGIES, "T9X", None),
    ],
)
def test_alias_donne_le_code_canonique(categorie, saisie, code):
    assert categorie.code_pour(saisie) == code


def test_normaliser_ignore_casse_accents_espaces_tirets():
    assert {ref.normaliser_texte(s) for s in ["Code commune", "code_commune", "CODE-COMMUNE", "Code Communé"]} == {
        "codecommune"
    }


def test_slug_selon_format():
    assert ref.slug("Préfecture de Seine-Saint-Denis (93)") == "prefecture-de-seine-saint-denis-93"
    assert ref.slug("Ville d'Épinay") == "ville-d-epinay"


def test_communes_et_strates():
    communes = ref.communes()
    assert len(communes) == 1266
    assert communes["code_insee"].is_unique
    paris = communes.set_index("code_insee").loc["75056"]
    assert (paris["code_territoire"], paris["type_territoire"]) == ("217500016", "PARIS")
    saint_denis = communes.set_index("code_insee").loc["93066"]
    assert saint_denis["nom_territoire"] == "Plaine Commune"
    assert len(ref.territoires()) == 63


def test_arrondissements_et_communes_fusionnees():
    table = ref.correspondance_communes()
    assert table["75101"] == table["75120"] == "75056"
    assert table["93059"] == "93066"
    assert table["93066"] == "93066"


@pytest.mark.parametrize(
    ("annee", "periode"),
    [
        (1800, "avant-1949"),
        (1948, "avant-1949"),
        (1949, "1949-1976"),
        (1976, "1949-1976"),
        (1977, "1977-1989"),
        (1999, "1990-1999"),
        (2009, "2000-2009"),
        (2019, "2010-2019"),
        (2020, "2020-et-apres"),
        (2026, "2020-et-apres"),
    ],
)
def test_periodes_de_construction(annee, periode):
    assert ref.periode_construction(annee) == periode
    assert ref.periodes_construction(pd.Series([annee], dtype="Int64")).iloc[0] == periode


def test_epci_lec_par_defaut_contient_ept_paris_et_epci_avec_qpv():
    lec = set(ref.epci_lec_par_defaut())
    assert "217500016" in lec  # Paris
    assert "200057867" in lec  # Plaine Commune (EPT)
    # An EPCI without any QPV on its territory is not LEC by default.
    c = ref.communes()
    sans_qpv = set(c["code_territoire"]) - set(c.loc[c["code_insee"].isin(ref.qpv()["code_insee"]), "code_territoire"])
    sans_qpv -= set(c.loc[c["type_territoire"].isin(["EPT", "PARIS"]), "code_territoire"])
    assert sans_qpv and not (sans_qpv & lec)


def test_perimetres_et_libelles():
    assert ref.libelle_perimetre("DEPARTEMENT", "93") == "Seine-Saint-Denis (93)"
    assert ref.libelle_perimetre("REGION", "11") == "Île-de-France"
    assert ("EPCI_EPT", "200054781") in ref.perimetres_connus()  # the Métropole itself
    assert len(ref.communes_du_perimetre("DEPARTEMENT", "93")) == 39
    assert ref.communes_du_perimetre("EPCI_EPT", "200057867") >= {"93066"}
