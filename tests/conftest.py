"""Builders for tiny scenarios, made through the public models."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from coverage.models import Agent, Forecast, ForecastRow, Rules, Scenario, Staffing
from coverage.solver import Result, Status, solve
from coverage.validate import Validation, validate_roster

WEEK_OF_MARCH = date(2026, 3, 23)  # US already on DST, EU changes on Sunday 29th
WEEK_OF_OCTOBER = date(2026, 10, 26)  # EU changed on the 25th, US changes on 1 November


def hourly_forecast(
    required: int | Callable[[datetime], int], week_start: date = WEEK_OF_MARCH
) -> Forecast:
    """Required agents per UTC hour, from a day before the week to a day after."""
    first = datetime.combine(week_start, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    rows = []
    for hour in range(9 * 24):
        start = first + timedelta(hours=hour)
        value = required(start) if callable(required) else required
        rows.append(ForecastRow(start=start, required=value))
    return Forecast(kind="required", step_minutes=60, rows=tuple(rows))


def agent(agent_id: str, zone: str = "UTC", **rules: Any) -> Agent:
    extra = {k: rules.pop(k) for k in ("availability", "time_off") if k in rules}
    return Agent(id=agent_id, name=agent_id.title(), timezone=zone, rules=Rules(**rules), **extra)


def scenario(
    agents: list[Agent],
    required: int | Callable[[datetime], int] = 1,
    *,
    week_start: date = WEEK_OF_MARCH,
    min_agents: int = 1,
    **fields: Any,
) -> Scenario:
    return Scenario(
        name="test",
        week_start=week_start,
        agents=tuple(agents),
        forecast=hourly_forecast(required, week_start),
        staffing=Staffing(min_agents=min_agents),
        **fields,
    )


def solve_and_validate(scenario: Scenario, time_limit: float = 30) -> tuple[Result, Validation]:
    """Every solver test goes through the independent validator."""
    result = solve(scenario, time_limit=time_limit, workers=1, seed=0)
    assert result.status is Status.OPTIMAL, result.status
    validation = validate_roster(scenario, result.roster, activities=result.roster.activities)
    assert validation.ok, validation.violations
    return result, validation


@pytest.fixture
def tiny_dir() -> Any:
    from pathlib import Path

    return Path(__file__).parent / "data" / "tiny"


@pytest.fixture(params=["slot by slot", "by differences"])
def either_counting(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each solver test under both ways the model counts agents on (see
    ``RosterModel.add_coverage``): the same optimum either way."""
    if request.param == "by differences":
        monkeypatch.setattr("coverage.solver.model.DIFFERENCES_FROM", 0)
