"""The consolidated view of one territory shared by the EPCI/EPT and État trames (DOMAINE.md §5.2–§5.4): flux of
the territory, matrix of every holder (Bailleur included), the same by commune, soustraits by category and
commune, the territory's indicators, and a prévisionnel sheet.

Small-cell masking (DOMAINE.md §6) applies to these documents only, when the options ask for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash import excel
from flux_dash.calculs import Bilan
from flux_dash.consolidation import contrat
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
COLONNES_CONVENTION = ["taux_convention", "droits_theoriques", "taux_realisation"]
"""Figures of a convention, shown in the matrix of a perimeter only on the row of a réservataire whose convention
covers exactly that perimeter (DOMAINE.md §5.2: « where the convention's perimeter allows »)."""
COMPTES_MATRICE = [
    "logements_proposes",
    "logements_attribues",
    "attribues_en_qpv",
    "attribues_hors_qpv",
    "attribues_prioritaires",
    "attribues_dalo",
    "attribues_premier_quartile",
]
"""The counts of the matrix, added in its total and sub-total rows."""
COMPTES_FACULTATIFS = ["attribues_prioritaires", "attribues_dalo", "attribues_premier_quartile"]
"""Counts from an optional column of the tours: empty when the file does not give it, shown « non renseigné »
(never « n.s. », kept for a division by zero: issue 10 item 5)."""
COLONNES_MATRICE = [
    "reservataire",
    "categorie_libelle",
    "logements_proposes",
    "part_flux_orientations",
    *COLONNES_CONVENTION,
    "logements_attribues",
    "part_attributions",
    "attribues_en_qpv",
    "attribues_hors_qpv",
    "attribues_prioritaires",
    "attribues_dalo",
    "attribues_premier_quartile",
]
COLONNES_SYNTHESE = [colonne for colonne in COLONNES_MATRICE if colonne != "categorie_libelle"] + ["categorie_libelle"]
"""The matrix of the Synthèse sheet, the category last: column B is the flux table's « Disponibilités » there, and a
category label (45 characters) would widen that count's column (issue 10)."""
NOTES_MATRICE = [
    "Une ligne par attributaire ayant un tour ou une convention sur le territoire, bailleur compris. Part du flux = "
    "logements proposés ÷ flux (un logement orienté vers deux réservataires compte pour les deux : le total peut "
    "dépasser 100 %). Part des attributions = attribués ÷ attributions de tous les attributaires (total 100 %).",
    "Taux conventionnel, droits théoriques (taux × flux ÷ 100) et taux de réalisation (proposés ÷ droits) : pour "
    "les conventions portant sur ce périmètre même ; « — » pour les autres lignes (convention sur un autre "
    "périmètre, bailleur, hors convention). Total : sommes des lignes, parts recalculées sur le flux et les "
    "attributions du territoire.",
    "Prioritaires, DALO et 1er quartile : colonnes facultatives des tours ; « non renseigné » si le fichier ne les "
    "donne pas.",
]
INDICATEURS_CIA = contrat.INDICATEURS_CIA
"""Indicators of the convention intercommunale d'attribution, per EPCI/EPT (loi Égalité et Citoyenneté, DOMAINE.md
§4), declared once for both sides."""
TITRE_CIA = "Indicateurs de la convention intercommunale d'attribution (CIA)"
SANS_OBJET = "—"
"""A convention figure on a row without a convention on the perimeter: there is none (not « n.s. »)."""
TOTAL_TERRITOIRE = "Total du territoire"
TOTAL_COMMUNE = "Total de la commune"


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
        c.selection(matrice, COLONNES_SYNTHESE),
        [*NOTES_MATRICE, c.NOTE_NS, *notes_masquage(options)],
        masquer=masquer,
        total=total_matrice(matrice, flux, TOTAL_TERRITOIRE) if len(matrice) else None,
    )
    if len(matrice) and not masquer:
        excel.ajouter_graphique_barres(
            ws,
            plage,
            "Logements proposés et attribués par réservataire",
            f"A{ligne}",
            colonnes=[
                plage.premiere_colonne + COLONNES_SYNTHESE.index("logements_proposes"),
                plage.premiere_colonne + COLONNES_SYNTHESE.index("logements_attribues"),
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
    """The rows of ``bilan.consolidation`` on ``perimetres`` with the :data:`COLONNES_CONVENTION` of the
    réservataires whose convention is on that very perimeter (the engine gives them there only), :data:`SANS_OBJET`
    elsewhere."""
    matrice = c.du_perimetre(bilan.consolidation, perimetres)
    matrice["categorie_libelle"] = matrice["categorie"].map(c.categorie_libelle) if len(matrice) else []
    sans = matrice["taux_convention"].isna().to_numpy()  # no convention of the holder on this very perimeter
    for colonne in COLONNES_CONVENTION:
        valeurs = matrice[colonne].to_numpy(dtype=object).copy()
        valeurs[sans] = SANS_OBJET
        matrice[colonne] = pd.Series(valeurs, index=matrice.index, dtype=object)
    for colonne in COMPTES_FACULTATIFS:
        matrice[colonne] = c.non_renseigne(matrice[colonne])
    return matrice


def total_matrice(matrice: pd.DataFrame, flux: pd.DataFrame, libelle: str) -> dict[str, object]:
    """The total (or sub-total) row of matrix rows ``matrice`` of a perimeter whose ``flux`` row is given: counts
    and droits summed over the rows (« Hors convention » and Bailleur included, so the attribués equal the
    perimeter's attributions), part du flux and part des attributions recomputed from the sums, never added."""
    flux_total = float(flux["flux"].sum()) if len(flux) else 0.0
    attributions = float(flux["attributions"].sum()) if len(flux) else 0.0
    return _total(_valeurs_a_sommer(matrice), flux_total, attributions, libelle)


def _valeurs_a_sommer(matrice: pd.DataFrame) -> dict[str, np.ndarray]:
    """The summed columns of matrix rows as numbers (« — » and other text as NaN), read once per table."""
    return {
        colonne: pd.to_numeric(matrice[colonne], errors="coerce").to_numpy()
        for colonne in [*COMPTES_MATRICE, "droits_theoriques"]
    }


def _somme(valeurs: np.ndarray) -> object:
    """The sum of the non-missing values (as ``Series.sum``), NaN when all are missing."""
    if valeurs.dtype.kind != "f":
        return valeurs.sum() if len(valeurs) else float("nan")
    manquants = np.isnan(valeurs)
    return np.where(manquants, 0.0, valeurs).sum() if not manquants.all() else float("nan")


def _total(valeurs: dict[str, np.ndarray], flux_total: float, attributions: float, libelle: str) -> dict[str, object]:
    # Taux are not added up (each is its convention's), nor is a taux de réalisation: those cells stay empty.
    total: dict[str, object] = {
        "reservataire": libelle,
        "categorie_libelle": "",
        "taux_convention": "",
        "taux_realisation": "",
    }
    for colonne in COMPTES_MATRICE:
        total[colonne] = _somme(valeurs[colonne])
    for colonne in COMPTES_FACULTATIFS:
        total[colonne] = c.non_renseigne_valeur(total[colonne])
    droits = _somme(valeurs["droits_theoriques"])
    total["droits_theoriques"] = SANS_OBJET if isinstance(droits, float) and np.isnan(droits) else droits
    total["part_flux_orientations"] = total["logements_proposes"] / flux_total if flux_total else float("nan")
    total["part_attributions"] = total["logements_attribues"] / attributions if attributions else float("nan")
    return total


def matrice_par_commune(bilan: Bilan, communes: list[tuple[str, str]]) -> tuple[pd.DataFrame, list[int]]:
    """The matrix of every commune, each commune's rows followed by its sub-total row (:func:`total_matrice`);
    returns the frame (``commune`` first) and the positions of the sub-total rows."""
    matrice = _matrice(bilan, communes).rename(columns={"perimetre_libelle": "commune"})
    if matrice.empty:
        return c.selection(matrice, ["commune", *COLONNES_MATRICE]), []
    flux = c.du_perimetre(bilan.flux, communes)
    sommes_flux = flux.groupby("perimetre_code", sort=False)[["flux", "attributions"]].sum()
    valeurs = _valeurs_a_sommer(matrice)
    codes = matrice["perimetre_code"].to_numpy()
    # One pass: each commune's rows (in the matrix's order, communes in order of first appearance), then its
    # sub-total, summed from the same numbers total_matrice reads.
    positions = pd.Series(np.arange(len(matrice))).groupby(codes, sort=False).indices
    ordre: list[int] = []
    sous: list[dict[str, object]] = []
    sous_totaux: list[int] = []
    for code in pd.unique(codes):
        lignes = positions[code]
        f, a = (float(v) for v in sommes_flux.loc[code]) if code in sommes_flux.index else (0.0, 0.0)
        total = _total({k: v[lignes] for k, v in valeurs.items()}, f, a, TOTAL_COMMUNE)
        total["commune"] = matrice["commune"].iat[lignes[0]]
        sous.append(total)
        ordre += [*lignes, len(matrice) + len(sous) - 1]
        sous_totaux.append(len(ordre) - 1)
    table = pd.concat([matrice, pd.DataFrame(sous)], ignore_index=True).take(ordre).reset_index(drop=True)
    return c.selection(table, ["commune", *COLONNES_MATRICE]), sous_totaux


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
    table, sous_totaux = matrice_par_commune(bilan, communes)
    corps = table.drop(index=sous_totaux)
    total = None
    if len(corps):
        total = total_matrice(corps, c.du_perimetre(bilan.flux, _perimetre(ptype, pcode)), "")
        total["commune"], total["reservataire"] = TOTAL_TERRITOIRE, ""
    c.ecrire_section(
        ws,
        debut,
        "Matrice réservataires × indicateurs, commune par commune, avec le total de chaque commune",
        table,
        [*NOTES_MATRICE, c.NOTE_NS, *notes_masquage(options)],
        masquer=masquer,
        filtre=True,
        total=total,
        sous_totaux=sous_totaux,
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


def table_indicateurs(indicateurs: pd.DataFrame, par_perimetre: bool = False) -> tuple[pd.DataFrame, pd.Series]:
    """Indicators as shown: label, holder ("Ensemble du périmètre" for perimeter-wide rows), figures, reference;
    the perimeter first when ``par_perimetre``."""
    ind = c.avec_libelles(indicateurs)
    if len(ind):
        ind["reservataire"] = ind["reservataire"].where(ind["reservataire"] != "", "Ensemble du périmètre")
    colonnes = ["indicateur_libelle", "reservataire", "numerateur", "denominateur", "valeur", "cible", "lecture"]
    if par_perimetre:
        colonnes = ["perimetre_libelle", *colonnes]
    return c.selection(ind, colonnes), c.selection(ind, ["unite"])["unite"]


def ecrire_indicateurs(
    ws: Feuille,
    ligne: int,
    titre: str,
    indicateurs: pd.DataFrame,
    options: OptionsRapports,
    notes: list[str] | None = None,
    par_perimetre: bool = False,
) -> int:
    table, unites = table_indicateurs(indicateurs, par_perimetre)
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
    """Every indicator of the territory; the codes ``en_tete`` first in their own table (CIA indicators). For a
    département, the CIA indicators of each EPCI/EPT of the département come first (DOMAINE.md §5.3)."""
    ws = c.nouvelle_feuille(wb, "Indicateurs")
    debut = c.bloc_titre(ws, f"Indicateurs {bilan.annee} du territoire", bilan, options.bailleur, destinataire)
    ind = c.du_perimetre(bilan.indicateurs, _perimetre(ptype, pcode))
    ligne = debut
    if ptype == "DEPARTEMENT":
        cia = c.du_perimetre(bilan.indicateurs, epci_du_departement(bilan, pcode))
        cia = cia[cia["indicateur"].isin(INDICATEURS_CIA)].reset_index(drop=True)
        ligne = ecrire_indicateurs(
            ws,
            ligne,
            f"{TITRE_CIA}, par EPCI / EPT du département",
            cia,
            options,
            ["Un EPCI / EPT à cheval sur deux départements figure dans les deux bilans État."],
            par_perimetre=True,
        )
    if en_tete:
        premiers = ind[ind["indicateur"].isin(en_tete)]
        ligne = ecrire_indicateurs(ws, ligne, titre_en_tete, premiers, options)
        ind = ind[~ind["indicateur"].isin(en_tete)]
    ecrire_indicateurs(ws, ligne, "Indicateurs du cadrage régional par attributaire", ind, options)
    c.finir_feuille(ws, f"A{debut}")


def epci_du_departement(bilan: Bilan, code: str) -> list[tuple[str, str]]:
    """The EPCI/EPT territories (strates) covering part of département ``code``, sorted by code."""
    p = bilan.perimetres
    dedans = (p["perimetre_type"] == "EPCI_EPT") & p["strate"].astype(bool)
    dedans &= p["departements"].map(lambda d: code in str(d).split(";"))
    return [("EPCI_EPT", pc) for pc in sorted(p.loc[dedans, "perimetre_code"])]


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
    debut = c.bloc_titre(ws, f"Prévisionnel {n1} du territoire", bilan, options.bailleur, destinataire, prevision=True)
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
