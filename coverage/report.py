"""Coverage, gaps and summaries as data frames, dicts and Rich renderables.

Report code never prints and never solves: it takes the scenario, the roster
and the validator's coverage, and returns things for the CLI to show or write.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from rich import box
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from coverage.errors import InputError
from coverage.models import WEEK_MINUTES, WEEKDAYS, Queue, Scenario, format_clock
from coverage.requirements import QueueRequirements, Requirements
from coverage.solver.bound import above_bound
from coverage.solver.result import Result, TermGap
from coverage.timegrid import Shift, Week, iso_utc, local_instant
from coverage.validate import Coverage, QueueCoverage, Violation

if TYPE_CHECKING:
    from coverage.plan import Plan
    from coverage.replan import Change, Replan
    from coverage.score import Score

GAP_COLUMNS = [
    "queue", "start_utc", "end_utc", "hours", "min_scheduled",
    "max_shortfall", "shortfall_agent_hours", "uncovered",
]  # fmt: skip


# --- frames --------------------------------------------------------------------------


def coverage_frame(scenario: Scenario, coverage: Coverage) -> pd.DataFrame:
    """Per queue and reporting interval: required, average scheduled, average shortfall.

    ``scheduled`` averages over the interval's minutes (one agent from 09:30
    counts 0.5 in the 09:00-10:00 hour), and ``shortfall * hours`` is the
    interval's shortfall in agent-hours. ``contacts`` and ``service_level``
    are there when a queue has contacts (empty for a queue of required agents).
    """
    frames = [_queue_coverage_frame(queue) for queue in coverage.queues]
    frame = pd.concat(frames, ignore_index=True)
    columns = [c for c in COVERAGE_COLUMNS if c in frame.columns]
    return frame[columns]


COVERAGE_COLUMNS = [
    "queue", "start_utc", "end_utc", "required", "scheduled", "shortfall",
    "contacts", "service_level", "contacts_late", "abandoned", "backlog",
]  # fmt: skip


def _queue_coverage_frame(coverage: QueueCoverage) -> pd.DataFrame:
    week = coverage.week
    requirements = coverage.requirements
    scheduled = coverage.per_interval(coverage.on).mean(axis=1)
    shortfall = coverage.per_interval(coverage.short).mean(axis=1)
    # An interval the queue is open for only part of requires that share of it.
    required = coverage.per_interval(coverage.required).mean(axis=1)
    starts = [week.interval_start(i) for i in range(week.intervals)]
    step = timedelta(minutes=week.interval_minutes)
    frame = pd.DataFrame(
        {
            "queue": coverage.name,
            "start_utc": [iso_utc(s) for s in starts],
            "end_utc": [iso_utc(s + step) for s in starts],
            "required": pd.Series([_number(r) for r in required], dtype=object),
            "scheduled": np.round(scheduled, 4),
            "shortfall": np.round(shortfall, 4),
        }
    )
    service = coverage.service
    if requirements.contacts is not None and service is not None:
        frame["contacts"] = np.round(requirements.contacts, 3)
        counted = service.contacts
        email = requirements.is_email
        frame["service_level"] = [
            round(1 - late / n, 4) if n > 1e-9 else (None if not email and not is_open else 1.0)
            for n, late, is_open in zip(
                counted, service.late, _open_intervals(coverage), strict=True
            )
        ]
        frame["contacts_late"] = np.round(service.late, 3)
        if service.abandoned is not None:
            frame["abandoned"] = np.round(service.abandoned, 3)
        if service.backlog is not None:
            frame["backlog"] = np.round(service.backlog, 3)
    return frame


def _number(value: float) -> int | float:
    """A whole number as an int (``1``, not ``1.0``), else rounded to 4 places."""
    return int(value) if float(value).is_integer() else round(float(value), 4)


def _open_intervals(coverage: QueueCoverage) -> list[bool]:
    """Whether the queue is open at some minute of each reporting interval."""
    return [bool(row.any()) for row in coverage.per_interval(coverage.requirements.open_minutes)]


def gaps_frame(coverage: Coverage) -> pd.DataFrame:
    """Per queue, one row per contiguous run of intervals in which anyone is missing;
    queues in scenario order, runs in time order."""
    frames = [_queue_gaps(queue) for queue in coverage.queues]
    rows = [f for f in frames if len(f)]
    if not rows:
        return pd.DataFrame(columns=GAP_COLUMNS)
    return pd.concat(rows, ignore_index=True)[GAP_COLUMNS]


def _queue_gaps(coverage: QueueCoverage) -> pd.DataFrame:
    """One queue's gaps.

    An interval is in a gap when at some minute fewer agents serve the queue
    than it requires. A run touching the end of the week continues into its
    start (the roster repeats), so it is reported once, ending in the next week.
    """
    week = coverage.week
    size = week.interval_minutes
    short_interval = coverage.per_interval(coverage.short).max(axis=1) > 0
    n = week.intervals
    if not short_interval.any():
        return pd.DataFrame(columns=GAP_COLUMNS)
    if short_interval.all():
        runs = [(0, n)]
    else:
        first_clear = int(np.argmin(short_interval))
        runs = []
        start = None
        for k in range(first_clear, first_clear + n + 1):
            short = bool(short_interval[k % n]) and k < first_clear + n
            if short and start is None:
                start = k
            elif not short and start is not None:
                runs.append((start, k))
                start = None
    rows = []
    for first, end in runs:
        # The scan starts at the first clear interval, so a run after the week's
        # end is the same run at its start: report it in the week.
        lo, hi = (first - n, end - n) if first >= n else (first, end)
        minutes = np.arange(lo * size, hi * size) % WEEK_MINUTES
        on, shortfall = coverage.on[minutes], coverage.short[minutes]
        rows.append(
            {
                "queue": coverage.name,
                "start_utc": iso_utc(week.interval_start(lo)),
                "end_utc": iso_utc(week.interval_start(hi)),
                "hours": (hi - lo) * size / 60,
                "min_scheduled": int(on.min()),
                "max_shortfall": int(shortfall.max()),
                "shortfall_agent_hours": round(float(shortfall.sum()) / 60, 4),
                "uncovered": bool(coverage.uncovered[minutes].any()),
            }
        )
    return pd.DataFrame(rows, columns=GAP_COLUMNS).sort_values("start_utc", ignore_index=True)


def agent_hours_frame(scenario: Scenario, roster: Sequence[Shift]) -> pd.DataFrame:
    rows = []
    for agent in scenario.agents:
        shifts = [s for s in roster if s.agent_id == agent.id]
        contract = agent.contract(scenario.week_dates)
        starts = sorted({s.local_start(agent.zone).strftime("%H:%M") for s in shifts})
        rows.append(
            {
                "agent_id": agent.id,
                "agent_name": agent.name,
                "timezone": agent.timezone,
                "contract_hours": contract.minutes / 60,
                "scheduled_hours": sum(s.minutes for s in shifts) / 60,
                "days": len(shifts),
                "start_times": " ".join(starts),
            }
        )
    return pd.DataFrame(rows)


def queue_service_level(coverage: QueueCoverage) -> float | None:
    """A queue's service level over the week: the share of its contacts answered
    within target (None without contacts)."""
    service = coverage.service
    if service is None:
        return None
    level = service.totals()["service_level_achieved"]
    return None if level is None else round(level, 4)


def summary_service_level(scenario: Scenario, coverage: Coverage) -> float | None:
    """The week's service level over every queue with contacts, weighted by contacts
    (None without contacts)."""
    figures = [q.service.totals() for q in coverage.queues if q.service is not None]
    total = sum(f["contacts"] or 0.0 for f in figures)
    if not total:
        return None
    return round(sum(f["answered_in_time"] or 0.0 for f in figures) / total, 4)


def service_target(queue: Queue) -> float:
    """The share a queue promises within target: email's within its window."""
    return queue.window_service_level if queue.channel == "email" else queue.staffing.service_level


