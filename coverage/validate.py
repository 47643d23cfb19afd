"""Independent roster validator and scorer.

Takes the scenario and the roster rows only, never the solver's model, and
re-checks every hard rule and recomputes coverage minute by minute. Anything
the solver got wrong shows up here as a ``Violation``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from itertools import pairwise

import numpy as np

from coverage.models import WEEK_MINUTES, WEEKDAYS, Agent, Scenario, format_clock, named
from coverage.requirements import QueueRequirements, Requirements, build_requirements
from coverage.timegrid import WEEK, Activity, Shift, Week, iso_utc


@dataclass(frozen=True)
class Violation:
    """A hard rule an agent's week breaks; ``shift`` is the shift that breaks it, when
    one does (a week's hours or days in a row have none)."""

    agent_id: str
    rule: str
    detail: str
    shift: Shift | None = None

    def __str__(self) -> str:
        return f"agent {self.agent_id!r}: {self.rule}: {self.detail}"


def _at_least_zero(values: np.ndarray) -> np.ndarray:
    clipped: np.ndarray = np.maximum(values, 0)
    return clipped


def _wrapped_delta(spans: Iterable[tuple[int, int]]) -> np.ndarray:
    """How many spans (first minute of the week, length) cover each minute; the week wraps."""
    delta = np.zeros(WEEK_MINUTES + 1, dtype=np.int64)
    for first, remaining in spans:
        while remaining > 0:
            span = min(remaining, WEEK_MINUTES - first)
            delta[first] += 1
            delta[first + span] -= 1
            remaining -= span
            first = 0
    counted: np.ndarray = np.cumsum(delta[:-1])
    return counted


@dataclass(frozen=True)
class QueueCoverage:
    """One queue: agents serving it and required, for every minute of the week."""

    requirements: QueueRequirements
    on: np.ndarray

    @property
    def name(self) -> str:
        return self.requirements.name

    @property
    def week(self) -> Week:
        return self.requirements.week

    @property
    def required(self) -> np.ndarray:
        return self.requirements.required_minutes

    @property
    def floor(self) -> np.ndarray:
        """``min_agents`` in the minutes the queue is open, else 0."""
        return self.requirements.floor_minutes

    @property
    def min_agents(self) -> int:
        return self.requirements.min_agents

    @property
    def short(self) -> np.ndarray:
        return _at_least_zero(self.required - self.on)

    @property
    def over(self) -> np.ndarray:
        return _at_least_zero(self.on - self.required)

    @property
    def missing(self) -> np.ndarray:
        """Agents missing below the queue's ``min_agents`` floor, per minute (0 while closed)."""
        return _at_least_zero(self.floor - self.on)

    @property
    def uncovered(self) -> np.ndarray:
        """True in each minute the queue is open with fewer than ``min_agents`` serving it."""
        uncovered: np.ndarray = self.on < self.floor
        return uncovered

    def per_interval(self, values: np.ndarray) -> np.ndarray:
        return values.reshape(self.week.intervals, self.week.interval_minutes)

    @cached_property
    def service(self) -> QueueService | None:
        """Its contacts and those answered late (None without a forecast of contacts)."""
        return measure_service(self)

    @property
    def email_shortfall_agent_hours(self) -> float:
        """Email: the scheduled agent-hours the work waiting at its deadlines would take,
        beyond what its service level lets pass (0 for other queues)."""
        requirements, service = self.requirements, self.service
        if not requirements.is_email or service is None or service.overdue is None:
            return 0.0
        assert requirements.aht_seconds is not None
        waiting = float((service.overdue * np.asarray(requirements.aht_seconds)).sum())
        allowed = (1 - requirements.window_service_level) * float(
            (service.contacts * np.asarray(requirements.aht_seconds)).sum()
        )
        return max(0.0, waiting - allowed) / 3600 / (1 - requirements.staffing.shrinkage)

    def totals(self) -> dict[str, float]:
        """Agent-hours required, scheduled, short and over; hours with too few on."""
        return {
            "required_agent_hours": float(self.required.sum() / 60),
            "scheduled_agent_hours": float(self.on.sum() / 60),
            "shortfall_agent_hours": float(self.short.sum() / 60)
            + self.email_shortfall_agent_hours,
            "overstaffed_agent_hours": float(self.over.sum() / 60),
            "uncovered_hours": float(self.uncovered.sum() / 60),
            "uncovered_agent_hours": float(self.missing.sum() / 60),
        }


@dataclass(frozen=True)
class QueueService:
    """One queue's contacts per reporting interval and how they fare.

    ``late`` are contacts not answered within the target (abandoned ones
    included); for email, those answered after their window. Voice and chat
    count contacts in the minutes the queue is open, each minute at the service
    its agents on give (whole agents after shrinkage); email counts every
    arrival. ``backlog`` (email) is the emails waiting at each interval's end;
    ``overdue`` (email) the emails still waiting at each arrival's deadline,
    older ones included: what the solver minimises, equal to ``late`` while no
    email stays overdue past the next deadline.
    """

    contacts: np.ndarray
    late: np.ndarray
    abandoned: np.ndarray | None = None
    backlog: np.ndarray | None = None
    overdue: np.ndarray | None = None
    email_hours: float | None = None  # email time the roster gives over the week
    email_work_hours: float | None = None

    def totals(self) -> dict[str, float | None]:
        contacts, late = float(self.contacts.sum()), float(self.late.sum())
        figures: dict[str, float | None] = {
            "contacts": contacts,
            "answered_in_time": contacts - late,
            "contacts_late": late,
            "service_level_achieved": (contacts - late) / contacts if contacts else None,
        }
        if self.abandoned is not None:
            figures["abandoned"] = float(self.abandoned.sum())
            figures["abandon_share"] = float(self.abandoned.sum()) / contacts if contacts else 0.0
        if self.overdue is not None:
            figures["emails_overdue_at_deadlines"] = float(self.overdue.sum())
        return figures


def measure_service(coverage: QueueCoverage) -> QueueService | None:
    """The queue's contacts and those answered late (None without a forecast of contacts)."""
    requirements = coverage.requirements
    if requirements.contacts is None:
        return None
    if requirements.is_email:
        return _email_service(coverage)
    size = coverage.week.interval_minutes
    on = coverage.per_interval(coverage.on)
    open_minutes = coverage.per_interval(requirements.open_minutes)
    contacts = np.zeros(coverage.week.intervals)
    late = np.zeros(coverage.week.intervals)
    abandoned = np.zeros(coverage.week.intervals)
    for i, arriving in enumerate(requirements.contacts):
        if not arriving or not open_minutes[i].any():
            continue
        counts, minutes = np.unique(on[i][open_minutes[i]], return_counts=True)
        for n, share in zip(counts, minutes / size, strict=True):
            service = requirements.interval_service(i, int(n))
            contacts[i] += arriving * share
            late[i] += arriving * share * service.late
            abandoned[i] += arriving * share * service.abandoned
    patient = requirements.service is not None and requirements.service.patience_seconds
    return QueueService(contacts, late, abandoned if patient else None)


def _email_service(coverage: QueueCoverage) -> QueueService:
    """First in, first out over the repeating week.

    Each interval's emails arrive at its start, due ``window_minutes`` later;
    an agent on the queue in an open minute works 60 s x (1 - shrinkage) of
    them. The week is worked twice from an empty inbox and the second pass
    kept: its backlog at the start is the first's at the end, the steady state
    when the week's email time covers its work. When it does not, the backlog
    grows every week without end and every email is late.
    """
    requirements = coverage.requirements
    assert requirements.contacts is not None and requirements.aht_seconds is not None
    week, size = coverage.week, coverage.week.interval_minutes
    per_minute = 60.0 * (1 - requirements.staffing.shrinkage)
    capacity = np.where(requirements.open_minutes, coverage.on, 0) * per_minute
    contacts = np.asarray(requirements.contacts, dtype=float)
    aht = np.asarray(requirements.aht_seconds, dtype=float)
    work = contacts * aht
    n, window = week.intervals, requirements.window_minutes
    late, overdue = np.zeros(n), np.zeros(n)
    backlog = np.zeros(n)
    if work.sum() > capacity.sum() + 1e-9:
        return QueueService(
            contacts, contacts.copy(), None, None, contacts.copy(),
            float(capacity.sum() / 3600), float(work.sum() / 3600),
        )  # fmt: skip
    # Cumulative work arrived and done over three weeks, minute by minute; the
    # third holds the deadlines of the second week's emails.
    weeks = 3
    arrived = np.zeros(weeks * WEEK_MINUTES)
    arrived[::size] = np.tile(work, weeks)
    arrived_by = np.cumsum(arrived)  # arrived by the end of each minute (at its start)
    done_by = np.zeros(weeks * WEEK_MINUTES + 1)  # done by the start of each minute
    for m in range(weeks * WEEK_MINUTES):
        waiting = arrived_by[m] - done_by[m]
        done_by[m + 1] = done_by[m] + min(capacity[m % WEEK_MINUTES], waiting)
    through = arrived_by[::size]  # work arrived up to and including each interval's emails
    every_work, every_contacts = np.tile(work, weeks), np.tile(contacts, weeks)
    for i in range(n):
        k = n + i  # the second week
        undone = max(0.0, through[k] - done_by[k * size + window])
        if work[i] > 0:
            late[i] = contacts[i] * min(1.0, undone / work[i])
            overdue[i] = undone / aht[i]
        # Emails waiting at the interval's end: the unfinished tail of each arrival.
        done = done_by[(k + 1) * size]
        arrivals = every_work[: k + 1]
        left = np.clip(through[: k + 1] - done, 0.0, arrivals)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(arrivals > 0, left / arrivals, 0.0)
        backlog[i] = float((share * every_contacts[: k + 1]).sum())
    return QueueService(
        contacts, late, None, backlog, overdue,
        float(capacity.sum() / 3600), float(work.sum() / 3600),
    )  # fmt: skip


@dataclass(frozen=True)
class Coverage:
    """Every queue's coverage, and the agents on shift, for every minute of the week."""

    requirements: Requirements
    queues: tuple[QueueCoverage, ...]
    on_shift: np.ndarray

    @property
    def week(self) -> Week:
        return self.requirements.week

    def queue(self, name: str) -> QueueCoverage:
        return named(self.queues, name)

    @property
    def uncovered(self) -> np.ndarray:
        """True in each minute in which some open queue has too few agents."""
        mask = np.zeros(WEEK_MINUTES, dtype=bool)
        for queue in self.queues:
            mask |= queue.uncovered
        return mask

    def totals(self) -> dict[str, float]:
        """The queues' totals summed (an hour two queues are uncovered counts twice)."""
        sums: dict[str, float] = {}
        for queue in self.queues:
            for key, value in queue.totals().items():
                sums[key] = sums.get(key, 0.0) + value
        return sums


@dataclass(frozen=True)
class Validation:
    violations: tuple[Violation, ...]
    coverage: Coverage

    @property
    def ok(self) -> bool:
        return not self.violations


def shift_activities(scenario: Scenario, roster: Iterable[Shift]) -> tuple[Activity, ...]:
    """With one queue, every shift is one activity on it; with several, there are none."""
    if len(scenario.queues) != 1:
        return ()
    name = scenario.queues[0].name
    return tuple(Activity(s.agent_id, s.start_utc, s.end_utc, name) for s in roster)


def measure_coverage(
    scenario: Scenario,
    roster: Iterable[Shift],
    requirements: Requirements | None = None,
    activities: Iterable[Activity] | None = None,
) -> Coverage:
    """Minute by minute, agents serving each queue (from the activities) and agents
    on shift, wrapping spans that run past the week's end. Without ``activities``,
    a scenario with one queue counts every shift on it."""
    requirements = requirements or build_requirements(scenario)
    week = requirements.week
    shifts = list(roster)
    spans = list(activities) if activities is not None else list(shift_activities(scenario, shifts))
    on_shift = _wrapped_delta((week.minute_of_week(s.start_utc), s.minutes) for s in shifts)
    queues = tuple(
        QueueCoverage(
            queue,
            _wrapped_delta(
                (week.minute_of_week(a.start_utc), a.minutes)
                for a in spans
                if a.queue == queue.name
            ),
        )
        for queue in requirements.queues
    )
    return Coverage(requirements, queues, on_shift)


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Is [start, end) covered by the union of the spans?"""
    reach = start
    for lo, hi in sorted(spans):
        if lo > reach:
            break
        reach = max(reach, hi)
    return reach >= end


def _check_agent(
    agent: Agent, shifts: list[Shift], week_dates: tuple[date, ...]
) -> list[Violation]:
    rules, zone = agent.rules, agent.zone
    problems: list[Violation] = []

    def fail(rule: str, detail: str, shift: Shift | None = None) -> None:
        problems.append(Violation(agent.id, rule, detail, shift))

    days: dict[date, list[Shift]] = defaultdict(list)
    for shift in shifts:
        local = shift.local_start(zone)
        day = local.date()
        when = f"shift {local.isoformat()}"
        days[day].append(shift)
        if day not in week_dates:
            fail("week", f"{when} is not on a local date of the week", shift)
        if day in agent.time_off:
            fail("time off", f"{when} is on a day off", shift)
        if agent.absent(shift.start_utc, shift.end_utc):
            fail("absence", f"{when} overlaps an absence", shift)
        if shift.minutes not in rules.shift_minutes:
            fail(
                "shift length",
                f"{when} lasts {shift.minutes / 60:g} h, allowed "
                f"{' or '.join(f'{h:g}' for h in rules.shift_hours)} h",
                shift,
            )
        start_minute = local.hour * 60 + local.minute
        if local.second or start_minute % rules.start_step_minutes:
            fail(
                "start grid", f"{when} is not on the {rules.start_step_minutes}-minute grid", shift
            )
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        end_minute = int(
            (shift.local_end(zone).replace(tzinfo=None) - midnight) / timedelta(minutes=1)
        )
        if start_minute < rules.earliest_start or end_minute > rules.latest_end:
            fail(
                "local window",
                f"{when} to {shift.local_end(zone).isoformat()} is outside "
                f"{format_clock(rules.earliest_start)}-{format_clock(rules.latest_end)}",
                shift,
            )
        if agent.availability:
            spans = [(w.start, w.end) for w in agent.availability if w.day == day.weekday()]
            if not _inside(start_minute, end_minute, spans):
                fail(
                    "availability",
                    f"{when} is outside {WEEKDAYS[day.weekday()]} availability",
                    shift,
                )
    for day, on_day in days.items():
        if len(on_day) > 1:
            fail("one shift per day", f"{len(on_day)} shifts on {day.isoformat()}", on_day[1])

    contract = agent.contract(week_dates)
    worked = sum(shift.minutes for shift in shifts)
    if worked != contract.minutes:
        fail("weekly hours", f"works {worked / 60:g} h, contract is {contract.minutes / 60:g} h")
    if len(days) > contract.max_days:
        fail("days per week", f"works {len(days)} days, at most {contract.max_days}")

    ordered = sorted(shifts, key=lambda s: s.start_utc)
    rest = timedelta(minutes=rules.min_rest_minutes)
    for before, after in zip(ordered, ordered[1:] + ordered[:1], strict=True):
        next_start = (
            after.start_utc if after.start_utc > before.start_utc else after.start_utc + WEEK
        )
        if next_start - before.end_utc < rest:
            fail(
                "rest",
                f"{(next_start - before.end_utc) / timedelta(hours=1):g} h between the shift "
                f"ending {iso_utc(before.end_utc)} and the next, "
                f"at least {rules.min_rest_hours:g} h",
                after,
            )

    worked_days = [d in days for d in week_dates]
    if all(worked_days):
        longest = 7
    else:
        run = longest = 0
        for worked_today in worked_days + worked_days:  # twice: the week wraps
            run = run + 1 if worked_today else 0
            longest = max(longest, run)
    if longest > rules.max_consecutive_days:
        fail(
            "consecutive days",
            f"works {longest} days in a row, at most {rules.max_consecutive_days}",
        )
    return problems


def _check_activities(
    scenario: Scenario, agent: Agent, shifts: list[Shift], activities: list[Activity]
) -> list[Violation]:
    """Inside the agent's shifts, on queues they serve, no overlap, every shift minute
    covered, and blocks of ``min_activity_minutes`` unless a block is the whole shift."""
    problems: list[Violation] = []

    def shift_of(activity: Activity) -> Shift | None:
        return next((s for s in shifts if s.start_utc <= activity.start_utc < s.end_utc), None)

    def fail(rule: str, detail: str, shift: Shift | None) -> None:
        problems.append(Violation(agent.id, rule, detail, shift))

    skills = set(scenario.skills_of(agent))
    queues = set(scenario.queue_names)
    ordered = sorted(activities, key=lambda a: a.start_utc)
    for activity in ordered:
        when = f"{activity.queue} {iso_utc(activity.start_utc)}-{iso_utc(activity.end_utc)}"
        shift = shift_of(activity)
        if activity.end_utc <= activity.start_utc:
            fail("activities", f"{when} ends before it starts", shift)
        elif activity.queue not in queues:
            fail("activities", f"{when}: unknown queue", shift)
        elif activity.queue not in skills:
            fail("skills", f"{when}: the agent does not serve {activity.queue}", shift)
        if not any(
            s.start_utc <= activity.start_utc and activity.end_utc <= s.end_utc for s in shifts
        ):
            fail("activities", f"{when} is outside the agent's shifts", shift)
    for before, after in pairwise(ordered):
        if after.start_utc < before.end_utc:
            fail(
                "activities",
                f"{before.queue} and {after.queue} overlap at {iso_utc(after.start_utc)}",
                shift_of(after),
            )
    least = agent.rules.min_activity_minutes
    for shift in shifts:
        inside = [
            a for a in ordered if shift.start_utc <= a.start_utc and a.end_utc <= shift.end_utc
        ]
        served = sum(a.minutes for a in inside)
        when = f"shift {iso_utc(shift.start_utc)}-{iso_utc(shift.end_utc)}"
        if served < shift.minutes:
            fail("activities", f"{when} has {shift.minutes - served} minutes with no queue", shift)
        blocks: list[list[Activity]] = []
        for activity in inside:
            if (
                blocks
                and blocks[-1][-1].queue == activity.queue
                and blocks[-1][-1].end_utc == activity.start_utc
            ):
                blocks[-1].append(activity)
            else:
                blocks.append([activity])
        if len(blocks) > 1:
            for block in blocks:
                minutes = sum(a.minutes for a in block)
                if minutes < least:
                    fail(
                        "activity length",
                        f"{block[0].queue} {iso_utc(block[0].start_utc)}-"
                        f"{iso_utc(block[-1].end_utc)} in {when} lasts {minutes} minutes, "
                        f"at least {least}",
                        shift,
                    )
    return problems


def validate_roster(
    scenario: Scenario,
    roster: Sequence[Shift],
    requirements: Requirements | None = None,
    activities: Sequence[Activity] | None = None,
) -> Validation:
    """Every hard rule re-checked per agent, the activities checked against the shifts,
    and every queue's coverage recomputed. Without ``activities``, a scenario with
    one queue has every shift on it (with several queues, none are served)."""
    if activities is None:
        activities = shift_activities(scenario, roster)
    by_agent: dict[str, list[Shift]] = defaultdict(list)
    activities_of: dict[str, list[Activity]] = defaultdict(list)
    violations: list[Violation] = []
    known = {agent.id for agent in scenario.agents}
    for shift in roster:
        if shift.agent_id not in known:
            violations.append(Violation(shift.agent_id, "unknown agent", "not in the team"))
        elif shift.end_utc <= shift.start_utc:
            violations.append(
                Violation(shift.agent_id, "shift length", "ends before it starts", shift)
            )
        else:
            by_agent[shift.agent_id].append(shift)
    for activity in activities:
        if activity.agent_id not in known:
            if not any(v.agent_id == activity.agent_id for v in violations):
                violations.append(Violation(activity.agent_id, "unknown agent", "not in the team"))
        else:
            activities_of[activity.agent_id].append(activity)
    for agent in scenario.agents:
        shifts = by_agent.get(agent.id, [])
        violations.extend(_check_agent(agent, shifts, scenario.week_dates))
        violations.extend(
            _check_activities(scenario, agent, shifts, activities_of.get(agent.id, []))
        )
    return Validation(
        tuple(violations), measure_coverage(scenario, roster, requirements, activities)
    )
