"""Reading what landlords send (FORMAT.md §3.1): every kind of file, recognised by content, and every error,
warning and information of the receiving side, in French, naming the file."""

from __future__ import annotations

import io

import openpyxl
import pytest
from outils_consolidation import (
    ENTETE,
    MONTREUIL,
    archive,
    classeur_donnees,
    csv_tidy,
    habitat_a,
    logis_b,
    perimetre,
)

from flux_dash.consolidation import contrat, lire_envois
from flux_dash.consolidation import reception as module_reception
from flux_dash.consolidation.codes import CODES
from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION


def codes(reception, gravite=None):
    return [p.code for p in reception.problemes if gravite is None or p.gravite == gravite]


def seul(reception, code):
    trouves = [p for p in reception.problemes if p.code == code]
    assert len(trouves) == 1, reception.tableau().to_string()
    return trouves[0]


def test_csv_lu_avec_bailleur_annee_garde_et_virgule_decimale():
    r = lire_envois([("indicateurs_2024.csv", csv_tidy("=Habitat A", habitat_a("+Préfet")))], annee=2024)
    assert r.ok and codes(r) == []
    (e,) = r.envois
    assert (e.bailleur, e.annee) == ("=Habitat A", 2024)
    assert e.fichiers[0].genre == "csv" and len(e.fichiers[0].sha256) == 64
    assert "+Préfet" in set(e.lignes["reservataire"])
    taux = e.lignes[(e.lignes.indicateur == "taux_convention") & (e.lignes.categorie == "ETAT_PRIORITAIRES")]
    assert taux.valeur.tolist() == [0.25]
    assert list(e.lignes.columns) == [*contrat.TEXTES, "valeur"]


def test_colonnes_reconnues_par_leur_nom_pas_par_leur_position_et_windows_1252():
    texte = csv_tidy("Habitat A", habitat_a()).decode("utf-8-sig").splitlines()
    inverse = [";".join(reversed(x.split(";"))) for x in texte]
    assert inverse[0] == ";".join(reversed(ENTETE.split(";")))
    r = lire_envois([("inverse.csv", ("\r\n".join(inverse) + "\r\n").encode("cp1252"))])
    assert r.ok, r.tableau().to_string()
    assert r.envois[0].empreinte() == lire_envois([("a.csv", csv_tidy("Habitat A", habitat_a()))]).envois[0].empreinte()


def test_classeur_lu_par_sa_feuille_donnees():
    r = lire_envois([("bilan_2024_epci_est-ensemble.xlsx", classeur_donnees("Habitat A", habitat_a()))], annee=2024)
    assert r.ok, r.tableau().to_string()
    (e,) = r.envois
    assert e.bailleur == "Habitat A" and e.version == "0.2.0" and e.fichiers[0].genre == "classeur"
    assert e.empreinte() == lire_envois([("a.csv", csv_tidy("Habitat A", habitat_a()))]).envois[0].empreinte()


def test_classeur_dont_le_nom_est_dans_l_en_tete_seulement():
    r = lire_envois([("a.xlsx", classeur_donnees("Habitat A", habitat_a(), nom_en_tete=True))])
    assert r.ok and r.envois[0].bailleur == "Habitat A"


def test_archive_lue_par_son_csv_et_ses_classeurs_ignores():
    zip_ = archive(
        {
            "indicateurs_2024.csv": csv_tidy("Habitat A", habitat_a()),
            "etat/bilan_2024_etat_93.xlsx": classeur_donnees("Habitat A", habitat_a()[:5]),
        }
    )
    r = lire_envois([("flux_2024_habitat-a.zip", zip_)])
    assert r.ok
    assert codes(r) == ["envoi_archive_partielle"]
    assert r.envois[0].fichiers[0].genre == "archive"


def test_archive_sans_csv_lue_par_ses_classeurs():
    zip_ = archive({"epci_ept/bilan.xlsx": classeur_donnees("Habitat A", habitat_a())})
    r = lire_envois([("flux.zip", zip_)])
    assert r.ok and len(r.envois) == 1


