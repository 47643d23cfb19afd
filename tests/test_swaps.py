"""Shifts traded between agents for fewer start times (``fewer_start_times``).

Every roster goes through the independent validator; the tiny cases are worked
out by hand.
"""

from coverage.models import Queue, Scenario
from coverage.shifts import Candidate
from coverage.solver import Problem, Status, solve
from coverage.solver.activities import activities_of, serve_greedily
from coverage.solver.model import START_TIMES, Serving, queues_on, term_values
from coverage.solver.swaps import fewer_start_times
from coverage.timegrid import Shift
from coverage.validate import validate_roster
from tests.conftest import WEEK_OF_MARCH, agent, hourly_forecast, scenario


def two_days_in_kolkata(min_rest_hours: float = 11) -> Problem:
    # Two agents in Kolkata (UTC+5:30) who work two 8-hour days.
    agents = [
        agent(name, "Asia/Kolkata", weekly_hours=16, days_per_week=2, start_step_minutes=60,
              min_rest_hours=min_rest_hours)
        for name in ("asha", "ravi")
    ]  # fmt: skip
    return Problem.build(scenario(agents, min_agents=0))


def shifts_of(problem: Problem, a: int, shifts: list[tuple[int, int]]) -> list[Candidate]:
    """Agent a's shifts from Monday on, each as (local start hour, hours)."""
    days = problem.options[a].days
    return [
        next(c for c in days[d] if (c.start_minute, c.minutes) == (60 * hour, 60 * hours))
        for d, (hour, hours) in enumerate(shifts)
    ]


def traded_alone(
    problem: Problem, weeks: list[list[Candidate]]
) -> tuple[list[list[Candidate]], int, int]:
    """One-queue weeks traded: the new weeks and the start times beyond the first
    before and after, both rosters validated and every slot's agents on unchanged."""
    nobody: Serving = [{} for _ in weeks]
    validated(problem, weeks)
    traded, serving = fewer_start_times(problem, weeks, nobody)
    validated(problem, traded)
    assert queues_on(problem, traded, serving) == queues_on(problem, weeks, nobody)
    before, after = (term_values(problem, w, nobody)[START_TIMES] for w in (weeks, traded))
    return traded, before, after


def weeks_of(problem: Problem, shifts: tuple[Shift, ...]) -> list[list[Candidate]]:
    """Each agent's candidates for the shifts of a roster."""
    times = {(s.agent_id, s.start_utc, s.end_utc) for s in shifts}
    return [
        [
            c
            for day in option.days
            for c in day
            if (option.agent.id, c.shift.start_utc, c.shift.end_utc) in times
        ]
        for option in problem.options
    ]


def validated(problem: Problem, weeks: list[list[Candidate]]) -> None:
    shifts = tuple(c.shift for week in weeks for c in week)
    validation = validate_roster(problem.scenario, shifts)
    assert validation.ok, validation.violations


def test_two_agents_with_crossed_start_times_trade_to_one_start_time_each() -> None:
    # Asha starts at 09:00 on Monday and 13:00 on Tuesday, Ravi the other way round:
    # two start times each, one beyond the first each. Trading Tuesday's shifts
    # (or Monday's) leaves each one start time, and the same two people on in
    # every slot.
    problem = two_days_in_kolkata()
    weeks = [shifts_of(problem, 0, [(9, 8), (13, 8)]), shifts_of(problem, 1, [(13, 8), (9, 8)])]
    traded, before, after = traded_alone(problem, weeks)

    assert (before, after) == (2, 0)
    assert sorted(c.start_minute for c in traded[0]) in ([540, 540], [780, 780])


def test_no_trade_is_made_that_would_break_an_agent_s_rest() -> None:
    # 12 hours' rest. Asha: Monday 13:00-21:00, Tuesday 09:00 (12 h later);
    # Ravi: Monday 14:00-22:00, Tuesday 13:00. Trading Tuesday would give Ravi
    # 09:00 after a 22:00 end (11 h); trading Monday would give Asha 14:00-22:00
    # before her 09:00 (11 h). Either would drop a start time; neither is allowed.
    problem = two_days_in_kolkata(min_rest_hours=12)
    weeks = [shifts_of(problem, 0, [(13, 8), (9, 8)]), shifts_of(problem, 1, [(14, 8), (13, 8)])]
    traded, before, after = traded_alone(problem, weeks)

    assert traded == weeks
    assert before == after == 2


