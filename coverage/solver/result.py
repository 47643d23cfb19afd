"""What a solve returns: a value, whether or not a roster was found."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from coverage.requirements import Requirements
from coverage.roster import Roster
from coverage.solver.bound import LowerBound, above_bound
from coverage.validate import Validation


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
    """One stage of the search: which terms it minimised and how far it got.

    ``objective`` and ``best_bound`` are in the stage's own units (fine grid
    slots, weighted by priority when a stage has several terms).
    """

    terms: tuple[str, ...]
    status: Status
    objective: float | None
    best_bound: float | None
    seconds: float

    @property
    def name(self) -> str:
        return " + ".join(self.terms)


# The unit each objective term is reported in.
UNITS = {
    "uncovered": "agent-hours",
    "shortfall": "agent-hours",
    "contacts_late": "contacts",
    "hires": "hires",
    "start_time_changes": "start-time changes",
    "shift_changes": "shift changes",
    "minutes_moved": "minutes",
}


@dataclass(frozen=True)
class TermGap:
    """One objective term of the roster against the best lower bound known for it."""

    term: str
    value: float
    bound: float
    weighted: bool = False  # each queue's agent-hours weighted by its priority

    @property
    def unit(self) -> str:
        unit = UNITS.get(self.term, "")
        weighed = unit in ("agent-hours", "contacts")
        return f"priority-weighted {unit}" if self.weighted and weighed else unit

    @property
    def above(self) -> float:
        return max(0.0, self.value - self.bound)

    @property
    def relative(self) -> float | None:
        """``above`` as a share of the bound (None above a bound of 0)."""
        return above_bound(self.value, self.bound)

    @property
    def proven(self) -> bool:
        return self.above <= 1e-6

    def describe(self, label: str = "") -> str:
        """E.g. ``shortfall 25.5 agent-hours, 2.5 (10.9%) above the bound 23``."""
        value = f"{label} {self.value:g} {self.unit}".strip()
        if self.proven:
            return f"{value}, at its bound"
        share = "" if self.relative is None else f" ({self.relative:.1%})"
        return f"{value}, {self.above:g}{share} above the bound {self.bound:g}"

    def __str__(self) -> str:
        return self.describe(self.term)


@dataclass(frozen=True)
class Result:
    """The outcome of ``solve``.

    ``roster`` holds the shifts (empty when none was found) with the team and
    requirements they serve; its ``validation`` re-checks every rule from the
    shifts alone. ``grid_minutes`` is the UTC grid on which coverage was exact.
    ``terms`` gives each named objective term of the roster in its own unit
    (agent-hours, or a count) and ``term_gaps`` how far each is above the best lower
    bound known for it (from CP-SAT's proof or the aggregate LP); ``weights``
    the factor each has in the objective, which ranks them in strict priority;
    ``stages`` how each stage of the search ended (coverage can be proven
    optimal while the start-time tie-breaker is only feasible); ``engine`` which
    search ran them. ``runtime`` is the whole wall time, of which
    ``build_seconds`` went before the search.
    """

    status: Status
    objective: float | None
    best_bound: float | None
    runtime: float
    roster: Roster
    grid_minutes: int
    build_seconds: float = 0.0
    first_roster_seconds: float | None = None  # when the first complete roster was in hand
    terms: dict[str, float] = field(default_factory=dict)
    term_gaps: dict[str, TermGap] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    stages: tuple[StageOutcome, ...] = ()
    interrupted: bool = False  # stopped by Ctrl-C: the best roster found so far
    deterministic: bool = False  # the time limit counted work, not seconds
    deterministic_time: float = 0.0
    lower_bound: LowerBound | None = None  # the aggregate LP's, independent of CP-SAT's proof
    # "full model": CP-SAT searched the whole team's model; "chains": that model is too
    # large, and chains of a few agents ran every stage; "first roster": the time left
    # could not build the model, so the first roster is the answer
    engine: str = "full model"

    @property
    def found_roster(self) -> bool:
        return self.status in (Status.OPTIMAL, Status.FEASIBLE)

    @property
    def requirements(self) -> Requirements:
        return self.roster.requirements

    @property
    def validation(self) -> Validation:
        return self.roster.validation

    @property
    def gap(self) -> float | None:
        """The main term (contacts late under the service objective, else the
        shortfall) above its best known bound, as a share of the bound (None above 0)."""
        shortfall = self.term_gaps.get("contacts_late") or self.term_gaps.get("shortfall")
        if shortfall is None or shortfall.relative is None:
            return None
        return round(shortfall.relative, 6)

    def __str__(self) -> str:
        lines = [f"{self.status.value} in {self.runtime:.1f} s"]
        if self.interrupted:
            lines[0] += " (interrupted)"
        if self.found_roster:
            lines.append(f"roster: {len(self.roster)} shifts on a {self.grid_minutes}-minute grid")
        lines.extend(f"  {gap}" for gap in self.term_gaps.values())
        lines.extend(
            f"  stage {stage.name}: {stage.status.value} ({stage.seconds:.1f} s)"
            for stage in self.stages
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Result(status={self.status.value}, objective={self.objective}, "
            f"best_bound={self.best_bound}, runtime={self.runtime:.2f}, roster={self.roster!r})"
        )
