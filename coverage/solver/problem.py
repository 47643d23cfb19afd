"""What the solver works on: agents, their candidate shifts and the fine time grid."""

from __future__ import annotations

import math
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cached_property
from itertools import accumulate, pairwise
from typing import TypeVar

from coverage.models import WEEK_MINUTES, Agent, Contract, Scenario
from coverage.requirements import QueueRequirements, Requirements, build_requirements
from coverage.shifts import Candidate, candidates_for
from coverage.timegrid import WEEK, Week

Number = TypeVar("Number", int, float)


@dataclass(frozen=True)
class Published:
    """An agent's published week, which a re-plan changes as little as it can.

    ``shifts[d]`` is the published shift on local date d (None: none that day),
    ``frozen[d]`` whether that date must stay as published (its shift has
    started, or starts within the notice period). ``serving`` gives the queue of
    each fine slot of the published activities (empty when the roster did not
    say which queue when).
    """

    shifts: tuple[Candidate | None, ...]
    frozen: tuple[bool, ...]
    serving: tuple[tuple[int, int], ...] = ()

    @cached_property
    def queue_at(self) -> dict[int, int]:
        return dict(self.serving)


@dataclass(frozen=True)
class AgentOptions:
    """One agent, their contract for the week and their candidate shifts per local date."""

    agent: Agent
    contract: Contract
    days: tuple[tuple[Candidate, ...], ...]
    optional: bool = False  # a hypothetical hire the solver may leave out
    queues: tuple[int, ...] = (0,)  # indices of the queues the agent serves
    published: Published | None = None  # the week a re-plan starts from

    @property
    def switches(self) -> bool:
        """Whether the agent serves more than one queue, so when is a choice."""
        return len(self.queues) > 1

    @cached_property
    def clashes(self) -> tuple[tuple[int, int, int, tuple[int, ...]], ...]:
        """The agent's ``rest_clashes``, found once for the memory estimate, the
        bound and every model that holds the agent's rules."""
        return tuple((d, i, later, tuple(js)) for d, i, later, js in rest_clashes(self))

    def kept(self, d: int) -> Candidate | None:
        """The candidate on date d that is the published shift, if there is one."""
        published = self.published.shifts[d] if self.published else None
        if published is None:
            return None
        times = (published.shift.start_utc, published.shift.end_utc)
        return next(
            (c for c in self.days[d] if (c.shift.start_utc, c.shift.end_utc) == times), None
        )


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
                # ``too_soon`` written out: a call per pair of candidates made this
                # four times slower (benchmarks/README.md, "Trading shifts").
                limit = candidate.shift.end_utc + rest
                clashes = [
                    j
                    for j, other in enumerate(option.days[later % 7])
                    if other.shift.start_utc + shift_by < limit
                ]
                if clashes:
                    yield d, i, later % 7, clashes


def too_soon(first: Candidate, then: Candidate, rest: timedelta, wraps: bool = False) -> bool:
    """Whether ``then`` starts within ``rest`` of the end of ``first``; with ``wraps``,
    ``then`` is on a date of the next week (the roster repeats weekly)."""
    return then.shift.start_utc + (WEEK if wraps else timedelta(0)) < first.shift.end_utc + rest


