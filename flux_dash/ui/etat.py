"""Every session-state key of the dashboard, its default, and the accessors pages use.

Streamlit facts this module is built on (see stack.md): ``st.session_state`` is per browser session and shared
by all pages; a widget's value is dropped when its page is not rendered, so whatever must survive a page change
lives in the *plain* keys below (never in a widget key). The validated data (big frames) stays in session state;
bilans are cached in a small per-session LRU keyed by a token (sha256 of the upload) + year + filters (the
edited prévisionnel is applied on top): the frames themselves are never hashed.

Widget keys are declared here too (:data:`CLE_BAILLEUR`…, all under :data:`PREFIXE_WIDGET`): a widget whose value
must come back when its page is shown again is restored from a plain key with :func:`initialiser_widget`.

Pages and the other ``ui`` modules never read ``st.session_state`` directly: they call these accessors.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from flux_dash.filtres import NOMS_FILTRES, Filtres, filtrer_tables
from flux_dash.problemes import RapportValidation
from flux_dash.rapports import OptionsRapports

if TYPE_CHECKING:
    from flux_dash.calculs import Bilan
    from flux_dash.ui.arriere_plan import Travail

journal = logging.getLogger(__name__)

# --- Keys (plain keys: they survive page changes) ----------------------------------------------------
RAPPORT = "fd_rapport"
"""RapportValidation | None: the loaded, validated data, with the warnings of year ``rapport.annee`` (another year:
:func:`flux_dash.validation.pour_annee`, the files are never read again nor kept)."""
FICHIERS = "fd_fichiers"
"""list[str]: names of the loaded files (or the demo's label)."""
JETON = "fd_jeton"
"""str: sha256 of the loaded bytes (names + contents); identifies the data in caches."""
ANNEE = "fd_annee"
"""int | None: the bilan year n chosen by the user (None → the data's default year)."""
ANNEE_DEFAUT = "fd_annee_defaut"
"""int | None: :func:`flux_dash.validation.annee_par_defaut` of the loaded data."""
NOM_BAILLEUR = "fd_nom_bailleur"
"""str: the landlord's name printed on the reports."""
FILTRES = "fd_filtres"
"""Filtres: the sidebar filters (mirrored from the widget keys :data:`CLES_FILTRES`)."""
PREVISIONNEL = "fd_previsionnel_edite"
"""DataFrame | None: the prévisionnel table as edited in the dashboard (None → the uploaded one)."""
BILANS = "fd_bilans"
"""OrderedDict: LRU of computed bilans, key (jeton, annee, filtres.cle()) — without the edited prévisionnel."""
ERREUR_CHARGEMENT = "fd_erreur_chargement"
"""str | None: the French message of the last failed load (shown on the home page)."""
ARCHIVE = "fd_archive"
"""Travail | None: the ZIP of every trame of the Rapports page, built (or being built) in a background thread
(:mod:`flux_dash.ui.arriere_plan`); its key, :func:`cle_archive`, says which data, year and options it is for."""
OPTIONS_RAPPORTS = "fd_options_rapports"
"""OptionsRapports | None: the options of the Rapports page (LEC list, small-cell masking, landlord)."""
PRECEDENT = "fd_precedent"
"""tuple(name, bytes) | None: last year's flux_dash output of the landlord (ZIP or indicators CSV) dropped on the
home page (``--precedent`` of the command line); read per year by :mod:`flux_dash.ui.precedent`."""
AGREGATS = "fd_agregats"
"""OrderedDict: LRU of what pages compute from a bilan (tables, figures), see :func:`agregat`."""

DEFAUTS: dict[str, Any] = {
    RAPPORT: None,
    FICHIERS: [],
    JETON: "",
    ANNEE: None,
    ANNEE_DEFAUT: None,
    NOM_BAILLEUR: "",
    FILTRES: Filtres(),
    PREVISIONNEL: None,
    BILANS: None,
    ERREUR_CHARGEMENT: None,
    ARCHIVE: None,
    OPTIONS_RAPPORTS: None,
    PRECEDENT: None,
    AGREGATS: None,
}

# --- Widget keys (a widget's value is dropped when its page is not rendered) -------------------------
PREFIXE_WIDGET = "_fd_w_"
"""Every widget key starts with it: never confused with a plain key above."""
CLE_TELEVERSEMENT = PREFIXE_WIDGET + "televersement"
"""Home page's file uploader (its value is dropped when the page is not rendered)."""
CLE_ANNEE = PREFIXE_WIDGET + "annee"
"""Home page's year selector; its key is suffixed by the data (:func:`cle_annee`): new data, a fresh selector."""
CLE_BAILLEUR = PREFIXE_WIDGET + "bailleur"
"""Home page's landlord name (mirrored into :data:`NOM_BAILLEUR`)."""
CLE_BAILLEUR_RAPPORTS = PREFIXE_WIDGET + "bailleur_rapports"
"""Rapports page's landlord name (the same :data:`NOM_BAILLEUR`)."""
CLE_PRECEDENT = PREFIXE_WIDGET + "precedent"
"""Home page: the uploader of last year's output (copied into :data:`PRECEDENT` by its callback)."""
CLE_LEC = PREFIXE_WIDGET + "lec"
"""Rapports page: the EPCI « LEC » / EPT receiving a consolidated bilan (restored from :data:`OPTIONS_RAPPORTS`)."""
CLE_MASQUER = PREFIXE_WIDGET + "masquer"
"""Rapports page: small-cell masking (restored from :data:`OPTIONS_RAPPORTS`)."""
CLE_RESERVATAIRE = PREFIXE_WIDGET + "reservataire"
"""Réservataires page: the holder shown."""
CLE_PERIMETRE_REPARTITION = PREFIXE_WIDGET + "perimetre_repartition"
"""Réservataires page: the perimeter of the décret breakdowns."""
CLE_NIVEAU_CARTE = PREFIXE_WIDGET + "niveau_carte"
"""Territoires page: the map's level (communes, EPCI/EPT, départements)."""
CLE_INDICATEUR_CARTE = PREFIXE_WIDGET + "indicateur_carte"
"""Territoires page: the map's figure (flux, proposés, attribués)."""
CLE_TERRITOIRE_DETAIL = PREFIXE_WIDGET + "territoire_detail"
"""Territoires page: the EPCI/EPT drilled into."""
CLE_NIVEAU_QPV = PREFIXE_WIDGET + "niveau_qpv"
"""QPV page: the level of the en/hors QPV chart."""
CLE_MESURE_QPV = PREFIXE_WIDGET + "mesure_qpv"
"""QPV page: the figure of the en/hors QPV chart (flux, attribués)."""
CLE_NIVEAU_SOUSTRAITS = PREFIXE_WIDGET + "niveau_soustraits"
"""Soustraits et prévisionnel page: the level of the soustraits chart."""
CLE_PREV_SOUSTRAITS = PREFIXE_WIDGET + "prev_soustraits"
"""Prefix of the editor of soustractions prévues; the key is suffixed by the rows' départements
(:func:`flux_dash.ui.previsionnel.editer_previsionnel`)."""
CLE_PREV_DISPONIBILITES = PREFIXE_WIDGET + "prev_disponibilites"
"""Prefix of the editor of disponibilités prévues (suffixed like :data:`CLE_PREV_SOUSTRAITS`)."""
CLES_FILTRES: dict[str, str] = {nom: f"{PREFIXE_WIDGET}filtre_{nom}" for nom in NOMS_FILTRES}
"""Sidebar filter name → its multiselect's key (mirrored into :data:`FILTRES`)."""

TAILLE_CACHE_BILANS = 4
"""Bilans kept per session (each holds only aggregates; a few filter combinations fit)."""
TAILLE_CACHE_AGREGATS = 96
"""Page results kept per session (:func:`agregat`): every chart and table of every page, for a few filter sets."""


def initialiser() -> None:
    """Set every missing key to its default (called by ``preparer_page``)."""
    for cle, defaut in DEFAUTS.items():
        if cle not in st.session_state:
            st.session_state[cle] = defaut() if callable(defaut) else defaut
    if st.session_state[BILANS] is None:
        st.session_state[BILANS] = OrderedDict()
    if st.session_state[AGREGATS] is None:
        st.session_state[AGREGATS] = OrderedDict()


def _lire(cle: str) -> Any:
    if cle not in st.session_state:
        initialiser()
    return st.session_state[cle]


# --- Widgets -------------------------------------------------------------------------------------------


def lire_widget(cle: str, defaut: Any = None) -> Any:
    """The value of widget ``cle`` in this run (``defaut`` when the widget is not rendered or has no value yet)."""
    return st.session_state.get(cle, defaut)


def definir_widget(cle: str, valeur: Any) -> None:
    """Set widget ``cle``'s value before the widget is drawn (or in a callback)."""
    st.session_state[cle] = valeur


def initialiser_widget(cle: str, defaut: Any, options: Sequence[Any] | None = None) -> None:
    """Give widget ``cle`` the value ``defaut`` when it has none (first visit, or its page was not rendered) or,
    with ``options``, when its value is no longer one of them."""
    if cle not in st.session_state or (options is not None and st.session_state[cle] not in options):
        st.session_state[cle] = defaut


def oublier_widgets(*prefixes: str) -> None:
    """Drop the state of every widget whose key starts with one of ``prefixes`` (their own edits too)."""
    for cle in [c for c in st.session_state if str(c).startswith(prefixes)]:
        st.session_state.pop(cle, None)


def cle_annee() -> str:
    """The year selector's key for the loaded data (new data: the selector starts on that data's year)."""
    return f"{CLE_ANNEE}_{jeton()[:8]}"


# --- Loaded data -------------------------------------------------------------------------------------


def jeton_octets(fichiers: list[tuple[str, bytes]]) -> str:
    """sha256 over the names and contents of the uploaded files (order-independent)."""
    h = hashlib.sha256()
    for nom, octets in sorted(fichiers, key=lambda f: f[0]):
        h.update(nom.encode("utf-8") + b"\0" + hashlib.sha256(octets).digest())
    return h.hexdigest()


def enregistrer_rapport(rapport: RapportValidation, noms_fichiers: list[str], jeton: str) -> None:
    """Store freshly loaded data (validated for the data's default year) and reset everything derived from the
    previous data."""
    initialiser()
    st.session_state[RAPPORT] = rapport
    st.session_state[FICHIERS] = list(noms_fichiers)
    st.session_state[JETON] = jeton
    st.session_state[ANNEE_DEFAUT] = _annee_par_defaut(rapport)
    st.session_state[ANNEE] = None
    st.session_state[FILTRES] = Filtres()
    st.session_state[PREVISIONNEL] = None
    st.session_state[BILANS] = OrderedDict()
    st.session_state[AGREGATS] = OrderedDict()
    st.session_state[ERREUR_CHARGEMENT] = None
    oublier_archive()
    _oublier_lec()


def _oublier_lec() -> None:
    """The LEC recipients chosen among the previous data's EPCI/EPT do not carry over to other data (an EPCI of
    the new file would silently get no consolidated bilan): back to the default list; the masking choice stays."""
    options = st.session_state.get(OPTIONS_RAPPORTS)
    if isinstance(options, OptionsRapports):
        st.session_state[OPTIONS_RAPPORTS] = dataclasses.replace(options, epci_lec=None, fichiers_source=())


def oublier_donnees() -> None:
    """Drop the loaded data (the "Décharger" button)."""
    initialiser()
    oublier_archive()
    for cle in (
        RAPPORT,
        FICHIERS,
        JETON,
        ANNEE,
        ANNEE_DEFAUT,
        FILTRES,
        PREVISIONNEL,
        BILANS,
        ERREUR_CHARGEMENT,
        PRECEDENT,
    ):
        st.session_state[cle] = DEFAUTS[cle]
    st.session_state[BILANS] = OrderedDict()
    st.session_state[AGREGATS] = OrderedDict()
    _oublier_lec()


def _annee_par_defaut(rapport: RapportValidation) -> int | None:
    try:
        from flux_dash.validation import annee_par_defaut

        return int(annee_par_defaut(rapport.tables))
    except Exception:  # no usable date (broken file): the year selector falls back to last year
        journal.exception("annee_par_defaut a échoué")
        return None


def remplacer_rapport(rapport: RapportValidation) -> None:
    """The same data with the warnings of another year (``rapport.annee``): only the report changes; the clean
    tables are the same, so filters, prévisionnel edits, options, computed bilans and the ZIP (keyed by year) stay."""
    initialiser()
    st.session_state[RAPPORT] = rapport


def rapport() -> RapportValidation | None:
    """The loaded validation report, or None when nothing is loaded."""
    return _lire(RAPPORT)


def fichiers() -> list[str]:
    return list(_lire(FICHIERS))


def jeton() -> str:
    return str(_lire(JETON))


def annee() -> int:
    """The bilan year n: the user's choice, else the data's default year, else last calendar year."""
    choisie = _lire(ANNEE)
    if choisie is not None:
        return int(choisie)
    defaut = _lire(ANNEE_DEFAUT)
    if defaut is not None:
        return int(defaut)
    return pd.Timestamp.today().year - 1


def definir_annee(valeur: int) -> None:
    _lire(ANNEE)
    st.session_state[ANNEE] = int(valeur)
    travail = _lire(ARCHIVE)
    if travail is not None and travail.cle[1] != int(valeur):  # a ZIP of another year: stop building it
        oublier_archive()


def nom_bailleur() -> str:
    """The landlord's name as typed (may be empty: reports then say « Bailleur »)."""
    return str(_lire(NOM_BAILLEUR) or "")


def definir_nom_bailleur(valeur: str) -> None:
    _lire(NOM_BAILLEUR)
    st.session_state[NOM_BAILLEUR] = (valeur or "").strip()


def filtres() -> Filtres:
    """The current sidebar filters (empty = everything)."""
    valeur = _lire(FILTRES)
    return valeur if isinstance(valeur, Filtres) else Filtres()


def definir_filtres(valeur: Filtres) -> None:
    _lire(FILTRES)
    st.session_state[FILTRES] = valeur


def previsionnel_edite() -> pd.DataFrame | None:
    """The prévisionnel as edited on the dashboard, or None when the uploaded table is used as is."""
    return _lire(PREVISIONNEL)


def definir_previsionnel_edite(df: pd.DataFrame | None) -> None:
    """Replace the prévisionnel used by :func:`bilan` (None → back to the uploaded table)."""
    _lire(PREVISIONNEL)
    st.session_state[PREVISIONNEL] = None if df is None else df.reset_index(drop=True).copy()


def erreur_chargement() -> str | None:
    """The French message of the last failed load (None when the last load succeeded)."""
    return _lire(ERREUR_CHARGEMENT)


def definir_erreur_chargement(message: str) -> None:
    _lire(ERREUR_CHARGEMENT)
    st.session_state[ERREUR_CHARGEMENT] = message


def archive() -> Travail | None:
    """The ZIP of the Rapports page, built or being built (compare its ``cle`` with :func:`cle_archive`)."""
    return _lire(ARCHIVE)


def definir_archive(travail: Travail | None) -> None:
    """Keep ``travail`` as the session's ZIP; the previous one, still running or not, is cancelled and dropped."""
    ancien = _lire(ARCHIVE)
    if ancien is not None and ancien is not travail:
        ancien.annuler()
    st.session_state[ARCHIVE] = travail


def oublier_archive() -> None:
    """Cancel and drop the ZIP (new data, data unloaded, other options)."""
    definir_archive(None)


def cle_archive(options: OptionsRapports) -> tuple:
    """What a ZIP is valid for: the data, the year, the edited prévisionnel, the options and last year's file
    (compared by value: the key survives the caches' evictions and page changes)."""
    sans_precedent = dataclasses.replace(options, precedent=None, genere_le=None)
    return (jeton(), annee(), _empreinte(previsionnel_edite()), sans_precedent, _empreinte_precedent())


def _empreinte(df: pd.DataFrame | None) -> str:
    if df is None:
        return ""
    return _cle_argument(df)[1][1] if len(df) <= LIGNES_CLE_CONTENU else str(id(df))


def _empreinte_precedent() -> str:
    valeur = precedent()
    return "" if valeur is None else hashlib.sha256(valeur[1]).hexdigest()


def precedent() -> tuple[str, bytes] | None:
    """Last year's file (name, bytes) dropped on the home page, or None."""
    return _lire(PRECEDENT)


def definir_precedent(valeur: tuple[str, bytes] | None) -> None:
    _lire(PRECEDENT)
    st.session_state[PRECEDENT] = None if valeur is None else (str(valeur[0]), bytes(valeur[1]))


def options_rapports() -> OptionsRapports | None:
    """The options last chosen on the Rapports page (None before the first visit)."""
    return _lire(OPTIONS_RAPPORTS)


def definir_options_rapports(valeur: OptionsRapports) -> None:
    _lire(OPTIONS_RAPPORTS)
    st.session_state[OPTIONS_RAPPORTS] = valeur


# --- Bilan -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CleBilan:
    jeton: str
    annee: int
    filtres: tuple[tuple[str, ...], ...]


def cle_bilan(jeton_donnees: str, annee_n: int, f: Filtres) -> _CleBilan:
    """The cache key of a bilan: data, year, logement filters. Neither the réservataire filter (display only) nor
    the edited prévisionnel (applied on top by :func:`bilan`, cheaply) is part of it."""
    return _CleBilan(jeton_donnees, int(annee_n), f.cle()[:-1])


def tables_filtrees() -> dict[str, pd.DataFrame]:
    """The clean tables restricted by the logement filters (see :mod:`flux_dash.filtres`), with the edited
    prévisionnel; computed once per (upload, filters, edit) — the same dict while they stay (:func:`agregat`
    recognises it)."""
    r = rapport()
    if r is None:
        return {}
    prev = previsionnel_edite()
    return agregat(_filtrer, r.tables, filtres().cle()[:-1], prev)


def _filtrer(tables: dict[str, pd.DataFrame], cle_filtres: tuple, prev: pd.DataFrame | None) -> dict:
    resultat = filtrer_tables(tables, filtres())
    if prev is not None:
        resultat["previsionnel"] = prev
    return resultat


LIGNES_CLE_CONTENU = 5_000
"""A frame up to this many rows (an edited prévisionnel grid, new at every rerun) is keyed by its content."""


def _cle_argument(valeur: Any) -> tuple[str, Any]:
    """``("valeur", v)`` for hashable values, ``("contenu", …)`` for a small frame, ``("objet", id)`` for frames,
    dicts and bilans compared by identity (see :func:`agregat`)."""
    if isinstance(valeur, pd.DataFrame) and len(valeur) <= LIGNES_CLE_CONTENU:
        empreinte = pd.util.hash_pandas_object(valeur, index=True).to_numpy().tobytes()
        return ("contenu", (tuple(map(str, valeur.columns)), hashlib.sha256(empreinte).hexdigest()))
    try:
        hash(valeur)
    except TypeError:
        return ("objet", id(valeur))
    if dataclasses.is_dataclass(valeur) and not isinstance(valeur, Filtres):
        return ("objet", id(valeur))  # a Bilan: compared by identity (its frames are not hashed)
    return ("valeur", valeur)


def agregat(fonction: Any, *args: Any, **options: Any) -> Any:
    """``fonction(*args, **options)``, computed once per session for the same arguments: what a page draws from
    a bilan (its tables and figures) is not recomputed on every rerun (a filter change, a click elsewhere).

    Hashable arguments (level, year, codes) are compared by value; a bilan, a table or a dict of tables by
    identity (a bound method: its object too). Identity is sound because the entry keeps those objects alive (no
    other object can take their id) and because each of them is itself cached per (upload, year, filters) by
    :func:`bilan` and :func:`tables_filtrees`: a new upload, another year or other filters give new objects,
    hence new entries. Returned objects are shared between reruns: never modify them (figures are handed to
    Streamlit as is).
    """
    if hasattr(fonction, "__self__") and hasattr(fonction, "__func__"):  # bilan.reconciliation → (Bilan.…, bilan)
        fonction, args = fonction.__func__, (fonction.__self__, *args)
    cles = [_cle_argument(a) for a in args]
    cles_options = [(nom, _cle_argument(v)) for nom, v in sorted(options.items())]
    valeurs = (*args, *(options[nom] for nom, _ in cles_options))
    # the objects compared by identity, kept alive by the entry (their ids cannot be reused meanwhile)
    objets = tuple(v for v, c in zip(valeurs, [*cles, *(c for _, c in cles_options)], strict=True) if c[0] == "objet")
    cle = (fonction.__module__, fonction.__qualname__, tuple(cles), tuple(cles_options))
    cache: OrderedDict = _lire(AGREGATS)
    entree = cache.get(cle)
    if entree is not None and all(x is y for x, y in zip(entree[0], objets, strict=True)):
        cache.move_to_end(cle)
        return entree[1]
    resultat = fonction(*args, **options)
    cache[cle] = (objets, resultat)
    while len(cache) > TAILLE_CACHE_AGREGATS:
        cache.popitem(last=False)
    return resultat


def calculer(tables: dict[str, pd.DataFrame], annee_n: int) -> Bilan:
    """:func:`flux_dash.calculs.calculer_bilan` of the (filtered) clean tables, with the uploaded prévisionnel."""
    from flux_dash.calculs import calculer_bilan

    return calculer_bilan(tables, annee_n)


def bilan(filtres_choisis: Filtres | None = None) -> Bilan:
    """The :class:`flux_dash.calculs.Bilan` of the loaded data, for the chosen year, on the FILTERED tables.

    ``filtres_choisis`` None → the sidebar filters; ``Filtres()`` → the whole data (the Rapports page).
    The bilan of the uploaded data is cached per (upload token, year, filters); an edited prévisionnel is applied
    on top with :func:`flux_dash.calculs.calculer_previsionnel` (milliseconds), so a forecast edit never
    recomputes the bilan. Call only when data is loaded and valid (pages use
    :func:`flux_dash.ui.gardes.exiger_bilan`, which checks both).
    """
    r = rapport()
    if r is None:
        raise RuntimeError("bilan() called without data: use gardes.exiger_bilan()")
    f = filtres() if filtres_choisis is None else filtres_choisis
    cle = cle_bilan(jeton(), annee(), f)
    cache: OrderedDict = _lire(BILANS)
    if cle in cache:
        cache.move_to_end(cle)
        resultat = cache[cle]
    else:
        with st.spinner(f"Calcul du bilan {annee()}…", show_time=True):
            resultat = calculer(filtrer_tables(r.tables, f), annee())
        cache[cle] = resultat
        while len(cache) > TAILLE_CACHE_BILANS:
            cache.popitem(last=False)
    prev = previsionnel_edite()
    if prev is None:
        return resultat
    from flux_dash.calculs import calculer_previsionnel

    # once per (bilan, edit): the same object on every rerun, so what is cached on it (the Rapports page's
    # workbooks) stays
    return agregat(calculer_previsionnel, resultat, prev)


# --- The receiving side (issue 9): the side chosen on the home page, the campaign store, the territory ---------

COTE = "fd_cote"
"""str: the side of the app chosen on the home page (:data:`flux_dash.ui.navigation.COTE_BAILLEUR` by default)."""
MODE_BASE = "fd_mode_base"
"""str | None: the campaign store of this session — ``"demo"`` (its own in-memory store), ``"reelle"`` (the
user's file), None (not chosen yet). A demo session never touches the user's file, and the other way round."""
BASE_DEMO = "fd_base_demo"
"""Base | None: this session's in-memory demo store (never shared with another session)."""
ANNEE_TERRITOIRE = "fd_annee_territoire"
"""int | None: the year of the bilans received that the receiving pages show (None → the latest in the store)."""
TERRITOIRE = "fd_territoire"
"""tuple[str, str] | None: the territory (perimetre_type, perimetre_code) every receiving page is focused on."""
CONSOLIDATIONS = "fd_consolidations"
"""OrderedDict: small LRU of consolidations, key (store, year, territory, token of the store's content)."""
RECEPTION = "fd_reception"
"""object | None: the last drop of files on the Réception page (one line per file, replacements awaiting
confirmation), see :mod:`flux_dash.ui.territoire.reception`."""
ERREUR_BASE = "fd_erreur_base"
"""str | None: the French message of the last failure to open or write the campaign store."""

DEFAUTS.update(
    {
        COTE: "bailleur",
        MODE_BASE: None,
        BASE_DEMO: None,
        ANNEE_TERRITOIRE: None,
        TERRITOIRE: None,
        CONSOLIDATIONS: None,
        RECEPTION: None,
        ERREUR_BASE: None,
    }
)

CLE_ANNEE_TERRITOIRE = PREFIXE_WIDGET + "annee_territoire"
"""Receiving side's sidebar: the year of the bilans shown."""
CLE_TERRITOIRE = PREFIXE_WIDGET + "territoire"
"""Receiving side's sidebar: the territory every page is focused on."""
CLE_DEPOT_TERRITOIRE = PREFIXE_WIDGET + "depot_territoire"
"""Réception page: the uploader of the landlords' files (its key is suffixed by a counter to empty it)."""
CLE_ATTENDUS_TEXTE = PREFIXE_WIDGET + "attendus_texte"
"""Réception page: the expected landlords, typed or pasted, one per line."""
CLE_ATTENDUS_FICHIER = PREFIXE_WIDGET + "attendus_fichier"
"""Réception page: the expected landlords, uploaded (CSV or xlsx)."""
CLE_OBJECTIFS = PREFIXE_WIDGET + "objectifs_cia"
"""Objectifs CIA page: the editor of the territory's objectives (suffixed by the territory and year)."""
CLE_TRI_BAILLEURS = PREFIXE_WIDGET + "tri_bailleurs"
"""Bailleurs page: the column the landlords are sorted by (largest first)."""
CLE_INDICATEUR_BAILLEURS = PREFIXE_WIDGET + "indicateur_bailleurs"
"""Bailleurs page: the indicator charted per landlord against its reference value."""
CLE_INDICATEUR_EVOLUTION = PREFIXE_WIDGET + "indicateur_evolution"
"""Évolution page: the figure charted over the years."""
CLE_NIVEAU_EVOLUTION = PREFIXE_WIDGET + "niveau_evolution"
"""Évolution page: territory, landlords or réservataires."""
CLE_CARTE_TERRITOIRE = PREFIXE_WIDGET + "carte_territoire"
"""Synthèse du territoire page: the figure mapped by commune."""


def cote() -> str:
    """The side of the app chosen on the home page (remembered for the session)."""
    return str(_lire(COTE) or DEFAUTS[COTE])


def definir_cote(valeur: str) -> None:
    _lire(COTE)
    st.session_state[COTE] = valeur


def mode_base() -> str | None:
    return _lire(MODE_BASE)


def base_demo() -> Any:
    return _lire(BASE_DEMO)


def definir_base(mode: str | None, base_demo_: Any = None) -> None:
    """Switch this session to the demo store ``base_demo_`` (``mode="demo"``) or to the user's file
    (``"reelle"``): everything derived from the other store (consolidations, last drop, year, territory) is
    dropped, so the two never mix in one session."""
    initialiser()
    ancienne = st.session_state[BASE_DEMO]
    if ancienne is not None and ancienne is not base_demo_:
        ancienne.fermer()
    st.session_state[MODE_BASE] = mode
    st.session_state[BASE_DEMO] = base_demo_ if mode == "demo" else None
    st.session_state[CONSOLIDATIONS] = OrderedDict()
    for cle in (RECEPTION, ANNEE_TERRITOIRE, TERRITOIRE, ERREUR_BASE, FICHIERS_TERRITOIRE, ENVOIS_LUS):
        st.session_state[cle] = DEFAUTS[cle]
    oublier_widgets(CLE_ANNEE_TERRITOIRE, CLE_TERRITOIRE, CLE_OBJECTIFS, CLE_DEPOT_TERRITOIRE)


def annee_territoire() -> int | None:
    return _lire(ANNEE_TERRITOIRE)


def definir_annee_territoire(valeur: int | None) -> None:
    _lire(ANNEE_TERRITOIRE)
    st.session_state[ANNEE_TERRITOIRE] = None if valeur is None else int(valeur)


def territoire() -> tuple[str, str] | None:
    valeur = _lire(TERRITOIRE)
    return tuple(valeur) if valeur else None


def definir_territoire(valeur: tuple[str, str] | None) -> None:
    _lire(TERRITOIRE)
    st.session_state[TERRITOIRE] = tuple(valeur) if valeur else None


def consolidations() -> OrderedDict:
    """The session's LRU of consolidations (created on first use)."""
    if _lire(CONSOLIDATIONS) is None:
        st.session_state[CONSOLIDATIONS] = OrderedDict()
    return st.session_state[CONSOLIDATIONS]


def reception() -> Any:
    return _lire(RECEPTION)


def definir_reception(valeur: Any) -> None:
    _lire(RECEPTION)
    st.session_state[RECEPTION] = valeur


def erreur_base() -> str | None:
    return _lire(ERREUR_BASE)


def definir_erreur_base(message: str | None) -> None:
    _lire(ERREUR_BASE)
    st.session_state[ERREUR_BASE] = message


def cle_attendus(annee: int, territoire: tuple[str, str]) -> str:
    """The expected-landlords text area's key for one year and territory (another territory: its own list)."""
    return f"{CLE_ATTENDUS_TEXTE}_{annee}_{territoire[0]}_{territoire[1]}"


def cle_objectifs(annee: int, territoire: tuple[str, str]) -> str:
    """The CIA objectives editor's key for one year and territory."""
    return f"{CLE_OBJECTIFS}_{annee}_{territoire[0]}_{territoire[1]}"


FICHIERS_TERRITOIRE = "fd_fichiers_territoire"
"""tuple(key, list[(name, bytes, mime)]) | None: the files last built on the Rapports du territoire page (key: the
consolidation they were built from)."""
DEFAUTS[FICHIERS_TERRITOIRE] = None


def fichiers_territoire() -> Any:
    return _lire(FICHIERS_TERRITOIRE)


def definir_fichiers_territoire(cle: Any, fichiers: list) -> None:
    _lire(FICHIERS_TERRITOIRE)
    st.session_state[FICHIERS_TERRITOIRE] = (cle, fichiers)


ENVOIS_LUS = "fd_envois_lus"
"""dict | None: what reading each file dropped on the Réception page gave, keyed by (name, sha256) (aggregates
only: the bytes are not kept): a file already read in this session is not read again when the uploader's list
changes (:func:`flux_dash.consolidation.lire_envois`, ``deja_lus``)."""
DEFAUTS[ENVOIS_LUS] = None


def envois_lus() -> dict:
    """The session's cache of read files (created on first use; emptied when the store changes)."""
    if _lire(ENVOIS_LUS) is None:
        st.session_state[ENVOIS_LUS] = {}
    return st.session_state[ENVOIS_LUS]
