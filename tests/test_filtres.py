"""flux_dash.filtres: logement filters subset logements and their tours; the réservataire filter is display-only;
the sidebar's options come from the data and a choice they no longer allow is dropped (no Streamlit here)."""

from __future__ import annotations

import pandas as pd
import pytest

from flux_dash.filtres import (
    Filtres,
    filtrer_tables,
    garder_reservataires,
    options_filtres,
    restreindre_filtres,
    resumer_filtres,
    valeurs_presentes,
)

# L1 Saint-Denis (93, Plaine Commune 200057867), L2 Aubervilliers (93, Plaine Commune),
# L3 Boulogne (92, GPSO 200057974), L4 Paris (75, 217500016), L5 Achères-la-Forêt (77, CA Fontainebleau 200072346)
LOGEMENTS = pd.DataFrame(
    {
        "id_logement": pd.array(["L1", "L2", "L3", "L4", "L5"], dtype="string"),
        "code_commune": pd.array(["93066", "93001", "92012", "75056", "77001"], dtype="string"),
        "qpv": pd.array([True, False, False, True, False], dtype="boolean"),
        "typologie": pd.array(["T1", "T3", "T3", "T5+", "T2"], dtype="string"),
        "financement": pd.array(["PLAI", "PLUS", "PLS", "PLUS", "ANCIEN"], dtype="string"),
    }
)
TOURS = pd.DataFrame(
    {
        "id_logement": pd.array(["L1", "L1", "L2", "L3", "L4", "L5"], dtype="string"),
        "numero_tour": pd.array([1, 2, 1, 1, 1, 1], dtype="Int64"),
        "reservataire": pd.array(
            ["Préfet 93", "Bailleur", "Action Logement", "Préfet 92", "Ville de Paris", "Bailleur"], dtype="string"
        ),
    }
)
CONVENTIONS = pd.DataFrame({"reservataire": ["Préfet 93"], "perimetre_code": ["93"]})
TABLES = {"logements": LOGEMENTS, "tours": TOURS, "conventions": CONVENTIONS}


@pytest.mark.parametrize(
    ("filtres", "logements_gardes", "tours_gardes"),
    [
        pytest.param(Filtres(), ["L1", "L2", "L3", "L4", "L5"], 6, id="aucun-filtre"),
        pytest.param(Filtres(departements=("93",)), ["L1", "L2"], 3, id="departement"),
        pytest.param(Filtres(departements=("92", "75")), ["L3", "L4"], 2, id="deux-departements"),
        pytest.param(Filtres(territoires=("200057867",)), ["L1", "L2"], 3, id="ept-plaine-commune"),
        pytest.param(Filtres(communes=("93001", "77001")), ["L2", "L5"], 2, id="communes"),
        pytest.param(Filtres(qpv=("EN_QPV",)), ["L1", "L4"], 3, id="en-qpv"),
        pytest.param(Filtres(qpv=("HORS_QPV",)), ["L2", "L3", "L5"], 3, id="hors-qpv"),
        pytest.param(Filtres(typologies=("T3",)), ["L2", "L3"], 2, id="typologie"),
        pytest.param(Filtres(financements=("PLUS",), departements=("93",)), ["L2"], 1, id="financement-et-departement"),
        pytest.param(Filtres(departements=("95",)), [], 0, id="rien-ne-correspond"),
        pytest.param(
            Filtres(reservataires=("Préfet 93",)),
            ["L1", "L2", "L3", "L4", "L5"],
            6,
            id="reservataire-ne-filtre-pas-le-calcul",
        ),
    ],
)
def test_filtrer_tables(filtres, logements_gardes, tours_gardes):
    resultat = filtrer_tables(TABLES, filtres)
    assert list(resultat["logements"]["id_logement"]) == logements_gardes
    assert len(resultat["tours"]) == tours_gardes
    assert resultat["conventions"] is CONVENTIONS  # conventions define perimeters: never filtered


def test_filtrer_tables_ne_modifie_pas_les_tables_d_origine():
    filtrer_tables(TABLES, Filtres(departements=("93",)))
    assert len(TABLES["logements"]) == 5 and len(TABLES["tours"]) == 6


@pytest.mark.parametrize(
    ("filtres", "actifs", "filtre_logements"),
    [
        pytest.param(Filtres(), False, False, id="vide"),
        pytest.param(Filtres(reservataires=("X",)), True, False, id="reservataire-seul"),
        pytest.param(Filtres(communes=("93001",)), True, True, id="commune"),
    ],
)
def test_filtres_actifs(filtres, actifs, filtre_logements):
    assert (filtres.actifs, filtres.filtre_logements) == (actifs, filtre_logements)


def test_cle_independante_de_l_ordre_de_selection():
    assert Filtres(communes=("93066", "93001")).cle() == Filtres(communes=("93001", "93066")).cle()
    assert Filtres(communes=("93066",)).cle() != Filtres(territoires=("93066",)).cle()


