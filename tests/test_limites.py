"""Limits declared once (flux_dash.limites, issue 12 point 2) and the decompression bombs of row 2: each limit is
checked BEFORE the costly step (inflating, parsing) and answered with a French message that gives the limit.

The full-size bombs (1 Gio of XML) are measured by benchmarks/bombes.py; here, small bombs trip the same checks,
and limits lowered with ``monkeypatch`` (the checks read ``flux_dash.limites`` at call time) trip the others."""

from __future__ import annotations

import tomllib

import pytest

from flux_dash import limites
from flux_dash.lecture import lire
from tests import hostile_fabrique as fabrique
from tests import petit_jeu
from tests.conftest import RACINE


def _erreurs(donnees) -> list[tuple[str, str]]:
    return [(p.code, p.regle) for p in donnees.problemes if p.gravite == "erreur"]


def _limites(donnees) -> list[str]:
    """The rules broken, after the catalogue's « Limite dépassée — » (flux_dash.validation.catalogue)."""
    regles = [p.regle for p in donnees.problemes if p.code == "limite_depassee"]
    assert all(r.startswith("Limite dépassée — ") for r in regles), regles
    return [r.removeprefix("Limite dépassée — ") for r in regles]


def test_le_televersement_de_l_application_suit_la_limite_declaree():
    config = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == limites.TELEVERSEMENT_MO


def test_unites_des_messages():
    assert limites.octets_lisibles(limites.TAILLE_MEMBRE) == "256 Mio"
    assert limites.octets_lisibles(limites.TAILLE_DECOMPRESSEE) == "512 Mio"
    assert limites.octets_lisibles(1536) == "1,5 Kio"


# --- decompression bombs (row 2) ----------------------------------------------------------------------------


def test_bombe_d_espaces_refusee_par_son_taux_de_compression():
    donnees = lire([("espaces.xlsx", fabrique.bombe_espaces(mio=20))])
    assert _limites(donnees) == [
        "classeur refusé : « xl/worksheets/sheet1.xml » est comprimé 1\u202f021 fois, au plus 100 fois "
        "(bombe de décompression probable)"
    ]
    assert donnees.tables == {}


def test_dimension_annoncee_trop_grande_refusee_avant_l_analyse():
    xml = fabrique.xml_feuille([["id_logement", "numero_tour"], ["L1", 1]], dimension="A1:BR1048000")
    donnees = lire([("tours.xlsx", fabrique.classeur({"tours": xml}))])
    assert _limites(donnees) == [
        "la feuille « tours » annonce 1\u202f048\u202f000 lignes × 70 colonnes = "
        "73\u202f360\u202f000 cellules, au plus 25\u202f000\u202f000 par table"
    ]


def test_membre_trop_gros_refuse(monkeypatch):
    monkeypatch.setattr(limites, "TAILLE_MEMBRE", 1024 * 1024)
    donnees = lire([("espaces.xlsx", fabrique.bombe_espaces(mio=2))])
    assert _limites(donnees) == [
        "classeur refusé : « xl/worksheets/sheet1.xml » occupe 2 Mio une fois décompressé, au plus 1 Mio"
    ]


def test_classeur_trop_gros_une_fois_decompresse(monkeypatch):
    monkeypatch.setattr(limites, "TAILLE_DECOMPRESSEE", 2048)
    xml = fabrique.xml_feuille([["x"] * 20] * 20)
    donnees = lire([("t.xlsx", fabrique.classeur({"a": xml, "b": xml}))])
    assert len(_limites(donnees)) == 1
    assert _limites(donnees)[0].startswith("classeur refusé : il occupe ")
    assert _limites(donnees)[0].endswith(" une fois décompressé, au plus 2 Kio")


def test_trop_de_fichiers_internes(monkeypatch):
    monkeypatch.setattr(limites, "MEMBRES_ARCHIVE", 5)
    xml = fabrique.xml_feuille([["a"]])
    donnees = lire([("t.xlsx", fabrique.classeur({"a": xml, "b": xml}))])
    assert _limites(donnees) == ["classeur refusé : il contient 6 fichiers internes, au plus 5"]


