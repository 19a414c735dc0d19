"""Who may see and act on host sites.

- the site manager sees and edits their own sites, proposes / resubmits, activates once validated;
- an ARS agent sees, edits and moves through the workflow the sites of their region;
- national steering sees every site (read-only), the admin does everything;
- CDOM and CPAM agents see the sites of their département, read-only;
- the manager's messages to the ARS and the status history's authors and comments are the
  correspondence of the manager with the ARS: the manager, the region's ARS and the admin read
  them, the other agents do not.
"""

from renfort.accounts.models import Role
from renfort.accounts.permissions import (
    can_see_departement,
    has_role,
    territory_filters,
)

from .models import SiteStatus

AGENT_LIST_ROLES = (
    Role.ARS_AGENT,
    Role.CDOM_AGENT,
    Role.CPAM_AGENT,
    Role.NATIONAL,
    Role.ADMIN,
)


def can_view_site(user, site) -> bool:
    """Full (non-public) view: the manager, agents whose territory holds the site."""
    if has_role(user, Role.SITE_MANAGER):
        return site.manager_id == user.pk
    if site.status == SiteStatus.UNCONFIRMED:  # not sent by its manager yet
        return False
    return can_see_departement(user, site.departement_id, site.region_id)


def can_edit_site(user, site) -> bool:
    if has_role(user, Role.SITE_MANAGER):
        return site.manager_id == user.pk
    if site.status == SiteStatus.UNCONFIRMED:  # not sent by its manager yet
        return False
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.ARS_AGENT) and user.region_id == site.region_id


def can_read_site_correspondence(user, site) -> bool:
    """The manager's messages to the ARS, the comments and authors of the status history."""
    return can_edit_site(user, site)


def can_act_on_site(user, site) -> bool:
    """Territory check for workflow transitions (the Workflow checks the role)."""
    return can_edit_site(user, site)


def can_declare_for_manager(user) -> bool:
    return has_role(user, Role.ARS_AGENT, Role.ADMIN)


def agent_scope(user) -> dict:
    """Queryset filters restricting agent lists to the user's territory."""
    return territory_filters(user, region="region_id")
