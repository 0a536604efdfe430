"""The consolidated workbook (FORMAT.md §3.2) on the two hand-made landlords of tests/outils_consolidation.py (and
n−1 for one of them): sheets, figures read back against the Consolidation, the total row, no formula, the
« Données » sheet, and a golden snapshot (``--update-golden`` to refresh, then review the JSON diff)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from outils_consolidation import EST_ENSEMBLE, csv_tidy, detenteur, habitat_a, logis_b
from sorties import cellules_xlsx_non_gardees
from test_rapports import classeur, lire_tableau
from test_rapports_golden import GOLDEN, extraire

from flux_dash import rapports
from flux_dash.consolidation import consolider, lire_envois
from flux_dash.rapports import consolidation as trame

PREFET_93 = "État – publics prioritaires – Seine-Saint-Denis (93)"
pytestmark = pytest.mark.lent  # every sheet of two workbooks, read back


@pytest.fixture(scope="module")
def co():
    hostile = detenteur(
        "DEPARTEMENT",
        "93",
        "AUTRE",
        '=HYPERLINK("x")',
        logements_proposes=1,
        taux_convention=0.01,
        droits_theoriques=0.08,
    )
    r = lire_envois(
        [("a.csv", csv_tidy("Habitat A", habitat_a() + hostile)), ("b.csv", csv_tidy("@Logis B", logis_b()))]
    )
    p = lire_envois([("a23.csv", csv_tidy("Habitat A", habitat_a(), annee=2023))])
    assert r.ok and p.ok
    attendus = pd.DataFrame({"bailleur": ["Habitat A", "@Logis B", "Toit C"], "siren": ["111", "222", "333"]})
    return consolider(r.envois, 2024, precedents=p.envois, attendus=attendus)


@pytest.fixture(scope="module")
def octets_93(co):
    return trame.classeur_consolidation(co, "DEPARTEMENT", "93")


def test_un_classeur_par_territoire_au_nom_du_format(co):
    noms = [p.nom_fichier for p in rapports.lister_consolidations(co)]
    assert noms == [  # référentiel order: EPCI/EPT, départements, région
        "consolidation_2024_est-ensemble.xlsx",
        "consolidation_2024_paris.xlsx",
        "consolidation_2024_paris-75.xlsx",
        "consolidation_2024_seine-saint-denis-93.xlsx",
        "consolidation_2024_ile-de-france.xlsx",
    ]
    assert {p.genre for p in rapports.lister_consolidations(co)} == {"consolidation"}
    choisi = trame.lister(co, trame.OptionsConsolidation(territoires=(("EPCI_EPT", EST_ENSEMBLE),)))
    assert [p.nom_fichier for p in choisi] == ["consolidation_2024_est-ensemble.xlsx"]


def test_feuilles(octets_93):
    assert classeur(octets_93).sheetnames == [
        "Couverture",
        "Synthèse",
        "Par commune",
        "Par bailleur",
        "Indicateurs",
        "Évolution 2023-2024",
        "Réservataires",
        "Paramètres",
        "Définitions",
        "Données",
    ]


def test_couverture_du_territoire(octets_93):
    lignes = lire_tableau(classeur(octets_93)["Couverture"], "Bailleur")
    assert [(x["Bailleur"], x["Statut"], x["Disponibilités (logements)"]) for x in lignes] == [
        ("Habitat A", "reçu", 10),
        ("@Logis B", "reçu", 5),
        ("Toit C", "manquant", "n.s."),
    ]


def test_matrice_et_ligne_de_total(co, octets_93):
    ws = classeur(octets_93)["Synthèse"]
    lignes = lire_tableau(ws, "Catégorie")
    prefet = next(x for x in lignes if x["Réservataire (catégorie et périmètre de convention)"] == PREFET_93)
    assert prefet["Logements proposés"] == 5
    assert prefet["Droits théoriques (logements)"] == pytest.approx(3.5)
    assert prefet["Taux conventionnel pondéré"] == pytest.approx(3.5 / 13)
    entete = next(r for r in ws.iter_rows() if r[0].value == "Catégorie")
    (rangee,) = [r for r in ws.iter_rows() if r[0].value == "Total"]
    total = {h.value: v.value for h, v in zip(entete, rangee, strict=False)}
    categories = co.du_bailleur("matrice").query("perimetre_code == '93' and reservataire == ''")
    assert total["Logements proposés"] == categories.logements_proposes.sum()
    assert total["Logements attribués"] == 8 and total["Part des attributions"] == pytest.approx(1.0)


def test_par_bailleur_chaque_taux(octets_93):
    ws = classeur(octets_93)["Par bailleur"]
    conventions = lire_tableau(ws, "Réservataire (catégorie et périmètre de convention)")
    taux = {
        (x["Réservataire (catégorie et périmètre de convention)"], x["Bailleur"]): x["Taux conventionnel"]
        for x in conventions
    }
    assert taux[(PREFET_93, "@Logis B")] == pytest.approx(0.30)
    assert taux[(PREFET_93, "Habitat A")] == pytest.approx(0.25)


def test_reservataires_et_noms_donnes(octets_93):
    lignes = lire_tableau(classeur(octets_93)["Réservataires"], "Réservataire (catégorie et périmètre de convention)")
    noms = {
        x["Nom donné par le bailleur"]
        for x in lignes
        if x["Réservataire (catégorie et périmètre de convention)"] == PREFET_93
    }
    assert noms == {"Préfecture de la Seine-Saint-Denis", "Préfet 93 – contingent"}


def test_evolution(octets_93):
    lignes = lire_tableau(classeur(octets_93)["Évolution 2023-2024"], "Catégorie")
    dispo = next(x for x in lignes if x["Indicateur"] == "Disponibilités" and x["Catégorie"] == "Toutes catégories")
    assert (dispo["Année n"], dispo["Année n−1"], dispo["Évolution"]) == (15, 10, 5)
    assert dispo["Évolution à bailleurs constants"] == 0


def test_donnees_du_territoire(co, octets_93):
    ws = classeur(octets_93)["Données"]
    lignes = lire_tableau(ws, "annee")
    attendu = co.en_tableau().query("bailleur == '' and perimetre_type != 'REGION' and perimetre_code != '75056'")
    attendu = attendu[~attendu.perimetre_code.isin(["75", "217500016"])]
    assert len(lignes) == len(attendu)
    assert {x["bailleur"] for x in lignes} == {None}
    # Given back to the consolidation, the workbook is recognised as a consolidation, not a landlord's bilan.
    recu = lire_envois([("consolidation_2024_seine-saint-denis-93.xlsx", octets_93)])
    assert [p.code for p in recu.erreurs] == ["envoi_plusieurs_bailleurs"]


def test_donnees_etiquettes_de_la_colonne_a_lisibles(octets_93):
    # Column A was as wide as the year (8): the value in B hid « Document », « Version de flux_dash ».
    ws = classeur(octets_93)["Données"]
    entete = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "annee")
    etiquettes = [ws.cell(r, 1).value for r in range(1, entete) if ws.cell(r, 2).value is not None]
    assert "Version de flux_dash" in etiquettes
    assert ws.column_dimensions["A"].width >= max(len(e) for e in etiquettes)


def test_aucune_formule_et_texte_garde(octets_93):
    assert cellules_xlsx_non_gardees(octets_93) == []
    parametres = classeur(octets_93)["Paramètres"]
    sources = [r[1].value for r in parametres.iter_rows() if r[0].value == "Fichier source"]
    assert any("@Logis B" in s for s in sources)


def test_instantane(co, update_golden):
    obtenu = extraire(trame.classeur_consolidation(co, "EPCI_EPT", EST_ENSEMBLE))
    chemin = GOLDEN / "consolidation_2024_est-ensemble.json"
    if update_golden or not chemin.exists():
        chemin.write_text(json.dumps(obtenu, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not update_golden:
            pytest.fail(f"instantané créé : {chemin.name} (relancer pour comparer)")
    attendu = json.loads(chemin.read_text(encoding="utf-8"))
    assert [f["titre"] for f in obtenu["feuilles"]] == [f["titre"] for f in attendu["feuilles"]]
    for o, a in zip(obtenu["feuilles"], attendu["feuilles"], strict=True):
        assert o == a, f"feuille « {a['titre']} » différente de l'instantané {chemin.name}"


def test_aucun_fichier_interne_cite(co):
    """No internal file name (« DOMAINE.md », « FORMAT.md ») in the territory's workbook (issue 10 point 5)."""
    cites = [
        (f["titre"], coord, valeur)
        for f in extraire(trame.classeur_consolidation(co, "EPCI_EPT", EST_ENSEMBLE))["feuilles"]
        for coord, valeur in f["cellules"].items()
        if isinstance(valeur, str) and ".md" in valeur
    ]
    assert cites == []


