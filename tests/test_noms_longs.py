"""Names longer than a file system allows (issue 12, row 5): file names shortened with a stable suffix, never a
failure, never half an output folder — the slug rule, the all-or-nothing writer and ``bilan`` end to end."""

from __future__ import annotations

import zipfile

import pytest

from flux_dash import ecriture, limites
from flux_dash import referentiel as ref
from flux_dash.cli import main
from tests import petit_jeu


def test_slug_long_coupe_avec_un_suffixe_stable():
    nom = "Association pour le logement des jeunes travailleurs " * 5
    court = ref.slug(nom)
    assert len(court) == limites.LONGUEUR_SLUG
    assert court.startswith("association-pour-le-logement-des-jeunes-travailleur")
    assert court[-9] == "-" and int(court[-8:], 16) >= 0
    assert court == ref.slug(nom)  # stable from one run to the next
    assert ref.slug(nom + "bis") != court  # two long names sharing their beginning stay apart
    assert ref.slug("Préfecture 93") == "prefecture-93"  # short names unchanged


def test_slug_d_un_nom_de_un_mo():
    assert ref.slug("日" * 1_000_000) == "sans-nom"
    assert len(ref.slug("R" * 1_000_000)) == limites.LONGUEUR_SLUG


def test_ecriture_tout_ou_rien_ne_laisse_rien_si_un_fichier_echoue(tmp_path):
    sortie = tmp_path / "sortie"
    fichiers = {"a.csv": b"1", "d/b.xlsx": b"2", "x" * 300 + ".xlsx": b"3"}  # 300 bytes: refused (ENAMETOOLONG)
    with pytest.raises(OSError):
        ecriture.ecrire_tout_ou_rien(sortie, fichiers)
    assert list(sortie.iterdir()) == []


def test_ecriture_tout_ou_rien_remplace_les_fichiers_existants(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.xlsx").write_bytes(b"ancien")
    ecriture.ecrire_tout_ou_rien(tmp_path, {"a.csv": b"1", "d/b.xlsx": b"2"})
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["a.csv", "d", "d/b.xlsx"]
    assert (tmp_path / "d" / "b.xlsx").read_bytes() == b"2"


def _entrees(dossier, reservataire: str) -> list[str]:
    chemins = []
    for nom, octets in petit_jeu.fichiers_petits():
        chemin = dossier / nom
        chemin.write_bytes(octets.replace(petit_jeu.PREFET.encode(), reservataire.encode()))
        chemins.append(str(chemin))
    return chemins


@pytest.mark.lent
def test_bilan_reservataire_de_240_caracteres(tmp_path, capsys):
    nom = "Réservataire au nom très long " * 8
    code = main(["bilan", *_entrees(tmp_path, nom), "--annee", "2024", "--sortie", str(tmp_path / "s")])
    sortie = capsys.readouterr()
    assert code == 0, sortie.err
    noms = sorted(p.name for p in (tmp_path / "s").rglob("*.xlsx"))
    attendu = f"bilan_2024_reservataire_{ref.slug(nom)}.xlsx"
    assert attendu in noms and len(ref.slug(nom)) == limites.LONGUEUR_SLUG
    assert max(len(n.encode()) for n in noms) < 100


@pytest.mark.lent
def test_bilan_zip_avec_un_bailleur_de_300_caracteres(tmp_path, capsys):
    bailleur = "Office public de l'habitat " * 11  # 297 characters
    sortie = tmp_path / "s"
    arguments = ["--annee", "2024", "--sortie", str(sortie), "--zip", "--bailleur", bailleur]
    code = main(["bilan", *_entrees(tmp_path, petit_jeu.PREFET), *arguments])
    assert code == 0, capsys.readouterr().err
    archives = list(sortie.glob("*.zip"))
    assert [a.name for a in archives] == [f"flux_2024_{ref.slug(bailleur)}.zip"]
    with zipfile.ZipFile(archives[0]) as zf:
        assert zf.testzip() is None and len(zf.namelist()) == 8
    assert not [p for p in sortie.iterdir() if p.name.startswith(".")]  # no hidden folder left behind


def test_bailleur_de_un_mo_refuse_en_francais(tmp_path, capsys):
    """A 1 MB landlord name with --zip (issue 12, row 5: « erreur inattendue (error) » from zipfile) is refused
    before anything is read or written, with the limit."""
    bailleur = "Office public de l'habitat " * 40_000
    with pytest.raises(SystemExit) as sortie:
        main(["bilan", "t.csv", "--annee", "2024", "--sortie", str(tmp_path / "s"), "--zip", "--bailleur", bailleur])
    assert sortie.value.code == 2
    assert "nom de bailleur trop long : 1\u202f080\u202f000 caractères, au plus 300" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
