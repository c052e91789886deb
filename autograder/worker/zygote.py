"""The zygote: a worker that has imported torch once and forks a fresh worker for each request.

Started by the trusted side (engine/zygote.py) inside bubblewrap like a worker, it pays torch's,
torchvision's and the scenarios' imports (3-4 s) once for a whole class instead of once per
submission. It never runs student code: on each ``spawn`` request it forks a process that walls
itself in namespaces of its own before the worker's ordinary main loop (worker/main.py) loads the
submission:

- a new user, mount, pid and IPC namespace: the worker cannot see, signal or trace the zygote
  or any other worker, and everything it starts dies with it (its init is ours, pid 1);
- fresh tmpfs on /tmp, /work/run and /dev/shm, and /work read-only: nothing one worker writes
  there reaches the next one;
- the zygote is not dumpable, so its memory stays closed to the workers it forks.

Control messages are JSON objects, one per packet of a Unix SOCK_SEQPACKET socket; a ``spawn`` request carries the new worker's
request and reply pipes (and a pipe it waits on until the trusted side has moved it into its
cgroup) as SCM_RIGHTS. The zygote reports each worker's end as ``{"exited": id, "status": N}``,
N being bubblewrap's convention: the exit code, or 128 + the signal that ended it.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import select
import shutil
import signal
import socket
import sys
from pathlib import Path

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWIPC = 0x20000, 0x10000000, 0x20000000, 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4
FRESH_TMPFS = ("/tmp", "/work/run", "/dev/shm")
_libc = ctypes.CDLL(None, use_errno=True)


class WallError(OSError):
    """A namespace or mount a forked worker needs could not be made: it must not run."""


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise WallError(errno, f"{what}: {os.strerror(errno)}")


def _prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, value, 0, 0, 0), f"prctl({option})")


def _exit_code(status: int) -> int:
    """A wait status as bubblewrap reports it: the exit code, or 128 + the signal."""
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 255


def _submounts(target: str) -> list[str]:
    """The outermost mount points below ``target`` (a Python installed under /tmp is one)."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
        if point.startswith(target.rstrip("/") + "/"):
            found.append(point)
    outermost: list[str] = []
    for point in sorted(found):
        if not any(point.startswith(top + "/") for top in outermost):
            outermost.append(point)
    return outermost


def _fresh_tmpfs(target: str) -> None:
    """A new empty tmpfs on ``target``, with what was mounted below it (read-only, as bubblewrap
    bound it) put back in place."""
    held = [(point, os.open(point, os.O_PATH)) for point in _submounts(target)]
    _check(_libc.mount(b"tmpfs", target.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=1777"),
           f"a fresh {target}")
    for point, fd in held:
        os.makedirs(point, exist_ok=True)
        _check(_libc.mount(f"/proc/self/fd/{fd}".encode(), point.encode(), None, MS_BIND | MS_REC,
                           None), f"{point} back in place")
        os.close(fd)
        if not os.statvfs(point).f_flag & os.ST_RDONLY:
            _check(_libc.mount(None, point.encode(), None,
                               MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None),
                   f"{point} read-only")


def wall_in(uid: int, gid: int) -> None:
    """Enter new namespaces with fresh writable folders (the caller then forks the init)."""
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC), "unshare")
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "making mounts private")
    for target in FRESH_TMPFS:
        if os.path.isdir(target):
            _fresh_tmpfs(target)
    _check(_libc.mount(None, b"/work", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
                       None), "/work read-only")


def _close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _forked_worker(fds: list[int], request: dict, uid: int, gid: int) -> None:
    """In the forked child: wall in, fork the namespace's init, which forks the worker. Never
    returns; exits with the worker's status."""
    req_r, rep_w, go_r = fds
    try:
        if os.read(go_r, 1) != b"g":  # "g": the trusted side has moved it into the worker's cgroup
            os._exit(70)
        os.close(go_r)
        _prctl(PR_SET_DUMPABLE, 1)   # the zygote's own stays 0
        wall_in(uid, gid)
    except Exception as exc:  # noqa: BLE001 - the worker must not run unwalled
        from autograder.worker.protocol import write_frame

        write_frame(rep_w, {"ready": False, "error": f"the worker's sandbox could not be set up ({exc})"})
        os._exit(70)
    init = os.fork()
    if init:
        _, status = os.waitpid(init, 0)
        os._exit(_exit_code(status))
    # pid 1 of the new namespace: when it ends, everything the worker started ends with it.
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    worker = os.fork()
    if worker:
        os.close(req_r)
        os.close(rep_w)
        while True:
            pid, status = os.waitpid(-1, 0)
            if pid == worker:
                os._exit(_exit_code(status))
    os.chdir("/work/run")
    os.setsid()
    from autograder.worker import main as worker_main

    args = ["--requests", str(req_r), "--replies", str(rep_w),
            "--submission", str(request["submission"]), "--data-root", str(request["data_root"]),
            "--load-timeout", str(float(request.get("load_timeout", 60.0)))]
    if request.get("definitions_only"):
        args.append("--definitions-only")
    code = 1
    try:
        code = worker_main.main(args)
    finally:
        os._exit(code or 0)


