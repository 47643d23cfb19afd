"""Scoring a roster someone made: every broken rule named, and the plan's figures.

Rosters are read in every form ``score`` takes: a plan's folder, ``roster.csv``,
a simple ``agent_id,start,end`` CSV and the calendars ``coverage export`` writes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coverage.errors import InputError
from coverage.inputs import GivenRoster, load_scenario, read_given_roster
from coverage.models import Absence, AvailabilityWindow, Queue, Scenario
from coverage.report import VIOLATION_COLUMNS
from coverage.score import score_roster
from coverage.timegrid import Activity, Shift
from tests.conftest import WEEK_OF_MARCH, agent, hourly_forecast

MONDAY = datetime(2026, 3, 23, tzinfo=UTC)
QUEUES = Path(__file__).parent / "data" / "queues" / "scenario.toml"


def at(day: int, hour: float) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


RULES: dict[str, Any] = {
    "weekly_hours": 16, "days_per_week": 2, "shift_hours": [8], "earliest_start": "06:00",
    "latest_end": "22:00", "start_step_minutes": 60, "min_activity_minutes": 60,
}  # fmt: skip
# agent -> (their rules beyond RULES, their shifts as (day, start hour, hours), the
# rules their week breaks). Each agent breaks one rule (two where one implies the other).
BROKEN: dict[str, tuple[dict[str, Any], list[tuple[int, float, float]], set[str]]] = {
    "fine": ({}, [(0, 8, 8), (1, 8, 8)], set()),
    "length": ({}, [(0, 8, 9), (1, 8, 7)], {"shift length"}),
    "grid": ({}, [(0, 8.5, 8), (1, 8, 8)], {"start grid"}),
    "window": ({}, [(0, 5, 8), (1, 8, 8)], {"local window"}),
    "dayoff": ({"time_off": {WEEK_OF_MARCH}}, [(0, 8, 8)], {"time off"}),
    "avail": (
        {"availability": (AvailabilityWindow(day=1, start="08:00", end="16:00"),)},
        [(0, 8, 8), (1, 8, 8)],
        {"availability"},
    ),
    "twice": ({}, [(0, 6, 8), (0, 14, 8)], {"one shift per day", "rest"}),
    "hours": ({}, [(0, 8, 8)], {"weekly hours"}),
    "days": ({"shift_hours": [4, 8]}, [(0, 8, 4), (1, 8, 4), (2, 8, 8)], {"days per week"}),
    "rest": ({}, [(0, 14, 8), (1, 6, 8)], {"rest"}),
    "streak": (
        {"weekly_hours": 48, "days_per_week": 6, "max_consecutive_days": 5},
        [(d, 8, 8) for d in range(6)],
        {"consecutive days"},
    ),
    "week": ({}, [(-1, 8, 8), (0, 8, 8)], {"week"}),
    "absent": ({}, [(0, 8, 8), (1, 8, 8)], {"absence"}),
    "skill": ({}, [(0, 8, 8), (1, 8, 8)], {"skills"}),
    "queue": ({}, [(0, 8, 8), (1, 8, 8)], {"activities"}),
    "block": ({}, [(0, 8, 8), (1, 8, 8)], {"activity length"}),
}


def broken_team() -> Scenario:
    agents = []
    for name, (own, _, _) in BROKEN.items():
        extra = {k: own[k] for k in ("time_off", "availability") if k in own}
        rules = {**RULES, **{k: v for k, v in own.items() if k not in extra}}
        made = agent(name, **rules, **extra)
        if name == "skill":
            made = made.replace(skills=("en",))
        if name == "absent":
            made = made.replace(absences=(Absence(start_utc=at(0, 0), end_utc=at(1, 0)),))
        agents.append(made)
    queues = tuple(
        Queue(name=n, forecast=hourly_forecast(lambda t: 1 if 8 <= t.hour < 16 else 0))
        for n in ("en", "de")
    )
    return Scenario(name="rules", week_start=WEEK_OF_MARCH, agents=tuple(agents), queues=queues)


def broken_roster() -> GivenRoster:
    shifts, activities = [], []
    for name, (_, spans, _) in BROKEN.items():
        for day, start, hours in spans:
            shift = Shift(name, at(day, start), at(day, start + hours))
            shifts.append(shift)
            queue = {"skill": "de", "queue": "fr"}.get(name, "en")
            if name == "block" and day == 0:
                middle = shift.start_utc + timedelta(minutes=30)
                activities.append(Activity(name, shift.start_utc, middle, "de"))
                activities.append(Activity(name, middle, shift.end_utc, "en"))
            else:
                activities.append(Activity(name, shift.start_utc, shift.end_utc, queue))
    return GivenRoster("test", tuple(shifts), tuple(activities))


def test_each_broken_rule_is_named_once_per_agent_in_violations_csv() -> None:
    scored = score_roster(broken_team(), broken_roster())
    frame = scored.violations
    for name, (_, _, rules) in BROKEN.items():
        assert set(frame[frame.agent_id == name].rule) == rules, name
    text = scored.files()["violations.csv"]
    assert text.splitlines()[0] == ",".join(VIOLATION_COLUMNS)
    rest = frame[frame.agent_id == "rest"].iloc[0]
    # The shift that breaks the rest, in the agent's local time (UTC here).
    assert (rest.shift_start_local, rest.shift_end_local) == (
        "2026-03-24T06:00:00+00:00",
        "2026-03-24T14:00:00+00:00",
    )
    hours = frame[frame.agent_id == "hours"].iloc[0]
    assert hours.shift_start_local == "" and "works 8 h" in hours.detail
    assert scored.summary["violations"] == len(frame)


def test_a_hand_made_csv_without_queues_is_served_the_way_that_covers_best(
    tmp_path: Path,
) -> None:
    # The queues scenario: English 24/7 (priority 2) and German Mon-Fri 08-18 Berlin,
    # one agent each; only d1 speaks German. d1 on Monday 08:00-16:00 Dublin (07-15
    # UTC, 08-16 Berlin): German is open all shift and only d1 can serve it, while
    # English has d2 then. So d1 serves German throughout.
    team = load_scenario(QUEUES)
    roster = tmp_path / "hand.csv"
    roster.write_text(
        "agent_id,start,end\nd1,2026-03-23T08:00,16:00\nd2,2026-03-23 08:00,2026-03-23 16:00\n",
        encoding="utf-8",
    )
    scored = score_roster(team, read_given_roster(roster, team))
    assert scored.allocated
    activities = scored.plan.activities
    assert set(activities[activities.agent_id == "d1"].queue) == {"german"}
    assert set(activities[activities.agent_id == "d2"].queue) == {"english"}


def test_local_times_in_a_simple_csv_are_read_in_the_agents_zone(tmp_path: Path) -> None:
    team = load_scenario(QUEUES)
    roster = tmp_path / "hand.csv"
    # Dublin is on GMT until Sunday 29 March: 08:00 local is 08:00 UTC on Monday,
    # and 09:00 UTC+1 given with its offset is 08:00 UTC.
    roster.write_text(
        "agent_id,start,end,queue\nd1,2026-03-23T08:00,16:00,english\n"
        "d2,2026-03-24T09:00+01:00,2026-03-24T17:00+01:00,english\n",
        encoding="utf-8",
    )
    given = read_given_roster(roster, team)
    assert given.shifts[0].start_utc == datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert given.shifts[1].start_utc == datetime(2026, 3, 24, 8, tzinfo=UTC)
    assert given.activities is not None and len(given.activities) == 2


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("zoe,2026-03-23T08:00,16:00", "row 2, column agent_id: agent 'zoe' is not in the team"),
        ("d1,Monday 8am,16:00", "row 2, column start: expected a time like"),
        ("d1,2026-03-23T16:00,2026-03-23T08:00", "row 2, column end: must be after start"),
        ("d1,2026-03-29T01:30,09:00", "row 2, column start: 2026-03-29 01:30 does not exist"),
        ("d1,2026-03-23T08:00,16:00,french", "row 2, column queue: unknown queue 'french'"),
    ],
)
def test_a_broken_roster_row_is_an_input_error_naming_row_and_column(
    tmp_path: Path, rows: str, problem: str
) -> None:
    team = load_scenario(QUEUES)
    roster = tmp_path / "hand.csv"
    header = "agent_id,start,end" + (",queue" if rows.count(",") == 3 else "")
    roster.write_text(f"{header}\n{rows}\n", encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        read_given_roster(roster, team)


def test_an_event_from_another_team_matches_no_agent(tmp_path: Path) -> None:
    team = load_scenario(QUEUES)
    calendar = tmp_path / "other.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\n"
        "UID:someone@else\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:20260323T080000Z\r\n"
        "DTEND:20260323T160000Z\r\nSUMMARY:Shift\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"other\.ics event someone@else: matches no agent"):
        read_given_roster(calendar, team)


def test_summary_json_of_a_score_says_it_was_scored_not_solved() -> None:
    scored = score_roster(broken_team(), broken_roster())
    data = json.loads(scored.files()["summary.json"])
    assert data["status"] == "SCORED" and "stages" not in data
    assert data["roster_source"] == "test"
