"""Search page and API: typed apostrophes, reserved slots once open to all, postcodes shared
by several communes, invalid half-day values."""

import html as htmllib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from renfort.booking.models import Slot
from renfort.core.text import hour

from .factories import mission_with_slots

pytestmark = pytest.mark.django_db
SEARCH = reverse("booking:search")
SLOTS = "/api/slots"


@pytest.fixture
def mission():
    """Lacaune (81230), 10 days ahead: 21 slots, 10 of them reserved for priority patients."""
    return mission_with_slots()


# --- Typographic apostrophe -------------------------------------------------------------------


def test_a_commune_typed_with_a_typographic_apostrophe_is_found(client):
    page = client.get(SEARCH, {"q": "Agen-d’Aveyron"})
    assert page.context["origin"].commune.name == "Agen-d'Aveyron"
    assert "Nous ne trouvons pas cette commune" not in page.text
    assert client.get(SLOTS, {"commune": "Mazeyrat d’Allier"}).status_code == 200


# --- Reserved slots once open to everyone -----------------------------------------------------


def test_reserved_slots_less_than_48_hours_ahead_are_shown_as_open_to_all(client):
    tomorrow = mission_with_slots(date=timezone.localdate() + timedelta(days=1))
    assert Slot.objects.filter(mission=tomorrow, reserved_for_priority=True).exists()
    page = client.get(SEARCH, {"q": "81230"})
    [result] = page.context["results"]
    assert result.reserved_count == 0
    text = htmllib.unescape(page.text)
    assert "réservé en priorité*" not in text and "réservés en priorité*" not in text
    assert " *<" not in text and "booking-slot--reserved" not in text
    assert "priorité aux patients sans médecin traitant" not in text
    assert "ouvert à tous 48 heures avant" not in text  # no « * » to explain
    site_page = client.get(reverse("booking:site_slots", args=[tomorrow.site_id])).text
    assert "booking-slot--reserved" not in site_page and " *<" not in site_page
    assert "ouvert à tous 48 heures avant" not in site_page


def test_reserved_slots_further_ahead_keep_their_mark(client, mission):
    page = client.get(SEARCH, {"q": "81230"})
    assert page.context["results"][0].reserved_count == 10
    text = htmllib.unescape(page.text)
    assert "dont 10 réservés en priorité*" in text and "booking-slot--reserved" in text
    assert "(priorité aux patients sans médecin traitant ou en ALD)" in text
    assert "ouvert à tous 48 heures avant" in text


# --- Slot buttons --------------------------------------------------------------------------------


def test_slot_buttons_abbreviate_the_french_way_and_write_times_9_h_00(client, mission):
    """« mer. 27 janv. 9 h 00 », not « mer 27 jan 09h00 »."""
    first = Slot.objects.filter(mission=mission).order_by("start").first()
    at = timezone.localtime(first.start)
    page = client.get(SEARCH, {"q": "81230"}).text
    button = page.split(f'href="{reverse("booking:book", args=[first.pk])}"')[1].split("</a>")[0]
    days = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
    months = "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split()
    day = f"{days[at.weekday()]} {'1er' if at.day == 1 else at.day} {months[at.month - 1]}"
    assert f">{day} {hour(at)}" in htmllib.unescape(button)


# --- Postcode shared by several communes --------------------------------------------------------


def test_a_postcode_shared_by_several_communes_says_which_one_and_offers_the_others(client):
    page = client.get(SEARCH, {"q": "20230"})
    chosen = page.context["origin"].commune
    others = [c for c, _ in page.context["homonyms"]]
    assert len(others) >= 11 and chosen not in others
    assert "Linguizzetta" in {c.name for c in [chosen, *others]}
    text = htmllib.unescape(page.text)
    # Each named with the postcode typed, even where it is not the commune's first one.
    assert f"Plusieurs communes ont ce code postal : résultats pour {chosen.name} (20230)." in text
    assert all(label == f"{c.name} (20230)" for c, label in page.context["homonyms"])
    linguizzetta = next(c for c in [chosen, *others] if c.name == "Linguizzetta")
    if linguizzetta != chosen:
        assert f"?commune={linguizzetta.pk}&q=" in text
    picked = client.get(SEARCH, {"q": linguizzetta.label, "commune": linguizzetta.pk})
    assert picked.context["origin"].commune == linguizzetta
    assert not picked.context.get("homonyms")


