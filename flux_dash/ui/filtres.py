"""The sidebar filters: one multiselect per filter of :mod:`flux_dash.filtres`, persisted across pages.

The options, their narrowing and the sentence restating them are library code (:func:`flux_dash.filtres.options_filtres`,
:func:`~flux_dash.filtres.restreindre_filtres`, :func:`~flux_dash.filtres.resumer_filtres`); this module draws the
widgets and keeps :data:`flux_dash.ui.etat.FILTRES` in step with them (widget keys: ``etat.CLES_FILTRES``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from flux_dash.filtres import (
    LIBELLES_FILTRES,
    Filtres,
    OptionsFiltres,
    restreindre_filtres,
    resumer_filtres,
    valeurs_presentes,
)
from flux_dash.ui import etat
from flux_dash.ui.affichage import echapper


def _lire_filtres() -> tuple[Filtres, OptionsFiltres]:
    """The user's latest choices (a widget present in this run), else the remembered ones (page change), narrowed
    to the options they leave; and those options."""
    actuels = etat.filtres()
    choisis = Filtres(
        **{nom: tuple(etat.lire_widget(cle, getattr(actuels, nom))) for nom, cle in etat.CLES_FILTRES.items()}
    )
    r = etat.rapport()
    if r is None:
        return choisis, {}
    # the values present are read from the rows once per upload; the options follow the choices (milliseconds)
    return restreindre_filtres(etat.agregat(valeurs_presentes, r.tables), choisis)


def afficher_filtres(reservataires: bool = True) -> Filtres:
    """The sidebar filters; their values persist across pages (mirrored into ``etat.FILTRES``).

    ``reservataires=False`` hides the réservataire filter on pages where it means nothing. Returns the
    current :class:`Filtres`; :func:`flux_dash.ui.etat.bilan` already applies the logement filters.
    """
    if etat.rapport() is None:
        return Filtres()
    choisis, options = _lire_filtres()
    valeurs = {nom: getattr(choisis, nom) for nom in etat.CLES_FILTRES}
    with st.sidebar.expander("Filtres", expanded=choisis.actifs, icon=":material/filter_list:"):
        st.caption(
            "Vide = tout. Les filtres de logements recalculent le bilan ; le filtre réservataire ne change que l'affichage."
        )
        for nom in etat.CLES_FILTRES:
            if nom == "reservataires" and not reservataires:
                continue
            etat.definir_widget(etat.CLES_FILTRES[nom], list(valeurs[nom]))
            libelles = options[nom]
            st.multiselect(
                LIBELLES_FILTRES[nom],
                options=list(libelles),
                format_func=lambda code, lib=libelles: lib.get(code, code),
                key=etat.CLES_FILTRES[nom],
                placeholder="Tous",
                on_change=_memoriser_filtres,  # runs before the page: exiger_bilan() already sees the new filters
            )
            valeurs[nom] = tuple(etat.lire_widget(etat.CLES_FILTRES[nom]))
        if Filtres(**valeurs).actifs:
            st.button("Effacer les filtres", on_click=_effacer_filtres, width="stretch")
    resultat = Filtres(**valeurs)
    etat.definir_filtres(resultat)
    if resultat.actifs:  # never a silently narrowed page: the filters are restated above the figures
        st.caption(f":material/filter_list: {echapper(resumer_filtres(resultat, options))}")
    if resultat.filtre_logements and etat.tables_filtrees().get("logements", pd.DataFrame()).empty:
        # rather than a blank waterfall and a line chart from −1 to 1
        st.info(AUCUN_LOGEMENT, icon=":material/filter_list_off:")
        st.stop()
    return resultat


AUCUN_LOGEMENT = "Aucun logement ne correspond aux filtres : élargissez-les (ou effacez-les) dans la barre latérale."
"""What a page says, instead of empty charts, when the filters leave no logement."""


def _memoriser_filtres() -> None:
    """``on_change`` of a filter: runs before the page, so the bilan computed in this run already uses the new
    filters — narrowed to the options they leave (a commune of a département just deselected is dropped)."""
    etat.definir_filtres(_lire_filtres()[0])


def _effacer_filtres() -> None:
    for cle in etat.CLES_FILTRES.values():
        etat.definir_widget(cle, [])
    etat.definir_filtres(Filtres())
