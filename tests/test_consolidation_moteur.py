"""Specification of the consolidation (DOMAINE.md §3.1) on two hand-made landlords (tests/outils_consolidation.py):
sums of counts, ratios from the sums, droits per convention perimeter, réservataires matched by category and
perimeter, per-landlord figures, territories, incomplete perimeters, year-on-year."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from outils_consolidation import (
    EST_ENSEMBLE,
    MONTREUIL,
    PARIS,
    PREFET,
    csv_tidy,
    detenteur,
    habitat_a,
    logis_b,
    perimetre,
    strates,
)

from flux_dash.consolidation import Consolidation, consolider, lire_envois
from flux_dash.consolidation import contrat as k

PREFET_93 = "État – publics prioritaires – Seine-Saint-Denis (93)"


def envois(*fichiers, annee=None):
    r = lire_envois(list(fichiers), annee=annee)
    assert r.ok, r.tableau().to_string()
    return r.envois


@pytest.fixture(scope="module")
def c():
    return consolider(
        envois(("a.csv", csv_tidy("Habitat A", habitat_a())), ("b.csv", csv_tidy("Logis B", logis_b()))), 2024
    )


def valeur(c, indicateur, pt, pc, categorie="", reservataire="", bailleur="", dimension="total", modalite=""):
    t = c.en_tableau()
    t = t[
        (t.bailleur == bailleur)
        & (t.perimetre_type == pt)
        & (t.perimetre_code == pc)
        & (t.categorie == categorie)
        & (t.reservataire == reservataire)
        & (t.dimension == dimension)
        & (t.modalite == modalite)
        & (t.indicateur == indicateur)
    ]
    assert len(t) == 1, f"{len(t)} lignes"
    return float(t.valeur.iloc[0])


@pytest.mark.parametrize(
    ("indicateur", "perimetre", "attendu"),
    [
        ("disponibilites", ("EPCI_EPT", EST_ENSEMBLE), 15),
        ("flux", ("EPCI_EPT", EST_ENSEMBLE), 13),
        ("soustraits", ("DEPARTEMENT", "93"), 2),
        ("logements_attribues", ("COMMUNE", MONTREUIL), 8),
        ("nombre_bailleurs", ("COMMUNE", MONTREUIL), 2),
        ("disponibilites", ("COMMUNE", PARIS), 4),
        ("nombre_bailleurs", ("COMMUNE", PARIS), 1),
        ("disponibilites", ("REGION", "11"), 19),
        ("flux", ("REGION", "11"), 17),
        ("logements_attribues", ("REGION", "11"), 11),
    ],
)
def test_les_comptes_du_perimetre_s_additionnent(c, indicateur, perimetre, attendu):
    assert valeur(c, indicateur, *perimetre) == attendu


def test_soustraits_par_categorie(c):
    assert (
        valeur(c, "soustraits", "DEPARTEMENT", "93", dimension="categorie_soustraction", modalite="MUTATION_INTERNE")
        == 2
    )
    s = c.du_bailleur("soustraits")
    ligne = s[(s.perimetre_code == "93") & (s.categorie_soustraction == "MUTATION_INTERNE")]
    assert ligne[["soustraits", "relogements_realises"]].values.tolist() == [[2.0, 1.0]]


def test_le_prefet_nomme_differemment_par_deux_bailleurs_est_un_seul_reservataire(c):
    noms = c.reservataires[c.reservataires.reservataire == PREFET_93]
    assert sorted(noms.nom) == ["Préfecture de la Seine-Saint-Denis", "Préfet 93 – contingent"]
    assert sorted(noms.bailleur) == ["Habitat A", "Logis B"]
    m = c.du_bailleur("matrice")
    assert len(m[(m.categorie == PREFET) & (m.reservataire != "") & (m.perimetre_code == "93")]) == 1


def test_droits_et_taux_sur_le_perimetre_de_la_convention(c):
    args = ("DEPARTEMENT", "93", PREFET, PREFET_93)
    assert valeur(c, "logements_proposes", *args) == 5
    assert valeur(c, "logements_attribues", *args) == 3
    assert valeur(c, "droits_theoriques", *args) == pytest.approx(2.0 + 1.5)
    assert valeur(c, "taux_convention", *args) == pytest.approx(3.5 / 13)  # Σ droits ÷ Σ flux, never averaged
    assert valeur(c, "taux_realisation", *args) == pytest.approx(5 / 3.5)
    assert valeur(c, "part_flux_orientations", *args) == pytest.approx(5 / 13)
    assert valeur(c, "part_attributions", *args) == pytest.approx(3 / 8)
    assert valeur(c, "taux_transformation", *args) == pytest.approx(3 / 5)
    assert valeur(c, "ecart", *args) == pytest.approx(5 - 3.5)


def test_chaque_bailleur_a_ses_chiffres_a_cote_des_totaux(c):
    args = ("DEPARTEMENT", "93", PREFET, PREFET_93)
    assert valeur(c, "taux_convention", *args, bailleur="Logis B") == pytest.approx(0.30)
    assert valeur(c, "taux_convention", *args, bailleur="Habitat A") == pytest.approx(0.25)
    assert valeur(c, "logements_proposes", *args, bailleur="Habitat A") == 3
    f = c.flux[(c.flux.perimetre_code == EST_ENSEMBLE)]
    assert f[["bailleur", "disponibilites", "part_disponibilites"]].values.tolist() == [
        ["", 15.0, 1.0],
        ["Habitat A", 10.0, pytest.approx(10 / 15)],
        ["Logis B", 5.0, pytest.approx(5 / 15)],
    ]


def test_reservataire_dans_un_territoire_plus_petit_ou_plus_grand_que_sa_convention(c):
    # Est Ensemble lies inside the préfet's département: the landlords' own figures on Est Ensemble.
    assert valeur(c, "logements_proposes", "EPCI_EPT", EST_ENSEMBLE, PREFET, PREFET_93) == 5
    assert (
        valeur(
            c, "logements_attribues", "EPCI_EPT", EST_ENSEMBLE, PREFET, PREFET_93, dimension="qpv", modalite="HORS_QPV"
        )
        == 2
    )
    # The région contains the département: the réservataire's figures on its département.
    assert valeur(c, "logements_attribues", "REGION", "11", PREFET, PREFET_93) == 3
    # No droits outside the convention perimeter.
    t = c.en_tableau()
    assert t[
        (t.indicateur == "droits_theoriques") & (t.perimetre_type != "DEPARTEMENT") & (t.categorie == PREFET)
    ].empty


def test_les_parts_des_attributions_font_100_pourcent_hors_convention_compris(c):
    m = c.du_bailleur("matrice")
    for pc in ("11", PARIS, MONTREUIL):
        lignes = m[(m.perimetre_code == pc) & (m.reservataire == "")]
        assert lignes.part_attributions.sum() == pytest.approx(1.0), pc
    paris = m[(m.perimetre_code == PARIS) & (m.perimetre_type == "COMMUNE")]
    assert paris.set_index("categorie").part_attributions.to_dict() == {
        "BAILLEUR": pytest.approx(2 / 3),
        "HORS_CONVENTION": pytest.approx(1 / 3),
    }


def test_taux_pondere_d_une_commune_compte_les_bailleurs_sans_convention_pour_zero(c):
    args = ("COMMUNE", MONTREUIL, "COMMUNE", "Commune – Montreuil")
    assert valeur(c, "droits_theoriques", *args) == pytest.approx(0.8)
    assert valeur(c, "taux_convention", *args) == pytest.approx(0.8 / 13)


def test_repartitions_du_decret_additionnees(c):
    r = c.du_bailleur("repartitions")
    r = r[(r.reservataire == PREFET_93) & (r.perimetre_code == "93") & (r.dimension == "typologie")]
    assert dict(zip(r.modalite, r.logements_proposes, strict=True)) == {"T2": 2, "T3": 1}
    assert r.modalite_libelle.tolist() == ["T2", "T3"]


def test_les_autres_reservataires_restent_distincts_par_leur_nom():
    lignes_a = habitat_a() + detenteur(
        "DEPARTEMENT", "93", "AUTRE", "AP-HP", logements_proposes=1, taux_convention=0.02, droits_theoriques=0.16
    )
    lignes_b = logis_b() + detenteur(
        "DEPARTEMENT", "93", "AUTRE", "ap hp", logements_proposes=2, taux_convention=0.01, droits_theoriques=0.05
    )
    lignes_b += detenteur(
        "DEPARTEMENT", "93", "AUTRE", "La Poste", logements_proposes=1, taux_convention=0.01, droits_theoriques=0.05
    )
    c = consolider(envois(("a.csv", csv_tidy("Habitat A", lignes_a)), ("b.csv", csv_tidy("Logis B", lignes_b))), 2024)
    m = c.du_bailleur("matrice")
    autres = m[(m.categorie == "AUTRE") & (m.perimetre_code == "93")]
    assert dict(zip(autres.reservataire, autres.logements_proposes, strict=True)) == {
        "": 4,
        "AP-HP – Seine-Saint-Denis (93)": 3,
        "La Poste – Seine-Saint-Denis (93)": 1,
    }


def test_un_bailleur_nomme_comme_une_formule():
    c = consolider(envois(("a.csv", csv_tidy("=HYPERLINK(1)", habitat_a()))), 2024)
    assert set(c.en_tableau().bailleur) == {"", "=HYPERLINK(1)"}
    assert c.couverture.bailleur.tolist() == ["=HYPERLINK(1)"]


def test_territoire_demande_et_perimetres_inclus(c):
    e = envois(("a.csv", csv_tidy("Habitat A", habitat_a())), ("b.csv", csv_tidy("Logis B", logis_b())))
    seul = consolider(e, 2024, territoires=[("EPCI_EPT", EST_ENSEMBLE)])
    assert set(zip(seul.en_tableau().perimetre_type, seul.en_tableau().perimetre_code, strict=True)) == {
        ("EPCI_EPT", EST_ENSEMBLE),
        ("COMMUNE", MONTREUIL),
    }
    assert seul.couverture.disponibilites.tolist() == [10.0, 5.0]  # only their Montreuil logements


def test_un_extrait_ne_couvrant_pas_un_perimetre_le_retire_avec_un_avertissement():
    extrait = perimetre("COMMUNE", MONTREUIL, disponibilites=3, soustraits=0, flux=3, logements_attribues=0)
    c = consolider(envois(("a.csv", csv_tidy("Habitat A", habitat_a())), ("c.xlsx", csv_tidy("Toit C", extrait))), 2024)
    (p,) = [p for p in c.problemes if p.code == "perimetre_incomplet"]
    assert "Toit C" in p.regle and "Est Ensemble" in p.valeur and "ZIP" in p.conseil
    t = c.en_tableau()
    assert set(t.perimetre_type) == {"COMMUNE"}
    assert valeur(c, "disponibilites", "COMMUNE", MONTREUIL) == 13
    assert not c.perimetres.set_index("perimetre_code").loc[EST_ENSEMBLE, "complet"]


def _cia(hors, pq, part):
    lignes = []
    for pt, pc in strates(MONTREUIL)[:2]:
        lignes += perimetre(
            pt,
            pc,
            attributions_hors_qpv=hors,
            attributions_hors_qpv_premier_quartile=pq,
            part_premier_quartile_hors_qpv=part,
        )
    return lignes


def test_indicateurs_cia_depuis_les_numerateurs_et_denominateurs_additionnes():
    a = csv_tidy("Habitat A", habitat_a() + _cia(4, 1, 0.25))
    b = csv_tidy("Logis B", logis_b() + _cia(2, 2, 1.0))
    c = consolider(envois(("a.csv", a), ("b.csv", b)), 2024)
    i = c.du_bailleur("indicateurs")
    ept = i[(i.indicateur == "part_premier_quartile_hors_qpv") & (i.perimetre_code == EST_ENSEMBLE)]
    assert ept[["numerateur", "denominateur", "valeur", "cible", "sens"]].values.tolist() == [
        [3.0, 6.0, 0.5, 0.25, "min"]
    ]
    assert valeur(c, "attributions_hors_qpv", "EPCI_EPT", EST_ENSEMBLE) == 6


@pytest.mark.parametrize("absent", ["vide", "ligne absente"])
def test_un_indicateur_qu_un_bailleur_ne_renseigne_pas_n_est_pas_consolide(absent):
    a = csv_tidy("Habitat A", habitat_a() + _cia(4, 1, 0.25))
    lignes_b = _cia(2, "", "")
    if absent == "ligne absente":
        lignes_b = [x for x in lignes_b if x[6] == "attributions_hors_qpv"]
    b = csv_tidy("Logis B", logis_b() + lignes_b)
    c = consolider(envois(("a.csv", a), ("b.csv", b)), 2024)
    assert math.isnan(valeur(c, "part_premier_quartile_hors_qpv", "EPCI_EPT", EST_ENSEMBLE))
    assert valeur(c, "part_premier_quartile_hors_qpv", "EPCI_EPT", EST_ENSEMBLE, bailleur="Habitat A") == 0.25
    assert any(p.code == "indicateur_incomplet" and "part_premier_quartile_hors_qpv" in p.regle for p in c.problemes)


def test_part_du_prefet_par_departement():
    a = csv_tidy(
        "Habitat A", habitat_a() + perimetre("DEPARTEMENT", "93", logements_proposes_prefet=3, part_prefet_flux=3 / 8)
    )
    b = csv_tidy(
        "Logis B", logis_b() + perimetre("DEPARTEMENT", "93", logements_proposes_prefet=2, part_prefet_flux=0.4)
    )
    c = consolider(envois(("a.csv", a), ("b.csv", b)), 2024)
    i = c.du_bailleur("indicateurs")
    ligne = i[(i.indicateur == "part_prefet_flux") & (i.perimetre_code == "93")]
    assert ligne[["numerateur", "denominateur", "valeur", "cible", "sens"]].values.tolist() == [
        [5.0, 13.0, pytest.approx(5 / 13), 0.30, "max"]
    ]


def test_evolution_n_moins_1_avec_et_sans_les_memes_bailleurs():
    n = envois(("a.csv", csv_tidy("Habitat A", habitat_a())), ("b.csv", csv_tidy("Logis B", logis_b())))
    avant = envois(("a23.csv", csv_tidy("Habitat A", habitat_a(), annee=2023)))
    c = consolider(n, 2024, precedents=avant)
    assert c.annee_precedente == 2023
    e = c.evolution
    e = e[e.bailleur == ""]
    ligne = e[(e.perimetre_code == EST_ENSEMBLE) & (e.indicateur == "disponibilites") & (e.categorie == "")]
    assert ligne[["valeur_n", "valeur_n_1", "evolution", "evolution_relative"]].values.tolist() == [
        [15.0, 10.0, 5.0, 0.5]
    ]
    assert ligne[["valeur_n_communs", "valeur_n_1_communs", "evolution_communs"]].values.tolist() == [[10.0, 10.0, 0.0]]
    part = e[(e.perimetre_code == "93") & (e.indicateur == "taux_convention") & (e.reservataire == PREFET_93)]
    assert part.evolution.iloc[0] == pytest.approx(3.5 / 13 - 0.25)
    assert np.isnan(part.evolution_relative.iloc[0]) and part.unite.iloc[0] == "ratio"
    assert consolider(n, 2024).evolution.empty


def _prioritaires(**par_detenteur):
    """attributions_prioritaires of holders (category → (name, count)) in Montreuil and Est Ensemble."""
    lignes = []
    for pt, pc in strates(MONTREUIL)[:2]:
        for categorie, (nom, nombre) in par_detenteur.items():
            lignes += detenteur(pt, pc, categorie, nom, attributions_prioritaires=nombre)
    return lignes


A_PRIORITAIRES = _prioritaires(
    ETAT_PRIORITAIRES=("Préfecture de la Seine-Saint-Denis", 2),
    COMMUNE=("Ville de Montreuil", 0),
    BAILLEUR=("Bailleur", 1),
)


def _part_prioritaires_du_territoire(lignes_b: list) -> tuple[Consolidation, pd.DataFrame]:
    """Habitat A (with :data:`A_PRIORITAIRES`) and Logis B (with ``lignes_b``) consolidated; the perimeter-wide
    « part des publics prioritaires » rows of Est Ensemble, one per landlord and one for all together."""
    c = consolider(
        envois(
            ("a.csv", csv_tidy("Habitat A", habitat_a() + A_PRIORITAIRES)),
            ("b.csv", csv_tidy("Logis B", logis_b() + lignes_b)),
        ),
        2024,
    )
    i = c.indicateurs
    i = i[(i.indicateur == "part_publics_prioritaires") & (i.perimetre_code == EST_ENSEMBLE) & (i.categorie == "")]
    return c, i


def test_part_des_prioritaires_de_tout_le_territoire_depuis_les_sommes():
    b = _prioritaires(ETAT_PRIORITAIRES=("Préfet 93 – contingent", 0), BAILLEUR=("Bailleur", 0))
    c, i = _part_prioritaires_du_territoire(b)
    lignes = i.set_index("bailleur")[["numerateur", "denominateur", "valeur", "nombre_bailleurs"]]
    # Habitat A: 2 + 0 + 1 of its 2 + 1 + 3 attributions; Logis B: 0 of 1 + 1; the territory: 3 ÷ 8, not the mean
    # of the landlords' rates (0,25) nor of the categories' (préfet 2/3, commune 0, bailleur 1/4).
    assert lignes.loc["Habitat A"].tolist() == [3.0, 6.0, 0.5, 1]
    assert lignes.loc["Logis B"].tolist() == [0.0, 2.0, 0.0, 1]
    assert lignes.loc[""].tolist() == [4.0 - 1.0, 8.0, 0.375, 2]
    assert i.set_index("bailleur").loc["", "cible"] == 0.25
    # Not in the CSV: its header has no line for it (FORMAT.md §2.2).
    t = c.en_tableau()
    assert t[(t.indicateur == "part_publics_prioritaires") & (t.categorie == "")].empty


def test_part_des_prioritaires_du_territoire_non_significative_si_une_categorie_manque():
    b = _prioritaires(ETAT_PRIORITAIRES=("Préfet 93 – contingent", 1))  # nothing for its own logements
    _, i = _part_prioritaires_du_territoire(b)
    valeurs = i.set_index("bailleur")["valeur"]
    assert valeurs["Habitat A"] == 0.5
    assert math.isnan(valeurs["Logis B"]) and math.isnan(valeurs[""])


def test_evolution_de_chaque_bailleur_sur_ses_lignes_du_perimetre():
    n = envois(
        ("a.csv", csv_tidy("Habitat A", habitat_a() + _cia(4, 1, 0.25))),
        ("b.csv", csv_tidy("Logis B", logis_b() + _cia(2, 2, 1.0))),
    )
    avant = envois(("a23.csv", csv_tidy("Habitat A", habitat_a() + _cia(4, 2, 0.5), annee=2023)))
    e = consolider(n, 2024, precedents=avant).evolution
    ept = e[(e.perimetre_code == EST_ENSEMBLE) & (e.categorie == "") & (e.reservataire == "")].set_index(
        ["bailleur", "indicateur"]
    )
    colonnes = ["valeur_n", "valeur_n_1", "evolution", "valeur_n_communs", "valeur_n_1_communs", "evolution_communs"]
    # Habitat A, received both years: 1 of 4 attributions hors QPV to the 1st quartile in 2024, 2 of 4 in 2023.
    a = ept.loc[("Habitat A", "part_premier_quartile_hors_qpv"), colonnes].tolist()
    assert a == pytest.approx([0.25, 0.5, -0.25, 0.25, 0.5, -0.25])
    assert ept.loc[("Habitat A", "disponibilites"), colonnes].tolist() == [10.0, 10.0, 0.0, 10.0, 10.0, 0.0]
    assert ept.loc[("Habitat A", "part_premier_quartile_hors_qpv"), "unite"] == "ratio"
    # Logis B, received in 2024 only: nothing to compare with.
    b = ept.loc[("Logis B", "part_premier_quartile_hors_qpv"), colonnes].tolist()
    assert b[0] == 1.0 and all(math.isnan(v) for v in b[1:])
    # All landlords: (1 + 2) ÷ (4 + 2) in 2024, 2 ÷ 4 in 2023; à bailleurs constants: Habitat A alone.
    tous = ept.loc[("", "part_premier_quartile_hors_qpv"), colonnes].tolist()
    assert tous == pytest.approx([0.5, 0.5, 0.0, 0.25, 0.5, -0.25])
    # A landlord's figures per holder are not followed year on year (only all landlords' are).
    assert set(e.loc[e.categorie != "", "bailleur"]) == {""}


def test_les_ratios_sont_les_quotients_des_comptes_consolides(c):
    t = c.en_tableau()
    t = t[t.dimension == "total"]
    ligne = t.set_index(
        ["bailleur", "perimetre_type", "perimetre_code", "categorie", "reservataire", "indicateur"]
    ).valeur
    large = (
        t[(t.categorie == "") & (t.reservataire == "")]
        .set_index(["bailleur", "perimetre_type", "perimetre_code", "indicateur"])
        .valeur
    )
    verifies = 0
    for x in t[t.indicateur.isin(k.PAR_CODE)].itertuples():
        r = k.PAR_CODE[x.indicateur]
        cle = (x.bailleur, x.perimetre_type, x.perimetre_code, x.categorie, x.reservataire)

        def terme(nom, niveau, cle=cle):
            return large[(*cle[:3], nom)] if niveau == "perimetre" else ligne[(*cle, nom)]

        num, den = terme(r.numerateur, r.niveau_numerateur), terme(r.denominateur, r.niveau_denominateur)
        attendu = num / den if den > 0 else math.nan
        assert (math.isnan(attendu) and math.isnan(x.valeur)) or x.valeur == pytest.approx(attendu), x
        verifies += 1
    assert verifies > 50


def test_ordre_et_colonnes_du_fichier_consolide(c):
    t = c.en_tableau()
    assert list(t.columns) == k.ENTETE
    assert (t.annee == 2024).all()
    assert t.perimetre_type.tolist()[0] == "COMMUNE" and t.bailleur.iloc[0] == ""
    assert t.equals(
        consolider(
            envois(("b.csv", csv_tidy("Logis B", logis_b())), ("a.csv", csv_tidy("Habitat A", habitat_a()))), 2024
        ).en_tableau()
    )


def test_une_convention_sans_logement_ne_rend_pas_le_territoire_incomplet():
    # Logis B also holds a convention with the Ville de Saint-Denis, where it has no logement: its file gives the
    # convention's zero figures on Saint-Denis only (the landlord's bilan lists every convention perimeter).
    sans_logement = perimetre("COMMUNE", "93066", disponibilites=0, soustraits=0, flux=0, logements_attribues=0)
    sans_logement += detenteur(
        "COMMUNE",
        "93066",
        "COMMUNE",
        "Ville de Saint-Denis",
        logements_proposes=0,
        taux_convention=0.1,
        droits_theoriques=0,
    )
    r = lire_envois(
        [("a.csv", csv_tidy("Habitat A", habitat_a())), ("b.csv", csv_tidy("Logis B", logis_b() + sans_logement))]
    )
    assert r.problemes == []  # a convention taux on a perimeter without flux is not « a ratio that does not reconcile »
    c = consolider(r.envois, 2024)
    assert not [p for p in c.problemes if p.code == "perimetre_incomplet"]
    p = c.perimetres.set_index(["perimetre_type", "perimetre_code"])
    assert p.loc[("DEPARTEMENT", "93"), "complet"] and p.loc[("DEPARTEMENT", "93"), "nombre_bailleurs"] == 2
    assert valeur(c, "nombre_bailleurs", "COMMUNE", "93066") == 0


def test_un_bailleur_sans_denominateur_ne_rend_pas_un_indicateur_incomplet():
    # Habitat A gives zero figures for the département 75, where it has no logement, and no préfet count there:
    # the part du préfet of the 75 is Logis B's, not « incomplete ».
    b = csv_tidy(
        "Logis B", logis_b() + perimetre("DEPARTEMENT", "75", logements_proposes_prefet=1, part_prefet_flux=0.25)
    )
    a = csv_tidy("Habitat A", habitat_a() + perimetre("DEPARTEMENT", "75", disponibilites=0, flux=0, soustraits=0))
    c = consolider(envois(("a.csv", a), ("b.csv", b)), 2024)
    assert valeur(c, "part_prefet_flux", "DEPARTEMENT", "75") == 0.25
    assert not [p for p in c.problemes if p.code == "indicateur_incomplet"]


def test_avertissement_perimetres_incomplets_accorde_au_nombre():
    import pandas as pd

    from flux_dash.consolidation.moteur import problemes_perimetres

    p = pd.DataFrame(
        {
            "perimetre_libelle": ["Est Ensemble", "Seine-Saint-Denis", "Plaine Commune"],
            "complet": [False, False, False],
            "manquants": ["Toit C", "Logis B", "Logis B"],
        }
    )
    regles = {x.regle: x for x in problemes_perimetres(p)}
    (toit,) = [r for r in regles if "Toit C" in r]
    (logis,) = [r for r in regles if "Logis B" in r]
    assert "ne couvre pas un périmètre où il a des logements : ce périmètre n'est pas consolidé" in toit
    assert "ne couvre pas 2 périmètres où il a des logements : ces périmètres ne sont pas consolidés" in logis
    par_bailleur = regles
    assert all("{n}" not in x.conseil for x in par_bailleur.values())


def _egales(a: Consolidation, b: Consolidation) -> None:
    champs = ("envois", "perimetres", "reservataires", "flux", "soustraits", "matrice", "repartitions")
    for champ in (*champs, "indicateurs", "couverture", "evolution"):
        pd.testing.assert_frame_equal(getattr(a, champ), getattr(b, champ))
    pd.testing.assert_frame_equal(a.en_tableau(), b.en_tableau())
    assert a.problemes == b.problemes and a.annee_precedente == b.annee_precedente


def test_le_calcul_de_n_moins_1_sert_aux_deux_consolidations(monkeypatch):
    """With a cache of the engine's runs, n−1 computed for the year-on-year of n is reused by the consolidation of
    n−1 itself, with the same result; other envois (even equal ones) are computed anew."""
    from flux_dash.consolidation import moteur

    n = envois(("a.csv", csv_tidy("Habitat A", habitat_a())), ("b.csv", csv_tidy("Logis B", logis_b())))
    avant = envois(("a23.csv", csv_tidy("Habitat A", habitat_a(), annee=2023)))
    sans_cache = consolider(n, 2024, precedents=avant), consolider(avant, 2023)
    appels = []
    vraie = moteur.calculer
    monkeypatch.setattr(moteur, "calculer", lambda e, t=None: appels.append(len(e)) or vraie(e, t))
    calculs = {}
    avec = consolider(n, 2024, precedents=avant, calculs=calculs), consolider(avant, 2023, calculs=calculs)
    # n, n−1, n of the landlords received both years (Habitat A); n−1 of those is n−1 itself, and so is the
    # consolidation of n−1: both reused
    assert appels == [2, 1, 1]
    _egales(avec[0], sans_cache[0])
    _egales(avec[1], sans_cache[1])
    copie = envois(("a23.csv", csv_tidy("Habitat A", habitat_a(), annee=2023)))  # equal figures, other objects
    consolider(copie, 2023, calculs=calculs)
    assert appels == [2, 1, 1, 1]
