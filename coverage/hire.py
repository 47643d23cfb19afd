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
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError

from coverage.errors import InputError, RosterBroken
from coverage.models import Agent, Rules, Scenario, SolverSettings, check_zone, day_ranges
from coverage.report import summary_service_level
from coverage.requirements import Requirements
from coverage.solver import Problem, Result, Status, solve_problem, solver_settings
from coverage.solver.model import HIRES, SHORTFALL, START_TIMES, UNCOVERED
from coverage.timegrid import Shift
from coverage.validate import Coverage

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


def hypothetical_agent(zone: str, copy: int, rules: Rules, skills: tuple[str, ...] = ()) -> Agent:
    """A hire in ``zone`` under ``rules`` who serves ``skills`` (default: every queue)."""
    city = zone.split("/")[-1].replace("_", " ")
    return Agent(
        id=hire_id(zone, copy),
        name=f"New hire {copy} in {city}",
        timezone=zone,
        rules=rules,
        skills=skills,
        source=f"hypothetical hire in {zone}",
    )


def parse_skills(scenario: Scenario, text: str | None) -> tuple[str, ...]:
    """``german;english`` (or comma-separated) to queue names of the scenario; none: every queue."""
    if not text:
        return ()
    spelled = {name.lower(): name for name in scenario.queue_names}
    names = []
    for name in (n.strip() for n in re.split(r"[;,]", text) if n.strip()):
        if name.lower() not in spelled:
            raise InputError(
                "--skills",
                f"unknown queue {name!r}; the queues are {', '.join(scenario.queue_names)}",
            )
        names.append(spelled[name.lower()])
    return tuple(dict.fromkeys(names))


def with_agents(scenario: Scenario, agents: Iterable[Agent]) -> Scenario:
    return scenario.replace(agents=scenario.agents + tuple(agents))


