"""Services: sign-up checks, onboarding workflow (role × transition × territory), the doctor's
availabilities and territory, notifications."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.doctors import services
from renfort.doctors.models import (
    ONBOARDING_WORKFLOW,
    Availability,
    CoverageMode,
    Doctor,
    DoctorHistory,
    DoctorStatus,
)
from renfort.doctors.services import AvailabilityEntry
from renfort.notifications.models import Notification
from renfort.territories.models import Departement, Region
from tests.confirmation import confirm
from tests.factories import UserFactory, commune
from tests.planning.factories import MissionFactory

from .factories import DoctorFactory, rpps_with_key

pytestmark = pytest.mark.django_db
S = DoctorStatus


def today():
    return timezone.localdate()


def valid_data(**overrides) -> dict:
    from datetime import time

    data = {
        "civility": "mme",
        "first_name": "Camille",
        "last_name": "Fictive",
        "phone": "06 12 34 56 78",
        "rpps": "18888000009",
        "specialty": "medecine_generale",
        "sector": "secteur_1",
        "practice_status": "active",
        "practice_address": "3 rue du Cabinet (fictif)",
        "coverage_mode": CoverageMode.TRAVEL,
        "max_travel_minutes": 90,
        "max_days_per_month": 2,
        "slot_minutes": 20,
        "morning_start": time(9),
        "morning_end": time(12),
        "afternoon_start": time(14),
        "afternoon_end": time(18),
        "wants_housing": False,
        "wants_replacement": True,
        "insurance_confirmed": True,
    }
    data.update(overrides)
    return data


def signup(**overrides):
    kwargs = {
        "token": uuid.uuid4(),
        "email": "camille@test.renfort.example",
        "password": "Un-mot-de-passe-solide-42",
        "data": valid_data(),
        "practice_commune": commune("81004"),
        "availabilities": [AvailabilityEntry(today() + timedelta(days=7))],
    }
    kwargs.update(overrides)
    return services.doctor_signup(**kwargs)


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as info:
        call()
    return (
        info.value.message_dict if hasattr(info.value, "error_dict") else {"": info.value.messages}
    )


# --- Checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"rpps": "1234567890"}, "rpps", "11 chiffres"),
        ({"rpps": "123456789012"}, "rpps", "11 chiffres"),
        ({"rpps": "1234567890A"}, "rpps", "11 chiffres"),
        ({"rpps": "18888000008"}, "rpps", "clé de contrôle"),
        ({"phone": "05 63 00 00 00"}, "phone", "mobile (06 ou 07)"),
        ({"phone": "12"}, "phone", "mobile (06 ou 07)"),
        ({"max_days_per_month": 3}, "max_days_per_month", "1 ou 2 jours"),
        ({"max_days_per_month": 0}, "max_days_per_month", "1 ou 2 jours"),
        ({"max_travel_minutes": None}, "max_travel_minutes", "temps de trajet maximal"),
        ({"max_travel_minutes": 300}, "max_travel_minutes", "de 15 à 240"),
        ({"coverage_mode": CoverageMode.ZONES}, "zones", "au moins une zone"),
        ({"coverage_mode": ""}, "coverage_mode", "territoire"),
        ({"slot_minutes": 5}, "slot_minutes", "de 10 à 60"),
        ({"insurance_confirmed": False}, "insurance_confirmed", "assurance"),
        ({"sector": "non_conventionne"}, "sector", "il faut être conventionné"),
        ({"morning_end": None}, "morning_end", "horaires"),
        ({"last_name": "=1+2"}, "last_name", "Vérifiez le nom"),
        ({"first_name": '=HYPERLINK("x")'}, "first_name", "Vérifiez le prénom"),
    ],
)
def test_doctor_check_refuses_with_a_clear_message(overrides, field, message):
    errors = errors_of(lambda: services.doctor_check(data=valid_data(**overrides)))
    assert message in " ".join(errors[field])


@pytest.mark.parametrize("sector", ["secteur_1", "secteur_2_optam", "secteur_2"])
def test_every_sector_of_the_convention_may_volunteer(sector):
    assert services.doctor_check(data=valid_data(sector=sector))["sector"] == sector


def test_doctor_check_normalises_phone_and_rpps_and_accepts_zones(lacaune_zone):
    clean = services.doctor_check(
        data=valid_data(phone="07 81 23 45 67", rpps="188 880 000 09", coverage_mode="zones"),
        zones=[lacaune_zone],
    )
    assert clean["phone"] == "+33781234567" and clean["rpps"] == "18888000009"
    assert clean["max_travel_minutes"] is None


def test_hours_must_follow_each_other():
    from datetime import time

    # Under the field to change: a morning ending after the afternoon starts, an afternoon
    # ending before it starts.
    errors = errors_of(lambda: services.doctor_check(data=valid_data(morning_end=time(15))))
    assert list(errors) == ["afternoon_start"] and "se suivre" in errors["afternoon_start"][0]
    errors = errors_of(lambda: services.doctor_check(data=valid_data(afternoon_end=time(13))))
    assert list(errors) == ["afternoon_end"] and "se suivre" in errors["afternoon_end"][0]


@pytest.mark.parametrize(
    ("changes", "field", "said"),
    [
        ({"morning_start": "04:00"}, "morning_start", "commencez à 7\xa0h\xa000 au plus tôt"),
        ({"afternoon_end": "23:30"}, "afternoon_end", "finissez à 21\xa0h\xa000 au plus tard"),
        (
            {"morning_start": "09:00", "morning_end": "09:10", "slot_minutes": 20},
            "morning_end",
            "Votre matinée est plus courte qu'un créneau de 20 minutes",
        ),
        (
            {"afternoon_start": "17:50", "slot_minutes": 20},
            "afternoon_end",
            "Votre après-midi est plus courte qu'un créneau de 20 minutes",
        ),
        ({"slot_minutes": 23}, "slot_minutes", "multiple de 5 minutes"),
    ],
)
def test_hours_and_slots_stay_within_their_bounds(changes, field, said):
    """Hours from 7 h to 21 h, each half-day long enough for one slot, slots by 5 minutes."""
    from datetime import time

    values = {k: time.fromisoformat(v) if isinstance(v, str) else v for k, v in changes.items()}
    errors = errors_of(lambda: services.doctor_check(data=valid_data(**values)))
    assert said in errors[field][0]


def test_a_day_without_lunch_break_is_allowed():
    from datetime import time

    services.doctor_check(data=valid_data(morning_end=time(13), afternoon_start=time(13)))


def test_duplicate_rpps_is_refused():
    DoctorFactory(rpps="18888000009")
    errors = errors_of(lambda: services.doctor_check(data=valid_data()))
    assert "déjà inscrit avec ce numéro RPPS" in errors["rpps"][0]


def test_availabilities_past_dates_refused_and_duplicates_merged():
    day = today() + timedelta(days=5)
    merged = services.availabilities_check(
        [AvailabilityEntry(day, "morning"), AvailabilityEntry(day, "afternoon"),
         AvailabilityEntry(day + timedelta(days=1), "morning"),
         AvailabilityEntry(day + timedelta(days=1), "morning")]
    )  # fmt: skip
    assert [(e.date, e.period) for e in merged] == [
        (day, "full"),
        (day + timedelta(days=1), "morning"),
    ]
    with pytest.raises(ValidationError) as info:
        services.availabilities_check([AvailabilityEntry(today() - timedelta(days=1))])
    assert "n'est pas une date à venir" in info.value.messages[0]
    with pytest.raises(ValidationError):
        services.availabilities_check([AvailabilityEntry(today())])
    with pytest.raises(ValidationError) as info:
        services.availabilities_check([AvailabilityEntry(today() + timedelta(days=200))])
    assert "trop lointain" in info.value.messages[0]


# --- Sign-up --------------------------------------------------------------------------------


def test_signup_creates_account_doctor_history_and_emails():
    UserFactory(role=Role.CDOM_AGENT, departement=Departement.objects.get(code="81"),
                email="cdom81@test.renfort.example")  # fmt: skip
    doctor, created = signup()
    # Until the address is confirmed: an inactive account, a draft, no history, only the link.
    assert created and doctor.status == S.DRAFT and not doctor.user.is_active
    assert not doctor.history.exists()
    assert list(Notification.objects.values_list("kind", flat=True)) == ["account_confirmation"]
    user, _ = confirm("camille@test.renfort.example")
    doctor.refresh_from_db()
    assert user == doctor.user and user.is_active and doctor.status == S.SUBMITTED
    assert doctor.user.role == Role.DOCTOR and doctor.user.check_password(
        "Un-mot-de-passe-solide-42"
    )
    assert doctor.departement_id == "81" and doctor.phone == "+33612345678"
    assert doctor.availabilities.count() == 1
    history = doctor.history.get()
    assert (history.from_status, history.to_status, history.actor) == (
        "draft",
        "submitted",
        doctor.user,
    )
    mail = Notification.objects.get(recipient=doctor.user.email, kind="doctor_status")
    assert "Votre espace :\nhttp" in mail.body and "/medecins/mon-espace/" in mail.body
    cdom = Notification.objects.get(kind="doctor_submitted")
    assert cdom.recipient == "cdom81@test.renfort.example" and "18888000009" in cdom.body
    assert f"http://127.0.0.1:8000/medecins/agents/{doctor.pk}/" in cdom.body


def test_signup_without_cdom_agent_uses_fallback_address():
    signup()
    confirm("camille@test.renfort.example")
    assert Notification.objects.filter(
        kind="doctor_submitted", recipient="cdom-81@ordre.example"
    ).exists()


def test_signup_same_token_twice_creates_one_doctor():
    token = uuid.uuid4()
    first, created = signup(token=token)
    again, created_again = signup(token=token)
    assert created and not created_again and again.pk == first.pk
    assert Doctor.objects.count() == 1 and User.objects.filter(role=Role.DOCTOR).count() == 1


def test_signup_invalid_leaves_nothing():
    errors = errors_of(
        lambda: signup(
            data=valid_data(rpps="18888000008"),
            availabilities=[AvailabilityEntry(today() - timedelta(days=3))],
        )
    )
    assert "rpps" in errors and "availabilities" in errors
    assert not User.objects.exists() and not Doctor.objects.exists()
    assert not Notification.objects.exists()


def test_signup_with_an_existing_email_and_a_volunteers_rpps_tells_both_owners():
    """Nothing saved and nothing said on the form: the address's owner and the volunteer who
    holds the RPPS are each emailed; a volunteer signing up again with their own address only
    gets « Vous avez déjà un compte »."""
    UserFactory(email="camille@test.renfort.example")
    holder = DoctorFactory(rpps="18888000009")
    assert signup() == (None, False)
    told = set(Notification.objects.values_list("kind", "recipient"))
    assert told == {
        ("account_exists", "camille@test.renfort.example"),
        ("doctor_rpps_signup", holder.user.email),
    }
    Notification.objects.all().delete()
    assert signup(email=holder.user.email) == (None, False)
    assert list(Notification.objects.values_list("kind", flat=True)) == ["account_exists"]


def test_rpps_unique_constraint_holds_in_the_database():
    from django.db import IntegrityError, transaction

    DoctorFactory(rpps="18888000009")
    with pytest.raises(IntegrityError), transaction.atomic():
        DoctorFactory(rpps="18888000009")


# --- Workflow -------------------------------------------------------------------------------


def actor_for(role: str, doctor: Doctor) -> User:
    """An actor of `role` whose territory holds the doctor (Landes, Nouvelle-Aquitaine)."""
    if role == Role.DOCTOR:
        return doctor.user
    traits = {
        Role.CDOM_AGENT: {"cdom": True},
        Role.CPAM_AGENT: {"cpam": True},
        Role.ARS_AGENT: {"ars": True},
        Role.ADMIN: {"admin": True},
        Role.NATIONAL: {"national": True},
        Role.SITE_MANAGER: {"site_manager": True},
    }[role]
    return UserFactory(**traits)


CASES = [
    (frm, to, role)
    for (frm, to) in ONBOARDING_WORKFLOW.transitions
    for role in (Role.DOCTOR, Role.CDOM_AGENT, Role.CPAM_AGENT, Role.ARS_AGENT, Role.ADMIN,
                 Role.NATIONAL, Role.SITE_MANAGER)
]  # fmt: skip


@pytest.mark.parametrize("frm, to, role", CASES)
def test_every_transition_allowed_or_refused_per_role(frm, to, role):
    doctor = DoctorFactory(in_landes=True, status=frm)
    actor = actor_for(role, doctor)
    allowed = role in ONBOARDING_WORKFLOW.transitions[(frm, to)]
    call = lambda: services.doctor_transition(  # noqa: E731
        doctor=doctor, actor=actor, to_status=to, comment="Motif du test", billing_number="1234567"
    )
    if allowed:
        doctor = call()
        assert doctor.status == to
        row = doctor.history.order_by("-id").first()
        assert (row.from_status, row.to_status, row.actor) == (frm, to, actor)
        assert Notification.objects.filter(recipient=doctor.user.email).exists()
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert Doctor.objects.get(pk=doctor.pk).status == frm


def test_unknown_transition_is_refused():
    doctor = DoctorFactory(in_landes=True, submitted=True)
    with pytest.raises(ValidationError, match="Cette action n.est plus possible"):
        services.doctor_transition(doctor=doctor, actor=UserFactory(admin=True), to_status=S.ACTIVE)


@pytest.mark.parametrize(
    "role, status, to",
    [
        (Role.CDOM_AGENT, S.CDOM_NOTIFIED, S.ACTIVITY_RECORDED),
        (Role.CPAM_AGENT, S.ACTIVITY_RECORDED, S.BILLING_NUMBER_RECORDED),
        (Role.ARS_AGENT, S.CPS_ISSUED, S.ACTIVE),
    ],
)
def test_agents_act_only_in_their_territory(role, status, to):
    doctor = DoctorFactory(status=status)  # Albi, Tarn, Occitanie: outside the traits' scope
    actor = actor_for(role, doctor)
    with pytest.raises(PermissionDenied, match="périmètre"):
        services.doctor_transition(doctor=doctor, actor=actor, to_status=to, billing_number="1234")
    tarn = {"departement": Departement.objects.get(code="81")}
    local = (
        UserFactory(role=Role.ARS_AGENT, region=Region.objects.get(code="76"))
        if role == Role.ARS_AGENT
        else UserFactory(role=role, **tarn)
    )
    assert (
        services.doctor_transition(
            doctor=doctor, actor=local, to_status=to, billing_number="1234"
        ).status
        == to
    )


def test_a_doctor_cannot_move_another_doctor():
    doctor, other = DoctorFactory(), DoctorFactory()
    with pytest.raises(PermissionDenied):
        services.doctor_transition(doctor=doctor, actor=other.user, to_status=S.PAUSED)


def test_refusal_needs_a_reason():
    doctor = DoctorFactory(in_landes=True, submitted=True)
    with pytest.raises(ValidationError, match="motif"):
        services.doctor_transition(
            doctor=doctor, actor=UserFactory(cdom=True), to_status=S.REFUSED, comment="non"
        )
    doctor = services.doctor_transition(
        doctor=doctor, actor=UserFactory(cdom=True), to_status=S.REFUSED, comment="Non inscrit"
    )
    assert doctor.status_reason == "Non inscrit"


def test_billing_number_required_and_cps_dates():
    doctor = DoctorFactory(in_landes=True, status=S.ACTIVITY_RECORDED)
    cpam = UserFactory(cpam=True)
    with pytest.raises(ValidationError, match="numéro de facturation"):
        services.doctor_transition(doctor=doctor, actor=cpam, to_status=S.BILLING_NUMBER_RECORDED)
    day = today()
    doctor = services.doctor_transition(
        doctor=doctor, actor=cpam, to_status=S.BILLING_NUMBER_RECORDED,
        billing_number="40 123 456", today=day,
    )  # fmt: skip
    assert doctor.billing_number == "40123456" and doctor.billing_recorded_on == day
    assert doctor.cps_expected_on == day + timedelta(days=21) and doctor.is_plannable
    body = Notification.objects.filter(recipient=doctor.user.email).first().body
    assert "40123456" in body and f"{day + timedelta(days=21):%d/%m/%Y}" in body
    later = day + timedelta(days=15)
    doctor = services.doctor_transition(
        doctor=doctor, actor=cpam, to_status=S.CPS_ISSUED, today=later
    )
    assert doctor.cps_issued_on == later and doctor.cps_expected_on == later


def test_resubmission_from_draft_notifies_the_cdom():
    doctor = DoctorFactory(in_landes=True, draft=True)
    UserFactory(cdom=True, email="cdom40@test.renfort.example")
    services.doctor_transition(doctor=doctor, actor=doctor.user, to_status=S.SUBMITTED)
    assert Notification.objects.filter(
        kind="doctor_submitted", recipient="cdom40@test.renfort.example"
    ).exists()


# --- Availabilities, territory, preferences --------------------------------------------------


def test_availability_add_merges_and_refuses_past():
    doctor = DoctorFactory()
    day = today() + timedelta(days=3)
    add = services.availability_add
    assert add(doctor=doctor, actor=doctor.user, day=day, period="morning")[1] == "added"
    assert add(doctor=doctor, actor=doctor.user, day=day, period="morning")[1] == "unchanged"
    assert add(doctor=doctor, actor=doctor.user, day=day, period="afternoon")[1] == "widened"
    assert add(doctor=doctor, actor=doctor.user, day=day, period="morning")[1] == "unchanged"
    assert doctor.availabilities.get().period == "full"
    with pytest.raises(ValidationError):
        services.availability_add(
            doctor=doctor, actor=doctor.user, day=today() - timedelta(days=1), period="full"
        )
    with pytest.raises(PermissionDenied):
        services.availability_add(doctor=doctor, actor=DoctorFactory().user, day=day, period="full")


@pytest.mark.parametrize("mission_status", ["proposed", "accepted", "confirmed"])
def test_availability_held_by_a_mission_cannot_be_removed(mission_status):
    day = today() + timedelta(days=10)
    doctor = DoctorFactory(available_on=[day])
    mission = MissionFactory(doctor=doctor, date=day, status=mission_status)
    availability = doctor.availabilities.get()
    with pytest.raises(ValidationError, match="ne peut pas être retirée"):
        services.availability_remove(availability=availability, actor=doctor.user)
    assert Availability.objects.filter(pk=availability.pk).exists()
    mission.refresh_from_db()
    assert mission.status == mission_status


def test_availability_without_holding_mission_is_removed():
    day = today() + timedelta(days=10)
    doctor = DoctorFactory(available_on=[day])
    MissionFactory(doctor=doctor, date=day, status="cancelled")
    services.availability_remove(availability=doctor.availabilities.get(), actor=doctor.user)
    assert not doctor.availabilities.exists()


def test_coverage_update_switches_modes(lacaune_zone):
    doctor = DoctorFactory()
    with pytest.raises(ValidationError):
        services.doctor_coverage_update(doctor=doctor, actor=doctor.user, coverage_mode="zones")
    services.doctor_coverage_update(
        doctor=doctor, actor=doctor.user, coverage_mode="zones", max_travel_minutes=60,
        zones=[lacaune_zone],
    )  # fmt: skip
    doctor.refresh_from_db()
    assert doctor.max_travel_minutes is None and list(doctor.zones.all()) == [lacaune_zone]
    services.doctor_coverage_update(
        doctor=doctor, actor=doctor.user, coverage_mode="travel", max_travel_minutes=60
    )
    assert doctor.zones.count() == 0


def test_preferences_update_checks_days_and_phone():
    doctor = DoctorFactory()
    with pytest.raises(ValidationError):
        services.doctor_preferences_update(
            doctor=doctor, actor=doctor.user, data={"max_days_per_month": 3}
        )
    services.doctor_preferences_update(
        doctor=doctor, actor=doctor.user, data={"max_days_per_month": 1, "phone": "0781234568"}
    )
    doctor.refresh_from_db()
    assert doctor.max_days_per_month == 1 and doctor.phone == "+33781234568"
    assert DoctorHistory.objects.filter(doctor=doctor).count() == 1  # no status change


def test_saving_preferences_from_a_page_read_before_a_pause_keeps_the_pause():
    """The page was read (the doctor active), the ARS paused the doctor, then the form was
    saved: the pause stays, with its history and emails (a lost update wrote every column)."""
    doctor = DoctorFactory(in_landes=True)
    read = Doctor.objects.get(pk=doctor.pk)
    services.doctor_transition(
        doctor=doctor, actor=UserFactory(ars=True), to_status=S.PAUSED, comment="Dossier à revoir"
    )
    services.doctor_preferences_update(doctor=read, actor=doctor.user, data={"slot_minutes": 30})
    doctor.refresh_from_db()
    assert doctor.status == S.PAUSED and doctor.slot_minutes == 30


def test_territory_and_preferences_saved_from_two_tabs_are_both_kept(lacaune_zone):
    doctor = DoctorFactory()
    tab1, tab2 = Doctor.objects.get(pk=doctor.pk), Doctor.objects.get(pk=doctor.pk)
    services.doctor_coverage_update(
        doctor=tab1, actor=doctor.user, coverage_mode="zones", zones=[lacaune_zone]
    )
    services.doctor_preferences_update(
        doctor=tab2, actor=doctor.user, data={"max_days_per_month": 1}
    )
    doctor.refresh_from_db()
    assert doctor.coverage_mode == "zones" and doctor.max_travel_minutes is None
    assert doctor.max_days_per_month == 1
    tab3 = Doctor.objects.get(pk=doctor.pk)
    services.doctor_preferences_update(doctor=doctor, actor=doctor.user, data={"slot_minutes": 15})
    services.doctor_coverage_update(
        doctor=tab3, actor=doctor.user, coverage_mode="travel", max_travel_minutes=45
    )
    doctor.refresh_from_db()
    assert (doctor.slot_minutes, doctor.max_travel_minutes) == (15, 45)


def test_a_file_closed_meanwhile_is_no_longer_edited():
    doctor = DoctorFactory()
    read = Doctor.objects.get(pk=doctor.pk)
    services.doctor_transition(doctor=doctor, actor=doctor.user, to_status=S.WITHDRAWN)
    with pytest.raises(ValidationError, match="Votre dossier est clos"):
        services.doctor_preferences_update(
            doctor=read, actor=doctor.user, data={"slot_minutes": 30}
        )
    with pytest.raises(ValidationError, match="Votre dossier est clos"):
        services.doctor_coverage_update(
            doctor=read, actor=doctor.user, coverage_mode="travel", max_travel_minutes=45
        )
    doctor.refresh_from_db()
    assert doctor.status == S.WITHDRAWN and doctor.slot_minutes == 20


def test_factory_rpps_are_valid():
    from renfort.core.validators import luhn_valid

    assert luhn_valid(rpps_with_key("1234567890"))


# --- Emails ---------------------------------------------------------------------------------


def test_doctor_emails_put_links_on_their_own_line_and_are_signed():
    doctor, _ = signup()
    confirm("camille@test.renfort.example")
    for kind in ("doctor_submitted", "doctor_status", "account_confirmation"):
        body = Notification.objects.get(kind=kind).body
        links = [line for line in body.splitlines() if "http" in line]
        assert links and all(line.strip().startswith("http") for line in links), body
        assert " " not in "".join(line.strip() for line in links)
        assert body.rstrip().endswith("L'équipe Renfort — Un médecin près de chez vous"), body
    cdom = Notification.objects.get(kind="doctor_submitted").body
    assert f"http://127.0.0.1:8000/medecins/agents/{doctor.pk}/" in cdom.splitlines()


def test_a_billing_number_is_dedicated_to_one_doctor():
    cpam = UserFactory(cpam=True)
    first, second = (DoctorFactory(in_landes=True, status=S.ACTIVITY_RECORDED) for _ in range(2))
    services.doctor_transition(
        doctor=first, actor=cpam, to_status=S.BILLING_NUMBER_RECORDED, billing_number="demo0999"
    )
    with pytest.raises(ValidationError) as exc_info:
        services.doctor_transition(
            doctor=second, actor=cpam, to_status=S.BILLING_NUMBER_RECORDED,
            billing_number="DEMO 0999",
        )  # fmt: skip
    assert exc_info.value.messages == [
        "Le numéro de facturation DEMO0999 est déjà attribué à un autre médecin volontaire : "
        "vérifiez-le."
    ]
    second.refresh_from_db()
    assert second.status == S.ACTIVITY_RECORDED and second.billing_number == ""
    assert not second.history.filter(to_status=S.BILLING_NUMBER_RECORDED).exists()
    # The database refuses it too, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Doctor.objects.filter(pk=second.pk).update(billing_number="DEMO0999")


def test_the_cdom_records_the_activity_in_one_step_and_the_cpam_is_told():
    """The CDOM, emailed at the sign-up with « Enregistrez l'activité », does it in one step;
    the CPAM agents of the doctor's département are then told a file waits for them."""
    doctor = DoctorFactory(in_landes=True, submitted=True)
    cpam = UserFactory(cpam=True)  # Landes
    UserFactory(role=Role.CPAM_AGENT, departement=Departement.objects.get(code="81"))  # Tarn
    services.doctor_transition(
        doctor=doctor, actor=UserFactory(cdom=True), to_status=S.ACTIVITY_RECORDED
    )
    doctor.refresh_from_db()
    assert doctor.status == S.ACTIVITY_RECORDED
    told = Notification.objects.filter(kind="doctor_activity_recorded_cpam")
    assert [n.recipient for n in told] == [cpam.email]
    assert f"Dr {doctor.full_name}" in told[0].subject and "numéro de facturation" in told[0].body
    assert f"/medecins/agents/{doctor.pk}/" in told[0].body
