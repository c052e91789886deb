"""Red team for the nbgrader path: notebooks whose cells attack the course, graded with the real
`autograder nb autograde` and `nb feedback` console commands, as an instructor runs them.

One course, one student per cheat (tests/redteam/notebook_cheats.py), every notebook answered with
the reference except the cheat's target. After autograde and feedback: nothing outside the
sandbox changed (the course folder outside autograded/ and feedback/, the gradebook's record of
the assignment, the grader's package and solutions, nbgrader's package, the instructor's $HOME),
no process a cell started is still running, and each cheat scores its honest part: 0 on its
target, and every other test cell its points (a module whose source reaches into the grader loses
its other functions too, on purpose).
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

import nbgrader
from autograder.cli import main
from autograder.nb.layout import grade_cell_id, graded_rows, solution_id
from tests.nb_support import answer_sources, fetch, fill_in, submit
from tests.redteam.host import _survivors, _tree, _watch
from tests.redteam.notebook_cheats import ALL, CONTROLS, NotebookCheat
from tests.support import REPO, SOLUTIONS

ASSIGNMENT = "d2l"
CLI = Path(sys.executable).with_name("autograder")
NBGRADER = Path(nbgrader.__file__).resolve().parent
PROBED = "reaches into the grader"
GRADES_CHANGE = {"grade", "comment", "submitted_assignment", "submitted_notebook", "student"}  # nbgrader writes them


def _cli(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)


def _run(args: list[str], home: Path) -> str:
    """A console command as the instructor runs it (``home`` as $HOME, the grader's own caches of
    the data set and matplotlib's fonts beside it); its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1", XDG_CACHE_HOME=str(home.parent / "cache"),
               MPLCONFIGDIR=str(home.parent / "mpl"))
    proc = subprocess.run([str(CLI), *args], env=env, capture_output=True, text=True, timeout=1200)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Traceback" not in output, output[-3000:]
    return output


def _hand_in(cheat: NotebookCheat, folder: Path, answers: dict[str, str], known: dict) -> None:
    """Answer every cell with the reference, then put the cheat in its target's notebook."""
    prefix = f"KNOWN = {known!r}\n"
    for path in sorted(folder.glob("*.ipynb")):
        fill_in(path, answers)
        nb = nbformat.read(str(path), as_version=4)
        ids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        if solution_id(cheat.target) not in ids:
            continue
        ids[solution_id(cheat.target)].source = prefix + cheat.answer
        nb.cells[:0] = [nbformat.v4.new_code_cell(prefix + source) for source in cheat.added]
        if cheat.markdown:
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(cheat.markdown.replace("@MARK@", known["mark"])))
        if cheat.fake_outputs:
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("grade") and cell.cell_type == "code":
                    meta["points"] = 1000
                    cell.outputs = [nbformat.v4.new_output(
                        "execute_result", data={"text/plain": "1000"}, execution_count=1)]
                elif meta.get("solution"):
                    cell.outputs = [nbformat.v4.new_output(
                        "stream", name="stdout", text="FAKE-SCORE: all tests passed\n")]
        nbformat.write(nb, str(path))


def _course_outside(course: Path) -> dict[str, str]:
    return {name: digest for name, digest in _tree(course).items()
            if name.split("/")[0] not in ("autograded", "feedback") and not name.startswith("gradebook.db")}


def _gradebook_record(course: Path) -> dict[str, list]:
    """Every table of the gradebook but the scores nbgrader itself writes while autograding."""
    with sqlite3.connect(f"file:{course / 'gradebook.db'}?mode=ro", uri=True) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {table: sorted(map(repr, db.execute(f'SELECT * FROM "{table}"')))
                for table in tables if table not in GRADES_CHANGE}


