"""The planning pages as testers tried them: a region never acts on another one, bulk and
irreversible actions are asked for first, a national run shows each region its own figures,
French plurals, an accessible progress bar."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renfort.booking.models import AppointmentStatus
from renfort.doctors.models import Doctor
from renfort.notifications.models import Notification
from renfort.planning import services
from renfort.planning.models import Mission, MissionHistory, MissionStatus, PlanningRun
from renfort.zoning.selectors import current_zones
from tests.booking.factories import book, free_slot, mission_with_slots
from tests.doctors.factories import DoctorFactory
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory
from tests.planning.test_services import ars_occitanie, next_month  # noqa: F401
from tests.sites.factories import SiteFactory

pytestmark = pytest.mark.django_db
M = MissionStatus


@pytest.fixture
def ars(client, ars_occitanie):  # noqa: F811
    client.force_login(ars_occitanie)
    return ars_occitanie


def month_query(**extra):
    return {"mois": f"{next_month():%Y-%m}", **extra}


def day(n: int):
    return next_month() + timedelta(days=n)


# --- A region never acts on another one --------------------------------------------------------


def test_a_tampered_region_is_refused_and_nothing_is_published(client, ars):
    own = MissionFactory(status=M.DRAFT, date=day(3))
    other = MissionFactory(status=M.DRAFT, date=day(3), site=SiteFactory(in_landes=True))
    response = client.post(
        reverse("planning:publish"), month_query(region="75", confirme="1", attendu="1")
    )
    assert response.status_code == 403
    assert "Vous ne pouvez planifier que votre région" in response.content.decode()
    assert client.get(reverse("planning:publish"), month_query(region="75")).status_code == 403
    response = client.post(
        reverse("planning:confirm_accepted"), month_query(region="75", confirme="1", attendu="0")
    )
    assert response.status_code == 403
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == (M.DRAFT, M.DRAFT)
    assert not Notification.objects.exists()


def test_a_tampered_region_is_refused_and_nothing_is_computed(
    client, ars, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:run"), month_query(region="75", time_limit="5"))
    assert response.status_code == 403
    assert "votre région" in response.content.decode()
    assert not PlanningRun.objects.exists()


def test_the_agents_own_region_or_none_is_accepted(client, ars):
    assert client.get(reverse("planning:publish"), month_query(region="76")).status_code == 200
    assert client.get(reverse("planning:publish"), month_query()).status_code == 200


# --- Bulk actions are asked for first ---------------------------------------------------------


def test_publishing_shows_what_will_be_sent_and_waits_for_the_confirmation(client, ars):
    doctor = DoctorFactory()
    drafts = [MissionFactory(doctor=doctor, status=M.DRAFT, date=day(n)) for n in (3, 10)]
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert 'id="publish-form"' in page and "Publier les 2 propositions aux médecins" in page

    # One click (a POST without the confirmation) only leads to the confirmation page.
    response = client.post(reverse("planning:publish"), month_query(region="76"))
    assert response.status_code == 302
    assert response.url == reverse("planning:publish") + f"?mois={next_month():%Y-%m}&region=76"
    assert {m.status for m in Mission.objects.all()} == {M.DRAFT}

    page = client.get(response.url).content.decode()
    assert "2 propositions seront envoyées à 1 médecin" in page
    assert "2 lieux d&#x27;accueil concernés sont informés" in page
    assert 'name="attendu" value="2"' in page

    # The proposal changed since the page was shown: shown again, nothing published.
    MissionFactory(status=M.DRAFT, date=day(5))
    response = client.post(
        reverse("planning:publish"), month_query(confirme="1", attendu="2"), follow=True
    )
    assert "Les missions ont changé depuis votre demande" in response.content.decode()
    assert "3 propositions seront envoyées à 2 médecins" in response.content.decode()
    assert not Mission.objects.filter(status=M.PROPOSED).exists()

    response = client.post(
        reverse("planning:publish"), month_query(confirme="1", attendu="3"), follow=True
    )
    assert "3 missions proposées à 2 médecins" in response.content.decode()
    assert {m.status for m in Mission.objects.all()} == {M.PROPOSED}
    assert drafts[0].history.last().actor == ars

    # A second click on the same page: nothing more to publish, and said so.
    response = client.post(
        reverse("planning:publish"), month_query(confirme="1", attendu="3"), follow=True
    )
    assert "Toutes les missions calculées sont déjà publiées" in response.content.decode()


def test_nothing_to_publish_says_so_on_the_confirmation_page(client, ars):
    page = client.get(reverse("planning:publish"), month_query()).content.decode()
    assert "Aucune proposition à publier" in page and 'id="confirm-action-form"' not in page


def test_confirming_accepted_missions_is_asked_for_first(client, ars):
    accepted = MissionFactory(status=M.ACCEPTED, date=day(4))
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert "Confirmer la mission acceptée" in page
    response = client.post(reverse("planning:confirm_accepted"), month_query())
    assert response.status_code == 302 and "/planification/confirmer/" in response.url
    accepted.refresh_from_db()
    assert accepted.status == M.ACCEPTED

    page = client.get(response.url).content.decode()
    assert "1 mission acceptée sera confirmée (1 médecin, 1 lieu d&#x27;accueil)" in page
    response = client.post(
        reverse("planning:confirm_accepted"), month_query(confirme="1", attendu="1"), follow=True
    )
    assert "1 mission confirmée." in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == M.CONFIRMED
    # The same form sent again (second click, another tab): said, not « 0 mission confirmée ».
    response = client.post(
        reverse("planning:confirm_accepted"), month_query(confirme="1", attendu="1"), follow=True
    )
    page = html.unescape(response.content.decode())
    assert "C'est déjà fait : aucune mission acceptée" in page and "0 mission" not in page


# --- Cancelling a mission with patients booked ------------------------------------------------


@pytest.fixture
def booked_mission():
    mission = mission_with_slots()
    book(free_slot(mission))
    book(free_slot(mission), phone="+33639980002", email="dominique.fictif@exemple.test")
    return mission


def test_the_mission_page_tells_how_many_patients_are_booked(client, booked_mission):
    client.force_login(booked_mission.site.manager)
    page = client.get(reverse("planning:mission_detail", args=[booked_mission.pk]))
    text = page.content.decode()
    assert "Rendez-vous de patients à venir : 2" in text
    assert "annule aussi les 2 rendez-vous pris : les patients sont prévenus" in text
    empty = MissionFactory()
    client.force_login(empty.site.manager)
    page = client.get(reverse("planning:mission_detail", args=[empty.pk])).content.decode()
    assert "Rendez-vous de patients à venir : aucun" in page and 'id="cancel-notice"' not in page


@pytest.mark.parametrize("who", ["site_manager", "ars", "doctor"])
def test_cancelling_a_mission_with_patients_is_confirmed_first(
    client,
    booked_mission,
    ars_occitanie,  # noqa: F811
    who,
    django_capture_on_commit_callbacks,
):
    actors = {
        "site_manager": booked_mission.site.manager,
        "ars": ars_occitanie,
        "doctor": booked_mission.doctor.user,
    }
    client.force_login(actors[who])
    url = reverse("planning:mission_transition", args=[booked_mission.pk])
    response = client.post(url, {"to_status": M.CANCELLED, "comment": "Dégât des eaux"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "2 rendez-vous de patients sont pris sur cette mission" in text
    assert 'value="Dégât des eaux"' in text and 'name="confirme" value="1"' in text
    # Who is told: the others, never « le médecin » to the site about itself, nor the reverse.
    informed = {
        "site_manager": "au médecin et à l'ARS",
        "ars": "au médecin et au lieu d'accueil",
        "doctor": "au lieu d'accueil et à l'ARS",
    }
    unescaped = html.unescape(text)
    assert f"Un courriel l'annonce {informed[who]}." in unescaped
    assert f"Il figure dans les messages envoyés {informed[who]}, pas dans" in unescaped
    booked_mission.refresh_from_db()
    assert booked_mission.status == M.CONFIRMED
    statuses = booked_mission.appointments.values_list("status", flat=True)
    assert set(statuses) == {AppointmentStatus.BOOKED}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"to_status": M.CANCELLED, "comment": "Dégât des eaux", "confirme": "1"}
        )
    assert response.status_code == 302
    booked_mission.refresh_from_db()
    assert booked_mission.status == M.CANCELLED
    assert set(statuses.all()) == {AppointmentStatus.CANCELLED}


def test_cancelling_a_mission_without_patients_needs_no_second_step(client):
    mission = MissionFactory()
    client.force_login(mission.site.manager)
    response = client.post(
        reverse("planning:mission_transition", args=[mission.pk]),
        {"to_status": M.CANCELLED, "comment": "Dégât des eaux", "next": "/\\ailleurs.example"},
    )
    assert response.url == reverse("planning:mission_detail", args=[mission.pk])
    mission.refresh_from_db()
    assert mission.status == M.CANCELLED


def test_a_refused_cancellation_is_not_offered_for_confirmation(client, booked_mission):
    client.force_login(DoctorFactory().user)  # not their mission
    url = reverse("planning:mission_transition", args=[booked_mission.pk])
    assert client.post(url, {"to_status": M.CANCELLED, "comment": "Pas moi"}).status_code == 404


# --- A national run seen from a region --------------------------------------------------------


def test_a_national_run_shows_the_regions_own_figures(client, ars):
    run = PlanningRun.objects.create(
        month=next_month(),
        region_id=None,
        status=PlanningRun.Status.DONE,
        solver_status="optimal",
        progress=1.0,
        progress_message="159 propositions calculées, à publier.",
    )
    landes = SiteFactory(in_landes=True)
    for n in (2, 3):
        MissionFactory(status=M.DRAFT, site=landes, date=day(n), run=run)
    zone_here = current_zones().filter(epci__region_id="76").first()
    zone_there = current_zones().filter(epci__region_id="75").first()
    here, there = DoctorFactory(), DoctorFactory(in_landes=True)
    assert Doctor.objects.for_region("76").filter(pk=here.pk).exists()
    PlanningRun.objects.filter(pk=run.pk).update(
        uncovered_zones=[
            {"id": zone_here.pk, "name": "Zone ici", "commune": "", "reason": "raison ici"},
            {"id": zone_there.pk, "name": "Zone là-bas", "commune": "", "reason": "raison là-bas"},
        ],
        unplanned_volunteers=[
            {"id": here.pk, "name": "Ici Fictif", "commune": "Albi", "reason": "r"},
            {"id": there.pk, "name": "Là-bas Fictif", "commune": "Mont", "reason": "r"},
        ],
    )
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    # Not the national figure (a name like « Testeur1597 » in the header may hold « 159 »).
    assert "159 missions" not in page and "159 mission" not in page
    assert (
        "Calcul national du " in page
        and ": 0 proposition calculée dans la région à ce calcul." in page
    )
    assert "Calcul national (France entière)" in page
    # The zones without a day are today's (the region's 20, none has a mission here), with
    # the run's reason where it gave one.
    assert f"<strong>{zone_here.epci.name}</strong> : raison ici" in page
    assert "raison là-bas" not in page and zone_there.epci.name not in page
    assert "Ici Fictif" in page and "Là-bas Fictif" not in page
    zones_here = current_zones().filter(epci__region_id="76").count()
    assert f"Zones sans aucun jour ({zones_here})" in page
    assert f"0 zone couverte sur {zones_here}" in page and "Volontaires sans mission (1)" in page

    MissionFactory(status=M.DRAFT, date=day(4), run=run)  # Lacaune, Occitanie
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert ": 1 proposition calculée dans la région à ce calcul." in page

    client.force_login(UserFactory(national=True))
    page = client.get(reverse("planning:index"), month_query(region="tout")).content.decode()
    assert "Calcul terminé : 159 propositions calculées, à publier." in page
    # The run listed the Landes zone without a day; the two drafts at the Landes site give it
    # some now: it is not listed, as in the summary and the coverage table.
    assert landes.priority_zone_id == zone_there.pk
    assert "raison là-bas" not in page and "raison ici" in page


def test_a_regions_own_run_keeps_its_message(client, ars):
    PlanningRun.objects.create(
        month=next_month(),
        region_id="76",
        status=PlanningRun.Status.DONE,
        progress_message="2 propositions calculées, à publier.",
    )
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert (
        "Calcul terminé : 2 propositions calculées, à publier." in page
        and "Calcul national" not in page
    )


def test_the_run_message_says_when_missions_changed_since_the_calculation(client, ars):
    run = PlanningRun.objects.create(
        month=next_month(),
        region_id="76",
        status=PlanningRun.Status.DONE,
        progress_message="2 propositions calculées, à publier.",
        finished_at=timezone.now() - timedelta(hours=1),
    )
    mission = MissionFactory(status=M.DRAFT, date=day(4), run=run)
    MissionHistory.objects.filter(mission=mission).update(created_at=run.finished_at)
    said = "Depuis, des missions ont changé (publiées, retirées, acceptées…)"
    page = html.unescape(client.get(reverse("planning:index"), month_query()).content.decode())
    assert "Calcul terminé : 2 propositions calculées, à publier." in page and said not in page
    MissionHistory.objects.create(mission=mission, from_status=M.DRAFT, to_status=M.PROPOSED)
    page = html.unescape(client.get(reverse("planning:index"), month_query()).content.decode())
    # The calculation's own count (« à publier ») is no longer true: only its date is said.
    finished = timezone.localtime(run.finished_at)
    at = f"{finished:%d/%m/%Y} à {finished.hour}\u00a0h\u00a0{finished:%M}"
    assert f"Calcul terminé le {at}. {said}" in page
    assert "à publier" not in page.split('id="run-message"')[1].split("</span>")[0]


# --- French and accessibility -----------------------------------------------------------------


def test_no_zone_covered_is_singular(client, ars):
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert "0 zone couverte sur " in page and "zones couvertes" not in page


def test_proposal_emails_use_french_plurals(ars_occitanie, django_capture_on_commit_callbacks):  # noqa: F811
    mission = MissionFactory(status=M.DRAFT, date=day(3))
    with django_capture_on_commit_callbacks(execute=True):
        services.planning_publish(month=next_month(), region_code="76", actor=ars_occitanie)
    doctor_mail = Notification.objects.get(kind="missions_proposed")
    assert "L'ARS vous propose 1 mission de solidarité territoriale" in doctor_mail.body
    assert "décliner cette proposition" in doctor_mail.body and "(s)" not in doctor_mail.body
    site_mail = Notification.objects.get(kind="missions_planned_site")
    assert "L'ARS a proposé 1 mission de médecin volontaire" in site_mail.body
    assert (
        "Quand le médecin aura accepté, vous recevrez un courriel pour confirmer la mission "
        "(l'ARS peut aussi la confirmer)."
    ) in site_mail.body
    assert f"« {mission.site.name} »" in site_mail.body


def test_the_progress_bar_of_a_running_calculation_has_a_name(client, ars):
    run = PlanningRun.objects.create(
        month=next_month(),
        region_id="76",
        status=PlanningRun.Status.RUNNING,
        progress=0.3,
        progress_message="Optimisation en cours",
    )
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert '<label class="fr-label" for="run-progress">Avancement du calcul</label>' in page
    assert 'id="run-progress"' in page and "30 %" in page
    assert '<span id="run-message" role="status" aria-live="polite">' in page
    assert reverse("planning:run_status", args=[run.pk]) in page


@pytest.mark.parametrize(("civility", "said"), [("mme", "retirée"), ("m", "retiré")])
def test_a_withdrawn_doctor_is_addressed_without_brackets(client, civility, said):
    doctor = DoctorFactory(civility=civility, status="withdrawn")
    client.force_login(doctor.user)
    page = client.get(reverse("planning:doctor_missions")).content.decode()
    assert f"Vous vous êtes {said} du dispositif" in page and "(e)" not in page


def test_the_counts_agree_after_answers_and_removals(client, ars, ars_occitanie):  # noqa: F811
    """The summary, the zones without a day and the coverage table count today's missions;
    a draft taken out of the proposal is « retirée », not « annulée »."""
    run = PlanningRun.objects.create(
        month=next_month(),
        region_id="76",
        status=PlanningRun.Status.DONE,
        solver_status="optimal",
        progress=1.0,
        progress_message="2 propositions calculées, à publier.",
    )
    declined = MissionFactory(status=M.PROPOSED, date=day(3), run=run)
    removed = MissionFactory(status=M.DRAFT, date=day(4), site=declined.site, run=run)
    services.mission_transition(mission=declined, actor=declined.doctor.user, to_status=M.DECLINED)
    services.mission_remove(mission=removed, actor=ars_occitanie)
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    zone = declined.site.priority_zone
    zones_here = current_zones().filter(epci__region_id="76").count()
    assert f"0 zone couverte sur {zones_here}" in page
    assert f"Zones sans aucun jour ({zones_here})" in page
    assert (
        f"<strong>{zone.epci.name}</strong> : Ses missions ont été retirées, déclinées ou "
        "annulées depuis le calcul : relancez un calcul pour proposer d&#x27;autres "
        "volontaires.</li>" in page
    )
    assert "<li>Retirée de la proposition : 1</li>" in page
    assert "<li>Déclinée par le médecin : 1</li>" in page and "Annulée :" not in page
    assert "Calcul terminé : 2 propositions calculées, à publier." in page
    # The filter above the table and the table's badge say it the same way.
    tabs = page[page.index('id="status-filters"') :]
    tabs = tabs[: tabs.index("</nav>")]
    assert "Retirée de la proposition (1)</a>" in tabs and "Annulée" not in tabs
    assert "statut=removed#missions" in tabs
    table = client.get(reverse("planning:index"), month_query(statut="removed"))
    rows = table.content.decode().split('id="missions-table"')[-1]
    assert f'id="mission-{removed.pk}"' in rows and f'id="mission-{declined.pk}"' not in rows
    assert "Retirée de la proposition</span>" in rows
    assert "— retirée de la proposition — Renfort" in table.content.decode()


def test_the_month_exports_as_the_table_shows_it(client, ars, ars_occitanie):  # noqa: F811
    kept = MissionFactory(
        status=M.CONFIRMED,
        date=day(3),
        explanation="Zone peu couverte",
        status_reason="Proposition publiée.",  # a step's note: never shown as a reason
    )
    removed = MissionFactory(status=M.DRAFT, date=day(5), site=kept.site)
    services.mission_remove(mission=removed, actor=ars_occitanie)
    MissionFactory(status=M.CONFIRMED, date=day(4), site=SiteFactory(in_landes=True))
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert "Exporter les missions du mois en CSV" in page
    url = reverse("planning:export")
    response = client.get(url, month_query(format="csv"))
    assert response.status_code == 200
    assert f"missions-{next_month():%Y-%m}-region-occitanie-" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Date;Période;Lieu d'accueil") or lines[0].startswith(
        "Date,Période,Lieu d'accueil"
    )
    assert len(lines) == 3  # the region's two missions, not the Landes one
    assert f"Dr {kept.doctor.full_name}" in lines[1] and "Zone peu couverte" in lines[1]
    assert "Retirée de la proposition" in lines[2]
    # The last column, « Motif », only for a decline or a cancellation, as on the screen: not
    # the publication's note, nor « Retirée de la proposition. » said twice.
    assert lines[0].split(";")[-1] == "Motif"
    assert lines[1].split(";")[-1] == "" and lines[2].split(";")[-1] == ""
    assert "Motif : Retirée" not in page
    assert lines[1].startswith(f"{kept.date:%d/%m/%Y};")
    xlsx = client.get(url, month_query(format="xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].is_date and sheet["A2"].value.date() == kept.date  # sorts as a date
    assert client.get(url, month_query(format="pdf")).status_code == 400
    assert client.get(url, {"mois": "abc", "format": "csv"}).status_code == 400
    assert client.get(url, month_query(format="csv", region="75")).status_code == 403
    client.force_login(kept.doctor.user)
    assert client.get(url, month_query(format="csv")).status_code == 403


def test_the_ars_lands_on_what_waits_for_it(client, ars_occitanie):  # noqa: F811
    from renfort.sites.models import Site

    DoctorFactory(submitted=True)  # Tarn: the ARS transmits it to the Ordre
    DoctorFactory(status="cps_issued")  # the ARS activates it
    DoctorFactory()  # active: nothing to do
    DoctorFactory(submitted=True, in_landes=True)  # another region
    SiteFactory(proposed=True)
    SiteFactory(in_landes=True, proposed=True)  # another region
    accepted = MissionFactory(status=M.ACCEPTED, date=day(3))
    MissionFactory(status=M.DECLINED, date=day(4), site=accepted.site)
    client.force_login(ars_occitanie)
    landing = client.get(reverse("accounts:home"))
    assert landing.url == reverse("planning:todo")
    page = html.unescape(client.get(landing.url).content.decode())
    assert "À traiter — Occitanie" in page
    assert "2 dossiers de volontaires à faire avancer" in page
    assert "1 lieu d'accueil déclaré à valider" in page
    assert Site.objects.filter(status="proposed").count() == 2
    row = page.split(f'?mois={next_month():%Y-%m}&region=76">')[1].split("</tr>")[0]
    cells = [re.sub(r"<[^>]+>", "", c.split("</td>")[0]).strip() for c in row.split("<td>")[1:]]
    zones = current_zones().filter(epci__region_id="76").count()
    # The accepted one gives its zone a day; the counts lead to the month's filtered table.
    assert cells == ["0", "1 à confirmer", "1", f"{zones - 1} sur {zones}"]
    assert f"?mois={next_month():%Y-%m}&region=76&statut=accepted#missions" in row
    # The national steering reads the same counts for the region (the ARS's steps).
    client.force_login(UserFactory(national=True))
    national = html.unescape(
        client.get(reverse("planning:todo"), {"region": "76"}).content.decode()
    )
    assert "2 dossiers de volontaires à faire avancer" in national
    listed = client.get(reverse("doctors:agent_list"), {"status": "a_traiter", "region": "76"})
    assert "2 volontaires" in html.unescape(listed.content.decode())
    client.force_login(ars_occitanie)
    assert client.get(reverse("planning:todo"), {"region": "75"}).status_code == 403
    client.force_login(accepted.doctor.user)
    assert client.get(reverse("planning:todo")).status_code == 403


def test_declined_missions_are_filtered_and_lead_to_a_new_calculation(client, ars):
    kept = MissionFactory(status=M.ACCEPTED, date=day(3))
    declined = MissionFactory(status=M.DECLINED, date=day(4), site=kept.site)
    page = client.get(reverse("planning:index"), month_query()).content.decode()
    assert "Déclinée par le médecin (1)</a>" in page and "Toutes (2)</a>" in page
    page = client.get(reverse("planning:index"), month_query(statut="declined")).content.decode()
    table = page.split('id="missions-table"')[1].split("</table>")[0]
    assert f'id="mission-{declined.pk}"' in table and f'id="mission-{kept.pk}"' not in table
    assert "Missions du mois — déclinée par le médecin" in table
    assert "— Occitanie — déclinée par le médecin — Renfort" in page  # a title of its own
    assert "1 zone couverte sur" in page  # the rest of the page counts every mission
    detail = client.get(reverse("planning:mission_detail", args=[declined.pk])).content.decode()
    assert 'id="replan-hint"' in detail and f"mois={declined.date:%Y-%m}" in detail
    client.force_login(declined.doctor.user)  # the doctor is not told to re-plan
    detail = client.get(reverse("planning:mission_detail", args=[declined.pk])).content.decode()
    assert 'id="replan-hint"' not in detail
