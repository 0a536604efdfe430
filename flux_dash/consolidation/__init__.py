"""The receiving side (FORMAT.md §3, DOMAINE.md §3.1): an EPCI/EPT co-pilot, a DDETS or the DRIHL consolidates the
bilans of every landlord of its territory, produced by flux_dash.

Read → check → consolidate, as for a landlord's bilan::

    from flux_dash import consolidation as fc
    recus = fc.lire_envois(["flux_2024_habitat-a.zip", "indicateurs_2024.csv", "bilan_2024_epci_est-ensemble.xlsx"],
                           annee=2024)
    recus.ok, recus.tableau()                       # problems in French, naming the file
    c = fc.consolider(recus.envois, 2024)           # a Consolidation
    c.flux.query("bailleur == ''")                  # the territory's flux, all landlords together

Modules: :mod:`.contrat` (what is read, what adds up), :mod:`.reception` (reading the files), :mod:`.controles`
(reconciliation of each landlord's figures), :mod:`.moteur` (the steps of the consolidation), :mod:`.tableaux`
(its tables), :mod:`.couverture` (who has sent), :mod:`.base` (the campaign store, DuckDB), :mod:`.sorties`
(the consolidated CSV files), :mod:`.commandes` (``flux-dash consolider`` and ``flux-dash campagne``),
:mod:`.demo` (a fictional territory of several landlords).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.reception import Envoi, FichierRecu, Reception, lire_envois
from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION, Probleme, problemes_en_tableau
from flux_dash.regles import ReglesCalcul


@dataclass(frozen=True)
class Consolidation:
    """The consolidated figures of year ``annee`` (DOMAINE.md §3.1), as tidy DataFrames like a
    :class:`~flux_dash.calculs.Bilan`.

    In every frame that has a ``bailleur`` column, rows with ``bailleur`` empty are **all landlords together** and
    rows with a landlord's name are that landlord's own figures (FORMAT.md §3.2). Perimeters: ``perimetre_type``,
    ``perimetre_code``, ``perimetre_libelle`` as in a Bilan. Holders: ``categorie`` (DOMAINE.md §2 code, plus
    ``HORS_CONVENTION``) and ``reservataire``, the consolidated name of a réservataire identified by category and
    convention perimeter (empty on a category's line, which adds up all its réservataires). Counts are float64
    (droits are fractional logements); ratios are fractions, NaN when not significant.

    ``envois`` — one row per landlord received: bailleur, fichiers, sha256 (``;``-joined), version, lignes.

    ``perimetres`` — every perimeter where a landlord gives figures: perimetre_type, perimetre_code,
    perimetre_libelle, strate (bool), nombre_bailleurs, complet (every landlord with logements there gives them),
    manquants (landlords whose file does not cover it), sortie (bool: consolidated and inside the territories asked).

    ``reservataires`` — one row per (réservataire, landlord, name the landlord uses): reservataire (consolidated
    name), categorie, perimetre_type, perimetre_code (of the convention), bailleur, nom.

    ``flux`` — one row per (bailleur, perimeter): disponibilites, soustraits, flux, relogements_realises,
    logements_attribues (all holders, « Hors convention » included), nombre_bailleurs, part_disponibilites (the
    landlord's share of the perimeter's disponibilités).

    ``soustraits`` — one row per (bailleur, perimeter, soustraction category): categorie_soustraction,
    categorie_libelle, soustraits, relogements_realises.

    ``matrice`` — one row per (bailleur, perimeter, holder line): categorie, categorie_libelle, reservataire,
    logements_proposes, part_flux_orientations, logements_attribues, part_attributions, attribues_en_qpv,
    attribues_hors_qpv, and on a convention perimeter taux_convention (weighted), droits_theoriques, ecart,
    taux_realisation; taux_transformation, tours, nombre_bailleurs.

    ``repartitions`` — the décret breakdowns: one row per (bailleur, perimeter, holder line, dimension, modalite):
    modalite_libelle, logements_proposes, logements_attribues.

    ``indicateurs`` — DOMAINE.md §4 indicators from summed numerators and denominators: bailleur, indicateur,
    libelle, perimeter, categorie, reservataire, numerateur, denominateur, valeur, cible, sens, unite,
    nombre_bailleurs, complet (False when a landlord does not give the numerator: valeur NaN).

    ``couverture`` — one row per landlord received or expected: bailleur, siren, statut (``recu``/``manquant``),
    fichiers, sha256, disponibilites, communes (in the territories asked, the région when none),
    part_disponibilites.

    ``evolution`` — year-on-year when the figures of n−1 were given (else empty): bailleur, perimeter, categorie,
    reservataire, indicateur, libelle, unite, valeur_n, valeur_n_1, evolution, evolution_relative, and the same
    « à bailleurs constants » (valeur_n_communs, valeur_n_1_communs, evolution_communs). All landlords together on
    every line; each landlord on its perimeter-wide lines only (``categorie`` and ``reservataire`` empty).

    ``problemes`` — the warnings and informations of the consolidation (incomplete perimeters, missing landlords,
    indicators not consolidated), French.
    """

    annee: int
    regles: ReglesCalcul
    territoires: tuple[tuple[str, str], ...]
    envois: pd.DataFrame
    perimetres: pd.DataFrame
    reservataires: pd.DataFrame
    flux: pd.DataFrame
    soustraits: pd.DataFrame
    matrice: pd.DataFrame
    repartitions: pd.DataFrame
    indicateurs: pd.DataFrame
    couverture: pd.DataFrame
    evolution: pd.DataFrame
    problemes: list[Probleme] = field(default_factory=list)
    fichiers: tuple[FichierRecu, ...] = ()
    _lignes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    annee_precedente: int | None = None

    def en_tableau(self) -> pd.DataFrame:
        """Every consolidated figure as rows of FORMAT.md §2.2's header (the content of
        ``indicateurs_consolides_{n}.csv``), ``valeur`` float64."""
        return self._lignes.copy()

    def du_bailleur(self, frame: str, bailleur: str = "") -> pd.DataFrame:
        """Rows of one frame (``"flux"``, ``"matrice"``…) for one landlord, or all landlords together (default)."""
        df = getattr(self, frame)
        return df[df["bailleur"] == bailleur].reset_index(drop=True)

    def tableau_problemes(self) -> pd.DataFrame:
        return problemes_en_tableau(self.problemes)


def _chiffres(calcul: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Counts and ratios of one :func:`~flux_dash.consolidation.moteur.calculer`, with the territory-wide share of
    prioritaires (what the year-on-year compares)."""
    from flux_dash.consolidation import tableaux

    sommes, ratios = calcul["sommes"], calcul["ratios"]
    return pd.concat([sommes, ratios, tableaux.prioritaires_du_perimetre(sommes, ratios)])


