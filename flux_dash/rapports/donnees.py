"""The « Données » sheet that ends every workbook of the landlord (FORMAT.md §2.1): the rows of
``indicateurs_{n}.csv`` that concern the workbook's recipient, as plain values in an Excel table, headed by the
landlord's name, the year, the tool version and the sha256 of the sources. It is what makes a workbook received by
e-mail readable by the receiving side (:func:`flux_dash.consolidation.lire_envois`).

Which rows (decisions where FORMAT.md says « the rows that concern its recipient's perimeter and the strates
inside it »):

- a territory (EPCI/EPT, département): every row of the territory and of the perimeters inside it (communes, and
  for a département the EPCI/EPT covering part of it, as in its CIA table);
- a réservataire (bilan and prévisionnel, the same rows): its own rows wherever they are (convention perimeters,
  strates inside them, « Hors convention » lines), and the perimeter-wide rows of its convention perimeters — what
  its bilan shows; not those of every commune inside (six times more rows, and the same workbook for every
  réservataire of a département) — except the perimeter-wide ``logements_attribues``
  (:data:`SOMMES_DES_TITULAIRES`): that count adds up every holder's attribués, and the other holders are not the
  réservataire's to see.

Impression (décision, en français car elle s'adresse à qui imprime) : la feuille « Données » est faite pour être
relue par un programme (flux_dash, un tableur, FORMAT.md §2.1) ; ses chiffres sont imprimés, lisibles, sur les
autres feuilles. Imprimée en entier, elle faisait de loin la plus grande part du classeur (240 des 253 pages de la
consolidation d'Est Ensemble de la démo). Sa zone d'impression s'arrête donc à son en-tête (:func:`zone_impression`) :
le titre, les lignes « étiquette | valeur » qui disent d'où viennent les chiffres (bailleur, année, version, sources
et leur sha256) et la ligne des noms de colonnes, sur une page A4 paysage. Le sous-titre le dit
(:data:`NOTE_IMPRESSION`) ; qui veut tout imprimer efface la zone d'impression (Excel : Mise en page > Zone
d'impression > Annuler ; LibreOffice : Format > Zones d'impression > Effacer). Les autres feuilles s'impriment en
entier, une page de large, avec leur titre ou l'en-tête de leur tableau répété sur chaque page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flux_dash import excel
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.consolidation import contrat
from flux_dash.excel import Classeur
from flux_dash.indicateurs_csv import indicateurs_en_tableau
from flux_dash.rapports.memoire import par_bilan

PT, PC = contrat.PT, contrat.PC
TITRE = "Données"
DECIMALES = 6
"""Decimals of a value in ``indicateurs_{n}.csv`` (FORMAT.md §2.2)."""
SOMMES_DES_TITULAIRES = ("logements_attribues",)
"""Perimeter-wide counts that sum every holder's figures: left out of a réservataire's sheet."""

NOTE_IMPRESSION = (
    "À l'impression, seul cet en-tête est imprimé (zone d'impression) : les chiffres sont sur les autres feuilles."
)
"""Said in the sheet's subtitle: why the printed « Données » sheet stops at its header (see the module's doc)."""


def elargir_pour_les_etiquettes(ws: excel.Feuille, etiquettes: Sequence[str]) -> None:
    """Column A of a « Données » sheet also holds the header's labels (« Version de flux_dash »): wide enough that
    the value in B does not hide them (landlord's and consolidated workbooks alike)."""
    ws.largeurs[1] = max(ws.largeurs.get(1) or 0, max(len(e) for e in etiquettes) + 2)


def zone_impression(ws: excel.Feuille, ligne_entete: int) -> None:
    """The print layout of a « Données » sheet: landscape, one page wide, printed down to its header row
    ``ligne_entete`` only (the module's doc says why)."""
    excel.mise_en_page(ws, None, paysage=True, zone=ligne_entete)


@par_bilan
def lignes_du_bilan(bilan: Bilan) -> pd.DataFrame:
    """Every row of ``indicateurs_{n}.csv`` of ``bilan`` (:func:`indicateurs_en_tableau`, ``bailleur`` left empty
    here), computed once per Bilan; the frame is shared: never modify it."""
    t = indicateurs_en_tableau(bilan)[contrat.ENTETE]
    # The values the CSV holds (6 decimals, indicateurs_csv._nombre): a workbook and the CSV of one landlord
    # must give the same figures to the receiving side, which refuses two files that differ.
    return t.assign(valeur=t["valeur"].round(DECIMALES))


def perimetres_dedans(bilan: Bilan, perimetres: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``perimetres`` and every strate of the bilan of a finer type (commune < EPCI/EPT < département < région)
    whose communes (where the landlord has logements) are all in one of them."""
    communes = communes_par_perimetre(bilan)
    strates = _strates(bilan)
    dedans = list(perimetres)
    rang = ref.PERIMETRES.ordre
    for perimetre in perimetres:
        contenu = communes.get(perimetre, set())
        plus_fines = [s for s in strates if rang(s[0]) < rang(perimetre[0])]
        dedans += [s for s in plus_fines if communes.get(s) and communes[s] <= contenu]
    return list(dict.fromkeys(dedans))


@par_bilan
def communes_par_perimetre(bilan: Bilan) -> dict[tuple[str, str], frozenset[str]]:
    """The communes (where the landlord has logements) of each perimeter of ``bilan.appartenance``."""
    a = bilan.appartenance
    return {(ptype, pcode): frozenset(g) for (ptype, pcode), g in a.groupby([PT, PC], sort=False)["code_commune"]}


@par_bilan
def _strates(bilan: Bilan) -> tuple[tuple[str, str], ...]:
    p = bilan.perimetres
    strate = p["strate"].astype(bool)
    return tuple(zip(p.loc[strate, PT], p.loc[strate, PC], strict=True))


@dataclass(frozen=True)
class _Index:
    """What the row selections of a batch look up, computed once per Bilan (:func:`_index`): a code per row for
    its perimeter and for its réservataire, and the perimeter-wide rows a réservataire may see."""

    perimetres: np.ndarray
    code_perimetre: dict[tuple[str, str], int]
    reservataires: np.ndarray
    code_reservataire: dict[str, int]
    contexte: np.ndarray


@par_bilan
def _index(bilan: Bilan) -> _Index:
    t = lignes_du_bilan(bilan)
    perimetres, cles = pd.factorize(pd.MultiIndex.from_frame(t[[PT, PC]]))
    reservataires, noms = pd.factorize(t["reservataire"])
    contexte = (t["reservataire"] == "") & (t["categorie"] == "") & ~t["indicateur"].isin(SOMMES_DES_TITULAIRES)
    index = _Index(
        perimetres,
        {cle: i for i, cle in enumerate(cles)},
        reservataires,
        {nom: i for i, nom in enumerate(noms)},
        contexte.to_numpy(dtype=bool),
    )
    return index


def _sur(index: _Index, perimetres: list[tuple[str, str]]) -> np.ndarray:
    codes = [index.code_perimetre[p] for p in perimetres if p in index.code_perimetre]
    return np.isin(index.perimetres, codes)


def lignes_du_territoire(bilan: Bilan, perimetres: list[tuple[str, str]]) -> pd.DataFrame:
    """The rows of the territory ``perimetres[0]`` and of ``perimetres`` (the caller lists the ones inside it)."""
    t = lignes_du_bilan(bilan)
    dedans = perimetres_dedans(bilan, perimetres[:1]) + list(perimetres[1:])
    return t[_sur(_index(bilan), dedans)].reset_index(drop=True)


def lignes_du_reservataire(bilan: Bilan, reservataire: str, perimetres: list[tuple[str, str]]) -> pd.DataFrame:
    """The réservataire's own rows and the perimeter-wide rows of its convention perimeters ``perimetres``,
    :data:`SOMMES_DES_TITULAIRES` excepted."""
    t, index = lignes_du_bilan(bilan), _index(bilan)
    siennes = index.reservataires == index.code_reservataire.get(reservataire, -2)
    return t[siennes | (index.contexte & _sur(index, perimetres))].reset_index(drop=True)


def feuille_donnees(
    wb: Classeur,
    bilan: Bilan,
    lignes: pd.DataFrame,
    document: str,
    destinataire: str,
    bailleur: str,
    fichiers_source: Sequence[tuple[str, str]],
) -> None:
    """The last sheet: title, the « label | value » rows the receiving side reads (Bailleur, Année, Document,
    Version de flux_dash, one Fichier source row per source with its sha256), then ``lignes`` in an Excel table
    named ``donnees`` (plain values, no formula: text starting with ``=`` stays text)."""
    import flux_dash

    ws = excel.nouvelle_feuille(wb, TITRE)
    lignes = lignes.assign(bailleur=bailleur)
    debut = excel.ecrire_titre(
        ws,
        f"Données {document} – {destinataire}",
        [
            f"Les chiffres de ce classeur, une ligne par chiffre, dans les colonnes du fichier indicateurs_"
            f"{bilan.annee}.csv : à filtrer, ou à relire par flux_dash pour consolider les bilans de plusieurs "
            "bailleurs.",
            NOTE_IMPRESSION,
        ],
    )
    entete: list[tuple[str, object]] = [
        ("Bailleur", bailleur),  # empty when not given: a file without a landlord is refused when read
        ("Année", bilan.annee),
        ("Document", f"{document} – {destinataire}"),
        ("Version de flux_dash", flux_dash.__version__),
    ]
    entete += [("Fichier source", f"{nom} (sha256 {empreinte})") for nom, empreinte in fichiers_source]
    for etiquette, valeur in entete:
        excel.ecrire_texte(ws, debut, 1, etiquette, excel.STYLE_SOUS_TITRE)
        format_ = excel.FORMAT_ANNEE if isinstance(valeur, int) else None
        excel.ecrire_valeur(ws, debut, 2, valeur, format_, excel.STYLE_SOUS_TITRE)
        debut += 1
    debut += 1
    colonnes = list(contrat.ENTETE)
    for j, nom in enumerate(colonnes, start=1):
        excel.ecrire_texte(ws, debut, j, nom, excel.STYLE_ENTETE)
    if len(lignes):
        # Bulk writing (thousands of rows in a département's workbook), then the Excel table over it.
        excel.ecrire_donnees(ws, lignes[colonnes], debut + 1, 1, formats={"annee": excel.FORMAT_ANNEE})
        nom = excel.nom_tableau("donnees", [t.nom for f in wb.feuilles for t in f.tableaux])
        ws.tableaux.append(excel.TableauExcel(nom, debut, debut + len(lignes), 1, len(colonnes), tuple(colonnes)))
    else:
        excel.ecrire_note(ws, "Aucune ligne pour ce destinataire.", debut + 1)
    for j, largeur in enumerate((6, 22, 16, 12, 30, 18, 30, 14, 12, 34, 12), start=1):
        ws.largeurs[j] = largeur
    elargir_pour_les_etiquettes(ws, [etiquette for etiquette, _ in entete])
    excel.figer_entete(ws, f"A{debut + 1}")
    zone_impression(ws, debut)
