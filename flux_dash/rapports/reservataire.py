"""Trame "bilan réservataire" (DOMAINE.md §5.1, FORMAT.md §2.1): one workbook per réservataire with a
convention, ``bilan_{n}_reservataire_{slug}.xlsx``, covering all its conventions with the landlord.

Sheets: Synthèse (conventions, realisation per perimeter, bar chart proposés vs droits théoriques), Issues des
tours, Soustraits, Répartitions (the five décret breakdowns, CCH R. 441-5-1), Indicateurs (DOMAINE.md §4),
Paramètres, Définitions. Every figure is read from the :class:`~flux_dash.calculs.Bilan`.
"""

from __future__ import annotations

import pandas as pd

from flux_dash import excel
from flux_dash import referentiel as ref
from flux_dash.calculs import Bilan
from flux_dash.excel import Classeur
from flux_dash.rapports import commun as c
from flux_dash.rapports import donnees, etat
from flux_dash.rapports import evolution as ev
from flux_dash.rapports.commun import OptionsRapports, RapportPrevu
from flux_dash.rapports.memoire import par_bilan

GENRE = "reservataire"
DOSSIER = "reservataires"
DOCUMENT = "Bilan réservataire"

INDICATEURS_PREFET = ("part_prefet_flux", "part_agents_flux", "prefet_hors_qpv_a", "prefet_hors_qpv_b")
"""Perimeter-wide indicators (DOMAINE.md §4) that also concern the État réservataires of the perimeter."""


def reservataires_avec_convention(bilan: Bilan) -> list[str]:
    """Réservataires with at least one convention, in the Bilan's holder order (category, then name)."""
    avec = set(bilan.conventions["reservataire"])
    return [r for r in bilan.reservataires["reservataire"] if r in avec]


def slugs(bilan: Bilan) -> dict[str, str]:
    """File-name slug of every holder, unique (FORMAT.md §2.1)."""
    return c.slugs_uniques(list(bilan.reservataires["reservataire"]))


def lister(bilan: Bilan, options: OptionsRapports) -> list[RapportPrevu]:
    """One bilan per réservataire with a convention."""
    noms = slugs(bilan)
    return [
        RapportPrevu(
            GENRE,
            r,
            f"bilan_{bilan.annee}_reservataire_{noms[r]}.xlsx",
            DOSSIER,
            lambda r=r: classeur_reservataire(bilan, r, options),
        )
        for r in reservataires_avec_convention(bilan)
    ]


def categorie_de(bilan: Bilan, reservataire: str) -> str:
    return _categories(bilan).get(reservataire, "")


@par_bilan
def _categories(bilan: Bilan) -> dict[str, str]:
    """Each réservataire's category (its first row in ``bilan.reservataires``)."""
    r = bilan.reservataires
    categories: dict[str, str] = {}
    for nom, categorie in zip(r["reservataire"], r["categorie"], strict=True):
        categories.setdefault(nom, str(categorie))
    return categories


def perimetres_de(bilan: Bilan, reservataire: str) -> list[tuple[str, str]]:
    """The réservataire's convention perimeters, in the order of ``bilan.conventions``."""
    return list(_perimetres_des_reservataires(bilan).get(reservataire, ()))


@par_bilan
def _perimetres_des_reservataires(bilan: Bilan) -> dict[str, tuple[tuple[str, str], ...]]:
    conv = bilan.conventions
    perimetres: dict[str, dict[tuple[str, str], None]] = {}
    for nom, ptype, pcode in zip(conv["reservataire"], conv["perimetre_type"], conv["perimetre_code"], strict=True):
        perimetres.setdefault(nom, {})[(ptype, pcode)] = None
    return {nom: tuple(p) for nom, p in perimetres.items()}


def _du_reservataire(df: pd.DataFrame, reservataire: str, perimetres: list[tuple[str, str]]) -> pd.DataFrame:
    return c.du_perimetre(df, perimetres, reservataire)


def classeur_reservataire(bilan: Bilan, reservataire: str, options: OptionsRapports | None = None) -> bytes:
    """The bilan workbook of one réservataire, as ``.xlsx`` bytes."""
    options = options or OptionsRapports()
    categorie = categorie_de(bilan, reservataire)
    destinataire = c.destinataire_reservataire(reservataire, categorie)
    perimetres = perimetres_de(bilan, reservataire)
    wb = c.nouveau_classeur()

    _feuille_synthese(wb, bilan, options, reservataire, destinataire, perimetres)
    _feuille_issues(wb, bilan, options, reservataire, destinataire, perimetres)
    _feuille_soustraits(wb, bilan, options, destinataire, perimetres)
    _feuille_repartitions(wb, bilan, options, reservataire, destinataire, perimetres)
    _feuille_indicateurs(wb, bilan, options, reservataire, categorie, destinataire, perimetres)
    ev.ajouter_evolution(wb, bilan, options, destinataire, reservataire=reservataire, perimetres=perimetres)
    lignes = donnees.lignes_du_reservataire(bilan, reservataire, perimetres)
    return c.terminer(wb, bilan, options, destinataire, f"{DOCUMENT} {bilan.annee}", lignes)


