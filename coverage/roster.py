"""A roster: the shifts a plan gives a team, with the team and requirements they serve.

It can give its shifts per agent, as a data frame, and its coverage and
validation, both recomputed by the independent validator from the shifts alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import overload

import pandas as pd

from coverage.models import Scenario
from coverage.requirements import Requirements
from coverage.timegrid import Activity, Shift, iso_local, iso_utc
from coverage.validate import Coverage, Validation, shift_activities, validate_roster

ROSTER_COLUMNS = [
    "agent_id", "agent_name", "timezone", "date",
    "start_local", "end_local", "start_utc", "end_utc", "hours",
]  # fmt: skip
ACTIVITY_COLUMNS = ["agent_id", "queue", "start_utc", "end_utc"]


def activity_frame(activities: Sequence[Activity]) -> pd.DataFrame:
    """One row per activity (the columns of ``activities.csv``)."""
    rows = [
        {
            "agent_id": a.agent_id,
            "queue": a.queue,
            "start_utc": iso_utc(a.start_utc),
            "end_utc": iso_utc(a.end_utc),
        }
        for a in activities
    ]
    return pd.DataFrame(rows, columns=ACTIVITY_COLUMNS)


def roster_frame(scenario: Scenario, shifts: Sequence[Shift]) -> pd.DataFrame:
    """One row per shift, with local times in the agent's zone and UTC."""
    rows = []
    for shift in shifts:
        agent = scenario.agent(shift.agent_id)
        zone = agent.zone
        rows.append(
            {
                "agent_id": agent.id,
                "agent_name": agent.name,
                "timezone": agent.timezone,
                "date": shift.local_start(zone).date().isoformat(),
                "start_local": iso_local(shift.start_utc, zone),
                "end_local": iso_local(shift.end_utc, zone),
                "start_utc": iso_utc(shift.start_utc),
                "end_utc": iso_utc(shift.end_utc),
                "hours": round(shift.minutes / 60, 4),
            }
        )
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS)


@dataclass(frozen=True, eq=False)
class Roster(Sequence[Shift]):
    """The shifts of ``scenario``'s agents, sorted by agent and start.

    ``scenario`` is the team that works this roster (with a hiring plan: the
    team and the hires taken), ``requirements`` what it is measured against.
    ``activities`` say which queue each agent serves when; with one queue they
    may be left out (every shift serves it).
    """

    scenario: Scenario
    requirements: Requirements
    shifts: tuple[Shift, ...] = field(default=())
    activities: tuple[Activity, ...] = field(default=())

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.shifts, key=lambda s: (s.agent_id, s.start_utc)))
        object.__setattr__(self, "shifts", ordered)
        activities = self.activities or shift_activities(self.scenario, ordered)
        object.__setattr__(
            self, "activities", tuple(sorted(activities, key=lambda a: (a.agent_id, a.start_utc)))
        )

    @overload
    def __getitem__(self, index: int) -> Shift: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Shift]: ...
    def __getitem__(self, index: int | slice) -> Shift | Sequence[Shift]:
        return self.shifts[index]

    def __len__(self) -> int:
        return len(self.shifts)

    def __iter__(self) -> Iterator[Shift]:
        return iter(self.shifts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Roster):
            return self.shifts == other.shifts and self.activities == other.activities
        if isinstance(other, tuple | list):
            return self.shifts == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.shifts, self.activities))

    def __repr__(self) -> str:
        return f"Roster({len(self.shifts)} shifts of {len(self.by_agent())} agents)"

    def of(self, agent_id: str) -> tuple[Shift, ...]:
        """The agent's shifts in time order (none for an agent off all week)."""
        return tuple(s for s in self.shifts if s.agent_id == agent_id)

    def by_agent(self) -> dict[str, tuple[Shift, ...]]:
        """Shifts per agent who works, in the scenario's agent order."""
        grouped: dict[str, list[Shift]] = {}
        for shift in self.shifts:
            grouped.setdefault(shift.agent_id, []).append(shift)
        return {a.id: tuple(grouped[a.id]) for a in self.scenario.agents if a.id in grouped}

    def activities_of(self, agent_id: str) -> tuple[Activity, ...]:
        """The agent's activities in time order."""
        return tuple(a for a in self.activities if a.agent_id == agent_id)

    def frame(self) -> pd.DataFrame:
        """One row per shift (the columns of ``roster.csv``)."""
        return roster_frame(self.scenario, self.shifts)

    def activity_frame(self) -> pd.DataFrame:
        """One row per activity (the columns of ``activities.csv``)."""
        return activity_frame(self.activities)

    @cached_property
    def validation(self) -> Validation:
        """Every hard rule re-checked and every queue's coverage recomputed from the
        shifts and activities alone."""
        return validate_roster(self.scenario, self.shifts, self.requirements, self.activities)

    @property
    def coverage(self) -> Coverage:
        return self.validation.coverage
