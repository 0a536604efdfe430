"""The Streamlit shell of flux_dash: the ONLY part of the package that imports streamlit.

Contract for page authors (pages/*.py)::

    from flux_dash.ui import commun, etat

    commun.preparer_page("Territoires", "🗺️")   # FIRST call: page config, session defaults, sidebar, title
    bilan = commun.exiger_bilan()                # no data → French notice + link to the home page + st.stop();
                                                 # errors → explains why the bilan is blocked + link to Contrôles
    filtres = commun.afficher_filtres()          # sidebar filters (persisted across pages); returns Filtres
    df = filtres_module.garder_reservataires(bilan.xxx, filtres)   # réservataire filter = display only
    commun.tableau(df, {"reservataire": "Réservataire", "part": "Part du flux"}, pourcentages=["part"])
    commun.telecharger_tableau(df, "Proposés par réservataire", libelles)

``etat`` (all session keys live there; never touch ``st.session_state`` directly):
    ``rapport() -> RapportValidation | None``, ``annee() -> int``, ``nom_bailleur() -> str``,
    ``filtres() -> Filtres``, ``bilan() -> Bilan`` (filtered tables, chosen year, edited prévisionnel; cached
    per upload token + year + filters + prévisionnel), ``tables_filtrees()``, ``previsionnel_edite()`` /
    ``definir_previsionnel_edite(df | None)``, ``jeton()``, ``fichiers()``.
``commun``: ``preparer_page(titre, icone)``, ``exiger_donnees()``, ``exiger_bilan()``, ``afficher_filtres()``,
    ``tableau(df, libelles, pourcentages=(), decimales=None)``, ``telecharger_tableau(df, nom, libelles)``,
    ``echapper(texte)`` (markdown-escape user text), page paths ``PAGE_ACCUEIL``, ``PAGE_CONTROLES``…
Library helpers (no streamlit): :mod:`flux_dash.formats` (``nombre``, ``pourcentage``, ``date_fr``,
``formater_tableau``), :mod:`flux_dash.filtres` (``Filtres``, ``filtrer_tables``, ``garder_reservataires``),
:mod:`flux_dash.ui.exports` (``tableau_en_csv``, ``tableau_en_xlsx``).

Rules: never ``unsafe_allow_html``; never ``st.markdown`` of raw user strings (use ``commun.echapper`` or
``st.dataframe``); charts come from :mod:`flux_dash.graphiques` (plotly figures, no streamlit inside), rendered
with ``st.plotly_chart(fig, width="stretch")`` (``use_container_width`` is deprecated in 1.67).
"""
