"""A contract name rebound after its ``def`` still grades the function the student defined.

The book itself writes ``data_iter = load_array((features, labels), batch_size)`` after
``def data_iter(...)``; students write ``sgd = torch.optim.SGD(...)`` or ``Accumulator =
d2l.Accumulator`` below their own versions. After a module has run, each contract name whose
value is not its last top-level definition gets that definition back (it is run again in the
module's namespace), with a note naming the line that rebound it. Runs in the worker only.
"""
from __future__ import annotations

import __future__
import ast
import copy
import inspect
import os
from pathlib import Path
from types import FunctionType, ModuleType

from autograder.worker.budget import time_budget
from autograder.worker.errors import exception_text

REDEFINE_BUDGET_S = 3.0
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _first_line(node: ast.stmt) -> int:
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])


def _is_main_guard(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    sides = [stmt.test.left, *stmt.test.comparators]
    return (any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


def _stores(node, name: str) -> bool:
    """Whether an expression (or a list of them) binds ``name`` in the module's scope."""
    todo = list(node) if isinstance(node, list) else [node]
    while todo:
        current = todo.pop()
        if not isinstance(current, ast.AST) or isinstance(current, ast.Lambda):
            continue
        if isinstance(current, ast.Name) and current.id == name and isinstance(current.ctx, ast.Store):
            return True
        todo.extend(ast.iter_child_nodes(current))
    return False


def _binder(statements: list[ast.stmt], name: str) -> ast.stmt | None:
    """The last statement among ``statements`` (blocks included, function bodies not) that binds
    ``name``; a block's own header (``for name in ...``) counts as the block."""
    found = None
    for stmt in statements:
        if isinstance(stmt, _DEFINITIONS):
            found = stmt if stmt.name == name else found
            continue
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == name for a in stmt.names if a.name != "*"):
                found = stmt
            continue
        if _is_main_guard(stmt):
            continue   # does not run when the file is imported
        header, bodies = [], []
        for field, value in ast.iter_fields(stmt):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                bodies.append(value)
            elif field == "handlers":
                for handler in value:
                    if handler.name == name:
                        found = stmt
                    bodies.append(handler.body)
            elif field == "cases":
                bodies.extend(case.body for case in value)
            else:
                header.append(value)
        if any(_stores(part, name) for part in header):
            found = stmt
        for body in bodies:
            found = _binder(body, name) or found
    return found


def _is_definition(value, node: ast.stmt, module: ModuleType) -> bool:
    """Whether ``value`` is what running ``node`` in ``module`` made (decorators allowed)."""
    if isinstance(node, ast.ClassDef):
        return (isinstance(value, type) and value.__qualname__ == node.name
                and value.__module__ == module.__name__)
    try:
        value = inspect.unwrap(value)
    except Exception:  # noqa: BLE001 - a student object with an odd __wrapped__ or __getattr__
        return False
    if not isinstance(value, FunctionType) or value.__globals__ is not module.__dict__:
        return False
    code = value.__code__
    return code.co_name == node.name and _first_line(node) <= code.co_firstlineno <= node.lineno


def _short(stmt: ast.stmt, width: int = 60) -> str:
    """The statement's first line, with call arguments shown as ``...``."""
    try:
        stmt = copy.deepcopy(stmt)
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and (node.args or node.keywords):
                node.args, node.keywords = [ast.Constant(value=...)], []
        lines = ast.unparse(stmt).splitlines()
        text = " ".join(lines[0].split()) if lines else type(stmt).__name__
    except Exception:  # noqa: BLE001 - unparse of an odd tree
        text = type(stmt).__name__
    return text if len(text) <= width else text[: width - 1] + "…"


def _future_flags(statements: list[ast.stmt]) -> int:
    flags = 0
    for stmt in statements:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            for alias in stmt.names:
                flags |= getattr(getattr(__future__, alias.name, None), "compiler_flag", 0)
    return flags


def restore_rebound(module: ModuleType, tree: ast.Module, path: Path, names, where) -> list[str]:
    """Give each of ``names`` that the module rebound after its last top-level definition that
    definition back; returns the notes (``where(line)`` names a line)."""
    statements = tree.body
    notes = []
    for name in sorted(names):
        if name not in module.__dict__:
            continue
        indices = [i for i, s in enumerate(statements) if isinstance(s, _DEFINITIONS) and s.name == name]
        if not indices:
            continue
        node = statements[indices[-1]]
        if _is_definition(module.__dict__[name], node, module):
            continue
        kind = "class" if isinstance(node, ast.ClassDef) else "function"
        binder = _binder(statements[indices[-1] + 1:], name)
        if binder is not None:
            rebound = f"`{name}` is rebound at {where(_first_line(binder))} (`{_short(binder)}`)"
        else:
            rebound = f"`{name}` is replaced while the file runs"
        code = compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec",
                       flags=_future_flags(statements), dont_inherit=True)
        try:
            with time_budget(REDEFINE_BUDGET_S, student_dir=str(path.parent) + os.sep):
                exec(code, module.__dict__)  # noqa: S102 - student code, inside the worker only
        except BaseException as exc:  # noqa: BLE001 - student code (a decorator) may raise anything
            notes.append(f"{rebound}; defining the {kind} of {where(_first_line(node))} again failed "
                         f"({exception_text(exc)}), so the rebound value is graded")
            continue
        notes.append(f"{rebound}; graded the {kind} defined at {where(_first_line(node))}")
    return notes
