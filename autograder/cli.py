"""The ``autograder`` command line: a click group of small commands."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from autograder.contract import FUNCTIONS
from autograder.sandbox.limits import TIMEOUT_FLOOR_S, TIMEOUT_MULTIPLE, TRAINING_TIMEOUT_FLOOR_S

from autograder.errors import EXIT_USAGE, fail as _fail, friendly_errors  # noqa: F401


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="d2l-autograder")
def main() -> None:
    """Grade from-scratch PyTorch exercises of Dive into Deep Learning, chapters 2-4.

    Students fill in exercises/; instructors grade a filled-in copy with `autograder grade`.
    Every check is worth points from the rubric and explains each lost point.
    """


def _grading_options(command):
    """The options `grade`, `grade-all` and `check` share: data, seed, limits, sandbox."""
    options = [
        click.option("--seed", type=int, default=None,
                     help="Seed for the randomised inputs (default: a new one each run, recorded in "
                          "the report)."),
        click.option("--data-dir", type=click.Path(path_type=Path), default=None,
                     help="Folder with the Fashion-MNIST files (default: $D2L_AUTOGRADER_DATA, then "
                          "Debian's dataset-fashion-mnist, then a download)."),
        click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True,
                     help="The most wall-clock seconds any one check may take before its worker is "
                          "stopped. Each check's own limit comes from the reference solutions' "
                          f"measured time for it: {TIMEOUT_MULTIPLE:g}x that, at least "
                          f"{TIMEOUT_FLOOR_S:g} s ({TRAINING_TIMEOUT_FLOOR_S:g} s for a training run), "
                          "capped at this value. Once a function has timed out, its later "
                          "checks, and the training runs that use it, fail at once."),
        click.option("--memory", type=click.IntRange(min=256), default=2048, show_default=True,
                     help="Megabytes of memory the worker may use."),
        click.option("--unsafe-no-sandbox", is_flag=True,
                     help="Run student code in a plain worker process when bubblewrap is unavailable "
                          "(the report says so)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _limits(timeout: float, memory: int):
    from autograder.sandbox.limits import Limits

    return Limits(timeout_s=timeout, memory_mb=memory)


def _print_failures(report) -> None:
    for result in report.results:
        if not result.passed:
            click.echo(f"- {result.spec.id} ({result.score:g}/{result.spec.points:g}): {result.message}")


@main.command()
@click.argument("submission")
@click.option("--ref", default=None,
              help="Branch, tag or commit to grade when SUBMISSION is a git repository or URL "
                   "(default: its HEAD).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write Gradescope's results.json to FILE.")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write feedback.md, feedback.html and the training-curve PNGs to DIR.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write JUnit XML (one test case per check) to FILE, for CI.")
@_grading_options
@click.option("--only", "only", multiple=True, type=click.Choice(FUNCTIONS), metavar="FUNCTION",
              help="Grade only the checks of FUNCTION (repeatable), e.g. --only softmax.")
@click.option("-v", "--verbose", is_flag=True, help="Print the message of every failed check.")
@friendly_errors
def grade(submission: str, ref: str | None, json_path: Path | None, feedback_dir: Path | None,
          junit_path: Path | None, seed: int | None, data_dir: Path | None, timeout: float,
          memory: int, unsafe_no_sandbox: bool, only: tuple[str, ...], verbose: bool) -> None:
    """Grade one SUBMISSION with every hidden check.

    SUBMISSION is a student repository (a folder holding exercises/), a git URL or local git
    repository (shallow-cloned; see --ref), or a notebook or folder of notebooks (nbgrader's
    submitted/<student>/<assignment>/: only the solution cells are run, never the student's own
    training cells).

    Student code runs only in a worker process inside bubblewrap (no network, no view of the
    grader's files), with limits on time, memory, processes and file size; what it returns is
    judged here. Prints a table with one row per exercise function: points, maximum, status and
    the first problem found. Exits 0 whenever grading completed, whatever the score; 2 when
    SUBMISSION is not a submission, the data cannot be found or the sandbox cannot start.
    """
    from autograder.engine.grading import grade_submission

    report = grade_submission(submission, ref=ref, data_dir=str(data_dir) if data_dir else None,
                              seed=seed, functions=set(only) or None, limits=_limits(timeout, memory),
                              runner="unsandboxed" if unsafe_no_sandbox else "sandbox")
    from autograder.reports.table import print_report

    print_report(report)
    if verbose:
        _print_failures(report)
    if json_path:
        from autograder.reports.results_json import write_results_json

        write_results_json(report, json_path)
        click.echo(f"wrote {json_path}")
    if junit_path:
        from autograder.reports.junit import write_junit

        write_junit(report, junit_path)
        click.echo(f"wrote {junit_path}")
    if feedback_dir:
        from autograder.reports.feedback import write_feedback

        click.echo(f"wrote {write_feedback(report, feedback_dir)}")


@main.command("grade-all")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for grades.csv and one sub-folder per student (results.json, feedback/).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Submissions graded at the same time (each uses about one core).")
@_grading_options
@click.option("--only", "only", multiple=True, type=click.Choice(FUNCTIONS), metavar="FUNCTION",
              help="Grade only the checks of FUNCTION (repeatable), e.g. this week's exercises.")
@click.option("--no-feedback", is_flag=True, help="Skip the Markdown/HTML feedback (faster).")
@click.option("--no-zygote", is_flag=True,
              help="Start a fresh sandboxed Python for every submission instead of forking the "
                   "workers from one that has imported torch (slower: for comparison).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["canvas"]),
              help="Also write the grades for an LMS (repeatable): canvas writes OUT/canvas.csv, "
                   "for Canvas's Grades > Import.")
@click.option("--canvas-assignment", default="D2L autograder", show_default=True, metavar="NAME",
              help="The assignment column of canvas.csv (Canvas creates it, or matches an "
                   "existing assignment of that name).")
@friendly_errors
def grade_all(folders: tuple[Path, ...], out: Path, jobs: int, seed: int | None,
              data_dir: Path | None, timeout: float, memory: int, unsafe_no_sandbox: bool,
              only: tuple[str, ...], no_feedback: bool, no_zygote: bool, formats: tuple[str, ...],
              canvas_assignment: str) -> None:
    """Grade every submission under FOLDERS, in parallel, into OUT.

    Each sub-folder of a FOLDER is one student's submission (a repository or notebooks); nbgrader's
    submitted/<student>/<assignment>/ layout works as is. Writes OUT/grades.csv (student, total, one
    column per exercise, status) and OUT/<student>/results.json, OUT/<student>/feedback/.
    A submission whose content, grader and options are unchanged since the last run into OUT is not
    graded again, and every result is written atomically: a run stopped halfway keeps what it
    finished. A submission that cannot be graded gets an "error" line with the reason; the others
    go on. Each grading process imports torch once, in a zygote in the sandbox that forks every
    submission's worker into namespaces of its own (--no-zygote: a fresh sandbox each). With --format canvas, OUT/canvas.csv holds the totals as Canvas's gradebook import
    reads them (the student id as SIS Login ID; an ungraded submission's cell left empty, which
    Canvas does not overwrite). Exits 0 when the run completed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from autograder.batch.discover import discover
    from autograder.batch.run import BatchOptions, grade_entries
    from autograder.data import DataNotFound, locate_fashion_mnist
    from autograder.reports.grades_csv import write_grades_csv
    from autograder.rubric import load_rubric

    try:
        entries = discover(list(folders))
        locate_fashion_mnist(str(data_dir) if data_dir else None)
    except (FileNotFoundError, DataNotFound) as exc:
        _fail(str(exc))
    if not entries:
        _fail("no submissions found under " + ", ".join(map(str, folders)))
    if not unsafe_no_sandbox:
        from autograder.sandbox.bwrap import bwrap_path

        if bwrap_path() is None:
            _fail("bubblewrap (bwrap) is not installed: install it or pass --unsafe-no-sandbox")
    options = BatchOptions(seed=seed, data_dir=str(data_dir) if data_dir else None,
                           limits=_limits(timeout, memory),
                           runner="unsandboxed" if unsafe_no_sandbox else "sandbox",
                           feedback=not no_feedback, functions=tuple(sorted(only)),
                           zygote=not no_zygote)
    exercises = list(dict.fromkeys(spec.exercise for spec in load_rubric().select(set(only) or None).checks))
    outcomes = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn()) as progress:
        task = progress.add_task("grading", total=len(entries))

        def on_done(outcome) -> None:
            outcomes.append(outcome)
            write_grades_csv(outcomes, exercises, out / "grades.csv")  # kept current, atomically
            shown = "error" if outcome.total is None else f"{outcome.total:g}/{outcome.max_score:g}"
            progress.update(task, advance=1, description=f"{outcome.student}: {shown}")
            if outcome.status == "error":
                progress.console.print(f"[red]{outcome.student}[/red]: {outcome.message}")

        grade_entries(entries, out, options, jobs=jobs, on_done=on_done)
    if "canvas" in formats:
        from autograder.reports.canvas_csv import write_canvas_csv

        write_canvas_csv(outcomes, load_rubric().select(set(only) or None).total, out / "canvas.csv",
                         canvas_assignment)
        click.echo(f"wrote {out / 'canvas.csv'}")
    counts = {status: sum(o.status == status for o in outcomes) for status in ("graded", "unchanged", "error")}
    click.echo(f"{len(outcomes)} submission(s): {counts['graded']} graded, {counts['unchanged']} "
               f"unchanged since the last run, {counts['error']} could not be graded; "
               f"wrote {out / 'grades.csv'}")


