"""`make bench`: how fast and how big grading is on this machine.

    .venv/bin/python bench/grading.py [--repeat 3] [--class-size 200] [--ratio-size 24]
                                      [--skip-class] [--hang-only] [--watch-only]

Reports, for the reference solutions: the wall time of `autograder grade` (sandboxed, as a user
runs it); the floor, i.e. the same checks graded in one process without the sandbox, also timed
as a whole process; their ratio; the peak resident size of the worker and of the trusted process;
where one grading's time goes (bench/phases.py); and `autograder grade-all` on a class that mixes
the reference, the example student, the stubs and the catalogue's mistakes: the first
--ratio-size at --jobs 1 and --jobs 2 (the speed-up) and at --jobs 2 without the zygote (each
submission's worker started afresh, as before it), the whole --class-size at --jobs 2. Goals
(issue 13): one grade within 6 s, 200 submissions within 10 minutes at --jobs 2 and at least
1.8x faster than --jobs 1, at most 1 GB for the worker and the trusted process together. Then,
side by side (in turns, so that the machine's load hits both alike), grading the reference and
grading the reference with one hanging function (softmax: `while True: pass`), both sandboxed:
goal (issue 9) at most 2x the clean time; and the checks' time with the worker's watch of torch
calls on and off. Nothing here is a test: the numbers are printed (and written to
bench/results.json).
"""
from __future__ import annotations

import argparse
import ast
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
PY = sys.executable
FLOOR = ("from autograder.engine.grading import grade_submission; "
         "r = grade_submission('solutions', seed=1, runner='in-process'); "
         "assert r.score == r.max_score, r.score")
# issue 13: one grade within 6 s, a class of 200 within 10 minutes at --jobs 2 (at least 1.8x
# faster than --jobs 1), at most 1 GB for the trusted process and the worker together; issue 9:
# one hanging function at most doubles a grading.
GOALS = {"grade_s": 6.0, "ratio": 1.5, "speedup": 1.8, "rss_mb": 1024.0, "hang_ratio": 2.0,
         "class_200_s": 600.0}
HANGING = "softmax"


