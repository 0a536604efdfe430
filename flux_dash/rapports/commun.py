"""What every trame shares (DOMAINE.md §5): column headers and number formats of the engine's figures, the
title block, the "one table per topic" section with its source note, the "Paramètres" and "Définitions" sheets,
file-name slugs.

Excel hygiene itself (styles, safe text, formats, widths, print setup) lives in :mod:`flux_dash.excel`; this
module only composes it. No figure is computed here: tables are selections and reshapings of a
:class:`~flux_dash.calculs.Bilan` (house style §6).
"""

from __future__ import annotations

import datetime as dt
import functools
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from flux_dash import excel
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.excel import Classeur, Feuille
from flux_dash.rapports.donnees import communes_par_perimetre, feuille_donnees
from flux_dash.regles import ReglesCalcul

if TYPE_CHECKING:
    from flux_dash.consolidation.precedent import Comparaison

# --- Headers and formats of the engine's columns (FORMAT.md §2.1: numbers are numeric cells) ----------

ENTIER = excel.FORMAT_ENTIER
PART = excel.FORMAT_PART
DROITS = excel.FORMAT_DROITS
TAUX = "0.0"
"""Convention taux are percents 0–100 (``25.0``): shown as ``25,0`` under a "(%)" header, never divided here."""


@dataclass(frozen=True)
class EnTete:
    """French header (with its unit) and number format of one column of the Bilan's frames."""

    entete: str
    format: str | None = None
    effectif: bool = False
    """A count of logements or tours tied to households: masked (1–4 → "< 5") when masking is on."""


COLONNES: dict[str, EnTete] = {
    "perimetre_libelle": EnTete("Périmètre"),
    "perimetre_type_libelle": EnTete("Type de périmètre"),
    "perimetre_code": EnTete("Code du périmètre"),
    "commune": EnTete("Commune"),
    "code_commune": EnTete("Code INSEE"),
    "reservataire": EnTete("Réservataire"),
    "categorie_libelle": EnTete("Catégorie de réservataire"),
    "disponibilites": EnTete("Disponibilités (logements)", ENTIER),
    "soustraits": EnTete("Soustraits (logements)", ENTIER, True),
    "flux": EnTete("Flux annuel (logements)", ENTIER),
    "flux_en_qpv": EnTete("Flux en QPV (logements)", ENTIER),
    "flux_hors_qpv": EnTete("Flux hors QPV (logements)", ENTIER),
    "relogements_realises": EnTete("Relogements réalisés (logements)", ENTIER, True),
    "attributions": EnTete("Attributions, tous attributaires (logements)", ENTIER, True),
    "logements_proposes": EnTete("Logements proposés", ENTIER, True),
    "logements_attribues": EnTete("Logements attribués", ENTIER, True),
    "tours": EnTete("Tours (nombre)", ENTIER, True),
    "part_flux_orientations": EnTete("Part du flux (orientations)", PART),
    "part_attributions": EnTete("Part des attributions", PART),
    "taux_convention": EnTete("Taux conventionnel (%)", TAUX),
    "droits_theoriques": EnTete("Droits théoriques (logements)", DROITS),
    "ecart": EnTete("Écart aux droits (logements)", DROITS),
    "taux_realisation": EnTete("Taux de réalisation", PART),
    "taux_transformation": EnTete("Taux de transformation", PART),
    "attribues_en_qpv": EnTete("Attribués en QPV", ENTIER, True),
    "attribues_hors_qpv": EnTete("Attribués hors QPV", ENTIER, True),
    "attribues_prioritaires": EnTete("Attribués à des publics prioritaires", ENTIER, True),
    "attribues_dalo": EnTete("Attribués DALO", ENTIER, True),
    "attribues_premier_quartile": EnTete("Attribués au 1er quartile", ENTIER, True),
    "categorie_soustraction_libelle": EnTete("Catégorie de soustraction"),
    "issue_libelle": EnTete("Issue du tour"),
    "dimension_libelle": EnTete("Répartition"),
    "modalite_libelle": EnTete("Modalité"),
    "indicateur_libelle": EnTete("Indicateur"),
    "numerateur": EnTete("Numérateur", DROITS, True),
    "denominateur": EnTete("Dénominateur", DROITS, True),
    "valeur": EnTete("Valeur réalisée", DROITS),
    "cible": EnTete("Valeur de référence", DROITS),
    "lecture": EnTete("Lecture de la référence"),
    "disponibilites_n": EnTete("Disponibilités de l'année n (logements)", ENTIER),
    "disponibilites_prevues": EnTete("Disponibilités prévues n+1 (logements)", DROITS),
    "soustraits_prevus": EnTete("Soustraits prévus n+1 (logements)", DROITS),
    "flux_previsionnel": EnTete("Flux prévisionnel n+1 (logements)", DROITS),
    "source_disponibilites_libelle": EnTete("Base des disponibilités"),
    "relogements_realises_n": EnTete("Relogements réalisés en n (logements)", ENTIER, True),
    "droits_previsionnels": EnTete("Droits prévisionnels n+1 (logements)", DROITS),
}

