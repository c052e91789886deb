"""``canvas.csv``: the class's totals in the form Canvas's gradebook import reads.

Canvas matches a row to a student by its identity columns (``Student``, ``ID``, ``SIS User ID``,
``SIS Login ID``) and reads ``Section``, then one column per assignment; a second row
``Points Possible`` gives the assignment's maximum. Our student id (the submission's folder
name, e.g. an LMS login or a GitHub handle) goes to ``SIS Login ID`` and ``Student``. A
submission that could not be graded gets an empty cell, which Canvas leaves unchanged rather than
overwriting with 0.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.reports.atomic import write_atomic

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
DEFAULT_ASSIGNMENT = "D2L autograder"


def canvas_table(outcomes, max_score: float, assignment: str = DEFAULT_ASSIGNMENT) -> str:
    """CSV text for Canvas: the identity columns, one assignment column, sorted by student."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*IDENTITY, assignment])
    writer.writerow(["    Points Possible", "", "", "", "", f"{max_score:g}"])
    for outcome in sorted(outcomes, key=lambda o: o.student):
        score = "" if outcome.total is None or outcome.status == "error" else f"{outcome.total:g}"
        writer.writerow([outcome.student, "", "", outcome.student, "", score])
    return buffer.getvalue()


def write_canvas_csv(outcomes, max_score: float, path: Path,
                     assignment: str = DEFAULT_ASSIGNMENT) -> None:
    write_atomic(Path(path), canvas_table(outcomes, max_score, assignment))
