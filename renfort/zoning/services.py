"""Writes on the priority zoning: imports of official lists and ARS changes, each with history."""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from renfort.accounts.permissions import can_manage_zones_of_region
from renfort.core.text import count
from renfort.territories.models import EPCI

from .models import Category, Certainty, PriorityZone, RegionTarget, ZoneChange, Zoning
from .selectors import zone_active_sites

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "reference" / "zones_prioritaires_2025.csv"
DEFAULT_TARGETS = (
    Path(settings.BASE_DIR) / "data" / "reference" / "zones_prioritaires_2025_cibles_regionales.csv"
)
DEFAULT_ZONING = {
    "name": "Zonage national de juin 2025 (zones rouges)",
    "published_on": date(2025, 6, 1),
    "source": (
        "Liste nationale des 151 EPCI prioritaires (catégories 4 et 5 de l'indice de "
        "vulnérabilité), reconstituée à partir de sources publiques : voir chaque zone."
    ),
    "expected_zone_count": 151,
    "expected_population": 2_539_784,
}


@dataclass(frozen=True)
class ZoneImportReport:
    created: int
    updated: int
    unchanged: int
    kept_removed: int
    removed_missing: int
    unknown_sirens: list[str]
    # Zones absent from the file but kept because host sites are active there (remove_missing).
    kept_with_sites: list[str] = field(default_factory=list)

    @property
    def total_in_file(self) -> int:
        return self.created + self.updated + self.unchanged + self.kept_removed


def certainty_from_note(note: str) -> str:
    text = note.upper()
    if "A VERIFIER" in text or "À VÉRIFIER" in text or "CONTEST" in text:
        return Certainty.DOUBTFUL
    if "DEDUIT" in text or "DÉDUIT" in text or "À CONFIRMER" in text or "A CONFIRMER" in text:
        return Certainty.DEDUCED
    return Certainty.CONFIRMED


def _category(value: str) -> str:
    value = (value or "").strip()
    return value if value in (Category.FOUR, Category.FIVE) else Category.UNKNOWN


@transaction.atomic
def zoning_get_or_create(
    *,
    name: str,
    published_on: date,
    source: str = "",
    expected_zone_count: int | None = None,
    expected_population: int | None = None,
    activate: bool = True,
) -> Zoning:
    zoning, _ = Zoning.objects.update_or_create(
        name=name,
        defaults={
            "published_on": published_on,
            "source": source,
            "expected_zone_count": expected_zone_count,
            "expected_population": expected_population,
        },
    )
    if activate and not zoning.is_active:
        zoning_activate(zoning=zoning)
    return zoning


@transaction.atomic
def zoning_activate(*, zoning: Zoning) -> None:
    Zoning.objects.select_for_update().filter(is_active=True).exclude(pk=zoning.pk).update(
        is_active=False
    )
    Zoning.objects.filter(pk=zoning.pk).update(is_active=True)
    zoning.is_active = True


# The columns an import reads, and the zone field each one sets. A column absent from the file
# leaves that field as it is (a file of SIRENs alone never erases the zones' sources).
ZONE_COLUMNS = {
    "nom_officiel_liste": "listed_name",
    "source_url": "source",
    "source": "source",
    "note": "note",
    "categorie": "category",
    "fiabilite": "certainty",
}
FILE_FORMAT = (
    "un fichier CSV en UTF-8, séparé par des virgules ou des points-virgules, avec une colonne "
    "« siren » (9 chiffres, un EPCI par ligne) et, au choix, « nom_officiel_liste », "
    "« source_url », « note », « categorie » (4 ou 5), « fiabilite » ; ou une simple liste "
    "de SIREN, un par ligne, sans en-tête"
)


