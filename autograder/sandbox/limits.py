"""Resource limits for one worker: rlimits everywhere, plus a cgroup where this machine allows one."""
from __future__ import annotations

import os
import resource
import time
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """What one worker may use. ``memory_mb`` and ``processes`` are enforced through a cgroup when
    one can be created, else through RLIMIT_AS per process (processes then only by the timeout)."""

    timeout_s: float = 60.0         # wall clock per check
    load_timeout_s: float = 60.0    # wall clock to start the worker and import the submission
    memory_mb: int = 2048
    processes: int = 64
    cpu_s: int = 600                # CPU seconds for the worker's whole life
    file_mb: int = 64               # largest file the worker may write
    open_files: int = 256


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
