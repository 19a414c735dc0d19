"""Pages: sign-up, doctor space, permissions, agent list, detail, transitions and exports."""

import csv
import html as htmllib
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renfort.accounts.models import Role, User
from renfort.doctors.models import Doctor, DoctorStatus
from renfort.notifications.models import Notification
from renfort.territories.models import Departement, Region
from tests.factories import UserFactory, commune
from tests.planning.factories import MissionFactory

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


def test_signup_logs_in_and_shows_the_space(client, signup_data):
    response = client.post(reverse(SIGNUP), signup_data(), follow=True)
    page = text(response)
    assert "Votre candidature a été envoyée" in page and "Candidature envoyée" in page
    doctor = Doctor.objects.get()
    assert response.context["user"] == doctor.user and doctor.status == "submitted"
    assert doctor.practice_status == "retired" and doctor.wants_housing
    assert doctor.availabilities.count() == 2 and doctor.zones.count() == 1
    assert "CDOM Tarn (81)" in page


def test_double_submission_creates_one_doctor_and_redirects_to_the_same_page(client, signup_data):
    first = client.post(reverse(SIGNUP), signup_data())
    client.logout()
    second = client.post(reverse(SIGNUP), signup_data())
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("doctors:space")
    assert Doctor.objects.count() == 1 and User.objects.count() == 1
    # The repeated POST carried the right password: the session is the doctor's.
    assert client.get(reverse("doctors:space")).status_code == 200


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"rpps": "18888000008"}, "clé de contrôle"),
        ({"rpps": "1888800000"}, "11 chiffres"),
        ({"phone": "05 63 00 00 00"}, "mobile (06 ou 07)"),
        ({"max_days_per_month": "3"}, "Sélectionnez un choix valide"),
        ({"coverage_mode": "travel", "max_travel_minutes": ""}, "temps de trajet maximal"),
        ({"zones": []}, "au moins une zone"),
        ({"insurance_confirmed": None}, "assurance responsabilité civile"),
        ({"consent": None}, "Votre accord est nécessaire"),
        ({"practice_commune": "", "commune_label": "Alb"}, "Choisissez la commune"),
        ({"password2": "autre-chose-42"}, "pas identiques"),
        ({"dispo-0-date": "2020-01-06"}, "n'est pas une date à venir"),
    ],
)
def test_invalid_signup_saves_nothing(client, signup_data, overrides, message):
    response = client.post(reverse(SIGNUP), signup_data(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert not Doctor.objects.exists() and not User.objects.exists()
    assert not Notification.objects.exists()


def test_duplicate_rpps_refused_on_the_form(client, signup_data):
    DoctorFactory(rpps="18888000009")
    response = client.post(reverse(SIGNUP), signup_data())
    assert "déjà inscrit avec ce numéro RPPS" in text(response)
    assert Doctor.objects.count() == 1


def test_travel_mode_signup(client, signup_data):
    client.post(
        reverse(SIGNUP), signup_data(coverage_mode="travel", max_travel_minutes="90", zones=[])
    )
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
    client.post(reverse("doctors:withdraw"), {"comment": "Déménagement"})
    assert Doctor.objects.get(pk=doctor.pk).status == "withdrawn"
    mission.refresh_from_db()
    # Announced on the confirmation page, with the doctor's reason in the history.
    assert mission.status == "cancelled" and mission.status_reason == "Déménagement"


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


def test_a_refused_signup_starts_with_a_linked_error_summary(client, signup_data):
    response = client.post(reverse(SIGNUP), signup_data(rpps="123"))
    page = response.content.decode()
    assert response.status_code == 200 and not Doctor.objects.exists()
    assert 'id="error-summary"' in page and 'href="#id_rpps"' in page
    assert "<title>Erreur dans le formulaire — Devenir médecin volontaire" in page


def test_the_error_summary_links_to_the_zones_drawn_by_hand(client, signup_data):
    page = client.post(reverse(SIGNUP), signup_data(zones=[])).content.decode()
    assert 'href="#zones-fieldset"' in page and 'id="zones-fieldset"' in page
    assert 'href="#id_zones_0"' not in page


def test_signup_shows_form_and_rule_errors_in_one_round(client, signup_data):
    data = signup_data(rpps="18888000008", phone="05 63 00 00 00")
    data["password2"] = "Autre-mot-de-passe-99"
    page = text(client.post(reverse(SIGNUP), data))
    assert "clé de contrôle" in page and "mobile (06 ou 07)" in page
    assert not Doctor.objects.exists()


def test_a_name_must_start_with_a_letter(client, signup_data):
    page = text(client.post(reverse(SIGNUP), signup_data(last_name="-Martin")))
    assert "Vérifiez le nom" in page and not Doctor.objects.exists()


# --- Review fixes ---------------------------------------------------------------------------


def summary_of(response) -> str:
    page = response.content.decode()
    start = page.index('id="error-summary"')
    return page[start : page.index("</ul>", start)]


def test_pausing_with_pending_proposals_asks_for_confirmation_first(client):
    doctor = DoctorFactory()
    day = timezone.localdate() + timedelta(days=10)
    proposed = MissionFactory(doctor=doctor, proposed=True, date=day)
    other = MissionFactory(doctor=doctor, proposed=True, date=day + timedelta(days=3))
    accepted = MissionFactory(doctor=doctor, accepted=True, date=day + timedelta(days=1))
    client.force_login(doctor.user)
    response = client.post(reverse("doctors:space_transition"), {"to_status": "paused"})
    page = text(response)
    assert response.status_code == 200 and 'id="pause-form"' in page
    assert proposed.site.name in page and f"{day:%d/%m/%Y}" in page and other.site.name in page
    assert "seront retirées" in page and "restent prévues" in page
    assert Doctor.objects.get(pk=doctor.pk).status == "active"
    proposed.refresh_from_db()
    assert proposed.status == "proposed"

    ids = [str(pk) for pk in response.context["proposals"].values_list("pk", flat=True)]
    response = client.post(
        reverse("doctors:space_transition"),
        {"to_status": "paused", "confirmed": "1", "proposals": ids},
        follow=True,
    )
    assert Doctor.objects.get(pk=doctor.pk).status == "paused"
    assert "2 propositions de mission retirées" in text(response)
    for mission, status in ((proposed, "cancelled"), (other, "cancelled"), (accepted, "accepted")):
        mission.refresh_from_db()
        assert mission.status == status


def test_a_proposal_arrived_since_the_confirmation_page_is_shown_again(client):
    doctor = DoctorFactory()
    first = MissionFactory(doctor=doctor, proposed=True)
    client.force_login(doctor.user)
    MissionFactory(doctor=doctor, proposed=True, date=first.date + timedelta(days=1))
    response = client.post(
        reverse("doctors:space_transition"),
        {"to_status": "paused", "confirmed": "1", "proposals": [str(first.pk)]},
    )
    assert response.status_code == 200 and 'id="pause-form"' in response.content.decode()
    assert Doctor.objects.get(pk=doctor.pk).status == "active"


def test_pausing_without_pending_proposal_is_one_click(client):
    doctor = DoctorFactory()
    confirmed = MissionFactory(doctor=doctor)
    client.force_login(doctor.user)
    response = client.post(
        reverse("doctors:space_transition"), {"to_status": "paused"}, follow=True
    )
    assert Doctor.objects.get(pk=doctor.pk).status == "paused"
    assert "Votre participation est en pause. Les missions acceptées" in text(response)
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"


def occitanie_ars():
    return UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))


