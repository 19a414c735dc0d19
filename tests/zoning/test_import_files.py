"""Importing a list of priority zones from a file an agent prepared: a file that cannot be read
is refused in French before anything is written (no empty zoning switched on), a column absent
from the file leaves the zones' values alone, French spreadsheets (semicolons, BOM) and bare
lists of SIRENs are read, and « --remove-missing » never empties the zoning on a wrong file."""

import re

import pytest
from django.core.management import CommandError, call_command

from renfort.zoning import selectors
from renfort.zoning.models import Certainty, PriorityZone, ZoneChange, Zoning
from renfort.zoning.services import priority_zones_import

pytestmark = pytest.mark.django_db

MONT_DES_AVALOIRS = "200042182"  # first row of the 2025 list, with its source
BOCAGE_MAYENNAIS = "245300389"


def active() -> Zoning:
    return Zoning.objects.get(is_active=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Fichier introuvable"),
        (b"", "est vide"),
        (b"siren,nom\n", "ne contient aucun SIREN"),
        (b"nom;note\nCC;x\n", "n'a pas de colonne « siren » (colonnes lues : nom, note)"),
        ("siren,nom\n200042182,Côte\n".encode("latin-1"), "n'est pas en UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_switches_nothing_and_says_why(tmp_path, content, message):
    path = tmp_path / "liste.csv"
    if content is not None:
        path.write_bytes(content)
    before = (Zoning.objects.count(), ZoneChange.objects.count(), active().pk)
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        call_command(
            "import_priority_zones",
            "--zoning",
            "Zonage essai",
            "--published-on",
            "01/01/2027",
            "--file",
            str(path),
        )
    assert "Rien n'a été enregistré." in str(error.value)
    # The national zoning is still the one in force, and no « Zonage essai » was left behind.
    assert (Zoning.objects.count(), ZoneChange.objects.count(), active().pk) == before
    assert selectors.current_zones().count() == 64


def test_a_file_of_sirens_alone_keeps_each_zones_source_and_note(tmp_path):
    zone = PriorityZone.objects.get(zoning=active(), epci_id=MONT_DES_AVALOIRS)
    source, listed_name = zone.source, zone.listed_name
    assert source.startswith("ARS Pays de la Loire")
    path = tmp_path / "sirens.csv"
    path.write_text(f"siren\n{MONT_DES_AVALOIRS}\n{BOCAGE_MAYENNAIS}\n", encoding="utf-8")
    report = priority_zones_import(zoning=active(), path=path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    zone.refresh_from_db()
    assert (zone.source, zone.listed_name) == (source, listed_name)
    assert not ZoneChange.objects.filter(action=ZoneChange.Action.UPDATED).exists()


def test_a_french_spreadsheet_and_a_bare_list_are_read(tmp_path):
    spreadsheet = tmp_path / "excel.csv"
    spreadsheet.write_bytes(
        "\ufeffSIREN;Note\n200042182;Confirmé par l'arrêté du 2 janvier\n".encode()
    )
    report = priority_zones_import(zoning=active(), path=spreadsheet)
    assert report.updated == 1 and not report.unknown_sirens
    zone = PriorityZone.objects.get(zoning=active(), epci_id=MONT_DES_AVALOIRS)
    assert zone.note == "Confirmé par l'arrêté du 2 janvier"
    assert zone.certainty == Certainty.CONFIRMED
    assert zone.source.startswith("ARS Pays de la Loire")  # no « source » column: kept
    bare = tmp_path / "liste.txt"
    bare.write_text(f"{MONT_DES_AVALOIRS}\n\n{BOCAGE_MAYENNAIS}\n999999999\n", encoding="utf-8")
    report = priority_zones_import(zoning=active(), path=bare)
    assert report.unchanged == 2 and report.unknown_sirens == ["999999999"]


def test_remove_missing_refuses_a_file_without_any_known_siren(tmp_path):
    path = tmp_path / "faux.csv"
    path.write_text("siren\n999999999\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Aucun SIREN de faux.csv n'est un EPCI connu"):
        call_command("import_priority_zones", "--file", str(path), "--remove-missing")
    assert selectors.current_zones().count() == 64


def test_the_summary_agrees_its_words_with_the_numbers(tmp_path, capsys):
    path = tmp_path / "une.csv"
    path.write_text(f"siren,note\n{MONT_DES_AVALOIRS},Nouvelle note\n", encoding="utf-8")
    call_command("import_priority_zones", "--file", str(path))
    out = capsys.readouterr().out
    assert "0 créée, 1 mise à jour, 0 inchangée, 0 laissée retirée, 0 retirée." in out
