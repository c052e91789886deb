"""Feedback: nbgrader's generate_feedback (HTML from the autograded notebooks and the gradebook's
scores and comments), with the hidden tests scrubbed out and every page checked for leaks."""
from __future__ import annotations

from pathlib import Path

from traitlets.config import Config

from autograder.nb.config import Course, nbgrader_api
from autograder.nb.errors import NbError, checked
from autograder.nb.scrub import ScrubHiddenTests, StripActiveContent, hidden_lines, leaks


def _feedback_config() -> Config:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    extra = Config()
    # A student's markdown may carry script, and the instructor opens these pages too. Our
    # autograde strips it already; this covers notebooks autograded otherwise (plain nbgrader).
    extra.GenerateFeedback.preprocessors = [GetGrades, ScrubHiddenTests, StripActiveContent,
                                            CSSHTMLHeaderPreprocessor]
    return extra


def _hidden_tests(course: Course, assignment: str) -> list[str]:
    """Every hidden-test line of the assignment, from the gradebook's copy of the test cells."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            notebooks = gradebook.find_assignment(assignment).notebooks
        except MissingEntry:
            return []
        return sorted({line for nb in notebooks for cell in nb.source_cells
                       for line in hidden_lines(cell.source or "")})


def generate_feedback(course: Course, assignment: str, students: list[str] | None = None) -> list[Path]:
    """Write ``feedback/<student>/ASSIGNMENT/*.html`` for every autograded student (or ``students``);
    the pages written. Raises NbError if any page still shows a hidden test."""
    graded = sorted(p.parent.name for p in course.root.glob(f"autograded/*/{assignment}") if p.is_dir())
    wanted = students or graded
    missing = [s for s in wanted if s not in graded]
    if missing or not wanted:
        raise NbError(f"nothing autograded for {', '.join(missing) or assignment}: "
                      f"run `autograder nb autograde {assignment}` first")
    api = nbgrader_api(course, _feedback_config())
    for student in wanted:
        checked(api.generate_feedback(assignment, student, force=True),
                f"write the feedback of {student}")
    hidden = _hidden_tests(course, assignment)
    pages = sorted(p for s in wanted for p in course.path("feedback", s, assignment).glob("*.html"))
    for page in pages:
        found = leaks(page.read_text(encoding="utf-8"), hidden)
        if found:
            raise NbError(f"{page} still shows hidden tests ({found[0]!r}); it must not be released",
                          code=1)
    return pages
