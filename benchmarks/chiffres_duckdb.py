"""The core figures of DOMAINE.md §3 computed by DuckDB straight from the French CSV files: the yardstick.

``python -m benchmarks.chiffres_duckdb --annee 2024 --sortie chiffres.csv logements.csv tours.csv conventions.csv``
reads the CSV (``;``, UTF-8 with BOM, dates ``JJ/MM/AAAA``, empty = missing) and the référentiel of communes
that flux_dash ships (``flux_dash/donnees/communes_idf.csv``, read as a file: flux_dash itself is not
imported, so the process pays only for Python and DuckDB), computes, and writes one CSV of long rows
``perimetre_type; perimetre_code; reservataire; indicateur; valeur``:

- per perimeter (strates of the stock's communes — commune, EPCI/EPT territory, département, région — and every
  convention perimeter): ``disponibilites``, ``soustraits``, ``flux``, ``relogements_realises``;
- per réservataire × each of its convention perimeters, and ``Bailleur`` × every strate: ``logements_proposes``,
  ``logements_attribues``, ``tours`` (tours to the holder dated in n on non-soustrait logements).

It prints one JSON line of timings (``lecture_s``, ``calcul_s``). The definitions are DOMAINE.md §3 as the
engine reads them (``flux_dash/calculs/moteur.py``): distinct logements; a tour outside every convention
perimeter of its holder is not counted (except the landlord's); relogements réalisés are soustraits with an
ATTRIBUE tour dated in n, whatever their date_disponibilite. The benchmark compares these rows with the
``indicateurs_{n}.csv`` written by the measured ``flux-dash bilan`` (:func:`comparer`).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

COMMUNES_IDF = Path(__file__).resolve().parent.parent / "flux_dash" / "donnees" / "communes_idf.csv"
INDICATEURS_PERIMETRE = ("disponibilites", "soustraits", "flux", "relogements_realises")
INDICATEURS_RESERVATAIRE = ("logements_proposes", "logements_attribues", "tours")
NOM_BAILLEUR = "Bailleur"
CODE_REGION = "11"


def _lire(con, logements: Path, tours: Path, conventions: Path) -> None:
    francais = "delim=';', header=true, all_varchar=true, encoding='utf-8'"
    for requete, chemin in (
        (
            """CREATE TEMP TABLE communes AS
            SELECT code_insee, code_departement, code_epci,
                   CASE WHEN coalesce(code_ept, '') <> '' THEN code_ept ELSE code_epci END AS code_territoire
            FROM read_csv($chemin, header=true, all_varchar=true)""",
            COMMUNES_IDF,
        ),
        (
            f"""CREATE TEMP TABLE logements AS
            SELECT id_logement, code_commune,
                   coalesce(categorie_soustraction, '') <> '' AS soustrait,
                   try_strptime(date_disponibilite, '%d/%m/%Y') AS date_disponibilite
            FROM read_csv($chemin, {francais})""",
            logements,
        ),
        (
            f"""CREATE TEMP TABLE tours AS
            SELECT id_logement, reservataire, issue,
                   try_strptime(date_orientation, '%d/%m/%Y') AS date_orientation,
                   try_strptime(date_attribution, '%d/%m/%Y') AS date_attribution
            FROM read_csv($chemin, {francais})""",
            tours,
        ),
        (
            f"""CREATE TEMP TABLE conventions AS
            SELECT DISTINCT reservataire, perimetre_type, perimetre_code FROM read_csv($chemin, {francais})""",
            conventions,
        ),
    ):
        con.execute(requete, {"chemin": str(chemin)})


_CALCUL = """
CREATE TEMP TABLE stock AS SELECT DISTINCT code_commune FROM logements;
-- Perimeter → its communes of the stock: strates, then convention perimeters (EPCI_EPT by territory or EPCI).
CREATE TEMP TABLE appartenance AS
SELECT 'COMMUNE' AS pt, s.code_commune AS pc, s.code_commune, true AS strate FROM stock s
UNION SELECT 'EPCI_EPT', c.code_territoire, s.code_commune, true FROM stock s JOIN communes c ON c.code_insee = s.code_commune
UNION SELECT 'DEPARTEMENT', c.code_departement, s.code_commune, true FROM stock s JOIN communes c ON c.code_insee = s.code_commune
UNION SELECT 'REGION', $region, s.code_commune, true FROM stock s JOIN communes c ON c.code_insee = s.code_commune;
INSERT INTO appartenance
SELECT DISTINCT v.perimetre_type, v.perimetre_code, s.code_commune, false
FROM (SELECT DISTINCT perimetre_type, perimetre_code FROM conventions) v
JOIN communes c ON (v.perimetre_type = 'COMMUNE' AND c.code_insee = v.perimetre_code)
    OR (v.perimetre_type = 'DEPARTEMENT' AND c.code_departement = v.perimetre_code)
    OR (v.perimetre_type = 'EPCI_EPT' AND (c.code_territoire = v.perimetre_code OR c.code_epci = v.perimetre_code))
    OR (v.perimetre_type = 'REGION' AND v.perimetre_code = $region)
JOIN stock s ON s.code_commune = c.code_insee
WHERE NOT EXISTS (SELECT 1 FROM appartenance a
                  WHERE a.pt = v.perimetre_type AND a.pc = v.perimetre_code AND a.code_commune = s.code_commune);

