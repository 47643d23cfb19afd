"""Speed benchmark of the week planner on generated teams.

Generates teams of 10, 50, 200 and 1000 agents spread over 10 zones (fixed
8-hour shifts, 40 h / 5 days, 07:00-22:00 local, 30-minute intervals) with a
follow-the-sun requirement sized to the team's contracted hours, solves each in
a fresh process and prints build seconds, solve seconds, status, shortfall,
best bound, gap and peak memory per size.

    python benchmarks/run.py                     # all sizes, 1 seed
    python benchmarks/run.py --sizes 10 50 --seeds 0 1 2

Results are also written to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ZONES = (
    "America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/Dublin",
    "Europe/Berlin", "Africa/Nairobi", "Asia/Kolkata", "Asia/Manila", "Asia/Tokyo",
    "Australia/Sydney",
)  # fmt: skip
WEEK_START = date(2026, 3, 23)
TIME_LIMITS = {10: 60.0, 50: 60.0, 200: 60.0, 1000: 120.0}


def generated_scenario(size: int, seed: int):  # type: ignore[no-untyped-def]
    """A team of ``size`` agents and a requirement with three regional peaks."""
    from coverage.models import Agent, Forecast, ForecastRow, Scenario, SolverSettings, Staffing

    rng = random.Random(seed * 10_007 + size)
    agents = tuple(
        Agent(id=f"a{i:04d}", name=f"Agent {i}", timezone=ZONES[i % len(ZONES)])
        for i in range(size)
    )
    first = datetime.combine(WEEK_START, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    # Demand: Americas, EMEA and APAC business-hour bumps (UTC hours), weekend dip.
    peaks = ((15.0, 3.5, 1.0), (10.0, 3.0, 0.9), (2.0, 3.0, 0.7))
    shape = []
    for k in range(9 * 48):
        start = first + timedelta(minutes=30 * k)
        hour = start.hour + start.minute / 60
        level = 0.15 + sum(
            weight * math.exp(-(((hour - centre + 12) % 24 - 12) ** 2) / (2 * width**2))
            for centre, width, weight in peaks
        )
        if start.weekday() >= 5:
            level *= 0.5
        shape.append(level * rng.uniform(0.9, 1.1))
    week = shape[48 : 48 + 7 * 48]
    contracted_half_hours = size * 40 * 2
    scale = contracted_half_hours / sum(week)
    rows = tuple(
        ForecastRow(start=first + timedelta(minutes=30 * k), required=max(1, round(v * scale)))
        for k, v in enumerate(shape)
    )
    return Scenario(
        name=f"bench-{size}-{seed}",
        week_start=WEEK_START,
        interval_minutes=30,
        agents=agents,
        forecast=Forecast(kind="required", step_minutes=30, rows=rows),
        staffing=Staffing(min_agents=1),
        solver=SolverSettings(time_limit_seconds=TIME_LIMITS.get(size, 60.0), workers=2, seed=seed),
    )


def run_one(size: int, seed: int) -> dict[str, object]:
    """Solve one instance in this process and measure it."""
    from coverage.solver import solve
    from coverage.validate import validate_roster

    scenario = generated_scenario(size, seed)
    started = time.perf_counter()
    result = solve(scenario)
    wall = time.perf_counter() - started
    validation = validate_roster(scenario, result.roster) if result.found_roster else None
    totals = validation.coverage.totals() if validation else {}
    return {
        "agents": size,
        "seed": seed,
        "time_limit": scenario.solver.time_limit_seconds,
        "status": result.status.value,
        "build_seconds": round(result.build_seconds, 2),
        "solve_seconds": round(result.runtime - result.build_seconds, 2),
        "wall_seconds": round(wall, 2),
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "shortfall_agent_hours": totals.get("shortfall_agent_hours"),
        "uncovered_hours": totals.get("uncovered_hours"),
        "required_agent_hours": totals.get("required_agent_hours"),
        "violations": len(validation.violations) if validation else None,
        "stages": [
            {
                "terms": list(s.terms),
                "status": s.status.value,
                "seconds": round(s.seconds, 2),
                "objective": s.objective,
                "best_bound": s.best_bound,
            }
            for s in result.stages
        ],
        "lower_bound_shortfall": result.lower_bound.shortfall_agent_hours
        if result.lower_bound
        else None,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200, 1000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    header = ("agents", "seed", "status", "build s", "solve s", "coverage stage",
              "shortfall ah", "uncovered h", "objective", "bound", "gap", "peak MB")  # fmt: skip
    print(" | ".join(header))
    rows = []
    for size in args.sizes:
        for seed in args.seeds:
            # A fresh process per instance, so peak memory is that instance's own.
            output = subprocess.run(
                [sys.executable, __file__, "--one", str(size), str(seed)],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            row = json.loads(output.strip().splitlines()[-1])
            rows.append(row)
            gap = f"{row['gap']:.2%}" if row["gap"] is not None else "-"
            first = row["stages"][0] if row["stages"] else None
            coverage = f"{first['status']} in {first['seconds']} s" if first else "-"
            print(" | ".join(str(v) for v in (
                size, seed, row["status"], row["build_seconds"], row["solve_seconds"], coverage,
                row["shortfall_agent_hours"], row["uncovered_hours"], row["objective"],
                row["best_bound"], gap, row["peak_memory_mb"],
            )), flush=True)  # fmt: skip
    if len(args.seeds) > 1:
        for size in args.sizes:
            mine = [r for r in rows if r["agents"] == size]
            print(
                f"median over seeds, {size} agents: solve s "
                f"{statistics.median(float(r['solve_seconds']) for r in mine):.1f}"
            )  # type: ignore[arg-type]
    out = Path(__file__).parent / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
