"""AppTest of the receiving side's analysis pages (issue 9 §3–7): each page without a store, with the demo campaign,
and with a broken mailbox (a store whose consolidation fails, or a landlord without figures on the territory)."""

from __future__ import annotations

import pytest
from outils_consolidation import csv_tidy, habitat_a

from flux_dash.ui import etat
from flux_dash.ui.navigation import (
    PAGE_BAILLEURS,
    PAGE_EVOLUTION,
    PAGE_OBJECTIFS_CIA,
    PAGE_RAPPORTS_TERRITOIRE,
    PAGE_RECEPTION,
    PAGE_SYNTHESE_TERRITOIRE,
)
from flux_dash.ui.territoire import session
from tests.ui_outils import nouvelle_app

PAGES = [PAGE_SYNTHESE_TERRITOIRE, PAGE_BAILLEURS, PAGE_OBJECTIFS_CIA, PAGE_EVOLUTION, PAGE_RAPPORTS_TERRITOIRE]


@pytest.fixture(autouse=True)
def base_isolee(tmp_path, monkeypatch, fichiers_demo_territoire):
    monkeypatch.setenv("FLUX_DASH_BASE", str(tmp_path / "campagnes.duckdb"))


def _cliquer(at, debut: str):
    next(b for b in at.button if b.label.startswith(debut)).click().run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def demo(fichiers_demo_territoire):
    """One session in demo mode (the demo is built once per process)."""
    at = nouvelle_app().run()
    return _cliquer(at, "Essayer avec la démo")


