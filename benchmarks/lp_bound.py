"""Seconds the aggregate LP bound takes, with HiGHS's interior point method (what
``coverage`` uses) and with GLOP (what it used before), on a benchmark instance.

    python benchmarks/lp_bound.py plain 1000
    python benchmarks/lp_bound.py plain 200 --flexible
    python benchmarks/lp_bound.py queues 200
    python benchmarks/lp_bound.py channels 200
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import channel_scenario, generated_scenario, queued_scenario

from coverage.solver import bound
from coverage.solver.problem import Problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", choices=("plain", "queues", "channels"))
    parser.add_argument("agents", type=int)
    parser.add_argument("--flexible", action="store_true", help="6-10 h shifts instead of 8 h")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    make = {"plain": generated_scenario, "queues": queued_scenario, "channels": channel_scenario}
    problem = Problem.build(make[args.instance](args.agents, args.seed, 30, args.flexible))
    create = bound.pywraplp.Solver.CreateSolver
    for name in ("HiGHS ipm", "GLOP"):
        if name == "GLOP":
            bound.pywraplp.Solver.CreateSolver = staticmethod(lambda _: create("GLOP"))  # type: ignore[method-assign]
            bound.HIGHS_OPTIONS = ""
        started = time.perf_counter()
        found = bound.lower_bound(problem, seconds=300)
        print(f"{name}: {time.perf_counter() - started:.1f} s, {found}", flush=True)


if __name__ == "__main__":
    main()
