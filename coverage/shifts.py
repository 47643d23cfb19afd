"""Candidate shifts: every shift an agent's rules allow on each local date.

A candidate starts on the agent's start-step grid (local wall clock), has an
allowed length, lies inside the local window and availability of its date,
and is not on a day off. Lengths are elapsed time, so a shift across a clock
change ends an hour earlier or later on the wall clock; the end is checked
against the window on the wall clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from coverage.models import Agent
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
    zone = agent.zone
    step = agent.rules.start_step_minutes
    per_day: list[list[Candidate]] = []
    for day in week_dates:
        options: list[Candidate] = []
        if day not in agent.time_off:
            for lo, hi in agent.work_windows(day.weekday()):
                first = math.ceil(lo / step) * step
                for start_minute in range(first, hi, step):
                    start = local_instant(day, start_minute, zone)
                    if start is None:
                        continue
                    for length in agent.rules.shift_minutes:
                        end = start + timedelta(minutes=length)
                        if wall_minutes_since(day, end, zone) <= hi:
                            options.append(
                                Candidate(Shift(agent.id, start, end), day, start_minute)
                            )
        per_day.append(options)
    return per_day
