"""Pages: sign-up, doctor space, permissions, agent list, detail, transitions and exports."""

import csv
import html as htmllib
import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renfort.accounts.models import Role, User
from renfort.doctors.models import Doctor, DoctorStatus
from renfort.notifications.models import Notification
from renfort.territories.models import Departement
from tests.confirmation import confirmation_path
from tests.factories import UserFactory, commune
from tests.planning.factories import MissionFactory
from tests.sites.factories import SiteFactory

from .factories import DoctorFactory

pytestmark = pytest.mark.django_db
SIGNUP = "doctors:signup"


def text(response) -> str:
    return htmllib.unescape(response.content.decode())


# --- Sign-up --------------------------------------------------------------------------------


def test_signup_page_renders(client):
    page = text(client.get(reverse(SIGNUP)))
    assert "Devenir médecin volontaire" in page and 'data-autocomplete-url="' in page
    assert "CC du Haut-Languedoc" in page and "Occitanie" in page
    assert 'name="dispo-0-date"' in page and "Envoyer ma candidature" in page
    assert "Quel que soit votre secteur, les consultations de solidarité sont facturées" in page


def test_signup_waits_for_the_email_confirmation_then_shows_the_space(client, signup_data):
    response = client.post(reverse(SIGNUP), signup_data(), follow=True)
    page = text(response)
    assert "Consultez votre messagerie" in page
    assert "confirmer votre adresse camille.fictive@test.renfort.example" in page
    assert "votre candidature de médecin volontaire" in page
    doctor = Doctor.objects.get()
    assert not response.context["user"].is_authenticated and doctor.status == "draft"
    assert client.get(reverse("doctors:space")).status_code == 302  # not logged in
    response = client.post(confirmation_path(doctor.user.email), follow=True)
    page = text(response)
    assert "Votre candidature a été envoyée" in page and "Candidature envoyée" in page
    doctor.refresh_from_db()
    assert response.context["user"] == doctor.user and doctor.status == "submitted"
    assert doctor.practice_status == "retired" and doctor.wants_housing
    assert doctor.availabilities.count() == 2 and doctor.zones.count() == 1
    assert "CDOM Tarn (81)" in page


