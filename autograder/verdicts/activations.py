"""Verdict halves for the chapter-4 activations of exercises/mlp.py: sigmoid, tanh, their
derivatives, and Xavier initialisation.

Each verdict rebuilds the scenario's inputs from the seed (autograder.inputs.activations),
computes what was expected with torch's own operations in float64 and raises Fail with a message
that names the student's mistake. Statistical bounds use z = 6.5 (a correct implementation fails
< 1e-10 of the time).
"""
from __future__ import annotations

import math
from typing import Any, Callable

import torch

from autograder.inputs import activations as inputs
from autograder.verdicts.expect import close, mismatch, show, tensor, type_name
from autograder.verdicts.registry import Fail, verdict

Z = 6.5  # standard deviations: P(|N(0,1)| > 6.5) = 8e-11


def _get(obs: Any, key: str) -> Any:
    if not isinstance(obs, dict) or key not in obs:
        raise Fail(f"the observation is incomplete (no {key!r}): the check could not run")
    return obs[key]


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ["(unreadable)"]
    return [v if isinstance(v, str) else "(unreadable)" for v in value]


def _from_scratch(obs: dict, function: str, allowed: str, derivative: str | None = None) -> None:
    seen = _get(obs, "seen")
    if not isinstance(seen, list):
        raise Fail(f"the library calls made by {function} could not be read back")
    if seen:
        names = ", ".join(_strings(seen))
        if derivative:
            raise Fail(f"{function} calls {names}: the exercise is to compute the derivative from "
                       f"its formula, {derivative} ({allowed} are fine), not to let autograd "
                       f"compute it, so autograd earns nothing for {function}")
        raise Fail(f"{function} calls {names}: the exercise is to write {function} yourself "
                   f"({allowed} are fine), so a library shortcut earns nothing for {function}")


def _floats(got: torch.Tensor, who: str) -> torch.Tensor:
    if got.dtype == torch.bool or not (got.is_floating_point() or got.is_complex()):
        raise Fail(f"{who} returned a tensor of dtype {got.dtype}, expected floating-point values")
    if got.is_complex():
        raise Fail(f"{who} returned a complex tensor ({got.dtype}), expected real values")
    return got.double()


def _entries(x: torch.Tensor, where: torch.Tensor) -> str:
    values = sorted({float(v) for v in x[where].reshape(-1).tolist()})
    return ", ".join(f"{v:g}" for v in values[:6])


# ----------------------------------------------------------- what each activation should give

def _sigmoid(x):
    return torch.sigmoid(x)


def _sigmoid_grad(x):
    s = torch.sigmoid(x)
    return s * (1 - s)


def _tanh(x):
    return torch.tanh(x)


def _tanh_grad(x):
    return 1 - torch.tanh(x) ** 2


EXPECTED: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "sigmoid": _sigmoid, "sigmoid_grad": _sigmoid_grad, "tanh": _tanh, "tanh_grad": _tanh_grad}

FORMULA = {
    "sigmoid": "1 / (1 + exp(-X))",
    "sigmoid_grad": "sigmoid(X) * (1 - sigmoid(X))",
    "tanh": "(1 - exp(-2X)) / (1 + exp(-2X))",
    "tanh_grad": "1 - tanh(X)**2",
}


