"""Read each submitted module, in the trusted process, for code that reaches into the grader.

Exercise code has no reason to import the grader, scan the garbage collector, walk stack frames,
trace calls, patch the import system or load C libraries. Such a construct anywhere in a module
costs every function of that module its points, with a message naming it and its line, so that
what a worker-side trick gains is never more than the honest part. Nothing here runs the code.
"""
from __future__ import annotations

import ast
from pathlib import Path

from autograder.contract import MODULES

def parse_what_runs(source: str) -> ast.Module:
    """The statements the worker's loader would run: the whole file, or, when part of it does not
    parse, every top-level piece that does (so a syntax error cannot hide a probe)."""
    from autograder.worker.source_split import parse_forgiving

    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return ast.Module(body=parse_forgiving(source, "<submission>").statements, type_ignores=[])


# module -> attributes whose use probes the grader (None: any use of the module itself)
PROBING_ATTRIBUTES: dict[str, frozenset[str] | None] = {
    "autograder": None,
    "ctypes": None,
    "importlib": None,
    "gc": frozenset({"get_objects", "get_referrers", "get_referents"}),
    "sys": frozenset({"_getframe", "settrace", "setprofile", "modules", "meta_path", "path_hooks",
                      "addaudithook", "_current_frames"}),
    "inspect": frozenset({"stack", "currentframe", "getouterframes", "getframeinfo", "trace"}),
    "threading": frozenset({"settrace", "setprofile"}),
    "builtins": None,
    # switching off the worker's watch of torch calls (a TorchFunctionMode, worker/watch.py)
    "torch": frozenset({"_C", "overrides"}),
}
# submodules whose import alone switches the watch off or reaches under it
PROBING_SUBMODULES = ("torch._C", "torch.overrides", "torch.utils._python_dispatch")
# attributes that only frame- and object-walking code uses, on any object
PROBING_DUNDERS = frozenset({"f_back", "f_locals", "f_globals", "tb_frame", "gi_frame",
                             "__subclasses__", "__globals__", "__builtins__", "cr_frame"})


def _imports(tree: ast.Module) -> dict[str, str]:
    """local name -> top-level module for ``import x [as y]`` and ``from x import y``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module.split('.')[0]}.{alias.name}"
    return names


def probes_in(source: str) -> list[tuple[str, int]]:
    """(construct, line) for each grader-probing construct in ``source``; [] if it does not parse."""
    tree = parse_what_runs(source)
    imported = _imports(tree)
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""])
            for module in modules:
                top = module.split(".")[0]
                if module.startswith(PROBING_SUBMODULES):
                    found.append((f"import {module}", node.lineno))
                    continue
                if top in PROBING_ATTRIBUTES and PROBING_ATTRIBUTES[top] is None:
                    found.append((f"import {module}", node.lineno))
                elif isinstance(node, ast.ImportFrom) and top in PROBING_ATTRIBUTES:
                    for alias in node.names:
                        if alias.name in (PROBING_ATTRIBUTES[top] or ()):
                            found.append((f"from {module} import {alias.name}", node.lineno))
        elif isinstance(node, ast.Attribute):
            if node.attr in PROBING_DUNDERS:
                found.append((f".{node.attr}", node.lineno))
            elif isinstance(node.value, ast.Name) and node.value.id in imported:
                module = imported[node.value.id].split(".")[0]
                allowed = PROBING_ATTRIBUTES.get(module, frozenset())
                if module in PROBING_ATTRIBUTES and (allowed is None or node.attr in allowed):
                    found.append((f"{node.value.id}.{node.attr}", node.lineno))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            found.append(("__import__(...)", node.lineno))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr") and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and node.args[1].value in PROBING_DUNDERS):
            found.append((f"{node.func.id}(..., {node.args[1].value!r})", node.lineno))
    return list(dict.fromkeys(found))


def submitted_source(package_dir: Path, module: str) -> str | None:
    """The text of ``exercises/<module>.py`` as submitted (bytes that are not UTF-8 replaced), or
    None when it cannot be read."""
    try:
        return (Path(package_dir) / f"{module}.py").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def probing_modules(package_dir: Path) -> dict[str, str]:
    """module -> the message for each submitted module that reaches into the grader."""
    flagged: dict[str, str] = {}
    for module in MODULES:
        source = submitted_source(package_dir, module)
        if source is None:
            continue
        path = Path(package_dir) / f"{module}.py"
        found = probes_in(source)
        if found:
            where = ", ".join(f"{what} (line {line})" for what, line in found[:3])
            flagged[module] = (f"{path.name} uses {where}, which reaches into the grader rather "
                               f"than computing the answer: no points for the functions of {path.name}")
    return flagged
