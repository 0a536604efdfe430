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


def _preparer(at):
    """Click « Préparer l'archive »: the ZIP is built in a background thread; returns its task."""
    from flux_dash.ui.telechargements import BOUTON_ARCHIVE

    next(b for b in at.button if b.label == BOUTON_ARCHIVE).click().run()
    assert not at.exception
    return at.session_state[etat.ARCHIVE]


def _labels(at) -> list[str]:
    return [b.proto.label for b in _boutons(at)]


def test_bouton_archive_prepare_le_zip(donnees_demo, monkeypatch):
    """The page's wiring (options, thread, download button) with a stand-in archive."""
    import flux_dash.rapports

    appels = []

    def archive_factice(bilan, options, progression, processus, prevus):
        appels.append(options)
        assert processus == 1 and len(prevus) > 1  # in the server's process, the page's listing
        progression(0.5, "Classeur 1 sur 2")
        progression(1.0, "Indicateurs écrits")
        return flux_dash.rapports.archiver({"indicateurs_2024.csv": b"x", "reservataires/a.xlsx": b"y"})

    monkeypatch.setattr(flux_dash.rapports, "construire_archive", archive_factice)
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    at.text_input[0].input("Habitat Démo").run()
    travail = _preparer(at)
    assert travail.attendre(30)
    at.run()
    assert not at.exception
    assert len(appels) == 1 and appels[0].bailleur == "Habitat Démo"
    assert appels[0].epci_lec == tuple(sorted(at.session_state[etat.CLE_LEC]))
    assert "Télécharger flux_2024_habitat-demo.zip" in _labels(at)
    octets = at.session_state[etat.ARCHIVE].resultat
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


def _compter_constructions(monkeypatch, garder: int | None = None) -> tuple[dict[str, int], list[int]]:
    """Wrap every listed workbook's builder with a counter (and keep the first ``garder`` of each kind)."""
    import dataclasses

    import flux_dash.rapports

    vraie = flux_dash.rapports.lister_rapports
    constructions: dict[str, int] = {}
    listages: list[int] = []

    def compter(prevu):
        def construire():
            constructions[prevu.chemin_archive] = constructions.get(prevu.chemin_archive, 0) + 1
            return prevu.construire()

        return dataclasses.replace(prevu, construire=construire)

    def lister(bilan, options=None):
        listages.append(1)
        prevus = vraie(bilan, options)
        if garder is not None:
            prevus = [p for p in prevus if sum(q.genre == p.genre for q in prevus[: prevus.index(p)]) < garder]
        return [compter(p) for p in prevus]

    monkeypatch.setattr(flux_dash.rapports, "lister_rapports", lister)
    return constructions, listages


def _classeurs(at):
    from flux_dash.ui.telechargements import Classeurs

    return next(v for _, v in at.session_state[etat.AGREGATS].values() if isinstance(v, Classeurs))


class _Retenue:
    """Wraps the real construire_archive: the thread stops after its first workbook until ``lacher()``."""

    def __init__(self, monkeypatch):
        import threading

        import flux_dash.rapports

        self.atteint, self.feu = threading.Event(), threading.Event()
        self.etapes: list[tuple[float, str]] = []
        self.vraie = vraie = flux_dash.rapports.construire_archive

        def retenue(bilan, options, progression, processus, prevus):
            def suivre(fraction, texte):
                self.etapes.append((fraction, texte))
                progression(fraction, texte)
                if len(self.etapes) == 1:
                    self.atteint.set()
                    assert self.feu.wait(30)

            return vraie(bilan, options, suivre, processus=processus, prevus=prevus)

        monkeypatch.setattr(flux_dash.rapports, "construire_archive", retenue)

    def lacher(self):
        self.feu.set()


