"""The planned week on the UTC timeline, and UTC <-> local conversion.

This module owns time: the week is the 168 hours from ``week_start`` 00:00 in
the scenario's zone, stored as a UTC instant. The roster repeats weekly, so
any instant maps onto a minute of the week modulo 168 hours. Local times are
always converted with ``zoneinfo`` using the offset in force at that instant.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK_MINUTES = 7 * 24 * 60
WEEK = timedelta(minutes=WEEK_MINUTES)


def week_start_utc(day: date, zone_name: str) -> datetime:
    """The UTC instant of local midnight starting ``day`` in the zone."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


@dataclass(frozen=True, slots=True, order=True)
class Shift:
    """One worked shift of one agent, as UTC instants (end exclusive)."""

    agent_id: str
    start_utc: datetime
    end_utc: datetime

    @property
    def minutes(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds() // 60)

    def local_start(self, zone: ZoneInfo) -> datetime:
        return self.start_utc.astimezone(zone)

    def local_end(self, zone: ZoneInfo) -> datetime:
        return self.end_utc.astimezone(zone)


@dataclass(frozen=True, slots=True, order=True)
class Activity:
    """A span of a shift in which its agent serves one queue, as UTC instants (end exclusive)."""

    agent_id: str
    start_utc: datetime
    end_utc: datetime
    queue: str

    @property
    def minutes(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Week:
    """The 168-hour planning week and its reporting intervals."""

    start_utc: datetime
    zone_name: str
    interval_minutes: int

    @classmethod
    def starting(cls, day: date, zone_name: str, interval_minutes: int) -> Week:
        return cls(week_start_utc(day, zone_name), zone_name, interval_minutes)

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + WEEK

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    @property
    def intervals(self) -> int:
        return WEEK_MINUTES // self.interval_minutes

    def interval_start(self, index: int) -> datetime:
        return self.start_utc + timedelta(minutes=index * self.interval_minutes)

    def minute_of_week(self, instant: datetime) -> int:
        """Minutes from the week start, wrapped into 0..10079 (the roster repeats)."""
        minutes = int((instant - self.start_utc).total_seconds() // 60)
        return minutes % WEEK_MINUTES


def local_instant(day: date, minute_of_day: int, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None if clocks skip it.

    In the repeated hour when clocks go back, the first (summer-time) instant
    is taken.
    """
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minute_of_day)
    aware = naive.replace(tzinfo=zone)
    instant = aware.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return instant


def wall_minutes_since(day: date, instant: datetime, zone: ZoneInfo) -> int:
    """Local wall-clock minutes of ``instant`` counted from ``day`` 00:00 (may exceed 1440)."""
    wall = instant.astimezone(zone).replace(tzinfo=None)
    return int((wall - datetime.combine(day, time(0))).total_seconds() // 60)


def iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).isoformat()


def shift_uid(agent_id: str, day: date) -> str:
    """A calendar UID for the agent's shift on a local date (one shift per date), so
    that an updated roster updates events instead of duplicating them."""
    digest = hashlib.sha256(f"{agent_id}\x1f{day.isoformat()}".encode()).hexdigest()
    return f"{digest[:32]}@coverage"
