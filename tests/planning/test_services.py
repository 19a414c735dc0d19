"""Planning services on the database: runs, review, publication, mission workflow."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.core.templatetags.french import night
from renfort.notifications.models import Notification
from renfort.planning import runs, services
from renfort.planning.models import Mission, MissionStatus, PlanningRun
from renfort.planning.problem import problem_build
from renfort.sites.selectors import site_open_days
from renfort.territories.models import Region
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.sites.factories import SiteFactory, open_every_day_site

pytestmark = pytest.mark.django_db
M = MissionStatus


def next_month():
    today = timezone.localdate()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def open_dates(site, count=3):
    first = next_month()
    days = sorted(site_open_days(site, first, first + timedelta(days=27)))
    return days[:: max(1, len(days) // count)][:count]


@pytest.fixture
def ars_occitanie():
    return UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))


@pytest.fixture
def planned(ars_occitanie, django_capture_on_commit_callbacks):
    """One site in Lacaune, one doctor in Albi available on three open dates, one run."""
    site = SiteFactory()
    dates = open_dates(site)
    doctor = DoctorFactory(available_on=dates)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.planning_run_create(
            month=next_month(), region_code="76", actor=ars_occitanie, time_limit_seconds=5
        )
    run.refresh_from_db()
    return run, site, doctor, dates


def test_problem_contains_the_region_sites_doctors_and_open_days(ars_occitanie):
    site = SiteFactory()
    SiteFactory(in_landes=True)  # other region
    doctor = DoctorFactory(available_on=open_dates(site))
    DoctorFactory(status="submitted", available_on=open_dates(site))  # not plannable yet
    context = problem_build(month=next_month(), region_code="76")
    assert [s.id for s in context.problem.sites] == [site.pk]
    assert [v.id for v in context.problem.volunteers] == [doctor.pk]
    assert {d.site_id for d in context.problem.site_days} == {site.pk}
    assert len(context.problem.volunteers[0].availabilities) == 3


def test_a_run_proposes_draft_missions_with_reasons(planned):
    run, site, doctor, dates = planned
    assert run.status == PlanningRun.Status.DONE
    assert run.solver_status == "optimal"
    missions = list(Mission.objects.filter(run=run))
    # The doctor gives two days a month at most (a half-day counts ½).
    assert sum(m.days for m in missions) == 2
    assert all(m.status == M.DRAFT and m.site == site and m.date in dates for m in missions)
    assert all("min de trajet" in m.explanation for m in missions)
    assert all(m.history.get().to_status == M.DRAFT for m in missions)


def test_the_same_run_cannot_be_started_twice_at_once(ars_occitanie):
    first = services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    again = services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    assert first.pk == again.pk
    assert PlanningRun.objects.count() == 1


NATIONAL_RUNNING = (
    "Un calcul pour la France entière est en cours pour ce mois : sa proposition remplacera "
    "aussi celle de cette région. Attendez qu'il soit terminé pour lancer le calcul de la région."
)
REGIONAL_RUNNING = (
    "Un calcul régional est en cours pour ce mois (Occitanie) : le calcul pour la France entière "
    "remplacerait sa proposition. Attendez qu'il soit terminé pour lancer le calcul national."
)


@pytest.mark.parametrize("status", [PlanningRun.Status.QUEUED, PlanningRun.Status.RUNNING])
@pytest.mark.parametrize(
    "other, launched, said", [(None, "76", NATIONAL_RUNNING), ("76", None, REGIONAL_RUNNING)]
)
def test_a_calculation_is_refused_at_launch_while_the_other_scope_of_the_month_runs(
    django_capture_on_commit_callbacks, status, other, launched, said
):
    """A regional run and the national one of a month would replace each other's drafts: the
    second is refused when launched, not later by the task."""
    running = PlanningRun.objects.create(month=next_month(), region_id=other, status=status)
    with pytest.raises(ValidationError) as refused, django_capture_on_commit_callbacks() as tasks:
        services.planning_run_create(
            month=next_month(), region_code=launched, actor=UserFactory(national=True)
        )
    assert refused.value.messages == [said]
    assert list(PlanningRun.objects.all()) == [running] and tasks == []


def test_an_old_lost_or_finished_run_of_the_other_scope_does_not_block_a_launch(ars_occitanie):
    PlanningRun.objects.create(month=next_month(), region_id=None, status="done")
    PlanningRun.objects.create(month=next_month(), region_id="75")  # another region
    month_after = (next_month() + timedelta(days=32)).replace(day=1)  # another month
    PlanningRun.objects.create(month=month_after, region_id=None)
    lost = PlanningRun.objects.create(month=next_month(), region_id=None)
    PlanningRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    run = services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    assert run.region_id == "76" and run.status == PlanningRun.Status.QUEUED


def test_the_planning_page_says_why_a_regional_launch_is_refused(client, ars_occitanie):
    from django.urls import reverse

    PlanningRun.objects.create(month=next_month(), region_id=None)
    client.force_login(ars_occitanie)
    response = client.post(
        reverse("planning:run"), {"mois": f"{next_month():%Y-%m}", "region": "76"}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert NATIONAL_RUNNING in page and "Calcul lancé" not in page
    assert not PlanningRun.objects.filter(region_id="76").exists()


def test_the_national_page_says_before_the_click_that_a_regional_run_blocks_it(client):
    from django.urls import reverse

    url = reverse("planning:index") + f"?mois={next_month():%Y-%m}&region=tout"
    client.force_login(UserFactory(national=True))
    page = html.unescape(client.get(url).content.decode())
    assert "disabled" not in page.split('id="run-form"')[1].split("</form>")[0]
    PlanningRun.objects.create(month=next_month(), region_id="76")
    form = html.unescape(client.get(url).content.decode()).split('id="run-form"')[1]
    form = form.split("</form>")[0]
    assert 'disabled aria-describedby="run-wait"' in form and REGIONAL_RUNNING in form


def test_an_ars_agent_plans_only_their_region(ars_occitanie):
    with pytest.raises(PermissionDenied):
        services.planning_run_create(month=next_month(), region_code="75", actor=ars_occitanie)
    with pytest.raises(PermissionDenied):
        services.planning_run_create(month=next_month(), region_code=None, actor=ars_occitanie)
    with pytest.raises(ValidationError):
        services.planning_run_create(
            month=next_month(), region_code="76", actor=ars_occitanie, time_limit_seconds=0
        )


def test_rerun_keeps_locked_missions_and_drops_removed_ones(
    planned, ars_occitanie, django_capture_on_commit_callbacks
):
    run, site, doctor, dates = planned
    kept, removed = Mission.objects.filter(run=run).order_by("date")
    services.mission_lock(mission=kept, actor=ars_occitanie, locked=True)
    services.mission_remove(mission=removed, actor=ars_occitanie)
    with django_capture_on_commit_callbacks(execute=True):
        services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    holding = Mission.objects.holding()
    assert kept in holding
    # The removed date is not proposed again; the third date is used instead.
    assert sorted(m.date for m in holding) == sorted({kept.date} | (set(dates) - {removed.date}))
    # The kept mission is explained again around the new proposal.
    kept.refresh_from_db()
    assert kept.explanation.startswith("Mission verrouillée par l'ARS (conservée)")
    assert "min de trajet" in kept.explanation
    # The run's message counts the kept proposal too, as the publication button does.
    last = PlanningRun.objects.latest("pk")
    assert last.progress_message == (
        "1 proposition calculée, plus 1 proposition verrouillée conservée : 2 à publier."
    )


def test_rerun_keeps_the_reason_a_published_mission_was_given(
    planned, ars_occitanie, django_capture_on_commit_callbacks
):
    """The doctor and the site read why the mission was proposed to them: a later calculation
    does not rewrite it (only a published mission without any reason gets one)."""
    run, site, doctor, dates = planned
    confirmed, bare = Mission.objects.filter(run=run).order_by("date")[:2]
    given = "Zone à renforcer : 3 jours de consultation ce mois pour 5 344 habitants"
    Mission.objects.filter(pk=confirmed.pk).update(status=M.CONFIRMED, explanation=given)
    Mission.objects.filter(pk=bare.pk).update(status=M.PROPOSED, explanation="")
    with django_capture_on_commit_callbacks(execute=True):
        services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)
    confirmed.refresh_from_db()
    bare.refresh_from_db()
    assert confirmed.explanation == given
    assert bare.explanation.startswith("Mission proposée (conservée)")


def test_failed_run_is_recorded(ars_occitanie, monkeypatch):
    run = PlanningRun.objects.create(month=next_month(), region_id="76", created_by=ars_occitanie)

    def broken(**kwargs):
        raise RuntimeError("données incohérentes")

    monkeypatch.setattr(runs, "problem_build", broken)
    services.planning_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == PlanningRun.Status.FAILED
    assert "données incohérentes" in run.error


def test_a_run_started_twice_computes_once(ars_occitanie, monkeypatch):
    run = PlanningRun.objects.create(
        month=next_month(), region_id="76", status=PlanningRun.Status.RUNNING
    )
    monkeypatch.setattr(runs, "problem_build", lambda **kwargs: pytest.fail("computed twice"))
    assert services.planning_run_execute(run_id=run.pk).status == PlanningRun.Status.RUNNING


def test_a_run_replaced_while_it_computes_does_not_save_its_proposal(planned, monkeypatch):
    _, site, doctor, _ = planned
    Mission.objects.all().delete()
    run = PlanningRun.objects.create(month=next_month(), region_id="76")
    solve = runs.solver.solve

    def replaced_meanwhile(*args, **kwargs):  # given up as lost, launched again
        PlanningRun.objects.filter(pk=run.pk).update(status=PlanningRun.Status.FAILED)
        return solve(*args, **kwargs)

    monkeypatch.setattr(runs.solver, "solve", replaced_meanwhile)
    run = services.planning_run_execute(run_id=run.pk)
    assert run.status == PlanningRun.Status.FAILED and "remplacé" in run.error
    assert not Mission.objects.exists()


@pytest.mark.parametrize("running, queued", [(None, "76"), ("76", None)])
def test_a_run_does_not_start_while_another_covering_its_region_runs(running, queued):
    PlanningRun.objects.create(
        month=next_month(), region_id=running, status=PlanningRun.Status.RUNNING
    )
    run = PlanningRun.objects.create(month=next_month(), region_id=queued)
    run = services.planning_run_execute(run_id=run.pk)
    assert run.status == PlanningRun.Status.FAILED
    assert run.error.startswith("Un autre calcul de ce mois est en cours pour cette région")


@pytest.mark.parametrize("region", ["76", None])
def test_one_calculation_in_progress_per_month_and_region_in_the_database(region):
    from django.db import IntegrityError, transaction

    PlanningRun.objects.create(month=next_month(), region_id=region)
    PlanningRun.objects.create(month=next_month(), region_id="75")  # another region
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanningRun.objects.create(
            month=next_month(), region_id=region, status=PlanningRun.Status.RUNNING
        )
    PlanningRun.objects.create(month=next_month(), region_id=region, status="done")


def test_a_calculation_launched_while_this_one_waited_is_not_launched_again(ars_occitanie):
    PlanningRun.objects.create(month=next_month(), region_id="76")
    PlanningRun.objects.update(created_at=timezone.now() + timedelta(seconds=1))
    with pytest.raises(ValidationError, match="déjà en cours pour ce mois et cette région"):
        services.planning_run_create(month=next_month(), region_code="76", actor=ars_occitanie)


def test_publish_proposes_drafts_and_emails_doctor_and_site(
    planned, ars_occitanie, django_capture_on_commit_callbacks
):
    run, site, doctor, _ = planned
    with django_capture_on_commit_callbacks(execute=True):
        published, left_out = services.planning_publish(
            month=next_month(), region_code="76", actor=ars_occitanie
        )
    assert {m.status for m in published} == {M.PROPOSED} and left_out == {}
    doctor_mail = Notification.objects.get(kind="missions_proposed")
    assert doctor_mail.recipient == doctor.user.email
    assert "2 missions proposées" in doctor_mail.subject
    assert "/planification/mes-missions/" in doctor_mail.body
    assert "hébergement demandé" not in doctor_mail.body  # this doctor needs no bed
    assert Notification.objects.get(kind="missions_planned_site").recipient == site.manager.email
    with pytest.raises(ValidationError):  # nothing left to publish
        services.planning_publish(month=next_month(), region_code="76", actor=ars_occitanie)


def test_doctor_accepts_within_the_two_days_a_month_cap():
    doctor = DoctorFactory(max_days_per_month=2)
    day = next_month() + timedelta(days=3)
    MissionFactory(doctor=doctor, date=day, status=M.CONFIRMED)
    half = MissionFactory(
        doctor=doctor, date=day + timedelta(days=1), period="morning", status=M.PROPOSED
    )
    services.mission_transition(mission=half, actor=doctor.user, to_status=M.ACCEPTED)
    full = MissionFactory(doctor=doctor, date=day + timedelta(days=2), status=M.PROPOSED)
    with pytest.raises(ValidationError, match="au plus 2 jour"):
        services.mission_transition(mission=full, actor=doctor.user, to_status=M.ACCEPTED)
    other_half = MissionFactory(
        doctor=doctor, date=day + timedelta(days=5), period="afternoon", status=M.PROPOSED
    )
    services.mission_transition(mission=other_half, actor=doctor.user, to_status=M.ACCEPTED)
    full.refresh_from_db()
    assert full.status == M.PROPOSED


def test_one_day_a_month_doctor_cannot_accept_a_second_day():
    doctor = DoctorFactory(max_days_per_month=1)
    day = next_month() + timedelta(days=3)
    MissionFactory(doctor=doctor, date=day, status=M.ACCEPTED)
    second = MissionFactory(doctor=doctor, date=day + timedelta(days=7), status=M.PROPOSED)
    with pytest.raises(ValidationError):
        services.mission_transition(mission=second, actor=doctor.user, to_status=M.ACCEPTED)


def test_only_the_doctor_answers_their_proposal(ars_occitanie):
    mission = MissionFactory(status=M.PROPOSED)
    stranger = DoctorFactory()
    with pytest.raises(PermissionDenied):
        services.mission_transition(mission=mission, actor=stranger.user, to_status=M.ACCEPTED)
    with pytest.raises(PermissionDenied):  # the ARS does not accept for the doctor
        services.mission_transition(mission=mission, actor=ars_occitanie, to_status=M.ACCEPTED)
    with pytest.raises(ValidationError):  # unknown transition
        services.mission_transition(mission=mission, actor=mission.doctor.user, to_status=M.DONE)


def test_decline_informs_the_ars(ars_occitanie, django_capture_on_commit_callbacks):
    mission = MissionFactory(status=M.PROPOSED)
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status=M.DECLINED
        )
    mail = Notification.objects.get(kind="mission_declined_ars")
    assert mail.recipient == ars_occitanie.email
    assert "décliné" in mail.body
    link = f"/planification/?mois={mission.date:%Y-%m}&region=76#mission-{mission.pk}"
    assert link in mail.body  # straight to the mission in the planning table


def test_confirmation_reserves_rooms_and_beds(ars_occitanie):
    site = open_every_day_site(rooms=1, housing="on_site", housing_beds=1)
    day = next_month() + timedelta(days=3)
    MissionFactory(site=site, date=day, period="morning", status=M.CONFIRMED)
    afternoon = MissionFactory(site=site, date=day, period="afternoon", status=M.ACCEPTED)
    services.mission_transition(mission=afternoon, actor=ars_occitanie, to_status=M.CONFIRMED)
    full = MissionFactory(site=site, date=day, period="full", status=M.ACCEPTED)
    with pytest.raises(ValidationError, match="Plus de salle"):
        services.mission_transition(mission=full, actor=ars_occitanie, to_status=M.CONFIRMED)

    other_day = day + timedelta(days=1)
    roomy = open_every_day_site(rooms=3, housing="on_site", housing_beds=1)
    MissionFactory(site=roomy, date=other_day, needs_housing=True, status=M.CONFIRMED)
    guest = MissionFactory(site=roomy, date=other_day, needs_housing=True, status=M.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        services.mission_transition(mission=guest, actor=ars_occitanie, to_status=M.CONFIRMED)
    assert refused.value.messages == [f"Plus de lit disponible à {roomy.name} {night(other_day)}."]


def test_the_site_confirms_an_accepted_mission(ars_occitanie, django_capture_on_commit_callbacks):
    """PRODUCT.md: the host site confirms the missions; it hears of the acceptance with the
    link, and the doctor and the ARS hear of its confirmation."""
    site = open_every_day_site(rooms=1)
    mission = MissionFactory(site=site, date=next_month() + timedelta(days=3), status=M.PROPOSED)
    manager = site.manager
    with pytest.raises(ValidationError):  # not before the doctor has accepted
        services.mission_transition(mission=mission, actor=manager, to_status=M.CONFIRMED)
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED
        )
    asked = Notification.objects.get(kind="mission_accepted_site")
    assert asked.recipient == manager.email
    assert "Confirmez-la si vous pouvez l'accueillir" in asked.body
    assert "/planification/mon-lieu/" in asked.body
    other_site = open_every_day_site()
    with pytest.raises(PermissionDenied):  # the manager of another site
        services.mission_transition(
            mission=mission, actor=other_site.manager, to_status=M.CONFIRMED
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(mission=mission, actor=manager, to_status=M.CONFIRMED)
    mission.refresh_from_db()
    assert mission.status == M.CONFIRMED and mission.slots.exists()  # open to patients
    assert mission.history.last().actor == manager
    doctor_mail = Notification.objects.get(kind="mission_confirmed")
    assert "confirmée par le lieu d'accueil" in doctor_mail.body
    ars_mail = Notification.objects.get(kind="mission_confirmed_ars")
    assert ars_mail.recipient == ars_occitanie.email
    assert f"Le lieu d'accueil « {site.name} » a confirmé la mission" in ars_mail.body
    assert "recalculer" not in ars_mail.body
    assert not Notification.objects.filter(kind="mission_confirmed_site").exists()  # its own
    # The rooms are checked for the site as for the ARS.
    rival = MissionFactory(site=site, date=mission.date, status=M.ACCEPTED)
    with pytest.raises(ValidationError, match="Plus de salle"):
        services.mission_transition(mission=rival, actor=manager, to_status=M.CONFIRMED)
    services.mission_transition(
        mission=rival, actor=manager, to_status=M.CANCELLED, comment="Salle déjà prise"
    )
    assert Mission.objects.get(pk=rival.pk).status == M.CANCELLED


def test_cancellation_needs_a_reason_and_notifies(
    ars_occitanie, django_capture_on_commit_callbacks
):
    mission = MissionFactory(status=M.CONFIRMED)
    with pytest.raises(ValidationError, match="motif"):
        services.mission_transition(mission=mission, actor=ars_occitanie, to_status=M.CANCELLED)
    with pytest.raises(ValidationError, match="adresse web"):  # the patients read it
        services.mission_transition(
            mission=mission,
            actor=ars_occitanie,
            to_status=M.CANCELLED,
            comment="Reprenez rendez-vous sur www.exemple.fr",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(
            mission=mission, actor=ars_occitanie, to_status=M.CANCELLED, comment="Lieu fermé"
        )
    mission.refresh_from_db()
    assert mission.status == M.CANCELLED and mission.status_reason == "Lieu fermé"
    email = Notification.objects.filter(kind="mission_cancelled").get()
    assert email.recipient == mission.doctor.user.email
    assert ") est annulée par l'ARS.\nMotif : Lieu fermé" in email.body
    assert mission.history.last().actor == ars_occitanie


def test_a_doctor_giving_up_a_mission_reads_that_it_is_cancelled_as_asked(
    django_capture_on_commit_callbacks,
):
    mission = MissionFactory(status=M.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(
            mission=mission,
            actor=mission.doctor.user,
            to_status=M.CANCELLED,
            comment="Empêchement familial",
        )
    body = Notification.objects.get(kind="mission_cancelled").body
    assert ") est annulée, comme vous l'avez demandé.\nMotif : Empêchement familial" in body
    site_body = Notification.objects.get(kind="mission_cancelled_site").body
    assert "est annulée par le médecin." in site_body


def test_withdrawal_cancels_future_missions_only():
    doctor = DoctorFactory()
    today = timezone.localdate()
    past = MissionFactory(doctor=doctor, date=today - timedelta(days=3), status=M.DONE)
    coming = MissionFactory(doctor=doctor, date=today + timedelta(days=3), status=M.CONFIRMED)
    count = services.missions_cancel_for_doctor(
        doctor=doctor, actor=doctor.user, reason="Retrait du volontaire"
    )
    assert count == 1
    coming.refresh_from_db()
    past.refresh_from_db()
    assert coming.status == M.CANCELLED and past.status == M.DONE


def test_confirm_accepted_confirms_what_fits(ars_occitanie):
    site = open_every_day_site(rooms=1)
    day = next_month() + timedelta(days=3)
    first = MissionFactory(site=site, date=day, status=M.ACCEPTED)
    second = MissionFactory(site=site, date=day, status=M.ACCEPTED)
    count, skipped = services.missions_confirm_accepted(
        month=next_month(), region_code="76", actor=ars_occitanie
    )
    assert count == 1 and len(skipped) == 1
    assert "salle" in skipped[0] and f"{day:%d/%m/%Y}" in skipped[0]
    first.refresh_from_db()
    second.refresh_from_db()
    assert {first.status, second.status} == {M.CONFIRMED, M.ACCEPTED}


def test_neighbouring_regions_never_double_book_a_doctor(django_capture_on_commit_callbacks):
    lacaune, landes = SiteFactory(), SiteFactory(in_landes=True)
    dates = sorted(set(open_dates(lacaune, 2)) & set(open_dates(landes, 28)))[:2]
    doctor = DoctorFactory(available_on=dates, max_travel_minutes=600, max_days_per_month=1)
    occitanie = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
    aquitaine = UserFactory(ars=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.planning_run_create(month=next_month(), region_code="76", actor=occitanie)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.planning_run_create(month=next_month(), region_code="75", actor=aquitaine)
    run.refresh_from_db()
    # The unpublished draft in Occitanie already uses the doctor's only day of the month.
    assert list(Mission.objects.values_list("site", flat=True)) == [lacaune.pk]
    assert run.status == PlanningRun.Status.DONE
    assert [v["id"] for v in run.unplanned_volunteers] == [doctor.pk], run.unplanned_volunteers


def test_replanning_the_current_month_skips_past_days(monkeypatch):
    site = SiteFactory()
    first = next_month()
    dates = sorted(site_open_days(site, first, first + timedelta(days=27)))
    DoctorFactory(available_on=[dates[0], dates[-1]])
    # Pretend today is the day of the first availability: only the later one remains.
    monkeypatch.setattr(timezone, "localdate", lambda: dates[0])
    context = problem_build(month=first, region_code="76")
    assert [a.date for a in context.problem.volunteers[0].availabilities] == [dates[-1]]
    assert min(d.date for d in context.problem.site_days) > dates[0]
