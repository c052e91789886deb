"""Turn whatever student code returned into an observation value, and watch for forbidden calls."""
from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

_MAX_ITEMS = 64


def observe(value: Any) -> Any:
    """A transportable stand-in for a student's return value.

    Tensors become plain detached copies; numbers, bools, strings and None pass; lists and tuples
    are observed item by item; anything else becomes ``{"type": name, "repr": text}`` so the
    verdict can say "returned a dict where a tensor was expected".
    """
    if isinstance(value, torch.Tensor):
        return value.detach().as_subclass(torch.Tensor).clone()
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)[:200]
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and len(value) <= _MAX_ITEMS:
        return [observe(v) for v in value]
    try:
        text = repr(value)[:80]
    except Exception:  # noqa: BLE001 - a student's __repr__ may raise
        text = "?"
    return {"type": type(value).__name__, "repr": text}


# Library calls that defeat the purpose of an exercise, by exercise function.
FORBIDDEN: dict[str, dict[Any, str]] = {
    "softmax": {
        torch.softmax: "torch.softmax", torch.nn.functional.softmax: "F.softmax",
        torch.Tensor.softmax: "Tensor.softmax", torch.nn.functional.log_softmax: "F.log_softmax",
        torch.log_softmax: "torch.log_softmax", torch.Tensor.log_softmax: "Tensor.log_softmax",
    },
    "cross_entropy": {
        torch.nn.functional.cross_entropy: "F.cross_entropy",
        torch.nn.functional.nll_loss: "F.nll_loss",
    },
    "dropout_layer": {
        torch.nn.functional.dropout: "F.dropout", torch.dropout: "torch.dropout",
        torch.Tensor.dropout if hasattr(torch.Tensor, "dropout") else torch.dropout: "Tensor.dropout",
        torch.nn.functional.alpha_dropout: "F.alpha_dropout",
    },
    "relu": {
        torch.relu: "torch.relu", torch.nn.functional.relu: "F.relu", torch.Tensor.relu: "Tensor.relu",
        torch.relu_: "torch.relu_", torch.nn.functional.relu_: "F.relu_", torch.Tensor.relu_: "Tensor.relu_",
    },
    "sgd": {},
}


class _Recorder(TorchFunctionMode):
    def __init__(self, forbidden: dict[Any, str], seen: list[str]):
        super().__init__()
        self.forbidden, self.seen = forbidden, seen

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = self.forbidden.get(func)
        if name and name not in self.seen:
            self.seen.append(name)
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def forbidden_calls(function: str):
    """Record, into the yielded list, library shortcuts the student's ``function`` calls.

    Torch functions are seen through a TorchFunctionMode (covering ``nn.ReLU``, ``nn.Dropout``
    and friends, which call the functional forms); building any ``torch.optim`` optimizer is
    seen by wrapping ``Optimizer.__init__``.
    """
    seen: list[str] = []
    original_init = torch.optim.Optimizer.__init__

    def recording_init(opt, *args, **kwargs):
        seen.append(f"torch.optim.{type(opt).__name__}")
        return original_init(opt, *args, **kwargs)

    torch.optim.Optimizer.__init__ = recording_init
    try:
        with _Recorder(FORBIDDEN.get(function, {}), seen):
            yield seen
    finally:
        torch.optim.Optimizer.__init__ = original_init
