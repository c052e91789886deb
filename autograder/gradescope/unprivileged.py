"""The fallback where bubblewrap cannot create namespaces (Docker without user namespaces, as on
Gradescope): the worker runs as an unprivileged user instead.

The worker is the engine's plain worker process (``autograder.worker.main``, a clean environment,
rlimits, a cgroup where one can be made) started as uid/gid 65534 with no supplementary groups.
It can read its staged code, the submission copy and the data set, and write only its own run
folder; whatever the grader keeps closed (mode 0700, owned by root: Gradescope's results/ and
source/, the grader's installation) it cannot read or write, nor can it signal or trace the
grader's processes. Unlike bubblewrap it shares the network and the file system's world-readable
parts. Starting it needs root.
"""
from __future__ import annotations

import os
from pathlib import Path

from autograder.engine.sandboxed import SandboxedRunner, SandboxUnavailable, WorkerProcess
from autograder.sandbox.limits import Limits

UNPRIVILEGED_ID = 65534   # nobody / nogroup on Debian and Ubuntu


def open_for_reading(folder: Path) -> None:
    """Let every user read (never write) ``folder`` and what is in it."""
    os.chmod(folder, 0o755)
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(parent) / name
            if not path.is_symlink():   # the copies hold none; a link's target is not ours to open
                os.chmod(path, 0o755 if path.is_dir() else 0o644)


class UnprivilegedRunner(SandboxedRunner):
    """The engine's runner with each worker started as an unprivileged user (needs root)."""

    def __init__(self, submission: Path, data_root: Path, limits: Limits | None = None,
                 uid: int = UNPRIVILEGED_ID, gid: int = UNPRIVILEGED_ID):
        if os.geteuid() != 0:
            raise SandboxUnavailable("the unprivileged runner starts workers as another user, "
                                     "which needs root")
        super().__init__(submission, data_root, limits, sandboxed=False)
        self.uid, self.gid = uid, gid
        self._opened = False

    def __enter__(self) -> "UnprivilegedRunner":
        try:
            return super().__enter__()
        except BaseException:
            self.__exit__(None, None, None)   # the copies made so far, removed
            raise

    def _spawn(self) -> WorkerProcess:
        if not self._opened:  # the staged code and the copy, made readable before the first start
            os.chmod(self._tmp, 0o711)
            open_for_reading(self._staged)
            open_for_reading(self._copy)
            self._opened = True
        self.worker_starts += 1
        return WorkerProcess(self._copy, self.data_root, self._staged, self.limits, sandboxed=False,
                             definitions_only=self.failed_loads > 0, run_as=(self.uid, self.gid))
