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


def plannable_months(today: date) -> tuple[date, date]:
    """The first and last months a calculation accepts: this month to twelve months later."""
    this_month = today.replace(day=1)
    return this_month, this_month.replace(year=this_month.year + 1)
