"""Verdict halves for mlp: relu, init_mlp_params, mlp, dropout_layer, init_dropout_mlp_params,
dropout_mlp.

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


# --------------------------------------------------------------------------------- dropout_layer

@verdict("dropout_layer.p_zero")
def dropout_p_zero(obs, seed):
    x = inputs.dropout_input(seed, "p0", inputs.DROPOUT_SMALL_SHAPE)
    got = tensor(_get(obs, "out"), "dropout_layer(X, 0)", shape=tuple(x.shape))
    same = torch.isclose(got.double(), x.double(), rtol=1e-6, atol=0)
    # torch.rand returns exactly 0.0 with probability 2^-24 per float32 entry, so a correct
    # `rand > dropout` mask drops one of the 64 entries at p = 0 with probability 4e-6; two
    # with probability < 1e-11. Tolerate one exact zero.
    zeros = int(((got == 0) & ~same).sum())
    wrong = int((~same).sum())
    if wrong == 0 or (wrong == 1 and zeros == 1):
        return
    if bool((got == 0).all()):
        raise Fail("dropout_layer(X, 0) returned all zeros: keep and drop are swapped. With "
                   "dropout = 0 nothing may be dropped: keep an element when "
                   "torch.rand(...) > dropout, i.e. with probability 1 - dropout")
    raise mismatch("dropout_layer", f"X = {show(x)} and dropout = 0", got, x,
                   "with dropout = 0, dropout_layer must return X unchanged")


@verdict("dropout_layer.p_one")
def dropout_p_one(obs, seed):
    x = inputs.dropout_input(seed, "p1", inputs.DROPOUT_SMALL_SHAPE)
    error = _get(obs, "error")
    if error is not None:
        raise Fail(f"dropout_layer(X, 1) divides by 1 - dropout = 0 ({error}): when dropout == 1 "
                   "every element is dropped, so return torch.zeros_like(X) before dividing")
    got = tensor(_get(obs, "out"), "dropout_layer(X, 1)", shape=tuple(x.shape))
    if not bool(torch.isfinite(got).all()):
        raise Fail(f"dropout_layer(X, 1) returned {show(got)}: it divides by 1 - dropout = 0 "
                   "(0 / 0 is NaN). When dropout == 1 every element is dropped, so return "
                   "torch.zeros_like(X) before dividing")
    if not bool((got == 0).all()):
        raise mismatch("dropout_layer", f"X = {show(x)} and dropout = 1", got, torch.zeros_like(x),
                       "with dropout = 1 every element is dropped")


def _dropout_outs(obs: dict, seed: int) -> list[tuple[float, torch.Tensor, torch.Tensor]]:
    outs = _get(obs, "outs")
    if not isinstance(outs, list) or len(outs) != len(inputs.DROPOUT_PS):
        raise Fail("dropout_layer's results could not be read back")
    result = []
    for p, got in zip(inputs.DROPOUT_PS, outs):
        x = inputs.dropout_input(seed, f"stat{p}")
        got = tensor(got, f"dropout_layer(X, {p}) for X of shape {tuple(x.shape)}",
                     shape=tuple(x.shape))
        if not bool(torch.isfinite(got).all()):
            raise Fail(f"dropout_layer(X, {p}) returned NaN or inf: {show(got)}")
        result.append((p, x, got.double()))
    return result


@verdict("dropout_layer.drop_rate")
def dropout_drop_rate(obs, seed):
    for p, x, got in _dropout_outs(obs, seed):
        n = x.numel()
        # The number of zeros is Binomial(n, p) (X has no zeros): sd sqrt(p (1 - p) / n).
        bound = Z * math.sqrt(p * (1 - p) / n)
        frac = (got == 0).double().mean().item()
        if abs(frac - p) <= bound:
            continue
        if abs(frac - (1 - p)) <= bound:
            raise Fail(f"dropout_layer: keep and drop are swapped. With dropout = {p} a fraction "
                       f"{frac:.4f} of the {n} entries became 0, about 1 - dropout; each element "
                       "must be dropped with probability dropout: keep it when "
                       "torch.rand(...) > dropout")
        what = "dropped nothing" if frac == 0 else f"dropped a fraction {frac:.4f} of the entries"
        raise Fail(f"dropout_layer(X, {p}) {what} for X of shape {tuple(x.shape)} with no zeros; "
                   f"expected {p} ± {bound:.4f}: drop each element independently with "
                   "probability dropout")


@verdict("dropout_layer.rescale")
def dropout_rescale(obs, seed):
    for p, x, got in _dropout_outs(obs, seed):
        kept = got != 0
        if not bool(kept.any()):
            raise Fail(f"dropout_layer(X, {p}) dropped every element: with dropout = {p} a "
                       f"fraction {1 - p} should survive, scaled by 1 / (1 - dropout)")
        g, xs = got[kept], x.double()[kept]
        expected = xs / (1 - p)
        if close(g, expected, rtol=1e-5, atol=0):
            continue
        where = f"X = {show(xs)} (the surviving entries) and dropout = {p}"
        if close(g, xs, rtol=1e-5, atol=0):
            raise mismatch("dropout_layer", where, g, expected,
                           "dropout_layer did not rescale the survivors: a kept element must "
                           "become X / (1 - dropout) so that the expected value stays X")
        if close(g, xs * (1 - p), rtol=1e-5, atol=0):
            hint = ("dropout_layer multiplied the survivors by 1 - dropout: divide by it instead, "
                    "so that the expected value stays X")
        elif close(g, xs / p, rtol=1e-5, atol=0):
            hint = "dropout_layer divided the survivors by dropout: divide by 1 - dropout"
        else:
            hint = "a kept element must become X / (1 - dropout)"
        raise mismatch("dropout_layer", where, g, expected, hint)


@verdict("dropout_layer.keeps_mean")
def dropout_keeps_mean(obs, seed):
    for p, x, got in _dropout_outs(obs, seed):
        xd = x.double()
        n = xd.numel()
        # Each output is x_i B_i / (1 - p) with B_i ~ Bernoulli(1 - p): mean x_i, variance
        # x_i^2 p / (1 - p). The sample mean has sd sqrt(p / (1 - p) * sum x_i^2) / n.
        sd = math.sqrt(p / (1 - p) * (xd ** 2).sum().item()) / n
        m_got, m_x = got.mean().item(), xd.mean().item()
        if abs(m_got - m_x) <= Z * sd:
            continue
        hint = ""
        if abs(m_got - (1 - p) * m_x) <= Z * sd:
            hint = (" (about (1 - dropout) times the mean of X: the survivors were not rescaled; "
                    "divide them by 1 - dropout)")
        raise Fail(f"dropout_layer changed the mean: with dropout = {p} the output's mean is "
                   f"{m_got:.4f} but X's mean is {m_x:.4f} (allowed ±{Z * sd:.4f}){hint}. "
                   "Inverted dropout keeps E[dropout_layer(X)] = X")


@verdict("dropout_layer.not_in_place")
def dropout_not_in_place(obs, seed):
    runs = _get(obs, "runs")
    if not isinstance(runs, list) or len(runs) != len(inputs.DROPOUT_IN_PLACE_PS):
        raise Fail("dropout_layer's inputs could not be read back after the calls")
    for p, run in zip(inputs.DROPOUT_IN_PLACE_PS, runs):
        x = inputs.dropout_input(seed, f"inplace.{p}", inputs.DROPOUT_SMALL_SHAPE)
        call = f"dropout_layer(X, {p:g})"
        if not isinstance(run, dict):
            raise Fail(f"{call}: what happened to X could not be read back")
        after = tensor(_get(run, "x_after"), f"the input X of {call}", shape=tuple(x.shape))
        error = run.get("error")
        if not torch.equal(after, x):
            fix = ("return a new tensor of zeros, torch.zeros_like(X), not X.zero_() or "
                   "X *= 0" if p == 1 else
                   "return a new tensor, e.g. mask * X / (1 - dropout), not X *= mask, "
                   "X.mul_(mask) or X[mask] = 0")
            raise Fail(f"{call} modified X in place: X = {show(x)} came back as {show(after)}. "
                       f"The caller (and autograd) still need X: {fix}")
        if run.get("written") is True:
            raise Fail(f"{call} modified X in place (it wrote into X with X.mul_(mask), "
                       "X *= mask, X /= ... or X[...] = ...); the values came back the same "
                       f"here{' because nothing was dropped' if p == 0 else ''}, but the function "
                       "changes the tensor it was given. Compute mask * X / (1 - dropout) as a "
                       "new tensor")
        if error is not None:
            continue  # dividing by 1 - dropout = 0 costs dropout_layer.p_one's point, not this one
        # dropout = 0 may hand X itself back (the book's `if dropout == 0: return X`): nothing
        # was dropped and X is untouched. With anything to drop, X itself must not come back.
        if p > 0 and _get(run, "same_object") is True:
            raise Fail(f"{call} returned X itself: return a new tensor, mask * X / (1 - dropout)")


@verdict("dropout_layer.fresh_mask")
def dropout_fresh_mask(obs, seed):
    x = inputs.dropout_input(seed, "fresh", inputs.DROPOUT_FRESH_SHAPE)
    p = inputs.DROPOUT_FRESH_P
    first = tensor(_get(obs, "first"), f"dropout_layer(X, {p})", shape=tuple(x.shape))
    second = tensor(_get(obs, "second"), f"dropout_layer(X, {p})", shape=tuple(x.shape))
    if not bool((first == 0).any()) and not bool((second == 0).any()):
        raise Fail(f"dropout_layer(X, {p}) dropped no entry of an X of {x.numel()} non-zero "
                   "entries, twice: each entry must be dropped with probability dropout")
    # Two independent masks of 1000 entries coincide with probability 2^-1000.
    if torch.equal(first == 0, second == 0):
        raise Fail(f"two calls of dropout_layer(X, {p}) on the same X of {x.numel()} entries "
                   "dropped exactly the same entries: draw a fresh random mask on every call (no "
                   "torch.manual_seed or fixed generator inside dropout_layer, no mask reused "
                   "between calls)")


@verdict("dropout_layer.from_scratch")
def dropout_from_scratch(obs, seed):
    _from_scratch(obs, "dropout_layer",
                  "a mask from torch.rand(...) > dropout or torch.bernoulli")


# ----------------------------------------------------------------------------------- dropout_mlp

def _dropout_mlp_forward(X, params, scale1=1.0, scale2=1.0):
    """relu(relu(X W1 + b1) * scale1 W2 + b2) * scale2 W3 + b3 (scales stand in for masks)."""
    W1, b1, W2, b2, W3, b3 = params
    H1 = torch.relu(X.reshape(X.shape[0], -1) @ W1 + b1) * scale1
    H2 = torch.relu(H1 @ W2 + b2) * scale2
    return H2 @ W3 + b3


def _dropout_mlp_outputs(obs: dict, keys: tuple[str, ...], seed: int):
    X, params = inputs.dropout_mlp_case(seed)
    shape = (X.shape[0], params[-1].shape[0])
    got = {}
    for key in keys:
        got[key] = tensor(_get(obs, key), f"dropout_mlp(X, params, ...) for X of shape "
                          f"{tuple(X.shape)}", shape=shape).double()
    return X, params, got


def _near(a: torch.Tensor, b: torch.Tensor) -> bool:
    return close(a, b, rtol=1e-6, atol=1e-9)


_PLAIN = "relu(relu(X @ W1 + b1) @ W2 + b2) @ W3 + b3"


@verdict("dropout_mlp.eval_deterministic")
def dropout_mlp_eval(obs, seed):
    X, params, got = _dropout_mlp_outputs(obs, ("half_a", "half_b", "all"), seed)
    plain = _dropout_mlp_forward(X, params)
    if all(_near(got[k], plain) for k in got):
        return
    n, b3 = X.shape[0], params[-1]
    if _near(got["half_a"], _dropout_mlp_forward(X, params, 0.5, 0.5)):
        raise Fail("dropout_mlp scaled the hidden layers by 1 - dropout at evaluation: inverted "
                   "dropout already rescales during training, so with training=False use every "
                   f"unit as it is: {_PLAIN}")
    if not _near(got["half_a"], got["half_b"]) or _near(got["all"], _rows(b3, n)) \
            or _near(got["all"], torch.zeros_like(plain)):
        raise Fail("dropout applied at evaluation: with training=False the network must be "
                   "deterministic and use every unit, but two identical calls with dropout 0.5 "
                   f"gave {show(got['half_a'])} and {show(got['half_b'])}, and dropout 1 gave "
                   f"{show(got['all'])}. Call dropout_layer only `if training`")
    key = next(k for k in got if not _near(got[k], plain))
    raise mismatch("dropout_mlp", f"X of shape {tuple(X.shape)}, seeded params and training=False",
                   got[key], plain, f"at evaluation the output is {_PLAIN}")


@verdict("dropout_mlp.no_dropout")
def dropout_mlp_no_dropout(obs, seed):
    X, params, got = _dropout_mlp_outputs(obs, ("training", "default"), seed)
    plain = _dropout_mlp_forward(X, params)
    W1, b1, W2, b2, W3, b3 = params
    Xf = X.reshape(X.shape[0], -1)
    for key, call in (("training", "training=True"), ("default", "training left at its default")):
        if _near(got[key], plain):
            continue
        if _near(got[key], ((Xf @ W1 + b1) @ W2 + b2) @ W3 + b3):
            hint = ("dropout_mlp has no activation: without an activation the layers collapse "
                    f"into one linear map; expected {_PLAIN}")
        elif _near(got[key], torch.softmax(plain, dim=1)):
            hint = "dropout_mlp applied softmax: it must return logits, H2 @ W3 + b3"
        else:
            hint = f"with dropout1 = dropout2 = 0 nothing is dropped, so the output is {_PLAIN}"
        raise mismatch("dropout_mlp", f"X of shape {tuple(X.shape)}, seeded params, "
                       f"dropout1 = dropout2 = 0 and {call}", got[key], plain, hint)


@verdict("dropout_mlp.dropout_structure")
def dropout_mlp_structure(obs, seed):
    X, params, got = _dropout_mlp_outputs(
        obs, ("drop_first", "drop_second", "half_a", "half_b", "default_first"), seed)
    W1, b1, W2, b2, W3, b3 = params
    n = X.shape[0]
    plain = _dropout_mlp_forward(X, params)
    first_dropped = _rows(torch.relu(b2) @ W3 + b3, n)   # H1 = 0
    second_dropped = _rows(b3, n)                        # H2 = 0
    zeros = torch.zeros_like(plain)
    ok_first = _near(got["drop_first"], first_dropped)
    ok_second = _near(got["drop_second"], second_dropped)
    if not (ok_first and ok_second):
        if _near(got["drop_first"], second_dropped) and _near(got["drop_second"], first_dropped):
            raise Fail("dropout1 and dropout2 are swapped in dropout_mlp: dropout1 belongs to the "
                       "first hidden layer H1 and dropout2 to the second, H2. With dropout1 = 1 "
                       f"every row should be relu(b2) @ W3 + b3 = {show(first_dropped[0])}, "
                       f"got {show(got['drop_first'][0])}")
        if _near(got["drop_first"], zeros) or _near(got["drop_second"], zeros):
            raise Fail("dropout_mlp applied dropout to the output layer: with a dropout of 1 the "
                       "logits came back all zero. Dropout goes after each hidden relu only; the "
                       "output H2 @ W3 + b3 is never dropped")
        if _near(got["drop_first"], plain) and _near(got["drop_second"], plain):
            raise Fail("dropout_mlp did not apply dropout in training: with training=True and a "
                       "dropout of 1 the output equals the undropped network. Call "
                       "dropout_layer on H1 (with dropout1) and H2 (with dropout2) when training")
        if not ok_first:
            raise mismatch("dropout_mlp", "dropout1 = 1, dropout2 = 0 and training=True",
                           got["drop_first"], first_dropped,
                           "with dropout1 = 1 the whole first hidden layer is dropped (H1 = 0), "
                           "so every row is relu(b2) @ W3 + b3")
        raise mismatch("dropout_mlp", "dropout1 = 0, dropout2 = 1 and training=True",
                       got["drop_second"], second_dropped,
                       "with dropout2 = 1 the whole second hidden layer is dropped (H2 = 0), so "
                       "every row is b3")
    # Two independent dropout draws over 6 x (12 + 8) units coincide with probability < 2^-120.
    if _near(got["half_a"], got["half_b"]):
        raise Fail("dropout_mlp with training=True and dropout1 = dropout2 = 0.5 returned the same "
                   f"output on two calls ({show(got['half_a'])}): dropout must draw a fresh mask "
                   "on every forward pass in training")
    if not _near(got["default_first"], first_dropped):
        if _near(got["default_first"], plain):
            raise Fail("dropout_mlp(X, params, 1.0, 0.0) without a training argument did not "
                       "drop anything: `training` must default to True")
        raise mismatch("dropout_mlp", "dropout1 = 1, dropout2 = 0 and training left at its default",
                       got["default_first"], first_dropped,
                       "training defaults to True, so the whole first hidden layer is dropped")
