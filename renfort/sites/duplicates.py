"""A site declared twice by its manager (two tabs, a reloaded form): found by name, whatever
the case and spaces, in the same commune, and refused with a link to the first one."""

from django.core.exceptions import ValidationError

from renfort.accounts.models import User
from renfort.core.text import lower_first
from renfort.territories.models import Commune

from .models import Site, SiteStatus


class DuplicateSite(ValidationError):
    """A site its manager already has (`duplicate_of`): `site` is the one to open instead."""

    def __init__(self, message: str, site: Site):
        super().__init__({"name": [message]})
        self.site = site


def _same_name(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def duplicate_of(*, manager: User, name: str, commune: Commune) -> Site | None:
    """The site of this manager with this name (whatever the case and spaces) in this commune,
    not closed: declaring it again would make a second one (two tabs, a reloaded form)."""
    wanted = _same_name(name)
    sites = (
        Site.objects.managed_by(manager).filter(commune=commune).exclude(status=SiteStatus.CLOSED)
    )
    return next((site for site in sites.order_by("pk") if _same_name(site.name) == wanted), None)


def refuse_duplicate(site: Site, *, by_ars: bool) -> None:
    where = f"« {site.name} » à {site.commune.name} ({lower_first(site.get_status_display())})"
    if by_ars:
        raise DuplicateSite(
            f"Ce gestionnaire a déjà déclaré ce lieu : {where}. Ouvrez sa fiche plutôt que de "
            "le déclarer une seconde fois.",
            site,
        )
    raise DuplicateSite(
        f"Vous avez déjà déclaré ce lieu : {where}. Modifiez-le plutôt que de le déclarer une "
        "seconde fois.",
        site,
    )
