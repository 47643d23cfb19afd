"""Calendars land at the right instant, in weeks when clocks change, and safely."""

from __future__ import annotations

import functools
import io
from datetime import UTC, date
from pathlib import Path

import pandas as pd
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from coverage.cli import app
from coverage.export import GOOGLE_COLUMNS, OUTLOOK_COLUMNS, event_uid, export_files
from coverage.inputs import RosterRow, read_roster
from coverage.models import Agent, ExportSettings, Rules
from coverage.outputs import safe_file_names, write_files
from coverage.plan import make_plan
from tests.conftest import WEEK_OF_MARCH, WEEK_OF_OCTOBER, scenario

ZONES = ("Asia/Kolkata", "Australia/Sydney", "America/Los_Angeles")
SETTINGS = ExportSettings()


def planned_roster(folder: Path, week: date, agents: list[Agent]) -> tuple[list[RosterRow], str]:
    """Plan the week, write it like `coverage plan`, read the roster back (solved once per team)."""
    write_files(folder, _plan_files(week, tuple(agents)))
    return read_roster(folder)


@functools.cache
def _plan_files(week: date, agents: tuple[Agent, ...]) -> dict[str, str]:
    return make_plan(scenario(list(agents), 1, week_start=week), time_limit=20, workers=1).files()


def team(*names: tuple[str, str, str]) -> list[Agent]:
    return [Agent(id=i, name=n, timezone=z, rules=Rules()) for i, n, z in names]


TRIO = team(("in", "Asha", ZONES[0]), ("au", "Liam", ZONES[1]), ("us", "Maya", ZONES[2]))


@pytest.mark.parametrize("week", [WEEK_OF_MARCH, WEEK_OF_OCTOBER])
def test_every_ics_event_is_at_the_rosters_utc_instant(tmp_path: Path, week: date) -> None:
    rows, name = planned_roster(tmp_path, week, TRIO)
    expected = {(r.agent_id, r.shift.start_utc, r.shift.end_utc) for r in rows}
    files = export_files(rows, name, SETTINGS, "ics")
    assert set(files) == {"in.ics", "au.ics", "us.ics", "team.ics"}
    seen = set()
    for file_name, text in files.items():
        calendar = Calendar.from_ical(text)
        tzids = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
        for event in calendar.walk("VEVENT"):
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            assert str(event["DTSTART"].params["TZID"]) in tzids  # VTIMEZONE is embedded
            assert start.tzinfo is not None and start.utcoffset() is not None
            agent_id = next(r.agent_id for r in rows if event_uid(r) == str(event["UID"]))
            seen.add((file_name, agent_id, start.astimezone(UTC), end.astimezone(UTC)))
    team_events = {(a, s, e) for f, a, s, e in seen if f == "team.ics"}
    agent_events = {(a, s, e) for f, a, s, e in seen if f != "team.ics"}
    assert team_events == expected
    assert agent_events == expected


def test_ics_text_is_folded_escaped_and_stamped_in_utc(tmp_path: Path) -> None:
    agents = team(("x", 'Ana, the "night"; owl with a very long name indeed ' * 2, "Asia/Kolkata"))
    rows, name = planned_roster(tmp_path, WEEK_OF_MARCH, agents)
    text = export_files(rows, name, SETTINGS, "ics")["x.ics"]
    assert "\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "Ana\\, the" in text and "\\;" in text
    stamps = [line for line in text.split("\r\n") if line.startswith("DTSTAMP")]
    assert stamps and all(line.endswith("Z") for line in stamps)


def test_uids_are_stable_for_the_same_agent_and_local_date(tmp_path: Path) -> None:
    rows, name = planned_roster(tmp_path, WEEK_OF_MARCH, TRIO)
    first = Calendar.from_ical(export_files(rows, name, SETTINGS, "ics")["team.ics"])
    second = Calendar.from_ical(export_files(rows, name, SETTINGS, "ics")["team.ics"])
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in second.walk("VEVENT")]
    assert len(set(uids)) == len(uids)
    # A shift moved on the same day keeps its UID, so a re-import updates it.
    row = rows[0]
    moved = RosterRow(row.agent_id, row.agent_name, row.timezone, type(row.shift)(
        row.agent_id, row.shift.start_utc.replace(minute=30), row.shift.end_utc.replace(minute=30)
    ))  # fmt: skip
    assert event_uid(moved) == event_uid(row)


