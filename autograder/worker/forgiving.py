"""Load a module that would not import: run its imports, definitions and constants, skip the rest.

Runs in the worker only. Each top-level statement is classified, then executed under a time
budget or skipped; every skipped or failed statement leaves a one-line note naming its line. An
import that fails binds its names to a ``MissingImport`` that raises a clear ImportError when a
function uses it, so only those functions fail. Definitions found inside
``if __name__ == "__main__":`` or ``main()`` are hoisted when the top level does not define them.
"""
from __future__ import annotations

import __future__
import ast
import builtins
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, ModuleType

from autograder.contract import MODULES
from autograder.worker.budget import Deadline, LoadTimeout, time_budget
from autograder.worker.errors import exception_text
from autograder.worker.notebook_source import Locator
from autograder.worker.source_split import ParsedSource, parse_forgiving

STATEMENT_BUDGET_S = 3.0   # one definition or constant; imports may use the module's whole budget
MAIN_GUARD = "`if __name__ == '__main__':`"
_ADVICE = f"put it under {MAIN_GUARD}"

# Builtins that only build values; any other builtin call (print, input, open, exec...) is not run.
_SAFE_BUILTINS = {
    "abs", "all", "any", "bool", "bytes", "chr", "complex", "dict", "divmod", "enumerate", "filter",
    "float", "frozenset", "hash", "int", "isinstance", "issubclass", "len", "list", "map", "max",
    "min", "object", "ord", "pow", "range", "repr", "reversed", "round", "set", "slice", "sorted",
    "str", "sum", "tuple", "type", "zip", "property", "staticmethod", "classmethod",
}
# Modules whose functions act on the machine (processes, files, network, time), not on values.
_UNSAFE_MODULES = {"os", "sys", "subprocess", "shutil", "socket", "urllib", "requests", "http",
                   "wget", "time", "threading", "multiprocessing", "signal", "ctypes", "importlib",
                   "builtins", "gc", "pickle", "IPython", "pathlib", "glob", "io", "tempfile"}
# Top-level calls run as statements because they only configure: seeds, warnings, import paths.
_CONFIG_CALLS = {"sys.path.append", "sys.path.insert", "warnings.filterwarnings",
                 "warnings.simplefilter", "torch.manual_seed", "random.seed", "np.random.seed",
                 "numpy.random.seed"}


class MissingImport:
    """Stands for a name whose import failed; any use raises ImportError naming the import."""

    __slots__ = ("_message",)

    def __init__(self, message: str):
        object.__setattr__(self, "_message", str(message))

    def _fail(self, *args, **kwargs):
        raise ImportError(object.__getattribute__(self, "_message"))

    def __repr__(self) -> str:
        return "<not imported: " + object.__getattribute__(self, "_message") + ">"


for _name in ("__getattr__", "__setattr__", "__delattr__", "__call__", "__getitem__", "__setitem__",
              "__iter__", "__len__", "__bool__", "__contains__", "__enter__", "__exit__",
              "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__matmul__",
              "__rmatmul__", "__truediv__", "__rtruediv__", "__floordiv__", "__pow__", "__neg__",
              "__lt__", "__le__", "__gt__", "__ge__", "__int__", "__float__", "__index__",
              "__mro_entries__"):
    setattr(MissingImport, _name, MissingImport._fail)
del _name


@dataclass
class LoadNotes:
    """What loading one module did beyond a plain import, in one-line messages for the student."""

    lines: list[str] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)   # name -> why it is not defined


# --- reading statements ---------------------------------------------------------------------