def _scores(course: Path, student: str) -> dict[str, tuple[float, float]]:
    """grade id -> (automatic score, points) in the gradebook, read with nbgrader's own API."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "redteam") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: (float(grade.auto_score or 0), float(grade.max_score))
                for nb in submission.notebooks for grade in nb.grades}


def _said(course: Path, student: str) -> dict[str, str]:
    """grade id -> what the engine wrote into that test cell."""
    said = {}
    for path in (course / "autograded" / student / ASSIGNMENT).glob("*.ipynb"):
        for cell in nbformat.read(str(path), as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("grade") and cell.cell_type == "code":
                said[grade_id] = "".join(o.get("text", "") for o in cell.outputs)
    return said


def _sources(folder: Path) -> dict[str, str]:
    """``_tree`` without bytecode caches, which the grader's own processes (and other tests
    running beside this one) rewrite whenever a source changed."""
    return {name: digest for name, digest in _tree(folder).items() if "__pycache__" not in name}


def _snapshot(course: Path, home: Path) -> dict:
    return {"course": _course_outside(course), "gradebook": _gradebook_record(course),
            "package": _sources(REPO / "autograder"), "solutions": _sources(SOLUTIONS),
            "nbgrader": _sources(NBGRADER), "home": _tree(home)}


@pytest.mark.slow
def test_no_cell_of_a_submitted_notebook_reaches_outside_the_sandbox(tmp_path):
    course, exchange, home = tmp_path / "course", tmp_path / "exchange", tmp_path / "instructor"
    home.mkdir()
    (home / ".bashrc").write_text("# the instructor's\n")
    _cli("nb", "init", str(course), "--course-id", "redteam", "--exchange", str(exchange))
    _cli("nb", "build", str(course))
    _cli("nb", "release", ASSIGNMENT, "--course", str(course))
    answers = {}
    for notebook in sorted((course / "source" / ASSIGNMENT).glob("*.ipynb")):
        answers.update(answer_sources(notebook))
    mark = f"nbredteam-{uuid.uuid4().hex}"
    known = {"home": str(home), "course": str(course), "gradebook": str(course / "gradebook.db"),
             "source_notebook": str(course / "source" / ASSIGNMENT / "regularization.ipynb"),
             "solutions": str(SOLUTIONS), "package": str(REPO / "autograder"),
             "nbgrader": str(NBGRADER), "mark": mark}
    for cheat in ALL:
        folder = fetch("redteam", exchange, tmp_path / "students" / cheat.id, ASSIGNMENT, cheat.id)
        _hand_in(cheat, folder, answers, known)
        submit("redteam", exchange, tmp_path / "students" / cheat.id, ASSIGNMENT, cheat.id)
    _cli("nb", "collect", ASSIGNMENT, "--course", str(course))
    before = _snapshot(course, home)

    seen, done = [], threading.Event()
    watcher = threading.Thread(target=_watch, args=(mark, seen, done), daemon=True)
    watcher.start()
    only = [a for name in (*(c.target for c in ALL), *CONTROLS) for a in ("--only", name)]
    try:
        graded = _run(["nb", "autograde", ASSIGNMENT, "--course", str(course), "--seed", "11",
                       "--jobs", "2", "--timeout", "30", *only], home)
        _run(["nb", "feedback", ASSIGNMENT, "--course", str(course)], home)
    finally:
        done.set()
        watcher.join()
        leftover = _survivors(mark)
    after = _snapshot(course, home)

    for part in before:
        changed = sorted(k for k in {*before[part], *after[part]}
                         if before[part].get(k) != after[part].get(k))[:5]
        assert before[part] == after[part], f"the cheats changed the {part}: {changed}"
    assert not leftover, f"a process a cell started outlived grading: {leftover}"
    assert seen, ("the spawning cheat's processes were never seen running (it did not run at all)",
                  _said(course, "fork_survivor")[grade_cell_id("squared_loss")])

    selected = {row.grade_id for row in graded_rows()
                if row.function in {c.target for c in ALL} | set(CONTROLS)}
    for cheat in ALL:
        scores, said = _scores(course, cheat.id), _said(course, cheat.id)
        target = grade_cell_id(cheat.target)
        assert scores[target][0] == 0, (cheat.id, said[target], graded[-2000:])
        lost = {grade_id: said[grade_id] for grade_id, (score, points) in scores.items()
                if grade_id in selected and grade_id != target and score != points
                and PROBED not in said[grade_id]}
        assert not lost, (cheat.id, lost)
        assert all(scores[grade_id][1] < 1000 for grade_id in scores), cheat.id  # points restored
        for page in (course / "feedback" / cheat.id / ASSIGNMENT).glob("*.html"):
            text = page.read_text()
            assert "BEGIN HIDDEN TESTS" not in text and "check_row" not in text, (cheat.id, page.name)
            if cheat.markdown:  # script in a student's markdown must not run in whoever opens it
                assert "<script>fetch" not in text and "onerror=" not in text, (cheat.id, page.name)
        if cheat.markdown:  # nor in formgrader, which shows the instructor the autograded copy
            for path in (course / "autograded" / cheat.id / ASSIGNMENT).glob("*.ipynb"):
                assert "<script>fetch" not in path.read_text() and "onerror=" not in path.read_text()
        if cheat.forbid:  # the cell's source shows it (the student's own code); no output may
            shown = [json.dumps(cell.get("outputs", [])) for path in
                     (course / "autograded" / cheat.id / ASSIGNMENT).glob("*.ipynb")
                     for cell in nbformat.read(str(path), as_version=4).cells]
            assert not any(cheat.forbid in text for text in shown), cheat.id
    fake = _scores(course, "fake_score")
    assert sum(score for score, _ in fake.values()) < sum(points for _, points in fake.values())
    print(json.dumps({c.id: sum(s for s, _ in _scores(course, c.id).values()) for c in ALL}))
