"""Content hashes: a submission is graded again only when it, the grader or the options changed."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
_SKIP_DIRS = {".git", "__pycache__", ".ipynb_checkpoints"}
# What decides a grade on the grader's side: the rubric, the thresholds, the checks themselves.
_GRADER_PARTS = ("rubric.toml", "verdicts", "scenarios", "inputs", "harness", "worker", "engine",
                 "hidden_tests", "submissions")


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not _SKIP_DIRS & set(p.relative_to(root).parts))


def tree_hash(root: Path) -> str:
    """sha256 over every file's relative path and bytes (caches and .git left out)."""
    digest = hashlib.sha256()
    root = Path(root)
    for path in _files(root):
        rel = path.name if root.is_file() else path.relative_to(root).as_posix()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def grader_hash() -> str:
    """Changes whenever the rubric, a check or the engine changes."""
    digest = hashlib.sha256()
    for part in _GRADER_PARTS:
        digest.update(part.encode() + tree_hash(PACKAGE / part).encode())
    return digest.hexdigest()


def submission_fingerprint(path: Path, options: str) -> str:
    """What a stored result must match to be reused: submission, grader and grading options."""
    return hashlib.sha256(f"{tree_hash(path)}|{grader_hash()}|{options}".encode()).hexdigest()
