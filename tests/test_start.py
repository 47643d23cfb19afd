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
