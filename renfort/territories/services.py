"""Loads the real French territories (COG 2026) from the files in data/reference/."""

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .geometry import simplify_geometry
from .models import EPCI, Commune, Departement, DepartementShape, EPCIShape, Region
from .normalize import normalize_name

DATA_DIR = Path(settings.BASE_DIR) / "data" / "reference"

Progress = Callable[[str, int], None]  # (step label, rows done in that step)


@dataclass(frozen=True)
class ImportCounts:
    regions: int
    departements: int
    epcis: int
    communes: int
    communes_with_coordinates: int


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _no_progress(label: str, done: int) -> None:
    return None


def _upsert(model, objects: list, unique: list[str], fields: list[str], batch: int = 2000) -> None:
    model.objects.bulk_create(
        objects,
        batch_size=batch,
        update_conflicts=True,
        unique_fields=unique,
        update_fields=fields,
    )


@transaction.atomic
def territories_import(
    *, data_dir: Path = DATA_DIR, progress: Progress = _no_progress
) -> ImportCounts:
    """Create or update regions, départements, EPCI and communes. Safe to run again."""
    regions = [
        Region(code=row["code"], name=row["nom"], zone=row["zone"])
        for row in read_csv(data_dir / "regions.csv")
    ]
    _upsert(Region, regions, ["code"], ["name", "zone"])
    progress("régions", len(regions))

    dep_shapes = {}
    with (data_dir / "departements.geojson").open(encoding="utf-8") as handle:
        for feature in json.load(handle)["features"]:
            dep_shapes[feature["properties"]["code"]] = simplify_geometry(feature["geometry"])
    departements = [
        Departement(
            code=row["code"],
            name=row["nom"],
            region_id=row["region"],
            zone=row["zone"],
        )
        for row in read_csv(data_dir / "departements.csv")
    ]
    _upsert(Departement, departements, ["code"], ["name", "region", "zone"])
    _shapes_save(DepartementShape, "departement_id", dep_shapes, [d.code for d in departements])
    progress("départements", len(departements))

    epci_shapes = {}
    with (data_dir / "epci.geojson").open(encoding="utf-8") as handle:
        for feature in json.load(handle)["features"]:
            epci_shapes[feature["properties"]["siren"]] = feature["geometry"]
    coordinates = {
        row["code_insee"]: (float(row["lat"]), float(row["lon"]))
        for row in read_csv(data_dir / "communes_coordonnees.csv")
    }
    commune_rows = list(read_csv(data_dir / "communes.csv"))
    dep_region = {d.code: d.region_id for d in departements}

    # Main département / region of an EPCI: where most of its population lives.
    weight: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in commune_rows:
        if row["epci_siren"]:
            weight[row["epci_siren"]][row["departement"]] += int(row["population"] or 0) + 1
    epcis = []
    for row in read_csv(data_dir / "epci.csv"):
        by_dep = weight.get(row["siren"], {})
        main_dep = max(by_dep, key=by_dep.get) if by_dep else None
        epcis.append(
            EPCI(
                siren=row["siren"],
                name=row["nom"],
                kind=row["type"],
                population=int(row["population_totale"]),
                population_municipale=int(row["population_municipale"]),
                commune_count=int(row["nb_communes"]),
                departement_id=main_dep,
                region_id=dep_region.get(main_dep) if main_dep else None,
                departement_codes=" ".join(sorted(by_dep)),
            )
        )
    _upsert(
        EPCI,
        epcis,
        ["siren"],
        [
            "name",
            "kind",
            "population",
            "population_municipale",
            "commune_count",
            "departement",
            "region",
            "departement_codes",
        ],
    )
    _shapes_save(EPCIShape, "epci_id", epci_shapes, [e.siren for e in epcis])
    progress("EPCI", len(epcis))

    batch: list[Commune] = []
    done = 0
    for row in commune_rows:
        lat, lon = coordinates.get(row["code_insee"], (None, None))
        batch.append(
            Commune(
                code_insee=row["code_insee"],
                name=row["nom"],
                search_name=normalize_name(row["nom"]),
                departement_id=row["departement"],
                epci_id=row["epci_siren"] or None,
                population=int(row["population"] or 0),
                postcodes=row["codes_postaux"],
                zone=row["zone"],
                latitude=lat,
                longitude=lon,
            )
        )
        if len(batch) == 2000:
            done += _flush_communes(batch)
            progress("communes", done)
            batch = []
    if batch:
        done += _flush_communes(batch)
        progress("communes", done)
    return territory_counts()


def _shapes_save(model, key: str, shapes: dict, codes: list[str]) -> None:
    """The outlines of these territories (DepartementShape or EPCIShape), apart from them (see
    the models); a territory whose file has no outline any more loses its old one. Every import
    sets `updated_at`: the maps' GeoJSON views then build their copy again."""
    rows = [model(**{key: code, "geometry": shapes[code]}) for code in codes if shapes.get(code)]
    _upsert(model, rows, [key.removesuffix("_id")], ["geometry", "updated_at"], batch=200)
    model.objects.filter(pk__in=[code for code in codes if not shapes.get(code)]).delete()


def _flush_communes(batch: list[Commune]) -> int:
    _upsert(
        Commune,
        batch,
        ["code_insee"],
        [
            "name",
            "search_name",
            "departement",
            "epci",
            "population",
            "postcodes",
            "zone",
            "latitude",
            "longitude",
        ],
    )
    return len(batch)


def territory_counts() -> ImportCounts:
    return ImportCounts(
        regions=Region.objects.count(),
        departements=Departement.objects.count(),
        epcis=EPCI.objects.count(),
        communes=Commune.objects.count(),
        communes_with_coordinates=Commune.objects.filter(latitude__isnull=False).count(),
    )
