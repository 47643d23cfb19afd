"""The aggregate model: how many agents of each class work each shift, no names.

Agents with the same zone, rules, availability, time off and queues form a
class (they have the same candidate shifts). The model keeps what holds for
every agent summed over the class: one shift per day, the contract's minutes
and days, rest between consecutive days, no more than ``max_consecutive_days``
in any run, and the class's agents on in a slot split between their queues (so
no agent counts on two queues at once; the shortest block is relaxed).

Solved as a linear programme (HiGHS), it is a **lower bound** for every plan:
every roster is a solution of it, so no roster has fewer uncovered or short
agent-hours than its optimum, whatever CP-SAT manages to prove. It takes
under a second on the small bundled teams and seconds on the benchmark teams;
the contacts-late LP of the ``channels`` sample takes 15-25 s.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from coverage.shifts import Candidate
from coverage.solver.problem import (
    SERVICE_SCALE,
    AgentOptions,
    EmailFlow,
    Problem,
    hull_segments,
)


@dataclass(frozen=True)
class LowerBound:
    """What no roster can beat, in agent-hours (each queue's weighted by its priority)."""

    uncovered_agent_hours: float
    shortfall_agent_hours: float | None  # under the agents objective
    seconds: float
    contacts_late: float | None = None  # under the service objective


def signature(option: AgentOptions) -> tuple[object, ...]:
    """Agents with equal signatures are interchangeable: same candidates, same rules."""
    agent = option.agent
    return (
        agent.timezone,
        agent.rules,
        agent.availability,
        agent.time_off,
        agent.absences,
        option.contract,
        option.queues,
        # A re-plan's agents keep their own published weeks: equal only if those are.
        None
        if option.published is None
        else (
            option.published,
            tuple((c.shift.start_utc, c.shift.end_utc) for day in option.days for c in day),
        ),
    )


def classes_of(problem: Problem) -> list[list[int]]:
    """Indices of interchangeable agents, in order of first appearance."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for a, option in enumerate(problem.options):
        groups.setdefault(signature(option), []).append(a)
    return list(groups.values())


HIGHS_OPTIONS = "solver=ipm\noutput_flag=false\nthreads=1\n"


class AggregateModel:
    """The aggregate model as a linear programme (HiGHS, interior point)."""

    def __init__(self, problem: Problem) -> None:
        solver = pywraplp.Solver.CreateSolver("HIGHS")
        if solver is None:
            raise RuntimeError("OR-Tools linear solver HiGHS is not available")
        # Interior point with crossover (an exact vertex): on the channels sample's
        # contacts-late LP it finished where GLOP's and HiGHS's simplex ran past a
        # minute (benchmarks/README.md, "Channels"). Nothing on stdout.
        solver.SetSolverSpecificParametersAsString(HIGHS_OPTIONS)
        self.problem = problem
        self.solver = solver
        self.classes = classes_of(problem)
        # counts[k][d] = [(candidate, count variable), ...] for class k on local day d
        self.counts: list[list[list[tuple[Candidate, pywraplp.Variable]]]] = []
        slots = problem.slots
        covering: dict[tuple[int, int], list[pywraplp.Variable]] = {}
        for k, members in enumerate(self.classes):
            option, size = problem.options[members[0]], len(members)
            days = [
                [(c, solver.NumVar(0, size, f"y[{k},{d},{i}]")) for i, c in enumerate(day)]
                for d, day in enumerate(option.days)
            ]
            self._add_class_rules(option, size, days)
            working: dict[int, list[pywraplp.Variable]] = {}
            for day in days:
                for candidate, y in day:
                    for t in problem.slots_of(candidate):
                        working.setdefault(t % slots, []).append(y)
            for t, variables in working.items():
                if not option.switches:
                    covering.setdefault((option.queues[0], t), []).extend(variables)
                    continue
                # The class's agents on in slot t, split between their queues.
                split = {q: solver.NumVar(0, size, f"z[{k},{q},{t}]") for q in option.queues}
                solver.Add(solver.Sum(list(split.values())) == solver.Sum(variables))
                for q, z in split.items():
                    covering.setdefault((q, t), []).append(z)
            self.counts.append(days)
        self.on = {key: solver.Sum(variables) for key, variables in covering.items()}
        # Each queue's missing and short agents per slot, weighted by its priority.
        self.missing: list[pywraplp.LinearExpr] = []
        self.short: list[pywraplp.LinearExpr] = []
        for q, priority in enumerate(problem.priorities):
            floor, required = problem.queue_floor[q], problem.queue_required[q]
            for t in range(slots):
                on = self.on.get((q, t), 0)
                if floor[t]:
                    miss = solver.NumVar(0, floor[t], f"missing[{q},{t}]")
                    solver.Add(miss + on >= floor[t])
                    self.missing.append(priority * miss)
                if required[t]:
                    gap = solver.NumVar(0, required[t], f"short[{q},{t}]")
                    solver.Add(gap + on >= required[t])
                    self.short.append(priority * gap)
        self.late: list[pywraplp.LinearExpr] = []
        if problem.objective == "service":
            self._add_late()
        for flow in problem.emails:
            self._add_email(flow)

    def _add_late(self) -> None:
        """Voice and chat contacts late per slot: above the lower convex hull of the
        slot's table, a bound on the table at every whole count."""
        solver, problem = self.solver, self.problem
        for (q, t), table in problem.late_tables.items():
            on = self.on.get((q, t), 0)
            # In contacts rather than SERVICE_SCALE units: LP solvers need rows scaled alike.
            late = solver.NumVar(0, table[0] / SERVICE_SCALE, f"late[{q},{t}]")
            for n0, n1 in hull_segments(table):
                slope = (table[n1] - table[n0]) / (n1 - n0) / SERVICE_SCALE
                solver.Add(late >= table[n0] / SERVICE_SCALE + slope * (on - n0))
            self.late.append(problem.priorities[q] * late)

    def _add_email(self, flow: EmailFlow) -> None:
        """The email backlog over the repeating week as in the CP-SAT model: its work
        waiting at deadlines adds to the shortfall (in agent-slots) and to the
        contacts late."""
        solver, problem, q = self.solver, self.problem, flow.queue
        # In agent-slots of work (seconds / per_agent): scaled like the coverage rows,
        # which the LP solves faster than in seconds.
        unit = max(1, flow.per_agent)
        arrivals = [work / unit for work in flow.arrivals]
        slots, total = problem.slots, sum(arrivals)
        backlog = [solver.NumVar(0, total, f"backlog[{q},{t}]") for t in range(slots)]
        dropped = {
            t: solver.NumVar(0, work, f"dropped[{q},{t}]")
            for t, work in enumerate(arrivals)
            if work
        }
        # At least the backlog the work done allows (the cost drives it down to it).
        for t in range(slots):
            done = flow.capacity[t] / unit * self.on.get((q, t), 0)
            solver.Add(backlog[t] >= backlog[t - 1] + arrivals[t] - done - dropped.get(t, 0))
        # One variable for the week's dropped work, which every deadline row counts.
        all_dropped = solver.NumVar(0, total, f"all_dropped[{q}]")
        solver.Add(all_dropped == solver.Sum(list(dropped.values())))
        overdue = {}
        for t, last, later in flow.deadlines:
            overdue[t] = solver.NumVar(0, 2 * total, f"overdue[{q},{t}]")
            solver.Add(overdue[t] >= backlog[last] - later / unit + all_dropped)
        priority = problem.priorities[q]
        excess = solver.NumVar(0, solver.infinity(), f"email_excess[{q}]")
        solver.Add(excess >= solver.Sum(list(overdue.values())) - flow.allowance / unit)
        self.short.append(priority * excess)
        for t, o in overdue.items():
            self.late.append(priority * flow.late_weight[t] * unit * o / SERVICE_SCALE)
        # The week short of its work (every email late), relaxed to its share dropped.
        short = solver.NumVar(0, 1, f"email_week_short[{q}]")
        solver.Add(short * total >= all_dropped)
        self.late.append(priority * flow.all_late / SERVICE_SCALE * short)

    def _add_class_rules(
        self,
        option: AgentOptions,
        size: int,
        days: list[list[tuple[Candidate, pywraplp.Variable]]],
    ) -> None:
        solver, rules, contract = self.solver, option.agent.rules, option.contract
        working = [solver.Sum([y for _, y in day]) for day in days]
        for day_total in working:
            solver.Add(day_total <= size)
        worked = solver.Sum([c.minutes * y for day in days for c, y in day])
        solver.Add(worked == size * contract.minutes)
        solver.Add(solver.Sum(working) <= size * contract.max_days)
        limit = rules.max_consecutive_days
        if limit < 7:
            for d in range(7):
                run = solver.Sum([working[(d + k) % 7] for k in range(limit + 1)])
                solver.Add(run <= size * limit)
        for d, i, later, clashes in option.clashes:
            forbidden = [days[later][j][1] for j in clashes]
            solver.Add(days[d][i][1] + solver.Sum(forbidden) <= size)

    def minimize(
        self, terms: list[pywraplp.LinearExpr], seconds: float | None = None
    ) -> float | None:
        """Minimise a sum of terms; the optimum, or None if the LP failed or found
        no optimum within ``seconds``."""
        self.solver.Minimize(self.solver.Sum(terms))
        if seconds is not None:
            self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return float(self.solver.Objective().Value())


def lower_bound(problem: Problem, seconds: float | None = None) -> LowerBound | None:
    """The aggregate LP bound on the uncovered time and on the objective's second
    term (the shortfall, or under the service objective the contacts late); None
    when the problem has optional (hypothetical) agents, or when the LPs take
    longer than ``seconds`` in all (no limit: None)."""
    if any(option.optional for option in problem.options):
        return None
    started = time.perf_counter()
    deadline = None if seconds is None else started + seconds
    model = AggregateModel(problem)
    service = problem.objective == "service"
    values = []
    for term in (model.missing, model.late if service else model.short):
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left <= 0:
            return None
        value = model.minimize(term, left)
        if value is None:
            return None
        values.append(max(0.0, value))
    hours = problem.step_minutes / 60
    uncovered, second = values[0] * hours, values[1]
    seconds_taken = time.perf_counter() - started
    if service:
        return LowerBound(uncovered, None, seconds_taken, second)
    return LowerBound(uncovered, second * hours, seconds_taken)


# The LP is solved in floating point, feasible to about 1e-7 per row; summed over
# thousands of slots its optimum can exceed the true one by more than a fixed hair.
LP_ABSOLUTE_MARGIN = 1e-3
LP_RELATIVE_MARGIN = 1e-6


def whole_bound(value: float) -> int:
    """The whole number of units an LP optimum proves, with a margin for its rounding."""
    return max(0, math.ceil(value - LP_ABSOLUTE_MARGIN - LP_RELATIVE_MARGIN * abs(value)))


def above_bound(value: float, bound: float) -> float | None:
    """How far above the bound a value is, as a fraction of the bound (None if undefined)."""
    if bound > 1e-9:
        return max(0.0, value - bound) / bound
    return 0.0 if value <= 1e-9 else None
