"""Verdict halves for softmax regression: recompute with torch's own operations and explain.

Each verdict regenerates the scenario's inputs from the seed, computes what was expected with
torch builtins (never with solutions/), and recognises the classic mistakes by comparing the
student's result with what each mistake would have produced.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from autograder.inputs import softmax_regression as inputs
from autograder.inputs import upstream
from autograder.verdicts.expect import close, compare, mismatch, number, show, tensor, type_name
from autograder.verdicts.gradients import check_gradients
from autograder.verdicts.registry import Fail, verdict

FASHION_NAMES = ('t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot')


def _tol(dtype: torch.dtype) -> dict:
    return {"rtol": 1e-9, "atol": 1e-12} if dtype == torch.float64 else {"rtol": 1e-5, "atol": 1e-7}


def _near(got: float, expected: float, rel: float = 1e-6) -> bool:
    return math.isfinite(got) and abs(got - expected) <= rel * max(1.0, abs(expected))


def _list(value: Any, who: str, length: int | None = None) -> list:
    if not isinstance(value, list):
        raise Fail(f"{who} returned {type_name(value)}, expected a list"
                   + (f" of {length}" if length is not None else ""))
    if length is not None and len(value) != length:
        raise Fail(f"{who} returned {len(value)} values, expected {length}")
    return value


def _seen_calls(obs: dict) -> list[str]:
    seen = obs.get("seen")
    if not isinstance(seen, list):
        return []
    return [s for s in seen if isinstance(s, str)]


# ---------------------------------------------------------------- softmax

def _softmax_wrong(got: torch.Tensor, X: torch.Tensor, expected: torch.Tensor, inputs_text: str) -> Fail:
    """The Fail for a finite softmax result of the right shape that is not softmax(X, dim=1)."""
    tol = _tol(X.dtype)
    g = got.double()
    row_sums, col_sums = g.sum(1), g.sum(0)
    ones = torch.ones_like
    rows_ok = torch.allclose(row_sums, ones(row_sums), atol=1e-4)
    if X.shape[0] > 1 and not rows_ok and torch.allclose(col_sums, ones(col_sums), atol=1e-4):
        return mismatch("softmax", inputs_text, got, expected,
                        "softmax normalised over the wrong axis: the columns sum to 1 instead of the "
                        "rows; sum over dim 1: X_exp.sum(1, keepdim=True)")
    if X.shape[0] == X.shape[1]:
        e = torch.exp(X - X.max(dim=1, keepdim=True).values)
        if close(got, e / e.sum(1), **tol) or close(got, torch.exp(X) / torch.exp(X).sum(1), **tol):
            return mismatch("softmax", inputs_text, got, expected,
                            "softmax forgot keepdim=True: X_exp.sum(1) has shape (n,), so dividing "
                            "broadcasts it across columns; use X_exp.sum(1, keepdim=True)")
    if not rows_ok:
        return mismatch("softmax", inputs_text, got, expected,
                        f"the rows of softmax's result must sum to 1 (they sum to {show(row_sums)})")
    return mismatch("softmax", inputs_text, got, expected,
                    "expected exp(X) / exp(X).sum(1, keepdim=True), computed as "
                    "exp(X - row max) / its row sums")


def _softmax_tensor(out: Any, X: torch.Tensor) -> torch.Tensor:
    """The observed softmax result as a tensor of X's shape and dtype, or Fail."""
    who = f"softmax of a {tuple(X.shape)} {X.dtype} input"
    if isinstance(out, dict) and isinstance(out.get("error"), str):
        error = out["error"]
        hint = ""
        if "must match the size of tensor" in error:
            hint = (": did you forget keepdim=True? X_exp.sum(1) has shape (n,), which does not "
                    "broadcast against (n, q); use X_exp.sum(1, keepdim=True)")
        raise Fail(f"softmax raised {error} for X = {show(X)}{hint}")
    got = tensor(out, who, shape=tuple(X.shape))
    if got.dtype != X.dtype:
        raise Fail(f"softmax returned dtype {got.dtype} for a {X.dtype} input: keep the input's "
                   "dtype (build the result from X with torch operations)")
    return got


def _check_softmax_case(out: Any, X: torch.Tensor) -> None:
    """Fail unless ``out`` is softmax(X) over rows; recognise the wrong axis and missing keepdim."""
    got = _softmax_tensor(out, X)
    expected = torch.softmax(X, dim=1)
    if close(got, expected, **_tol(X.dtype)):
        return
    inputs_text = f"X = {show(X)}"
    if not torch.isfinite(got).all():
        raise mismatch("softmax", inputs_text, got, expected,
                       "softmax returned inf/nan for moderate logits: divide exp(X) by its row sums")
    raise _softmax_wrong(got, X, expected, inputs_text)


