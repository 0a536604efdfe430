"""The command line speaks French: help of every command and usage errors, with no English word of argparse's."""

from __future__ import annotations

import argparse
import re

import pytest

from flux_dash.cli import COMMANDES, _analyseur, main
from flux_dash.cli_aide import AnalyseurFrancais, traduire

MOTS_ANGLAIS = re.compile(
    r"\b(?:usage|positional|optional|show|exit|error|required|invalid|choices?|choose|unrecognized|expected|"
    r"ambiguous|could match|allowed|ignored|explicit|unexpected|program'?s?|subcommands|default|maybe you meant|"
    r"can't open)\b|\boptions:",
    re.IGNORECASE,
)


def test_la_liste_reconnait_l_aide_anglaise_d_argparse():
    anglais = argparse.ArgumentParser(prog="essai")
    anglais.add_argument("fichier")
    assert set(m.lower() for m in MOTS_ANGLAIS.findall(anglais.format_help())) >= {
        "usage",
        "positional",
        "show",
        "exit",
    }
    assert MOTS_ANGLAIS.search("options:\n  -h")


def _lancer(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as fin:  # --help and usage errors leave through argparse
        code = fin.code
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err


def _sous_commandes() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in _analyseur()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_chaque_commande_a_son_analyseur():
    assert set(_sous_commandes()) == set(COMMANDES)


@pytest.mark.parametrize("args", [["--help"], ["-h"], *([c, "--help"] for c in sorted(COMMANDES))], ids=str)
def test_aide_entierement_en_francais(capsys, args):
    code, out, err = _lancer(capsys, *args)
    assert code == 0, err
    assert out.startswith("utilisation : flux-dash")
    assert not MOTS_ANGLAIS.findall(out), out
    assert "affiche cette aide et quitte" in out
    assert "Options :" in out


def test_aide_generale_liste_les_commandes(capsys):
    _, out, _ = _lancer(capsys, "--help")
    assert "Commandes :" in out
    for commande in COMMANDES:
        assert re.search(rf"^\s+{commande}\s+\S", out, re.M), commande


@pytest.mark.parametrize("commande", sorted(COMMANDES))
def test_chaque_argument_a_une_aide(commande):
    analyseur = _sous_commandes()[commande]
    for action in analyseur._actions:
        assert action.help and action.help != argparse.SUPPRESS, (commande, action.dest)


def test_chaque_option_generale_a_une_aide():
    for action in _analyseur()._actions:
        assert action.help, action.dest


@pytest.mark.parametrize(
    ("args", "attendu"),
    [
        ([], "utilisation : flux-dash"),
        (["inconnue"], "choix invalide : 'inconnue'"),
        (["valider"], "arguments obligatoires manquants : FICHIER"),
        (["bilan", "x.xlsx"], "arguments obligatoires manquants : --annee, --sortie"),
        (["valider", "x.xlsx", "--option-inconnue"], "arguments non reconnus : --option-inconnue"),
        (["valider", "x.xlsx", "--max"], "argument --max : une valeur est attendue"),
        (["valider", "x.xlsx", "--max", "dix"], "argument --max : nombre entier invalide : dix"),
        (["exemple", "--sortie", "d", "--graine", "abc"], "argument --graine : nombre entier invalide : abc"),
        (["bilan", "x.xlsx", "--annee", "2024", "--sortie", "d", "--zip=oui"], "valeur donnée à une option"),
    ],
    ids=[
        "sans-commande",
        "commande-inconnue",
        "fichier-manquant",
        "options-obligatoires",
        "option-inconnue",
        "valeur-manquante",
        "entier-invalide",
        "graine-invalide",
        "valeur-sur-drapeau",
    ],
)
def test_erreurs_d_utilisation_en_francais(capsys, args, attendu):
    code, out, err = _lancer(capsys, *args)
    assert code == 2
    assert attendu in out + err
    assert not MOTS_ANGLAIS.findall(out + err), out + err
    if args:
        assert " : erreur : " in err


def _analyseur_complet() -> AnalyseurFrancais:
    """A parser with every argparse feature that produces a usage message (for commands to come)."""
    p = AnalyseurFrancais(prog="essai")
    p.add_argument("--territoire", help="territoire")
    p.add_argument("--taux", type=float, help="taux")
    p.add_argument("--paire", nargs=2, help="deux valeurs")
    p.add_argument("--mode", choices=["a", "b"], help="mode")
    groupe = p.add_mutually_exclusive_group(required=True)
    groupe.add_argument("--oui", action="store_true", help="oui")
    groupe.add_argument("--non", action="store_true", help="non")
    p.add_argument("--tard", help="tard")
    return p


@pytest.mark.parametrize(
    ("args", "attendu"),
    [
        (["--t", "x", "--oui"], "option ambiguë : --t peut désigner --territoire, --taux, --tard"),
        (["--taux", "vingt", "--oui"], "argument --taux : valeur invalide : 'vingt' (nombre attendu)"),
        (["--paire", "1", "--oui"], "argument --paire : 2 valeurs attendues"),
        (["--mode", "c", "--oui"], "argument --mode : choix invalide : 'c' (possibles : 'a', 'b')"),
        (["--oui", "--non"], "argument --non : incompatible avec l'argument --oui"),
        ([], "l'un de ces arguments est obligatoire : --oui --non"),
    ],
    ids=["ambigue", "type", "nombre-de-valeurs", "choix", "exclusives", "groupe-obligatoire"],
)
def test_tous_les_messages_d_argparse_sont_traduits(capsys, args, attendu):
    with pytest.raises(SystemExit) as fin:
        _analyseur_complet().parse_args(args)
    err = capsys.readouterr().err
    assert fin.value.code == 2
    assert err.startswith("utilisation : essai")
    assert f"essai : erreur : {attendu}" in err
    assert not MOTS_ANGLAIS.findall(err), err


def test_un_message_deja_francais_est_inchange():
    message = "argument --annee : année invalide : 0 (attendu : une année de 1900 à 2200)"
    assert traduire(message) == message
