"""AppTest of the Rapports page: no data, the demo (indicators CSV, one button per trame, the ZIP)."""

from __future__ import annotations

import io
import zipfile

import pytest

from flux_dash.rapports import OptionsRapports, lister_rapports
from flux_dash.ui import etat
from flux_dash.ui.affichage import echapper
from flux_dash.ui.navigation import PAGE_RAPPORTS
from tests.ui_outils import installer, nouvelle_app

PAGE = PAGE_RAPPORTS


def _boutons(at) -> list:
    return list(at.get("download_button"))


def test_sans_donnees_renvoie_vers_l_accueil():
    at = nouvelle_app(PAGE).run()
    assert not at.exception
    assert at.info[0].value.startswith("Aucune donnée n'est chargée")
    assert not _boutons(at)


def test_jeu_casse_explique_que_le_bilan_est_bloque(donnees_cassees):
    at = installer(nouvelle_app(PAGE), donnees_cassees).run()
    assert not at.exception
    nb = len(donnees_cassees.rapport.erreurs)
    assert at.error[0].value.startswith(f"Le bilan ne peut pas être produit : le fichier contient {nb} erreurs")
    assert not _boutons(at)


def test_donnees_demo_un_bouton_par_rapport_plus_les_indicateurs(donnees_demo):
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    assert not at.exception
    prevus = lister_rapports(donnees_demo.bilan, OptionsRapports(epci_lec=tuple(at.session_state[etat.CLE_LEC])))
    boutons = _boutons(at)
    assert boutons[0].proto.label == "Télécharger indicateurs_2024.csv"
    assert len(boutons) == 1 + len(prevus)
    # button labels are markdown: réservataire names are escaped (« l'État » → « l\\'État », shown as typed)
    assert sorted(b.proto.label for b in boutons[1:]) == sorted(echapper(p.destinataire) for p in prevus)
    assert "Préfecture de Paris – agents de l\\'État" in [b.proto.label for b in boutons]
    assert at.text_input[1].label == "Rechercher un destinataire"  # more than 12 reports → a search box


def test_recherche_restreint_les_boutons(donnees_demo):
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    at.text_input[1].input("Seine-Saint-Denis").run()
    assert not at.exception
    libelles = [b.proto.label for b in _boutons(at)[1:]]
    assert libelles and all("Seine-Saint-Denis" in lib.replace("\\", "") for lib in libelles)


def test_bouton_archive_prepare_le_zip(donnees_demo, monkeypatch):
    """The page's wiring (options, progress, download button); the real ZIP is built in test_navigateur."""
    import flux_dash.rapports

    appels = []

    def archive_factice(bilan, options, progression):
        appels.append(options)
        progression(0.5, "Classeur 1 sur 2")
        progression(1.0, "Indicateurs écrits")
        return flux_dash.rapports.archiver({"indicateurs_2024.csv": b"x", "reservataires/a.xlsx": b"y"})

    monkeypatch.setattr(flux_dash.rapports, "construire_archive", archive_factice)
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    at.text_input[0].input("Habitat Démo").run()
    prepare = next(b for b in at.button if b.label == "Préparer l'archive de tous les rapports")
    prepare.click().run()
    assert not at.exception
    assert len(appels) == 1 and appels[0].bailleur == "Habitat Démo"
    assert appels[0].epci_lec == tuple(sorted(at.session_state[etat.CLE_LEC]))
    assert "Télécharger flux_2024_habitat-demo.zip" in [b.proto.label for b in _boutons(at)]
    _, octets = at.session_state[etat.ARCHIVE]
    assert zipfile.ZipFile(io.BytesIO(octets)).namelist() == ["indicateurs_2024.csv", "reservataires/a.xlsx"]


@pytest.mark.lent
def test_nouvelles_donnees_retablissent_les_destinataires_lec_par_defaut(donnees_demo):
    # The LEC list chosen for the previous data must not restrict the new data's EPCI/EPT consolidated bilans
    # (an EPCI absent from the old file would otherwise silently get no bilan).
    from flux_dash import referentiel as ref

    perimetres = donnees_demo.bilan.perimetres
    epci = perimetres[(perimetres["perimetre_type"] == "EPCI_EPT") & perimetres["strate"]]["perimetre_code"]
    attendus = sorted(c for c in epci if c in set(ref.epci_lec_par_defaut()))
    assert len(attendus) > 1
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    at.multiselect(key=etat.CLE_LEC).set_value(attendus[:1]).run()
    assert etat.OPTIONS_RAPPORTS in at.session_state and at.session_state[etat.OPTIONS_RAPPORTS].epci_lec == tuple(
        attendus[:1]
    )
    at.switch_page("app.py").run()
    next(b for b in at.button if b.label == "Charger les données d'exemple").click().run()
    assert not at.exception
    at.switch_page(PAGE).run()
    assert not at.exception
    assert sorted(at.session_state[etat.CLE_LEC]) == attendus
