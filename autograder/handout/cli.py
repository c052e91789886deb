"""`autograder handout OUT` and `autograder selftest`: the student repository, and the course's
own proof that the reference earns full marks and the stubs nothing."""
from __future__ import annotations

from pathlib import Path

import click

from autograder.errors import friendly_errors


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace what OUT holds (its .git folder is kept, so a checked-out template "
                   "repository can be rebuilt in place).")
@click.option("--title", default=None, help="The heading of the student README.")
@friendly_errors
def handout(out: Path, force: bool, title: str | None) -> None:
    """Write the student starter repository into OUT, ready to push as a GitHub Classroom template.

    OUT gets exercises/ (the stubs), a student README (how to fill in, check and hand in), the
    public checks in checks/ with tests/test_public_checks.py (one check per function, the
    grader's own messages; they need only torch and pytest and run on Linux, macOS and Windows),
    requirements.txt, and .github/workflows/classroom.yml, which runs each function's public
    check as a GitHub Classroom grading step. Nothing of solutions/, the rubric or the hidden
    checks is copied.

    \b
    Students run:
      pytest                        every public check
      python -m checks --only relu  one function's check
      check(softmax)                in a notebook, after `from checks import check`
    """
    from autograder.handout.build import write_handout

    written = write_handout(out, force=force, title=title)
    click.echo(f"wrote {len(written)} files into {out}; push it as the assignment's template "
               "repository")


@click.command()
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the Fashion-MNIST files.")
@click.option("--unsafe-no-sandbox", is_flag=True,
              help="Grade without bubblewrap (only where it cannot run; the code graded is ours).")
@friendly_errors
def selftest(data_dir: Path | None, unsafe_no_sandbox: bool) -> None:
    """Prove the course is consistent: the reference earns full marks, the stubs nothing.

    Grades solutions/ (every check must pass) and exercises/ (every check must score 0), then
    builds the handout in a temporary folder and runs its public checks on both (all pass on the
    solutions, all fail on the stubs). Exit 0 when all four hold, 1 otherwise, with what did not.
    The instructor's workflow (.github/workflows/course.yml) runs this whenever the solutions,
    the stubs or the rubric change.
    """
    from autograder.handout.selftest import run_selftest

    problems = run_selftest(data_dir=data_dir, sandboxed=not unsafe_no_sandbox, echo=click.echo)
    if problems:
        for problem in problems:
            click.echo(f"FAILED: {problem}", err=True)
        raise SystemExit(1)
    click.echo("selftest passed: full marks for the reference, zero for the stubs, and the "
               "handout's public checks agree")
