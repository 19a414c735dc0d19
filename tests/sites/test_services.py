"""Declaration rules, edition, workflow per role, notifications, messages."""

import uuid
from datetime import date, time, timedelta
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renfort.accounts.models import Role, User
from renfort.notifications.models import Notification
from renfort.sites import services
from renfort.sites.duplicates import DuplicateSite
from renfort.sites.models import Site, SiteMessage, SiteStatus
from renfort.sites.opening import AFTERNOON, MORNING, WeeklySlot
from renfort.sites.selectors import agent_sites
from renfort.sites.validators import finess_errors, normalize_phone
from renfort.territories.models import Region
from renfort.zoning.models import PriorityZone
from tests.confirmation import confirm
from tests.factories import UserFactory, commune
from tests.planning.factories import MissionFactory

from .factories import SiteFactory

pytestmark = pytest.mark.django_db

SLOTS = [WeeklySlot(0, MORNING, time(9), time(12)), WeeklySlot(0, AFTERNOON, time(14), time(18))]


def site_data(**overrides) -> dict:
    data = {
        "name": "Maison de santé (fictive) de Lacaune",
        "kind": "msp",
        "address": "2 rue du Test",
        "contact_name": "Dominique Exemple",
        "phone": "05 63 37 00 00",
        "email": "msp@lieu.test.renfort.example",
        "rooms": 2,
        "housing": "none",
    }
    data.update(overrides)
    return data


def declare(*, commune_code="81124", actor=None, token=None, email="gest@test.renfort.example",
            slots=SLOTS, **overrides):  # fmt: skip
    return services.site_declare(
        data=site_data(**overrides),
        commune=commune(commune_code),
        slots=slots,
        token=token or uuid.uuid4(),
        actor=actor,
        manager_email=email,
        manager_password="Un-mot-de-passe-solide-42",
    )


# --- validators -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["750712184", "130786049", "690781810", "2A0000001", "2B1234567"])
def test_finess_valid(value):
    assert finess_errors(value) == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("75071218", "9 caractères"),
        ("7507121845", "9 caractères"),
        ("75O712184", "que des chiffres"),
        ("2C0000001", "que des chiffres"),
        ("750712185", "clé de contrôle"),
    ],
)
def test_finess_invalid(value, message):
    assert message in " ".join(finess_errors(value))


def test_finess_must_match_the_departement_of_the_commune():
    assert finess_errors("750712184", "75") == []
    assert "devrait commencer par 81" in finess_errors("750712184", "81")[0]
    assert finess_errors("2A0000001", "2A") == []


@pytest.mark.parametrize("raw", ["05 63 37 00 00", "0563370000", "+33 5 63 37 00 00"])
def test_phone_is_stored_e164(raw):
    assert normalize_phone(raw) == "+33563370000"


@pytest.mark.parametrize("raw", ["12", "05 63", "abc", "00 00 00 00 00"])
def test_phone_invalid(raw):
    with pytest.raises(ValidationError, match="Numéro de téléphone invalide"):
        normalize_phone(raw)


# --- declaration ----------------------------------------------------------------------------


def test_public_declaration_creates_manager_and_proposed_site():
    UserFactory(ars=True, region=Region.objects.get(code="76"), email="ars76@test.renfort.example")
    site, created = declare(finess="810000000")
    # Until the manager confirms the address: inactive account, nothing sent but the link.
    assert created and site.status == SiteStatus.UNCONFIRMED and not site.manager.is_active
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        ("gest@test.renfort.example", "account_confirmation")
    ]
    assert not agent_sites(User.objects.get(role="ars_agent")).exists()
    confirm("gest@test.renfort.example")
    site.refresh_from_db()
    assert site.status == SiteStatus.PROPOSED and site.manager.is_active
    assert site.manager.role == Role.SITE_MANAGER and site.manager.check_password(
        "Un-mot-de-passe-solide-42"
    )
    assert site.phone == "+33563370000"
    assert site.epci.name == "CC du Haut-Languedoc" and site.priority_zone is not None
    assert site.region_id == "76" and site.departement_id == "81"
    assert site.cpam_name == "CPAM du Tarn" and site.cpam_departement == "81"
    assert site.weekly_openings.count() == 2
    assert list(site.history.values_list("from_status", "to_status")) == [
        ("", "unconfirmed"),
        ("unconfirmed", "proposed"),
    ]
    assert Notification.objects.filter(recipient=site.manager.email, kind="site_status").exists()
    to_ars = Notification.objects.get(recipient="ars76@test.renfort.example")
    assert to_ars.kind == "site_proposed" and "Nouveau lieu d'accueil proposé" in to_ars.subject
    assert to_ars.body.rstrip().endswith("\n\nL'équipe Renfort — Un médecin près de chez vous")


