"""Autograde: nbgrader's autograde pipeline with its ``Execute`` step taken out, and the sandboxed
engine's verdicts put in its place. No kernel starts; no cell of a submission runs outside the
sandbox, the hidden test cells do not run at all.

Per student, three steps:

1. *Sanitise* (this process): nbgrader's autograde with its own sanitising steps (locked cells
   restored from the gradebook, duplicate ids, our ``RepairSubmission``) and ``Pending`` in place
   of ``Execute``: ``autograded/`` gets the clean notebooks, the gradebook 0 for every test cell.
2. *Grade* (a pool process, ``grade_task``): the engine grades those notebooks' answer cells in
   bubblewrap and writes each test cell's verdicts, curves and score into its outputs.
3. *Record* (this process, which alone writes the gradebook): nbgrader's own ``SaveAutoGrades``
   and ``AssignLatePenalties`` read the scores from those outputs; then a marker with the
   submission's fingerprint says the student is done. A run stopped halfway keeps every student
   it recorded, and a rerun skips a submission whose content, grader and options are unchanged.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from traitlets.config import Config

from autograder.nb.collect import submitted_students
from autograder.nb.config import Course, merged_config, nbgrader_api
from autograder.nb.errors import NbError, failure_line, warnings_in
from autograder.nb.grade_task import GradeOutcome, GradeTask, grade_autograded
from autograder.nb.repair import NOTE_PREFIX, set_aside_invalid
from autograder.reports.atomic import write_atomic


@dataclass
class StudentGrade:
    """How autograding one student's submission went."""

    student: str
    status: str                                   # "graded", "skipped" or "error"
    notes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # grade id -> score, as in the gradebook
    max_score: float = 0.0
    seconds: float = 0.0
    seed: int | None = None

    @property
    def total(self) -> float:
        return sum(self.scores.values())


# ----------------------------------------------------------------------------- which to grade

def _marker(course: Course, assignment: str, student: str) -> Path:
    """Written last for a student: beside the autograded notebooks, outside what nbgrader reads."""
    return course.path("autograded", student, f".autograder-{assignment}.json")


def _options_key(seed: int | None, engine: dict) -> str:
    """The options that change a grade; the seed only when one was asked for."""
    limits = engine.get("limits")
    return json.dumps({"seed": seed, "functions": sorted(engine.get("functions") or ()),
                       "runner": engine.get("runner", "sandbox"),
                       "limits": asdict(limits) if limits is not None else None}, sort_keys=True)


def _fingerprint(course: Course, assignment: str, student: str, key: str) -> str:
    from autograder.batch.fingerprint import submission_fingerprint

    return submission_fingerprint(course.path("submitted", student, assignment), key)


def _recorded(course: Course, assignment: str, student: str, fingerprint: str) -> StudentGrade | None:
    """The student's grade from an earlier run with the same fingerprint, else None."""
    try:
        data = json.loads(_marker(course, assignment, student).read_text())
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != fingerprint or not course.path("autograded", student, assignment).is_dir():
        return None
    return StudentGrade(student, "skipped", ["autograded before, and neither the submission, the "
                                             "grader nor the options changed since; --force regrades it"],
                        scores=data.get("scores", {}), max_score=data.get("max_score", 0.0),
                        seed=data.get("seed"))


# ----------------------------------------------------------------------------- the three steps

