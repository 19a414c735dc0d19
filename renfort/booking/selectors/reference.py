"""Reference data kept in process memory for the search (communes, sites, zones: never the
slots, always read live), and where a patient searches from (`Origin`: a commune, a postcode, a
typed name or a position)."""

import threading
import time as clock
from collections import OrderedDict
from dataclasses import dataclass

from renfort.territories.models import Commune
from renfort.zoning.models import PriorityZone

from ..slots import haversine_km

# Reference data read by every search (communes, sites, zones) is kept in process memory:
# cleared at once in this process by the signals of `apps.py` when a site, commune or zone is
# saved or deleted, and after REFERENCE_TTL seconds in the other server processes. Slots are
# never cached: availability is always read live.
REFERENCE_TTL = 30
ORIGIN_CACHE_SIZE = 4096


class ReferenceCache:
    """A small thread-safe in-process cache of reference data (LRU, time-bounded)."""

    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict = OrderedDict()

    def get(self, key, compute):
        now = clock.monotonic()
        with self.lock:
            found = self.entries.get(key)
            if found is not None and found[0] > now:
                self.entries.move_to_end(key)
                return found[1]
        value = compute()
        with self.lock:
            self.entries[key] = (now + REFERENCE_TTL, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


reference_cache = ReferenceCache(ORIGIN_CACHE_SIZE)


def reference_cache_clear(**_kwargs) -> None:
    """Signal receiver (apps.py): a site, commune or priority zone changed."""
    reference_cache.clear()


@dataclass(frozen=True)
class Origin:
    """Where the patient searches from."""

    label: str
    latitude: float
    longitude: float
    zone_id: int | None
    commune: Commune | None = None


def zone_id_of(epci_id: str | None) -> int | None:
    """The current priority zone of an EPCI (its id only: no GeoJSON contour loaded)."""
    if not epci_id:
        return None
    return (
        PriorityZone.objects.current().filter(epci_id=epci_id).values_list("pk", flat=True).first()
    )


def _origin_of_commune(commune: Commune, label: str = "") -> Origin | None:
    if commune.latitude is None or commune.longitude is None:
        return None
    return Origin(
        label=label or commune.label,
        latitude=commune.latitude,
        longitude=commune.longitude,
        zone_id=zone_id_of(commune.epci_id),
        commune=commune,
    )


def nearest_commune(latitude: float, longitude: float) -> Commune | None:
    """The commune whose centre is nearest (bounding box first: no scan of 35,000 rows)."""
    for box in (0.15, 0.5, 2.0):
        candidates = list(
            Commune.objects.in_programme().filter(
                latitude__range=(latitude - box, latitude + box),
                longitude__range=(longitude - box * 1.5, longitude + box * 1.5),
            )
        )
        if candidates:
            return min(
                candidates,
                key=lambda c: haversine_km(latitude, longitude, c.latitude, c.longitude),
            )
    return None


def origin_resolve(
    *, query: str = "", commune_code: str = "", latitude=None, longitude=None
) -> Origin | None:
    """The search origin: the commune picked in the autocomplete, a typed name or postcode,
    or else the browser's position ("autour de moi"). Communes are reference data: the origin
    of a commune or a typed text is kept in memory (see ReferenceCache)."""
    query = (query or "").strip()
    if commune_code or query:
        return reference_cache.get(
            ("origin", commune_code, query),
            lambda: _origin_resolve(query=query, commune_code=commune_code),
        )
    return _origin_resolve(latitude=latitude, longitude=longitude)


MAX_HOMONYMS = 30  # communes offered under a shared postcode (20230 serves 12)


def is_postcode(query: str) -> bool:
    return len(query) == 5 and query.isdigit()


def homonyms(origin: "Origin", query: str) -> list[Commune]:
    """Other communes of the programme with exactly the name typed (« Parisot » is in the Tarn
    and in Tarn-et-Garonne), or with the postcode typed (20230 serves 12 communes): the search
    page says which one was used and offers the others. None for a pick in the list."""
    from renfort.territories.normalize import normalize_name

    if origin is None or origin.commune is None:
        return []
    query = (query or "").strip()
    if is_postcode(query):
        return reference_cache.get(
            ("postcode-homonyms", query, origin.commune.pk),
            lambda: list(
                Commune.objects.in_programme()
                .search(query)
                .exclude(pk=origin.commune.pk)
                .order_by("name")[:MAX_HOMONYMS]
            ),
        )
    key = normalize_name(query)
    if not key or any(c.isdigit() for c in query):
        return []
    return reference_cache.get(
        ("homonyms", key, origin.commune.pk),
        lambda: list(
            Commune.objects.in_programme()
            .filter(search_name=key)
            .exclude(pk=origin.commune.pk)
            .order_by("-population")[:5]
        ),
    )


def _origin_resolve(
    *, query: str = "", commune_code: str = "", latitude=None, longitude=None
) -> Origin | None:
    communes = Commune.objects.in_programme()
    if commune_code:
        commune = communes.filter(code_insee=commune_code).first()
        if commune:
            return _origin_of_commune(commune)
    if query:
        if (query.isdigit() and len(query) != 5) or len(query) < 2:
            return None  # a postcode has 5 digits; one letter names no commune
        commune = communes.search(query, words=True).first()
        if commune is None and len(query) == 5:  # not a postcode: an INSEE code (2A004…)?
            commune = communes.filter(code_insee=query.upper()).first()
            if commune:
                return _origin_of_commune(commune)
        if commune is None:
            return None
        label = f"{commune.name} ({query})" if query.isdigit() else commune.label
        return _origin_of_commune(commune, label)
    if latitude is not None and longitude is not None:
        commune = nearest_commune(latitude, longitude)
        label = f"votre position ({commune.name})" if commune else "votre position"
        return Origin(label, latitude, longitude, zone_id_of(commune and commune.epci_id), commune)
    return None
