"""Rosters for calendars: Google Calendar CSV, Outlook CSV and iCalendar (RFC 5545).

Each agent gets a file in their own local time; iCalendar also gets one team
calendar. CSV formats have no time-zone column, so their times are the agent's
local wall clock and the description names the zone. iCalendar events carry
an IANA ``TZID`` with the matching ``VTIMEZONE`` embedded, and a ``UID`` that
stays the same for the same agent and local date, so re-importing an updated
roster updates events instead of duplicating them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event

from coverage.inputs import RosterRow
from coverage.models import ExportSettings, Scenario
from coverage.outputs import csv_text, safe_file_names
from coverage.roster import Roster
from coverage.timegrid import shift_uid

FORMATS = ("google", "outlook", "ics")
GOOGLE_COLUMNS = [
    "Subject", "Start Date", "Start Time", "End Date", "End Time",
    "All Day Event", "Description", "Location", "Private",
]  # fmt: skip
OUTLOOK_COLUMNS = [
    "Subject", "Start Date", "Start Time", "End Date", "End Time", "All day event",
    "Reminder on/off", "Reminder Date", "Reminder Time", "Meeting Organizer",
    "Required Attendees", "Optional Attendees", "Meeting Resources", "Billing Information",
    "Categories", "Description", "Location", "Mileage", "Priority", "Private", "Sensitivity",
    "Show time as",
]  # fmt: skip
PRODID = "-//coverage//follow-the-sun shift planner//EN"


def parse_formats(text: str) -> tuple[str, ...]:
    """``google,outlook,ics`` to a tuple; raises ValueError naming an unknown format."""
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    for name in formats:
        if name not in FORMATS:
            raise ValueError(f"unknown format {name!r}; use {', '.join(FORMATS)}")
    if not formats:
        raise ValueError(f"name at least one of {', '.join(FORMATS)}")
    return formats


def stamp_now() -> datetime:
    """When the calendar was made: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(UTC).replace(microsecond=0)


def _local(row: RosterRow) -> tuple[datetime, datetime]:
    zone = ZoneInfo(row.timezone)
    return row.shift.start_utc.astimezone(zone), row.shift.end_utc.astimezone(zone)


def queue_title(name: str) -> str:
    """A queue's name as calendars show it: ``german`` -> ``German``."""
    return name[:1].upper() + name[1:]


def activities_text(row: RosterRow) -> str:
    """The shift's activities in the agent's local time, e.g.
    ``German 09:00–13:00, English 13:00–17:00``."""
    zone = ZoneInfo(row.timezone)
    return ", ".join(
        f"{queue_title(a.queue)} {a.start_utc.astimezone(zone):%H:%M}–"
        f"{a.end_utc.astimezone(zone):%H:%M}"
        for a in sorted(row.activities, key=lambda a: a.start_utc)
    )


