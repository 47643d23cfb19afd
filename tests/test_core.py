"""The small public core: solve() and its Result, the pre-solve check, and the
failures that used to hide behind them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import coverage.solver.contracts as contracts_module
from coverage import Roster, Status, check_scenario, solve
from coverage.cli import app
from coverage.errors import InputError
from coverage.report import gaps_frame
from coverage.requirements import build_requirements
from coverage.solver.bound import whole_bound
from coverage.solver.start import Undecided
from coverage.validate import measure_coverage
from tests.conftest import WEEK_OF_OCTOBER, agent, scenario, solve_and_validate
from tests.test_inputs import BROKEN, stderr_of

runner = CliRunner()


def test_a_time_limit_or_worker_count_of_zero_is_an_error_not_the_default() -> None:
    plan = scenario([agent("a")])
    with pytest.raises(ValueError, match="time_limit: Input should be greater than 0"):
        solve(plan, time_limit=0)
    with pytest.raises(ValueError, match="workers: Input should be greater than or equal to 1"):
        solve(plan, workers=0)


def test_the_result_carries_grid_requirements_and_a_roster_that_validates_itself() -> None:
    # Dublin (30-minute start grid) and Kathmandu (+5:45): coverage is exact on
    # a 15-minute grid; each agent works 5 shifts of 8 hours.
    team = [agent("ie", "Europe/Dublin"), agent("np", "Asia/Kathmandu")]
    result, validation = solve_and_validate(scenario(team))
    assert result.grid_minutes == 15
    assert result.requirements.week.interval_minutes == 60
    assert isinstance(result.roster, Roster)
    assert [len(shifts) for shifts in result.roster.by_agent().values()] == [5, 5]
    assert result.roster.of("np") == tuple(s for s in result.roster if s.agent_id == "np")
    frame = result.roster.frame()
    assert list(frame["agent_id"].unique()) == ["ie", "np"] and set(frame["hours"]) == {8.0}
    assert result.validation.ok
    assert result.roster.coverage.totals() == validation.coverage.totals()
    text = str(result)
    assert text.startswith("OPTIMAL in ") and "10 shifts on a 15-minute grid" in text
    assert "shortfall" in text and "at its bound" in text


def test_the_gap_is_the_shortfall_above_its_bound_in_agent_hours_not_the_weighted_sum() -> None:
    # 10 ms: no search runs, the first roster comes back with only the LP's
    # bound. The gap is that roster's shortfall above the LP bound, relative to
    # the bound, and the term says it in agent-hours.
    team = [agent(f"a{i}", zone) for i, zone in enumerate(["UTC", "Asia/Tokyo"] * 3)]
    result = solve(scenario(team, 3), time_limit=0.01, workers=1)
    assert result.status is Status.FEASIBLE and result.lower_bound is not None
    shortfall = result.validation.coverage.totals()["shortfall_agent_hours"]
    bound = result.lower_bound.shortfall_agent_hours
    gap = result.term_gaps["shortfall"]
    assert (gap.value, gap.unit) == (shortfall, "agent-hours")
    assert gap.bound == pytest.approx(bound)
    assert result.gap == pytest.approx((shortfall - bound) / bound, abs=1e-6)
    # The same share as the summary's distance from the LP bound.
    from coverage.plan import plan_from_result

    assert plan_from_result(result).summary["shortfall_above_bound"] == pytest.approx(result.gap)


def test_the_lp_bound_keeps_a_margin_for_floating_point() -> None:
    assert whole_bound(10.00001) == 10  # GLOP's rounding does not add a slot
    assert whole_bound(10.5) == 11
    assert whole_bound(0.0) == 0


def test_a_contract_check_that_runs_out_of_time_is_not_reported_as_bad_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def undecided(*args: object, **kwargs: object) -> None:
        raise Undecided("d1")

    monkeypatch.setattr(contracts_module, "solve_agent_alone", undecided)
    plan = scenario([agent("d1", "Europe/Dublin")])
    check_scenario(plan)  # no InputError
    result = solve(plan, time_limit=10, workers=1)
    assert result.found_roster and result.validation.ok


def test_an_agent_whose_contract_cannot_fit_is_bad_input_for_check_and_solve() -> None:
    plan = scenario([agent("d1", "Europe/Dublin", weekly_hours=60, days_per_week=5)])
    for call in (check_scenario, solve):
        with pytest.raises(InputError, match="agent 'd1' cannot work 60 h on at most 5 days"):
            call(plan)


@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir() if p.is_dir()))
def test_check_and_plan_give_the_same_one_line_error_for_every_broken_input(
    case: str, tmp_path: Path
) -> None:
    path = str(BROKEN / case / "scenario.toml")
    checked = runner.invoke(app, ["check", path])
    planned = runner.invoke(app, ["plan", path, "--out", str(tmp_path), "--time-limit", "0.2"])
    assert (checked.exit_code, planned.exit_code) == (2, 2)
    assert stderr_of(checked) == stderr_of(planned)
    assert len(stderr_of(checked).splitlines()) == 1


def test_a_gap_at_the_start_of_the_week_is_reported_in_the_week() -> None:
    # Nobody on, one required Monday 00:00-02:00 UTC only (no floor): one gap,
    # at the start of this week, not of the next one.
    def early_monday(start: datetime) -> int:
        return 1 if start.weekday() == 0 and start.hour < 2 else 0

    plan = scenario([agent("a")], early_monday, week_start=WEEK_OF_OCTOBER, min_agents=0)
    gaps = gaps_frame(measure_coverage(plan, (), build_requirements(plan)))
    assert gaps[["start_utc", "end_utc", "hours"]].to_dict(orient="records") == [
        {"start_utc": "2026-10-26T00:00:00Z", "end_utc": "2026-10-26T02:00:00Z", "hours": 2.0}
    ]


def test_a_run_that_finds_no_roster_leaves_no_earlier_roster_beside_its_summary(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coverage.plan as plan_module

    path = str(tiny_dir / "scenario.toml")
    first = runner.invoke(app, ["plan", path, "--out", str(tmp_path)])
    assert first.exit_code == 0
    assert len(list(tmp_path.glob("*.*"))) == 4

    def nothing_found(scenario_, **options: object) -> object:
        from coverage.solver import Result

        requirements = build_requirements(scenario_)
        return Result(Status.UNKNOWN, None, None, 0.1, Roster(scenario_, requirements), 30)

    monkeypatch.setattr(plan_module, "solve", nothing_found)
    second = runner.invoke(app, ["plan", path, "--out", str(tmp_path)])
    assert second.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]
    assert json.loads((tmp_path / "summary.json").read_text())["status"] == "UNKNOWN"


def test_the_version_is_printed() -> None:
    from coverage import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"coverage {__version__}"


def test_a_utc_week_start_is_midnight_in_the_scenario_zone() -> None:
    plan = scenario([agent("a")], timezone="Asia/Kathmandu")
    assert plan.week_start_utc == datetime(2026, 3, 22, 18, 15, tzinfo=UTC)


def test_written_files_are_readable_by_others_as_the_umask_says(tmp_path: Path) -> None:
    import os
    import stat

    from coverage.outputs import write_files

    previous = os.umask(0o022)
    try:
        (written,) = write_files(tmp_path, {"roster.csv": "agent_id\n"})
    finally:
        os.umask(previous)
    assert stat.S_IMODE(written.stat().st_mode) == 0o644


def test_a_hire_run_removes_the_plan_folders_an_earlier_run_left_and_nothing_else(
    tmp_path: Path,
) -> None:
    from coverage.hire_report import HIRE_FOLDERS
    from coverage.outputs import remove_stale_folders, write_files
    from coverage.plan import PLAN_FILES

    for name in ("greedy-2", "together-2", "best-single-hire-asia-tokyo-1"):
        write_files(tmp_path / name, {"summary.json": "{}\n", "roster.csv": "x\n"})
    write_files(tmp_path / "until-covered", {"summary.json": "{}\n", "notes.txt": "mine\n"})
    write_files(tmp_path / "my-folder", {"summary.json": "{}\n"})
    keep = {"", "best-single-hire-asia-tokyo-1"}
    removed = remove_stale_folders(tmp_path, keep, HIRE_FOLDERS, PLAN_FILES)
    assert sorted(p.name for p in removed) == ["greedy-2", "together-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "best-single-hire-asia-tokyo-1", "my-folder", "until-covered",
    ]  # fmt: skip


def test_a_team_without_agents_is_rejected_in_code_as_in_files() -> None:
    from pydantic import ValidationError

    from coverage import Scenario, constant_forecast

    with pytest.raises(ValidationError, match="agents"):
        Scenario(
            name="t",
            week_start=WEEK_OF_OCTOBER,
            agents=(),
            forecast=constant_forecast(1, WEEK_OF_OCTOBER),
        )
