"""Cross-table rules (pandas): a tour's logement and réservataire, perimeters, delays, caps; and the checks of one
bilan year n (non orientés, the préfet's realised share, a year without disponibilité), apart and cheap, so that
choosing another year never reads or validates the files again (:func:`controles_annee`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.colonnes import LIGNE
from flux_dash.formats import nombre, pourcentage
from flux_dash.problemes import Probleme
from flux_dash.regles import ReglesCalcul
from flux_dash.validation.catalogue import (
    CONSEIL_PREFET,
    MOIS_APRES_DISPONIBILITE,
    MOIS_AVANT_DISPONIBILITE,
    PLAFOND_AGENTS,
    PLAFOND_PREFET,
    Code,
    probleme,
)
from flux_dash.validation.commun import (
    Constat,
    associer,
    codes_communes,
    communes_du_perimetre,
    departement_des_communes,
    est_dans,
    libelle_commune,
    libelle_perimetre,
    lignes_fr,
    nombre_logements_fr,
    pct_taux,
    rang_dans,
    rangs,
    valeur_fr,
)
from flux_dash.validation.conseils import conseil_delai, conseil_reservataire, libelle_soustraction, par_valeur

# --- Cross-table rules (pandas) -----------------------------------------------------------------------------


def _logements_uniques(logements: pd.DataFrame) -> pd.DataFrame:
    """One row per known id_logement (the first one), for lookups from tours."""
    connus = logements[logements["id_logement"].notna()]
    return connus.drop_duplicates("id_logement").set_index("id_logement")


def _categories_reservataires(conventions: pd.DataFrame) -> dict[str, set[str]]:
    c = conventions[conventions["reservataire"].notna() & conventions["categorie"].notna()]
    return {nom: set(g) for nom, g in c.groupby("reservataire")["categorie"]}


def controles_croises(tables: dict[str, pd.DataFrame], presentes: set[str]) -> tuple[list[Constat], list[Probleme]]:
    """Rules across tables, whatever the year. A rule that needs an absent table is skipped: the missing table is
    the one error."""
    logements, tours, conventions = tables["logements"], tables["tours"], tables["conventions"]
    constats: list[Constat] = []
    globaux: list[Probleme] = []
    uniques = _logements_uniques(logements)

    # A tour's logement must exist.
    inconnu = tours["id_logement"].notna() & ~est_dans(tours["id_logement"], uniques.index) & ("logements" in presentes)
    constats.append(Constat(Code.LOGEMENT_INCONNU, "tours", "id_logement", rangs(inconnu)))

    # A tour's réservataire: a conventions.reservataire or Bailleur (exact match after stripping spaces).
    connus = sorted(set(conventions["reservataire"].dropna()))
    admis = [*connus, ref.NOM_BAILLEUR]
    c = conventions.dropna(subset=["reservataire", "perimetre_code"])
    codes = {nom: set(g) for nom, g in c.groupby("reservataire")["perimetre_code"]}
    res_inconnu = tours["reservataire"].notna() & ~est_dans(tours["reservataire"], admis) & ("conventions" in presentes)
    constats.append(
        Constat(
            Code.RESERVATAIRE_INCONNU,
            "tours",
            "reservataire",
            rangs(res_inconnu),
            lambda index: par_valeur(
                tours["reservataire"].to_numpy()[index], lambda n: conseil_reservataire(n, admis, codes)
            ),
        )
    )

    constats += _controles_taux(conventions, globaux)

    # Warnings on tours, with the logement of each tour.
    position = rang_dans(tours["id_logement"], uniques.index)
    t = tours.assign(_pos=np.arange(len(tours)))[position >= 0]
    position = position[position >= 0]
    commune = pd.Series(uniques["code_commune"].array.take(position), index=t.index)
    soustraction = pd.Series(uniques["categorie_soustraction"].array.take(position), index=t.index)
    dispo = pd.Series(uniques["date_disponibilite"].array.take(position), index=t.index)
    hors_bailleur = (
        t["reservataire"].notna() & (t["reservataire"] != ref.NOM_BAILLEUR) & est_dans(t["reservataire"], connus)
    )

    constats.append(_orientations_hors_perimetre(t, commune, hors_bailleur, conventions))

    soustrait = hors_bailleur & soustraction.notna()
    constats.append(
        Constat(
            Code.SOUSTRAIT_ORIENTE,
            "tours",
            "reservataire",
            t.loc[soustrait, "_pos"].to_numpy(),
            lambda index: [
                f"Le logement {tours['id_logement'].iat[i]} est soustrait du flux "
                f"({libelle_soustraction(uniques.at[tours['id_logement'].iat[i], 'categorie_soustraction'])}) : "
                "seul le Bailleur devrait le recevoir, ou le logement n'est pas soustrait."
                for i in index
            ],
        )
    )

    debut = dispo - pd.DateOffset(months=MOIS_AVANT_DISPONIBILITE)
    fin = dispo + pd.DateOffset(months=MOIS_APRES_DISPONIBILITE)
    hors_delai = ((t["date_orientation"] < debut) | (t["date_orientation"] > fin)).fillna(False).astype(bool)
    constats.append(
        Constat(
            Code.ORIENTATION_HORS_DELAI,
            "tours",
            "date_orientation",
            t.loc[hors_delai, "_pos"].to_numpy(),
            lambda index: [conseil_delai(uniques.at[tours["id_logement"].iat[i], "date_disponibilite"]) for i in index],
        )
    )

    constats.append(_tours_non_consecutifs(tours))
    return constats, globaux


CODES_ANNEE = frozenset(
    {Code.NON_ORIENTE, Code.PART_PREFET_REALISEE, Code.PART_AGENTS_REALISEE, Code.ANNEE_SANS_DISPONIBILITE}
)
"""The codes of :func:`controles_annee`: the only problems that depend on the bilan year n."""


def controles_annee(
    tables: dict[str, pd.DataFrame], annee: int, presentes: set[str], regles: ReglesCalcul
) -> tuple[list[Constat], list[Probleme]]:
    """The checks of year n (year boundaries: :meth:`ReglesCalcul.dans_annee`), on the clean tables."""
    logements, tours, conventions = tables["logements"], tables["tours"], tables["conventions"]
    constats: list[Constat] = []
    globaux = _part_realisee_prefet(logements, tours, conventions, annee, regles)

    # Non orienté: available in n, not soustrait, no tour at all.
    sans_tour = (
        regles.dans_annee(logements["date_disponibilite"], annee)
        & logements["categorie_soustraction"].isna()
        & logements["id_logement"].notna()
        & ~est_dans(logements["id_logement"], tours["id_logement"])
        & ("tours" in presentes)
    )
    constats.append(
        Constat(
            Code.NON_ORIENTE,
            "logements",
            "id_logement",
            rangs(sans_tour),
            lambda index: [
                f"Disponible le {valeur_fr(logements['date_disponibilite'].iat[i])} : ajoutez ses tours dans "
                "la feuille Tours, ou indiquez sa catégorie de soustraction."
                for i in index
            ],
            regle=Code.NON_ORIENTE.regle(annee=annee),
        )
    )
    annees = regles.annee_de(logements["date_disponibilite"])
    globaux += _annee_sans_disponibilite(annees, annee, "logements" in presentes)
    return constats, globaux


def _annee_sans_disponibilite(annee_dispo: pd.Series, annee: int, presente: bool) -> list[Probleme]:
    """Warning: no logement available in year n (a typo in the year would otherwise give empty bilans)."""
    annees = annee_dispo.dropna().astype(int)
    if not presente or annees.empty or (annees == annee).any():
        return []
    premiere, derniere = int(annees.min()), int(annees.max())
    etendue = f"sont de {premiere}" if premiere == derniere else f"vont de {premiere} à {derniere}"
    return [
        probleme(
            Code.ANNEE_SANS_DISPONIBILITE,
            table="logements",
            colonne="date_disponibilite",
            valeur=str(annee),
            conseil=f"Les disponibilités du fichier {etendue} : vérifiez l'année du bilan.",
            annee=annee,
        )
    ]


def _orientations_hors_perimetre(
    t: pd.DataFrame, commune: pd.Series, hors_bailleur: pd.Series, conventions: pd.DataFrame
) -> Constat:
    """Warning: the logement's commune is inside none of the réservataire's convention perimeters."""
    c = conventions.dropna(subset=["reservataire", "perimetre_type", "perimetre_code"])
    perimetres: dict[str, list[tuple[str, str]]] = {}
    paires: list[str] = []
    for nom, ptype, pcode in sorted(set(zip(c["reservataire"], c["perimetre_type"], c["perimetre_code"], strict=True))):
        perimetres.setdefault(nom, []).append((ptype, pcode))
        paires += [f"{nom}|{code}" for code in communes_du_perimetre(ptype, pcode)]
    a_verifier = hors_bailleur & est_dans(commune, codes_communes())
    dedans = est_dans(t["reservataire"] + "|" + commune, paires)
    hors = (a_verifier & ~dedans).fillna(False).astype(bool)

    def conseil(index: np.ndarray) -> list[str]:
        # t keeps the tours' RangeIndex: labels are positions in the tours table
        sortie = []
        for i in index:
            nom = t.at[i, "reservataire"]
            libelles = [libelle_perimetre(pt, pc) for pt, pc in perimetres.get(nom, [])]
            liste = ", ".join(libelles[:5]) + ("…" if len(libelles) > 5 else "")
            sortie.append(
                f"{libelle_commune(commune.at[i])} n'est dans aucun périmètre de convention de "
                f"« {nom} » ({liste}). Vérifiez le réservataire, la commune ou la feuille Conventions."
            )
        return sortie

    return Constat(Code.ORIENTATION_HORS_PERIMETRE, "tours", "reservataire", t.loc[hors, "_pos"].to_numpy(), conseil)


def _tours_non_consecutifs(tours: pd.DataFrame) -> Constat:
    """Warning: the tours of a logement are not numbered 1, 2, 3… (the tour after each gap is reported)."""
    t = tours.assign(_pos=np.arange(len(tours)))
    t = t[t["id_logement"].notna() & (t["numero_tour"] >= 1).fillna(False)]
    t = t.drop_duplicates(["id_logement", "numero_tour"])
    # Each logement's tours in number order, on integer codes (sorting 400 000 Arrow texts cost ~0.3 s).
    codes, _ = pd.factorize(t["id_logement"])
    ordre = np.lexsort((t["numero_tour"].to_numpy(dtype=np.int64), codes))
    c, n = codes[ordre], t["numero_tour"].to_numpy(dtype=np.int64)[ordre]
    premier = np.ones(len(c), dtype=bool)  # the logement's first tour: a gap if it is not tour 1
    premier[1:] = c[1:] != c[:-1]
    ecart = np.zeros(len(n), dtype=np.int64)
    ecart[1:] = n[1:] - n[:-1]
    trou = np.empty(len(t), dtype=bool)
    trou[ordre] = np.where(premier, n > 1, ecart > 1)

    def conseil(index: np.ndarray) -> list[str]:
        ids = tours["id_logement"].iloc[index]
        par_logement = t.loc[est_dans(t["id_logement"], ids)].groupby("id_logement")["numero_tour"].agg(list)
        sortie = []
        for ident in ids:
            numeros = sorted(int(n) for n in par_logement[ident])
            manquants = _premiers_manquants(numeros, 10)
            texte_manquants = ", ".join(str(n) for n in manquants)
            sortie.append(
                f"Tours du logement {ident} : {', '.join(str(n) for n in numeros[:20])} ; "
                f"{'tour manquant' if len(manquants) == 1 else 'tours manquants'} : {texte_manquants}."
            )
        return sortie

    return Constat(Code.TOURS_NON_CONSECUTIFS, "tours", "numero_tour", np.sort(t["_pos"].to_numpy()[trou]), conseil)


def _premiers_manquants(numeros: list[int], nombre: int) -> list[int]:
    """The first ``nombre`` integers ≥ 1 missing from the sorted ``numeros``, without enumerating the range (a
    tour numbered 10¹² must not build a set of 10¹² numbers)."""
    manquants: list[int] = []
    attendu = 1
    for n in numeros:
        while attendu < n and len(manquants) < nombre:
            manquants.append(attendu)
            attendu += 1
        if len(manquants) >= nombre:
            break
        attendu = max(attendu, n + 1)
    return manquants


def _controles_taux(conventions: pd.DataFrame, globaux: list[Probleme]) -> list[Constat]:
    """Σ taux ≤ 100 per perimeter, taux given as fractions, préfet caps in taux (FORMAT.md §1.5)."""
    taux = conventions["taux"]
    renseignes = taux.dropna()
    if len(renseignes) and (renseignes <= 1).all() and (renseignes > 0).any():
        globaux.append(
            probleme(
                Code.TAUX_EN_FRACTION,
                table="conventions",
                colonne="taux",
                valeur=", ".join(valeur_fr(v) for v in renseignes.iloc[:5]) + ("…" if len(renseignes) > 5 else ""),
            )
        )
        return []
    c = conventions.assign(_pos=np.arange(len(conventions)))
    c = c[c["perimetre_type"].notna() & c["perimetre_code"].notna() & c["taux"].notna()]
    cle = [c["perimetre_type"], c["perimetre_code"]]
    tous = pd.Series(True, index=c.index)
    somme = c.groupby(cle)["taux"].transform("sum")
    constats = [
        _constat_somme(
            Code.SOMME_TAUX, c, somme > 100, tous, somme, "Somme des taux", "la somme ne peut pas dépasser 100 %."
        )
    ]
    for code, categories, plafond, quoi in (
        (Code.PLAFOND_PREFET, ref.CATEGORIES_PREFET, PLAFOND_PREFET, "Somme des taux du préfet"),
        (Code.PLAFOND_AGENTS, ("ETAT_AGENTS",), PLAFOND_AGENTS, "Somme des taux des agents de l'État"),
    ):
        membre = est_dans(c["categorie"], categories)
        somme = c["taux"].where(membre, 0).groupby(cle).transform("sum")
        fin = f"plafond de {nombre(plafond)} % du flux, {CONSEIL_PREFET}."
        constats.append(_constat_somme(code, c, membre & (somme > plafond), membre, somme, quoi, fin))
    return constats


def _constat_somme(
    code: Code,
    c: pd.DataFrame,
    masque: pd.Series,
    membres: pd.Series,
    somme: pd.Series,
    quoi: str,
    fin: str,
) -> Constat:
    """Rows of conventions whose perimeter sum is too high; the hint gives the sum and the lines summed."""
    masque = masque.fillna(False).astype(bool)
    lignes = c[membres].groupby(["perimetre_type", "perimetre_code"])[LIGNE].agg(list)
    mauvais = c[masque]
    textes = {
        pos: f"{quoi} sur {libelle_perimetre(pt, pc)} : {pct_taux(s)} ({lignes_fr(lignes[(pt, pc)])}) ; {fin}"
        for pos, pt, pc, s in zip(
            mauvais["_pos"], mauvais["perimetre_type"], mauvais["perimetre_code"], somme[masque], strict=True
        )
    }
    return Constat(
        code,
        "conventions",
        "taux",
        np.sort(mauvais["_pos"].to_numpy()),
        lambda index: [textes[i] for i in index],
    )


def _part_realisee_prefet(
    logements: pd.DataFrame, tours: pd.DataFrame, conventions: pd.DataFrame, annee: int, regles: ReglesCalcul
) -> list[Probleme]:
    """Warnings: préfet / agents realised share of the flux per département for year n (DOMAINE.md §4).

    A simple computation, enough for a warning: flux(d, n) = logements of département d available in n and not
    soustraits; proposés = those of d's logements not soustraits with a tour dated in n to a réservataire whose
    conventions are of a préfet category (any tour date in n, DOMAINE.md §3).
    """
    categories = _categories_reservataires(conventions)
    noms_prefet = [n for n, cats in categories.items() if cats & set(ref.CATEGORIES_PREFET)]
    noms_agents = [n for n, cats in categories.items() if "ETAT_AGENTS" in cats]
    if not noms_prefet:
        return []
    lg = logements[logements["id_logement"].notna() & logements["categorie_soustraction"].isna()]
    lg = lg.drop_duplicates("id_logement")
    departement = associer(lg["code_commune"], pd.Series(departement_des_communes(), dtype="string"))
    dans_flux = regles.dans_annee(lg["date_disponibilite"], annee)
    flux = departement[dans_flux].value_counts()
    dep_par_id = pd.Series(departement.array, index=lg["id_logement"].to_numpy())
    t = tours.loc[regles.dans_annee(tours["date_orientation"], annee), ["reservataire", "id_logement"]]
    sortie: list[Probleme] = []
    for code, noms, plafond, qui in (
        (
            Code.PART_PREFET_REALISEE,
            noms_prefet,
            PLAFOND_PREFET,
            "au préfet (publics prioritaires et agents de l'État)",
        ),
        (Code.PART_AGENTS_REALISEE, noms_agents, PLAFOND_AGENTS, "aux agents de l'État"),
    ):
        ids = t.loc[est_dans(t["reservataire"], noms), "id_logement"].dropna().drop_duplicates()
        proposes = associer(ids, dep_par_id).value_counts()  # a logement outside the flux: NA, not counted
        for dep in sorted(proposes.index):
            f = int(flux.get(dep, 0))
            p = int(proposes[dep])
            if f == 0 or 100 * p / f <= plafond:
                continue
            libelle = ref.libelle_perimetre("DEPARTEMENT", str(dep))
            sortie.append(
                probleme(
                    code,
                    table="tours",
                    colonne="reservataire",
                    valeur=pourcentage(p / f),
                    conseil=f"{nombre_logements_fr(p)} {'proposé' if p == 1 else 'proposés'} {qui} pour un flux de "
                    f"{nombre_logements_fr(f)} ; plafond de {nombre(plafond)} % {CONSEIL_PREFET}.",
                    annee=annee,
                    departement=libelle,
                )
            )
    return sortie
