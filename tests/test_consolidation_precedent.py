"""Year-on-year for the landlord (issue 10 item 6, flux_dash.consolidation.precedent): the bilan of n (the
four-logement set of tests/petit_jeu.py) beside a hand-made file of n−1 of the same landlord, figures computed by
hand.

The bilan of 2024, département 93: 4 disponibilités, 1 soustrait (a mutation interne, relogée in 2024), flux 3;
« Préfecture 93 » (25 %) 1 logement proposé, droits théoriques 0,75. The file of 2023 (below): 5 disponibilités,
2 soustraits, flux 3; the préfet 2 proposés; and its prévisionnel for 2024: flux 4, soustraits 2 mutations and
1 relogement RU, droits prévisionnels of the préfet 1,5."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from outils_consolidation import csv_tidy, detenteur, perimetre
from petit_jeu import PREFET

from flux_dash.consolidation import precedent as pr

BAILLEUR = "Habitat Test"
DEP = ("DEPARTEMENT", "93")


def fichier_2023(annee: int = 2023, bailleur: str = BAILLEUR) -> tuple[str, bytes]:
    lignes = perimetre(*DEP, disponibilites=5, soustraits=2, flux=3, relogements_realises=1)
    lignes += detenteur(*DEP, "ETAT_PRIORITAIRES", PREFET, logements_proposes=2, droits_theoriques=0.75)
    lignes += perimetre(*DEP, flux_previsionnel=4)
    lignes += [
        (*DEP, "", "", "categorie_soustraction", "MUTATION_INTERNE", "soustraits_prevus", 2.0),
        (*DEP, "", "", "categorie_soustraction", "RELOGEMENT_RU", "soustraits_prevus", 1.0),
    ]
    lignes += detenteur(*DEP, "ETAT_PRIORITAIRES", PREFET, droits_previsionnels=1.5)
    return f"indicateurs_{annee}.csv", csv_tidy(bailleur, lignes, annee=annee)


@pytest.fixture
def comparaison(petit_bilan):
    envoi, problemes = pr.lire_precedent(fichier_2023(), 2024)
    assert envoi is not None, problemes
    return pr.comparer(petit_bilan, envoi, BAILLEUR)


def _ligne(df, **filtre):
    for colonne, valeur in filtre.items():
        df = df[df[colonne] == valeur]
    assert len(df) == 1, df
    return df.iloc[0]


@pytest.mark.parametrize(
    ("reservataire", "indicateur", "n", "n_1", "evolution", "relative"),
    [
        pytest.param("", "disponibilites", 4, 5, -1, -0.2, id="disponibilités"),
        pytest.param("", "soustraits", 1, 2, -1, -0.5, id="soustraits"),
        pytest.param("", "flux", 3, 3, 0, 0.0, id="flux"),
        pytest.param(PREFET, "logements_proposes", 1, 2, -1, -0.5, id="proposés du préfet"),
        pytest.param(PREFET, "droits_theoriques", 0.75, 0.75, 0, 0.0, id="droits du préfet"),
    ],
)
def test_chaque_chiffre_cle_a_son_annee_precedente_et_son_ecart(
    comparaison, reservataire, indicateur, n, n_1, evolution, relative
):
    r = _ligne(
        comparaison.evolution,
        perimetre_type="DEPARTEMENT",
        perimetre_code="93",
        reservataire=reservataire,
        indicateur=indicateur,
    )
    assert (r.valeur_n, r.valeur_n_1, r.evolution, r.evolution_relative) == pytest.approx((n, n_1, evolution, relative))
    assert r.perimetre_libelle == "Seine-Saint-Denis (93)"
    assert r.unite == "nombre"


def test_un_chiffre_absent_l_an_dernier_reste_sans_ecart(comparaison):
    r = _ligne(
        comparaison.evolution,
        perimetre_type="DEPARTEMENT",
        perimetre_code="93",
        reservataire=PREFET,
        indicateur="part_flux_orientations",
    )
    assert r.valeur_n == pytest.approx(1 / 3)
    assert math.isnan(r.valeur_n_1) and math.isnan(r.evolution) and math.isnan(r.evolution_relative)
    assert r.unite == "ratio" and r.categorie == "ETAT_PRIORITAIRES"


@pytest.mark.parametrize(
    ("mesure", "reservataire", "modalite", "prevu", "realise", "ecart"),
    [
        pytest.param("flux", "", "", 4, 3, -1, id="flux prévisionnel"),
        pytest.param("soustraits", "", "MUTATION_INTERNE", 2, 1, -1, id="mutations prévues"),
        pytest.param("soustraits", "", "RELOGEMENT_RU", 1, 0, -1, id="relogements RU prévus, aucun réalisé"),
        pytest.param("soustraits", "", "", 3, 1, -2, id="soustraits prévus en tout"),
        pytest.param("droits", PREFET, "", 1.5, 1, -0.5, id="droits prévisionnels du préfet"),
    ],
)
def test_le_previsionnel_de_l_an_dernier_a_cote_du_realise(
    comparaison, mesure, reservataire, modalite, prevu, realise, ecart
):
    r = _ligne(
        comparaison.previsionnel,
        perimetre_type="DEPARTEMENT",
        perimetre_code="93",
        mesure=mesure,
        reservataire=reservataire,
        modalite=modalite,
    )
    assert (r.prevu, r.realise, r.ecart) == pytest.approx((prevu, realise, ecart))


def test_les_droits_previsionnels_avec_les_droits_theoriques_de_n(comparaison):
    r = _ligne(comparaison.previsionnel, mesure="droits", reservataire=PREFET)
    assert r.droits_theoriques == pytest.approx(0.75)
    assert r.libelle == "Droits prévisionnels / logements proposés" and r.categorie == "ETAT_PRIORITAIRES"
    assert _ligne(comparaison.previsionnel, mesure="soustraits", modalite="").modalite_libelle == "Total"


def test_la_selection_d_un_destinataire(comparaison):
    du_prefet = comparaison.selection(reservataire=PREFET)
    assert set(du_prefet.evolution.reservataire) == {PREFET}
    assert set(du_prefet.previsionnel.mesure) == {"droits"}
    communes = comparaison.selection(perimetres=[("COMMUNE", "93048")])
    assert set(communes.evolution.perimetre_code) == {"93048"}
    assert communes.previsionnel.empty


def test_le_fichier_d_une_autre_annee_est_refuse_en_le_nommant():
    envoi, problemes = pr.lire_precedent(fichier_2023(annee=2022), 2024)
    assert envoi is None
    (p,) = [p for p in problemes if p.gravite == "erreur"]
    assert p.code == "precedent_autre_annee" and p.source == "indicateurs_2022.csv"
    assert "2022" in p.regle and "2024" in p.regle and "2023" in p.conseil


def test_un_fichier_qui_n_est_pas_un_bilan_est_refuse():
    envoi, problemes = pr.lire_precedent(("tours.csv", b"id_logement;numero_tour\nL1;1\n"), 2024)
    assert envoi is None and any(p.gravite == "erreur" for p in problemes)


# --- flux-dash bilan … --precedent: an « Évolution » sheet in every trame ------------------------------------------


def _bilan_en_ligne(tmp_path, *options: str) -> tuple[int, Path]:
    from petit_jeu import fichiers_petits

    from flux_dash import cli

    entrees = []
    for nom, contenu in fichiers_petits():
        (tmp_path / nom).write_bytes(contenu)
        entrees.append(str(tmp_path / nom))
    sortie = tmp_path / "sortie"
    args = ["bilan", *entrees, "--annee", "2024", "--sortie", str(sortie), "--bailleur", BAILLEUR, *options]
    return cli.main(args), sortie


def _feuille(chemin: Path, prefixe: str):
    import openpyxl

    wb = openpyxl.load_workbook(chemin, read_only=True)
    noms = [n for n in wb.sheetnames if n.startswith(prefixe)]
    return [list(r) for r in wb[noms[0]].iter_rows(values_only=True)] if noms else None


def _rangee(rangees, *debut):
    (r,) = [r for r in rangees if tuple(r[: len(debut)]) == debut]
    return r


@pytest.mark.lent
def test_bilan_avec_precedent_chaque_trame_a_sa_feuille_evolution(tmp_path, capsys):
    nom, contenu = fichier_2023()
    (tmp_path / nom).write_bytes(contenu)
    code, sortie = _bilan_en_ligne(tmp_path, "--precedent", str(tmp_path / nom))
    assert code == 0, capsys.readouterr()
    classeurs = sorted(sortie.rglob("*.xlsx"))
    assert classeurs
    for chemin in classeurs:
        assert _feuille(chemin, "Évolution 2023-2024") is not None, chemin.name
    (prefet,) = [p for p in classeurs if "reservataire_prefecture-93" in p.name and p.parent.name == "reservataires"]
    rangees = _feuille(prefet, "Évolution")
    r = _rangee(rangees, "Seine-Saint-Denis (93)", "État – publics prioritaires", PREFET, "Logements proposés")
    assert r[4:7] == [2, 1, -1]
    assert r[7] == pytest.approx(-0.5)
    d = _rangee(rangees, "Seine-Saint-Denis (93)", "Droits prévisionnels / logements proposés", PREFET)
    assert d[4:9] == [1.5, 1, -0.5, pytest.approx(-1 / 3), 0.75]
    assert "Année précédente : bilan 2023 de Habitat Test" in capsys.readouterr().out


@pytest.mark.lent
def test_bilan_avec_precedent_masque_les_petits_effectifs_des_bilans_consolides(tmp_path):
    nom, contenu = fichier_2023()
    (tmp_path / nom).write_bytes(contenu)
    code, sortie = _bilan_en_ligne(tmp_path, "--precedent", str(tmp_path / nom), "--masquer")
    assert code == 0
    rangees = _feuille(sortie / "etat" / "bilan_2024_etat_93.xlsx", "Évolution")
    r = _rangee(rangees, "Seine-Saint-Denis (93)", "Ensemble du périmètre", None, "Disponibilités")
    assert r[4:8] == [5, "< 5", "masqué", "masqué"]


@pytest.mark.lent
def test_bilan_sans_precedent_les_trames_restent_sans_evolution(tmp_path):
    code, sortie = _bilan_en_ligne(tmp_path)
    assert code == 0
    assert all(_feuille(c, "Évolution") is None for c in sortie.rglob("*.xlsx"))


def test_bilan_avec_un_precedent_d_une_autre_annee_n_ecrit_rien(tmp_path, capsys):
    nom, contenu = fichier_2023(annee=2022)
    (tmp_path / nom).write_bytes(contenu)
    code, sortie = _bilan_en_ligne(tmp_path, "--precedent", str(tmp_path / nom))
    assert code == 1
    assert not sortie.exists()
    erreur = capsys.readouterr().err
    assert "indicateurs_2022.csv" in erreur and "--precedent" in erreur


@pytest.mark.libreoffice
def test_la_feuille_evolution_s_ouvre_dans_libreoffice(tmp_path):
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    nom, contenu = fichier_2023()
    (tmp_path / nom).write_bytes(contenu)
    code, sortie = _bilan_en_ligne(tmp_path, "--precedent", str(tmp_path / nom), "--masquer")
    assert code == 0
    entrees = [str(sortie / "etat" / "bilan_2024_etat_93.xlsx"), *map(str, (sortie / "reservataires").glob("*.xlsx"))]
    pdf = tmp_path / "pdf"
    resultat = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless", "--norestore"]
        + ["--convert-to", "pdf", "--outdir", str(pdf), *entrees],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    for entree in entrees:
        fichier = pdf / Path(entree).with_suffix(".pdf").name
        assert fichier.is_file() and fichier.read_bytes().startswith(b"%PDF"), resultat.stdout
    if shutil.which("pdftotext"):
        texte = subprocess.run(
            ["pdftotext", str(pdf / "bilan_2024_etat_93.pdf"), "-"], capture_output=True, text=True, timeout=60
        ).stdout
        assert "Évolution 2023 → 2024" in texte and "Prévisionnel 2023 pour 2024" in texte
