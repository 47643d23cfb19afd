"""Groups of agents choosing their weeks again together (``improve_together``).

Each roster is checked by the independent validator, and the optima are worked
out by hand.
"""

import importlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from ortools.sat.python import cp_model
from rich.console import Console

from coverage.models import Queue, Scenario, SolverSettings
from coverage.plan import plan_from_result
from coverage.report import plan_report
from coverage.shifts import Candidate
from coverage.solver import Problem, Progress, Status, neighbourhood, solve
from coverage.solver.activities import activities_of, serve_greedily
from coverage.solver.contracts import check_contracts
from coverage.solver.model import (
    LATE,
    SERVICE_STAGES,
    SHORTFALL,
    STAGES,
    UNCOVERED,
    RosterModel,
    count_on,
    queues_on,
    staged_terms,
    term_values,
)
from coverage.solver.neighbourhood import improve_together, improves_together
from coverage.solver.problem import SERVICE_SCALE
from coverage.solver.solve import FIRST_ROSTER
from coverage.solver.start import improve_weeks
from coverage.validate import validate_roster
from tests.conftest import WEEK_OF_MARCH, WEEK_OF_OCTOBER, agent, hourly_forecast, scenario
from tests.test_channels import contacts_forecast


def day_time(start: datetime) -> int:
    return int(6 <= start.hour < 22)


def every_day_from(problem: Problem, a: int, hour: int) -> list[Candidate]:
    """Agent a's week of shifts starting at ``hour`` UTC on every day."""
    return [
        next(c for c in day if c.shift.start_utc.hour == hour) for day in problem.options[a].days
    ]


def shortfall_hours(plan: Scenario, weeks: list[list[Candidate]]) -> float:
    validation = validate_roster(plan, tuple(c.shift for week in weeks for c in week))
    assert validation.ok, validation.violations
    return float(validation.coverage.totals()["shortfall_agent_hours"])


def two_agents_one_late_one_in_the_middle() -> tuple[Scenario, Problem, list[list[Candidate]]]:
    # One agent needed 06:00-22:00 UTC every day. Ann may work 06:00-22:00 and
    # Ben 10:00-22:00, 8 h a day on all seven days. The roster to start from has
    # Ann late (14-22) and Ben in the middle (10-18): 06-10 is short, 4 h a day.
    seven_days = {"weekly_hours": 56, "days_per_week": 7, "max_consecutive_days": 7}
    team = [
        agent("ann", earliest_start=6 * 60, start_step_minutes=60, **seven_days),
        agent("ben", earliest_start=10 * 60, start_step_minutes=60, **seven_days),
    ]
    plan = scenario(team, day_time, min_agents=0)
    problem = Problem.build(plan)
    return plan, problem, [every_day_from(problem, 0, 14), every_day_from(problem, 1, 10)]


def test_two_agents_trade_shifts_to_close_a_gap_neither_closes_by_moving_alone() -> None:
    # Moving one agent alone cannot help: Ann covers 8 of the 16 hours Ben's
    # 10-18 leaves, 06-10 or 18-22, never both; Ben's 8 hours within 10-22 leave
    # 06-10 to Ann's late shift. Together, Ann early (06-14) and Ben late
    # (14-22) cover every hour: 28 agent-hours short becomes 0.
    plan, problem, start = two_agents_one_late_one_in_the_middle()
    assert shortfall_hours(plan, start) == 28
    alone, _ = improve_weeks(problem, start, [{}, {}], time.perf_counter() + 10)
    assert shortfall_hours(plan, alone) == 28
    together, _ = improve_together(problem, start, [{}, {}], STAGES, time.perf_counter() + 10)
    assert shortfall_hours(plan, together) == 0
    assert [{c.shift.start_utc.hour for c in week} for week in together] == [{6}, {14}]


def test_a_roster_at_its_known_bound_is_returned_as_it_is() -> None:
    # Told that 28 short slots is the best there is, the search has nothing to do.
    _, problem, start = two_agents_one_late_one_in_the_middle()
    known = {UNCOVERED: 0, SHORTFALL: 28}
    until = time.perf_counter() + 10
    assert improve_together(problem, start, [{}, {}], STAGES, until, known=known)[0] == start


