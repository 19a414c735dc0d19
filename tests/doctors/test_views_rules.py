"""Doctor pages, second part: every error in one round (sign-up, availability), the pause
confirmation, what the space offers, the read-only file for the ARS that plans a doctor."""

import html as htmllib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.doctors.models import Doctor
from renfort.territories.models import Region
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import DoctorFactory
from .test_views import SIGNUP, text

pytestmark = pytest.mark.django_db


def test_signup_fields_in_error_keep_their_hint_and_lists_say_they_are_required(
    client, signup_data
):
    """A screen reader hears the hint of a field in error as well as the error (RGAA 11.10),
    and the « * » of a list preselected on a real value is said too (no HTML `required`)."""
    page = client.post(reverse(SIGNUP), signup_data(rpps="123")).content.decode()
    rpps = re.search(r'<input[^>]*\bid="id_rpps"[^>]*>', page).group(0)
    assert 'aria-describedby="id_rpps_helptext id_rpps-desc-error"' in rpps
    assert 'id="id_rpps_helptext"' in page and 'id="id_rpps-desc-error"' in page
    specialty = re.search(r'<select[^>]*\bid="id_specialty"[^>]*>', page).group(0)
    assert 'aria-required="true"' in specialty and " required" not in specialty


def test_a_refused_signup_starts_with_a_linked_error_summary(client, signup_data):
    response = client.post(reverse(SIGNUP), signup_data(rpps="123"))
    page = response.content.decode()
    assert response.status_code == 200 and not Doctor.objects.exists()
    assert 'id="error-summary"' in page and 'href="#id_rpps"' in page
    assert "<title>Erreur dans le formulaire — Devenir médecin volontaire" in page


def test_the_error_summary_links_to_the_zones_drawn_by_hand(client, signup_data):
    page = client.post(reverse(SIGNUP), signup_data(zones=[])).content.decode()
    # The link lands on the first region's <summary>, which takes the focus (a fieldset does
    # not), and every zone box is tied to the error.
    assert 'href="#zones-first"' in page and '<summary id="zones-first">' in page
    assert 'href="#id_zones_0"' not in page
    assert 'aria-invalid="true" aria-describedby="zones-messages"' in page
    assert 'id="zones-messages"' in page


def test_required_boxes_and_the_commune_are_tied_to_their_errors(client, signup_data):
    data = signup_data(insurance_confirmed=None, consent=None, practice_commune="")
    page = client.post(reverse(SIGNUP), {**data, "commune_label": ""}).content.decode()
    for box in ("id_insurance_confirmed", "id_consent"):
        assert re.search(
            rf'id="{box}"[^>]*required aria-invalid="true" aria-describedby="{box}-messages"', page
        )
        assert f'id="{box}-messages"' in page
    assert 'aria-invalid="true" aria-describedby="commune-error"' in page
    assert "Les champs marqués d'un astérisque (*) sont obligatoires." in page


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


def test_signup_never_says_whether_the_email_has_an_account(client, signup_data):
    UserFactory(email="camille.fictive@test.renfort.example")
    page = text(client.post(reverse(SIGNUP), signup_data(password2="Autre-mot-de-passe-99")))
    assert "existe déjà" not in page and "pas identiques" in page
    assert not Doctor.objects.exists()


def test_signup_refuses_a_password_that_looks_like_the_email(client, signup_data):
    data = signup_data(email="paul.martin@test.renfort.example")
    data["password1"] = data["password2"] = "paul.martin"
    response = client.post(reverse(SIGNUP), data)
    assert "password1" in response.context["form"].errors
    assert "trop semblable" in text(response)
    assert not Doctor.objects.exists()


def test_a_name_with_an_emoji_or_a_symbol_is_refused(client, signup_data):
    page = text(client.post(reverse(SIGNUP), signup_data(first_name="Jean😀", last_name="Du★")))
    assert "Vérifiez le prénom (lettres, espaces, tirets, apostrophes)." in page
    assert "Vérifiez le nom (lettres, espaces, tirets, apostrophes)." in page
    assert not Doctor.objects.exists()


def test_a_name_with_accents_and_an_apostrophe_is_accepted(client, signup_data):
    client.post(reverse(SIGNUP), signup_data(first_name="Zoë", last_name="N’Diaye-Nguyễn"))
    assert Doctor.objects.get().last_name == "N’Diaye-Nguyễn"
