"""AppTests of the analysis pages (3 to 7): without data they stop with a French message and a link to the home
page; with the demo data they render without exception, show the engine's figures, charts and tables."""

from __future__ import annotations

import json

import pytest

from flux_dash import formats
from flux_dash import graphiques as g
from flux_dash import referentiel as ref
from flux_dash.filtres import Filtres
from flux_dash.ui import etat
from flux_dash.ui.affichage import AIDE_NON_SIGNIFICATIF
from flux_dash.ui.exports import nom_telechargement
from flux_dash.ui.filtres import AUCUN_LOGEMENT
from flux_dash.ui.telechargements import AVERTISSEMENT_SANS_NOM
from tests.ui_outils import installer, nouvelle_app

PAGES = {
    "vue-d-ensemble": "pages/3_Vue_d_ensemble.py",
    "reservataires": "pages/4_Réservataires.py",
    "territoires": "pages/5_Territoires.py",
    "qpv": "pages/6_QPV.py",
    "soustraits-previsionnel": "pages/7_Soustraits_et_prévisionnel.py",
}


def _figures(at) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


def _figure(at, debut_titre: str) -> dict:
    trouvees = [f for f in _figures(at) if f["layout"].get("title", {}).get("text", "").startswith(debut_titre)]
    assert len(trouvees) == 1, [f["layout"].get("title", {}).get("text") for f in _figures(at)]
    return trouvees[0]


def _trace(figure: dict, nom: str) -> dict:
    return next(t for t in figure["data"] if t.get("name") == nom)


@pytest.fixture(scope="module")
def bilan(donnees_demo):
    return donnees_demo.bilan


def _page(donnees, nom: str):
    return installer(nouvelle_app(PAGES[nom]), donnees).run()


@pytest.mark.parametrize("nom", list(PAGES), ids=list(PAGES))
def test_sans_donnees_message_et_lien_vers_l_accueil(nom):
    at = nouvelle_app(PAGES[nom]).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Aucune donnée n'est chargée dans cette session. Chargez un fichier (ou les données d'exemple) depuis l'accueil."
    ]
    liens = [e.proto for e in at.get("page_link")]
    # the main page (app.py) is the link without a page name
    assert any("accueil" in lien.label and lien.page in ("", "app.py") for lien in liens)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("nom", list(PAGES), ids=list(PAGES))
def test_avec_la_demo_graphiques_en_francais_et_donnees_telechargeables(donnees_demo, nom):
    at = _page(donnees_demo, nom)
    assert not at.exception
    figures = _figures(at)
    assert figures and all(f["layout"]["separators"] == ", " for f in figures)
    assert len(at.expander) >= len(figures) - 1  # « Voir les données » under each chart (maps: table beside)
    telechargements = [e.proto.label for e in at.get("download_button")]
    assert "Télécharger (CSV)" in telechargements and "Télécharger (Excel)" in telechargements


def _en_ordre(bloc):
    """The leaf elements of a block in display order (depth first, children by index)."""
    for i in sorted(bloc.children):
        enfant = bloc.children[i]
        if isinstance(getattr(enfant, "children", None), dict):
            yield from _en_ordre(enfant)
        else:
            yield enfant


@pytest.mark.parametrize("nom", list(PAGES), ids=list(PAGES))
def test_chaque_graphique_a_son_tableau_de_chiffres(donnees_demo, nom):
    at = _page(donnees_demo, nom)
    types = [e.type for e in _en_ordre(at.main)]
    graphiques = [i for i, t in enumerate(types) if t == "plotly_chart"]
    assert graphiques
    for debut, fin in zip(graphiques, [*graphiques[1:], len(types)], strict=True):
        assert "dataframe" in types[debut:fin], f"graphique sans tableau en position {debut} : {types[debut:fin]}"


def test_vue_d_ensemble_chiffres_cles_du_moteur(donnees_demo, bilan):
    at = _page(donnees_demo, "vue-d-ensemble")
    region = bilan.flux[bilan.flux["perimetre_type"] == "REGION"].iloc[0]
    consolidation = bilan.consolidation[bilan.consolidation["perimetre_type"] == "REGION"]
    proposes = int(consolidation["logements_proposes"].sum())
    attendu = {
        "Disponibilités": formats.nombre(region["disponibilites"]),
        "Soustraits": formats.nombre(region["soustraits"]),
        "Flux annuel": formats.nombre(region["flux"]),
        "Logements proposés": formats.nombre(proposes),
        "Logements attribués": formats.nombre(region["attributions"]),
        "Taux de transformation": formats.pourcentage(region["attributions"] / proposes),
    }
    assert {m.label: m.value for m in at.metric} == attendu
    assert attendu["Disponibilités"] == "1\u202f736"  # the demo's 2024 disponibilités
    cascade = _figure(at, "Du volume de disponibilités")["data"][0]
    assert cascade["x"][0] == region["disponibilites"] and cascade["x"][-1] == region["flux"]
    mensuel = _figure(at, "Évolution mensuelle")
    assert sum(_trace(mensuel, "Attributions")["y"]) == region["attributions"]
    assert sum(_trace(mensuel, "Disponibilités")["y"]) == region["disponibilites"]
    assert [s.value for s in at.success][0].startswith("Les ") and "contrôles de cohérence sont vérifiés" in at.success[
        0
    ].value


