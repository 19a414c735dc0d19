import csv
from collections import Counter

import pytest
from django.core.management import call_command

from renfort.territories.models import (
    EPCI,
    Commune,
    Departement,
    DepartementShape,
    EPCIShape,
    Region,
)
from renfort.territories.normalize import normalize_name
from renfort.territories.selectors import departement_shapes_version, epci_shapes_version
from renfort.territories.services import DATA_DIR, territories_import, territory_counts

pytestmark = pytest.mark.django_db


def rows(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_counts_match_the_source_files():
    communes = rows("communes.csv")
    coordinates = {r["code_insee"] for r in rows("communes_coordonnees.csv")}
    counts = territory_counts()
    assert counts.regions == len(rows("regions.csv")) == 26
    assert counts.departements == len(rows("departements.csv")) == 109
    assert counts.epcis == len(rows("epci.csv")) == 1255
    assert counts.communes == len(communes) == 34969
    expected_located = sum(1 for r in communes if r["code_insee"] in coordinates)
    assert counts.communes_with_coordinates == expected_located == 34904
    by_zone = Counter(r["zone"] for r in communes)
    assert by_zone == {"metro": 34746, "drom": 129, "com": 94}
    assert dict(Counter(Commune.objects.values_list("zone", flat=True))) == by_zone


def test_overseas_collectivities_are_kept_but_outside_the_programme():
    assert Region.objects.filter(zone="com").count() == 8
    assert Departement.objects.filter(zone="com").count() == 8
    assert Region.objects.in_programme().count() == 18
    assert Departement.objects.in_programme().count() == 101
    assert not Commune.objects.in_programme().filter(departement__zone="com").exists()


def test_import_twice_gives_the_same_counts_and_values():
    before = territory_counts()
    lacaune = Commune.objects.get(code_insee="81124")
    versions = (departement_shapes_version(), epci_shapes_version())
    territories_import()
    assert territory_counts() == before
    # The outlines are written again: the maps build their GeoJSON again (cached_json).
    assert (departement_shapes_version(), epci_shapes_version()) != versions
    assert DepartementShape.objects.count() == 101 and EPCIShape.objects.count() == 1255
    again = Commune.objects.get(code_insee="81124")
    assert (again.name, again.epci_id, again.population, again.latitude) == (
        lacaune.name,
        lacaune.epci_id,
        lacaune.population,
        lacaune.latitude,
    )


def test_command_prints_counts(capsys):
    call_command("import_territories", "--no-progress")
    out = capsys.readouterr().out
    assert "1255 EPCI" in out and "34969 communes dont 34904 localisées" in out


def test_epci_main_region_and_geometry():
    lacaune = Commune.objects.select_related("epci__shape").get(code_insee="81124")
    assert lacaune.epci.region_id == "76"
    assert lacaune.epci.departement_id == "81"
    assert lacaune.epci.shape.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert EPCI.objects.filter(shape__isnull=True).count() == 0
    assert Departement.objects.in_programme().filter(shape__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Éloy-les-Mines", "saint eloy les mines"),
        ("St Eloy", "saint eloy"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Œuilly", "oeuilly"),
        ("  ", ""),
    ],
)
def test_normalize_name(text, expected):
    assert normalize_name(text) == expected


def test_search_by_name_prefix_accents_and_postcode():
    assert Commune.objects.search("lacaune").first().code_insee == "81124"
    assert Commune.objects.search("SAINT ELOY LES MINES").first().code_insee == "63338"
    by_postcode = list(Commune.objects.search("81230"))
    assert "81124" in {c.code_insee for c in by_postcode}
    assert not Commune.objects.search("zzzzzz").exists()
    assert not Commune.objects.search("").exists()


def test_a_wrong_data_folder_is_refused_in_french_and_nothing_changes(tmp_path):
    import shutil

    from django.core.management import CommandError

    before = Commune.objects.count()
    with pytest.raises(CommandError, match="Fichiers absents de .*: regions.csv.*Rien n'a"):
        call_command("import_territories", "--no-progress", "--data-dir", str(tmp_path))
    for name in ("departements.geojson", "epci.geojson", "communes_coordonnees.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    (tmp_path / "regions.csv").write_text("code,nom,zone\n99,Région fictive,metro\n")
    (tmp_path / "departements.csv").write_text("numero;libelle\n99;Fictif\n")
    for name in ("epci.csv", "communes.csv"):
        (tmp_path / name).write_text("x\n")
    with pytest.raises(CommandError, match="Colonne ou propriété 'code' absente.*Rien n'a"):
        call_command("import_territories", "--no-progress", "--data-dir", str(tmp_path))
    assert not Region.objects.filter(code="99").exists()  # the first file's rows rolled back
    assert Commune.objects.count() == before
