"""Specification of the consolidated matrices of the EPCI/EPT and État trames (DOMAINE.md §5.2–§5.3, issue 10
point 3) on the four-logement bilan of tests/test_rapports.py, computed by hand:

- État 93: « =HYPERLINK » (Action Logement, convention 93 at 30 %) 2 proposés, 1 attribué (L1, en QPV);
  Préfecture 93 (convention 93 at 25 %) 1 proposé, 0 attribué; Bailleur 1 proposé, 1 attribué (L2, hors QPV).
  Flux 3, attributions 2. Total row: 4 proposés (part du flux 4/3), 2 attribués (100 %), droits 0,9 + 0,75.
- by commune: Montreuil (flux 1) « =HYPERLINK » 1 proposé; Saint-Denis (flux 2) 3 proposés, 2 attribués.
- the État's Indicateurs sheet starts with the CIA indicators of Plaine Commune and Est Ensemble.
"""

from __future__ import annotations

import pytest
from test_rapports import classeur, lire_tableau

from flux_dash.rapports import epci, etat
from tests.petit_jeu import NOM, OPTIONS, PREFET
from tests.sorties import role

ROLES_TABLE = ("Flux corps", "Flux total")


def lire_avec_totaux(ws, premier_entete: str) -> list[dict[str, object]]:
    """The table whose header row starts with ``premier_entete``, body, sub-total and total rows, each with its
    ``role``."""
    for ligne in range(1, ws.max_row + 1):
        if ws.cell(ligne, 1).value == premier_entete and role(ws.cell(ligne, 1)) == "Flux en-tête":
            break
    else:
        raise AssertionError(f"tableau « {premier_entete} » absent de {ws.title}")
    entetes = [ws.cell(ligne, c).value for c in range(1, ws.max_column + 1)]
    entetes = entetes[: entetes.index(None)] if None in entetes else entetes
    lignes = []
    for r in range(ligne + 1, ws.max_row + 1):
        if role(ws.cell(r, 1)) not in ROLES_TABLE:
            break
        lignes.append({"role": role(ws.cell(r, 1)), **{e: ws.cell(r, j + 1).value for j, e in enumerate(entetes)}})
    return lignes


@pytest.fixture(scope="module")
def wb_etat(petit_bilan):
    return classeur(etat.classeur_etat(petit_bilan, "93", OPTIONS))


def test_matrice_du_departement_a_une_ligne_de_total(wb_etat):
    lignes = lire_avec_totaux(wb_etat["Synthèse"], "Réservataire")
    assert [ligne["role"] for ligne in lignes] == ["Flux corps"] * 3 + ["Flux total"]
    total = lignes[-1]
    assert total["Réservataire"] == "Total du territoire"
    assert total["Logements proposés"] == 4
    assert total["Part du flux (orientations)"] == pytest.approx(4 / 3)
    assert total["Logements attribués"] == 2
    assert total["Part des attributions"] == 1
    assert (total["Attribués en QPV"], total["Attribués hors QPV"]) == (1, 1)
    assert total["Droits théoriques (logements)"] == pytest.approx(0.9 + 0.75)


def test_matrice_taux_et_droits_la_ou_la_convention_porte_sur_le_perimetre(wb_etat):
    matrice = {ligne["Réservataire"]: ligne for ligne in lire_tableau(wb_etat["Synthèse"], "Réservataire")}
    assert matrice[NOM]["Taux conventionnel (%)"] == 30
    assert matrice[NOM]["Droits théoriques (logements)"] == pytest.approx(0.9)
    assert matrice[NOM]["Taux de réalisation"] == pytest.approx(2 / 0.9)
    assert matrice[PREFET]["Droits théoriques (logements)"] == pytest.approx(0.75)
    # No convention of the Bailleur: nothing to show, which is not « non significatif ».
    assert matrice["Bailleur"]["Taux conventionnel (%)"] == "—"
    assert matrice["Bailleur"]["Droits théoriques (logements)"] == "—"


def test_matrice_epci_sans_convention_sur_l_epci_n_invente_pas_de_droits(petit_bilan):
    wb = classeur(epci.classeur_epci(petit_bilan, "200057867", OPTIONS))  # Plaine Commune: conventions on 93
    matrice = lire_avec_totaux(wb["Synthèse"], "Réservataire")
    assert {ligne["Droits théoriques (logements)"] for ligne in matrice} == {"—"}
    assert matrice[-1]["Logements attribués"] == 2


