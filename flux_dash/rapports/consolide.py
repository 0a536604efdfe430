"""The consolidated view of one territory shared by the EPCI/EPT and État trames (DOMAINE.md §5.2–§5.4): flux of
the territory, matrix of every holder (Bailleur included), the same by commune, soustraits by category and
commune, the territory's indicators, and a prévisionnel sheet.

Small-cell masking (DOMAINE.md §6) applies to these documents only, when the options ask for it.
"""

from __future__ import annotations

import pandas as pd

from flux_dash import excel
from flux_dash.calculs import Bilan
from flux_dash.excel import Classeur, Feuille
from flux_dash.rapports import commun as c
from flux_dash.rapports.commun import OptionsRapports

COLONNES_FLUX = [
    "perimetre_libelle",
    "disponibilites",
    "soustraits",
    "flux",
    "flux_en_qpv",
    "flux_hors_qpv",
    "relogements_realises",
    "attributions",
]
COLONNES_MATRICE = [
    "reservataire",
    "categorie_libelle",
    "logements_proposes",
    "part_flux_orientations",
    "logements_attribues",
    "part_attributions",
    "attribues_en_qpv",
    "attribues_hors_qpv",
    "attribues_prioritaires",
    "attribues_dalo",
    "attribues_premier_quartile",
]
NOTES_MATRICE = [
    "Une ligne par attributaire ayant un tour ou une convention sur le territoire, bailleur compris. Part du flux = "
    "logements proposés ÷ flux (un logement orienté vers deux réservataires compte pour les deux : le total peut "
    "dépasser 100 %). Part des attributions = attribués ÷ attributions de tous les attributaires (total 100 %).",
    "Prioritaires, DALO et 1er quartile : colonnes facultatives des tours ; « n.s. » si le fichier ne les donne pas.",
]


def notes_masquage(options: OptionsRapports) -> list[str]:
    return [c.NOTE_MASQUAGE] if options.masquer_petits_effectifs else []


def _perimetre(ptype: str, pcode: str) -> list[tuple[str, str]]:
    return [(ptype, pcode)]


def feuille_synthese(
    wb: Classeur, bilan: Bilan, options: OptionsRapports, ptype: str, pcode: str, titre: str, destinataire: str
) -> None:
    """Flux of the territory and the matrix of holders, with a bar chart of proposés and attribués."""
    masquer = options.masquer_petits_effectifs
    ws = c.nouvelle_feuille(wb, "Synthèse")
    debut = c.bloc_titre(ws, titre, bilan, options.bailleur, destinataire)
    flux = c.du_perimetre(bilan.flux, _perimetre(ptype, pcode))
    _, ligne = c.ecrire_section(
        ws,
        debut,
        f"Flux annuel {bilan.annee} du territoire",
        c.selection(flux, COLONNES_FLUX),
        [
            "Disponibilités : logements dont la date de disponibilité tombe en n. Flux = disponibilités − soustraits. "
            "Attributions : logements non soustraits attribués en n, tous attributaires.",
            *notes_masquage(options),
        ],
        masquer=masquer,
    )
    matrice = _matrice(bilan, _perimetre(ptype, pcode))
    plage, ligne = c.ecrire_section(
        ws,
        ligne,
        "Bilan consolidé par réservataire",
        c.selection(matrice, COLONNES_MATRICE),
        [*NOTES_MATRICE, c.NOTE_NS, *notes_masquage(options)],
        masquer=masquer,
    )
    if len(matrice) and not masquer:
        excel.ajouter_graphique_barres(
            ws,
            plage,
            "Logements proposés et attribués par réservataire",
            f"A{ligne}",
            colonnes=[
                plage.premiere_colonne + COLONNES_MATRICE.index("logements_proposes"),
                plage.premiere_colonne + COLONNES_MATRICE.index("logements_attribues"),
            ],
            horizontal=True,
            titre_axe="Logements",
            format_axe=excel.FORMAT_ENTIER,
            hauteur_cm=max(8.0, 1.4 * len(matrice) + 4),
            largeur_cm=20,
            categories_inversees=True,  # bars in the table's order, top to bottom
        )
    c.finir_feuille(ws, f"A{debut}")


def _matrice(bilan: Bilan, perimetres: list[tuple[str, str]]) -> pd.DataFrame:
    matrice = c.du_perimetre(bilan.consolidation, perimetres)
    matrice["categorie_libelle"] = matrice["categorie"].map(c.categorie_libelle) if len(matrice) else []
    return matrice


