"""Hangs cost seconds: a function that hung once fails its later checks at once, and each check's
time limit comes from the reference's measured time for it (a multiple, with a floor, capped by
--timeout), not one long limit for all.

Nothing here asserts how fast this machine is: the sandboxed test looks at the seconds recorded per
check to see that the checks after the hang did not wait, not at how long grading took.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from autograder.engine.grading import grade_submission
from autograder.engine.sandboxed import SandboxedRunner, checked_functions
from autograder.rubric import load_rubric
from autograder.sandbox.limits import (TIMEOUT_FLOOR_S, TIMEOUT_MULTIPLE, TRAINING_TIMEOUT_FLOOR_S,
                                       Limits, derived_timeout_s, reference_check_seconds)
from autograder.worker.outcome import ScenarioOutcome
from tests.faults.faults import replace_definition, tag_statement
from tests.support import copy_solutions
from tests.test_faults import survivors

HANGING_SOFTMAX = """
def softmax(X):
    {tag}
    while True:
        pass
"""
def shown(seconds: float) -> str:
    """A limit as the messages show it."""
    return f"{round(seconds, 1):g}"


# A check that did not wait for anything: its verdict on an error, plus pytest's bookkeeping.
AT_ONCE_S = 1.0


def test_a_hung_function_fails_its_later_checks_at_once(tmp_path):
    marker = "d2lh" + uuid.uuid4().hex[:10]
    sub = copy_solutions(tmp_path)
    path = sub / "exercises" / "softmax_regression.py"
    path.write_text(replace_definition(path.read_text(), "softmax",
                                       HANGING_SOFTMAX.format(tag=tag_statement(marker))))
    report = grade_submission(sub, seed=7, functions=["softmax", "cross_entropy"], runner="sandbox")
    uses_softmax = [r for r in report.results if "softmax" in r.spec.functions]
    first, *later = uses_softmax
    limit = Limits().check_timeout_s(first.spec.id)
    assert first.spec.id == "softmax.values"
    assert limit < Limits().timeout_s, "the first check's limit is not derived from the reference's time"
    assert not first.passed and f"timed out after {shown(limit)} s" in first.message, first.message
    assert first.seconds >= limit, "the hung check did not wait for its limit"
    assert len(later) >= 5 and any(len(r.spec.functions) > 1 for r in later)
    for result in later:
        if result.spec.functions == ("softmax",):
            assert not result.passed and result.score == 0, result.spec.id
            assert result.message == (f"softmax hung in softmax.values (timed out after {shown(limit)} s): "
                                      "its other checks are not run")
        else:   # the end-to-end run: with the reference's softmax (the plugin's rerun), or none
            assert "softmax" in result.message, result.message
            assert result.passed or "softmax" not in result.functions or result.seconds < AT_ONCE_S
        if not result.passed:
            assert result.seconds < AT_ONCE_S, f"{result.spec.id} waited {result.seconds:.1f} s"
    others = [r for r in report.results if "softmax" not in r.spec.functions]
    assert len(others) >= 4
    for result in others:   # cross_entropy, graded by the worker started after the hang
        assert result.passed and result.score == result.spec.points, (result.spec.id, result.message)
    assert survivors(marker) == []


def test_a_slow_load_does_not_count_against_the_first_check(tmp_path):
    """The worker's load has its own timeout (load_timeout_s): the first check's limit starts
    once the submission is loaded, so a module that takes longer to import than that limit
    still has its first check judged."""
    sub = copy_solutions(tmp_path)
    path = sub / "exercises" / "regularization.py"
    slow_s = Limits().check_timeout_s("l2_penalty.values") + 2
    path.write_text(path.read_text() + f"\nimport time\ntime.sleep({slow_s})  # the book's plots, say\n")
    report = grade_submission(sub, seed=3, functions=["l2_penalty"], runner="sandbox")
    first = report.results[0]
    assert first.spec.id == "l2_penalty.values"
    assert first.passed, first.message
    assert first.seconds >= slow_s  # it waited for the load, then ran within its own limit
    assert report.score == report.max_score, [(r.spec.id, r.message) for r in report.results if not r.passed]


def test_the_limit_table_covers_every_rubric_check():
    measured = reference_check_seconds()
    missing = sorted(set(load_rubric().ids) - set(measured))
    assert not missing, ("checks without a measured reference time (they get the --timeout cap): "
                         f"{missing}; run .venv/bin/python bench/measure_check_times.py "
                         + " ".join(f"--only {checked_functions(i)[0]}" for i in missing[:3]))
    limits = Limits()
    for check_id in load_rubric().ids:
        seconds = measured[check_id]
        limit = limits.check_timeout_s(check_id)
        assert 0 < seconds < limits.timeout_s / 10, (check_id, seconds)
        floor = TRAINING_TIMEOUT_FLOOR_S if check_id.startswith("convergence.") else TIMEOUT_FLOOR_S
        assert limits.floor_s(check_id) == floor
        assert limit >= floor >= TIMEOUT_FLOOR_S, (check_id, limit)
        assert limit == min(limits.timeout_s, max(floor, TIMEOUT_MULTIPLE * seconds))
        # A correct student 10x slower than the reference, on a machine 2x busier, still passes.
        assert limit >= 20 * seconds, (check_id, seconds, limit)


def test_the_limit_is_a_multiple_with_a_floor_and_timeout_caps_it():
    assert derived_timeout_s(0.001) == TIMEOUT_FLOOR_S
    assert derived_timeout_s(2.0) == max(TIMEOUT_FLOOR_S, 2.0 * TIMEOUT_MULTIPLE)
    assert derived_timeout_s(0.1, floor_s=TRAINING_TIMEOUT_FLOOR_S) == TRAINING_TIMEOUT_FLOOR_S
    assert TIMEOUT_MULTIPLE >= 20 and TRAINING_TIMEOUT_FLOOR_S > TIMEOUT_FLOOR_S >= 2
    assert Limits().check_timeout_s("convergence.softmax_regression.all") >= TRAINING_TIMEOUT_FLOOR_S
    slowest = max(load_rubric().ids, key=lambda i: reference_check_seconds().get(i, 0.0))
    assert Limits(timeout_s=2).check_timeout_s(slowest) == 2           # --timeout caps every limit
    assert Limits(timeout_s=2).check_timeout_s("softmax.values") == 2
    assert Limits(per_check=False).check_timeout_s("softmax.values") == 60
    assert Limits().check_timeout_s("no.such.check") == Limits().timeout_s   # never measured
    assert Limits(timeout_floor_s=9).check_timeout_s("softmax.values") == 9


class _Worker:
    """A stand-in worker whose checks listed in ``hang`` time out."""

    def __init__(self, hang: set[str]):
        self.hang, self.asked, self.timed_out, self.limits = hang, [], False, []

    def alive(self) -> bool:
        return True

    def left_processes_behind(self) -> bool:
        return False

    def ask(self, check_id, seed, timeout_s=None, slow=None) -> ScenarioOutcome:
        self.asked.append(check_id)
        self.limits.append(timeout_s)
        self.timed_out = check_id in self.hang
        return ScenarioOutcome(check_id, None, "timed out after 4 s: ..." if self.timed_out else None, 0.0)


@pytest.fixture
def runner(tmp_path: Path):
    return SandboxedRunner(tmp_path, tmp_path, sandboxed=False)


def test_only_a_check_that_grades_one_function_marks_it_hung(runner):
    worker = runner._worker = _Worker({"convergence.softmax_regression.all", "softmax.values"})
    # An end-to-end run that times out does not say which of its parts hung: nothing remembered.
    assert runner.run("convergence.softmax_regression.all", 1).error.startswith("timed out")
    assert runner.hung == {}
    assert runner.run("softmax.values", 1).error.startswith("timed out")
    assert set(runner.hung) == {"softmax"}
    stable = runner.run("softmax.stable", 1)
    end_to_end = runner.run("convergence.softmax_regression.all", 1)
    assert runner.run("cross_entropy.values", 1).error is None
    assert worker.asked == ["convergence.softmax_regression.all", "softmax.values", "cross_entropy.values"]
    limit = Limits().check_timeout_s("softmax.values")
    assert stable.error == (f"softmax hung in softmax.values (timed out after {shown(limit)} s): its other "
                            "checks are not run")
    assert end_to_end.error == (f"softmax hung in softmax.values (timed out after {shown(limit)} s): the "
                                "checks that use it are not run")
    assert stable.seconds == end_to_end.seconds == 0.0


def test_a_rerun_with_the_hung_function_replaced_runs(runner):
    """The plugin reruns an end-to-end check with the reference's parts in place of the culprits
    (``check~reference:a,b``): with the hung function replaced it runs, at its check's limit."""
    worker = runner._worker = _Worker({"softmax.values"})
    runner.run("softmax.values", 1)
    rerun = "convergence.softmax_regression.all~reference:softmax"
    assert runner.run(rerun, 1).error is None
    assert worker.asked[-1] == rerun
    assert worker.limits[-1] == Limits().check_timeout_s("convergence.softmax_regression.all")
    still_uses_it = runner.run("convergence.softmax_regression.all~reference:cross_entropy", 1)
    assert still_uses_it.error.startswith("softmax hung in softmax.values")
    assert worker.asked[-1] == rerun
    # A rerun that leaves one student function, and times out: that function hung.
    worker.hang.add("convergence.mlp.all~reference:relu,init_mlp_params,mlp")
    runner.run("convergence.mlp.all~reference:relu,init_mlp_params,mlp", 1)
    assert runner.hung["train_epoch_ch3"][0] == "convergence.mlp.all"


def test_the_runner_knows_every_check_s_functions():
    for spec in load_rubric().checks:
        assert checked_functions(spec.id) == spec.functions
