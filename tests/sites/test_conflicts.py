"""A site change never removes what a planned mission stands on: weekly opening days, public
holidays, extra openings (and closures, in test_services)."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from renfort.accounts.models import Role
from renfort.core.templatetags.french import night
from renfort.sites import services
from renfort.sites.opening import AFTERNOON, MORNING, WeeklySlot, public_holidays
from tests.factories import UserFactory
from tests.planning.factories import MissionFactory

from .factories import SiteFactory
from .test_views import form_data, text

pytestmark = pytest.mark.django_db


def next_weekday(weekday: int, after_days: int = 7) -> date:
    day = timezone.localdate() + timedelta(days=after_days)
    while day.weekday() != weekday or day in public_holidays(day.year, "81"):
        day += timedelta(days=1)
    return day


def pattern(*pairs) -> list[WeeklySlot]:
    hours = {MORNING: (time(9), time(12, 30)), AFTERNOON: (time(14), time(18))}
    return [WeeklySlot(d, p, *hours[p]) for d, p in pairs]


MON_TO_FRI = [(d, p) for d in range(5) for p in (MORNING, AFTERNOON)]


def update(site, slots, actor=None, holidays=False):
    return services.site_opening_update(
        site=site, actor=actor or site.manager, slots=slots, open_on_public_holidays=holidays
    )


@pytest.mark.parametrize(
    ("mission_period", "removed", "refused"),
    [
        ("full", (2, MORNING), True),
        ("morning", (2, MORNING), True),
        ("afternoon", (2, AFTERNOON), True),
        ("afternoon", (2, MORNING), False),
        ("morning", (3, MORNING), False),  # another weekday
    ],
)
def test_unticking_a_half_day_with_a_planned_mission_is_refused(mission_period, removed, refused):
    site = SiteFactory()
    MissionFactory(site=site, date=next_weekday(2), period=mission_period)
    slots = pattern(*[pair for pair in MON_TO_FRI if pair != removed])
    if refused:
        with pytest.raises(ValidationError, match="Ce changement ferme des demi-journées où 1 "):
            update(site, slots)
        assert site.weekly_openings.count() == 10
    else:
        update(site, slots)
        assert site.weekly_openings.count() == 9


@pytest.mark.parametrize("status", ["proposed", "accepted", "confirmed"])
def test_every_published_mission_holds_its_weekday(status):
    site = SiteFactory()
    MissionFactory(site=site, date=next_weekday(2), status=status)
    with pytest.raises(ValidationError) as refused:
        update(site, pattern(*[(d, p) for d, p in MON_TO_FRI if d != 2]))
    assert refused.value.code == "missions_planned"


@pytest.mark.parametrize("status", ["draft", "declined", "cancelled", "done"])
def test_missions_that_will_not_take_place_do_not_hold_a_weekday(status):
    site = SiteFactory()
    MissionFactory(site=site, date=next_weekday(2), status=status)
    update(site, pattern(*[(d, p) for d, p in MON_TO_FRI if d != 2]))
    assert not site.weekly_openings.filter(weekday=2).exists()


def test_past_missions_and_changed_hours_do_not_block():
    site = SiteFactory()
    MissionFactory(site=site, date=timezone.localdate() - timedelta(days=7), status="confirmed")
    MissionFactory(site=site, date=next_weekday(2))
    earlier = [
        WeeklySlot(s.weekday, s.period, time(8), s.end) if s.period == MORNING else s
        for s in pattern(*MON_TO_FRI)
    ]
    update(site, earlier)  # same half-days, other hours: nothing is removed
    assert site.weekly_openings.get(weekday=2, period=MORNING).start_time == time(8)


def test_a_mission_on_an_already_closed_day_does_not_block_other_changes():
    site = SiteFactory(weekdays=[0, 1])
    MissionFactory(site=site, date=next_weekday(5))  # a Saturday: closed already
    update(site, pattern((0, MORNING)))
    assert site.weekly_openings.count() == 1


def test_the_refusal_says_what_the_manager_and_the_ars_can_do():
    site = SiteFactory()
    wednesday = next_weekday(2)
    confirmed = MissionFactory(site=site, date=wednesday)
    MissionFactory(site=site, date=wednesday + timedelta(days=7), status="proposed")
    slots = pattern(*[(d, p) for d, p in MON_TO_FRI if d != 2])
    with pytest.raises(ValidationError) as refused:
        update(site, slots)
    message = refused.value.messages[0]
    assert message.startswith("Ce changement ferme des demi-journées où 2 missions sont prévues")
    assert f"le {wednesday:%d/%m/%Y} (journée entière, {confirmed.doctor}, confirmée)" in message
    assert "annulez d'abord les missions acceptées ou confirmées depuis leur page" in message
    assert "écrivez à l'ARS depuis votre espace" in message
    assert message.endswith("; puis enregistrez les jours d'ouverture.")
    agent = UserFactory(role=Role.ARS_AGENT, region=site.region)
    with pytest.raises(ValidationError) as refused:
        update(site, slots, actor=agent)
    message = refused.value.messages[0]
    assert "annulez d'abord ces missions depuis leur page" in message
    assert "écrivez à l'ARS" not in message


def test_one_mission_is_named_in_the_singular():
    site = SiteFactory()
    MissionFactory(site=site, date=next_weekday(2))
    with pytest.raises(ValidationError) as refused:
        update(site, pattern(*[(d, p) for d, p in MON_TO_FRI if d != 2]))
    message = refused.value.messages[0]
    assert "où 1 mission est prévue au lieu" in message
    assert "annulez d'abord cette mission depuis sa page" in message


def test_no_longer_opening_on_public_holidays_is_refused_on_a_holiday_mission():
    site = SiteFactory(weekdays=range(7))
    site.open_on_public_holidays = True
    site.save()
    today = timezone.localdate()
    holiday = min(
        d for year in (today.year, today.year + 1) for d in public_holidays(year, "81") if d > today
    )
    MissionFactory(site=site, date=holiday)
    everyday = pattern(*[(d, p) for d in range(7) for p in (MORNING, AFTERNOON)])
    with pytest.raises(ValidationError, match="1 mission est prévue"):
        update(site, everyday, holidays=False)
    site.refresh_from_db()
    assert site.open_on_public_holidays


def test_deleting_an_extra_opening_with_a_planned_mission_is_refused():
    site = SiteFactory(weekdays=[0])
    saturday = next_weekday(5)
    extra = services.opening_exception_add(
        site=site, actor=site.manager, kind="open", start_date=saturday
    )
    closure = services.opening_exception_add(
        site=site, actor=site.manager, kind="closed", start_date=next_weekday(0)
    )
    MissionFactory(site=site, date=saturday, period="morning")
    with pytest.raises(ValidationError, match="supprimez l'ouverture exceptionnelle"):
        services.opening_exception_delete(exception=extra, actor=site.manager)
    services.opening_exception_delete(exception=closure, actor=site.manager)  # only opens
    assert list(site.opening_exceptions.all()) == [extra]


def test_the_opening_page_lists_the_missions_and_keeps_what_was_typed(client):
    site = SiteFactory()
    wednesday = next_weekday(2)
    mission = MissionFactory(site=site, date=wednesday, period="morning")
    client.force_login(site.manager)
    data = {"horaires-open_on_public_holidays": ""}
    for d, p in MON_TO_FRI:
        if (d, p) != (2, MORNING):
            start, end = ("09:00", "12:30") if p == MORNING else ("14:00", "18:00")
            data |= {f"horaires-d{d}_{p}": "on", f"horaires-d{d}_{p}_start": start,
                     f"horaires-d{d}_{p}_end": end}  # fmt: skip
    page = client.post(reverse("sites:opening_days", args=[site.pk]), data)
    body = text(page)
    assert "Les jours d'ouverture n'ont pas été enregistrés." in body
    assert "contiennent des erreurs" not in body
    assert f"le {wednesday:%d/%m/%Y} (matin, {mission.doctor}, confirmée)" in body
    assert page.context["pattern_form"]["d2_morning"].value() is False  # as typed
    assert site.weekly_openings.filter(weekday=2, period=MORNING).exists()


def test_deleting_an_extra_opening_refused_on_the_page(client):
    site = SiteFactory(weekdays=[0])
    saturday = next_weekday(5)
    extra = services.opening_exception_add(
        site=site, actor=site.manager, kind="open", start_date=saturday
    )
    MissionFactory(site=site, date=saturday)
    client.force_login(site.manager)
    page = client.post(reverse("sites:exception_delete", args=[site.pk, extra.pk]), follow=True)
    assert "Ce changement ferme des demi-journées où 1 mission est prévue" in text(page)
    assert site.opening_exceptions.count() == 1


# --- Rooms and housing ---------------------------------------------------------------------------


def edit(site, actor=None, **changes):
    data = {
        "name": site.name, "kind": site.kind, "address": site.address,
        "contact_name": site.contact_name, "phone": site.phone, "email": site.email,
        "rooms": site.rooms, "housing": site.housing, "housing_beds": site.housing_beds,
    } | changes  # fmt: skip
    return services.site_update(site=site, actor=actor or site.manager, data=data)


def test_fewer_rooms_than_the_missions_of_a_half_day_is_refused():
    site = SiteFactory(rooms=3)
    day = next_weekday(1)
    full = MissionFactory(site=site, date=day, period="full")
    morning = MissionFactory(site=site, date=day, period="morning", status="accepted")
    MissionFactory(site=site, date=day, period="afternoon", status="proposed")
    MissionFactory(site=site, date=day + timedelta(days=1), period="morning")
    edit(site, rooms=2)  # two missions each half-day at most: still fits
    with pytest.raises(ValidationError) as refused:
        edit(site, rooms=1)
    message = refused.value.message_dict["rooms"][0]
    assert message.startswith(
        "Avec 1 salle, le lieu ne peut plus recevoir toutes les missions prévues "
        f"(2 missions le {day:%d/%m/%Y} au matin ; 2 missions le {day:%d/%m/%Y} l'après-midi)."
        " Missions concernées : "
    )
    assert f"le {day:%d/%m/%Y} (journée entière, {full.doctor}, confirmée)" in message
    assert f"le {day:%d/%m/%Y} (matin, {morning.doctor}, acceptée par le médecin)" in message
    assert f"{day + timedelta(days=1):%d/%m/%Y}" not in message  # one mission: it fits
    assert "annulez d'abord des missions acceptées ou confirmées depuis leur page" in message
    assert message.endswith("puis enregistrez la modification.")
    site.refresh_from_db()
    assert site.rooms == 2


@pytest.mark.parametrize("status", ["draft", "declined", "cancelled"])
def test_missions_that_will_not_take_place_do_not_hold_a_room(status):
    site = SiteFactory(rooms=2)
    day = next_weekday(1)
    MissionFactory(site=site, date=day)
    MissionFactory(site=site, date=day, status=status)
    edit(site, rooms=1)
    site.refresh_from_db()
    assert site.rooms == 1


def test_the_ars_is_told_to_cancel_the_missions_in_excess():
    site = SiteFactory(rooms=2)
    day = next_weekday(1)
    MissionFactory(site=site, date=day, status="proposed")
    MissionFactory(site=site, date=day, status="accepted")
    agent = UserFactory(role=Role.ARS_AGENT, region=site.region)
    with pytest.raises(ValidationError, match="annulez d'abord les missions en trop depuis leur"):
        edit(site, actor=agent, rooms=1)


@pytest.mark.parametrize(
    ("changes", "field", "intro"),
    [
        ({"housing": "none", "housing_beds": 0}, "housing", "Sans hébergement"),
        ({"housing_beds": 1}, "housing_beds", "Avec 1 lit"),
    ],
)
def test_housing_removed_or_fewer_beds_than_housed_missions_is_refused(changes, field, intro):
    site = SiteFactory(rooms=3, housing="on_site", housing_beds=2)
    day = next_weekday(1)
    MissionFactory(site=site, date=day, needs_housing=True)
    MissionFactory(site=site, date=day, needs_housing=True, status="accepted")
    MissionFactory(site=site, date=day, needs_housing=True, status="proposed")  # no bed yet
    with pytest.raises(ValidationError) as refused:
        edit(site, **changes)
    message = refused.value.message_dict[field][0]
    assert message.startswith(
        f"{intro}, le lieu ne peut plus loger tous les médecins attendus (2 médecins hébergés "
        f"{night(day)}). Missions concernées : "
    )
    assert message.count(f"le {day:%d/%m/%Y} (") == 2
    site.refresh_from_db()
    assert (site.housing, site.housing_beds) == ("on_site", 2)


def test_housing_may_shrink_to_the_housed_missions():
    site = SiteFactory(housing="on_site", housing_beds=3)
    MissionFactory(site=site, date=next_weekday(1), needs_housing=True)
    MissionFactory(site=site, date=next_weekday(1), needs_housing=False, status="accepted")
    edit(site, housing_beds=1)
    site.refresh_from_db()
    assert site.housing_beds == 1


def test_an_unrelated_edit_is_not_refused_for_a_crowded_day():
    site = SiteFactory(rooms=1)
    day = next_weekday(1)
    MissionFactory(site=site, date=day)
    MissionFactory(site=site, date=day)  # more than the rooms already (older data)
    edit(site, name="Maison de santé (fictive) renommée")
    site.refresh_from_db()
    assert site.name == "Maison de santé (fictive) renommée"


def test_the_edit_page_shows_the_refusal_at_the_rooms_field(client):
    site = SiteFactory(rooms=2)
    day = next_weekday(1)
    MissionFactory(site=site, date=day)
    MissionFactory(site=site, date=day)
    client.force_login(site.manager)
    page = client.post(reverse("sites:edit", args=[site.pk]), form_data(rooms="1"))
    assert page.status_code == 200
    error = page.context["form"].errors["rooms"][0]
    assert error.startswith("Avec 1 salle, le lieu ne peut plus recevoir toutes les missions")
    assert f"2 missions le {day:%d/%m/%Y} au matin" in text(page)


@pytest.mark.parametrize("beds", ["", "0", "abc"])
def test_beds_are_not_asked_without_housing(client, beds):
    site = SiteFactory(housing="on_site", housing_beds=2)
    client.force_login(site.manager)
    page = client.post(
        reverse("sites:edit", args=[site.pk]), form_data(housing="none", housing_beds=beds)
    )
    assert page.status_code == 302, page.context["form"].errors
    site.refresh_from_db()
    assert (site.housing, site.housing_beds) == ("none", 0)


def test_beds_are_asked_with_housing(client):
    client.force_login(UserFactory(site_manager=True))
    page = client.post(reverse("sites:declare"), form_data(housing="nearby", housing_beds=""))
    assert page.context["site_form"].errors["housing_beds"] == [
        "Indiquez le nombre de lits de l'hébergement (au moins 1)."
    ]
    html = page.content.decode()
    assert "Nombre de lits (facultatif)" not in html and "Seulement avec un hébergement." in html


# --- Suspending or closing a site under its planned missions ----------------------------------


def test_a_site_is_not_suspended_under_its_planned_missions(client):
    site = SiteFactory()
    mission = MissionFactory(site=site, status="confirmed")
    ars = UserFactory(role=Role.ARS_AGENT, region=site.region)
    with pytest.raises(ValidationError) as refused:
        services.site_transition(
            site=site, actor=ars, to_status="suspended", comment="Travaux dans les locaux"
        )
    message = refused.value.messages[0]
    assert message.startswith("1 mission est prévue au lieu : le ")
    assert "annulez d'abord cette mission depuis sa page" in message
    assert "le passer au statut « suspendu »" in message
    site.refresh_from_db()
    assert site.status == "active"
    client.force_login(ars)
    response = client.post(
        reverse("sites:transition", args=[site.pk]),
        {"to_status": "suspended", "comment": "Travaux dans les locaux"},
        follow=True,
    )
    assert "1 mission est prévue au lieu" in text(response)
    # The reason typed stays in its field, under the error, for the next try.
    assert response.context["title"].startswith("Erreur dans le formulaire — ")
    field = text(response).split(f'id="comment-suspended-{site.pk}"')[1].split("</textarea>")[0]
    assert 'aria-invalid="true"' in field and field.endswith(">Travaux dans les locaux")
    mission.status = "cancelled"
    mission.save()
    services.site_transition(
        site=site, actor=ars, to_status="suspended", comment="Travaux dans les locaux"
    )
    site.refresh_from_db()
    assert site.status == "suspended"
