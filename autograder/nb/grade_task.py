"""One student's sandboxed grading, as a pool process runs it: the engine grades the notebooks
nbgrader sanitised into ``autograded/``, and each test cell gets the outputs of its verdicts.

This is the only step that runs student code, and it runs it in the engine's worker (bubblewrap);
the notebooks themselves are only read and written as JSON here. Its result is plain data, so it
crosses back to the process that owns the gradebook.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.reports.atomic import write_atomic


@dataclass(frozen=True)
class GradeTask:
    """What to grade and how (``engine``: ``grade_submission`` options)."""

    student: str
    folder: str                        # autograded/STUDENT/ASSIGNMENT
    seed: int
    engine: dict = field(default_factory=dict)


@dataclass
class GradeOutcome:
    """What the engine found, in the form the gradebook step needs."""

    student: str
    status: str                         # "graded" or "error"
    max_score: float = 0.0
    notes: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0


def _write_outcomes(folder: Path, report, reason: str) -> None:
    """Put each test cell's outputs into the notebooks of ``folder`` (and strip script from what
    the student wrote: nbgrader's formgrader shows these to the instructor). The scores are read
    from those outputs by nbgrader's SaveAutoGrades, in the process that owns the gradebook."""
    from autograder.nb.outcomes import EngineOutcomes, notebook_outputs
    from autograder.nb.scrub import StripActiveContent

    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        step = EngineOutcomes(outputs=notebook_outputs(path.stem, report, reason))
        nb, _ = step.preprocess(nb, {})
        nb, _ = StripActiveContent().preprocess(nb, {})  # formgrader shows this copy to the instructor
        write_atomic(path, nbformat.writes(nb) + "\n")


def grade_autograded(task: GradeTask) -> GradeOutcome:
    """Grade ``task.folder`` with the sandboxed engine and write the verdicts into its notebooks.

    A submission the engine cannot grade at all still gets outputs: every test cell says why and
    scores 0, so nothing keeps a score the engine did not give."""
    from autograder.engine.grading import GradingError, grade_submission

    start = time.perf_counter()
    folder = Path(task.folder)
    outcome = GradeOutcome(task.student, "graded")
    report, reason = None, ""
    try:
        report = grade_submission(folder, seed=task.seed, **task.engine)
    except GradingError as exc:
        outcome.status, reason = "error", f"the sandboxed grader could not grade it ({exc})"
        outcome.message = reason
    else:
        outcome.notes += list(getattr(report, "source_notes", []))
        outcome.max_score = report.max_score
    _write_outcomes(folder, report, reason)
    outcome.seconds = time.perf_counter() - start
    return outcome
