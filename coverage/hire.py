"""Where should the next hire sit.

Every answer is a re-planned week: the team plus hypothetical agents who get
the team's default contract and rules (or overrides), solved by the same
``solve`` and checked by the same validator as any plan.

- ``rank_single_hires``: one candidate per zone, each re-planned on its own
  (in parallel processes, warm-started from the baseline roster).
- ``greedy_hires``: the best single hire, N times over.
- ``best_hires_together``: one joint model in which up to N optional agents
  across all candidate zones may be hired; warm-started from the greedy
  placement, so it is never worse.
- ``hires_until``: the fewest hires that leave no uncovered time (or no
  shortfall), or why no number of hires can.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError

from coverage.errors import InputError
from coverage.models import WEEKDAYS, Agent, Rules, Scenario, check_zone
from coverage.report import summary_service_level
from coverage.requirements import Requirements
from coverage.solver import Problem, Result, Status, solve
from coverage.solver.model import HIRES, SHORTFALL, START_TIMES, UNCOVERED
from coverage.timegrid import Shift
from coverage.validate import Coverage, validate_roster

# Zones where support teams hire, one or more per UTC offset band from -10 to
# +13, including India (+5:30) and Nepal (+5:45).
DEFAULT_ZONES = (
    "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
    "America/Mexico_City", "America/Bogota", "America/New_York", "America/Santo_Domingo",
    "America/Sao_Paulo", "Atlantic/Cape_Verde", "Europe/Lisbon", "Europe/Berlin",
    "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata",
    "Asia/Kathmandu", "Asia/Dhaka", "Asia/Ho_Chi_Minh", "Asia/Manila", "Asia/Tokyo",
    "Australia/Brisbane", "Australia/Sydney", "Pacific/Auckland",
)  # fmt: skip
Target = Literal["covered", "service-level"]


# --- hypothetical agents ---------------------------------------------------------------


def parse_zones(text: str | None) -> tuple[str, ...]:
    """Comma-separated IANA zones (sorted, unique) or the built-in list."""
    if not text:
        return DEFAULT_ZONES
    zones = sorted({z.strip() for z in text.split(",") if z.strip()})
    if not zones:
        raise InputError("--zones", "needs at least one IANA zone name")
    for zone in zones:
        try:
            check_zone(zone)
        except ValueError as error:
            raise InputError("--zones", str(error)) from None
    return tuple(zones)


def hire_rules(scenario: Scenario, overrides: dict[str, Any]) -> Rules:
    """The team's default rules with the command line's overrides."""
    try:
        return Rules.model_validate({**scenario.rules.model_dump(), **overrides})
    except ValidationError as error:
        first = error.errors()[0]
        option = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "hire rules"
        raise InputError(option, str(first["msg"]).removeprefix("Value error, ")) from None


def hire_id(zone: str, copy: int) -> str:
    return f"hire-{re.sub(r'[^a-z0-9]+', '-', zone.lower()).strip('-')}-{copy}"


def hypothetical_agent(zone: str, copy: int, rules: Rules) -> Agent:
    city = zone.split("/")[-1].replace("_", " ")
    return Agent(
        id=hire_id(zone, copy),
        name=f"New hire {copy} in {city}",
        timezone=zone,
        rules=rules,
        source=f"hypothetical hire in {zone}",
    )


def with_agents(scenario: Scenario, agents: Iterable[Agent]) -> Scenario:
    return scenario.model_copy(update={"agents": scenario.agents + tuple(agents)})


# --- outcomes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A roster's key figures, from the validator's minute-by-minute count."""

    uncovered_hours: float
    shortfall_agent_hours: float
    service_level: float | None
    uncovered_minutes: np.ndarray  # bool per minute of the week

    @classmethod
    def of(cls, scenario: Scenario, coverage: Coverage) -> Outcome:
        totals = coverage.totals()
        return cls(
            totals["uncovered_hours"],
            totals["shortfall_agent_hours"],
            summary_service_level(scenario, coverage),
            coverage.on < coverage.min_agents,
        )


