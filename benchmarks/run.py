"""Speed and quality benchmark of the week planner on generated teams.

Teams of 10, 50, 200, 1000 and 5000 agents spread over 10 zones (40 h / 5 days,
07:00-22:00 local), with fixed 8-hour shifts or flexible 6-10-hour shifts, on
30- or 15-minute intervals, and a follow-the-sun requirement with three
regional peaks sized to the team's contracted hours. With ``--queues`` the
requirement is split into one 24/7 English queue and German, Portuguese and
Japanese queues in their regions' business hours, and agents have one to three
skills. Each instance is solved in
a fresh process (so peak memory is its own) with 2 CP-SAT workers.

Per instance: status, shortfall, the aggregate-LP lower bound and how far above
it the roster is, the seconds to the first roster and to within 1 % of the
bound, when the coverage stage was proven optimal, total seconds, peak memory.

    python benchmarks/run.py                                  # the default set, seed 0
    python benchmarks/run.py --sizes 10 50 --seeds 0 1 2      # medians over seeds
    python benchmarks/run.py --protocol                       # the full protocol (long)
    python benchmarks/run.py --sizes 200 --queues --seeds 0 1 2   # the queues instance
    python benchmarks/run.py --sizes 200 --channels --seeds 0 1 2 # phone, chat, email

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
from typing import TYPE_CHECKING, Any

# The package of this tree is the one measured, also from a git worktree while
# another checkout is installed (the scripts that import this module share it).
ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path[:1]:
    sys.path.insert(0, ROOT)

if TYPE_CHECKING:
    from coverage.solver.problem import Problem

ZONES = (
    "America/Los_Angeles", "America/New_York", "America/Sao_Paulo", "Europe/Dublin",
    "Europe/Berlin", "Africa/Nairobi", "Asia/Kolkata", "Asia/Manila", "Asia/Tokyo",
    "Australia/Sydney",
)  # fmt: skip
WEEK_START = date(2026, 3, 23)
FIXED, FLEXIBLE = (8.0,), (6.0, 7.0, 8.0, 9.0, 10.0)


def time_limit(size: int) -> float:
    return 300.0 if size >= 5000 else 120.0 if size >= 1000 else 60.0


def generated_scenario(size: int, seed: int, interval: int = 30, flexible: bool = False):  # type: ignore[no-untyped-def]
    """A team of ``size`` agents and a requirement with three regional peaks."""
    from coverage.models import (
        Agent,
        Forecast,
        ForecastRow,
        Rules,
        Scenario,
        SolverSettings,
        Staffing,
    )  # fmt: skip

    rng = random.Random(seed * 10_007 + size)
    rules = Rules(shift_hours=FLEXIBLE if flexible else FIXED)
    agents = tuple(
        Agent(id=f"a{i:04d}", name=f"Agent {i}", timezone=ZONES[i % len(ZONES)], rules=rules)
        for i in range(size)
    )
    first = datetime.combine(WEEK_START, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    per_day = 24 * 60 // interval
    # Demand: Americas, EMEA and APAC business-hour bumps (UTC hours), weekend dip.
    peaks = ((15.0, 3.5, 1.0), (10.0, 3.0, 0.9), (2.0, 3.0, 0.7))
    shape = []
    for k in range(9 * per_day):
        start = first + timedelta(minutes=interval * k)
        hour = start.hour + start.minute / 60
        level = 0.15 + sum(
            weight * math.exp(-(((hour - centre + 12) % 24 - 12) ** 2) / (2 * width**2))
            for centre, width, weight in peaks
        )
        if start.weekday() >= 5:
            level *= 0.5
        shape.append(level * rng.uniform(0.9, 1.1))
    week = shape[per_day : per_day * 8]
    scale = size * 40 * (60 / interval) / sum(week)
    rows = tuple(
        ForecastRow(
            start=first + timedelta(minutes=interval * k), required=max(1, round(v * scale))
        )
        for k, v in enumerate(shape)
    )
    return Scenario(
        name=f"bench-{size}-{seed}",
        week_start=WEEK_START,
        interval_minutes=interval,
        agents=agents,
        forecast=Forecast(kind="required", step_minutes=interval, rows=rows),
        staffing=Staffing(min_agents=1),
        rules=rules,
        solver=SolverSettings(time_limit_seconds=time_limit(size), workers=2, seed=seed),
    )


# The queues instance: (queue, zone of its hours, hours, share of the requirement,
# zones whose agents may speak it). English is open 24/7 and takes the rest.
LANGUAGES = (
    ("german", "Europe/Berlin", "Mon-Fri 08:00-18:00", 0.12, ("Europe/Berlin", "Europe/Dublin")),
    ("portuguese", "America/Sao_Paulo", "Mon-Fri 09:00-18:00", 0.08,
     ("America/Sao_Paulo", "America/New_York")),
    ("japanese", "Asia/Tokyo", "Mon-Fri 09:00-18:00", 0.06, ("Asia/Tokyo", "Asia/Manila")),
)  # fmt: skip


def queued_scenario(size: int, seed: int, interval: int = 30, flexible: bool = False):  # type: ignore[no-untyped-def]
    """``generated_scenario`` with the requirement split into queues and skilled agents.

    Each language queue takes its share of the requirement in its open hours;
    English takes the rest (priority 2). In a language's zones about 70 % of the
    agents speak it (and most of them English too), a few elsewhere do as well.
    """
    from coverage.models import Forecast, ForecastRow, Queue
    from coverage.requirements import opening_spans, week_of

    base = generated_scenario(size, seed, interval, flexible)
    rng = random.Random(seed * 7919 + size)
    rows = base.forecast.rows
    week = base.week_start_utc
    total = [row.required or 0.0 for row in rows]
    english = list(total)
    queues = []
    for name, zone, hours, share, _ in LANGUAGES:
        shell = Queue(name=name, forecast=base.forecast, hours=hours, hours_timezone=zone)
        spans = opening_spans(shell, week_of(base))
        required = []
        for k, row in enumerate(rows):
            minute = (row.start - week).total_seconds() // 60 % (7 * 24 * 60)
            is_open = any(lo <= minute < hi for lo, hi in spans)
            value = max(1, round(total[k] * share * 2)) if is_open else 0
            english[k] = max(1.0, english[k] - value)
            required.append(value)
        forecast = Forecast(
            kind="required",
            step_minutes=interval,
            rows=tuple(
                ForecastRow(start=r.start, required=v) for r, v in zip(rows, required, strict=True)
            ),
        )
        queues.append(shell.replace(forecast=forecast))
    english_forecast = Forecast(
        kind="required",
        step_minutes=interval,
        rows=tuple(
            ForecastRow(start=r.start, required=round(v))
            for r, v in zip(rows, english, strict=True)
        ),
    )
    queues.insert(0, Queue(name="english", forecast=english_forecast, priority=2))
    agents = []
    for member in base.agents:
        skills = []
        for name, _, _, _, zones in LANGUAGES:
            if (member.timezone in zones and rng.random() < 0.7) or rng.random() < 0.03:
                skills.append(name)
        if not skills or rng.random() < 0.85:
            skills.insert(0, "english")
        agents.append(member.replace(skills=tuple(skills[:3])))
    return base.replace(name=f"bench-queues-{size}-{seed}", agents=tuple(agents),
                        forecast=None, queues=tuple(queues))  # fmt: skip


# The channels instance: (queue, channel, hours and their zone, share of the
# traffic, priority, zones whose agents serve it).
CHANNELS = (
    ("phone", "voice", "24/7", "UTC", 0.45, 3, ZONES),
    ("phone-de", "voice", "Mon-Fri 08:00-18:00", "Europe/Berlin", 0.1, 2,
     ("Europe/Berlin", "Europe/Dublin")),
    ("chat", "chat", "daily 07:00-23:00", "Europe/Dublin", 0.25, 2, ZONES),
    ("email", "email", "24/7", "UTC", 0.2, 1, ZONES),
)  # fmt: skip


def channel_scenario(size: int, seed: int, interval: int = 30, flexible: bool = False):  # type: ignore[no-untyped-def]
    """``generated_scenario``'s team and demand shape as contacts on two phone queues
    (the 24/7 one with Erlang A patience), a chat queue (two at once) and an email
    queue (4-hour window), for the service objective. The traffic is sized so that
    the queues need about 80 % of the contracted hours."""
    from coverage.models import Forecast, ForecastRow, Queue, Staffing

    base = generated_scenario(size, seed, interval, flexible)
    rng = random.Random(seed * 4099 + size)
    shape = [row.required or 0.0 for row in base.forecast.rows]
    mean = statistics.fmean(shape)
    # Agents on the queues on average, after 30 % shrinkage, at about 80 % occupancy.
    erlangs = size * 40 / 168 * 0.8 * 0.7 * 0.8
    queues = []
    for name, channel, hours, zone, share, priority, _ in CHANNELS:
        aht = {"voice": 360.0, "chat": 720.0, "email": 420.0}[channel]
        concurrency = 2 if channel == "chat" else 1
        per_interval = erlangs * share * concurrency * interval * 60 / aht
        rows = tuple(
            ForecastRow(start=row.start, contacts=round(per_interval * v / mean, 1))
            for row, v in zip(base.forecast.rows, shape, strict=True)
        )
        extra: dict[str, Any] = {}
        if name == "phone":
            extra = {"patience_seconds": 240.0, "max_abandon": 0.05}
        elif channel == "chat":
            extra = {"concurrency": 2}
        elif channel == "email":
            extra = {"answer_within_hours": 4.0, "window_service_level": 0.95}
        queues.append(
            Queue(
                name=name,
                channel=channel,  # type: ignore[arg-type]
                forecast=Forecast(kind="contacts", step_minutes=interval, rows=rows),
                hours=hours,
                hours_timezone=zone,
                priority=priority,
                staffing=Staffing(
                    aht_seconds=aht,
                    answer_seconds=60 if channel == "chat" else 20,
                    min_agents=0 if channel == "email" else 1,
                ),
                **extra,
            )
        )
    agents = []
    for member in base.agents:
        skills = [
            name
            for name, _, _, _, _, _, zones in CHANNELS
            if member.timezone in zones and rng.random() < (0.9 if name == "phone" else 0.45)
        ] or ["phone"]
        agents.append(member.replace(skills=tuple(skills[:3])))
    solver = base.solver.replace(objective="service")
    return base.replace(name=f"bench-channels-{size}-{seed}", agents=tuple(agents),
                        forecast=None, queues=tuple(queues), solver=solver)  # fmt: skip


def run_one(
    size: int, seed: int, interval: int, flexible: bool, queues: bool = False,
    channels: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Solve one instance in this process and measure it."""
    from coverage.solver import solve
    from coverage.solver.bound import above_bound, whole_bound
    from coverage.solver.model import SHORTFALL, STAGES, UNCOVERED
    from coverage.solver.solve import FIRST_ROSTER

    if channels:
        return run_channels(size, seed, interval, flexible)
    make = queued_scenario if queues else generated_scenario
    scenario = make(size, seed, interval, flexible)
    events: list[tuple[float, float, str]] = []
    started = time.perf_counter()
    result = solve(
        scenario,
        on_progress=lambda p: events.append((time.perf_counter() - started, p.objective, p.stage)),
    )
    wall = time.perf_counter() - started
    validation = result.validation if result.found_roster else None
    totals = validation.coverage.totals() if validation else {}
    bound = result.lower_bound
    # With queues, the terms and the bound weigh each queue by its priority.
    shortfall = result.terms.get("shortfall") if queues else totals.get("shortfall_agent_hours")
    above = None
    within_1 = None
    if bound and bound.shortfall_agent_hours is not None and shortfall is not None:
        above = above_bound(shortfall, bound.shortfall_agent_hours)
    if above is not None and result.engine == "first roster":
        # No full model (it could not be built in the time left): the first roster
        # is the answer, and it is within 1 % when it is done, or never.
        within_1 = round(result.build_seconds, 2) if above <= 0.01 else None
    elif above is not None and bound is not None and bound.shortfall_agent_hours is not None:
        # Stage-1 objective = uncovered x ratio + shortfall, in grid slots.
        ratio = result.weights[UNCOVERED] // result.weights[SHORTFALL]
        per_hour = 60 / result.grid_minutes
        target = (
            ratio * whole_bound(bound.uncovered_agent_hours * per_hour)
            + bound.shortfall_agent_hours * per_hour * 1.01
        )
        coverage_stage = (FIRST_ROSTER, " + ".join(STAGES[0]))
        hits = [
            t for t, value, stage in events if stage in coverage_stage and value <= target + 1e-6
        ]
        within_1 = round(hits[0], 2) if hits else None
    return {
        "agents": size,
        "seed": seed,
        "interval": interval,
        "shifts": ("6-10 h" if flexible else "8 h") + (" queues" if queues else ""),
        "time_limit": scenario.solver.time_limit_seconds,
        "status": result.status.value,
        "coverage_stage": result.stages[0].status.value if result.stages else None,
        "coverage_stage_seconds": round(result.build_seconds + result.stages[0].seconds, 2)
        if result.stages
        else None,
        "first_roster_seconds": round(result.build_seconds, 2),
        "within_1pct_seconds": within_1,
        "total_seconds": round(wall, 2),
        "shortfall_agent_hours": shortfall,
        "lower_bound_shortfall": round(bound.shortfall_agent_hours, 4)
        if bound and bound.shortfall_agent_hours is not None
        else None,
        "above_bound": round(above, 5) if above is not None else None,
        "uncovered_hours": totals.get("uncovered_hours"),
        "gap": result.gap,
        "violations": len(validation.violations) if validation else None,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "start_times": result.terms.get("start_time_changes"),
        "engine": result.engine,
    }


