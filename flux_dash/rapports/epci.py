"""Trame "bilan consolidé EPCI/EPT" (DOMAINE.md §5.2, FORMAT.md §2.1): one workbook per EPCI "LEC"/EPT where the
landlord has logements, ``bilan_{n}_epci_{slug}.xlsx``.

Sheets: Synthèse (flux, matrix of holders), Flux par commune, Réservataires par commune, Soustraits, Indicateurs
(the CIA indicators first), Prévisionnel n+1, Paramètres, Définitions.
"""

from __future__ import annotations

from flux_dash.calculs import Bilan
from flux_dash.rapports import commun as c
from flux_dash.rapports import consolide, donnees
from flux_dash.rapports import evolution as ev
from flux_dash.rapports.commun import OptionsRapports, RapportPrevu

GENRE = "epci"
DOSSIER = "epci_ept"
DOCUMENT = "Bilan consolidé EPCI / EPT"
INDICATEURS_CIA = consolide.INDICATEURS_CIA


def territoires(bilan: Bilan, options: OptionsRapports) -> list[tuple[str, str]]:
    """(code, label) of the EPCI/EPT that receive a bilan: territories where the landlord has logements (strates)
    that are in ``options.epci_lec`` (default: ``bilan.regles.epci_lec``), sorted by code."""
    lec = set(options.epci_lec if options.epci_lec is not None else bilan.regles.epci_lec)
    p = bilan.perimetres
    choisis = p[(p["perimetre_type"] == "EPCI_EPT") & p["strate"].astype(bool) & p["perimetre_code"].isin(lec)]
    choisis = choisis.sort_values("perimetre_code")
    return list(zip(choisis["perimetre_code"], choisis["perimetre_libelle"], strict=True))


def lister(bilan: Bilan, options: OptionsRapports) -> list[RapportPrevu]:
    liste = territoires(bilan, options)
    noms = c.slugs_uniques([libelle for _, libelle in liste])
    return [
        RapportPrevu(
            GENRE,
            libelle,
            f"bilan_{bilan.annee}_epci_{noms[libelle]}.xlsx",
            DOSSIER,
            lambda code=code: classeur_epci(bilan, code, options),
        )
        for code, libelle in liste
    ]


def classeur_epci(bilan: Bilan, code: str, options: OptionsRapports | None = None) -> bytes:
    """The consolidated bilan workbook of one EPCI/EPT (SIREN ``code``), as ``.xlsx`` bytes."""
    options = options or OptionsRapports()
    libelle = c.libelle_perimetre(bilan, "EPCI_EPT", code)
    destinataire = f"{libelle} (EPCI / EPT, SIREN {code})"
    wb = c.nouveau_classeur()
    consolide.feuille_synthese(
        wb,
        bilan,
        options,
        "EPCI_EPT",
        code,
        f"Bilan consolidé {bilan.annee} de la gestion en flux – {libelle}",
        destinataire,
    )
    consolide.feuille_communes(wb, bilan, options, "EPCI_EPT", code, destinataire)
    consolide.feuille_soustraits(wb, bilan, options, "EPCI_EPT", code, destinataire)
    consolide.feuille_indicateurs(
        wb,
        bilan,
        options,
        "EPCI_EPT",
        code,
        destinataire,
        INDICATEURS_CIA,
        consolide.TITRE_CIA,
    )
    consolide.feuille_previsionnel(wb, bilan, options, "EPCI_EPT", code, destinataire)
    perimetres = [("EPCI_EPT", code), *c.communes_de(bilan, "EPCI_EPT", code)]
    ev.ajouter_evolution(wb, bilan, options, destinataire, consolide=True, perimetres=perimetres)
    lignes = donnees.lignes_du_territoire(bilan, [("EPCI_EPT", code)])
    return c.terminer(wb, bilan, options, destinataire, f"{DOCUMENT} {bilan.annee}", lignes, consolide=True)
