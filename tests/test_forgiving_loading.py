"""Forgiving loading: submissions shaped like students' real files still get each function graded.

Each shape from the issue is the reference solution with one module edited: import-time code that
crashes, loops forever, downloads, waits for input or trains; a syntax error beside correct
functions; stale imports; functions inside ``if __name__ == "__main__":`` or ``main()``; a notebook
with magics and training cells. Right functions keep their full points, the broken one gets 0,
and the load notes name every skipped line.
"""
from __future__ import annotations

import importlib.util
import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
import torch
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from rich.console import Console

from autograder.engine.grading import grade_submission
from autograder.engine.scoring import GradeReport
from autograder.reports.table import print_report
from autograder.rubric import load_rubric
from autograder.worker.budget import LoadTimeout, paused, time_budget
from autograder.worker.forgiving import LoadNotes, MissingImport, run_definitions
from autograder.worker.loader import load_student_code, unload_student_code
from autograder.worker.notes import clean_notes
from autograder.worker.source_split import parse_forgiving
from tests.support import SOLUTIONS, copy_solutions

ADVICE = "put it under `if __name__ == '__main__':`"


def checks_only():
    """The rubric without the end-to-end training runs: they grade several functions at once."""
    rubric = load_rubric()
    return rubric.select(kinds={s.kind for s in rubric.checks} - {"convergence"})


def full_marks(report) -> dict[str, tuple[float, float]]:
    return {row.exercise: (row.score, row.max_score) for row in report.rows()}