def queue_records(scenario: Scenario, coverage: Coverage) -> list[dict[str, Any]]:
    """Per queue: its hours, priority and week in numbers, for ``summary.json``."""
    records = []
    for queue, measured in zip(scenario.queues, coverage.queues, strict=True):
        totals = measured.totals()
        record: dict[str, Any] = {
            "queue": queue.name,
            "hours": queue.hours_text(),
            "hours_timezone": queue.hours_timezone or scenario.timezone,
            "open_hours": round(measured.requirements.open_hours, 4),
            "priority": queue.priority,
            "min_agents": queue.staffing.min_agents,
            "agents_with_skill": sum(
                1 for agent in scenario.agents if queue.name in scenario.skills_of(agent)
            ),
            **{k: round(v, 4) for k, v in totals.items()},
        }
        record["channel"] = queue.channel
        if measured.service is not None:
            figures = measured.service.totals()
            record["contacts"] = round(figures["contacts"] or 0.0, 3)
            record["answered_in_time"] = round(figures["answered_in_time"] or 0.0, 3)
            record["contacts_late"] = round(figures["contacts_late"] or 0.0, 3)
            record["service_level"] = queue_service_level(measured)
            record["service_level_target"] = service_target(queue)
            if "abandon_share" in figures:
                record["abandoned"] = round(figures["abandoned"] or 0.0, 3)
                record["abandon_share"] = round(figures["abandon_share"] or 0.0, 4)
            if queue.channel == "email":
                record["answer_within_hours"] = queue.answer_within_hours
                record["email_hours"] = round(measured.service.email_hours or 0.0, 4)
                record["email_work_hours"] = round(measured.service.email_work_hours or 0.0, 4)
        records.append(record)
    return records


def solve_record(result: Result) -> dict[str, Any]:
    """How the solve went, for ``summary.json``."""
    return {
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "term_gaps": {
            name: {
                "value": round(gap.value, 4),
                "bound": round(gap.bound, 4),
                "above": round(gap.above, 4),
                "relative": None if gap.relative is None else round(gap.relative, 6),
                "unit": gap.unit,
            }
            for name, gap in result.term_gaps.items()
        },
        # Wall-clock seconds vary between runs; a deterministic run leaves them out so
        # that its files are byte-identical, and records the work done instead.
        "solve_seconds": None if result.deterministic else round(result.runtime, 3),
        "deterministic": result.deterministic,
        "deterministic_time": result.deterministic_time,
        "interrupted": result.interrupted,
        "engine": result.engine,
        "objective_terms": result.terms,
        "objective_weights": result.weights,
        "stages": [
            {
                "terms": list(stage.terms),
                "status": stage.status.value,
                "objective": stage.objective,
                "best_bound": stage.best_bound,
                "seconds": None if result.deterministic else round(stage.seconds, 3),
            }
            for stage in result.stages
        ],
    }


