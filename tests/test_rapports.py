"""Specification of the trames (DOMAINE.md §5, FORMAT.md §2.1) on a four-logement bilan computed by hand.

The bilan (département 93, year 2024):

- L1 Saint-Denis, QPV, T3 PLUS 1970 — tour 1 to the réservataire named ``=HYPERLINK("http://x","y")`` (Action
  Logement category, taux 30 %), attribué;
- L2 Saint-Denis, T2 PLAI 2005 — tour 1 to « Préfecture 93 » (taux 25 %), absence de désignation; tour 2 Bailleur,
  attribué;
- L3 Montreuil, T4 PLS 1990 — tour 1 to the ``=HYPERLINK`` réservataire, refus;
- L4 Montreuil, T1 PLUS 1960 — soustrait (mutation interne), attribué by the Bailleur: a relogement réalisé.

So in 93: disponibilités 4, soustraits 1, flux 3; the ``=HYPERLINK`` réservataire has 2 proposés, part du flux
2/3, droits 0.9, écart 1.1, taux de réalisation 2/0.9, 1 attribué, transformation 1/2.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from flux_dash import rapports
from flux_dash.calculs import calculer_bilan
from flux_dash.calculs.definitions import DEFINITIONS
from flux_dash.rapports import commun, epci, etat, previsionnel, reservataire
from tests.petit_jeu import NOM, OPTIONS, PREFET
from tests.sorties import role

SLUG_NOM = "hyperlink-http-x-y"


@pytest.fixture(scope="module")
def bilan(petit_bilan):
    """The four-logement bilan of the module docstring (``petit_bilan``, tests/conftest.py), under a short name."""
    return petit_bilan


# --- helpers: read a workbook back ----------------------------------------------------------------


def classeur(octets: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(octets))


def lire_tableau(ws, premier_entete: str, apres: int = 1) -> list[dict[str, object]]:
    """The table whose header row starts with ``premier_entete`` (the ``apres``-th such table), as dicts."""
    vus = 0
    for ligne in range(1, ws.max_row + 1):
        if ws.cell(ligne, 1).value == premier_entete and role(ws.cell(ligne, 1)) == "Flux en-tête":
            vus += 1
            if vus == apres:
                break
    else:
        raise AssertionError(f"tableau « {premier_entete} » absent de {ws.title}")
    entetes = []
    for col in range(1, ws.max_column + 1):
        if ws.cell(ligne, col).value is None:
            break
        entetes.append(ws.cell(ligne, col).value)
    lignes = []
    for r in range(ligne + 1, ws.max_row + 1):
        if role(ws.cell(r, 1)) != "Flux corps":
            break
        lignes.append({e: ws.cell(r, j + 1).value for j, e in enumerate(entetes)})
    return lignes


def cellule(ws, premier_entete: str, entete: str, ligne: int = 0):
    """The cell under ``entete`` in data row ``ligne`` of the table starting with ``premier_entete``."""
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == premier_entete and role(ws.cell(r, 1)) == "Flux en-tête":
            for c in range(1, ws.max_column + 1):
                if ws.cell(r, c).value == entete:
                    return ws.cell(r + 1 + ligne, c)
    raise AssertionError(entete)


# --- registry and file names (FORMAT.md §2.1) -------------------------------------------------------


def test_lister_rapports_donne_les_noms_et_dossiers_du_format(bilan):
    chemins = [p.chemin_archive for p in rapports.lister_rapports(bilan, OPTIONS)]
    assert chemins == [
        "reservataires/bilan_2024_reservataire_prefecture-93.xlsx",
        f"reservataires/bilan_2024_reservataire_{SLUG_NOM}.xlsx",
        "epci_ept/bilan_2024_epci_plaine-commune.xlsx",
        "epci_ept/bilan_2024_epci_est-ensemble.xlsx",
        "etat/bilan_2024_etat_93.xlsx",
        "previsionnels/previsionnel_2025_reservataire_prefecture-93.xlsx",
        f"previsionnels/previsionnel_2025_reservataire_{SLUG_NOM}.xlsx",
    ]


def test_genres_listent_chaque_trame_une_fois():
    assert [(g.code, g.dossier) for g in rapports.GENRES] == [
        ("reservataire", "reservataires"),
        ("epci", "epci_ept"),
        ("etat", "etat"),
        ("previsionnel", "previsionnels"),
    ]
    assert [g.libelle for g in rapports.GENRES] == [
        "Bilans réservataires",
        "Bilans consolidés EPCI / EPT",
        "Bilans État (par département)",
        "Prévisionnels réservataires",
    ]


def test_lister_ne_construit_rien(bilan, monkeypatch):
    def interdit(*args, **kwargs):
        raise AssertionError("construit trop tôt")

    for module, nom in (
        (reservataire, "classeur_reservataire"),
        (epci, "classeur_epci"),
        (etat, "classeur_etat"),
        (previsionnel, "classeur_previsionnel"),
    ):
        monkeypatch.setattr(module, nom, interdit)
    assert len(rapports.lister_rapports(bilan, OPTIONS)) == 7


@pytest.mark.parametrize(
    ("epci_lec", "attendus"),
    [
        pytest.param(None, ["Plaine Commune", "Est Ensemble"], id="defaut-regles"),
        pytest.param(("200057875",), ["Est Ensemble"], id="restreint"),
        pytest.param(("200057875", "999999999"), ["Est Ensemble"], id="code-sans-logement-ignore"),
        pytest.param((), [], id="aucun"),
    ],
)
def test_epci_destinataires_selon_options(bilan, epci_lec, attendus):
    options = dataclasses.replace(OPTIONS, epci_lec=epci_lec)
    assert [p.destinataire for p in epci.lister(bilan, options)] == attendus


def test_epci_hors_liste_lec_par_defaut_peut_etre_ajoute(bilan):
    regles = dataclasses.replace(bilan.regles, epci_lec=())
    sans = dataclasses.replace(bilan, regles=regles)
    assert epci.lister(sans, OPTIONS) == []
    assert [p.destinataire for p in epci.lister(sans, dataclasses.replace(OPTIONS, epci_lec=("200057867",)))] == [
        "Plaine Commune"
    ]


@pytest.mark.parametrize(
    ("noms", "attendus"),
    [
        pytest.param(["Ville de Paris"], ["ville-de-paris"], id="simple"),
        pytest.param(
            ["Ville de Paris", "Ville-de-Paris", "VILLE DE PARIS"],
            ["ville-de-paris", "ville-de-paris-2", "ville-de-paris-3"],
            id="collisions-dans-l-ordre",
        ),
        pytest.param(["Département du Val-d'Oise", "Region"], ["departement-du-val-d-oise", "region"], id="accents"),
        pytest.param(["a-2", "a", "A"], ["a-2", "a", "a-3"], id="suffixe-deja-pris"),
    ],
)
def test_slugs_uniques(noms, attendus):
    assert [commun.slugs_uniques(noms)[n] for n in noms] == attendus


def test_deux_reservataires_de_meme_slug_ont_deux_fichiers(bilan):
    autre = "Préfecture-93"
    res = pd.concat([bilan.reservataires, bilan.reservataires.iloc[[0]].assign(reservataire=autre)], ignore_index=True)
    conv = pd.concat([bilan.conventions, bilan.conventions.iloc[[1]].assign(reservataire=autre)], ignore_index=True)
    double = dataclasses.replace(bilan, reservataires=res, conventions=conv)
    noms = [p.nom_fichier for p in reservataire.lister(double, OPTIONS)]
    assert "bilan_2024_reservataire_prefecture-93.xlsx" in noms
    assert "bilan_2024_reservataire_prefecture-93-2.xlsx" in noms
    assert len(set(noms)) == len(noms)


@pytest.mark.parametrize(
    ("bailleur", "attendu"),
    [
        pytest.param("", "flux_2024_bailleur.zip", id="sans-nom"),
        pytest.param("Habitat Francilien Démo", "flux_2024_habitat-francilien-demo.zip", id="accents"),
        pytest.param("OPH / 93 (Seine-St-Denis)", "flux_2024_oph-93-seine-st-denis.zip", id="ponctuation"),
    ],
)
def test_nom_archive(bilan, bailleur, attendu):
    assert rapports.nom_archive(bilan, rapports.OptionsRapports(bailleur=bailleur)) == attendu


# --- the archive ------------------------------------------------------------------------------------


def test_archiver_trie_les_entrees_et_garde_les_contenus():
    octets = rapports.archiver({"b/2.xlsx": b"deux", "a/1.xlsx": b"un", "c.csv": b"trois"})
    with zipfile.ZipFile(io.BytesIO(octets)) as zf:
        assert zf.namelist() == ["a/1.xlsx", "b/2.xlsx", "c.csv"]
        assert zf.read("b/2.xlsx") == b"deux"
        # every entry deflated, workbooks included (the archive is 11 % smaller than with them stored)
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_DEFLATED}


@pytest.mark.lent
def test_construire_archive_dossiers_csv_et_progression(bilan):
    appels: list[tuple[float, str]] = []
    octets = rapports.construire_archive(bilan, OPTIONS, lambda f, m: appels.append((f, m)))
    with zipfile.ZipFile(io.BytesIO(octets)) as zf:
        noms = zf.namelist()
        csv = zf.read("indicateurs_2024.csv")
    attendus = sorted([p.chemin_archive for p in rapports.lister_rapports(bilan, OPTIONS)] + ["indicateurs_2024.csv"])
    assert noms == attendus
    assert {n.split("/")[0] for n in noms if "/" in n} == {"reservataires", "epci_ept", "etat", "previsionnels"}
    assert csv.startswith(b"\xef\xbb\xbfannee;bailleur;perimetre_type;")  # FORMAT.md §2.2 v1.1
    assert f"\r\n2024;{OPTIONS.bailleur};".encode() in csv
    fractions = [f for f, _ in appels]
    assert len(appels) == 8
    assert all(a < b for a, b in zip(fractions, fractions[1:], strict=False))
    assert fractions[-1] == 1.0
    assert appels[0][1] == "Classeur 1 sur 7 : bilan_2024_reservataire_prefecture-93.xlsx"


# --- réservataire workbook: figures read back, computed by hand ---------------------------------------


@pytest.fixture(scope="module")
def wb_reservataire(bilan):
    return classeur(reservataire.classeur_reservataire(bilan, NOM, OPTIONS))


def test_reservataire_feuilles(wb_reservataire):
    assert wb_reservataire.sheetnames == [
        "Synthèse",
        "Issues des tours",
        "Soustraits",
        "Répartitions",
        "Indicateurs",
        "Paramètres",
        "Définitions",
        "Données",
    ]


def test_reservataire_realisation_calculee_a_la_main(wb_reservataire):
    ligne = lire_tableau(wb_reservataire["Synthèse"], "Périmètre", apres=2)
    assert len(ligne) == 1
    attendu = {
        "Périmètre": "Seine-Saint-Denis (93)",
        "Disponibilités (logements)": 4,
        "Soustraits (logements)": 1,
        "Flux annuel (logements)": 3,
        "Logements proposés": 2,
        "Part du flux (orientations)": pytest.approx(2 / 3),
        "Taux conventionnel (%)": 30,
        "Droits théoriques (logements)": pytest.approx(0.9),
        "Écart aux droits (logements)": pytest.approx(1.1),
        "Taux de réalisation": pytest.approx(2 / 0.9),
        "Logements attribués": 1,
        "Taux de transformation": pytest.approx(0.5),
    }
    assert ligne[0] == attendu


@pytest.mark.parametrize(
    ("entete", "format_attendu"),
    [
        pytest.param("Flux annuel (logements)", "#,##0", id="effectif"),
        pytest.param("Part du flux (orientations)", "0.0%", id="part"),
        pytest.param("Droits théoriques (logements)", "#,##0.0", id="droits"),
        pytest.param("Taux conventionnel (%)", "0.0", id="taux"),
        pytest.param("Taux de transformation", "0.0%", id="transformation"),
    ],
)
def test_reservataire_formats_numeriques(wb_reservataire, entete, format_attendu):
    cell = cellule(wb_reservataire["Synthèse"], "Périmètre", entete, ligne=0)
    if cell.value == "Paris (75)" or isinstance(cell.value, str):  # the conventions table comes first
        pytest.fail("mauvais tableau")
    assert cell.number_format == format_attendu


def test_reservataire_en_tete_et_graphique(wb_reservataire):
    ws = wb_reservataire["Synthèse"]
    assert ws["A1"].value == f"Bilan 2024 de la gestion en flux – {NOM}"
    assert ws["A2"].value == "Bailleur : Habitat Test"
    assert ws["A3"].value == f"Destinataire : {NOM} – Action Logement Services"
    assert ws.freeze_panes == "A6"
    assert len(ws._charts) == 1
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth or 1) == 1  # absent = 1 (ECMA-376)


def test_reservataire_issues_des_tours(wb_reservataire):
    assert lire_tableau(wb_reservataire["Issues des tours"], "Périmètre") == [
        {
            "Périmètre": "Seine-Saint-Denis (93)",
            "Attribué": 1,
            "Refus ou désistement des candidats": 1,
            "Non attribué par la CALEOL": 0,
            "Absence de désignation (remis au bailleur)": 0,
            "En cours": 0,
            "Total des tours": 2,
        }
    ]


def test_reservataire_soustraits_avec_relogements(wb_reservataire):
    lignes = lire_tableau(wb_reservataire["Soustraits"], "Périmètre")
    assert len(lignes) == 6
    assert lignes[0] == {
        "Périmètre": "Seine-Saint-Denis (93)",
        "Catégorie de soustraction": "Mutations internes au patrimoine du bailleur",
        "Soustraits (logements)": 1,
        "Relogements réalisés (logements)": 1,
    }
    assert all(ligne["Soustraits (logements)"] == 0 for ligne in lignes[1:])


@pytest.mark.parametrize(
    ("repartition", "attendu"),
    [
        pytest.param(
            "Typologie", {"T1": (0, 0), "T2": (0, 0), "T3": (1, 1), "T4": (1, 0), "T5 et +": (0, 0)}, id="typologie"
        ),
        pytest.param("Localisation (QPV)", {"En QPV": (1, 1), "Hors QPV": (1, 0)}, id="qpv"),
        pytest.param("Commune", {"Montreuil": (1, 0), "Saint-Denis": (1, 1)}, id="commune"),
        pytest.param(
            "Période de construction",
            {
                "Avant 1949": (0, 0),
                "1949–1976": (1, 1),
                "1977–1989": (0, 0),
                "1990–1999": (1, 0),
                "2000–2009": (0, 0),
                "2010–2019": (0, 0),
                "2020 et après": (0, 0),
            },
            id="periode",
        ),
    ],
)
def test_reservataire_repartitions_du_decret(wb_reservataire, repartition, attendu):
    lignes = lire_tableau(wb_reservataire["Répartitions"], "Périmètre")
    obtenu = {
        ligne["Modalité"]: (ligne["Logements proposés"], ligne["Logements attribués"])
        for ligne in lignes
        if ligne["Répartition"] == repartition
    }
    assert obtenu == attendu


def test_reservataire_indicateurs_avec_reference(bilan):
    wb = classeur(reservataire.classeur_reservataire(bilan, NOM, OPTIONS))
    lignes = {ligne["Indicateur"]: ligne for ligne in lire_tableau(wb["Indicateurs"], "Indicateur")}
    # Publics prioritaires: the optional column is absent → « non renseigné », with the 25 % reference beside it.
    assert lignes["Part des publics prioritaires"]["Valeur réalisée"] == "non renseigné"
    assert lignes["Part des publics prioritaires"]["Valeur de référence"] == 0.25
    assert lignes["Part des publics prioritaires"]["Lecture de la référence"] == "au moins"
    assert lignes["Tours sans désignation"]["Valeur réalisée"] == 0
    assert lignes["Tours sans désignation"]["Valeur de référence"] == "—"


def test_prefet_voit_les_lectures_prefet_de_son_departement(bilan):
    wb = classeur(reservataire.classeur_reservataire(bilan, PREFET, OPTIONS))
    lignes = {ligne["Indicateur"]: ligne for ligne in lire_tableau(wb["Indicateurs"], "Indicateur")}
    assert lignes["Part du préfet dans le flux"]["Valeur réalisée"] == pytest.approx(1 / 3)
    assert lignes["Part du préfet dans le flux"]["Valeur de référence"] == 0.3
    assert lignes["Part du préfet dans le flux"]["Lecture de la référence"] == "au plus"


# --- Paramètres and Définitions ----------------------------------------------------------------------


def test_parametres(wb_reservataire):
    ws = wb_reservataire["Paramètres"]
    valeurs = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert valeurs["Bailleur"] == "Habitat Test"
    assert valeurs["Année du bilan"] == 2024
    assert valeurs["Fichier source"] == f"tours.csv (sha256 {'ab' * 32})"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", valeurs["Date de génération"])
    assert valeurs["Version de flux_dash"]
    assert valeurs["Plafond préfet"] == "30 %"
    assert valeurs["Division par zéro"] == "« n.s. » (non significatif)"


def test_definitions_reprennent_celles_du_moteur(wb_reservataire):
    ws = wb_reservataire["Définitions"]
    termes = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    for _, libelle, phrase in DEFINITIONS:
        assert termes[libelle] == phrase
    assert "n.s." in termes


# --- consolidated workbooks ----------------------------------------------------------------------------


def test_epci_sans_attribution_affiche_ns(bilan):
    wb = classeur(epci.classeur_epci(bilan, "200057875", OPTIONS))  # Est Ensemble: Montreuil, no attribution
    assert wb.sheetnames == [
        "Synthèse",
        "Flux par commune",
        "Réservataires par commune",
        "Soustraits",
        "Indicateurs",
        "Prévisionnel 2025",
        "Paramètres",
        "Définitions",
        "Données",
    ]
    flux = lire_tableau(wb["Synthèse"], "Périmètre")
    assert flux[0]["Flux annuel (logements)"] == 1
    assert flux[0]["Attributions, tous attributaires (logements)"] == 0
    matrice = {ligne["Réservataire"]: ligne for ligne in lire_tableau(wb["Synthèse"], "Réservataire")}
    assert matrice[NOM]["Logements proposés"] == 1
    assert matrice[NOM]["Part du flux (orientations)"] == 1
    assert matrice[NOM]["Part des attributions"] == "n.s."
    assert "Bailleur" in matrice


def test_etat_garde_l_attribution_hors_convention():
    # Issue 10: a logement of Melun attributed to « Ville de Montreuil » (convention on Montreuil only) stays in
    # the État 77 bilan, on the « Hors convention » line of the matrix (DOMAINE.md §3, test_calculs.MELUN_*).
    from test_calculs import MELUN_CONVENTIONS, MELUN_LOGEMENTS, MELUN_TOURS, MONTREUIL, faire_tables

    b = calculer_bilan(faire_tables(MELUN_LOGEMENTS, MELUN_TOURS, MELUN_CONVENTIONS), 2024)
    wb = classeur(etat.classeur_etat(b, "77", OPTIONS))
    assert lire_tableau(wb["Synthèse"], "Périmètre")[0]["Attributions, tous attributaires (logements)"] == 3
    matrice = lire_tableau(wb["Synthèse"], "Réservataire")
    hors = [ligne for ligne in matrice if "Hors convention" in map(str, ligne.values())]
    assert len(hors) == 1 and MONTREUIL in str(hors[0]["Réservataire"])
    assert (hors[0]["Logements proposés"], hors[0]["Logements attribués"]) == (2, 1)
    assert hors[0]["Part des attributions"] == pytest.approx(1 / 3)  # M1 of M1, M2, M3


@pytest.mark.parametrize(
    ("masquer", "attendu"),
    [pytest.param(False, 1, id="sans-masquage"), pytest.param(True, "< 5", id="masquage")],
)
def test_etat_masquage_des_petits_effectifs(bilan, masquer, attendu):
    options = dataclasses.replace(OPTIONS, masquer_petits_effectifs=masquer)
    wb = classeur(etat.classeur_etat(bilan, "93", options))
    matrice = {ligne["Réservataire"]: ligne for ligne in lire_tableau(wb["Synthèse"], "Réservataire")}
    assert matrice[NOM]["Logements attribués"] == attendu
    # 1 attribué ÷ 2 attributions (shown exactly in the flux table) would give the masked count back.
    assert matrice[NOM]["Part des attributions"] == ("masqué" if masquer else pytest.approx(0.5))
    flux = lire_tableau(wb["Synthèse"], "Périmètre")
    assert flux[0]["Flux annuel (logements)"] == 3  # the flux is not about households


EFFECTIFS = {col.entete for col in commun.COLONNES.values() if col.effectif}
PARTS = {
    commun.COLONNES[p].entete: [commun.COLONNES[s].entete for s in sources] for p, sources in commun.PARTS_DE.items()
}


def _cellules_des_tables(wb):
    """(sheet, header, cell) of every data cell of every table of every sheet."""
    for ws in wb:
        entetes: dict[int, str] = {}
        for rangee in ws.iter_rows():
            if role(rangee[0]) == "Flux en-tête":
                entetes = {c.column: c.value for c in rangee if c.value is not None}
            elif role(rangee[0]) == "Flux corps":
                for c in rangee:
                    if c.column in entetes:
                        yield ws.title, entetes[c.column], c


@pytest.mark.parametrize(
    "construire",
    [
        pytest.param(lambda b, o: etat.classeur_etat(b, "93", o), id="etat"),
        pytest.param(lambda b, o: epci.classeur_epci(b, "200057867", o), id="epci"),
    ],
)
def test_masquage_partout_dans_les_documents_consolides(bilan, construire):
    """Every household count 1–4 of every table (territory, communes, holders, indicators) is « < 5 »; a share
    computed from such a count is « masqué »; the Paramètres sheet states that totals stay exact."""
    wb = classeur(construire(bilan, dataclasses.replace(OPTIONS, masquer_petits_effectifs=True)))
    vus = {"< 5": 0, "masqué": 0}
    for feuille, entete, cell in _cellules_des_tables(wb):
        if entete in EFFECTIFS:
            assert not (isinstance(cell.value, int | float) and 0 < cell.value < 5), (feuille, entete, cell.coordinate)
        if cell.value in vus:
            vus[cell.value] += 1
    assert vus["< 5"] > 0 and vus["masqué"] > 0
    parts_vues = 0
    for feuille, premier in (("Synthèse", "Réservataire"), ("Réservataires par commune", "Commune")):
        for ligne in lire_tableau(wb[feuille], premier):
            for part in set(PARTS) & set(ligne):
                if ligne[part] in ("—", None):  # no convention on this perimeter (total rows: not summed)
                    continue
                masquee = any(ligne[source] == "< 5" for source in PARTS[part])
                assert (ligne[part] == "masqué") == masquee, (feuille, part, ligne)
                parts_vues += 1
    assert parts_vues > 0
    for ligne in lire_tableau(wb["Indicateurs"], "Indicateur"):
        if "< 5" in (ligne["Numérateur"], ligne["Dénominateur"]):
            assert ligne["Valeur réalisée"] in ("< 5", "masqué"), ligne
    regles = {ligne["Règle"]: ligne["Choix retenu"] for ligne in lire_tableau(wb["Paramètres"], "Règle")}
    assert regles["Masquage appliqué à ce document"].startswith("oui")
    assert "totaux du territoire restent exacts" in regles["Masquage appliqué à ce document"]


def test_masquage_des_parts_par_commune_du_prefet(bilan):
    wb = classeur(etat.classeur_etat(bilan, "93", dataclasses.replace(OPTIONS, masquer_petits_effectifs=True)))
    communes = lire_tableau(wb["Contrôles préfet"], "Commune")
    # Saint-Denis: 1 logement proposé to the préfet out of a flux of 2: the share would give it back.
    assert [(c["Commune"], c["Part du préfet (commune)"], c["Part du préfet (département)"]) for c in communes] == [
        ("Montreuil", 0, pytest.approx(1 / 3)),
        ("Saint-Denis", "masqué", pytest.approx(1 / 3)),
    ]


def test_documents_sans_masquage_le_disent(bilan):
    wb = classeur(epci.classeur_epci(bilan, "200057867", OPTIONS))
    regles = {ligne["Règle"]: ligne["Choix retenu"] for ligne in lire_tableau(wb["Paramètres"], "Règle")}
    assert regles["Masquage appliqué à ce document"] == "non : effectifs exacts"
    # The réservataire's own bilan is never masked, and says so (issue 10 point 5), even with the option on.
    options = dataclasses.replace(OPTIONS, masquer_petits_effectifs=True)
    for octets in (
        reservataire.classeur_reservataire(bilan, NOM, options),
        previsionnel.classeur_previsionnel(bilan, NOM, options),
    ):
        regles = {
            ligne["Règle"]: ligne["Choix retenu"] for ligne in lire_tableau(classeur(octets)["Paramètres"], "Règle")
        }
        assert regles["Masquage appliqué à ce document"] == "non : effectifs exacts"


def test_etat_controles_prefet(bilan):
    wb = classeur(etat.classeur_etat(bilan, "93", OPTIONS))
    ws = wb["Contrôles préfet"]
    lectures = {ligne["Indicateur"]: ligne["Valeur réalisée"] for ligne in lire_tableau(ws, "Indicateur")}
    assert lectures == {
        "Part du préfet dans le flux": pytest.approx(1 / 3),
        "Part des agents de l'État dans le flux": 0,
        "Préfet hors QPV (lecture a)": 1,
        "Préfet hors QPV (lecture b)": pytest.approx(1 / 2),
    }
    communes = lire_tableau(ws, "Commune")
    assert [(c["Commune"], c["Part du préfet (commune)"], c["Part du préfet (département)"]) for c in communes] == [
        ("Montreuil", 0, pytest.approx(1 / 3)),
        ("Saint-Denis", pytest.approx(1 / 2), pytest.approx(1 / 3)),
    ]


def test_previsionnel_sans_table_previsionnel(bilan):
    wb = classeur(previsionnel.classeur_previsionnel(bilan, NOM, OPTIONS))
    assert wb.sheetnames == ["Prévisionnel", "Soustraits prévus", "Paramètres", "Définitions", "Données"]
    droits = lire_tableau(wb["Prévisionnel"], "Périmètre")
    assert droits == [
        {
            "Périmètre": "Seine-Saint-Denis (93)",
            "Taux conventionnel (%)": 30,
            "Disponibilités de l'année n (logements)": 4,
            "Disponibilités prévues n+1 (logements)": "non renseigné",  # none saisie: not a division by zero
            "Soustraits prévus n+1 (logements)": 0,
            "Flux prévisionnel n+1 (logements)": 4,
            "Droits prévisionnels n+1 (logements)": pytest.approx(1.2),
            "Base des disponibilités": "disponibilités de l'année n",
        }
    ]
    # A département's own counts are whole logements (« 4 », not « 4,0 »); only the droits keep one decimal.
    ws = wb["Prévisionnel"]
    ligne = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Seine-Saint-Denis (93)")
    assert [ws.cell(ligne, j).number_format for j in (3, 5, 6, 7)] == ["#,##0", "#,##0", "#,##0", "#,##0.0"]


# --- safety: formula injection and sheet titles ----------------------------------------------------------


@pytest.fixture(scope="module")
def tous_les_classeurs(bilan) -> dict[str, bytes]:
    return {p.chemin_archive: p.construire() for p in rapports.lister_rapports(bilan, OPTIONS)}


def test_aucune_formule_dans_aucun_classeur(tous_les_classeurs):
    for chemin, octets in tous_les_classeurs.items():
        with zipfile.ZipFile(io.BytesIO(octets)) as zf:
            for nom in zf.namelist():
                if nom.startswith("xl/worksheets/sheet"):
                    assert "<f>" not in zf.read(nom).decode("utf-8"), (chemin, nom)


def test_nom_hostile_reste_du_texte(tous_les_classeurs):
    vus = 0
    for octets in tous_les_classeurs.values():
        for ws in classeur(octets):
            for rangee in ws.iter_rows():
                for cell in rangee:
                    if cell.value == NOM:
                        vus += 1
                        assert cell.data_type == "s"
    assert vus >= 5  # réservataire header, matrices, Paramètres…


def test_titres_de_feuilles_valides(tous_les_classeurs):
    for octets in tous_les_classeurs.values():
        titres = classeur(octets).sheetnames
        assert len({t.lower() for t in titres}) == len(titres)
        for titre in titres:
            assert 0 < len(titre) <= 31
            assert not re.search(r"[\[\]:*?/\\]", titre)


def test_titre_de_feuille_hostile_est_nettoye():
    wb = commun.nouveau_classeur()
    ws = commun.nouvelle_feuille(wb, "Prévisionnel [2025]: EPT/Est*Ensemble? très long nom de territoire")
    assert ws.titre == "Prévisionnel 2025 EPT Est Ensem"
    assert commun.nouvelle_feuille(wb, "prévisionnel 2025 ept est ensem").titre == "prévisionnel 2025 ept est e (2)"


def test_bilan_sans_previsionnel_produit_des_tableaux_vides(bilan):
    vide = dataclasses.replace(
        bilan,
        previsionnel=pd.DataFrame(),
        previsionnel_soustraits=pd.DataFrame(),
        previsionnel_reservataires=pd.DataFrame(),
    )
    wb = classeur(previsionnel.classeur_previsionnel(vide, NOM, OPTIONS))
    assert lire_tableau(wb["Prévisionnel"], "Périmètre") == []
    assert wb["Prévisionnel"]["A8"].value == "Aucune ligne pour ce périmètre."
    wb = classeur(etat.classeur_etat(vide, "93", OPTIONS))
    assert lire_tableau(wb["Prévisionnel 2025"], "Périmètre") == []


def test_en_tete_des_previsionnels_donne_l_annee_prevue(bilan):
    """A forecast is for n+1: its header says « Année prévue : 2025 », never « Année du bilan : 2024 » (issue 10
    point 5). The Paramètres sheet still names the bilan year the forecast is computed from."""
    wb = classeur(previsionnel.classeur_previsionnel(bilan, NOM, OPTIONS))
    feuilles = [wb["Prévisionnel"], wb["Soustraits prévus"]]
    feuilles.append(classeur(epci.classeur_epci(bilan, "200057875", OPTIONS))["Prévisionnel 2025"])
    for ws in feuilles:
        textes = [str(ws.cell(r, 1).value) for r in range(1, 8)]
        assert any(t.startswith("Année prévue : 2025 ") for t in textes), (ws.title, textes)
        assert not any(t.startswith("Année du bilan") for t in textes), (ws.title, textes)


def test_parametres_disent_les_attributions_comptees_par_les_indicateurs_cia(bilan):
    """Without the bail_signe column, the CIA indicators count every attribution: Paramètres says it (issue 10
    point 4, DOMAINE.md §4), in every trame."""
    attendu = bilan.parametres_donnees().iloc[0]
    assert not bilan.bail_signe_renseigne
    for octets in (
        reservataire.classeur_reservataire(bilan, NOM, OPTIONS),
        epci.classeur_epci(bilan, "200057875", OPTIONS),
        etat.classeur_etat(bilan, "93", OPTIONS),
        previsionnel.classeur_previsionnel(bilan, NOM, OPTIONS),
    ):
        regles = {ligne["Règle"]: ligne for ligne in lire_tableau(classeur(octets)["Paramètres"], "Règle")}
        ligne = regles[attendu["libelle"]]
        assert ligne["Choix retenu"] == "toutes les attributions (colonne bail_signe absente)"
        assert ligne["Raison ou référence"] == attendu["raison"]


def test_non_renseigne_distinct_de_non_significatif(bilan):
    """An indicator whose optional column is absent reads « non renseigné », a division by zero « n.s. » (issue 10
    point 5, ``Bilan.indicateurs.motif_vide``)."""
    ind = bilan.indicateurs
    for octets, apres in (
        (reservataire.classeur_reservataire(bilan, NOM, OPTIONS), 1),
        (epci.classeur_epci(bilan, "200057867", OPTIONS), 2),  # after the CIA table
    ):
        lues = lire_tableau(classeur(octets)["Indicateurs"], "Indicateur", apres)
        valeurs = {ligne["Indicateur"]: ligne["Valeur réalisée"] for ligne in lues}
        libelle = ind.loc[ind["indicateur"] == "part_publics_prioritaires", "libelle"].iloc[0]
        assert valeurs[libelle] == "non renseigné"
        numerateurs = {ligne["Numérateur"] for ligne in lues if ligne["Indicateur"] == libelle}
        assert numerateurs == {"non renseigné"}
        assert "n.s." not in {ligne["Valeur réalisée"] for ligne in lues if ligne["Indicateur"] == libelle}


@pytest.mark.parametrize(
    "classeur_de",
    [lambda b: epci.classeur_epci(b, "200057875", OPTIONS), lambda b: etat.classeur_etat(b, "93", OPTIONS)],
    ids=["epci", "etat"],
)
def test_synthese_les_chiffres_du_flux_ne_partagent_pas_la_colonne_des_categories(bilan, classeur_de):
    # Issue 10: column B held both « Disponibilités » (flux table) and « Catégorie de réservataire » (matrix), so a
    # count sat in a 45-character column. The category is now the matrix's last column, past the flux table.
    ws = classeur(classeur_de(bilan))["Synthèse"]
    entetes = {cell.value: cell.column for row in ws.iter_rows() for cell in row if role(cell) == "Flux en-tête"}
    assert entetes["Disponibilités (logements)"] == 2
    # « Disponibilités (logements) » counts 16 characters (commun.ENTETE_MAX) + 2 of margin; the counts are shorter.
    assert ws.column_dimensions["B"].width == pytest.approx(18, abs=0.2)
    assert entetes["Catégorie de réservataire"] > entetes["Attributions, tous attributaires (logements)"]


def test_bilan_du_prefet_donne_sa_part_par_commune(bilan):
    # Issue 10 item 5: the préfet's own bilan shows what the État bilan shows, commune by commune (same figures).
    wb = classeur(reservataire.classeur_reservataire(bilan, PREFET, OPTIONS))
    communes = lire_tableau(wb["Indicateurs"], "Commune")
    assert [(c["Commune"], c["Part du préfet (commune)"], c["Part du préfet (département)"]) for c in communes] == [
        ("Montreuil", 0, pytest.approx(1 / 3)),
        ("Saint-Denis", pytest.approx(1 / 2), pytest.approx(1 / 3)),
    ]
    # Another réservataire's bilan has no such section.
    autre = classeur(reservataire.classeur_reservataire(bilan, NOM, OPTIONS))
    with pytest.raises(AssertionError):
        lire_tableau(autre["Indicateurs"], "Commune")


@pytest.mark.parametrize(
    ("valeur", "attendu"),
    [
        pytest.param(float("nan"), "non renseigné", id="absent"),
        pytest.param(None, "non renseigné", id="none"),
        pytest.param(0.0, 0.0, id="zero"),
        pytest.param(12.0, 12.0, id="compte"),
    ],
)
def test_non_renseigne_d_une_valeur(valeur, attendu):
    assert commun.non_renseigne_valeur(valeur) == attendu


@pytest.mark.parametrize(
    ("colonnes", "attendu"),
    [
        pytest.param({}, [False, False], id="sans-colonne"),
        pytest.param({"estimation": [True, None]}, [True, False], id="vide-non-estime"),
        pytest.param({"estimation": [False, True]}, [False, True], id="drapeaux"),
    ],
)
def test_estimations_du_previsionnel_lues_une_fois(colonnes, attendu):
    droits = pd.DataFrame({"reservataire": ["A", "B"], **colonnes})
    assert previsionnel.estimations(droits).tolist() == attendu
