"""``solve``: the one entry point from a scenario to a roster.

``solve_problem`` is the same search on a prepared ``Problem`` with the knobs
the hiring flow needs (optional agents, stage order, a cap on hires).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ortools.sat.python import cp_model
from pydantic import ValidationError

from coverage.models import Scenario, SolverSettings
from coverage.roster import Roster
from coverage.shifts import Candidate
from coverage.solver.activities import activities_of, serve_again, serve_greedily
from coverage.solver.bound import LowerBound, lower_bound, whole_bound
from coverage.solver.contracts import check_contracts
from coverage.solver.memory import builds_full_model, check_memory, model_terms
from coverage.solver.model import (
    CHANGES,
    HIRES,
    LATE,
    MOVED,
    SHORTFALL,
    START_TIMES,
    TERMS,
    UNCOVERED,
    RosterModel,
    Serving,
    combined_value,
    ranked_weights,
    stage_value,
    staged_terms,
    stages_for,
    term_upper_bounds,
    term_values,
)
from coverage.solver.neighbourhood import improve_together, improves_together
from coverage.solver.patterns import pattern_start
from coverage.solver.problem import SERVICE_SCALE, Problem
from coverage.solver.result import Progress, Result, StageOutcome, Status, TermGap
from coverage.solver.start import greedy_start, improve_weeks
from coverage.solver.swaps import fewer_start_times
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


# Seconds to build the CP-SAT model and load it into the solver, per model term
# (``model_terms``; measured in benchmarks/README.md, "Model size", with a
# margin). The model is built only when the time left holds that and half as long
# again to load it into CP-SAT (``builds_in``); otherwise the first roster is the answer.
SECONDS_PER_TERM = 8e-6


# Seconds per agent kept at the end of the time limit for what follows the search:
# the roster's activities, its independent validation and its report tables
# (measured in benchmarks/README.md, "The time limit", with a margin), so that a
# plan's files are written within its limit. Never more than FINISH_SHARE of it.
FINISH_SECONDS_PER_AGENT = 1.5e-3
FINISH_SHARE = 0.2
# Seconds per agent kept, within FINISH_SHARE, for shifts traded for fewer start
# times after the search (``_Search.trade_shifts``; measured in benchmarks/README.md,
# "Trading shifts", with a margin).
TRADE_SECONDS_PER_AGENT = 1e-3


# Share of the time limit the aggregate LP bound may take, solved beside the first
# roster; past it the plan goes on without it (the bound is then CP-SAT's own).
BOUND_SHARE = 0.5
BOUND_SECONDS_AT_LEAST = 0.5  # small teams' LPs take milliseconds: even a tiny limit has one


# The stage name of the progress report for the first roster, before any search.
FIRST_ROSTER = "first roster"
# From this many agents, start from whole-week patterns (column generation)
# rather than one agent at a time; from the smaller number when shifts have
# several lengths. Measured on the benchmark at 50 agents: with 6-10 h shifts
# the roster ended 13-23.5 agent-hours short instead of 39-44; with fixed 8 h
# shifts, greedy and CP-SAT proved the optimum sooner (9-17 s instead of 11-47).
PATTERNS_FROM = 100
PATTERNS_FROM_WITH_SEVERAL_LENGTHS = 50  # and when agents serve several queues (the
# bundled multilingual team: see benchmarks/README.md, "Queues")
# From this many agents the tie-breaker stages run with one worker, for memory;
# from the larger number every stage does (benchmarks/README.md, "Model size").
ONE_WORKER_TIE_BREAK_FROM = 100
ONE_WORKER_FROM = 1000
# Below this many agents the coverage stage searches with one worker at the full
# LP: on the bundled 40-agent team it proved the optimum in 20-21 s of search
# where two workers took 39-43 s, and any second subsolver beside it 28-35 s
# (benchmarks/README.md, "One worker for small teams' coverage"). The tie-breaker
# keeps every worker: with one it ended at more start times.
ONE_WORKER_COVERAGE_BELOW = 100
# Shares of the time limit, counted from the start of the solve: the greedy
# start places agents until GREEDY_SHARE; the pattern start searches patterns
# until PATTERN_SHARE and fills the agents its dive left open until
# PATTERN_FILL_SHARE (the full model rarely improves on that fill in the time
# left: see benchmarks/README.md). Agents not placed by then keep the week their
# contract check found.
GREEDY_SHARE = 2 / 3
PATTERN_SHARE = 0.5
PATTERN_FILL_SHARE = 0.9
# With agents who serve several queues the dive needs longer, and the full model
# improves little on it in the time left (benchmarks/README.md, "Queues"): it
# searches until this share.
PATTERN_SHARE_WITH_QUEUES = 0.75
# With agents who serve several queues, the greedy start chooses every week again
# against the others' (see ``greedy_start``) until this share of the time limit.
IMPROVE_SHARE = 0.3
# After the pattern start, groups of agents choose their weeks again together
# (``improve_together``) until this share of the time limit.
TOGETHER_SHARE = 0.8
# In a later stage (the start-time tie-breaker), the chains take this share of the
# time left before CP-SAT searches from their roster.
TOGETHER_STAGE_SHARE = 0.8
# Hinting the full model again after the chains and loading it into CP-SAT take
# about this share of the model's build: at 1000 agents with a 10 s limit, 1.0-1.5 s
# after a build of 3.8-4.2 s, on a slow night. With less time left than that, the
# stage ends at the chains' roster rather than overrun the limit.
RELOAD_SHARE_OF_BUILD = 0.5
# Without the full model, the coverage stage's chains end once they have gained
# nothing for this share of the time limit, leaving the rest to the tie-breaker
# (benchmarks/README.md, "Model size").
PATIENCE_WITHOUT_FULL_MODEL = 0.15


@contextlib.contextmanager
def _ctrl_c_sets(stopped: threading.Event, interruptible: bool) -> Iterator[None]:
    """With ``interruptible`` (in the main thread), Ctrl-C sets ``stopped`` instead of
    raising, for a search in Python that checks it between steps."""
    if not interruptible or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: stopped.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
    deterministic: bool | None = None,
    initial_roster: Sequence[Shift] = (),
    on_progress: Callable[[Progress], None] | None = None,
    interruptible: bool = False,
) -> Result:
    """Plan the scenario's week; settings left out come from its ``[solver]`` table.

    The time limit counts from this call, everything included. The objective's
    priorities are solved in stages (coverage, then start times with coverage
    held at its best), each warm-started from the last; the first from a
    greedy or whole-week-pattern roster, or from ``initial_roster`` for the
    agents it has shifts for. A model too large to build (``builds_full_model``)
    has its stages run by chains of a few agents instead (``Result.engine``).
    ``deterministic`` counts the limit in CP-SAT's work units instead of
    seconds, so the same inputs, seed and workers give the same roster.
    ``interruptible`` (main thread only) makes Ctrl-C return the best roster so
    far, marked ``interrupted``.

    A team that cannot cover the week is not an error: it gets its best roster.
    Raises ``InputError`` for rules an agent cannot meet (see ``check_scenario``),
    ``InsufficientMemory`` before building a model this machine cannot hold, and
    ``ValueError`` for a time limit or worker count that is not positive.
    """
    started = time.perf_counter()
    settings = solver_settings(scenario, time_limit, workers, seed, deterministic)
    return solve_problem(
        Problem.build(scenario),
        settings,
        start_roster=initial_roster,
        on_progress=on_progress,
        interruptible=interruptible,
        started=started,
    )


def solver_settings(
    scenario: Scenario,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    deterministic: bool | None = None,
) -> SolverSettings:
    """The scenario's ``[solver]`` settings with the given ones in their place, validated."""
    given = {
        "time_limit_seconds": time_limit,
        "workers": workers,
        "seed": seed,
        "deterministic": deterministic,
    }
    try:
        return scenario.solver.replace(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as error:
        first = error.errors()[0]
        name = {"time_limit_seconds": "time_limit"}.get(str(first["loc"][0]), first["loc"][0])
        raise ValueError(f"{name}: {first['msg']}, got {first['input']!r}") from None


def solve_problem(
    problem: Problem,
    settings: SolverSettings,
    *,
    start_roster: Sequence[Shift] = (),
    stages: tuple[tuple[str, ...], ...] | None = None,
    max_optional: int | None = None,
    max_changes: float | None = None,
    bound_problem: Problem | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    interruptible: bool = False,
    started: float | None = None,
) -> Result:
    """``solve`` on a prepared problem, which may mark optional agents (at most
    ``max_optional`` hired) or re-plan a published week (at most ``max_changes``
    shifts changed); ``stages`` orders the objective terms (by default as the
    scenario's objective does). ``bound_problem``, a relaxation of ``problem``
    (more candidates, the same team), gives the LP bound instead of ``problem``
    itself: a re-plan's frozen weeks make each agent a class of their own, which
    the LP solves far slower for a bound hardly tighter."""
    started = time.perf_counter() if started is None else started
    stages = stages_for(problem) if stages is None else stages
    check_memory(problem, settings.deterministic)
    feasible = check_contracts(problem)
    search = _Search(problem, settings, stages, started, on_progress, interruptible, bound_problem)
    chosen, serving = search.first_roster(start_roster, feasible)
    search.build(chosen, serving, max_optional, max_changes)
    for number, names in enumerate(stages):
        if not search.run_stage(number, names):
            break
    search.trade_shifts()
    return search.result()


class _Search:
    """The staged CP-SAT search and what it has found so far."""

    def __init__(
        self,
        problem: Problem,
        settings: SolverSettings,
        stages: tuple[tuple[str, ...], ...],
        started: float,
        on_progress: Callable[[Progress], None] | None,
        interruptible: bool,
        bound_problem: Problem | None = None,
    ) -> None:
        self.problem, self.settings, self.stages = problem, settings, stages
        self.started, self.on_progress, self.interruptible = started, on_progress, interruptible
        self.by_work = settings.deterministic
        # The search's own limit: the time limit less what follows the search.
        self.limit = settings.time_limit_seconds
        # The end of the trades of shifts after the search (``trade_shifts``).
        self.trades_until = self.limit
        if not self.by_work:
            agents = len(problem.options)
            finish = FINISH_SECONDS_PER_AGENT * agents
            self.limit -= min(finish + TRADE_SECONDS_PER_AGENT * agents, FINISH_SHARE * self.limit)
            self.trades_until -= min(finish, FINISH_SHARE * self.trades_until)
        self.lp: LowerBound | None = None
        self.known: dict[str, int] = {}
        # The LP bound is solved beside the first roster (the LP solver releases the GIL).
        # A deterministic run waits for it, however long: it sets the known bounds.
        self._bound_seconds = (
            None if self.by_work else max(BOUND_SHARE * self.limit, BOUND_SECONDS_AT_LEAST)
        )
        self._bound: list[LowerBound | None] = []
        self._bound_thread = threading.Thread(
            target=lambda: self._bound.append(
                lower_bound(bound_problem or problem, self._bound_seconds)
            ),
            daemon=True,
        )
        self._bound_thread.start()
        self.outcomes: list[StageOutcome] = []
        self.bounds: dict[str, int] = {}  # best known bound per term
        self.proven = True
        self.interrupted = False
        self.work_done = 0.0
        self.chosen: list[list[Candidate]] = []
        self.serving: Serving = [{} for _ in problem.options]
        self.values: dict[str, int] = {}
        self.complete = False  # the first roster gives every agent their contract
        self.found = False
        self.model: RosterModel | None = None
        # Whether the full model is built, or the chains alone run every stage.
        self.full_model = builds_full_model(problem, self.by_work)
        # The full model's weights, known before it is built where the chains apply.
        self.weights: dict[str, int] = {}
        self.reported_first = False  # the first roster's progress is reported
        if improves_together(problem):
            self.weights = ranked_weights(stages, term_upper_bounds(problem))
        self.build_seconds = 0.0
        self.model_seconds = 0.0  # to build the full model and hint it
        self.first_seconds: float | None = None  # when the first complete roster was made

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def take_bound(self) -> None:
        """The LP bound as known bounds per term, once it is solved or its time is up."""
        wait = self._bound_seconds
        if wait is not None:
            wait = max(0.0, self.started + wait - time.perf_counter())
        self._bound_thread.join(wait)
        self.lp = self._bound[0] if self._bound else None
        if self.lp is None:
            return
        problem, per_hour = self.problem, 60 / self.problem.step_minutes
        self.known = {UNCOVERED: whole_bound(self.lp.uncovered_agent_hours * per_hour)}
        if self.lp.shortfall_agent_hours is not None:
            self.known[SHORTFALL] = whole_bound(
                self.lp.shortfall_agent_hours * per_hour * problem.shortfall_scale
            )
        if self.lp.contacts_late is not None:
            self.known[LATE] = whole_bound(self.lp.contacts_late * SERVICE_SCALE)
        self.bounds.update(self.known)

    @functools.cached_property
    def estimated_build(self) -> float:
        """Seconds the full model is expected to take to build (none when the chains
        alone run the stages)."""
        return SECONDS_PER_TERM * model_terms(self.problem) if self.full_model else 0.0

    @property
    def build_reserve(self) -> float:
        """Seconds to keep for building the full model and searching it as long again."""
        return 2 * self.estimated_build

    def builds_in(self, seconds: float) -> bool:
        """Whether ``seconds`` hold the full model's estimated build and one load of it
        into CP-SAT (the build alone, estimated within its margin, once left the
        stage no time: 1000 agents with a 10 s limit ran 1.6-2.7 s over it)."""
        return (1 + RELOAD_SHARE_OF_BUILD) * self.estimated_build <= seconds

    def first_roster(
        self, start_roster: Sequence[Shift], feasible: list[list[Candidate]]
    ) -> tuple[list[list[Candidate]], Serving]:
        """Whole-week patterns for large teams, else or failing that greedy, each
        within its share of the time limit; and which queue each agent serves when."""
        problem, limit = self.problem, self.limit
        several = any(len(o.agent.rules.shift_minutes) > 1 for o in problem.options)
        switching = any(o.switches for o in problem.options)
        large = len(problem.options) >= (
            PATTERNS_FROM_WITH_SEVERAL_LENGTHS if several or switching else PATTERNS_FROM
        )
        # The pattern start runs against the wall clock, so a deterministic run skips it.
        simple = not start_roster and not any(o.optional for o in problem.options)
        # Each share of the limit ends early enough to build the full model after it,
        # unless the model would take half the limit anyway: then the first roster
        # is likely the answer and takes the time.
        reserve = self.build_reserve if self.build_reserve <= limit / 2 else 0.0
        end = self.started + limit - reserve

        def until(share: float) -> float:
            return min(self.started + share * limit, end)

        deadline = None if self.by_work else until(GREEDY_SHARE)
        service = problem.by_service
        if large and simple and deadline is not None and all(feasible):
            share = PATTERN_SHARE_WITH_QUEUES if switching else PATTERN_SHARE
            # Under the service objective the patterns stop at half the limit, leaving
            # time for each week chosen again by contacts late (benchmarks/README.md,
            # "Channels").
            share = PATTERN_SHARE if service else share
            seconds = min(until(share), self.started + limit) - time.perf_counter()
            fill = until(share if service else PATTERN_FILL_SHARE)
            chosen = pattern_start(problem, max(0.0, seconds), feasible, fill)
            if chosen is not None:
                serving = serve_greedily(problem, chosen)
                if service:
                    # Each week alone first: that mends a week short of its email work,
                    # which chains of two rarely can; the chains then trade hours
                    # (benchmarks/README.md, "Channels").
                    chosen, serving = improve_weeks(
                        problem, chosen, serving, until(PATTERN_FILL_SHARE)
                    )
                if improves_together(problem):
                    self.take_bound()
                    stop = until(PATTERN_FILL_SHARE if service else TOGETHER_SHARE)
                    if self.builds_in(limit - self.elapsed()):
                        # A full model that can still be built keeps its time.
                        stop = min(stop, self.started + limit - self.build_reserve)
                    chosen, serving = self.chains(chosen, serving, 0, stop)
                return chosen, serving
        improve_until = until(IMPROVE_SHARE) if not self.by_work else None
        chosen, serving = greedy_start(problem, start_roster, feasible, deadline, improve_until)
        if switching:
            # The greedy served each agent as they were placed; the flow serves them all at once.
            again = serve_greedily(problem, chosen)
            if staged_terms(problem, self.stages, chosen, again) < staged_terms(
                problem, self.stages, chosen, serving
            ):
                serving = again
        if not self.full_model:
            self.take_bound()
            chosen, serving = self.chains(chosen, serving, 0, until(TOGETHER_SHARE))
        return chosen, serving

    def chains(
        self, chosen: list[list[Candidate]], serving: Serving, stage: int, until: float
    ) -> tuple[list[list[Candidate]], Serving]:
        """The roster with chains of agents' weeks chosen again for one stage (see
        ``improve_together``); Ctrl-C ends them and marks the search interrupted.
        Without the full model a stage that is not the last ends when its chains
        stall, for the next one."""
        stopped = threading.Event()
        names = self.stages[stage]
        at_least = stage_value(self.weights, names, {n: self.known.get(n, 0) for n in names})
        if stage == 0 and self.on_progress:
            # The roster the chains start from is the first one: report it now.
            self._report_first_roster(term_values(self.problem, chosen, serving))

        patience = math.inf
        if not self.full_model and stage < len(self.stages) - 1:
            patience = PATIENCE_WITHOUT_FULL_MODEL * self.limit

        def report(values: dict[str, int]) -> None:
            if self.on_progress:
                reached = stage_value(self.weights, names, values)
                self.on_progress(Progress(reached, at_least, self.elapsed(), " + ".join(names)))

        with _ctrl_c_sets(stopped, self.interruptible):
            found = improve_together(
                self.problem, chosen, serving, self.stages, until, self.settings.seed,
                self.known, stage, stopped.is_set, report, patience, self.settings.workers,
            )  # fmt: skip
        self.interrupted = self.interrupted or stopped.is_set()
        return found

    def build(
        self,
        chosen: list[list[Candidate]],
        serving: Serving,
        max_optional: int | None,
        max_changes: float | None = None,
    ) -> None:
        """The full model, hinted with the first roster (the fallback if the search
        finds nothing better); no model when it could not be built in the time left."""
        self.chosen, self.serving = chosen, serving
        self.complete = all(
            shifts or option.optional or option.contract.minutes == 0
            for shifts, option in zip(chosen, self.problem.options, strict=True)
        )
        if max_changes is not None and self.complete:
            changes = term_values(self.problem, chosen, serving)[CHANGES]
            self.complete = changes <= 2 * max_changes
        self.first_seconds = self.elapsed() if self.complete else None
        self.found = self.complete
        self.take_bound()
        if not self.full_model:
            # The chains run every stage, their terms ranked as the full model's.
            self.values = term_values(self.problem, chosen, serving)
            self.build_seconds = self.elapsed()
            if self.complete:
                self._report_first_roster(self.values)
            return
        if not self.by_work and not self.builds_in(self.limit - self.elapsed()):
            self.build_seconds = self.elapsed()
            return
        building = time.perf_counter()
        model = RosterModel(self.problem, stages=self.stages)
        if max_optional is not None:
            model.add_hire_limit(max_optional)
        if max_changes is not None:
            model.add_change_limit(max_changes)
        model.add_known_bounds(self.known)
        self.values = model.add_hint(chosen, self.serving)
        self.model, self.weights = model, model.weights
        self.model_seconds = time.perf_counter() - building
        self.build_seconds = self.elapsed()
        if self.complete:
            self._report_first_roster(self.values)

    def _report_first_roster(self, values: dict[str, int]) -> None:
        """The first roster's coverage stage against its bound, reported once."""
        if not self.on_progress or self.reported_first:
            return
        first = self.stages[0]
        at_least = {n: self.known.get(n, 0) for n in first}
        reached, bound = (stage_value(self.weights, first, v) for v in (values, at_least))
        self.on_progress(Progress(reached, bound, self.elapsed(), FIRST_ROSTER))
        self.reported_first = True

    def run_stage(self, number: int, names: tuple[str, ...]) -> bool:
        """Minimise one stage; False when the later stages cannot run."""
        model = self.model
        if self.interrupted or (model is None and (self.full_model or not self.found)):
            self.proven = False
            return False
        last = number == len(self.stages) - 1
        if self.complete and all(
            n in self.known and self.values[n] == self.known[n] for n in names
        ):
            # Every term of the stage is at its lower bound already: proven, no search.
            reached = stage_value(self.weights, names, self.values)
            self.outcomes.append(StageOutcome(names, Status.OPTIMAL, reached, reached, 0.0))
            if not last and model is not None:
                model.hold_stage(names, reached)
            return True
        traded = START_TIMES in names and self.trade_shifts()
        if model is None:
            return self._chain_stage(number, names, last)
        stage_started = time.perf_counter()
        chained = number > 0 and self.found and not self.by_work
        chained = chained and improves_together(self.problem)
        if chained:
            # Chains of agents first, then CP-SAT from their roster: on the start-time
            # tie-breaker they find far more in the same time (benchmarks/README.md,
            # "Neighbourhoods").
            until = time.perf_counter() + TOGETHER_STAGE_SHARE * (self.limit - self.elapsed())
            self.chosen, self.serving = self.chains(self.chosen, self.serving, number, until)
            reload = RELOAD_SHARE_OF_BUILD * self.model_seconds
            if not self.interrupted and self.limit - self.elapsed() < reload:
                self.values = term_values(self.problem, self.chosen, self.serving)
                return self._end_at_chains(names, last, time.perf_counter() - stage_started)
        if chained or traded:
            model.model.clear_hints()  # type: ignore[no-untyped-call]
            self.values = model.add_hint(self.chosen, self.serving)
            if self.interrupted:
                self.proven = False
                return False
        solver = self._solver(number, last)
        model.minimize_stage(names)
        callback = None
        if self.on_progress:
            callback = _ProgressReporter(" + ".join(names), self.on_progress, self.elapsed())
        code, stopped = _run(solver, model.model, callback, self.interruptible)
        self.interrupted = self.interrupted or stopped
        self.work_done += solver.deterministic_time
        status = _STATUS.get(code, Status.UNKNOWN)
        found = status in (Status.OPTIMAL, Status.FEASIBLE)
        objective = solver.objective_value if found else None
        bound = solver.best_objective_bound if found else None
        seconds = time.perf_counter() - stage_started
        if not found and chained:
            return self._end_at_chains(names, last, seconds)
        self.outcomes.append(StageOutcome(names, status, objective, bound, seconds))
        if not found:
            self.proven = False  # keep the previous stage's roster (or the first one)
            if number == 0 and status is Status.INFEASIBLE:
                self.found = False
            # Later stages would lose coverage without this one's level to hold.
            return number > 0
        self.found = True
        self.values = {n: int(solver.value(t.expression)) for n, t in model.terms.items()}
        self.proven = self.proven and status is Status.OPTIMAL
        if len(names) == 1:
            self.bounds[names[0]] = max(
                self.bounds.get(names[0], 0), math.ceil(solver.best_objective_bound - 1e-6)
            )
        if status is Status.OPTIMAL:
            self.bounds.update({n: self.values[n] for n in names})
        self.chosen = model.weeks(solver)
        self.serving = model.serving(solver)
        if not last:
            # The stage's exact value: CP-SAT reports its objective as a double, which
            # can fall just below the whole number it is (1022531.9999999999).
            model.hold_stage(names, stage_value(self.weights, names, self.values))
            _hint_solution(model, solver)
        return True

    def _end_at_chains(self, names: tuple[str, ...], last: bool, seconds: float) -> bool:
        """The stage ends, unproven, at the chains' roster: CP-SAT found nothing better
        in its share, or the time left would not load the model."""
        reached = stage_value(self.weights, names, self.values)
        self.outcomes.append(
            StageOutcome(names, Status.FEASIBLE, reached, self._stage_bound(names), seconds)
        )
        self.proven = False
        if not last and self.model is not None:
            self.model.hold_stage(names, reached)
        return True

    def trade_shifts(self) -> bool:
        """Shifts traded between agents who may work each other's, for fewer start
        times at no cost to any other term (``swaps.fewer_start_times``): before the
        tie-breaker's search, and on the roster it ends with (or the one a stage
        before it ended with, when it did not run). Whether the roster changed; a
        tie-breaker stage already ended reports the roster's value after them."""
        if not self.found or self.interrupted or not any(START_TIMES in n for n in self.stages):
            return False
        until = None if self.by_work else self.started + self.trades_until
        before = term_values(self.problem, self.chosen, self.serving)
        chosen, serving = fewer_start_times(self.problem, self.chosen, self.serving, until)
        after = term_values(self.problem, chosen, serving)
        others = [n for n in before if n != START_TIMES]
        if after[START_TIMES] >= before[START_TIMES] or any(after[n] != before[n] for n in others):
            return False  # trades keep every other term; this guards it
        self.chosen, self.serving = chosen, serving
        self.values = {n: after.get(n, v) for n, v in self.values.items()}
        for i, outcome in enumerate(self.outcomes):
            if outcome.terms == (START_TIMES,) and outcome.objective is not None:
                reached = stage_value(self.weights, outcome.terms, after)
                self.outcomes[i] = dataclasses.replace(
                    outcome, objective=min(outcome.objective, reached)
                )
        return True

    def _stage_bound(self, names: tuple[str, ...]) -> int:
        """The stage objective at the best bound known for each of its terms."""
        return stage_value(self.weights, names, {n: self.bounds.get(n, 0) for n in names})

    def _chain_stage(self, number: int, names: tuple[str, ...], last: bool) -> bool:
        """A stage run by the chains alone, the full model not built: the coverage
        stage's chains ran after the first roster (in ``build_seconds``, as before
        the full model); a later stage's run now, in its share of the time left
        (the chains hold the earlier stages)."""
        stage_started = time.perf_counter()
        if number > 0:
            left = self.limit - self.elapsed()
            until = time.perf_counter() + (left if last else STAGE_SHARE * left)
            self.chosen, self.serving = self.chains(self.chosen, self.serving, number, until)
            self.values = term_values(self.problem, self.chosen, self.serving)
        reached = stage_value(self.weights, names, self.values)
        at_least = self._stage_bound(names)
        status = Status.OPTIMAL if reached <= at_least else Status.FEASIBLE
        seconds = time.perf_counter() - stage_started
        self.outcomes.append(StageOutcome(names, status, reached, at_least, seconds))
        self.proven = self.proven and status is Status.OPTIMAL and not self.interrupted
        if self.on_progress:
            self.on_progress(Progress(reached, at_least, self.elapsed(), " + ".join(names)))
        return not self.interrupted

    def _solver(self, number: int, last: bool) -> cp_model.CpSolver:
        """A fresh solver per stage (so the last stage's search state is freed),
        with the stage's share of the time left."""
        solver = cp_model.CpSolver()
        settings = self.settings
        solver.parameters.num_workers = settings.workers
        agents = len(self.problem.options)
        if UNCOVERED in self.stages[number] and agents < ONE_WORKER_COVERAGE_BELOW:
            solver.parameters.num_workers = 1
        solver.parameters.random_seed = settings.seed
        # CP-SAT's own SIGINT handler aborts the process when the search runs outside
        # the main thread; Ctrl-C is handled in ``_run`` instead.
        solver.parameters.catch_sigint_signal = False
        _tune(solver.parameters)
        if agents >= ONE_WORKER_FROM or (number > 0 and agents >= ONE_WORKER_TIE_BREAK_FROM):
            # A second worker holds a second copy of the model: measured on 1000 agents,
            # the tie-breaker stages took the process from 0.6 to 1.65 GB with 2 and
            # to 1.2 GB with one, and from 1000 agents every stage kept its roster with
            # one (benchmarks/README.md, "Model size").
            solver.parameters.num_workers = 1
        spent = self.work_done if self.by_work else self.elapsed()
        remaining = self.limit - spent
        share = max(0.05, remaining if last else remaining * STAGE_SHARE)
        if self.by_work:
            solver.parameters.max_deterministic_time = share
            solver.parameters.max_time_in_seconds = max(60.0, 20 * self.limit)  # a safety net
        else:
            solver.parameters.max_time_in_seconds = share
        return solver

    @property
    def engine(self) -> str:
        """Which search ran the stages (``Result.engine``)."""
        if self.model is not None:
            return "full model"
        return "first roster" if self.full_model else "chains"

    def result(self) -> Result:
        """The best roster found (the team it serves leaves out optional agents not
        hired), its terms against their bounds, and how each stage ended."""
        problem = self.problem
        found = self.found
        hired = {c.shift.agent_id for shifts in self.chosen for c in shifts}
        team = problem.scenario
        if any(o.optional for o in problem.options):
            working = (o.agent for o in problem.options if not o.optional or o.agent.id in hired)
            team = team.replace(agents=tuple(working))
        shifts = tuple(c.shift for agent_shifts in self.chosen for c in agent_shifts)
        if found and any(o.switches for o in problem.options):
            # The search leaves agents with nothing to gain on any queue where they
            # happen to be, on a closed queue even; serve them again so that they
            # serve where they are worth most, unless that costs an objective term
            # (the serving aims at the heuristics' guide, not the email backlog).
            again = serve_again(problem, self.chosen, self.serving, rounds=2)
            before = staged_terms(problem, self.stages, self.chosen, self.serving)
            if staged_terms(problem, self.stages, self.chosen, again) <= before:
                self.serving = again
        activities = activities_of(problem, self.chosen, self.serving)
        roster = (
            Roster(team, problem.requirements, shifts, activities)
            if found
            else Roster(team, problem.requirements)
        )
        common: dict[str, Any] = {
            "runtime": self.elapsed(),
            "roster": roster,
            "grid_minutes": problem.step_minutes,
            "build_seconds": self.build_seconds,
            "first_roster_seconds": self.first_seconds,
            "weights": dict(self.weights),
            "engine": self.engine,
            "stages": tuple(self.outcomes),
            "interrupted": self.interrupted,
            "deterministic": self.by_work,
            "deterministic_time": round(self.work_done, 3),
            "lower_bound": self.lp,
        }
        if not found:
            status = self.outcomes[0].status if self.outcomes else Status.UNKNOWN
            return Result(status, None, None, **common)
        # From the roster itself: a stage that stopped early leaves the later
        # terms' variables free (a start time may be marked used and not be).
        values = term_values(problem, self.chosen, self.serving)
        if self.model is not None:
            values = {n: v for n, v in values.items() if n in self.model.terms}
        elif not problem.by_service:
            values.pop(LATE, None)  # as the full model, which counts it only then
        hours_per_slot = problem.step_minutes / 60

        def unit(name: str) -> float:
            if name == LATE:
                return 1 / SERVICE_SCALE
            if name == SHORTFALL:
                return hours_per_slot / problem.shortfall_scale
            if name == CHANGES:
                return 0.5
            return 1 if name in (START_TIMES, HIRES, MOVED) else hours_per_slot

        terms = {n: values[n] * unit(n) for n in TERMS if n in values}
        weighted = any(priority != 1 for priority in problem.priorities)
        gaps = {
            n: TermGap(n, terms[n], min(terms[n], self.bounds.get(n, 0) * unit(n)), weighted)
            for n in terms
        }
        weights = self.weights
        combined = bound = None
        if weights:
            combined = combined_value(weights, values)
            bound = combined_value(weights, {n: self.bounds.get(n, 0) for n in values})
        status = Status.OPTIMAL if self.proven and weights else Status.FEASIBLE
        return Result(
            status,
            None if combined is None else float(combined),
            None if bound is None else float(bound),
            terms=terms,
            term_gaps=gaps,
            **common,
        )