@verdict("softmax.values")
def softmax_values(obs, seed):
    cases = inputs.softmax_cases(seed)
    outs = _list(obs.get("outs"), "softmax", len(cases))
    for out, X in zip(outs, cases):
        _check_softmax_case(out, X)


@verdict("softmax.input_unchanged")
def softmax_input_unchanged(obs, seed):
    cases = inputs.softmax_cases(seed)
    after = _list(obs.get("after"), "softmax's input", len(cases))
    for X_after, X in zip(after, cases):
        if not isinstance(X_after, torch.Tensor) or X_after.shape != X.shape or \
                not torch.equal(X_after.to(X.dtype), X):
            raise Fail(f"softmax modified its input X in place: X = {show(X)} became "
                       f"{show(X_after)} after the call. Do not use X -= ..., X.exp_() or "
                       "X.sub_(...): compute a new tensor, e.g. X - X.max(dim=1, keepdim=True).values")


@verdict("softmax.stable")
def softmax_stable(obs, seed):
    cases = inputs.softmax_large(seed)
    outs = _list(obs.get("outs"), "softmax", len(cases))
    for out, X in zip(outs, cases):
        got = _softmax_tensor(out, X)
        expected = torch.softmax(X, dim=1)
        limit = 89 if X.dtype == torch.float32 else 710
        if got.is_floating_point() and not torch.isfinite(got).all():
            bad = [i for i in range(X.shape[0]) if not torch.isfinite(got[i]).all()]
            raise Fail(f"softmax returned inf/nan for logits >= {limit} ({X.dtype}) or <= -{limit + 15}: "
                       "subtract the row max before exp (exp(X - X.max(dim=1, keepdim=True).values) "
                       f"gives the same probabilities without overflow). For the row "
                       f"X = {show(X[bad[0]])} {compare(got[bad[0]], expected[bad[0]])}")
        tol = {"rtol": 1e-4, "atol": 1e-6} if X.dtype == torch.float32 else {"rtol": 1e-9, "atol": 1e-12}
        if not close(got, expected, **tol):
            raise _softmax_wrong(got, X, expected, f"large logits X = {show(X)}")


@verdict("softmax.gradient")
def softmax_gradient(obs, seed):
    X = inputs.softmax_grad_input(seed)
    check_gradients(obs, "softmax", ("X",), (X,), upstream(seed, "softmax", tuple(X.shape)),
                    lambda X: torch.softmax(X, dim=1),
                    "Keep the computation in torch operations on X (no .item(), .numpy(), "
                    ".detach() or torch.tensor(...)) and keep the input's dtype",
                    f"a float64 X = {show(X)}")


def _from_scratch_verdict(obs: dict, who: str, builtins: str) -> None:
    seen = _seen_calls(obs)
    if seen:
        raise Fail(f"{who} calls {', '.join(seen)}: the exercise is to write {who} from scratch "
                   f"({builtins}); a library call does the work for you, so {who} earns nothing")


@verdict("softmax.from_scratch")
def softmax_from_scratch(obs, seed):
    _from_scratch_verdict(obs, "softmax", "with torch.exp and .sum")


# ---------------------------------------------------------------- cross_entropy

@verdict("cross_entropy.values")
def cross_entropy_values(obs, seed):
    cases = inputs.cross_entropy_cases(seed)
    outs = _list(obs.get("outs"), "cross_entropy", len(cases))
    for out, (y_hat, y) in zip(outs, cases):
        n = len(y)
        picked = y_hat[torch.arange(n), y]
        expected = -torch.log(picked)
        text = f"y_hat = {show(y_hat)}, y = {show(y)}"
        tol = _tol(y_hat.dtype) if y_hat.dtype == torch.float64 else {"rtol": 1e-5, "atol": 1e-6}
        if isinstance(out, (int, float)) and not isinstance(out, bool) or \
                isinstance(out, torch.Tensor) and out.numel() == 1 and n > 1:
            value = number(out, "cross_entropy")
            if _near(value, expected.mean().item(), 1e-5):
                raise Fail(f"cross_entropy returned the mean loss ({value:.6g}), a single number: "
                           f"return one loss per example, a tensor of shape ({n},) (the training "
                           f"loop reduces it). For {text} expected {show(expected)}")
            if _near(value, expected.sum().item(), 1e-5):
                raise Fail(f"cross_entropy returned the summed loss ({value:.6g}): return one loss "
                           f"per example, a tensor of shape ({n},). For {text} expected {show(expected)}")
        got = tensor(out, "cross_entropy")
        if tuple(got.shape) == (n, n):
            raise Fail(f"cross_entropy returned shape ({n}, {n}), expected ({n},): `y_hat[:, y]` picks "
                       f"an (n, n) block; index with y_hat[range(len(y_hat)), y]. For {text} expected "
                       f"{show(expected)}")
        if tuple(got.shape) == (n, 1):
            raise Fail(f"cross_entropy returned shape ({n}, 1), expected ({n},): flatten the "
                       f"per-example losses (e.g. .reshape(-1)). For {text} expected {show(expected)}")
        if tuple(got.shape) != (n,):
            raise Fail(f"cross_entropy returned shape {tuple(got.shape)}, expected ({n},) (one loss "
                       f"per example). For {text} expected {show(expected)}")
        if close(got, expected, **tol):
            continue
        if close(got, -expected, **tol):
            raise mismatch("cross_entropy", text, got, expected,
                           "cross_entropy is missing the minus sign: the loss is -log(y_hat[i, y[i]]), "
                           "which is positive")
        if close(got, -torch.log(1 - picked), **tol) or close(got, -torch.log10(picked), **tol):
            raise mismatch("cross_entropy", text, got, expected,
                           "cross_entropy must be the natural log of the probability of the true class")
        raise mismatch("cross_entropy", text, got, expected,
                       "expected -log(y_hat[i, y[i]]) for each example i")


