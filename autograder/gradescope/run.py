"""The trusted entry point run_autograder calls on Gradescope: grade root/submission with the
engine and ALWAYS write root/results/results.json (score 0 and one paragraph on what went wrong
when grading fails; never a traceback).

    python -P -s -m autograder.gradescope.run

The root is $D2L_GRADESCOPE_ROOT (default /autograder); $D2L_GRADESCOPE_RUNNER forces the
isolation (sandbox or unprivileged). Nothing here runs student code: the engine's workers do.
"""
from __future__ import annotations

import os
import resource
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from autograder.gradescope.config import CONFIG_NAME, ConfigError, GradescopeConfig, load_config
from autograder.gradescope.container import memory_limit_mb, memory_note
from autograder.gradescope.isolation import DESCRIPTIONS, IsolationError, choose_runner, close_to_students
from autograder.gradescope.late import late_penalty, read_metadata
from autograder.gradescope.results import failure_results, to_gradescope, write_results
from autograder.gradescope.submission import EmptySubmission, find_submission

ROOT_ENV = "D2L_GRADESCOPE_ROOT"
DEADLINE_ENV = "D2L_GRADESCOPE_DEADLINE_S"   # overrides the zip's time limit (for trying it out)
GRACE_S = 20.0
DEFAULT_ROOT = Path("/autograder")
BROKEN = "This is a problem with the autograder, not with your code: tell your instructor."


class NotGraded(Exception):
    """The submission could not be graded; the message, one paragraph, is shown to the student."""


def gradescope_root() -> Path:
    """Where Gradescope's folders are: $D2L_GRADESCOPE_ROOT, else /autograder."""
    return Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT)


class ResultsWriter:
    """Writes results.json once: the grading's, or the deadline's if grading runs out of time."""

    def __init__(self, path: Path):
        self.path, self._lock, self.written = path, threading.Lock(), False

    def write(self, results: dict[str, Any]) -> bool:
        with self._lock:
            if self.written:
                return False
            write_results(results, self.path)
            self.written = True
            return True


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_data(root: Path, work: Path) -> Path:
    """A torchvision root of Fashion-MNIST that the worker can read: setup.sh's prepared copy
    ($D2L_AUTOGRADER_DATA), else the zip's files (root/source/data, closed to the worker)
    copied into ``work``."""
    from autograder.data import DATA_ENV_VAR, DataNotFound, locate_fashion_mnist
    from autograder.gradescope.unprivileged import open_for_reading

    source = os.environ.get(DATA_ENV_VAR) or str(root / "source" / "data")
    try:
        data_root = locate_fashion_mnist(source, cache_dir=work / "data", allow_download=False)
    except DataNotFound as exc:
        raise NotGraded(f"The autograder's copy of Fashion-MNIST is missing ({exc}). {BROKEN}") from None
    if data_root == work / "data":   # copied here: the worker may read it, not change it
        os.chmod(work, 0o755)
        open_for_reading(work / "data")
    return data_root


def _grade(submission: Path, data_root: Path, config: GradescopeConfig, runner: str):
    from autograder.engine.grading import GradingError, grade_submission

    try:
        return grade_submission(str(submission), data_dir=str(data_root), limits=config.limits(),
                                runner=runner), runner
    except GradingError as exc:
        message = str(exc)
    if runner == "sandbox" and message.startswith("bubblewrap could not start") and os.geteuid() == 0:
        return _grade(submission, data_root, config, "unprivileged")
    raise NotGraded(f"Grading could not start: {message}. {BROKEN}") from None


def check_readable(submission: Path) -> None:
    """NotGraded, with the grader's own reason, when ``submission`` is not one (no exercise
    modules, a notebook that is not JSON); the engine lays it out again when it grades."""
    from autograder.submissions import SourceError, materialize

    with tempfile.TemporaryDirectory(prefix="d2l-gradescope-check-") as scratch:
        try:
            materialize(submission, Path(scratch))
        except SourceError as exc:
            raise NotGraded(f"Your submission could not be read: {exc}.") from None


