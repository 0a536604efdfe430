"""The campaign store (FORMAT.md §3.4): what landlords sent, kept as aggregates (their tidy rows, never tours) in an
embedded DuckDB database, so that a receiver consolidates year after year and compares n with n−1.

Layout (one store per installation, decided here):

- one file holds every year and every landlord: a « campagne » is a year of it; the territory is chosen when
  consolidating (``--territoire``), not when storing, because a landlord's file covers its whole stock and a
  receiver may consolidate its EPT, then its département, from the same store;
- ``depots``: one row per (year, landlord) — the landlord's figures of that year, whatever files they came from;
  ``fichiers``: the files of each depot with their sha256; ``lignes``: the figures (FORMAT.md §2.2 rows);
  ``historique``: every addition, merge, replacement and removal with the sha256 before and after (nothing is lost
  silently); ``meta``: the schema version and the application's name;
- the schema is versioned (:data:`VERSION_SCHEMA`) and migrated on open, in one transaction; a store written by
  a newer flux_dash is refused with a French message, as is a DuckDB file that is not a flux_dash store.

Concurrency: DuckDB lets one process at a time open a file for writing. Every operation opens a short-lived
connection (open → work → close), retried for :attr:`Base.delai` seconds while another process holds the file,
then turned into a French message naming that process; writes inside one process are serialised by a lock. Each
write is one transaction: two processes adding files at once never leave a half-written store. ``":memory:"``
keeps one private connection for the object's life (the app's demo campaign, one per session).

Default file: ``FLUX_DASH_BASE`` if set, else ``campagnes.duckdb`` in the user's data folder
(``$XDG_DATA_HOME/flux_dash``, by default ``~/.local/share/flux_dash`` on Linux; ``~/Library/Application
Support/flux_dash`` on macOS; ``%APPDATA%\\flux_dash`` on Windows).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.codes import probleme
from flux_dash.consolidation.envoi import Envoi, FichierRecu, empreinte_lignes, partager_textes
from flux_dash.problemes import Probleme

VERSION_SCHEMA = 3
APPLICATION = "flux_dash"
NOM_FICHIER = "campagnes.duckdb"
VARIABLE = "FLUX_DASH_BASE"
MEMOIRE = ":memory:"
DELAI = 20.0
"""Seconds an operation waits for another process to release the store before giving up."""

_COLONNES_LIGNES = [c for c in k.TEXTES] + ["valeur"]
_VERROUS: dict[str, threading.Lock] = {}
_VERROU_DES_VERROUS = threading.Lock()


class ErreurBase(Exception):
    """A store that cannot be used (locked by another process, newer schema, not a flux_dash store…): the message
    is French and says what to do."""


class BailleurAbsent(ErreurBase):
    """:meth:`Base.retirer` of a landlord the store does not hold for that year."""


def chemin_par_defaut() -> Path:
    """``FLUX_DASH_BASE``, else the user's data folder (see the module's docstring)."""
    if os.environ.get(VARIABLE):
        return Path(os.environ[VARIABLE]).expanduser()
    if sys.platform == "win32":
        racine = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        racine = Path.home() / "Library" / "Application Support"
    else:
        racine = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return racine / "flux_dash" / NOM_FICHIER


# --- schema and migrations ------------------------------------------------------------------------------------------

SCHEMA_V1 = [
    "CREATE TABLE meta (cle VARCHAR PRIMARY KEY, valeur VARCHAR)",
    "CREATE TABLE depots (id INTEGER PRIMARY KEY, annee INTEGER NOT NULL, bailleur VARCHAR NOT NULL, "
    "cle_bailleur VARCHAR NOT NULL, version VARCHAR, ajoute_le TIMESTAMP NOT NULL)",
    "CREATE TABLE fichiers (depot_id INTEGER NOT NULL, nom VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, "
    "genre VARCHAR NOT NULL)",
    "CREATE TABLE lignes (depot_id INTEGER NOT NULL, perimetre_type VARCHAR, perimetre_code VARCHAR, "
    "perimetre_libelle VARCHAR, categorie VARCHAR, reservataire VARCHAR, dimension VARCHAR, modalite VARCHAR, "
    "indicateur VARCHAR, valeur DOUBLE)",
    "CREATE TABLE remplacements (annee INTEGER, bailleur VARCHAR, ancien_sha256 VARCHAR, nouveau_sha256 VARCHAR, "
    "remplace_le TIMESTAMP)",
]
"""The first layout (flux_dash 0.1): kept to create old stores in the tests of the migration."""


def _migrer_v1_v2(con) -> None:
    """v2: ``depots.empreinte`` (sha256 of the figures, to recognise identical figures without reading them) filled
    from the stored rows; ``historique`` (every addition, merge, replacement, removal) replaces ``remplacements``."""
    con.execute("ALTER TABLE depots ADD COLUMN empreinte VARCHAR")
    depots = con.execute("SELECT id FROM depots").fetchall()
    for (depot,) in depots:
        lignes = _lire_lignes(con, [depot])
        con.execute("UPDATE depots SET empreinte = ? WHERE id = ?", [empreinte_lignes(lignes), depot])
    con.execute(
        "CREATE TABLE historique (horodatage TIMESTAMP NOT NULL, action VARCHAR NOT NULL, annee INTEGER NOT NULL, "
        "bailleur VARCHAR NOT NULL, anciens_sha256 VARCHAR, nouveaux_sha256 VARCHAR, detail VARCHAR)"
    )
    con.execute(
        "INSERT INTO historique SELECT remplace_le, 'remplacement', annee, bailleur, ancien_sha256, nouveau_sha256, "
        "'migré du schéma 1' FROM remplacements"
    )
    con.execute("DROP TABLE remplacements")


def _migrer_v2_v3(con) -> None:
    """v3: what the receiver decides for a territory and a year, kept with the figures (issue 9): ``attendus``
    (the expected landlords) and ``objectifs`` (its CIA objectives, one per target × indicator)."""
    con.execute(
        "CREATE TABLE attendus (annee INTEGER NOT NULL, perimetre_type VARCHAR NOT NULL, perimetre_code VARCHAR "
        "NOT NULL, rang INTEGER NOT NULL, bailleur VARCHAR NOT NULL, siren VARCHAR)"
    )
    con.execute(
        "CREATE TABLE objectifs (annee INTEGER NOT NULL, perimetre_type VARCHAR NOT NULL, perimetre_code VARCHAR "
        "NOT NULL, rang INTEGER NOT NULL, cible VARCHAR NOT NULL, indicateur VARCHAR NOT NULL, objectif DOUBLE)"
    )


MIGRATIONS = {1: _migrer_v1_v2, 2: _migrer_v2_v3}
"""Version v → the function that brings a store from v to v + 1 (run in one transaction on open)."""


def _creer(con) -> None:
    for ordre in SCHEMA_V1:
        con.execute(ordre)
    con.execute("INSERT INTO meta VALUES ('application', ?), ('schema', '1')", [APPLICATION])


# --- connections -------------------------------------------------------------------------------------------------------


_VERROU_DUCKDB = re.compile(r"Conflicting lock is held in (?P<programme>.+?) \(PID (?P<pid>\d+)\)")


def _verrou(chemin: str) -> threading.Lock:
    with _VERROU_DES_VERROUS:
        return _VERROUS.setdefault(chemin, threading.Lock())


class Base:
    """The campaign store at ``chemin`` (default :func:`chemin_par_defaut`; ``":memory:"`` for a private in-memory
    store). Every method opens and closes its own connection; nothing stays open between calls (except in memory)."""

    def __init__(self, chemin: str | os.PathLike | None = None, *, delai: float = DELAI) -> None:
        self.memoire = str(chemin) == MEMOIRE
        self.chemin = MEMOIRE if self.memoire else str(Path(chemin) if chemin else chemin_par_defaut())
        self.delai = delai
        self.attentes = 0
        """How many times an operation of this object waited for another process (diagnostics, tests)."""
        self._con = None
        self._schema_a_jour = False
        """In memory, the schema is checked once: no other program can reach the store (a file is checked at every
        connection, another program may have written it)."""
        self._verrou = threading.RLock() if self.memoire else _verrou(os.path.abspath(self.chemin))
        with self._connexion(ecriture=True):
            pass  # creates or migrates the store now: errors surface at once

    @classmethod
    def en_memoire(cls) -> Base:
        return cls(MEMOIRE)

    def __repr__(self) -> str:
        return f"Base({self.chemin!r})"

    def fermer(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        self._schema_a_jour = False  # in memory, a next use starts a new, empty store

    # .. connections

    def _ouvrir(self):
        import duckdb

        if self.memoire:
            if self._con is None:
                self._con = duckdb.connect(MEMOIRE)
            return self._con
        Path(self.chemin).parent.mkdir(parents=True, exist_ok=True)
        fin = time.monotonic() + self.delai
        attente = 0.02
        while True:
            try:
                return duckdb.connect(self.chemin)
            except duckdb.IOException as e:
                texte = str(e)
                if "lock" not in texte.lower():
                    raise ErreurBase(self._illisible(texte)) from None
                if time.monotonic() >= fin:
                    raise ErreurBase(self._occupee(texte)) from None
                self.attentes += 1
                time.sleep(attente)
                attente = min(attente * 1.5, 0.5)
            except duckdb.Error as e:
                raise ErreurBase(self._illisible(str(e))) from None

    def _occupee(self, texte: str) -> str:
        m = _VERROU_DUCKDB.search(texte)
        qui = f"le programme {Path(m['programme']).name} (PID {m['pid']})" if m else "un autre programme"
        return (
            f"La base de campagne {self.chemin} est utilisée par {qui} depuis plus de "
            f"{self.delai:.0f} s. Fermez ce programme (une autre commande flux-dash, l'application ou un carnet "
            "Jupyter qui la garde ouverte) puis recommencez."
        )

    def _illisible(self, texte: str) -> str:
        if "version" in texte.lower() or "serializ" in texte.lower():
            raison = "écrite par une version plus récente de DuckDB"
        else:
            raison = "ce n'est pas une base DuckDB, ou le fichier est endommagé"
        return f"La base de campagne {self.chemin} est illisible ({raison}). Choisissez un autre fichier avec --base."

    @contextlib.contextmanager
    def _connexion(self, ecriture: bool = False) -> Iterator[object]:
        """A connection on an up-to-date schema; with ``ecriture``, inside the process's write lock and one
        transaction (rolled back on any error)."""
        with self._verrou:
            con = self._ouvrir()
            try:
                if not self._schema_a_jour:
                    self._verifier_schema(con)
                    self._schema_a_jour = self.memoire
                if ecriture:
                    con.execute("BEGIN TRANSACTION")
                    try:
                        yield con
                        con.execute("COMMIT")
                    except BaseException:
                        con.execute("ROLLBACK")
                        raise
                else:
                    yield con
            finally:
                if not self.memoire:
                    con.close()

    def _verifier_schema(self, con) -> None:
        tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if not tables:
            con.execute("BEGIN TRANSACTION")
            _creer(con)
            con.execute("COMMIT")
            tables = {"meta"}
        if "meta" not in tables:
            raise ErreurBase(
                f"{self.chemin} est une base DuckDB qui n'a pas été créée par flux_dash : choisissez un autre "
                "fichier avec --base (ou FLUX_DASH_BASE)."
            )
        meta = dict(con.execute("SELECT cle, valeur FROM meta").fetchall())
        if meta.get("application") != APPLICATION:
            raise ErreurBase(f"{self.chemin} n'est pas une base de campagne flux_dash : choisissez un autre fichier.")
        version = int(meta.get("schema", "0"))
        if version > VERSION_SCHEMA:
            raise ErreurBase(
                f"La base de campagne {self.chemin} a été écrite par une version plus récente de flux_dash (schéma "
                f"{version} ; cette version lit jusqu'au schéma {VERSION_SCHEMA}). Mettez flux_dash à jour, ou "
                "choisissez une autre base avec --base."
            )
        if version < VERSION_SCHEMA:
            con.execute("BEGIN TRANSACTION")
            try:
                for v in range(version, VERSION_SCHEMA):
                    MIGRATIONS[v](con)
                con.execute("UPDATE meta SET valeur = ? WHERE cle = 'schema'", [str(VERSION_SCHEMA)])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    # .. reading

    def version_schema(self) -> int:
        with self._connexion() as con:
            return int(con.execute("SELECT valeur FROM meta WHERE cle = 'schema'").fetchone()[0])

    def depots(self, annee: int | None = None) -> pd.DataFrame:
        """One row per (year, landlord): annee, bailleur, fichiers, sha256 (``;``-joined), lignes, ajoute_le,
        version, empreinte. Sorted by year, then landlord."""
        with self._connexion() as con:
            df = con.execute(
                "SELECT d.annee, d.bailleur, "
                "string_agg(f.nom, ' ; ' ORDER BY f.nom) AS fichiers, "
                "string_agg(f.sha256, ' ; ' ORDER BY f.nom) AS sha256, "
                "(SELECT count(*) FROM lignes l WHERE l.depot_id = d.id) AS lignes, "
                "d.ajoute_le, d.version, d.empreinte "
                "FROM depots d LEFT JOIN fichiers f ON f.depot_id = d.id "
                "WHERE ? IS NULL OR d.annee = ? "
                "GROUP BY d.id, d.annee, d.bailleur, d.cle_bailleur, d.ajoute_le, d.version, d.empreinte "
                "ORDER BY d.annee, d.cle_bailleur",
                [annee, annee],
            ).df()
        df["lignes"] = df["lignes"].astype("int64")
        return df

    def annees(self) -> list[int]:
        with self._connexion() as con:
            return [a for (a,) in con.execute("SELECT DISTINCT annee FROM depots ORDER BY annee").fetchall()]

    def historique(self, annee: int | None = None) -> pd.DataFrame:
        """Every addition, merge, replacement and removal: horodatage, action, annee, bailleur, anciens_sha256,
        nouveaux_sha256, detail — in the order they happened."""
        with self._connexion() as con:
            return con.execute(
                "SELECT * FROM historique WHERE ? IS NULL OR annee = ? ORDER BY horodatage, rowid", [annee, annee]
            ).df()

    def envois(self, annee: int) -> list[Envoi]:
        """The landlords' figures of year ``annee``, as :class:`Envoi` (what :func:`consolider` takes)."""
        with self._connexion() as con:
            depots = con.execute(
                "SELECT id, bailleur, version FROM depots WHERE annee = ? ORDER BY cle_bailleur", [annee]
            ).fetchall()
            fichiers = con.execute(
                "SELECT depot_id, nom, sha256, genre FROM fichiers WHERE depot_id IN "
                "(SELECT id FROM depots WHERE annee = ?) ORDER BY depot_id, nom",
                [annee],
            ).fetchall()
            # One depot at a time: the rows of every landlord of a région read at once, each cell its own str
            # before partager_textes, weighed more than everything kept afterwards.
            par_depot = {d: _lire_lignes(con, [d]) for d, _, _ in depots}
        out = []
        for depot, bailleur, version in depots:
            t = par_depot[depot].drop(columns="_depot")
            t = t.sort_values(k.CLES, kind="stable").reset_index(drop=True)
            fs = tuple(FichierRecu(n, s, g) for d, n, s, g in fichiers if d == depot)
            out.append(Envoi(bailleur, annee, t, fs, version or ""))
        return out

    def attendus(self, annee: int, territoire: tuple[str, str]) -> pd.DataFrame:
        """The expected landlords of ``territoire`` for ``annee`` (bailleur, siren), in the order given; empty when
        none was given."""
        with self._connexion() as con:
            return con.execute(
                "SELECT bailleur, coalesce(siren, '') AS siren FROM attendus WHERE annee = ? AND perimetre_type = ? "
                "AND perimetre_code = ? ORDER BY rang",
                [annee, *territoire],
            ).df()

    def objectifs(self, annee: int, territoire: tuple[str, str]) -> pd.DataFrame | None:
        """The CIA objectives of ``territoire`` for ``annee`` (cible, indicateur, objectif as a fraction), in the
        order given; None when none was ever saved (the caller shows the defaults)."""
        with self._connexion() as con:
            df = con.execute(
                "SELECT cible, indicateur, objectif FROM objectifs WHERE annee = ? AND perimetre_type = ? "
                "AND perimetre_code = ? ORDER BY rang",
                [annee, *territoire],
            ).df()
        return df if len(df) else None

    # .. writing

    def definir_attendus(self, annee: int, territoire: tuple[str, str], attendus: pd.DataFrame) -> None:
        """Replace the expected landlords of ``territoire`` for ``annee`` (a frame with ``bailleur``, optionally
        ``siren``; an empty frame clears the list)."""
        sirens = attendus["siren"] if "siren" in attendus else pd.Series("", index=attendus.index)
        lignes = [
            [annee, *territoire, i, str(b), str(s or "")]
            for i, (b, s) in enumerate(zip(attendus["bailleur"], sirens, strict=True))
        ]
        with self._connexion(ecriture=True) as con:
            con.execute(
                "DELETE FROM attendus WHERE annee = ? AND perimetre_type = ? AND perimetre_code = ?",
                [annee, *territoire],
            )
            if lignes:
                con.executemany("INSERT INTO attendus VALUES (?, ?, ?, ?, ?, ?)", lignes)

    def definir_objectifs(self, annee: int, territoire: tuple[str, str], objectifs: pd.DataFrame) -> None:
        """Replace the CIA objectives of ``territoire`` for ``annee`` (cible, indicateur, objectif)."""
        lignes = [
            [annee, *territoire, i, str(c), str(ind), None if pd.isna(o) else float(o)]
            for i, (c, ind, o) in enumerate(
                zip(objectifs["cible"], objectifs["indicateur"], objectifs["objectif"], strict=True)
            )
        ]
        with self._connexion(ecriture=True) as con:
            con.execute(
                "DELETE FROM objectifs WHERE annee = ? AND perimetre_type = ? AND perimetre_code = ?",
                [annee, *territoire],
            )
            if lignes:
                con.executemany("INSERT INTO objectifs VALUES (?, ?, ?, ?, ?, ?, ?)", lignes)

    def ajouter(self, envois: Sequence[Envoi], remplacer: bool = False) -> list[Probleme]:
        """Add the landlords' figures. A landlord already stored for that year with the same or concordant figures
        is merged (information); with different figures, nothing is written unless ``remplacer`` (an error listing
        the landlord, the files and their sha256): then the old figures are replaced and the replacement recorded
        with both sha256. All or nothing: on an error, no envoi is written."""
        problemes: list[Probleme] = []
        maintenant = dt.datetime.now()
        with self._connexion(ecriture=True) as con:
            plan = []
            for e in envois:
                ancien = con.execute(
                    "SELECT id, bailleur, empreinte, ajoute_le FROM depots WHERE annee = ? AND cle_bailleur = ?",
                    [e.annee, e.cle],
                ).fetchone()
                if ancien is None:
                    plan.append(("ajout", e, None, e.lignes))
                    continue
                depot, nom, empreinte, ajoute_le = ancien
                anciens = [
                    s for (s,) in con.execute("SELECT sha256 FROM fichiers WHERE depot_id = ?", [depot]).fetchall()
                ]
                source = ", ".join(f.nom for f in e.fichiers)
                if empreinte == e.empreinte():
                    nouveaux = [f for f in e.fichiers if f.sha256 not in anciens]
                    problemes.append(
                        probleme(
                            "base_deja_presente",
                            f"les chiffres {e.annee} de {nom} sont déjà dans la base"
                            + (
                                f" ({len(nouveaux)} fichier(s) ajouté(s) à la liste de ses fichiers)"
                                if nouveaux
                                else ""
                            ),
                            source=source,
                            valeur=nom,
                        )
                    )
                    if nouveaux:
                        plan.append(("fichier_identique", e, depot, None))
                    continue
                stockees = _lire_lignes(con, [depot]).drop(columns="_depot")
                union = _concordantes(stockees, e.lignes)
                if union is not None:
                    problemes.append(
                        probleme(
                            "envoi_doublon_fusionne",
                            f"chiffres {e.annee} de {nom} concordants avec ceux de la base : réunis",
                            source=source,
                            valeur=nom,
                        )
                    )
                    plan.append(("fusion", e, depot, union))
                elif remplacer:
                    problemes.append(
                        probleme(
                            "base_remplace",
                            f"chiffres {e.annee} de {nom} remplacés (ajoutés le {ajoute_le:%d/%m/%Y à %H:%M}, sha256 "
                            f"{', '.join(s[:12] for s in anciens)} → {', '.join(s[:12] for s in e.sha256)})",
                            source=source,
                            valeur=nom,
                        )
                    )
                    plan.append(("remplacement", e, depot, e.lignes))
                else:
                    problemes.append(
                        probleme(
                            "base_remplacement_requis",
                            f"la base contient déjà d'autres chiffres {e.annee} de {nom} (ajoutés le "
                            f"{ajoute_le:%d/%m/%Y à %H:%M}, sha256 {', '.join(s[:12] for s in anciens)})",
                            source=source,
                            valeur=nom,
                            conseil="Pour remplacer les anciens chiffres par ceux-ci, relancez avec --remplacer "
                            "(le remplacement est noté dans l'historique avec les deux sha256).",
                        )
                    )
            if any(p.code == "base_remplacement_requis" for p in problemes):
                return problemes
            for action, e, depot, lignes in plan:
                self._ecrire(con, action, e, depot, lignes, maintenant)
        return problemes

    def _ecrire(self, con, action: str, e: Envoi, depot: int | None, lignes: pd.DataFrame | None, quand) -> None:
        anciens = ""
        empreinte = e.empreinte() if depot is None or lignes is e.lignes else None  # one sort and hash of the rows
        if depot is None:
            depot = con.execute("SELECT coalesce(max(id), 0) + 1 FROM depots").fetchone()[0]
            con.execute(
                "INSERT INTO depots (id, annee, bailleur, cle_bailleur, version, ajoute_le, empreinte) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [depot, e.annee, e.bailleur, e.cle, e.version, quand, empreinte],
            )
        else:
            anciens = " ; ".join(
                s
                for (s,) in con.execute(
                    "SELECT sha256 FROM fichiers WHERE depot_id = ? ORDER BY nom", [depot]
                ).fetchall()
            )
        if action == "remplacement":
            con.execute("DELETE FROM fichiers WHERE depot_id = ?", [depot])
        if lignes is not None:
            con.execute("DELETE FROM lignes WHERE depot_id = ?", [depot])
            table = lignes[_COLONNES_LIGNES].astype({c: object for c in k.TEXTES})
            con.register("_nouvelles", table)
            try:
                con.execute("INSERT INTO lignes SELECT ?, " + ", ".join(_COLONNES_LIGNES) + " FROM _nouvelles", [depot])
            finally:
                con.unregister("_nouvelles")
            con.execute(
                "UPDATE depots SET empreinte = ?, version = coalesce(nullif(?, ''), version), ajoute_le = ?, "
                "bailleur = ? WHERE id = ?",
                [empreinte if lignes is e.lignes else empreinte_lignes(lignes), e.version, quand, e.bailleur, depot],
            )
        presents = {s for (s,) in con.execute("SELECT sha256 FROM fichiers WHERE depot_id = ?", [depot]).fetchall()}
        for f in e.fichiers:
            if f.sha256 not in presents:
                con.execute("INSERT INTO fichiers VALUES (?, ?, ?, ?)", [depot, f.nom, f.sha256, f.genre])
        con.execute(
            "INSERT INTO historique VALUES (?, ?, ?, ?, ?, ?, ?)",
            [quand, action, e.annee, e.bailleur, anciens, " ; ".join(e.sha256), ", ".join(f.nom for f in e.fichiers)],
        )

    def retirer(self, bailleur: str, annee: int) -> Probleme:
        """Remove a landlord's figures of one year (recorded in the history with their sha256). Raises
        :class:`ErreurBase` when the store holds no such landlord for that year (the message lists those it holds)."""
        with self._connexion(ecriture=True) as con:
            ligne = con.execute(
                "SELECT id, bailleur FROM depots WHERE annee = ? AND cle_bailleur = ?",
                [annee, k.cle_bailleur(bailleur)],
            ).fetchone()
            if ligne is None:
                noms = [
                    n
                    for (n,) in con.execute(
                        "SELECT bailleur FROM depots WHERE annee = ? ORDER BY 1", [annee]
                    ).fetchall()
                ]
                presents = (
                    f"bailleurs de {annee} dans la base : {', '.join(noms)}"
                    if noms
                    else f"aucun bailleur de {annee} dans la base"
                )
                raise BailleurAbsent(
                    f"Aucun chiffre {annee} de « {bailleur} » dans la base {self.chemin} ({presents})."
                )
            depot, nom = ligne
            sha = " ; ".join(
                s
                for (s,) in con.execute(
                    "SELECT sha256 FROM fichiers WHERE depot_id = ? ORDER BY nom", [depot]
                ).fetchall()
            )
            for table in ("lignes", "fichiers"):
                con.execute(f"DELETE FROM {table} WHERE depot_id = ?", [depot])  # noqa: S608 - fixed table names
            con.execute("DELETE FROM depots WHERE id = ?", [depot])
            con.execute(
                "INSERT INTO historique VALUES (?, 'retrait', ?, ?, ?, '', '')", [dt.datetime.now(), annee, nom, sha]
            )
        return probleme(
            "base_retire", f"chiffres {annee} de {nom} retirés de la base (sha256 {sha or 'aucun'})", valeur=nom
        )

    def taille(self) -> int:
        """Bytes on disk (0 in memory)."""
        if self.memoire:
            return 0
        chemins = [Path(self.chemin), Path(self.chemin + ".wal")]
        return sum(c.stat().st_size for c in chemins if c.exists())


