"""pyworkforce on the benchmark's instances, its shortfall measured on the real UTC timeline.

The teams of ``run.py`` go through pyworkforce's two CP-SAT models, in sequence:

- ``count``: ``MinAbsDifference`` says how many agents start each shift type on
  each day. It has no names, so its shortfall ignores who could work them.
- ``roster``: ``MinHoursRoster`` assigns the named agents to those counts, as
  far as they can staff them; the roster is turned back into UTC shifts and
  checked by our independent validator (every hard rule, coverage by the minute).

pyworkforce works on one grid of days x periods: here the UTC week from Monday
00:00 UTC in the scenario's interval (one long "day" for the count model, seven
for the roster). It lives in its own environment and is never a dependency of
the project (see README.md for the mapping and what it cannot express):

    python3.12 -m venv /tmp/pwf
    /tmp/pwf/bin/pip install pyworkforce && /tmp/pwf/bin/pip install -e .
    /tmp/pwf/bin/python benchmarks/pyworkforce_compare.py --sizes 10 50 200 --seeds 0
    /tmp/pwf/bin/python benchmarks/pyworkforce_compare.py --sizes 50 --time-limit 20

Results are also written to benchmarks/results/pyworkforce.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ortools.graph.python import max_flow
from pyworkforce import MinAbsDifference, MinHoursRoster
from run import add_instance_options, generated_scenario, time_limit

from coverage.models import WEEKDAYS, Scenario
from coverage.requirements import build_requirements
from coverage.shifts import candidates_for
from coverage.solver import Problem
from coverage.solver.bound import LowerBound, above_bound, lower_bound
from coverage.solver.memory import available_memory
from coverage.timegrid import Shift
from coverage.validate import measure_coverage, validate_roster

DAYS = 7
DAY_MINUTES = 24 * 60
SOLVED = ("OPTIMAL", "FEASIBLE")
# Share of the time limit given to the count model; the roster gets the rest.
COUNT_SHARE = 1 / 3
# MinHoursRoster writes its "non-sequential shifts" rule for every agent, day and pair of
# shift types even when given none: agents x 6 x types^2 terms. Measured at 10 agents with
# 6-10 h shifts (239 types, 3.4 million terms): 317 MB peak, about 12 s to build.
ROSTER_BYTES_PER_TERM = 60


@dataclass(frozen=True, order=True)
class ShiftType:
    """A pyworkforce shift: it starts ``start`` minutes after UTC midnight and lasts ``minutes``."""

    start: int
    minutes: int

    @property
    def name(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}Z+{self.minutes / 60:g}h"

    def coverage(self, interval: int) -> list[int]:
        """1 for each period of the day it covers; past midnight it wraps to the day's start,
        as pyworkforce's own night shifts do (the real shift covers the next day's start)."""
        per_day = DAY_MINUTES // interval
        first = self.start // interval
        on = {(first + k) % per_day for k in range(self.minutes // interval)}
        return [int(period in on) for period in range(per_day)]


@dataclass(frozen=True)
class Grid:
    """A scenario on pyworkforce's grid: required agents per UTC day and period, the shift
    types, and for each agent the real shift behind each (UTC day, type) they may work."""

    scenario: Scenario
    week_start: datetime
    interval: int
    required: list[list[int]]
    types: list[ShiftType]
    eligible: dict[str, dict[tuple[int, ShiftType], Shift]]

    @classmethod
    def of(cls, scenario: Scenario) -> Grid:
        requirements = build_requirements(scenario)
        week = requirements.week
        if week.start_utc.hour or week.start_utc.minute:
            raise ValueError("the week must start at 00:00 UTC to line up with UTC days")
        interval = week.interval_minutes
        per_day = DAY_MINUTES // interval
        required = [
            list(requirements.queues[0].required[day * per_day : (day + 1) * per_day])
            for day in range(DAYS)
        ]
        eligible: dict[str, dict[tuple[int, ShiftType], Shift]] = {}
        for agent in scenario.agents:
            mine = eligible[agent.id] = {}
            for day in candidates_for(agent, scenario.week_dates):
                for candidate in day:
                    minute = week.minute_of_week(candidate.shift.start_utc)
                    if minute % interval or candidate.minutes % interval:
                        raise ValueError(f"{candidate.shift} is off the {interval}-minute grid")
                    kind = ShiftType(minute % DAY_MINUTES, candidate.minutes)
                    mine.setdefault((minute // DAY_MINUTES, kind), candidate.shift)
        types = sorted({kind for mine in eligible.values() for _, kind in mine})
        return cls(scenario, week.start_utc, interval, required, types, eligible)

    @property
    def per_day(self) -> int:
        return DAY_MINUTES // self.interval

    @property
    def offered(self) -> list[tuple[int, ShiftType]]:
        """(UTC day, shift type) pairs that at least one agent may work."""
        return sorted({key for mine in self.eligible.values() for key in mine})

    def start_of(self, day: int, kind: ShiftType) -> datetime:
        return self.week_start + timedelta(days=day, minutes=kind.start)

    def real_shift(self, agent_id: str, day: int, kind: ShiftType) -> Shift:
        """The agent's own candidate (on its local date), else the shift at its UTC place."""
        shift = self.eligible[agent_id].get((day, kind))
        if shift is None:
            start = self.start_of(day, kind)
            shift = Shift(agent_id, start, start + timedelta(minutes=kind.minutes))
        return shift


