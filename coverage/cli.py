"""The ``coverage`` command line: parse, call, print. The only module that prints."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from coverage.errors import InputError
from coverage.export import export_files, parse_formats, roster_rows
from coverage.hire import (
    HireOption,
    NoRoster,
    UntilResult,
    best_hires_together,
    greedy_hires,
    hire_id,
    hire_rules,
    hires_until,
    parse_zones,
    plan_baseline,
    rank,
    rank_single_hires,
)
from coverage.hire_report import (
    baseline_record,
    hire_frame,
    hire_table,
    option_plan,
    option_record,
    placements_table,
    until_record,
)
from coverage.inputs import RosterRow, display, load_scenario, read_roster, resolve_scenario
from coverage.models import ExportSettings
from coverage.outputs import csv_text, json_text, write_files
from coverage.plan import make_plan
from coverage.report import (
    agent_hours_table,
    gaps_table,
    heatmap,
    requirement_table,
    summary_panel,
    team_table,
)
from coverage.requirements import build_requirements
from coverage.solver import InsufficientMemory
from coverage.solver import Progress as SolveProgress
from coverage.validate import measure_coverage

app = typer.Typer(
    help="Follow-the-sun shift coverage planner: weekly rosters for 24/7 support teams.",
    no_args_is_help=True,
    add_completion=False,
)

ScenarioArgument = Annotated[
    str | None,
    typer.Argument(
        help="Scenario TOML file, or the name of a bundled scenario "
        "(global-24x7, small-team, contact-center). Default: global-24x7.",
        show_default=False,
    ),
]


def _fail(console: Console, message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@app.command()
def plan(
    scenario: ScenarioArgument = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder. Default: out/<scenario-stem>/.")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(min=0.1, help="Solver time limit in seconds.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Solver random seed.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Solver worker threads.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json to stdout instead of the report.")
    ] = False,
    export_formats: Annotated[
        str | None,
        typer.Option(
            "--export", help="Also write calendars: google, outlook, ics (comma-separated)."
        ),
    ] = None,
    deterministic: Annotated[
        bool,
        typer.Option(
            help="Count the time limit in solver work units, not seconds: same inputs, seed "
            "and workers give byte-identical files even when the limit stops the search."
        ),
    ] = False,
) -> None:
    """Plan the week: solve, validate and write roster, coverage, gaps and summary."""
    console = Console(stderr=as_json)
    errors = Console(stderr=True)
    path = resolve_scenario(scenario)
    try:
        calendars = parse_formats(export_formats) if export_formats else ()
    except ValueError as error:
        raise _fail(errors, f"--export: {error}") from None
    try:
        loaded = load_scenario(path)
        target = out or Path("out") / path.stem
        options: dict[str, Any] = {
            "time_limit": time_limit,
            "workers": workers,
            "seed": seed,
            "deterministic": deterministic or None,
            "interruptible": True,
        }
        if as_json:
            result_plan = make_plan(loaded, **options)
        else:
            with console.status("Solving… (Ctrl-C stops and keeps the best roster)") as status:

                def show(progress: SolveProgress) -> None:
                    status.update(
                        f"Solving {progress.stage}… {progress.seconds:5.1f} s  "
                        f"best {progress.objective:,.0f}  bound {progress.best_bound:,.0f}"
                    )

                result_plan = make_plan(loaded, on_progress=show, **options)
    except InputError as error:
        raise _fail(errors, str(error)) from None
    except InsufficientMemory as error:
        raise _fail(errors, str(error), code=1) from None
    except KeyboardInterrupt:
        raise _fail(errors, "interrupted before a roster was found; nothing written", 130) from None

    if result_plan.validation is not None and not result_plan.validation.ok:
        for violation in result_plan.validation.violations[:20]:
            errors.print(f"[red]violation:[/] {escape(str(violation))}", highlight=False)
        raise _fail(
            errors,
            f"the roster breaks {len(result_plan.validation.violations)} hard rule(s); "
            "nothing was written (this is a bug, please report it)",
            code=3,
        )
    written = write_files(target, result_plan.files())
    wrote_calendars = bool(calendars) and result_plan.result.found_roster
    if wrote_calendars:
        rows = roster_rows(loaded, result_plan.result.roster)
        _write_calendars(rows, loaded.name, loaded.export, calendars, target / "calendars")
    if as_json:
        typer.echo(json.dumps(result_plan.summary, indent=2, default=str))
    else:
        console.print(summary_panel(result_plan.summary))
        if result_plan.validation is not None:
            console.print(
                heatmap(loaded, result_plan.validation.coverage, compact=console.width < 110)
            )
            if len(result_plan.gaps):
                console.print(gaps_table(loaded, result_plan.gaps))
            console.print(agent_hours_table(result_plan.agent_hours))
        calendar_note = f" and calendars ({', '.join(calendars)})" if wrote_calendars else ""
        console.print(
            f"Wrote {', '.join(p.name for p in written)}{calendar_note} "
            f"to {escape(display(target))}/"
        )
    if not result_plan.result.found_roster:
        raise _fail(
            errors,
            f"no roster found (status {result_plan.result.status.value}); "
            "try a longer --time-limit",
            code=1,
        )
    if result_plan.result.interrupted:
        errors.print("Interrupted: wrote the best roster found so far (see summary.json).")
        raise typer.Exit(130)


def _write_calendars(
    rows: list[RosterRow], team: str, settings: ExportSettings, formats: tuple[str, ...], out: Path
) -> list[Path]:
    folders = []
    for fmt in formats:
        folder = out / fmt
        write_files(folder, export_files(rows, team, settings, fmt))
        folders.append(folder)
    return folders


@app.command()
def export(
    roster_dir: Annotated[
        Path, typer.Argument(help="A folder written by coverage plan (holds roster.csv).")
    ],
    formats: Annotated[
        str, typer.Option("--format", help="google, outlook or ics; several comma-separated.")
    ] = "ics",
    out: Annotated[
        Path | None, typer.Option(help="Output folder. Default: ROSTER_DIR/calendars/.")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(help="Scenario whose [export] table sets subject and description."),
    ] = None,
) -> None:
    """Calendars from a plan's roster: one file per agent in local time (and a team .ics)."""
    console = Console()
    errors = Console(stderr=True)
    try:
        chosen = parse_formats(formats)
    except ValueError as error:
        raise _fail(errors, f"--format: {error}") from None
    try:
        settings = (
            load_scenario(resolve_scenario(scenario)).export if scenario else ExportSettings()
        )
        rows, team = read_roster(roster_dir)
    except InputError as error:
        raise _fail(errors, str(error)) from None
    target = out or roster_dir / "calendars"
    for folder in _write_calendars(rows, team, settings, chosen, target):
        console.print(f"Wrote {escape(display(folder))}/")