# What a part of a problem takes from the whole (``Problem.part``): the service
# tables run to the whole team's count on each queue, and none depends on who is in
# the part, so they are computed once.
_WHOLE_TEAM = (
    "late_tables",
    "emails",
    "counted_slots",
    "shortfall_scale",
    "priorities",
    "queue_required",
    "queue_floor",
    "queue_open",
)


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
    # A part of a larger problem (``part``) keeps that problem's grid.
    grid_minutes: int | None = None

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

    @property
    def replans(self) -> bool:
        """Whether the problem re-plans a published roster (see ``Published``)."""
        return any(option.published is not None for option in self.options)

    def part(self, agents: Sequence[int]) -> Problem:
        """The same week and requirements for some of the agents, on this grid, with
        the whole team's service tables and email flows (what the rest of the team
        adds to a queue is counted ``outside`` the part's model)."""
        options = tuple(self.options[a] for a in agents)
        part = replace(self, options=options, grid_minutes=self.step_minutes)
        for name in _WHOLE_TEAM:
            part.__dict__[name] = getattr(self, name)
        return part

    @cached_property
    def step_minutes(self) -> int:
        if self.grid_minutes is not None:
            return self.grid_minutes
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

    def shift_worths(self, option: AgentOptions, per_slot: Sequence[Number]) -> list[list[Number]]:
        """Per day, the sum of ``per_slot`` (a value per slot of the week) over each of
        the agent's candidate shifts, a shift past the week's end wrapping to its
        start: one running sum over two weeks, not one sum per shift."""
        running = list(accumulate([*per_slot, *per_slot], operator.add, initial=per_slot[0] * 0))
        return [
            [running[r.stop] - running[r.start] for r in map(self.slots_of, day)]
            for day in option.days
        ]

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
    def queue_guide(self) -> tuple[tuple[int, ...], ...]:
        """What the first roster aims at per queue and slot: the requirement, and for
        an email queue its work spread over the answer windows (``email_required``)."""
        guides = self.email_required
        return tuple(guides.get(q, required) for q, required in enumerate(self.queue_required))

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

    @cached_property
    def slot_terms(self) -> int:
        """(candidate shift, grid slot) pairs of the agents who serve one queue: the
        size of their coverage counted slot by slot (see ``RosterModel.add_coverage``)."""
        terms = 0
        per_class: dict[int, int] = {}  # agents of one class share their candidates
        for option in self.options:
            if option.switches:
                continue
            key = id(option.days)
            if key not in per_class:
                per_class[key] = sum(c.minutes for day in option.days for c in day)
            terms += per_class[key] // self.step_minutes
        return terms

    def min_activity_slots(self, option: AgentOptions) -> int:
        """The agent's shortest block on one queue, in whole fine slots (rounded up)."""
        return max(1, math.ceil(option.agent.rules.min_activity_minutes / self.step_minutes))

    # --- channels -----------------------------------------------------------------

    @property
    def objective(self) -> str:
        return self.scenario.solver.objective

    @cached_property
    def is_email(self) -> tuple[bool, ...]:
        return tuple(queue.is_email for queue in self.requirements.queues)

    @cached_property
    def emails(self) -> tuple[EmailFlow, ...]:
        """Every email queue's work and capacity on the fine grid."""
        return tuple(
            EmailFlow.of(q, queue, self.step_minutes)
            for q, queue in enumerate(self.requirements.queues)
            if queue.is_email and queue.contacts is not None
        )

    @cached_property
    def counted_slots(self) -> frozenset[tuple[int, int]]:
        """(queue, slot) pairs where the agents on count for service whatever the
        requirement: each voice and chat slot with contacts under the service
        objective, and each slot an email queue is open."""
        counted = set(self.late_tables) if self.by_service else set()
        for flow in self.emails:
            counted.update((flow.queue, t) for t, c in enumerate(flow.capacity) if c)
        return frozenset(counted)

    @cached_property
    def shortfall_scale(self) -> int:
        """Units of the shortfall term per agent-slot: 1 without email queues; with
        them, one unit is a second of email work, so that their late work adds up
        with the other queues' missing agents exactly."""
        scale = 1
        for flow in self.emails:
            scale = math.lcm(scale, max(1, flow.per_agent))
        return scale

    def email_weight(self, flow: EmailFlow) -> int:
        """Shortfall units per second of the email queue's work done late."""
        return self.shortfall_scale // max(1, flow.per_agent)

    @cached_property
    def late_tables(self) -> dict[tuple[int, int], tuple[int, ...]]:
        """Voice and chat: contacts answered late in each open fine slot with contacts,
        by agents serving the queue there (in ``SERVICE_SCALE`` units of a contact),
        up to the first count at which none are; more agents do no better."""
        tables: dict[tuple[int, int], tuple[int, ...]] = {}
        per_interval = self.week.interval_minutes // self.step_minutes
        for q, queue in enumerate(self.requirements.queues):
            if queue.service is None or queue.contacts is None:
                continue
            most = sum(1 for option in self.options if q in option.queues)
            is_open = self.queue_open[q]
            for i, arriving in enumerate(queue.contacts):
                if arriving <= 0:
                    continue
                share = arriving / per_interval * SERVICE_SCALE
                table: list[int] = []
                for n in range(most + 1):
                    table.append(round(share * queue.interval_service(i, n).late))
                    if table[-1] == 0:
                        break
                for t in range(i * per_interval, (i + 1) * per_interval):
                    if is_open[t]:
                        tables[q, t] = tuple(table)
        return tables

    # --- what the heuristics aim at (greedy, serving, the pattern master) ------------

    @property
    def by_service(self) -> bool:
        return self.objective == "service"

    @cached_property
    def heuristic_tables(self) -> dict[tuple[int, int], tuple[int, ...]]:
        """Under the service objective, ``late_tables`` on their lower convex hull: a
        queue whose first agents cannot keep up saves no contact with each alone,
        but does with enough of them; on the hull every agent is worth a share of
        that. Under the agents objective, none: the heuristics aim at the guide."""
        if not self.by_service:
            return {}
        return {key: hull_values(table) for key, table in self.late_tables.items()}

    def guide_unit(self, q: int) -> int:
        """What an agent-slot of the queue's guide is worth to the heuristics: 1 under
        the agents objective; under the service objective, in ``SERVICE_SCALE``
        units of a contact, the emails it answers (email) or one contact."""
        if not self.by_service:
            return 1
        flow = next((f for f in self.emails if f.queue == q), None)
        if flow is None:
            return SERVICE_SCALE
        weights = [w for w in flow.late_weight if w]
        return max(1, round(flow.per_agent * sum(weights) / max(1, len(weights))))

    @cached_property
    def worth_beyond_floors(self) -> int:
        """Everything above the floors the heuristics can gain, in ``guide_unit``s: a
        slot below a floor is worth more than this, as in the objective."""
        guides = sum(
            priority * self.guide_unit(q) * sum(self.queue_guide[q])
            for q, priority in enumerate(self.priorities)
        )
        tables = sum(self.priorities[q] * t[0] for (q, _), t in self.heuristic_tables.items())
        return guides + tables

    @cached_property
    def email_required(self) -> dict[int, tuple[int, ...]]:
        """A per-slot guide for the first roster (not the objective): each arrival's
        work spread evenly over the open slots of its window, in whole agents with
        the rounding carried over so the week's total stays right."""
        guides: dict[int, tuple[int, ...]] = {}
        slots = self.slots
        for flow in self.emails:
            spread = [0.0] * slots
            for i, work in enumerate(flow.arrivals):
                if not work:
                    continue
                window = [
                    (i + k) % slots for k in range(flow.window) if flow.capacity[(i + k) % slots]
                ]
                for t in window:
                    spread[t] += work / len(window) / flow.per_agent
            guide, carried = [], 0.0
            for value in spread:
                carried += value
                whole = round(carried)
                guide.append(whole)
                carried -= whole
            if sum(guide) * flow.per_agent < sum(flow.arrivals):
                # Rounded down: one agent-slot more where the most work is spread,
                # since a week short of its email work leaves every email late.
                guide[max(range(slots), key=lambda t: (spread[t], -t))] += 1
            guides[flow.queue] = tuple(guide)
        return guides