@verdict("cross_entropy.gradient")
def cross_entropy_gradient(obs, seed):
    y_hat, y = inputs.cross_entropy_grad_input(seed)
    check_gradients(obs, "cross_entropy", ("y_hat",), (y_hat,),
                    upstream(seed, "cross_entropy", (len(y),)),
                    lambda p: -torch.log(p[torch.arange(len(y)), y]),
                    "Index y_hat and take torch.log, keeping the result a tensor built from y_hat",
                    f"a float64 y_hat = {show(y_hat)} and y = {show(y)}")


@verdict("cross_entropy.from_scratch")
def cross_entropy_from_scratch(obs, seed):
    _from_scratch_verdict(obs, "cross_entropy", "index the true class and take -torch.log")


# ---------------------------------------------------------------- accuracy

def _accuracy_verdict(out: Any, k: int, n: int, text: str) -> None:
    got = number(out, "accuracy")
    if _near(got, float(k), 1e-9):
        return
    if _near(got, k / n, 1e-6):
        raise Fail(f"accuracy returned {got:.4g} for {k} correct out of {n}: return the number "
                   "correct (a count, not a fraction); evaluate_accuracy divides. " + text)
    if _near(got, float(n - k), 1e-9):
        raise Fail(f"accuracy returned {got:.4g}, the number of WRONG predictions ({k} of {n} are "
                   "correct): count where the predicted label equals y. " + text)
    raise Fail(f"accuracy returned {got:.6g}, expected {k} (the number of correct predictions "
               f"out of {n}). " + text)


@verdict("accuracy.count")
def accuracy_count(obs, seed):
    scores, y, k = inputs.accuracy_scores(seed)
    _accuracy_verdict(obs.get("out"), k, len(y),
                      f"For scores y_hat = {show(scores)} (shape {tuple(scores.shape)}: take "
                      f"argmax(axis=1)) and y = {show(y, 12)}")


@verdict("accuracy.predicted_labels")
def accuracy_predicted_labels(obs, seed):
    pred, y, k = inputs.accuracy_labels(seed)
    text = f"For y_hat = {show(pred, 12)} (already predicted labels) and y = {show(y, 12)}"
    error = obs.get("error")
    if isinstance(error, str) and error:
        raise Fail(f"accuracy failed when y_hat is already a vector of predicted labels ({error}): "
                   "take argmax(axis=1) only when y_hat has more than one column. " + text)
    _accuracy_verdict(obs.get("out"), k, len(y), text)


# ---------------------------------------------------------------- Accumulator

def _expected_sums(adds: list[list]) -> list[list[float]]:
    sums = [0.0] * len(adds[0])
    out = []
    for args in adds:
        sums = [s + float(v) for s, v in zip(sums, args)]
        out.append(list(sums))
    return out


def _show_adds(adds: list[list]) -> str:
    def one(v):
        return f"tensor({float(v):g})" if isinstance(v, torch.Tensor) else repr(v)
    return "; ".join(f"add({', '.join(one(v) for v in args)})" for args in adds)


def _read_numbers(row: Any, n: int, who: str) -> list[float]:
    row = _list(row, who, n)
    return [number(v, who) for v in row]


@verdict("Accumulator.add")
def accumulator_add(obs, seed):
    n, adds = inputs.accumulator_adds(seed, "add", 4)
    seen = _list(obs.get("seen"), "the Accumulator", len(adds))
    for i, (row, want) in enumerate(zip(seen, _expected_sums(adds))):
        got = _read_numbers(row, n, f"Accumulator({n})[i]")
        if not all(_near(a, b, 1e-9) for a, b in zip(got, want)):
            steps = _show_adds(adds[:i + 1])
            hint = ""
            if i > 0 and all(_near(a, float(b), 1e-9) for a, b in zip(got, adds[i])):
                hint = " add replaced the sums instead of adding to them."
            raise Fail(f"after Accumulator({n}) then {steps}, [acc[0], ..., acc[{n - 1}]] was "
                       f"{got}, expected {want}.{hint} add(*args) must add each argument (an int, a "
                       "float or a 0-d tensor: use float(b)) to its running sum")


