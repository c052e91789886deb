"""Faulty submissions graded in the real sandbox: a fault costs its own function's points only.

Each fault (tests/faults/faults.py) is graded with short limits, restricted to the faulty function
and a few others. Grading must finish, the faulty function must score 0 with a message that says
what happened, every other function must keep its full rubric points, and no process the
submission started may survive.
"""
from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from pathlib import Path

import pytest

from autograder.contract import MODULES
from autograder.engine.grading import grade_submission
from autograder.engine.scoring import GradeReport
from autograder.rubric import load_rubric
from autograder.sandbox.limits import Limits
from tests.faults.faults import FAULTS, TAG, Fault, build, replace_definition, tag_statement
from tests.support import copy_solutions

LIMITS = Limits(timeout_s=8, memory_mb=768)
# What the runner itself may wait after a check: up to 10 s for a killed worker to be reaped,
# 2 s for one that ended on its own, 2 s for one asked to quit, plus time to remove its cgroup.
KILL_GRACE_S = 20.0


def wall_clock_bound(limits: Limits, checks: int) -> float:
    """The longest grading may take if every check times out and then waits for a fresh worker."""
    return limits.load_timeout_s + checks * (limits.timeout_s + limits.load_timeout_s + KILL_GRACE_S)


def marked_processes(marker: str) -> list[str]:
    """Processes whose name or command line carries ``marker``: ``pid name``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in name or marker in cmdline:
            found.append(f"{entry.name} {name}")
    return found


class ProcessWatch:
    """Polls for processes carrying a marker while grading runs; remembers whether it saw any."""

    def __init__(self, marker: str):
        self.marker, self.seen = marker, False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.1):
            self.seen = self.seen or bool(marked_processes(self.marker))

    def __enter__(self) -> "ProcessWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def survivors(marker: str, wait_s: float = 10.0) -> list[str]:
    """The marked processes still there after ``wait_s`` (killed ones take a moment to go)."""
    deadline = time.monotonic() + wait_s
    while (left := marked_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def grade_within(bound_s: float, path: Path, **kwargs) -> GradeReport:
    """grade_submission in a thread; fails the test if it has not returned within ``bound_s``."""
    result: dict = {}

    def run():
        try:
            result["report"] = grade_submission(path, runner="sandbox", **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    start = time.monotonic()
    thread.start()
    thread.join(bound_s)
    assert not thread.is_alive(), f"grading did not finish within {bound_s:.0f} s"
    if "error" in result:
        raise result["error"]
    print(f"graded in {time.monotonic() - start:.1f} s")
    return result["report"]


def exercise_points(function: str) -> float:
    """The rubric's points for the row of ``function`` (its own checks)."""
    return sum(spec.points for spec in load_rubric().checks if spec.exercise == function)


def assert_contained(report: GradeReport, fault: Fault, expect: tuple[str, ...]) -> None:
    rows = {row.exercise: row for row in report.rows()}
    for function in fault.faulty:
        row = rows[function]
        assert row.max_score == exercise_points(function) > 0
        assert row.score == 0, f"{function} kept {row.score} points"
        assert not any(result.passed for result in row.results)
        for word in expect:   # the message the report's table shows for this function
            assert word.lower() in row.first_failure.lower(), f"{word!r} not in {row.first_failure!r}"
    for function in fault.others:
        row = rows[function]
        assert row.max_score == exercise_points(function) > 0
        assert row.score == row.max_score, \
            f"{function} lost points: {[(r.spec.id, r.message) for r in row.results if not r.passed]}"
    for result in report.results:   # end-to-end checks not touching the fault keep theirs too
        if not set(result.spec.functions) & set(fault.faulty):
            assert result.passed, f"{result.spec.id}: {result.message}"
        assert "Traceback" not in result.message


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS, ids=[f.id for f in FAULTS])
def test_a_fault_costs_only_its_own_function(fault, tmp_path):
    _graded_and_contained(fault, tmp_path, zygote=False)


# The faults that end, fill or multiply the worker's processes, in a worker forked by grade-all's
# zygote (engine/zygote.py): its limits, its messages and its clean-up are a fresh worker's.
FORKED_FAULTS = [f for f in FAULTS if f.id in {"infinite_loop", "memory_bomb", "fork_bomb",
                                               "segfault", "huge_file", "output_flood"}]


