"""AppTest of the sidebar filters: persisted across pages, applied to the bilan, cleared by one button."""

# Fixtures are imported from tests/ui_outils.py (tests/conftest.py belongs to the lead): pytest sees them by name.
# ruff: noqa: F811
from __future__ import annotations

from flux_dash.filtres import Filtres
from flux_dash.ui import commun, etat
from tests.ui_outils import donnees_demo, installer, nouvelle_app, tables_demo  # noqa: F401


def _filtre(at, libelle):
    return next(m for m in at.sidebar.multiselect if m.label == libelle)


def test_un_filtre_suit_l_utilisateur_d_une_page_a_l_autre(donnees_demo):
    at = installer(nouvelle_app(commun.PAGE_VUE), donnees_demo).run()
    assert not at.exception
    _filtre(at, "Département").set_value(["93"]).run()
    assert not at.exception
    assert at.session_state[etat.FILTRES] == Filtres(departements=("93",))
    bilans = at.session_state[etat.BILANS]
    assert [c.filtres[0] for c in bilans] == [(), ("93",)]  # the filtered bilan was computed and cached
    at.switch_page("pages/4_Réservataires.py").run()
    assert not at.exception
    assert _filtre(at, "Département").value == ["93"]
    assert at.session_state[etat.FILTRES] == Filtres(departements=("93",))


def test_les_options_viennent_des_donnees_avec_leurs_libelles(donnees_demo):
    tables = donnees_demo.rapport.tables
    options = commun.options_filtres(tables)
    assert set(options["typologies"].values()) <= {"T1", "T2", "T3", "T4", "T5 et +"}
    assert options["qpv"] == {"EN_QPV": "En QPV", "HORS_QPV": "Hors QPV"}
    assert "Seine-Saint-Denis (93)" in options["departements"].values()
    restreintes = commun.options_filtres(tables, Filtres(departements=("93",)))
    assert restreintes["communes"] and all(code.startswith("93") for code in restreintes["communes"])
    assert set(restreintes["reservataires"]) == set(tables["tours"]["reservataire"].astype(str))


def test_effacer_les_filtres(donnees_demo):
    at = installer(nouvelle_app(commun.PAGE_VUE), donnees_demo).run()
    _filtre(at, "Typologie").set_value(["T1"]).run()
    next(b for b in at.sidebar.button if b.label == "Effacer les filtres").click().run()
    assert not at.exception
    assert at.session_state[etat.FILTRES] == Filtres()
    assert _filtre(at, "Typologie").value == []
