"""Re-plan a published roster when agents are out, changing as few shifts as it can.

The absent agents' shifts inside their absences are removed and become time
off (their contract shrinks as for any day off); shifts that have started are
frozen, and so are those starting within the notice period (except the
absent agents'). The search then minimises, in order: the coverage terms of
``plan``, the published shifts changed, the minutes they move, the usual
tie-breakers. The result says what changed, per agent and local date.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pandas as pd

from coverage.errors import InputError
from coverage.inputs import GivenRoster
from coverage.models import Agent, AgentAbsence, Scenario, SolverSettings
from coverage.outputs import csv_text, json_text
from coverage.plan import PLAN_FILES, Plan, plan_from_result, plan_of_given
from coverage.requirements import build_requirements
from coverage.solver import Problem, Progress, Result, solve_problem, solver_settings
from coverage.solver.given import replan_problem
from coverage.solver.model import stages_for
from coverage.timegrid import Activity, Shift
from coverage.validate import Violation

REPLAN_FILES = (*PLAN_FILES, "changes.csv")
CHANGE_COLUMNS = [
    "agent_id", "kind", "old_start_local", "old_end_local", "new_start_local", "new_end_local",
]  # fmt: skip
# The figures the summary shows before and after, as summary.json names them.
FIGURES = ("uncovered_hours", "shortfall_agent_hours", "contacts_late", "service_level")


@dataclass(frozen=True)
class ReplanRequest:
    """Who is out and from when the week may change.

    ``now``: shifts that started before it are frozen; so are those starting
    within ``notice_hours`` of it, except the absent agents'. ``max_changes``
    caps the changed shifts (a change of queues alone counts half); the
    absence's own removals are not counted against it.
    """

    absences: tuple[AgentAbsence, ...]
    now: datetime
    notice_hours: float = 0.0
    max_changes: float | None = None

    @property
    def notice_until(self) -> datetime:
        return self.now + timedelta(hours=self.notice_hours)


@dataclass(frozen=True)
class Change:
    """One published shift changed, on one agent's local date: ``added`` (no ``old``),
    ``removed`` (no ``new``) or ``moved`` (both; with the same times when only its
    queues change). ``absent`` marks a removal the absence made."""

    agent_id: str
    kind: Literal["added", "removed", "moved"]
    old: Shift | None
    new: Shift | None
    queues_only: bool = False
    absent: bool = False

    @property
    def weight(self) -> float:
        """What it counts against ``max_changes``: one, half for queues alone."""
        return 0.5 if self.queues_only else 1.0


@dataclass(frozen=True)
class Replan:
    """The re-planned week, what changed, and its figures before and after.

    ``published`` is the roster as published, ``unchanged`` the same with the
    absences' shifts removed and nothing else done, ``plan`` the re-plan.
    """

    request: ReplanRequest
    published: Plan
    unchanged: Plan
    plan: Plan
    changes: tuple[Change, ...]
    frozen: tuple[Shift, ...]
    violations: tuple[Violation, ...]  # frozen shifts the re-plan changed (a bug if any)

    @property
    def result(self) -> Result:
        return self.plan.solved

    @property
    def changed_agents(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.agent_id for c in self.changes))

    @property
    def summary(self) -> dict[str, Any]:
        data = dict(self.plan.summary)
        chosen = [c for c in self.changes if not c.absent]
        data["replan"] = {
            "now_utc": self.request.now.isoformat(),
            "notice_hours": self.request.notice_hours,
            "max_changes": self.request.max_changes,
            "absences": [
                {
                    "agent_id": a.agent_id,
                    "start_utc": a.absence.start_utc.isoformat(),
                    "end_utc": a.absence.end_utc.isoformat(),
                }
                for a in self.request.absences
            ],
            "frozen_shifts": len(self.frozen),
            "removed_by_absence": sum(1 for c in self.changes if c.absent),
            "shifts_changed": float(sum(c.weight for c in chosen)),
            "changes": len(self.changes),
            "agents_affected": len({c.agent_id for c in chosen}),
            "calendars_changed": len(self.changed_agents),
            "time_off": {
                agent: sorted(
                    {
                        c.old.local_start(self.plan.scenario.agent(agent).zone).date().isoformat()
                        for c in self.changes
                        if c.absent and c.agent_id == agent and c.old
                    }
                )
                for agent in dict.fromkeys(c.agent_id for c in self.changes if c.absent)
            },
            "first_roster_seconds": None
            if self.result.deterministic
            else self.result.first_roster_seconds,
            "before": {
                "published": _figures(self.published.summary),
                "absence_no_change": _figures(self.unchanged.summary),
                "replanned": _figures(self.plan.summary),
            },
        }
        return data

    def changes_frame(self) -> pd.DataFrame:
        """One row per change (the columns of ``changes.csv``), in local times."""
        scenario = self.plan.scenario
        rows = []
        for change in self.changes:
            zone = scenario.agent(change.agent_id).zone
            old, new = change.old, change.new
            rows.append(
                {
                    "agent_id": change.agent_id,
                    "kind": change.kind,
                    "old_start_local": old.local_start(zone).isoformat() if old else "",
                    "old_end_local": old.local_end(zone).isoformat() if old else "",
                    "new_start_local": new.local_start(zone).isoformat() if new else "",
                    "new_end_local": new.local_end(zone).isoformat() if new else "",
                }
            )
        return pd.DataFrame(rows, columns=CHANGE_COLUMNS)

    def files(self) -> dict[str, str]:
        """What ``plan`` writes, and ``changes.csv``."""
        files = self.plan.files()
        if self.result.found_roster:
            files["changes.csv"] = csv_text(self.changes_frame())
        files["summary.json"] = json_text(self.summary)
        return files


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in FIGURES}


def _with_absences(
    scenario: Scenario, published: Sequence[Shift], absences: Sequence[AgentAbsence]
) -> tuple[Scenario, set[Shift]]:
    """The team with each absence on its agent, and the published shifts it removes
    (those overlapping it), whose local dates become time off."""
    removed = {
        s
        for s in published
        for a in absences
        if a.agent_id == s.agent_id and a.absence.overlaps(s.start_utc, s.end_utc)
    }
    days_off = [
        (s.agent_id, s.local_start(scenario.agent(s.agent_id).zone).date()) for s in removed
    ]
    return scenario.with_absences(absences, days_off), removed


def replan_roster(
    scenario: Scenario,
    published: GivenRoster,
    request: ReplanRequest,
    *,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    deterministic: bool | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    interruptible: bool = False,
) -> Replan:
    """Re-plan ``published`` for the absences in ``request`` (see the module docstring).

    The published roster is the search's start. Raises ``InputError`` when a
    frozen shift breaks a rule (the re-plan could not keep it), when an
    absent agent has no absence inside the week, or when ``now`` is after the
    week: then nothing can change.
    """
    started = time.perf_counter()
    settings = solver_settings(scenario, time_limit, workers, seed, deterministic)
    requirements = build_requirements(scenario)
    week = requirements.week
    if request.now >= week.end_utc:
        raise InputError(
            "--now",
            f"{request.now.isoformat()} is after the week ({week.start_utc:%Y-%m-%d %H:%M} UTC "
            f"to {week.end_utc:%Y-%m-%d %H:%M} UTC): every shift has started; pass --now",
        )
    activities = activities_known = published.activities
    shifts = tuple(published.shifts)
    grid = requirements.week.interval_minutes  # the figures only: no solve of these two
    as_published = plan_of_given(scenario, requirements, shifts, activities, grid)
    absent_team, removed = _with_absences(scenario, shifts, request.absences)
    kept = tuple(s for s in shifts if s not in removed)
    kept_activities = (
        None
        if activities_known is None
        else tuple(a for a in activities_known if not any(_inside(a, s) for s in removed))
    )
    unchanged = plan_of_given(absent_team, requirements, kept, kept_activities, grid)
    absent = frozenset(a.agent_id for a in request.absences)
    frozen = tuple(
        s
        for s in kept
        if s.start_utc < (request.now if s.agent_id in absent else request.notice_until)
    )
    _check_frozen(absent_team, unchanged, frozen)
    problem = replan_problem(
        absent_team, kept, kept_activities, request.now, request.notice_until, absent, requirements
    )
    result = _search(
        problem, settings, kept, request.max_changes, len(removed),
        Problem.build(absent_team, requirements), on_progress, interruptible, started,
    )  # fmt: skip
    plan = plan_from_result(result)
    changes: tuple[Change, ...] = ()
    broken: tuple[Violation, ...] = ()
    if result.found_roster:
        new = result.roster
        changes = diff_rosters(
            absent_team, shifts, activities_known, new.shifts, new.activities, removed
        )
        broken = _frozen_kept(frozen, new.shifts)
    return Replan(request, as_published, unchanged, plan, changes, frozen, broken)


# The first search allows this many changes per shift the absence removed (at least
# NEAR_CHANGES_AT_LEAST) and gets NEAR_SHARE of the time; the second, with the
# caller's cap, starts from its roster (benchmarks/README.md, "Re-plan").
NEAR_CHANGES_PER_REMOVED = 2
NEAR_CHANGES_AT_LEAST = 2
NEAR_SHARE = 0.4


def _search(
    problem: Problem,
    settings: SolverSettings,
    published: Sequence[Shift],
    max_changes: float | None,
    removed: int,
    bound_problem: Problem,
    on_progress: Callable[[Progress], None] | None,
    interruptible: bool,
    started: float,
) -> Result:
    """The re-plan near the published week first, then with the caller's cap.

    A search over the whole team finds coverage gains that cost many changes
    and, stopped by its limit, often keeps changes a closer answer did without;
    capped near the absence's own size, the search is small and quick. The
    second search only keeps its roster if it is better in the objective's order.
    """
    near = max(NEAR_CHANGES_AT_LEAST, NEAR_CHANGES_PER_REMOVED * removed)
    options: dict[str, Any] = {
        "bound_problem": bound_problem, "on_progress": on_progress,
        "interruptible": interruptible, "started": started,
    }  # fmt: skip
    if max_changes is not None and max_changes <= near:
        return solve_problem(
            problem, settings, start_roster=published, max_changes=max_changes, **options
        )
    limit = settings.time_limit_seconds
    first = solve_problem(
        problem, settings.replace(time_limit_seconds=NEAR_SHARE * limit),
        start_roster=published, max_changes=near, **options,
    )  # fmt: skip
    if not first.found_roster or first.interrupted:
        return solve_problem(
            problem, settings, start_roster=published, max_changes=max_changes, **options
        )
    if settings.deterministic:
        rest = settings.replace(time_limit_seconds=(1 - NEAR_SHARE) * limit)
        options["started"] = time.perf_counter()
    else:
        rest = settings
    second = solve_problem(
        problem, rest, start_roster=first.roster.shifts, max_changes=max_changes, **options
    )
    order = [name for stage in stages_for(problem) for name in stage]
    if not second.found_roster or _ranked(second, order) > _ranked(first, order):
        return replace(first, runtime=time.perf_counter() - started)
    return replace(second, first_roster_seconds=first.first_roster_seconds)


def _ranked(result: Result, order: Sequence[str]) -> list[float]:
    """A result's terms in the order the objective ranks them."""
    return [result.terms.get(name, 0.0) for name in order]


