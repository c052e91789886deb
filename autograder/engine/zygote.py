"""The trusted side of the zygote (worker/zygote.py): one per grading process, forking workers.

``grade-all`` grades a whole class in each pool process; a fresh bubblewrap'd worker per
submission paid torch's and torchvision's imports every time (3-4 s of a 10-15 s grading). The
zygote pays them once and forks each worker, which walls itself in namespaces of its own
(worker/zygote.py). Each worker still gets its own cgroup with the submission's limits: the
forked process waits on a pipe until it has been moved into it. The submission is copied into
the zygote's slot (the folder bubblewrap shows as /work/submission) before its workers are
forked, and only once the previous submission's workers have all ended.
"""
from __future__ import annotations

import atexit
import dataclasses
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from autograder.engine.sandboxed import WorkerProcess
from autograder.sandbox.bwrap import bwrap_command, sandbox_paths
from autograder.sandbox.limits import Cgroup, Limits, worker_preexec
from autograder.sandbox.staging import copy_submission, stage_worker_package


class ZygoteUnavailable(Exception):
    """The zygote could not start, or has stopped: start plain workers instead."""


class _ForkedProc:
    """The little of ``subprocess.Popen`` that a worker's owner uses, for a forked worker."""

    def __init__(self, zygote: "Zygote", name: str):
        self.zygote, self.name = zygote, name
        self.pid = -1
        self.returncode: int | None = None
        self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.zygote.poll()
            self.returncode = self.zygote.exited.pop(self.name, None)
        return self.returncode


class Zygote:
    """A zygote in bubblewrap; ``slot`` is the folder its workers see as the submission."""

    forks_in_process = 0   # workers forked by every zygote of this process (for the tests)

    def __init__(self, data_root: Path, limits: Limits):
        self.limits, self.data_root = limits, Path(data_root).resolve()
        self.tmp = Path(tempfile.mkdtemp(prefix="d2l-zygote-"))
        self.slot = self.tmp / "submission"
        self.slot.mkdir()
        self.staged = stage_worker_package(self.tmp / "code")
        self.exited: dict[str, int] = {}
        self.live: set[str] = set()
        self.forks = 0    # workers forked so far
        # Its own cgroup only holds it (each forked worker is moved into one of its own): room
        # for its imports, and a few processes (bubblewrap's two and the zygote).
        self.cgroup = Cgroup.create(dataclasses.replace(limits, memory_mb=limits.memory_mb + 2048,
                                                        processes=16))
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = mine
        cmd = bwrap_command(staged_code=self.staged, submission=self.slot, data_root=self.data_root,
                            worker_args=["--control", str(theirs.fileno()),
                                         "--data-root", sandbox_paths()["data_root"]],
                            module="autograder.worker.zygote")
        try:
            self.proc = subprocess.Popen(cmd, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         preexec_fn=worker_preexec(limits, self.cgroup))
        except (OSError, subprocess.SubprocessError) as exc:
            theirs.close()
            self.close()
            raise ZygoteUnavailable(f"the zygote could not start ({exc})") from None
        theirs.close()
        try:
            message = self._receive(limits.load_timeout_s)
        except (TimeoutError, OSError, ValueError) as exc:
            self.close()
            raise ZygoteUnavailable(f"the zygote did not get ready ({type(exc).__name__})") from None
        if message.get("zygote") != "ready":
            self.close()
            raise ZygoteUnavailable(f"the zygote cannot fork walled-in workers here "
                                    f"({message.get('why', 'no reason given')})")
        self.base_pids = self.cgroup.pids() if self.cgroup else set()
        # A forked worker shares the zygote's pages (charged to the zygote's cgroup): its own
        # cgroup allows the rest of the memory limit, so that the limit means what it means for
        # a worker started afresh, whose cgroup is charged its imports too.
        imported_mb = self.cgroup.memory_usage_mb() if self.cgroup else 0.0
        self.worker_limits = dataclasses.replace(
            limits, memory_mb=max(256, int(limits.memory_mb - imported_mb)))

    # -- messages --------------------------------------------------------------------------------
    def _receive(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.control], [], [], max(0.0, timeout))
        if not ready:
            raise TimeoutError
        data = self.control.recv(1 << 16)
        if not data:
            raise EOFError("the zygote ended")
        message = json.loads(data)
        if "exited" in message:
            name = str(message["exited"])
            self.live.discard(name)
            self.exited[name] = int(message.get("status", 255))
        return message

    def poll(self) -> None:
        """Take in the zygote's reports that have arrived (workers that ended)."""
        try:
            while True:
                self._receive(0)
        except (TimeoutError, EOFError, OSError, ValueError):
            pass

    def alive(self) -> bool:
        return self.proc.poll() is None

    # -- workers ---------------------------------------------------------------------------------
    def fill_slot(self, package: Path) -> Path:
        """Copy the submission's package into the slot once the previous one's workers ended."""
        self.wait_for_workers()
        for entry in self.slot.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        return copy_submission(package, self.slot)

    def wait_for_workers(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.live:
            try:
                self._receive(deadline - time.monotonic())
            except (TimeoutError, EOFError, OSError, ValueError):
                raise ZygoteUnavailable("the zygote's workers did not end") from None

    def spawn(self, limits: Limits, definitions_only: bool) -> tuple[_ForkedProc, int, int, Cgroup | None]:
        """Fork a worker: (its process handle, the request fd to write, the reply fd to read,
        its cgroup)."""
        name = uuid.uuid4().hex[:12]
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        go_r, go_w = os.pipe()
        cgroup = Cgroup.create(self.worker_limits) if self.cgroup else None
        request = {"spawn": name, "submission": sandbox_paths()["submission"],
                   "load_timeout": limits.load_timeout_s, "definitions_only": definitions_only}
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()], [req_r, rep_w, go_r])
            self.live.add(name)
            deadline = time.monotonic() + 10.0
            while True:
                message = self._receive(deadline - time.monotonic())
                if message.get("spawned") == name:
                    break
            if message.get("error"):
                raise ZygoteUnavailable(str(message["error"]))
            if cgroup is not None:
                forked = self.cgroup.pids() - self.base_pids
                if len(forked) != 1:
                    raise ZygoteUnavailable("the forked worker could not be told apart")
                pid = forked.pop()
                for d in cgroup.dirs.values():
                    (d / "cgroup.procs").write_text(str(pid))
            os.write(go_w, b"g")
            self.forks += 1
            Zygote.forks_in_process += 1
        except (OSError, TimeoutError, EOFError, ValueError, ZygoteUnavailable) as exc:
            for fd in (req_w, rep_r):
                os.close(fd)
            if cgroup is not None:
                cgroup.remove()
            self.kill(name)
            raise ZygoteUnavailable(f"the zygote could not fork a worker ({exc})") from None
        finally:
            for fd in (req_r, rep_w, go_r, go_w):
                os.close(fd)
        return _ForkedProc(self, name), req_w, rep_r, cgroup

    def kill(self, name: str) -> None:
        try:
            self.control.send(json.dumps({"kill": name}).encode())
        except OSError:
            pass

    def close(self) -> None:
        try:
            self.control.close()
        except OSError:
            pass
        proc = getattr(self, "proc", None)
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait()
        if self.cgroup:
            self.cgroup.remove()
        shutil.rmtree(self.tmp, ignore_errors=True)