Counts = dict[tuple[int, ShiftType], int]


def template_name(day: int, kind: ShiftType, daily: bool) -> str:
    return kind.name if daily else f"{WEEKDAYS[day]} {kind.name}"


def count_layout(grid: Grid, daily: bool) -> tuple[int, dict[str, list[int]], list[list[int]]]:
    """Days, shift templates and requirement for pyworkforce's count models.

    By default the week is one pyworkforce "day" of 7 x 48 (or 96) periods and each
    (UTC day, shift type) that some agent may work is its own template, so shifts past
    midnight and past the week's end cover exactly what they cover (the roster repeats
    weekly). With ``daily``, seven days share one set of templates, as pyworkforce's
    examples do: a shift past midnight wraps onto the same day's first periods.
    """
    if daily:
        templates = {kind.name: kind.coverage(grid.interval) for kind in grid.types}
        return DAYS, templates, grid.required
    week = DAYS * grid.per_day
    templates: dict[str, list[int]] = {}
    for day, kind in grid.offered:
        first = (day * DAY_MINUTES + kind.start) // grid.interval
        on = {(first + k) % week for k in range(kind.minutes // grid.interval)}
        templates[template_name(day, kind, daily)] = [int(p in on) for p in range(week)]
    return 1, templates, [[r for day in grid.required for r in day]]


def solve_counts(grid: Grid, seconds: float, workers: int, daily: bool) -> tuple[str, Counts]:
    """pyworkforce's count model: agents per shift type and UTC day, minimising the
    absolute difference to the requirement over its day x period grid."""
    num_days, templates, required = count_layout(grid, daily)
    may_work = Counter(key for mine in grid.eligible.values() for key in mine)
    scheduler = MinAbsDifference(
        num_days=num_days,
        periods=len(required[0]),
        shifts_coverage=templates,
        required_resources=required,
        # No more agents on at once than the team, nor in one shift than may work it.
        max_period_concurrency=max(len(grid.eligible), *(max(day) for day in required)),
        max_shift_concurrency=max(may_work.values()),
        max_search_time=seconds,
        num_search_workers=workers,
    )
    # pyworkforce stores num_search_workers on the CpSolver object, which never reads it.
    scheduler.solver.parameters.num_workers = workers
    solution = scheduler.solve()
    names = {template_name(day, kind, daily): (day, kind) for day, kind in grid.offered}
    counts: Counts = {}
    for row in solution["resources_shifts"]:
        if row["resources"] > 0:
            day, kind = names[row["shift"]]
            counts[row["day"] if daily else day, kind] = row["resources"]
    return solution["status"], counts


def grid_shortfall(grid: Grid, counts: Counts, daily: bool) -> float:
    """The count model's shortfall as pyworkforce sees it, on its own grid."""
    _, templates, required = count_layout(grid, daily)
    on = [[0] * len(required[0]) for _ in required]
    for (day, kind), count in counts.items():
        template = templates[template_name(day, kind, daily)]
        row = on[day if daily else 0]
        for period, covered in enumerate(template):
            row[period] += count * covered
    short = sum(
        max(0, r - n)
        for want, have in zip(required, on, strict=True)
        for r, n in zip(want, have, strict=True)
    )
    return short * grid.interval / 60


def staffable(grid: Grid, counts: Counts) -> Counts:
    """The counts cut to what the named agents can fill, day by day (one shift each, only
    shifts they may work): a maximum flow, so ``MinHoursRoster`` is not infeasible from the
    start. The count model cannot see zones, so it often asks for what no one can work."""
    result: Counts = {}
    for day in range(DAYS):
        wanted = [(kind, count) for (d, kind), count in counts.items() if d == day]
        flow = max_flow.SimpleMaxFlow()
        source, sink, first_agent = 0, 1, 2 + len(wanted)
        arcs = []
        for i, (kind, count) in enumerate(wanted):
            arcs.append(flow.add_arc_with_capacity(source, 2 + i, count))
            for a, mine in enumerate(grid.eligible.values()):
                if (day, kind) in mine:
                    flow.add_arc_with_capacity(2 + i, first_agent + a, 1)
        for a in range(len(grid.eligible)):
            flow.add_arc_with_capacity(first_agent + a, sink, 1)
        flow.solve(source, sink)
        for (kind, _), arc in zip(wanted, arcs, strict=True):
            if flow.flow(arc):
                result[day, kind] = flow.flow(arc)
    return result


def solve_roster(
    grid: Grid, requirement: Counts, seconds: float, workers: int
) -> tuple[str, list[Shift] | None]:
    """pyworkforce's named roster for the counts, as real UTC shifts (None if none found).

    Every agent is banned from each (UTC day, shift type) that is not one of their own
    candidates, which carries their zone, local window, daylight-saving time and time off.
    Rest (``non_sequential_shifts``) is left out: see README.md.
    """
    scenario = grid.scenario
    contracts = {agent.contract(scenario.week_dates) for agent in scenario.agents}
    if len(contracts) > 1:
        raise ValueError("MinHoursRoster takes one minimum of hours and days for everyone")
    contract = contracts.pop()
    if contract.minutes % 60 or any(kind.minutes % 60 for kind in grid.types):
        raise ValueError("MinHoursRoster counts whole hours")
    if contract.max_days >= DAYS:
        raise ValueError("MinHoursRoster needs at least one resting day (max_resting > 0)")
    needed = len(grid.eligible) * (DAYS - 1) * len(grid.types) ** 2 * ROSTER_BYTES_PER_TERM
    available = available_memory()
    if available is not None and needed > available:
        return f"SKIPPED (needs ~{needed / 2**30:.0f} GB)", None
    banned = [
        {"resource": agent_id, "shift": kind.name, "day": day}
        for agent_id, mine in grid.eligible.items()
        for day in range(DAYS)
        for kind in grid.types
        if (day, kind) not in mine
    ]
    roster = MinHoursRoster(
        num_days=DAYS,
        resources=list(grid.eligible),
        shifts=[kind.name for kind in grid.types],
        shifts_hours=[kind.minutes // 60 for kind in grid.types],
        min_working_hours=contract.minutes // 60,
        banned_shifts=banned,
        # At most this many days off, so at least the contract's days at work.
        max_resting=DAYS - contract.max_days,
        required_resources={
            kind.name: [requirement.get((day, kind), 0) for day in range(DAYS)]
            for kind in grid.types
        },
        max_search_time=seconds,
        num_search_workers=workers,  # ignored by pyworkforce: CP-SAT's default uses every core
    )
    solution = roster.solve()
    if solution["status"] not in SOLVED:
        return solution["status"], None
    by_name = {kind.name: kind for kind in grid.types}
    shifts = [
        grid.real_shift(row["resource"], row["day"], by_name[row["shift"]])
        for row in solution["resource_shifts"]
    ]
    return solution["status"], shifts


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def signed_above(shortfall: float | None, bound: LowerBound | None) -> float | None:
    """How far above the bound, as a fraction of it; negative (a roster that beats the
    bound) only when the roster breaks our rules, which the bound keeps."""
    if shortfall is None or bound is None:
        return None
    if shortfall < bound.shortfall_agent_hours:
        return (shortfall - bound.shortfall_agent_hours) / max(bound.shortfall_agent_hours, 1e-9)
    return above_bound(shortfall, bound.shortfall_agent_hours)


def count_shifts(grid: Grid, counts: Counts) -> list[Shift]:
    """The counts as anonymous shifts at their real UTC times."""
    shifts: list[Shift] = []
    for (day, kind), count in counts.items():
        start = grid.start_of(day, kind)
        shifts += [Shift("count", start, start + timedelta(minutes=kind.minutes))] * count
    return shifts


def run_one(
    size: int, seed: int, interval: int, flexible: bool, limit: float | None, daily: bool
) -> list[dict[str, Any]]:
    """Both pyworkforce models on one instance in this process, measured on the UTC timeline:
    a row for the count model alone and one for the roster built on its counts."""
    scenario = generated_scenario(size, seed, interval, flexible)
    limit = limit or time_limit(size)
    workers = scenario.solver.workers
    started = time.perf_counter()

    grid = Grid.of(scenario)
    count_status, counts = solve_counts(grid, limit * COUNT_SHARE, workers, daily)
    count_seconds, count_peak = time.perf_counter() - started, peak_mb()
    requirement = staffable(grid, counts)
    remaining = max(1.0, limit - (time.perf_counter() - started))
    roster_status, roster = solve_roster(grid, requirement, remaining, workers)
    roster_seconds, roster_peak = time.perf_counter() - started, peak_mb()

    # After the peaks are read, so the bound's memory is not charged to pyworkforce.
    bound = lower_bound(Problem.build(scenario))
    instance = {
        "agents": size,
        "seed": seed,
        "interval": interval,
        "shifts": "6-10 h" if flexible else "8 h",
        "layout": "daily" if daily else "week",
        "time_limit": limit,
        "shift_types": len(grid.types),
        "lower_bound_shortfall": round(bound.shortfall_agent_hours, 4) if bound else None,
    }
    anonymous = count_shifts(grid, counts)
    totals = measure_coverage(scenario, anonymous).totals()
    count_row = {
        **instance,
        "model": "count",
        "status": count_status,
        "shortfall_agent_hours": totals["shortfall_agent_hours"],
        "grid_shortfall_agent_hours": grid_shortfall(grid, counts, daily),
        "uncovered_hours": totals["uncovered_hours"],
        "shifts_counted": len(anonymous),
        "team_shifts": sum(a.contract(scenario.week_dates).max_days for a in scenario.agents),
        "violations": None,
        "seconds": round(count_seconds, 2),
        "peak_memory_mb": count_peak,
    }
    roster_row: dict[str, Any] = {
        **instance,
        "model": "roster",
        "status": roster_status,
        "shifts_required": sum(requirement.values()),
        "shifts_trimmed": len(anonymous) - sum(requirement.values()),
        "seconds": round(roster_seconds, 2),
        "peak_memory_mb": roster_peak,
    }
    if roster is not None:
        validation = validate_roster(scenario, roster)
        totals = validation.coverage.totals()
        roster_row |= {
            "shortfall_agent_hours": totals["shortfall_agent_hours"],
            "uncovered_hours": totals["uncovered_hours"],
            "shifts_rostered": len(roster),
            "violations": len(validation.violations),
            "violation_kinds": dict(Counter(v.rule for v in validation.violations)),
        }
    for row in (count_row, roster_row):
        row["above_bound"] = signed_above(row.get("shortfall_agent_hours"), bound)
    return [count_row, roster_row]


COLUMNS = (
    ("agents", "agents"), ("interval", "min"), ("shifts", "shifts"), ("seed", "seed"),
    ("model", "model"), ("status", "status"), ("shortfall_agent_hours", "short ah"),
    ("lower_bound_shortfall", "bound ah"), ("above_bound", "above"),
    ("uncovered_hours", "uncov h"), ("violations", "violations"), ("seconds", "s"),
    ("peak_memory_mb", "peak MB"), ("violation_kinds", "kinds"),
)  # fmt: skip


def cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "above_bound":
        return f"{value:.2%}"
    if key == "violation_kinds":
        return ", ".join(f"{rule} {n}" for rule, n in sorted(value.items())) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_instance_options(parser)
    parser.add_argument(
        "--time-limit", type=float, help="seconds per instance (default: as run.py, 60 or 120)"
    )
    parser.add_argument(
        "--daily",
        action="store_true",
        help="count model on 7 days sharing one set of shift templates (wraps at UTC midnight)",
    )
    parser.add_argument("--one", nargs=6, type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        size, seed, interval, flexible, limit, daily = args.one
        rows = run_one(
            int(size), int(seed), int(interval), bool(flexible), limit or None, bool(daily)
        )
        print(json.dumps(rows))
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(" | ".join(title for _, title in COLUMNS), flush=True)
    rows = []
    for size in args.sizes:
        for interval in args.intervals:
            for seed in args.seeds:
                command = [sys.executable, __file__, "--one", str(size), str(seed), str(interval)]
                command += [str(int(args.flexible)), str(args.time_limit or 0)]
                command += [str(int(args.daily))]
                output = subprocess.run(command, check=True, capture_output=True, text=True)
                for row in json.loads(output.stdout.strip().splitlines()[-1]):
                    rows.append(row)
                    print(" | ".join(cell(key, row.get(key)) for key, _ in COLUMNS), flush=True)
    out = Path(__file__).parent / "results" / "pyworkforce.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
