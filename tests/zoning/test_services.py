import csv

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from renfort.sites.models import SiteStatus
from renfort.territories.models import EPCI, Region
from renfort.zoning import selectors
from renfort.zoning.models import Certainty, PriorityZone, ZoneChange, Zoning
from renfort.zoning.services import (
    DEFAULT_FILE,
    certainty_from_note,
    priority_zone_add,
    priority_zone_remove,
    priority_zones_import,
    zone_removal_blocker,
    zoning_activate,
    zoning_get_or_create,
)
from tests.factories import UserFactory
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db


def source_rows() -> list[dict]:
    with DEFAULT_FILE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_zones_loaded_match_the_source_file():
    rows = source_rows()
    zones = selectors.current_zones()
    assert zones.count() == len(rows) == 64
    assert set(zones.values_list("epci_id", flat=True)) == {r["siren"] for r in rows}
    summary = selectors.zoning_summary()
    assert summary.known_count == 64 and summary.expected_count == 151 and summary.is_partial
    assert summary.population == sum(int(r["population_totale_2026"]) for r in rows)


def test_import_again_creates_no_duplicate_and_no_history_noise():
    zoning = Zoning.objects.get(is_active=True)
    history = ZoneChange.objects.count()
    report = priority_zones_import(zoning=zoning, path=DEFAULT_FILE)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 64)
    assert PriorityZone.objects.count() == 64
    assert ZoneChange.objects.count() == history


def test_completed_file_adds_and_updates(tmp_path):
    zoning = Zoning.objects.get(is_active=True)
    rows = source_rows()
    rows[0]["note"] = "Confirmé par l'arrêté"
    new_epci = EPCI.objects.exclude(siren__in=[r["siren"] for r in rows]).order_by("siren").first()
    rows.append({**rows[1], "siren": new_epci.siren, "note": "", "source_url": "liste complète"})
    path = tmp_path / "complete.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = priority_zones_import(zoning=zoning, path=path)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 63)
    assert selectors.current_zones().count() == 65
    assert ZoneChange.objects.filter(action=ZoneChange.Action.UPDATED).count() == 1


def test_remove_missing_removes_with_history(tmp_path):
    zoning = Zoning.objects.get(is_active=True)
    rows = source_rows()[:60]
    path = tmp_path / "short.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = priority_zones_import(zoning=zoning, path=path, remove_missing=True)
    assert report.removed_missing == 4
    assert selectors.current_zones().count() == 60
    assert PriorityZone.objects.count() == 64


def test_unknown_siren_is_reported_not_imported(tmp_path):
    zoning = Zoning.objects.get(is_active=True)
    path = tmp_path / "bad.csv"
    path.write_text("siren,nom_officiel_liste,note,source_url\n999999999,Inconnue,,x\n")
    report = priority_zones_import(zoning=zoning, path=path)
    assert report.unknown_sirens == ["999999999"]


@pytest.mark.parametrize(
    ("note", "certainty"),
    [
        ("", Certainty.CONFIRMED),
        ("DEDUIT DU LIEU: ...", Certainty.DEDUCED),
        ("siège - à confirmer", Certainty.DEDUCED),
        ("A VERIFIER: cité par", Certainty.DOUBTFUL),
    ],
)
def test_certainty_from_note(note, certainty):
    assert certainty_from_note(note) == certainty


def test_only_one_zoning_is_active():
    other = zoning_get_or_create(name="Zonage 2027", published_on="2027-01-01", activate=False)
    assert not other.is_active
    zoning_activate(zoning=other)
    assert list(Zoning.objects.filter(is_active=True)) == [other]
    assert selectors.current_zones().count() == 0


def test_ars_agent_removes_and_restores_a_zone_of_their_region():
    agent = UserFactory(ars=True)  # Nouvelle-Aquitaine
    zone = selectors.current_zones().filter(epci__region_id="75").first()
    priority_zone_remove(actor=agent, zone=zone, reason="Erreur de saisie dans la liste")
    assert not selectors.current_zones().filter(pk=zone.pk).exists()
    restored = priority_zone_add(actor=agent, epci=zone.epci, reason="Rétablie après vérification")
    assert restored.pk == zone.pk and restored.removed_at is None
    actions = list(zone.changes.values_list("action", "actor"))
    assert actions[:2] == [("restored", agent.pk), ("removed", agent.pk)]


def test_ars_agent_adds_an_epci_of_their_region():
    agent = UserFactory(ars=True)
    epci = EPCI.objects.filter(region_id="75").exclude(zones__isnull=False).first()
    zone = priority_zone_add(actor=agent, epci=epci, reason="Arrêté ARS du 1er octobre 2026")
    assert zone.certainty == Certainty.OFFICIAL
    assert zone.changes.get().actor == agent


def test_ars_agent_cannot_touch_another_region():
    agent = UserFactory(ars=True)  # Nouvelle-Aquitaine
    occitanie_zone = selectors.current_zones().filter(epci__region_id="76").first()
    with pytest.raises(PermissionDenied):
        priority_zone_remove(actor=agent, zone=occitanie_zone, reason="Pas ma région")
    epci = EPCI.objects.filter(region_id="76").exclude(zones__isnull=False).first()
    with pytest.raises(PermissionDenied):
        priority_zone_add(actor=agent, epci=epci, reason="Pas ma région")
    assert selectors.current_zones().filter(pk=occitanie_zone.pk).exists()