def test_indicateur_qu_un_bailleur_ne_renseigne_pas_n_est_pas_non_significatif():
    # Row 1: a landlord does not give the prioritaire column (numerator unknown); row 2: nothing attributed (0 ÷ 0).
    ind = pd.DataFrame(
        {
            "bailleur": ["", ""],
            "indicateur": ["part_publics_prioritaires", "part_publics_prioritaires"],
            "libelle": ["Part des publics prioritaires"] * 2,
            "perimetre_type": ["EPCI", "COMMUNE"],
            "perimetre_code": ["200057875", "93048"],
            "perimetre_libelle": ["Est Ensemble", "Montreuil"],
            "categorie": ["", ""],
            "reservataire": ["", ""],
            "numerateur": [float("nan"), 0.0],
            "denominateur": [12.0, 0.0],
            "valeur": [float("nan"), float("nan")],
            "cible": [float("nan"), float("nan")],
            "sens": ["", ""],
            "unite": ["ratio", "ratio"],
            "nombre_bailleurs": [2, 2],
            "complet": [True, True],
        }
    )
    table, _ = trame._table_indicateurs(ind)
    assert table["numerateur"].tolist()[0] == "non renseigné"
    assert table["valeur"].tolist()[0] == "non renseigné"
    assert table["numerateur"].tolist()[1] == 0
    assert pd.isna(table["valeur"].tolist()[1])  # written « n.s. »: a division by zero


