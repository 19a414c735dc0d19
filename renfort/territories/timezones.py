"""Local time of a territory. Metropolitan France and Corsica live on Paris time; the overseas
départements have their own (IANA time zones, no daylight saving time there). Appointments
and missions are stored in UTC and shown, sent and generated in the local time of their site:
09h00 in Petit-Bourg is 09h00 in Guadeloupe, not in Paris."""

from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")
OVERSEAS = {
    "971": ZoneInfo("America/Guadeloupe"),
    "972": ZoneInfo("America/Martinique"),
    "973": ZoneInfo("America/Cayenne"),
    "974": ZoneInfo("Indian/Reunion"),
    "976": ZoneInfo("Indian/Mayotte"),
}


def departement_timezone(code: str | None) -> ZoneInfo:
    return OVERSEAS.get(code or "", PARIS)


@contextmanager
def local_time_of(departement_code: str | None):
    """Dates and times rendered (templates, `timezone.localtime`, `localdate`) in the local time
    of the département: `with local_time_of(site.departement_id): render(…)`."""
    with timezone.override(departement_timezone(departement_code)):
        yield
