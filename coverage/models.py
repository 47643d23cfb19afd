"""Plain, validated, immutable domain models: rules, agents, forecast, scenario.

Nothing here reads files or knows about the solver. Times of day are stored
as minutes after local midnight (``"07:30"`` -> 450; ``"24:00"`` -> 1440).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Protocol, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from coverage.timegrid import WEEK, WEEK_MINUTES, iso_utc, week_start_utc

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
__all__ = ["WEEK_MINUTES"]  # re-exported for the modules that size the week
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_WEEKDAY_NAMES = {
    **{d.lower(): i for i, d in enumerate(WEEKDAYS)},
    **{
        n: i
        for i, n in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def named(items: Iterable[N], name: str) -> N:
    """The item called ``name`` (a queue, its requirements, its coverage); KeyError if none."""
    for item in items:
        if item.name == name:
            return item
    raise KeyError(name)


def parse_clock(value: Any) -> Any:
    """``"HH:MM"`` (00:00 to 24:00) to minutes after midnight; ints pass through."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a time like 07:30, got {value!r}")
    if isinstance(value, int):
        return value
    match = _CLOCK.match(value)
    if not match:
        raise ValueError(f"expected a time like 07:30, got {value!r}")
    hours, minutes = int(match[1]), int(match[2])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{value!r} is not a time of day (00:00 to 24:00)")
    return hours * 60 + minutes


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_weekday(value: Any) -> Any:
    """``Mon``/``monday``/``MON`` (or 0..6) to 0..6."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES[value.strip().lower()]
    raise ValueError(f"expected a day Mon..Sun, got {value!r}")


def check_zone(name: str) -> str:
    """An IANA zone name that zoneinfo knows (never a fixed offset like ``+02:00``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name like Europe/Dublin)"
        ) from None
    return name