def _ouvrir(at, page: str):
    at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_sans_base(page):
    at = _ouvrir(nouvelle_app(), page)
    assert any("Aucune base de bilans" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_base_vide(page):
    at = _cliquer(_cliquer(nouvelle_app().run(), "Je reçois des bilans"), "Utiliser ma base")
    at = _ouvrir(at, page)
    assert any("aucun bilan" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_consolidation_en_echec_message_francais(page, monkeypatch):
    def casse(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(session, "consolider", casse)
    at = _cliquer(nouvelle_app().run(), "Essayer avec la démo")  # the precomputation fails quietly: the demo loads
    assert at.session_state[etat.MODE_BASE] == "demo"
    at = _ouvrir(at, page)
    assert any("erreur interne de l'outil" in e.value for e in at.error)
    assert "boom" not in str([e.value for e in at.error])


def test_consolidation_calculee_une_fois_au_chargement_de_la_demo(monkeypatch):
    """The click on the demo computes the consolidation of each year on the default territory; the first visits of
    Réception, Synthèse and Évolution (which shows every year) then only read the session's cache."""
    appels = []
    vraie = session.consolider

    def compter(envois, annee, **options):
        appels.append((annee, tuple(options["territoires"])))
        return vraie(envois, annee, **options)

    monkeypatch.setattr(session, "consolider", compter)
    at = _cliquer(nouvelle_app().run(), "Essayer avec la démo")
    territoire = session.territoires_possibles(at.session_state[etat.BASE_DEMO], 2024)[0]
    assert sorted(appels) == [(2023, (territoire,)), (2024, (territoire,))]
    for page in (PAGE_RECEPTION, PAGE_SYNTHESE_TERRITOIRE, PAGE_EVOLUTION):
        _ouvrir(at, page)
    assert len(appels) == 2
    at.sidebar.selectbox[1].select(("DEPARTEMENT", "93")).run()  # another territory: computed at its first visit
    assert sorted(appels[2:]) == [(2023, (("DEPARTEMENT", "93"),)), (2024, (("DEPARTEMENT", "93"),))]  # Évolution


def test_synthese_demo(demo):
    at = _ouvrir(demo, PAGE_SYNTHESE_TERRITOIRE)
    metriques = {m.label: m.value for m in at.metric}
    assert list(metriques) == ["Disponibilités", "Soustraits", "Flux annuel", "Proposés", "Attribués"]
    assert any("bailleurs ensemble" in c.value for c in at.caption)
    etapes = at.dataframe[0].value["Étape"].tolist()
    assert etapes[0] == "Disponibilités" and etapes[-1] == "Flux annuel"
    matrice = at.dataframe[1].value
    assert matrice["Catégorie"].iloc[-1] == "Total"
    communes = at.dataframe[2].value
    assert "Montreuil" in communes["Commune"].tolist()


def test_bailleurs_demo_tri(demo):
    at = _ouvrir(demo, PAGE_BAILLEURS)
    t = at.dataframe[0].value
    assert len(t) >= 2 and t.columns[0] == "Bailleur"
    at.selectbox(key=etat.CLE_TRI_BAILLEURS).select("Flux").run()
    assert not at.exception
    flux = [int(v.replace("\u202f", "")) for v in at.dataframe[0].value["Flux"]]
    assert flux == sorted(flux, reverse=True)


def test_un_seul_bailleur_recu_dans_la_base_de_l_utilisateur():
    """The user's store holding one small landlord, dropped on Réception: every page draws."""
    at = _cliquer(_cliquer(nouvelle_app().run(), "Je reçois des bilans"), "Utiliser ma base")
    at.switch_page("pages/11_Réception.py").run()
    at.file_uploader[0].set_value([("a.csv", csv_tidy("Habitat A", habitat_a()), "text/csv")]).run()
    assert not at.exception
    for page in PAGES:
        assert not _ouvrir(at, page).error


def test_objectifs_cia_par_defaut_puis_gardes_dans_la_base(demo):
    at = _ouvrir(demo, PAGE_OBJECTIFS_CIA)
    realise = at.dataframe[-1].value
    assert realise["Objectif"].tolist() == ["25,0\u202f%", "50,0\u202f%", "25,0\u202f%"]
    assert set(realise["Cible"]) == {"Territoire (tous bailleurs)"}
    assert list(realise.columns) == ["Cible", "Indicateur", "Objectif", "Réalisé", "Écart (points)"]
    base = at.session_state[etat.BASE_DEMO]
    territoire = at.session_state[etat.TERRITOIRE]
    assert base.objectifs(2024, territoire) is None
    _cliquer(at, "Enregistrer les objectifs")
    assert base.objectifs(2024, territoire)["objectif"].tolist() == [0.25, 0.5, 0.25]


def test_evolution_n_et_n_1(demo):
    at = _ouvrir(demo, PAGE_EVOLUTION)
    t = at.dataframe[0].value
    assert list(t.columns) == ["Indicateur", "2024", "2023", "Évolution", "À bailleurs constants"]
    assert "Flux annuel" in t["Indicateur"].tolist()
    parts = t[t["2024"].str.endswith("%")]
    assert len(parts) and all(v.endswith(" pt") or v == "n.s." for v in parts["Évolution"])
    at.radio(key=etat.CLE_NIVEAU_EVOLUTION).set_value("bailleurs").run()
    assert not at.exception
    par_bailleur = at.dataframe[0].value
    assert list(par_bailleur.columns) == ["Bailleur", "Indicateur", "2024", "2023", "Évolution"]
    assert par_bailleur["Bailleur"].nunique() >= 2
    parts = par_bailleur[par_bailleur["2024"].str.endswith("%")]
    assert len(parts) and all(v.endswith(" pt") or v == "n.s." for v in parts["Évolution"])
    annees = at.dataframe[-1].value
    assert annees["Année"].tolist() == ["2023", "2024"]


def test_rapports_du_territoire_prepares_puis_telecharges(demo):
    at = _ouvrir(demo, PAGE_RAPPORTS_TERRITOIRE)
    assert not at.get("download_button")
    _cliquer(at, "Préparer les fichiers du territoire")
    libelles = [b.proto.label for b in at.get("download_button")]
    assert libelles == [
        "Télécharger consolidation_2024_est-ensemble.xlsx",
        "Télécharger indicateurs_consolides_2024.csv",
        "Télécharger couverture_2024.csv",
    ]


def test_rapports_du_territoire_territoire_inconnu_message_precis(monkeypatch):
    """TerritoireInconnu carries a precise French message: the page shows it, not the generic « erreur interne »."""
    from flux_dash.rapports import consolidation as rc

    def refuser(co, ptype, pcode):
        rc.verifier_territoire("EPCI", pcode)

    monkeypatch.setattr(rc, "classeur_consolidation", refuser)
    at = _ouvrir(_cliquer(nouvelle_app().run(), "Essayer avec la démo"), PAGE_RAPPORTS_TERRITOIRE)
    _cliquer(at, "Préparer les fichiers du territoire")
    erreurs = [e.value for e in at.error]
    assert any("type de périmètre inconnu : « EPCI »" in e for e in erreurs), erreurs
    assert not any("erreur interne" in e for e in erreurs)
    assert not at.get("download_button")