def _dotted(node: ast.AST) -> tuple[str, str | None]:
    """``('d2l.train_ch3', 'd2l')`` for a callee; the root is None when it is not a plain name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)]), node.id
    return ".".join(["…", *reversed(parts)]), None


def _calls(node: ast.AST) -> list[ast.Call]:
    """The calls an expression or statement makes when it runs (not those inside lambdas)."""
    found, todo = [], [node]
    while todo:
        current = todo.pop()
        if isinstance(current, ast.Lambda):
            continue
        if isinstance(current, ast.Call):
            found.append(current)
        todo.extend(reversed(list(ast.iter_child_nodes(current))))
    return sorted(found, key=lambda c: (c.lineno, c.col_offset))


def _activity(dotted: str) -> str | None:
    """What a call by this name does, when its name says so (training, data, plots, input)."""
    last = dotted.rsplit(".", 1)[-1].lower()
    root = dotted.split(".", 1)[0]
    if "train" in last or "epoch" in last or last == "fit" or last.startswith("fit_"):
        return "trains a model"
    if (any(word in last for word in ("load", "download", "dataset", "fetch", "urlretrieve", "urlopen"))
            or last.startswith("read_") or "datasets." in dotted or last.endswith("mnist")):
        return "loads or downloads data"
    if last == "input":
        return "waits for input"
    if root in ("plt", "pyplot", "matplotlib") or last in (
            "show", "imshow", "plot", "figure", "subplots", "savefig", "show_images", "set_figsize",
            "use_svg_display", "set_axes"):
        return "draws a plot"
    if last in ("print", "display", "pprint"):
        return "prints"
    if last == "sleep":
        return "waits"
    return None


def _describe(node: ast.AST) -> tuple[str, str]:
    """(what the statement does, `` (calls `x`)``) for a skipped statement."""
    calls = [name for name in (_dotted(c.func)[0] for c in _calls(node)) if name not in _SAFE_BUILTINS]
    for dotted in calls:
        if (what := _activity(dotted)) and what != "prints":
            return what, f" (calls `{dotted}`)"
    first = calls[0] if calls else None
    what = None
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        what = "runs a loop"
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        what = "runs a `with` block"
    elif isinstance(node, ast.Assert):
        what = "checks an `assert`"
    elif isinstance(node, ast.Raise):
        what = "raises an exception"
    elif isinstance(node, ast.Delete):
        what = "deletes names"
    elif isinstance(node, ast.Try):
        what = "runs a `try` block"
    elif isinstance(node, ast.If):
        what = "runs an `if` block"
    detail = f" (calls `{first}`)" if first and not isinstance(node, ast.Raise) else ""
    if what:
        return what, detail
    if first:
        return _activity(first) or "runs code", detail
    if isinstance(node, ast.Expr):
        return "shows a value", ""
    return "runs code", ""


def _bound_names(stmt: ast.stmt) -> set[str]:
    """The module-level names a statement binds."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name.split(".")[0]) for a in stmt.names if a.name != "*"}
    names = set()
    targets = (stmt.targets if isinstance(stmt, ast.Assign)
               else [stmt.target] if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else [])
    for target in targets:
        names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    if isinstance(stmt, (ast.If, ast.Try)):
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                names |= _bound_names(child)
        for handler in getattr(stmt, "handlers", []):
            for child in handler.body:
                names |= _bound_names(child)
    return names


def _is_main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either way round)."""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    test = stmt.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


def _is_main_function(stmt: ast.stmt) -> bool:
    return isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "main"


def _first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])


# --- deciding what runs ---------------------------------------------------------------------

class _Judge:
    """Decides, against the module's namespace as it is now, whether a statement may run."""

    def __init__(self, namespace: dict):
        self.ns = namespace
        self.package = str(namespace.get("__name__", "")).split(".")[0]

    def _student_owned(self, obj) -> bool:
        if isinstance(obj, ModuleType):
            name = obj.__name__
        elif isinstance(obj, (type, FunctionType)):
            name = str(type.__getattribute__(obj, "__module__") if isinstance(obj, type)
                       else obj.__module__)
        else:
            name = str(type(obj).__module__)
        return name.split(".")[0] == self.package or name in MODULES

    def call_problem(self, call: ast.Call) -> tuple[str, str] | None:
        """Why this call must not run at import time, or None."""
        dotted, root = _dotted(call.func)
        if what := _activity(dotted):
            return what, f" (calls `{dotted}`)"
        if root is None:
            return None
        missing = object()
        obj = self.ns.get(root, missing)
        if obj is missing:
            obj = builtins.__dict__.get(root, missing)
            if obj is missing:
                return None   # a NameError when it runs, and a note saying so
            if root not in _SAFE_BUILTINS:
                return "runs code", f" (calls `{dotted}`)"
            return None
        if isinstance(obj, MissingImport):
            return None       # it raises the ImportError that explains itself
        if self._student_owned(obj):
            return "runs your own code", f" (calls `{dotted}`)"
        if isinstance(obj, ModuleType) and obj.__name__.split(".")[0] in _UNSAFE_MODULES:
            return "runs code", f" (calls `{dotted}`)"
        return None

    def value_problem(self, node: ast.AST) -> tuple[str, str] | None:
        for call in _calls(node):
            if problem := self.call_problem(call):
                return problem
        if any(isinstance(n, (ast.Await, ast.Yield, ast.YieldFrom)) for n in ast.walk(node)):
            return "runs code", ""
        return None

    def target_problem(self, target: ast.AST) -> tuple[str, str] | None:
        if isinstance(target, ast.Name):
            return None
        if isinstance(target, ast.Starred):
            return self.target_problem(target.value)
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                if problem := self.target_problem(element):
                    return problem
            return None
        dotted, root = _dotted(target.value if isinstance(target, ast.Subscript) else target)
        obj = self.ns.get(root) if root else None
        plain = obj is not None and not callable(obj) and not isinstance(
            obj, (ModuleType, type, FunctionType, BuiltinFunctionType, MissingImport))
        if plain:
            return self.value_problem(target)
        return "changes a library", f" (assigns to `{dotted}`)"

    def problem(self, stmt: ast.stmt) -> tuple[str, str] | None:
        """None when ``stmt`` is an import, a definition or a constant; else what it does."""
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                             ast.ClassDef, ast.Pass, ast.Global, ast.Nonlocal)):
            return None
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if problem := self.target_problem(target):
                    return problem
            return self.value_problem(stmt.value)
        if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            return self.target_problem(stmt.target) or (
                self.value_problem(stmt.value) if stmt.value is not None else None)
        if isinstance(stmt, ast.Expr):
            if isinstance(stmt.value, ast.Constant):
                return None   # a docstring
            if isinstance(stmt.value, ast.Call):
                dotted, root = _dotted(stmt.value.func)
                obj = self.ns.get(root) if root else None
                if (dotted in _CONFIG_CALLS and isinstance(obj, ModuleType)
                        and obj.__name__.split(".")[0] in ("sys", "warnings", "torch", "random", "numpy")
                        and not self.value_problem(ast.Tuple(elts=stmt.value.args, ctx=ast.Load()))):
                    return None
            return _describe(stmt)
        if isinstance(stmt, ast.If) and not _is_main_guard(stmt):
            if self.value_problem(stmt.test):
                return _describe(stmt)
            for child in stmt.body + stmt.orelse:
                if self.problem(child):
                    return _describe(stmt)
            return None
        if isinstance(stmt, ast.Try):
            children = stmt.body + stmt.orelse + stmt.finalbody + [
                s for h in stmt.handlers for s in h.body]
            if any(self.problem(child) for child in children):
                return _describe(stmt)
            return None
        return _describe(stmt)


