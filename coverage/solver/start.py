"""A greedy first roster: each agent in turn takes the shifts that cover most
of what is still missing.

It gives the CP-SAT search a complete, feasible starting point (a hint), so a
roster exists from the first second even on large teams. Each agent's choice
is a tiny exact model with that agent's hard rules alone.
"""

from __future__ import annotations

import time
from collections.abc import Container, Sequence
from dataclasses import replace
from datetime import datetime

from ortools.sat.python import cp_model

from coverage.shifts import Candidate
from coverage.solver.activities import QueueNeed, serve_shift
from coverage.solver.model import START_TIMES, RosterModel, Serving, Term
from coverage.solver.problem import AgentOptions, Problem
from coverage.timegrid import Shift

# Seconds one agent's week may take on its own; weeks are tiny models that
# take milliseconds, so this only bounds a pathological case.
AGENT_ALONE_SECONDS = 10.0


class Undecided(Exception):
    """The agent's week was neither found nor proven impossible in the time allowed."""


class AgentAlone:
    """One agent's week with that agent's hard rules alone: a tiny exact model, built
    once and solved for any gains per candidate shift (the greedy start, weeks
    chosen again one at a time, and the pattern start's pricing)."""

    def __init__(self, problem: Problem, option: AgentOptions, tie_break: bool = True) -> None:
        alone = RosterModel(
            replace(problem, options=(replace(option, optional=False),)), with_objective=False
        )
        (self.days,) = alone.choices
        self.agent_id = option.agent.id
        self.extra_starts: Term | None = None
        if tie_break:
            alone.add_start_time_term()
            self.extra_starts = alone.terms[START_TIMES]
        self.model = alone.model

    def maximise(self, gains: Sequence[Sequence[int]]) -> None:
        """The week's objective: the total gain of its shifts (``gains`` per candidate
        shift) and, with the tie-break, among equal gains the fewest distinct local
        start times."""
        gain = cp_model.LinearExpr.weighted_sum(
            [var for day in self.days for _, var in day],
            [g for day_gains in gains for g in day_gains],
        )
        extra = self.extra_starts
        if extra is None:
            self.model.maximize(gain)
        else:
            self.model.maximize((extra.upper_bound + 1) * gain - extra.expression)

    def best_week(self, gains: Sequence[Sequence[int]] | None = None) -> list[Candidate] | None:
        """The agent's best week (``maximise``), or any week without ``gains``; None if
        their rules contradict. Raises ``Undecided`` when the time runs out before
        either is known.
        """
        if gains is None:
            self.model.clear_objective()  # type: ignore[no-untyped-call]
        else:
            self.maximise(gains)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = AGENT_ALONE_SECONDS
        code = solver.solve(self.model)
        if code == cp_model.INFEASIBLE:
            return None
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise Undecided(self.agent_id)
        return [c for day in self.days for c, var in day if solver.boolean_value(var)]

    def weeks_on_the_way(
        self, gains: Sequence[Sequence[int]], seconds: float
    ) -> list[tuple[tuple[int, int], ...]]:
        """Every week the search for the best one passes through in ``seconds``, best
        last, each as its shifts' (day, index among the day's candidates), sorted.
        Safe to run beside other searches (no Ctrl-C handler of its own)."""
        self.maximise(gains)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.catch_sigint_signal = False
        collector = _Collector(self.days)
        solver.solve(self.model, collector)
        return collector.weeks


class _Collector(cp_model.CpSolverSolutionCallback):
    """Each week a search passes through, not only its best."""

    def __init__(self, days: Sequence[Sequence[tuple[Candidate, cp_model.IntVar]]]) -> None:
        super().__init__()
        self._choices = [
            ((d, i), var) for d, day in enumerate(days) for i, (_, var) in enumerate(day)
        ]
        self.weeks: list[tuple[tuple[int, int], ...]] = []

    def on_solution_callback(self) -> None:
        self.weeks.append(tuple(key for key, var in self._choices if self.boolean_value(var)))


def solve_agent_alone(
    problem: Problem, option: AgentOptions, gains: Sequence[Sequence[int]] | None = None
) -> list[Candidate] | None:
    """The agent's best week on their own (``AgentAlone.best_week``)."""
    return AgentAlone(problem, option).best_week(gains)


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
        if len(found) == len(wanted) and (
            option.published is None or _keeps_rules(problem, a, found)
        ):
            kept[a] = found
    return kept


def _keeps_rules(problem: Problem, a: int, week: list[Candidate]) -> bool:
    """Whether the week keeps the agent's hard rules: a published week is kept as a
    re-plan's start only if it does (hand-made ones may not)."""
    option = problem.options[a]
    ids = {id(c) for c in week}
    only = replace(option, days=tuple(tuple(c for c in day if id(c) in ids) for day in option.days))
    try:
        return solve_agent_alone(problem, only) is not None
    except Undecided:
        return False


