"""Coverage and gap tables computed from the roster."""

from datetime import UTC, datetime, timedelta

import pytest

from coverage.report import coverage_frame, gaps_frame
from coverage.timegrid import Shift
from coverage.validate import measure_coverage
from tests.conftest import WEEK_OF_MARCH, agent, scenario

MONDAY = datetime.combine(WEEK_OF_MARCH, datetime.min.time(), tzinfo=UTC)


def on_from(hours: float, length: float = 8) -> Shift:
    start = MONDAY + timedelta(hours=hours)
    return Shift("a", start, start + timedelta(hours=length))


def test_an_agent_from_half_past_counts_half_in_that_hour() -> None:
    plan = scenario([agent("a")])
    frame = coverage_frame(plan, measure_coverage(plan, [on_from(9.5)]))
    assert frame.loc[9, "scheduled"] == 0.5
    assert frame.loc[9, "shortfall"] == 0.5
    assert frame.loc[10, "scheduled"] == 1.0
    assert frame.loc[17, "scheduled"] == 0.5
    assert list(frame.columns) == [
        "queue", "start_utc", "end_utc", "required", "scheduled", "shortfall",
    ]  # fmt: skip
    assert set(frame["queue"]) == {"default"}


def test_gaps_are_runs_of_short_intervals_and_the_run_across_the_week_end_is_one_gap() -> None:
    # Required 1 all week; one shift Monday 09:00-17:00. The rest of the week is a
    # single gap from Monday 17:00 around the wrap to the next Monday 09:00: 160 h.
    plan = scenario([agent("a")])
    gaps = gaps_frame(measure_coverage(plan, [on_from(9)]))
    assert len(gaps) == 1
    row = gaps.iloc[0]
    assert row["start_utc"] == "2026-03-23T17:00:00Z"
    assert row["end_utc"] == "2026-03-30T09:00:00Z"
    assert row["hours"] == 160
    assert row["min_scheduled"] == 0 and row["max_shortfall"] == 1 and bool(row["uncovered"])
    assert row["shortfall_agent_hours"] == pytest.approx(160)


def test_a_half_covered_hour_is_in_the_gap_with_half_an_agent_hour_short() -> None:
    plan = scenario(
        [agent("a"), agent("b")],
        lambda s: 1 if s.weekday() == 0 and 9 <= s.hour < 18 else 0,
        min_agents=0,
    )
    gaps = gaps_frame(measure_coverage(plan, [on_from(9.5)]))
    assert list(gaps["start_utc"]) == ["2026-03-23T09:00:00Z", "2026-03-23T17:00:00Z"]
    assert list(gaps["shortfall_agent_hours"]) == [0.5, 0.5]
    assert not gaps["uncovered"].any()


def test_a_fully_covered_week_has_no_gaps() -> None:
    plan = scenario([agent("a")], 0, min_agents=0)
    assert gaps_frame(measure_coverage(plan, [])).empty


@pytest.mark.parametrize("width", [100, 120, 160, 220])
def test_the_heatmap_shows_every_hour_at_any_terminal_width(width: int) -> None:
    # One agent from 09:30 (0.5 in that hour) and 12 required at every hour:
    # cells like "0.5/12" need about 180 columns; narrower shows agents on only.
    import io

    from rich.console import Console

    from coverage.report import heatmap

    plan = scenario([agent("a")], 12)
    console = Console(file=io.StringIO(), width=width, color_system=None)
    (queue,) = measure_coverage(plan, [on_from(9.5)]).queues
    console.print(heatmap(plan, queue, width=width))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    header = next(line for line in lines if " 00" in line)
    assert header.split()[-1] == "23", header
    assert all(len(line) <= width for line in lines)
    assert ("0.5/12" in console.file.getvalue()) == (width >= 180)  # type: ignore[attr-defined]