@pytest.mark.slow
@pytest.mark.parametrize("fault", FORKED_FAULTS, ids=[f.id for f in FORKED_FAULTS])
def test_a_fault_costs_only_its_own_function_in_a_forked_worker(fault, tmp_path):
    _graded_and_contained(fault, tmp_path, zygote=True)


def _forks() -> int:
    from autograder.engine.zygote import Zygote

    return Zygote.forks_in_process


def _graded_and_contained(fault: Fault, tmp_path: Path, zygote: bool) -> None:
    marker = "d2lf" + uuid.uuid4().hex[:10]
    built = build(fault, tmp_path, marker)
    limits = dataclasses.replace(LIMITS, memory_mb=fault.memory_mb or LIMITS.memory_mb)
    functions = set(fault.faulty) | set(fault.others)
    bound = wall_clock_bound(limits, len(load_rubric().select(functions).checks))
    forks = _forks()
    with ProcessWatch(marker) as watch:
        report = grade_within(bound, built.path, seed=3, functions=functions, limits=limits,
                              zygote=zygote)
    assert_contained(report, fault, built.expect)
    if zygote:
        assert _forks() > forks, "no worker was forked: the zygote did not run"
    assert survivors(marker) == []
    if TAG in fault.source and "timed out" in fault.expect:
        assert watch.seen, "the hanging process was never seen: the marker does not work"


def test_the_registry_covers_the_issue():
    ids = {fault.id for fault in FAULTS}
    assert len(FAULTS) >= 12
    for fault in FAULTS:
        modules = {f for f in fault.others if f in MODULES[fault.module]}
        assert set(fault.others).isdisjoint(fault.faulty)
        assert len(fault.others) >= 2 and (modules or fault.delete)
        assert set(fault.others) - modules, f"{fault.id}: no other function from another module"
    assert {"infinite_loop", "memory_bomb", "fork_bomb", "output_flood", "huge_file", "segfault",
            "syntax_error_in_one_function", "failing_import_at_the_top", "module_file_missing",
            "extra_required_parameter", "returns_a_list", "non_utf8_bytes"} <= ids


HANGS_ON_LARGE_LOGITS = """
def softmax(X):
    {tag}
    if X.abs().max() > 500:   # only the overflow check's inputs reach this
        while True:
            pass
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(1, keepdim=True)
"""


@pytest.mark.slow
def test_a_hang_on_one_input_costs_that_check_and_the_function_s_later_ones(tmp_path):
    """The checks before the hang keep their points; the hanging check times out at its own
    limit; the function's later checks (and the training runs that use it) fail at once with that
    message; the worker is restarted for the next function, whose checks keep theirs."""
    marker = "d2lf" + uuid.uuid4().hex[:10]
    sub = copy_solutions(tmp_path)
    path = sub / "exercises" / "softmax_regression.py"
    source = HANGS_ON_LARGE_LOGITS.format(tag=tag_statement(marker))
    path.write_text(replace_definition(path.read_text(), "softmax", source))
    # softmax.from_scratch fails too (hung), but a check that hung or crashed says nothing about
    # library shortcuts: the checks before the hang keep their points.
    rubric = load_rubric().select({"softmax", "cross_entropy"})
    report = grade_within(wall_clock_bound(LIMITS, len(rubric.checks)), sub, seed=5,
                          rubric=rubric, limits=LIMITS)
    by_id = {r.spec.id: r for r in report.results}
    assert set(by_id) == set(rubric.ids)
    order = list(rubric.ids)
    hung = by_id.pop("softmax.stable")
    limit = LIMITS.check_timeout_s("softmax.stable")
    assert hung.score == 0 and f"timed out after {round(limit, 1):g} s" in hung.message
    for check_id, result in by_id.items():
        if order.index(check_id) < order.index("softmax.stable") or "softmax" not in result.spec.functions:
            assert result.passed and result.score == result.spec.points, (check_id, result.message)
            continue
        assert result.seconds < 1.0, f"{check_id} waited {result.seconds:.1f} s after the hang"
        if result.spec.functions == ("softmax",):
            assert not result.passed and "softmax hung in softmax.stable" in result.message, \
                (check_id, result.message)
        elif not result.passed:   # an end-to-end run with softmax: the scoring says whom it charges
            assert "softmax" in result.message, (check_id, result.message)
    assert any(order.index(i) > order.index("softmax.stable") and "softmax" not in by_id[i].spec.functions
               for i in by_id), "no other function's check ran after the hang"
    assert survivors(marker) == []
