"""Property-based tests: random small teams, zones with odd offsets, clock changes.

For every generated scenario:
- every roster passes the independent validator, and the LP lower bound never
  exceeds what the roster achieves;
- coverage and gaps recomputed from ``roster.csv`` alone equal ``coverage.csv``
  and ``gaps.csv``;
- uncovered time never increases when an agent is added or availability
  widens (both solved to proven optimality);
- a hire's claimed gain is reproduced by re-planning the team with the hire;
- with queues (random hours in random zones, skills, priorities and shortest
  blocks), every roster and its activities pass the validator, the solver's
  terms equal the validator's, and the LP bound never exceeds them.

CI runs a bounded profile; ``HYPOTHESIS_PROFILE=thorough`` runs ten times more.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from coverage.errors import InputError
from coverage.hire import hire_rules, plan_baseline, rank_single_hires, with_agents
from coverage.inputs import read_roster
from coverage.models import (
    Agent,
    AvailabilityWindow,
    Forecast,
    ForecastRow,
    Queue,
    Rules,
    Scenario,
    SolverSettings,
    Staffing,
)
from coverage.outputs import csv_text, write_files
from coverage.plan import plan_from_result
from coverage.report import coverage_frame, gaps_frame
from coverage.solver import Problem, Status, solve, solve_problem, solver_settings
from coverage.solver.model import SHORTFALL, UNCOVERED
from coverage.validate import measure_coverage, validate_roster

ZONES = (
    "UTC", "Europe/Dublin", "America/Los_Angeles", "America/St_Johns", "Australia/Sydney",
    "Australia/Adelaide", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham", "Asia/Tokyo",
)  # fmt: skip
# Weeks in which regions change clocks on different dates (or do not).
WEEKS = (
    date(2026, 3, 23),  # Europe on 29 March; the US already on DST
    date(2026, 10, 26),  # the US on 1 November; Europe the day before the week
    date(2026, 3, 30),  # Sydney, Adelaide and Chatham on 5 April, after the week
    date(2026, 9, 28),  # Chatham on 27 September (just before), Sydney on 4 October
    date(2026, 6, 15),  # no change anywhere
)
COVERAGE_ONLY = ((UNCOVERED, SHORTFALL),)
SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1
COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": True,
}


@st.composite
def rules(draw: st.DrawFn) -> Rules:
    lengths = draw(st.sampled_from([(8.0,), (6.0, 8.0), (4.0,), (7.5,)]))
    days = draw(st.integers(2, 6))
    weekly = draw(st.integers(1, days)) * lengths[-1]
    earliest = draw(st.sampled_from(["06:00", "07:00", "08:30"]))
    latest = draw(st.sampled_from(["18:00", "21:00", "23:00", "24:00"]))
    return Rules(
        weekly_hours=weekly,
        days_per_week=days,
        shift_hours=lengths,
        start_step_minutes=draw(st.sampled_from([15, 30, 60])),
        earliest_start=earliest,
        latest_end=latest,
        min_rest_hours=draw(st.sampled_from([8, 11, 12])),
        max_consecutive_days=draw(st.integers(3, 7)),
    )


@st.composite
def agents(draw: st.DrawFn, number: int) -> Agent:
    week = draw(st.sampled_from(range(7)))
    availability: tuple[AvailabilityWindow, ...] = ()
    if draw(st.booleans()):
        days = draw(st.sets(st.integers(0, 6), min_size=3, max_size=7))
        start = draw(st.sampled_from([6 * 60, 8 * 60, 10 * 60]))
        availability = tuple(
            AvailabilityWindow(day=d, start=start, end=start + 10 * 60) for d in sorted(days)
        )
    return Agent(
        id=f"a{number}",
        name=f"Agent {number}",
        timezone=draw(st.sampled_from(ZONES)),
        rules=draw(rules()),
        availability=availability,
        time_off=frozenset({WEEKS[0] + timedelta(days=week)})
        if draw(st.booleans())
        else frozenset(),
    )


@st.composite
def scenarios(draw: st.DrawFn, max_agents: int = 3, min_agents: int | None = None) -> Scenario:
    week = draw(st.sampled_from(WEEKS))
    count = draw(st.integers(1, max_agents))
    team = [draw(agents(i)) for i in range(count)]
    team = [a.replace(time_off=frozenset(week + (d - WEEKS[0]) for d in a.time_off)) for a in team]
    noise = random.Random(draw(st.integers(0, 10_000)))
    first = datetime.combine(week, datetime.min.time(), tzinfo=UTC) - timedelta(days=2)
    rows = tuple(
        ForecastRow(start=first + timedelta(hours=h), required=noise.choice([0, 0, 1, 1, 2, 3]))
        for h in range(11 * 24)
    )
    return Scenario(
        name="random",
        week_start=week,
        timezone=draw(st.sampled_from(ZONES)),
        interval_minutes=draw(st.sampled_from([15, 30, 60])),
        agents=tuple(team),
        forecast=Forecast(kind="required", step_minutes=60, rows=rows),
        staffing=Staffing(min_agents=draw(st.integers(0, 1)) if min_agents is None else min_agents),
        solver=SolverSettings(time_limit_seconds=3, workers=1),
    )


def planned(scenario: Scenario, **options: object):  # type: ignore[no-untyped-def]
    """Solve, or skip the example when the random rules contradict for some agent."""
    try:
        return solve(scenario, **options)  # type: ignore[arg-type]
    except InputError:
        assume(False)


@settings(max_examples=25 * SCALE, **COMMON)  # type: ignore[arg-type]
@given(scenarios())
def test_every_roster_passes_the_validator_and_its_files_recompute_from_roster_csv(
    scenario: Scenario,
) -> None:
    result = planned(scenario)
    assert result.found_roster
    validation = validate_roster(scenario, result.roster)
    assert validation.ok, validation.violations
    totals = validation.coverage.totals()
    assert result.lower_bound is not None  # the LP bound never claims more than a roster does
    assert result.lower_bound.uncovered_agent_hours <= totals["uncovered_agent_hours"] + 1e-6
    assert result.lower_bound.shortfall_agent_hours <= totals["shortfall_agent_hours"] + 1e-6
    plan = plan_from_result(result)
    with TemporaryDirectory() as folder:
        write_files(Path(folder), plan.files())
        rows, _ = read_roster(Path(folder))
        recounted = measure_coverage(scenario, [r.shift for r in rows])
        written = {n: (Path(folder) / n).read_text() for n in ("coverage.csv", "gaps.csv")}
    assert csv_text(coverage_frame(scenario, recounted)) == written["coverage.csv"]
    assert csv_text(gaps_frame(recounted)) == written["gaps.csv"]


def uncovered_when_proven(scenario: Scenario) -> float:
    """The least uncovered agent-hours any roster of the team can have (proven)."""
    try:
        result = solve_problem(
            Problem.build(scenario), solver_settings(scenario, 20), stages=COVERAGE_ONLY
        )
    except InputError:
        assume(False)
    assume(result.status is Status.OPTIMAL)
    assert result.validation.ok
    return result.validation.coverage.totals()["uncovered_agent_hours"]


@settings(max_examples=12 * SCALE, **COMMON)  # type: ignore[arg-type]
@given(scenarios(max_agents=2, min_agents=1), agents(9), st.booleans())
def test_uncovered_time_never_grows_when_an_agent_joins_or_availability_widens(
    scenario: Scenario, newcomer: Agent, widen: bool
) -> None:
    before = uncovered_when_proven(scenario)
    if widen:
        bigger = scenario.replace(agents=tuple(a.replace(availability=()) for a in scenario.agents))
    else:
        bigger = with_agents(scenario, (newcomer.replace(time_off=frozenset()),))
    assert uncovered_when_proven(bigger) <= before + 1e-9


@settings(max_examples=5 * SCALE, **COMMON)  # type: ignore[arg-type]
@given(scenarios(max_agents=2, min_agents=1))
def test_a_hires_claimed_gain_is_reproduced_by_re_planning(scenario: Scenario) -> None:
    # The hours a hire is said to close must be what re-planning the team with
    # and without the hire from scratch, both proven optimal, closes.
    before = uncovered_when_proven(scenario)
    baseline = plan_baseline(scenario, SolverSettings(time_limit_seconds=10, workers=1))
    assume(baseline.result.status is Status.OPTIMAL)
    rules_for_hire = hire_rules(scenario, {})
    try:
        options = rank_single_hires(
            baseline, ("Asia/Kolkata", "America/Los_Angeles"), rules_for_hire,
            time_limit=10, processes=1,
        )  # fmt: skip
    except InputError:
        assume(False)  # the team's default rules do not fit a hire in that zone
    for option in options:
        assert option.result.validation.ok
        assume(option.result.stages[0].status is Status.OPTIMAL)
        after = uncovered_when_proven(option.scenario)
        assert option.uncovered_closed == round(before - after, 4)


# --- queues -------------------------------------------------------------------------------

HOURS = (
    "24/7",
    "Mon-Fri 08:00-18:00",
    "Mon-Fri 20:00-04:00",  # wraps midnight
    "Sat,Sun 10:00-16:00",
    "Mon-Sun 09:30-17:15",
)


@st.composite
def queued_scenarios(draw: st.DrawFn) -> Scenario:
    """A random scenario whose forecast is split into two or three queues, each with
    its own hours (in a random zone), floor and priority, and agents with random
    skills (some with none: every queue) and shortest blocks."""
    base = draw(scenarios(max_agents=3))
    count = draw(st.integers(2, 3))
    names = ("en", "de", "ja")[:count]
    noise = random.Random(draw(st.integers(0, 10_000)))
    first = base.week_start_utc - timedelta(days=2)
    queues = []
    for name in names:
        rows = tuple(
            ForecastRow(start=first + timedelta(hours=h), required=noise.choice([0, 1, 1, 2]))
            for h in range(11 * 24)
        )
        queues.append(
            Queue(
                name=name,
                forecast=Forecast(kind="required", step_minutes=60, rows=rows),
                hours=draw(st.sampled_from(HOURS)),
                hours_timezone=draw(st.sampled_from(ZONES)),
                priority=draw(st.integers(1, 3)),
                staffing=Staffing(min_agents=draw(st.integers(0, 1))),
            )
        )
    team = []
    for member in base.agents:
        skills = draw(st.sets(st.sampled_from(names), max_size=count))
        minimum = draw(st.sampled_from([0, 30, 60, 90]))
        team.append(
            member.replace(
                skills=tuple(n for n in names if n in skills),
                rules=member.rules.replace(min_activity_minutes=minimum),
            )
        )
    return Scenario(
        name="queues",
        week_start=base.week_start,
        timezone=base.timezone,
        interval_minutes=base.interval_minutes,
        agents=tuple(team),
        queues=tuple(queues),
        solver=base.solver,
    )


@settings(max_examples=20 * SCALE, **COMMON)  # type: ignore[arg-type]
@given(queued_scenarios())
def test_every_roster_with_queues_passes_the_validator_and_never_beats_the_lp_bound(
    scenario: Scenario,
) -> None:
    result = planned(scenario)
    assert result.found_roster
    roster = result.roster
    validation = validate_roster(scenario, roster, activities=roster.activities)
    assert validation.ok, validation.violations
    weighted = {"uncovered_agent_hours": 0.0, "shortfall_agent_hours": 0.0}
    for queue, measured in zip(scenario.queues, validation.coverage.queues, strict=True):
        totals = measured.totals()
        for key in weighted:
            weighted[key] += queue.priority * totals[key]
    assert result.lower_bound is not None
    assert result.lower_bound.uncovered_agent_hours <= weighted["uncovered_agent_hours"] + 1e-6
    assert result.lower_bound.shortfall_agent_hours <= weighted["shortfall_agent_hours"] + 1e-6
    # The solver's own count of its terms agrees with the validator's.
    assert result.terms["uncovered"] == pytest.approx(weighted["uncovered_agent_hours"])
    assert result.terms["shortfall"] == pytest.approx(weighted["shortfall_agent_hours"])
    # Every minute of every shift is in exactly one activity.
    assert sum(a.minutes for a in roster.activities) == sum(s.minutes for s in roster)
    # coverage.csv and gaps.csv recompute from roster.csv and activities.csv alone.
    plan = plan_from_result(result)
    with TemporaryDirectory() as folder:
        write_files(Path(folder), plan.files())
        rows, _ = read_roster(Path(folder))
        activities = [a for r in rows for a in r.activities]
        recounted = validate_roster(scenario, [r.shift for r in rows], activities=activities)
        written = {n: (Path(folder) / n).read_text() for n in ("coverage.csv", "gaps.csv")}
    assert recounted.ok
    assert csv_text(coverage_frame(scenario, recounted.coverage)) == written["coverage.csv"]
    assert csv_text(gaps_frame(recounted.coverage)) == written["gaps.csv"]
