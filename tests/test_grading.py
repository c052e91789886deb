"""Whole-submission grading through the real CLI and the pytest plugin: reference 100%, stubs 0."""
import json
import subprocess
import sys

import pytest

from autograder.engine.grading import GradingError, grade_submission
from autograder.rubric import load_rubric
from tests.support import EXERCISES, REPO, SOLUTIONS, copy_solutions


def run_cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_reference_solutions_score_full_marks_through_the_cli(tmp_path):
    out = tmp_path / "results.json"
    proc = run_cli("grade", str(SOLUTIONS), "--json", str(out), "--seed", "11")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    failed = [(t["name"], t["output"]) for t in results["tests"] if t["status"] != "passed"]
    assert not failed
    assert results["score"] == results["extra_data"]["max_score"] == load_rubric().total
    assert results["extra_data"]["seed"] == 11
    assert all(t["tags"] and t["max_score"] > 0 for t in results["tests"])
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_reference_solutions_score_full_marks_on_another_seed():
    report = grade_submission(SOLUTIONS, seed=987654)
    assert [r.spec.id for r in report.results if not r.passed] == []
    assert report.score == report.max_score


def test_untouched_stubs_score_zero_and_every_check_says_why(tmp_path):
    out = tmp_path / "stubs.json"
    proc = run_cli("grade", str(REPO), "--json", str(out), "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    assert results["score"] == 0
    for test in results["tests"]:
        assert test["status"] == "failed", test
        if len(test["tags"]) == 1:
            assert "not implemented yet" in test["output"], test
        else:  # an end-to-end check names the parts, each not implemented yet, and runs nothing
            assert "every part of yours it needs fails its own checks" in test["output"], test
            assert all(f"{name}: see " in test["output"] for name in test["tags"]), test
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("args, phrase", [
    (["grade", "no/such/dir"], "no such file or directory"),
    (["grade", "tests"], "not a submission"),
    (["grade", ".", "--only", "not_a_function"], "Invalid value"),
])
def test_usage_errors_exit_2_with_one_line(args, phrase):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert phrase in proc.stderr and "Traceback" not in proc.stderr


def test_grade_only_one_function_runs_just_its_checks():
    report = grade_submission(SOLUTIONS, seed=1, functions={"relu"})
    assert report.results and all("relu" in r.spec.functions for r in report.results)


def test_a_library_shortcut_zeroes_every_check_of_that_function(tmp_path):
    sub = copy_solutions(tmp_path)
    path = sub / "exercises" / "mlp.py"
    path.write_text(path.read_text() + "\n\ndef relu(X):\n    return torch.relu(X)\n")
    report = grade_submission(sub, seed=2, functions={"relu"})
    only_relu = [r for r in report.results if r.spec.functions == ("relu",)]
    assert only_relu and all(r.score == 0 for r in only_relu)
    assert any("torch.relu" in r.message for r in only_relu)
    assert any("not written from scratch" in r.message for r in only_relu)


def test_a_submissions_pytest_config_and_conftest_are_ignored(tmp_path):
    sub = copy_solutions(tmp_path)
    (sub / "exercises" / "mlp.py").write_text("def relu(X):\n    return X\n")
    hooks = ("import pytest\n@pytest.hookimpl(hookwrapper=True)\n"
             "def pytest_runtest_makereport(item, call):\n"
             "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n")
    for folder in (sub, sub / "exercises"):
        (folder / "conftest.py").write_text(hooks)
        (folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:python\n")
    report = grade_submission(sub, seed=4, functions={"relu"})
    values = [r for r in report.results if r.spec.id == "relu.values"]
    assert values and values[0].score == 0 and not values[0].passed


def test_missing_data_is_a_grading_error(tmp_path):
    with pytest.raises(GradingError, match="no Fashion-MNIST files"):
        grade_submission(SOLUTIONS, data_dir=str(tmp_path), seed=1, functions={"relu"})


def test_the_repo_exercises_are_the_stubs():
    assert (EXERCISES / "mlp.py").read_text().count("raise NotImplementedError()") >= 6
