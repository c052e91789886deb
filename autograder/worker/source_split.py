"""Parse a student's module even when part of it does not parse: keep every top-level piece that does.

The source is cut at top-level statement boundaries (a line that starts at column 0); each piece
is parsed on its own, with its real line numbers, and a piece the parser rejects is reported with
the parser's own words and skipped. Notebook magics (``%matplotlib inline``, ``!pip install d2l``)
left in a ``.py`` file are blanked first.
"""
from __future__ import annotations

import ast
import importlib.util
import re
from dataclasses import dataclass, field

# Lines at column 0 that continue the statement above rather than start a new one.
_CONTINUES = re.compile(r"(else|elif|except|finally)\b|[)\]}]")
_MAGIC = re.compile(r"(%%?|!)[A-Za-z_./]")
_DEFINES = re.compile(r"^(?:async\s+def|def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)
# Parser messages meaning "this piece is unfinished": the next piece may complete it (a docstring
# or a bracket whose lines start at column 0, a decorator before its def).
_UNFINISHED = ("unterminated triple-quoted", "was never closed", "expected an indented block",
               "unexpected EOF", "incomplete input")


@dataclass(frozen=True)
class BrokenPart:
    """A top-level piece of the file that does not parse."""

    lineno: int                  # the line the parser complained about
    message: str                 # the parser's words
    text: str                    # that line, stripped
    first_line: int
    last_line: int
    defines: tuple[str, ...]     # the functions and classes the piece would have defined


@dataclass
class ParsedSource:
    """The statements that parse, in file order, and what was left out."""

    statements: list[ast.stmt]
    broken: list[BrokenPart] = field(default_factory=list)
    magics: list[tuple[int, str]] = field(default_factory=list)   # (line, the magic) blanked


def _parse(text: str, first_line: int, filename: str) -> list[ast.stmt]:
    """Parse a piece that starts at ``first_line``, keeping the file's line numbers."""
    return ast.parse("\n" * (first_line - 1) + text, filename=filename).body


def _blank_magics(lines: list[str]) -> list[tuple[int, str]]:
    """Replace IPython-only lines at column 0 by empty lines, in place; return what was removed."""
    removed = []
    for index, line in enumerate(lines):
        if _MAGIC.match(line):
            removed.append((index + 1, line.strip()))
            lines[index] = "\n" if line.endswith("\n") else ""
    return removed


def _pieces(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) 1-based line ranges, each starting at a top-level statement."""
    starts = []
    for index, line in enumerate(lines):
        if not line.strip() or line[0] in " \t#" or _CONTINUES.match(line):
            continue
        if starts and lines[starts[-1]].startswith("@") and all(
                not lines[i].strip() or lines[i].startswith(("@", "#")) for i in range(starts[-1], index)):
            continue  # a decorator stays with the def or class it decorates
        starts.append(index)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = starts[1:] + [len(lines)]
    return [(s + 1, e) for s, e in zip(starts, ends)]


def _unfinished(exc: SyntaxError) -> bool:
    return any(words in (exc.msg or "") for words in _UNFINISHED)


def read_source(data: bytes) -> tuple[str, dict[int, str]]:
    """The module's text, and its lines that are not valid text (line -> the parser's words).

    Python refuses a whole file for one byte that is not UTF-8; here only that line's piece is
    lost (the line is kept, with the byte replaced, so that line numbers stay right)."""
    try:
        return importlib.util.decode_source(data), {}
    except (UnicodeDecodeError, SyntaxError, LookupError):
        pass
    bad, text = {}, []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            text.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad[number] = (f"this line is not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as "
                           "UTF-8")
            text.append(raw.decode("utf-8", errors="replace"))
    return "".join(text), bad


def parse_forgiving(source: str, filename: str, bad_lines: dict[int, str] | None = None) -> ParsedSource:
    """Every top-level statement of ``source`` that parses; the rest as ``BrokenPart``s.

    ``bad_lines`` (from ``read_source``) break the pieces that hold them, whatever the parser says."""
    bad_lines = bad_lines or {}
    if not bad_lines:
        try:
            return ParsedSource(ast.parse(source, filename=filename).body)
        except SyntaxError:
            pass
    lines = source.splitlines(keepends=True)
    magics = _blank_magics(lines)
    if magics and not bad_lines:
        try:
            return ParsedSource(ast.parse("".join(lines), filename=filename).body, magics=magics)
        except SyntaxError:
            pass
    pieces = _pieces(lines)
    parsed = ParsedSource([], magics=magics)
    index = 0
    while index < len(pieces):
        first = pieces[index][0]
        bad = next((n for n in sorted(bad_lines) if first <= n <= pieces[index][1]), None)
        if bad is not None:
            last = pieces[index][1]
            parsed.broken.append(BrokenPart(
                lineno=bad, message=bad_lines[bad], text="", first_line=first, last_line=last,
                defines=tuple(_DEFINES.findall("".join(lines[first - 1:last])))))
            index += 1
            continue
        error: SyntaxError | None = None
        for stop in range(index, len(pieces)):
            try:
                statements = _parse("".join(lines[first - 1:pieces[stop][1]]), first, filename)
            except SyntaxError as exc:
                error = error or exc
                if _unfinished(exc):
                    continue  # perhaps the next piece completes it
                break
            parsed.statements.extend(statements)
            index = stop + 1
            error = None
            break
        if error is not None:
            last = pieces[index][1]
            parsed.broken.append(BrokenPart(
                lineno=error.lineno or first, message=error.msg or "invalid syntax",
                text=(error.text or "").strip(), first_line=first, last_line=last,
                defines=tuple(_DEFINES.findall("".join(lines[first - 1:last])))))
            index += 1
    return parsed
