"""Verdict halves for linear regression's model and training: linreg, squared_loss and sgd (the
data functions: autograder/verdicts/linear_data.py)."""
from __future__ import annotations

import math

import torch

from autograder.inputs import linear_regression as inputs
from autograder.inputs import upstream
from autograder.verdicts.expect import close, mismatch, show, tensor, type_name
from autograder.verdicts.gradients import check_gradients
from autograder.verdicts.registry import Fail, verdict


# ================================================================ shared helpers

def _unchanged(after, before: torch.Tensor) -> bool:
    return isinstance(after, torch.Tensor) and after.shape == before.shape and \
        bool(torch.equal(after.detach().double(), before.double()))


# ================================================================ linreg

@verdict("linreg.values")
def linreg_values(obs, seed):
    X, w, b = inputs.linreg_inputs(seed)
    expected = X @ w + b
    got = obs.get("out")
    inputs_text = f"X of shape {tuple(X.shape)}, w = {show(w)}, b = {show(b)}"
    got = tensor(got, "linreg")
    if tuple(got.shape) != tuple(expected.shape):
        if got.numel() == expected.numel() and close(got.reshape(expected.shape), expected):
            raise Fail(f"linreg returned shape {tuple(got.shape)}, expected {tuple(expected.shape)} "
                       "(one prediction per row, as a column): return torch.matmul(X, w) + b")
        raise Fail(f"linreg returned shape {tuple(got.shape)} for {inputs_text}, expected "
                   f"{tuple(expected.shape)}: return torch.matmul(X, w) + b")
    if not close(got, expected):
        if close(got, X @ w):
            raise mismatch("linreg", inputs_text, got, expected, "linreg forgot the bias: add + b")
        raise mismatch("linreg", inputs_text, got, expected, "expected X @ w + b")
    for name, before in (("X", X), ("w", w), ("b", b)):
        if not _unchanged(obs.get(f"{name}_after"), before):
            raise Fail(f"linreg modified its argument {name} in place: return a new tensor")


@verdict("linreg.differentiable")
def linreg_differentiable(obs, seed):
    X, w, b = inputs.linreg_inputs(seed)
    v = upstream(seed, "linreg", (X.shape[0], w.shape[1]))
    check_gradients(obs, "linreg", ("X", "w", "b"), (X, w, b), v, lambda X, w, b: X @ w + b,
                    "Build the result from X, w and b with tensor operations "
                    "(torch.matmul(X, w) + b): no .item(), .numpy(), .detach() or torch.tensor(...)",
                    f"float64 X of shape {tuple(X.shape)}, w = {show(w)}, b = {show(b)}")


# ================================================================ squared_loss

def per_example_loss(got, who: str, expected: torch.Tensor, inputs_text: str, y_shape: str,
                     formula: str, wrong: tuple = ()) -> None:
    """Shared by the per-example losses (squared, l1, huber): recognise a mean or sum over the
    batch, a missing reshape of y ((n, 1) - (n,) -> (n, n)), a wrong shape, then each known wrong
    formula in ``wrong`` (pairs of (what the mistake gives, hint)), then any other mismatch."""
    n = expected.shape[0]
    if isinstance(got, torch.Tensor) and got.numel() == 1 and n > 1:
        value = float(got.reshape(()).double().item())
        for agg, target in (("mean", float(expected.mean())), ("sum", float(expected.sum()))):
            if math.isclose(value, target, rel_tol=1e-6, abs_tol=1e-9):
                raise Fail(f"{who} returned the {agg} over the batch ({value:.6g}) instead of one "
                           f"loss per example: return {formula}, of shape ({n}, 1) like y_hat; "
                           "the training loop sums them")
        raise Fail(f"{who} returned a single number ({value:.6g}) for {inputs_text}, expected one "
                   f"loss per example, of shape ({n}, 1): do not take the mean or the sum")
    got = tensor(got, who)
    if tuple(got.shape) == (n, n) and y_shape == f"({n},)":
        raise Fail(f"{who} did not reshape y: y_hat of shape ({n}, 1) minus y of shape ({n},) "
                   f"broadcast into a ({n}, {n}) matrix; use y.reshape(y_hat.shape)")
    if tuple(got.shape) != tuple(expected.shape):
        if got.numel() == expected.numel() and close(got.reshape(expected.shape), expected):
            raise Fail(f"{who} returned shape {tuple(got.shape)} for y of shape {y_shape}, "
                       f"expected {tuple(expected.shape)} (the shape of y_hat): reshape y to "
                       "y_hat.shape rather than flattening y_hat")
        raise Fail(f"{who} returned shape {tuple(got.shape)} for {inputs_text}, expected "
                   f"{tuple(expected.shape)} (the shape of y_hat)")
    if close(got, expected):
        return
    for candidate, hint in wrong:
        if not close(candidate, expected) and close(got, candidate):
            raise mismatch(who, inputs_text, got, expected, hint)
    raise mismatch(who, inputs_text, got, expected, f"expected {formula}")


