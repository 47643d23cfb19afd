"""The ``coverage`` command line: parse, call, print. The only module that prints."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress
from rich.status import Status

from coverage import __version__
from coverage.errors import InputError, RosterBroken
from coverage.export import CalendarUpdate, event_uid, export_files, parse_formats, roster_rows
from coverage.hire import (
    HireRequest,
    HireStep,
    NoRoster,
    advise_hires,
    hire_rules,
    parse_skills,
    parse_zones,
)
from coverage.hire_report import HIRE_FOLDERS, hire_files, hire_summary
from coverage.html_report import REPORT_FILE, report_html
from coverage.inputs import (
    RosterRow,
    display,
    load_scenario,
    parse_absence,
    parse_moment,
    read_absences,
    read_given_roster,
    read_output_files,
    read_roster,
    resolve_scenario,
)
from coverage.models import ExportSettings
from coverage.outputs import remove_stale_folders, write_files
from coverage.plan import PLAN_FILES, make_plan
from coverage.replan import REPLAN_FILES, Replan, ReplanRequest, replan_roster
from coverage.report import check_queue, check_report, plan_report, replan_report, score_report
from coverage.score import SCORE_FILES, score_roster
from coverage.solver import InsufficientMemory, check_scenario
from coverage.solver import Progress as SolveProgress

app = typer.Typer(
    help="Follow-the-sun shift coverage planner: weekly rosters for 24/7 support teams.",
    no_args_is_help=True,
    add_completion=False,
)

ScenarioArgument = Annotated[
    str | None,
    typer.Argument(
        help="Scenario TOML file, or the name of a bundled scenario "
        "(global-24x7, small-team, contact-center, multilingual). Default: global-24x7.",
        show_default=False,
    ),
]


def _fail(console: Console, message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def _user_errors(
    errors: Console, interrupted: str = "interrupted; nothing written"
) -> Iterator[None]:
    """Expected failures as one line and an exit code, the same for every command:
    2 bad input, 1 no roster or not enough memory, 3 a roster that breaks a rule
    (a bug), 130 Ctrl-C."""
    try:
        yield
    except InputError as error:
        raise _fail(errors, str(error)) from None
    except (InsufficientMemory, NoRoster) as error:
        raise _fail(errors, str(error), code=1) from None
    except RosterBroken as error:
        for violation in error.violations[:20]:
            errors.print(f"[red]violation:[/] {escape(str(violation))}", highlight=False)
        raise _fail(errors, str(error), code=3) from None
    except KeyboardInterrupt:
        raise _fail(errors, interrupted, 130) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coverage {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Follow-the-sun shift coverage planner: weekly rosters for 24/7 support teams."""


ScenarioRequired = Annotated[
    str,
    typer.Argument(
        help="Scenario TOML file, or the name of a bundled scenario "
        "(global-24x7, small-team, contact-center, multilingual, channels)."
    ),
]
TimeLimit = Annotated[
    float | None,
    typer.Option(min=0.1, help="Seconds from reading the inputs to the written roster."),
]
SolveSeed = Annotated[int | None, typer.Option(min=0, help="Solver random seed.")]
SolveWorkers = Annotated[int | None, typer.Option(min=1, help="Solver worker threads.")]
Deterministic = Annotated[
    bool,
    typer.Option(
        help="Count the time limit in solver work units, not seconds: same inputs, seed "
        "and workers give byte-identical files even when the limit stops the search."
    ),
]
AsJson = Annotated[
    bool, typer.Option("--json", help="Print summary.json to stdout instead of the report.")
]
Html = Annotated[
    bool,
    typer.Option(
        "--html", help="Also write report.html: one self-contained page that opens offline."
    ),
]
QueueShown = Annotated[
    str | None, typer.Option(help="Show only this queue's heatmap. Default: every queue.")
]


class Objective(StrEnum):
    agents = "agents"
    service = "service"


