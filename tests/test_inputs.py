"""Broken input files fail with one line that says where; harmless variants load.

Every folder under ``tests/data/broken/`` is the tiny scenario with exactly one
thing broken (its ``scenario.toml`` says what in its first line).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner, Result

from coverage.cli import app
from coverage.errors import InputError
from coverage.inputs import load_scenario
from coverage.models import Scenario

DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"
TINY = DATA / "tiny"
QUEUES = DATA / "queues"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Broken(NamedTuple):
    """A broken scenario folder and what its error line must say."""

    case: str
    where: str  # file (inside the case folder) with row/column, or "scenario.toml key K"
    problem: tuple[str, ...]  # fragments of the problem after "where: "
    loader: bool = True  # load_scenario itself finds it (not only the pre-solve check)


CASES = (
    Broken("availability_overlapping_rows", "availability.csv row 4, column start",
           ("overlaps row 2", "agent 'd1'")),
    Broken("forecast_garbage_row", "forecast.csv row 13, column start",
           ("ISO 8601", "'hello world'")),
    Broken("forecast_contacts_as_text", "forecast.csv row 8, column contacts",
           ("valid number", "'12 calls'")),
    Broken("export_unknown_field", "scenario.toml key export.subject",
           ("unknown field {nickname}",)),
    Broken("agents_earliest_start_7pm", "agents.csv row 2, column earliest_start",
           ("time like 07:30", "'7pm'")),
    Broken("agents_empty_id", "agents.csv row 3, column id", ("is empty",)),
    Broken("toml_solver_workers_zero", "scenario.toml key solver.workers",
           ("greater than or equal to 1",)),
    Broken("toml_rest_too_long", "scenario.toml key rules.min_rest_hours",
           ("less than or equal to 24",)),
    # --- agents.csv
    Broken("agents_unknown_zone", "agents.csv row 3, column timezone",
           ("unknown time zone 'Europe/Dubln'",)),
    Broken("agents_zone_is_a_region", "agents.csv row 3, column timezone",
           ("unknown time zone 'America'",),),
    Broken("agents_duplicate_id", "agents.csv row 3, column id",
           ("duplicate agent id 'd1'", "first on row 2")),
    Broken("agents_missing_timezone_column", "agents.csv row 1", ("missing column 'timezone'",)),
    Broken("agents_semicolon_delimited", "agents.csv row 1", ("separated by ';'", "commas")),
    Broken("agents_empty_file", "agents.csv", ("is empty",)),
    Broken("agents_header_only", "agents.csv", ("no agents",)),
    Broken("agents_duplicate_header", "agents.csv row 1, column name", ("appears twice",)),
    Broken("agents_unknown_column", "agents.csv row 1, column email", ("unknown column",)),
    Broken("agents_ragged_row", "agents.csv row 3", ("4 fields", "header has 3")),
    Broken("agents_not_utf8", "agents.csv", ("not UTF-8",)),
    Broken("agents_bad_rule_override", "agents.csv row 2, column weekly_hours",
           ("valid number", "'forty'")),
    Broken("agents_file_missing", "staff.csv", ("file not found",)),
    # --- availability.csv
    Broken("availability_unknown_agent", "availability.csv row 3, column agent_id",
           ("unknown agent id 'd9'",)),
    Broken("availability_time_7pm", "availability.csv row 2, column end",
           ("expected a time like 07:30", "'7pm'")),
    Broken("availability_time_25h", "availability.csv row 3, column start",
           ("'25:00' is not a time of day",)),
    Broken("availability_end_before_start", "availability.csv row 2",
           ("end 09:00 must be after start 17:00",)),
    Broken("availability_end_equals_start", "availability.csv row 3",
           ("end 12:00 must be after start 12:00",)),
    Broken("availability_unknown_day", "availability.csv row 2, column day",
           ("expected a day Mon..Sun", "'Funday'")),
    # --- time_off.csv
    Broken("time_off_unknown_agent", "time_off.csv row 3, column agent_id",
           ("unknown agent id 'd3'",)),
    Broken("time_off_bad_date", "time_off.csv row 2, column date",
           ("expected a date like 2026-03-23", "'24/03/2026'")),
    Broken("time_off_end_before_start", "time_off.csv row 2, column end_date",
           ("2026-03-24 is before start_date 2026-03-26",)),
    Broken("time_off_no_date", "time_off.csv row 3", ("needs a date",)),
    # --- forecast.csv
    Broken("forecast_negative_contacts", "forecast.csv row 6, column contacts",
           ("greater than or equal to 0", "'-5'")),
    Broken("forecast_gap", "forecast.csv row 11, column start",
           ("2026-03-25T12:00:00Z leaves a gap after row 10", "360 minutes apart")),
    Broken("forecast_short", "forecast.csv",
           ("to 2026-03-29T00:00:00Z",
            "the week runs 2026-03-23T00:00:00Z to 2026-03-30T00:00:00Z")),
    Broken("forecast_late_start", "forecast.csv", ("covers 2026-03-23T06:00:00Z", "the week runs")),
    Broken("forecast_no_offset", "forecast.csv row 2, column start", ("no UTC offset",)),
    Broken("forecast_repeated_time", "forecast.csv row 6, column start",
           ("is not after row 5", "time order")),
    Broken("forecast_both_kinds", "forecast.csv row 1", ("exactly one of the columns",)),
    Broken("forecast_infinite_contacts", "forecast.csv row 8, column contacts", ("'inf'",),),
    Broken("forecast_file_key_missing", "scenario.toml key forecast.file", ("is missing",),),
    # --- scenario.toml
    Broken("toml_interval_20", "scenario.toml key interval_minutes", ("15, 30 or 60", "20")),
    Broken("toml_team_table_missing", "scenario.toml key team", ("is missing", "[team]")),
    Broken("toml_team_agents_key_missing", "scenario.toml key team.agents", ("is missing",),),
    Broken("toml_team_unknown_key", "scenario.toml key team.availabilty", ("unknown key",),),
    Broken("toml_week_start_tuesday", "scenario.toml key week_start", ("is a Tue, not a Monday",)),
    Broken("toml_week_start_datetime", "scenario.toml key week_start", ("date",),),
    Broken("toml_shrinkage_not_a_number", "scenario.toml key staffing.shrinkage",
           ("valid number", "'lots'")),
    Broken("toml_unknown_top_level_key", "scenario.toml key region", ("unknown key",)),
    Broken("toml_unknown_rules_key", "scenario.toml key rules.weekly_hour", ("not permitted",)),
    Broken("toml_rules_window_inverted", "scenario.toml key rules",
           ("earliest_start 23:00 must be before latest_end 22:00",),),
    Broken("toml_invalid_syntax", "scenario.toml", ("invalid TOML", "line 8")),
    Broken("toml_unknown_zone", "scenario.toml key timezone",
           ("unknown time zone 'Europe/Dublim'",)),
    # --- queues
    Broken("queues_skills_comma", "agents.csv row 2, column skills",
           ("unknown queue 'english,german'", "separate queues with ';'")),
    Broken("queues_unknown_skill", "agents.csv row 3, column skills",
           ("unknown queue 'klingon'", "the queues are english, german")),
    Broken("queues_forecast_missing", "scenario.toml key queues.german.forecast",
           ("is missing",)),
    Broken("queues_hours_malformed", "scenario.toml key queues.german.hours",
           ("'Mon-Fri 8-18' is not opening hours like", "08:00-18:00")),
    Broken("queues_hours_unknown_day", "scenario.toml key queues.german.hours",
           ("expected a day Mon..Sun", "'Fry'")),
    Broken("queues_hours_timezone_unknown", "scenario.toml key queues.german.hours_timezone",
           ("unknown time zone 'Europe/Berln'",)),
    Broken("queues_unknown_key", "scenario.toml key queues.german.opening", ("unknown key",)),
    Broken("queues_and_forecast", "scenario.toml key forecast",
           ("either [forecast] or [queues.NAME]", "not both")),
    Broken("queues_priority_zero", "scenario.toml key queues.german.priority",
           ("greater than or equal to 1", "0")),
    Broken("queues_forecast_short", "german.csv",
           ("to 2026-03-29T00:00:00Z",
            "the week runs 2026-03-23T00:00:00Z to 2026-03-30T00:00:00Z")),
    Broken("queues_staffing_override_bad", "scenario.toml key queues.german.aht_seconds",
           ("valid number", "'slow'")),
    Broken("queues_min_activity_negative", "scenario.toml key rules.min_activity_minutes",
           ("greater than or equal to 0", "-30")),
    Broken("queues_name_with_space", 'scenario.toml key queues."german chat"',
           ("queue name 'german chat'", "letters, digits")),
    # --- queue channels: the german queue on voice, chat or email (contacts in german.csv)
    Broken("queues_channel_sms", "scenario.toml key queues.german.channel",
           ("'voice', 'chat' or 'email'", "'sms'")),
    Broken("queues_voice_patience_zero", "scenario.toml key queues.german.patience_seconds",
           ("greater than 0", "0")),
    Broken("queues_voice_max_abandon_one", "scenario.toml key queues.german.max_abandon",
           ("less than 1", "1.0")),
    Broken("queues_voice_max_abandon_zero", "scenario.toml key queues.german.max_abandon",
           ("greater than 0", "0")),
    Broken("queues_voice_answer_within", "scenario.toml key queues.german.answer_within_hours",
           ("answer_within_hours applies to email queues", "not to voice")),
    Broken("queues_chat_concurrency_zero", "scenario.toml key queues.german.concurrency",
           ("greater than or equal to 1", "0")),
    Broken("queues_chat_concurrency_fraction", "scenario.toml key queues.german.concurrency",
           ("integer", "2.5")),
    Broken("queues_chat_concurrency_float", "scenario.toml key queues.german.concurrency",
           ("integer", "2.0")),
    Broken("queues_chat_concurrency_51", "scenario.toml key queues.german.concurrency",
           ("less than or equal to 50", "51")),
    Broken("queues_chat_patience", "scenario.toml key queues.german.patience_seconds",
           ("patience_seconds applies to voice queues", "not to chat")),
    Broken("queues_chat_required_forecast", "scenario.toml key queues.german.channel",
           ("chat queue needs a forecast of contacts",)),
    Broken("queues_email_answer_within_missing",
           "scenario.toml key queues.german.answer_within_hours",
           ("email queue needs answer_within_hours",)),
    Broken("queues_email_answer_within_zero",
           "scenario.toml key queues.german.answer_within_hours", ("greater than 0", "0")),
    Broken("queues_email_answer_within_200",
           "scenario.toml key queues.german.answer_within_hours", ("168", "200")),
    Broken("queues_email_answer_within_not_quarter",
           "scenario.toml key queues.german.answer_within_hours", ("whole quarter hours",)),
    Broken("queues_email_concurrency", "scenario.toml key queues.german.concurrency",
           ("concurrency applies to chat queues", "not to email")),
    Broken("queues_email_service_level_1_5", "scenario.toml key queues.german.service_level",
           ("less than or equal to 1", "1.5")),
    Broken("queues_email_required_forecast", "scenario.toml key queues.german.channel",
           ("an email queue needs a forecast of contacts", "contacts column")),
    Broken("queues_solver_objective_fastest", "scenario.toml key solver.objective",
           ("'agents' or 'service'", "'fastest'")),
    # --- only the pre-solve contract check (coverage/solver/contracts.py) finds this
    Broken("contract_cannot_fit", "agents.csv row 2",
           ("agent 'd1' cannot work 40 h", "at most 16 h"), loader=False),
)  # fmt: skip


def params(cases: tuple[Broken, ...]) -> list[object]:
    return [pytest.param(case, id=case.case) for case in cases]


def expected_where(case: Broken) -> str:
    """The error's location: the case folder's file (as displayed), then ': '."""
    return f"{case.case}{os.sep}{case.where}: "


def stderr_of(result: Result) -> str:
    try:
        text = result.stderr  # Click >= 8.2 always captures stderr separately
    except ValueError:  # older Click mixes it into output
        text = result.output
    return ANSI.sub("", text)


def test_every_broken_case_folder_is_listed_once() -> None:
    folders = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
    assert sorted(case.case for case in CASES) == folders


@pytest.mark.parametrize("case", params(CASES))
def test_each_broken_input_gives_one_line_naming_where_and_exits_2(
    case: Broken, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    scenario = BROKEN / case.case / "scenario.toml"
    # --time-limit only bounds a case that would wrongly reach the solver.
    args = ["plan", str(scenario), "--out", str(out), "--time-limit", "0.2"]
    result = CliRunner().invoke(app, args)

    errors = stderr_of(result)
    assert "Traceback" not in result.output + errors
    assert result.exit_code == 2, (result.exit_code, errors, result.exception)
    lines = errors.splitlines()
    assert len(lines) == 1 and lines[0].strip(), errors
    line = lines[0]
    assert line.startswith("error: "), line
    assert expected_where(case) in line, line
    for fragment in case.problem:
        assert fragment in line.split(expected_where(case), 1)[1], line
    assert not out.exists()


@pytest.mark.parametrize("case", params(tuple(case for case in CASES if case.loader)))
def test_load_scenario_raises_input_error_naming_where_for_each_broken_input(case: Broken) -> None:
    with pytest.raises(InputError) as raised:
        load_scenario(BROKEN / case.case / "scenario.toml")
    message = str(raised.value)
    assert "\n" not in message
    assert expected_where(case) in message, message
    for fragment in case.problem:
        assert fragment in raised.value.problem, message


def test_the_contract_case_passes_the_loader_and_is_left_to_the_pre_solve_check() -> None:
    scenario = load_scenario(BROKEN / "contract_cannot_fit" / "scenario.toml")
    assert [len(agent.availability) for agent in scenario.agents] == [2, 0]


# --- harmless variants -----------------------------------------------------------------


class Variant(NamedTuple):
    """Files written over a copy of the tiny scenario, and what the loaded scenario shows."""

    files: dict[str, str]
    team: str  # extra lines for the [team] table
    look: Callable[[Scenario], object]  # what to read back from the loaded scenario
    expected: object  # ... and what it must be
    newline: str = "\n"


AGENTS = "id,name,timezone\nd1,Aoife Byrne,Europe/Dublin\nd2,Cian Walsh,Europe/Dublin\n"
AVAILABILITY = 'availability = "availability.csv"'
TIME_OFF = 'time_off = "time_off.csv"'


def ids(scenario: Scenario) -> list[str]:
    return [agent.id for agent in scenario.agents]


def windows(scenario: Scenario, agent_id: str) -> list[tuple[int, int, int]]:
    return [(w.day, w.start, w.end) for w in scenario.agent(agent_id).availability]


def days_off(scenario: Scenario, agent_id: str) -> list[str]:
    return sorted(day.isoformat() for day in scenario.agent(agent_id).time_off)


def forecast_with_blank_lines() -> str:
    rows = (TINY / "forecast.csv").read_text(encoding="utf-8").splitlines()
    return "\n".join(f"{row}\n" if i % 24 == 5 else row for i, row in enumerate(rows)) + "\n\n\n"


VARIANTS = {
    "utf8_bom_in_agents_csv": Variant({"agents.csv": "\ufeff" + AGENTS}, "", ids, ["d1", "d2"]),
    "utf8_bom_in_scenario_toml": Variant(
        {"scenario.toml": "\ufeff" + (TINY / "scenario.toml").read_text(encoding="utf-8")},
        "",
        lambda s: s.name,
        "Tiny Dublin team",
    ),
    "trailing_spaces_in_cells": Variant(
        {
            # d1 works one 8-hour day: the contract fits the Monday availability.
            "agents.csv": "id , name , timezone , weekly_hours \n"
            "d1 , Aoife Byrne , Europe/Dublin , 8 \nd2,Cian Walsh,  Europe/Dublin,\n",
            "availability.csv": "agent_id,day,start,end \nd1 , Mon , 09:00 , 17:00 \n",
        },
        AVAILABILITY,
        lambda s: (
            ids(s),
            [a.name for a in s.agents],
            [a.timezone for a in s.agents],
            windows(s, "d1"),
        ),
        (["d1", "d2"], ["Aoife Byrne", "Cian Walsh"], ["Europe/Dublin"] * 2, [(0, 540, 1020)]),
    ),
    "day_names_mon_monday_MON": Variant(
        {
            "availability.csv": "agent_id,day,start,end\nd1,Mon,07:00,10:00\n"
            "d1,monday,10:00,14:00\nd1,MON,14:00,22:00\nd2,Sunday,07:00,22:00\n",
            # One day of availability each: contracts of one 8-hour day fit it.
            "agents.csv": "id,name,timezone,weekly_hours\n"
            "d1,Aoife Byrne,Europe/Dublin,8\nd2,Cian Walsh,Europe/Dublin,8\n",
        },
        AVAILABILITY,
        lambda s: (windows(s, "d1"), windows(s, "d2")),
        ([(0, 420, 600), (0, 600, 840), (0, 840, 1320)], [(6, 420, 1320)]),
    ),
    "blank_lines_in_csvs": Variant(
        {
            "agents.csv": "id,name,timezone\n\nd1,Aoife Byrne,Europe/Dublin\n   \n"
            "d2,Cian Walsh,Europe/Dublin\n\n\n",
            "forecast.csv": forecast_with_blank_lines(),
        },
        "",
        lambda s: (ids(s), len(s.forecast.rows)),
        (["d1", "d2"], 9 * 24),
    ),
    "time_off_with_start_date_and_end_date": Variant(
        {
            "time_off.csv": "agent_id,start_date,end_date\nd1,2026-03-24,2026-03-26\n"
            "d2,2026-03-27,\n"
        },
        TIME_OFF,
        lambda s: (days_off(s, "d1"), days_off(s, "d2")),
        (["2026-03-24", "2026-03-25", "2026-03-26"], ["2026-03-27"]),
    ),
    "time_off_with_date": Variant(
        {"time_off.csv": "agent_id,date\nd1,2026-03-24\nd1,2026-03-25\n"},
        TIME_OFF,
        lambda s: (days_off(s, "d1"), days_off(s, "d2")),
        (["2026-03-24", "2026-03-25"], []),
    ),
    "header_names_in_any_case": Variant(
        {"agents.csv": AGENTS.replace("id,name,timezone", "ID,Name,TimeZone")},
        "",
        ids,
        ["d1", "d2"],
    ),
    "windows_line_endings": Variant(
        {
            "agents.csv": AGENTS,
            "time_off.csv": "agent_id,date\nd2,2026-03-27\n",
            "forecast.csv": (TINY / "forecast.csv").read_text(encoding="utf-8"),
        },
        TIME_OFF,
        lambda s: (ids(s), days_off(s, "d2"), len(s.forecast.rows)),
        (["d1", "d2"], ["2026-03-27"], 9 * 24),
        newline="\r\n",
    ),
}


def tiny_copy_with(variant: Variant, folder: Path) -> Path:
    shutil.copytree(TINY, folder)
    toml = folder / "scenario.toml"
    if variant.team:
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace("[team]\n", f"[team]\n{variant.team}\n"), encoding="utf-8")
    for name, text in variant.files.items():
        (folder / name).write_text(text, encoding="utf-8", newline=variant.newline)
    return toml


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=VARIANTS.keys())
def test_harmless_variants_of_valid_input_are_accepted(variant: Variant, tmp_path: Path) -> None:
    path = tiny_copy_with(variant, tmp_path / "scenario")
    assert variant.look(load_scenario(path)) == variant.expected
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, stderr_of(result) or result.output


def test_a_scenario_timezone_with_surrounding_spaces_is_accepted(tmp_path: Path) -> None:
    path = tiny_copy_with(Variant({}, "", ids, None), tmp_path / "scenario")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Europe/Dublin"', '" Europe/Dublin "'), encoding="utf-8")
    assert load_scenario(path).timezone == "Europe/Dublin"


def test_a_blank_line_above_the_csv_header_is_accepted(tmp_path: Path) -> None:
    path = tiny_copy_with(Variant({"agents.csv": "\n" + AGENTS}, "", ids, None), tmp_path / "s")
    assert ids(load_scenario(path)) == ["d1", "d2"]


def test_a_ten_megabyte_forecast_with_a_garbage_row_names_that_row(tmp_path: Path) -> None:
    # A minute-by-minute forecast over ~280 days (about 10 MB), garbage near the end.
    path = tiny_copy_with(Variant({}, "", ids, None), tmp_path / "s")
    first = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["start,contacts"]
    lines += [
        f"{(first + timedelta(minutes=k)).strftime('%Y-%m-%dT%H:%M:%SZ')},{k % 7}.25"
        for k in range(400_000)
    ]
    lines[350_000] = lines[350_000].split(",")[0] + ",##garbage##"
    text = "\n".join(lines) + "\n"
    assert len(text) > 9_000_000
    (tmp_path / "s" / "big.csv").write_text(text, encoding="utf-8")
    toml = path.read_text(encoding="utf-8").replace('file = "forecast.csv"', 'file = "big.csv"')
    path.write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    message = (stderr_of(result) or result.output).strip()
    assert message.splitlines() == [message]
    assert "big.csv row 350001, column contacts" in message and "'##garbage##'" in message
    assert not (tmp_path / "out").exists()


def test_time_off_outside_the_week_and_touching_availability_rows_are_accepted(
    tmp_path: Path,
) -> None:
    # A shared holiday file covers many weeks; 09:00-12:00 and 12:00-17:00 just touch.
    variant = Variant(
        {
            "time_off.csv": "agent_id,date\nd1,2026-12-25\nd1,2026-03-24\n",
            "availability.csv": "agent_id,day,start,end\nd1,Mon,09:00,12:00\nd1,Mon,12:00,17:00\n",
        },
        'time_off = "time_off.csv"\navailability = "availability.csv"',
        ids,
        None,
    )
    scenario = load_scenario(tiny_copy_with(variant, tmp_path / "s"))
    d1 = scenario.agent("d1")
    assert d1.contract(scenario.week_dates).days_off == 1
    assert d1.work_windows(0) == [(9 * 60, 17 * 60)]


def queues_copy_with(folder: Path, toml: dict[str, str], files: dict[str, str]) -> Path:
    """A copy of the queues scenario (and the tiny one it borrows a forecast from), its
    ``scenario.toml`` with each ``toml`` text replaced, and ``files`` written over it."""
    shutil.copytree(TINY, folder / "tiny")
    shutil.copytree(QUEUES, folder / "queues")
    path = folder / "queues" / "scenario.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in toml.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    for name, content in files.items():
        (folder / "queues" / name).write_text(content, encoding="utf-8")
    return path


def test_opening_hours_that_wrap_past_midnight_are_accepted(tmp_path: Path) -> None:
    hours = {'"Mon-Fri 08:00-18:00"': '"Mon-Fri 18:00-08:00"'}
    path = queues_copy_with(tmp_path, hours, {})
    german = load_scenario(path).queue("german")
    assert [str(span) for span in german.hours] == ["Mon-Fri 18:00-08:00"]
    assert german.hours[0].minutes == 14 * 60
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, stderr_of(result) or result.output


def test_an_empty_skills_cell_means_every_queue(tmp_path: Path) -> None:
    agents = (
        "id,name,timezone,skills\n"
        "d1,Aoife Byrne,Europe/Dublin,german\n"
        "d2,Cian Walsh,Europe/Dublin,\n"  # empty: every queue
    )
    path = queues_copy_with(tmp_path, {}, {"agents.csv": agents})
    scenario = load_scenario(path)
    assert scenario.queue_names == ("english", "german")
    assert scenario.skills_of(scenario.agent("d1")) == ("german",)
    assert scenario.agent("d2").skills == ()
    assert scenario.skills_of(scenario.agent("d2")) == scenario.queue_names
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, stderr_of(result) or result.output
