"""Collect: nbgrader's collect (from the exchange) or zip_collect (an LMS's downloaded files)
into ``submitted/<student>/<assignment>/``."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from traitlets.config import Config

from autograder.contract import MODULES
from autograder.nb.config import Course, merged_config, nbgrader_api
from autograder.nb.errors import NbError, checked, quiet_logger
from autograder.nb.release import check_exchange

# LMS downloads such as "alice_12345_67890_softmax_regression.ipynb": the student id first, then
# anything, then the notebook's own name. A zip of such files works too.
DEFAULT_PATTERN = (r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>(?:"
                   + "|".join(re.escape(name) for name in MODULES) + r")\.ipynb)$")


def submitted_students(course: Course, assignment: str) -> list[str]:
    """Students with a submission of ``assignment`` in ``submitted/``."""
    return sorted(p.parent.name for p in course.root.glob(f"submitted/*/{assignment}") if p.is_dir())


def collect(course: Course, assignment: str) -> list[str]:
    """nbgrader collect (newer submissions replace older ones); the students collected."""
    check_exchange(course)
    checked(nbgrader_api(course).collect(assignment, update=True), f"collect {assignment}")
    return submitted_students(course, assignment)


def zip_collect(course: Course, assignment: str, downloads: Path,
                pattern: str = DEFAULT_PATTERN) -> list[str]:
    """nbgrader zip_collect over the files (or zip archives) in ``downloads``; the students."""
    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    downloads = Path(downloads)
    files = sorted(p for p in downloads.rglob("*") if p.is_file()) if downloads.is_dir() else []
    if not files:
        raise NbError(f"{downloads} holds no downloaded submissions")
    if not course.path("release", assignment).is_dir():
        raise NbError(f"{assignment} has not been generated yet: "
                      f"run `autograder nb release {assignment}`")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise NbError(f"--pattern is not a regular expression ({exc})") from None
    archive = course.path("downloaded", assignment, "archive")
    shutil.rmtree(archive, ignore_errors=True)
    shutil.copytree(downloads, archive)
    extra = Config()
    extra.ZipCollectApp.force = True
    extra.ZipCollectApp.strict = True
    extra.ExtractorPlugin.force = True
    extra.FileNameCollectorPlugin.named_regexp = pattern
    app = ZipCollectApp(config=merged_config(course, extra), log=quiet_logger())
    app.coursedir = CourseDirectory(parent=app)
    app.coursedir.assignment_id = assignment
    checked(capture_log(app), f"collect the downloads of {assignment}")
    return submitted_students(course, assignment)
