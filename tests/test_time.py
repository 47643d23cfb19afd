"""Local dates to UTC instants across clock changes and odd offsets."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from coverage.shifts import candidates_for
from coverage.solver import Problem
from coverage.timegrid import Week, local_instant
from tests.conftest import WEEK_OF_MARCH, WEEK_OF_OCTOBER, agent, scenario


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        # March week: New York on EDT (-4) all week; Dublin GMT until Sun 29, then IST (+1).
        ("America/New_York", date(2026, 3, 23), utc(2026, 3, 23, 13, 0)),
        ("Europe/Dublin", date(2026, 3, 28), utc(2026, 3, 28, 9, 0)),
        ("Europe/Dublin", date(2026, 3, 29), utc(2026, 3, 29, 8, 0)),
        # Sydney on AEDT (+11): Monday 09:00 is still Sunday in UTC.
        ("Australia/Sydney", date(2026, 3, 23), utc(2026, 3, 22, 22, 0)),
        ("America/Los_Angeles", date(2026, 3, 29), utc(2026, 3, 29, 16, 0)),
        # October week: Dublin back on GMT; New York on EDT until Sun 1 Nov.
        ("Europe/Dublin", date(2026, 10, 26), utc(2026, 10, 26, 9, 0)),
        ("America/New_York", date(2026, 10, 31), utc(2026, 10, 31, 13, 0)),
        ("America/New_York", date(2026, 11, 1), utc(2026, 11, 1, 14, 0)),
        ("America/Los_Angeles", date(2026, 11, 1), utc(2026, 11, 1, 17, 0)),
        ("Australia/Sydney", date(2026, 10, 26), utc(2026, 10, 25, 22, 0)),
        # Half-hour and 45-minute zones.
        ("Asia/Kolkata", date(2026, 3, 23), utc(2026, 3, 23, 3, 30)),
        ("Asia/Kathmandu", date(2026, 3, 23), utc(2026, 3, 23, 3, 15)),
    ],
)
def test_local_nine_oclock_is_the_right_utc_instant(
    zone: str, day: date, expected: datetime
) -> None:
    assert local_instant(day, 9 * 60, ZoneInfo(zone)) == expected


def test_a_local_time_that_clocks_skip_has_no_instant() -> None:
    # Dublin jumps from 01:00 to 02:00 on 29 March 2026.
    assert local_instant(date(2026, 3, 29), 60 + 30, ZoneInfo("Europe/Dublin")) is None


def test_week_is_168_hours_from_local_midnight_of_the_report_zone() -> None:
    week = Week.starting(WEEK_OF_MARCH, "Australia/Sydney", 60)
    assert week.start_utc == utc(2026, 3, 22, 13, 0)
    assert (week.end_utc - week.start_utc).total_seconds() == 168 * 3600
    # An instant before the week wraps to its end: the roster repeats weekly.
    assert week.minute_of_week(utc(2026, 3, 22, 12, 0)) == 7 * 24 * 60 - 60


def test_shifts_keep_their_elapsed_length_across_the_clock_change() -> None:
    # Dublin on Sunday 29 March: an 8-hour shift from 07:00 IST ends 15:00 IST.
    days = candidates_for(agent("d", "Europe/Dublin"), scenario([agent("d")]).week_dates)
    sunday = days[6]
    first = min(sunday, key=lambda c: c.shift.start_utc)
    assert first.shift.start_utc == utc(2026, 3, 29, 6, 0)
    assert first.shift.minutes == 8 * 60
    assert first.shift.local_end(ZoneInfo("Europe/Dublin")).hour == 15


def test_no_shift_starts_in_the_hour_clocks_skip() -> None:
    early = agent("d", "Europe/Dublin", earliest_start="00:00", latest_end="24:00")
    days = candidates_for(early, scenario([early]).week_dates)
    sunday_starts = {c.start_minute for c in days[6]}
    assert 60 not in sunday_starts and 90 not in sunday_starts
    assert 0 in sunday_starts and 120 in sunday_starts


def test_grid_is_15_minutes_when_nepal_is_in_the_team_and_30_with_india() -> None:
    india = scenario([agent("in", "Asia/Kolkata"), agent("ie", "Europe/Dublin")])
    nepal = scenario([agent("np", "Asia/Kathmandu"), agent("ie", "Europe/Dublin")])
    assert Problem.build(india).step_minutes == 30
    assert Problem.build(nepal).step_minutes == 15


def test_the_october_week_converts_every_candidate_with_the_offset_of_its_own_date() -> None:
    la = agent("la", "America/Los_Angeles", earliest_start="09:00", latest_end="17:00")
    days = candidates_for(la, scenario([la], week_start=WEEK_OF_OCTOBER).week_dates)
    starts = [day[0].shift.start_utc.hour for day in days]
    # PDT (-7) Monday to Saturday, PST (-8) on Sunday 1 November.
    assert starts == [16, 16, 16, 16, 16, 16, 17]
