"""Verdict halves for preliminaries, part 2: numerical_lim and the autograd functions
(grad_of_2xTx, grad_of_sum, detach_grad, control_flow_grad).

What is expected is recomputed here: the difference quotient with the very same f, and every
gradient by torch's autograd on a float64 leaf. An autograd function earns its points only when
autograd ran while it did (a formula written by hand is not the exercise), and only the same
gradient on every call (autograd adds into ``.grad``: a leaf used twice and not zeroed gives twice
the gradient).
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.inputs import preliminaries as inputs
from autograder.verdicts.expect import mismatch, number, show
from autograder.verdicts.preliminaries import (agrees, cases_of, from_scratch, named_mistake,
                                               result_tensor, returned)
from autograder.verdicts.registry import Fail, verdict

F64 = torch.float64

# ------------------------------------------------------------------------------ numerical_lim


def _calls(seed: int) -> list[tuple[Callable, Callable, Any, float, str]]:
    """(f, f', x, h, how f is named) of every call the scenario made, in order."""
    c3, c2, c1, c0 = coefficients = inputs.cubic_coefficients(seed)
    cubic = inputs.cubic(coefficients)

    def cubic_prime(x):
        return (3 * c3 * x + 2 * c2) * x + c1
    drawn = f"f(x) = {c3:.4g} x^3 + {c2:.4g} x^2 + {c1:.4g} x + {c0:.4g}"
    return ([(inputs.book_f, lambda x: 6 * x - 4, x, h, "the book's f(x) = 3x^2 - 4x")
             for x, h in inputs.BOOK_POINTS]
            + [(cubic, cubic_prime, x, h, drawn) for x, h in inputs.numlim_cases(seed)])


def _quotient_mistakes(f: Callable, x: Any, h: float,
                       quadratic: bool) -> list[tuple[Callable, str]]:
    also = (" (for this quadratic f it is also the exact derivative f'(x), which autograd gives)"
            if quadratic else "")
    return [
        (lambda: (f(x + h) - f(x - h)) / (2 * h), "that is the central difference (f(x + h) - "
         f"f(x - h)) / (2h){also}: the book's numerical_lim is the forward quotient, "
         "(f(x + h) - f(x)) / h, for the h given"),
        (lambda: (f(x) - f(x - h)) / h, "that is the backward difference (f(x) - f(x - h)) / h: "
         "use (f(x + h) - f(x)) / h"),
        (lambda: f(x + h) - f(x) / h, "only f(x) was divided by h (f(x + h) - f(x) / h): put the "
         "difference in parentheses, (f(x + h) - f(x)) / h"),
        (lambda: (f(x) - f(x + h)) / h, "the sign is flipped: the quotient is "
         "(f(x + h) - f(x)) / h"),
        (lambda: f(x + h) - f(x), "the difference was not divided by h: (f(x + h) - f(x)) / h"),
        (lambda: (f(x + h) - f(x)) / (2 * h), "the difference was divided by 2h: the forward "
         "difference divides by h"),
    ]


@verdict("numerical_lim.values")
def numerical_lim_values(obs, seed):
    calls = _calls(seed)
    for case, (f, f_prime, x, h, named) in zip(cases_of(obs, len(calls), "numerical_lim"), calls):
        at = f"x = {show(x)}" if isinstance(x, torch.Tensor) else f"x = {x:.6g}"
        call = f"{named}, {at}, h = {h:.6g}"
        got = returned(case, "numerical_lim", call)
        expected = torch.as_tensor((f(x + h) - f(x)) / h, dtype=F64)
        derivative = torch.as_tensor(f_prime(x), dtype=F64)
        if isinstance(x, torch.Tensor):
            got = result_tensor(got, "numerical_lim", call, tuple(x.shape), x.dtype,
                                "f acts elementwise, so the quotient has x's shape")
        else:
            got = torch.tensor(number(got, f"numerical_lim for {call}"), dtype=F64)
        scale = expected.abs() + 1.0   # the same quotient rounded another way: within 1e-7
        if agrees(got, expected, scale, F64, rtol=1e-7):
            continue
        hint = named_mistake(got, _quotient_mistakes(f, x, h, f is inputs.book_f), scale, F64,
                             rtol=1e-7)
        near = (got.double() - derivative).abs() <= 1e-3 * (derivative.abs() + 1)
        if not hint and bool(near.all()):
            hint = (f"that is (close to) the derivative f'(x) itself, not the difference quotient "
                    f"for h = {h:.6g}: compute (f(x + h) - f(x)) / h with the h given (no "
                    "autograd, no smaller h of your own)")
        raise mismatch("numerical_lim", call, got, expected,
                       hint or "numerical_lim(f, x, h) is (f(x + h) - f(x)) / h")


@verdict("numerical_lim.from_scratch")
def numerical_lim_from_scratch(obs, seed):
    from_scratch(obs, "numerical_lim", "calls of f and arithmetic")


# ----------------------------------------------------------------------------------- autograd

def _book_f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def _gradient(function: str, x: torch.Tensor) -> torch.Tensor:
    """What autograd gives for ``function`` at ``x``, on a float64 leaf, in ``x``'s dtype."""
    leaf = x.detach().to(F64).clone().requires_grad_(True)
    if function == "grad_of_2xTx":
        out = 2 * torch.dot(leaf.reshape(-1), leaf.reshape(-1))
    elif function == "grad_of_sum":
        out = (leaf * leaf).sum()
    elif function == "detach_grad":
        out = ((leaf * leaf).detach() * leaf).sum()
    else:
        out = _book_f(leaf)
    out.backward()
    return leaf.grad.detach()


ARG = {"grad_of_2xTx": "x", "grad_of_sum": "x", "detach_grad": "x", "control_flow_grad": "a"}
HOW = {
    "grad_of_2xTx": "x.requires_grad_(True) (or a fresh leaf), y = 2 * torch.dot(x, x), "
                    "y.backward(), return x.grad",
    "grad_of_sum": "y = x * x, y.sum().backward(), return x.grad",
    "detach_grad": "u = (x * x).detach(), z = u * x, z.sum().backward(), return x.grad",
    "control_flow_grad": "a.requires_grad_(True) (or a fresh leaf), d = f(a), d.backward(), "
                         "return a.grad",
}


def _mistakes(function: str, x: torch.Tensor, expected: torch.Tensor) -> list[tuple[Callable, str]]:
    x = x.to(F64)
    twice = (lambda: 2 * expected, "twice the gradient: autograd adds into .grad, so backward ran "
             "twice into the same leaf (or an old gradient was not zeroed)")
    if function == "grad_of_2xTx":
        return [(lambda: 2 * x, "half the gradient, 2x: y = 2 * x^T x, whose gradient is 4x "
                 "(the factor 2 is missing)"), twice]
    if function == "grad_of_sum":
        return [(lambda: 2 * x / x.numel(), "the gradient divided by the number of entries: that "
                 "is y.mean(); backpropagate y.sum()"),
                (lambda: 2 * x * x, "that is 2x^2, the gradient of (y * x).sum(): y.backward(x) "
                 "passes x as the upstream gradient; use y.sum().backward() or "
                 "y.backward(torch.ones_like(y))"),
                (lambda: x * x, "that is y = x * x itself, not its gradient"), twice]
    if function == "detach_grad":
        return [(lambda: 3 * x * x, "that is 3x^2, the gradient of z = x^3: u was not cut off from "
                 "the graph. detach() returns a new tensor: write u = y.detach() (y.detach() on "
                 "its own changes nothing)"),
                (lambda: 2 * x, "that is 2x, the gradient of y = x * x: backpropagate z = u * x"),
                (lambda: x, "that is x, the gradient of z with respect to u: return x.grad"), twice]
    return [(lambda: _book_f(x), "that is f(a), the value: return a.grad after d.backward()"),
            twice]


def _one_gradient(function: str, case: dict, x: torch.Tensor, call: str) -> torch.Tensor:
    """The gradient one call returned, checked for type, shape and dtype; Fail otherwise."""
    who, arg = function, ARG[function]
    error = case.get("error")
    if isinstance(error, str) and ("does not require grad" in error or "grad_fn" in error):
        raise Fail(f"{who} failed for {call}: {error}. {arg} arrives without gradients: make it "
                   f"require them before computing with it ({arg} = {arg}.detach().clone()."
                   f"requires_grad_(True), or {arg}.requires_grad_(True))")
    got = returned(case, who, call)
    if got is None:
        raise Fail(f"{who} returned None for {call}: {arg}.grad is None unless backward reached "
                   f"that very leaf (make {arg} require grad, compute with that same {arg}, call "
                   f"backward, then return {arg}.grad), and a function without `return` gives None")
    if isinstance(got, torch.Tensor) and got.dtype == torch.bool:
        raise Fail(f"{who} returned a bool tensor for {call}: the book compares the gradient "
                   f"with what it should be ({arg}.grad == ...); return {arg}.grad itself")
    if isinstance(got, torch.Tensor) and got.dim() == 0 and x.dim() > 0:
        raise Fail(f"{who} returned a single number ({show(got)}) for {call}, expected the "
                   f"gradient, of {arg}'s shape {tuple(x.shape)}: return {arg}.grad after "
                   "backward, not the value you backpropagated")
    return result_tensor(got, who, call, tuple(x.shape), x.dtype,
                         number_advice=f"return {arg}.grad itself (no .item() or float())")


def _autograd_values(obs: Any, function: str, points: list[torch.Tensor]) -> None:
    who, arg = function, ARG[function]
    for case, x in zip(cases_of(obs, len(points), who), points):
        call = f"{arg} = {show(x)}"
        got = _one_gradient(function, case, x, call)
        expected = _gradient(function, x)
        scale = expected.abs() + 1e-3
        if not agrees(got, expected, scale, x.dtype):
            hint = named_mistake(got, _mistakes(function, x, expected), scale, x.dtype)
            raise mismatch(f"the gradient from {who}", call, got, expected.to(x.dtype),
                           hint or f"let autograd compute it: {HOW[function]}")
        used = case.get("autograd")
        if not isinstance(used, list) or not used:
            raise Fail(f"{who} returned the right gradient for {call} without running autograd "
                       "(no backward, no torch.autograd.grad): the exercise is to let autograd "
                       f"compute it, so a formula written by hand earns nothing. {HOW[function]}")


def _repeated(obs: Any, function: str, seed: int) -> None:
    who, arg = function, ARG[function]
    x = inputs.repeat_input(seed, function)
    call = f"{arg} = {show(x)}"
    if not isinstance(obs, dict) \
            or not all(isinstance(obs.get(k), dict) for k in ("first", "second")):
        raise Fail(f"{who}: the results could not be read back")
    expected = _gradient(function, x)
    scale = expected.abs() + 1e-3
    first = _one_gradient(function, obs["first"], x, call)
    if not agrees(first, expected, scale, x.dtype):
        raise mismatch(f"the gradient from {who}", call, first, expected,
                       f"the first call is already wrong ({who}.values says why): {HOW[function]}")
    second = _one_gradient(function, obs["second"], x, f"the same {arg} a second time")
    if agrees(second, expected, scale, x.dtype):
        return
    for times in (2, 0):
        if agrees(second, times * expected, scale, x.dtype):
            what = "twice the gradient" if times == 2 else "zero"
            raise Fail(f"called twice on the same {arg} = {show(x)}, {who} returned {show(first)} "
                       f"and then {show(second)}, {what}: autograd adds into {arg}.grad, and the "
                       f"first call's gradient was still there. Start each call from a fresh leaf "
                       f"({arg} = {arg}.detach().clone().requires_grad_(True)), or zero the old "
                       f"gradient before backward ({arg}.grad.zero_() when it is not None)")
    raise mismatch(f"the gradient from {who}, called a second time on the same {arg},", call,
                   second, expected, "every call must give the same gradient")


@verdict("grad_of_2xTx.values")
def grad_of_2xTx_values(obs, seed):
    _autograd_values(obs, "grad_of_2xTx", inputs.autograd_inputs(seed, "grad_of_2xTx"))


@verdict("grad_of_2xTx.fresh_each_call")
def grad_of_2xTx_fresh_each_call(obs, seed):
    _repeated(obs, "grad_of_2xTx", seed)


@verdict("grad_of_sum.values")
def grad_of_sum_values(obs, seed):
    _autograd_values(obs, "grad_of_sum", inputs.autograd_inputs(seed, "grad_of_sum"))


@verdict("grad_of_sum.fresh_each_call")
def grad_of_sum_fresh_each_call(obs, seed):
    _repeated(obs, "grad_of_sum", seed)


@verdict("detach_grad.values")
def detach_grad_values(obs, seed):
    _autograd_values(obs, "detach_grad", inputs.autograd_inputs(seed, "detach_grad"))


@verdict("detach_grad.fresh_each_call")
def detach_grad_fresh_each_call(obs, seed):
    _repeated(obs, "detach_grad", seed)


@verdict("control_flow_grad.values")
def control_flow_grad_values(obs, seed):
    _autograd_values(obs, "control_flow_grad", inputs.control_flow_points(seed))


@verdict("control_flow_grad.fresh_each_call")
def control_flow_grad_fresh_each_call(obs, seed):
    _repeated(obs, "control_flow_grad", seed)
