"""How student code is kept away from the grader on Gradescope: bubblewrap where it can create
namespaces, else the unprivileged runner; and the folders closed to it either way."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from autograder.sandbox.bwrap import SANDBOX_UID, bwrap_path

RUNNER_ENV = "D2L_GRADESCOPE_RUNNER"   # auto (the default), sandbox or unprivileged
CHOICES = ("auto", "sandbox", "unprivileged")
DESCRIPTIONS = {
    "sandbox": "your code ran in a sandbox (bubblewrap: no network, none of the grader's files)",
    "unprivileged": "your code ran as an unprivileged user, without access to the grader's files",
}


class IsolationError(Exception):
    """Student code cannot be kept away from the grader here; the message is one line."""


def bwrap_works(timeout_s: float = 20.0) -> bool:
    """Whether bubblewrap can create the namespaces the sandbox uses (Docker without user
    namespaces refuses them)."""
    bwrap = bwrap_path()
    if bwrap is None:
        return False
    probe = [bwrap, "--unshare-all", "--die-with-parent", "--new-session",
             "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--ro-bind", "/", "/",
             "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
             # a system binary: this Python may live under /tmp, which the probe hides
             "--", shutil.which("true") or "/bin/true"]
    try:
        done = subprocess.run(probe, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def choose_runner(requested: str | None = None) -> str:
    """The engine's runner kind: ``sandbox`` or ``unprivileged``; ``requested`` (default
    $D2L_GRADESCOPE_RUNNER, else auto) forces one."""
    requested = (requested or os.environ.get(RUNNER_ENV) or "auto").strip().lower()
    if requested not in CHOICES:
        raise IsolationError(f"{RUNNER_ENV} must be one of {', '.join(CHOICES)}, not {requested!r}")
    if requested in ("auto", "sandbox") and bwrap_works():
        return "sandbox"
    if requested == "sandbox":
        raise IsolationError("bubblewrap cannot start here, and the sandbox was required")
    if os.geteuid() != 0:
        raise IsolationError("student code cannot be isolated here: bubblewrap cannot create "
                             "namespaces and the autograder does not run as root")
    return "unprivileged"


def close_to_students(root: Path) -> None:
    """Make root/source (the zip: config, wheel) and root/results (results.json) root's alone
    (mode 0700), and submission_metadata.json (names, e-mails, earlier results) unreadable."""
    for folder in (root / "source", root / "results"):
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            os.chown(folder, 0, 0)
        os.chmod(folder, 0o700)
    metadata = root / "submission_metadata.json"
    if metadata.is_file() and not metadata.is_symlink():
        if os.geteuid() == 0:
            os.chown(metadata, 0, 0)
        os.chmod(metadata, 0o600)
