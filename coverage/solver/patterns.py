"""Whole weeks first, then names: the start for large teams.

Agents with the same zone, rules, availability, time off and queues are
interchangeable (a *class*). A *pattern* is one whole week that an agent of a
class may work under every one of their hard rules. The method is column
generation followed by a dive, as in crew and nurse rostering:

1. A master linear programme chooses how many agents of each class work each
   known pattern, minimising each queue's shortfall, or under the service
   objective its contacts late (and, before it, agents missing below its
   floor), weighted by priority. A class that serves several
   queues shares its agents on in each slot out between them, as the
   aggregate bound does; which queue each named agent serves when is chosen
   afterwards (``activities.serve_greedily``).
2. Pricing: for each class, an exact single-agent CP-SAT model finds the weeks
   worth most at the master's dual prices. Weeks that would improve the master
   are added as patterns, and 1-2 repeat until none would.
3. The dive: agents are fixed to the patterns the master uses whole, plus a
   share of the most-used of the rest; the master is re-priced for the agents
   left, and so on until every agent has a week.

Naming is then exact: a class's fixed patterns go to its members in order,
and every pattern is a feasible week. On the benchmark this start reaches the
aggregate lower bound with fixed 8-hour shifts (200 and 1000 agents) and ends
about 10-25 % above it with 6-10-hour shifts, where the counts-then-names start
it replaced was 6-24 times above it.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from ortools.linear_solver import pywraplp

from coverage.shifts import Candidate
from coverage.solver.bound import classes_of
from coverage.solver.problem import SERVICE_SCALE, AgentOptions, Problem, hull_segments
from coverage.solver.start import AgentAlone, greedy_start

Pattern = tuple[tuple[int, int], ...]  # (local day, candidate index) per shift, sorted

# Dual prices are made whole numbers for the CP-SAT pricing model at this scale.
PRICE_SCALE = 1000
# Share of the agents still to place that one dive round fixes at least, and the
# pricing rounds between fixes. Measured on 200 agents with 6-10 h shifts: a
# larger share or fewer rounds finish sooner but further from the bound.
DIVE_SHARE = 0.1
PRICING_ROUNDS_PER_FIX = 5
# Each dive round left is expected to take this many times as long as the last one.
# Rounds slow as patterns accumulate, but they also fix fewer agents each: at 1.25
# the dive of 200 agents with 6-10 h shifts ended 4-6 s before its deadline, at a
# coarser rounding (benchmarks/README.md, "The dive's master LP").
DIVE_ROUND_MARGIN = 0.8
# When classes share their agents out between queues the master is more
# fractional and each round slower; on the queues benchmark the settings above
# ran out of time where these finish (benchmarks/README.md, "Queues").
DIVE_SHARE_WITH_QUEUES = 0.25
PRICING_ROUNDS_WITH_QUEUES = 2
# Column generation before the dive stops at this share of the time given.
PRICING_SHARE = 0.4
PRICING_THREADS = 2


class _Pricer:
    """The best weeks for one agent of a class at given prices per grid slot."""

    def __init__(self, problem: Problem, option: AgentOptions) -> None:
        self.problem, self.option = problem, option
        self.alone = AgentAlone(problem, option, tie_break=False)

    def cover(self, week: Pattern) -> Counter[int]:
        slots, days = self.problem.slots, self.option.days
        return Counter(t % slots for d, i in week for t in self.problem.slots_of(days[d][i]))

    def worths(self, prices: Sequence[float]) -> list[list[float]]:
        """What each candidate shift covers at the prices per slot."""
        return self.problem.shift_worths(self.option, prices)

    def best_weeks(self, worths: Sequence[Sequence[float]], seconds: float) -> list[Pattern]:
        """Weeks found on the way to the best at the shifts' ``worths``, best last."""
        gains = [[round(PRICE_SCALE * w) for w in day] for day in worths]
        return self.alone.weeks_on_the_way(gains, seconds)


