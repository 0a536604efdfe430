"""The ``flux-dash`` command line (FORMAT.md §2.3): ``valider``, ``bilan``, ``modele``, ``exemple``.

Exit codes: 0 no error, 1 errors in the input, 2 unreadable input or bad usage. Messages are French and no
traceback reaches the user: an unexpected exception is reported in one French line (``--debug`` shows it).
"""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from flux_dash import __version__, ecriture, formats, garde
from flux_dash.cli_aide import AIDE_VERSION, AnalyseurFrancais
from flux_dash.consolidation import commandes as receveur
from flux_dash.problemes import ERREUR, Probleme, RapportValidation
from flux_dash.validation.catalogue import CODES_ILLISIBLES, Code

if TYPE_CHECKING:
    from flux_dash.calculs import Bilan
    from flux_dash.consolidation.envoi import Envoi
    from flux_dash.consolidation.precedent import Comparaison

OK, ERREURS, ILLISIBLE = 0, 1, 2

ANNEE_MIN, ANNEE_MAX = 1900, 2200
"""Bounds of ``--annee``: outside them the dates of year n cannot even be computed (pandas stops at 2262)."""


def _annee(texte: str) -> int:
    """``--annee``: an integer year within :data:`ANNEE_MIN` … :data:`ANNEE_MAX` (else a usage error, code 2)."""
    try:
        annee = int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier invalide : {texte}") from None
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise argparse.ArgumentTypeError(f"année invalide : {texte} (attendu : une année de {ANNEE_MIN} à {ANNEE_MAX})")
    return annee


def _nom_bailleur(texte: str) -> str:
    """``--bailleur``: at most :data:`flux_dash.limites.CARACTERES_NOM` characters (it is printed on every row of
    ``indicateurs_{n}.csv``: a 1 MB name made 800 MB of files)."""
    from flux_dash import limites

    if len(texte) > limites.CARACTERES_NOM:
        raise argparse.ArgumentTypeError(
            f"nom de bailleur trop long : {formats.nombre(len(texte))} caractères, au plus "
            f"{formats.nombre(limites.CARACTERES_NOM)}"
        )
    return texte


def _positif(texte: str) -> int:
    """``--max``: an integer ≥ 0."""
    try:
        n = int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier invalide : {texte}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"nombre positif ou nul attendu : {texte}")
    return n


def _strictement_positif(texte: str) -> int:
    """``--logements``, ``--processus``: an integer ≥ 1."""
    try:
        n = int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier invalide : {texte}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"nombre strictement positif attendu : {texte}")
    return n


def _codes_lec(texte: str) -> tuple[str, ...]:
    """``--lec``: comma-separated SIREN of EPCI/EPT of the reference tables (an unknown code would silently give
    no consolidated bilan)."""
    from flux_dash import referentiel as ref

    codes = tuple(c.strip() for c in texte.split(",") if c.strip())
    connus = {code for genre, code in ref.perimetres_connus() if genre == "EPCI_EPT"}
    inconnus = [c for c in codes if c not in connus]
    if inconnus:
        raise argparse.ArgumentTypeError(
            f"code EPCI/EPT inconnu : {', '.join(inconnus)} (SIREN à 9 chiffres, par exemple 200057875 pour "
            "Est Ensemble)"
        )
    return codes


_ERREURS_SYSTEME = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EEXIST: "un fichier de ce nom existe déjà",
    errno.ENOTDIR: "n'est pas un dossier",
    errno.EISDIR: "est un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENAMETOOLONG: "nom de fichier trop long pour le système de fichiers",
}
"""French wording of the usual system errors (the system's own text is English)."""


def _entier(texte: str) -> int:
    """``--graine``: any integer."""
    try:
        return int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier invalide : {texte}") from None


AIDE_FICHIERS = "classeur .xlsx des tours, ou les fichiers CSV de ses tables (reconnues par leurs colonnes)"


