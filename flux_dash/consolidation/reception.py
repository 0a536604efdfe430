"""Reading what landlords send (FORMAT.md §3.1): their ZIP archive, their ``indicateurs_{n}.csv`` or any of their
workbooks (through its ``Données`` sheet), recognised by content, in any mix.

:func:`lire_envois` returns a :class:`Reception`: one :class:`Envoi` per landlord and year — the landlord's
figures as tidy rows, whatever files they came from — and the problems found, in French, naming the file. It
never raises on bad input. A file with an error is not used at all; identical or concordant files of one
landlord are read together (information); two files of one landlord whose figures differ are an error naming
both. Reconciliation warnings are :mod:`flux_dash.consolidation.controles`' job.

Decisions where FORMAT.md is silent:

- an archive is read through its tidy CSV files (``indicateurs_{n}.csv``); its workbooks are extracts of the same
  figures and are read only when the archive has no CSV;
- in a workbook, the ``Données`` sheet's header row is found by its column names among the first
  :data:`LIGNES_EN_TETE_MAX` rows; the rows above it are read as « label | value » pairs (``Bailleur``,
  ``Année``, ``Version``), used when a column is empty;
- a text cell starting with ``'`` followed by ``=``, ``+``, ``-``, ``@``, a tab or a carriage return has its
  ``'`` removed (the CSV-injection guard of FORMAT.md §2.2); any other text is kept as written.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from flux_dash import garde
from flux_dash import referentiel as ref
from flux_dash.colonnes import TABLES
from flux_dash.consolidation import contrat as k
from flux_dash.consolidation.codes import probleme
from flux_dash.consolidation.controles import verifier_envoi
from flux_dash.consolidation.envoi import Envoi, FichierRecu, partager_textes
from flux_dash.problemes import AVERTISSEMENT, ERREUR, INFORMATION, Probleme, problemes_en_tableau

LIGNES_EN_TETE_MAX = 40
"""The header row of a ``Données`` sheet is looked for among this many first rows."""
EXEMPLES_MAX = 10
"""Bad lines quoted one by one in a problem; the rest are counted."""

_GARDE = re.compile("^'(?=[" + re.escape("".join(garde.DEBUTS_DANGEREUX)) + "])")
"""The CSV-injection guard of FORMAT.md §2.2 (:mod:`flux_dash.garde`), removed when reading."""
_CONSEIL_BILAN = (
    "Demandez au bailleur son bilan produit par flux_dash (l'archive ZIP, le fichier indicateurs_{n}.csv ou un de "
    "ses classeurs), ou produisez-le à partir de ce fichier avec « flux-dash bilan FICHIER --annee N --sortie "
    "DOSSIER --bailleur NOM »."
)
_CONSEIL_FORMATS = (
    "Déposez l'archive ZIP d'un bailleur, son fichier indicateurs_{n}.csv ou un de ses classeurs (.xlsx) produits "
    "par flux_dash."
)


@dataclass
class Reception:
    """What :func:`lire_envois` returns: the landlords' figures and every problem, in French."""

    envois: list[Envoi]
    problemes: list[Probleme] = field(default_factory=list)
    fichiers: list[FichierRecu] = field(default_factory=list)

    @property
    def erreurs(self) -> list[Probleme]:
        return [p for p in self.problemes if p.gravite == ERREUR]

    @property
    def avertissements(self) -> list[Probleme]:
        return [p for p in self.problemes if p.gravite == AVERTISSEMENT]

    @property
    def informations(self) -> list[Probleme]:
        return [p for p in self.problemes if p.gravite == INFORMATION]

    @property
    def ok(self) -> bool:
        return not self.erreurs

    def tableau(self) -> pd.DataFrame:
        return problemes_en_tableau(self.problemes)

    def de_l_annee(self, annee: int) -> list[Envoi]:
        return [e for e in self.envois if e.annee == annee]


# --- One file → its figures ---------------------------------------------------------------------------------


@dataclass
class _Lu:
    """The figures read from one received file (before landlords are grouped)."""

    fichier: FichierRecu
    bailleur: str
    annee: int
    lignes: pd.DataFrame
    version: str = ""


class _Refus(Exception):
    """A received file that cannot be used: carries its French problem."""

    def __init__(self, p: Probleme) -> None:
        super().__init__(p.regle)
        self.probleme = p


