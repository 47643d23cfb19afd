"""Where the pattern start's time goes: column generation, then the dive round by
round with a day to end in, so at its own pace (``DIVE_SHARE`` of the agents left
per round, a quarter with queues). Per round: agents left, the share fixed, the
master LP's objective, seconds in the master LP and in pricing, and the columns
the master holds. The roster it ends with is measured as the plan measures it.

    python benchmarks/dive.py plain 200 --flexible --seed 2
    python benchmarks/dive.py queues 200 --seed 1

The master's objective is in the heuristics' guide units (agent-hours short
times two on a 30-minute grid for the plain instance), the roster's shortfall in
the plan's units. Seconds in pricing are the wall-clock time of its rounds less
the master LP solves within them (pricing runs two classes at once).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from run import add_one_instance_arguments, one_instance

from coverage.solver import patterns
from coverage.solver.activities import serve_greedily
from coverage.solver.contracts import check_contracts
from coverage.solver.model import term_values


class _Clock:
    """Seconds and calls of one function, wrapped in place."""

    def __init__(self) -> None:
        self.seconds, self.calls = 0.0, 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_one_instance_arguments(parser)
    parser.add_argument("--pricing-seconds", type=float, default=12.0)
    args = parser.parse_args()
    problem = one_instance(args)
    feasible = check_contracts(problem)
    lp, pricing = _Clock(), _Clock()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=patterns.PRICING_THREADS) as pool:
        search = patterns._Patterns(problem, feasible, pool)
        search.master.solve = lp.wrap(search.master.solve)  # type: ignore[method-assign]
        search.price = pricing.wrap(search.price)  # type: ignore[method-assign]
        search.price(rounds=10_000, deadline=started + args.pricing_seconds)
        print(f"classes {len(search.classes)}, agents {len(problem.options)}")
        print("seconds | left | share | master objective | LP s | LP solves | pricing s | columns")
        fix_round = search.fix_round

        def timed_round(share: float) -> None:
            """The row before each round, then the round."""
            objective = search.master.solver.Objective().Value()
            print(
                f"{time.perf_counter() - started:.2f} | {sum(search.master.left)} | {share:.3f} | "
                f"{objective:.2f} | {lp.seconds:.2f} | {lp.calls} | "
                f"{pricing.seconds - lp.seconds:.2f} | {search.master.solver.NumVariables()}",
                flush=True,
            )
            fix_round(share)

        search.fix_round = timed_round  # type: ignore[method-assign]
        # A day for the dive: its pace never calls for a larger share than DIVE_SHARE.
        search.dive(deadline=time.perf_counter() + 86_400)
        chosen = search.weeks()
    total = time.perf_counter() - started
    print(f"dive ended at {total:.2f} s: master LP {lp.seconds:.2f} s in {lp.calls} solves")
    print("roster:", term_values(problem, chosen, serve_greedily(problem, chosen)))


if __name__ == "__main__":
    main()
