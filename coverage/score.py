"""Score a roster someone made: its coverage, gaps and broken rules, and with
``compare`` what the optimiser would do with the same week."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from coverage.inputs import GivenRoster
from coverage.models import Scenario
from coverage.outputs import csv_text, json_text
from coverage.plan import PLAN_FILES, Plan, make_plan, plan_of_given
from coverage.report import violations_frame
from coverage.requirements import build_requirements
from coverage.solver import Problem, Progress

SCORE_FILES = (*PLAN_FILES, "violations.csv")
# The figures ``--compare`` sets side by side, as summary.json names them.
COMPARED = (
    ("uncovered_hours", "Uncovered hours"),
    ("shortfall_agent_hours", "Agent-hours short"),
    ("contacts_late", "Contacts late"),
    ("service_level", "Service level"),
    ("violations", "Broken rules"),
)


@dataclass(frozen=True)
class Score:
    """A given roster's plan files and findings; ``allocated`` when it came without
    queues and they were chosen for it; ``compared`` the optimiser's plan."""

    given: GivenRoster
    plan: Plan
    violations: pd.DataFrame
    allocated: bool = False
    compared: Plan | None = None

    @property
    def summary(self) -> dict[str, Any]:
        data = dict(self.plan.summary)
        data["roster_source"] = self.given.source
        data["queues_allocated"] = self.allocated
        data["replan_absences"] = len(self.given.absences)
        if self.compared is not None:
            data["compared"] = {
                key: {"theirs": self.plan.summary.get(key), "ours": self.compared.summary.get(key)}
                for key, _ in COMPARED
            }
            data["compared"]["solve_status"] = self.compared.summary["status"]
        return data

    def files(self) -> dict[str, str]:
        """What ``plan`` writes, and ``violations.csv``."""
        files = self.plan.files()
        files["violations.csv"] = csv_text(self.violations)
        files["summary.json"] = json_text(self.summary)
        return files


def score_roster(
    scenario: Scenario,
    given: GivenRoster,
    *,
    compare: bool = False,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    deterministic: bool | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Score:
    """The given roster measured as a plan is (every rule re-checked, coverage minute
    by minute); without queues in it, each agent serves the queues that cover best."""
    scenario = scenario.with_absences(given.absences, given.time_off)
    requirements = build_requirements(scenario)
    allocated = given.activities is None and len(scenario.queues) > 1
    grid = Problem.build(scenario, requirements).step_minutes
    plan = plan_of_given(scenario, requirements, given.shifts, given.activities, grid)
    assert plan.validation is not None
    violations = violations_frame(scenario, plan.validation.violations)
    compared = None
    if compare:
        compared = make_plan(
            scenario, time_limit=time_limit, workers=workers, seed=seed,
            deterministic=deterministic, on_progress=on_progress,
        )  # fmt: skip
    return Score(given, plan, violations, allocated, compared)
