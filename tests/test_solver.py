"""Tiny scenarios whose optimal roster is worked out by hand.

Every solve goes through the independent validator (``solve_and_validate``).
"""

import time
from datetime import UTC, datetime, timedelta

import pytest

from coverage.errors import InputError
from coverage.models import AvailabilityWindow
from coverage.solver import Status, solve
from coverage.solver.model import stages_for
from coverage.solver.problem import Problem
from coverage.solver.solve import _Search, solver_settings
from tests.conftest import WEEK_OF_MARCH, agent, scenario, solve_and_validate

pytestmark = pytest.mark.usefixtures("either_counting")


def weekday_office_hours(start: datetime) -> int:
    return 1 if start.weekday() < 5 and 9 <= start.hour < 17 else 0


def test_one_agent_works_exactly_the_office_hours_that_are_required() -> None:
    # Required: one agent Mon-Fri 09:00-17:00 UTC, nothing else, no floor.
    # A 40 h / 5-day UTC agent covers it exactly: shortfall 0, one start time.
    plan = scenario([agent("a")], weekday_office_hours, min_agents=0)
    result, validation = solve_and_validate(plan)
    assert [(s.start_utc.weekday(), s.start_utc.hour, s.minutes) for s in result.roster] == [
        (d, 9, 480) for d in range(5)
    ]
    assert validation.coverage.totals()["shortfall_agent_hours"] == 0
    assert result.terms == {"uncovered": 0, "shortfall": 0, "start_time_changes": 0}


def test_a_lone_agent_leaves_every_other_hour_of_the_week_uncovered() -> None:
    # One 40 h agent, one required at every hour: 168 - 40 = 128 hours uncovered.
    result, validation = solve_and_validate(scenario([agent("a")]))
    totals = validation.coverage.totals()
    assert totals["uncovered_hours"] == 128
    assert totals["shortfall_agent_hours"] == 128
    assert result.terms["uncovered"] == 128
    assert result.terms["start_time_changes"] == 0


def test_three_zones_eight_hours_apart_cover_every_hour() -> None:
    # Singapore (+8), Reykjavik (+0) and Pitcairn (-8), none with DST, each
    # 56 h on 7 days: three 8-hour blocks 8 hours apart (e.g. 00-08, 08-16 and
    # 16-24 UTC, or any rotation the 07:00-22:00 windows allow). Nothing short.
    seven_days = {"weekly_hours": 56, "days_per_week": 7, "max_consecutive_days": 7}
    team = [
        agent("sg", "Asia/Singapore", **seven_days),
        agent("is", "Atlantic/Reykjavik", **seven_days),
        agent("pn", "Pacific/Pitcairn", **seven_days),
    ]
    result, validation = solve_and_validate(scenario(team))
    assert validation.coverage.totals()["uncovered_hours"] == 0
    assert result.terms["start_time_changes"] == 0
    hour = {s.agent_id: s.start_utc.hour for s in result.roster}
    assert {(hour["is"] - hour["sg"]) % 24, (hour["pn"] - hour["sg"]) % 24} == {8, 16}


def test_covering_the_same_utc_hours_across_the_clock_change_costs_one_start_time() -> None:
    # Required 08:00-16:00 UTC daily. Dublin is on GMT until Sunday 29 March, then
    # IST: covering Sunday means starting at 09:00 local instead of 08:00. Shortfall
    # outranks start-time consistency, so the optimum has one extra start time.
    def eight_to_four(start: datetime) -> int:
        return 1 if 8 <= start.hour < 16 else 0

    dublin = agent("ie", "Europe/Dublin", weekly_hours=56, days_per_week=7, max_consecutive_days=7)
    result, validation = solve_and_validate(scenario([dublin], eight_to_four, min_agents=0))
    assert validation.coverage.totals()["shortfall_agent_hours"] == 0
    assert result.terms["start_time_changes"] == 1
    assert {s.start_utc.hour for s in result.roster} == {8}


def test_a_nepal_agent_is_scheduled_on_the_quarter_hour_grid() -> None:
    # Kathmandu is UTC+5:45: every shift starts at :15 or :45 UTC.
    result, _ = solve_and_validate(scenario([agent("np", "Asia/Kathmandu")]))
    assert {s.start_utc.minute for s in result.roster} <= {15, 45}


def test_rest_between_shifts_is_respected_across_the_week_wrap() -> None:
    # Required: Sunday 14:00-22:00 and Monday 07:00-15:00 UTC; a 16 h / 2-day
    # UTC agent. The roster repeats, so Sunday's shift is followed by next
    # Monday's: 22:00 -> 07:00 is only 9 h of the 11 h rest. The best is to give
    # up 2 hours (Sunday 12-20 or Monday 09-17): shortfall 2 agent-hours.
    def sunday_evening_monday_morning(start: datetime) -> int:
        if start.weekday() == 6:
            return 1 if 14 <= start.hour < 22 else 0
        return 1 if start.weekday() == 0 and 7 <= start.hour < 15 else 0

    lone = agent("a", weekly_hours=16, days_per_week=2)
    result, validation = solve_and_validate(
        scenario([lone], sunday_evening_monday_morning, min_agents=0)
    )
    assert validation.coverage.totals()["shortfall_agent_hours"] == 2
    assert result.terms["shortfall"] == 2


def test_time_off_reduces_the_weeks_hours_and_days() -> None:
    # Two days off from a 40 h / 5-day contract: 24 h on 3 days, none on the days off.
    days_off = frozenset({WEEK_OF_MARCH, WEEK_OF_MARCH + timedelta(days=1)})
    result, _ = solve_and_validate(scenario([agent("a", time_off=days_off)]))
    assert sum(s.minutes for s in result.roster) == 24 * 60
    assert not {s.start_utc.date() for s in result.roster} & days_off