def line_of(path: Path, marker: str) -> int:
    """The line number of the line that carries ``marker`` (a comment at its end)."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker} not in {path}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def note_for(notes: list[str], line: int) -> str:
    """The note about the statement at ``line`` (it starts ``line N``)."""
    found = [n for n in notes if re.match(rf"line {line}\b[ :;)]", n)]
    assert found, (line, notes)
    return found[0]


# --- the sandbox: hangs, downloads, input(), stale imports, a syntax error --------------------

@pytest.fixture(scope="module")
def broken_everywhere(tmp_path_factory):
    """One submission with every shape at once, graded once through the sandboxed worker."""
    sub = copy_solutions(tmp_path_factory.mktemp("forgiving") / "student")
    pkg = sub / "exercises"
    (pkg / "linear_regression.py").write_text((pkg / "linear_regression.py").read_text() + (
        "\ntrue_w = torch.tensor([2.0, -3.4])\n"
        "features, labels = synthetic_data(true_w, 4.2, 1000)  # <data>\n"
        "while True:  # <hang>\n"
        "    pass\n"))
    (pkg / "softmax_regression.py").write_text((pkg / "softmax_regression.py").read_text() + (
        "\nimport urllib.request\n"
        "urllib.request.urlretrieve('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
        "train-images-idx3-ubyte.gz', 'train.gz')  # <download>\n"
        "mnist_train = torchvision.datasets.FashionMNIST(root='/tmp/elsewhere', download=True)  # <dataset>\n"
        "name = input('your name? ')  # <input>\n"
        "W = torch.normal(0, 0.01, size=(784, 10), requires_grad=True)\n"
        "for epoch in range(10):  # <train>\n"
        "    train_epoch_ch3(net, train_iter, cross_entropy, updater)\n"))
    edit(pkg / "mlp.py", "import torch\n",
         "import torch\nimport d2lzh_pytorch as d2l  # <d2l> (the older book's package: not here)\n"
         "from numpy.lib.polynomial import roots  # <roots>\n")
    (pkg / "mlp.py").write_text((pkg / "mlp.py").read_text() + (
        "\n\ndef dropout_layer(X, dropout):  # <uses-d2l>\n"
        "    return d2l.dropout_layer(X, dropout)\n"))
    edit(pkg / "regularization.py", "import torch\n", "import torch\n%matplotlib inline  # <magic>\n")
    text = (pkg / "regularization.py").read_text()
    start = text.index("def huber_loss(")
    body = text.index("### BEGIN SOLUTION", start)
    (pkg / "regularization.py").write_text(text[:body] + "retrun abs(y_hat - y  # <syntax>\n    "
                                           + text[body:])
    start = time.perf_counter()
    report = grade_submission(sub, seed=5, runner="sandbox", rubric=checks_only(), functions={
        "sgd", "squared_loss", "softmax", "cross_entropy", "relu", "dropout_layer", "l1_loss",
        "huber_loss"})
    return sub, report, time.perf_counter() - start


@pytest.mark.slow
def test_functions_of_broken_modules_keep_their_marks_in_the_sandbox(broken_everywhere):
    _, report, _ = broken_everywhere
    marks = full_marks(report)
    for right in ("sgd", "squared_loss", "softmax", "cross_entropy", "relu", "l1_loss"):
        assert marks[right][0] == marks[right][1] > 0, (right, marks, report.load_notes)
    assert marks["dropout_layer"][0] == 0 and marks["huber_loss"][0] == 0, marks
    assert report.sandboxed and not report.load_errors


def test_the_broken_functions_say_why(broken_everywhere):
    sub, report, _ = broken_everywhere
    rows = {row.exercise: row for row in report.rows()}
    d2l_line = line_of(sub / "exercises" / "mlp.py", "# <d2l>")
    assert "`d2l` is not available" in rows["dropout_layer"].first_failure
    assert f"line {d2l_line}" in rows["dropout_layer"].first_failure
    syntax = line_of(sub / "exercises" / "regularization.py", "# <syntax>")
    message = rows["huber_loss"].first_failure
    assert f"line {syntax}: SyntaxError" in message and "`huber_loss` could not be loaded" in message


def test_every_skipped_line_is_explained(broken_everywhere):
    sub, report, _ = broken_everywhere
    notes = report.load_notes
    lr = sub / "exercises" / "linear_regression.py"
    assert "took longer than" in notes["linear_regression"][0]
    assert ADVICE in note_for(notes["linear_regression"], line_of(lr, "# <hang>"))
    assert "runs your own code" in note_for(notes["linear_regression"], line_of(lr, "# <data>"))
    sm = sub / "exercises" / "softmax_regression.py"
    assert "failed" in notes["softmax_regression"][0]
    for marker, words in (("# <download>", "loads or downloads data"), ("# <dataset>", "loads or downloads data"),
                          ("# <input>", "waits for input"), ("# <train>", "trains a model")):
        note = note_for(notes["softmax_regression"], line_of(sm, marker))
        assert words in note and ADVICE in note, note
    mlp = sub / "exercises" / "mlp.py"
    assert "functions that use `d2l` fail when they run" in note_for(notes["mlp"], line_of(mlp, "# <d2l>"))
    assert "`roots`" in note_for(notes["mlp"], line_of(mlp, "# <roots>"))
    reg = sub / "exercises" / "regularization.py"
    assert "notebook command" in note_for(notes["regularization"], line_of(reg, "# <magic>"))
    assert "invalid syntax" in note_for(notes["regularization"], line_of(reg, "# <syntax>")) \
        or "never closed" in note_for(notes["regularization"], line_of(reg, "# <syntax>"))
    assert all("\n" not in n for ns in notes.values() for n in ns)


def test_load_time_is_bounded_and_reported_apart_from_checks(broken_everywhere):
    _, report, seconds = broken_everywhere
    assert 8 <= report.load_seconds < 40, report.load_seconds   # one module hung for its budget
    check_seconds = sum(r.seconds for r in report.results)
    assert check_seconds < seconds and report.load_seconds < seconds


# --- in-process shape checks ----------------------------------------------------------------

def test_a_crash_at_import_keeps_the_definitions_before_and_after_it(tmp_path):
    sub = copy_solutions(tmp_path)
    path = sub / "exercises" / "mlp.py"
    path.write_text(path.read_text() + "\nraise RuntimeError('plotting failed')  # <crash>\n"
                    "AFTER = 3\n\ndef helper():\n    return AFTER\n")
    report = grade_submission(sub, seed=3, runner="in-process", rubric=checks_only(),
                              functions={"relu", "mlp"})
    assert all(score == top for score, top in full_marks(report).values()), full_marks(report)
    crash = line_of(path, "# <crash>")
    notes = report.load_notes["mlp"]
    assert f"failed at line {crash} (RuntimeError: plotting failed)" in notes[0]
    assert "raises an exception" in note_for(notes, crash)
    student = load_student_code(sub)
    try:
        assert student.modules["mlp"].helper() == 3
    finally:
        unload_student_code(student)


def test_functions_inside_main_guard_or_main_are_graded(tmp_path):
    sub = copy_solutions(tmp_path)
    mlp = sub / "exercises" / "mlp.py"
    text = mlp.read_text()
    relu = text[text.index("def relu("):text.index("def init_mlp_params(")]
    mlp.write_text(text.replace(relu, "") + "\n\nif __name__ == '__main__':\n"
                   + "".join("    " + line if line.strip() else line for line in relu.splitlines(True))
                   + "    print(relu(torch.ones(3)))\n")
    reg = sub / "exercises" / "regularization.py"
    text = reg.read_text()
    l1 = text[text.index("def l1_loss("):text.index("def huber_loss(")]
    reg.write_text(text.replace(l1, "") + "\n\ndef main():\n"
                   + "".join("    " + line if line.strip() else line for line in l1.splitlines(True))
                   + "    print(l1_loss(torch.ones(2), torch.zeros(2)))\n")
    report = grade_submission(sub, seed=4, runner="in-process", rubric=checks_only(),
                              functions={"relu", "l1_loss"})
    assert all(score == top > 0 for score, top in full_marks(report).values()), full_marks(report)
    relu_note = note_for(report.load_notes["mlp"], line_of(mlp, "def relu("))
    assert "inside `if __name__ == '__main__':`" in relu_note and "move it to the top level" in relu_note
    assert "inside `main()`" in note_for(report.load_notes["regularization"], line_of(reg, "def l1_loss("))


def _notebook(path: Path) -> None:
    source = (SOLUTIONS / "mlp.py").read_text()
    definitions = source[source.index("def relu("):]
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Multilayer perceptrons"),
        new_code_cell("%matplotlib inline\n!pip install d2l==1.0.3\nimport torch\n"
                      "import d2lzh_pytorch as d2l"),                                    # cell 2
        new_code_cell("def relu(X):\n    return X   # a first try, fixed below"),       # cell 3
        new_code_cell("batch_size = 256\ntrain_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)"),
        new_code_cell(definitions),                                                     # cell 5
        new_code_cell("for epoch in range(3):\n    relu = lambda X: X   # would undo the fix\n"
                      "d2l.train_ch3(net, train_iter, test_iter, loss, 10, updater)"),  # cell 6
        new_code_cell("relu(torch.tensor([-1.0, 2.0]))"),                               # cell 7
    ]
    nbformat.write(nb, str(path))


def test_a_notebook_runs_definitions_only_and_later_definitions_win(tmp_path):
    folder = tmp_path / "handed-in"
    folder.mkdir()
    _notebook(folder / "mlp.ipynb")
    report = grade_submission(folder, seed=6, runner="in-process", rubric=checks_only(),
                              functions={"relu", "dropout_layer"})
    assert all(score == top > 0 for score, top in full_marks(report).values()), full_marks(report)
    notes = report.load_notes["mlp"]
    assert "converted from mlp.ipynb" in notes[0]
    text = "\n".join(notes)
    assert "cell 2, line 4: `import d2lzh_pytorch as d2l` failed" in text
    assert "cell 4, line 2 loads or downloads data" in text
    assert "cell 6, line 1 runs a loop" in text and "cell 6, line 3 trains a model" in text
    assert "cell 7, line 1" in text
    assert "%matplotlib" not in text.replace("`%matplotlib", "")  # the converter removed the magics


# --- the parts, one by one ------------------------------------------------------------------

def test_parsing_keeps_every_piece_that_parses():
    source = ('"""Module doc\nwith a line at column 0\n"""\nimport torch\n\n'
              "@torch.no_grad()\ndef good(x):\n    '''doc\nat column 0\n    '''\n    return x\n\n"
              "def bad(x):\n    retrun x\n\nclass Broken:\n    def g(self)\n        pass\n\n"
              "total = sum(\n1 for _ in range(3))\n\ndef last():\n    return 1\n")
    parsed = parse_forgiving(source, "m.py")
    kept = [getattr(s, "name", type(s).__name__) for s in parsed.statements]
    assert kept == ["Expr", "Import", "good", "Assign", "last"]
    assert [(b.lineno, b.defines, b.message) for b in parsed.broken] == [
        (14, ("bad",), "invalid syntax"), (17, ("Broken",), "expected ':'")]


def test_constants_run_but_data_loading_calls_and_library_changes_do_not(tmp_path):
    path = tmp_path / "m.py"
    source = ("import types\nimport torch\nCALLS = []\n"
              "def load_data_fashion_mnist(batch_size):\n    CALLS.append(batch_size)\n    return 1, 2\n"
              "batch_size, num_inputs = 256, 784\n"
              "W = torch.normal(0, 0.01, size=(num_inputs, 10), requires_grad=True)\n"
              "lib = types.ModuleType('lib')\n"
              "train_iter, test_iter = load_data_fashion_mnist(batch_size)\n"   # line 10
              "lib.answer = 42\n"                                                # line 11
              "print('epoch 1')\n"                                               # line 12
              "net = lambda X: X @ W\n")
    path.write_text(source)
    module = type(torch)("student_m")
    module.__file__ = str(path)
    notes = LoadNotes()
    run_definitions(module, source, path, notes, seconds=10)
    assert module.W.shape == (784, 10) and module.batch_size == 256 and callable(module.net)
    assert module.CALLS == [] and not hasattr(module, "train_iter") and not hasattr(module.lib, "answer")
    assert "loads or downloads data" in note_for(notes.lines, 10)
    assert "changes a library" in note_for(notes.lines, 11)
    assert "prints" in note_for(notes.lines, 12)
    assert len(notes.lines) == 3


def test_a_failed_import_is_a_placeholder_that_fails_only_when_used():
    missing = MissingImport("`d2l` is not available: line 3 `from d2l import torch as d2l` failed")
    for use in (lambda: missing.sgd, lambda: missing(1), lambda: missing[0], lambda: list(missing),
                lambda: bool(missing), lambda: missing + 1,
                lambda: exec("class Net(missing):\n    pass", {"missing": missing})):
        with pytest.raises(ImportError, match="line 3 `from d2l import torch as d2l`"):
            use()
    assert "d2l" in repr(missing)
    assert MissingImport.__slots__ == ("_message",) and "__dict__" not in MissingImport.__dict__


def test_time_budgets_interrupt_sleeps_and_nest():
    start = time.perf_counter()
    with pytest.raises(LoadTimeout):
        with time_budget(0.3):
            time.sleep(5)
    assert time.perf_counter() - start < 1.5
    start = time.perf_counter()
    with pytest.raises(LoadTimeout):
        with time_budget(0.4):
            with time_budget(5):        # an inner budget never outlasts the outer one
                time.sleep(5)
    assert time.perf_counter() - start < 1.5
    with time_budget(0.5):
        with paused():                  # a nested module load stops the outer clock
            time.sleep(0.7)


def test_student_code_cannot_swallow_its_timeout(tmp_path):
    (tmp_path / "stubborn.py").write_text(
        "import time\n\ndef train_forever():\n    while True:\n        try:\n"
        "            time.sleep(0.05)\n        except BaseException:\n            pass\n")
    spec = importlib.util.spec_from_file_location("stubborn", tmp_path / "stubborn.py")
    stubborn = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stubborn)
    before, start = sys.gettrace(), time.perf_counter()
    with pytest.raises(LoadTimeout):
        with time_budget(0.3, student_dir=str(tmp_path) + os.sep):
            stubborn.train_forever()
    assert time.perf_counter() - start < 3
    assert sys.gettrace() is before


def test_definitions_only_never_runs_top_level_code(tmp_path):
    """The mode for a second attempt, after a worker died while importing (os._exit, a crash)."""
    sub = copy_solutions(tmp_path / "student")
    path = sub / "exercises" / "mlp.py"
    flag = tmp_path / "top-level-code-ran"
    path.write_text(path.read_text() + f"\nopen({str(flag)!r}, 'w').close()  # <side effect>\n")
    student = load_student_code(sub, definitions_only=True)
    try:
        assert not flag.exists() and callable(student.relu)
        assert "did not finish" in student.load_notes["mlp"][0]
        assert "runs code" in note_for(student.load_notes["mlp"], line_of(path, "# <side effect>"))
    finally:
        unload_student_code(student)


def test_a_clean_submission_loads_plainly_without_notes():
    student = load_student_code(SOLUTIONS)
    try:
        assert student.load_notes == {} and student.unavailable == {} and not student.import_errors
        assert set(student.modules) == {"preliminaries", "linear_regression", "softmax_regression", "mlp",
                                        "regularization", "model_selection", "optimizers"}
    finally:
        unload_student_code(student)


def test_notes_from_a_worker_are_cleaned_and_printed_as_text():
    raw = {"mlp": ["line 3 [bold green]passed 124/124[/bold green]\nsecond line", 7, "x" * 5000],
           "bad": "not a list", 3: ["?"]}
    cleaned = clean_notes(raw)
    assert list(cleaned) == ["mlp"] and len(cleaned["mlp"]) == 2
    assert "\n" not in cleaned["mlp"][0] and len(cleaned["mlp"][1]) <= 400
    report = GradeReport(
        submission="s", seed=1, results=[], execution_time=0.0, sandboxed=True, load_notes=cleaned)
    console = Console(record=True, width=200)
    print_report(report, console)
    assert "[bold green]passed 124/124[/bold green]" in console.export_text()


@pytest.mark.slow
def test_a_worker_killed_while_loading_is_retried_by_definitions_only(tmp_path):
    """`os._exit` at import ends the worker before it is ready: the next worker loads definitions
    only, and the check that was waiting still counts."""
    sub = copy_solutions(tmp_path / "student")
    mlp = sub / "exercises" / "mlp.py"
    mlp.write_text(mlp.read_text() + "\nimport os\nos._exit(0)\n")
    report = grade_submission(sub, seed=4, functions={"relu"})
    relu = {row.exercise: row for row in report.rows()}["relu"]
    assert relu.score == relu.max_score > 0
    assert any("os._exit" in note for note in report.load_notes.get("mlp", []))