class _Master:
    """The restricted master LP over the patterns found so far, for the agents not yet fixed.

    Each queue has, per slot, rows that the agents on it enter: a floor row and
    a demand row (agents short of the guide), and under the service objective,
    in place of the demand row, one row per segment of the lower convex hull of
    the slot's late-contacts table (as in the aggregate bound); a slot where the
    queue needs nobody has none. In a slot where one of its queues is open, a
    class covers that queue's rows directly; where several are, it has a
    capacity row (its agents on, from its patterns and its fixed agents) which
    ``split`` variables share out between those queues, as in the aggregate
    bound.
    """

    def __init__(self, problem: Problem, classes: list[list[int]]) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            raise RuntimeError("OR-Tools linear solver GLOP is not available")
        # Columns and bounds change between solves: keep the basis rather than presolve
        # anew (measured: CLP was slower here). See ``solve`` for the simplex used.
        self.solver = solver
        self.fixed_since_solve = False
        self.problem = problem
        priorities = problem.priorities
        # What the heuristics aim at (see ``Problem.guide_unit``), under the service
        # objective in contacts rather than SERVICE_SCALE units: LP rows scaled alike.
        tables = problem.heuristic_tables
        scale = SERVICE_SCALE if problem.by_service else 1
        unit = [problem.guide_unit(q) / scale for q in range(len(priorities))]
        floor_weight = problem.worth_beyond_floors / scale + 1
        objective = solver.Objective()
        # rows[q][t] = [(row, agents' coefficient, right-hand side with nobody fixed)]
        self.rows: list[list[list[tuple[pywraplp.Constraint, float, float]]]] = []
        for q, priority in enumerate(priorities):
            rows = []
            for t, (required, floor) in enumerate(
                zip(problem.queue_guide[q], problem.queue_floor[q], strict=True)
            ):
                # A row nobody can be short of is left out (a queue's closed hours): it
                # would only slow the simplex, and price those hours by a degenerate dual.
                slot = []
                if floor > 0:
                    missing = solver.NumVar(0, math.inf, "")
                    objective.SetCoefficient(missing, priority * floor_weight)
                    slot.append(
                        (solver.Add(missing >= floor, f"floor[{q},{t}]"), 1.0, float(floor))
                    )
                table = tables.get((q, t))
                if table is None and required > 0:
                    short = solver.NumVar(0, math.inf, "")
                    objective.SetCoefficient(short, priority * unit[q])
                    slot.append((solver.Add(short >= required, f"demand[{q},{t}]"), 1.0, required))
                elif table is not None and any(table):
                    late = solver.NumVar(0, math.inf, "")
                    objective.SetCoefficient(late, priority)
                    for n0, n1 in hull_segments(table):
                        # late >= table[n0] + slope (on - n0), slope < 0, in contacts
                        slope = (table[n1] - table[n0]) / (n1 - n0) / scale
                        rhs = table[n0] / scale - slope * n0
                        slot.append((solver.Add(late >= rhs, f"late[{q},{t}]"), -slope, rhs))
                rows.append(slot)
            self.rows.append(rows)
        objective.SetMinimization()
        self.left = [len(members) for members in classes]
        self.members = [
            solver.Add(solver.Sum([]) == n, f"class[{k}]") for k, n in enumerate(self.left)
        ]
        self.queues = [problem.options[members[0]].queues for members in classes]
        # Per class and slot it can work: the one open queue it covers directly
        # (``direct``), or the capacity row shared out between several (``capacity``).
        self.direct: list[dict[int, int]] = []
        self.capacity: list[dict[int, pywraplp.Constraint]] = []
        for k, members in enumerate(classes):
            option = problem.options[members[0]]
            worked = {
                t % problem.slots
                for day in option.days
                for candidate in day
                for t in problem.slots_of(candidate)
            }
            direct: dict[int, int] = {}
            capacity: dict[int, pywraplp.Constraint] = {}
            for t in sorted(worked):
                open_queues = [q for q in self.queues[k] if self.rows[q][t]]
                if len(open_queues) == 1:
                    direct[t] = open_queues[0]
                elif open_queues:
                    row = solver.Add(solver.Sum([]) <= 0, f"capacity[{k},{t}]")
                    for q in open_queues:
                        split = solver.NumVar(0, math.inf, "")
                        row.SetCoefficient(split, 1)
                        for entered, coefficient, _ in self.rows[q][t]:
                            entered.SetCoefficient(split, coefficient)
                    capacity[t] = row
            self.direct.append(direct)
            self.capacity.append(capacity)
        # patterns[k][week] = (agents of class k working it, slots it covers)
        self.patterns: list[dict[Pattern, tuple[pywraplp.Variable, Counter[int]]]] = [
            {} for _ in classes
        ]
        # agents already fixed, per queue and slot, or per class and slot
        self.on = [[0] * problem.slots for _ in priorities]
        self.on_class = [[0] * problem.slots for _ in classes]

    def add(self, k: int, week: Pattern, cover: Counter[int]) -> None:
        count = self.solver.NumVar(0, math.inf, "")
        self.members[k].SetCoefficient(count, 1)
        direct, capacity = self.direct[k], self.capacity[k]
        for t, n in cover.items():
            if t in direct:
                for row, coefficient, _ in self.rows[direct[t]][t]:
                    row.SetCoefficient(count, coefficient * n)
            elif t in capacity:
                capacity[t].SetCoefficient(count, -n)
        self.patterns[k][week] = (count, cover)

    def solve(self) -> tuple[list[list[float]], list[float]] | None:
        """Dual prices per class and slot (what one more agent of the class on in the
        slot is worth), and per class; None if the LP failed."""
        # After a fix only bounds changed, and the basis stays dual feasible: the dual
        # simplex re-solves it faster; after new columns, the primal simplex does
        # (benchmarks/README.md, "Queues").
        dual = "true" if self.fixed_since_solve else "false"
        self.solver.SetSolverSpecificParametersAsString(
            f"use_preprocessing: false use_dual_simplex: {dual}"
        )
        self.fixed_since_solve = False
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        slots = self.problem.slots
        per_queue = [
            [sum(c * row.dual_value() for row, c, _ in slot) for slot in rows] for rows in self.rows
        ]
        prices = []
        for direct, capacity in zip(self.direct, self.capacity, strict=True):
            row = [0.0] * slots
            for t, q in direct.items():
                row[t] = per_queue[q][t]
            for t, shared in capacity.items():
                row[t] = -shared.dual_value()
            prices.append(row)
        return prices, [row.dual_value() for row in self.members]

    def values(self) -> list[tuple[float, int, Pattern]]:
        return [
            (count.solution_value(), k, week)
            for k, weeks in enumerate(self.patterns)
            if self.left[k]
            for week, (count, _) in weeks.items()
        ]

    def fix(self, k: int, week: Pattern, n: int) -> None:
        """``n`` more agents of class k work this pattern."""
        cover = self.patterns[k][week][1]
        self.fixed_since_solve = True
        self.left[k] -= n
        self.members[k].SetBounds(self.left[k], self.left[k])
        direct, capacity = self.direct[k], self.capacity[k]
        for t, count in cover.items():
            if t in direct:
                q = direct[t]
                self.on[q][t] += n * count
                for row, coefficient, rhs in self.rows[q][t]:
                    row.SetLb(rhs - coefficient * self.on[q][t])
            elif t in capacity:
                self.on_class[k][t] += n * count
                capacity[t].SetUb(self.on_class[k][t])