@pytest.mark.parametrize(
    ("fmt", "columns"), [("google", GOOGLE_COLUMNS), ("outlook", OUTLOOK_COLUMNS)]
)
@pytest.mark.parametrize("week", [WEEK_OF_MARCH, WEEK_OF_OCTOBER])
def test_csv_calendars_round_trip_to_the_agents_local_times(
    tmp_path: Path, fmt: str, columns: list[str], week: date
) -> None:
    rows, name = planned_roster(tmp_path, week, TRIO)
    files = export_files(rows, name, SETTINGS, fmt)
    for agent_id in ("in", "au", "us"):
        frame = pd.read_csv(io.StringIO(files[f"{agent_id}.csv"]), dtype=str, keep_default_na=False)
        assert list(frame.columns) == columns
        got = sorted(
            (
                pd.to_datetime(f"{r['Start Date']} {r['Start Time']}", format="%m/%d/%Y %I:%M %p"),
                pd.to_datetime(f"{r['End Date']} {r['End Time']}", format="%m/%d/%Y %I:%M %p"),
            )
            for _, r in frame.iterrows()
        )
        mine = [r for r in rows if r.agent_id == agent_id]
        want = sorted(
            (
                pd.Timestamp(
                    r.shift.start_utc.astimezone(
                        __import__("zoneinfo").ZoneInfo(r.timezone)
                    ).replace(tzinfo=None)
                ),
                pd.Timestamp(
                    r.shift.end_utc.astimezone(__import__("zoneinfo").ZoneInfo(r.timezone)).replace(
                        tzinfo=None
                    )
                ),
            )
            for r in mine
        )
        assert got == want
        assert frame["Description"].str.contains(mine[0].timezone).all()


def test_formula_names_and_path_like_ids_are_made_safe(tmp_path: Path) -> None:
    agents = team(
        ("../../etc/passwd", '=HYPERLINK("http://x")', "Europe/Dublin"),
        ("CON", "+Plus Sign", "Asia/Kolkata"),
    )
    rows, name = planned_roster(tmp_path / "plan", WEEK_OF_MARCH, agents)
    roster_text = (tmp_path / "plan" / "roster.csv").read_text()
    assert "'=HYPERLINK" in roster_text and "'+Plus Sign" in roster_text
    # Reading back undoes the neutralising: the name is the real name again.
    assert {r.agent_name for r in rows} == {'=HYPERLINK("http://x")', "+Plus Sign"}
    out = tmp_path / "calendars"
    for fmt in ("google", "outlook", "ics"):
        files = export_files(rows, name, ExportSettings(subject="{agent}"), fmt)
        write_files(out / fmt, files)
        for path in (out / fmt).iterdir():
            assert path.resolve().parent == (out / fmt).resolve()
            assert path.name.split(".")[0].upper() != "CON"
        if fmt != "ics":
            for text in files.values():
                frame = pd.read_csv(io.StringIO(text), dtype=str)
                assert not frame["Subject"].str.match(r"^[=+\-@]").any()
    assert not (tmp_path / "etc").exists()


def test_file_names_are_unique_and_stay_in_their_folder() -> None:
    names = safe_file_names(["../a", "a", "A", "nul", ".hidden", "x/y\\z", ""], ".csv")
    assert names == [
        "a.csv",
        "a-2.csv",
        "A-3.csv",
        "_nul.csv",
        "hidden.csv",
        "x_y_z.csv",
        "agent.csv",
    ]


def test_export_command_writes_each_format_and_plan_exports_in_one_go(
    tiny_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    plan = runner.invoke(
        app,
        ["plan", str(tiny_dir / "scenario.toml"), "--out", str(tmp_path), "--export", "ics,google"],
    )
    assert plan.exit_code == 0, plan.output
    assert {p.name for p in (tmp_path / "calendars" / "ics").iterdir()} == {
        "d1.ics",
        "d2.ics",
        "team.ics",
    }
    assert {p.name for p in (tmp_path / "calendars" / "google").iterdir()} == {"d1.csv", "d2.csv"}
    result = runner.invoke(
        app, ["export", str(tmp_path), "--format", "outlook", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "o" / "outlook").iterdir()} == {"d1.csv", "d2.csv"}


def test_plan_export_writes_the_same_calendars_as_export_from_roster_csv(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # plan --export builds its calendars from the roster in memory; export reads
    # roster.csv back. With a fixed DTSTAMP the files must match byte for byte.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    runner = CliRunner()
    plan = runner.invoke(
        app, ["plan", str(tiny_dir / "scenario.toml"), "--out", str(tmp_path), "--export", "ics"]
    )
    assert plan.exit_code == 0, plan.output
    again = runner.invoke(
        app, ["export", str(tmp_path), "--format", "ics", "--out", str(tmp_path / "again")]
    )
    assert again.exit_code == 0, again.output
    from_plan = sorted((tmp_path / "calendars" / "ics").iterdir())
    assert [p.name for p in from_plan] == ["d1.ics", "d2.ics", "team.ics"]
    for path in from_plan:
        assert path.read_bytes() == (tmp_path / "again" / "ics" / path.name).read_bytes()


def test_an_unknown_format_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--format", "vcs"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: --format: unknown format 'vcs'; use google, outlook, ics"
    ]


def test_a_missing_roster_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--format", "ics"])
    assert result.exit_code == 2
    assert result.output.strip().endswith("roster.csv: file not found")


def test_export_templates_are_checked_when_the_scenario_loads(
    tiny_dir: Path, tmp_path: Path
) -> None:
    text = (tiny_dir / "scenario.toml").read_text()
    broken = tmp_path / "scenario.toml"
    broken.write_text(text + '\n[export]\nsubject = "Shift {nope}"\n')
    for name in ("agents.csv", "forecast.csv"):
        (tmp_path / name).write_text((tiny_dir / name).read_text())
    result = CliRunner().invoke(app, ["check", str(broken)])
    assert result.exit_code == 2
    assert "key export.subject: unknown field {nope}" in result.output
