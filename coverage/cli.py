"""The ``coverage`` command line: parse, call, print. The only module that prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from coverage.errors import InputError
from coverage.inputs import display, load_scenario, resolve_scenario
from coverage.outputs import write_files
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
from coverage.solver import Progress
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
) -> None:
    """Plan the week: solve, validate and write roster, coverage, gaps and summary."""
    console = Console(stderr=as_json)
    errors = Console(stderr=True)
    path = resolve_scenario(scenario)
    try:
        loaded = load_scenario(path)
        target = out or Path("out") / path.stem
        if as_json:
            result_plan = make_plan(loaded, time_limit=time_limit, workers=workers, seed=seed)
        else:
            with console.status("Solving…") as status:

                def show(progress: Progress) -> None:
                    status.update(
                        f"Solving {progress.stage}… {progress.seconds:5.1f} s  "
                        f"best {progress.objective:,.0f}  bound {progress.best_bound:,.0f}"
                    )

                result_plan = make_plan(
                    loaded, time_limit=time_limit, workers=workers, seed=seed, on_progress=show
                )
    except InputError as error:
        raise _fail(errors, str(error)) from None

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
    if as_json:
        typer.echo(json.dumps(result_plan.summary, indent=2, default=str))
    else:
        console.print(summary_panel(result_plan.summary))
        if result_plan.validation is not None:
            console.print(heatmap(loaded, result_plan.validation.coverage))
            if len(result_plan.gaps):
                console.print(gaps_table(loaded, result_plan.gaps))
            console.print(agent_hours_table(result_plan.agent_hours))
        console.print(f"Wrote {', '.join(p.name for p in written)} to {escape(display(target))}/")
    if not result_plan.result.found_roster:
        raise _fail(
            errors,
            f"no roster found (status {result_plan.result.status.value}); "
            "try a longer --time-limit",
            code=1,
        )


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