@app.command()
def plan(
    scenario: ScenarioArgument = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder. Default: out/<scenario-stem>/.")
    ] = None,
    time_limit: TimeLimit = None,
    seed: SolveSeed = None,
    workers: SolveWorkers = None,
    as_json: AsJson = False,
    export_formats: Annotated[
        str | None,
        typer.Option(
            "--export", help="Also write calendars: google, outlook, ics (comma-separated)."
        ),
    ] = None,
    deterministic: Deterministic = False,
    queue: QueueShown = None,
    objective: Annotated[
        Objective | None,
        typer.Option(
            help="agents: fewest agent-hours short; service: fewest contacts answered late. "
            "Default: the scenario's [solver] objective."
        ),
    ] = None,
    html: Html = False,
) -> None:
    """Plan the week: solve, validate and write roster, coverage, gaps and summary."""
    console = Console(stderr=as_json)
    errors = Console(stderr=True)
    path = resolve_scenario(scenario)
    try:
        calendars = parse_formats(export_formats) if export_formats else ()
    except ValueError as error:
        raise _fail(errors, f"--export: {error}") from None
    with _user_errors(errors, "interrupted before a roster was found; nothing written"):
        loaded = load_scenario(path)
        if objective is not None:
            loaded = loaded.replace(solver=loaded.solver.replace(objective=objective.value))
        queue = check_queue(loaded, queue)
        options: dict[str, Any] = {
            "time_limit": time_limit, "workers": workers, "seed": seed,
            "deterministic": deterministic or None, "interruptible": True,
        }  # fmt: skip
        if as_json:
            made = make_plan(loaded, **options)
        else:
            with console.status("Solving… (Ctrl-C stops and keeps the best roster)") as status:
                made = make_plan(loaded, on_progress=_show_progress(status), **options)
        if made.validation is not None and not made.validation.ok:
            raise RosterBroken(made.validation.violations)
    target = out or Path("out") / path.stem
    written = write_files(target, _with_report(made.files(), html), (*PLAN_FILES, REPORT_FILE))
    wrote_calendars = bool(calendars) and made.solved.found_roster
    if wrote_calendars:
        rows = roster_rows(loaded, made.solved.roster)
        _write_calendars(rows, loaded.name, loaded.export, calendars, target / "calendars")
    if as_json:
        typer.echo(json.dumps(made.summary, indent=2, default=str))
    else:
        console.print(plan_report(made, width=console.width, queue=queue))
        calendar_note = f" and calendars ({', '.join(calendars)})" if wrote_calendars else ""
        console.print(
            f"Wrote {', '.join(p.name for p in written)}{calendar_note} "
            f"to {escape(display(target))}/"
        )
    if not made.solved.found_roster:
        raise _fail(
            errors,
            f"no roster found (status {made.solved.status.value}); try a longer --time-limit",
            code=1,
        )
    if made.solved.interrupted:
        errors.print("Interrupted: wrote the best roster found so far (see summary.json).")
        raise typer.Exit(130)