def two_agents_alternating_early_and_late() -> tuple[Scenario, Problem, list[list[Candidate]]]:
    # One agent needed 06:00-22:00 UTC every day; Ann and Ben may both work
    # 06-22, 8 h on all seven days, with no rest rule. The start covers every
    # hour but alternates: Ann early on Monday, Wednesday, Friday and Sunday and
    # late on the other days, Ben the other way round: 2 start times each, 2
    # beyond the first.
    seven_days = {"weekly_hours": 56, "days_per_week": 7, "max_consecutive_days": 7}
    rules = {"earliest_start": 6 * 60, "start_step_minutes": 60, "min_rest_hours": 0}
    team = [agent("ann", **rules, **seven_days), agent("ben", **rules, **seven_days)]
    plan = scenario(team, day_time, min_agents=0)
    problem = Problem.build(plan)

    def alternating(a: int) -> list[Candidate]:
        hours = [6 if (d + a) % 2 == 0 else 14 for d in range(7)]
        return [
            next(c for c in day if c.shift.start_utc.hour == h)
            for day, h in zip(problem.options[a].days, hours, strict=True)
        ]

    return plan, problem, [alternating(0), alternating(1)]


def test_chains_out_of_patience_stop_and_keep_the_roster_they_have() -> None:
    # The 28-hour gap above, which the chains close with time to try; with no
    # patience for a search that has gained nothing, the roster stays as it is.
    _, problem, start = two_agents_one_late_one_in_the_middle()
    until = time.perf_counter() + 10
    kept, _ = improve_together(problem, start, [{}, {}], STAGES, until, patience=0.0)
    assert kept == start


def test_once_the_week_is_covered_two_agents_swap_days_to_keep_one_start_time_each() -> None:
    # From the alternating start above, neither can change a day alone without
    # leaving a half-day short; together, one early all week and one late all
    # week: 0 start times beyond the first.
    plan, problem, start = two_agents_alternating_early_and_late()
    serving: list[dict[int, int]] = [{}, {}]
    assert staged_terms(problem, STAGES, start, serving) == [0, 0, 2]
    until = time.perf_counter() + 10
    together, _ = improve_together(problem, start, serving, STAGES, until, stage=1)
    assert staged_terms(problem, STAGES, together, serving) == [0, 0, 0]
    assert shortfall_hours(plan, together) == 0
    assert sorted(len({c.shift.start_utc.hour for c in week}) for week in together) == [1, 1]


def test_groups_chosen_again_keep_every_rule_with_flexible_lengths_and_odd_zones() -> None:
    # The October week (Europe back on winter time, the US changing on Sunday):
    # Kolkata (+5:30) with 6-10 h shifts, Kathmandu (+5:45), Adelaide (+10:30)
    # with 12 h rest and at most 4 days in a row, New York across its change.
    # From the weeks the contract check found, every change keeps every hard
    # rule and never makes the objective's terms worse.
    flexible = {"shift_hours": [6, 7, 8, 9, 10]}
    strict = {"min_rest_hours": 12, "max_consecutive_days": 4, "weekly_hours": 32}
    team = (
        [agent(f"in{n}", "Asia/Kolkata", **flexible) for n in range(5)]
        + [agent(f"np{n}", "Asia/Kathmandu") for n in range(3)]
        + [agent(f"au{n}", "Australia/Adelaide", **strict) for n in range(4)]
        + [agent(f"us{n}", "America/New_York", **flexible) for n in range(4)]
    )
    plan = scenario(team, lambda s: 3 if 12 <= s.hour < 20 else 1, week_start=WEEK_OF_OCTOBER)
    problem = Problem.build(plan)
    start = check_contracts(problem)
    serving: list[dict[int, int]] = [{} for _ in team]
    together, _ = improve_together(problem, start, serving, STAGES, time.perf_counter() + 5, seed=3)
    before = staged_terms(problem, STAGES, start, serving)
    after = staged_terms(problem, STAGES, together, serving)
    assert after < before
    assert shortfall_hours(plan, together) < shortfall_hours(plan, start)
    worked = {a.id: sum(c.minutes for c in week) for a, week in zip(team, together, strict=True)}
    assert worked == {a.id: a.rules.weekly_hours * 60 for a in team}


