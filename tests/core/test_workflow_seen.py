"""Every workflow action posts the status its page showed (`from_status`): contradictory actions
from two tabs or two agents no longer both apply — the second one is told the file, the site or
the mission changed meanwhile, and nothing happens."""

import html as htmllib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from renfort.accounts.models import Role
from renfort.core.workflow import Workflow, status_seen_check
from renfort.doctors import services as doctor_services
from renfort.doctors.models import DoctorHistory
from renfort.notifications.models import Notification
from renfort.planning import services as planning_services
from renfort.planning.models import MissionHistory
from renfort.sites import services as site_services
from renfort.sites.models import SiteHistory
from renfort.territories.models import Region
from tests.concurrency import errors, race
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.sites.factories import SiteFactory

FLOW = Workflow(
    {("draft", "sent"): {"agent"}, ("draft", "dropped"): {"agent"}, ("sent", "dropped"): {"agent"}},
    labels={"draft": "Brouillon", "sent": "Envoyé", "dropped": "Abandonné"},
)


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


def test_an_action_decided_on_another_status_is_refused():
    with pytest.raises(ValidationError) as refused:
        FLOW.check("sent", "dropped", "agent", seen="draft", subject="Le dossier")
    assert refused.value.code == "changed"
    assert refused.value.messages == [
        "Le dossier a changé entre-temps (statut actuel : « Envoyé »). Vérifiez puis recommencez."
    ]
    FLOW.check("sent", "dropped", "agent", seen="sent")  # what the page showed: done
    FLOW.check("sent", "dropped", "agent")  # no status from the page (an internal call)
    with pytest.raises(ValidationError, match="C'est déjà fait"):  # the same action twice
        FLOW.check("sent", "sent", "agent", seen="draft")


def test_the_check_stands_on_its_own_for_other_workflows():
    status_seen_check("booked", "booked", subject="Le rendez-vous")
    with pytest.raises(ValidationError, match=r"^\['Le rendez-vous a changé entre-temps"):
        status_seen_check("cancelled", "booked", labels={}, subject="Le rendez-vous")


# --- The three workflows: the second of two contradictory actions is refused -----------------


def doctor_case():
    doctor = DoctorFactory(in_landes=True, submitted=True)
    cdom = UserFactory(cdom=True)

    def act(to_status, comment=""):
        return lambda: doctor_services.doctor_transition(
            doctor=doctor, actor=cdom, to_status=to_status, comment=comment, from_status="submitted"
        )

    history = DoctorHistory.objects.filter(doctor=doctor).exclude(from_status="")
    return act("activity_recorded"), act("refused", "Dossier incomplet"), history


def site_case():
    site = SiteFactory(proposed=True)
    agent = UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))

    def act(to_status, comment):
        return lambda: site_services.site_transition(
            site=site, actor=agent, to_status=to_status, comment=comment, from_status="proposed"
        )

    history = SiteHistory.objects.filter(site=site).exclude(from_status="")
    return act("returned", "Préciser les salles"), act("closed", "Lieu fermé"), history


def mission_case():
    mission = MissionFactory(accepted=True)
    manager = mission.site.manager

    def act(to_status, comment=""):
        return lambda: planning_services.mission_transition(
            mission=mission, actor=manager, to_status=to_status, comment=comment,
            from_status="accepted",
        )  # fmt: skip

    history = MissionHistory.objects.filter(mission=mission).exclude(from_status="")
    return act("confirmed"), act("cancelled", "Salle indisponible"), history


CASES = {"doctor": doctor_case, "site": site_case, "mission": mission_case}
SUBJECTS = {"doctor": "Le dossier", "site": "Le lieu", "mission": "La mission"}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_the_second_of_two_contradictory_actions_is_refused(case):
    first, second, history = CASES[case]()
    first()
    emails = Notification.objects.count()
    with pytest.raises(ValidationError) as refused:
        second()
    assert refused.value.messages[0].startswith(f"{SUBJECTS[case]} a changé entre-temps")
    assert history.count() == 1 and Notification.objects.count() == emails


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CASES)
def test_two_contradictory_actions_at_once_apply_one(on_postgres, reference_data, case):
    first, second, history = CASES[case]()
    results = race(first, second)
    assert not errors(results), results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    assert history.count() == 1