def _nom_et_octets(fichier: object) -> tuple[str, bytes]:
    if isinstance(fichier, tuple) and len(fichier) == 2:
        return str(fichier[0]), bytes(fichier[1])
    if hasattr(fichier, "getvalue") and hasattr(fichier, "name"):  # an uploaded file
        return str(fichier.name), bytes(fichier.getvalue())
    chemin = Path(os.fspath(fichier))  # type: ignore[arg-type]
    try:
        taille = chemin.stat().st_size
        if taille > k.LIMITES.octets_fichier:
            raise _Refus(_trop_gros(chemin.name, taille))
        return chemin.name, chemin.read_bytes()
    except FileNotFoundError:
        raise _Refus(probleme("envoi_introuvable", "fichier introuvable", source=chemin.name)) from None
    except IsADirectoryError:
        raise _Refus(probleme("envoi_introuvable", "c'est un dossier, pas un fichier", source=chemin.name)) from None
    except OSError as e:
        raise _Refus(
            probleme("envoi_introuvable", f"fichier impossible à ouvrir ({e.strerror or e})", source=chemin.name)
        ) from None


def _mo(octets: int) -> str:
    return f"{octets / 2**20:.0f} Mo".replace(".", ",")


def _trop_gros(nom: str, taille: int, limite: int | None = None) -> Probleme:
    limite = limite or k.LIMITES.octets_fichier
    return probleme(
        "envoi_trop_gros",
        f"fichier de {_mo(taille)}, au-delà de la limite de {_mo(limite)}",
        source=nom,
        conseil="Un bilan de bailleur tient en quelques Mo : vérifiez qu'il s'agit bien du bon fichier.",
    )


def _normalise(texte: object) -> str:
    return ref.normaliser_texte(str(texte))


_NOMS_ENTETE = {_normalise(c): c for c in k.ENTETE}
_COLONNES_BRUTES = [{_normalise(c) for c in t.obligatoires} for t in TABLES]


def _reconnaitre(entetes: Sequence[str], nom: str, lieu: str) -> dict[int, str]:
    """Column position → canonical name, or a refusal saying what the file is."""
    normes = [_normalise(e) for e in entetes]
    positions: dict[int, str] = {}
    for i, n in enumerate(normes):
        if n in _NOMS_ENTETE and _NOMS_ENTETE[n] not in positions.values():
            positions[i] = _NOMS_ENTETE[n]
    presentes = set(positions.values())
    if set(k.OBLIGATOIRES) <= presentes:
        return positions
    if set(k.ENTETE_V1) <= presentes:
        manque = [c for c in ("bailleur", "categorie") if c not in presentes]
        raise _Refus(
            probleme(
                "envoi_format_ancien",
                f"{lieu} est un fichier d'indicateurs de la version 1.0 du format, sans colonne "
                f"{' ni '.join('« ' + c + ' »' for c in manque)} : il ne dit pas de quel bailleur il vient et ses "
                "chiffres ne peuvent pas être additionnés à ceux des autres bailleurs",
                source=nom,
                conseil="Demandez au bailleur de produire de nouveau son bilan avec une version récente de flux_dash "
                "(« flux-dash bilan … --bailleur NOM »).",
            )
        )
    if any(len(colonnes & set(normes)) >= 3 for colonnes in _COLONNES_BRUTES):
        raise _Refus(
            probleme(
                "envoi_donnees_brutes",
                f"{lieu} contient les tours ou les logements d'un bailleur, pas un bilan : la consolidation lit les "
                "bilans produits par flux_dash, jamais les tours",
                source=nom,
                conseil=_CONSEIL_BILAN,
            )
        )
    raise _Refus(
        probleme(
            "envoi_non_flux_dash",
            f"{lieu} n'est pas un fichier d'indicateurs produit par flux_dash (colonnes attendues : "
            f"{', '.join(k.OBLIGATOIRES)})",
            source=nom,
            conseil=_CONSEIL_FORMATS,
        )
    )


def _sans_garde(valeurs: pd.Series) -> pd.Series:
    if not valeurs.str.startswith("'").any():  # nearly always: no text of the column was guarded
        return valeurs
    return valeurs.str.replace(_GARDE, "", regex=True)


