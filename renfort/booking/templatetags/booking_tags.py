"""Template tags of the booking app.

`{% slot_buttons slots %}` renders the slot buttons of the search results and of a site's page
in Python: up to 80 buttons per page, each with two dates in French and a link, were most of
the rendering time of the search page with a template loop (date filters, URL reversing)."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from renfort.core import text
from renfort.core.templatetags.french import first_day_format
from renfort.sites.names import commune_of

from ..models import change_cutoff_label

register = template.Library()

RESERVED_TITLE = " (priorité aux patients sans médecin traitant ou en ALD)"


@lru_cache(maxsize=512)
def _day_labels(day, language: str) -> tuple[str, str]:
    """("lundi 24 novembre", "lun. 24 nov."; "mardi 1er décembre") for a local date, as the
    date_fr filter writes them."""
    return (
        date_format(day, first_day_format(day, "l j F")),
        date_format(day, first_day_format(day, "D j b")),
    )


@lru_cache(maxsize=16)
def _url_pattern(name: str, prefix: str, urlconf) -> tuple[str, str]:
    """A URL around an id, from one reverse (no reverse per button or result)."""
    url = reverse(name, args=[987654321])
    before, after = url.split("987654321")
    return before, after


def _url(name: str, pk: int) -> str:
    before, after = _url_pattern(name, get_script_prefix(), get_urlconf())
    return f"{before}{pk}{after}"


@register.filter
def near(place: str) -> str:
    """« près de » with French elision and contraction: près d'Albi, près d'Œuilly, près du
    Sequestre, près des Cabannes, près de La Rochelle, près de 81230."""
    return "près " + commune_of(place)


AT_ARTICLES = {"Le ": "au ", "Les ": "aux "}


@register.filter
def after(moments, moment) -> list:
    """The moments of a list later than `moment` (a day's free slots still to come)."""
    return [m for m in moments if m > moment]


@register.filter
def at_place(place: str) -> str:
    """« à » with French contraction: à Albi, au Sequestre, aux Cabannes, à La Rochelle."""
    for article, prefix in AT_ARTICLES.items():
        if place.startswith(article):
            return prefix + place[len(article) :]
    return "à " + place


@register.filter
def distance(result, crow_flies: bool = False) -> str:
    """Where a search result is from the place searched: « dans votre commune », « à moins
    de 500 m », « à 3,2 km » (+ « à vol d'oiseau » with crow_flies), never « à 0,0 km »."""
    if result.in_origin_commune:
        return "dans votre commune"
    if result.distance_km < 0.5:
        label = "à moins de 500 m"
    else:
        label = f"à {result.distance_km:.1f} km".replace(".", ",")
    return label + (" à vol d'oiseau" if crow_flies else "")


@register.simple_tag
def slot_buttons(slots, tz=None) -> str:
    """The list of slot buttons (slots still reserved for priority patients marked with a dashed
    border and a star; less than 48 h ahead they are open to everyone and shown plainly)."""
    language = translation.get_language() or ""
    before, after = _url_pattern("booking:book", get_script_prefix(), get_urlconf())
    now = timezone.now()
    parts = ['<ul class="booking-slots">']
    for slot in slots:
        local = timezone.localtime(slot.start, tz)  # tz: the site's (default: the current one)
        long_day, short_day = _day_labels(local.date(), language)
        hour = text.hour(local)
        reserved = slot.is_reserved_now(now)
        title = f"{long_day} à {hour} — {slot.doctor}" + (RESERVED_TITLE if reserved else "")
        parts.append(
            '<li><a class="fr-btn fr-btn--sm fr-btn--secondary'
            + (" booking-slot--reserved" if reserved else "")
            + f'" href="{before}{slot.pk}{after}" title="{conditional_escape(title)}">'
            + conditional_escape(f"{short_day} {hour}")
            # The star is for the eyes; the hidden text says « priorité … » in words.
            + ('<span aria-hidden="true"> *</span>' if reserved else "")
            + f'<span class="fr-sr-only"> — {conditional_escape(title)}</span>'
            + "</a></li>"
        )
    parts.append("</ul>")
    return mark_safe("".join(parts))


@register.simple_tag
def change_cutoff() -> str:
    """« une heure » (or « 2 heures »): until when before the start a patient can cancel or
    move online, as the setting says (for the emails, which have no view context)."""
    return change_cutoff_label()


@register.simple_tag
def slot_when(start, tz=None) -> str:
    """« jeudi 14 janvier à 9 h 00 », at the site's local time (tz: the site's)."""
    local = timezone.localtime(start, tz)
    long_day, _ = _day_labels(local.date(), translation.get_language() or "")
    return f"{long_day} à {text.hour(local)}"


@register.simple_tag
def site_result(result) -> str:
    """One site of the search results (name, address, distance, counts, slot buttons, link),
    in Python for the same reason as slot_buttons: it is repeated on every search."""
    site, commune = result.site, result.site.commune
    badge = (
        ' <span class="fr-badge fr-badge--sm fr-badge--info fr-ml-1w">Votre zone</span>'
        if result.in_own_zone
        else ""
    )
    e = conditional_escape
    heading = (
        f'<article class="booking-result" id="site-{site.pk}">'
        f'<h3 class="fr-h5 fr-mb-1w">{e(site.name)}{badge}</h3>'
        f'<p class="fr-mb-1w">{e(site.address)}, {e(commune.main_postcode)} {e(commune.name)}'
        f" — {distance(result, crow_flies=True)}</p>"
    )
    if not result.slot_count:  # a site of the patient's zone or commune, full for now
        return mark_safe(
            heading + '<p class="fr-text--sm fr-mb-1w">Aucun créneau libre pour le moment : '
            "dès qu'un créneau se libère, la liste d'attente vous le propose par SMS ou "
            "courriel.</p>"
            f'<a class="fr-btn fr-btn--sm fr-btn--secondary" href="{_waitlist_url()}'
            f"?site={site.pk}\">M'inscrire sur la liste d'attente"
            f'<span class="fr-sr-only"> de {e(site.name)}</span></a></article>'
        )
    counts = text.count(result.slot_count, "créneau disponible", "créneaux disponibles")
    if result.reserved_count:
        counts += ", dont " + text.count(
            result.reserved_count, "réservé en priorité*", "réservés en priorité*"
        )
    return mark_safe(
        heading + f'<p class="fr-text--sm fr-mb-0">{e(counts)}. Prochains créneaux :</p>'
        f"{slot_buttons(result.slots, site.tz)}"
        f'<a class="fr-link" href="{_url("booking:site_slots", site.pk)}">'
        "Voir tous les créneaux de ce lieu</a>"
        # Every site, not only one without slots: none of them may suit (no query: a URL).
        '<p class="fr-text--sm fr-mt-1w fr-mb-0 booking-waitlist-offer">'
        "Aucun créneau ne vous convient ? "
        f'<a href="{_waitlist_url()}?site={site.pk}">'
        "M'inscrire sur la liste d'attente"
        f'<span class="fr-sr-only"> de {e(site.name)}</span></a></p></article>'
    )


@lru_cache(maxsize=16)
def _waitlist_url_of(prefix: str, urlconf) -> str:
    return reverse("booking:waitlist")


def _waitlist_url() -> str:
    """The waiting list's address, reversed once per process (the site goes in ?site=)."""
    return _waitlist_url_of(get_script_prefix(), get_urlconf())