class _Patterns:
    """Column generation and the dive over one problem."""

    def __init__(
        self, problem: Problem, feasible: Sequence[list[Candidate]], pool: ThreadPoolExecutor
    ) -> None:
        self.problem = problem
        self.pool = pool
        self.classes = classes_of(problem)
        self.master = _Master(problem, self.classes)
        self.pricers = [_Pricer(problem, problem.options[members[0]]) for members in self.classes]
        for k, members in enumerate(self.classes):
            self._add(k, self._pattern_of(problem.options[members[0]], feasible[members[0]]))
        self.fixed: list[list[Pattern]] = [[] for _ in self.classes]

    @staticmethod
    def _pattern_of(option: AgentOptions, week: Sequence[Candidate]) -> Pattern:
        index = {id(c): (d, i) for d, day in enumerate(option.days) for i, c in enumerate(day)}
        return tuple(sorted(index[id(c)] for c in week))

    def _add(self, k: int, week: Pattern) -> None:
        self.master.add(k, week, self.pricers[k].cover(week))

    def price(self, rounds: int, deadline: float) -> bool:
        """Up to ``rounds`` rounds of pricing; False if the master LP failed."""
        for _ in range(rounds):
            duals = self.master.solve()
            if duals is None:
                return False
            prices, per_class = duals
            open_classes = [k for k, left in enumerate(self.master.left) if left]
            worths = {k: self.pricers[k].worths(prices[k]) for k in open_classes}
            seconds = min(2.0, deadline - time.perf_counter())
            if seconds <= 0:
                return True
            # Two classes are priced at once (CP-SAT releases the GIL); the weeks are
            # added in class order, so the outcome does not depend on which ends first.
            found = list(
                self.pool.map(
                    _Pricer.best_weeks,
                    [self.pricers[k] for k in open_classes],
                    [worths[k] for k in open_classes],
                    itertools.repeat(seconds),
                )
            )
            added = 0
            for k, weeks in zip(open_classes, found, strict=True):
                for week in weeks:
                    # A pattern improves the master when its reduced cost is negative.
                    worth = sum(worths[k][d][i] for d, i in week)
                    if week not in self.master.patterns[k] and worth + per_class[k] > 1e-6:
                        self._add(k, week)
                        added += 1
            if not added:
                return True  # the LP just solved is the master's optimum
        return self.master.solve() is not None

    def fix_round(self, share: float) -> None:
        """Fix the patterns the master uses whole, then the most-used of the rest up
        to ``share`` of the agents left."""
        master = self.master
        wanted = max(1, math.ceil(share * sum(master.left)))
        values = master.values()
        fixes: list[tuple[int, Pattern, int]] = []
        room = list(master.left)
        for value, k, week in values:
            whole = min(room[k], math.floor(value + 1e-6))
            if whole:
                fixes.append((k, week, whole))
                room[k] -= whole
        taken = sum(n for _, _, n in fixes)
        # Largest fractions first; ties in class and then pattern order, for repeatability.
        by_fraction = sorted(
            ((value - math.floor(value + 1e-6), k, week) for value, k, week in values),
            key=lambda item: (-item[0], item[1], item[2]),
        )
        for fraction, k, week in by_fraction:
            if taken >= wanted:
                break
            if room[k] and fraction > 1e-6:
                fixes.append((k, week, 1))
                room[k] -= 1
                taken += 1
        for k, week, n in fixes:
            master.fix(k, week, n)
            self.fixed[k].extend([week] * n)

    def dive(self, deadline: float) -> bool:
        """Fix rounds until every agent has a week; False if the master LP failed.

        Each round fixes the patterns the master uses whole and at least
        ``DIVE_SHARE`` of the agents left (``DIVE_SHARE_WITH_QUEUES`` when classes
        serve several queues), then prices again for the rest. The rounds do
        not depend on the clock, so the same problem gives the same roster,
        unless at their pace the dive would not end by the deadline: then each
        round fixes more (``_share_to_finish``). Agents left when the deadline
        passes stay open.
        """
        split = any(len(queues) > 1 for queues in self.master.queues)
        share = DIVE_SHARE_WITH_QUEUES if split else DIVE_SHARE
        rounds = PRICING_ROUNDS_WITH_QUEUES if split else PRICING_ROUNDS_PER_FIX
        last_round = 0.0
        while (left := sum(self.master.left)) and (now := time.perf_counter()) < deadline:
            self.fix_round(_share_to_finish(left, share, deadline - now, last_round))
            if sum(self.master.left) and not self.price(rounds, deadline):
                return False
            last_round = time.perf_counter() - now
        return True

    def weeks(self) -> list[list[Candidate]]:
        """Each agent's week: a class's fixed patterns go to its members in order."""
        chosen: list[list[Candidate]] = [[] for _ in self.problem.options]
        for members, weeks in zip(self.classes, self.fixed, strict=True):
            # Members past the fixed weeks (when the dive ran out of time) stay open.
            for a, week in zip(members, weeks, strict=False):
                option = self.problem.options[a]
                chosen[a] = [option.days[d][i] for d, i in week]
        return chosen


