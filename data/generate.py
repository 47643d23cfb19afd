#!/usr/bin/env python3
"""Generate the sample datasets under data/ (deterministic: same files every run).

Run from the repository root:

    python data/generate.py

It rewrites every CSV under data/global, data/small-team, data/contact-center,
data/multilingual and data/channels (one forecast per queue of
scenarios/multilingual.toml and scenarios/channels.toml, which it checks against
the queues it generates).
Only the standard library is needed; when the ``coverage`` package is importable
its Erlang C and Erlang A functions (and chat's conversation slots) are used to
calibrate the volumes (a copy of the same formulas is used otherwise, so the
output is the same either way).

Each forecast is a smooth intraday/weekly shape built from the customers' local
business hours, times fixed-seed noise, scaled so that the required agent-hours
of the planned week (per reporting interval, on the queue's channel, as
``coverage`` computes them) hit a target share of the team's contracted hours.
Email has no per-interval requirement: its volume is scaled to a target number
of agent-hours of work (emails x handle time, after shrinkage). The script also
checks that every agent's contract can be worked and that the team can reach
every hour of the week (and every open hour of each queue, and every email's
answer window, with agents who have the skill), and prints a short summary.
"""

from __future__ import annotations

import csv
import math
import random
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DATA = Path(__file__).resolve().parent
ROOT = DATA.parent
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEK_MINUTES = 7 * 24 * 60

# --- Erlang C: the package's own functions, or the same formulas ---------------------

sys.path.insert(0, str(ROOT))
try:
    from coverage.models import Staffing as _Staffing
    from coverage.staffing import (
        ServiceModel,
        agents_on_phone,
        scheduled_agents,
        traffic_erlangs,
    )

    def staffing(**values: float) -> object:
        return _Staffing(**values)

    def agents_needed(
        traffic: float,
        aht_seconds: float,
        staffing: object,
        concurrency: int = 1,
        patience_seconds: float | None = None,
        max_abandon: float | None = None,
    ) -> int:
        """Fewest agents on the queue meeting its targets: Erlang A with a patience,
        Erlang C on ``agents x concurrency`` conversation slots otherwise."""
        model = ServiceModel(staffing, concurrency, patience_seconds, max_abandon)  # type: ignore[arg-type]
        return model.agents_needed(traffic, aht_seconds)

except ImportError:  # pragma: no cover - plain python3 without the package's deps

    @dataclass(frozen=True)
    class _Plain:
        aht_seconds: float = 300
        service_level: float = 0.8
        answer_seconds: float = 60
        max_occupancy: float = 0.85
        shrinkage: float = 0.3
        min_agents: int = 1

    def staffing(**values: float) -> object:
        return _Plain(**values)  # type: ignore[arg-type]

    def _erlang_c(agents: int, traffic: float) -> float:
        if traffic <= 0:
            return 0.0
        if agents <= traffic:
            return 1.0
        blocking = 1.0
        for n in range(1, agents + 1):
            blocking = traffic * blocking / (n + traffic * blocking)
        return agents * blocking / (agents - traffic * (1 - blocking))

    def _service_level(agents: int, traffic: float, aht: float, answer: float) -> float:
        if traffic <= 0:
            return 1.0
        if agents <= traffic:
            return 0.0
        waiting = _erlang_c(agents, traffic)
        return max(0.0, 1.0 - waiting * math.exp(-(agents - traffic) * answer / aht))

    def traffic_erlangs(contacts: float, aht_seconds: float, interval_seconds: float) -> float:
        return contacts * aht_seconds / interval_seconds

    def agents_on_phone(traffic: float, aht_seconds: float, staffing: object) -> int:
        if traffic <= 0:
            return 0
        occ = staffing.max_occupancy  # type: ignore[attr-defined]
        agents = max(1, math.floor(traffic) + 1, math.ceil(traffic / occ - 1e-9))
        while (
            _service_level(agents, traffic, aht_seconds, staffing.answer_seconds)  # type: ignore[attr-defined]
            < staffing.service_level  # type: ignore[attr-defined]
        ):
            agents += 1
        return agents

    def scheduled_agents(on_phone: float, staffing: object) -> int:
        floor = staffing.min_agents  # type: ignore[attr-defined]
        return max(floor, math.ceil(on_phone / (1 - staffing.shrinkage) - 1e-9))  # type: ignore[attr-defined]

    def _erlang_a(
        agents: int, traffic: float, aht: float, patience: float, answer: float
    ) -> tuple[float, float, float]:
        """(answered in time, abandoned, occupancy): ``coverage.staffing.erlang_a`` in lists."""
        if traffic <= 0:
            return 1.0, 0.0, 0.0
        if agents <= 0:
            return 0.0, 1.0, 0.0
        c, theta = agents, aht / patience
        t = answer / aht
        hump = max(0.0, (traffic - c) / theta)
        if traffic < c:
            tail = 40.0 / math.log(c / traffic)
            depth = min(tail, hump + 10.0 * math.sqrt((traffic + 1) / theta) + 50)
        else:
            depth = hump + 10.0 * math.sqrt((traffic + 1) / theta) + 50
        k = range(int(min(depth, 200_000)) + 1)

        def cumsum(values: list[float]) -> list[float]:
            out, running = [], 0.0
            for v in values:
                running += v
                out.append(running)
            return out

        log_idle = [0.0, *cumsum([math.log(traffic / n) for n in range(1, c + 1)])]
        log_wait = [log_idle[-1] + v for v in [0.0, *cumsum(
            [math.log(traffic / (c + j * theta)) for j in k[1:]]
        )]]  # fmt: skip
        top = max(max(log_idle), max(log_wait))
        idle = [math.exp(v - top) for v in log_idle[:-1]]
        wait = [math.exp(v - top) for v in log_wait]
        total = sum(idle) + sum(wait)
        idle, wait = [v / total for v in idle], [v / total for v in wait]
        served = [c / (c + (j + 1) * theta) for j in k]
        x, beta = math.exp(-theta * t), c / theta + 1
        if x < 1:
            steps = [math.log((beta + j - 1) / j) + math.log1p(-x) for j in k[1:]]
            log_terms = [beta * math.log(x) + v for v in [0.0, *cumsum(steps)]]
            still = [min(1.0, v) for v in cumsum([math.exp(v) for v in log_terms])]
        else:
            still = [1.0] * len(k)
        answered = sum(idle) + sum(
            w * s * (1 - r) for w, s, r in zip(wait, served, still, strict=True)
        )
        abandoned = sum(w * (1 - s) for w, s in zip(wait, served, strict=True))
        return min(1.0, answered), abandoned, traffic * (1 - abandoned) / c

    def agents_needed(
        traffic: float,
        aht_seconds: float,
        staffing: object,
        concurrency: int = 1,
        patience_seconds: float | None = None,
        max_abandon: float | None = None,
    ) -> int:
        if traffic <= 0:
            return 0
        if patience_seconds is None and concurrency == 1:
            return agents_on_phone(traffic, aht_seconds, staffing)
        answer = staffing.answer_seconds  # type: ignore[attr-defined]

        def meets(agents: int) -> bool:
            if patience_seconds is not None:
                answered, abandoned, occupancy = _erlang_a(
                    agents, traffic, aht_seconds, patience_seconds, answer
                )
            elif agents * concurrency <= traffic:
                answered, abandoned, occupancy = 0.0, 0.0, 1.0
            else:
                slots = agents * concurrency
                answered = _service_level(slots, traffic, aht_seconds, answer)
                abandoned, occupancy = 0.0, traffic / slots
            return (
                answered >= staffing.service_level - 1e-12  # type: ignore[attr-defined]
                and occupancy <= staffing.max_occupancy + 1e-12  # type: ignore[attr-defined]
                and (max_abandon is None or abandoned <= max_abandon + 1e-12)
            )

        low, high = 0, 1
        while not meets(high):
            low, high = high, high * 2
        while high - low > 1:
            middle = (low + high) // 2
            if meets(middle):
                high = middle
            else:
                low = middle
        return high


# --- small helpers ---------------------------------------------------------------------


def clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def iso_z(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bump(hour: float, centre: float, width: float) -> float:
    """A bell-shaped bump on the local clock (wraps around midnight)."""
    d = (hour - centre + 12) % 24 - 12
    return math.exp(-0.5 * (d / width) ** 2)


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# --- team model (just enough to write the CSVs and check them) ---------------------------


@dataclass
class AgentSpec:
    id: str
    name: str
    timezone: str
    weekly_hours: float | None = None
    days_per_week: int | None = None
    shift_hours: tuple[float, ...] | None = None
    earliest_start: str | None = None
    latest_end: str | None = None
    # (weekday 0..6, "HH:MM", "HH:MM") local
    availability: list[tuple[int, str, str]] = field(default_factory=list)
    time_off: list[date] = field(default_factory=list)
    # queue names (the scenario's [queues.NAME]); empty means every queue
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamRules:
    weekly_hours: float = 40
    days_per_week: int = 5
    shift_hours: tuple[float, ...] = (8,)
    start_step_minutes: int = 30
    earliest_start: str = "07:00"
    latest_end: str = "22:00"
    min_rest_hours: float = 11
    max_consecutive_days: int = 5


def fmt_hours(value: float) -> str:
    return f"{value:g}"


def write_team(folder: Path, agents: list[AgentSpec]) -> None:
    header = [
        "id", "name", "timezone",
        "weekly_hours", "days_per_week", "shift_hours", "earliest_start", "latest_end",
    ]  # fmt: skip
    rows = [
        [
            a.id,
            a.name,
            a.timezone,
            fmt_hours(a.weekly_hours) if a.weekly_hours is not None else "",
            a.days_per_week if a.days_per_week is not None else "",
            ";".join(fmt_hours(h) for h in a.shift_hours) if a.shift_hours else "",
            a.earliest_start or "",
            a.latest_end or "",
        ]
        for a in agents
    ]
    write_csv(folder / "agents.csv", header, rows)
    availability = [
        [a.id, WEEKDAYS[day], start, end]
        for a in agents
        for day, start, end in sorted(a.availability)
    ]
    if availability:
        write_csv(folder / "availability.csv", ["agent_id", "day", "start", "end"], availability)
    time_off = [[a.id, d.isoformat()] for a in agents for d in sorted(a.time_off)]
    if time_off:
        write_csv(folder / "time_off.csv", ["agent_id", "date"], time_off)


def write_skilled_team(folder: Path, agents: list[AgentSpec]) -> None:
    """agents.csv with a ``skills`` column (queue names joined by ``;``, empty = every queue)."""
    assert not any(
        a.weekly_hours or a.days_per_week or a.shift_hours or a.earliest_start or a.latest_end
        or a.availability or a.time_off
        for a in agents
    ), "write_skilled_team writes no overrides, availability or time off"  # fmt: skip
    rows = [[a.id, a.name, a.timezone, ";".join(a.skills)] for a in agents]
    write_csv(folder / "agents.csv", ["id", "name", "timezone", "skills"], rows)


@dataclass(frozen=True)
class Effective:
    """One agent's rules with the team defaults filled in."""

    weekly_minutes: int
    days: int
    shifts: tuple[int, ...]
    step: int
    windows: dict[int, list[tuple[int, int]]]  # weekday -> local windows (minutes)
    rest: int
    max_consecutive: int


def effective(agent: AgentSpec, rules: TeamRules) -> Effective:
    lo = clock(agent.earliest_start or rules.earliest_start)
    hi = clock(agent.latest_end or rules.latest_end)
    windows: dict[int, list[tuple[int, int]]] = {}
    for day in range(7):
        if not agent.availability:
            windows[day] = [(lo, hi)]
            continue
        spans = sorted(
            (max(clock(s), lo), min(clock(e), hi))
            for d, s, e in agent.availability
            if d == day and min(clock(e), hi) > max(clock(s), lo)
        )
        windows[day] = spans
    return Effective(
        weekly_minutes=round((agent.weekly_hours or rules.weekly_hours) * 60),
        days=agent.days_per_week or rules.days_per_week,
        shifts=tuple(round(h * 60) for h in (agent.shift_hours or rules.shift_hours)),
        step=rules.start_step_minutes,
        windows=windows,
        rest=round(rules.min_rest_hours * 60),
        max_consecutive=rules.max_consecutive_days,
    )


def contract(agent: AgentSpec, rules: TeamRules, week_dates: list[date]) -> tuple[int, int]:
    """(minutes, max days) for the week, after time off, as ``coverage`` counts them."""
    eff = effective(agent, rules)
    off = sum(1 for d in week_dates if d in agent.time_off)
    minutes = max(0, round(eff.weekly_minutes - off * eff.weekly_minutes / eff.days))
    return minutes, max(0, eff.days - off)


def contract_is_workable(agent: AgentSpec, rules: TeamRules, week_dates: list[date]) -> bool:
    """Is there a week of shifts meeting the contract (exact minutes, days, rest, run length)?

    A small exhaustive search over the day's possible shifts, coarse enough
    (every start step, every length) for teams of this size.
    """
    eff = effective(agent, rules)
    minutes, max_days = contract(agent, rules, week_dates)
    options: list[list[tuple[int, int] | None]] = []
    for i, d in enumerate(week_dates):
        day_options: list[tuple[int, int] | None] = []
        if d not in agent.time_off:
            for lo, hi in eff.windows[i]:
                for length in eff.shifts:
                    start = lo
                    while start + length <= hi:
                        day_options.append((i * 1440 + start, length))
                        start += eff.step
        options.append([*day_options, None])

    def ok(plan: list[tuple[int, int] | None]) -> bool:
        worked = [p is not None for p in plan]
        if sum(worked) > max_days or sum(p[1] for p in plan if p) != minutes:
            return False
        run = 0
        for flag in worked + worked:  # the week wraps: Sunday is followed by Monday
            run = run + 1 if flag else 0
            if run > eff.max_consecutive:
                return False
        shifts = [p for p in plan if p]
        if len(shifts) > 1:
            after = [*shifts[1:], (shifts[0][0] + WEEK_MINUTES, shifts[0][1])]
            for a, b in zip(shifts, after, strict=True):
                if b[0] - (a[0] + a[1]) < eff.rest:
                    return False
        return True

    # Depth-first with pruning on minutes.
    def search(i: int, plan: list[tuple[int, int] | None], used: int) -> bool:
        if used > minutes or sum(p is not None for p in plan) > max_days:
            return False
        if i == 7:
            return ok(plan)
        seen_lengths: set[tuple[int, int]] = set()
        for option in options[i]:
            # Try one start per (length, rough start) to keep the search small.
            key = (-1, -1) if option is None else (option[1], (option[0] % 1440) // 120)
            if key in seen_lengths:
                continue
            seen_lengths.add(key)
            if search(i + 1, [*plan, option], used + (option[1] if option else 0)):
                return True
        return False

    return search(0, [], 0)


def reachable_hours(
    agents: list[AgentSpec], rules: TeamRules, week_start_utc: datetime, week_dates: list[date]
) -> list[int]:
    """For each hour of the week, how many agents could work a shift covering all of it."""
    count = [0] * 168
    for agent in agents:
        eff = effective(agent, rules)
        zone = ZoneInfo(agent.timezone)
        hours: set[int] = set()
        for i, d in enumerate(week_dates):
            if d in agent.time_off:
                continue
            for lo, hi in eff.windows[i]:
                if hi - lo < min(eff.shifts):
                    continue
                start = datetime.combine(d, time(0), tzinfo=zone) + timedelta(minutes=lo)
                end = datetime.combine(d, time(0), tzinfo=zone) + timedelta(minutes=hi)
                a = (start.astimezone(UTC) - week_start_utc).total_seconds() // 60
                b = (end.astimezone(UTC) - week_start_utc).total_seconds() // 60
                for m in range(int(math.ceil(a / 60) * 60), int(b) - 59, 60):
                    hours.add((m // 60) % 168)
        for h in hours:
            count[h] += 1
    return count


# --- forecasts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """Customers in one zone: share of volume, intraday shape, weekday factors."""

    zone: str
    weight: float
    shape: object  # callable(local_hour: float) -> float
    days: tuple[float, float, float, float, float, float, float]


def volume_shape(
    regions: list[Region],
    first: datetime,
    rows: int,
    step_minutes: int,
    rng: random.Random,
    row_noise: float,
    day_noise: float,
) -> list[float]:
    """Relative volume per row: regional local-time profiles plus fixed-seed noise."""
    day_factor: dict[tuple[str, date], float] = {}
    values: list[float] = []
    for r in range(rows):
        mid = first + timedelta(minutes=r * step_minutes + step_minutes / 2)
        total = 0.0
        for region in regions:
            local = mid.astimezone(ZoneInfo(region.zone))
            key = (region.zone, local.date())
            if key not in day_factor:
                day_factor[key] = math.exp(rng.gauss(0, day_noise))
            hour = local.hour + local.minute / 60
            total += (
                region.weight
                * region.shape(hour)  # type: ignore[operator]
                * region.days[local.weekday()]
                * day_factor[key]
            )
        values.append(total * math.exp(rng.gauss(0, row_noise)))
    return values


def required_hours(
    contacts: list[float],
    aht: list[float],
    first: datetime,
    step_minutes: int,
    week_start_utc: datetime,
    interval_minutes: int,
    staff: object,
    needed: object = None,
) -> list[int]:
    """Required agents per interval of the week, bucketed as ``coverage.requirements`` does
    (rows aligned with the intervals, step dividing the interval). ``needed(traffic, aht)``
    sizes a queue on another channel (Erlang A, chat slots); default Erlang C."""
    per = interval_minutes // step_minutes
    offset = int((week_start_utc - first).total_seconds() // 60) // step_minutes
    required = []
    size = needed or (lambda traffic, aht: agents_on_phone(traffic, aht, staff))
    for i in range(WEEK_MINUTES // interval_minutes):
        rows = range(offset + i * per, offset + (i + 1) * per)
        total = sum(contacts[r] for r in rows)
        handle = sum(contacts[r] * aht[r] for r in rows)
        mean = handle / total if total > 0 else staff.aht_seconds  # type: ignore[attr-defined]
        traffic = traffic_erlangs(total, mean, interval_minutes * 60)
        required.append(scheduled_agents(size(traffic, mean), staff))  # type: ignore[operator]
    return required


def calibrate(
    shape: list[float],
    target_hours: float,
    interval_minutes: int,
    decimals: int,
    required_for: object,
) -> tuple[list[float], list[int]]:
    """Scale ``shape`` so the week's required agent-hours land closest to the target."""

    def at(scale: float) -> tuple[list[float], list[int], float]:
        contacts = [round(scale * v, decimals) for v in shape]
        req = required_for(contacts)  # type: ignore[operator]
        return contacts, req, sum(req) * interval_minutes / 60

    lo, hi = 0.0, 1.0
    while at(hi)[2] < target_hours:
        hi *= 2
    for _ in range(50):
        mid = (lo + hi) / 2
        if at(mid)[2] < target_hours:
            lo = mid
        else:
            hi = mid
    below, above = at(lo), at(hi)
    best = below if target_hours - below[2] < above[2] - target_hours else above
    return best[0], best[1]


def week_start_utc(week_start: date, zone: str) -> datetime:
    return datetime.combine(week_start, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def sample_week() -> tuple[list[date], datetime]:
    """The local dates of the samples' week (2026-03-23: Europe changes clocks on its
    Sunday) and its UTC start."""
    week = date(2026, 3, 23)
    return [week + timedelta(days=i) for i in range(7)], week_start_utc(week, "UTC")


def check_team(
    label: str,
    agents: list[AgentSpec],
    rules: TeamRules,
    start_utc: datetime,
    week_dates: list[date],
    need_every_hour: bool,
) -> tuple[float, list[int]]:
    ids = [a.id for a in agents]
    assert len(ids) == len(set(ids)), f"{label}: duplicate agent ids"
    contracted = 0.0
    for agent in agents:
        assert contract_is_workable(agent, rules, week_dates), (
            f"{label}: agent {agent.id} cannot work the contract"
        )
        contracted += contract(agent, rules, week_dates)[0] / 60
    reach = reachable_hours(agents, rules, start_utc, week_dates)
    if need_every_hour:
        missing = [h for h in range(168) if reach[h] == 0]
        assert not missing, f"{label}: nobody can work week hours {missing}"
    return contracted, reach


def summary(
    label: str, required: list[int], interval_minutes: int, contracted: float, reach: list[int]
) -> None:
    hours = sum(required) * interval_minutes / 60
    print(
        f"{label:15s} required {hours:7.1f} agent-h, contracted {contracted:7.1f} h "
        f"({100 * hours / contracted:5.1f}%), peak {max(required)} agents; "
        f"{min(reach)}-{max(reach)} agents can reach each hour"
    )


# --- (a) global SaaS support, 24/7 ----------------------------------------------------------


def saas_chat(hour: float) -> float:
    """B2B SaaS chat on the customers' clock: a morning and an early-afternoon peak."""
    return (
        0.03
        + 1.00 * bump(hour, 10.5, 1.4)
        + 0.95 * bump(hour, 14.75, 1.5)
        + 0.12 * bump(hour, 19.5, 1.5)
    )


B2B_WEEK = (1.08, 1.04, 1.00, 0.98, 0.90, 0.46, 0.40)


def global_team() -> list[AgentSpec]:
    w = date(2026, 3, 23)
    day = {name: w + timedelta(days=i) for i, name in enumerate(WEEKDAYS)}
    a = AgentSpec
    mon_fri = [0, 1, 2, 3, 4]
    return [
        # Australia (Sydney, AEDT +11 this week)
        a("olivia.harris", "Olivia Harris", "Australia/Sydney", time_off=[day["Thu"]]),
        a("jack.thompson", "Jack Thompson", "Australia/Sydney"),
        a("mia.nguyen", "Mia Nguyen", "Australia/Sydney"),
        a("lachlan.brown", "Lachlan Brown", "Australia/Sydney"),
        # Philippines (Manila, +8)
        a("maria.santos", "Maria Santos", "Asia/Manila"),
        a("jose.reyes", "Jose Reyes", "Asia/Manila"),
        a("angelica.cruz", "Angelica Cruz", "Asia/Manila"),
        a("mark.bautista", "Mark Bautista", "Asia/Manila",
          weekly_hours=30, days_per_week=5, shift_hours=(6,)),
        a("kristine.garcia", "Kristine Garcia", "Asia/Manila"),
        a("paolo.mendoza", "Paolo Mendoza", "Asia/Manila"),
        # India (Kolkata, +5:30)
        a("priya.sharma", "Priya Sharma", "Asia/Kolkata", time_off=[day["Fri"]]),
        a("arjun.iyer", "Arjun Iyer", "Asia/Kolkata"),
        a("sneha.reddy", "Sneha Reddy", "Asia/Kolkata"),
        a("rohan.mehta", "Rohan Mehta", "Asia/Kolkata"),
        # Nepal (Kathmandu, +5:45; Saturday is the weekly day off there)
        a("aashish.shrestha", "Aashish Shrestha", "Asia/Kathmandu"),
        a("sunita.gurung", "Sunita Gurung", "Asia/Kathmandu"),
        a("bikash.tamang", "Bikash Tamang", "Asia/Kathmandu",
          availability=[(d, "07:00", "22:00") for d in (6, 0, 1, 2, 3, 4)]),
        # Kenya (Nairobi, +3)
        a("wanjiru.kamau", "Wanjiru Kamau", "Africa/Nairobi"),
        a("brian.otieno", "Brian Otieno", "Africa/Nairobi"),
        a("faith.wanjiku", "Faith Wanjiku", "Africa/Nairobi", time_off=[day["Mon"]]),
        # Germany (Berlin, +1, +2 from Sunday 29 March)
        a("lena.mueller", "Lena Müller", "Europe/Berlin"),
        a("jonas.schmidt", "Jonas Schmidt", "Europe/Berlin"),
        a("anna.becker", "Anna Becker", "Europe/Berlin",
          weekly_hours=24, days_per_week=4, shift_hours=(6,),
          availability=[(d, "08:00", "16:00") for d in (0, 1, 2, 3)]),
        a("felix.wagner", "Felix Wagner", "Europe/Berlin"),
        # Ireland (Dublin, +0, +1 from Sunday 29 March)
        a("siobhan.murphy", "Siobhán Murphy", "Europe/Dublin"),
        a("conor.byrne", "Conor Byrne", "Europe/Dublin", time_off=[day["Tue"], day["Wed"]]),
        a("aoife.kelly", "Aoife Kelly", "Europe/Dublin"),
        a("ciaran.walsh", "Ciarán Walsh", "Europe/Dublin"),
        # Brazil (São Paulo, -3)
        a("joao.silva", "João Silva", "America/Sao_Paulo", time_off=[day["Mon"]]),
        a("ana.souza", "Ana Souza", "America/Sao_Paulo"),
        a("lucas.oliveira", "Lucas Oliveira", "America/Sao_Paulo"),
        a("beatriz.costa", "Beatriz Costa", "America/Sao_Paulo"),
        # United States, east (New York, EDT -4)
        a("emily.johnson", "Emily Johnson", "America/New_York"),
        a("michael.davis", "Michael Davis", "America/New_York"),
        a("ashley.williams", "Ashley Williams", "America/New_York",
          weekly_hours=20, days_per_week=4, shift_hours=(4, 6),
          availability=[(d, "16:00", "22:00") for d in mon_fri]),
        a("daniel.miller", "Daniel Miller", "America/New_York"),
        # Mexico (Mexico City, -6, no DST)
        a("sofia.hernandez", "Sofía Hernández", "America/Mexico_City"),
        a("diego.ramirez", "Diego Ramírez", "America/Mexico_City"),
        # United States, west (Los Angeles, PDT -7); Kevin works late shifts
        a("kevin.park", "Kevin Park", "America/Los_Angeles",
          earliest_start="14:00", latest_end="24:00"),
        a("jessica.lopez", "Jessica Lopez", "America/Los_Angeles"),
    ]  # fmt: skip


def generate_global() -> None:
    folder = DATA / "global"
    rules = TeamRules()
    week_dates, start = sample_week()
    interval, step = 60, 30
    staff = staffing(
        aht_seconds=600, service_level=0.8, answer_seconds=60,
        max_occupancy=0.85, shrinkage=0.30, min_agents=1,
    )  # fmt: skip
    agents = global_team()
    contracted, reach = check_team("global", agents, rules, start, week_dates, need_every_hour=True)

    regions = [
        Region("America/New_York", 0.20, saas_chat, B2B_WEEK),
        Region("America/Chicago", 0.06, saas_chat, B2B_WEEK),
        Region("America/Los_Angeles", 0.10, saas_chat, B2B_WEEK),
        Region("America/Sao_Paulo", 0.05, saas_chat, B2B_WEEK),
        Region("Europe/London", 0.12, saas_chat, B2B_WEEK),
        Region("Europe/Berlin", 0.16, saas_chat, B2B_WEEK),
        Region("Asia/Dubai", 0.02, saas_chat, (1.0, 1.0, 1.0, 1.0, 0.85, 0.45, 0.55)),
        Region("Asia/Singapore", 0.09, saas_chat, B2B_WEEK),
        Region("Asia/Tokyo", 0.07, saas_chat, B2B_WEEK),
        Region("Australia/Sydney", 0.14, saas_chat, B2B_WEEK),
    ]
    first = start - timedelta(days=1)
    rows = 9 * 24 * 60 // step
    rng = random.Random(20260323)
    shape = volume_shape(regions, first, rows, step, rng, row_noise=0.08, day_noise=0.04)
    aht = [600.0] * rows
    contacts, required = calibrate(
        shape, 1.03 * contracted, interval, 1,
        lambda c: required_hours(c, aht, first, step, start, interval, staff),
    )  # fmt: skip
    write_team(folder, agents)
    write_csv(
        folder / "forecast.csv",
        ["start", "contacts"],
        [[iso_z(first + timedelta(minutes=r * step)), f"{c:.1f}"] for r, c in enumerate(contacts)],
    )
    summary("global-24x7", required, interval, contracted, reach)


# --- (b) small e-commerce team, one city ------------------------------------------------------


def ecommerce(hour: float) -> float:
    """Shoppers' contacts: late morning, lunch, and a big after-work evening peak."""
    return (
        0.06
        + 0.55 * bump(hour, 10.5, 1.6)
        + 0.45 * bump(hour, 14.0, 1.8)
        + 1.00 * bump(hour, 20.25, 1.5)
    )


def generate_small_team() -> None:
    folder = DATA / "small-team"
    rules = TeamRules()
    zone = "America/Chicago"
    week = date(2026, 10, 26)
    week_dates = [week + timedelta(days=i) for i in range(7)]
    start = week_start_utc(week, zone)
    interval = step = 60
    # No shrinkage: with any shrinkage one agent on chat rounds up to two scheduled.
    staff = staffing(
        aht_seconds=420, service_level=0.8, answer_seconds=300,
        max_occupancy=0.85, shrinkage=0.0, min_agents=1,
    )  # fmt: skip
    agents = [
        AgentSpec("megan", "Megan Kowalski", zone),
        AgentSpec("carlos", "Carlos Rivera", zone),
        AgentSpec("jasmine", "Jasmine Brooks", zone),
    ]
    contracted, reach = check_team("small-team", agents, rules, start, week_dates, False)
    # US shoppers on their own clocks (US clocks go back at 02:00 on Sunday 1 November).
    weekly = (1.25, 1.05, 1.00, 0.95, 0.88, 0.78, 1.05)
    regions = [
        Region("America/New_York", 0.40, ecommerce, weekly),
        Region("America/Chicago", 0.40, ecommerce, weekly),
        Region("America/Los_Angeles", 0.20, ecommerce, weekly),
    ]
    first = datetime(2026, 10, 25, tzinfo=UTC)
    rows = 9 * 24
    rng = random.Random(20261026)
    shape = volume_shape(regions, first, rows, step, rng, row_noise=0.12, day_noise=0.05)
    # A modest brand: about 350 chats and emails in the planned week.
    offset = int((start - first).total_seconds() // 3600)
    scale = 350 / sum(shape[offset : offset + 168])
    contacts = [round(scale * v, 1) for v in shape]
    required = required_hours(contacts, [420.0] * rows, first, step, start, interval, staff)
    write_team(folder, agents)
    write_csv(
        folder / "forecast.csv",
        ["start", "contacts"],
        [[iso_z(first + timedelta(hours=r)), f"{c:.1f}"] for r, c in enumerate(contacts)],
    )
    summary("small-team", required, interval, contracted, reach)


# --- (c) three-hub phone contact centre ----------------------------------------------------------

FIRST_NAMES = {
    "chi": "James Maria Tyler Aaliyah Brandon Jasmine Kevin Nicole Luis Samantha Marcus Brittany "
    "Andre Rachel Derek Tiffany Omar Katie Jose Lauren Darnell Megan Eric Vanessa Patrick Hannah "
    "Rashad Emily Juan Courtney Tomasz Keisha",
    "lon": "Oliver Amelia Harry Isla Jack Ava Charlie Emily Mohammed Sophie Thomas Grace George "
    "Chloe Kwame Priya Daniel Jessica Aisha Ryan Zara Callum Ella Adebayo Hannah Jamal Fatima "
    "Liam Megan Tom",
    "mnl": "Mark Maria Jerome Kristine Christian Angelica Carlo Jasmine Paolo Patricia Jericho "
    "Camille Ryan Nicole Joshua Princess Rafael Katrina Miguel Bea Adrian Joy Renz Trisha Vince "
    "Erika Arvin Grace Jonel Czarina",
}
LAST_NAMES = {
    "chi": "Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez "
    "Clark Kowalski Nowak Washington O'Connor Murphy",
    "lon": "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson "
    "Evans Walker Khan White Roberts Green Hall Wood Hughes Edwards Mensah Okafor Ahmed Clarke "
    "Begum Lewis Hussain Turner",
    "mnl": "Santos Reyes Cruz Bautista Ocampo Garcia Mendoza Torres Tomas Andrada Castillo Flores "
    "Villanueva Ramos Castro Rivera Aquino Navarro Salazar Mercado Dela_Cruz De_Leon Gonzales "
    "Lopez Pascual Manalo Soriano Dizon Fernandez Aguilar",
}


def contact_center_team(rng: random.Random) -> list[AgentSpec]:
    week = date(2026, 3, 23)
    hubs = [
        # hub, zone, full-time 40 h, 32 h over 4 days, 30 h of 6 h shifts, 20 h of 4 h shifts
        ("chi", "America/Chicago", 44, 0, 4, 8),
        ("lon", "Europe/London", 25, 3, 4, 4),
        ("mnl", "Asia/Manila", 28, 0, 0, 0),
    ]
    agents: list[AgentSpec] = []
    for hub, zone, full, four_day, six, four in hubs:
        firsts = FIRST_NAMES[hub].split()
        lasts = [n.replace("_", " ") for n in LAST_NAMES[hub].split()]
        pairs = [(f, s) for f in firsts for s in lasts]
        names = rng.sample(pairs, full + four_day + six + four)
        kinds = ["full"] * full + ["four_day"] * four_day + ["six"] * six + ["four"] * four
        for n, (kind, (first, last)) in enumerate(zip(kinds, names, strict=True), start=1):
            agent = AgentSpec(f"{hub}-{n:03d}", f"{first} {last}", zone)
            if kind == "four_day":
                agent.weekly_hours, agent.days_per_week = 32, 4
            elif kind == "six":
                agent.weekly_hours, agent.days_per_week, agent.shift_hours = 30, 5, (6,)
            elif kind == "four":
                agent.weekly_hours, agent.days_per_week, agent.shift_hours = 20, 5, (4,)
                if n % 2 == 0:  # students: weekday evenings and weekend days
                    agent.availability = [(d, "16:00", "22:00") for d in range(5)] + [
                        (5, "09:00", "21:00"),
                        (6, "09:00", "21:00"),
                    ]
            agents.append(agent)
    # Time off this week: a few single days and one longer break.
    full_timers = [a for a in agents if a.weekly_hours is None]
    for agent in rng.sample(full_timers, 9):
        agent.time_off.append(week + timedelta(days=rng.randrange(7)))
    long_break = rng.choice([a for a in full_timers if not a.time_off])
    long_break.time_off.extend(week + timedelta(days=i) for i in range(2, 5))
    part_timers = [a for a in agents if a.weekly_hours in (20, 30)]
    for agent in rng.sample(part_timers, 2):
        agent.time_off.append(week + timedelta(days=rng.randrange(5)))
    return agents


def phone_line(hour: float) -> float:
    """Inbound phone calls on the caller's clock: sharp 9-12 peak, steady afternoon, quiet night."""
    return (
        0.035
        + 1.00 * bump(hour, 10.25, 1.5)
        + 0.80 * bump(hour, 14.5, 2.0)
        + 0.30 * bump(hour, 18.75, 1.6)
    )


def generate_contact_center() -> None:
    folder = DATA / "contact-center"
    rules = TeamRules()
    week_dates, start = sample_week()
    interval, step = 30, 15
    staff = staffing(
        aht_seconds=300, service_level=0.8, answer_seconds=20,
        max_occupancy=0.85, shrinkage=0.30, min_agents=2,
    )  # fmt: skip
    rng = random.Random(20260324)
    agents = contact_center_team(rng)
    contracted, reach = check_team("contact-center", agents, rules, start, week_dates, True)

    consumer = (1.12, 1.04, 1.00, 0.98, 0.95, 0.62, 0.50)
    regions = [
        Region("America/New_York", 0.24, phone_line, consumer),
        Region("America/Chicago", 0.16, phone_line, consumer),
        Region("America/Denver", 0.04, phone_line, consumer),
        Region("America/Los_Angeles", 0.14, phone_line, consumer),
        Region("Europe/London", 0.24, phone_line, consumer),
        Region("Europe/Dublin", 0.04, phone_line, consumer),
        Region("Australia/Sydney", 0.10, phone_line, consumer),
        Region("Pacific/Auckland", 0.04, phone_line, consumer),
    ]
    first = start - timedelta(days=1)
    rows = 9 * 24 * 60 // step
    shape = volume_shape(regions, first, rows, step, rng, row_noise=0.10, day_noise=0.04)
    # Handle time: longer early in the day (complex issues, callbacks) and on Mondays,
    # shorter in the evening; jitter per row; always within 240..360 s.
    aht: list[float] = []
    for r in range(rows):
        mid = first + timedelta(minutes=r * step + step / 2)
        local = mid.astimezone(ZoneInfo("America/Chicago"))
        hour = local.hour + local.minute / 60
        value = 292 + 28 * bump(hour, 9.5, 2.5) - 22 * bump(hour, 20.0, 2.5)
        value += 12 if local.weekday() == 0 else 0
        value += rng.gauss(0, 9)
        aht.append(float(min(360, max(240, round(value)))))
    contacts, required = calibrate(
        shape, 1.00 * contracted, interval, 1,
        lambda c: required_hours(c, aht, first, step, start, interval, staff),
    )  # fmt: skip
    write_team(folder, agents)
    write_csv(
        folder / "forecast.csv",
        ["start", "contacts", "aht_seconds"],
        [
            [iso_z(first + timedelta(minutes=r * step)), f"{c:.1f}", f"{a:.0f}"]
            for r, (c, a) in enumerate(zip(contacts, aht, strict=True))
        ],
    )
    summary("contact-center", required, interval, contracted, reach)


# --- (d) multilingual follow-the-sun team, one queue per language --------------------------------


def skilled(name: str, zone: str, skills: str) -> AgentSpec:
    """A team-default agent with ``skills`` (queue names joined by ``;``, empty: every
    queue), the id made from the name (``Seán Doyle`` -> ``sean.doyle``)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ident = plain.lower().replace("'", "").replace(" ", ".")
    return AgentSpec(ident, name, zone, skills=tuple(skills.split(";")) if skills else ())


def multilingual_team() -> list[AgentSpec]:
    a = skilled
    return [
        # Germany (Berlin, CET +1, CEST +2 from Sunday 29 March)
        a("Katrin Vogel", "Europe/Berlin", "german;english"),
        a("Tobias Hoffmann", "Europe/Berlin", "german;english"),
        a("Sabine Keller", "Europe/Berlin", "german;english"),
        a("Jan Schulz", "Europe/Berlin", "german;english"),
        a("Miriam Fischer", "Europe/Berlin", "german;english"),
        a("Emre Yilmaz", "Europe/Berlin", "german;english"),
        a("Julia Lefèvre", "Europe/Berlin", "german;french;english"),
        # France (Paris, same clock as Berlin)
        a("Camille Martin", "Europe/Paris", "french;english"),
        a("Julien Bernard", "Europe/Paris", "french;english"),
        a("Sophie Laurent", "Europe/Paris", "french;english"),
        a("Nicolas Petit", "Europe/Paris", "french;english"),
        a("Inès Benali", "Europe/Paris", "french;english"),
        a("Lucía Moreno", "Europe/Paris", "french;spanish;english"),
        # Ireland (Dublin, GMT +0, IST +1 from Sunday 29 March); Eoin leads the floor and
        # takes any queue (empty skills cell)
        a("Niamh O'Sullivan", "Europe/Dublin", "english"),
        a("Seán Doyle", "Europe/Dublin", "english"),
        a("Orla Brennan", "Europe/Dublin", "english"),
        a("Declan Ryan", "Europe/Dublin", "english;german"),
        a("Hannah Schneider", "Europe/Dublin", "english;german"),
        a("Mathieu Girard", "Europe/Dublin", "english;french"),
        a("Aisling Kavanagh", "Europe/Dublin", "english;french"),
        a("Eoin Fitzgerald", "Europe/Dublin", ""),
        # Portugal (Lisbon, WET +0, WEST +1 from Sunday 29 March)
        a("Inês Ferreira", "Europe/Lisbon", "portuguese;english"),
        a("Tiago Rodrigues", "Europe/Lisbon", "portuguese;english"),
        a("Marta Carvalho", "Europe/Lisbon", "portuguese;spanish;english"),
        a("Rui Almeida", "Europe/Lisbon", "portuguese;english"),
        # Brazil (São Paulo, -3, no DST)
        a("Camila Rocha", "America/Sao_Paulo", "portuguese;spanish;english"),
        a("Rafael Lima", "America/Sao_Paulo", "portuguese;spanish;english"),
        a("Juliana Alves", "America/Sao_Paulo", "portuguese;english"),
        a("Gabriel Pereira", "America/Sao_Paulo", "portuguese;english"),
        a("Larissa Martins", "America/Sao_Paulo", "portuguese;spanish;english"),
        # Mexico (Mexico City, -6, no DST); Jorge speaks Spanish only
        a("Valeria Gómez", "America/Mexico_City", "spanish;english"),
        a("Alejandro Torres", "America/Mexico_City", "spanish;english"),
        a("Fernanda Castillo", "America/Mexico_City", "spanish;english"),
        a("Ricardo Morales", "America/Mexico_City", "spanish;english"),
        a("Daniela Vargas", "America/Mexico_City", "spanish;english"),
        a("Jorge Navarro", "America/Mexico_City", "spanish"),
        # United States, east (New York, EDT -4 since 8 March)
        a("Emily Carter", "America/New_York", "english"),
        a("Jordan Brooks", "America/New_York", "english"),
        a("Samantha Reed", "America/New_York", "english"),
        a("Marcus Bell", "America/New_York", "english"),
        a("Olivia Chen", "America/New_York", "english"),
        a("Tyler Morgan", "America/New_York", "english"),
        a("Isabella Cruz", "America/New_York", "english;spanish"),
        a("Andrés Rivera", "America/New_York", "english;spanish"),
        # Japan (Tokyo, +9): only two Japanese speakers for a 45 h queue
        a("Yuki Tanaka", "Asia/Tokyo", "japanese;english"),
        a("Haruto Sato", "Asia/Tokyo", "japanese;english"),
        # Philippines (Manila, +8)
        a("Kristine Ramos", "Asia/Manila", "english"),
        a("Jerome Villanueva", "Asia/Manila", "english"),
        a("Patricia Aquino", "Asia/Manila", "english"),
        a("Carlo Mendoza", "Asia/Manila", "english"),
        a("Camille Navarro", "Asia/Manila", "english"),
        a("Joshua Castillo", "Asia/Manila", "english"),
        a("Bea Soriano", "Asia/Manila", "english"),
        # Australia (Sydney, AEDT +11 until 5 April)
        a("Chloe Wilson", "Australia/Sydney", "english"),
        a("Liam O'Brien", "Australia/Sydney", "english"),
        a("Emma Nguyen", "Australia/Sydney", "english"),
        a("Noah Taylor", "Australia/Sydney", "english"),
        # India (Kolkata, +5:30)
        a("Ananya Das", "Asia/Kolkata", "english"),
        a("Rahul Banerjee", "Asia/Kolkata", "english"),
        a("Priyanka Sen", "Asia/Kolkata", "english"),
    ]


@dataclass(frozen=True)
class QueueSpec:
    """One [queues.NAME] table of the scenario, plus where its customers are."""

    name: str
    hours: str | tuple[str, ...]  # "24/7", or "DAYS HH:MM-HH:MM" entries as in the scenario
    zone: str  # hours_timezone
    aht_seconds: float
    regions: tuple[Region, ...]
    target_hours: float | None  # required agent-hours of the week; None: the rest


CONSUMER_WEEK = (1.10, 1.04, 1.00, 0.98, 0.92, 0.55, 0.45)
# The scenario's [staffing]; each queue overrides only aht_seconds.
CHAT_STAFFING = {
    "aht_seconds": 480, "service_level": 0.8, "answer_seconds": 60,
    "max_occupancy": 0.85, "shrinkage": 0.30, "min_agents": 1,
}  # fmt: skip
CLOSED_TRICKLE = 0.02  # share of the customers' volume that still writes when a queue is closed


def multilingual_queues() -> list[QueueSpec]:
    q, r = QueueSpec, Region
    weekdays = ("Mon-Fri 08:00-18:00",)
    return [
        q("english", "24/7", "UTC", 480, (
            r("America/New_York", 0.22, saas_chat, CONSUMER_WEEK),
            r("America/Chicago", 0.08, saas_chat, CONSUMER_WEEK),
            r("America/Los_Angeles", 0.11, saas_chat, CONSUMER_WEEK),
            r("Europe/London", 0.16, saas_chat, CONSUMER_WEEK),
            r("Europe/Dublin", 0.03, saas_chat, CONSUMER_WEEK),
            r("Europe/Berlin", 0.08, saas_chat, CONSUMER_WEEK),  # continental customers in English
            r("Asia/Kolkata", 0.07, saas_chat, CONSUMER_WEEK),
            r("Asia/Singapore", 0.09, saas_chat, CONSUMER_WEEK),
            r("Australia/Sydney", 0.13, saas_chat, CONSUMER_WEEK),
            r("Pacific/Auckland", 0.03, saas_chat, CONSUMER_WEEK),
        ), None),
        q("german", weekdays, "Europe/Berlin", 420, (
            r("Europe/Berlin", 0.80, saas_chat, CONSUMER_WEEK),
            r("Europe/Vienna", 0.12, saas_chat, CONSUMER_WEEK),
            r("Europe/Zurich", 0.08, saas_chat, CONSUMER_WEEK),
        ), 220),
        q("french", weekdays, "Europe/Paris", 450, (
            r("Europe/Paris", 0.85, saas_chat, CONSUMER_WEEK),
            r("Europe/Brussels", 0.15, saas_chat, CONSUMER_WEEK),
        ), 170),
        q("spanish", ("Mon-Fri 08:00-18:00", "Sat 09:00-14:00"), "America/Mexico_City", 480, (
            r("America/Mexico_City", 0.55, saas_chat, CONSUMER_WEEK),
            r("America/Bogota", 0.25, saas_chat, CONSUMER_WEEK),
            r("America/Argentina/Buenos_Aires", 0.12, saas_chat, CONSUMER_WEEK),
            r("Europe/Madrid", 0.08, saas_chat, CONSUMER_WEEK),
        ), 200),
        q("portuguese", ("Mon-Fri 09:00-18:00",), "America/Sao_Paulo", 510, (
            r("America/Sao_Paulo", 0.85, saas_chat, CONSUMER_WEEK),
            r("Europe/Lisbon", 0.15, saas_chat, CONSUMER_WEEK),
        ), 150),
        # About 3 agents on average over 45 open hours, for 2 Japanese speakers in Tokyo.
        q("japanese", ("Mon-Fri 09:00-18:00",), "Asia/Tokyo", 540, (
            r("Asia/Tokyo", 1.00, saas_chat, CONSUMER_WEEK),
        ), 140),
    ]  # fmt: skip


NAMED_DAYS = {"daily": range(7), "weekdays": range(5), "weekends": (5, 6)}


def parse_hours(hours: str | tuple[str, ...]) -> list[tuple[set[int], int, int]] | None:
    """Opening windows (weekdays, local start and end minutes), or None for 24/7.

    Entries are ``DAYS HH:MM-HH:MM`` with the end after the start (``24:00`` for
    midnight); ``DAYS`` is ``Mon-Fri``, ``Sat,Sun``, ``Sat-Mon`` (wraps) or ``daily``."""
    if hours == "24/7":
        return None
    windows = []
    for entry in (hours,) if isinstance(hours, str) else hours:
        days_text, span = entry.split()
        days: set[int] = set(NAMED_DAYS.get(days_text.lower(), ()))
        for part in days_text.split(",") if not days else ():
            first, _, last = part.partition("-")
            lo, hi = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
            days.update((lo + i) % 7 for i in range((hi - lo) % 7 + 1))
        start, end = span.split("-")
        windows.append((days, clock(start), clock(end)))
    return windows


def is_open(instant: datetime, windows: list[tuple[set[int], int, int]] | None, zone: str) -> bool:
    if windows is None:
        return True
    local = instant.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    return any(local.weekday() in days and lo <= minute < hi for days, lo, hi in windows)


def queue_forecast(
    queue: QueueSpec,
    target_hours: float,
    first: datetime,
    rows: int,
    step: int,
    start: datetime,
    interval: int,
    rng: random.Random,
) -> tuple[list[float], list[int], list[bool]]:
    """(contacts per row, required agents per interval of the week, open per interval)."""
    staff = staffing(**{**CHAT_STAFFING, "aht_seconds": queue.aht_seconds})
    windows = parse_hours(queue.hours)
    open_rows = [
        is_open(first + timedelta(minutes=r * step), windows, queue.zone) for r in range(rows)
    ]
    offset = int((start - first).total_seconds() // 60) // step
    per = interval // step
    week_open = [open_rows[offset + i * per] for i in range(WEEK_MINUTES // interval)]
    shape = volume_shape(
        list(queue.regions), first, rows, step, rng, row_noise=0.10, day_noise=0.05
    )
    shape = [v if o else CLOSED_TRICKLE * v for v, o in zip(shape, open_rows, strict=True)]
    aht = [float(queue.aht_seconds)] * rows

    def required_for(contacts: list[float]) -> list[int]:
        # The queue needs nobody while it is closed (the floor applies inside opening hours).
        req = required_hours(contacts, aht, first, step, start, interval, staff)
        return [n if o else 0 for n, o in zip(req, week_open, strict=True)]

    contacts, required = calibrate(shape, target_hours, interval, 1, required_for)
    return contacts, required, week_open


def check_multilingual_scenario(queues: list[QueueSpec]) -> None:
    """The hand-written scenario file must describe the queues this script generated."""
    scenario = tomllib.loads((ROOT / "scenarios" / "multilingual.toml").read_text("utf-8"))
    assert scenario["team"]["agents"] == "../data/multilingual/agents.csv"
    assert "forecast" not in scenario, "multilingual: queues replace [forecast]"
    assert scenario["staffing"] == CHAT_STAFFING, "multilingual: [staffing]"
    tables = scenario["queues"]
    assert list(tables) == [q.name for q in queues], "multilingual: queue names or order"
    for q in queues:
        table = tables[q.name]
        hours = table.get("hours", "24/7")
        assert table["forecast"] == f"../data/multilingual/{q.name}.csv", q.name
        assert (hours if isinstance(hours, str) else tuple(hours)) == q.hours, q.name
        assert table.get("hours_timezone", scenario["timezone"]) == q.zone, q.name
        aht = table.get("aht_seconds", scenario["staffing"]["aht_seconds"])
        assert aht == q.aht_seconds, q.name
        for key in CHAT_STAFFING.keys() - {"aht_seconds"}:
            assert table.get(key, CHAT_STAFFING[key]) == CHAT_STAFFING[key], (q.name, key)


def generate_multilingual() -> None:
    folder = DATA / "multilingual"
    rules = TeamRules()
    week_dates, start = sample_week()
    interval = step = 30
    agents = multilingual_team()
    contracted, reach = check_team("multilingual", agents, rules, start, week_dates, True)
    queues = multilingual_queues()
    check_multilingual_scenario(queues)
    names = {q.name for q in queues}
    for agent in agents:
        assert set(agent.skills) <= names, f"multilingual: {agent.id} has an unknown skill"

    first = start - timedelta(days=1)
    rows = 9 * 24 * 60 // step
    rng = random.Random(20260325)
    rest = 0.95 * contracted - sum(q.target_hours or 0 for q in queues)
    total = [0] * (WEEK_MINUTES // interval)
    lines = []
    for queue in queues:
        target = rest if queue.target_hours is None else queue.target_hours
        contacts, required, week_open = queue_forecast(
            queue, target, first, rows, step, start, interval, rng
        )
        total = [t + n for t, n in zip(total, required, strict=True)]
        write_csv(
            folder / f"{queue.name}.csv",
            ["start", "contacts"],
            [
                [iso_z(first + timedelta(minutes=r * step)), f"{c:.1f}"]
                for r, c in enumerate(contacts)
            ],
        )
        skilled = [a for a in agents if not a.skills or queue.name in a.skills]
        skilled_hours = sum(contract(a, rules, week_dates)[0] for a in skilled) / 60
        # Every open hour must be reachable by someone who speaks the language.
        skilled_reach = reachable_hours(skilled, rules, start, week_dates)
        per_hour = 60 // interval
        open_hours = [h for h in range(168) if any(week_open[h * per_hour : (h + 1) * per_hour])]
        missing = [h for h in open_hours if skilled_reach[h] == 0]
        assert not missing, f"multilingual: nobody for {queue.name} in week hours {missing}"
        hours = sum(required) * interval / 60
        open_total = sum(week_open) * interval / 60
        lines.append(
            f"  {queue.name:13s} required {hours:7.1f} agent-h in {open_total:5.1f} open h,"
            f" peak {max(required):2d}; {len(skilled):2d} agents with the skill, contracted"
            f" {skilled_hours:7.1f} h ({100 * hours / skilled_hours:5.1f}%)"
        )
    write_skilled_team(folder, agents)
    summary("multilingual", total, interval, contracted, reach)
    print("\n".join(lines))


# --- (e) one team on phone, live chat and email -------------------------------------------------

PHONE, PHONE_CHAT, CHAT_EMAIL, EVERY_QUEUE = "phone", "phone;chat", "chat;email;email-weekend", ""


def channels_team() -> list[AgentSpec]:
    a = skilled
    return [
        # Ireland (Dublin, GMT +0, IST +1 from Sunday 29 March): the chat and email desk's
        # clock; Máire leads the floor and takes any queue (empty skills cell)
        a("Aoife Byrne", "Europe/Dublin", PHONE),
        a("Cian Murphy", "Europe/Dublin", PHONE),
        a("Róisín Kelly", "Europe/Dublin", PHONE),
        a("Darragh Walsh", "Europe/Dublin", PHONE_CHAT),
        a("Sinéad O'Connor", "Europe/Dublin", PHONE_CHAT),
        a("Tomasz Nowak", "Europe/Dublin", PHONE_CHAT),
        a("Clodagh Ryan", "Europe/Dublin", CHAT_EMAIL),
        a("Fionn Doyle", "Europe/Dublin", CHAT_EMAIL),
        a("Grace Okafor", "Europe/Dublin", CHAT_EMAIL),
        a("Máire Gallagher", "Europe/Dublin", EVERY_QUEUE),
        # Germany (Berlin, CET +1, CEST +2 from Sunday 29 March)
        a("Lukas Becker", "Europe/Berlin", PHONE),
        a("Leonie Wagner", "Europe/Berlin", PHONE_CHAT),
        a("Paul Richter", "Europe/Berlin", PHONE_CHAT),
        a("Hannah Krüger", "Europe/Berlin", CHAT_EMAIL),
        a("Deniz Aydin", "Europe/Berlin", CHAT_EMAIL),
        # United States, east (New York, EDT -4 since 8 March)
        a("Tyrone Jackson", "America/New_York", PHONE),
        a("Megan Sullivan", "America/New_York", PHONE),
        a("Brianna Scott", "America/New_York", PHONE_CHAT),
        a("Kevin O'Neill", "America/New_York", PHONE_CHAT),
        a("Rachel Goldberg", "America/New_York", CHAT_EMAIL),
        a("Marcus Reid", "America/New_York", CHAT_EMAIL),
        a("Dana Whitfield", "America/New_York", EVERY_QUEUE),
        # Mexico (Mexico City, -6, no DST): the evening and early night in UTC
        a("Luis Hernández", "America/Mexico_City", PHONE),
        a("Ximena Ruiz", "America/Mexico_City", PHONE),
        a("Carlos Mendoza", "America/Mexico_City", PHONE_CHAT),
        a("Paola Jiménez", "America/Mexico_City", CHAT_EMAIL),
        a("Andrés Salinas", "America/Mexico_City", CHAT_EMAIL),
        # Australia (Sydney, AEDT +11 until 5 April)
        a("Jack Mitchell", "Australia/Sydney", PHONE),
        a("Ruby Campbell", "Australia/Sydney", PHONE),
        a("Ethan Lee", "Australia/Sydney", PHONE),
        a("Zoe Papadopoulos", "Australia/Sydney", CHAT_EMAIL),
        # Philippines (Manila, +8)
        a("Rhea Santos", "Asia/Manila", PHONE),
        a("Jomar Reyes", "Asia/Manila", PHONE),
        a("Aileen Bautista", "Asia/Manila", PHONE),
        a("Renz Villanueva", "Asia/Manila", PHONE_CHAT),
        a("Trisha Mercado", "Asia/Manila", CHAT_EMAIL),
        a("Paolo Ocampo", "Asia/Manila", CHAT_EMAIL),
        a("Joy Fernandez", "Asia/Manila", CHAT_EMAIL),
        a("Liza Manalo", "Asia/Manila", EVERY_QUEUE),
        # India (Kolkata, +5:30)
        a("Sourav Ghosh", "Asia/Kolkata", PHONE),
        a("Moumita Roy", "Asia/Kolkata", PHONE),
        a("Arnab Chatterjee", "Asia/Kolkata", PHONE_CHAT),
        a("Ishita Bose", "Asia/Kolkata", PHONE_CHAT),
        a("Debjani Mukherjee", "Asia/Kolkata", CHAT_EMAIL),
        a("Rajat Sen", "Asia/Kolkata", CHAT_EMAIL),
        a("Anirban Dutta", "Asia/Kolkata", EVERY_QUEUE),
        # Nepal (Kathmandu, +5:45)
        a("Prakash Thapa", "Asia/Kathmandu", PHONE),
        a("Srijana Karki", "Asia/Kathmandu", PHONE_CHAT),
        a("Nabin Adhikari", "Asia/Kathmandu", CHAT_EMAIL),
        a("Pooja Rai", "Asia/Kathmandu", CHAT_EMAIL),
    ]


# The scenario's [staffing] (the phone line's) and its [queues.NAME] tables without
# their forecast key, exactly as scenarios/channels.toml has them.
CHANNELS_STAFFING = {
    "aht_seconds": 360, "service_level": 0.8, "answer_seconds": 20,
    "max_occupancy": 0.85, "shrinkage": 0.30, "min_agents": 1,
}  # fmt: skip
CHANNEL_QUEUES: dict[str, dict[str, object]] = {
    "phone": {
        "channel": "voice", "hours": "24/7", "patience_seconds": 240, "max_abandon": 0.05,
        "min_agents": 2, "priority": 3,
    },
    "chat": {
        "channel": "chat", "hours": "daily 08:00-20:00", "hours_timezone": "Europe/Dublin",
        "concurrency": 2, "aht_seconds": 720, "answer_seconds": 60, "priority": 2,
    },
    "email": {
        "channel": "email", "hours": ["Mon-Fri 00:00-24:00", "Sat 00:00-04:00"],
        "hours_timezone": "Europe/Dublin", "answer_within_hours": 4, "service_level": 0.95,
        "aht_seconds": 420,
    },
    "email-weekend": {
        "channel": "email", "hours": "Sat-Mon 08:00-20:00", "hours_timezone": "Europe/Dublin",
        "answer_within_hours": 24, "aht_seconds": 420,
    },
}  # fmt: skip
# Email queues: the days (on the queue's clock) whose emails they take.
EMAIL_ARRIVALS = {"email": "Mon-Fri 00:00-24:00", "email-weekend": "Sat-Sun 00:00-24:00"}
CHANNELS_LOAD = 0.90  # voice and chat requirement plus email work, share of contracted hours
CHAT_TARGET_HOURS = 380.0  # chat's required agent-hours; phone takes the rest
EMAIL_TARGET_HOURS = 380.0  # agent-hours of email work, both queues (split by arrival day)


def inbox(hour: float) -> float:
    """Emails on the sender's clock: the working day, and a long evening tail from home."""
    return (
        0.10
        + 0.90 * bump(hour, 10.5, 2.2)
        + 0.75 * bump(hour, 15.0, 2.2)
        + 0.45 * bump(hour, 21.0, 1.8)
    )


def channel_regions() -> dict[str, tuple[Region, ...]]:
    """Where each queue's customers are (both email queues share one inbox)."""
    r = Region
    everyone = (
        r("Europe/London", 0.22, phone_line, CONSUMER_WEEK),
        r("Europe/Dublin", 0.08, phone_line, CONSUMER_WEEK),
        r("Europe/Berlin", 0.12, phone_line, CONSUMER_WEEK),
        r("America/New_York", 0.20, phone_line, CONSUMER_WEEK),
        r("America/Chicago", 0.07, phone_line, CONSUMER_WEEK),
        r("America/Los_Angeles", 0.08, phone_line, CONSUMER_WEEK),
        r("Australia/Sydney", 0.10, phone_line, CONSUMER_WEEK),
        r("Asia/Kolkata", 0.08, phone_line, CONSUMER_WEEK),
        r("Asia/Manila", 0.05, phone_line, CONSUMER_WEEK),
    )
    return {
        "phone": everyone,
        "chat": (
            r("Europe/London", 0.35, saas_chat, CONSUMER_WEEK),
            r("Europe/Dublin", 0.15, saas_chat, CONSUMER_WEEK),
            r("Europe/Berlin", 0.20, saas_chat, CONSUMER_WEEK),
            r("Europe/Paris", 0.10, saas_chat, CONSUMER_WEEK),
            r("America/New_York", 0.15, saas_chat, CONSUMER_WEEK),
            r("Asia/Kolkata", 0.05, saas_chat, CONSUMER_WEEK),
        ),
        "inbox": tuple(r(x.zone, x.weight, inbox, CONSUMER_WEEK) for x in everyone),
    }


def check_channels_scenario() -> None:
    """The hand-written scenario file must describe the queues this script generates."""
    scenario = tomllib.loads((ROOT / "scenarios" / "channels.toml").read_text("utf-8"))
    assert scenario["team"]["agents"] == "../data/channels/agents.csv"
    assert "forecast" not in scenario, "channels: queues replace [forecast]"
    assert scenario["timezone"] == "UTC" and scenario["interval_minutes"] == 30
    assert scenario["staffing"] == CHANNELS_STAFFING, "channels: [staffing]"
    tables = scenario["queues"]
    assert list(tables) == list(CHANNEL_QUEUES), "channels: queue names or order"
    for name, table in tables.items():
        assert table["forecast"] == f"../data/channels/{name}.csv", name
        rest = {k: v for k, v in table.items() if k != "forecast"}
        assert rest == CHANNEL_QUEUES[name], f"channels: [queues.{name}]"


def queue_staffing(name: str) -> object:
    """The queue's staffing: the scenario's, with its own keys (email: floor 0, and its
    ``service_level`` is the share answered within the window, not a staffing key)."""
    table = CHANNEL_QUEUES[name]
    own = {k: v for k, v in table.items() if k in CHANNELS_STAFFING}
    if table["channel"] == "email":
        own = {**{k: v for k, v in own.items() if k != "service_level"}, "min_agents": 0}
    return staffing(**{**CHANNELS_STAFFING, **own})


def generate_channels() -> None:
    folder = DATA / "channels"
    rules = TeamRules()
    week_dates, start = sample_week()
    interval = step = 30
    agents = channels_team()
    contracted, reach = check_team("channels", agents, rules, start, week_dates, True)
    check_channels_scenario()
    for agent in agents:
        assert set(agent.skills) <= set(CHANNEL_QUEUES), f"channels: {agent.id}'s skills"

    first = start - timedelta(days=1)
    rows = 9 * 24 * 60 // step
    offset = int((start - first).total_seconds() // 60) // step
    intervals = WEEK_MINUTES // interval
    rng = random.Random(20260326)
    regions = channel_regions()
    # Email first: one inbox, its rows split between the queues by the day they arrive.
    inbox_shape = volume_shape(
        list(regions["inbox"]), first, rows, step, rng, row_noise=0.15, day_noise=0.06
    )
    aht = float(CHANNEL_QUEUES["email"]["aht_seconds"])  # type: ignore[arg-type]
    assert CHANNEL_QUEUES["email-weekend"]["aht_seconds"] == aht
    shrink = queue_staffing("email").shrinkage  # type: ignore[attr-defined]
    week_rows = range(offset, offset + intervals)

    def work_hours(contacts: list[float]) -> float:
        """Agent-hours on the queue that the week's emails take, after shrinkage."""
        return sum(contacts[r] for r in week_rows) * aht / 3600 / (1 - shrink)

    scale = EMAIL_TARGET_HOURS / work_hours(inbox_shape)
    inbox_contacts = [round(scale * v, 1) for v in inbox_shape]
    forecasts: dict[str, list[float]] = {}
    for name, days in EMAIL_ARRIVALS.items():
        zone = str(CHANNEL_QUEUES[name]["hours_timezone"])
        arriving = parse_hours(days)
        forecasts[name] = [
            c if is_open(first + timedelta(minutes=r * step), arriving, zone) else 0.0
            for r, c in enumerate(inbox_contacts)
        ]
    email_hours = sum(work_hours(forecasts[name]) for name in EMAIL_ARRIVALS)

    # Phone and chat: sized interval by interval on their own channel's model.
    def open_rows(name: str) -> list[bool]:
        table = CHANNEL_QUEUES[name]
        windows = parse_hours(table["hours"])  # type: ignore[arg-type]
        zone = str(table.get("hours_timezone", "UTC"))
        return [is_open(first + timedelta(minutes=r * step), windows, zone) for r in range(rows)]

    required: dict[str, list[int]] = {}
    for name, target in (("chat", CHAT_TARGET_HOURS), ("phone", None)):
        if target is None:
            target = (
                CHANNELS_LOAD * contracted
                - email_hours
                - sum(sum(n) * interval / 60 for n in required.values())
            )
        table, staff = CHANNEL_QUEUES[name], queue_staffing(name)
        is_open_row = open_rows(name)
        week_open = [is_open_row[offset + i] for i in range(intervals)]
        shape = volume_shape(list(regions[name]), first, rows, step, rng, 0.10, 0.05)
        shape = [v if o else CLOSED_TRICKLE * v for v, o in zip(shape, is_open_row, strict=True)]
        handle = [float(staff.aht_seconds)] * rows  # type: ignore[attr-defined]

        def needed(
            traffic: float, mean: float, table: dict[str, object] = table, staff: object = staff
        ) -> int:
            return agents_needed(
                traffic, mean, staff,
                int(table.get("concurrency", 1)),  # type: ignore[call-overload]
                table.get("patience_seconds"),  # type: ignore[arg-type]
                table.get("max_abandon"),  # type: ignore[arg-type]
            )  # fmt: skip

        def required_for(
            contacts: list[float], handle: list[float] = handle, staff: object = staff,
            needed: object = needed, week_open: list[bool] = week_open,
        ) -> list[int]:  # fmt: skip
            req = required_hours(contacts, handle, first, step, start, interval, staff, needed)
            return [n if o else 0 for n, o in zip(req, week_open, strict=True)]

        forecasts[name], required[name] = calibrate(shape, target, interval, 1, required_for)

    lines = []
    for name, table in CHANNEL_QUEUES.items():
        write_csv(
            folder / f"{name}.csv",
            ["start", "contacts"],
            [
                [iso_z(first + timedelta(minutes=r * step)), f"{c:.1f}"]
                for r, c in enumerate(forecasts[name])
            ],
        )
        skilled_agents = [a for a in agents if not a.skills or name in a.skills]
        skilled_hours = sum(contract(a, rules, week_dates)[0] for a in skilled_agents) / 60
        skilled_reach = reachable_hours(skilled_agents, rules, start, week_dates)
        is_open_row = open_rows(name)
        week_open = [is_open_row[offset + i] for i in range(intervals)]
        per_hour = 60 // interval
        open_hours = [h for h in range(168) if any(week_open[h * per_hour : (h + 1) * per_hour])]
        floor = 0 if table["channel"] == "email" else queue_staffing(name).min_agents  # type: ignore[attr-defined]
        short = [h for h in open_hours if skilled_reach[h] < max(1, floor)]
        assert not short, f"channels: too few for {name} in week hours {short}"
        open_total = sum(week_open) * interval / 60
        if table["channel"] == "email":
            # Every email's window (wrapping the week) holds open hours someone can reach.
            window = round(float(table["answer_within_hours"]) * 60) // interval  # type: ignore[arg-type]
            for i in range(intervals):
                if forecasts[name][offset + i] > 0:
                    inside = [(i + k) % intervals for k in range(window)]
                    assert any(week_open[j] and skilled_reach[j // per_hour] for j in inside), (
                        f"channels: {name} emails of week interval {i} cannot be answered in time"
                    )
            emails = sum(forecasts[name][r] for r in week_rows)
            hours = work_hours(forecasts[name])
            what = f"{emails:5.0f} emails, work {hours:6.1f} agent-h, window {window // 2:2d} h"
        else:
            hours = sum(required[name]) * interval / 60
            what = f"required {hours:6.1f} agent-h, peak {max(required[name]):2d}"
        lines.append(
            f"  {name:13s} {what} in {open_total:5.1f} open h; {len(skilled_agents):2d} agents"
            f" with the skill, contracted {skilled_hours:6.1f} h"
            f" ({100 * hours / skilled_hours:4.1f}%)"
        )
    write_skilled_team(folder, agents)
    timed = sum(sum(n) for n in required.values()) * interval / 60
    total = timed + email_hours
    print(
        f"{'channels':15s} required {total:7.1f} agent-h (phone and chat {timed:.1f}, email work"
        f" {email_hours:.1f}), contracted {contracted:7.1f} h ({100 * total / contracted:5.1f}%);"
        f" {min(reach)}-{max(reach)} agents can reach each hour"
    )
    print("\n".join(lines))


def main() -> None:
    generate_global()
    generate_small_team()
    generate_contact_center()
    generate_multilingual()
    generate_channels()


if __name__ == "__main__":
    main()
