"""The tidy indicators file ``indicateurs_{n}.csv`` (FORMAT.md §2.2, v1.1): one figure per row, read from a Bilan.

Rows, every one with the landlord's name (``bailleur``) and the holder's category (``categorie``, empty for
perimeter-wide figures):

- perimeter-wide figures (``reservataire`` empty) for every perimeter of the bilan, ``logements_attribues`` (every
  holder, « Hors convention » included) and ``flux_hors_qpv`` among them;
- every holder × its perimeters (réservataire × convention perimeter, Bailleur × strates): ``total`` rows, the
  ``issue`` rows of its tours and the five décret breakdowns of ``logements_proposes`` and ``logements_attribues``;
- every other holder × perimeter of ``Bilan.consolidation`` (a réservataire outside its convention perimeter, the
  « Hors convention » lines): ``logements_proposes`` and ``logements_attribues`` with their ``qpv`` and ``commune``
  breakdowns — so that the files of several landlords add up at every strate;
- the §4 indicators, each ratio with its numerator and denominator as count rows named as the receiving side reads
  them (:data:`flux_dash.consolidation.contrat.RATIOS`, the single declaration of those names);
- the prévisionnel n+1.

Ratios are fractions (0,25 for 25 %), empty when not significant; a count that needs an optional column absent
from the file is empty too.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from flux_dash import garde
from flux_dash import referentiel as ref
from flux_dash.calculs.bilan import Bilan
from flux_dash.calculs.cles import PC, PL, PT, trier
from flux_dash.calculs.definitions import DEFINITIONS
from flux_dash.consolidation import contrat

ENTETE = list(contrat.ENTETE)
"""``annee;bailleur;perimetre_type;perimetre_code;perimetre_libelle;categorie;reservataire;dimension;modalite;
indicateur;valeur`` (FORMAT.md §2.2 v1.1): the header the receiving side reads."""
CLES = [PT, PC, "categorie", "reservataire", "dimension", "modalite", "indicateur"]
"""What identifies one row of the file (one value per key)."""
_RANG_INDICATEUR = {code: i for i, (code, _, _) in enumerate(DEFINITIONS)}
_RATIOS_REALISATION = ["part_flux_orientations", "part_attributions", "taux_realisation", "taux_transformation"]
_MESURES_REALISATION = [
    "logements_proposes",
    "logements_attribues",
    "tours",
    *_RATIOS_REALISATION,
    "taux_convention",
    "droits_theoriques",
    "ecart",
]
_MESURES_PERIMETRE = ["disponibilites", "soustraits", "flux", "flux_hors_qpv", "relogements_realises", "attributions"]
_NOMS_PERIMETRE = {"attributions": "logements_attribues"}
"""``Bilan.flux`` column → indicator name in the file, where they differ."""
_MESURES_STRATE = ["logements_proposes", "logements_attribues"]


def _long(
    df: pd.DataFrame, mesures: list[str], *, reservataire: bool, dimension: str = "total", modalite: str | None = None
) -> pd.DataFrame:
    """``df`` in long form: one row per row of ``df`` × measure (measure-major, like ``DataFrame.melt``, built with
    numpy because melt costs ~10 ms a call and the file needs about twenty of them)."""
    n, k = len(df), len(mesures)
    vide = np.full(n * k, "", dtype=object)

    def repete(colonne: str) -> np.ndarray:
        return np.tile(df[colonne].to_numpy(dtype=object), k)

    return pd.DataFrame(
        {
            PT: repete(PT),
            PC: repete(PC),
            PL: repete(PL),
            "reservataire": repete("reservataire") if reservataire else vide,
            "categorie": repete("categorie") if reservataire else vide,
            "dimension": dimension,
            "modalite": repete(modalite) if modalite else vide,
            "indicateur": np.repeat(np.asarray(mesures, dtype=object), n),
            "valeur": np.concatenate([df[m].to_numpy(dtype="float64", na_value=np.nan) for m in mesures])
            if k
            else np.empty(0, dtype="float64"),
        }
    )


def _hors_realisation(df: pd.DataFrame, realisation: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``df`` whose holder × perimeter is not a row of ``realisation`` (which writes every figure)."""
    cles = ["categorie", "reservataire", PT, PC]
    deja = realisation[cles].assign(_deja=True)
    marque = df[cles].merge(deja, on=cles, how="left")["_deja"].fillna(False).to_numpy(dtype=bool)
    return df[~marque]


def _comptes_des_ratios(ind: pd.DataFrame) -> list[pd.DataFrame]:
    """The numerator and denominator rows of every ratio of ``Bilan.indicateurs`` that the receiving side
    recomputes (:data:`contrat.RATIOS`): same perimeter and holder as the ratio (``niveau`` ``ligne``), or the
    perimeter-wide line (``perimetre``). Rows that the file already holds (``flux``, ``logements_attribues``…) are
    dropped later, the first row of a key winning: they hold the same count."""
    morceaux = []
    # The mean delay carries its base only (issue 10 item 5); its numerator row is the total delay = mean × base.
    jours = (ind["unite"] == "jours").to_numpy()
    den = ind["denominateur"].to_numpy(dtype="float64")
    total = np.where(den > 0, np.round(ind["valeur"].to_numpy(dtype="float64") * den, 6), 0.0)
    ind = ind.assign(numerateur=np.where(jours, total, ind["numerateur"].to_numpy(dtype="float64")))
    for r in contrat.RATIOS:
        lignes = ind[ind["indicateur"] == r.code]
        if lignes.empty:
            continue
        for nom, colonne, niveau in (
            (r.numerateur, "numerateur", r.niveau_numerateur),
            (r.denominateur, "denominateur", r.niveau_denominateur),
        ):
            morceau = _long(lignes, [colonne], reservataire=niveau == "ligne")
            morceau["indicateur"] = nom
            morceaux.append(morceau)
    return morceaux


