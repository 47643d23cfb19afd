"""Where the next hire should sit, on a team whose answer is known by construction.

Two agents in Reykjavik (UTC+0, no clock changes) work every day, 07:00-15:00
and 14:00-22:00: the team covers 07:00-22:00 UTC and leaves 22:00-07:00 UTC,
9 hours a night and 63 hours a week, uncovered. A hire gets the team's rules
(8 h a day, 7 days, inside 07:00-22:00 local), so one hire closes at most
8 hours a night. Every zone here keeps one offset all year. Closed per week:

- Pacific/Honolulu (-10, window 17:00-08:00 UTC) and Asia/Tokyo (+9, window
  22:00-13:00 UTC): 8 h a night, 56 h; a tie.
- Asia/Kolkata (+5:30, window 01:30-16:30 UTC): 01:30-07:00, 38.5 h.
- America/Bogota (-5, window 12:00-03:00 UTC): 22:00-03:00, 35 h.
- Africa/Lagos (+1, window 06:00-21:00 UTC): 06:00-07:00, 7 h.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coverage.cli import app
from coverage.errors import InputError
from coverage.hire import (
    best_hires_together,
    greedy_hires,
    hire_rules,
    hires_until,
    parse_zones,
    plan_baseline,
    rank,
    rank_single_hires,
)
from coverage.models import Scenario, SolverSettings
from tests.conftest import agent, scenario

ZONES = ("Africa/Lagos", "America/Bogota", "Asia/Kolkata", "Asia/Tokyo", "Pacific/Honolulu")
EVERY_DAY = {"weekly_hours": 56, "days_per_week": 7, "max_consecutive_days": 7}


def reykjavik_team() -> Scenario:
    from coverage.models import AvailabilityWindow, Rules

    early = tuple(AvailabilityWindow(day=d, start=7 * 60, end=15 * 60) for d in range(7))
    late = tuple(AvailabilityWindow(day=d, start=14 * 60, end=22 * 60) for d in range(7))
    return scenario(
        [
            agent("early", "Atlantic/Reykjavik", availability=early, **EVERY_DAY),
            agent("late", "Atlantic/Reykjavik", availability=late, **EVERY_DAY),
        ],
        rules=Rules(**EVERY_DAY),
    )


@pytest.fixture(scope="module")
def baseline():  # type: ignore[no-untyped-def]
    base = plan_baseline(reykjavik_team(), SolverSettings(time_limit_seconds=20, workers=1))
    assert base.outcome.uncovered_hours == 63
    return base


def test_each_zone_closes_the_night_hours_its_window_reaches_and_ties_share_a_rank(
    baseline,
) -> None:  # type: ignore[no-untyped-def]
    rules = hire_rules(baseline.scenario, {})
    options = rank_single_hires(baseline, ZONES, rules, time_limit=20, processes=1)
    ranked = [(position, o.zones[0], o.uncovered_closed) for position, o in rank(options)]
    assert ranked == [
        (1, "Asia/Tokyo", 56),
        (1, "Pacific/Honolulu", 56),
        (3, "Asia/Kolkata", 38.5),
        (4, "America/Bogota", 35),
        (5, "Africa/Lagos", 7),
    ]
    for option in options:
        assert option.result.status.value == "OPTIMAL"
        # The gain is real: the re-planned roster passes the validator (done in
        # _evaluate) and what it closes is exactly the newly covered time.
        spans = option.newly_covered(baseline.requirements.week.start_utc)
        assert sum((b - a).total_seconds() for a, b in spans) / 3600 == option.uncovered_closed
    honolulu = next(o for o in options if o.zones == ("Pacific/Honolulu",))
    assert honolulu.patterns()[0].startswith("Mon-Sun ")


def test_results_do_not_depend_on_the_order_of_the_zones(baseline) -> None:  # type: ignore[no-untyped-def]
    # The candidates are re-planned in the order given (not sorted first), one
    # after another: the ranking, each hire's pattern and the hours it newly
    # covers must come out the same both ways.
    rules = hire_rules(baseline.scenario, {})
    week = baseline.requirements.week.start_utc

    def answers(zones: tuple[str, ...]) -> list[object]:
        options = rank_single_hires(baseline, zones, rules, time_limit=20, processes=1)
        assert [o.zones[0] for o in options] == list(zones)
        return [(p, o.zones, o.gain, o.patterns(), o.newly_covered(week)) for p, o in rank(options)]

    assert answers(ZONES) == answers(tuple(reversed(ZONES)))


def test_two_hires_together_are_never_worse_than_the_best_single_hire_twice(baseline) -> None:  # type: ignore[no-untyped-def]
    # Two hires can cover all 9 night hours: 63 h closed either way here.
    rules = hire_rules(baseline.scenario, {})
    rounds = greedy_hires(baseline, ZONES, rules, 2, time_limit=20, processes=1)
    together = best_hires_together(baseline, ZONES, rules, 2, time_limit=30, start=rounds[-1])
    assert rounds[0].uncovered_closed == 56
    assert together.uncovered_closed >= rounds[-1].uncovered_closed
    assert together.uncovered_closed == 63
    assert len(together.hires) == 2


def test_until_covered_finds_the_fewest_hires(baseline) -> None:  # type: ignore[no-untyped-def]
    rules = hire_rules(baseline.scenario, {})
    until = hires_until(
        baseline, ("Asia/Tokyo", "Pacific/Honolulu"), rules, "covered",
        max_hires=4, time_limit=30,
    )  # fmt: skip
    assert until.reached and until.proven_fewest
    assert until.option is not None and len(until.option.hires) == 2
    assert until.option.outcome.uncovered_hours == 0


def test_until_covered_says_why_no_number_of_hires_can_do_it(baseline) -> None:  # type: ignore[no-untyped-def]
    # Lagos can only reach 06:00-21:00 UTC: the night stays uncovered whatever we hire.
    rules = hire_rules(baseline.scenario, {})
    until = hires_until(baseline, ("Africa/Lagos",), rules, "covered", max_hires=3, time_limit=20)
    assert not until.reached
    assert "no candidate zone's rules allow anyone on" in until.reason
    assert "22:00" in until.reason or "21:00" in until.reason


def test_bad_zone_names_are_a_one_line_error() -> None:
    with pytest.raises(InputError, match="--zones: unknown time zone 'Mars/Olympus'"):
        parse_zones("Asia/Tokyo, Mars/Olympus")


def test_hire_overrides_are_validated_like_rules() -> None:
    with pytest.raises(InputError, match="--earliest-start"):
        hire_rules(reykjavik_team(), {"earliest_start": "25:00"})


def test_the_hire_command_writes_the_ranking_and_the_winning_plan(
    tiny_dir: Path, tmp_path: Path
) -> None:
    # The tiny Dublin team leaves the night uncovered; Tokyo's day reaches it.
    result = CliRunner().invoke(
        app,
        ["hire", str(tiny_dir / "scenario.toml"), "--zones", "Asia/Tokyo,Europe/Berlin",
         "--out", str(tmp_path), "--time-limit", "10", "--processes", "2"],
        env={"COLUMNS": "160"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "One more hire" in result.output
    report = json.loads((tmp_path / "hire.json").read_text())
    assert [c["zone"] for c in report["candidates"]] == ["Asia/Tokyo", "Europe/Berlin"]
    assert (tmp_path / "hire.csv").read_text().startswith("rank,zone,utc_offset,")
    plan = tmp_path / "best-single-hire-asia-tokyo-1"
    assert {p.name for p in plan.iterdir()} == {
        "roster.csv",
        "coverage.csv",
        "gaps.csv",
        "summary.json",
    }
    assert "hire-asia-tokyo-1" in (plan / "roster.csv").read_text()


def test_the_hire_command_rejects_an_unknown_zone_in_one_line(
    tiny_dir: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "hire",
            str(tiny_dir / "scenario.toml"),
            "--zones",
            "Mars/Olympus",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: --zones: unknown time zone 'Mars/Olympus' (use an IANA name like Europe/Dublin)"
    ]
    assert not (tmp_path / "o").exists()


REYKJAVIK = Path(__file__).parent / "data" / "reykjavik" / "scenario.toml"


def test_the_hire_command_places_two_hires_and_finds_the_fewest_for_the_service_level(
    tmp_path: Path,
) -> None:
    # The Reykjavik pair of this module's docstring, read from files. One Tokyo
    # or Honolulu hire closes 56 of the 63 night hours; two close all 63, and
    # one cannot (8-hour shifts, 9-hour nights): 2 is the proven fewest. With
    # one required at every hour, no shortfall means no uncovered time.
    result = CliRunner().invoke(
        app,
        ["hire", str(REYKJAVIK), "--zones", "Asia/Tokyo,Pacific/Honolulu", "--hires", "2",
         "--until-service-level", "--out", str(tmp_path), "--time-limit", "10",
         "--joint-time-limit", "20", "--processes", "1"],
        env={"COLUMNS": "160"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "hire.json").read_text())
    assert [r["uncovered_hours_closed"] for r in report["greedy"]] == [56, 63]
    assert report["together"]["uncovered_hours_closed"] == 63
    until = report["until_service_level"]
    assert (until["reached"], until["hires"], until["proven_fewest"]) == (True, 2, True)
    assert {p.name for p in tmp_path.iterdir() if p.is_dir()} == {
        "best-single-hire-asia-tokyo-1", "greedy-2", "together-2", "until-service-level",
    }  # fmt: skip
    summary = json.loads((tmp_path / "until-service-level" / "summary.json").read_text())
    assert summary["uncovered_hours"] == 0 and summary["shortfall_agent_hours"] == 0
    assert "Several hires" in result.output
    assert "Until service-level: 2 hire(s): proven the fewest" in result.output


def test_a_hire_plan_folder_records_its_own_grid(tiny_dir: Path, tmp_path: Path) -> None:
    # The Dublin team plans on a 30-minute grid; a Kathmandu hire (+5:45) makes it 15.
    result = CliRunner().invoke(
        app,
        ["hire", str(tiny_dir / "scenario.toml"), "--zones", "Asia/Kathmandu",
         "--out", str(tmp_path), "--time-limit", "5", "--processes", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    folder = tmp_path / "best-single-hire-asia-kathmandu-1"
    assert json.loads((folder / "summary.json").read_text())["grid_minutes"] == 15


def test_hire_maps_memory_and_broken_rosters_to_the_exit_codes_plan_uses(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coverage.roster as roster_module
    import coverage.solver.memory as memory_module
    from coverage.validate import Validation, Violation

    args = ["hire", str(tiny_dir / "scenario.toml"), "--zones", "Asia/Tokyo",
            "--out", str(tmp_path / "o"), "--time-limit", "2", "--processes", "1"]  # fmt: skip
    with monkeypatch.context() as patch:
        patch.setattr(memory_module, "available_memory", lambda: 10 * 2**20)
        short = CliRunner().invoke(app, args)
    assert short.exit_code == 1 and "GB of memory" in short.output
    assert "Traceback" not in short.output

    real = roster_module.validate_roster

    def broken(*args: object) -> Validation:
        valid = real(*args)  # type: ignore[arg-type]
        return Validation((Violation("d1", "rest", "made up"),), valid.coverage)

    monkeypatch.setattr(roster_module, "validate_roster", broken)
    bug = CliRunner().invoke(app, args)
    assert bug.exit_code == 3 and "breaks 1 hard rule" in bug.output
    assert not (tmp_path / "o").exists()


def test_until_covered_with_no_time_to_search_says_so_instead_of_failing(baseline) -> None:  # type: ignore[no-untyped-def]
    # 10 ms: the joint model never runs its stages, so the baseline roster (no
    # hire) is all there is; the night stays uncovered within the time limit.
    rules = hire_rules(baseline.scenario, {})
    until = hires_until(baseline, ("Asia/Tokyo",), rules, "covered", max_hires=3, time_limit=0.01)
    assert not until.reached and until.option is not None
    assert (
        until.reason == "no placement within 3 hires removed all uncovered time in the time limit"
    )
