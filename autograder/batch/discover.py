"""Find every submission under the folders an instructor names.

One submission per sub-folder (``class/alice/``), or nbgrader's ``submitted/<student>/<assignment>/``
layout; a folder that holds nothing gradable is still listed, so that the student shows up in the
grades with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.contract import MODULES

_SKIP = {".git", "__pycache__", ".ipynb_checkpoints"}


@dataclass(frozen=True)
class Entry:
    """One student's submission: a name for the grades and the folder to grade."""

    student: str
    path: Path

    @property
    def slug(self) -> str:
        """The student's folder name under OUT."""
        return self.student.replace("/", "__")


def looks_like_submission(path: Path) -> bool:
    """An exercises/ folder or the modules themselves, or notebooks."""
    for folder in (path / "exercises", path):
        if folder.is_dir() and (any((folder / f"{m}.py").is_file() for m in MODULES)
                                or any(folder.glob("*.ipynb"))):
            return True
    return False


def _children(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and p.name not in _SKIP and not p.name.startswith("."))


def discover(folders: list[Path]) -> list[Entry]:
    """The submissions under ``folders``, sorted by student; names made unique across folders."""
    entries: list[Entry] = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder}: no such folder")
        if looks_like_submission(folder):
            entries.append(Entry(folder.resolve().name, folder))
            continue
        root = folder / "submitted" if (folder / "submitted").is_dir() else folder
        for child in _children(root):
            if looks_like_submission(child):
                entries.append(Entry(child.name, child))
                continue
            inner = [g for g in _children(child) if looks_like_submission(g)]
            if not inner:
                entries.append(Entry(child.name, child))  # graded as an error with the reason
            for g in inner:
                entries.append(Entry(child.name if len(inner) == 1 else f"{child.name}/{g.name}", g))
    seen: dict[str, int] = {}
    unique = []
    for entry in entries:
        seen[entry.student] = seen.get(entry.student, 0) + 1
        name = entry.student if seen[entry.student] == 1 else f"{entry.student}~{seen[entry.student]}"
        unique.append(Entry(name, entry.path))
    return sorted(unique, key=lambda e: e.student)
