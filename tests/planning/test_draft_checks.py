"""Drafts checked again before publication (planning.checks), and what testers found around
the review: a pause does not block the doctor's dates for good, the cap in French decimals, a
second click says it is already done, the lock is the ARS's business."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format

from renfort.doctors.models import Availability, DoctorStatus
from renfort.doctors.services import doctor_check, doctor_transition
from renfort.planning import runs, services
from renfort.planning.checks import draft_issues
from renfort.planning.models import Mission, MissionStatus
from renfort.sites.models import OpeningException
from tests.doctors.factories import DoctorFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import ars_occitanie, next_month  # noqa: F401
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db
M = MissionStatus


def day(n: int):
    return next_month() + timedelta(days=n)


def publish(actor):
    return services.planning_publish(month=next_month(), region_code="76", actor=actor)


def test_the_proposal_email_says_when_housing_is_asked(
    ars_occitanie,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """As the doctor's page and the site's email do (« hébergement demandé »)."""
    from renfort.notifications.models import Notification

    housed = MissionFactory(status=M.DRAFT, date=day(3), needs_housing=True)
    with django_capture_on_commit_callbacks(execute=True):
        published, _ = publish(ars_occitanie)
    assert published == [housed]
    body = Notification.objects.get(kind="missions_proposed").body
    assert " min de trajet ; hébergement demandé\n" in body


def test_a_draft_whose_availability_was_removed_is_not_published(ars_occitanie):  # noqa: F811
    kept = MissionFactory(status=M.DRAFT, date=day(3))
    gone = MissionFactory(status=M.DRAFT, date=day(4))
    Availability.objects.filter(doctor=gone.doctor).delete()
    published, left_out = publish(ars_occitanie)
    assert [m.pk for m in published] == [kept.pk]
    assert "plus disponible" in left_out[gone.pk]
    gone.refresh_from_db()
    assert gone.status == M.DRAFT


def test_a_draft_on_a_day_the_site_closed_is_not_published(ars_occitanie):  # noqa: F811
    mission = MissionFactory(status=M.DRAFT, date=day(3))
    OpeningException.objects.create(
        site=mission.site, kind=OpeningException.Kind.CLOSED, start_date=day(3), end_date=day(3)
    )
    with pytest.raises(ValidationError, match="Aucune mission publiable : 1 mission est à revoir"):
        publish(ars_occitanie)
    assert "fermeture exceptionnelle" in draft_issues(next_month(), "76")[mission.pk]


def test_two_drafts_for_the_last_room_flag_the_later_one_unless_locked(ars_occitanie):  # noqa: F811
    site = SiteFactory(rooms=1)
    first = MissionFactory(status=M.DRAFT, date=day(3), site=site)
    second = MissionFactory(status=M.DRAFT, date=day(3), site=site)
    assert set(draft_issues(next_month(), "76")) == {second.pk}
    assert "Plus de salle libre" in draft_issues(next_month(), "76")[second.pk]
    second.locked = True
    second.save()
    assert set(draft_issues(next_month(), "76")) == {first.pk}


def test_a_published_mission_holds_its_room_and_the_doctors_cap(ars_occitanie):  # noqa: F811
    site = SiteFactory(rooms=1)
    MissionFactory(status=M.CONFIRMED, date=day(3), site=site)
    room_taken = MissionFactory(status=M.DRAFT, date=day(3), site=site)
    doctor = DoctorFactory(max_days_per_month=1)
    MissionFactory(status=M.ACCEPTED, doctor=doctor, date=day(5))
    over_cap = MissionFactory(status=M.DRAFT, doctor=doctor, date=day(8))
    issues = draft_issues(next_month(), "76")
    assert "Plus de salle libre" in issues[room_taken.pk]
    assert issues[over_cap.pk] == "Le médecin dépasserait son plafond de 1 jour par mois."


def test_a_paused_doctors_draft_is_flagged(ars_occitanie):  # noqa: F811
    mission = MissionFactory(status=M.DRAFT, date=day(3))
    type(mission.doctor).objects.filter(pk=mission.doctor_id).update(status=DoctorStatus.PAUSED)
    assert "plus planifiable" in draft_issues(next_month(), "76")[mission.pk]


def test_the_pages_show_the_drafts_to_review(client, ars_occitanie):  # noqa: F811
    client.force_login(ars_occitanie)
    ok = MissionFactory(status=M.DRAFT, date=day(3))
    gone = MissionFactory(status=M.DRAFT, date=day(4))
    Availability.objects.filter(doctor=gone.doctor).delete()
    query = {"mois": f"{next_month():%Y-%m}", "region": "76"}
    page = client.get(reverse("planning:index"), query).content.decode()
    assert "plus disponible ce jour-là" in page
    assert "1 mission calculée est « À revoir » dans le tableau" in page
    assert "Publier la proposition aux médecins" in page  # the publishable one only
    page = client.get(reverse("planning:publish"), query).content.decode()
    assert "1 mission à revoir ne sera pas publiée" in page
    assert f"Dr {gone.doctor.full_name}" in page.split('id="to-review"')[1].split("</div>")[0]
    assert "1 proposition sera envoyée à 1 médecin" in page
    assert 'name="attendu" value="2"' in page  # the change check counts every draft
    response = client.post(
        reverse("planning:publish"), {**query, "confirme": "1", "attendu": "2"}, follow=True
    )
    text = response.content.decode()
    assert "1 mission proposée à 1 médecin ; le lieu d&#x27;accueil est informé." in text
    assert "1 mission à revoir n&#x27;a pas été publiée" in text and "retirez-la ou" in text
    ok.refresh_from_db()
    gone.refresh_from_db()
    assert (ok.status, gone.status) == (M.PROPOSED, M.DRAFT)


# --- A pause does not block the doctor's dates for good ---------------------------------------


def test_after_a_pause_the_withdrawn_dates_can_be_proposed_again(ars_occitanie):  # noqa: F811
    doctor = DoctorFactory()
    draft = MissionFactory(status=M.DRAFT, doctor=doctor, date=day(3))
    proposed = MissionFactory(status=M.PROPOSED, doctor=doctor, date=day(10))
    declined = MissionFactory(status=M.PROPOSED, doctor=doctor, date=day(17))
    services.mission_transition(mission=declined, actor=doctor.user, to_status=M.DECLINED)
    removed = MissionFactory(status=M.DRAFT, date=day(4))
    services.mission_remove(mission=removed, actor=ars_occitanie)
    doctor_transition(doctor=doctor, actor=doctor.user, to_status=DoctorStatus.PAUSED)
    assert {m.status for m in Mission.objects.filter(pk__in=[draft.pk, proposed.pk])} == {
        M.CANCELLED
    }
    excluded = runs._removed_dates(next_month(), "76")
    assert (doctor.pk, day(3)) not in excluded and (doctor.pk, day(10)) not in excluded
    assert (doctor.pk, day(17)) in excluded  # declined: never proposed again this month
    assert (removed.doctor_id, day(4)) in excluded  # taken out by the ARS


def test_the_planning_table_shows_why_a_mission_was_cancelled(client, ars_occitanie):  # noqa: F811
    client.force_login(ars_occitanie)
    doctor = DoctorFactory()
    MissionFactory(status=M.PROPOSED, doctor=doctor, date=day(3))
    doctor_transition(
        doctor=doctor, actor=doctor.user, to_status=DoctorStatus.PAUSED, comment="Congé"
    )
    page = client.get(reverse("planning:index"), {"mois": f"{next_month():%Y-%m}"}).content
    assert "Motif : " in page.decode()


# --- The cap in French, never under what is held ---------------------------------------------


def test_the_cap_message_uses_a_french_decimal():
    doctor = DoctorFactory(max_days_per_month=2)
    MissionFactory(status=M.ACCEPTED, doctor=doctor, date=day(3))
    MissionFactory(status=M.ACCEPTED, doctor=doctor, date=day(4), period="morning")
    proposal = MissionFactory(status=M.PROPOSED, doctor=doctor, date=day(5))
    with pytest.raises(ValidationError) as exc:
        services.mission_transition(mission=proposal, actor=doctor.user, to_status=M.ACCEPTED)
    assert exc.value.messages == [
        "Vous avez déjà 1,5 jour de mission en "
        + date_format(proposal.date, "F Y")
        + " : au plus 2 jours par mois."
    ]


def test_the_cap_cannot_go_under_the_days_already_held():
    doctor = DoctorFactory(max_days_per_month=2)
    MissionFactory(status=M.CONFIRMED, doctor=doctor, date=day(3))
    MissionFactory(status=M.ACCEPTED, doctor=doctor, date=day(4), period="morning")
    with pytest.raises(ValidationError) as exc:
        doctor_check(data={"max_days_per_month": 1}, doctor=doctor, partial=True)
    assert "déjà 1,5 jour de mission en" in exc.value.message_dict["max_days_per_month"][0]
    assert doctor_check(data={"max_days_per_month": 2}, doctor=doctor, partial=True)


# --- A second click, the lock, the reason ------------------------------------------------------


def test_accepting_twice_says_it_is_already_done():
    mission = MissionFactory(status=M.PROPOSED, date=day(3))
    services.mission_transition(mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED
        )
    assert exc.value.messages == [
        "C'est déjà fait : le statut est « Acceptée — en attente de confirmation du lieu »."
    ]


def test_the_lock_and_the_publication_note_are_not_shown_to_the_doctor(
    client,
    ars_occitanie,  # noqa: F811
):
    mission = MissionFactory(status=M.DRAFT, date=day(3), locked=True)
    publish(ars_occitanie)
    client.force_login(mission.doctor.user)
    for url in (
        reverse("planning:mission_detail", args=[mission.pk]),
        reverse("planning:doctor_missions"),
    ):
        page = client.get(url).content.decode()
        assert "Verrouillée" not in page and "Proposition publiée" not in page
        assert "Proposée par le calcul" not in page and "Proposition de l&#x27;outil" not in page
    client.force_login(ars_occitanie)
    page = client.get(reverse("planning:mission_detail", args=[mission.pk])).content.decode()
    assert "Verrouillée" in page


def test_a_volunteer_whose_dates_are_taken_elsewhere_is_told_so(ars_occitanie):  # noqa: F811
    from tests.planning.test_services import open_dates

    site = SiteFactory()
    date = open_dates(site, 1)[0]
    doctor = DoctorFactory(available_on=[date])
    MissionFactory(status=M.ACCEPTED, doctor=doctor, date=date, site=SiteFactory(in_landes=True))
    run = services.planning_run_create(
        month=next_month(), region_code="76", actor=ars_occitanie, time_limit_seconds=5
    )
    services.planning_run_execute(run_id=run.pk)
    run.refresh_from_db()
    rows = {row["id"]: row["reason"] for row in run.unplanned_volunteers}
    month = date_format(next_month(), "F")  # « janvier »: the month planned, not « ce mois »
    assert rows[doctor.pk].startswith(f"Ses dates disponibles en {month} sont déjà prises")


def test_a_volunteer_whose_proposal_the_ars_removed_is_not_told_no_site_opens(
    ars_occitanie,  # noqa: F811
):
    """Her one open date was taken out by the ARS; her other date has no open site: the list
    says both, not only « Aucun lieu accessible ouvert à ses dates de disponibilité »."""
    from renfort.sites.selectors import site_open_days
    from tests.planning.test_services import open_dates

    site = SiteFactory()
    opened = open_dates(site, 1)[0]
    first = next_month()
    month = [first + timedelta(days=n) for n in range(28)]
    closed = next(d for d in month if d not in site_open_days(site, first, month[-1]))
    doctor = DoctorFactory(available_on=[opened, closed])
    draft = MissionFactory(status=M.DRAFT, doctor=doctor, date=opened, site=site)
    services.mission_remove(mission=draft, actor=ars_occitanie)
    run = services.planning_run_create(
        month=next_month(), region_code="76", actor=ars_occitanie, time_limit_seconds=5
    )
    services.planning_run_execute(run_id=run.pk)
    run.refresh_from_db()
    rows = {row["id"]: row["reason"] for row in run.unplanned_volunteers}
    assert rows[doctor.pk] == (
        "Aucun lieu accessible ouvert à ses dates restantes ; les autres sont déjà prises "
        "(mission ailleurs) ou écartées (refus du médecin, retrait par l'ARS)"
    )


def test_an_answer_from_a_stale_tab_says_what_the_status_is_now():
    mission = MissionFactory(status=M.PROPOSED, date=day(3))
    services.mission_transition(mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status=M.DECLINED, comment="Empêché"
        )
    assert exc.value.messages[0].startswith(
        "Cette action n'est plus possible : le statut est maintenant « Acceptée — en attente de "
        "confirmation du lieu »"
    )


def test_when_every_draft_is_to_review_the_publication_page_says_so(client, ars_occitanie):  # noqa: F811
    client.force_login(ars_occitanie)
    gone = MissionFactory(status=M.DRAFT, date=day(4))
    Availability.objects.filter(doctor=gone.doctor).delete()
    query = {"mois": f"{next_month():%Y-%m}", "region": "76"}
    page = client.get(reverse("planning:publish"), query).content.decode()
    assert "Aucune proposition publiable : toutes sont à revoir" in page
    assert 'id="publish-form"' not in client.get(reverse("planning:index"), query).content.decode()


def test_removing_twice_says_it_is_already_done(ars_occitanie):  # noqa: F811
    mission = MissionFactory(status=M.DRAFT, date=day(3))
    services.mission_remove(mission=mission, actor=ars_occitanie)
    with pytest.raises(ValidationError, match="C'est déjà fait : cette mission est déjà retirée"):
        services.mission_remove(mission=mission, actor=ars_occitanie)


@pytest.mark.parametrize(
    "how, said",
    [
        ("removed", "Cette mission a été retirée de la proposition : il n'y a plus rien"),
        ("declined", "Cette mission est déclinée par le médecin : il n'y a plus rien"),
        ("deleted", "Cette mission n'existe plus : un nouveau calcul a remplacé"),
        ("proposed", "une mission publiée est toujours conservée"),
    ],
)
def test_locking_a_mission_that_just_changed_says_what_happened(ars_occitanie, how, said):  # noqa: F811
    mission = MissionFactory(status=M.DRAFT, date=day(3))
    if how == "removed":
        services.mission_remove(mission=mission, actor=ars_occitanie)
    elif how == "deleted":
        Mission.objects.filter(pk=mission.pk).delete()
    else:
        Mission.objects.filter(pk=mission.pk).update(status=how)
    with pytest.raises(ValidationError, match=said):
        services.mission_lock(mission=mission, actor=ars_occitanie, locked=True)


@pytest.mark.parametrize("action", ["lock", "remove"])
@pytest.mark.parametrize("now", [M.PROPOSED, M.ACCEPTED])
def test_lock_and_remove_are_refused_when_the_status_changed_since_the_table(
    ars_occitanie,  # noqa: F811
    action,
    now,
):
    """The table showed a draft; another agent published it (the doctor even accepted it)."""
    mission = MissionFactory(status=M.DRAFT, date=day(3))
    Mission.objects.filter(pk=mission.pk).update(status=now)
    label = dict(M.choices)[now]
    with pytest.raises(ValidationError) as refused:
        if action == "lock":
            services.mission_lock(
                mission=mission, actor=ars_occitanie, locked=True, from_status=M.DRAFT
            )
        else:
            services.mission_remove(mission=mission, actor=ars_occitanie, from_status=M.DRAFT)
    assert refused.value.messages == [
        f"La mission a changé entre-temps (statut actuel : « {label} »). Vérifiez puis recommencez."
    ]
    mission.refresh_from_db()
    assert (mission.status, mission.locked, mission.history.count()) == (now, False, 1)


def test_lock_and_remove_still_act_on_the_status_the_table_showed(ars_occitanie):  # noqa: F811
    kept, removed = MissionFactory.create_batch(2, status=M.DRAFT, date=day(3))
    services.mission_lock(mission=kept, actor=ars_occitanie, locked=True, from_status=M.DRAFT)
    services.mission_remove(mission=removed, actor=ars_occitanie, from_status=M.DRAFT)
    kept.refresh_from_db()
    removed.refresh_from_db()
    assert kept.locked and removed.status == M.CANCELLED


@pytest.mark.parametrize("action", ["mission_lock", "mission_remove"])
def test_the_table_posts_the_status_it_showed_and_comes_back_to_its_page_when_refused(
    client,
    ars_occitanie,  # noqa: F811
    action,
):
    mission = MissionFactory(status=M.DRAFT, date=day(3))
    client.force_login(ars_occitanie)
    query = {"mois": f"{mission.date:%Y-%m}", "region": "76", "statut": "draft"}
    page = client.get(reverse("planning:index"), query).content.decode()
    form = page.split(f'action="{reverse(f"planning:{action}", args=[mission.pk])}"')[1]
    assert '<input type="hidden" name="from_status" value="draft">' in form.split("</form>")[0]
    Mission.objects.filter(pk=mission.pk).update(status=M.PROPOSED)  # published meanwhile
    response = client.post(
        reverse(f"planning:{action}", args=[mission.pk]),
        {**query, "from_status": "draft", "locked": "1"},
    )
    assert response.status_code == 302 and "&statut=draft" in response.url
    followed = client.get(response.url).content.decode()
    assert "La mission a changé entre-temps (statut actuel : « Proposée au médecin »)" in followed
    mission.refresh_from_db()
    assert (mission.status, mission.locked, mission.history.count()) == (M.PROPOSED, False, 1)


def test_confirming_every_accepted_mission_does_not_list_one_confirmed_meanwhile(
    ars_occitanie,  # noqa: F811
    monkeypatch,
):
    """A mission the site confirmed (or cancelled) between the list and its turn is not
    « restée acceptée »: it is left out of the list of those left accepted."""
    moved = {
        MissionFactory(accepted=True, date=day(3)).pk: M.CONFIRMED,
        MissionFactory(accepted=True, date=day(4)).pk: M.CANCELLED,
    }
    kept = MissionFactory(accepted=True, date=day(5))
    original = services.mission_transition

    def meanwhile(*, mission, **kwargs):
        if mission.pk in moved:  # another tab acted just before
            Mission.objects.filter(pk=mission.pk).update(status=moved[mission.pk])
        return original(mission=mission, **kwargs)

    monkeypatch.setattr(services, "mission_transition", meanwhile)
    confirmed, skipped = services.missions_confirm_accepted(
        month=next_month(), region_code="76", actor=ars_occitanie
    )
    assert (confirmed, skipped) == (1, [])
    kept.refresh_from_db()
    assert kept.status == M.CONFIRMED
