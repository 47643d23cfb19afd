"""Every hard rule broken on purpose is caught by the independent validator."""

from datetime import UTC, datetime, timedelta

import pytest

from coverage.models import AvailabilityWindow
from coverage.timegrid import Shift
from coverage.validate import measure_coverage, validate_roster
from tests.conftest import WEEK_OF_MARCH, agent, scenario


def shift(day: int, hour: float, hours: float = 8, agent_id: str = "a") -> Shift:
    start = datetime.combine(WEEK_OF_MARCH, datetime.min.time(), tzinfo=UTC) + timedelta(
        days=day, hours=hour
    )
    return Shift(agent_id, start, start + timedelta(hours=hours))


OFFICE_WEEK = [shift(d, 9) for d in range(5)]


def rules_broken(roster: list[Shift], **agent_fields: object) -> set[str]:
    plan = scenario([agent("a", **agent_fields)])  # type: ignore[arg-type]
    return {v.rule for v in validate_roster(plan, roster).violations}


def test_a_valid_office_week_has_no_violations() -> None:
    assert rules_broken(OFFICE_WEEK) == set()


@pytest.mark.parametrize(
    ("roster", "fields", "rule"),
    [
        ([*OFFICE_WEEK[:4], shift(4, 9, 9)], {}, "shift length"),
        ([*OFFICE_WEEK[:4], shift(4, 9.25)], {}, "start grid"),
        ([*OFFICE_WEEK[:4], shift(4, 6)], {}, "local window"),
        ([*OFFICE_WEEK[:4], shift(4, 14.5)], {}, "local window"),
        (OFFICE_WEEK[:4], {}, "weekly hours"),
        ([*OFFICE_WEEK[:4], shift(3, 9)], {}, "one shift per day"),
        (
            OFFICE_WEEK,
            {"time_off": frozenset({WEEK_OF_MARCH})},
            "time off",
        ),
        (
            OFFICE_WEEK,
            {
                "availability": tuple(
                    AvailabilityWindow(day=d, start=600, end=1200) for d in range(7)
                )
            },
            "availability",
        ),
        (
            [shift(d, 9, 4) for d in range(2)] + [shift(d, 9) for d in range(2, 6)],
            {"shift_hours": (4, 8), "weekly_hours": 40},
            "days per week",
        ),
        ([shift(0, 14)] + [shift(d, 7) for d in range(1, 5)], {}, "rest"),
        # Sunday 14:00-22:00, then next Monday 07:00: 9 h across the week wrap.
        ([shift(0, 7), shift(1, 7), shift(2, 7), shift(5, 14), shift(6, 14)], {}, "rest"),
        (OFFICE_WEEK, {"max_consecutive_days": 4}, "consecutive days"),
        # Fri, Sat, Sun then Mon, Tue of the next week: five in a row around the wrap.
        ([shift(d, 9) for d in (0, 1, 4, 5, 6)], {"max_consecutive_days": 4}, "consecutive days"),
        ([*OFFICE_WEEK[:4], shift(7, 9)], {}, "week"),
    ],
)
def test_each_broken_rule_is_reported(
    roster: list[Shift], fields: dict[str, object], rule: str
) -> None:
    assert rule in rules_broken(roster, **fields)


def test_a_shift_of_an_unknown_agent_is_reported() -> None:
    plan = scenario([agent("a")])
    violations = validate_roster(plan, [*OFFICE_WEEK, shift(5, 9, agent_id="ghost")]).violations
    assert [v.rule for v in violations] == ["unknown agent"]


def test_a_dublin_shift_after_the_clock_change_is_checked_in_local_time() -> None:
    # Sunday 29 March 2026 Dublin is on IST: 06:30 UTC is 07:30 local (inside the
    # window) while 05:30 UTC is 06:30 local (outside it).
    dublin = agent("a", "Europe/Dublin", weekly_hours=8, days_per_week=1)
    plan = scenario([dublin])
    assert validate_roster(plan, [shift(6, 6.5)]).ok
    assert {v.rule for v in validate_roster(plan, [shift(6, 5.5)]).violations} == {"local window"}


def test_coverage_counts_every_minute_and_wraps_past_the_end_of_the_week() -> None:
    plan = scenario([agent("a")])
    # Sunday 20:00 UTC to Monday 04:00 UTC of the next week.
    (coverage,) = measure_coverage(plan, [shift(6, 20)]).queues
    assert coverage.on.sum() == 8 * 60
    assert coverage.on[0] == 1 and coverage.on[4 * 60] == 0
    assert coverage.on[-1] == 1 and coverage.on[6 * 24 * 60 + 19 * 60 + 59] == 0
