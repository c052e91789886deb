"""What the Gradescope autograder adds to results.json (autograder/reports/results_json.py): a
summary that hides the total until grades are published, the late penalty, and the results of a
submission that could not be graded.
"""
from __future__ import annotations

from typing import Any

from autograder.engine.scoring import GradeReport
from autograder.gradescope.config import GradescopeConfig
from autograder.gradescope.late import LatePenalty
from autograder.reports.markup import Block, Paragraph, Strong
from autograder.reports.results_json import (FORMAT, loading_blocks, markdown, to_results_json,
                                             write_results)

__all__ = ["summary", "to_gradescope", "failure_results", "write_results"]

def summary(report: GradeReport, config: GradescopeConfig, penalty: LatePenalty | None,
            isolation: str, notes: tuple[str, ...] = ()) -> str:
    """The top-level output. While the hidden checks are not shown it gives only the public
    checks' points, so the total cannot be read off before the instructor publishes it."""
    public = [r for r in report.results if r.spec.public]
    shown = config.hidden_visibility == "visible"
    blocks: list[Block] = []
    if shown:
        blocks.append(Paragraph((Strong(f"{report.score:g}/{report.max_score:g} points"),
                                 f" from {len(report.results)} checks.")))
    else:
        blocks.append(Paragraph((
            Strong(f"Public checks: {sum(r.score for r in public):g}/"
                   f"{sum(r.spec.points for r in public):g} points"),
            f" ({sum(r.passed for r in public)} of {len(public)} passed). The other "
            f"{len(report.results) - len(public)} checks, and your total, are shown once the "
            "grades are published.")))
    if penalty is not None:
        blocks.append(Paragraph((penalty.note,)))
        if shown and penalty.percent:
            blocks.append(Paragraph((f"Score after the late penalty: {penalty.apply(report.score):g}.",)))
    blocks += loading_blocks(report)
    blocks += [Paragraph((note,)) for note in notes]
    blocks.append(Paragraph((f"Seed {report.seed}; {isolation}.",)))
    return markdown(*blocks)


def to_gradescope(report: GradeReport, config: GradescopeConfig, penalty: LatePenalty | None,
                  isolation: str, extra: dict[str, Any] | None = None,
                  notes: tuple[str, ...] = ()) -> dict[str, Any]:
    """The report as results.json; ``score`` is the checks' sum less any late penalty;
    ``notes`` are paragraphs added to the summary."""
    score = penalty.apply(report.score) if penalty is not None else report.score
    return to_results_json(
        report, hidden_visibility=config.hidden_visibility, score=score,
        output=summary(report, config, penalty, isolation, notes),
        extra={"isolation": isolation, "late_penalty_percent": penalty.percent if penalty else 0.0,
               "days_late": penalty.days_late if penalty else 0, **(extra or {})})


def failure_results(problem: str, seconds: float, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """results.json for a submission that could not be graded: score 0 and one paragraph on why."""
    return {
        "score": 0.0,
        "execution_time": round(seconds),
        "output": markdown(Paragraph((Strong("Not graded."), " ", problem))),
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"error": problem, **(extra or {})},
        "tests": [],
    }