def _texte_de_cellule(v: object) -> str:
    """A workbook cell as text: integers without ``.0`` (codes written as numbers), empty for blanks."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _nombres(valeurs: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """(float64 values, positions of the cells that are not numbers). Decimal comma, spaces and non-breaking
    spaces (thousands) accepted; empty = NaN."""
    texte = valeurs.astype(str).str.strip().str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".")
    nombres = pd.to_numeric(texte, errors="coerce").astype("float64")
    mauvais = np.flatnonzero(nombres.isna().to_numpy() & (texte != "").to_numpy())
    return nombres, mauvais


def _lignes_fr(lignes: Iterable[int]) -> str:
    lignes = list(lignes)
    texte = ", ".join(str(x) for x in lignes[:EXEMPLES_MAX])
    return texte + (f" et {len(lignes) - EXEMPLES_MAX} autres" if len(lignes) > EXEMPLES_MAX else "")


def _tableau_en_lu(
    fichier: FichierRecu, lieu: str, df: pd.DataFrame, numeros: np.ndarray, entete: dict[str, str]
) -> tuple[_Lu, list[Probleme]]:
    """Checks and converts the cells of a tidy table (text cells, ``valeur`` as text or numbers)."""
    nom = fichier.nom
    if len(df) > k.LIMITES.lignes_fichier:
        raise _Refus(
            probleme(
                "envoi_trop_gros",
                f"{lieu} a {len(df)} lignes, au-delà de la limite de {k.LIMITES.lignes_fichier}",
                source=nom,
            )
        )
    informations: list[Probleme] = []
    textes = {c: _sans_garde(df[c].map(_texte_de_cellule) if df[c].dtype == object else df[c].astype(str)) for c in df}
    for c in textes:
        textes[c] = textes[c].str.strip() if c != "valeur" else textes[c]
    vides = np.ones(len(df), dtype=bool)
    for c in k.OBLIGATOIRES:
        vides &= (textes[c] == "").to_numpy()
    garder = ~vides
    t = {c: s[garder].reset_index(drop=True) for c, s in textes.items()}
    numeros = numeros[garder]
    if not len(t["indicateur"]):
        raise _Refus(probleme("envoi_vide", f"{lieu} ne contient aucun chiffre", source=nom))

    noms = set(t["bailleur"].unique()) - {""}
    if entete.get("document", "").startswith("Consolidation"):  # the Données sheet of a consolidated workbook
        raise _Refus(
            probleme(
                "envoi_plusieurs_bailleurs",
                f"{lieu} est une consolidation de plusieurs bailleurs (« {entete['document']} »), pas le bilan d'un "
                "bailleur",
                source=nom,
                conseil="Déposez les fichiers reçus de chaque bailleur, pas un fichier consolidé.",
            )
        )
    if len(noms) > 1 or (noms and (t["bailleur"] == "").any()):
        exemples = ", ".join(sorted(noms)[:5])
        raise _Refus(
            probleme(
                "envoi_plusieurs_bailleurs",
                f"{lieu} mêle les chiffres de plusieurs bailleurs ({exemples}"
                + (", et des lignes sans bailleur" if (t["bailleur"] == "").any() else "")
                + ") : c'est un fichier déjà consolidé, pas le bilan d'un bailleur",
                source=nom,
                colonne="bailleur",
                conseil="Déposez les fichiers reçus de chaque bailleur, pas un fichier consolidé.",
            )
        )
    bailleur = next(iter(noms), "") or entete.get("bailleur", "")
    if not bailleur:
        raise _Refus(
            probleme(
                "envoi_sans_bailleur",
                f"{lieu} ne dit pas de quel bailleur il vient (colonne « bailleur » vide)",
                source=nom,
                colonne="bailleur",
                conseil="Demandez au bailleur de produire son bilan en donnant son nom (« flux-dash bilan … "
                "--bailleur NOM », ou le champ « Bailleur » de l'application).",
            )
        )

    annees = _unique(t["annee"], entete.get("annee", ""))
    if len(annees) > 1:
        raise _Refus(
            probleme(
                "envoi_plusieurs_annees",
                f"{lieu} mêle plusieurs années ({', '.join(sorted(annees))}) : un bilan porte sur une année",
                source=nom,
                colonne="annee",
            )
        )
    texte_annee = next(iter(annees), "")
    if not re.fullmatch(r"\d{4}", texte_annee):
        raise _Refus(
            probleme(
                "envoi_sans_annee",
                f"{lieu} n'a pas d'année lisible",
                source=nom,
                colonne="annee",
                valeur=texte_annee,
                conseil="L'année est écrite sur quatre chiffres dans la colonne « annee » (2024).",
            )
        )

    valeurs, mauvais = _nombres(t["valeur"])
    if len(mauvais):
        raise _Refus(
            probleme(
                "envoi_valeur_illisible",
                f"{lieu} : valeurs qui ne sont pas des nombres aux lignes {_lignes_fr(numeros[mauvais])}",
                source=nom,
                ligne=int(numeros[mauvais[0]]),
                colonne="valeur",
                valeur=str(t["valeur"].iat[mauvais[0]])[:80],
                conseil="La colonne « valeur » contient des nombres (virgule décimale) ou reste vide.",
            )
        )

    inconnus = []
    for colonne, admis in ((k.PT, k.STRATES + ("REGION",)), ("categorie", ("", *k.CATEGORIES))):
        hors = ~t[colonne].isin(admis)
        if hors.any():
            i = int(np.flatnonzero(hors.to_numpy())[0])
            inconnus.append((colonne, i, sorted(set(t[colonne][hors]))))
    sans_categorie = (t["reservataire"] != "") & (t["categorie"] == "")
    if sans_categorie.any():
        i = int(np.flatnonzero(sans_categorie.to_numpy())[0])
        inconnus.append(("categorie", i, [""]))
    if inconnus:
        colonne, i, valeurs_inconnues = inconnus[0]
        raise _Refus(
            probleme(
                "envoi_code_inconnu",
                f"{lieu} : « {colonne} » inconnu ou manquant ({', '.join(v or 'vide' for v in valeurs_inconnues[:5])})",
                source=nom,
                ligne=int(numeros[i]),
                colonne=colonne,
                valeur=valeurs_inconnues[0],
                conseil="Le fichier doit suivre le format 1.1 (FORMAT.md §2.2) : chaque réservataire porte sa "
                "catégorie, chaque périmètre son type (COMMUNE, EPCI_EPT, DEPARTEMENT, REGION).",
            )
        )

    connus = t["indicateur"].isin(k.INDICATEURS_CONNUS) & t["dimension"].isin(k.DIMENSIONS)
    if not connus.all():
        ignores = sorted(set(t["indicateur"][~t["indicateur"].isin(k.INDICATEURS_CONNUS)]))
        ignores += sorted(f"répartition {d}" for d in set(t["dimension"][~t["dimension"].isin(k.DIMENSIONS)]))
        informations.append(
            probleme(
                "envoi_indicateur_ignore",
                f"{lieu} : {int((~connus).sum())} lignes d'indicateurs que cette version ne consolide pas, ignorées",
                source=nom,
                valeur=", ".join(ignores[:8]),
            )
        )
    lignes = pd.DataFrame(
        {
            **{c: t.get(c, pd.Series("", index=t["indicateur"].index)).astype(object) for c in k.TEXTES},
            "valeur": valeurs,
        }
    )[connus.to_numpy()]
    lignes["_numero"] = numeros[connus.to_numpy()]
    lignes = _sans_doublons(lignes, nom, lieu)
    version = entete.get("version", "")
    return _Lu(fichier, bailleur, int(texte_annee), lignes, version), informations


def _unique(valeurs: pd.Series, defaut: str) -> set[str]:
    noms = set(valeurs.unique()) - {""}
    return noms or ({defaut} if defaut else set())


def _sans_doublons(lignes: pd.DataFrame, nom: str, lieu: str) -> pd.DataFrame:
    """One row per key: exact repetitions dropped, the same key with two values refused."""
    double = lignes.duplicated(k.CLES, keep=False)
    if double.any():
        d = lignes[double]
        ecarts = d.groupby(k.CLES, sort=False)["valeur"].agg(lambda s: s.round(9).nunique(dropna=False) > 1)
        if ecarts.any():
            cle = ecarts[ecarts].index[0]
            numeros = d.set_index(k.CLES).loc[[cle], "_numero"].tolist()
            raise _Refus(
                probleme(
                    "envoi_ligne_en_double",
                    f"{lieu} donne deux valeurs différentes pour le même chiffre (lignes {_lignes_fr(numeros)})",
                    source=nom,
                    ligne=int(numeros[0]),
                    valeur=" · ".join(str(x) for x in cle if x),
                )
            )
    lignes = lignes.drop_duplicates(k.CLES).drop(columns="_numero")
    return partager_textes(lignes.sort_values(k.CLES, kind="stable").reset_index(drop=True))


# --- CSV ------------------------------------------------------------------------------------------------------

_SEPARATEURS = (";", ",", "\t", "|")


def _decoder(nom: str, contenu: bytes) -> str:
    for encodage in ("utf-8-sig", "cp1252") if contenu.startswith(b"\xef\xbb\xbf") else ("utf-8", "cp1252"):
        try:
            return contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
    raise _Refus(probleme("envoi_illisible", "encodage des caractères non reconnu", source=nom))


def _lire_csv(fichier: FichierRecu, contenu: bytes, lieu: str) -> tuple[_Lu, list[Probleme]]:
    texte = _decoder(fichier.nom, contenu)
    if not texte.strip():
        raise _Refus(probleme("envoi_vide", f"{lieu} est vide", source=fichier.nom))
    lignes = texte.splitlines()
    i = next(n for n, ligne in enumerate(lignes) if ligne.strip())
    sep = max(_SEPARATEURS, key=lambda s: (lignes[i].count(s), -_SEPARATEURS.index(s)))
    entetes = [c.strip().strip('"') for c in lignes[i].split(sep)]
    positions = _reconnaitre(entetes, fichier.nom, lieu)
    try:
        df = pd.read_csv(
            io.StringIO(texte),
            sep=sep,
            skiprows=i,
            header=0,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            usecols=list(positions),
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as e:
        raise _Refus(
            probleme("envoi_illisible", f"{lieu} : lignes CSV mal formées ({str(e)[:120]})", source=fichier.nom)
        ) from None
    df.columns = [positions[p] for p in sorted(positions)]
    for c in k.ENTETE:
        if c not in df:
            df[c] = ""
    numeros = np.arange(len(df)) + i + 2  # the header is line i + 1
    return _tableau_en_lu(fichier, lieu, df[k.ENTETE], numeros, {})


# --- Workbooks (the « Données » sheet) -------------------------------------------------------------------------

_FEUILLE_DONNEES = "donnees"
_LIBELLES_ENTETE = {
    "bailleur": "bailleur",
    "nomdubailleur": "bailleur",
    "annee": "annee",
    "anneedubilan": "annee",
    "version": "version",
    "versiondefluxdash": "version",
    "versiondeloutil": "version",
    "versionfluxdash": "version",
    "document": "document",
}


def _lire_classeur(fichier: FichierRecu, contenu: bytes, lieu: str) -> tuple[_Lu, list[Probleme]]:
    from python_calamine import CalamineWorkbook

    try:
        classeur = CalamineWorkbook.from_filelike(io.BytesIO(contenu))
        noms = list(classeur.sheet_names)
    except Exception:  # noqa: BLE001 - any failure of the reader means "unreadable workbook"
        raise _Refus(
            probleme(
                "envoi_illisible",
                f"{lieu} : classeur illisible (endommagé ou pas au format .xlsx)",
                source=fichier.nom,
                conseil="Ouvrez-le dans Excel ou LibreOffice et enregistrez-le de nouveau au format .xlsx.",
            )
        ) from None
    donnees = [n for n in noms if _normalise(n) == _FEUILLE_DONNEES]
    if not donnees:
        _refuser_classeur(fichier.nom, lieu, noms)
    try:
        cellules = classeur.get_sheet_by_name(donnees[0]).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001
        raise _Refus(
            probleme("envoi_illisible", f"{lieu} : feuille « Données » illisible", source=fichier.nom)
        ) from None
    h, entete = _entete_donnees(cellules)
    if h is None:
        raise _Refus(
            probleme(
                "envoi_non_flux_dash",
                f"{lieu} : la feuille « Données » n'a pas l'en-tête des indicateurs (colonnes attendues : "
                f"{', '.join(k.OBLIGATOIRES)})",
                source=fichier.nom,
                conseil=_CONSEIL_FORMATS,
            )
        )
    textes = [_texte_de_cellule(v) for v in cellules[h]]
    positions = _reconnaitre(textes, fichier.nom, lieu)
    corps = pd.DataFrame(cellules[h + 1 :], dtype=object)
    df = pd.DataFrame({nom: corps.get(p, "") for p, nom in positions.items()})
    df = df.reindex(columns=k.ENTETE, fill_value="")
    numeros = np.arange(len(df)) + h + 2
    return _tableau_en_lu(fichier, f"{lieu} (feuille « {donnees[0]} »)", df, numeros, entete)


def _entete_donnees(cellules: list[list[object]]) -> tuple[int | None, dict[str, str]]:
    """(index of the header row, « label | value » pairs of the rows above it) of a « Données » sheet."""
    entete: dict[str, str] = {}
    for h, rangee in enumerate(cellules[:LIGNES_EN_TETE_MAX]):
        textes = [_texte_de_cellule(v) for v in rangee]
        if set(k.OBLIGATOIRES) <= {_NOMS_ENTETE.get(_normalise(t)) for t in textes}:
            return h, entete
        remplies = [t for t in textes if t]
        if len(remplies) >= 2 and (cle := _LIBELLES_ENTETE.get(_normalise(remplies[0]))):
            entete.setdefault(cle, _GARDE.sub("", remplies[1]))
    return None, entete


def _refuser_classeur(nom: str, lieu: str, feuilles: list[str]) -> None:
    normes = {_normalise(f) for f in feuilles}
    brutes = {_normalise(t.nom) for t in TABLES} | {_normalise(t.libelle) for t in TABLES}
    if len(normes & brutes) >= 2:
        raise _Refus(
            probleme(
                "envoi_donnees_brutes",
                f"{lieu} est le classeur des tours d'un bailleur (feuilles {', '.join(feuilles[:4])}), pas un bilan : "
                "la consolidation lit les bilans produits par flux_dash, jamais les tours",
                source=nom,
                conseil=_CONSEIL_BILAN,
            )
        )
    if "parametres" in normes:
        raise _Refus(
            probleme(
                "envoi_format_ancien",
                f"{lieu} est un classeur flux_dash sans feuille « Données » (produit par une version antérieure) : "
                "ses chiffres ne peuvent pas être relus",
                source=nom,
                conseil="Demandez au bailleur l'archive ZIP ou le fichier indicateurs_{n}.csv, ou un classeur "
                "produit par une version récente de flux_dash.",
            )
        )
    raise _Refus(
        probleme(
            "envoi_non_flux_dash",
            f"{lieu} n'est pas un classeur produit par flux_dash (pas de feuille « Données »)",
            source=nom,
            conseil=_CONSEIL_FORMATS,
        )
    )


# --- Archives ---------------------------------------------------------------------------------------------------


def _est_classeur(archive: zipfile.ZipFile) -> bool:
    noms = set(archive.namelist())
    return "[Content_Types].xml" in noms or "mimetype" in noms


def _lire_archive(fichier: FichierRecu, archive: zipfile.ZipFile) -> tuple[list[_Lu], list[Probleme]]:
    infos = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
    if len(infos) > k.LIMITES.membres_archive:
        raise _Refus(
            probleme(
                "envoi_trop_gros",
                f"archive de {len(infos)} fichiers, au-delà de la limite de {k.LIMITES.membres_archive}",
                source=fichier.nom,
            )
        )
    total = sum(i.file_size for i in infos)
    if total > k.LIMITES.octets_decompresses:
        raise _Refus(
            probleme(
                "envoi_trop_gros",
                f"archive qui se décompresse en {_mo(total)}, au-delà de la limite de "
                f"{_mo(k.LIMITES.octets_decompresses)}",
                source=fichier.nom,
            )
        )
    csvs = [i for i in infos if i.filename.lower().endswith((".csv", ".txt"))]
    classeurs = [i for i in infos if i.filename.lower().endswith(".xlsx")]
    lus: list[_Lu] = []
    problemes: list[Probleme] = []
    refus: list[Probleme] = []
    for groupe in (csvs, classeurs):
        for info in sorted(groupe, key=lambda i: i.filename):
            lieu = f"« {info.filename} » de l'archive"
            try:
                contenu = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
                refus.append(probleme("envoi_illisible", f"{lieu} est illisible", source=fichier.nom))
                continue
            try:
                lu, infos_lues = (_lire_csv if groupe is csvs else _lire_classeur)(fichier, contenu, lieu)
            except _Refus as r:
                refus.append(r.probleme)
                continue
            lus.append(lu)
            problemes += infos_lues
        if lus:
            if groupe is csvs and classeurs:
                problemes.append(
                    probleme(
                        "envoi_archive_partielle",
                        f"archive lue par son fichier d'indicateurs ({', '.join(i.filename for i in csvs[:3])}) ; "
                        f"ses {len(classeurs)} classeurs en sont des extraits et n'ont pas été relus",
                        source=fichier.nom,
                    )
                )
            return lus, problemes
    if refus:
        brut = next((p for p in refus if p.code == "envoi_donnees_brutes"), None)
        raise _Refus(brut or refus[0])
    raise _Refus(
        probleme(
            "envoi_non_flux_dash",
            f"archive sans fichier d'indicateurs ni classeur flux_dash ({', '.join(i.filename for i in infos[:5]) or 'vide'})",
            source=fichier.nom,
            conseil=_CONSEIL_FORMATS,
        )
    )


_SIGNATURES = {b"%PDF": "un document PDF", b"\xd0\xcf\x11\xe0": "un classeur Excel 97-2003 (.xls)"}


def _lire_fichier(nom: str, contenu: bytes) -> tuple[list[_Lu], list[Probleme]]:
    sha = hashlib.sha256(contenu).hexdigest()
    if len(contenu) > k.LIMITES.octets_fichier:
        raise _Refus(_trop_gros(nom, len(contenu)))
    if not contenu.strip():
        raise _Refus(probleme("envoi_vide", "le fichier est vide", source=nom))
    if contenu[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(contenu))
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _Refus(probleme("envoi_illisible", "archive ou classeur endommagé", source=nom)) from None
        with archive:
            if _est_classeur(archive):
                lu, infos = _lire_classeur(FichierRecu(nom, sha, "classeur"), contenu, "le classeur")
                return [lu], infos
            return _lire_archive(FichierRecu(nom, sha, "archive"), archive)
    for signature, description in _SIGNATURES.items():
        if contenu.startswith(signature):
            raise _Refus(
                probleme("envoi_non_flux_dash", f"ce fichier est {description}", source=nom, conseil=_CONSEIL_FORMATS)
            )
    if b"\x00" in contenu[:4096]:
        raise _Refus(probleme("envoi_non_flux_dash", "fichier binaire inconnu", source=nom, conseil=_CONSEIL_FORMATS))
    lu, infos = _lire_csv(FichierRecu(nom, sha, "csv"), contenu, "le fichier")
    return [lu], infos


# --- Several files → one Envoi per landlord and year ------------------------------------------------------------

ETAPES_RECEPTION = ("lecture", "controles")
"""The stages of :func:`lire_envois`, in order, as passed to its ``etape`` callback: ``lecture`` before each file
is read, ``controles`` before each landlord's figures are checked."""