def test_garder_reservataires_garde_les_lignes_du_perimetre_entier():
    resultats = pd.DataFrame({"reservataire": ["Préfet 93", "Bailleur", "", None], "n": [1, 2, 3, 4]})
    assert list(garder_reservataires(resultats, Filtres(reservataires=("Préfet 93",)))["n"]) == [1, 3, 4]
    assert list(garder_reservataires(resultats, Filtres())["n"]) == [1, 2, 3, 4]


def test_options_viennent_des_donnees_avec_leurs_libelles_dans_l_ordre_d_affichage():
    options = options_filtres(TABLES)
    assert list(options["departements"].items()) == [
        ("75", "Paris (75)"),
        ("77", "Seine-et-Marne (77)"),
        ("92", "Hauts-de-Seine (92)"),
        ("93", "Seine-Saint-Denis (93)"),
    ]
    assert list(options["territoires"]) == ["200072346", "200057974", "217500016", "200057867"]  # by name
    assert list(options["communes"].values()) == [
        "Achères-la-Forêt",
        "Aubervilliers",
        "Boulogne-Billancourt",
        "Paris",
        "Saint-Denis",
    ]
    assert options["qpv"] == {"EN_QPV": "En QPV", "HORS_QPV": "Hors QPV"}
    assert options["typologies"] == {"T1": "T1", "T2": "T2", "T3": "T3", "T5+": "T5 et +"}  # no T4 in the data
    assert list(options["financements"]) == ["PLAI", "PLUS", "PLS", "ANCIEN"]  # référentiel order
    assert list(options["reservataires"]) == ["Action Logement", "Bailleur", "Préfet 92", "Préfet 93", "Ville de Paris"]


def test_options_sans_tables():
    options = options_filtres({})
    assert options["communes"] == {} and options["reservataires"] == {} and options["typologies"] == {}


@pytest.mark.parametrize(
    ("choisis", "attendus"),
    [
        pytest.param(Filtres(), Filtres(), id="rien"),
        pytest.param(
            Filtres(departements=("93",), communes=("93066", "75056")),
            Filtres(departements=("93",), communes=("93066",)),
            id="commune-d-un-autre-departement-retiree",
        ),
        pytest.param(
            Filtres(departements=("93",), territoires=("200057974", "200057867")),
            Filtres(departements=("93",), territoires=("200057867",)),
            id="territoire-d-un-autre-departement-retire",
        ),
        pytest.param(
            Filtres(territoires=("200057867",), communes=("93001", "92012")),
            Filtres(territoires=("200057867",), communes=("93001",)),
            id="commune-hors-du-territoire-retiree",
        ),
        pytest.param(Filtres(typologies=("T4", "T3")), Filtres(typologies=("T3",)), id="valeur-absente-des-donnees"),
        pytest.param(
            Filtres(reservataires=("Préfet 93", "Inconnu")), Filtres(reservataires=("Préfet 93",)), id="reservataire"
        ),
    ],
)
def test_restreindre_filtres_retire_ce_que_les_autres_choix_excluent(choisis, attendus):
    restreints, options = restreindre_filtres(TABLES, choisis)
    assert restreints == attendus
    assert options == options_filtres(TABLES, choisis)


def test_resumer_filtres_nomme_trois_valeurs_au_plus():
    libelles = {"typologies": {"T1": "T1", "T2": "T2", "T3": "T3", "T4": "T4", "T5+": "T5 et +"}}
    f = Filtres(typologies=("T1", "T2", "T3", "T4", "T5+"), qpv=("EN_QPV",))
    assert resumer_filtres(f, libelles) == "Filtres actifs : QPV : EN_QPV · Typologie : T1, T2, T3 et 2 autres"
    assert (
        resumer_filtres(Filtres(communes=("93066",)), options_filtres(TABLES))
        == "Filtres actifs : Commune : Saint-Denis"
    )
    assert resumer_filtres(Filtres()) == ""


@pytest.mark.parametrize(
    "choisis",
    [Filtres(), Filtres(departements=("93",)), Filtres(departements=("93", "75"), territoires=("200057867",))],
    ids=["aucun", "un-departement", "departements-et-territoire"],
)
def test_options_depuis_les_valeurs_presentes_lues_une_fois(choisis):
    """The rows are read once per upload (valeurs_presentes); the options of any choice follow from them."""
    presentes = valeurs_presentes(TABLES)
    assert options_filtres(presentes, choisis) == options_filtres(TABLES, choisis)
    assert restreindre_filtres(presentes, choisis) == restreindre_filtres(TABLES, choisis)
    assert presentes.reservataires == tuple(sorted(set(TABLES["tours"]["reservataire"])))