def feuille_communes(
    wb: Classeur, bilan: Bilan, options: OptionsRapports, ptype: str, pcode: str, destinataire: str
) -> None:
    """Two sheets: the flux of every commune of the territory, and the holders' matrix by commune."""
    masquer = options.masquer_petits_effectifs
    communes = c.communes_de(bilan, ptype, pcode)

    ws = c.nouvelle_feuille(wb, "Flux par commune")
    debut = c.bloc_titre(ws, f"Flux annuel {bilan.annee} par commune", bilan, options.bailleur, destinataire)
    flux = c.du_perimetre(bilan.flux, communes).rename(columns={"perimetre_libelle": "commune"})
    flux["code_commune"] = flux["perimetre_code"] if len(flux) else []
    colonnes = ["commune", "code_commune", *COLONNES_FLUX[1:]]
    c.ecrire_section(
        ws,
        debut,
        "Communes du territoire où le bailleur a des logements",
        c.selection(flux, colonnes),
        [
            "Mêmes définitions que la synthèse, commune par commune (Paris : ensemble des arrondissements).",
            *notes_masquage(options),
        ],
        masquer=masquer,
        filtre=True,
    )
    c.finir_feuille(ws, f"C{debut + 2}", (debut + 1, debut + 1))

    ws = c.nouvelle_feuille(wb, "Réservataires par commune")
    debut = c.bloc_titre(
        ws, f"Bilan consolidé {bilan.annee} par commune et réservataire", bilan, options.bailleur, destinataire
    )
    matrice = _matrice(bilan, communes).rename(columns={"perimetre_libelle": "commune"})
    c.ecrire_section(
        ws,
        debut,
        "Matrice réservataires × indicateurs, commune par commune",
        c.selection(matrice, ["commune", *COLONNES_MATRICE]),
        [*NOTES_MATRICE, c.NOTE_NS, *notes_masquage(options)],
        masquer=masquer,
        filtre=True,
    )
    c.finir_feuille(ws, f"C{debut + 2}", (debut + 1, debut + 1))


def feuille_soustraits(
    wb: Classeur, bilan: Bilan, options: OptionsRapports, ptype: str, pcode: str, destinataire: str
) -> None:
    """Soustraits and relogements réalisés by category, for the territory then each commune (communes: only the
    categories with at least one logement)."""
    ws = c.nouvelle_feuille(wb, "Soustraits")
    debut = c.bloc_titre(ws, f"Logements soustraits du flux {bilan.annee}", bilan, options.bailleur, destinataire)
    colonnes = ["perimetre_libelle", "categorie_soustraction_libelle", "soustraits", "relogements_realises"]
    territoire = c.du_perimetre(bilan.soustraits, _perimetre(ptype, pcode))
    communes = c.du_perimetre(bilan.soustraits, c.communes_de(bilan, ptype, pcode))
    if len(communes):
        communes = communes[(communes["soustraits"] > 0) | (communes["relogements_realises"] > 0)]
    table = pd.concat([territoire, communes], ignore_index=True)
    table = table.rename(columns={"categorie_libelle": "categorie_soustraction_libelle"})
    c.ecrire_section(
        ws,
        debut,
        "Soustraits par catégorie : territoire, puis communes",
        c.selection(table, colonnes),
        [
            "Soustraits : logements disponibles en n portant une catégorie de soustraction (art. R. 441-5 CCH). "
            "Relogements réalisés : logements soustraits attribués en n. Communes : catégories sans logement omises.",
            *notes_masquage(options),
        ],
        masquer=options.masquer_petits_effectifs,
        filtre=True,
    )
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))