def test_feuille_sans_dimension_bornee_apres_lecture(monkeypatch):
    monkeypatch.setattr(limites, "CELLULES_TABLE", 50)
    xml = fabrique.xml_feuille([[f"c{i}" for i in range(10)]] * 6)
    donnees = lire([("t.xlsx", fabrique.classeur({"tours": xml}))])
    assert _limites(donnees) == ["la feuille « tours » a 6 lignes × 10 colonnes = 60 cellules, au plus 50 par table"]


# --- CSV: bounded before parsing -------------------------------------------------------------------------------


def test_csv_trop_de_lignes(monkeypatch):
    monkeypatch.setattr(limites, "LIGNES_TABLE", 10)
    texte = "id_logement;numero_tour\n" + "".join(f"L{i};1\n" for i in range(20))
    donnees = lire([("tours.csv", texte.encode())])
    assert _limites(donnees) == ["le fichier a 22 lignes, au plus 10 par table"]


def test_csv_trop_de_cellules(monkeypatch):
    monkeypatch.setattr(limites, "CELLULES_TABLE", 30)
    texte = "a;b;c;d\n" + "1;2;3;4\n" * 9
    donnees = lire([("t.csv", texte.encode())])
    assert _limites(donnees) == ["le fichier a 11 lignes × 4 colonnes = 44 cellules, au plus 30 par table"]


# --- cells and names ----------------------------------------------------------------------------------------


def _petits_fichiers_avec(ancien: str, nouveau: str) -> list[tuple[str, bytes]]:
    return [(n, o.replace(ancien.encode(), nouveau.encode())) for n, o in petit_jeu.fichiers_petits()]


def test_cellule_trop_longue_nommee_avec_sa_ligne():
    donnees = lire(_petits_fichiers_avec("ABSENCE_DESIGNATION", "A" * 40_000))
    probleme = next(p for p in donnees.problemes if p.colonne == "issue")
    assert (probleme.code, probleme.regle, probleme.ligne, probleme.source) == (
        "type_invalide",
        "Valeur trop longue : 40\u202f000 caractères, au plus 32\u202f767 par cellule",
        3,
        "tours.csv",
    )
    assert len(probleme.valeur) <= 200  # quoted, never whole


def test_identifiant_trop_long():
    donnees = lire(_petits_fichiers_avec("L3", "L" * 33_000))
    regles = {(p.table, p.colonne, p.regle) for p in donnees.problemes if p.code == "type_invalide"}
    attendu = "Valeur trop longue : 33\u202f000 caractères, au plus 32\u202f767 par cellule"
    assert ("logements", "id_logement", attendu) in regles and ("tours", "id_logement", attendu) in regles


@pytest.mark.parametrize("longueur", [300, 301])
def test_nom_de_reservataire(longueur):
    donnees = lire(_petits_fichiers_avec(petit_jeu.PREFET, "P" * longueur))
    trop_long = [p for p in donnees.problemes if p.colonne == "reservataire" and p.code == "type_invalide"]
    if longueur <= limites.CARACTERES_NOM:
        assert trop_long == []
    else:
        assert {(p.table, p.regle) for p in trop_long} == {
            (t, "Nom trop long : 301 caractères, au plus 300") for t in ("tours", "conventions")
        }


def test_aucune_longueur_de_saisie_ecrite_en_dur_dans_l_application():
    """Every ``max_chars`` of the app's text widgets is a limit of flux_dash.limites, never a number typed in a
    page (the landlord's name had 120 in the app and 300 on the command line)."""
    import ast

    fichiers = [RACINE / "app.py", *(RACINE / "pages").glob("*.py"), *(RACINE / "flux_dash" / "ui").rglob("*.py")]
    en_dur = []
    vues = 0
    for chemin in fichiers:
        for noeud in ast.walk(ast.parse(chemin.read_text(encoding="utf-8"))):
            if isinstance(noeud, ast.keyword) and noeud.arg == "max_chars":
                vues += 1
                ok = isinstance(noeud.value, ast.Attribute) and getattr(noeud.value.value, "id", "") == "limites"
                if not ok:
                    en_dur.append(f"{chemin.relative_to(RACINE)}:{noeud.value.lineno}")
    assert vues >= 3
    assert en_dur == []
