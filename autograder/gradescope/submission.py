"""Find the submission in what Gradescope unpacked into /autograder/submission.

Students upload the exercise files, a repository (GitHub, Bitbucket or a zip of it: possibly one
folder deeper), or notebooks. The shallowest folder that looks like a submission is graded by the
grader's own discovery and notebook conversion (``autograder.submissions.materialize``).
"""
from __future__ import annotations

from pathlib import Path

from autograder.contract import MODULES
from autograder.submissions.notebooks import notebooks_in

MAX_DEPTH = 3
_SKIP = ("__MACOSX", "__pycache__", "node_modules")


class EmptySubmission(Exception):
    """Nothing was uploaded; the message says what to upload."""


def what_to_upload() -> str:
    """One sentence naming what a submission holds."""
    return ("upload your exercise files (" + ", ".join(f"{m}.py" for m in MODULES)
            + "), your repository with its exercises/ folder, or your notebooks")


def _looks_like_submission(folder: Path) -> bool:
    for candidate in (folder, folder / "exercises"):
        if candidate.is_dir() and (any((candidate / f"{m}.py").is_file() for m in MODULES)
                                   or notebooks_in(candidate)):
            return True
    return False


def _subfolders(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()
                      and not p.name.startswith(".") and p.name not in _SKIP)
    except OSError:
        return []


def find_submission(folder: Path) -> Path:
    """The folder to grade: ``folder`` itself or the shallowest sub-folder that holds exercise
    modules or notebooks (``folder`` when none does, so that the grader's message explains)."""
    folder = Path(folder)
    if not folder.is_dir() or not any(p for p in folder.iterdir() if not p.name.startswith(".")):
        raise EmptySubmission(f"Your submission is empty: {what_to_upload()}.")
    level = [folder]
    for _ in range(MAX_DEPTH + 1):
        for candidate in level:
            if _looks_like_submission(candidate):
                return candidate
        level = [sub for candidate in level for sub in _subfolders(candidate)]
    return folder