def _titre(bilan: Bilan, reservataire: str) -> str:
    return f"Bilan {bilan.annee} de la gestion en flux – {reservataire}"


def _feuille_synthese(
    wb: Classeur,
    bilan: Bilan,
    options: OptionsRapports,
    reservataire: str,
    destinataire: str,
    perimetres: list[tuple[str, str]],
) -> None:
    ws = c.nouvelle_feuille(wb, "Synthèse")
    debut = c.bloc_titre(ws, _titre(bilan, reservataire), bilan, options.bailleur, destinataire)

    conv = c.du_perimetre(bilan.conventions, perimetres, reservataire)
    conv["perimetre_type_libelle"] = conv["perimetre_type"].map(ref.PERIMETRES.libelle)
    _, ligne = c.ecrire_section(
        ws,
        debut,
        "Conventions de réservation",
        c.selection(conv, ["perimetre_libelle", "perimetre_type_libelle", "perimetre_code", "taux_convention"]),
        ["Source : table des conventions du bailleur. Taux en pourcentage du flux annuel du périmètre."],
    )

    real = _du_reservataire(bilan.realisation, reservataire, perimetres)
    real = real[real["convention"].astype(bool)] if len(real) else real
    colonnes = [
        "perimetre_libelle",
        "disponibilites",
        "soustraits",
        "flux",
        "logements_proposes",
        "part_flux_orientations",
        "taux_convention",
        "droits_theoriques",
        "ecart",
        "taux_realisation",
        "logements_attribues",
        "taux_transformation",
    ]
    plage, ligne = c.ecrire_section(
        ws,
        ligne,
        f"Réalisation {bilan.annee} par périmètre de convention",
        c.selection(real, colonnes),
        [
            "Flux = disponibilités − soustraits. Logements proposés : logements distincts non soustraits orientés "
            "vers le réservataire en n. Part du flux = proposés ÷ flux.",
            "Droits théoriques = taux × flux ÷ 100 ; écart = proposés − droits ; taux de réalisation = proposés ÷ "
            "droits ; taux de transformation = attribués ÷ proposés.",
            c.NOTE_NS,
        ],
    )
    if len(real):
        excel.ajouter_graphique_barres(
            ws,
            plage,
            "Logements proposés et droits théoriques par périmètre",
            f"A{ligne}",
            colonnes=[
                plage.premiere_colonne + colonnes.index("logements_proposes"),
                plage.premiere_colonne + colonnes.index("droits_theoriques"),
            ],
            titre_axe="Logements",
            format_axe=excel.FORMAT_ENTIER,
        )
    c.finir_feuille(ws, f"A{debut}")


def _feuille_issues(
    wb: Classeur,
    bilan: Bilan,
    options: OptionsRapports,
    reservataire: str,
    destinataire: str,
    perimetres: list[tuple[str, str]],
) -> None:
    ws = c.nouvelle_feuille(wb, "Issues des tours")
    debut = c.bloc_titre(ws, f"Issues des tours {bilan.annee} – {reservataire}", bilan, options.bailleur, destinataire)
    issues = _du_reservataire(bilan.issues, reservataire, perimetres)
    real = _du_reservataire(bilan.realisation, reservataire, perimetres)
    lignes = []
    for (ptype, pcode), groupe in issues.groupby(["perimetre_type", "perimetre_code"], sort=False):
        ligne: dict[str, object] = {"perimetre_libelle": groupe["perimetre_libelle"].iloc[0]}
        ligne.update(dict(zip(groupe["issue"], groupe["tours"], strict=True)))
        total = real.loc[(real["perimetre_type"] == ptype) & (real["perimetre_code"] == pcode), "tours"]
        ligne["tours"] = total.iloc[0] if len(total) else None
        lignes.append(ligne)
    table = pd.DataFrame(lignes, columns=["perimetre_libelle", *ref.ISSUES.codes, "tours"])
    for code in ref.ISSUES.codes:
        table[code] = table[code].fillna(0).astype("int64")
    c.ecrire_section(
        ws,
        debut,
        "Tours de commercialisation par issue",
        table,
        [
            "Tours vers le réservataire dont la date d'orientation tombe dans l'année n, sur les logements non soustraits "
            "du périmètre ; un logement orienté deux fois compte deux tours."
        ],
        formats={code: c.ENTIER for code in ref.ISSUES.codes},
        libelles={**ref.ISSUES.libelles, "tours": "Total des tours"},
    )
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))


