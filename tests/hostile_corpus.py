"""The hostile corpus (issue 12, point 6): every case is built in memory by a function of this module (nothing
large is committed), documented in one line, and comes with what the product must answer — the code and the
exact French rule of one problem, or « lu sans erreur » (None), in :data:`ATTENDUS`.

tests/test_hostile_corpus.py runs each case through the library, the command line and the app's upload.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from tests import hostile_fabrique as fabrique
from tests import petit_jeu

Fichiers = list[tuple[str, bytes]]
Lignes = dict[str, list[list[object]]]


@dataclass(frozen=True)
class Cas:
    id: str
    doc: str
    """One line: what the input is."""
    fichiers: Callable[[], Fichiers]


def _csv(tables: Lignes, **par_table: bytes) -> Fichiers:
    return [(f"{n}.csv", par_table.get(n) or fabrique.csv_de(lignes)) for n, lignes in tables.items()]


def _modifie(fonction: Callable[[Lignes], object]) -> Callable[[], Fichiers]:
    """The small data set (tests/petit_jeu.py) as CSV files, changed by ``fonction``."""

    def fichiers() -> Fichiers:
        tables = fabrique.lignes_petit_jeu()
        fonction(tables)
        return _csv(tables)

    return fichiers


def _classeur(fonction: Callable[[Lignes], object] = lambda t: None, **options) -> Callable[[], Fichiers]:
    """The small data set as one workbook, changed by ``fonction``; ``options`` go to :func:`classeur_de`."""

    def fichiers() -> Fichiers:
        tables = fabrique.lignes_petit_jeu()
        fonction(tables)
        return [("flux.xlsx", fabrique.classeur_de(tables, **options))]

    return fichiers


def _remplace(table: str, ligne: int, colonne: str, valeur: object) -> Callable[[Lignes], None]:
    def fonction(tables: Lignes) -> None:
        entete = tables[table][0]
        if colonne not in entete:
            for i, rangee in enumerate(tables[table]):
                rangee.append(colonne if i == 0 else "")
        tables[table][ligne][tables[table][0].index(colonne)] = valeur

    return fonction


def _partout(valeur_de: Callable[[str], object]) -> Callable[[Lignes], None]:
    """Every text field of every table replaced (a formula-like text in every field)."""

    def fonction(tables: Lignes) -> None:
        for lignes in tables.values():
            for rangee in lignes[1:]:
                for i, v in enumerate(rangee):
                    rangee[i] = valeur_de(str(v))

    return fonction


def _retire_colonne(table: str, colonne: str) -> Callable[[Lignes], None]:
    def fonction(tables: Lignes) -> None:
        i = tables[table][0].index(colonne)
        for rangee in tables[table]:
            del rangee[i]

    return fonction


def _ajoute_ligne(table: str, rangee: list[object]) -> Callable[[Lignes], None]:
    return lambda tables: tables[table].append(rangee)


def _renomme_reservataire(nom: str) -> Callable[[Lignes], None]:
    def fonction(tables: Lignes) -> None:
        for t in ("tours", "conventions"):
            for rangee in tables[t]:
                rangee[:] = [nom if v == petit_jeu.PREFET else v for v in rangee]

    return fonction


def _octets(nom: str, contenu: bytes) -> Callable[[], Fichiers]:
    """The small data set's logements and conventions, and ``nom`` with ``contenu`` for the tours."""

    def fichiers() -> Fichiers:
        autres = [(n, o) for n, o in petit_jeu.fichiers_petits() if n != "tours.csv"]
        return [*autres, (nom, contenu)]

    return fichiers


def _tours_encodes(transformer: Callable[[bytes], bytes], nom: str = "tours.csv") -> Callable[[], Fichiers]:
    def fichiers() -> Fichiers:
        return [
            (nom if n == "tours.csv" else n, transformer(o) if n == "tours.csv" else o)
            for n, o in petit_jeu.fichiers_petits()
        ]

    return fichiers


def _png() -> bytes:
    def bloc(genre: bytes, donnees: bytes) -> bytes:
        return struct.pack(">I", len(donnees)) + genre + donnees + struct.pack(">I", zlib.crc32(genre + donnees))

    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + bloc(b"IDAT", zlib.compress(b"\x00\x00"))
        + bloc(b"IEND", b"")
    )


