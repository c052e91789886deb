"""Messages that teach when student code crashes or computes something close but wrong.

Each case is real student-like code (a wrong signature, a shape mismatch, the older book's idioms)
graded through the real engine (the in-process runner, the scenarios, judge, the verdicts and the
hints); the asserts check the key phrases: the function, the student's file:line and the text of
that line, the exception, the fix, the expected signature, the shapes, where results differ.
"""
from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest
import torch

from autograder.contract import MODULES, SIGNATURES
from autograder.engine.grading import grade_submission
from autograder.engine.hints import hint_for, named_shapes, with_hint
from autograder.verdicts.expect import compare, mismatch
from tests.catalogue import mutated_source
from tests.support import copy_solutions, judge_checks


def submission(tmp_path: Path, module: str, source: str) -> Path:
    """The reference solutions with ``source`` appended to ``module`` (its definitions win)."""
    sub = copy_solutions(tmp_path)
    path = sub / "exercises" / f"{module}.py"
    path.write_text(mutated_source(path.read_text(), textwrap.dedent(source)))
    return sub


def line_of(sub: Path, module: str, text: str) -> int:
    """The line number of the last line of ``module`` holding ``text`` (the student's version)."""
    lines = (sub / "exercises" / f"{module}.py").read_text().splitlines()
    return max(i for i, line in enumerate(lines, 1) if text in line)


def failing(sub: Path, check_ids: list[str], seed: int = 5) -> dict[str, str]:
    results = judge_checks(sub, check_ids, seed)
    assert all(not passed for passed, _ in results.values()), results
    return {cid: message for cid, (_, message) in results.items()}


