"""Soustraits et prévisionnel: soustraits by category and territory, relogements réalisés, and the editable
forecast of year n+1 whose edits flow into the prévisionnel reports (DOMAINE.md §3, §5.4; FORMAT.md §1.4)."""

import streamlit as st

from flux_dash import graphiques as g
from flux_dash import referentiel as ref
from flux_dash.calculs import calculer_previsionnel
from flux_dash.series import assembler_previsionnel, preparer_previsionnel
from flux_dash.ui import etat
from flux_dash.ui.commun import (
    afficher_graphique,
    exiger_bilan,
    preparer_page,
)
from flux_dash.ui.filtres import afficher_filtres

preparer_page("Soustraits et prévisionnel", "🔮")
bilan = exiger_bilan()
filtres = afficher_filtres(reservataires=False)


def _reinitialiser() -> None:
    etat.definir_previsionnel_edite(None)
    etat.oublier_widgets(etat.CLE_PREV_SOUSTRAITS, etat.CLE_PREV_DISPONIBILITES)  # the editors' own edits too


st.subheader(f"Logements soustraits du flux en {bilan.annee}")
niveau = st.radio(
    "Niveau",
    ["DEPARTEMENT", "EPCI_EPT", "COMMUNE"],
    format_func=g.NIVEAUX.get,
    horizontal=True,
    key=etat.CLE_NIVEAU_SOUSTRAITS,
)
afficher_graphique(
    g.tracer_soustraits_territoires(bilan, niveau),
    g.tableau_soustraits_territoires(bilan, niveau),
    f"soustraits_{niveau.lower()}_{bilan.annee}",
    "soustraits",
)
afficher_graphique(
    g.tracer_relogements(bilan), g.tableau_relogements(bilan), f"relogements_realises_{bilan.annee}", "relog"
)

st.divider()
st.subheader(f"Prévisionnel {bilan.annee + 1}")
st.caption(
    "Saisissez les soustractions prévues par département et par catégorie, et si vous les connaissez les "
    "disponibilités prévues (vide : les disponibilités de l'année n sont reprises). Les modifications sont "
    "reprises dans les prévisionnels téléchargés depuis la page Rapports."
)
if filtres.filtre_logements:
    st.warning(
        "Filtres actifs : les disponibilités reprises de l'année n sont celles des logements filtrés, mais "
        "les soustractions prévues valent pour tout le département. Effacez les filtres pour lire le "
        "prévisionnel tel qu'il sera transmis (les rapports, eux, ignorent les filtres)."
    )
rapport = etat.rapport()
source = etat.previsionnel_edite()
if source is None:
    source = rapport.tables.get("previsionnel")
p = bilan.perimetres
departements = sorted(p.loc[(p["perimetre_type"] == "DEPARTEMENT") & p["strate"].astype(bool), "perimetre_code"])
base_soustraits, base_disponibilites = preparer_previsionnel(source, departements)
# An editor keeps its edits by row position: its key names the rows, so that a filter changing the départements
# never applies an edit to another département's row (the edits themselves are kept by code in `etat`).
suffixe = "_" + "-".join(dict.fromkeys(base_soustraits["code_departement"]))
nom_dep = {code: f"{ref.DEPARTEMENTS_IDF.get(code, code)} ({code})" for code in ref.DEPARTEMENTS_IDF}
colonne_dep = st.column_config.SelectboxColumn(
    "Département", options=list(ref.DEPARTEMENTS_IDF), format_func=lambda c: nom_dep.get(c, c), disabled=True
)
gauche, droite = st.columns([3, 2])
with gauche:
    soustraits = st.data_editor(
        base_soustraits,
        key=etat.CLE_PREV_SOUSTRAITS + suffixe,
        num_rows="fixed",
        hide_index=True,
        placeholder="0",
        column_config={
            "code_departement": colonne_dep,
            "categorie_soustraction": st.column_config.SelectboxColumn(
                "Catégorie de soustraction",
                options=ref.SOUSTRACTIONS.codes,
                format_func=ref.SOUSTRACTIONS.libelle,
                disabled=True,
            ),
            "nombre_prevu": st.column_config.NumberColumn(
                "Nombre prévu", min_value=0, step=1, format="%d", required=True
            ),
        },
    )
with droite:
    # an empty cell means « the disponibilités of year n » (FORMAT.md §1.4): say so instead of Glide's « None »
    disponibilites = st.data_editor(
        base_disponibilites,
        key=etat.CLE_PREV_DISPONIBILITES + suffixe,
        num_rows="fixed",
        hide_index=True,
        placeholder=f"comme en {bilan.annee}",
        column_config={
            "code_departement": colonne_dep,
            "disponibilites_prevues": st.column_config.NumberColumn(
                "Disponibilités prévues", min_value=0, step=1, format="%d"
            ),
        },
    )
    st.button("Revenir au prévisionnel du fichier", on_click=_reinitialiser, icon=":material/undo:")
edite = assembler_previsionnel(soustraits, disponibilites)
if not edite.equals(assembler_previsionnel(base_soustraits, base_disponibilites)):
    etat.definir_previsionnel_edite(edite)
previsionnel = calculer_previsionnel(bilan, edite)

afficher_graphique(
    g.tracer_flux_previsionnel(previsionnel),
    g.tableau_flux_previsionnel(previsionnel),
    f"flux_previsionnel_{bilan.annee + 1}",
    "flux_prev",
)
afficher_graphique(
    g.tracer_droits_previsionnels(previsionnel),
    g.tableau_droits_previsionnels(previsionnel),
    f"droits_previsionnels_{bilan.annee + 1}",
    "droits_prev",
)