LIBELLES_DIMENSIONS = ref.DIMENSIONS.libelles

LECTURES = {"max": "au plus", "min": "au moins", "": ""}
"""How to read an indicator's reference value (``Bilan.indicateurs.sens``)."""

SOURCES_DISPONIBILITES = {"prevues": "disponibilités prévues saisies", "annee_n": "disponibilités de l'année n"}

NOTE_NS = (
    "« n.s. » : non significatif (division par zéro) ; « non renseigné » : colonne facultative absente du fichier "
    "source."
)
NON_RENSEIGNE = "non renseigné"
"""What an indicator shows when the file does not give its optional column (``motif_vide == "non_renseigne"``)."""
DEFINITION_NON_RENSEIGNE = (
    "Colonne facultative absente du fichier source (pour un chiffre consolidé : d'au moins un des fichiers reçus) : "
    "le chiffre ne peut être calculé."
)


def non_renseigne(valeurs: pd.Series) -> pd.Series:
    """A count's values with each missing one as :data:`NON_RENSEIGNE`: a count is never a division, so an empty
    one is data the file (or, consolidated, one landlord) does not give — never « n.s. » (issue 10 item 5)."""
    return valeurs.astype(object).where(valeurs.notna(), NON_RENSEIGNE)


def non_renseigne_valeur(valeur: float) -> float | str:
    """:func:`non_renseigne` for one count (a total row's cell)."""
    return NON_RENSEIGNE if pd.isna(valeur) else valeur


NOTE_INDICATEURS = (
    "Valeur réalisée = numérateur ÷ dénominateur (voir la feuille « Définitions »). La valeur de référence est un "
    "repère légal (art. L. 441-1 et R. 441-5-2 CCH), à lire comme une ligne de comparaison et non comme un jugement."
)
SANS_REFERENCE = "—"
NOTE_MASQUAGE = (
    "Effectifs de 1 à 4 affichés « < 5 », et « masqué » pour une part calculée sur un tel effectif (masquage des "
    "petits effectifs) ; les totaux restent exacts (voir la feuille « Paramètres »)."
)
MASQUE = "masqué"
"""What a share computed from a masked count shows: the share and a visible total would give the count back."""
REGLE_MASQUAGE = (
    "oui : effectifs de 1 à 4 affichés « < 5 » dans toutes les tables (territoire, communes, réservataires, "
    "indicateurs), parts et valeurs calculées sur ces effectifs affichées « masqué » ; les totaux du territoire "
    "restent exacts et ne sont jamais calculés à partir des cellules masquées"
)
RAISON_SANS_MASQUAGE = "Optionnel, pour les documents diffusés au-delà du réservataire (protection des ménages)."
RAISON_MASQUAGE = (
    "Documents diffusés au-delà du réservataire : protection des ménages. Masquage primaire seulement : une cellule masquée "
    "peut parfois se déduire par différence avec un total exact ; ne pas diffuser plus largement sans contrôle."
)
PARTS_DE = {
    "part_flux_orientations": ("logements_proposes",),
    "part_attributions": ("logements_attribues",),
    "taux_realisation": ("logements_proposes",),
    "taux_transformation": ("logements_attribues", "logements_proposes"),
}
"""The counts each share of a table is computed from: masked with them (DOMAINE.md §6)."""


def colonnes_effectifs(colonnes: Iterable[str]) -> list[str]:
    """The count columns masked when small-cell masking is on (DOMAINE.md §6)."""
    return [c for c in colonnes if c in COLONNES and COLONNES[c].effectif]


def petits(valeurs: pd.Series, seuil: int = 5) -> pd.Series:
    """True where a count is masked (1 to ``seuil - 1``, :func:`excel.masquer_petits_effectifs`)."""
    nombres = pd.to_numeric(valeurs, errors="coerce")
    return ((nombres > 0) & (nombres < seuil)).fillna(False).astype(bool)


