"""AppTest of the Réception page (issue 9 §2): without a store, with the demo, a broken mailbox (files refused with
a French reason), a replacement only after confirmation, the expected landlords kept in the store, the coverage."""

from __future__ import annotations

import pytest
from outils_consolidation import csv_tidy, habitat_a

from flux_dash.consolidation.base import Base
from flux_dash.ui import etat
from flux_dash.ui.navigation import PAGE_RECEPTION
from tests.ui_outils import nouvelle_app

EST_ENSEMBLE = ("EPCI_EPT", "200057875")


@pytest.fixture(autouse=True)
def base_isolee(tmp_path, monkeypatch, fichiers_demo_territoire):
    chemin = tmp_path / "campagnes.duckdb"
    monkeypatch.setenv("FLUX_DASH_BASE", str(chemin))
    return chemin


def _cliquer(at, debut: str):
    next(b for b in at.button if b.label.startswith(debut)).click().run()
    assert not at.exception
    return at


def _reception(demo: bool = True):
    at = nouvelle_app().run()
    _cliquer(at, "Essayer avec la démo" if demo else "Je reçois des bilans")
    if not demo:
        _cliquer(at, "Utiliser ma base")
    at.switch_page(PAGE_RECEPTION).run()
    assert not at.exception
    return at


def _deposer(at, fichiers):
    at.file_uploader[0].set_value([(n, o, "application/octet-stream") for n, o in fichiers]).run()
    assert not at.exception
    return at.dataframe[0].value


def test_sans_base_renvoie_a_l_accueil():
    at = nouvelle_app()
    at.switch_page(PAGE_RECEPTION).run()
    assert not at.exception
    assert any("Aucune base de bilans" in i.value for i in at.info)


def test_base_vide_invite_a_deposer():
    at = _reception(demo=False)
    assert at.file_uploader[0].label.startswith("Déposez les bilans reçus")
    assert any("aucun bilan" in i.value for i in at.info)


def test_demo_couverture_du_territoire_choisi():
    at = _reception()
    assert at.sidebar.selectbox[1].value == EST_ENSEMBLE
    metriques = {m.label: m.value for m in at.metric}
    assert metriques["Bailleurs attendus"] == "6" and int(metriques["Manquants"]) >= 1
    assert int(metriques["Bilans reçus sur le territoire"]) >= 2
    couverture = at.dataframe[0].value
    assert list(couverture.columns) == ["Bailleur", "Statut", "Fichiers", "Disponibilités", "Part des disponibilités"]
    recus = couverture[couverture["Statut"] == "reçu"]
    assert len(recus) >= 2 and all(p.endswith("%") for p in recus["Part des disponibilités"])
    manquants = couverture.loc[couverture["Statut"] == "manquant", "Bailleur"].tolist()
    assert "Habitat Francilien Démo" in manquants  # the demo's landlord who never sends
    assert [c.value for c in at.code] == ["\n".join(manquants)]  # the « relance » list, to copy


def test_attendus_tapes_gardes_dans_la_base_manquant_en_relance():
    at = _reception()
    premier = at.session_state[etat.BASE_DEMO].depots(2024)["bailleur"].iloc[0]
    at.text_area[0].input(f"{premier}\nHabitat Oublié ; 123456789").run()
    _cliquer(at, "Enregistrer la liste")
    base = at.session_state[etat.BASE_DEMO]
    assert base.attendus(2024, EST_ENSEMBLE).values.tolist() == [[premier, ""], ["Habitat Oublié", "123456789"]]
    metriques = {m.label: m.value for m in at.metric}
    assert metriques["Bailleurs attendus"] == "2" and metriques["Manquants"] == "1"
    assert [c.value for c in at.code] == ["Habitat Oublié"]  # the « relance » list, to copy
    couverture = at.dataframe[0].value
    assert couverture.loc[couverture["Bailleur"] == "Habitat Oublié", "Statut"].tolist() == ["manquant"]


def test_boite_cassee_une_ligne_par_fichier_refus_en_francais():
    at = _reception(demo=False)
    lignes = _deposer(
        at,
        [
            ("a.csv", csv_tidy("Habitat A", habitat_a())),
            ("tours.csv", b"id_logement;date_tour\nL1;01/02/2024\n"),
            ("vide.xlsx", b"pas un classeur"),
            ("copie.csv", csv_tidy("Habitat A", habitat_a())),
        ],
    )
    assert lignes["Fichier"].tolist() == ["a.csv", "tours.csv", "vide.xlsx", "copie.csv"]
    assert lignes["Statut"].tolist() == ["ajouté", "refusé", "refusé", "identique"]
    assert lignes["Bailleur"].tolist()[0] == "Habitat A" and lignes["Territoire couvert"].tolist()[0] == "Est Ensemble"
    refus = lignes.loc[lignes["Statut"] == "refusé", "Raison ou remarque"]
    assert all(r and "Traceback" not in r and "Error" not in r for r in refus)
    assert len(Base().depots(2024)) == 1  # kept in the user's store


