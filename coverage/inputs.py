"""Read a TOML scenario and its CSV files into validated models.

This is the only module that reads input files. Every problem becomes an
``InputError`` naming the file and row and column (or the TOML key).
Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from icalendar import Calendar
from pydantic import BaseModel, ValidationError, model_validator

from coverage.errors import InputError
from coverage.models import (
    CHANNEL_KEYS,
    Absence,
    Agent,
    AgentAbsence,
    AvailabilityWindow,
    ExportSettings,
    Forecast,
    ForecastRow,
    Queue,
    Rules,
    Scenario,
    SolverSettings,
    Staffing,
    check_zone,
    forecast_row_problem,
)
from coverage.outputs import restore
from coverage.timegrid import Activity, Shift, shift_uid

DEFAULT_SCENARIO = "global-24x7"
RULE_COLUMNS = ("weekly_hours", "days_per_week", "shift_hours", "earliest_start", "latest_end")
TOP_LEVEL_KEYS = {
    "name", "week_start", "timezone", "interval_minutes",
    "team", "forecast", "queues", "staffing", "rules", "solver", "export",
}  # fmt: skip
QUEUE_FIELDS = ("hours", "hours_timezone", "priority", "channel", *CHANNEL_KEYS)
QUEUE_KEYS = ("forecast", *QUEUE_FIELDS[:-1], *Staffing.model_fields)
# An email queue's ``service_level`` is the share answered within its window.
EMAIL_KEYS = {"service_level": "window_service_level"}
M = TypeVar("M", bound=BaseModel)


def display(path: Path) -> str:
    """A path as the user would type it: relative inside the working directory, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path.absolute()) if rel.startswith(os.pardir) else rel


def bundled_scenarios_dir() -> Path:
    """Where the sample scenarios live: inside the installed wheel, or the source tree."""
    packaged = Path(__file__).parent / "_bundled" / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "scenarios"


def resolve_scenario(argument: str | None) -> Path:
    """A scenario path from the command line: a file, or the name of a bundled scenario."""
    if argument is None:
        return bundled_scenarios_dir() / f"{DEFAULT_SCENARIO}.toml"
    path = Path(argument)
    if path.exists() or path.suffix == ".toml":
        return path
    bundled = bundled_scenarios_dir() / f"{argument}.toml"
    return bundled if bundled.exists() else path


def _problem(error: ValidationError) -> tuple[str, str]:
    """The first validation error as (location, message)."""
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    value = first.get("input")
    if first["type"] != "value_error" and isinstance(value, str | int | float):
        message = f"{message}, got {value!r}"
    return location, message