def _inside(activity: Activity, shift: Shift) -> bool:
    return (
        activity.agent_id == shift.agent_id
        and shift.start_utc <= activity.start_utc
        and activity.end_utc <= shift.end_utc
    )


def _check_frozen(scenario: Scenario, unchanged: Plan, frozen: Sequence[Shift]) -> None:
    """A frozen shift that breaks a rule of its own cannot be kept: an input error."""
    assert unchanged.validation is not None
    frozen_set = set(frozen)
    for violation in unchanged.validation.violations:
        if violation.shift is not None and violation.shift in frozen_set:
            zone = scenario.agent(violation.agent_id).zone
            raise InputError(
                "--roster",
                f"agent {violation.agent_id!r}'s shift from "
                f"{violation.shift.local_start(zone):%a %Y-%m-%d %H:%M} has started or is "
                f"within the notice period, so it is frozen, but it breaks a rule "
                f"({violation.rule}: {violation.detail}); fix the roster or re-plan from "
                "an earlier --now",
            )


def _frozen_kept(frozen: Sequence[Shift], new: Sequence[Shift]) -> tuple[Violation, ...]:
    """Every frozen shift must be in the re-plan as it was."""
    present = set(new)
    return tuple(
        Violation(
            s.agent_id,
            "frozen",
            f"the frozen shift from {s.start_utc:%Y-%m-%dT%H:%MZ} was changed",
            s,
        )
        for s in frozen
        if s not in present
    )