def masquer_parts(df: pd.DataFrame, seuil: int = 5) -> pd.DataFrame:
    """``df`` with the shares of :data:`PARTS_DE` replaced by :data:`MASQUE` where one of their counts is masked
    (the counts themselves are masked when the table is written)."""
    parts = [p for p, sources in PARTS_DE.items() if p in df and all(s in df for s in sources)]
    if not parts:
        return df
    df = df.copy()
    for part in parts:
        masque = pd.to_numeric(df[part], errors="coerce").notna()  # « — », « n.s. » or empty: nothing to hide
        cache = pd.Series(False, index=df.index)
        for source in PARTS_DE[part]:
            cache |= petits(df[source], seuil)
        df[part] = df[part].astype(object).where(~(masque & cache), MASQUE)
    return df


# --- Sections: a heading, one table, a note saying how it is computed -------------------------------


def ecrire_intertitre(ws: Feuille, texte: str, ligne: int) -> int:
    """A section heading (bold, dark blue), left out of column-width computation. Returns the next row."""
    return excel.ecrire_intertitre(ws, texte, ligne)


def ecrire_section(
    ws: Feuille,
    ligne: int,
    titre: str,
    df: pd.DataFrame,
    notes: Sequence[str],
    *,
    masquer: bool = False,
    seuil: int = 5,
    formats: dict[str, str] | None = None,
    libelles: dict[str, str] | None = None,
    filtre: bool = False,
    total: dict[str, object] | None = None,
    sous_totaux: Sequence[int] = (),
) -> tuple[excel.Plage, int]:
    """Heading, table (French headers and formats from :data:`COLONNES`), then the note lines (how the table is
    computed, its source). Returns the table's range and the next free row (one blank row after the notes).

    ``df`` must hold only the columns to show, in display order; ``total``: the values of a totals row (computed
    by the caller, see :func:`flux_dash.excel.ecrire_tableau`); ``sous_totaux``: positions of rows of ``df``
    that are sub-totals (computed by the caller), styled as totals.
    """
    ligne = ecrire_intertitre(ws, titre, ligne)
    if masquer:
        df = masquer_parts(df, seuil)
        if total is not None:
            total = masquer_parts(pd.DataFrame([total]), seuil).iloc[0].to_dict()
    fmts = {c: COLONNES[c].format for c in df.columns if c in COLONNES and COLONNES[c].format}
    fmts.update(formats or {})
    entetes = {c: COLONNES[c].entete for c in df.columns if c in COLONNES}
    entetes.update(libelles or {})
    plage = excel.ecrire_tableau(
        ws,
        df,
        ligne,
        formats=fmts,
        libelles=entetes,
        colonnes_masquees=colonnes_effectifs(df.columns) if masquer else (),
        seuil_masquage=seuil,
        filtre=filtre,
        total=total,
    )
    for position in sous_totaux:
        styler_total(ws, plage.premiere_ligne + 1 + position, plage.premiere_colonne, plage.derniere_colonne)
    suivante = plage.derniere_ligne + 1
    if df.empty:
        suivante = excel.ecrire_note(ws, "Aucune ligne pour ce périmètre.", suivante)
    for note in notes:
        suivante = excel.ecrire_note(ws, note, suivante)
    return plage, suivante + 1


def styler_total(ws: Feuille, ligne: int, premiere: int, derniere: int) -> None:
    """A body row restyled as a (sub-)total row; grey text (« n.s. », « < 5 ») stays grey."""
    for colonne in range(premiere, derniere + 1):
        cellule = ws.cellule(ligne, colonne)
        gris = cellule is not None and cellule.style is not None and cellule.style.couleur == excel.GRIS_NS
        style = excel.STYLE_TOTAL.avec(couleur=excel.GRIS_NS, horizontal="right") if gris else excel.STYLE_TOTAL
        ws.styler(ligne, colonne, style)


ENTETE_MAX = 16
"""Header text counted in a column's width: longer headers wrap (report tables have long French headers)."""
LARGEUR_MAX = 45


