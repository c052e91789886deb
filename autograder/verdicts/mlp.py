"""Verdict halves for mlp: relu, init_mlp_params, mlp and init_dropout_mlp_params (dropout_layer
and dropout_mlp: autograder/verdicts/dropout.py).

Each verdict rebuilds the scenario's inputs from the seed (autograder.inputs.mlp), computes what was
expected with torch's own operations and raises Fail with a message that names the student's
mistake. Statistical bounds use z = 6.5 (a correct implementation fails < 1e-10 of the time).
"""
from __future__ import annotations

import math
from typing import Any

import torch

from autograder.inputs import mlp as inputs
from autograder.verdicts.expect import close, mismatch, show, tensor, type_name
from autograder.verdicts.registry import Fail, verdict

Z = 6.5  # standard deviations: P(|N(0,1)| > 6.5) = 8e-11


def _get(obs: dict, key: str) -> Any:
    if not isinstance(obs, dict) or key not in obs:
        raise Fail(f"the observation is incomplete (no {key!r}): the check could not run")
    return obs[key]


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ["(unreadable)"]
    return [v if isinstance(v, str) else "(unreadable)" for v in value]


def _from_scratch(obs: dict, function: str, allowed: str) -> None:
    seen = _get(obs, "seen")
    if not isinstance(seen, list):
        raise Fail(f"the library calls made by {function} could not be read back")
    if seen:
        names = ", ".join(_strings(seen))
        raise Fail(f"{function} calls {names}: the exercise is to write {function} yourself "
                   f"({allowed} are fine), so a library shortcut earns nothing for {function}")


def _rows(row: torch.Tensor, n: int) -> torch.Tensor:
    return row.reshape(1, -1).expand(n, -1)


# ------------------------------------------------------------------------------------------ relu

@verdict("relu.values")
def relu_values(obs, seed):
    xs = inputs.relu_inputs(seed)
    outs = _get(obs, "outs")
    if not isinstance(outs, list) or len(outs) != len(xs):
        raise Fail("relu's results could not be read back (expected one tensor per input)")
    for x, got in zip(xs, outs):
        got = tensor(got, f"relu(X) for X of shape {tuple(x.shape)}", shape=tuple(x.shape))
        if got.dtype != x.dtype:
            raise Fail(f"relu changed the dtype: X is {x.dtype} but relu(X) is {got.dtype}. Build "
                       "the result from X itself (e.g. torch.zeros_like(X) for the zeros, or "
                       "X.clamp(min=0)) so it keeps X's dtype")
        expected = torch.relu(x)
        if torch.equal(got, expected):
            continue
        where = f"X = {show(x)}"
        if torch.equal(got, x):
            hint = "relu returned X unchanged: negative entries must become 0"
        elif torch.equal(got, x.abs()):
            hint = "relu returned |X|: negative entries must become 0, not positive"
        elif torch.equal(got, x.clamp(max=0)):
            hint = "relu kept the negative part: it is max(X, 0), not min(X, 0)"
        elif torch.equal(got, (x > 0).to(x.dtype)):
            hint = "relu returned the step function (X > 0): keep X's value where X is positive"
        else:
            hint = "relu(X) is max(X, 0) elementwise"
        raise mismatch("relu", where, got, expected, hint)


@verdict("relu.not_in_place")
def relu_not_in_place(obs, seed):
    x = inputs.relu_inputs(seed)[1]
    after = tensor(_get(obs, "x_after"), "relu's input X", shape=tuple(x.shape))
    if not torch.equal(after, x):
        raise Fail(f"relu modified X in place: X = {show(x)} came back as {show(after)}. "
                   "Autograd and the caller still need X: return a new tensor, e.g. "
                   "torch.max(X, torch.zeros_like(X)) or X.clamp(min=0) (no X[X < 0] = 0, no "
                   "clamp_ or relu_)")
    if _get(obs, "same_object") is True:
        raise Fail("relu returned X itself instead of a new tensor: return a new tensor, e.g. "
                   "torch.max(X, torch.zeros_like(X))")


