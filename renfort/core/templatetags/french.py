"""French filters, loaded in every template (TEMPLATES builtins):

- `{{ day|date_fr:"l j F Y" }}`: Django's date filter with the French ordinal of the first day
  of a month (« mardi 1er décembre 2026 ») and French abbreviations for `D` (« mar. ») and
  `b`, `M`, `N` (« déc. », « janv. »);
- `{{ moment|hour }}`: « 9 h 40 », the one way times are written (renfort.core.text.hour), and
  `{{ start|hours_span:end }}`: « 8 h 30 – 12 h 30 »;
- `{{ n|count:"zone couverte,zones couvertes" }}`: « 0 zone couverte », « 2 zones couvertes »
  (0 and 1 take the singular in French, unlike `pluralize`);
- `{{ h.actor|person|default:"—" }}`: a person as people call them, their name (their email
  address only when the account has no name), in the « Par » column of the histories;
- `{{ doctor.status_label|lower_first }}`: a label mid-sentence, its acronyms and proper nouns
  kept (« nouvelle carte CPS émise », « activité enregistrée par l'Ordre »), where Django's
  `lower` would write « cps » and « l'ordre »;
- `{{ mission.date|night }}`: « la nuit du 13 au 14 janvier », the night of a housed mission
  (`night()`, also used in Python: the sites' and the confirmation's refusals)."""

import re
from datetime import timedelta

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.timezone import template_localtime

from renfort.core import text

register = template.Library()

UNESCAPED_DAY = re.compile(r"(?<!\\)j")
UNESCAPED_ABBREVIATION = re.compile(r"(?<!\\)[DbMN]")


def _escaped(word: str) -> str:
    return "".join("\\" + char for char in word)


def first_day_format(value, fmt: str) -> str:
    """The format with « er » after the day number when the date is the first of a month,
    and the French abbreviations of the day (`D`) and of the month (`b`, `M`, `N`)."""
    if getattr(value, "day", None) is None:
        return fmt
    if value.day == 1:
        fmt = UNESCAPED_DAY.sub(r"j\\e\\r", fmt)
    return UNESCAPED_ABBREVIATION.sub(
        lambda match: _escaped(
            text.day_short(value) if match.group() == "D" else text.month_short(value)
        ),
        fmt,
    )


@register.filter(expects_localtime=True, is_safe=False)
def date_fr(value, fmt: str):
    if value in (None, ""):
        return ""
    return date_filter(value, first_day_format(value, fmt))


@register.filter
def night(day) -> str:
    """« la nuit du 13 au 14 janvier », « la nuit du 31 janvier au 1er février »: the night
    before `day` (a mission's date), when a housed doctor sleeps in the site's bed. The one way
    this night is written to people: the emails of a mission, the refusals of a site change
    (fewer beds, no more housing) and of a confirmation (no bed left)."""
    eve = day - timedelta(days=1)
    start = date_fr(eve, "j" if eve.month == day.month else "j F")
    return f"la nuit du {start} au {date_fr(day, 'j F')}"


@register.filter(expects_localtime=True, is_safe=False)
def hour(value) -> str:
    """« 9 h 40 » from a time or a datetime (in the current time zone)."""
    if value in (None, ""):
        return ""
    if not hasattr(value, "hour"):
        return value
    return text.hour(value)


@register.filter(expects_localtime=True, is_safe=False)
def hours_span(start, end) -> str:
    """`{{ start|hours_span:end }}`: « 8 h 30 – 12 h 30 »."""
    if start in (None, "") or end in (None, ""):
        return ""
    return text.hours_span(start, template_localtime(end))


@register.filter
def person(user) -> str:
    """Who acted, in a history: « Thomas Martin — CDOM Tarn (81) », « Julie Petit — ARS
    Occitanie »: an agent's organisation, which a name alone does not tell."""
    if not user:
        return ""
    name = user.get_full_name() or user.email
    return f"{name} — {user.scope_label}" if user.is_agent else name


@register.filter
def count(n, forms: str) -> str:
    singular, plural = forms.split(",", 1)
    return text.count(int(n), singular, plural)


@register.filter
def sentence(value) -> str:
    """A sentence ended by a full stop, unless its writer ended it already (« … incomplet. »
    stays as typed, never « incomplet.. »)."""
    value = str(value or "").rstrip()
    return value if not value or value.endswith((".", "!", "?", "…")) else value + "."


@register.filter
def lower_first(value) -> str:
    return text.lower_first(str(value or ""))