# Units of the late-contacts term per contact.
SERVICE_SCALE = 36_000


@dataclass(frozen=True)
class EmailFlow:
    """One email queue on the fine grid, in whole seconds of work.

    ``arrivals[t]`` is the work arriving at slot t's start; one agent on the
    queue does ``capacity[t]`` of it in slot t (0 while it is closed); the work
    arriving in slot t is due ``window`` slots later. ``late_weight[t]`` turns a
    second of that work done late into ``SERVICE_SCALE`` units of an email.
    ``allowance`` is the late work the queue's service level lets pass.
    """

    queue: int
    arrivals: tuple[int, ...]
    capacity: tuple[int, ...]
    window: int
    late_weight: tuple[int, ...]
    allowance: int
    per_agent: int

    @property
    def all_late(self) -> int:
        """Every email of the week, in ``SERVICE_SCALE`` units: what a week whose
        email time is short of its work costs (its backlog grows without end)."""
        return sum(w * weight for w, weight in zip(self.arrivals, self.late_weight, strict=True))

    @classmethod
    def of(cls, q: int, queue: QueueRequirements, step_minutes: int) -> EmailFlow:
        assert queue.contacts is not None and queue.aht_seconds is not None
        per_interval = queue.week.interval_minutes // step_minutes
        slots = len(queue.open_minutes) // step_minutes
        per_agent = round(step_minutes * 60 * (1 - queue.staffing.shrinkage))
        arrivals, weights = [0] * slots, [0] * slots
        for i, (contacts, aht) in enumerate(zip(queue.contacts, queue.aht_seconds, strict=True)):
            arrivals[i * per_interval] = round(contacts * aht)
            weights[i * per_interval] = round(SERVICE_SCALE / aht)
        capacity = tuple(
            per_agent if is_open else 0 for is_open in queue.open_minutes[::step_minutes]
        )
        total = sum(arrivals)
        return cls(
            q,
            tuple(arrivals),
            capacity,
            queue.window_minutes // step_minutes,
            tuple(weights),
            math.floor((1 - queue.window_service_level) * total + 1e-9),
            per_agent,
        )

    @cached_property
    def deadlines(self) -> tuple[tuple[int, int, int], ...]:
        """``(t, last, later)`` per slot t with arrivals: the last slot before its
        deadline, and the work arriving after it and by then."""
        slots = len(self.arrivals)
        found = []
        for t, work in enumerate(self.arrivals):
            if work:
                later = sum(self.arrivals[(t + k) % slots] for k in range(1, self.window))
                found.append((t, (t + self.window - 1) % slots, later))
        return tuple(found)

    def overdue(self, on: list[int]) -> tuple[dict[int, int], int]:
        """Work still waiting at each arrival's deadline (older work included), first
        in first out over the repeating week with ``on[t]`` agents on the queue;
        and the work the week cannot do at all (left out of the backlog as it
        arrives, earliest first)."""
        dropped, _, backlog = self.steady_state(on)
        overdue = {t: max(0, backlog[last] - later) for t, last, later in self.deadlines}
        return overdue, sum(dropped)

    def steady_state(self, on: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
        """Per slot, with ``on[t]`` agents on the queue over the repeating week: the
        work left out as it arrives (what the week cannot do at all, earliest first),
        the work done, and the backlog at the slot's end, first in first out."""
        slots = len(self.arrivals)
        capacity = [c * n for c, n in zip(self.capacity, on, strict=True)]
        left = max(0, sum(self.arrivals) - sum(capacity))
        dropped = [0] * slots
        for t in range(slots):
            dropped[t] = min(left, self.arrivals[t])
            left -= dropped[t]
        done, backlog, waiting = [0] * slots, [0] * slots, 0
        for _ in range(2):  # the second pass starts from the first's end: the steady state
            for t in range(slots):
                available = waiting + self.arrivals[t] - dropped[t]
                done[t] = min(available, capacity[t])
                waiting = available - done[t]
                backlog[t] = waiting
        return dropped, done, backlog


def hull_values(table: tuple[int, ...]) -> tuple[int, ...]:
    """The lower convex hull of ``(n, table[n])`` at every n, rounded."""
    values = list(table)
    for n0, n1 in hull_segments(table):
        for n in range(n0 + 1, n1):
            values[n] = round(table[n0] + (table[n1] - table[n0]) * (n - n0) / (n1 - n0))
    return tuple(values)


def hull_segments(table: tuple[int, ...]) -> list[tuple[int, int]]:
    """Consecutive points ``(n0, n1)`` of the lower convex hull of ``(n, table[n])``."""
    hull: list[int] = []
    for n in range(len(table)):
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # Drop b if it lies on or above the line from a to n.
            if (table[b] - table[a]) * (n - a) >= (table[n] - table[a]) * (b - a):
                hull.pop()
            else:
                break
        hull.append(n)
    return list(pairwise(hull))