def _feuille_soustraits(
    wb: Classeur, bilan: Bilan, options: OptionsRapports, destinataire: str, perimetres: list[tuple[str, str]]
) -> None:
    ws = c.nouvelle_feuille(wb, "Soustraits")
    debut = c.bloc_titre(ws, f"Logements soustraits du flux {bilan.annee}", bilan, options.bailleur, destinataire)
    sous = c.du_perimetre(bilan.soustraits, perimetres).rename(
        columns={"categorie_libelle": "categorie_soustraction_libelle"}
    )
    c.ecrire_section(
        ws,
        debut,
        "Soustraits des périmètres de convention, par catégorie",
        c.selection(
            sous, ["perimetre_libelle", "categorie_soustraction_libelle", "soustraits", "relogements_realises"]
        ),
        [
            "Soustraits : logements disponibles en n portant une catégorie de soustraction (art. R. 441-5 CCH), exclus "
            "du flux. Relogements réalisés : logements soustraits attribués dans l'année n."
        ],
    )
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))


def _feuille_repartitions(
    wb: Classeur,
    bilan: Bilan,
    options: OptionsRapports,
    reservataire: str,
    destinataire: str,
    perimetres: list[tuple[str, str]],
) -> None:
    ws = c.nouvelle_feuille(wb, "Répartitions")
    debut = c.bloc_titre(
        ws, f"Répartitions des logements proposés et attribués {bilan.annee}", bilan, options.bailleur, destinataire
    )
    rep = c.avec_libelles(_du_reservataire(bilan.repartitions, reservataire, perimetres))
    c.ecrire_section(
        ws,
        debut,
        "Par typologie, financement, localisation QPV, commune et période de construction",
        c.selection(
            rep,
            ["perimetre_libelle", "dimension_libelle", "modalite_libelle", "logements_proposes", "logements_attribues"],
        ),
        [
            "Répartitions exigées par l'art. R. 441-5-1 CCH. Pour chaque répartition, les modalités s'additionnent aux "
            "logements proposés et attribués de la synthèse."
        ],
        filtre=True,
    )
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))


def indicateurs_de(bilan: Bilan, reservataire: str, categorie: str, perimetres: list[tuple[str, str]]) -> pd.DataFrame:
    """The §4 indicators that concern a réservataire: its own rows, plus the préfet readings of its perimeters
    for the two État categories."""
    ind = bilan.indicateurs
    propres = c.du_perimetre(ind, perimetres, reservataire)
    if categorie in ref.CATEGORIES_PREFET:
        prefet = c.du_perimetre(ind, perimetres, "")
        prefet = prefet[prefet["indicateur"].isin(INDICATEURS_PREFET)].reset_index(drop=True)
        propres = pd.concat([prefet, propres], ignore_index=True)
    return propres


def _feuille_indicateurs(
    wb: Classeur,
    bilan: Bilan,
    options: OptionsRapports,
    reservataire: str,
    categorie: str,
    destinataire: str,
    perimetres: list[tuple[str, str]],
) -> None:
    ws = c.nouvelle_feuille(wb, "Indicateurs")
    debut = c.bloc_titre(ws, f"Indicateurs {bilan.annee} – {reservataire}", bilan, options.bailleur, destinataire)
    ind = c.avec_libelles(indicateurs_de(bilan, reservataire, categorie, perimetres))
    colonnes = ["indicateur_libelle", "perimetre_libelle", "numerateur", "denominateur", "valeur", "cible", "lecture"]
    table = c.selection(ind, colonnes)
    plage, ligne = c.ecrire_section(
        ws,
        debut,
        "Indicateurs du cadrage régional",
        table,
        [c.NOTE_INDICATEURS, c.NOTE_NS],
    )
    c.formater_indicateurs(ws, plage, table, c.selection(ind, ["unite"])["unite"])
    if categorie in ref.CATEGORIES_PREFET:  # the préfet reads its share commune by commune, as the État bilan shows
        for ptype, pcode in perimetres:
            if ptype == "DEPARTEMENT":
                ligne = etat.ecrire_parts_par_commune(ws, ligne, bilan, pcode, options)
    c.finir_feuille(ws, f"B{debut + 2}", (debut + 1, debut + 1))
