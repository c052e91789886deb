"""Copy out of the grader exactly the code a set of functions needs, and nothing else.

The handout's public checks are the grader's own scenario and verdict halves (so their messages
are the grader's), but a student repository must not hold the rest of the grader: the hidden
checks, their inputs, the rubric. ``extract`` walks the syntax trees of the grader's modules from
some root functions, follows every module-level name they use (across ``from autograder... import``
lines, function-local imports included) and writes each module back with only the statements
reached, its grader imports made relative. Registration decorators are dropped.
"""
from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "autograder"
# Decorators that register a check half with the grader; the handout keeps its own registry.
_REGISTERING = {"scenario", "verdict"}


class ExtractionError(Exception):
    """The code cannot be copied out faithfully (a module used as a value, a name not found)."""


def file_name(module: str) -> str:
    """The handout file of a grader module: ``autograder.verdicts.expect`` -> ``_verdicts_expect.py``."""
    return "_" + module.removeprefix(PACKAGE + ".").replace(".", "_") + ".py"


def _source_path(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ExtractionError(f"no source for {module}")
    return Path(spec.origin)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ``import from`` names (resolving relative imports)."""
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


@dataclass
class _Module:
    """One grader module's syntax tree and what each of its top-level names is bound by."""

    name: str
    tree: ast.Module
    is_package: bool
    binders: dict[str, list[ast.stmt]] = field(default_factory=dict)
    replaced: dict[int, ast.stmt] = field(default_factory=dict)  # id(original) -> replacement

    @classmethod
    def parse(cls, name: str) -> "_Module":
        path = _source_path(name)
        mod = cls(name, ast.parse(path.read_text(), str(path)), path.name == "__init__.py")
        for stmt in mod.tree.body:
            for bound in _bound_names(stmt):
                mod.binders.setdefault(bound, []).append(stmt)
        return mod


def _bound_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in stmt.names]
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _without_annotations(node: ast.AST) -> list[ast.AST]:
    """The parts of ``node`` that run (annotations are strings here: ``from __future__``)."""
    keep: list[ast.AST] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and child is node.returns:
            continue
        if isinstance(node, ast.arg) and child is node.annotation:
            continue
        if isinstance(node, ast.AnnAssign) and child is node.annotation:
            continue
        keep.append(child)
    return keep


