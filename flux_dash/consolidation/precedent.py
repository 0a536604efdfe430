"""Year-on-year for the landlord (issue 10 item 6): ``flux-dash bilan … --precedent FICHIER`` reads last year's
flux_dash output of the same landlord (its ZIP or its ``indicateurs_{n−1}.csv``, with the receiving side's reader,
:func:`~flux_dash.consolidation.lire_envois`) and compares it with the bilan of n, as two tidy DataFrames:

- :attr:`Comparaison.evolution` — every ``total`` figure of n beside its value in n−1 and the change (a count
  difference, or for a ratio a difference of fractions, shown in points);
- :attr:`Comparaison.previsionnel` — last year's prévisionnel for n beside what n realised: the flux, the
  soustraits by category (soustraits prévus vs réalisés) and each réservataire's droits prévisionnels vs its
  logements proposés (and its droits théoriques of n).

Figures are matched by perimeter, réservataire name, dimension, modality and indicator: both files come from the
same landlord, who names its réservataires the same way from one year to the next (a réservataire renamed shows
as new in n and absent in n). Nothing here writes a workbook: the trames show these frames
(:attr:`flux_dash.rapports.OptionsRapports.precedent`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan
from flux_dash.calculs.definitions import DEFINITIONS, LIBELLES
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.codes import probleme
from flux_dash.consolidation.definitions import LIBELLES_CONSOLIDATION
from flux_dash.consolidation.envoi import Envoi, FichierRecu
from flux_dash.consolidation.tableaux import libelles_perimetres
from flux_dash.problemes import ERREUR, Probleme

PT, PC, PL = k.PT, k.PC, k.PL
CLES = [PT, PC, "reservataire", "dimension", "modalite", "indicateur"]
"""What matches one figure of n with the same figure of n−1 (one landlord: names are its own)."""

PREVISIONNELS = ("flux_previsionnel", "soustraits_prevus", "droits_previsionnels")
"""Rows of the prévisionnel n+1: compared with what was realised (:data:`MESURES_PREVUES`), not year on year."""

MESURES_PREVUES: dict[str, tuple[str, str, str]] = {
    "flux": ("flux_previsionnel", "total", "flux"),
    "soustraits": ("soustraits_prevus", "categorie_soustraction", "soustraits"),
    "droits": ("droits_previsionnels", "total", "logements_proposes"),
}
"""Measure → (indicator forecast in n−1's file, its dimension, indicator realised in n's)."""
LIBELLES_MESURES = {
    "flux": "Flux annuel",
    "soustraits": "Logements soustraits",
    "droits": "Droits prévisionnels / logements proposés",
}

COLONNES_EVOLUTION = [
    PT,
    PC,
    PL,
    "categorie",
    "categorie_libelle",
    "reservataire",
    "indicateur",
    "libelle",
    "unite",
    "valeur_n",
    "valeur_n_1",
    "evolution",
    "evolution_relative",
    "presence",
]
COLONNES_PREVISIONNEL = [
    PT,
    PC,
    PL,
    "categorie",
    "categorie_libelle",
    "reservataire",
    "mesure",
    "libelle",
    "modalite",
    "modalite_libelle",
    "prevu",
    "realise",
    "ecart",
    "ecart_relatif",
    "droits_theoriques",
]


@dataclass(frozen=True)
class Comparaison:
    """The bilan of ``annee`` compared with the landlord's file of ``annee − 1``.

    ``evolution``: one row per ``total`` figure present in either year — perimeter (type, code, label), categorie,
    categorie_libelle, reservataire (empty for perimeter-wide figures), indicateur, libelle, unite (``nombre``,
    ``ratio`` or ``jours``), valeur_n, valeur_n_1 (NaN when absent that year), evolution (n − n−1; for a ratio a
    difference of fractions), evolution_relative (for counts, ÷ n−1; NaN when n−1 is 0 or for a ratio), presence
    (``n et n−1``, ``n`` or ``n−1``: the years whose file has the figure).

    ``previsionnel``: one row per forecast of n−1's file for n — mesure (``flux``, ``soustraits`` by category
    in ``modalite`` plus their total with ``modalite`` empty, ``droits`` per réservataire on its convention
    perimeter), prevu, realise (flux, soustraits, logements proposés of n), ecart (réalisé − prévu),
    ecart_relatif (÷ prévu), droits_theoriques (of n, for ``droits``)."""

    annee: int
    annee_precedente: int
    bailleur: str
    fichiers: tuple[FichierRecu, ...]
    evolution: pd.DataFrame
    previsionnel: pd.DataFrame

    def selection(
        self, *, reservataire: str | None = None, perimetres: Collection[tuple[str, str]] | None = None
    ) -> Comparaison:
        """The rows that concern one recipient. With ``reservataire``: that réservataire's rows, and with
        ``perimetres`` also the perimeter-wide rows of those perimeters (the flux its droits are computed on);
        with ``perimetres`` alone: every row of those perimeters."""

        def garder(df: pd.DataFrame) -> pd.DataFrame:
            dans = np.ones(len(df), dtype=bool)
            if perimetres is not None:
                cles = pd.Series(list(zip(df[PT], df[PC], strict=True)), index=df.index, dtype=object)
                dans = cles.isin(set(perimetres)).to_numpy()
            if reservataire is None:
                masque = dans
            else:
                masque = (df["reservataire"] == reservataire).to_numpy().copy()
                if perimetres is not None:
                    masque |= dans & (df["reservataire"] == "").to_numpy()
            return df[masque].reset_index(drop=True)

        return replace(self, evolution=garder(self.evolution), previsionnel=garder(self.previsionnel))


def lire_precedent(fichier: object, annee: int) -> tuple[Envoi | None, list[Probleme]]:
    """Last year's file (a path, ``(name, bytes)`` or an uploaded file) for the bilan of ``annee``: the landlord's
    figures of ``annee − 1`` and the problems (French, naming the file). ``None`` with at least one error when
    the file cannot serve: unreadable, not a flux_dash output, of another year, or of several landlords."""
    from flux_dash.consolidation.reception import lire_envois

    recus = lire_envois([fichier])
    if not recus.ok:
        return None, recus.problemes
    nom = recus.fichiers[0].nom if recus.fichiers else str(fichier)
    envois = recus.de_l_annee(annee - 1)
    if not envois:
        annees = ", ".join(str(e.annee) for e in recus.envois)
        return None, [
            *recus.problemes,
            probleme(
                "precedent_autre_annee",
                f"le fichier de l'année précédente est le bilan {annees}, alors que le bilan produit est celui de "
                f"{annee}",
                source=nom,
                conseil=f"Donnez à --precedent le fichier indicateurs_{annee - 1}.csv ou l'archive ZIP du bilan "
                f"{annee - 1}.",
            ),
        ]
    if len(envois) > 1:
        return None, [
            *recus.problemes,
            probleme(
                "envoi_plusieurs_bailleurs",
                "le fichier de l'année précédente mêle plusieurs bailleurs : " + ", ".join(e.bailleur for e in envois),
                source=nom,
                conseil="Donnez à --precedent le bilan d'un seul bailleur, le vôtre.",
            ),
        ]
    return envois[0], [p for p in recus.problemes if p.gravite != ERREUR]


def _lignes_du_bilan(bilan: Bilan, bailleur: str) -> pd.DataFrame:
    from flux_dash import indicateurs_csv

    t = indicateurs_csv.indicateurs_en_tableau(bilan, bailleur)
    return t.astype({c: str for c in [*CLES, "categorie"]})


def _categorie_libelle(codes: pd.Series) -> pd.Series:
    libelles = dict(ref.CATEGORIES_TITULAIRE.libelles)
    return codes.map(lambda c: libelles.get(c, "") if c else "")


def _totaux(t: pd.DataFrame, nom: str) -> pd.DataFrame:
    t = t[(t["dimension"] == "total") & ~t["indicateur"].isin(PREVISIONNELS)]
    return t[[*CLES, "categorie", "valeur"]].rename(columns={"valeur": nom, "categorie": f"categorie_{nom}"})


def evolution(n: pd.DataFrame, n_1: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year of every ``total`` figure (rows of FORMAT.md §2.2 of one landlord, n and n−1)."""
    out = _totaux(n, "valeur_n").merge(_totaux(n_1, "valeur_n_1"), on=CLES, how="outer", indicator="presence")
    out["presence"] = out["presence"].astype(str).map({"both": "n et n−1", "left_only": "n", "right_only": "n−1"})
    out["categorie"] = out["categorie_valeur_n"].where(
        out["categorie_valeur_n"].fillna("") != "", out["categorie_valeur_n_1"]
    )
    out["categorie"] = out["categorie"].fillna("")
    out["evolution"] = out["valeur_n"] - out["valeur_n_1"]
    ratio = out["indicateur"].isin(k.PAR_CODE)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(out["valeur_n_1"] > 0, out["evolution"] / out["valeur_n_1"], np.nan)
    out["evolution_relative"] = np.where(ratio, np.nan, relative)
    out["libelle"] = out["indicateur"].map(lambda c: LIBELLES.get(c) or LIBELLES_CONSOLIDATION.get(c, c))
    out["unite"] = np.where(ratio, out["indicateur"].map(lambda c: k.UNITES.get(c, "ratio")), "nombre")
    out[PL] = libelles_perimetres(out)
    out["categorie_libelle"] = _categorie_libelle(out["categorie"])
    rang = {code: i for i, (code, _, _) in enumerate(DEFINITIONS)}
    out = _trier(out.assign(_r=out["indicateur"].map(rang).fillna(len(rang))), "_r").drop(columns="_r")
    return out[COLONNES_EVOLUTION]


