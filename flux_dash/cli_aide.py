"""argparse in French: help headings, the ``-h`` option, usage line and usage errors.

argparse writes its own words in English (« usage: », « positional arguments », « show this help message and
exit », « the following arguments are required »…). :class:`AnalyseurFrancais` replaces every one of them, so that
``flux-dash --help``, each sub-command's ``--help`` and every usage error read in French. Sub-commands added with
``add_subparsers`` inherit the class (argparse's default ``parser_class`` is the parent's class).

Usage errors exit with code 2 (FORMAT.md §2.3), as argparse does.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterable
from typing import Any, NoReturn

CODE_MAUVAISE_UTILISATION = 2
"""Exit code of a usage error (argparse's own, and FORMAT.md §2.3's « mauvaise utilisation »)."""

TITRE_POSITIONNELS = "Arguments"
TITRE_OPTIONS = "Options"
TITRE_COMMANDES = "Commandes"
AIDE_AIDE = "affiche cette aide et quitte"
AIDE_VERSION = "affiche la version et quitte"

_TYPES = {"int": "nombre entier", "float": "nombre", "str": "texte"}
"""French name of the built-in ``type=`` callables argparse names in « invalid int value »."""


def _valeur_invalide(m: re.Match[str]) -> str:
    genre = _TYPES.get(m.group(1), m.group(1))
    return f"valeur invalide : {m.group(2)} ({genre} attendu)"


def _choix_invalide(m: re.Match[str]) -> str:
    suggestion = f" ; vouliez-vous dire {m.group(2)} ?" if m.group(2) else ""
    return f"choix invalide : {m.group(1)}{suggestion} (possibles : {m.group(3)})"


_TRADUCTIONS: tuple[tuple[re.Pattern[str], Any], ...] = tuple(
    (re.compile(motif), remplacement)
    for motif, remplacement in [
        # The frame « argument X: message » first: the inner message is translated by the rules below.
        (r"^argument (\S+): ", r"argument \1 : "),
        (r"the following arguments are required: (.+)", r"arguments obligatoires manquants : \1"),
        (r"unrecognized arguments: (.+)", r"arguments non reconnus : \1"),
        (r"invalid choice: (.+?)(?:, maybe you meant (.+?)\?)? \(choose from (.+)\)", _choix_invalide),
        (r"invalid (\S+) value: (.+)", _valeur_invalide),
        (r"expected one argument", "une valeur est attendue"),
        (r"expected at most one argument", "au plus une valeur est attendue"),
        (r"expected at least one argument", "au moins une valeur est attendue"),
        (r"expected (\d+) arguments?", r"\1 valeurs attendues"),
        (r"ambiguous option: (.+?) could match (.+)", r"option ambiguë : \1 peut désigner \2"),
        (r"not allowed with argument (.+)", r"incompatible avec l'argument \1"),
        (r"one of the arguments (.+) is required", r"l'un de ces arguments est obligatoire : \1"),
        (r"ignored explicit argument (.+)", r"valeur donnée à une option qui n'en prend pas : \1"),
        (r"unexpected option string: (.+)", r"option inattendue : \1"),
        (r"can't open '(.+?)': (.+)", r"impossible d'ouvrir « \1 » : \2"),
    ]
)


def traduire(message: str) -> str:
    """The French text of an argparse usage error (a message already French is returned unchanged)."""
    for motif, remplacement in _TRADUCTIONS:
        message = motif.sub(remplacement, message)
    return message


class FormateurAide(argparse.HelpFormatter):
    """Help in French: « utilisation : » and headings with the French space before the colon (« Options : »).

    In the description and the epilog, each line is a paragraph wrapped to the terminal's width, and an indented
    line (an example command) is kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lignes = []
        for ligne in text.splitlines():
            if not ligne.strip() or ligne.startswith(" "):
                lignes.append(indent + ligne if ligne.strip() else "")
            else:
                lignes.extend(
                    textwrap.wrap(ligne, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)
                )
        return "\n".join(lignes)

    def _split_lines(self, text: str, width: int) -> list[str]:
        # « Île-de-France » and « EPCI/EPT » stay whole.
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        # argparse writes « heading: »; French typography wants « heading : ».
        super().start_section(f"{heading} " if heading else heading)


class AnalyseurFrancais(argparse.ArgumentParser):
    """An ``ArgumentParser`` that speaks French everywhere and exits with code 2 on bad usage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        aide = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", FormateurAide)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = TITRE_POSITIONNELS
        self._optionals.title = TITRE_OPTIONS
        if aide:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=AIDE_AIDE)

    def add_subparsers(self, **kwargs: Any) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        kwargs.setdefault("title", TITRE_COMMANDES)
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(CODE_MAUVAISE_UTILISATION, f"{self.prog} : erreur : {traduire(message)}\n")
