"""The whole-week pattern start for large teams (column generation and a dive).

Each test checks the start's roster with the independent validator, and the
optima are worked out by hand.
"""

import math
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from coverage.models import Scenario, Staffing
from coverage.solver import Problem, Status, solve
from coverage.solver.activities import activities_of, serve_greedily
from coverage.solver.bound import classes_of
from coverage.solver.contracts import check_contracts
from coverage.solver.model import RosterModel
from coverage.solver.patterns import (
    DIVE_ROUND_MARGIN,
    DIVE_SHARE,
    _Master,
    _Patterns,
    _rounds_to_fix,
    _share_to_finish,
    pattern_start,
)
from coverage.solver.start import ALWAYS_PLACED
from coverage.timegrid import Shift
from coverage.validate import Validation, validate_roster
from tests.conftest import WEEK_OF_OCTOBER, agent, scenario
from tests.test_queues import at, one_day_agent, queue, team


def start_and_validate(
    plan: Scenario, seconds: float = 20
) -> tuple[Problem, tuple[Shift, ...], Validation]:
    problem = Problem.build(plan)
    weeks = pattern_start(problem, seconds, check_contracts(problem))
    assert weeks is not None
    roster = tuple(c.shift for week in weeks for c in week)
    serving = serve_greedily(problem, weeks)
    activities = activities_of(problem, weeks, serving)
    validation = validate_roster(plan, roster, activities=activities)
    assert validation.ok, validation.violations
    # The start is a hint for the full model; its terms must agree with the validator.
    hinted = RosterModel(problem).add_hint(weeks, serving)
    shortfall = validation.coverage.totals()["shortfall_agent_hours"]
    assert hinted["shortfall"] * problem.step_minutes / 60 == shortfall
    return problem, roster, validation


def test_two_identical_agents_take_different_weeks_when_one_week_cannot_cover() -> None:
    # Two interchangeable UTC agents (56 h on 7 days), one needed 07:00-15:00 and
    # one 14:00-22:00 UTC daily: one works every early shift and the other every
    # late one. Same class, two patterns; nothing short.
    def early_and_late(start: datetime) -> int:
        return int(7 <= start.hour < 15) + int(14 <= start.hour < 22)

    seven_days = {"weekly_hours": 56, "days_per_week": 7, "max_consecutive_days": 7}
    team = [agent("u1", **seven_days), agent("u2", **seven_days)]
    _, roster, validation = start_and_validate(scenario(team, early_and_late, min_agents=0))
    assert {s.agent_id: s.start_utc.hour for s in roster} in (
        {"u1": 7, "u2": 14},
        {"u1": 14, "u2": 7},
    )
    assert validation.coverage.totals()["shortfall_agent_hours"] == 0


def test_three_zones_of_thirty_five_cover_ten_at_every_hour() -> None:
    # Singapore (+8), Reykjavik (+0) and Pitcairn (-8) each have a 07:00-22:00
    # window over a different third of the UTC day. Ten needed at every hour is
    # 1680 agent-hours against 105 x 40 = 4200 contracted, and each zone can put
    # ten on its own third on every day (70 shifts of the 175 its agents work).
    # Nothing short, and the full solve proves it without searching: the
    # pattern start is already at the LP bound (0).
    zones = ("Asia/Singapore", "Atlantic/Reykjavik", "Pacific/Pitcairn")
    team = [agent(f"{zone[:2]}{n}", zone) for zone in zones for n in range(35)]
    plan = scenario(team, 10)
    _, _, validation = start_and_validate(plan)
    assert validation.coverage.totals()["shortfall_agent_hours"] == 0
    result = solve(plan, time_limit=30, workers=1, seed=0)
    assert result.status is Status.OPTIMAL
    assert result.terms["shortfall"] == 0
    coverage_stage = result.stages[0]
    assert coverage_stage.status is Status.OPTIMAL and coverage_stage.seconds == 0
    assert validate_roster(plan, result.roster).ok


