"""Specification of the demo dataset (flux_dash/demo/) and of the committed files in sample_data/."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from flux_dash import demo
from flux_dash import referentiel as ref
from flux_dash.colonnes import PAR_NOM

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
GRAINES = [1, 7, 2024, 31337]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return _demo(3000, 2024)


@cache
def _demo(nb: int, graine: int) -> dict[str, pd.DataFrame]:
    """Generated once per test session (callers must not modify the tables)."""
    return demo.generer_demo(nb, graine)


def _jour(texte: pd.Series) -> pd.Series:
    return pd.to_datetime(texte.replace("", None), format="%d/%m/%Y")


def _perimetres(conventions: pd.DataFrame) -> dict[str, set[str]]:
    """Réservataire → communes covered by at least one of its conventions."""
    communes: dict[str, set[str]] = {}
    for c in conventions.itertuples():
        communes.setdefault(c.reservataire, set()).update(ref.communes_du_perimetre(c.perimetre_type, c.perimetre_code))
    return communes


# --- Determinism and sizes ------------------------------------------------------------------------


def test_meme_graine_memes_tables():
    a, b = demo.generer_demo(400, 99), demo.generer_demo(400, 99)
    for nom in a:
        pd.testing.assert_frame_equal(a[nom], b[nom], obj=nom)


def test_autre_graine_autres_tables():
    a, b = demo.generer_demo(400, 1), demo.generer_demo(400, 2)
    assert not a["logements"].equals(b["logements"])
    assert not a["tours"].equals(b["tours"])


def test_colonnes_canoniques_dans_l_ordre_du_format(tables):
    for nom, df in tables.items():
        assert list(df.columns) == PAR_NOM[nom].noms, nom


@pytest.mark.parametrize("nb", [1, 60, 3000], ids=["un-logement", "60-logements", "3000-logements"])
def test_nombre_de_logements_et_un_a_trois_tours_consecutifs(nb):
    t = _demo(nb, 2024)
    logements, tours = t["logements"], t["tours"]
    assert len(logements) == nb
    assert logements["id_logement"].is_unique
    assert set(tours["id_logement"]) <= set(logements["id_logement"])
    par_logement = tours.groupby("id_logement")["numero_tour"].agg(list)
    assert all(n == list(range(1, len(n) + 1)) and 1 <= len(n) <= 3 for n in par_logement)


def test_aucun_tour_avant_la_date_d_extraction():
    t = demo.generer_demo(10, 1, demo.ParametresDemo(date_extraction=dt.date(2020, 1, 1)))
    assert len(t["tours"]) == 0
    assert list(t["tours"].columns) == PAR_NOM["tours"].noms


def test_un_autre_bailleur_fictif_valide_aussi(tmp_path):
    """The generator serves any fictional landlord (a multi-landlord demo): its name, identifiers, communes."""
    autre = demo.ParametresDemo(
        nom_bailleur="Logis du Val",
        prefixe="LDV",
        communes=(("94028", 5), ("94081", 3), ("91228", 4), ("95018", 3)),
    )
    t = demo.generer_demo(2000, 7, autre)
    assert t["logements"]["id_logement"].str.startswith("LDV-").all()
    assert set(t["logements"]["code_commune"]) == {"94028", "94081", "91228", "95018"}
    conventions = t["conventions"]
    assert set(conventions["perimetre_code"][conventions["perimetre_type"] == "DEPARTEMENT"]) == {"94", "91", "95"}
    assert "Préfecture de l'Essonne – contingent prioritaire" in set(conventions["reservataire"])
    assert "Ville de Paris" not in set(conventions["reservataire"])  # no convention where the stock is not
    assert set(t["previsionnel"]["code_departement"]) == {"94", "91", "95"}
    chemin = demo.ecrire_classeur(t, tmp_path / "autre.xlsx", autre)
    assert openpyxl.load_workbook(chemin).properties.creator == "Logis du Val"
    from flux_dash.validation import charger

    rapport = charger([chemin], demo.ANNEE_DEMO)
    assert rapport.ok, [str(p) for p in rapport.erreurs][:5]
    assert {p.code for p in rapport.avertissements} <= {"non_oriente"}


def test_la_plupart_des_logements_ont_un_seul_tour(tables):
    nb_tours = tables["tours"].groupby("id_logement").size().value_counts(normalize=True)
    assert nb_tours[1] > 0.6
    assert set(nb_tours.index) == {1, 2, 3}


def test_nombre_de_logements_invalide():
    with pytest.raises(ValueError):
        demo.generer_demo(0)


# --- Values as a user types them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "colonne", "motif"),
    [
        ("logements", "date_disponibilite", r"\d{2}/\d{2}/\d{4}"),
        ("tours", "date_orientation", r"\d{2}/\d{2}/\d{4}"),
        ("tours", "date_attribution", r"(\d{2}/\d{2}/\d{4})?"),
        ("logements", "qpv", r"oui|non"),
        ("tours", "menage_prioritaire", r"(oui|non)?"),
        ("logements", "code_commune", r"\d{5}"),
        ("logements", "code_qpv", r"(QN\d{3}\d{2}[A-Z])?"),
        ("logements", "id_logement", r"HFD-\d{6}"),
        ("conventions", "perimetre_code", r"\d{2}|\d{5}|\d{9}"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.startswith(("(", "\\", "o", "H", "Q")) else None,
)
def test_valeurs_ecrites_comme_un_utilisateur(tables, table, colonne, motif):
    valeurs = tables[table][colonne]
    assert valeurs.str.fullmatch(motif).all(), valeurs[~valeurs.str.fullmatch(motif)].head().tolist()


@pytest.mark.parametrize(
    ("colonne", "categorie"),
    [
        ("typologie", ref.TYPOLOGIES),
        ("financement", ref.FINANCEMENTS),
        ("origine", ref.ORIGINES),
    ],
    ids=["typologie", "financement", "origine"],
)
def test_chaque_modalite_est_presente(tables, colonne, categorie):
    assert set(tables["logements"][colonne]) == set(categorie.codes)


def test_repartitions_realistes(tables):
    lg = tables["logements"]
    assert lg["typologie"].value_counts().index[0] == "T3"
    assert lg["financement"].value_counts().index[0] == "PLUS"
    assert 0.03 <= (lg["origine"] == "PREMIERE_MISE_EN_LOCATION").mean() <= 0.07
    annees = lg["date_disponibilite"].str[-4:].value_counts()
    assert set(annees.index) == {"2023", "2024", "2025"}
    assert annees.index[0] == "2024"
    assert lg["annee_construction"].between(1930, 2024).all()


def test_financement_coherent_avec_l_annee(tables):
    lg = tables["logements"]
    assert (lg.loc[lg["financement"] == "ANCIEN", "annee_construction"] < 1977).all()
    neufs = lg[lg["origine"] == "PREMIERE_MISE_EN_LOCATION"]
    assert (neufs["annee_construction"] >= 2022).all()
    assert (neufs["annee_construction"] <= neufs["date_disponibilite"].str[-4:].astype(int)).all()


def test_qpv_reels_de_la_commune(tables):
    lg = tables["logements"]
    avec_code = lg[lg["code_qpv"] != ""]
    paires = set(zip(ref.qpv()["code_qpv"], ref.qpv()["code_insee"], strict=True))
    assert all(p in paires for p in zip(avec_code["code_qpv"], avec_code["code_commune"], strict=True))
    assert (avec_code["qpv"] == "oui").all()


def test_part_en_qpv_plus_forte_en_seine_saint_denis(tables):
    lg = tables["logements"]
    part = (lg["qpv"] == "oui").groupby(lg["code_commune"].str[:2]).mean()
    assert 0.35 <= part["93"] <= 0.45
    assert part.idxmax() == "93"


def test_communes_reelles_d_ile_de_france_dans_quatre_departements(tables):
    communes = set(tables["logements"]["code_commune"])
    assert communes <= set(ref.communes()["code_insee"])
    assert {c[:2] for c in communes} == {"75", "77", "93", "94"}
    assert 20 <= len(communes) <= 60


# --- Soustraits -------------------------------------------------------------------------------------


def test_environ_dix_pour_cent_de_soustraits_de_toutes_categories(tables):
    categories = tables["logements"]["categorie_soustraction"]
    assert 0.08 <= (categories != "").mean() <= 0.12
    frequences = categories[categories != ""].value_counts()
    assert set(frequences.index) == set(ref.SOUSTRACTIONS.codes)
    assert list(frequences.index[:2]) == ["MUTATION_INTERNE", "RELOGEMENT_RU"]


def test_soustraits_orientes_vers_le_bailleur_et_relogements_realises(tables):
    lg, tours = tables["logements"], tables["tours"]
    soustraits = set(lg.loc[lg["categorie_soustraction"] != "", "id_logement"])
    leurs_tours = tours[tours["id_logement"].isin(soustraits)]
    assert (leurs_tours["reservataire"] == ref.NOM_BAILLEUR).all()
    assert (leurs_tours["issue"] == "ATTRIBUE").sum() > 0.7 * len(soustraits)


# --- Conventions ------------------------------------------------------------------------------------


def test_somme_des_taux_au_plus_100_sur_chaque_commune_du_patrimoine(tables):
    conventions = tables["conventions"]
    couvertes = [ref.communes_du_perimetre(c.perimetre_type, c.perimetre_code) for c in conventions.itertuples()]
    for commune in sorted(set(tables["logements"]["code_commune"])):
        somme = sum(t for t, communes in zip(conventions["taux"], couvertes, strict=True) if commune in communes)
        assert somme <= 100, commune
    assert (conventions.groupby(["perimetre_type", "perimetre_code"])["taux"].sum() <= 100).all()


def test_perimetres_connus_et_une_convention_par_reservataire_et_perimetre(tables):
    conventions = tables["conventions"]
    connus = ref.perimetres_connus()
    assert all((c.perimetre_type, c.perimetre_code) in connus for c in conventions.itertuples())
    assert not conventions.duplicated(["reservataire", "perimetre_type", "perimetre_code"]).any()
    assert set(conventions["categorie"]) == set(ref.CATEGORIES_CONVENTION)


@pytest.mark.parametrize(
    ("reservataire", "departement", "taux"),
    [
        ("Préfecture de la Seine-Saint-Denis – contingent prioritaire", "93", 25.0),
        ("Préfecture de la Seine-Saint-Denis – agents de l'État", "93", 5.0),
        ("Préfecture du Val-de-Marne – contingent prioritaire", "94", 25.0),
        ("Préfecture de Paris – agents de l'État", "75", 5.0),
        ("Préfecture de Seine-et-Marne – contingent prioritaire", "77", 25.0),
    ],
    ids=["prefet-93", "agents-93", "prefet-94", "agents-75", "prefet-77"],
)
def test_prefet_un_nom_par_departement(tables, reservataire, departement, taux):
    lignes = tables["conventions"][tables["conventions"]["reservataire"] == reservataire]
    assert lignes[["perimetre_type", "perimetre_code", "taux"]].values.tolist() == [["DEPARTEMENT", departement, taux]]


@pytest.mark.parametrize(
    ("reservataire", "siren"),
    [("EPT Plaine Commune", "200057867"), ("EPT Est Ensemble", "200057875")],
    ids=["plaine-commune", "est-ensemble"],
)
def test_ept_avec_le_siren_du_referentiel(tables, reservataire, siren):
    lignes = tables["conventions"][tables["conventions"]["reservataire"] == reservataire]
    assert lignes["perimetre_code"].tolist() == [siren]
    assert siren in set(ref.communes()["code_ept"])


def test_reservataires_a_plusieurs_departements(tables):
    par_nom = tables["conventions"].groupby("reservataire")["perimetre_code"].nunique()
    assert par_nom["Action Logement Services"] == 4
    assert par_nom["Région Île-de-France"] >= 2


# --- Tours ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("graine", GRAINES)
def test_orientations_dans_le_perimetre_du_reservataire(graine):
    t = _demo(500, graine)
    perimetres = _perimetres(t["conventions"])
    tours = t["tours"].merge(t["logements"][["id_logement", "code_commune"]], on="id_logement")
    hors = [
        (r.id_logement, r.reservataire)
        for r in tours.itertuples()
        if r.reservataire != ref.NOM_BAILLEUR and r.code_commune not in perimetres[r.reservataire]
    ]
    assert hors == []


@pytest.mark.parametrize("graine", GRAINES)
def test_au_plus_une_attribution_et_c_est_le_dernier_tour(graine):
    tours = _demo(500, graine)["tours"]
    dernier = tours.groupby("id_logement")["numero_tour"].transform("max") == tours["numero_tour"]
    attribues = tours[tours["issue"] == "ATTRIBUE"]
    assert attribues["id_logement"].is_unique
    assert dernier[attribues.index].all()
    assert (tours.loc[~dernier, "issue"] != "EN_COURS").all()


def test_tour_1_souvent_attribue_et_toutes_les_issues_presentes(tables):
    tours = tables["tours"]
    assert 0.6 <= (tours.loc[tours["numero_tour"] == 1, "issue"] == "ATTRIBUE").mean() <= 0.72
    assert set(tours["issue"]) == set(ref.ISSUES.codes)


@pytest.mark.parametrize("graine", GRAINES)
def test_contraintes_de_dates(graine):
    t = _demo(500, graine)
    tours = t["tours"].merge(t["logements"][["id_logement", "date_disponibilite"]], on="id_logement")
    dispo, orientation = _jour(tours["date_disponibilite"]), _jour(tours["date_orientation"])
    attribution = _jour(tours["date_attribution"])
    attribue = tours["issue"] == "ATTRIBUE"
    assert (orientation >= dispo).all()
    assert (orientation <= dispo + pd.DateOffset(months=18)).all()
    assert (tours["date_attribution"] != "").equals(attribue)
    delai = (attribution - orientation).dt.days[attribue]
    assert delai.between(15, 90).all()
    assert (orientation <= pd.Timestamp(demo.DATE_EXTRACTION)).all()
    assert (attribution[attribue] <= pd.Timestamp(demo.DATE_EXTRACTION)).all()
    premier = tours["numero_tour"] == 1
    assert (orientation - dispo).dt.days[premier].between(0, 60).all()


def test_indicateurs_menage_remplis_sur_les_seules_attributions(tables):
    tours = tables["tours"]
    attribue = tours["issue"] == "ATTRIBUE"
    for colonne in ("bail_signe", "menage_prioritaire", "dalo", "premier_quartile", "menage_relogement_ru"):
        assert (tours.loc[attribue, colonne] != "").all(), colonne
        assert (tours.loc[~attribue, colonne] == "").all(), colonne
    a = tours[attribue]
    assert 0.85 <= (a["bail_signe"] == "oui").mean() <= 0.98
    assert 0.30 <= (a["menage_prioritaire"] == "oui").mean() <= 0.45
    assert 0.20 <= (a["premier_quartile"] == "oui").mean() <= 0.30
    assert (a.loc[a["dalo"] == "oui", "menage_prioritaire"] == "oui").all()
    prefet = a["reservataire"].str.endswith("contingent prioritaire")
    assert (a.loc[prefet, "menage_prioritaire"] == "oui").mean() > (
        a.loc[~prefet, "menage_prioritaire"] == "oui"
    ).mean()


def test_menages_relogement_ru_sur_les_relogements_ru(tables):
    lg, tours = tables["logements"], tables["tours"]
    ru = set(lg.loc[lg["categorie_soustraction"] == "RELOGEMENT_RU", "id_logement"])
    a = tours[tours["issue"] == "ATTRIBUE"]
    assert (a.loc[a["id_logement"].isin(ru), "menage_relogement_ru"] == "oui").mean() > 0.8
    assert (a.loc[~a["id_logement"].isin(ru), "menage_relogement_ru"] == "oui").mean() < 0.05


def test_parts_realisees_du_prefet_sous_les_plafonds_en_2024(tables):
    """DOMAINE.md §4: proposés(préfet) / flux per département, year 2024, under 30 % (agents under 5 %)."""
    lg, tours, conv = tables["logements"], tables["tours"], tables["conventions"]
    dans_flux = lg[(lg["categorie_soustraction"] == "") & lg["date_disponibilite"].str.endswith("2024")]
    flux = dans_flux["code_commune"].str[:2].value_counts()
    dep = lg.set_index("id_logement")["code_commune"].str[:2]
    non_soustraits = set(lg.loc[lg["categorie_soustraction"] == "", "id_logement"])
    t = tours[tours["date_orientation"].str.endswith("2024") & tours["id_logement"].isin(non_soustraits)]
    for categories, plafond in ((ref.CATEGORIES_PREFET, 0.30), (("ETAT_AGENTS",), 0.05)):
        noms = set(conv.loc[conv["categorie"].isin(categories), "reservataire"])
        proposes = dep[t.loc[t["reservataire"].isin(noms), "id_logement"].unique()].value_counts()
        parts = proposes / flux[proposes.index]
        assert (parts <= plafond).all(), parts.to_dict()
        assert (parts >= plafond * 0.5).all(), parts.to_dict()


def test_parts_realisees_proches_des_taux(tables):
    """Action Logement gets about its taux of each département's flux (tours of any year)."""
    lg, tours, conv = tables["logements"], tables["tours"], tables["conventions"]
    non_soustraits = lg[lg["categorie_soustraction"] == ""]
    flux = non_soustraits["code_commune"].str[:2].value_counts()
    dep = lg.set_index("id_logement")["code_commune"].str[:2]
    ids = tours.loc[tours["reservataire"] == "Action Logement Services", "id_logement"].unique()
    parts = dep[ids].value_counts() / flux
    taux = conv[conv["reservataire"] == "Action Logement Services"].set_index("perimetre_code")["taux"] / 100
    assert ((parts - taux[parts.index]).abs() < 0.03).all(), (parts.to_dict(), taux.to_dict())