# --- outcomes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A roster's key figures, from the validator's minute-by-minute count."""

    uncovered_hours: float
    shortfall_agent_hours: float
    service_level: float | None
    uncovered_minutes: np.ndarray  # bool per minute of the week: some queue uncovered
    # Per queue: (uncovered hours, shortfall agent-hours)
    queues: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def of(cls, scenario: Scenario, coverage: Coverage) -> Outcome:
        totals = coverage.totals()
        per_queue = {}
        for queue in coverage.queues:
            figures = queue.totals()
            per_queue[queue.name] = (
                figures["uncovered_hours"],
                figures["shortfall_agent_hours"],
            )
        return cls(
            totals["uncovered_hours"],
            totals["shortfall_agent_hours"],
            summary_service_level(scenario, coverage),
            coverage.uncovered,
            per_queue,
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

    def queues_closed(self) -> dict[str, tuple[float, float]]:
        """Per queue whose gaps the hires close: (uncovered hours, shortfall agent-hours) closed."""
        closed = {}
        for name, (uncovered, short) in self.baseline.queues.items():
            after = self.outcome.queues.get(name, (uncovered, short))
            gained = (round(uncovered - after[0], 4), round(short - after[1], 4))
            if gained[0] > 1e-9 or gained[1] > 1e-9:
                closed[name] = gained
        return closed

    def queues_closed_text(self) -> str:
        """What the hires take off each queue's gaps, e.g. ``german −10 h uncovered,
        −12.5 ah short; english −2 ah short``."""
        parts = []
        for name, (uncovered, short) in sorted(
            self.queues_closed().items(), key=lambda item: (-item[1][0], -item[1][1])
        ):
            figures = [f"−{uncovered:g} h uncovered"] if uncovered > 1e-9 else []
            figures += [f"−{short:g} ah short"] if short > 1e-9 else []
            parts.append(f"{name} {', '.join(figures)}")
        return "; ".join(parts)

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
        parts.append(f"{day_ranges(sorted(set(days)))} {start_text}-{end_text}")
    return "; ".join(parts)


# --- one hire per zone -------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The team's own plan, which every hire is compared against."""

    scenario: Scenario
    result: Result
    outcome: Outcome
    settings: SolverSettings  # workers and seed for every re-plan

    @property
    def requirements(self) -> Requirements:
        return self.result.requirements


class NoRoster(Exception):
    """A week (the team's own, or with hires) could not be planned in the time limit."""


def plan_baseline(scenario: Scenario, settings: SolverSettings) -> Baseline:
    """The team as it is, planned within ``settings``; ``NoRoster`` if no roster was found."""
    result = solve_problem(Problem.build(scenario), settings)
    if not result.found_roster:
        raise NoRoster(
            f"no roster for the team as it is within {settings.time_limit_seconds:g} s "
            f"(status {result.status.value}); try a longer --baseline-time-limit"
        )
    return Baseline(scenario, result, Outcome.of(scenario, checked(result)), settings)


def checked(result: Result) -> Coverage:
    """The roster's coverage; ``RosterBroken`` if it breaks a hard rule (a solver bug)."""
    validation = result.validation
    if not validation.ok:
        raise RosterBroken(validation.violations)
    return validation.coverage


def _evaluate(
    problem: Problem,
    hires: tuple[Agent, ...],
    baseline: Baseline,
    start_roster: Sequence[Shift],
    time_limit: float,
    workers: int | None = None,
    **solve_options: Any,
) -> HireOption:
    """Re-plan the week of ``problem`` (the team and some hires) against the baseline."""
    settings = baseline.settings.replace(
        time_limit_seconds=time_limit, workers=workers or baseline.settings.workers
    )
    result = solve_problem(problem, settings, start_roster=start_roster, **solve_options)
    if not result.found_roster:
        raise NoRoster(
            f"no roster with the hires within {time_limit:g} s (status {result.status.value}); "
            "try a longer --time-limit or --joint-time-limit"
        )
    final = result.roster.scenario
    hired = tuple(h for h in hires if h.id in {a.id for a in final.agents})
    return HireOption(
        zones=tuple(h.timezone for h in hired),
        hires=hired,
        scenario=final,
        result=result,
        outcome=Outcome.of(final, checked(result)),
        baseline=baseline.outcome,
    )


def _evaluate_single(job: tuple[Baseline, Agent, float]) -> HireOption:
    baseline, hire, time_limit = job
    problem = Problem.build(with_agents(baseline.scenario, (hire,)), baseline.requirements)
    return _evaluate(problem, (hire,), baseline, baseline.result.roster, time_limit, workers=1)


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
    on_done: Callable[[HireOption], None] | None = None,
    copy: Callable[[str], int] | None = None,
    skills: tuple[str, ...] = (),
) -> list[HireOption]:
    """Re-plan the week once per candidate zone with one more agent there.

    Candidates are independent: they run in a pool of ``processes`` worker
    processes, one CP-SAT worker each, each warm-started from the baseline.
    """
    number = copy or (lambda zone: 1)
    jobs = [
        (baseline, hypothetical_agent(zone, number(zone), rules, skills), time_limit)
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
    skills: tuple[str, ...] = (),
) -> list[HireOption]:
    """Take the best single hire, re-plan, and repeat: one option per round, cumulative."""
    rounds: list[HireOption] = []
    current = baseline
    hires: tuple[Agent, ...] = ()
    for _ in range(count):
        taken = [h.timezone for h in hires]
        singles = rank_single_hires(
            current, zones, rules, time_limit=time_limit, processes=processes,
            copy=lambda zone, taken=taken: 1 + taken.count(zone),  # type: ignore[misc]
            skills=skills,
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
    baseline: Baseline, zones: Sequence[str], rules: Rules, copies: int, skills: tuple[str, ...]
) -> tuple[Problem, tuple[Agent, ...]]:
    """The team and ``copies`` optional hires per zone, of whom the solver may take some."""
    hires = tuple(
        hypothetical_agent(z, k, rules, skills) for z in zones for k in range(1, copies + 1)
    )
    scenario = with_agents(baseline.scenario, hires)
    optional = frozenset(h.id for h in hires)
    return Problem.build(scenario, baseline.requirements, optional), hires