@verdict("relu.grad")
def relu_grad(obs, seed):
    x, upstream = inputs.relu_grad_input(seed)
    error = _get(obs, "error")
    if error is not None:
        text = str(error)
        if "in-place" in text or "inplace" in text:
            raise Fail(f"relu modified X in place, which autograd forbids on a tensor that requires "
                       f"grad ({text}): return a new tensor, e.g. torch.max(X, torch.zeros_like(X))")
        raise Fail(f"relu raised {text} for an X that requires grad")
    tensor(_get(obs, "out"), "relu(X) for X that requires grad", shape=tuple(x.shape))
    if _get(obs, "requires_grad") is not True:
        raise Fail("relu(X) does not require grad although X does: the result is cut off from X "
                   "(avoid .detach(), .data, .numpy(), .item() and torch.tensor(...)), so "
                   "backpropagation could never reach W1")
    grad = _get(obs, "grad")
    expected = upstream * (x > 0).to(x.dtype)
    if grad is None:
        raise Fail("after backward, X.grad is None: relu's result is not connected to X")
    grad = tensor(grad, "the gradient of relu", shape=tuple(x.shape))
    if not close(grad, expected, rtol=1e-9, atol=1e-12):
        raise mismatch("the gradient of relu", f"X = {show(x)}, upstream gradient {show(upstream)}",
                       grad, expected,
                       "relu's gradient passes the upstream gradient where X > 0 and is 0 elsewhere")


@verdict("relu.from_scratch")
def relu_from_scratch(obs, seed):
    _from_scratch(obs, "relu", "torch.max, clamp and torch.where")


# ------------------------------------------------------------------------------ initialisation

def _param_list(obs: dict, key: str, who: str, names: tuple[str, ...]) -> list[torch.Tensor]:
    params = _get(obs, key)
    listing = "[" + ", ".join(names) + "]"
    if not isinstance(params, list):
        raise Fail(f"{who} returned {type_name(params)}, expected a list {listing} of tensors")
    if len(params) != len(names):
        raise Fail(f"{who} returned {len(params)} items, expected {len(names)}: {listing}")
    for name, p in zip(names, params):
        if not isinstance(p, torch.Tensor):
            raise Fail(f"{who} returned {type_name(p)} as {name}, expected a tensor")
    return params


