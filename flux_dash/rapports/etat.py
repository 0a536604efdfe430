"""Trame "bilan État" (DOMAINE.md §5.3, FORMAT.md §2.1): one workbook per département where the landlord has
logements, ``bilan_{n}_etat_{code_departement}.xlsx``.

Sheets: the consolidated département view (as the EPCI/EPT trame), Contrôles préfet (CCH R. 441-5-2: préfet and
agents shares of the flux, per commune beside the département value, hors QPV readings a and b, with their legal
reference values), Indicateurs, Prévisionnel n+1, Paramètres, Définitions.
"""

from __future__ import annotations

import pandas as pd

from flux_dash import excel
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.consolidation import contrat
from flux_dash.excel import Classeur
from flux_dash.rapports import commun as c
from flux_dash.rapports import consolide, donnees
from flux_dash.rapports import evolution as ev
from flux_dash.rapports.commun import OptionsRapports, RapportPrevu

GENRE = "etat"
DOSSIER = "etat"
DOCUMENT = "Bilan État"
INDICATEURS_PREFET = contrat.INDICATEURS_PREFET
PARTS_PAR_COMMUNE = ("part_prefet_flux", "part_agents_flux")


def departements(bilan: Bilan) -> list[str]:
    """Codes of the départements where the landlord has logements, sorted."""
    p = bilan.perimetres
    return sorted(p.loc[(p["perimetre_type"] == "DEPARTEMENT") & p["strate"].astype(bool), "perimetre_code"])


def destinataire_de(code: str) -> str:
    return f"Services de l'État – {ref.libelle_perimetre('DEPARTEMENT', code)}"


def lister(bilan: Bilan, options: OptionsRapports) -> list[RapportPrevu]:
    return [
        RapportPrevu(
            GENRE,
            destinataire_de(code),
            f"bilan_{bilan.annee}_etat_{code}.xlsx",
            DOSSIER,
            lambda code=code: classeur_etat(bilan, code, options),
        )
        for code in departements(bilan)
    ]


def classeur_etat(bilan: Bilan, code: str, options: OptionsRapports | None = None) -> bytes:
    """The État bilan of one département, as ``.xlsx`` bytes."""
    options = options or OptionsRapports()
    libelle = c.libelle_perimetre(bilan, "DEPARTEMENT", code)
    destinataire = destinataire_de(code)
    wb = c.nouveau_classeur()
    consolide.feuille_synthese(
        wb,
        bilan,
        options,
        "DEPARTEMENT",
        code,
        f"Bilan consolidé {bilan.annee} de la gestion en flux – {libelle}",
        destinataire,
    )
    _feuille_controles(wb, bilan, options, code, destinataire)
    consolide.feuille_communes(wb, bilan, options, "DEPARTEMENT", code, destinataire)
    consolide.feuille_soustraits(wb, bilan, options, "DEPARTEMENT", code, destinataire)
    consolide.feuille_indicateurs(wb, bilan, options, "DEPARTEMENT", code, destinataire)
    consolide.feuille_previsionnel(wb, bilan, options, "DEPARTEMENT", code, destinataire)
    ev.ajouter_evolution(wb, bilan, options, destinataire, consolide=True, perimetres=[("DEPARTEMENT", code)])
    lignes = donnees.lignes_du_territoire(bilan, [("DEPARTEMENT", code), *consolide.epci_du_departement(bilan, code)])
    return c.terminer(wb, bilan, options, destinataire, f"{DOCUMENT} {bilan.annee}", lignes, consolide=True)


def parts_par_commune(bilan: Bilan, code: str) -> pd.DataFrame:
    """One row per commune of the département: its flux, préfet and agents shares, and the département's shares
    beside them (DOMAINE.md §4: "uniform" per commune). Reshaping of ``bilan.indicateurs`` only."""
    dep = c.du_perimetre(bilan.indicateurs, [("DEPARTEMENT", code)], "")
    departement = dict(zip(dep["indicateur"], dep["valeur"], strict=True))
    communes = c.communes_de(bilan, "DEPARTEMENT", code)
    flux = c.du_perimetre(bilan.flux, communes)
    par_commune = c.du_perimetre(bilan.indicateurs, communes, "")
    valeurs = {
        (pc, i): v
        for pc, i, v in zip(
            par_commune["perimetre_code"], par_commune["indicateur"], par_commune["valeur"], strict=True
        )
    }
    lignes = []
    for pcode, libelle, f in zip(flux["perimetre_code"], flux["perimetre_libelle"], flux["flux"], strict=True):
        lignes.append(
            {
                "commune": libelle,
                "code_commune": pcode,
                "flux": f,
                "part_prefet_commune": valeurs.get((pcode, "part_prefet_flux"), float("nan")),
                "part_prefet_departement": departement.get("part_prefet_flux", float("nan")),
                "part_agents_commune": valeurs.get((pcode, "part_agents_flux"), float("nan")),
                "part_agents_departement": departement.get("part_agents_flux", float("nan")),
            }
        )
    colonnes = [
        "commune",
        "code_commune",
        "flux",
        "part_prefet_commune",
        "part_prefet_departement",
        "part_agents_commune",
        "part_agents_departement",
    ]
    table = pd.DataFrame(lignes, columns=colonnes)
    table["flux"] = table["flux"].astype("int64")
    return table


