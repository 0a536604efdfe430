"""The receiving side's promise (DOMAINE.md §3.1, house style §16): consolidating the files that several landlords
produced with flux_dash gives, for every count, the count computed on the union of their rows, and every ratio is
the ratio of the summed counts — on three hand-made landlords sent as a ZIP, a CSV and a workbook, and on random
landlords (hypothesis, ``FLUX_DASH_EXEMPLES`` examples).

The union is one landlord's table holding the three landlords' logements and tours, each réservataire name
prefixed by its landlord (so that each keeps its own conventions); its bilan is computed by the real engine. The
droits théoriques are compared with the sum of each landlord's own droits (taux × its flux ÷ 100)."""

from __future__ import annotations

import math
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_calculs import N, faire_tables

from flux_dash import rapports
from flux_dash import referentiel as ref
from flux_dash.calculs import calculer_bilan
from flux_dash.consolidation import consolider, lire_envois
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.moteur import libelle_reservataire
from flux_dash.indicateurs_csv import ecrire_indicateurs_csv

MONTREUIL, BAGNOLET, SAINT_DENIS, PARIS = "93048", "93006", "93066", "75056"
OUI, NON = {"premier_quartile": True, "menage_prioritaire": True, "dalo": False}, {"premier_quartile": False}

# (logements, tours, conventions) per landlord, FORMAT.md §1 rows (see test_calculs.faire_tables).
HABITAT_EST = (
    [
        ("E01", MONTREUIL, True, "T2", "PLUS", 1970, "10/01/2024", None),
        ("E02", MONTREUIL, False, "T3", "PLAI", 1995, "01/03/2024", None),
        ("E03", BAGNOLET, True, "T1", "PLS", 2010, "15/04/2024", None),
        ("E04", BAGNOLET, False, "T4", "ANCIEN", 1940, "01/06/2024", "MUTATION_INTERNE"),
        ("E05", PARIS, False, "T2", "PLUS", 1960, "01/02/2024", None),
        ("E06", PARIS, True, "T5+", "PLUS", 1985, "01/09/2023", None),
        ("E07", PARIS, False, "T3", "PLI", 2001, "01/07/2024", None),
    ],
    [
        ("E01", 1, "Préfecture 93", "15/01/2024", "ATTRIBUE", "01/03/2024", OUI),
        ("E02", 1, "Action Logement", "10/03/2024", "ABSENCE_DESIGNATION", None),
        ("E02", 2, "Bailleur", "20/04/2024", "ATTRIBUE", "01/06/2024", NON),
        ("E03", 1, "Préfecture 93", "20/04/2024", "REFUS_CANDIDAT", None),
        ("E03", 2, "Action Logement", "01/06/2024", "ATTRIBUE", "01/07/2024", NON),
        ("E04", 1, "Bailleur", "05/06/2024", "ATTRIBUE", "01/07/2024", NON),
        ("E05", 1, "Ville de Paris", "05/02/2024", "ATTRIBUE", "01/04/2024", OUI),
        ("E06", 1, "Préfecture 93", "05/10/2023", "ATTRIBUE", "15/01/2024", NON),
        ("E07", 1, "Préfecture de Paris", "10/07/2024", "ATTRIBUE", "10/02/2025", OUI),
    ],
    [
        ("Préfecture 93", "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 25.0),
        ("Action Logement", "ACTION_LOGEMENT", "DEPARTEMENT", "93", 30.0),
        ("Ville de Paris", "COMMUNE", "COMMUNE", PARIS, 20.0),
        ("Préfecture de Paris", "ETAT_PRIORITAIRES", "DEPARTEMENT", "75", 25.0),
    ],
)
LOGIS_PLAINE = (
    [
        ("P01", SAINT_DENIS, True, "T3", "PLUS", 1975, "05/01/2024", None),
        ("P02", SAINT_DENIS, True, "T2", "PLAI", 2015, "01/05/2024", None),
        ("P03", SAINT_DENIS, False, "T1", "PLUS", 1988, "01/08/2024", "RELOGEMENT_RU"),
        ("P04", MONTREUIL, False, "T3", "PLS", 1999, "01/03/2024", None),
        ("P05", MONTREUIL, True, "T4", "PLUS", 1965, "20/12/2024", None),
    ],
    [
        ("P01", 1, "Préfet SSD", "10/01/2024", "ATTRIBUE", "15/02/2024", OUI),
        ("P02", 1, "EPT Plaine Commune", "05/05/2024", "NON_ATTRIBUE_CALEOL", None),
        ("P02", 2, "ALS", "10/06/2024", "ATTRIBUE", "01/08/2024", NON),
        ("P03", 1, "Bailleur", "05/08/2024", "ATTRIBUE", "01/09/2024", OUI),
        ("P04", 1, "AP-HP", "05/03/2024", "ATTRIBUE", "01/05/2024", NON),
        ("P05", 1, "Préfet SSD", "22/12/2024", "EN_COURS", None),
    ],
    [
        ("Préfet SSD", "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 30.0),
        ("ALS", "ACTION_LOGEMENT", "DEPARTEMENT", "93", 25.0),
        ("EPT Plaine Commune", "EPCI_EPT", "EPCI_EPT", "200057867", 10.0),
        ("AP-HP", "AUTRE", "DEPARTEMENT", "93", 2.0),
    ],
)
TOIT_93 = (
    [
        ("T01", SAINT_DENIS, False, "T2", "PLUS", 1972, "01/02/2024", None),
        ("T02", SAINT_DENIS, True, "T3", "PLUS", 1981, "01/04/2024", None),
        ("T03", BAGNOLET, False, "T1", "PLAI", 2012, "01/06/2024", None),
        ("T04", BAGNOLET, True, "T2", "PLUS", 1958, "01/10/2024", "RELOGEMENT_ORCOD"),
    ],
    [
        ("T01", 1, "Etat 93", "05/02/2024", "ATTRIBUE", "01/03/2024", OUI),
        ("T02", 1, "Agents 93", "05/04/2024", "ATTRIBUE", "15/05/2024", NON),
        ("T03", 1, "Ville de Saint-Denis", "05/06/2024", "ATTRIBUE", "01/07/2024", OUI),  # out of its perimeter
        ("T04", 1, "Bailleur", "05/10/2024", "ATTRIBUE", "01/11/2024", NON),
    ],
    [
        ("Etat 93", "ETAT_PRIORITAIRES", "DEPARTEMENT", "93", 20.0),
        ("Agents 93", "ETAT_AGENTS", "DEPARTEMENT", "93", 5.0),
        ("Ville de Saint-Denis", "COMMUNE", "COMMUNE", SAINT_DENIS, 10.0),
    ],
)


def fichier(bilan, bailleur: str, genre: str) -> tuple[str, bytes]:
    """What a landlord sends, produced by the landlord's own pipeline."""
    options = rapports.OptionsRapports(bailleur=bailleur)
    if genre == "zip":
        return rapports.nom_archive(bilan, options), rapports.construire_archive(bilan, options)
    if genre == "zip_csv":
        return rapports.nom_archive(bilan, options), rapports.archiver(
            {rapports.nom_indicateurs(bilan): ecrire_indicateurs_csv(bilan, bailleur=bailleur)}
        )
    if genre == "csv":
        return rapports.nom_indicateurs(bilan), ecrire_indicateurs_csv(bilan, bailleur=bailleur)
    (etat,) = [p for p in rapports.lister_rapports(bilan, options) if p.genre == "etat"]
    return etat.nom_fichier, etat.construire()


def union(jeux: list[tuple[str, dict[str, pd.DataFrame]]]) -> dict[str, pd.DataFrame]:
    """One table of every landlord's rows: logement ids and réservataire names prefixed by the landlord."""
    out = {}
    for nom_table in ("logements", "tours", "conventions"):
        morceaux = []
        for i, (_, tables) in enumerate(jeux):
            t = tables[nom_table].copy()
            if "id_logement" in t:
                t["id_logement"] = f"B{i}-" + t["id_logement"]
            if "reservataire" in t:
                est_bailleur = t["reservataire"] == ref.NOM_BAILLEUR
                t["reservataire"] = t["reservataire"].where(est_bailleur, f"B{i} · " + t["reservataire"])
            morceaux.append(t)
        out[nom_table] = pd.concat(morceaux, ignore_index=True)
    return out


def _valeurs(t: pd.DataFrame, **filtre) -> dict[tuple, float]:
    for col, v in filtre.items():
        t = t[t[col] == v]
    return t


def verifier(jeux: list[tuple[str, dict[str, pd.DataFrame]]], genres: list[str]) -> None:
    bilans = [calculer_bilan(tables, N) for _, tables in jeux]
    recus = lire_envois([fichier(b, nom, g) for b, (nom, _), g in zip(bilans, jeux, genres, strict=True)], annee=N)
    assert recus.ok, recus.tableau().to_string()
    assert not recus.avertissements, recus.tableau().to_string()
    c = consolider(recus.envois, N)
    u = calculer_bilan(union(jeux), N)
    t = c.en_tableau()
    tous = t[(t.bailleur == "") & (t.dimension == "total")]
    sortie = set(
        zip(
            c.perimetres.loc[c.perimetres.sortie, "perimetre_type"],
            c.perimetres.loc[c.perimetres.sortie, "perimetre_code"],
            strict=True,
        )
    )
    assert sortie, "aucun périmètre consolidé"
    compares = 0

    def obtenu(pt, pc, indicateur, categorie="", reservataire=""):
        x = tous[(tous.perimetre_type == pt) & (tous.perimetre_code == pc) & (tous.indicateur == indicateur)]
        x = x[(x.categorie == categorie) & (x.reservataire == reservataire)]
        assert len(x) <= 1
        return float(x.valeur.iloc[0]) if len(x) else 0.0

    # Perimeter-wide counts = the union's.
    for r in u.flux.itertuples():
        if (r.perimetre_type, r.perimetre_code) not in sortie:
            continue
        for nom, attendu in [
            ("disponibilites", r.disponibilites),
            ("soustraits", r.soustraits),
            ("flux", r.flux),
            ("relogements_realises", r.relogements_realises),
            ("logements_attribues", r.attributions),
        ]:
            assert obtenu(r.perimetre_type, r.perimetre_code, nom) == attendu, (nom, r)
            compares += 1
    # Soustraits by category.
    s = t[(t.bailleur == "") & (t.dimension == "categorie_soustraction") & (t.indicateur == "soustraits")]
    consolides = {(x.perimetre_type, x.perimetre_code, x.modalite): x.valeur for x in s.itertuples() if x.valeur}
    attendus = {
        (x.perimetre_type, x.perimetre_code, x.categorie_soustraction): float(x.soustraits)
        for x in u.soustraits.itertuples()
        if x.soustraits and (x.perimetre_type, x.perimetre_code) in sortie
    }
    assert consolides == attendus
    # Each category's proposés and attribués on every strate = the union's holders of that category added.
    par_categorie = u.consolidation.groupby(["perimetre_type", "perimetre_code", "categorie"])[
        ["logements_proposes", "logements_attribues"]
    ].sum()
    for (pt, pc, cat), r in par_categorie.iterrows():
        if (pt, pc) in sortie:
            assert obtenu(pt, pc, "logements_proposes", cat) == r.logements_proposes, (pt, pc, cat)
            assert obtenu(pt, pc, "logements_attribues", cat) == r.logements_attribues, (pt, pc, cat)
            compares += 2
    # Each réservataire (category + convention perimeter) on its perimeter; droits = Σ each landlord's droits.
    conv = u.realisation[u.realisation.convention].copy()
    conv["nom"] = [
        libelle_reservataire(c_, t_, p_, n.split(" · ", 1)[1])
        for c_, t_, p_, n in zip(
            conv.categorie, conv.perimetre_type, conv.perimetre_code, conv.reservataire, strict=True
        )
    ]
    propres = pd.concat([b.realisation[b.realisation.convention] for b in bilans])
    droits = propres.groupby(["categorie", "perimetre_type", "perimetre_code"]).droits_theoriques.sum()
    for (nom, cat, pt, pc), r in (
        conv.groupby(["nom", "categorie", "perimetre_type", "perimetre_code"])[
            ["logements_proposes", "logements_attribues"]
        ]
        .sum()
        .iterrows()
    ):
        if (pt, pc) not in sortie:
            continue
        assert obtenu(pt, pc, "logements_proposes", cat, nom) == r.logements_proposes, nom
        assert obtenu(pt, pc, "logements_attribues", cat, nom) == r.logements_attribues, nom
        if cat != "AUTRE":
            assert obtenu(pt, pc, "droits_theoriques", cat, nom) == pytest.approx(droits[(cat, pt, pc)]), nom
        compares += 3
    # Préfet and CIA numerators = the union's (empty when a landlord does not fill the optional column they need:
    # DOMAINE.md §4, a landlord without the column gives no value, and the sum is not consolidated).
    vides = {
        (x.perimetre_type, x.perimetre_code, x.indicateur)
        for b in bilans
        for x in b.indicateurs.itertuples()
        if not x.reservataire and math.isnan(x.numerateur)
    }
    for r in u.indicateurs.itertuples():
        if (r.perimetre_type, r.perimetre_code) not in sortie or r.reservataire:
            continue
        ratio = k.PAR_CODE.get(r.indicateur)
        if ratio is None or ratio.detenteur:
            continue
        x = obtenu(r.perimetre_type, r.perimetre_code, ratio.numerateur)
        attendu = math.nan if (r.perimetre_type, r.perimetre_code, r.indicateur) in vides else r.numerateur
        assert (math.isnan(x) and math.isnan(attendu)) or x == pytest.approx(attendu), r
        compares += 1
    # Every ratio = the ratio of the summed counts.
    ligne = tous.set_index(["perimetre_type", "perimetre_code", "categorie", "reservataire", "indicateur"]).valeur
    for x in tous[tous.indicateur.isin(k.PAR_CODE)].itertuples():
        r = k.PAR_CODE[x.indicateur]
        cle = (x.perimetre_type, x.perimetre_code, x.categorie, x.reservataire)
        num = ligne[(*cle, r.numerateur)] if r.niveau_numerateur == "ligne" else ligne[(*cle[:2], "", "", r.numerateur)]
        den = (
            ligne[(*cle, r.denominateur)]
            if r.niveau_denominateur == "ligne"
            else ligne[(*cle[:2], "", "", r.denominateur)]
        )
        attendu = num / den if den > 0 else math.nan
        assert (math.isnan(attendu) and math.isnan(x.valeur)) or x.valeur == pytest.approx(attendu), x
        compares += 1
    assert compares > 20


@pytest.mark.parametrize(
    "genres",
    [
        pytest.param(["zip", "csv", "zip_csv"], id="archive, CSV, archive du seul CSV"),
        pytest.param(["zip", "csv", "classeur"], id="archive, CSV, classeur"),
    ],
)
def test_trois_bailleurs_egalent_l_union_de_leurs_lignes(genres):
    exiger_v11()
    jeux = [
        ("Habitat Est", faire_tables(*HABITAT_EST)),
        ("Logis Plaine", faire_tables(*LOGIS_PLAINE)),
        ("=Toit 93", faire_tables(*TOIT_93)),
    ]
    verifier(jeux, genres)


# --- random landlords ----------------------------------------------------------------------------------------------

COMMUNES = [MONTREUIL, BAGNOLET, SAINT_DENIS, PARIS]
POOL = [
    ("ETAT_PRIORITAIRES", "DEPARTEMENT", "93"),
    ("ETAT_AGENTS", "DEPARTEMENT", "93"),
    ("ACTION_LOGEMENT", "DEPARTEMENT", "93"),
    ("ACTION_LOGEMENT", "DEPARTEMENT", "75"),
    ("EPCI_EPT", "EPCI_EPT", "200057875"),
    ("COMMUNE", "COMMUNE", PARIS),
    ("AUTRE", "DEPARTEMENT", "93"),
]
AUTRES_ISSUES = ["REFUS_CANDIDAT", "NON_ATTRIBUE_CALEOL", "ABSENCE_DESIGNATION", "EN_COURS"]


def _jour(decalage: int) -> str:
    return (pd.Timestamp("2023-06-01") + pd.Timedelta(days=decalage)).strftime("%d/%m/%Y")


@st.composite
def bailleurs(draw):
    jeux, genres = [], []
    for b in range(draw(st.integers(2, 3))):
        choisies = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=4, unique=True))
        conventions = [
            (f"R{b}{i} {c.lower()}", c, pt, pc, float(draw(st.integers(1, 20))))
            for i, (c, pt, pc) in enumerate(choisies)
        ]
        holders = [c[0] for c in conventions] + [ref.NOM_BAILLEUR]
        logements, tours = [], []
        for i in range(draw(st.integers(1, 8))):
            ident = f"X{i}"
            dispo = draw(st.integers(0, 540))
            soustrait = draw(st.one_of(st.none(), st.none(), st.none(), st.sampled_from(ref.SOUSTRACTIONS.codes)))
            logements.append(
                (
                    ident,
                    draw(st.sampled_from(COMMUNES)),
                    draw(st.booleans()),
                    "T2",
                    "PLUS",
                    1990,
                    _jour(dispo),
                    soustrait,
                )
            )
            orientation = dispo
            nb = draw(st.integers(0, 2))
            for numero in range(1, nb + 1):
                orientation += draw(st.integers(0, 90))
                attribue = numero == nb and draw(st.booleans())
                drapeaux = {
                    c: draw(st.booleans())
                    for c in ("premier_quartile", "menage_prioritaire", "dalo", "menage_relogement_ru")
                }
                tours.append(
                    (
                        ident,
                        numero,
                        ref.NOM_BAILLEUR if soustrait else draw(st.sampled_from(holders)),
                        _jour(orientation),
                        "ATTRIBUE" if attribue else draw(st.sampled_from(AUTRES_ISSUES)),
                        _jour(orientation + draw(st.integers(0, 120))) if attribue else None,
                        drapeaux,
                    )
                )
        jeux.append((f"Bailleur {b}", faire_tables(logements, tours, conventions)))
        genres.append(draw(st.sampled_from(["csv", "zip_csv"])))
    return jeux, genres


def exiger_v11() -> None:
    """Fails fast while the landlord's CSV is not v1.1 (instead of letting hypothesis shrink a known failure)."""
    contenu = ecrire_indicateurs_csv(calculer_bilan(faire_tables(*TOIT_93), N), bailleur="Toit")
    entete = contenu.decode("utf-8-sig").splitlines()[0].split(";")
    assert entete == k.ENTETE


@settings(
    max_examples=int(os.environ.get("FLUX_DASH_EXEMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(donnees=bailleurs())
def _bailleurs_aleatoires(donnees):
    jeux, genres = donnees
    verifier(jeux, genres)


@pytest.mark.lent  # a hypothesis property called from a plain test: not detected by conftest
def test_bailleurs_aleatoires_egalent_l_union_de_leurs_lignes():
    exiger_v11()
    _bailleurs_aleatoires()