def ajuster_colonnes(ws: Feuille) -> None:
    """Report column widths: :func:`excel.ajuster_largeurs` lets a header widen its column up to 30 characters;
    report tables have many numeric columns with long French headers, so here a header counts at most
    :data:`ENTETE_MAX` characters and wraps, header rows get the height of their longest wrapped header, and text
    cells wider than :data:`LARGEUR_MAX` wrap.

    One pass over the written cells (roles read from each cell's :class:`~flux_dash.excel.Style`).
    """
    excel.ajuster_largeurs(ws, maximum=LARGEUR_MAX)
    corps: dict[int, int] = {}
    entetes: dict[int, list[tuple[int, str]]] = {}
    a_envelopper = []
    for (ligne, colonne), cellule in ws.cellules.items():
        valeur = cellule.valeur
        if valeur is None:
            continue
        nom = cellule.style.nom if cellule.style is not None else ""
        if nom in excel.STYLES_HORS_LARGEUR:
            continue
        if nom == excel.STYLE_ENTETE.nom:
            entetes.setdefault(colonne, []).append((ligne, str(valeur)))
            continue
        n = _largeur(cellule)
        if n > corps.get(colonne, 0):
            corps[colonne] = n
        if nom == excel.STYLE_CORPS.nom and isinstance(valeur, str) and len(valeur) > LARGEUR_MAX - 2:
            a_envelopper.append((ligne, colonne, cellule))
    hauteurs: dict[int, int] = {}
    for colonne in sorted(entetes):
        lignes = entetes[colonne]
        largeur = min(max(corps.get(colonne, 0), *(min(len(t), ENTETE_MAX) for _, t in lignes)) + 2, LARGEUR_MAX)
        largeur = max(largeur, 8)
        ws.largeurs[colonne] = largeur
        for ligne, texte in lignes:
            hauteurs[ligne] = max(hauteurs.get(ligne, 1), _nombre_lignes(texte, largeur - 2))
    for ligne in sorted(hauteurs):
        ws.hauteurs[ligne] = 13.5 * hauteurs[ligne] + 2
    for ligne, colonne, cellule in a_envelopper:
        cellule.style = cellule.style.avec(vertical="top", renvoi=True)  # type: ignore[union-attr]
        # Excel and LibreOffice keep the row height written in the file: without this the second line of a long
        # label is drawn over the next row.
        largeur = int(ws.largeurs.get(colonne) or LARGEUR_MAX) - 1
        n = excel.nombre_de_lignes(str(cellule.valeur), max(largeur, 1))
        hauteur = ws.hauteurs.get(ligne) or 0
        if n > 1 and 13.5 * n + 2 > hauteur:
            ws.hauteurs[ligne] = 13.5 * n + 2


def _largeur(cellule: excel.Cellule) -> int:
    valeur = cellule.valeur
    if isinstance(valeur, bool) or not isinstance(valeur, int | float):
        return max((len(m) for m in str(valeur).splitlines()), default=0)
    if cellule.format == PART:
        return 7
    return len(f"{valeur:,.1f}" if cellule.format in (DROITS, TAUX) else f"{valeur:,.0f}")


def _nombre_lignes(texte: str, largeur: int) -> int:
    """Lines a header takes once wrapped on words at ``largeur`` characters."""
    lignes, courante = 1, 0
    for mot in texte.split():
        if courante and courante + 1 + len(mot) > largeur:
            lignes, courante = lignes + 1, len(mot)
        else:
            courante += (1 if courante else 0) + len(mot)
    return lignes


def finir_feuille(ws: Feuille, figer: str | None, lignes_repetees: tuple[int, int] | None = None) -> None:
    """Column widths, frozen panes and print setup of a report sheet: A4 landscape, fit to width, print area over
    its content, ``lignes_repetees`` (a single table's header) on every page, else the sheet's title row."""
    ajuster_colonnes(ws)
    if figer:
        excel.figer_entete(ws, figer)
    excel.mise_en_page(ws, lignes_repetees or (1, 1), paysage=True, zone=True)


def bloc_titre(
    ws: Feuille,
    titre: str,
    bilan: Bilan,
    bailleur: str,
    destinataire: str,
    autres: Sequence[str] = (),
    prevision: bool = False,
) -> int:
    """The title block every sheet starts with: title, landlord, recipient, year — the year n+1 forecast for a
    ``prevision`` sheet, with the bilan it is computed from. Returns the next free row."""
    periode = f"dates du {_date(bilan.regles.debut(bilan.annee))} au {_date(bilan.regles.fin(bilan.annee) - pd.Timedelta(days=1))}"
    annee = (
        f"Année prévue : {bilan.annee + 1} (établie sur le bilan {bilan.annee}, {periode})"
        if prevision
        else f"Année du bilan : {bilan.annee} ({periode})"
    )
    sous_titres = [f"Bailleur : {bailleur or 'non renseigné'}", f"Destinataire : {destinataire}", annee, *autres]
    return excel.ecrire_titre(ws, titre, sous_titres)


def _date(jour: pd.Timestamp) -> str:
    return jour.strftime("%d/%m/%Y")


def nouvelle_feuille(wb: Classeur, titre: str) -> Feuille:
    return excel.nouvelle_feuille(wb, titre)


