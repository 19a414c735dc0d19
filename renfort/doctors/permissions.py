"""Who may see and act on volunteer doctors.

- a doctor sees and edits only their own record (the space), withdraws, pauses and resumes;
- CDOM and CPAM agents see the volunteers practising in their département and act on them;
- an ARS agent sees and acts on the volunteers of their region, and sees (read-only) the
  volunteers of other regions who have missions at the sites of their region;
- national steering sees every volunteer (read-only); the admin does everything.

The role allowed for each transition is declared in `ONBOARDING_WORKFLOW` (models.py); these
functions add the territory.
"""

from django.db.models import Q

from renfort.accounts.models import Role
from renfort.accounts.permissions import has_role, is_national, territory_filters

AGENT_LIST_ROLES = (
    Role.ARS_AGENT,
    Role.CDOM_AGENT,
    Role.CPAM_AGENT,
    Role.NATIONAL,
    Role.ADMIN,
)


def doctor_region_code(doctor) -> str | None:
    return doctor.departement.region_id if doctor.departement_id else None


def _holds_practice(user, doctor) -> bool:
    """The doctor themselves, or an agent whose territory holds the doctor's practice."""
    if has_role(user, Role.DOCTOR):
        return doctor.user_id == user.pk
    if doctor.awaiting_confirmation:  # not sent by its author yet: nobody else sees it
        return False
    if is_national(user):
        return True
    if has_role(user, Role.ARS_AGENT):
        return user.region_id == doctor_region_code(doctor)
    if has_role(user, Role.CDOM_AGENT, Role.CPAM_AGENT):
        return user.departement_id == doctor.departement_id
    return False


def is_planned_in_region(doctor, region_code: str | None) -> bool:
    """The doctor has missions at sites of the region: published ones (any status but draft),
    or drafts of the region's own planning runs or of a national run (both shown on the
    region's planning page)."""
    if not region_code:
        return False
    return (
        doctor.missions.filter(site__region_id=region_code)
        .filter(
            ~Q(status="draft")
            | Q(run__region_id=region_code)
            | Q(run__isnull=False, run__region__isnull=True)
        )
        .exists()
    )


def can_view_doctor(user, doctor) -> bool:
    """The doctor themselves, an agent whose territory holds the doctor's practice, or an ARS
    agent of a region where the doctor has missions (to follow them; read-only)."""
    if _holds_practice(user, doctor):
        return True
    return has_role(user, Role.ARS_AGENT) and is_planned_in_region(doctor, user.region_id)


def can_act_on_doctor(user, doctor) -> bool:
    """Territory check for workflow transitions (the Workflow checks the role): the status of a
    volunteer stays with the agents of the practice's territory (never national steering)."""
    if has_role(user, Role.NATIONAL):
        return False
    return _holds_practice(user, doctor)


def can_edit_doctor(user, doctor) -> bool:
    """Availabilities, territory and preferences: the doctor (and the admin)."""
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.DOCTOR) and doctor.user_id == user.pk


def agent_scope(user) -> dict:
    """Queryset filters restricting agent lists to the user's territory."""
    return territory_filters(user, region="departement__region_id")
