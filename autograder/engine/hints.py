"""Advice for the errors student code commonly raises, matched on the exception's text.

The worker's description (worker/errors.py) names the function, the student's file, line and its
text, and the shapes of the tensors that line names (``(where X is (6, 4), w is (4, 1))``); the
advice here may use those shapes. A hint is a string, or a function of the regex match and the
whole message returning the advice (None: no advice).
"""
from __future__ import annotations

import math
import re
from typing import Callable

_SHAPES = re.compile(r"\(where ((?:[A-Za-z_]\w* is \([\d, ]*\)(?:, )?)+)\)")
_ONE_SHAPE = re.compile(r"([A-Za-z_]\w*) is \(([\d, ]*)\)")


def named_shapes(message: str) -> dict[str, tuple[int, ...]]:
    """The shapes the worker listed for the failing line: ``{"X": (6, 4), "w": (4, 1)}``."""
    found = _SHAPES.search(message)
    if not found:
        return {}
    return {name: tuple(int(d) for d in dims.replace(" ", "").split(",") if d)
            for name, dims in _ONE_SHAPE.findall(found.group(1))}


def _fmt(shape: tuple[int, ...]) -> str:
    return str(tuple(shape))


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _matmul_hint(match: re.Match, message: str) -> str:
    a, b, c, d = (int(match.group(i)) for i in range(1, 5))
    need = f"mat1 is {a}x{b}, so mat2 must have {_rows(b)}; yours is {c}x{d}"
    shapes = named_shapes(message)
    if d == b and c != b:
        fits = [n for n, s in shapes.items() if s == (d, c)]
        if fits and re.search(rf"\b{fits[0]}\.(T\b|t\(\)|transpose)", message):
            culprit = f" ({fits[0]} is {_fmt((d, c))} and fits as it is: drop the transpose)"
        elif fits:
            culprit = f" ({fits[0]} is {_fmt((d, c))} and fits as it is)"
        else:
            culprit = f" (its transpose, {d}x{c}, would fit: check the order of the weights' dimensions)"
        return f"{need}, the transpose of what fits{culprit}"
    if d == a and b != c:
        return f"{need}; the operands look swapped: a {c}x{d} @ {a}x{b} product fits"
    if (a * b) % c == 0:
        unflat = [n for n, s in shapes.items() if len(s) > 2 and math.prod(s) == a * b]
        what = unflat[0] if unflat else "the input"
        return (f"{need}: flatten {what} to ({a * b // c}, {c}) first, "
                f"e.g. X.reshape(-1, W.shape[0]), rather than with a hard-coded size")
    return f"{need}: a matrix product needs mat1's columns to equal mat2's rows"


def _size_hint(match: re.Match, message: str) -> str:
    a, b, dim = int(match.group(1)), int(match.group(2)), int(match.group(3))
    text = (f"two tensors do not line up in dimension {dim} ({a} against {b}): check their "
            "shapes (a loss reshapes y to y_hat.shape; a row-wise sum keeps its dimension with "
            "keepdim=True)")
    shapes = named_shapes(message)
    for vec_name, vec in shapes.items():
        for mat_name, mat in shapes.items():
            if len(vec) == 1 and len(mat) == 2 and vec[0] == mat[0] != mat[1] \
                    and {vec[0], mat[1]} == {a, b}:
                return (f"{vec_name} of shape {_fmt(vec)} lines up with the last dimension of "
                        f"{mat_name} {_fmt(mat)}, not with its rows: make it {_fmt((vec[0], 1))} "
                        "(sum(1, keepdim=True) or .reshape(-1, 1))")
    return text


def _view_hint(match: re.Match, message: str) -> str:
    dims = [int(d) for d in match.group(1).replace(" ", "").split(",") if d]
    size = int(match.group(2))
    known = math.prod(d for d in dims if d != -1)
    if -1 in dims:
        why = f"{size} elements do not split into rows of {known}"
    else:
        why = f"[{match.group(1)}] holds {known} elements, the input {size}"
    fits = [n for n, s in named_shapes(message).items() if math.prod(s) == size]
    fits.sort(key=lambda n: not re.search(rf"\b{re.escape(n)}\.(view|reshape)\(", message))
    shapes = [f"{n} is {_fmt(named_shapes(message)[n])}" for n in fits]
    return (f"{why}{' (' + shapes[0] + ')' if shapes else ''}: reshape with the sizes of the "
            "tensors at hand, e.g. X.reshape(-1, W.shape[0]) or y.reshape(y_hat.shape), not "
            "hard-coded numbers")


HINTS: tuple[tuple[str, str | Callable[[re.Match, str], str | None]], ...] = (
    (r"leaf Variable that requires grad is being used in an in-place operation",
     "update parameters inside `with torch.no_grad():`"),
    (r"element 0 of tensors does not require grad",
     "the result lost its autograd graph: avoid .item(), .numpy(), .detach() or torch.tensor(...) "
     "on values that must stay differentiable"),
    (r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)", _matmul_hint),
    (r"shape '\[([-\d, ]*)\]' is invalid for input of size (\d+)", _view_hint),
    (r"grad can be implicitly created only for scalar outputs",
     "call l.sum().backward() (the older book called l.backward() on the vector of per-example "
     "losses; current PyTorch needs a scalar)"),
    (r"Can't call numpy\(\) on Tensor that requires grad",
     "stay in torch (torch.exp, torch.maximum, ...: NumPy cuts the gradient), or use "
     ".detach().numpy() where you only need the values"),
    (r"'NoneType' object has no attribute 'zero_'|unsupported operand type\(s\) for \*: 'float' and 'NoneType'",
     "a parameter has no .grad: call backward() on the loss before the update, create "
     "parameters with requires_grad=True, and update them in place (`param -= ...`): "
     "`param = param - ...` makes a new tensor without a gradient"),
    (r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at "
     r"non-singleton dimension (\d+)", _size_hint),
    (r"'function' object has no attribute '(eval|train)'",
     "only call net.eval() / net.train() when isinstance(net, torch.nn.Module)"),
    (r"Dataset not found",
     "load Fashion-MNIST with torchvision.datasets.FashionMNIST(root=..., train=..., download=True) "
     "as the book does: any root reads the grader's copy"),
    (r"only integer tensors of a single element can be converted to an index|"
     r"tensors used as indices must be long",
     "labels index rows: pass integer (long) labels, e.g. y_hat[range(len(y_hat)), y]"),
    (r"division by zero", "guard the special case (for example dropout == 1) before dividing"),
    (r"EOF when reading a line",
     "your code called input(): grading has no keyboard, so functions must take their values as "
     "arguments"),
    (r"No such file or directory: '[^']*house_tiny\.csv'",
     "read the file at `path`, the function's argument: the grader writes its own CSV files "
     "elsewhere, so a path from the book (../data/house_tiny.csv) is not there"),
    (r"File too large",
     "your code wrote a file past the size limit: the exercises need no files, return tensors instead"),
)


def hint_for(message: str) -> str | None:
    """The advice for an error message, if one of the known patterns matches."""
    for pattern, hint in HINTS:
        match = re.search(pattern, message)
        if match:
            advice = hint(match, message) if callable(hint) else hint
            if advice:
                return advice
    return None


def with_hint(message: str) -> str:
    """``message``, followed by advice when one applies (and the worker gave none: what it found
    from the student's code itself, a signature or the older book's argument order, comes first)."""
    if ". Hint: " in message:
        return message
    hint = hint_for(message)
    return f"{message}. Hint: {hint}" if hint else message
