"""Where a submission comes from: a folder, a git repository (URL or local, ``--ref``), or notebooks.

``materialize`` turns any of them into a folder holding ``exercises/`` that the engine grades. A
git source is shallow-cloned without running anything from it (no hooks, no submodules, no
filters); notebooks are converted to modules as text. Nothing here executes student code.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from autograder.contract import MODULES

_GIT_URL = re.compile(r"^(https?://|ssh://|git://|file://|git@[\w.-]+:)")
GIT_TIMEOUT_S = 120


class SourceError(Exception):
    """SUBMISSION is missing, is not a submission, or cannot be fetched; the message is one line."""


@dataclass
class Submission:
    """A submission laid out for grading: ``path`` holds ``exercises/``."""

    path: Path
    origin: str
    kind: str                       # "folder", "git" or "notebooks"
    notes: list[str] = field(default_factory=list)


def is_git_url(text: str) -> bool:
    return bool(_GIT_URL.match(text)) or (text.endswith(".git") and not Path(text).exists())


def _has_modules(folder: Path) -> bool:
    return any((folder / f"{m}.py").is_file() for m in MODULES)


def _git(args: list[str], cwd: Path) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd),
           "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "GIT_ASKPASS": "true",
           "GIT_SSH_COMMAND": "ssh -o BatchMode=yes"}
    safe = ["-c", "core.hooksPath=/dev/null", "-c", "protocol.file.allow=always",
            "-c", "submodule.recurse=false", "-c", "core.symlinks=false", "-c", "advice.detachedHead=false"]
    try:
        done = subprocess.run(["git", *safe, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S)
    except FileNotFoundError:
        raise SourceError("git is not installed, so a git SUBMISSION cannot be fetched") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"git {args[0]} took longer than {GIT_TIMEOUT_S} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise SourceError(f"git {args[0]} failed: {last}")
    return done.stdout.strip()


def clone(source: str, ref: str | None, dest: Path) -> str:
    """Shallow-fetch ``ref`` (default: the remote's HEAD) of ``source`` into ``dest``; its commit."""
    url = source
    if not is_git_url(source):
        url = Path(source).resolve().as_uri()  # file:// so that --depth applies to local repos too
    dest.mkdir(parents=True)
    _git(["init", "-q"], dest)
    _git(["fetch", "-q", "--depth", "1", "--no-tags", url, ref or "HEAD"], dest)
    _git(["checkout", "-q", "FETCH_HEAD"], dest)
    return _git(["rev-parse", "--short=12", "HEAD"], dest)


def _is_git_repo(path: Path) -> bool:
    return (path / ".git").exists()


def materialize(source: str | Path, workdir: Path, ref: str | None = None) -> Submission:
    """Lay out SOURCE for grading under ``workdir`` (which the caller owns and removes)."""
    text = str(source)
    workdir = Path(workdir)
    if is_git_url(text) or (ref is not None and _is_git_repo(Path(text))):
        commit = clone(text, ref, workdir / "clone")
        found = _layout(workdir / "clone", workdir)
        found.origin = f"{text} at {ref or 'HEAD'} ({commit})"
        found.kind = "git"
        return found
    path = Path(text)
    if not path.exists():
        raise SourceError(f"{path}: no such file or directory")
    if ref is not None:
        raise SourceError(f"--ref needs a git repository, and {path} is not one")
    return _layout(path, workdir)


def _layout(path: Path, workdir: Path) -> Submission:
    """A folder with ``exercises/`` (or the modules themselves) as is; notebooks converted."""
    for candidate in (path / "exercises", path):
        if candidate.is_dir() and _has_modules(candidate):
            return Submission(path, str(path), "folder")
    from autograder.submissions.notebooks import NotebookError, convert_notebooks, notebooks_in

    notebooks = notebooks_in(path)
    if not notebooks and path.is_dir():
        notebooks = notebooks_in(path / "exercises")
    if notebooks:
        try:
            notes = convert_notebooks(notebooks, workdir / "from-notebooks")
        except NotebookError as exc:
            raise SourceError(str(exc)) from None
        return Submission(workdir / "from-notebooks", str(path), "notebooks", notes)
    raise SourceError(
        f"{path} is not a submission: expected an exercises/ folder holding "
        + ", ".join(f"{m}.py" for m in MODULES) + ", or Jupyter notebooks")
