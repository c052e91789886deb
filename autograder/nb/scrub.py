"""Keep the hidden tests out of the feedback: nbgrader puts them back for autograding and leaves
them in the feedback HTML (its issue #917), in the cells' source and in their tracebacks.

``ScrubHiddenTests`` joins nbgrader's GenerateFeedback preprocessors: nbgrader's own
ClearHiddenTests drops every ``### BEGIN HIDDEN TESTS`` region from the source, and each error
output of a test cell is cut to its last line (``AssertionError: <what failed>``), which is what
the student needs and which shows no test code. ``leaks`` checks the written HTML.
"""
from __future__ import annotations

import html
import re

from nbgrader.preprocessors import ClearHiddenTests
from nbgrader.utils import is_grade

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


class ScrubHiddenTests(ClearHiddenTests):
    """nbgrader's ClearHiddenTests, for feedback: also trims the tracebacks of test cells."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type == "code" and is_grade(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    name, value = output.get("ename", "Error"), _ANSI.sub("", output.get("evalue", ""))
                    output["traceback"] = [f"{name}: {value}" if value else name]
        return cell, resources


def hidden_lines(source: str) -> list[str]:
    """The non-blank lines inside the hidden-test regions of a cell's source."""
    lines, inside = [], False
    for line in source.splitlines():
        if HIDDEN_MARKERS[0] in line:
            inside = True
        elif HIDDEN_MARKERS[1] in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def leaks(html_text: str, hidden: list[str]) -> list[str]:
    """The hidden-test lines (and markers) that appear in a feedback page's text."""
    text = html.unescape(re.sub(r"<[^>]+>", "", html_text))
    return [line for line in (*HIDDEN_MARKERS, *hidden) if line in text]
