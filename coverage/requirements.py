"""Required agents per queue and reporting interval of the week, from the forecasts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np

from coverage.models import WEEK_MINUTES, Channel, Forecast, Queue, Scenario, Staffing, named
from coverage.staffing import Service, ServiceModel, scheduled_agents, traffic_erlangs
from coverage.timegrid import Week


@dataclass(frozen=True, eq=False)
class QueueRequirements:
    """One queue over ``week``: agents to schedule per interval while it is open.

    ``open_spans`` are the minutes of the week (from its start) in which the
    queue is open, sorted and disjoint; outside them it requires nobody and has
    no floor. ``required`` is per reporting interval (0 for an interval that is
    closed throughout) and applies in its open minutes.
    """

    name: str
    week: Week
    staffing: Staffing
    priority: int
    required: tuple[int, ...]
    open_spans: tuple[tuple[int, int], ...]
    contacts: tuple[float, ...] | None = None
    aht_seconds: tuple[float, ...] | None = None
    on_phone: tuple[int, ...] | None = None
    channel: Channel = "voice"
    service: ServiceModel | None = None  # voice and chat with a forecast of contacts
    window_minutes: int = 0  # email: answer within this long of arriving
    window_service_level: float = 1.0  # email: share to answer within the window

    @property
    def is_email(self) -> bool:
        return self.channel == "email"

    def interval_service(self, index: int, scheduled: float) -> Service:
        """What ``scheduled`` agents on the queue give in reporting interval ``index``
        (voice and chat with contacts)."""
        assert self.service is not None and self.contacts is not None
        assert self.aht_seconds is not None
        return self.service.projected(
            scheduled,
            self.contacts[index],
            self.aht_seconds[index],
            self.week.interval_minutes * 60.0,
        )

    @property
    def email_agent_hours(self) -> float:
        """Email: the scheduled agent-hours the week's emails take after shrinkage
        (0 for other channels, whose need is in ``required``)."""
        if not self.is_email or self.contacts is None or self.aht_seconds is None:
            return 0.0
        work = sum(c * a for c, a in zip(self.contacts, self.aht_seconds, strict=True))
        return work / 3600 / (1 - self.staffing.shrinkage)

    @property
    def min_agents(self) -> int:
        return self.staffing.min_agents

    @property
    def has_contacts(self) -> bool:
        return self.contacts is not None

    @cached_property
    def open_minutes(self) -> np.ndarray:
        """True in every minute of the week in which the queue is open."""
        mask = np.zeros(WEEK_MINUTES, dtype=bool)
        for lo, hi in self.open_spans:
            mask[lo:hi] = True
        mask.setflags(write=False)
        return mask

    @cached_property
    def required_minutes(self) -> np.ndarray:
        """Agents required in each minute of the week (0 while closed)."""
        per_minute = np.repeat(
            np.asarray(self.required, dtype=np.int64), self.week.interval_minutes
        )
        return np.where(self.open_minutes, per_minute, 0)

    @cached_property
    def floor_minutes(self) -> np.ndarray:
        """The ``min_agents`` floor in each minute of the week (0 while closed)."""
        return np.where(self.open_minutes, self.min_agents, 0).astype(np.int64)

    @property
    def open_hours(self) -> float:
        return sum(hi - lo for lo, hi in self.open_spans) / 60

    def boundaries(self) -> set[int]:
        """Minutes of the week at which the queue opens or closes."""
        return {m for span in self.open_spans for m in span if 0 < m < WEEK_MINUTES}


@dataclass(frozen=True, eq=False)
class Requirements:
    """Every queue's requirements on one week, in the scenario's queue order."""

    week: Week
    queues: tuple[QueueRequirements, ...]

    @property
    def has_contacts(self) -> bool:
        return any(q.has_contacts for q in self.queues)

    def queue(self, name: str) -> QueueRequirements:
        return named(self.queues, name)

    @property
    def required_agent_hours(self) -> float:
        return float(sum(q.required_minutes.sum() for q in self.queues) / 60)

    @property
    def email_agent_hours(self) -> float:
        return sum(q.email_agent_hours for q in self.queues)


def week_of(scenario: Scenario) -> Week:
    return Week.starting(scenario.week_start, scenario.timezone, scenario.interval_minutes)


def _wall_instant(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time; a time the clocks skip maps past the gap."""
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def opening_spans(queue: Queue, week: Week) -> tuple[tuple[int, int], ...]:
    """The queue's opening hours as minutes of ``week``, on its zone's clock that week.

    Each local date whose hours can reach into the week is laid out with the
    offset in force on it, so a clock change moves the UTC boundaries on the
    right date.
    """
    if queue.always_open:
        return ((0, WEEK_MINUTES),)
    zone = ZoneInfo(queue.hours_timezone or week.zone_name)
    first = week.start_utc.astimezone(zone).date()
    spans: list[tuple[int, int]] = []
    for offset in range(-2, 9):
        day = first + timedelta(days=offset)
        for span in queue.hours:
            if day.weekday() not in span.days:
                continue
            end = span.end if span.end > span.start else span.end + 24 * 60
            lo = (_wall_instant(day, span.start, zone) - week.start_utc) // timedelta(minutes=1)
            hi = (_wall_instant(day, end, zone) - week.start_utc) // timedelta(minutes=1)
            lo, hi = max(0, lo), min(WEEK_MINUTES, hi)
            if lo < hi:
                spans.append((lo, hi))
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def build_requirements(scenario: Scenario) -> Requirements:
    """Every queue's forecast on the plan's intervals, sized interval by interval."""
    week = week_of(scenario)
    return Requirements(week, tuple(queue_requirements(queue, week) for queue in scenario.queues))


