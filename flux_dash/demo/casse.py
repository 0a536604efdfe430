"""The broken set (``sample_data/casse/``): a small demo with about ten documented mistakes, one per rule of
FORMAT.md §1.5, to show what validation reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flux_dash.demo.fichiers import NOMS_CSV, ecrire_csv, texte_csv
from flux_dash.demo.generateur import ARTICLES_DEPARTEMENT, NOM_BAILLEUR_DEMO, generer_demo

NOMS_CSV_CASSE = {table: nom.replace("demo_", "casse_") for table, nom in NOMS_CSV.items()}
NB_LOGEMENTS_CASSE = 60


@dataclass(frozen=True)
class ErreurVoulue:
    """One deliberate mistake of the broken set, as documented in ``casse/LISEZMOI.md``."""

    table: str
    ligne: int
    colonne: str
    valeur: str
    description: str
    regle: str


def jeu_casse(graine: int = 2024) -> tuple[dict[str, pd.DataFrame], list[ErreurVoulue]]:
    """A small demo (60 logements) with about ten deliberate mistakes, each covering a rule of FORMAT.md §1.5.

    Mistakes are placed on distinct logements, and the tours chosen belong to logements left intact, so that
    each documented line carries its own error and nothing else.
    """
    tables = {nom: df.copy() for nom, df in generer_demo(NB_LOGEMENTS_CASSE, graine).items()}
    lg, tours, conv = tables["logements"], tables["tours"], tables["conventions"]
    erreurs: list[ErreurVoulue] = []
    abimes: list[int] = []

    def logement(condition: pd.Series | None = None) -> int:
        possibles = [i for i in lg.index[condition if condition is not None else slice(None)] if i not in abimes]
        i = int(possibles[0])
        abimes.append(i)
        return i

    def noter(table: str, i: int, colonne: str, valeur: object, description: str, regle: str) -> None:
        df = tables[table]
        df.loc[i, colonne] = valeur
        erreurs.append(ErreurVoulue(table, i + 2, colonne, texte_csv(valeur), description, regle))

    lg["annee_construction"] = lg["annee_construction"].astype("object")
    noter(
        "logements",
        logement(lg.index >= 2),
        "code_commune",
        "99999",
        "Code commune inexistant.",
        "Commune inconnue ou hors Île-de-France.",
    )
    noter(
        "logements",
        logement(lg.index >= 5),
        "typologie",
        "T9",
        "Typologie hors liste.",
        "Valeur hors de la liste admise (T1, T2, T3, T4, T5+).",
    )
    noter(
        "logements",
        logement((lg["qpv"] == "oui") & (lg["code_qpv"] != "")),
        "qpv",
        "non",
        "Code QPV renseigné alors que le logement est déclaré hors QPV.",
        "code_qpv renseigné avec qpv = non.",
    )
    noter(
        "logements",
        logement(lg.index >= 9),
        "annee_construction",
        1700,
        "Année de construction impossible.",
        "annee_construction hors de l'intervalle 1800 … année en cours.",
    )
    noter(
        "logements",
        logement(lg.index >= 12),
        "date_disponibilite",
        "31/02/2024",
        "Date inexistante (31 février).",
        "Date illisible.",
    )

    # A logement pasted twice (the copy goes at the end of the sheet).
    double = logement()

    intacts = set(lg.loc[[i for i in lg.index if i not in abimes], "id_logement"])
    pris: list[int] = []

    def tour(condition: pd.Series) -> int:
        possibles = [i for i in tours.index[condition & tours["id_logement"].isin(intacts)] if i not in pris]
        i = int(possibles[0])
        pris.append(i)
        intacts.discard(tours.at[i, "id_logement"])
        return i

    prefet_93 = f"Préfecture {ARTICLES_DEPARTEMENT['93']} – contingent prioritaire"
    i = tour(tours["reservataire"] == prefet_93)
    noter(
        "tours",
        i,
        "reservataire",
        "Prefecture 93",
        f"Nom du réservataire mal saisi (au lieu de « {prefet_93} »).",
        "Réservataire absent de la feuille Conventions (ni « Bailleur »).",
    )
    i = tour(tours["issue"] == "ATTRIBUE")
    noter(
        "tours",
        i,
        "date_attribution",
        "",
        "Tour ATTRIBUE sans date d'attribution.",
        "date_attribution obligatoire quand l'issue est ATTRIBUE.",
    )
    i = tour(tours["issue"] == "ATTRIBUE")
    veille = dt.datetime.strptime(tours.at[i, "date_orientation"], "%d/%m/%Y") - dt.timedelta(days=10)
    noter(
        "tours",
        i,
        "date_attribution",
        veille.strftime("%d/%m/%Y"),
        "Attribution datée avant l'orientation.",
        "date_attribution antérieure à date_orientation.",
    )
    i = tour(tours["issue"] != "ATTRIBUE")
    noter("tours", i, "date_orientation", "hier", "Date saisie en toutes lettres.", "Date illisible.")

    i = int(conv.index[(conv["categorie"] == "ACTION_LOGEMENT") & (conv["perimetre_code"] == "93")][0])
    noter(
        "conventions",
        i,
        "taux",
        65.0,
        "Taux d'Action Logement en Seine-Saint-Denis porté de 35 à 65 %.",
        "Somme des taux supérieure à 100 % sur un périmètre (ici 108 % sur la Seine-Saint-Denis).",
    )

    copie = lg.loc[[double]]
    tables["logements"] = lg = pd.concat([lg, copie], ignore_index=True)
    erreurs.append(
        ErreurVoulue(
            "logements",
            len(lg) + 1,
            "id_logement",
            str(copie["id_logement"].iloc[0]),
            f"Ligne {double + 2} collée une seconde fois en fin de feuille.",
            "id_logement en double.",
        )
    )
    return tables, sorted(erreurs, key=lambda e: (list(NOMS_CSV).index(e.table), e.ligne))


def lisezmoi_casse(erreurs: list[ErreurVoulue]) -> str:
    """The French README of ``casse/``: each mistake with its file, line and column."""
    lignes = [
        "# Jeu de données cassé (démonstration des contrôles)",
        "",
        f"Ces fichiers CSV reprennent un petit extrait ({NB_LOGEMENTS_CASSE} logements) des données fictives du "
        f"bailleur « {NOM_BAILLEUR_DEMO} », dans lequel {len(erreurs)} erreurs ont été introduites volontairement. "
        "Chacune illustre une règle bloquante du format (FORMAT.md §1.5) : déposez les quatre fichiers dans "
        "l'application, ou lancez `flux-dash valider sample_data/casse/*.csv`, pour voir comment elles sont "
        "signalées (feuille, ligne, colonne, règle, valeur et conseil).",
        "",
        "Les numéros de ligne sont ceux d'un tableur : l'en-tête est la ligne 1, la première donnée la ligne 2.",
        "",
        "| Fichier | Ligne | Colonne | Valeur saisie | Erreur introduite | Règle enfreinte |",
        "|---|---|---|---|---|---|",
    ]
    for e in erreurs:
        valeur = f"`{e.valeur}`" if e.valeur else "(vide)"
        lignes.append(
            f"| `{NOMS_CSV_CASSE[e.table]}` | {e.ligne} | `{e.colonne}` | {valeur} | {e.description} | {e.regle} |"
        )
    lignes += [
        "",
        "Une même erreur peut être signalée sur plusieurs lignes quand la règle porte sur un ensemble : la somme des "
        "taux est rappelée sur chaque convention du périmètre, et l'identifiant en double sur ses deux lignes. "
        "Sur un extrait aussi petit, la part du flux orientée au préfet dépasse aussi ses plafonds dans certains "
        "départements : ce sont des avertissements, qui n'empêchent pas de produire un bilan.",
        "",
        "Régénération : `python -m flux_dash.demo sample_data` (réécrit aussi les données de démonstration).",
        "",
    ]
    return "\n".join(lignes)


def ecrire_jeu_casse(dossier: str | Path, graine: int = 2024) -> list[Path]:
    """Writes the broken set (four CSV files) and its ``LISEZMOI.md`` in ``dossier``; returns the paths."""
    dossier = Path(dossier)
    tables, erreurs = jeu_casse(graine)
    chemins = ecrire_csv(tables, dossier, NOMS_CSV_CASSE)
    lisezmoi = dossier / "LISEZMOI.md"
    lisezmoi.write_text(lisezmoi_casse(erreurs), encoding="utf-8")
    return [*chemins, lisezmoi]
