"""Autograde: nbgrader's own autograde of each submission, then the sandboxed engine on the same
notebooks, whose scores replace nbgrader's in the gradebook.

nbgrader runs every cell in a Jupyter kernel (hidden tests included) with the student's code
unsandboxed, and scores a test cell all or nothing. The engine runs only the answer cells, in
bubblewrap, and scores check by check from the rubric. Both see the same notebooks: the engine
grades nbgrader's autograded copy (locked cells restored, duplicates resolved), with the same seed
the kernel's hidden tests used.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable

from traitlets.config import Config

from autograder.data.fashion_mnist import DATA_ENV_VAR
from autograder.nb.collect import submitted_students
from autograder.nb.config import Course, nbgrader_api
from autograder.nb.errors import NbError, failure_line, warnings_in
from autograder.nb.kernel_checks import SEED_ENV
from autograder.nb.repair import NOTE_PREFIX, set_aside_invalid
from autograder.nb.sync import write_engine_scores
from autograder.worker.patching import temporarily_set


@dataclass
class StudentGrade:
    """How autograding one student's submission went."""

    student: str
    status: str                                   # "graded", "skipped" or "error"
    notes: list[str] = field(default_factory=list)
    kernel_scores: dict[str, float] = field(default_factory=dict)  # nbgrader's own, by grade id
    scores: dict[str, float] = field(default_factory=dict)         # the engine's, now in the gradebook
    report: object | None = None                  # the engine's GradeReport

    @property
    def total(self) -> float:
        return sum(self.scores.values())


@contextlib.contextmanager
def _environment(**values: str):
    """Set environment variables for the kernels nbgrader starts (they inherit ours)."""
    with temporarily_set(os.environ, values):
        yield


def needs_grading(course: Course, assignment: str, student: str) -> bool:
    """nbgrader's own rule: not autograded yet, or submitted again since."""
    from nbgrader.coursedir import CourseDirectory

    dest = course.path("autograded", student, assignment)
    if not dest.is_dir():
        return True
    timestamps = CourseDirectory(config=course.config)
    new = timestamps.get_existing_timestamp(str(course.path("submitted", student, assignment)))
    old = timestamps.get_existing_timestamp(str(dest))
    return bool(new and old and new > old)


def _autograde_config(timeout: int | None) -> Config:
    from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                        OverwriteKernelspec)

    from autograder.nb.repair import RepairSubmission

    extra = Config()
    extra.Autograde.sanitize_preprocessors = [RepairSubmission, ClearOutput, DeduplicateIds,
                                              OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
    extra.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no start-up chatter on stderr
    if timeout is not None:
        extra.Execute.timeout = int(timeout)
    return extra


def kernel_scores(course: Course, assignment: str, student: str) -> dict[str, float]:
    """nbgrader's scores of a submission, by grade id, as its kernel run left them."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return {}
        return {grade.name: float(grade.score) for notebook in submission.notebooks
                for grade in notebook.grades}


def autograde_student(course: Course, assignment: str, student: str, *, seed: int,
                      cell_timeout: int | None = None, engine: dict | None = None) -> StudentGrade:
    """nbgrader's autograde of one submission, then the engine's, whose scores go to the gradebook."""
    from autograder.engine.grading import GradingError, grade_submission

    result = StudentGrade(student, "graded")
    result.notes += set_aside_invalid(course.path("submitted", student, assignment))
    kernel_env = {SEED_ENV: str(seed)}
    if (engine or {}).get("data_dir"):
        kernel_env[DATA_ENV_VAR] = str(engine["data_dir"])  # where the kernel's hidden tests look
    with _environment(**kernel_env):
        outcome = nbgrader_api(course, _autograde_config(cell_timeout)).autograde(
            assignment, student, force=True, create=True)
    result.notes += [line.split(": ", 1)[1] for line in warnings_in(outcome)
                     if line.startswith(NOTE_PREFIX) and ": " in line]
    if not outcome.get("success"):
        result.status = "error"
        result.notes.append(f"nbgrader's autograde failed: {failure_line(outcome)}")
        return result
    result.kernel_scores = kernel_scores(course, assignment, student)
    try:
        result.report = grade_submission(course.path("autograded", student, assignment), seed=seed,
                                         **(engine or {}))
    except GradingError as exc:  # the gradebook keeps nbgrader's own scores
        result.status = "error"
        result.notes.append(f"the sandboxed engine could not grade it: {exc}")
        return result
    result.notes += list(getattr(result.report, "source_notes", []))
    result.scores = write_engine_scores(course, assignment, student, result.report)
    return result


def preflight(engine: dict) -> None:
    """Stop before grading anyone when the engine cannot run at all (no data, no bubblewrap)."""
    from autograder.data import DataNotFound, locate_fashion_mnist

    try:
        locate_fashion_mnist(engine.get("data_dir"))
    except DataNotFound as exc:
        raise NbError(str(exc)) from None
    if engine.get("runner", "sandbox") == "sandbox":
        from autograder.sandbox.bwrap import bwrap_path

        if bwrap_path() is None:
            raise NbError("bubblewrap (bwrap) is not installed: install it or pass --unsafe-no-sandbox")


def autograde(course: Course, assignment: str, *, students: Iterable[str] = (), force: bool = False,
              seed: int | None = None, cell_timeout: int | None = None, engine: dict | None = None,
              on_student: Callable[[StudentGrade], None] | None = None) -> list[StudentGrade]:
    """Autograde every collected submission of ``assignment`` (or only ``students``).

    Unlike nbgrader, a submission graded before is never skipped silently: it is reported as
    skipped (``force`` regrades it). ``engine`` holds ``grade_submission`` options (runner,
    limits, functions, data_dir).
    """
    from autograder.engine.grading import new_seed

    if not course.path("release", assignment).is_dir():
        raise NbError(f"{assignment} has not been generated yet: "
                      f"run `autograder nb release {assignment}`")
    collected = submitted_students(course, assignment)
    wanted = list(students) or collected
    unknown = [s for s in wanted if s not in collected]
    if unknown:
        raise NbError(f"no submission of {assignment} from {', '.join(unknown)} in "
                      f"{course.path('submitted')}: run `autograder nb collect {assignment}`")
    if not wanted:
        raise NbError(f"no submissions of {assignment} in {course.path('submitted')}: "
                      f"run `autograder nb collect {assignment}` first")
    preflight(engine or {})
    seed = new_seed() if seed is None else seed
    results = []
    for student in wanted:
        if not force and not needs_grading(course, assignment, student):
            grade = StudentGrade(student, "skipped", [
                "autograded before and not submitted again since; --force regrades it"])
        else:
            grade = autograde_student(course, assignment, student, seed=seed,
                                      cell_timeout=cell_timeout, engine=engine)
        results.append(grade)
        if on_student:
            on_student(grade)
    return results
