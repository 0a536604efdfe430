"""The perimeters of a bilan and the communes each one holds (DOMAINE.md §2): the strates territoriales of the
landlord's stock (commune, EPCI/EPT territory, département, région) and the perimeters named by the conventions.

Every count of the engine is tallied per commune and summed over the ``appartenance`` table built here, so a
perimeter is exactly the set of its communes where the landlord has logements.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.calculs.cles import PC, PT, libeller, trier
from flux_dash.regles import ReglesCalcul


@cache
def communes_reference() -> pd.DataFrame:
    """``referentiel.communes()`` indexed by ``code_insee`` (computed once; never mutate it)."""
    return ref.communes().set_index("code_insee")


@cache
def communes_par_perimetre() -> dict[tuple[str, str], frozenset[str]]:
    """(perimetre_type, perimetre_code) → its communes, for every commune, département, EPCI/EPT territory and
    EPCI (an EPCI that is not a territory, such as the MGP 200054781, is matched through ``code_epci``), as
    ``referentiel.communes_du_perimetre`` but computed once."""
    c = communes_reference()
    out: dict[tuple[str, str], set[str]] = {("REGION", ref.CODE_REGION): set(c.index)}
    for code, dep, territoire, epci in zip(
        c.index, c["code_departement"], c["code_territoire"], c["code_epci"], strict=True
    ):
        out[("COMMUNE", code)] = {code}
        out.setdefault(("DEPARTEMENT", dep), set()).add(code)
        for siren in (territoire, epci):
            if siren:
                out.setdefault(("EPCI_EPT", siren), set()).add(code)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def _departement_et_territoire() -> tuple[dict[str, str], dict[str, str]]:
    """commune → its département, commune → its EPCI/EPT territory (computed once; never mutate them)."""
    com = communes_reference()
    return com["code_departement"].to_dict(), com["code_territoire"].to_dict()


def _strates(communes_stock: list[str]) -> list[tuple[str, str, str]]:
    """(perimetre_type, perimetre_code, code_commune) of the strates of each commune of the stock (an unknown
    code is only its own commune: validation rejects it)."""
    departement_de, territoire_de = _departement_et_territoire()
    lignes: list[tuple[str, str, str]] = []
    for code in communes_stock:
        lignes.append(("COMMUNE", code, code))
        if code in departement_de:
            lignes += [
                ("EPCI_EPT", territoire_de[code], code),
                ("DEPARTEMENT", departement_de[code], code),
                ("REGION", ref.CODE_REGION, code),
            ]
    return lignes


def _perimetres_de_convention(conventions: pd.DataFrame) -> list[tuple[str, str]]:
    return list(dict.fromkeys(zip(conventions[PT], conventions[PC], strict=True)))


def calculer_appartenance(communes_stock: list[str], conventions: pd.DataFrame) -> pd.DataFrame:
    """``Bilan.appartenance``: (perimeter, commune of the stock inside it) for the strates of every commune of the
    stock and for every convention perimeter (DOMAINE.md §2)."""
    lignes = _strates(communes_stock)
    par_perimetre = communes_par_perimetre()
    stock = set(communes_stock)
    for cle in _perimetres_de_convention(conventions):  # a few dozen perimeters
        lignes += [(*cle, code) for code in sorted(par_perimetre.get(cle, frozenset()) & stock)]
    appartenance = pd.DataFrame(list(dict.fromkeys(lignes)), columns=[PT, PC, "code_commune"], dtype=object)
    return trier(appartenance.astype(str), [PT, PC, "code_commune"])


def calculer_perimetres(
    communes_stock: list[str], conventions: pd.DataFrame, appartenance: pd.DataFrame, regles: ReglesCalcul
) -> pd.DataFrame:
    """``Bilan.perimetres``: the strates of the stock's communes ∪ the convention perimeters, with their flags
    (strate, convention, EPCI « LEC » of ``regles.epci_lec``) and the départements they cover (DOMAINE.md §2)."""
    departement_de, territoire_de = _departement_et_territoire()
    strates = {(t, c) for t, c, _ in _strates(communes_stock)}
    conv = set(_perimetres_de_convention(conventions))
    departements: dict[tuple[str, str], set[str]] = {}
    for t, c, code in zip(appartenance[PT], appartenance[PC], appartenance["code_commune"], strict=True):
        departements.setdefault((t, c), set())
        if code in departement_de:
            departements[(t, c)].add(departement_de[code])
    cles = sorted(strates | conv)
    liste = pd.DataFrame(
        {
            PT: [t for t, _ in cles],
            PC: [c for _, c in cles],
            "strate": [k in strates for k in cles],
            "convention": [k in conv for k in cles],
            "departements": [
                c if t == "DEPARTEMENT" else ";".join(sorted(departements.get((t, c), ()))) for t, c in cles
            ],
            "code_territoire": [territoire_de.get(c, "") if t == "COMMUNE" else "" for t, c in cles],
        }
    )
    lec = set(regles.epci_lec)
    liste["lec"] = (liste[PT] == "EPCI_EPT") & liste[PC].isin(lec)
    liste = libeller(liste)
    return trier(liste, [PT, PC])
