"""Resource limits for one worker: rlimits everywhere, plus a cgroup where this machine allows one."""
from __future__ import annotations

import os
import resource
import time
import tomllib
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# How long each check's scenario takes on the reference solutions, in the sandbox (written by
# bench/measure_check_times.py): the time limit of a check is derived from it. The reference
# takes 5-40 ms for a single-part check and 0.1-2.5 s for a training run or loading the data set.
# 30x covers a correct student 10x slower than the reference on a machine 3x busier than when it
# was measured. The 4 s floor is 100x and more a single-part check's time (the first check of a
# fresh worker included: it is measured too) and keeps a hang costing seconds. Training runs call
# the student's function on every batch of several epochs, so slowness adds up there: a softmax
# written element by element in Python took 25x the reference's softmax training run; 20 s
# at least.
CHECK_SECONDS_FILE = Path(__file__).with_name("check_seconds.toml")
TIMEOUT_MULTIPLE = 30.0          # a check may take this many times the reference's measured time,
TIMEOUT_FLOOR_S = 4.0            # never less than this many seconds,
TRAINING_TIMEOUT_FLOOR_S = 20.0  # and for a training run (a convergence check) never less than this


@dataclass(frozen=True)
class Limits:
    """What one worker may use. ``memory_mb`` and ``processes`` are enforced through a cgroup when
    one can be created, else through RLIMIT_AS per process (processes then only by the timeout).

    Each check's wall-clock limit is ``max(floor, timeout_multiple * measured)``, the measured
    time being the reference solutions' for that check (``check_seconds.toml``) and the floor
    ``timeout_floor_s``, or ``training_timeout_floor_s`` for a training run (it calls the student's
    function on every batch of several epochs, so a slow function shows there many times over);
    never more than ``timeout_s`` (the user's ``--timeout``). ``per_check=False`` gives every
    check ``timeout_s``; so does a check that was never measured."""

    timeout_s: float = 60.0         # wall clock per check at most (the cap of the derived limits)
    load_timeout_s: float = 60.0    # wall clock to start the worker and import the submission
    memory_mb: int = 2048
    processes: int = 64
    cpu_s: int = 600                # CPU seconds for the worker's whole life
    file_mb: int = 64               # largest file the worker may write
    open_files: int = 256
    per_check: bool = True          # derive each check's limit from the reference's time for it
    timeout_multiple: float = TIMEOUT_MULTIPLE
    timeout_floor_s: float = TIMEOUT_FLOOR_S
    training_timeout_floor_s: float = TRAINING_TIMEOUT_FLOOR_S

    def check_timeout_s(self, check_id: str) -> float:
        """The wall-clock seconds the scenario of ``check_id`` may take (a request's options,
        ``check~reference:a,b``, do not change it)."""
        check_id = check_id.partition("~")[0]
        measured = reference_check_seconds().get(check_id) if self.per_check else None
        if measured is None:
            return self.timeout_s
        return min(self.timeout_s, derived_timeout_s(measured, self.timeout_multiple,
                                                     self.floor_s(check_id)))

    def floor_s(self, check_id: str) -> float:
        """The least time limit of ``check_id`` (before the cap)."""
        return self.training_timeout_floor_s if is_training_run(check_id) else self.timeout_floor_s


def is_training_run(check_id: str) -> bool:
    """Whether ``check_id`` is a convergence check (a training run on Fashion-MNIST)."""
    return check_id.startswith("convergence.")


def derived_timeout_s(measured_s: float, multiple: float = TIMEOUT_MULTIPLE,
                      floor_s: float = TIMEOUT_FLOOR_S) -> float:
    """The limit for a check the reference runs in ``measured_s`` seconds (before the cap)."""
    return max(floor_s, multiple * measured_s)


@lru_cache(maxsize=None)
def reference_check_seconds(path: Path = CHECK_SECONDS_FILE) -> dict[str, float]:
    """check id -> the reference's measured seconds: the slowest of the check run in a warm worker
    (after other checks) and as the first check of a fresh one. Empty when there is no table."""
    try:
        table = tomllib.loads(Path(path).read_text()).get("seconds", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    measured = {}
    for check_id, entry in table.items():
        times = entry.values() if isinstance(entry, dict) else [entry]
        numbers = [float(t) for t in times if type(t) in (int, float) and t >= 0]
        if numbers:
            measured[check_id] = max(numbers)
    return measured


# Importing torch reserves ~3.3 GB of address space that is never touched; RLIMIT_AS must leave
# room for it on top of the memory the student may really use.
_ADDRESS_SPACE_BASE_MB = 4096


def apply_rlimits(limits: Limits, with_address_limit: bool) -> None:
    """Called in the child between fork and exec (inherited by bwrap and the worker)."""
    def setl(which, value):
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))

    setl(resource.RLIMIT_CPU, limits.cpu_s)
    setl(resource.RLIMIT_FSIZE, limits.file_mb << 20)
    setl(resource.RLIMIT_CORE, 0)
    setl(resource.RLIMIT_NOFILE, limits.open_files)
    if with_address_limit:
        setl(resource.RLIMIT_AS, (_ADDRESS_SPACE_BASE_MB + limits.memory_mb) << 20)