def _analyseur() -> argparse.ArgumentParser:
    p = AnalyseurFrancais(
        prog="flux-dash",
        description="Bilans et prévisionnels de la gestion en flux des logements sociaux (Île-de-France).",
        epilog=(
            "Exemples :\n"
            "  flux-dash valider tours.xlsx\n"
            '  flux-dash bilan tours.xlsx --annee 2024 --sortie bilans/ --bailleur "Mon bailleur" --zip\n'
            "\n"
            "Codes de sortie : 0 aucune erreur, "
            "1 erreurs dans les données, 2 fichier illisible ou mauvaise utilisation."
        ),
    )
    p.add_argument("--version", action="version", version=f"flux-dash {__version__}", help=AIDE_VERSION)
    p.add_argument("--debug", action="store_true", help="affiche le détail technique d'une erreur inattendue")
    sous = p.add_subparsers(
        dest="commande", metavar="COMMANDE", help="la commande à lancer (flux-dash COMMANDE --help : son aide)"
    )

    v = sous.add_parser(
        "valider",
        help="contrôle les fichiers et affiche les erreurs et avertissements",
        description="Contrôle les fichiers des tours et affiche un résumé et le tableau des problèmes.",
    )
    v.add_argument("fichiers", nargs="+", metavar="FICHIER", help=AIDE_FICHIERS)
    v.add_argument(
        "--annee", type=_annee, metavar="N", help="année du bilan (par défaut : l'année la plus représentée)"
    )
    v.add_argument(
        "--max",
        type=_positif,
        default=50,
        metavar="N",
        help="nombre maximal de problèmes affichés (défaut 50, 0 = tous)",
    )
    v.add_argument("--csv", metavar="FICHIER", help="écrit aussi la liste complète des problèmes en CSV")

    b = sous.add_parser(
        "bilan",
        help="produit les bilans, prévisionnels et indicateurs de l'année",
        description="Écrit les classeurs de l'année (réservataires, EPCI/EPT, État, prévisionnels) et "
        "indicateurs_{n}.csv ; si les fichiers comportent des erreurs, seulement erreurs.csv.",
    )
    b.add_argument("fichiers", nargs="+", metavar="FICHIER", help=AIDE_FICHIERS)
    b.add_argument("--annee", type=_annee, required=True, metavar="N", help="année n du bilan")
    b.add_argument("--sortie", required=True, metavar="DOSSIER", help="dossier où écrire les fichiers")
    b.add_argument(
        "--bailleur", default="", type=_nom_bailleur, metavar="NOM", help="nom du bailleur (titres et nom de l'archive)"
    )
    b.add_argument("--zip", action="store_true", help="écrit aussi l'archive ZIP de tous les fichiers")
    b.add_argument(
        "--lec",
        type=_codes_lec,
        metavar="CODES",
        help="SIREN des EPCI « LEC »/EPT destinataires, séparés par des virgules",
    )
    b.add_argument(
        "--masquer", action="store_true", help="masque les effectifs de 1 à 4 (« < 5 ») des bilans consolidés"
    )
    b.add_argument(
        "--processus",
        type=_strictement_positif,
        default=os.cpu_count() or 1,
        metavar="N",
        help="nombre de processus qui écrivent les classeurs (défaut : un par cœur, ici %(default)s)",
    )
    b.add_argument(
        "--precedent",
        metavar="FICHIER",
        help="bilan de l'année précédente produit par flux_dash (archive ZIP ou indicateurs_{n−1}.csv) : chaque "
        "classeur gagne une feuille Évolution (n−1, n et l'écart ; prévisionnel de l'an dernier et réalisé)",
    )

    m = sous.add_parser(
        "modele",
        help="écrit le classeur de saisie vide (en-têtes, notes, listes déroulantes)",
        description="Écrit le classeur de saisie vide : une feuille par table, en-têtes commentés, listes déroulantes.",
    )
    m.add_argument("--sortie", required=True, metavar="FICHIER.xlsx", help="chemin du classeur à écrire")

    e = sous.add_parser(
        "exemple",
        help="écrit le jeu de données d'exemple (classeur et CSV)",
        description="Écrit le jeu de données d'exemple, fictif : un classeur et les mêmes tables en CSV.",
    )
    e.add_argument("--sortie", required=True, metavar="DOSSIER", help="dossier où écrire le jeu d'exemple")
    e.add_argument(
        "--logements", type=_strictement_positif, default=3000, metavar="N", help="nombre de logements (défaut 3000)"
    )
    e.add_argument("--graine", type=_entier, default=2024, metavar="N", help="graine du générateur (défaut 2024)")
    e.add_argument(
        "--territoire",
        action="store_true",
        help="écrit plutôt la campagne de démonstration d'un territoire : les bilans 2023 et 2024 que cinq "
        "bailleurs fictifs enverraient (archives ZIP, indicateurs CSV, classeurs), à consolider",
    )
    receveur.ajouter_analyseurs(sous, _annee)  # consolider, campagne (FORMAT.md §3)
    return p