def _rounds_to_fix(left: int, share: float) -> int:
    """Dive rounds that fixing ``share`` of the agents left (at least one) takes."""
    rounds = 0
    while left > 0:
        left -= max(1, math.ceil(share * left))
        rounds += 1
    return rounds


def _share_to_finish(left: int, share: float, seconds: float, last_round: float) -> float:
    """The share of the ``left`` agents the next dive round fixes: ``share``, unless at
    the pace of the last round (none before the first) the dive would then not end
    in ``seconds``, and so leave agents open to be filled one at a time, far from
    the LP's rounding; then as many as ending in time needs."""
    if last_round <= 0:
        return share
    rounds = math.floor(seconds / (DIVE_ROUND_MARGIN * last_round))
    if rounds >= _rounds_to_fix(left, share):
        return share
    if rounds <= 1:
        return 1.0
    return max(share, 1 - math.pow(1 / left, 1 / rounds))


def pattern_start(
    problem: Problem,
    seconds: float,
    feasible: Sequence[list[Candidate]],
    fill_deadline: float | None = None,
) -> list[list[Candidate]] | None:
    """A complete roster from whole-week patterns (None if the master LP fails).

    ``feasible`` holds a week per agent that satisfies their rules (from the
    contract check); it is each class's first pattern. The search for patterns
    takes at most ``seconds``; the agents it leaves open are filled greedily
    until ``fill_deadline`` (a ``time.perf_counter`` value; default: the same
    end), and after it take their ``feasible`` week.
    """
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=PRICING_THREADS) as pool:
        patterns = _Patterns(problem, feasible, pool)
        if not patterns.price(rounds=10_000, deadline=started + PRICING_SHARE * seconds):
            return None
        if not patterns.dive(started + seconds):
            return None
        weeks = patterns.weeks()
    if any(patterns.master.left):
        # Out of time: the agents still open each take their best week in turn.
        fixed = [c.shift for week in weeks for c in week]
        deadline = started + seconds if fill_deadline is None else fill_deadline
        return greedy_start(problem, fixed, feasible, deadline=deadline)[0]
    return weeks
