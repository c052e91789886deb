"""`nb autograde` as a class-sized run: several students at a time, stopped halfway and resumed.

A small course of four students who hand in regularization.ipynb (the reference, and three with
one bug each), graded on two of its functions so that a run takes seconds. The console command is
killed (SIGKILL, no chance to clean up) as soon as it has recorded its first student; the rerun
keeps that student, grades the rest, and a third run grades only the one whose submission changed
since. --jobs 2 gives the same gradebook as --jobs 1.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.nb.layout import grade_cell_id, solution_id
from tests.nb_support import answer_sources, fill_in

ASSIGNMENT = "d2l"
CLI = Path(sys.executable).with_name("autograder")
ONLY = ("l1_loss", "huber_loss")
BUGS = {"bo": ("l1_loss", "def l1_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2\n"),
        "cy": ("huber_loss", "def huber_loss(y_hat, y, delta=1.0):\n    return y_hat * 0\n"),
        "di": ("l1_loss", "def l1_loss(y_hat, y):\n    return y_hat.sum() * 0\n")}


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _course(tmp_path: Path) -> Path:
    """Released, with submitted/STUDENT/d2l/regularization.ipynb as nbgrader's collect leaves it."""
    course = tmp_path / "course"
    _cli("nb", "init", str(course), "--course-id", "runs", "--exchange", str(tmp_path / "exchange"))
    _cli("nb", "build", str(course))
    _cli("nb", "release", ASSIGNMENT, "--course", str(course))
    answers = answer_sources(course / "source" / ASSIGNMENT / "regularization.ipynb")
    for student in ("al", *BUGS):
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(course / "release" / ASSIGNMENT / "regularization.ipynb", folder)
        (folder / "timestamp.txt").write_text("2026-12-01 12:00:00.000000 UTC")
        mine = dict(answers)
        if student in BUGS:
            function, source = BUGS[student]
            mine[solution_id(function)] = source
        fill_in(folder / "regularization.ipynb", mine)
    return course


def _command(course: Path, *extra: str) -> list[str]:
    only = [a for name in ONLY for a in ("--only", name)]
    return [str(CLI), "nb", "autograde", ASSIGNMENT, "--course", str(course), "--seed", "3", *only,
            *extra]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _markers(course: Path) -> list[str]:
    return sorted(p.parent.name for p in course.glob(f"autograded/*/.autograder-{ASSIGNMENT}.json"))


def _scores(course: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "runs") as gradebook:
        return {s.student.id: {g.name: float(g.auto_score or 0) for nb in s.notebooks for g in nb.grades}
                for s in gradebook.find_assignment(ASSIGNMENT).submissions}


@pytest.mark.slow
def test_a_killed_run_keeps_what_it_finished_and_a_rerun_grades_only_what_changed(tmp_path):
    course = _course(tmp_path)
    proc = subprocess.Popen(_command(course, "--jobs", "1"), env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 600
    while not _markers(course) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = _markers(course)
    assert 1 <= len(finished) < 4, (finished, proc.stdout.read().decode()[-2000:])
    halfway = _scores(course)  # a student sanitised but not recorded yet holds 0, not full marks
    for student, scores in halfway.items():
        if student not in finished:
            assert not any(scores.values()), (student, scores)

    rerun = subprocess.run(_command(course, "--jobs", "2"), env=_env(), capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    for student in finished:
        assert f"{student}: skipped, unchanged" in rerun.stdout, rerun.stdout
    assert _markers(course) == ["al", "bo", "cy", "di"]
    scores = _scores(course)
    assert scores["al"][grade_cell_id("l1_loss")] == 2 and scores["al"][grade_cell_id("huber_loss")] == 3
    for student, (function, _) in BUGS.items():
        assert scores[student][grade_cell_id(function)] == 0, (student, scores[student])
        other = next(f for f in ONLY if f != function)
        assert scores[student][grade_cell_id(other)] > 0, (student, scores[student])

    # bo fixes l1_loss and submits again: only bo is graded
    path = course / "submitted" / "bo" / ASSIGNMENT / "regularization.ipynb"
    fill_in(path, answer_sources(course / "source" / ASSIGNMENT / "regularization.ipynb"))
    third = subprocess.run(_command(course, "--jobs", "2"), env=_env(), capture_output=True, text=True)
    assert third.returncode == 0, third.stdout[-2000:] + third.stderr[-2000:]
    assert third.stdout.count("skipped, unchanged") == 3, third.stdout
    assert _scores(course)["bo"] == scores["al"]
    jobs2 = _scores(course)

    # the same class from scratch at --jobs 1 gives the same gradebook
    again = _course(tmp_path / "again")
    fill_in(again / "submitted" / "bo" / ASSIGNMENT / "regularization.ipynb",
            answer_sources(again / "source" / ASSIGNMENT / "regularization.ipynb"))
    assert subprocess.run(_command(again, "--jobs", "1"), env=_env(), capture_output=True).returncode == 0
    assert _scores(again) == jobs2
    graded = nbformat.read(str(course / "autograded" / "cy" / ASSIGNMENT / "regularization.ipynb"),
                           as_version=4)
    cell = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == grade_cell_id("huber_loss"))
    assert "FAILED" in cell.outputs[0]["text"], cell.outputs