def test_patterns_keep_every_rule_with_flexible_lengths_half_hour_zones_and_a_clock_change() -> (
    None
):
    # The October week: Europe is back on winter time, the US changes on Sunday.
    # Kolkata (+5:30) with 6-10 h shifts, Adelaide (+10:30) with 12 h rest and at
    # most 4 days in a row, New York across its change. Every week the start
    # gives must pass every hard rule and add up to each contract exactly.
    flexible = {"shift_hours": [6, 7, 8, 9, 10]}
    strict = {"min_rest_hours": 12, "max_consecutive_days": 4, "weekly_hours": 32}
    team = (
        [agent(f"in{n}", "Asia/Kolkata", **flexible) for n in range(6)]
        + [agent(f"au{n}", "Australia/Adelaide", **strict) for n in range(5)]
        + [agent(f"us{n}", "America/New_York") for n in range(5)]
    )
    plan = scenario(team, lambda s: 3 if 12 <= s.hour < 20 else 1, week_start=WEEK_OF_OCTOBER)
    _, roster, _ = start_and_validate(plan)
    worked: dict[str, int] = {}
    for shift in roster:
        worked[shift.agent_id] = worked.get(shift.agent_id, 0) + shift.minutes
    assert worked == {a.id: a.rules.weekly_hours * 60 for a in team}


def test_a_pattern_start_out_of_time_still_gives_every_agent_a_valid_week() -> None:
    # No time at all: no pricing, no dive, and the greedy fill is past its
    # deadline too, so every agent but the last ALWAYS_PLACED takes the week
    # their contract check found. The 60 Reykjavik agents are one class with one
    # checked week: 57 work the same 40 hours, and the last three are placed
    # against what is still missing. The 07:00-22:00 window leaves 63 hours no
    # one can reach.
    team = [agent(f"is{n}", "Atlantic/Reykjavik") for n in range(60)]
    _, roster, validation = start_and_validate(scenario(team, 1), seconds=0)
    weeks: dict[str, set[object]] = {}
    for shift in roster:
        weeks.setdefault(shift.agent_id, set()).add((shift.start_utc, shift.end_utc))
    assert {shift.agent_id for shift in roster} == {a.id for a in team}
    assert max(list(weeks.values()).count(week) for week in weeks.values()) >= 60 - ALWAYS_PLACED
    assert 63 <= validation.coverage.totals()["uncovered_hours"] < 128


def test_a_pattern_start_with_a_little_time_fills_the_open_agents_greedily() -> None:
    # Time for the greedy fill but not for the dive to finish: the 07:00-22:00
    # window leaves 9 hours a day that no one can cover, 63 in the week, and 60
    # agents cover all the rest.
    team = [agent(f"is{n}", "Atlantic/Reykjavik") for n in range(60)]
    _, _, validation = start_and_validate(scenario(team, 1), seconds=30)
    assert validation.coverage.totals()["uncovered_hours"] == 63


def test_a_dive_round_fixes_at_least_one_agent_and_a_tenth_of_the_rest() -> None:
    # 20 agents at 10 %: 2 a round while more than 10 are left (20, 18, 16, 14,
    # 12), then 1 a round: 5 rounds of 2 and 10 of 1.
    assert _rounds_to_fix(20, DIVE_SHARE) == 15
    assert _rounds_to_fix(1, DIVE_SHARE) == 1
    assert _rounds_to_fix(100, 1.0) == 1


def test_a_dive_keeps_its_share_while_its_pace_ends_it_in_time() -> None:
    # 20 agents need 15 rounds; at 1 s a round (0.8 s with the margin) that is
    # 12 s. Before any round is timed the share is kept whatever the time.
    assert DIVE_ROUND_MARGIN == 0.8
    assert _share_to_finish(20, DIVE_SHARE, 12.0, 1.0) == DIVE_SHARE
    assert _share_to_finish(20, DIVE_SHARE, 0.1, 0.0) == DIVE_SHARE


def test_a_dive_short_of_time_fixes_as_many_as_ending_in_time_needs() -> None:
    # 6.4 s at 0.8 s a round leaves 8 rounds for 20 agents (15 at 10 %): each
    # round fixes 1 - (1/20)^(1/8) of those left, about 31 %; with time for one
    # round or none it fixes them all.
    share = _share_to_finish(20, DIVE_SHARE, 6.4, 1.0)
    assert abs(share - (1 - (1 / 20) ** (1 / 8))) < 1e-12
    assert _rounds_to_fix(20, share) <= 8
    assert _share_to_finish(20, DIVE_SHARE, 1.5, 1.0) == 1.0
    assert _share_to_finish(20, DIVE_SHARE, 0.5, 1.0) == 1.0


