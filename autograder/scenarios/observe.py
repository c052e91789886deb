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


def _torch_calls(*names: str) -> dict[Any, str]:
    """``{torch function: its name for a message}`` for dotted names under torch ("linalg.norm",
    "Tensor.dot", "F.linear"); names this torch does not have are left out."""
    roots = {"torch": torch, "Tensor": torch.Tensor, "F": torch.nn.functional}
    calls: dict[Any, str] = {}
    for name in names:
        head, _, rest = name.partition(".")
        obj: Any = roots[head] if head in roots and rest else torch
        for part in (rest if head in roots and rest else name).split("."):
            obj = getattr(obj, part, None)
        if obj is not None:
            calls[obj] = name if head in roots and rest else f"torch.{name}"
    return calls


# Products that do the work of dot, mv and mm (``@`` is Tensor.matmul as torch sees it).
_PRODUCTS = {**_torch_calls("dot", "vdot", "inner", "mv", "mm", "matmul", "bmm", "einsum",
                            "tensordot", "addmm", "addmv", "addbmm", "baddbmm", "chain_matmul",
                            "linalg.multi_dot", "linalg.vecdot", "linalg.matmul", "Tensor.dot",
                            "Tensor.vdot", "Tensor.inner", "Tensor.mv", "Tensor.mm", "Tensor.bmm",
                            "Tensor.addmm", "Tensor.addmv", "F.linear", "F.bilinear"),
             torch.Tensor.matmul: "@ or Tensor.matmul"}
# Norms (and distances, which are norms of a difference).
_NORMS = _torch_calls("norm", "linalg.norm", "linalg.vector_norm", "linalg.matrix_norm",
                      "frobenius_norm", "nuclear_norm", "dist", "cdist", "pdist", "Tensor.norm",
                      "Tensor.dist", "F.pairwise_distance")
# Autograd, which computes the exact derivative numerical_lim approximates; torch.func and
# torch.autograd.functional reach it through torch.autograd.grad.
AUTOGRAD_CALLS = {**_torch_calls("autograd.grad", "autograd.backward"),
                  torch.Tensor.backward: "Tensor.backward"}

# Library calls that defeat the purpose of an exercise, by exercise function.
FORBIDDEN: dict[str, dict[Any, str]] = {
    "dot": _PRODUCTS, "mv": _PRODUCTS, "mm": _PRODUCTS,
    "l1_norm": _NORMS, "l2_norm": _NORMS, "frobenius_norm": _NORMS,
    "numerical_lim": AUTOGRAD_CALLS,
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
    "sigmoid": _torch_calls("sigmoid", "sigmoid_", "special.expit", "Tensor.sigmoid",
                            "Tensor.sigmoid_", "F.sigmoid", "F.logsigmoid"),
    "tanh": _torch_calls("tanh", "tanh_", "Tensor.tanh", "Tensor.tanh_", "F.tanh"),
    # the derivatives are computed from their formula, not by autograd
    "sigmoid_grad": AUTOGRAD_CALLS, "tanh_grad": AUTOGRAD_CALLS,
    # plain Python functions a TorchFunctionMode never sees: the xavier_init scenario watches
    # torch.nn.init itself (autograder/scenarios/activations.py)
    "xavier_init": {torch.nn.init.xavier_uniform_: "nn.init.xavier_uniform_",
                    torch.nn.init.xavier_normal_: "nn.init.xavier_normal_"},
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
def autograd_calls():
    """Record, into the yielded list, the autograd entry points run inside (backward,
    torch.autograd.grad): an autograd exercise must let autograd compute its gradient."""
    seen: list[str] = []
    with _Recorder(AUTOGRAD_CALLS, seen):
        yield seen


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


def observe_parameters(net: Any) -> Any:
    """The parameters of a returned ``nn.Module``, in order, as plain tensors (``{"params": [...]}``);
    anything else observed as it is, for the verdict to name."""
    if isinstance(net, torch.nn.Module):
        try:
            return {"params": [observe(p) for p in list(net.parameters())[:8]]}
        except Exception:  # noqa: BLE001 - a student's Module may break in odd ways
            return {"type": type(net).__name__, "repr": "a module whose parameters cannot be read"}
    return observe(net)
