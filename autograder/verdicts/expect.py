"""Helpers that verdicts use to validate observations and word their messages."""
from __future__ import annotations

from typing import Any

import torch

from autograder.verdicts.registry import Fail


def show(value: Any, max_items: int = 8) -> str:
    """A short, readable rendering of a tensor or value for a feedback message."""
    if isinstance(value, torch.Tensor):
        flat = value.detach().reshape(-1)
        if value.dim() == 0:
            return f"{value.item():.6g}"
        if flat.numel() <= max_items:
            body = _fmt_nested(value)
        else:
            items = ", ".join(_fmt_scalar(v) for v in flat[:max_items].tolist())
            body = f"[{items}, ...]"
        return f"{body} (shape {tuple(value.shape)})"
    if isinstance(value, dict) and set(value) == {"type", "repr"}:
        return f"a {value['type']} ({value['repr']})"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _fmt_scalar(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _fmt_nested(t: torch.Tensor) -> str:
    if t.dim() == 0:
        return _fmt_scalar(t.item())
    return "[" + ", ".join(_fmt_nested(row) for row in t) + "]"


def type_name(value: Any) -> str:
    """The kind of value a student returned, in words."""
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, dict) and set(value) == {"type", "repr"}:
        return f"a {value['type']}"
    if value is None:
        return "None (did you forget `return`?)"
    return f"a {type(value).__name__}"


def tensor(value: Any, who: str, *, shape: tuple[int, ...] | None = None,
           dtype: torch.dtype | None = None) -> torch.Tensor:
    """``value`` as a tensor of the given shape and dtype, or Fail saying what came back instead."""
    if not isinstance(value, torch.Tensor):
        raise Fail(f"{who} returned {type_name(value)}, expected a tensor"
                   + (f" of shape {shape}" if shape is not None else ""))
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise Fail(f"{who} returned shape {tuple(value.shape)}, expected {tuple(shape)}")
    if dtype is not None and value.dtype != dtype:
        raise Fail(f"{who} returned dtype {value.dtype}, expected {dtype}")
    return value


def number(value: Any, who: str) -> float:
    """``value`` as a Python float (a 0-d or one-element tensor is accepted), or Fail."""
    if isinstance(value, bool):
        raise Fail(f"{who} returned a bool, expected a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.reshape(()).item())
    raise Fail(f"{who} returned {type_name(value)}, expected a number")


def close(got: torch.Tensor, expected: torch.Tensor, *, rtol: float = 1e-5, atol: float = 1e-6) -> bool:
    """Elementwise closeness on float64 copies; NaN never matches; a non-tensor never matches."""
    if not isinstance(got, torch.Tensor) or got.shape != expected.shape:
        return False
    g, e = got.detach().double(), expected.detach().double()
    return bool(torch.isclose(g, e, rtol=rtol, atol=atol).all())


def mismatch(who: str, inputs: str, got: Any, expected: Any, hint: str = "") -> Fail:
    """A Fail that shows the input, what came back and what was expected, plus an optional hint."""
    text = f"{who}: for {inputs} got {show(got)}, expected {show(expected)}"
    return Fail(f"{hint}. {text}" if hint else text)
