"""Who may plan and act on missions.

- an ARS agent plans the region they belong to; national steering and the admin plan any region
  and the whole country;
- a doctor acts only on their own missions, a site manager only on their site's missions.
"""

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role, is_national

from .models import MissionStatus

PLANNER_ROLES = (Role.ARS_AGENT, Role.NATIONAL, Role.ADMIN)


def can_plan_region(user, region_code: str | None) -> bool:
    """None as region means the whole country: national steering and admin only."""
    if is_national(user):
        return True
    return (
        has_role(user, Role.ARS_AGENT)
        and region_code is not None
        and (user.region_id == region_code)
    )


def can_act_on_mission(user, mission) -> bool:
    """The doctor and the site manager only know of their missions once published (a draft,
    or a draft the ARS removed, was never shown to them: its pages and actions are 404)."""
    if has_role(user, Role.DOCTOR, Role.SITE_MANAGER):
        own = (
            mission.doctor.user_id == user.pk
            if has_role(user, Role.DOCTOR)
            else mission.site.manager_id == user.pk
        )
        return own and _published(mission)
    return can_plan_region(user, mission.site.region_id)


def _published(mission) -> bool:
    """As `MissionQuerySet.published()`: only a cancelled mission needs the database (was it a
    draft the ARS removed, or a published mission cancelled later?)."""
    if mission.status == MissionStatus.DRAFT:
        return False
    if mission.status != MissionStatus.CANCELLED:
        return True
    return type(mission).objects.published().filter(pk=mission.pk).exists()


def can_view_mission(user, mission) -> bool:
    return can_act_on_mission(user, mission)
