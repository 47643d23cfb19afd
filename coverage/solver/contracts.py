"""Find agents whose own rules contradict each other, before the team is solved."""

from __future__ import annotations

from datetime import datetime

from coverage.errors import InputError
from coverage.models import format_clock
from coverage.shifts import Candidate
from coverage.solver.bound import signature
from coverage.solver.problem import AgentOptions, Problem
from coverage.solver.start import solve_agent_alone


def _why(option: AgentOptions) -> str:
    agent, contract = option.agent, option.contract
    rules = agent.rules
    longest_per_day = sorted(
        (max((c.minutes for c in day), default=0) for day in option.days), reverse=True
    )
    most = sum(longest_per_day[: contract.max_days])
    needed = f"{contract.minutes / 60:g} h on at most {contract.max_days} days"
    if contract.days_off:
        needed += f" ({contract.days_off} day(s) off this week)"
    if most < contract.minutes:
        window = f"{format_clock(rules.earliest_start)}-{format_clock(rules.latest_end)}"
        limit = "availability and the " if agent.availability else "the "
        return (
            f"cannot work {needed}: {limit}{window} window and shifts of "
            f"{'/'.join(f'{h:g}' for h in rules.shift_hours)} h leave at most {most / 60:g} h"
        )
    return (
        f"cannot work {needed} with shifts of {'/'.join(f'{h:g}' for h in rules.shift_hours)} h, "
        f"{rules.min_rest_hours:g} h rest and at most {rules.max_consecutive_days} days in a row"
    )


def check_contracts(problem: Problem) -> list[list[Candidate]]:
    """A feasible week for every agent; ``InputError`` naming the first who has none.

    Each agent is solved alone with the hard rules only; agents with identical
    zone, rules, availability and time off share one check (and so have the
    same candidate times, which is how the shared week maps onto each of them).
    """
    weeks: dict[tuple[object, ...], list[tuple[datetime, datetime]] | None] = {}
    feasible: list[list[Candidate]] = []
    for option in problem.options:
        key = signature(option)
        if key not in weeks:
            week = solve_agent_alone(problem, option)
            weeks[key] = (
                None if week is None else [(c.shift.start_utc, c.shift.end_utc) for c in week]
            )
        times = weeks[key]
        if times is None:
            agent = option.agent
            raise InputError(agent.source or "agents", f"agent {agent.id!r} {_why(option)}")
        wanted = set(times)
        feasible.append(
            [
                c
                for day in option.days
                for c in day
                if (c.shift.start_utc, c.shift.end_utc) in wanted
            ]
        )
    return feasible
