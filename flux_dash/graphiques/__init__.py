"""The dashboard's charts: plotly figures built from a :class:`~flux_dash.calculs.Bilan`, never from raw rows.

Every chart comes as a pair: ``tableau_xxx(bilan, …) -> DataFrame`` (the figures plotted, French column names,
one row per bar/point — what the page shows under « Voir les données » and offers for download) and
``tracer_xxx(bilan, …) -> go.Figure`` built *from that table*, so a chart and its table can never disagree and
nothing is recomputed (house style §6). Ratio columns hold raw fractions (0.25 for 25 %); their names are in
:data:`COLONNES_POURCENTAGE` so that display code formats them as ``25,0 %``.

French display (DOMAINE.md §3, stack.md plotly 7): ``separators=", "`` (« 1 234,5 »), percent axes ``.1%``, date
axes ``%d/%m/%Y``, French titles and hover texts. One colour-blind-safe palette (Okabe–Ito), category colours
derived from the référentiel order (:func:`couleurs`). Reference values (DOMAINE.md §4) are drawn as dashed
lines or markers "to read against", never as a verdict.

One module per subject, each pair side by side: :mod:`.flux` (key figures, reconciliation, monthly trends),
:mod:`.reservataires`, :mod:`.territoires` (tables and maps), :mod:`.qpv`, :mod:`.previsionnel` (soustraits,
relogements, forecast); :mod:`.commun` holds the theme, the French layout and the bar builders. Everything public
is re-exported here: ``from flux_dash import graphiques as g; g.tracer_carte(…)``.

No Streamlit here: the pages call these functions and render.
"""

from flux_dash.formats import PALETTE
from flux_dash.graphiques.commun import (
    COLONNES_POURCENTAGE,
    CONFIG_PLOTLY,
    COULEUR_ATTRIBUES,
    COULEUR_DROITS,
    COULEUR_PROPOSES,
    FORMAT_DATE,
    FORMAT_NOMBRE,
    GABARIT,
    GRIS,
    REGION,
    SEPARATEURS,
    couleurs,
    figure_vide,
    graduations_pourcentage,
    marge_haute,
    pourcentages,
)
from flux_dash.graphiques.flux import (
    chiffres_cles,
    tableau_reconciliation_flux,
    tableau_tendances_mensuelles,
    tracer_reconciliation_flux,
    tracer_tendances_mensuelles,
)
from flux_dash.graphiques.previsionnel import (
    tableau_droits_previsionnels,
    tableau_flux_previsionnel,
    tableau_relogements,
    tableau_soustraits_territoires,
    tracer_droits_previsionnels,
    tracer_flux_previsionnel,
    tracer_relogements,
    tracer_soustraits_territoires,
)
from flux_dash.graphiques.qpv import (
    MESURES_QPV,
    tableau_indicateurs_cia,
    tableau_prefet_hors_qpv,
    tableau_qpv_reservataires,
    tableau_qpv_territoires,
    tracer_indicateurs_cia,
    tracer_prefet_hors_qpv,
    tracer_qpv_reservataires,
    tracer_qpv_territoires,
)
from flux_dash.graphiques.reservataires import (
    libelles_reservataires,
    reservataires_actifs,
    tableau_issues_tours,
    tableau_realisation,
    tableau_repartition,
    tracer_droits_proposes,
    tracer_issues_tours,
    tracer_part_flux,
    tracer_repartition,
)
from flux_dash.graphiques.territoires import (
    BLEUS,
    INDICATEURS_CARTE,
    LATITUDE_IDF,
    NB_CLASSES,
    NB_ETIQUETTES,
    NIVEAUX,
    classes_carte,
    couleurs_classes,
    geojson_restreint,
    libelle_classe,
    tableau_carte,
    tableau_consolidation,
    tableau_territoires,
    tracer_carte,
)

__all__ = [
    "BLEUS",
    "COLONNES_POURCENTAGE",
    "CONFIG_PLOTLY",
    "COULEUR_ATTRIBUES",
    "COULEUR_DROITS",
    "COULEUR_PROPOSES",
    "FORMAT_DATE",
    "FORMAT_NOMBRE",
    "GABARIT",
    "GRIS",
    "INDICATEURS_CARTE",
    "LATITUDE_IDF",
    "MESURES_QPV",
    "NB_CLASSES",
    "NB_ETIQUETTES",
    "NIVEAUX",
    "PALETTE",
    "REGION",
    "SEPARATEURS",
    "chiffres_cles",
    "classes_carte",
    "couleurs_classes",
    "couleurs",
    "figure_vide",
    "geojson_restreint",
    "libelle_classe",
    "graduations_pourcentage",
    "libelles_reservataires",
    "marge_haute",
    "pourcentages",
    "reservataires_actifs",
    "tableau_carte",
    "tableau_consolidation",
    "tableau_droits_previsionnels",
    "tableau_flux_previsionnel",
    "tableau_indicateurs_cia",
    "tableau_issues_tours",
    "tableau_prefet_hors_qpv",
    "tableau_qpv_reservataires",
    "tableau_qpv_territoires",
    "tableau_realisation",
    "tableau_reconciliation_flux",
    "tableau_relogements",
    "tableau_repartition",
    "tableau_soustraits_territoires",
    "tableau_tendances_mensuelles",
    "tableau_territoires",
    "tracer_carte",
    "tracer_droits_previsionnels",
    "tracer_droits_proposes",
    "tracer_flux_previsionnel",
    "tracer_indicateurs_cia",
    "tracer_issues_tours",
    "tracer_part_flux",
    "tracer_prefet_hors_qpv",
    "tracer_qpv_reservataires",
    "tracer_qpv_territoires",
    "tracer_reconciliation_flux",
    "tracer_relogements",
    "tracer_repartition",
    "tracer_soustraits_territoires",
    "tracer_tendances_mensuelles",
]
