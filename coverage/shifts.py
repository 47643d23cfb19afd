"""Candidate shifts: every shift an agent's rules allow on each local date.

A candidate starts on the agent's start-step grid (local wall clock), has an
allowed length, lies inside the local window and availability of its date,
and is not on a day off or in an absence. Lengths are elapsed time, so a shift across a clock
change ends an hour earlier or later on the wall clock; the end is checked
against the window on the wall clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from coverage.models import Agent, AvailabilityWindow, Rules
from coverage.timegrid import Shift, local_instant, wall_minutes_since


@dataclass(frozen=True)
class Candidate:
    """A shift the agent may work on local date ``day``; ``start_minute`` is its local start."""

    shift: Shift
    day: date
    start_minute: int

    @property
    def minutes(self) -> int:
        return self.shift.minutes


def candidates_for(agent: Agent, week_dates: tuple[date, ...]) -> list[list[Candidate]]:
    """For each of the week's local dates, the shifts the agent may work that day."""
    times = _shift_times(
        agent.timezone, agent.rules, agent.availability, agent.time_off, week_dates
    )
    return [
        [
            Candidate(Shift(agent.id, start, end), day, minute)
            for start, end, minute in on_day
            if not agent.absent(start, end)
        ]
        for day, on_day in zip(week_dates, times, strict=True)
    ]


# Agents with the same zone, rules, availability and time off have the same
# shift times: a team of a thousand usually has a few dozen such classes.
@lru_cache(maxsize=1024)
def _shift_times(
    timezone: str,
    rules: Rules,
    availability: tuple[AvailabilityWindow, ...],
    time_off: frozenset[date],
    week_dates: tuple[date, ...],
) -> tuple[tuple[tuple[datetime, datetime, int], ...], ...]:
    """(UTC start, UTC end, local start minute) of every allowed shift, per local date."""
    shape = Agent(id="-", name="-", timezone=timezone, rules=rules, availability=availability)
    zone = shape.zone
    step = rules.start_step_minutes
    lengths = rules.shift_minutes
    per_day = []
    for day in week_dates:
        options: list[tuple[datetime, datetime, int]] = []
        if day not in time_off:
            for lo, hi in shape.work_windows(day.weekday()):
                first = math.ceil(lo / step) * step
                for start_minute in range(first, hi, step):
                    start = local_instant(day, start_minute, zone)
                    if start is None:
                        continue
                    for length in lengths:
                        end = start + timedelta(minutes=length)
                        if wall_minutes_since(day, end, zone) <= hi:
                            options.append((start, end, start_minute))
        per_day.append(tuple(options))
    return tuple(per_day)
