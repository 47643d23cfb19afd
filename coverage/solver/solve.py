"""``solve``: the one entry point from a scenario to a roster."""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from ortools.sat.python import cp_model

from coverage.models import Scenario
from coverage.shifts import Candidate
from coverage.solver.bound import lower_bound
from coverage.solver.contracts import check_contracts
from coverage.solver.model import (
    HIRES,
    SHORTFALL,
    STAGES,
    START_TIMES,
    TERMS,
    UNCOVERED,
    RosterModel,
)
from coverage.solver.patterns import pattern_start
from coverage.solver.problem import Problem
from coverage.solver.result import Progress, Result, StageOutcome, Status
from coverage.solver.start import greedy_start
from coverage.timegrid import Shift

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}
# Share of the remaining time a stage may use when it cannot prove its optimum;
# the rest is left for the later stages.
STAGE_SHARE = 0.85


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
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


class InsufficientMemory(Exception):
    """The model would need more memory than this machine has available."""


# Measured on the benchmark (1000 agents, 30-minute grid: 1.68 million coverage
# terms, 1.43 GB peak): about 800 bytes per term on top of a fixed base.
BYTES_PER_TERM = 800
BASE_BYTES = 250 * 2**20


def estimated_memory(problem: Problem) -> int:
    """Bytes the CP-SAT model and search are expected to need, from the coverage terms."""
    terms = sum(
        candidate.minutes // problem.step_minutes
        for option in problem.options
        for day in option.days
        for candidate in day
    )
    return BASE_BYTES + BYTES_PER_TERM * terms


