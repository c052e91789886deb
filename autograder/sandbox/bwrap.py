"""The bubblewrap command line that walls a worker in.

No network, its own pid/ipc/uts namespaces, uid 65534, a read-only system and Python, a private
/tmp, the submission copy, the data set read-only, the staged worker code, and nothing else from
this machine: not the grader's repo, not the solutions, not other students' work.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

SANDBOX_UID = 65534
WORK = Path("/work")
GRADER = Path("/grader")
_SYSTEM_RO = ("/usr", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
              "/etc/alternatives", "/etc/ssl/certs")


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def python_roots() -> list[Path]:
    """What the worker's Python needs: the base installation and the virtual environment."""
    roots = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    return sorted(roots)


def bwrap_command(*, staged_code: Path, submission: Path, data_root: Path,
                  worker_args: list[str], module: str = "autograder.worker.main") -> list[str]:
    """The full argv: bwrap, its options, then the worker's Python running ``module`` (the
    worker, or the zygote that forks workers: worker/zygote.py) with its arguments."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise FileNotFoundError("bwrap")
    cmd = [bwrap, "--unshare-all", "--die-with-parent", "--new-session",
           "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox",
           "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", str(WORK)]
    for path in _SYSTEM_RO:
        cmd += ["--ro-bind-try", path, path]
    for name in ("lib", "lib64", "bin", "sbin"):
        if Path(f"/{name}").is_symlink():
            cmd += ["--symlink", str(Path(f"/{name}").readlink()), f"/{name}"]
        elif Path(f"/{name}").exists():
            cmd += ["--ro-bind", f"/{name}", f"/{name}"]
    for root in python_roots():
        cmd += ["--ro-bind", str(root), str(root)]
    cmd += ["--ro-bind", str(staged_code), str(GRADER),
            "--bind", str(submission), str(WORK / "submission"),
            "--ro-bind", str(data_root), str(WORK / "data"),
            "--dir", str(WORK / "run"), "--chdir", str(WORK / "run"),
            "--clearenv", "--setenv", "PYTHONPATH", str(GRADER), "--setenv", "HOME", "/tmp",
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
            "--setenv", "MPLBACKEND", "Agg", "--setenv", "OMP_NUM_THREADS", "1",
            "--setenv", "TORCH_HOME", "/tmp/torch", "--setenv", "PYTHONHASHSEED", "0"]
    cmd += ["--", sys.executable, "-s", "-B", "-m", module, *worker_args]
    return cmd


def sandbox_paths() -> dict[str, str]:
    """Where the worker sees its inputs, for its command-line arguments."""
    return {"submission": str(WORK / "submission"), "data_root": str(WORK / "data")}
