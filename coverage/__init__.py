"""coverage: follow-the-sun shift coverage planning for 24/7 support teams."""

from coverage.errors import InputError
from coverage.inputs import load_scenario
from coverage.models import (
    Agent,
    AvailabilityWindow,
    Forecast,
    ForecastRow,
    Rules,
    Scenario,
    Staffing,
)
from coverage.solver import Progress, Result, Status, solve
from coverage.validate import validate_roster

__all__ = [
    "Agent",
    "AvailabilityWindow",
    "Forecast",
    "ForecastRow",
    "InputError",
    "Progress",
    "Result",
    "Rules",
    "Scenario",
    "Staffing",
    "Status",
    "load_scenario",
    "solve",
    "validate_roster",
]
__version__ = "0.1.0"