# --- The pages post the status they showed ---------------------------------------------------


@pytest.mark.django_db
def test_the_cdom_page_posts_the_status_it_showed(client):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    client.force_login(UserFactory(cdom=True))
    page = text(client.get(reverse("doctors:agent_detail", args=[doctor.pk])))
    assert '<input type="hidden" name="from_status" value="submitted">' in page
    url = reverse("doctors:agent_transition", args=[doctor.pk])
    client.post(url, {"to_status": "activity_recorded", "from_status": "submitted"})
    page = text(
        client.post(
            url,
            {"to_status": "refused", "comment": "Dossier incomplet", "from_status": "submitted"},
            follow=True,
        )
    )
    assert "Le dossier a changé entre-temps (statut actuel : « Activité enregistrée" in page
    doctor.refresh_from_db()
    assert doctor.status == "activity_recorded"


@pytest.mark.django_db
def test_the_doctor_space_pages_post_the_status_they_showed(client):
    doctor = DoctorFactory()
    MissionFactory(doctor=doctor, proposed=True)
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:space")))
    assert '<input type="hidden" name="from_status" value="active">' in page
    page = text(client.get(reverse("doctors:withdraw")))
    assert '<input type="hidden" name="from_status" value="active">' in page
    pause = text(
        client.post(
            reverse("doctors:space_transition"), {"to_status": "paused", "from_status": "active"}
        )
    )  # the confirmation page lists the proposals, and carries the status on
    assert '<input type="hidden" name="from_status" value="active">' in pause
    doctor_services.doctor_transition(
        doctor=doctor,
        actor=UserFactory(role=Role.ARS_AGENT, region_id="76"),
        to_status="paused",
        comment="Dossier à revoir",
    )  # meanwhile, by the ARS
    page = text(client.post(reverse("doctors:withdraw"), {"from_status": "active"}, follow=True))
    assert "Le dossier a changé entre-temps (statut actuel : « En pause »)" in page
    doctor.refresh_from_db()
    assert doctor.status == "paused"


@pytest.mark.django_db
def test_the_site_page_posts_the_status_it_showed(client):
    site = SiteFactory(proposed=True)
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76")))
    page = text(client.get(reverse("sites:detail", args=[site.pk])))
    assert '<input type="hidden" name="from_status" value="proposed">' in page
    url = reverse("sites:transition", args=[site.pk])
    client.post(url, {"to_status": "returned", "comment": "Préciser", "from_status": "proposed"})
    page = text(
        client.post(
            url,
            {"to_status": "closed", "comment": "Lieu fermé", "from_status": "proposed"},
            follow=True,
        )
    )
    assert "Le lieu a changé entre-temps (statut actuel : « À compléter »)" in page
    site.refresh_from_db()
    assert site.status == "returned"


@pytest.mark.django_db
def test_the_mission_pages_post_the_status_they_showed(client):
    from tests.booking.factories import book, free_slot, mission_with_slots

    mission = MissionFactory(accepted=True)
    client.force_login(mission.site.manager)
    page = text(client.get(reverse("planning:mission_detail", args=[mission.pk])))
    assert '<input type="hidden" name="from_status" value="accepted">' in page
    url = reverse("planning:mission_transition", args=[mission.pk])
    client.post(url, {"to_status": "confirmed", "from_status": "accepted"})
    page = text(
        client.post(
            url,
            {"to_status": "cancelled", "comment": "Salle prise", "from_status": "accepted"},
            follow=True,
        )
    )
    assert "La mission a changé entre-temps (statut actuel : « Confirmée »)" in page
    mission.refresh_from_db()
    assert mission.status == "confirmed"
    booked = mission_with_slots()  # the cancellation page asked first carries the status on
    book(free_slot(booked))
    client.force_login(booked.site.manager)
    page = text(
        client.post(
            reverse("planning:mission_transition", args=[booked.pk]),
            {"to_status": "cancelled", "comment": "Salle prise", "from_status": "confirmed"},
        )
    )
    assert 'id="cancel-confirm-form"' in page
    assert '<input type="hidden" name="from_status" value="confirmed">' in page
