"""Copy only the worker's side of the grader into a folder the sandbox can see.

Verdicts, the rubric, the engine, the reports and the solutions stay out: a submission cannot read
what it is judged by.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
WORKER_SIDE = ("__init__.py", "contract.py", "worker", "scenarios", "inputs", "harness", "data",
               "book")   # book/: the grader's own `d2l`, which student code may import
NEVER = ("verdicts", "engine", "rubric.toml", "rubric.py", "hidden_tests", "reports", "cli.py",
         "build", "sandbox")


def stage_worker_package(dest: Path | None = None) -> Path:
    """A folder holding ``autograder/`` with only the worker-side modules; returns the folder."""
    root = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="d2l-worker-code-"))
    target = root / "autograder"
    target.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.toml")
    for name in WORKER_SIDE:
        src = PACKAGE / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=ignore, dirs_exist_ok=True)
        else:
            shutil.copy2(src, target / name)
    return root


def copy_submission(package: Path, dest: Path) -> Path:
    """A copy of the submission's ``package`` as DEST/exercises (what the sandbox binds as the
    submission), without caches or git; returns DEST."""
    shutil.copytree(package, Path(dest) / "exercises", symlinks=False,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
    return Path(dest)
