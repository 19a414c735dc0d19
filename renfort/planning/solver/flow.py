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

The integral optimal flow is then repaired into a plan (`_Builder.apply`): both halves of a date
at one site make a FULL mission, a single half a half-day mission; halves split over two sites
become a FULL day at one of them when a room is free, otherwise the better half is kept; every
mission is re-checked against rooms, beds per (site, date) and caps, best first, so a bed
overflow drops the lowest-value housing mission. A local search follows (`improve`: a half-day
becomes a FULL day, if need be trading another half-day of the same volunteer; `merge`: a
morning and an afternoon of two volunteers at one site become one volunteer's FULL day), then
the freed room-halves are refilled with the best positive gain (`refill`). Further rounds
re-solve the flow on what is left (capacity, volunteers' free dates) while time allows.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
from ortools.graph.python import min_cost_flow

from .candidates import Candidate, Prepared
from .explain import fixed_as_missions
from .model import HALVES, Period
from .objective import (
    CONSECUTIVE_BONUS,
    PREFERRED_SITE_BONUS,
    WEEK_BONUS,
    ZONE_SEGMENTS,
    ZONELESS_HALF_DAY,
    evaluate,
    need_scale,
    travel_cost,
    week_key,
    week_value,
    zone_half_days_already,
    zone_marginal,
)

SCALE = 2  # flow costs are doubled so that half a mission's value stays an integer
HALF_PERIODS = (Period.MORNING, Period.AFTERNOON)
MAX_ROUNDS = 8


@dataclass(slots=True)
class Pair:
    """What a volunteer may do at a site on a date: candidate index per period (-1: none)."""

    volunteer_id: int
    site_id: int
    date: date
    full: int = -1
    morning: int = -1
    afternoon: int = -1
    value: int = 0  # linear value of one mission: preference bonus − travel cost


@dataclass
class FlowOutcome:
    candidates: list[Candidate]  # prep.candidates plus the half-days the repair created
    chosen: list[int]
    bound: int  # upper bound of evaluate() over every feasible plan
    stats: dict[str, float] = field(default_factory=dict)


def _pairs(prep: Prepared) -> list[Pair]:
    """Candidates grouped by (volunteer, site, date). prepare() emits each group consecutively;
    were it not so, a group would give several pairs, which only duplicates arcs."""
    pairs: list[Pair] = []
    last: tuple | None = None
    pair = Pair(0, 0, prep.first)
    for i, c in enumerate(prep.candidates):
        key = (c.volunteer_id, c.site_id, c.date)
        if key != last:
            last = key
            value = -travel_cost(c.travel) + (PREFERRED_SITE_BONUS if c.preferred else 0)
            pair = Pair(c.volunteer_id, c.site_id, c.date, value=value)
            pairs.append(pair)
        if c.period is Period.FULL:
            pair.full = i
        elif c.period is Period.MORNING:
            pair.morning = i
        else:
            pair.afternoon = i
    return pairs


@dataclass
class _State:
    """Capacities and counts left by the fixed missions and the plan built so far."""

    remaining: dict[int, int]
    room_left: dict[tuple, int]
    beds_left: dict[tuple, int]
    busy: set[tuple]  # (volunteer, date)
    zone_half: dict[int, int]
    week_half: dict[tuple, int]


def _initial_state(prep: Prepared) -> _State:
    zone_half = {z: zone_half_days_already(zone) for z, zone in prep.zones.items()}
    week_half: dict[tuple, int] = defaultdict(int)
    for m in fixed_as_missions(prep):
        zone_id = prep.site_zone(m.site_id)
        if zone_id is not None:
            zone_half[zone_id] += len(HALVES[m.period])
            week_half[(zone_id, week_key(m.date))] += len(HALVES[m.period])
    return _State(
        remaining=dict(prep.remaining),
        room_left=dict(prep.room_left),
        beds_left=dict(prep.beds_left),
        busy=set(),
        zone_half=zone_half,
        week_half=week_half,
    )


class _Graph:
    """The network's static part (one arc per pair and half), built once with numpy; every
    solve masks it with the current state (capacities left, busy dates)."""

    def __init__(self, prep: Prepared, pairs: list[Pair]) -> None:
        self.prep = prep
        self.pairs = pairs
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

    def solve(self, state: _State) -> tuple[int, list[tuple[int, Period]]]:
        """Optimal flow given the state: (scaled value, decisions (pair index, half))."""
        prep = self.prep
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
        )
        arcs = np.flatnonzero(mask)
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


class _Builder:
    """Turns (pair, half) decisions into missions among the candidates, and improves them."""

    def __init__(self, prep: Prepared, pairs: list[Pair], state: _State) -> None:
        self.prep = prep
        self.pairs = pairs
        self.state = state
        self.candidates = list(prep.candidates)
        self.chosen: dict[int, None] = {}  # insertion-ordered set
        self.plan: dict[int, dict[date, int]] = defaultdict(dict)  # volunteer -> date -> index
        self.pair_of: dict[tuple, Pair] = {
            (pair.volunteer_id, pair.site_id, pair.date): pair for pair in pairs
        }
        self.scales = {z: need_scale(zone) for z, zone in prep.zones.items()}
        self.by_site_day: dict[tuple, list[int]] | None = None
        self.touched: set[tuple] = set()  # room-halves freed or left unused by the repair
        self.at_site_day: dict[tuple, set[int]] = defaultdict(set)  # missions per site-day
        self.stays: set[tuple] = {
            (m.volunteer_id, m.site_id, m.date)
            for m in prep.fixed
            if m.volunteer_id in prep.volunteers and prep.volunteers[m.volunteer_id].needs_housing
        }

    def half_candidate(self, pair: Pair, half: Period) -> int:
        """The pair's half-day mission, created when prepare() dropped it as dominated."""
        index = pair.morning if half == Period.MORNING else pair.afternoon
        if index >= 0:
            return index
        self.candidates.append(replace(self.candidates[pair.full], period=half, half_days=1))
        index = len(self.candidates) - 1
        if half == Period.MORNING:
            pair.morning = index
        else:
            pair.afternoon = index
        return index

    def fits(self, index: int) -> bool:
        c = self.candidates[index]
        s = self.state
        if c.half_days > s.remaining[c.volunteer_id] or (c.volunteer_id, c.date) in s.busy:
            return False
        if any(s.room_left.get((c.site_id, c.date, h), 0) < 1 for h in HALVES[c.period]):
            return False
        return not c.housing or s.beds_left.get((c.site_id, c.date), 0) >= 1

    def take(self, index: int) -> None:
        c = self.candidates[index]
        s = self.state
        s.remaining[c.volunteer_id] -= c.half_days
        s.busy.add((c.volunteer_id, c.date))
        for h in HALVES[c.period]:
            s.room_left[(c.site_id, c.date, h)] -= 1
        if c.housing:
            s.beds_left[(c.site_id, c.date)] -= 1
        if c.zone_id is not None:
            s.zone_half[c.zone_id] += c.half_days
            s.week_half[(c.zone_id, week_key(c.date))] += c.half_days
        if c.housing:
            self.stays.add((c.volunteer_id, c.site_id, c.date))
        self.chosen[index] = None
        self.at_site_day[(c.site_id, c.date)].add(index)
        self.plan[c.volunteer_id][c.date] = index

    def remove(self, index: int) -> None:
        c = self.candidates[index]
        s = self.state
        s.remaining[c.volunteer_id] += c.half_days
        s.busy.discard((c.volunteer_id, c.date))
        for h in HALVES[c.period]:
            s.room_left[(c.site_id, c.date, h)] += 1
            self.touched.add((c.site_id, c.date, h))
        if c.housing:
            s.beds_left[(c.site_id, c.date)] += 1
            self.stays.discard((c.volunteer_id, c.site_id, c.date))
        if c.zone_id is not None:
            s.zone_half[c.zone_id] -= c.half_days
            s.week_half[(c.zone_id, week_key(c.date))] -= c.half_days
        del self.chosen[index]
        self.at_site_day[(c.site_id, c.date)].discard(index)
        del self.plan[c.volunteer_id][c.date]

    def _gain(self, index: int) -> int:
        """Objective gain of adding the candidate to the current plan."""
        c = self.candidates[index]
        s = self.state
        value = -travel_cost(c.travel) + (PREFERRED_SITE_BONUS if c.preferred else 0)
        if c.zone_id is None:
            value += ZONELESS_HALF_DAY * c.half_days
        else:
            h = s.zone_half[c.zone_id]
            scale = self.scales[c.zone_id]
            value += sum(zone_marginal(scale, k) for k in range(h + 1, h + c.half_days + 1))
            w = s.week_half[(c.zone_id, week_key(c.date))]
            value += week_value(w, w + c.half_days)
        if c.housing:
            for delta in (-1, 1):
                if (c.volunteer_id, c.site_id, c.date + timedelta(days=delta)) in self.stays:
                    value += CONSECUTIVE_BONUS
        return value

    def try_move(self, removes: list[int], adds: list[int], strict: bool = True) -> bool:
        """Apply the move if it is feasible and improves the objective (strictly, unless
        `strict` is False)."""
        gain = 0
        for index in removes:
            self.remove(index)
            gain -= self._gain(index)
        done: list[int] = []
        for index in adds:
            if not self.fits(index):
                break
            gain += self._gain(index)
            self.take(index)
            done.append(index)
        if len(done) == len(adds) and (gain > 0 or (gain == 0 and not strict)):
            return True
        for index in reversed(done):
            self.remove(index)
        for index in removes:
            self.take(index)
        return False

    def refill(self) -> int:
        """Give the room-halves left free to the candidate with the best positive gain, or
        to a FULL day that ejects a half-day mission of that site-day when that gains."""
        if self.by_site_day is None:
            self.by_site_day = defaultdict(list)
            for i, c in enumerate(self.candidates):
                self.by_site_day[(c.site_id, c.date)].append(i)
        taken = 0
        s = self.state
        for site_day in sorted({(site, day) for site, day, _ in self.touched}):
            if not any(s.room_left.get((*site_day, h), 0) > 0 for h in HALF_PERIODS):
                continue
            options = self.by_site_day.get(site_day, [])
            while True:
                best = [(self._gain(i), -i) for i in options if self.fits(i)]
                if not best or max(best)[0] <= 0:
                    break
                self.take(-max(best)[1])
                taken += 1
            for i in options:
                c = self.candidates[i]
                if c.half_days < 2 or i in self.chosen or (c.volunteer_id, c.date) in s.busy:
                    continue
                halves = [
                    j for j in self.at_site_day[site_day] if self.candidates[j].half_days == 1
                ]
                if any(self.try_move([j], [i]) for j in halves):
                    taken += 1
        self.touched.clear()
        return taken

    def full_of(self, index: int) -> int:
        c = self.candidates[index]
        pair = self.pair_of.get((c.volunteer_id, c.site_id, c.date))
        return -1 if pair is None else pair.full

    def improve(self, deadline: float) -> int:
        """Local search: upgrade half-days to FULL days, trading another half-day of the same
        volunteer when the cap is reached. Returns the number of moves applied."""
        moves = 0
        improved, passes = True, 0
        while improved and (passes == 0 or time.perf_counter() < deadline):
            improved, passes = False, passes + 1
            for volunteer_id in sorted(self.plan):
                missions = sorted(self.plan[volunteer_id].values())
                halves = [i for i in missions if self.candidates[i].half_days == 1]
                for i in halves:
                    full = self.full_of(i)
                    if full < 0 or i not in self.chosen:
                        continue
                    if self.try_move([i], [full]):
                        moves += 1
                        improved = True
                        break
                    others = [j for j in halves if j != i and j in self.chosen]
                    if any(self.try_move([i, j], [full]) for j in others):
                        moves += 1
                        improved = True
                        break
        return moves + self.merge()

    def merge(self) -> int:
        """Two half-days of one site-day by different volunteers (morning, afternoon) become
        a FULL day of one of them when that loses nothing: one trip instead of two, and the
        other volunteer is free for the refill."""
        singles: dict[tuple, dict[Period, list[int]]] = defaultdict(lambda: defaultdict(list))
        for i in self.chosen:
            c = self.candidates[i]
            if c.half_days == 1:
                singles[(c.site_id, c.date)][c.period].append(i)
        moves = 0
        for key in sorted(singles):
            for i in list(singles[key][Period.MORNING]):
                for j in list(singles[key][Period.AFTERNOON]):
                    if i not in self.chosen or j not in self.chosen:
                        continue
                    for keep in (i, j):
                        full = self.full_of(keep)
                        if full >= 0 and self.try_move([i, j], [full], strict=False):
                            moves += 1
                            self.touched.update((*key, h) for h in HALF_PERIODS)
                            break
        return moves

    def apply(self, decisions: list[tuple[int, Period]]) -> None:
        by_date: dict[tuple, list[tuple[int, Period]]] = defaultdict(list)
        for k, half in decisions:
            pair = self.pairs[k]
            by_date[(pair.volunteer_id, pair.date)].append((k, half))
        singles: list[tuple[int, int]] = []  # (rank, candidate index)
        splits: list[list[tuple[int, Period]]] = []
        fulls: list[int] = []
        for key in sorted(by_date):
            items = by_date[key]
            if len(items) == 2 and items[0][0] == items[1][0] and self.pairs[items[0][0]].full >= 0:
                fulls.append(self.pairs[items[0][0]].full)
            elif len(items) == 1:
                k, half = items[0]
                singles.append((k, self.half_candidate(self.pairs[k], half)))
            else:
                splits.append(sorted(items, key=lambda item: -self.pairs[item[0]].value))
        # FULL days and lone half-days first (best value first, so bed overflows drop the
        # worst), then the split dates: a FULL day at one of the two sites if it fits.
        ordered = sorted(fulls, key=lambda i: -self._rank(i)) + sorted(
            (i for _, i in singles), key=lambda i: -self._rank(i)
        )
        for index in ordered:
            if self.fits(index):
                self.take(index)
        for items in splits:
            for k, half in items:
                self.touched.add((self.pairs[k].site_id, self.pairs[k].date, half))
        for items in splits:
            options = [self.pairs[k].full for k, _ in items if self.pairs[k].full >= 0]
            options += [self.half_candidate(self.pairs[k], half) for k, half in items]
            for index in options:
                if self.fits(index):
                    self.take(index)
                    break

    def _rank(self, index: int) -> float:
        c = self.candidates[index]
        return c.half_days * 1_000_000 - travel_cost(c.travel)


def flow_plan(prep: Prepared, deadline: float) -> FlowOutcome:
    """Upper bound (flow optimum + consecutive-days bound) and a repaired plan."""
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
    builder = _Builder(prep, pairs, state)
    rounds, moves = 0, 0
    while True:
        rounds += 1
        builder.apply(decisions)
        moves += builder.improve(deadline) + builder.refill()
        # Another round re-plans what the repair left free; skip it when it would not end
        # before the deadline (a round costs about one flow solve).
        if rounds >= MAX_ROUNDS or time.perf_counter() + solve_seconds > deadline:
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