# --- Reshaping helpers (selection and renaming only) -------------------------------------------------


def du_perimetre(
    df: pd.DataFrame, perimetres: Iterable[tuple[str, str]], reservataire: str | None = None
) -> pd.DataFrame:
    """Rows of ``df`` whose (perimetre_type, perimetre_code) is in ``perimetres`` (and whose ``reservataire`` is
    ``reservataire`` when given: ``""`` selects the perimeter-wide rows), in the order of ``perimetres`` (first
    occurrence) then the frame's own order.

    The frame is grouped once (:func:`_groupes`) and the groups are reused by every later call on the same frame:
    a landlord's batch selects the same Bilan frames hundreds of times, one recipient at a time.
    """
    if df.empty:
        return df.iloc[0:0].copy()
    if reservataire is None:
        groupes = _groupes(df, ("perimetre_type", "perimetre_code"))
        cles = list(dict.fromkeys(perimetres))
    else:
        groupes = _groupes(df, ("reservataire", "perimetre_type", "perimetre_code"))
        cles = list(dict.fromkeys((reservataire, ptype, pcode) for ptype, pcode in perimetres))
    morceaux = [groupes[cle] for cle in cles if cle in groupes]
    positions = np.concatenate(morceaux) if morceaux else np.empty(0, dtype="int64")
    return df.take(positions).reset_index(drop=True)


_GROUPES: dict[tuple[int, tuple[str, ...]], tuple[weakref.ref, dict[tuple, np.ndarray]]] = {}
"""Row positions of each key of a frame, by (id of the frame, key columns); an entry dies with its frame."""


def _groupes(df: pd.DataFrame, colonnes: tuple[str, ...]) -> dict[tuple, np.ndarray]:
    cle = (id(df), colonnes)
    entree = _GROUPES.get(cle)
    if entree is not None and entree[0]() is df:
        return entree[1]
    positions = {tuple(k): v for k, v in df.groupby(list(colonnes), sort=False, dropna=False).indices.items()}
    _GROUPES[cle] = (weakref.ref(df), positions)
    weakref.finalize(df, _GROUPES.pop, cle, None)
    return positions


def communes_de(bilan: Bilan, perimetre_type: str, perimetre_code: str) -> list[tuple[str, str]]:
    """The commune perimeters (where the landlord has logements) inside a perimeter, sorted by code."""
    return [("COMMUNE", c) for c in sorted(communes_par_perimetre(bilan).get((perimetre_type, perimetre_code), ()))]


def avec_libelles(df: pd.DataFrame) -> pd.DataFrame:
    """Adds the French label columns the tables show (dimension, lecture, source…) when their code is there."""
    df = df.copy()
    # Dictionary lookups over the values: a section's frame has a few dozen rows, where Series.map(dict) costs
    # ~0.3 ms of set-up per call (533 calls in a batch of 312 workbooks).
    if "dimension" in df:
        df["dimension_libelle"] = _traduire(df["dimension"], LIBELLES_DIMENSIONS, None)
    if "sens" in df:
        df["lecture"] = _traduire(df["sens"], LECTURES, "")
    if "source_disponibilites" in df:
        df["source_disponibilites_libelle"] = _traduire(df["source_disponibilites"], SOURCES_DISPONIBILITES, "")
    if "libelle" in df and "indicateur" in df:
        df["indicateur_libelle"] = df["libelle"]
    if "motif_vide" in df and "valeur" in df:
        # The count the file does not give, and what is computed from it (a délai keeps its « — » numerator).
        absent = df["motif_vide"] == "non_renseigne"
        df["valeur"] = df["valeur"].astype(object).where(~absent, NON_RENSEIGNE)
        if "numerateur" in df and "unite" in df:
            absent &= df["numerateur"].isna() & (df["unite"] != "jours")
            df["numerateur"] = df["numerateur"].astype(object).where(~absent, NON_RENSEIGNE)
    return df


def _traduire(serie: pd.Series, table: Mapping[object, str], defaut: str | None) -> pd.Series:
    """``serie.map(table).fillna(…)``: each value's entry in ``table``; a value without one gives ``defaut``, or
    itself when ``defaut`` is None (a missing value stays missing)."""
    valeurs = serie.tolist()
    if defaut is None:
        traduites = [table.get(v, v) if isinstance(v, str) else v for v in valeurs]
    else:
        traduites = [table.get(v, defaut) if isinstance(v, str) else defaut for v in valeurs]
    return pd.Series(traduites, index=serie.index, dtype=object).infer_objects()


