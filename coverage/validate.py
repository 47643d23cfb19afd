"""Independent roster validator and scorer.

Takes the scenario and the roster rows only, never the solver's model, and
re-checks every hard rule and recomputes coverage minute by minute. Anything
the solver got wrong shows up here as a ``Violation``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from coverage.models import WEEK_MINUTES, WEEKDAYS, Agent, Scenario, format_clock
from coverage.requirements import Requirements, build_requirements
from coverage.timegrid import WEEK, Shift, Week, iso_utc


@dataclass(frozen=True)
class Violation:
    agent_id: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"agent {self.agent_id!r}: {self.rule}: {self.detail}"


def _at_least_zero(values: np.ndarray) -> np.ndarray:
    clipped: np.ndarray = np.maximum(values, 0)
    return clipped


@dataclass(frozen=True)
class Coverage:
    """Agents on and required, for every minute of the week (the roster wraps)."""

    requirements: Requirements
    on: np.ndarray
    required: np.ndarray
    min_agents: int

    @property
    def week(self) -> Week:
        return self.requirements.week

    @property
    def short(self) -> np.ndarray:
        return _at_least_zero(self.required - self.on)

    @property
    def over(self) -> np.ndarray:
        return _at_least_zero(self.on - self.required)

    @property
    def missing(self) -> np.ndarray:
        """Agents missing below the ``min_agents`` floor, per minute."""
        return _at_least_zero(self.min_agents - self.on)

    def per_interval(self, values: np.ndarray) -> np.ndarray:
        return values.reshape(self.week.intervals, self.week.interval_minutes)

    def totals(self) -> dict[str, float]:
        """Agent-hours required, scheduled, short and over; hours with too few on."""
        return {
            "required_agent_hours": float(self.required.sum() / 60),
            "scheduled_agent_hours": float(self.on.sum() / 60),
            "shortfall_agent_hours": float(self.short.sum() / 60),
            "overstaffed_agent_hours": float(self.over.sum() / 60),
            "uncovered_hours": float((self.on < self.min_agents).sum() / 60),
            "uncovered_agent_hours": float(self.missing.sum() / 60),
        }


@dataclass(frozen=True)
class Validation:
    violations: tuple[Violation, ...]
    coverage: Coverage

    @property
    def ok(self) -> bool:
        return not self.violations


def measure_coverage(
    scenario: Scenario, roster: Iterable[Shift], requirements: Requirements | None = None
) -> Coverage:
    """Minute-by-minute agents on, wrapping shifts that run past the week's end."""
    requirements = requirements or build_requirements(scenario)
    week = requirements.week
    delta = np.zeros(WEEK_MINUTES + 1, dtype=np.int64)
    for shift in roster:
        first = week.minute_of_week(shift.start_utc)
        remaining = shift.minutes
        while remaining > 0:
            span = min(remaining, WEEK_MINUTES - first)
            delta[first] += 1
            delta[first + span] -= 1
            remaining -= span
            first = 0
    on = np.cumsum(delta[:-1])
    required = np.repeat(np.asarray(requirements.required, dtype=np.int64), week.interval_minutes)
    return Coverage(requirements, on, required, scenario.staffing.min_agents)


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Is [start, end) covered by the union of the spans?"""
    reach = start
    for lo, hi in sorted(spans):
        if lo > reach:
            break
        reach = max(reach, hi)
    return reach >= end


def _check_agent(
    agent: Agent, shifts: list[Shift], week_dates: tuple[date, ...]
) -> list[Violation]:
    rules, zone = agent.rules, agent.zone
    problems: list[Violation] = []

    def fail(rule: str, detail: str) -> None:
        problems.append(Violation(agent.id, rule, detail))

    days: dict[date, list[Shift]] = defaultdict(list)
    for shift in shifts:
        local = shift.local_start(zone)
        day = local.date()
        when = f"shift {local.isoformat()}"
        days[day].append(shift)
        if day not in week_dates:
            fail("week", f"{when} is not on a local date of the week")
        if day in agent.time_off:
            fail("time off", f"{when} is on a day off")
        if shift.minutes not in rules.shift_minutes:
            fail(
                "shift length",
                f"{when} lasts {shift.minutes / 60:g} h, allowed {rules.shift_hours}",
            )
        start_minute = local.hour * 60 + local.minute
        if local.second or start_minute % rules.start_step_minutes:
            fail("start grid", f"{when} is not on the {rules.start_step_minutes}-minute grid")
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        end_minute = int(
            (shift.local_end(zone).replace(tzinfo=None) - midnight) / timedelta(minutes=1)
        )
        if start_minute < rules.earliest_start or end_minute > rules.latest_end:
            fail(
                "local window",
                f"{when} to {shift.local_end(zone).isoformat()} is outside "
                f"{format_clock(rules.earliest_start)}-{format_clock(rules.latest_end)}",
            )
        if agent.availability:
            spans = [(w.start, w.end) for w in agent.availability if w.day == day.weekday()]
            if not _inside(start_minute, end_minute, spans):
                fail("availability", f"{when} is outside {WEEKDAYS[day.weekday()]} availability")
    for day, on_day in days.items():
        if len(on_day) > 1:
            fail("one shift per day", f"{len(on_day)} shifts on {day.isoformat()}")

    contract = agent.contract(week_dates)
    worked = sum(shift.minutes for shift in shifts)
    if worked != contract.minutes:
        fail("weekly hours", f"works {worked / 60:g} h, contract is {contract.minutes / 60:g} h")
    if len(days) > contract.max_days:
        fail("days per week", f"works {len(days)} days, at most {contract.max_days}")

    ordered = sorted(shifts, key=lambda s: s.start_utc)
    rest = timedelta(minutes=rules.min_rest_minutes)
    for before, after in zip(ordered, ordered[1:] + ordered[:1], strict=True):
        next_start = (
            after.start_utc if after.start_utc > before.start_utc else after.start_utc + WEEK
        )
        if next_start - before.end_utc < rest:
            fail(
                "rest",
                f"{(next_start - before.end_utc) / timedelta(hours=1):g} h between the shift "
                f"ending {iso_utc(before.end_utc)} and the next, "
                f"at least {rules.min_rest_hours:g} h",
            )

    worked_days = [d in days for d in week_dates]
    if all(worked_days):
        longest = 7
    else:
        run = longest = 0
        for worked_today in worked_days + worked_days:  # twice: the week wraps
            run = run + 1 if worked_today else 0
            longest = max(longest, run)
    if longest > rules.max_consecutive_days:
        fail(
            "consecutive days",
            f"works {longest} days in a row, at most {rules.max_consecutive_days}",
        )
    return problems


def validate_roster(
    scenario: Scenario, roster: Sequence[Shift], requirements: Requirements | None = None
) -> Validation:
    """Every hard rule re-checked per agent, and coverage recomputed."""
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    violations: list[Violation] = []
    known = {agent.id for agent in scenario.agents}
    for shift in roster:
        if shift.agent_id not in known:
            violations.append(Violation(shift.agent_id, "unknown agent", "not in the team"))
        elif shift.end_utc <= shift.start_utc:
            violations.append(Violation(shift.agent_id, "shift length", "ends before it starts"))
        else:
            by_agent[shift.agent_id].append(shift)
    for agent in scenario.agents:
        violations.extend(_check_agent(agent, by_agent.get(agent.id, []), scenario.week_dates))
    return Validation(tuple(violations), measure_coverage(scenario, roster, requirements))