def _lire_lignes(con, depots: list[int]) -> pd.DataFrame:
    if not depots:
        return pd.DataFrame(
            {**{c: pd.Series(dtype=object) for c in _COLONNES_LIGNES}, "_depot": pd.Series(dtype="int64")}
        )
    df = con.execute(
        "SELECT " + ", ".join(_COLONNES_LIGNES) + ", depot_id AS _depot FROM lignes WHERE list_contains(?, depot_id)",
        [list(depots)],
    ).df()
    for c in k.TEXTES:
        df[c] = df[c].fillna("").astype(object)
    df["valeur"] = df["valeur"].astype("float64")
    return partager_textes(df)


def _concordantes(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame | None:
    """The union of two sets of rows of one landlord if they agree on every common figure, else None."""
    j = a.merge(b, on=k.CLES, suffixes=("", "_b"))
    va, vb = j["valeur"].to_numpy(dtype="float64"), j["valeur_b"].to_numpy(dtype="float64")
    egales = (np.isnan(va) & np.isnan(vb)) | (np.abs(va - vb) <= 1e-9)
    if not egales.all():
        return None
    union = pd.concat([a[_COLONNES_LIGNES], b[_COLONNES_LIGNES]], ignore_index=True).drop_duplicates(k.CLES)
    return union.sort_values(k.CLES, kind="stable").reset_index(drop=True)
