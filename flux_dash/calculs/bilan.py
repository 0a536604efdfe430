"""The :class:`Bilan`: every figure of the bilan of year n (DOMAINE.md §3–§5) as tidy DataFrames, each frame
declared once in :data:`CADRES` — what one row is, its columns in output order with their dtype, and how the
figures that need it are defined.

The engine selects each frame's columns from these declarations (:func:`selectionner`); the trames, the charts,
the CSV and the tests read them from here instead of typing the column lists again.

Conventions shared by every frame
---------------------------------
- Long/tidy format, explicit columns, default ``RangeIndex``, sorted deterministically.
- Perimeters are identified by ``perimetre_type`` (``COMMUNE``, ``EPCI_EPT``, ``DEPARTEMENT``, ``REGION``) and
  ``perimetre_code`` (INSEE code, SIREN, département code, ``11``), with ``perimetre_libelle`` (French label).
  Sort order: ``perimetre_type`` in :data:`flux_dash.referentiel.PERIMETRES` order (commune, EPCI/EPT,
  département, région), then ``perimetre_code``.
- Holders are identified by ``reservataire`` (the name used in ``tours``; ``"Bailleur"`` for the landlord)
  with ``categorie`` (code of :data:`flux_dash.referentiel.CATEGORIES_TITULAIRE`). Sort order: category
  in référentiel order (BAILLEUR, then the « Hors convention » lines last), then name.
- The « Hors convention » line (DOMAINE.md §2–§3): a réservataire's orientations and attributions on logements
  outside all its convention perimeters are in none of its convention figures (``realisation``, ``issues``,
  ``repartitions``) but they are real: ``consolidation`` holds them on a row with ``categorie`` =
  ``HORS_CONVENTION`` and ``reservataire`` = the réservataire's name (one row per réservataire concerned, so a
  perimeter may hold two rows of one name: its convention figures and its out-of-convention ones; the key of
  ``consolidation`` is categorie × reservataire × perimeter), and ``flux.attributions`` counts them.
- Categories (soustraction, issue, décret modalities) appear in référentiel display order, **every modality
  listed even when zero** (except ``commune`` modalities: the communes of the perimeter where the landlord has
  logements in the ``logements`` table).
- Counts are ``int64`` raw counts of distinct logements (or of tours for ``tours``/issues). Counts that depend
  on an optional column (prioritaires, DALO, 1er quartile) are ``float64``, NaN when that column is absent
  from the file (all ``<NA>``).
- Ratios are ``float64`` raw fractions (0.25 for 25 %), **never rounded**, NaN when not significant
  (division by zero). Display code formats them ("n.s." for NaN).

Strate perimeters are the commune, the EPCI/EPT territory (``referentiel.communes()``: EPT in the Métropole
du Grand Paris, Paris = 217500016, else the EPCI), the département and the région ``11``, for every commune
where the landlord has at least one logement (any year). Convention perimeters are those of the ``conventions``
table (an EPCI_EPT convention may name an EPCI that is not a territory, e.g. the MGP 200054781).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.cles import PC, PL, PT
from flux_dash.calculs.reconciliation import controler_bilan
from flux_dash.regles import ReglesCalcul

TEXTE, ENTIER, DECIMAL, BOOLEEN = "str", "int64", "float64", "bool"
"""The dtypes of the declarations (a ``str`` column may also be an ``object`` column of ``str``)."""


@dataclass(frozen=True)
class Cadre:
    """The declaration of one frame of a :class:`Bilan`."""

    ligne: str
    """What one row is (and which rows there are)."""
    colonnes: dict[str, str]
    """Column → dtype, in output order."""
    definitions: dict[str, str] = field(default_factory=dict)
    """Column → how it is computed, where the name does not say it all."""


_PERIMETRE = {PT: TEXTE, PC: TEXTE, PL: TEXTE}
_TITULAIRE = {"reservataire": TEXTE, "categorie": TEXTE}

CADRES: dict[str, Cadre] = {
    "perimetres": Cadre(
        "one row per perimeter computed (strates ∪ convention perimeters).",
        {
            **_PERIMETRE,
            "strate": BOOLEEN,
            "convention": BOOLEEN,
            "departements": TEXTE,
            "code_territoire": TEXTE,
            "lec": BOOLEEN,
        },
        {
            "strate": "a strate territoriale of the landlord's stock",
            "convention": "named by at least one convention",
            "departements": "département codes covered, sorted, ``;``-joined",
            "code_territoire": 'the EPCI/EPT of a commune, else ""',
            "lec": "an EPCI_EPT in ``regles.epci_lec``; False for other types",
        },
    ),
    "appartenance": Cadre(
        "one row per (perimeter, commune where the landlord has logements) inside it.",
        {PT: TEXTE, PC: TEXTE, "code_commune": TEXTE},
    ),
    "reservataires": Cadre(
        "one row per holder: every réservataire of ``conventions`` plus ``Bailleur``.",
        {**_TITULAIRE, "categorie_libelle": TEXTE, "slug": TEXTE},
        {"slug": "FORMAT.md §2.1 file-name slug"},
    ),
    "conventions": Cadre(
        "one row per convention (réservataire × perimeter), as given, with its label.",
        {**_TITULAIRE, **_PERIMETRE, "taux_convention": DECIMAL},
        {"taux_convention": "percent, 0–100"},
    ),
    "flux": Cadre(
        "one row per perimeter of ``perimetres`` (DOMAINE.md §3).",
        {
            **_PERIMETRE,
            "disponibilites": ENTIER,
            "soustraits": ENTIER,
            "flux": ENTIER,
            "relogements_realises": ENTIER,
            "disponibilites_en_qpv": ENTIER,
            "disponibilites_hors_qpv": ENTIER,
            "flux_en_qpv": ENTIER,
            "flux_hors_qpv": ENTIER,
            "attributions": ENTIER,
        },
        {
            "flux": "disponibilites − soustraits",
            "attributions": "logements attribués in n, all holders (Bailleur and « Hors convention » included): "
            "attribués(P, n), the denominator of part des attributions (DOMAINE.md §3)",
        },
    ),
    "soustraits": Cadre(
        "one row per perimeter × soustraction category (all six categories, zeros included).",
        {
            **_PERIMETRE,
            "categorie_soustraction": TEXTE,
            "categorie_libelle": TEXTE,
            "soustraits": ENTIER,
            "relogements_realises": ENTIER,
        },
        {
            "soustraits": "disponibilités of n in that category",
            "relogements_realises": "soustraits logements of that category with an ATTRIBUE tour dated in n, "
            "whatever their date_disponibilite unless ``regles.relogements_disponibles_n``",
        },
    ),
    "realisation": Cadre(
        "one row per holder × its perimeters: each réservataire × each of its convention perimeters "
        "(``convention`` True); ``Bailleur`` × every strate perimeter (``convention`` False).",
        {
            **_TITULAIRE,
            **_PERIMETRE,
            "convention": BOOLEEN,
            "disponibilites": ENTIER,
            "soustraits": ENTIER,
            "flux": ENTIER,
            "logements_proposes": ENTIER,
            "logements_attribues": ENTIER,
            "tours": ENTIER,
            "part_flux_orientations": DECIMAL,
            "part_attributions": DECIMAL,
            "taux_convention": DECIMAL,
            "droits_theoriques": DECIMAL,
            "ecart": DECIMAL,
            "taux_realisation": DECIMAL,
            "taux_transformation": DECIMAL,
        },
        {
            "disponibilites": "of the perimeter (so are soustraits and flux)",
            "part_flux_orientations": "proposés / flux",
            "part_attributions": "attribués / attributions of the perimeter",
            "taux_convention": "percent, NaN for Bailleur",
            "droits_theoriques": "taux × flux / 100",
            "ecart": "proposés − droits théoriques",
            "taux_realisation": "proposés / droits théoriques",
            "taux_transformation": "attribués / proposés",
        },
    ),
    "issues": Cadre(
        "one row per row of ``realisation`` × issue (five issues, zeros included).",
        {**_TITULAIRE, **_PERIMETRE, "issue": TEXTE, "issue_libelle": TEXTE, "tours": ENTIER},
        {"tours": "tours to the holder dated in n on non-soustrait logements of the perimeter with that issue"},
    ),
    "repartitions": Cadre(
        "the décret breakdowns (CCH R. 441-5-1): one row per row of ``realisation`` × dimension "
        "(``referentiel.DIMENSIONS_DECRET`` order) × modality (référentiel order; communes by code). For each "
        "dimension the modalities add up to the ``realisation`` totals.",
        {
            **_TITULAIRE,
            **_PERIMETRE,
            "dimension": TEXTE,
            "modalite": TEXTE,
            "modalite_libelle": TEXTE,
            "logements_proposes": ENTIER,
            "logements_attribues": ENTIER,
        },
    ),
    "consolidation": Cadre(
        "the consolidated views (DOMAINE.md §5.2–5.3): one row per perimeter of ``perimetres`` (strates and "
        "convention perimeters) × holder, for every holder with a valid tour on a logement of the perimeter (any "
        "date) or a convention overlapping it, always ``Bailleur``, and one « Hors convention » row "
        "(``categorie`` ``HORS_CONVENTION``) per réservataire with orientations, tours or attributions of n on "
        "logements of the perimeter outside its convention perimeters (DOMAINE.md §3). In every perimeter, "
        "Σ logements_attribues over its rows = ``flux.attributions``.",
        {
            **_PERIMETRE,
            **_TITULAIRE,
            "logements_proposes": ENTIER,
            "part_flux_orientations": DECIMAL,
            "logements_attribues": ENTIER,
            "part_attributions": DECIMAL,
            "attribues_en_qpv": ENTIER,
            "attribues_hors_qpv": ENTIER,
            "attribues_prioritaires": DECIMAL,
            "attribues_dalo": DECIMAL,
            "attribues_premier_quartile": DECIMAL,
            "taux_convention": DECIMAL,
            "droits_theoriques": DECIMAL,
            "taux_realisation": DECIMAL,
        },
        {
            "part_attributions": "Σ part_attributions = 1 where attributions > 0",
            "taux_convention": "percent, the holder's convention on this very perimeter; NaN elsewhere (a strate "
            "inside or around its convention perimeter: DOMAINE.md §5.2), so are droits and taux de réalisation",
            "droits_theoriques": "taux × flux / 100",
            "taux_realisation": "proposés / droits théoriques",
            "attribues_prioritaires": "a count, NaN if the optional column is absent (so are DALO, 1er quartile)",
        },
    ),
    "indicateurs": Cadre(
        'the §4 indicators, one row per indicator × perimeter × holder ("" for perimeter-wide).',
        {
            "indicateur": TEXTE,
            "libelle": TEXTE,
            **_PERIMETRE,
            **_TITULAIRE,
            "numerateur": DECIMAL,
            "denominateur": DECIMAL,
            "valeur": DECIMAL,
            "motif_vide": TEXTE,
            "cible": DECIMAL,
            "sens": TEXTE,
            "unite": TEXTE,
        },
        {
            "indicateur": "code, see ``definitions.DEFINITIONS``",
            "categorie": '"" when perimeter-wide (so is reservataire)',
            "numerateur": "NaN when the optional column it needs is absent, and for the mean delay (a mean in days "
            "over its base, the denominator)",
            "valeur": "NaN when not significant or when the optional column it needs is absent",
            "motif_vide": '"" when ``valeur`` is given, else "non_significatif" (division by zero) or "non_renseigne" '
            "(the optional column it needs is absent from the file)",
            "cible": "NaN when no reference value",
            "sens": '"max", "min" or "": how to read ``cible``',
            "unite": '"ratio", "jours" or "nombre"',
        },
    ),
    "previsionnel": Cadre(
        "prévisionnel n+1 (DOMAINE.md §5.4), one row per perimeter: every département of the stock or of the "
        "``previsionnel`` table, then every other perimeter of ``perimetres`` (communes, EPCI/EPT, région, "
        "convention perimeters), convention or not. A perimeter smaller than a département gets a prorata of its "
        "départements' forecast (``regles.prorata_previsionnel``); the région adds up its départements.",
        {
            **_PERIMETRE,
            "disponibilites_n": ENTIER,
            "disponibilites_prevues": DECIMAL,
            "soustraits_prevus": DECIMAL,
            "flux_previsionnel": DECIMAL,
            "source_disponibilites": TEXTE,
            "estimation": BOOLEEN,
        },
        {
            "disponibilites_prevues": "NaN when not given",
            "flux_previsionnel": "disponibilites_prevues − soustraits_prevus if given, else "
            "disponibilites_n − soustraits_prevus",
            "source_disponibilites": '"prevues" or "annee_n"',
            "estimation": "the figures are a share of a département's forecast (a weight strictly between 0 and 1): "
            "shown with one decimal, labelled as an estimate (DOMAINE.md §5.4)",
        },
    ),
    "previsionnel_soustraits": Cadre(
        "one row per perimeter of ``previsionnel`` × soustraction category.",
        {
            **_PERIMETRE,
            "categorie_soustraction": TEXTE,
            "categorie_libelle": TEXTE,
            "soustraits_prevus": DECIMAL,
            "relogements_realises_n": ENTIER,
            "estimation": BOOLEEN,
        },
        {"estimation": "as in ``previsionnel``"},
    ),
    "previsionnel_reservataires": Cadre(
        "one row per convention.",
        {
            **_TITULAIRE,
            **_PERIMETRE,
            "taux_convention": DECIMAL,
            "flux_previsionnel": DECIMAL,
            "droits_previsionnels": DECIMAL,
            "estimation": BOOLEEN,
        },
        {
            "droits_previsionnels": "taux × flux prévisionnel / 100",
            "estimation": "the convention perimeter's flux prévisionnel is an estimate (as in ``previsionnel``)",
        },
    ),
    "repartitions_consolidation": Cadre(
        "the ``qpv`` and ``commune`` breakdowns of proposés and attribués of every row of ``consolidation`` "
        "(FORMAT.md §2.2 v1.1: every holder at every strate where it has any): both QPV modalities, zeros included, "
        "and the communes of the perimeter where the holder has a proposé or an attribué. For each dimension the "
        "modalities add up to the ``consolidation`` totals.",
        {
            **_PERIMETRE,
            **_TITULAIRE,
            "dimension": TEXTE,
            "modalite": TEXTE,
            "modalite_libelle": TEXTE,
            "logements_proposes": ENTIER,
            "logements_attribues": ENTIER,
        },
    ),
}
"""Every frame of a :class:`Bilan`, by attribute name, in attribute order."""

COLONNES: dict[str, list[str]] = {nom: list(cadre.colonnes) for nom, cadre in CADRES.items()}
"""Frame → its columns in output order (from :data:`CADRES`)."""


def selectionner(df: pd.DataFrame, cadre: str) -> pd.DataFrame:
    """The declared columns of frame ``cadre``, in their declared order."""
    return df[COLONNES[cadre]]


@dataclass(frozen=True)
class Bilan:
    """All figures of the bilan of year ``annee`` (DOMAINE.md §3–§5), computed with ``regles``; every frame is
    described below (generated from :data:`CADRES`)."""

    annee: int
    regles: ReglesCalcul
    perimetres: pd.DataFrame
    appartenance: pd.DataFrame
    reservataires: pd.DataFrame
    conventions: pd.DataFrame
    flux: pd.DataFrame
    soustraits: pd.DataFrame
    realisation: pd.DataFrame
    issues: pd.DataFrame
    repartitions: pd.DataFrame
    consolidation: pd.DataFrame
    indicateurs: pd.DataFrame
    previsionnel: pd.DataFrame = field(default_factory=pd.DataFrame)
    previsionnel_soustraits: pd.DataFrame = field(default_factory=pd.DataFrame)
    previsionnel_reservataires: pd.DataFrame = field(default_factory=pd.DataFrame)
    repartitions_consolidation: pd.DataFrame = field(default_factory=pd.DataFrame)
    bail_signe_renseigne: bool = False
    """The file fills ``bail_signe``: the CIA indicators count only the attributions followed by a signed lease
    (L. 441-1, DOMAINE.md §4); else every attribution, which :meth:`parametres_donnees` says."""

    def parametres_donnees(self) -> pd.DataFrame:
        """What the figures took from the data rather than from the rules (libelle, valeur, raison), for the
        « Paramètres » sheet beside ``regles.en_lignes()``: the attributions counted by the CIA indicators."""
        valeur = (
            "attributions suivies d'un bail signé (colonne bail_signe renseignée)"
            if self.bail_signe_renseigne
            else "toutes les attributions (colonne bail_signe absente)"
        )
        return pd.DataFrame(
            [
                (
                    "Indicateurs intercommunaux : attributions comptées",
                    valeur,
                    "Art. L. 441-1 CCH : attributions suivies de baux signés ; sans la colonne bail_signe, toutes les "
                    "attributions de l'année sont comptées.",
                )
            ],
            columns=["libelle", "valeur", "raison"],
        )

    def reconciliation(self) -> pd.DataFrame:
        """The reconciliation checks (see :func:`verifier_reconciliation`)."""
        return verifier_reconciliation(self)

    def realisation_de(self, reservataire: str) -> pd.DataFrame:
        """Rows of ``realisation`` of one holder."""
        return self.realisation[self.realisation["reservataire"] == reservataire].reset_index(drop=True)

    def hors_convention_de(self, reservataire: str) -> pd.DataFrame:
        """The « Hors convention » rows of ``consolidation`` of one réservataire (every perimeter where it was
        oriented or attributed logements outside its convention perimeters): what its own bilan lists
        (DOMAINE.md §3); select ``perimetre_type == "COMMUNE"`` for the detail by commune."""
        c = self.consolidation
        hors = (c["categorie"] == ref.HORS_CONVENTION) & (c["reservataire"] == reservataire)
        return c[hors.to_numpy()].reset_index(drop=True)


def verifier_reconciliation(bilan: Bilan) -> pd.DataFrame:
    """Reconciliation checks of ``bilan``: one row per check × perimeter (controle, perimetre, attendu, obtenu,
    ok), see :mod:`flux_dash.calculs.reconciliation`."""
    return controler_bilan(
        perimetres=bilan.perimetres,
        appartenance=bilan.appartenance,
        flux=bilan.flux,
        soustraits=bilan.soustraits,
        realisation=bilan.realisation,
        issues=bilan.issues,
        repartitions=bilan.repartitions,
        consolidation=bilan.consolidation,
        repartitions_consolidation=bilan.repartitions_consolidation,
    )


def _documenter() -> str:
    """The description of every frame, appended to :class:`Bilan`'s docstring."""
    lignes = [Bilan.__doc__ or "", ""]
    for nom, cadre in CADRES.items():
        lignes.append(f"``{nom}`` — {cadre.ligne}")
        for colonne, dtype in cadre.colonnes.items():
            definition = cadre.definitions.get(colonne)
            lignes.append(f"    {colonne} ({dtype}{': ' + definition if definition else ''})")
        lignes.append("")
    return "\n".join(lignes)


Bilan.__doc__ = _documenter()
