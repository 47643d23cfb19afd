"""The OR-Tools CP-SAT roster solver."""

from coverage.solver.problem import Problem
from coverage.solver.result import Progress, Result, StageOutcome, Status
from coverage.solver.solve import InsufficientMemory, solve

__all__ = ["InsufficientMemory", "Problem", "Progress", "Result", "StageOutcome", "Status", "solve"]
