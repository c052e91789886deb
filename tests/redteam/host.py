"""What the red-team suites watch on the host: file trees, and processes that carry a mark."""
from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from pathlib import Path


def _tree(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file below ``folder``."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def _fingerprint(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _marked_processes(mark: str) -> list[str]:
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark.encode() in (proc / "cmdline").read_bytes():
                pids.append(proc.name)
        except OSError:
            pass
    return pids


def _watch(mark: str, seen: list, done: threading.Event) -> None:
    """Record the processes carrying ``mark`` while grading runs (proof a spawning cheat ran)."""
    while not done.wait(0.05):
        seen.extend(_marked_processes(mark))


def _survivors(mark: str, grace_s: float = 5.0) -> list[str]:
    """Processes carrying ``mark`` still alive ``grace_s`` after grading; killed (by pid) so a
    failing test leaves no runaway behind."""
    deadline = time.monotonic() + grace_s
    while _marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    leftover = _marked_processes(mark)
    for pid in leftover:
        os.kill(int(pid), signal.SIGKILL)
    return leftover
