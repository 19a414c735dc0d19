"""Who may see and do what on the priority zones.

- everyone sees the current zones, their source and history;
- the working note of a zone (data preparation, « à vérifier ») is for agents only: the ARS of
  the zone's region, national steering and the admin;
- ARS agents add and remove the zones of their region, the admin any zone; national steering
  looks at every region without changing anything.
"""

from renfort.accounts.permissions import can_manage_zones_of_region, can_see_region

__all__ = ["can_manage_zones_of_region", "can_see_zone_note"]


def can_see_zone_note(user, zone) -> bool:
    return can_see_region(user, zone.epci.region_id)
