"""The time limit is the user's wait: wall time of a plan against its limit.

For each instance and limit: the seconds from the scenario in memory to the
plan's files written (what ``coverage plan --time-limit L`` makes a user wait
after reading the inputs), and what the plan reached. With ``--model-build``
it also measures what the solver's ``SECONDS_PER_TERM`` estimates: the seconds
to build the full CP-SAT model and load it into a solver, per model term.

    python benchmarks/wall.py                  # the limits table
    python benchmarks/wall.py --model-build    # the model-build cost too

Each instance runs in this process, one after another (2 CP-SAT workers).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import generated_scenario


def quarter_hour_team(size: int) -> Any:
    """``size`` agents in ten zones free to start at any quarter hour of the day,
    one required at every 15 minutes: easy weeks (the team has hours to spare)
    that stress the start and the model build rather than the search."""
    from run import WEEK_START, ZONES

    from coverage import Agent, Rules, Scenario, SolverSettings, Staffing, constant_forecast

    rules = Rules(earliest_start="00:00", latest_end="24:00", start_step_minutes=15)
    agents = tuple(
        Agent(id=f"a{n}", name=f"Agent {n}", timezone=ZONES[n % len(ZONES)]) for n in range(size)
    )
    return Scenario(
        name=f"{size} agents, 24-hour windows",
        week_start=WEEK_START,
        interval_minutes=15,
        rules=rules,
        agents=agents,
        forecast=constant_forecast(1, WEEK_START),
        staffing=Staffing(min_agents=1),
        solver=SolverSettings(workers=2),
    )


def wall(name: str, scenario: Any, limit: float) -> None:
    from coverage.outputs import write_files
    from coverage.plan import make_plan

    started = time.perf_counter()
    plan = make_plan(scenario, time_limit=limit)
    with tempfile.TemporaryDirectory() as folder:
        write_files(Path(folder), plan.files())
    seconds = time.perf_counter() - started
    shortfall = plan.result.term_gaps.get("shortfall")
    above = f"{shortfall.above:g} ah" if shortfall else "-"
    if shortfall and shortfall.relative is not None:
        above += f" ({shortfall.relative:.1%})"
    print(
        f"{name} | {limit:g} | {seconds:.2f} | {seconds - limit:+.2f} | "
        f"{plan.result.status.value} | {plan.summary.get('uncovered_hours')} | "
        f"{plan.summary.get('shortfall_agent_hours')} | {above}",
        flush=True,
    )


def model_build() -> None:
    from ortools.sat.python import cp_model

    from coverage.solver import Problem
    from coverage.solver.memory import model_terms
    from coverage.solver.model import STAGES, RosterModel

    print("instance | model terms | build s | load s | µs per term")
    for size, flexible in ((200, False), (200, True), (1000, False), (1000, True), (5000, False)):
        problem = Problem.build(generated_scenario(size, 0, 30, flexible))
        started = time.perf_counter()
        model = RosterModel(problem)
        built = time.perf_counter()
        model.minimize_stage(STAGES[0])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 0.001
        solver.solve(model.model)
        loaded = time.perf_counter()
        terms = model_terms(problem)
        print(
            f"{size} agents, {'6-10' if flexible else '8'} h | {terms} | "
            f"{built - started:.2f} | {loaded - built:.2f} | "
            f"{(loaded - started) / terms * 1e6:.2f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-build", action="store_true")
    options = parser.parse_args()
    from coverage import load_scenario
    from coverage.inputs import bundled_scenarios_dir

    print(f"machine: {platform.machine()}, 2 CP-SAT workers, Python {platform.python_version()}")
    if options.model_build:
        model_build()
    print(
        "instance | limit s | wall s | wall - limit | status | uncovered h | short ah | above bound"
    )
    wall("45 agents, 24-hour windows, 15 min", quarter_hour_team(45), 5)
    default = load_scenario(bundled_scenarios_dir() / "global-24x7.toml")
    for limit in (5, 20):
        wall("global-24x7 (40 agents)", default, limit)
    for limit in (10, 20, 60):
        wall("1000 agents, 8 h, seed 0", generated_scenario(1000, 0), limit)
    for limit in (10, 30):
        wall("200 agents, 6-10 h, seed 0", generated_scenario(200, 0, 30, True), limit)


if __name__ == "__main__":
    main()