@app.command()
def score(
    scenario: ScenarioRequired,
    roster: Annotated[
        Path,
        typer.Argument(
            help="The roster: a plan's folder or roster.csv, a CSV agent_id,start,end, "
            "or the calendars coverage export writes (team.ics, an agent's .ics, a folder).",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None, typer.Option(help="Output folder. Default: out/<scenario-stem>-score/.")
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Exit 4 when the roster breaks any hard rule.")
    ] = False,
    compare: Annotated[
        bool, typer.Option(help="Also solve the week and show what the optimiser would gain.")
    ] = False,
    time_limit: TimeLimit = None,
    seed: SolveSeed = None,
    workers: SolveWorkers = None,
    deterministic: Deterministic = False,
    as_json: AsJson = False,
    queue: QueueShown = None,
    html: Html = False,
) -> None:
    """Score a roster you have: its coverage, gaps and broken rules (violations.csv)."""
    console, errors = Console(stderr=as_json), Console(stderr=True)
    path = resolve_scenario(scenario)
    with _user_errors(errors):
        loaded = load_scenario(path)
        queue = check_queue(loaded, queue)
        given = read_given_roster(roster, loaded)
        options: dict[str, Any] = {
            "compare": compare, "time_limit": time_limit, "workers": workers, "seed": seed,
            "deterministic": deterministic or None,
        }  # fmt: skip
        if compare and not as_json:
            with console.status("Solving the week to compare…") as status:
                scored = score_roster(loaded, given, on_progress=_show_progress(status), **options)
        else:
            scored = score_roster(loaded, given, **options)
    target = out or Path("out") / f"{path.stem}-score"
    written = write_files(target, _with_report(scored.files(), html), (*SCORE_FILES, REPORT_FILE))
    if as_json:
        typer.echo(json.dumps(scored.summary, indent=2, default=str))
    else:
        console.print(score_report(scored, width=console.width, queue=queue))
        console.print(f"Wrote {', '.join(p.name for p in written)} to {escape(display(target))}/")
    if strict and len(scored.violations):
        raise typer.Exit(4)


@app.command(name="replan")
def replan_command(
    scenario: ScenarioArgument = None,
    roster: Annotated[
        Path | None,
        typer.Option(
            help="The published roster (any form score reads: a plan's folder, roster.csv, "
            "agent_id,start,end CSV, calendars).",
            show_default=False,
        ),
    ] = None,
    absent: Annotated[
        list[str] | None,
        typer.Option(
            help="AGENT:FROM..TO, local dates (TO included) or times; repeat for several."
        ),
    ] = None,
    absences: Annotated[
        Path | None, typer.Option(help="A CSV agent_id,start,end of absences.")
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Shifts that started before this instant are frozen (ISO 8601; local "
            "times in the scenario's zone). Default: now."
        ),
    ] = None,
    notice_hours: Annotated[
        float,
        typer.Option(min=0, help="Shifts starting within this many hours of --now are frozen."),
    ] = 0.0,
    max_changes: Annotated[
        float | None, typer.Option(min=0, help="At most this many published shifts change.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder. Default: out/<scenario-stem>-replan/.")
    ] = None,
    export_formats: Annotated[
        str,
        typer.Option(
            "--export", help="Calendars for the agents whose week changed: google, outlook, ics."
        ),
    ] = "ics",
    time_limit: TimeLimit = None,
    seed: SolveSeed = None,
    workers: SolveWorkers = None,
    deterministic: Deterministic = False,
    as_json: AsJson = False,
    queue: QueueShown = None,
    html: Html = False,
) -> None:
    """Re-plan a published roster when agents are out, changing as few shifts as it can."""
    console, errors = Console(stderr=as_json), Console(stderr=True)
    path = resolve_scenario(scenario)
    if roster is None:
        raise _fail(errors, "--roster: name the published roster (a plan's folder, a CSV, .ics)")
    try:
        calendars = parse_formats(export_formats)
    except ValueError as error:
        raise _fail(errors, f"--export: {error}") from None
    with _user_errors(errors, "interrupted before a roster was found; nothing written"):
        loaded = load_scenario(path)
        queue = check_queue(loaded, queue)
        published = read_given_roster(roster, loaded)
        wanted = list(read_absences(absences, loaded)) if absences else []
        for text in absent or []:
            try:
                wanted.append(parse_absence(text, loaded))
            except ValueError as error:
                raise _fail(errors, f"--absent {error}") from None
        if not wanted:
            raise _fail(errors, "name who is out: --absent AGENT:FROM..TO or --absences FILE")
        try:
            moment = parse_moment(now, ZoneInfo(loaded.timezone)) if now else datetime.now(UTC)
        except ValueError as error:
            raise _fail(errors, f"--now: {error}") from None
        request = ReplanRequest(tuple(wanted), moment, notice_hours, max_changes)
        options: dict[str, Any] = {
            "time_limit": time_limit, "workers": workers, "seed": seed,
            "deterministic": deterministic or None, "interruptible": True,
        }  # fmt: skip
        if as_json:
            made = replan_roster(loaded, published, request, **options)
        else:
            with console.status("Re-planning… (Ctrl-C stops and keeps the best roster)") as status:
                made = replan_roster(
                    loaded, published, request, on_progress=_show_progress(status), **options
                )
        validation = made.plan.validation
        if made.violations or (validation is not None and not validation.ok):
            raise RosterBroken([*made.violations, *(validation.violations if validation else ())])
    target = out or Path("out") / f"{path.stem}-replan"
    written = write_files(target, _with_report(made.files(), html), (*REPLAN_FILES, REPORT_FILE))
    if made.result.found_roster:
        _write_update_calendars(made, loaded.name, loaded.export, calendars, target / "calendars")
    if as_json:
        typer.echo(json.dumps(made.summary, indent=2, default=str))
    else:
        console.print(replan_report(made, width=console.width, queue=queue))
        changed = len(made.changed_agents)
        console.print(
            f"Wrote {', '.join(p.name for p in written)} and calendars ({', '.join(calendars)}) "
            f"for {changed} agent(s) whose week changed to {escape(display(target))}/"
        )
    if not made.result.found_roster:
        raise _fail(
            errors,
            f"no roster found (status {made.result.status.value}); try a longer --time-limit "
            "or a higher --max-changes",
            code=1,
        )
    if made.result.interrupted:
        errors.print("Interrupted: wrote the best re-plan found so far (see summary.json).")
        raise typer.Exit(130)


def _with_report(files: dict[str, str], html: bool) -> dict[str, str]:
    """The files, and with ``--html`` their report page."""
    return {**files, REPORT_FILE: report_html(files)} if html else files


@app.command()
def report(
    out_dir: Annotated[
        Path,
        typer.Argument(help="A folder plan, score, replan or hire wrote.", show_default=False),
    ],
    out: Annotated[
        Path | None, typer.Option(help="The page to write. Default: OUT_DIR/report.html.")
    ] = None,
) -> None:
    """One self-contained HTML report of a plan, score, re-plan or hiring answer."""
    console, errors = Console(), Console(stderr=True)
    with _user_errors(errors):
        page = report_html(read_output_files(out_dir))
    target = out or out_dir / REPORT_FILE
    write_files(target.parent, {target.name: page})
    console.print(f"Wrote {escape(display(target))}")


def _write_update_calendars(
    made: Replan, team: str, settings: ExportSettings, formats: tuple[str, ...], out: Path
) -> None:
    """Calendars for the agents whose week changed: changed events keep their UID
    with a higher SEQUENCE, removed ones are sent cancelled."""
    scenario = made.plan.scenario
    rows = roster_rows(scenario, made.result.roster)
    cancelled = tuple(
        RosterRow(
            c.agent_id, scenario.agent(c.agent_id).name, scenario.agent(c.agent_id).timezone, c.old
        )
        for c in made.changes
        if c.kind == "removed" and c.old is not None
    )
    changed_shifts = {c.new for c in made.changes if c.new is not None}
    update = CalendarUpdate(
        changed=frozenset(event_uid(r) for r in rows if r.shift in changed_shifts),
        cancelled=cancelled,
        agents=frozenset(made.changed_agents),
    )
    for fmt in formats:
        folder = out / fmt
        # An earlier re-plan's files for agents whose week no longer changes go.
        earlier = [p.name for p in folder.glob("*.ics" if fmt == "ics" else "*.csv")]
        write_files(folder, export_files(rows, team, settings, fmt, update=update), earlier)


def _show_progress(status: Status) -> Callable[[SolveProgress], None]:
    def show(progress: SolveProgress) -> None:
        status.update(
            f"Solving {progress.stage}… {progress.seconds:5.1f} s  "
            f"best {progress.objective:,.0f}  bound {progress.best_bound:,.0f}"
        )

    return show


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
        typer.Option(help="Scenario whose \\[export] table sets subject and description."),
    ] = None,
) -> None:
    """Calendars from a plan's roster: one file per agent in local time (and a team .ics)."""
    console = Console()
    errors = Console(stderr=True)
    try:
        chosen = parse_formats(formats)
    except ValueError as error:
        raise _fail(errors, f"--format: {error}") from None
    with _user_errors(errors):
        settings = (
            load_scenario(resolve_scenario(scenario)).export if scenario else ExportSettings()
        )
        rows, team = read_roster(roster_dir)
    target = out or roster_dir / "calendars"
    for folder in _write_calendars(rows, team, settings, chosen, target):
        console.print(f"Wrote {escape(display(folder))}/")


