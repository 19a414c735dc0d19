"""What doctors, sites and agents read of missions: the doctor's own words for the statuses,
the emails of the mission's life, the planning screen's texts."""

import html as htmllib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from renfort.accounts.models import Role
from renfort.core.templatetags.french import night
from renfort.notifications.models import Notification
from renfort.planning import services
from renfort.planning.models import MissionStatus, PlanningRun
from renfort.sites.models import HousingKind
from renfort.territories.models import Region
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import next_month
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db
M = MissionStatus


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


@pytest.fixture
def ars_occitanie():
    return UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))


# --- The doctor's own missions ----------------------------------------------------------------


def test_the_doctor_reads_their_missions_in_their_own_words(client):
    accepted = MissionFactory(status=M.ACCEPTED)
    doctor = accepted.doctor
    proposed = MissionFactory(
        doctor=doctor, status=M.PROPOSED, date=accepted.date + timedelta(days=1)
    )
    client.force_login(doctor.user)
    pages = {
        "missions": text(client.get(reverse("planning:doctor_missions"))),
        "space": text(client.get(reverse("doctors:space"))),
        "detail": text(client.get(reverse("planning:mission_detail", args=[accepted.pk]))),
        "withdraw": text(client.get(reverse("doctors:withdraw"))),
    }
    for name, page in pages.items():
        assert "par le médecin" not in page and "au médecin" not in page, name
    assert "Acceptée — en attente de confirmation du lieu" in pages["missions"]
    assert "À accepter ou décliner" in pages["space"]
    assert "acceptée — en attente de confirmation du lieu" in pages["withdraw"]
    history = pages["detail"].split("Historique de la mission")[1]
    assert "<td>Acceptée</td>" in history
    assert proposed.pk  # listed on the space and the withdrawal page


def test_the_ars_and_the_site_keep_the_third_person(client):
    mission = MissionFactory(status=M.ACCEPTED)
    client.force_login(mission.site.manager)
    page = text(client.get(reverse("planning:mission_detail", args=[mission.pk])))
    assert "Acceptée par le médecin" in page
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76")))
    page = text(client.get(reverse("planning:mission_detail", args=[mission.pk])))
    assert "Acceptée par le médecin" in page and "en attente de confirmation du lieu" not in page


def test_a_second_answer_of_the_doctor_is_told_in_their_words():
    mission = MissionFactory(status=M.PROPOSED)
    services.mission_transition(mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED)
    site_manager = mission.site.manager
    with pytest.raises(Exception) as exc:
        services.mission_transition(
            mission=mission, actor=mission.doctor.user, to_status=M.ACCEPTED
        )
    assert "« Acceptée — en attente de confirmation du lieu »" in str(exc.value)
    services.mission_transition(mission=mission, actor=site_manager, to_status=M.CONFIRMED)
    with pytest.raises(Exception) as exc:
        services.mission_transition(mission=mission, actor=site_manager, to_status=M.CONFIRMED)
    assert "« Confirmée »" in str(exc.value)


# --- Emails of the mission's life -------------------------------------------------------------


def test_publication_emails_name_the_month_and_tell_the_site_it_confirms(
    ars_occitanie, django_capture_on_commit_callbacks
):
    first = next_month()
    mission = MissionFactory(status=M.DRAFT, date=first + timedelta(days=3))
    MissionFactory(status=M.DRAFT, date=first + timedelta(days=4), site=mission.site)
    with django_capture_on_commit_callbacks(execute=True):
        services.planning_publish(month=first, region_code="76", actor=ars_occitanie)
    month = date_format(first, "F Y")
    site_mail = Notification.objects.get(kind="missions_planned_site")
    assert site_mail.subject == f"Renfort : 2 missions prévues à « {mission.site.name} » en {month}"
    assert "vous recevrez un courriel pour la confirmer (l'ARS peut aussi la confirmer)" in (
        site_mail.body
    )
    assert "après son acceptation" not in site_mail.body
    doctor_mail = Notification.objects.filter(kind="missions_proposed").first()
    assert doctor_mail.subject.endswith(f" pour {month}") and "/" not in doctor_mail.subject