@dataclass(frozen=True)
class HireOption:
    """The week re-planned with some hires, and what it gains over the baseline."""

    zones: tuple[str, ...]
    hires: tuple[Agent, ...]
    scenario: Scenario
    result: Result
    outcome: Outcome
    baseline: Outcome

    @property
    def uncovered_closed(self) -> float:
        return round(self.baseline.uncovered_hours - self.outcome.uncovered_hours, 4)

    @property
    def shortfall_closed(self) -> float:
        return round(self.baseline.shortfall_agent_hours - self.outcome.shortfall_agent_hours, 4)

    @property
    def service_level_change(self) -> float | None:
        if self.outcome.service_level is None or self.baseline.service_level is None:
            return None
        return round(self.outcome.service_level - self.baseline.service_level, 4)

    @property
    def gain(self) -> tuple[float, float]:
        """What ranks options: uncovered hours closed, then shortfall closed."""
        return (round(self.uncovered_closed, 2), round(self.shortfall_closed, 2))

    def shifts_of(self, agent_id: str) -> list[Shift]:
        return [s for s in self.result.roster if s.agent_id == agent_id]

    def patterns(self) -> list[str]:
        return [describe_pattern(hire, self.shifts_of(hire.id)) for hire in self.hires]

    def newly_covered(self, week_start: datetime) -> list[tuple[datetime, datetime]]:
        """UTC spans that were uncovered before and are covered now."""
        closed = self.baseline.uncovered_minutes & ~self.outcome.uncovered_minutes
        return [
            (week_start + timedelta(minutes=lo), week_start + timedelta(minutes=hi))
            for lo, hi in _runs(closed)
        ]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start and end (exclusive) of each run of True."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def describe_pattern(agent: Agent, shifts: Sequence[Shift]) -> str:
    """Local shift pattern, e.g. ``Mon-Fri 09:00-17:00``; days grouped by identical times."""
    if not shifts:
        return "not scheduled"
    zone = agent.zone
    by_time: dict[tuple[str, str], list[int]] = {}
    for shift in sorted(shifts, key=lambda s: s.start_utc):
        start, end = shift.local_start(zone), shift.local_end(zone)
        key = (start.strftime("%H:%M"), end.strftime("%H:%M"))
        by_time.setdefault(key, []).append(start.weekday())
    parts = []
    for (start_text, end_text), days in by_time.items():
        parts.append(f"{_day_ranges(sorted(set(days)))} {start_text}-{end_text}")
    return "; ".join(parts)


def _day_ranges(days: list[int]) -> str:
    groups: list[list[int]] = []
    for day in days:
        if groups and day == groups[-1][-1] + 1:
            groups[-1].append(day)
        else:
            groups.append([day])
    return ",".join(
        WEEKDAYS[g[0]] if len(g) == 1 else f"{WEEKDAYS[g[0]]}-{WEEKDAYS[g[-1]]}" for g in groups
    )


# --- one hire per zone -------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The team's own plan, which every hire is compared against."""

    scenario: Scenario
    requirements: Requirements
    result: Result
    outcome: Outcome
    grid_minutes: int  # the solver's UTC grid, for writing plans


class NoRoster(Exception):
    """The team's own week could not be planned in the time limit."""


def plan_baseline(
    scenario: Scenario, time_limit: float, workers: int | None = None, seed: int | None = None
) -> Baseline:
    problem = Problem.build(scenario)
    result = solve(scenario, time_limit=time_limit, workers=workers, seed=seed, problem=problem)
    if not result.found_roster:
        raise NoRoster(
            f"no roster for the team as it is within {time_limit:g} s "
            f"(status {result.status.value}); try a longer --baseline-time-limit"
        )
    coverage = _checked_coverage(scenario, result, problem.requirements)
    return Baseline(
        scenario, problem.requirements, result, Outcome.of(scenario, coverage), problem.step_minutes
    )


def _checked_coverage(scenario: Scenario, result: Result, requirements: Requirements) -> Coverage:
    validation = validate_roster(scenario, result.roster, requirements)
    if not validation.ok:  # the solver broke a rule: a bug, never a result to show
        raise RuntimeError(f"roster breaks hard rules: {validation.violations[0]}")
    return validation.coverage


