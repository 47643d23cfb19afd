"""A greedy first roster: each agent in turn takes the shifts that cover most
of what is still missing.

It gives the CP-SAT search a complete, feasible starting point (a hint), so a
roster exists from the first second even on large teams. Each agent's choice
is a tiny exact model with that agent's hard rules alone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from ortools.sat.python import cp_model

from coverage.shifts import Candidate
from coverage.solver.activities import QueueNeed, serve_shift
from coverage.solver.model import START_TIMES, RosterModel
from coverage.solver.problem import AgentOptions, Problem
from coverage.timegrid import Shift

# Seconds one agent's week may take on its own; weeks are tiny models that
# take milliseconds, so this only bounds a pathological case.
AGENT_ALONE_SECONDS = 10.0


class Undecided(Exception):
    """The agent's week was neither found nor proven impossible in the time allowed."""


def solve_agent_alone(
    problem: Problem, option: AgentOptions, gains: Sequence[Sequence[int]] | None = None
) -> list[Candidate] | None:
    """The agent's best week on their own, or None if their rules contradict.

    With ``gains`` (per candidate shift), the week maximises the total gain and,
    among equal gains, uses the fewest distinct local start times. Raises
    ``Undecided`` when the time runs out before either is known.
    """
    alone = RosterModel(
        replace(problem, options=(replace(option, optional=False),)), with_objective=False
    )
    (agent_days,) = alone.choices
    if gains is not None:
        alone.add_start_time_term()
        extra = alone.terms[START_TIMES]
        gain = cp_model.LinearExpr.weighted_sum(
            [var for day in agent_days for _, var in day],
            [g for day_gains in gains for g in day_gains],
        )
        alone.model.maximize((extra.upper_bound + 1) * gain - extra.expression)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = AGENT_ALONE_SECONDS
    code = solver.solve(alone.model)
    if code == cp_model.INFEASIBLE:
        return None
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise Undecided(option.agent.id)
    return [c for day in agent_days for c, var in day if solver.boolean_value(var)]


def _kept(problem: Problem, roster: Sequence[Shift]) -> dict[int, list[Candidate]]:
    """Agents whose shifts in ``roster`` are all among their candidates, with those candidates."""
    by_agent: dict[str, set[tuple[datetime, datetime]]] = {}
    for shift in roster:
        by_agent.setdefault(shift.agent_id, set()).add((shift.start_utc, shift.end_utc))
    kept: dict[int, list[Candidate]] = {}
    for a, option in enumerate(problem.options):
        wanted = by_agent.get(option.agent.id)
        if wanted is None:
            continue
        found = [
            c for day in option.days for c in day if (c.shift.start_utc, c.shift.end_utc) in wanted
        ]
        if len(found) == len(wanted):
            kept[a] = found
    return kept


def greedy_start(
    problem: Problem,
    start_roster: Sequence[Shift] = (),
    feasible: Sequence[list[Candidate]] | None = None,
    deadline: float | None = None,
) -> list[list[Candidate]]:
    """Shifts per agent: those of ``start_roster`` where it has them, else chosen
    one agent at a time against the remaining need.

    A slot below a queue's ``min_agents`` floor is worth more than all shortfall
    elsewhere, mirroring the objective's priorities; an agent who serves several
    queues values each slot at the queue that needs them most there. Agents with the fewest
    candidate shifts choose first, since they have the least room. Optional
    (hypothetical) agents not in ``start_roster`` are left out. After
    ``deadline`` (a ``time.perf_counter`` value) the remaining agents take
    their ``feasible`` week as it is, so a short time limit is kept.
    """
    need = QueueNeed(problem)
    chosen: list[list[Candidate]] = [[] for _ in problem.options]

    def take(a: int, shifts: list[Candidate]) -> None:
        chosen[a] = shifts
        for candidate in shifts:
            serve_shift(problem, problem.options[a], candidate, need)

    kept = _kept(problem, start_roster)
    for a, shifts in kept.items():
        take(a, shifts)
    order = sorted(
        (a for a, o in enumerate(problem.options) if a not in kept and not o.optional),
        key=lambda a: (
            len(problem.options[a].queues),
            sum(len(day) for day in problem.options[a].days),
            a,
        ),
    )
    for a in order:
        option = problem.options[a]
        if feasible is not None and deadline is not None and time.perf_counter() > deadline:
            take(a, list(feasible[a]))
            continue
        gains = [
            [need.candidate_gain(option, candidate) for candidate in day] for day in option.days
        ]
        try:
            week = solve_agent_alone(problem, option, gains)
        except Undecided:
            week = list(feasible[a]) if feasible is not None else []
        take(a, week or [])
    return chosen