def masquer_parts_par_commune(bilan: Bilan, code: str, parts: pd.DataFrame) -> pd.DataFrame:
    """:func:`parts_par_commune` with a commune's share shown « masqué » when its numerator (logements proposés
    to the préfet or to the agents in the commune) is 1 to 4: share × flux would give the count back."""
    ind = c.du_perimetre(bilan.indicateurs, c.communes_de(bilan, "DEPARTEMENT", code), "")
    petits = {
        (pc, i)
        for pc, i, p in zip(ind["perimetre_code"], ind["indicateur"], c.petits(ind["numerateur"]), strict=True)
        if p
    }
    parts = parts.copy()
    for indicateur, colonne in (
        ("part_prefet_flux", "part_prefet_commune"),
        ("part_agents_flux", "part_agents_commune"),
    ):
        masque = parts["code_commune"].map(lambda pc, i=indicateur: (pc, i) in petits).astype(bool)
        parts[colonne] = parts[colonne].astype(object).where(~masque, c.MASQUE)
    return parts


def _feuille_controles(wb: Classeur, bilan: Bilan, options: OptionsRapports, code: str, destinataire: str) -> None:
    ws = c.nouvelle_feuille(wb, "Contrôles préfet")
    debut = c.bloc_titre(
        ws, f"Contrôles du contingent préfectoral {bilan.annee}", bilan, options.bailleur, destinataire
    )
    prefet = c.du_perimetre(bilan.indicateurs, [("DEPARTEMENT", code)], "")
    prefet = prefet[prefet["indicateur"].isin(INDICATEURS_PREFET)]
    ordre = {i: k for k, i in enumerate(INDICATEURS_PREFET)}
    prefet = prefet.sort_values("indicateur", key=lambda s: s.map(ordre), kind="stable").reset_index(drop=True)
    ligne = consolide.ecrire_indicateurs(
        ws,
        debut,
        "Part du préfet dans le flux du département (art. R. 441-5-2 CCH)",
        prefet,
        options,
        [
            "Préfet = publics prioritaires et agents de l'État. Lecture a : proposés au préfet hors QPV ÷ proposés au "
            "préfet (comparée à la référence) ; lecture b : proposés au préfet hors QPV ÷ flux hors QPV. Un arrêté "
            "préfectoral peut déroger pour un an."
        ],
    )
    ecrire_parts_par_commune(ws, ligne, bilan, code, options)
    c.finir_feuille(ws, f"A{debut}")


def ecrire_parts_par_commune(ws: excel.Feuille, ligne: int, bilan: Bilan, code: str, options: OptionsRapports) -> int:
    """The « Part du préfet par commune » section of département ``code`` from row ``ligne`` (État bilan, and the
    préfet's own bilan: issue 10 item 5); returns the next free row."""
    parts = parts_par_commune(bilan, code)
    if options.masquer_petits_effectifs:
        parts = masquer_parts_par_commune(bilan, code, parts)
    _, ligne = c.ecrire_section(
        ws,
        ligne,
        "Part du préfet par commune, à côté de la valeur départementale",
        parts,
        [
            "La part du préfet s'applique uniformément dans chaque commune sauf stipulation contraire "
            "(art. R. 441-5-2 CCH).",
            c.NOTE_NS,
            *consolide.notes_masquage(options),
        ],
        formats={
            k: c.PART
            for k in (
                "part_prefet_commune",
                "part_prefet_departement",
                "part_agents_commune",
                "part_agents_departement",
            )
        },
        libelles={
            "part_prefet_commune": "Part du préfet (commune)",
            "part_prefet_departement": "Part du préfet (département)",
            "part_agents_commune": "Part des agents de l'État (commune)",
            "part_agents_departement": "Part des agents de l'État (département)",
        },
        filtre=True,
    )
    return ligne
