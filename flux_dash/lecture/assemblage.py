"""Assembling the clean tables: each raw table recognised, its headers mapped, its cells parsed (FORMAT.md §1).

This module owns :func:`lire`, the entry point: which raw table is which table of the format (sheet name first,
then columns), duplicate, missing and ignored columns, the vectorised parsing of each column (every distinct
value parsed once, taken back to the rows) and the problems found on the way.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from flux_dash import limites
from flux_dash import referentiel as ref
from flux_dash.colonnes import LIGNE, PAR_NOM, TABLES, Colonne, Table
from flux_dash.lecture.cellules import (
    CODES_TELS_QUELS,
    Illisible,
    colonne_vide,
    controler_cellule,
    en_texte,
    parseur,
)
from flux_dash.lecture.entetes import (
    LIGNES_EN_TETE_MAX,
    colonne_et_genre,
    conseil_entetes,
    nom_de_colonne,
    normaliser,
    table_par_colonnes,
    table_pour_feuille,
)
from flux_dash.lecture.fichiers import (
    Brut,
    lire_fichier,
    nom_et_octets,
    probleme_inattendu,
)
from flux_dash.problemes import DonneesLues, Probleme
from flux_dash.validation.catalogue import Code, probleme

MAX_PROBLEMES_PAR_COLONNE = 100
"""Unparsable cells listed one by one per (table, column); the rest are counted in one summary problem."""

LONGUEUR_VALEUR_MAX = limites.CARACTERES_VALEUR_CITEE
"""A bad value is quoted in its problem up to this many characters."""


def _associer_colonnes(brut: Brut, table: Table) -> dict[str, int]:
    """Canonical column → position in the raw table; records missing, duplicate and ignored columns."""
    par_colonne: dict[str, dict[str, list[int]]] = {}
    ignorees: list[int] = []
    for p, entete in enumerate(brut.entetes):
        if not normaliser(entete):
            if not brut.facteur(p)[2].all():
                ignorees.append(p)
            continue
        trouve = colonne_et_genre(entete, table.nom)
        if trouve:
            par_colonne.setdefault(trouve[0], {}).setdefault(trouve[1], []).append(p)
        else:
            ignorees.append(p)
    positions: dict[str, int] = {}
    doublons: dict[int, str] = {}  # synonym columns set aside because the exact header is present
    for colonne, trouve in par_colonne.items():
        candidats = trouve.get("exact") or trouve["synonyme"]
        positions[colonne] = candidats[0]
        if len(candidats) > 1:
            brut.problemes.append(
                probleme(
                    Code.COLONNE_EN_DOUBLE,
                    table=table.nom,
                    source=brut.source,
                    colonne=colonne,
                    conseil=f"Seule la première (« {brut.entetes[candidats[0]]} ») est lue ; supprimez ou renommez les autres.",
                    entetes=", ".join(f"« {brut.entetes[p]} »" for p in candidats),
                )
            )
        for p in trouve.get("synonyme", []):
            if p not in candidats:
                doublons[p] = colonne
    for p in sorted([*ignorees, *doublons]):
        entete = brut.entetes[p] or f"(colonne {p + 1} sans en-tête)"
        if p in doublons:
            raison = f"la colonne « {brut.entetes[positions[doublons[p]]]} » est lue comme {doublons[p]}"
        else:
            raison = "elle ne fait pas partie du format"
        brut.problemes.append(
            probleme(
                Code.COLONNE_IGNOREE,
                table=table.nom,
                source=brut.source,
                colonne=entete,
                conseil=conseil_entetes(table),
                raison=raison,
            )
        )
    for colonne in table.obligatoires:
        if colonne not in positions:
            brut.problemes.append(
                probleme(
                    Code.COLONNE_MANQUANTE,
                    table=table.nom,
                    source=brut.source,
                    colonne=colonne,
                    conseil=conseil_entetes(table),
                )
            )
    return positions


def _convertir(
    brut: Brut, p: int, garder: np.ndarray, c: Colonne
) -> tuple[pd.Series, np.ndarray, list[Illisible | None]]:
    """(clean column of the kept rows, index of each row in the distinct values, error of each distinct value)."""
    parser, dtype = parseur(c)
    serie = brut.valeurs[p]
    if (
        c.nom in CODES_TELS_QUELS
        and serie.dtype != object
        and not (serie[garder].str.len() > limites.CARACTERES_CELLULE).any()
    ):
        # Fast path for high-cardinality identifiers read from CSV (all text): strip, empty → NA.
        texte = serie[garder].str.strip()
        return texte.where(texte != "").astype("string").reset_index(drop=True), np.zeros(0, dtype=np.intp), []
    codes, uniques, _ = brut.facteur(p)
    codes = codes[garder]
    resultats: list[object] = []
    erreurs: list[Illisible | None] = []
    vide = pd.NaT if dtype.startswith("datetime") else pd.NA
    for v in [*uniques, None]:  # the last one stands for missing cells (code -1)
        try:
            controler_cellule(v, c.nom)
            resultats.append(parser(v))
            erreurs.append(None)
        except Illisible as e:
            resultats.append(vide)
            erreurs.append(e)
    if c.nom == "origine":
        resultats = ["ROTATION" if r is pd.NA else r for r in resultats]
    codes = np.where(codes < 0, len(uniques), codes)
    return pd.Series(pd.array(resultats, dtype=dtype).take(codes)), codes, erreurs


def _table_propre(brut: Brut, table: Table) -> pd.DataFrame:
    positions = _associer_colonnes(brut, table)
    garder = ~brut.lignes_vides()
    valeurs = brut.valeurs.loc[garder].reset_index(drop=True)
    lignes = brut.lignes[garder]
    n = len(valeurs)
    colonnes: dict[str, pd.Series] = {}
    for c in table.colonnes:
        if c.nom not in positions:
            colonnes[c.nom] = colonne_vide(c, n)
            continue
        serie, codes, erreurs = _convertir(brut, positions[c.nom], garder, c)
        colonnes[c.nom] = serie
        mauvais = np.array([e is not None for e in erreurs], dtype=bool)
        if mauvais.any():
            rangs = np.flatnonzero(mauvais[codes])
            for r in rangs[:MAX_PROBLEMES_PAR_COLONNE]:
                e = erreurs[codes[r]]
                assert e is not None
                brut.problemes.append(
                    probleme(
                        Code.TYPE_INVALIDE,
                        table=table.nom,
                        source=brut.source,
                        ligne=int(lignes[r]),
                        colonne=c.nom,
                        valeur=en_texte(valeurs.iat[r, positions[c.nom]])[:LONGUEUR_VALEUR_MAX],
                        conseil=e.conseil,
                        raison=e.regle[:1].upper() + e.regle[1:],  # a sentence, like validation's rules
                    )
                )
            if len(rangs) > MAX_PROBLEMES_PAR_COLONNE:
                reste = len(rangs) - MAX_PROBLEMES_PAR_COLONNE
                brut.problemes.append(
                    Probleme(
                        Code.TYPE_INVALIDE.gravite,
                        Code.TYPE_INVALIDE.value,
                        f"… et {reste:,} autres valeurs illisibles dans cette colonne".replace(",", "\u202f"),
                        table=table.nom,
                        source=brut.source,
                        colonne=c.nom,
                        conseil=erreurs[codes[rangs[0]]].conseil,  # type: ignore[union-attr]
                    )
                )
    if table.nom == "conventions":
        # A commune perimeter may be written with an arrondissement or a former code (FORMAT.md §1.1 mapping).
        correspondance = ref.correspondance_communes()
        code = colonnes["perimetre_code"]
        commune = colonnes["perimetre_type"].eq("COMMUNE").fillna(False).to_numpy(dtype=bool)
        colonnes["perimetre_code"] = code.where(
            ~commune, code.map(lambda x: correspondance.get(x, x), na_action="ignore")
        )
    df = pd.DataFrame(colonnes)
    df[LIGNE] = pd.array(lignes, dtype="Int64")
    return df


def lire(fichiers: Sequence[str | os.PathLike | tuple[str, bytes]]) -> DonneesLues:
    """Read one workbook and/or CSV files into the clean tables of FORMAT.md §1 (never raises on bad input).

    Each sheet or CSV file gives one table, recognised by its sheet name or else by its columns. Problems
    (unreadable file, unknown table, missing column, unparsable cell…) are returned in ``problemes``.
    """
    donnees = DonneesLues()
    if isinstance(fichiers, str | os.PathLike) or (
        isinstance(fichiers, tuple) and len(fichiers) == 2 and isinstance(fichiers[1], bytes | bytearray)
    ):
        fichiers = [fichiers]  # one file given alone, not in a list
    if not fichiers:
        donnees.problemes.append(probleme(Code.AUCUN_FICHIER))
        return donnees
    bruts: list[Brut] = []
    for fichier in fichiers:
        nom, contenu, illisible = nom_et_octets(fichier)
        if illisible is not None:
            donnees.problemes.append(illisible)
            continue
        donnees.fichiers.append((nom, hashlib.sha256(contenu).hexdigest()))
        try:
            bruts.extend(lire_fichier(nom, contenu, donnees.problemes))
        except Exception as e:  # noqa: BLE001 - FORMAT.md §2.3: no traceback reaches the user for any input
            donnees.problemes.append(probleme_inattendu(nom, e))

    # Sheets named after a table first, so that a sheet recognised only by its columns (the template's
    # drop-down lists, a copy) never takes the place of the sheet the user named.
    par_nom = {id(b): table_pour_feuille(b.source) if b.est_feuille else None for b in bruts}
    # A hidden sheet comes after every visible one: it is never preferred to a visible sheet (issue 12, row 3).
    ordre = sorted(bruts, key=lambda b: (b.masquee, par_nom[id(b)] is None))
    deja: dict[str, Brut] = {}
    for brut in ordre:
        table = par_nom[id(brut)] or table_par_colonnes(brut.entetes)
        lieu = f"la feuille « {brut.source} »" if brut.est_feuille else f"le fichier « {brut.source} »"
        if brut.masquee and table is not None:
            if table in deja:
                donnees.problemes.append(
                    probleme(
                        Code.FEUILLE_MASQUEE_IGNOREE,
                        source=brut.source,
                        feuille=brut.source,
                        table_lue=PAR_NOM[table].libelle,
                        visible=deja[table].source,
                    )
                )
                continue
            donnees.problemes.append(
                probleme(
                    Code.FEUILLE_MASQUEE_LUE,
                    source=brut.source,
                    feuille=brut.source,
                    table_lue=PAR_NOM[table].libelle,
                )
            )
        if brut.est_feuille and par_nom[id(brut)] is None and (table is None or table in deja):
            donnees.problemes.append(
                probleme(
                    Code.FEUILLE_IGNOREE,
                    source=brut.source,
                    conseil="Les feuilles lues sont " + ", ".join(f"« {t.libelle} »" for t in TABLES) + ".",
                    feuille=brut.source,
                )
            )
            continue
        if table is None:
            attendus = "; ".join(f"{t.libelle} : {', '.join(t.obligatoires)}" for t in TABLES)
            donnees.problemes.append(
                probleme(
                    Code.TABLE_NON_RECONNUE,
                    source=brut.source,
                    conseil=f"En-têtes obligatoires par table — {attendus}.",
                    lieu=lieu,
                )
            )
            continue
        t = PAR_NOM[table]
        if table in deja:
            donnees.problemes.append(
                probleme(
                    Code.TABLE_EN_DOUBLE,
                    table=table,
                    source=brut.source,
                    lieu=lieu[:1].upper() + lieu[1:],
                    premiere=deja[table].source,
                )
            )
            continue
        deja[table] = brut
        if not any(nom_de_colonne(e, table) for e in brut.entetes if e):
            donnees.problemes.append(
                probleme(
                    Code.ENTETES_INTROUVABLES,
                    table=table,
                    source=brut.source,
                    conseil=conseil_entetes(t),
                    lignes=LIGNES_EN_TETE_MAX,
                    lieu=lieu,
                )
            )
            continue
        try:
            donnees.tables[table] = _table_propre(brut, t)
        except Exception as e:  # noqa: BLE001 - FORMAT.md §2.3: no traceback reaches the user for any input
            donnees.problemes.append(probleme_inattendu(brut.source, e))
            continue
        donnees.sources[table] = brut.source
        donnees.problemes.extend(brut.problemes)

    trouvees = set(deja)
    for t in TABLES:
        if t.obligatoire and t.nom not in trouvees and (bruts or not donnees.problemes):
            donnees.problemes.append(
                probleme(
                    Code.TABLE_MANQUANTE,
                    table=t.nom,
                    conseil=f"Ajoutez une feuille « {t.libelle} » au classeur, ou un fichier CSV avec ses colonnes. "
                    + conseil_entetes(t),
                )
            )
    return donnees
