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
    functions: tuple[str, ...] = ()  # whom the check names (tags): the rubric's, or the culprits

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
    trusted_peak_rss_mb: float = 0.0                         # this process, for make bench
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


def score_records(rubric: Rubric, records: dict[str, CheckRecord],
                  disqualified: dict[str, str] | None = None) -> list[CheckResult]:
    """Score every selected check, then apply the rules that keep one mistake from paying or
    costing twice: a function that is not from scratch (its from-scratch check failed, or it
    handed its work to a library shortcut or a known-good part, in ``disqualified``) earns nothing
    on any of its checks, and a side-property check pays only once the checks it ``needs`` pass."""
    results = []
    for spec in rubric.checks:
        record = records.get(spec.id)
        if record is None:
            record = CheckRecord(spec.id, False, "this check did not run", 0.0)
        results.append(CheckResult(spec, spec.points if record.passed else 0.0, record.passed,
                                   record.message, record.seconds, record.student_output,
                                   record.curves, record.functions or spec.functions))
    not_from_scratch = dict(disqualified or {})
    for r in results:
        record = records.get(r.spec.id)
        if r.spec.kind == "from_scratch" and not r.passed and record is not None \
                and not record.crashed:
            not_from_scratch.setdefault(r.spec.functions[0],
                                        f"it is not written from scratch (see {r.spec.id})")
    raw = {r.spec.id: r for r in results}
    scored = []
    for result in results:
        function = result.spec.functions[0] if len(result.spec.functions) == 1 else None
        why = not_from_scratch.get(function) if function else None
        failed_needs = [n for n in result.spec.needs if n in raw and not raw[n].passed]
        if why and result.passed:
            result = dataclasses.replace(result, score=0.0, passed=False,
                                         message=f"no points for {function}: {why}")
        elif result.passed and failed_needs:
            result = dataclasses.replace(
                result, score=0.0, passed=False,
                message=f"no points yet: this side property pays only once {function}'s main "
                        f"values are right, and {failed_needs[0]} fails")
        scored.append(result)
    return scored

