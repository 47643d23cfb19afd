"""Counts first, then names: a start for large teams.

The aggregate model decides how many agents of each class work each shift;
then, class by class, a small CP-SAT model gives those shifts to named agents
under every agent's own hard rules, matching the counts as closely as they
allow. Interchangeable agents make the full model highly symmetric, and this
is where CP-SAT loses time on large teams.

The counts come from the integer aggregate model when CP-SAT finds them in
a quarter of the budget (with fixed 8-hour shifts on 1000 agents they are optimal, and
naming matches them exactly); otherwise, as with flexible shift lengths where
the integer model took 20 s to find anything, from the aggregate linear
programme (GLOP, a second or less), whose fractions naming makes whole. Each
agent's contract-check week is the naming model's first solution.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from ortools.sat.python import cp_model

from coverage.shifts import Candidate
from coverage.solver.bound import AggregateModel
from coverage.solver.model import RosterModel
from coverage.solver.problem import Problem

# Counts are matched in hundredths of an agent.
SCALE = 100


def _name_class(
    problem: Problem,
    members: list[int],
    counts: dict[tuple[int, int], float],
    feasible: Sequence[list[Candidate]],
    seconds: float,
) -> list[list[Candidate]] | None:
    """Named weeks for one class that match its shift counts as closely as the rules allow."""
    sub = RosterModel(
        replace(problem, options=tuple(problem.options[a] for a in members)),
        with_objective=False,
    )
    deviations = []
    for (d, i), wanted in counts.items():
        taken = sum(agent_days[d][i][1] for agent_days in sub.choices)
        apart = sub.model.new_int_var(0, SCALE * len(members), f"apart[{d},{i}]")
        sub.model.add_abs_equality(apart, SCALE * taken - round(SCALE * wanted))
        deviations.append(apart)
    # Start times are left to the solve's own stage: weighing them here made
    # naming 1000 agents take 40 s instead of 8.
    sub.model.minimize(sum(deviations))
    for position, a in enumerate(members):
        week = {id(c) for c in feasible[a]}
        for day in sub.choices[position]:
            for candidate, var in day:
                sub.model.add_hint(var, id(candidate) in week)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = 2
    solver.parameters.catch_sigint_signal = False
    code = solver.solve(sub.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [
        [c for day in agent_days for c, var in day if solver.boolean_value(var)]
        for agent_days in sub.choices
    ]


def aggregate_start(
    problem: Problem, seconds: float, feasible: Sequence[list[Candidate]]
) -> list[list[Candidate]] | None:
    """A complete roster from aggregate counts and per-class naming (None if the LP fails)."""
    deadline = time.perf_counter() + seconds
    floor_weight = sum(problem.required_per_slot) + 1
    model = AggregateModel(problem, "CP_SAT", integer=True)
    if model.minimize(model.short, seconds=seconds / 4, floor_weight=floor_weight) is None:
        model = AggregateModel(problem, "GLOP", integer=False)
        if model.minimize(model.short, floor_weight=floor_weight) is None:
            return None
    chosen: list[list[Candidate]] = [[] for _ in problem.options]
    for k, members in enumerate(model.classes):
        counts = {
            (d, i): y.solution_value()
            for d, day in enumerate(model.counts[k])
            for i, (_, y) in enumerate(day)
        }
        left = deadline - time.perf_counter()
        named = _name_class(problem, members, counts, feasible, left / (len(model.classes) - k))
        if named is None:  # out of time for this class: its contract-check weeks
            named = [list(feasible[a]) for a in members]
        for a, shifts in zip(members, named, strict=True):
            chosen[a] = shifts
    return chosen