@verdict("Accumulator.reset")
def accumulator_reset(obs, seed):
    n, adds = inputs.accumulator_adds(seed, "reset", 4)
    after_reset = _read_numbers(obs.get("after_reset"), n, f"Accumulator({n})[i] after reset()")
    if not all(v == 0.0 for v in after_reset):
        raise Fail(f"after Accumulator({n}), {_show_adds(adds[:2])}; reset(), the sums were "
                   f"{after_reset}, expected {[0.0] * n}: reset() must set every sum back to 0.0 "
                   "(assign self.data = [0.0] * len(self.data))")
    want = _expected_sums(adds[2:])[-1]
    got = _read_numbers(obs.get("after_adds"), n, f"Accumulator({n})[i] after reset() and add()")
    if not all(_near(a, b, 1e-9) for a, b in zip(got, want)):
        raise Fail(f"after reset() then {_show_adds(adds[2:])}, the sums were {got}, expected "
                   f"{want}: after reset() the Accumulator must still hold {n} sums and add to them")


# ---------------------------------------------------------------- evaluate_accuracy

@verdict("evaluate_accuracy.fraction")
def evaluate_accuracy_fraction(obs, seed):
    batches = inputs.eval_batches(seed)
    correct = [float((X.argmax(1) == y).sum()) for X, y in batches]
    sizes = [len(y) for _, y in batches]
    expected = sum(correct) / sum(sizes)
    got = number(obs.get("out"), "evaluate_accuracy")
    where = (f"batches of sizes {sizes} with {[int(c) for c in correct]} correct predictions "
             f"(using a known-good accuracy and Accumulator)")
    if _near(got, expected, 1e-9):
        return
    mean_of_batches = sum(c / s for c, s in zip(correct, sizes)) / len(sizes)
    if _near(got, mean_of_batches, 1e-9):
        raise Fail(f"evaluate_accuracy returned the mean of per-batch accuracies ({got:.6g}) instead "
                   f"of the fraction over all examples ({expected:.6g}) for {where}: a small last "
                   "batch weighs as much as a full one. Sum the correct predictions and the example "
                   "counts over all batches, then divide once")
    if _near(got, sum(correct), 1e-9):
        raise Fail(f"evaluate_accuracy returned the number correct ({got:.6g}) instead of the "
                   f"fraction ({expected:.6g}) for {where}: divide by the number of examples")
    if _near(got, sum(correct) / len(sizes), 1e-9):
        raise Fail(f"evaluate_accuracy divided by the number of batches ({got:.6g}) instead of the "
                   f"number of examples ({expected:.6g}) for {where}: count examples with y.numel()")
    raise Fail(f"evaluate_accuracy returned {got:.6g}, expected {expected:.6g} for {where}: "
               "sum accuracy(net(X), y) and y.numel() over all batches, then divide once")


@verdict("evaluate_accuracy.eval_mode")
def evaluate_accuracy_eval_mode(obs, seed):
    batches = inputs.eval_mode_batches(seed)
    right = [float((X.argmax(1) == y).sum()) for X, y in batches]
    n = sum(len(y) for _, y in batches)
    expected = sum(right) / n
    got = number(obs.get("out"), "evaluate_accuracy")
    where = (f"a torch.nn.Module net that is right on {int(sum(right))} of {n} examples in "
             "evaluation mode and on none in training mode (as dropout can make a net predict "
             "differently), handed over in training mode")
    if _near(got, expected, 1e-9):
        return
    if got == 0.0:
        raise Fail(f"evaluate_accuracy returned 0 for {where}: it evaluated the net while it was "
                   "still in training mode; call net.eval() first when isinstance(net, "
                   "torch.nn.Module) (dropout and batch norm behave differently in evaluation)")
    if 0.0 < got < expected:
        raise Fail(f"evaluate_accuracy returned {got:.6g}, expected {expected:.6g} for {where}: "
                   "some batches were evaluated in training mode; call net.eval() once, before "
                   "the loop over the batches")
    raise Fail(f"evaluate_accuracy returned {got:.6g}, expected {expected:.6g} for {where}: call "
               "net.eval() first, then sum accuracy(net(X), y) and y.numel() over all batches "
               "and divide once")


# ---------------------------------------------------------------- train_epoch_ch3

