"""How low the start-time tie-breaker could go, from whole weeks: a lower bound by
column generation (Dantzig-Wolfe), and what price-and-branch makes of its weeks.

The coverage stage is solved first, as the pattern start's master LP to its
optimum. Then, with coverage held at ``--coverage`` (default: that LP's value,
rounded up), the master minimises start times beyond each agent's first, and
each class's pricing is the exact single-agent model with its start-time term
(a week's worth at the dual prices less its extra start times). Each round
prints the master's value and the Lagrangian bound (the master less what the
best week of each class would still gain), valid however early the rounds
stop, to within the rounding of the prices. The bound holds for every roster
whose coverage is at most ``--coverage``: at the coverage stage's optimum when
that is the value held (on the bundled scenario CP-SAT proves the LP's 208).

Last, price-and-branch: every week generated, as an integer programme (SCIP,
``--mip-seconds``), coverage first and then start times, and the roster it
makes as the plan counts it.

    python benchmarks/start_bound.py                          # the bundled scenario
    python benchmarks/start_bound.py scenarios/global-24x7.toml --coverage 208
"""

from __future__ import annotations

import argparse
import itertools
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from coverage.inputs import load_scenario, resolve_scenario
from coverage.shifts import Candidate
from coverage.solver import patterns
from coverage.solver.activities import serve_greedily
from coverage.solver.contracts import check_contracts
from coverage.solver.model import term_values
from coverage.solver.problem import Problem
from coverage.solver.start import AgentAlone

PRICING_SECONDS = 10.0  # per class and round; the single-agent models prove in milliseconds


class _StartPricer:
    """One class's best week at dual prices less its extra start times, with the
    bound CP-SAT proves on that best."""

    def __init__(self, problem: Problem, members: list[int]) -> None:
        self.alone = AgentAlone(problem, problem.options[members[0]], tie_break=True)

    def best(self, worths: list[list[float]]) -> tuple[patterns.Pattern, float, bool]:
        alone = self.alone
        assert alone.extra_starts is not None
        gains = [round(patterns.PRICE_SCALE * w) for day in worths for w in day]
        variables = [var for day in alone.days for _, var in day]
        gain = cp_model.LinearExpr.weighted_sum(variables, gains)
        alone.model.maximize(gain - patterns.PRICE_SCALE * alone.extra_starts.expression)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = PRICING_SECONDS
        solver.parameters.catch_sigint_signal = False
        code = solver.solve(alone.model)
        week = tuple(
            (d, i)
            for d, day in enumerate(alone.days)
            for i, (_, var) in enumerate(day)
            if solver.boolean_value(var)
        )
        return week, solver.best_objective_bound / patterns.PRICE_SCALE, code == cp_model.OPTIMAL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", help="a scenario file (default: the bundled one)")
    parser.add_argument("--coverage", type=float, help="the coverage stage's value to hold")
    parser.add_argument("--mip-seconds", type=float, default=30.0)
    args = parser.parse_args()
    problem = Problem.build(load_scenario(resolve_scenario(args.scenario)))
    feasible = check_contracts(problem)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=patterns.PRICING_THREADS) as pool:
        search = patterns._Patterns(problem, feasible, pool)
        search.price(rounds=10_000, deadline=started + 600)
        master = search.master
        lp = master.solver
        objective = lp.Objective()
        coverage_lp = objective.Value()
        held = math.ceil(coverage_lp - 1e-6) if args.coverage is None else args.coverage
        print(
            f"coverage master LP {coverage_lp:.3f} at {time.perf_counter() - started:.1f} s "
            f"({sum(map(len, master.patterns))} weeks); held at {held}"
        )
        # The coverage objective becomes a row; the columns cost their extra start times.
        coverage_row = lp.Constraint(-lp.infinity(), held + 1e-6, "coverage held")
        for var in lp.variables():
            if coefficient := objective.GetCoefficient(var):
                coverage_row.SetCoefficient(var, coefficient)
                objective.SetCoefficient(var, 0)

        def extra_starts(k: int, week: patterns.Pattern) -> int:
            option = problem.options[search.classes[k][0]]
            return len({option.days[d][i].start_minute for d, i in week}) - 1

        for k, weeks in enumerate(master.patterns):
            for week, (count, _) in weeks.items():
                objective.SetCoefficient(count, extra_starts(k, week))
        pricers = [_StartPricer(problem, members) for members in search.classes]
        print("round | seconds | master | Lagrangian bound | weeks added | pricing proven")
        best_bound = -math.inf
        for number in itertools.count():
            duals = master.solve()
            if duals is None:
                print("the master LP failed")
                return
            prices, per_class = duals
            value = objective.Value()
            worths = [search.pricers[k].worths(prices[k]) for k in range(len(pricers))]
            found = list(pool.map(_StartPricer.best, pricers, worths))
            bound, added = value, 0
            for k, (week, best, _) in enumerate(found):
                bound -= len(search.classes[k]) * max(0.0, best + per_class[k])
                worth = sum(worths[k][d][i] for d, i in week) - extra_starts(k, week)
                if week not in master.patterns[k] and worth + per_class[k] > 1e-6:
                    search._add(k, week)
                    objective.SetCoefficient(master.patterns[k][week][0], extra_starts(k, week))
                    added += 1
            best_bound = max(best_bound, bound)
            proven = all(exact for _, _, exact in found)
            print(
                f"{number} | {time.perf_counter() - started:.1f} | {value:.3f} | {bound:.3f} "
                f"| {added} | {proven}",
                flush=True,
            )
            if not added:
                break
    print(
        f"start times beyond the first, with coverage at most {held}: at least "
        f"{math.ceil(best_bound - 1e-6)} (Lagrangian {best_bound:.3f})"
    )
    _price_and_branch(problem, search, extra_starts, args.mip_seconds)


