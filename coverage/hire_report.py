"""Hiring answers as data frames, JSON-ready dicts and Rich tables (nothing prints here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from rich import box
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from coverage.hire import Baseline, HireOption, HireReport, UntilResult, hire_id, rank
from coverage.outputs import csv_text, json_text
from coverage.plan import Plan, plan_from_result
from coverage.timegrid import iso_utc

HIRE_COLUMNS = [
    "rank", "zone", "utc_offset", "uncovered_hours_closed", "shortfall_agent_hours_closed",
    "service_level_before", "service_level_after", "service_level_change", "pattern",
    "newly_covered_hours", "newly_covered_utc", "queues_closed", "status", "gap",
]  # fmt: skip


def utc_offset(zone_name: str, instant: datetime) -> str:
    offset = instant.astimezone(ZoneInfo(zone_name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _spans_text(option: HireOption, week_start: datetime) -> tuple[float, str]:
    spans = option.newly_covered(week_start)
    hours = sum((b - a).total_seconds() for a, b in spans) / 3600
    return round(hours, 4), ";".join(f"{iso_utc(a)}/{iso_utc(b)}" for a, b in spans)


def option_record(option: HireOption, week_start: datetime) -> dict[str, Any]:
    """One placement (one or more hires) as a flat record."""
    hours, spans = _spans_text(option, week_start)
    return {
        "zone": " + ".join(option.zones) or "(no hire)",
        "utc_offset": " + ".join(utc_offset(z, week_start) for z in option.zones),
        "uncovered_hours_closed": option.uncovered_closed,
        "shortfall_agent_hours_closed": option.shortfall_closed,
        "service_level_before": option.baseline.service_level,
        "service_level_after": option.outcome.service_level,
        "service_level_change": option.service_level_change,
        "pattern": " | ".join(option.patterns()),
        "newly_covered_hours": hours,
        "newly_covered_utc": spans,
        "queues_closed": option.queues_closed_text(),
        "status": option.result.status.value,
        "gap": option.result.gap,
    }


def hire_frame(options: Sequence[HireOption], week_start: datetime) -> pd.DataFrame:
    """One row per candidate zone, best first; equal gains share a rank."""
    rows = [
        {"rank": position, **option_record(option, week_start)}
        for position, option in rank(options)
    ]
    return pd.DataFrame(rows, columns=HIRE_COLUMNS)


def _level(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1%}"


def hire_table(frame: pd.DataFrame, title: str, limit: int = 30, per_queue: bool = False) -> Table:
    """Candidates best first: hours closed by the hire (uncovered, short), service-level
    change, the hire's local pattern and the hours that become covered; with
    ``per_queue``, which queues' gaps it closes."""
    table = Table(title=f"{title}: what the hire closes", box=box.SIMPLE_HEAD)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("zone", no_wrap=True)
    table.add_column("offset", no_wrap=True)
    table.add_column("uncov. h", justify="right", no_wrap=True)
    table.add_column("short ah", justify="right", no_wrap=True)
    table.add_column("SL", justify="right", no_wrap=True)
    table.add_column("shift pattern (local)", min_width=16, overflow="fold")
    table.add_column("new h", justify="right", no_wrap=True)
    if per_queue:
        table.add_column("closes, per queue", min_width=16, overflow="fold")
    records: list[dict[Any, Any]] = frame.to_dict(orient="records")
    ranks = [r["rank"] for r in records]
    for row in records[:limit]:
        tie = "=" if ranks.count(row["rank"]) > 1 else ""
        table.add_row(
            f"{row['rank']}{tie}",
            escape(str(row["zone"])),
            str(row["utc_offset"]),
            f"{row['uncovered_hours_closed']:g}",
            f"{row['shortfall_agent_hours_closed']:g}",
            _level(row["service_level_change"]),
            escape(str(row["pattern"])),
            f"{row['newly_covered_hours']:g}",
            *((escape(str(row["queues_closed"]) or "-"),) if per_queue else ()),
        )
    return table


def placements_table(
    title: str, rows: Sequence[tuple[str, HireOption]], week_start: datetime
) -> Table:
    """Several placements side by side (greedy rounds, the joint model, until covered)."""
    table = Table(title=title, box=box.SIMPLE_HEAD)
    for column in ("placement", "hires", "uncovered h closed", "short ah closed", "SL change",
                   "shift patterns (local)", "status"):  # fmt: skip
        table.add_column(
            column, justify="right" if "closed" in column or column == "SL change" else "left"
        )
    for label, option in rows:
        record = option_record(option, week_start)
        table.add_row(
            escape(label),
            escape(record["zone"]),
            f"{option.uncovered_closed:g}",
            f"{option.shortfall_closed:g}",
            _level(option.service_level_change),
            escape(record["pattern"]),
            option.result.status.value,
        )
    return table


