"""The models hold their own invariants, whether built from files or in code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from coverage import (
    Agent,
    Forecast,
    ForecastRow,
    Rules,
    Scenario,
    agents_from_frame,
    agents_from_records,
    constant_forecast,
    hourly_forecast,
)
from coverage.requirements import build_requirements
from tests.conftest import WEEK_OF_MARCH, agent, scenario

MONDAY = datetime(2026, 3, 23, tzinfo=UTC)


def peak_at_nine(start: datetime) -> int:
    return 5 if start == MONDAY + timedelta(hours=9) else 1


def test_a_forecast_with_two_rows_swapped_is_rejected_naming_the_row() -> None:
    rows = list(hourly_forecast(peak_at_nine, WEEK_OF_MARCH).rows)
    rows[33], rows[34] = rows[34], rows[33]  # 09:00 and 10:00 on Monday
    # 10:00 now follows 08:00: the first row out of step is named.
    with pytest.raises(
        ValidationError, match=r"rows\[33\]\.start .*10:00:00Z leaves a gap after rows\[32\]"
    ):
        Forecast(kind="required", step_minutes=60, rows=tuple(rows))


def test_the_peak_of_a_forecast_built_in_code_reaches_the_requirements() -> None:
    # Monday 09:00 UTC needs 5 (the forecast starts a day early, at row 33).
    (requirements,) = build_requirements(scenario([agent("a")], peak_at_nine)).queues
    assert requirements.required[9] == 5
    assert sum(requirements.required) == 168 + 4


def test_an_empty_forecast_is_a_validation_error_not_an_index_error() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        Forecast(kind="required", step_minutes=60, rows=())


def test_rows_must_be_the_step_apart_and_of_the_forecast_kind() -> None:
    rows = hourly_forecast(1, WEEK_OF_MARCH).rows
    with pytest.raises(ValidationError, match=r"rows\[1\]\.start .* is too soon after rows\[0\]"):
        Forecast(kind="required", step_minutes=120, rows=rows)
    with pytest.raises(ValidationError, match=r"rows\[0\]\.contacts is empty"):
        Forecast(kind="contacts", step_minutes=60, rows=rows)
    mixed = (*rows[:2], ForecastRow(start=rows[2].start, required=1, contacts=3), *rows[3:])
    with pytest.raises(ValidationError, match=r"rows\[2\]\.contacts must be empty"):
        Forecast(kind="required", step_minutes=60, rows=mixed)


def test_a_forecast_that_stops_before_the_week_ends_is_rejected() -> None:
    rows = hourly_forecast(1, WEEK_OF_MARCH).rows[: 24 * 6]
    short = Forecast(kind="required", step_minutes=60, rows=rows)
    with pytest.raises(ValidationError, match=r"the forecast covers .* but the week runs"):
        Scenario(name="t", week_start=WEEK_OF_MARCH, agents=(agent("a"),), forecast=short)


def test_team_rules_reach_agents_built_in_code_without_rules_of_their_own() -> None:
    team_rules = Rules(weekly_hours=30, days_per_week=5, shift_hours=6)
    plain = Agent(id="p", name="Plain", timezone="Europe/Dublin")
    own = Agent(id="o", name="Own", timezone="Europe/Dublin", rules=Rules(weekly_hours=20))
    planned = scenario([plain, own], rules=team_rules)
    assert planned.agent("p").rules == team_rules
    assert planned.agent("o").rules.weekly_hours == 20
    # A change of the team rules reaches the agent who had none of their own.
    longer = planned.replace(rules=Rules(weekly_hours=36, days_per_week=4, shift_hours=9))
    assert longer.agent("p").rules.weekly_hours == 36
    assert longer.agent("o").rules.weekly_hours == 20


def test_changed_copies_are_validated_like_new_models() -> None:
    planned = scenario([agent("a"), agent("b")])
    with pytest.raises(ValidationError, match="duplicate agent id 'a'"):
        planned.replace(agents=(*planned.agents, agent("a")))
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        planned.agents[0].replace(timezone="Mars/Olympus")
    # model_copy(update=...) goes through the same validation.
    with pytest.raises(ValidationError, match="duplicate agent id 'b'"):
        planned.model_copy(update={"agents": (*planned.agents, agent("b"))})
    assert planned.replace(name="renamed").agents == planned.agents


def test_agents_come_from_records_or_a_data_frame_with_the_csv_columns() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        [
            {"id": "ie1", "name": "Aoife", "timezone": "Europe/Dublin", "weekly_hours": None},
            {"id": "in1", "name": "Priya", "timezone": "Asia/Kolkata", "weekly_hours": 32},
        ]
    )
    ie, india = agents_from_frame(frame)
    assert not ie.has_own_rules and india.rules.weekly_hours == 32
    window = {"day": "Mon", "start": "09:00", "end": "17:00"}
    (only,) = agents_from_records(
        [{"id": "np1", "timezone": "Asia/Kathmandu", "availability": [window]}]
    )
    assert only.name == "np1" and only.availability[0].start == 9 * 60
    forecast = constant_forecast(2, WEEK_OF_MARCH)
    assert {row.required for row in forecast.rows} == {2}
