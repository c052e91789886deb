"""Run scenario halves in a separate worker process, inside bubblewrap, one check at a time.

A check whose worker hangs, crashes, is killed or exits costs that check only: the worker is
started again for the next one. Only frames of JSON and safetensors come back.

Each check may take the time its own limit allows (``Limits.check_timeout_s``: a multiple of the
reference's measured time, with a floor, capped by ``--timeout``). Once a function has hung (a
check that grades it alone timed out), every later check that grades or trains with it fails at
once with that message instead of waiting out its limit again.
"""
from __future__ import annotations

import dataclasses
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Callable

from autograder.rubric import load_rubric
from autograder.sandbox.bwrap import bwrap_command, bwrap_path, sandbox_paths
from autograder.sandbox.limits import Cgroup, Limits, reference_check_seconds, worker_preexec
from autograder.sandbox.staging import copy_submission, stage_worker_package
from autograder.worker.outcome import ScenarioOutcome
from autograder.worker.loader import find_package_dir
from autograder.worker.notes import clean_notes
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


def _seconds(value: float) -> str:
    """A time limit as the messages show it: ``4``, ``7.5``."""
    return f"{round(value, 1):g}"


def checked_functions(check_id: str) -> tuple[str, ...]:
    """The exercise functions the rubric says ``check_id`` grades (or trains with)."""
    return _functions_by_check().get(check_id, ())


def request_parts(request: str) -> tuple[str, tuple[str, ...]]:
    """The check a request runs and the student's functions it uses: the rubric's, less those a
    ``~reference:a,b`` suffix replaces by known-good parts (the plugin's end-to-end rerun; the
    worker reads the same syntax, worker/execute.py parse_request)."""
    check_id, _, options = request.partition("~")
    replaced = options[len("reference:"):].split(",") if options.startswith("reference:") else ()
    return check_id, tuple(f for f in checked_functions(check_id) if f not in replaced)


@lru_cache(maxsize=1)
def _functions_by_check() -> dict[str, tuple[str, ...]]:
    return {spec.id: spec.functions for spec in load_rubric().checks}


def _reply_fields(header: dict) -> tuple[str | None, float, str]:
    """(error, seconds, output) of a reply: student code can write frames itself, so anything that
    is not the expected type becomes an error about the reply, never a crash of the grader."""
    error = header.get("error")
    if error is not None and (not isinstance(error, str) or not error.strip()):
        error = "the worker running your code sent a malformed reply (its error is not a message)"
    seconds = header.get("seconds")
    seconds = float(seconds) if type(seconds) in (int, float) and math.isfinite(seconds) else 0.0
    output = header.get("output")
    return error, seconds, output[-2000:] if isinstance(output, str) else ""