@pytest.mark.parametrize(
    ("ptype", "pcode", "cites"),
    [
        pytest.param("EPCI", EST_ENSEMBLE, ["« EPCI »", "COMMUNE, EPCI_EPT, DEPARTEMENT, REGION"], id="type-inconnu"),
        pytest.param("epci_ept", EST_ENSEMBLE, ["« epci_ept »", "types admis"], id="type-en-minuscules"),
        pytest.param("EPCI_EPT", "999999999", ["« 999999999 »", "EPCI / EPT"], id="code-inconnu"),
    ],
)
def test_territoire_inconnu_erreur_claire(co, ptype, pcode, cites):
    """An unknown territory is a French ValueError naming what was given, never an empty workbook."""
    with pytest.raises(ValueError) as erreur:
        trame.classeur_consolidation(co, ptype, pcode)
    for texte in cites:
        assert texte in str(erreur.value)


def test_territoires_connus_acceptes(co):
    for ptype, pcode in [("COMMUNE", "93048"), ("EPCI_EPT", EST_ENSEMBLE), ("DEPARTEMENT", "93"), ("REGION", "11")]:
        trame.verifier_territoire(ptype, pcode)
    for ptype, pcode in trame.territoires(co):  # every default territory passes
        trame.verifier_territoire(ptype, pcode)