def read_zone_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a zone list, each with a « siren » and the optional columns present.
    A file that cannot be read as such is refused with a French ValidationError saying what
    to fix, before anything is written."""
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"Fichier introuvable : {path}.") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} est un dossier : indiquez un fichier CSV.") from None
    except UnicodeDecodeError:
        raise ValidationError(
            f"{path.name} n'est pas en UTF-8 : enregistrez-le au format « CSV UTF-8 »."
        ) from None
    lines = [line for line in content.splitlines() if line.strip()]
    if not lines:
        raise ValidationError(f"{path.name} est vide : il faut {FILE_FORMAT}.")
    first = lines[0].strip().strip(",;")
    if first.isdigit():  # a bare list of SIRENs, no header
        return [{"siren": line.strip().strip(",;").strip()} for line in lines]
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    columns = {(name or "").strip().lower() for name in reader.fieldnames or ()}
    if "siren" not in columns:
        raise ValidationError(
            f"{path.name} n'a pas de colonne « siren » (colonnes lues : "
            f"{', '.join(sorted(c for c in columns if c)) or 'aucune'}) : il faut {FILE_FORMAT}."
        )
    rows = []
    for row in reader:
        cleaned = {
            (key or "").strip().lower(): (value or "").strip()
            for key, value in row.items()
            if key is not None and not isinstance(value, list)
        }
        if cleaned.get("siren"):
            rows.append(cleaned)
    if not rows:
        raise ValidationError(f"{path.name} ne contient aucun SIREN : il faut {FILE_FORMAT}.")
    return rows


def _zone_values(row: dict[str, str]) -> dict[str, str]:
    """The zone fields a row sets: only those whose column is in the file."""
    values = {}
    for column, name in ZONE_COLUMNS.items():
        if column in row and name not in values:
            values[name] = _category(row[column]) if name == "category" else row[column]
    if values.get("certainty", "") not in Certainty.values:  # empty or not one of ours
        values.pop("certainty", None)
        if "note" in values:
            values["certainty"] = certainty_from_note(values["note"])
    return values


@transaction.atomic
def priority_zones_import(
    *,
    zoning: Zoning,
    path: Path = DEFAULT_FILE,
    targets_path: Path | None = None,
    remove_missing: bool = False,
) -> ZoneImportReport:
    """Create or update the zones of a zoning from a CSV (one EPCI SIREN per row, see
    `read_zone_rows`).

    Running it again with the same file changes nothing; a completed file adds the new rows.
    A column absent from the file leaves its field unchanged. A zone that an ARS agent removed
    stays removed. With ``remove_missing`` the zones absent from the file are removed (with
    history), which is refused when no SIREN of the file is known: an empty or wrong file
    would otherwise remove every zone."""
    rows = read_zone_rows(path)
    known_epcis = set(
        EPCI.objects.filter(siren__in=[r["siren"] for r in rows]).values_list("siren", flat=True)
    )
    if remove_missing and not known_epcis:
        raise ValidationError(
            f"Aucun SIREN de {path.name} n'est un EPCI connu : rien n'est retiré. Vérifiez le "
            "fichier (--remove-missing retire les zones absentes du fichier)."
        )
    existing = {z.epci_id: z for z in zoning.zones.select_for_update()}
    created = updated = unchanged = kept_removed = 0
    unknown: list[str] = []
    seen: set[str] = set()
    for row in rows:
        siren = row["siren"]
        if siren not in known_epcis:
            unknown.append(siren)
            continue
        if siren in seen:
            continue
        seen.add(siren)
        values = _zone_values(row)
        zone = existing.get(siren)
        if zone is None:
            values.setdefault("certainty", Certainty.CONFIRMED)
            zone = PriorityZone.objects.create(zoning=zoning, epci_id=siren, **values)
            ZoneChange.objects.create(
                zone=zone, action=ZoneChange.Action.IMPORTED, reason=path.name
            )
            created += 1
            continue
        if zone.removed_at is not None:
            kept_removed += 1
            continue
        changed = [k for k, v in values.items() if getattr(zone, k) != v]
        if changed:
            for key in changed:
                setattr(zone, key, values[key])
            zone.save(update_fields=[*changed, "updated_at"])
            ZoneChange.objects.create(
                zone=zone,
                action=ZoneChange.Action.UPDATED,
                reason=f"{path.name} : {', '.join(changed)}",
            )
            updated += 1
        else:
            unchanged += 1
    removed_missing = 0
    kept_with_sites: list[str] = []
    if remove_missing:
        for siren, zone in existing.items():
            if siren not in seen and zone.removed_at is None:
                if zone_active_sites(zone).exists():
                    kept_with_sites.append(siren)
                    continue
                zone.removed_at = timezone.now()
                zone.save(update_fields=["removed_at", "updated_at"])
                ZoneChange.objects.create(
                    zone=zone,
                    action=ZoneChange.Action.REMOVED,
                    reason=f"Absente de {path.name}",
                )
                removed_missing += 1
    if targets_path is not None:
        region_targets_import(zoning=zoning, path=targets_path)
    return ZoneImportReport(
        created, updated, unchanged, kept_removed, removed_missing, unknown, kept_with_sites
    )


def region_targets_import(*, zoning: Zoning, path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        RegionTarget.objects.update_or_create(
            zoning=zoning,
            region_id=row["region_code"],
            defaults={
                "expected_zone_count": int(row["nombre_zones_annonce"]),
                "source": row.get("source", ""),
            },
        )
    return len(rows)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Indiquez le motif de la modification (au moins 5 caractères).")
    return reason


@transaction.atomic
def priority_zone_add(*, actor, epci: EPCI, reason: str, category: str = Category.UNKNOWN):
    """An ARS agent adds an EPCI of their region to the active zoning (or restores it)."""
    reason = _require_reason(reason)
    if not can_manage_zones_of_region(actor, epci.region_id):
        raise PermissionDenied("Vous ne pouvez modifier que les zones de votre région.")
    zoning = Zoning.objects.select_for_update().filter(is_active=True).first()
    if zoning is None:
        raise ValidationError("Aucun zonage n'est en vigueur.")
    zone = PriorityZone.objects.select_for_update().filter(zoning=zoning, epci=epci).first()
    if zone is not None and zone.removed_at is None:
        raise ValidationError(f"{epci.name} est déjà une zone prioritaire.")
    if zone is None:
        zone = PriorityZone.objects.create(
            zoning=zoning,
            epci=epci,
            category=_category(category),
            source=f"Ajout par {actor.scope_label}",
            certainty=Certainty.OFFICIAL,
            note=reason,
        )
        action = ZoneChange.Action.ADDED
    else:
        zone.removed_at = None
        zone.save(update_fields=["removed_at", "updated_at"])
        action = ZoneChange.Action.RESTORED
    ZoneChange.objects.create(zone=zone, action=action, reason=reason, actor=actor)
    return zone


def zone_removal_blocker(zone: PriorityZone) -> str:
    """Why the zone cannot be removed now (French), or "" when it can.

    A zone with active or validated host sites stays: removed, it would vanish from the public
    pages and the commune search while those sites (map, booking, API, planning) still name it.
    The ARS suspends or closes the sites first (or corrects their commune), then removes the
    zone; a zone restored later finds its sites again."""
    sites = list(zone_active_sites(zone))
    if not sites:
        return ""
    names = ", ".join(f"« {site.name} »" for site in sites[:5])
    if len(sites) > 5:
        names += "…"
    how_many = count(
        len(sites), "lieu d'accueil actif ou validé", "lieux d'accueil actifs ou validés"
    )
    return (
        f"{zone.epci.name} a encore {how_many} ({names}) : suspendez ou fermez ces lieux "
        "avant de retirer la zone."
    )


@transaction.atomic
def priority_zone_remove(*, actor, zone: PriorityZone, reason: str) -> PriorityZone:
    """Remove a zone from the active zoning. Refused while host sites are active there."""
    reason = _require_reason(reason)
    if not can_manage_zones_of_region(actor, zone.epci.region_id):
        raise PermissionDenied("Vous ne pouvez modifier que les zones de votre région.")
    zone = PriorityZone.objects.select_for_update().get(pk=zone.pk)
    if zone.removed_at is not None:
        raise ValidationError("Cette zone a déjà été retirée.")
    blocker = zone_removal_blocker(zone)
    if blocker:
        raise ValidationError(blocker)
    zone.removed_at = timezone.now()
    zone.save(update_fields=["removed_at", "updated_at"])
    ZoneChange.objects.create(
        zone=zone, action=ZoneChange.Action.REMOVED, reason=reason, actor=actor
    )
    return zone
