"""Export: nbgrader's CSV export plugin over the gradebook (the engine's scores, after autograde)."""
from __future__ import annotations

import csv
from pathlib import Path

from autograder.nb.config import Course, merged_config
from autograder.nb.errors import NbError, quiet_logger


def export_csv(course: Course, to: Path, assignments: list[str] | None = None) -> list[dict]:
    """Write nbgrader's grades CSV (one line per assignment and student) to ``to``; its rows."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    to = Path(to)
    if not to.parent.is_dir():
        raise NbError(f"{to.parent} does not exist")
    plugin = CsvExportPlugin(config=merged_config(course), log=quiet_logger())
    plugin.to = str(to)
    plugin.assignment = list(assignments or [])
    with Gradebook(course.db_url, course.course_id) as gradebook:
        if not gradebook.assignments:
            raise NbError(f"the gradebook of {course.root} holds no assignments yet: release one first")
        plugin.export(gradebook)
    with to.open(newline="") as handle:
        return list(csv.DictReader(handle))