# --- Presentation --------------------------------------------------------------------------------


def _pluriel(n: int, mot: str, pluriel: str | None = None) -> str:
    return f"{formats.nombre(n)} {mot if n <= 1 else (pluriel or mot + 's')}"


def _tronquer(texte: str, largeur: int) -> str:
    texte = " ".join(str(texte).split())
    return texte if len(texte) <= largeur else texte[: largeur - 1] + "…"


def formater_problemes(problemes: Sequence[Probleme], largeur: int | None = None) -> str:
    """A French table of problems readable in any terminal: one row per problem (gravity, sheet or file, line,
    column, value) and, under it, the rule and the hint wrapped to the terminal's width."""
    if not problemes:
        return ""
    largeur = largeur or max(60, min(shutil.get_terminal_size((100, 24)).columns, 160))
    entetes = ("Gravité", "Feuille / fichier", "Ligne", "Colonne", "Valeur")
    lignes_tableau = [
        (p.gravite, p.source or p.table, "" if p.ligne is None else str(p.ligne), p.colonne, " ".join(p.valeur.split()))
        for p in problemes
    ]
    plafonds = (13, 32, 7, 24, 30)
    largeurs = [
        min(plafond, max(len(entete), *(len(ligne[i]) for ligne in lignes_tableau)))
        for i, (entete, plafond) in enumerate(zip(entetes, plafonds, strict=True))
    ]

    def rangee(valeurs: Sequence[str]) -> str:
        cellules = [
            _tronquer(v, n).rjust(n) if i == 2 else _tronquer(v, n).ljust(n)
            for i, (v, n) in enumerate(zip(valeurs, largeurs, strict=True))
        ]
        return "  ".join(cellules).rstrip()[:largeur]

    retrait = "    "
    sortie = [rangee(entetes), "-" * min(largeur, sum(largeurs) + 8)]
    for p, valeurs in zip(problemes, lignes_tableau, strict=True):
        sortie.append(rangee(valeurs))
        explication = p.regle.rstrip(".") + "." + (f" {p.conseil}" if p.conseil else "")
        sortie.extend(textwrap.wrap(explication, largeur, initial_indent=retrait, subsequent_indent=retrait))
    return "\n".join(sortie)


def _resume(rapport: RapportValidation) -> str:
    t = rapport.tables
    morceaux = []
    for nom, mot in [("logements", "logement"), ("tours", "tour"), ("conventions", "convention")]:
        if nom in t:
            morceaux.append(_pluriel(len(t[nom]), mot))
    etat = "aucune erreur" if rapport.ok else _pluriel(len(rapport.erreurs), "erreur")
    return (
        f"Lu : {', '.join(morceaux) or 'aucune table'}.\n"
        f"Contrôles : {etat}, {_pluriel(len(rapport.avertissements), 'avertissement')}."
    )


def _code_retour(rapport: RapportValidation) -> int:
    if rapport.ok:
        return OK
    if any(p.code in CODES_ILLISIBLES for p in rapport.erreurs):
        return ILLISIBLE
    return ERREURS


def _charger(fichiers: Sequence[str], annee: int | None) -> RapportValidation | None:
    from flux_dash.validation import charger

    manquants = [f for f in fichiers if not Path(f).is_file()]
    if manquants:
        for f in manquants:
            print(f"flux-dash : fichier introuvable : {f}", file=sys.stderr)
        return None
    return charger([Path(f) for f in fichiers], annee=annee)