def parse_hours_list(value: Any) -> Any:
    """``8``, ``"8"``, ``"6;8"``, ``"6 8"`` or ``[6, 8]`` to a list of hours."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    if isinstance(value, str):
        parts = [p for p in re.split(r"[;| ]+", value.strip()) if p]
        if not parts:
            raise ValueError("expected shift lengths in hours like 8 or 6;8")
        try:
            return [float(p) for p in parts]
        except ValueError:
            raise ValueError(
                f"expected shift lengths in hours like 8 or 6;8, got {value!r}"
            ) from None
    return value


def parse_skills(value: Any) -> Any:
    """``"german;english"`` (or a list) to queue names; an empty text is every queue."""
    if isinstance(value, str):
        value = [part for part in (p.strip() for p in value.split(";")) if part]
    if isinstance(value, list | tuple):
        return tuple(dict.fromkeys(str(v).strip() for v in value))
    return value


ClockMinutes = Annotated[int, BeforeValidator(parse_clock), Field(ge=0, le=24 * 60)]
Weekday = Annotated[int, BeforeValidator(parse_weekday), Field(ge=0, le=6)]
ZoneName = Annotated[str, AfterValidator(check_zone)]


class Frozen(BaseModel):
    """An immutable model; changed copies go through ``replace``, which validates."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed, validated like a new model.

        Fields left at their default stay unset in the copy, so a team default
        (an agent's rules) still applies to it.
        """
        data = {name: getattr(self, name) for name in self.model_fields_set}
        return self.model_validate({**data, **changes})

    def inheriting(self, **defaults: Any) -> Self:
        """A copy with fields set to a default it inherits: they stay unset, so a later
        change of the default (``scenario.replace(rules=...)``) reaches the copy too."""
        copy = self.replace(**defaults)
        copy.__pydantic_fields_set__.difference_update(defaults)
        return copy

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Pydantic's copy, except that changes are validated (see ``replace``)."""
        if update:
            return self.replace(**update)
        return super().model_copy(deep=deep)


class Rules(Frozen):
    """A contract and the labour rules that bound one agent's week."""

    weekly_hours: float = Field(40, gt=0, le=7 * 24)
    days_per_week: int = Field(5, ge=1, le=7)
    shift_hours: Annotated[tuple[float, ...], BeforeValidator(parse_hours_list)] = (8.0,)
    start_step_minutes: Literal[15, 30, 60] = 30
    earliest_start: ClockMinutes = 7 * 60
    latest_end: ClockMinutes = 22 * 60
    min_rest_hours: float = Field(11, ge=0, le=24)
    max_consecutive_days: int = Field(5, ge=1, le=7)
    # The shortest block an agent serves one queue in, unless the block is the
    # whole shift: switching queues every few minutes helps nobody.
    min_activity_minutes: int = Field(30, ge=0, le=24 * 60)

    @field_validator("shift_hours")
    @classmethod
    def _lengths_are_quarter_hours(cls, lengths: tuple[float, ...]) -> tuple[float, ...]:
        if not lengths:
            raise ValueError("needs at least one shift length")
        for hours in lengths:
            if not 0 < hours <= 24 or not math.isclose(hours * 4, round(hours * 4)):
                raise ValueError(f"shift length {hours:g} h must be a multiple of 0.25 h, up to 24")
        return tuple(sorted(set(lengths)))

    @field_validator("weekly_hours")
    @classmethod
    def _weekly_whole_minutes(cls, hours: float) -> float:
        if not math.isclose(hours * 60, round(hours * 60)):
            raise ValueError(f"{hours:g} hours is not a whole number of minutes")
        return hours

    @model_validator(mode="after")
    def _window_fits_a_shift(self) -> Rules:
        if self.earliest_start >= self.latest_end:
            raise ValueError(
                f"earliest_start {format_clock(self.earliest_start)} must be before "
                f"latest_end {format_clock(self.latest_end)}"
            )
        window = self.latest_end - self.earliest_start
        if min(self.shift_minutes) > window:
            raise ValueError(
                f"no shift length in {list(self.shift_hours)} h fits between "
                f"{format_clock(self.earliest_start)} and {format_clock(self.latest_end)}"
            )
        return self

    @property
    def shift_minutes(self) -> tuple[int, ...]:
        return tuple(round(h * 60) for h in self.shift_hours)

    @property
    def weekly_minutes(self) -> int:
        return round(self.weekly_hours * 60)

    @property
    def min_rest_minutes(self) -> int:
        return round(self.min_rest_hours * 60)


RULE_FIELDS = tuple(Rules.model_fields)


class AvailabilityWindow(Frozen):
    """On local weekday ``day`` the agent may work from ``start`` to ``end``."""

    day: Weekday
    start: ClockMinutes
    end: ClockMinutes

    @model_validator(mode="after")
    def _end_after_start(self) -> AvailabilityWindow:
        if self.end <= self.start:
            raise ValueError(
                f"end {format_clock(self.end)} must be after start {format_clock(self.start)}"
            )
        return self


class Absence(Frozen):
    """A span in which the agent cannot work (out sick, say), as UTC instants.

    Unlike time off it leaves the contract as it is: re-planning turns the
    published shifts it removes into time off (see ``coverage.replan``).
    """

    start_utc: datetime
    end_utc: datetime

    @model_validator(mode="after")
    def _in_utc_and_ordered(self) -> Absence:
        if self.start_utc.utcoffset() is None or self.end_utc.utcoffset() is None:
            raise ValueError("absence times need a UTC offset")
        if self.end_utc <= self.start_utc:
            raise ValueError(
                f"absence ends {iso_utc(self.end_utc)}, not after it starts "
                f"{iso_utc(self.start_utc)}"
            )
        return self

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return start < self.end_utc and self.start_utc < end


class AgentAbsence(Frozen):
    """Agent ``agent_id`` cannot work in ``absence`` (a re-plan's input)."""

    agent_id: str = Field(min_length=1)
    absence: Absence


class Contract(Frozen):
    """What one agent must work in the planned week, after time off."""

    minutes: int = Field(ge=0)
    max_days: int = Field(ge=0, le=7)
    days_off: int = Field(ge=0, le=7)


class Agent(Frozen):
    """A named agent with a home zone, their rules, availability and time off."""

    id: str = Field(min_length=1)
    name: str
    timezone: ZoneName
    rules: Rules = Rules()
    availability: tuple[AvailabilityWindow, ...] = ()
    time_off: frozenset[date] = frozenset()
    absences: tuple[Absence, ...] = ()
    # Queues the agent can serve; empty: every queue of the scenario.
    skills: Annotated[tuple[str, ...], BeforeValidator(parse_skills)] = ()
    source: str = Field("", description="where the agent was read from, for messages")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_own_rules(self) -> bool:
        return "rules" in self.model_fields_set

    def with_team_rules(self, team: Rules) -> Agent:
        """The agent under the team's rules, unless they have rules of their own."""
        if self.has_own_rules or self.rules == team:
            return self
        return self.inheriting(rules=team)

    def label(self) -> str:
        return f"{self.source} (agent {self.id!r})" if self.source else f"agent {self.id!r}"

    def absent(self, start: datetime, end: datetime) -> bool:
        """Whether a shift from ``start`` to ``end`` overlaps one of the agent's absences."""
        return any(absence.overlaps(start, end) for absence in self.absences)

    def work_windows(self, weekday: int) -> list[tuple[int, int]]:
        """Local windows (minutes of day) in which a shift may lie on that weekday.

        The rules' earliest start and latest end intersected with availability,
        if the agent has any; overlapping or touching windows are merged.
        """
        lo, hi = self.rules.earliest_start, self.rules.latest_end
        if not self.availability:
            return [(lo, hi)]
        spans = sorted(
            (max(w.start, lo), min(w.end, hi))
            for w in self.availability
            if w.day == weekday and min(w.end, hi) > max(w.start, lo)
        )
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def contract(self, week_dates: tuple[date, ...]) -> Contract:
        """Weekly minutes and days for this week: each day off takes
        ``weekly_hours / days_per_week`` hours and one working day away."""
        rules = self.rules
        off = sum(1 for d in week_dates if d in self.time_off)
        per_day = rules.weekly_minutes / rules.days_per_week
        minutes = max(0, round(rules.weekly_minutes - off * per_day))
        return Contract(minutes=minutes, max_days=max(0, rules.days_per_week - off), days_off=off)


class Staffing(Frozen):
    """How contacts become required agents (Erlang C), and the floor."""

    aht_seconds: float = Field(300, gt=0, le=86_400)
    service_level: float = Field(0.8, gt=0, lt=1)
    answer_seconds: float = Field(60, ge=0)
    max_occupancy: float = Field(0.85, gt=0, le=1)
    shrinkage: float = Field(0.3, ge=0, lt=1)
    min_agents: int = Field(1, ge=0, le=10_000)


_SPAN = re.compile(
    r"^\s*(?P<days>[A-Za-z, -]+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)
HOURS_EXAMPLE = '"Mon-Fri 08:00-18:00"'


def _parse_days(text: str) -> tuple[int, ...]:
    """``Mon-Fri``, ``Sat``, ``Mon,Wed,Fri``, ``Fri-Mon`` (wraps), ``daily``, ``weekdays``
    or ``weekends`` to weekdays."""
    named = {"daily": range(7), "every day": range(7), "weekdays": range(5), "weekends": (5, 6)}
    if text.strip().lower() in named:
        return tuple(named[text.strip().lower()])
    days: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        first, _, last = part.partition("-")
        lo, hi = parse_weekday(first), parse_weekday(last) if last else parse_weekday(first)
        days.extend((lo + k) % 7 for k in range((hi - lo) % 7 + 1))
    return tuple(sorted(set(days)))


class OpeningSpan(Frozen):
    """On each of ``days`` (weekdays 0..6) open from ``start`` to ``end``, local time;
    an ``end`` at or before ``start`` runs past midnight into the next day."""

    days: tuple[Weekday, ...] = Field(min_length=1)
    start: ClockMinutes
    end: ClockMinutes

    @model_validator(mode="after")
    def _not_empty(self) -> OpeningSpan:
        for minute in (self.start, self.end):
            if minute % 15:
                raise ValueError(
                    f"{format_clock(minute)} is not on the quarter hour; opening hours start "
                    "and end at :00, :15, :30 or :45"
                )
        if self.start == self.end:
            raise ValueError(
                f"opens and closes at {format_clock(self.start)}; use 00:00-24:00 for all day"
            )
        return self

    @property
    def minutes(self) -> int:
        """How long it is open each day, on the wall clock."""
        return (self.end - self.start) % (24 * 60) or 24 * 60

    def __str__(self) -> str:
        return f"{day_ranges(self.days)} {format_clock(self.start)}-{format_clock(self.end)}"


def day_ranges(days: Sequence[int]) -> str:
    """Weekdays as ranges, e.g. ``Mon-Fri``, ``Mon,Wed`` or ``Sun-Thu`` (a run across
    the week's end stays one range)."""
    chosen = sorted(set(days))
    if 0 < len(chosen) < 7 and 0 in chosen and 6 in chosen:
        first = next(d for d in chosen if (d - 1) % 7 not in chosen)
        chosen = chosen[chosen.index(first) :] + chosen[: chosen.index(first)]
    runs: list[list[int]] = []
    for day in chosen:
        if runs and day == (runs[-1][-1] + 1) % 7:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs
    )


def parse_opening_hours(value: Any) -> Any:
    """``"24/7"``, ``"Mon-Fri 08:00-18:00"`` or a list of such spans to ``OpeningSpan`` data."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValueError(
            f'expected opening hours like {HOURS_EXAMPLE} or "24/7" (or a list of them), '
            f"got {value!r}"
        )
    spans: list[Any] = []
    for item in value:
        if isinstance(item, OpeningSpan | dict):
            spans.append(item)
            continue
        if not isinstance(item, str):
            raise ValueError(f"expected opening hours like {HOURS_EXAMPLE}, got {item!r}")
        if item.strip().lower() in ("24/7", "24x7", "always"):
            spans.append(OpeningSpan(days=tuple(range(7)), start=0, end=24 * 60))
            continue
        match = _SPAN.match(item.replace("–", "-").replace("—", "-"))
        if not match:
            raise ValueError(f"{item!r} is not opening hours like {HOURS_EXAMPLE}")
        try:
            days = _parse_days(match["days"])
            spans.append(
                OpeningSpan(
                    days=days, start=parse_clock(match["start"]), end=parse_clock(match["end"])
                )
            )
        except ValidationError as error:
            message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
            raise ValueError(f"{item!r}: {message}") from None
        except ValueError as error:
            raise ValueError(f"{item!r}: {error}") from None
    if not spans:
        raise ValueError(f'needs at least one span like {HOURS_EXAMPLE}, or "24/7"')
    return tuple(spans)


OpeningHours = Annotated[tuple[OpeningSpan, ...], BeforeValidator(parse_opening_hours)]
ALWAYS_OPEN = (OpeningSpan(days=tuple(range(7)), start=0, end=24 * 60),)
QUEUE_NAME = re.compile(r"^[^\W_][\w.-]*$")


class ForecastRow(Frozen):
    """One forecast row: from ``start`` until the next row's start."""

    start: datetime
    contacts: float | None = Field(None, ge=0, le=1_000_000)
    aht_seconds: float | None = Field(None, gt=0, le=86_400)
    required: float | None = Field(None, ge=0, le=100_000)

    @field_validator("start")
    @classmethod
    def _has_offset(cls, start: datetime) -> datetime:
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError(f"{start.isoformat()} has no UTC offset (add Z or +hh:mm)")
        return start


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one forecast row: its index, the column, and the message."""

    index: int
    column: str
    message: str


def forecast_row_problem(
    kind: str, step_minutes: int, rows: tuple[ForecastRow, ...], label: Callable[[int], str]
) -> RowProblem | None:
    """The first row that breaks the forecast's invariants, or None.

    Rows hold one kind of value (``contacts``, with optional ``aht_seconds``, or
    ``required``) and start ``step_minutes`` apart in time order. ``label``
    names a row by its index in messages (``row 12`` of a file, ``rows[11]``).
    """
    other = "required" if kind == "contacts" else "contacts"
    step = timedelta(minutes=step_minutes)
    for i, row in enumerate(rows):
        if getattr(row, kind) is None:
            return RowProblem(i, kind, "is empty")
        for column in (other, *(("aht_seconds",) if kind == "required" else ())):
            if getattr(row, column) is not None:
                return RowProblem(i, column, f"must be empty in a forecast of {kind}")
        if i == 0:
            continue
        gap = row.start - rows[i - 1].start
        if gap <= timedelta(0):
            return RowProblem(
                i,
                "start",
                f"{iso_utc(row.start)} is not after {label(i - 1)}; rows must be in time order",
            )
        if gap != step:
            what = "leaves a gap after" if gap > step else "is too soon after"
            return RowProblem(
                i,
                "start",
                f"{iso_utc(row.start)} {what} {label(i - 1)} "
                f"(rows are {step_minutes} minutes apart)",
            )
    return None


class Forecast(Frozen):
    """Contacts (with optional handle time) or required agents, per time step.

    Rows are in time order, ``step_minutes`` apart, and all of ``kind``; a row
    lasts until the next one starts.
    """

    kind: Literal["contacts", "required"]
    step_minutes: int = Field(gt=0, le=WEEK_MINUTES)
    rows: tuple[ForecastRow, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _rows_are_regular(self) -> Forecast:
        problem = forecast_row_problem(
            self.kind, self.step_minutes, self.rows, lambda i: f"rows[{i}]"
        )
        if problem is not None:
            raise ValueError(f"rows[{problem.index}].{problem.column} {problem.message}")
        return self

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.step_minutes)

    @property
    def end(self) -> datetime:
        return self.rows[-1].start + self.step

    def coverage_problem(self, start_utc: datetime) -> str | None:
        """Why the forecast does not cover the week starting at ``start_utc``, or None."""
        first, end = self.rows[0].start, self.end
        if first > start_utc or end < start_utc + WEEK:
            return (
                f"covers {iso_utc(first)} to {iso_utc(end)} but the week runs "
                f"{iso_utc(start_utc)} to {iso_utc(start_utc + WEEK)}"
            )
        return None


Channel = Literal["voice", "chat", "email"]
# Keys that only some channels take, and which.
CHANNEL_KEYS: dict[str, tuple[str, ...]] = {
    "patience_seconds": ("voice",),
    "max_abandon": ("voice",),
    "concurrency": ("chat",),
    "answer_within_hours": ("email",),
    "window_service_level": ("email",),
}


def misplaced_channel_key(channel: str, keys: Iterable[str]) -> tuple[str, str] | None:
    """The first of ``keys`` that a queue on ``channel`` does not take, and why."""
    for key in keys:
        allowed = CHANNEL_KEYS.get(key)
        if allowed and channel not in allowed:
            shown = "service_level" if key == "window_service_level" else key
            return key, f"{shown} applies to {' and '.join(allowed)} queues, not to {channel}"
    return None


class Queue(Frozen):
    """A queue (a language, a product line) with its own volume, opening hours and priority.

    ``hours`` are in ``hours_timezone`` (default: the scenario's zone) and follow
    its clock changes; outside them the queue requires nobody. ``staffing``
    sizes its requirement and sets its floor (``min_agents``) inside its hours;
    a queue without staffing of its own takes the scenario's ``[staffing]``.
    ``priority`` weighs its uncovered time and shortfall against other queues'.
    """

    name: str = Field(min_length=1, max_length=64)
    forecast: Forecast
    hours: OpeningHours = ALWAYS_OPEN
    hours_timezone: ZoneName | None = None
    priority: int = Field(1, ge=1, le=1000)
    staffing: Staffing = Staffing()
    channel: Channel = "voice"
    # voice: callers' mean patience (Erlang A) and the most that may hang up
    patience_seconds: float | None = Field(None, gt=0, le=86_400)
    max_abandon: float | None = Field(None, gt=0, lt=1)
    # chat: conversations one agent holds at once
    concurrency: int | None = Field(None, ge=1, le=50, strict=True)
    # email: the promised answer time and the share to answer within it
    answer_within_hours: float | None = Field(
        None, gt=0, le=WEEK_MINUTES / 60, validate_default=True
    )
    window_service_level: float = Field(1.0, gt=0, le=1)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        if not QUEUE_NAME.match(name):
            raise ValueError(
                f"queue name {name!r} must be letters, digits, '_', '-' or '.', "
                "starting with a letter or digit"
            )
        return name

    @field_validator("channel")
    @classmethod
    def _channel_forecast(cls, channel: str, info: ValidationInfo) -> str:
        forecast = info.data.get("forecast")
        if channel != "voice" and forecast is not None and forecast.kind != "contacts":
            article = "an" if channel == "email" else "a"
            raise ValueError(
                f"{article} {channel} queue needs a forecast of contacts (a contacts column"
                " in its forecast file), not of required agents"
            )
        return channel

    @field_validator(*CHANNEL_KEYS)
    @classmethod
    def _on_its_channel(cls, value: Any, info: ValidationInfo) -> Any:
        channel = info.data.get("channel", "voice")
        assert info.field_name is not None
        if info.field_name == "answer_within_hours" and channel == "email":
            if value is None:
                raise ValueError(
                    "an email queue needs answer_within_hours, the promised answer time in hours"
                )
            if round(value * 60, 6) % 15:
                raise ValueError("must be whole quarter hours (0.25, 0.5, 4, 24...)")
        default = cls.model_fields[info.field_name].default
        if value != default:
            misplaced = misplaced_channel_key(channel, (info.field_name,))
            if misplaced:
                raise ValueError(misplaced[1])
        return value

    @property
    def always_open(self) -> bool:
        return any(span.minutes == 24 * 60 and len(span.days) == 7 for span in self.hours)

    @property
    def window_minutes(self) -> int:
        """An email queue's answer window, in minutes (0 for other channels)."""
        return round((self.answer_within_hours or 0) * 60)

    @property
    def has_own_staffing(self) -> bool:
        return "staffing" in self.model_fields_set

    def with_team_staffing(self, team: Staffing) -> Queue:
        """The queue under the team's staffing, unless it has staffing of its own; an
        email queue needs nobody on at any given time, so its floor is 0."""
        if self.channel == "email":
            team = team.replace(min_agents=0)
        if self.has_own_staffing or self.staffing == team:
            return self
        return self.inheriting(staffing=team)

    def hours_text(self) -> str:
        return "24/7" if self.always_open else ", ".join(str(span) for span in self.hours)


DEFAULT_QUEUE = "default"
EXPORT_FIELDS = (
    "team", "agent", "agent_id", "timezone", "date", "start", "end", "hours", "activities",
)  # fmt: skip


def _check_template(template: str) -> str:
    """A text with ``{team}``-style fields, only the ones exports know."""
    try:
        template.format(**{name: "" for name in EXPORT_FIELDS})
    except KeyError as error:
        known = ", ".join("{" + name + "}" for name in EXPORT_FIELDS)
        raise ValueError(f"unknown field {{{error.args[0]}}}; use {known}") from None
    except (ValueError, IndexError) as error:
        raise ValueError(f"is not a valid template: {error}") from None
    return template


Template = Annotated[str, AfterValidator(_check_template)]


class ExportSettings(Frozen):
    """How shifts read in calendars; fields like ``{agent}`` are filled per shift."""

    subject: Template = "Support shift — {team}"
    description: Template = "{agent}: {start}-{end} ({timezone}), {hours} h. Planned with coverage."
    location: Template = ""


class SolverSettings(Frozen):
    time_limit_seconds: float = Field(60, gt=0)
    workers: int = Field(2, ge=1, le=64)
    seed: int = Field(0, ge=0)
    deterministic: bool = False  # count the time limit in CP-SAT work units, not seconds
    # "agents": fewest agent-hours short of the requirement; "service": fewest
    # contacts answered late (both after the floors)
    objective: Literal["agents", "service"] = "agents"


class Scenario(Frozen):
    """Everything one weekly plan needs, validated and cross-checked."""

    name: str
    week_start: date
    timezone: ZoneName = "UTC"
    interval_minutes: Literal[15, 30, 60] = 60
    # The team's default rules, declared before ``agents`` so that they reach
    # every agent without rules of their own.
    rules: Rules = Rules()
    agents: tuple[Agent, ...] = Field(min_length=1)
    # Without ``queues``, one queue named "default" from ``forecast`` and ``staffing``.
    forecast: Forecast | None = None
    staffing: Staffing = Staffing()
    queues: tuple[Queue, ...] = Field((), validate_default=True)
    solver: SolverSettings = SolverSettings()
    export: ExportSettings = ExportSettings()

    @field_validator("week_start", mode="before")
    @classmethod
    def _is_a_date(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            raise ValueError(
                f"expected a date like 2026-03-23, not the date-time {value.isoformat()}"
            )
        return value

    @field_validator("week_start")
    @classmethod
    def _is_monday(cls, day: date) -> date:
        if day.weekday() != 0:
            raise ValueError(f"{day.isoformat()} is a {WEEKDAYS[day.weekday()]}, not a Monday")
        return day

    @field_validator("agents")
    @classmethod
    def _team_rules_reach_agents(
        cls, agents: tuple[Agent, ...], info: ValidationInfo
    ) -> tuple[Agent, ...]:
        team = info.data.get("rules")
        if team is None:  # the team rules failed validation: that error is reported
            return agents
        return tuple(agent.with_team_rules(team) for agent in agents)

    @field_validator("queues")
    @classmethod
    def _queues_or_default(
        cls, queues: tuple[Queue, ...], info: ValidationInfo
    ) -> tuple[Queue, ...]:
        staffing = info.data.get("staffing")
        if staffing is None or "forecast" not in info.data:
            return queues  # an earlier field failed validation: that error is reported
        forecast = info.data["forecast"]
        if not queues:
            if forecast is None:
                raise ValueError(
                    "a scenario needs a forecast, or queues with forecasts of their own"
                )
            return (Queue(name=DEFAULT_QUEUE, forecast=forecast, staffing=staffing),)
        if forecast is not None:
            raise ValueError("give either a forecast or queues with their own forecasts, not both")
        seen: set[str] = set()
        for queue in queues:
            if queue.name in seen:
                raise ValueError(f"duplicate queue name {queue.name!r}")
            seen.add(queue.name)
        return tuple(queue.with_team_staffing(staffing) for queue in queues)

    @model_validator(mode="after")
    def _skills_name_queues(self) -> Scenario:
        names = set(self.queue_names)
        for agent in self.agents:
            for skill in agent.skills:
                if skill not in names:
                    raise ValueError(
                        f"agent {agent.id!r}: unknown queue {skill!r} in skills; "
                        f"the queues are {', '.join(self.queue_names)}"
                    )
        return self

    @model_validator(mode="after")
    def _unique_agents(self) -> Scenario:
        seen: set[str] = set()
        for agent in self.agents:
            if agent.id in seen:
                raise ValueError(f"duplicate agent id {agent.id!r}")
            seen.add(agent.id)
        return self

    @model_validator(mode="after")
    def _forecast_covers_the_week(self) -> Scenario:
        for queue in self.queues:
            problem = queue.forecast.coverage_problem(self.week_start_utc)
            if problem is not None:
                where = (
                    ""
                    if queue.name == DEFAULT_QUEUE and not self.declares_queues
                    else (f" of queue {queue.name!r}")
                )
                raise ValueError(f"the forecast{where} {problem}")
        return self

    @property
    def declares_queues(self) -> bool:
        """Whether the queues were given (else the one "default" queue stands for the team)."""
        return "queues" in self.model_fields_set

    @property
    def queue_names(self) -> tuple[str, ...]:
        return tuple(queue.name for queue in self.queues)

    def skills_of(self, agent: Agent) -> tuple[str, ...]:
        """The queues the agent serves, in scenario order (every queue without skills)."""
        if not agent.skills:
            return self.queue_names
        return tuple(name for name in self.queue_names if name in agent.skills)

    def queue(self, name: str) -> Queue:
        return named(self.queues, name)

    @property
    def week_start_utc(self) -> datetime:
        return week_start_utc(self.week_start, self.timezone)

    @property
    def week_dates(self) -> tuple[date, ...]:
        """The local dates Monday..Sunday on which every agent's shifts are chosen."""
        return tuple(self.week_start + timedelta(days=i) for i in range(7))

    def agent(self, agent_id: str) -> Agent:
        for agent in self.agents:
            if agent.id == agent_id:
                return agent
        raise KeyError(agent_id)

    def with_absences(
        self, absences: Iterable[AgentAbsence], time_off: Iterable[tuple[str, date]] = ()
    ) -> Scenario:
        """The team with each absence on its agent and the given dates as their time off
        (a re-plan's: the dates whose published shifts the absence removed)."""
        absences, time_off = list(absences), list(time_off)
        if not absences and not time_off:
            return self
        agents = []
        for agent in self.agents:
            own = tuple(a.absence for a in absences if a.agent_id == agent.id)
            days = frozenset(day for agent_id, day in time_off if agent_id == agent.id)
            if own or days:
                agent = agent.replace(
                    absences=(*agent.absences, *own), time_off=agent.time_off | days
                )
            agents.append(agent)
        return self.replace(agents=tuple(agents))
