""":func:`flux_dash.rapports.memoire.par_bilan`: once per Bilan and arguments, never across Bilans, gone with the
Bilan; and the lookups it serves give what a direct computation gives."""

from __future__ import annotations

import gc

from flux_dash.rapports import commun, donnees, reservataire
from flux_dash.rapports.memoire import par_bilan


class _Bilan:  # any weak-referenceable object stands for a Bilan here
    def __init__(self, n: int) -> None:
        self.n = n


def test_une_fois_par_bilan_et_arguments_puis_oublie_avec_le_bilan():
    appels: list[tuple[int, int]] = []

    @par_bilan
    def double(bilan, k):
        appels.append((bilan.n, k))
        return 2 * bilan.n + k

    a, b = _Bilan(1), _Bilan(10)
    assert [double(a, 0), double(a, 0), double(a, 1), double(b, 0), double(b, 0)] == [2, 2, 3, 20, 20]
    assert appels == [(1, 0), (1, 1), (10, 0)]
    assert len(double.memoires) == 2
    del a
    gc.collect()
    assert len(double.memoires) == 1  # the dead Bilan's results went with it
    c = _Bilan(5)  # may reuse the dead one's id: computed anew
    assert double(c, 0) == 10


def test_recherches_egales_au_calcul_direct(petit_bilan):
    b = petit_bilan
    for nom in b.reservataires["reservataire"]:
        lignes = b.reservataires.loc[b.reservataires["reservataire"] == nom, "categorie"]
        assert reservataire.categorie_de(b, nom) == str(lignes.iloc[0])
        conv = b.conventions[b.conventions["reservataire"] == nom]
        attendu = list(dict.fromkeys(zip(conv["perimetre_type"], conv["perimetre_code"], strict=True)))
        assert reservataire.perimetres_de(b, nom) == attendu
    assert reservataire.categorie_de(b, "Personne") == ""
    assert reservataire.perimetres_de(b, "Personne") == []
    a = b.appartenance
    for (ptype, pcode), _ in a.groupby(["perimetre_type", "perimetre_code"]):
        codes = a.loc[(a["perimetre_type"] == ptype) & (a["perimetre_code"] == pcode), "code_commune"]
        assert commun.communes_de(b, ptype, pcode) == [("COMMUNE", c) for c in sorted(set(codes))]
        assert donnees.communes_par_perimetre(b)[(ptype, pcode)] == frozenset(codes)
    assert commun.communes_de(b, "EPCI_EPT", "000000000") == []
