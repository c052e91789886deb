"""The nbgrader workflow end to end, through `autograder nb` and nbgrader's real exchange, and
nbgrader's traps one by one.

The end-to-end test is one test, so its course is built once on one xdist worker: three students
(all correct, one buggy function, untouched stubs) go init, build, release, fetch and submit,
collect, autograde, feedback, export, and the CSV totals must equal `autograder grade` on the same
code (graded meanwhile in the background). Each trap test has its own small course where one
student hands in regularization.ipynb only, and only the regularization checks are graded.
"""
from __future__ import annotations

import concurrent.futures
import copy
import csv
import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.contract import MODULES
from autograder.nb import repair as repair_mod
from autograder.nb.build import render_notebook
from autograder.nb.layout import grade_cell_id, graded_rows, solution_id
from autograder.nb.scrub import ScrubHiddenTests
from autograder.rubric import load_rubric
from tests.catalogue import all_entries
from tests.nb_support import answer_sources, fetch, fill_in, submit, with_mistake
from tests.support import EXERCISES, REPO, build_submission, copy_solutions

ASSIGNMENT = "d2l"
SEED = 7
STUDENTS = {"ada": "all correct", "ben": "one buggy function", "cy": "untouched stubs"}
MISTAKE = "softmax_in_place"            # ben's bug: caught by hidden tests only, not the visible ones
TRAP_MISTAKE = "l2_not_halved"          # the tinkerer hides it by editing its locked test cell
REGULARIZATION = set(MODULES["regularization"])
CHECK_TIMEOUT = "300"  # seconds per check on both sides: a busy machine must not decide a score


def mistake(name: str):
    return next(m for m in all_entries()[0] if m.id == name)


