from datetime import UTC, datetime, timedelta

import pytest

from coverage.models import Forecast, ForecastRow, Scenario, Staffing
from coverage.requirements import build_requirements
from coverage.staffing import (
    agents_on_phone,
    scheduled_agents,
    service_level,
    traffic_erlangs,
)
from tests.conftest import WEEK_OF_MARCH, agent

PUBLISHED = Staffing(
    aht_seconds=180, service_level=0.8, answer_seconds=20, max_occupancy=0.85, shrinkage=0.3
)


def test_published_erlang_case_needs_14_on_the_phone_and_20_scheduled() -> None:
    # 100 contacts per 30 minutes at 180 s AHT is 10 Erlangs; 14 agents answer
    # 88.84 % within 20 s (13 would give 0.8 or less); 14 / (1 - 0.3) = 20.
    traffic = traffic_erlangs(100, 180, 1800)
    assert traffic == pytest.approx(10.0)
    assert agents_on_phone(traffic, 180, PUBLISHED) == 14
    assert service_level(14, traffic, 180, 20) == pytest.approx(0.8884, abs=1e-4)
    assert service_level(13, traffic, 180, 20) < 0.8
    assert scheduled_agents(14, PUBLISHED) == 20


def test_occupancy_cap_can_need_more_agents_than_the_service_level() -> None:
    # 100 Erlangs at a 60 % cap needs at least 167 agents, far more than the SL needs.
    loose = Staffing(service_level=0.5, answer_seconds=600, max_occupancy=0.6, shrinkage=0)
    assert agents_on_phone(100.0, 300, loose) == 167


def test_no_contacts_needs_only_the_floor() -> None:
    assert agents_on_phone(0.0, 300, PUBLISHED) == 0
    assert scheduled_agents(0, Staffing(min_agents=1)) == 1
    assert scheduled_agents(0, Staffing(min_agents=0)) == 0


def test_service_level_grows_with_agents() -> None:
    levels = [service_level(n, 10.0, 180, 20) for n in range(11, 20)]
    assert levels == sorted(levels)


def test_quarter_hour_contacts_are_summed_into_hourly_intervals() -> None:
    # 25 contacts per 15 minutes is 100 per hour: 100 x 180 s / 3600 s = 5 Erlangs.
    first = datetime(2026, 3, 22, tzinfo=UTC)
    rows = tuple(
        ForecastRow(start=first + timedelta(minutes=15 * k), contacts=25) for k in range(4 * 24 * 9)
    )
    plan = Scenario(
        name="q",
        week_start=WEEK_OF_MARCH,
        agents=(agent("a"),),
        forecast=Forecast(kind="contacts", step_minutes=15, rows=rows),
        staffing=PUBLISHED,
    )
    (requirements,) = build_requirements(plan).queues
    assert requirements.contacts is not None
    assert requirements.contacts[0] == pytest.approx(100)
    expected = scheduled_agents(agents_on_phone(5.0, 180, PUBLISHED), PUBLISHED)
    assert set(requirements.required) == {expected}
