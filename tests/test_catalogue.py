"""Specification of flux_dash.validation.catalogue: one catalogue of every problem code (house style §14).

Every code emitted anywhere is a member of ``Code`` and is written nowhere as a bare string (a walk of the
emitting modules' syntax trees); every member is emitted somewhere and has a case that produces it; every problem
reads the one text of its code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import pandas as pd
import pytest

from flux_dash.lecture import lire
from flux_dash.problemes import Probleme
from flux_dash.validation import valider
from flux_dash.validation.catalogue import CODES_ILLISIBLES, PRIORITE, Code, probleme
from tests import hostile_fabrique as fabrique
from tests.conftest import RACINE
from tests.outils_catalogue import suit_le_catalogue
from tests.test_lecture import BASE, classeur, csv_octets, fichier_table, jeu_complet
from tests.test_validation import CAS_AVERTISSEMENTS, CAS_ERREURS, donnees

EMETTEURS = [
    *sorted((RACINE / "flux_dash" / "lecture").glob("*.py")),
    *sorted(p for p in (RACINE / "flux_dash" / "validation").glob("*.py") if p.name != "catalogue.py"),
    RACINE / "flux_dash" / "cli.py",
    *sorted((RACINE / "flux_dash" / "ui").rglob("*.py")),
    *sorted((RACINE / "pages").glob("*.py")),
    RACINE / "app.py",
]
"""The modules that emit or read problem codes of the bailleur's side (the receiving side has its own codes in
flux_dash/consolidation/codes.py)."""


def chaines_nues(chemins) -> list[str]:
    """Every string literal that is a code's value, as ``path:line: 'code'``."""
    valeurs = {c.value for c in Code}
    return [
        f"{p.name}:{n.lineno}: {n.value!r}"
        for p in chemins
        for n in ast.walk(ast.parse(p.read_text("utf-8")))
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in valeurs
    ]


