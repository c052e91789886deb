"""Scenario halves for regularization: weight decay, robust losses, K-fold splits."""
from __future__ import annotations

import torch

from autograder.inputs import regularization as inputs
from autograder.scenarios.observe import observe
from autograder.scenarios.registry import scenario


@scenario("l2_penalty.values")
def l2_penalty_values(student, seed):
    w = inputs.weights(seed)
    w_arg = w.clone().requires_grad_(True)
    out = student.l2_penalty(w_arg)
    grad = None
    if isinstance(out, torch.Tensor) and out.requires_grad and out.numel() == 1:
        out.sum().backward()
        grad = w_arg.grad
    return {"out": observe(out), "grad": observe(grad), "w_after": observe(w_arg)}