def test_same_token_twice_creates_one_site():
    token = uuid.uuid4()
    first, created = declare(token=token)
    again, created_again = declare(token=token)
    assert created and not created_again and again.pk == first.pk
    assert Site.objects.count() == 1 and User.objects.filter(role="site_manager").count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"finess": "750712184"}, "finess"),  # Paris FINESS for a site in the Tarn
        ({"finess": "12345"}, "finess"),
        ({"phone": "12"}, "phone"),
        ({"rooms": 0}, "rooms"),
        ({"kind": "autre", "kind_label": ""}, "kind_label"),
        ({"housing": "on_site", "housing_beds": 0}, "housing_beds"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(overrides, field):
    with pytest.raises(ValidationError) as info:
        declare(**overrides)
    assert field in info.value.message_dict
    assert not Site.objects.exists() and not User.objects.filter(role="site_manager").exists()


def test_bad_opening_hours_refused():
    with pytest.raises(ValidationError, match="fin doit être après"):
        declare(slots=[WeeklySlot(0, MORNING, time(12), time(9))])
    with pytest.raises(ValidationError, match="au moins une demi-journée"):
        declare(slots=[])
    assert not Site.objects.exists()


def test_site_outside_any_zone_refused_for_a_manager():
    with pytest.raises(ValidationError) as info:
        declare(commune_code="33063")  # Bordeaux
    assert "zone prioritaire" in info.value.message_dict["commune"][0]
    assert not Site.objects.exists()


def test_ars_declares_outside_zone_only_with_justification():
    agent = UserFactory(ars=True)
    with pytest.raises(ValidationError) as info:
        declare(commune_code="33063", actor=agent)
    assert "outside_zone_justification" in info.value.message_dict
    site, _ = declare(
        commune_code="33063", actor=agent, outside_zone_justification="Renfort de la zone voisine."
    )
    assert site.is_outside_zone and site.status == SiteStatus.VALIDATED
    assert Site.objects.outside_zone().get() == site


def test_ars_declaration_creates_manager_without_password_and_validated_site():
    agent = UserFactory(ars=True)
    site, created = declare(commune_code="40134", actor=agent, email="nouveau@test.renfort.example")
    assert created and site.status == SiteStatus.VALIDATED and site.declared_by == agent
    assert not site.manager.has_usable_password()
    body = Notification.objects.get(recipient="nouveau@test.renfort.example").body
    assert "Mot de passe oublié" in body


def test_ars_cannot_declare_in_another_region():
    with pytest.raises(ValidationError) as refused:
        declare(actor=UserFactory(ars=True))  # Lacaune is in Occitanie, agent in region 75
    assert "pas dans votre région" in refused.value.message_dict["commune"][0]
    assert not Site.objects.exists()


def test_existing_account_email_on_public_form_creates_nothing_and_emails_its_owner():
    """Whatever the account (a doctor, an agent, a site manager): no error, nothing saved,
    the owner is told they have an account."""
    UserFactory(email="medecin@test.renfort.example", doctor=True)
    UserFactory(email="gestion@test.renfort.example", site_manager=True)
    for email in ("medecin@test.renfort.example", "Gestion@test.renfort.example"):
        assert declare(email=email) == (None, False)
    assert not Site.objects.exists() and User.objects.count() == 2
    assert sorted(Notification.objects.values_list("recipient", "kind")) == [
        ("gestion@test.renfort.example", "account_exists"),
        ("medecin@test.renfort.example", "account_exists"),
    ]


def test_logged_in_manager_declares_a_second_site():
    manager = UserFactory(site_manager=True)
    site, _ = declare(actor=manager)
    assert site.manager == manager


def test_the_same_site_declared_again_by_its_manager_is_refused_with_the_first_one():
    manager = UserFactory(site_manager=True)
    first, _ = declare(actor=manager, name="Maison de santé (fictive) de Lacaune")
    with pytest.raises(DuplicateSite) as refused:  # case and spaces do not matter
        declare(actor=manager, name="  MAISON de santé  (fictive) de lacaune")
    assert refused.value.site == first
    assert refused.value.message_dict["name"] == [
        "Vous avez déjà déclaré ce lieu : « Maison de santé (fictive) de Lacaune » à Lacaune "
        "(en attente de validation par l'ARS). Modifiez-le plutôt que de le déclarer une "
        "seconde fois."
    ]
    lacaune = commune("81124")
    neighbour = lacaune.epci.communes.exclude(pk=lacaune.pk).order_by("code_insee").first()
    declare(actor=manager, name=first.name, commune_code=neighbour.code_insee)
    declare(actor=manager, name="Centre de santé (fictif) de Lacaune")  # another site
    assert Site.objects.count() == 3


def test_a_closed_site_may_be_declared_again():
    manager = UserFactory(site_manager=True)
    first, _ = declare(actor=manager)
    Site.objects.filter(pk=first.pk).update(status=SiteStatus.CLOSED)
    again, created = declare(actor=manager)
    assert created and again != first


def test_the_ars_declaring_a_site_its_manager_has_is_refused():
    agent = UserFactory(role=Role.ARS_AGENT, region_id="76")
    first, _ = declare(actor=agent)
    with pytest.raises(DuplicateSite, match="Ce gestionnaire a déjà déclaré ce lieu"):
        declare(actor=agent)
    assert list(Site.objects.all()) == [first]


# --- edition --------------------------------------------------------------------------------


def test_manager_updates_own_site_but_not_another():
    site = SiteFactory()
    services.site_update(site=site, actor=site.manager, data=site_data(name="Nouveau nom"))
    site.refresh_from_db()
    assert site.name == "Nouveau nom"
    with pytest.raises(PermissionDenied):
        services.site_update(site=site, actor=UserFactory(site_manager=True), data=site_data())


def test_manager_cannot_move_site_outside_zone():
    site = SiteFactory()
    with pytest.raises(ValidationError):
        services.site_update(
            site=site, actor=site.manager, data=site_data(), commune=commune("33063")
        )


def test_opening_exception_dates_checked():
    site = SiteFactory()
    with pytest.raises(ValidationError, match="date de fin"):
        services.opening_exception_add(
            site=site, actor=site.manager, kind="closed",
            start_date=date(2026, 3, 10), end_date=date(2026, 3, 1),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="une seule date"):
        services.opening_exception_add(
            site=site, actor=site.manager, kind="open",
            start_date=date(2026, 3, 1), end_date=date(2026, 3, 2),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.opening_exception_add(
            site=site, actor=UserFactory(site_manager=True), kind="closed",
            start_date=date(2026, 3, 1),
        )  # fmt: skip


@pytest.mark.parametrize(
    ("mission_period", "closure_period", "refused"),
    [
        ("full", "day", True),
        ("full", "morning", True),
        ("morning", "morning", True),
        ("morning", "afternoon", False),
        ("afternoon", "day", True),
    ],
)
def test_a_closure_never_falls_on_a_planned_mission(mission_period, closure_period, refused):
    mission = MissionFactory(period=mission_period)
    site = mission.site
    add = partial(
        services.opening_exception_add,
        site=site, actor=site.manager, kind="closed", period=closure_period,
        start_date=mission.date - timedelta(days=1), end_date=mission.date + timedelta(days=2),
    )  # fmt: skip
    if refused:
        with pytest.raises(ValidationError, match="Cette fermeture tombe sur 1 mission prévue"):
            add()
        assert not site.opening_exceptions.exists()
    else:
        add()
        assert site.opening_exceptions.count() == 1


@pytest.mark.parametrize("status", ["draft", "declined", "cancelled"])
def test_a_closure_may_fall_on_a_mission_that_will_not_take_place(status):
    mission = MissionFactory(status=status)
    services.opening_exception_add(
        site=mission.site, actor=mission.site.manager, kind="closed", start_date=mission.date
    )
    assert mission.site.opening_exceptions.count() == 1


# --- workflow -------------------------------------------------------------------------------


def ars_of(site):
    return UserFactory(role=Role.ARS_AGENT, region=site.region)


def test_full_workflow_with_history_and_emails():
    site = SiteFactory(proposed=True)
    agent = ars_of(site)
    services.site_transition(site=site, actor=agent, to_status="validated")
    services.site_transition(site=site, actor=site.manager, to_status="active")
    services.site_transition(site=site, actor=agent, to_status="suspended", comment="Travaux")
    services.site_transition(site=site, actor=agent, to_status="active")
    services.site_transition(site=site, actor=agent, to_status="closed", comment="Fermeture")
    site.refresh_from_db()
    assert site.status == "closed" and site.status_reason == "Fermeture"
    steps = list(site.history.values_list("from_status", "to_status"))[1:]
    assert steps == [
        ("proposed", "validated"),
        ("validated", "active"),
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "closed"),
    ]
    assert Notification.objects.filter(recipient=site.manager.email).count() == 5


@pytest.mark.parametrize(("trait", "target"), [("suspended", "active"), ("proposed", "validated")])
def test_a_site_cannot_reopen_in_a_removed_zone(trait, target):
    site = SiteFactory(**{trait: True})
    PriorityZone.objects.filter(pk=site.priority_zone_id).update(removed_at=timezone.now())
    with pytest.raises(ValidationError, match="zone prioritaire de ce lieu a été retirée"):
        services.site_transition(site=site, actor=ars_of(site), to_status=target)
    site.refresh_from_db()
    assert site.status == trait and not site.history.filter(to_status=target).exists()


def test_return_for_completion_and_resubmission():
    site = SiteFactory(proposed=True)
    agent = ars_of(site)
    with pytest.raises(ValidationError, match="motif"):
        services.site_transition(site=site, actor=agent, to_status="returned")
    services.site_transition(site=site, actor=agent, to_status="returned", comment="FINESS ?")
    services.site_transition(site=site, actor=site.manager, to_status="proposed")
    site.refresh_from_db()
    assert site.status == "proposed"
    assert Notification.objects.filter(recipient=agent.email, kind="site_resubmitted").exists()


@pytest.mark.parametrize(
    "status, target",
    [("proposed", "validated"), ("active", "suspended"), ("active", "closed")],
)
def test_manager_cannot_make_ars_transitions(status, target):
    site = SiteFactory(status=status)
    with pytest.raises(PermissionDenied):
        services.site_transition(site=site, actor=site.manager, to_status=target, comment="Motif")


def test_unknown_transition_refused():
    site = SiteFactory(proposed=True)
    with pytest.raises(ValidationError, match="Cette action n.est plus possible"):
        services.site_transition(site=site, actor=ars_of(site), to_status="active")


@pytest.mark.parametrize("trait", ["doctor", "cdom", "cpam", "national"])
def test_other_roles_cannot_transition(trait):
    site = SiteFactory(proposed=True)
    with pytest.raises(PermissionDenied):
        services.site_transition(
            site=site, actor=UserFactory(**{trait: True}), to_status="validated"
        )


def test_ars_of_another_region_and_other_manager_refused():
    site = SiteFactory(proposed=True)  # Occitanie
    with pytest.raises(PermissionDenied):
        services.site_transition(site=site, actor=UserFactory(ars=True), to_status="validated")
    validated = SiteFactory(validated=True)
    with pytest.raises(PermissionDenied):
        services.site_transition(
            site=validated, actor=UserFactory(site_manager=True), to_status="active"
        )


def test_admin_may_do_everything():
    site = SiteFactory(proposed=True)
    services.site_transition(site=site, actor=UserFactory(admin=True), to_status="validated")
    assert Site.objects.get(pk=site.pk).status == "validated"


def test_only_active_sites_in_active_queryset():
    active = SiteFactory()
    for status in ["proposed", "validated", "suspended", "closed", "returned"]:
        SiteFactory(status=status)
    assert list(Site.objects.active()) == [active]


# --- messages -------------------------------------------------------------------------------


def test_message_recorded_and_emailed_to_ars_agents_of_the_region():
    site = SiteFactory()
    agent = ars_of(site)
    other_region = UserFactory(ars=True)
    services.site_message_send(site=site, author=site.manager, subject="Clés", body="Bonjour…")
    assert SiteMessage.objects.filter(site=site).count() == 1
    assert Notification.objects.filter(recipient=agent.email, kind="site_message").exists()
    assert not Notification.objects.filter(recipient=other_region.email).exists()
    with pytest.raises(PermissionDenied):
        services.site_message_send(
            site=site, author=UserFactory(site_manager=True), subject="x", body="Bonjour"
        )


# --- found by trying the pages as their users ------------------------------------------------


def test_an_account_created_by_the_ars_gets_a_working_set_password_link(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    agent = UserFactory(ars=True)
    site, _ = declare(commune_code="40134", actor=agent, email="invite@test.renfort.example")
    body = Notification.objects.get(recipient="invite@test.renfort.example").body
    link = next(w for w in body.split() if "/compte/mot-de-passe/nouveau/" in w)
    assert link.startswith("http")  # absolute: clickable in a mail client
    assert "http" in body.split("Votre espace :")[1]
    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    assert page.status_code == 200 and "Nouveau mot de passe" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/mot-de-passe/oubli/", {"email": "invite@test.renfort.example"})
    assert any("invite@test.renfort.example" in m.to for m in mail.outbox)


def test_a_site_does_not_move_to_another_region_and_its_cpam_follows_the_departement():
    site = SiteFactory()  # Lacaune (Tarn, Occitanie)
    with pytest.raises(ValidationError, match="autre région"):
        services.site_update(
            site=site, actor=site.manager, data=site_data(), commune=commune("18160")
        )  # Nérondes (Cher, Centre-Val de Loire)
    site.refresh_from_db()
    assert site.region_id == "76" and site.departement_id == "81"


def test_sanity_limits_of_a_declaration():
    with pytest.raises(ValidationError) as refused:
        declare(volunteer_days_wanted=500, rooms=90)
    assert set(refused.value.message_dict) >= {"volunteer_days_wanted", "rooms"}
    site = SiteFactory()
    with pytest.raises(ValidationError, match="date à venir"):
        services.opening_exception_add(
            site=site, actor=site.manager, kind="closed", start_date=date(2020, 1, 1)
        )
    with pytest.raises(ValidationError, match="deux ans"):
        services.opening_exception_add(
            site=site, actor=site.manager, kind="closed", start_date=date(9999, 12, 31)
        )


def test_the_ars_is_told_when_the_manager_opens_the_site_to_volunteers():
    site = SiteFactory(validated=True)
    agent, other_region = ars_of(site), UserFactory(ars=True)
    services.site_transition(site=site, actor=site.manager, to_status="active")
    told = Notification.objects.get(recipient=agent.email, kind="site_activated")
    assert site.name in told.subject and "ouvert aux médecins volontaires" in told.body
    assert site.manager.email in told.body and f"/lieux/region/{site.pk}/" in told.body
    assert not Notification.objects.filter(recipient=other_region.email).exists()
    assert Notification.objects.filter(recipient=site.manager.email, kind="site_status").exists()


def test_the_ars_is_not_told_of_its_own_activation():
    site = SiteFactory(validated=True)
    agent, colleague = ars_of(site), ars_of(site)
    services.site_transition(site=site, actor=agent, to_status="active")
    assert not Notification.objects.filter(kind="site_activated").exists()
    assert not Notification.objects.filter(recipient=colleague.email).exists()


@pytest.mark.parametrize(
    ("status", "by_ars", "said"),
    [
        ("confirmed", False, "annulez d'abord cette mission depuis sa page"),
        ("accepted", False, "annulez d'abord cette mission depuis sa page"),
        ("proposed", False, "ne peuvent être annulées que par l'ARS ou déclinées par le médecin"),
        ("proposed", False, "écrivez à l'ARS depuis votre espace"),
        ("accepted", True, "annulez d'abord cette mission depuis sa page"),
    ],
)
def test_a_refused_closure_says_what_the_actor_can_do(status, by_ars, said):
    mission = MissionFactory(status=status)
    site = mission.site
    actor = ars_of(site) if by_ars else site.manager
    with pytest.raises(ValidationError) as error:
        services.opening_exception_add(
            site=site, actor=actor, kind="closed", start_date=mission.date
        )
    assert said in error.value.messages[0]
    if by_ars:
        assert "écrivez à l'ARS" not in error.value.messages[0]


def test_the_ars_hears_when_a_manager_renames_an_active_site():
    """What patients read (SMS, emails, search) changed without review: the ARS is told, old
    and new, and can correct it or suspend the site."""
    site = SiteFactory()  # active
    agent = ars_of(site)
    old_name = site.name
    services.site_update(site=site, actor=site.manager, data=site_data(name="Nouveau nom fictif"))
    mail = Notification.objects.get(kind="site_identity_changed")
    assert mail.recipient == agent.email
    assert f"Nom : « {old_name} » → « Nouveau nom fictif »" in mail.body
    assert f"/lieux/region/{site.pk}/" in mail.body
    services.site_update(site=site, actor=site.manager, data=site_data(phone="05 58 11 22 33"))
    mail = Notification.objects.filter(kind="site_identity_changed").latest("pk")
    assert f"Téléphone : « {site_data()['phone']} » → « 05 58 11 22 33 »" in mail.body
    services.site_update(site=site, actor=agent, data=site_data(name="Nom corrigé fictif"))
    proposed = SiteFactory(proposed=True)
    services.site_update(site=proposed, actor=proposed.manager, data=site_data(name="Autre"))
    assert Notification.objects.filter(kind="site_identity_changed").count() == 2


def test_a_new_address_reaches_the_doctors_and_the_patients_of_the_site():
    """The doctors of its coming missions get the new address with their dates; each patient
    with a coming appointment an email (agenda file updated) and an SMS; the ARS is told they
    were. A change of phone only moves no one."""
    from tests.booking.factories import book, free_slot, mission_with_slots

    mission = mission_with_slots()  # confirmed, 10 days ahead
    site = mission.site
    proposed = MissionFactory(site=site, status="proposed", date=mission.date + timedelta(days=2))
    MissionFactory(site=site, status="declined", date=mission.date + timedelta(days=3))
    appointment = book(free_slot(mission))
    ars_of(site)
    old = site.place_label
    same_place = site_data(address=site.address, phone="05 58 11 22 33")
    services.site_update(site=site, actor=site.manager, data=same_place)
    assert not Notification.objects.filter(kind__endswith="place_changed").exists()
    services.site_update(
        site=site, actor=site.manager, data=site_data(address="5 avenue des Tilleuls-Fictifs")
    )
    doctors = Notification.objects.filter(kind="mission_place_changed")
    assert {n.recipient for n in doctors} == {
        mission.doctor.user.email,
        proposed.doctor.user.email,
    }  # not the declined mission's doctor
    body = doctors.get(recipient=mission.doctor.user.email).body
    assert "Nouvelle adresse : 5 avenue des Tilleuls-Fictifs" in body
    assert f"Ancienne adresse : {old}" in body
    patient = Notification.objects.filter(kind="booking_place_changed")
    assert {n.channel for n in patient} == {"email", "sms"}
    email = patient.get(channel="email")
    assert email.recipient == appointment.email and "5 avenue des Tilleuls-Fictifs" in email.body
    assert email.attachments[0]["mimetype"] == "text/calendar"
    assert f"/rendez-vous/mon-rendez-vous/{appointment.secret}/" in patient.get(channel="sms").body
    ars = Notification.objects.filter(kind="site_identity_changed").latest("pk").body
    assert "ont reçu la nouvelle adresse" in ars