def codes_litteraux(chemins) -> list[str]:
    """Problems built with a literal code, in the catalogue or not: ``Probleme(gravite, "code", …)``,
    ``probleme("code", …)``, ``probleme_fichier("code", …)``, as ``path:line: 'code'``."""
    trouves = []
    for p in chemins:
        for n in ast.walk(ast.parse(p.read_text("utf-8"))):
            if not isinstance(n, ast.Call):
                continue
            nom = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            position = {"Probleme": 1, "probleme": 0, "probleme_fichier": 0}.get(nom)
            if position is None:
                continue
            arguments = [*n.args[position : position + 1], *(k.value for k in n.keywords if k.arg == "code")]
            trouves += [
                f"{p.name}:{n.lineno}: {a.value!r}"
                for a in arguments
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
    return trouves


def test_aucun_code_ecrit_en_chaine_nue():
    nues = chaines_nues(EMETTEURS)
    assert nues == [], "codes écrits en chaîne nue (écrire Code.X) :\n" + "\n".join(nues)
    hors = codes_litteraux(EMETTEURS)
    assert hors == [], "problèmes construits avec un code littéral (le déclarer dans Code) :\n" + "\n".join(hors)


def _codes_nommes() -> set[str]:
    """Members of ``Code`` named in the emitting modules (``Code.FICHIER_VIDE``, ``Code.X.regle(…)``)."""
    return {
        n.attr
        for p in EMETTEURS
        for n in ast.walk(ast.parse(p.read_text("utf-8")))
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "Code"
    }


def test_chaque_code_du_catalogue_est_emis_quelque_part():
    nommes = _codes_nommes()
    assert nommes, "le parcours ne voit aucun Code.X"
    assert nommes - set(Code.__members__) == set()  # (an unknown member would fail at import anyway)
    assert set(Code.__members__) - nommes == set(), "codes du catalogue que rien n'émet"


def test_le_parcours_voit_une_chaine_nue(tmp_path):
    fautif = tmp_path / "x.py"
    fautif.write_text(
        '"""fichier_vide in a sentence is no code."""\n\n\ndef f(p):\n    return p.code == "fichier_vide"\n'
    )
    assert chaines_nues([fautif]) == ["x.py:5: 'fichier_vide'"]
    nouveau = tmp_path / "y.py"
    nouveau.write_text('def f():\n    return Probleme("erreur", "code_nouveau", "Texte")\n')
    assert codes_litteraux([nouveau]) == ["y.py:2: 'code_nouveau'"]


# --- One text per code --------------------------------------------------------------------------------------


def test_suit_le_catalogue_refuse_un_autre_texte():
    juste = probleme(Code.TABLE_MANQUANTE, table="conventions")
    assert juste.regle == "Table obligatoire « Conventions » absente"
    assert suit_le_catalogue(juste)
    assert not suit_le_catalogue(Probleme("erreur", "table_manquante", "table obligatoire introuvable"))
    assert not suit_le_catalogue(Probleme("avertissement", "table_manquante", juste.regle))


# --- Every code has a case that produces it -----------------------------------------------------------------

_LIGNE_LOGEMENT = list(BASE["logements"].values())


def _sans(table: str, colonne: str) -> tuple[str, bytes]:
    entetes = [c for c in BASE[table] if c != colonne]
    return f"{table}.csv", csv_octets([entetes, [BASE[table][c] for c in entetes]])


CAS: dict[Code, Callable[[], list[Probleme]]] = {
    Code.AUCUN_FICHIER: lambda: lire([]).problemes,
    Code.COLONNE_EN_DOUBLE: lambda: (
        lire([("l.csv", csv_octets([[*BASE["logements"], "Code commune"], [*_LIGNE_LOGEMENT, "75056"]]))]).problemes
    ),
    Code.COLONNE_IGNOREE: lambda: (
        lire([("l.csv", csv_octets([[*BASE["logements"], "note"], [*_LIGNE_LOGEMENT, "x"]]))]).problemes
    ),
    Code.ENTETES_INTROUVABLES: lambda: (
        lire([("f.xlsx", classeur({"Logements": [["Parc 2024"], ["rien"], ["à voir"]]}))]).problemes
    ),
    Code.FEUILLE_IGNOREE: lambda: (
        lire([("f.xlsx", classeur({"Notice": [["Comment remplir"], ["Une ligne par logement"]]}))]).problemes
    ),
    Code.FICHIER_ILLISIBLE: lambda: lire([("rapport.csv", b"%PDF-1.7\n1 0 obj")]).problemes,
    Code.FICHIER_INTROUVABLE: lambda: lire([RACINE / "absent" / "logements.csv"]).problemes,
    Code.FICHIER_PROTEGE: lambda: (
        lire(
            [("p.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"))]
        ).problemes
    ),
    Code.FICHIER_VIDE: lambda: lire([("vide.csv", b"")]).problemes,
    Code.SEPARATEURS_MELANGES: lambda: (
        lire([("t.csv", b"id_logement;numero_tour;reservataire\nL1;1;Bailleur\nL2,1,Bailleur\n")]).problemes
    ),
    Code.ENCODAGES_MELANGES: lambda: (
        lire([("c.csv", "Préfecture;é\n".encode() + "Société;x\n".encode("cp1252"))]).problemes
    ),
    Code.FEUILLE_MASQUEE_IGNOREE: lambda: (
        lire(
            [
                (
                    "c.xlsx",
                    fabrique.classeur_de(
                        {**fabrique.lignes_petit_jeu(), "Copie": fabrique.lignes_petit_jeu()["tours"]},
                        {"Copie": "hidden"},
                    ),
                )
            ]
        ).problemes
    ),
    Code.FEUILLE_MASQUEE_LUE: lambda: (
        lire([("c.xlsx", fabrique.classeur_de(fabrique.lignes_petit_jeu(), {"conventions": "veryHidden"}))]).problemes
    ),
    Code.LIMITE_DEPASSEE: lambda: lire([("espaces.xlsx", fabrique.bombe_espaces(mio=20))]).problemes,
    Code.TABLE_EN_DOUBLE: lambda: lire([*jeu_complet(), ("copie.csv", fichier_table("logements")[1])]).problemes,
    Code.TABLE_NON_RECONNUE: lambda: (
        lire([("budget.csv", csv_octets([["poste", "montant"], ["chauffage", "12"]]))]).problemes
    ),
    Code.TABLE_MANQUANTE: lambda: lire([fichier_table("logements")]).problemes,
    Code.COLONNE_MANQUANTE: lambda: lire(jeu_complet(logements=_sans("logements", "qpv"))).problemes,
    Code.TYPE_INVALIDE: lambda: lire([fichier_table("tours", date_orientation="31/02/2024")]).problemes,
    Code.TABLE_VIDE: lambda: _valider_sans_logement(),
    Code.ANNEE_SANS_DISPONIBILITE: lambda: valider(donnees(), 2030).problemes,
}
"""Cases of the codes that tests/test_validation.py's tables of rules do not cover."""