def _ecrire_problemes_csv(problemes: Sequence[Probleme], chemin: Path) -> None:
    from flux_dash.problemes import LIBELLES_COLONNES_PROBLEMES, problemes_en_tableau

    df = garde.neutraliser_tableau(problemes_en_tableau(list(problemes))).rename(columns=LIBELLES_COLONNES_PROBLEMES)
    texte = df.to_csv(sep=";", index=False, lineterminator="\n")
    chemin.write_bytes(texte.encode("utf-8-sig"))


# --- Commands ------------------------------------------------------------------------------------


def commande_valider(args: argparse.Namespace) -> int:
    debut = time.perf_counter()
    rapport = _charger(args.fichiers, args.annee)
    if rapport is None:
        return ILLISIBLE
    print(_resume(rapport))
    problemes = [*rapport.erreurs, *rapport.avertissements]
    montres = problemes if args.max == 0 else problemes[: args.max]
    if montres:
        print()
        print(formater_problemes(montres))
        if len(montres) < len(problemes):
            print(
                f"… et {len(problemes) - len(montres)} autres problèmes (option --max 0 pour tout afficher, --csv pour un fichier)."
            )
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)  # --csv sortie/problemes.csv in a fresh clone
        _ecrire_problemes_csv(rapport.problemes, Path(args.csv))
        print(f"Liste complète écrite dans {args.csv}.")
    print(f"\nDurée : {formats.nombre(time.perf_counter() - debut, 1)} s.")
    return _code_retour(rapport)


def commande_bilan(args: argparse.Namespace) -> int:
    from flux_dash import calculs, indicateurs_csv, rapports

    debut = time.perf_counter()
    precedent = None
    if args.precedent:
        precedent, code = _lire_precedent(args.precedent, args.annee)
        if precedent is None:
            return code
    rapport = _charger(args.fichiers, args.annee)
    if rapport is None:
        return ILLISIBLE
    sortie = Path(args.sortie)
    print(_resume(rapport))
    if not rapport.ok:
        # FORMAT.md §1.5: a file with errors is never half-used; only the list of errors is written.
        sortie.mkdir(parents=True, exist_ok=True)
        _ecrire_problemes_csv([p for p in rapport.problemes if p.gravite == ERREUR], sortie / "erreurs.csv")
        print()
        print(formater_problemes(rapport.erreurs[:50]))
        print(f"\nAucun bilan produit : corrigez les erreurs (liste complète : {sortie / 'erreurs.csv'}).")
        return _code_retour(rapport)

    bilan = calculs.calculer_bilan(rapport.tables, args.annee)
    options = rapports.OptionsRapports(
        bailleur=args.bailleur,
        epci_lec=args.lec,
        masquer_petits_effectifs=args.masquer,
        fichiers_source=tuple(rapport.fichiers),
        precedent=_comparer(bilan, precedent, args.bailleur),
    )
    indicateurs = {
        rapports.nom_indicateurs(bilan): lambda: indicateurs_csv.ecrire_indicateurs_csv(
            bilan, bailleur=args.bailleur or ""
        )
    }  # built by the same workers as the workbooks, first
    fichiers = rapports.construire_classeurs(bilan, options, processus=args.processus, autres=indicateurs)
    archive = (rapports.nom_archive(bilan, options), rapports.archiver(fichiers)) if args.zip else None

    ecriture.ecrire_tout_ou_rien(sortie, {**fichiers, **dict([archive] if archive else [])})
    taille = sum(len(c) for c in fichiers.values()) + (len(archive[1]) if archive else 0)
    nombre = len(fichiers) + (1 if archive else 0)
    print(
        f"\n{_pluriel(nombre, 'fichier')} écrit{'s' if nombre > 1 else ''} dans {sortie} "
        f"({formats.nombre(taille / 1024, 0)} Kio) en {formats.nombre(time.perf_counter() - debut, 1)} s."
    )
    for p in rapport.avertissements:
        if p.code == Code.ANNEE_SANS_DISPONIBILITE:  # empty bilans: said plainly, not only counted
            print(f"Attention : {p.regle[0].lower()}{p.regle[1:]}. {p.conseil}")
    if rapport.avertissements:
        print(f"{_pluriel(len(rapport.avertissements), 'avertissement')} : voir « flux-dash valider ».")
    return OK