def indicateurs_en_tableau(bilan: Bilan, bailleur: str = "") -> pd.DataFrame:
    """Every figure of the bilan as FORMAT.md §2.2 rows (``valeur`` float64, NaN when not significant), with the
    landlord's name ``bailleur`` on every row."""
    flux = bilan.flux.rename(columns=_NOMS_PERIMETRE)
    morceaux = [
        _long(flux, [_NOMS_PERIMETRE.get(m, m) for m in _MESURES_PERIMETRE], reservataire=False),
        _long(
            bilan.soustraits,
            ["soustraits", "relogements_realises"],
            reservataire=False,
            dimension="categorie_soustraction",
            modalite="categorie_soustraction",
        ),
    ]
    realisation = bilan.realisation.assign(taux_convention=bilan.realisation["taux_convention"] / 100)
    morceaux.append(_long(realisation, _MESURES_REALISATION, reservataire=True))
    morceaux.append(_long(bilan.issues, ["tours"], reservataire=True, dimension="issue", modalite="issue"))
    rep = bilan.repartitions
    for mesure in ["logements_proposes", "logements_attribues"]:
        morceau = _long(rep, [mesure], reservataire=True, modalite="modalite")
        morceau["dimension"] = rep["dimension"].to_numpy(dtype=object)
        morceaux.append(morceau)
    # FORMAT.md §2.2 v1.1: every holder at every strate where it has any, beside its convention perimeters.
    autres = _hors_realisation(bilan.consolidation, bilan.realisation)
    morceaux.append(_long(autres, _MESURES_STRATE, reservataire=True))
    if len(bilan.repartitions_consolidation):
        rc = _hors_realisation(bilan.repartitions_consolidation, bilan.realisation)
        for mesure in _MESURES_STRATE:
            morceau = _long(rc, [mesure], reservataire=True, modalite="modalite")
            morceau["dimension"] = rc["dimension"].to_numpy(dtype=object)
            morceaux.append(morceau)
    ind = bilan.indicateurs
    morceau = _long(ind, ["valeur"], reservataire=True)
    morceau["indicateur"] = ind["indicateur"].to_numpy(dtype=object)
    morceaux.append(morceau)
    morceaux += _comptes_des_ratios(ind)
    if len(bilan.previsionnel):
        morceaux.append(_long(bilan.previsionnel, ["flux_previsionnel"], reservataire=False))
        morceaux.append(
            _long(
                bilan.previsionnel_soustraits,
                ["soustraits_prevus"],
                reservataire=False,
                dimension="categorie_soustraction",
                modalite="categorie_soustraction",
            )
        )
        morceaux.append(_long(bilan.previsionnel_reservataires, ["droits_previsionnels"], reservataire=True))
    out = pd.concat(morceaux, ignore_index=True).drop_duplicates(CLES)
    out["annee"] = bilan.annee
    out["bailleur"] = bailleur
    out["_r_res"] = np.where(out["categorie"] == "", -1, out["categorie"].map(ref.CATEGORIES_TITULAIRE.ordre))
    out["_r_ind"] = out["indicateur"].map(_RANG_INDICATEUR).fillna(len(_RANG_INDICATEUR))
    out = trier(out, [PT, PC, "_r_res", "reservataire", "_r_ind", "indicateur", "dimension", "modalite"])
    return out[ENTETE]


def _nombre(valeur: float) -> str:
    """Integers without decimals; other numbers with at most 6 decimals, decimal comma, no thousands separator."""
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
        return ""
    if float(valeur).is_integer():
        return str(int(valeur))
    texte = f"{valeur:.6f}".rstrip("0").rstrip(".")
    if texte in ("-0", ""):
        texte = "0"
    return texte.replace(".", ",")


def _par_valeur(serie: pd.Series, fonction: Callable[[object], object]) -> np.ndarray:
    """``fonction`` of each row of ``serie``, called once per distinct value: the file repeats a few thousand labels
    and numbers over hundreds of thousands of rows (at 300 000 logements, mapping every row cost 2 s)."""
    codes, uniques = pd.factorize(serie, use_na_sentinel=False)
    return np.asarray([fonction(u) for u in uniques], dtype=object)[codes]


def ecrire_indicateurs_csv(bilan: Bilan, bailleur: str = "") -> bytes:
    """``indicateurs_{n}.csv``: UTF-8 with BOM, ``;``, decimal comma (FORMAT.md §2.2), the landlord's name
    ``bailleur`` on every row."""
    t = indicateurs_en_tableau(bilan, bailleur)
    colonnes = {
        "annee": t["annee"].astype(str),
        **{
            c: _par_valeur(t[c].astype(str), garde.neutraliser)  # CSV-injection guard (FORMAT.md §2.2)
            for c in ["bailleur", PT, PC, PL, "categorie", "reservataire", "dimension", "modalite", "indicateur"]
        },
        "valeur": _par_valeur(t["valeur"], _nombre),
    }
    texte = pd.DataFrame(colonnes)[ENTETE].to_csv(sep=";", index=False, lineterminator="\r\n")
    return ("\ufeff" + texte).encode("utf-8")