def test_quelques_logements_non_orientes_seulement(tables):
    lg, tours = tables["logements"], tables["tours"]
    sans_tour = lg[~lg["id_logement"].isin(tours["id_logement"]) & (lg["categorie_soustraction"] == "")]
    en_2024 = sans_tour["date_disponibilite"].str.endswith("2024")
    assert en_2024.sum() == 3000 // 600
    assert _jour(sans_tour.loc[~en_2024, "date_disponibilite"]).ge(pd.Timestamp("2025-11-01")).all()


# --- Prévisionnel -----------------------------------------------------------------------------------


def test_previsionnel_par_departement_et_categorie(tables):
    prev = tables["previsionnel"]
    assert len(prev) == 4 * len(ref.SOUSTRACTIONS.codes)
    assert not prev.duplicated(["code_departement", "categorie_soustraction"]).any()
    assert set(prev["code_departement"]) == {"75", "77", "93", "94"}
    assert (prev["nombre_prevu"] >= 0).all()
    disponibilites = prev.groupby("code_departement")["disponibilites_prevues"].agg(["nunique", "count"])
    assert (disponibilites["nunique"] <= 1).all()
    assert set(disponibilites.index[disponibilites["count"] == 6]) == {"93", "94"}
    assert set(disponibilites.index[disponibilites["count"] == 0]) == {"75", "77"}


