"""The [rule] choices of DOMAINE.md, in one named place (DOMAINE.md §3: "Every [rule] is a default the code must
keep in one named place, so that it can be changed").

:class:`ReglesCalcul` is frozen: a bilan is computed with one set of rules, and the reports print them on their
"Paramètres" sheet (:meth:`ReglesCalcul.en_lignes`) so that a réservataire can redo a figure by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flux_dash import referentiel as ref


def _pourcent(valeur: float) -> str:
    texte = f"{valeur * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{texte} %"


@dataclass(frozen=True)
class ReglesCalcul:
    """Every computation choice the texts leave open (DOMAINE.md [rule] tags) and the legal reference values.

    Ratios are fractions (0.30 for 30 %). Reference values are shown beside the indicators as a line to read
    against, never as a verdict on the landlord (DOMAINE.md §4).
    """

    # Year n runs from 1 January to 31 December (DOMAINE.md §3 [rule]: "year boundaries are constants in one
    # module"). The décret speaks of "l'année précédente": the calendar year is the only reading that the
    # réservataires' own information systems share.
    mois_debut_annee: int = 1

    # Préfet: at most 30 % of the flux, of which at most 5 % for agents de l'État (CCH R. 441-5-2) [law].
    plafond_prefet: float = 0.30
    plafond_agents: float = 0.05
    # At least 30 % of the préfet's flux outside QPV unless stipulated (CCH R. 441-5-2) [law, reading debated:
    # both readings a and b are computed, the reference applies to reading a].
    plancher_prefet_hors_qpv: float = 0.30
    # At least 25 % of the attributions of every non-État réservataire and of the landlord go to publics
    # prioritaires (CCH L. 441-1) [law].
    plancher_prioritaires: float = 0.25
    # At least 25 % of attributions outside QPV go to 1er-quartile households or households rehoused by urban
    # renewal (loi Égalité et Citoyenneté, CCH L. 441-1) [law].
    plancher_premier_quartile_hors_qpv: float = 0.25
    # At least 50 % of attributions in QPV go to households outside the 1er quartile, unless the CIA says
    # otherwise (CCH L. 441-1) [law, default].
    plancher_hors_premier_quartile_en_qpv: float = 0.50

    # Orientation dated more than 6 months before date_disponibilite or 18 months after: warning (FORMAT.md §1.5).
    mois_avant_disponibilite: int = 6
    mois_apres_disponibilite: int = 18

    # EPCI "LEC"/EPT that receive a consolidated bilan: every EPT, Paris, every EPCI with at least one QPV
    # (DOMAINE.md §2 [rule]); the user may change the list.
    epci_lec: tuple[str, ...] = field(default_factory=ref.epci_lec_par_defaut)

    # Optional small-cell masking of counts 1–4 ("< 5") in documents shared beyond the réservataire (DOMAINE.md §6).
    seuil_masquage: int = 5

    # Prévisionnel of a perimeter smaller than a département (EPCI/EPT, commune): the département's forecast
    # (soustraits prévus, disponibilités prévues) is shared in proportion to the perimeter's disponibilités of
    # year n in that département, because the `previsionnel` table is given per département (FORMAT.md §1.4).
    prorata_previsionnel: bool = True

    # Relogements réalisés (DOMAINE.md §3 [law R. 441-5]+[rule]): soustraits logements with an ATTRIBUE tour dated
    # in n. R. 441-5 asks for "the attributions made the previous year" for these rehousings, so by default the
    # logement's date_disponibilite does not matter (freed in December n−1, attributed in January n: a relogement
    # of n). True = only soustraits available in n (then relogements réalisés ⊂ soustraits of n).
    relogements_disponibles_n: bool = False

    # CIA indicators per EPCI/EPT (1er quartile hors QPV, hors 1er quartile en QPV, CCH L. 441-1): the law counts
    # every annual attribution, including the rehousing of urban-renewal operations (hence menage_relogement_ru in
    # the numerator), which happens on soustraits logements. True = soustraits logements included; False = only
    # the attribués of the flux (DOMAINE.md §3).
    cia_avec_soustraits: bool = True

    def debut(self, annee: int) -> pd.Timestamp:
        """First day of year ``annee`` (inclusive)."""
        return pd.Timestamp(year=annee if self.mois_debut_annee == 1 else annee - 1, month=self.mois_debut_annee, day=1)

    def fin(self, annee: int) -> pd.Timestamp:
        """First day of year ``annee + 1`` (exclusive bound)."""
        return self.debut(annee + 1)

    def dans_annee(self, dates: pd.Series, annee: int) -> pd.Series:
        """Boolean mask: the dates that fall in year ``annee`` (NaT → False)."""
        return ((dates >= self.debut(annee)) & (dates < self.fin(annee))).fillna(False).astype(bool)

    def annee_de(self, dates: pd.Series) -> pd.Series:
        """The year n of each date (``Int64``, NA for NaT): the ``annee`` for which :meth:`dans_annee` is true."""
        dates = pd.to_datetime(dates, errors="coerce")
        apres_debut = (dates.dt.month >= self.mois_debut_annee) & (self.mois_debut_annee != 1)
        return (dates.dt.year + apres_debut.astype(int)).astype("Int64")

    def en_lignes(self) -> pd.DataFrame:
        """The rules as French rows (``libelle``, ``valeur``, ``raison``) for the reports' "Paramètres" sheet."""
        debut = "1er janvier" if self.mois_debut_annee == 1 else f"1er jour du mois {self.mois_debut_annee}"
        lignes = [
            (
                "Année de référence",
                f"année civile (du {debut} au dernier jour précédant le {debut} suivant)",
                "Les dates de disponibilité, d'orientation et d'attribution sont rattachées à l'année où elles tombent.",
            ),
            (
                "Logements comptés",
                "logements distincts",
                "Un logement orienté deux fois vers le même réservataire compte une fois (et deux tours).",
            ),
            (
                "Logement proposé",
                "au moins un tour vers le réservataire daté (orientation) de l'année n",
                "Un logement disponible en n−1 et orienté en n est proposé en n ; le flux, lui, suit la date de disponibilité.",
            ),
            (
                "Logement attribué",
                "tour dont l'issue est « attribué » et la date d'attribution dans l'année n",
                "Une attribution décidée en n+1 n'est pas comptée en n.",
            ),
            (
                "Logements soustraits",
                "exclus des proposés, des attribués et des tours",
                "Ils sortent du flux avant le calcul des parts ; leurs attributions sont des relogements réalisés.",
            ),
            (
                "Relogements réalisés",
                "logements soustraits disponibles dans l'année n et attribués dans l'année n"
                if self.relogements_disponibles_n
                else "logements soustraits attribués dans l'année n, quelle que soit la date de disponibilité",
                "Art. R. 441-5 CCH : attributions réalisées l'année précédente au titre des relogements ; un logement "
                "libéré en décembre n−1 et attribué en janvier n est un relogement de n.",
            ),
            (
                "Orientation hors périmètre",
                "hors des chiffres de la convention, sur la ligne « Hors convention »",
                "Un logement orienté vers un réservataire hors de ses périmètres de convention n'entre pas dans les "
                "chiffres de ses conventions (proposés, attribués, droits, taux ; la validation le signale) ; il compte "
                "dans les totaux du périmètre, sur une ligne « Hors convention » à son nom, et son bilan le mentionne : "
                "une attribution réelle n'est jamais retirée des chiffres d'un territoire.",
            ),
            (
                "Part des attributions",
                "sur l'ensemble des attributaires, bailleur et ligne « Hors convention » compris",
                "Les parts des attributions font 100 % ; les parts du flux en orientation peuvent dépasser 100 %.",
            ),
            ("Droits théoriques", "taux × flux / 100, non arrondis", "Les arrondis ne servent qu'à l'affichage."),
            ("Division par zéro", "« n.s. » (non significatif)", "Jamais 0 % ni erreur."),
            ("Plafond préfet", _pourcent(self.plafond_prefet), "Art. R. 441-5-2 CCH (dérogation possible par arrêté)."),
            (
                "Plafond agents de l'État",
                _pourcent(self.plafond_agents),
                "Art. R. 441-5-2 CCH, inclus dans le plafond préfet.",
            ),
            (
                "Préfet hors QPV (minimum)",
                _pourcent(self.plancher_prefet_hors_qpv),
                "Art. R. 441-5-2 CCH ; lecture a (part des orientations préfet) comparée à la référence, lecture b affichée à côté.",
            ),
            (
                "Publics prioritaires (minimum)",
                _pourcent(self.plancher_prioritaires),
                "Art. L. 441-1 CCH : réservataires autres que l'État et bailleur.",
            ),
            (
                "1er quartile hors QPV (minimum)",
                _pourcent(self.plancher_premier_quartile_hors_qpv),
                "Loi Égalité et Citoyenneté ; ménages du 1er quartile ou relogés au titre du renouvellement urbain.",
            ),
            (
                "Hors 1er quartile en QPV (minimum)",
                _pourcent(self.plancher_hors_premier_quartile_en_qpv),
                "Art. L. 441-1 CCH, valeur par défaut sauf convention intercommunale d'attribution.",
            ),
            (
                "Délai d'orientation signalé",
                f"plus de {self.mois_avant_disponibilite} mois avant ou "
                f"{self.mois_apres_disponibilite} mois après la disponibilité",
                "Contrôle de cohérence (avertissement).",
            ),
            (
                "Indicateurs intercommunaux (1er quartile)",
                "toutes les attributions de l'année, logements soustraits compris"
                if self.cia_avec_soustraits
                else "attributions du flux (logements soustraits exclus)",
                "Art. L. 441-1 CCH : le taux porte sur l'ensemble des attributions annuelles, relogements du "
                "renouvellement urbain compris.",
            ),
            (
                "EPCI « LEC » / EPT",
                f"{len(self.epci_lec)} territoires",
                "Par défaut : tous les EPT, Paris et tout EPCI comptant au moins un QPV.",
            ),
            (
                "Masquage des petits effectifs",
                f"effectifs de 1 à {self.seuil_masquage - 1} affichés « < {self.seuil_masquage} »",
                "Optionnel, pour les documents diffusés au-delà du réservataire.",
            ),
            (
                "Prévisionnel infra-départemental",
                "au prorata des disponibilités de l'année n" if self.prorata_previsionnel else "non calculé",
                "Le prévisionnel est saisi par département.",
            ),
        ]
        return pd.DataFrame(lignes, columns=["libelle", "valeur", "raison"])
