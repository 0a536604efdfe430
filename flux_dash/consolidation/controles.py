"""Checks of one landlord's figures before they are added (FORMAT.md §3.1: « a file whose figures do not reconcile
is a warning »): the same reconciliations the landlord's bilan passes, read back from its tidy rows.

Each check that fails gives one warning for the landlord's file, with a few examples; the figures are still
consolidated as received (the receiver cannot correct a landlord's file, only ask for a new one).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.codes import probleme
from flux_dash.consolidation.envoi import Envoi
from flux_dash.problemes import Probleme

PT, PC = k.PT, k.PC
TOLERANCE = 2e-6
"""Ratios are written with 6 decimals (FORMAT.md §2.2): a ratio within this distance of num ÷ den agrees."""
EXEMPLES = 3


@cache
def strates_de_commune() -> pd.DataFrame:
    """One row per (commune, strate perimeter containing it): COMMUNE, EPCI/EPT territory, DEPARTEMENT, REGION
    (DOMAINE.md §2), from the référentiel."""
    c = ref.communes()
    morceaux = [
        pd.DataFrame({"code_commune": c["code_insee"], PT: "COMMUNE", PC: c["code_insee"]}),
        pd.DataFrame({"code_commune": c["code_insee"], PT: "EPCI_EPT", PC: c["code_territoire"]}),
        pd.DataFrame({"code_commune": c["code_insee"], PT: "DEPARTEMENT", PC: c["code_departement"]}),
        pd.DataFrame({"code_commune": c["code_insee"], PT: "REGION", PC: ref.CODE_REGION}),
    ]
    out = pd.concat(morceaux, ignore_index=True)
    return out[out[PC] != ""].astype(object).reset_index(drop=True)


def _lieu(ptype: str, pcode: str) -> str:
    return ref.libelle_perimetre(ptype, pcode)


def _nombre(x: float) -> str:
    if pd.isna(x):
        return "vide"
    return f"{x:g}".replace(".", ",")


def _ecarts(df: pd.DataFrame, attendu: str, obtenu: str) -> pd.DataFrame:
    a = df[attendu].astype("float64")
    o = df[obtenu].astype("float64")
    return df[(a - o).abs() > TOLERANCE]


def _perimetre_large(lignes: pd.DataFrame) -> pd.DataFrame:
    return lignes[(lignes["reservataire"] == "") & (lignes["categorie"] == "")]


def _controle_flux(lignes: pd.DataFrame) -> tuple[str, list[str]]:
    t = _perimetre_large(lignes)
    t = t[t["dimension"] == "total"].pivot_table(index=[PT, PC], columns="indicateur", values="valeur", aggfunc="sum")
    if not {"disponibilites", "flux", "soustraits"} <= set(t.columns):
        return "", []
    t = t.dropna(subset=["disponibilites", "flux", "soustraits"]).reset_index()
    t["somme"] = t["flux"] + t["soustraits"]
    bad = _ecarts(t, "disponibilites", "somme")
    return "disponibilités ≠ flux + soustraits", [
        f"{_lieu(r[PT], r[PC])} : {_nombre(r.disponibilites)} ≠ {_nombre(r.flux)} + {_nombre(r.soustraits)}"
        for _, r in bad.iterrows()
    ]


def _controle_soustraits(lignes: pd.DataFrame) -> tuple[str, list[str]]:
    t = _perimetre_large(lignes)
    parts = t[t["dimension"] == "categorie_soustraction"].groupby([PT, PC, "indicateur"])["valeur"].sum()
    totaux = t[t["dimension"] == "total"].set_index([PT, PC, "indicateur"])["valeur"]
    j = pd.DataFrame({"parts": parts}).join(totaux.rename("total"), how="inner").reset_index()
    bad = _ecarts(j, "parts", "total")
    return "les catégories de soustraction ne font pas le total", [
        f"{_lieu(r[PT], r[PC])}, {r.indicateur} : {_nombre(r.parts)} ≠ {_nombre(r.total)}" for _, r in bad.iterrows()
    ]


def _controle_attributions(lignes: pd.DataFrame) -> tuple[str, list[str]]:
    """Σ holders' attribués (Bailleur and the « Hors convention » line included) = attribués of the perimeter,
    on the strates only (a convention perimeter that is not a strate lists only its réservataires)."""
    strates = strates_de_commune()[[PT, PC]].drop_duplicates()
    t = lignes[(lignes["dimension"] == "total") & (lignes["indicateur"] == "logements_attribues")]
    t = t.merge(strates, on=[PT, PC])
    detenteurs = t[t["categorie"] != ""].groupby([PT, PC])["valeur"].sum().rename("detenteurs")
    total = t[(t["categorie"] == "") & (t["reservataire"] == "")].set_index([PT, PC])["valeur"].rename("total")
    j = pd.concat([total, detenteurs], axis=1, join="inner").reset_index()
    bad = _ecarts(j, "detenteurs", "total")
    return "les attribués des réservataires ne font pas les attribués du périmètre", [
        f"{_lieu(r[PT], r[PC])} : {_nombre(r.detenteurs)} ≠ {_nombre(r.total)}" for _, r in bad.iterrows()
    ]


def _controle_communes(lignes: pd.DataFrame) -> tuple[str, list[str]]:
    """The communes of the file add up to the EPCI/EPT, département and région of the file."""
    t = _perimetre_large(lignes)
    t = t[(t["dimension"] == "total") & t["indicateur"].isin(["disponibilites", "flux"])]
    communes = t[t[PT] == "COMMUNE"].rename(columns={PC: "code_commune"}).drop(columns=PT)
    s = communes.merge(strates_de_commune(), on="code_commune")
    s = s[s[PT] != "COMMUNE"].groupby([PT, PC, "indicateur"])["valeur"].sum().rename("communes")
    totaux = t[t[PT] != "COMMUNE"].set_index([PT, PC, "indicateur"])["valeur"].rename("total")
    j = pd.concat([totaux, s], axis=1, join="inner").reset_index()
    bad = _ecarts(j, "communes", "total")
    return "les communes ne font pas le total de leur territoire", [
        f"{_lieu(r[PT], r[PC])}, {r.indicateur} : communes {_nombre(r.communes)} ≠ {_nombre(r.total)}"
        for _, r in bad.iterrows()
    ]


def _controle_repartitions(lignes: pd.DataFrame) -> tuple[str, list[str]]:
    h = lignes[lignes["indicateur"].isin(k.COMPTES_DE_STRATE) & (lignes["categorie"] != "")]
    cles = [PT, PC, "categorie", "reservataire", "indicateur"]
    parts = h[h["dimension"].isin(ref.DIMENSIONS_DECRET)].groupby([*cles, "dimension"])["valeur"].sum()
    totaux = h[h["dimension"] == "total"].set_index(cles)["valeur"].rename("total")
    j = parts.rename("parts").reset_index().merge(totaux.reset_index(), on=cles)
    bad = _ecarts(j, "parts", "total")
    return "les répartitions du décret ne font pas le total", [
        f"{r.reservataire or r.categorie}, {_lieu(r[PT], r[PC])}, {r.indicateur} par {r.dimension} : "
        f"{_nombre(r.parts)} ≠ {_nombre(r.total)}"
        for _, r in bad.iterrows()
    ]


def aligner(
    base: pd.DataFrame, source: pd.DataFrame, cles: list[str], indicateur: str, colonnes: list[str]
) -> pd.DataFrame:
    """For each row of ``base``, the ``colonnes`` of the row of ``source`` with the same ``cles`` and
    ``indicateur`` (NaN where there is none), in ``base``'s order: one vectorised lookup (a left merge keeps the
    left order), shared by the checks and the engine."""
    droite = source.loc[source["indicateur"] == indicateur, [*cles, *colonnes]]
    return base[cles].merge(droite, on=cles, how="left")[colonnes].reset_index(drop=True)


def _controle_ratios(lignes: pd.DataFrame) -> tuple[str, list[str]]:
    """Every ratio of the file equals its numerator ÷ denominator, both read in the same file (empty when the
    denominator is 0).

    One grid (holder line × indicator) built once for all the ratios: a perimeter-wide count is the value of the
    line with the same perimeter and no category nor réservataire (the lookups :func:`aligner` would make, one per
    term, without a merge each)."""
    t = lignes[lignes["dimension"] == "total"]
    messages: list[str] = []
    codes = t["indicateur"].to_numpy(dtype=object)
    if not len(t) or not np.isin(codes, list(k.PAR_CODE)).any():
        return "des ratios ne sont pas le quotient de leurs comptes", messages
    colonnes = [t[c].to_numpy(dtype=object).astype(str) for c in (PT, PC, "categorie", "reservataire")]
    perimetre = np.char.add(np.char.add(colonnes[0], "\x1f"), colonnes[1])
    ligne = np.char.add(np.char.add(np.char.add(perimetre, "\x1f"), colonnes[2]), np.char.add("\x1f", colonnes[3]))
    perimetre = np.char.add(perimetre, "\x1f\x1f")  # the perimeter-wide line of the same perimeter
    numeros, _ = pd.factorize(np.concatenate([ligne, perimetre]))
    de_ligne, du_perimetre = numeros[: len(t)], numeros[len(t) :]
    indicateurs, noms = pd.factorize(codes)
    position = {n: i for i, n in enumerate(noms)}
    grille = np.full((numeros.max() + 1, len(noms) + 1), np.nan)  # last column: an indicator absent from the file
    valeurs = t["valeur"].to_numpy(dtype="float64")
    premiere = ~pd.Series(de_ligne * (len(noms) + 1) + indicateurs).duplicated().to_numpy()
    grille[de_ligne[premiere], indicateurs[premiere]] = valeurs[premiere]  # a left merge keeps the first match
    for r in k.RATIOS:
        choisies = np.flatnonzero(indicateurs == position.get(r.code, -1))
        if not len(choisies):
            continue

        def terme(nom: str, niveau: str, choisies=choisies) -> np.ndarray:
            cles = du_perimetre if niveau == "perimetre" else de_ligne
            return grille[cles[choisies], position.get(nom, len(noms))]

        num = terme(r.numerateur, r.niveau_numerateur)
        den = terme(r.denominateur, r.niveau_denominateur)
        connus = ~np.isnan(num) & ~np.isnan(den) & ((den > 0) if r.parametre else True)
        with np.errstate(divide="ignore", invalid="ignore"):
            attendu = np.where(den > 0, num / den, np.nan)
        valeur = valeurs[choisies]
        faux = connus & ~((np.isnan(attendu) & np.isnan(valeur)) | (np.abs(attendu - valeur) <= TOLERANCE))
        for i in np.flatnonzero(faux)[:50]:
            j = choisies[i]
            messages.append(
                f"{r.code} de {t['reservataire'].iat[j] or 'l’ensemble'}, {_lieu(t[PT].iat[j], t[PC].iat[j])} : "
                f"{_nombre(valeur[i])} au lieu de {_nombre(num[i])} ÷ {_nombre(den[i])}"
            )
    return "des ratios ne sont pas le quotient de leurs comptes", messages


def _controle_ecarts(lignes: pd.DataFrame) -> tuple[str, list[str]]:
    """Every ``ecart`` of the file equals its proposés − droits."""
    t = lignes[lignes["dimension"] == "total"]
    cles = [PT, PC, "categorie", "reservataire"]
    messages = []
    for code, (a, b) in k.ECARTS.items():
        j = t[t["indicateur"] == code].merge(t[t["indicateur"] == a], on=cles, suffixes=("", "_a"))
        j = j.merge(t[t["indicateur"] == b], on=cles, suffixes=("", "_b"))
        j["attendu"] = j["valeur_a"] - j["valeur_b"]
        messages += [
            f"{code} de {r.reservataire}, {_lieu(r[PT], r[PC])} : {_nombre(r.valeur)} au lieu de "
            f"{_nombre(r.valeur_a)} − {_nombre(r.valeur_b)}"
            for _, r in _ecarts(j, "valeur", "attendu").iterrows()
        ]
    return "des écarts aux droits ne sont pas la différence de leurs comptes", messages


CONTROLES: tuple[Callable[[pd.DataFrame], tuple[str, list[str]]], ...] = (
    _controle_flux,
    _controle_soustraits,
    _controle_communes,
    _controle_attributions,
    _controle_repartitions,
    _controle_ratios,
    _controle_ecarts,
)
"""The reconciliations of one landlord's file, in reading order."""


def verifier_envoi(envoi: Envoi) -> list[Probleme]:
    """One warning per failed reconciliation of the landlord's figures."""
    problemes = []
    source = ", ".join(f.nom for f in envoi.fichiers)
    for controle in CONTROLES:
        regle, exemples = controle(envoi.lignes)
        if not exemples:
            continue
        reste = len(exemples) - EXEMPLES
        problemes.append(
            probleme(
                "envoi_non_reconcilie",
                f"chiffres de {envoi.bailleur} ({envoi.annee}) : {regle} ({len(exemples)} cas)",
                source=source,
                valeur=" ; ".join(exemples[:EXEMPLES]) + (f" ; et {reste} autres" if reste > 0 else ""),
                conseil="Ils sont consolidés tels quels ; signalez-le au bailleur, qui peut produire de nouveau son "
                "bilan avec flux_dash.",
            )
        )
    return problemes