def _evaluate(
    scenario: Scenario,
    hires: tuple[Agent, ...],
    baseline: Baseline,
    start_roster: Sequence[Shift],
    time_limit: float,
    workers: int,
    seed: int | None,
    problem: Problem | None = None,
    **solve_options: Any,
) -> HireOption:
    result = solve(
        scenario,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        start_roster=start_roster,
        problem=problem,
        **solve_options,
    )
    hired = tuple(h for h in hires if any(s.agent_id == h.id for s in result.roster))
    final = with_agents(baseline.scenario, hired)
    coverage = _checked_coverage(final, result, baseline.requirements)
    return HireOption(
        zones=tuple(h.timezone for h in hired),
        hires=hired,
        scenario=final,
        result=result,
        outcome=Outcome.of(final, coverage),
        baseline=baseline.outcome,
    )


def _evaluate_single(job: tuple[Baseline, Agent, float, int | None]) -> HireOption:
    baseline, hire, time_limit, seed = job
    scenario = with_agents(baseline.scenario, (hire,))
    return _evaluate(scenario, (hire,), baseline, baseline.result.roster, time_limit, 1, seed)


def rank(options: Sequence[HireOption]) -> list[tuple[int, HireOption]]:
    """Options best first with their rank; equal gains share a rank (ties are shown as ties)."""
    ordered = sorted(options, key=lambda o: (-o.gain[0], -o.gain[1], o.zones))
    ranked: list[tuple[int, HireOption]] = []
    for position, option in enumerate(ordered, start=1):
        tied = ranked and ranked[-1][1].gain == option.gain
        ranked.append((ranked[-1][0] if tied else position, option))
    return ranked


def rank_single_hires(
    baseline: Baseline,
    zones: Sequence[str],
    rules: Rules,
    *,
    time_limit: float,
    processes: int,
    seed: int | None = None,
    on_done: Callable[[HireOption], None] | None = None,
    copy: Callable[[str], int] | None = None,
) -> list[HireOption]:
    """Re-plan the week once per candidate zone with one more agent there.

    Candidates are independent: they run in a pool of ``processes`` worker
    processes, one CP-SAT worker each, each warm-started from the baseline.
    """
    number = copy or (lambda zone: 1)
    jobs = [
        (baseline, hypothetical_agent(zone, number(zone), rules), time_limit, seed)
        for zone in zones
    ]
    options: list[HireOption] = []
    if processes <= 1 or len(jobs) == 1:
        for job in jobs:
            options.append(_evaluate_single(job))
            if on_done:
                on_done(options[-1])
        return options
    # "spawn": the parent has solver threads running, which fork does not copy safely.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        for option in pool.map(_evaluate_single, jobs):
            options.append(option)
            if on_done:
                on_done(option)
    return options


# --- several hires -------------------------------------------------------------------------


def greedy_hires(
    baseline: Baseline,
    zones: Sequence[str],
    rules: Rules,
    count: int,
    *,
    time_limit: float,
    processes: int,
    seed: int | None = None,
) -> list[HireOption]:
    """Take the best single hire, re-plan, and repeat: one option per round, cumulative."""
    rounds: list[HireOption] = []
    current = baseline
    hires: tuple[Agent, ...] = ()
    for _ in range(count):
        taken = [h.timezone for h in hires]
        singles = rank_single_hires(
            current, zones, rules, time_limit=time_limit, processes=processes, seed=seed,
            copy=lambda zone, taken=taken: 1 + taken.count(zone),  # type: ignore[misc]
        )  # fmt: skip
        best = rank(singles)[0][1]
        hires = hires + best.hires
        scenario = with_agents(baseline.scenario, hires)
        option = HireOption(
            zones=tuple(h.timezone for h in hires),
            hires=hires,
            scenario=scenario,
            result=best.result,
            outcome=best.outcome,
            baseline=baseline.outcome,
        )
        rounds.append(option)
        current = replace(baseline, scenario=scenario, result=best.result, outcome=best.outcome)
    return rounds


