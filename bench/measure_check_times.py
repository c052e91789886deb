"""Measure how long each hidden check's scenario takes on the reference solutions, in the sandbox,
and write the table the per-check time limits are derived from (autograder/sandbox/check_seconds.toml).

    .venv/bin/python bench/measure_check_times.py [--warm-runs 3] [--cold-runs 1] [--only softmax]
    .venv/bin/python bench/measure_check_times.py --show   # the table and the limits it gives

Each check is timed the way the grader times it (from the request to the worker until its reply is
read, on the trusted side), both in a warm worker (all checks in rubric order, as grading runs
them: --warm-runs passes) and as the first check of a fresh worker that has just loaded the
submission (what a check pays after a worker was restarted: --cold-runs passes). The slowest of
those is what the limit is derived from: ``Limits.check_timeout_s``. With --only, the other checks
keep the times already in the table. Rerun after changing a scenario or the reference.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.data import locate_fashion_mnist  # noqa: E402
from autograder.engine.sandboxed import SandboxedRunner  # noqa: E402
from autograder.rubric import load_rubric  # noqa: E402
from autograder.sandbox.limits import CHECK_SECONDS_FILE, Limits, reference_check_seconds  # noqa: E402

SEED = 1
# Measuring must not be cut short by the limits it is about to set.
MEASURING = Limits(timeout_s=600.0, per_check=False)


def timed_run(runner: SandboxedRunner, check_id: str, seed: int) -> float:
    """Seconds the check took, as the trusted side waits for it; raises if it did not pass its
    scenario (the reference must run every scenario without an error)."""
    start = time.perf_counter()
    outcome = runner.run(check_id, seed)
    elapsed = time.perf_counter() - start
    if outcome.error:
        raise SystemExit(f"{check_id}: the reference failed its scenario: {outcome.error}")
    return max(elapsed, outcome.seconds)


def check_seed(spec) -> int:
    return spec.seed if spec.seed is not None else SEED


def measure_warm(specs, data_root: Path, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {spec.id: [] for spec in specs}
    for run in range(runs):
        start = time.perf_counter()
        with SandboxedRunner(REPO / "solutions", data_root, MEASURING) as runner:
            if not runner.ready():
                raise SystemExit(f"the reference could not be loaded: {runner.load_report}")
            for spec in specs:
                times[spec.id].append(timed_run(runner, spec.id, check_seed(spec)))
        print(f"warm pass {run + 1}/{runs}: {time.perf_counter() - start:.1f} s", flush=True)
    return times


def measure_cold(specs, data_root: Path, runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {spec.id: [] for spec in specs}
    for run in range(runs):
        start = time.perf_counter()
        for number, spec in enumerate(specs, 1):
            with SandboxedRunner(REPO / "solutions", data_root, MEASURING) as runner:
                if not runner.ready():
                    raise SystemExit(f"the reference could not be loaded: {runner.load_report}")
                times[spec.id].append(timed_run(runner, spec.id, check_seed(spec)))
            if number % 10 == 0:
                print(f"  cold {number}/{len(specs)}", flush=True)
        print(f"cold pass {run + 1}/{runs}: {time.perf_counter() - start:.1f} s", flush=True)
    return times


def read_table(path: Path) -> dict[str, dict[str, float]]:
    import tomllib

    try:
        return {k: dict(v) for k, v in tomllib.loads(path.read_text()).get("seconds", {}).items()}
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def write_table(path: Path, table: dict[str, dict[str, float]], note: str) -> None:
    order = [spec.id for spec in load_rubric().checks]
    ids = sorted(table, key=lambda i: (order.index(i) if i in order else len(order), i))
    lines = [
        "# Seconds each hidden check's scenario takes on the reference solutions (solutions/), in the",
        "# sandbox, from the request to the worker until its reply is read: `warm` in a worker that ran",
        "# the checks before it (the slowest of the passes), `cold` as the first check of a fresh worker.",
        "# A check's time limit is max(floor, multiple x the slower of the two), capped by --timeout",
        "# (autograder/sandbox/limits.py). Written by bench/measure_check_times.py; do not edit by hand.",
        f"# {note}",
        "",
        "[seconds]",
    ]
    for check_id in ids:
        entry = ", ".join(f"{k} = {table[check_id][k]:.3f}" for k in ("warm", "cold") if k in table[check_id])
        lines.append(f'"{check_id}" = {{ {entry} }}')
    path.write_text("\n".join(lines) + "\n")


def show(limits: Limits = Limits()) -> None:
    measured = reference_check_seconds()
    for spec in load_rubric().checks:
        seconds = measured.get(spec.id)
        shown = "not measured" if seconds is None else f"{seconds:7.3f} s"
        print(f"{spec.id:48s} {shown}  limit {limits.check_timeout_s(spec.id):5.1f} s")
    summarize(measured, limits)


def summarize(measured: dict[str, float], limits: Limits = Limits()) -> None:
    values = sorted(measured.values())
    if not values:
        print("no measured checks")
        return
    slowest = max(measured, key=measured.get)
    print(f"{len(values)} checks: min {values[0]:.3f} s, median {statistics.median(values):.3f} s, "
          f"max {values[-1]:.3f} s ({slowest}), total {sum(values):.1f} s")
    at_floor = sum(limits.timeout_multiple * s <= limits.floor_s(i) for i, s in measured.items())
    largest = max(min(limits.timeout_s, max(limits.floor_s(i), limits.timeout_multiple * s))
                  for i, s in measured.items())
    print(f"limits ({limits.timeout_multiple:g}x, floor {limits.timeout_floor_s:g} s, "
          f"{limits.training_timeout_floor_s:g} s for training runs, cap {limits.timeout_s:g} s): "
          f"{at_floor} at their floor, largest {largest:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=1)
    parser.add_argument("--only", action="append", default=[], metavar="FUNCTION",
                        help="measure only the checks of FUNCTION (repeatable)")
    parser.add_argument("--out", type=Path, default=CHECK_SECONDS_FILE)
    parser.add_argument("--show", action="store_true", help="print the table and its limits, measure nothing")
    args = parser.parse_args()
    if args.show:
        show()
        return 0
    rubric = load_rubric()
    specs = rubric.select(set(args.only)).checks if args.only else rubric.checks
    data_root = locate_fashion_mnist(None)
    load = os.getloadavg()[0]
    print(f"{len(specs)} checks; {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}")
    warm = measure_warm(specs, data_root, args.warm_runs) if args.warm_runs > 0 else {}
    cold = measure_cold(specs, data_root, args.cold_runs) if args.cold_runs > 0 else {}
    table = read_table(args.out)
    for spec in specs:
        entry = {}
        if warm.get(spec.id):
            entry["warm"] = max(warm[spec.id])
        if cold.get(spec.id):
            entry["cold"] = max(cold[spec.id])
        table[spec.id] = entry
    known = set(rubric.ids)
    table = {k: v for k, v in table.items() if k in known}
    note = (f"Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} "
            f"cores (load average {load:.1f} at start), {args.warm_runs} warm and {args.cold_runs} "
            f"cold passes, seed {SEED}.")
    write_table(args.out, table, note)
    print(f"wrote {args.out}")
    reference_check_seconds.cache_clear()
    summarize(reference_check_seconds(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