def _walk_running(node: ast.AST):
    """Every node of ``node`` that runs: ast.walk without the annotations."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(_without_annotations(current))


@dataclass
class Extraction:
    """What ``extract`` found: per grader module, the top-level names the roots reach."""

    modules: dict[str, _Module] = field(default_factory=dict)
    needed: dict[str, set[str]] = field(default_factory=dict)
    overrides: dict[tuple[str, str], str] = field(default_factory=dict)   # (module, name) -> source

    def _module(self, name: str) -> _Module:
        if name not in self.modules:
            self.modules[name] = _Module.parse(name)
        return self.modules[name]

    def need(self, module: str, name: str) -> None:
        """Add ``module.name`` and, transitively, everything it uses."""
        todo = [(module, name)]
        while todo:
            mod_name, top = todo.pop()
            if top in self.needed.setdefault(mod_name, set()):
                continue
            mod = self._module(mod_name)
            if top not in mod.binders:
                if _is_module(f"{mod_name}.{top}"):      # a submodule reached through a package
                    self.needed[mod_name].add(top)
                    continue
                raise ExtractionError(f"{mod_name} has no top-level {top!r}")
            self.needed[mod_name].add(top)
            if (mod_name, top) in self.overrides:
                self._override(mod, top)
            for stmt in mod.binders[top]:
                stmt = mod.replaced.get(id(stmt), stmt)
                todo.extend(self._uses(mod, stmt, top))

    def _override(self, mod: _Module, top: str) -> None:
        """Bind ``top`` to the handout's own definition instead of the grader's."""
        new = ast.parse(self.overrides[(mod.name, top)]).body
        if len(new) != 1 or _bound_names(new[0]) != [top] or len(mod.binders[top]) != 1:
            raise ExtractionError(f"the override of {mod.name}.{top} must be one definition of it")
        mod.replaced[id(mod.binders[top][0])] = new[0]

    def _uses(self, mod: _Module, stmt: ast.stmt, top: str) -> list[tuple[str, str]]:
        """The (module, name) pairs one binding statement of ``top`` depends on."""
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            return self._import_target(mod, stmt, top)
        found: list[tuple[str, str]] = []
        for node in _walk_running(stmt):
            if isinstance(node, ast.ImportFrom):            # a function-local import
                found.extend(self._local_import(mod, node))
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                target = self._alias_module(mod, node.value.id)
                if target:
                    found.append((target, node.attr))
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                    and node.id in mod.binders and node.id != top and node.id not in _REGISTERING:
                if self._alias_module(mod, node.id) and not self._used_as_attribute(stmt, node):
                    raise ExtractionError(f"{mod.name}: the module {node.id!r} is used as a value")
                found.append((mod.name, node.id))
        return found

    @staticmethod
    def _used_as_attribute(stmt: ast.stmt, name_node: ast.Name) -> bool:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Attribute) and node.value is name_node:
                return True
        return False

    def _alias_module(self, mod: _Module, alias: str) -> str | None:
        """The grader module ``alias`` stands for in ``mod`` (``inputs`` -> autograder.inputs.x)."""
        for stmt in mod.binders.get(alias, []):
            if isinstance(stmt, ast.ImportFrom):
                base = _absolute(stmt, mod.name, mod.is_package)
                for a in stmt.names:
                    if (a.asname or a.name) == alias and base.startswith(PACKAGE) \
                            and _is_module(f"{base}.{a.name}"):
                        return f"{base}.{a.name}"
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    if a.asname == alias and a.name.startswith(PACKAGE + "."):
                        return a.name
        return None

    def _import_target(self, mod: _Module, stmt: ast.stmt, top: str) -> list[tuple[str, str]]:
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                if (a.asname or a.name).split(".")[0] == top and a.name.startswith(PACKAGE):
                    if a.asname is None:
                        raise ExtractionError(f"{mod.name}: `import {a.name}` cannot be copied out")
            return []
        assert isinstance(stmt, ast.ImportFrom)
        base = _absolute(stmt, mod.name, mod.is_package)
        if not base.startswith(PACKAGE):
            return []
        for a in stmt.names:
            if (a.asname or a.name) == top:
                if _is_module(f"{base}.{a.name}"):
                    return []        # a module alias: its attributes are followed where used
                return [(base, a.name)]
        return []

    def _local_import(self, mod: _Module, node: ast.ImportFrom) -> list[tuple[str, str]]:
        base = _absolute(node, mod.name, mod.is_package)
        if not base.startswith(PACKAGE):
            return []
        pairs = []
        for a in node.names:
            if _is_module(f"{base}.{a.name}"):
                raise ExtractionError(f"{mod.name}: a local import of the module {base}.{a.name}")
            pairs.append((base, a.name))
        return pairs


def _registering(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REGISTERING


class _Relative(ast.NodeTransformer):
    """Rewrite grader imports to the handout's flat, relative modules."""

    def __init__(self, module: str, is_package: bool):
        self.module, self.is_package = module, is_package

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.ImportFrom:
        base = _absolute(node, self.module, self.is_package)
        if not base.startswith(PACKAGE):
            return node
        names = []
        for a in node.names:
            if _is_module(f"{base}.{a.name}"):
                return ast.ImportFrom(module=None, level=1, names=[
                    ast.alias(file_name(f"{base}.{a.name}")[:-3], a.asname or a.name)])
            names.append(a)
        return ast.ImportFrom(module=file_name(base)[:-3], names=names, level=1)


def render(extraction: Extraction, origin: str = "autograder") -> dict[str, str]:
    """Handout file name -> source, for every module the extraction reached."""
    files = {}
    for name, top_names in sorted(extraction.needed.items()):
        if not top_names:
            continue
        mod = extraction.modules[name]
        body: list[ast.stmt] = []
        for stmt in mod.tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                continue
            bound = _bound_names(stmt)
            if not bound or not set(bound) & top_names:
                continue
            stmt = mod.replaced.get(id(stmt), stmt)
            stmt = _trim(stmt, top_names)
            stmt = _Relative(name, mod.is_package).visit(stmt)
            body.append(stmt)
        source_file = name.replace(".", "/") + ("/__init__.py" if mod.is_package else ".py")
        header = (f'"""Copied from the grader\'s {source_file} by `autograder handout`: only what '
                  'the public checks use."""\nfrom __future__ import annotations\n\n')
        files[file_name(name)] = header + _layout(body)
    return files


def _layout(body: list[ast.stmt]) -> str:
    """The statements as source, with two blank lines around definitions, as PEP 8 has them."""
    out, previous = [], None
    for stmt in body:
        text = ast.unparse(stmt)
        is_def = isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        if previous is not None:
            out.append("\n\n\n" if is_def or previous else "\n")
        out.append(text)
        previous = is_def
    return "".join(out) + "\n"


def _trim(stmt: ast.stmt, keep: set[str]) -> ast.stmt:
    """Drop registering decorators; of an import, keep the names that are needed."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        stmt.decorator_list = [d for d in stmt.decorator_list if not _registering(d)]
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        stmt.names = [a for a in stmt.names if (a.asname or a.name).split(".")[0] in keep]
    return stmt


def extract(roots: list[tuple[str, str]],
            overrides: dict[tuple[str, str], str] | None = None) -> Extraction:
    """Everything the ``(module, name)`` roots reach inside the grader package; ``overrides``
    gives the handout's own source for names whose grader version needs the grader's machinery."""
    extraction = Extraction(overrides=dict(overrides or {}))
    for module, name in roots:
        extraction.need(module, name)
    return extraction