def test_a_commune_whose_first_postcode_is_another_is_named_with_the_one_typed(client):
    page = client.get(SEARCH, {"q": "18350"})
    labels = dict((c.name, label) for c, label in page.context["homonyms"])
    labels[page.context["origin"].commune.name] = page.context["origin_label"]
    assert labels["Osmery"] == "Osmery (18350)"  # its first postcode is 18130
    assert "Osmery (18130)" not in page.text


def test_a_postcode_of_one_commune_has_no_notice(client):
    page = client.get(SEARCH, {"q": "81230"})
    assert not page.context["homonyms"] and "Plusieurs communes" not in page.text


# --- Half-day values ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["soir", "MORNINGS", "1"])
def test_an_unknown_half_day_in_the_url_is_told_on_its_field(client, mission, value):
    page = client.get(SEARCH, {"q": "81230", "period": value})
    text = htmllib.unescape(page.text)
    assert "Demi-journée inconnue : choisissez toute la journée, le matin ou l'après-midi." in text
    assert 'aria-describedby="id_period-messages"' in text
    assert page.context["title"].startswith("Erreur dans le formulaire")


@pytest.mark.parametrize(
    ("value", "count"), [("matin", 9), ("apres-midi", 12), ("morning", 9), ("", 21)]
)
def test_the_api_half_day_values_work_on_the_page_too(client, mission, value, count):
    page = client.get(SEARCH, {"q": "81230", "date": mission.date.isoformat(), "period": value})
    assert page.context["results"][0].slot_count == count