# --- Writers ----------------------------------------------------------------------------------------


def test_csv_a_la_francaise():
    table = pd.DataFrame(
        {"code": ["01234", "75056"], "taux": [2.5, 25.0], "n": pd.array([3, None], dtype="Int64"), "b": ["oui", ""]}
    )
    assert demo.csv_en_texte(table) == "code;taux;n;b\n01234;2,5;3;oui\n75056;25;;\n"


def test_csv_en_utf8_avec_bom(tmp_path):
    chemins = demo.ecrire_csv(demo.generer_demo(5, 1), tmp_path)
    assert [c.name for c in chemins] == list(demo.NOMS_CSV.values())
    assert all(c.read_bytes().startswith(b"\xef\xbb\xbf") for c in chemins)


def test_classeur_codes_en_texte_dates_en_dates(tmp_path):
    t = demo.generer_demo(5, 1)
    t["logements"].loc[0, "id_logement"] = "000123"
    chemin = demo.ecrire_classeur(t, tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(chemin)
    assert wb.sheetnames == ["Logements", "Tours", "Conventions", "Prévisionnel"]
    ws = wb["Logements"]
    assert ws.freeze_panes == "A2"
    entete = [c.value for c in ws[1]]
    assert entete == PAR_NOM["logements"].noms
    ligne = {nom: c for nom, c in zip(entete, ws[2], strict=True)}
    assert (ligne["id_logement"].value, ligne["id_logement"].data_type) == ("000123", "s")
    assert ligne["code_commune"].data_type == "s"
    assert ligne["annee_construction"].data_type == "n"
    attendu = dt.datetime.strptime(t["logements"].loc[0, "date_disponibilite"], "%d/%m/%Y")
    assert (ligne["date_disponibilite"].value, ligne["date_disponibilite"].number_format) == (attendu, "DD/MM/YYYY")
    conventions = wb["Conventions"]
    assert [c.value for c in conventions[2]][3:] == ["93", 25]
    prev = wb["Prévisionnel"]
    assert prev.cell(row=20, column=4).value is None  # 75: no disponibilites_prevues → empty cell


def test_classeur_texte_echappe_et_style_texte_pour_les_codes(tmp_path):
    t = {nom: df.iloc[:0].copy() for nom, df in demo.generer_demo(5, 1).items()}
    t["conventions"] = pd.DataFrame(
        {
            "reservataire": ["A & B <employeur>", "=1+1"],
            "categorie": ["AUTRE", "AUTRE"],
            "perimetre_type": ["COMMUNE", "COMMUNE"],
            "perimetre_code": ["01001", "75056"],
            "taux": [2.5, 3.0],
        }
    )
    wb = openpyxl.load_workbook(demo.ecrire_classeur(t, tmp_path / "x.xlsx"))
    ws = wb["Conventions"]
    assert [[c.value for c in ligne] for ligne in ws.iter_rows(min_row=2)] == [
        ["A & B <employeur>", "AUTRE", "COMMUNE", "01001", 2.5],
        ["=1+1", "AUTRE", "COMMUNE", "75056", 3],
    ]
    assert ws["A3"].data_type == "s"  # text, never a formula
    assert ws["D2"].number_format == "@"
    assert ws["A1"].font.b
    assert wb["Logements"].max_row == 1


def test_classeur_memes_octets_pour_les_memes_tables(tmp_path):
    t = _demo(60, 2024)
    a = demo.ecrire_classeur(t, tmp_path / "a.xlsx").read_bytes()
    b = demo.ecrire_classeur(t, tmp_path / "b.xlsx").read_bytes()
    assert a == b


# --- Committed files ---------------------------------------------------------------------------------


def test_sample_data_csv_identiques_au_generateur(tmp_path):
    frais = demo.ecrire_csv(_demo(3000, 2024), tmp_path)
    for chemin in frais:
        engage = SAMPLE_DATA / "csv" / chemin.name
        assert engage.read_text(encoding="utf-8-sig") == chemin.read_text(encoding="utf-8-sig"), chemin.name


def test_sample_data_classeur_identique_au_generateur(tmp_path):
    frais = demo.ecrire_classeur(_demo(3000, 2024), tmp_path / demo.NOM_CLASSEUR)
    engage = SAMPLE_DATA / demo.NOM_CLASSEUR
    for feuille in demo.FEUILLES.values():
        a = pd.read_excel(engage, sheet_name=feuille, engine="calamine", header=None, dtype=object)
        b = pd.read_excel(frais, sheet_name=feuille, engine="calamine", header=None, dtype=object)
        pd.testing.assert_frame_equal(a, b, obj=feuille)


def test_sample_data_jeu_casse_identique_au_generateur(tmp_path):
    for chemin in demo.ecrire_jeu_casse(tmp_path):
        engage = SAMPLE_DATA / "casse" / chemin.name
        assert engage.read_text(encoding="utf-8-sig") == chemin.read_text(encoding="utf-8-sig"), chemin.name


def test_lisezmoi_du_jeu_casse_cite_chaque_erreur():
    _, erreurs = demo.jeu_casse()
    texte = (SAMPLE_DATA / "casse" / "LISEZMOI.md").read_text(encoding="utf-8")
    assert len(erreurs) >= 10
    for e in erreurs:
        assert re.search(rf"\| `{demo.NOMS_CSV_CASSE[e.table]}` \| {e.ligne} \| `{e.colonne}` \|", texte), e


@pytest.mark.parametrize(
    ("table", "colonne", "valeur"),
    [
        ("logements", "code_commune", "99999"),
        ("logements", "typologie", "T9"),
        ("logements", "annee_construction", "1700"),
        ("logements", "date_disponibilite", "31/02/2024"),
        ("logements", "qpv", "non"),
        ("tours", "reservataire", "Prefecture 93"),
        ("tours", "date_orientation", "hier"),
        ("tours", "date_attribution", ""),
        ("conventions", "taux", "65"),
    ],
    ids=["commune", "typologie", "annee", "date-31-fevrier", "qpv", "reservataire", "date-hier", "sans-date", "taux"],
)
def test_jeu_casse_la_valeur_documentee_est_dans_le_fichier(table, colonne, valeur):
    tables, erreurs = demo.jeu_casse()
    e = next(e for e in erreurs if (e.table, e.colonne, e.valeur) == (table, colonne, valeur))
    fichier = pd.read_csv(SAMPLE_DATA / "casse" / demo.NOMS_CSV_CASSE[table], sep=";", dtype=str, keep_default_na=False)
    assert fichier.loc[e.ligne - 2, colonne] == valeur


def test_jeu_casse_identifiant_en_double():
    _, erreurs = demo.jeu_casse()
    e = next(e for e in erreurs if e.colonne == "id_logement")
    fichier = pd.read_csv(SAMPLE_DATA / "casse" / "casse_logements.csv", sep=";", dtype=str, keep_default_na=False)
    assert e.ligne == len(fichier) + 1
    assert (fichier["id_logement"] == e.valeur).sum() == 2


# --- With reading and validation -------------------------------------------------------------------

validation = pytest.importorskip("flux_dash.validation")


@pytest.fixture(scope="module")
def rapport_casse():
    return validation.charger(sorted((SAMPLE_DATA / "casse").glob("*.csv")))


def test_classeur_de_demo_valide_sans_erreur_avec_seulement_des_non_orientes():
    rapport = validation.charger([SAMPLE_DATA / demo.NOM_CLASSEUR])
    assert rapport.ok
    assert rapport.erreurs == []
    assert {p.code for p in rapport.avertissements} == {"non_oriente"}
    assert len(rapport.avertissements) == 3000 // 600
    assert validation.annee_par_defaut(rapport.tables) == demo.ANNEE_DEMO
    assert len(rapport.tables["logements"]) == 3000


def test_csv_de_demo_valident_comme_le_classeur():
    rapport = validation.charger(sorted((SAMPLE_DATA / "csv").glob("*.csv")))
    assert rapport.ok
    assert {p.code for p in rapport.avertissements} == {"non_oriente"}
    assert rapport.tables["conventions"]["taux"].tolist() == _demo(1, 2024)["conventions"]["taux"].tolist()


@pytest.mark.parametrize("graine", [1, 7])
def test_autres_graines_valident_aussi(tmp_path, graine):
    chemins = demo.ecrire_csv(demo.generer_demo(1200, graine), tmp_path)
    rapport = validation.charger(chemins)
    assert rapport.erreurs == []
    assert {p.code for p in rapport.avertissements} <= {"non_oriente"}


def test_jeu_casse_chaque_erreur_documentee_est_signalee_a_sa_ligne(rapport_casse):
    rapport = rapport_casse
    _, documentees = demo.jeu_casse()
    assert not rapport.ok
    signalees = {(p.table, p.ligne, p.colonne) for p in rapport.erreurs}
    manquantes = [e for e in documentees if (e.table, e.ligne, e.colonne) not in signalees]
    assert manquantes == []


def test_jeu_casse_aucune_erreur_ailleurs_que_sur_les_lignes_documentees(rapport_casse):
    """Besides the documented lines, errors only repeat a documented mistake: the first copy of the duplicated
    logement and the other conventions of the perimeter whose Σ taux exceeds 100 (as casse/LISEZMOI.md says)."""
    rapport = rapport_casse
    tables, documentees = demo.jeu_casse()
    attendues = {(e.table, e.ligne) for e in documentees}
    double = next(e for e in documentees if e.colonne == "id_logement")
    attendues.add(("logements", int(np.flatnonzero(tables["logements"]["id_logement"] == double.valeur)[0]) + 2))
    conv = tables["conventions"]
    attendues |= {
        ("conventions", i + 2)
        for i in conv.index[(conv["perimetre_type"] == "DEPARTEMENT") & (conv["perimetre_code"] == "93")]
    }
    assert {(p.table, p.ligne) for p in rapport.erreurs} == attendues
