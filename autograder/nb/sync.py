"""Write the sandboxed engine's scores into nbgrader's gradebook, so nbgrader and the engine agree.

Every test cell's grade becomes the engine's score for that report row (an automatic score: a
grader's manual score still takes precedence, as in nbgrader), and every answer cell gets the
engine's verdicts as its automatic comment, which nbgrader's feedback shows under the cell.
"""
from __future__ import annotations

from autograder.engine.scoring import ExerciseRow, GradeReport
from autograder.nb.config import Course
from autograder.nb.layout import graded_rows, solution_id


def row_comment(rows: list[ExerciseRow]) -> str:
    """What the sandboxed grader found for the rows an answer cell counts toward."""
    lines = []
    for row in rows:
        lines.append(f"Grader, {row.exercise}: {row.score:g}/{row.max_score:g} points.")
        lines += [f"- {r.spec.id} ({r.score:g}/{r.spec.points:g}): {r.message}"
                  for r in row.results if not r.passed]
    return "\n".join(lines)


def write_engine_scores(course: Course, assignment: str, student: str, report: GradeReport | None,
                        rubric=None) -> dict[str, float]:
    """Set each test cell's automatic score to the engine's row score (0 when ``report`` is None:
    nothing could be graded); returns grade id -> score for the cells found in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = {row.exercise: row for row in report.rows()} if report else {}
    written: dict[str, float] = {}
    comments: dict[tuple[str, str], list[ExerciseRow]] = {}
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for graded in graded_rows(rubric=rubric):
            row = rows.get(graded.row)
            try:
                grade = gradebook.find_grade(graded.grade_id, graded.notebook, assignment, student)
            except MissingEntry:
                continue
            grade.auto_score = row.score if row else 0.0
            grade.needs_manual_grade = False
            written[graded.grade_id] = grade.auto_score
            if row is not None:
                owner = graded.function or graded.checks[0].functions[0]
                comments.setdefault((graded.notebook, solution_id(owner)), []).append(row)
        for (notebook, cell), owned in comments.items():
            try:
                comment = gradebook.find_comment(cell, notebook, assignment, student)
            except MissingEntry:
                continue
            comment.auto_comment = row_comment(owned)
        gradebook.db.commit()
    return written
