"""A grading report as Gradescope's results.json: public checks visible, the others as configured.

Every text a student controls (messages quoting their code, what it printed) is rendered as a
Markdown code block by ``autograder.reports.markup``, never as Markdown or HTML.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.engine.scoring import CheckResult, GradeReport
from autograder.gradescope.config import GradescopeConfig
from autograder.gradescope.late import LatePenalty
from autograder.reports.atomic import write_atomic
from autograder.reports.markup import Block, CodeBlock, Document, Paragraph, Strong, to_markdown

FORMAT = "md"
PRINTED_TAIL = 1000


def _markdown(*blocks: Block) -> str:
    doc = Document("")
    doc.add(*blocks)
    return to_markdown(doc).rstrip("\n")


def check_output(result: CheckResult) -> str:
    """One check's output: its verdict, then what the student's code printed while it ran."""
    blocks: list[Block] = [Paragraph(("Passed.",))] if result.passed else [
        Paragraph((Strong("Failed."),)), CodeBlock(result.message or "failed")]
    printed = result.student_output.strip()
    if printed:
        blocks += [Paragraph(("Your code printed:",)), CodeBlock(printed[-PRINTED_TAIL:])]
    return _markdown(*blocks)


def _tests(report: GradeReport, config: GradescopeConfig) -> list[dict[str, Any]]:
    tests, rows = [], {}
    for result in report.results:
        row = rows.setdefault(result.spec.exercise, [len(rows) + 1, 0])
        row[1] += 1
        tests.append({
            "name": f"{result.spec.id}: {result.spec.title}",
            "name_format": "text",
            "number": f"{row[0]}.{row[1]}",
            "score": result.score,
            "max_score": result.spec.points,
            "status": result.status,
            "output": check_output(result),
            "output_format": FORMAT,
            "tags": list(result.functions or result.spec.functions),
            "visibility": "visible" if result.spec.public else config.hidden_visibility,
            "extra_data": {"check_id": result.spec.id, "kind": result.spec.kind,
                           "public": result.spec.public, "seconds": round(result.seconds, 4)},
        })
    return tests


def _loading_blocks(report: GradeReport) -> list[Block]:
    lines = [f"exercises/{m}.py: {e}" for m, e in report.load_errors.items()]
    lines += [f"exercises/{m}.py: {note}" for m, notes in report.load_notes.items() for note in notes]
    lines += list(report.source_notes)
    if not lines:
        return []
    return [Paragraph(("While loading your code:",)), CodeBlock("\n".join(lines))]


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
    blocks += _loading_blocks(report)
    blocks += [Paragraph((note,)) for note in notes]
    blocks.append(Paragraph((f"Seed {report.seed}; {isolation}.",)))
    return _markdown(*blocks)


def to_gradescope(report: GradeReport, config: GradescopeConfig, penalty: LatePenalty | None,
                  isolation: str, extra: dict[str, Any] | None = None,
                  notes: tuple[str, ...] = ()) -> dict[str, Any]:
    """The report as results.json; ``score`` is the checks' sum less any late penalty;
    ``notes`` are paragraphs added to the summary."""
    score = penalty.apply(report.score) if penalty is not None else report.score
    return {
        "score": score,
        "execution_time": round(report.execution_time),
        "output": summary(report, config, penalty, isolation, notes),
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {
            "seed": report.seed, "isolation": isolation, "checks_score": report.score,
            "max_score": report.max_score,
            "late_penalty_percent": penalty.percent if penalty else 0.0,
            "days_late": penalty.days_late if penalty else 0,
            "load_seconds": round(report.load_seconds, 3),
            "worker_peak_rss_mb": round(report.worker_peak_rss_mb, 1), **(extra or {})},
        "tests": _tests(report, config),
    }


def failure_results(problem: str, seconds: float, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """results.json for a submission that could not be graded: score 0 and one paragraph on why."""
    return {
        "score": 0.0,
        "execution_time": round(seconds),
        "output": _markdown(Paragraph((Strong("Not graded."), " ", problem))),
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"error": problem, **(extra or {})},
        "tests": [],
    }


def write_results(results: dict[str, Any], path: Path) -> None:
    """Write results.json in one rename, so Gradescope never reads half of it."""
    write_atomic(Path(path), json.dumps(results, indent=2, allow_nan=False) + "\n")
