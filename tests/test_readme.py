"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def python_example(section: str) -> str:
    text = README.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", body, flags=re.DOTALL)
    assert len(blocks) == 1, f"expected one python block in {section!r}"
    return str(blocks[0])


def test_the_use_it_from_python_example_builds_solves_and_gives_data_frames(
    capsys: object,
) -> None:
    namespace: dict[str, object] = {}
    exec(compile(python_example("Use it from Python"), "README.md", "exec"), namespace)
    shifts = namespace["shifts"]
    per_agent = namespace["per_agent"]
    result = namespace["result"]
    # Three agents, 5 + 5 + 4 shifts (Jordan's own 32 h are four 8-hour days).
    assert list(shifts["agent_id"].value_counts().sort_index()) == [5, 5, 4]  # type: ignore[index]
    assert sorted(per_agent) == ["ie1", "in1", "us1"]  # type: ignore[call-overload]
    assert result.found_roster  # type: ignore[attr-defined]


def test_the_queues_example_solves_two_queues_and_gives_activities() -> None:
    namespace: dict[str, object] = {}
    section = "Queues, languages and opening hours"
    exec(compile(python_example(section), "README.md", "exec"), namespace)
    activities = namespace["activities"]
    result = namespace["result"]
    assert result.found_roster  # type: ignore[attr-defined]
    # Only Katrin speaks German; Aoife serves English all week. Whether Katrin
    # serves German at all depends on the search: English (priority 2) is short
    # of someone around the clock, so an hour of hers on German is worth less.
    queues = activities.groupby("agent_id")["queue"].agg(set)  # type: ignore[attr-defined]
    assert queues["ie1"] == {"english"}
    assert queues["de1"] <= {"english", "german"}


def test_the_replan_example_replans_an_absence_within_its_cap() -> None:
    namespace: dict[str, object] = {}
    section = "Start from your roster: `coverage score` and `coverage replan`"
    exec(compile(python_example(section), "README.md", "exec"), namespace)
    made, published = namespace["made"], namespace["published"]
    figures = made.summary["replan"]  # type: ignore[attr-defined]
    # Dublin is on GMT that week: ie0's shifts from Wednesday to Friday are the absence's.
    away = [s for s in published.of("ie0") if 25 <= s.start_utc.day <= 27]  # type: ignore[attr-defined]
    assert figures["removed_by_absence"] == len(away) > 0
    assert figures["shifts_changed"] <= 4
    assert made.plan.validation.ok  # type: ignore[attr-defined]


def test_the_performance_table_is_what_the_table_script_makes_of_its_raw_rows() -> None:
    """The table cannot drift from the committed figures: it is their output."""
    from benchmarks.table import table_of_files

    text = README.read_text(encoding="utf-8")
    pattern = r"<!-- python benchmarks/table.py (.+?) -->\n(.*?)\n<!-- end -->"
    marker = re.search(pattern, text, re.S)
    assert marker is not None, "the README's performance table has lost its markers"
    paths = [README.parent / name for name in marker.group(1).split()]
    assert marker.group(2) == table_of_files(paths)


def test_an_instance_measured_again_in_a_later_figures_file_takes_only_the_later_rows(
    tmp_path: Path,
) -> None:
    # 10 agents measured on two seeds, then again on one seed in a later file;
    # 50 agents only in the first. The table keeps the first file's order.
    from benchmarks.table import table_of_files

    titles = "agents | min | shifts | seed | status | coverage | coverage s | 1st roster s "
    titles += "| ≤1 % s | short ah | bound ah | above | total s | peak MB"

    def row(agents: int, seed: int, memory: float) -> str:
        return (
            f"{agents} | 30 | 8 h | {seed} | FEASIBLE | OPTIMAL | 1.0 | 0.5 | 1.0 "
            f"| 8.0 | 8.0 | 0.00% | 60.0 | {memory}"
        )

    older, newer = tmp_path / "older.txt", tmp_path / "newer.txt"
    older.write_text("\n".join([titles, row(10, 0, 300), row(10, 1, 320), row(50, 0, 400)]))
    newer.write_text("\n".join(["# measured again", titles, row(10, 0, 150)]))
    lines = table_of_files([older, newer]).splitlines()[2:]
    assert [line.split(" | ")[0] for line in lines] == ["| 10", "| 50"]
    assert lines[0].split(" | ")[3] == "1" and lines[0].endswith("| 150 MB |")
    assert lines[1].endswith("| 400 MB |")


def test_the_benchmark_script_measures_the_package_of_its_own_tree(tmp_path: Path) -> None:
    """A copy of the tree (a git worktree, say) is measured as it is, not the
    checkout installed in the environment: here a tree whose package says so."""
    import subprocess
    import sys

    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "coverage").mkdir()
    (tmp_path / "coverage" / "__init__.py").write_text("WHICH = 'the copy'\n")
    run = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
    (tmp_path / "benchmarks" / "run.py").write_text(run.read_text())
    script = "import run, coverage; print(coverage.WHICH)"
    printed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path / "benchmarks",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed.strip() == "the copy"