def summary(
    scenario: Scenario,
    result: Result | None,
    coverage: Coverage | None,
    grid_minutes: int,
    agent_hours: pd.DataFrame | None = None,
    gaps: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The plan in numbers, as written to ``summary.json``; without a ``result``, a
    roster given to be scored (status ``SCORED``)."""
    week = coverage.week if coverage else None
    data: dict[str, Any] = {
        "scenario": scenario.name,
        "week_start": scenario.week_start.isoformat(),
        "timezone": scenario.timezone,
        "interval_minutes": scenario.interval_minutes,
        "grid_minutes": grid_minutes,
        "agents": len(scenario.agents),
        "status": "SCORED" if result is None else result.status.value,
    }
    if result is not None:
        data.update(solve_record(result))
    if coverage is not None and week is not None:
        data["week_start_utc"] = iso_utc(week.start_utc)
        data["week_end_utc"] = iso_utc(week.end_utc)
        totals = coverage.totals()
        data.update({k: round(v, 4) for k, v in totals.items()})
        if result is not None and result.lower_bound is not None:
            bound = result.lower_bound
            data["lower_bound"] = {"uncovered_agent_hours": round(bound.uncovered_agent_hours, 4)}
            data["weighted_by_priority"] = any(q.priority != 1 for q in scenario.queues)
            if bound.shortfall_agent_hours is not None:
                data["lower_bound"]["shortfall_agent_hours"] = round(bound.shortfall_agent_hours, 4)
                # The bound weighs each queue's shortfall by its priority; so does this.
                weighted = sum(
                    queue.priority * measured.totals()["shortfall_agent_hours"]
                    for queue, measured in zip(scenario.queues, coverage.queues, strict=True)
                )
                above = above_bound(weighted, bound.shortfall_agent_hours)
                data["shortfall_above_bound"] = None if above is None else round(above, 6)
            if bound.contacts_late is not None:
                data["lower_bound"]["contacts_late"] = round(bound.contacts_late, 4)
        data["queues"] = queue_records(scenario, coverage)
        with_contacts = [q.service.totals() for q in coverage.queues if q.service is not None]
        if with_contacts:
            data["contacts"] = round(sum(f["contacts"] or 0.0 for f in with_contacts), 3)
            data["contacts_late"] = round(sum(f["contacts_late"] or 0.0 for f in with_contacts), 3)
            data["service_level"] = summary_service_level(scenario, coverage)
            if len(scenario.queues) == 1:
                data["service_level_target"] = service_target(scenario.queues[0])
        data["objective_kind"] = scenario.solver.objective
    if gaps is not None:
        data["gaps"] = len(gaps)
    if agent_hours is not None:
        data["agent_hours"] = agent_hours.to_dict(orient="records")
    return data


# --- Rich renderables -----------------------------------------------------------------


def summary_panel(data: dict[str, Any]) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    status = data["status"]
    colour = {"OPTIMAL": "green", "FEASIBLE": "yellow", "SCORED": "cyan"}.get(status, "red")
    proof = {
        "SCORED": "a given roster, scored as it is",
        "OPTIMAL": "every stage proven optimal",
        "FEASIBLE": "a roster, not every stage proven (see below)"
        if data.get("stages")
        else "the first roster: no time was left to search for a better one",
    }.get(status, "no roster")
    took = (
        ""
        if status == "SCORED"
        else f"  ({data['solve_seconds']:.1f} s)"
        if data["solve_seconds"] is not None
        else f"  ({data['deterministic_time']:g} work units)"
    )
    stopped = "  stopped by Ctrl-C: best roster so far" if data.get("interrupted") else ""
    grid.add_row("Status", Text(f"{status}  {proof}{took}{stopped}", style=colour))
    for stage in data.get("stages", []):
        took_stage = f" ({stage['seconds']:.1f} s)" if stage["seconds"] is not None else ""
        detail = [
            _gap_text(name if len(stage["terms"]) > 1 else "", name, data["term_gaps"][name])
            for name in stage["terms"]
            if name in data.get("term_gaps", {})
        ]
        grid.add_row(
            f"  {' + '.join(stage['terms'])}",
            f"{stage['status'].lower()}{took_stage}" + (": " + "; ".join(detail) if detail else ""),
        )
    if data.get("engine") == "chains":
        grid.add_row(
            "  engine", "chains of a few agents at a time: the full model is too large to build"
        )
    grid.add_row(
        "Week",
        f"{data.get('week_start_utc', data['week_start'])} → {data.get('week_end_utc', '')} "
        f"(report zone {data['timezone']}, {data['interval_minutes']}-min intervals)",
    )
    grid.add_row(
        "Team",
        f"{data['agents']} agents; coverage exact on a {data['grid_minutes']}-minute UTC grid",
    )
    if "required_agent_hours" in data:
        uncovered = data["uncovered_hours"]
        several = len(data.get("queues", [])) > 1
        grid.add_row(
            "Uncovered",
            Text(
                f"{uncovered:g} queue-hours with fewer than the queue's minimum on, "
                "summed over the queues"
                if several
                else f"{uncovered:g} h with fewer than the minimum on",
                style="red" if uncovered else "green",
            ),
        )
        grid.add_row(
            "Agent-hours",
            f"required {data['required_agent_hours']:g} · "
            f"scheduled {data['scheduled_agent_hours']:g} · "
            f"short {data['shortfall_agent_hours']:g} · over {data['overstaffed_agent_hours']:g}",
        )
        if "lower_bound" in data:
            grid.add_row("Lower bound", _bound_text(data))
        if data.get("service_level") is not None:
            grid.add_row(
                "Service level",
                f"{data['service_level']:.1%} projected, {data['contacts_late']:,.0f} of "
                f"{data['contacts']:,.0f} contacts late"
                + (
                    f" (target {data['service_level_target']:.0%})"
                    if "service_level_target" in data
                    else " over every queue with contacts"
                ),
            )
        grid.add_row("Gaps", f"{data.get('gaps', 0)} runs of intervals short of the requirement")
    return Panel(grid, title=escape(data["scenario"]), border_style=colour)


def _gap_text(label: str, name: str, gap: dict[str, Any]) -> str:
    """A term of ``summary.json`` against its best known bound, as ``TermGap`` says it."""
    weighted = gap.get("unit", "").startswith("priority-weighted")
    return TermGap(name, gap["value"], gap["bound"], weighted).describe(label)


def _local_hour(day: date, hour: int, zone: ZoneInfo, week: Week) -> np.ndarray | None:
    """Minutes of the week in that local hour, or None if the clocks skip it."""
    start = local_instant(day, hour * 60, zone)
    if start is None:
        return None
    first = week.minute_of_week(start)
    return np.arange(first, first + 60) % WEEK_MINUTES


def _cell_number(value: float) -> str:
    """``3``, ``0.5`` or ``0.25``: whole numbers without decimals, others as needed."""
    return f"{value:.0f}" if value == int(value) else f"{value:.2f}".rstrip("0")


def _cell_style(scheduled: float, required: float, uncovered: bool) -> str:
    if uncovered:
        return "bold white on red"
    if scheduled + 1e-9 < required:
        return "black on yellow"
    if scheduled >= required + 2:
        return "black on cyan"
    return "black on green"


def heatmap(scenario: Scenario, coverage: QueueCoverage, width: int | None = None) -> Group:
    """One queue's scheduled and required by day x hour in the scenario's zone.

    Hours in which the queue is closed throughout are left blank. When the
    table of ``on/required`` cells would not fit in ``width`` columns, it
    shows only the agents on; the colour still says how that compares with the
    requirement.
    """
    zone = ZoneInfo(scenario.timezone)
    week = coverage.week
    open_minutes = coverage.requirements.open_minutes
    cells: dict[tuple[date, int], tuple[str, str, str] | None] = {}
    for day in scenario.week_dates:
        for hour in range(24):
            minutes = _local_hour(day, hour, zone, week)
            if minutes is None:  # the clocks skip this hour
                cells[day, hour] = None
                continue
            if not open_minutes[minutes].any():
                cells[day, hour] = ("", "", "")
                continue
            on, required = coverage.on[minutes], coverage.required[minutes]
            scheduled, need = float(on.mean()), float(required.mean())
            label, wanted = _cell_number(scheduled), _cell_number(need)
            style = _cell_style(scheduled, need, bool(coverage.uncovered[minutes].any()))
            cells[day, hour] = (label, f"{label}/{wanted}", style)
    widest = max((len(c[1]) for c in cells.values() if c), default=1)
    compact = width is not None and 11 + 24 * (max(widest, 4) + 1) > width
    what = "Agents on" if compact else "Agents on / required"
    queue = f"{coverage.name}: " if len(scenario.queues) > 1 else ""
    table = Table(
        box=box.SIMPLE_HEAD,
        padding=0,
        title=escape(f"{queue}{what} by hour ({scenario.timezone})"),
    )
    table.add_column("day", style="bold", no_wrap=True)
    for hour in range(24):
        table.add_column(
            f"{hour:02d}", justify="center", no_wrap=True, min_width=2 if compact else 4
        )
    day_format = "%d" if compact else "%d %b"
    for day in scenario.week_dates:
        row: list[Text] = []
        for hour in range(24):
            cell = cells[day, hour]
            if cell is None:
                row.append(Text("·", style="dim"))
            else:
                row.append(Text(cell[0] if compact else cell[1], style=cell[2]))
        table.add_row(f"{WEEKDAYS[day.weekday()]} {day.strftime(day_format)}", *row)
    legend = Text.assemble(
        ("  nobody/too few on  ", "bold white on red"), " ",
        ("  short  ", "black on yellow"), " ",
        ("  met  ", "black on green"), " ",
        ("  2+ over  ", "black on cyan"),
        *(("  blank: closed",) if not coverage.requirements.open_minutes.all() else ()),
    )  # fmt: skip
    return Group(table, legend)


def local_span(zone_name: str, start: datetime, end: datetime) -> str:
    """A span on a zone's wall clock, e.g. ``Dublin Wed 18:00–Thu 09:00`` (the end's day
    only when it differs)."""
    zone = ZoneInfo(zone_name)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    city = zone_name.split("/")[-1].replace("_", " ")
    ends = (
        f"{local_end:%H:%M}" if local_end.date() == local_start.date() else f"{local_end:%a %H:%M}"
    )
    return f"{city} {local_start:%a %H:%M}–{ends}"


def _neighbour_zones(scenario: Scenario, start: datetime, end: datetime) -> str:
    """Local times of the gap in the team zones whose day ends before it and starts after it."""
    zones = sorted({a.timezone for a in scenario.agents})
    if not zones:
        return ""

    def clock(instant: datetime, zone: str) -> int:
        local = instant.astimezone(ZoneInfo(zone))
        return local.hour * 60 + local.minute

    latest_end = scenario.rules.latest_end
    earliest = scenario.rules.earliest_start
    ending = min(zones, key=lambda z: (clock(start, z) - latest_end) % 1440)
    starting = min(zones, key=lambda z: (earliest - clock(end, z)) % 1440)
    return "; ".join(local_span(zone, start, end) for zone in dict.fromkeys((ending, starting)))


def _local_times(scenario: Scenario, queue: str | None, start: datetime, end: datetime) -> str:
    """The gap in the queue's own zone (when its hours have one), then nearby team zones."""
    nearby = _neighbour_zones(scenario, start, end)
    zone = scenario.queue(queue).hours_timezone if queue is not None else None
    if zone is None:
        return nearby
    own = local_span(zone, start, end)
    return "; ".join(dict.fromkeys([own, *nearby.split("; ")])) if nearby else own