def test_reservataires_choix_et_part_du_flux_du_moteur(donnees_demo, bilan):
    at = _page(donnees_demo, "reservataires")
    choix = at.selectbox(key=etat.CLE_RESERVATAIRE)
    assert (
        choix.options[0] == f"{bilan.reservataires['reservataire'][0]} — {bilan.reservataires['categorie_libelle'][0]}"
    )
    al = bilan.reservataires.loc[bilan.reservataires["categorie"] == "ACTION_LOGEMENT", "reservataire"].iloc[0]
    at = choix.set_value(al).run()
    assert not at.exception
    attendu = bilan.realisation_de(al)
    barres = _figure(at, "Part du flux proposée")["data"]
    assert barres[0]["y"] == pytest.approx(list(attendu["part_flux_orientations"]))
    assert barres[1]["y"] == pytest.approx(list(attendu["taux_convention"] / 100))
    assert len(at.tabs) == len(ref.DIMENSIONS_DECRET)
    assert len(_figures(at)) == 4 + len(ref.DIMENSIONS_DECRET)


def _communes_de(carte: dict) -> set[str]:
    return {c for trace in carte["data"] if "meta" in trace for c in trace["meta"]["communes"]}


@pytest.mark.parametrize("nom", list(PAGES), ids=list(PAGES))
def test_un_rerun_ne_recalcule_ni_graphiques_ni_options_des_filtres(donnees_demo, nom):
    """Issue 11 item 3: a page's tables and figures, and the filter options, are computed once per (upload,
    year, filters); a rerun hands the very same objects to Streamlit."""
    at = _page(donnees_demo, nom)
    assert not at.exception
    avant = dict(at.session_state[etat.AGREGATS])
    assert any(cle[1] == "valeurs_presentes" for cle in avant)
    assert sum(cle[1].startswith(("tracer_", "tableau_")) for cle in avant) >= 2
    at.run()
    assert not at.exception
    apres = at.session_state[etat.AGREGATS]
    assert set(apres) == set(avant)
    assert all(apres[cle][1] is avant[cle][1] for cle in avant)


@pytest.mark.lent
def test_territoires_carte_par_ept_et_detail(donnees_demo, bilan):
    at = _page(donnees_demo, "territoires")
    communes = set(bilan.flux.loc[bilan.flux["perimetre_type"] == "COMMUNE", "perimetre_code"])
    assert _communes_de(_figure(at, "Flux par commune")) == communes
    at = at.radio(key=etat.CLE_NIVEAU_CARTE).set_value("EPCI_EPT").run()
    assert not at.exception
    carte = _figure(at, "Flux par EPCI / EPT")
    territoires = bilan.flux[
        (bilan.flux["perimetre_type"] == "EPCI_EPT")
        & bilan.flux["perimetre_code"].isin(bilan.perimetres.loc[bilan.perimetres["strate"], "perimetre_code"])
    ]
    valeurs = {c: v for t in carte["data"] if "meta" in t for c, v in t["meta"]["valeurs"].items()}
    assert len([t for t in carte["data"] if "meta" in t]) <= g.NB_CLASSES  # one trace per class
    assert valeurs == dict(zip(territoires["perimetre_code"], territoires["flux"], strict=True))
    c = ref.communes()
    assert _communes_de(carte) == set(c.loc[c["code_territoire"].isin(territoires["perimetre_code"]), "code_insee"])
    code = at.selectbox(key=etat.CLE_TERRITOIRE_DETAIL).value
    membres = bilan.appartenance[
        (bilan.appartenance["perimetre_type"] == "EPCI_EPT") & (bilan.appartenance["perimetre_code"] == code)
    ]["code_commune"]
    assert _communes_de(_figure(at, f"{ref.libelle_perimetre('EPCI_EPT', code)} : flux par commune")) == set(membres)


