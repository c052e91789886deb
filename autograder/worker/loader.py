"""Import a student's ``exercises/`` package under its own name, ``exercises``.

Students write ``from .linear_regression import sgd``, ``from exercises.mlp import relu`` or
``import linear_regression``; all three resolve to the submission's own modules.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from autograder.contract import MODULE_OF, MODULES

PACKAGE = "exercises"


class SubmissionError(Exception):
    """The path is not a submission (no ``exercises/`` folder with the four modules)."""


def find_package_dir(path: Path) -> Path:
    """The ``exercises`` folder of a submission: PATH itself or PATH/exercises."""
    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"{path}: no such file or directory")
    for candidate in (path / PACKAGE, path):
        if candidate.is_dir() and any((candidate / f"{m}.py").is_file() for m in MODULES):
            return candidate
    raise SubmissionError(
        f"{path} is not a submission: expected an exercises/ folder holding "
        + ", ".join(f"{m}.py" for m in MODULES))


class StudentCodeError(Exception):
    """A contract function cannot be used: its module failed to import, or it is missing."""


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


def describe_exception(exc: BaseException, package_dir: Path) -> str:
    """One line naming the exception, its message and where in the student's code it happened."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return (f"SyntaxError in {Path(exc.filename).name} line {exc.lineno}: {exc.msg}"
                + (f" ({exc.text.strip()})" if exc.text else ""))
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    where = student_frame(exc, package_dir)
    return f"{name}{': ' + text if text else ''}" + (f" (at {where})" if where else "")


@dataclass
class StudentCode:
    """The loaded submission; ``student.softmax`` is the student's ``softmax``."""

    package_dir: Path
    modules: dict[str, ModuleType] = field(default_factory=dict)
    import_errors: dict[str, str] = field(default_factory=dict)
    import_output: str = ""

    def module(self, name: str) -> ModuleType:
        if name in self.import_errors:
            raise StudentCodeError(f"exercises/{name}.py could not be imported: {self.import_errors[name]}")
        return self.modules[name]

    def __getattr__(self, name: str):
        if name not in MODULE_OF:
            raise AttributeError(name)
        module = self.module(MODULE_OF[name])
        if not hasattr(module, name):
            raise StudentCodeError(
                f"exercises/{MODULE_OF[name]}.py has no `{name}`: keep the name and signature "
                "from the book")
        return getattr(module, name)

    @contextlib.contextmanager
    def swapped(self, module: str, **replacements):
        """Temporarily replace globals of a student module, to isolate one function from the rest."""
        target = self.module(module)
        saved = {name: target.__dict__.get(name, _MISSING) for name in replacements}
        target.__dict__.update(replacements)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is _MISSING:
                    target.__dict__.pop(name, None)
                else:
                    target.__dict__[name] = value


_MISSING = object()


def _purge(names) -> dict[str, ModuleType]:
    removed = {}
    for key in list(sys.modules):
        if key in names or key.split(".")[0] == PACKAGE:
            removed[key] = sys.modules.pop(key)
    return removed


def load_student_code(path: Path) -> StudentCode:
    """Import each contract module of the submission; record, never raise, per-module failures."""
    package_dir = find_package_dir(path)
    code = StudentCode(package_dir=package_dir)
    _purge(set(MODULES))
    importlib.invalidate_caches()
    sys.path[:0] = [str(package_dir.parent), str(package_dir)]
    if package_dir.name != PACKAGE or not (package_dir / "__init__.py").exists():
        # A bare folder of modules: still importable as plain modules; make a namespace package.
        spec_pkg = ModuleType(PACKAGE)
        spec_pkg.__path__ = [str(package_dir)]
        sys.modules[PACKAGE] = spec_pkg
    out = io.StringIO()
    for name in MODULES:
        if not (package_dir / f"{name}.py").is_file():
            code.import_errors[name] = f"exercises/{name}.py is missing"
            continue
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                module = importlib.import_module(f"{PACKAGE}.{name}")
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, even SystemExit
            code.import_errors[name] = describe_exception(exc, package_dir)
            continue
        sys.modules.setdefault(name, module)
        code.modules[name] = module
    code.import_output = out.getvalue()[-4000:]
    return code


def unload_student_code(code: StudentCode) -> None:
    """Undo ``load_student_code``: drop the modules and the path entries it added."""
    _purge(set(MODULES))
    for entry in (str(code.package_dir.parent), str(code.package_dir)):
        if entry in sys.path:
            sys.path.remove(entry)  # the first occurrence: the one load_student_code inserted
