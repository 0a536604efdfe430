"""The « Évolution » sheet every trame gains with ``flux-dash bilan … --precedent FICHIER`` (issue 10 item 6): the
recipient's key figures of n beside n−1 and the change, then last year's prévisionnel for n beside what n realised.
The figures come from :class:`flux_dash.consolidation.precedent.Comparaison`; this module only lays them out.
Each trame calls :func:`ajouter_evolution` just before :func:`~flux_dash.rapports.commun.terminer`; without a
previous file (``OptionsRapports.precedent`` None) nothing is added: the trames are as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from flux_dash import excel
from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan
from flux_dash.consolidation.precedent import Comparaison
from flux_dash.excel import Classeur
from flux_dash.rapports import commun as c

INDICATEURS_TECHNIQUES = ("tours", "tours_sans_designation", "delai_cumule_orientation_attribution")
"""Counts written in the file for the consolidation, not key figures of a trame."""
ENTETES = {
    "perimetre_libelle": "Périmètre",
    "categorie_libelle": "Catégorie",
    "reservataire": "Réservataire",
    "indicateur_libelle": "Indicateur",
    "valeur_n_1": "Année n−1",
    "valeur_n": "Année n",
    "evolution": "Évolution",
    "evolution_relative": "Évolution relative",
    "libelle": "Prévision",
    "modalite_libelle": "Catégorie de soustraction",
    "prevu": "Prévu l'an dernier pour n",
    "realise": "Réalisé en n",
    "ecart": "Écart (réalisé − prévu)",
    "ecart_relatif": "Écart relatif",
    "droits_theoriques": "Droits théoriques de n",
}
COMPTES_EVOLUTION = ("valeur_n_1", "valeur_n", "evolution")
ABSENT = "—"
"""A figure the file of that year does not have (not « n.s. »: nothing to divide, or not given)."""
COMPTES_PREVISIONNEL = ("prevu", "realise", "ecart", "droits_theoriques")
DECIMAUX = ("droits_theoriques", "ecart", "droits_previsionnels")
"""Counts of fractional logements (taux × flux): one decimal; every other count is shown as an integer."""


def _masquer(df: pd.DataFrame, comptes: tuple[str, ...], lignes: np.ndarray, seuil: int) -> pd.DataFrame:
    """Counts 1…seuil−1 of ``lignes`` (count rows) shown « < 5 »; a change computed from a masked count hidden
    too (it would give the count away), DOMAINE.md §6."""
    df = df.astype({col: object for col in comptes if col in df})
    valeurs = [col for col in comptes if col in df and col not in ("evolution", "ecart")]
    caches = np.zeros(len(df), dtype=bool)
    for col in valeurs:
        petit = c.petits(df[col], seuil).to_numpy() & lignes
        caches |= petit
        df.loc[petit, col] = f"< {seuil}"
    for col in ("evolution", "ecart", "evolution_relative", "ecart_relatif"):
        if col in df:
            df[col] = df[col].astype(object)
            df.loc[caches, col] = c.MASQUE
    return df


def _absents(table: pd.DataFrame, presence: np.ndarray) -> pd.DataFrame:
    """« — » for the year whose file lacks the figure, and for its change."""
    table = table.astype({col: object for col in (*COMPTES_EVOLUTION, "evolution_relative")})
    sans_n_1, sans_n = presence == "n", presence == "n−1"
    table.loc[sans_n_1, "valeur_n_1"] = ABSENT
    table.loc[sans_n, "valeur_n"] = ABSENT
    table.loc[sans_n_1 | sans_n, ["evolution", "evolution_relative"]] = ABSENT
    return table


def _formats_par_ligne(
    ws: excel.Feuille,
    plage: excel.Plage,
    table: pd.DataFrame,
    lignes: np.ndarray,
    colonnes: tuple[str, ...],
    format_: str,
) -> None:
    """``format_`` on the numeric cells of ``colonnes`` in the rows ``lignes`` of a table written at ``plage``."""
    noms = list(table.columns)
    for i in np.flatnonzero(lignes):
        for nom in colonnes:
            cellule = ws.cellule(plage.premiere_ligne + 1 + int(i), plage.premiere_colonne + noms.index(nom))
            if cellule is not None and isinstance(cellule.valeur, int | float):
                cellule.format = format_


def ajouter_evolution(
    wb: Classeur,
    bilan: Bilan,
    options: c.OptionsRapports,
    destinataire: str,
    *,
    consolide: bool = False,
    reservataire: str | None = None,
    perimetres: Sequence[tuple[str, str]] | None = None,
) -> None:
    """The « Évolution » sheet of one trame when ``options.precedent`` is given, restricted to its recipient
    (:meth:`~flux_dash.consolidation.precedent.Comparaison.selection`); small counts masked as in the trame
    (``consolide`` documents with ``options.masquer_petits_effectifs``)."""
    if options.precedent is None:
        return
    comparaison = options.precedent.selection(reservataire=reservataire, perimetres=perimetres)
    masquage = consolide and options.masquer_petits_effectifs
    feuille_evolution(wb, bilan, options, destinataire, comparaison, masquage)


def feuille_evolution(
    wb: Classeur, bilan: Bilan, options: c.OptionsRapports, destinataire: str, comparaison: Comparaison, masquage: bool
) -> None:
    """The « Évolution n−1-n » sheet of one trame (``comparaison`` already restricted to its recipient)."""
    n, n_1 = comparaison.annee, comparaison.annee_precedente
    ws = c.nouvelle_feuille(wb, f"Évolution {n_1}-{n}")
    sources = ", ".join(f"{f.nom} (sha256 {f.sha256[:12]}…)" for f in comparaison.fichiers)
    debut = c.bloc_titre(
        ws,
        f"Évolution {n_1} → {n}",
        bilan,
        options.bailleur,
        destinataire,
        [f"Année précédente : {n_1}, lue dans {sources}"],
    )
    seuil = bilan.regles.seuil_masquage

    e = comparaison.evolution
    e = e[~e["indicateur"].isin(INDICATEURS_TECHNIQUES)].reset_index(drop=True)
    e = e.assign(
        categorie_libelle=e["categorie"].map(ref.LIBELLES_COURTS_RESERVATAIRE).fillna("Ensemble du périmètre"),
        indicateur_libelle=e["libelle"],
    )
    colonnes = [
        "perimetre_libelle",
        "categorie_libelle",
        "reservataire",
        "indicateur_libelle",
        "valeur_n_1",
        "valeur_n",
        "evolution",
        "evolution_relative",
    ]
    table = c.selection(e, colonnes)
    comptes = (e["unite"] == "nombre").to_numpy()
    if masquage:
        table = _masquer(table, COMPTES_EVOLUTION, comptes, seuil)
    table = _absents(table, e["presence"].to_numpy())
    libelles = ENTETES | {"valeur_n_1": f"{n_1}", "valeur_n": f"{n}"}
    formats = {col: c.DROITS for col in COMPTES_EVOLUTION} | {"evolution_relative": c.PART}
    plage, ligne = c.ecrire_section(
        ws,
        debut,
        f"Chiffres clés en {n} et en {n_1}",
        table,
        [
            "Évolution : écart de logements pour un compte, écart de fractions pour une part (0,02 = 2 points) ; "
            "évolution relative : l'écart rapporté à l'année précédente, pour les comptes.",
            f"« {ABSENT} » : chiffre absent du fichier de cette année-là (réservataire nouveau ou renommé, périmètre "
            "sans logement, indicateur que la version de l'an dernier ne donnait pas).",
            c.NOTE_NS,
        ],
        formats=formats,
        libelles=libelles,
        filtre=True,
    )
    # Ratios as percentages (an evolution of a ratio is a difference of fractions: points); logements as integers.
    _formats_par_ligne(ws, plage, table, e["unite"].to_numpy() == "ratio", COMPTES_EVOLUTION, c.PART)
    entiers = comptes & ~e["indicateur"].isin(DECIMAUX).to_numpy()
    _formats_par_ligne(ws, plage, table, entiers, COMPTES_EVOLUTION, c.ENTIER)

    p = comparaison.previsionnel
    table = c.selection(
        p,
        [
            "perimetre_libelle",
            "libelle",
            "reservataire",
            "modalite_libelle",
            "prevu",
            "realise",
            "ecart",
            "ecart_relatif",
            "droits_theoriques",
        ],
    )
    if masquage:
        table = _masquer(table, COMPTES_PREVISIONNEL, np.ones(len(table), dtype=bool), seuil)
    table = table.astype({"droits_theoriques": object})
    table.loc[(p["mesure"] != "droits").to_numpy(), "droits_theoriques"] = ABSENT
    c.ecrire_section(
        ws,
        ligne,
        f"Prévisionnel {n_1} pour {n} et réalisé en {n}",
        table,
        [
            f"Prévu : le prévisionnel de l'année {n} du bilan {n_1} (flux prévisionnel, soustraits prévus, droits "
            f"prévisionnels de chaque réservataire) ; réalisé : le flux, les soustraits et les logements proposés "
            f"au réservataire en {n}.",
        ],
        formats={col: c.DROITS for col in COMPTES_PREVISIONNEL} | {"ecart_relatif": c.PART},
        libelles=ENTETES | {"libelle": "Prévision", "reservataire": "Réservataire"},
    )
    c.finir_feuille(ws, f"A{debut + 2}", (debut + 1, debut + 1))