def test_shifts_of_unequal_length_are_traded_two_dates_at_once_keeping_both_contracts() -> None:
    # 6, 8 or 10-hour shifts, three days. Asha (24 h): Monday 09:00 for 6 h,
    # Tuesday 13:00 for 10 h, Wednesday 09:00 for 8 h; Ravi (26 h): Monday 09:00
    # for 10 h, Tuesday 09:00 for 6 h, Wednesday 13:00 for 10 h. One start time
    # beyond the first each. No date's shifts are of equal length and differ in
    # start, so no one-date trade keeps the hours; trading Monday's and Tuesday's
    # together does (4 h each way): Asha then starts at 09:00 every day, Ravi at
    # 09:00 once and at 13:00 twice: 1 start time beyond the first in all.
    rules = {"days_per_week": 3, "shift_hours": [6, 8, 10], "start_step_minutes": 60}
    rules |= {"latest_end": "23:00", "min_rest_hours": 10}  # Asha's Tuesday ends at 23:00
    agents = [
        agent("asha", "Asia/Kolkata", weekly_hours=24, **rules),
        agent("ravi", "Asia/Kolkata", weekly_hours=26, **rules),
    ]
    problem = Problem.build(scenario(agents, min_agents=0))
    weeks = [
        shifts_of(problem, 0, [(9, 6), (13, 10), (9, 8)]),
        shifts_of(problem, 1, [(9, 10), (9, 6), (13, 10)]),
    ]
    traded, before, after = traded_alone(problem, weeks)

    assert (before, after) == (2, 1)
    assert [(c.start_minute // 60, c.minutes // 60) for c in traded[0]] == [(9, 10), (9, 6), (9, 8)]


def test_agents_who_serve_two_queues_trade_each_shift_with_its_queues() -> None:
    # The crossed week of the first test, for two agents who speak English and
    # Hindi: each traded shift takes the queues served in it along, so each
    # queue has the same agents on in every slot, and the blocks on one queue
    # keep their shortest length.
    agents = [
        agent(
            name, "Asia/Kolkata", weekly_hours=16, days_per_week=2, start_step_minutes=60
        ).replace(skills=("english", "hindi"))
        for name in ("asha", "ravi")
    ]
    queues = (
        Queue(name="english", forecast=hourly_forecast(1)),
        Queue(name="hindi", forecast=hourly_forecast(lambda start: int(start.hour < 12))),
    )
    plan = Scenario(
        name="two queues", week_start=WEEK_OF_MARCH, agents=tuple(agents), queues=queues
    )
    problem = Problem.build(plan)
    weeks = [shifts_of(problem, 0, [(9, 8), (13, 8)]), shifts_of(problem, 1, [(13, 8), (9, 8)])]
    serving = serve_greedily(problem, weeks)
    assert any(len(set(queues.values())) == 2 for queues in serving)  # someone serves both
    before = term_values(problem, weeks, serving)

    traded, traded_serving = fewer_start_times(problem, weeks, serving)

    after = term_values(problem, traded, traded_serving)
    assert (before[START_TIMES], after[START_TIMES]) == (2, 0)
    assert {n: v for n, v in after.items() if n != START_TIMES} == {
        n: v for n, v in before.items() if n != START_TIMES
    }
    assert queues_on(problem, traded, traded_serving) == queues_on(problem, weeks, serving)
    shifts = tuple(c.shift for week in traded for c in week)
    activities = activities_of(problem, traded, traded_serving)
    validation = validate_roster(plan, shifts, activities=activities)
    assert validation.ok, validation.violations
    # The same roster in gives the same roster out.
    assert fewer_start_times(problem, weeks, serving) == (traded, traded_serving)


def test_a_plan_whose_tie_breaker_finds_nothing_still_ends_with_its_shifts_traded() -> None:
    # Twelve interchangeable agents in Manila, four in Dublin, and a work limit
    # so small that the tie-breaker's search finds no roster: the coverage
    # stage's roster (5 start times beyond the first with OR-Tools 9.15) is the
    # answer, and its shifts are traded until no trade would drop a start time.
    team = [agent(f"m{i}", "Asia/Manila") for i in range(12)]
    team += [agent(f"d{i}", "Europe/Dublin") for i in range(4)]
    plan = scenario(team, lambda start: 4 if 8 <= start.hour < 16 else 2)
    result = solve(plan, time_limit=0.1, workers=1, seed=0, deterministic=True)
    assert result.validation.ok, result.validation.violations
    assert [s.status for s in result.stages] == [Status.OPTIMAL, Status.UNKNOWN]
    problem = Problem.build(plan)
    weeks = weeks_of(problem, result.roster.shifts)
    starts = term_values(problem, weeks, [{} for _ in weeks])[START_TIMES]
    assert result.terms[START_TIMES] == starts
    traded, serving = fewer_start_times(problem, weeks, [{} for _ in weeks])
    assert term_values(problem, traded, serving)[START_TIMES] == starts
