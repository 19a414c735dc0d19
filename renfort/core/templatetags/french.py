"""French filters, loaded in every template (TEMPLATES builtins):

- `{{ day|date_fr:"l j F Y" }}`: Django's date filter with the French ordinal of the first day
  of a month (« mardi 1er décembre 2026 »);
- `{{ n|count:"zone couverte,zones couvertes" }}`: « 0 zone couverte », « 2 zones couvertes »
  (0 and 1 take the singular in French, unlike `pluralize`)."""

import re

from django import template
from django.template.defaultfilters import date as date_filter

from renfort.core import text

register = template.Library()

UNESCAPED_DAY = re.compile(r"(?<!\\)j")


def first_day_format(value, fmt: str) -> str:
    """The format with « er » after the day number when the date is the first of a month."""
    if getattr(value, "day", None) == 1:
        return UNESCAPED_DAY.sub(r"j\\e\\r", fmt)
    return fmt


@register.filter(expects_localtime=True, is_safe=False)
def date_fr(value, fmt: str):
    if value in (None, ""):
        return ""
    return date_filter(value, first_day_format(value, fmt))


@register.filter
def count(n, forms: str) -> str:
    singular, plural = forms.split(",", 1)
    return text.count(int(n), singular, plural)
