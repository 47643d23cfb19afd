"""A greedy first roster: each agent in turn takes the shifts that cover most of what is still missing.

It gives the CP-SAT search a complete, feasible starting point (a hint), so a
roster exists from the first second even on large teams. Each agent's choice
is a tiny exact model with that agent's hard rules alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ortools.sat.python import cp_model

from coverage.shifts import Candidate
from coverage.solver.model import RosterModel
from coverage.solver.problem import AgentOptions, Problem


def solve_agent_alone(
    problem: Problem, option: AgentOptions, gains: Sequence[Sequence[int]] | None = None
) -> list[Candidate] | None:
    """The agent's best week on their own (max total gain), or None if their rules contradict."""
    alone = RosterModel(replace(problem, options=(option,)), with_objective=False)
    (agent_days,) = alone.choices
    if gains is not None:
        alone.model.maximize(
            sum(gain * var for d, day in enumerate(agent_days) for (_, var), gain in zip(day, gains[d], strict=True))
        )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    code = solver.solve(alone.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [c for day in agent_days for c, var in day if solver.boolean_value(var)]


def greedy_start(problem: Problem) -> list[list[Candidate]]:
    """Shifts per agent, chosen one agent at a time against the remaining need.

    A slot below the ``min_agents`` floor is worth more than all shortfall
    elsewhere, mirroring the objective's priorities. Agents with the fewest
    candidate shifts choose first, since they have the least room.
    """
    slots = problem.slots
    required = problem.required_per_slot
    floor = problem.scenario.staffing.min_agents
    on = [0] * slots
    floor_weight = slots + 1
    order = sorted(
        range(len(problem.options)),
        key=lambda a: (sum(len(day) for day in problem.options[a].days), a),
    )
    chosen: list[list[Candidate]] = [[] for _ in problem.options]
    for a in order:
        option = problem.options[a]
        gains = [
            [
                sum(
                    (floor_weight if on[t % slots] < floor else 0)
                    + (1 if on[t % slots] < required[t % slots] else 0)
                    for t in problem.slots_of(candidate)
                )
                for candidate in day
            ]
            for day in option.days
        ]
        shifts = solve_agent_alone(problem, option, gains) or []
        for candidate in shifts:
            for t in problem.slots_of(candidate):
                on[t % slots] += 1
        chosen[a] = shifts
    return chosen