# --- running --------------------------------------------------------------------------------

@dataclass
class _Context:
    module: ModuleType
    path: Path
    locator: Locator
    notes: LoadNotes
    deadline: Deadline
    flags: int
    notebook: bool
    top_names: set[str]
    student_dir: str = ""            # the submission's folder: its frames cannot swallow timeouts
    skip_line: int | None = None     # a top-level line that failed in the plain import
    skip_reason: str = ""            # how it failed: "failed (RuntimeError: ...)"


def _compile(stmts: list[ast.stmt], ctx: _Context):
    tree = ast.Module(body=stmts, type_ignores=[])
    return compile(tree, str(ctx.path), "exec", flags=ctx.flags, dont_inherit=True)


def _future_flags(statements: list[ast.stmt]) -> int:
    flags = 0
    for stmt in statements:
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            for alias in stmt.names:
                feature = getattr(__future__, alias.name, None)
                flags |= getattr(feature, "compiler_flag", 0)
    return flags


def _source_of(stmt: ast.stmt, width: int = 70) -> str:
    try:
        text = " ".join(ast.unparse(stmt).split())
    except Exception:  # noqa: BLE001 - unparse of an odd tree
        text = type(stmt).__name__
    return text if len(text) <= width else text[: width - 1] + "…"


def _execute(stmts: list[ast.stmt], ctx: _Context, seconds: float) -> None:
    """Run statements in the module's namespace within ``seconds``; restore the working directory."""
    cwd = os.getcwd()
    try:
        code = _compile(stmts, ctx)
        with time_budget(max(seconds, 0.05), student_dir=ctx.student_dir):
            exec(code, ctx.module.__dict__)  # noqa: S102 - student code, inside the worker only
    finally:
        if os.getcwd() != cwd:
            os.chdir(cwd)


def _skip(stmt: ast.stmt, what: tuple[str, str], ctx: _Context) -> None:
    verb, detail = what
    where = ctx.locator.where(_first_line(stmt))
    if ctx.notebook:
        ctx.notes.lines.append(f"{where} {verb}{detail}: not run, only definitions are taken "
                               "from notebooks")
    else:
        ctx.notes.lines.append(f"{where} {verb} at import time{detail}; {_ADVICE}")


def _why(exc: BaseException, budget: float) -> str:
    if isinstance(exc, LoadTimeout):
        return f"took longer than {budget:.3g} s"
    return f"failed ({exception_text(exc)})"


