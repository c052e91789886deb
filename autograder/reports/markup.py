"""A tiny document model rendered to both Markdown and HTML, so the two feedback files say the same.

Text is always escaped for its target (student output and messages are shown verbatim, never
interpreted); code blocks get a fence longer than any backtick run inside them.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Code:
    """Inline code."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = Union[str, Code, Strong]


@dataclass(frozen=True)
class Heading:
    level: int
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    right: tuple[int, ...] = ()   # indices of right-aligned (numeric) columns


@dataclass(frozen=True)
class CodeBlock:
    text: str


@dataclass(frozen=True)
class Image:
    src: str
    alt: str


Block = Union[Heading, Paragraph, Bullets, Table, CodeBlock, Image]


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def printable(text: str) -> str:
    """``text`` without terminal colour codes and control characters (tabs and newlines stay)."""
    return _CONTROL.sub("", _ANSI.sub("", str(text)))


def _one_line(text: str) -> str:
    """Printable text with every run of whitespace (newlines too) made one space."""
    return re.sub(r"\s+", " ", printable(text))


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def md_text(text: str) -> str:
    """Plain text that Markdown shows as written (one line)."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(text))


def _md_code(text: str) -> str:
    text = _one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _md_inline(parts: tuple[Inline, ...]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Code):
            out.append(_md_code(part.text))
        elif isinstance(part, Strong):
            out.append(f"**{md_text(part.text)}**")
        else:
            out.append(md_text(part))
    return "".join(out)


def _guard_start(line: str) -> str:
    """Escape what would make a paragraph start a list, a heading underline or a quote."""
    match = re.match(r"(\d+)([.)])|[-+=]", line)
    if not match:
        return line
    if match.group(1):
        return match.group(1) + "\\" + line[match.end(1):]
    return "\\" + line


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + _md_inline(block.parts)
    if isinstance(block, Paragraph):
        return _guard_start(_md_inline(block.parts))
    if isinstance(block, Bullets):
        return "\n".join("- " + _md_inline(item) for item in block.items)
    if isinstance(block, Table):
        rule = ["---:" if i in block.right else "---" for i in range(len(block.header))]
        lines = ["| " + " | ".join(md_text(h) for h in block.header) + " |",
                 "| " + " | ".join(rule) + " |"]
        lines += ["| " + " | ".join(_md_inline(cell) for cell in row) + " |" for row in block.rows]
        return "\n".join(lines)
    if isinstance(block, CodeBlock):
        text = printable(block.text).rstrip("\n")
        longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
        fence = "`" * (longest + 1)
        return f"{fence}text\n{text}\n{fence}"
    if isinstance(block, Image):
        return f"![{md_text(block.alt)}]({block.src})"
    raise TypeError(f"unknown block {type(block).__name__}")


def to_markdown(doc: Document) -> str:
    """The document as CommonMark (GitHub-flavoured tables)."""
    return "\n\n".join(_md_block(b) for b in doc.blocks) + "\n"


# --- HTML -------------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num, th.num { text-align: right; }
pre { background: #f6f8fa; border: 1px solid #ddd; padding: 0.6rem; white-space: pre-wrap;
      word-break: break-word; }
code { font-family: ui-monospace, monospace; font-size: 0.92em; }
img { max-width: 100%; border: 1px solid #eee; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
""".strip()


def _html_text(text: str) -> str:
    return html.escape(_one_line(text))


def _html_inline(parts: tuple[Inline, ...]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Code):
            out.append(f"<code>{_html_text(part.text)}</code>")
        elif isinstance(part, Strong):
            out.append(f"<strong>{_html_text(part.text)}</strong>")
        else:
            out.append(_html_text(part))
    return "".join(out)


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{_html_inline(block.parts)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_html_inline(block.parts)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{_html_inline(item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Table):
        def cls(i):
            return ' class="num"' if i in block.right else ""
        head = "".join(f"<th{cls(i)}>{_html_text(h)}</th>" for i, h in enumerate(block.header))
        body = "".join("<tr>" + "".join(f"<td{cls(i)}>{_html_inline(c)}</td>" for i, c in enumerate(row))
                       + "</tr>" for row in block.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(block, CodeBlock):
        return f"<pre><code>{html.escape(printable(block.text).rstrip())}</code></pre>"
    if isinstance(block, Image):
        return (f'<p><img src="{html.escape(block.src, quote=True)}" '
                f'alt="{html.escape(block.alt, quote=True)}"></p>')
    raise TypeError(f"unknown block {type(block).__name__}")


def to_html(doc: Document) -> str:
    """The document as a standalone HTML page with a small inline stylesheet."""
    body = "\n".join(_html_block(b) for b in doc.blocks)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_html_text(doc.title)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")
