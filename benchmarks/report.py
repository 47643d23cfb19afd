"""HTML report benchmark: size, and time for headless Chromium to render it.

For each team size, the team of ``run.py`` is planned (``--plan-seconds``; the
report's size depends on the roster's shifts, not on how good they are), its
report written, and the page opened in Debian's Chromium (Playwright, network
off) ``--repeats`` times: the seconds from navigation until Bokeh has
rendered every chart, median of the repeats. Also the bundled default
scenario's report (its own 60 s plan).

    python benchmarks/report.py --sizes 1000
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import generated_scenario

RENDERED = (
    "() => window.Bokeh && Bokeh.documents.length > 0 && "
    "Bokeh.documents[0].roots().every(r => Bokeh.index[r.id] !== undefined)"
)


def _offline(route: Any) -> None:
    """Only the page itself loads: every other request is refused."""
    route.continue_() if route.request.url.startswith("file:") else route.abort()


def render_seconds(page_path: Path, repeats: int) -> float:
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=flags)
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", _offline)
            started = time.perf_counter()
            page.goto(page_path.resolve().as_uri())
            page.wait_for_function(RENDERED, timeout=60_000)
            times.append(time.perf_counter() - started)
            page.close()
        browser.close()
    return statistics.median(times)


def main() -> None:
    from coverage.html_report import report_html
    from coverage.inputs import load_scenario, resolve_scenario
    from coverage.plan import make_plan

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--plan-seconds", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    cases = [("default (global-24x7)", load_scenario(resolve_scenario(None)), None)]
    cases += [(f"{n} agents", generated_scenario(n, 0), args.plan_seconds) for n in args.sizes]
    with tempfile.TemporaryDirectory() as folder:
        for label, scenario, seconds in cases:
            plan = make_plan(scenario, time_limit=seconds, seed=0)
            page = Path(folder) / "report.html"
            started = time.perf_counter()
            page.write_text(report_html(plan.files()), encoding="utf-8")
            build = time.perf_counter() - started
            size = page.stat().st_size
            render = render_seconds(page, args.repeats)
            print(
                f"{label}: {len(plan.roster)} shifts, report {size / 1e6:.2f} MB, "
                f"built in {build:.2f} s, rendered in {render:.2f} s (median of {args.repeats})",
                flush=True,
            )


if __name__ == "__main__":
    main()
