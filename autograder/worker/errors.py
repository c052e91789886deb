"""One-line descriptions of exceptions raised by student code, pointing at the student's own line.

Runs in the worker, next to the student's code: it may look at the student's functions (their
signatures) and at the locals of the student's frame that raised (the shapes of its tensors), which
the trusted side never sees. The trusted side adds advice matched on the text (engine/hints.py).
"""
from __future__ import annotations

import ast
import contextvars
import inspect
import re
import traceback
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from autograder.contract import FUNCTIONS, SIGNATURES

_LINE_MAX = 160      # characters of the student's line quoted
_TEXT_MAX = 300      # characters of the exception's message
_SHAPES_MAX = 4      # tensors named in the line whose shapes are listed

# TypeErrors raised while binding a call's arguments: "sgd() takes 2 positional arguments but 3
# were given", "Accumulator.__init__() missing 1 required positional argument: 'n'", ...
_SIGNATURE_ERROR = re.compile(
    r"^(?P<name>[A-Za-z_][\w.]*)\(\) (takes \w+ (to \w+ )?positional argument|takes from |"
    r"missing \d+ required (positional|keyword-only) argument|got an unexpected keyword argument|"
    r"got multiple values for argument|got some positional-only arguments passed as keyword)")
# Errors about shapes: the shapes of the tensors the failing line names are worth showing.
_SHAPE_ERROR = re.compile(r"size|shape|dimension|mat1 and mat2|broadcast|number of elements")
# The older book's evaluate_accuracy(data_iter, net).
_ITER_NAMES = {"data_iter", "test_iter", "train_iter", "valid_iter", "val_iter", "data", "iter",
               "dataiter", "data_loader", "dataloader", "loader", "test_loader", "dataset"}
_NET_NAMES = {"net", "model", "network"}


def _inside(filename: str, package_dir: Path) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(package_dir.resolve())
    except (OSError, ValueError):
        return False


def _student_tracebacks(exc: BaseException, package_dir: Path) -> list[TracebackType]:
    """The traceback entries of ``exc`` that run in the submission's files, outermost first."""
    found, tb = [], exc.__traceback__
    while tb is not None:
        if _inside(tb.tb_frame.f_code.co_filename, package_dir):
            found.append(tb)
        tb = tb.tb_next
    return found


def _last_traceback(exc: BaseException) -> TracebackType | None:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def _qualname(frame: FrameType) -> str:
    code = frame.f_code
    return getattr(code, "co_qualname", code.co_name)


def student_frame(exc: BaseException, package_dir: Path) -> str:
    """``file.py:LINE in func: code`` for the deepest traceback frame inside the submission."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        if _inside(frame.filename, package_dir):
            code = f": {frame.line.strip()}" if frame.line else ""
            where = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}{code}"
    return where


def exception_text(exc: BaseException) -> str:
    """``Name: first line of the message`` (the name alone when there is no message)."""
    try:
        text = str(exc).strip()
    except Exception:  # noqa: BLE001 - a student's exception class may break __str__
        text = ""
    first = text.splitlines()[0] if text else ""
    if len(first) > _TEXT_MAX:
        first = first[:_TEXT_MAX - 1] + "…"
    return f"{type(exc).__name__}{': ' + first if first else ''}"


def _line_text(tb: TracebackType) -> str:
    summary = traceback.extract_tb(tb, limit=1)
    line = (summary[0].line or "").strip() if summary else ""
    return line if len(line) <= _LINE_MAX else line[:_LINE_MAX - 1] + "…"


def _shape_text(value: Any) -> str | None:
    import torch

    if isinstance(value, torch.Tensor):
        try:
            return str(tuple(int(s) for s in torch.Tensor.size(value)))
        except Exception:  # noqa: BLE001 - a student's tensor subclass may misbehave
            return None
    return None


def _names_in(line: str) -> list[str]:
    """The variable names a line of code uses, in order of appearance, each once."""
    try:
        tree = ast.parse(line.rstrip(":").strip() or "pass")
        names = [(n.lineno, n.col_offset, n.id) for n in ast.walk(tree) if isinstance(n, ast.Name)]
        ordered = [name for _, _, name in sorted(names)]
    except SyntaxError:   # a piece of a statement spread over several lines
        ordered = re.findall(r"(?<![.\w])[A-Za-z_]\w*", line)
    return list(dict.fromkeys(ordered))


def _shapes_at(tb: TracebackType) -> str:
    """``X is (6, 4), w is (4, 1)``: the tensors the failing line names and their shapes."""
    frame = tb.tb_frame
    try:
        scope = {**frame.f_globals, **frame.f_locals}
    except Exception:  # noqa: BLE001
        return ""
    shown = []
    for name in _names_in(_line_text(tb)):
        shape = _shape_text(scope.get(name)) if name in scope else None
        if shape is not None:
            shown.append(f"{name} is {shape}")
        if len(shown) == _SHAPES_MAX:
            break
    return ", ".join(shown)


def _lookup(student: Any, name: str) -> Any:
    """The student's object for a contract name (``sgd``, ``Accumulator.add``), or None."""
    head, _, rest = name.partition(".")
    if head not in FUNCTIONS or student is None:
        return None
    try:
        obj = getattr(student, head)
        for part in rest.split(".") if rest else ():
            obj = inspect.getattr_static(obj, part)
        return obj
    except Exception:  # noqa: BLE001 - missing, failed to load, or a strange object
        return None


