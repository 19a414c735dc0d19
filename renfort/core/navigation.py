"""Main navigation. Entries whose URL is not (yet) installed are skipped."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from renfort.accounts.models import Role

ANYONE = None


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str] | None = ANYONE  # None: shown to everyone
    anonymous_only: bool = False


AGENTS = frozenset({Role.ARS_AGENT, Role.CDOM_AGENT, Role.CPAM_AGENT, Role.NATIONAL, Role.ADMIN})
PLANNERS = frozenset({Role.ARS_AGENT, Role.NATIONAL, Role.ADMIN})

ENTRIES = (
    NavEntry("Accueil", "core:home"),
    NavEntry("Zones prioritaires", "zoning:list"),
    NavEntry("Carte", "zoning:map"),
    NavEntry("Lieux d'accueil", "sites:public_map"),
    NavEntry("Prendre rendez-vous", "booking:search"),
    NavEntry("Devenir volontaire", "doctors:signup", anonymous_only=True),
    NavEntry("Mon espace médecin", "doctors:space", frozenset({Role.DOCTOR})),
    NavEntry("Mes missions", "planning:doctor_missions", frozenset({Role.DOCTOR})),
    NavEntry("Mon lieu d'accueil", "sites:manager_space", frozenset({Role.SITE_MANAGER})),
    NavEntry("Missions du lieu", "planning:site_missions", frozenset({Role.SITE_MANAGER})),
    NavEntry(
        "Agenda des consultations", "booking:agenda", frozenset({Role.SITE_MANAGER, Role.DOCTOR})
    ),
    NavEntry("À traiter", "planning:todo", PLANNERS),
    NavEntry("Volontaires", "doctors:agent_list", AGENTS),
    NavEntry("Suivi des lieux", "sites:agent_list", AGENTS),
    NavEntry("Planification", "planning:index", PLANNERS),
)


def nav_items(request) -> list[dict]:
    user = request.user
    role = user.role if user.is_authenticated else None
    current = request.path
    items = []
    for entry in ENTRIES:
        if entry.anonymous_only and user.is_authenticated:
            continue
        if entry.roles is not None and role not in entry.roles:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "link": url, "active": False})
    # Only the most specific entry is current (/zones/carte/ is « Carte », not « Zones »).
    matches = [
        i
        for i in items
        if current == i["link"] or (i["link"] != "/" and current.startswith(i["link"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["link"]))["active"] = True
    return items
