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
from coverage.inputs import load_scenario
from coverage.models import (
    Agent,
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
from coverage.roster import Roster
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
    "Agent",
    "AvailabilityWindow",
    "Coverage",
    "ExportSettings",
    "Forecast",
    "ForecastRow",
    "HireReport",
    "HireRequest",
    "InputError",
    "InsufficientMemory",
    "Plan",
    "Progress",
    "Queue",
    "Result",
    "Roster",
    "RosterBroken",
    "Rules",
    "Scenario",
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
    "solve",
    "validate_roster",
]
