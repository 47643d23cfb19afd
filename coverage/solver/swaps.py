"""Fewer start times by trading shifts: what one agent works on a date, another
works instead, where both may and neither's rules break.

Two agents in the same zone who serve the same queues in the same blocks
cover exactly the same slots when they trade shifts of equal length on one
local date (each taking the other's queues with it), so every coverage and
service figure stays as it was. Only the start-time tie-breaker can change:
a trade is kept when it leaves the two agents fewer distinct local start
times between them. Each trade costs microseconds, where a CP-SAT
neighbourhood costs a tenth of a second, so the tie-breaker stage runs this
first on the whole team (``_Search`` in ``solve``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from coverage.shifts import Candidate
from coverage.solver.model import Serving
from coverage.solver.problem import Problem, too_soon

# Sweeps over the team at most: each sweep tries every trade once; the trades
# end sooner, when a sweep keeps none.
SWEEPS_AT_MOST = 20


def fewer_start_times(
    problem: Problem,
    chosen: Sequence[list[Candidate]],
    serving: Serving,
    until: float | None = None,
) -> tuple[list[list[Candidate]], Serving]:
    """The roster with shifts traded between agents who may work each other's, each
    trade keeping both agents' hard rules and what every slot has on, and lowering
    the two agents' distinct local start times (``START_TIMES``), or else gathering
    their starts on fewer times. The same roster in gives the same roster out,
    unless ``until`` (a ``time.perf_counter`` value) ends the sweeps first."""
    trades = _Trades(problem, chosen, serving)
    for _ in range(SWEEPS_AT_MOST):
        if (until is not None and time.perf_counter() >= until) or not trades.sweep():
            break
    return trades.weeks(), trades.serving


class _Trades:
    """Each agent's shift per local date, their start times, and who could trade."""

    def __init__(
        self, problem: Problem, chosen: Sequence[list[Candidate]], serving: Serving
    ) -> None:
        self.problem = problem
        self.serving = [dict(queues) for queues in serving]
        self.week: list[list[Candidate | None]] = []
        for option, shifts in zip(problem.options, chosen, strict=True):
            by_date = {c.day: c for c in shifts}
            self.week.append([by_date.get(day[0].day) if day else None for day in option.days])
        self.starts = [Counter(c.start_minute for c in shifts) for shifts in chosen]
        # The candidate an agent has at given UTC times, per local date index.
        self.at: list[list[dict[tuple[object, object], Candidate]]] = [
            [{(c.shift.start_utc, c.shift.end_utc): c for c in day} for day in option.days]
            for option in problem.options
        ]
        groups: dict[tuple[object, ...], list[int]] = {}
        for a, option in enumerate(problem.options):
            if option.optional or option.published is not None or not chosen[a]:
                continue
            key = (
                option.agent.timezone,
                option.queues,
                problem.min_activity_slots(option) if option.switches else 0,
                tuple(day[0].day if day else None for day in option.days),
            )
            groups.setdefault(key, []).append(a)
        self.groups = [members for members in groups.values() if len(members) > 1]
        # starting[g][d][minute]: the members of group g who start at that local minute on date d
        self.starting: list[list[dict[int, set[int]]]] = []
        for members in self.groups:
            dates: list[dict[int, set[int]]] = [{} for _ in self.week[members[0]]]
            for a in members:
                for d, candidate in enumerate(self.week[a]):
                    if candidate is not None:
                        dates[d].setdefault(candidate.start_minute, set()).add(a)
            self.starting.append(dates)

    def sweep(self) -> bool:
        """Every trade that moves one agent to a start time they already have, once;
        whether any was kept. (A trade that moves neither agent to a start time of
        their own gains nothing, so no other is worth trying.)"""
        kept = False
        for members, starting in zip(self.groups, self.starting, strict=True):
            for d, by_minute in enumerate(starting):
                for a in members:
                    mine = self.week[a][d]
                    if mine is None:
                        continue
                    for minute in sorted(self.starts[a]):
                        if minute == mine.start_minute:
                            continue
                        for b in sorted(by_minute.get(minute, ())):
                            if self._trade(a, b, d, by_minute):
                                kept = True
                                break
                        if self.week[a][d] is not mine:
                            break
        return kept

    def _trade(self, a: int, b: int, d: int, by_minute: dict[int, set[int]]) -> bool:
        mine, theirs = self.week[a][d], self.week[b][d]
        if mine is None or theirs is None:
            return False
        old, new = mine.start_minute, theirs.start_minute
        if old == new:
            return False
        # Distinct start times the two lose; failing that, how much more their starts
        # gather on few times (half the change in the sum of squared counts), which
        # leads to later trades that drop a start time.
        starts, others = self.starts[a], self.starts[b]
        fewer = (starts[old] == 1) - (starts[new] == 0) + (others[new] == 1) - (others[old] == 0)
        gathered = starts[new] - starts[old] + others[old] - others[new] + 2
        if fewer < 0 or (fewer == 0 and gathered <= 0):
            return False
        if mine.minutes != theirs.minutes:
            return False  # contract hours would change
        times = (theirs.shift.start_utc, theirs.shift.end_utc)
        for_a = self.at[a][d].get(times)
        for_b = self.at[b][d].get((mine.shift.start_utc, mine.shift.end_utc))
        if for_a is None or for_b is None:
            return False
        if not (self._rests(a, d, for_a) and self._rests(b, d, for_b)):
            return False
        self._put(a, d, mine, for_a)
        self._put(b, d, theirs, for_b)
        by_minute[mine.start_minute].remove(a)
        by_minute[theirs.start_minute].remove(b)
        by_minute[mine.start_minute].add(b)
        by_minute[theirs.start_minute].add(a)
        slots = [t % self.problem.slots for t in self.problem.slots_of(mine)]
        slots_b = [t % self.problem.slots for t in self.problem.slots_of(theirs)]
        served_a = {t: self.serving[a].pop(t) for t in slots if t in self.serving[a]}
        served_b = {t: self.serving[b].pop(t) for t in slots_b if t in self.serving[b]}
        self.serving[a].update(served_b)
        self.serving[b].update(served_a)
        return True

    def _put(self, a: int, d: int, old: Candidate, new: Candidate) -> None:
        self.week[a][d] = new
        starts = self.starts[a]
        starts[old.start_minute] -= 1
        if not starts[old.start_minute]:
            del starts[old.start_minute]
        starts[new.start_minute] += 1

    def _rests(self, a: int, d: int, candidate: Candidate) -> bool:
        """Whether ``candidate`` on date d keeps agent a's rest with their shifts on the
        two dates either side, around the week as the roster repeats (as
        ``problem.rest_clashes`` checks every pair of candidates)."""
        rest = timedelta(minutes=self.problem.options[a].agent.rules.min_rest_minutes)
        week = self.week[a]
        for apart in (1, 2):
            later, earlier = week[(d + apart) % 7], week[(d - apart) % 7]
            if later is not None and too_soon(candidate, later, rest, wraps=d + apart >= 7):
                return False
            if earlier is not None and too_soon(earlier, candidate, rest, wraps=d - apart < 0):
                return False
        return True

    def weeks(self) -> list[list[Candidate]]:
        return [[c for c in week if c is not None] for week in self.week]