def _known_mistakes(function: str, x: torch.Tensor) -> list[tuple[torch.Tensor, str]]:
    """(what a classic mistake returns for float64 x, the message that names it)."""
    s, t = torch.sigmoid(x), torch.tanh(x)
    if function == "sigmoid":
        return [
            (torch.sigmoid(-x), "the sign of the exponent is flipped: 1 / (1 + exp(X)) is "
                                "sigmoid(-X); sigmoid is 1 / (1 + exp(-X))"),
            (1 + torch.exp(-x), "sigmoid returned 1 + exp(-X): take the reciprocal, "
                                "1 / (1 + exp(-X))"),
            (1 / (1 - torch.exp(-x)), "the denominator is 1 + exp(-X), not 1 - exp(-X)"),
            (s * (1 - s), "sigmoid returned the derivative sigmoid(X) * (1 - sigmoid(X)); "
                          "sigmoid itself is 1 / (1 + exp(-X))"),
            (t, "sigmoid returned tanh(X); sigmoid is 1 / (1 + exp(-X))"),
            (torch.exp(-x), "sigmoid returned exp(-X): sigmoid is 1 / (1 + exp(-X))"),
        ]
    if function == "sigmoid_grad":
        return [
            (s * (1 + s), "a sign error: sigmoid(X) * (1 + sigmoid(X)); the derivative is "
                          "sigmoid(X) * (1 - sigmoid(X))"),
            (-s * (1 - s), "the sign is flipped: sigmoid is increasing, so its derivative "
                           "sigmoid(X) * (1 - sigmoid(X)) is positive"),
            (s, "sigmoid_grad returned sigmoid(X) itself; its derivative is "
                "sigmoid(X) * (1 - sigmoid(X))"),
            (1 - s, "sigmoid_grad returned 1 - sigmoid(X): the factor sigmoid(X) is missing, "
                    "the derivative is sigmoid(X) * (1 - sigmoid(X))"),
            (1 - s ** 2, "1 - sigmoid(X)**2 is the pattern of tanh's derivative (1 - tanh(X)**2); "
                         "sigmoid's is sigmoid(X) * (1 - sigmoid(X))"),
            (1 - t ** 2, "sigmoid_grad returned tanh's derivative 1 - tanh(X)**2; sigmoid's is "
                         "sigmoid(X) * (1 - sigmoid(X))"),
        ]
    if function == "tanh":
        return [
            (-t, "the signs are flipped: (1 - exp(2X)) / (1 + exp(2X)) is -tanh(X); tanh is "
                 "(1 - exp(-2X)) / (1 + exp(-2X))"),
            (torch.tanh(x / 2), "the exponent is -X instead of -2X: (1 - exp(-X)) / (1 + exp(-X)) "
                                "= 2 * sigmoid(X) - 1 is tanh(X / 2); tanh(X) is "
                                "(1 - exp(-2X)) / (1 + exp(-2X)) = 2 * sigmoid(2X) - 1"),
            (1 / t, "numerator and denominator are swapped: (1 + exp(-2X)) / (1 - exp(-2X)) is "
                    "coth(X); tanh is (1 - exp(-2X)) / (1 + exp(-2X))"),
            (torch.sigmoid(2 * x), "tanh returned sigmoid(2X): tanh(X) = 2 * sigmoid(2X) - 1"),
            (2 * torch.sigmoid(2 * x), "tanh returned 2 * sigmoid(2X): the - 1 is missing, "
                                       "tanh(X) = 2 * sigmoid(2X) - 1"),
            (s, "tanh returned sigmoid(X); tanh is (1 - exp(-2X)) / (1 + exp(-2X))"),
            (1 - t ** 2, "tanh returned its derivative 1 - tanh(X)**2"),
        ]
    # tanh_grad
    return [
        (1 - t, "tanh(X) is not squared: the derivative is 1 - tanh(X)**2"),
        ((1 - t) ** 2, "(1 - tanh(X))**2 squares the difference: the derivative is "
                       "1 - tanh(X)**2, square tanh(X) first"),
        (t * (1 - t), "tanh(X) * (1 - tanh(X)) is the pattern of sigmoid's derivative; tanh's is "
                      "1 - tanh(X)**2"),
        (1 + t ** 2, "a sign error: 1 + tanh(X)**2; the derivative is 1 - tanh(X)**2"),
        (t ** 2 - 1, "the sign is flipped: tanh is increasing, so its derivative 1 - tanh(X)**2 "
                     "is positive"),
        (t, "tanh_grad returned tanh(X) itself; its derivative is 1 - tanh(X)**2"),
        (s * (1 - s), "tanh_grad returned sigmoid's derivative; tanh's is 1 - tanh(X)**2"),
    ]


