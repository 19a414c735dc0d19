"""Planning pages: the ARS screen, the doctor's missions and ICS, the site calendar."""

import calendar
import html as htmllib
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from renfort.accounts.models import Role
from renfort.core.templatetags.french import first_day_format
from renfort.doctors.models import availability_horizon
from renfort.planning import services
from renfort.planning.models import Mission, MissionStatus, PlanningRun
from renfort.territories.models import Region
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import next_month, open_dates
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db
M = MissionStatus


@pytest.fixture
def ars(client):
    user = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    client.force_login(user)
    return user


def test_planning_screen_refusals(client):
    url = reverse("planning:index")
    assert client.get(url).status_code == 302  # anonymous: login
    for user in (DoctorFactory().user, UserFactory(site_manager=True), UserFactory(cdom=True)):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_ars_runs_reviews_and_publishes(client, ars, django_capture_on_commit_callbacks):
    site = SiteFactory()
    DoctorFactory(available_on=open_dates(site), last_name="Fictive-Planifiée")
    month = f"{next_month():%Y-%m}"
    page = client.get(reverse("planning:index"), {"mois": month})
    assert "Aucune mission pour ce mois" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:run"), {"mois": month, "time_limit": "5"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Fictive-Planifiée" in page
    assert "1 zone couverte sur" in page
    assert "Publier les 2 propositions" in page
    assert 'id="unplanned-as-of"' in page and "avec la raison donnée par le calcul du" in page
    assert "renfort-calendar__m--draft" in page and 'id="calendar-legend"' in page
    assert 'id="planning-map-data"' in page
    run = PlanningRun.objects.get()
    status = client.get(reverse("planning:run_status", args=[run.pk])).json()
    assert status["finished"] and status["progress"] == 1.0

    page = client.get(reverse("planning:publish"), {"mois": month}).content.decode()
    assert "2 propositions seront envoyées à 1 médecin" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("planning:publish"), {"mois": month, "confirme": "1", "attendu": "2"})
    assert set(Mission.objects.values_list("status", flat=True)) == {M.PROPOSED}


def test_an_ars_naming_an_unknown_region_is_told_so(client, ars):
    assert client.get(reverse("planning:index"), {"region": "ZZ"}).status_code == 400
    assert client.get(reverse("planning:index"), {"region": "75"}).status_code == 403


def test_ars_cannot_touch_another_region(client, ars):
    other = MissionFactory(site=SiteFactory(in_landes=True), status=M.DRAFT)
    assert client.post(reverse("planning:mission_remove", args=[other.pk])).status_code == 404
    assert client.post(reverse("planning:mission_lock", args=[other.pk])).status_code == 404
    run = PlanningRun.objects.create(month=next_month(), region_id="75")
    assert client.get(reverse("planning:run_status", args=[run.pk])).status_code == 404
    # Naming another region in the address is refused, not silently replaced by their own.
    assert client.get(reverse("planning:index"), {"region": "75"}).status_code == 403
    page = client.get(reverse("planning:index"), {"region": "76"}).content.decode()
    assert "Occitanie" in page and other.doctor.last_name not in page


def test_the_run_status_answers_json_errors(client):
    """Polled by planning.js, which stops and says why: never the login page or an HTML error
    page, which it could not read."""
    run = PlanningRun.objects.create(month=next_month(), region_id="75")
    url = reverse("planning:run_status", args=[run.pk])
    expired = client.get(url)
    assert expired.status_code == 401
    assert expired.json() == {"detail": "Votre session a expiré : reconnectez-vous."}
    client.force_login(UserFactory(cdom=True))
    refused = client.get(url)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Votre rôle ne donne pas accès à cette page."}
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76")))
    for pk in (run.pk, run.pk + 1):  # another region's run, a run that does not exist
        missing = client.get(reverse("planning:run_status", args=[pk]))
        assert missing.status_code == 404 and missing.json() == {"detail": "Calcul introuvable."}


def test_the_month_list_runs_to_the_last_month_a_run_accepts(client, ars):
    from renfort.planning.views import _next_month

    this_month = timezone.localdate().replace(day=1)
    last = this_month.replace(year=this_month.year + 1)
    page = client.get(reverse("planning:index")).content.decode()
    assert f'value="{last:%Y-%m}"' in page and f'value="{_next_month(last):%Y-%m}"' not in page
    # A month outside the list but within the programme's two coming years, named in the
    # address, is listed and selected.
    later = _next_month(_next_month(last))
    page = client.get(reverse("planning:index"), {"mois": f"{later:%Y-%m}"}).content.decode()
    assert f'value="{later:%Y-%m}" selected' in page