def _failed(stmt: ast.stmt, why: str, ctx: _Context) -> None:
    where = ctx.locator.where(_first_line(stmt))
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        ctx.notes.lines.append(f"{where}: defining `{stmt.name}` {why}, so it is missing")
    else:
        ctx.notes.lines.append(f"{where} {why} at import time; skipped")
    for name in sorted(_bound_names(stmt)):
        ctx.notes.unavailable.setdefault(name, f"{where}: defining it {why}")


def _import(stmt: ast.Import | ast.ImportFrom, ctx: _Context) -> None:
    """Run an import; names it cannot bind become MissingImport placeholders."""
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
        return
    budget = max(ctx.deadline.left(), 0.05)
    try:
        _execute([stmt], ctx, budget)
        return
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything
        error = exc
    where = ctx.locator.where(stmt.lineno)
    aliases = [a for a in stmt.names if a.name != "*"]
    if isinstance(stmt, ast.ImportFrom) and len(aliases) > 1:
        failed = []
        for alias in aliases:   # retry name by name: only the names that fail become placeholders
            single = ast.ImportFrom(module=stmt.module, names=[alias], level=stmt.level)
            ast.copy_location(single, stmt)
            try:
                _execute([single], ctx, max(ctx.deadline.left(), 0.05))
            except BaseException as exc:  # noqa: BLE001
                failed.append((alias, exc))
    else:
        failed = [(alias, error) for alias in aliases] or [(None, error)]
    for alias, exc in failed:
        why = ("took too long" if isinstance(exc, LoadTimeout) else exception_text(exc))
        if alias is None:
            ctx.notes.lines.append(f"{where}: `{_source_of(stmt)}` failed ({why}); skipped")
            continue
        name = alias.asname or alias.name.split(".")[0]
        if isinstance(stmt, ast.Import) and not alias.asname and isinstance(
                ctx.module.__dict__.get(name), ModuleType):
            ctx.notes.lines.append(f"{where}: `{_source_of(stmt)}` failed ({why})")
            continue   # `import a.b` where `a` itself imported: keep `a`
        message = f"`{name}` is not available: {where} `{_source_of(stmt)}` failed ({why})"
        ctx.module.__dict__[name] = MissingImport(message)
        ctx.notes.lines.append(f"{where}: `{_source_of(stmt)}` failed ({why}); functions that use "
                               f"`{name}` fail when they run")


def _run_statement(stmt: ast.stmt, ctx: _Context, hoisted: bool = False) -> None:
    """Classify one statement, then run it, skip it (with a note), or hoist from it.

    A hoisted statement (from a block an import never runs) that is not a definition is left out
    silently: a plain import would not have run it either."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        _import(stmt, ctx)
        return
    if _is_main_guard(stmt):
        if ctx.notebook:   # in a kernel __name__ is "__main__": the block's definitions count
            for child in stmt.body:
                _run_statement(child, ctx)
        else:
            _hoist(stmt.body, MAIN_GUARD, ctx)
        return
    budget = min(STATEMENT_BUDGET_S, ctx.deadline.left())
    try:
        with time_budget(max(budget, 0.05), student_dir=ctx.student_dir):
            problem = _Judge(ctx.module.__dict__).problem(stmt)
        if problem:
            if not hoisted:
                _skip(stmt, problem, ctx)
            return
        if ctx.skip_line is not None and _first_line(stmt) <= ctx.skip_line <= (stmt.end_lineno or 0):
            _failed(stmt, ctx.skip_reason, ctx)   # it already failed once: not run again
            return
        _execute([stmt], ctx, budget)
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything
        _failed(stmt, _why(exc, budget), ctx)
        return
    if _is_main_function(stmt):
        _hoist(stmt.body, "`main()`", ctx)


def _hoist(body: list[ast.stmt], container: str, ctx: _Context) -> None:
    """Run the definitions of a block that an import never runs, unless the top level has them."""
    for stmt in body:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                                 ast.ClassDef, ast.Assign, ast.AnnAssign)):
            continue
        names = _bound_names(stmt)
        if not names or names & ctx.top_names:
            continue
        _run_statement(stmt, ctx, hoisted=True)
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                and stmt.name in ctx.module.__dict__:
            ctx.notes.lines.append(
                f"{ctx.locator.where(_first_line(stmt))}: `{stmt.name}` is defined inside {container}, "
                "which does not run when the file is imported; it was graded anyway, but move it "
                "to the top level of the file")


def _top_names(statements: list[ast.stmt]) -> set[str]:
    names = set()
    for stmt in statements:
        if not _is_main_guard(stmt):
            names |= _bound_names(stmt)
    return names


def _context(module: ModuleType, path: Path, source: str, parsed: ParsedSource, notes: LoadNotes,
             seconds: float) -> _Context:
    locator = Locator(source)
    return _Context(module=module, path=path, locator=locator, notes=notes,
                    deadline=Deadline(seconds), flags=_future_flags(parsed.statements),
                    notebook=locator.notebook, top_names=_top_names(parsed.statements),
                    student_dir=str(path.parent) + os.sep)


def _fresh_namespace(module: ModuleType) -> None:
    """Forget what a failed import left behind, keeping the module's identity attributes."""
    keep = {"__name__", "__file__", "__spec__", "__loader__", "__package__", "__path__",
            "__builtins__", "__cached__"}
    for name in list(module.__dict__):
        if name not in keep:
            del module.__dict__[name]


