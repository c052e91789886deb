"""The hidden checks of exercises/preliminaries.py (chapter 2): the reference passes them on many
seeds, the stubs fail them cleanly, every catalogued mistake is caught with a message naming it,
every catalogued correct variant passes, no verdict crashes on a malformed observation, and a
shortcut shared by several from-scratch functions (torch.dot for dot, mv and mm) is charged to the
function that calls it, whether it is seen running or read in the source."""
from __future__ import annotations


import pytest
import torch

from autograder.contract import MODULES
from autograder.engine.grading import grade_submission
from autograder.engine.static_scratch import shortcuts_in
from autograder.scenarios import all_scenarios
from autograder.verdicts import Fail, all_verdicts
from tests.catalogue import mutated_source
from tests.catalogue.preliminaries import MISTAKES, VARIANTS
from tests.support import (SOLUTIONS, assert_caught_by_name, assert_stubs_fail_cleanly,
                           assert_variant_passes, build_submission, copy_solutions, judge_over_seeds,
                           observation_paths, reference_observations, rubric_entries, with_replaced)

FUNCTIONS = MODULES["preliminaries"]
RUBRIC = rubric_entries("preliminaries")
IDS = [c["id"] for c in RUBRIC]
SEEDS = range(50)


def ids_of(function: str) -> list[str]:
    return [c["id"] for c in RUBRIC if c["functions"] == [function]]


def test_rubric_matches_registries_and_catalogue():
    assert set(IDS) == {i for i in all_scenarios() if i.split(".")[0] in FUNCTIONS}
    assert set(IDS) <= set(all_verdicts())
    assert all(c["functions"] == [c["id"].split(".")[0]] for c in RUBRIC)
    for function in FUNCTIONS:   # one public check per function, the side properties wait for it
        checks = [c for c in RUBRIC if c["functions"] == [function]]
        assert sum(bool(c.get("public")) for c in checks) == 1, function
        assert all(c.get("needs") or c.get("public") or c["id"].endswith(".other_tables")
                   for c in checks), function
        assert sum(m.function == function for m in MISTAKES) >= 2, function
        assert any(v.function == function for v in VARIANTS), function


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_passes_on_many_seeds(function):
    results = judge_over_seeds(SOLUTIONS, ids_of(function), SEEDS)
    failures = [(key, msg) for key, (ok, msg) in results.items() if not ok]
    assert not failures, failures[:5]


def test_stubs_fail_every_check_cleanly():
    assert_stubs_fail_cleanly(IDS)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mistake_is_caught_by_name(mistake, tmp_path):
    assert_caught_by_name(tmp_path, mistake, ids_of(mistake.function))


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.id)
def test_variant_passes(variant, tmp_path):
    assert_variant_passes(tmp_path, variant, ids_of(variant.function))


# ---- the autograd functions: only the accumulating variant loses, and only fresh_each_call

@pytest.mark.parametrize("mistake", [m for m in MISTAKES if m.id.endswith("accumulates")],
                         ids=lambda m: m.id)
def test_gradients_left_to_accumulate_cost_only_fresh_each_call(mistake, tmp_path):
    submission = build_submission(tmp_path, mistake)
    results = judge_over_seeds(submission, ids_of(mistake.function), seeds=(0, 1))
    lost = {check_id for (check_id, _), (ok, _) in results.items() if not ok}
    assert lost == {f"{mistake.function}.fresh_each_call"}, lost


# ---- shortcuts shared by several functions are charged to their caller

def _with(tmp_path, source: str):
    sub = copy_solutions(tmp_path / "sub")
    path = sub / "exercises" / "preliminaries.py"
    path.write_text(mutated_source(path.read_text(), source))
    return sub


def _rows(report) -> dict[str, tuple[float, float]]:
    return {row.exercise: (row.score, row.max_score) for row in report.rows()}


def test_torch_dot_inside_mv_costs_mv_only(tmp_path):
    sub = _with(tmp_path, '''
def mv(A, x):
    return torch.stack([torch.dot(row, x) for row in A])
''')
    report = grade_submission(sub, seed=3, runner="in-process", functions=["dot", "mv", "grad_of_2xTx"])
    rows = _rows(report)
    assert rows["mv"][0] == 0, rows
    assert rows["dot"][0] == rows["dot"][1] and rows["grad_of_2xTx"][0] == rows["grad_of_2xTx"][1], rows
    messages = " ".join(r.message for r in report.results if r.spec.functions == ("mv",))
    assert "torch.dot" in messages, messages


def test_a_shortcut_only_read_in_the_source_earns_nothing(tmp_path):
    """Behaves while watched (its own loop when the library is patched), the @ in its body is read."""
    sub = _with(tmp_path, '''
def mm(A, B):
    if getattr(torch, "_watched", True):
        return (A[:, :, None] * B[None, :, :]).sum(axis=1)
    return A @ B
''')
    report = grade_submission(sub, seed=4, runner="in-process", functions=["mm"])
    assert _rows(report)["mm"][0] == 0
    assert any("@ (line" in r.message for r in report.results), [r.message for r in report.results]


@pytest.mark.parametrize("source, function, found", [
    ("import torch\ndef dot(x, y):\n    return x @ y\n", "dot", ["@"]),
    ("import torch\ndef mm(A, B):\n    C = A.clone()\n    C @= B\n    return C\n", "mm", ["@"]),
    ("import torch\ndef mv(A, x):\n    return torch.einsum('ij,j->i', A, x)\n", "mv", ["torch.einsum"]),
    ("from torch.linalg import vector_norm\ndef l2_norm(x):\n    return vector_norm(x)\n", "l2_norm",
     ["vector_norm (torch.linalg.vector_norm)"]),
    ("import torch\ndef numerical_lim(f, x, h):\n    return torch.autograd.functional.jacobian(f, x)\n",
     "numerical_lim", ["torch.autograd.functional.jacobian"]),
    ("import torch.func as tf\ndef numerical_lim(f, x, h):\n    return tf.grad(f)(x)\n",
     "numerical_lim", ["tf.grad"]),
    ("from torch.autograd import grad\ndef numerical_lim(f, x, h):\n    return grad(f(x), x)\n",
     "numerical_lim", ["grad (torch.autograd.grad)"]),
    ("import torch\ndef mv(A, x):\n    return torch.stack([dot(a, x) for a in A])\n", "mv", []),
    ("import torch\ndef grad_of_2xTx(x):\n    return x @ x\n", "grad_of_2xTx", []),
])
def test_static_reading_of_the_chapter_2_shortcuts(source, function, found):
    assert [what for what, _ in shortcuts_in(source, function)] == found


# ---- verdicts never crash on a weird observation (a forged or garbled payload)

WEIRD = [None, float("nan"), 3, [1, 2], {"type": "list", "repr": "[..]"}, True,
         torch.tensor(float("nan")), torch.zeros(0, 3), torch.ones(2, 3, dtype=torch.int64),
         torch.ones(2, dtype=torch.bool)]


@pytest.mark.parametrize("check_id", IDS)
def test_verdict_survives_malformed_observations(check_id):
    verdict_fn = all_verdicts()[check_id]
    good = reference_observations(tuple(IDS))[check_id]
    verdict_fn(good, 1)
    for path in observation_paths(good):
        for weird in WEIRD:
            try:
                verdict_fn(with_replaced(good, path, weird), 1)
            except Fail:
                pass
