"""Run scenario halves in a separate worker process, inside bubblewrap, one check at a time.

A check whose worker hangs, crashes, is killed or exits costs that check only: the worker is
started again for the next one. Only frames of JSON and safetensors come back.
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.sandbox.bwrap import bwrap_command, bwrap_path, sandbox_paths
from autograder.sandbox.limits import Cgroup, Limits, apply_rlimits
from autograder.sandbox.staging import stage_worker_package
from autograder.worker.execute import ScenarioOutcome
from autograder.worker.loader import find_package_dir
from autograder.worker.protocol import ProtocolError, read_frame, write_frame


class SandboxUnavailable(Exception):
    """bubblewrap is missing or cannot create namespaces here."""


def _describe_exit(returncode: int | None, memory_hit: bool, limits: Limits) -> str:
    if memory_hit:
        return f"used more than the memory limit of {limits.memory_mb} MB and was stopped"
    if returncode is None:
        return "stopped responding"
    if returncode < 0:
        sig = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else -returncode
        reasons = {"SIGSEGV": "crashed with a segmentation fault", "SIGKILL": "was killed",
                   "SIGXCPU": "used up its CPU time", "SIGABRT": "aborted",
                   "SIGBUS": "crashed (bus error)", "SIGFPE": "crashed (arithmetic error)"}
        return reasons.get(str(sig), f"was ended by signal {sig}")
    return f"exited early with status {returncode} (sys.exit or os._exit in your code?)"


class WorkerProcess:
    """One running worker: started, asked, and ended by the trusted side."""

    def __init__(self, submission: Path, data_root: Path, staged: Path, limits: Limits, sandboxed: bool):
        self.limits, self.sandboxed = limits, sandboxed
        self.cgroup = Cgroup.create(limits)
        req_r, self.req_w = os.pipe()
        self.rep_r, rep_w = os.pipe()
        paths = sandbox_paths() if sandboxed else {"submission": str(submission), "data_root": str(data_root)}
        worker_args = ["--requests", str(req_r), "--replies", str(rep_w),
                       "--submission", paths["submission"], "--data-root", paths["data_root"]]
        env = None
        if sandboxed:
            cmd = bwrap_command(staged_code=staged, submission=submission, data_root=data_root,
                                worker_args=worker_args)
            cwd = None
        else:
            self._run_dir = tempfile.mkdtemp(prefix="d2l-run-")
            (Path(self._run_dir) / "run").mkdir()
            (Path(self._run_dir) / "data").symlink_to(data_root)
            cmd = [sys.executable, "-s", "-B", "-m", "autograder.worker.main", *worker_args,
                   "--output-file", str(Path(self._run_dir) / "output.log")]
            env = {"PYTHONPATH": str(staged), "PATH": os.environ.get("PATH", "/usr/bin"),
                   "HOME": self._run_dir, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
            cwd = str(Path(self._run_dir) / "run")
        cgroup = self.cgroup

        def preexec():
            os.setsid()
            if cgroup:
                cgroup.attach_self()
            apply_rlimits(limits, with_address_limit=cgroup is None)

        self.proc = subprocess.Popen(cmd, pass_fds=(req_r, rep_w), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     preexec_fn=preexec, cwd=cwd, env=env)
        os.close(req_r)
        os.close(rep_w)
        self.load_report: dict = {}

    def wait_ready(self) -> dict:
        header, _ = self._read(self.limits.load_timeout_s)
        self.load_report = header
        return header

    def _read(self, timeout: float) -> tuple[dict, bytes]:
        ready, _, _ = select.select([self.rep_r], [], [], timeout)
        if not ready:
            raise TimeoutError
        return read_frame(self.rep_r)

    def ask(self, check_id: str, seed: int) -> ScenarioOutcome:
        start = time.perf_counter()
        nonce = os.urandom(8).hex()
        try:
            write_frame(self.req_w, {"check": check_id, "seed": seed, "nonce": nonce})
            while True:
                header, payload = self._read(self.limits.timeout_s - (time.perf_counter() - start))
                if header.get("nonce") == nonce and header.get("check") == check_id:
                    break
        except TimeoutError:
            self.kill()
            return ScenarioOutcome(check_id, None,
                                   f"timed out after {self.limits.timeout_s:g} s: an infinite loop, a "
                                   "blocking read (input()) or a very slow computation?",
                                   time.perf_counter() - start)
        except (EOFError, BrokenPipeError, OSError, ProtocolError) as exc:
            self.kill()
            what = _describe_exit(self.proc.poll(), bool(self.cgroup and self.cgroup.memory_exceeded()),
                                  self.limits)
            if isinstance(exc, ProtocolError):
                what = f"sent a malformed reply ({exc})"
            return ScenarioOutcome(check_id, None, f"the worker running your code {what}",
                                   time.perf_counter() - start)
        error = header.get("error")
        return ScenarioOutcome(check_id, None if error else payload, error,
                               float(header.get("seconds", 0.0)), str(header.get("output", ""))[-2000:])

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.cgroup:
            self.cgroup.kill_all()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        if self.alive():
            try:
                write_frame(self.req_w, {"quit": True})
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        for fd in (self.req_w, self.rep_r):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc.stderr:
            self.proc.stderr.close()
        if self.cgroup:
            self.cgroup.remove()
        if not self.sandboxed:
            shutil.rmtree(self._run_dir, ignore_errors=True)


class SandboxedRunner:
    """Grades one submission in worker processes (bubblewrap unless ``sandboxed=False``)."""

    def __init__(self, submission: Path, data_root: Path, limits: Limits | None = None,
                 sandboxed: bool = True):
        if sandboxed and bwrap_path() is None:
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap) or "
                "pass --unsafe-no-sandbox to run student code without the sandbox")
        self.submission, self.data_root = Path(submission), Path(data_root).resolve()
        self.limits = limits or Limits()
        self.sandboxed = sandboxed
        self._tmp: Path | None = None
        self._worker: WorkerProcess | None = None
        self.load_report: dict[str, str] = {}
        self.load_seconds = 0.0
        self.worker_starts = 0

    def __enter__(self) -> "SandboxedRunner":
        self._tmp = Path(tempfile.mkdtemp(prefix="d2l-grade-"))
        package = find_package_dir(self.submission)
        copy = self._tmp / "submission"
        shutil.copytree(package, copy / "exercises", symlinks=False,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".git"))
        self._copy = copy
        self._staged = stage_worker_package(self._tmp / "code")
        # Start loading now, so that importing torch in the worker overlaps pytest's collection
        # here; the first check waits for it to be ready.
        self._pending: WorkerProcess | None = self._spawn()
        return self

    def _spawn(self) -> WorkerProcess:
        self.worker_starts += 1
        return WorkerProcess(self._copy, self.data_root, self._staged, self.limits, self.sandboxed)

    def _start(self, worker: WorkerProcess | None = None) -> WorkerProcess | None:
        """Wait until ``worker`` (or a new one) has loaded the submission; None when it cannot."""
        worker = worker or self._spawn()
        try:
            ready = worker.wait_ready()
        except (TimeoutError, EOFError, OSError, ProtocolError) as exc:
            stderr = b""
            worker.kill()
            if worker.proc.stderr:
                stderr = worker.proc.stderr.read()[-500:] if not worker.alive() else b""
            worker.close()
            if self.worker_starts == 1 and b"bwrap" in stderr:
                raise SandboxUnavailable(f"bubblewrap could not start: {stderr.decode(errors='replace').strip()}")
            what = "timed out while loading" if isinstance(exc, TimeoutError) else "failed while loading"
            self.load_report = {"*": f"the worker {what} your code"}
            return None
        if not ready.get("ready"):
            worker.close()
            self.load_report = {"*": str(ready.get("error"))}
            return None
        self.load_report = dict(ready.get("import_errors") or {})
        self.load_seconds = float(ready.get("load_seconds", 0.0))
        return worker

    def run(self, check_id: str, seed: int) -> ScenarioOutcome:
        if self._worker is None or not self._worker.alive():
            if self._worker is not None:
                self._worker.close()
            pending, self._pending = self._pending, None
            self._worker = self._start(pending)
            if self._worker is None:
                return ScenarioOutcome(check_id, None,
                                       "your code could not be loaded: " + "; ".join(self.load_report.values()), 0.0)
        outcome = self._worker.ask(check_id, seed)
        if not self._worker.alive():
            self._worker.close()
            self._worker = None
        return outcome

    def __exit__(self, *exc) -> None:
        for worker in (self._worker, getattr(self, "_pending", None)):
            if worker is not None:
                worker.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