def cli(*args: str) -> str:
    """Run `autograder ARGS` in-process; the output, after checking it succeeded."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _grade_py_versions(folder: Path) -> concurrent.futures.Future:
    """`autograder grade --seed` on each student's code as plain modules, one after the other in
    the background (about one core) while the nbgrader steps run."""
    sources = {"ada": copy_solutions(folder / "py-ada"),
               "ben": build_submission(folder / "py-ben", mistake(MISTAKE))}
    shutil.copytree(EXERCISES, folder / "py-cy" / "exercises")
    sources["cy"] = folder / "py-cy"

    def grade_all() -> dict[str, subprocess.CompletedProcess]:
        return {student: subprocess.run(
            [sys.executable, "-m", "autograder", "grade", str(path), "--seed", str(SEED),
             "--timeout", CHECK_TIMEOUT, "--json", str(folder / f"grade-{student}.json")],
            cwd=REPO, capture_output=True,
            text=True, timeout=900) for student, path in sources.items()}

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(grade_all)
    pool.shutdown(wait=False)
    return future


def _build_term(folder: Path) -> dict:
    running = _grade_py_versions(folder)
    course, exchange = folder / "course", folder / "exchange"
    out = {"init": cli("nb", "init", str(course), "--course-id", "d2l-term", "--exchange", str(exchange))}
    out["build"] = cli("nb", "build", str(course))
    out["release"] = cli("nb", "release", ASSIGNMENT, "--course", str(course))
    answers = {}
    for notebook in sorted((course / "source" / ASSIGNMENT).glob("*.ipynb")):
        answers.update(answer_sources(notebook))
    filled = {"ada": answers, "ben": with_mistake(answers, mistake(MISTAKE)), "cy": None}
    for student, student_answers in filled.items():
        home = fetch("d2l-term", exchange, folder / "home" / student, ASSIGNMENT, student)
        if student_answers:
            for notebook in home.glob("*.ipynb"):
                fill_in(notebook, student_answers)
        submit("d2l-term", exchange, folder / "home" / student, ASSIGNMENT, student)
    out["collect"] = cli("nb", "collect", ASSIGNMENT, "--course", str(course))
    out["autograde"] = cli("nb", "autograde", ASSIGNMENT, "--course", str(course), "--seed", str(SEED),
                           "--timeout", CHECK_TIMEOUT)
    out["feedback"] = cli("nb", "feedback", ASSIGNMENT, "--course", str(course))
    out["export"] = cli("nb", "export", "--to", str(folder / "grades.csv"), "--course", str(course))
    for student, done in running.result(timeout=900).items():
        assert done.returncode == 0, (student, done.stderr)
    return out


def gradebook_scores(course: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    from autograder.nb.config import load_course

    loaded = load_course(course)
    with Gradebook(loaded.db_url, loaded.course_id) as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, student)
        return {grade.name: float(grade.score) for nb in submission.notebooks for grade in nb.grades}


# ----------------------------------------------------------------------------- the term, end to end

def _csv_totals_equal_autograder_grade_on_the_same_code(folder: Path, outputs: dict) -> None:
    with (folder / "grades.csv").open(newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(STUDENTS)
    for student in STUDENTS:
        graded = json.loads((folder / f"grade-{student}.json").read_text())
        assert graded["extra_data"]["seed"] == SEED
        failed = [(t["extra_data"]["check_id"], t["output"][:200]) for t in graded["tests"] if t["status"] != "passed"]
        assert float(rows[student]["score"]) == pytest.approx(graded["score"]), \
            (student, outputs["autograde"], failed if student != "cy" else "")
        assert float(rows[student]["max_score"]) == load_rubric().total
    assert float(rows["ada"]["score"]) == load_rubric().total
    assert 0 < float(rows["ben"]["score"]) < float(rows["ada"]["score"])
    assert float(rows["cy"]["score"]) == 0


def _every_test_cell_holds_the_engine_score_of_its_row(folder: Path, outputs: dict) -> None:
    rubric = load_rubric()
    for student in STUDENTS:
        graded = json.loads((folder / f"grade-{student}.json").read_text())
        expected: dict[str, float] = {}
        for test in graded["tests"]:
            row = rubric[test["extra_data"]["check_id"]].exercise
            expected[grade_cell_id(row)] = expected.get(grade_cell_id(row), 0.0) + test["score"]
        assert gradebook_scores(folder / "course", student) == pytest.approx(expected), student
    assert gradebook_scores(folder / "course", "ben")[grade_cell_id("softmax")] < 8


def _nbgrader_reads_each_score_from_its_test_cells_outputs(folder: Path, outputs: dict) -> None:
    """No kernel ran: only test cells have outputs (the engine's), and nbgrader's own
    determine_grade reads from them the score the gradebook holds, partial credit included."""
    from nbgrader.utils import determine_grade, is_grade

    for student in STUDENTS:
        read = {}
        for path in (folder / "course" / "autograded" / student / ASSIGNMENT).glob("*.ipynb"):
            for cell in nbformat.read(str(path), as_version=4).cells:
                if cell.cell_type != "code":
                    continue
                if not is_grade(cell):
                    assert not cell.outputs, (student, path.name, cell.source[:80])
                    continue
                read[cell.metadata["nbgrader"]["grade_id"]] = determine_grade(cell)[0]
                assert cell.outputs[0]["output_type"] == "stream"
                assert cell.outputs[0]["text"].startswith("Grader, "), cell.outputs[0]["text"][:80]
        assert read == pytest.approx(gradebook_scores(folder / "course", student)), student
    partial = gradebook_scores(folder / "course", "ben")[grade_cell_id("softmax")]
    assert 0 < partial < 8, partial


def _feedback_shows_the_mistake_and_not_the_hidden_tests(folder: Path, outputs: dict) -> None:
    pages = {p.name: p.read_text() for p in (folder / "course" / "feedback" / "ben" / ASSIGNMENT).glob("*.html")}
    assert set(pages) == {f"{m}.ipynb".replace(".ipynb", ".html") for m in MODULES}
    def words(text: str) -> str:  # the cell's lines are folded to fit the page
        return " ".join(text.split())

    assert words(mistake(MISTAKE).expect) in words(pages["softmax_regression.html"])
    trained = {row.notebook for row in graded_rows() if row.function is None}
    assert trained == set(MODULES) - {"preliminaries", "model_selection", "optimizers"}   # no end-to-end checks there
    for name, page in pages.items():  # every chapter's end-to-end cell shows its curves
        assert ("data:image/png;base64," in page) == (name.removesuffix(".html") in trained), name
    for student in STUDENTS:
        for page in (folder / "course" / "feedback" / student / ASSIGNMENT).glob("*.html"):
            text = page.read_text()
            for secret in ("BEGIN HIDDEN TESTS", "kernel_checks", "check_row"):
                assert secret not in text, (student, page.name, secret)
    # nbgrader itself would have shown them: they are in the autograded notebooks
    autograded = (folder / "course" / "autograded" / "ben" / ASSIGNMENT / "softmax_regression.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" in autograded


def _released_notebooks_hold_no_solutions_and_no_hidden_tests(folder: Path, outputs: dict) -> None:
    released = sorted((folder / "course" / "release" / ASSIGNMENT).glob("*.ipynb"))
    assert [p.stem for p in released] == sorted(MODULES)
    for path in released:
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "raise NotImplementedError()" in text


@pytest.mark.slow
def test_a_term_end_to_end(tmp_path):
    """init, build, release, fetch and submit, collect, autograde, feedback, export."""
    outputs = _build_term(tmp_path)
    _csv_totals_equal_autograder_grade_on_the_same_code(tmp_path, outputs)
    _every_test_cell_holds_the_engine_score_of_its_row(tmp_path, outputs)
    _nbgrader_reads_each_score_from_its_test_cells_outputs(tmp_path, outputs)
    _feedback_shows_the_mistake_and_not_the_hidden_tests(tmp_path, outputs)
    _released_notebooks_hold_no_solutions_and_no_hidden_tests(tmp_path, outputs)


def test_zip_collect_files_downloaded_from_an_lms(tmp_path):
    course = tmp_path / "course"
    cli("nb", "init", str(course), "--exchange", str(tmp_path / "exchange"))
    cli("nb", "build", str(course))
    cli("nb", "release", ASSIGNMENT, "--course", str(course))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with zipfile.ZipFile(downloads / "export.zip", "w") as archive:
        for path in (course / "release" / ASSIGNMENT).glob("*.ipynb"):
            archive.write(path, f"zoe_4711_{path.name}")
    output = cli("nb", "collect", ASSIGNMENT, "--course", str(course), "--zip", str(downloads))
    assert "zoe" in output
    assert sorted(p.name for p in (course / "submitted" / "zoe" / ASSIGNMENT).glob("*.ipynb")) == \
        sorted(f"{m}.ipynb" for m in MODULES)


# ----------------------------------------------------------------------------- nbgrader's traps

def _released(home: Path, name: str) -> nbformat.NotebookNode:
    return nbformat.read(str(home / f"{name}.ipynb"), as_version=4)


def _cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _trap(tmp_path: Path, edit) -> tuple[Path, dict]:
    """A course where one student hands in only regularization.ipynb, answered with the
    reference, after ``edit(folder, notebook, released)`` (``released``: the notebook as fetched);
    autograded on the regularization checks.
    Returns the course and the student's result (status, notes, the gradebook's scores)."""
    from autograder.nb.autograde import autograde
    from autograder.nb.config import load_course
    from autograder.sandbox.limits import Limits

    course, exchange, home = tmp_path / "course", tmp_path / "exchange", tmp_path / "home"
    cli("nb", "init", str(course), "--course-id", "traps", "--exchange", str(exchange))
    cli("nb", "build", str(course))
    cli("nb", "release", ASSIGNMENT, "--course", str(course))
    answers = answer_sources(course / "source" / ASSIGNMENT / "regularization.ipynb")
    folder = fetch("traps", exchange, home, ASSIGNMENT, "sam")
    for path in folder.glob("*.ipynb"):
        if path.stem != "regularization":
            path.unlink()
    released = _released(folder, "regularization")
    fill_in(folder / "regularization.ipynb", answers)
    nb = _released(folder, "regularization")
    edit(folder, nb, released)
    nbformat.write(nb, str(folder / "regularization.ipynb"))
    submit("traps", exchange, home, ASSIGNMENT, "sam")
    cli("nb", "collect", ASSIGNMENT, "--course", str(course))
    def run():
        [grade] = autograde(load_course(course), ASSIGNMENT, seed=SEED, engine={
            "functions": REGULARIZATION, "limits": Limits(timeout_s=3, load_timeout_s=60)})
        return grade

    grade = run()
    return course, {"status": grade.status, "notes": grade.notes, "engine": grade.scores, "rerun": run}


def _autograded(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(course / "autograded" / "sam" / ASSIGNMENT / "regularization.ipynb"),
                         as_version=4)


@pytest.mark.slow
def test_edited_and_deleted_locked_cells_are_restored(tmp_path):
    def tinker(folder, nb, released):  # hides a bug by editing its locked test cell, deletes other cells
        _cell(nb, solution_id("l2_penalty")).source += \
            "\n\n\n" + textwrap.dedent(mistake(TRAP_MISTAKE).source).strip()
        _cell(nb, grade_cell_id("l2_penalty")).source = "# the tests are fine, trust me"
        nb.cells.remove(_cell(nb, grade_cell_id("l1_loss")))
        nb.cells.remove(_cell(nb, "describe_l1_loss"))
        # a test cell after a description: nbgrader's own add_missing_cells raises KeyError on it
        nb.cells.remove(_cell(nb, grade_cell_id("weight_decay (end to end)")))

    course, sam = _trap(tmp_path, tinker)
    assert sam["status"] == "graded", sam
    source = nbformat.read(str(course / "source" / ASSIGNMENT / "regularization.ipynb"), as_version=4)
    graded = _autograded(course)
    for grade_id in (grade_cell_id("l2_penalty"), grade_cell_id("l1_loss"), "describe_l1_loss",
                     grade_cell_id("weight_decay (end to end)")):
        assert _cell(graded, grade_id).source == _cell(source, grade_id).source, grade_id
    assert sam["engine"][grade_cell_id("l2_penalty")] < 3      # the bug costs, the edit hid nothing
    assert sam["engine"][grade_cell_id("l1_loss")] == 2
    assert any("test_l1_loss was missing" in note for note in sam["notes"]), sam["notes"]


@pytest.mark.slow
def test_a_copied_answer_cell_keeps_the_students_answer_and_a_rerun_says_it_skips(tmp_path):
    """nbgrader keeps the last copy of a duplicated id: here the untouched stub pasted below."""
    def copy_cell(folder, nb, released):
        pasted = copy.deepcopy(_cell(released, solution_id("huber_loss")))
        pasted["id"] = "pasted-copy"
        nb.cells.insert(nb.cells.index(_cell(nb, solution_id("huber_loss"))) + 1, pasted)

    course, sam = _trap(tmp_path, copy_cell)
    owners = [c for c in _autograded(course).cells
              if c.metadata.get("nbgrader", {}).get("grade_id") == solution_id("huber_loss")]
    assert len(owners) == 1 and "NotImplementedError" not in owners[0].source
    assert sam["engine"][grade_cell_id("huber_loss")] == 3
    assert any("appeared 2 times" in note for note in sam["notes"]), sam["notes"]
    # unchanged submission, grader and options: the rerun says it skips, and changes nothing
    before = gradebook_scores(course, "sam")
    again = sam["rerun"]()
    assert again.status == "skipped" and any("--force" in note for note in again.notes), again
    assert again.scores == sam["engine"] and gradebook_scores(course, "sam") == before


@pytest.mark.slow
def test_a_hanging_answer_costs_only_its_function(tmp_path):
    def loop_forever(folder, nb, released):
        _cell(nb, solution_id("huber_loss")).source = (
            "def huber_loss(y_hat, y, delta=1.0):\n    while True:\n        pass\n")

    course, sam = _trap(tmp_path, loop_forever)
    assert sam["status"] == "graded", sam
    assert sam["engine"][grade_cell_id("huber_loss")] == 0
    for function, points in (("l2_penalty", 3), ("l1_loss", 2), ("get_k_fold_data", 2)):
        assert sam["engine"][grade_cell_id(function)] == points
    said = _cell(_autograded(course), grade_cell_id("huber_loss")).outputs[0]["text"]
    assert "FAILED: timed out after" in said, said


@pytest.mark.slow
def test_a_broken_notebook_and_a_pasted_one_do_not_sink_the_submission(tmp_path):
    def paste_fresh(folder, nb, released):
        code = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        nb.cells = [nbformat.v4.new_code_cell(source) for source in code]  # no nbgrader metadata
        (folder / "mlp.ipynb").write_text('{"cells": [ this is not json')

    course, sam = _trap(tmp_path, paste_fresh)
    assert sam["status"] == "graded", sam
    assert any("mlp.ipynb is not a valid notebook" in note for note in sam["notes"]), sam["notes"]
    assert any("lost its nbgrader metadata" in note for note in sam["notes"]), sam["notes"]
    for function, points in (("l2_penalty", 3), ("l1_loss", 2), ("huber_loss", 3), ("get_k_fold_data", 2)):
        assert sam["engine"][grade_cell_id(function)] == points
    assert sam["engine"][grade_cell_id("relu")] == 0
    assert (course / "submitted" / "sam" / ASSIGNMENT / "mlp.ipynb.invalid").exists()


# ----------------------------------------------------------------------------- cheap, no kernel

def test_building_twice_gives_the_same_bytes_and_the_rubrics_points(tmp_path):
    cli("nb", "init", str(tmp_path / "c"), "--exchange", str(tmp_path / "x"))
    cli("nb", "build", str(tmp_path / "c"))
    first = {p.name: p.read_bytes() for p in (tmp_path / "c" / "source" / ASSIGNMENT).glob("*.ipynb")}
    cli("nb", "build", str(tmp_path / "c"))
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "c" / "source" / ASSIGNMENT).glob("*.ipynb")}
    assert sorted(first) == sorted(f"{m}.ipynb" for m in MODULES)
    points, checks = 0.0, []
    for name in MODULES:
        nb = nbformat.reads(first[f"{name}.ipynb"].decode(), as_version=4)
        nbformat.validate(nb)
        assert nb.cells[-1].metadata["nbgrader"]["grade_id"] == "training"
        assert "plot_curves(" in nb.cells[-1].source and "NBGRADER_EXECUTION" in nb.cells[-1].source
        for cell in nb.cells:
            meta = cell.metadata["nbgrader"]
            if cell.cell_type == "code":
                compile(cell.source, f"<{name} {meta['grade_id']}>", "exec")
            if meta["grade"]:
                points += meta["points"]
                assert "### BEGIN HIDDEN TESTS" in cell.source and meta["locked"]
            if meta["solution"]:
                assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
    assert points == load_rubric().total
    for row in graded_rows():
        checks += [spec.id for spec in row.checks]
    assert sorted(checks) == sorted(load_rubric().ids)


def _code_parts(notebook: str, stubs: bool) -> tuple[dict, list[tuple[str, str]]]:
    """Run the setup and answer cells of a built notebook; its visible tests, by grade id."""
    from autograder.build.exercises import strip_solutions

    nb = nbformat.reads(render_notebook(notebook), as_version=4)
    namespace: dict = {}
    tests = []
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade_id"] == "setup" or meta["solution"]:
            source = strip_solutions(cell.source) if stubs and meta["solution"] else cell.source
            exec(compile(source, f"<{meta['grade_id']}>", "exec"), namespace)
        elif meta["grade"]:
            visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
            tests.append((meta["grade_id"], visible))
    return namespace, tests


@pytest.mark.parametrize("notebook", list(MODULES))
def test_answer_cells_are_complete_and_visible_tests_pass_only_when_solved(notebook, monkeypatch):
    import warnings

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")         # no Fashion-MNIST download
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # the setup cell replaces it
    namespace, tests = _code_parts(notebook, stubs=False)
    assert set(MODULES[notebook]) <= set(namespace)
    for grade_id, visible in tests:
        exec(compile(visible, f"<{grade_id}>", "exec"), dict(namespace))
    stub_namespace, _ = _code_parts(notebook, stubs=True)
    for grade_id, visible in tests:
        if grade_id in (grade_cell_id(f) for f in MODULES[notebook]) and grade_id != grade_cell_id("load_data_fashion_mnist"):
            with pytest.raises(NotImplementedError):
                exec(compile(visible, f"<{grade_id}>", "exec"), dict(stub_namespace))


@pytest.mark.parametrize("notebook", ["preliminaries", "linear_regression", "regularization", "model_selection",
                                      "optimizers"])
def test_training_cells_train_with_the_answers_and_plot(notebook, monkeypatch, capsys):
    """The chapters that need no Fashion-MNIST download; the others run the same way."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    namespace, _ = _code_parts(notebook, stubs=False)
    training = nbformat.reads(render_notebook(notebook), as_version=4).cells[-1].source
    plt.close("all")
    exec(compile(training, f"<{notebook} training>", "exec"), namespace)
    assert plt.get_fignums(), "nothing was plotted"
    curves = namespace["curves"]
    assert all(len(values) > 1 for values in curves.values())
    if notebook == "linear_regression":
        assert curves["training loss"][-1] < 1e-3
    if notebook == "preliminaries":   # the difference quotient closes in on autograd's f'(1) = 2
        assert abs(curves["numerical_lim(f, 1, h)"][-1] - 2) < 1e-4 < abs(curves["numerical_lim(f, 1, h)"][0] - 2)
    if notebook == "optimizers":   # each optimizer brings the loss to the noise level (0.01^2 / 2)
        assert set(curves) == {"momentum", "RMSProp", "Adam"}
        assert all(values[-1] < min(1e-3, values[0]) for values in curves.values()), curves
    if notebook == "regularization":   # K-fold prefers no decay on 200 examples of 8 features
        printed = capsys.readouterr().out
        assert namespace["folds"][0] < 0.1 < namespace["folds"][1], printed   # measured 0.030, 0.44
        assert printed.splitlines()[-1] == "K-fold picks weight_decay=0", printed
    if notebook == "model_selection":   # the book's three fits: right, underfitting, overfitting
        printed = capsys.readouterr().out
        fits = namespace["fits"]
        assert [line.split(":")[0] for line in printed.splitlines()] == list(fits)
        right, under, over = fits.values()
        assert all(abs(w - t) < 0.3 for w, t in zip(right["weight"], [5.0, 1.2, -3.4, 5.6])), printed
        assert len(right["weight"]) == 4 and len(under["weight"]) == 2 and len(over["weight"]) == 20
        assert under["train loss"][-1] > 10 * right["train loss"][-1], printed   # a line cannot fit
        assert over["test loss"][-1] > over["train loss"][-1], printed           # the gap opens
        assert f"weight {right['weight']}" in printed
    plt.close("all")


