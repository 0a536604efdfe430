"""The home page's summary of the loaded data: table sizes, years covered, the validation verdict and next steps."""

from __future__ import annotations

import streamlit as st

from flux_dash import formats
from flux_dash.problemes import RapportValidation
from flux_dash.ui import etat
from flux_dash.ui.navigation import COTE_TERRITOIRE, COTES, PAGE_CONTROLES, PAGE_RAPPORTS, PAGE_VUE, lien_page


def afficher_entrees() -> str:
    """The two entrances (« Je suis un bailleur… », « Je reçois des bilans… ») and, under the receiving one, its
    demo; returns the side chosen (remembered for the session; the sidebar shows only that side's pages)."""
    from flux_dash.ui.territoire.accueil import AIDE_DEMO, LIBELLE_DEMO
    from flux_dash.ui.territoire.session import charger_demo

    choisi = etat.cote()
    colonnes = st.columns(len(COTES))
    for colonne, (cote, libelle) in zip(colonnes, COTES.items(), strict=True):
        with colonne.container(border=True):
            st.button(
                libelle,
                on_click=etat.definir_cote,
                args=(cote,),
                type="primary" if cote == choisi else "secondary",
                width="stretch",
            )
            if cote == COTE_TERRITOIRE:
                st.button(
                    LIBELLE_DEMO, on_click=charger_demo, icon=":material/science:", help=AIDE_DEMO, type="tertiary"
                )
            else:
                st.caption("Vos tours de commercialisation → vos bilans et prévisionnels.")
    return etat.cote()


def afficher_resume(rapport: RapportValidation, annees: list[int], annee: int) -> None:
    """« Données chargées »: rows per table and years covered (``annees``), then either the blocking errors with a
    link to Contrôles, or « Aucune erreur : le bilan ``annee`` peut être produit » and the next steps."""
    tables = rapport.tables
    st.subheader("Données chargées")

    def nombre_lignes(nom: str) -> str:
        return formats.nombre(len(tables[nom])) if nom in tables else "—"

    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Logements", nombre_lignes("logements"))
    c2.metric("Tours", nombre_lignes("tours"))
    c3.metric("Conventions", nombre_lignes("conventions"))
    c4.metric(
        "Années couvertes", f"{annees[0]}–{annees[-1]}" if len(annees) > 1 else (str(annees[0]) if annees else "—")
    )

    nb_e, nb_a, nb_i = len(rapport.erreurs), len(rapport.avertissements), len(rapport.informations)
    if nb_e:
        st.error(
            f"{formats.nombre(nb_e)} erreur{'s' if nb_e > 1 else ''} bloque{'nt' if nb_e > 1 else ''} le bilan "
            f"({formats.nombre(nb_a)} avertissement{'s' if nb_a > 1 else ''}). Consultez les contrôles, corrigez le "
            "fichier, retirez l'ancienne version de la zone de dépôt (✕) puis déposez la nouvelle."
        )
        lien_page(PAGE_CONTROLES, "Voir les contrôles", ":material/fact_check:")
        return
    st.success(
        f"Aucune erreur : le bilan {annee} peut être produit ({formats.nombre(nb_a)} "
        f"avertissement{'s' if nb_a > 1 else ''}, {formats.nombre(nb_i)} information{'s' if nb_i > 1 else ''})."
    )
    st.markdown("**Étapes suivantes**")
    lien_page(PAGE_CONTROLES, "Relire les avertissements", ":material/fact_check:")
    lien_page(PAGE_VUE, "Explorer le bilan", ":material/dashboard:")
    lien_page(PAGE_RAPPORTS, "Télécharger les rapports", ":material/folder_zip:")
