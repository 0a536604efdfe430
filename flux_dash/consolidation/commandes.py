"""The receiving side's commands (FORMAT.md §3.2, §3.4): ``flux-dash consolider`` and ``flux-dash campagne
lister|ajouter|retirer``, added to the parser of :mod:`flux_dash.cli` by :func:`ajouter_analyseurs`.

Exit codes as in FORMAT.md §2.3: 0 no error, 1 errors in what was received (a file of another year, a landlord
twice with different figures, a replacement not asked for…), 2 unreadable input, bad usage or unusable store.
Nothing is half-done: with an error, no consolidated file is written (only ``erreurs.csv``) and the store is
left as it was.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from flux_dash.problemes import Probleme

OK, ERREURS, ILLISIBLE = 0, 1, 2
CODES_ILLISIBLES = {"envoi_introuvable", "envoi_illisible", "envoi_vide", "envoi_trop_gros", "attendus_illisible"}
"""Problems that mean « the input could not be read » (exit code 2) rather than « what was received is wrong »."""
PROBLEMES_AFFICHES = 50

AIDE_ENVOIS = (
    "fichiers reçus des bailleurs : archives ZIP, indicateurs_{n}.csv ou classeurs .xlsx produits par flux_dash, "
    "dans n'importe quel mélange"
)
AIDE_BASE = (
    "base de campagne (DuckDB) ; sans valeur : la base par défaut (FLUX_DASH_BASE, sinon "
    "~/.local/share/flux_dash/campagnes.duckdb)"
)


def _territoire(texte: str) -> tuple[str, str]:
    """One territory code: an EPCI/EPT SIREN (9 digits), a département code, ``11`` for the région, or an INSEE
    commune code (an arrondissement of Paris means Paris) — checked against the reference tables."""
    from flux_dash import referentiel as ref

    code = texte.strip()
    if code == ref.CODE_REGION:
        return ("REGION", code)
    if code in ref.DEPARTEMENTS_IDF:
        return ("DEPARTEMENT", code)
    if len(code) == 9 and ("EPCI_EPT", code) in ref.perimetres_connus():
        return ("EPCI_EPT", code)
    commune = ref.correspondance_communes().get(code)
    if commune:
        return ("COMMUNE", commune)
    raise argparse.ArgumentTypeError(
        f"territoire inconnu : {texte} (SIREN d'un EPCI/EPT comme 200057875 pour Est Ensemble, code de département "
        "comme 93, 11 pour la région, ou code INSEE d'une commune d'Île-de-France)"
    )


def _territoires(texte: str) -> list[tuple[str, str]]:
    """``--territoire``: one code or several separated by commas (the option may also be repeated)."""
    return [_territoire(code) for code in texte.split(",") if code.strip()]


def ajouter_analyseurs(sous: argparse._SubParsersAction, annee: Callable[[str], int]) -> None:
    """Adds ``consolider`` and ``campagne`` to the sub-commands of ``flux-dash`` (their functions:
    :func:`commande_consolider`, :func:`commande_campagne`)."""
    c = sous.add_parser(
        "consolider",
        help="consolide les bilans reçus de plusieurs bailleurs (EPCI/EPT, État)",
        description="Additionne les bilans produits par flux_dash que les bailleurs ont envoyés et écrit "
        "indicateurs_consolides_{n}.csv, couverture_{n}.csv et un classeur consolidation_{n}_{territoire}.xlsx "
        "par territoire.",
        epilog="Exemple : flux-dash consolider recus/*.zip recus/*.csv --annee 2024 --sortie consolidation/ "
        "--territoire 200057875 --attendus bailleurs.csv",
    )
    c.add_argument("fichiers", nargs="*", metavar="FICHIER", help=AIDE_ENVOIS)
    c.add_argument("--annee", type=annee, required=True, metavar="N", help="année n des bilans consolidés")
    c.add_argument("--sortie", required=True, metavar="DOSSIER", help="dossier où écrire les fichiers consolidés")
    c.add_argument(
        "--territoire",
        type=_territoires,
        action="extend",
        metavar="CODE",
        help="SIREN d'EPCI/EPT, code de département, 11 (région) ou code INSEE de commune ; option répétable, ou "
        "codes séparés par des virgules ; par défaut, tous les territoires présents",
    )
    c.add_argument(
        "--attendus",
        metavar="FICHIER",
        help="liste des bailleurs attendus (CSV ou .xlsx avec une colonne « bailleur », et « siren » si connue)",
    )
    c.add_argument(
        "--base",
        nargs="?",
        const="",
        metavar="FICHIER",
        help=AIDE_BASE + " : les fichiers y sont ajoutés, puis l'année n (et n−1) y est consolidée",
    )
    c.add_argument(
        "--remplacer",
        action="store_true",
        help="avec --base : remplace les chiffres déjà reçus d'un bailleur pour l'année par ceux des fichiers",
    )

    g = sous.add_parser(
        "campagne",
        help="gère la base de campagne des bilans reçus (lister, ajouter, retirer)",
        description="La base de campagne garde les chiffres reçus des bailleurs (des agrégats, jamais de tours), "
        "année par année.",
    )
    actions = g.add_subparsers(dest="action", metavar="ACTION", required=True, help="lister, ajouter ou retirer")
    lister = actions.add_parser("lister", help="liste les bailleurs reçus par année", description="Liste la base.")
    lister.add_argument("--annee", type=annee, metavar="N", help="une seule année")
    lister.add_argument("--historique", action="store_true", help="affiche aussi l'historique des changements")
    lister.add_argument("--base", metavar="FICHIER", help=AIDE_BASE.split(" ; ")[0])
    ajouter = actions.add_parser(
        "ajouter", help="ajoute des fichiers reçus à la base", description="Ajoute des fichiers reçus à la base."
    )
    ajouter.add_argument("fichiers", nargs="+", metavar="FICHIER", help=AIDE_ENVOIS)
    ajouter.add_argument("--annee", type=annee, metavar="N", help="refuse les fichiers d'une autre année")
    ajouter.add_argument(
        "--remplacer", action="store_true", help="remplace les chiffres déjà reçus d'un bailleur pour la même année"
    )
    ajouter.add_argument("--base", metavar="FICHIER", help=AIDE_BASE.split(" ; ")[0])
    retirer = actions.add_parser(
        "retirer", help="retire les chiffres d'un bailleur pour une année", description="Retire un bailleur."
    )
    retirer.add_argument("bailleur", metavar="BAILLEUR", help="nom du bailleur (casse et accents indifférents)")
    retirer.add_argument("--annee", type=annee, required=True, metavar="N", help="année des chiffres à retirer")
    retirer.add_argument("--base", metavar="FICHIER", help=AIDE_BASE.split(" ; ")[0])


# --- helpers -------------------------------------------------------------------------------------------------------


def _pluriel(n: int, mot: str, pluriel: str | None = None) -> str:
    from flux_dash import formats

    return f"{formats.nombre(n)} {mot if n <= 1 else (pluriel or mot + 's')}"


def formater(problemes: Sequence[Probleme], largeur: int | None = None) -> str:
    """The problems of the receiving side for a terminal: one paragraph each — gravity, file, the rule, the value,
    the hint — wrapped to the terminal's width (they name a file and a landlord, rarely a line or a column)."""
    largeur = largeur or max(60, min(shutil.get_terminal_size((100, 24)).columns, 160))
    blocs = []
    for p in problemes:
        tete = f"{p.gravite.capitalize()} – {p.source}" if p.source else p.gravite.capitalize()
        if p.ligne is not None:
            tete += f", ligne {p.ligne}"
        corps = p.regle[0].upper() + p.regle[1:] + "." + (f" ({' '.join(p.valeur.split())[:200]})" if p.valeur else "")
        corps += f" {p.conseil}" if p.conseil else ""
        blocs.append(tete + "\n" + textwrap.fill(corps, largeur, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(blocs)


def _afficher(problemes: Sequence[Probleme], maximum: int = PROBLEMES_AFFICHES) -> None:
    if not problemes:
        return
    print()
    print(formater(list(problemes)[:maximum]))
    if len(problemes) > maximum:
        print(f"… et {len(problemes) - maximum} autres problèmes.")


def _ecrire_erreurs(problemes: Sequence[Probleme], chemin: Path) -> None:
    """``erreurs.csv``, as ``flux-dash bilan`` writes it (French headers, CSV-injection guard)."""
    from flux_dash import garde
    from flux_dash.problemes import LIBELLES_COLONNES_PROBLEMES, problemes_en_tableau

    df = garde.neutraliser_tableau(problemes_en_tableau(list(problemes))).rename(columns=LIBELLES_COLONNES_PROBLEMES)
    chemin.write_bytes(df.to_csv(sep=";", index=False, lineterminator="\n").encode("utf-8-sig"))


def code_sortie(problemes: Sequence) -> int:
    erreurs = [p for p in problemes if p.gravite == "erreur"]
    if not erreurs:
        return OK
    return ILLISIBLE if any(p.code in CODES_ILLISIBLES for p in erreurs) else ERREURS


def _ouvrir_base(chemin: str | None):
    """The store (``None`` → no store; ``""`` → the default one)."""
    from flux_dash.consolidation.base import Base

    return Base(chemin or None)


def _resume_reception(recus) -> str:
    pluriel = _pluriel
    bailleurs = {e.cle for e in recus.envois}
    return (
        f"Reçu : {pluriel(len(recus.fichiers), 'fichier lisible', 'fichiers lisibles')}, {pluriel(len(bailleurs), 'bailleur')}. "
        f"Contrôles : {pluriel(len(recus.erreurs), 'erreur')}, {pluriel(len(recus.avertissements), 'avertissement')}."
    )


# --- consolider ------------------------------------------------------------------------------------------------------


def commande_consolider(args: argparse.Namespace) -> int:
    from flux_dash import formats
    from flux_dash.consolidation import consolider, lire_envois
    from flux_dash.consolidation import sorties as s
    from flux_dash.consolidation.base import ErreurBase
    from flux_dash.consolidation.couverture import lire_attendus
    from flux_dash.rapports.consolidation import TerritoireInconnu

    debut = time.perf_counter()
    pluriel = _pluriel
    if not args.fichiers and args.base is None:
        print(
            "flux-dash : aucun fichier à consolider (donnez des fichiers, ou --base pour une base de campagne).",
            file=sys.stderr,
        )
        return ILLISIBLE
    sortie = Path(args.sortie)
    recus = lire_envois(args.fichiers, annee=args.annee)
    problemes = list(recus.problemes)
    attendus = None
    if args.attendus:
        attendus, p = lire_attendus(Path(args.attendus))
        problemes += p
    if args.fichiers:
        print(_resume_reception(recus))
    envois, precedents = recus.envois, []
    if args.base is not None and code_sortie(problemes) == OK:
        try:
            base = _ouvrir_base(args.base)
            problemes += base.ajouter(recus.envois, remplacer=args.remplacer)
            # What is consolidated is what the store holds: the rows read from the files are let go before the
            # store's are read, not kept as a second copy of every landlord's figures.
            envois = recus = None
            envois, precedents = base.envois(args.annee), base.envois(args.annee - 1)
        except ErreurBase as e:
            print(f"flux-dash : {e}", file=sys.stderr)
            return ILLISIBLE
        print(f"Base de campagne : {base.chemin} ({pluriel(len(envois), 'bailleur')} en {args.annee}).")
    code = code_sortie(problemes)
    if code != OK:
        sortie.mkdir(parents=True, exist_ok=True)
        _ecrire_erreurs([p for p in problemes if p.gravite == "erreur"], sortie / "erreurs.csv")
        _afficher([p for p in problemes if p.gravite == "erreur"])
        print(f"\nRien n'a été consolidé : corrigez les erreurs (liste complète : {sortie / 'erreurs.csv'}).")
        return code
    if not envois:
        print(f"flux-dash : aucun bilan {args.annee} à consolider.", file=sys.stderr)
        return ERREURS
    c = consolider(envois, args.annee, territoires=args.territoire, attendus=attendus, precedents=precedents)
    fichiers = {
        s.nom_indicateurs(args.annee): s.ecrire_indicateurs(c),
        s.nom_couverture(args.annee): s.ecrire_couverture(c),
    }
    try:
        fichiers |= _classeurs(c)
    except TerritoireInconnu as e:
        print(f"flux-dash : {e} Aucun fichier n'a été écrit.", file=sys.stderr)
        return ILLISIBLE
    sortie.mkdir(parents=True, exist_ok=True)
    for nom, contenu in fichiers.items():
        (sortie / nom).write_bytes(contenu)
    problemes += c.problemes
    recus_n = (c.couverture["statut"] == "recu").sum()
    manquants = c.couverture.loc[c.couverture["statut"] == "manquant", "bailleur"].tolist()
    print(
        f"Consolidé : {pluriel(int(recus_n), 'bailleur')} en {args.annee}"
        + (f", comparé à {c.annee_precedente}" if c.annee_precedente else "")
        + (
            f" ; {pluriel(len(manquants), 'bailleur attendu', 'bailleurs attendus')} sans bilan : {', '.join(manquants[:10])}"
            if manquants
            else ""
        )
        + "."
    )
    taille = sum(len(x) for x in fichiers.values())
    print(
        f"{pluriel(len(fichiers), 'fichier écrit', 'fichiers écrits')} dans {sortie} ({formats.nombre(taille / 1024, 0)} Kio) en "
        f"{formats.nombre(time.perf_counter() - debut, 1)} s."
    )
    signales = [p for p in problemes if p.gravite == "avertissement"]
    _afficher(signales)
    return OK


def _classeurs(c) -> dict[str, bytes]:
    """The consolidated workbooks, one per territory (FORMAT.md §3.2)."""
    from flux_dash.rapports import lister_consolidations

    return {prevu.nom_fichier: prevu.construire() for prevu in lister_consolidations(c)}


# --- campagne --------------------------------------------------------------------------------------------------------


def commande_campagne(args: argparse.Namespace) -> int:
    from flux_dash.consolidation.base import BailleurAbsent, ErreurBase

    try:
        base = _ouvrir_base(args.base)
        return {"lister": _lister, "ajouter": _ajouter, "retirer": _retirer}[args.action](base, args)
    except BailleurAbsent as e:
        print(f"flux-dash : {e}", file=sys.stderr)
        return ERREURS
    except ErreurBase as e:
        print(f"flux-dash : {e}", file=sys.stderr)
        return ILLISIBLE


def _lister(base, args) -> int:
    from flux_dash import formats

    d = base.depots(args.annee)
    print(f"Base de campagne : {base.chemin} ({formats.nombre(base.taille() / 1024, 0)} Kio).")
    if d.empty:
        print("Aucun bilan reçu" + (f" pour {args.annee}." if args.annee else "."))
    else:
        print()
        largeur = max(12, *(len(b) for b in d["bailleur"]))
        print(f"{'Année':<6} {'Bailleur':<{largeur}} {'Lignes':>8}  {'Ajouté le':<16}  sha256 (début)  Fichiers")
        for r in d.itertuples():
            sha = ", ".join(x[:12] for x in (r.sha256 or "").split(" ; "))
            print(
                f"{r.annee:<6} {r.bailleur:<{largeur}} {formats.nombre(r.lignes):>8}  "
                f"{r.ajoute_le:%d/%m/%Y %H:%M}  {sha:<14}  {r.fichiers}"
            )
    if args.historique:
        h = base.historique(args.annee)
        print("\nHistorique :")
        for r in h.itertuples():
            avant = f" ancien sha256 {r.anciens_sha256[:12]}" if r.anciens_sha256 else ""
            apres = f" nouveau sha256 {r.nouveaux_sha256[:12]}" if r.nouveaux_sha256 else ""
            print(f"  {r.horodatage:%d/%m/%Y %H:%M}  {r.action:<17} {r.annee}  {r.bailleur}{avant}{apres}")
    return OK


def _ajouter(base, args) -> int:
    from flux_dash.consolidation import lire_envois

    recus = lire_envois(args.fichiers, annee=args.annee)
    print(_resume_reception(recus))
    code = code_sortie(recus.problemes)
    if code != OK:
        _afficher(recus.erreurs)
        print("\nRien n'a été ajouté à la base : corrigez les erreurs.")
        return code
    problemes = base.ajouter(recus.envois, remplacer=args.remplacer)
    _afficher([*recus.avertissements, *problemes])
    if code_sortie(problemes) != OK:
        print("\nRien n'a été ajouté à la base.")
        return ERREURS
    print(f"\nBase de campagne : {base.chemin} ({_pluriel(len(base.depots()), 'envoi')} en tout).")
    return OK


def _retirer(base, args) -> int:
    p = base.retirer(args.bailleur, args.annee)
    print(p.regle[0].upper() + p.regle[1:] + ".")
    return OK