def queue_requirements(queue: Queue, week: Week) -> QueueRequirements:
    """Re-bucket the queue's forecast onto the plan's intervals and size each open one.

    Contacts are spread evenly over their row's time step; required agents given
    directly take the largest value of any row overlapping the interval. An
    interval in which the queue is closed throughout requires nobody. Raises
    ValueError if the forecast does not cover the week (the loader reports that
    with the file name before this is reached).
    """
    forecast, staffing = queue.forecast, queue.staffing
    spans = opening_spans(queue, week)
    size = week.interval_minutes
    open_mask = np.zeros(WEEK_MINUTES, dtype=bool)
    for lo, hi in spans:
        open_mask[lo:hi] = True
    open_interval = [bool(row.any()) for row in open_mask.reshape(week.intervals, size)]
    required: list[int] = []
    contacts: list[float] = []
    aht: list[float] = []
    on_phone: list[int] = []
    interval_seconds = size * 60.0
    service = ServiceModel(
        staffing, queue.concurrency or 1, queue.patience_seconds, queue.max_abandon
    )
    email = queue.channel == "email"
    for i in range(week.intervals):
        total, mean_aht, peak = _interval_volume(forecast, staffing, week, i)
        if forecast.kind == "contacts":
            contacts.append(total)
            aht.append(mean_aht)
            if email:  # sized by its backlog over the week, not per interval
                on_phone.append(0)
                required.append(staffing.min_agents if open_interval[i] else 0)
                continue
            phone = service.agents_needed(
                traffic_erlangs(total, mean_aht, interval_seconds), mean_aht
            )
            on_phone.append(phone if open_interval[i] else 0)
            required.append(scheduled_agents(phone, staffing) if open_interval[i] else 0)
        else:
            need = max(staffing.min_agents, math.ceil(peak - 1e-9))
            required.append(need if open_interval[i] else 0)
    volume = forecast.kind == "contacts"
    return QueueRequirements(
        queue.name,
        week,
        staffing,
        queue.priority,
        tuple(required),
        spans,
        contacts=tuple(contacts) if volume else None,
        aht_seconds=tuple(aht) if volume else None,
        on_phone=tuple(on_phone) if volume else None,
        channel=queue.channel,
        service=service if volume and not email else None,
        window_minutes=queue.window_minutes,
        window_service_level=queue.window_service_level,
    )


def _interval_volume(
    forecast: Forecast, staffing: Staffing, week: Week, index: int
) -> tuple[float, float, float]:
    """Contacts, their mean handle time and the peak required of the rows overlapping
    interval ``index``."""
    rows, step = forecast.rows, forecast.step
    lo = week.interval_start(index)
    hi = lo + timedelta(minutes=week.interval_minutes)
    first_row = math.floor((lo - rows[0].start) / step)
    last_row = math.ceil((hi - rows[0].start) / step)
    if first_row < 0 or last_row > len(rows):
        raise ValueError(f"forecast does not cover {lo.isoformat()}")
    total = handle = peak = 0.0
    for row in rows[first_row:last_row]:
        share = (min(hi, row.start + step) - max(lo, row.start)) / step
        if share <= 0:
            continue
        if forecast.kind == "contacts":
            n = (row.contacts or 0.0) * share
            total += n
            handle += n * (row.aht_seconds or staffing.aht_seconds)
        else:
            peak = max(peak, row.required or 0.0)
    mean_aht = handle / total if total > 0 else staffing.aht_seconds
    return total, mean_aht, peak