@app.command()
def check(scenario: ScenarioArgument = None) -> None:
    """Check the inputs as plan would, and show the team and requirement curve, without solving."""
    console = Console()
    with _user_errors(Console(stderr=True)):
        loaded = load_scenario(resolve_scenario(scenario))
        problem = check_scenario(loaded)
    console.print(check_report(loaded, problem.requirements))


# The hire command's options, one line each in its signature.
Zones = Annotated[
    str | None,
    typer.Option(
        help="Candidate IANA zones, comma-separated. Default: 25 zones covering every UTC "
        "offset band, India and Nepal included."
    ),
]
Hours = Annotated[float | None, typer.Option(help="The hire's weekly hours.")]
Lengths = Annotated[str | None, typer.Option(help="The hire's shift lengths, e.g. 8 or 6;8.")]
EarliestStart = Annotated[str | None, typer.Option(help="The hire's earliest local start.")]
LatestEnd = Annotated[str | None, typer.Option(help="The hire's latest local end.")]
Hires = Annotated[
    int, typer.Option(min=1, max=10, help="Place this many hires together (joint model).")
]
UntilCovered = Annotated[bool, typer.Option(help="The fewest hires that leave no uncovered time.")]
UntilServiceLevel = Annotated[
    bool, typer.Option(help="The fewest hires that meet the requirement everywhere.")
]
MaxHires = Annotated[int, typer.Option(min=1, max=30, help="Most hires --until-* may consider.")]
HireOut = Annotated[
    Path | None, typer.Option(help="Output folder. Default: out/<scenario-stem>-hire/.")
]
Seconds = Annotated[
    float, typer.Option(min=0.1, help="Seconds to re-plan the week for each candidate.")
]
BaselineSeconds = Annotated[
    float | None,
    typer.Option(min=0.1, help="Seconds for the team's own plan. Default: the scenario's."),
]
JointSeconds = Annotated[
    float, typer.Option(min=0.1, help="Seconds for the joint and --until-* models.")
]
Processes = Annotated[
    int | None, typer.Option(min=1, help="Candidates re-planned in parallel. Default: cores.")
]
Workers = Annotated[
    int | None,
    typer.Option(min=1, help="Solver threads for the team's plan and the joint models."),
]
Seed = Annotated[int | None, typer.Option(min=0, help="Solver random seed.")]
Skills = Annotated[
    str | None,
    typer.Option(help="Queues the hire serves, e.g. 'german;english'. Default: every queue."),
]


