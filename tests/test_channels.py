"""Channels: Erlang A for phone queues with abandonment, conversation slots for chat."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from coverage.models import Forecast, ForecastRow, Queue, Scenario, Staffing
from coverage.requirements import build_requirements
from coverage.staffing import (
    ServiceModel,
    erlang_a,
    erlang_c,
    erlang_c_service,
    scheduled_agents,
    service_level,
    traffic_erlangs,
)
from coverage.timegrid import Activity, Shift
from coverage.validate import measure_coverage, measure_service
from tests.conftest import WEEK_OF_MARCH, agent

pytestmark = pytest.mark.usefixtures("either_counting")

# 100 contacts per 30 minutes at 180 s: 10 Erlangs.
TRAFFIC = traffic_erlangs(100, 180, 1800)
PHONE = Staffing(
    aht_seconds=180, service_level=0.8, answer_seconds=20, max_occupancy=0.85, shrinkage=0.3
)
CHAT = Staffing(
    aht_seconds=600, service_level=0.8, answer_seconds=60, max_occupancy=0.85, shrinkage=0.3
)


def test_erlang_a_matches_the_published_case_of_14_agents_and_300_seconds_patience() -> None:
    service = erlang_a(14, TRAFFIC, 180, 300, 20)
    assert service.waiting == pytest.approx(0.14526, abs=5e-6)
    assert service.abandoned == pytest.approx(0.013984, abs=5e-7)
    assert service.answered_in_time == pytest.approx(0.916792, abs=5e-7)


def test_erlang_a_occupancy_counts_only_answered_contacts() -> None:
    service = erlang_a(14, TRAFFIC, 180, 300, 20)
    assert service.occupancy == pytest.approx(TRAFFIC * (1 - service.abandoned) / 14)


def test_published_erlang_a_requirement_is_13_on_the_phone_and_19_scheduled() -> None:
    # 12 agents give less than 80 % in 20 s; 13 give 85.8 % with 2.5 % hanging up.
    model = ServiceModel(PHONE, patience_seconds=300, max_abandon=0.05)
    assert model.agents_needed(TRAFFIC, 180) == 13
    service = model.on_queue(13, TRAFFIC, 180)
    assert service.answered_in_time == pytest.approx(0.858178, abs=5e-7)
    assert service.abandoned == pytest.approx(0.024963, abs=5e-7)
    assert scheduled_agents(13, PHONE) == 19  # 13 / 0.7 = 18.6


def test_a_tight_abandon_target_needs_more_agents_than_the_service_level() -> None:
    loose = ServiceModel(PHONE, patience_seconds=300)
    tight = ServiceModel(PHONE, patience_seconds=300, max_abandon=0.005)
    needed = tight.agents_needed(TRAFFIC, 180)
    assert needed > loose.agents_needed(TRAFFIC, 180)
    assert tight.on_queue(needed, TRAFFIC, 180).abandoned <= 0.005
    assert tight.on_queue(needed - 1, TRAFFIC, 180).abandoned > 0.005


@pytest.mark.parametrize("agents", [11, 14, 20, 40])
def test_erlang_a_with_endless_patience_is_erlang_c(agents: int) -> None:
    a = erlang_a(agents, TRAFFIC, 180, 1e9, 20)
    c = erlang_c_service(agents, TRAFFIC, 180, 20)
    assert a.waiting == pytest.approx(erlang_c(agents, TRAFFIC), abs=1e-6)
    assert a.answered_in_time == pytest.approx(service_level(agents, TRAFFIC, 180, 20), abs=1e-6)
    assert a.abandoned == pytest.approx(0.0, abs=1e-6)
    assert a.occupancy == pytest.approx(c.occupancy, abs=1e-6)


def test_erlang_a_stays_stable_with_fewer_agents_than_erlangs() -> None:
    # Callers who hang up keep the queue finite: 8 agents on 10 Erlangs answer some.
    service = erlang_a(8, TRAFFIC, 180, 300, 20)
    assert 0 < service.answered_in_time < 0.5
    assert 0.1 < service.abandoned < 0.5
    assert service.occupancy <= 1.0


def test_erlang_a_service_grows_with_agents_and_abandonment_falls() -> None:
    services = [erlang_a(n, TRAFFIC, 180, 300, 20) for n in range(5, 25)]
    levels = [s.answered_in_time for s in services]
    abandoned = [s.abandoned for s in services]
    assert levels == sorted(levels)
    assert abandoned == sorted(abandoned, reverse=True)


def test_erlang_a_handles_large_queues() -> None:
    # 400 Erlangs: a chain of hundreds of states, no overflow.
    service = erlang_a(420, 400.0, 300, 120, 20)
    assert 0.5 < service.answered_in_time < 1
    assert 0 < service.abandoned < 0.05


def test_published_chat_case_needs_24_on_chat_and_35_scheduled() -> None:
    # 120 chats per 30 min at 600 s is 40 Erlangs of conversations; the 85 %
    # occupancy cap needs 48 slots (47.06 rounded up), 24 agents at 2 each;
    # 24 / 0.7 = 34.3, so 35 scheduled.
    traffic = traffic_erlangs(120, 600, 1800)
    model = ServiceModel(CHAT, concurrency=2)
    assert model.agents_needed(traffic, 600) == 24
    assert model.on_queue(23, traffic, 600).occupancy > 0.85
    assert scheduled_agents(24, CHAT) == 35


def test_chat_with_one_conversation_at_a_time_is_voice() -> None:
    traffic = traffic_erlangs(120, 600, 1800)
    chat = ServiceModel(CHAT, concurrency=1)
    voice = ServiceModel(CHAT)
    assert chat.agents_needed(traffic, 600) == voice.agents_needed(traffic, 600)
    for agents in (41, 45, 50):
        assert chat.on_queue(agents, traffic, 600) == voice.on_queue(agents, traffic, 600)


def test_chat_agents_hold_concurrency_times_the_slots() -> None:
    traffic = traffic_erlangs(120, 600, 1800)
    three = ServiceModel(CHAT, concurrency=3).on_queue(16, traffic, 600)
    assert three == erlang_c_service(48, traffic, 600, 60)


def test_projected_service_counts_whole_agents_after_shrinkage() -> None:
    # 20 scheduled at 30 % shrinkage is 14 on the phone.
    model = ServiceModel(PHONE, patience_seconds=300)
    assert model.projected(20, 100, 180, 1800) == model.on_queue(14, TRAFFIC, 180)
    assert model.projected(0, 100, 180, 1800).answered_in_time == 0.0
    assert model.projected(3, 0, 180, 1800).late == 0.0


# --- email: first in, first out within the answer window --------------------------------

MONDAY = datetime(2026, 3, 23, tzinfo=UTC)


def contacts_forecast(contacts: Callable[[datetime], float], aht: float) -> Forecast:
    """Contacts per UTC hour, from a day before the week to a day after."""
    first = MONDAY - timedelta(days=1)
    rows = tuple(
        ForecastRow(
            start=first + timedelta(hours=h),
            contacts=contacts(first + timedelta(hours=h)),
            aht_seconds=aht,
        )
        for h in range(9 * 24)
    )
    return Forecast(kind="contacts", step_minutes=60, rows=rows)


def twelve_at_nine(start: datetime) -> float:
    return 12.0 if start == MONDAY + timedelta(hours=9) else 0.0


def email_team(**fields: Any) -> Scenario:
    inbox = Queue(
        name="email",
        channel="email",
        forecast=contacts_forecast(twelve_at_nine, 600),
        answer_within_hours=4,
        staffing=Staffing(shrinkage=0, min_agents=0),
        **fields,
    )
    return Scenario(name="email", week_start=WEEK_OF_MARCH, agents=(agent("a"),), queues=(inbox,))


def email_service(start_hour: float, hours: float) -> Any:
    plan = email_team()
    shift = Shift(
        "a", MONDAY + timedelta(hours=start_hour), MONDAY + timedelta(hours=start_hour + hours)
    )
    activities = (Activity("a", shift.start_utc, shift.end_utc, "email"),)
    coverage = measure_coverage(plan, [shift], activities=activities)
    service = measure_service(coverage.queue("email"))
    assert service is not None
    return service


def test_one_agent_on_email_from_nine_to_eleven_answers_all_twelve_in_time() -> None:
    # 12 emails of 10 minutes arrive at 09:00, due at 13:00; the last is answered at 11:00.
    service = email_service(9, 2)
    assert service.totals()["contacts_late"] == pytest.approx(0.0)
    assert service.totals()["service_level_achieved"] == pytest.approx(1.0)


def test_one_agent_on_email_from_noon_to_two_answers_six_of_twelve_late() -> None:
    # Answers at 12:10, 12:20, ... 14:00: six by 13:00 (the one at 13:00 exactly is in
    # time), six after it.
    service = email_service(12, 2)
    assert service.totals()["contacts_late"] == pytest.approx(6.0)
    assert service.late.sum() == pytest.approx(6.0)
    assert service.totals()["answered_in_time"] == pytest.approx(6.0)


def test_the_email_backlog_is_what_waits_at_each_hour_end() -> None:
    service = email_service(12, 2)
    nine = 9  # Monday 09:00-10:00 is interval 9 of the week
    assert service.backlog[nine] == pytest.approx(12.0)
    assert service.backlog[12] == pytest.approx(6.0)  # 13:00: six answered
    assert service.backlog[13] == pytest.approx(0.0)


def test_emails_arriving_on_sunday_night_can_be_answered_on_monday_morning() -> None:
    # The week repeats: 12 emails at Sunday 23:00 with a 12-hour window are answered
    # on Monday 09:00-11:00 of the same (repeating) week.
    sunday_night = MONDAY + timedelta(days=6, hours=23)
    inbox = Queue(
        name="email",
        channel="email",
        forecast=contacts_forecast(lambda s: 12.0 if s == sunday_night else 0.0, 600),
        answer_within_hours=12,
        staffing=Staffing(shrinkage=0),
    )
    plan = Scenario(name="e", week_start=WEEK_OF_MARCH, agents=(agent("a"),), queues=(inbox,))
    shift = Shift("a", MONDAY + timedelta(hours=9), MONDAY + timedelta(hours=11))
    activities = (Activity("a", shift.start_utc, shift.end_utc, "email"),)
    service = measure_service(measure_coverage(plan, [shift], activities=activities).queue("email"))
    assert service is not None
    assert service.totals()["contacts_late"] == pytest.approx(0.0)
    assert service.backlog[0] == pytest.approx(12.0)  # waiting through the night


def test_email_time_short_of_the_week_s_work_makes_every_email_late() -> None:
    # 12 emails of 10 minutes each week, one agent for one hour: the backlog grows.
    service = email_service(9, 1)
    assert service.totals()["contacts_late"] == pytest.approx(12.0)
    assert service.email_hours == pytest.approx(1.0)
    assert service.email_work_hours == pytest.approx(2.0)


def test_an_email_queue_needs_nobody_on_at_any_hour() -> None:
    plan = email_team()
    assert plan.queues[0].staffing.min_agents == 0
    assert set(build_requirements(plan).queue("email").required) == {0}


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"concurrency": 2}, "concurrency"),
        ({"patience_seconds": 300}, "patience_seconds"),
        ({"max_abandon": 0.05}, "max_abandon"),
    ],
)
def test_a_channel_key_on_the_wrong_channel_is_refused(fields: dict[str, Any], key: str) -> None:
    with pytest.raises(ValidationError, match=f"{key} applies to"):
        email_team(**fields)


def test_an_email_queue_without_an_answer_window_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs answer_within_hours"):
        Queue(name="e", channel="email", forecast=contacts_forecast(twelve_at_nine, 600))
