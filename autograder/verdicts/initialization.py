"""Verdict half for xavier_init (exercises/mlp.py, d2l.ai 5.4): the shape and leaf-ness of the
draw, its bound, and its variance, mean and spread at z = 6.5, with the classic wrong bounds and
distributions named."""
from __future__ import annotations

import math
from typing import Any

import torch

from autograder.inputs import activations as inputs
from autograder.verdicts.activations import Z, field, judge_from_scratch
from autograder.verdicts.expect import show, type_name
from autograder.verdicts.registry import Fail, verdict


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
    w = field(draw, "w")
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
    if field(draw, "requires_grad") is not True:
        raise Fail(f"{who} returned weights that do not require gradients: call "
                   ".requires_grad_() on them (or wrap them in nn.Parameter) so training can "
                   "update them")
    if field(draw, "is_leaf") is not True:
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
    draws = field(obs, "draws")
    if not isinstance(draws, list) or len(draws) != len(inputs.XAVIER_SIZES):
        raise Fail("xavier_init's results could not be read back (expected one per call)")
    for draw, (n_in, n_out) in zip(draws, inputs.XAVIER_SIZES):
        _check_xavier_draw(draw, n_in, n_out)


@verdict("xavier_init.fresh_each_call")
def xavier_fresh(obs, seed):
    n_in, n_out = inputs.XAVIER_FRESH_SIZES
    who = f"xavier_init({n_in}, {n_out})"
    first, second = field(obs, "first"), field(obs, "second")
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
    judge_from_scratch(obs, "xavier_init", "torch.rand, Tensor.uniform_ and arithmetic")
