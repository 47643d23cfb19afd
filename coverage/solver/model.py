"""The CP-SAT roster model: one method per hard rule, one per objective term.

Rules already enforced by candidate generation (start grid, allowed lengths,
local window, availability, days off) have no constraint here. The roster
repeats weekly, so coverage, rest and consecutive days wrap around the week.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from coverage.shifts import Candidate
from coverage.solver.problem import Problem, rest_clashes

# Objective terms in strict priority order (first matters most).
UNCOVERED = "uncovered"
SHORTFALL = "shortfall"
HIRES = "hires"  # only when the problem has optional (hypothetical) agents
START_TIMES = "start_time_changes"
TERMS = (UNCOVERED, SHORTFALL, HIRES, START_TIMES)
# The search runs in stages: coverage first, then start times with coverage held.
# One weighted objective over all terms has a weak bound (the start-time term's
# LP relaxation is loose), and proving it optimal took minutes instead of seconds.
STAGES = ((UNCOVERED, SHORTFALL), (START_TIMES,))


def agents_on(problem: Problem, shifts: list[list[Candidate]]) -> list[int]:
    """Agents working in each fine slot of the week, for chosen shifts per agent."""
    slots = problem.slots
    on = [0] * slots
    for agent_shifts in shifts:
        for candidate in agent_shifts:
            for t in problem.slots_of(candidate):
                on[t % slots] += 1
    return on


def term_values(
    problem: Problem, shifts: list[list[Candidate]], on: list[int] | None = None
) -> dict[str, int]:
    """Every objective term of chosen shifts per agent, in model units (slots, counts)."""
    on = agents_on(problem, shifts) if on is None else on
    floor = problem.scenario.staffing.min_agents
    values = {
        UNCOVERED: sum(max(0, floor - n) for n in on),
        SHORTFALL: sum(max(0, r - n) for r, n in zip(problem.required_per_slot, on, strict=True)),
        START_TIMES: sum(max(0, len({c.start_minute for c in s}) - 1) for s in shifts),
    }
    if any(option.optional for option in problem.options):
        values[HIRES] = sum(
            1 for s, o in zip(shifts, problem.options, strict=True) if o.optional and s
        )
    return values


@dataclass(frozen=True)
class Term:
    """A named objective term: its expression (in model units) and its upper bound."""

    expression: cp_model.LinearExpr
    upper_bound: int


class RosterModel:
    """Builds the CP-SAT model for a problem; ``with_objective=False`` keeps only hard rules."""

    def __init__(
        self,
        problem: Problem,
        with_objective: bool = True,
        stages: tuple[tuple[str, ...], ...] = STAGES,
    ) -> None:
        self.problem = problem
        self.stages = stages
        self.model = cp_model.CpModel()
        # choices[a][d] = [(candidate, var), ...] for agent a on local day d
        self.choices: list[list[list[tuple[Candidate, cp_model.IntVar]]]] = []
        self.works: list[list[cp_model.LinearExprT]] = []
        self.terms: dict[str, Term] = {}
        # Auxiliary variables, kept so that a hint can give every variable a value.
        self.on: list[cp_model.IntVar] = []
        self.missing: list[cp_model.IntVar] = []
        self.short: list[cp_model.IntVar] = []
        self.starts_at: list[dict[int, cp_model.IntVar]] = [{} for _ in problem.options]
        self.extra_starts: dict[int, cp_model.IntVar] = {}
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
        if with_objective:
            on = self.add_coverage()
            self.add_uncovered_term(on)
            self.add_shortfall_term(on)
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

    def add_hint(self, shifts: list[list[Candidate]]) -> dict[str, int]:
        """Hint a complete roster: the chosen shifts per agent and every variable they imply.

        Returns the roster's objective terms, for when the search finds nothing better.
        """
        on = agents_on(self.problem, shifts)
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
        floor = self.problem.scenario.staffing.min_agents
        required = self.problem.required_per_slot
        for t in range(len(self.on)):
            self.model.add_hint(self.on[t], on[t])
            self.model.add_hint(self.missing[t], max(0, floor - on[t]))
            self.model.add_hint(self.short[t], max(0, required[t] - on[t]))
        values = term_values(self.problem, shifts, on)
        return {name: value for name, value in values.items() if name in self.terms}

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
            for d, i, later, clashes in rest_clashes(self.problem.options[a]):
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

    # --- coverage and objective ----------------------------------------------------

    def add_coverage(self) -> list[cp_model.IntVar]:
        """``on[t]``: agents working in fine slot t (the roster wraps around the week)."""
        slots = self.problem.slots
        covering: list[list[cp_model.IntVar]] = [[] for _ in range(slots)]
        for agent_days in self.choices:
            for day in agent_days:
                for candidate, var in day:
                    for t in self.problem.slots_of(candidate):
                        covering[t % slots].append(var)
        on = []
        for t in range(slots):
            count = self.model.new_int_var(0, len(covering[t]), f"on[{t}]")
            self.model.add(count == sum(covering[t]))
            on.append(count)
        self.on = on
        return on

    def add_uncovered_term(self, on: list[cp_model.IntVar]) -> None:
        """Agents missing below ``min_agents``, per fine slot: the hours nobody is on."""
        floor = self.problem.scenario.staffing.min_agents
        missing = []
        for t, count in enumerate(on):
            miss = self.model.new_int_var(0, floor, f"missing[{t}]")
            self.model.add(miss + count >= floor)
            missing.append(miss)
        self.missing = missing
        self.terms[UNCOVERED] = Term(cp_model.LinearExpr.sum(missing), floor * len(on))

    def add_shortfall_term(self, on: list[cp_model.IntVar]) -> None:
        """Agents short of the requirement, per fine slot.

        Overstaffing needs no term of its own: every agent works exactly their
        contract, so total scheduled time is fixed and overstaffing equals
        shortfall plus a constant. Minimising one minimises the other.
        """
        required = self.problem.required_per_slot
        short = []
        for t, count in enumerate(on):
            gap = self.model.new_int_var(0, required[t], f"short[{t}]")
            self.model.add(gap + count >= required[t])
            short.append(gap)
        self.short = short
        self.terms[SHORTFALL] = Term(cp_model.LinearExpr.sum(short), sum(required))

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
        """Weights that make each term strictly more important than all later ones,
        in the order of the stages (terms in no stage get weight 0)."""
        weight = 1
        for name in reversed([n for stage in self.stages for n in stage]):
            self.weights[name] = weight
            weight *= self.terms[name].upper_bound + 1

    def stage_objective(self, names: tuple[str, ...]) -> cp_model.LinearExprT:
        """The weighted sum of some terms, scaled so the least of them has weight 1."""
        scaled = self.stage_weights(names)
        return sum(scaled[n] * self.terms[n].expression for n in names)

    def stage_weights(self, names: tuple[str, ...]) -> dict[str, int]:
        """The stage's term weights, scaled so the least of them is 1."""
        unit = self.stage_unit(names)
        return {n: self.weights[n] // unit for n in names}

    def stage_unit(self, names: tuple[str, ...]) -> int:
        """The weight of one unit of the stage objective in the combined objective."""
        return min(self.weights[n] for n in names)

    def stage_value(self, names: tuple[str, ...], values: dict[str, int]) -> int:
        """The stage objective (in the units of ``stage_objective``) of term values."""
        scaled = self.stage_weights(names)
        return sum(scaled[n] * values[n] for n in names)

    def minimize_stage(self, names: tuple[str, ...]) -> None:
        self.model.minimize(self.stage_objective(names))

    def hold_stage(self, names: tuple[str, ...], value: int) -> None:
        """Keep an earlier stage's objective at most the value it reached."""
        self.model.add(self.stage_objective(names) <= value)

    def combined(self, values: dict[str, int]) -> int:
        """The lexicographic objective of term values, with the weights of ``set_weights``."""
        return sum(self.weights.get(n, 0) * values[n] for n in values)
