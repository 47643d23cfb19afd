"""The OR-Tools CP-SAT roster solver."""

from coverage.solver.contracts import check_scenario
from coverage.solver.memory import InsufficientMemory
from coverage.solver.problem import Problem
from coverage.solver.result import Progress, Result, StageOutcome, Status, TermGap
from coverage.solver.solve import solve, solve_problem, solver_settings

__all__ = [
    "InsufficientMemory",
    "Problem",
    "Progress",
    "Result",
    "StageOutcome",
    "Status",
    "TermGap",
    "check_scenario",
    "solve",
    "solve_problem",
    "solver_settings",
]