def test_melange_de_zip_csv_et_classeur_de_trois_bailleurs():
    r = lire_envois(
        [
            ("a.zip", archive({"indicateurs_2024.csv": csv_tidy("Habitat A", habitat_a())})),
            ("b.csv", csv_tidy("Logis B", logis_b())),
            (
                "c.xlsx",
                classeur_donnees("Toit C", perimetre("COMMUNE", MONTREUIL, disponibilites=1, flux=1, soustraits=0)),
            ),
        ],
        annee=2024,
    )
    assert r.ok, r.tableau().to_string()
    assert [e.bailleur for e in r.envois] == ["Habitat A", "Logis B", "Toit C"]


# --- errors of FORMAT.md §3.1 --------------------------------------------------------------------------------------


def test_fichier_sans_nom_de_bailleur():
    r = lire_envois([("indicateurs_2024.csv", csv_tidy("", habitat_a()))])
    p = seul(r, "envoi_sans_bailleur")
    assert p.gravite == ERREUR and p.source == "indicateurs_2024.csv" and "--bailleur" in p.conseil
    assert r.envois == []


def test_fichier_d_une_autre_annee():
    r = lire_envois([("b.csv", csv_tidy("Logis B", logis_b(), annee=2023))], annee=2024)
    p = seul(r, "envoi_autre_annee")
    assert p.source == "b.csv" and "2023" in p.regle and "Logis B" in p.regle and "--annee 2023" in p.conseil
    assert not r.ok and r.envois == []


def test_meme_bailleur_deux_fois_avec_des_chiffres_differents():
    autre = [(*x[:7], 99) if x[6] == "flux" else x for x in habitat_a()]
    r = lire_envois(
        [("a.csv", csv_tidy("Habitat A", habitat_a())), ("a_v2.xlsx", classeur_donnees("HABITAT-A", autre))]
    )
    p = seul(r, "envoi_bailleur_en_double")
    assert p.gravite == ERREUR and p.source == "a.csv, a_v2.xlsx" and "Habitat A" in p.regle and "flux" in p.regle
    assert r.envois == []


def test_doublons_identiques_fusionnes_avec_une_information():
    csv_a = csv_tidy("Habitat A", habitat_a())
    r = lire_envois([("a.csv", csv_a), ("a.zip", archive({"indicateurs_2024.csv": csv_a}))])
    assert r.ok
    p = seul(r, "envoi_doublon_fusionne")
    assert p.gravite == INFORMATION and p.source == "a.csv, a.zip"
    assert len(r.envois) == 1 and len(r.envois[0].fichiers) == 2


def test_deux_extraits_concordants_du_meme_bailleur_sont_reunis():
    lignes = habitat_a()
    communes = [x for x in lignes if x[0] == "COMMUNE"]
    autres = [x for x in lignes if x[0] != "COMMUNE"]
    r = lire_envois(
        [("c.xlsx", classeur_donnees("Habitat A", communes)), ("d.xlsx", classeur_donnees("Habitat A", autres))]
    )
    assert r.ok and codes(r) == ["envoi_doublon_fusionne"]
    assert r.envois[0].empreinte() == lire_envois([("a.csv", csv_tidy("Habitat A", lignes))]).envois[0].empreinte()


def test_le_meme_fichier_donne_deux_fois_est_lu_une_fois():
    csv_a = csv_tidy("Habitat A", habitat_a())
    r = lire_envois([("a.csv", csv_a), ("copie de a.csv", csv_a)])
    assert r.ok and len(r.envois) == 1 and len(r.envois[0].fichiers) == 1
    assert "même sha256" in seul(r, "envoi_doublon_fusionne").regle


def _classeur_de_tours() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Logements"
    wb.active.append(["id_logement", "code_commune", "qpv", "typologie"])
    wb.create_sheet("Tours").append(["id_logement", "numero_tour", "reservataire", "date_orientation", "issue"])
    wb.create_sheet("Conventions")
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