VIOLATION_COLUMNS = ["agent_id", "rule", "shift_start_local", "shift_end_local", "detail"]


def violations_frame(scenario: Scenario, violations: Sequence[Violation]) -> pd.DataFrame:
    """One row per broken rule (the columns of ``violations.csv``), with the local times
    of the shift that breaks it (blank for a rule of the whole week)."""
    zones = {agent.id: agent.zone for agent in scenario.agents}
    rows = []
    for violation in violations:
        shift, zone = violation.shift, zones.get(violation.agent_id, ZoneInfo("UTC"))
        rows.append(
            {
                "agent_id": violation.agent_id,
                "rule": violation.rule,
                "shift_start_local": shift.local_start(zone).isoformat() if shift else "",
                "shift_end_local": shift.local_end(zone).isoformat() if shift else "",
                "detail": violation.detail,
            }
        )
    return pd.DataFrame(rows, columns=VIOLATION_COLUMNS)


def violations_table(frame: pd.DataFrame, limit: int = 30) -> Table:
    """The broken rules, one per row, in the agent's local time."""
    table = Table(
        title=f"Broken rules ({min(limit, len(frame))} of {len(frame)})", box=box.SIMPLE_HEAD
    )
    for column in ("agent", "rule", "shift (local)", "detail"):
        table.add_column(column)
    for row in frame.head(limit).itertuples():
        when = ""
        if row.shift_start_local:
            start = datetime.fromisoformat(str(row.shift_start_local))
            end = datetime.fromisoformat(str(row.shift_end_local))
            when = f"{start:%a %d %H:%M}–{end:%H:%M}"
        table.add_row(
            escape(str(row.agent_id)), escape(str(row.rule)), when, escape(str(row.detail)),
            style="red",
        )  # fmt: skip
    return table


