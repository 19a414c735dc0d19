"""Greedy baseline: what a hand-matcher does.

Volunteers in id order; for each of their available dates in order, the nearest reachable site
still open with a free room (and a free bed when needed), a FULL day when possible, until the
volunteer's cap is reached. It uses the same pre-filtered candidates as CP-SAT, so its plan is
a feasible CP-SAT solution (used as the solver's starting hint).
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from .candidates import PERIOD_ORDER, Candidate, Prepared, prepare
from .explain import build_result, fixed_as_missions
from .model import HALF_DAYS, HALVES, PlanningProblem, PlanningResult, SolveStatus
from .objective import (
    CONSECUTIVE_BONUS,
    PREFERRED_SITE_BONUS,
    ZONE_SEGMENTS,
    ZONELESS_HALF_DAY,
    need_scale,
    travel_cost,
    week_key,
    week_value,
    zone_half_days_already,
    zone_marginal,
)


def greedy_choose(prep: Prepared) -> list[int]:
    """Indices of the chosen candidates."""
    candidates = prep.candidates
    options: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    for i, c in enumerate(candidates):
        options[c.volunteer_id][c.date].append(i)
    room_left = dict(prep.room_left)
    beds_left = dict(prep.beds_left)
    chosen: list[int] = []
    for volunteer_id in sorted(options):
        left = prep.remaining[volunteer_id]
        for day in sorted(options[volunteer_id]):
            ordered = sorted(
                options[volunteer_id][day],
                key=lambda i: (
                    candidates[i].travel,
                    candidates[i].site_id,
                    PERIOD_ORDER[candidates[i].period],
                ),
            )
            for i in ordered:
                c = candidates[i]
                if c.half_days > left:
                    continue
                rooms = [(c.site_id, c.date, half) for half in HALVES[c.period]]
                if any(room_left[key] < 1 for key in rooms):
                    continue
                if c.housing and beds_left[(c.site_id, c.date)] < 1:
                    continue
                for key in rooms:
                    room_left[key] -= 1
                if c.housing:
                    beds_left[(c.site_id, c.date)] -= 1
                left -= c.half_days
                chosen.append(i)
                break
            if left <= 0:
                break
    return chosen


def solve_greedy(problem: PlanningProblem) -> PlanningResult:
    """Baseline plan. It proves nothing: best_bound equals its objective and gap is 0."""
    started = time.perf_counter()
    prep = prepare(problem)
    chosen = greedy_choose(prep)
    return build_result(
        prep, chosen, SolveStatus.FEASIBLE, None, started, {"candidates": len(prep.candidates)}
    )


def value_greedy_choose(prep: Prepared, first: Sequence[int] = ()) -> list[int]:
    """Stronger heuristic used as the CP-SAT starting point: take the `first` candidates that
    fit (e.g. the LP relaxation's, rounded), then repeatedly the candidate with the largest
    objective gain (lazy re-evaluation; gains only shrink as the plan fills up)."""
    candidates = prep.candidates
    zone_half: dict[int, int] = {
        zone_id: zone_half_days_already(zone) for zone_id, zone in prep.zones.items()
    }
    week_half: dict[tuple, int] = defaultdict(int)
    stays: set[tuple] = set()
    for mission in fixed_as_missions(prep):
        zone_id = prep.site_zone(mission.site_id)
        if zone_id is not None:
            zone_half[zone_id] += HALF_DAYS[mission.period]
            week_half[(zone_id, week_key(mission.date))] += HALF_DAYS[mission.period]
        volunteer = prep.volunteers.get(mission.volunteer_id)
        if volunteer is not None and volunteer.needs_housing:
            stays.add((mission.volunteer_id, mission.site_id, mission.date))
    marginals = {
        zone_id: [0] + [zone_marginal(need_scale(zone), k) for k in range(1, ZONE_SEGMENTS + 1)]
        for zone_id, zone in prep.zones.items()
    }
    linear = [
        -travel_cost(c.travel) + (PREFERRED_SITE_BONUS if c.preferred else 0) for c in candidates
    ]

    def gain(i: int) -> int:
        c = candidates[i]
        value = linear[i]
        if c.zone_id is None:
            value += ZONELESS_HALF_DAY * c.half_days
        else:
            h = zone_half[c.zone_id]
            table = marginals[c.zone_id]
            value += sum(table[min(k, ZONE_SEGMENTS)] for k in range(h + 1, h + c.half_days + 1))
            w = week_half[(c.zone_id, week_key(c.date))]
            value += week_value(w, w + c.half_days)
        if c.housing:
            for delta in (-1, 1):
                if (c.volunteer_id, c.site_id, c.date + timedelta(days=delta)) in stays:
                    value += CONSECUTIVE_BONUS
        return value

    room_left = dict(prep.room_left)
    beds_left = dict(prep.beds_left)
    left = dict(prep.remaining)
    busy: set[tuple] = set()

    def feasible(c: Candidate) -> bool:
        return (
            c.half_days <= left[c.volunteer_id]
            and (c.volunteer_id, c.date) not in busy
            and all(room_left[(c.site_id, c.date, half)] >= 1 for half in HALVES[c.period])
            and (not c.housing or beds_left[(c.site_id, c.date)] >= 1)
        )

    chosen: list[int] = []

    def take(i: int) -> None:
        c = candidates[i]
        chosen.append(i)
        left[c.volunteer_id] -= c.half_days
        busy.add((c.volunteer_id, c.date))
        for half in HALVES[c.period]:
            room_left[(c.site_id, c.date, half)] -= 1
        if c.housing:
            beds_left[(c.site_id, c.date)] -= 1
            stays.add((c.volunteer_id, c.site_id, c.date))
        if c.zone_id is not None:
            zone_half[c.zone_id] += c.half_days
            week_half[(c.zone_id, week_key(c.date))] += c.half_days

    for i in first:
        if feasible(candidates[i]):
            take(i)
    heap = [(-gain(i), i) for i in range(len(candidates))]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        if not feasible(candidates[i]):
            continue
        current = gain(i)
        if heap and -current > heap[0][0]:
            heapq.heappush(heap, (-current, i))
            continue
        if current <= 0:
            break
        take(i)
    return chosen