def assert_one_line(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message, message


# ------------------------------------------------------------------------------- wrong signatures

def test_a_missing_parameter_names_the_expected_signature(tmp_path):
    sub = submission(tmp_path, "linear_regression", """
        def sgd(params, lr):
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad
                    param.grad.zero_()
        """)
    report = grade_submission(sub, seed=3, functions=["sgd"], runner="in-process")
    rows = {row.exercise: row for row in report.rows()}
    assert rows["sgd"].score == 0
    message = rows["sgd"].first_failure
    assert message.startswith("sgd raised TypeError: sgd() takes 2 positional arguments but 3 were "
                              "given"), message
    assert "the grader calls sgd(params, lr, batch_size); yours is sgd(params, lr)" in message
    assert_one_line(message)


def test_an_extra_parameter_and_a_renamed_keyword(tmp_path):
    sub = submission(tmp_path, "regularization", """
        def l1_loss(y_hat, y, reduction):
            return torch.abs(y_hat - y.reshape(y_hat.shape))
        """)
    message = failing(sub, ["l1_loss.values"])["l1_loss.values"]
    assert "missing 1 required positional argument: 'reduction'" in message
    assert "the grader calls l1_loss(y_hat, y); yours is l1_loss(y_hat, y, reduction)" in message

    sub = submission(tmp_path / "kw", "mlp", """
        def dropout_mlp(X, params, dropout1, dropout2, is_training=True):
            W1, b1, W2, b2, W3, b3 = params
            H1 = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
            if is_training:
                H1 = dropout_layer(H1, dropout1)
            H2 = relu(H1 @ W2 + b2)
            if is_training:
                H2 = dropout_layer(H2, dropout2)
            return H2 @ W3 + b3
        """)
    message = failing(sub, ["dropout_mlp.eval_deterministic"])["dropout_mlp.eval_deterministic"]
    assert "got an unexpected keyword argument 'training'" in message
    assert ("the grader calls dropout_mlp(X, params, dropout1, dropout2, training=True); yours is "
            "dropout_mlp(X, params, dropout1, dropout2, is_training=True)") in message


def test_a_method_with_the_wrong_signature(tmp_path):
    sub = submission(tmp_path, "softmax_regression", """
        class Accumulator:
            def __init__(self, n):
                self.data = [0.0] * n

            def add(self, a, b):
                self.data = [self.data[0] + float(a), self.data[1] + float(b)]

            def reset(self):
                self.data = [0.0] * len(self.data)

            def __getitem__(self, idx):
                return self.data[idx]
        """)
    message = failing(sub, ["Accumulator.add"])["Accumulator.add"]
    assert "Accumulator.add() takes 3 positional arguments" in message
    assert "the grader calls Accumulator.add(*args); yours is Accumulator.add(a, b)" in message


def test_a_wrong_call_inside_the_students_own_code_points_at_that_line(tmp_path):
    sub = submission(tmp_path, "regularization", """
        def huber_loss(y_hat, y, delta=1.0):
            d = l1_loss(y_hat - y.reshape(y_hat.shape))
            return torch.where(d <= delta, d ** 2 / 2, delta * (d - delta / 2))
        """)
    message = failing(sub, ["huber_loss.values"])["huber_loss.values"]
    line = line_of(sub, "regularization", "d = l1_loss(y_hat - y.reshape(y_hat.shape))")
    assert message.startswith("huber_loss raised TypeError: l1_loss() missing 1 required "
                              "positional argument: 'y'"), message
    assert f"at regularization.py:{line}: `d = l1_loss(y_hat - y.reshape(y_hat.shape))`" in message
    assert "this line calls l1_loss(y_hat, y) with the wrong arguments" in message


def test_the_signature_table_is_the_solutions():
    for module_name, names in MODULES.items():
        module = importlib.import_module(f"solutions.{module_name}")
        for name in names:
            obj = getattr(module, name)
            assert SIGNATURES[name] == str(inspect.signature(obj)), name
            if inspect.isclass(obj):
                for method, fn in vars(obj).items():
                    if inspect.isfunction(fn) and method != "__init__":
                        assert SIGNATURES[f"{name}.{method}"] == str(inspect.signature(fn))


# ------------------------------------------------------------------------------- shape mismatches

def test_mat1_and_mat2_names_the_shapes_and_the_transpose(tmp_path):
    sub = submission(tmp_path, "linear_regression", """
        def linreg(X, w, b):
            return torch.matmul(X, w.T) + b
        """)
    message = failing(sub, ["linreg.values"])["linreg.values"]
    line = line_of(sub, "linear_regression", "return torch.matmul(X, w.T) + b")
    assert message.startswith("linreg raised RuntimeError: mat1 and mat2 shapes cannot be multiplied")
    assert f"at linear_regression.py:{line}: `return torch.matmul(X, w.T) + b`" in message
    n, d = re.search(r"\((\d+)x(\d+) and 1x\2\)", message).groups()
    assert f"where X is ({n}, {d}), w is ({d}, 1), b is (1,)" in message
    assert f"Hint: mat1 is {n}x{d}, so mat2 must have {d} rows; yours is 1x{d}" in message
    assert f"w is ({d}, 1) and fits as it is: drop the transpose" in message
    assert_one_line(message)


def test_a_row_sum_without_keepdim_says_which_tensor_to_reshape(tmp_path):
    sub = submission(tmp_path, "softmax_regression", """
        def softmax(X):
            X_exp = torch.exp(X - X.max(1, keepdim=True).values)
            partition = X_exp.sum(1)
            return X_exp / partition
        """)
    message = failing(sub, ["softmax.stable"])["softmax.stable"]
    line = line_of(sub, "softmax_regression", "return X_exp / partition")
    assert f"softmax_regression.py:{line}: `return X_exp / partition`" in message
    assert "The size of tensor a" in message
    n, q = re.search(r"where X_exp is \((\d+), (\d+)\), partition is \(\1,\)", message).groups()
    assert (f"partition of shape ({n},) lines up with the last dimension of X_exp ({n}, {q}), not "
            f"with its rows: make it ({n}, 1)") in message


def test_a_hard_coded_view_says_how_many_elements_there_are(tmp_path):
    sub = submission(tmp_path, "linear_regression", """
        def squared_loss(y_hat, y):
            return (y_hat - y.view(4, 1)) ** 2 / 2
        """)
    message = failing(sub, ["squared_loss.values"])["squared_loss.values"]
    size = re.search(r"shape '\[4, 1\]' is invalid for input of size (\d+)", message).group(1)
    assert f"`return (y_hat - y.view(4, 1)) ** 2 / 2`" in message
    assert f"Hint: [4, 1] holds 4 elements, the input {size} (y is ({size},))" in message
    assert "y.reshape(y_hat.shape)" in message


def test_shape_hints_on_their_own():
    assert "flatten X to (5, 16)" in hint_for(
        "mlp raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (20x4 and 16x8) at "
        "mlp.py:3: `H = X @ W1` (where X is (5, 1, 4, 4), W1 is (16, 8))")
    assert "transpose of what fits" in hint_for(
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x784 and 10x784)")
    assert "operands look swapped" in hint_for(
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x1 and 6x4)")
    assert named_shapes("x raised ... (where X is (6, 4), b is (1,), s is ())") == {
        "X": (6, 4), "b": (1,), "s": ()}
    # a hint the worker found from the student's code comes first, and alone
    assert with_hint("f raised X. Hint: mine") == "f raised X. Hint: mine"


# ------------------------------------------------------------------------------- the older book

OLD_TRAIN_EPOCH = """
    def train_epoch_ch3(net, train_iter, loss, updater):
        if isinstance(net, torch.nn.Module):
            net.train()
        metric = Accumulator(3)
        for X, y in train_iter:
            y_hat = net(X)
            l = loss(y_hat, y)
            if isinstance(updater, torch.optim.Optimizer):
                updater.zero_grad()
                l.backward()
                updater.step()
            else:
                l.backward()
                updater(X.shape[0])
            metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
        return metric[0] / metric[2], metric[1] / metric[2]
    """


def test_backward_on_the_vector_of_losses(tmp_path):
    sub = submission(tmp_path, "softmax_regression", OLD_TRAIN_EPOCH)
    message = failing(sub, ["train_epoch_ch3.updater_batch_size"])["train_epoch_ch3.updater_batch_size"]
    line = line_of(sub, "softmax_regression", "l.backward()")
    assert message.startswith("train_epoch_ch3 raised RuntimeError: grad can be implicitly created "
                              "only for scalar outputs")
    assert f"at softmax_regression.py:{line}: `l.backward()`" in message
    assert ("Hint: call l.sum().backward() (the older book called l.backward() on the vector of "
            "per-example losses; current PyTorch needs a scalar)") in message
    assert_one_line(message)


@pytest.mark.parametrize("first", ["data_iter", "test_iter", "data"])
def test_evaluate_accuracy_in_the_older_books_order(tmp_path, first):
    sub = submission(tmp_path, "softmax_regression", f"""
        def evaluate_accuracy({first}, net):
            metric = Accumulator(2)
            with torch.no_grad():
                for X, y in {first}:
                    metric.add(accuracy(net(X), y), y.numel())
            return metric[0] / metric[1]
        """)
    messages = failing(sub, ["evaluate_accuracy.fraction", "evaluate_accuracy.eval_mode"])
    line = line_of(sub, "softmax_regression", f"for X, y in {first}:")
    for message in messages.values():
        assert message.startswith("evaluate_accuracy raised TypeError")
        assert "object is not iterable" in message
        assert f"softmax_regression.py:{line}: `for X, y in {first}:`" in message
        assert (f"your evaluate_accuracy takes ({first}, net), the older book's order; the grader "
                "calls evaluate_accuracy(net, data_iter) as the current book does: swap the "
                "parameters") in message


def test_sgd_that_leaves_the_zeroing_to_the_training_loop(tmp_path):
    sub = submission(tmp_path, "linear_regression", """
        def sgd(params, lr, batch_size):
            for param in params:
                param.data -= lr * param.grad / batch_size
        """)
    results = judge_checks(sub, ["sgd.step", "sgd.zeroes_grads"], seed=2)
    assert results["sgd.step"][0]
    passed, message = results["sgd.zeroes_grads"]
    assert not passed
    assert "sgd did not zero the gradients" in message
    assert "call param.grad.zero_() after updating each parameter" in message
    assert "The older book zeroed the gradients in its training loop" in message
    assert "puts it in sgd" in message


def test_numpy_on_a_tensor_that_requires_grad(tmp_path):
    sub = submission(tmp_path, "softmax_regression", """
        def train_epoch_ch3(net, train_iter, loss, updater):
            metric = Accumulator(3)
            for X, y in train_iter:
                y_hat = net(X)
                l = loss(y_hat, y)
                l.sum().backward()
                updater(X.shape[0])
                correct = float((y_hat.numpy().argmax(axis=1) == y.numpy()).sum())
                metric.add(float(l.sum()), correct, y.numel())
            return metric[0] / metric[2], metric[1] / metric[2]
        """)
    message = failing(sub, ["train_epoch_ch3.updater_batch_size"])["train_epoch_ch3.updater_batch_size"]
    line = line_of(sub, "softmax_regression", "y_hat.numpy()")
    assert "Can't call numpy() on Tensor that requires grad" in message
    assert f"softmax_regression.py:{line}" in message
    assert "Hint: stay in torch" in message and ".detach().numpy()" in message


# ------------------------------------------------------------------------------- where values differ

def test_a_large_result_shows_where_it_differs_not_a_prefix():
    expected = torch.arange(640, dtype=torch.float32).reshape(64, 10) / 100
    got = expected.clone()
    got[3, 7] += 0.25
    got[40, 1] -= 1.5
    text = mismatch("W after train_epoch_ch3", "one epoch", got, expected).message
    assert "they first differ at [3, 7]: 0.62 instead of 0.37" in text
    assert "2 of 640 entries differ, by up to 1.5 (at [40, 1])" in text
    shown_got, shown_expected = re.search(r"got (\[.*?\]), expected (\[.*?\])", text).groups()
    assert shown_got != shown_expected and "0.62" in shown_got and "0.37" in shown_expected
    assert "(entries [3, 4:10] of shape (64, 10))" in text


def test_a_close_small_result_shows_the_digits_that_differ():
    expected = torch.tensor([2.04081, 1.41802, 2.65846, 1.63512])
    got = expected.clone()
    got[2] = 2.65856
    text = compare(got, expected)
    assert "they differ only at [2]: 2.659 instead of 2.658 (by 0.0001)" in text
    assert compare(torch.tensor(1.5), torch.tensor(1.25)) == "got 1.5, expected 1.25 (a difference of 0.25)"
    assert "3 of 3 entries differ" in compare(torch.zeros(3), torch.ones(3))
    assert "shape (3, 1)" in compare(torch.ones(3, 1), torch.ones(3))   # shapes differ: both shown


def test_a_verdict_message_through_the_engine_shows_the_difference(tmp_path):
    sub = submission(tmp_path, "softmax_regression", """
        def cross_entropy(y_hat, y):
            return -torch.log(y_hat[range(len(y_hat)), y]) + 1e-4
        """)
    message = failing(sub, ["cross_entropy.values"])["cross_entropy.values"]
    assert re.search(r"they first differ at \[0\]: \S+ instead of \S+; \d+ of \d+ entries differ, "
                     r"by up to 0\.0001", message), message


# ------------------------------------------------------- exceptions a scenario observes itself

def test_an_exception_the_scenario_observes_points_at_the_line_and_gives_the_fix(tmp_path):
    """relu.grad records the exception as its observation (an error is what it checks for); the
    message still names the student's line and the fix, as for a crash."""
    sub = submission(tmp_path, "mlp", """
        def relu(X):
            return torch.tensor(X.numpy().clip(min=0))
        """)
    message = failing(sub, ["relu.grad"])["relu.grad"]
    assert_one_line(message)
    assert f"mlp.py:{line_of(sub, 'mlp', 'X.numpy()')} in relu" in message, message
    assert "X.numpy().clip(min=0)" in message and "Hint:" in message and "detach()" in message
