import calendar
from datetime import date


def month_start(value: date) -> date:
    return value.replace(day=1)


def month_bounds(value: date) -> tuple[date, date]:
    first = value.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def parse_month(text: str) -> date | None:
    """« 2026-03 » → date(2026, 3, 1); None when invalid."""
    try:
        year, month = (int(part) for part in (text or "").split("-")[:2])
        return date(year, month, 1)
    except (ValueError, TypeError):
        return None


# The programme's first month (the solidarity missions began in September 2025): no month
# before it is shown. Months up to two years on are shown (saying they cannot be calculated
# yet); « janvier 1900 » or « 2099 » are not.
PROGRAMME_START = date(2025, 9, 1)
SHOWN_YEARS_AHEAD = 2


def shown_months(today: date) -> tuple[date, date]:
    """The first and last months the planning screen and its export show."""
    this_month = today.replace(day=1)
    return PROGRAMME_START, this_month.replace(year=this_month.year + SHOWN_YEARS_AHEAD)


def shown_month(text: str, today: date) -> date | None:
    """The month named in an address or a form, if it is valid and within `shown_months`;
    None otherwise."""
    month = parse_month(text)
    first, last = shown_months(today)
    if month is None or not first <= month <= last:
        return None
    return month


def plannable_months(today: date) -> tuple[date, date]:
    """The first and last months a calculation accepts: this month to twelve months later."""
    this_month = today.replace(day=1)
    return this_month, this_month.replace(year=this_month.year + 1)