def test_archive_en_arriere_plan_progression_puis_bouton_et_zip_de_construire_archive(donnees_demo, monkeypatch):
    """Issue 11 item 3: the ZIP is built in a thread (the page reruns meanwhile and shows n/N), reusing the
    workbook already downloaded; then its button; its files are those of rapports.construire_archive."""
    constructions, _ = _compter_constructions(monkeypatch, garder=1)
    retenue = _Retenue(monkeypatch)
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    liste = _classeurs(at)
    prevus = liste.prevus
    assert len(prevus) == 4  # one per kind
    seul = prevus[1].construire()  # what the download button of one workbook calls (deferred, on click)
    travail = _preparer(at)
    (barre,) = at.get("progress")  # its text is markdown, escaped: read without the backslashes
    assert barre.proto.text.replace("\\", "").startswith("Préparation de 4 classeurs… (1 déjà construit, réutilisé)")
    assert retenue.atteint.wait(30)
    at.run()  # the thread is held after its first workbook: the page is drawn meanwhile
    assert not at.exception and travail.en_cours
    (barre,) = at.get("progress")
    assert barre.proto.text.replace("\\", "").startswith(f"Classeur 1 sur 4 : {prevus[0].nom_fichier}")
    assert barre.proto.value == 20  # 1 / (4 + 1), in percent
    assert not any(lib.startswith("Télécharger flux_") for lib in _labels(at))
    retenue.lacher()
    assert travail.attendre(60) and travail.erreur is None
    at.run()
    assert not at.exception and not at.get("progress")
    assert "Télécharger flux_2024_bailleur.zip" in _labels(at)
    assert constructions == {p.chemin_archive: 1 for p in prevus}  # built once each: the downloaded one reused
    fractions = [f for f, _ in retenue.etapes]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    zf = zipfile.ZipFile(io.BytesIO(travail.resultat))
    attendu = zipfile.ZipFile(io.BytesIO(retenue.vraie(donnees_demo.bilan, liste.options)))  # a fresh build
    assert sorted(zf.namelist()) == sorted(attendu.namelist()) == sorted([*liste.construits, "indicateurs_2024.csv"])
    assert all(zf.read(n) == attendu.read(n) for n in attendu.namelist())
    assert zf.read(prevus[1].chemin_archive) == seul
    compte = dict(constructions)
    prevus[2].construire()  # a download after the archive: not rebuilt either
    assert constructions == compte


def test_l_archive_continue_pendant_une_autre_page_et_s_annule_si_les_options_changent(donnees_demo, monkeypatch):
    from flux_dash.ui.navigation import PAGE_VUE
    from flux_dash.ui.telechargements import BOUTON_ARCHIVE

    _compter_constructions(monkeypatch, garder=1)
    retenue = _Retenue(monkeypatch)
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    travail = _preparer(at)
    assert retenue.atteint.wait(30)
    at.switch_page(PAGE_VUE).run()
    assert not at.exception
    at.switch_page(PAGE).run()
    assert not at.exception and at.session_state[etat.ARCHIVE] is travail and at.get("progress")
    at.checkbox(key=etat.CLE_MASQUER).check().run()  # other options: that archive is cancelled
    assert not at.exception and travail.annule and at.session_state[etat.ARCHIVE] is None
    assert not at.get("progress") and BOUTON_ARCHIVE in [b.label for b in at.button]
    retenue.lacher()
    assert travail.attendre(30) and travail.resultat is None  # stopped at its next workbook, nothing kept


def test_une_archive_qui_echoue_est_un_message_francais(donnees_demo, monkeypatch):
    import flux_dash.rapports
    from flux_dash.ui.telechargements import ERREUR_ARCHIVE

    def en_panne(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(flux_dash.rapports, "construire_archive", en_panne)
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    assert _preparer(at).attendre(30)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [ERREUR_ARCHIVE]
    assert "disque plein" not in str([e.value for e in at.error])


def test_deux_sessions_ne_partagent_pas_l_archive(donnees_demo, monkeypatch):
    _compter_constructions(monkeypatch, garder=1)
    retenue = _Retenue(monkeypatch)
    une = installer(nouvelle_app(PAGE), donnees_demo).run()
    autre = installer(nouvelle_app(PAGE), donnees_demo).run()
    travail = _preparer(une)
    assert retenue.atteint.wait(30)
    autre.run()
    assert not autre.exception and autre.session_state[etat.ARCHIVE] is None and not autre.get("progress")
    assert _classeurs(autre) is not _classeurs(une)
    retenue.lacher()
    assert travail.attendre(60)


def test_liste_des_rapports_faite_une_fois_par_options(donnees_demo, monkeypatch):
    _, listages = _compter_constructions(monkeypatch)
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    at.run()
    at.text_input[1].input("Seine").run()  # a search: the listing is reused
    assert not at.exception and len(listages) == 1
    at.checkbox(key=etat.CLE_MASQUER).check().run()  # other options: a new listing
    assert not at.exception and len(listages) == 2


def test_au_dela_de_boutons_max_un_choix_et_un_bouton_par_genre(donnees_demo, monkeypatch):
    from flux_dash.ui import telechargements

    monkeypatch.setattr(telechargements, "BOUTONS_MAX", 10)
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    assert not at.exception
    prevus = _classeurs(at).prevus
    genres = {p.genre for p in prevus}
    assert len(at.selectbox) == len(genres) and len(_boutons(at)) == 1 + len(genres)
    choix = at.selectbox[0]
    choix.set_value(len(choix.options) - 1).run()
    assert not at.exception
    premier = [p for p in prevus if p.genre == prevus[0].genre]
    dernier = sorted(premier, key=lambda p: (p.destinataire.casefold(), p.nom_fichier))[-1]
    assert echapper(dernier.destinataire) in [b.proto.label for b in _boutons(at)]