def formater_indicateurs(ws: Feuille, plage: excel.Plage, table: pd.DataFrame, unites: pd.Series) -> None:
    """Per-row number formats of an indicators table written by :func:`ecrire_section`: ``valeur`` and ``cible``
    as ``0.0%`` for ratios, one decimal for days, ``#,##0`` for counts (the engine's ``unite``); numerator and
    denominator as counts (days for a délai). A missing reference value shows "—" (there is none), not "n.s."."""
    colonnes = list(table.columns)
    for i, unite in enumerate(unites):
        ligne = plage.premiere_ligne + 1 + i
        for nom in ("numerateur", "denominateur", "valeur", "cible"):
            if nom not in colonnes:
                continue
            colonne = plage.premiere_colonne + colonnes.index(nom)
            cellule = ws.cellule(ligne, colonne)
            sans_objet = (
                nom == "cible"
                or (nom == "denominateur" and unite == "nombre")
                or (nom == "numerateur" and unite == "jours")  # a mean delay shows its base, not a sum of days
            )
            if sans_objet and excel.est_manquant(table.at[i, nom]):
                style = (cellule.style if cellule is not None else None) or excel.STYLE_CORPS
                excel.ecrire_texte(ws, ligne, colonne, SANS_REFERENCE, style.avec(horizontal="right", vertical=None))
                continue
            if cellule is None or not isinstance(cellule.valeur, int | float):
                continue
            if nom in ("numerateur", "denominateur"):
                cellule.format = ENTIER if float(cellule.valeur).is_integer() else DROITS
            else:
                cellule.format = {"ratio": PART, "jours": DROITS}.get(unite, ENTIER)


# --- Paramètres and Définitions (DOMAINE.md §5.5) ----------------------------------------------------


def horodatage(moment: dt.datetime | None = None) -> str:
    """Generation date shown on the Paramètres sheet, JJ/MM/AAAA HH:MM (local time; ``moment``: the batch's)."""
    return (moment or dt.datetime.now()).strftime("%d/%m/%Y %H:%M")


def version_outil() -> str:
    import flux_dash

    return flux_dash.__version__


def feuille_parametres(
    wb: Classeur,
    bilan: Bilan,
    bailleur: str,
    destinataire: str,
    document: str,
    fichiers: Sequence[tuple[str, str]],
    masquage: bool | None = None,
    genere_le: dt.datetime | None = None,
) -> Feuille:
    """The "Paramètres" sheet: landlord, year, recipient, source files and their sha256, generation date, tool
    version, then the computation rules (:meth:`ReglesCalcul.en_lignes`) with their reasons, and — for the
    documents that may mask small counts (``masquage`` not None) — whether and how they are masked."""
    lignes: list[tuple[str, object]] = [
        ("Bailleur", bailleur or "non renseigné"),
        ("Document", document),
        ("Destinataire", destinataire),
        ("Année du bilan", bilan.annee),
    ]
    if fichiers:
        for nom, empreinte in fichiers:
            lignes.append(("Fichier source", f"{nom} (sha256 {empreinte})"))
    else:
        lignes.append(("Fichier source", "non renseigné"))
    lignes += [("Date de génération", horodatage(genere_le)), ("Version de flux_dash", version_outil())]
    ws = excel.feuille_parametres(wb, lignes, sous_titres=[f"{document} – {destinataire}"])
    donnees = tuple(bilan.parametres_donnees().itertuples(index=False, name=None))
    excel.copier_cellules(section_regles(bilan.regles, masquage, donnees), ws, ws.derniere_ligne + 1)
    excel.ajuster_largeurs(ws, maximum=60)
    ws.largeurs[2] = max(ws.largeurs.get(2) or 0, 45)
    ws.largeurs[3] = 60
    for cellule in ws.cellules.values():
        if cellule.valeur is not None and cellule.style is not None and cellule.style.nom == excel.STYLE_CORPS.nom:
            cellule.style = cellule.style.avec(horizontal="left", vertical="top", renvoi=True)
    excel.ajuster_hauteurs(ws)
    return ws


def section_regles(
    regles: ReglesCalcul, masquage: bool | None, donnees: tuple[tuple[str, str, str], ...] = ()
) -> Feuille:
    """The « Règles de calcul » section of the Paramètres sheet (heading on row 1, table, note), built once per
    set of rules, masking choice and ``donnees`` (the (libellé, valeur, raison) rows of
    :meth:`Bilan.parametres_donnees`, after the rules): every workbook of a batch copies it under its own header
    lines. ``masquage`` None: no row saying whether small counts are masked."""
    try:
        return _section_regles(regles, masquage, donnees)
    except TypeError:  # pragma: no cover - unhashable rules (a field holding a list)
        return _section_regles.__wrapped__(regles, masquage, donnees)


