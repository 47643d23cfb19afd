"""Errors a user can fix: bad input files and contradictory rules."""

from __future__ import annotations


class InputError(Exception):
    """A problem in an input file or scenario key, told in one line.

    ``where`` names the file and, when known, the row and column or TOML key,
    e.g. ``data/agents.csv row 4, column timezone``.
    """

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}" if where else problem)
