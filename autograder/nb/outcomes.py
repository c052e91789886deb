"""The engine's verdicts as test-cell outputs, the form nbgrader reads scores and feedback from.

nbgrader scores a code test cell from its outputs (``nbgrader.utils.determine_grade``): an error
scores 0, an ``execute_result`` holding a number is partial credit, anything else full marks. So
each test cell gets: the row's messages on stdout (one line per check, every failed check's
message in full), the training curves of its runs beside the reference's as PNGs, and last the
row's score as the ``execute_result``. nbgrader's own SaveAutoGrades then puts that score in the
gradebook and its generate_feedback shows the rest, without a kernel ever running.

Two preprocessors take the place of nbgrader's ``Execute``: ``Pending`` while the sandboxed engine
has not graded the notebook yet (every test cell scores 0 until it has), and ``EngineOutcomes``
once it has.
"""
from __future__ import annotations

import base64
from typing import Mapping

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Dict, Unicode

from autograder.engine.scoring import CheckResult, ExerciseRow, GradeReport

PENDING = "not graded yet: the sandboxed grader has not finished this notebook"


def _stdout(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text.rstrip("\n") + "\n")


def _score(score: float) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("execute_result", data={"text/plain": f"{score:g}"},
                                  execution_count=None)


def _png(png: bytes, caption: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={
        "image/png": base64.b64encode(png).decode("ascii"), "text/plain": caption})


WIDTH = 100  # nbconvert shows stream output in <pre>: long lines would run off the page


def _wrapped(text: str) -> str:
    """Each line of ``text`` folded at WIDTH, continuation lines indented under the bullet."""
    import textwrap

    return "\n".join(textwrap.fill(line, WIDTH, subsequent_indent="    ", break_long_words=False,
                                    break_on_hyphens=False, replace_whitespace=False) or line
                     for line in text.splitlines())


def _check_line(result: CheckResult) -> str:
    mark = "passed" if result.passed else "FAILED"
    line = f"- {result.spec.id} ({result.score:g}/{result.spec.points:g}): {mark}"
    return _wrapped(line + (f": {result.message}" if result.message else ""))


def row_text(row: ExerciseRow) -> str:
    """What the grader found for one report row: its points, then one line per check."""
    head = f"Grader, {row.exercise}: {row.score:g}/{row.max_score:g} points"
    failed = sum(not r.passed for r in row.results)
    head += f" ({failed} of {len(row.results)} checks failed)." if failed else \
        f" (all {len(row.results)} checks passed)."
    return "\n".join([head, *(_check_line(r) for r in row.results)])


def shows_curves(row: ExerciseRow, result: CheckResult) -> bool:
    """The runs a test cell draws: every run of a chapter's end-to-end row, and a function's own
    training runs when they failed (a passed one says so in its line; drawing each costs about
    0.3 s, which for a class is most of the time spent outside the checks)."""
    from autograder.contract import MODULE_OF
    from autograder.reports.feedback import has_curves

    return has_curves(result) and (row.exercise not in MODULE_OF or not result.passed)


def curve_outputs(row: ExerciseRow, report: GradeReport) -> list:
    """One PNG output per drawn training run of ``row``: the student's curves beside the
    reference's."""
    from autograder.reports.feedback import curve_png

    outputs = []
    for result in row.results:
        if shows_curves(row, result):
            png, notes = curve_png(result, report)
            outputs.append(_png(png, f"training curves of {result.spec.id}"
                                     + "".join(f"; {note}" for note in notes)))
    return outputs


def row_outputs(row: ExerciseRow | None, points: float, report: GradeReport | None,
                reason: str = "") -> list:
    """The outputs of the test cell worth ``points`` that holds ``row`` (None: not graded; then
    ``reason`` says why and the cell scores 0)."""
    if row is None:
        return [_stdout(f"Grader: 0/{points:g} points: {reason or 'not graded in this run'}."), _score(0)]
    outputs = [_stdout(row_text(row))]
    if report is not None:
        outputs += curve_outputs(row, report)
    return outputs + [_score(min(max(row.score, 0.0), points))]


class Pending(NbGraderPreprocessor):
    """In place of ``Execute`` before the engine has graded: each test cell holds an error output,
    so the gradebook scores it 0 (and a run stopped halfway gives nobody unearned points)."""

    message = Unicode(PENDING).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = []
            if is_grade(cell):
                cell.outputs = [nbformat.v4.new_output(
                    "error", ename="NotGradedYet", evalue=self.message, traceback=[self.message])]
        return cell, resources


class EngineOutcomes(NbGraderPreprocessor):
    """In place of ``Execute`` once the engine has graded: each test cell gets the outputs its
    row's verdicts give (``outputs``: grade id -> outputs); other code cells keep none, since
    nothing of the student's ran outside the sandbox."""

    outputs = Dict()

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            cell.outputs = list(self.outputs.get(grade_id, [])) if is_grade(cell) else []
            cell.execution_count = None
        return cell, resources


def notebook_outputs(notebook: str, report: GradeReport | None, reason: str = "") -> dict[str, list]:
    """grade id -> outputs for every test cell of ``notebook`` (``report`` None: nothing graded)."""
    from autograder.nb.layout import graded_rows

    rows: Mapping[str, ExerciseRow] = {row.exercise: row for row in report.rows()} if report else {}
    return {graded.grade_id: row_outputs(rows.get(graded.row), graded.points, report, reason)
            for graded in graded_rows(notebook)}
