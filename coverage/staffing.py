"""Contacts to required agents: Erlang C with occupancy cap and shrinkage.

Pure functions. Traffic intensity A (Erlangs) = contacts x AHT / interval
length. With N agents the probability that a contact waits is Erlang C, and
the share answered within T seconds is ``1 - P(wait) * exp(-(N - A) * T / AHT)``.
"""

from __future__ import annotations

import math

from coverage.models import Staffing


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact has to wait, for ``agents`` servers and ``traffic`` Erlangs."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, aht_seconds: float, answer_seconds: float) -> float:
    """Share of contacts answered within ``answer_seconds``."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    waiting = erlang_c(agents, traffic)
    return max(0.0, 1.0 - waiting * math.exp(-(agents - traffic) * answer_seconds / aht_seconds))


def traffic_erlangs(contacts: float, aht_seconds: float, interval_seconds: float) -> float:
    return contacts * aht_seconds / interval_seconds


def agents_on_phone(traffic: float, aht_seconds: float, staffing: Staffing) -> int:
    """Fewest agents meeting the service level with occupancy at most the cap."""
    if traffic <= 0:
        return 0
    agents = max(1, math.floor(traffic) + 1, math.ceil(traffic / staffing.max_occupancy - 1e-9))
    while (
        service_level(agents, traffic, aht_seconds, staffing.answer_seconds)
        < staffing.service_level
    ):
        agents += 1
    return agents


def scheduled_agents(on_phone: float, staffing: Staffing) -> int:
    """Agents to schedule so that ``on_phone`` remain after shrinkage, at least the floor."""
    return max(staffing.min_agents, math.ceil(on_phone / (1 - staffing.shrinkage) - 1e-9))


def projected_service_level(
    scheduled: float,
    contacts: float,
    aht_seconds: float,
    interval_seconds: float,
    staffing: Staffing,
) -> float:
    """Service level the scheduled agents would give, after shrinkage (whole agents)."""
    traffic = traffic_erlangs(contacts, aht_seconds, interval_seconds)
    on_phone = math.floor(scheduled * (1 - staffing.shrinkage) + 1e-9)
    return service_level(on_phone, traffic, aht_seconds, staffing.answer_seconds)
