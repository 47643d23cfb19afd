"""The CP-SAT roster model: one method per hard rule, one per objective term.

Rules already enforced by candidate generation (start grid, allowed lengths,
local window, availability, days off) have no constraint here. The roster
repeats weekly, so coverage, rest and consecutive days wrap around the week.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from coverage.shifts import Candidate
from coverage.solver.problem import EmailFlow, Problem, hull_segments

# Objective terms in strict priority order (first matters most).
UNCOVERED = "uncovered"
SHORTFALL = "shortfall"
LATE = "contacts_late"  # the service objective's, in place of the shortfall
HIRES = "hires"  # only when the problem has optional (hypothetical) agents
START_TIMES = "start_time_changes"
# A re-plan's: published shifts changed (two units a shift added, removed or moved,
# one a shift that keeps its times but not its queues), then the minutes they move.
CHANGES = "shift_changes"
MOVED = "minutes_moved"
TERMS = (UNCOVERED, SHORTFALL, LATE, HIRES, CHANGES, MOVED, START_TIMES)
# The search runs in stages: coverage first, then start times with coverage held.
# One weighted objective over all terms has a weak bound (the start-time term's
# LP relaxation is loose), and proving it optimal took minutes instead of seconds.
STAGES = ((UNCOVERED, SHORTFALL), (START_TIMES,))
SERVICE_STAGES = ((UNCOVERED, LATE), (START_TIMES,))
# From this many (shift, slot) coverage terms, agents who serve one queue are
# counted by differences (see ``RosterModel.add_coverage``): measured in
# benchmarks/README.md, "Model size", the smaller model finds and proves the
# coverage optimum sooner on large teams and later on small ones.
DIFFERENCES_FROM = 250_000


def counts_by_differences(problem: Problem) -> bool:
    """Whether the model counts the agents who serve one queue by differences."""
    return problem.slot_terms >= DIFFERENCES_FROM


def stages_for(problem: Problem) -> tuple[tuple[str, ...], ...]:
    """The search's stages under the scenario's objective.

    A re-plan counts its changes in the coverage stage, after coverage: the
    weights still rank every coverage gain above any number of changes, but a
    search stopped by its time limit then keeps no change that gains nothing.
    """
    stages = SERVICE_STAGES if problem.objective == "service" else STAGES
    if problem.replans:
        return ((*stages[0], CHANGES), (MOVED,), *stages[1:])
    return stages


def moved_minutes(published: Candidate, candidate: Candidate) -> int:
    """How far a published shift moves to become ``candidate``: start and end, in minutes."""
    start = abs(candidate.shift.start_utc - published.shift.start_utc)
    end = abs(candidate.shift.end_utc - published.shift.end_utc)
    return int((start + end).total_seconds() // 60)


def change_values(
    problem: Problem, shifts: list[list[Candidate]], serving: Serving
) -> tuple[int, int]:
    """A re-plan's changes (in ``CHANGES`` units) and minutes moved, against each agent's
    published week; days frozen as published never change."""
    changes = moved = 0
    for a, option in enumerate(problem.options):
        published = option.published
        if published is None:
            continue
        by_day = {c.day: c for c in shifts[a]}
        for d, day in enumerate(problem.scenario.week_dates):
            old, new = published.shifts[d], by_day.get(day)
            if old is None and new is None:
                continue
            if old is None or new is None:
                changes += 2
                moved += (old or new).minutes  # type: ignore[union-attr]
            elif (new.shift.start_utc, new.shift.end_utc) != (
                old.shift.start_utc,
                old.shift.end_utc,
            ):
                changes += 2
                moved += moved_minutes(old, new)
            elif queues_changed(problem, a, new, serving[a]):
                changes += 1
    return changes, moved


def queues_changed(problem: Problem, a: int, kept: Candidate, serving: dict[int, int]) -> bool:
    """Whether agent a serves other queues in a kept published shift than published
    (never when the published roster did not say which queue when)."""
    option, slots = problem.options[a], problem.slots
    if option.published is None or not option.switches or not option.published.serving:
        return False
    queue_at = option.published.queue_at
    return any(
        queue_at.get(t % slots, -1) != serving.get(t % slots) for t in problem.slots_of(kept)
    )


# Which queue each agent serves in each fine slot of their shifts (slot -> queue
# index), per agent; agents who serve one queue need no entries.
Serving = list[dict[int, int]]


def queue_of(problem: Problem, serving: Serving, a: int, t: int) -> int:
    """The queue agent ``a`` serves in fine slot ``t`` (taken modulo the week)."""
    option = problem.options[a]
    return serving[a][t % problem.slots] if option.switches else option.queues[0]


def queues_on(
    problem: Problem, shifts: list[list[Candidate]], serving: Serving, alone: bool = False
) -> list[list[int]]:
    """Agents serving each queue in each fine slot, for chosen shifts and serving per
    agent; with ``alone``, only agents who serve one queue."""
    on = [[0] * problem.slots for _ in range(problem.queue_count)]
    for a, agent_shifts in enumerate(shifts):
        if not (alone and problem.options[a].switches):
            count_on(problem, on, serving, a, agent_shifts)
    return on


def count_on(
    problem: Problem,
    on: list[list[int]],
    serving: Serving,
    a: int,
    shifts: Sequence[Candidate],
    n: int = 1,
) -> None:
    """Add ``n`` agents to ``on`` (per queue and slot) where agent a works ``shifts``."""
    slots = problem.slots
    for candidate in shifts:
        for t in problem.slots_of(candidate):
            on[queue_of(problem, serving, a, t)][t % slots] += n


def term_values(
    problem: Problem,
    shifts: list[list[Candidate]],
    serving: Serving,
    on: list[list[int]] | None = None,
) -> dict[str, int]:
    """Every objective term of chosen shifts per agent, in model units (slots weighted
    by each queue's priority, counts); ``on`` is their ``queues_on``, if known."""
    on = queues_on(problem, shifts, serving) if on is None else on
    uncovered = shortfall = 0
    scale = problem.shortfall_scale
    for q, priority in enumerate(problem.priorities):
        floor, required = problem.queue_floor[q], problem.queue_required[q]
        uncovered += priority * sum(max(0, f - n) for f, n in zip(floor, on[q], strict=True))
        short = sum(max(0, r - n) for r, n in zip(required, on[q], strict=True))
        shortfall += priority * scale * short
    late = 0
    for (q, t), table in problem.late_tables.items():
        late += problem.priorities[q] * table[min(on[q][t], len(table) - 1)]
    for flow in problem.emails:
        overdue, dropped = flow.overdue(on[flow.queue])
        priority = problem.priorities[flow.queue]
        work = sum(overdue.values()) + dropped * len(overdue)
        shortfall += priority * problem.email_weight(flow) * max(0, work - flow.allowance)
        late += priority * sum(flow.late_weight[t] * (o + dropped) for t, o in overdue.items())
        if dropped:
            late += priority * flow.all_late
    values = {
        UNCOVERED: uncovered,
        SHORTFALL: shortfall,
        LATE: late,
        START_TIMES: sum(max(0, len({c.start_minute for c in s}) - 1) for s in shifts),
    }
    if any(option.optional for option in problem.options):
        values[HIRES] = sum(
            1 for s, o in zip(shifts, problem.options, strict=True) if o.optional and s
        )
    if problem.replans:
        values[CHANGES], values[MOVED] = change_values(problem, shifts, serving)
    return values


def staged_terms(
    problem: Problem,
    stages: tuple[tuple[str, ...], ...],
    shifts: list[list[Candidate]],
    serving: Serving,
    on: list[list[int]] | None = None,
) -> list[int]:
    """The roster's objective terms in the order of the stages, to compare rosters."""
    values = term_values(problem, shifts, serving, on)
    return [values[name] for stage in stages for name in stage]


def term_upper_bounds(problem: Problem) -> dict[str, int]:
    """The most each coverage, service and start-time term can be for the whole team:
    the upper bounds of the full model's terms, from the problem alone, so that the
    chains engine ranks the terms as the full model does without building it."""
    priorities = problem.priorities

    def below(targets: tuple[tuple[int, ...], ...], scale: int = 1) -> int:
        return sum(p * scale * sum(row) for p, row in zip(priorities, targets, strict=True))

    shortfall = below(problem.queue_required, problem.shortfall_scale)
    late = sum(priorities[q] * table[0] for (q, _), table in problem.late_tables.items())
    for flow in problem.emails:
        priority, total = priorities[flow.queue], sum(flow.arrivals)
        shortfall += priority * problem.email_weight(flow) * total * (len(flow.deadlines) + 1)
        late += priority * sum(flow.late_weight[t] * total for t, _, _ in flow.deadlines)
        late += priority * flow.all_late
    starts = sum(
        len({c.start_minute for day in option.days for c in day}) - 1
        for option in problem.options
        if option.contract.minutes and any(option.days)
    )
    return {
        UNCOVERED: below(problem.queue_floor),
        SHORTFALL: shortfall,
        LATE: late,
        START_TIMES: starts,
    }


def ranked_weights(
    stages: tuple[tuple[str, ...], ...], upper_bounds: dict[str, int]
) -> dict[str, int]:
    """Weights that make each term strictly more important than all later ones, in
    the order of the stages, from the terms' upper bounds."""
    weights, weight = {}, 1
    for name in reversed([n for stage in stages for n in stage]):
        weights[name] = weight
        weight *= upper_bounds[name] + 1
    return weights


def stage_weights(weights: dict[str, int], names: tuple[str, ...]) -> dict[str, int]:
    """A stage's term weights, scaled so the least of them is 1."""
    unit = min(weights[n] for n in names)
    return {n: weights[n] // unit for n in names}


def stage_value(weights: dict[str, int], names: tuple[str, ...], values: dict[str, int]) -> int:
    """A stage's objective of term values (in the units of ``stage_weights``)."""
    scaled = stage_weights(weights, names)
    return sum(scaled[n] * values[n] for n in names)


def combined_value(weights: dict[str, int], values: dict[str, int]) -> int:
    """The lexicographic objective of term values (terms in no stage weigh 0)."""
    return sum(weights.get(n, 0) * values[n] for n in values)


@dataclass(frozen=True)
class Term:
    """A named objective term: its expression (in model units) and its upper bound."""

    expression: cp_model.LinearExpr
    upper_bound: int


class RosterModel:
    """Builds the CP-SAT model for a problem; ``with_objective=False`` keeps only hard rules.

    ``outside`` counts agents on per queue and slot who are not in the problem
    (the rest of the team, when a few agents' weeks are chosen again): the
    coverage, contacts-late and email terms are then the whole team's.
    """

    def __init__(
        self,
        problem: Problem,
        with_objective: bool = True,
        stages: tuple[tuple[str, ...], ...] = STAGES,
        outside: Sequence[Sequence[int]] | None = None,
    ) -> None:
        self.problem = problem
        self.stages = stages
        self.outside = outside or [[0] * problem.slots for _ in range(problem.queue_count)]
        self.model = cp_model.CpModel()
        # choices[a][d] = [(candidate, var), ...] for agent a on local day d
        self.choices: list[list[list[tuple[Candidate, cp_model.IntVar]]]] = []
        self.works: list[list[cp_model.LinearExprT]] = []
        self.terms: dict[str, Term] = {}
        # Auxiliary variables, kept so that a hint can give every variable a value.
        # serve[a][q, t]: agent a (who serves several queues) serves queue q in slot t.
        self.serve: list[dict[tuple[int, int], cp_model.IntVar]] = [{} for _ in problem.options]
        # Agents serving queue q in slot t (0 where none of the model's agents can).
        self.on: dict[tuple[int, int], cp_model.IntVar | int] = {}
        # switch[a][t]: agent a changes queue at the start of slot t (``add_min_activity``)
        self.switch: list[dict[int, cp_model.IntVar]] = [{} for _ in problem.options]
        # single[q][t]: agents who serve only queue q, on in slot t (see ``add_coverage``)
        self.single: dict[int, dict[int, cp_model.IntVar]] = {}
        self.missing: dict[tuple[int, int], cp_model.IntVar] = {}
        self.short: dict[tuple[int, int], cp_model.IntVar] = {}
        self.starts_at: list[dict[int, cp_model.IntVar]] = [{} for _ in problem.options]
        self.extra_starts: dict[int, cp_model.IntVar] = {}
        # late[q, t] = (contacts late, agents on capped at the table's end)
        self.late: dict[tuple[int, int], tuple[cp_model.IntVar, cp_model.IntVar]] = {}
        # email_vars[q] = {"done"|"backlog"|"dropped"|"overdue": {slot: var}}
        self.email_vars: dict[int, dict[str, dict[int, cp_model.IntVar]]] = {}
        self.email_excess: dict[int, cp_model.IntVar] = {}
        self.email_short: dict[int, cp_model.IntVar] = {}  # the week drops email work
        # other_queues[a, d]: a re-plan keeps the published shift on date d, not its queues
        self.other_queues: dict[tuple[int, int], cp_model.IntVar] = {}
        # hired[a] for optional agents; 1 for everyone else
        self.hired: dict[int, cp_model.IntVar] = {
            a: self.model.new_bool_var(f"hired[{a}]")
            for a, option in enumerate(problem.options)
            if option.optional
        }
        self.weights: dict[str, int] = {}

        self.add_shift_variables()
        self.add_one_shift_per_day()
        self.add_contract_hours()
        self.add_max_days()
        self.add_min_rest()
        self.add_max_consecutive_days()
        if problem.replans:
            self.add_frozen_days()
        if with_objective:
            self.add_coverage()
            if problem.replans:
                self.add_frozen_queues()
            self.add_min_activity()
            self.add_uncovered_term()
            self.add_shortfall_term()
            if problem.objective == "service":
                self.add_late_term()
            if problem.replans:
                self.add_change_terms()
            self.add_start_time_term()
            if self.hired:
                self.add_hires_term()
            self.set_weights()

    # --- variables -----------------------------------------------------------------

    def add_shift_variables(self) -> None:
        for a, option in enumerate(self.problem.options):
            agent_days = []
            for d, day in enumerate(option.days):
                agent_days.append(
                    [(c, self.model.new_bool_var(f"x[{a},{d},{i}]")) for i, c in enumerate(day)]
                )
            self.choices.append(agent_days)

    def add_hint(self, shifts: list[list[Candidate]], serving: Serving) -> dict[str, int]:
        """Hint a complete roster: the chosen shifts and queues per agent and every
        variable they imply.

        Returns the roster's objective terms, for when the search finds nothing better.
        """
        problem = self.problem
        on = queues_on(problem, shifts, serving)
        for q, row in enumerate(self.outside):
            for t, n in enumerate(row):
                on[q][t] += n
        for a, agent_days in enumerate(self.choices):
            chosen = {id(c) for c in shifts[a]}
            starts = {c.start_minute for c in shifts[a]}
            for d, day in enumerate(agent_days):
                for candidate, var in day:
                    self.model.add_hint(var, id(candidate) in chosen)
                works = self.works[a][d] if self.works else 0
                if isinstance(works, cp_model.IntVar):
                    self.model.add_hint(works, any(id(c) in chosen for c, _ in day))
            for minute, used in self.starts_at[a].items():
                self.model.add_hint(used, minute in starts)
            if a in self.extra_starts:
                self.model.add_hint(self.extra_starts[a], max(0, len(starts) - 1))
            if a in self.hired:
                self.model.add_hint(self.hired[a], bool(shifts[a]))
            for (q, t), var in self.serve[a].items():
                self.model.add_hint(var, serving[a].get(t) == q)
            self._hint_switches(a, shifts[a], serving[a])
        for (a, d), var in self.other_queues.items():
            self.model.add_hint(var, self._other_queues(a, d, shifts[a], serving[a]))
        for (q, t), count in self.on.items():
            if not isinstance(count, int):
                self.model.add_hint(count, on[q][t] - self.outside[q][t])
        if self.single:
            alone = queues_on(problem, shifts, serving, alone=True)
            for q, single in self.single.items():
                for t, var in single.items():
                    if self.on[q, t] is not var:  # else hinted as ``on`` already
                        self.model.add_hint(var, alone[q][t])
        for (q, t), var in self.missing.items():
            self.model.add_hint(var, max(0, problem.queue_floor[q][t] - on[q][t]))
        for (q, t), var in self.short.items():
            self.model.add_hint(var, max(0, problem.queue_required[q][t] - on[q][t]))
        for (q, t), (late, capped) in self.late.items():
            table = self.late_table(q, t)
            n = min(on[q][t] - self.outside[q][t], len(table) - 1)
            self.model.add_hint(capped, n)
            self.model.add_hint(late, table[n])
        for flow in problem.emails:
            self._hint_email(flow, on[flow.queue])
        values = term_values(problem, shifts, serving, on)
        return {name: value for name, value in values.items() if name in self.terms}

    def _hint_switches(self, a: int, shifts: list[Candidate], serving: dict[int, int]) -> None:
        """Agent a's queue changes as the roster makes them: inside a shift, a slot on
        another queue than the one before. (Left unhinted, CP-SAT could not complete
        the hint within a plan's seconds on ``multilingual`` and found no roster.)"""
        slots = self.problem.slots
        begins = {self.problem.slots_of(c).start % slots for c in shifts}
        for t, var in self.switch[a].items():
            now = serving.get(t)
            changes = t not in begins and now is not None and now != serving.get((t - 1) % slots)
            self.model.add_hint(var, changes)

    def _other_queues(
        self, a: int, d: int, shifts: list[Candidate], serving: dict[int, int]
    ) -> bool:
        """Whether agent a keeps the published shift on date d but not its queues."""
        kept = self.problem.options[a].kept(d)
        return (
            kept is not None and kept in shifts and queues_changed(self.problem, a, kept, serving)
        )

    def _hint_email(self, flow: EmailFlow, on: list[int]) -> None:
        """The email flow's variables as first in, first out leaves them (work the
        week cannot do dropped as it arrives, earliest first)."""
        overdue, all_dropped = flow.overdue(on)
        if flow.queue in self.email_short:
            self.model.add_hint(self.email_short[flow.queue], 1 if all_dropped else 0)
        if flow.queue in self.email_excess:
            excess = sum(overdue.values()) + all_dropped * len(overdue) - flow.allowance
            self.model.add_hint(self.email_excess[flow.queue], max(0, excess))
        variables = self.email_vars.get(flow.queue)
        if variables is None:
            return
        dropped, done, backlog = flow.steady_state(on)
        for name, values in (("dropped", dropped), ("done", done), ("backlog", backlog)):
            for t, var in variables[name].items():
                self.model.add_hint(var, values[t])
        for t, var in variables["overdue"].items():
            self.model.add_hint(var, overdue[t] + all_dropped)

    def weeks(self, solver: cp_model.CpSolver) -> list[list[Candidate]]:
        """The shifts each agent works in a solution."""
        return [
            [c for day in agent_days for c, var in day if solver.boolean_value(var)]
            for agent_days in self.choices
        ]

    def serving(self, solver: cp_model.CpSolver) -> Serving:
        """The queue each agent serves in each slot of their shifts, in a solution."""
        return [
            {t: q for (q, t), var in agent.items() if solver.boolean_value(var)}
            for agent in self.serve
        ]

    # --- hard rules ----------------------------------------------------------------

    def add_one_shift_per_day(self) -> None:
        """At most one shift per local date; ``works[a][d]`` is 1 on a working day."""
        for a, agent_days in enumerate(self.choices):
            row: list[cp_model.LinearExprT] = []
            for d, day in enumerate(agent_days):
                if not day:
                    row.append(0)
                    continue
                works = self.model.new_bool_var(f"works[{a},{d}]")
                self.model.add(sum(var for _, var in day) == works)
                row.append(works)
            self.works.append(row)

    def add_contract_hours(self) -> None:
        """Exactly the contract's minutes for the week (weekly hours less time off)."""
        for a, agent_days in enumerate(self.choices):
            minutes = self.problem.options[a].contract.minutes
            worked = sum(c.minutes * var for day in agent_days for c, var in day)
            self.model.add(worked == minutes * self.is_hired(a))

    def is_hired(self, a: int) -> cp_model.IntVar | int:
        return self.hired.get(a, 1)

    def add_hire_limit(self, max_hires: int) -> None:
        """At most ``max_hires`` optional agents; identical copies are hired in order."""
        self.model.add(sum(self.hired.values()) <= max_hires)
        previous: dict[object, cp_model.IntVar] = {}
        for a, hired in self.hired.items():
            agent = self.problem.options[a].agent
            key = (agent.timezone, agent.rules, agent.availability, agent.time_off)
            if key in previous:
                self.model.add(previous[key] >= hired)  # symmetry breaking
            previous[key] = hired

    def add_max_days(self) -> None:
        for a, row in enumerate(self.works):
            self.model.add(sum(row) <= self.problem.options[a].contract.max_days)

    def add_min_rest(self) -> None:
        """A shift forbids any later shift starting within the rest period after its end."""
        for a, agent_days in enumerate(self.choices):
            for d, i, later, clashes in self.problem.options[a].clashes:
                forbidden = [agent_days[later][j][1] for j in clashes]
                self.model.add(agent_days[d][i][1] + sum(forbidden) <= 1)

    def add_max_consecutive_days(self) -> None:
        """No more than ``max_consecutive_days`` working days in a row, around the week."""
        for a, row in enumerate(self.works):
            limit = self.problem.options[a].agent.rules.max_consecutive_days
            if limit >= 7:
                continue
            for d in range(7):
                self.model.add(sum(row[(d + k) % 7] for k in range(limit + 1)) <= limit)

    def add_frozen_days(self) -> None:
        """A re-plan keeps each frozen date's published shift (the only candidate left
        that day)."""
        for a, option in enumerate(self.problem.options):
            published = option.published
            if published is None:
                continue
            for d, frozen in enumerate(published.frozen):
                kept = option.kept(d) if frozen else None
                if kept is not None:
                    self.model.add(self._var(a, d, kept) == 1)

    def add_frozen_queues(self) -> None:
        """A frozen shift keeps the queues it was published with, where it had them."""
        slots = self.problem.slots
        for a, option in enumerate(self.problem.options):
            published = option.published
            if published is None or not option.switches or not published.serving:
                continue
            for d, frozen in enumerate(published.frozen):
                kept = option.kept(d) if frozen else None
                if kept is None:
                    continue
                for t in self.problem.slots_of(kept):
                    var = self.serve[a].get((published.queue_at.get(t % slots, -1), t % slots))
                    if var is not None:
                        self.model.add(var == 1)

    def _var(self, a: int, d: int, candidate: Candidate) -> cp_model.IntVar:
        return next(var for c, var in self.choices[a][d] if c is candidate)

    # --- coverage and objective ----------------------------------------------------

    def add_coverage(self) -> None:
        """``on[q, t]``: agents serving queue q in fine slot t (the roster wraps around
        the week), for the slots where the queue needs somebody or its service
        counts them. An agent who serves several queues serves exactly one of them
        in each slot they work (``serve``); one who serves one queue counts on it.

        On large models the agents who serve one queue are counted by differences
        (``single``): those on at a slot are those on at the slot counted before
        it, plus the shifts starting in between, less those ending in between; the
        first slot counts them outright. That is two terms per shift instead of one
        per slot it covers, with the same linear relaxation.
        """
        problem = self.problem
        slots, queues = problem.slots, range(problem.queue_count)
        differences = counts_by_differences(problem)
        counted = problem.counted_slots
        outside = self.outside
        needed = [
            [
                t
                for t in range(slots)
                if max(problem.queue_required[q][t], problem.queue_floor[q][t]) > outside[q][t]
                or (q, t) in counted
            ]
            for q in queues
        ]
        covering: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        # Per queue, the shift variables of agents who serve only it: by the slot
        # each shift starts, by the slot after its end, and those on at the first
        # needed slot; and how many such agents there are (at most that many on).
        starting: list[dict[int, list[cp_model.IntVar]]] = [{} for _ in queues]
        ending: list[dict[int, list[cp_model.IntVar]]] = [{} for _ in queues]
        on_first: list[list[cp_model.IntVar]] = [[] for _ in queues]
        alone = [0 for _ in queues]
        for a, agent_days in enumerate(self.choices):
            option = problem.options[a]
            if not option.switches:
                alone[option.queues[0]] += 1
            working: dict[int, list[cp_model.IntVar]] = {}
            for day in agent_days:
                for candidate, var in day:
                    covered = problem.slots_of(candidate)
                    if option.switches:
                        for t in covered:
                            working.setdefault(t % slots, []).append(var)
                        continue
                    q = option.queues[0]
                    if not differences:
                        for t in covered:
                            covering.setdefault((q, t % slots), []).append(var)
                        continue
                    starting[q].setdefault(covered.start % slots, []).append(var)
                    ending[q].setdefault(covered.stop % slots, []).append(var)
                    if needed[q] and (needed[q][0] - covered.start) % slots < len(covered):
                        on_first[q].append(var)
            for t, variables in working.items():
                serve = {q: self.model.new_bool_var(f"serve[{a},{q},{t}]") for q in option.queues}
                self.model.add(sum(serve.values()) == sum(variables))
                for q, var in serve.items():
                    self.serve[a][q, t] = var
                    covering.setdefault((q, t), []).append(var)
        for q in queues:
            if starting[q]:
                self._count_by_differences(
                    q, needed[q], starting[q], ending[q], on_first[q], alone[q]
                )
            single = self.single.get(q, {})
            for t in needed[q]:
                variables = covering.get((q, t), [])
                if not variables and t in single:
                    self.on[q, t] = single[t]
                    continue
                most = (alone[q] if t in single else 0) + len(variables)
                if most == 0:
                    self.on[q, t] = 0
                    continue
                count = self.model.new_int_var(0, most, f"on[{q},{t}]")
                self.model.add(count == single.get(t, 0) + sum(variables))
                self.on[q, t] = count

    def _count_by_differences(
        self,
        q: int,
        needed: list[int],
        starting: dict[int, list[cp_model.IntVar]],
        ending: dict[int, list[cp_model.IntVar]],
        on_first: list[cp_model.IntVar],
        agents: int,
    ) -> None:
        """``single[q][t]``: of the ``agents`` who serve only queue q, those on in each
        needed slot t."""
        if not needed:
            return
        single = {t: self.model.new_int_var(0, agents, f"single[{q},{t}]") for t in needed}
        self.model.add(single[needed[0]] == sum(on_first))
        for previous, t in itertools.pairwise(needed):
            gained = [v for s in range(previous + 1, t + 1) for v in starting.get(s, [])]
            lost = [v for s in range(previous + 1, t + 1) for v in ending.get(s, [])]
            self.model.add(single[t] == single[previous] + sum(gained) - sum(lost))
        self.single[q] = single

    def add_min_activity(self) -> None:
        """A block on one queue lasts at least ``min_activity_minutes`` unless it is the
        whole shift.

        ``switch[t]`` is 1 when the agent changes queue at the start of slot t
        inside a shift. Two switches are at least the shortest block apart, and
        a switch is at least that far from the shift's start and its end.
        """
        for a, option in enumerate(self.problem.options):
            length = self.problem.min_activity_slots(option)
            if option.switches and length > 1 and self.serve[a]:
                self._hold_blocks(a, length)

    def _hold_blocks(self, a: int, length: int) -> None:
        problem, serve, model = self.problem, self.serve[a], self.model
        slots, queues = problem.slots, problem.options[a].queues
        starting: dict[int, list[cp_model.IntVar]] = {}
        ending: dict[int, list[cp_model.IntVar]] = {}  # shifts whose last slot is t - 1
        for day in self.choices[a]:
            for candidate, var in day:
                covered = problem.slots_of(candidate)
                starting.setdefault(covered.start % slots, []).append(var)
                ending.setdefault(covered.stop % slots, []).append(var)
        worked = sorted({t for _, t in serve})
        switch = {t: model.new_bool_var(f"switch[{a},{t}]") for t in worked}
        self.switch[a] = switch
        for t in worked:
            before = (t - 1) % slots
            for q in queues:
                # Serving q now but not in the slot before, in a shift that began earlier.
                model.add(
                    switch[t] >= serve[q, t] - serve.get((q, before), 0) - sum(starting.get(t, []))
                )
            window = [switch[(t + j) % slots] for j in range(length) if (t + j) % slots in switch]
            if len(window) > 1:
                model.add(sum(window) <= 1)
            near_start = [v for j in range(length) for v in starting.get((t - j) % slots, [])]
            near_end = [v for j in range(1, length) for v in ending.get((t + j) % slots, [])]
            for variable in near_start + near_end:
                model.add(switch[t] + variable <= 1)

    def add_uncovered_term(self) -> None:
        """Agents missing below each open queue's ``min_agents``, per fine slot,
        weighted by the queue's priority: the hours nobody is on."""
        self.missing = self._add_missing_below(UNCOVERED, self.problem.queue_floor, "missing")

    def add_shortfall_term(self) -> None:
        """Agents short of each queue's requirement, per fine slot, weighted by priority.

        Overstaffing needs no term of its own: every agent works exactly their
        contract, so total scheduled time is fixed and overstaffing equals
        shortfall plus a constant. Minimising one minimises the other.

        An email queue has no requirement per slot: its term is the email work
        still waiting at each arrival's deadline (beyond what its service level
        lets pass), in seconds, which ``shortfall_scale`` makes one unit.
        """
        scale = self.problem.shortfall_scale
        self.short = self._add_missing_below(SHORTFALL, self.problem.queue_required, "short", scale)
        if not self.problem.emails:
            return
        terms, upper = [self.terms[SHORTFALL].expression], self.terms[SHORTFALL].upper_bound
        for flow in self.problem.emails:
            overdue, most = self._email_overdue(flow)
            weight = self.problem.priorities[flow.queue] * self.problem.email_weight(flow)
            excess = self.model.new_int_var(0, most, f"email_excess[{flow.queue}]")
            self.model.add(excess >= overdue - flow.allowance)
            self.email_excess[flow.queue] = excess
            terms.append(weight * excess)
            upper += weight * most
        self.terms[SHORTFALL] = Term(cp_model.LinearExpr.sum(terms), upper)

    def add_late_term(self) -> None:
        """Contacts answered late, weighted by priority, in ``SERVICE_SCALE`` units:
        per voice and chat slot from the queue's service at the agents on it
        (``late_tables``), and each email still waiting at an arrival's deadline."""
        problem = self.problem
        terms: list[cp_model.LinearExprT] = []
        upper = 0
        for q, t in problem.late_tables:
            count, table = self.on[q, t], self.late_table(q, t)
            if isinstance(count, int):  # none of the model's agents can serve it
                terms.append(problem.priorities[q] * table[0])
                upper += problem.priorities[q] * table[0]
                continue
            late = self.model.new_int_var(0, table[0], f"late[{q},{t}]")
            capped = self.model.new_int_var(0, len(table) - 1, f"capped[{q},{t}]")
            self.model.add_min_equality(capped, [count, len(table) - 1])
            self.model.add_element(capped, list(table), late)
            self.late[q, t] = (late, capped)
            # Redundant cuts from the lower convex hull of the table: a tighter LP.
            for n0, n1 in hull_segments(table):
                slope = table[n1] - table[n0]
                self.model.add((n1 - n0) * late >= (n1 - n0) * table[n0] + slope * (count - n0))
            terms.append(problem.priorities[q] * late)
            upper += problem.priorities[q] * table[0]
        for flow in problem.emails:
            priority = problem.priorities[flow.queue]
            variables = self.email_vars[flow.queue]
            for t, o in variables["overdue"].items():
                terms.append(priority * flow.late_weight[t] * o)
                upper += priority * flow.late_weight[t] * sum(flow.arrivals)
            # A week that drops work leaves every email late, as the validator counts.
            short = self.model.new_bool_var(f"email_week_short[{flow.queue}]")
            dropped = cp_model.LinearExpr.sum(list(variables["dropped"].values()))
            self.model.add(dropped <= sum(flow.arrivals) * short)
            self.email_short[flow.queue] = short
            terms.append(priority * flow.all_late * short)
            upper += priority * flow.all_late
        self.terms[LATE] = Term(cp_model.LinearExpr.sum(terms), upper)

    def late_table(self, q: int, t: int) -> tuple[int, ...]:
        """Contacts late in slot t of queue q by the model's agents on it, with those
        ``outside`` the model on too."""
        table = self.problem.late_tables[q, t]
        return table[min(self.outside[q][t], len(table) - 1) :]

    def _email_overdue(self, flow: EmailFlow) -> tuple[cp_model.LinearExprT, int]:
        """The work waiting at each of the queue's deadlines, summed, and its upper bound."""
        variables = self.email_vars.get(flow.queue) or self._add_email_flow(flow)
        most = sum(flow.arrivals) * (len(flow.deadlines) + 1)
        return cp_model.LinearExpr.sum(list(variables["overdue"].values())), most

    def _add_email_flow(self, flow: EmailFlow) -> dict[str, dict[int, cp_model.IntVar]]:
        """The queue's backlog over the repeating week, first in first out.

        ``done[t]`` is at most what the agents on it can do; work the week cannot
        do at all may be ``dropped`` as it arrives, and then counts as waiting at
        every deadline, so it is dropped only when nothing else can be done.
        """
        model, slots, q = self.model, self.problem.slots, flow.queue
        total = sum(flow.arrivals)
        done: dict[int, cp_model.IntVar] = {}
        backlog: dict[int, cp_model.IntVar] = {}
        dropped: dict[int, cp_model.IntVar] = {}
        overdue: dict[int, cp_model.IntVar] = {}
        for t in range(slots):
            backlog[t] = model.new_int_var(0, total, f"backlog[{q},{t}]")
            if flow.capacity[t] and (q, t) in self.on:
                done[t] = model.new_int_var(0, total, f"done[{q},{t}]")
                on = self.on[q, t] + self.outside[q][t]
                model.add(done[t] <= flow.capacity[t] * on)
            if flow.arrivals[t]:
                dropped[t] = model.new_int_var(0, flow.arrivals[t], f"dropped[{q},{t}]")
        for t in range(slots):
            model.add(
                backlog[t]
                == backlog[(t - 1) % slots] + flow.arrivals[t] - done.get(t, 0) - dropped.get(t, 0)
            )
        all_dropped = cp_model.LinearExpr.sum(list(dropped.values()))
        for t, last, later in flow.deadlines:
            overdue[t] = model.new_int_var(0, 2 * total, f"overdue[{q},{t}]")
            model.add(overdue[t] >= backlog[last] - later + all_dropped)
        variables = {"done": done, "backlog": backlog, "dropped": dropped, "overdue": overdue}
        self.email_vars[q] = variables
        return variables

    def _add_missing_below(
        self, name: str, targets: tuple[tuple[int, ...], ...], label: str, scale: int = 1
    ) -> dict[tuple[int, int], cp_model.IntVar]:
        """The term ``name``: agents missing below ``targets[q][t]``, weighted by priority
        (and ``scale``)."""
        priorities = self.problem.priorities
        missing: dict[tuple[int, int], cp_model.IntVar] = {}
        terms: list[cp_model.LinearExprT] = []
        upper = 0
        for (q, t), count in self.on.items():
            target = targets[q][t] - self.outside[q][t]
            if target <= 0:
                continue
            weight = priorities[q] * scale
            if isinstance(count, int):  # none of the model's agents can serve it
                terms.append(weight * target)
                upper += weight * target
                continue
            gap = self.model.new_int_var(0, target, f"{label}[{q},{t}]")
            self.model.add(gap + count >= target)
            missing[q, t] = gap
            terms.append(gap if weight == 1 else weight * gap)
            upper += weight * target
        self.terms[name] = Term(cp_model.LinearExpr.sum(terms), upper)
        return missing

    def add_change_terms(self) -> None:
        """A re-plan's changes against each agent's published week, per local date: a
        shift added, removed or moved counts two ``CHANGES`` units, a kept shift on other
        queues one; ``MOVED`` the minutes a moved shift's start and end move (a whole
        shift's length when one is added or removed)."""
        changes: list[cp_model.LinearExprT] = []
        moved: list[cp_model.LinearExprT] = []
        changes_upper = moved_upper = 0
        slots = self.problem.slots
        for a, option in enumerate(self.problem.options):
            published = option.published
            if published is None:
                continue
            for d, day in enumerate(self.choices[a]):
                old = published.shifts[d]
                chosen = cp_model.LinearExpr.sum([var for _, var in day])
                if old is None:
                    changes.append(2 * chosen)
                    moved.extend(c.minutes * var for c, var in day)
                    changes_upper += 2 * bool(day)
                    moved_upper += max((c.minutes for c, _ in day), default=0)
                    continue
                kept = option.kept(d)
                keep = self._var(a, d, kept) if kept is not None else 0
                changes.append(2 - 2 * keep)
                # Nothing chosen: the published shift is removed, its length moved.
                moved.append(old.minutes - old.minutes * chosen)
                moved.extend(moved_minutes(old, c) * var for c, var in day if c is not kept)
                changes_upper += 2
                moved_upper += max([old.minutes, *(moved_minutes(old, c) for c, _ in day)])
                if kept is None or not option.switches or not published.serving:
                    continue
                other = self.model.new_bool_var(f"other_queues[{a},{d}]")
                self.other_queues[a, d] = other
                serve = self.serve[a]
                for t in self.problem.slots_of(kept):
                    queue = published.queue_at.get(t % slots)
                    elsewhere = [
                        serve[q, t % slots]
                        for q in option.queues
                        if q != queue and (q, t % slots) in serve
                    ]
                    if elsewhere:
                        self.model.add(other >= sum(elsewhere) + keep - 1)
                changes.append(other)
                changes_upper += 1
        self.terms[CHANGES] = Term(cp_model.LinearExpr.sum(changes), changes_upper)
        self.terms[MOVED] = Term(cp_model.LinearExpr.sum(moved), moved_upper)

    def add_change_limit(self, max_changes: float) -> None:
        """At most ``max_changes`` published shifts changed (half for queues only)."""
        self.model.add(self.terms[CHANGES].expression <= int(2 * max_changes))

    def add_start_time_term(self) -> None:
        """Distinct local start times per agent beyond the first: prefer one start time."""
        extras = []
        upper = 0
        for a, agent_days in enumerate(self.choices):
            by_start: dict[int, list[cp_model.IntVar]] = {}
            for day in agent_days:
                for candidate, var in day:
                    by_start.setdefault(candidate.start_minute, []).append(var)
            if self.problem.options[a].contract.minutes == 0 or not by_start:
                continue
            used = []
            for minute, variables in by_start.items():
                starts_at = self.model.new_bool_var(f"starts_at[{a},{minute}]")
                for var in variables:
                    self.model.add_implication(var, starts_at)
                used.append(starts_at)
                self.starts_at[a][minute] = starts_at
            extra = self.model.new_int_var(0, len(used) - 1, f"extra_starts[{a}]")
            self.model.add(extra == cp_model.LinearExpr.sum(used) - self.is_hired(a))
            extras.append(extra)
            self.extra_starts[a] = extra
            upper += len(used) - 1
        self.terms[START_TIMES] = Term(cp_model.LinearExpr.sum(extras), upper)

    def add_hires_term(self) -> None:
        """How many optional agents are hired."""
        self.terms[HIRES] = Term(
            cp_model.LinearExpr.sum(list(self.hired.values())), len(self.hired)
        )

    def add_known_bounds(self, bounds: dict[str, int]) -> None:
        """Terms can be no lower than these (from the aggregate LP): redundant for the
        rosters, but they let CP-SAT prove a roster at the bound optimal at once."""
        for name, value in bounds.items():
            if name in self.terms and value > 0:
                self.model.add(self.terms[name].expression >= value)

    def set_weights(self) -> None:
        """Weights that rank the terms in the order of the stages (``ranked_weights``)."""
        uppers = {name: term.upper_bound for name, term in self.terms.items()}
        self.weights = ranked_weights(self.stages, uppers)

    def stage_objective(self, names: tuple[str, ...]) -> cp_model.LinearExprT:
        """The weighted sum of some terms, scaled so the least of them has weight 1."""
        scaled = stage_weights(self.weights, names)
        return sum(scaled[n] * self.terms[n].expression for n in names)

    def minimize_stage(self, names: tuple[str, ...]) -> None:
        self.model.minimize(self.stage_objective(names))

    def hold_stage(self, names: tuple[str, ...], value: int) -> None:
        """Keep an earlier stage's objective at most the value it reached."""
        self.model.add(self.stage_objective(names) <= value)