def test_the_api_refuses_an_unknown_half_day_in_french(client, mission):
    response = client.get(SLOTS, {"commune": "81230", "demi_journee": "soir"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["champ"] == "demi_journee" and "Valeurs possibles" in error["message"]


# --- Sorting by distance only -------------------------------------------------------------------


def test_the_distance_only_option_says_what_it_does(client):
    text = htmllib.unescape(client.get(SEARCH).text)
    label = "Afficher d'abord les lieux les plus proches (même hors de ma zone)"
    assert f'<label class="fr-label" for="id_proximity">{label}</label>' in text
    assert "Trier seulement par distance" not in text


# --- A date or half-day that has nothing --------------------------------------------------------


FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
FRENCH_MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def french_day(day) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{FRENCH_DAYS[day.weekday()]} {number} {FRENCH_MONTHS[day.month - 1]}"


def test_a_date_without_slots_says_so_and_offers_the_next_slot_and_all_dates(client, mission):
    empty_day = mission.date + timedelta(days=1)
    query = {"q": "Lacaune", "date": empty_day.isoformat(), "period": "morning", "proximity": "on"}
    page = client.get(SEARCH, query)
    text = htmllib.unescape(page.text)
    said = f"Aucun créneau le {french_day(empty_day)} au matin près de Lacaune (81230)"
    assert f"{said}." in text and page.context["title"].startswith(said)
    first = Slot.objects.filter(mission=mission).order_by("start").first()
    at = timezone.localtime(first.start)
    assert "Autre créneau disponible :" in text
    assert f'<a href="{reverse("booking:book", args=[first.pk])}">' in text
    assert f"{french_day(at.date())} à {hour(at)} — {mission.site.name} (" in text
    assert f'href="{SEARCH}?q=Lacaune&amp;proximity=on">Voir toutes les dates</a>' in page.text
    assert "Aucun créneau disponible pour le moment" not in text
    # None of those suits: the zone's waiting list, from the date asked.
    waitlist = f"{reverse('booking:waitlist')}?zone={mission.site.priority_zone_id}"
    assert f'href="{waitlist}&amp;date={empty_day:%Y-%m-%d}"' in page.text
    assert "M'inscrire sur la liste d'attente de ma zone" in text
    form = client.get(f"{waitlist}&date={empty_day:%Y-%m-%d}").context["form"]
    assert form.initial["start_date"] == empty_day


def test_a_half_day_without_slots_names_it_and_links_to_the_whole_day(client):
    afternoon = mission_with_slots(period="afternoon")
    page = client.get(SEARCH, {"q": "81230", "period": "morning"})
    text = htmllib.unescape(page.text)
    assert "Aucun créneau le matin près de Lacaune (81230)." in text
    first = Slot.objects.filter(mission=afternoon).order_by("start").first()
    assert reverse("booking:book", args=[first.pk]) in text
    assert f'href="{SEARCH}?q=81230">Voir les créneaux du matin et de l\'après-midi' in text


def test_a_filtered_search_with_nothing_anywhere_still_offers_the_waiting_list(client):
    from tests.sites.factories import SiteFactory

    site = SiteFactory()
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    page = client.get(SEARCH, {"q": "81230", "date": day})
    text = htmllib.unescape(page.text)
    assert "Aucun créneau disponible pour le moment" in text
    assert f"{reverse('booking:waitlist')}?site={site.pk}" in text
    assert "Voir toutes les dates" not in text and "Prochain créneau" not in text


def test_a_next_slot_reserved_for_priority_patients_says_so(client, mission):
    first = Slot.objects.filter(mission=mission, reserved_for_priority=False).order_by("start")
    first.update(status="blocked")  # only reserved slots are left
    empty_day = (mission.date + timedelta(days=1)).isoformat()
    text = htmllib.unescape(client.get(SEARCH, {"q": "81230", "date": empty_day}).text)
    assert "réservé en priorité aux patients sans médecin traitant ou en affection" in text
    assert "voir tous les créneaux de ce lieu" in text


# --- Waiting list from every result ------------------------------------------------------------


def test_every_site_in_the_results_offers_its_waiting_list_without_a_query(client, mission):
    """Not only when nothing is free anywhere: none of the slots shown may suit."""
    other = mission_with_slots()
    assert other.site_id != mission.site_id
    client.get(SEARCH, {"q": "81230"})  # reference data in memory
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": "81230"})
    assert len(queries) == 1  # the slots only: the link costs no query
    page = htmllib.unescape(response.text)
    results = response.context["results"]
    assert {r.site.pk for r in results} == {mission.site_id, other.site_id}
    for result in results:
        site = result.site
        article = page[page.index(f'id="site-{site.pk}"') :]
        article = article[: article.index("</article>")]
        assert "Aucun créneau ne vous convient ? " in article
        link = f'href="{reverse("booking:waitlist")}?site={site.pk}"'
        assert link in article
        assert f"M'inscrire sur la liste d'attente<span class=\"fr-sr-only\"> de {site.name}" in (
            article
        )
    assert "no-slot" not in page  # the callout of « nothing anywhere » is not shown


def _commune_of_another_zone_nearby(site):
    """A commune of another current priority zone, 20 to 80 km from the site (real data)."""
    from renfort.booking.slots import haversine_km
    from renfort.territories.models import Commune
    from renfort.zoning.selectors import current_zones

    zones = {z.epci_id: z.pk for z in current_zones() if z.pk != site.priority_zone_id}
    communes = Commune.objects.filter(epci_id__in=zones, latitude__isnull=False)
    for commune in communes.order_by("code_insee"):
        if (
            20
            < haversine_km(site.latitude, site.longitude, commune.latitude, commune.longitude)
            < 80
        ):
            return commune
    raise AssertionError("no commune of another zone near the site")


def test_a_full_site_of_the_patients_zone_is_listed_with_its_waiting_list(client, mission):
    from tests.sites.factories import SiteFactory

    full = SiteFactory(name="Maison de santé pleine (fictive)")  # Lacaune: same zone, no slot
    page = client.get(SEARCH, {"q": "81230"})
    text = htmllib.unescape(page.text)
    assert [r.site for r in page.context["results"]] == [mission.site]  # the ones with slots
    assert [r.site for r in page.context["listed"]] == [mission.site, full]
    block = text.split(f'id="site-{full.pk}"')[1].split("</article>")[0]
    assert "Aucun créneau libre pour le moment" in block and "dans votre commune" in block
    assert f'href="{reverse("booking:waitlist")}?site={full.pk}"' in block
    assert "ses lieux de consultation sont affichés en premier" in text
    # Filtered by a date, it is not listed: it may have slots on other dates.
    day = {"q": "81230", "date": timezone.localdate().isoformat()}
    assert full.name not in htmllib.unescape(client.get(SEARCH, day).text)


def test_the_zone_sentence_says_when_the_zone_has_no_site_or_no_free_slot(client, mission):
    from tests.sites.factories import SiteFactory

    other = _commune_of_another_zone_nearby(mission.site)
    query = {"q": other.name, "commune": other.code_insee}
    text = htmllib.unescape(client.get(SEARCH, query).text)
    assert "elle n'a pas encore de lieu de consultation ; voici les plus proches." in text
    assert "affichés en premier" not in text
    SiteFactory(commune=other)  # a site in that zone, without slots
    text = htmllib.unescape(client.get(SEARCH, query).text)
    assert "son lieu de consultation n'a aucun créneau libre pour le moment ; voici les" in text
    assert mission.site.name in text and "affichés en premier" not in text
