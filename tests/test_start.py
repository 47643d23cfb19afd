"""The first roster's pieces: what each shift is worth against the need, what is
still missing, and each agent's week model kept between choices."""

from __future__ import annotations

from datetime import datetime

from coverage.solver import Problem
from coverage.solver.activities import QueueNeed
from coverage.solver.start import AgentAlone, solve_agent_alone
from tests.conftest import agent, scenario


def evenings(start: datetime) -> int:
    """Two agents 18:00-24:00 UTC every day, one otherwise."""
    return 2 if start.hour >= 18 else 1


def night_owl_problem() -> Problem:
    # One agent in Los Angeles (UTC-7 that week) who works afternoons and evenings,
    # so Sunday's late shifts run past the end of the UTC week and wrap to Monday.
    owl = agent("owl", "America/Los_Angeles", start_step_minutes=60, earliest_start="12:00")
    return Problem.build(scenario([owl], evenings, min_agents=0))


def test_each_shift_is_worth_the_sum_of_its_slots_also_across_the_end_of_the_week() -> None:
    problem = night_owl_problem()
    (option,) = problem.options
    need = QueueNeed(problem)
    for t in range(0, problem.slots, 5):  # some slots already have someone on
        need.add(0, t)
    gains = need.shift_gains(option)
    wrapped = 0
    for day, day_gains in zip(option.days, gains, strict=True):
        for candidate, gain in zip(day, day_gains, strict=True):
            slots = problem.slots_of(candidate)
            wrapped += slots.stop > problem.slots
            assert gain == sum(need.best_gain(option, t) for t in slots)
    assert wrapped  # the case the running sum over two weeks is for


def test_what_is_missing_in_parts_of_the_week_adds_up_to_the_whole_week() -> None:
    problem = night_owl_problem()
    need = QueueNeed(problem)
    for t in range(0, problem.slots, 3):
        need.add(0, t)
    half = problem.slots // 2
    assert need.cost() > 0
    assert need.cost(range(half)) + need.cost(range(half, problem.slots)) == need.cost()
    assert need.cost([]) == 0


def test_an_agent_s_week_model_kept_for_new_gains_chooses_as_a_fresh_one() -> None:
    problem = night_owl_problem()
    (option,) = problem.options
    kept = AgentAlone(problem, option)
    need = QueueNeed(problem)
    for _ in range(3):  # each week taken, then chosen again against the new need
        gains = need.shift_gains(option)
        week = kept.best_week(gains)
        assert week == solve_agent_alone(problem, option, gains)
        assert week
        for candidate in week:
            for t in problem.slots_of(candidate):
                need.add(0, t)
    assert kept.best_week() is not None  # and with no gains, any week that keeps the rules


def test_the_weeks_on_the_way_to_the_best_end_at_a_week_worth_the_best() -> None:
    # The pattern start prices weeks at fractional prices per slot: 0.75 an
    # evening slot (18:00-24:00 UTC), 0.25 any other, so every sum is exact in
    # binary. Each shift's worth is the sum of its slots' prices, and the last
    # week the search passes through (without the start-time tie-break) is
    # worth as much as the best week.
    problem = night_owl_problem()
    (option,) = problem.options
    prices = [
        0.75 if (t * problem.step_minutes // 60) % 24 >= 18 else 0.25 for t in range(problem.slots)
    ]
    worths = problem.shift_worths(option, prices)
    for day, day_worths in zip(option.days, worths, strict=True):
        for candidate, worth in zip(day, day_worths, strict=True):
            slots = problem.slots_of(candidate)
            assert worth == sum(prices[t % problem.slots] for t in slots)
    gains = [[round(1000 * w) for w in day] for day in worths]
    found = AgentAlone(problem, option, tie_break=False).weeks_on_the_way(gains, seconds=10)
    assert found
    best = AgentAlone(problem, option).best_week(gains)
    assert best is not None
    index = {id(c): (d, i) for d, day in enumerate(option.days) for i, c in enumerate(day)}
    worth_of_best = sum(gains[d][i] for d, i in (index[id(c)] for c in best))
    assert sum(gains[d][i] for d, i in found[-1]) == worth_of_best
