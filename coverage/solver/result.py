"""What a solve returns: a value, whether or not a roster was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from coverage.solver.bound import LowerBound
from coverage.timegrid import Shift


class Status(StrEnum):
    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class Progress:
    """A new best roster during one stage of the search (objective and bound in its units)."""

    objective: float
    best_bound: float
    seconds: float
    stage: str = ""


@dataclass(frozen=True)
class StageOutcome:
    """One stage of the search: which terms it minimised and how far it got."""

    terms: tuple[str, ...]
    status: Status
    objective: float | None
    best_bound: float | None
    seconds: float

    @property
    def name(self) -> str:
        return " + ".join(self.terms)


@dataclass(frozen=True)
class Result:
    """The outcome of ``solve``.

    ``runtime`` is the whole wall time, of which ``build_seconds`` went to the
    contract check, the greedy start and building the model. ``terms`` gives
    each named objective term of the returned roster in its own
    unit (agent-hours, or a count); ``weights`` the factor each has in the
    objective, which ranks them in strict priority; ``stages`` how each stage of
    the search ended (coverage can be proven optimal while the start-time
    tie-breaker is still only feasible).
    """

    status: Status
    objective: float | None
    best_bound: float | None
    runtime: float
    roster: tuple[Shift, ...] = ()
    build_seconds: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    stages: tuple[StageOutcome, ...] = ()
    interrupted: bool = False  # stopped by Ctrl-C: the best roster found so far
    deterministic: bool = False  # the time limit counted work, not seconds
    deterministic_time: float = 0.0
    lower_bound: LowerBound | None = None  # the aggregate LP's, independent of CP-SAT's proof

    @property
    def found_roster(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and best bound (0 when proven optimal)."""
        if self.objective is None or self.best_bound is None:
            return None
        if self.status is Status.OPTIMAL:
            return 0.0
        return abs(self.objective - self.best_bound) / max(1.0, abs(self.objective))