def _warm_up(data_root: str) -> None:
    """What every worker would import: paid here once."""
    import torch  # noqa: F401
    try:
        import torchvision  # noqa: F401  (the book's hand-ins import it; it pulls in torch._dynamo)
    except Exception:  # noqa: BLE001 - a broken torchvision is the worker's to report
        pass
    import matplotlib
    matplotlib.use("Agg")
    from autograder.harness import datasets
    from autograder.scenarios import all_scenarios
    from autograder.worker import execute, loader  # noqa: F401

    torch.set_num_threads(1)
    all_scenarios()
    datasets.configure(Path(data_root))


def _clean_dev(initial: set[str]) -> None:
    """Remove what an earlier worker left in /dev (its own tmpfs, shared by the zygote's forks)."""
    for name in set(os.listdir("/dev")) - initial:
        path = os.path.join("/dev", name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


def _cannot_wall_in() -> str:
    """Why a forked worker could not wall itself in here (nested user namespaces refused...),
    found by trying once; empty when it can."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            wall_in(os.getuid(), os.getgid())
            for needed in (sys.prefix, sys.base_prefix, os.path.dirname(os.__file__)):
                if not os.path.isdir(needed):
                    raise WallError(0, f"{needed} is hidden once walled in")
        except Exception as exc:  # noqa: BLE001 - reported, then the trusted side starts workers
            os.write(write, str(exc).encode()[:500])
            os._exit(1)
        os._exit(0)
    os.close(write)
    why = os.read(read, 1000).decode(errors="replace")
    os.close(read)
    _, status = os.waitpid(pid, 0)
    return why or ("" if os.waitstatus_to_exitcode(status) == 0 else "the trial fork failed")


def _send(control: socket.socket, message: dict) -> None:
    control.send(json.dumps(message).encode())


def serve(control: socket.socket, data_root: str) -> int:
    """Answer spawn and kill requests until the trusted side closes the socket."""
    uid, gid = os.getuid(), os.getgid()
    children: dict[int, str] = {}   # pid of the forked child -> the request's id
    initial_dev = set(os.listdir("/dev"))
    while True:
        ready, _, _ = select.select([control], [], [], 0.05)
        for pid, name in list(children.items()):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 255 << 8
            if done:
                del children[pid]
                _send(control, {"exited": name, "status": _exit_code(status)})
        if not ready:
            continue
        data, fds, _, _ = socket.recv_fds(control, 1 << 16, 3)
        if not data:
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            return 0
        request = json.loads(data)
        if "kill" in request:
            for pid, name in children.items():
                if name == request["kill"]:
                    os.kill(pid, signal.SIGKILL)
            continue
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            _send(control, {"spawned": request.get("spawn"), "error": "no pipes came with it"})
            continue
        if not children:
            _clean_dev(initial_dev)
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                _close_other_fds(set(fds))
                _forked_worker(list(fds), {**request, "data_root": data_root}, uid, gid)
            finally:
                os._exit(71)
        for fd in fds:
            os.close(fd)
        children[pid] = str(request["spawn"])
        _send(control, {"spawned": request["spawn"]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder.worker.zygote")
    parser.add_argument("--control", type=int, required=True)
    parser.add_argument("--data-root", required=True)
    args = parser.parse_args(argv)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    _prctl(PR_SET_DUMPABLE, 0)
    control = socket.socket(fileno=args.control)
    _warm_up(args.data_root)
    why = _cannot_wall_in()
    if why:
        _send(control, {"zygote": "unavailable", "why": why})
        return 0
    _send(control, {"zygote": "ready"})
    return serve(control, args.data_root)


if __name__ == "__main__":
    sys.exit(main())