def table_indicateurs(indicateurs: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Indicators as shown: label, holder ("Ensemble du territoire" for perimeter-wide rows), figures, reference."""
    ind = c.avec_libelles(indicateurs)
    if len(ind):
        ind["reservataire"] = ind["reservataire"].where(ind["reservataire"] != "", "Ensemble du périmètre")
    colonnes = ["indicateur_libelle", "reservataire", "numerateur", "denominateur", "valeur", "cible", "lecture"]
    return c.selection(ind, colonnes), c.selection(ind, ["unite"])["unite"]


def ecrire_indicateurs(
    ws: Feuille,
    ligne: int,
    titre: str,
    indicateurs: pd.DataFrame,
    options: OptionsRapports,
    notes: list[str] | None = None,
) -> int:
    table, unites = table_indicateurs(indicateurs)
    if options.masquer_petits_effectifs and len(table):
        # A value computed from a masked numerator or denominator would give it back (a count is its own value).
        masque = c.petits(table["numerateur"]) | c.petits(table["denominateur"])
        texte = unites.map(lambda u: "< 5" if u == "nombre" else c.MASQUE)
        table["valeur"] = table["valeur"].astype(object).where(~masque, texte)
    plage, ligne = c.ecrire_section(
        ws,
        ligne,
        titre,
        table,
        [*(notes or []), c.NOTE_INDICATEURS, c.NOTE_NS, *notes_masquage(options)],
        masquer=options.masquer_petits_effectifs,
    )
    c.formater_indicateurs(ws, plage, table, unites)
    return ligne


def feuille_indicateurs(
    wb: Classeur,
    bilan: Bilan,
    options: OptionsRapports,
    ptype: str,
    pcode: str,
    destinataire: str,
    en_tete: tuple[str, ...] = (),
    titre_en_tete: str = "",
) -> None:
    """Every indicator of the territory; the codes ``en_tete`` first in their own table (CIA indicators)."""
    ws = c.nouvelle_feuille(wb, "Indicateurs")
    debut = c.bloc_titre(ws, f"Indicateurs {bilan.annee} du territoire", bilan, options.bailleur, destinataire)
    ind = c.du_perimetre(bilan.indicateurs, _perimetre(ptype, pcode))
    ligne = debut
    if en_tete:
        premiers = ind[ind["indicateur"].isin(en_tete)]
        ligne = ecrire_indicateurs(ws, ligne, titre_en_tete, premiers, options)
        ind = ind[~ind["indicateur"].isin(en_tete)]
    ecrire_indicateurs(ws, ligne, "Indicateurs du cadrage régional par attributaire", ind, options)
    c.finir_feuille(ws, f"A{debut}")


def perimetres_inclus(bilan: Bilan, ptype: str, pcode: str) -> list[tuple[str, str]]:
    """The perimeter itself, the EPCI/EPT wholly inside a département, then the communes inside it."""
    dedans = [(ptype, pcode)]
    if ptype == "DEPARTEMENT":
        p = bilan.perimetres
        epci = p[(p["perimetre_type"] == "EPCI_EPT") & (p["departements"] == pcode)]
        dedans += [("EPCI_EPT", code) for code in sorted(epci["perimetre_code"])]
    return dedans + c.communes_de(bilan, ptype, pcode)


def feuille_previsionnel(
    wb: Classeur, bilan: Bilan, options: OptionsRapports, ptype: str, pcode: str, destinataire: str
) -> None:
    """Prévisionnel n+1 of the territory (DOMAINE.md §5.4): flux prévisionnel, soustraits prévus by category beside
    the relogements réalisés of n, and the droits prévisionnels of the conventions on the territory or its
    communes."""
    n1 = bilan.annee + 1
    ws = c.nouvelle_feuille(wb, f"Prévisionnel {n1}")
    debut = c.bloc_titre(ws, f"Prévisionnel {n1} du territoire", bilan, options.bailleur, destinataire)
    perimetre = _perimetre(ptype, pcode)
    prev = c.du_perimetre(bilan.previsionnel, perimetre) if len(bilan.previsionnel) else bilan.previsionnel
    prev = c.avec_libelles(prev)
    _, ligne = c.ecrire_section(
        ws,
        debut,
        f"Flux prévisionnel {n1}",
        c.selection(
            prev,
            [
                "perimetre_libelle",
                "disponibilites_n",
                "disponibilites_prevues",
                "soustraits_prevus",
                "flux_previsionnel",
                "source_disponibilites_libelle",
            ],
        ),
        [
            "Flux prévisionnel = disponibilités prévues (à défaut, disponibilités de l'année n) − soustraits prévus. "
            "Un périmètre plus petit qu'un département reçoit une part de la prévision départementale au prorata de "
            "ses disponibilités de n.",
            c.NOTE_NS,
        ],
    )
    sous = bilan.previsionnel_soustraits
    sous = c.du_perimetre(sous, perimetre) if len(sous) else sous
    sous = sous.rename(columns={"categorie_libelle": "categorie_soustraction_libelle"})
    _, ligne = c.ecrire_section(
        ws,
        ligne,
        f"Soustraits prévus en {n1} et relogements réalisés en {bilan.annee}",
        c.selection(sous, ["categorie_soustraction_libelle", "soustraits_prevus", "relogements_realises_n"]),
        [
            "Soustraits prévus : table « previsionnel » du bailleur (art. R. 441-5 CCH). Relogements réalisés : "
            "logements soustraits attribués en n, par catégorie.",
            *notes_masquage(options),
        ],
        masquer=options.masquer_petits_effectifs,
    )
    droits = bilan.previsionnel_reservataires
    if len(droits):
        droits = c.du_perimetre(droits, perimetres_inclus(bilan, ptype, pcode))
        droits["categorie_libelle"] = droits["categorie"].map(c.categorie_libelle) if len(droits) else []
    c.ecrire_section(
        ws,
        ligne,
        f"Droits prévisionnels {n1} des conventions du territoire",
        c.selection(
            droits,
            [
                "reservataire",
                "categorie_libelle",
                "perimetre_libelle",
                "taux_convention",
                "flux_previsionnel",
                "droits_previsionnels",
            ],
        ),
        ["Droits prévisionnels = taux conventionnel × flux prévisionnel du périmètre de la convention ÷ 100."],
    )
    c.finir_feuille(ws, f"A{debut}")