def _sanitize_config() -> Config:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, IgnorePattern,
                                        OverwriteCells, OverwriteKernelspec)

    from autograder.nb.outcomes import Pending
    from autograder.nb.repair import RepairSubmission

    extra = Config()
    extra.Autograde.sanitize_preprocessors = [RepairSubmission, ClearOutput, DeduplicateIds,
                                              OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
    # No SaveAutoGrades or second CheckCellMetadata here: they commit once per cell (1.2 s a
    # student); _hold_at_zero does the first's job in one transaction, record() runs it for real.
    extra.Autograde.autograde_preprocessors = [Pending, IgnorePattern, ClearMetadataPreprocessor]
    return extra


def _hold_at_zero(course: Course, assignment: str, student: str) -> None:
    """Every automatic score of the submission 0 until the engine's are recorded."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gradebook:
        for notebook in gradebook.find_submission(assignment, student).notebooks:
            for grade in notebook.grades:
                grade.auto_score, grade.needs_manual_grade = 0.0, False
        gradebook.db.commit()


def sanitize(course: Course, assignment: str, student: str) -> list[str]:
    """Step 1: nbgrader's autograde without a kernel; the notes of what was repaired.
    Raises NbError when nbgrader fails on the submission."""
    notes = set_aside_invalid(course.path("submitted", student, assignment))
    outcome = nbgrader_api(course, _sanitize_config()).autograde(assignment, student, force=True,
                                                                 create=True)
    notes += [line.split(": ", 1)[1] for line in warnings_in(outcome)
              if line.startswith(NOTE_PREFIX) and ": " in line]
    if not outcome.get("success"):
        raise NbError(f"nbgrader's autograde failed: {failure_line(outcome)}", code=1)
    _hold_at_zero(course, assignment, student)
    return notes


def record(course: Course, assignment: str, student: str) -> dict[str, float]:
    """Step 3: nbgrader's SaveAutoGrades and AssignLatePenalties on the graded notebooks; the
    gradebook's automatic scores afterwards, by grade id."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

    config = merged_config(course)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        known = {nb.name for nb in gradebook.find_assignment(assignment).notebooks}
    for path in sorted(course.path("autograded", student, assignment).glob("*.ipynb")):
        if path.stem not in known:
            continue
        resources = {"nbgrader": {"notebook": path.stem, "assignment": assignment,
                                  "student": student, "db_url": course.db_url}}
        nb = nbformat.read(str(path), as_version=4)
        for step in (SaveAutoGrades(config=config), AssignLatePenalties(config=config)):
            nb, resources = step.preprocess(nb, resources)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return {}
        return {grade.name: float(grade.auto_score or 0) for nb in submission.notebooks
                for grade in nb.grades}


# ----------------------------------------------------------------------------- the class

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


def _wanted(course: Course, assignment: str, students: Iterable[str]) -> list[str]:
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
    return wanted


def autograde(course: Course, assignment: str, *, students: Iterable[str] = (), force: bool = False,
              seed: int | None = None, engine: dict | None = None, jobs: int = 1,
              on_student: Callable[[StudentGrade], None] | None = None) -> list[StudentGrade]:
    """Autograde every collected submission of ``assignment`` (or only ``students``), ``jobs`` at
    a time. ``engine`` holds ``grade_submission`` options (runner, limits, functions, data_dir).
    A submission recorded before under the same fingerprint is skipped (``force`` regrades it)."""
    from autograder.engine.grading import new_seed

    engine = dict(engine or {})
    wanted = _wanted(course, assignment, students)
    preflight(engine)
    key = _options_key(seed, engine)
    seed = new_seed() if seed is None else seed
    results: list[StudentGrade] = []
    notes: dict[str, list[str]] = {}
    fingerprints: dict[str, str] = {}

    def finished(grade: StudentGrade) -> None:
        results.append(grade)
        if on_student:
            on_student(grade)

    def tasks() -> Iterator[GradeTask]:
        """Step 1 for each student to grade, as the pool has room for the next."""
        for student in wanted:
            fingerprints[student] = _fingerprint(course, assignment, student, key)
            stored = None if force else _recorded(course, assignment, student, fingerprints[student])
            if stored is not None:
                finished(stored)
                continue
            _marker(course, assignment, student).unlink(missing_ok=True)
            try:
                notes[student] = sanitize(course, assignment, student)
            except NbError as exc:
                finished(StudentGrade(student, "error", [str(exc)]))
                continue
            fingerprints[student] = _fingerprint(course, assignment, student, key)  # after set-aside
            yield GradeTask(student, str(course.path("autograded", student, assignment)), seed, engine)

    def graded(task: GradeTask, outcome: GradeOutcome) -> None:
        scores = record(course, assignment, task.student)
        grade = StudentGrade(task.student, outcome.status, notes.get(task.student, []) + outcome.notes,
                             scores, outcome.max_score, outcome.seconds, seed)
        if outcome.message:
            grade.notes.append(outcome.message)
        if grade.status == "graded":
            write_atomic(_marker(course, assignment, task.student), json.dumps(
                {"fingerprint": fingerprints[task.student], "seed": seed, "scores": scores,
                 "max_score": outcome.max_score}, indent=2) + "\n")
        finished(grade)

    def failed(task: GradeTask, exc: BaseException) -> None:
        finished(StudentGrade(task.student, "error", notes.get(task.student, []) + [
            f"the grading process failed ({type(exc).__name__}: {exc}); the gradebook holds 0 "
            "for it until it is graded again"]))

    from autograder.batch.pool import in_pool

    in_pool(grade_autograded, tasks(), jobs, on_done=graded, on_error=failed)
    return results
