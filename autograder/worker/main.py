"""The worker process: load one submission, then run scenarios on request until told to stop.

Started by the trusted side (engine/sandboxed.py), normally inside bubblewrap. Requests arrive on
the file descriptor named by ``--requests``, replies leave on ``--replies``; the student's code
gets /dev/null as stdin and a size-capped file as stdout/stderr, never the protocol channel.
"""
from __future__ import annotations

import argparse
import os
import resource
import signal
import sys
import time
from pathlib import Path


def _detach_standard_streams(output_file: str) -> None:
    """Point fds 0, 1, 2 away from anything the trusted side reads."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    out = os.open(output_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(null)
    os.close(out)


def _exit_if_forked(worker_pid: int) -> None:
    """A child that student code forked must not answer or read requests: it ends here."""
    if os.getpid() != worker_pid:
        os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder.worker.main")
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--replies", type=int, required=True)
    parser.add_argument("--submission", required=True)
    parser.add_argument("--data-root", required=True)
    parser.add_argument("--output-file", default="/tmp/student-output.log")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--load-timeout", type=float, default=60.0,
                        help="seconds the trusted side waits for the ready frame")
    parser.add_argument("--definitions-only", action="store_true",
                        help="load every module by definitions only (a retry after a failed load)")
    args = parser.parse_args(argv)
    requests, replies = args.requests, args.replies
    _detach_standard_streams(args.output_file)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a huge file then fails with EFBIG, not a kill

    from autograder.worker.protocol import read_frame, write_frame

    start = time.perf_counter()
    worker_pid = os.getpid()
    import torch
    # torch._dynamo (about 900 modules, 1.5-2.5 s, 150 MB), which the first torch.optim optimizer
    # of a process imports, is left to that first optimizer: imported here it overlapped the
    # trusted side's imports, but every worker paid it, also the spares, the restarts after a
    # crash or a hang and the workers of code that never builds one (make test: 1064 -> 1364 s).

    torch.set_num_threads(args.threads)
    from autograder.harness import datasets
    from autograder.scenarios import all_scenarios
    from autograder.worker.execute import run_scenario
    from autograder.worker.loader import SubmissionError, load_student_code

    all_scenarios()
    datasets.configure(Path(args.data_root))
    try:
        # Loading the student's modules must end well before the trusted side gives up waiting.
        budget = max(5.0, args.load_timeout - (time.perf_counter() - start) - 8.0)
        student = load_student_code(Path(args.submission), budget_s=budget,
                                    definitions_only=args.definitions_only)
    except SubmissionError as exc:
        write_frame(replies, {"ready": False, "error": str(exc)})
        return 0
    _exit_if_forked(worker_pid)
    write_frame(replies, {"ready": True, "import_errors": student.import_errors,
                          "import_output": student.import_output,
                          "load_notes": student.load_notes,
                          "load_seconds": student.load_seconds,
                          "startup_seconds": time.perf_counter() - start})
    run_dir = os.getcwd()
    while True:
        try:
            request, _ = read_frame(requests)
        except EOFError:
            return 0
        if request.get("quit"):
            return 0
        os.chdir(run_dir)
        outcome = run_scenario(student, str(request["check"]), int(request["seed"]))
        _exit_if_forked(worker_pid)
        write_frame(replies, {"check": outcome.check_id, "error": outcome.error,
                              "seconds": outcome.seconds, "output": outcome.output,
                              "nonce": request.get("nonce"),
                              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024},
                    outcome.payload or b"")


if __name__ == "__main__":
    sys.exit(main())