def test_matrice_par_commune_avec_sous_totaux_qui_se_reconcilient(wb_etat):
    lignes = lire_avec_totaux(wb_etat["Réservataires par commune"], "Commune")
    sous_totaux = {ligne["Commune"]: ligne for ligne in lignes if ligne["Réservataire"] == "Total de la commune"}
    assert {c: (s["Logements proposés"], s["Logements attribués"]) for c, s in sous_totaux.items()} == {
        "Montreuil": (1, 0),
        "Saint-Denis": (3, 2),
    }
    assert sous_totaux["Saint-Denis"]["Part du flux (orientations)"] == pytest.approx(3 / 2)
    assert sous_totaux["Montreuil"]["Part des attributions"] == "n.s."  # no attribution in Montreuil
    assert all(s["role"] == "Flux total" for s in sous_totaux.values())
    total = lignes[-1]
    assert (total["Commune"], total["role"]) == ("Total du territoire", "Flux total")
    corps = [ligne for ligne in lignes if ligne["role"] == "Flux corps"]
    for colonne in ("Logements proposés", "Logements attribués", "Attribués en QPV", "Attribués hors QPV"):
        for commune, sous in sous_totaux.items():
            assert sous[colonne] == sum(ligne[colonne] for ligne in corps if ligne["Commune"] == commune)
        assert total[colonne] == sum(s[colonne] for s in sous_totaux.values())
    territoire = lire_avec_totaux(wb_etat["Synthèse"], "Réservataire")[-1]
    assert total["Logements attribués"] == territoire["Logements attribués"]


def verifier_reconciliation(wb) -> list[dict[str, object]]:
    """The total row of the matrix equals the sum of its rows (Hors convention included) and its attribués equal
    the territory's attributions of the flux table; the communes' sub-totals add up to the same total. Returns
    the matrix's body rows."""
    flux = lire_tableau(wb["Synthèse"], "Périmètre")[0]
    matrice = lire_avec_totaux(wb["Synthèse"], "Réservataire")
    corps, total = matrice[:-1], matrice[-1]
    assert total["Logements attribués"] == sum(ligne["Logements attribués"] for ligne in corps)
    assert total["Logements attribués"] == flux["Attributions, tous attributaires (logements)"]
    assert total["Logements proposés"] == sum(ligne["Logements proposés"] for ligne in corps)
    communes = lire_avec_totaux(wb["Réservataires par commune"], "Commune")
    sous = [ligne for ligne in communes if ligne["Réservataire"] == "Total de la commune"]
    assert communes[-1]["Logements attribués"] == total["Logements attribués"]
    assert sum(s["Logements attribués"] for s in sous) == total["Logements attribués"]
    return corps


@pytest.mark.parametrize(
    "construire",
    [
        pytest.param(lambda b: epci.classeur_epci(b, "200057875", OPTIONS), id="est-ensemble"),
        pytest.param(lambda b: epci.classeur_epci(b, "217500016", OPTIONS), id="paris"),
        pytest.param(lambda b: etat.classeur_etat(b, "93", OPTIONS), id="etat-93"),
    ],
)
def test_matrices_se_reconcilient_sur_la_demo(donnees_demo, construire):
    verifier_reconciliation(classeur(construire(donnees_demo.bilan)))


def test_matrices_se_reconcilient_ligne_hors_convention_comprise():
    # Issue 10: a Melun logement attributed to « Ville de Montreuil » (convention on Montreuil only).
    from test_calculs import MELUN_CONVENTIONS, MELUN_LOGEMENTS, MELUN_TOURS, faire_tables

    from flux_dash.calculs import calculer_bilan

    b = calculer_bilan(faire_tables(MELUN_LOGEMENTS, MELUN_TOURS, MELUN_CONVENTIONS), 2024)
    corps = verifier_reconciliation(classeur(etat.classeur_etat(b, "77", OPTIONS)))
    hors = [ligne for ligne in corps if ligne["Catégorie de réservataire"] == "Hors convention"]
    assert [ligne["Logements attribués"] for ligne in hors] == [1]


def test_etat_donne_les_indicateurs_cia_de_ses_epci(wb_etat):
    lignes = lire_tableau(wb_etat["Indicateurs"], "Périmètre")
    vus = {(ligne["Périmètre"], ligne["Indicateur"]) for ligne in lignes}
    assert vus == {
        (territoire, indicateur)
        for territoire in ("Plaine Commune", "Est Ensemble")
        for indicateur in ("1er quartile hors QPV", "Hors 1er quartile en QPV")
    }


@pytest.mark.parametrize("feuille, premier", [("Synthèse", "Réservataire"), ("Réservataires par commune", "Commune")])
def test_colonnes_facultatives_absentes_non_renseignees_pas_non_significatives(wb_etat, feuille, premier):
    # The four-logement set has no prioritaire, DALO or 1er quartile column: nothing to count, no division by zero.
    lignes = lire_avec_totaux(wb_etat[feuille], premier)
    for entete in ("Attribués à des publics prioritaires", "Attribués DALO", "Attribués au 1er quartile"):
        valeurs = {ligne.get(entete) for ligne in lignes}
        assert valeurs == {"non renseigné"}, (entete, valeurs)
