"""A roster made better a few agents at a time: their weeks chosen again together,
against what the rest of the team covers (large-neighbourhood search).

The whole-week patterns' dive rounds a fractional optimum and loses a few
agent-hours on the way; choosing one agent's week again (``improve_weeks``)
cannot trade hours between agents. A small exact model over a handful of agents
who could all cover a slot that is short can: one moves into the gap, another
takes over the hours the first one leaves. Each such model has only those
agents' hard rules and the slots where the others leave something to cover, so
it solves in a fraction of a second, where the full model of a large team takes
seconds to load.

Under the service objective a chain starts at a slot where contacts are late
(or at an email queue's hours while its emails are late), and each model's
contacts-late tables and email backlog count the rest of the team on too. It
applies to every plan without optional agents or a published week
(``improves_together``); the full model does the rest, unless it is too large
to build (``builds_full_model``): then the chains run every stage alone.
With several workers, that many neighbourhoods with no agent in common are
searched side by side, each against the roster as it was, and each change is
kept if the roster with it is no worse.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from ortools.sat.python import cp_model

from coverage.shifts import Candidate
from coverage.solver.bound import classes_of
from coverage.solver.model import (
    RosterModel,
    Serving,
    count_on,
    queue_of,
    queues_on,
    stage_value,
    staged_terms,
)
from coverage.solver.problem import AgentOptions, Problem

# Agents whose weeks one neighbourhood chooses again: a chain of this many to start
# with, one more each time the search stalls, up to the most; and the seconds one
# neighbourhood's search may take (benchmarks/README.md, "Neighbourhoods").
GROUP_SIZE = 4
GROUP_SIZE_AT_MOST = 8
# With contacts-late tables or an email backlog in each model, chains of two gain
# most in the same time, and presolve pays for itself (``with_service``).
GROUP_SIZE_WITH_SERVICE = 2
NEIGHBOURHOOD_SECONDS = 1.0
# Rounds of neighbourhoods (one per worker) in a row that gain nothing, per agent of the
# team, before the groups grow (past the largest, the search gives its time to the full model).
STALL_PER_AGENT = 0.5


def improves_together(problem: Problem) -> bool:
    """Whether the search applies: no optional agent and no published week."""
    return not problem.replans and not any(o.optional for o in problem.options)


def with_service(problem: Problem) -> bool:
    """Whether each neighbourhood's model counts contacts late or an email backlog."""
    return problem.by_service or bool(problem.emails)


def improve_together(
    problem: Problem,
    chosen: Sequence[list[Candidate]],
    serving: Serving,
    stages: tuple[tuple[str, ...], ...],
    until: float,
    seed: int = 0,
    known: dict[str, int] | None = None,
    stage: int = 0,
    stopped: Callable[[], bool] = lambda: False,
    on_better: Callable[[dict[str, int]], None] | None = None,
    patience: float = math.inf,
    workers: int = 1,
) -> tuple[list[list[Candidate]], Serving]:
    """The roster (shifts and queues per agent) with chains of agents' weeks chosen
    again for one stage of the objective, the earlier stages held; each change is
    kept only if the terms, in the order of the stages, are no worse. Until
    ``until`` (a ``time.perf_counter`` value), until the stage's terms are at their
    ``known`` bounds (0 when not known), until chains of the most agents stall, or
    until ``stopped()`` (Ctrl-C), or ``patience`` seconds after the last gain.
    ``on_better`` is given the terms of each better roster. With several ``workers``
    that many neighbourhoods are searched side by side, each with one worker."""
    names = [n for names in stages for n in names]
    stall_limit = max(10, round(STALL_PER_AGENT * len(problem.options)))
    size, stalled = GROUP_SIZE_WITH_SERVICE if with_service(problem) else GROUP_SIZE, 0
    with ThreadPoolExecutor(workers) as pool:
        side_by_side = pool if workers > 1 else None
        search = _Neighbourhoods(problem, chosen, serving, stages, seed, side_by_side, workers)
        gained = time.perf_counter()
        while size <= GROUP_SIZE_AT_MOST and not search.at_bounds(stage, known or {}):
            now = time.perf_counter()
            seconds = min(NEIGHBOURHOOD_SECONDS, until - now)
            if size >= len(problem.options):
                # A chain of the whole team is the whole problem: it takes the time
                # left, so that it ends proven, and so the same in every run, where it
                # can (on its own clock it stopped at different weeks on a slow machine).
                seconds = until - now
            if seconds <= 0.05 or stopped() or now - gained > patience:
                break
            better = search.step(stage, size, seconds)
            gained = time.perf_counter() if better else gained
            stalled = 0 if better else stalled + 1
            if better and on_better is not None:
                on_better(dict(zip(names, search.terms, strict=True)))
            if stalled >= stall_limit:
                size, stalled = size + 1, 0
    return search.chosen, search.serving


