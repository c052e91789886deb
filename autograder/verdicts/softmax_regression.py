"""Verdict halves for softmax regression: softmax, cross_entropy, accuracy, Accumulator and
evaluate_accuracy; recompute with torch's own operations and explain. train_epoch_ch3:
verdicts/train_epoch.py; the Fashion-MNIST data functions: verdicts/fashion_data.py.

Each verdict regenerates the scenario's inputs from the seed, computes what was expected with
torch builtins (never with solutions/), and recognises the classic mistakes by comparing the
student's result with what each mistake would have produced.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from autograder.inputs import softmax_regression as inputs
from autograder.inputs import upstream
from autograder.verdicts.expect import close, compare, mismatch, number, show, tensor, type_name
from autograder.verdicts.gradients import check_gradients
from autograder.verdicts.registry import Fail, verdict



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