Etape = Callable[[str, int, int], None]
"""``etape(stage, n, total)``: stage ``n`` of ``total`` (file n of the files given, landlord n of the landlords)."""
DejaLus = MutableMapping[tuple[str, str], "tuple[list[_Lu], list[Probleme], Probleme | None]"]
"""(file name, sha256) → what reading that file gave: its figures and informations, or the problem refusing it."""


def lire_envois(
    fichiers: Sequence[object],
    annee: int | None = None,
    etape: Etape | None = None,
    deja_lus: DejaLus | None = None,
) -> Reception:
    """Read the received files (paths, ``(name, bytes)`` pairs or uploaded files) into one :class:`Envoi` per
    landlord and year, with the problems of FORMAT.md §3.1. With ``annee``, a file of another year is an error.

    ``etape``, when given, is called with each stage of :data:`ETAPES_RECEPTION` and its count as it starts (a
    progress display; it changes nothing computed). ``deja_lus``, when given, is a cache the caller keeps, keyed by
    each file's name and sha256: a file found there is not read again, a file read is put there (a file's reading
    depends only on its name and bytes). Same result with or without either.

    Reconciliation warnings are added by :func:`flux_dash.consolidation.controles.verifier_reception`."""
    signaler = etape or (lambda _nom, _n, _total: None)
    problemes: list[Probleme] = []
    lus: list[_Lu] = []
    vus: dict[str, str] = {}
    recus: list[FichierRecu] = []
    for n, fichier in enumerate(fichiers, start=1):
        signaler("lecture", n, len(fichiers))
        try:
            nom, contenu = _nom_et_octets(fichier)
            sha = hashlib.sha256(contenu).hexdigest()
            if sha in vus:
                problemes.append(
                    probleme(
                        "envoi_doublon_fusionne",
                        f"fichier identique à « {vus[sha]} » (même sha256), lu une seule fois",
                        source=nom,
                    )
                )
                continue
            vus[sha] = nom
            nouveaux, infos = _lire_fichier_une_fois(nom, sha, contenu, deja_lus)
        except _Refus as r:
            problemes.append(r.probleme)
            continue
        recus.append(nouveaux[0].fichier)
        for lu in nouveaux:
            if annee is not None and lu.annee != annee:
                problemes.append(
                    probleme(
                        "envoi_autre_annee",
                        f"bilan {lu.annee} de {lu.bailleur}, alors que la consolidation porte sur {annee}",
                        source=lu.fichier.nom,
                        colonne="annee",
                        valeur=str(lu.annee),
                        conseil=f"Retirez ce fichier, ou consolidez l'année {lu.annee} à part (--annee {lu.annee}).",
                    )
                )
                continue
            lus.append(lu)
        problemes += infos
    envois = []
    groupes: dict[tuple[str, int], list[_Lu]] = {}
    for lu in lus:
        groupes.setdefault((k.cle_bailleur(lu.bailleur), lu.annee), []).append(lu)
    for n, ((_, an), groupe) in enumerate(sorted(groupes.items()), start=1):
        signaler("controles", n, len(groupes))
        envoi, infos = _regrouper(groupe, an)
        problemes += infos
        if envoi is not None:
            problemes += verifier_envoi(envoi)
            envois.append(envoi)
    return Reception(envois, problemes, recus)