CREATE TEMP TABLE faits AS
SELECT l.id_logement, l.code_commune, l.soustrait,
       coalesce(year(l.date_disponibilite) = $annee, false) AS dispo_n,
       l.soustrait AND EXISTS (SELECT 1 FROM tours t WHERE t.id_logement = l.id_logement AND t.issue = 'ATTRIBUE'
                               AND year(t.date_attribution) = $annee) AS reloge_n
FROM logements l;

-- Tours that count: holder known, logement inside one of its convention perimeters (or holder = Bailleur),
-- logement not soustrait.
CREATE TEMP TABLE droits AS
SELECT DISTINCT v.reservataire, a.code_commune FROM conventions v
JOIN appartenance a ON a.pt = v.perimetre_type AND a.pc = v.perimetre_code;
CREATE TEMP TABLE tours_valides AS
SELECT t.id_logement, t.reservataire, f.code_commune,
       coalesce(year(t.date_orientation) = $annee, false) AS orientation_n,
       t.issue = 'ATTRIBUE' AND coalesce(year(t.date_attribution) = $annee, false) AS attribution_n
FROM tours t JOIN faits f USING (id_logement)
WHERE NOT f.soustrait
  AND (t.reservataire = $bailleur
       OR EXISTS (SELECT 1 FROM droits d WHERE d.reservataire = t.reservataire AND d.code_commune = f.code_commune));

CREATE TEMP TABLE par_perimetre AS
SELECT a.pt, a.pc,
       count(*) FILTER (WHERE f.dispo_n) AS disponibilites,
       count(*) FILTER (WHERE f.dispo_n AND f.soustrait) AS soustraits,
       count(*) FILTER (WHERE f.dispo_n AND NOT f.soustrait) AS flux,
       count(*) FILTER (WHERE f.reloge_n) AS relogements_realises
FROM appartenance a JOIN faits f USING (code_commune)
GROUP BY a.pt, a.pc;

-- Rows of the bilan: réservataire × its convention perimeters, Bailleur × strates.
CREATE TEMP TABLE lignes AS
SELECT DISTINCT reservataire, perimetre_type AS pt, perimetre_code AS pc FROM conventions
UNION SELECT DISTINCT $bailleur, pt, pc FROM appartenance WHERE strate;
CREATE TEMP TABLE par_reservataire AS
SELECT r.reservataire, r.pt, r.pc,
       count(DISTINCT t.id_logement) FILTER (WHERE t.orientation_n) AS logements_proposes,
       count(DISTINCT t.id_logement) FILTER (WHERE t.attribution_n) AS logements_attribues,
       count(t.id_logement) FILTER (WHERE t.orientation_n) AS tours
FROM lignes r
LEFT JOIN appartenance a ON a.pt = r.pt AND a.pc = r.pc
LEFT JOIN tours_valides t ON t.reservataire = r.reservataire AND t.code_commune = a.code_commune
GROUP BY r.reservataire, r.pt, r.pc;
"""

_RESULTAT = """
SELECT pt AS perimetre_type, pc AS perimetre_code, '' AS reservataire, indicateur, valeur
FROM par_perimetre UNPIVOT (valeur FOR indicateur IN (disponibilites, soustraits, flux, relogements_realises))
UNION ALL
SELECT pt, pc, reservataire, indicateur, valeur
FROM par_reservataire UNPIVOT (valeur FOR indicateur IN (logements_proposes, logements_attribues, tours))
ORDER BY ALL
"""


def calculer(logements: Path, tours: Path, conventions: Path, annee: int) -> tuple[list[tuple], dict[str, float]]:
    """(rows, timings): the long rows described in the module docstring and the seconds spent."""
    import duckdb

    debut = time.perf_counter()
    con = duckdb.connect()
    _lire(con, logements, tours, conventions)
    lu = time.perf_counter()
    parametres = {"annee": annee, "bailleur": NOM_BAILLEUR, "region": CODE_REGION}
    for requete in _CALCUL.split(";\n"):
        texte = "\n".join(ligne for ligne in requete.splitlines() if not ligne.lstrip().startswith("--")).strip()
        if texte:
            con.execute(texte, {k: v for k, v in parametres.items() if f"${k}" in texte})
    lignes = con.execute(_RESULTAT).fetchall()
    fin = time.perf_counter()
    con.close()
    return lignes, {"lecture_s": lu - debut, "calcul_s": fin - lu}


def main(arguments: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Chiffres clés calculés par DuckDB depuis les CSV (mesure).")
    p.add_argument("--annee", type=int, required=True)
    p.add_argument("--sortie", required=True, type=Path)
    p.add_argument("--logements", required=True, type=Path)
    p.add_argument("--tours", required=True, type=Path)
    p.add_argument("--conventions", required=True, type=Path)
    args = p.parse_args(arguments)
    lignes, durees = calculer(args.logements, args.tours, args.conventions, args.annee)
    with args.sortie.open("w", encoding="utf-8", newline="") as f:
        ecrivain = csv.writer(f, delimiter=";")
        ecrivain.writerow(["perimetre_type", "perimetre_code", "reservataire", "indicateur", "valeur"])
        ecrivain.writerows(lignes)
    print(json.dumps(durees | {"lignes": len(lignes)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