def test_repair_gives_a_duplicated_id_to_the_edited_copy_and_restores_runs_of_deleted_cells():
    def source(gid):
        return f"def {gid[-1]}():\n    raise NotImplementedError()" if gid.startswith("answer") else f"# {gid}"

    released = [repair_mod.ReleasedCell(gid, "code", source(gid), locked, solution, grade, 1 if grade else None, None)
                for gid, locked, solution, grade in [("intro", True, False, False), ("answer_f", False, True, False),
                                                     ("test_f", True, False, True), ("answer_g", False, True, False),
                                                     ("test_g", True, False, True)]]

    def cell(gid, source, unchanged=True):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = repair_mod._metadata(next(r for r in released if r.grade_id == gid))
        from nbgrader.utils import compute_checksum

        c.metadata["nbgrader"]["checksum"] = compute_checksum(c) if unchanged else "stale"
        return c

    answer = cell("answer_f", "def f():\n    return 1", unchanged=False)
    nb = nbformat.v4.new_notebook(cells=[cell("intro", "# intro"), answer, cell("answer_f", source("answer_f")),
                                         nbformat.v4.new_code_cell("def g():\n    return 2")])
    notes = repair_mod.repair(nb, released)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids == ["intro", "answer_f", "test_f", "answer_g", "test_g"], ids
    assert nb.cells[1] is answer and "return 2" in nb.cells[3].source
    assert len(notes) == 4, notes
    # a run of deleted cells (an answer and its test) comes back in order, the stub included
    nb = nbformat.v4.new_notebook(cells=[cell("intro", "# intro"), cell("answer_f", source("answer_f"))])
    repair_mod.repair(nb, released)
    assert [c.metadata["nbgrader"]["grade_id"] for c in nb.cells] == [r.grade_id for r in released]
    assert "raise NotImplementedError()" in nb.cells[3].source


