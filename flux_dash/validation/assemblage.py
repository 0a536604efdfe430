"""Assembly: tables conformed, rules run, findings deduplicated, capped, formatted and sorted: :func:`valider`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.colonnes import DTYPES, LIGNE, PAR_NOM, TABLES, Table
from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION, DonneesLues, Probleme, RapportValidation
from flux_dash.regles import ReglesCalcul
from flux_dash.validation.catalogue import PRIORITE, Code, probleme
from flux_dash.validation.commun import Constat, entier_fr, est_dans, rangs, valeur_fr
from flux_dash.validation.croises import CODES_ANNEE, controles_annee, controles_croises
from flux_dash.validation.schemas import controles_par_table

MAX_PAR_REGLE = 1000
"""At most this many problems per rule and table; the rest is summarised in one line."""


_ORDRE_TABLES = {t.nom: i for i, t in enumerate(TABLES)}

COLONNES_RESERVATAIRE = {"tours": "reservataire", "conventions": "reservataire"}
"""Réservataire names are matched exactly after stripping spaces (FORMAT.md §1.2–1.3)."""


# --- Preparation of the tables ------------------------------------------------------------------------------


def _vide(table: Table) -> pd.DataFrame:
    df = pd.DataFrame({c.nom: pd.Series(dtype=DTYPES[c.genre]) for c in table.colonnes})
    df[LIGNE] = pd.Series(dtype="Int64")
    return df


def _conformer(
    donnees: DonneesLues,
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], list[Probleme], list[Constat]]:
    """Clean tables in the contract's dtypes (missing columns added as NA, réservataire names stripped).

    Returns (tables as given, tables for the checks — every table, empty when absent —, problems about missing
    tables/columns that reading did not already report, cells that could not be converted to the contract's
    dtype: only when the tables were not built by :mod:`flux_dash.lecture`, e.g. by hand in a notebook).
    """
    deja = {(p.table, p.colonne) for p in donnees.problemes if p.ligne is None}
    tables_lues = {p.table for p in donnees.problemes}
    donnees_ok: dict[str, pd.DataFrame] = {}
    toutes: dict[str, pd.DataFrame] = {}
    problemes: list[Probleme] = []
    constats: list[Constat] = []
    for table in TABLES:
        source = donnees.sources.get(table.nom, table.libelle)
        brut = donnees.tables.get(table.nom)
        if brut is None:
            toutes[table.nom] = _vide(table)
            if table.obligatoire and table.nom not in tables_lues:
                code = Code.TABLE_MANQUANTE
                conseil = f"{code.conseil} Colonnes attendues : {', '.join(table.noms)}."
                problemes.append(probleme(code, table=table.nom, source=source, conseil=conseil))
            continue
        df = brut.reset_index(drop=True).copy()
        if df.empty and table.nom in TABLES_NON_VIDES:
            problemes.append(probleme(Code.TABLE_VIDE, table=table.nom, source=source))
        for col in table.colonnes:
            cible = DTYPES[col.genre]
            if col.nom not in df.columns:
                df[col.nom] = pd.Series(pd.NA, index=df.index, dtype=cible) if cible != DTYPES["date"] else pd.NaT
                df[col.nom] = df[col.nom].astype(cible)
                if col.obligatoire and (table.nom, col.nom) not in deja:
                    code = Code.COLONNE_MANQUANTE
                    problemes.append(
                        probleme(
                            code,
                            table=table.nom,
                            source=source,
                            colonne=col.nom,
                            conseil=f"{code.conseil} {col.description}",
                        )
                    )
            elif str(df[col.nom].dtype) != cible:
                df[col.nom], illisibles = _convertir(df[col.nom], col.genre)
                if illisibles is not None:
                    constats.append(Constat(Code.TYPE_INVALIDE, table.nom, col.nom, *illisibles))
        if LIGNE not in df.columns:
            df[LIGNE] = pd.array(np.arange(len(df)) + 2, dtype="Int64")
        elif str(df[LIGNE].dtype) != "Int64":
            df[LIGNE] = df[LIGNE].astype("Int64")
        if table.nom in COLONNES_RESERVATAIRE:
            col = COLONNES_RESERVATAIRE[table.nom]
            noms = df[col].str.strip()
            df[col] = noms.mask(noms == "")
        donnees_ok[table.nom] = df
        toutes[table.nom] = df
    return donnees_ok, toutes, problemes, constats


def _convertir(s: pd.Series, genre: str) -> tuple[pd.Series, tuple[np.ndarray, str, str, np.ndarray] | None]:
    """A column in the contract's dtype; unconvertible cells become NA and are returned as
    (positions, hint, rule text, original values)."""
    cible = DTYPES[genre]
    try:
        return s.astype(cible), None
    except (TypeError, ValueError):
        pass
    if genre in ("entier", "nombre"):
        texte = s.astype("string").str.replace(",", ".", regex=False).str.strip()
        converti = pd.to_numeric(texte, errors="coerce").astype("Float64")
        if genre == "entier":
            converti = converti.where(converti.isna() | (converti == converti.round()))
        conseil = "Nombre attendu (virgule décimale acceptée)." if genre == "nombre" else "Nombre entier attendu."
        raison = "Nombre illisible" if genre == "nombre" else "Nombre entier attendu"
    elif genre == "date":
        converti = pd.to_datetime(s, errors="coerce", dayfirst=True, format="mixed")
        conseil = "Date attendue au format JJ/MM/AAAA."
        raison = "Date illisible"
    elif genre == "booleen":
        texte = s.astype("string").map(ref.normaliser_texte, na_action="ignore")
        converti = pd.Series(pd.NA, index=s.index, dtype="boolean")
        converti[est_dans(texte, frozenset(ref.BOOLEENS_VRAI))] = True
        converti[est_dans(texte, frozenset(ref.BOOLEENS_FAUX))] = False
        conseil = "Valeur attendue : oui ou non."
        raison = "Valeur oui/non non reconnue"
    else:
        converti = s.map(lambda v: v if pd.isna(v) else str(v)).astype(cible)
        conseil = ""
        raison = "Texte attendu"
    converti = converti.astype(cible)
    illisibles = rangs(s.notna().to_numpy() & converti.isna().to_numpy())
    valeurs = s.to_numpy(dtype=object)[illisibles]
    return converti, (illisibles, conseil, Code.TYPE_INVALIDE.regle(raison=raison), valeurs) if len(
        illisibles
    ) else None


TABLES_NON_VIDES = frozenset({"logements"})
"""Tables without which no bilan means anything: a header with no row is an error (an empty ``tours`` only leaves
logements non orientés, reported as such)."""

COLONNES_LUES: dict[str, frozenset[tuple[str, str]]] = {
    Code.LOGEMENT_INCONNU: frozenset({("logements", "id_logement")}),
    Code.RESERVATAIRE_INCONNU: frozenset({("conventions", "reservataire")}),
    Code.NON_ORIENTE: frozenset({("tours", "id_logement")}),
    Code.SOUSTRAIT_ORIENTE: frozenset({("logements", "id_logement"), ("conventions", "reservataire")}),
    Code.ORIENTATION_HORS_PERIMETRE: frozenset(
        {
            ("logements", "id_logement"),
            ("conventions", "reservataire"),
            ("conventions", "perimetre_type"),
            ("conventions", "perimetre_code"),
        }
    ),
}
"""Cross-table rules → the columns of OTHER tables they read: silenced when one of those columns is absent from
the file (the missing column is the one error, not one line per row of another table)."""

CODES_VALEUR_MANQUANTE = (Code.VALEUR_MANQUANTE, Code.DATE_ATTRIBUTION_MANQUANTE)
"""Rules about empty cells: silenced on a column where reading reported unreadable values in bulk."""


def _colonnes_signalees(donnees: DonneesLues) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(table, column) pairs reported as a whole by reading.

    First set: columns absent from the file — none of their cells is reported. Second set: columns with a
    summary of unreadable values ("… et N autres valeurs illisibles"): those cells are NA, so their emptiness is
    not reported again.
    """
    absentes = {(p.table, p.colonne) for p in donnees.problemes if p.code == Code.COLONNE_MANQUANTE}
    for nom, df in donnees.tables.items():
        if nom in PAR_NOM:
            absentes |= {(nom, c) for c in PAR_NOM[nom].noms if c not in df.columns}
    resumees = {
        (p.table, p.colonne) for p in donnees.problemes if p.ligne is None and p.colonne and p.gravite == ERREUR
    }
    return absentes, resumees - absentes


