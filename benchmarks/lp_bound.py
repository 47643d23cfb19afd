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

from run import add_one_instance_arguments, one_instance

from coverage.solver import bound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_one_instance_arguments(parser)
    problem = one_instance(parser.parse_args())
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
