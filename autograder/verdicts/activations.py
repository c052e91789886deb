"""Verdict halves for the chapter-4 activations of exercises/mlp.py: sigmoid, tanh, their
derivatives (Xavier initialisation: autograder/verdicts/initialization.py).

Each verdict rebuilds the scenario's inputs from the seed (autograder.inputs.activations),
computes what was expected with torch's own operations in float64 and raises Fail with a message
that names the student's mistake. Statistical bounds use z = 6.5 (a correct implementation fails
< 1e-10 of the time).
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.inputs import activations as inputs
from autograder.verdicts.expect import close, mismatch, show, tensor
from autograder.verdicts.registry import Fail, verdict

Z = 6.5  # standard deviations: P(|N(0,1)| > 6.5) = 8e-11


def field(obs: Any, key: str) -> Any:
    """obs[key], or Fail when the observation is not a dict holding it."""
    if not isinstance(obs, dict) or key not in obs:
        raise Fail(f"the observation is incomplete (no {key!r}): the check could not run")
    return obs[key]


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return ["(unreadable)"]
    return [v if isinstance(v, str) else "(unreadable)" for v in value]


def judge_from_scratch(obs: dict, function: str, allowed: str, derivative: str | None = None) -> None:
    """Fail when the scenario saw a library shortcut (or autograd, for a derivative)."""
    seen = field(obs, "seen")
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
    outs = field(obs, "outs")
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
    got = _floats(tensor(field(obs, "out"), who, shape=tuple(x.shape)), who)
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
    error = field(obs, "error")
    if error is not None:
        text = str(error)
        if "in-place" in text or "inplace" in text:
            raise Fail(f"{function} modified X in place, which autograd forbids on a tensor that "
                       f"requires grad ({text}): return a new tensor")
        raise Fail(f"{function} raised {text} for an X that requires grad")
    if field(obs, "requires_grad") is not True:
        raise Fail(f"{function}(X) does not require grad although X does: the result is cut off "
                   "from X (avoid .detach(), .data, .numpy(), .item() and torch.tensor(...)), so "
                   "no gradient could flow back through this activation in a network")
    derivative = "sigmoid(X) * (1 - sigmoid(X))" if function == "sigmoid" else "1 - tanh(X)**2"
    grad = _floats(tensor(field(obs, "grad"), f"the gradient autograd computes through {function}",
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
    judge_from_scratch(obs, "sigmoid", "torch.exp, torch.where and arithmetic")


@verdict("sigmoid_grad.values")
def sigmoid_grad_values(obs, seed):
    _check_values(obs, seed, "sigmoid_grad")


@verdict("sigmoid_grad.stable")
def sigmoid_grad_stable(obs, seed):
    _check_stable(obs, seed, "sigmoid_grad", with_grad=False)


@verdict("sigmoid_grad.from_scratch")
def sigmoid_grad_from_scratch(obs, seed):
    judge_from_scratch(obs, "sigmoid_grad", "your sigmoid and arithmetic",
                  FORMULA["sigmoid_grad"])


@verdict("tanh.values")
def tanh_values(obs, seed):
    _check_values(obs, seed, "tanh")


@verdict("tanh.stable")
def tanh_stable(obs, seed):
    _check_stable(obs, seed, "tanh", with_grad=True)


@verdict("tanh.from_scratch")
def tanh_from_scratch(obs, seed):
    judge_from_scratch(obs, "tanh", "torch.exp, torch.where, your sigmoid and arithmetic")


@verdict("tanh_grad.values")
def tanh_grad_values(obs, seed):
    _check_values(obs, seed, "tanh_grad")


@verdict("tanh_grad.stable")
def tanh_grad_stable(obs, seed):
    _check_stable(obs, seed, "tanh_grad", with_grad=False)


@verdict("tanh_grad.from_scratch")
def tanh_grad_from_scratch(obs, seed):
    judge_from_scratch(obs, "tanh_grad", "your tanh and arithmetic", FORMULA["tanh_grad"])