def test_chains_with_agents_of_two_queues_keep_every_rule_and_the_shortest_block() -> None:
    # English 24/7 and German 07:00-19:00 UTC on weekdays, two needed in each;
    # four English agents, two German and three who speak both, in Dublin,
    # Berlin (30-minute starts) and Kathmandu (+5:45, a 15-minute grid), with
    # 60-minute blocks at the least. From the contract check's weeks, served
    # by the min-cost flow, every change keeps every hard rule and every block,
    # and the terms never get worse.
    def german_hours(start: datetime) -> int:
        return 2 if start.weekday() < 5 and 7 <= start.hour < 19 else 0

    blocks = {"min_activity_minutes": 60}
    team = (
        [agent(f"en{n}", "Europe/Dublin", **blocks).replace(skills=("en",)) for n in range(4)]
        + [agent(f"de{n}", "Europe/Berlin", **blocks).replace(skills=("de",)) for n in range(2)]
        + [
            agent(f"np{n}", "Asia/Kathmandu", **blocks).replace(skills=("en", "de"))
            for n in range(3)
        ]
    )
    queues = (
        Queue(name="en", forecast=hourly_forecast(2)),
        Queue(name="de", forecast=hourly_forecast(german_hours)),
    )
    plan = Scenario(name="queues", week_start=WEEK_OF_MARCH, agents=tuple(team), queues=queues)
    problem = Problem.build(plan)
    assert improves_together(problem) and problem.step_minutes == 15
    start = check_contracts(problem)
    serving = serve_greedily(problem, start)
    together, queues_then = improve_together(
        problem, start, serving, STAGES, time.perf_counter() + 5, seed=1
    )
    before = staged_terms(problem, STAGES, start, serving)
    assert staged_terms(problem, STAGES, together, queues_then) < before
    roster = tuple(c.shift for week in together for c in week)
    activities = activities_of(problem, together, queues_then)
    validation = validate_roster(plan, roster, activities=activities)
    assert validation.ok, validation.violations


def test_under_the_service_objective_two_agents_move_to_the_peak_where_neither_gains_alone() -> (
    None
):
    # Two agents with one hour each, at 09:00 or 10:00 on Monday; 2 calls at 09:00
    # and 12 at 10:00 (hand-checked in tests/test_service_objective.py). Both at
    # 09:00: 0.0329 late at 09:00 (Erlang C, two agents on 0.2 Erlang) plus all 12
    # at 10:00, 12.0329. Either alone to 10:00: one on each, 0.3826 + 12 = 12.3826,
    # worse. Both to 10:00: 2 + 5.1653 = 7.1653, the optimum.
    from tests.test_service_objective import late_at, phone_team

    problem = Problem.build(phone_team("service"))
    assert improves_together(problem)
    at_nine = [[every_day_from(problem, a, 9)[0]] for a in range(2)]
    serving: list[dict[int, int]] = [{}, {}]
    late = [*SERVICE_STAGES[0]].index(LATE)

    def calls_late(weeks: list[list[Candidate]]) -> float:
        return staged_terms(problem, SERVICE_STAGES, weeks, serving)[late] / SERVICE_SCALE

    at_ten = [[every_day_from(problem, a, 10)[0]] for a in range(2)]
    assert calls_late(at_nine) == pytest.approx(late_at(2, 2) + 12, abs=1e-3)
    assert late_at(2, 2) == pytest.approx(0.0329, abs=1e-4)
    assert calls_late([at_nine[0], at_ten[1]]) == pytest.approx(12.3826, abs=1e-3)
    until = time.perf_counter() + 10
    together, _ = improve_together(problem, at_nine, serving, SERVICE_STAGES, until)
    assert [c.shift.start_utc.hour for week in together for c in week] == [10, 10]
    assert calls_late(together) == pytest.approx(7.1653, abs=1e-3)