class WorkerProcess:
    """One running worker: started, asked, and ended by the trusted side."""

    def __init__(self, submission: Path, data_root: Path, staged: Path, limits: Limits, sandboxed: bool,
                 definitions_only: bool = False, run_as: tuple[int, int] | None = None):
        """``run_as`` (uid, gid): start the plain worker as that user, with no other groups (the
        fallback where bubblewrap cannot run; needs root)."""
        self.limits, self.sandboxed = limits, sandboxed
        self.cgroup = Cgroup.create(limits)
        req_r, self.req_w = os.pipe()
        self.rep_r, rep_w = os.pipe()
        paths = sandbox_paths() if sandboxed else {"submission": str(submission), "data_root": str(data_root)}
        worker_args = ["--requests", str(req_r), "--replies", str(rep_w),
                       "--submission", paths["submission"], "--data-root", paths["data_root"],
                       "--load-timeout", str(limits.load_timeout_s)]
        if definitions_only:
            worker_args.append("--definitions-only")
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
            if run_as:
                for folder in (self._run_dir, cwd):
                    os.chown(folder, *run_as)
                env.update(PATH="/usr/bin:/bin", PYTHONHASHSEED="0", TORCH_HOME=f"{cwd}/.torch")
        cgroup = self.cgroup
        try:
            self.proc = subprocess.Popen(cmd, pass_fds=(req_r, rep_w), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                         preexec_fn=worker_preexec(limits, cgroup, run_as),
                                         cwd=cwd, env=env)
        except (OSError, subprocess.SubprocessError) as exc:   # exec, or preexec's setuid
            if not run_as:
                raise
            for fd in (req_r, rep_w, self.req_w, self.rep_r):
                os.close(fd)
            if cgroup:
                cgroup.remove()
            shutil.rmtree(self._run_dir, ignore_errors=True)
            raise SandboxUnavailable(
                f"the worker could not start as uid {run_as[0]} ({exc}): its Python must be "
                "readable by every user") from None
        os.close(req_r)
        os.close(rep_w)
        self.load_report: dict = {}
        self.baseline: set[int] = set()  # the processes of a worker ready for checks
        self.timed_out = False           # whether the last check ran out of time

    def wait_ready(self) -> dict:
        header, _ = self._read(self.limits.load_timeout_s)
        self.load_report = header
        self.baseline = self.cgroup.pids() if self.cgroup else set()
        return header

    def _read(self, timeout: float) -> tuple[dict, bytes]:
        ready, _, _ = select.select([self.rep_r], [], [], max(0.0, timeout))
        if not ready:
            raise TimeoutError
        return read_frame(self.rep_r)

    def ask(self, check_id: str, seed: int, timeout_s: float | None = None,
            slow: tuple[float, Callable[[], None]] | None = None) -> ScenarioOutcome:
        """Run one check within ``timeout_s`` (default: the check's own limit); a failure that
        came with refused forks says so (a fork bomb)."""
        refused_forks = self.cgroup.pids_limit_hits() if self.cgroup else 0
        timeout_s = self.limits.check_timeout_s(check_id) if timeout_s is None else timeout_s
        outcome = self._exchange(check_id, seed, timeout_s, slow)
        if outcome.error and self.cgroup and self.cgroup.pids_limit_hits() > refused_forks:
            outcome = dataclasses.replace(outcome, error=(
                f"{outcome.error}; your code tried to run more than {self.limits.processes} "
                "processes at once (os.fork, subprocess or multiprocessing in a loop?)"))
        return outcome

    def _exchange(self, check_id: str, seed: int, timeout_s: float,
                  slow: tuple[float, Callable[[], None]] | None = None) -> ScenarioOutcome:
        """Ask for one check and wait up to ``timeout_s`` for its reply; ``slow`` = (seconds,
        callback): called once if the reply takes longer than that (to start a spare worker)."""
        start = time.perf_counter()
        deadline = start + timeout_s
        nonce = os.urandom(8).hex()
        self.timed_out = False
        try:
            write_frame(self.req_w, {"check": check_id, "seed": seed, "nonce": nonce})
            while True:
                until = deadline if slow is None else min(deadline, start + slow[0])
                try:
                    header, payload = self._read(until - time.perf_counter())
                except TimeoutError:
                    if slow is None or time.perf_counter() >= deadline:
                        raise
                    slow[1]()
                    slow = None
                    continue
                if header.get("nonce") == nonce and header.get("check") == check_id:
                    break
        except TimeoutError:
            self.timed_out = True
            # At its memory limit the kernel reclaims instead of killing, and the worker can stall
            # there until the clock runs out: that is the memory limit, not a slow loop.
            memory_hit = bool(self.cgroup and self.cgroup.memory_exceeded())
            self.kill()
            what = (f"the worker running your code {_describe_exit(None, True, self.limits)} "
                    f"(after {_seconds(timeout_s)} s)" if memory_hit else
                    f"timed out after {_seconds(timeout_s)} s: an infinite loop, a blocking read "
                    "(input()) or a very slow computation?")
            return ScenarioOutcome(check_id, None, what, time.perf_counter() - start)
        except (EOFError, BrokenPipeError, OSError, ProtocolError) as exc:
            returncode = self._exit_status()
            self.kill()
            what = _describe_exit(returncode, bool(self.cgroup and self.cgroup.memory_exceeded()),
                                  self.limits)
            if isinstance(exc, ProtocolError):
                what = f"sent a malformed reply ({exc})"
            return ScenarioOutcome(check_id, None, f"the worker running your code {what}",
                                   time.perf_counter() - start)
        try:  # reported by the worker itself: informational (make bench), never used to score
            self.peak_rss_mb = max(self.peak_rss_mb or 0.0, float(header.get("peak_rss_mb", 0.0)))
        except (TypeError, ValueError):
            pass
        error, seconds, output = _reply_fields(header)
        return ScenarioOutcome(check_id, None if error else payload, error, seconds, output)

    def _exit_status(self, grace_s: float = 2.0) -> int | None:
        """The worker's exit status once it has ended on its own (None if it is still running),
        with bubblewrap's 128 + N for "ended by signal N" turned into Popen's -N."""
        if not self._reap(grace_s):
            return None
        returncode = self.proc.returncode
        if self.sandboxed and 128 < returncode <= 128 + 64:
            return 128 - returncode
        return returncode

    def alive(self) -> bool:
        return self.proc.poll() is None

    def left_processes_behind(self) -> bool:
        """Whether processes the checks started are still running (they would hold the process
        limit and memory that the next checks need)."""
        return bool(self.cgroup and self.cgroup.pids() - self.baseline)

    peak_rss_mb: float | None = None  # the largest resident size of the worker, once reaped

    def _reap(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for the worker to end and collect its resource usage (wait4
        reports the peak resident size of bwrap and the worker it waited for)."""
        if self.proc.returncode is not None:
            return True
        deadline = time.monotonic() + timeout
        while True:
            try:
                pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            except ChildProcessError:
                self.proc.poll()
                return True
            if pid:
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                self.peak_rss_mb = max(self.peak_rss_mb or 0.0, usage.ru_maxrss / 1024)
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def kill(self) -> None:
        if self.cgroup:
            self.cgroup.kill_all()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._reap(10)

    def close(self) -> None:
        # Killed, not asked to quit: a worker keeps nothing worth a clean exit, and the
        # interpreter's shutdown with torch loaded takes about 2 s (its peak size came with
        # every reply).
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


# A check still running after this multiple of the reference's time for it (and at least this
# many seconds) starts a spare worker loading, in case it is hanging.
SPARE_AFTER_MULTIPLE = 4.0
SPARE_AFTER_FLOOR_S = 0.5


class SandboxedRunner:
    """Grades one submission in worker processes (bubblewrap unless ``sandboxed=False``)."""

    def __init__(self, submission: Path, data_root: Path, limits: Limits | None = None,
                 sandboxed: bool = True, zygote=None):
        """``zygote`` (engine/zygote.py): fork the workers from it instead of starting each."""
        if sandboxed and bwrap_path() is None:
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap) or "
                "pass --unsafe-no-sandbox to run student code without the sandbox")
        self.submission, self.data_root = Path(submission), Path(data_root).resolve()
        self.limits = limits or Limits()
        self.sandboxed = sandboxed
        self._tmp: Path | None = None
        self._worker: WorkerProcess | None = None
        self._pending: WorkerProcess | None = None  # started, not yet asked: the first or a spare
        self.load_report: dict[str, str] = {}
        self.load_notes: dict[str, list[str]] = {}
        self.load_seconds = 0.0
        self.worker_starts = 0
        self.failed_loads = 0   # 1: retry by definitions only; 2: stop trying, fail fast
        self.peak_rss_mb = 0.0  # the largest worker's peak resident size, for `make bench`
        self.hung: dict[str, tuple[str, float]] = {}  # function -> (the check it hung in, its limit)
        self._zygote = zygote if sandboxed else None

    def __enter__(self) -> "SandboxedRunner":
        self._tmp = Path(tempfile.mkdtemp(prefix="d2l-grade-"))
        package = find_package_dir(self.submission)
        if self._zygote is not None:
            from autograder.engine.zygote import ZygoteUnavailable

            try:
                self._copy, self._staged = self._zygote.fill_slot(package), self._zygote.staged
            except (ZygoteUnavailable, OSError):
                self._zygote = None
        if self._zygote is None:
            self._copy = copy_submission(package, self._tmp / "submission")
            self._staged = stage_worker_package(self._tmp / "code")
        # Start loading now, so that importing torch in the worker overlaps pytest's collection
        # here; the first check waits for it to be ready.
        self._pending = self._spawn()
        return self

    def _spawn(self) -> WorkerProcess:
        self.worker_starts += 1
        if self._zygote is not None:
            from autograder.engine.zygote import ForkedWorker, ZygoteUnavailable

            try:
                return ForkedWorker(self._zygote, self.limits, self.failed_loads > 0)
            except ZygoteUnavailable:
                self._zygote = None   # this submission's copy stays in its slot until the next
        return WorkerProcess(self._copy, self.data_root, self._staged, self.limits, self.sandboxed,
                             definitions_only=self.failed_loads > 0)

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
            self.failed_loads += 1
            retry = ("; loading again by definitions only" if self.failed_loads == 1 else
                     ", also by definitions only")
            self.load_report = {"*": f"the worker {what} your code{retry}"}
            return None
        if not ready.get("ready"):
            worker.close()
            self.load_report = {"*": str(ready.get("error"))}
            return None
        errors, seconds = ready.get("import_errors"), ready.get("load_seconds")
        self.load_report = ({str(k)[:40]: str(v)[:2000] for k, v in list(errors.items())[:16]}
                            if isinstance(errors, dict) else {})  # student code can forge this frame
        self.load_notes = clean_notes(ready.get("load_notes"))
        self.load_seconds = float(seconds) if type(seconds) in (int, float) and math.isfinite(seconds) else 0.0
        return worker

    def _retire(self, worker: WorkerProcess) -> None:
        worker.close()
        self.peak_rss_mb = max(self.peak_rss_mb, worker.peak_rss_mb or 0.0)

    def ready(self) -> bool:
        """Wait until a worker has loaded the submission (the first check otherwise does);
        whether one has. For `bench/measure_check_times.py`, which times checks alone."""
        return self._ensure_worker() is not None

    def _ensure_worker(self) -> WorkerProcess | None:
        if self._worker is None and self.failed_loads >= 2:  # do not pay a hung load per check
            return None
        if self._worker is None or not self._worker.alive():
            if self._worker is not None:
                self._retire(self._worker)
            pending, self._pending = self._pending, None
            self._worker = self._start(pending)
            if self._worker is None and self.failed_loads == 1:
                self._worker = self._start()  # at once, by definitions only: this check counts
        return self._worker

    def _spare_plan(self, check_id: str, limit: float) -> tuple[float, Callable[[], None]] | None:
        """When to start loading a spare worker while a check runs long: a check far slower than
        the reference's may be hanging, and a spare loaded meanwhile makes the restart after a
        timeout cost nothing. A check as fast as the reference's never starts one."""
        if self._pending is not None:
            return None
        measured = reference_check_seconds().get(check_id)
        after = (limit / 4 if measured is None or not self.limits.per_check
                 else max(SPARE_AFTER_FLOOR_S, SPARE_AFTER_MULTIPLE * measured))
        return (after, self._start_spare) if after < limit else None

    def _start_spare(self) -> None:
        if self._pending is None and self.failed_loads < 2:
            self._pending = self._spawn()

    def run(self, check_id: str, seed: int, functions: tuple[str, ...] | None = None) -> ScenarioOutcome:
        """Run the scenario of ``check_id`` (a request: a check id, maybe with options).
        ``functions``: the student's functions it uses (default: the rubric's for that check,
        less those the request replaces); one that has hung before makes it fail at once."""
        base_id, used = request_parts(check_id)
        functions = used if functions is None else tuple(functions)
        hung = next((f for f in functions if f in self.hung), None)
        if hung is not None:
            where, limit = self.hung[hung]
            rest = ("its other checks are not run" if functions == (hung,) else
                    "the checks that use it are not run")
            return ScenarioOutcome(check_id, None,
                                   f"{hung} hung in {where} (timed out after {_seconds(limit)} s): {rest}", 0.0)
        if self._ensure_worker() is None:
            return ScenarioOutcome(check_id, None, "your code could not be loaded: "
                                   + "; ".join(self.load_report.values()), 0.0)
        limit = self.limits.check_timeout_s(base_id)
        outcome = self._worker.ask(check_id, seed, limit, self._spare_plan(base_id, limit))
        if self._worker.timed_out and len(functions) == 1:
            # A run that uses one student function (the other parts are known-good ones) timed
            # out: that function hung. Which one hung in a run of several is unknown, and
            # nothing is remembered from it.
            self.hung[functions[0]] = (base_id, limit)
        if not self._worker.alive() or self._worker.left_processes_behind():
            self._retire(self._worker)
            self._worker = None
        return outcome

    def __exit__(self, *exc) -> None:
        for worker in (self._worker, self._pending):
            if worker is not None:
                self._retire(worker)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
