"""Who may see and act on appointments (patients act through their secret link, not here).

- the site manager sees and manages the appointments of their own sites;
- a doctor sees and manages the appointments of their own missions;
- an ARS agent sees the day views of the sites of their region, read-only and without the
  patients: times and statuses, no name, no contact, no health information (reason, priority
  patient); national steering sees every region the same way; the admin does everything;
- anyone else gets a 403 (or a 404 for an object outside their scope).
"""

from renfort.accounts.models import Role
from renfort.accounts.permissions import can_see_region, has_role

DAY_VIEW_ROLES = (Role.SITE_MANAGER, Role.DOCTOR, Role.ARS_AGENT, Role.NATIONAL, Role.ADMIN)


def doctor_of(user):
    return getattr(user, "doctor", None) if has_role(user, Role.DOCTOR) else None


def can_view_site_day(user, site) -> bool:
    """The day view of a site (a doctor sees it only for their own missions: see selectors)."""
    if has_role(user, Role.ADMIN):
        return True
    if has_role(user, Role.SITE_MANAGER):
        return site.manager_id == user.pk
    if has_role(user, Role.DOCTOR):
        return doctor_of(user) is not None
    return can_see_region(user, site.region_id)


def can_manage_mission_day(user, mission) -> bool:
    """Mark appointments, cancel them, add a walk-in patient."""
    if has_role(user, Role.ADMIN):
        return True
    if has_role(user, Role.SITE_MANAGER):
        return mission.site.manager_id == user.pk
    doctor = doctor_of(user)
    return doctor is not None and mission.doctor_id == doctor.pk


def can_manage_appointment(user, appointment) -> bool:
    return can_manage_mission_day(user, appointment.mission)


def can_view_mission_day(user, mission) -> bool:
    """The user sees this mission's day (read-only or not); outside it, a refusal is a 404."""
    if can_manage_mission_day(user, mission):
        return True
    return has_role(user, Role.ARS_AGENT, Role.NATIONAL) and can_see_region(
        user, mission.site.region_id
    )


def sees_patients(user, mission) -> bool:
    """Who the patients of this mission's day are — names, contact in full (to call a late
    patient), reason, « priorité » badge: only the people who receive them (the host site's
    manager, the mission's doctor, admin). The read-only roles (ARS agents of the region,
    national steering) see the day's figures: each appointment's time and status, never who."""
    return can_manage_mission_day(user, mission)


def sees_health_information(user, mission) -> bool:
    """The reason of the visit and whether the patient has no médecin traitant or is in ALD
    (the « priorité » badge) are health information: the same people as sees_patients."""
    return sees_patients(user, mission)
