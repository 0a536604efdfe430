"""The trames on the demo data (DOMAINE.md §5): golden snapshots of one workbook per genre, and key figures read
back from the workbooks checked against the engine's :class:`~flux_dash.calculs.Bilan`.

Snapshots are the extracted content (sheet names, cell values, number formats of numeric cells, frozen panes,
number of charts), never raw bytes; volatile cells (generation date, tool version, source file hash) are masked.
Refresh with ``pytest tests/test_rapports_golden.py --update-golden`` and review the JSON diff.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from test_rapports import classeur, lire_tableau

from flux_dash import rapports, validation
from flux_dash.calculs import calculer_bilan
from flux_dash.rapports import epci, etat, previsionnel, reservataire

GOLDEN = Path(__file__).parent / "golden"
ANNEE = 2024
VOLATILES = {"Date de génération", "Version de flux_dash", "Fichier source"}
OPTIONS = rapports.OptionsRapports(
    bailleur="Habitat Francilien Démo", fichiers_source=(("flux_demo_2024.xlsx", "0" * 64),)
)


@pytest.fixture(scope="module")
def bilan(racine, tmp_path_factory):
    echantillon = racine / "sample_data" / "flux_demo_2024.xlsx"
    if not echantillon.exists():
        from flux_dash.demo import ecrire_demo

        echantillon = next(p for p in ecrire_demo(tmp_path_factory.mktemp("demo")) if p.suffix == ".xlsx")
    rapport = validation.charger([str(echantillon)], ANNEE)
    assert rapport.ok
    return calculer_bilan(rapport.tables, ANNEE)


def _valeur(v: object) -> object:
    if isinstance(v, float):
        return round(v, 9) if math.isfinite(v) else str(v)
    return v


def extraire(octets: bytes) -> dict[str, object]:
    """The content of a workbook as plain JSON-able data (volatile values masked)."""
    feuilles = []
    for ws in classeur(octets):
        cellules: dict[str, object] = {}
        formats: dict[str, str] = {}
        masquer = False
        for rangee in ws.iter_rows():
            for cell in rangee:
                if cell.value is None:
                    continue
                if cell.column == 1:
                    masquer = cell.value in VOLATILES
                valeur = "<volatile>" if masquer and cell.column == 2 else _valeur(cell.value)
                cellules[cell.coordinate] = valeur
                if isinstance(cell.value, int | float):
                    formats[cell.coordinate] = cell.number_format
        feuilles.append(
            {
                "titre": ws.title,
                "fige": ws.freeze_panes,
                "graphiques": len(ws._charts),
                "cellules": cellules,
                "formats": formats,
            }
        )
    return {"feuilles": feuilles}


CAS = [
    pytest.param(
        lambda b: reservataire.classeur_reservataire(b, "Ville de Montreuil", OPTIONS),
        "bilan_2024_reservataire_ville-de-montreuil",
        id="reservataire",
    ),
    pytest.param(lambda b: epci.classeur_epci(b, "217500016", OPTIONS), "bilan_2024_epci_paris", id="epci"),
    pytest.param(lambda b: etat.classeur_etat(b, "75", OPTIONS), "bilan_2024_etat_75", id="etat"),
    pytest.param(
        lambda b: previsionnel.classeur_previsionnel(b, "Ville de Montreuil", OPTIONS),
        "previsionnel_2025_reservataire_ville-de-montreuil",
        id="previsionnel",
    ),
]


@pytest.mark.parametrize(("construire", "nom"), CAS)
def test_instantane(bilan, update_golden, construire, nom):
    obtenu = extraire(construire(bilan))
    chemin = GOLDEN / f"{nom}.json"
    if update_golden or not chemin.exists():
        GOLDEN.mkdir(exist_ok=True)
        chemin.write_text(json.dumps(obtenu, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if not update_golden:
            pytest.fail(f"instantané créé : {chemin.name} (relancer pour comparer)")
    attendu = json.loads(chemin.read_text(encoding="utf-8"))
    assert [f["titre"] for f in obtenu["feuilles"]] == [f["titre"] for f in attendu["feuilles"]]
    for o, a in zip(obtenu["feuilles"], attendu["feuilles"], strict=True):
        assert o == a, f"feuille « {a['titre']} » différente de l'instantané {chemin.name}"


def test_instantanes_sont_dans_la_liste_des_rapports(bilan):
    noms = {p.nom_fichier for p in rapports.lister_rapports(bilan, OPTIONS)}
    for cas in CAS:
        assert f"{cas.values[1]}.xlsx" in noms


# --- key figures read back against the engine --------------------------------------------------------


def _ns(v: float) -> object:
    return "n.s." if isinstance(v, float) and math.isnan(v) else pytest.approx(v)


@pytest.mark.parametrize(
    "nom",
    ["Action Logement Services", "Ville de Montreuil", "Préfecture de la Seine-Saint-Denis – contingent prioritaire"],
)
def test_reservataire_realisation_egale_le_moteur(bilan, nom):
    wb = classeur(reservataire.classeur_reservataire(bilan, nom, OPTIONS))
    lues = lire_tableau(wb["Synthèse"], "Périmètre", apres=2)
    real = bilan.realisation_de(nom)
    real = real[real["convention"]]
    assert len(lues) == len(real) > 0
    for lue, (_, attendue) in zip(lues, real.iterrows(), strict=True):
        assert lue["Périmètre"] == attendue["perimetre_libelle"]
        assert lue["Flux annuel (logements)"] == attendue["flux"]
        assert lue["Logements proposés"] == attendue["logements_proposes"]
        assert lue["Logements attribués"] == attendue["logements_attribues"]
        assert lue["Droits théoriques (logements)"] == _ns(attendue["droits_theoriques"])
        assert lue["Taux de réalisation"] == _ns(attendue["taux_realisation"])
        assert lue["Part du flux (orientations)"] == _ns(attendue["part_flux_orientations"])
    # The décret breakdowns add up, dimension by dimension, to the synthèse's proposés and attribués.
    totaux = {ligne["Périmètre"]: (ligne["Logements proposés"], ligne["Logements attribués"]) for ligne in lues}
    sommes: dict[tuple[str, str], list[int]] = {}
    for ligne in lire_tableau(wb["Répartitions"], "Périmètre"):
        s = sommes.setdefault((ligne["Périmètre"], ligne["Répartition"]), [0, 0])
        s[0] += ligne["Logements proposés"]
        s[1] += ligne["Logements attribués"]
    assert len(sommes) == 5 * len(totaux)
    for (perimetre, _), (p, a) in sommes.items():
        assert (p, a) == totaux[perimetre]


def test_epci_matrice_egale_la_consolidation(bilan):
    wb = classeur(epci.classeur_epci(bilan, "217500016", OPTIONS))
    lues = lire_tableau(wb["Synthèse"], "Réservataire")
    cons = bilan.consolidation
    cons = cons[(cons["perimetre_type"] == "EPCI_EPT") & (cons["perimetre_code"] == "217500016")]
    assert [ligne["Réservataire"] for ligne in lues] == list(cons["reservataire"])
    assert [ligne["Logements proposés"] for ligne in lues] == list(cons["logements_proposes"])
    assert [ligne["Logements attribués"] for ligne in lues] == list(cons["logements_attribues"])
    assert sum(ligne["Part des attributions"] for ligne in lues) == pytest.approx(1.0)


@pytest.mark.lent
def test_etat_controles_egalent_les_indicateurs(bilan):
    wb = classeur(etat.classeur_etat(bilan, "93", OPTIONS))
    ind = bilan.indicateurs
    ind = ind[(ind["perimetre_type"] == "DEPARTEMENT") & (ind["perimetre_code"] == "93") & (ind["reservataire"] == "")]
    attendues = dict(zip(ind["libelle"], ind["valeur"], strict=True))
    lues = lire_tableau(wb["Contrôles préfet"], "Indicateur")
    assert [ligne["Indicateur"] for ligne in lues] == [
        "Part du préfet dans le flux",
        "Part des agents de l'État dans le flux",
        "Préfet hors QPV (lecture a)",
        "Préfet hors QPV (lecture b)",
    ]
    for ligne in lues:
        assert ligne["Valeur réalisée"] == _ns(attendues[ligne["Indicateur"]])
    flux = bilan.flux[(bilan.flux["perimetre_type"] == "COMMUNE") & bilan.flux["perimetre_code"].str.startswith("93")]
    communes = lire_tableau(wb["Flux par commune"], "Commune")
    assert [(c["Code INSEE"], c["Flux annuel (logements)"]) for c in communes] == list(
        zip(flux["perimetre_code"], flux["flux"], strict=True)
    )


def test_previsionnel_droits_egalent_le_moteur(bilan):
    nom = "Action Logement Services"
    wb = classeur(previsionnel.classeur_previsionnel(bilan, nom, OPTIONS))
    lues = lire_tableau(wb["Prévisionnel"], "Périmètre")
    prev = bilan.previsionnel_reservataires
    prev = prev[prev["reservataire"] == nom]
    assert [(ligne["Périmètre"], ligne["Droits prévisionnels n+1 (logements)"]) for ligne in lues] == [
        (p, pytest.approx(d)) for p, d in zip(prev["perimetre_libelle"], prev["droits_previsionnels"], strict=True)
    ]


def test_chaque_epci_a_son_previsionnel(bilan):
    # Issue 10 item 2: the EPCI prévisionnel sheet was empty whenever no convention sat on the EPCI itself (12 of 13
    # EPCI/EPT of the demo); the département's forecast is shared to every territory (DOMAINE.md §5.4).
    p = bilan.previsionnel
    for code, libelle in epci.territoires(bilan, OPTIONS):
        ligne = p[(p["perimetre_type"] == "EPCI_EPT") & (p["perimetre_code"] == code)]
        assert len(ligne) == 1 and ligne["flux_previsionnel"].notna().all(), libelle
    wb = classeur(epci.classeur_epci(bilan, "200072130", OPTIONS))  # CA du Pays de Meaux: no EPCI convention
    flux = lire_tableau(wb["Prévisionnel 2025"], "Périmètre")
    assert [ligne["Périmètre"] for ligne in flux] == ["CA du Pays de Meaux"]
    relogements = bilan.previsionnel_soustraits
    relogements = relogements[relogements["perimetre_code"] == "217500016"]["relogements_realises_n"].sum()
    assert relogements > 0  # Paris: its relogements réalisés of n beside the forecast


@pytest.mark.parametrize(("construire", "nom"), CAS)
def test_aucun_fichier_interne_cite(bilan, construire, nom):
    """The recipients never see the project's internal file names (« DOMAINE.md », « FORMAT.md »): issue 10
    point 5. Every cell of one workbook of each trame of the demo."""
    cites = [
        (f["titre"], coord, valeur)
        for f in extraire(construire(bilan))["feuilles"]
        for coord, valeur in f["cellules"].items()
        if isinstance(valeur, str) and ".md" in valeur
    ]
    assert cites == []
