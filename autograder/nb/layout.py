"""Which rubric rows each notebook grades, and the nbgrader cell ids that hold them.

One notebook per exercise module. Each exercise function has a solution cell and a test cell whose
points are the function's row in the report (``GradeReport.rows()``); each end-to-end row (a
chapter's training run with every student part) has its own test cell in the notebook of the
chapter's first function. So the notebooks' points add up to the rubric's total.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from autograder.contract import MODULE_OF, MODULES
from autograder.rubric import CheckSpec, Rubric, load_rubric

NOTEBOOKS: tuple[str, ...] = tuple(MODULES)  # notebook name without ".ipynb"
TITLES: dict[str, str] = {
    "preliminaries": "Preliminaries: data, linear algebra, calculus and autograd",
    "linear_regression": "Linear regression from scratch",
    "softmax_regression": "Softmax regression from scratch",
    "mlp": "Multilayer perceptrons and dropout from scratch",
    "model_selection": "Model selection, underfitting and overfitting: polynomial regression",
    "optimizers": "Optimisers from scratch: momentum, RMSProp and Adam",
    "regularization": "Weight decay, robust losses and K-fold cross-validation",
}


@dataclass(frozen=True)
class GradedRow:
    """One test cell: a row of the report, its checks and its points."""

    notebook: str
    row: str                      # ExerciseRow.exercise: "softmax" or "dropout (end to end)"
    checks: tuple[CheckSpec, ...]

    @property
    def points(self) -> float:
        return sum(spec.points for spec in self.checks)

    @property
    def grade_id(self) -> str:
        return grade_cell_id(self.row)

    @property
    def function(self) -> str | None:
        """The exercise function of a per-function row; None for an end-to-end row."""
        return self.row if self.row in MODULE_OF else None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def solution_id(function: str) -> str:
    """The grade id of the solution cell that defines ``function``."""
    return f"answer_{function}"


def grade_cell_id(row: str) -> str:
    """The grade id of the test cell of one report row."""
    return f"test_{_slug(row)}"


def notebook_of(spec: CheckSpec) -> str:
    """The notebook whose test cell holds ``spec``: that of the first function it grades."""
    return MODULE_OF[spec.functions[0]]


def graded_rows(notebook: str | None = None, rubric: Rubric | None = None) -> list[GradedRow]:
    """The test cells of ``notebook`` (all notebooks when None): functions first, in the contract's
    order, then the end-to-end rows in the rubric's order."""
    rubric = rubric or load_rubric()
    grouped: dict[tuple[str, str], list[CheckSpec]] = {}
    for spec in rubric.checks:
        grouped.setdefault((notebook_of(spec), spec.exercise), []).append(spec)
    rows = []
    for nb in NOTEBOOKS if notebook is None else (notebook,):
        names = [row for (owner, row) in grouped if owner == nb]
        names.sort(key=lambda row: (row not in MODULE_OF,
                                    MODULES[nb].index(row) if row in MODULE_OF else 0))
        rows += [GradedRow(nb, row, tuple(grouped[nb, row])) for row in names]
    return rows


def row_named(row: str, rubric: Rubric | None = None) -> GradedRow:
    """The graded row called ``row`` (an exercise function, or "<chapter> (end to end)")."""
    for graded in graded_rows(rubric=rubric):
        if graded.row == row:
            return graded
    raise KeyError(row)