# -------------------------------------------------------------------------------------- values

def _check_values(obs: dict, seed: int, function: str) -> None:
    xs = inputs.value_inputs(seed, function)
    outs = _get(obs, "outs")
    if not isinstance(outs, list) or len(outs) != len(xs):
        raise Fail(f"{function}'s results could not be read back (expected one tensor per input)")
    for x, got in zip(xs, outs):
        who = f"{function}(X) for X of shape {tuple(x.shape)}"
        got = tensor(got, who, shape=tuple(x.shape))
        if got.dtype != x.dtype:
            raise Fail(f"{function} changed the dtype: X is {x.dtype} but {function}(X) is "
                       f"{got.dtype}. Compute from X itself (torch.exp(-X), torch.zeros_like(X), "
                       "plain numbers) so the result keeps X's dtype")
        xd = x.double()
        expected = EXPECTED[function](xd)
        rtol, atol = (1e-6, 1e-9) if x.dtype == torch.float64 else (1e-5, 1e-6)
        if close(got, expected, rtol=rtol, atol=atol):
            continue
        g = got.double()
        hint = f"{function}(X) is {FORMULA[function]}, elementwise"
        if not bool(torch.isfinite(g).all()):
            hint = (f"{function}(X) is nan or inf at X = {_entries(x, ~torch.isfinite(g))}, where "
                    f"it is a moderate number: {hint}")
        else:
            for candidate, message in _known_mistakes(function, xd):
                if close(g, candidate, rtol=rtol, atol=atol):
                    hint = message
                    break
        raise mismatch(function, f"X = {show(x)}", got, expected, hint)


# ------------------------------------------------------------------------------------ stability

_OVERFLOW = {
    "sigmoid": ("exp(X) / (1 + exp(X)) is inf / inf = nan for X = 100 or 1000. Only ever "
                "exponentiate numbers <= 0: 1 / (1 + exp(-X)) where X >= 0 and "
                "exp(X) / (1 + exp(X)) where X < 0"),
    "tanh": ("for X = -50, exp(-2X) = exp(100) overflows and (1 - inf) / (1 + inf) is nan instead "
             "of -1. Only ever exponentiate numbers <= 0: (1 - exp(-2X)) / (1 + exp(-2X)) where "
             "X >= 0 and (exp(2X) - 1) / (exp(2X) + 1) where X < 0 (or 2 * sigmoid(2X) - 1 with "
             "your stable sigmoid)"),
    "sigmoid_grad": ("exp(-X) / (1 + exp(-X))**2 is inf / inf = nan once exp(-X) overflows "
                     "(X = -100). Compute sigmoid(X) * (1 - sigmoid(X)) with your stable sigmoid"),
    "tanh_grad": ("4 exp(-2X) / (1 + exp(-2X))**2 is inf / inf = nan once exp(-2X) overflows "
                  "(X = -50). Compute 1 - tanh(X)**2 with your stable tanh"),
}

_BRANCHES = {
    "sigmoid": "1 / (1 + exp(-X)) where X >= 0 and exp(X) / (1 + exp(X)) where X < 0",
    "tanh": ("(1 - exp(-2X)) / (1 + exp(-2X)) where X >= 0 and (exp(2X) - 1) / (exp(2X) + 1) "
             "where X < 0"),
}
_OVERFLOWED = {
    "sigmoid": "exp(-X) = exp(1000) for X = -1000 in 1 / (1 + exp(-X))",
    "tanh": "exp(-2X) = exp(2000) for X = -1000 in 2 / (1 + exp(-2X)) - 1",
}
_ZEROED = {
    "sigmoid": "torch.exp(-torch.where(X >= 0, X, 0 * X)) for the first branch",
    "tanh": "torch.exp(-2 * torch.where(X >= 0, X, 0 * X)) for the first branch",
}


