"""``solve``: the one entry point from a scenario to a roster."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from coverage.models import Scenario
from coverage.solver.contracts import check_contracts
from coverage.solver.model import START_TIMES, RosterModel
from coverage.solver.problem import Problem
from coverage.solver.result import Progress, Result, Status
from coverage.solver.start import greedy_start

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


class _ProgressReporter(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    def __init__(self, report: Callable[[Progress], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(Progress(self.objective_value, self.best_objective_bound, self.wall_time))


def _tune(parameters: Any) -> None:
    """Parameters chosen by measurement on the bundled scenarios.

    Coverage models have a weak default LP bound; the full ("max") LP with
    symmetry closes it. One worker gets it through the linearisation level,
    several through an extra subsolver.
    """
    if parameters.num_workers <= 1:
        parameters.linearization_level = 2
    else:
        parameters.extra_subsolvers.append("max_lp_sym")


def solve(
    scenario: Scenario,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    problem: Problem | None = None,
) -> Result:
    """Plan the scenario's week; settings default to the scenario's ``[solver]`` table.

    Contradictory rules for an agent raise ``InputError`` before solving. A team
    that cannot cover the week is not an error: it gets its best roster, and the
    result says how far from proven optimal it is.
    """
    settings = scenario.solver
    problem = problem or Problem.build(scenario)
    check_contracts(problem)
    started = time.perf_counter()
    limit = time_limit or settings.time_limit_seconds
    roster_model = RosterModel(problem)
    roster_model.add_hint(greedy_start(problem))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers or settings.workers
    solver.parameters.random_seed = settings.seed if seed is None else seed
    _tune(solver.parameters)
    callback = _ProgressReporter(on_progress) if on_progress else None
    code = solver.solve(roster_model.model, callback)
    status = _STATUS.get(code, Status.UNKNOWN)
    runtime = time.perf_counter() - started

    if status not in (Status.OPTIMAL, Status.FEASIBLE):
        return Result(status, None, None, runtime, weights=dict(roster_model.weights))

    roster = tuple(
        sorted(
            (
                candidate.shift
                for agent_days in roster_model.choices
                for day in agent_days
                for candidate, var in day
                if solver.boolean_value(var)
            ),
            key=lambda shift: (shift.agent_id, shift.start_utc),
        )
    )
    hours_per_slot = problem.step_minutes / 60
    terms = {
        name: solver.value(term.expression) * (1 if name == START_TIMES else hours_per_slot)
        for name, term in roster_model.terms.items()
    }
    return Result(
        status=status,
        objective=solver.objective_value,
        best_bound=solver.best_objective_bound,
        runtime=runtime,
        roster=roster,
        terms=terms,
        weights=dict(roster_model.weights),
    )