@pytest.mark.parametrize("role", ["doctor", "site_manager", "national", "cdom"])
def test_other_roles_cannot_change_zones(role):
    user = UserFactory(**{role: True})
    zone = selectors.current_zones().first()
    with pytest.raises(PermissionDenied):
        priority_zone_remove(actor=user, zone=zone, reason="Je ne devrais pas pouvoir")


def test_reason_is_required_and_duplicates_refused():
    agent = UserFactory(ars=True)
    zone = selectors.current_zones().filter(epci__region_id="75").first()
    with pytest.raises(ValidationError):
        priority_zone_remove(actor=agent, zone=zone, reason=" ")
    with pytest.raises(ValidationError):
        priority_zone_add(actor=agent, epci=zone.epci, reason="Déjà dans la liste")
    assert PriorityZone.objects.filter(epci=zone.epci).count() == 1


def test_import_command_is_idempotent(capsys):
    call_command("import_priority_zones")
    call_command("import_priority_zones")
    out = capsys.readouterr().out
    assert "Zones connues : 64 sur 151" in out
    assert PriorityZone.objects.count() == 64


def test_import_command_takes_french_dates_and_says_a_bad_one_in_french(capsys):
    from renfort.zoning.models import Zoning

    call_command(
        "import_priority_zones", "--zoning", "Zonage essai", "--published-on", "15/06/2025"
    )
    assert Zoning.objects.get(name="Zonage essai").published_on.isoformat() == "2025-06-15"
    with pytest.raises(CommandError, match="Date invalide « 2025/06/15 » : écrivez-la JJ/MM/AAAA"):
        call_command("import_priority_zones", "--zoning", "Autre", "--published-on", "2025/06/15")


# --- Removal of a zone with host sites -----------------------------------------------------------

HAUT_LANGUEDOC = "200066553"  # Lacaune, Occitanie: the SiteFactory's default zone


def occitanie_agent():
    return UserFactory(ars=True, region=Region.objects.get(code="76"))


@pytest.mark.parametrize("status", [SiteStatus.ACTIVE, SiteStatus.VALIDATED])
def test_zone_with_sites_in_service_is_not_removed(status):
    site = SiteFactory(name="Maison de santé (fictive) de Lacaune", status=status)
    zone = PriorityZone.objects.get(epci_id=HAUT_LANGUEDOC)
    with pytest.raises(ValidationError) as error:
        priority_zone_remove(actor=occitanie_agent(), zone=zone, reason="Sortie de la liste")
    message = error.value.messages[0]
    assert "1 lieu d'accueil actif ou validé" in message and site.name in message
    assert "suspendez ou fermez" in message
    assert selectors.current_zones().filter(pk=zone.pk).exists()
    assert not zone.changes.filter(action=ZoneChange.Action.REMOVED).exists()


@pytest.mark.parametrize(
    "status",
    [SiteStatus.PROPOSED, SiteStatus.RETURNED, SiteStatus.SUSPENDED, SiteStatus.CLOSED],
)
def test_zone_whose_sites_are_not_in_service_is_removed(status):
    site = SiteFactory(status=status)
    zone = PriorityZone.objects.get(epci_id=HAUT_LANGUEDOC)
    assert zone_removal_blocker(zone) == ""
    priority_zone_remove(actor=occitanie_agent(), zone=zone, reason="Sortie de la liste")
    assert not selectors.current_zones().filter(pk=zone.pk).exists()
    # the site keeps its zone: restoring the zone finds it again
    site.refresh_from_db()
    assert site.priority_zone_id == zone.pk


def test_removal_message_counts_several_sites():
    for _ in range(7):
        SiteFactory()
    zone = PriorityZone.objects.get(epci_id=HAUT_LANGUEDOC)
    message = zone_removal_blocker(zone)
    assert message.startswith("CC du Haut-Languedoc a encore 7 lieux d'accueil actifs ou validés")
    assert "…" in message


def test_import_remove_missing_keeps_zones_with_active_sites(tmp_path):
    SiteFactory()
    zoning = Zoning.objects.get(is_active=True)
    rows = [r for r in source_rows() if r["siren"] != HAUT_LANGUEDOC]
    path = tmp_path / "without_haut_languedoc.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = priority_zones_import(zoning=zoning, path=path, remove_missing=True)
    assert report.removed_missing == 0
    assert report.kept_with_sites == [HAUT_LANGUEDOC]
    assert selectors.current_zones().filter(epci_id=HAUT_LANGUEDOC).exists()


# --- Region summary ------------------------------------------------------------------------------


def test_region_summary_uses_the_region_announced_count():
    occitanie = selectors.zoning_summary(region_code="76")
    assert occitanie.region.code == "76"
    assert (occitanie.known_count, occitanie.expected_count, occitanie.is_partial) == (
        20,
        28,
        True,
    )
    # announced count unknown for the region: partial as long as the national list is
    bfc = selectors.zoning_summary(region_code="27")
    assert (bfc.known_count, bfc.expected_count, bfc.is_partial) == (0, None, True)
    national = selectors.zoning_summary()
    assert national.region is None and national.expected_count == 151


def test_unconfirmed_certainties():
    zones = {z.epci_id: z for z in selectors.current_zones()}
    assert zones["200068930"].is_unconfirmed  # « DEDUIT DU LIEU, A VERIFIER »
    assert zones["200042463"].public_label == "Zone prioritaire (liste à confirmer)"  # « DEDUIT »
    assert zones[HAUT_LANGUEDOC].public_label == "Zone prioritaire"