_SHARED: dict[str, Zygote] = {}
_REFUSED: set[str] = set()


def shared_zygote(data_root: Path, limits: Limits) -> Zygote | None:
    """This process's zygote for these limits (started on first use), or None where none can run
    (then every worker is started afresh, as before)."""
    key = json.dumps([str(Path(data_root).resolve()), repr(limits)])
    zygote = _SHARED.get(key)
    if zygote is not None and zygote.alive():
        return zygote
    for other in list(_SHARED):   # one at a time: each holds torch's memory
        _SHARED.pop(other).close()
    if key in _REFUSED:
        return None
    try:
        zygote = Zygote(data_root, limits)
    except ZygoteUnavailable:
        _REFUSED.add(key)
        return None
    _SHARED[key] = zygote
    return zygote


@atexit.register
def _close_all() -> None:
    for zygote in _SHARED.values():
        zygote.close()
    _SHARED.clear()


class ForkedWorker(WorkerProcess):
    """A worker forked by a zygote, asked and ended as a bubblewrap'd one is."""

    def __init__(self, zygote: Zygote, limits: Limits, definitions_only: bool):
        # Not WorkerProcess.__init__: nothing is started here, the zygote forks it.
        self.limits, self.sandboxed, self.zygote = limits, True, zygote
        self.proc, self.req_w, self.rep_r, self.cgroup = zygote.spawn(limits, definitions_only)
        self.load_report, self.baseline, self.timed_out = {}, set(), False

    def _reap(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self.zygote._receive(min(0.05, left))
            except TimeoutError:
                pass
            except (EOFError, OSError, ValueError):  # the zygote itself is gone
                self.proc.returncode = 128 + signal.SIGKILL
        return True

    def kill(self) -> None:
        if self.cgroup:
            self.cgroup.kill_all()
        self.zygote.kill(self.proc.name)
        self._reap(10)
