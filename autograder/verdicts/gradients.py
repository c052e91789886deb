"""Judge a gradient check: the student's gradients of ``(out * v).sum()``, observed in the worker,
against torch's gradients of the reference function on the same seeded inputs and ``v``."""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.verdicts.expect import close, mismatch, show, type_name
from autograder.verdicts.registry import Fail

CUT_OFF = ("a result cut off from autograd comes from .detach(), .data, .item(), .numpy(), "
           "torch.tensor(...) re-wrapping or a constant such as torch.zeros(n)")


def expected_gradients(reference: Callable[..., torch.Tensor], args: tuple[torch.Tensor, ...],
                       v: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """(reference output, its gradients of (out * v).sum() for each argument), all float64."""
    leaves = tuple(a.detach().clone().requires_grad_(True) for a in args)
    out = reference(*leaves)
    grads = torch.autograd.grad((out * v).sum(), leaves)
    return out.detach(), [g.detach() for g in grads]


def check_gradients(obs: Any, who: str, names: tuple[str, ...], args: tuple[torch.Tensor, ...],
                    v: torch.Tensor, reference: Callable[..., torch.Tensor], advice: str,
                    inputs_text: str, *, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Fail unless the observed gradients match torch's for ``reference``; say what went wrong
    (an error, a non-tensor, a result cut off from autograd, a missing or wrong gradient)."""
    if not isinstance(obs, dict):
        raise Fail(f"{who}: the gradients could not be read back")
    expected_out, expected = expected_gradients(reference, args, v)
    call_error = obs.get("call_error")
    if isinstance(call_error, str) and call_error:
        if "in-place" in call_error or "inplace" in call_error:
            raise Fail(f"{who} is not differentiable because it modifies an input in place "
                       f"({call_error}): compute a new tensor instead")
        raise Fail(f"{who} raised {call_error} for float64 inputs that require grad ({inputs_text})")
    out = obs.get("out")
    shape = tuple(expected_out.shape)
    if not isinstance(out, torch.Tensor):
        raise Fail(f"{who} is not differentiable: for float64 inputs that require grad it returned "
                   f"{type_name(out)}, expected a tensor of shape {shape} built from the inputs "
                   f"(no .item(), .tolist() or numpy). {advice}")
    grad_error = obs.get("grad_error")
    if isinstance(grad_error, str) and grad_error:
        if "does not require grad" in grad_error or "does not have a grad_fn" in grad_error:
            raise Fail(f"{who} is not differentiable: its result does not depend on the inputs as "
                       f"far as autograd can tell ({grad_error}); {CUT_OFF}. {advice}")
        raise Fail(f"{who} is not differentiable: backpropagating through its result raised "
                   f"{grad_error}. {advice}")
    if tuple(out.shape) != shape:
        raise Fail(f"{who} returned shape {tuple(out.shape)} for {inputs_text}, expected {shape}, "
                   "so its gradient could not be checked")
    grads = obs.get("grads")
    if not isinstance(grads, list) or len(grads) != len(names):
        raise Fail(f"{who}: the gradients could not be read back")
    value_wrong = not close(out, expected_out, rtol=rtol, atol=atol)
    for name, got, want in zip(names, grads, expected):
        if got is None:
            raise Fail(f"{who} is not differentiable with respect to {name}: its gradient is None, "
                       f"the result does not depend on {name} as far as autograd can tell "
                       f"({CUT_OFF}). {advice}")
        if not isinstance(got, torch.Tensor) or tuple(got.shape) != tuple(want.shape):
            raise Fail(f"the gradient of {who} with respect to {name} came back as "
                       f"{type_name(got)}, expected shape {tuple(want.shape)}")
        if close(got, want, rtol=rtol, atol=atol):
            continue
        what = f"The gradient of {who} with respect to {name}"
        setting = f"{inputs_text}, backpropagating (out * v).sum() with v = {show(v)}"
        if bool((got == 0).all()):
            raise mismatch(what, setting, got, want,
                           f"{who} is not differentiable: the gradient with respect to {name} is "
                           f"zero, as for a constant ({CUT_OFF}). {advice}")
        if value_wrong:
            raise mismatch(what, setting, got, want,
                           f"{who}'s gradient is wrong because its value is wrong ({show(out)}, "
                           f"expected {show(expected_out)}): fix the value first")
        raise mismatch(what, setting, got, want,
                       f"{who}'s value is right but its gradient is not: a custom backward or an "
                       f"in-place change of an intermediate breaks it. {advice}")