class _Placement:
    """Shifts and queues per agent as they are placed, and what the queues still need."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.need = QueueNeed(problem)
        self.chosen: list[list[Candidate]] = [[] for _ in problem.options]
        self.serving: Serving = [{} for _ in problem.options]
        self.alone: dict[int, AgentAlone] = {}

    def take(self, a: int, shifts: list[Candidate]) -> None:
        option = self.problem.options[a]
        self.chosen[a], self.serving[a] = shifts, {}
        for candidate in shifts:
            self.serving[a].update(serve_shift(self.problem, option, candidate, self.need))

    def keep_published(self, a: int, shifts: list[Candidate]) -> None:
        """The agent's published week, on its published queues where it has them all."""
        option, problem = self.problem.options[a], self.problem
        queue_at = option.published.queue_at if option.published else {}
        slots = [t % problem.slots for c in shifts for t in problem.slots_of(c)]
        if not option.switches or not all(queue_at.get(t) in option.queues for t in slots):
            self.take(a, shifts)
            return
        self.put_back(a, (shifts, {t: queue_at[t] for t in slots}))

    def drop(self, a: int) -> tuple[list[Candidate], dict[int, int]]:
        """Take the agent's week out of the count; returns it, to put back."""
        option, problem = self.problem.options[a], self.problem
        for candidate in self.chosen[a]:
            for t in problem.slots_of(candidate):
                q = self.serving[a][t % problem.slots] if option.switches else option.queues[0]
                self.need.add(q, t, -1)
        week = (self.chosen[a], self.serving[a])
        self.chosen[a], self.serving[a] = [], {}
        return week

    def put_back(self, a: int, week: tuple[list[Candidate], dict[int, int]]) -> None:
        option, problem = self.problem.options[a], self.problem
        self.chosen[a], self.serving[a] = week
        for candidate in self.chosen[a]:
            for t in problem.slots_of(candidate):
                q = self.serving[a][t % problem.slots] if option.switches else option.queues[0]
                self.need.add(q, t)

    def best_week(self, a: int) -> list[Candidate] | None:
        """The agent's best week against what is still needed (their model is kept)."""
        option = self.problem.options[a]
        if a not in self.alone:
            self.alone[a] = AgentAlone(self.problem, option)
        return self.alone[a].best_week(self.need.shift_gains(option))

    def slots(self, week: Sequence[Candidate]) -> set[int]:
        """The slots of the week that the shifts cover."""
        problem = self.problem
        return {t % problem.slots for c in week for t in problem.slots_of(c)}


# The last agents the greedy start places are placed against the need even after
# its deadline: a hire re-planned against the team's roster is one agent, and a
# week alone takes milliseconds, so the time limit still holds.
ALWAYS_PLACED = 3

# Rounds in which each agent's week is chosen again against everyone else's, when
# agents serve several queues: the first pass places them one at a time, before
# the need of the queues only they can serve is known.
IMPROVE_ROUNDS = 5


def greedy_start(
    problem: Problem,
    start_roster: Sequence[Shift] = (),
    feasible: Sequence[list[Candidate]] | None = None,
    deadline: float | None = None,
    improve_until: float | None = None,
) -> tuple[list[list[Candidate]], Serving]:
    """Shifts and queues per agent: those of ``start_roster`` where it has them, else
    chosen one agent at a time against the remaining need.

    A slot below a queue's ``min_agents`` floor is worth more than all shortfall
    elsewhere, mirroring the objective's priorities; an agent who serves several
    queues values each slot at the queue that needs them most there. Agents
    who serve the fewest queues choose first, then those with the fewest
    candidate shifts, since they have the least room. Optional (hypothetical)
    agents not in ``start_roster`` are left out. After ``deadline`` (a
    ``time.perf_counter`` value) the remaining agents take their ``feasible``
    week as it is, so a short time limit is kept, except the last
    ``ALWAYS_PLACED``. When agents serve several
    queues, up to ``IMPROVE_ROUNDS`` rounds then choose each week again against
    all the others, keeping a change only if the team's need falls, until
    ``improve_until`` (no rounds without it).
    """
    placed = _Placement(problem)
    kept = _kept(problem, start_roster)
    for a, shifts in kept.items():
        placed.keep_published(a, shifts)
    order = _placing_order(problem, kept)
    for position, a in enumerate(order):
        late = deadline is not None and time.perf_counter() > deadline
        if feasible is not None and late and len(order) - position > ALWAYS_PLACED:
            placed.take(a, list(feasible[a]))
            continue
        try:
            week = placed.best_week(a)
        except Undecided:
            week = list(feasible[a]) if feasible is not None else []
        placed.take(a, week or [])
    if improve_until is not None and any(o.switches for o in problem.options):
        _improve(placed, order, improve_until)
    return placed.chosen, placed.serving


def improve_weeks(
    problem: Problem, chosen: list[list[Candidate]], serving: Serving, until: float
) -> tuple[list[list[Candidate]], Serving]:
    """A whole roster made better one agent at a time: each agent's week chosen
    again against everyone else's (kept only if the need falls), for up to
    ``IMPROVE_ROUNDS`` rounds or until ``until``."""
    placed = _Placement(problem)
    for a, shifts in enumerate(chosen):
        placed.put_back(a, (list(shifts), dict(serving[a])))
    _improve(placed, _placing_order(problem, set()), until)
    return placed.chosen, placed.serving


def _placing_order(problem: Problem, kept: Container[int]) -> list[int]:
    """Agents who serve the fewest queues first, then those with the fewest
    candidate shifts, since they have the least room."""
    return sorted(
        (a for a, o in enumerate(problem.options) if a not in kept and not o.optional),
        key=lambda a: (
            len(problem.options[a].queues),
            sum(len(day) for day in problem.options[a].days),
            a,
        ),
    )


def _improve(placed: _Placement, order: list[int], until: float) -> None:
    need = placed.need
    for _ in range(IMPROVE_ROUNDS):
        improved = False
        for a in order:
            if time.perf_counter() > until:
                return
            old = placed.drop(a)
            try:
                week = placed.best_week(a)
            except Undecided:
                week = None
            placed.put_back(a, old)
            if week is None:
                continue
            # Only the slots either week covers change what is missing.
            touched = placed.slots(old[0]) | placed.slots(week)
            before = need.cost(touched)
            placed.drop(a)
            placed.take(a, week)
            if need.cost(touched) < before:
                improved = True
            else:
                placed.drop(a)
                placed.put_back(a, old)
        if not improved:
            return
