"""The course's consistency proof: full marks for the reference, zero for the stubs, and the
handout's public checks agreeing on both. Run by `autograder selftest` in the instructor's CI."""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

from autograder.build.exercises import EXERCISES, SOLUTIONS


def _grade(folder: Path, data_dir: Path | None, sandboxed: bool):
    from autograder.engine.grading import grade_submission

    return grade_submission(folder, data_dir=str(data_dir) if data_dir else None, seed=0,
                            runner="sandbox" if sandboxed else "unsandboxed")


def _public_checks(handout: Path, exercises: Path) -> tuple[int, str]:
    """Exit status and output of the handout's `python -m checks` on ``exercises``."""
    run = subprocess.run([sys.executable, "-m", "checks", "--exercises", str(exercises)],
                         cwd=handout, capture_output=True, text=True, timeout=600)
    return run.returncode, run.stdout + run.stderr


def run_selftest(*, data_dir: Path | None = None, sandboxed: bool = True,
                 echo: Callable[[str], None] = print, solutions: Path = SOLUTIONS,
                 exercises: Path = EXERCISES) -> list[str]:
    """What does not hold of the four expectations (empty: the course is consistent)."""
    from autograder.data import locate_fashion_mnist
    from autograder.handout.build import write_handout

    problems = []
    reference = _grade(solutions, data_dir, sandboxed)
    echo(f"reference solutions: {reference.score:g}/{reference.max_score:g}")
    if reference.score != reference.max_score:
        lost = [f"{r.spec.id} ({r.message[:120]})" for r in reference.results if not r.passed]
        problems.append("the reference loses points: " + "; ".join(lost))
    stubs = _grade(exercises, data_dir, sandboxed)
    echo(f"stubs: {stubs.score:g}/{stubs.max_score:g}")
    if stubs.score != 0:
        paid = [r.spec.id for r in stubs.results if r.score]
        problems.append("the stubs earn points: " + ", ".join(paid))
    with tempfile.TemporaryDirectory(prefix="d2l-selftest-") as tmp:
        handout = Path(tmp) / "handout"
        write_handout(handout)
        # The book's load_data_fashion_mnist reads ../data: the grader's copy stands in.
        (Path(tmp) / "data").symlink_to(locate_fashion_mnist(data_dir, allow_download=False))
        code, output = _public_checks(handout, solutions)
        echo(f"handout public checks on the reference: {output.strip().splitlines()[-1]}")
        if code != 0:
            problems.append("the handout's public checks fail on the reference:\n" + output)
        code, output = _public_checks(handout, exercises)
        last = output.strip().splitlines()[-1]
        echo(f"handout public checks on the stubs: {last}")
        if code != 1 or not last.startswith("public checks: 0 of "):
            problems.append("the handout's public checks pass something on the stubs:\n" + output)
    return problems