@pytest.mark.parametrize("short_of_email", [False, True])
def test_a_part_s_model_counts_the_whole_team_s_late_calls_and_email_backlog(
    short_of_email: bool,
) -> None:
    # Ann, Ben and Cat serve phone and email, one 8-hour shift on Monday from
    # 08:00, 09:00 and 10:00 UTC; 2 calls at 09:00 and 12 at 10:00, 12 emails
    # (2 hours of work) at 09:00. Ann answers email all day, the others the
    # phone; short of email, Ann answers it only 08:00-09:00, then the phone, and
    # the week drops an hour of its work. For every agent alone and every pair, the model of
    # that part with the others outside it has the whole roster's coverage
    # terms, contacts late (Cat is on at 10:00 outside Ben's part) and email.
    from tests.test_channels import email_team
    from tests.test_service_objective import PHONE, at_nine_and_ten

    phone = Queue(
        name="phone",
        forecast=contacts_forecast(at_nine_and_ten(2, 12), 360),
        staffing=PHONE.replace(min_agents=0),
    )
    one_day = {"weekly_hours": 8, "days_per_week": 1, "earliest_start": "08:00"}
    team = tuple(
        agent(name, **one_day).replace(skills=("phone", "email")) for name in ("ann", "ben", "cat")
    )
    plan = email_team().replace(
        agents=team,
        queues=(phone, *email_team().queues),
        solver=SolverSettings(objective="service"),
    )
    problem = Problem.build(plan)
    weeks = [[every_day_from(problem, a, 8 + a)[0]] for a in range(3)]
    email = 1
    serving: list[dict[int, int]] = []
    for a, week in enumerate(weeks):
        slots = problem.slots_of(week[0])
        on_email = slots[: 60 // problem.step_minutes] if short_of_email else slots
        serving.append({t: email if a == 0 and t in on_email else 0 for t in slots})
    whole = term_values(problem, weeks, serving)
    everyone = queues_on(problem, weeks, serving)
    flow = problem.emails[0]
    assert flow.overdue(everyone[email])[1] == (3600 if short_of_email else 0)
    nine, ten = (hour * 60 // problem.step_minutes for hour in (9, 10))
    on_the_phone = (2, 3) if short_of_email else (1, 2)
    assert (everyone[0][nine], everyone[0][ten]) == on_the_phone  # Monday
    for group in ([0], [1], [2], [0, 1], [0, 2], [1, 2]):
        others = [list(row) for row in everyone]
        for a in group:
            count_on(problem, others, serving, a, weeks[a], -1)
        model = RosterModel(problem.part(group), stages=SERVICE_STAGES, outside=others)
        hinted = model.add_hint([weeks[a] for a in group], [serving[a] for a in group])
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.num_workers = 1
        assert solver.solve(model.model) == cp_model.OPTIMAL
        for name in (UNCOVERED, SHORTFALL, LATE):
            assert solver.value(model.terms[name].expression) == whole[name] == hinted[name]


def test_a_plan_whose_first_roster_is_short_is_closed_by_the_chains_before_the_full_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The two agents go through the large-team path with the pattern start
    # replaced by the roster above (28 agent-hours short). The chains close it
    # to the LP bound of 0, so the coverage stage is proven without a search.
    plan, _, _ = two_agents_one_late_one_in_the_middle()

    def late_and_middle(problem: Problem, *rest: object) -> list[list[Candidate]]:
        return [every_day_from(problem, 0, 14), every_day_from(problem, 1, 10)]

    search = importlib.import_module("coverage.solver.solve")  # the module, not the function
    monkeypatch.setattr(search, "PATTERNS_FROM_WITH_SEVERAL_LENGTHS", 1)
    monkeypatch.setattr(search, "PATTERNS_FROM", 1)
    monkeypatch.setattr(search, "pattern_start", late_and_middle)
    result = solve(plan, time_limit=20, workers=1, seed=0)
    assert result.terms["shortfall"] == 0
    coverage_stage = result.stages[0]
    assert coverage_stage.status is Status.OPTIMAL and coverage_stage.seconds == 0
    assert validate_roster(plan, result.roster).ok


@pytest.fixture
def chains_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plan too large for the full model, which then must not be built."""

    def not_built(*args: object, **kwargs: object) -> None:
        raise AssertionError("the full model was built")

    monkeypatch.setattr(
        importlib.import_module("coverage.solver.memory"), "FULL_MODEL_TERMS_AT_MOST", -1
    )
    monkeypatch.setattr(importlib.import_module("coverage.solver.solve"), "RosterModel", not_built)


@pytest.mark.usefixtures("chains_engine")
def test_a_plan_too_large_for_the_full_model_is_covered_by_the_chains_alone() -> None:
    # The late-and-middle roster (28 agent-hours short) given as the first
    # roster; the chains close it to the LP bound of 0, which proves the
    # coverage stage, and Ann early with Ben late keeps one start time each.
    # Each better roster the chains find is reported as it is found.
    plan, _, start = two_agents_one_late_one_in_the_middle()
    shifts = [c.shift for week in start for c in week]
    events: list[Progress] = []
    result = solve(
        plan, time_limit=20, workers=1, seed=0, initial_roster=shifts, on_progress=events.append
    )
    assert result.engine == "chains"
    first, found, *_ = events
    assert first.stage == FIRST_ROSTER and first.objective > 0 == first.best_bound
    assert found.stage == "uncovered + shortfall" and found.objective < first.objective
    assert result.terms == {"uncovered": 0, "shortfall": 0, "start_time_changes": 0}
    assert [stage.status for stage in result.stages] == [Status.OPTIMAL, Status.OPTIMAL]
    assert result.status is Status.OPTIMAL and result.objective == result.best_bound == 0
    assert validate_roster(plan, result.roster).ok
    written = plan_from_result(result)
    assert written.summary["engine"] == "chains"
    console = Console(record=True, width=120)
    console.print(plan_report(written))
    assert "chains of a few agents at a time" in console.export_text()


@pytest.mark.usefixtures("chains_engine")
def test_without_the_full_model_the_chains_run_the_start_time_tie_breaker_with_coverage_held() -> (
    None
):
    # The alternating roster covers the week with 2 start times beyond the
    # first; the tie-breaker's chains bring them to 0 and keep every hour covered.
    plan, _, start = two_agents_alternating_early_and_late()
    shifts = [c.shift for week in start for c in week]
    result = solve(plan, time_limit=20, workers=1, seed=0, initial_roster=shifts)
    assert result.engine == "chains"
    assert result.terms["shortfall"] == 0 and result.terms["start_time_changes"] == 0
    tie_breaker = result.stages[1]
    assert tie_breaker.terms == ("start_time_changes",) and tie_breaker.status is Status.OPTIMAL
    assert validate_roster(plan, result.roster).ok


@pytest.mark.usefixtures("chains_engine")
def test_without_the_full_model_two_agents_move_to_the_peak_under_the_service_objective() -> None:
    # The two one-hour agents of the service test above, both given 09:00:
    # 12.0329 calls late; the chains move both to 10:00, 7.1653 late.
    from tests.test_service_objective import phone_team

    plan = phone_team("service")
    problem = Problem.build(plan)
    shifts = [every_day_from(problem, a, 9)[0].shift for a in range(2)]
    result = solve(plan, time_limit=20, workers=1, seed=0, initial_roster=shifts)
    assert result.engine == "chains"
    assert sorted(s.start_utc.hour for s in result.roster.shifts) == [10, 10]
    assert result.terms["contacts_late"] == pytest.approx(7.1653, abs=1e-3)
    assert result.stages[0].terms == SERVICE_STAGES[0]
    assert validate_roster(plan, result.roster).ok


def test_a_deterministic_plan_or_a_hire_builds_the_full_model_whatever_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The chains run on the wall clock and neither hire nor re-plan.
    memory = importlib.import_module("coverage.solver.memory")
    monkeypatch.setattr(memory, "FULL_MODEL_TERMS_AT_MOST", -1)
    plan, problem, _ = two_agents_one_late_one_in_the_middle()
    assert not memory.builds_full_model(problem)
    assert memory.builds_full_model(problem, deterministic=True)
    assert solve(plan, time_limit=10, workers=1, deterministic=True).engine == "full model"
    assert memory.builds_full_model(Problem.build(plan, optional=frozenset({"ann"})))


@pytest.mark.parametrize(
    ("name", "objective"), [("channels", "service"), ("multilingual", "agents")]
)
def test_the_chains_engine_ranks_the_terms_as_the_full_model_does(
    name: str, objective: str
) -> None:
    # Without the full model the terms' weights come from the problem alone;
    # they must be those the full model gives its terms.
    from coverage.inputs import load_scenario, resolve_scenario
    from coverage.solver.model import ranked_weights, stages_for, term_upper_bounds

    plan = load_scenario(resolve_scenario(name))
    plan = plan.replace(solver=plan.solver.replace(objective=objective))
    problem = Problem.build(plan)
    model = RosterModel(problem, stages=stages_for(problem))
    uppers = term_upper_bounds(problem)
    assert {n: uppers[n] for n in model.terms} == {n: t.upper_bound for n, t in model.terms.items()}
    assert ranked_weights(stages_for(problem), uppers) == model.weights


def test_on_two_workers_two_pairs_are_searched_side_by_side_and_both_moves_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The 28-hour gap above twice over: two agents needed 06:00-22:00, Ann and Cat
    # (who may start at 06:00) late, Ben and Dan (from 10:00) in the middle: 56
    # agent-hours short. One round on two workers searches Ann with Ben and Cat
    # with Dan at the same time, each against the roster as it was. Ann early and
    # Ben late leave 06-10 one short (28 hours); Cat and Dan's same move, kept as
    # well because the roster is no worse for it, then covers every hour.
    seven_days = {"weekly_hours": 56, "days_per_week": 7, "max_consecutive_days": 7}
    rules = {"start_step_minutes": 60, **seven_days}
    team = [
        agent(name, earliest_start=hour * 60, **rules)
        for name, hour in (("ann", 6), ("ben", 10), ("cat", 6), ("dan", 10))
    ]
    plan = scenario(team, lambda start: 2 * day_time(start), min_agents=0)
    problem = Problem.build(plan)
    start = [every_day_from(problem, a, 14 if a % 2 == 0 else 10) for a in range(4)]
    assert shortfall_hours(plan, start) == 56
    pairs = [[0, 1], [2, 3]]
    met = threading.Barrier(2, timeout=10)  # only two searches at once pass it
    search_again = neighbourhood.choose_again

    def side_by_side(*args: Any, **kwargs: Any) -> Any:
        met.wait()
        return search_again(*args, **kwargs)

    monkeypatch.setattr(neighbourhood._Neighbourhoods, "group", lambda *_: pairs.pop(0))
    monkeypatch.setattr(neighbourhood, "choose_again", side_by_side)
    with ThreadPoolExecutor(2) as pool:
        search = neighbourhood._Neighbourhoods(problem, start, [{}] * 4, STAGES, 0, pool, 2)
        assert search.step(0, 2, 5.0)
    assert not pairs
    assert shortfall_hours(plan, search.chosen) == 0
    assert [{c.shift.start_utc.hour for c in week} for week in search.chosen] == [
        {6}, {14}, {6}, {14}
    ]  # fmt: skip


def test_under_the_service_objective_chains_start_where_most_contacts_are_late() -> None:
    # Both agents at 09:00 (the two-hour case above): 0.0329 calls late at 09:00
    # and all 12 at 10:00, so a chain starts at 10:00 about 365 times as often (each
    # fine slot of the hour has its share of the hour's calls).
    # Under the agents objective every short slot is alike.
    from tests.test_service_objective import late_at, phone_team

    for objective, expected in (("service", (late_at(2, 2), 12.0)), ("agents", None)):
        problem = Problem.build(phone_team(objective))  # type: ignore[arg-type]
        at_nine = [[every_day_from(problem, a, 9)[0]] for a in range(2)]
        search = neighbourhood._Neighbourhoods(problem, at_nine, [{}, {}], STAGES, 0)
        nine, ten = (hour * 60 // problem.step_minutes for hour in (9, 10))
        weights = search.lateness([(0, nine), (0, ten)])
        if expected is None:
            assert weights is None
            continue
        assert weights is not None
        priority = problem.priorities[0] * SERVICE_SCALE * problem.step_minutes / 60
        assert [w / priority for w in weights] == pytest.approx(expected, abs=1e-3)
