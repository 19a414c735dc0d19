"""Repair of the min-cost-flow answer into a plan, and local improvement (see flow.py).

The flow decides (volunteer, site, date, half) units. `_Builder.apply` turns them into missions:
both halves of a date at one site make a FULL mission, a single half a half-day mission; halves
split over two sites become a FULL day at one of them when a room is free, otherwise the better
half is kept; every mission is re-checked against rooms, beds per (site, date) and caps, best
first, so a bed overflow drops the lowest-value housing mission. `improve` (a half-day becomes a
FULL day, if need be trading another half-day of the same volunteer; a morning and an afternoon
of two volunteers at one site become one volunteer's FULL day) and `refill` (freed room-halves
get the best positive gain) follow.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from .candidates import Candidate, Prepared
from .explain import fixed_as_missions
from .model import HALVES, Period
from .objective import (
    CONSECUTIVE_BONUS,
    PREFERRED_SITE_BONUS,
    ZONELESS_HALF_DAY,
    need_scale,
    travel_cost,
    week_key,
    week_value,
    zone_half_days_already,
    zone_marginal,
)

HALF_PERIODS = (Period.MORNING, Period.AFTERNOON)


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
        self.candidates.append(self.candidates[pair.full]._replace(period=half, half_days=1))
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
