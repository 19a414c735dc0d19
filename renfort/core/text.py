"""Small French text helpers for messages built in Python."""

import re


def count(n: int, singular: str, plural: str) -> str:
    """« 1 mission proposée », « 14 missions proposées » (0 and 1 take the singular in French)."""
    return f"{n} {singular if n < 2 else plural}"


def number(value: float) -> str:
    """« 1,5 », « 2 » : a French decimal without trailing zeros."""
    return f"{value:g}".replace(".", ",")


# The non-breaking space of French typography (« 9 h 40 » never split across two lines).
NBSP = "\u00a0"


def hour(value) -> str:
    """« 9 h 40 », « 14 h 00 »: the time of a `time` or of a local `datetime`, as the French
    administration writes it (hour without a leading zero, « h » between non-breaking spaces).
    The one way times are written to people: pages, emails, SMS, calendar files."""
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"


def hours_span(start, end) -> str:
    """« 8 h 30 – 12 h 30 »."""
    return f"{hour(start)}{NBSP}– {hour(end)}"


# French abbreviations (Imprimerie nationale, CLDR): Django's « jan », « jui » (juin and
# juillet alike) are not French.
DAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
MONTHS_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def day_short(value) -> str:
    """« lun. »: the abbreviated name of the day of a date."""
    return DAYS_SHORT[value.weekday()]


def month_short(value) -> str:
    """« janv. »: the abbreviated name of the month of a date."""
    return MONTHS_SHORT[value.month - 1]


def days_label(value: float) -> str:
    """« 0,5 jour », « 1 jour », « 1,5 jour », « 2 jours » (the plural from 2 on)."""
    return f"{number(value)} {'jour' if value < 2 else 'jours'}"


def lower_first(text: str) -> str:
    """A label mid-sentence: « En pause » → « en pause », « Nouvelle carte CPS émise » →
    « nouvelle carte CPS émise »; an acronym keeps its capitals (« ARS validée »)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


# Line breaks (CR, LF, NEL, U+2028, U+2029), tabs and the other control characters.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """The text on one line: each run of line breaks or control characters becomes one space
    (a name or subject typed in a one-line field, an email subject)."""
    return _CONTROL_CHARACTERS.sub(" ", text)


# Dates as French people type them (and the date picker's ISO form): forms and commands.
DAY_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


def parse_day(text: str):
    """« 15/06/2025 », « 15-06-2025 », « 15.06.2025 » or « 2025-06-15 » → date; ValueError with
    a French message otherwise."""
    from datetime import datetime

    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise ValueError(f"Date invalide « {text[:30]} » : écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ.")