def _runs(
    activities: Sequence[Activity], shift: Shift
) -> tuple[tuple[str, datetime, datetime], ...]:
    """The shift's activities with adjacent ones on the same queue merged."""
    runs: list[list[Any]] = []
    for a in sorted(x for x in activities if _inside(x, shift)):
        if runs and runs[-1][0] == a.queue and runs[-1][2] == a.start_utc:
            runs[-1][2] = a.end_utc
        else:
            runs.append([a.queue, a.start_utc, a.end_utc])
    return tuple((q, s, e) for q, s, e in runs)


def _by_date(shifts: Sequence[Shift], agent: Agent) -> dict[date, list[Shift]]:
    """The agent's shifts per local date."""
    dated: dict[date, list[Shift]] = {}
    for shift in sorted(s for s in shifts if s.agent_id == agent.id):
        dated.setdefault(shift.local_start(agent.zone).date(), []).append(shift)
    return dated


def diff_rosters(
    scenario: Scenario,
    old: Sequence[Shift],
    old_activities: Sequence[Activity] | None,
    new: Sequence[Shift],
    new_activities: Sequence[Activity],
    absent: set[Shift] | frozenset[Shift] = frozenset(),
) -> tuple[Change, ...]:
    """What changed from ``old`` to ``new``, per agent and local date (a shift moved to
    another date is one removed and one added, as calendars see it); queue changes
    count only when ``old_activities`` are known."""
    changes: list[Change] = []
    for agent in scenario.agents:
        before, after = _by_date(old, agent), _by_date(new, agent)
        for day in sorted(set(before) | set(after)):
            was, now = before.get(day, []), after.get(day, [])
            for k in range(max(len(was), len(now))):
                o = was[k] if k < len(was) else None
                n = now[k] if k < len(now) else None
                if o is None:
                    changes.append(Change(agent.id, "added", None, n))
                elif n is None:
                    changes.append(Change(agent.id, "removed", o, None, absent=o in absent))
                elif (o.start_utc, o.end_utc) != (n.start_utc, n.end_utc):
                    changes.append(Change(agent.id, "moved", o, n))
                elif (
                    old_activities is not None
                    and len(scenario.queues) > 1
                    and _runs(old_activities, o) != _runs(new_activities, n)
                ):
                    changes.append(Change(agent.id, "moved", o, n, queues_only=True))
    return tuple(changes)
