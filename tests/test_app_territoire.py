"""AppTest of the receiving side's entrance (issue 9): the two entrances of the home page, the sidebar of the chosen
side, the multi-landlord demo in a private in-memory store, the user's store never mixed with a demo."""

from __future__ import annotations

import pytest

from flux_dash.consolidation import lire_envois, reception
from flux_dash.consolidation.base import Base
from flux_dash.consolidation.reception import ETAPES_RECEPTION
from flux_dash.ui import etat
from flux_dash.ui.navigation import COTE_BAILLEUR, COTE_TERRITOIRE, MENUS
from flux_dash.ui.territoire import demo, progression
from flux_dash.ui.territoire.demo import fichiers_demo
from tests.ui_outils import nouvelle_app

RECEPTION = "Je reçois des bilans (EPCI/EPT, État)"
BAILLEUR = "Je suis un bailleur : je dépose mes tours"
DEMO = "Essayer avec la démo multi-bailleurs"


@pytest.fixture(autouse=True)
def base_isolee(tmp_path, monkeypatch, fichiers_demo_territoire):
    """The user's store of these tests: a file of the test's own folder (never the real user's)."""
    chemin = tmp_path / "campagnes.duckdb"
    monkeypatch.setenv("FLUX_DASH_BASE", str(chemin))
    return chemin


def _cliquer(at, libelle: str):
    next(b for b in at.button if b.label == libelle).click().run()
    assert not at.exception
    return at


def _menu(at) -> list[str]:
    return [p.label for p in at.sidebar.get("page_link")]


def test_deux_entrees_et_barre_laterale_du_cote_choisi():
    at = nouvelle_app().run()
    assert not at.exception
    assert at.session_state[etat.COTE] == COTE_BAILLEUR
    assert _menu(at)[: len(MENUS[COTE_BAILLEUR])] == [p.libelle for p in MENUS[COTE_BAILLEUR]]
    _cliquer(at, RECEPTION)
    assert at.session_state[etat.COTE] == COTE_TERRITOIRE
    menu = _menu(at)
    assert "Contrôles" not in menu and "Accueil" in menu
    assert [p.libelle for p in MENUS[COTE_TERRITOIRE]] == menu[: len(MENUS[COTE_TERRITOIRE])]
    assert any("Choisissez la démonstration" in i.value for i in at.info)
    at.run()  # the choice is kept for the session
    assert at.session_state[etat.COTE] == COTE_TERRITOIRE
    _cliquer(at, BAILLEUR)
    assert "Contrôles" in _menu(at)


def test_demo_multi_bailleurs_en_memoire_sans_toucher_la_base(base_isolee):
    at = _cliquer(nouvelle_app().run(), DEMO)
    assert at.session_state[etat.COTE] == COTE_TERRITOIRE
    assert at.session_state[etat.MODE_BASE] == "demo"
    base = at.session_state[etat.BASE_DEMO]
    recus = lire_envois(fichiers_demo())
    assert base.memoire and len(base.depots(2024)) == len(recus.de_l_annee(2024)) >= 4
    assert base.annees() == [2023, 2024]
    n = len({e.cle for e in recus.envois})
    assert any(f"{n} bailleurs, bilans 2023, 2024" in s.value for s in at.success)
    assert "Habitat Francilien Démo" in base.attendus(2024, ("EPCI_EPT", "200057875"))["bailleur"].tolist()
    assert [s.label for s in at.sidebar.selectbox] == ["Année des bilans", "Territoire"]
    assert at.sidebar.selectbox[0].value == 2024
    assert not base_isolee.exists()  # the user's store is never created by the demo


def test_deux_sessions_demo_ne_se_voient_pas():
    a = _cliquer(nouvelle_app().run(), DEMO)
    b = _cliquer(nouvelle_app().run(), DEMO)
    base_a, base_b = a.session_state[etat.BASE_DEMO], b.session_state[etat.BASE_DEMO]
    assert base_a is not base_b
    n = len(base_b.depots(2024))
    base_a.retirer(base_a.depots(2024)["bailleur"].iloc[0], 2024)
    assert len(base_a.depots(2024)) == n - 1 and len(base_b.depots(2024)) == n


def test_base_reelle_et_demo_ne_se_melangent_pas(base_isolee):
    reelle = _cliquer(_cliquer(nouvelle_app().run(), RECEPTION), "Utiliser ma base de campagne")
    assert reelle.session_state[etat.MODE_BASE] == "reelle"
    assert any("aucun bilan" in i.value for i in reelle.info)
    demo = _cliquer(nouvelle_app().run(), DEMO)
    assert len(Base(base_isolee).depots()) == 0  # the demo wrote nothing in the user's file
    reelle.run()
    assert any("aucun bilan" in i.value for i in reelle.info)
    # the same session switching from the demo to its real store forgets the demo (and closes it)
    _cliquer(demo, "Utiliser ma base de campagne")
    assert demo.session_state[etat.BASE_DEMO] is None
    assert any("aucun bilan" in i.value for i in demo.info)


def test_base_illisible_message_francais(base_isolee):
    base_isolee.write_bytes(b"pas une base DuckDB")
    at = _cliquer(_cliquer(nouvelle_app().run(), RECEPTION), "Utiliser ma base de campagne")
    assert any("illisible" in e.value for e in at.error)


def _boite(at) -> tuple[str, str, list[str]]:
    """The progress box of the receiving side: its final label, its state and the stages it listed."""
    (boite,) = at.status
    return boite.label, boite.state, [c.value for c in boite.children.values()]


def test_clic_demo_montre_chaque_etape_dans_une_boite_de_progression():
    demo._receptions_demo.clear()  # the first click of the server: the demo's files are read
    at = nouvelle_app().run()
    assert not at.status
    _cliquer(at, DEMO)
    assert _boite(at) == (
        progression.FIN,
        "complete",
        [f"{progression.LIBELLES_ETAPES[e]}…" for e in ("lecture", "controles", "base", "consolidation")],
    )
    at.run()  # a rerun does nothing again: no box
    assert not at.status


def test_les_libelles_suivent_les_etapes_de_la_bibliotheque():
    assert tuple(progression.LIBELLES_ETAPES)[: len(ETAPES_RECEPTION)] == ETAPES_RECEPTION


def test_demo_lue_une_fois_par_serveur(monkeypatch):
    _cliquer(nouvelle_app().run(), DEMO)  # the first session reads the demo's files (or found them read)
    lus = []
    vraie = reception._lire_fichier
    monkeypatch.setattr(reception, "_lire_fichier", lambda nom, contenu: lus.append(nom) or vraie(nom, contenu))
    at = _cliquer(nouvelle_app().run(), DEMO)  # another session: the same fictional files, read already
    assert lus == [] and at.session_state[etat.BASE_DEMO].annees() == [2023, 2024]
    assert _boite(at)[2] == [f"{progression.LIBELLES_ETAPES[e]}…" for e in ("base", "consolidation")]