def _calculer(envois: list[Envoi], territoires: list[tuple[str, str]], calculs: MutableMapping | None) -> dict:
    """:func:`.moteur.calculer`, or its result for the same Envoi objects (checked by identity: an id is reused
    only once its object is gone, and the cache keeps them) and territories."""
    from flux_dash.consolidation.moteur import calculer

    if calculs is None:
        return calculer(envois, territoires)
    cle = ("calcul", tuple(id(e) for e in envois), tuple(territoires))
    garde = calculs.get(cle)
    if (
        garde is not None
        and len(garde[0]) == len(envois)
        and all(a is b for a, b in zip(garde[0], envois, strict=True))
    ):
        return garde[1]
    resultat = calculer(envois, territoires)
    calculs[cle] = (tuple(envois), resultat)
    return resultat


def consolider(
    envois: Sequence[Envoi],
    annee: int,
    *,
    territoires: Sequence[tuple[str, str]] | None = None,
    attendus: pd.DataFrame | None = None,
    precedents: Sequence[Envoi] | None = None,
    regles: ReglesCalcul | None = None,
    calculs: MutableMapping | None = None,
) -> Consolidation:
    """Consolidate the landlords' figures of year ``annee`` (the envois of other years are ignored).

    ``territoires``: (perimetre_type, perimetre_code) to restrict to (with the perimeters inside them); by default
    every perimeter. ``attendus``: the expected landlords (:func:`.couverture.lire_attendus`). ``precedents``: the
    envois of n−1 (from the campaign store) for the year-on-year. ``calculs``, when given, is a cache the caller
    keeps of the engine's runs (:func:`.moteur.calculer`), keyed by the very :class:`Envoi` objects and the
    territories: n−1 computed for the year-on-year of n is not computed again for the consolidation of n−1 itself
    (the same result: the engine is a function of the envois and the territories)."""
    from flux_dash.consolidation import couverture as cv
    from flux_dash.consolidation import tableaux
    from flux_dash.consolidation.moteur import ORDRE_LIGNES, trier

    def calculer(choisis: list[Envoi], territoires: list[tuple[str, str]]) -> dict:
        return _calculer(choisis, territoires, calculs)

    regles = regles or ReglesCalcul()
    envois = [e for e in envois if e.annee == annee]
    territoires = list(territoires or [])
    calcul = calculer(envois, territoires)
    sommes, ratios = calcul["sommes"], calcul["ratios"]
    lignes = pd.concat([sommes.drop(columns="bailleurs"), ratios[sommes.columns.drop("bailleurs")]], ignore_index=True)
    lignes = trier(lignes, ORDRE_LIGNES)
    lignes.insert(0, "annee", annee)
    lignes.insert(4, k.PL, tableaux.libelles_perimetres(lignes))
    lignes = lignes[k.ENTETE]

    # The territory-wide share of prioritaires is shown and followed, not written in the CSV (FORMAT.md §2.2).
    ratios = pd.concat([ratios, tableaux.prioritaires_du_perimetre(sommes, ratios)], ignore_index=True)
    couverture, problemes_couverture = cv.couverture(envois, attendus, territoires)
    evolution = pd.DataFrame(columns=tableaux.COLONNES_EVOLUTION)
    annee_precedente = None
    precedents = [e for e in (precedents or []) if e.annee == annee - 1]
    if precedents:
        annee_precedente = annee - 1
        avant = calculer(precedents, territoires)
        communs = {e.cle for e in envois} & {e.cle for e in precedents}
        meme_champ = communs == {e.cle for e in envois} == {e.cle for e in precedents}
        n_c = n_1_c = None
        if communs and not meme_champ:
            ceux_n = calculer([e for e in envois if e.cle in communs], territoires)
            ceux_n_1 = calculer([e for e in precedents if e.cle in communs], territoires)
            n_c = _chiffres(ceux_n)
            n_1_c = _chiffres(ceux_n_1)
        evolution = tableaux.evolution(pd.concat([sommes, ratios]), _chiffres(avant), n_c, n_1_c)
    envois_df = pd.DataFrame(
        {
            "bailleur": [e.bailleur for e in envois],
            "fichiers": [" ; ".join(f.nom for f in e.fichiers) for e in envois],
            "sha256": [" ; ".join(e.sha256) for e in envois],
            "version": [e.version for e in envois],
            "lignes": np.array([len(e.lignes) for e in envois], dtype="int64"),
        }
    )
    fichiers = tuple(dict.fromkeys(f for e in envois for f in e.fichiers))
    return Consolidation(
        annee=annee,
        regles=regles,
        territoires=tuple(territoires),
        envois=envois_df,
        perimetres=calcul["perimetres"],
        reservataires=calcul["identites"],
        flux=tableaux.flux(sommes),
        soustraits=tableaux.soustraits(sommes),
        matrice=tableaux.matrice(sommes, ratios),
        repartitions=tableaux.repartitions(sommes),
        indicateurs=tableaux.indicateurs(ratios, regles),
        couverture=couverture,
        evolution=evolution,
        problemes=[*calcul["problemes"], *problemes_couverture],
        fichiers=fichiers,
        _lignes=lignes,
        annee_precedente=annee_precedente,
    )


__all__ = [
    "AVERTISSEMENT",
    "ERREUR",
    "INFORMATION",
    "Consolidation",
    "Envoi",
    "FichierRecu",
    "Reception",
    "consolider",
    "lire_envois",
]
