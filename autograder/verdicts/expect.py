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


_WINDOW = 6   # entries of a row shown around the first difference of a large tensor


def _index(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]"


def _pair(g: Any, e: Any) -> tuple[str, str]:
    """``g`` and ``e`` with just enough significant digits to tell them apart."""
    if not (isinstance(g, float) and isinstance(e, float)):
        return str(g), str(e)
    for digits in range(4, 13):
        a, b = f"{g:.{digits}g}", f"{e:.{digits}g}"
        if a != b:
            return a, b
    return a, b


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    idx = []
    for size in reversed(shape):
        idx.append(flat % size)
        flat //= size
    return tuple(reversed(idx))


def _window(t: torch.Tensor, idx: tuple[int, ...]) -> tuple[str, str]:
    """The entries of ``t``'s last dimension around ``idx``, and their index range."""
    row = t[idx[:-1]] if len(idx) > 1 else t
    j, n = idx[-1], row.shape[0]
    start = max(0, min(j - 2, n - _WINDOW))
    stop = min(n, start + _WINDOW)
    items = ", ".join(_fmt_scalar(v) for v in row[start:stop].tolist())
    body = ("[" + ("..., " if start > 0 else "") + items + (", ..." if stop < n else "") + "]")
    label = _index(idx[:-1])[:-1] + ", " if len(idx) > 1 else "["
    return body, f"{label}{start}:{stop}]"


def compare(got: Any, expected: Any, max_items: int = 12) -> str:
    """``got ..., expected ...`` showing where the two differ: both in full when they are small,
    else the stretch around the first difference; then that entry's values, how many entries
    differ and the largest absolute difference. Never a cut prefix that looks the same."""
    if not (isinstance(got, torch.Tensor) and isinstance(expected, torch.Tensor)) \
            or tuple(got.shape) != tuple(expected.shape) or got.numel() == 0:
        return f"got {show(got, max_items)}, expected {show(expected, max_items)}"
    try:
        g, e = got.detach().double(), expected.detach().double()
    except (RuntimeError, TypeError):
        return f"got {show(got, max_items)}, expected {show(expected, max_items)}"
    shape = tuple(g.shape)
    differs = ~torch.isclose(g, e, rtol=1e-5, atol=1e-6)
    if not bool(differs.any()):
        differs = g != e
    if not bool(differs.any()):
        return f"got {show(got, max_items)}, expected {show(expected, max_items)}"
    gap = (g - e).abs()
    broken = ~torch.isfinite(gap)
    gap = torch.where(broken, torch.zeros_like(gap), gap)
    largest = float(gap.max())
    plain = g.is_floating_point() and got.is_floating_point()

    def value(t: torch.Tensor, at: tuple[int, ...]) -> Any:
        return float(t[at].item()) if plain else t.detach()[at].item()
    if g.dim() == 0:
        a, b = _pair(value(g if plain else got, ()), value(e if plain else expected, ()))
        return f"got {a}, expected {b}" + (
            f" (a difference of {largest:.3g})" if plain and not bool(broken.any()) else "")
    count, n = int(differs.sum()), g.numel()
    first = _unravel(int(differs.reshape(-1).nonzero()[0]), shape)
    if n <= max_items:
        text = f"got {show(got, max_items)}, expected {show(expected, max_items)}"
    else:
        got_part, span = _window(g if plain else got.detach(), first)
        expected_part, _ = _window(e if plain else expected.detach(), first)
        text = f"got {got_part}, expected {expected_part} (entries {span} of shape {shape})"
    a, b = _pair(value(g if plain else got, first), value(e if plain else expected, first))
    nonfinite = int(broken.sum())
    odd = f"; {nonfinite} of them NaN or inf" if nonfinite else ""
    if count == 1:
        by = f" (by {float(gap[first]):.3g})" if plain and not nonfinite else ""
        return f"{text}; they differ only at {_index(first)}: {a} instead of {b}{by}"
    worst = _unravel(int(gap.reshape(-1).argmax()), shape)
    where = "" if worst == first else f" (at {_index(worst)})"
    up_to = f", by up to {largest:.3g}{where}" if plain and largest > 0 else ""
    return (f"{text}; they first differ at {_index(first)}: {a} instead of {b}; {count} of {n} "
            f"entries differ{up_to}{odd}")


def mismatch(who: str, inputs: str, got: Any, expected: Any, hint: str = "") -> Fail:
    """A Fail that shows the input, what came back and what was expected (where they differ),
    plus an optional hint."""
    text = f"{who}: for {inputs} {compare(got, expected)}"
    return Fail(f"{hint}. {text}" if hint else text)