def baseline_record(baseline: Baseline) -> dict[str, Any]:
    return {
        "status": baseline.result.status.value,
        "uncovered_hours": baseline.outcome.uncovered_hours,
        "shortfall_agent_hours": baseline.outcome.shortfall_agent_hours,
        "service_level": baseline.outcome.service_level,
    }


def until_record(until: UntilResult, week_start: datetime) -> dict[str, Any]:
    return {
        "target": until.target,
        "reached": until.reached,
        "proven_fewest": until.proven_fewest,
        "hires": len(until.option.hires) if until.option and until.reached else None,
        "reason": until.reason,
        "placement": option_record(until.option, week_start) if until.option else None,
    }


def option_plan(option: HireOption) -> Plan:
    """The week with the hires in it, written like ``coverage plan`` writes a plan
    (on the option's own grid: a Kathmandu hire makes it 15 minutes)."""
    return plan_from_result(option.result)


def hire_record(report: HireReport) -> dict[str, Any]:
    """What ``hire.json`` holds: the baseline, the rules, every answer."""
    week_start = report.week_start
    record: dict[str, Any] = {
        "scenario": report.scenario.name,
        "seconds": report.seconds,
        "baseline": baseline_record(report.baseline),
        "candidate_rules": report.rules.model_dump(),
        "candidate_skills": list(report.skills or report.scenario.queue_names),
        "candidates": hire_frame(report.singles, week_start).to_dict(orient="records"),
    }
    if report.greedy and report.together is not None:
        together, last = report.together, report.greedy[-1]
        record["greedy"] = [option_record(r, week_start) for r in report.greedy]
        record["together"] = option_record(together, week_start)
        record["together_vs_greedy"] = {
            "uncovered_hours_closed": round(together.uncovered_closed - last.uncovered_closed, 4),
            "shortfall_agent_hours_closed": round(
                together.shortfall_closed - last.shortfall_closed, 4
            ),
        }
    for until in report.untils:
        record[f"until_{until.target.replace('-', '_')}"] = until_record(until, week_start)
    return record


# The plan folders ``hire_files`` names start so.
HIRE_FOLDERS = ("best-single-", "greedy-", "together-", "until-")


def hire_files(report: HireReport) -> dict[str, dict[str, str]]:
    """Folder (``""`` for the top) -> file name -> contents: the ranking and
    ``hire.json`` on top, and a plan folder for each answer worth opening."""
    best = report.best_single
    name = hire_id(best.zones[0], 1) if best.zones else "none"
    folders = {
        "": {
            "hire.csv": csv_text(hire_frame(report.singles, report.week_start)),
            "hire.json": json_text(hire_record(report)),
        },
        f"best-single-{name}": option_plan(best).files(),
    }
    if report.greedy and report.together is not None:
        count = len(report.greedy)
        folders[f"together-{count}"] = option_plan(report.together).files()
        folders[f"greedy-{count}"] = option_plan(report.greedy[-1]).files()
    for until in report.untils:
        if until.option is not None and until.reached:
            folders[f"until-{until.target}"] = option_plan(until.option).files()
    return folders


def hire_summary(report: HireReport) -> Group:
    """The answers for the terminal: the baseline, the ranking, the placements, the untils."""
    base = report.baseline.outcome
    level = f"; service level {base.service_level:.1%}" if base.service_level is not None else ""
    parts: list[RenderableType] = [
        Text.from_markup(
            f"[bold]{escape(report.scenario.name)}[/]: as the team is, "
            f"{base.uncovered_hours:g} h uncovered and "
            f"{base.shortfall_agent_hours:g} agent-hours short{escape(level)}"
        ),
        hire_table(
            hire_frame(report.singles, report.week_start),
            f"One more hire: {len(report.singles)} candidate zones",
            per_queue=len(report.scenario.queues) > 1,
        ),
    ]
    if len(report.scenario.queues) > 1:
        serves = (
            ", ".join(report.skills)
            if report.skills
            else f"every queue ({', '.join(report.scenario.queue_names)})"
        )
        parts.insert(1, Text(f"The hire serves {serves}."))
    placements = report.placements()
    if placements:
        parts.append(placements_table("Several hires", placements, report.week_start))
    if report.greedy and report.together is not None:
        last, together = report.greedy[-1], report.together
        parts.append(
            Text(
                f"Placing {len(report.greedy)} together closes "
                f"{round(together.uncovered_closed - last.uncovered_closed, 4):+g} h uncovered "
                f"and {round(together.shortfall_closed - last.shortfall_closed, 4):+g} "
                "agent-hours short "
                "compared with taking the best single hire each time."
            )
        )
    for until in report.untils:
        colour = "green" if until.reached else "yellow"
        parts.append(Text.from_markup(f"[{colour}]Until {until.target}:[/] {escape(until.reason)}"))
    return Group(*parts)
