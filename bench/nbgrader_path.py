"""`make bench`, the nbgrader path: plain nbgrader against `autograder nb autograde`, per student.

    .venv/bin/python bench/nbgrader_path.py [--students 6] [--repeat 1]

One course is built (init, build, release) and its submissions are put in submitted/ as collect
leaves them: the reference answers, the reference with one bug (softmax in place), and the
untouched stubs, in turn. Then, on copies of that same course, in turns so that the machine's
load hits each alike: plain `nbgrader autograde` (a Jupyter kernel per notebook runs every cell,
the hidden test cells included, unsandboxed), and `autograder nb autograde` (no kernel; the
sandboxed engine) at --jobs 1 and --jobs 2. Printed: seconds per student of each, and the ratios.
Goal (issue 10): at least 2x faster than plain nbgrader per student at --jobs 1. Written to
bench/nbgrader_results.json. Nothing here is a test.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
ASSIGNMENT = "d2l"
SEED = 5
GOAL = 2.0


def run(args: list[str], cwd: Path, **env: str) -> float:
    """Run a console command; its wall time (it must succeed)."""
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start


def build_course(root: Path, students: int) -> tuple[Path, list[str]]:
    """A released course whose submitted/ holds ``students`` hand-ins, as nbgrader's collect
    leaves them."""
    import nbformat  # noqa: F401  (fails early when the venv is not the project's)

    from tests.catalogue import all_entries
    from tests.nb_support import answer_sources, fill_in, with_mistake

    course = root / "course"
    cli = [str(BIN / "autograder"), "nb"]
    run(cli + ["init", str(course), "--course-id", "bench", "--exchange", str(root / "exchange")], REPO)
    run(cli + ["build", str(course)], REPO)
    run(cli + ["release", ASSIGNMENT, "--course", str(course)], REPO)
    answers: dict[str, str] = {}
    for notebook in sorted((course / "source" / ASSIGNMENT).glob("*.ipynb")):
        answers.update(answer_sources(notebook))
    bug = next(m for m in all_entries()[0] if m.id == "softmax_in_place")
    kinds = [("ref", answers), ("bug", with_mistake(answers, bug)), ("stubs", None)]
    names = []
    for number in range(students):
        kind, filled = kinds[number % len(kinds)]
        name = f"s{number:02d}-{kind}"
        folder = course / "submitted" / name / ASSIGNMENT
        shutil.copytree(course / "release" / ASSIGNMENT, folder)
        (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
        if filled:
            for path in folder.glob("*.ipynb"):
                fill_in(path, filled)
        names.append(name)
    return course, names


def totals(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "bench") as gradebook:
        return {s.student.id: float(s.score) for s in gradebook.find_assignment(ASSIGNMENT).submissions}


def plain_nbgrader(course: Path) -> float:
    """nbgrader's own autograde: its kernels run every cell (the hidden tests call the checks)."""
    return run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force", "--create"], course,
               AUTOGRADER_SEED=str(SEED))


def ours(course: Path, jobs: int) -> float:
    return run([str(BIN / "autograder"), "nb", "autograde", ASSIGNMENT, "--course", str(course),
                "--seed", str(SEED), "--jobs", str(jobs), "--force"], REPO)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at start")
    runs: dict[str, list[float]] = {"plain nbgrader": [], "nb autograde --jobs 1": [],
                                    "nb autograde --jobs 2": []}
    scores: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-nb-") as tmp:
        course, students = build_course(Path(tmp), args.students)
        for turn in range(args.repeat):
            for label, grade in (("plain nbgrader", plain_nbgrader),
                                 ("nb autograde --jobs 1", lambda c: ours(c, 1)),
                                 ("nb autograde --jobs 2", lambda c: ours(c, 2))):
                copy = Path(tmp) / f"{label.replace(' ', '_')}-{turn}"
                shutil.copytree(course, copy)
                runs[label].append(grade(copy) / len(students))
                scores[label] = totals(copy)
                shutil.rmtree(copy)
    per_student = {label: statistics.median(times) for label, times in runs.items()}
    plain = per_student["plain nbgrader"]
    for label, seconds in per_student.items():
        print(f"{label:24s} {seconds:6.1f} s per student ({len(students)} students; "
              f"runs {', '.join(f'{t:.1f}' for t in runs[label])})")
    one, two = per_student["nb autograde --jobs 1"], per_student["nb autograde --jobs 2"]
    print(f"plain nbgrader / nb autograde --jobs 1: {plain / one:.2f}x faster  goal >= {GOAL}x")
    print(f"plain nbgrader / nb autograde --jobs 2: {plain / two:.2f}x faster")
    for label, by_student in scores.items():
        print(f"totals, {label}: " + ", ".join(f"{s} {v:g}" for s, v in sorted(by_student.items())))
    figures = {"students": len(students), "per_student_s": per_student, "runs": runs,
               "speedup_jobs1": plain / one, "speedup_jobs2": plain / two, "totals": scores,
               "load_average_at_start": load}
    (REPO / "bench" / "nbgrader_results.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
