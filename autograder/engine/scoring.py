"""Turn check records into scores: rubric points, and the from-scratch rule."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from autograder.engine.records import CheckRecord
from autograder.rubric import CheckSpec, Rubric


@dataclass(frozen=True)
class CheckResult:
    """One scored check, ready for every report."""

    spec: CheckSpec
    score: float
    passed: bool
    message: str
    seconds: float
    student_output: str = ""
    curves: dict[str, list[float]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "passed" if self.passed else "failed"


@dataclass(frozen=True)
class ExerciseRow:
    """The checks of one exercise function (or one chapter's end-to-end run), summed."""

    exercise: str
    score: float
    max_score: float
    results: tuple[CheckResult, ...]

    @property
    def first_failure(self) -> str:
        for result in self.results:
            if not result.passed:
                return result.message
        return ""


@dataclass
class GradeReport:
    """Everything a grading run found about one submission."""

    submission: str
    seed: int
    results: list[CheckResult]
    execution_time: float
    sandboxed: bool
    load_errors: dict[str, str] = field(default_factory=dict)
    load_seconds: float = 0.0
    worker_peak_rss_mb: float = 0.0                          # sandboxed runs only
    origin: str = ""                                          # e.g. a git URL and its commit
    source_notes: list[str] = field(default_factory=list)     # what notebook conversion left out
    load_notes: dict[str, list[str]] = field(default_factory=dict)  # module -> what loading skipped

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.spec.points for r in self.results)

    def rows(self) -> list[ExerciseRow]:
        grouped: dict[str, list[CheckResult]] = {}
        for result in self.results:
            grouped.setdefault(result.spec.exercise, []).append(result)
        return [ExerciseRow(name, sum(r.score for r in rs), sum(r.spec.points for r in rs), tuple(rs))
                for name, rs in grouped.items()]


def score_records(rubric: Rubric, records: dict[str, CheckRecord]) -> list[CheckResult]:
    """Score every selected check; a failed from-scratch check zeroes the rest of its function."""
    results = []
    for spec in rubric.checks:
        record = records.get(spec.id)
        if record is None:
            record = CheckRecord(spec.id, False, "this check did not run", 0.0)
        results.append(CheckResult(spec, spec.points if record.passed else 0.0, record.passed,
                                   record.message, record.seconds, record.student_output,
                                   record.curves))
    not_from_scratch = {r.spec.functions[0]: r for r in results
                        if r.spec.kind == "from_scratch" and not r.passed and r.message
                        and "not implemented yet" not in r.message}
    scored = []
    for result in results:
        culprit = not_from_scratch.get(result.spec.functions[0])
        if (culprit and result.passed and len(result.spec.functions) == 1
                and result.spec.kind != "from_scratch"):
            result = dataclasses.replace(
                result, score=0.0, passed=False,
                message=f"no points for {result.spec.functions[0]}: it is not written "
                        f"from scratch (see {culprit.spec.id})")
        scored.append(result)
    return scored
