"""Build scenarios in code: forecasts from a number or a function, agents from records.

What the files give the loader, for a team made in Python (tests, notebooks,
other tools). Everything returned is a validated model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import pandas as pd

from coverage.models import (
    RULE_FIELDS,
    Agent,
    AvailabilityWindow,
    Forecast,
    ForecastRow,
    Rules,
)

Value = float | Callable[[datetime], float]


def hourly_forecast(
    value: Value,
    week_start: date,
    *,
    kind: Literal["required", "contacts"] = "required",
    margin_days: int = 1,
    step_minutes: int = 60,
) -> Forecast:
    """A forecast per UTC step from ``margin_days`` before the Monday to as many after,
    so it covers the week in any zone. ``value`` is a number, or a function of
    each row's UTC start (required agents, or contacts per step)."""
    first = datetime.combine(week_start, time(0), tzinfo=UTC) - timedelta(days=margin_days)
    count = (7 + 2 * margin_days) * 24 * 60 // step_minutes
    rows = []
    for k in range(count):
        start = first + timedelta(minutes=k * step_minutes)
        amount = value(start) if callable(value) else value
        rows.append(ForecastRow.model_validate({"start": start, kind: amount}))
    return Forecast(kind=kind, step_minutes=step_minutes, rows=tuple(rows))


def constant_forecast(required: float, week_start: date) -> Forecast:
    """The same number of required agents at every hour of the week."""
    return hourly_forecast(required, week_start)


def agents_from_records(records: Iterable[Mapping[str, Any]]) -> tuple[Agent, ...]:
    """Agents from dicts with the columns of ``agents.csv`` (``id``, ``name``,
    ``timezone``, ``skills`` such as ``"german;english"``, and any rule such as
    ``weekly_hours``), plus optional ``availability`` (``AvailabilityWindow``s or
    dicts) and ``time_off`` (dates).

    A record without rule keys keeps the team's rules (see ``Scenario``).
    """
    agents = []
    for record in records:
        data = {k: v for k, v in record.items() if not _blank(v)}
        rules = {k: data.pop(k) for k in list(data) if k in RULE_FIELDS}
        if rules:
            data["rules"] = Rules.model_validate(rules)
        if "availability" in data:
            data["availability"] = tuple(
                w if isinstance(w, AvailabilityWindow) else AvailabilityWindow.model_validate(w)
                for w in data["availability"]
            )
        data.setdefault("name", data.get("id", ""))
        agents.append(Agent.model_validate(data))
    return tuple(agents)


def agents_from_frame(frame: pd.DataFrame) -> tuple[Agent, ...]:
    """Agents from a data frame with the columns of ``agents.csv`` (empty cells: team rules)."""
    records = frame.to_dict(orient="records")
    return agents_from_records({str(k): v for k, v in r.items()} for r in records)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""