def _ole(avec_chiffrement: bool) -> bytes:
    """A compound document header (an old .xls, or an xlsx encrypted by a password), padded to 4 Kio."""
    corps = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    if avec_chiffrement:
        corps += "EncryptedPackage".encode("utf-16-le") + "EncryptionInfo".encode("utf-16-le")
    return corps.ljust(4096, b"\x00")


def _ods() -> bytes:
    """A minimal OpenDocument spreadsheet holding the tours table."""
    lignes = fabrique.lignes_petit_jeu()["tours"]
    rangees = "".join(
        "<table:table-row>"
        + "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' for v in r)
        + "</table:table-row>"
        for r in lignes
    )
    contenu = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="tours">{rangees}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifeste = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", contenu)
        zf.writestr("META-INF/manifest.xml", manifeste)
    return tampon.getvalue()


def _classeur_petit() -> bytes:
    return fabrique.classeur_de(fabrique.lignes_petit_jeu())


def _zip_de_csv() -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as zf:
        for n, o in petit_jeu.fichiers_petits():
            zf.writestr(n, o)
    return tampon.getvalue()


def _titre_au_dessus(tables: Lignes) -> None:
    tables["tours"][0:0] = [["Suivi des tours 2024 — export du SI"], []]


def _entetes_melanges(tables: Lignes) -> None:
    for nom, lignes in tables.items():
        ordre = list(reversed(range(len(lignes[0]))))
        tables[nom] = [[r[i] for i in ordre] for r in lignes]


def _entete_en_double(tables: Lignes) -> None:
    for i, r in enumerate(tables["tours"]):
        r.append("issue" if i == 0 else r[4])


def _feuilles_en_plus(tables: Lignes) -> None:
    tables["Notes"] = [["Remarques du service"], ["Export du 02/12/2026"]]
    tables["Feuil2"] = []


def _conventions_masquees(tables: Lignes) -> None:
    visibles = tables.pop("conventions")
    tables["Conventions 2024"] = visibles
    tables["conventions"] = [r[:] for r in visibles]
    tables["conventions"][1][4] = 10


def _formules_dans_les_champs_libres(tables: Lignes) -> None:
    prefixes = {"L1": "=1+L1", "L2": "+L2", "L3": "-L3", "L4": "@L4", petit_jeu.PREFET: "=HYPERLINK(x)+1"}
    for t in ("logements", "tours", "conventions"):
        for rangee in tables[t][1:]:
            rangee[:] = [prefixes.get(v, v) if isinstance(v, str) else v for v in rangee]


ATTRIBUE_L1 = ["L1", 2, petit_jeu.PREFET, "05/03/2024", "ATTRIBUE", "10/03/2024"]

