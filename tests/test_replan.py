"""Re-planning a published week: tiny weeks whose best re-plan is worked out by hand.

Every re-plan goes through the independent validator, with the absences on
the agents and the absence's days as time off, and is checked to keep every
frozen shift as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coverage.errors import InputError
from coverage.inputs import GivenRoster, parse_absence
from coverage.models import Queue, Scenario, Staffing
from coverage.replan import Replan, ReplanRequest, replan_roster
from coverage.solver import Status
from coverage.timegrid import Shift
from tests.conftest import WEEK_OF_MARCH, agent, hourly_forecast, scenario

MONDAY = datetime(2026, 3, 23, tzinfo=UTC)
WEEKDAYS_OPEN = ("Mon-Fri 08:00-16:00",)


def at(day: int, hour: float) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


def shift(agent_id: str, day: int, start: float = 8, hours: float = 8) -> Shift:
    return Shift(agent_id, at(day, start), at(day, start + hours))


def office_team(names: tuple[str, ...] = ("a", "b", "c")) -> Scenario:
    """One queue open Mon-Fri 08:00-16:00 UTC needing one agent; agents who work two
    8-hour days, and can only work 08:00-16:00."""
    window = {"earliest_start": "08:00", "latest_end": "16:00", "start_step_minutes": 60}
    agents = [agent(n, weekly_hours=16, days_per_week=2, shift_hours=[8], **window) for n in names]
    office = Queue(
        name="support",
        forecast=hourly_forecast(lambda t: 1 if t.weekday() < 5 and 8 <= t.hour < 16 else 0),
        hours=WEEKDAYS_OPEN,
        hours_timezone="UTC",
        staffing=Staffing(min_agents=1),
    )
    return Scenario(name="office", week_start=WEEK_OF_MARCH, agents=tuple(agents), queues=(office,))


def published(*shifts: Shift) -> GivenRoster:
    return GivenRoster("test", shifts)


def run(team: Scenario, roster: GivenRoster, absent: str, now: datetime, **fields: Any) -> Replan:
    request = ReplanRequest((parse_absence(absent, team),), now, **fields)
    made = replan_roster(team, roster, request, time_limit=20, workers=1, seed=0)
    assert made.result.status is Status.OPTIMAL, made.result.status
    assert made.plan.validation is not None and made.plan.validation.ok, made.plan.validation
    assert not made.violations, made.violations  # every frozen shift kept
    return made


def week_of(made: Replan, agent_id: str) -> list[Shift]:
    return list(made.result.roster.of(agent_id))


# The published week: A Mon+Wed, B Tue+Thu, C Fri+Sat; the office is covered.
COVERED = published(
    shift("a", 0), shift("a", 2), shift("b", 1), shift("b", 3), shift("c", 4), shift("c", 5)
)
BEFORE_THE_WEEK = MONDAY - timedelta(days=1)


def test_an_absence_that_two_changes_cover_is_covered_with_exactly_two() -> None:
    # A is out on Wednesday: 8 office hours uncovered. Contracts are exact, so a
    # Wednesday shift for someone else costs them a day elsewhere: two changes (a
    # shift removed and one added, as calendars see dates). B's and C's Friday are
    # needed where they are; C's Saturday is not. So C works Wed+Fri: Saturday
    # removed, Wednesday added, nothing uncovered; A's Wednesday is the absence's.
    made = run(office_team(), COVERED, "a:2026-03-25..2026-03-25", BEFORE_THE_WEEK)
    assert week_of(made, "c") == [shift("c", 2), shift("c", 4)]
    assert week_of(made, "a") == [shift("a", 0)]  # contract reduced as for a day off
    figures = made.summary["replan"]
    assert figures["removed_by_absence"] == 1
    assert figures["shifts_changed"] == 2
    assert figures["agents_affected"] == 1
    assert figures["before"]["absence_no_change"]["uncovered_hours"] == 8
    assert figures["before"]["replanned"]["uncovered_hours"] == 0
    kinds = sorted((c.agent_id, c.kind, c.absent) for c in made.changes)
    assert kinds == [("a", "removed", True), ("c", "added", False), ("c", "removed", False)]
    assert made.result.terms["minutes_moved"] == 2 * 8 * 60


def test_max_changes_zero_reports_the_uncovered_hours_the_absence_leaves() -> None:
    # The same absence with no change allowed: A's Wednesday goes, and its 8 hours
    # stay uncovered; the absence's own removal is not counted against the cap.
    made = run(office_team(), COVERED, "a:2026-03-25..2026-03-25", BEFORE_THE_WEEK, max_changes=0)
    figures = made.summary["replan"]
    assert figures["shifts_changed"] == 0
    assert figures["before"]["replanned"]["uncovered_hours"] == 8
    assert made.summary["uncovered_hours"] == 8
    assert week_of(made, "c") == [shift("c", 4), shift("c", 5)]


# C works Tuesday, when B does too: moving either's Tuesday to Wednesday covers A.
DOUBLED = published(
    shift("a", 0), shift("a", 2), shift("b", 1), shift("b", 3), shift("c", 1), shift("c", 4)
)


def test_a_shift_that_has_started_is_never_touched_even_when_moving_it_would_help() -> None:
    # Unfrozen, B's or C's Tuesday moves to Wednesday (two changes), nothing uncovered.
    free = run(office_team(), DOUBLED, "a:2026-03-25..2026-03-25", BEFORE_THE_WEEK)
    assert free.summary["uncovered_hours"] == 0
    assert free.summary["replan"]["shifts_changed"] == 2
    # At Tuesday 09:00 both Tuesdays have started: they stay. Any other cover for
    # Wednesday uncovers another weekday, so nothing changes and 8 h stay uncovered.
    made = run(office_team(), DOUBLED, "a:2026-03-25..2026-03-25", at(1, 9))
    assert week_of(made, "c") == [shift("c", 1), shift("c", 4)]
    assert made.summary["uncovered_hours"] == 8
    assert made.summary["replan"]["shifts_changed"] == 0
    assert {shift("b", 1), shift("c", 1)} <= set(made.frozen)


def test_shifts_within_the_notice_period_are_frozen_but_not_the_absent_agents() -> None:
    # On Monday at 12:00 with 24 hours' notice, the Tuesdays at 08:00 are within the
    # notice: frozen as if they had started, so Wednesday stays uncovered.
    made = run(office_team(), DOUBLED, "a:2026-03-25..2026-03-25", at(0, 12), notice_hours=24)
    assert week_of(made, "c") == [shift("c", 1), shift("c", 4)]
    assert made.summary["uncovered_hours"] == 8
    # The absent agent's shifts are not frozen by the notice: A's Monday may move.
    early = run(office_team(), DOUBLED, "a:2026-03-25..2026-03-25", at(0, 6), notice_hours=72)
    assert shift("b", 1) in early.frozen and shift("a", 0) not in early.frozen
    # Without notice the same moment leaves them free to move.
    free = run(office_team(), DOUBLED, "a:2026-03-25..2026-03-25", at(0, 12))
    assert free.summary["uncovered_hours"] == 0


def test_rest_is_measured_across_a_frozen_shift() -> None:
    # Required: Mon and Wed 08-16, Tue 14-22. A works Mon+Wed, X Tue 14-22 and
    # Sat (needed nowhere). A is out on Wednesday; at Tuesday 15:00 X's Tuesday
    # has started. X takes Wednesday instead of Saturday, but 11 hours' rest after
    # Tuesday 22:00 means 09:00 at the earliest: Wed 08-09 stays 1 agent-hour short.
    def required(t: datetime) -> int:
        office = t.weekday() in (0, 2) and 8 <= t.hour < 16
        return 1 if office or (t.weekday() == 1 and 14 <= t.hour < 22) else 0

    window = {"earliest_start": "08:00", "latest_end": "22:00", "start_step_minutes": 60}
    team = scenario(
        [agent(n, weekly_hours=16, days_per_week=2, shift_hours=[8], **window) for n in "ax"],
        required,
        min_agents=0,
    )
    roster = published(shift("a", 0), shift("a", 2), shift("x", 1, 14), shift("x", 5))
    made = run(team, roster, "a:2026-03-25..2026-03-25", at(1, 15))
    assert week_of(made, "x") == [shift("x", 1, 14), shift("x", 2, 9)]
    assert made.summary["shortfall_agent_hours"] == 1


def test_absences_given_as_instants_remove_only_the_shifts_they_overlap() -> None:
    # Out from Wednesday 12:00 UTC to Thursday 00:00: A's Wednesday shift (08-16)
    # overlaps and goes; the week is then as in the first test.
    made = run(office_team(), COVERED, "a:2026-03-25T12:00Z..2026-03-26T00:00Z", BEFORE_THE_WEEK)
    assert week_of(made, "a") == [shift("a", 0)]
    assert made.summary["uncovered_hours"] == 0


def test_a_now_after_the_week_is_an_input_error() -> None:
    team = office_team()
    request = ReplanRequest((parse_absence("a:2026-03-25..2026-03-25", team),), at(8, 0))
    with pytest.raises(InputError, match="every shift has started"):
        replan_roster(team, COVERED, request, time_limit=5)


def test_a_frozen_shift_that_breaks_a_rule_is_an_input_error() -> None:
    # B's Tuesday starts at 07:00, outside 08:00-16:00, and has started by Tuesday noon.
    broken = published(
        shift("a", 0), shift("a", 2), shift("b", 1, 7), shift("b", 3), shift("c", 4), shift("c", 5)
    )
    team = office_team()
    request = ReplanRequest((parse_absence("a:2026-03-25..2026-03-25", team),), at(1, 12))
    with pytest.raises(InputError, match=r"frozen.*local window"):
        replan_roster(team, broken, request, time_limit=5)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a", "expected AGENT:FROM..TO"),
        ("zoe:2026-03-25..2026-03-26", "'zoe' is not in the team"),
        ("a:2026-03-26..2026-03-25", "ends"),
        ("a:yesterday..2026-03-25", "neither a date"),
    ],
)
def test_a_malformed_absence_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_absence(text, office_team())


def test_the_same_inputs_seed_and_workers_give_the_same_re_plan() -> None:
    team = office_team()
    request = ReplanRequest((parse_absence("a:2026-03-25..2026-03-25", team),), BEFORE_THE_WEEK)
    options: dict[str, Any] = {"time_limit": 5, "workers": 1, "seed": 3, "deterministic": True}
    first, second = (replan_roster(team, DOUBLED, request, **options) for _ in range(2))
    assert first.result.roster == second.result.roster
    assert first.files() == second.files()