def _check_stable(obs: dict, seed: int, function: str, with_grad: bool) -> None:
    x = inputs.large_input(seed, function)
    xd = x.double()
    who = f"{function}(X) for float32 X = {show(x, 10)}"
    got = _floats(tensor(_get(obs, "out"), who, shape=tuple(x.shape)), who)
    expected = EXPECTED[function](xd)
    bad = ~torch.isfinite(got)
    if bool(bad.any()):
        raise Fail(f"{function} is not numerically stable: for float32 X = {show(x, 10)} it "
                   f"returned {show(got, 10)}, nan or inf at X = {_entries(x, bad)}. In float32 "
                   f"exp(x) overflows to inf once x passes 88.7: {_OVERFLOW[function]}")
    if not close(got, expected, rtol=1e-5, atol=1e-6):
        raise mismatch(function, f"float32 X = {show(x, 10)} (large |X|)", got, expected,
                       f"for large |X| {function}(X) still is {FORMULA[function]}: "
                       + {"sigmoid": "0 far left, 1 far right",
                          "tanh": "-1 far left, 1 far right"}.get(function, "0 on both sides"))
    if not with_grad:
        return
    error = _get(obs, "error")
    if error is not None:
        text = str(error)
        if "in-place" in text or "inplace" in text:
            raise Fail(f"{function} modified X in place, which autograd forbids on a tensor that "
                       f"requires grad ({text}): return a new tensor")
        raise Fail(f"{function} raised {text} for an X that requires grad")
    if _get(obs, "requires_grad") is not True:
        raise Fail(f"{function}(X) does not require grad although X does: the result is cut off "
                   "from X (avoid .detach(), .data, .numpy(), .item() and torch.tensor(...)), so "
                   "no gradient could flow back through this activation in a network")
    derivative = "sigmoid(X) * (1 - sigmoid(X))" if function == "sigmoid" else "1 - tanh(X)**2"
    grad = _floats(tensor(_get(obs, "grad"), f"the gradient autograd computes through {function}",
                          shape=tuple(x.shape)), f"the gradient through {function}")
    expected_grad = (_sigmoid_grad if function == "sigmoid" else _tanh_grad)(xd)
    bad = ~torch.isfinite(grad)
    if bool(bad.any()):
        where = f"X = {_entries(x, bad)}"
        both = bool((bad & (x > 0)).any()) and bool((bad & (x < 0)).any())
        if both:
            raise Fail(f"{function}'s values are right, but the gradient autograd computes "
                       f"through it is {show(grad, 10)}: nan at {where}. torch.where computes both "
                       "branches, and autograd differentiates both: where a branch is not "
                       "selected its gradient is multiplied by 0, but 0 * inf = nan when that "
                       "branch's exp overflowed. Zero the entries a branch does not use before "
                       f"exponentiating, e.g. {_ZEROED[function]}")
        raise Fail(f"{function}'s values are right, but the gradient autograd computes through it "
                   f"is {show(grad, 10)}: nan at {where}. An exp in it overflows to inf there "
                   f"(such as {_OVERFLOWED[function]}): the value 1 / inf = 0 is right, but the "
                   "backward pass multiplies that inf by 0, which is nan, and one such activation "
                   "makes every gradient of a network nan. Only ever exponentiate numbers <= 0: "
                   f"{_BRANCHES[function]} (zero the entries a branch does not use first: "
                   "torch.where differentiates both branches)")
    if not close(grad, expected_grad, rtol=1e-5, atol=1e-6):
        raise mismatch(f"the gradient autograd computes through {function}",
                       f"float32 X = {show(x, 10)}", grad, expected_grad,
                       f"d {function}(X) / dX is {derivative}")


# ---------------------------------------------------------------------------- the four functions

@verdict("sigmoid.values")
def sigmoid_values(obs, seed):
    _check_values(obs, seed, "sigmoid")


