"""Release: nbgrader's generate_assignment (source -> release, solutions and hidden tests out),
then release_assignment (release -> the exchange, where students fetch it)."""
from __future__ import annotations

import os
from pathlib import Path

from traitlets.config import Config

from autograder.nb.config import Course, nbgrader_api
from autograder.nb.errors import NbError, checked


def source_folder(course: Course, assignment: str) -> Path:
    """``source/ASSIGNMENT``, which must hold notebooks."""
    folder = course.path("source", assignment)
    if not sorted(folder.glob("*.ipynb")):
        raise NbError(f"{folder} holds no notebooks: run `autograder nb build {course.root} "
                      f"--assignment {assignment}` first")
    return folder


def check_exchange(course: Course) -> Path:
    """The exchange folder, which nbgrader requires to exist and be writable."""
    root = course.exchange
    if not root.is_dir() or not os.access(root, os.W_OK | os.X_OK):
        raise NbError(f"the exchange {root} does not exist or is not writable: create it "
                      "(mkdir -p, chmod 777) or set another with `autograder nb init --exchange` "
                      "or $AUTOGRADER_NB_EXCHANGE")
    return root


def generate(course: Course, assignment: str) -> list[Path]:
    """nbgrader generate_assignment: write ``release/ASSIGNMENT`` and record the assignment and
    its cells (with the hidden tests) in the gradebook."""
    source_folder(course, assignment)
    checked(nbgrader_api(course).generate_assignment(assignment, force=True, create=True),
            f"generate the student version of {assignment}")
    return sorted(course.path("release", assignment).glob("*.ipynb"))


def release(course: Course, assignment: str, force: bool = False) -> list[Path]:
    """generate_assignment, then release_assignment to the exchange; the released notebooks."""
    notebooks = generate(course, assignment)
    check_exchange(course)
    extra = Config()
    extra.ReleaseAssignment.force = force
    what = f"release {assignment}" + ("" if force else " (released before? add --force)")
    checked(nbgrader_api(course, extra).release_assignment(assignment), what)
    return notebooks
