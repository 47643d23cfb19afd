"""One weekly plan end to end: solve, validate independently, build the report data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from coverage.models import Scenario
from coverage.outputs import csv_text, json_text
from coverage.report import agent_hours_frame, coverage_frame, gaps_frame, summary
from coverage.requirements import Requirements
from coverage.roster import Roster
from coverage.solver import Progress, Result, solve
from coverage.solver.given import serve_given
from coverage.timegrid import Activity, Shift
from coverage.validate import Validation

# Every file a plan writes; a plan without a roster writes only summary.json and
# removes the others, so no earlier run's roster is left beside it.
PLAN_FILES = ("roster.csv", "activities.csv", "coverage.csv", "gaps.csv", "summary.json")


@dataclass(frozen=True)
class Plan:
    """A week's roster, solved (``result``) or given to be scored (no ``result``),
    with its independent validation and report tables."""

    scenario: Scenario
    result: Result | None
    validation: Validation | None
    roster: pd.DataFrame
    activities: pd.DataFrame
    coverage: pd.DataFrame
    gaps: pd.DataFrame
    agent_hours: pd.DataFrame
    summary: dict[str, Any]

    @property
    def solved(self) -> Result:
        """The solve's result (a plan made by ``make_plan`` always has one)."""
        if self.result is None:
            raise ValueError("a scored roster has no solve result")
        return self.result

    def files(self) -> dict[str, str]:
        """File name -> contents; only ``summary.json`` when no roster was found, and
        ``activities.csv`` when the scenario has queues."""
        if self.result is not None and not self.result.found_roster:
            return {"summary.json": json_text(self.summary)}
        activities = (
            {"activities.csv": csv_text(self.activities)} if self.scenario.declares_queues else {}
        )
        return {
            "roster.csv": csv_text(self.roster),
            **activities,
            "coverage.csv": csv_text(self.coverage),
            "gaps.csv": csv_text(self.gaps),
            "summary.json": json_text(self.summary),
        }


def make_plan(
    scenario: Scenario,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    deterministic: bool | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    interruptible: bool = False,
) -> Plan:
    """Solve the week (see ``solve``) and validate the roster from its rows alone."""
    result = solve(
        scenario,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        on_progress=on_progress,
        interruptible=interruptible,
    )
    return plan_from_result(result)


def plan_from_result(result: Result) -> Plan:
    """The report tables of a solved week, its roster validated from its rows alone."""
    scenario, grid = result.roster.scenario, result.grid_minutes
    if not result.found_roster:
        empty = pd.DataFrame()
        return Plan(
            scenario, result, None, empty, empty, empty, empty, empty,
            summary(scenario, result, None, grid),
        )  # fmt: skip
    return _plan(result.roster, result, grid)


def plan_of_roster(roster: Roster, grid_minutes: int) -> Plan:
    """The report tables of a given roster (no solve), validated from its rows alone;
    ``grid_minutes`` is the grid a solve of the week would use."""
    return _plan(roster, None, grid_minutes)


def plan_of_given(
    scenario: Scenario,
    requirements: Requirements,
    shifts: Sequence[Shift],
    activities: Sequence[Activity] | None,
    grid_minutes: int,
) -> Plan:
    """``plan_of_roster`` of given shifts; without ``activities`` and with several queues,
    each agent serves the queues that cover best, as the solver serves its own."""
    if activities is None and len(scenario.queues) > 1:
        activities = serve_given(scenario, shifts, requirements)
    roster = Roster(scenario, requirements, tuple(shifts), tuple(activities or ()))
    return plan_of_roster(roster, grid_minutes)


def _plan(roster: Roster, result: Result | None, grid_minutes: int) -> Plan:
    scenario, validation = roster.scenario, roster.validation
    gaps = gaps_frame(validation.coverage)
    hours = agent_hours_frame(scenario, roster)
    data = summary(scenario, result, validation.coverage, grid_minutes, hours, gaps)
    data["violations"] = len(validation.violations)
    return Plan(
        scenario=scenario,
        result=result,
        validation=validation,
        roster=roster.frame(),
        activities=roster.activity_frame(),
        coverage=coverage_frame(scenario, validation.coverage),
        gaps=gaps,
        agent_hours=hours,
        summary=data,
    )