@verdict("squared_loss.values")
def squared_loss_values(obs, seed):
    y_hat, y = inputs.loss_inputs(seed)
    d = y_hat - y.reshape(y_hat.shape)
    expected = d ** 2 / 2
    formula = "(y_hat - y.reshape(y_hat.shape)) ** 2 / 2"
    wrong = ((d ** 2, "squared_loss is not halved: halve the squared error, "
              "(y_hat - y) ** 2 / 2, so that its gradient is y_hat - y"),
             (d.abs() / 2, "square the difference, do not take its absolute value"))
    n = y_hat.shape[0]
    text = f"y_hat = {show(y_hat)} and y = {show(y)}"
    per_example_loss(obs.get("flat"), "squared_loss", expected, text, f"({n},)", formula, wrong)
    per_example_loss(obs.get("column"), "squared_loss", expected, text.replace(f"{show(y)}", f"{show(y)} reshaped to ({n}, 1)"),
                     f"({n}, 1)", formula, wrong)
    if not _unchanged(obs.get("y_hat_after"), y_hat) or not _unchanged(obs.get("y_after"), y):
        raise Fail("squared_loss modified y_hat or y in place: y.reshape(...) returns a new view, "
                   "do not assign into the arguments")


@verdict("squared_loss.differentiable")
def squared_loss_differentiable(obs, seed):
    y_hat, y = inputs.loss_inputs(seed)
    v = upstream(seed, "squared_loss", tuple(y_hat.shape))
    check_gradients(obs, "squared_loss", ("y_hat", "y"), (y_hat, y), v,
                    lambda y_hat, y: (y_hat - y.reshape(y_hat.shape)) ** 2 / 2,
                    "Compute the loss with tensor operations on y_hat and y: no .item(), "
                    ".numpy(), .detach() or torch.tensor(...)",
                    f"float64 y_hat = {show(y_hat)} and y = {show(y)}")


# ================================================================ sgd

def _sgd_param(obs, name: str, before: torch.Tensor) -> torch.Tensor:
    value = obs.get(name)
    if not isinstance(value, torch.Tensor) or tuple(value.shape) != tuple(before.shape):
        raise Fail(f"after sgd the parameter {name} is {type_name(value)}, expected a tensor of "
                   f"shape {tuple(before.shape)}")
    return value