CORPUS: list[Cas] = [
    # --- the rows of the table -------------------------------------------------------------------
    Cas(
        "injection-reservataire",
        "un réservataire nommé =cmd|' /C calc'!A0 (ligne 1) : lu tel quel, sorties gardées",
        _modifie(_renomme_reservataire("=cmd|' /C calc'!A0")),
    ),
    Cas(
        "bombe-dimension",
        "une feuille annonçant 1 048 000 × 70 cellules (ligne 2)",
        lambda: [("tours.xlsx", fabrique.classeur({"tours": fabrique.xml_feuille([["a"]], dimension="A1:BR1048000")}))],
    ),
    Cas(
        "bombe-espaces",
        "20 Mio d'espaces comprimés 1 000 fois (ligne 2)",
        lambda: [("tours.xlsx", fabrique.bombe_espaces(mio=20))],
    ),
    Cas(
        "feuille-tres-masquee",
        "une feuille veryHidden « conventions » à 10 % à côté de la visible (ligne 3)",
        _classeur(
            _conventions_masquees,
            etats={"conventions": "veryHidden"},
        ),
    ),
    Cas(
        "erreur-ref",
        "#REF! dans categorie_soustraction (ligne 4)",
        _classeur(_remplace("logements", 1, "categorie_soustraction", ("e", "#REF!"))),
    ),
    Cas("erreur-na-dalo", "#N/A dans dalo (ligne 4)", _classeur(_remplace("tours", 1, "dalo", ("e", "#N/A")))),
    Cas(
        "erreur-na-obligatoire",
        "#N/A dans la colonne obligatoire reservataire (ligne 4)",
        _classeur(_remplace("tours", 1, "reservataire", ("e", "#N/A"))),
    ),
    Cas("nom-240", "un réservataire de 240 caractères (ligne 5)", _modifie(_renomme_reservataire("R" * 240))),
    Cas("nom-un-mo", "un réservataire de 1 Mo (lignes 5 et 7)", _modifie(_renomme_reservataire("R" * 1_000_000))),
    Cas(
        "fusion",
        "une cellule fusionnée dans les données (ligne 7)",
        _classeur(_remplace("tours", 2, "reservataire", None), tours="C2:C3"),
    ),
    Cas(
        "formule-sans-valeur",
        "une formule enregistrée sans sa valeur (ligne 7)",
        _classeur(_remplace("logements", 1, "annee_construction", ("f", "1960+10"))),
    ),
    Cas(
        "separateurs-melanges",
        "des lignes en virgules dans un fichier en points-virgules (ligne 7)",
        _modifie(_ajoute_ligne("tours", ["L3,2,Bailleur,01/04/2024,ATTRIBUE,15/04/2024"])),
    ),
    Cas(
        "encodages-melanges",
        "UTF-8 et Windows-1252 dans le même fichier (ligne 7)",
        _tours_encodes(lambda o: o + "L3;2;Société;01/04/2024;REFUS_CANDIDAT;\n".encode("cp1252")),
    ),
    Cas(
        "largeur-nulle",
        "deux écritures d'un nom qui ne diffèrent que par un caractère de largeur nulle (ligne 7)",
        _modifie(_remplace("tours", 2, "reservataire", "Préfecture\u200b 93")),
    ),
    Cas(
        "heure-25-99",
        "« 15/03/2024 25:99 » comme date (ligne 7)",
        _modifie(_remplace("tours", 1, "date_orientation", "15/03/2024 25:99")),
    ),
    Cas(
        "serie-60",
        "le numéro de série 60 d'Excel (29/02/1900) dans une cellule de date (ligne 7)",
        lambda: [("flux.xlsx", _classeur_serie_60())],
    ),
    Cas(
        "taux-400-chiffres",
        "un taux de 400 chiffres (ligne 7)",
        _modifie(_remplace("conventions", 1, "taux", "9" * 400)),
    ),
    Cas(
        "valeur-un-mo",
        "une valeur de 1 Mo dans issue (ligne 7)",
        _modifie(_remplace("tours", 1, "issue", "X" * 1_000_000)),
    ),
    # --- FORMAT.md §1.5: each rule broken alone ---------------------------------------------------------------
    Cas(
        "regle-colonne-manquante",
        "sans la colonne obligatoire typologie",
        _modifie(_retire_colonne("logements", "typologie")),
    ),
    Cas(
        "regle-type",
        "annee_construction en lettres",
        _modifie(_remplace("logements", 1, "annee_construction", "mille")),
    ),
    Cas("regle-hors-liste", "une typologie hors de la liste", _modifie(_remplace("logements", 1, "typologie", "T9"))),
    Cas("regle-id-en-double", "id_logement en double", _modifie(_remplace("logements", 2, "id_logement", "L1"))),
    Cas(
        "regle-tour-en-double",
        "(id_logement, numero_tour) en double",
        _modifie(_remplace("tours", 3, "numero_tour", 1)),
    ),
    Cas(
        "regle-logement-inconnu", "un tour d'un logement inconnu", _modifie(_remplace("tours", 5, "id_logement", "L99"))
    ),
    Cas(
        "regle-reservataire-inconnu",
        "un tour d'un réservataire sans convention",
        _modifie(_remplace("tours", 4, "reservataire", "Inconnu SA")),
    ),
    Cas("regle-commune-inconnue", "une commune inconnue", _modifie(_remplace("logements", 1, "code_commune", "99999"))),
    Cas(
        "regle-commune-hors-idf",
        "une commune hors d'Île-de-France (Marseille)",
        _modifie(_remplace("logements", 1, "code_commune", "13055")),
    ),
    Cas("regle-qpv-inconnu", "un QPV inconnu", _modifie(_remplace("logements", 1, "code_qpv", "QN00000X"))),
    Cas(
        "regle-qpv-autre-commune",
        "un QPV d'une autre commune",
        _modifie(_remplace("logements", 1, "code_qpv", "QN09309M")),
    ),
    Cas(
        "regle-code-qpv-sans-qpv",
        "code_qpv avec qpv = non",
        _modifie(_remplace("logements", 2, "code_qpv", "QN09328M")),
    ),
    Cas("regle-deux-attribue", "deux tours ATTRIBUE pour un logement", _modifie(_ajoute_ligne("tours", ATTRIBUE_L1))),
    Cas(
        "regle-tour-apres-attribue",
        "un tour après le tour ATTRIBUE",
        _modifie(_ajoute_ligne("tours", ["L1", 2, petit_jeu.PREFET, "05/03/2024", "REFUS_CANDIDAT", ""])),
    ),
    Cas(
        "regle-attribue-sans-date",
        "ATTRIBUE sans date_attribution",
        _modifie(_remplace("tours", 1, "date_attribution", "")),
    ),
    Cas(
        "regle-attribution-avant-orientation",
        "date_attribution avant date_orientation",
        _modifie(_remplace("tours", 1, "date_attribution", "01/01/2024")),
    ),
    Cas(
        "regle-annee-hors-bornes",
        "annee_construction 1500",
        _modifie(_remplace("logements", 1, "annee_construction", 1500)),
    ),
    Cas("regle-somme-taux", "Σ taux > 100 sur un périmètre", _modifie(_remplace("conventions", 1, "taux", 90))),
    Cas(
        "regle-taux-fractions",
        "taux donnés en fractions",
        _modifie(lambda t: [r.__setitem__(4, "0,3") for r in t["conventions"][1:]]),
    ),
    # --- encodings, separators, structure -------------------------------------------------------------------
    Cas(
        "utf16-bom",
        "tours en UTF-16 avec BOM (« Texte Unicode » d'Excel)",
        _tours_encodes(lambda o: o.decode().encode("utf-16")),
    ),
    Cas("utf16-sans-bom", "tours en UTF-16 LE sans BOM", _tours_encodes(lambda o: o.decode().encode("utf-16-le"))),
    Cas(
        "bom-au-milieu",
        "un BOM au milieu du fichier",
        _tours_encodes(lambda o: o.replace(b"\nL2;1", b"\n\xef\xbb\xbfL2;1", 1)),
    ),
    Cas("cp1252", "tours en Windows-1252", _tours_encodes(lambda o: o.decode().encode("cp1252"))),
    Cas(
        "retour-ligne-entre-guillemets",
        "un nom entre guillemets contenant un retour à la ligne",
        _modifie(_renomme_reservataire('"Préfecture\n93"')),
    ),
    Cas("entetes-melanges", "les colonnes dans l'ordre inverse", _modifie(_entetes_melanges)),
    Cas("entete-en-double", "la colonne issue deux fois", _modifie(_entete_en_double)),
    Cas("titre-au-dessus", "un titre et une ligne vide au-dessus de l'en-tête", _modifie(_titre_au_dessus)),
    Cas(
        "feuilles-vides-et-en-trop",
        "un classeur avec une feuille de notes et une feuille vide",
        _classeur(_feuilles_en_plus),
    ),
    Cas(
        "feuille-masquee-seule",
        "la seule feuille des conventions est masquée",
        _classeur(etats={"conventions": "hidden"}),
    ),
    Cas(
        "dates-en-texte-iso", "des dates AAAA-MM-JJ", _modifie(_remplace("tours", 1, "date_orientation", "2024-02-01"))
    ),
    Cas(
        "dates-en-nombres",
        "une date écrite comme un numéro de série (45323)",
        _modifie(_remplace("tours", 1, "date_orientation", "45323")),
    ),
    Cas(
        "dates-deux-chiffres",
        "une année sur deux chiffres",
        _modifie(_remplace("tours", 1, "date_orientation", "01/02/24")),
    ),
    Cas(
        "cellule-10000",
        "une cellule de 10 000 caractères dans issue",
        _modifie(_remplace("tours", 1, "issue", "A" * 10_000)),
    ),
    Cas("nul", "un caractère NUL dans un nom", _modifie(_remplace("tours", 2, "reservataire", "Préfecture\x00 93"))),
    Cas(
        "bidi",
        "des caractères bidi (U+202E) dans un nom",
        _modifie(_remplace("tours", 2, "reservataire", "\u202ePréfecture 93\u202c")),
    ),
    Cas(
        "formules-partout",
        "des textes en forme de formule dans chaque champ libre (identifiants, réservataires)",
        _modifie(_formules_dans_les_champs_libres),
    ),
    Cas("plus-partout", "« +1+1 » préfixé à chaque champ", _modifie(_partout(lambda v: "+1+1" + v))),
    Cas("nom-chemin", "un réservataire nommé ../x", _modifie(_renomme_reservataire("../x"))),
    Cas("nom-reserve", "un réservataire nommé CON", _modifie(_renomme_reservataire("CON"))),
    Cas("fichier-chemin", "un fichier nommé ../../etc/tours.csv", _tours_encodes(lambda o: o, "../../etc/tours.csv")),
    Cas("fichier-formule", "un fichier nommé =HYPERLINK(x)+1.csv", _tours_encodes(lambda o: o, "=HYPERLINK(x)+1.csv")),
    # --- files that are not what they say ------------------------------------------------------------------------
    Cas("mot-de-passe", "un classeur protégé par un mot de passe", lambda: [("flux.xlsx", _ole(True))]),
    Cas("xls", "un ancien classeur .xls (format binaire)", lambda: [("flux.xls", _ole(False))]),
    Cas("ods", "un classeur OpenDocument (.ods) des tours", _octets("tours.ods", _ods())),
    Cas(
        "tronque",
        "un classeur tronqué à la moitié",
        lambda: [("flux.xlsx", _classeur_petit()[: len(_classeur_petit()) // 2])],
    ),
    Cas(
        "corrompu",
        "un classeur dont le milieu est écrasé",
        lambda: [("flux.xlsx", (lambda b: b[:200] + b"\x00" * 400 + b[600:])(_classeur_petit()))],
    ),
    Cas("zip-de-csv", "une archive ZIP des trois CSV", lambda: [("flux.xlsx", _zip_de_csv())]),
    Cas("png", "une image PNG renommée .csv", _octets("tours.csv", _png())),
    Cas("vide", "un fichier de 0 octet", _octets("tours.csv", b"")),
    Cas("espaces-seuls", "un fichier d'espaces et de retours à la ligne", _octets("tours.csv", b"  \r\n \n")),
    Cas("pdf", "un document PDF renommé .xlsx", _octets("tours.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")),
    Cas("binaire", "des octets quelconques", _octets("tours.csv", bytes(range(256)) * 8)),
    Cas(
        "guillemet-non-ferme",
        "un guillemet jamais fermé",
        _tours_encodes(lambda o: o.replace(b"L4;1;Bailleur", b'"L4;1;Bailleur', 1)),
    ),
    Cas(
        "guillemet-non-ferme-milieu",
        "un guillemet ouvert au milieu du fichier, fermé bien plus loin",
        _tours_encodes(lambda o: o.replace(b"L2;2;Bailleur", b'"L2;2;Bailleur', 1)),
    ),
    Cas(
        "trop-de-valeurs",
        "une ligne avec une valeur de trop",
        _tours_encodes(lambda o: o + b"L3;2;Bailleur;01/04/2024;ATTRIBUE;15/04/2024;x;y\n"),
    ),
]


def _classeur_serie_60() -> bytes:
    import xlsxwriter

    tampon = io.BytesIO()
    wb = xlsxwriter.Workbook(tampon, {"in_memory": True})
    date = wb.add_format({"num_format": "dd/mm/yyyy"})
    for nom, lignes in fabrique.lignes_petit_jeu().items():
        ws = wb.add_worksheet(nom)
        for r, ligne in enumerate(lignes):
            for c, v in enumerate(ligne):
                ws.write_string(r, c, str(v))
    wb.get_worksheet_by_name("logements").write_number(1, 6, 60, date)
    wb.close()
    return tampon.getvalue()


ATTENDUS: dict[str, tuple[str, str] | None] = {
    "injection-reservataire": None,
    "bombe-dimension": (
        "limite_depassee",
        "Limite dépassée — la feuille « tours » annonce 1\u202f048\u202f000 lignes × 70 colonnes = 73\u202f360\u202f000 cellules, au plus 25\u202f000\u202f000 par table",
    ),
    "bombe-espaces": (
        "limite_depassee",
        "Limite dépassée — classeur refusé : « xl/worksheets/sheet1.xml » est comprimé 1\u202f021 fois, au plus 100 fois (bombe de décompression probable)",
    ),
    "feuille-tres-masquee": (
        "feuille_masquee_ignoree",
        "La feuille masquée « conventions » est ignorée : la table Conventions est lue dans la feuille visible « Conventions 2024 »",
    ),
    "erreur-ref": ("type_invalide", "Cellule en erreur dans Excel (#REF!)"),
    "erreur-na-dalo": ("type_invalide", "Cellule en erreur dans Excel (#N/A)"),
    "erreur-na-obligatoire": ("type_invalide", "Cellule en erreur dans Excel (#N/A)"),
    "nom-240": None,
    "nom-un-mo": (
        "type_invalide",
        "Valeur trop longue : 1\u202f000\u202f000 caractères, au plus 32\u202f767 par cellule",
    ),
    "fusion": ("type_invalide", "Cellule fusionnée (C2:C3) : seule la première cellule d'une fusion porte la valeur"),
    "formule-sans-valeur": ("type_invalide", "Formule sans valeur calculée (=1960+10)"),
    "separateurs-melanges": (
        "separateurs_melanges",
        "Séparateurs mélangés : cette ligne est séparée par des « virgule », la ligne d'en-têtes par des « point-virgule »",
    ),
    "encodages-melanges": (
        "encodages_melanges",
        "Encodages mélangés : le fichier contient à la fois des caractères en UTF-8 et en Windows-1252 (des accents s'afficheraient « Ã© »)",
    ),
    "largeur-nulle": None,
    "heure-25-99": ("type_invalide", "Heure inexistante : 25:99"),
    "serie-60": (
        "type_invalide",
        "Date d'Excel antérieure au 01/03/1900 (28/02/1900) : le calendrier d'Excel y compte un 29/02/1900 qui n'a pas existé",
    ),
    "taux-400-chiffres": ("type_invalide", "Nombre trop grand (400 caractères)"),
    "valeur-un-mo": (
        "type_invalide",
        "Valeur trop longue : 1\u202f000\u202f000 caractères, au plus 32\u202f767 par cellule",
    ),
    "regle-colonne-manquante": ("colonne_manquante", "Colonne obligatoire « typologie » absente de la table Logements"),
    "regle-type": ("type_invalide", "Nombre entier attendu"),
    "regle-hors-liste": ("valeur_hors_liste", "Valeur hors de la liste autorisée"),
    "regle-id-en-double": (
        "doublon_logement",
        "Identifiant de logement en double : chaque logement figure une seule fois",
    ),
    "regle-tour-en-double": ("doublon_tour", "Tour en double : le numéro de tour doit être unique pour un logement"),
    "regle-logement-inconnu": ("logement_inconnu", "Le logement de ce tour est absent de la feuille Logements"),
    "regle-reservataire-inconnu": (
        "reservataire_inconnu",
        "Réservataire inconnu : le nom doit figurer dans la feuille Conventions ou être « Bailleur »",
    ),
    "regle-commune-inconnue": ("commune_inconnue", "Commune inconnue ou hors Île-de-France"),
    "regle-commune-hors-idf": ("commune_inconnue", "Commune inconnue ou hors Île-de-France"),
    "regle-qpv-inconnu": ("qpv_inconnu", "Code QPV inconnu (QPV 2024 d'Île-de-France)"),
    "regle-qpv-autre-commune": ("qpv_hors_commune", "Le QPV n'est pas situé dans la commune du logement"),
    "regle-code-qpv-sans-qpv": ("qpv_incoherent", "Un code QPV est renseigné alors que qpv = non"),
    "regle-deux-attribue": ("plusieurs_attributions", "Plusieurs tours « attribué » (ATTRIBUE) pour un même logement"),
    "regle-tour-apres-attribue": (
        "tour_apres_attribution",
        "Tour postérieur au tour d'attribution du logement : le tour « attribué » doit être le dernier",
    ),
    "regle-attribue-sans-date": (
        "date_attribution_manquante",
        "Date d'attribution manquante pour un tour dont l'issue est « attribué » (ATTRIBUE)",
    ),
    "regle-attribution-avant-orientation": (
        "date_attribution_avant_orientation",
        "La date d'attribution est antérieure à la date d'orientation",
    ),
    "regle-annee-hors-bornes": ("annee_hors_bornes", "Année de construction hors bornes"),
    "regle-somme-taux": ("somme_taux", "La somme des taux des conventions d'un même périmètre dépasse 100 %"),
    "regle-taux-fractions": (
        "taux_en_fraction",
        "Tous les taux sont inférieurs ou égaux à 1 : ils semblent donnés en fraction et non en pourcentage",
    ),
    "utf16-bom": None,
    "utf16-sans-bom": None,
    "bom-au-milieu": None,
    "cp1252": None,
    "retour-ligne-entre-guillemets": None,
    "entetes-melanges": None,
    "entete-en-double": ("colonne_en_double", "Plusieurs colonnes correspondent à « issue » : « issue », « issue »"),
    "titre-au-dessus": None,
    "feuilles-vides-et-en-trop": (
        "feuille_ignoree",
        "La feuille « Notes » est ignorée : ce n'est pas une table du format",
    ),
    "feuille-masquee-seule": (
        "feuille_masquee_lue",
        "La feuille « conventions » est masquée dans le classeur ; elle est lue comme table Conventions, faute de feuille visible",
    ),
    "dates-en-texte-iso": None,
    "dates-en-nombres": None,
    "dates-deux-chiffres": ("type_invalide", "Année sur deux chiffres"),
    "cellule-10000": ("valeur_hors_liste", "Valeur hors de la liste autorisée"),
    "nul": None,
    "bidi": None,
    "formules-partout": None,
    "plus-partout": ("commune_inconnue", "Commune inconnue ou hors Île-de-France"),
    "nom-chemin": None,
    "nom-reserve": None,
    "fichier-chemin": None,
    "fichier-formule": None,
    "mot-de-passe": ("fichier_protege", "Classeur protégé par un mot de passe"),
    "xls": ("fichier_illisible", "Fichier illisible — le classeur est endommagé, ou ce n'est pas un classeur Excel"),
    "ods": None,
    "tronque": (
        "fichier_illisible",
        "Fichier illisible — le classeur est endommagé, ou ce n'est pas un classeur Excel",
    ),
    "corrompu": (
        "fichier_illisible",
        "Fichier illisible — le classeur est endommagé, ou ce n'est pas un classeur Excel",
    ),
    "zip-de-csv": (
        "fichier_illisible",
        "Fichier illisible — ce fichier est une archive ZIP (conventions.csv, logements.csv, tours.csv), pas un classeur Excel",
    ),
    "png": (
        "fichier_illisible",
        "Fichier illisible — ce fichier n'est ni un classeur Excel ni un fichier CSV : c'est une image PNG",
    ),
    "vide": ("fichier_vide", "Le fichier est vide"),
    "espaces-seuls": ("fichier_vide", "Le fichier est vide"),
    "pdf": (
        "fichier_illisible",
        "Fichier illisible — ce fichier n'est ni un classeur Excel ni un fichier CSV : c'est un document PDF",
    ),
    "binaire": (
        "fichier_illisible",
        "Fichier illisible — ce fichier n'est ni un classeur Excel ni un fichier CSV : c'est un fichier binaire",
    ),
    "guillemet-non-ferme": (
        "fichier_illisible",
        "Fichier illisible — fichier CSV mal formé (guillemets non fermés ou nombre de valeurs variable selon les lignes)",
    ),
    "guillemet-non-ferme-milieu": (
        "fichier_illisible",
        "Fichier illisible — guillemet non fermé : à partir de la ligne 4, la suite du fichier est lue comme une seule valeur",
    ),
    "trop-de-valeurs": (
        "fichier_illisible",
        "Fichier illisible — ligne 7 : 8 valeurs au lieu de 6 (séparateur « point-virgule » détecté sur la ligne d'en-têtes)",
    ),
}
"""Per case, the code and exact French rule of the problem the product must report (the first error, or the
information line the case is about); None: read and checked without any error, the bilan can be produced."""