def best_hires_together(
    baseline: Baseline,
    zones: Sequence[str],
    rules: Rules,
    count: int,
    *,
    time_limit: float,
    start: HireOption | None = None,
    skills: tuple[str, ...] = (),
) -> HireOption:
    """One joint model: up to ``count`` optional agents across all zones, best placement.

    Warm-started from ``start`` (the greedy placement), so it is never worse.
    """
    problem, hires = _optional_team(baseline, zones, rules, count, skills)
    start_roster = start.result.roster if start else baseline.result.roster
    return _evaluate(problem, hires, baseline, start_roster, time_limit, max_optional=count)


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
    skills: tuple[str, ...] = (),
) -> UntilResult:
    """Fewest hires leaving no uncovered time (``covered``) or no shortfall (``service-level``)."""
    problem, hires = _optional_team(baseline, zones, rules, max_hires, skills)
    goal = (UNCOVERED,) if target == "covered" else (UNCOVERED, SHORTFALL)
    rest = (SHORTFALL,) if target == "covered" else ()
    stages = (goal, (HIRES,), *((rest,) if rest else ()), (START_TIMES,))
    option = _evaluate(
        problem, hires, baseline, baseline.result.roster, time_limit,
        max_optional=max_hires, stages=stages,
    )  # fmt: skip
    # The search may stop before a stage ends (time limit), leaving later ones unrun.
    outcomes = option.result.stages
    first_proven = bool(outcomes) and outcomes[0].status is Status.OPTIMAL
    fewest_proven = len(outcomes) > 1 and outcomes[1].status is Status.OPTIMAL
    left = option.outcome.uncovered_hours if target == "covered" else (
        option.outcome.shortfall_agent_hours + option.outcome.uncovered_hours
    )  # fmt: skip
    if left <= 0:
        proven = fewest_proven
        count = len(option.hires)
        proof = "proven the fewest" if proven else "enough (fewest not proven in the time limit)"
        reason = f"{count} hire(s): {proof}"
        return UntilResult(target, option, True, proven, reason)
    what = "uncovered time" if target == "covered" else "shortfall"
    unreachable = _unreachable(problem, baseline)
    if unreachable:
        reason = f"no candidate zone's rules allow anyone on {unreachable}, so {what} remains"
    elif first_proven:
        reason = f"even {max_hires} hires leave {left:g} h of {what}; try a larger --max-hires"
    else:
        reason = f"no placement within {max_hires} hires removed all {what} in the time limit"
    return UntilResult(target, option, False, False, reason)


def _unreachable(problem: Problem, baseline: Baseline) -> str:
    """UTC spans in which some queue has demand that no agent who serves it, hired or
    not, could ever be on."""
    reachable = np.zeros((problem.queue_count, problem.slots), dtype=bool)
    for option in problem.options:
        for day in option.days:
            for candidate in day:
                for t in problem.slots_of(candidate):
                    reachable[list(option.queues), t % problem.slots] = True
    demand = (np.asarray(problem.queue_required) > 0) | (np.asarray(problem.queue_floor) > 0)
    missing: np.ndarray = np.any(~reachable & demand, axis=0)
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


# --- the whole hiring answer ---------------------------------------------------------------


@dataclass(frozen=True)
class HireRequest:
    """What to ask: the candidate zones and the hire's rules, and how hard to look.

    ``time_limit`` is per candidate re-plan (solved ``processes`` at a time,
    one CP-SAT worker each); ``joint_time_limit`` for the joint and until
    models, and ``baseline_time_limit`` for the team's own plan (default: the
    scenario's). ``workers`` and ``seed`` default to the scenario's.
    """

    zones: tuple[str, ...] = DEFAULT_ZONES
    rules: Rules | None = None  # default: the team's rules
    skills: tuple[str, ...] = ()  # queues the hire serves; default: every queue
    hires: int = 1
    until: tuple[Target, ...] = ()
    max_hires: int = 10
    time_limit: float = 2.0
    baseline_time_limit: float | None = None
    joint_time_limit: float = 30.0
    processes: int = 1
    workers: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class HireStep:
    """Where ``advise_hires`` is: the step that runs, and how many of its parts are done."""

    description: str
    done: int = 0
    total: int | None = None


