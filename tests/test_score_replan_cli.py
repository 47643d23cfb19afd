"""``coverage score`` and ``coverage replan`` through typer's CliRunner: round trips
through the calendars, exit codes, and the files other tools read."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from coverage.cli import app

runner = CliRunner()
DATA = Path(__file__).parent / "data"
QUEUES = DATA / "queues" / "scenario.toml"
TINY = DATA / "tiny" / "scenario.toml"
FIGURES = ("uncovered_hours", "shortfall_agent_hours", "required_agent_hours")
EPOCH = "1774000000"  # a fixed calendar stamp, so SEQUENCE can be compared


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    return result.exit_code, result.output


def summary(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "summary.json").read_text())
    return data


def events(path: Path) -> list[dict[str, str]]:
    calendar = Calendar.from_ical(path.read_text(encoding="utf-8"))
    return [
        {
            "uid": str(e["UID"]),
            "sequence": str(e.get("SEQUENCE", "")),
            "status": str(e.get("STATUS", "")),
            "start": e.decoded("DTSTART").isoformat(),
        }
        for e in calendar.walk("VEVENT")
    ]


@pytest.fixture(scope="module")
def queues_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two-queue Dublin team planned, with its calendars."""
    out = tmp_path_factory.mktemp("plan")
    code, output = run("plan", str(QUEUES), "--out", str(out), "--time-limit", "5", "--seed", "0")
    assert code == 0, output
    code, output = run("export", str(out), "--format", "ics")
    assert code == 0, output
    return out


@pytest.mark.parametrize("source", ["", "roster.csv", "calendars/ics/team.ics", "calendars/ics"])
def test_scoring_a_plan_in_any_form_gives_the_plans_own_figures(
    queues_plan: Path, tmp_path: Path, source: str
) -> None:
    # plan -> export -> score: the calendars carry each shift's queues in their
    # description, so the scored roster serves as the plan did.
    code, output = run("score", str(QUEUES), str(queues_plan / source), "--out", str(tmp_path))
    assert code == 0, output
    scored, planned = summary(tmp_path), summary(queues_plan)
    assert scored["status"] == "SCORED" and scored["violations"] == 0
    assert not scored["queues_allocated"]
    for figure in FIGURES:
        assert scored[figure] == planned[figure], figure
    assert (tmp_path / "activities.csv").read_text() == (queues_plan / "activities.csv").read_text()
    assert (tmp_path / "violations.csv").read_text().splitlines() == [
        "agent_id,rule,shift_start_local,shift_end_local,detail"
    ]
    assert "No hard rule broken" in output


def test_score_finds_broken_rules_and_strict_makes_them_exit_4(tmp_path: Path) -> None:
    roster = tmp_path / "hand.csv"
    # d1 works one 9-hour Monday: shift length and weekly hours; d2 nothing.
    roster.write_text("agent_id,start,end\nd1,2026-03-23T08:00,17:00\n", encoding="utf-8")
    code, output = run("score", str(TINY), str(roster), "--out", str(tmp_path / "out"))
    assert code == 0, output
    with (tmp_path / "out" / "violations.csv").open() as file:
        rules = {(row["agent_id"], row["rule"]) for row in csv.DictReader(file)}
    assert {("d1", "shift length"), ("d1", "weekly hours"), ("d2", "weekly hours")} <= rules
    assert "Broken rules" in output
    code, _ = run("score", str(TINY), str(roster), "--out", str(tmp_path / "out"), "--strict")
    assert code == 4


