"""Advice for the errors student code commonly raises, matched on the exception's text."""
from __future__ import annotations

import re

HINTS: tuple[tuple[str, str], ...] = (
    (r"leaf Variable that requires grad is being used in an in-place operation",
     "update parameters inside `with torch.no_grad():`"),
    (r"element 0 of tensors does not require grad",
     "the result lost its autograd graph: avoid .item(), .numpy(), .detach() or torch.tensor(...) "
     "on values that must stay differentiable"),
    (r"mat1 and mat2 shapes cannot be multiplied",
     "check the shapes: flatten images with X.reshape(-1, num_inputs) before the first layer"),
    (r"'NoneType' object has no attribute 'zero_'|unsupported operand type\(s\) for \*: 'float' and 'NoneType'",
     "a parameter has no .grad: call backward() on the loss before the update, create "
     "parameters with requires_grad=True, and update them in place (`param -= ...`): "
     "`param = param - ...` makes a new tensor without a gradient"),
    (r"The size of tensor a \(\d+\) must match the size of tensor b",
     "two tensors do not line up: check their shapes (a loss reshapes y to y_hat.shape; a row-wise "
     "sum keeps its dimension with keepdim=True)"),
    (r"'function' object has no attribute '(eval|train)'",
     "only call net.eval() / net.train() when isinstance(net, torch.nn.Module)"),
    (r"Dataset not found",
     "load Fashion-MNIST from root=\"../data\" as the book does; the grader puts the data there"),
    (r"only integer tensors of a single element can be converted to an index|"
     r"tensors used as indices must be long",
     "labels index rows: pass integer (long) labels, e.g. y_hat[range(len(y_hat)), y]"),
    (r"division by zero", "guard the special case (for example dropout == 1) before dividing"),
    (r"EOF when reading a line",
     "your code called input(): grading has no keyboard, so functions must take their values as "
     "arguments"),
    (r"File too large",
     "your code wrote a file past the size limit: the exercises need no files, return tensors instead"),
    (r"No module named 'd2l'",
     "the grader does not install d2l: write the functions yourself instead of importing them"),
)


def hint_for(message: str) -> str | None:
    """The advice for an error message, if one of the known patterns matches."""
    for pattern, hint in HINTS:
        if re.search(pattern, message):
            return hint
    return None


def with_hint(message: str) -> str:
    """``message``, followed by advice when one applies."""
    hint = hint_for(message)
    return f"{message}. Hint: {hint}" if hint else message
