"""The ``autograder`` command line: a click group of small commands."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from autograder.contract import FUNCTIONS

EXIT_USAGE = 2


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"autograder: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(command):
    """Turn any escaping exception into one line on stderr (set AUTOGRADER_DEBUG=1 for tracebacks)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from autograder.engine.grading import GradingError

        try:
            return command(*args, **kwargs)
        except GradingError as exc:
            _fail(str(exc))
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as exc:  # noqa: BLE001 - the grader never shows a traceback
            if os.environ.get("AUTOGRADER_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {exc}); rerun with AUTOGRADER_DEBUG=1 "
                  "for the traceback", 1)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="d2l-autograder")
def main() -> None:
    """Grade from-scratch PyTorch exercises of Dive into Deep Learning, chapters 2-4.

    Students fill in exercises/; instructors grade a filled-in copy with `autograder grade`.
    Every check is worth points from the rubric and explains each lost point.
    """


@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write Gradescope's results.json to FILE.")
@click.option("--seed", type=int, default=None,
              help="Seed for the randomised inputs (default: a new one each run, recorded in the report).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the Fashion-MNIST files (default: $D2L_AUTOGRADER_DATA, then Debian's "
                   "dataset-fashion-mnist, then a download).")
@click.option("--only", "only", multiple=True, type=click.Choice(FUNCTIONS), metavar="FUNCTION",
              help="Grade only the checks of FUNCTION (repeatable), e.g. --only softmax.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Wall-clock seconds one check may take before its worker is stopped.")
@click.option("--memory", type=click.IntRange(min=256), default=2048, show_default=True,
              help="Megabytes of memory the worker may use.")
@click.option("--unsafe-no-sandbox", is_flag=True,
              help="Run student code in a plain worker process when bubblewrap is unavailable "
                   "(the report says so).")
@click.option("-v", "--verbose", is_flag=True, help="Print the message of every failed check.")
@friendly_errors
def grade(submission: Path, json_path: Path | None, seed: int | None, data_dir: Path | None,
          only: tuple[str, ...], timeout: float, memory: int, unsafe_no_sandbox: bool,
          verbose: bool) -> None:
    """Grade the student repository SUBMISSION (a folder holding exercises/).

    Student code runs only in a worker process inside bubblewrap (no network, no view of the
    grader's files), with limits on time, memory, processes and file size; what it returns is
    judged here. Prints a table with one row per exercise function: points, maximum, status and
    the first problem found. Exits 0 whenever grading completed, whatever the score; 2 when
    SUBMISSION is not a submission, the data cannot be found or the sandbox cannot start.
    """
    from autograder.engine.grading import grade_submission
    from autograder.reports.results_json import write_results_json
    from autograder.reports.table import print_report
    from autograder.sandbox.limits import Limits

    limits = Limits(timeout_s=timeout, memory_mb=memory)
    report = grade_submission(submission, data_dir=str(data_dir) if data_dir else None,
                              seed=seed, functions=set(only) or None, limits=limits,
                              runner="unsandboxed" if unsafe_no_sandbox else "sandbox")
    print_report(report)
    if verbose:
        for result in report.results:
            if not result.passed:
                click.echo(f"- {result.spec.id} ({result.score:g}/{result.spec.points:g}): {result.message}")
    if json_path:
        write_results_json(report, json_path)
        click.echo(f"wrote {json_path}")


@main.command("build-exercises")
@click.option("--check", is_flag=True, help="Only report whether exercises/ is stale (exit 1 if so).")
@friendly_errors
def build_exercises(check: bool) -> None:
    """Regenerate exercises/ (the student stubs) from solutions/.

    Every `### BEGIN SOLUTION` ... `### END SOLUTION` region becomes `raise NotImplementedError()`,
    by nbgrader's own ClearSolutions preprocessor.
    """
    from autograder.build.exercises import EXERCISES, render_exercises, write_exercises

    if check:
        stale = [name for name, text in render_exercises().items()
                 if not (EXERCISES / name).exists() or (EXERCISES / name).read_text() != text]
        if stale:
            click.echo("exercises/ is stale: " + ", ".join(stale) + " (run `autograder build-exercises`)")
            sys.exit(1)
        click.echo("exercises/ is up to date")
        return
    changed = write_exercises()
    click.echo(f"wrote {len(changed)} file(s)" + "".join(f"\n  {p}" for p in changed))


@main.command()
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the Fashion-MNIST files.")
@friendly_errors
def data(data_dir: Path | None) -> None:
    """Find Fashion-MNIST offline and print the torchvision root the grader uses."""
    from autograder.data import DataNotFound, locate_fashion_mnist

    try:
        click.echo(locate_fashion_mnist(data_dir))
    except DataNotFound as exc:
        _fail(str(exc))


@main.command()
@friendly_errors
def rubric() -> None:
    """List every hidden check: id, kind, functions graded and points."""
    from rich.console import Console
    from rich.table import Table

    from autograder.rubric import load_rubric

    rub = load_rubric()
    table = Table(title=f"rubric: {len(rub.checks)} checks, {rub.total:g} points")
    for column in ("check", "kind", "grades", "points", "what it verifies"):
        table.add_column(column)
    for spec in rub.checks:
        table.add_row(spec.id, spec.kind, ", ".join(spec.functions), f"{spec.points:g}", spec.title)
    Console().print(table)


if __name__ == "__main__":
    main()
