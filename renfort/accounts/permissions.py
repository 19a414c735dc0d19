"""Who may see and do what. Every view and API endpoint goes through these functions."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest

from .models import Role, User

NATIONAL_ROLES = frozenset({Role.NATIONAL, Role.ADMIN})


def has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def is_national(user) -> bool:
    return has_role(user, *NATIONAL_ROLES)


def can_see_region(user, region_code: str | None) -> bool:
    """ARS agents see their region; national steering and admins see all regions."""
    if is_national(user):
        return True
    return (
        has_role(user, Role.ARS_AGENT)
        and region_code is not None
        and (user.region_id == region_code)
    )


def can_see_departement(user, departement_code: str | None, region_code: str | None) -> bool:
    """CDOM/CPAM agents see their département, ARS agents their region, national all."""
    if can_see_region(user, region_code):
        return True
    return (
        has_role(user, Role.CDOM_AGENT, Role.CPAM_AGENT)
        and departement_code is not None
        and user.departement_id == departement_code
    )


def territory_filter_check(user, *, region: str = "", departement: str = "") -> None:
    """A list filter naming a region or a département outside the user's scope is refused (403
    in French), and an unknown one is a bad request (400 saying so), rather than silently
    showing an empty list under the user's own area."""
    from renfort.territories.models import Departement, Region

    own_departement = getattr(user, "departement", None)
    if region:
        if not Region.objects.filter(pk=region).exists():
            raise BadRequest("Région inconnue : choisissez-la dans la liste.")
        if not (
            can_see_region(user, region)
            or (own_departement is not None and own_departement.region_id == region)
        ):
            raise PermissionDenied("Cette région n'est pas dans votre périmètre.")
    if departement:
        found = Departement.objects.filter(pk=departement).first()
        if found is None:
            raise BadRequest("Département inconnu : choisissez-le dans la liste.")
        if not can_see_departement(user, found.code, found.region_id):
            raise PermissionDenied("Ce département n'est pas dans votre périmètre.")
        if region and found.region_id != region:
            raise BadRequest(
                "Ce département n'est pas dans la région choisie : changez l'un des deux filtres."
            )


def listed_filter_check(value: str, allowed, message: str) -> None:
    """A list filter with a value its list never offers (a status, a kind…) is a bad request
    (400 with `message`, in French), rather than an empty list under a misleading title."""
    if value and value not in allowed:
        raise BadRequest(message)


def can_manage_zones_of_region(user, region_code: str | None) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.ARS_AGENT) and user.region_id == region_code


def region_codes_in_scope(user: User) -> set[str] | None:
    """None means every region (national scope)."""
    if is_national(user):
        return None
    if has_role(user, Role.ARS_AGENT):
        return {user.region_id}
    if has_role(user, Role.CDOM_AGENT, Role.CPAM_AGENT):
        return {user.departement.region_id}
    return set()


def agent_territory(user) -> tuple:
    """(region, département, label) of an agent's lists: an ARS agent's region, a CDOM or
    CPAM agent's département, or « France entière »."""
    region = user.region if has_role(user, Role.ARS_AGENT) else None
    departement = user.departement if has_role(user, Role.CDOM_AGENT, Role.CPAM_AGENT) else None
    if region:
        return region, departement, f"Région {region.name}"
    if departement:
        return region, departement, f"Département {departement}"
    return region, departement, "France entière"


def shown_territory_label(user, *, region: str = "", departement: str = "") -> str:
    """The label of what an agent's list shows: the département or region chosen in its
    filters (already checked to be in the user's territory), else the user's territory."""
    from renfort.territories.models import Departement, Region

    _, own_departement, label = agent_territory(user)
    if own_departement is not None:  # a CDOM or a CPAM: its département, whatever the filters
        return label
    if departement and (chosen := Departement.objects.filter(pk=departement).first()):
        return f"Département {chosen}"
    if region and (chosen := Region.objects.filter(pk=region).first()):
        return f"Région {chosen.name}"
    return label


def territory_filters(
    user, *, region: str = "region_id", departement: str = "departement_id"
) -> dict:
    """Queryset filters restricting an agent list to the user's territory (national: none;
    ARS: the region; CDOM/CPAM: the département; anyone else: nothing)."""
    if is_national(user):
        return {}
    if has_role(user, Role.ARS_AGENT):
        return {region: user.region_id}
    if has_role(user, Role.CDOM_AGENT, Role.CPAM_AGENT):
        return {departement: user.departement_id}
    return {"pk__in": []}


def role_required(*roles: str) -> Callable:
    """View decorator: anonymous users go to the login page, wrong roles get a 403."""
    allowed: Iterable[str] = roles

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *allowed):
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