def _build(model: type[M], data: dict[str, Any], where: Callable[[str], str]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        location, message = _problem(error)
        raise InputError(where(location), message) from None


# --- CSV -----------------------------------------------------------------------------


class CsvFile:
    """A CSV input with its display name, for errors that point at a row and column."""

    def __init__(self, path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        self.path = path
        self.name = display(path)
        self.required = required
        self.optional = optional

    def locator(self, row: int) -> Callable[[str], str]:
        """Where a problem in a column of ``row`` is, for validation errors."""
        return lambda column: self.at(row, column)

    def at(self, row: int, column: str = "") -> str:
        return f"{self.name} row {row}" + (f", column {column}" if column else "")

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {column: stripped value}) for each non-blank row."""
        if not self.path.is_file():
            raise InputError(self.name, "file not found")
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(
                self.name, f"is not UTF-8 text (byte {error.start}); save it as UTF-8 CSV"
            ) from None
        lines = text.splitlines()
        if not any(line.strip() for line in lines):
            raise InputError(self.name, "is empty; expected a header row")
        reader = csv.reader(lines)
        header: list[str] = []
        while not any(h.strip() for h in header):  # skip blank lines above the header
            header = next(reader)
        header = [h.strip().lower() for h in header]
        header_row = reader.line_num
        if len(header) == 1 and ";" in header[0]:
            raise InputError(self.at(header_row), "columns are separated by ';'; use commas")
        for column in header:
            if not column:
                raise InputError(self.at(header_row), "has an empty column name")
            if header.count(column) > 1:
                raise InputError(self.at(header_row, column), "appears twice in the header")
        for column in self.required:
            if column not in header:
                raise InputError(self.at(header_row), f"missing column {column!r}")
        known = set(self.required) | set(self.optional)
        for column in header:
            if column not in known:
                raise InputError(
                    self.at(header_row, column),
                    f"unknown column; expected {', '.join(sorted(known))}",
                )
        for values in reader:
            row = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise InputError(
                    self.at(row), f"has {len(values)} fields but the header has {len(header)}"
                )
            yield row, {h: v.strip() for h, v in zip(header, values, strict=True)}


def _date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(where, f"expected a date like 2026-03-23, got {value!r}") from None


# --- agents, availability, time off ------------------------------------------------


def read_agents(path: Path, rules: dict[str, Any], queues: tuple[str, ...] = ()) -> list[Agent]:
    """Agents with the team's rules, overridden per agent by non-empty rule columns,
    and the ``queues`` they serve (``skills``; empty: every queue)."""
    file = CsvFile(path, ("id", "name", "timezone"), (*RULE_COLUMNS, "skills"))
    agents: list[Agent] = []
    rows_by_id: dict[str, int] = {}
    for row, values in file.rows():
        if not values["id"]:
            raise InputError(file.at(row, "id"), "is empty")
        if values["id"] in rows_by_id:
            raise InputError(
                file.at(row, "id"),
                f"duplicate agent id {values['id']!r} (first on row {rows_by_id[values['id']]})",
            )
        rows_by_id[values["id"]] = row
        fields: dict[str, Any] = {
            "id": values["id"],
            "name": values["name"] or values["id"],
            "timezone": values["timezone"],
            "source": file.at(row),
        }
        if values.get("skills"):
            fields["skills"] = _skills(values["skills"], queues, file.at(row, "skills"))
        overrides = {c: values[c] for c in RULE_COLUMNS if values.get(c)}
        if overrides:  # else the agent keeps the team's rules (see Scenario)
            fields["rules"] = _build(Rules, {**rules, **overrides}, file.locator(row))
        agents.append(_build(Agent, fields, file.locator(row)))
    if not agents:
        raise InputError(file.name, "has no agents")
    return agents


def _skills(text: str, queues: tuple[str, ...], where: str) -> list[str]:
    """Queue names separated by ';', in any case, as the scenario spells them."""
    spelled = {name.lower(): name for name in queues}
    names = []
    for name in (part.strip() for part in text.split(";") if part.strip()):
        if name.lower() not in spelled:
            known = f"the queues are {', '.join(queues)}" if queues else "there are no [queues]"
            hint = "; separate queues with ';'" if re.search(r"[, ]", name) else ""
            raise InputError(where, f"unknown queue {name!r}{hint}; {known}")
        names.append(spelled[name.lower()])
    return names


def _agent_id(file: CsvFile, row: int, value: str, known: dict[str, Agent]) -> str:
    if value not in known:
        raise InputError(file.at(row, "agent_id"), f"unknown agent id {value!r}")
    return value


def read_availability(path: Path, agents: dict[str, Agent]) -> dict[str, list[AvailabilityWindow]]:
    """Windows per agent; two rows of one agent that overlap on a day are an error
    (touching rows, like 09:00-12:00 and 12:00-17:00, are fine)."""
    file = CsvFile(path, ("agent_id", "day", "start", "end"))
    windows: dict[str, list[AvailabilityWindow]] = {}
    rows_of: dict[tuple[str, int], list[tuple[AvailabilityWindow, int]]] = {}
    for row, values in file.rows():
        agent_id = _agent_id(file, row, values["agent_id"], agents)
        window = _build(
            AvailabilityWindow,
            {k: values[k] for k in ("day", "start", "end")},
            file.locator(row),
        )
        for other, other_row in rows_of.get((agent_id, window.day), []):
            if window.start < other.end and other.start < window.end:
                raise InputError(
                    file.at(row, "start"),
                    f"overlaps row {other_row} for agent {agent_id!r} on the same day; "
                    "merge the two rows into one",
                )
        rows_of.setdefault((agent_id, window.day), []).append((window, row))
        windows.setdefault(agent_id, []).append(window)
    return windows


def read_time_off(path: Path, agents: dict[str, Agent]) -> dict[str, set[date]]:
    """Days off per agent: ``agent_id,date`` or ``agent_id,start_date,end_date`` rows."""
    file = CsvFile(path, ("agent_id",), ("date", "start_date", "end_date"))
    days: dict[str, set[date]] = {}
    for row, values in file.rows():
        agent_id = _agent_id(file, row, values["agent_id"], agents)
        if values.get("date"):
            first = last = _date(values["date"], file.at(row, "date"))
        elif values.get("start_date"):
            first = _date(values["start_date"], file.at(row, "start_date"))
            last_text = values.get("end_date") or values["start_date"]
            last = _date(last_text, file.at(row, "end_date"))
            if last < first:
                raise InputError(file.at(row, "end_date"), f"{last} is before start_date {first}")
        else:
            raise InputError(file.at(row), "needs a date (or start_date and end_date)")
        day = first
        while day <= last:
            days.setdefault(agent_id, set()).add(day)
            day += timedelta(days=1)
    return days


# --- forecast ------------------------------------------------------------------------


def read_forecast(path: Path, week_start_utc: datetime) -> Forecast:
    """A forecast on a regular time step that covers the week starting at ``week_start_utc``.

    The rules are the ``Forecast`` model's own; this adds the file, row and column.
    """
    file = CsvFile(path, ("start",), ("contacts", "aht_seconds", "required"))
    rows: list[ForecastRow] = []
    file_rows: list[int] = []
    kind: Literal["contacts", "required"] | None = None
    for row, values in file.rows():
        if kind is None:
            has_contacts, has_required = "contacts" in values, "required" in values
            if has_contacts == has_required:
                raise InputError(file.at(1), "needs exactly one of the columns contacts, required")
            kind = "contacts" if has_contacts else "required"
        try:
            start = datetime.fromisoformat(values["start"])
        except ValueError:
            raise InputError(
                file.at(row, "start"),
                f"expected an ISO 8601 time like 2026-03-23T00:00:00Z, got {values['start']!r}",
            ) from None
        data: dict[str, Any] = {"start": start}
        for column in ("contacts", "aht_seconds", "required"):
            if values.get(column):
                data[column] = values[column]
        rows.append(_build(ForecastRow, data, file.locator(row)))
        file_rows.append(row)
    if len(rows) < 2 or kind is None:
        raise InputError(file.name, "needs at least two rows to tell the time step")
    step = rows[1].start - rows[0].start
    if step > timedelta(0) and step.total_seconds() % 60:
        raise InputError(file.name, "time step between rows must be whole minutes")
    step_minutes = max(1, int(step.total_seconds() // 60))  # a step <= 0 is reported next
    problem = forecast_row_problem(kind, step_minutes, tuple(rows), lambda i: f"row {file_rows[i]}")
    if problem is not None:
        raise InputError(file.at(file_rows[problem.index], problem.column), problem.message)
    forecast = _build(
        Forecast,
        {"kind": kind, "step_minutes": step_minutes, "rows": tuple(rows)},
        lambda location: f"{file.name} ({location})",
    )
    uncovered = forecast.coverage_problem(week_start_utc)
    if uncovered is not None:
        raise InputError(file.name, uncovered)
    return forecast


# --- scenario ------------------------------------------------------------------------


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(f"{where} key {key}", "must be a table like [" + key + "]")
    return value


def _file_key(
    table: dict[str, Any], key: str, base: Path, where: str, required: bool
) -> Path | None:
    """The file a scenario key points at; ``where`` is e.g. ``scenario.toml key team.agents``."""
    value = table.get(key)
    if value is None:
        if required:
            raise InputError(where, "is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, "must be a file path")
    return (base / value).resolve()


def _known_keys(table: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in known:
            raise InputError(f"{where}.{key}", f"unknown key; expected {', '.join(known)}")


class _Header(Scenario):
    """The scenario's own keys, validated before the files they point at are read."""

    agents: tuple[Agent, ...] = ()
    queues: tuple[Queue, ...] = ()

    @model_validator(mode="after")
    def _forecast_covers_the_week(self) -> _Header:
        return self


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file and everything it points at; paths are relative to it."""
    path = Path(path)
    where = display(path)
    if not path.is_file():
        raise InputError(where, "scenario file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(where, f"invalid TOML: {error}") from None
    except UnicodeDecodeError:
        raise InputError(where, "is not UTF-8 text") from None
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise InputError(f"{where} key {key}", "unknown key")
    base = path.parent

    def key_at(loc: str, prefix: str = "") -> str:
        name = f"{prefix}{loc}".rstrip(".")
        return f"{where} key {name}" if name else where

    team = _table(data, "team", where)
    forecast_table = _table(data, "forecast", where)
    _known_keys(team, ("agents", "availability", "time_off"), f"{where} key team")
    _known_keys(forecast_table, ("file",), f"{where} key forecast")
    rules_table = _table(data, "rules", where)
    staffing = _build(
        Staffing, _table(data, "staffing", where), lambda loc: key_at(loc, "staffing.")
    )
    solver = _build(
        SolverSettings, _table(data, "solver", where), lambda loc: key_at(loc, "solver.")
    )
    rules = _build(Rules, rules_table, lambda loc: key_at(loc, "rules."))
    export = _build(
        ExportSettings, _table(data, "export", where), lambda loc: key_at(loc, "export.")
    )
    header: dict[str, Any] = {
        k: data[k] for k in ("name", "week_start", "timezone", "interval_minutes") if k in data
    }
    if "name" not in header:
        header["name"] = path.stem
    if "team" not in data:
        raise InputError(f"{where} key team", "is missing; add a [team] table")
    if "forecast" not in data and "queues" not in data:
        raise InputError(
            f"{where} key forecast", "is missing; add a [forecast] table (or [queues.NAME] tables)"
        )
    if "forecast" in data and "queues" in data:
        raise InputError(
            f"{where} key forecast",
            "give either [forecast] or [queues.NAME] tables with their own forecasts, not both",
        )
    # Validate the header keys first: the forecast check needs the week.
    head = _build(_Header, header, lambda loc: key_at(loc))
    header["week_start"] = head.week_start
    week_start = head.week_start_utc

    queues = _read_queues(
        _table(data, "queues", where), _table(data, "staffing", where), base, where, week_start
    )
    agents_path = _file_key(team, "agents", base, f"{where} key team.agents", True)
    assert agents_path is not None
    agents = read_agents(agents_path, rules_table, tuple(q.name for q in queues))
    by_id = {agent.id: agent for agent in agents}
    availability_path = _file_key(
        team, "availability", base, f"{where} key team.availability", False
    )
    windows = read_availability(availability_path, by_id) if availability_path else {}
    time_off_path = _file_key(team, "time_off", base, f"{where} key team.time_off", False)
    days_off = read_time_off(time_off_path, by_id) if time_off_path else {}
    sources: dict[str, Any] = {"queues": tuple(queues)} if queues else {}
    if not queues:
        forecast_path = _file_key(forecast_table, "file", base, f"{where} key forecast.file", True)
        assert forecast_path is not None
        sources["forecast"] = read_forecast(forecast_path, week_start)

    agents = [
        agent.replace(
            availability=tuple(windows.get(agent.id, ())),
            time_off=frozenset(days_off.get(agent.id, ())),
        )
        if agent.id in windows or agent.id in days_off
        else agent
        for agent in agents
    ]
    return _build(
        Scenario,
        {
            **header,
            "agents": tuple(agents),
            **sources,
            "staffing": staffing,
            "rules": rules,
            "solver": solver,
            "export": export,
        },
        lambda loc: key_at(loc),
    )


class _QueueHeader(Queue):
    """A queue's own keys, validated before its forecast file is read."""

    forecast: Forecast | None = None  # type: ignore[assignment]


def _read_queues(
    tables: dict[str, Any],
    staffing: dict[str, Any],
    base: Path,
    where: str,
    week_start: datetime,
) -> list[Queue]:
    """``[queues.NAME]`` tables: a forecast file each, opening hours, priority, and
    any ``[staffing]`` key overridden."""
    queues: list[Queue] = []
    for name, table in tables.items():
        bare = re.fullmatch(r"[A-Za-z0-9_-]+", name) is not None
        prefix = f"queues.{name}" if bare else f'queues."{name}"'
        if not isinstance(table, dict):
            raise InputError(f"{where} key {prefix}", f"must be a table like [{prefix}]")
        _known_keys(table, QUEUE_KEYS, f"{where} key {prefix}")
        forecast_path = _file_key(table, "forecast", base, f"{where} key {prefix}.forecast", True)
        assert forecast_path is not None
        email = table.get("channel") == "email"
        renamed = EMAIL_KEYS if email else {}
        table = {renamed.get(k, k): v for k, v in table.items()}
        overrides = {k: v for k, v in table.items() if k in Staffing.model_fields}
        if email:
            overrides.setdefault("min_agents", 0)

        def at(loc: str, prefix: str = prefix, renamed: dict[str, str] = renamed) -> str:
            # The queue's name is its table's key.
            loc = next((key for key, field in renamed.items() if field == loc), loc)
            return f"{where} key {prefix}" + ("" if loc in ("", "name") else f".{loc}")

        fields = {k: table[k] for k in QUEUE_FIELDS if k in table}
        # The name and hours first, so that a mistake there is reported before the file is read.
        _build(_QueueHeader, {"name": name, **fields}, at)
        own = _build(Staffing, {**staffing, **overrides}, at)
        forecast = read_forecast(forecast_path, week_start)
        queues.append(
            _build(Queue, {"name": name, "forecast": forecast, "staffing": own, **fields}, at)
        )
    return queues


# --- a roster written by `coverage plan` ------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    """One shift read back from ``roster.csv``."""

    agent_id: str
    agent_name: str
    timezone: str
    shift: Shift
    activities: tuple[Activity, ...] = ()  # which queue when, where the plan has queues


def _instant(file: CsvFile, row: int, column: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.utcoffset() is None:
        raise InputError(
            file.at(row, column), f"expected a time like 2026-03-23T09:00:00Z, got {text!r}"
        )
    return value.astimezone(UTC)


def read_activities(path: Path) -> dict[str, list[Activity]]:
    """Activities per agent from an ``activities.csv`` (none if the file is not there)."""
    if not path.is_file():
        return {}
    file = CsvFile(path, ("agent_id", "queue", "start_utc", "end_utc"))
    activities: dict[str, list[Activity]] = {}
    for row, values in file.rows():
        values = {k: restore(v) for k, v in values.items()}
        for column in ("agent_id", "queue"):
            if not values[column]:
                raise InputError(file.at(row, column), "is empty")
        start = _instant(file, row, "start_utc", values["start_utc"])
        end = _instant(file, row, "end_utc", values["end_utc"])
        if end <= start:
            raise InputError(file.at(row, "end_utc"), "must be after start_utc")
        activities.setdefault(values["agent_id"], []).append(
            Activity(values["agent_id"], start, end, values["queue"])
        )
    return activities


def _with_activities(
    row: RosterRow, activities: dict[str, list[Activity]], folder: Path
) -> RosterRow:
    """The row with the activities inside its shift, which must fill it."""
    shift = row.shift
    inside = tuple(
        a
        for a in activities.get(row.agent_id, ())
        if shift.start_utc <= a.start_utc and a.end_utc <= shift.end_utc
    )
    served = sum(a.minutes for a in inside)
    if served != shift.minutes:
        raise InputError(
            display(folder / "activities.csv"),
            f"the shift of agent {row.agent_id!r} from {shift.start_utc:%Y-%m-%dT%H:%MZ} has "
            f"{served} of its {shift.minutes} minutes in activities; it must match roster.csv",
        )
    return replace(row, activities=inside)


def read_roster(folder: Path, name: str = "roster.csv") -> tuple[list[RosterRow], str]:
    """The shifts in ``folder/roster.csv`` (or another ``name`` with its columns; with
    their activities from ``activities.csv`` when it is there) and the plan's name
    (from ``summary.json``)."""
    file = CsvFile(
        folder / name,
        ("agent_id", "agent_name", "timezone", "start_utc", "end_utc"),
        ("date", "start_local", "end_local", "hours"),
    )
    rows: list[RosterRow] = []
    for row, values in file.rows():
        values = {k: restore(v) for k, v in values.items()}
        if not values["agent_id"]:
            raise InputError(file.at(row, "agent_id"), "is empty")
        try:
            check_zone(values["timezone"])
        except ValueError as error:
            raise InputError(file.at(row, "timezone"), str(error)) from None
        start = _instant(file, row, "start_utc", values["start_utc"])
        end = _instant(file, row, "end_utc", values["end_utc"])
        if end <= start:
            raise InputError(file.at(row, "end_utc"), "must be after start_utc")
        rows.append(
            RosterRow(
                values["agent_id"],
                values["agent_name"] or values["agent_id"],
                values["timezone"],
                Shift(values["agent_id"], start, end),
            )
        )
    activities = read_activities(folder / "activities.csv")
    if activities:
        rows = [_with_activities(row, activities, folder) for row in rows]
    name = folder.resolve().name
    summary = folder / "summary.json"
    if summary.is_file():
        try:
            name = str(json.loads(summary.read_text(encoding="utf-8")).get("scenario", name))
        except (ValueError, AttributeError):
            raise InputError(
                display(summary), "is not the JSON that coverage plan writes"
            ) from None
    return rows, name


# --- a roster to score or re-plan ---------------------------------------------------------


@dataclass(frozen=True)
class GivenRoster:
    """A roster read to be scored or re-planned, in any of the forms ``read_given_roster``
    takes. ``activities`` is None when the file does not say which queue when."""

    source: str
    shifts: tuple[Shift, ...]
    activities: tuple[Activity, ...] | None = None
    # A re-plan's roster: who was out and the dates that became their time off.
    absences: tuple[AgentAbsence, ...] = ()
    time_off: tuple[tuple[str, date], ...] = ()


SIMPLE_COLUMNS = ("agent_id", "start", "end")


def read_given_roster(path: Path, scenario: Scenario) -> GivenRoster:
    """A roster for ``scenario``'s team from ``path``: a folder ``coverage plan`` wrote
    (its ``roster.csv`` and ``activities.csv``), such a ``roster.csv``, a simple CSV
    ``agent_id,start,end``, or the calendars ``coverage export`` writes (``team.ics``,
    one agent's ``.ics``, or a folder of them). Rows naming agents not in the team,
    malformed times and shifts that end before they start are input errors."""
    given = _read_any_roster(path, scenario)
    return replace(given, **_replan_context(path, scenario))


def _read_any_roster(path: Path, scenario: Scenario) -> GivenRoster:
    if path.is_dir():
        if (path / "roster.csv").is_file():
            return _read_plan_roster(path / "roster.csv", scenario)
        calendars = sorted(path.glob("*.ics"))
        if (path / "team.ics").is_file():
            calendars = [path / "team.ics"]
        if not calendars:
            raise InputError(display(path), "holds no roster.csv and no .ics calendar")
        return _read_calendars(calendars, scenario, display(path))
    if not path.is_file():
        raise InputError(display(path), "file not found")
    if path.suffix.lower() == ".ics":
        return _read_calendars([path], scenario, display(path))
    header = _header(path)
    if {"start_utc", "end_utc"} <= set(header):
        return _read_plan_roster(path, scenario)
    return _read_simple_roster(path, scenario)


def _replan_context(path: Path, scenario: Scenario) -> dict[str, Any]:
    """The absences and time off of the re-plan that wrote the roster, from its
    ``summary.json`` (beside it, or above its ``calendars/<format>/`` folder)."""
    folder = path if path.is_dir() else path.parent
    for place in (folder, folder.parent.parent):
        summary = place / "summary.json"
        if summary.is_file():
            break
    else:
        return {}
    try:
        replan = json.loads(summary.read_text(encoding="utf-8")).get("replan")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return {}
    if not isinstance(replan, dict):
        return {}
    known = {agent.id for agent in scenario.agents}
    try:
        absences = tuple(
            AgentAbsence(
                agent_id=a["agent_id"],
                absence=Absence(start_utc=a["start_utc"], end_utc=a["end_utc"]),
            )
            for a in replan.get("absences", [])
            if a.get("agent_id") in known
        )
        time_off = tuple(
            (agent_id, date.fromisoformat(day))
            for agent_id, days in replan.get("time_off", {}).items()
            if agent_id in known
            for day in days
        )
    except (KeyError, TypeError, ValueError):
        raise InputError(display(summary), "has a replan section coverage did not write") from None
    return {"absences": absences, "time_off": time_off}


def _header(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return []  # CsvFile reports it
    first = next((line for line in lines if line.strip()), "")
    return [h.strip().lower() for h in next(csv.reader([first]), [])]


def _team_agent(scenario: Scenario, where: str, agent_id: str) -> Agent:
    try:
        return scenario.agent(agent_id)
    except KeyError:
        raise InputError(where, f"agent {agent_id!r} is not in the team") from None


def _read_plan_roster(path: Path, scenario: Scenario) -> GivenRoster:
    """A ``roster.csv`` that ``coverage plan`` wrote, with ``activities.csv`` beside it."""
    rows, _ = read_roster(path.parent, path.name)
    file = CsvFile(path, ())
    for number, row in enumerate(rows, start=2):
        _team_agent(scenario, file.at(number, "agent_id"), row.agent_id)
    has_activities = (path.parent / "activities.csv").is_file()
    activities = tuple(a for row in rows for a in row.activities) if has_activities else None
    return GivenRoster(display(path), tuple(row.shift for row in rows), activities)


def _local_or_instant(
    text: str, agent: Agent, where: str, after: datetime | None = None
) -> datetime:
    """An ISO 8601 time with an offset, or a local date-time (or, for an end, a local
    time of day after ``after``) read in the agent's zone."""
    zone = agent.zone
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if clock and after is not None:
        hour, minute = int(clock[1]), int(clock[2])
        if hour > 24 or minute > 59 or (hour == 24 and minute):
            raise InputError(where, f"{text!r} is not a time of day")
        start_local = after.astimezone(zone)
        day = start_local.date()
        value = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=minute)
        if value <= start_local.replace(tzinfo=None):
            value += timedelta(days=1)
        return _wall_clock(value, agent, where)
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise InputError(
            where,
            f"expected a time like 2026-03-23T09:00 (local) or 2026-03-23T09:00:00Z, got {text!r}",
        ) from None
    if value.utcoffset() is not None:
        return value.astimezone(UTC)
    return _wall_clock(value, agent, where)


def _wall_clock(value: datetime, agent: Agent, where: str) -> datetime:
    """A local wall-clock time in the agent's zone as UTC; an error if clocks skip it."""
    aware = value.replace(tzinfo=agent.zone)
    instant = aware.astimezone(UTC)
    if instant.astimezone(agent.zone).replace(tzinfo=None) != value:
        raise InputError(
            where, f"{value:%Y-%m-%d %H:%M} does not exist in {agent.timezone} (clocks skip it)"
        )
    return instant


def _read_simple_roster(path: Path, scenario: Scenario) -> GivenRoster:
    """``agent_id,start,end`` (and optionally ``queue``: the shift serves it throughout)."""
    file = CsvFile(path, SIMPLE_COLUMNS, ("queue", "agent_name", "timezone"))
    shifts: list[Shift] = []
    activities: list[Activity] = []
    every_row_has_queue = True
    for row, values in file.rows():
        values = {k: restore(v) for k, v in values.items()}
        if not values["agent_id"]:
            raise InputError(file.at(row, "agent_id"), "is empty")
        agent = _team_agent(scenario, file.at(row, "agent_id"), values["agent_id"])
        start = _local_or_instant(values["start"], agent, file.at(row, "start"))
        end = _local_or_instant(values["end"], agent, file.at(row, "end"), after=start)
        if end <= start:
            raise InputError(file.at(row, "end"), "must be after start")
        shifts.append(Shift(agent.id, start, end))
        queue = values.get("queue", "")
        if queue and queue not in scenario.queue_names:
            raise InputError(
                file.at(row, "queue"),
                f"unknown queue {queue!r}; the scenario has {', '.join(scenario.queue_names)}",
            )
        every_row_has_queue = every_row_has_queue and bool(queue)
        if queue:
            activities.append(Activity(agent.id, start, end, queue))
    if not shifts:
        raise InputError(file.name, "has no shifts")
    return GivenRoster(file.name, tuple(shifts), tuple(activities) if every_row_has_queue else None)


def _read_calendars(paths: list[Path], scenario: Scenario, source: str) -> GivenRoster:
    """Events of the calendars ``coverage export`` writes, matched to agents by the UID
    it gives each (agent and local date), else by the agent calendar's name; the
    activities from the description where every event lists them. Cancelled events
    (a re-plan's updates) are left out."""

    uids: dict[str, str] = {}
    for agent in scenario.agents:
        first = scenario.week_dates[0] - timedelta(days=1)
        for k in range(9):
            uids[shift_uid(agent.id, first + timedelta(days=k))] = agent.id
    by_name = {agent.name: agent.id for agent in scenario.agents}
    titles = {queue.name[:1].upper() + queue.name[1:]: queue.name for queue in scenario.queues}
    shifts: list[Shift] = []
    activities: list[Activity] = []
    all_listed = True
    for path in paths:
        name = display(path)
        try:
            calendar = Calendar.from_ical(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as error:
            raise InputError(name, f"is not an iCalendar file ({error})") from None
        calendar_name = str(calendar.get("X-WR-CALNAME", ""))
        owner = next((i for n, i in by_name.items() if calendar_name.startswith(f"{n} — ")), None)
        for event in calendar.walk("VEVENT"):
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            uid = str(event.get("UID", ""))
            where = f"{name} event {uid or '(no UID)'}"
            agent_id = uids.get(uid, owner)
            if agent_id is None:
                raise InputError(
                    where, "matches no agent of the team by its UID or its calendar's name"
                )
            try:
                start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            except (KeyError, ValueError):
                raise InputError(where, "needs DTSTART and DTEND") from None
            if not isinstance(start, datetime) or not isinstance(end, datetime):
                raise InputError(where, "is an all-day event, not a shift")
            if start.utcoffset() is None or end.utcoffset() is None:
                raise InputError(where, "has a floating time; expected a time zone (TZID)")
            start, end = start.astimezone(UTC), end.astimezone(UTC)
            if end <= start:
                raise InputError(where, "ends before it starts")
            shift = Shift(agent_id, start, end)
            shifts.append(shift)
            listed = _listed_activities(
                str(event.get("DESCRIPTION", "")), shift, scenario.agent(agent_id), titles
            )
            all_listed = all_listed and listed is not None
            activities.extend(listed or ())
    if not shifts:
        raise InputError(source, "holds no shift events")
    listed_any = all_listed and len(scenario.queues) > 1
    return GivenRoster(source, tuple(shifts), tuple(activities) if listed_any else None)


def _listed_activities(
    description: str, shift: Shift, agent: Agent, titles: dict[str, str]
) -> tuple[Activity, ...] | None:
    """The activities ``German 09:00–13:00, English 13:00–17:00`` a description lists,
    on the shift's instants; None unless they run from its start to its end."""
    if not titles:
        return None
    names = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    found = re.findall(rf"({names}) (\d{{2}}):(\d{{2}})–(\d{{2}}):(\d{{2}})", description)
    if not found:
        return None
    activities = []
    at = shift.start_utc
    zone = agent.zone
    for title, start_h, start_m, end_h, end_m in found:
        local = at.astimezone(zone)
        if (local.hour, local.minute) != (int(start_h), int(start_m)):
            return None
        wall = local.replace(tzinfo=None)
        end_wall = datetime.combine(wall.date(), datetime.min.time()) + timedelta(
            hours=int(end_h), minutes=int(end_m)
        )
        if end_wall <= wall:
            end_wall += timedelta(days=1)
        end = end_wall.replace(tzinfo=zone).astimezone(UTC)
        if end > shift.end_utc:
            return None
        activities.append(Activity(agent.id, at, end, titles[title]))
        at = end
    return tuple(activities) if at == shift.end_utc else None


# --- a re-plan's absences and moment --------------------------------------------------------

ABSENT_EXAMPLE = "ana:2026-03-04..2026-03-06"


def parse_moment(text: str, zone: ZoneInfo, *, end: bool = False) -> datetime:
    """A local date (its midnight; the next one for an ``end``, so the date is
    included), a local date-time in ``zone``, or an ISO 8601 instant with an offset.
    Raises ValueError saying what is wrong."""
    text = text.strip()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        midnight = datetime.combine(day + timedelta(days=1 if end else 0), datetime.min.time())
        return midnight.replace(tzinfo=zone).astimezone(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a date (2026-03-04) nor a time (2026-03-04T09:00)"
        ) from None
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _absence(agent_id: str, first: str, last: str, scenario: Scenario) -> AgentAbsence:
    """Raises ValueError saying what is wrong."""
    zone = scenario.agent(agent_id).zone
    start, end = parse_moment(first, zone), parse_moment(last, zone, end=True)
    if end <= start:
        raise ValueError(f"it ends ({last}) before it starts ({first})")
    return AgentAbsence(agent_id=agent_id, absence=Absence(start_utc=start, end_utc=end))


def parse_absence(text: str, scenario: Scenario) -> AgentAbsence:
    """``AGENT:FROM..TO``: local dates (``TO`` included) or date-times (``TO`` excluded),
    read in the agent's zone unless they carry an offset. Raises ValueError."""
    # Agent ids may hold ':' and so do times: the id is the first prefix in the team.
    known = {agent.id for agent in scenario.agents}
    at = next((i for i, char in enumerate(text) if char == ":" and text[:i].strip() in known), -1)
    if at < 0 or ".." not in text[at + 1 :]:
        if ":" in text and ".." in text:
            raise ValueError(f"{text!r}: agent {text.partition(':')[0]!r} is not in the team")
        raise ValueError(f"{text!r}: expected AGENT:FROM..TO, e.g. {ABSENT_EXAMPLE}")
    first, _, last = text[at + 1 :].partition("..")
    try:
        return _absence(text[:at].strip(), first, last, scenario)
    except ValueError as error:
        raise ValueError(f"{text!r}: {error}") from None


def read_absences(path: Path, scenario: Scenario) -> list[AgentAbsence]:
    """``agent_id,start,end`` rows (dates or date-times, as ``--absent`` takes them)."""
    file = CsvFile(path, ("agent_id", "start", "end"))
    absences = []
    for row, values in file.rows():
        values = {k: restore(v) for k, v in values.items()}
        agent = _team_agent(scenario, file.at(row, "agent_id"), values["agent_id"])
        for column in ("start", "end"):
            if not values[column]:
                raise InputError(file.at(row, column), "is empty")
            try:
                parse_moment(values[column], agent.zone)
            except ValueError as error:
                raise InputError(file.at(row, column), str(error)) from None
        try:
            absences.append(_absence(agent.id, values["start"], values["end"], scenario))
        except ValueError as error:
            raise InputError(file.at(row, "end"), str(error)) from None
    return absences


# --- an output folder, for its report ------------------------------------------------------


def read_output_files(folder: Path) -> dict[str, str]:
    """The files ``plan``, ``score``, ``replan`` or ``hire`` wrote in ``folder``, by name;
    for a hiring answer, with those of its best single hire's plan folder."""
    summary, ranking = folder / "summary.json", folder / "hire.csv"
    if not folder.is_dir():
        raise InputError(display(folder), "folder not found")
    if not summary.is_file() and not ranking.is_file():
        raise InputError(
            display(folder), "holds no summary.json or hire.csv: not a folder coverage wrote"
        )
    folders = [folder]
    if ranking.is_file():
        folders += sorted(p for p in folder.glob("best-single-*") if p.is_dir())[:1]
    files: dict[str, str] = {}
    for place in folders:
        for path in sorted(place.iterdir()):
            if path.is_file() and path.suffix in (".csv", ".json"):
                try:
                    files.setdefault(path.name, path.read_text(encoding="utf-8"))
                except UnicodeDecodeError:
                    raise InputError(display(path), "is not UTF-8 text") from None
    try:
        json.loads(files.get("summary.json", "{}"))
    except ValueError:
        raise InputError(display(summary), "is not the JSON that coverage writes") from None
    return files
