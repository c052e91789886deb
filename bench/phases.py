"""Where one grading's time goes: a per-phase breakdown of `autograder grade` on one submission.

    .venv/bin/python bench/phases.py [SUBMISSION] [--top 15] [--json OUT]

Grades SUBMISSION (default: the reference, solutions/) sandboxed, as `autograder grade` does, in
this process, and times each phase from the grader's own records: the trusted side's imports
(torch, pytest, the verdicts; timed alone in a fresh process), how long the first check waits
for the worker in bubblewrap to be ready (its torch import, then loading the submission), each
check's scenario in the worker, the round trip around it, its verdict here, the time between
requests (pytest, the plugin), and the reports (results.json and the feedback pages, first with
the reference runs they draw, then again as grade-all pays them per student). Nothing here is a
test.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def trusted_import_seconds() -> float:
    """What a fresh trusted process pays to import torch, pytest and the verdicts."""
    code = ("import time; t = time.perf_counter(); import autograder.engine.plugin; "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True,
                         text=True).stdout
    return float(out.strip().splitlines()[-1])


def breakdown(submission: Path, seed: int = 1) -> dict:
    """Grade ``submission`` once, sandboxed, as `autograder grade` does (in a process that has not
    imported torch yet, so that the worker's start overlaps the trusted side's imports as it does
    from the shell), and return the phases' seconds."""
    imports = trusted_import_seconds()
    from autograder.engine import sandboxed
    from autograder.engine.grading import grade_submission

    checks: dict[str, dict] = defaultdict(dict)
    ready_at: dict[str, float] = {}
    original_run, original_start = sandboxed.SandboxedRunner.run, sandboxed.SandboxedRunner._start

    def run(self, check_id, seed, functions=None):
        t = time.perf_counter()
        outcome = original_run(self, check_id, seed, functions)
        base = check_id.partition("~")[0]
        checks[base]["round_trip"] = time.perf_counter() - t
        checks[base]["scenario"] = outcome.seconds
        return outcome

    def start_worker(self, worker=None):
        t = time.perf_counter()
        started = original_start(self, worker)
        ready_at.setdefault("wait", time.perf_counter() - t)
        ready_at.setdefault("load", self.load_seconds)
        return started

    sandboxed.SandboxedRunner.run, sandboxed.SandboxedRunner._start = run, start_worker
    t = time.perf_counter()
    try:
        report = grade_submission(submission, seed=seed)
    finally:
        sandboxed.SandboxedRunner.run, sandboxed.SandboxedRunner._start = original_run, original_start
    grading = time.perf_counter() - t
    for result in report.results:   # the plugin's time per check: the round trip, then the verdict
        c = checks.get(result.spec.id)
        if c is not None:
            c["verdict"] = max(0.0, result.seconds - c.get("round_trip", 0.0))

    from autograder.reports.feedback import write_feedback
    from autograder.reports.results_json import write_results_json
    reports = []
    for _ in range(2):   # the first pays the reference runs the pages draw beside the student's
        t = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="bench-phases-") as out:
            write_results_json(report, Path(out) / "results.json")
            write_feedback(report, Path(out) / "feedback")
        reports.append(time.perf_counter() - t)

    scenario = sum(c.get("scenario", 0.0) for c in checks.values())
    round_trip = sum(c.get("round_trip", 0.0) for c in checks.values())
    verdict = sum(c.get("verdict", 0.0) for c in checks.values())
    first_wait = ready_at.get("wait", 0.0)
    return {
        "submission": str(submission), "score": report.score, "max_score": report.max_score,
        "trusted_imports_s": imports, "grading_s": grading,
        "reports_first_s": reports[0], "reports_s": reports[1],
        "worker_ready_wait_s": first_wait, "worker_load_s": ready_at.get("load", 0.0),
        "scenarios_s": scenario, "ipc_and_waiting_s": round_trip - scenario - first_wait,
        "verdicts_s": verdict, "other_s": grading - round_trip - verdict,
        "worker_peak_rss_mb": report.worker_peak_rss_mb,
        "trusted_peak_rss_mb": report.trusted_peak_rss_mb, "checks": dict(checks),
    }


def print_breakdown(figures: dict, top: int) -> None:
    print(f"{figures['submission']}: {figures['score']:g} / {figures['max_score']:g}")
    rows = [("trusted imports (torch, pytest, verdicts)*", figures["trusted_imports_s"]),
            ("first check's wait for the worker to be ready", figures["worker_ready_wait_s"]),
            ("  of which loading the submission", figures["worker_load_s"]),
            ("scenarios in the worker", figures["scenarios_s"]),
            ("pipe, encoding and waiting around them", figures["ipc_and_waiting_s"]),
            ("verdicts in the trusted process", figures["verdicts_s"]),
            ("pytest, plugin, static reading", figures["other_s"]),
            ("grading in all (imports* to scores)", figures["grading_s"]),
            ("reports, first (with the reference runs)", figures["reports_first_s"]),
            ("reports, again (results.json, feedback pages)", figures["reports_s"])]
    for name, seconds in rows:
        print(f"  {name:<48} {seconds:6.2f} s")
    print("  * overlapping the worker's start; alone, in a fresh process")
    print(f"  peak RSS: worker {figures['worker_peak_rss_mb']:.0f} MB, trusted process "
          f"{figures['trusted_peak_rss_mb']:.0f} MB")
    slow = sorted(figures["checks"].items(),
                  key=lambda kv: -(kv[1].get("scenario", 0) + kv[1].get("verdict", 0)))[:top]
    print(f"  slowest {top} checks (scenario + verdict):")
    for check_id, c in slow:
        print(f"    {check_id:<52} {c.get('scenario', 0):6.3f} + {c.get('verdict', 0):6.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("submission", nargs="?", default=str(REPO / "solutions"))
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures = breakdown(Path(args.submission))
    print_breakdown(figures, args.top)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