class _Neighbourhoods:
    """The roster so far, what it covers, and which agents could cover each slot."""

    def __init__(
        self,
        problem: Problem,
        chosen: Sequence[list[Candidate]],
        serving: Serving,
        stages: tuple[tuple[str, ...], ...],
        seed: int,
        pool: ThreadPoolExecutor | None = None,
        workers: int = 1,
    ) -> None:
        self.problem, self.stages = problem, stages
        self.chosen = [list(week) for week in chosen]
        self.serving = [dict(queues) for queues in serving]
        self.on = queues_on(problem, self.chosen, self.serving)
        self.terms = staged_terms(problem, stages, self.chosen, self.serving, self.on)
        self.rng = random.Random(seed)
        # With a pool, ``workers`` neighbourhoods are searched side by side, one per core.
        self.pool, self.workers = pool, workers
        self.reach: list[frozenset[int]] = [frozenset()] * len(problem.options)
        for members in classes_of(problem):  # interchangeable agents reach the same slots
            reach = _reach(problem, problem.options[members[0]])
            for a in members:
                self.reach[a] = reach
        counted = problem.counted_slots
        self.needed = [
            [
                t
                for t, (r, f) in enumerate(zip(required, floor, strict=True))
                if r or f or (q, t) in counted
            ]
            for q, (required, floor) in enumerate(
                zip(problem.queue_required, problem.queue_floor, strict=True)
            )
        ]

    def at_bounds(self, stage: int, known: dict[str, int]) -> bool:
        """Whether the stage's terms are all at their known bounds (0 if unknown)."""
        values = dict(zip([n for stage in self.stages for n in stage], self.terms, strict=True))
        return all(values[n] <= known.get(n, 0) for n in self.stages[stage])

    def first_of_chain(self, stage: int) -> int | None:
        """For the coverage stage an agent who could serve a slot that is short (any
        needed slot once none is); for a later one, an agent with several start times."""
        problem = self.problem
        if stage > 0:
            varied = [
                a for a, week in enumerate(self.chosen) if len({c.start_minute for c in week}) > 1
            ]
            return self.rng.choice(varied) if varied else None
        short = self.short()
        weights = self.lateness(short)
        if short:
            q, t = self.rng.choices(short, weights)[0] if weights else self.rng.choice(short)
        else:
            q = self.rng.randrange(problem.queue_count)
            if not self.needed[q]:
                return None
            t = self.rng.choice(self.needed[q])
        able = self.able(q, t)
        return self.rng.choice(able) if able else None

    def lateness(self, short: list[tuple[int, int]]) -> list[float] | None:
        """How likely each short slot is to start a chain under the service objective:
        its contacts late, weighted by priority (an email slot, whose lateness is the
        queue's, as much as the mean voice or chat slot); None (all alike) otherwise."""
        problem = self.problem
        if not problem.by_service:
            return None
        late = [0.0] * len(short)
        for i, (q, t) in enumerate(short):
            table = problem.late_tables.get((q, t))
            if table is not None:
                late[i] = problem.priorities[q] * table[min(self.on[q][t], len(table) - 1)]
        tabled = [value for value in late if value]
        mean = sum(tabled) / len(tabled) if tabled else 1.0
        return [value or mean for value in late]

    def short(self) -> list[tuple[int, int]]:
        """The needed slots where a queue is short: below its floor, and below its
        requirement (agents objective) or with contacts late (service objective;
        an email queue's hours while any of its emails is late)."""
        problem, on = self.problem, self.on
        late_emails = set()
        for flow in problem.emails:
            overdue, dropped = flow.overdue(on[flow.queue])
            if dropped or any(overdue.values()):
                late_emails.add(flow.queue)

        def wants(q: int, t: int) -> bool:
            if on[q][t] < problem.queue_floor[q][t]:
                return True
            if not problem.by_service:
                return on[q][t] < problem.queue_required[q][t]
            table = problem.late_tables.get((q, t))
            if table is not None:
                return table[min(on[q][t], len(table) - 1)] > 0
            return q in late_emails

        return [(q, t) for q, slots in enumerate(self.needed) for t in slots if wants(q, t)]

    def group(self, stage: int, size: int) -> list[int]:
        """A chain of ``size`` agents: the first from ``first_of_chain``, each next one
        an agent who could serve a slot the one before works."""
        problem = self.problem
        first = self.first_of_chain(stage)
        if first is None:
            return []
        group = [first]
        while len(group) < size:
            a = group[-1]
            worked = [
                (queue_of(problem, self.serving, a, u), u % problem.slots)
                for c in self.chosen[a]
                for u in problem.slots_of(c)
            ]
            if not worked:
                break
            others = [b for b in self.able(*self.rng.choice(worked)) if b not in group]
            if not others:
                break
            group.append(self.rng.choice(others))
        return sorted(group)

    def able(self, q: int, t: int) -> list[int]:
        """Agents who could serve queue q in slot t."""
        return [
            a
            for a, option in enumerate(self.problem.options)
            if q in option.queues and t in self.reach[a] and option.contract.minutes
        ]

    def step(self, stage: int, size: int, seconds: float) -> bool:
        """Neighbourhoods of ``size`` agents for the stage, one per worker (``pool``)
        with no agent in two, searched side by side; whether the roster became
        strictly better."""
        pool = self.pool
        groups: list[tuple[list[int], float]] = []
        for _ in range(self.workers if pool is not None else 1):
            group = self.group(stage, size)
            if group and not any(set(group) & set(other) for other, _ in groups):
                groups.append((group, self.rng.random()))
        problem, chosen, serving, on = self.problem, self.chosen, self.serving, self.on

        def search(group: list[int], draw: float) -> tuple[list[list[Candidate]], Serving] | None:
            return choose_again(
                problem, chosen, serving, group, on, self.stages, seconds, stage, draw
            )

        if pool is None or len(groups) < 2:
            found = [search(*group) for group in groups]
        else:
            found = list(pool.map(search, *zip(*groups, strict=True)))
        better = False
        for (group, _), weeks in zip(groups, found, strict=True):
            if weeks is not None:
                better = self.take(group, weeks) or better
        return better

    def take(self, group: list[int], found: tuple[list[list[Candidate]], Serving]) -> bool:
        """The group's new weeks and queues, kept if the roster is no worse (the
        others' may have changed since they were searched); whether it is better."""
        problem = self.problem
        trial, serving = list(self.chosen), list(self.serving)
        on = [list(row) for row in self.on]
        for a, week, queues in zip(group, *found, strict=True):
            count_on(problem, on, serving, a, trial[a], -1)
            trial[a], serving[a] = week, queues
            count_on(problem, on, serving, a, week)
        terms = staged_terms(problem, self.stages, trial, serving, on)
        if terms > self.terms:
            return False
        better = terms < self.terms
        self.chosen, self.serving, self.on, self.terms = trial, serving, on, terms
        return better