def _optional_team(
    baseline: Baseline, zones: Sequence[str], rules: Rules, copies: int
) -> tuple[Scenario, tuple[Agent, ...]]:
    hires = tuple(hypothetical_agent(z, k, rules) for z in zones for k in range(1, copies + 1))
    return with_agents(baseline.scenario, hires), hires


def best_hires_together(
    baseline: Baseline,
    zones: Sequence[str],
    rules: Rules,
    count: int,
    *,
    time_limit: float,
    workers: int,
    seed: int | None = None,
    start: HireOption | None = None,
) -> HireOption:
    """One joint model: up to ``count`` optional agents across all zones, best placement.

    Warm-started from ``start`` (the greedy placement), so it is never worse.
    """
    scenario, hires = _optional_team(baseline, zones, rules, count)
    problem = Problem.build(scenario, optional=frozenset(h.id for h in hires))
    start_roster = start.result.roster if start else baseline.result.roster
    return _evaluate(
        scenario, hires, baseline, start_roster, time_limit, workers, seed, problem,
        max_optional=count,
    )  # fmt: skip


@dataclass(frozen=True)
class UntilResult:
    """The fewest hires that reach the target, or why none can."""

    target: Target
    option: HireOption | None
    reached: bool
    proven_fewest: bool
    reason: str


def hires_until(
    baseline: Baseline,
    zones: Sequence[str],
    rules: Rules,
    target: Target,
    *,
    max_hires: int,
    time_limit: float,
    workers: int,
    seed: int | None = None,
) -> UntilResult:
    """Fewest hires leaving no uncovered time (``covered``) or no shortfall (``service-level``)."""
    scenario, hires = _optional_team(baseline, zones, rules, max_hires)
    problem = Problem.build(scenario, optional=frozenset(h.id for h in hires))
    goal = (UNCOVERED,) if target == "covered" else (UNCOVERED, SHORTFALL)
    rest = (SHORTFALL,) if target == "covered" else ()
    stages = (goal, (HIRES,), *((rest,) if rest else ()), (START_TIMES,))
    option = _evaluate(
        scenario, hires, baseline, baseline.result.roster, time_limit, workers, seed, problem,
        max_optional=max_hires, stages=stages,
    )  # fmt: skip
    first, second = option.result.stages[0], option.result.stages[1]
    left = option.outcome.uncovered_hours if target == "covered" else (
        option.outcome.shortfall_agent_hours + option.outcome.uncovered_hours
    )  # fmt: skip
    if left <= 0:
        proven = second.status is Status.OPTIMAL
        count = len(option.hires)
        proof = "proven the fewest" if proven else "enough (fewest not proven in the time limit)"
        reason = f"{count} hire(s): {proof}"
        return UntilResult(target, option, True, proven, reason)
    what = "uncovered time" if target == "covered" else "shortfall"
    unreachable = _unreachable(problem, baseline)
    if unreachable:
        reason = f"no candidate zone's rules allow anyone on {unreachable}, so {what} remains"
    elif first.status is Status.OPTIMAL:
        reason = f"even {max_hires} hires leave {left:g} h of {what}; try a larger --max-hires"
    else:
        reason = f"no placement within {max_hires} hires removed all {what} in the time limit"
    return UntilResult(target, option, False, False, reason)


def _unreachable(problem: Problem, baseline: Baseline) -> str:
    """UTC spans with demand that no agent, hired or not, could ever be on."""
    reachable = np.zeros(problem.slots, dtype=bool)
    for option in problem.options:
        for day in option.days:
            for candidate in day:
                for t in problem.slots_of(candidate):
                    reachable[t % problem.slots] = True
    required = np.asarray(problem.required_per_slot) > 0
    floor = problem.scenario.staffing.min_agents > 0
    missing = ~reachable & (required | floor)
    if not missing.any():
        return ""
    step = problem.step_minutes
    start = baseline.requirements.week.start_utc
    spans = [
        (start + timedelta(minutes=lo * step), start + timedelta(minutes=hi * step))
        for lo, hi in _runs(missing)
    ]
    text = ", ".join(f"{a:%a %H:%M}-{b:%H:%M} UTC" for a, b in spans[:3])
    return text + (f" and {len(spans) - 3} more" if len(spans) > 3 else "")