def test_remplacement_seulement_apres_confirmation():
    at = _reception(demo=False)
    _deposer(at, [("a.csv", csv_tidy("Habitat A", habitat_a()))])
    autre = [(*ligne[:-1], ligne[-1] + 1) if ligne[6] == "disponibilites" else ligne for ligne in habitat_a()]
    lignes = _deposer(at, [("a_corrige.csv", csv_tidy("Habitat A", autre))])
    assert lignes["Statut"].tolist() == ["à confirmer"]
    assert Base().historique()["action"].tolist() == ["ajout"]  # nothing replaced yet
    _cliquer(at, "Remplacer les chiffres 2024 de Habitat A")
    assert at.dataframe[0].value["Statut"].tolist() == ["remplacé"]
    assert Base().historique()["action"].tolist() == ["ajout", "remplacement"]


def test_annee_et_territoire_choisis_gardes_d_une_page_a_l_autre():
    at = _reception()
    plaine = ("EPCI_EPT", "200057867")
    at.sidebar.selectbox[0].select(2023).run()
    at.sidebar.selectbox[1].select(plaine).run()
    assert not at.exception
    at.switch_page("app.py").run()
    at.switch_page(PAGE_RECEPTION).run()
    assert (at.sidebar.selectbox[0].value, at.sidebar.selectbox[1].value) == (2023, plaine)
    assert any("Plaine Commune" in s.value for s in at.subheader)


def test_plusieurs_bailleurs_envoient_le_meme_nom_de_fichier():
    """Every landlord sends « indicateurs_2024.csv »: each line names its own landlord (matched by content)."""
    from outils_consolidation import logis_b

    at = _reception(demo=False)
    lignes = _deposer(
        at,
        [
            ("indicateurs_2024.csv", csv_tidy("Habitat A", habitat_a())),
            ("indicateurs_2024.csv", csv_tidy("Logis B", logis_b())),
        ],
    )
    assert lignes["Bailleur"].tolist() == ["Habitat A", "Logis B"]
    assert lignes["Statut"].tolist() == ["ajouté", "ajouté"]


def test_depot_montre_ses_etapes_et_ne_relit_pas_les_fichiers_deja_lus(monkeypatch):
    from outils_consolidation import logis_b

    from flux_dash.consolidation import reception as module_reception
    from flux_dash.ui.territoire import progression

    at = _reception(demo=False)
    a = ("a.csv", csv_tidy("Habitat A", habitat_a()))
    _deposer(at, [a])
    label, state, etapes = (at.status[0].label, at.status[0].state, [c.value for c in at.status[0].children.values()])
    assert (label, state) == (progression.FIN, "complete")
    assert etapes == [f"{progression.LIBELLES_ETAPES[e]}…" for e in ("lecture", "controles", "base", "consolidation")]
    lus = []
    vraie = module_reception._lire_fichier
    monkeypatch.setattr(module_reception, "_lire_fichier", lambda nom, contenu: lus.append(nom) or vraie(nom, contenu))
    lignes = _deposer(at, [a, ("b.csv", csv_tidy("Logis B", logis_b()))])  # one more file in the uploader
    assert lus == ["b.csv"]
    assert lignes["Statut"].tolist() == ["identique", "ajouté"]


def test_un_fichier_aux_memes_chiffres_apparait_dans_la_couverture():
    """The same figures in another file (other bytes): the store lists both files, and so does the coverage."""
    at = _reception(demo=False)
    a = csv_tidy("Habitat A", habitat_a())
    _deposer(at, [("a.csv", a)])
    lignes = _deposer(at, [("a.csv", a), ("a-renvoi.csv", a + b"\n")])
    assert lignes["Statut"].tolist() == ["identique", "identique"]
    couverture = next(d.value for d in at.dataframe if "Fichiers" in d.value.columns)
    assert couverture.loc[couverture["Bailleur"] == "Habitat A", "Fichiers"].tolist() == ["a-renvoi.csv ; a.csv"]