def worker_preexec(limits: Limits, cgroup: "Cgroup | None",
                   run_as: tuple[int, int] | None = None):
    """The function a worker's (or the zygote's) ``Popen`` runs between fork and exec: its own
    session, its cgroup, the rlimits (RLIMIT_AS only without a cgroup), then ``run_as`` (uid, gid)
    with no other groups, if given."""
    def preexec() -> None:
        os.setsid()
        if cgroup:
            cgroup.attach_self()
        apply_rlimits(limits, with_address_limit=cgroup is None)
        if run_as:
            os.setgroups([])
            os.setgid(run_as[1])
            os.setuid(run_as[0])

    return preexec


class Cgroup:
    """A cgroup (v2, or v1 ``memory`` + ``pids``) holding one worker and everything it forks."""

    def __init__(self, dirs: dict[str, Path]):
        self.dirs = dirs  # controller -> folder ("unified" for v2)

    @classmethod
    def create(cls, limits: Limits) -> "Cgroup | None":
        """A fresh cgroup with the limits written, or None where none can be made here."""
        name = f"d2l-autograder-{uuid.uuid4().hex[:12]}"
        own = _own_cgroups()
        dirs: dict[str, Path] = {}
        try:
            if "" in own and Path("/sys/fs/cgroup/cgroup.controllers").exists():
                base = Path("/sys/fs/cgroup") / own[""].lstrip("/")
                d = base / name
                d.mkdir()
                dirs["unified"] = d
                (d / "memory.max").write_text(str(limits.memory_mb << 20))
                (d / "memory.swap.max").write_text("0")
                (d / "pids.max").write_text(str(limits.processes))
            else:
                for controller in ("memory", "pids"):
                    base = Path("/sys/fs/cgroup") / controller / own.get(controller, "/").lstrip("/")
                    d = base / name
                    d.mkdir()
                    dirs[controller] = d
                (dirs["memory"] / "memory.limit_in_bytes").write_text(str(limits.memory_mb << 20))
                (dirs["pids"] / "pids.max").write_text(str(limits.processes))
        except OSError:
            Cgroup(dirs).remove()
            return None
        return cls(dirs)

    def attach_self(self) -> None:
        """Move the calling process (the child, before exec) into this cgroup."""
        for d in self.dirs.values():
            (d / "cgroup.procs").write_text(str(os.getpid()))

    def memory_exceeded(self) -> bool:
        """Whether the memory limit was hit (the kernel killed or refused an allocation)."""
        try:
            if "unified" in self.dirs:
                events = (self.dirs["unified"] / "memory.events").read_text()
                return any(line.split()[0] in ("oom", "oom_kill", "max") and int(line.split()[1]) > 0
                           for line in events.splitlines())
            return int((self.dirs["memory"] / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError, IndexError):
            return False

    def memory_usage_mb(self) -> float:
        """The memory charged to the cgroup now (0 where it cannot be read)."""
        try:
            if "unified" in self.dirs:
                return int((self.dirs["unified"] / "memory.current").read_text()) / 2**20
            return int((self.dirs["memory"] / "memory.usage_in_bytes").read_text()) / 2**20
        except (OSError, ValueError, KeyError):
            return 0.0

    def reset_memory_events(self) -> None:
        if "memory" in self.dirs:
            try:
                (self.dirs["memory"] / "memory.failcnt").write_text("0")
            except OSError:
                pass

    def pids(self) -> set[int]:
        """The processes in the cgroup now."""
        found: set[int] = set()
        for d in self.dirs.values():
            try:
                found.update(int(pid) for pid in (d / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                continue
        return found

    def pids_limit_hits(self) -> int:
        """How often a fork was refused because the process limit was reached."""
        d = self.dirs.get("unified") or self.dirs.get("pids")
        try:
            events = dict(line.split() for line in (d / "pids.events").read_text().splitlines())
            return int(events.get("max", 0))
        except (OSError, ValueError, TypeError):
            return 0

    def kill_all(self) -> None:
        """SIGKILL every process still in the cgroup."""
        for pid in self.pids():
            try:
                os.kill(pid, 9)
            except (ProcessLookupError, PermissionError):
                pass

    def remove(self, wait_s: float = 5.0) -> None:
        """Kill what is left, wait for it to be gone, and delete the cgroup (rmdir fails while a
        dying process is still in it)."""
        deadline = time.monotonic() + wait_s
        while True:
            self.kill_all()
            for controller, d in list(self.dirs.items()):
                try:
                    d.rmdir()
                    del self.dirs[controller]
                except FileNotFoundError:
                    del self.dirs[controller]
                except OSError:
                    pass
            if not self.dirs or time.monotonic() > deadline:
                return
            time.sleep(0.05)


def _own_cgroups() -> dict[str, str]:
    """controller -> path of this process's cgroup ("" for the v2 unified hierarchy)."""
    result = {}
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for c in controllers.split(",") if controllers else [""]:
                result[c] = path
    except OSError:
        pass
    return result
