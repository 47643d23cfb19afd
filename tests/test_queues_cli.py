"""Queues from the command line: plan, check, export and hire on the tiny queues team.

``tests/data/queues`` is the tiny Dublin team with English (24/7, priority 2)
and German (Mon-Fri 08:00-18:00 Berlin time); only d1 speaks German.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from coverage.cli import app

QUEUES = Path(__file__).parent / "data" / "queues"
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    code, output = run(
        "plan", str(QUEUES / "scenario.toml"), "--out", str(out), "--time-limit", "10"
    )
    assert code == 0, output
    return out


def test_plan_writes_activities_and_coverage_per_queue(planned: Path) -> None:
    activities = pd.read_csv(planned / "activities.csv")
    assert list(activities.columns) == ["agent_id", "queue", "start_utc", "end_utc"]
    assert set(activities["queue"]) <= {"english", "german"}
    assert set(activities.loc[activities["agent_id"] == "d2", "queue"]) == {"english"}
    coverage = pd.read_csv(planned / "coverage.csv")
    assert list(coverage.columns) == [
        "queue", "start_utc", "end_utc", "required", "scheduled", "shortfall",
    ]  # fmt: skip
    assert list(coverage["queue"].unique()) == ["english", "german"]  # scenario order
    assert (coverage["queue"] == "german").sum() == 168
    # German requires nobody while closed: 10 hours a weekday, 50 in the week.
    german = coverage[coverage["queue"] == "german"]
    assert (german["required"] > 0).sum() == 50
    # Scheduled is counted from activities.csv: the hours each queue is served.
    starts = pd.to_datetime(activities["start_utc"])
    served = (pd.to_datetime(activities["end_utc"]) - starts).dt.total_seconds() / 3600
    for name in ("english", "german"):
        rows = coverage[coverage["queue"] == name]
        assert rows["scheduled"].sum() == pytest.approx(served[activities["queue"] == name].sum())


def test_the_summary_and_the_terminal_show_each_queue(planned: Path) -> None:
    summary = json.loads((planned / "summary.json").read_text())
    records = {q["queue"]: q for q in summary["queues"]}
    assert set(records) == {"english", "german"}
    assert records["german"]["hours"] == "Mon-Fri 08:00-18:00"
    assert records["german"]["hours_timezone"] == "Europe/Berlin"
    assert records["german"]["agents_with_skill"] == 1
    assert records["english"]["priority"] == 2
    # One German speaker, 40 h, cannot cover 50 open hours.
    assert records["german"]["uncovered_hours"] >= 10
    gaps = pd.read_csv(planned / "gaps.csv")
    assert gaps.columns[0] == "queue"
    assert set(gaps["queue"]) <= {"english", "german"}


def test_plan_shows_one_queues_heatmap_with_queue(tmp_path: Path) -> None:
    code, output = run(
        "plan", str(QUEUES / "scenario.toml"), "--out", str(tmp_path), "--time-limit", "5",
        "--queue", "german",
    )  # fmt: skip
    assert code == 0, output
    assert "german: Agents on" in output and "english: Agents on" not in output
    assert "Queues" in output


def test_an_unknown_queue_on_the_command_line_is_a_one_line_error(tmp_path: Path) -> None:
    code, output = run(
        "plan", str(QUEUES / "scenario.toml"), "--out", str(tmp_path), "--queue", "klingon"
    )
    assert code == 2
    assert "--queue: unknown queue 'klingon'; the queues are english, german" in output
    assert not any(tmp_path.iterdir())


def test_check_lists_queue_hours_in_utc_and_who_serves_each(tmp_path: Path) -> None:
    code, output = run("check", str(QUEUES / "scenario.toml"))
    assert code == 0, output
    assert "Mon-Fri 08:00-18:00 (Europe/Berlin)" in output
    assert "Mon 07:00-17:00" in output  # Berlin is UTC+1 before 29 March
    assert "1: d1" in output and "2: d1, d2" in output


def test_check_warns_about_a_queue_nobody_serves(tmp_path: Path) -> None:
    folder = tmp_path / "queues"
    shutil.copytree(QUEUES, folder)
    (folder / "scenario.toml").write_text(
        (folder / "scenario.toml").read_text().replace('"../tiny/', f'"{QUEUES.parent}/tiny/')
    )
    (folder / "agents.csv").write_text(
        "id,name,timezone,skills\nd1,Aoife Byrne,Europe/Dublin,english\n"
        "d2,Cian Walsh,Europe/Dublin,english\n"
    )
    code, output = run("check", str(folder / "scenario.toml"))
    assert code == 0, output
    assert "nobody has the skill for queue 'german'" in output


def test_calendar_events_list_each_shifts_activities_in_local_time(
    planned: Path, tmp_path: Path
) -> None:
    code, output = run("export", str(planned), "--format", "google", "--out", str(tmp_path))
    assert code == 0, output
    events = pd.read_csv(tmp_path / "google" / "d1.csv")
    # e.g. "... Planned with coverage. German 08:00–16:00."
    assert events["Description"].str.contains(r"(?:German|English) \d\d:\d\d–\d\d:\d\d").all()


def test_hire_places_a_german_speaker_and_says_which_queue_it_closes(tmp_path: Path) -> None:
    code, output = run(
        "hire", str(QUEUES / "scenario.toml"), "--zones", "Europe/Berlin,Asia/Tokyo",
        "--skills", "german", "--time-limit", "3", "--baseline-time-limit", "5",
        "--processes", "1", "--out", str(tmp_path),
    )  # fmt: skip
    assert code == 0, output
    assert "The hire serves german." in output
    record = json.loads((tmp_path / "hire.json").read_text())
    assert record["candidate_skills"] == ["german"]
    best = record["candidates"][0]
    assert best["zone"] == "Europe/Berlin"  # Tokyo's day is outside German hours
    assert best["queues_closed"].startswith("german")


def test_hire_rejects_a_skill_that_names_no_queue(tmp_path: Path) -> None:
    code, output = run("hire", str(QUEUES / "scenario.toml"), "--skills", "german;klingon")
    assert code == 2
    assert "--skills: unknown queue 'klingon'" in output


def test_a_deterministic_plan_with_queues_writes_the_same_files_twice(tmp_path: Path) -> None:
    outputs = []
    for run_number in (1, 2):
        out = tmp_path / str(run_number)
        code, output = run(
            "plan", str(QUEUES / "scenario.toml"), "--out", str(out), "--deterministic",
            "--time-limit", "2", "--workers", "1",
        )  # fmt: skip
        assert code == 0, output
        outputs.append(
            {name: (out / name).read_bytes() for name in ("roster.csv", "activities.csv",
                                                           "coverage.csv", "gaps.csv")}
        )  # fmt: skip
    assert outputs[0] == outputs[1]


def test_the_bundled_multilingual_scenario_checks_and_plans(tmp_path: Path) -> None:
    code, output = run("check", "multilingual")
    assert code == 0, output
    assert "Queues (6)" in output and "nobody has the skill" not in output
    code, output = run("plan", "multilingual", "--out", str(tmp_path), "--time-limit", "8")
    assert code == 0, output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["violations"] == 0
    assert [q["queue"] for q in summary["queues"]] == [
        "english", "german", "french", "spanish", "portuguese", "japanese",
    ]  # fmt: skip
    # Japanese cannot be covered: two Tokyo speakers and a floor lead.
    japanese = next(q for q in summary["queues"] if q["queue"] == "japanese")
    assert japanese["shortfall_agent_hours"] > 40


def test_export_rejects_activities_that_do_not_fill_the_roster(
    planned: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(planned, folder)
    lines = (folder / "activities.csv").read_text().splitlines()
    (folder / "activities.csv").write_text("\n".join(lines[:-1]) + "\n")  # one row lost
    code, output = run("export", str(folder), "--out", str(tmp_path / "calendars"))
    assert code == 2
    assert "activities.csv: the shift of agent" in output and "must match roster.csv" in output
    assert not (tmp_path / "calendars").exists()
