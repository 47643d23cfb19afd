"""Fewer start times by trading shifts: what one agent works on a date, another
works instead, where both may and neither's rules break.

Two agents in the same zone who serve the same queues in the same blocks
cover exactly the same slots when they trade their shifts of a local date
(each taking the other's queues with it), so every coverage and service
figure stays as it was. Shifts of equal length keep both contracts; shifts of
unequal length are traded on two dates at once, where the differences
cancel. Only the start-time tie-breaker can change: a trade is kept when it
leaves the two agents fewer distinct local start times between them, or
their starts gathered on fewer times. Each trade costs microseconds, where a
CP-SAT neighbourhood costs a tenth of a second, so the search runs this on
the whole team before the tie-breaker's search and on the roster it ends with
(``_Search.trade_shifts`` in ``solve``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

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
        # The candidate an agent who may trade has at given UTC times, per local date.
        self.at: dict[int, list[dict[tuple[datetime, datetime], Candidate]]] = {
            a: [
                {(c.shift.start_utc, c.shift.end_utc): c for c in day}
                for day in problem.options[a].days
            ]
            for members in self.groups
            for a in members
        }
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
        for members, dates in zip(self.groups, self.starting, strict=True):
            for d, by_minute in enumerate(dates):
                for a in members:
                    mine = self.week[a][d]
                    if mine is None:
                        continue
                    for minute in sorted(self.starts[a]):
                        if minute == mine.start_minute:
                            continue
                        for b in sorted(by_minute.get(minute, ())):
                            if self._trade(a, b, d, dates):
                                kept = True
                                break
                        if self.week[a][d] is not mine:
                            break
        return kept

    def _trade(self, a: int, b: int, d: int, dates: list[dict[int, set[int]]]) -> bool:
        """Agents a and b trade their shifts of date d if that gains; when the two
        differ in length, together with another date's that differ the other way,
        so that both keep their contract hours."""
        mine, theirs = self.week[a][d], self.week[b][d]
        if mine is None or theirs is None or mine.start_minute == theirs.start_minute:
            return False
        longer = mine.minutes - theirs.minutes
        if not longer:
            return self._gains(a, b, (d,)) and self._swap(a, b, (d,), dates)
        for e, (other, their_other) in enumerate(zip(self.week[a], self.week[b], strict=True)):
            if e == d or other is None or their_other is None:
                continue
            if (
                their_other.minutes - other.minutes == longer
                and self._gains(a, b, (d, e))
                and self._swap(a, b, (d, e), dates)
            ):
                return True
        return False

    def _gains(self, a: int, b: int, days: tuple[int, ...]) -> bool:
        """Whether trading these dates' shifts leaves a and b fewer distinct start times
        between them or, as many, their starts gathered on fewer times (a larger sum
        of squared counts), which leads to later trades that drop a start time."""
        if len(days) == 1:  # the same sums, without copies: most trades tried are these
            (d,) = days
            mine, theirs = self.week[a][d], self.week[b][d]
            assert mine is not None and theirs is not None
            old, new = mine.start_minute, theirs.start_minute
            starts, others = self.starts[a], self.starts[b]
            fewer = (
                (starts[old] == 1) - (starts[new] == 0) + (others[new] == 1) - (others[old] == 0)
            )
            gathered = starts[new] - starts[old] + others[old] - others[new] + 2
            return fewer > 0 or (fewer == 0 and gathered > 0)
        before = len(self.starts[a]) + len(self.starts[b])
        starts, others = self.starts[a].copy(), self.starts[b].copy()
        squares = -sum(n * n for n in starts.values()) - sum(n * n for n in others.values())
        for d in days:
            mine, theirs = self.week[a][d], self.week[b][d]
            assert mine is not None and theirs is not None
            starts[mine.start_minute] -= 1
            starts[theirs.start_minute] += 1
            others[theirs.start_minute] -= 1
            others[mine.start_minute] += 1
        distinct = sum(n > 0 for n in starts.values()) + sum(n > 0 for n in others.values())
        squares += sum(n * n for n in starts.values()) + sum(n * n for n in others.values())
        return (before - distinct, squares) > (0, 0)

    def _swap(
        self, a: int, b: int, days: tuple[int, ...], dates: list[dict[int, set[int]]]
    ) -> bool:
        """Trade the shifts of these dates if each agent may work the other's and
        both keep their rest; whether they did."""
        week_a, week_b = self.week[a], self.week[b]
        olds = [(week_a[d], week_b[d]) for d in days]
        news = []
        for d, (mine, theirs) in zip(days, olds, strict=True):
            assert mine is not None and theirs is not None
            for_a = self.at[a][d].get((theirs.shift.start_utc, theirs.shift.end_utc))
            for_b = self.at[b][d].get((mine.shift.start_utc, mine.shift.end_utc))
            if for_a is None or for_b is None:
                return False
            news.append((for_a, for_b))
        for d, (for_a, for_b) in zip(days, news, strict=True):
            week_a[d], week_b[d] = for_a, for_b
        if not all(self._rests(a, d) and self._rests(b, d) for d in days):
            for d, (mine, theirs) in zip(days, olds, strict=True):
                week_a[d], week_b[d] = mine, theirs
            return False
        for d, (mine, theirs), (for_a, for_b) in zip(days, olds, news, strict=True):
            assert mine is not None and theirs is not None
            self._put(a, mine, for_a)
            self._put(b, theirs, for_b)
            by_minute = dates[d]
            by_minute[mine.start_minute].remove(a)
            by_minute[theirs.start_minute].remove(b)
            by_minute[mine.start_minute].add(b)
            by_minute[theirs.start_minute].add(a)
            self._move_queues(a, b, mine, theirs)
        return True

    def _move_queues(self, a: int, b: int, mine: Candidate, theirs: Candidate) -> None:
        """Each traded shift's queues go with it: a's served in ``mine`` to b, b's in
        ``theirs`` to a."""
        slots = self.problem.slots
        served = [
            {
                t % slots: queues.pop(t % slots)
                for t in self.problem.slots_of(c)
                if t % slots in queues
            }
            for queues, c in ((self.serving[a], mine), (self.serving[b], theirs))
        ]
        self.serving[a].update(served[1])
        self.serving[b].update(served[0])

    def _put(self, a: int, old: Candidate, new: Candidate) -> None:
        """Agent a's start times counted with ``new`` in place of ``old``."""
        starts = self.starts[a]
        starts[old.start_minute] -= 1
        if not starts[old.start_minute]:
            del starts[old.start_minute]
        starts[new.start_minute] += 1

    def _rests(self, a: int, d: int) -> bool:
        """Whether agent a's shift on date d keeps their rest with their shifts on the
        two dates either side, around the week as the roster repeats (as
        ``problem.rest_clashes`` checks every pair of candidates)."""
        rest = timedelta(minutes=self.problem.options[a].agent.rules.min_rest_minutes)
        week = self.week[a]
        shift = week[d]
        assert shift is not None
        for apart in (1, 2):
            later, earlier = week[(d + apart) % 7], week[(d - apart) % 7]
            if later is not None and too_soon(shift, later, rest, wraps=d + apart >= 7):
                return False
            if earlier is not None and too_soon(earlier, shift, rest, wraps=d - apart < 0):
                return False
        return True

    def weeks(self) -> list[list[Candidate]]:
        return [[c for c in week if c is not None] for week in self.week]
