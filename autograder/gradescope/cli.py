"""``autograder gradescope OUT.zip``: build the autograder zip an instructor uploads to Gradescope."""
from __future__ import annotations

from pathlib import Path

import click

from autograder.errors import fail as _fail, friendly_errors
from autograder.gradescope.config import DEFAULT_TIME_LIMIT_MIN, WORKER_MEMORY_MB, GradescopeConfig


def _check_out(out: Path) -> None:
    if out.suffix.lower() != ".zip":
        _fail(f"{out}: the autograder file must end in .zip")
    if out.exists() and out.is_dir():
        _fail(f"{out} is a folder")
    if not out.resolve().parent.is_dir():
        _fail(f"{out.parent}: no such folder")


@click.command("gradescope")
@click.argument("out", metavar="OUT.zip", type=click.Path(path_type=Path))
@click.option("--show-hidden", is_flag=True,
              help="Show every check's result to students at once (default: only the public "
                   "checks; the others once you publish the grades).")
@click.option("--late-penalty", type=float, default=None, metavar="PERCENT_PER_DAY",
              help="Take PERCENT_PER_DAY percent off the score for each day, or part of a day, "
                   "a submission is late (from Gradescope's due date). Default: no penalty.")
@click.option("--late-cap", type=float, default=100.0, show_default=True, metavar="PERCENT",
              help="The most percent the late penalty takes.")
@click.option("--time-limit", type=float, default=DEFAULT_TIME_LIMIT_MIN, show_default=True,
              metavar="MINUTES",
              help="The assignment's autograder timeout on Gradescope; grading stops 45 s "
                   "before it and reports so.")
@click.option("--memory", type=int, default=WORKER_MEMORY_MB, show_default=True, metavar="MB",
              help="Megabytes the worker running student code may use. The grader itself needs "
                   "about 400 MB beside it: raise the container's memory on Gradescope with it.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the Fashion-MNIST files to put in the zip (default: "
                   "$D2L_AUTOGRADER_DATA, then Debian's dataset-fashion-mnist).")
@friendly_errors
def gradescope(out: Path, show_hidden: bool, late_penalty: float | None, late_cap: float,
               time_limit: float, memory: int, data_dir: Path | None) -> None:
    """Build OUT.zip, a Gradescope autograder for these exercises.

    \b
    WHAT IS IN IT
      setup.sh        run once by Gradescope (Ubuntu 22.04, as root): installs Python 3.11,
                      CPU-only torch, bubblewrap and this grader into /opt/d2l-autograder
      run_autograder  run for every submission: grades /autograder/submission and always
                      writes /autograder/results/results.json, even when grading fails
      *.whl           this grader, built from the checkout without the network
      data/           the Fashion-MNIST files the hidden checks train on
      gradescope.json the options below

    \b
    WHAT STUDENTS SEE
      One test per hidden check. The public checks (those `autograder check` runs) are
      visible at once; the others, and the total, once you publish the grades
      (after_published), or at once with --show-hidden. Output is Markdown; the grader's
      own stdout stays hidden. A late penalty, when set, is taken off the total.

    \b
    ISOLATION
      Student code runs in bubblewrap where the container lets it create namespaces;
      elsewhere (Docker without user namespaces) as uid 65534, with /autograder/source,
      /autograder/results and the grader's installation closed to it (mode 0700).

    \b
    ON GRADESCOPE
      Programming assignment > Configure Autograder > Zip file upload > OUT.zip, Base image
      Ubuntu 22.04. See the README ("Running a course") for the container settings.

    \b
    EXAMPLES
      autograder gradescope d2l-gradescope.zip
      autograder gradescope hw2.zip --late-penalty 10 --late-cap 50

    Exits 0 when OUT.zip was written; 2 with a one-line message when an option is out of
    range, OUT.zip cannot be written, the data cannot be found or the wheel cannot be built.
    """
    from autograder.gradescope.package import build_zip

    _check_out(out)
    if late_penalty is None and late_cap != 100.0:
        _fail("--late-cap needs --late-penalty")
    config = GradescopeConfig(hidden_visibility="visible" if show_hidden else "after_published",
                              late_penalty_per_day=late_penalty, late_cap=late_cap,
                              time_limit_min=time_limit, worker_memory_mb=memory)
    path = build_zip(out, config, data_dir)
    size = path.stat().st_size / 2**20
    click.echo(f"wrote {path} ({size:.0f} MB): upload it on Gradescope's Configure Autograder page")