@app.command()
def hire(
    scenario: ScenarioArgument = None,
    zones: Zones = None,
    weekly_hours: Hours = None,
    shift_hours: Lengths = None,
    earliest_start: EarliestStart = None,
    latest_end: LatestEnd = None,
    hires: Hires = 1,
    until_covered: UntilCovered = False,
    until_service_level: UntilServiceLevel = False,
    max_hires: MaxHires = 10,
    out: HireOut = None,
    time_limit: Seconds = 2.0,
    baseline_time_limit: BaselineSeconds = None,
    joint_time_limit: JointSeconds = 30.0,
    processes: Processes = None,
    workers: Workers = None,
    seed: Seed = None,
    skills: Skills = None,
    html: Html = False,
) -> None:
    """Where should the next hire sit: rank zones, place N hires, or hire until covered."""
    console, errors = Console(), Console(stderr=True)
    path = resolve_scenario(scenario)
    overrides = {
        key: value
        for key, value in (
            ("weekly_hours", weekly_hours), ("shift_hours", shift_hours),
            ("earliest_start", earliest_start), ("latest_end", latest_end),
        )
        if value is not None
    }  # fmt: skip
    until = tuple(
        target
        for target, wanted in (("covered", until_covered), ("service-level", until_service_level))
        if wanted
    )
    with _user_errors(errors):
        loaded = load_scenario(path)
        request = HireRequest(
            zones=parse_zones(zones), rules=hire_rules(loaded, overrides),
            skills=parse_skills(loaded, skills), hires=hires,
            until=until, max_hires=max_hires, time_limit=time_limit,  # type: ignore[arg-type]
            baseline_time_limit=baseline_time_limit, joint_time_limit=joint_time_limit,
            processes=processes or os.cpu_count() or 1, workers=workers, seed=seed,
        )  # fmt: skip
        with _HireProgress(console) as show:
            report = advise_hires(loaded, request, on_step=show)
        folders = hire_files(report)
        if html:
            best = next(name for name in folders if name.startswith("best-single-"))
            page = report_html({**folders[""], **folders[best]})
            folders[""] = {**folders[""], REPORT_FILE: page}
    target = out or Path("out") / f"{path.stem}-hire"
    for folder, files in folders.items():
        write_files(target / folder, files, replaces=(REPORT_FILE,) if not folder else PLAN_FILES)
    remove_stale_folders(target, folders, HIRE_FOLDERS, PLAN_FILES)
    console.print(hire_summary(report))
    console.print(
        f"Wrote hire.csv, hire.json{', report.html' if html else ''} and "
        f"{len(folders) - 1} plan folder(s) "
        f"to {escape(display(target))}/"
    )


class _HireProgress:
    """A live line for ``advise_hires``: a spinner, and a bar for steps with parts."""

    def __init__(self, console: Console) -> None:
        self.bar = RichProgress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
        )  # fmt: skip
        self.task = self.bar.add_task("", total=None)

    def __enter__(self) -> Callable[[HireStep], None]:
        self.bar.start()
        return self.show

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def show(self, step: HireStep) -> None:
        self.bar.update(
            self.task, description=step.description, completed=step.done, total=step.total
        )


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        # The reader stopped early (``coverage plan | head``): the files are written,
        # so this is not a failure. Point stdout at nothing so exiting can flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0) from None


if __name__ == "__main__":
    main()
