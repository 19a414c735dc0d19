"""Rules found by trying the pages as their users: what a doctor is (not) shown, what can be
done when, who is told, which months can be planned."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.notifications.models import Notification
from renfort.planning import services
from renfort.planning.models import Mission, MissionStatus, PlanningRun
from renfort.territories.models import Region
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import ars_occitanie, next_month, planned  # noqa: F401

pytestmark = pytest.mark.django_db
M = MissionStatus


def test_a_declined_date_is_not_proposed_again(
    planned,  # noqa: F811
    ars_occitanie,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    run, site, doctor, dates = planned
    services.planning_publish(month=next_month(), region_code="76", actor=ars_occitanie)
    declined = Mission.objects.filter(doctor=doctor).order_by("date").first()
    services.mission_transition(
        mission=declined, actor=doctor.user, to_status=M.DECLINED, comment="Pas libre ce jour"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    again = Mission.objects.filter(doctor=doctor, date=declined.date).exclude(pk=declined.pk)
    assert not again.exists()
    assert declined.history.last().comment == "Pas libre ce jour"


def test_a_day_the_site_cancelled_is_not_planned_there_again(
    planned,  # noqa: F811
    ars_occitanie,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    run, site, doctor, dates = planned
    services.planning_publish(month=next_month(), region_code="76", actor=ars_occitanie)
    cancelled = Mission.objects.filter(doctor=doctor).order_by("date").first()
    services.mission_transition(mission=cancelled, actor=doctor.user, to_status=M.ACCEPTED)
    services.mission_transition(mission=cancelled, actor=ars_occitanie, to_status=M.CONFIRMED)
    services.mission_transition(
        mission=cancelled, actor=site.manager, to_status=M.CANCELLED, comment="Dégât des eaux"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    again = Mission.objects.filter(site=site, date=cancelled.date).exclude(pk=cancelled.pk)
    assert not again.exists()
    # The ARS reads who cancelled (not « le Dr … a annulé »), the site and the doctor too.
    to_ars = Notification.objects.get(kind="mission_cancelled_ars")
    assert to_ars.body.startswith(f"Bonjour,\n\nLe lieu d'accueil « {site.name} » a annulé")
    assert to_ars.subject.endswith("annulée par le lieu d'accueil")
    assert "à votre demande" in Notification.objects.get(kind="mission_cancelled_site").body
    assert (
        "annulée par le lieu d'accueil" in Notification.objects.get(kind="mission_cancelled").body
    )


def test_the_site_hears_that_a_doctor_declined(planned, ars_occitanie):  # noqa: F811
    run, site, doctor, dates = planned
    services.planning_publish(month=next_month(), region_code="76", actor=ars_occitanie)
    mission = Mission.objects.filter(doctor=doctor).order_by("date").first()
    services.mission_transition(mission=mission, actor=doctor.user, to_status=M.DECLINED)
    told = Notification.objects.get(kind="mission_declined_site")
    assert told.recipient == site.manager.email
    assert f"Le Dr {doctor.full_name} a décliné la mission" in told.body
    assert "elle n'aura pas lieu" in told.body


def test_a_mission_is_marked_done_from_its_day_only(ars_occitanie):  # noqa: F811
    coming = MissionFactory(status=M.CONFIRMED)
    with pytest.raises(ValidationError, match="à partir de son jour"):
        services.mission_transition(mission=coming, actor=coming.site.manager, to_status=M.DONE)
    today = MissionFactory(status=M.CONFIRMED, date=timezone.localdate())
    services.mission_transition(mission=today, actor=today.site.manager, to_status=M.DONE)
    today.refresh_from_db()
    assert today.status == M.DONE


def test_national_steering_confirms_accepted_missions():
    national = UserFactory(role=Role.NATIONAL)
    mission = MissionFactory(status=M.ACCEPTED, date=next_month() + timedelta(days=3))
    count, skipped = services.missions_confirm_accepted(
        month=next_month(), region_code=mission.site.region_id, actor=national
    )
    mission.refresh_from_db()
    assert (count, skipped, mission.status) == (1, [], M.CONFIRMED)


def test_a_proposal_removed_before_publishing_never_reaches_the_doctor(client, ars_occitanie):  # noqa: F811
    removed = MissionFactory(status=M.DRAFT)
    services.mission_remove(mission=removed, actor=ars_occitanie)
    removed.refresh_from_db()
    assert removed.status == M.CANCELLED
    told = MissionFactory(
        doctor=removed.doctor, site=removed.site, status=M.PROPOSED, date=removed.date
    )
    services.mission_transition(
        mission=told, actor=ars_occitanie, to_status=M.CANCELLED, comment="Lieu fermé"
    )
    client.force_login(removed.doctor.user)
    page = client.get(reverse("planning:doctor_missions"))
    assert page.context["upcoming"] == []
    assert [m.pk for m in page.context["dropped"]] == [told.pk]  # published, then cancelled
    assert client.get(reverse("planning:mission_detail", args=[removed.pk])).status_code == 404
    assert client.get(reverse("planning:mission_detail", args=[told.pk])).status_code == 200
    client.force_login(removed.site.manager)
    assert client.get(reverse("planning:mission_detail", args=[removed.pk])).status_code == 404


def test_the_ars_hears_when_a_site_cancels(ars_occitanie, django_capture_on_commit_callbacks):  # noqa: F811
    from tests.booking.factories import book, free_slot, mission_with_slots

    mission = mission_with_slots(status=M.CONFIRMED)
    book(free_slot(mission))  # one patient: the emails say so in the singular
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(
            mission=mission,
            actor=mission.site.manager,
            to_status=M.CANCELLED,
            comment="Dégât des eaux",
        )
    mail = Notification.objects.get(kind="mission_cancelled_ars")
    assert mail.recipient == ars_occitanie.email and "Dégât des eaux" in mail.body
    one = "1 rendez-vous de patient a été annulé : le patient est prévenu et d'autres créneaux lui"
    for kind in ("mission_cancelled_ars", "mission_cancelled"):
        assert one in Notification.objects.get(kind=kind).body, kind
    doctor_mail = Notification.objects.get(kind="mission_cancelled")
    assert doctor_mail.subject.endswith(" — annulée")


@pytest.mark.parametrize("months_ahead", [-1, 13])
def test_only_the_coming_year_can_be_planned(ars_occitanie, months_ahead):  # noqa: F811
    this_month = timezone.localdate().replace(day=1)
    month = this_month + timedelta(days=31 * months_ahead + (15 if months_ahead > 0 else -1))
    with pytest.raises(ValidationError, match="On ne planifie que"):
        services.planning_run_create(
            month=month.replace(day=1), region_code="76", actor=ars_occitanie
        )


def test_a_past_month_gets_a_french_message_on_the_page(client, ars_occitanie):  # noqa: F811
    client.force_login(ars_occitanie)
    response = client.post(reverse("planning:run"), {"mois": "1900-01"}, follow=True)
    assert "On ne planifie que" in response.content.decode()
    assert not PlanningRun.objects.exists()


def test_accepted_missions_are_tentative_in_the_calendar(client):
    accepted = MissionFactory(status=M.ACCEPTED)
    client.force_login(accepted.doctor.user)
    body = client.get(reverse("planning:doctor_ics")).content.decode()
    assert "STATUS:TENTATIVE" in body and "SEQUENCE:1" in body  # one history row
    services.mission_transition(
        mission=accepted,
        actor=UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76")),
        to_status=M.CONFIRMED,
    )
    body = client.get(reverse("planning:doctor_ics")).content.decode()
    assert "STATUS:CONFIRMED" in body and "SEQUENCE:2" in body


def test_refusals_are_french_pages(client):
    mission = MissionFactory(status=M.PROPOSED)
    client.force_login(mission.doctor.user)
    response = client.post(
        reverse("planning:mission_transition", args=[mission.pk]),
        {"to_status": M.CONFIRMED},
        follow=True,
    )
    assert response.status_code == 200 and "fr-alert--error" in response.content.decode()
    missing = client.get("/planification/missions/999999/")
    assert missing.status_code == 404 and "Page introuvable" in missing.content.decode()
    forbidden = client.get(reverse("planning:index"))
    assert forbidden.status_code == 403 and "Accès refusé" in forbidden.content.decode()


def test_a_get_on_a_post_only_address_explains_in_french(client, ars_occitanie):  # noqa: F811
    client.force_login(ars_occitanie)
    response = client.get(reverse("planning:run"))  # publishing has a GET: its confirmation
    assert response.status_code == 405 and "Action impossible" in response.content.decode()


def test_pages_lead_back_and_future_missions_cannot_be_closed(client):
    mission = MissionFactory(status=M.CONFIRMED)
    client.force_login(mission.site.manager)
    page = client.get(reverse("planning:site_missions")).content.decode()
    assert reverse("planning:mission_detail", args=[mission.pk]) in page
    assert 'value="done"' not in page  # « Marquer comme réalisée » comes on the day
    detail = client.get(reverse("planning:mission_detail", args=[mission.pk])).content.decode()
    assert "Retour aux missions du lieu" in detail


def test_the_lock_is_confirmed_on_the_page(client, ars_occitanie):  # noqa: F811
    mission = MissionFactory(status=M.DRAFT)
    client.force_login(ars_occitanie)
    response = client.post(
        reverse("planning:mission_lock", args=[mission.pk]),
        {"locked": "1", "mois": f"{mission.date:%Y-%m}"},
        follow=True,
    )
    assert "Mission verrouillée" in response.content.decode()


def test_only_a_draft_is_locked(client, ars_occitanie):  # noqa: F811
    mission = MissionFactory(status=M.CONFIRMED)
    with pytest.raises(ValidationError, match="une mission publiée est toujours conservée"):
        services.mission_lock(mission=mission, actor=ars_occitanie, locked=True)
    client.force_login(ars_occitanie)
    page = client.get(reverse("planning:index"), {"mois": f"{mission.date:%Y-%m}"}).text
    assert f'id="mission-{mission.pk}"' in page
    assert reverse("planning:mission_lock", args=[mission.pk]) not in page


def test_a_run_lost_by_the_worker_is_replaced(ars_occitanie):  # noqa: F811
    lost = PlanningRun.objects.create(month=next_month(), region_id="76", created_by=ars_occitanie)
    fresh = services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    assert fresh == lost  # still within its time: the same run is shown
    PlanningRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    again = services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    lost.refresh_from_db()
    assert again != lost and lost.status == PlanningRun.Status.FAILED
    assert "interrompu" in lost.error


def test_a_national_run_shows_on_the_region_page(client, ars_occitanie):  # noqa: F811
    national = PlanningRun.objects.create(
        month=next_month(), region_id=None, status=PlanningRun.Status.DONE, gap=0.0078
    )
    PlanningRun.objects.filter(pk=national.pk).update(solver_status="feasible")
    client.force_login(ars_occitanie)
    page = client.get(reverse("planning:index"), {"mois": f"{next_month():%Y-%m}"})
    text = page.content.decode()
    assert page.context["run"] == national and "France entière" in text
    assert "0,78 % sous l'optimum" in text
    status = client.get(reverse("planning:run_status", args=[national.pk]))
    assert status.status_code == 200


def test_a_consultation_over_is_not_cancelled_and_a_withdrawal_leaves_it(client):
    """Today after its last slot: no « Annuler la mission », refused if posted, left out of
    a withdrawal (its patients are marked on the day view, its record stays)."""
    from renfort.booking.models import Slot
    from renfort.doctors.services import doctor_transition
    from tests.booking.factories import mission_with_slots

    mission = mission_with_slots(status=M.CONFIRMED, date=timezone.localdate())
    # Its slots all ended an hour ago, at whatever hour the test runs.
    over = timezone.now() - timedelta(hours=1)
    Slot.objects.filter(mission=mission).delete()
    Slot.objects.create(
        mission=mission,
        site=mission.site,
        doctor=mission.doctor,
        start=over - timedelta(minutes=20),
        end=over,
        status="available",
    )
    assert services.mission_ended(mission)
    client.force_login(mission.doctor.user)
    page = client.get(reverse("planning:doctor_missions")).content.decode()
    assert "Annuler la mission" not in page
    with pytest.raises(ValidationError) as refused:
        services.mission_transition(
            mission=mission,
            actor=mission.doctor.user,
            to_status=M.CANCELLED,
            comment="Empêchement de dernière minute",
        )
    assert refused.value.code == "ended"
    page = client.get(reverse("doctors:withdraw")).content.decode()
    assert mission.site.name not in page
    doctor_transition(doctor=mission.doctor, actor=mission.doctor.user, to_status="withdrawn")
    mission.refresh_from_db()
    assert mission.status == M.CONFIRMED


def test_a_mission_without_slots_ends_with_its_consultation_hours():
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    mission = MissionFactory(status=M.CONFIRMED, date=next_month() + timedelta(days=3))
    morning = datetime.combine(mission.date, time(6), tzinfo=paris)
    evening = datetime.combine(mission.date, time(23), tzinfo=paris)
    assert not mission.slots.exists()
    assert not services.mission_ended(mission, now=morning)
    assert services.mission_ended(mission, now=evening)
    assert services.mission_ended(mission, now=evening + timedelta(days=1))


def test_a_doctor_reaches_the_days_patients_from_the_mission(client):
    mission = MissionFactory(status=M.CONFIRMED, date=next_month() + timedelta(days=3))
    day = reverse("booking:day", args=[mission.site_id, mission.date.isoformat()])
    client.force_login(mission.doctor.user)
    for url in (
        reverse("planning:mission_detail", args=[mission.pk]),
        reverse("planning:doctor_missions"),
    ):
        assert day in client.get(url).content.decode(), url
    assert client.get(day).status_code == 200