def test_availability_limits_when_an_agent_works() -> None:
    windows = tuple(AvailabilityWindow(day=d, start=12 * 60, end=21 * 60) for d in range(5))
    result, _ = solve_and_validate(scenario([agent("a", availability=windows)]))
    for shift in result.roster:
        assert shift.start_utc.weekday() < 5
        assert shift.start_utc.hour >= 12 and shift.end_utc.hour <= 21


def test_a_contract_that_cannot_fit_is_an_input_error_naming_the_agent() -> None:
    # 40 h but available only two 8-hour days.
    windows = tuple(AvailabilityWindow(day=d, start=9 * 60, end=17 * 60) for d in range(2))
    plan = scenario([agent("ok"), agent("squeezed", availability=windows)])
    with pytest.raises(InputError, match=r"agent 'squeezed' cannot work 40 h .* at most 16 h"):
        solve(plan, time_limit=5)


def test_flexible_lengths_add_up_to_the_contract_exactly() -> None:
    # 30 h in at most 4 days from 6 h and 9 h shifts: 6+6+9+9 is the only way.
    flexible = agent("f", weekly_hours=30, days_per_week=4, shift_hours=(6, 9))
    result, _ = solve_and_validate(scenario([flexible]))
    assert sorted(s.minutes for s in result.roster) == [360, 360, 540, 540]


def test_a_too_short_time_limit_still_returns_the_first_roster_unproven() -> None:
    # 10 ms is past every deadline: each agent takes the week the contract check
    # found, and the search does not run. That roster is complete and valid, but
    # nothing is proven: FEASIBLE, never an exception.
    team = [
        agent(f"a{i}", zone) for i, zone in enumerate(["UTC", "Asia/Tokyo", "America/Chicago"] * 4)
    ]
    result = solve(scenario(team, 3), time_limit=0.01, workers=1)
    assert result.status is Status.FEASIBLE
    assert len(result.roster) == 12 * 5
    assert result.validation.ok, result.validation.violations
    assert result.term_gaps["shortfall"].bound <= result.term_gaps["shortfall"].value


def test_the_objective_terms_match_what_the_validator_recomputes() -> None:
    team = [agent("a", "Europe/Dublin"), agent("b", "America/New_York"), agent("c", "Asia/Kolkata")]
    plan = scenario(team, lambda s: 2 if 12 <= s.hour < 18 else 1)
    result, validation = solve_and_validate(plan)
    totals = validation.coverage.totals()
    assert result.terms["uncovered"] == pytest.approx(totals["uncovered_agent_hours"])
    assert result.terms["shortfall"] == pytest.approx(totals["shortfall_agent_hours"])


def test_same_seed_and_one_worker_give_the_same_roster() -> None:
    team = [agent("a", "Europe/Dublin"), agent("b", "Asia/Manila"), agent("c", "America/Sao_Paulo")]
    plan = scenario(team, 1)
    first = solve(plan, workers=1, seed=3, time_limit=30)
    second = solve(plan, workers=1, seed=3, time_limit=30)
    assert first.status is Status.OPTIMAL
    assert first.roster == second.roster


def test_a_small_team_searches_coverage_with_one_worker_and_start_times_with_all() -> None:
    # Measured on the bundled team (benchmarks/README.md): one worker at the full LP
    # proves coverage sooner; the tie-breaker keeps the workers asked for.
    plan = scenario([agent("a"), agent("b", "Asia/Manila")])
    problem = Problem.build(plan)
    stages = stages_for(problem)
    search = _Search(
        problem, solver_settings(plan, workers=2), stages, time.perf_counter(), None, False
    )
    coverage, start_times = search._solver(0, last=False), search._solver(1, last=True)
    assert stages[0] == ("uncovered", "shortfall")
    assert (coverage.parameters.num_workers, coverage.parameters.linearization_level) == (1, 2)
    assert start_times.parameters.num_workers == 2


def test_shifts_past_the_end_of_the_week_cover_its_start() -> None:
    # A Tokyo agent (+9) working Monday 07:00 local starts Sunday 22:00 UTC of the
    # previous week; that time wraps onto the end of this week.
    required = lambda s: 1 if s.weekday() == 6 and s.hour >= 22 else 0  # noqa: E731
    tokyo = agent("jp", "Asia/Tokyo", weekly_hours=8, days_per_week=1)
    result, validation = solve_and_validate(scenario([tokyo], required, min_agents=0))
    assert validation.coverage.totals()["shortfall_agent_hours"] == 0
    assert result.roster[0].start_utc == datetime(2026, 3, 22, 22, 0, tzinfo=UTC)


def test_the_lp_lower_bound_matches_the_hand_worked_optimum() -> None:
    # A lone 40 h agent, one required at every hour: 168 - 40 = 128 h short.
    # Two 40 h Dublin agents inside 07:00-22:00: 10 shifts of 8 h in 7 windows of
    # 15 h, so on 3 days' worth two shifts share a window and overlap by an hour,
    # fractions or not (the LP can only spread shifts inside the same windows):
    # 168 - 80 + 3 = 91 h short, the bound and the optimum alike.
    lone, _ = solve_and_validate(scenario([agent("a")]))
    assert lone.lower_bound is not None
    assert lone.lower_bound.shortfall_agent_hours == pytest.approx(128, abs=1e-5)
    pair = scenario([agent("d1", "Europe/Dublin"), agent("d2", "Europe/Dublin")])
    result, validation = solve_and_validate(pair)
    assert result.lower_bound is not None
    assert result.lower_bound.shortfall_agent_hours == pytest.approx(91, abs=1e-5)
    assert validation.coverage.totals()["shortfall_agent_hours"] == 91
