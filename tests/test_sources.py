"""Submissions as handed in: a git repository (local or URL, with --ref) and notebooks."""
import subprocess

import nbformat
import pytest

from autograder.engine.grading import GradingError, grade_submission
from autograder.rubric import load_rubric
from autograder.submissions import SourceError, materialize
from autograder.submissions.notebooks import convert_notebooks
from tests.support import SOLUTIONS, EXERCISES, copy_solutions

RELU_POINTS = sum(s.points for s in load_rubric().select({"relu"}).checks)


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.email=s@example.org", "-c", "user.name=student", *args],
                   cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A student's repository: commit 1 has a correct relu (tagged v1), HEAD has the stub again."""
    root = tmp_path_factory.mktemp("student-repo")
    copy_solutions(root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "correct relu")
    git(root, "tag", "v1")
    (root / "exercises" / "mlp.py").write_text((EXERCISES / "mlp.py").read_text())
    git(root, "commit", "-qam", "back to the stubs")
    return root


@pytest.mark.slow
def test_a_local_git_repository_is_graded_at_the_ref_asked_for(repo):
    at_tag = grade_submission(repo, ref="v1", seed=1, functions={"relu"})
    at_head = grade_submission(repo, ref="HEAD", seed=1, functions={"relu"})
    assert at_tag.score == RELU_POINTS and at_head.score == 0
    assert "v1" in at_tag.origin and at_tag.origin != at_head.origin


def test_a_file_url_is_shallow_cloned(repo, tmp_path):
    source = materialize(repo.as_uri(), tmp_path, ref="v1")
    assert source.kind == "git"
    depth = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=tmp_path / "clone",
                           capture_output=True, text=True, check=True).stdout.strip()
    assert depth == "1"
    assert (source.path / "exercises" / "mlp.py").read_text() == (SOLUTIONS / "mlp.py").read_text()


@pytest.mark.parametrize("source, ref, phrase", [
    ("file:///no/such/repo.git", None, "git fetch failed"),
    (".", "no-such-branch", "git fetch failed"),
    ("tests", "v1", "not a git repository"),
])
def test_git_problems_are_one_line_errors(source, ref, phrase, repo, tmp_path):
    if source == ".":
        source = str(repo)
    with pytest.raises(SourceError) as caught:
        materialize(source, tmp_path, ref=ref)
    assert phrase in str(caught.value) or "is not one" in str(caught.value)
    assert "\n" not in str(caught.value)


def _notebook(path, cells, nbgrader=False):
    nb = nbformat.v4.new_notebook()
    for source, solution in cells:
        cell = nbformat.v4.new_code_cell(source)
        if nbgrader:
            cell.metadata["nbgrader"] = {"solution": solution, "grade": False, "locked": not solution,
                                         "grade_id": f"cell-{len(nb.cells)}", "schema_version": 3}
        nb.cells.append(cell)
    nbformat.write(nb, str(path))
    return path


def test_nbgrader_notebooks_keep_only_solution_cells(tmp_path):
    _notebook(tmp_path / "mlp.ipynb", [
        ("import torch\nraise RuntimeError('instructor setup cell')", False),
        ((SOLUTIONS / "mlp.py").read_text(), True),
        ("train(net)  # the student's own training run", False),
    ], nbgrader=True)
    notes = convert_notebooks([tmp_path / "mlp.ipynb"], tmp_path / "out")
    module = (tmp_path / "out" / "exercises" / "mlp.py").read_text()
    assert notes == []
    assert "instructor setup cell" not in module and "train(net)" not in module
    assert "def relu" in module and "# %% [cell 2]" in module


def test_magics_and_shell_escapes_are_commented_out(tmp_path):
    _notebook(tmp_path / "homework.ipynb", [
        ("%matplotlib inline\n!pip install d2l\nfiles = !ls\nrelu?", False),
        ("%%bash\necho hi", False),
        ("for i in range(2):\n    !echo $i", False),
        ((SOLUTIONS / "mlp.py").read_text(), False),
    ])
    convert_notebooks([tmp_path / "homework.ipynb"], tmp_path / "out")
    module = (tmp_path / "out" / "exercises" / "mlp.py").read_text()
    compile(module, "mlp.py", "exec")  # what is left is plain Python
    for magic in ("%matplotlib inline", "!pip install d2l", "files = !ls", "relu?", "echo hi"):
        assert f"# [magic removed] {magic}" in module
    assert not (tmp_path / "out" / "exercises" / "linear_regression.py").exists()


def test_a_folder_of_notebooks_is_graded(tmp_path):
    _notebook(tmp_path / "mlp.ipynb", [((SOLUTIONS / "mlp.py").read_text(), True)], nbgrader=True)
    report = grade_submission(tmp_path, seed=2, functions={"relu"})
    relu = {row.exercise: row for row in report.rows()}["relu"]
    assert relu.score == relu.max_score > 0
    # the end-to-end MLP run also needs train_epoch_ch3, which no notebook defines
    assert "softmax_regression" in report.load_errors


@pytest.mark.parametrize("content, phrase", [
    ("{not json", "is not a valid notebook"),
    ('{"cells": 3}', "is not a valid notebook"),
])
def test_a_broken_notebook_is_a_one_line_error(tmp_path, content, phrase):
    (tmp_path / "mlp.ipynb").write_text(content)
    with pytest.raises(GradingError) as caught:
        grade_submission(tmp_path, seed=1, functions={"relu"})
    assert phrase in str(caught.value) and "\n" not in str(caught.value)


def test_a_notebook_without_solution_cells_says_so(tmp_path):
    _notebook(tmp_path / "mlp.ipynb", [("x = 1", False)], nbgrader=True)
    _notebook(tmp_path / "regularization.ipynb",
              [((SOLUTIONS / "regularization.py").read_text(), True)], nbgrader=True)
    notes = convert_notebooks(sorted(tmp_path.glob("*.ipynb")), tmp_path / "out")
    assert notes == ["mlp.ipynb has no solution cells (nbgrader metadata), so nothing from it was graded"]