@verdict("sigmoid.stable")
def sigmoid_stable(obs, seed):
    _check_stable(obs, seed, "sigmoid", with_grad=True)


@verdict("sigmoid.from_scratch")
def sigmoid_from_scratch(obs, seed):
    _from_scratch(obs, "sigmoid", "torch.exp, torch.where and arithmetic")


@verdict("sigmoid_grad.values")
def sigmoid_grad_values(obs, seed):
    _check_values(obs, seed, "sigmoid_grad")


@verdict("sigmoid_grad.stable")
def sigmoid_grad_stable(obs, seed):
    _check_stable(obs, seed, "sigmoid_grad", with_grad=False)


@verdict("sigmoid_grad.from_scratch")
def sigmoid_grad_from_scratch(obs, seed):
    _from_scratch(obs, "sigmoid_grad", "your sigmoid and arithmetic",
                  FORMULA["sigmoid_grad"])


@verdict("tanh.values")
def tanh_values(obs, seed):
    _check_values(obs, seed, "tanh")


@verdict("tanh.stable")
def tanh_stable(obs, seed):
    _check_stable(obs, seed, "tanh", with_grad=True)


@verdict("tanh.from_scratch")
def tanh_from_scratch(obs, seed):
    _from_scratch(obs, "tanh", "torch.exp, torch.where, your sigmoid and arithmetic")


@verdict("tanh_grad.values")
def tanh_grad_values(obs, seed):
    _check_values(obs, seed, "tanh_grad")


@verdict("tanh_grad.stable")
def tanh_grad_stable(obs, seed):
    _check_stable(obs, seed, "tanh_grad", with_grad=False)


@verdict("tanh_grad.from_scratch")
def tanh_grad_from_scratch(obs, seed):
    _from_scratch(obs, "tanh_grad", "your tanh and arithmetic", FORMULA["tanh_grad"])


# ---------------------------------------------------------------------------------- xavier_init

def _xavier_wrong_bounds(n_in: int, n_out: int) -> list[tuple[float, str]]:
    """(a bound a classic mistake draws U(-b, b) with, the message that names it)."""
    a = inputs.xavier_bound(n_in, n_out)
    return [
        (math.sqrt(6 / n_in), "a = sqrt(6 / num_inputs) uses only num_inputs (that is fan-in "
                              "initialisation): Xavier averages both fans, "
                              "a = sqrt(6 / (num_inputs + num_outputs))"),
        (math.sqrt(6 / n_out), "a = sqrt(6 / num_outputs) uses only num_outputs: Xavier averages "
                               "both fans, a = sqrt(6 / (num_inputs + num_outputs))"),
        (math.sqrt(2 / (n_in + n_out)), "sqrt(2 / (num_inputs + num_outputs)) is the standard "
                                        "deviation Xavier wants, not the bound of the interval: "
                                        "U(-a, a) has standard deviation a / sqrt(3), so "
                                        "a = sqrt(6 / (num_inputs + num_outputs))"),
        (math.sqrt(3 / (n_in + n_out)), "a = sqrt(3 / (num_inputs + num_outputs)) is too small "
                                        "by sqrt(2): the variance a**2 / 3 must be the average "
                                        "1 / fan of the two fans, 2 / (num_inputs + "
                                        "num_outputs), so a = sqrt(6 / (num_inputs + num_outputs))"),
        (a / 2, "the entries span only [-a/2, a/2]: (torch.rand(...) - 0.5) * a halves the "
                "interval; use torch.rand(...) * 2 * a - a (or (torch.rand(...) * 2 - 1) * a)"),
        (2 * a, "the entries span [-2a, 2a]: torch.rand(...) * 4 * a - 2 * a doubles the "
                "interval; use torch.rand(...) * 2 * a - a"),
        (1 / math.sqrt(n_in), "the bound 1 / sqrt(num_inputs) is the old default of nn.Linear, "
                              "not Xavier's a = sqrt(6 / (num_inputs + num_outputs))"),
    ]


