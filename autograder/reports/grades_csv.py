"""The class's ``grades.csv``: one line per student, the total and one column per exercise."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.reports.atomic import write_atomic


def grades_table(outcomes, exercises: list[str]) -> str:
    """CSV text: student, total, each exercise's points, then status and note; sorted by student."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "total", *exercises, "status", "note"])
    for outcome in sorted(outcomes, key=lambda o: o.student):
        points = [f"{outcome.rows[name]:g}" if name in outcome.rows else "" for name in exercises]
        total = "" if outcome.total is None else f"{outcome.total:g}"
        note = outcome.message if outcome.status == "error" else (
            "" if outcome.sandboxed else "graded without the sandbox")
        writer.writerow([outcome.student, total, *points, outcome.status, note])
    return buffer.getvalue()


def write_grades_csv(outcomes, exercises: list[str], path: Path) -> None:
    write_atomic(Path(path), grades_table(outcomes, exercises))
