"""AppTest of the Contrôles page: no data, the demo (no error), a broken set (error count as in the report)."""

from __future__ import annotations

import pandas as pd
import pytest

from flux_dash import formats
from flux_dash.ui.affichage import colonnes_tableau
from flux_dash.ui.navigation import PAGE_CONTROLES
from tests.ui_outils import installer, nouvelle_app

PAGE = PAGE_CONTROLES


def _metriques(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_sans_donnees_renvoie_vers_l_accueil():
    at = nouvelle_app(PAGE).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Aucune donnée n'est chargée dans cette session. Chargez un fichier (ou les données d'exemple) depuis l'accueil."
    ]
    assert not at.metric


def test_donnees_demo_sans_erreur(donnees_demo):
    r = donnees_demo.rapport
    at = installer(nouvelle_app(PAGE), donnees_demo).run()
    assert not at.exception
    assert [s.value for s in at.success] == ["**Aucune erreur : le bilan peut être produit.**"]
    assert _metriques(at) == {
        "Erreurs": "0",
        "Avertissements": formats.nombre(len(r.avertissements)),
        "Informations": formats.nombre(len(r.informations)),
    }
    nb = len(r.problemes)
    if nb:
        assert len(at.dataframe[1].value) == nb  # detail table: one row per problem
        assert len(at.get("download_button")) == 2


def test_jeu_casse_affiche_le_nombre_d_erreurs_du_rapport(donnees_cassees):
    r = donnees_cassees.rapport
    nb = len(r.erreurs)
    assert nb > 0
    at = installer(nouvelle_app(PAGE), donnees_cassees).run()
    assert not at.exception
    assert at.error[0].value.startswith(
        f"**{nb} erreurs bloquent le bilan.**" if nb > 1 else "**1 erreur bloque le bilan.**"
    )
    assert _metriques(at)["Erreurs"] == formats.nombre(nb)
    detail = at.dataframe[1].value
    assert len(detail) == len(r.problemes)
    assert list(detail.columns) == ["Gravité", "Feuille", "Ligne", "Colonne", "Conseil", "Valeur", "Règle"]
    assert (detail["Gravité"] == "Erreur").sum() == nb
    par_regle = at.dataframe[0].value
    assert par_regle.loc[par_regle["Gravité"] == "Erreur", "Nombre"].astype(int).sum() == nb


def test_filtre_de_gravite_et_recherche(donnees_cassees):
    r = donnees_cassees.rapport
    at = installer(nouvelle_app(PAGE), donnees_cassees).run()
    at.multiselect[0].set_value(["Erreur"]).run()
    assert not at.exception
    assert len(at.dataframe[1].value) == len(r.erreurs)
    at.text_input[0].input("zzz-introuvable").run()
    assert len(at.dataframe[1].value) == 0
    assert any(c.value == f"0 ligne sur {formats.nombre(len(r.problemes))}" for c in at.caption)


def test_le_detail_montre_la_valeur_et_le_conseil_sur_plusieurs_lignes(donnees_cassees):
    """At 1280 px the advice and the gravity used to sit off screen, right of a wide rule column (issue 13,
    point 10): the gravity comes first, the advice right after the place it points to."""
    import json

    at = installer(nouvelle_app(PAGE), donnees_cassees).run()
    proto = at.dataframe[1].proto
    config = json.loads(proto.columns)
    assert proto.row_height > 64  # Streamlit wraps cell texts only above 4rem
    assert [config[c]["width"] for c in ("Gravité", "Conseil", "Valeur", "Règle")] == [110, 300, 110, 220]
    assert list(at.dataframe[1].value.columns[:5]) == ["Gravité", "Feuille", "Ligne", "Colonne", "Conseil"]
    assert config["Ligne"]["alignment"] == "right" and "Feuille" not in config  # fitted to its content, not pinned


@pytest.mark.parametrize(
    "colonnes, attendu",
    [
        pytest.param(3, {"Nombre": {"alignment": "right"}}, id="etroit-nombres-a-droite"),
        pytest.param(
            6,
            # never pinned: Streamlit draws a pinned column in grey, as if disabled (issue 13, point 14)
            {"Texte": {"width": 260}, "Nombre": {"alignment": "right"}},
            id="large-texte-long-borne-rien-d-epingle",
        ),
    ],
)
def test_mise_en_forme_des_colonnes(colonnes, attendu):
    df = pd.DataFrame(
        {"Nom": ["Est Ensemble"], "Texte": ["x" * 41], "Nombre": [3], **{f"C{i}": ["c"] for i in range(colonnes - 3)}}
    )
    config = colonnes_tableau(df, list(df.columns))
    vu = {
        nom: {k: v for k, v in c.items() if k in ("width", "pinned", "alignment") and v is not None}
        for nom, c in config.items()
    }
    assert {nom: c for nom, c in vu.items() if c} == attendu