def _wrong_bound_hint(bound: float, n_in: int, n_out: int, tol: float) -> str | None:
    for candidate, message in _xavier_wrong_bounds(n_in, n_out):
        if abs(bound / candidate - 1) < tol:
            return message
    return None


def _check_xavier_draw(draw: Any, n_in: int, n_out: int) -> None:
    who = f"xavier_init({n_in}, {n_out})"
    a = inputs.xavier_bound(n_in, n_out)
    wanted = f"U(-a, a) with a = sqrt(6 / ({n_in} + {n_out})) = {a:.4g}"
    w = _get(draw, "w")
    if not isinstance(w, torch.Tensor):
        raise Fail(f"{who} returned {type_name(w)}, expected a tensor of shape ({n_in}, {n_out})")
    if tuple(w.shape) != (n_in, n_out):
        if tuple(w.shape) == (n_out, n_in):
            raise Fail(f"{who} returned shape {tuple(w.shape)}: it is transposed. The weights map "
                       f"{n_in} inputs to {n_out} outputs, so X @ W needs shape "
                       "(num_inputs, num_outputs)")
        raise Fail(f"{who} returned shape {tuple(w.shape)}, expected ({n_in}, {n_out})")
    if w.dtype != torch.float32:
        raise Fail(f"{who} returned dtype {w.dtype}, expected torch.float32 (torch.rand's "
                   "default: inputs are float32, and X @ W needs matching dtypes)")
    if _get(draw, "requires_grad") is not True:
        raise Fail(f"{who} returned weights that do not require gradients: call "
                   ".requires_grad_() on them (or wrap them in nn.Parameter) so training can "
                   "update them")
    if _get(draw, "is_leaf") is not True:
        raise Fail(f"{who} returned weights that are not a leaf tensor: "
                   "`torch.rand(..., requires_grad=True) * 2 * a - a` is the result of arithmetic, "
                   "so after backward() its .grad stays None and SGD never updates it. Scale "
                   "first, then call .requires_grad_() (or wrap the result in nn.Parameter)")
    w = w.detach().double().reshape(-1)
    n = w.numel()
    if not bool(torch.isfinite(w).all()):
        raise Fail(f"{who}: the weights contain NaN or inf")
    if bool((w == w[0]).all()):
        raise Fail(f"{who}: every weight equals {w[0].item():.4g}: every unit then computes the "
                   "same thing and gets the same gradient, so they stay identical. Draw each "
                   f"weight at random from {wanted}")
    if bool((w >= 0).all()):
        # P(all of n >= 10,000 draws from U(-a, a) are >= 0) = 2^-n
        raise Fail(f"{who}: every weight is >= 0 (smallest {w.min().item():.3g}, largest "
                   f"{w.max().item():.3g}): torch.rand(...) * a draws from U(0, a). Xavier draws "
                   f"from {wanted}: torch.rand(...) * 2 * a - a")
    mean, sd = w.mean().item(), w.std().item()
    largest = w.abs().max().item()
    if largest > a * (1 + 1e-5):
        # For a normal sample, a fraction 0.6827 lies within one sample std of the mean (binomial
        # sd plus estimating s: sd <= 0.807 / sqrt(n), see verdicts/mlp.py); U(-a, a) has 0.5774.
        inside = ((w - mean).abs() < sd).double().mean().item()
        if abs(inside - 0.6827) < Z * 0.807 / math.sqrt(n):
            raise Fail(f"{who}: the weights reach {largest:.4g}, beyond the bound a = {a:.4g}, "
                       f"and look normally distributed ({inside:.1%} of them lie within one "
                       "standard deviation of the mean, as for a normal distribution; U(-a, a) has "
                       "57.7%). torch.randn(...) * sqrt(2 / (num_inputs + num_outputs)) is Xavier "
                       f"*normal*; this exercise asks for Xavier uniform, {wanted}: "
                       "torch.rand(...) * 2 * a - a")
        # The largest of n >= 10,000 draws from U(-b, b) is within 0.2% of b but with
        # probability (0.998)^n < 2e-9.
        hint = _wrong_bound_hint(largest, n_in, n_out, 0.002) if largest <= 4 * a else None
        raise Fail(f"{who}: the weights reach {largest:.4g}, beyond the bound a = {a:.4g} of "
                   f"{wanted}" + (f". {hint}" if hint else ""))
    # The sample variance of n draws from U(-a, a) (variance a^2/3, kurtosis 9/5) has relative
    # standard deviation sqrt((9/5 - 1) / n); z = 6.5 of it, plus a little for the normal
    # approximation.
    variance = a ** 2 / 3
    ratio = sd ** 2 / variance
    spread = Z * math.sqrt(0.8 / n) + 5 / n
    if abs(ratio - 1) > spread:
        bound = math.sqrt(3) * sd   # the b of a U(-b, b) with this variance
        hint = _wrong_bound_hint(bound, n_in, n_out, 0.015)
        size = "small" if ratio < 1 else "large"
        raise Fail(f"{who}: the weights have variance {sd ** 2:.4g}, too {size} for Xavier's "
                   f"a**2 / 3 = 2 / ({n_in} + {n_out}) = {variance:.4g} (allowed "
                   f"{variance * (1 - spread):.4g} to {variance * (1 + spread):.4g}); they look "
                   f"like U(-{bound:.4g}, {bound:.4g}). "
                   + (hint[0].upper() + hint[1:] if hint
                      else f"Draw from {wanted}: torch.rand(...) * 2 * a - a"))
    # The sample mean of n draws from U(-a, a) has standard deviation a / sqrt(3 n).
    bound = Z * a / math.sqrt(3 * n)
    if abs(mean) > bound:
        raise Fail(f"{who}: the weights have mean {mean:.4g}, expected 0 (within ±{bound:.2g} "
                   f"for {n} draws from {wanted}): draw them centred on 0")
    # Uniform on [-a, a]: a fraction 1/2 has |w| < a/2 (binomial standard deviation 1/(2 sqrt(n))).
    half = (w.abs() < a / 2).double().mean().item()
    if abs(half - 0.5) > Z * 0.5 / math.sqrt(n):
        raise Fail(f"{who}: the weights are not uniform on [-a, a]: {half:.1%} of them have "
                   f"|w| < a/2, where U(-a, a) has 50%. Draw from {wanted}: "
                   "torch.rand(...) * 2 * a - a")


