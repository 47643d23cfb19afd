"""The command line, through typer's CliRunner."""

import json
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
        "start_utc", "end_utc", "hours", "min_scheduled",
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
