"""Per-table rules: the pandera schemas built from the columns and the référentiel, and their findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from flux_dash import referentiel as ref
from flux_dash.colonnes import DTYPES, LIGNE, TABLES, Table
from flux_dash.validation.catalogue import ANNEE_CONSTRUCTION_MIN, Code
from flux_dash.validation.commun import (
    Constat,
    codes_communes,
    codes_qpv,
    est_dans,
    paires_qpv_commune,
    perimetres_connus,
)
from flux_dash.validation.conseils import conseil_par_table

# --- Pandera schemas (per-table rules) ----------------------------------------------------------------------


def _entre(minimum: float | None, maximum: float | None) -> Callable[[pd.Series], pd.Series]:
    def controle(s: pd.Series) -> pd.Series:
        ok = pd.Series(True, index=s.index)
        if minimum is not None:
            ok &= (s >= minimum).fillna(True)
        if maximum is not None:
            ok &= (s <= maximum).fillna(True)
        return ok

    return controle


def _parmi(valeurs: Callable[[], frozenset[str]] | frozenset[str]) -> Callable[[pd.Series], pd.Series]:
    def controle(s: pd.Series) -> pd.Series:
        admis = valeurs() if callable(valeurs) else valeurs
        return s.isna() | est_dans(s, admis)

    return controle


def _controles_colonnes(
    annee_courante: int,
) -> dict[tuple[str, str], list[tuple[Code, Callable[[pd.Series], pd.Series]]]]:
    """Column rules beyond category lists and required values: (table, column) → [(rule code, check)]."""
    return {
        ("logements", "code_commune"): [(Code.COMMUNE_INCONNUE, _parmi(codes_communes))],
        ("logements", "code_qpv"): [(Code.QPV_INCONNU, _parmi(codes_qpv))],
        ("logements", "annee_construction"): [(Code.ANNEE_HORS_BORNES, _entre(ANNEE_CONSTRUCTION_MIN, annee_courante))],
        ("tours", "numero_tour"): [(Code.NUMERO_TOUR_INVALIDE, _entre(1, None))],
        ("conventions", "taux"): [(Code.TAUX_HORS_BORNES, _entre(0, 100))],
        ("previsionnel", "code_departement"): [(Code.DEPARTEMENT_INCONNU, _parmi(frozenset(ref.DEPARTEMENTS_IDF)))],
        ("previsionnel", "nombre_prevu"): [(Code.NOMBRE_NEGATIF, _entre(0, None))],
        ("previsionnel", "disponibilites_prevues"): [(Code.NOMBRE_NEGATIF, _entre(0, None))],
    }


# Row-level rules that read several columns: rule code → (table, reported column, check returning True = ok).


def _qpv_dans_commune(df: pd.DataFrame) -> pd.Series:
    connus = est_dans(df["code_qpv"], codes_qpv()) & est_dans(df["code_commune"], codes_communes())
    paire = est_dans(df["code_qpv"] + "|" + df["code_commune"], paires_qpv_commune())
    return (~connus | paire).fillna(True).astype(bool)


def _qpv_coherent(df: pd.DataFrame) -> pd.Series:
    return ~(df["code_qpv"].notna() & (df["qpv"] == False)).fillna(False).astype(bool)  # noqa: E712 (nullable)


def _tour_unique(df: pd.DataFrame) -> pd.Series:
    cles = df["id_logement"].notna() & df["numero_tour"].notna()
    return ~(cles & df.duplicated(["id_logement", "numero_tour"], keep=False))


def _attribution_datee(df: pd.DataFrame) -> pd.Series:
    return ~((df["issue"] == "ATTRIBUE").fillna(False) & df["date_attribution"].isna())


def _attribution_apres_orientation(df: pd.DataFrame) -> pd.Series:
    return ~(df["date_attribution"] < df["date_orientation"]).fillna(False).astype(bool)


def _attributions(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int]:
    """(row is an ATTRIBUE tour of a known logement, integer code of each row's id_logement (-1 = NA), number of
    codes): grouping on integer codes instead of the Arrow text (two rules, 400 000 tours)."""
    attribue = ((df["issue"] == "ATTRIBUE").fillna(False) & df["id_logement"].notna()).to_numpy(dtype=bool)
    codes, uniques = pd.factorize(df["id_logement"])
    return attribue, codes, len(uniques)


def _numero_attribution(df: pd.DataFrame) -> pd.Series:
    """Per row: the smallest numero_tour of an ATTRIBUE tour of the same logement (NA if none)."""
    attribue, codes, _ = _attributions(df)
    premier = df["numero_tour"][attribue].groupby(codes[attribue]).min()
    return pd.Series(premier.reindex(codes).array, index=df.index)


def _une_seule_attribution(df: pd.DataFrame) -> pd.Series:
    attribue, codes, n = _attributions(df)
    nombre = np.bincount(codes[attribue], minlength=n)
    plusieurs = np.zeros(len(df), dtype=bool)
    plusieurs[attribue] = nombre[codes[attribue]] > 1
    return pd.Series(~plusieurs, index=df.index)


def _rien_apres_attribution(df: pd.DataFrame) -> pd.Series:
    attribue = (df["issue"] == "ATTRIBUE").fillna(False)
    apres = (df["numero_tour"] > _numero_attribution(df)).fillna(False).astype(bool)
    return ~(apres & ~attribue)


def _perimetre_connu(df: pd.DataFrame) -> pd.Series:
    a_verifier = est_dans(df["perimetre_type"], frozenset(ref.PERIMETRES_CONVENTION)) & df["perimetre_code"].notna()
    connu = est_dans(df["perimetre_type"] + "|" + df["perimetre_code"], perimetres_connus())
    return ~(a_verifier & ~connu).fillna(False).astype(bool)


def _disponibilites_constantes(df: pd.DataFrame) -> pd.Series:
    nb = df.groupby("code_departement")["disponibilites_prevues"].transform("nunique")
    return ~((nb > 1) & df["disponibilites_prevues"].notna()).fillna(False).astype(bool)


CONTROLES_LIGNES: dict[Code, tuple[str, str, Callable[[pd.DataFrame], pd.Series]]] = {
    Code.QPV_HORS_COMMUNE: ("logements", "code_qpv", _qpv_dans_commune),
    Code.QPV_INCOHERENT: ("logements", "qpv", _qpv_coherent),
    Code.DOUBLON_TOUR: ("tours", "numero_tour", _tour_unique),
    Code.DATE_ATTRIBUTION_MANQUANTE: ("tours", "date_attribution", _attribution_datee),
    Code.DATE_ATTRIBUTION_AVANT_ORIENTATION: ("tours", "date_attribution", _attribution_apres_orientation),
    Code.PLUSIEURS_ATTRIBUTIONS: ("tours", "issue", _une_seule_attribution),
    Code.TOUR_APRES_ATTRIBUTION: ("tours", "numero_tour", _rien_apres_attribution),
    Code.PERIMETRE_INCONNU: ("conventions", "perimetre_code", _perimetre_connu),
    Code.DISPONIBILITES_INCOHERENTES: ("previsionnel", "disponibilites_prevues", _disponibilites_constantes),
}
"""Row-level rules reading several columns (pandera dataframe checks): code → (table, column reported, check)."""


def schema(table: Table, annee_courante: int | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one clean table (per-table rules of FORMAT.md §1.5).

    Check names are codes of :class:`~flux_dash.validation.catalogue.Code` (``not_nullable`` → ``valeur_manquante``, uniqueness of
    ``logements.id_logement`` → ``doublon_logement``). ``annee_courante`` bounds ``annee_construction``.
    """
    annee_courante = annee_courante or dt.date.today().year
    par_colonne = _controles_colonnes(annee_courante)
    colonnes: dict[str, pa.Column] = {}
    for col in table.colonnes:
        checks = []
        if col.categorie is not None:
            checks.append(pa.Check(_parmi(frozenset(col.categorie.codes)), name=Code.VALEUR_HORS_LISTE.value))
        checks += [pa.Check(f, name=code.value) for code, f in par_colonne.get((table.nom, col.nom), [])]
        colonnes[col.nom] = pa.Column(
            DTYPES[col.genre],
            checks,
            nullable=not col.obligatoire,
            unique=(table.nom, col.nom) == ("logements", "id_logement"),
            report_duplicates="all",
        )
    colonnes[LIGNE] = pa.Column("Int64", nullable=False)
    controles = [
        pa.Check(f, name=code.value, ignore_na=False) for code, (t, _, f) in CONTROLES_LIGNES.items() if t == table.nom
    ]
    return pa.DataFrameSchema(colonnes, checks=controles, coerce=False, strict=False, name=table.nom)


