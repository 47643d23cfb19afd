"""The performance targets on named benchmark instances (opt in: ``pytest -m benchmark``).

Not run by ``.ci/run``: each instance solves for up to a minute on 2 cores. The
instances are ``benchmarks/run.py``'s; a target still missed is marked
``xfail`` with what was measured (strict where it missed on every run, so
that meeting it shows).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks.run import run_one
from benchmarks.wall import quarter_hour_team
from coverage import load_scenario
from coverage.plan import make_plan
from coverage.solver import Status

pytestmark = pytest.mark.benchmark
SCENARIOS = Path(__file__).parent.parent / "scenarios"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_200_agents_on_8_hour_shifts_come_within_1_percent_of_the_bound_in_10_seconds(
    seed: int,
) -> None:
    row = run_one(200, seed, 30, flexible=False)
    assert row["within_1pct_seconds"] is not None and row["within_1pct_seconds"] <= 10, row


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_200_agents_on_8_hour_shifts_have_their_coverage_proven_within_30_seconds(
    seed: int,
) -> None:
    row = run_one(200, seed, 30, flexible=False)
    assert row["coverage_stage"] == "OPTIMAL" and row["coverage_stage_seconds"] <= 30, row


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_200_agents_on_6_to_10_hour_shifts_end_within_2_percent_of_the_bound(seed: int) -> None:
    row = run_one(200, seed, 30, flexible=True)
    above_hours = row["shortfall_agent_hours"] - row["lower_bound_shortfall"]
    assert row["above_bound"] <= 0.02 or above_hours <= 1, row


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_200_agents_in_four_queues_end_within_2_percent_of_the_bound_in_1_5_gb(seed: int) -> None:
    row = run_one(200, seed, 30, flexible=False, queues=True)
    assert row["above_bound"] <= 0.02 and row["peak_memory_mb"] <= 1500, row


def test_1000_agents_on_6_to_10_hour_shifts_end_within_2_percent_in_2_gb() -> None:
    row = run_one(1000, 0, 30, flexible=True)
    assert row["above_bound"] <= 0.02 and row["peak_memory_mb"] <= 2000, row
    assert row["total_seconds"] <= row["time_limit"] + 2, row


def test_5000_agents_on_8_hour_shifts_end_within_1_percent_in_300_seconds_and_4_gb() -> None:
    row = run_one(5000, 0, 30, flexible=False)
    assert row["above_bound"] <= 0.01 and row["peak_memory_mb"] <= 4000, row
    assert row["total_seconds"] <= row["time_limit"] + 2, row


@pytest.mark.xfail(
    strict=True, reason="2026-12-04: coverage proven at 19-30 s, 25 start times above a bound of 0"
)
def test_the_bundled_plan_returns_in_20_seconds_proven_or_within_1_of_its_bound() -> None:
    scenario = load_scenario(SCENARIOS / "global-24x7.toml")
    started = time.perf_counter()
    plan = make_plan(scenario)
    waited = time.perf_counter() - started
    coverage, *tie_breakers = plan.solved.stages
    assert coverage.status is Status.OPTIMAL, coverage
    for stage in tie_breakers:
        assert stage.objective is not None and stage.best_bound is not None, stage
        assert stage.status is Status.OPTIMAL or stage.objective - stage.best_bound <= 1, stage
    assert waited <= 20, waited


def test_45_agents_with_24_hour_windows_leave_nothing_uncovered_in_5_seconds() -> None:
    plan = make_plan(quarter_hour_team(45), time_limit=5)
    assert plan.validation is not None
    assert plan.validation.coverage.totals()["uncovered_hours"] == 0
