"""Problems made from a roster someone gave: serving its shifts, re-planning it.

``serve_given`` chooses queues for shifts that came without them, as the
solver serves its own. ``replan_problem`` turns a published roster into each
agent's ``Published`` week, which the model's change terms count against:
shifts that started before ``now`` stay as they are, and so do those starting
within the notice period after it (except an absent agent's); nothing new may
start before ``now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from coverage.models import Scenario
from coverage.requirements import Requirements
from coverage.shifts import Candidate
from coverage.solver.activities import activities_of, serve_greedily
from coverage.solver.problem import AgentOptions, Problem, Published
from coverage.timegrid import Activity, Shift


def _published_candidate(option: AgentOptions, d: int, shift: Shift) -> Candidate:
    """The candidate that is ``shift``: one of the day's, or the shift itself when the
    rules would not offer it (a hand-made roster's)."""
    times = (shift.start_utc, shift.end_utc)
    for candidate in option.days[d]:
        if (candidate.shift.start_utc, candidate.shift.end_utc) == times:
            return candidate
    local = shift.local_start(option.agent.zone)
    return Candidate(shift, local.date(), local.hour * 60 + local.minute)


def replan_problem(
    scenario: Scenario,
    published: Sequence[Shift],
    activities: Sequence[Activity] | None,
    now: datetime,
    notice_until: datetime,
    unfrozen: frozenset[str] = frozenset(),
    requirements: Requirements | None = None,
) -> Problem:
    """The problem of re-planning ``published`` from ``now``.

    ``unfrozen`` agents (the absent ones) have only their started shifts frozen,
    not those within the notice period. ``activities`` are the published
    queues (None: the roster did not say; then only the shift times count).
    A published shift on a date the agent may not work (time off, an absence)
    is not part of their week here: the caller removes it and counts it.
    """
    problem = Problem.build(scenario, requirements)
    dates = scenario.week_dates
    by_agent: dict[str, list[Shift]] = {}
    for shift in published:
        by_agent.setdefault(shift.agent_id, []).append(shift)
    options = []
    for option in problem.options:
        agent = option.agent
        own = {s.local_start(agent.zone).date(): s for s in sorted(by_agent.get(agent.id, []))}
        freeze_before = now if agent.id in unfrozen else max(now, notice_until)
        shifts: list[Candidate | None] = []
        frozen: list[bool] = []
        days: list[tuple[Candidate, ...]] = []
        for d, day in enumerate(dates):
            mine = own.get(day)
            kept = _published_candidate(option, d, mine) if mine is not None else None
            if kept is not None and kept.shift.start_utc < freeze_before:
                shifts.append(kept)
                frozen.append(True)
                days.append((kept,))
                continue
            shifts.append(kept)
            frozen.append(False)
            days.append(tuple(c for c in option.days[d] if c.shift.start_utc >= now))
        week = Published(tuple(shifts), tuple(frozen))
        options.append(replace(option, days=tuple(days), published=week))
    # The grid may be finer now (a frozen hand-made shift off the rules' grid): the
    # published queues are put on the new problem's slots.
    problem = replace(problem, options=tuple(options))
    return replace(
        problem,
        options=tuple(
            replace(o, published=replace(o.published, serving=_serving(problem, o, activities)))
            if o.published is not None
            else o
            for o in problem.options
        ),
    )


def _serving(
    problem: Problem, option: AgentOptions, activities: Sequence[Activity] | None
) -> tuple[tuple[int, int], ...]:
    """The published queue of each fine slot of the agent's activities."""
    if activities is None or not option.switches:
        return ()
    index = {queue.name: q for q, queue in enumerate(problem.requirements.queues)}
    step = problem.step_minutes
    serving: dict[int, int] = {}
    for activity in activities:
        if activity.agent_id != option.agent.id or activity.queue not in index:
            continue
        first = problem.week.minute_of_week(activity.start_utc) // step
        for k in range(activity.minutes // step):
            serving[(first + k) % problem.slots] = index[activity.queue]
    return tuple(sorted(serving.items()))


def serve_given(
    scenario: Scenario, shifts: Sequence[Shift], requirements: Requirements | None = None
) -> tuple[Activity, ...]:
    """Queues for given shifts, the best split for coverage the solver's serving finds
    (the flow, then each agent again against the others, in blocks)."""
    problem = Problem.build(scenario, requirements)
    by_agent: dict[str, list[Shift]] = {}
    for shift in shifts:
        by_agent.setdefault(shift.agent_id, []).append(shift)
    dates = scenario.week_dates
    chosen: list[list[Candidate]] = []
    options = []
    for option in problem.options:
        zone = option.agent.zone
        own = []
        for shift in sorted(by_agent.get(option.agent.id, [])):
            local = shift.local_start(zone)
            own.append(Candidate(shift, local.date(), local.hour * 60 + local.minute))
        days = tuple(tuple(c for c in own if c.day == day) for day in dates)
        elsewhere = tuple(c for c in own if c.day not in dates)  # off the week: still served
        options.append(replace(option, days=(days[0] + elsewhere, *days[1:])))
        chosen.append(own)
    given = replace(problem, options=tuple(options))
    return activities_of(given, chosen, serve_greedily(given, chosen))
