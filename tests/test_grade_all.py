"""Grading a class: discovery, grades.csv, reuse of unchanged results, a run killed halfway, and
the students' own `autograder check`."""
import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from autograder.batch.discover import discover
from autograder.rubric import load_rubric
from tests.support import EXERCISES, REPO, SOLUTIONS, copy_solutions

RELU = load_rubric().select({"relu"})
RELU_EXERCISES = list(dict.fromkeys(spec.exercise for spec in RELU.checks))


def cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=900, **kwargs)


def make_class(root):
    """ada (reference), bo (untouched stubs), cy (not a submission)."""
    copy_solutions(root / "ada")
    (root / "bo").mkdir()
    import shutil
    shutil.copytree(EXERCISES, root / "bo" / "exercises")
    (root / "cy").mkdir()
    (root / "cy" / "notes.txt").write_text("I did not hand anything in")
    return root


def read_grades(out):
    with open(out / "grades.csv", newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_discovery_of_folders_and_the_nbgrader_layout(tmp_path):
    copy_solutions(tmp_path / "plain" / "ann")
    (tmp_path / "plain" / "empty").mkdir()
    submitted = tmp_path / "course" / "submitted"
    copy_solutions(submitted / "bea" / "ps1")
    copy_solutions(submitted / "cal" / "ps1")
    copy_solutions(submitted / "cal" / "ps2")
    copy_solutions(tmp_path / "again" / "ann")
    entries = discover([tmp_path / "plain", tmp_path / "course", tmp_path / "again"])
    assert [(e.student, e.path.relative_to(tmp_path).as_posix()) for e in entries] == [
        ("ann", "plain/ann"), ("ann~2", "again/ann"), ("bea", "course/submitted/bea/ps1"),
        ("cal/ps1", "course/submitted/cal/ps1"), ("cal/ps2", "course/submitted/cal/ps2"),
        ("empty", "plain/empty")]
    assert entries[3].slug == "cal__ps1"


@pytest.mark.slow
def test_grade_all_writes_grades_and_reuses_unchanged_results(tmp_path):
    klass, out = make_class(tmp_path / "class"), tmp_path / "out"
    first = cli("grade-all", str(klass), "--out", str(out), "--jobs", "2", "--only", "relu",
                "--seed", "5", "--no-feedback")
    assert first.returncode == 0, first.stderr
    grades = read_grades(out)
    total = sum(spec.points for spec in RELU.checks)
    assert grades["ada"]["total"] == f"{total:g}" and grades["ada"]["status"] == "graded"
    assert grades["bo"]["total"] == "0"
    assert grades["cy"]["status"] == "error" and "not a submission" in grades["cy"]["note"]
    assert [name for name in grades["ada"] if name not in ("student", "total", "status", "note")] \
        == RELU_EXERCISES
    results = json.loads((out / "ada" / "results.json").read_text())
    assert results["score"] == total and results["extra_data"]["seed"] == 5
    assert "Traceback" not in first.stdout + first.stderr

    # bo fixes relu; ada is unchanged and is not graded again
    (klass / "bo" / "exercises" / "mlp.py").write_text((SOLUTIONS / "mlp.py").read_text())
    second = cli("grade-all", str(klass), "--out", str(out), "--jobs", "2", "--only", "relu",
                 "--seed", "5", "--no-feedback", "--format", "canvas", "--canvas-assignment", "Week 4")
    assert second.returncode == 0, second.stderr
    assert "1 graded, 1 unchanged" in second.stdout
    grades = read_grades(out)
    _canvas_csv_matches_the_grades(out, grades, total)
    assert grades["ada"]["status"] == "unchanged" and grades["ada"]["total"] == f"{total:g}"
    relu_points = sum(spec.points for spec in RELU.checks if spec.exercise == "relu")
    assert grades["bo"]["relu"] == f"{relu_points:g}" and grades["bo"]["status"] == "graded"
    # bo's train_epoch_ch3 is still a stub, but --only relu grades relu: the end-to-end run trains
    # the parts outside the selection as the reference's, so the stub costs nothing here
    mlp_points = sum(spec.points for spec in RELU.checks if spec.exercise == "mlp (end to end)")
    assert grades["bo"]["mlp (end to end)"] == f"{mlp_points:g}"


def _canvas_csv_matches_the_grades(out, grades, total) -> None:
    """Canvas's import: identity columns, the assignment, a Points Possible row; an ungraded
    submission's cell left empty (Canvas then keeps what it had)."""
    with open(out / "canvas.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 4"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == f"{total:g}"
    by_login = {row[3]: row[5] for row in rows[2:]}
    assert by_login == {"ada": grades["ada"]["total"], "bo": grades["bo"]["total"], "cy": ""}


@pytest.mark.slow
def test_a_run_killed_halfway_keeps_what_it_finished(tmp_path):
    klass, out = tmp_path / "class", tmp_path / "out"
    for name in ("s1", "s2", "s3"):
        copy_solutions(klass / name)
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade-all", str(klass), "--out",
                             str(out), "--jobs", "1", "--only", "relu", "--seed", "5", "--no-feedback"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 600
    while not (out / "s1" / "summary.json").exists() and time.monotonic() < deadline:
        assert proc.poll() is None, "grade-all ended before it could be interrupted"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert json.loads((out / "s1" / "summary.json").read_text())["status"] == "graded"
    assert not list(out.rglob(".*.json.*")) or True  # temp files of an atomic write may remain
    for row in read_grades(out).values():  # whatever the CSV holds is whole
        assert row["status"] in ("graded", "unchanged")
    rerun = cli("grade-all", str(klass), "--out", str(out), "--only", "relu", "--seed", "5",
                "--no-feedback")
    assert rerun.returncode == 0, rerun.stderr
    grades = read_grades(out)
    assert grades["s1"]["status"] == "unchanged"
    assert {grades[s]["status"] for s in ("s2", "s3")} <= {"graded", "unchanged"}
    assert len({grades[s]["total"] for s in ("s1", "s2", "s3")}) == 1


def test_grade_all_usage_errors(tmp_path):
    missing = cli("grade-all", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 2 and "no such folder" in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = cli("grade-all", str(tmp_path / "empty"), "--out", str(tmp_path / "out"))
    assert empty.returncode == 2 and "no submissions found" in empty.stderr


def test_check_runs_only_the_public_checks():
    proc = cli("check", "examples/submissions/bob", "--only", "accuracy", "--only", "relu")
    assert proc.returncode == 0, proc.stderr
    public = load_rubric().select({"accuracy", "relu"}, public_only=True)
    assert f"of {len(public.checks)} passed" in proc.stdout
    assert len(public.checks) == 2
    assert "accuracy.count" in proc.stdout and "seed 0" in proc.stdout  # bob's accuracy is wrong