@main.command()
@click.argument("path", default=".")
@click.option("--only", "only", multiple=True, type=click.Choice(FUNCTIONS), metavar="FUNCTION",
              help="Run only the public checks of FUNCTION (repeatable).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the Fashion-MNIST files.")
@friendly_errors
def check(path: str, only: tuple[str, ...], data_dir: Path | None) -> None:
    """Run the public checks on your own work in PATH (default: here).

    One quick check per exercise function, on fixed inputs (seed 0), with every failure message
    printed. The hidden checks that decide your grade test more (other inputs, statistics,
    training runs); passing these is a start, not a promise. Runs inside bubblewrap when it is
    installed, else in a plain worker process.
    """
    from autograder.engine.grading import grade_submission
    from autograder.rubric import load_rubric
    from autograder.sandbox.bwrap import bwrap_path

    public = load_rubric().select(set(only) or None, public_only=True)
    report = grade_submission(path, data_dir=str(data_dir) if data_dir else None, seed=0,
                              rubric=public, runner="sandbox" if bwrap_path() else "unsandboxed")
    from autograder.reports.table import print_report

    print_report(report)
    _print_failures(report)
    click.echo(f"public checks: {sum(r.passed for r in report.results)} of {len(report.results)} "
               "passed")


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


from autograder.nb.cli import nb  # noqa: E402
from autograder.handout.cli import handout, selftest  # noqa: E402
main.add_command(nb)
main.add_command(handout)
main.add_command(selftest)
from autograder.gradescope.cli import gradescope  # noqa: E402
main.add_command(gradescope)


if __name__ == "__main__":
    main()