def _parameters(obj: Any) -> list[str] | None:
    """The parameters of a student's function or class, as text (``['params', 'lr']``)."""
    if obj is None:
        return None
    try:
        signature = inspect.signature(obj)
    except Exception:  # noqa: BLE001 - builtins, broken __signature__, ...
        return None
    return [str(p) for p in signature.parameters.values()]


def _call_form(name: str, params: list[str] | str) -> str:
    """``sgd(params, lr)``; ``Accumulator(n)`` for __init__; methods without ``self``."""
    if isinstance(params, str):
        params = [p.strip() for p in params.strip("()").split(",") if p.strip()]
    cls, _, method = name.rpartition(".")
    if cls and params and params[0] == "self":
        params = params[1:]
    shown = cls if method == "__init__" else name
    return f"{shown}({', '.join(params)})"


def _signature_hint(name: str, student: Any, grader_call: bool) -> str:
    """What the grader calls and what the student wrote, for a TypeError about ``name``'s call."""
    obj = _lookup(student, name)
    if name.endswith(".__init__") and obj is not None:
        obj = _lookup(student, name.rpartition(".")[0])   # the class: its signature skips self
        key = name.rpartition(".")[0]
    else:
        key = name
    expected = SIGNATURES.get(key)
    params = _parameters(obj)
    yours = _call_form(name, params) if params is not None else None
    if expected is None:
        return ""
    wanted = _call_form(name, expected)
    if grader_call:
        text = f"the grader calls {wanted}"
        if yours and yours != wanted:
            text += f"; yours is {yours}"
        return text + ": keep the book's parameters, in the book's order"
    text = f"this line calls {yours or name} with the wrong arguments"
    return text + (f"; the contract's is {wanted}" if yours != wanted else "")


def _old_evaluate_accuracy(student: Any) -> str:
    """The fix when the student's evaluate_accuracy takes the older book's (data_iter, net)."""
    params = _parameters(_lookup(student, "evaluate_accuracy"))
    if params and len(params) >= 2 and params[0] in _ITER_NAMES and params[1] in _NET_NAMES:
        return (f"your evaluate_accuracy takes ({params[0]}, {params[1]}), the older book's order; "
                "the grader calls evaluate_accuracy(net, data_iter) as the current book does: "
                "swap the parameters")
    return ""


def describe_exception(exc: BaseException, package_dir: Path, *, check_id: str | None = None,
                       student: Any = None) -> str:
    """One line naming the function, the exception, where in the student's code it happened (file,
    line and its text) and, for common mistakes, the fix (``... Hint: ...``).

    ``check_id`` (its prefix names the graded function) and ``student`` (the loaded submission)
    are given when a check's scenario raised; an import failure passes neither."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return (f"SyntaxError in {Path(exc.filename).name} line {exc.lineno}: {exc.msg}"
                + (f" ({exc.text.strip()})" if exc.text else ""))
    text = exception_text(exc)
    frames = _student_tracebacks(exc, package_dir)
    deepest = frames[-1] if frames else None
    graded = check_id.split(".")[0] if check_id and check_id.split(".")[0] in FUNCTIONS else None
    if student is None and graded is None:   # loading a module: the old, shorter form
        where = student_frame(exc, package_dir)
        return text + (f" (at {where})" if where else "")

    raiser = _qualname(deepest.tb_frame) if deepest is not None else None
    signature = _SIGNATURE_ERROR.match(str(exc)) if isinstance(exc, TypeError) else None
    called = signature.group("name").partition(".")[0] if signature else None
    who = graded or raiser or (called if called in FUNCTIONS else None) or "your code"
    message = f"{who} raised {text}"
    if deepest is not None:
        code = _line_text(deepest)
        message += f" at {Path(deepest.tb_frame.f_code.co_filename).name}:{deepest.tb_lineno}"
        if raiser and raiser != who:
            message += f" in {raiser}"
        if code:
            message += f": `{code}`"
        if isinstance(exc, (RuntimeError, ValueError, IndexError)) and _SHAPE_ERROR.search(text):
            shapes = _shapes_at(deepest)
            if shapes:
                message += f" (where {shapes})"

    hints = []
    names = {graded, *(_qualname(tb.tb_frame) for tb in frames)}
    if signature:
        name = signature.group("name")
        names.add(name)
        last = _last_traceback(exc)
        grader_call = last is None or not _inside(last.tb_frame.f_code.co_filename, package_dir)
        hints.append(_signature_hint(name, student, grader_call))
    if "evaluate_accuracy" in names:
        hints.insert(0, _old_evaluate_accuracy(student))
    hints = [h for h in hints if h]
    return message + (f". Hint: {hints[0]}" if hints else "")


def module_line(exc: BaseException, filename: str) -> int | None:
    """The top-level line of ``filename`` that was running when ``exc`` was raised."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename and frame.name == "<module>":
            line = frame.lineno
    return line


# The submission whose scenario is running (set by worker/execute.py), for scenarios that observe
# an exception themselves instead of letting it end the check.
CURRENT_PACKAGE: contextvars.ContextVar[Path | None] = contextvars.ContextVar("package", default=None)


def observed_exception(exc: BaseException, limit: int = 300) -> str:
    """``Name: message`` of an exception a scenario records as its observation, with where in the
    student's code it was raised (``(at file.py:LINE in func: code)``), so that the verdict's
    message points at the line."""
    text = exception_text(exc)[:limit]
    package = CURRENT_PACKAGE.get()
    where = student_frame(exc, package) if package is not None else ""
    return text + (f" (at {where[:200]})" if where else "")

