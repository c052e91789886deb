"""How much memory the container grants, read from this process's cgroup (v1 or v2): Gradescope's
default (768 MB) is less than grading needs, and checks then fail for want of memory."""
from __future__ import annotations

from pathlib import Path

# Grading the reference peaks at about 870 MB (the grader and its worker each import torch); in
# 768 MB the worker is killed in the data-loading and training checks (see the README).
NEEDED_MB = 1024
_UNLIMITED = 2**60


def _own_paths(cgroup_file: Path) -> dict[str, str]:
    """controller -> this process's cgroup path ("" for the v2 hierarchy)."""
    paths = {}
    try:
        for line in cgroup_file.read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                paths[controller] = path
    except (OSError, ValueError):
        pass
    return paths


def _limits_up(folder: Path, stop: Path, name: str) -> list[int]:
    """The numeric ``name`` files of ``folder`` and its parents up to ``stop``."""
    found = []
    while True:
        try:
            text = (folder / name).read_text().strip()
            if text.isdigit():
                found.append(int(text))
        except OSError:
            pass
        if folder == stop or stop not in folder.parents:
            return found
        folder = folder.parent


def memory_limit_mb(cgroup_file: Path = Path("/proc/self/cgroup"),
                    sys_root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """The tightest memory limit over this process's cgroup and its parents, in MB; None when
    there is none or it cannot be read."""
    own = _own_paths(cgroup_file)
    limits: list[int] = []
    if "" in own:
        limits += _limits_up(sys_root / own[""].lstrip("/"), sys_root, "memory.max")
    if "memory" in own:
        base = sys_root / "memory"
        limits += _limits_up(base / own["memory"].lstrip("/"), base, "memory.limit_in_bytes")
    limits = [value for value in limits if value < _UNLIMITED]
    return min(limits) / 2**20 if limits else None


def memory_note(limit_mb: float | None) -> str | None:
    """A sentence for the results when the container has less memory than grading needs."""
    if limit_mb is None or limit_mb >= NEEDED_MB:
        return None
    return (f"This autograder's container has {limit_mb:.0f} MB of memory, less than the "
            f"{NEEDED_MB} MB grading needs: a check that failed because \"the worker running your "
            "code was killed\" may not be your code's fault (your instructor can raise the memory "
            "in Gradescope's Autograder Settings).")
