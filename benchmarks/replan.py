"""Re-plan benchmark: one agent out for three days on the 200-agent benchmark team.

For each seed, the team of ``run.py`` (200 agents in 10 zones, 8-hour shifts,
30-minute intervals) is planned as usual (its 60 s limit); that roster is the
published one. Then the agent with the most published shifts from Wednesday
to Friday (local dates) is out for those three days, and the week is
re-planned from Wednesday 00:00 UTC (Monday and Tuesday frozen) within
``--time-limit`` seconds, 2 workers. Each seed runs in a fresh process.

Each published week is re-planned with no cap on the changes and with
``--max-changes 5`` (``--max-changes`` sets the caps; -1 is none).

Per seed: seconds to the first valid re-plan (the published week less the
absence, checked against every rule) and to the final one, the coverage
figures of the published week, of the absence left unanswered and of the
re-plan, the shifts changed and agents affected, and the validator's verdict.

    python benchmarks/replan.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import WEEK_START, generated_scenario


def run_one(size: int, seed: int, limit: float, caps: list[float | None]) -> list[dict[str, Any]]:
    from coverage.inputs import GivenRoster
    from coverage.models import Absence, AgentAbsence
    from coverage.solver import solve

    scenario = generated_scenario(size, seed)
    planned = solve(scenario)
    roster = planned.roster
    wednesday = WEEK_START + timedelta(days=2)
    away = (wednesday, wednesday + timedelta(days=1), wednesday + timedelta(days=2))

    def shifts_away(agent_id: str) -> int:
        zone = scenario.agent(agent_id).zone
        return sum(1 for s in roster.of(agent_id) if s.local_start(zone).date() in away)

    absent = max((a.id for a in scenario.agents), key=lambda i: (shifts_away(i), i))
    zone = scenario.agent(absent).zone
    start = datetime.combine(away[0], datetime.min.time()).replace(tzinfo=zone)
    end = datetime.combine(away[-1] + timedelta(days=1), datetime.min.time()).replace(tzinfo=zone)
    absence = AgentAbsence(
        agent_id=absent,
        absence=Absence(start_utc=start.astimezone(UTC), end_utc=end.astimezone(UTC)),
    )
    now = datetime.combine(wednesday, datetime.min.time(), tzinfo=UTC)
    published = GivenRoster("benchmark", roster.shifts, roster.activities)
    return [_replan(scenario, published, absence, now, limit, cap, seed) for cap in caps]


def _replan(scenario: Any, published: Any, absence: Any, now: datetime, limit: float,
            cap: float | None, seed: int) -> dict[str, Any]:  # fmt: skip
    from coverage.replan import ReplanRequest, replan_roster

    request = ReplanRequest((absence,), now, max_changes=cap)
    started = time.perf_counter()
    made = replan_roster(scenario, published, request, time_limit=limit, workers=2, seed=0)
    wall = time.perf_counter() - started
    data = made.summary["replan"]
    before = data["before"]
    return {
        "agents": len(scenario.agents),
        "seed": seed,
        "max_changes": cap,
        "absent": absence.agent_id,
        "removed_by_absence": data["removed_by_absence"],
        "frozen_shifts": data["frozen_shifts"],
        "status": made.result.status.value,
        "stages": [
            (" + ".join(s.terms), s.status.value, round(s.seconds, 2)) for s in made.result.stages
        ],
        "build_seconds": round(made.result.build_seconds, 2),
        "first_valid_seconds": round(made.result.first_roster_seconds or float("nan"), 2),
        "final_seconds": round(wall, 2),
        "shortfall_published": before["published"]["shortfall_agent_hours"],
        "shortfall_unanswered": before["absence_no_change"]["shortfall_agent_hours"],
        "shortfall_replanned": before["replanned"]["shortfall_agent_hours"],
        "uncovered_unanswered": before["absence_no_change"]["uncovered_hours"],
        "uncovered_replanned": before["replanned"]["uncovered_hours"],
        "shifts_changed": data["shifts_changed"],
        "agents_affected": data["agents_affected"],
        "violations": len(made.plan.validation.violations) + len(made.violations)
        if made.plan.validation
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument(
        "--max-changes", type=float, nargs="+", default=[-1, 5],
        help="caps to re-plan with from the same published week; -1 for none",
    )  # fmt: skip
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        caps = [None if c < 0 else c for c in args.max_changes]
        print(json.dumps(run_one(args.one[0], args.one[1], args.time_limit, caps)))
        return
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"re-plan limit {args.time_limit:g} s"
    )
    rows = []
    for seed in args.seeds:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(args.size), str(seed),
             "--time-limit", str(args.time_limit),
             "--max-changes", *map(str, args.max_changes)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        for row in json.loads(out.strip().splitlines()[-1]):
            rows.append(row)
            print(json.dumps(row), flush=True)
    for cap in dict.fromkeys(r["max_changes"] for r in rows):
        chosen = [r for r in rows if r["max_changes"] == cap]
        for key in (
            "first_valid_seconds",
            "final_seconds",
            "shifts_changed",
            "shortfall_replanned",
        ):
            values = [r[key] for r in chosen]
            print(f"max_changes {cap}: median {key} {statistics.median(values):g} {values}")


if __name__ == "__main__":
    main()