# --- Per-table rules: run pandera and turn its failure cases into findings ----------------------------------


def controles_par_table(tables: dict[str, pd.DataFrame], annee_courante: int) -> list[Constat]:
    constats: list[Constat] = []
    for table in TABLES:
        df = tables[table.nom]
        if df.empty:
            continue
        try:
            schema(table, annee_courante).validate(df, lazy=True)
            continue
        except pa.errors.SchemaErrors as erreurs:
            cas = erreurs.failure_cases
        cas = cas[cas["index"].notna()]
        for (check, colonne), groupe in cas.groupby(["check", "column"], sort=False, dropna=False):
            if check == "not_nullable":
                code = Code.VALEUR_MANQUANTE
            elif check == "field_uniqueness":
                code = Code.DOUBLON_LOGEMENT
            elif check in CONTROLES_LIGNES:
                code = Code(check)
                colonne = CONTROLES_LIGNES[code][1]
            elif check in set(Code):
                code = Code(check)
            else:  # a dtype failure: the tables were conformed, so this is a programming error
                raise TypeError(f"pandera: contrôle inattendu {check!r} sur {table.nom}.{colonne}")
            index = np.unique(groupe["index"].astype("int64").to_numpy())
            constats.append(
                Constat(
                    code,
                    table.nom,
                    str(colonne),
                    index,
                    conseil_par_table(code, table, str(colonne), df, annee_courante),
                )
            )
    # Dataframe-level checks report one row per column of each bad row: collapse them.
    fusion: dict[tuple[str, str, str], Constat] = {}
    for c in constats:
        cle = (c.code, c.table, c.colonne)
        if cle in fusion:
            fusion[cle].index = np.union1d(fusion[cle].index, c.index)
        else:
            fusion[cle] = c
    return list(fusion.values())
