"""Undo what students do to released notebooks, before nbgrader's own sanitizing of a submission.

Registered as the first of nbgrader's ``Autograde.sanitize_preprocessors``, so it works on the
submission in memory (``submitted/`` is never changed) and nbgrader's ``DeduplicateIds`` and
``OverwriteCells`` (which restore locked cells from the database) see a well-formed notebook:

- a cell copied with its metadata duplicates a ``grade_id``; nbgrader keeps the *last* copy, which
  is often the untouched stub the student pasted below their answer. Here unchanged copies go,
  and the last edited copy keeps the id (the others become plain cells);
- a solution cell whose metadata was lost (the code pasted into a new cell or notebook) is found
  again by the function it defines;
- deleted cells (tests, descriptions, answers) come back from the database at their place, where
  nbgrader's own ``add_missing_cells`` handles only grade cells and fails when the cell before a
  deleted one was deleted too.

``set_aside_invalid`` handles what no preprocessor can: a file that is not a notebook, which would
make nbgrader drop the student's whole assignment; it is renamed so that only it scores 0.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import compute_checksum

INVALID_SUFFIX = ".invalid"
NOTE_PREFIX = "repaired"


@dataclass(frozen=True)
class ReleasedCell:
    """A cell of the released notebook, as nbgrader's database keeps it."""

    grade_id: str
    cell_type: str
    source: str
    locked: bool
    solution: bool
    grade: bool
    points: float | None
    checksum: str | None


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _grade_id(cell: NotebookNode) -> str | None:
    return _meta(cell).get("grade_id")


def defined_names(source: str) -> set[str]:
    """Top-level functions and classes a cell defines (by a regex when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(re.findall(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)", source, re.MULTILINE))
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {n.name for n in tree.body if isinstance(n, kinds)}


def _unchanged(cell: NotebookNode) -> bool:
    checksum = _meta(cell).get("checksum")
    try:
        return checksum is not None and compute_checksum(cell) == checksum
    except Exception:  # noqa: BLE001 - malformed metadata: treat as edited
        return False


def deduplicate(cells: list[NotebookNode]) -> list[str]:
    """Give each duplicated grade id to one copy: the last edited one (else the last)."""
    notes, copies = [], {}
    for cell in cells:
        if _grade_id(cell):
            copies.setdefault(_grade_id(cell), []).append(cell)
    drop: set[int] = set()
    for grade_id, group in copies.items():
        if len(group) < 2:
            continue
        edited = [cell for cell in group if not _unchanged(cell)]
        keep = edited[-1] if edited else group[-1]
        for cell in group:
            if cell is keep:
                continue
            if cell in edited:
                del cell.metadata["nbgrader"]
            else:
                drop.add(id(cell))
        removed = sum(id(cell) in drop for cell in group)
        dropped = f", removed {removed} unchanged cop{'y' if removed == 1 else 'ies'}" if removed else ""
        notes.append(f"cell {grade_id} appeared {len(group)} times: kept the "
                     + ("last edited copy" if edited else "last copy") + dropped)
    cells[:] = [cell for cell in cells if id(cell) not in drop]
    return notes


def reattach_solutions(cells: list[NotebookNode], released: list[ReleasedCell]) -> list[str]:
    """Give a missing solution cell's metadata back to the plain cell that defines its function."""
    notes, present = [], {_grade_id(c) for c in cells}
    for info in released:
        if not info.solution or info.grade_id in present:
            continue
        wanted = defined_names(info.source)
        if not wanted:
            continue
        owners = [c for c in cells if c.get("cell_type") == "code" and not _grade_id(c)
                  and defined_names(c.get("source", "")) & wanted]
        if not owners:
            continue
        owner = owners[-1]
        owner.metadata["nbgrader"] = _metadata(info)
        present.add(info.grade_id)
        notes.append(f"answer cell {info.grade_id} had lost its nbgrader metadata: found "
                     f"{', '.join(sorted(wanted))} in another cell and graded that")
    return notes


def _metadata(info: ReleasedCell) -> dict:
    meta = {"grade": info.grade, "grade_id": info.grade_id, "locked": info.locked,
            "schema_version": 3, "solution": info.solution, "task": False}
    if info.grade:
        meta["points"] = info.points
    if info.checksum:
        meta["checksum"] = info.checksum
    return meta


def _new_cell(info: ReleasedCell) -> NotebookNode:
    make = nbformat.v4.new_code_cell if info.cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make(info.source)
    cell.metadata["nbgrader"] = _metadata(info)
    if info.locked and not info.solution:
        cell.metadata.update(editable=False, deletable=False)
    return cell


def restore_missing(cells: list[NotebookNode], released: list[ReleasedCell]) -> list[str]:
    """Put every released cell that is missing back after the released cell before it."""
    notes = []
    for index, info in enumerate(released):
        positions = {_grade_id(c): i for i, c in enumerate(cells) if _grade_id(c)}
        if info.grade_id in positions:
            continue
        before = [positions[r.grade_id] for r in released[:index] if r.grade_id in positions]
        cells.insert(max(before) + 1 if before else 0, _new_cell(info))
        kind = "answer" if info.solution else "test" if info.grade else "locked"
        notes.append(f"{kind} cell {info.grade_id} was missing: put back the released one")
    return notes


def repair(nb: NotebookNode, released: list[ReleasedCell]) -> list[str]:
    """Repair ``nb`` in place against the released cells; one note per change."""
    cells = list(nb.cells)
    notes = deduplicate(cells)
    notes += reattach_solutions(cells, released)
    notes += restore_missing(cells, released)
    nb.cells = cells
    return notes


def released_cells(gradebook, notebook: str, assignment: str) -> list[ReleasedCell]:
    """The released notebook's cells, in order, from nbgrader's database."""
    source_nb = gradebook.find_notebook(notebook, assignment)
    points = {cell.name: cell.max_score for cell in source_nb.grade_cells}
    solutions = {cell.name for cell in source_nb.solution_cells}
    return [ReleasedCell(cell.name, cell.cell_type, cell.source, bool(cell.locked),
                         cell.name in solutions, cell.name in points, points.get(cell.name),
                         cell.checksum)
            for cell in source_nb.source_cells]


class RepairSubmission(NbGraderPreprocessor):
    """nbgrader preprocessor: ``repair`` each submitted notebook against the database."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            released = released_cells(gradebook, info["notebook"], info["assignment"])
        for note in repair(nb, released):
            self.log.warning("%s %s/%s.ipynb: %s", NOTE_PREFIX, info["student"], info["notebook"], note)
        return nb, resources


def set_aside_invalid(folder: Path) -> list[str]:
    """Rename every ``*.ipynb`` in ``folder`` that nbformat cannot read or validate to
    ``*.ipynb.invalid``; one note per file."""
    notes = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            nbformat.validate(nbformat.read(str(path), as_version=4))
        except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a broken file
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            path.rename(path.with_name(path.name + INVALID_SUFFIX))
            notes.append(f"{path.name} is not a valid notebook ({reason}); it scores 0, "
                         f"kept as {path.name}{INVALID_SUFFIX}")
    return notes
