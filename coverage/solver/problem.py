"""What the solver works on: agents, their candidate shifts and the fine time grid."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from coverage.models import WEEK_MINUTES, Agent, Contract, Scenario
from coverage.requirements import Requirements, build_requirements
from coverage.shifts import Candidate, candidates_for
from coverage.timegrid import WEEK, Week


@dataclass(frozen=True)
class AgentOptions:
    """One agent, their contract for the week and their candidate shifts per local date."""

    agent: Agent
    contract: Contract
    days: tuple[tuple[Candidate, ...], ...]
    optional: bool = False  # a hypothetical hire the solver may leave out
    queues: tuple[int, ...] = (0,)  # indices of the queues the agent serves

    @property
    def switches(self) -> bool:
        """Whether the agent serves more than one queue, so when is a choice."""
        return len(self.queues) > 1


def rest_clashes(option: AgentOptions) -> Iterator[tuple[int, int, int, list[int]]]:
    """``(day, index, later_day, indices)``: the later shifts each candidate forbids,
    those starting within the rest period after it ends.

    Pairs up to two local dates apart are checked, wrapping Sunday into the next
    Monday (168 hours on), since the roster repeats weekly.
    """
    rest = timedelta(minutes=option.agent.rules.min_rest_minutes)
    for d, day in enumerate(option.days):
        for later in (d + 1, d + 2):
            shift_by = WEEK if later >= 7 else timedelta(0)
            for i, candidate in enumerate(day):
                limit = candidate.shift.end_utc + rest
                clashes = [
                    j
                    for j, other in enumerate(option.days[later % 7])
                    if other.shift.start_utc + shift_by < limit
                ]
                if clashes:
                    yield d, i, later % 7, clashes


@dataclass(frozen=True)
class Problem:
    """A scenario turned into candidates and requirements on one UTC grid.

    The grid step is the gcd of the reporting interval, every candidate's start
    offset and length, and every queue's opening and closing minute, so coverage
    on it is exact: 15 minutes when a 45-minute zone such as Asia/Kathmandu is
    in the team or sets a queue's hours.
    """

    scenario: Scenario
    requirements: Requirements
    options: tuple[AgentOptions, ...]

    @classmethod
    def build(
        cls,
        scenario: Scenario,
        requirements: Requirements | None = None,
        optional: frozenset[str] = frozenset(),
    ) -> Problem:
        """Candidates for every agent; those in ``optional`` may be left out entirely."""
        requirements = requirements or build_requirements(scenario)
        index = {queue.name: q for q, queue in enumerate(requirements.queues)}
        options = tuple(
            AgentOptions(
                agent,
                agent.contract(scenario.week_dates),
                tuple(tuple(day) for day in candidates_for(agent, scenario.week_dates)),
                agent.id in optional,
                tuple(index[name] for name in scenario.skills_of(agent)),
            )
            for agent in scenario.agents
        )
        return cls(scenario, requirements, options)

    @property
    def week(self) -> Week:
        return self.requirements.week

    @cached_property
    def step_minutes(self) -> int:
        step = self.week.interval_minutes
        for queue in self.requirements.queues:
            for minute in queue.boundaries():
                step = math.gcd(step, minute)
        for option in self.options:
            for day in option.days:
                for candidate in day:
                    step = math.gcd(
                        step,
                        self.week.minute_of_week(candidate.shift.start_utc),
                        candidate.minutes,
                    )
        return step

    @property
    def slots(self) -> int:
        return WEEK_MINUTES // self.step_minutes

    def slots_of(self, candidate: Candidate) -> range:
        """Fine slots the candidate covers, unwrapped (take ``% slots``)."""
        first = self.week.minute_of_week(candidate.shift.start_utc) // self.step_minutes
        return range(first, first + candidate.minutes // self.step_minutes)

    @property
    def queue_count(self) -> int:
        return len(self.requirements.queues)

    @cached_property
    def priorities(self) -> tuple[int, ...]:
        return tuple(queue.priority for queue in self.requirements.queues)

    @cached_property
    def queue_required(self) -> tuple[tuple[int, ...], ...]:
        """Agents each queue requires in each fine slot (0 while it is closed)."""
        return tuple(
            tuple(int(r) for r in queue.required_minutes[:: self.step_minutes])
            for queue in self.requirements.queues
        )

    @cached_property
    def queue_floor(self) -> tuple[tuple[int, ...], ...]:
        """Each queue's ``min_agents`` floor in each fine slot (0 while it is closed)."""
        return tuple(
            tuple(int(f) for f in queue.floor_minutes[:: self.step_minutes])
            for queue in self.requirements.queues
        )

    @cached_property
    def queue_open(self) -> tuple[tuple[bool, ...], ...]:
        """Whether each queue is open in each fine slot."""
        return tuple(
            tuple(bool(o) for o in queue.open_minutes[:: self.step_minutes])
            for queue in self.requirements.queues
        )

    def min_activity_slots(self, option: AgentOptions) -> int:
        """The agent's shortest block on one queue, in whole fine slots (rounded up)."""
        return max(1, math.ceil(option.agent.rules.min_activity_minutes / self.step_minutes))
