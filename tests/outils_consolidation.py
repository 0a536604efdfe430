"""Hand-made files of FORMAT.md v1.1, as landlords send them (tidy CSV, workbook with a « Données » sheet, ZIP), for
the tests of the receiving side. Rows are written literally: (perimetre_type, perimetre_code, categorie,
reservataire, dimension, modalite, indicateur, valeur)."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from flux_dash.garde import DEBUTS_DANGEREUX as DANGEREUX

ENTETE = "annee;bailleur;perimetre_type;perimetre_code;perimetre_libelle;categorie;reservataire;dimension;modalite;indicateur;valeur"

MONTREUIL, BAGNOLET, PARIS, SAINT_DENIS = "93048", "93006", "75056", "93066"
EST_ENSEMBLE, PLAINE_COMMUNE, T_PARIS = "200057875", "200057867", "217500016"


def _texte(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".").replace(".", ",")
    v = str(v)
    return "'" + v if v.startswith(DANGEREUX) else v


def strates(code_commune: str) -> list[tuple[str, str]]:
    """The four strates of a commune (commune, EPT, département, région) as in a landlord's file."""
    ept = {MONTREUIL: EST_ENSEMBLE, BAGNOLET: EST_ENSEMBLE, SAINT_DENIS: PLAINE_COMMUNE, PARIS: T_PARIS}[code_commune]
    dep = code_commune[:2]
    return [("COMMUNE", code_commune), ("EPCI_EPT", ept), ("DEPARTEMENT", dep), ("REGION", "11")]


def perimetre(pt: str, pc: str, **comptes: float) -> list[tuple]:
    """Perimeter-wide ``total`` rows; ``soustraits_MUTATION_INTERNE=2`` gives a ``categorie_soustraction`` row."""
    lignes = []
    for nom, v in comptes.items():
        if "__" in nom:
            indicateur, modalite = nom.split("__")
            lignes.append((pt, pc, "", "", "categorie_soustraction", modalite, indicateur, v))
        else:
            lignes.append((pt, pc, "", "", "total", "", nom, v))
    return lignes


def detenteur(pt: str, pc: str, categorie: str, nom: str, **comptes: float) -> list[tuple]:
    """A holder's ``total`` rows; ``attribues_EN_QPV=1`` gives a ``qpv`` row of ``logements_attribues``,
    ``proposes_T2=1`` a ``typologie`` row of ``logements_proposes``, ``proposes_c93048=1`` a ``commune`` row."""
    lignes = []
    dimensions = {"EN_QPV": "qpv", "HORS_QPV": "qpv", "T1": "typologie", "T2": "typologie", "T3": "typologie"}
    for cle, v in comptes.items():
        if cle.startswith(("proposes_", "attribues_")):
            mesure, modalite = cle.split("_", 1)
            indicateur = "logements_proposes" if mesure == "proposes" else "logements_attribues"
            if modalite.startswith("c") and modalite[1:].isdigit():
                lignes.append((pt, pc, categorie, nom, "commune", modalite[1:], indicateur, v))
            else:
                lignes.append((pt, pc, categorie, nom, dimensions[modalite], modalite, indicateur, v))
        else:
            lignes.append((pt, pc, categorie, nom, "total", "", cle, v))
    return lignes


def csv_tidy(bailleur: str, lignes: list[tuple], annee: int = 2024, entete: str = ENTETE) -> bytes:
    """``indicateurs_{n}.csv`` v1.1: UTF-8 with BOM, ``;``, decimal comma, CSV-injection guard."""
    textes = [entete]
    for pt, pc, cat, res, dim, mod, ind, val in lignes:
        textes.append(";".join(_texte(x) for x in (annee, bailleur, pt, pc, "", cat, res, dim, mod, ind, val)))
    return ("\ufeff" + "\r\n".join(textes) + "\r\n").encode("utf-8")


def classeur_donnees(bailleur: str, lignes: list[tuple], annee: int = 2024, *, nom_en_tete: bool = False) -> bytes:
    """A trame workbook as received by e-mail: a first sheet, then « Données » with a header block (Bailleur,
    Année, Version) and the tidy rows as cells (numbers as numbers, text as text). ``nom_en_tete``: the landlord's
    name only in the header block (the ``bailleur`` column left empty)."""
    wb = openpyxl.Workbook()
    wb.active.title = "Synthèse"
    wb.active["A1"] = f"Bilan {annee}"
    ws = wb.create_sheet("Données")
    ws.append(["Bailleur", bailleur])
    ws.append(["Année du bilan", annee])
    ws.append(["Version de flux_dash", "0.2.0"])
    ws.append([])
    ws.append(ENTETE.split(";"))
    for pt, pc, cat, res, dim, mod, ind, val in lignes:
        ws.append([annee, "" if nom_en_tete else bailleur, pt, pc, "", cat, res, dim, mod, ind, val])
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