def run_definitions(module: ModuleType, source: str, path: Path, notes: LoadNotes, seconds: float,
                    skip_line: int | None = None, skip_reason: str = "",
                    bad_lines: dict[int, str] | None = None) -> None:
    """Execute only the imports, definitions and constants of ``source`` into ``module``.

    ``skip_line`` is a top-level line that already failed (in a plain import) and is not run again;
    ``bad_lines`` are lines that are not valid text. Never raises for what student code does;
    everything left out is in ``notes``.
    """
    _fresh_namespace(module)
    parsed = parse_forgiving(source, str(path), bad_lines)
    ctx = _context(module, path, source, parsed, notes, seconds)
    ctx.skip_line, ctx.skip_reason = skip_line, skip_reason
    for line, magic in parsed.magics:
        notes.lines.append(f"{ctx.locator.where(line)} is a notebook command (`{magic[:60]}`), not "
                           "Python; ignored")
    broken = list(parsed.broken)
    docstring = next((s for s in parsed.statements[:1] if isinstance(s, ast.Expr)
                      and isinstance(s.value, ast.Constant) and isinstance(s.value.value, str)), None)
    if docstring is not None:
        module.__doc__ = docstring.value.value
    for stmt in parsed.statements:
        while broken and broken[0].first_line < stmt.lineno:
            _report_broken(broken.pop(0), ctx)
        _run_statement(stmt, ctx)
    for part in broken:
        _report_broken(part, ctx)


def _report_broken(part, ctx: _Context) -> None:
    where = ctx.locator.where(part.lineno)
    text = f" (`{part.text[:80]}`)" if part.text else ""
    if part.defines:
        names = ", ".join(f"`{n}`" for n in part.defines)
        lost = f"{names} could not be loaded; the rest of the file was"
    else:
        first, last = ctx.locator.where(part.first_line), part.last_line
        lost = f"skipped {first} to {last}" if last > part.first_line else f"skipped {first}"
    label = "" if part.message.startswith("this line is not") else "SyntaxError: "
    ctx.notes.lines.append(f"{where}: {label}{part.message}{text}; {lost}")
    for name in part.defines:
        ctx.notes.unavailable.setdefault(name, f"{where}: {label}{part.message}{text}")


def statement_start(source: str, line: int) -> int:
    """The first line of the top-level statement of ``source`` that holds ``line``."""
    try:
        statements = ast.parse(source).body
    except SyntaxError:
        return line
    for stmt in statements:
        if _first_line(stmt) <= line <= (stmt.end_lineno or stmt.lineno):
            return _first_line(stmt)
    return line


def hoist_missing(module: ModuleType, source: str, path: Path, wanted: set[str], notes: LoadNotes,
                  seconds: float) -> None:
    """After a clean import: define ``wanted`` names that only exist inside a main block or main()."""
    missing = wanted - set(module.__dict__)
    if not missing:
        return   # the usual case: nothing to look for
    try:
        statements = ast.parse(source, filename=str(path)).body
    except SyntaxError:
        return
    hidden = set()
    for stmt in statements:
        if _is_main_guard(stmt) or _is_main_function(stmt):
            hidden |= {name for child in stmt.body for name in _bound_names(child)}
    if not missing & hidden:
        return
    parsed = ParsedSource(statements)
    ctx = _context(module, path, source, parsed, notes, seconds)
    ctx.top_names = set(module.__dict__)
    for stmt in statements:
        if _is_main_guard(stmt):
            _hoist(stmt.body, MAIN_GUARD, ctx)
        elif _is_main_function(stmt):
            _hoist(stmt.body, "`main()`", ctx)

