"""Errors a user can fix: bad input files and contradictory rules."""

from __future__ import annotations

from collections.abc import Sequence


class InputError(Exception):
    """A problem in an input file or scenario key, told in one line.

    ``where`` names the file and, when known, the row and column or TOML key,
    e.g. ``data/agents.csv row 4, column timezone``.
    """

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)


class RosterBroken(Exception):
    """A solved roster breaks a hard rule: a bug in the solver, never a result to show."""

    def __init__(self, violations: Sequence[object]) -> None:
        self.violations = tuple(violations)
        super().__init__(
            f"the roster breaks {len(self.violations)} hard rule(s); nothing was written "
            "(this is a bug, please report it)"
        )