def _lire_fichier_une_fois(
    nom: str, sha: str, contenu: bytes, deja_lus: DejaLus | None
) -> tuple[list[_Lu], list[Probleme]]:
    """:func:`_lire_fichier`, or what it gave for the same name and bytes when ``deja_lus`` holds it."""
    if deja_lus is None:
        return _lire_fichier(nom, contenu)
    if (nom, sha) not in deja_lus:
        try:
            deja_lus[nom, sha] = (*_lire_fichier(nom, contenu), None)
        except _Refus as r:
            deja_lus[nom, sha] = ([], [], r.probleme)
    nouveaux, infos, refus = deja_lus[nom, sha]
    if refus is not None:
        raise _Refus(refus)
    return list(nouveaux), list(infos)


def _regrouper(groupe: list[_Lu], annee: int) -> tuple[Envoi | None, list[Probleme]]:
    """The files of one landlord and year: one Envoi if their figures agree where they overlap, else an error."""
    ordre = list(dict.fromkeys(lu.bailleur for lu in groupe))  # most frequent spelling, then first given
    noms = sorted(ordre, key=lambda n: (-sum(lu.bailleur == n for lu in groupe), ordre.index(n)))
    bailleur = noms[0]
    fichiers = tuple(dict.fromkeys(lu.fichier for lu in groupe))
    version = next((lu.version for lu in groupe if lu.version), "")
    if len(groupe) == 1:
        lu = groupe[0]
        return Envoi(bailleur, annee, lu.lignes, fichiers, version), []
    tous = pd.concat([lu.lignes.assign(_source=i) for i, lu in enumerate(groupe)], ignore_index=True)
    communs = tous[tous.duplicated(k.CLES, keep=False)]
    if len(communs):
        valeurs = communs["valeur"].round(9).fillna(np.inf)
        ecarts = valeurs.groupby([communs[c] for c in k.CLES], sort=False).nunique() > 1
        if ecarts.any():
            cle = dict(zip(k.CLES, ecarts[ecarts].index[0], strict=True))
            sources = sorted({groupe[s].fichier.nom for s in communs["_source"]})
            exemple = " · ".join(str(v) for v in cle.values() if v)
            return None, [
                probleme(
                    "envoi_bailleur_en_double",
                    f"{len(sources)} fichiers de {' / '.join(noms)} pour {annee} donnent des chiffres différents "
                    f"({int(ecarts.sum())} chiffres diffèrent, par exemple {exemple})",
                    source=", ".join(sources),
                    valeur=bailleur,
                    conseil="Gardez un seul envoi de ce bailleur (le plus récent) et retirez les autres fichiers.",
                )
            ]
    lignes = tous.drop_duplicates(k.CLES).drop(columns="_source")
    lignes = lignes.sort_values(k.CLES, kind="stable").reset_index(drop=True)
    info = probleme(
        "envoi_doublon_fusionne",
        f"{len(fichiers)} fichiers de {bailleur} pour {annee} aux chiffres concordants, lus ensemble"
        + (f" (noms écrits : {', '.join(noms)})" if len(noms) > 1 else ""),
        source=", ".join(f.nom for f in fichiers),
        valeur=bailleur,
    )
    return Envoi(bailleur, annee, lignes, fichiers, version), [info]
