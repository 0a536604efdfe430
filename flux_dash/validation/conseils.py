"""Hints: what a user reads after a rule to fix the cell (closest value, the other lines of a group…)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.colonnes import LIGNE, Table
from flux_dash.validation.catalogue import (
    ANNEE_CONSTRUCTION_MIN,
    MOIS_APRES_DISPONIBILITE,
    MOIS_AVANT_DISPONIBILITE,
    Code,
)
from flux_dash.validation.commun import est_dans, libelle_commune, lignes_fr, valeur_fr


def _code_et_libelle(categorie: ref.Categorie, code: str) -> str:
    return code if categorie.libelle(code) == code else f"{code} « {categorie.libelle(code)} »"


def _liste_admise(categorie: ref.Categorie) -> str:
    elements = [_code_et_libelle(categorie, c) for c in categorie.codes]
    return "Valeurs admises (le code ou son libellé) : " + " ; ".join(elements) + "."


def conseil_hors_liste(categorie: ref.Categorie, valeur: object) -> str:
    """The allowed values, after the closest one when the value looks like a typo of a code, label or alias."""
    alias = categorie.table_alias
    proches = difflib.get_close_matches(ref.normaliser_texte(str(valeur)), list(alias), n=1, cutoff=0.75)
    liste = _liste_admise(categorie)
    if not proches:
        return liste
    return f"Vouliez-vous dire {_code_et_libelle(categorie, alias[proches[0]])} ? {liste}"


def conseil_par_table(
    code: Code, table: Table, colonne: str, df: pd.DataFrame, annee_courante: int
) -> Callable[[np.ndarray], list[str]] | str | None:
    """The hint of a per-table rule: static text, or a function of the kept rows."""
    if code == Code.VALEUR_MANQUANTE:
        col = table.colonne(colonne)
        texte = f"Colonne obligatoire : {col.description}"
        return texte + (f" Exemple : {col.exemple}." if col.exemple else "")
    if code == Code.VALEUR_HORS_LISTE:
        categorie = table.colonne(colonne).categorie
        if categorie is None:
            return None
        return lambda index: par_valeur(df[colonne].to_numpy()[index], lambda v: conseil_hors_liste(categorie, v))
    if code == Code.ANNEE_HORS_BORNES:
        return f"Indiquez l'année d'achèvement, entre {ANNEE_CONSTRUCTION_MIN} et {annee_courante}."
    if code == Code.COMMUNE_INCONNUE:
        return lambda index: par_valeur(df["code_commune"].to_numpy()[index], _conseil_commune)
    if code == Code.DEPARTEMENT_INCONNU:
        return "Départements admis : " + ", ".join(f"{c} ({n})" for c, n in ref.DEPARTEMENTS_IDF.items()) + "."
    if code == Code.QPV_HORS_COMMUNE:
        return lambda index: par_valeur(df["code_qpv"].to_numpy()[index], _conseil_qpv)
    if code == Code.PERIMETRE_INCONNU:
        return lambda index: [_conseil_perimetre(t) for t in df["perimetre_type"].to_numpy()[index]]
    if code in (
        Code.DOUBLON_LOGEMENT,
        Code.DOUBLON_TOUR,
        Code.PLUSIEURS_ATTRIBUTIONS,
        Code.TOUR_APRES_ATTRIBUTION,
        Code.DISPONIBILITES_INCOHERENTES,
        Code.DATE_ATTRIBUTION_AVANT_ORIENTATION,
    ):
        return lambda index: _conseils_groupes(code, df, index)
    return None


def _conseil_commune(code: object) -> str:
    code = str(code)
    departement = code[:3] if code.startswith("97") else code[:2]
    francais = re.fullmatch(r"0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6]", departement) and departement != "20"
    if re.fullmatch(r"\d{5}|2[AB]\d{3}", code) and francais and departement not in ref.DEPARTEMENTS_IDF:
        return (
            f"Le code {code} désigne une commune hors Île-de-France : seules les communes d'Île-de-France sont admises."
        )
    if re.fullmatch(r"\d{5}", code):
        return (
            "Code INSEE inconnu en Île-de-France (COG 2026) : vérifiez qu'il ne s'agit pas d'un code postal "
            "(Saint-Denis : 93066, et non 93200)."
        )
    return "Indiquez le code INSEE à 5 chiffres de la commune (ex. 93066 pour Saint-Denis)."


def _conseil_qpv(code_qpv: object) -> str:
    q = ref.qpv()
    communes = q.loc[q["code_qpv"] == str(code_qpv), "code_insee"]
    lieux = ", ".join(libelle_commune(c) for c in sorted(set(communes)))
    return f"Le QPV {code_qpv} est situé à : {lieux}. Vérifiez le code QPV ou la commune."


def _conseil_perimetre(perimetre_type: object) -> str:
    attendu = {
        "DEPARTEMENT": "un code de département d'Île-de-France (" + ", ".join(ref.DEPARTEMENTS_IDF) + ")",
        "EPCI_EPT": "le SIREN à 9 chiffres d'un EPCI ou EPT d'Île-de-France (ex. 200057875 pour Plaine Commune)",
        "COMMUNE": "le code INSEE à 5 chiffres d'une commune d'Île-de-France (ex. 93066)",
    }.get(str(perimetre_type), "un code de périmètre")
    return f"Indiquez {attendu}."


def _conseils_groupes(code: Code, df: pd.DataFrame, index: np.ndarray) -> list[str]:
    """Hints that list the other lines of the same group (duplicates, attributions of a logement…)."""
    lignes = df[LIGNE]
    sortie: list[str] = []
    if code == Code.DOUBLON_LOGEMENT:
        ids = df["id_logement"]
        concernes = est_dans(ids, ids.iloc[index])
        par_id = lignes[concernes].groupby(ids[concernes]).agg(list)
        for i in index:
            sortie.append(f"L'identifiant {ids.iat[i]} figure aux {lignes_fr(par_id[ids.iat[i]])}.")
    elif code in (Code.DOUBLON_TOUR, Code.PLUSIEURS_ATTRIBUTIONS, Code.TOUR_APRES_ATTRIBUTION):
        ids = df["id_logement"]
        concernes = est_dans(ids, ids.iloc[index])
        sous = df.loc[concernes]
        for i in index:
            ident, numero = ids.iat[i], df["numero_tour"].iat[i]
            du_logement = sous[sous["id_logement"] == ident]
            if code == Code.DOUBLON_TOUR:
                meme = du_logement.loc[du_logement["numero_tour"] == numero, LIGNE]
                sortie.append(f"Le tour {numero} du logement {ident} figure aux {lignes_fr(meme)}.")
            elif code == Code.PLUSIEURS_ATTRIBUTIONS:
                attr = du_logement.loc[(du_logement["issue"] == "ATTRIBUE").fillna(False), LIGNE]
                sortie.append(
                    f"Le logement {ident} est attribué aux {lignes_fr(attr)} : un logement n'est attribué qu'une fois."
                )
            else:
                attr = du_logement.loc[(du_logement["issue"] == "ATTRIBUE").fillna(False)]
                premier = attr.sort_values("numero_tour").iloc[0]
                sortie.append(
                    f"Le logement {ident} est attribué au tour {premier['numero_tour']} (ligne "
                    f"{premier[LIGNE]}) : supprimez ce tour ou corrigez son issue."
                )
    elif code == Code.DISPONIBILITES_INCOHERENTES:
        deps = df["code_departement"]
        for i in index:
            du_dep = df[(deps == deps.iat[i]).fillna(False) & df["disponibilites_prevues"].notna()]
            valeurs = "; ".join(
                f"{v} (ligne {ligne})" for v, ligne in zip(du_dep["disponibilites_prevues"], du_dep[LIGNE], strict=True)
            )
            sortie.append(f"Valeurs du département {deps.iat[i]} : {valeurs}.")
    elif code == Code.DATE_ATTRIBUTION_AVANT_ORIENTATION:
        for i in index:
            sortie.append(
                f"Date d'orientation : {valeur_fr(df['date_orientation'].iat[i])} ; la CALEOL décide "
                "après l'orientation."
            )
    return sortie


def par_valeur(valeurs: np.ndarray, conseil: Callable[[str], str]) -> list[str]:
    """One hint per row, computed once per distinct value."""
    deja: dict[str, str] = {}
    for v in valeurs:
        if v not in deja:
            deja[v] = conseil(v)
    return [deja[v] for v in valeurs]


def libelle_soustraction(code: object) -> str:
    return ref.SOUSTRACTIONS.libelle(str(code))


def conseil_reservataire(nom: str, admis: list[str], codes: dict[str, set[str]] | None = None) -> str:
    """Closest known names: difflib on normalised names, else the names sharing the most words — a name's words
    include its conventions' perimeter codes, so that « Prefecture 93 » finds the préfet of Seine-Saint-Denis."""
    codes = codes or {}
    normalises = {ref.normaliser_texte(a): a for a in admis}
    proches = [
        normalises[p] for p in difflib.get_close_matches(ref.normaliser_texte(nom), list(normalises), n=3, cutoff=0.6)
    ]
    if not proches:
        mots = set(_mots(nom))
        communs = sorted(
            ((len(mots & (set(_mots(a)) | codes.get(a, set()))), a) for a in admis), key=lambda x: (-x[0], x[1])
        )
        proches = [a for n, a in communs[:3] if n > 0 and n == communs[0][0]]
    if proches:
        return (
            "Noms proches : "
            + ", ".join(f"« {p} »" for p in proches)
            + ". Le nom doit être identique à celui de la feuille Conventions."
        )
    if len(admis) == 1:
        return "Aucune convention n'est déclarée : ajoutez-la dans la feuille Conventions, ou indiquez « Bailleur »."
    liste = ", ".join(f"« {a} »" for a in admis[:10]) + ("…" if len(admis) > 10 else "")
    return f"Réservataires connus : {liste}. Ajoutez sa convention dans la feuille Conventions."


def _mots(texte: str) -> list[str]:
    return [
        m for m in (ref.normaliser_texte(x) for x in re.split(r"[\s\-–'’.,()]+", texte)) if len(m) > 2 or m.isdigit()
    ]


def conseil_delai(dispo: object) -> str:
    if pd.isna(dispo):
        return ""
    d = pd.Timestamp(dispo)
    debut = d - pd.DateOffset(months=MOIS_AVANT_DISPONIBILITE)
    fin = d + pd.DateOffset(months=MOIS_APRES_DISPONIBILITE)
    return (
        f"Date de disponibilité du logement : {valeur_fr(d)} ; orientation attendue entre le {valeur_fr(debut)} "
        f"et le {valeur_fr(fin)}. Vérifiez les deux dates."
    )