def grade(root: Path) -> dict[str, Any]:
    """results.json for root/submission; NotGraded when it cannot be graded."""
    try:
        config = load_config(root / "source" / CONFIG_NAME)
    except ConfigError as exc:
        raise NotGraded(f"The autograder is misconfigured: {exc}. {BROKEN}") from None
    close_to_students(root)
    metadata = read_metadata(root / "submission_metadata.json")
    try:
        runner = choose_runner()
    except IsolationError as exc:
        raise NotGraded(f"Your code was not run: {exc}. {BROKEN}") from None
    try:
        submission = find_submission(root / "submission")
    except EmptySubmission as exc:
        raise NotGraded(str(exc)) from None
    check_readable(submission)
    with tempfile.TemporaryDirectory(prefix="d2l-gradescope-") as work:
        data_root = prepare_data(root, Path(work))
        report, runner = _grade(submission, data_root, config, runner)
    penalty = late_penalty(metadata, config.late_penalty_per_day, config.late_cap)
    memory = memory_limit_mb()
    note = memory_note(memory)
    if note:
        print(f"autograder: warning: {note}", flush=True)
    return to_gradescope(report, config, penalty, DESCRIPTIONS[runner], extra={
        "runner": runner, "grader_version": config.grader_version,
        "trusted_peak_rss_mb": round(_peak_rss_mb(), 1),
        "container_memory_mb": round(memory) if memory else None}, notes=(note,) if note else ())


def _on_deadline(writer: ResultsWriter, started: float) -> None:
    """Write the deadline's results.json, then stop the grading (SIGINT: the engine's runners
    end their workers on the way out; if that hangs, exit anyway after GRACE_S)."""
    if writer.write(failure_results(
            "Grading took longer than the autograder's time limit allows and was stopped. A "
            "function of yours may be very slow or never return: grading it on your own machine "
            "(autograder grade) shows which.", time.perf_counter() - started,
            {"stopped": "deadline"})):
        # fd 1 itself: sys.stdout is pytest's capture while the hidden checks run
        os.write(1, f"autograder: grading stopped at the deadline; wrote {writer.path}\n".encode())
        hard = threading.Timer(GRACE_S, os._exit, (0,))
        hard.daemon = True
        hard.start()
        os.kill(os.getpid(), signal.SIGINT)


def deadline_s(root: Path) -> float:
    """Seconds until grading stops: $D2L_GRADESCOPE_DEADLINE_S, else the zip's time limit less
    a margin for writing results.json."""
    try:
        return float(os.environ[DEADLINE_ENV])
    except (KeyError, ValueError):
        pass
    try:
        return load_config(root / "source" / CONFIG_NAME).deadline_s
    except ConfigError:
        return GradescopeConfig().deadline_s


def _outcome(root: Path, started: float) -> tuple[dict[str, Any], str]:
    """(results.json, the line for Gradescope's instructor-only log), whatever happens."""
    try:
        results = grade(root)
    except NotGraded as exc:
        return failure_results(str(exc), time.perf_counter() - started), f"not graded: {exc}"
    except BaseException as exc:  # noqa: BLE001 - a results.json is always written, never a traceback
        if isinstance(exc, KeyboardInterrupt):
            raise
        if os.environ.get("AUTOGRADER_DEBUG"):
            import traceback

            traceback.print_exc()
        return (failure_results(f"The autograder failed ({type(exc).__name__}). {BROKEN}",
                                time.perf_counter() - started, {"exception": type(exc).__name__}),
                f"internal error ({type(exc).__name__}: {exc}); set AUTOGRADER_DEBUG=1 for the "
                "traceback")
    results["execution_time"] = round(time.perf_counter() - started)
    extra = results["extra_data"]
    return results, (f"graded {extra['checks_score']:g}/{extra['max_score']:g} (results.json score "
                     f"{results['score']:g}) with the {extra['runner']} runner in "
                     f"{time.perf_counter() - started:.1f} s")


def main() -> int:
    """Grade, write results.json, exit 0 (1 only when even results.json could not be written)."""
    started = time.perf_counter()
    root = gradescope_root()
    writer = ResultsWriter(root / "results" / "results.json")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(deadline_s(root), _on_deadline, (writer, started))
    timer.daemon = True
    timer.start()
    try:
        try:
            results, line = _outcome(root, started)
        except KeyboardInterrupt:  # the deadline's (its results.json is written), or a Ctrl-C
            results, line = failure_results("Grading was interrupted.",
                                            time.perf_counter() - started), "interrupted"
        timer.cancel()
        if not writer.write(results):
            return 0   # the deadline's results.json stands
    except KeyboardInterrupt:
        return 0 if writer.written else 1
    except OSError as exc:
        print(f"autograder: error: cannot write {writer.path}: {exc}", file=sys.stderr)
        return 1
    print(f"autograder: {line}; wrote {writer.path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
