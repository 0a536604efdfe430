"""Who has sent and who has not (DOMAINE.md §3.1 « coverage », FORMAT.md §3.2 ``--attendus`` and
``couverture_{n}.csv``).

The expected landlords come from a CSV or workbook with a ``bailleur`` column (optionally ``siren``); a received
landlord is matched to an expected one by its name, compared as headers are (case, accents, spaces and
punctuation ignored) — files carry no SIREN. Each landlord's weight is its disponibilités in the territory.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.codes import probleme
from flux_dash.consolidation.reception import Envoi
from flux_dash.problemes import Probleme

COLONNES = ["bailleur", "siren", "statut", "fichiers", "sha256", "disponibilites", "communes"]
"""Columns of ``couverture_{n}.csv`` (FORMAT.md §3.2)."""
RECU, MANQUANT = "recu", "manquant"
_ENTETES_BAILLEUR = {"bailleur", "nom", "nomdubailleur", "bailleursocial", "organisme", "raisonsociale"}


def lire_attendus(fichier: str | Path | tuple[str, bytes]) -> tuple[pd.DataFrame, list[Probleme]]:
    """The expected landlords: a frame (bailleur, siren), one row per landlord, and the problems (an unreadable
    list is an error)."""
    if isinstance(fichier, tuple):
        nom, contenu = fichier
    else:
        chemin = Path(fichier)
        nom = chemin.name
        try:
            contenu = chemin.read_bytes()
        except OSError as e:
            return _vide(), [
                probleme("attendus_illisible", f"liste des bailleurs attendus introuvable ({e.strerror})", source=nom)
            ]
    try:
        if contenu[:4] == b"PK\x03\x04":
            table = pd.read_excel(io.BytesIO(contenu), engine="calamine", dtype=str, header=None).fillna("")
        else:
            texte = contenu.decode("utf-8-sig") if _utf8(contenu) else contenu.decode("cp1252")
            premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
            sep = max((";", ",", "\t", "|"), key=premiere.count)
            table = pd.read_csv(io.StringIO(texte), sep=sep, dtype=str, header=None, keep_default_na=False)
    except Exception:  # noqa: BLE001 - any reader failure: an unreadable list
        return _vide(), [
            probleme(
                "attendus_illisible",
                "liste des bailleurs attendus illisible",
                source=nom,
                conseil="Donnez un CSV (ou un classeur .xlsx) avec une colonne « bailleur » et, si vous l'avez, "
                "une colonne « siren ».",
            )
        ]
    entete = next(
        (i for i in range(min(len(table), 10)) if any(_n(v) in _ENTETES_BAILLEUR for v in table.iloc[i])), None
    )
    if entete is None:
        return _vide(), [
            probleme(
                "attendus_illisible",
                "la liste des bailleurs attendus n'a pas de colonne « bailleur »",
                source=nom,
                conseil="La première ligne nomme les colonnes : « bailleur » (obligatoire) et « siren ».",
            )
        ]
    noms = [_n(v) for v in table.iloc[entete]]
    corps = table.iloc[entete + 1 :]
    col_b = next(i for i, n in enumerate(noms) if n in _ENTETES_BAILLEUR)
    col_s = next((i for i, n in enumerate(noms) if n in ("siren", "numerosiren")), None)
    bailleurs = corps.iloc[:, col_b].astype(str).str.strip().str.replace(r"^'(?=[=+\-@])", "", regex=True)
    sirens = corps.iloc[:, col_s].astype(str).str.strip() if col_s is not None else pd.Series("", index=corps.index)
    out = pd.DataFrame({"bailleur": bailleurs.to_numpy(), "siren": sirens.to_numpy()})
    out = out[out["bailleur"] != ""]
    out = out.drop_duplicates(subset=None).assign(_cle=lambda d: d["bailleur"].map(k.cle_bailleur))
    out = out.drop_duplicates("_cle").drop(columns="_cle").reset_index(drop=True)
    return out, []


def _utf8(contenu: bytes) -> bool:
    try:
        contenu.decode("utf-8-sig")
        return True
    except UnicodeDecodeError:
        return False


def _n(v: object) -> str:
    return ref.normaliser_texte(str(v))


def _vide() -> pd.DataFrame:
    return pd.DataFrame({"bailleur": pd.Series(dtype=object), "siren": pd.Series(dtype=object)})


def _communes_du_territoire(territoires: Sequence[tuple[str, str]] | None) -> set[str] | None:
    if not territoires:
        return None
    communes: set[str] = set()
    for t in territoires:
        communes |= ref.communes_du_perimetre(*t)
    return communes


def couverture(
    envois: Sequence[Envoi],
    attendus: pd.DataFrame | None = None,
    territoires: Sequence[tuple[str, str]] | None = None,
) -> tuple[pd.DataFrame, list[Probleme]]:
    """One row per landlord received or expected (:data:`COLONNES` plus ``part_disponibilites``): status, files
    and their sha256, its disponibilités and number of communes with logements in the territory (the union of
    ``territoires``; the région when none), and its share of the disponibilités received. Sorted: received by
    decreasing disponibilités, then missing by name."""
    dans = _communes_du_territoire(territoires)
    lignes = []
    for e in envois:
        t = e.lignes
        communes = t[
            (t[k.PT] == "COMMUNE")
            & (t["categorie"] == "")
            & (t["reservataire"] == "")
            & (t["dimension"] == "total")
            & (t["indicateur"] == "disponibilites")
        ]
        if dans is not None:
            communes = communes[communes[k.PC].isin(dans)]
        lignes.append(
            {
                "bailleur": e.bailleur,
                "siren": "",
                "statut": RECU,
                "fichiers": " ; ".join(f.nom for f in e.fichiers),
                "sha256": " ; ".join(f.sha256 for f in e.fichiers),
                "disponibilites": float(communes["valeur"].sum()),
                "communes": int(len(communes)),
            }
        )
    recus = pd.DataFrame(lignes, columns=COLONNES)
    problemes: list[Probleme] = []
    if attendus is not None and len(attendus):
        cles_attendues = {
            k.cle_bailleur(b): (b, s) for b, s in zip(attendus["bailleur"], attendus["siren"], strict=True)
        }
        cles_recues = {k.cle_bailleur(b): i for i, b in enumerate(recus["bailleur"])}
        for cle, i in cles_recues.items():
            if cle in cles_attendues:
                recus.loc[i, "siren"] = cles_attendues[cle][1]
            else:
                nom = recus.loc[i, "bailleur"]
                proches = difflib.get_close_matches(nom, [b for b, _ in cles_attendues.values()], n=1, cutoff=0.6)
                problemes.append(
                    probleme(
                        "bailleur_non_attendu",
                        f"{nom} a envoyé un bilan mais n'est pas dans la liste des bailleurs attendus",
                        valeur=nom,
                        conseil=f"Est-ce « {proches[0]} » de la liste ? Corrigez l'orthographe dans la liste."
                        if proches
                        else "Ajoutez-le à la liste des bailleurs attendus s'il a des logements sur le territoire.",
                    )
                )
        manquants = [(b, s) for cle, (b, s) in cles_attendues.items() if cle not in cles_recues]
        for b, _ in manquants:
            problemes.append(
                probleme(
                    "bailleur_manquant",
                    f"aucun bilan reçu de {b}",
                    valeur=b,
                    conseil="Relancez le bailleur : le bilan est dû avant le 28 février (art. R. 441-5-1 CCH).",
                )
            )
        absents = pd.DataFrame(
            [
                {
                    "bailleur": b,
                    "siren": s,
                    "statut": MANQUANT,
                    "fichiers": "",
                    "sha256": "",
                    "disponibilites": np.nan,
                    "communes": 0,
                }
                for b, s in manquants
            ],
            columns=COLONNES,
        )
        recus = pd.concat([recus, absents], ignore_index=True) if len(absents) else recus
    total = recus.loc[recus["statut"] == RECU, "disponibilites"].sum()
    recus["part_disponibilites"] = recus["disponibilites"] / total if total > 0 else np.nan
    recus["_rang"] = (recus["statut"] != RECU).astype(int)
    recus["_d"] = -recus["disponibilites"].fillna(0)
    recus = recus.sort_values(["_rang", "_d", "bailleur"], kind="stable").drop(columns=["_rang", "_d"])
    recus["communes"] = recus["communes"].astype("int64")
    return recus.reset_index(drop=True), problemes
