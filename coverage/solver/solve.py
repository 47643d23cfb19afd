"""``solve``: the one entry point from a scenario to a roster."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from coverage.models import Scenario
from coverage.solver.contracts import check_contracts
from coverage.solver.model import STAGES, START_TIMES, TERMS, RosterModel
from coverage.solver.problem import Problem
from coverage.solver.result import Progress, Result, Status
from coverage.solver.start import greedy_start

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}
# Share of the time limit the coverage stage may use when it cannot prove its
# optimum; the rest is left for start times.
COVERAGE_SHARE = 0.85


class _ProgressReporter(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    def __init__(self, stage: str, report: Callable[[Progress], None], offset: float) -> None:
        super().__init__()
        self._stage = stage
        self._report = report
        self._offset = offset

    def on_solution_callback(self) -> None:
        self._report(
            Progress(
                self.objective_value,
                self.best_objective_bound,
                self._offset + self.wall_time,
                self._stage,
            )
        )


def _tune(parameters: Any) -> None:
    """Parameters chosen by measurement on the bundled and benchmark scenarios.

    One worker gets the full ("max") LP through the linearisation level: on
    coverage models it closes the bound far sooner than the default.
    """
    if parameters.num_workers <= 1:
        parameters.linearization_level = 2


def _hint_solution(model: RosterModel, solver: cp_model.CpSolver) -> None:
    """Start the next stage from the last stage's roster, every variable included."""
    model.model.clear_hints()
    values = solver.response_proto.solution
    for index, value in enumerate(values):
        model.model.add_hint(model.model.get_int_var_from_proto_index(index), value)


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

    The objective's priorities are solved in stages (coverage, then start
    times with coverage held at its best), each warm-started from the last;
    the first starts from a greedy roster. Contradictory rules for an agent
    raise ``InputError`` before solving. A team that cannot cover the week is
    not an error: it gets its best roster, and the result says how far from
    proven optimal it is.
    """
    settings = scenario.solver
    started = time.perf_counter()
    limit = time_limit or settings.time_limit_seconds
    problem = problem or Problem.build(scenario)
    check_contracts(problem)
    roster_model = RosterModel(problem)
    roster_model.add_hint(greedy_start(problem))
    build_seconds = time.perf_counter() - started

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers or settings.workers
    solver.parameters.random_seed = settings.seed if seed is None else seed
    _tune(solver.parameters)

    values: dict[str, int] = {}
    bound = 0
    proven = True
    status = Status.UNKNOWN
    for number, names in enumerate(STAGES):
        remaining = limit - (time.perf_counter() - started)
        last = number == len(STAGES) - 1
        share = remaining if last else remaining * COVERAGE_SHARE
        solver.parameters.max_time_in_seconds = max(0.05, share)
        roster_model.minimize_stage(names)
        callback = None
        if on_progress:
            callback = _ProgressReporter(
                " + ".join(names), on_progress, time.perf_counter() - started
            )
        code = solver.solve(roster_model.model, callback)
        stage_status = _STATUS.get(code, Status.UNKNOWN)
        if stage_status not in (Status.OPTIMAL, Status.FEASIBLE):
            if number == 0:
                status = stage_status
                break
            proven = False  # keep the previous stage's roster
            continue
        status = Status.FEASIBLE
        unit = min(roster_model.weights[n] for n in names)
        values = {n: int(solver.value(t.expression)) for n, t in roster_model.terms.items()}
        if proven:
            bound += int(solver.best_objective_bound) * unit
        proven = proven and stage_status is Status.OPTIMAL
        chosen = [
            [c for day in agent_days for c, var in day if solver.boolean_value(var)]
            for agent_days in roster_model.choices
        ]
        if not last:
            roster_model.hold_stage(names, int(solver.objective_value))
            _hint_solution(roster_model, solver)
    runtime = time.perf_counter() - started

    if not values:
        return Result(
            status, None, None, runtime, build_seconds=build_seconds, weights=dict(roster_model.weights)
        )
    if proven:
        status = Status.OPTIMAL
    roster = tuple(
        sorted(
            (c.shift for agent_shifts in chosen for c in agent_shifts),
            key=lambda shift: (shift.agent_id, shift.start_utc),
        )
    )
    hours_per_slot = problem.step_minutes / 60
    return Result(
        status=status,
        objective=float(roster_model.combined(values)),
        best_bound=float(max(bound, 0)),
        runtime=runtime,
        roster=roster,
        build_seconds=build_seconds,
        terms={n: values[n] * (1 if n == START_TIMES else hours_per_slot) for n in TERMS},
        weights=dict(roster_model.weights),
    )
