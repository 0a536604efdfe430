"""Pure helpers of the UI (no Streamlit): table exports, the Contrôles table, the Rapports page's grouping."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook

from flux_dash.problemes import Probleme, RapportValidation
from flux_dash.ui import controles as ctl
from flux_dash.ui import publication as pub
from flux_dash.ui.exports import tableau_en_csv, tableau_en_xlsx

TABLE = pd.DataFrame(
    {
        "reservataire": ['=HYPERLINK("x")', "Préfet 93", "-1"],
        "proposes": pd.Series([12, 1500, 0], dtype="int64"),
        "part": [0.125, float("nan"), 1.0],
        "date": pd.to_datetime(["2024-03-05", None, "2024-12-31"]),
    }
)


def test_tableau_en_csv_francais_avec_bom_et_garde_contre_l_injection():
    octets = tableau_en_csv(TABLE, {"reservataire": "Réservataire"})
    assert octets.startswith(b"\xef\xbb\xbf")
    assert octets.decode("utf-8-sig").split("\r\n") == [
        "Réservataire;proposes;part;date",
        '"\'=HYPERLINK(""x"")";12;0,125;05/03/2024',
        "Préfet 93;1500;;",
        "'-1;0;1,0;31/12/2024",
        "",
    ]


def test_tableau_en_xlsx_garde_nombres_numeriques_et_texte_en_texte():
    wb = load_workbook(io.BytesIO(tableau_en_xlsx(TABLE, "Proposés/flux: 2024", {"part": "Part"})))
    ws = wb.active
    assert ws.title == "Proposés flux 2024"  # Excel's forbidden characters become spaces (excel.titre_feuille)
    assert [c.value for c in ws[1]] == ["reservataire", "proposes", "Part", "date"]
    assert ws["A2"].value == '=HYPERLINK("x")' and ws["A2"].data_type == "s"
    assert ws["B3"].value == 1500 and ws["C2"].value == 0.125 and ws["C3"].value is None
    assert ws["D2"].number_format == "DD/MM/YYYY" and ws["D2"].value.year == 2024


def _rapport(nb_erreurs: int) -> RapportValidation:
    erreurs = [
        Probleme(
            "erreur",
            "valeur_hors_liste",
            "Valeur hors liste",
            "logements",
            "Logements",
            2 + i,
            "typologie",
            "T9",
            "Valeurs permises : T1…",
        )
        for i in range(nb_erreurs)
    ]
    erreurs += (
        [Probleme("erreur", "commune_inconnue", "Commune inconnue", "logements", "", 40, "code_commune", "99999")]
        if nb_erreurs
        else []
    )
    avert = [Probleme("avertissement", "non_oriente", "Logement non orienté", "logements", "Logements", 7, "", "L7")]
    info = [Probleme("information", "colonne_ignoree", "Colonne ignorée", "tours", "tours.csv", None, "commentaire")]
    return RapportValidation(ok=not erreurs, tables={}, erreurs=erreurs, avertissements=avert, informations=info)


@pytest.mark.parametrize(
    ("nb", "titre"),
    [
        pytest.param(0, "Aucune erreur : le bilan peut être produit", id="aucune"),
        pytest.param(1, "2 erreurs bloquent le bilan", id="deux"),
        pytest.param(1200, "1\u202f201 erreurs bloquent le bilan", id="milliers"),
    ],
)
def test_titre_controles(nb, titre):
    assert ctl.titre_controles(_rapport(nb)) == titre


def test_titre_controles_une_seule_erreur():
    r = _rapport(0)
    r.erreurs = [Probleme("erreur", "x", "Règle")]
    assert ctl.titre_controles(r) == "1 erreur bloque le bilan"


def test_tableau_problemes_libelles_de_gravite_et_feuille_par_defaut():
    df = ctl.tableau_problemes(_rapport(2))
    assert list(df["gravite"]) == ["Erreur", "Erreur", "Erreur", "Avertissement", "Information"]
    assert list(df["source"]) == ["Logements", "Logements", "logements", "Logements", "tours.csv"]


@pytest.mark.parametrize(
    ("criteres", "lignes"),
    [
        pytest.param({}, [2, 3, 40, 7, None], id="tout"),
        pytest.param({"gravites": ["Erreur"]}, [2, 3, 40], id="gravite"),
        pytest.param({"sources": ["tours.csv"]}, [None], id="feuille"),
        pytest.param({"regles": ["Commune inconnue"]}, [40], id="regle"),
        pytest.param({"recherche": "NON ORIENTE"}, [7], id="recherche-sans-casse-ni-accent"),
        pytest.param({"recherche": "99999"}, [40], id="recherche-valeur"),
        pytest.param({"gravites": ["Erreur"], "recherche": "colonne"}, [], id="criteres-cumules"),
    ],
)
def test_filtrer_problemes(criteres, lignes):
    df = ctl.filtrer_problemes(ctl.tableau_problemes(_rapport(2)), **criteres)
    assert [None if pd.isna(v) else int(v) for v in df["ligne"]] == lignes


def test_compter_par_regle_par_gravite_puis_frequence():
    c = ctl.compter_par_regle(ctl.tableau_problemes(_rapport(2)))
    assert c.to_dict("records") == [
        {"gravite": "Erreur", "regle": "Valeur hors liste", "nombre": 2},
        {"gravite": "Erreur", "regle": "Commune inconnue", "nombre": 1},
        {"gravite": "Avertissement", "regle": "Logement non orienté", "nombre": 1},
        {"gravite": "Information", "regle": "Colonne ignorée", "nombre": 1},
    ]


def test_compter_par_regle_vide():
    assert ctl.compter_par_regle(ctl.tableau_problemes(_rapport(0)).iloc[0:0]).empty


RAPPORTS = [
    SimpleNamespace(
        genre="reservataire", destinataire="Préfecture 93", nom_fichier="bilan_2024_reservataire_prefecture-93.xlsx"
    ),
    SimpleNamespace(genre="etat", destinataire="Seine-Saint-Denis (93)", nom_fichier="bilan_2024_etat_93.xlsx"),
    SimpleNamespace(
        genre="reservataire", destinataire="Action Logement", nom_fichier="bilan_2024_reservataire_action-logement.xlsx"
    ),
    SimpleNamespace(genre="inconnu", destinataire="X", nom_fichier="x.xlsx"),
]


@pytest.mark.parametrize(
    ("recherche", "attendu"),
    [
        pytest.param(
            "",
            {
                "Bilans réservataires": ["Action Logement", "Préfecture 93"],
                "Bilans État (par département)": ["Seine-Saint-Denis (93)"],
                "inconnu": ["X"],
            },
            id="tout-groupe-et-trie",
        ),
        pytest.param("prefecture", {"Bilans réservataires": ["Préfecture 93"]}, id="recherche-sans-accent"),
        pytest.param(
            "etat_93", {"Bilans État (par département)": ["Seine-Saint-Denis (93)"]}, id="recherche-nom-de-fichier"
        ),
        pytest.param("zzz", {}, id="rien"),
    ],
)
def test_grouper_rapports(recherche, attendu):
    groupes = pub.grouper_rapports(RAPPORTS, recherche)
    assert {g: [r.destinataire for r in lst] for g, lst in groupes.items()} == attendu


@pytest.mark.parametrize(
    ("trouves", "total", "recherche", "attendu"),
    [
        pytest.param(63, 63, "", "63 rapports au total.", id="sans-recherche"),
        pytest.param(1, 1, " ", "1 rapport au total.", id="un-seul"),
        pytest.param(3, 63, "Est Ensemble ", "3 rapports sur 63 correspondent à « Est Ensemble ».", id="trouves"),
        pytest.param(1, 63, "Meaux", "1 rapport sur 63 correspond à « Meaux ».", id="un-trouve"),
        pytest.param(0, 63, "zzz", "Aucun des 63 rapports ne correspond à « zzz ».", id="aucun"),
    ],
)
def test_compte_rapports_dit_ce_que_la_recherche_a_trouve(trouves, total, recherche, attendu):
    assert pub.compte_rapports(trouves, total, recherche) == attendu


def test_options_des_rapports_normalisees():
    from flux_dash.rapports import OptionsRapports

    options = pub.options_rapports(" HLM ", ["200057974", "200057867"], True, [("a.xlsx", "abc")])
    assert options == OptionsRapports(
        bailleur="HLM",
        epci_lec=("200057867", "200057974"),
        masquer_petits_effectifs=True,
        fichiers_source=(("a.xlsx", "abc"),),
    )
    assert pub.options_rapports("HLM", ["200057974", "200057867"], True, [("a.xlsx", "abc")]) == options


def test_libelles_des_genres_viennent_du_registre():
    assert pub.LIBELLES_GENRES == {
        "reservataire": "Bilans réservataires",
        "epci": "Bilans consolidés EPCI / EPT",
        "etat": "Bilans État (par département)",
        "previsionnel": "Prévisionnels réservataires",
    }
