"""Trame "prévisionnel n+1" (DOMAINE.md §5.4, CCH R. 441-5, FORMAT.md §2.1): one workbook per réservataire with a
convention, ``previsionnel_{n+1}_reservataire_{slug}.xlsx``.

Sheets: Prévisionnel (flux prévisionnel and droits prévisionnels per convention perimeter), Soustraits prévus
(by category, beside the relogements réalisés of year n), Paramètres, Définitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash import excel
from flux_dash.calculs import Bilan
from flux_dash.rapports import commun as c
from flux_dash.rapports import donnees
from flux_dash.rapports import evolution as ev
from flux_dash.rapports import reservataire as res
from flux_dash.rapports.commun import OptionsRapports, RapportPrevu

GENRE = "previsionnel"
DOSSIER = "previsionnels"
DOCUMENT = "Prévisionnel réservataire"


def lister(bilan: Bilan, options: OptionsRapports) -> list[RapportPrevu]:
    noms = res.slugs(bilan)
    return [
        RapportPrevu(
            GENRE,
            r,
            f"previsionnel_{bilan.annee + 1}_reservataire_{noms[r]}.xlsx",
            DOSSIER,
            lambda r=r: classeur_previsionnel(bilan, r, options),
        )
        for r in res.reservataires_avec_convention(bilan)
    ]


TABLE_PREVISIONNEL = [
    "perimetre_libelle",
    "taux_convention",
    "disponibilites_n",
    "disponibilites_prevues",
    "soustraits_prevus",
    "flux_previsionnel",
    "droits_previsionnels",
    "source_disponibilites_libelle",
]
ESTIMATION = " (estimation : part de la prévision départementale)"
"""Said beside the base of a perimeter whose forecast is a prorated share of a département's (DOMAINE.md §5.4)."""
COMPTES_PREVUS = ["disponibilites_n", "disponibilites_prevues", "soustraits_prevus", "flux_previsionnel"]
"""Counts of logements: whole numbers shown without decimals, except a prorated estimate (one decimal)."""


def estimations(droits: pd.DataFrame) -> np.ndarray:
    """The engine's ``estimation`` flag of each row (a prorated share of a département's forecast), False when the
    column is absent or empty: read once, for the base's text and the number formats."""
    if "estimation" not in droits:
        return np.zeros(len(droits), dtype=bool)
    return droits["estimation"].fillna(False).astype(bool).to_numpy()


def formater_comptes(ws: excel.Feuille, plage: excel.Plage, estimation: np.ndarray) -> None:
    """Per-row formats of the forecast table: a perimeter's own forecast in whole logements (« 88 », not « 88.0 »),
    a prorated estimate (``estimation``, see :func:`estimations`) with one decimal (« 78,7 ») as its base column
    says (issue 10 item 5)."""
    colonnes = [nom for nom in COMPTES_PREVUS if nom in TABLE_PREVISIONNEL]
    for i, estime in enumerate(estimation):
        if estime:
            continue
        for nom in colonnes:
            cellule = ws.cellule(plage.premiere_ligne + 1 + i, plage.premiere_colonne + TABLE_PREVISIONNEL.index(nom))
            if cellule is not None and isinstance(cellule.valeur, int | float) and float(cellule.valeur).is_integer():
                cellule.format = c.ENTIER


def classeur_previsionnel(bilan: Bilan, reservataire: str, options: OptionsRapports | None = None) -> bytes:
    """The prévisionnel n+1 workbook of one réservataire, as ``.xlsx`` bytes."""
    options = options or OptionsRapports()
    n1 = bilan.annee + 1
    categorie = res.categorie_de(bilan, reservataire)
    destinataire = c.destinataire_reservataire(reservataire, categorie)
    perimetres = res.perimetres_de(bilan, reservataire)
    wb = c.nouveau_classeur()

    ws = c.nouvelle_feuille(wb, "Prévisionnel")
    debut = c.bloc_titre(
        ws,
        f"Prévisionnel {n1} de la gestion en flux – {reservataire}",
        bilan,
        options.bailleur,
        destinataire,
        prevision=True,
    )
    droits = bilan.previsionnel_reservataires
    if len(droits):
        droits = c.du_perimetre(droits, perimetres, reservataire)
        prev = bilan.previsionnel[
            [
                "perimetre_type",
                "perimetre_code",
                "disponibilites_n",
                "disponibilites_prevues",
                "soustraits_prevus",
                "source_disponibilites",
            ]
        ]
        droits = c.avec_libelles(droits.merge(prev, on=["perimetre_type", "perimetre_code"], how="left"))
        # No forecast saisie for the perimeter: nothing given (the flux uses the disponibilités of n), not « n.s. ».
        droits["disponibilites_prevues"] = c.non_renseigne(droits["disponibilites_prevues"])
        estimation = estimations(droits)
        droits["source_disponibilites_libelle"] = droits["source_disponibilites_libelle"].where(
            ~estimation, droits["source_disponibilites_libelle"] + ESTIMATION
        )
    plage, _ = c.ecrire_section(
        ws,
        debut,
        f"Flux et droits prévisionnels {n1} par périmètre de convention",
        c.selection(droits, TABLE_PREVISIONNEL),
        [
            f"Flux prévisionnel = disponibilités prévues pour {n1} (à défaut, disponibilités de {bilan.annee}) − "
            "soustraits prévus ; droits prévisionnels = taux conventionnel × flux prévisionnel ÷ 100.",
            "Un périmètre plus petit qu'un département reçoit une part de la prévision départementale au prorata de ses "
            f"disponibilités de {bilan.annee}.",
            c.NOTE_NS,
        ],
    )
    if len(droits):
        formater_comptes(ws, plage, estimation)
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))

    ws = c.nouvelle_feuille(wb, "Soustraits prévus")
    debut = c.bloc_titre(
        ws,
        f"Soustraits prévus en {n1} et relogements réalisés en {bilan.annee}",
        bilan,
        options.bailleur,
        destinataire,
        prevision=True,
    )
    sous = bilan.previsionnel_soustraits
    sous = c.du_perimetre(sous, perimetres) if len(sous) else sous
    sous = sous.rename(columns={"categorie_libelle": "categorie_soustraction_libelle"})
    c.ecrire_section(
        ws,
        debut,
        "Par périmètre de convention et catégorie de soustraction",
        c.selection(
            sous, ["perimetre_libelle", "categorie_soustraction_libelle", "soustraits_prevus", "relogements_realises_n"]
        ),
        [
            "Soustraits prévus : prévision du bailleur par catégorie d'opération (art. R. 441-5 CCH). Relogements "
            f"réalisés : logements soustraits attribués en {bilan.annee} au titre de ces opérations."
        ],
        filtre=True,
    )
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))

    ev.ajouter_evolution(wb, bilan, options, destinataire, reservataire=reservataire, perimetres=perimetres)
    lignes = donnees.lignes_du_reservataire(bilan, reservataire, perimetres)
    return c.terminer(wb, bilan, options, destinataire, f"{DOCUMENT} {n1}", lignes)