def test_indicateurs_ligne_du_perimetre_et_lignes_de_categorie_distinctes():
    # The three kinds of rows of FORMAT.md §3.2: perimeter-wide, a category's total, one réservataire.
    ind = pd.DataFrame(
        {
            "bailleur": [""] * 3,
            "indicateur": ["part_publics_prioritaires"] * 3,
            "libelle": ["Part des publics prioritaires"] * 3,
            "perimetre_type": ["EPCI_EPT"] * 3,
            "perimetre_code": [EST_ENSEMBLE] * 3,
            "perimetre_libelle": ["Est Ensemble"] * 3,
            "categorie": ["", "EPCI_EPT", "EPCI_EPT"],
            "reservataire": ["", "", "EPCI / EPT – Est Ensemble"],
            "numerateur": [5.0, 2.0, 2.0],
            "denominateur": [10.0, 4.0, 4.0],
            "valeur": [0.5, 0.5, 0.5],
            "cible": [0.25] * 3,
            "sens": ["min"] * 3,
            "unite": ["ratio"] * 3,
            "nombre_bailleurs": [2] * 3,
            "complet": [True] * 3,
        }
    )
    table, _ = trame._table_indicateurs(ind)
    assert list(zip(table["categorie_libelle"], table["reservataire"], strict=True)) == [
        ("Toutes catégories", "Ensemble du périmètre"),
        ("EPCI / EPT", "Ensemble de la catégorie"),
        ("EPCI / EPT", "EPCI / EPT – Est Ensemble"),
    ]


def _termes(ws) -> list[tuple[str, str]]:
    return [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=2) if r[0].value and r[1].value]


def test_definitions_une_seule_fois_dans_les_deux_classeurs(co, racine):
    """Every libellé of the « Définitions » sheets of a landlord's bilan and of a consolidation has one text, and
    each sheet lists it once."""
    from flux_dash import validation
    from flux_dash.calculs import calculer_bilan
    from flux_dash.rapports import reservataire

    rapport = validation.charger([str(racine / "sample_data" / "flux_demo_2024.xlsx")], 2024)
    bilan = calculer_bilan(rapport.tables, 2024)
    bailleur = _termes(classeur(reservataire.classeur_reservataire(bilan, "Ville de Montreuil"))["Définitions"])
    territoire = _termes(classeur(trame.classeur_consolidation(co, "EPCI_EPT", EST_ENSEMBLE))["Définitions"])
    for termes in (bailleur, territoire):
        assert len({t for t, _ in termes}) == len(termes)
    textes: dict[str, set[str]] = {}
    for terme, texte in bailleur + territoire:
        textes.setdefault(terme, set()).add(texte)
    assert {t: x for t, x in textes.items() if len(x) > 1} == {}
    assert dict(bailleur).items() <= dict(territoire).items()  # the consolidation keeps the landlord's meaning


def test_chaque_feuille_s_imprime_avec_sa_zone_et_ses_titres(octets_93):
    """Every sheet prints one page wide, its print area over its content, its title or table header repeated on
    every page; « Données » down to its header row only (flux_dash.rapports.donnees says why)."""
    wb = classeur(octets_93)
    for ws in wb:
        assert ws.page_setup.orientation in ("landscape", "portrait"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1, ws.title
        assert ws.print_title_rows or ws.title == "Données", ws.title
        derniere = int(ws.print_area.rsplit("$", 1)[1])
        if ws.title == "Données":
            entete = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "annee")
            assert derniere == entete < ws.max_row
        else:
            assert derniere == ws.max_row, ws.title


def test_territoire_sans_aucun_envoi_classeur_lisible_qui_le_dit():
    """No file received: a readable workbook that says so (before: KeyError 'categorie' in the Réservataires sheet)."""
    import io

    import openpyxl

    from flux_dash.consolidation import consolider
    from flux_dash.rapports.consolidation import classeur_consolidation

    co = consolider([], 2024, territoires=[("EPCI_EPT", "200057875")])  # avant : TypeError dans le moteur
    wb = openpyxl.load_workbook(io.BytesIO(classeur_consolidation(co, "EPCI_EPT", "200057875")))

    def textes(nom):
        return [v for ligne in wb[nom].iter_rows(values_only=True) for v in ligne if isinstance(v, str)]

    assert "Bilans reçus : 0 bailleur" in textes("Couverture")
    assert "Aucune ligne pour ce périmètre." in textes("Réservataires")