def timed(cmd: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def grade_times(repeat: int, json_out: Path) -> tuple[list[float], dict]:
    times = [timed([PY, "-m", "autograder", "grade", "solutions", "--seed", "1", "--json",
                    str(json_out)]) for _ in range(repeat)]
    return times, json.loads(json_out.read_text())


def make_class(root: Path, size: int) -> Path:
    """A class of ``size`` submissions, each a separate folder (so that none is reused): the
    reference, the example student, the stubs and a catalogue mistake in turn (issue 13's mix),
    the mistakes taken in catalogue order."""
    from tests.catalogue import all_entries, mutated_source

    mistakes = all_entries()[0]
    sources = [("ref", REPO / "solutions"), ("bob", REPO / "examples" / "submissions" / "bob" / "exercises"),
               ("stubs", REPO / "exercises"), ("mistake", REPO / "solutions")]
    for number in range(size):
        name, source = sources[number % len(sources)]
        folder = root / f"{number:03d}-{name}" / "exercises"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__"))
        if name == "mistake":
            mistake = mistakes[(number // len(sources)) % len(mistakes)]
            path = folder / f"{mistake.module}.py"
            path.write_text(mutated_source(path.read_text(), mistake.source))
    return root


def class_time(klass: Path, jobs: int, zygote: bool = True) -> float:
    """grade-all as an instructor runs it: feedback pages included (``zygote=False``: a fresh
    sandboxed Python per submission, as before the zygote)."""
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out:
        return timed([PY, "-m", "autograder", "grade-all", str(klass), "--out", out, "--jobs",
                      str(jobs), "--seed", "1", *([] if zygote else ["--no-zygote"])])


def with_hanging_function(dest: Path, function: str = HANGING) -> Path:
    """A copy of the reference whose ``function`` (in softmax_regression.py) never returns."""
    shutil.copytree(REPO / "solutions", dest / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    path = dest / "exercises" / "softmax_regression.py"
    text = path.read_text()
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == function)
    lines = text.splitlines(keepends=True)
    signature = lines[node.lineno - 1].rstrip()   # the book's own (one line for these)
    hang = f"{signature}\n    while True:\n        pass\n"
    path.write_text("".join(lines[:node.lineno - 1]) + hang + "".join(lines[node.end_lineno:]))
    return dest


def hang_comparison(tmp: Path, repeat: int) -> dict:
    """Clean and one-hang grading of the reference, in turns; their medians and ratio."""
    clean_dir = Path(tmp) / "clean"
    shutil.copytree(REPO / "solutions", clean_dir / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    hang_dir = with_hanging_function(Path(tmp) / "hang")
    clean, hang, results = [], [], {}
    for _ in range(repeat):
        for name, folder, times in (("clean", clean_dir, clean), ("hang", hang_dir, hang)):
            out = Path(tmp) / f"{name}.json"
            times.append(timed([PY, "-m", "autograder", "grade", str(folder), "--seed", "1",
                                "--json", str(out)]))
            results[name] = json.loads(out.read_text())
    lost = [t for t in results["hang"]["tests"] if t["score"] < t["max_score"]]
    c, h = statistics.median(clean), statistics.median(hang)
    figures = {"hang_clean_s": c, "hang_s": h, "hang_ratio": h / c, "hang_clean_runs": clean,
               "hang_runs": hang, "hang_score": results["hang"]["score"],
               "hang_checks_lost": len(lost)}
    print(f"grade the reference, sandboxed:           median {c:.1f} s ({', '.join(f'{t:.1f}' for t in clean)})")
    print(f"... with a hanging {HANGING}:              median {h:.1f} s ({', '.join(f'{t:.1f}' for t in hang)}); "
          f"{results['hang']['score']:g} points, {len(lost)} checks lost")
    print(f"ratio one hang / clean:                  {h / c:.2f}x  goal <= {GOALS['hang_ratio']}x")
    return figures


WATCHED = ("import contextlib, sys, autograder.worker.execute as ex\n"
           "if sys.argv[1] == 'off':\n"
           "    ex.watching = contextlib.contextmanager(lambda student: (yield {}))\n"
           "from autograder.engine.grading import grade_submission\n"
           "r = grade_submission('solutions', seed=1, runner='in-process')\n"
           "assert r.score == r.max_score, r.score\n"
           "print(sum(c.seconds for c in r.results))")


def watch_comparison(repeat: int) -> dict:
    """The checks' time of the reference in one process with the worker's watch of torch calls
    (worker/watch.py) on and off, in turns; their medians and ratio (issue 9's from-scratch rule)."""
    runs: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(repeat):
        for mode, times in runs.items():
            out = subprocess.run([PY, "-c", WATCHED, mode], cwd=REPO, check=True,
                                 capture_output=True, text=True).stdout
            times.append(float(out.strip().splitlines()[-1]))
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    print(f"checks of the reference, watch on:       median {on:.1f} s; off: {off:.1f} s; "
          f"ratio {on / off:.2f}x")
    return {"watch_on_s": on, "watch_off_s": off, "watch_ratio": on / off,
            "watch_on_runs": runs["on"], "watch_off_runs": runs["off"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--class-size", type=int, default=200,
                        help="the class graded at --jobs 2 (issue 13: 200 within 10 minutes)")
    parser.add_argument("--ratio-size", type=int, default=24,
                        help="the first submissions of the same mix, graded at --jobs 1 and 2 for the speed-up")
    parser.add_argument("--skip-class", action="store_true")
    parser.add_argument("--watch-only", action="store_true",
                        help="only the side-by-side watch on / off measurement")
    parser.add_argument("--hang-only", action="store_true",
                        help="only the side-by-side clean / one-hang measurement")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at start")
    if args.watch_only:
        print(json.dumps(watch_comparison(args.repeat), indent=2))
        return 0
    if args.hang_only:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            figures = hang_comparison(Path(tmp), args.repeat)
        figures["load_average_at_start"] = load
        print(json.dumps(figures, indent=2))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        grade, results = grade_times(args.repeat, Path(tmp) / "results.json")
        floor = [timed([PY, "-c", FLOOR]) for _ in range(args.repeat)]
        g, f = statistics.median(grade), statistics.median(floor)
        extra = results["extra_data"]
        rss = extra.get("worker_peak_rss_mb", 0.0)
        together = rss + extra.get("trusted_peak_rss_mb", 0.0)
        figures = {"grade_s": g, "floor_s": f, "ratio": g / f, "rss_mb": rss,
                   "trusted_rss_mb": extra.get("trusted_peak_rss_mb", 0.0), "together_rss_mb": together,
                   "grade_runs": grade, "floor_runs": floor,
                   "load_seconds": extra["load_seconds"], "check_seconds": extra["check_seconds"]}
        print(f"autograder grade solutions (sandboxed): median {g:.1f} s of {args.repeat} "
              f"({', '.join(f'{t:.1f}' for t in grade)})  goal <= {GOALS['grade_s']:.0f} s")
        print(f"same checks in one process (floor):      median {f:.1f} s "
              f"({', '.join(f'{t:.1f}' for t in floor)})")
        print(f"ratio sandboxed / floor:                 {g / f:.2f}x  goal <= {GOALS['ratio']}x")
        print(f"peak RSS, worker + trusted process:      {rss:.0f} + {figures['trusted_rss_mb']:.0f} = "
              f"{together:.0f} MB  goal <= {GOALS['rss_mb']:.0f} MB")
        from phases import breakdown, print_breakdown  # bench/phases.py: where the time goes
        print("where one grading's time goes (in this process, sandboxed):")
        phases = breakdown(REPO / "solutions")
        print_breakdown(phases, top=10)
        figures["phases"] = {k: v for k, v in phases.items() if k != "checks"}
        if not args.skip_class:
            klass = make_class(Path(tmp) / "class", args.class_size)
            part = make_class(Path(tmp) / "part", min(args.class_size, args.ratio_size))
            one, two = class_time(part, 1), class_time(part, 2)
            fresh = class_time(part, 2, zygote=False)
            whole = class_time(klass, 2) if args.class_size > args.ratio_size else two
            figures.update({"class_size": args.class_size, "ratio_size": args.ratio_size,
                            "jobs1_s": one, "jobs2_s": two, "speedup": one / two,
                            "jobs2_no_zygote_s": fresh, "zygote_speedup": fresh / two,
                            "class_jobs2_s": whole})
            n = min(args.class_size, args.ratio_size)
            print(f"grade-all, {n} submissions, --jobs 1: {one:.0f} s ({n / one * 60:.1f} per minute)")
            print(f"grade-all, {n} submissions, --jobs 2: {two:.0f} s ({n / two * 60:.1f} per minute)")
            print(f"... --jobs 2 --no-zygote (a fresh sandboxed Python each): {fresh:.0f} s; "
                  f"the zygote's speed-up {fresh / two:.2f}x")
            print(f"speed-up with 2 jobs:                    {one / two:.2f}x  goal >= {GOALS['speedup']}x")
            goal = GOALS["class_200_s"] * args.class_size / 200
            print(f"grade-all, {args.class_size} submissions (reference, bob, stubs, catalogue mistakes), "
                  f"--jobs 2: {whole:.0f} s  goal <= {goal:.0f} s")
        figures.update(hang_comparison(Path(tmp), args.repeat))
        figures.update(watch_comparison(args.repeat))
    figures["load_average_at_start"] = load
    (REPO / "bench" / "results.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