@dataclass(frozen=True)
class HireReport:
    """Every answer to a hiring question, each a re-planned and validated week."""

    scenario: Scenario
    rules: Rules
    baseline: Baseline
    singles: tuple[HireOption, ...]
    greedy: tuple[HireOption, ...] = ()
    together: HireOption | None = None
    untils: tuple[UntilResult, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)  # per step, for hire.json
    skills: tuple[str, ...] = ()  # the queues a hire serves; empty: every queue

    @property
    def week_start(self) -> datetime:
        return self.baseline.requirements.week.start_utc

    @property
    def best_single(self) -> HireOption:
        return rank(self.singles)[0][1]

    def placements(self) -> list[tuple[str, HireOption]]:
        """Several-hire answers side by side: greedy rounds, the joint model, the untils."""
        rows = [(f"greedy, {i + 1} hire(s)", r) for i, r in enumerate(self.greedy)]
        if self.together is not None:
            rows.append((f"together, up to {len(self.greedy)}", self.together))
        rows.extend((f"until {u.target}", u.option) for u in self.untils if u.option and u.reached)
        return rows


def advise_hires(
    scenario: Scenario,
    request: HireRequest,
    on_step: Callable[[HireStep], None] | None = None,
) -> HireReport:
    """Plan the team, then rank one hire per zone, place ``request.hires`` greedily and
    together, and find the fewest hires for each ``request.until`` target.

    Raises ``NoRoster`` when the team's own week finds no roster, ``InputError``
    for rules an agent cannot meet, ``RosterBroken`` if a roster breaks a rule.
    """
    step = on_step or (lambda _: None)
    rules = request.rules or scenario.rules
    settings = solver_settings(scenario, request.baseline_time_limit, request.workers, request.seed)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        seconds[name] = round(time.perf_counter() - clock, 2)
        clock = time.perf_counter()

    step(HireStep("Planning the team as it is…"))
    baseline = plan_baseline(scenario, settings)
    lap("baseline")
    total = len(request.zones)
    step(HireStep("Re-planning with one hire per zone", 0, total))
    done = iter(range(1, total + 1))
    singles = rank_single_hires(
        baseline, request.zones, rules, time_limit=request.time_limit,
        processes=request.processes, skills=request.skills,
        on_done=lambda _: step(HireStep("Re-planning with one hire per zone", next(done), total)),
    )  # fmt: skip
    lap("candidates")
    greedy: list[HireOption] = []
    together = None
    if request.hires > 1:
        step(HireStep(f"Greedy: best single hire, {request.hires} times over…"))
        greedy = greedy_hires(
            baseline, request.zones, rules, request.hires, time_limit=request.time_limit,
            processes=request.processes, skills=request.skills,
        )  # fmt: skip
        lap("greedy")
        step(HireStep(f"Joint model: up to {request.hires} hires placed together…"))
        together = best_hires_together(
            baseline, request.zones, rules, request.hires,
            time_limit=request.joint_time_limit, start=greedy[-1], skills=request.skills,
        )  # fmt: skip
        lap("together")
    untils = []
    for target in request.until:
        step(HireStep(f"Fewest hires until {target}…"))
        until = hires_until(
            baseline, request.zones, rules, target,
            max_hires=request.max_hires, time_limit=request.joint_time_limit,
            skills=request.skills,
        )  # fmt: skip
        untils.append(until)
        lap(f"until_{target.replace('-', '_')}")
    return HireReport(
        scenario, rules, baseline, tuple(singles), tuple(greedy), together, tuple(untils),
        seconds, request.skills,
    )  # fmt: skip