# --- Assembly: dedupe, cap, format, sort ---------------------------------------------------------------------


def _retenir(
    constats: list[Constat],
    tables: dict[str, pd.DataFrame],
    donnees: DonneesLues,
    signalees: tuple[set[tuple[str, str]], set[tuple[str, str]]],
) -> tuple[list[Probleme], list[Probleme]]:
    """Findings → problems: drop cells already reported, one error per cell, cap each rule, format kept rows."""
    absentes, resumees = signalees
    constats = sorted(
        (
            c
            for c in constats
            if len(c.index)
            and (c.table, c.colonne) not in absentes
            and not (COLONNES_LUES.get(c.code, frozenset()) & absentes)
            and not ((c.table, c.colonne) in resumees and c.code in CODES_VALEUR_MANQUANTE)
        ),
        key=lambda c: PRIORITE[c.code],
    )
    if not constats:
        return [], []
    # Cells are integer keys (table, column, line), so that dedupe and cap stay vectorised on a million rows.
    noms_colonnes = sorted({c.colonne for c in constats} | {p.colonne for p in donnees.problemes})
    num_colonne = {nom: i for i, nom in enumerate(noms_colonnes)}

    def cle(table: str, colonne: str, lignes: np.ndarray) -> np.ndarray:
        base = (_ORDRE_TABLES.get(table, len(TABLES)) * len(noms_colonnes) + num_colonne[colonne]) << 36
        return base + lignes.astype(np.int64)

    morceaux = []
    for k, c in enumerate(constats):
        lignes = tables[c.table][LIGNE].to_numpy(dtype=np.int64, na_value=0)[c.index]
        morceaux.append(
            pd.DataFrame(
                {
                    "k": k,
                    "pos": np.arange(len(c.index)),
                    "groupe": _ORDRE_TABLES[c.table] * len(Code) + PRIORITE[c.code],
                    "ligne": lignes,
                    "cellule": cle(c.table, c.colonne, lignes),
                    "erreur": Code(c.code).gravite == ERREUR,
                }
            )
        )
    f = pd.concat(morceaux, ignore_index=True)
    lues = [
        cle(p.table, p.colonne, np.array([p.ligne]))[0]
        for p in donnees.problemes
        if p.ligne is not None and p.gravite == ERREUR and p.table in _ORDRE_TABLES
    ]
    if lues:
        f = f[~np.isin(f["cellule"].to_numpy(), np.array(lues, dtype=np.int64))]
    erreurs = f[f["erreur"]].drop_duplicates("cellule", keep="first")
    avertissements = f[~f["erreur"]].drop_duplicates(["cellule", "groupe"], keep="first")
    avertissements = avertissements[~np.isin(avertissements["cellule"].to_numpy(), erreurs["cellule"].to_numpy())]
    f = pd.concat([erreurs, avertissements], ignore_index=True)
    f = f.sort_values(["groupe", "ligne", "k", "pos"], kind="stable")
    f["_rang"] = f.groupby("groupe").cumcount()
    gardes = f[f["_rang"] < MAX_PAR_REGLE]
    depasse = f[f["_rang"] >= MAX_PAR_REGLE].groupby("k").size()

    sources = donnees.sources
    problemes: list[Probleme] = []
    for k, g in gardes.groupby("k", sort=True):
        c = constats[int(k)]
        code = Code(c.code)
        index = c.index[g["pos"].to_numpy()]
        df = tables[c.table]
        if c.valeurs is not None:
            valeurs = c.valeurs[g["pos"].to_numpy()]
        else:
            valeurs = df[c.colonne].to_numpy(dtype=object)[index]
        if callable(c.conseil):
            conseils = c.conseil(index)
        else:
            conseils = [c.conseil if c.conseil is not None else code.conseil] * len(index)
        source = sources.get(c.table, PAR_NOM[c.table].libelle)
        for ligne, v, conseil in zip(df[LIGNE].to_numpy()[index], valeurs, conseils, strict=True):
            problemes.append(
                Probleme(
                    code.gravite,
                    code.value,
                    c.regle or code.regle(),
                    c.table,
                    source,
                    None if pd.isna(ligne) else int(ligne),
                    c.colonne,
                    valeur_fr(v),
                    conseil,
                )
            )
    resumes: list[Probleme] = []
    en_trop: dict[tuple[str, str], tuple[int, str]] = {}
    for k, n in depasse.items():
        c = constats[int(k)]
        deja, regle = en_trop.get((c.table, c.code), (0, c.regle or Code(c.code).regle()))
        en_trop[(c.table, c.code)] = (deja + int(n), regle)
    for (table, code), (n, regle) in en_trop.items():
        resumes.append(
            Probleme(
                Code(code).gravite,
                Code(code).value,
                f"… et {entier_fr(n)} autres lignes : {regle}",
                table,
                sources.get(table, PAR_NOM[table].libelle),
                conseil=f"Seules les {entier_fr(MAX_PAR_REGLE)} premières lignes sont listées pour cette règle.",
            )
        )
    return problemes, resumes


