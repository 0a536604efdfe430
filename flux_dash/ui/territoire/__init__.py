"""The receiving side of the app (issue 9, FORMAT.md §3.3): an EPCI/EPT co-pilot, a DDETS or the DRIHL drops the
landlords' files, follows who has sent, and explores and downloads the consolidated figures of its territory.

Modules: ``session`` (the campaign store of the session — the demo's in-memory one or the user's file —, the year,
the territory, the cached :class:`~flux_dash.consolidation.Consolidation`); ``accueil`` (the receiving home);
``barre`` (the sidebar's status block and the choice of year and territory); ``gardes`` (early stops). Every figure
comes from the library's ``Consolidation``; nothing is computed here.
"""
