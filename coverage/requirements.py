"""Required agents per reporting interval of the week, from the forecast."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from coverage.models import Scenario
from coverage.staffing import agents_on_phone, scheduled_agents, traffic_erlangs
from coverage.timegrid import Week


@dataclass(frozen=True)
class Requirements:
    """Per interval of ``week``: agents to schedule, and the volume behind them."""

    week: Week
    required: tuple[int, ...]
    contacts: tuple[float, ...] | None = None
    aht_seconds: tuple[float, ...] | None = None
    on_phone: tuple[int, ...] | None = None

    @property
    def has_contacts(self) -> bool:
        return self.contacts is not None


def week_of(scenario: Scenario) -> Week:
    return Week.starting(scenario.week_start, scenario.timezone, scenario.interval_minutes)


def build_requirements(scenario: Scenario) -> Requirements:
    """Re-bucket the forecast onto the plan's intervals and size each one.

    Contacts are spread evenly over their row's time step; required agents given
    directly take the largest value of any row overlapping the interval.
    Raises ValueError if the forecast does not cover the week (the loader
    reports that with the file name before this is reached).
    """
    week = week_of(scenario)
    forecast, staffing = scenario.forecast, scenario.staffing
    rows = forecast.rows
    step = forecast.step
    first = rows[0].start
    interval = timedelta(minutes=week.interval_minutes)
    interval_seconds = interval.total_seconds()

    required: list[int] = []
    contacts: list[float] = []
    aht: list[float] = []
    on_phone: list[int] = []
    for i in range(week.intervals):
        lo = week.interval_start(i)
        hi = lo + interval
        first_row = math.floor((lo - first) / step)
        last_row = math.ceil((hi - first) / step)
        if first_row < 0 or last_row > len(rows):
            raise ValueError(f"forecast does not cover {lo.isoformat()}")
        total = 0.0
        handle = 0.0
        peak = 0.0
        for row in rows[first_row:last_row]:
            row_lo = max(lo, row.start)
            row_hi = min(hi, row.start + step)
            share = (row_hi - row_lo) / step
            if share <= 0:
                continue
            if forecast.kind == "contacts":
                n = (row.contacts or 0.0) * share
                total += n
                handle += n * (row.aht_seconds or staffing.aht_seconds)
            else:
                peak = max(peak, row.required or 0.0)
        if forecast.kind == "contacts":
            mean_aht = handle / total if total > 0 else staffing.aht_seconds
            phone = agents_on_phone(
                traffic_erlangs(total, mean_aht, interval_seconds), mean_aht, staffing
            )
            contacts.append(total)
            aht.append(mean_aht)
            on_phone.append(phone)
            required.append(scheduled_agents(phone, staffing))
        else:
            required.append(max(staffing.min_agents, math.ceil(peak - 1e-9)))
    if forecast.kind == "contacts":
        return Requirements(week, tuple(required), tuple(contacts), tuple(aht), tuple(on_phone))
    return Requirements(week, tuple(required))
