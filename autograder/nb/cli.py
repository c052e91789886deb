"""``autograder nb``: the nbgrader workflow as small commands (init, build, release, collect,
autograde, feedback, export), each driving nbgrader's own API."""
from __future__ import annotations

from pathlib import Path

import click

from autograder.errors import friendly_errors
from autograder.contract import FUNCTIONS
from autograder.nb.errors import NbError

COURSE_HELP = ("The course directory (default: the working directory or the nearest parent with "
               "nbgrader_config.py).")


def _course(course_dir: Path | None):
    from autograder.nb.config import load_course

    return load_course(course_dir)


def _course_option(command):
    return click.option("--course", "course_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help=COURSE_HELP)(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def nb() -> None:
    """Teach with nbgrader: build the chapter notebooks, release, collect, autograde, give
    feedback and export grades.

    Every step runs nbgrader's own API on an nbgrader course directory, so nbgrader's formgrader
    and commands keep working on it. Autograding runs nbgrader's autograde pipeline with its
    kernel taken out: the sandboxed engine grades the answer cells, and its verdicts become the
    test cells' outputs, which nbgrader scores and shows in the feedback.
    A typical term: init, build, release, (students fetch and submit), collect, autograde,
    feedback, export.
    """


@nb.command()
@click.argument("course_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--course-id", default=None,
              help="nbgrader's course id (default: the folder's name).")
@click.option("--exchange", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The exchange folder students fetch from and submit to; created if missing "
                   "(default: nbgrader's /usr/local/share/nbgrader/exchange; "
                   "$AUTOGRADER_NB_EXCHANGE overrides either).")
@click.option("--timeout", type=click.IntRange(min=1), default=300, show_default=True,
              help="Seconds one notebook cell may run when nbgrader's own `nbgrader autograde` runs "
                   "the notebooks in a kernel (`autograder nb autograde` starts no kernel).")
@friendly_errors
def init(course_dir: Path, course_id: str | None, exchange: Path | None, timeout: int) -> None:
    """Create the course directory COURSE_DIR with its nbgrader_config.py.

    The config sets the course id, the SQLite gradebook (COURSE_DIR/gradebook.db), the exchange
    root and the per-cell execution timeout; nbgrader's own commands read it too. Fails if
    COURSE_DIR already holds a course.
    """
    from autograder.nb.config import init_course

    config = init_course(course_dir, course_id, exchange, timeout)
    click.echo(f"wrote {config}")
    click.echo(f"next: autograder nb build {course_dir}")


@nb.command()
@click.argument("course_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--assignment", default="d2l", show_default=True,
              help="The assignment the notebooks belong to (source/ASSIGNMENT/).")
@click.option("--solutions", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The reference solutions to build from (default: this project's solutions/).")
@friendly_errors
def build(course_dir: Path, assignment: str, solutions: Path | None) -> None:
    """Write the source notebooks of COURSE_DIR from the reference solutions.

    One notebook per chapter (linear_regression, softmax_regression, mlp, regularization) in
    COURSE_DIR/source/ASSIGNMENT/: for every exercise function a description with its formula, an
    answer cell (### BEGIN SOLUTION regions), and a test cell with visible tests and hidden tests
    worth the function's points in the rubric; then each chapter's end-to-end test and a training
    cell that plots the curves. Building again gives the same bytes.
    """
    from autograder.nb.build import SOLUTIONS, BuildError, build_notebooks

    course = _course(course_dir)
    try:
        written = build_notebooks(course.path("source", assignment), solutions or SOLUTIONS)
    except BuildError as exc:
        raise NbError(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: autograder nb release {assignment} --course {course.root}")


@nb.command()
@click.argument("assignment")
@_course_option
@click.option("--force", is_flag=True, help="Release again over an earlier release.")
@friendly_errors
def release(assignment: str, course_dir: Path | None, force: bool) -> None:
    """Make ASSIGNMENT's student version and put it in the exchange.

    Runs nbgrader's generate_assignment (solutions replaced by stubs, hidden tests removed, cells
    recorded in the gradebook) and then release_assignment; students then fetch it.
    """
    from autograder.nb.release import release as do_release

    course = _course(course_dir)
    for path in do_release(course, assignment, force=force):
        click.echo(f"released {path.relative_to(course.root)}")
    click.echo(f"in the exchange {course.exchange} for course {course.course_id}")


@nb.command()
@click.argument("assignment")
@_course_option
@click.option("--zip", "zip_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Collect the files (or zip archives) an LMS download put in DIR, with nbgrader's "
                   "zip_collect, instead of the exchange.")
@click.option("--pattern", default=None, metavar="REGEX",
              help="With --zip: how a file's path names its student and notebook, with the groups "
                   "(?P<student_id>...) and (?P<file_id>...) "
                   "(default: STUDENT_anything_NOTEBOOK.ipynb).")
@friendly_errors
def collect(assignment: str, course_dir: Path | None, zip_dir: Path | None, pattern: str | None) -> None:
    """Copy the submissions of ASSIGNMENT into submitted/STUDENT/ASSIGNMENT/.

    From the exchange with nbgrader's collect (a newer submission replaces an older one), or with
    --zip from files downloaded from a learning management system.
    """
    from autograder.nb import collect as steps

    course = _course(course_dir)
    if pattern and not zip_dir:
        raise click.UsageError("--pattern needs --zip")
    if zip_dir:
        students = steps.zip_collect(course, assignment, zip_dir, pattern or steps.DEFAULT_PATTERN)
    else:
        students = steps.collect(course, assignment)
    click.echo(f"{len(students)} submission(s) of {assignment}: " + (", ".join(students) or "none"))


@nb.command()
@click.argument("assignment")
@_course_option
@click.option("--student", "students", multiple=True, metavar="ID",
              help="Autograde only this student (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Students graded at the same time (each uses about one core).")
@click.option("--only", "only", multiple=True, type=click.Choice(FUNCTIONS), metavar="FUNCTION",
              help="Grade only the checks of FUNCTION (repeatable), e.g. this week's exercises; "
                   "the other test cells score 0 and say they were not graded.")
@click.option("--force", is_flag=True,
              help="Autograde again submissions graded before with unchanged content, grader "
                   "and options (they are skipped otherwise, and the command says so).")
@click.option("--seed", type=int, default=None,
              help="Seed for the hidden checks' random inputs (default: a new one, printed).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Seconds one check may run in the sandbox.")
@click.option("--memory", type=click.IntRange(min=256), default=2048, show_default=True,
              help="Megabytes of memory the sandboxed worker may use.")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Folder with the Fashion-MNIST files.")
@click.option("--unsafe-no-sandbox", is_flag=True,
              help="Run the engine's worker without bubblewrap (when it is unavailable).")
@friendly_errors
def autograde(assignment: str, course_dir: Path | None, students: tuple[str, ...], jobs: int,
              only: tuple[str, ...], force: bool, seed: int | None, timeout: float, memory: int,
              data_dir: Path | None, unsafe_no_sandbox: bool) -> None:
    """Grade the collected submissions of ASSIGNMENT into the gradebook.

    nbgrader's own autograde pipeline, with its Execute step (a Jupyter kernel running every cell,
    unsandboxed) taken out: no kernel starts and no cell of a submission runs outside the
    sandbox. First nbgrader's sanitising steps write autograded/STUDENT/ASSIGNMENT/: locked cells
    restored, and before them this grader's repairs (cells students deleted come back, a copied
    cell's duplicate id goes to the copy they edited, answer cells that lost their metadata are
    found by the function they define, a file that is not a notebook is set aside and scores 0).
    Then the sandboxed engine grades the answer cells with the rubric's checks and writes into
    each test cell its messages, the training curves beside the reference's, and its score;
    nbgrader's SaveAutoGrades and late-penalty steps read them into the gradebook.

    Students are graded JOBS at a time; each one is recorded as it finishes, so a run stopped
    halfway keeps what it finished, and a rerun skips a submission whose content, the grader and
    the options are unchanged (--force regrades it).
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from autograder.nb.autograde import autograde as run
    from autograder.nb.collect import submitted_students
    from autograder.sandbox.limits import Limits

    course = _course(course_dir)
    engine = {"runner": "unsandboxed" if unsafe_no_sandbox else "sandbox",
              "limits": Limits(timeout_s=timeout, memory_mb=memory),
              "data_dir": str(data_dir) if data_dir else None, "functions": set(only) or None,
              "zygote": True}   # each grading process forks its workers (engine/zygote.py)
    console = Console()
    shown = {"graded": "{total:g}/{max_score:g} points", "skipped": "skipped, unchanged",
             "error": "not graded"}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("autograding", total=len(
            students or submitted_students(course, assignment)))

        def on_student(grade) -> None:
            text = shown[grade.status].format(total=grade.total, max_score=grade.max_score)
            progress.update(task, advance=1, description=f"{grade.student}: {text}")
            progress.console.print(f"{grade.student}: {text}")

        results = run(course, assignment, students=students, force=force, seed=seed, engine=engine,
                      jobs=jobs, on_student=on_student)
    seeds = sorted({g.seed for g in results if g.seed is not None})
    title = f"{assignment}: autograded" + (f" with seed {', '.join(map(str, seeds))}" if seeds else "")
    table = Table(title=title)
    for column in ("student", "status", "points (in the gradebook)", "seconds"):
        table.add_column(column)
    for grade in sorted(results, key=lambda g: g.student):
        table.add_row(grade.student, grade.status,
                      f"{grade.total:g}/{grade.max_score:g}" if grade.status != "error" else "-",
                      f"{grade.seconds:.1f}" if grade.status == "graded" else "-")
    console.print(table)
    for grade in sorted(results, key=lambda g: g.student):
        for note in grade.notes:
            click.echo(f"- {grade.student}: {note}")


@nb.command()
@click.argument("assignment")
@_course_option
@click.option("--student", "students", multiple=True, metavar="ID",
              help="Only this student's feedback (repeatable).")
@friendly_errors
def feedback(assignment: str, course_dir: Path | None, students: tuple[str, ...]) -> None:
    """Write the HTML feedback of ASSIGNMENT to feedback/STUDENT/ASSIGNMENT/.

    nbgrader's generate_feedback, from the gradebook's scores and the autograded notebooks: each
    test cell shows the engine's messages and, for training runs, the curves beside the
    reference's. The hidden tests are removed from the pages (nbgrader would show them), script in
    a student's markdown or outputs is stripped (the instructor opens these pages too), and every
    page is checked for hidden test code before this command succeeds. Runs nothing of the
    student's.
    """
    from autograder.nb.feedback import generate_feedback

    course = _course(course_dir)
    pages = generate_feedback(course, assignment, list(students) or None)
    for page in pages:
        click.echo(f"wrote {page.relative_to(course.root)}")


@nb.command()
@click.option("--to", "to", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The CSV file to write.")
@_course_option
@click.option("--assignment", "assignments", multiple=True, metavar="NAME",
              help="Export only this assignment (repeatable).")
@friendly_errors
def export(to: Path, course_dir: Path | None, assignments: tuple[str, ...]) -> None:
    """Export the gradebook to a CSV file with nbgrader's CSV exporter.

    One line per assignment and student: timestamp, raw score, late penalty, score, maximum.
    """
    from autograder.nb.export import export_csv

    rows = export_csv(_course(course_dir), to, list(assignments))
    click.echo(f"wrote {to} ({len(rows)} line(s))")
