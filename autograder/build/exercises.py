"""Generate ``exercises/`` from ``solutions/`` with nbgrader's own ClearSolutions preprocessor.

Each module becomes a one-cell notebook, nbgrader replaces every ``### BEGIN SOLUTION`` ...
``### END SOLUTION`` region with ``raise NotImplementedError()``, and the cell is written back as
the stub module. The same markers later drive the released notebooks.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearSolutions

from autograder.contract import MODULES

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
HEADER = "# Generated from solutions/ by `autograder build-exercises`: fill in the bodies.\n"
PACKAGE_INIT = '"""Your exercises for chapters 2-4 of Dive into Deep Learning: fill in every function."""\n'


def strip_solutions(source: str) -> str:
    """The module source with every solution region replaced by nbgrader's code stub."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells.append(nbformat.v4.new_code_cell(source))
    cleared, _ = ClearSolutions(enforce_metadata=False).preprocess(nb, {"language": "python"})
    return cleared.cells[0].source


def render_exercises(solutions: Path = SOLUTIONS) -> dict[str, str]:
    """File name -> text of every file of ``exercises/``."""
    files = {"__init__.py": PACKAGE_INIT}
    for module in MODULES:
        files[f"{module}.py"] = HEADER + strip_solutions((solutions / f"{module}.py").read_text())
    return files


def write_exercises(target: Path = EXERCISES, solutions: Path = SOLUTIONS) -> list[Path]:
    """Write the stubs into ``target``; returns the files that changed."""
    target.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in render_exercises(solutions).items():
        path = target / name
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed
