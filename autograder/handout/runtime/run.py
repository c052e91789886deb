"""Run the public checks on your exercises: from pytest, from the shell, or on one function.

Each check calls your function on fixed inputs (seed 0) and compares what it returns with what
torch computes; a failure says what went wrong and how to fix it, in the grader's words. These are
the checks `autograder check` runs; the hidden checks that decide your grade test more.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Iterator

from ._contract import MODULE_OF, MODULES
from ._engine_hints import with_hint
from ._engine_judge import advised
from ._registry import CHECKS
from ._verdicts_registry import Fail
from ._worker_errors import CURRENT_PACKAGE, describe_exception
from ._worker_execute import BoundedOutput, failure_message, seed_everything
from ._worker_loader import StudentCode

SEED = 0


@dataclass(frozen=True)
class Result:
    """The outcome of one public check."""

    check_id: str
    function: str
    title: str
    points: float
    passed: bool
    message: str
    seconds: float
    printed: str = ""

    @property
    def score(self) -> float:
        return self.points if self.passed else 0.0


class _Namespace:
    """A notebook's globals seen as a module: the checks read and temporarily swap its names."""


def _namespace(globals_: dict) -> Any:
    ns = _Namespace()
    ns.__dict__ = globals_          # the same dict: swapping a helper swaps it for the function
    return ns


def _half(ref: tuple[str, str]):
    module, name = ref
    return getattr(importlib.import_module(f".{module}", __package__), name)


@contextlib.contextmanager
def _recording_data_root() -> Iterator[None]:
    """While a check runs, note in D2L_DATA the root your FashionMNIST reads (the check compares
    your first batches with those files)."""
    fashion = getattr(sys.modules.get("torchvision.datasets"), "FashionMNIST", None)
    before = os.environ.get("D2L_DATA")
    if fashion is None:
        yield
        return

    def recording(self, root, *args, **kwargs):
        if before is None:
            os.environ["D2L_DATA"] = str(Path(root).expanduser().resolve())
        return original(self, root, *args, **kwargs)

    original = fashion.__init__
    fashion.__init__ = recording
    try:
        yield
    finally:
        fashion.__init__ = original
        if before is None:
            os.environ.pop("D2L_DATA", None)


def run_check(student: StudentCode, check: dict) -> Result:
    """Run one public check on the loaded exercises; never raises for what your code does."""
    out, start, cwd = BoundedOutput(), time.perf_counter(), os.getcwd()
    message = ""
    token = CURRENT_PACKAGE.set(Path(student.package_dir))
    try:
        with _recording_data_root():
            try:
                seed_everything(SEED)
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    observation = _half(check["scenario"])(student, SEED)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - whatever your code raised is the finding
                message = with_hint(failure_message(exc, student, check["id"]))
            else:
                try:
                    _half(check["verdict"])(observation, SEED)
                except Fail as exc:
                    message = advised(exc.message)
    finally:
        CURRENT_PACKAGE.reset(token)
        with contextlib.suppress(OSError):
            os.chdir(cwd)
    return Result(check["id"], check["function"], check["title"], check["points"], not message,
                  message, time.perf_counter() - start, out.getvalue())


def _import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"exercises.{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"exercises.{name}"] = module
    spec.loader.exec_module(module)
    sys.modules.setdefault(name, module)
    return module


def load_exercises(folder: str | os.PathLike = "exercises") -> StudentCode:
    """Import your exercise modules from ``folder``; a module that fails to import is reported by
    every check of its functions, the others still run."""
    package_dir = Path(folder).resolve()
    code = StudentCode(package_dir=package_dir)
    sys.path.insert(0, str(package_dir))
    try:
        for name in MODULES:
            path = package_dir / f"{name}.py"
            if not path.is_file():
                code.import_errors[name] = f"exercises/{name}.py is missing"
                continue
            try:
                code.modules[name] = _import_file(path, name)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a syntax error, a failing import, ...
                code.import_errors[name] = describe_exception(exc, package_dir)
    finally:
        sys.path.remove(str(package_dir))
    return code


def _function_code(obj: Any, name: str) -> StudentCode:
    """A submission holding one function or class, defined in a notebook or imported."""
    globals_ = getattr(obj, "__globals__", None)
    if globals_ is None:                                   # a class: its module's namespace
        globals_ = vars(sys.modules[obj.__module__])
    try:
        package_dir = Path(inspect.getfile(obj)).resolve().parent
    except (TypeError, OSError):
        package_dir = Path.cwd()
    module = MODULE_OF[name]
    return StudentCode(package_dir=package_dir, modules={module: _namespace(globals_)})


def checks_for(functions: Iterable[str] | None = None) -> list[dict]:
    """The public checks of ``functions`` (all when None), in the order of the exercises."""
    wanted = None if functions is None else set(functions)
    unknown = (wanted or set()) - set(MODULE_OF)
    if unknown:
        raise ValueError(f"no exercise function named {', '.join(sorted(unknown))}; the functions "
                         f"are {', '.join(MODULE_OF)}")
    return [c for c in CHECKS if wanted is None or c["function"] in wanted]


def run_checks(student: StudentCode, functions: Iterable[str] | None = None) -> list[Result]:
    """Run the public checks of ``functions`` (all when None)."""
    return [run_check(student, check) for check in checks_for(functions)]


def report(results: list[Result]) -> str:
    """One line per function, every failure's message in full, and the count."""
    width = max([len(r.function) for r in results] + [8])
    lines = []
    for r in results:
        status = "passed" if r.passed else "FAILED"
        lines.append(f"{r.function:<{width}}  {r.score:g}/{r.points:g}  {status}  {r.title}")
    failed = [r for r in results if not r.passed]
    if failed:
        lines.append("")
        lines += [f"- {r.check_id} (0/{r.points:g}): {r.message}" for r in failed]
    lines.append(f"public checks: {len(results) - len(failed)} of {len(results)} passed")
    return "\n".join(lines)


def check(what: Any = None, *, name: str | None = None) -> bool:
    """Run the public checks and print what they found; True when all passed.

    ``check()`` checks the files in ./exercises; ``check("path/to/exercises")`` another folder;
    ``check(softmax)`` one function or class you defined (in a notebook cell, say), under its own
    name or the exercise ``name`` you give.
    """
    if what is None or isinstance(what, (str, os.PathLike)):
        student = load_exercises(what or "exercises")
        results = run_checks(student)
    elif isinstance(what, ModuleType):
        found = [f for f in MODULE_OF if f in vars(what)]
        if not found:
            raise ValueError(f"{what.__name__} defines none of the exercise functions")
        results = run_checks(StudentCode(package_dir=Path(what.__file__ or ".").resolve().parent,
                                         modules={MODULE_OF[f]: what for f in found}), found)
    else:
        function = name or getattr(what, "__name__", "")
        if function not in MODULE_OF:
            raise ValueError(f"{function or what!r} is not an exercise function; pass "
                             f"name='softmax' (say) to check it as one")
        student = _function_code(what, function)
        module = student.modules[MODULE_OF[function]]
        with student.swapped(MODULE_OF[function], **{function: what}) if \
                getattr(module, function, None) is not what else contextlib.nullcontext():
            results = run_checks(student, [function])
    print(report(results))
    return all(r.passed for r in results)