def _cle_tri(p: Probleme, resume: bool = False) -> tuple:
    table = PAR_NOM.get(p.table)
    ordre_col = (
        table.noms.index(p.colonne)
        if table is not None and p.colonne in table.noms
        else len(table.noms)
        if table
        else 0
    )
    return (
        _ORDRE_TABLES.get(p.table, -1),
        resume,
        -1 if p.ligne is None else p.ligne,
        ordre_col,
        p.colonne,
        PRIORITE.get(p.code, -1),
        p.code,
    )


def _trier(problemes: list[Probleme]) -> list[Probleme]:
    """Sorted by table, line, column, rule; a summary (« … et N autres ») after the lines it continues."""
    cles = [(_cle_tri(p, p.ligne is None and p.regle.startswith("…")), i, p) for i, p in enumerate(problemes)]
    return [p for _, _, p in sorted(cles, key=lambda x: (x[0], x[1]))]


def _avec_source(p: Probleme, sources: dict[str, str]) -> Probleme:
    return p if p.source else dataclasses.replace(p, source=sources.get(p.table, PAR_NOM[p.table].libelle))


# --- Public API -----------------------------------------------------------------------------------------------


def annee_par_defaut(tables: dict[str, pd.DataFrame]) -> int:
    """The bilan year n by default: the year with the most ``date_disponibilite`` (ties → the latest).

    Without any date, the previous calendar year (bilans are due by 28 February for year n−1, DOMAINE.md §1).
    """
    logements = tables.get("logements")
    if logements is not None and "date_disponibilite" in logements.columns:
        dates = logements["date_disponibilite"]
        if pd.api.types.is_datetime64_any_dtype(dates):
            comptes = ReglesCalcul().annee_de(dates).dropna().astype(int).value_counts()
            if len(comptes):
                return int(max(comptes.items(), key=lambda kv: (kv[1], kv[0]))[0])
    return dt.date.today().year - 1