def test_an_ars_agent_opens_a_doctor_of_another_region_planned_in_its_region(client):
    doctor = DoctorFactory(in_landes=True)  # Nouvelle-Aquitaine
    MissionFactory(doctor=doctor, accepted=True)  # Lacaune, Occitanie
    stranger = DoctorFactory(in_landes=True)
    client.force_login(occitanie_ars())
    response = client.get(reverse("doctors:agent_detail", args=[doctor.pk]))
    page = text(response)
    assert response.status_code == 200 and doctor.full_name in page
    assert "Aucune action possible" in page and "ARS Nouvelle-Aquitaine" in page
    assert client.get(reverse("doctors:agent_detail", args=[stranger.pk])).status_code == 404
    # Read-only: the status stays with the doctor's own ARS.
    url = reverse("doctors:agent_transition", args=[doctor.pk])
    assert client.post(url, {"to_status": "paused", "comment": "Essai"}).status_code == 403
    assert Doctor.objects.get(pk=doctor.pk).status == "active"


def test_signup_shows_availability_errors_with_the_other_errors(client, signup_data):
    today = timezone.localdate()
    data = signup_data(
        password2="Autre-mot-de-passe-99",
        **{
            "dispo-0-date": (today - timedelta(days=3)).isoformat(),
            "dispo-1-date": (today + timedelta(days=200)).isoformat(),
        },
    )
    response = client.post(reverse(SIGNUP), data)
    page = text(response)
    assert "pas identiques" in page
    assert "n'est pas une date à venir" in page and "est trop lointain" in page
    summary = summary_of(response)
    assert 'href="#id_dispo-0-date"' in summary and "trop lointain" in htmllib.unescape(summary)
    assert not Doctor.objects.exists() and not User.objects.exists()