def _lire_precedent(chemin: str, annee: int) -> tuple[Envoi | None, int]:
    """``--precedent``: last year's file, read with the receiving side's reader; (None, exit code) when it cannot
    serve, its problems printed (FORMAT.md §2.3: nothing is written)."""
    from flux_dash.consolidation.precedent import lire_precedent

    if not Path(chemin).is_file():
        print(f"flux-dash : fichier introuvable : {chemin}", file=sys.stderr)
        return None, ILLISIBLE
    envoi, problemes = lire_precedent(Path(chemin), annee)
    if envoi is None:
        erreurs = [p for p in problemes if p.gravite == ERREUR]
        print(receveur.formater(erreurs), file=sys.stderr)
        print(
            "\nAucun bilan produit : le fichier de l'année précédente (--precedent) ne convient pas.", file=sys.stderr
        )
        return None, receveur.code_sortie(erreurs)
    print(f"Année précédente : bilan {envoi.annee} de {envoi.bailleur} ({Path(chemin).name}).")
    return envoi, OK


def _comparer(bilan: Bilan, envoi: Envoi | None, bailleur: str) -> Comparaison | None:
    """The bilan beside last year's figures (``--precedent``), or None without them."""
    if envoi is None:
        return None
    from flux_dash.consolidation.precedent import comparer

    return comparer(bilan, envoi, bailleur)


def commande_modele(args: argparse.Namespace) -> int:
    from flux_dash.modele import modele_saisie

    cible = Path(args.sortie)
    if cible.parent and not cible.parent.exists():
        cible.parent.mkdir(parents=True, exist_ok=True)
    cible.write_bytes(modele_saisie())
    print(f"Classeur de saisie écrit : {cible}")
    return OK


def commande_exemple(args: argparse.Namespace) -> int:
    from flux_dash.demo import ecrire_demo

    if args.territoire:
        from flux_dash.demo.territoire import ecrire_territoire

        chemins = ecrire_territoire(Path(args.sortie))
        print("Campagne de démonstration d'un territoire (bailleurs fictifs) écrite :")
        for c in chemins:
            print(f"  {c}")
        return OK
    chemins = ecrire_demo(Path(args.sortie), nb_logements=args.logements, graine=args.graine)
    print("Jeu de données d'exemple (fictif) écrit :")
    for c in chemins:
        print(f"  {c}")
    return OK


COMMANDES = {
    "valider": commande_valider,
    "bilan": commande_bilan,
    "modele": commande_modele,
    "exemple": commande_exemple,
    "consolider": receveur.commande_consolider,
    "campagne": receveur.commande_campagne,
}


def main(argv: Sequence[str] | None = None) -> int:
    analyseur = _analyseur()
    args = analyseur.parse_args(argv)
    if not args.commande:
        analyseur.print_help()
        return ILLISIBLE
    try:
        return COMMANDES[args.commande](args)
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return ILLISIBLE
    except OSError as exc:
        raison = _ERREURS_SYSTEME.get(exc.errno or 0, exc.strerror or str(exc))
        print(
            f"flux-dash : impossible d'écrire ou de lire un fichier : {raison} ({exc.filename or ''})", file=sys.stderr
        )
        return ILLISIBLE
    except Exception as exc:  # last resort: never a traceback for the user (FORMAT.md §2.3)
        if args.debug:
            raise
        print(
            f"flux-dash : erreur inattendue ({type(exc).__name__}). Relancez avec --debug et signalez-la "
            "aux mainteneurs avec le fichier d'entrée anonymisé.",
            file=sys.stderr,
        )
        return ILLISIBLE


if __name__ == "__main__":
    sys.exit(main())