def valider(donnees: DonneesLues, annee: int | None = None) -> RapportValidation:
    """Check clean tables against FORMAT.md §1.5 and return the report (never raises on bad data).

    The report holds every rule that does not depend on the bilan year; ``annee`` given, the warnings of that
    year are added (:func:`pour_annee`: the same as calling it afterwards). Reading problems in
    ``donnees.problemes`` are carried over with their gravity; a cell they already report is not reported again.
    """
    tables_rendues, tables, manquants, illisibles = _conformer(donnees)
    constats = illisibles + controles_par_table(tables, dt.date.today().year)
    croises, globaux = controles_croises(tables, set(tables_rendues))
    constats += croises
    problemes, resumes = _retenir(constats, tables, donnees, _colonnes_signalees(donnees))
    sources = dict(donnees.sources)
    tous = [*donnees.problemes, *manquants, *(_avec_source(p, sources) for p in globaux), *problemes, *resumes]
    rapport = RapportValidation(
        ok=not any(p.gravite == ERREUR for p in tous),
        tables=tables_rendues,
        erreurs=_trier([p for p in tous if p.gravite == ERREUR]),
        avertissements=_trier([p for p in tous if p.gravite == AVERTISSEMENT]),
        informations=_trier([p for p in tous if p.gravite == INFORMATION]),
        sources=sources,
        fichiers=list(donnees.fichiers),
    )
    return rapport if annee is None else pour_annee(rapport, annee)