def test_feedback_scrubbing_drops_hidden_tests_and_traceback_lines():
    cell = nbformat.v4.new_code_cell("assert f() == 1\n### BEGIN HIDDEN TESTS\nsecret_check(f)\n### END HIDDEN TESTS")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "test_f", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="f is wrong",
                                           traceback=["----> 3 secret_check(f)", "AssertionError: f is wrong"])]
    nb = nbformat.v4.new_notebook(cells=[cell])
    scrubbed, _ = ScrubHiddenTests().preprocess(nb, {})
    assert "secret_check" not in json.dumps(scrubbed)
    assert scrubbed.cells[0].outputs[0]["traceback"] == ["AssertionError: f is wrong"]


def test_feedback_strips_script_from_what_students_wrote_and_keeps_the_instructors_cells():
    from autograder.nb.scrub import StripActiveContent

    attack = '<script>steal()</script>\n<img src="x" onerror="steal()"> my **notes**, $a<b$'
    theirs = nbformat.v4.new_markdown_cell(attack)
    locked = nbformat.v4.new_markdown_cell("The instructor's $x<y$ and <b>bold</b>")
    locked.metadata["nbgrader"] = {"grade": False, "grade_id": "describe_f", "locked": True,
                                   "schema_version": 3, "solution": False, "task": False}
    shown = nbformat.v4.new_code_cell("")
    shown.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": '<iframe src="evil"></iframe><b>ok</b>', "application/javascript": "steal()",
        "text/plain": "ok"})]
    nb, _ = StripActiveContent().preprocess(nbformat.v4.new_notebook(cells=[theirs, locked, shown]), {})
    assert "<script" not in nb.cells[0].source and "onerror" not in nb.cells[0].source
    assert "my **notes**, $a&lt;b$" in nb.cells[0].source  # an entity: the page shows "<"
    assert nb.cells[1].source == locked.source
    assert nb.cells[2].outputs[0]["data"] == {"text/html": "<b>ok</b>", "text/plain": "ok"}


def test_usage_errors_exit_2_with_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograder", "nb", "release", ASSIGNMENT,
                           "--course", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "not inside a course directory" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    runner = CliRunner()
    assert runner.invoke(main, ["nb", "init", str(tmp_path / "c")]).exit_code == 0
    for args, phrase in [(["nb", "init", str(tmp_path / "c")], "already"),
                         (["nb", "release", ASSIGNMENT, "--course", str(tmp_path / "c")], "holds no notebooks"),
                         (["nb", "collect", ASSIGNMENT, "--course", str(tmp_path / "c"), "--pattern", "x"], "--zip"),
                         (["nb", "export", "--to", str(tmp_path / "g.csv"), "--course", str(tmp_path / "c")], "no assignments")]:
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert phrase in result.output and "Traceback" not in result.output, (args, result.output)