def _price_and_branch(
    problem: Problem,
    search: patterns._Patterns,
    extra_starts: Callable[[int, patterns.Pattern], int],
    seconds: float,
) -> None:
    """Every generated week as an integer programme: coverage, then start times."""
    master = search.master
    solver = pywraplp.Solver.CreateSolver("SCIP")
    on: dict[tuple[int, int], list[pywraplp.LinearExpr]] = {}
    counts: dict[tuple[int, patterns.Pattern], pywraplp.Variable] = {}
    starts, most = [], 0
    for k, weeks in enumerate(master.patterns):
        (q,) = master.queues[k]
        members = []
        for week, (_, cover) in weeks.items():
            count = solver.IntVar(0, master.left[k], "")
            counts[k, week] = count
            members.append(count)
            starts.append(extra_starts(k, week) * count)
            for t, n in cover.items():
                on.setdefault((q, t), []).append(n * count)
        solver.Add(solver.Sum(members) == master.left[k])
        most += master.left[k] * max(extra_starts(k, week) for week in weeks)
    coverage = []
    floor_weight = problem.worth_beyond_floors + 1
    for q, priority in enumerate(problem.priorities):
        unit = problem.guide_unit(q)
        for t in range(problem.slots):
            agents = solver.Sum(on.get((q, t), []))
            for target, weight in (
                (problem.queue_floor[q][t], priority * floor_weight),
                (problem.queue_guide[q][t], priority * unit),
            ):
                if target:
                    missing = solver.NumVar(0, solver.infinity(), "")
                    solver.Add(missing >= target - agents)
                    coverage.append(weight * missing)
    solver.Minimize((most + 1) * solver.Sum(coverage) + solver.Sum(starts))
    solver.SetTimeLimit(round(seconds * 1000))
    solver.SetNumThreads(2)
    started = time.perf_counter()
    status = solver.Solve()
    print(f"price-and-branch: SCIP status {status} in {time.perf_counter() - started:.1f} s")
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return
    chosen: list[list[Candidate]] = [[] for _ in problem.options]
    for k, members in enumerate(search.classes):
        weeks = [w for w in master.patterns[k] for _ in range(round(counts[k, w].solution_value()))]
        for a, week in zip(members, weeks, strict=True):
            chosen[a] = [problem.options[a].days[d][i] for d, i in week]
    print("roster:", term_values(problem, chosen, serve_greedily(problem, chosen)))


if __name__ == "__main__":
    main()