def controler_annee(
    tables: dict[str, pd.DataFrame],
    annee: int,
    regles: ReglesCalcul | None = None,
    *,
    signales: Sequence[Probleme] = (),
    sources: dict[str, str] | None = None,
) -> list[Probleme]:
    """The warnings of bilan year n (:data:`~flux_dash.validation.croises.CODES_ANNEE`) on the clean tables of a
    report (``rapport.tables``), sorted. Cheap (no reading, no schema): the application runs it when the user
    picks another year. ``signales``: the problems already reported (a cell with an error gets no warning, a
    column reported missing is not checked); ``sources``: the sheet or file name of each table.
    """
    regles = regles or ReglesCalcul()
    sources = dict(sources or {})
    toutes = {t.nom: tables[t.nom] if t.nom in tables else _vide(t) for t in TABLES}
    deja = DonneesLues(tables=dict(tables), sources=sources, problemes=list(signales))
    constats, globaux = controles_annee(toutes, annee, set(tables), regles)
    problemes, resumes = _retenir(constats, toutes, deja, _colonnes_signalees(deja))
    return _trier([*(_avec_source(p, sources) for p in globaux), *problemes, *resumes])


def pour_annee(rapport: RapportValidation, annee: int, regles: ReglesCalcul | None = None) -> RapportValidation:
    """The report with the warnings of year ``annee`` in place of those of the year it was completed for."""
    autres = [p for p in rapport.avertissements if p.code not in CODES_ANNEE]
    annuels = controler_annee(rapport.tables, annee, regles, signales=rapport.erreurs, sources=rapport.sources)
    return dataclasses.replace(rapport, avertissements=_trier([*autres, *annuels]), annee=annee)


ETAPES_CHARGEMENT = ("lecture", "controles")
"""The stages of :func:`charger`, in order, as passed to its ``etape`` callback."""


def charger(
    fichiers: Sequence, annee: int | None = None, etape: Callable[[str], None] | None = None
) -> RapportValidation:
    """Read then validate (:func:`flux_dash.lecture.lire` then :func:`valider`) for year ``annee`` (None →
    :func:`annee_par_defaut` of the data). ``etape``, when given, is called with each name of
    :data:`ETAPES_CHARGEMENT` as that stage starts (a progress display; it changes nothing computed)."""
    from flux_dash.lecture import lire  # lazy: reading is an independent module

    signaler = etape or (lambda _nom: None)
    signaler("lecture")
    lues = lire(fichiers)
    signaler("controles")
    rapport = valider(lues)
    return pour_annee(rapport, annee_par_defaut(rapport.tables) if annee is None else annee)