def shift_fields(row: RosterRow, team: str) -> dict[str, str]:
    """The template fields of one shift, in the agent's local time."""
    start, end = _local(row)
    return {
        "activities": activities_text(row),
        "team": team,
        "agent": row.agent_name,
        "agent_id": row.agent_id,
        "timezone": row.timezone,
        "date": start.date().isoformat(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "hours": f"{row.shift.minutes / 60:g}",
    }


def _us_date(moment: datetime) -> str:
    return f"{moment.month:02d}/{moment.day:02d}/{moment.year}"


def _us_time(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def _texts(row: RosterRow, team: str, settings: ExportSettings) -> tuple[str, str, str]:
    fields = shift_fields(row, team)
    description = settings.description.format(**fields)
    templates = (settings.subject, settings.description, settings.location)
    if fields["activities"] and not any("{activities}" in t for t in templates):
        stop = "" if description.rstrip().endswith((".", "!", "?")) or not description else "."
        description = f"{description}{stop} {fields['activities']}.".strip()
    return (
        settings.subject.format(**fields),
        description,
        settings.location.format(**fields),
    )


def roster_rows(scenario: Scenario, roster: Roster) -> list[RosterRow]:
    """A plan's shifts as the rows ``read_roster`` gives back from its ``roster.csv``
    (and ``activities.csv``, written when the scenario has queues)."""
    rows = []
    for shift in roster:
        agent = scenario.agent(shift.agent_id)
        activities = (
            tuple(
                a
                for a in roster.activities_of(agent.id)
                if shift.start_utc <= a.start_utc and a.end_utc <= shift.end_utc
            )
            if scenario.declares_queues
            else ()
        )
        rows.append(RosterRow(agent.id, agent.name or agent.id, agent.timezone, shift, activities))
    return rows


def _calendar_csv(
    rows: Sequence[RosterRow],
    team: str,
    settings: ExportSettings,
    columns: Sequence[str],
    fixed: dict[str, str],
) -> str:
    """One event per shift, in the agent's local times, with a format's own columns
    (the ``fixed`` ones the same on every row)."""
    records = []
    for row in rows:
        start, end = _local(row)
        subject, description, location = _texts(row, team, settings)
        record = dict.fromkeys(columns, "") | fixed
        record.update(
            {
                "Subject": subject,
                "Start Date": _us_date(start),
                "Start Time": _us_time(start),
                "End Date": _us_date(end),
                "End Time": _us_time(end),
                "Description": f"{description} Times are in {row.timezone}.",
                "Location": location,
            }
        )
        records.append(record)
    return csv_text(pd.DataFrame(records, columns=list(columns)))


def google_csv(rows: Sequence[RosterRow], team: str, settings: ExportSettings) -> str:
    """Google Calendar's import format, local times of the agent (set the calendar's zone)."""
    fixed = {"All Day Event": "False", "Private": "False"}
    return _calendar_csv(rows, team, settings, GOOGLE_COLUMNS, fixed)


def outlook_csv(rows: Sequence[RosterRow], team: str, settings: ExportSettings) -> str:
    """Outlook's classic 22-column import format, local times of the agent."""
    fixed = {
        "All day event": "False",
        "Reminder on/off": "False",
        "Categories": "Shift",
        "Priority": "Normal",
        "Private": "False",
        "Sensitivity": "Normal",
        "Show time as": "2",  # busy
    }
    return _calendar_csv(rows, team, settings, OUTLOOK_COLUMNS, fixed)


def event_uid(row: RosterRow) -> str:
    """The same for the same agent and local date: one shift per local date."""
    start, _ = _local(row)
    return shift_uid(row.agent_id, start.date())


def calendar(
    rows: Sequence[RosterRow],
    team: str,
    settings: ExportSettings,
    name: str,
    stamp: datetime,
    update: CalendarUpdate | None = None,
) -> str:
    """An iCalendar file of the shifts, each in its agent's zone with its VTIMEZONE.

    With an ``update`` (a re-plan's), the events it names get a higher ``SEQUENCE``
    than an export at the same moment would give, and its cancelled shifts are
    sent as ``STATUS:CANCELLED`` under their old ``UID``, so that calendar apps
    update and remove events instead of duplicating them.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    zones = {row.timezone for row in rows}
    if len(zones) == 1:
        cal.add("x-wr-timezone", zones.pop())
    sequence = int(stamp.timestamp() // 60)
    raised = update.changed if update else frozenset()
    cancelled = update.cancelled if update else ()
    events = [(row, False) for row in rows] + [(row, True) for row in cancelled]
    for row, cancel in sorted(events, key=lambda e: (e[0].shift.start_utc, e[0].agent_id)):
        start, end = _local(row)
        subject, description, location = _texts(row, team, settings)
        event = Event()
        uid = event_uid(row)
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("sequence", sequence + 1 if cancel or uid in raised else sequence)
        if cancel:
            event.add("status", "CANCELLED")
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", subject)
        event.add("description", description)
        if location:
            event.add("location", location)
        event.add("categories", ["Shift"])
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    if rows or cancelled:
        every = [*rows, *cancelled]
        # Rules for a year either side, so a client that checks nearby dates finds them.
        first = min(r.shift.start_utc for r in every).date() - timedelta(days=366)
        last = max(r.shift.end_utc for r in every).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return str(cal.to_ical().decode("utf-8"))


@dataclass(frozen=True)
class CalendarUpdate:
    """A re-plan's calendars: the UIDs of the shifts that changed, the shifts it cancels,
    and the agents whose week changed (the only ones who get files)."""

    changed: frozenset[str]
    cancelled: tuple[RosterRow, ...]
    agents: frozenset[str]


def export_files(
    rows: Sequence[RosterRow],
    team: str,
    settings: ExportSettings,
    fmt: str,
    stamp: datetime | None = None,
    update: CalendarUpdate | None = None,
) -> dict[str, str]:
    """File name -> contents for one format: one file per agent, plus ``team.ics``.

    With an ``update``, only the agents whose week changed get a file (with their
    cancelled shifts in iCalendar); ``team.ics`` holds the whole team's week.
    """
    by_agent: dict[str, list[RosterRow]] = {}
    for row in rows:
        if update is None or row.agent_id in update.agents:
            by_agent.setdefault(row.agent_id, []).append(row)
    if update is not None and fmt == "ics":
        for row in update.cancelled:
            by_agent.setdefault(row.agent_id, [])
    agent_ids = sorted(by_agent)
    suffix = ".ics" if fmt == "ics" else ".csv"
    # The team calendar claims "team.ics" first; an agent called "team" gets "team-2.ics".
    reserved = ["team"] if fmt == "ics" else []
    names = safe_file_names([*reserved, *agent_ids], suffix)[len(reserved) :]
    files: dict[str, str] = {}
    moment = stamp or stamp_now()
    for agent_id, name in zip(agent_ids, names, strict=True):
        shifts = by_agent[agent_id]
        if fmt == "google":
            files[name] = google_csv(shifts, team, settings)
        elif fmt == "outlook":
            files[name] = outlook_csv(shifts, team, settings)
        else:
            own = _own_update(update, agent_id)
            agent_name = (shifts or (own.cancelled if own else ()))[0].agent_name
            files[name] = calendar(shifts, team, settings, f"{agent_name} — {team}", moment, own)
    if fmt == "ics":
        files["team.ics"] = calendar(rows, team, settings, team, moment, update)
    return files


def _own_update(update: CalendarUpdate | None, agent_id: str) -> CalendarUpdate | None:
    if update is None:
        return None
    cancelled = tuple(r for r in update.cancelled if r.agent_id == agent_id)
    return CalendarUpdate(update.changed, cancelled, frozenset({agent_id}))
