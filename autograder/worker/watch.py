"""Watch every scenario for graded functions that hand their work to someone else.

From scratch means the whole function, however the shortcut is reached. So the worker does not
only watch in the from-scratch checks (student code can tell which check runs): every scenario,
convergence runs included, runs under one ``TorchFunctionMode`` that sees each torch call,
whether it was named in the source, built from a computed name, or run from text given to
``exec``. A call is charged to the graded function whose frame is nearest on the stack:

- a library shortcut of a from-scratch function (``torch.softmax`` inside ``softmax``), and
  building a ``torch.optim`` optimizer inside ``sgd``;
- a known-good part of the same name (the harness's reference parts or our ``d2l``) running for
  the student's function (``def sgd(...): return d2l.sgd(...)``), seen as the torch calls that
  part makes with the student's function as its caller.

What is found travels back with the observation under ``WATCH_KEY``; the trusted side turns it
into "no points for softmax" (engine/scoring.py). Only a dictionary lookup and one frame check
run per torch call, but the mode's own dispatch costs about 4 us per call: training runs of tiny
models, which make many small calls, take 1.6-2.6x as long watched (bench/phases.py, issue 13).
"""
from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path
from types import CodeType, FrameType
from typing import Any, Iterator

import torch
from torch.overrides import TorchFunctionMode

from autograder.contract import FUNCTIONS, MODULES
from autograder.scenarios.observe import FORBIDDEN
from autograder.worker.outcome import WATCH_KEY

__all__ = ["WATCH_KEY", "watching"]
_MAX_DEPTH = 64

# torch function -> {the from-scratch function it defeats: its name for the message} (torch.dot
# defeats dot, mv and mm alike)
_SHORTCUT_OF: dict[Any, dict[str, str]] = {}
for _function, _calls in FORBIDDEN.items():
    for _func, _label in _calls.items():
        _SHORTCUT_OF.setdefault(_func, {})[_function] = _label
del _function, _calls, _func, _label


def own_objects(student) -> dict[str, Any]:
    """Contract name -> what the student's own code binds to it: from the loaded modules of a
    submission (StudentCode), or from a notebook kernel's namespace (nb/kernel_checks.py, whose
    student falls back to reference parts for the other notebooks' functions: those are not its)."""
    state = vars(student)
    if "modules" in state:
        return {name: getattr(module, name) for module_name, names in MODULES.items()
                if (module := state["modules"].get(module_name)) is not None
                for name in names if hasattr(module, name)}
    namespace, notebook = state.get("namespace", {}), state.get("notebook")
    return {name: namespace[name] for name in MODULES.get(notebook, ()) if name in namespace}


@functools.lru_cache(maxsize=4096)
def _resolved(filename: str) -> str:
    """``filename`` with its symlinks resolved, once per process: a watch is set up per check,
    and resolving every method's file each time was a third of the quick checks' time."""
    try:
        return str(Path(filename).resolve())
    except (OSError, ValueError):
        return filename


def _known_good_files() -> set[str]:
    """The files of the known-good parts: the harness's reference parts and our ``d2l``."""
    modules = tuple((name, sys.modules.get(name)) for name in list(sys.modules)
                    if name == "d2l" or name.startswith("d2l."))
    return set(_known_good_of(tuple((name, getattr(m, "__file__", None)) for name, m in modules)))


@functools.lru_cache(maxsize=8)
def _known_good_of(d2l_modules: tuple[tuple[str, str | None], ...]) -> frozenset[str]:
    from autograder.harness import reference_parts

    files = {reference_parts.__file__} | {f for _, f in d2l_modules if isinstance(f, str) and f}
    return frozenset(_resolved(f) for f in files)


class _Watch(TorchFunctionMode):
    def __init__(self, student):
        super().__init__()
        self.root = _resolved(str(student.package_dir))
        self.found: dict[str, list[str]] = {}
        self.known_good = _known_good_files()
        self.contract_code: dict[CodeType, str] = {}
        for name, obj in own_objects(student).items():
            for fn in (obj, *(vars(obj).values() if isinstance(obj, type) else ())):
                code = getattr(getattr(fn, "__func__", fn), "__code__", None)
                if isinstance(code, CodeType):
                    self.contract_code.setdefault(code, name)
        self._student_file: dict[str, bool] = {}

    # -- where a call comes from -----------------------------------------------------------------
    def _is_student(self, filename: str) -> bool:
        inside = self._student_file.get(filename)
        if inside is None:
            inside = _resolved(filename).startswith(self.root + "/")
            self._student_file[filename] = inside
        return inside

    def _graded_owner(self, frame: FrameType | None, stop_at_known_good: bool) -> str | None:
        """The contract function of the nearest student frame at or above ``frame``; None when
        harness or known-good code comes first (then the call is the grader's own business)."""
        for _ in range(_MAX_DEPTH):
            if frame is None:
                return None
            code = frame.f_code
            name = self.contract_code.get(code)
            if name is not None:
                return name
            filename = code.co_filename
            if self._is_student(filename):
                owner = code.co_qualname.split(".")[0]
                if owner in FUNCTIONS:
                    return owner
            elif stop_at_known_good and (filename in self.known_good
                                         or "/autograder/" in filename):
                return None
            frame = frame.f_back
        return None

    def _note(self, function: str, what: str) -> None:
        seen = self.found.setdefault(function, [])
        if what not in seen and len(seen) < 4:
            seen.append(what)

    # -- the mode ------------------------------------------------------------------------------
    def __torch_function__(self, func, types, args=(), kwargs=None):
        caller = sys._getframe(1)
        shortcut = _SHORTCUT_OF.get(func)
        if shortcut is not None:
            owner = self._graded_owner(caller, stop_at_known_good=True)
            if owner in shortcut:
                self._note(owner, shortcut[owner])
        filename = caller.f_code.co_filename
        if filename in self.known_good:
            part = caller.f_code.co_name
            if part in FUNCTIONS and self._graded_owner(caller.f_back, True) == part:
                self._note(part, _own(filename, part))
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def watching(student) -> Iterator[dict[str, list[str]]]:
    """Watch the scenario run inside; yields function -> what it handed its work to."""
    watch = _Watch(student)
    original_init = torch.optim.Optimizer.__init__

    def recording_init(opt, *args, **kwargs):
        if watch._graded_owner(sys._getframe(1), stop_at_known_good=True) == "sgd":
            watch._note("sgd", f"torch.optim.{type(opt).__name__}")
        return original_init(opt, *args, **kwargs)

    torch.optim.Optimizer.__init__ = recording_init
    try:
        with watch:
            yield watch.found
    finally:
        torch.optim.Optimizer.__init__ = original_init
    for name, filename in _borrowed_outright(student, watch.known_good):
        watch._note(name, _own(filename, name))


def _own(filename: str, part: str) -> str:
    """How a message names a known-good part: "d2l's own sgd", "the grader's reference sgd"."""
    return f"d2l's own {part}" if "d2l" in Path(filename).parts else f"the grader's reference {part}"


def _borrowed_outright(student, known_good: set[str]) -> list[tuple[str, str]]:
    """Contract names bound to a known-good part itself (``sgd = d2l.sgd``, ``from d2l.torch
    import Accumulator``, or a subclass of it that defines nothing of its own)."""
    def known(fn) -> str:
        code = getattr(getattr(fn, "__func__", fn), "__code__", None)
        if isinstance(code, CodeType) and _resolved(code.co_filename) in known_good:
            return code.co_filename
        return ""

    names = []
    for name, obj in own_objects(student).items():
        if isinstance(obj, type):
            methods = [getattr(obj, m) for m in dir(obj)
                       if (not m.startswith("_") or m in ("__init__", "__getitem__"))
                       and isinstance(getattr(obj, m, None), type(known))]
            files = [known(m) for m in methods]
            borrowed = files[0] if files and all(files) else ""
        else:
            borrowed = known(obj)
        if borrowed:
            names.append((name, borrowed))
    return names
