"""Fair grading: one mistake costs points on one row, nothing pays for nothing, and from scratch
means the whole function however a shortcut is reached (issue 9, parts 1-3).

Each hand-in is graded through the real engine and the pytest plugin; most in-process (the rules
under test live on the trusted side), the all-constants hand-in in the real sandbox too.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.contract import MODULES
from autograder.engine.grading import grade_submission
from tests.catalogue import mutated_source
from tests.support import copy_solutions

HANDINS = Path(__file__).with_name("handins")


def _submission(tmp_path: Path, module: str, source: str) -> Path:
    sub = copy_solutions(tmp_path / "sub")
    path = sub / "exercises" / f"{module}.py"
    path.write_text(mutated_source(path.read_text(), source))
    return sub


def _rows(report) -> dict[str, tuple[float, float]]:
    return {row.exercise: (row.score, row.max_score) for row in report.rows()}


def _lost(report) -> dict[str, float]:
    return {name: top - score for name, (score, top) in _rows(report).items() if score < top}


# ---------------------------------------------------------------- nothing pays for nothing

@pytest.mark.slow
@pytest.mark.parametrize("runner", ["in-process", "sandbox"])
def test_a_hand_in_that_returns_constants_of_the_right_shapes_scores_zero(runner):
    report = grade_submission(HANDINS / "constants", seed=5, runner=runner)
    paid = [(r.spec.id, r.score) for r in report.results if r.score > 0]
    assert paid == [], f"code that computes nothing was paid for {paid}"
    gated = {r.spec.id: r.message for r in report.results if "side property" in r.message}
    # the side properties it would have been paid for before: shapes, in place, from scratch ...
    for check in ("synthetic_data.shapes", "softmax.input_unchanged", "softmax.from_scratch",
                  "relu.not_in_place", "init_mlp_params.shapes", "dropout_layer.not_in_place",
                  "sgd.zeroes_grads"):
        assert check in gated, f"{check}: {[r.message for r in report.results if r.spec.id == check]}"
    assert "softmax.values fails" in gated["softmax.from_scratch"]


def test_every_side_property_waits_for_a_main_check_of_its_own_function():
    from autograder.rubric import load_rubric

    rubric = load_rubric()
    for spec in rubric.checks:
        for need in spec.needs:
            assert rubric[need].functions == spec.functions and not rubric[need].needs, spec.id
    side = [s.id for s in rubric.checks if s.id.split(".")[1] in (
        "shapes", "input_unchanged", "not_in_place", "from_scratch", "fresh_each_call",
        "differentiable", "gradient", "grad", "eval_mode", "biases_zero", "zeroes_grads")]
    assert [s for s in side if not rubric[s].needs] == []


# ---------------------------------------------------------------- one mistake, one place

ONE_BUG = {
    # a data_iter that drops half the examples: linear regression trains end to end without it
    "data_iter": ("linear_regression", '''
def data_iter(batch_size, features, labels):
    num_examples = len(features) // 2
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i:min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]
'''),
    # the older book's sgd: it never zeroes the gradients, which the training loop then sums up
    "sgd": ("linear_regression", '''
def sgd(params, lr, batch_size):
    for param in params:
        param.data -= lr * param.grad / batch_size
'''),
    # a softmax that divides by the sum of the whole batch
    "softmax": ("softmax_regression", '''
def softmax(X):
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum()
'''),
    # an in-place relu, used by the student's own mlp in the end-to-end run
    "relu": ("mlp", '''
def relu(X):
    return X.clamp_(min=0)
'''),
}


@pytest.mark.slow
@pytest.mark.parametrize("function", sorted(ONE_BUG))
def test_one_buggy_function_loses_points_on_its_own_row_only(function, tmp_path):
    module, source = ONE_BUG[function]
    sub = _submission(tmp_path, module, source)
    report = grade_submission(sub, seed=3, runner="in-process")   # the whole rubric
    assert set(_lost(report)) == {function}, _lost(report)
    for result in report.results:
        if len(result.spec.functions) > 1 and function in result.spec.functions:
            assert result.passed, result.message
            assert function not in result.functions   # the tags name the parts that were tried
            assert f"not charged for {function}" in result.message


def test_the_end_to_end_check_names_the_culprit_and_tries_the_rest(tmp_path):
    """With a broken linreg and a broken squared_loss, the rerun swaps both and the rest trains."""
    sub = _submission(tmp_path, "linear_regression", '''
def linreg(X, w, b):
    return torch.matmul(X, w) - b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2
''')
    report = grade_submission(sub, seed=2, runner="in-process",
                              functions=["synthetic_data", "data_iter", "linreg", "squared_loss", "sgd"])
    (end_to_end,) = [r for r in report.results if r.spec.id == "convergence.linear_regression.all"]
    assert end_to_end.passed and "reference's linreg, squared_loss" in end_to_end.message
    assert "linreg fails linreg.values" in end_to_end.message
    assert set(_lost(report)) == {"linreg", "squared_loss"}


# ---------------------------------------------------------------- from scratch, however reached

DISGUISED = {
    "softmax": ("softmax_regression", '''
_calls = [0]


def softmax(X):
    _calls[0] += 1
    if _calls[0] % 3 == 0:   # only now and then, so that a single watched call looks honest
        return getattr(torch, "".join(["soft", "max"]))(X, 1)
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(1, keepdim=True)
'''),
    "relu": ("mlp", '''
import base64

_TEXT = base64.b64decode(b"b3V0ID0gdG9yY2gucmVsdShYKQ==").decode()   # "out = torch.relu(X)"


def relu(X):
    scope = {"torch": torch, "X": X}
    exec(_TEXT, scope)
    return scope["out"]
'''),
    "dropout_layer": ("mlp", '''
def dropout_layer(X, dropout):
    if X.numel() >= 32 * 256:   # a training batch of hidden units: the single-part checks rarely see it
        return getattr(torch.nn.functional, "drop" + "out")(X, dropout, True)
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)
'''),
    "sgd": ("linear_regression", '''
from d2l import torch as d2l


def sgd(params, lr, batch_size):
    return d2l.sgd(params, lr, batch_size)   # the book's own, one call away
'''),
    "Accumulator": ("softmax_regression", '''
from d2l import torch as d2l


class Accumulator(d2l.Accumulator):
    pass
'''),
}


@pytest.mark.slow
@pytest.mark.parametrize("function", sorted(DISGUISED))
def test_a_shortcut_reached_in_disguise_earns_nothing_for_that_function(function, tmp_path):
    module, source = DISGUISED[function]
    sub = _submission(tmp_path, module, source)
    report = grade_submission(sub, seed=4, runner="in-process", functions=[function])
    mine = [r for r in report.results if r.spec.functions == (function,)]
    assert mine and all(r.score == 0 for r in mine), [(r.spec.id, r.score, r.message) for r in mine]
    assert any("handed its work to" in r.message for r in mine), [r.message for r in mine]


@pytest.mark.slow
def test_the_book_helpers_used_as_helpers_are_not_delegation(tmp_path):
    """evaluate_accuracy built from d2l.Accumulator and d2l.accuracy, as the book writes it."""
    sub = _submission(tmp_path, "softmax_regression", '''
from d2l import torch as d2l


def evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = d2l.Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(d2l.accuracy(net(X), y), d2l.size(y))
    return metric[0] / metric[1]
''')
    report = grade_submission(sub, seed=4, runner="in-process", functions=["evaluate_accuracy"])
    mine = [r for r in report.results if r.spec.functions == ("evaluate_accuracy",)]
    assert mine and all(r.passed for r in mine), [(r.spec.id, r.message) for r in mine]


def test_switching_the_watch_off_costs_the_module():
    from autograder.engine.static_probes import probes_in

    assert probes_in("import torch\ndef relu(X):\n    with torch._C.DisableTorchFunction():\n"
                     "        return torch.relu(X)\n")
    assert probes_in("from torch.overrides import _pop_mode\n")
    assert not probes_in("import torch\ndef relu(X):\n    return torch.max(X, torch.zeros_like(X))\n")


def test_all_modules_are_covered_by_the_constants_hand_in():
    assert sorted(p.stem for p in (HANDINS / "constants" / "exercises").glob("*.py")) == sorted(MODULES)


@pytest.mark.slow
def test_only_a_failing_function_selected_leaves_nothing_to_try_together(tmp_path):
    """``--only relu`` with a stub relu: the end-to-end runs cannot pay (nothing else of the
    student's is graded), and say why instead of charging the stub's mistake to other parts."""
    sub = _submission(tmp_path, "mlp", '''
def relu(X):
    raise NotImplementedError
''')
    report = grade_submission(sub, seed=2, runner="in-process", functions=["relu"])
    assert report.score == 0
    for result in report.results:
        if len(result.spec.functions) > 1:
            assert result.functions == ("relu",) and "not graded in this run" in result.message