@pytest.mark.parametrize(
    ("nom", "contenu", "code", "extrait"),
    [
        pytest.param(
            "tours.xlsx", _classeur_de_tours(), "envoi_donnees_brutes", "flux-dash bilan", id="classeur de tours"
        ),
        pytest.param(
            "tours.csv",
            b"id_logement;numero_tour;reservataire;date_orientation;issue\nL1;1;ALS;01/02/2024;ATTRIBUE\n",
            "envoi_donnees_brutes",
            "flux-dash bilan",
            id="csv de tours",
        ),
        pytest.param(
            "tours.zip",
            archive({"logements.csv": b"id_logement;code_commune;qpv;typologie;financement\n"}),
            "envoi_donnees_brutes",
            "flux-dash bilan",
            id="zip de tables brutes",
        ),
        pytest.param("notes.csv", b"nom;age\nA;3\n", "envoi_non_flux_dash", "indicateurs", id="csv quelconque"),
        pytest.param("rapport.pdf", b"%PDF-1.7 ...", "envoi_non_flux_dash", "ZIP", id="pdf"),
        pytest.param("vide.csv", b"   \n", "envoi_vide", "", id="vide"),
        pytest.param("casse.zip", b"PK\x03\x04 pas une archive", "envoi_illisible", "", id="zip endommage"),
        pytest.param(
            "indicateurs_2024.csv",
            "annee;perimetre_type;perimetre_code;perimetre_libelle;reservataire;dimension;modalite;indicateur;valeur\n"
            "2024;REGION;11;Île-de-France;;total;;flux;8\n".encode(),
            "envoi_format_ancien",
            "--bailleur",
            id="format 1.0",
        ),
    ],
)
def test_fichier_qui_n_est_pas_un_bilan_flux_dash(nom, contenu, code, extrait):
    r = lire_envois([(nom, contenu)])
    p = seul(r, code)
    assert p.gravite == ERREUR and p.source == nom
    assert extrait in p.regle + p.conseil
    assert r.envois == [] and not r.ok


def test_classeur_flux_dash_sans_feuille_donnees():
    wb = openpyxl.Workbook()
    wb.active.title = "Synthèse"
    wb.create_sheet("Paramètres")
    tampon = io.BytesIO()
    wb.save(tampon)
    p = seul(lire_envois([("bilan_2024_etat_93.xlsx", tampon.getvalue())]), "envoi_format_ancien")
    assert "Données" in p.regle and "ZIP" in p.conseil


def test_fichier_consolide_refuse():
    lignes = csv_tidy("Habitat A", habitat_a()).decode("utf-8-sig").splitlines()
    lignes.append(lignes[1].replace("Habitat A", "", 1))
    r = lire_envois([("indicateurs_consolides_2024.csv", "\n".join(lignes).encode())])
    assert "consolidé" in seul(r, "envoi_plusieurs_bailleurs").regle


def test_plusieurs_annees_dans_un_fichier():
    contenu = csv_tidy("Habitat A", habitat_a()) + csv_tidy("Habitat A", habitat_a(), annee=2023).split(b"\r\n", 1)[1]
    assert "2023, 2024" in seul(lire_envois([("a.csv", contenu)]), "envoi_plusieurs_annees").regle


def test_valeur_illisible_avec_son_numero_de_ligne():
    lignes = habitat_a()
    lignes[2] = (*lignes[2][:7], "beaucoup")
    p = seul(lire_envois([("a.csv", csv_tidy("Habitat A", lignes))]), "envoi_valeur_illisible")
    assert p.ligne == 4 and p.valeur == "beaucoup" and p.colonne == "valeur"


def test_categorie_inconnue():
    lignes = [*habitat_a(), ("COMMUNE", MONTREUIL, "PREFET", "X", "total", "", "logements_proposes", 1)]
    p = seul(lire_envois([("a.csv", csv_tidy("Habitat A", lignes))]), "envoi_code_inconnu")
    assert p.valeur == "PREFET" and p.ligne == len(lignes) + 1


def test_meme_chiffre_deux_valeurs_dans_un_fichier():
    lignes = [*habitat_a(), ("REGION", "11", "", "", "total", "", "flux", 7)]
    p = seul(lire_envois([("a.csv", csv_tidy("Habitat A", lignes))]), "envoi_ligne_en_double")
    assert "flux" in p.valeur


def test_indicateur_inconnu_ignore_avec_une_information():
    lignes = [*habitat_a(), ("REGION", "11", "", "", "total", "", "indicateur_futur", 7)]
    r = lire_envois([("a.csv", csv_tidy("Habitat A", lignes))])
    assert r.ok and "indicateur_futur" in seul(r, "envoi_indicateur_ignore").valeur
    assert "indicateur_futur" not in set(r.envois[0].lignes.indicateur)


def test_limite_de_lignes(monkeypatch):
    monkeypatch.setattr(contrat, "LIMITES", contrat.Limites(lignes_fichier=10))
    p = seul(lire_envois([("a.csv", csv_tidy("Habitat A", habitat_a()))]), "envoi_trop_gros")
    assert "10" in p.regle


