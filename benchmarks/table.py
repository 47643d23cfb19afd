"""The README's performance table, made from committed raw rows so it cannot drift.

Reads the rows ``benchmarks/run.py`` prints (``agents | min | shifts | seed |
...``, lines starting with ``#`` are notes) from one or more figure files and
prints one Markdown row per instance: medians over its seeds, the worst in
brackets. An instance measured again in a later file takes that file's rows.
``tests/test_readme.py`` checks that the README holds exactly this output for
the files its table names.

    python benchmarks/table.py benchmarks/figures/2026-12-04.txt
    python benchmarks/table.py OLDER.txt NEWER.txt   # NEWER's instances replace OLDER's
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

HEADER = (
    "| agents | interval | shifts | seeds | coverage proven | first roster "
    "| within 1 % of bound | above bound | agent-h above | peak memory |\n"
    "| ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
)


def raw_rows(lines: Iterable[str]) -> list[dict[str, str]]:
    """The rows of ``run.py`` output, keyed by its column titles; notes and the
    summary after the rows are skipped."""
    titles: list[str] | None = None
    rows = []
    for line in lines:
        if not line.strip() or line.startswith("#") or "|" not in line:
            continue
        cells = [cell.strip() for cell in line.split("|")]
        if cells[0] == "agents":
            titles = cells
        elif titles is not None and len(cells) == len(titles):
            rows.append(dict(zip(titles, cells, strict=True)))
    return rows


def _number(text: str) -> float | None:
    return None if text in ("-", "") else float(text.rstrip("%"))


def _figure(value: float, unit: str = "") -> str:
    return f"{value:g}{unit}"


def _median_worst(values: Sequence[float], unit: str) -> str:
    median, worst = statistics.median(values), max(values)
    if median == worst:
        return _figure(median, unit)
    return f"{_figure(median, unit)} ({_figure(worst, unit)})"


def _count_and_median(seconds: Sequence[float | None]) -> str:
    reached = [s for s in seconds if s is not None]
    text = f"{len(reached)}/{len(seconds)}"
    return f"{text}, {statistics.median(reached):.1f} s" if reached else text


def _instance(row: dict[str, str]) -> tuple[str, str, str]:
    return row["agents"], row["min"], row["shifts"]


def table(rows: Sequence[dict[str, str]]) -> str:
    """One Markdown row per (agents, interval, shifts), in the order first seen."""
    instances: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in rows:
        instances.setdefault(_instance(row), []).append(row)
    lines = [HEADER]
    for (agents, interval, shifts), mine in instances.items():
        proven = [_number(r["coverage s"]) if r["coverage"] == "OPTIMAL" else None for r in mine]
        first = statistics.median(_number(r["1st roster s"]) or 0.0 for r in mine)
        above = [_number(r["above"]) or 0.0 for r in mine]
        hours = [
            max(0.0, (_number(r["short ah"]) or 0.0) - (_number(r["bound ah"]) or 0.0))
            for r in mine
        ]
        memory = [_number(r["peak MB"]) or 0.0 for r in mine]
        cells = [
            agents,
            f"{interval} min",
            shifts,
            str(len(mine)),
            _count_and_median(proven),
            f"{first:.1f} s",
            _count_and_median([_number(r["≤1 % s"]) for r in mine]),
            _median_worst([round(a, 2) for a in above], " %"),
            _median_worst(hours, ""),
            _median_worst([round(m) for m in memory], " MB"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table_of_files(paths: Sequence[Path]) -> str:
    """The table of the files' rows; an instance measured again in a later file
    keeps only that file's rows (in the place it was first seen)."""
    latest: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for path in paths:
        mine: dict[tuple[str, str, str], list[dict[str, str]]] = {}
        for row in raw_rows(path.read_text().splitlines()):
            mine.setdefault(_instance(row), []).append(row)
        latest.update(mine)
    return table([row for rows in latest.values() for row in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("figures", type=Path, nargs="+", help="files of run.py rows")
    figures = parser.parse_args().figures
    missing = [str(path) for path in figures if not path.is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    try:
        print(table_of_files(figures))
    except BrokenPipeError:  # piped into head: what was read is enough
        sys.stderr.close()


if __name__ == "__main__":
    main()
