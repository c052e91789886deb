"""Helpers for the nbgrader workflow tests: students who fetch, fill in and submit through
nbgrader's real exchange."""
from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from traitlets.config import Config

from autograder.nb.layout import solution_id
from autograder.nb.repair import defined_names
from tests.catalogue import Mistake


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
    changed[key] = changed[key].rstrip() + "\n\n\n" + textwrap.dedent(mistake.source).strip() + "\n"
    return changed