def test_national_steering_chooses_the_region(client):
    client.force_login(UserFactory(national=True))
    page = client.get(reverse("planning:index"), {"region": "75"})
    assert "Nouvelle-Aquitaine" in page.content.decode()
    assert (
        client.get(reverse("planning:index"), {"region": "ZZ"}).status_code == 400
    )  # unknown: said, as on the lists


def test_bad_time_limit_gets_a_french_message(client, ars):
    month = f"{next_month():%Y-%m}"
    response = client.post(
        reverse("planning:run"), {"mois": month, "time_limit": "beaucoup"}, follow=True
    )
    assert "nombre de secondes" in response.content.decode()
    response = client.post(
        reverse("planning:run"), {"mois": month, "time_limit": "9999"}, follow=True
    )
    assert "entre 1 et 300" in response.content.decode()
    assert not PlanningRun.objects.exists()


def test_coming_missions_list_only_those_that_will_take_place(client):
    doctor = DoctorFactory()
    today = timezone.localdate()
    kept = MissionFactory(doctor=doctor, date=today + timedelta(days=3))
    declined = MissionFactory(doctor=doctor, status=M.DECLINED, date=today + timedelta(days=4))
    cancelled = MissionFactory(
        doctor=doctor,
        status=M.CANCELLED,
        date=today + timedelta(days=5),
        status_reason="Lieu indisponible (travaux)",
    )
    client.force_login(doctor.user)
    page = client.get(reverse("planning:doctor_missions")).content.decode()
    coming = page[page.index('id="upcoming-missions"') :]
    coming = coming[: coming.index("</table>")]
    assert f"{kept.date:%d/%m/%Y}" in coming and f"{declined.date:%d/%m/%Y}" not in coming
    dropped = page[page.index('id="dropped-title"') :]
    assert f"{declined.site.name}</a> — Déclinée</li>" in dropped
    assert "Annulée (motif : Lieu indisponible (travaux))" in dropped
    assert reverse("planning:mission_detail", args=[cancelled.pk]) in dropped


def test_doctor_accepts_a_proposal_from_their_space(client):
    mission = MissionFactory(status=M.PROPOSED)
    client.force_login(mission.doctor.user)
    page = client.get(reverse("planning:doctor_missions")).content.decode()
    assert mission.site.name in page and "Accepter" in page
    # The proposal says its hours and the slot length before the doctor answers.
    hours = page.split(f'id="proposal-hours-{mission.pk}">')[1].split("</p>")[0]
    assert hours.startswith(
        "Consultations : matin 9\xa0h\xa000\xa0– 12\xa0h\xa000, "
        "après-midi 14\xa0h\xa000\xa0– 18\xa0h\xa000"
    )
    assert "créneaux de 20 min" in hours
    assert "Aucune mission acceptée ou confirmée à venir." in page
    response = client.post(
        reverse("planning:mission_transition", args=[mission.pk]),
        {"to_status": M.ACCEPTED, "next": reverse("planning:doctor_missions")},
    )
    assert response.url == reverse("planning:doctor_missions")
    mission.refresh_from_db()
    assert mission.status == M.ACCEPTED


def test_the_doctor_reads_what_they_did_in_the_first_person(client):
    mission = MissionFactory(status=M.PROPOSED)
    client.force_login(mission.doctor.user)
    response = client.post(
        reverse("planning:mission_transition", args=[mission.pk]),
        {"to_status": M.DECLINED, "comment": "Indisponible finalement"},
        follow=True,
    )
    assert (
        f"Vous avez décliné la mission du {mission.date:%d/%m/%Y}. L&#x27;ARS en est informée."
        in response.content.decode()
    )


def test_a_doctor_never_sees_another_doctors_mission(client):
    mission = MissionFactory(status=M.PROPOSED)
    client.force_login(DoctorFactory().user)
    assert client.get(reverse("planning:mission_detail", args=[mission.pk])).status_code == 404
    response = client.post(
        reverse("planning:mission_transition", args=[mission.pk]), {"to_status": M.ACCEPTED}
    )
    assert response.status_code == 404
    assert mission.site.name not in client.get(reverse("planning:doctor_missions")).content.decode()
    mission.refresh_from_db()
    assert mission.status == M.PROPOSED


