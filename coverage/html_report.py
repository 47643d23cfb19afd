"""One self-contained HTML page of a plan, score, re-plan or hiring answer.

Built from the files the commands write (``summary.json``, ``coverage.csv``,
``roster.csv``, ...), so ``coverage report OUT_DIR`` and ``--html`` give the
same page. The charts are Bokeh's, with its JavaScript inlined once: the page
opens offline, from a file or an email attachment. Text from the inputs
(agent names, queue names) is escaped by the template engine and by Bokeh's
own serialisation.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from bokeh.embed import components
from bokeh.layouts import column
from bokeh.models import (
    ColumnDataSource,
    CustomJS,
    DatetimeTickFormatter,
    FactorRange,
    HoverTool,
    LayoutDOM,
)
from bokeh.models.annotations import Legend, LegendItem
from bokeh.models.widgets import DataTable, NumberFormatter, Select, TableColumn
from bokeh.palettes import Category10_10
from bokeh.plotting import figure
from bokeh.resources import Resources
from bokeh.transform import dodge
from jinja2 import Environment, PackageLoader, select_autoescape

from coverage.models import WEEK_MINUTES, WEEKDAYS
from coverage.report import local_span
from coverage.timegrid import local_instant

# Heatmap cell states, in the colours every WFM suite uses.
STATES = ("closed", "uncovered", "short", "met", "over", "skipped")
STATE_NAMES = {"over": "2+ over", "skipped": "· clocks skip"}
STATE_COLOURS = {
    "closed": "#eeeeee", "uncovered": "#d62728", "short": "#f2c744", "met": "#4caf50",
    "over": "#17becf", "skipped": "#ffffff",  # white: the page shows through
}  # fmt: skip
REPORT_FILE = "report.html"
# Bokeh's JavaScript, inlined: its core, widgets (the zone selector) and tables; not
# its MathJax or WebGL bundles, which the page does not use and which are most of the rest.
SCRIPTS = Resources(mode="inline", components=["bokeh", "bokeh-widgets", "bokeh-tables"])


@dataclass(frozen=True)
class ReportFiles:
    """The files of one output folder, by name (``coverage plan``'s, ``score``'s, ...)."""

    files: Mapping[str, str]

    def frame(self, name: str) -> pd.DataFrame | None:
        text = self.files.get(name)
        if text is None or not text.strip():
            return None
        return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])

    @cached_property
    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.files.get("summary.json", "{}"))
        return data


def _instant(text: object) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(UTC)


class _Week:
    """The week's minutes in UTC, and local day x hour cells in any zone."""

    def __init__(self, summary: dict[str, Any]) -> None:
        self.start = _instant(summary["week_start_utc"])

    def minute(self, instant: datetime) -> int:
        return int((instant - self.start).total_seconds() // 60) % WEEK_MINUTES

    def cells(self, zone_name: str) -> tuple[list[date], list[int | None]]:
        """The 7 local dates from the week's start in the zone, and the minute of the
        week at which each local day x hour begins (None: the clocks skip it)."""
        zone = ZoneInfo(zone_name)
        first = self.start.astimezone(zone).date()
        days = [first + timedelta(days=d) for d in range(7)]
        minutes: list[int | None] = []
        for day in days:
            for hour in range(24):
                instant = local_instant(day, hour * 60, zone)
                minutes.append(None if instant is None else self.minute(instant))
        return days, minutes


def _per_minute(frame: pd.DataFrame, column: str, week: _Week) -> np.ndarray:
    values = np.zeros(WEEK_MINUTES)
    for row in frame.itertuples():
        first, last = week.minute(_instant(row.start_utc)), _instant(row.end_utc)
        length = int((last - _instant(row.start_utc)).total_seconds() // 60)
        values[first : first + length] = float(getattr(row, column) or 0.0)
    return values


def _uncovered_minutes(gaps: pd.DataFrame | None, queue: str, week: _Week) -> np.ndarray:
    """Minutes inside a run of gaps where some moment had fewer than the minimum on."""
    mask = np.zeros(WEEK_MINUTES, dtype=bool)
    if gaps is None:
        return mask
    for row in gaps[(gaps["queue"].astype(str) == queue)].itertuples():
        if str(row.uncovered).lower() != "true":
            continue
        first = week.minute(_instant(row.start_utc))
        length = int((_instant(row.end_utc) - _instant(row.start_utc)).total_seconds() // 60)
        for k in range(length):
            mask[(first + k) % WEEK_MINUTES] = True
    return mask


def heatmap_data(files: ReportFiles, queue: str, zone_name: str, min_agents: int) -> dict[str, Any]:
    """The queue's 7 x 24 cells in a zone: scheduled and required (mean over the local
    hour), and the state that colours the cell."""
    week = _Week(files.summary)
    coverage = files.frame("coverage.csv")
    assert coverage is not None
    rows = coverage[coverage["queue"].astype(str) == queue]
    required = _per_minute(rows, "required", week)
    scheduled = _per_minute(rows, "scheduled", week)
    uncovered = _uncovered_minutes(files.frame("gaps.csv"), queue, week) & (scheduled < min_agents)
    days, starts = week.cells(zone_name)
    data: dict[str, Any] = {"day": [], "hour": [], "state": [], "colour": [], "label": []}
    for k, start in enumerate(starts):
        day, hour = days[k // 24], k % 24
        data["day"].append(f"{WEEKDAYS[day.weekday()]} {day:%d %b}")
        data["hour"].append(f"{hour:02d}")
        if start is None:
            state, need, on = "skipped", 0.0, 0.0
        else:
            span = [(start + m) % WEEK_MINUTES for m in range(60)]
            need, on = float(required[span].mean()), float(scheduled[span].mean())
            if uncovered[span].any():
                state = "uncovered"
            elif need == 0 and on == 0:
                state = "closed"
            elif on + 1e-9 < need:
                state = "short"
            elif on >= need + 2:
                state = "over"
            else:
                state = "met"
        data["state"].append(state)
        data["colour"].append(STATE_COLOURS[state])
        labels = {"skipped": "·", "closed": ""}
        data["label"].append(labels.get(state, f"{on:.3g}/{need:.3g}"))
    return data


def _heatmap(files: ReportFiles, queue: str, zones: list[str], min_agents: int) -> LayoutDOM:
    """Day x hour of one queue, with a selector for the zone it is shown in."""
    per_zone = {zone: heatmap_data(files, queue, zone, min_agents) for zone in zones}
    first = per_zone[zones[0]]
    source = ColumnDataSource(first, name=f"heatmap-{queue}")
    hours = [f"{h:02d}" for h in range(24)]
    days = list(dict.fromkeys(first["day"]))
    plot = figure(
        title=f"{queue}: agents on / required, by local day and hour",
        x_range=FactorRange(factors=hours), y_range=FactorRange(factors=list(reversed(days))),
        height=300, sizing_mode="stretch_width", tools="", toolbar_location=None,
        name=f"heatmap-plot-{queue}",
    )  # fmt: skip
    plot.rect("hour", "day", 1, 1, source=source, fill_color="colour", line_color="white")
    plot.text("hour", "day", text="label", source=source, text_align="center",
              text_baseline="middle", text_font_size="7pt")  # fmt: skip
    plot.add_tools(
        HoverTool(
            tooltips=[("", "@day @hour:00"), ("state", "@state"), ("on / required", "@label")]
        )
    )
    plot.grid.visible = False
    plot.axis.major_tick_line_color = None
    choose = Select(title="Show in the time zone of", value=zones[0], options=list[Any](zones))
    choose.js_on_change(
        "value",
        CustomJS(
            args={"source": source, "zones": per_zone, "days": plot.y_range},
            code="source.data = zones[this.value];"
            "days.factors = [...new Set(source.data.day)].reverse();",
        ),
    )
    return column(choose, plot, sizing_mode="stretch_width")


def _series(files: ReportFiles, queue: str) -> LayoutDOM:
    """Required against scheduled over the week (and the email backlog)."""
    coverage = files.frame("coverage.csv")
    assert coverage is not None
    rows = coverage[coverage["queue"].astype(str) == queue]
    data: dict[str, Any] = {
        "start": [_instant(s).replace(tzinfo=None) for s in rows["start_utc"]],
        "required": rows["required"].astype(float).tolist(),
        "scheduled": rows["scheduled"].astype(float).tolist(),
    }
    backlog = "backlog" in rows and rows["backlog"].notna().any()
    if backlog:
        data["backlog"] = rows["backlog"].fillna(0).astype(float).tolist()
    source = ColumnDataSource(data)
    plot = figure(
        title=f"{queue}: required and scheduled over the week (UTC)", x_axis_type="datetime",
        height=220, sizing_mode="stretch_width", tools="xpan,xwheel_zoom,reset",
    )  # fmt: skip
    plot.step("start", "required", source=source, mode="after", color="#555555",
              legend_label="required")  # fmt: skip
    plot.step("start", "scheduled", source=source, mode="after", color="#1f77b4",
              legend_label="scheduled", line_width=2)  # fmt: skip
    if backlog:
        plot.step("start", "backlog", source=source, mode="after", color="#ff7f0e",
                  legend_label="emails waiting")  # fmt: skip
    plot.xaxis.formatter = DatetimeTickFormatter(days="%a %d", hours="%a %H:%M")
    plot.add_layout(plot.legend[0], "right")
    plot.add_tools(HoverTool(tooltips=[("UTC", "@start{%a %H:%M}"), ("required", "@required"),
                                       ("scheduled", "@scheduled")],
                             formatters={"@start": "datetime"}))  # fmt: skip
    return plot


def _utc_offset(zone_name: str, instant: datetime) -> float:
    offset = instant.astimezone(ZoneInfo(zone_name)).utcoffset()
    return offset.total_seconds() if offset is not None else 0.0


def _timeline(files: ReportFiles) -> LayoutDOM | None:
    """One row per agent, grouped by zone: their shifts on the UTC week, coloured by queue."""
    roster = files.frame("roster.csv")
    if roster is None or roster.empty:
        return None
    activities = files.frame("activities.csv")
    agents = roster.drop_duplicates("agent_id")[["agent_id", "agent_name", "timezone"]]
    start = _instant(files.summary.get("week_start_utc", "2026-01-01T00:00:00Z"))
    agents = agents.assign(offset=[_utc_offset(z, start) for z in agents["timezone"]])
    agents = agents.sort_values(["offset", "timezone", "agent_name", "agent_id"])
    label = {
        r.agent_id: f"{r.agent_name} ({r.agent_id}) · {r.timezone}" for r in agents.itertuples()
    }
    zone_of = dict(zip(agents["agent_id"], agents["timezone"], strict=True))
    queues_named = [str(q["queue"]) for q in files.summary.get("queues", [])]
    spans = (
        activities
        if activities is not None and not activities.empty
        else roster.assign(queue=queues_named[0] if len(queues_named) == 1 else "shift")
    )
    data: dict[str, Any] = {k: [] for k in ("agent", "start", "end", "queue", "local")}
    for row in spans.itertuples():
        start, end = _instant(row.start_utc), _instant(row.end_utc)
        zone = ZoneInfo(zone_of[row.agent_id])
        data["agent"].append(label[row.agent_id])
        data["start"].append(start.replace(tzinfo=None))
        data["end"].append(end.replace(tzinfo=None))
        data["queue"].append(str(row.queue))
        data["local"].append(
            f"{start.astimezone(zone):%a %d %H:%M}–{end.astimezone(zone):%H:%M} {zone.key}"
        )
    queues = list(dict.fromkeys(data["queue"]))
    colours = {q: Category10_10[i % 10] for i, q in enumerate(queues)}
    data["colour"] = [colours[q] for q in data["queue"]]
    source = ColumnDataSource(data, name="timeline")
    rows = list(reversed(list(label.values())))
    plot = figure(
        title="Agents: shifts on the UTC week, by zone", y_range=FactorRange(factors=rows),
        x_axis_type="datetime", height=max(240, 18 * len(rows) + 80),
        sizing_mode="stretch_width", tools="xpan,xwheel_zoom,reset", name="timeline-plot",
    )  # fmt: skip
    bars = plot.hbar(y="agent", left="start", right="end", height=0.7, source=source,
                     fill_color="colour", line_color=None)  # fmt: skip
    plot.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@agent"), ("local", "@local"),
                                                          ("queue", "@queue")]))  # fmt: skip
    plot.xaxis.formatter = DatetimeTickFormatter(days="%a %d", hours="%a %H:%M")
    if len(queues) > 1:
        legend = Legend(items=[LegendItem(label=q, renderers=[bars], index=data["queue"].index(q))  # type: ignore[list-item]
                               for q in queues])  # fmt: skip
        plot.add_layout(legend, "right")
    return plot


def _hire_chart(ranking: pd.DataFrame) -> LayoutDOM:
    """Candidate zones by the hours a hire there would close."""
    ranked = ranking.head(25).iloc[::-1]
    zones = ranked["zone"].astype(str).tolist()
    source = ColumnDataSource(
        {
            "zone": zones,
            "uncovered": ranked["uncovered_hours_closed"].astype(float).tolist(),
            "shortfall": ranked["shortfall_agent_hours_closed"].astype(float).tolist(),
            "newly": ranked["newly_covered_utc"].fillna("").astype(str).tolist(),
        }
    )
    plot = figure(
        title="Hours a hire would close, by candidate zone", y_range=FactorRange(factors=zones),
        height=120 + 36 * len(ranked),
        sizing_mode="stretch_width", tools="", toolbar_location=None, name="hire-chart",
    )  # fmt: skip
    plot.hbar(y=dodge("zone", 0.18, range=plot.y_range), right="shortfall", height=0.34,
              source=source, color="#1f77b4", legend_label="agent-hours short closed")  # fmt: skip
    plot.hbar(y=dodge("zone", -0.18, range=plot.y_range), right="uncovered", height=0.34,
              source=source, color="#d62728", legend_label="uncovered hours closed")  # fmt: skip
    tips = [("", "@zone"), ("uncovered closed", "@uncovered"), ("short closed", "@shortfall"),
            ("newly covered", "@newly")]  # fmt: skip
    plot.add_tools(HoverTool(tooltips=tips))
    plot.add_layout(plot.legend[0], "right")
    return plot


def _table(frame: pd.DataFrame, name: str, height: int = 260) -> DataTable:
    """A sortable table of a frame: headers in words, blanks for missing values, each
    column as wide as its longest text (the table scrolls sideways when it must)."""
    clean = frame.copy()
    columns = []
    for col in clean.columns:
        values = clean[col]
        if values.dtype == object or str(values.dtype).startswith("str"):
            values = values.fillna("").astype(str).replace({"nan": "", "NaN": ""})
            formatter = None
        elif values.dtype == bool:
            values = values.map({True: "yes", False: ""})
            formatter = None
        else:
            share = "service_level" in str(col)
            formatter = NumberFormatter(format="0.0%" if share else "0,0.[00]", nan_format="")
        clean[col] = values
        title = str(col).replace("_", " ")
        longest = max([len(title), *(len(str(v)) for v in values.head(200))])
        width = int(min(720, max(60, 7.5 * longest + 16)))
        kwargs: dict[str, Any] = {"formatter": formatter} if formatter is not None else {}
        columns.append(TableColumn(field=str(col), title=title, width=width, **kwargs))
    source = ColumnDataSource({str(k): v for k, v in clean.to_dict(orient="list").items()})
    return DataTable(
        source=source, columns=columns, sortable=True, index_position=None, name=name,
        autosize_mode="none", height=min(height, 28 * len(clean) + 30),
        sizing_mode="stretch_width",
    )  # fmt: skip


def _windows(roster: pd.DataFrame | None) -> dict[str, tuple[int, int]]:
    """Per team zone, the earliest local start and latest local end of its shifts
    (minutes of the local day): when that zone's working day begins and ends."""
    windows: dict[str, tuple[int, int]] = {}
    if roster is None:
        return windows
    for zone_name, rows in roster.groupby("timezone"):
        zone = ZoneInfo(str(zone_name))
        starts = [_instant(t).astimezone(zone) for t in rows["start_utc"]]
        ends = [_instant(t).astimezone(zone) for t in rows["end_utc"]]
        windows[str(zone_name)] = (
            min(t.hour * 60 + t.minute for t in starts),
            max((t.hour * 60 + t.minute) or 1440 for t in ends),
        )
    return windows


def _gaps_frame(files: ReportFiles, report_zone: str) -> pd.DataFrame | None:
    """The gaps, worst first (uncovered, then agent-hours short), with their local times
    in the report zone and in the team zones whose day ends just before the gap and
    starts just after it: where a hire or a shift moved would close it."""
    gaps = files.frame("gaps.csv")
    if gaps is None or gaps.empty:
        return None
    windows = _windows(files.frame("roster.csv"))
    local = []
    for row in gaps.itertuples():
        start, end = _instant(row.start_utc), _instant(row.end_utc)
        zones = [report_zone]
        if windows:

            def clock(instant: datetime, zone: str) -> int:
                moment = instant.astimezone(ZoneInfo(zone))
                return moment.hour * 60 + moment.minute

            zones.append(min(windows, key=lambda z: (clock(start, z) - windows[z][1]) % 1440))
            zones.append(min(windows, key=lambda z: (windows[z][0] - clock(end, z)) % 1440))
        local.append("; ".join(local_span(z, start, end) for z in dict.fromkeys(zones)))
    gaps = gaps.assign(local_times=local)
    order = gaps["uncovered"].astype(str).str.lower() == "true"
    return (
        gaps.assign(_uncovered=order)
        .sort_values(["_uncovered", "shortfall_agent_hours"], ascending=[False, False])
        .drop(columns="_uncovered")
    )


HEADER_FIGURES = (
    ("uncovered_hours", "Uncovered hours"),
    ("shortfall_agent_hours", "Agent-hours short"),
    ("contacts_late", "Contacts late"),
    ("service_level", "Service level"),
)


@dataclass(frozen=True)
class _Section:
    title: str
    item: LayoutDOM
    note: str = ""
    legend: bool = False


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "service_level":
        return f"{value:.1%}"
    if key == "contacts_late":
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def _kind(files: ReportFiles) -> str:
    if "hire.csv" in files.files:
        return "Hiring answer"
    if "changes.csv" in files.files:
        return "Re-plan"
    if "violations.csv" in files.files:
        return "Score of a given roster"
    return "Plan"


def _findings(folder: ReportFiles) -> list[_Section]:
    """What the command found beyond the plan: the hiring ranking, the re-plan's
    changes, the broken rules. They come first: they are why the report was made."""
    sections: list[_Section] = []
    ranking = folder.frame("hire.csv")
    if ranking is not None and not ranking.empty:
        sections.append(_Section("Where to hire", _hire_chart(ranking)))
        sections.append(
            _Section(
                "Candidate zones by gain",
                _table(ranking, "hire-table", 400),
                "Each candidate's week re-planned with the team.",
            )
        )
    changes = folder.frame("changes.csv")
    if changes is not None and not changes.empty:
        off = folder.summary.get("replan", {}).get("time_off", {})
        why = [
            "absence"
            if row.kind == "removed" and str(row.old_start_local)[:10] in off.get(row.agent_id, [])
            else "re-plan"
            for row in changes.itertuples()
        ]
        table = _table(changes.assign(why=why), "changes-table", 400)
        sections.append(_Section("Changes", table, "Local times of each agent's own zone."))
    broken = folder.frame("violations.csv")
    if broken is not None and not broken.empty:
        sections.append(_Section("Broken rules", _table(broken, "violations-table", 400)))
    return sections


def _notes(summary: dict[str, Any], kind: str) -> list[str]:
    """The lines under the header that say what kind of answer this is."""
    notes = []
    if kind == "Score of a given roster":
        count = summary.get("violations", 0)
        notes.append(f"{count} hard rule(s) broken" if count else "No hard rule broken")
    replan = summary.get("replan")
    if replan:
        before = replan["before"]
        notes.append(
            f"{replan['removed_by_absence']} shift(s) removed by the absence; "
            f"{replan['shifts_changed']:g} other shift(s) changed for "
            f"{replan['agents_affected']} agent(s); {replan['frozen_shifts']} frozen "
            f"(started before {replan['now_utc']}"
            + (f" or within {replan['notice_hours']:g} h)" if replan["notice_hours"] else ")")
        )
        for label, key in (
            ("as published", "published"), ("absence, no change", "absence_no_change"),
            ("re-planned", "replanned"),
        ):  # fmt: skip
            figures = before.get(key)
            if not figures:
                continue
            notes.append(
                f"{label}: {figures['uncovered_hours']:g} uncovered, "
                f"{figures['shortfall_agent_hours']:g} agent-hours short"
                + (
                    f", {figures['contacts_late']:,.0f} contacts late"
                    if figures.get("contacts_late") is not None
                    else ""
                )
            )
    return notes


def report_html(files: Mapping[str, str], title: str | None = None) -> str:
    """The report page of an output folder's files (see the module docstring)."""
    folder = ReportFiles(files)
    summary = folder.summary
    roster = folder.frame("roster.csv")
    zones = [summary.get("timezone", "UTC")]
    if roster is not None and not roster.empty:
        zones += sorted(set(roster["timezone"].astype(str)) - set(zones))
    kind = _kind(folder)
    sections = _findings(folder)
    queues = summary.get("queues", [])
    if "coverage.csv" in files:
        for record in queues:
            name = str(record["queue"])
            # A queue with hours in a zone of its own is first shown in that zone.
            own = record.get("hours_timezone")
            shown = [own, *(z for z in zones if z != own)] if own in zones else zones
            sections.append(
                _Section(
                    f"Coverage: {name}", _heatmap(folder, name, shown, int(record["min_agents"])),
                    "Agents on / required, the mean over each local hour.", legend=True,
                )
            )  # fmt: skip
            sections.append(_Section(f"Over the week: {name}", _series(folder, name)))
    timeline = _timeline(folder)
    if timeline is not None:
        sections.append(_Section("Agents", timeline, "Hover a shift for its local times."))
    gaps = _gaps_frame(folder, zones[0])
    if gaps is not None:
        sections.append(
            _Section(
                "Gaps", _table(gaps, "gaps-table", 360), "Worst first; click a column to sort."
            )
        )
    if summary.get("agent_hours"):
        hours = pd.DataFrame(summary["agent_hours"])
        sections.append(_Section("Hours against contract", _table(hours, "hours-table", 360)))
    script, divs = components([s.item for s in sections]) if sections else ("", [])
    week_start = _instant(summary["week_start_utc"]) if "week_start_utc" in summary else None
    zone = ZoneInfo(summary.get("timezone", "UTC"))
    several = len(queues) > 1
    figures = [
        (key, "Uncovered queue-hours" if key == "uncovered_hours" and several else label,
         summary.get(key), _shown(key, summary.get(key)))
        for key, label in HEADER_FIGURES
        if key in summary
    ]  # fmt: skip
    if kind == "Hiring answer":
        hire = json.loads(files.get("hire.json", "{}"))
        base = hire.get("baseline", {})
        best = folder.frame("hire.csv")
        where = str(best["zone"].iloc[0]) if best is not None and not best.empty else ""
        notes = [
            f"The figures are the team's with the best single hire, in {where}.",
            f"As the team is: {base.get('uncovered_hours', 0):g} uncovered hours, "
            f"{base.get('shortfall_agent_hours', 0):g} agent-hours short"
            + (
                f", service level {base['service_level']:.1%}"
                if base.get("service_level") is not None
                else ""
            )
            + ".",
        ]
    else:
        notes = _notes(summary, kind)
    environment = Environment(
        loader=PackageLoader("coverage", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    week_end = _instant(summary["week_end_utc"]) if "week_end_utc" in summary else None
    return environment.get_template("report.html.j2").render(
        title=title or summary.get("scenario", "coverage report"),
        kind=kind,
        status=summary.get("status", ""),
        proof=_proof(summary),
        bound=_bound(summary),
        notes=notes,
        week_utc=f"{summary.get('week_start_utc', '')} → {summary.get('week_end_utc', '')}",
        week_local=(
            f"{week_start.astimezone(zone):%a %d %b %Y %H:%M} → "
            f"{week_end.astimezone(zone):%a %d %b %Y %H:%M %Z}"
            if week_start and week_end
            else ""
        ),
        zone=zone.key,
        figures=figures,
        queues=[_queue_row(q) for q in queues],
        sections=[
            {"title": s.title, "note": s.note, "legend": s.legend, "div": div}
            for s, div in zip(sections, divs, strict=True)
        ],
        legend=[(STATE_NAMES.get(state, state), STATE_COLOURS[state]) for state in STATES],
        resources=SCRIPTS.render(),
        script=script,
    )


def _queue_row(record: dict[str, Any]) -> dict[str, str]:
    level, target = record.get("service_level"), record.get("service_level_target")
    return {
        "queue": str(record["queue"]),
        "required": f"{record.get('required_agent_hours', 0):,.4g}",
        "short": f"{record.get('shortfall_agent_hours', 0):,.4g}",
        "uncovered": f"{record.get('uncovered_hours', 0):,.4g}",
        "level": "—" if level is None else f"{level:.1%}",
        "target": "—" if target is None else f"{target:.0%}",
    }


def _proof(summary: dict[str, Any]) -> str:
    return {
        "OPTIMAL": "every stage proven optimal",
        "FEASIBLE": "a roster, not every stage proven",
        "SCORED": "a given roster, scored as it is",
    }.get(str(summary.get("status")), "")


def _bound(summary: dict[str, Any]) -> str:
    bound = summary.get("lower_bound")
    if not bound:
        return ""
    if "contacts_late" in bound:
        return (
            f"LP bound: no roster can leave fewer than {bound['contacts_late']:,.1f} contacts late"
        )
    above = summary.get("shortfall_above_bound")
    share = "" if above is None else f"; this roster is {above:.1%} above it"
    weighted = " weighted by queue priority" if summary.get("weighted_by_priority") else ""
    return (
        f"LP bound: no roster can be short less than "
        f"{bound.get('shortfall_agent_hours', 0):,.4g} agent-hours{weighted}{share}"
    )