def _valider_sans_logement() -> list[Probleme]:
    d = donnees()
    d.tables["logements"] = d.tables["logements"].iloc[0:0]
    return valider(d, 2024).problemes


def test_chaque_code_a_un_cas():
    par_regle = {a[1] for cas in CAS_ERREURS + CAS_AVERTISSEMENTS for a in cas.attendu}
    assert set(Code) - set(CAS) - par_regle == set()


@pytest.mark.parametrize("code", list(CAS), ids=lambda c: c.value)
def test_le_cas_produit_son_code_avec_le_texte_du_catalogue(code: Code):
    problemes = CAS[code]()
    assert code in {p.code for p in problemes}, [str(p) for p in problemes]
    assert [str(p) for p in problemes if not suit_le_catalogue(p)] == []


def test_textes_des_champs_remplis():
    (p,) = [p for p in CAS[Code.ANNEE_SANS_DISPONIBILITE]() if p.code == Code.ANNEE_SANS_DISPONIBILITE]
    assert p.regle == "Aucun logement disponible en 2030 : les bilans de 2030 seront vides"
    (p,) = [p for p in CAS[Code.COLONNE_MANQUANTE]() if p.code == Code.COLONNE_MANQUANTE]
    assert p.regle == "Colonne obligatoire « qpv » absente de la table Logements"


# --- The same problem, the same words, whoever emits it -------------------------------------------------------


def test_table_manquante_meme_texte_en_lecture_et_en_validation():
    lu = next(p for p in lire([fichier_table("logements")]).problemes if p.table == "conventions")
    d = donnees()
    del d.tables["conventions"]
    valide = next(p for p in valider(d, 2024).erreurs if p.code == Code.TABLE_MANQUANTE)
    assert lu.regle == valide.regle == "Table obligatoire « Conventions » absente"


def test_colonne_manquante_meme_texte_en_lecture_et_en_validation():
    lu = next(
        p for p in lire(jeu_complet(logements=_sans("logements", "qpv"))).problemes if p.code == Code.COLONNE_MANQUANTE
    )
    d = donnees()
    d.tables["logements"] = d.tables["logements"].drop(columns="qpv")
    valide = next(p for p in valider(d, 2024).erreurs if p.code == Code.COLONNE_MANQUANTE)
    assert lu.regle == valide.regle == "Colonne obligatoire « qpv » absente de la table Logements"


def test_type_invalide_meme_texte_en_lecture_et_en_validation():
    (lu,) = [p for p in lire([fichier_table("logements", qpv="peut-être")]).problemes if p.code == Code.TYPE_INVALIDE]
    d = donnees()
    d.tables["logements"]["qpv"] = pd.Series(["peut-être", "non", "non", "non", "non"], dtype=object)
    (valide,) = [p for p in valider(d, 2024).erreurs if p.code == Code.TYPE_INVALIDE]
    assert lu.regle == valide.regle == "Valeur oui/non non reconnue"


# --- Order and exit codes -------------------------------------------------------------------------------------


def test_codes_de_lecture_avant_les_regles_et_erreurs_avant_avertissements():
    assert sorted(Code, key=PRIORITE.__getitem__) == list(Code)
    debut_des_regles = PRIORITE[Code.TABLE_MANQUANTE]
    lecture = [c.value for c in Code][:debut_des_regles]
    assert lecture == sorted(lecture)  # the order reading's problems had before the catalogue (by code)
    gravites = [c.gravite for c in Code][debut_des_regles:]
    assert gravites == sorted(gravites, key=["erreur", "avertissement"].index)


def test_codes_illisibles_sont_des_erreurs_de_fichier():
    assert {c.value for c in CODES_ILLISIBLES} == {
        "aucun_fichier",
        "fichier_illisible",
        "fichier_introuvable",
        "fichier_vide",
        "table_manquante",
    }
    assert all(c.gravite == "erreur" for c in CODES_ILLISIBLES)