@functools.lru_cache(maxsize=16)
def _section_regles(regles: ReglesCalcul, masquage: bool | None, donnees: tuple[tuple[str, str, str], ...]) -> Feuille:
    ws = Feuille("Règles de calcul")
    # Renamed: "valeur" is also the indicators' numeric column (COLONNES), whose number format would grey the text.
    table = regles_en_lignes(regles).rename(columns={"libelle": "regle", "valeur": "choix"})
    lignes = [{"regle": libelle, "choix": valeur, "raison": raison} for libelle, valeur, raison in donnees]
    if masquage is not None:
        choix, raison = (
            (REGLE_MASQUAGE, RAISON_MASQUAGE) if masquage else ("non : effectifs exacts", RAISON_SANS_MASQUAGE)
        )
        lignes.append({"regle": "Masquage appliqué à ce document", "choix": choix, "raison": raison})
    if lignes:
        table = pd.concat([table, pd.DataFrame(lignes)], ignore_index=True)
    ecrire_section(
        ws,
        1,
        "Règles de calcul",
        table,
        ["Choix faits là où les textes sont muets, et valeurs de référence légales."],
        libelles={"regle": "Règle", "choix": "Choix retenu", "raison": "Raison ou référence"},
    )
    return ws


def regles_en_lignes(regles: ReglesCalcul) -> pd.DataFrame:
    """``regles.en_lignes()`` (libellé, valeur, raison), computed once per set of rules (frozen, hashable) for a
    whole batch of workbooks; the frame returned is shared: never modify it."""
    try:
        return _regles_en_lignes(regles)
    except TypeError:  # pragma: no cover - unhashable rules (a field holding a list)
        return regles.en_lignes()[["libelle", "valeur", "raison"]]


@functools.lru_cache(maxsize=8)
def _regles_en_lignes(regles: ReglesCalcul) -> pd.DataFrame:
    return regles.en_lignes()[["libelle", "valeur", "raison"]]


def definitions() -> list[tuple[str, str, str]]:
    """The engine's definitions (indicateur, libellé, phrase), single source of the "Définitions" sheet."""
    from flux_dash.calculs.definitions import DEFINITIONS

    return list(DEFINITIONS)


def conventions(masquage: bool = False) -> list[tuple[str, str]]:
    """The display conventions (« n.s. », « non renseigné », masking), defined once for every « Définitions »
    sheet, the landlord's and the consolidation's."""
    lignes = [("n.s.", "Non significatif : division par zéro."), (NON_RENSEIGNE, DEFINITION_NON_RENSEIGNE)]
    if masquage:
        lignes.append(("< 5", "Effectif de 1 à 4, masqué pour protéger les ménages (documents diffusés)."))
        lignes.append(
            (
                MASQUE,
                "Part ou valeur calculée sur un effectif de 1 à 4 : masquée, car elle permettrait de le retrouver.",
            )
        )
    return lignes


def feuille_definitions(wb: Classeur, masquage: bool = False) -> Feuille:
    """The "Définitions" sheet: one line per figure the engine produces, then the display conventions."""
    return excel.feuille_definitions(
        wb, [*((libelle, phrase) for _, libelle, phrase in definitions()), *conventions(masquage)]
    )


# --- File names (FORMAT.md §2.1) ---------------------------------------------------------------------


def slugs_uniques(noms: Sequence[str]) -> dict[str, str]:
    """``referentiel.slug`` of each name, made unique deterministically: in the given order, the first holder
    of a slug keeps it, the next ones get ``-2``, ``-3``…"""
    resultat: dict[str, str] = {}
    pris: set[str] = set()
    for nom in noms:
        if nom in resultat:
            continue
        base = ref.slug(nom)
        candidat, i = base, 2
        while candidat in pris:
            candidat, i = f"{base}-{i}", i + 1
        pris.add(candidat)
        resultat[nom] = candidat
    return resultat


def categorie_libelle(code: str) -> str:
    """French label of a holder category, « Hors convention » included (DOMAINE.md §2)."""
    return ref.CATEGORIES_TITULAIRE.libelle(code)


def destinataire_reservataire(nom: str, categorie: str) -> str:
    """« Ville de Montreuil – Commune (Ville de Paris incluse) »; the category is left out when it is the name."""
    libelle = categorie_libelle(categorie)
    return nom if not categorie or ref.normaliser_texte(libelle) == ref.normaliser_texte(nom) else f"{nom} – {libelle}"