def test_qpv_lectures_du_prefet_et_liste_des_qpv(donnees_demo, bilan):
    at = _page(donnees_demo, "qpv")
    prefet = _figure(at, "Logements proposés au préfet situés hors QPV")
    a = bilan.indicateurs[
        (bilan.indicateurs["indicateur"] == "prefet_hors_qpv_a")
        & (bilan.indicateurs["perimetre_type"] == "DEPARTEMENT")
    ].sort_values("perimetre_code")
    assert prefet["data"][0]["y"] == pytest.approx(list(a["valeur"]))
    assert [s["y0"] for s in prefet["layout"]["shapes"]] == [0.3]
    assert len(at.get("plotly_chart")) == 4
    assert any(len(d.value) > 0 and "Code QPV" in d.value.columns for d in at.dataframe)


@pytest.mark.lent
def test_previsionnel_une_saisie_change_le_flux_previsionnel(donnees_demo):
    at = _page(donnees_demo, "soustraits-previsionnel")
    assert not at.exception
    editeur = next(e for e in at.data_editor if e.key.startswith(etat.CLE_PREV_SOUSTRAITS))
    assert editeur.key == etat.CLE_PREV_SOUSTRAITS + "_75-77-93-94"  # the key names the rows: no edit on a wrong row
    grille = editeur.value
    assert list(grille.columns) == ["code_departement", "categorie_soustraction", "nombre_prevu"]
    disponibilites = next(e for e in at.data_editor if e.key.startswith(etat.CLE_PREV_DISPONIBILITES))
    assert disponibilites.proto.placeholder == "comme en 2024"  # empty cells: not Glide's English « None »
    avant = _trace(_figure(at, "Flux prévisionnel"), "Flux prévisionnel")["y"]
    ligne = 0  # first département × MUTATION_INTERNE
    at.session_state[editeur.key] = {
        "edited_rows": {ligne: {"nombre_prevu": int(grille["nombre_prevu"][ligne]) + 100}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    apres = _trace(_figure(at, "Flux prévisionnel"), "Flux prévisionnel")["y"]
    assert apres[0] == pytest.approx(avant[0] - 100) and apres[1:] == pytest.approx(avant[1:])
    assert len(at.session_state[etat.BILANS]) == 1  # the edit is applied on top: no second bilan computed
    edite = at.session_state[etat.PREVISIONNEL]
    assert edite is not None and int(edite["nombre_prevu"][ligne]) == int(grille["nombre_prevu"][ligne]) + 100
    bouton = next(b for b in at.button if b.label == "Revenir au prévisionnel du fichier")
    at = bouton.click().run()
    assert not at.exception and at.session_state[etat.PREVISIONNEL] is None
    assert _trace(_figure(at, "Flux prévisionnel"), "Flux prévisionnel")["y"] == pytest.approx(avant)


def test_icones_d_onglet_sans_requete_exterieure():
    """``:material/…:`` page icons make the browser fetch a favicon from a Google font server: emojis only."""
    import re

    from tests.ui_outils import RACINE

    for chemin in [RACINE / "app.py", *sorted((RACINE / "pages").glob("*.py"))]:
        appels = re.findall(r"preparer_page\([^)]*\)", chemin.read_text(encoding="utf-8"))
        assert appels and all(":material/" not in a for a in appels), chemin.name


@pytest.mark.lent
def test_previsionnel_une_saisie_reste_sur_son_departement_quand_un_filtre_change_les_lignes(donnees_demo):
    at = _page(donnees_demo, "soustraits-previsionnel")
    editeur = next(e for e in at.data_editor if e.key.startswith(etat.CLE_PREV_SOUSTRAITS))
    grille = editeur.value
    ligne = int(
        grille.index[(grille["code_departement"] == "94") & (grille["categorie_soustraction"] == "RELOGEMENT_RU")][0]
    )
    valeur = int(grille["nombre_prevu"][ligne]) + 7
    at.session_state[editeur.key] = {
        "edited_rows": {ligne: {"nombre_prevu": valeur}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    next(m for m in at.sidebar.multiselect if m.label == "Département").set_value(["94"]).run()
    assert not at.exception
    filtre = next(e for e in at.data_editor if e.key.startswith(etat.CLE_PREV_SOUSTRAITS))
    vue = filtre.value.set_index(["code_departement", "categorie_soustraction"])["nombre_prevu"]
    assert filtre.key == etat.CLE_PREV_SOUSTRAITS + "_" + "-".join(dict.fromkeys(filtre.value["code_departement"]))
    assert int(vue[("94", "RELOGEMENT_RU")]) == valeur  # kept by code, not by row position
    assert int(vue[("94", "MUTATION_INTERNE")]) == int(
        grille.set_index(["code_departement", "categorie_soustraction"])["nombre_prevu"][("94", "MUTATION_INTERNE")]
    )


# --- Issue 13, points 10, 12, 13: what is read first, empty states, labels ---------------------------------


def _filtre_sans_logement(tables) -> Filtres:
    """A commune, a typologie and a financement the demo never has together: the filters leave no logement."""
    logements = tables["logements"]
    colonnes = ["code_commune", "typologie", "financement"]
    presents = set(logements[colonnes].itertuples(index=False, name=None))
    commune, typologie, financement = next(
        (c, t, f)
        for c in sorted(set(logements["code_commune"]))
        for t in sorted(set(logements["typologie"]))
        for f in sorted(set(logements["financement"]))
        if (c, t, f) not in presents
    )
    return Filtres(communes=(commune,), typologies=(typologie,), financements=(financement,))


@pytest.mark.parametrize("nom", list(PAGES), ids=list(PAGES))
def test_des_filtres_sans_logement_le_disent_au_lieu_de_graphiques_vides(donnees_demo, nom):
    filtre = _filtre_sans_logement(donnees_demo.rapport.tables)
    at = installer(nouvelle_app(PAGES[nom]), donnees_demo)
    at.session_state[etat.FILTRES] = filtre
    at.run()
    assert not at.exception
    assert AUCUN_LOGEMENT in [i.value for i in at.info]
    assert not at.get("plotly_chart")


def _tableau_avec_un_taux_vide():
    import pandas as pd

    from flux_dash.ui.affichage import tableau

    tableau(
        pd.DataFrame({"Réservataire": ["A", "B"], "Part du flux": [0.25, float("nan")]}), pourcentages=["Part du flux"]
    )


def _tableau_complet():
    import pandas as pd

    from flux_dash.ui.affichage import tableau

    tableau(pd.DataFrame({"Réservataire": ["A"], "Part du flux": [0.25]}), pourcentages=["Part du flux"])


def test_n_s_explique_sous_un_tableau_qui_l_affiche():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_tableau_avec_un_taux_vide).run()
    assert not at.exception
    assert list(at.dataframe[0].value["Part du flux"]) == [f"25,0{formats.ESPACE_MILLIERS}%", formats.NON_SIGNIFICATIF]
    assert [c.value for c in at.caption] == [AIDE_NON_SIGNIFICATIF]
    assert not AppTest.from_function(_tableau_complet).run().caption


def test_reservataires_les_colonnes_lues_d_abord_en_premier(donnees_demo):
    at = _page(donnees_demo, "reservataires")
    par_perimetre, ensemble = at.dataframe[0].value, at.dataframe[-1].value
    assert list(par_perimetre.columns[:4]) == ["Périmètre", "Part du flux", "Taux conventionnel", "Proposés"]
    assert "Réservataire" not in par_perimetre.columns  # the one chosen above the table
    assert list(ensemble.columns[:3]) == ["Réservataire", "Périmètre", "Part du flux"]


@pytest.mark.parametrize(
    ("nom", "bailleur", "attendu"),
    [
        ("problemes_2024", "", "problemes-2024"),
        ("territoires_commune_2024", "Habitat du Val", "territoires-commune-2024-habitat-du-val"),
        ("problemes_2024", "  ", "problemes-2024"),
    ],
    ids=["sans-bailleur", "avec-bailleur", "nom-blanc"],
)
def test_telechargements_nommes_avec_le_bailleur_et_l_annee(nom, bailleur, attendu):
    assert nom_telechargement(nom, bailleur) == attendu


def test_rapports_demandent_le_nom_du_bailleur_avant_le_premier_telechargement(donnees_demo):
    at = installer(nouvelle_app("pages/8_Rapports.py"), donnees_demo).run()
    assert not at.exception
    assert AVERTISSEMENT_SANS_NOM in [w.value for w in at.warning]
    at.text_input(key=etat.CLE_BAILLEUR_RAPPORTS).input("Habitat du Val").run()
    assert not at.exception
    assert AVERTISSEMENT_SANS_NOM not in [w.value for w in at.warning]


def test_editeurs_du_previsionnel_departements_entiers(donnees_demo):
    """Issue 13, point 13: the editors showed « Seine-et-Marne (7 »."""
    from flux_dash.ui.previsionnel import LARGEUR_DEPARTEMENT

    at = _page(donnees_demo, "soustraits-previsionnel")
    assert not at.exception
    editeurs = [c for c in (json.loads(e.proto.columns) for e in at.dataframe) if "code_departement" in c]
    assert len(editeurs) == 2
    assert all(c["code_departement"]["width"] == LARGEUR_DEPARTEMENT for c in editeurs)
    assert 7 * len("Seine-Saint-Denis (93)") <= LARGEUR_DEPARTEMENT