def _init_names(count: int) -> tuple[str, ...]:
    return tuple(f"{kind}{i}" for i in range(1, count // 2 + 1) for kind in ("W", "b"))


def _init_shapes(sizes: tuple[int, ...]) -> list[tuple[int, ...]]:
    shapes = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        shapes += [(fan_in, fan_out), (fan_out,)]
    return shapes


def _check_shapes(obs: dict, function: str, sizes: tuple[int, ...]) -> None:
    who = f"{function}{sizes}"
    shapes = _init_shapes(sizes)
    names = _init_names(len(shapes))
    params = _param_list(obs, "params", who, names)
    for name, p, shape in zip(names, params, shapes):
        if tuple(p.shape) != shape:
            hint = ""
            if len(shape) == 2 and tuple(p.shape) == shape[::-1]:
                hint = (f": it is transposed; {name} maps {shape[0]} inputs to {shape[1]} outputs, "
                        f"so X @ {name} needs shape (fan_in, fan_out)")
            raise Fail(f"{who} returned {name} of shape {tuple(p.shape)}, expected {shape}{hint}")
        if p.dtype != torch.float32:
            raise Fail(f"{who} returned {name} with dtype {p.dtype}, expected torch.float32 (the "
                       "images are float32, and X @ W needs matching dtypes)")
    requires_grad, is_leaf = _get(obs, "requires_grad"), _get(obs, "is_leaf")
    if not isinstance(requires_grad, list) or not isinstance(is_leaf, list) \
            or len(requires_grad) != len(names) or len(is_leaf) != len(names):
        raise Fail(f"{who}: could not read whether the parameters require grad")
    for name, rg, leaf in zip(names, requires_grad, is_leaf):
        if rg is not True:
            raise Fail(f"{who} returned {name} that does not require gradients: create it with "
                       "requires_grad=True (or wrap it in nn.Parameter) so training can update it")
        if leaf is not True:
            raise Fail(f"{who} returned {name} that is not a leaf tensor: "
                       "`torch.randn(..., requires_grad=True) * std` is the result of a "
                       f"multiplication, so after backward() {name}.grad stays None and SGD never "
                       "updates it. Scale first, then call .requires_grad_() (or wrap the scaled "
                       "tensor in nn.Parameter)")


def _check_biases_zero(obs: dict, function: str, sizes: tuple[int, ...]) -> None:
    who = f"{function}{sizes}"
    names = _init_names(2 * (len(sizes) - 1))
    params = _param_list(obs, "params", who, names)
    for name, p in zip(names, params):
        if name.startswith("b") and not bool((p == 0).all()):
            raise Fail(f"{who} returned {name} = {show(p)}: biases start at zero, e.g. "
                       f"torch.zeros(fan_out, requires_grad=True); only the weights are random")


def _wilson_hilferty(ratio_sq: float, k: int) -> float:
    """z-score of s^2/sigma^2 for a chi-square(k)/k variable (accurate far into the tails)."""
    mean, sd = 1 - 2 / (9 * k), math.sqrt(2 / (9 * k))
    return (ratio_sq ** (1 / 3) - mean) / sd


def _std_factor(k: int, z: float) -> float:
    """s / sigma at z standard deviations of the Wilson-Hilferty approximation for k degrees of
    freedom: (n - 1) s^2 / sigma^2 ~ chi-square(k), so s / sigma < _std_factor(k, -Z) or
    s / sigma > _std_factor(k, Z) happens with probability < 4e-11 each."""
    return (1 - 2 / (9 * k) + z * math.sqrt(2 / (9 * k))) ** 1.5


def _check_weight(w: torch.Tensor, name: str, who: str, stds: tuple[float, float],
                  why: dict[str, str]) -> None:
    """Fail unless ``w`` looks like i.i.d. N(0, sigma^2) draws for some sigma in
    ``stds = (low, high)`` (one sigma when low == high), at z = 6.5. ``why`` may explain a
    "small" or "large" scale."""
    lo, hi = stds
    scale = f"{lo}" if lo == hi else f"{lo} (any scale from {lo} to {hi} is right)"
    wanted = f"N(0, {lo}^2)" if lo == hi else f"N(0, sigma^2) with sigma from {lo} to {hi}"
    w = w.detach().double().reshape(-1)
    n = w.numel()
    if n < 2:
        raise Fail(f"{who}: {name} has {n} entries, too few to be a weight matrix")
    if not bool(torch.isfinite(w).all()):
        raise Fail(f"{who}: {name} contains NaN or inf")
    if bool((w == 0).all()):
        raise Fail(f"{who}: all weights are 0: every hidden unit computes the same thing and gets "
                   "the same gradient, so they stay identical. Draw the weights at random: "
                   f"torch.randn(fan_in, fan_out) * {scale}")
    if bool((w == w[0]).all()):
        raise Fail(f"{who}: every entry of {name} equals {w[0].item():.4g}: every hidden unit "
                   "computes the same thing and gets the same gradient, so they stay identical. "
                   f"Draw the weights at random: torch.randn(fan_in, fan_out) * {scale}")
    if bool((w >= 0).all()):
        # P(all of n >= 1000 normal draws are >= 0) = 2^-n
        raise Fail(f"{who}: every entry of {name} is >= 0 (smallest {w.min().item():.3g}), so "
                   "the weights look uniform on [0, a) (torch.rand): draw them from a normal "
                   f"distribution, torch.randn(fan_in, fan_out) * {scale}")
    mean, sd = w.mean().item(), w.std().item()
    if n >= 10_000:
        # Shape of the distribution, whatever the scale: for a normal, a fraction 0.6827 lies
        # within one (sample) std of the mean. Binomial sd sqrt(0.2166/n) plus at most
        # 0.484 * sd(s)/sigma = 0.484/sqrt(2n) for estimating s: sd <= 0.807/sqrt(n); z = 6.5.
        inside = ((w - mean).abs() < sd).double().mean().item()
        bound = Z * 0.807 / math.sqrt(n)
        if abs(inside - 0.6827) > bound:
            kind = (" (a uniform draw such as (torch.rand(...) - 0.5) * c has 57.7%)"
                    if abs(inside - 0.5774) < bound else "")
            raise Fail(f"{who}: the entries of {name} are not normally distributed: "
                       f"{inside:.1%} of them lie within one standard deviation of their mean, "
                       f"where a normal distribution has 68.3%{kind}. Use "
                       f"torch.randn(fan_in, fan_out) * {scale}, not a uniform draw")
    # (n-1) s^2 / sigma^2 ~ chi-square(n-1): for any sigma in [lo, hi] the sample std lies in
    # [lo * _std_factor(k, -Z), hi * _std_factor(k, Z)] but with probability < 1e-10.
    k = n - 1
    low, high = lo * _std_factor(k, -Z), hi * _std_factor(k, Z)
    if not low <= sd <= high:
        if abs(sd - 1) < 0.2:
            hint = (f"the weights have std 1 instead of {lo}: torch.randn draws from N(0, 1), "
                    f"so multiply it by {lo}" if lo == hi else
                    f"the weights have std 1: torch.randn draws from N(0, 1), so multiply it by "
                    f"a scale from {lo} to {hi} (the book uses {lo})")
        elif lo == hi:
            hint = f"the weights have std {sd:.3g} instead of {lo}"
        else:
            size = "too small" if sd < low else "too large"
            hint = f"the weights have std {sd:.3g}, {size} for this network"
            if why.get(size):
                hint += f" ({why[size]})"
        raise Fail(f"{who}: {hint}. {name} should be drawn from {wanted}; its sample std "
                   f"{sd:.4g} is outside [{low:.4g}, {high:.4g}]")
    # The sample mean of n draws from N(0, sigma^2) has standard deviation sigma / sqrt(n); sigma
    # is at most hi and (but with probability < 4e-11) at most sd / _std_factor(k, -Z).
    sigma = min(hi, sd / _std_factor(k, -Z))
    bound = Z * sigma / math.sqrt(n)
    if abs(mean) > bound:
        raise Fail(f"{who}: the entries of {name} have mean {mean:.4g}, expected 0 "
                   f"(within ±{bound:.2g} for {n} draws from {wanted}): do not shift the "
                   "weights, draw them centred on 0")


def _check_weights(obs: dict, function: str, sizes: tuple[int, ...], stds: tuple[float, float],
                   why: dict[str, str] | None = None) -> None:
    who = f"{function}{sizes}"
    names = _init_names(2 * (len(sizes) - 1))
    params = _param_list(obs, "params", who, names)
    for name, p, shape in zip(names, params, _init_shapes(sizes)):
        if name.startswith("W"):
            if tuple(p.shape) != shape:
                raise Fail(f"{who} returned {name} of shape {tuple(p.shape)}, expected {shape}")
            _check_weight(p, name, who, stds, why or {})


def _check_fresh(obs: dict, function: str, sizes: tuple[int, ...]) -> None:
    who = f"{function}{sizes}"
    names = _init_names(2 * (len(sizes) - 1))
    first = _param_list(obs, "first", who, names)
    second = _param_list(obs, "second", who, names)
    if first[0].shape == second[0].shape and torch.equal(first[0], second[0]) \
            and bool((first[0] != 0).any()):
        raise Fail(f"two calls to {who} returned the same W1 ({show(first[0])}): draw fresh random "
                   "weights on every call (no torch.manual_seed or fixed generator inside the "
                   "function, no tensors built once at import time)")


@verdict("init_mlp_params.shapes")
def init_mlp_params_shapes(obs, seed):
    _check_shapes(obs, "init_mlp_params", inputs.MLP_SIZES)


@verdict("init_mlp_params.biases_zero")
def init_mlp_params_biases(obs, seed):
    _check_biases_zero(obs, "init_mlp_params", inputs.MLP_SIZES)


@verdict("init_mlp_params.weight_distribution")
def init_mlp_params_weights(obs, seed):
    _check_weights(obs, "init_mlp_params", inputs.MLP_SIZES,
                   (inputs.MLP_WEIGHT_STD, inputs.MLP_WEIGHT_STD))


@verdict("init_mlp_params.fresh_each_call")
def init_mlp_params_fresh(obs, seed):
    _check_fresh(obs, "init_mlp_params", inputs.SMALL_MLP_SIZES)


@verdict("init_dropout_mlp_params.shapes")
def init_dropout_mlp_params_shapes(obs, seed):
    _check_shapes(obs, "init_dropout_mlp_params", inputs.DROPOUT_MLP_SIZES)


@verdict("init_dropout_mlp_params.biases_zero")
def init_dropout_mlp_params_biases(obs, seed):
    _check_biases_zero(obs, "init_dropout_mlp_params", inputs.DROPOUT_MLP_SIZES)


@verdict("init_dropout_mlp_params.weight_distribution")
def init_dropout_mlp_params_weights(obs, seed):
    _check_weights(obs, "init_dropout_mlp_params", inputs.DROPOUT_MLP_SIZES,
                   inputs.DROPOUT_MLP_WEIGHT_STDS,
                   why={"too small": "with two hidden layers each layer shrinks the signal, so the "
                                     "gradients start tiny and training barely moves",
                        "too large": "each layer amplifies the signal, so the first steps "
                                     "overshoot"})


@verdict("init_dropout_mlp_params.fresh_each_call")
def init_dropout_mlp_params_fresh(obs, seed):
    _check_fresh(obs, "init_dropout_mlp_params", inputs.SMALL_DROPOUT_MLP_SIZES)


# ------------------------------------------------------------------------------------------- mlp

def _mlp_error(error: str, x_shape: tuple[int, ...], num_inputs: int) -> Fail:
    text = str(error)
    if "784" in text:
        return Fail(f"mlp hard-codes 784 inputs ({text}): take the number of inputs from the "
                    "parameters, X.reshape(-1, W1.shape[0]), so the MLP works for any input size")
    if len(x_shape) > 2 and ("mat1 and mat2" in text or "size" in text or "shape" in text):
        return Fail(f"mlp did not flatten X: images of shape {x_shape} must become "
                    f"({x_shape[0]}, {num_inputs}) with X.reshape(-1, W1.shape[0]) before X @ W1 "
                    f"(got {text})")
    return Fail(f"mlp raised {text} for X of shape {x_shape}")


def _mlp_expected(seed: int):
    X, params, upstream = inputs.mlp_case(seed)
    W1, b1, W2, b2 = params
    Xf = X.reshape(X.shape[0], -1)
    Zh = Xf @ W1 + b1
    return X, params, upstream, Xf, Zh, torch.relu(Zh) @ W2 + b2


@verdict("mlp.values")
def mlp_values(obs, seed):
    X, params, _, Xf, Zh, expected = _mlp_expected(seed)
    W1, b1, W2, b2 = params
    for key, x in (("images", X), ("flat", Xf)):
        error = _get(obs, f"{key}_error")
        if error is not None:
            raise _mlp_error(error, tuple(x.shape), Xf.shape[1])
        who = f"mlp(X, params) for X of shape {tuple(x.shape)}"
        got = _get(obs, key)
        if isinstance(got, torch.Tensor) and got.numel() == expected.numel() \
                and tuple(got.shape) != tuple(expected.shape):
            raise Fail(f"{who} returned shape {tuple(got.shape)}, expected {tuple(expected.shape)}: "
                       "flatten X with X.reshape(-1, W1.shape[0]) so the result has one row of "
                       "logits per example")
        got = tensor(got, who, shape=tuple(expected.shape))
        if close(got, expected, rtol=1e-6, atol=1e-9):
            continue
        if close(got, Zh @ W2 + b2, rtol=1e-6, atol=1e-9):
            hint = ("mlp has no activation: without an activation the two layers collapse into "
                    "one linear map. Apply relu to the hidden layer: relu(X @ W1 + b1) @ W2 + b2")
        elif close(got, torch.softmax(expected, dim=1), rtol=1e-6, atol=1e-9) or \
                close(got, torch.log_softmax(expected, dim=1), rtol=1e-6, atol=1e-9):
            hint = ("mlp applied softmax to its output: it must return logits, the raw "
                    "H @ W2 + b2; the loss applies softmax itself")
        elif close(got, torch.relu(expected), rtol=1e-6, atol=1e-9):
            hint = ("mlp applied relu to the output layer too: it must return logits, the raw "
                    "H @ W2 + b2, which may be negative")
        elif close(got, torch.relu(Xf @ W1) @ W2 + b2, rtol=1e-6, atol=1e-9) or \
                close(got, torch.relu(Zh) @ W2, rtol=1e-6, atol=1e-9):
            hint = "mlp left out a bias: compute relu(X @ W1 + b1) @ W2 + b2"
        else:
            hint = "expected relu(X.reshape(-1, W1.shape[0]) @ W1 + b1) @ W2 + b2"
        raise mismatch("mlp", f"X of shape {tuple(x.shape)} (first entries {show(Xf)}) and "
                       "seeded params", got, expected, hint)


@verdict("mlp.grad")
def mlp_grad(obs, seed):
    X, params, upstream, Xf, _, expected = _mlp_expected(seed)
    error = _get(obs, "error")
    if error is not None:
        raise _mlp_error(error, tuple(X.shape), Xf.shape[1])
    if _get(obs, "requires_grad") is not True:
        raise Fail("mlp's output does not require grad for parameters that do: it is cut off "
                   f"from W1, b1, W2, b2 (or is not a tensor of shape {tuple(expected.shape)}); avoid "
                   ".detach(), .data, .numpy(), .item() and torch.tensor(...)")
    leaves = [p.clone().requires_grad_(True) for p in params]
    W1, b1, W2, b2 = leaves
    out = torch.relu(Xf @ W1 + b1) @ W2 + b2
    (out * upstream).sum().backward()
    grads = _get(obs, "grads")
    if not isinstance(grads, list) or len(grads) != 4:
        raise Fail("mlp: the parameters' gradients could not be read back")
    for name, got, leaf in zip(("W1", "b1", "W2", "b2"), grads, leaves):
        if got is None:
            raise Fail(f"after backward, {name}.grad is None: mlp's output does not depend on "
                       f"{name}; compute relu(X @ W1 + b1) @ W2 + b2 with the given parameters")
        got = tensor(got, f"the gradient of mlp with respect to {name}", shape=tuple(leaf.shape))
        if not close(got, leaf.grad, rtol=1e-6, atol=1e-9):
            raise mismatch(f"the gradient of mlp with respect to {name}",
                           f"X of shape {tuple(X.shape)} and seeded params", got, leaf.grad,
                           "backpropagate through relu(X @ W1 + b1) @ W2 + b2")
