"""The book's ``FashionMNIST(root=..., download=True)`` reads the grader's copy, whatever the root.

Runs in the worker only. Students write ``root="./data"``, ``"../data"``, ``"~/Datasets/..."`` or
an absolute path of their own machine, with ``download=True`` or ``False``. ``install(root)``
patches torchvision's ``FashionMNIST`` so that every root reads ``ROOT/FashionMNIST/raw`` and
``download`` never reaches the network. torchvision costs seconds to import, so it is not
imported here: the patch is applied when student code (or the loader's warm-up) imports
``torchvision.datasets.mnist``, or at once when it already is imported. ``uninstall()`` puts
torchvision back (the in-process runner shares its process with the grader).

The notes are read from the source at load time (``root_notes``): the trusted side receives the
load notes before any check runs.
"""
from __future__ import annotations

import ast
import importlib.abc
import os
import sys
from pathlib import Path

MNIST_MODULE = "torchvision.datasets.mnist"
BOOK_ROOTS = {"../data", "../data/", "..\\data"}   # where the grader lays the data out anyway
_ABSENT = object()


class _State:
    root: str | None = None
    patched: type | None = None               # the FashionMNIST class patched
    saved: dict[str, object] = {}             # its own attributes before the patch
    finder: "_PatchOnImport | None" = None


def _grader_root() -> str:
    if _State.root is None:
        raise RuntimeError("the grader's Fashion-MNIST root is not configured")
    return _State.root


def _raw_folder(self) -> str:
    return os.path.join(_grader_root(), "FashionMNIST", "raw")


def _processed_folder(self) -> str:
    return os.path.join(_grader_root(), "FashionMNIST", "processed")


def _no_download(self) -> None:
    if self._check_exists():
        return
    raise RuntimeError("Fashion-MNIST is not in the grader's copy, and nothing is downloaded while "
                       "grading")


_PATCH = {"raw_folder": property(_raw_folder), "processed_folder": property(_processed_folder),
          "download": _no_download}


def _patch(module) -> None:
    cls = getattr(module, "FashionMNIST", None)
    if cls is None or _State.patched is cls:
        return
    _restore()
    _State.saved = {name: cls.__dict__.get(name, _ABSENT) for name in _PATCH}
    for name, value in _PATCH.items():
        setattr(cls, name, value)
    _State.patched = cls


def _restore() -> None:
    cls, _State.patched = _State.patched, None
    if cls is None:
        return
    for name, value in _State.saved.items():
        if value is _ABSENT:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, value)
    _State.saved = {}


class _PatchingLoader(importlib.abc.Loader):
    """Runs torchvision's own loader, then patches the module it made."""

    def __init__(self, inner):
        self._inner = inner

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module) -> None:
        self._inner.exec_module(module)
        _patch(module)

    def __getattr__(self, name):   # get_source, get_filename, ...: torchvision's loader answers
        return getattr(self._inner, name)


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds ``torchvision.datasets.mnist`` as the other finders would, with a patching loader."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != MNIST_MODULE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and not isinstance(spec.loader, _PatchingLoader):
            spec.loader = _PatchingLoader(spec.loader)
        return spec


def install(data_root: Path | str) -> None:
    """From now on, every FashionMNIST root reads ``data_root`` (a torchvision root)."""
    _State.root = str(data_root)
    if MNIST_MODULE in sys.modules:
        _patch(sys.modules[MNIST_MODULE])
    if _State.finder is None:
        _State.finder = _PatchOnImport()
    if _State.finder not in sys.meta_path:
        sys.meta_path.insert(0, _State.finder)


def uninstall() -> None:
    """Put torchvision's FashionMNIST back as it was."""
    if _State.finder is not None and _State.finder in sys.meta_path:
        sys.meta_path.remove(_State.finder)
    _restore()
    _State.root = None


# --- the notes -------------------------------------------------------------------------------

def _callee(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _parameter_default(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.AST | None:
    """The default value of ``function``'s parameter ``name`` (None when it has none)."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return next((default for arg, default in pairs if arg.arg == name), None)


def _root_text(call: ast.Call, function) -> tuple[str, bool] | None:
    """(how the root reads in a note, whether it is the book's ``../data``) for a FashionMNIST
    call; a root that is a parameter of the enclosing function reads as its default."""
    root = next((k.value for k in call.keywords if k.arg == "root"), call.args[0] if call.args else None)
    if isinstance(root, ast.Name) and function is not None:
        root = _parameter_default(function, root.id) or root
    if root is None:
        return None
    if isinstance(root, ast.Constant) and isinstance(root.value, str):
        return repr(root.value), root.value in BOOK_ROOTS
    try:
        text = " ".join(ast.unparse(root).split())
    except Exception:  # noqa: BLE001 - an odd tree
        return None
    return f"`{text[:60]}`", False


def root_notes(tree: ast.Module) -> list[str]:
    """One note per (function, root) that a ``FashionMNIST(...)`` call inside a function of
    ``tree`` passes, except the book's ``../data``. (A call at the top level either runs at import,
    or is skipped with a note of its own.)"""
    notes, seen = [], set()

    def visit(node: ast.AST, function) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, function or child)
                continue
            if function is not None and isinstance(child, ast.Call) \
                    and _callee(child.func) == "FashionMNIST":
                found = _root_text(child, function)
                if found and not found[1] and (function.name, found[0]) not in seen:
                    seen.add((function.name, found[0]))
                    notes.append(f"{function.name}: root {found[0]} is read from the grader's copy "
                                 "of Fashion-MNIST (nothing is downloaded)")
            visit(child, function)

    visit(tree, None)
    return notes