def _trier(df: pd.DataFrame, derniere: str) -> pd.DataFrame:
    """Région, départements, EPCI/EPT, communes; perimeter-wide figures, then holders in the référentiel's order."""
    rang_pt = {t: -i for i, t in enumerate(k.STRATES)}
    rang_cat = {c: i for i, c in enumerate(k.CATEGORIES)}
    cles = ["_pt", PC, "_cat", "reservataire", derniere] + (["modalite"] if "modalite" in df else [])
    return (
        df.assign(
            _pt=df[PT].map(rang_pt).fillna(1),
            _cat=df["categorie"].map(lambda c: -1 if c == "" else rang_cat.get(c, len(rang_cat))),
        )
        .sort_values(cles, kind="stable")
        .drop(columns=["_pt", "_cat"])
        .reset_index(drop=True)
    )


def previsionnel(n: pd.DataFrame, n_1: pd.DataFrame) -> pd.DataFrame:
    """Last year's prévisionnel for n (rows of n−1's file) beside what n realised (rows of n's)."""
    morceaux = []
    cles = [PT, PC, "reservataire", "modalite"]
    for mesure, (prevu, dimension, realise) in MESURES_PREVUES.items():
        p = n_1[(n_1["indicateur"] == prevu) & (n_1["dimension"] == dimension)]
        p = p[[*cles, "categorie", "valeur"]].rename(columns={"valeur": "prevu"})
        r = n[(n["indicateur"] == realise) & (n["dimension"] == dimension)][[*cles, "valeur"]]
        r = r[(r["reservataire"] != "") == (mesure == "droits")]  # droits: a holder's; flux, soustraits: perimeter's
        m = p.merge(r.rename(columns={"valeur": "realise"}), on=cles, how="left")
        if mesure == "droits":
            d = n[(n["indicateur"] == "droits_theoriques") & (n["dimension"] == "total")][[*cles, "valeur"]]
            m = m.merge(d.rename(columns={"valeur": "droits_theoriques"}), on=cles, how="left")
        if mesure == "soustraits" and len(m):
            total = m.groupby([PT, PC], as_index=False, sort=False)["prevu"].sum()
            reel = n[(n["indicateur"] == "soustraits") & (n["dimension"] == "total") & (n["reservataire"] == "")]
            total = total.merge(reel[[PT, PC, "valeur"]].rename(columns={"valeur": "realise"}), on=[PT, PC], how="left")
            m = pd.concat([total.assign(reservataire="", modalite="", categorie=""), m], ignore_index=True)
        morceaux.append(m.assign(mesure=mesure))
    out = pd.concat(morceaux, ignore_index=True) if morceaux else pd.DataFrame(columns=COLONNES_PREVISIONNEL)
    out = out.reindex(columns=[*cles, "categorie", "mesure", "prevu", "realise", "droits_theoriques"])
    out["categorie"] = out["categorie"].fillna("")
    out["realise"] = out["realise"].astype("float64").fillna(0.0)  # a forecast with nothing realised: 0
    out["prevu"] = out["prevu"].astype("float64")
    out["droits_theoriques"] = out["droits_theoriques"].astype("float64")
    out["ecart"] = out["realise"] - out["prevu"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ecart_relatif"] = np.where(out["prevu"] > 0, out["ecart"] / out["prevu"], np.nan)
    out["libelle"] = out["mesure"].map(LIBELLES_MESURES)
    libelles_soustractions = dict(ref.SOUSTRACTIONS.libelles)
    out["modalite_libelle"] = out["modalite"].map(lambda m: libelles_soustractions.get(m, "Total") if m else "")
    out.loc[(out["mesure"] == "soustraits") & (out["modalite"] == ""), "modalite_libelle"] = "Total"
    out[PL] = libelles_perimetres(out) if len(out) else []
    out["categorie_libelle"] = _categorie_libelle(out["categorie"])
    rang = {m: i for i, m in enumerate(MESURES_PREVUES)}
    out = _trier(out.assign(_m=out["mesure"].map(rang)), "_m").drop(columns="_m")
    return out[COLONNES_PREVISIONNEL]


def comparer(bilan: Bilan, precedent: Envoi, bailleur: str = "") -> Comparaison:
    """The bilan of n beside the landlord's figures of n−1 (:func:`lire_precedent`)."""
    n = _lignes_du_bilan(bilan, bailleur or precedent.bailleur)
    n_1 = precedent.lignes.astype({c: str for c in [*CLES, "categorie"]})
    return Comparaison(
        annee=bilan.annee,
        annee_precedente=precedent.annee,
        bailleur=bailleur or precedent.bailleur,
        fichiers=precedent.fichiers,
        evolution=evolution(n, n_1),
        previsionnel=previsionnel(n, n_1),
    )
