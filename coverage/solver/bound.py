"""A lower bound for every plan: the aggregate linear programme.

Agents with the same zone, rules, availability and time off form a class; the
LP decides how many agents of each class work each candidate shift, in
fractions. It keeps what holds for every agent summed over the class: one
shift per day, the contract's minutes and days, rest between consecutive days,
no more than ``max_consecutive_days`` in any run of days. Every roster is a
solution of it, so its optimum bounds any roster from below: the uncovered
agent-hours and, separately, the shortfall agent-hours. It is solved with GLOP
in well under a second for the bundled teams, whatever CP-SAT manages to prove.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from ortools.linear_solver import pywraplp

from coverage.solver.problem import AgentOptions, Problem
from coverage.timegrid import WEEK


@dataclass(frozen=True)
class LowerBound:
    """What no roster can beat, in agent-hours."""

    uncovered_agent_hours: float
    shortfall_agent_hours: float
    seconds: float


def _signature(option: AgentOptions) -> tuple[object, ...]:
    agent = option.agent
    return (agent.timezone, agent.rules, agent.availability, agent.time_off, option.contract)


def lower_bound(problem: Problem) -> LowerBound | None:
    """The aggregate LP bound, or None when the problem has optional (hypothetical) agents
    or the LP solver is unavailable."""
    if any(option.optional for option in problem.options):
        return None
    started = time.perf_counter()
    classes: dict[tuple[object, ...], list[AgentOptions]] = {}
    for option in problem.options:
        classes.setdefault(_signature(option), []).append(option)

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    slots = problem.slots
    covering: list[list[pywraplp.Variable]] = [[] for _ in range(slots)]
    for number, members in enumerate(classes.values()):
        option, count = members[0], len(members)
        rules, contract = option.agent.rules, option.contract
        days = [
            [(c, solver.NumVar(0, count, f"y[{number},{d},{i}]")) for i, c in enumerate(day)]
            for d, day in enumerate(option.days)
        ]
        working = [solver.Sum([y for _, y in day]) for day in days]
        for day_total in working:
            solver.Add(day_total <= count)
        solver.Add(
            solver.Sum([c.minutes * y for day in days for c, y in day]) == count * contract.minutes
        )
        solver.Add(solver.Sum(working) <= count * contract.max_days)
        limit = rules.max_consecutive_days
        if limit < 7:
            for d in range(7):
                solver.Add(
                    solver.Sum([working[(d + k) % 7] for k in range(limit + 1)]) <= count * limit
                )
        rest = timedelta(minutes=rules.min_rest_minutes)
        for d, day in enumerate(days):
            for later in (d + 1, d + 2):
                shift_by = WEEK if later >= 7 else timedelta(0)
                for candidate, y in day:
                    clashes = [
                        other
                        for c, other in days[later % 7]
                        if c.shift.start_utc + shift_by < candidate.shift.end_utc + rest
                    ]
                    if clashes:
                        solver.Add(y + solver.Sum(clashes) <= count)
        for day in days:
            for candidate, y in day:
                for t in problem.slots_of(candidate):
                    covering[t % slots].append(y)

    floor = problem.scenario.staffing.min_agents
    required = problem.required_per_slot
    missing, short = [], []
    for t in range(slots):
        on = solver.Sum(covering[t])
        miss = solver.NumVar(0, floor, f"missing[{t}]")
        gap = solver.NumVar(0, required[t], f"short[{t}]")
        solver.Add(miss + on >= floor)
        solver.Add(gap + on >= required[t])
        missing.append(miss)
        short.append(gap)

    hours = problem.step_minutes / 60
    values = []
    for terms in (missing, short):
        solver.Minimize(solver.Sum(terms))
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        # GLOP works in floating point: take off a hair so the bound stays a bound.
        values.append(max(0.0, solver.Objective().Value() * hours - 1e-6))
    return LowerBound(values[0], values[1], time.perf_counter() - started)


def above_bound(value: float, bound: float) -> float | None:
    """How far above the bound a value is, as a fraction of the bound (None if undefined)."""
    if bound > 1e-9:
        return max(0.0, value - bound) / bound
    return 0.0 if value <= 1e-9 else None
