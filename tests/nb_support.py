"""Helpers for the nbgrader workflow tests: students who fetch, fill in and submit through
nbgrader's real exchange, and a build-once guard for the expensive shared courses."""
from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
from pathlib import Path
from typing import Callable

import nbformat
from traitlets.config import Config

from autograder.nb.layout import solution_id
from autograder.nb.repair import defined_names
from tests.catalogue import Mistake

FAILED = "__build_failed__"


def _student_config(course_id: str, exchange: Path, home: Path) -> Config:
    config = Config()
    config.CourseDirectory.course_id = course_id
    config.CourseDirectory.root = str(home)
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str(home / ".nbgrader_cache")
    config.Exchange.assignment_dir = str(home)
    return config


def _exchange_app(kind: str, config: Config, assignment: str, student: str):
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    cls = {"fetch": ExchangeFetchAssignment, "submit": ExchangeSubmit}[kind]
    return cls(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)


def fetch(course_id: str, exchange: Path, home: Path, assignment: str, student: str) -> Path:
    """nbgrader fetch_assignment as ``student``: HOME/ASSIGNMENT holds the released notebooks."""
    home.mkdir(parents=True, exist_ok=True)
    _exchange_app("fetch", _student_config(course_id, exchange, home), assignment, student).start()
    return home / assignment


def submit(course_id: str, exchange: Path, home: Path, assignment: str, student: str) -> None:
    """nbgrader submit as ``student`` of HOME/ASSIGNMENT."""
    _exchange_app("submit", _student_config(course_id, exchange, home), assignment, student).start()


def answer_sources(source_notebook: Path) -> dict[str, str]:
    """grade id -> source of every answer cell of an instructor's source notebook."""
    nb = nbformat.read(str(source_notebook), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def fill_in(notebook: Path, answers: dict[str, str]) -> None:
    """Replace the answer cells of a fetched notebook whose grade id is in ``answers``."""
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, str(notebook))


def with_mistake(answers: dict[str, str], mistake: Mistake) -> dict[str, str]:
    """The answers with the catalogue mistake's definition appended to its function's answer cell
    (later definitions win, as in ``tests.catalogue.mutated_source``)."""
    changed = dict(answers)
    key = solution_id(mistake.function)
    assert mistake.function in defined_names(changed[key]), mistake
    import textwrap

    changed[key] = changed[key].rstrip() + "\n\n\n" + textwrap.dedent(mistake.source).strip() + "\n"
    return changed


def build_once(shared: Path, name: str, build: Callable[[Path], dict]) -> tuple[Path, dict]:
    """Run ``build(folder)`` once across pytest-xdist workers (a file lock in ``shared``, the
    folder all workers of a run share); every caller gets the folder and the JSON summary."""
    folder, summary = shared / name, shared / f"{name}.json"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not summary.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                try:
                    result = build(folder)
                except BaseException as exc:  # the other workers fail fast instead of rebuilding
                    summary.write_text(json.dumps({FAILED: f"{type(exc).__name__}: {exc}"}))
                    raise
                summary.write_text(json.dumps(result))
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(lock, fcntl.LOCK_UN)
    result = json.loads(summary.read_text())
    if FAILED in result:
        raise RuntimeError(f"building {name} failed in another worker: {result[FAILED]}")
    return folder, result