def _reach(problem: Problem, option: AgentOptions) -> frozenset[int]:
    """The slots some candidate shift of the agent covers."""
    reach: set[int] = set()
    for day in option.days:
        spans = sorted((r.start, r.stop) for r in map(problem.slots_of, day))
        reached = -1
        for first, stop in spans:
            reach.update(t % problem.slots for t in range(max(first, reached), stop))
            reached = max(reached, stop)
    return frozenset(reach)


def choose_again(
    problem: Problem,
    chosen: Sequence[list[Candidate]],
    serving: Serving,
    group: list[int],
    on: list[list[int]],
    stages: tuple[tuple[str, ...], ...],
    seconds: float,
    stage: int = 0,
    draw: float = 0.0,
) -> tuple[list[list[Candidate]], Serving] | None:
    """The group's best weeks and queues for one stage, the earlier stages held at
    what they are now, against what everyone else covers (``on`` counts the whole
    roster), from their weeks now; None if none was found in time.

    The model is the full one for the group alone, with the rest of the team
    ``outside`` it, so its coverage terms are the whole team's.
    """
    others = [list(row) for row in on]
    for a in group:
        count_on(problem, others, serving, a, chosen[a], -1)
    model = RosterModel(problem.part(group), stages=stages, outside=others)
    now = model.add_hint([chosen[a] for a in group], [serving[a] for a in group])
    for earlier in stages[:stage]:
        model.hold_stage(earlier, stage_value(model.weights, earlier, now))
    model.minimize_stage(stages[stage])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    # Measured on these small models (benchmarks/README.md, "Neighbourhoods" and
    # "Channels"): the full LP closes them; presolve costs more than it saves, but
    # with contacts-late tables or an email backlog (``with_service``) it pays.
    solver.parameters.linearization_level = 2
    solver.parameters.cp_model_presolve = with_service(problem)
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.random_seed = int(draw * 1_000_000)
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (``stopped``)
    code = solver.solve(model.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return model.weeks(solver), model.serving(solver)
