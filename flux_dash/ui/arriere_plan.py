"""A long task of one session run in a background thread of the server (the ZIP of every trame, issue 11): the
page stays usable, a fragment polls the progress (:func:`flux_dash.ui.telechargements.preparer_archive`).

The thread never calls Streamlit (Streamlit's APIs are only safe from the script's own thread): it writes its
progress, its result or its French error message into its :class:`Travail`, which the session keeps in
:mod:`flux_dash.ui.etat` — one per session, nothing shared between sessions, nothing module-global. Never a
process: forking a server that runs threads is unsafe. Cancelling sets a flag the task sees at its next step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

journal = logging.getLogger(__name__)


class Annule(Exception):
    """Raised in the task's thread by its progress callback once the task is cancelled."""


@dataclass(eq=False)
class Travail:
    """One background task: what it was started for (``cle``), its progress, then its result or error."""

    cle: Hashable
    """What the result is valid for (data, year, options): another key, another task."""
    texte: str = ""
    """The last progress message (French)."""
    fraction: float = 0.0
    resultat: bytes | None = None
    erreur: str | None = None
    """The French message shown when the task failed (the traceback goes to the server's log only)."""
    debut: float = field(default_factory=time.monotonic)
    fin: float | None = None
    _arret: threading.Event = field(default_factory=threading.Event, repr=False)
    _fil: threading.Thread | None = field(default=None, repr=False)

    def lancer(self, tache: Callable[[Callable[[float, str], None]], bytes], message_erreur: str) -> Travail:
        """Run ``tache(avancer)`` in a daemon thread; ``avancer(fraction, texte)`` records the progress and raises
        :class:`Annule` once :meth:`annuler` was called. An exception becomes ``message_erreur``."""

        def executer() -> None:
            try:
                resultat = tache(self._avancer)
            except Annule:
                pass
            except Exception:
                journal.exception("tâche en arrière-plan %r", self.cle)
                self.erreur = message_erreur
            else:
                if not self._arret.is_set():
                    self.resultat = resultat
                    self.fraction = 1.0
            finally:
                self.fin = time.monotonic()

        self._fil = threading.Thread(target=executer, name="flux_dash-arriere-plan", daemon=True)
        self._fil.start()
        return self

    def _avancer(self, fraction: float, texte: str) -> None:
        if self._arret.is_set():
            raise Annule
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        self.texte = str(texte)

    def annuler(self) -> None:
        """Ask the task to stop at its next step; its result, if any, is never kept."""
        self._arret.set()

    @property
    def annule(self) -> bool:
        return self._arret.is_set()

    @property
    def en_cours(self) -> bool:
        return self.fin is None

    @property
    def duree(self) -> float:
        """Seconds since the start (until the end once finished)."""
        return (self.fin if self.fin is not None else time.monotonic()) - self.debut

    def attendre(self, delai: float | None = None) -> bool:
        """Wait for the thread to end (tests, benchmarks); True when it has."""
        if self._fil is not None:
            self._fil.join(delai)
        return not self.en_cours
