"""coverage: follow-the-sun shift coverage planning for 24/7 support teams.

Build or load a ``Scenario``, call ``solve`` (or ``make_plan`` for the report
tables too), and read the ``Result``: its ``roster`` gives shifts per agent, a
data frame, and a validation recomputed from the shifts alone.
"""

__version__ = "0.1.0"

from pydantic import ValidationError

from coverage.builders import (
    agents_from_frame,
    agents_from_records,
    constant_forecast,
    hourly_forecast,
)
from coverage.errors import InputError, RosterBroken
from coverage.hire import HireReport, HireRequest, advise_hires
from coverage.inputs import GivenRoster, load_scenario, parse_absence, read_given_roster
from coverage.models import (
    Absence,
    Agent,
    AgentAbsence,
    AvailabilityWindow,
    ExportSettings,
    Forecast,
    ForecastRow,
    Queue,
    Rules,
    Scenario,
    SolverSettings,
    Staffing,
)
from coverage.plan import Plan, make_plan
from coverage.replan import Change, Replan, ReplanRequest, replan_roster
from coverage.roster import Roster
from coverage.score import Score, score_roster
from coverage.solver import (
    InsufficientMemory,
    Progress,
    Result,
    Status,
    TermGap,
    check_scenario,
    solve,
)
from coverage.validate import Coverage, Validation, Violation, validate_roster

__all__ = [
    "Absence",
    "Agent",
    "AgentAbsence",
    "AvailabilityWindow",
    "Change",
    "Coverage",
    "ExportSettings",
    "Forecast",
    "ForecastRow",
    "GivenRoster",
    "HireReport",
    "HireRequest",
    "InputError",
    "InsufficientMemory",
    "Plan",
    "Progress",
    "Queue",
    "Replan",
    "ReplanRequest",
    "Result",
    "Roster",
    "RosterBroken",
    "Rules",
    "Scenario",
    "Score",
    "SolverSettings",
    "Staffing",
    "Status",
    "TermGap",
    "Validation",
    "ValidationError",
    "Violation",
    "__version__",
    "advise_hires",
    "agents_from_frame",
    "agents_from_records",
    "check_scenario",
    "constant_forecast",
    "hourly_forecast",
    "load_scenario",
    "make_plan",
    "parse_absence",
    "read_given_roster",
    "replan_roster",
    "score_roster",
    "solve",
    "validate_roster",
]