def test_signup_error_summary_follows_the_page_order(client, signup_data):
    data = signup_data(
        email="pas-une-adresse",
        password2="Autre-mot-de-passe-99",
        practice_commune="",
        commune_label="Alb",
        max_days_per_month="3",
        insurance_confirmed=None,
        consent=None,
        **{"dispo-0-date": "2020-01-06"},
    )
    summary = summary_of(client.post(reverse(SIGNUP), data))
    targets = [
        "#id_email",
        "#id_password2",
        "#id_commune_label",
        "#id_dispo-0-date",
        "#id_max_days_per_month_0",
        "#id_insurance_confirmed",
        "#id_consent",
    ]
    positions = [summary.index(f'href="{target}"') for target in targets]
    assert positions == sorted(positions)


def test_a_date_held_by_a_mission_has_no_remove_button(client):
    held, free = (timezone.localdate() + timedelta(days=n) for n in (10, 12))
    doctor = DoctorFactory(available_on=[held, free])
    MissionFactory(doctor=doctor, date=held, accepted=True)
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:space")))
    held_pk, free_pk = (doctor.availabilities.get(date=d).pk for d in (held, free))
    assert reverse("doctors:availability_remove", args=[held_pk]) not in page
    assert reverse("doctors:availability_remove", args=[free_pk]) in page
    assert "Liée à une mission" in page


def test_the_space_lists_only_coming_proposed_accepted_or_confirmed_missions(client):
    doctor = DoctorFactory()
    day = timezone.localdate() + timedelta(days=5)
    shown = [
        MissionFactory(doctor=doctor, date=day, proposed=True),
        MissionFactory(doctor=doctor, date=day + timedelta(days=1), accepted=True),
        MissionFactory(doctor=doctor, date=day + timedelta(days=2)),
    ]
    hidden = [
        MissionFactory(doctor=doctor, date=day + timedelta(days=3), status="declined"),
        MissionFactory(doctor=doctor, date=day + timedelta(days=4), status="cancelled"),
        MissionFactory(doctor=doctor, date=day + timedelta(days=6), draft=True),
        MissionFactory(doctor=doctor, date=day - timedelta(days=10), status="done"),
    ]
    client.force_login(doctor.user)
    page = text(client.get(reverse("doctors:space")))
    assert "Missions à venir" in page
    assert all(m.site.name in page for m in shown)
    assert not any(m.site.name in page for m in hidden)


@pytest.mark.parametrize(
    "days, message", [(-2, "n'est pas une date à venir"), (200, "est trop lointain")]
)
def test_a_refused_availability_is_a_field_error_with_a_summary(client, days, message):
    doctor = DoctorFactory()
    client.force_login(doctor.user)
    day = timezone.localdate() + timedelta(days=days)
    response = client.post(
        reverse("doctors:availability_add"), {"date": day.isoformat(), "period": "full"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in text(response)
    assert 'href="#id_date"' in summary_of(response)
    assert "<title>Erreur dans le formulaire — Mon espace médecin" in page
    assert 'aria-invalid="true"' in page or "fr-input--error" in page
    assert not doctor.availabilities.exists()


def test_signup_says_the_email_is_taken_along_with_the_other_errors(client, signup_data):
    UserFactory(email="camille.fictive@test.renfort.example")
    page = text(client.post(reverse(SIGNUP), signup_data(password2="Autre-mot-de-passe-99")))
    assert "Un compte existe déjà" in page and "pas identiques" in page
    assert not Doctor.objects.exists()


def test_signup_refuses_a_password_that_looks_like_the_email(client, signup_data):
    data = signup_data(email="paul.martin@test.renfort.example")
    data["password1"] = data["password2"] = "paul.martin"
    response = client.post(reverse(SIGNUP), data)
    assert "password1" in response.context["form"].errors
    assert "trop semblable" in text(response)
    assert not Doctor.objects.exists()
