"""A drop of landlords' files on the Réception page, without Streamlit: read them, add them to the store, and say,
file by file, what became of each (FORMAT.md §3.1, §3.4).

Each landlord's figures are added on their own, so that one landlord awaiting confirmation of a replacement does not
hold the others back; a replacement is written only after the user confirms it (:func:`remplacer`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.consolidation import Envoi, lire_envois
from flux_dash.consolidation.base import Base
from flux_dash.consolidation.reception import DejaLus, Etape
from flux_dash.problemes import ERREUR, Probleme

AJOUTE, REMPLACE, IDENTIQUE, REUNI, A_CONFIRMER, REFUSE = (
    "ajouté",
    "remplacé",
    "identique",
    "réuni",
    "à confirmer",
    "refusé",
)
"""The status of a received file, as shown."""
COLONNES = ["fichier", "statut", "bailleur", "annee", "territoire", "raison"]
LIBELLES = {
    "fichier": "Fichier",
    "bailleur": "Bailleur",
    "annee": "Année",
    "territoire": "Territoire couvert",
    "statut": "Statut",
    "raison": "Raison ou remarque",
}
STATUT_DE_CODE = {"base_deja_presente": IDENTIQUE, "envoi_doublon_fusionne": REUNI, "base_remplace": REMPLACE}


@dataclass
class Depot:
    """What one drop gave: one line per file (:data:`COLONNES`), the landlords awaiting confirmation of a
    replacement (with the store's message), and every problem."""

    lignes: pd.DataFrame
    en_attente: list[tuple[Envoi, Probleme]] = field(default_factory=list)
    problemes: list[Probleme] = field(default_factory=list)


def _texte(p: Probleme) -> str:
    return p.regle[:1].upper() + p.regle[1:] + (f". {p.conseil}" if p.conseil else "")


def territoire_couvert(e: Envoi, maximum: int = 4) -> str:
    """The EPCI/EPT where the landlord's file gives disponibilités (else its départements), by name."""
    t = e.lignes[(e.lignes["indicateur"] == "disponibilites") & (e.lignes["dimension"] == "total")]
    for niveau in ("EPCI_EPT", "DEPARTEMENT", "REGION"):
        codes = sorted(set(t.loc[t["perimetre_type"] == niveau, "perimetre_code"]))
        if codes:
            noms = [ref.libelle_perimetre(niveau, c) for c in codes]
            return ", ".join(noms[:maximum]) + (f" et {len(noms) - maximum} autres" if len(noms) > maximum else "")
    return ""


def _de_la_source(p: Probleme, nom: str) -> bool:
    return bool(p.source) and (p.source == nom or nom in p.source)


def deposer(
    base: Base,
    fichiers: Sequence[tuple[str, bytes]],
    etape: Etape | None = None,
    deja_lus: DejaLus | None = None,
) -> Depot:
    """Read ``fichiers`` ((name, bytes), any mix of ZIP, CSV and workbooks, any years) and add each landlord's
    figures to ``base``; identical figures are noted, different figures of a landlord already stored wait for
    confirmation. ``etape`` and ``deja_lus`` are those of :func:`flux_dash.consolidation.lire_envois` (progress,
    files already read); ``etape("base", 0, 0)`` is called before the store is written."""
    recus = lire_envois(list(fichiers), etape=etape, deja_lus=deja_lus)
    if etape is not None:
        etape("base", 0, 0)
    problemes = list(recus.problemes)
    statut: dict[int, tuple[str, str]] = {}
    en_attente: list[tuple[Envoi, Probleme]] = []
    for i, e in enumerate(recus.envois):
        retour = base.ajouter([e])
        problemes += retour
        requis = next((p for p in retour if p.code == "base_remplacement_requis"), None)
        if requis is not None:
            en_attente.append((e, requis))
            statut[i] = (A_CONFIRMER, requis.regle[:1].upper() + requis.regle[1:])
            continue
        connu = next((p for p in retour if p.code in STATUT_DE_CODE), None)
        statut[i] = (STATUT_DE_CODE[connu.code], _texte(connu)) if connu else (AJOUTE, "")
    lignes = []
    vus: dict[str, str] = {}
    for nom, octets in fichiers:
        # by content: several landlords all send a file named indicateurs_{n}.csv
        sha = hashlib.sha256(octets).hexdigest()
        if sha in vus:  # the same bytes twice in one drop: read once (lire_envois says so)
            doublon = next((p for p in recus.problemes if p.code == "envoi_doublon_fusionne" and p.source == nom), None)
            texte = _texte(doublon) if doublon else f"Fichier identique à « {vus[sha]} », lu une seule fois."
            lignes.append([nom, IDENTIQUE, "", "", "", texte])
            continue
        vus[sha] = nom
        refus = [p for p in recus.problemes if p.gravite == ERREUR and _de_la_source(p, nom)]
        e_i = next(((i, e) for i, e in enumerate(recus.envois) if any(f.sha256 == sha for f in e.fichiers)), None)
        if e_i is None:
            doublon = next((p for p in recus.problemes if p.code == "envoi_doublon_fusionne" and p.source == nom), None)
            if doublon is not None and not refus:
                lignes.append([nom, IDENTIQUE, "", "", "", _texte(doublon)])
            else:
                raison = " ; ".join(_texte(p) for p in refus) or "Aucun chiffre lisible dans ce fichier."
                lignes.append([nom, REFUSE, "", "", "", raison])
            continue
        i, e = e_i
        s, raison = statut[i]
        remarques = [
            _texte(p) for p in recus.problemes if p.gravite != ERREUR and _de_la_source(p, nom) and s != IDENTIQUE
        ]
        raison = " ; ".join([r for r in [raison, *remarques] if r])
        lignes.append([nom, s, e.bailleur, str(e.annee), territoire_couvert(e), raison])
    return Depot(pd.DataFrame(lignes, columns=COLONNES), en_attente, problemes)


def remplacer(base: Base, depot: Depot, bailleur: str, annee: int) -> Depot:
    """The user confirmed: replace the stored figures of ``bailleur`` for ``annee`` by those of the drop (the store
    records both sha256); the drop's lines say « remplacé »."""
    garde, fait = [], None
    for e, p in depot.en_attente:
        if fait is None and e.bailleur == bailleur and e.annee == annee:
            fait = e
        else:
            garde.append((e, p))
    if fait is None:
        return depot
    retour = base.ajouter([fait], remplacer=True)
    texte = next((_texte(p) for p in retour if p.code == "base_remplace"), "")
    lignes = depot.lignes.copy()
    choisies = (lignes["bailleur"] == fait.bailleur) & (lignes["annee"] == str(fait.annee))
    choisies &= lignes["statut"] == A_CONFIRMER
    lignes.loc[choisies, "statut"] = REMPLACE
    lignes.loc[choisies, "raison"] = texte
    return Depot(lignes, garde, [*depot.problemes, *retour])
