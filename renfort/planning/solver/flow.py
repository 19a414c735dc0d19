"""Min-cost-flow relaxation of the planning: an upper bound and a good plan in a few seconds.

The unit of flow is a half-day. Network (see docs/decisions/0010-planning-objective.md):

    source → volunteer (capacity: half-days left under the cap)
      → (volunteer, date, half) (capacity 1, only for halves the volunteer may work)
      → [housing only: (site, date, half) bed node, capacity beds]
      → (site, date, half) room node (capacity rooms)
      → (zone, ISO week) node → zone node → sink, or straight to the sink for a site outside
        the zones.

The concave terms (zone coverage, spread over the weeks) are parallel arcs with decreasing
gains, so they are exact in a min-cost flow. A bypass arc source → sink lets the flow amount
be free. Every feasible plan maps to a flow whose value is at least the plan's objective
(travel and preferences are charged per half-day, see `_Graph`; the consecutive-days bonus is
bounded apart), so the optimum of the flow plus that bonus bound is an upper bound.

The integral optimal flow is then repaired into a plan and improved locally (repair.py).
Further rounds re-solve the flow on what is left (capacity, volunteers' free dates) while time
allows.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from datetime import timedelta

import numpy as np
from ortools.graph.python import min_cost_flow

from .candidates import Prepared
from .explain import fixed_as_missions
from .model import Period
from .objective import (
    CONSECUTIVE_BONUS,
    WEEK_BONUS,
    ZONE_SEGMENTS,
    ZONELESS_HALF_DAY,
    evaluate,
    need_scale,
    week_key,
    zone_marginal,
)
from .repair import FlowOutcome, Pair, _Builder, _initial_state, _pairs, _State

SCALE = 2  # flow costs are doubled so that half a mission's value stays an integer
MAX_ROUNDS = 8
MAX_UNSPLIT = 6  # re-solves that forbid the flow's splits, before the repair (time allowing)


class _Graph:
    """The network's static part (one arc per pair and half), built once with numpy; every
    solve masks it with the current state (capacities left, busy dates)."""

    def __init__(self, prep: Prepared, pairs: list[Pair]) -> None:
        self.prep = prep
        self.pairs = pairs
        self.last_arcs = 0  # decision arcs of the last solve
        # Pairs the flow may no longer use (see `unsplit`): heuristic, after the bound's solve.
        self.banned = np.zeros(len(pairs), dtype=bool)
        self.volunteer_ids = sorted(prep.volunteers)
        vindex = {v: k for k, v in enumerate(self.volunteer_ids)}
        site_ids = sorted(prep.sites)
        sindex = {site_id: k for k, site_id in enumerate(site_ids)}
        first = prep.first.toordinal()
        days = 1 + prep.last.toordinal() - first
        housing = {v for v, volunteer in prep.volunteers.items() if volunteer.needs_housing}
        zoneless = {site_id for site_id in site_ids if prep.site_zone(site_id) is None}
        n = len(pairs)
        p_vol = np.fromiter((vindex[q.volunteer_id] for q in pairs), np.int64, n)
        p_site = np.fromiter((sindex[q.site_id] for q in pairs), np.int64, n)
        p_day = np.fromiter((q.date.toordinal() - first for q in pairs), np.int64, n)
        p_full = np.fromiter((q.full >= 0 for q in pairs), bool, n)
        p_morning = p_full | np.fromiter((q.morning >= 0 for q in pairs), bool, n)
        p_afternoon = p_full | np.fromiter((q.afternoon >= 0 for q in pairs), bool, n)
        p_value = np.fromiter((q.value for q in pairs), np.int64, n)
        p_housing = np.fromiter((q.volunteer_id in housing for q in pairs), bool, n)
        p_zoneless = np.fromiter((q.site_id in zoneless for q in pairs), bool, n)
        # Scaled value of one half-day of a pair, with c = preference bonus − travel cost of one
        # mission: c/2 (i.e. c at SCALE 2) when the pair allows a FULL day and c ≤ 0, else c.
        # It is ≥ what any mission of the pair earns per half-day it uses: a FULL mission
        # earns c for 2 half-days, a half-day mission c for one.
        half_value = np.where(p_full & (p_value <= 0), p_value, SCALE * p_value)
        half_value += SCALE * ZONELESS_HALF_DAY * p_zoneless
        morning, afternoon = np.flatnonzero(p_morning), np.flatnonzero(p_afternoon)
        self.pair_k = np.concatenate([morning, afternoon])
        self.half_k = np.concatenate(
            [np.zeros(morning.size, np.int8), np.ones(afternoon.size, np.int8)]
        )
        k, h = self.pair_k, self.half_k.astype(np.int64)
        self.vol = p_vol[k]
        self.value = half_value[k]
        room_code = (p_site[k] * days + p_day[k]) * 2 + h
        codes, self.room = np.unique(room_code, return_inverse=True)
        self.room_keys = [
            (
                site_ids[int(c) // (2 * days)],
                prep.first.fromordinal(first + (int(c) // 2) % days),
                Period.MORNING if c % 2 == 0 else Period.AFTERNOON,
            )
            for c in codes
        ]
        vdate_code = (p_vol[k] * days + p_day[k]) * 2 + h
        codes, self.vdate = np.unique(vdate_code, return_inverse=True)
        self.vdate_vol = codes // (2 * days)
        self.vdate_day = [
            (
                self.volunteer_ids[int(c) // (2 * days)],
                prep.first.fromordinal(first + (int(c) // 2) % days),
            )
            for c in codes
        ]
        self.bed = np.where(p_housing[k], self.room, -1)  # a bed node per room-half
        self.room_zone = [prep.site_zone(site_id) for site_id, _, _ in self.room_keys]

    def _open(self, state: _State):
        """Capacities left and the decision arcs still open in this state."""
        remaining = np.array([state.remaining[v] for v in self.volunteer_ids], dtype=np.int64)
        room_left = np.array([state.room_left.get(k, 0) for k in self.room_keys], dtype=np.int64)
        bed_left = np.array(
            [state.beds_left.get(k[:2], 0) for k in self.room_keys] + [1], dtype=np.int64
        )
        busy = np.array([key in state.busy for key in self.vdate_day], dtype=bool)
        mask = (
            (remaining[self.vol] > 0)
            & ~busy[self.vdate]
            & (room_left[self.room] > 0)
            & (bed_left[self.bed] > 0)
            & ~self.banned[self.pair_k]
        )
        return remaining, room_left, bed_left, mask

    def open_arcs(self, state: _State) -> int:
        """How many decision arcs a solve in this state would have (its size)."""
        return int(np.count_nonzero(self._open(state)[3]))

    def solve(self, state: _State) -> tuple[int, list[tuple[int, Period]]]:
        """Optimal flow given the state: (scaled value, decisions (pair index, half))."""
        prep = self.prep
        remaining, room_left, bed_left, mask = self._open(state)
        arcs = np.flatnonzero(mask)
        self.last_arcs = int(arcs.size)
        if arcs.size == 0:
            return 0, []
        vols = np.unique(self.vol[arcs])
        vdates = np.unique(self.vdate[arcs])
        rooms = np.unique(self.room[arcs])
        beds_used = np.unique(self.bed[arcs])
        beds_used = beds_used[beds_used >= 0]
        # Node numbering: 0 source, 1 sink, then volunteers, volunteer-date-halves, rooms,
        # beds, (zone, week) and zones.
        n_vol, n_vd, n_room = len(self.volunteer_ids), len(self.vdate_day), len(self.room_keys)
        base_vd = 2 + n_vol
        base_room = base_vd + n_vd
        base_bed = base_room + n_room
        base_extra = base_bed + n_room
        head = np.where(self.bed[arcs] >= 0, base_bed + self.bed[arcs], base_room + self.room[arcs])
        tails = [
            base_vd + self.vdate[arcs],  # decisions first: their flows are read back
            np.zeros(vols.size, dtype=np.int64),
            2 + self.vdate_vol[vdates],
            base_bed + beds_used,
        ]
        heads = [head, 2 + vols, base_vd + vdates, base_room + beds_used]
        caps = [np.ones(arcs.size), remaining[vols], np.ones(vdates.size), bed_left[beds_used]]
        costs = [-self.value[arcs], np.zeros(vols.size), np.zeros(vdates.size)]
        costs.append(np.zeros(beds_used.size))
        total = int(remaining[vols].sum())
        extra: dict[tuple, int] = {}

        def node(key: tuple) -> int:
            return extra.setdefault(key, base_extra + len(extra))

        more_t, more_h, more_c, more_w = [], [], [], []
        zones: set[int] = set()
        weeks: set[tuple] = set()
        for r in rooms.tolist():
            site_id, day, _ = self.room_keys[r]
            zone_id = self.room_zone[r]
            more_t.append(base_room + r)
            more_c.append(int(room_left[r]))
            if zone_id is None:
                more_h.append(1)
            else:
                week = (zone_id, week_key(day))
                weeks.add(week)
                more_h.append(node(("w", *week)))
            more_w.append(0)
        for week in sorted(weeks):
            zones.add(week[0])
            for bonus in [*WEEK_BONUS[state.week_half[week] :], 0]:
                more_t.append(node(("w", *week)))
                more_h.append(node(("z", week[0])))
                more_c.append(1 if bonus else total)
                more_w.append(-SCALE * bonus)
        for zone_id in sorted(zones):
            scale = need_scale(prep.zones[zone_id])
            for k in range(state.zone_half[zone_id] + 1, ZONE_SEGMENTS + 1):
                more_t.append(node(("z", zone_id)))
                more_h.append(1)
                more_c.append(1)
                more_w.append(-SCALE * zone_marginal(scale, k))
            more_t.append(node(("z", zone_id)))
            more_h.append(1)
            more_c.append(total)
            more_w.append(-SCALE * zone_marginal(scale, ZONE_SEGMENTS))
        more_t.append(0)
        more_h.append(1)
        more_c.append(total)
        more_w.append(0)
        tails.append(np.array(more_t, dtype=np.int64))
        heads.append(np.array(more_h, dtype=np.int64))
        caps.append(np.array(more_c, dtype=np.int64))
        costs.append(np.array(more_w, dtype=np.int64))

        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails).astype(np.int32),
            np.concatenate(heads).astype(np.int32),
            np.concatenate(caps).astype(np.int64),
            np.concatenate(costs).astype(np.int64),
        )
        n_nodes = base_extra + len(extra)
        supplies = np.zeros(n_nodes, dtype=np.int64)
        supplies[0], supplies[1] = total, -total
        flow.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supplies)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        used = flow.flows(np.arange(arcs.size, dtype=np.int32))
        picked = arcs[used > 0]
        decisions = [
            (int(k), Period.MORNING if h == 0 else Period.AFTERNOON)
            for k, h in zip(self.pair_k[picked], self.half_k[picked], strict=True)
        ]
        return -flow.optimal_cost(), decisions


def splits(pairs: list[Pair], decisions: list[tuple[int, Period]]) -> list[list[int]]:
    """The flow's dates where a volunteer's morning and afternoon go to two sites: per such
    (volunteer, date), its pairs, best value first."""
    by_date: dict[tuple, set[int]] = defaultdict(set)
    for k, _ in decisions:
        by_date[(pairs[k].volunteer_id, pairs[k].date)].add(k)
    return [
        sorted(ks, key=lambda k: (-pairs[k].value, k))
        for _, ks in sorted(by_date.items())
        if len(ks) > 1
    ]


def unsplit(
    graph: _Graph, state: _State, decisions: list[tuple[int, Period]], until: float, seconds: float
) -> tuple[list[tuple[int, Period]], int]:
    """Re-solve the flow, each time forbidding the pairs of its splits but the best one, while
    splits remain and a solve (`seconds`) ends before `until`. A split costs the plan a half-day
    or an exchange the repair cannot find; the re-solve moves other volunteers around to avoid
    it. The ban is a heuristic: the bound comes from the first solve. Returns the last
    decisions and the number of re-solves."""
    solves = 0
    while solves < MAX_UNSPLIT and time.perf_counter() + seconds < until:
        found = splits(graph.pairs, decisions)
        if not found:
            break
        for ks in found:
            graph.banned[ks[1:]] = True
        tick = time.perf_counter()
        _, decisions = graph.solve(state)
        seconds = max(seconds, time.perf_counter() - tick)
        solves += 1
    return decisions, solves


def _consecutive_bound(prep: Prepared, pairs: list[Pair]) -> int:
    """Upper bound of the consecutive-days bonus that missions of this problem can add."""
    stays: dict[int, set[tuple]] = defaultdict(set)
    for pair in pairs:
        if prep.volunteers[pair.volunteer_id].needs_housing:
            stays[pair.volunteer_id].add((pair.site_id, pair.date))
    fixed: dict[int, set[tuple]] = defaultdict(set)
    for m in prep.fixed:
        volunteer = prep.volunteers.get(m.volunteer_id)
        if volunteer is not None and volunteer.needs_housing:
            fixed[m.volunteer_id].add((m.site_id, m.date))
    total = 0
    for v, possible in stays.items():
        both = possible | fixed[v]
        count = sum(
            1
            for site_id, day in both
            if (site_id, day + timedelta(days=1)) in both
            and not {(site_id, day), (site_id, day + timedelta(days=1))} <= fixed[v]
        )
        dates = len({day for _, day in fixed[v]}) + prep.remaining[v]
        total += CONSECUTIVE_BONUS * min(count, max(0, dates - 1))
    return total


def flow_plan(prep: Prepared, deadline: float, reserve: float = 0.0) -> FlowOutcome:
    """Upper bound (flow optimum + consecutive-days bound) and a repaired plan. Another round
    starts only if it should end `reserve` seconds before the deadline (the caller's work
    after the flow)."""
    started = time.perf_counter()
    pairs = _pairs(prep)
    state = _initial_state(prep)
    constant = evaluate(prep.problem, fixed_as_missions(prep))
    graph = _Graph(prep, pairs)
    tick = time.perf_counter()
    value, decisions = graph.solve(state)
    solve_seconds = time.perf_counter() - tick
    bound = constant + math.floor(value / SCALE) + _consecutive_bound(prep, pairs)
    stats: dict[str, float] = {
        "flow_pairs": len(pairs),
        "flow_seconds": round(time.perf_counter() - started, 3),
        "flow_bound": bound,
    }
    # Re-solves without splits, if they leave time for the repair (about one more solve).
    decisions, unsplits = unsplit(
        graph, state, decisions, deadline - reserve - solve_seconds, solve_seconds
    )
    stats["flow_unsplit_solves"] = unsplits
    stats["flow_seconds"] = round(time.perf_counter() - started, 3)
    builder = _Builder(prep, pairs, state)
    rounds, moves = 0, 0
    while True:
        rounds += 1
        tick = time.perf_counter()
        builder.apply(decisions)
        moves += builder.improve(deadline) + builder.refill()
        repair_seconds = time.perf_counter() - tick
        # Another round re-plans what the repair left free; skip it when it would not end
        # before the deadline. Its solve costs about its number of open decision arcs times the
        # last solve's cost per arc (the first solve has every arc, 0.75 s nationally; the next
        # ones only what the repair left free, a few hundred arcs, 0.01 s); its repair about as
        # much as the last one.
        estimate = solve_seconds * graph.open_arcs(state) / max(1, graph.last_arcs)
        estimate += repair_seconds
        if rounds >= MAX_ROUNDS or time.perf_counter() + estimate + reserve > deadline:
            break
        tick = time.perf_counter()
        _, decisions = graph.solve(state)
        solve_seconds = time.perf_counter() - tick
        if not decisions:
            break
    stats["flow_rounds"] = rounds
    stats["local_moves"] = moves
    stats["repair_seconds"] = round(time.perf_counter() - started - stats["flow_seconds"], 3)
    return FlowOutcome(builder.candidates, list(builder.chosen), bound, stats)
