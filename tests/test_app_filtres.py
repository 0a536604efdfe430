"""AppTest of the sidebar filters: persisted across pages, applied to the bilan, cleared by one button."""

from __future__ import annotations

import pytest

from flux_dash.filtres import Filtres
from flux_dash.ui import etat
from flux_dash.ui.affichage import echapper
from flux_dash.ui.navigation import PAGE_QPV, PAGE_RESERVATAIRES, PAGE_TERRITOIRES, PAGE_VUE
from tests.ui_outils import installer, nouvelle_app


def _filtre(at, libelle):
    return next(m for m in at.sidebar.multiselect if m.label == libelle)


@pytest.mark.lent
def test_un_filtre_suit_l_utilisateur_d_une_page_a_l_autre(donnees_demo):
    at = installer(nouvelle_app(PAGE_VUE), donnees_demo).run()
    assert not at.exception
    _filtre(at, "Département").set_value(["93"]).run()
    assert not at.exception
    assert at.session_state[etat.FILTRES] == Filtres(departements=("93",))
    bilans = at.session_state[etat.BILANS]
    assert [c.filtres[0] for c in bilans] == [(), ("93",)]  # the filtered bilan was computed and cached
    at.switch_page(PAGE_RESERVATAIRES).run()
    assert not at.exception
    assert _filtre(at, "Département").value == ["93"]
    assert at.session_state[etat.FILTRES] == Filtres(departements=("93",))


@pytest.mark.lent
def test_effacer_les_filtres(donnees_demo):
    at = installer(nouvelle_app(PAGE_VUE), donnees_demo).run()
    _filtre(at, "Typologie").set_value(["T1"]).run()
    next(b for b in at.sidebar.button if b.label == "Effacer les filtres").click().run()
    assert not at.exception
    assert at.session_state[etat.FILTRES] == Filtres()
    assert _filtre(at, "Typologie").value == []


EST_ENSEMBLE = "200057875"


@pytest.mark.lent
@pytest.mark.parametrize(
    "page",
    [
        pytest.param(PAGE_VUE, id="vue-d-ensemble"),
        pytest.param(PAGE_TERRITOIRES, id="territoires"),
        pytest.param(PAGE_QPV, id="qpv"),
    ],
)
def test_un_filtre_actif_est_rappele_par_son_nom_sous_le_titre(donnees_demo, page):
    at = installer(nouvelle_app(page), donnees_demo).run()
    assert not any(c.value.startswith(":material/filter_list:") for c in at.main.caption)
    _filtre(at, "EPCI / EPT").set_value([EST_ENSEMBLE]).run()
    assert not at.exception
    rappels = [c.value for c in at.main.caption if c.value.startswith(":material/filter_list:")]
    assert rappels == [":material/filter_list: " + echapper("Filtres actifs : EPCI / EPT : Est Ensemble")]


@pytest.mark.lent
def test_reservataires_s_ouvre_sur_un_reservataire_actif_du_perimetre_filtre(donnees_demo):
    at = installer(nouvelle_app(PAGE_VUE), donnees_demo).run()
    _filtre(at, "EPCI / EPT").set_value([EST_ENSEMBLE]).run()
    at.switch_page(PAGE_RESERVATAIRES).run()
    assert not at.exception
    choisi = at.selectbox(key=etat.CLE_RESERVATAIRE).value
    assert "Paris" not in choisi  # the first holder in référentiel order has nothing in Est Ensemble
    assert not at.info
    inactif = next(r for r in at.selectbox(key=etat.CLE_RESERVATAIRE).options if "Préfecture de Paris" in r)
    at.selectbox(key=etat.CLE_RESERVATAIRE).set_value(
        next(r for r in donnees_demo.rapport.tables["tours"]["reservataire"].unique() if r in inactif)
    ).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Aucun logement n'a été orienté vers ce réservataire en 2024 dans le périmètre retenu par les filtres."
    ]


@pytest.mark.lent
def test_changer_de_departement_oublie_les_communes_de_l_ancien_avant_le_calcul(donnees_demo):
    # Commune options follow the chosen département: a commune of the previous département must not narrow the
    # bilan computed in the same run (it would show an empty bilan under a sidebar that no longer lists it).
    at = installer(nouvelle_app(PAGE_VUE), donnees_demo).run()
    _filtre(at, "Département").set_value(["93"]).run()
    _filtre(at, "Commune").set_value(["93066"]).run()
    assert at.session_state[etat.FILTRES] == Filtres(departements=("93",), communes=("93066",))
    _filtre(at, "Département").set_value(["75"]).run()
    assert not at.exception
    assert at.session_state[etat.FILTRES] == Filtres(departements=("75",))
    calcules = [c.filtres[:3] for c in at.session_state[etat.BILANS]]
    assert (("75",), (), ("93066",)) not in calcules
    assert calcules[-1] == (("75",), (), ())
