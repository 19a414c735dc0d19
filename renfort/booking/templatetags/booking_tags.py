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

from renfort.core.templatetags.french import first_day_format

register = template.Library()

RESERVED_TITLE = " (priorité aux patients sans médecin traitant ou en ALD)"


@lru_cache(maxsize=512)
def _day_labels(day, language: str) -> tuple[str, str]:
    """("lundi 24 novembre", "lun 24 nov"; "mardi 1er décembre") for a local date, as the
    date_fr filter writes them."""
    return (
        date_format(day, first_day_format(day, "l j F")),
        date_format(day, first_day_format(day, "D j b")),
    )


@lru_cache(maxsize=8)
def _book_url_pattern(prefix: str, urlconf) -> tuple[str, str]:
    """The booking URL around a slot id, from one reverse (no reverse per button)."""
    url = reverse("booking:book", args=[987654321])
    before, after = url.split("987654321")
    return before, after


ARTICLES = {"Le ": "près du ", "Les ": "près des "}
VOWELS = "AEIOUYÂÀÉÈÊËÎÏÔÛÙ"


@register.filter
def near(place: str) -> str:
    """« près de » with French elision and contraction: près d'Albi, près du Sequestre, près
    des Cabannes, près de La Rochelle, près de 81230."""
    for article, prefix in ARTICLES.items():
        if place.startswith(article):
            return prefix + place[len(article) :]
    if place[:1].upper() in VOWELS:
        return "près d'" + place
    return "près de " + place


@register.simple_tag
def slot_buttons(slots) -> str:
    """The list of slot buttons (reserved slots marked with a dashed border and a star)."""
    language = translation.get_language() or ""
    before, after = _book_url_pattern(get_script_prefix(), get_urlconf())
    parts = ['<ul class="booking-slots">']
    for slot in slots:
        local = timezone.localtime(slot.start)
        long_day, short_day = _day_labels(local.date(), language)
        hour = f"{local.hour:02d}h{local.minute:02d}"
        reserved = slot.reserved_for_priority
        title = f"{long_day} à {hour} — {slot.doctor}" + (RESERVED_TITLE if reserved else "")
        parts.append(
            '<li><a class="fr-btn fr-btn--sm fr-btn--secondary'
            + (" booking-slot--reserved" if reserved else "")
            + f'" href="{before}{slot.pk}{after}" title="{conditional_escape(title)}">'
            + conditional_escape(f"{short_day} {hour}")
            + (" *" if reserved else "")
            + f'<span class="fr-sr-only"> — {conditional_escape(title)}</span>'
            + "</a></li>"
        )
    parts.append("</ul>")
    return mark_safe("".join(parts))
