"""Contacts to required agents: Erlang C and Erlang A, chat's conversation slots,
the occupancy cap, abandonment and shrinkage.

Pure functions. Traffic intensity A (Erlangs) = contacts x AHT / interval
length. With N agents the probability that a contact waits is Erlang C, and
the share answered within T seconds is ``1 - P(wait) * exp(-(N - A) * T / AHT)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

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


@dataclass(frozen=True)
class Service:
    """What ``agents`` on a queue give in one interval: shares of its contacts."""

    answered_in_time: float
    abandoned: float = 0.0
    waiting: float = 0.0
    occupancy: float = 0.0

    @property
    def late(self) -> float:
        """Share not answered within the target time, abandoned contacts included."""
        return max(0.0, 1.0 - self.answered_in_time)


NO_CONTACTS = Service(1.0)


@lru_cache(maxsize=65_536)
def erlang_a(
    agents: int, traffic: float, aht_seconds: float, patience_seconds: float, answer_seconds: float
) -> Service:
    """Erlang A (M/M/c+M): callers hang up after an exponential patience.

    The birth-death chain is solved in units of the handle time. A caller who
    finds ``k`` waiting ahead is answered if the ``k + 1`` queue departures ahead
    of them (each a service completion or an abandonment) happen before their
    own patience runs out; the chance that this happens within ``answer_seconds``
    has a closed form, since ``exp(-theta * S)`` of that sum is Beta distributed.
    """
    if traffic <= 0:
        return NO_CONTACTS
    if agents <= 0:
        return Service(0.0, 1.0, 1.0, 0.0)
    c, theta = agents, aht_seconds / patience_seconds
    t = answer_seconds / aht_seconds
    # Waiting states k = 0..K: enough that the tail is below 1e-17 of the peak.
    hump = max(0.0, (traffic - c) / theta)
    if traffic < c:
        tail = 40.0 / math.log(c / traffic)
        depth = min(tail, hump + 10.0 * math.sqrt((traffic + 1) / theta) + 50)
    else:
        depth = hump + 10.0 * math.sqrt((traffic + 1) / theta) + 50
    k = np.arange(0, int(min(depth, 200_000)) + 1, dtype=float)
    log_idle = np.concatenate(([0.0], np.cumsum(np.log(traffic / np.arange(1, c + 1)))))
    log_wait = log_idle[-1] + np.concatenate(
        ([0.0], np.cumsum(np.log(traffic / (c + k[1:] * theta))))
    )
    top = max(log_idle.max(), log_wait.max())
    idle, wait = np.exp(log_idle[:-1] - top), np.exp(log_wait - top)
    total = idle.sum() + wait.sum()
    idle, wait = idle / total, wait / total
    served = c / (c + (k + 1) * theta)  # answered before hanging up, with k ahead
    # P(sum of the k + 1 phases > t) = I_x(beta, k + 1), a finite sum for whole k.
    x, beta = math.exp(-theta * t), c / theta + 1
    if x < 1:
        steps = np.log((beta + k[1:] - 1) / k[1:]) + math.log1p(-x)
        log_terms = beta * math.log(x) + np.concatenate(([0.0], np.cumsum(steps)))
        still_waiting = np.minimum(1.0, np.cumsum(np.exp(log_terms)))
    else:
        still_waiting = np.ones(k.shape)
    answered_in_time = float(idle.sum() + (wait * served * (1 - still_waiting)).sum())
    abandoned = float((wait * (1 - served)).sum())
    return Service(
        min(1.0, answered_in_time),
        abandoned,
        float(wait.sum()),
        traffic * (1 - abandoned) / c,
    )


@lru_cache(maxsize=65_536)
def erlang_c_service(
    agents: int, traffic: float, aht_seconds: float, answer_seconds: float
) -> Service:
    """Erlang C's figures for ``agents`` servers (nobody hangs up)."""
    if traffic <= 0:
        return NO_CONTACTS
    if agents <= traffic:
        return Service(0.0, 0.0, 1.0, 1.0)
    return Service(
        service_level(agents, traffic, aht_seconds, answer_seconds),
        0.0,
        erlang_c(agents, traffic),
        traffic / agents,
    )


@dataclass(frozen=True)
class ServiceModel:
    """How one queue's contacts become agents: its channel's queueing model.

    Voice is Erlang C, or Erlang A with ``patience_seconds``; chat is Erlang C
    on ``agents x concurrency`` conversation slots. Email is sized by its
    backlog, not here.
    """

    staffing: Staffing
    concurrency: int = 1
    patience_seconds: float | None = None
    max_abandon: float | None = None

    def on_queue(self, agents: int, traffic: float, aht_seconds: float) -> Service:
        """The service ``agents`` working the queue give at ``traffic`` Erlangs."""
        answer = self.staffing.answer_seconds
        if self.patience_seconds is not None:
            return erlang_a(agents, traffic, aht_seconds, self.patience_seconds, answer)
        return erlang_c_service(agents * self.concurrency, traffic, aht_seconds, answer)

    def meets_targets(self, service: Service) -> bool:
        staffing = self.staffing
        return (
            service.answered_in_time >= staffing.service_level - 1e-12
            and service.occupancy <= staffing.max_occupancy + 1e-12
            and (self.max_abandon is None or service.abandoned <= self.max_abandon + 1e-12)
        )

    def agents_needed(self, traffic: float, aht_seconds: float) -> int:
        """Fewest agents on the queue who meet every target (service level, occupancy,
        abandonment); the targets get easier with every agent added."""
        if traffic <= 0:
            return 0
        if self.patience_seconds is None and self.concurrency == 1:
            return agents_on_phone(traffic, aht_seconds, self.staffing)
        low, high = 0, 1
        while not self.meets_targets(self.on_queue(high, traffic, aht_seconds)):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            if self.meets_targets(self.on_queue(middle, traffic, aht_seconds)):
                high = middle
            else:
                low = middle
        return high

    def projected(
        self, scheduled: float, contacts: float, aht_seconds: float, interval_seconds: float
    ) -> Service:
        """The service ``scheduled`` agents would give, after shrinkage (whole agents)."""
        traffic = traffic_erlangs(contacts, aht_seconds, interval_seconds)
        on_queue = math.floor(scheduled * (1 - self.staffing.shrinkage) + 1e-9)
        return self.on_queue(on_queue, traffic, aht_seconds)