def test_fichier_introuvable(tmp_path):
    p = seul(lire_envois([tmp_path / "absent.csv"]), "envoi_introuvable")
    assert p.source == "absent.csv"


# --- warnings ------------------------------------------------------------------------------------------------------


def test_chiffres_qui_ne_se_reconcilient_pas():
    lignes = [(*x[:7], 7) if x[0] == "COMMUNE" and x[6] == "flux" else x for x in habitat_a()]
    r = lire_envois([("a.csv", csv_tidy("Habitat A", lignes))])
    assert r.ok  # a warning: the figures are still read
    regles = [p.regle for p in r.problemes if p.code == "envoi_non_reconcilie"]
    assert any("disponibilités ≠ flux + soustraits" in x for x in regles)
    assert any("communes ne font pas le total" in x for x in regles)
    assert all(p.source == "a.csv" and p.gravite == AVERTISSEMENT for p in r.problemes)


def test_repartitions_et_ratios_verifies():
    lignes = [
        *habitat_a(),
        (
            "DEPARTEMENT",
            "93",
            "ETAT_PRIORITAIRES",
            "Préfecture de la Seine-Saint-Denis",
            "total",
            "",
            "taux_transformation",
            0.5,
        ),
    ]
    lignes = [(*x[:7], 5) if x[5] == "T3" else x for x in lignes]
    r = lire_envois([("a.csv", csv_tidy("Habitat A", lignes))])
    regles = " | ".join(p.regle + " " + p.valeur for p in r.avertissements)
    assert "répartitions du décret ne font pas le total" in regles
    assert "taux_transformation" in regles and "2 ÷ 3" in regles


def test_donnees_saines_sans_avertissement():
    r = lire_envois([("a.csv", csv_tidy("Habitat A", habitat_a())), ("b.csv", csv_tidy("Logis B", logis_b()))])
    assert r.problemes == []


def test_chaque_code_emis_est_declare():
    assert all(g in (ERREUR, AVERTISSEMENT, INFORMATION) for g, _ in CODES.values())


# --- progress and files already read (issue 11) -----------------------------------------------------------------


def _trois_fichiers():
    return [
        ("a.csv", csv_tidy("Habitat A", habitat_a())),
        ("b.csv", csv_tidy("Logis B", logis_b())),
        ("tours.csv", b"id_logement;date_tour\nL1;01/02/2024\n"),
    ]


def _resume(r):
    return (
        [(e.bailleur, e.annee, e.fichiers, e.empreinte()) for e in r.envois],
        [(p.code, p.gravite, p.source, p.regle, p.valeur) for p in r.problemes],
        r.fichiers,
    )


def test_etapes_annoncees_fichier_par_fichier_puis_bailleur_par_bailleur():
    vues = []
    r = lire_envois(_trois_fichiers(), etape=lambda nom, n, total: vues.append((nom, n, total)))
    assert vues == [
        ("lecture", 1, 3),
        ("lecture", 2, 3),
        ("lecture", 3, 3),
        ("controles", 1, 2),
        ("controles", 2, 2),
    ]
    assert [nom for nom, _, _ in vues[::3]] == list(module_reception.ETAPES_RECEPTION)
    assert _resume(r) == _resume(lire_envois(_trois_fichiers()))


def test_un_fichier_deja_lu_n_est_pas_relu(monkeypatch):
    sans_cache = _resume(lire_envois(_trois_fichiers()))
    deja_lus = {}
    premiere = lire_envois(_trois_fichiers(), deja_lus=deja_lus)
    assert len(deja_lus) == 3  # the refused file too
    lus = []
    vraie = module_reception._lire_fichier
    monkeypatch.setattr(module_reception, "_lire_fichier", lambda nom, contenu: lus.append(nom) or vraie(nom, contenu))
    seconde = lire_envois(_trois_fichiers(), deja_lus=deja_lus)
    assert lus == []
    assert _resume(seconde) == _resume(premiere) == sans_cache
    copie = lire_envois([("copie de a.csv", _trois_fichiers()[0][1])], deja_lus=deja_lus)
    assert lus == ["copie de a.csv"]  # the same bytes under another name are read again: problems name the file
    assert copie.envois[0].fichiers[0].nom == "copie de a.csv"
