"""Turn a student's notebooks into ``exercises/<module>.py`` files, without executing anything.

This runs in the trusted process and only reads JSON. For nbgrader notebooks (cells carrying
nbgrader metadata) only the solution cells are kept; for other notebooks every code cell is kept,
and the worker's loader executes only the definitions (the header line tells it so). Magics and
shell escapes are commented out; each cell is marked so that messages can name it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.contract import MODULES, NOTEBOOK_HEADER

# Cell magics whose body is still Python; any other cell magic (%%bash, %%writefile, ...) is dropped.
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
_DEFINES = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)


class NotebookError(Exception):
    """A notebook that cannot be read (not JSON, not a notebook); the message is one line."""


@dataclass
class ConvertedNotebook:
    """One notebook's kept cells as Python source, and what was left out."""

    name: str
    source: str
    defines: set[str]
    notes: list[str] = field(default_factory=list)


def _strip_magics(source: str) -> str:
    """Comment out IPython-only lines: ``%line`` magics, ``!shell``, ``x = !cmd``, ``obj?`` help."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].lstrip()[2:].split() else ""
        head = f"# [magic removed] {lines[0].strip()}"
        if magic not in _PYTHON_CELL_MAGICS:
            return "\n".join([head] + [f"# [magic removed] {line}" for line in lines[1:]])
        lines = lines[1:]
        kept = [head]
    else:
        kept = []
    for line in lines:
        stripped = line.strip()
        if (stripped.startswith(("%", "!")) or re.match(r"^[\w.,\s]+=\s*[!%]", stripped)
                or (stripped.endswith("?") and re.fullmatch(r"[\w.]+\?\??", stripped))):
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(f"{indent}# [magic removed] {stripped}")
            if indent:  # keep an indented block that held only the magic valid
                kept.append(f"{indent}pass")
        else:
            kept.append(line)
    return "\n".join(kept)


def _is_nbgrader(nb) -> bool:
    return any("nbgrader" in cell.get("metadata", {}) for cell in nb.cells)


def read_notebook(path: Path) -> ConvertedNotebook:
    """The code this notebook contributes: its solution cells (nbgrader) or all its code cells."""
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a broken file
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookError(f"{path.name} is not a valid notebook ({first[:160]})") from None
    graded = _is_nbgrader(nb)
    chunks, notes = [], []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        if graded and not cell.get("metadata", {}).get("nbgrader", {}).get("solution", False):
            continue
        chunks.append(f"# %% [cell {number}]\n{_strip_magics(cell.get('source', ''))}\n")
    if graded and not chunks:
        notes.append(f"{path.name} has no solution cells (nbgrader metadata), so nothing from it "
                     "was graded")
    source = "\n".join(chunks)
    return ConvertedNotebook(path.name, source, set(_DEFINES.findall(source)), notes)


def notebooks_in(path: Path) -> list[Path]:
    """The notebooks of a submission: PATH itself, or the ``*.ipynb`` files directly in it."""
    path = Path(path)
    if path.is_file():
        return [path] if path.suffix == ".ipynb" else []
    return sorted(p for p in path.glob("*.ipynb") if not p.name.startswith("."))


def convert_notebooks(paths: list[Path], dest: Path) -> list[str]:
    """Write ``dest/exercises/<module>.py`` for every module some notebook defines functions of.

    A notebook named after a module (``mlp.ipynb``) goes to that module; any other notebook goes to
    every module whose functions it defines. Notebooks are taken in name order (named ones first),
    so later definitions win as in a kernel. Returns notes about what was left out.
    """
    converted = [read_notebook(p) for p in paths]
    notes = [note for nb in converted for note in nb.notes]
    package = Path(dest) / "exercises"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    for module, functions in MODULES.items():
        chosen = [nb for nb in converted if Path(nb.name).stem == module]
        chosen += [nb for nb in converted
                   if Path(nb.name).stem not in MODULES and nb.defines & set(functions)]
        if not chosen:
            continue
        names = ", ".join(nb.name for nb in chosen)
        body = "\n".join(f"# %% [notebook {nb.name}]\n{nb.source}" for nb in chosen)
        (package / f"{module}.py").write_text(f"{NOTEBOOK_HEADER} {names}; definitions only\n{body}",
                                              encoding="utf-8")
    if not any((package / f"{m}.py").exists() for m in MODULES):
        raise NotebookError("no notebook defines any exercise function ("
                            + ", ".join(nb.name for nb in converted) + ")")
    return notes