def _figure(value: Any, key: str) -> str:
    if value is None:
        return "—"
    if key == "service_level":
        return f"{value:.1%}"
    return f"{value:,.4g}" if isinstance(value, float) else f"{value:,}"


def compare_table(compared: dict[str, Any], labels: Sequence[tuple[str, str]]) -> Table:
    """The given roster against the optimiser's, figure by figure."""
    table = Table(title="What solving the week would gain", box=box.SIMPLE_HEAD)
    for column, justify in (("", "left"), ("your roster", "right"), ("solved", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    table.add_column("gain", justify="right")
    for key, label in labels:
        theirs, ours = compared[key]["theirs"], compared[key]["ours"]
        gain = ""
        if isinstance(theirs, int | float) and isinstance(ours, int | float):
            better = ours > theirs if key == "service_level" else ours < theirs
            difference = ours - theirs if key == "service_level" else theirs - ours
            gain = _figure(abs(difference), key) if difference else "same"
            if key == "service_level" and difference:
                gain = f"{abs(difference) * 100:.1f} points"
            gain = f"[green]{gain}[/]" if better else gain
        table.add_row(label, _figure(theirs, key), _figure(ours, key), gain)
    return table


def gaps_table(scenario: Scenario, gaps: pd.DataFrame, limit: int = 10) -> Table:
    """The worst gaps first: uncovered ones, then by shortfall agent-hours."""
    worst = gaps.sort_values(["uncovered", "shortfall_agent_hours"], ascending=[False, False]).head(
        limit
    )
    table = Table(title=f"Worst gaps ({len(worst)} of {len(gaps)})", box=box.SIMPLE_HEAD)
    named = len(scenario.queues) > 1
    columns = ("UTC", "hours", "min on", "max short", "agent-h short", "local time nearby")
    for column in (("queue",) if named else ()) + columns:
        table.add_column(
            column, justify="left" if column in ("queue", "UTC", "local time nearby") else "right"
        )
    for row in worst.itertuples():
        start = datetime.fromisoformat(str(row.start_utc))
        end = datetime.fromisoformat(str(row.end_utc))
        style = "red" if row.uncovered else ""
        table.add_row(
            *((escape(str(row.queue)),) if named else ()),
            f"{start:%a %d %H:%M}–{end:%a %H:%M}",
            f"{row.hours:g}",
            str(row.min_scheduled),
            str(row.max_shortfall),
            f"{row.shortfall_agent_hours:g}",
            escape(_local_times(scenario, str(row.queue) if named else None, start, end)),
            style=style,
        )
    return table


def agent_hours_table(frame: pd.DataFrame) -> Table:
    table = Table(title="Agents", box=box.SIMPLE_HEAD)
    for column in ("agent", "zone", "hours", "contract", "days", "local starts"):
        table.add_column(
            column, justify="right" if column in ("hours", "contract", "days") else "left"
        )
    for row in frame.itertuples():
        table.add_row(
            escape(f"{row.agent_name} ({row.agent_id})"),
            str(row.timezone),
            f"{row.scheduled_hours:g}",
            f"{row.contract_hours:g}",
            str(row.days),
            str(row.start_times),
        )
    return table


def requirement_table(scenario: Scenario, requirements: Requirements) -> Table:
    """The requirement curve (no roster yet): required agents by day x hour, summed
    over the queues open in the hour."""
    zone = ZoneInfo(scenario.timezone)
    week = requirements.week
    required = np.sum([q.required_minutes for q in requirements.queues], axis=0)
    what = "all queues" if len(requirements.queues) > 1 else scenario.timezone
    table = Table(
        box=box.SIMPLE_HEAD,
        padding=0,
        title=f"Required agents by hour ({what}"
        + (f", {scenario.timezone})" if len(requirements.queues) > 1 else ")"),
    )
    table.add_column("day", style="bold", no_wrap=True)
    for hour in range(24):
        table.add_column(f"{hour:02d}", justify="right", min_width=3)
    for day in scenario.week_dates:
        cells = []
        for hour in range(24):
            minutes = _local_hour(day, hour, zone, week)
            if minutes is None:
                cells.append("·")
                continue
            cells.append(f"{required[minutes].max():.0f}")
        table.add_row(f"{WEEKDAYS[day.weekday()]} {day:%d %b}", *cells)
    return table


def _utc_spans(requirements: QueueRequirements, limit: int = 14) -> str:
    """The opening spans on the UTC week, e.g. ``Mon 07:00-17:00, …, Fri 22:00-Sat 04:00``."""
    week = requirements.week
    spans = requirements.open_spans
    if spans == ((0, WEEK_MINUTES),):
        return "always"
    texts = []
    for lo, hi in spans[:limit]:
        start = week.start_utc + timedelta(minutes=lo)
        end = week.start_utc + timedelta(minutes=hi)
        same_day = (end - timedelta(minutes=1)).date() == start.date()
        texts.append(
            f"{start:%a %H:%M}-{end:%H:%M}" if same_day else f"{start:%a %H:%M}-{end:%a %H:%M}"
        )
    more = f", … ({len(spans)} spans)" if len(spans) > limit else ""
    return ", ".join(texts) + more


def queue_table(scenario: Scenario, requirements: Requirements) -> Table:
    """The queues: opening hours in their zone and in UTC, priority, floor, the
    requirement, and who can serve each."""
    table = Table(title=f"Queues ({len(scenario.queues)})", box=box.SIMPLE_HEAD)
    for column in ("queue", "hours (own zone)", "in UTC", "priority", "min", "required ah",
                   "agents who serve it"):  # fmt: skip
        table.add_column(
            column, justify="right" if column in ("priority", "min", "required ah") else "left"
        )
    for queue, need in zip(scenario.queues, requirements.queues, strict=True):
        serving = [a for a in scenario.agents if queue.name in scenario.skills_of(a)]
        names = ", ".join(a.id for a in serving[:6]) + (
            f" and {len(serving) - 6} more" if len(serving) > 6 else ""
        )
        table.add_row(
            escape(queue.name),
            f"{queue.hours_text()} ({queue.hours_timezone or scenario.timezone})",
            _utc_spans(need),
            str(queue.priority),
            str(queue.staffing.min_agents),
            f"{round(need.required_minutes.sum() / 60 + need.email_agent_hours, 1):g}",
            Text(f"{len(serving)}: " + names) if serving else Text("nobody", style="bold red"),
        )
    return table


def check_queue(scenario: Scenario, name: str | None) -> str | None:
    """The queue ``name`` (from ``--queue``) names, in any case; ``InputError`` if none."""
    if name is None:
        return None
    for known in scenario.queue_names:
        if known.lower() == name.lower():
            return known
    raise InputError(
        "--queue", f"unknown queue {name!r}; the queues are {', '.join(scenario.queue_names)}"
    )


def queues_nobody_serves(scenario: Scenario) -> list[str]:
    """Queues no agent has the skill for: uncovered in all their open hours."""
    return [
        q.name
        for q in scenario.queues
        if not any(q.name in scenario.skills_of(agent) for agent in scenario.agents)
    ]


def queue_summary_table(data: dict[str, Any]) -> Table:
    """Per queue from ``summary.json``: required, scheduled, short, uncovered, service level."""
    table = Table(title="Queues", box=box.SIMPLE_HEAD)
    for column in ("queue", "hours", "priority", "required ah", "scheduled ah", "short ah",
                   "uncovered h", "service level"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("queue", "hours") else "right")
    for record in data.get("queues", []):
        level = record.get("service_level")
        uncovered = record["uncovered_hours"]
        table.add_row(
            escape(record["queue"]),
            escape(f"{record['hours']} ({record['hours_timezone']})"),
            str(record["priority"]),
            f"{record['required_agent_hours']:g}",
            f"{record['scheduled_agent_hours']:g}",
            f"{record['shortfall_agent_hours']:g}",
            Text(f"{uncovered:g}", style="red" if uncovered else ""),
            "-" if level is None else f"{level:.1%}",
        )
    return table


def service_table(data: dict[str, Any]) -> Table | None:
    """Per queue with contacts, from ``summary.json``: contacts, answered in time, late,
    the service level against its target, and who hung up (None without contacts)."""
    records = [r for r in data.get("queues", []) if "contacts" in r]
    if not records:
        return None
    table = Table(title="Service over the week", box=box.SIMPLE_HEAD)
    for column in ("queue", "channel", "contacts", "in time", "late", "service level",
                   "abandoned"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("queue", "channel") else "right")
    for record in records:
        level, target = record.get("service_level"), record["service_level_target"]
        channel = record["channel"]
        if channel == "email":
            channel += f" {record['answer_within_hours']:g} h"
        table.add_row(
            escape(record["queue"]),
            channel,
            f"{record['contacts']:,.0f}",
            f"{record['answered_in_time']:,.0f}",
            Text(
                f"{record['contacts_late']:,.0f}",
                style="red" if record["contacts_late"] >= 1 else "",
            ),
            Text(
                "-" if level is None else f"{level:.1%} (target {target:.0%})",
                style="" if level is None or level >= target - 1e-9 else "yellow",
            ),
            f"{record['abandon_share']:.1%}" if "abandon_share" in record else "",
        )
    return table


def team_table(scenario: Scenario) -> Table:
    table = Table(title=f"Team ({len(scenario.agents)} agents)", box=box.SIMPLE_HEAD)
    for column in (
        "id",
        "name",
        "zone",
        "week h",
        "days",
        "shifts h",
        "window",
        "availability",
        "days off",
        *(("skills",) if scenario.declares_queues else ()),
    ):
        table.add_column(column)
    for agent in scenario.agents:
        rules = agent.rules
        contract = agent.contract(scenario.week_dates)
        availability = ", ".join(
            f"{WEEKDAYS[w.day]} {format_clock(w.start)}-{format_clock(w.end)}"
            for w in agent.availability
        )
        table.add_row(
            escape(agent.id),
            escape(agent.name),
            agent.timezone,
            f"{contract.minutes / 60:g}",
            str(contract.max_days),
            "/".join(f"{h:g}" for h in rules.shift_hours),
            f"{format_clock(rules.earliest_start)}-{format_clock(rules.latest_end)}",
            availability or "any",
            ", ".join(sorted(d.isoformat() for d in agent.time_off if d in scenario.week_dates)),
            *(
                (escape(";".join(agent.skills) or "every queue"),)
                if scenario.declares_queues
                else ()
            ),
        )
    return table


# --- whole reports ----------------------------------------------------------------------


def plan_report(plan: Plan, width: int | None = None, queue: str | None = None) -> Group:
    """What ``coverage plan`` shows: the summary, the queues, a heatmap per queue (or
    only ``queue``'s), the worst gaps, the agents."""
    parts: list[RenderableType] = [summary_panel(plan.summary)]
    if plan.validation is not None:
        coverage = plan.validation.coverage
        if len(plan.scenario.queues) > 1:
            parts.append(queue_summary_table(plan.summary))
        service = service_table(plan.summary)
        if service is not None and plan.scenario.declares_queues:
            parts.append(service)
        for measured in coverage.queues:
            if queue is None or measured.name == queue:
                parts.append(heatmap(plan.scenario, measured, width=width))
        if len(plan.gaps):
            parts.append(gaps_table(plan.scenario, plan.gaps))
        parts.append(agent_hours_table(plan.agent_hours))
    return Group(*parts)


def score_report(score: Score, width: int | None = None, queue: str | None = None) -> Group:
    """What ``coverage score`` shows: the plan's report of the given roster, its broken
    rules, and with ``--compare`` the optimiser's figures beside it."""
    from coverage.score import COMPARED

    parts: list[RenderableType] = [plan_report(score.plan, width=width, queue=queue)]
    if score.allocated:
        parts.append(
            Text(
                "The roster did not say which queue when: each agent serves the queues "
                "that cover best, as the solver would.",
                style="dim",
            )
        )
    if score.given.absences:
        parts.append(
            Text(
                f"Scored with the re-plan's {len(score.given.absences)} absence(s) and the "
                "time off they made (its summary.json).",
                style="dim",
            )
        )
    if len(score.violations):
        parts.append(violations_table(score.violations))
    else:
        parts.append(Text("No hard rule broken.", style="green"))
    if score.compared is not None:
        parts.append(compare_table(score.summary["compared"], COMPARED))
    return Group(*parts)


def _clock(moment: datetime, since: datetime) -> str:
    """``HH:MM`` on the wall clock, midnight after ``since``'s date as ``24:00``."""
    if (moment.hour, moment.minute) == (0, 0) and moment.date() > since.date():
        return "24:00"
    return f"{moment:%H:%M}"


def change_text(scenario: Scenario, change: Change) -> str:
    """One change in the agent's local time: ``Ana Tue 14:00–22:00 → 16:00–24:00``."""
    agent = scenario.agent(change.agent_id)
    zone, who = agent.zone, agent.name or agent.id

    def span(shift: Shift) -> str:
        start, end = shift.local_start(zone), shift.local_end(zone)
        return f"{start:%H:%M}–{_clock(end, start)}"

    shift = change.old or change.new
    assert shift is not None
    day = f"{shift.local_start(zone):%a %d %b}"
    if change.kind == "added":
        assert change.new is not None
        return f"{who} {day} added {span(change.new)}"
    assert change.old is not None
    if change.kind == "removed":
        why = " (absent)" if change.absent else ""
        return f"{who} {day} {span(change.old)} removed{why}"
    assert change.new is not None
    if change.queues_only:
        return f"{who} {day} {span(change.old)} keeps its times, serves other queues"
    return f"{who} {day} {span(change.old)} → {span(change.new)}"


def replan_report(replan: Replan, width: int | None = None, queue: str | None = None) -> Group:
    """What ``coverage replan`` shows: the changes in local times, the figures before
    and after, and the new plan's report."""
    from coverage.replan import FIGURES

    scenario = replan.plan.scenario
    data = replan.summary["replan"]
    chosen = [c for c in replan.changes if not c.absent]
    lines = [
        f"{data['removed_by_absence']} shift(s) removed by the absence; "
        f"{data['shifts_changed']:g} shift(s) change for "
        f"{data['agents_affected']} agent(s); {data['frozen_shifts']} frozen "
        f"(started before {replan.request.now:%a %d %b %H:%M} UTC"
        + (f" or within {replan.request.notice_hours:g} h" if replan.request.notice_hours else "")
        + ")"
    ]
    lines += [f"  {change_text(scenario, c)}" for c in replan.changes if c.absent]
    lines += [f"  {change_text(scenario, c)}" for c in chosen]
    table = Table(title="Before and after", box=box.SIMPLE_HEAD)
    table.add_column("")
    for column in ("as published", "absence, no change", "re-planned"):
        table.add_column(column, justify="right")
    labels = {
        "uncovered_hours": "Uncovered hours",
        "shortfall_agent_hours": "Agent-hours short",
        "contacts_late": "Contacts late",
        "service_level": "Service level",
    }
    before = data["before"]
    for key in FIGURES:
        values = [before[k][key] for k in ("published", "absence_no_change", "replanned")]
        if all(v is None for v in values):
            continue
        table.add_row(labels[key], *(_figure(v, key) for v in values))
    table.add_row("Shifts removed by the absence", "", f"{data['removed_by_absence']}", "")
    table.add_row("Other shifts changed", "", "", f"{data['shifts_changed']:g}")
    table.add_row("Agents asked to change", "", "", f"{data['agents_affected']}")
    return Group(
        plan_report(replan.plan, width=width, queue=queue),
        Panel(Text("\n".join(lines)), title="Changes", border_style="cyan"),
        table,
    )


def _bound_text(data: dict[str, Any]) -> str:
    """The lower-bound line: what no roster can beat in the objective's second term,
    and how far above it this roster is."""
    bound = data["lower_bound"]
    if "contacts_late" in bound:
        late = data["term_gaps"].get("contacts_late", {})
        above = late.get("relative")
        share = "" if above is None else f" ({above:.1%} above it)"
        return (
            f"no roster can leave fewer than {bound['contacts_late']:,.1f} contacts late, "
            f"weighted by priority; this one leaves {late.get('value', 0):,.1f}{share}"
        )
    above = data.get("shortfall_above_bound")
    short = bound["shortfall_agent_hours"]
    share = "" if above is None else f" ({above:.1%} above it)"
    if data.get("weighted_by_priority"):
        weighted = data["term_gaps"].get("shortfall", {}).get("value")
        return (
            f"no roster can be short less than {short:g} agent-hours weighted by "
            f"priority; this one is short {weighted:g}, so weighted{share}"
        )
    return f"no roster can be short less than {short:g} agent-hours" + (
        f": this one is {above:.1%} above it" if above is not None else ""
    )


def check_report(scenario: Scenario, requirements: Requirements) -> Group:
    """What ``coverage check`` shows: the team, the queues, the requirement curve, hours
    needed and had, and a warning for a queue nobody serves."""
    total = requirements.required_agent_hours
    contracted = sum(a.contract(scenario.week_dates).minutes for a in scenario.agents) / 60
    parts: list[RenderableType] = [team_table(scenario)]
    if scenario.declares_queues:
        parts.append(queue_table(scenario, requirements))
    email = requirements.email_agent_hours
    email_text = f", and {email:.1f} of email work after shrinkage" if email else ""
    parts += [
        requirement_table(scenario, requirements),
        Text(
            f"Required {total:g} agent-hours this week{email_text}; "
            f"the team is contracted for {contracted:g}."
        ),
    ]
    for name in queues_nobody_serves(scenario):
        parts.append(
            Text(
                f"warning: nobody has the skill for queue {name!r}: it will be uncovered "
                "in all its open hours",
                style="bold yellow",
            )
        )
    parts.append(Text("Inputs are valid.", style="green"))
    return Group(*parts)
