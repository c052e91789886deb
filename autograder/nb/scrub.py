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

from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from nbgrader.utils import is_grade, is_locked

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


_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s|/|>)")
_ACTIVE_OUTPUTS = ("application/javascript", "text/javascript", "application/vnd.jupyter.widget-view+json")


def _inert(markup: str) -> str:
    """``markup`` without script, event handlers or iframes (bleach's default allow-list plus the
    tags markdown writes); plain text and markdown without tags are left as they are."""
    import bleach

    if not _TAG.search(markup):
        return markup
    tags = {*bleach.sanitizer.ALLOWED_TAGS, "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
            "pre", "img", "table", "thead", "tbody", "tr", "th", "td", "span", "div", "sub", "sup"}
    attributes = {"a": ["href", "title"], "img": ["src", "alt", "title"], "*": ["class"]}
    return bleach.clean(markup, tags=tags, attributes=attributes,
                        protocols={"http", "https", "data"}, strip=True)


class StripActiveContent(NbGraderPreprocessor):
    """Feedback pages are opened by students and instructors alike: what a student wrote
    (markdown and raw cells that are not the instructor's locked ones) and any HTML output lose
    script, event handlers and iframes; script and widget outputs are dropped."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type in ("markdown", "raw") and not is_locked(cell):
            cell.source = _inert(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for kind in _ACTIVE_OUTPUTS:
                data.pop(kind, None)
            for kind in ("text/html", "text/markdown", "image/svg+xml"):
                if kind in data:
                    text = data[kind] if isinstance(data[kind], str) else "".join(data[kind])
                    data[kind] = _inert(text)
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
