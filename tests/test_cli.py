"""The command line, through typer's CliRunner."""

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from coverage.cli import app

runner = CliRunner()


def plan(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["plan", *args], env={"COLUMNS": "160"})
    return result.exit_code, result.output


def test_plan_writes_roster_coverage_gaps_and_summary(tiny_dir: Path, tmp_path: Path) -> None:
    code, output = plan(str(tiny_dir / "scenario.toml"), "--out", str(tmp_path))
    assert code == 0, output
    assert "Tiny Dublin team" in output and "Worst gaps" in output
    roster = pd.read_csv(tmp_path / "roster.csv")
    assert list(roster.columns) == [
        "agent_id", "agent_name", "timezone", "date",
        "start_local", "end_local", "start_utc", "end_utc", "hours",
    ]  # fmt: skip
    assert roster["hours"].sum() == 80
    assert roster["start_utc"].str.endswith("Z").all()
    # Local times carry the offset in force: GMT before 29 March, IST on it.
    assert roster.loc[roster["date"] == "2026-03-29", "start_local"].str.endswith("+01:00").all()
    assert roster.loc[roster["date"] == "2026-03-23", "start_local"].str.endswith("+00:00").all()
    coverage = pd.read_csv(tmp_path / "coverage.csv")
    assert len(coverage) == 168
    gaps = pd.read_csv(tmp_path / "gaps.csv")
    assert list(gaps.columns) == [
        "queue", "start_utc", "end_utc", "hours", "min_scheduled",
        "max_shortfall", "shortfall_agent_hours", "uncovered",
    ]  # fmt: skip
    summary = json.loads((tmp_path / "summary.json").read_text())
    # Two 40 h agents inside 07:00-22:00 Dublin, at most 15 h a day: on the three
    # days both work they overlap by an hour, so 168 - 80 + 3 = 91 hours uncovered.
    assert summary["status"] == "OPTIMAL"
    assert summary["uncovered_hours"] == 91
    assert summary["violations"] == 0
    assert summary["shortfall_agent_hours"] == pytest.approx(gaps["shortfall_agent_hours"].sum())


def test_plan_json_prints_the_summary_for_scripts(tiny_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["plan", str(tiny_dir / "scenario.toml"), "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data == json.loads((tmp_path / "summary.json").read_text())


def test_same_seed_and_one_worker_give_byte_identical_outputs(
    tiny_dir: Path, tmp_path: Path
) -> None:
    for run in ("a", "b"):
        code, _ = plan(
            str(tiny_dir / "scenario.toml"),
            "--out",
            str(tmp_path / run),
            "--seed",
            "7",
            "--workers",
            "1",
        )
        assert code == 0
    for name in ("roster.csv", "coverage.csv", "gaps.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    first, second = (without_timings(tmp_path / r / "summary.json") for r in "ab")
    assert first == second


def without_timings(path: Path) -> dict[str, object]:
    """summary.json less its wall-clock seconds, the only part that may differ between runs."""
    data = json.loads(path.read_text())
    data.pop("solve_seconds")
    for stage in data["stages"]:
        stage.pop("seconds")
    return data


def test_check_shows_the_team_and_requirements_without_solving(tiny_dir: Path) -> None:
    result = runner.invoke(app, ["check", str(tiny_dir / "scenario.toml")], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Aoife Byrne" in result.output and "Required agents by hour" in result.output
    assert "Inputs are valid" in result.output


def test_plan_without_arguments_runs_the_bundled_default_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = plan("--time-limit", "3", "--json")
    assert code == 0, output
    written = tmp_path / "out" / "global-24x7"
    assert {p.name for p in written.iterdir()} == {
        "roster.csv",
        "coverage.csv",
        "gaps.csv",
        "summary.json",
    }
    assert json.loads((written / "summary.json").read_text())["violations"] == 0


def test_a_missing_scenario_file_is_a_one_line_error(tmp_path: Path) -> None:
    code, output = plan(str(tmp_path / "nope.toml"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert output.strip().splitlines() == [
        f"error: {tmp_path / 'nope.toml'}: scenario file not found"
    ]
    assert not (tmp_path / "out").exists()


def test_plan_with_a_contacts_forecast_reports_service_level_and_uses_per_row_handle_time(
    tmp_path: Path,
) -> None:
    # 100 contacts in Monday 09:00-09:30 UTC at 180 s (10 Erlangs: 14 on the phone,
    # 20 scheduled at 30 % shrinkage, the published case) and 100 at 10:00-10:30
    # with the row's own 90 s (5 Erlangs: fewer). Elsewhere no contacts: the floor 1.
    # Sixteen agents cannot staff the 20: the service level is below target.
    from coverage.models import Staffing
    from coverage.staffing import agents_on_phone, projected_service_level, scheduled_agents

    staffing = Staffing(aht_seconds=180, service_level=0.8, answer_seconds=20)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "agents.csv").write_text(
        "id,name,timezone\n" + "".join(f"u{n},U {n},UTC\n" for n in range(16))
    )
    lines = ["start,contacts,aht_seconds"]
    first = datetime(2026, 3, 22, tzinfo=UTC)
    for k in range(9 * 48):
        start = first + timedelta(minutes=30 * k)
        monday = start.date().isoformat() == "2026-03-23"
        contacts, aht = 0, ""
        if monday and start.hour == 9 and not start.minute:
            contacts = 100
        if monday and start.hour == 10 and not start.minute:
            contacts, aht = 100, "90"
        lines.append(f"{start:%Y-%m-%dT%H:%M:%SZ},{contacts},{aht}")
    (folder / "forecast.csv").write_text("\n".join(lines) + "\n")
    (folder / "scenario.toml").write_text(
        'name = "Phones"\nweek_start = 2026-03-23\ntimezone = "UTC"\ninterval_minutes = 30\n'
        '[team]\nagents = "agents.csv"\n[forecast]\nfile = "forecast.csv"\n'
        "[staffing]\naht_seconds = 180\nservice_level = 0.8\nanswer_seconds = 20\n"
    )
    code, output = plan(str(folder / "scenario.toml"), "--out", str(tmp_path / "out"))
    assert code == 0, output
    rows = list(csv.DictReader((tmp_path / "out" / "coverage.csv").open()))
    assert {"contacts", "service_level"} <= set(rows[0])
    by_start = {r["start_utc"]: r for r in rows}
    nine, ten = by_start["2026-03-23T09:00:00Z"], by_start["2026-03-23T10:00:00Z"]
    assert (float(nine["contacts"]), int(nine["required"])) == (100.0, 20)
    five_erlangs = scheduled_agents(agents_on_phone(5.0, 90, staffing), staffing)
    assert int(ten["required"]) == five_erlangs < 20
    # The level is the one Erlang C gives the agents scheduled there, at that AHT.
    for row, aht in ((nine, 180), (ten, 90)):
        level = projected_service_level(float(row["scheduled"]), 100, aht, 1800, staffing)
        assert float(row["service_level"]) == pytest.approx(level, abs=1e-4)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["contacts"] == 200 and summary["service_level_target"] == 0.8
    # The week's level is the contact-weighted mean of the two busy intervals'.
    mean = (float(nine["service_level"]) + float(ten["service_level"])) / 2
    assert summary["service_level"] == pytest.approx(mean, abs=1e-4)
    assert 0 < summary["service_level"] < 0.8
