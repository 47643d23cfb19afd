"""Queues, languages and opening hours: tiny weeks whose optimum is worked out by hand.

Every solve goes through the independent validator (``solve_and_validate``),
which recomputes every queue's coverage from the activities alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ortools.sat.python import cp_model
from pydantic import ValidationError

from coverage.models import Forecast, Queue, Scenario, Staffing
from coverage.requirements import build_requirements, opening_spans
from coverage.solver import Problem
from coverage.solver.model import RosterModel
from coverage.timegrid import Activity, Shift
from coverage.validate import validate_roster
from tests.conftest import WEEK_OF_MARCH, agent, hourly_forecast, solve_and_validate

pytestmark = pytest.mark.usefixtures("either_counting")

MONDAY = datetime(2026, 3, 23, tzinfo=UTC)


def at(hours: float, day: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hours)


def monday_office(start: datetime) -> int:
    return 1 if start.weekday() == 0 and 9 <= start.hour < 17 else 0


def queue(name: str, required: Any = monday_office, **fields: Any) -> Queue:
    return Queue(name=name, forecast=hourly_forecast(required), **fields)


def one_day_agent(agent_id: str, skills: tuple[str, ...] = (), **rules: Any) -> Any:
    """An agent who works one 8-hour shift, Monday 09:00-17:00 UTC at the latest."""
    window = {"earliest_start": "09:00", "latest_end": "17:00"}
    fixed = agent(agent_id, weekly_hours=8, days_per_week=1, **window, **rules)
    return fixed.replace(skills=skills)


def team(agents: list[Any], queues: list[Queue], **fields: Any) -> Scenario:
    return Scenario(
        name="queues",
        week_start=WEEK_OF_MARCH,
        agents=tuple(agents),
        queues=tuple(queues),
        **fields,
    )


# --- the model and its defaults ---------------------------------------------------------


def test_a_scenario_without_queues_has_one_default_queue_from_its_forecast() -> None:
    plan = Scenario(
        name="t", week_start=WEEK_OF_MARCH, agents=(agent("a"),), forecast=hourly_forecast(1)
    )
    assert plan.queue_names == ("default",)
    assert not plan.declares_queues
    assert plan.queues[0].staffing == plan.staffing
    changed = plan.replace(staffing=Staffing(min_agents=0))
    assert changed.queues[0].staffing.min_agents == 0  # the default queue follows


def test_a_queue_without_staffing_of_its_own_takes_the_team_staffing() -> None:
    plan = team(
        [one_day_agent("a")],
        [queue("en"), queue("de", staffing=Staffing(aht_seconds=420))],
        staffing=Staffing(aht_seconds=600, min_agents=0),
    )
    assert plan.queue("en").staffing.aht_seconds == 600
    assert plan.queue("de").staffing.aht_seconds == 420


def test_a_skill_that_names_no_queue_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="unknown queue 'fr' in skills"):
        team([one_day_agent("a", ("en", "fr"))], [queue("en")])


def test_a_forecast_beside_queues_is_rejected() -> None:
    with pytest.raises(ValidationError, match="not both"):
        team([one_day_agent("a")], [queue("en")], forecast=hourly_forecast(1))


def test_opening_hours_that_wrap_midnight_and_lists_of_days_parse() -> None:
    night = queue("night", hours=["Mon-Fri 18:00-08:00", "Sat,Sun 10:00-14:00"])
    assert night.hours_text() == "Mon-Fri 18:00-08:00, Sat-Sun 10:00-14:00"
    assert queue("eve", hours="Sun-Thu 17:00-23:00").hours_text() == "Sun-Thu 17:00-23:00"
    with pytest.raises(ValidationError, match="not opening hours like"):
        queue("bad", hours=["Mon-Fri 8-18"])


# --- opening hours on the UTC week -------------------------------------------------------


def test_daily_berlin_hours_move_an_hour_earlier_in_utc_on_the_day_the_clocks_change() -> None:
    # Berlin is UTC+1 until Sunday 29 March 2026 02:00, then UTC+2: 08:00-18:00
    # Berlin is 07:00-17:00 UTC on Saturday and 06:00-16:00 UTC on Sunday.
    german = queue("german", hours="Mon-Sun 08:00-18:00", hours_timezone="Europe/Berlin")
    plan = team([one_day_agent("a")], [german])
    spans = opening_spans(german, build_requirements(plan).week)
    saturday, sunday = spans[5], spans[6]
    assert saturday == ((5 * 24 + 7) * 60, (5 * 24 + 17) * 60)
    assert sunday == ((6 * 24 + 6) * 60, (6 * 24 + 16) * 60)


def test_hours_in_a_quarter_hour_zone_put_the_plan_on_a_fifteen_minute_grid() -> None:
    # 09:00 in Kathmandu (UTC+5:45) is 03:15 UTC: coverage is exact on 15 minutes.
    nepal = queue("nepali", hours="Mon-Fri 09:00-17:00", hours_timezone="Asia/Kathmandu")
    plan = team([one_day_agent("a")], [nepal], interval_minutes=60)
    (requirements,) = build_requirements(plan).queues
    assert requirements.open_spans[0] == (3 * 60 + 15, 11 * 60 + 15)
    assert Problem.build(plan).step_minutes == 15


def test_a_queue_requires_nobody_outside_its_hours_whatever_its_forecast() -> None:
    # One required at every hour, but open only Monday 09:00-17:00 UTC.
    office = queue("office", 1, hours="Mon 09:00-17:00")
    (requirements,) = build_requirements(team([one_day_agent("a")], [office])).queues
    assert requirements.required_minutes.sum() == 8 * 60
    assert requirements.floor_minutes.sum() == 8 * 60


# --- hand-checked optima ---------------------------------------------------------------


def test_one_bilingual_agent_cannot_count_on_two_queues_at_once() -> None:
    # English and German each need one agent Monday 09:00-17:00 (floor 1 while
    # open); one agent speaks both and works exactly that shift. Whatever the
    # split, 8 of the 16 queue-hours are uncovered.
    both = one_day_agent("a", ("en", "de"))
    hours = {"hours": "Mon 09:00-17:00"}
    result, validation = solve_and_validate(
        team([both], [queue("en", **hours), queue("de", **hours)])
    )
    totals = validation.coverage.totals()
    assert totals["uncovered_hours"] == 8
    assert totals["scheduled_agent_hours"] == 8
    assert result.terms["uncovered"] == 8


def test_the_queue_with_the_higher_priority_gets_the_scarce_agent() -> None:
    # As above, but German has priority 2: serving German all shift costs 8
    # uncovered English hours (weight 1) instead of 8 German ones (weight 2).
    both = one_day_agent("a", ("en", "de"))
    hours = {"hours": "Mon 09:00-17:00"}
    plan = team([both], [queue("en", **hours), queue("de", priority=2, **hours)])
    result, validation = solve_and_validate(plan)
    assert [(a.queue, a.start_utc, a.end_utc) for a in result.roster.activities] == [
        ("de", at(9), at(17))
    ]
    assert validation.coverage.queue("en").totals()["uncovered_hours"] == 8
    assert validation.coverage.queue("de").totals()["uncovered_hours"] == 0


def test_the_shortest_block_keeps_an_agent_on_a_queue_past_its_need() -> None:
    # German is open (and needs one) only 09:00-09:30; English needs one all
    # shift, with no floor. Switching freely: German 09:00-09:30, English
    # after, 0.5 agent-hours short. With 60-minute blocks the German block runs
    # 09:00-10:00 and English is short 1 agent-hour; serving English all shift
    # would leave German uncovered, which matters more.
    both = one_day_agent("a", ("en", "de"))
    english = queue("en", staffing=Staffing(min_agents=0))
    german = queue("de", hours="Mon 09:00-09:30")
    for minimum, german_until, short in ((0, 9.5, 0.5), (60, 10, 1.0)):
        plan = team(
            [both.replace(rules=both.rules.replace(min_activity_minutes=minimum))],
            [english, german],
            interval_minutes=30,
        )
        result, validation = solve_and_validate(plan)
        assert [(a.queue, a.start_utc, a.end_utc) for a in result.roster.activities] == [
            ("de", at(9), at(german_until)),
            ("en", at(german_until), at(17)),
        ]
        assert validation.coverage.totals()["shortfall_agent_hours"] == short
        assert validation.coverage.totals()["uncovered_hours"] == 0


def test_the_full_model_s_hint_sets_every_variable_queue_changes_included() -> None:
    # The agent of the test above with 60-minute blocks, hinted German 09:00-10:00
    # and English after. A hint CP-SAT has to complete can take it longer than a
    # plan's seconds (60 agents on six queues found no roster at all), so every
    # variable is hinted, and held at the hint the model is feasible.
    both = one_day_agent("a", ("en", "de"))
    plan = team(
        [both.replace(rules=both.rules.replace(min_activity_minutes=60))],
        [queue("en", staffing=Staffing(min_agents=0)), queue("de", hours="Mon 09:00-09:30")],
        interval_minutes=30,
    )
    problem = Problem.build(plan)
    (monday,) = [c for day in problem.options[0].days for c in day if c.shift.start_utc == at(9)]
    slots = problem.slots_of(monday)
    names = [q.name for q in problem.requirements.queues]
    serving = [
        {t % problem.slots: names.index("de" if t < slots.start + 2 else "en") for t in slots}
    ]
    model = RosterModel(problem)
    model.add_hint([[monday]], serving)
    proto = model.model.proto
    hint = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    assert [v.name for i, v in enumerate(proto.variables) if i not in hint] == []
    changes = [t for t, var in model.switch[0].items() if hint[var.index]]
    assert changes == [(slots.start + 2) % problem.slots]  # English from 10:00
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(model.model) == cp_model.OPTIMAL


def test_agents_serve_only_the_queues_they_have_the_skill_for() -> None:
    # Two agents, two queues each needing one on Monday 09:00-17:00: the German
    # speaker must take German, so the English-only agent takes English.
    plan = team(
        [one_day_agent("en-only", ("en",)), one_day_agent("polyglot")],
        [queue("en", hours="Mon 09:00-17:00"), queue("de", hours="Mon 09:00-17:00")],
    )
    result, validation = solve_and_validate(plan)
    assert {(a.agent_id, a.queue) for a in result.roster.activities} == {
        ("en-only", "en"),
        ("polyglot", "de"),
    }
    assert validation.coverage.totals()["uncovered_hours"] == 0


def test_a_queue_nobody_serves_is_uncovered_in_all_its_open_hours_and_not_an_error() -> None:
    plan = team(
        [one_day_agent("a", ("en",))],
        [queue("en", hours="Mon 09:00-17:00"), queue("ja", hours="Mon 09:00-12:00")],
    )
    _, validation = solve_and_validate(plan)
    assert validation.coverage.queue("ja").totals()["uncovered_hours"] == 3
    assert validation.coverage.queue("en").totals()["uncovered_hours"] == 0


def test_the_lower_bound_counts_a_bilingual_agent_once() -> None:
    # The LP bound of the first test: 8 uncovered agent-hours, not 0.
    both = one_day_agent("a", ("en", "de"))
    hours = {"hours": "Mon 09:00-17:00"}
    result, _ = solve_and_validate(team([both], [queue("en", **hours), queue("de", **hours)]))
    assert result.lower_bound is not None
    assert result.lower_bound.uncovered_agent_hours == pytest.approx(8)


# --- the validator reads activities alone ------------------------------------------------


def rules_broken(activities: list[Activity], minimum: int = 60) -> set[str]:
    both = one_day_agent("a", ("en", "de"))
    plan = team(
        [both.replace(rules=both.rules.replace(min_activity_minutes=minimum))],
        [queue("en"), queue("de"), queue("fr")],
    )
    shift = Shift("a", at(9), at(17))
    return {v.rule for v in validate_roster(plan, [shift], activities=activities).violations}


def span(queue_name: str, start: float, end: float) -> Activity:
    return Activity("a", at(start), at(end), queue_name)


@pytest.mark.parametrize(
    ("activities", "rule"),
    [
        ([span("en", 9, 13), span("fr", 13, 17)], "skills"),
        ([span("en", 9, 13)], "activities"),  # half the shift serves no queue
        ([span("en", 9, 14), span("de", 13, 17)], "activities"),  # overlap
        ([span("en", 9, 17), span("de", 17, 18)], "activities"),  # outside the shift
        ([span("en", 9, 9.5), span("de", 9.5, 17)], "activity length"),
        ([span("en", 9, 16.5), span("de", 16.5, 17)], "activity length"),
    ],
)
def test_each_broken_activity_rule_is_reported(activities: list[Activity], rule: str) -> None:
    assert rule in rules_broken(activities)


def test_blocks_of_the_shortest_length_and_one_queue_all_shift_are_fine() -> None:
    assert rules_broken([span("en", 9, 10), span("de", 10, 16), span("en", 16, 17)]) == set()
    assert rules_broken([span("de", 9, 17)]) == set()
    assert rules_broken([span("en", 9, 9.25), span("de", 9.25, 17)], minimum=0) == set()


def test_without_activities_a_team_with_several_queues_serves_nobody() -> None:
    assert "activities" in rules_broken([])


def test_a_roster_found_for_queues_passes_the_validator_from_its_rows() -> None:
    plan = team(
        [one_day_agent("a", ("en", "de")), one_day_agent("b", ("en",))],
        [queue("en"), queue("de", hours="Mon 10:00-12:00")],
    )
    result, _ = solve_and_validate(plan)
    by_rows = validate_roster(plan, list(result.roster), activities=list(result.roster.activities))
    assert by_rows.ok
    minutes = sum(a.minutes for a in result.roster.activities)
    assert minutes == sum(s.minutes for s in result.roster)


def test_a_queue_forecast_that_misses_the_week_is_named() -> None:
    short = Forecast(
        kind="required",
        step_minutes=60,
        rows=hourly_forecast(1).rows[: 24 * 5],
    )
    with pytest.raises(ValidationError, match="forecast of queue 'de'"):
        team([one_day_agent("a")], [queue("en"), Queue(name="de", forecast=short)])


def test_an_agent_with_nothing_to_gain_serves_an_open_queue_not_a_closed_one() -> None:
    # German needs one agent 09:00-10:00 and is closed after; English is open
    # all day but needs nobody. Coverage is the same whatever the agent does
    # after 10:00, but serving German after it closes would be a roster no
    # manager could publish: the agent serves English from 10:00.
    both = one_day_agent("a", ("en", "de"))
    english = queue("en", 0, staffing=Staffing(min_agents=0))
    german = queue("de", hours="Mon 09:00-10:00")
    result, _ = solve_and_validate(team([both], [english, german], interval_minutes=30))
    assert [(a.queue, a.start_utc, a.end_utc) for a in result.roster.activities] == [
        ("de", at(9), at(10)),
        ("en", at(10), at(17)),
    ]


def test_hours_take_dashes_pasted_from_documents_and_day_words_but_only_quarter_hours() -> None:
    pasted = queue("pasted", hours=["weekdays 08:00–18:00", "weekends 10:00-14:00"])
    assert pasted.hours_text() == "Mon-Fri 08:00-18:00, Sat-Sun 10:00-14:00"
    with pytest.raises(ValidationError, match="08:10 is not on the quarter hour"):
        queue("odd", hours="Mon-Fri 08:10-18:00")


def test_an_interval_open_for_part_of_its_length_requires_that_share_of_it() -> None:
    # Kathmandu 09:00 is 03:15 UTC: the 03:00-04:00 UTC hour is open 45 minutes,
    # so it requires 0.75 agent-hours, and coverage.csv says so.
    from coverage.report import coverage_frame
    from coverage.validate import measure_coverage

    nepal = queue("nepali", 1, hours="Mon-Fri 09:00-17:00", hours_timezone="Asia/Kathmandu")
    plan = team([one_day_agent("a")], [nepal], interval_minutes=60)
    frame = coverage_frame(plan, measure_coverage(plan, []))
    hours = frame.set_index("start_utc")["required"]
    assert hours["2026-03-23T03:00:00Z"] == 0.75
    assert hours["2026-03-23T04:00:00Z"] == 1
    assert hours["2026-03-23T02:00:00Z"] == 0
    assert frame["required"].sum() == pytest.approx(5 * 8)  # the queue's agent-hours


def test_a_hire_placed_after_the_greedy_deadline_is_still_placed_against_the_need() -> None:
    # The team's roster is kept; the one agent left is placed against what is
    # missing even when the deadline has passed, not given any feasible week.
    from coverage.solver.contracts import check_contracts
    from coverage.solver.start import greedy_start

    plan = team(
        [one_day_agent("a", ("en",)), one_day_agent("hire", ("en",))],
        [queue("en", lambda start: 2 if start.weekday() == 0 and 9 <= start.hour < 17 else 0)],
    )
    problem = Problem.build(plan)
    feasible = check_contracts(problem)
    kept = [c.shift for c in feasible[0]]
    on_time, _ = greedy_start(problem, kept, feasible)
    late, _ = greedy_start(problem, kept, feasible, deadline=0.0)
    assert late == on_time
