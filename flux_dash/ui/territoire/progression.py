"""The progress box of the receiving side — the demo's click, a drop of files on the Réception page — as the
landlord's side has for a load (:mod:`flux_dash.ui.chargement`): one named stage at a time, the file or landlord
being processed (« 3 sur 11 »), then a closed box saying what was done.

The stages are those of :data:`flux_dash.consolidation.reception.ETAPES_RECEPTION`, then the store and the
consolidation; their French labels are declared here once."""

from __future__ import annotations

import streamlit as st

from flux_dash import formats

LIBELLES_ETAPES = {
    "lecture": "Lecture des envois",
    "controles": "Contrôles des chiffres de chaque bailleur",
    "base": "Rangement dans la base de campagne",
    "consolidation": "Consolidation du territoire",
}
"""What the box says at each stage, in order: the stages of
:data:`flux_dash.consolidation.reception.ETAPES_RECEPTION`, then ``base`` and ``consolidation``."""
FIN = "Envois lus, contrôlés et consolidés"
INTERROMPU = "Traitement interrompu"


class Progression:
    """A ``st.status`` box; called as ``etape(stage, n, total)`` (the ``etape`` of
    :func:`flux_dash.consolidation.lire_envois`), it names the stage in its title, with « n sur total » when
    counted, and lists each stage once in its body."""

    def __init__(self) -> None:
        self.boite = st.status(LIBELLES_ETAPES["lecture"] + "…", expanded=True)
        self._vues: list[str] = []

    def __call__(self, nom: str, n: int = 0, total: int = 0) -> None:
        libelle = LIBELLES_ETAPES[nom]
        compte = f" ({formats.nombre(n)} sur {formats.nombre(total)})" if total else ""
        self.boite.update(label=f"{libelle}{compte}…")
        if nom not in self._vues:
            self._vues.append(nom)
            self.boite.write(f"{libelle}…")

    def terminer(self, ok: bool = True) -> None:
        """Close the box: done, or interrupted (the page shows the French message)."""
        if ok:
            self.boite.update(label=FIN, state="complete", expanded=False)
        else:
            self.boite.update(label=INTERROMPU, state="error", expanded=False)
