"""The consolidation engine (DOMAINE.md §3.1): from the landlords' tidy rows to the figures of the territory.

A sequence of named steps, each a function from frames to a frame (house style §15):

1. :func:`faits` — every landlord's rows in one frame, with a ``bailleur`` column;
2. :func:`perimetres` — the perimeters present, how many landlords give figures there, and whether every
   landlord with logements there does (a workbook received by e-mail covers only its recipient's perimeter);
3. :func:`identites` — réservataires identified across landlords by **category and convention perimeter**,
   never by name (``AUTRE``: by name within its category, FORMAT.md §3.1), with the names each landlord uses;
4. :func:`lignes_perimetre`, :func:`lignes_categories`, :func:`lignes_reservataires` — the counts of each
   landlord, re-keyed to the consolidated lines (perimeter-wide, category, réservataire);
5. :func:`additionner` — sums over landlords (rows with ``bailleur`` empty) beside each landlord's own rows;
6. :func:`recalculer_ratios` — every ratio from its summed numerator and denominator (:data:`contrat.RATIOS`),
   never averaged; ``taux_convention`` becomes the weighted taux Σ droits ÷ Σ flux;
7. :func:`nombre_bailleurs` and the restriction to the territories asked for.

Nothing here needs tours, and no landlord's figure is recomputed another way: counts are the landlords' own,
added; a réservataire's figures in a territory are its landlord's figures in that territory when the territory
lies inside the réservataire's convention perimeter, its figures on the convention perimeter when the perimeter
lies inside the territory, and the sum of its commune figures on the common communes otherwise (a logement lies
in one commune: DOMAINE.md §3).

Rules where the texts are silent [rule]:

- a count that one landlord leaves empty (an optional column it does not fill) makes the consolidated count
  empty; a ratio whose numerator one landlord does not give is not consolidated (« n.s. », with an information);
- the weighted taux of a convention perimeter divides by the flux of every landlord with logements there
  (a landlord without that convention holds no rights for the réservataire: its taux counts as 0);
- a perimeter that a landlord with logements there does not cover (its file is an extract) is not consolidated,
  with a warning naming the landlord and the perimeter.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from flux_dash import referentiel as ref
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.codes import probleme
from flux_dash.consolidation.controles import strates_de_commune
from flux_dash.consolidation.reception import Envoi
from flux_dash.problemes import Probleme

PT, PC, PL = k.PT, k.PC, k.PL
COLONNES = ["bailleur", PT, PC, "categorie", "reservataire", "dimension", "modalite", "indicateur", "valeur"]
"""Columns of every frame of rows the steps exchange (``valeur`` float64)."""
CLES_SOMME = ["bailleur", PT, PC, "categorie", "reservataire", "dimension", "modalite", "indicateur"]
TOUS = ""
"""``bailleur`` of the rows that add up every landlord (FORMAT.md §3.2)."""


# --- 1. facts ---------------------------------------------------------------------------------------------------


def faits(envois: list[Envoi]) -> pd.DataFrame:
    """Every landlord's rows, with the landlord's name (``bailleur``), :data:`COLONNES` plus nothing else."""
    morceaux = [e.lignes.drop(columns=[PL]).assign(bailleur=e.bailleur) for e in envois]
    if not morceaux:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "valeur" else object) for c in COLONNES})
    return pd.concat(morceaux, ignore_index=True)[COLONNES]


def _perimetre_large(f: pd.DataFrame) -> pd.Series:
    return ((f["reservataire"] == "") & (f["categorie"] == "")).to_numpy()


# --- 2. perimeters ------------------------------------------------------------------------------------------------


@cache
def communes_du_perimetre(ptype: str, pcode: str) -> frozenset[str]:
    """The communes of a perimeter (:func:`flux_dash.referentiel.communes_du_perimetre`), looked up once per
    process: the consolidation and its workbooks ask for the same perimeters thousands of times."""
    return frozenset(ref.communes_du_perimetre(ptype, pcode))


_communes = communes_du_perimetre


@cache
def _strates() -> frozenset[tuple[str, str]]:
    s = strates_de_commune()
    return frozenset(zip(s[PT], s[PC], strict=True))


def communes_des_bailleurs(f: pd.DataFrame) -> pd.DataFrame:
    """(bailleur, code_commune) of every commune where a landlord has logements: its file has the landlord's own
    line (``BAILLEUR``) there — the landlord's bilan has it on every strate of its stock — or disponibilités in the
    year. A commune that is only a convention perimeter (a convention with a town where the landlord has no
    logement) is not one."""
    communes = f[(f[PT] == "COMMUNE").to_numpy()]
    marque = (communes["categorie"] == ref.BAILLEUR).to_numpy() | (
        _perimetre_large(communes)
        & (communes["indicateur"] == "disponibilites").to_numpy()
        & (communes["valeur"] > 0).to_numpy()
    )
    out = communes.loc[marque, ["bailleur", PC]].drop_duplicates().rename(columns={PC: "code_commune"})
    return out.reset_index(drop=True)


def perimetres(f: pd.DataFrame) -> pd.DataFrame:
    """One row per perimeter where a landlord gives figures: perimetre_type, perimetre_code, perimetre_libelle,
    strate (a commune, EPCI/EPT territory, département or the région), nombre_bailleurs (landlords with logements in
    it, :func:`communes_des_bailleurs`), complet (each of them gives its perimeter-wide figures), manquants (names of
    the landlords with logements there whose file does not cover it, ``;``-joined)."""
    large = f[_perimetre_large(f)]
    couverts = large[["bailleur", PT, PC]].drop_duplicates()
    communes = communes_des_bailleurs(f)
    presents = communes.merge(strates_de_commune(), on="code_commune")[["bailleur", PT, PC]]
    strates = _strates()
    autres = [(t, c) for t, c in couverts[[PT, PC]].drop_duplicates().itertuples(index=False) if (t, c) not in strates]
    for t, c in autres:  # convention perimeters that are not strates (the Métropole du Grand Paris, say)
        dedans = communes[communes["code_commune"].isin(_communes(t, c))]
        presents = pd.concat([presents, dedans[["bailleur"]].assign(**{PT: t, PC: c})])
    presents = presents.drop_duplicates()
    manque = presents.merge(couverts, how="left", indicator=True)
    manque = manque[manque["_merge"] == "left_only"].groupby([PT, PC])["bailleur"].agg(lambda s: ";".join(sorted(s)))
    tous = pd.concat([couverts, presents])[[PT, PC]].drop_duplicates()
    nombre = presents.groupby([PT, PC]).size().rename("nombre_bailleurs")
    out = tous.merge(nombre.reset_index(), on=[PT, PC], how="left")
    out = out.merge(manque.rename("manquants").reset_index(), on=[PT, PC], how="left")
    out["nombre_bailleurs"] = out["nombre_bailleurs"].fillna(0).astype("int64")
    out["manquants"] = out["manquants"].fillna("").astype(object)
    out["complet"] = out["manquants"] == ""
    out["strate"] = [(t, c) in strates for t, c in zip(out[PT], out[PC], strict=True)]
    out.insert(2, PL, [ref.libelle_perimetre(t, c) for t, c in zip(out[PT], out[PC], strict=True)])
    return trier(out, [PT, PC])[[PT, PC, PL, "strate", "nombre_bailleurs", "complet", "manquants"]]


def problemes_perimetres(p: pd.DataFrame) -> list[Probleme]:
    """One warning per landlord whose file does not cover perimeters where it has logements."""
    incomplets = p[~p["complet"]]
    par_bailleur: dict[str, list[str]] = {}
    for libelle, manquants in zip(incomplets[PL], incomplets["manquants"], strict=True):
        for b in manquants.split(";"):
            par_bailleur.setdefault(b, []).append(libelle)
    return [
        probleme(
            "perimetre_incomplet",
            f"le fichier de {b} ne couvre pas {len(libelles)} périmètres où il a des logements : ces périmètres ne "
            "sont pas consolidés"
            if len(libelles) > 1
            else f"le fichier de {b} ne couvre pas un périmètre où il a des logements : ce périmètre n'est pas consolidé",
            valeur=", ".join(libelles[:6]) + (f" et {len(libelles) - 6} autres" if len(libelles) > 6 else ""),
            conseil="Le classeur reçu par un destinataire ne contient que les chiffres de son périmètre : demandez "
            "au bailleur son archive ZIP ou son fichier d'indicateurs (indicateurs_AAAA.csv).",
        )
        for b, libelles in sorted(par_bailleur.items())
    ]


# --- 3. identities -------------------------------------------------------------------------------------------------


def libelle_reservataire(categorie: str, ptype: str, pcode: str, nom: str = "") -> str:
    """The consolidated name of a réservataire: its category's short label (or, for ``AUTRE``, its name) and its
    convention perimeter (« État – publics prioritaires – Seine-Saint-Denis (93) »)."""
    debut = nom if categorie == "AUTRE" else ref.LIBELLES_COURTS_RESERVATAIRE.get(categorie, categorie)
    return f"{debut} – {ref.libelle_perimetre(ptype, pcode)}"


def identites(f: pd.DataFrame) -> pd.DataFrame:
    """One row per (landlord, réservataire name, convention perimeter): bailleur, nom (the landlord's name for
    it), categorie, perimetre_type, perimetre_code (of the convention), reservataire (the consolidated name).

    A convention perimeter is one where the landlord's file gives the holder's ``taux_convention`` or
    ``droits_theoriques``."""
    conv = f[
        f["indicateur"].isin(["taux_convention", "droits_theoriques"]).to_numpy()
        & (f["dimension"] == "total").to_numpy()
        & (f["reservataire"] != "").to_numpy()
        & ~f["categorie"].isin(k.CATEGORIES_SANS_CONVENTION).to_numpy()
    ]
    conv = conv[["bailleur", "reservataire", "categorie", PT, PC]].drop_duplicates()
    conv = conv.rename(columns={"reservataire": "nom"}).reset_index(drop=True)
    autre = conv["categorie"] == "AUTRE"
    conv["_cle"] = conv["categorie"] + "|" + conv[PT] + "|" + conv[PC]
    conv.loc[autre, "_cle"] += "|" + conv.loc[autre, "nom"].map(ref.normaliser_texte)
    # The spelling of an AUTRE réservataire: the most frequent among landlords, then alphabetical.
    frequences = conv[autre].groupby(["_cle", "nom"]).size().rename("n").reset_index()
    frequences = frequences.sort_values(["_cle", "n", "nom"], ascending=[True, False, True]).drop_duplicates("_cle")
    orthographe = dict(zip(frequences["_cle"], frequences["nom"], strict=True))
    conv["reservataire"] = [
        libelle_reservataire(c, t, p, orthographe.get(cle, ""))
        for c, t, p, cle in zip(conv["categorie"], conv[PT], conv[PC], conv["_cle"], strict=True)
    ]
    # Two identities never share a name (a réservataire AUTRE named like a category, say).
    doublons = conv.drop_duplicates("_cle").duplicated("reservataire", keep=False)
    if doublons.any():
        a_renommer = set(conv.drop_duplicates("_cle").loc[doublons, "_cle"])
        conv.loc[conv["_cle"].isin(a_renommer), "reservataire"] += " (" + conv["categorie"] + ")"
    out = conv.drop(columns="_cle")
    return trier(out, ["categorie", "reservataire", "bailleur", "nom"])[
        ["reservataire", "categorie", PT, PC, "bailleur", "nom"]
    ]


# --- 4. lines of each landlord -------------------------------------------------------------------------------------


def lignes_perimetre(f: pd.DataFrame) -> pd.DataFrame:
    """Perimeter-wide counts of each landlord (``categorie`` and ``reservataire`` empty)."""
    large = f[_perimetre_large(f) & f["indicateur"].isin(k.COMPTES_PERIMETRE).to_numpy()]
    return large[COLONNES]


def lignes_categories(f: pd.DataFrame) -> pd.DataFrame:
    """Each category's line in each perimeter: the sum of its holders' counts there (``reservataire`` empty)."""
    h = f[(f["categorie"] != "").to_numpy() & f["indicateur"].isin(k.COMPTES_DETENTEUR).to_numpy()]
    return h.assign(reservataire="")[COLONNES]


def _relations(strates: list[tuple[str, str]], conventions: list[tuple[str, str]]) -> pd.DataFrame:
    """(convention perimeter Q, strate T ≠ Q, relation): ``dedans`` (T ⊂ Q), ``contient`` (Q ⊂ T) or ``chevauche``."""
    lignes = []
    for q in conventions:
        cq = _communes(*q)
        for t in strates:
            if t == q:
                continue
            ct = _communes(*t)
            if not cq or not ct or cq.isdisjoint(ct):
                continue
            relation = "dedans" if ct <= cq else "contient" if cq <= ct else "chevauche"
            lignes.append((*q, *t, relation))
    return pd.DataFrame(lignes, columns=["q_type", "q_code", PT, PC, "relation"], dtype=object)


def lignes_reservataires(f: pd.DataFrame, ident: pd.DataFrame, strates: list[tuple[str, str]]) -> pd.DataFrame:
    """Each réservataire's lines (``reservataire`` = its consolidated name): every figure on its convention
    perimeter, and on every other strate it overlaps its proposés and attribués with their ``qpv`` and ``commune``
    breakdowns (see the module's docstring for which figures of the landlord are read)."""
    h = f[(f["reservataire"] != "").to_numpy() & f["indicateur"].isin(k.COMPTES_DETENTEUR).to_numpy()]
    h = h.rename(columns={"reservataire": "nom"})
    conv = ident.rename(columns={PT: "q_type", PC: "q_code"})
    morceaux = []
    # On the convention perimeter: every figure of the holder there.
    sur_q = h.merge(
        conv,
        left_on=["bailleur", "nom", "categorie", PT, PC],
        right_on=["bailleur", "nom", "categorie", "q_type", "q_code"],
    )
    morceaux.append(sur_q[COLONNES])
    de_strate = h[
        h["indicateur"].isin(k.COMPTES_DE_STRATE).to_numpy() & h["dimension"].isin(k.DIMENSIONS_DE_STRATE).to_numpy()
    ]
    rel = _relations(strates, sorted(set(zip(conv["q_type"], conv["q_code"], strict=True))))
    # T inside Q: the holder's own figures on T.
    dedans = rel[rel["relation"] == "dedans"]
    a = de_strate.merge(conv, on=["bailleur", "nom", "categorie"]).merge(dedans, on=["q_type", "q_code", PT, PC])
    morceaux.append(a[COLONNES])
    # Q inside T: the holder's figures on Q, shown on T.
    contient = rel[rel["relation"] == "contient"]
    b = de_strate.merge(
        conv,
        left_on=["bailleur", "nom", "categorie", PT, PC],
        right_on=["bailleur", "nom", "categorie", "q_type", "q_code"],
    )
    b = b.drop(columns=[PT, PC]).merge(contient, on=["q_type", "q_code"])
    morceaux.append(b[COLONNES])
    # Q and T overlap: the sum of the holder's commune figures on their common communes.
    chevauche = rel[rel["relation"] == "chevauche"]
    if len(chevauche):
        communes = de_strate[
            (de_strate[PT] == "COMMUNE").to_numpy() & de_strate["dimension"].isin(["total", "qpv"]).to_numpy()
        ]
        c = communes.merge(conv, on=["bailleur", "nom", "categorie"]).rename(columns={PC: "code_commune"})
        c = c[
            [
                code in _communes(qt, qc)
                for code, qt, qc in zip(c["code_commune"], c["q_type"], c["q_code"], strict=True)
            ]
        ]
        appartient = strates_de_commune().rename(columns={PT: "t_type", PC: "t_code"})
        c = c.drop(columns=[PT]).merge(appartient, on="code_commune")
        c = c.merge(chevauche, left_on=["q_type", "q_code", "t_type", "t_code"], right_on=["q_type", "q_code", PT, PC])
        morceaux.append(c[COLONNES])
        par_commune = c[c["dimension"] == "total"].assign(dimension="commune", modalite=c["code_commune"])
        morceaux.append(par_commune[COLONNES])
    out = pd.concat(morceaux, ignore_index=True)
    return out


# --- 5. sums -------------------------------------------------------------------------------------------------------


def additionner(lignes: pd.DataFrame) -> pd.DataFrame:
    """Each landlord's lines summed per key (several holders of one landlord on one line), then the sums over
    landlords (``bailleur`` = :data:`TOUS`). Adds ``bailleurs`` (int64): the landlords contributing a row. An empty
    count of one landlord makes the sum empty (DOMAINE.md §4: an indicator needing an optional column is empty)."""
    avec_vides = lignes.assign(_vide=lignes["valeur"].isna())
    par_bailleur = avec_vides.groupby(CLES_SOMME, sort=False, observed=True).agg(
        valeur=("valeur", "sum"), _vide=("_vide", "any")
    )
    par_bailleur["bailleurs"] = 1
    par_bailleur = par_bailleur.reset_index()
    cles = [c for c in CLES_SOMME if c != "bailleur"]
    tous = par_bailleur.groupby(cles, sort=False, observed=True).agg(
        valeur=("valeur", "sum"), _vide=("_vide", "any"), bailleurs=("bailleurs", "sum")
    )
    tous = tous.reset_index().assign(bailleur=TOUS)
    out = pd.concat([tous, par_bailleur], ignore_index=True)
    out.loc[out["_vide"].to_numpy(), "valeur"] = np.nan
    out["bailleurs"] = out["bailleurs"].astype("int64")
    return out[[*COLONNES, "bailleurs"]]


def recalculer_ecarts(sommes: pd.DataFrame) -> pd.DataFrame:
    """The differences of :data:`contrat.ECARTS` (écart = proposés − droits) on every ``total`` line that has both
    counts, as rows of the same shape as ``sommes``."""
    t = sommes[sommes["dimension"] == "total"]
    cles = ["bailleur", PT, PC, "categorie", "reservataire"]
    morceaux = []
    for code, (a, b) in k.ECARTS.items():
        j = t[t["indicateur"] == a].merge(
            t[t["indicateur"] == b], on=[*cles, "dimension", "modalite"], suffixes=("", "_b")
        )
        morceaux.append(
            j.assign(
                indicateur=code,
                valeur=j["valeur"] - j["valeur_b"],
                bailleurs=np.minimum(j["bailleurs"], j["bailleurs_b"]),
            )[[*COLONNES, "bailleurs"]]
        )
    return pd.concat(morceaux, ignore_index=True)


# --- 6. ratios -----------------------------------------------------------------------------------------------------


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    r[~(den > 0)] = np.nan
    return r


def _numerateur_absent(lignes: _Lignes, r: k.Ratio, ids: np.ndarray) -> np.ndarray:
    """For each line ``ids``: does a landlord give the denominator (> 0) of the line but no numerator row?
    (A landlord without logements there gives neither: it does not count.) On a line of all landlords, any
    landlord of the same perimeter and holder line."""
    den_v, den_n = lignes.terme(r.denominateur, np.arange(lignes.nombre))
    sans = ~lignes.tous & (den_n >= 0) & (den_v > 0) & ~lignes.present(r.numerateur)
    if not sans.any():
        return np.zeros(len(ids), dtype=bool)
    groupes = np.zeros(lignes.nombre_groupes, dtype=bool)
    groupes[lignes.groupe[sans]] = True
    return sans[ids] | (lignes.tous[ids] & groupes[lignes.groupe[ids]])


class _Lignes:
    """The ``total`` rows of the sums (non-empty) as one row per line (landlord or all × perimeter × holder line), each
    indicator's value and number of landlords in arrays indexed by line: the ratios' numerators and denominators
    are array lookups instead of one merge per term."""

    def __init__(self, t: pd.DataFrame, cles_ligne: list[str], indicateurs: set[str]) -> None:
        t = t[t["indicateur"].isin(indicateurs).to_numpy()]
        self.t = t
        self.ligne = t.groupby(cles_ligne, sort=False, observed=True).ngroup().to_numpy()
        self.nombre = int(self.ligne.max()) + 1
        premieres = np.unique(self.ligne, return_index=True)[1]  # the first row of each line
        cles = t.iloc[premieres][cles_ligne].reset_index(drop=True)
        self.tous = (cles["bailleur"] == TOUS).to_numpy()
        self.groupe = cles.groupby(cles_ligne[1:], sort=False, observed=True).ngroup().to_numpy()
        self.nombre_groupes = int(self.groupe.max()) + 1
        perimetre = cles.groupby(["bailleur", PT, PC], sort=False, observed=True).ngroup().to_numpy()
        large = ((cles["categorie"] == "") & (cles["reservataire"] == "")).to_numpy()
        ligne_large = np.full(int(perimetre.max()) + 1, -1, dtype="int64")
        ligne_large[perimetre[large]] = np.flatnonzero(large)
        self.large = ligne_large[perimetre]
        self.est_large = large
        self.detenteur = (cles["categorie"] != "").to_numpy()
        indicateur = t["indicateur"].to_numpy()
        valeur = t["valeur"].to_numpy(dtype="float64")
        bailleurs = t["bailleurs"].to_numpy(dtype="int64")
        self._valeur: dict[str, np.ndarray] = {}
        self._bailleurs: dict[str, np.ndarray] = {}
        self._rangs: dict[str, np.ndarray] = {}
        for code in indicateurs:
            m = indicateur == code
            v = np.full(self.nombre, np.nan)
            n = np.full(self.nombre, -1, dtype="int64")  # -1: no row
            v[self.ligne[m]] = valeur[m]
            n[self.ligne[m]] = bailleurs[m]
            self._valeur[code], self._bailleurs[code], self._rangs[code] = v, n, np.flatnonzero(m)

    def rangs(self, code: str) -> np.ndarray:
        """Positions in ``t`` of the rows of ``code``, in their order."""
        return self._rangs[code]

    def present(self, code: str) -> np.ndarray:
        return self._bailleurs[code] >= 0

    def terme(self, code: str, ids: np.ndarray, niveau: str = "ligne") -> tuple[np.ndarray, np.ndarray]:
        """Value and number of landlords of ``code`` on lines ``ids`` (``perimetre``: on their perimeter-wide line);
        NaN and -1 where there is no row."""
        if niveau == "perimetre":
            ids = self.large[ids]
            sans = ids < 0
            ids = np.where(sans, 0, ids)
            v, n = self._valeur[code][ids].copy(), self._bailleurs[code][ids].copy()
            v[sans], n[sans] = np.nan, -1
            return v, n
        return self._valeur[code][ids], self._bailleurs[code][ids]


def recalculer_ratios(sommes: pd.DataFrame) -> pd.DataFrame:
    """Every ratio of :data:`contrat.RATIOS` on the ``total`` lines where its numerator is given, as rows with
    ``numerateur`` and ``denominateur`` beside ``valeur``; ``complet`` is False (and the value NaN) when a landlord
    leaves the numerator empty, or gives the denominator (> 0) of a line but not its numerator."""
    t = sommes[(sommes["dimension"] == "total").to_numpy()]
    cles_ligne = ["bailleur", PT, PC, "categorie", "reservataire"]
    if t.empty:
        return pd.DataFrame(columns=[*COLONNES, "numerateur", "denominateur", "bailleurs", "complet"])
    lignes = _Lignes(t, cles_ligne, {c for r in k.RATIOS for c in (r.numerateur, r.denominateur)})
    morceaux = []
    for r in k.RATIOS:
        rangs = lignes.rangs(r.numerateur)  # the numerator's rows, in the order of the sums
        ids = lignes.ligne[rangs]
        ids_ok = lignes.detenteur[ids] if r.detenteur else lignes.est_large[ids]
        rangs, ids = rangs[ids_ok], ids[ids_ok]
        if not len(ids):
            continue
        num, n_num = lignes.terme(r.numerateur, ids, r.niveau_numerateur)
        den, n_den = lignes.terme(r.denominateur, ids, r.niveau_denominateur)
        presents = n_den > 0
        if not presents.any():
            continue
        rangs, ids, num, n_num, den = rangs[presents], ids[presents], num[presents], n_num[presents], den[presents]
        cles = lignes.t.iloc[rangs][cles_ligne].reset_index(drop=True)
        complet = ~(np.isnan(num) & (den > 0))  # a landlord leaves the numerator empty: not consolidated
        if r.niveau_numerateur == r.niveau_denominateur:
            complet &= ~_numerateur_absent(lignes, r, ids)
        valeur = _ratio(num, den)
        valeur[~complet] = np.nan
        morceaux.append(
            cles.assign(
                dimension="total",
                modalite="",
                indicateur=r.code,
                valeur=valeur,
                numerateur=np.where(complet, num, np.nan),
                denominateur=den,
                bailleurs=np.maximum(n_num, 0),
                complet=complet,
            )
        )
    if not morceaux:
        return pd.DataFrame(columns=[*COLONNES, "numerateur", "denominateur", "bailleurs", "complet"])
    return pd.concat(morceaux, ignore_index=True)


# --- 7. the number of landlords, restriction, order ------------------------------------------------------------------


def lignes_nombre_bailleurs(p: pd.DataFrame) -> pd.DataFrame:
    """``nombre_bailleurs`` of every perimeter (perimeter-wide, all landlords)."""
    return pd.DataFrame(
        {
            "bailleur": TOUS,
            PT: p[PT],
            PC: p[PC],
            "categorie": "",
            "reservataire": "",
            "dimension": "total",
            "modalite": "",
            "indicateur": k.NOMBRE_BAILLEURS,
            "valeur": p["nombre_bailleurs"].astype("float64"),
            "bailleurs": p["nombre_bailleurs"],
        }
    )


_RANG_PT = {c: i for i, c in enumerate(ref.PERIMETRES.codes)}
_RANG_CAT = {"": -1, **{c: i for i, c in enumerate(k.CATEGORIES)}}
_RANG_DIM = {c: i for i, c in enumerate(k.DIMENSIONS)}
_RANG_IND = {
    c: i
    for i, c in enumerate(dict.fromkeys([*k.COMPTES_PERIMETRE, k.NOMBRE_BAILLEURS, *k.COMPTES_DETENTEUR, *k.PAR_CODE]))
}


@cache
def _rang_modalites() -> dict[str, int]:
    rangs: dict[str, int] = {}
    for cat in (ref.TYPOLOGIES, ref.FINANCEMENTS, ref.QPV, ref.PERIODES_CONSTRUCTION, ref.SOUSTRACTIONS, ref.ISSUES):
        rangs.update({c: i for i, c in enumerate(cat.codes)})
    return rangs


def trier(df: pd.DataFrame, cles: list[str]) -> pd.DataFrame:
    """Deterministic order: perimeter types, categories, dimensions, indicators and modalities in référentiel
    order; landlords with all landlords (empty name) first; anything else alphabetical."""
    rangs = {
        PT: _RANG_PT,
        "categorie": _RANG_CAT,
        "dimension": _RANG_DIM,
        "indicateur": _RANG_IND,
    }
    tri = []
    out = df.copy()
    for cle in cles:
        if cle in rangs:
            out[f"_r_{cle}"] = out[cle].map(rangs[cle]).fillna(len(rangs[cle])).astype("int64")
            tri.append(f"_r_{cle}")
        elif cle == "modalite":
            out["_r_modalite"] = out["modalite"].map(_rang_modalites()).fillna(0).astype("int64")
            tri += ["_r_modalite", "modalite"]
            continue
        tri.append(cle)
    out = out.sort_values(tri, kind="stable").drop(columns=[c for c in out.columns if c.startswith("_r_")])
    return out.reset_index(drop=True)


ORDRE_LIGNES = [PT, PC, "bailleur", "categorie", "reservataire", "indicateur", "dimension", "modalite"]


# --- the whole computation -------------------------------------------------------------------------------------------


def territoires_presents(p: pd.DataFrame, lec: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """The default territories of the consolidated workbooks: the région, every département, and every EPCI « LEC »
    / EPT (DOMAINE.md §2) that is consolidated (complete)."""
    lec = set(ref.epci_lec_par_defaut() if lec is None else lec)
    ok = p[p["complet"] & p["strate"]]
    garder = ok[PT].isin(["REGION", "DEPARTEMENT"]) | ((ok[PT] == "EPCI_EPT") & ok[PC].isin(lec))
    return list(zip(ok.loc[garder, PT], ok.loc[garder, PC], strict=True))


def perimetres_de_sortie(p: pd.DataFrame, territoires: list[tuple[str, str]] | None) -> pd.DataFrame:
    """``p`` restricted to what is written: complete perimeters (any perimeter that is not a strate) and, when
    territories are asked for, those territories and the perimeters inside them (all their communes in one)."""
    garder = p["complet"] | ~p["strate"]
    if territoires:
        dans = np.zeros(len(p), dtype=bool)
        for t in territoires:
            ct = _communes(*t)
            dans |= np.array(
                [
                    (x, y) == t or (bool(_communes(x, y)) and _communes(x, y) <= ct)
                    for x, y in zip(p[PT], p[PC], strict=True)
                ],
                dtype=bool,  # sans aucun envoi, la liste est vide : un tableau vide serait de flottants
            )
        garder &= dans
    return p[garder.to_numpy() if hasattr(garder, "to_numpy") else garder].reset_index(drop=True)


def calculer(envois: list[Envoi], territoires: list[tuple[str, str]] | None = None) -> dict[str, object]:
    """Steps 1–7: the consolidated rows (``lignes``: counts, ``ratios``), the perimeters, the identities and the
    problems, restricted to ``territoires`` (and the perimeters inside them) when given."""
    f = faits(envois)
    p = perimetres(f)
    problemes = problemes_perimetres(p)
    ident = identites(f)
    # Every figure is per perimeter: only the perimeters written are summed (a territory's few, not the région's).
    sortie = perimetres_de_sortie(p, territoires)
    cles = sortie[[PT, PC]]
    ecrits = pd.MultiIndex.from_frame(cles)
    strates = [s for s in zip(p.loc[p["strate"], PT], p.loc[p["strate"], PC], strict=True) if s in ecrits]
    lignes = pd.concat(
        [lignes_perimetre(f), lignes_categories(f), lignes_reservataires(f, ident, strates)], ignore_index=True
    )
    lignes = lignes[pd.MultiIndex.from_frame(lignes[[PT, PC]]).isin(ecrits)]
    sommes = additionner(lignes)
    sommes = pd.concat([sommes, recalculer_ecarts(sommes), lignes_nombre_bailleurs(p)], ignore_index=True)
    sommes = sommes.merge(cles, on=[PT, PC])
    ratios = recalculer_ratios(sommes)
    ratios = ratios.merge(cles, on=[PT, PC])
    incomplets = ratios[~ratios["complet"] & (ratios["bailleur"] == TOUS)]
    for code, groupe in incomplets.groupby("indicateur", sort=True):
        problemes.append(
            probleme(
                "indicateur_incomplet",
                f"« {code} » n'est pas consolidé sur {len(groupe)} lignes : un bailleur au moins ne le renseigne pas "
                "(colonne facultative de ses tours)",
                valeur=", ".join(
                    sorted({ref.libelle_perimetre(t, c) for t, c in zip(groupe[PT], groupe[PC], strict=True)})[:5]
                ),
            )
        )
    return {
        "perimetres": p.assign(sortie=p.set_index([PT, PC]).index.isin(cles.set_index([PT, PC]).index)),
        "identites": ident,
        "sommes": sommes,
        "ratios": ratios,
        "problemes": problemes,
    }