def _replay_custom(seed: int, tag: str, backward: str) -> dict:
    """One epoch of the from-scratch model with `updater(bs) = sgd(params, lr, bs)`.

    backward: "sum" (correct: l.sum().backward()) or "mean" (l.mean().backward()).
    """
    W, b = inputs.train_params(seed, tag)
    W.requires_grad_(True)
    b.requires_grad_(True)
    stats = {"loss_sum": 0.0, "batch_means": [], "correct": [], "sizes": []}
    for X, y in inputs.train_batches(seed, tag):
        y_hat = torch.softmax(X.reshape(-1, inputs.NUM_FEATURES) @ W + b, dim=1)
        l = -torch.log(y_hat[torch.arange(len(y)), y])
        (l.sum() if backward == "sum" else l.mean()).backward()
        with torch.no_grad():
            for p in (W, b):
                p -= inputs.LR_CUSTOM * p.grad / X.shape[0]
                p.grad.zero_()
        _record(stats, l, y_hat, y)
    return {"W": W.detach(), "b": b.detach(), **stats}


def _record(stats: dict, l: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor) -> None:
    stats["loss_sum"] += float(l.sum())
    stats["batch_means"].append(float(l.mean()))
    stats["correct"].append(float((y_hat.argmax(1) == y).sum()))
    stats["sizes"].append(len(y))


def _replay_fixed(seed: int, tag: str) -> dict:
    """The metrics of one epoch of the from-scratch model when no update happens."""
    W, b = inputs.train_params(seed, tag)
    stats = {"loss_sum": 0.0, "batch_means": [], "correct": [], "sizes": []}
    for X, y in inputs.train_batches(seed, tag):
        y_hat = torch.softmax(X.reshape(-1, inputs.NUM_FEATURES) @ W + b, dim=1)
        _record(stats, -torch.log(y_hat[torch.arange(len(y)), y]), y_hat, y)
    return stats


def _replay_optim(seed: int, mode: str) -> dict:
    """One epoch of Flatten + Linear with torch.optim.SGD, replayed by hand.

    mode: "correct" (zero_grad, l.mean().backward(), step), "no_zero_grad" (gradients accumulate
    over batches), "sum" (l.sum().backward(): steps batch_size times too large).
    """
    W0, b0 = inputs.train_params(seed, "optim")
    W = W0.T.clone().requires_grad_(True)      # Linear's weight is (out, in)
    b = b0.clone().requires_grad_(True)
    stats = {"loss_sum": 0.0, "batch_means": [], "correct": [], "sizes": []}
    for X, y in inputs.train_batches(seed, "optim"):
        if mode != "no_zero_grad":
            W.grad = None
            b.grad = None
        logits = X.reshape(X.shape[0], -1) @ W.T + b
        l = F.cross_entropy(logits, y, reduction="none")
        (l.sum() if mode == "sum" else l.mean()).backward()
        with torch.no_grad():
            W -= inputs.LR_OPTIM * W.grad
            b -= inputs.LR_OPTIM * b.grad
        _record(stats, l, logits, y)
    return {"W": W.detach().T, "b": b.detach(), **stats}


def _params_close(obs: dict, replay: dict) -> bool:
    W, b = obs.get("W"), obs.get("b")
    return (isinstance(W, torch.Tensor) and isinstance(b, torch.Tensor)
            and close(W, replay["W"], rtol=1e-7, atol=1e-9) and close(b, replay["b"], rtol=1e-7, atol=1e-9))


def _unchanged(obs: dict, seed: int, tag: str) -> bool:
    W0, b0 = inputs.train_params(seed, tag)
    return _params_close(obs, {"W": W0, "b": b0})