def test_double_submission_creates_one_doctor_and_redirects_to_the_same_page(client, signup_data):
    first = client.post(reverse(SIGNUP), signup_data())
    second = client.post(reverse(SIGNUP), signup_data())
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("accounts:confirmation_sent")
    assert Doctor.objects.count() == 1 and User.objects.count() == 1
    assert Notification.objects.filter(kind="account_confirmation").count() == 1
    # Once confirmed, the same form sent again goes to the space, logged in only with the
    # account's password.
    client.post(confirmation_path("camille.fictive@test.renfort.example"))
    client.logout()
    third = client.post(reverse(SIGNUP), signup_data())
    assert third.url == reverse("doctors:space") and Doctor.objects.count() == 1
    assert client.get(reverse("doctors:space")).status_code == 200


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"rpps": "18888000008"}, "clé de contrôle"),
        ({"rpps": "1888800000"}, "11 chiffres"),
        ({"phone": "05 63 00 00 00"}, "mobile (06 ou 07)"),
        ({"max_days_per_month": "3"}, "Choisissez une des réponses proposées."),
        ({"coverage_mode": "travel", "max_travel_minutes": ""}, "temps de trajet maximal"),
        ({"zones": []}, "au moins une zone"),
        ({"insurance_confirmed": None}, "assurance responsabilité civile"),
        ({"consent": None}, "Votre accord est nécessaire"),
        ({"practice_commune": "", "commune_label": "Alb"}, "Plusieurs communes correspondent"),
        ({"password2": "autre-chose-42"}, "pas identiques"),
        ({"dispo-0-date": "2020-01-06"}, "n'est pas une date à venir"),
        # Out of range, negative included: one message with the range.
        ({"slot_minutes": "-5"}, "La durée d'un créneau va de 10 à 60 minutes."),
        ({"coverage_mode": "travel", "max_travel_minutes": "-5"}, "va de 15 à 240 minutes"),
        ({"zones": ["9" * 20]}, "Choisissez une des réponses proposées."),  # beyond 64 bits
        # Patients are promised the secteur 1 fee: not outside the convention.
        ({"sector": "non_conventionne"}, "il faut être conventionné avec l'Assurance Maladie"),
    ],
)
def test_invalid_signup_saves_nothing(client, signup_data, overrides, message):
    response = client.post(reverse(SIGNUP), signup_data(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert not Doctor.objects.exists() and not User.objects.exists()
    assert not Notification.objects.exists()


def test_travel_mode_signup(client, signup_data):
    client.post(
        reverse(SIGNUP), signup_data(coverage_mode="travel", max_travel_minutes="90", zones=[])
    )
    client.post(confirmation_path("camille.fictive@test.renfort.example"))
    doctor = Doctor.objects.get()
    assert doctor.coverage_mode == "travel" and doctor.max_travel_minutes == 90
    page = text(client.get(reverse("doctors:space")))
    assert "à moins de 90 minutes" in page and "CC du Haut-Languedoc" in page


def test_signed_in_doctor_is_sent_to_the_space_and_others_refused(client):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    assert client.get(reverse(SIGNUP)).url == reverse("doctors:space")
    client.force_login(UserFactory(ars=True))
    assert client.get(reverse(SIGNUP)).status_code == 403


# --- Doctor space ---------------------------------------------------------------------------


def test_space_shows_timeline_missions_and_plannable_notice(client):
    doctor = DoctorFactory(status=DoctorStatus.BILLING_NUMBER_RECORDED)
    doctor.billing_recorded_on = timezone.localdate()
    doctor.save()
    mission = MissionFactory(doctor=doctor)
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:space")))
    assert (
        "planifiable dès cette étape" in page and "avant l'arrivée de la nouvelle carte CPS" in page
    )
    assert f"{doctor.cps_expected_on:%d/%m/%Y}" in page
    assert mission.site.name in page and "Confirmée" in page


def test_space_requires_a_doctor(client):
    assert client.get(reverse("doctors:space")).status_code == 302
    client.force_login(UserFactory(site_manager=True))
    assert client.get(reverse("doctors:space")).status_code == 403


def test_adding_a_date_again_says_what_happened(client):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    day = timezone.localdate() + timedelta(days=12)
    shown = f"{day:%d/%m/%Y}"

    def add(period):
        url = reverse("doctors:availability_add")
        return text(client.post(url, {"date": day.isoformat(), "period": period}, follow=True))

    assert f"Disponibilité du {shown} enregistrée (matin)." in add("morning")
    assert f"Le {shown} est déjà dans vos disponibilités (matin) : rien n'a changé." in add(
        "morning"
    )
    assert f"Le {shown} devient une journée entière." in add("afternoon")
    assert "déjà dans vos disponibilités (journée entière)" in add("morning")
    assert doctor.availabilities.get().period == "full"
    MissionFactory(doctor=doctor, date=day, status="proposed")
    held = add("full")
    assert "Cette date est retenue pour une mission." in held and "retirez la date" not in held
    url = reverse("doctors:availability_add")
    assert "Indiquez la date à ajouter." in text(client.post(url, {"date": "", "period": "full"}))


def test_space_add_and_remove_availability(client):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    day = timezone.localdate() + timedelta(days=12)
    client.post(reverse("doctors:availability_add"), {"date": day.isoformat(), "period": "full"})
    availability = doctor.availabilities.get()
    response = client.post(
        reverse("doctors:availability_remove", args=[availability.pk]), follow=True
    )
    assert "retirée" in text(response) and not doctor.availabilities.exists()


def test_space_refuses_removing_a_date_held_by_a_mission(client):
    day = timezone.localdate() + timedelta(days=10)
    doctor = DoctorFactory(available_on=[day])
    MissionFactory(doctor=doctor, date=day, accepted=True)
    client.force_login(doctor.user)
    availability = doctor.availabilities.get()
    response = client.post(
        reverse("doctors:availability_remove", args=[availability.pk]), follow=True
    )
    assert "ne peut pas être retirée" in text(response)
    assert doctor.availabilities.exists()


def test_a_doctor_cannot_touch_another_doctors_availability(client):
    other = DoctorFactory(available_on=[timezone.localdate() + timedelta(days=5)])
    client.force_login(DoctorFactory().user)
    url = reverse("doctors:availability_remove", args=[other.availabilities.get().pk])
    assert client.post(url).status_code == 404
    assert other.availabilities.exists()


def test_space_past_date_refused_with_message(client):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    response = client.post(
        reverse("doctors:availability_add"),
        {"date": (timezone.localdate() - timedelta(days=2)).isoformat(), "period": "full"},
        follow=True,
    )
    assert "n'est pas une date à venir" in text(response)


def test_coverage_and_preferences_pages(client, lacaune_zone):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    assert client.get(reverse("doctors:coverage")).status_code == 200
    response = client.post(reverse("doctors:coverage"), {"coverage_mode": "zones"})
    assert "au moins une zone" in text(response)
    client.post(reverse("doctors:coverage"), {"coverage_mode": "zones", "zones": [lacaune_zone.pk]})
    assert list(Doctor.objects.get(pk=doctor.pk).zones.all()) == [lacaune_zone]
    # Preferred sites are checkboxes grouped by region (a Ctrl-click list fails on phones).
    site = SiteFactory()
    page = client.get(reverse("doctors:coverage")).content.decode()
    assert f'type="checkbox" name="preferred_sites" value="{site.pk}" id="site-{site.pk}"' in page
    assert (
        '<summary id="sites-first">Occitanie (1)</summary>' in page
        and "<select" not in page.split('id="sites-fieldset"')[1].split("</fieldset>")[0]
    )
    client.post(
        reverse("doctors:coverage"),
        {"coverage_mode": "zones", "zones": [lacaune_zone.pk], "preferred_sites": [site.pk]},
    )
    assert list(Doctor.objects.get(pk=doctor.pk).preferred_sites.all()) == [site]
    page = client.get(reverse("doctors:coverage")).content.decode()
    assert f'value="{site.pk}" id="site-{site.pk}" checked' in page
    data = {
        "phone": "06 11 22 33 44", "max_days_per_month": "1", "slot_minutes": "30",
        "morning_start": "08:30", "morning_end": "12:00", "afternoon_start": "13:30",
        "afternoon_end": "17:00", "wants_housing": "on",
    }  # fmt: skip
    assert client.post(reverse("doctors:preferences"), data).status_code == 302
    doctor.refresh_from_db()
    assert (doctor.max_days_per_month, doctor.slot_minutes, doctor.wants_housing) == (1, 30, True)


def test_pause_resume_and_withdraw_with_warning(client):
    doctor = DoctorFactory()
    mission = MissionFactory(doctor=doctor)
    client.force_login(doctor.user)
    client.post(reverse("doctors:space_transition"), {"to_status": "paused"})
    assert Doctor.objects.get(pk=doctor.pk).status == "paused"
    client.post(reverse("doctors:space_transition"), {"to_status": "active"})
    assert Doctor.objects.get(pk=doctor.pk).status == "active"
    page = text(client.get(reverse("doctors:withdraw")))
    assert "ces missions seront annulées" in page and mission.site.name in page
    assert "préférez « Mettre en pause »" in page  # offered to an active volunteer
    client.post(reverse("doctors:withdraw"), {"comment": "Déménagement"})
    assert Doctor.objects.get(pk=doctor.pk).status == "withdrawn"
    mission.refresh_from_db()
    # Announced on the confirmation page, with the doctor's reason in the history.
    assert mission.status == "cancelled" and mission.status_reason == "Déménagement"
    # The closed space no longer promises proposals nor asks for dates.
    page = text(client.get(reverse("doctors:space")))
    assert "Votre dossier est clos" in page
    assert "Les propositions arrivent" not in page and "ajoutez des dates" not in page
    # Its edit pages say so at once, back in the space, instead of a form refused once filled.
    for name in ("doctors:coverage", "doctors:preferences"):
        response = client.get(reverse(name), follow=True)
        assert response.redirect_chain == [(reverse("doctors:space"), 302)]
        assert "écrivez à l'ARS de votre région" in text(response)


def test_space_transition_refuses_other_targets(client):
    doctor = DoctorFactory(submitted=True)
    client.force_login(doctor.user)
    response = client.post(
        reverse("doctors:space_transition"), {"to_status": "activity_recorded"}, follow=True
    )
    assert "Action inconnue" in text(response)
    assert Doctor.objects.get(pk=doctor.pk).status == "submitted"


# --- Agents ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["doctors:agent_list", "doctors:export"])
def test_back_office_forbidden_to_doctors_and_site_managers(client, url_name):
    assert client.get(reverse(url_name)).status_code == 302  # anonymous → login
    for user in (DoctorFactory().user, UserFactory(site_manager=True)):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 403


def test_detail_forbidden_to_doctors_and_404_outside_scope(client):
    doctor = DoctorFactory()  # Tarn, Occitanie
    url = reverse("doctors:agent_detail", args=[doctor.pk])
    assert client.get(url).status_code == 302
    client.force_login(DoctorFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(doctor.user)
    assert client.get(url).status_code == 403
    for outsider in (UserFactory(ars=True), UserFactory(cdom=True), UserFactory(cpam=True)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        transition = reverse("doctors:agent_transition", args=[doctor.pk])
        assert client.post(transition, {"to_status": "paused"}).status_code == 404
    client.force_login(UserFactory(national=True))
    assert client.get(url).status_code == 200


def test_ars_list_shows_only_its_region(client):
    landes = DoctorFactory(in_landes=True, last_name="Landais-Fictif")
    tarn = DoctorFactory(last_name="Tarnais-Fictif")
    client.force_login(UserFactory(ars=True))
    page = text(client.get(reverse("doctors:agent_list")))
    assert landes.last_name in page and tarn.last_name not in page
    client.force_login(UserFactory(national=True))
    page = text(client.get(reverse("doctors:agent_list")))
    assert landes.last_name in page and tarn.last_name in page


@pytest.mark.parametrize("url_name", ["doctors:agent_list", "doctors:export", "sites:agent_list"])
def test_a_list_filter_outside_the_agents_area_is_refused_not_emptied(client, url_name):
    url = reverse(url_name)
    client.force_login(UserFactory(cdom=True))  # Landes (40), Nouvelle-Aquitaine (75)
    for outside in ({"departement": "81"}, {"region": "76"}):
        response = client.get(url, outside)
        assert response.status_code == 403
        assert "n'est pas dans votre périmètre" in text(response)
    assert client.get(url, {"departement": "40"}).status_code == 200
    assert client.get(url, {"region": "75"}).status_code == 200
    client.force_login(UserFactory(ars=True))  # Nouvelle-Aquitaine
    assert client.get(url, {"departement": "81"}).status_code == 403
    assert client.get(url, {"departement": "40"}).status_code == 200
    client.force_login(UserFactory(national=True))
    assert client.get(url, {"departement": "81", "region": "76"}).status_code == 200
    for unknown in ({"departement": "zz"}, {"region": "zz"}):
        response = client.get(url, unknown)
        assert response.status_code == 400 and "inconnu" in text(response)


def test_agent_filters(client, lacaune_zone):
    DoctorFactory(last_name="Zone-Fictif", coverage_mode="zones", max_travel_minutes=None)
    Doctor.objects.get(last_name="Zone-Fictif").zones.add(lacaune_zone)
    DoctorFactory(last_name="Secteur-Fictif", sector="secteur_2")
    DoctorFactory(last_name="Soumis-Fictif", submitted=True)
    DoctorFactory(last_name="Landes-Fictif", in_landes=True)
    client.force_login(UserFactory(national=True))

    def names(**params):
        response = client.get(reverse("doctors:agent_list"), params)
        return {d.last_name for d, _ in response.context["rows"]}

    assert names(zone=lacaune_zone.pk) == {"Zone-Fictif"}
    assert names(sector="secteur_2") == {"Secteur-Fictif"}
    assert names(status="submitted") == {"Soumis-Fictif"}
    assert names(departement="40") == {"Landes-Fictif"}
    assert names(region="75") == {"Landes-Fictif"}
    assert len(names()) == 4


def test_agent_list_paginates(client):
    for _ in range(55):
        DoctorFactory(in_landes=True)
    client.force_login(UserFactory(ars=True))
    response = client.get(reverse("doctors:agent_list"))
    assert len(response.context["rows"]) == 50 and response.context["count"] == 55
    assert len(client.get(reverse("doctors:agent_list"), {"page": 2}).context["rows"]) == 5


def test_departement_table_counts(client, lacaune_zone):
    zoned = DoctorFactory(in_landes=True, coverage_mode="zones", max_travel_minutes=None)
    zoned.zones.add(lacaune_zone)
    DoctorFactory(in_landes=True, coverage_mode="zones", max_travel_minutes=None)  # no zone
    DoctorFactory(in_landes=True, submitted=True)  # travel, not plannable yet
    DoctorFactory(in_landes=True, status="withdrawn")  # not counted
    DoctorFactory(practice_commune=commune("33063"))
    client.force_login(UserFactory(ars=True))
    response = client.get(reverse("doctors:agent_list"))
    table = {row.code: row for row in response.context["table"]}
    landes = table["40"]
    assert (landes.volunteers, landes.with_zones, landes.with_travel) == (3, 1, 1)
    assert (landes.without_territory, landes.plannable) == (1, 2)
    assert landes.in_review == 1 and landes.paused == 0
    assert landes.in_review + landes.onboarding + landes.active + landes.paused == 3
    assert landes.onboarding + landes.active == landes.plannable
    assert "En instruction" in text(response)
    assert table["33"].volunteers == 1 and "81" not in table
    assert response.context["total"].volunteers == 4
    assert "Sans territoire choisi" in text(response)


def test_export_csv_and_xlsx_match_filters_without_contact_data(client):
    DoctorFactory(in_landes=True, last_name="Export-Fictif", submitted=True)
    DoctorFactory(in_landes=True, last_name="Autre-Fictif")
    DoctorFactory(last_name="Horszone-Fictif")
    client.force_login(UserFactory(ars=True))
    response = client.get(reverse("doctors:export"), {"format": "csv", "status": "submitted"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Nom", "Prénom", "RPPS"] and len(rows) == 2
    assert rows[1][0] == "Export-Fictif" and rows[1][7] == "Candidature envoyée"
    assert not any("@" in cell or "+33" in cell for row in rows for cell in row)
    response = client.get(reverse("doctors:export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"Export-Fictif", "Autre-Fictif"}


def test_agent_detail_shows_history_and_role_actions(client):
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVITY_RECORDED)
    client.force_login(UserFactory(cpam=True))
    page = text(client.get(reverse("doctors:agent_detail", args=[doctor.pk])))
    assert "Enregistrer le numéro de facturation (CPAM)" in page and 'name="billing_number"' in page
    assert "Historique du dossier" in page
    client.force_login(UserFactory(cdom=True))
    page = text(client.get(reverse("doctors:agent_detail", args=[doctor.pk])))
    assert "Refuser la candidature" in page and "numéro de facturation (CPAM)" not in page
    later = DoctorFactory(in_landes=True, status=DoctorStatus.BILLING_NUMBER_RECORDED)
    page = text(client.get(reverse("doctors:agent_detail", args=[later.pk])))
    assert "Aucune action possible" in page


def test_the_cdom_acknowledges_a_file_the_ars_may_mark_received(client):
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.SUBMITTED)
    url = reverse("doctors:agent_detail", args=[doctor.pk])
    client.force_login(UserFactory(cdom=True))
    page = text(client.get(url))
    assert "Accuser réception de la candidature" in page
    assert "Indiquer que l'Ordre a reçu" not in page
    client.force_login(UserFactory(role=Role.ARS_AGENT, region=doctor.departement.region))
    assert "Indiquer que l'Ordre a reçu la candidature" in text(client.get(url))


def test_cpam_records_billing_number_from_the_detail_page(client):
    doctor = DoctorFactory(in_landes=True, status=DoctorStatus.ACTIVITY_RECORDED)
    client.force_login(UserFactory(cpam=True))
    url = reverse("doctors:agent_transition", args=[doctor.pk])
    response = client.post(url, {"to_status": "billing_number_recorded"}, follow=True)
    assert "numéro de facturation" in text(response)
    client.post(url, {"to_status": "billing_number_recorded", "billing_number": "4001234"})
    doctor.refresh_from_db()
    assert doctor.status == "billing_number_recorded" and doctor.billing_number == "4001234"


def test_wrong_role_transition_is_403(client):
    doctor = DoctorFactory(in_landes=True, submitted=True)
    client.force_login(UserFactory(cpam=True))
    url = reverse("doctors:agent_transition", args=[doctor.pk])
    assert client.post(url, {"to_status": "cdom_notified"}).status_code == 403


def test_cdom_agent_of_another_departement_cannot_see(client):
    doctor = DoctorFactory(in_landes=True)
    gironde = Departement.objects.get(code="33")
    client.force_login(UserFactory(role=Role.CDOM_AGENT, departement=gironde))
    assert client.get(reverse("doctors:agent_detail", args=[doctor.pk])).status_code == 404
    assert doctor.last_name not in text(client.get(reverse("doctors:agent_list")))


def test_a_pause_withdraws_pending_proposals_only_and_blocks_accepting(client):
    from renfort.planning.services import mission_transition

    doctor = DoctorFactory()
    day = timezone.localdate() + timedelta(days=10)
    proposed = MissionFactory(doctor=doctor, status="proposed", date=day)
    confirmed = MissionFactory(doctor=doctor, status="confirmed", date=day + timedelta(days=1))
    other = MissionFactory(doctor=doctor, status="proposed", date=day + timedelta(days=2))
    client.force_login(doctor.user)
    client.post(
        reverse("doctors:space_transition"),
        {"to_status": "paused", "confirmed": "1", "proposals": [proposed.pk, other.pk]},
    )
    proposed.refresh_from_db()
    confirmed.refresh_from_db()
    assert proposed.status == "cancelled" and confirmed.status == "confirmed"
    assert "restent prévues" in text(client.get(reverse("doctors:space")))
    other.refresh_from_db()
    other.status = "proposed"  # e.g. proposed again by hand while paused
    other.save()
    with pytest.raises(ValidationError, match="en pause"):
        mission_transition(mission=other, actor=doctor.user, to_status="accepted")


def test_the_withdrawal_page_lists_every_mission_it_cancels(client):
    doctor = DoctorFactory()
    proposed = MissionFactory(doctor=doctor, status="proposed")
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:withdraw")))
    assert proposed.site.name in page and "ces missions seront annulées" in page


def test_a_closed_file_cannot_be_edited(client):
    doctor = DoctorFactory(status="withdrawn")
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:space")))
    assert "Votre dossier est clos" in page and 'id="availability-add-form"' not in page
    day = (timezone.localdate() + timedelta(days=9)).isoformat()
    response = client.post(
        reverse("doctors:availability_add"), {"date": day, "period": "full"}, follow=True
    )
    assert "dossier est clos" in text(response)
    assert not doctor.availabilities.filter(date=day).exists()


def test_an_issued_cps_card_is_no_longer_expected(client):
    doctor = DoctorFactory(status="cps_issued")
    doctor.cps_issued_on = timezone.localdate()
    doctor.save()
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:space")))
    assert "attendue vers" not in page


def test_agents_see_another_regions_drafts_only_once_published(client):
    """A region's drafts are its ARS's working papers: an agent following the volunteer from
    elsewhere (ARS of the practice's region, CPAM) sees only published missions."""
    doctor = DoctorFactory(in_landes=True)  # practises in Nouvelle-Aquitaine
    draft = MissionFactory(doctor=doctor, draft=True)  # at a site in Occitanie
    proposed = MissionFactory(doctor=doctor, proposed=True, date=draft.date + timedelta(days=1))
    url = reverse("doctors:agent_detail", args=[doctor.pk])
    for agent in (UserFactory(ars=True), UserFactory(cpam=True)):
        client.force_login(agent)
        missions = list(client.get(url).context["missions"])
        assert missions == [proposed]
    client.force_login(UserFactory(national=True))
    assert set(client.get(url).context["missions"]) == {draft, proposed}


def test_the_departement_table_says_which_files_it_does_not_count(client):
    DoctorFactory(last_name="Actif-Fictif")
    DoctorFactory(last_name="Refus-Fictif", status="refused")
    client.force_login(UserFactory(national=True))
    page = text(client.get(reverse("doctors:agent_list")))
    assert "2 volontaires" in page  # the list and the exports count every file
    assert "Le tableau ne compte pas 1 dossier refusé ou clos" in page


def test_cdom_and_cpam_land_on_the_files_waiting_for_them(client):
    DoctorFactory(in_landes=True, last_name="Envoye-Fictif", submitted=True)
    DoctorFactory(in_landes=True, last_name="Enregistre-Fictif", status="activity_recorded")
    DoctorFactory(in_landes=True, last_name="Actif-Fictif")
    for trait, waiting in (("cdom", "Envoye-Fictif"), ("cpam", "Enregistre-Fictif")):
        client.force_login(UserFactory(**{trait: True}))
        page = text(client.get(reverse("doctors:agent_list")))
        assert "1 volontaire à traiter par vous" in page and waiting in page
        assert "Actif-Fictif" not in page and "Voir tous les volontaires" in page
        # The export links carry the landing's filter: the files are the screen's rows.
        links = re.findall(r'href="([^"]*/export/[^"]*)"', page)
        assert len(links) == 2 and all("status=a_traiter" in link for link in links)
        exported = client.get(htmllib.unescape(links[0])).content.decode()
        assert waiting in exported and "Actif-Fictif" not in exported
        page = text(client.get(reverse("doctors:agent_list"), {"status": ""}))
        assert "3 volontaires" in page and "Actif-Fictif" in page
    client.force_login(UserFactory(ars=True))  # the ARS keeps the whole list, and the choice
    page = client.get(reverse("doctors:agent_list")).content.decode()
    assert "Actif-Fictif" in page and 'value="a_traiter"' in page