def test_the_master_re_solved_after_a_fix_is_at_the_optimum_of_one_solved_afresh() -> None:
    # After a dive fixes an agent only bounds change, and the kept basis is
    # re-solved by the dual simplex. Six agents in two zones cannot keep three on
    # at every hour (504 agent-hours against 240), so the master's optimum is
    # above 0, and higher once an agent is fixed to the week it uses least. A
    # master built afresh with the same patterns and fixes, solved by the primal
    # simplex, must reach the same value.
    zones = ("Asia/Kolkata", "America/St_Johns")  # half-hour offsets
    team = [agent(f"{zone[:2]}{n}", zone) for zone in zones for n in range(3)]
    problem = Problem.build(scenario(team, 3))
    with ThreadPoolExecutor(max_workers=2) as pool:
        patterns = _Patterns(problem, check_contracts(problem), pool)
        assert patterns.price(rounds=10_000, deadline=math.inf)
        before = patterns.master.solver.Objective().Value()
        # One agent fixed to the week the master uses least, so the optimum moves.
        _, k, week = min(patterns.master.values())
        patterns.master.fix(k, week, 1)
        patterns.fixed[k].append(week)
        assert patterns.master.fixed_since_solve
        assert patterns.master.solve() is not None
        after = patterns.master.solver.Objective().Value()
    fresh = _Master(problem, patterns.classes)
    for k, weeks in enumerate(patterns.master.patterns):
        for week, (_, cover) in weeks.items():
            fresh.add(k, week, cover)
    for k, fixed in enumerate(patterns.fixed):
        for week, n in Counter(fixed).items():
            fresh.fix(k, week, n)
    fresh.fixed_since_solve = False  # the primal simplex, from no basis
    assert fresh.solve() is not None
    assert 0 < before < after
    assert abs(fresh.solver.Objective().Value() - after) < 1e-6


def test_a_queue_s_closed_hours_add_no_rows_to_the_master_and_are_worth_nothing() -> None:
    # Two agents who speak English and German, each one 8-hour shift on Monday
    # (09:00-17:00 UTC at the latest). English needs one agent 09:00-17:00 and
    # German one 09:00-13:00, nobody otherwise. Outside those hours the master has
    # no row for either queue; the class has a capacity row to share out only
    # while both are open, covers English directly 13:00-17:00, and one more agent
    # on when both are closed is worth nothing. The start puts both on Monday
    # 09:00-17:00: nothing short.
    def german_morning(start: datetime) -> int:
        return 1 if start.weekday() == 0 and 9 <= start.hour < 13 else 0

    plan = team(
        [one_day_agent(a, skills=("en", "de")) for a in ("a", "b")],
        [queue("en"), queue("de", german_morning)],
        staffing=Staffing(min_agents=0),
    )
    problem = Problem.build(plan)
    master = _Master(problem, classes_of(problem))
    open_in = [
        {t for t in range(problem.slots) if problem.queue_guide[q][t] or problem.queue_floor[q][t]}
        for q in range(2)
    ]
    english, german = open_in
    assert german and german < english < set(range(problem.slots))
    for q in range(2):
        assert {t for t, rows in enumerate(master.rows[q]) if rows} == open_in[q]
    assert set(master.capacity[0]) == german
    assert master.direct[0] == dict.fromkeys(english - german, 0)
    with ThreadPoolExecutor(max_workers=2) as pool:
        patterns = _Patterns(problem, check_contracts(problem), pool)
        assert patterns.price(rounds=10_000, deadline=math.inf)
        duals = patterns.master.solve()
        assert duals is not None
        (prices,), _ = duals
        assert all(prices[t] == 0 for t in range(problem.slots) if t not in english)
    _, roster, validation = start_and_validate(plan)
    assert [(s.start_utc, s.end_utc) for s in roster] == [(at(9), at(17))] * 2
    assert validation.coverage.totals()["shortfall_agent_hours"] == 0
