"""The Streamlit shell of flux_dash: the ONLY part of the package that imports streamlit.

A page (pages/*.py) reads top to bottom — setup → guard → one library call → render (style.md §2)::

    from flux_dash import graphiques as g
    from flux_dash.ui import etat
    from flux_dash.ui.affichage import afficher_graphique, tableau
    from flux_dash.ui.filtres import afficher_filtres
    from flux_dash.ui.gardes import exiger_bilan
    from flux_dash.ui.page import preparer_page

    preparer_page("Territoires", "🗺️")   # FIRST call: page config, session defaults, sidebar of its side, title
    bilan = exiger_bilan()               # no data → French notice + link to the home page + st.stop();
                                         # errors → explains why the bilan is blocked + link to Contrôles
    filtres = afficher_filtres()         # sidebar filters (persisted across pages); returns Filtres
    niveau = st.radio("Niveau", list(g.NIVEAUX), key=etat.CLE_NIVEAU_CARTE)   # widget keys: declared in etat
    afficher_graphique(g.tracer_x(bilan, niveau), g.tableau_x(bilan, niveau), "nom_du_fichier", "x")

Modules, one concept each:
    ``page`` (``preparer_page``); ``navigation`` (the menu of each side, ``MENUS``, page paths ``PAGE_…``,
    ``lien_page``); ``barre_laterale`` (menu + status of the loaded data); ``gardes`` (early stops
    ``exiger_donnees``, ``exiger_bilan``); ``filtres`` (``afficher_filtres``); ``affichage`` (``echapper``,
    ``tableau``, ``afficher_graphique``, ``afficher_carte``, ``telecharger_tableau``); ``etat`` (every session key
    and widget key, and their accessors: never touch ``st.session_state`` elsewhere); ``chargement`` (upload, demo);
    ``previsionnel`` (the editable forecast grids); ``telechargements`` (the Rapports page's widgets); pure helpers
    without Streamlit: ``controles``, ``publication``, ``exports``.
Library (no streamlit): :mod:`flux_dash.formats` (``nombre``, ``pourcentage``, ``date_fr``, ``formater_tableau``),
:mod:`flux_dash.filtres` (``Filtres``, ``filtrer_tables``, ``garder_reservataires``, ``options_filtres``),
:mod:`flux_dash.graphiques` (plotly figures and their tables).

Rules: never ``unsafe_allow_html``; never ``st.markdown`` of raw user strings (use ``affichage.echapper`` or
``st.dataframe``); charts come from :mod:`flux_dash.graphiques` (plotly figures, no streamlit inside), rendered
with ``st.plotly_chart(fig, width="stretch")`` (``use_container_width`` is deprecated in 1.67).
"""