@verdict("sgd.step")
def sgd_step(obs, seed):
    w0, b0, gw, gb, lr, batch_size = inputs.sgd_case(seed)
    w = _sgd_param(obs, "w", w0)
    b = _sgd_param(obs, "b", b0)
    setup = (f"lr = {lr}, batch_size = {batch_size}, b = {show(b0)} with b.grad = {show(gb)}")
    error = obs.get("error")
    error = error if isinstance(error, str) else ""
    unchanged = close(w, w0, rtol=1e-9, atol=1e-12) and close(b, b0, rtol=1e-9, atol=1e-12)
    if error and unchanged:
        raise Fail(f"sgd raised {error} and left the parameters unchanged: after "
                   "`param = param - lr * param.grad / batch_size` the name param holds a new "
                   "tensor without a .grad, and the model's parameter never changes (this only "
                   "rebinds a local name); update in place with `param -= lr * param.grad / "
                   "batch_size` inside `with torch.no_grad():`, then param.grad.zero_()")
    if error:
        raise Fail(f"sgd raised {error}")
    grads_cleared = all(obs.get(f"{p}_grad") is None or (
        isinstance(obs.get(f"{p}_grad"), torch.Tensor) and bool((obs[f"{p}_grad"] == 0).all()))
        for p in ("w", "b"))
    if unchanged and grads_cleared:
        raise Fail(f"sgd left the parameters unchanged ({setup}: b stayed {show(b)}) and the "
                   "gradients are zero: if you zero the gradient before the update, the step "
                   "uses zeros; update first (param -= lr * param.grad / batch_size), then "
                   "param.grad.zero_(). Note that `param = param - ...` only rebinds a local name")
    if unchanged:
        raise Fail(f"sgd left the parameters unchanged ({setup}: b stayed {show(b)}): "
                   "`param = param - lr * param.grad / batch_size` only rebinds a local name and "
                   "the model never changes; update in place with "
                   "`param -= lr * param.grad / batch_size` inside `with torch.no_grad():` "
                   "(and zero the gradient only after using it)")
    expected_w, expected_b = w0 - lr * gw / batch_size, b0 - lr * gb / batch_size
    if close(w, w0 - lr * gw) and close(b, b0 - lr * gb):
        raise Fail(f"sgd did not divide by batch_size: the step was {batch_size}x too large "
                   f"({setup}: b became {show(b)}, expected {show(expected_b)}); the loss is summed "
                   "over the batch, so use param -= lr * param.grad / batch_size")
    if close(w, w0 + lr * gw / batch_size) and close(b, b0 + lr * gb / batch_size):
        raise Fail(f"sgd moved the parameters up the gradient ({setup}: b became {show(b)}, "
                   f"expected {show(expected_b)}): subtract, param -= lr * param.grad / batch_size")
    if close(w, w0 - gw / batch_size) and close(b, b0 - gb / batch_size):
        raise Fail(f"sgd ignored the learning rate ({setup}: b became {show(b)}, expected "
                   f"{show(expected_b)}): param -= lr * param.grad / batch_size")
    if not close(w, expected_w):
        raise mismatch("sgd", f"w = {show(w0)}, w.grad = {show(gw)}, lr = {lr}, batch_size = "
                       f"{batch_size}", w, expected_w, "expected w - lr * w.grad / batch_size")
    if not close(b, expected_b):
        raise mismatch("sgd", setup, b, expected_b, "expected b - lr * b.grad / batch_size")
    if obs.get("w_requires_grad") is not True or obs.get("b_requires_grad") is not True:
        raise Fail("after sgd the parameters no longer require grad: update them in place under "
                   "torch.no_grad() so they stay trainable leaves")


@verdict("sgd.zeroes_grads")
def sgd_zeroes_grads(obs, seed):
    # Accepted after the step: a gradient of zeros (param.grad.zero_(), as the book does) or None
    # (param.grad = None, what optimizer.zero_grad() does by default): either way the next
    # backward() starts from a clean gradient instead of adding onto the old one.
    w0, b0, gw, gb, lr, batch_size = inputs.sgd_case(seed)
    error = obs.get("error")
    if isinstance(error, str) and error:
        raise Fail(f"sgd raised {error}: update each parameter in place "
                   "(param -= lr * param.grad / batch_size under torch.no_grad()), then zero "
                   "its gradient with param.grad.zero_()")
    for name, before in (("w", gw), ("b", gb)):
        grad = obs.get(f"{name}_grad")
        if grad is None:
            continue
        if not isinstance(grad, torch.Tensor) or tuple(grad.shape) != tuple(before.shape):
            raise Fail(f"after sgd {name}.grad is {type_name(grad)}, expected zeros of shape "
                       f"{tuple(before.shape)} (param.grad.zero_()) or None")
        if bool((grad == 0).all()):
            continue
        if close(grad, before):
            raise Fail(f"sgd did not zero the gradients: {name}.grad is still {show(grad)} after "
                       "the update, so the next backward() adds onto it; call param.grad.zero_() "
                       "after updating each parameter (setting param.grad = None is accepted too). "
                       "The older book zeroed the gradients in its training loop; this contract, "
                       "like the current book, puts it in sgd")
        raise Fail(f"after sgd {name}.grad is {show(grad)}, expected zeros (param.grad.zero_()) "
                   "or None")


@verdict("sgd.from_scratch")
def sgd_from_scratch(obs, seed):
    seen = obs.get("seen")
    if not isinstance(seen, list):
        raise Fail("sgd: the library calls could not be read back")
    if seen:
        names = ", ".join(str(s) for s in seen)
        raise Fail(f"sgd built a library optimizer ({names}): the exercise is to write the update "
                   "yourself, param -= lr * param.grad / batch_size under torch.no_grad(), so a "
                   "torch.optim optimizer earns no points for sgd")
