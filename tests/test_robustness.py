"""Interruption, time limits, memory and reproducible output."""

from __future__ import annotations

import importlib
import json
import os
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coverage.cli import app
from coverage.inputs import load_scenario, resolve_scenario
from coverage.solver import InsufficientMemory, Problem, Progress, solve
from coverage.solver.solve import FIRST_ROSTER
from coverage.validate import validate_roster

runner = CliRunner()
solve_module = importlib.import_module("coverage.solver.solve")
memory_module = importlib.import_module("coverage.solver.memory")


@pytest.fixture(scope="module")
def global_team():  # type: ignore[no-untyped-def]
    return load_scenario(resolve_scenario("global-24x7"))


def test_ctrl_c_stops_the_search_and_keeps_the_best_roster(global_team) -> None:  # type: ignore[no-untyped-def]
    # The first roster the search reports triggers a Ctrl-C (not the start it searches from).
    sent: list[float] = []

    def press_ctrl_c(progress: Progress) -> None:
        if not sent and progress.stage != FIRST_ROSTER:
            sent.append(time.perf_counter())
            os.kill(os.getpid(), signal.SIGINT)

    result = solve(global_team, time_limit=60, on_progress=press_ctrl_c, interruptible=True)
    assert sent and result.interrupted
    assert time.perf_counter() - sent[0] < 5
    assert result.found_roster
    assert validate_roster(global_team, result.roster).ok


def test_plan_writes_the_interrupted_roster_marked_as_such(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = solve_module._ProgressReporter.on_solution_callback

    def ctrl_c_on_first_roster(self: object) -> None:
        original(self)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(
        solve_module._ProgressReporter, "on_solution_callback", ctrl_c_on_first_roster
    )
    result = runner.invoke(
        app, ["plan", "small-team", "--out", str(tmp_path), "--time-limit", "30"]
    )
    assert result.exit_code == 130, result.output
    assert "Interrupted: wrote the best roster found so far" in result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["violations"] == 0
    assert (tmp_path / "roster.csv").exists()


def test_the_time_limit_is_kept_within_two_seconds(global_team) -> None:  # type: ignore[no-untyped-def]
    for limit in (1.0, 3.0):
        started = time.perf_counter()
        result = solve(global_team, time_limit=limit)
        assert time.perf_counter() - started <= limit + 2, limit
        assert result.found_roster


def test_a_plan_too_big_for_the_memory_says_so_and_writes_nothing(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory_module, "available_memory", lambda: 10 * 2**20)
    result = runner.invoke(
        app, ["plan", str(tiny_dir / "scenario.toml"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: this plan needs about 0.2 GB of memory")
    assert not (tmp_path / "o").exists()
    with pytest.raises(InsufficientMemory):
        memory_module.check_memory(Problem.build(load_scenario(tiny_dir / "scenario.toml")))


def test_a_plan_the_chains_alone_run_is_not_refused_for_the_full_model_s_memory(
    tiny_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the full model's size limit no full model is built, so its estimate
    # does not stop the plan; a deterministic plan builds it and is refused.
    monkeypatch.setattr(memory_module, "available_memory", lambda: 10 * 2**20)
    monkeypatch.setattr(memory_module, "FULL_MODEL_TERMS_AT_MOST", -1)
    problem = Problem.build(load_scenario(tiny_dir / "scenario.toml"))
    memory_module.check_memory(problem)
    with pytest.raises(InsufficientMemory):
        memory_module.check_memory(problem, deterministic=True)


def test_a_deterministic_run_gives_byte_identical_files_even_when_the_limit_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The global team is not solved to optimality in 2 units of work, so this
    # is the case where a wall-clock limit would give different rosters.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    for run in ("a", "b"):
        result = runner.invoke(
            app,
            ["plan", "global-24x7", "--out", str(tmp_path / run), "--deterministic",
             "--time-limit", "2", "--workers", "1", "--seed", "5", "--export", "ics,google"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert len(files) > 10
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["deterministic"] is True and summary["solve_seconds"] is None
    assert summary["status"] == "FEASIBLE"


@pytest.mark.parametrize("limit", [3.0, 8.0])
def test_the_reported_terms_are_the_rosters_own_when_the_limit_stops_a_stage(
    global_team, limit: float
) -> None:  # type: ignore[no-untyped-def]
    # A stage stopped early leaves the later terms' variables free: the terms
    # reported must be recounted from the roster, start-time changes included.
    result = solve(global_team, time_limit=limit)
    assert result.found_roster
    changes = 0
    for agent in global_team.agents:
        starts = {s.local_start(agent.zone).time() for s in result.roster.of(agent.id)}
        changes += max(0, len(starts) - 1)
    assert result.terms["start_time_changes"] == changes
    totals = result.validation.coverage.totals()
    assert result.terms["shortfall"] == pytest.approx(totals["shortfall_agent_hours"])
