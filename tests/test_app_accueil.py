"""AppTest of the home page (app.py): no data, the demo button, an upload, a broken upload."""

from __future__ import annotations

from flux_dash.filtres import Filtres
from flux_dash.ui import etat
from flux_dash.ui.chargement import LIBELLE_DEMO
from tests.ui_outils import charger, installer, nouvelle_app, tables_cassees, tables_en_fichiers


def test_sans_donnees_invite_a_charger():
    at = nouvelle_app().run()
    assert not at.exception
    assert at.session_state[etat.RAPPORT] is None
    assert any("déposez vos fichiers" in i.value for i in at.info)
    assert [b.label for b in at.button] == [
        "Je suis un bailleur : je dépose mes tours",
        "Je reçois des bilans (EPCI/EPT, État)",
        "Essayer avec la démo multi-bailleurs",
        "Charger les données d'exemple",
    ]
    assert at.title[0].value.endswith("Gestion en flux : bilans et prévisionnels")


def test_bouton_exemple_charge_les_donnees_et_affiche_le_resume():
    at = nouvelle_app().run()
    next(b for b in at.button if b.label == "Charger les données d'exemple").click().run()
    assert not at.exception
    rapport = at.session_state[etat.RAPPORT]
    assert rapport is not None and rapport.ok
    assert at.session_state[etat.FICHIERS] == [LIBELLE_DEMO]
    metriques = {m.label: m.value for m in at.metric}
    assert metriques == {
        "Logements": "3\u202f000",
        "Tours": f"{len(rapport.tables['tours']):,}".replace(",", "\u202f"),
        "Conventions": str(len(rapport.tables["conventions"])),
        "Années couvertes": "2023–2025",
    }
    assert any(s.value.startswith("Aucune erreur : le bilan 2024 peut être produit") for s in at.success)
    assert at.selectbox[0].value == 2024


def test_televersement_de_fichiers_csv_charge_une_seule_fois(tables_demo):
    at = nouvelle_app().run()
    fichiers = [(nom, octets, "text/csv") for nom, octets in tables_en_fichiers(tables_demo)]
    at.file_uploader[0].set_value(fichiers).run()
    assert not at.exception
    rapport = at.session_state[etat.RAPPORT]
    assert rapport is not None and rapport.ok
    assert at.session_state[etat.FICHIERS] == [n for n, _, _ in fichiers]
    assert "fd_octets" not in at.session_state  # the files are read once, never kept (a change of year needs no bytes)
    assert rapport.annee == 2024
    assert {m.label: m.value for m in at.metric}["Logements"] == "3\u202f000"
    assert ":material/description: logements\\.csv" in [
        c.value for c in at.sidebar.caption
    ]  # file names are markdown-escaped
    at.run()  # a rerun with the same files in the uploader does not read them again
    assert at.session_state[etat.RAPPORT] is rapport


def _etapes(at) -> tuple[str, str, list[str]]:
    """The progress box of a load: its final label, its state and the stages it listed."""
    (boite,) = at.status
    return boite.label, boite.state, [c.value for c in boite.children.values()]


def test_televersement_montre_chaque_etape_puis_le_bilan_est_deja_calcule(tables_demo):
    at = nouvelle_app().run()
    assert not at.status  # no box before any upload
    at.file_uploader[0].set_value([(n, o, "text/csv") for n, o in tables_en_fichiers(tables_demo)]).run()
    assert not at.exception
    assert _etapes(at) == (
        "Fichiers lus et contrôlés",
        "complete",
        ["Lecture des fichiers…", "Contrôles des données…", "Calcul du bilan…"],
    )
    (cle,) = at.session_state[etat.BILANS]  # the bilan of the default year, whole data, as the pages ask for it
    assert (cle.annee, cle.filtres) == (2024, etat.cle_bilan("", 2024, Filtres()).filtres)
    at.run()  # a rerun reads nothing again: no box
    assert not at.status


def test_televersement_avec_erreurs_ne_calcule_pas_de_bilan():
    at = nouvelle_app().run()
    at.file_uploader[0].set_value(("vide.xlsx", b"pas un classeur", "application/octet-stream")).run()
    assert _etapes(at)[2] == ["Lecture des fichiers…", "Contrôles des données…"]
    assert not at.session_state[etat.BILANS]


def test_fichier_illisible_message_francais_sans_trace():
    at = nouvelle_app().run()
    at.file_uploader[0].set_value(("vide.xlsx", b"pas un classeur", "application/octet-stream")).run()
    assert not at.exception
    rapport = at.session_state[etat.RAPPORT]
    assert rapport is not None and not rapport.ok
    assert any("bloque" in e.value for e in at.error)


def test_fichier_casse_montre_les_erreurs_et_un_lien_vers_les_controles(tables_demo):
    cassees = charger(tables_en_fichiers(tables_cassees(tables_demo)), calculer=False)
    at = installer(nouvelle_app(), cassees).run()
    assert not at.exception
    nb = len(cassees.rapport.erreurs)
    assert nb >= 6
    assert any(f"{nb} erreurs bloquent le bilan" in e.value for e in at.error)


def test_changer_d_annee_et_de_bailleur_est_memorise(donnees_demo):
    at = installer(nouvelle_app(), donnees_demo).run()
    at.selectbox[0].set_value(2023).run()
    at.text_input[0].input("Habitat *Test*").run()
    assert not at.exception
    assert at.session_state[etat.ANNEE] == 2023
    assert at.session_state[etat.NOM_BAILLEUR] == "Habitat *Test*"


def test_changer_d_annee_refait_les_controles_propres_a_l_annee(donnees_demo, monkeypatch):
    at = installer(nouvelle_app(), donnees_demo).run()

    def relire(*_args, **_kwargs):
        raise AssertionError("changer d'année ne relit pas les fichiers")

    monkeypatch.setattr("flux_dash.lecture.assemblage.lire", relire)
    monkeypatch.setattr("flux_dash.lecture.lire", relire)
    monkeypatch.setattr("flux_dash.validation.assemblage.valider", relire)
    assert {p.regle for p in at.session_state[etat.RAPPORT].avertissements} == {
        "Logement disponible en 2024, sans aucun tour et non soustrait (non orienté)"
    }
    at.selectbox[0].set_value(2023).run()
    assert not at.exception
    rapport = at.session_state[etat.RAPPORT]
    assert all("2024" not in p.regle for p in rapport.avertissements)  # the 2024 warnings are gone
    assert rapport.annee == 2023
    assert rapport.tables is donnees_demo.rapport.tables  # the same clean tables: nothing read nor validated again
    statut = [m.value for m in at.sidebar.markdown if "avertissement" in m.value]
    assert statut == [
        f":material/check_circle: Aucune erreur · {len(rapport.avertissements)} avertissement"
        + ("s" if len(rapport.avertissements) > 1 else "")
    ]
    at.selectbox[0].set_value(2024).run()  # back to the first year: its warnings come back
    assert {p.regle for p in at.session_state[etat.RAPPORT].avertissements} == {
        "Logement disponible en 2024, sans aucun tour et non soustrait (non orienté)"
    }
