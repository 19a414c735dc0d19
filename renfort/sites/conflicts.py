"""What a change of a site would take away from the missions planned there (closure, weekly
opening days, public holidays, rooms, housing). One refusal for every change: the missions
listed, and what the person who asks can do about them (see docs/sites.md)."""

from django.core.exceptions import ValidationError

from renfort.core.text import count

from . import opening
from .models import Site
from .selectors import (
    Overload,
    bed_overloads,
    housing_beds,
    missions_during_closure,
    missions_losing_opening,
    planned_missions,
    room_overloads,
)

LISTED = 5  # missions named in a refusal; the others are counted


def mission_label(mission) -> str:
    """« le 12/03/2026 (matin, Dr Camille Exemple, confirmée) »."""
    return (
        f"le {mission.date:%d/%m/%Y} ({mission.get_period_display().lower()}, {mission.doctor}, "
        f"{mission.get_status_display().lower()})"
    )


def planned_missions_refusal(
    missions: list, *, actor, intro: str, goal: str, then: str, surplus: bool = False
) -> ValidationError:
    """« {intro} : {missions}. Pour {goal}, {what to do} ; puis {then}. » The actor is told to
    cancel the missions they may cancel (from the mission's page, which tells the doctor and
    the booked patients) and to write to the ARS about the others. `surplus`: only some of
    the missions stand in the way (rooms, beds), the actor chooses which ones to cancel."""
    from renfort.planning.models import MISSION_WORKFLOW, MissionStatus

    listed = " ; ".join(mission_label(m) for m in missions[:LISTED])
    more = f" et {len(missions) - LISTED} autres" if len(missions) > LISTED else ""
    cancellable = [
        m
        for m in missions
        if MissionStatus.CANCELLED in MISSION_WORKFLOW.targets(m.status, actor.role)
    ]
    steps = []
    if cancellable:
        if len(cancellable) < len(missions):
            which = (
                "des missions acceptées ou confirmées"
                if surplus
                else "les missions acceptées ou confirmées"
            )
        elif surplus:
            which = "les missions en trop"
        else:
            which = "cette mission" if len(missions) == 1 else "ces missions"
        page = "sa page" if which == "cette mission" else "leur page"
        steps.append(
            f"annulez d'abord {which} depuis {page} (le médecin et les patients ayant réservé "
            "sont prévenus)"
        )
    if len(cancellable) < len(missions):
        steps.append(
            "les missions proposées ne peuvent être annulées que par l'ARS ou déclinées par le "
            "médecin : écrivez à l'ARS depuis votre espace"
        )
    return ValidationError(
        f"{intro} : {listed}{more}. Pour {goal}, {' ; '.join(steps)} ; puis {then}.",
        code="missions_planned",
    )


def closure_check(site: Site, actor, start, end, period: str) -> None:
    """A closure never falls silently on a planned mission (and its booked patients)."""
    missions = missions_during_closure(site, start, end, period)
    if missions:
        raise planned_missions_refusal(
            missions,
            actor=actor,
            intro="Cette fermeture tombe sur "
            + count(len(missions), "mission prévue", "missions prévues")
            + " au lieu",
            goal="fermer le lieu ces jours-là",
            then="enregistrez la fermeture",
        )


def status_check(site: Site, actor, to_status: str) -> None:
    """A site is never suspended or closed under its planned missions: the doctors would come
    to a closed door and the booked patients would keep their appointments."""
    from .models import SiteStatus

    if site.status != SiteStatus.ACTIVE or to_status == SiteStatus.ACTIVE:
        return
    missions = list(planned_missions(site))
    if missions:
        label = dict(SiteStatus.choices)[to_status].lower()
        raise planned_missions_refusal(
            missions,
            actor=actor,
            intro=count(len(missions), "mission est prévue", "missions sont prévues") + " au lieu",
            goal=f"le passer au statut « {label} »",
            then="changez son statut",
        )


def opening_check(site: Site, actor, rules: opening.OpeningRules, *, then: str) -> None:
    """New opening rules (weekly pattern, public holidays, an extra opening deleted) never
    close a half-day a planned mission stands on."""
    missions = missions_losing_opening(site, rules)
    if missions:
        raise planned_missions_refusal(
            missions,
            actor=actor,
            intro="Ce changement ferme des demi-journées où "
            + count(len(missions), "mission est prévue", "missions sont prévues")
            + " au lieu",
            goal="fermer ces demi-journées",
            then=then,
        )


def _involved(overloads: list[Overload]) -> list:
    seen: dict[int, object] = {}
    for overload in overloads:
        for mission in overload.missions:
            seen.setdefault(mission.pk, mission)
    return sorted(seen.values(), key=lambda m: (m.date, m.pk))


def capacity_check(site: Site, actor, *, rooms: int, beds: int) -> None:
    """Fewer rooms, fewer beds or no more housing never leave planned missions without the room
    or the bed they count on: the crowded dates are named, with their missions. Only a
    reduction is checked (an unrelated edit is never refused)."""
    errors = {}
    if rooms < site.rooms and (crowded := room_overloads(site, rooms)):
        summary = " ; ".join(
            f"{count(len(o.missions), 'mission', 'missions')} {o.when}" for o in crowded
        )
        errors["rooms"] = planned_missions_refusal(
            _involved(crowded),
            actor=actor,
            intro=f"Avec {count(rooms, 'salle', 'salles')}, le lieu ne peut plus recevoir toutes "
            f"les missions prévues ({summary}). Missions concernées",
            goal="réduire le nombre de salles",
            then="enregistrez la modification",
            surplus=True,
        )
    current_beds = housing_beds(site)
    if beds < current_beds and (crowded := bed_overloads(site, beds)):
        summary = " ; ".join(
            f"{count(len(o.missions), 'médecin hébergé', 'médecins hébergés')} {o.when}"
            for o in crowded
        )
        errors["housing" if beds == 0 else "housing_beds"] = planned_missions_refusal(
            _involved(crowded),
            actor=actor,
            intro=("Sans hébergement" if beds == 0 else f"Avec {count(beds, 'lit', 'lits')}")
            + f", le lieu ne peut plus loger tous les médecins attendus ({summary}). "
            "Missions concernées",
            goal="retirer l'hébergement" if beds == 0 else "réduire le nombre de lits",
            then="enregistrez la modification",
            surplus=True,
        )
    if errors:
        raise ValidationError(errors)
