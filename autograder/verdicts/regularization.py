"""Verdict halves for regularization."""
from __future__ import annotations

import torch

from autograder.inputs import regularization as inputs
from autograder.verdicts.expect import close, mismatch, number, show
from autograder.verdicts.registry import Fail, verdict


@verdict("l2_penalty.values")
def l2_penalty_values(obs, seed):
    w = inputs.weights(seed)
    expected = (w ** 2).sum() / 2
    got = number(obs["out"], "l2_penalty")
    if abs(got - 2 * expected.item()) < 1e-6 * abs(expected.item()) + 1e-9:
        raise Fail(f"l2_penalty is twice too large ({got:.6g} instead of {expected.item():.6g}): "
                   "halve the sum of squares so that its gradient is exactly w")
    if abs(got - expected.item()) > 1e-6 * abs(expected.item()) + 1e-9:
        raise mismatch("l2_penalty", f"w = {show(w)}", got, expected, "expected sum(w**2) / 2")
    if obs["grad"] is None:
        raise Fail("l2_penalty's result is not differentiable with respect to w: keep it a tensor "
                   "built from w (no .item(), no float())")
    if not close(obs["grad"], w):
        raise mismatch("the gradient of l2_penalty", f"w = {show(w)}", obs["grad"], w,
                       "the gradient of sum(w**2)/2 must be w itself")
