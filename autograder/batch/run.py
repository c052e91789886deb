"""Grade many submissions, in parallel worker pools, writing each student's results atomically.

Each student's folder under OUT gets ``results.json``, ``feedback/`` and, written last as the
commit mark, ``summary.json`` holding the content fingerprint. A re-run reuses a summary whose
fingerprint still matches, so a run killed halfway loses nothing already graded.
"""
from __future__ import annotations

import functools
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from autograder.batch.discover import Entry
from autograder.batch.fingerprint import submission_fingerprint
from autograder.batch.pool import in_pool
from autograder.reports.atomic import write_atomic
from autograder.sandbox.limits import Limits

SUMMARY = "summary.json"


@dataclass(frozen=True)
class BatchOptions:
    """How every submission of the run is graded."""

    seed: int | None = None
    data_dir: str | None = None
    limits: Limits = field(default_factory=Limits)
    runner: str = "sandbox"
    feedback: bool = True
    functions: tuple[str, ...] = ()
    zygote: bool = True             # fork the workers from one that imported torch (not in key())

    def key(self) -> str:
        """The options that change a grade (a stored result is reused only under the same ones)."""
        return json.dumps({"seed": self.seed, "functions": sorted(self.functions),
                           "runner": self.runner, "limits": asdict(self.limits)}, sort_keys=True)


@dataclass
class Outcome:
    """One student's line in the grades."""

    student: str
    status: str                     # "graded", "unchanged" (reused) or "error"
    total: float | None = None
    max_score: float | None = None
    rows: dict[str, float] = field(default_factory=dict)
    message: str = ""
    seconds: float = 0.0
    seed: int | None = None
    sandboxed: bool = True


def _stored(summary: Path, fingerprint: str) -> Outcome | None:
    try:
        data = json.loads(summary.read_text())
    except (OSError, ValueError):
        return None
    if data.get("fingerprint") != fingerprint or data.get("status") != "graded":
        return None
    return Outcome(student=data["student"], status="unchanged", total=data["total"],
                   max_score=data["max_score"], rows=data["rows"], seed=data.get("seed"),
                   sandboxed=data.get("sandboxed", True))


def grade_entry(entry: Entry, out: Path, options: BatchOptions, fingerprint: str) -> Outcome:
    """Grade one submission and write its files under OUT/<student>/, ``summary.json`` last."""
    from autograder.engine.grading import GradingError, grade_submission

    folder = Path(out) / entry.slug
    start = time.perf_counter()
    try:
        report = grade_submission(entry.path, data_dir=options.data_dir, seed=options.seed,
                                  functions=set(options.functions) or None, limits=options.limits,
                                  runner=options.runner, zygote=options.zygote)
    except GradingError as exc:
        outcome = Outcome(entry.student, "error", message=str(exc),
                          seconds=time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - one student's problem must not stop the class
        outcome = Outcome(entry.student, "error", message=f"internal error ({type(exc).__name__}: {exc})",
                          seconds=time.perf_counter() - start)
    else:
        from autograder.reports.results_json import write_results_json

        folder.mkdir(parents=True, exist_ok=True)
        write_results_json(report, folder / "results.json")
        if options.feedback:
            _write_feedback(report, folder / "feedback")
        outcome = Outcome(entry.student, "graded", report.score, report.max_score,
                          {row.exercise: row.score for row in report.rows()},
                          seconds=time.perf_counter() - start, seed=report.seed,
                          sandboxed=report.sandboxed)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / SUMMARY, json.dumps({**asdict(outcome), "fingerprint": fingerprint},
                                             indent=2) + "\n")
    return outcome


def _write_feedback(report, folder: Path) -> None:
    """A fresh feedback folder: written beside the old one, then swapped in."""
    import shutil

    from autograder.reports.feedback import write_feedback

    fresh = folder.with_name(folder.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    write_feedback(report, fresh)
    shutil.rmtree(folder, ignore_errors=True)
    fresh.rename(folder)


def grade_entries(entries: list[Entry], out: Path, options: BatchOptions, jobs: int = 1,
                  on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Grade ``entries`` with ``jobs`` processes; ``on_done`` is called as each one finishes."""
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)

    todo = []  # (entry, fingerprint) of the submissions to grade; unchanged ones are reused here
    for entry in entries:
        try:
            fingerprint = submission_fingerprint(entry.path, options.key())
        except OSError as exc:
            done(Outcome(entry.student, "error", message=f"cannot read the submission ({exc})"))
            continue
        stored = _stored(Path(out) / entry.slug / SUMMARY, fingerprint)
        if stored is not None:
            done(stored)
        else:
            todo.append((entry, fingerprint))

    def failed(item: tuple[Entry, str], exc: BaseException) -> None:
        done(Outcome(item[0].student, "error",
                     message=f"the grading process failed ({type(exc).__name__}: {exc})"))

    in_pool(functools.partial(_grade_item, out=out, options=options), todo,
            jobs if len(todo) > 1 else 1, on_done=lambda item, outcome: done(outcome), on_error=failed)
    return outcomes


def _grade_item(item: tuple[Entry, str], *, out: Path, options: BatchOptions) -> Outcome:
    """One pool item: a submission and its fingerprint."""
    return grade_entry(item[0], out, options, item[1])
