"""Backpropagate a seeded upstream vector through a student's function and return the raw
gradients: the verdict compares them with torch's, so nothing about correctness is decided here."""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.worker.errors import observed_exception
from autograder.scenarios.observe import observe


_text = observed_exception  # "Name: message (at file.py:LINE in func: code)"


def upstream_gradients(fn: Callable[..., Any], args: tuple[torch.Tensor, ...],
                       v: torch.Tensor) -> dict:
    """``fn(*leaves)`` on float64 leaf copies of ``args`` that require grad, then the gradients of
    ``(out * v).sum()`` with respect to each leaf (None where unused).

    Returns ``{"out", "grads", "call_error", "grad_error"}``: the observed output, the observed
    gradients (None when they could not be taken), and a one-line description of an exception
    raised by the call or by backpropagation. No gradient is taken when ``out`` is not a tensor
    with as many entries as ``v`` (it is reshaped to ``v``'s shape); the verdict reports that
    from ``out``.
    """
    leaves = tuple(a.detach().clone().requires_grad_(True) for a in args)
    obs: dict = {"out": None, "grads": None, "call_error": None, "grad_error": None}
    try:
        out = fn(*leaves)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the failure IS the observation
        obs["call_error"] = _text(exc)
        return obs
    obs["out"] = observe(out)
    if not isinstance(out, torch.Tensor) or out.numel() != v.numel():
        return obs
    try:
        # a Tensor subclass gets no say in how its gradient is taken
        with torch._C.DisableTorchFunctionSubclass():
            loss = (out.reshape(v.shape) * v).sum()
            grads = torch.autograd.grad(loss, leaves, allow_unused=True)
    except Exception as exc:  # noqa: BLE001 - "does not require grad" is the observation
        obs["grad_error"] = _text(exc)
        return obs
    obs["grads"] = [observe(g) for g in grads]
    return obs