def test_a_roster_row_naming_an_unknown_agent_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    roster = tmp_path / "hand.csv"
    roster.write_text("agent_id,start,end\nzoe,2026-03-23T08:00,16:00\n", encoding="utf-8")
    code, output = run("score", str(TINY), str(roster), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "hand.csv row 2, column agent_id: agent 'zoe' is not in the team" in output
    assert "Traceback" not in output and not (tmp_path / "out").exists()


def test_compare_shows_what_the_optimiser_would_gain(tmp_path: Path) -> None:
    roster = tmp_path / "hand.csv"
    # Both agents Monday to Friday 09:00-17:00: 168 - 40 hours uncovered at best.
    rows = [f"{a},2026-03-{23 + d}T09:00,17:00" for a in ("d1", "d2") for d in range(5)]
    roster.write_text("agent_id,start,end\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, output = run(
        "score", str(TINY), str(roster), "--out", str(tmp_path / "out"),
        "--compare", "--time-limit", "10", "--seed", "0",
    )  # fmt: skip
    assert code == 0, output
    compared = summary(tmp_path / "out")["compared"]
    assert isinstance(compared, dict)
    assert compared["uncovered_hours"] == {"theirs": 128.0, "ours": 91.0}
    assert "What solving the week would gain" in output and "your roster" in output


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    code, output = run("plan", str(TINY), "--out", str(out), "--seed", "0")
    assert code == 0, output
    return out


def test_replan_writes_changes_and_calendars_that_update_the_published_ones(
    tiny_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    code, output = run(
        "export", str(tiny_plan), "--format", "ics,google", "--out", str(tmp_path / "published")
    )
    assert code == 0, output
    # d1 is out on the third date she works (which the plan chose among equal optima).
    with (tiny_plan / "roster.csv").open() as file:
        absent = [row["date"] for row in csv.DictReader(file) if row["agent_id"] == "d1"][2]
    out = tmp_path / "replan"
    code, output = run(
        "replan", str(TINY), "--roster", str(tmp_path / "published" / "ics"),
        "--absent", f"d1:{absent}..{absent}", "--now", "2026-03-22T00:00",
        "--out", str(out), "--export", "ics,google", "--time-limit", "10", "--seed", "0",
    )  # fmt: skip
    assert code == 0, output
    assert "removed (absent)" in output and "Before and after" in output
    with (out / "changes.csv").open() as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == [
            "agent_id", "kind", "old_start_local", "old_end_local",
            "new_start_local", "new_end_local",
        ]  # fmt: skip
        changes = list(reader)
    assert {"agent_id": "d1", "kind": "removed"}.items() <= changes[0].items()
    assert changes[0]["old_start_local"].startswith(f"{absent}T")
    # The update keeps the published UIDs: the absent day is cancelled under
    # its old UID, and every changed event has a higher SEQUENCE than before.
    before = {e["uid"]: e for e in events(tmp_path / "published" / "ics" / "d1.ics")}
    after = events(out / "calendars" / "ics" / "d1.ics")
    cancelled = [e for e in after if e["status"] == "CANCELLED"]
    assert len(cancelled) == 1 and cancelled[0]["uid"] in before
    assert int(cancelled[0]["sequence"]) > int(before[cancelled[0]["uid"]]["sequence"])
    for event in after:
        if event["uid"] in before and event["status"] != "CANCELLED":
            assert int(event["sequence"]) >= int(before[event["uid"]]["sequence"])
    # Only agents whose week changed get a file (team.ics is everyone's week).
    changed = {row["agent_id"] for row in changes}
    files = {p.stem for p in (out / "calendars" / "ics").glob("*.ics")} - {"team"}
    assert files == changed
    assert {p.stem for p in (out / "calendars" / "google").glob("*.csv")} == changed
    # Re-imported, the update is the re-planned roster (cancelled events left out).
    code, output = run(
        "score",
        str(TINY),
        str(out / "calendars" / "ics" / "team.ics"),
        "--out",
        str(tmp_path / "s"),
    )
    assert code == 0, output
    for figure in FIGURES:
        assert summary(tmp_path / "s")[figure] == summary(out)[figure]
    # It is scored with the re-plan's absence: d1's shorter week breaks no rule.
    assert summary(tmp_path / "s")["violations"] == 0
    assert "Scored with the re-plan's 1 absence(s)" in output


def test_replan_with_max_changes_zero_leaves_the_absence_uncovered(
    tiny_plan: Path, tmp_path: Path
) -> None:
    code, output = run(
        "replan", str(TINY), "--roster", str(tiny_plan), "--absent", "d2:2026-03-24..2026-03-24",
        "--now", "2026-03-22T00:00", "--max-changes", "0", "--out", str(tmp_path),
        "--time-limit", "10", "--seed", "0",
    )  # fmt: skip
    assert code == 0, output
    data = summary(tmp_path)["replan"]
    assert isinstance(data, dict)
    assert data["shifts_changed"] == 0 and data["removed_by_absence"] == 1
    before = data["before"]
    assert before["replanned"]["uncovered_hours"] == before["absence_no_change"]["uncovered_hours"]
    assert before["replanned"]["uncovered_hours"] > before["published"]["uncovered_hours"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--absent", "zoe:2026-03-24..2026-03-24"], "'zoe' is not in the team"),
        (["--absent", "d1"], "expected AGENT:FROM..TO"),
        ([], "name who is out"),
        (["--absent", "d1:2026-03-24..2026-03-24", "--now", "soon"], "--now: 'soon'"),
        (
            ["--absent", "d1:2026-03-24..2026-03-24", "--now", "2026-04-30"],
            "every shift has started",
        ),
    ],
)
def test_replan_input_errors_are_one_line_and_exit_2(
    tiny_plan: Path, tmp_path: Path, args: list[str], problem: str
) -> None:
    out = tmp_path / "out"
    code, output = run("replan", str(TINY), "--roster", str(tiny_plan), "--out", str(out), *args)
    assert code == 2, output
    assert problem in output and "Traceback" not in output and not out.exists()