def test_unpublished_drafts_are_hidden_from_doctors(client):
    mission = MissionFactory(status=M.DRAFT)
    transition = reverse("planning:mission_transition", args=[mission.pk])
    for user in (mission.doctor.user, mission.site.manager):
        client.force_login(user)
        assert client.get(reverse("planning:mission_detail", args=[mission.pk])).status_code == 404
        # Acting on it does not reveal it either (no status in a message).
        assert client.post(transition, {"to_status": M.ACCEPTED}).status_code == 404
    mission.refresh_from_db()
    assert mission.status == M.DRAFT


def test_refused_acceptance_shows_the_reason(client):
    doctor = DoctorFactory(max_days_per_month=1)
    day = next_month() + timedelta(days=2)
    MissionFactory(doctor=doctor, date=day, status=M.CONFIRMED)
    second = MissionFactory(doctor=doctor, date=day + timedelta(days=7), status=M.PROPOSED)
    client.force_login(doctor.user)
    response = client.post(
        reverse("planning:mission_transition", args=[second.pk]),
        {"to_status": M.ACCEPTED},
        follow=True,
    )
    assert "au plus 1 jour par mois" in response.content.decode()


def test_doctor_ics_lists_accepted_and_confirmed_missions(client):
    mission = MissionFactory(status=M.CONFIRMED)
    MissionFactory(doctor=mission.doctor, status=M.PROPOSED, date=mission.date + timedelta(1))
    client.force_login(mission.doctor.user)
    response = client.get(reverse("planning:doctor_ics"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 1
    assert f"UID:mission-{mission.token}@renfort" in body
    assert "STATUS:CONFIRMED" in body and "\r\n" in body
    # The description says whom to call on site and links to the mission's page.
    unfolded = body.replace("\r\n ", "")
    site = mission.site
    assert f"Contact sur place : {site.contact_name} {site.phone_display}." in unfolded
    assert "La mission : http" in unfolded
    assert f"/planification/missions/{mission.pk}/" in unfolded


def test_doctor_ics_keeps_cancelled_missions_only_if_they_were_ever_accepted(client):
    from renfort.doctors.services import doctor_transition

    accepted = MissionFactory(status=M.ACCEPTED)
    proposed = MissionFactory(
        doctor=accepted.doctor, status=M.PROPOSED, date=accepted.date + timedelta(1)
    )
    client.force_login(accepted.doctor.user)
    # A pause withdraws the proposal: it never was in the doctor's calendar.
    doctor_transition(doctor=accepted.doctor, actor=accepted.doctor.user, to_status="paused")
    proposed.refresh_from_db()
    assert proposed.status == M.CANCELLED
    body = client.get(reverse("planning:doctor_ics")).content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and f"mission-{proposed.token}" not in body
    # The accepted one, cancelled, stays so that the calendar removes it.
    services.mission_transition(
        mission=accepted, actor=accepted.doctor.user, to_status=M.CANCELLED, comment="Imprévu."
    )
    body = client.get(reverse("planning:doctor_ics")).content.decode()
    assert f"mission-{accepted.token}" in body and "STATUS:CANCELLED" in body


def test_site_manager_sees_and_closes_their_missions_only(client):
    mission = MissionFactory(status=M.CONFIRMED)
    elsewhere = MissionFactory(status=M.CONFIRMED)
    client.force_login(mission.site.manager)
    page = client.get(reverse("planning:site_missions")).content.decode()
    assert mission.doctor.full_name in page and elsewhere.doctor.full_name not in page
    assert client.get(reverse("planning:mission_detail", args=[elsewhere.pk])).status_code == 404
    # One site: no « Lieu » column; a manager of two sites reads which one.
    assert '<th scope="col">Lieu</th>' not in page and 'data-label="Médecin"' in page
    SiteFactory(manager=mission.site.manager)
    page = client.get(reverse("planning:site_missions")).content.decode()
    assert '<th scope="col">Lieu</th>' in page
    assert f'<td data-label="Lieu">{mission.site.name}</td>' in page
    assert client.get(reverse("planning:index")).status_code == 403


def test_manager_space_lists_coming_missions(client):
    mission = MissionFactory(status=M.ACCEPTED)
    client.force_login(mission.site.manager)
    page = client.get(reverse("sites:manager_space")).content.decode()
    assert f"Dr {mission.doctor.full_name}" in page and "acceptée par le médecin" in page
    assert "à confirmer</strong>" in page and "(1 à confirmer)" in page


def test_the_manager_confirms_from_the_missions_page_then_reaches_the_day(client):
    mission = MissionFactory(status=M.ACCEPTED)
    client.force_login(mission.site.manager)
    page = client.get(reverse("planning:site_missions")).content.decode()
    assert 'name="to_status" value="confirmed"' in page and "Confirmer" in page
    day_link = reverse("booking:day", args=[mission.site_id, mission.date.isoformat()])
    assert day_link not in page  # no agenda before the confirmation
    response = client.post(
        reverse("planning:mission_transition", args=[mission.pk]),
        {"to_status": "confirmed", "next": reverse("planning:site_missions")},
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.status == M.CONFIRMED
    page = client.get(reverse("planning:site_missions")).content.decode()
    assert day_link in page and 'name="to_status" value="confirmed"' not in page
    # « Agenda du mardi 6 janvier » to a screen reader, not « Agenda du jour du 06/01 ».
    day = date_format(mission.date, first_day_format(mission.date, "l j F"))
    assert f'{day_link}">Agenda<span class="fr-sr-only"> du {day}</span></a>' in page


@pytest.mark.parametrize("asked", [{"mois": "2027-13"}, {"mois": ""}, {"mois": "abc"}, {}])
def test_a_calculation_for_a_bad_month_is_refused_not_moved_to_another(client, ars, asked):
    response = client.post(reverse("planning:run"), {**asked, "time_limit": "5"})
    assert response.status_code == 400
    assert "Mois invalide : revenez à la planification" in response.content.decode()
    assert not PlanningRun.objects.exists()


@pytest.mark.parametrize("asked", ["abc", "1900-01", "2099-01"])
def test_a_bad_month_in_the_address_is_said(client, ars, asked):
    page = htmllib.unescape(client.get(reverse("planning:index"), {"mois": asked}).content.decode())
    assert f"Mois « {asked} » invalide ou hors de la période du dispositif" in page
    assert "(de septembre 2025 à " in page and "le mois prochain est affiché." in page
    assert f'<option value="{next_month():%Y-%m}" selected' in page
    assert "1900" not in page.replace(f"« {asked} »", "")  # not added to the month list
    response = client.get(reverse("planning:export"), {"mois": asked, "format": "csv"})
    assert response.status_code == 400  # never another month's file under that name


def test_the_export_is_named_after_its_month_territory_and_day(client, ars):
    month = f"{next_month():%Y-%m}"
    response = client.get(reverse("planning:export"), {"mois": month, "format": "xlsx"})
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="missions-{month}-region-occitanie-{today:%Y-%m-%d}.xlsx"'
    )


def test_only_plannable_months_offer_a_calculation(client, ars):
    today = timezone.localdate()
    index = reverse("planning:index")
    far = client.get(index, {"mois": f"{today.year + 2}-01"}).content.decode()
    assert 'id="run-form"' not in far and "Ce mois ne se calcule pas encore" in far
    assert "lancez un calcul" not in far
    three_months_ago = (today.replace(day=1) - timedelta(days=80)).replace(day=1)
    past = client.get(index, {"mois": f"{three_months_ago:%Y-%m}"}).content.decode()
    assert 'id="run-form"' not in past and "Ce mois est passé" in past
    assert "lancez un calcul" not in past
    coming = client.get(index, {"mois": f"{next_month():%Y-%m}"}).content.decode()
    assert 'id="run-form"' in coming and "lancez un calcul" in coming
    assert 'id="availability-limit"' not in coming
    # Eleven months on: plannable, but beyond the dates doctors can give yet.
    later = (today.replace(day=1) + timedelta(days=340)).replace(day=1)
    page = client.get(index, {"mois": f"{later:%Y-%m}"}).content.decode()
    assert 'id="run-form"' in page and 'id="availability-limit"' in page
    assert "pour ce mois, un calcul ne trouvera encore aucune disponibilité" in page
    # The month in which the limit falls: its last days have no dates yet.
    limit = availability_horizon(today)
    page = client.get(index, {"mois": f"{limit:%Y-%m}"}).content.decode()
    partial = limit.day < calendar.monthrange(limit.year, limit.month)[1]
    assert ('id="availability-limit"' in page) == partial
    if partial:
        assert f"jusqu'au {limit:%d/%m/%Y} : pour les jours suivants de ce mois" in page


def test_no_publication_while_a_calculation_runs(client, ars):
    site = SiteFactory()
    month = next_month()
    MissionFactory(draft=True, site=site, date=open_dates(site)[0])
    run = PlanningRun.objects.create(month=month, region_id="76", status=PlanningRun.Status.RUNNING)
    page = client.get(reverse("planning:index"), {"mois": f"{month:%Y-%m}"}).content.decode()
    assert 'id="publish-form"' not in page and 'id="publish-wait"' in page
    confirm = client.get(reverse("planning:publish"), {"mois": f"{month:%Y-%m}"}).content.decode()
    assert 'id="calculation-running"' in confirm and 'id="confirm-action-form"' not in confirm
    with pytest.raises(ValidationError, match="Un calcul est en cours"):
        services.planning_publish(month=month, region_code="76", actor=ars)
    # A national calculation of the month replaces the region's drafts as well.
    run.region_id = None
    run.save()
    with pytest.raises(ValidationError, match="Un calcul est en cours"):
        services.planning_publish(month=month, region_code="76", actor=ars)
    run.status = PlanningRun.Status.DONE
    run.save()
    published, _ = services.planning_publish(month=month, region_code="76", actor=ars)
    assert len(published) == 1


def test_page_titles_are_unique_per_month_and_mission(client, ars):
    """RGAA 8.6: the month is in the planning page's title, the doctor and site in a
    mission's (two missions on one date)."""
    page = client.get(reverse("planning:index"), {"mois": "2027-01"})
    assert "<title>Planification janvier 2027 — Occitanie" in page.content.decode()
    mission = MissionFactory()
    page = client.get(reverse("planning:mission_detail", args=[mission.pk])).content.decode()
    expected = f"Mission du {mission.date:%d/%m/%Y} — Dr {mission.doctor.full_name}"
    assert f"<title>{expected}, {mission.site.name}" in htmllib.unescape(page)


def test_the_progress_moves_while_the_solver_searches(client, ars):
    """The solver reports nothing during its search: the bar follows its time limit."""
    run = PlanningRun.objects.create(
        month=next_month(), region=ars.region, status=PlanningRun.Status.RUNNING,
        progress=0.3, progress_message="Optimisation en cours", time_limit_seconds=18,
    )  # fmt: skip
    PlanningRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(seconds=10))
    run.refresh_from_db()
    assert 0.44 < run.progress_now() < 0.46  # 0.9 × 10 / 20
    assert client.get(reverse("planning:run_status", args=[run.pk])).json()["progress"] > 0.3
    page = client.get(reverse("planning:index"), {"mois": f"{next_month():%Y-%m}"}).content
    assert b'disabled aria-describedby="run-wait"' in page  # no second run meanwhile
    PlanningRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    run.refresh_from_db()
    assert run.progress_now() == 0.9  # never « done » before it is


def test_the_doctor_reads_why_without_the_planning_words(client):
    mission = MissionFactory(
        explanation="Mission confirmée (conservée), zone à renforcer : 2 jours de consultation "
        "ce mois pour 5 344 habitants, 35 min de trajet"
    )
    client.force_login(mission.doctor.user)
    page = client.get(reverse("planning:mission_detail", args=[mission.pk])).content.decode()
    assert "Pourquoi cette mission : Zone à renforcer : 2 jours" in page
    assert "35 min de trajet" in page and "(conservée)" not in page


def test_a_second_calculation_request_says_the_first_goes_on(client, ars):
    month = f"{next_month():%Y-%m}"
    client.post(reverse("planning:run"), {"mois": month, "region": "76", "time_limit": "5"})
    page = client.post(
        reverse("planning:run"), {"mois": month, "region": "76", "time_limit": "5"}, follow=True
    )
    assert "déjà en cours" in page.content.decode()
    assert PlanningRun.objects.count() == 1


def test_a_consultation_under_way_offers_no_cancellation(client):
    mission = MissionFactory(date=timezone.localdate())
    from renfort.booking.services import slots_sync_for_mission
    from tests.booking.factories import book, free_slot

    # The day's slots laid and booked as in the morning, whatever the hour the test runs at
    # (late in the day no slot is left to lay or book).
    morning = timezone.make_aware(datetime.combine(mission.date, time(7)))
    slots_sync_for_mission(mission=mission, now=morning)
    seen = book(free_slot(mission), now=morning)
    # Not over yet (a consultation over is never cancelled): its last slot ends later.
    last = mission.slots.order_by("-end").first()
    later = max(last.end, timezone.now() + timedelta(hours=2))  # never before its start
    type(last).objects.filter(pk=last.pk).update(end=later)
    client.force_login(mission.doctor.user)
    url = reverse("planning:mission_detail", args=[mission.pk])
    assert 'value="cancelled"' in client.get(url).content.decode()  # before anyone is seen
    type(seen).objects.filter(pk=seen.pk).update(status="seen")
    assert 'value="cancelled"' not in client.get(url).content.decode()