def _metrics_verdict(out: Any, stats: dict, setting: str) -> None:
    """Check the returned (mean loss, accuracy) against the per-example averages."""
    if not isinstance(out, list) or len(out) != 2:
        raise Fail(f"train_epoch_ch3 returned {type_name(out)}"
                   + (f" of length {len(out)}" if isinstance(out, list) else "")
                   + ", expected a pair (mean training loss, training accuracy)")
    loss = number(out[0], "train_epoch_ch3's loss")
    acc = number(out[1], "train_epoch_ch3's accuracy")
    sizes, n = stats["sizes"], sum(stats["sizes"])
    k = len(sizes)
    want_loss = stats["loss_sum"] / n
    want_acc = sum(stats["correct"]) / n
    where = f"({setting})"
    if not _near(loss, want_loss, 1e-7):
        if _near(loss, sum(stats["batch_means"]) / n, 1e-7):
            raise Fail(f"train_epoch_ch3's loss is about batch_size times too small ({loss:.6g} "
                       f"instead of {want_loss:.6g}) {where}: it took the mean of each batch and then "
                       "divided by the batch size again (by the number of examples). Accumulate "
                       "float(l.sum()) and divide by the number of examples once")
        if _near(loss, sum(stats["batch_means"]) / k, 1e-7):
            raise Fail(f"train_epoch_ch3 returned the mean of per-batch mean losses ({loss:.6g}) "
                       f"instead of the mean loss per example ({want_loss:.6g}) {where}: a small last "
                       "batch weighs as much as a full one. Sum float(l.sum()) and y.numel() over "
                       "the epoch, then divide once")
        if _near(loss, stats["loss_sum"], 1e-7):
            raise Fail(f"train_epoch_ch3 returned the summed loss ({loss:.6g}) instead of the mean "
                       f"per example ({want_loss:.6g}) {where}: divide by the number of examples")
        raise Fail(f"train_epoch_ch3 returned a mean loss of {loss:.6g}, expected {want_loss:.6g} "
                   f"{where}: sum float(l.sum()) over the batches and divide by the number of examples")
    if not _near(acc, want_acc, 1e-9):
        mean_acc = sum(c / s for c, s in zip(stats["correct"], sizes)) / k
        if _near(acc, mean_acc, 1e-9):
            raise Fail(f"train_epoch_ch3 returned the mean of per-batch accuracies ({acc:.6g}) instead "
                       f"of the fraction correct over the epoch ({want_acc:.6g}) {where}: sum "
                       "accuracy(y_hat, y) and y.numel(), then divide once")
        if _near(acc, sum(stats["correct"]), 1e-9):
            raise Fail(f"train_epoch_ch3 returned the number correct ({acc:.6g}) as the accuracy, "
                       f"expected the fraction {want_acc:.6g} {where}: divide by the number of examples")
        if _near(acc, sum(stats["correct"]) / k, 1e-9) or _near(acc, sum(stats["correct"]) / n / n, 1e-9):
            raise Fail(f"train_epoch_ch3's accuracy is {acc:.6g}, expected {want_acc:.6g} {where}: "
                       "divide the number correct by the number of examples, once")
        raise Fail(f"train_epoch_ch3 returned an accuracy of {acc:.6g}, expected {want_acc:.6g} "
                   f"{where} (the training accuracy of the predictions made before each update)")


@verdict("train_epoch_ch3.updater_batch_size")
def train_epoch_updater_batch_size(obs, seed):
    sizes = [len(y) for _, y in inputs.train_batches(seed, "custom")]
    got = obs.get("sizes")
    if not isinstance(got, list) or not got:
        raise Fail(f"train_epoch_ch3 never called the custom updater (for batches of sizes {sizes}): "
                   "when updater is not a torch.optim.Optimizer, call l.sum().backward() then "
                   "updater(X.shape[0]) for every batch")
    values = []
    for v in got:
        try:
            values.append(number(v, "the batch size passed to updater"))
        except Fail:
            raise Fail(f"train_epoch_ch3 passed {type_name(v)} to updater, expected the batch size "
                       "X.shape[0]") from None
    if values != [float(s) for s in sizes]:
        shown = [int(v) if float(v).is_integer() else v for v in values]
        if len(values) == len(sizes) and values[:-1] == [float(s) for s in sizes[:-1]]:
            hint = ("the last, partial batch has fewer examples: pass X.shape[0] of each batch, "
                    "not a fixed batch size")
        elif len(values) != len(sizes):
            hint = "call updater exactly once per batch"
        else:
            hint = "pass the size of the current batch, X.shape[0]"
        raise Fail(f"train_epoch_ch3 called updater with {shown}, but the batches had sizes "
                   f"{sizes}: {hint}")


@verdict("train_epoch_ch3.custom_updater")
def train_epoch_custom_updater(obs, seed):
    correct = _replay_custom(seed, "custom", "sum")
    if _params_close(obs, correct):
        return
    sizes = correct["sizes"]
    setting = (f"one epoch over batches of sizes {sizes} with updater = "
               f"lambda bs: sgd([W, b], lr={inputs.LR_CUSTOM}, bs)")
    for name in ("W", "b"):
        tensor(obs.get(name), f"the parameter {name} after train_epoch_ch3",
               shape=tuple(correct[name].shape))
    got_sizes = obs.get("sizes")
    if isinstance(got_sizes, list) and got_sizes and got_sizes != sizes:
        raise mismatch("W after train_epoch_ch3", setting, obs.get("W"), correct["W"],
                       f"updater was called with batch sizes {got_sizes} instead of {sizes}: call "
                       "updater(X.shape[0]) once per batch")
    if not got_sizes or _unchanged(obs, seed, "custom"):
        raise Fail(f"the parameters did not change after {setting}: call l.sum().backward() and "
                   "then updater(X.shape[0]) for every batch")
    if _params_close(obs, _replay_custom(seed, "custom", "mean")):
        raise Fail(f"the parameter updates are batch_size times too small after {setting}: with a "
                   "custom updater call l.sum().backward(), not l.mean().backward() (the updater "
                   "already divides by the batch size)")
    raise mismatch("W after train_epoch_ch3", setting, obs.get("W"), correct["W"],
                   "each batch must do l.sum().backward() then updater(X.shape[0]) exactly once")