@pytest.mark.parametrize(
    "housing, where", [(HousingKind.NEARBY, "à proximité"), (HousingKind.ON_SITE, "sur place")]
)
def test_the_confirmation_tells_the_doctor_where_they_sleep_consult_and_call(
    django_capture_on_commit_callbacks, housing, where
):
    site = SiteFactory(
        weekdays=range(7),
        open_on_public_holidays=True,
        housing=housing,
        housing_beds=1,
        housing_description="Gîte communal, clé en mairie.",
    )
    mission = MissionFactory(status=M.ACCEPTED, site=site, needs_housing=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(mission=mission, actor=site.manager, to_status=M.CONFIRMED)
    body = Notification.objects.get(kind="mission_confirmed").body
    eve = mission.date - timedelta(days=1)
    night = (
        f"{eve.day}{'er' if eve.day == 1 else ''}"
        + ("" if eve.month == mission.date.month else f" {date_format(eve, 'F')}")
        + f" au {mission.date.day}{'er' if mission.date.day == 1 else ''} "
        + date_format(mission.date, "F")
    )
    assert f"Hébergement : un lit vous est réservé {where} pour la nuit du {night}." in body
    assert "Gîte communal, clé en mairie." in body
    assert "Consultations : matin" in body and "après-midi" in body
    assert "Contact sur place : Dominique Exemple, 05 63 00 00 00" in body
    assert f"/planification/missions/{mission.pk}/" in body and "calendrier.ics" in body
    site_mail = Notification.objects.filter(recipient=site.manager.email)
    assert not site_mail.filter(kind="mission_confirmed_site").exists()  # it confirmed itself


def test_the_site_is_told_the_night_before_the_mission(
    ars_occitanie, django_capture_on_commit_callbacks
):
    site = SiteFactory(
        weekdays=range(7), open_on_public_holidays=True, housing="on_site", housing_beds=1
    )
    mission = MissionFactory(status=M.ACCEPTED, site=site, needs_housing=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.mission_transition(mission=mission, actor=ars_occitanie, to_status=M.CONFIRMED)
    body = Notification.objects.get(kind="mission_confirmed_site").body
    assert f"préparez l'hébergement pour {night(mission.date)}." in body  # the night before


# --- The planning screen ----------------------------------------------------------------------


def test_the_planning_screen_s_sentences(client, ars_occitanie):
    first = next_month()
    PlanningRun.objects.create(
        month=first,
        region_id="76",
        status=PlanningRun.Status.DONE,
        progress_message="66 propositions calculées, à publier.",
        uncovered_zones=[],
        unplanned_volunteers=[{"id": 1, "name": "Fictif", "commune": "", "reason": "Raison"}],
    )
    mission = MissionFactory(status=M.DRAFT, date=first + timedelta(days=3))
    client.force_login(ars_occitanie)
    page = text(client.get(reverse("planning:index"), {"mois": f"{first:%Y-%m}"}))
    assert (
        "Calcul terminé : 66 propositions calculées, à publier." in page
        and "au calcul :" not in page
    )
    assert "<strong>Dr Fictif</strong> : Raison.</li>" in page
    assert f"de la mission du {mission.date:%d/%m} du Dr {mission.doctor.full_name}" in page
    assert " de Dr " not in page


def test_the_site_s_actions_say_what_they_are(client):
    accepted = MissionFactory(status=M.ACCEPTED)
    confirmed = MissionFactory(
        status=M.CONFIRMED, site=accepted.site, date=accepted.date + timedelta(days=1)
    )
    client.force_login(accepted.site.manager)
    page = text(client.get(reverse("planning:site_missions")))
    assert "<summary>Confirmer ou annuler<span" in page
    assert "<summary>Annuler<span" in page and confirmed.pk
    assert "Agir sur la mission" not in page


def test_the_mission_history_has_the_same_columns(client):
    mission = MissionFactory(status=M.CONFIRMED)
    client.force_login(mission.doctor.user)
    page = text(client.get(reverse("planning:mission_detail", args=[mission.pk])))
    assert '<th scope="col">Statut précédent</th><th scope="col">Nouveau statut</th>' in page


def test_the_calendar_greys_weekends_and_names_public_holidays(client, ars_occitanie):
    from datetime import date

    from renfort.planning.selectors import site_calendar

    mission = MissionFactory(status=MissionStatus.CONFIRMED)
    january = date(2027, 1, 1)  # a Friday, Jour de l'an; the 2nd and 3rd: a weekend
    calendar = site_calendar([mission], january)
    days = {d["date"].day: d for d in calendar["days"]}
    assert days[1]["rest"] and days[1]["holiday"] == "Jour de l'an"
    assert days[2]["rest"] and days[3]["rest"] and not days[2]["holiday"]
    assert not days[4]["rest"] and not days[4]["holiday"]
    cells = calendar["rows"][0]["cells"] if calendar["rows"] else []
    assert all(cell["rest"] == days[n + 1]["rest"] for n, cell in enumerate(cells))
    client.force_login(ars_occitanie)
    month = next_month()
    MissionFactory(status=MissionStatus.CONFIRMED, date=month.replace(day=15))
    page = text(client.get(reverse("planning:index"), {"mois": f"{month:%Y-%m}"}))
    assert 'class="renfort-calendar__rest"' in page
    assert "Les colonnes grisées sont les samedis, dimanches et jours fériés ; un jour" in page
    MissionFactory(status=MissionStatus.CONFIRMED, date=date(2027, 1, 4))
    january_page = text(client.get(reverse("planning:index"), {"mois": "2027-01"}))
    assert 'title="vendredi 1er janvier, Jour de l\'an (férié)"' in january_page