def available_memory() -> int | None:
    """Memory the system can still give us (Linux ``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(problem: Problem) -> None:
    needed, available = estimated_memory(problem), available_memory()
    if available is not None and needed > available:
        raise InsufficientMemory(
            f"this plan needs about {needed / 2**30:.1f} GB of memory to solve and only "
            f"{available / 2**30:.1f} GB are available; plan fewer agents at once, use a "
            "coarser start_step_minutes or fewer shift lengths"
        )


def _run(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None,
    interruptible: bool,
) -> tuple[Any, bool]:
    """Solve; with ``interruptible``, Ctrl-C stops the search and keeps its best roster.

    Python runs signal handlers only in the main thread between bytecodes, so
    the search runs in a helper thread while the main thread waits for it.
    Returns the status code and whether the search was interrupted.
    """
    if not interruptible or threading.current_thread() is not threading.main_thread():
        return solver.solve(model, callback), False
    stopped = threading.Event()
    outcome: list[Any] = []

    def stop(signum: int, frame: object) -> None:
        stopped.set()
        solver.stop_search()

    worker = threading.Thread(target=lambda: outcome.append(solver.solve(model, callback)))
    previous = signal.signal(signal.SIGINT, stop)
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.1)
    finally:
        signal.signal(signal.SIGINT, previous)
    return outcome[0], stopped.is_set()


# The stage name of the progress report for the first roster, before any search.
FIRST_ROSTER = "first roster"
# From this many agents, start from whole-week patterns (column generation)
# rather than one agent at a time; from the smaller number when shifts have
# several lengths. Measured on the benchmark at 50 agents: with 6-10 h shifts
# the roster ended 13-23.5 agent-hours short instead of 39-44; with fixed 8 h
# shifts, greedy and CP-SAT proved the optimum sooner (9-17 s instead of 11-47).
PATTERNS_FROM = 100
PATTERNS_FROM_WITH_SEVERAL_LENGTHS = 50
# From this many agents the tie-breaker stages run with one worker, for memory.
ONE_WORKER_TIE_BREAK_FROM = 100
# Share of the time limit the pattern start may use.
PATTERN_SHARE = 0.5


def _start(
    problem: Problem,
    start_roster: Sequence[Shift],
    feasible: list[list[Candidate]],
    started: float,
    limit: float,
    by_work: bool,
) -> list[list[Candidate]]:
    """The first roster: whole-week patterns for large teams (half the limit at most),
    else or failing that greedy (until two thirds of the limit at the latest)."""
    several = any(len(o.agent.rules.shift_minutes) > 1 for o in problem.options)
    large = len(problem.options) >= (
        PATTERNS_FROM_WITH_SEVERAL_LENGTHS if several else PATTERNS_FROM
    )
    # The pattern start runs against the wall clock, so a deterministic run skips it.
    if large and not by_work and not start_roster and not any(o.optional for o in problem.options):
        chosen = pattern_start(problem, PATTERN_SHARE * limit, feasible)
        if chosen is not None:
            return chosen
    deadline = None if by_work else started + 2 * limit / 3
    return greedy_start(problem, start_roster, feasible, deadline)


def _hint_solution(model: RosterModel, solver: cp_model.CpSolver) -> None:
    """Start the next stage from the last stage's roster, every variable included."""
    model.model.clear_hints()  # type: ignore[no-untyped-call]
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
    start_roster: Sequence[Shift] = (),
    stages: tuple[tuple[str, ...], ...] = STAGES,
    max_optional: int | None = None,
    deterministic: bool | None = None,
    interruptible: bool = False,
) -> Result:
    """Plan the scenario's week; settings default to the scenario's ``[solver]`` table.

    The objective's priorities are solved in stages (coverage, then start
    times with coverage held at its best), each warm-started from the last;
    the first starts from a greedy roster. Contradictory rules for an agent
    raise ``InputError`` before solving. A team that cannot cover the week is
    not an error: it gets its best roster, and the result says how far from
    proven optimal it is.

    ``start_roster`` warm-starts the agents it has shifts for (a previous plan);
    ``problem`` may mark optional agents, of whom at most ``max_optional`` are
    hired; ``stages`` orders the objective terms (see ``coverage.solver.model``).

    ``deterministic`` counts the time limit in CP-SAT's deterministic time
    (work done) instead of wall-clock seconds, so the same inputs, seed and
    workers give the same roster even when the limit stops the search.
    ``interruptible`` (main thread only) makes Ctrl-C stop the search and
    return the best roster so far, marked ``interrupted``. Raises
    ``InsufficientMemory`` before building a model this machine cannot hold.
    """
    settings = scenario.solver
    started = time.perf_counter()
    limit = time_limit or settings.time_limit_seconds
    by_work = settings.deterministic if deterministic is None else deterministic
    problem = problem or Problem.build(scenario)
    check_memory(problem)
    feasible = check_contracts(problem)
    bound_of_lp = lower_bound(problem)
    # The start first: building it needs memory that is freed before the full model.
    chosen = _start(problem, start_roster, feasible, started, limit, by_work)
    roster_model = RosterModel(problem, stages=stages)
    if max_optional is not None:
        roster_model.add_hire_limit(max_optional)
    known: dict[str, int] = {}
    if bound_of_lp is not None:
        per_hour = 60 / problem.step_minutes
        known = {
            UNCOVERED: math.ceil(bound_of_lp.uncovered_agent_hours * per_hour - 1e-6),
            SHORTFALL: math.ceil(bound_of_lp.shortfall_agent_hours * per_hour - 1e-6),
        }
        roster_model.add_known_bounds(known)
    values = roster_model.add_hint(chosen)  # the fallback if the search finds nothing
    complete = all(
        shifts or option.optional or option.contract.minutes == 0
        for shifts, option in zip(chosen, problem.options, strict=True)
    )
    build_seconds = time.perf_counter() - started
    if on_progress and complete:
        first_stage = roster_model.stage_value(stages[0], values)
        at_least = roster_model.stage_value(stages[0], {n: known.get(n, 0) for n in stages[0]})
        on_progress(Progress(first_stage, at_least, build_seconds, FIRST_ROSTER))

    def new_solver() -> cp_model.CpSolver:
        """A fresh solver per stage, so the last stage's search state is freed."""
        fresh = cp_model.CpSolver()
        fresh.parameters.num_workers = workers or settings.workers
        fresh.parameters.random_seed = settings.seed if seed is None else seed
        # CP-SAT's own SIGINT handler aborts the process when the search runs outside
        # the main thread; Ctrl-C is handled in ``_run`` instead.
        fresh.parameters.catch_sigint_signal = False
        _tune(fresh.parameters)
        return fresh

    outcomes: list[StageOutcome] = []
    bound: int | None = 0
    proven = True
    interrupted = False
    work_done = 0.0
    for number, names in enumerate(stages):
        if interrupted:
            proven = False
            break
        last = number == len(stages) - 1
        if complete and all(n in known and values.get(n) == known[n] for n in names):
            # Every term of the stage is at its lower bound already: proven, no search.
            reached = roster_model.stage_value(names, values)
            outcomes.append(StageOutcome(names, Status.OPTIMAL, reached, reached, 0.0))
            if proven and bound is not None:
                bound += reached * roster_model.stage_unit(names)
            if not last:
                roster_model.hold_stage(names, reached)
            continue
        solver = new_solver()
        if number > 0 and len(problem.options) >= ONE_WORKER_TIE_BREAK_FROM:
            # Measured on 1000 agents: the tie-breaker stages with 2 workers took
            # the process from 0.6 to 1.65 GB; with one, 1.2 GB, at no loss of coverage.
            solver.parameters.num_workers = 1
        spent = work_done if by_work else time.perf_counter() - started
        remaining = limit - spent
        share = max(0.05, remaining if last else remaining * STAGE_SHARE)
        if by_work:
            solver.parameters.max_deterministic_time = share
            solver.parameters.max_time_in_seconds = max(60.0, 20 * limit)  # a safety net only
        else:
            solver.parameters.max_time_in_seconds = share
        roster_model.minimize_stage(names)
        callback = None
        if on_progress:
            callback = _ProgressReporter(
                " + ".join(names), on_progress, time.perf_counter() - started
            )
        stage_started = time.perf_counter()
        code, stopped = _run(solver, roster_model.model, callback, interruptible)
        interrupted = interrupted or stopped
        work_done += solver.deterministic_time
        stage_status = _STATUS.get(code, Status.UNKNOWN)
        found = stage_status in (Status.OPTIMAL, Status.FEASIBLE)
        outcomes.append(
            StageOutcome(
                names,
                stage_status,
                solver.objective_value if found else None,
                solver.best_objective_bound if found else None,
                time.perf_counter() - stage_started,
            )
        )
        if not found:
            proven = False  # keep the previous stage's roster (or the greedy start)
            if number == 0:
                bound = None
                if not complete or stage_status is Status.INFEASIBLE:
                    return Result(
                        stage_status,
                        None,
                        None,
                        time.perf_counter() - started,
                        build_seconds=build_seconds,
                        weights=dict(roster_model.weights),
                        stages=tuple(outcomes),
                        interrupted=interrupted,
                        deterministic=by_work,
                        lower_bound=bound_of_lp,
                    )
                break  # later stages would lose coverage without this one's level to hold
            continue
        unit = roster_model.stage_unit(names)
        values = {n: int(solver.value(t.expression)) for n, t in roster_model.terms.items()}
        if proven and bound is not None:
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

    status = Status.OPTIMAL if proven else Status.FEASIBLE
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
        best_bound=None if bound is None else float(max(bound, 0)),
        runtime=runtime,
        roster=roster,
        build_seconds=build_seconds,
        terms={
            n: values[n] * (1 if n in (START_TIMES, HIRES) else hours_per_slot)
            for n in TERMS
            if n in values
        },
        weights=dict(roster_model.weights),
        stages=tuple(outcomes),
        interrupted=interrupted,
        deterministic=by_work,
        deterministic_time=round(work_done, 3),
        lower_bound=bound_of_lp,
    )