@verdict("xavier_init.distribution")
def xavier_distribution(obs, seed):
    draws = _get(obs, "draws")
    if not isinstance(draws, list) or len(draws) != len(inputs.XAVIER_SIZES):
        raise Fail("xavier_init's results could not be read back (expected one per call)")
    for draw, (n_in, n_out) in zip(draws, inputs.XAVIER_SIZES):
        _check_xavier_draw(draw, n_in, n_out)


@verdict("xavier_init.fresh_each_call")
def xavier_fresh(obs, seed):
    n_in, n_out = inputs.XAVIER_FRESH_SIZES
    who = f"xavier_init({n_in}, {n_out})"
    first, second = _get(obs, "first"), _get(obs, "second")
    for w in (first, second):
        if not isinstance(w, torch.Tensor):
            raise Fail(f"{who} returned {type_name(w)}, expected a tensor")
    if first.shape == second.shape and first.dtype == second.dtype and torch.equal(first, second) \
            and bool((first != first.reshape(-1)[:1]).any() if first.numel() else False):
        raise Fail(f"two calls to {who} returned the same weights ({show(first)}): draw fresh "
                   "random weights on every call (no torch.manual_seed or fixed generator "
                   "inside xavier_init, no tensor built once at import time)")


@verdict("xavier_init.from_scratch")
def xavier_from_scratch(obs, seed):
    _from_scratch(obs, "xavier_init", "torch.rand, Tensor.uniform_ and arithmetic")
