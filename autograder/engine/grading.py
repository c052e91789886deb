"""Grade one submission: run the hidden pytest checks through a runner and score them."""
from __future__ import annotations

import contextlib
import io
import os
import resource
import secrets
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

from autograder.data import locate_fashion_mnist
from autograder.engine.records import CheckRecord
from autograder.engine.sandboxed import SandboxedRunner, SandboxUnavailable
from autograder.engine.scoring import GradeReport, score_records
from autograder.errors import GradingError  # noqa: F401 - raised here, imported from here
from autograder.rubric import Rubric, load_rubric
from autograder.sandbox.limits import Limits

# torch, pytest and the verdicts are imported only once a sandboxed worker has been started, so
# that the worker's own start-up (importing torch inside bubblewrap) overlaps this process's.

HIDDEN_TESTS = Path(__file__).resolve().parents[1] / "hidden_tests"


def new_seed() -> int:
    """A fresh per-run seed, so memorised outputs do not pass."""
    return secrets.randbelow(2**31)


def run_hidden_tests(plugin) -> None:
    """pytest.main over the hidden tests, configured only by the grader (-c, no autoloaded plugins)."""
    import pytest

    args = [str(HIDDEN_TESTS / "test_hidden_checks.py"), "-c", str(HIDDEN_TESTS / "pytest.ini"),
            "--rootdir", str(HIDDEN_TESTS), "-p", "no:cacheprovider", "-p", "no:warnings",
            "-p", "no:stepwise", "--import-mode=importlib", "-q", "--capture=sys",
            # Nothing here logs or leaves unraisable exceptions: their plugins cost 0.3 s and a
            # 0.2 s gc.collect of a heap holding torch per grading (issue 13's profile).
            "-p", "no:logging", "-p", "no:unraisableexception", "-p", "no:threadexception"]
    old = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main(args, plugins=[plugin])
    finally:
        if old is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = old
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED):
        raise GradingError(f"the hidden checks could not run (pytest exit code {int(code)})")


RUNNERS = ("sandbox", "unsandboxed", "in-process", "unprivileged")


def with_static_reading(rubric: Rubric, records: dict[str, CheckRecord],
                        submission: Path) -> dict[str, CheckRecord]:
    """Fail passed checks by reading the submission's source here (never running it): a
    from-scratch function whose own body names a library shortcut, and every function of a module
    that reaches into the grader (gc, frames, tracing, importing the grader). Code that behaves
    only while watched, or that borrows from the worker's memory, then earns nothing for it."""
    import dataclasses

    from autograder.contract import MODULES
    from autograder.engine.static_probes import probing_modules
    from autograder.engine.static_scratch import static_from_scratch_failures
    from autograder.worker.loader import SubmissionError, find_package_dir

    try:
        package = find_package_dir(submission)
    except SubmissionError:
        return records
    passed = {spec.functions[0]: spec.id for spec in rubric.checks
              if spec.kind == "from_scratch" and records.get(spec.id) and records[spec.id].passed}
    failures = {passed[f]: message for f, message in
                static_from_scratch_failures(package, passed).items()}
    for module, message in probing_modules(package).items():
        for spec in rubric.checks:
            if set(spec.functions) & set(MODULES[module]):
                failures.setdefault(spec.id, message)
    records = dict(records)
    for check_id, message in failures.items():
        if check_id in records and records[check_id].passed:
            records[check_id] = dataclasses.replace(records[check_id], passed=False, message=message)
    return records


def handed_over_messages(handed_over: dict[str, list[str]]) -> dict[str, str]:
    """function -> why it earns nothing, for what the worker saw it hand its work to."""
    return {function: f"it is not written from scratch: while being graded it handed its work to "
                      f"{', '.join(what)}, and the exercise is to write {function} yourself"
            for function, what in handed_over.items()}


def make_runner(kind: str, submission: Path, data_root: Path, limits: Limits | None,
                zygote: bool = False):
    """``sandbox``: a bubblewrap'd worker; ``unsandboxed``: a plain worker process;
    ``in-process``: this process (trusted code and the project's own tests only);
    ``unprivileged``: a plain worker process run as uid 65534, where bubblewrap cannot create
    namespaces (needs root). ``zygote``: fork the sandboxed workers from this process's zygote
    (engine/zygote.py), which has imported torch once for all the submissions it grades."""
    if kind == "in-process":
        from autograder.engine.inprocess import InProcessRunner

        return InProcessRunner(submission, data_root)
    if kind == "unprivileged":
        from autograder.gradescope.unprivileged import UnprivilegedRunner

        return UnprivilegedRunner(submission, data_root, limits)
    shared = None
    if zygote and kind == "sandbox":
        from autograder.engine.zygote import shared_zygote

        shared = shared_zygote(data_root, limits or Limits())
    return SandboxedRunner(submission, data_root, limits, sandboxed=(kind == "sandbox"),
                           zygote=shared)


def grade_submission(submission: Path | str, *, data_dir: str | None = None, seed: int | None = None,
                     functions: Iterable[str] | None = None, rubric: Rubric | None = None,
                     on_result: Callable[[CheckRecord], None] | None = None,
                     runner: str = "sandbox", limits: Limits | None = None,
                     ref: str | None = None, zygote: bool = False) -> GradeReport:
    """Grade ``submission`` (a folder holding ``exercises/``, a git repository or URL with an
    optional ``ref``, or notebooks) and return the scored report. ``zygote``: fork the workers
    from this process's zygote (grade-all: torch is imported once per process, not per student)."""
    from autograder.data import DataNotFound
    from autograder.submissions import SourceError, materialize

    with tempfile.TemporaryDirectory(prefix="d2l-source-") as workdir:
        try:
            source = materialize(submission, Path(workdir), ref=ref)
            data_root = locate_fashion_mnist(data_dir)
        except (SourceError, DataNotFound) as exc:
            raise GradingError(str(exc)) from None
        report = _grade_folder(source.path, data_root, seed=seed, functions=functions, rubric=rubric,
                               on_result=on_result, runner=runner, limits=limits, zygote=zygote)
    report.submission = str(submission)
    report.origin, report.source_notes = source.origin, list(source.notes)
    return report


def _grade_folder(submission: Path, data_root: Path, *, seed: int | None, functions, rubric,
                  on_result, runner: str, limits: Limits | None, zygote: bool = False) -> GradeReport:
    rubric = rubric or load_rubric()
    if functions:
        rubric = rubric.select(set(functions))
    seed = new_seed() if seed is None else seed
    start = time.perf_counter()
    try:
        with make_runner(runner, Path(submission), data_root, limits, zygote) as active:
            from autograder.engine.plugin import GradingPlugin
            from autograder.harness import datasets

            datasets.configure(data_root)  # verdicts that compare with the raw files read them here
            plugin = GradingPlugin(active, rubric, seed, on_result)
            run_hidden_tests(plugin)
            load_errors = dict(active.load_report)
            load_seconds = getattr(active, "load_seconds", 0.0)
            load_notes = dict(getattr(active, "load_notes", {}))
            sandboxed = active.sandboxed
    except SandboxUnavailable as exc:
        raise GradingError(str(exc)) from None
    records = with_static_reading(rubric, plugin.records, Path(submission))
    report = GradeReport(submission=str(submission), seed=seed,
                       results=score_records(rubric, records,
                                             handed_over_messages(plugin.handed_over)),
                       execution_time=time.perf_counter() - start, sandboxed=sandboxed,
                       load_errors=load_errors, load_seconds=load_seconds, load_notes=load_notes)
    report.worker_peak_rss_mb = float(getattr(active, "peak_rss_mb", 0.0))
    report.trusted_peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report
