"""One réservataire's figures per perimeter (bilan réservataire, DOMAINE.md §3, §5.1): part du flux against the
taux conventionnel, droits / proposés / attribués, the issue of its tours, and the décret breakdowns (CCH R. 441-5-1)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.formats import PALETTE
from flux_dash.graphiques.commun import (
    COULEUR_ATTRIBUES,
    COULEUR_DROITS,
    COULEUR_PROPOSES,
    barres_empilees,
    barres_groupees,
    figure_vide,
    horizontal_si_nombreux,
    libelle_perimetre_complet,
    minuscule,
    mise_en_page,
    selectionner_perimetre,
    texte_sur,
)


def libelles_reservataires(bilan: Bilan) -> dict[str, str]:
    """Holder name → « name — category label », in the Bilan's order (référentiel category order); the category is
    not repeated when the name already is its label (« Action Logement Services »)."""
    r = bilan.reservataires
    return {
        row.reservataire: row.reservataire
        if ref.normaliser_texte(row.categorie_libelle).startswith(ref.normaliser_texte(row.reservataire))
        else f"{row.reservataire} — {row.categorie_libelle}"
        for row in r.itertuples()
    }


def reservataires_actifs(bilan: Bilan) -> list[str]:
    """Holders with at least one tour in the bilan's scope (Bilan order): under a logement filter the others show
    only zeros, so the Réservataires page opens on an active one and says when the chosen one has nothing."""
    r = bilan.realisation
    actifs = set(r.loc[r["tours"].fillna(0) > 0, "reservataire"])
    return [x for x in bilan.reservataires["reservataire"] if x in actifs]


def _lignes_realisation(bilan: Bilan, reservataire: str | None, parmi: Sequence[str] = ()) -> pd.DataFrame:
    r = bilan.realisation
    r = r[r["convention"].astype(bool)] if reservataire is None else r[r["reservataire"] == reservataire]
    if parmi:
        r = r[r["reservataire"].isin(list(parmi))]
    r = r.reset_index(drop=True)
    etiquettes = r.apply(libelle_perimetre_complet, axis=1) if not r.empty else pd.Series(dtype=str)
    if reservataire is None and not r.empty:
        etiquettes = r["reservataire"] + " · " + etiquettes
    return r.assign(_etiquette=etiquettes)


def tableau_realisation(bilan: Bilan, reservataire: str | None = None, parmi: Sequence[str] = ()) -> pd.DataFrame:
    """One row per perimeter of ``reservataire`` (or per convention of every réservataire when None, of those in
    ``parmi`` when given): the figures of the bilan réservataire (DOMAINE.md §5.1). Taux conventionnel as a
    fraction."""
    r = _lignes_realisation(bilan, reservataire, parmi)
    t = pd.DataFrame(
        {
            "Réservataire": r["reservataire"],
            "Périmètre": r.apply(libelle_perimetre_complet, axis=1) if not r.empty else pd.Series(dtype=str),
            "Disponibilités": r["disponibilites"],
            "Soustraits": r["soustraits"],
            "Flux": r["flux"],
            "Proposés": r["logements_proposes"],
            "Part du flux": r["part_flux_orientations"],
            "Taux conventionnel": r["taux_convention"] / 100,
            "Droits théoriques": r["droits_theoriques"],
            "Écart": r["ecart"],
            "Taux de réalisation": r["taux_realisation"],
            "Attribués": r["logements_attribues"],
            "Part des attributions": r["part_attributions"],
            "Taux de transformation": r["taux_transformation"],
            "Tours": r["tours"],
        }
    )
    return t


@texte_sur
def tracer_part_flux(bilan: Bilan, reservataire: str | None = None, parmi: Sequence[str] = ()) -> go.Figure:
    """Part du flux (orientations) per perimeter as bars, the taux conventionnel as reference markers (every
    convention of the réservataires ``parmi``, or of all, when ``reservataire`` is None)."""
    r = _lignes_realisation(bilan, reservataire, parmi)
    if r.empty:
        return figure_vide("Aucun périmètre pour ce réservataire.")
    x = list(r["_etiquette"])
    fig = go.Figure(
        go.Bar(
            x=x,
            y=list(r["part_flux_orientations"]),
            name="Part du flux (orientations)",
            marker_color=COULEUR_PROPOSES,
            hovertemplate="%{x}<br>Part du flux : %{y:.1%}<extra></extra>",
        )
    )
    taux = r["taux_convention"] / 100
    if taux.notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=list(taux),
                name="Taux conventionnel (référence)",
                mode="markers",
                marker={"symbol": "line-ew-open", "size": 40, "line": {"width": 3, "color": PALETTE[7]}},
                hovertemplate="%{x}<br>Taux conventionnel : %{y:.1%}<extra></extra>",
            )
        )
    titre = (
        "Part du flux proposée et taux conventionnel"
        if reservataire is not None
        else ("Toutes les conventions : part du flux proposée et taux conventionnel")
    )
    return horizontal_si_nombreux(mise_en_page(fig, titre, x="Périmètre", y="Part du flux", pourcent_y=True), x)


@texte_sur
def tracer_droits_proposes(bilan: Bilan, reservataire: str | None = None) -> go.Figure:
    """Droits théoriques, logements proposés and attribués per perimeter (grouped bars)."""
    r = _lignes_realisation(bilan, reservataire)
    if r.empty:
        return figure_vide("Aucun périmètre pour ce réservataire.")
    if not r[["droits_theoriques", "logements_proposes", "logements_attribues"]].fillna(0).to_numpy().any():
        return figure_vide("Aucun droit, logement proposé ou attribué pour ce réservataire dans le périmètre affiché.")
    x = list(r["_etiquette"])
    fig = barres_groupees(
        x,
        [
            (r["droits_theoriques"], "Droits théoriques", COULEUR_DROITS),
            (r["logements_proposes"], "Proposés", COULEUR_PROPOSES),
            (r["logements_attribues"], "Attribués", COULEUR_ATTRIBUES),
        ],
        ",.1f",
    )
    return horizontal_si_nombreux(
        mise_en_page(
            fig, "Droits théoriques, logements proposés et attribués", x="Périmètre", y="Logements", barmode="group"
        ),
        x,
    )


def tableau_issues_tours(bilan: Bilan, reservataire: str) -> pd.DataFrame:
    """Tours of year n per perimeter (rows) × issue (columns, référentiel order), plus a total."""
    i = bilan.issues[bilan.issues["reservataire"] == reservataire]
    if i.empty:
        return pd.DataFrame(columns=["Périmètre", *ref.ISSUES.libelles.values(), "Total"])
    i = i.assign(_etiquette=i.apply(libelle_perimetre_complet, axis=1))
    ordre = list(dict.fromkeys(i["_etiquette"]))
    p = i.pivot_table(index="_etiquette", columns="issue", values="tours", aggfunc="sum", fill_value=0)
    p = p.reindex(index=ordre, columns=ref.ISSUES.codes, fill_value=0).astype("int64")
    t = p.rename(columns=ref.ISSUES.libelles).reset_index().rename(columns={"_etiquette": "Périmètre"})
    t["Total"] = p.sum(axis=1).to_numpy()
    t.columns.name = None
    return t


@texte_sur
def tracer_issues_tours(bilan: Bilan, reservataire: str) -> go.Figure:
    """Stacked bars: the tours of the holder per perimeter, one colour per issue (DOMAINE.md §3)."""
    t = tableau_issues_tours(bilan, reservataire)
    if t.empty:
        return figure_vide("Aucun tour pour ce réservataire.")
    if not t["Total"].any():
        return figure_vide("Aucun tour pour ce réservataire dans le périmètre affiché.")
    return barres_empilees(
        t, "Périmètre", ref.ISSUES, "Issue des tours de l'année", x="Périmètre", y="Tours", unite=" tours"
    )


def tableau_repartition(bilan: Bilan, reservataire: str, dimension: str, perimetre: tuple[str, str]) -> pd.DataFrame:
    """One décret breakdown (CCH R. 441-5-1) of a holder's perimeter: modality, proposés, attribués."""
    r = bilan.repartitions
    r = selectionner_perimetre(r[(r["reservataire"] == reservataire) & (r["dimension"] == dimension)], perimetre)
    return pd.DataFrame(
        {
            ref.DIMENSIONS.libelle(dimension): r["modalite_libelle"].astype(str).to_numpy(),
            "Code": r["modalite"].astype(str).to_numpy(),
            "Proposés": r["logements_proposes"].astype("int64").to_numpy(),
            "Attribués": r["logements_attribues"].astype("int64").to_numpy(),
        }
    )


@texte_sur
def tracer_repartition(bilan: Bilan, reservataire: str, dimension: str, perimetre: tuple[str, str]) -> go.Figure:
    """Grouped bars proposés vs attribués per modality of one décret breakdown."""
    t = tableau_repartition(bilan, reservataire, dimension, perimetre)
    nom = ref.DIMENSIONS.libelle(dimension)
    if t.empty or not t[["Proposés", "Attribués"]].to_numpy().any():
        return figure_vide("Aucun logement proposé ou attribué pour ce réservataire dans ce périmètre.")
    fig = barres_groupees(
        t[nom], [(t[col], col, c) for col, c in (("Proposés", COULEUR_PROPOSES), ("Attribués", COULEUR_ATTRIBUES))]
    )
    return horizontal_si_nombreux(
        mise_en_page(
            fig, f"Logements proposés et attribués par {minuscule(nom)}", x=nom, y="Logements", barmode="group"
        ),
        list(t[nom]),
    )
