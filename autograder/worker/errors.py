"""One-line descriptions of exceptions raised by student code, pointing at the student's own line."""
from __future__ import annotations

import traceback
from pathlib import Path


def student_frame(exc: BaseException, package_dir: Path) -> str:
    """``file.py:LINE in func: code`` for the deepest traceback frame inside the submission."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            inside = Path(frame.filename).resolve().is_relative_to(package_dir.resolve())
        except (OSError, ValueError):
            inside = False
        if inside:
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
    return f"{type(exc).__name__}{': ' + first if first else ''}"


def describe_exception(exc: BaseException, package_dir: Path) -> str:
    """One line naming the exception, its message and where in the student's code it happened."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return (f"SyntaxError in {Path(exc.filename).name} line {exc.lineno}: {exc.msg}"
                + (f" ({exc.text.strip()})" if exc.text else ""))
    where = student_frame(exc, package_dir)
    return exception_text(exc) + (f" (at {where})" if where else "")


def module_line(exc: BaseException, filename: str) -> int | None:
    """The top-level line of ``filename`` that was running when ``exc`` was raised."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename and frame.name == "<module>":
            line = frame.lineno
    return line
