"""The HTML report, loaded in a real headless Chromium (Debian's, driven by Playwright)
with the network off: no console errors, 7 x 24 heatmap cells per queue, a timeline
row per agent, the header's numbers equal to summary.json, user text shown as text.

These tests fail, not skip, when Chromium is missing: CI installs it (.ci/run).
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright
from typer.testing import CliRunner

from coverage.cli import app
from coverage.html_report import report_html

runner = CliRunner()
TINY = Path(__file__).parent / "data" / "tiny"
# What a root sandbox needs, and what keeps Chromium off a closed network.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def run(*args: str) -> None:
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not on PATH: apt-get install -y chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Loaded:
    """A report open in the browser, with what went wrong while it loaded."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.route("**/*", self._offline)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
        self.page.wait_for_timeout(300)

    def _offline(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def model(self, name: str, expression: str) -> Any:
        return self.page.evaluate(
            f"() => {{ const m = Bokeh.documents[0].get_model_by_name({json.dumps(name)});"
            f" return m === null ? null : {expression}; }}"
        )

    def close(self) -> None:
        self.page.close()


def check_report(browser: Browser, folder: Path) -> Loaded:
    """Everything every report must show, checked in the browser."""
    summary = json.loads((folder / "summary.json").read_text())
    loaded = Loaded(browser, folder / "report.html")
    assert loaded.errors == [] and loaded.requests == [] and loaded.dialogs == []
    for queue in summary.get("queues", []):
        cells = loaded.model(f"heatmap-{queue['queue']}", "m.data.day.length")
        assert cells == 7 * 24, queue["queue"]
    roster = pd.read_csv(folder / "roster.csv")
    rows = loaded.model("timeline-plot", "m.y_range.factors.length")
    assert rows == roster["agent_id"].nunique()
    shown = loaded.page.eval_on_selector_all(
        "[data-key]", "els => els.map(e => [e.dataset.key, e.dataset.value])"
    )
    assert shown, "the header shows no figures"
    for key, value in shown:
        assert value != "None" and float(value) == pytest.approx(summary[key]), key
    assert loaded.page.get_attribute("#status", "data-status") == summary["status"]
    return loaded


# Reports of every command, and plans of every bundled scenario.
REPORTS = (
    "plan", "queues", "global-24x7", "contact-center", "channels", "score", "replan", "hire",
)  # fmt: skip


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reports of every command, on bundled scenarios."""
    out = tmp_path_factory.mktemp("reports")
    run("plan", "small-team", "--out", str(out / "plan"), "--time-limit", "5", "--html",
        "--export", "ics")  # fmt: skip
    run("plan", "multilingual", "--out", str(out / "queues"), "--time-limit", "10", "--html")
    for bundled in ("global-24x7", "contact-center", "channels"):
        run("plan", bundled, "--out", str(out / bundled), "--time-limit", "10", "--html")
    run("score", "small-team", str(out / "plan" / "calendars" / "ics"), "--out",
        str(out / "score"), "--html")  # fmt: skip
    run("replan", "small-team", "--roster", str(out / "plan"), "--absent",
        "megan:2026-10-28..2026-10-30", "--now", "2026-10-28T06:00", "--time-limit", "5",
        "--out", str(out / "replan"), "--html")  # fmt: skip
    run("hire", "small-team", "--zones", "Europe/Dublin,Asia/Manila", "--time-limit", "1",
        "--baseline-time-limit", "3", "--processes", "1", "--out", str(out / "hire"),
        "--html")  # fmt: skip
    return {name: out / name for name in REPORTS}


@pytest.mark.parametrize("name", [r for r in REPORTS if r != "hire"])
def test_every_report_loads_offline_with_its_heatmaps_timeline_and_header(
    browser: Browser, plans: dict[str, Path], name: str
) -> None:
    check_report(browser, plans[name]).close()


def test_the_hiring_report_ranks_the_candidate_zones(
    browser: Browser, plans: dict[str, Path]
) -> None:
    folder = plans["hire"]
    loaded = Loaded(browser, folder / "report.html")
    assert loaded.errors == [] and loaded.requests == []
    ranked = loaded.model("hire-table", "m.source.data.zone.length")
    assert ranked == len(pd.read_csv(folder / "hire.csv"))
    loaded.close()


def test_the_score_and_replan_reports_list_broken_rules_and_changes(
    browser: Browser, plans: dict[str, Path]
) -> None:
    loaded = Loaded(browser, plans["replan"] / "report.html")
    changes = pd.read_csv(plans["replan"] / "changes.csv")
    assert loaded.model("changes-table", "m.source.data.kind.length") == len(changes)
    loaded.close()
    loaded = Loaded(browser, plans["score"] / "report.html")
    assert loaded.model("violations-table", "m.source.data.rule.length") is None  # none broken
    loaded.close()


def test_the_heatmap_can_be_shown_in_any_team_members_zone(
    browser: Browser, plans: dict[str, Path]
) -> None:
    # multilingual's report zone is UTC; Manila is 8 hours ahead, so Monday 00:00 UTC
    # is Monday 08:00 there and the first local day starts with Sunday's 16:00 UTC.
    loaded = Loaded(browser, plans["queues"] / "report.html")
    select = loaded.page.locator("select").first
    select.select_option("Asia/Manila")
    loaded.page.wait_for_timeout(200)
    days = loaded.model("heatmap-english", "m.data.day.slice(0, 1)")
    assert days == ["Mon 23 Mar"]
    assert loaded.model("heatmap-english", "m.data.day.length") == 7 * 24
    assert loaded.errors == []
    loaded.close()


def test_an_agent_named_like_a_script_is_shown_as_text(browser: Browser, tmp_path: Path) -> None:
    scenario = tmp_path / "tiny"
    shutil.copytree(TINY, scenario)
    agents = (scenario / "agents.csv").read_text()
    (scenario / "agents.csv").write_text(agents.replace("Aoife Byrne", "<script>alert(1)</script>"))
    run("plan", str(scenario / "scenario.toml"), "--out", str(tmp_path / "out"), "--html")
    loaded = Loaded(browser, tmp_path / "out" / "report.html")
    assert loaded.dialogs == [] and loaded.errors == []
    rows = loaded.model("timeline-plot", "m.y_range.factors")
    assert any(row.startswith("<script>alert(1)</script> (d1)") for row in rows)
    loaded.close()


@pytest.mark.parametrize("name", REPORTS)
def test_a_screenshot_of_each_report_is_painted_not_blank(
    browser: Browser, plans: dict[str, Path], name: str
) -> None:
    loaded = Loaded(browser, plans[name] / "report.html")
    loaded.page.locator("h2").first.scroll_into_view_if_needed()
    loaded.page.wait_for_timeout(300)
    image = Image.open(io.BytesIO(loaded.page.screenshot())).convert("RGB")
    assert image.size == (1280, 800)
    colours = image.getcolors(maxcolors=1 << 20) or []
    # A blank page has one colour; a painted chart has its states, lines and text.
    assert len(colours) > 50
    painted = sum(n for n, (r, g, b) in colours if max(r, g, b) - min(r, g, b) > 60)
    assert painted > 5000, "no chart area painted in colour"
    loaded.close()


def test_coverage_report_writes_the_same_page_as_html(
    plans: dict[str, Path], tmp_path: Path
) -> None:
    run("report", str(plans["plan"]), "--out", str(tmp_path / "again.html"))
    assert (tmp_path / "again.html").stat().st_size > 0
    size = (plans["plan"] / "report.html").stat().st_size
    assert abs((tmp_path / "again.html").stat().st_size - size) < 0.01 * size
    assert size < 5_000_000


def test_a_plan_without_a_roster_still_gets_a_page_saying_so() -> None:
    summary = {"scenario": "Nobody", "status": "UNKNOWN", "timezone": "Europe/Dublin"}
    page = report_html({"summary.json": json.dumps(summary)})
    assert "Status: UNKNOWN" in page and "<h2>" not in page


def test_a_folder_coverage_did_not_write_is_an_input_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "holds no summary.json or hire.csv: not a folder coverage wrote" in result.output
    assert not (tmp_path / "report.html").exists()
