"""A grading report as Gradescope's results.json: the one mapping, for `grade --json`, grade-all
and the Gradescope autograder (which hides the non-public checks until grades are published).

Every text a student controls (messages quoting their code, what it printed) is rendered as a
Markdown code block by ``autograder.reports.markup``, never as Markdown or HTML.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.engine.scoring import CheckResult, GradeReport
from autograder.reports.atomic import write_atomic
from autograder.reports.markup import Block, CodeBlock, Document, Paragraph, Strong, to_markdown

FORMAT = "md"
PRINTED_TAIL = 1000


def summary_line(report: GradeReport) -> str:
    return (f"{report.score:g}/{report.max_score:g} points; seed {report.seed}; "
            + ("sandboxed" if report.sandboxed else "NOT sandboxed: student code ran in the grader"))


def markdown(*blocks: Block) -> str:
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
    return markdown(*blocks)


def test_entries(report: GradeReport, hidden_visibility: str = "visible") -> list[dict[str, Any]]:
    """One entry per check, numbered exercise.check; public checks are always visible."""
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
            "visibility": "visible" if result.spec.public else hidden_visibility,
            "extra_data": {"check_id": result.spec.id, "kind": result.spec.kind,
                           "public": result.spec.public, "seconds": round(result.seconds, 4)},
        })
    return tests


def loading_blocks(report: GradeReport) -> list[Block]:
    """What went wrong or was noted while loading the student's files, as one code block."""
    lines = [f"exercises/{m}.py: {e}" for m, e in report.load_errors.items()]
    lines += [f"exercises/{m}.py: {note}" for m, notes in report.load_notes.items() for note in notes]
    lines += list(report.source_notes)
    if not lines:
        return []
    return [Paragraph(("While loading your code:",)), CodeBlock("\n".join(lines))]


def to_results_json(report: GradeReport, *, hidden_visibility: str = "visible",
                    output: str | None = None, score: float | None = None,
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as results.json. ``output`` replaces the summary (the total and the loading
    notes), ``score`` the checks' sum (a late penalty), ``extra`` adds to ``extra_data``."""
    return {
        "score": report.score if score is None else score,
        "execution_time": round(report.execution_time, 3),
        "output": output if output is not None else markdown(
            Paragraph((Strong(summary_line(report)),)), *loading_blocks(report)),
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"seed": report.seed, "sandboxed": report.sandboxed,
                       "submission": report.submission, "checks_score": report.score,
                       "max_score": report.max_score,
                       "load_seconds": round(report.load_seconds, 3),
                       "worker_peak_rss_mb": round(report.worker_peak_rss_mb, 1),
                       "trusted_peak_rss_mb": round(report.trusted_peak_rss_mb, 1),
                       "load_notes": {m: list(n) for m, n in report.load_notes.items()},
                       "check_seconds": round(sum(r.seconds for r in report.results), 3),
                       **(extra or {})},
        "tests": test_entries(report, hidden_visibility),
    }


def write_results(results: dict[str, Any], path: Path) -> None:
    """Write results.json in one rename, so no reader ever sees half of it."""
    write_atomic(Path(path), json.dumps(results, indent=2, allow_nan=False) + "\n")


def write_results_json(report: GradeReport, path: Path) -> None:
    write_results(to_results_json(report), path)