@app.command()
def check(scenario: ScenarioArgument = None) -> None:
    """Validate the inputs and show the parsed team and requirement curve, without solving."""
    console = Console()
    try:
        loaded = load_scenario(resolve_scenario(scenario))
        requirements = build_requirements(loaded)
    except InputError as error:
        raise _fail(Console(stderr=True), str(error)) from None
    console.print(team_table(loaded))
    console.print(requirement_table(loaded, measure_coverage(loaded, (), requirements)))
    total = sum(requirements.required) * loaded.interval_minutes / 60
    contracted = sum(a.contract(loaded.week_dates).minutes for a in loaded.agents) / 60
    console.print(
        f"Required {total:g} agent-hours this week; the team is contracted for {contracted:g}."
    )
    console.print("[green]Inputs are valid.[/]")


@app.command()
def hire(
    scenario: ScenarioArgument = None,
    zones: Annotated[
        str | None,
        typer.Option(
            help="Candidate IANA zones, comma-separated. Default: 25 zones covering "
            "every UTC offset band, India and Nepal included."
        ),
    ] = None,
    weekly_hours: Annotated[float | None, typer.Option(help="The hire's weekly hours.")] = None,
    shift_hours: Annotated[
        str | None, typer.Option(help="The hire's shift lengths, e.g. 8 or 6;8.")
    ] = None,
    earliest_start: Annotated[
        str | None, typer.Option(help="The hire's earliest local start.")
    ] = None,
    latest_end: Annotated[str | None, typer.Option(help="The hire's latest local end.")] = None,
    hires: Annotated[
        int, typer.Option(min=1, max=10, help="Place this many hires together (joint model).")
    ] = 1,
    until_covered: Annotated[
        bool, typer.Option(help="The fewest hires that leave no uncovered time.")
    ] = False,
    until_service_level: Annotated[
        bool, typer.Option(help="The fewest hires that meet the requirement everywhere.")
    ] = False,
    max_hires: Annotated[
        int, typer.Option(min=1, max=30, help="Most hires --until-* may consider.")
    ] = 10,
    out: Annotated[
        Path | None, typer.Option(help="Output folder. Default: out/<scenario-stem>-hire/.")
    ] = None,
    time_limit: Annotated[
        float, typer.Option(min=0.1, help="Seconds to re-plan the week for each candidate.")
    ] = 2.0,
    baseline_time_limit: Annotated[
        float | None,
        typer.Option(min=0.1, help="Seconds for the team's own plan. Default: the scenario's."),
    ] = None,
    joint_time_limit: Annotated[
        float, typer.Option(min=0.1, help="Seconds for the joint and --until-* models.")
    ] = 30.0,
    processes: Annotated[
        int | None, typer.Option(min=1, help="Candidates solved in parallel. Default: cores.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Solver random seed.")] = None,
) -> None:
    """Where should the next hire sit: rank zones, place N hires, or hire until covered."""
    console = Console()
    errors = Console(stderr=True)
    path = resolve_scenario(scenario)
    overrides = {
        key: value
        for key, value in (
            ("weekly_hours", weekly_hours), ("shift_hours", shift_hours),
            ("earliest_start", earliest_start), ("latest_end", latest_end),
        )
        if value is not None
    }  # fmt: skip
    workers = processes or os.cpu_count() or 1
    try:
        loaded = load_scenario(path)
        candidates = parse_zones(zones)
        rules = hire_rules(loaded, overrides)
        target = out or Path("out") / f"{path.stem}-hire"
        clock = time.perf_counter()
        with console.status("Planning the team as it is…"):
            baseline = plan_baseline(
                loaded, baseline_time_limit or loaded.solver.time_limit_seconds, seed=seed
            )
        seconds = {"baseline": round(time.perf_counter() - clock, 2)}
        clock = time.perf_counter()
        week_start = baseline.requirements.week.start_utc
        progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
        )  # fmt: skip
        with progress:
            task = progress.add_task("Re-planning with one hire per zone", total=len(candidates))
            singles = rank_single_hires(
                baseline, candidates, rules, time_limit=time_limit, processes=workers, seed=seed,
                on_done=lambda option: progress.advance(task),
            )  # fmt: skip
        seconds["candidates"] = round(time.perf_counter() - clock, 2)
        frame = hire_frame(singles, week_start)
        report: dict[str, Any] = {
            "scenario": loaded.name,
            "seconds": seconds,
            "baseline": baseline_record(baseline),
            "candidate_rules": rules.model_dump(),
            "candidates": frame.to_dict(orient="records"),
        }
        files: dict[str, dict[str, str]] = {}
        best = rank(singles)[0][1]
        files[f"best-single-{hire_id(best.zones[0], 1) if best.zones else 'none'}"] = option_plan(
            best, baseline
        ).files()
        placements: list[tuple[str, HireOption]] = []
        if hires > 1:
            clock = time.perf_counter()
            with console.status(f"Greedy: best single hire, {hires} times over…"):
                rounds = greedy_hires(
                    baseline, candidates, rules, hires, time_limit=time_limit,
                    processes=workers, seed=seed,
                )  # fmt: skip
            seconds["greedy"] = round(time.perf_counter() - clock, 2)
            clock = time.perf_counter()
            with console.status(f"Joint model: up to {hires} hires placed together…"):
                together = best_hires_together(
                    baseline, candidates, rules, hires, time_limit=joint_time_limit,
                    workers=workers, seed=seed, start=rounds[-1],
                )  # fmt: skip
            seconds["together"] = round(time.perf_counter() - clock, 2)
            placements = [(f"greedy, {i + 1} hire(s)", r) for i, r in enumerate(rounds)]
            placements.append((f"together, up to {hires}", together))
            report["greedy"] = [option_record(r, week_start) for r in rounds]
            report["together"] = option_record(together, week_start)
            report["together_vs_greedy"] = {
                "uncovered_hours_closed": round(
                    together.uncovered_closed - rounds[-1].uncovered_closed, 4
                ),
                "shortfall_agent_hours_closed": round(
                    together.shortfall_closed - rounds[-1].shortfall_closed, 4
                ),
            }
            files[f"together-{hires}"] = option_plan(together, baseline).files()
            files[f"greedy-{hires}"] = option_plan(rounds[-1], baseline).files()
        untils: list[UntilResult] = []
        for wanted, flag in (("covered", until_covered), ("service-level", until_service_level)):
            if not flag:
                continue
            with console.status(f"Fewest hires until {wanted}…"):
                until = hires_until(
                    baseline, candidates, rules, wanted,  # type: ignore[arg-type]
                    max_hires=max_hires, time_limit=joint_time_limit, workers=workers, seed=seed,
                )  # fmt: skip
            untils.append(until)
            report[f"until_{wanted.replace('-', '_')}"] = until_record(until, week_start)
            if until.option is not None and until.reached:
                files[f"until-{wanted}"] = option_plan(until.option, baseline).files()
                placements.append((f"until {wanted}", until.option))
    except InputError as error:
        raise _fail(errors, str(error)) from None
    except NoRoster as error:
        raise _fail(errors, str(error), code=1) from None
    except KeyboardInterrupt:
        raise _fail(errors, "interrupted; nothing written", 130) from None

    top = {"hire.csv": csv_text(frame), "hire.json": json_text(report)}
    written = write_files(target, top)
    for folder, contents in files.items():
        write_files(target / folder, contents)
    base = baseline.outcome
    console.print(
        f"[bold]{escape(loaded.name)}[/]: as the team is, {base.uncovered_hours:g} h uncovered and "
        f"{base.shortfall_agent_hours:g} agent-hours short"
        + (f"; service level {base.service_level:.1%}" if base.service_level is not None else "")
    )
    console.print(hire_table(frame, f"One more hire: {len(candidates)} candidate zones"))
    if placements:
        console.print(placements_table("Several hires", placements, week_start))
    if hires > 1:
        diff = report["together_vs_greedy"]
        console.print(
            f"Placing {hires} together closes {diff['uncovered_hours_closed']:+g} h uncovered and "
            f"{diff['shortfall_agent_hours_closed']:+g} agent-hours short compared with "
            "taking the best single hire each time."
        )
    for until in untils:
        colour = "green" if until.reached else "yellow"
        console.print(f"[{colour}]Until {until.target}:[/] {escape(until.reason)}")
    console.print(
        f"Wrote {', '.join(p.name for p in written)} and {len(files)} plan folder(s) "
        f"to {escape(display(target))}/"
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
