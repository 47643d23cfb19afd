"""Find agents whose own rules contradict each other, before the team is solved."""

from __future__ import annotations

from datetime import datetime

from coverage.errors import InputError
from coverage.models import Scenario, format_clock
from coverage.shifts import Candidate
from coverage.solver.bound import signature
from coverage.solver.memory import check_memory
from coverage.solver.problem import AgentOptions, Problem
from coverage.solver.start import Undecided, solve_agent_alone


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
    if option.published is not None and any(option.published.frozen):
        needed += " around the shifts frozen before --now (or within the notice)"
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


def check_scenario(scenario: Scenario) -> Problem:
    """Everything ``plan`` rejects before solving, as the ``InputError`` it gives.

    The models have checked each input on its own; this checks what needs the
    candidate shifts: that every agent's contract fits their rules. Returns the
    problem it built. ``InsufficientMemory`` if the model would not fit.
    """
    problem = Problem.build(scenario)
    check_memory(problem, scenario.solver.deterministic)
    check_contracts(problem)
    return problem


def check_contracts(problem: Problem) -> list[list[Candidate]]:
    """A feasible week per agent; ``InputError`` naming the first agent who has none.

    Each agent is solved alone with the hard rules only; agents with identical
    zone, rules, availability and time off share one check (and so have the
    same candidate times, which is how the shared week maps onto each of them).
    An agent whose check runs out of time is not an input error: they get an
    empty week here, and the search decides.
    """
    weeks: dict[tuple[object, ...], list[tuple[datetime, datetime]] | None] = {}
    feasible: list[list[Candidate]] = []
    for option in problem.options:
        key = signature(option)
        if key not in weeks:
            try:
                week = solve_agent_alone(problem, option)
            except Undecided:
                week = []
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
