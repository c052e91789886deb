"""The Gradescope autograder ``results.json``: one test entry per hidden check."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.engine.scoring import GradeReport
from autograder.reports.atomic import write_atomic


def summary_line(report: GradeReport) -> str:
    return (f"{report.score:g}/{report.max_score:g} points; seed {report.seed}; "
            + ("sandboxed" if report.sandboxed else "NOT sandboxed: student code ran in the grader"))


def to_results_json(report: GradeReport) -> dict[str, Any]:
    """The report as Gradescope's results.json structure."""
    tests = []
    for number, result in enumerate(report.results, start=1):
        output = result.message or "passed"
        if result.student_output.strip():
            output += "\n\nYour code printed:\n" + result.student_output.strip()[-1000:]
        tests.append({
            "name": f"{result.spec.id}: {result.spec.title}",
            "number": str(number),
            "score": result.score,
            "max_score": result.spec.points,
            "status": result.status,
            "output": output,
            "tags": list(result.functions or result.spec.functions),
            "visibility": "visible",
            "extra_data": {"check_id": result.spec.id, "kind": result.spec.kind,
                           "seconds": round(result.seconds, 4)},
        })
    load = "".join(f"\nexercises/{m}.py: {e}" for m, e in report.load_errors.items())
    load += "".join(f"\nexercises/{m}.py: {note}" for m, notes in getattr(report, "load_notes", {}).items()
                    for note in notes)
    return {
        "score": report.score,
        "max_score": report.max_score,
        "execution_time": round(report.execution_time, 3),
        "output": summary_line(report) + load,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {"seed": report.seed, "sandboxed": report.sandboxed,
                       "submission": report.submission,
                       "load_seconds": round(report.load_seconds, 3),
                       "worker_peak_rss_mb": round(report.worker_peak_rss_mb, 1),
                       "load_notes": dict(getattr(report, "load_notes", {})),
                       "check_seconds": round(sum(r.seconds for r in report.results), 3)},
        "tests": tests,
    }


def write_results_json(report: GradeReport, path: Path) -> None:
    write_atomic(Path(path), json.dumps(to_results_json(report), indent=2) + "\n")