def archive(fichiers: dict[str, bytes]) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as zf:
        for nom, contenu in fichiers.items():
            zf.writestr(nom, contenu)
    return tampon.getvalue()


# --- Three small landlords of Est Ensemble, Plaine Commune and Paris, computed by hand -------------------------------

PREFET = "ETAT_PRIORITAIRES"


def habitat_a(nom_prefet: str = "Préfecture de la Seine-Saint-Denis") -> list[tuple]:
    """Habitat A: 10 disponibilités in Montreuil (2 mutations), flux 8; préfet 93 at 25 %: 3 proposés (T2 2, T3 1;
    1 in QPV), 2 attribués (1 in QPV); Ville de Montreuil at 10 %: 1 proposé, 1 attribué; Bailleur 3 attribués;
    6 attributions in all."""
    lignes = []
    for pt, pc in strates(MONTREUIL):
        lignes += perimetre(
            pt,
            pc,
            disponibilites=10,
            soustraits=2,
            flux=8,
            relogements_realises=1,
            logements_attribues=6,
            soustraits__MUTATION_INTERNE=2,
            relogements_realises__MUTATION_INTERNE=1,
        )
        lignes += detenteur(
            pt,
            pc,
            PREFET,
            nom_prefet,
            logements_proposes=3,
            logements_attribues=2,
            proposes_EN_QPV=1,
            proposes_HORS_QPV=2,
            attribues_EN_QPV=1,
            attribues_HORS_QPV=1,
            **{f"proposes_c{MONTREUIL}": 3, f"attribues_c{MONTREUIL}": 2},
        )
        lignes += detenteur(pt, pc, "COMMUNE", "Ville de Montreuil", logements_proposes=1, logements_attribues=1)
        lignes += detenteur(pt, pc, "BAILLEUR", "Bailleur", logements_proposes=4, logements_attribues=3)
    lignes += detenteur(
        "DEPARTEMENT",
        "93",
        PREFET,
        nom_prefet,
        taux_convention=0.25,
        droits_theoriques=2.0,
        proposes_T2=2,
        proposes_T3=1,
    )
    lignes += detenteur(
        "COMMUNE", MONTREUIL, "COMMUNE", "Ville de Montreuil", taux_convention=0.10, droits_theoriques=0.8
    )
    return lignes


def logis_b(nom_prefet: str = "Préfet 93 – contingent") -> list[tuple]:
    """Logis B: Montreuil 5 disponibilités (flux 5) and Paris 4 (flux 4); préfet 93 at 30 %: 2 proposés, 1 attribué
    (in Montreuil, hors QPV); Bailleur: Montreuil 1 attribué, Paris 2; an out-of-convention attribution in Paris."""
    lignes = []
    for pt, pc in strates(MONTREUIL)[:3]:
        lignes += perimetre(
            pt, pc, disponibilites=5, soustraits=0, flux=5, relogements_realises=0, logements_attribues=2
        )
        lignes += detenteur(
            pt,
            pc,
            PREFET,
            nom_prefet,
            logements_proposes=2,
            logements_attribues=1,
            proposes_HORS_QPV=2,
            attribues_HORS_QPV=1,
            **{f"proposes_c{MONTREUIL}": 2, f"attribues_c{MONTREUIL}": 1},
        )
        lignes += detenteur(pt, pc, "BAILLEUR", "Bailleur", logements_proposes=1, logements_attribues=1)
    for pt, pc in strates(PARIS)[:3]:
        lignes += perimetre(
            pt, pc, disponibilites=4, soustraits=0, flux=4, relogements_realises=0, logements_attribues=3
        )
        lignes += detenteur(pt, pc, "BAILLEUR", "Bailleur", logements_proposes=3, logements_attribues=2)
        lignes += detenteur(
            pt, pc, "HORS_CONVENTION", "Préfet 93 – contingent", logements_proposes=1, logements_attribues=1
        )
    lignes += perimetre(
        "REGION", "11", disponibilites=9, soustraits=0, flux=9, relogements_realises=0, logements_attribues=5
    )
    lignes += detenteur("REGION", "11", PREFET, nom_prefet, logements_proposes=2, logements_attribues=1)
    lignes += detenteur("REGION", "11", "BAILLEUR", "Bailleur", logements_proposes=4, logements_attribues=3)
    lignes += detenteur(
        "REGION", "11", "HORS_CONVENTION", "Préfet 93 – contingent", logements_proposes=1, logements_attribues=1
    )
    lignes += detenteur("DEPARTEMENT", "93", PREFET, nom_prefet, taux_convention=0.30, droits_theoriques=1.5)
    return lignes
