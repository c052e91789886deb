"""Where a line of a module comes from: ``line 41`` in a file, ``cell 7, line 3`` in a notebook.

Modules the grader converted from notebooks (``autograder/submissions/notebooks.py``) start with
``NOTEBOOK_HEADER`` and mark each cell with ``# %% [cell N]`` (and each notebook with
``# %% [notebook NAME]`` when one module gathers several); messages name the cell instead.
"""
from __future__ import annotations

import bisect
import re

from autograder.contract import NOTEBOOK_HEADER

_CELL = re.compile(r"# %% \[cell (\d+)\]\s*$")
_NOTEBOOK = re.compile(r"# %% \[notebook (.+)\]\s*$")


def is_converted_notebook(source: str) -> bool:
    """Whether the grader wrote this module from a notebook (then only definitions run)."""
    return source.startswith(NOTEBOOK_HEADER)


def notebook_names(source: str) -> str:
    """The notebooks named in the header line (``hw.ipynb, extra.ipynb``)."""
    first = source.split("\n", 1)[0][len(NOTEBOOK_HEADER):].strip()
    return first.split(";", 1)[0].strip() or "a notebook"


class Locator:
    """Turns a line number of the module into the words a student can find it by."""

    def __init__(self, source: str):
        self.notebook = is_converted_notebook(source)
        self._starts: list[int] = []           # line numbers of the cell markers
        self._cells: list[tuple[str, int]] = []  # (notebook, cell number) per marker
        if not self.notebook:
            return
        current, notebooks = "", set()
        for number, line in enumerate(source.splitlines(), start=1):
            if match := _NOTEBOOK.match(line):
                current = match.group(1).strip()
                notebooks.add(current)
            elif match := _CELL.match(line):
                self._starts.append(number)
                self._cells.append((current, int(match.group(1))))
        self._several = len(notebooks) > 1

    def where(self, lineno: int) -> str:
        """``line 41``, or ``cell 7, line 3`` (``hw.ipynb cell 7, line 3`` for several notebooks)."""
        if not self.notebook:
            return f"line {lineno}"
        index = bisect.bisect_right(self._starts, lineno) - 1
        if index < 0:
            return f"line {lineno}"
        notebook, cell = self._cells[index]
        prefix = f"{notebook} " if self._several and notebook else ""
        return f"{prefix}cell {cell}, line {lineno - self._starts[index]}"