@verdict("train_epoch_ch3.loss_and_accuracy")
def train_epoch_loss_and_accuracy(obs, seed):
    stats = _replay_fixed(seed, "metrics")
    _metrics_verdict(obs.get("out"), stats, f"batches of sizes {stats['sizes']}, a fixed model "
                     "and an updater that changes nothing")


@verdict("train_epoch_ch3.optimizer")
def train_epoch_optimizer(obs, seed):
    correct = _replay_optim(seed, "correct")
    sizes = correct["sizes"]
    setting = (f"one epoch of nn.Sequential(nn.Flatten(), nn.Linear(6, 4)) with "
               f"torch.optim.SGD(lr={inputs.LR_OPTIM}) over batches of sizes {sizes}")
    if not _params_close(obs, correct):
        for name in ("W", "b"):
            tensor(obs.get(name), f"the parameter {name} after train_epoch_ch3",
                   shape=tuple(correct[name].shape))
        if _unchanged(obs, seed, "optim"):
            raise Fail(f"the parameters did not change after {setting}: with a torch.optim "
                       "optimizer call updater.zero_grad(), l.mean().backward(), updater.step()")
        if _params_close(obs, _replay_optim(seed, "no_zero_grad")):
            raise Fail(f"the gradients piled up across batches in {setting}: call "
                       "updater.zero_grad() before l.mean().backward() (it forgot zero_grad)")
        if _params_close(obs, _replay_optim(seed, "sum")):
            raise Fail(f"the optimizer steps are batch_size times too large in {setting}: with a "
                       "torch.optim optimizer call l.mean().backward(), not l.sum().backward()")
        raise mismatch("W after train_epoch_ch3", setting, obs.get("W"), correct["W"],
                       "with an optimizer each batch must do zero_grad(), l.mean().backward(), step()")
    _metrics_verdict(obs.get("out"), correct, setting)


# ---------------------------------------------------------------- get_fashion_mnist_labels

@verdict("get_fashion_mnist_labels.names")
def get_fashion_mnist_labels_names(obs, seed):
    ids = inputs.label_ids(seed)
    expected = [FASHION_NAMES[int(i)] for i in ids]
    got = _list(obs.get("out"), "get_fashion_mnist_labels", len(expected))
    if got == expected:
        return
    text = f"for labels {ids.tolist()} got {got}, expected {expected}"
    if not all(isinstance(s, str) for s in got):
        raise Fail(f"get_fashion_mnist_labels must return a list of strings (the class names): {text}")
    for shift in (1, -1):
        if got == [FASHION_NAMES[(int(i) + shift) % 10] for i in ids]:
            raise Fail("get_fashion_mnist_labels is off by one: label 0 is 't-shirt' and label 9 is "
                       f"'ankle boot' (index the list with the label itself): {text}")
    if [s.lower().strip() for s in got] == expected:
        raise Fail(f"get_fashion_mnist_labels must use the book's names exactly (lowercase): {text}")
    raise Fail(f"get_fashion_mnist_labels returned the wrong names: the ten classes in order are "
               f"{list(FASHION_NAMES)}; {text}")


# ---------------------------------------------------------------- load_data_fashion_mnist

def _data_root() -> Path:
    """The torchvision root the worker was configured with, else the one found offline."""
    from autograder.data import locate_fashion_mnist
    from autograder.harness import datasets
    try:
        return Path(datasets.data_root())
    except RuntimeError:
        return locate_fashion_mnist(allow_download=False)


@functools.lru_cache(maxsize=4)
def _raw_head_of(root: Path, n: int):
    from autograder.data import load_grading_data
    data = load_grading_data(root, n_train=n, n_test=n)
    return (torch.from_numpy(data.train_labels.astype("int64")),
            torch.from_numpy(data.test_labels.astype("int64")),
            torch.from_numpy(data.test_images.astype("float32")) / 255)


def _raw_head(n: int):
    """The first n raw training labels, test labels and test images (scaled to [0, 1])."""
    return _raw_head_of(_data_root(), n)


def _pair_verdict(obs: dict) -> None:
    if "result" in obs:
        raise Fail(f"load_data_fashion_mnist returned {show(obs['result'])}, expected a pair "
                   "(train_iter, test_iter) of DataLoaders")


def _batch_parts(batch: Any, which: str) -> tuple[torch.Tensor, torch.Tensor]:
    if batch is None:
        raise Fail(f"the {which} iterator is not iterable: return data.DataLoader(...) objects")
    if not isinstance(batch, list) or len(batch) != 2:
        raise Fail(f"the first batch of the {which} iterator is {show(batch)}, expected a pair "
                   "(X, y)")
    return batch[0], batch[1]


def _image_batch_verdict(X: Any, which: str, side: int) -> torch.Tensor:
    b = inputs.LOAD_BATCH_SIZE
    if side != 28:
        which = f"{which} (with resize={side})"
    X = tensor(X, f"the first {which} batch X")
    if X.dim() == 3 and tuple(X.shape) == (b, side, side):
        raise Fail(f"the first {which} batch X has shape {tuple(X.shape)}, expected "
                   f"({b}, 1, {side}, {side}): use transforms.ToTensor(), which adds the channel axis")
    if tuple(X.shape) != (b, 1, side, side):
        raise Fail(f"the first {which} batch X has shape {tuple(X.shape)}, expected "
                   f"({b}, 1, {side}, {side}) for load_data_fashion_mnist({b}"
                   + (f", resize={side})" if side != 28 else ")")
                   + (": insert transforms.Resize(resize) before ToTensor()" if side != 28
                      else ": batch_size examples of 1x28x28 images"))
    if X.dtype != torch.float32:
        raise Fail(f"the first {which} batch X has dtype {X.dtype}, expected torch.float32: "
                   "use transforms.ToTensor()")
    lo, hi = float(X.min()), float(X.max())
    if not (lo >= 0.0 and hi <= 1.0):
        raise Fail(f"the {which} images have values in [{lo:.4g}, {hi:.4g}], expected [0, 1]: use "
                   "transforms.ToTensor() alone (it scales pixels by 1/255; no Normalize)")
    return X


@verdict("load_data_fashion_mnist.batches")
def load_data_batches(obs, seed):
    _pair_verdict(obs)
    b = inputs.LOAD_BATCH_SIZE
    images, labels = {}, {}
    for which, size in (("train", inputs.FASHION_TRAIN_SIZE), ("test", inputs.FASHION_TEST_SIZE)):
        info = obs.get(which)
        if not isinstance(info, dict) or info.get("iterable") is not True:
            kind = info.get("type") if isinstance(info, dict) else "?"
            raise Fail(f"the {which} iterator is a {kind}, which is not iterable: return "
                       "data.DataLoader(...) objects")
        examples, batches = info.get("examples"), info.get("batches")
        if examples is not None and examples != size:
            raise Fail(f"the {which} data set has {examples} examples, expected {size}: use "
                       f"torchvision.datasets.FashionMNIST(root='../data', train={which == 'train'}, "
                       "...)")
        if examples is None and batches is not None and batches != -(-size // b):
            raise Fail(f"the {which} iterator has {batches} batches of {b}, expected "
                       f"{-(-size // b)} (the {which} set has {size} examples)")
        X, y = _batch_parts(obs.get(f"{which}_batch"), which)
        X = _image_batch_verdict(X, which, 28)
        y = tensor(y, f"the first {which} batch y")
        if tuple(y.shape) != (b,):
            raise Fail(f"the first {which} batch y has shape {tuple(y.shape)}, expected ({b},)")
        if y.dtype != torch.int64:
            raise Fail(f"the first {which} batch y has dtype {y.dtype}, expected torch.int64 (the "
                       "data set's integer labels, unchanged)")
        if int(y.min()) < 0 or int(y.max()) > 9:
            raise Fail(f"the {which} labels {show(y)} are outside 0..9")
        images[which], labels[which] = X, y
    raw_train_y, raw_test_y, raw_test_X = _raw_head(b)
    if not torch.equal(labels["test"], raw_test_y):
        raise Fail("the test iterator is shuffled (or not the test set): its first labels are "
                   f"{labels['test'].tolist()[:12]}..., the test set starts "
                   f"{raw_test_y.tolist()[:12]}...: use shuffle=False for the test DataLoader and "
                   "train=False for its data set")
    if not close(images["test"], raw_test_X.reshape(b, 1, 28, 28), rtol=0, atol=1e-6):
        raise Fail("the test images differ from the data set's pixels divided by 255: use "
                   "transforms.ToTensor() alone as the transform (no Normalize, no Resize when "
                   "resize is None)")
    # A shuffled training set puts the same 32 labels first as the raw file only by chance: each
    # position matches with probability about 1/10, so all 32 match with probability ~1e-32.
    if torch.equal(labels["train"], raw_train_y):
        raise Fail("the training iterator is not shuffled: its first batch is the first "
                   f"{b} examples of the training set in file order. Use shuffle=True for the "
                   "training DataLoader (only)")


@verdict("load_data_fashion_mnist.resize")
def load_data_resize(obs, seed):
    _pair_verdict(obs)
    _image_batch_verdict(obs.get("X"), "test", inputs.LOAD_RESIZE)