# --- What the registry hands out (re-exported by flux_dash.rapports) --------------------------------


@dataclass(frozen=True)
class OptionsRapports:
    """Choices of the landlord for one batch of trames."""

    bailleur: str = ""
    """Landlord name (titles, archive name)."""
    epci_lec: tuple[str, ...] | None = None
    """SIREN list of the EPCI/EPT that receive a consolidated bilan; None = ``bilan.regles.epci_lec``."""
    masquer_petits_effectifs: bool = False
    """Counts 1–4 shown "< 5" in the consolidated documents (EPCI/EPT, État), DOMAINE.md §6."""
    fichiers_source: tuple[tuple[str, str], ...] = ()
    """(file name, sha256) of the input files, for the Paramètres sheet."""
    genere_le: dt.datetime | None = None
    """Generation date of the batch (Paramètres, footers, document properties); None = when each is built."""
    precedent: Comparaison | None = None
    """Last year's figures beside this year's (:class:`flux_dash.consolidation.precedent.Comparaison`,
    ``flux-dash bilan … --precedent``): every trame gains an « Évolution » sheet; None: the trames as before."""


@dataclass(frozen=True)
class RapportPrevu:
    """One workbook to build: built only when :meth:`construire` is called (lazy)."""

    genre: str
    """"reservataire" | "epci" | "etat" | "previsionnel"."""
    destinataire: str
    """French label of the recipient."""
    nom_fichier: str
    """FORMAT.md §2.1 name."""
    dossier: str
    """"reservataires" | "epci_ept" | "etat" | "previsionnels"."""
    construire: Callable[[], bytes]

    @property
    def chemin_archive(self) -> str:
        return f"{self.dossier}/{self.nom_fichier}"


def selection(df: pd.DataFrame, colonnes: Sequence[str]) -> pd.DataFrame:
    """``df[colonnes]``, tolerating an empty frame without columns (an absent prévisionnel)."""
    return df.reindex(columns=list(colonnes)).reset_index(drop=True)


def terminer(
    wb: Classeur,
    bilan: Bilan,
    options: OptionsRapports,
    destinataire: str,
    document: str,
    donnees: pd.DataFrame,
    consolide: bool = False,
) -> bytes:
    """The end every trame shares: the "Paramètres", "Définitions" and "Données" sheets, then the workbook's bytes.

    ``document`` names the document with its year (« Bilan réservataire 2024 »); ``donnees``: the rows of
    ``indicateurs_{n}.csv`` for the recipient (:mod:`flux_dash.rapports.donnees`); ``consolide`` marks the
    documents shared beyond the réservataire, which may mask small counts (their Paramètres say whether they do).
    """
    masquage = options.masquer_petits_effectifs and consolide  # the réservataire's own documents: never masked
    feuille_parametres(
        wb,
        bilan,
        options.bailleur,
        destinataire,
        document,
        options.fichiers_source,
        masquage=masquage,
        genere_le=options.genere_le,
    )
    feuille_definitions(wb, masquage=bool(masquage))
    feuille_donnees(wb, bilan, donnees, document, destinataire, options.bailleur, options.fichiers_source)
    return octets(wb, f"{document} – {destinataire}", options.bailleur, options.genere_le)


def octets(wb: Classeur, titre: str = "", bailleur: str = "", genere_le: dt.datetime | None = None) -> bytes:
    """The workbook's bytes, after the last touches every trame shares: document title (properties, no personal
    data: creator "flux_dash") and the page footer of every sheet — sheet name and generation date JJ/MM/AAAA on
    the left, landlord in the middle, "Page n / N" on the right."""
    if titre:
        wb.titre = titre
    if genere_le is not None:
        wb.date = genere_le
    date = (genere_le or dt.datetime.now()).strftime("%d/%m/%Y")
    wb.pied = excel.PiedDePage(f"&A – édité le {date}", excel.echapper_pied(bailleur), excel.PIED_DE_PAGE.droite)
    return excel.classeur_en_octets(wb)


def nouveau_classeur() -> Classeur:
    return excel.nouveau_classeur()


def libelle_perimetre(bilan: Bilan, ptype: str, pcode: str) -> str:
    """The perimeter's label as the Bilan gives it (référentiel label otherwise)."""
    p = bilan.perimetres
    lignes = p.loc[(p["perimetre_type"] == ptype) & (p["perimetre_code"] == pcode), "perimetre_libelle"]
    return str(lignes.iloc[0]) if len(lignes) else ref.libelle_perimetre(ptype, pcode)