def run_channels(size: int, seed: int, interval: int, flexible: bool) -> dict[str, Any]:
    """The channels instance under the service objective: contacts late (weighted by
    priority, as the objective counts them) against the LP bound found in the run,
    and against the same bound solved afterwards without a time limit."""
    from coverage.solver import solve
    from coverage.solver.bound import above_bound, lower_bound
    from coverage.solver.problem import Problem

    scenario = channel_scenario(size, seed, interval, flexible)
    started = time.perf_counter()
    result = solve(scenario)
    wall = time.perf_counter() - started
    validation = result.validation if result.found_roster else None
    late = result.terms.get("contacts_late")
    in_run = result.lower_bound.contacts_late if result.lower_bound else None
    offline_started = time.perf_counter()
    offline = lower_bound(Problem.build(scenario))
    offline_late = offline.contacts_late if offline else None
    above = above_bound(late, offline_late) if late is not None and offline_late else None
    queues = validation.coverage.queues if validation else ()
    figures = [q.service.totals() for q in queues if q.service is not None]
    contacts = sum(f["contacts"] or 0.0 for f in figures)
    late_contacts = sum(f["contacts_late"] or 0.0 for f in figures)
    return {
        "agents": size,
        "seed": seed,
        "interval": interval,
        "shifts": ("6-10 h" if flexible else "8 h") + " channels",
        "time_limit": scenario.solver.time_limit_seconds,
        "status": result.status.value,
        "first_roster_seconds": round(result.build_seconds, 2),
        "total_seconds": round(wall, 2),
        "contacts": round(contacts, 1),
        "contacts_late": round(late_contacts, 2),
        "weighted_late": None if late is None else round(late, 2),
        "bound_in_run": None if in_run is None else round(in_run, 2),
        "bound_offline": None if offline_late is None else round(offline_late, 2),
        "bound_offline_seconds": round(time.perf_counter() - offline_started, 1),
        "above_bound": round(above, 5) if above is not None else None,
        "uncovered_hours": validation.coverage.totals()["uncovered_hours"] if validation else None,
        "violations": len(validation.violations) if validation else None,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


CHANNEL_COLUMNS = (
    ("agents", "agents"), ("seed", "seed"), ("status", "status"),
    ("first_roster_seconds", "1st roster s"), ("total_seconds", "total s"),
    ("contacts", "contacts"), ("contacts_late", "late"), ("weighted_late", "weighted late"),
    ("bound_in_run", "bound (run)"), ("bound_offline", "bound (offline)"),
    ("above_bound", "above"), ("uncovered_hours", "uncovered h"), ("peak_memory_mb", "peak MB"),
)  # fmt: skip


COLUMNS = (
    ("agents", "agents"), ("interval", "min"), ("shifts", "shifts"), ("seed", "seed"),
    ("status", "status"), ("coverage_stage", "coverage"), ("coverage_stage_seconds", "coverage s"),
    ("first_roster_seconds", "1st roster s"), ("within_1pct_seconds", "≤1 % s"),
    ("shortfall_agent_hours", "short ah"), ("lower_bound_shortfall", "bound ah"),
    ("above_bound", "above"), ("total_seconds", "total s"), ("peak_memory_mb", "peak MB"),
    ("start_times", "starts"), ("engine", "engine"),
)  # fmt: skip


def add_one_instance_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that name one instance (lp_bound.py, dive.py): see ``one_instance``."""
    parser.add_argument("instance", choices=("plain", "queues", "channels"))
    parser.add_argument("agents", type=int)
    parser.add_argument("--flexible", action="store_true", help="6-10 h shifts instead of 8 h")
    parser.add_argument("--seed", type=int, default=0)


def one_instance(args: argparse.Namespace) -> Problem:
    """The problem of the instance ``add_one_instance_arguments`` named, 30-minute grid."""
    from coverage.solver.problem import Problem

    make = {"plain": generated_scenario, "queues": queued_scenario, "channels": channel_scenario}
    return Problem.build(make[args.instance](args.agents, args.seed, 30, args.flexible))


def add_instance_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose instances (shared with pyworkforce_compare.py)."""
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200, 1000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--intervals", type=int, nargs="+", default=[30])
    parser.add_argument("--flexible", action="store_true", help="6-10 h shifts instead of 8 h")
    parser.add_argument(
        "--queues", action="store_true", help="English 24/7 and three language queues"
    )
    parser.add_argument(
        "--channels",
        action="store_true",
        help="two phone queues, chat and email, under the service objective",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_instance_options(parser)
    parser.add_argument(
        "--protocol", action="store_true", help="every size x interval x shifts x 3 seeds"
    )
    parser.add_argument("--one", nargs=6, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        size, seed, interval, flexible, queues, channels = args.one
        row = run_one(size, seed, interval, bool(flexible), bool(queues), bool(channels))
        print(json.dumps(row))
        return
    columns = CHANNEL_COLUMNS if args.channels else COLUMNS
    configs = [
        (size, interval, flexible)
        for size in args.sizes
        for interval in args.intervals
        for flexible in ([args.flexible] if not args.protocol else [False, True])
    ]
    seeds = [0, 1, 2] if args.protocol else args.seeds
    if args.protocol:
        configs = [(s, i, f) for s in args.sizes for i in (30, 15) for f in (False, True)]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(" | ".join(title for _, title in columns), flush=True)
    rows = []
    for size, interval, flexible in configs:
        for seed in seeds:
            command = [sys.executable, __file__, "--one", str(size), str(seed), str(interval)]
            output = subprocess.run(
                [*command, str(int(flexible)), str(int(args.queues)), str(int(args.channels))],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            row = json.loads(output.strip().splitlines()[-1])
            rows.append(row)
            cells = []
            for key, _ in columns:
                value = row[key]
                if key == "above_bound" and value is not None:
                    value = f"{value:.2%}"
                cells.append("-" if value is None else str(value))
            print(" | ".join(cells), flush=True)
    if len(seeds) > 1:
        print("\nmedians over seeds:")
        for size, interval, flexible in configs:
            kind = " channels" if args.channels else " queues" if args.queues else ""
            shifts = ("6-10 h" if flexible else "8 h") + kind
            mine = [
                r
                for r in rows
                if (r["agents"], r["interval"], r["shifts"]) == (size, interval, shifts)
            ]
            above = [r["above_bound"] for r in mine if r["above_bound"] is not None]
            median = f"{statistics.median(above):.2%}" if above else "-"
            late = [r["weighted_late"] for r in mine if r.get("weighted_late") is not None]
            late_text = f", weighted late {statistics.median(late):.1f}" if late else ""
            print(
                f"{size} agents, {interval} min, {shifts}: above bound {median}{late_text}, "
                f"total s {statistics.median(r['total_seconds'] for r in mine):.1f}"
            )
    out = Path(__file__).parent / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
