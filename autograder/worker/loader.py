"""Import a student's ``exercises/`` package under its own name, ``exercises``, forgivingly.

Students write ``from .linear_regression import sgd``, ``from exercises.mlp import relu`` or
``import linear_regression``; all three resolve to the submission's own modules. Each module is
first imported as usual, within a time budget. When that fails, hangs or runs long (a training
loop, a download, ``input()``, a syntax error, a stale import), only its imports, definitions and
constants are run (``forgiving.py``), so each function still gets graded; notebook conversions
get definitions only straight away. What was left out is in ``StudentCode.load_notes``.

The book's habits work as written: ``from d2l import torch as d2l`` finds the grader's own
``d2l`` (``autograder/book``), any Fashion-MNIST root reads the grader's copy (``book_data``), and
a contract name rebound after its ``def`` grades the function defined (``rebinding``).
"""
from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from autograder.contract import MODULE_OF, MODULES
from autograder.worker import book_data
from autograder.worker.budget import Deadline, LoadTimeout, paused, time_budget
from autograder.worker.errors import describe_exception, exception_text, module_line, student_frame
from autograder.worker.forgiving import LoadNotes, hoist_missing, run_definitions, statement_start
from autograder.worker.patching import temporarily_set
from autograder.worker.notebook_source import Locator, is_converted_notebook, notebook_names
from autograder.worker.rebinding import restore_rebound
from autograder.worker.source_split import parse_forgiving, read_source

__all__ = ["PACKAGE", "StudentCode", "StudentCodeError", "SubmissionError", "describe_exception",
           "find_package_dir", "load_student_code", "student_frame", "unload_student_code"]

PACKAGE = "exercises"
BOOK_DIR = str(Path(__file__).resolve().parents[1] / "book")   # holds the grader's `d2l` package
BOOK_PACKAGE = "d2l"
TOTAL_BUDGET_S = 48.0      # loading all modules (7 x FALLBACK_BUDGET_S in reserve, and some time
                           # for plain imports); the worker passes what its load timeout leaves
IMPORT_BUDGET_S = 8.0      # a plain import of one module, top-level code included
FALLBACK_BUDGET_S = 6.0    # running one module's definitions only
_LIBRARIES = {"torch", "torchvision", "numpy", "matplotlib", "pandas", "scipy", "sklearn", "PIL"}
_OUTPUT_TAIL = 4000
_OUTPUT_LIMIT = 8 * 2**20


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


@dataclass
class StudentCode:
    """The loaded submission; ``student.softmax`` is the student's ``softmax``."""

    package_dir: Path
    modules: dict[str, ModuleType] = field(default_factory=dict)
    import_errors: dict[str, str] = field(default_factory=dict)
    import_output: str = ""
    load_notes: dict[str, list[str]] = field(default_factory=dict)   # module -> one-line notes
    unavailable: dict[str, str] = field(default_factory=dict)        # function -> why it is missing
    load_seconds: float = 0.0                                        # loading the student's modules
    module_seconds: dict[str, float] = field(default_factory=dict)

    def module(self, name: str) -> ModuleType:
        if name in self.import_errors:
            raise StudentCodeError(f"exercises/{name}.py could not be imported: {self.import_errors[name]}")
        return self.modules[name]

    def __getattr__(self, name: str):
        if name not in MODULE_OF:
            raise AttributeError(name)
        module = self.module(MODULE_OF[name])
        if not hasattr(module, name):
            reason = self.__dict__.get("unavailable", {}).get(name)
            if reason:
                raise StudentCodeError(f"`{name}` could not be loaded from exercises/{MODULE_OF[name]}.py: "
                                       f"{reason}")
            raise StudentCodeError(
                f"exercises/{MODULE_OF[name]}.py has no `{name}`: keep the name and signature "
                "from the book")
        return getattr(module, name)

    @contextlib.contextmanager
    def swapped(self, module: str, **replacements):
        """Temporarily replace globals of a student module, to isolate one function from the rest."""
        with temporarily_set(self.module(module).__dict__, replacements):
            yield




class _BoundedTail(io.TextIOBase):
    """Keeps the tail of what import-time code prints, and stops a flood of prints."""

    def __init__(self):
        self.written, self._buf = 0, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written += len(text)
        if self.written > _OUTPUT_LIMIT:
            raise OSError(f"printed more than {_OUTPUT_LIMIT // 2**20} MB while being imported")
        self._buf = (self._buf + text)[-_OUTPUT_TAIL:]
        return len(text)

    def getvalue(self) -> str:
        return self._buf


class _TorchState:
    """Grad mode and default dtype, put back after an import that was interrupted half-way."""

    def __init__(self):
        self.torch = sys.modules.get("torch")
        if self.torch is not None:
            self.grad, self.dtype = self.torch.is_grad_enabled(), self.torch.get_default_dtype()

    def restore(self) -> None:
        if self.torch is not None:
            self.torch.set_grad_enabled(self.grad)
            self.torch.set_default_dtype(self.dtype)


class _Session:
    """One load of one submission: its deadline, and the notes each module load leaves."""

    def __init__(self, code: StudentCode, budget_s: float, definitions_only: bool):
        self.code = code
        self.deadline = Deadline(budget_s)
        self.pending = set(MODULES)
        self.definitions_only = definitions_only

    def budgets(self, short: str) -> tuple[float, float]:
        """(plain import, definitions only) seconds for one module, leaving time for the others."""
        left = self.deadline.left()
        others = len(self.pending - {short})
        fallback = min(FALLBACK_BUDGET_S, left / (others + 1))
        plain = min(IMPORT_BUDGET_S, left - fallback * (others + 1))
        return plain, fallback

    def load(self, loader: "_ContractLoader", module: ModuleType) -> None:
        """Run one contract module into ``module``: plain import first, then definitions only."""
        short, path = loader.short, Path(loader.path)
        notes = LoadNotes()
        start = time.perf_counter()
        cwd = os.getcwd()
        try:
            with paused():  # an outer module's budget stops while this one loads
                source, bad_lines = read_source(path.read_bytes())
                self.warm_up(source)
                plain, fallback = self.budgets(short)
                self.pending.discard(short)
                self._load(loader, module, path, source, bad_lines, notes, plain, fallback)
                self.after_load(module, path, source, bad_lines, notes, short)
        finally:
            if os.getcwd() != cwd:
                os.chdir(cwd)
            self.code.module_seconds[short] = time.perf_counter() - start
            if notes.lines:
                self.code.load_notes.setdefault(short, []).extend(notes.lines)
            for name, reason in notes.unavailable.items():
                if name in MODULES[short]:
                    self.code.unavailable.setdefault(name, reason)

    def after_load(self, module: ModuleType, path: Path, source: str, bad_lines: dict[int, str],
                   notes: LoadNotes, short: str) -> None:
        """The book's habits, once the module has run: a contract name rebound after its ``def``
        gets that definition back; the Fashion-MNIST roots the module passes are noted."""
        try:
            try:
                tree = ast.parse(source, filename=str(path))
            except (SyntaxError, ValueError):
                tree = ast.Module(body=parse_forgiving(source, str(path), bad_lines).statements,
                                  type_ignores=[])
            where = Locator(source).where
            notes.lines.extend(restore_rebound(module, tree, path, MODULES[short], where))
            if "FashionMNIST" in source:
                notes.lines.extend(book_data.root_notes(tree))
        except Exception as exc:  # noqa: BLE001 - never lose a loaded module over a note
            notes.lines.append(f"rebound names and data roots could not be checked ({exception_text(exc)})")

    def warm_up(self, source: str) -> None:
        """Import the big libraries the module names (torchvision, matplotlib...) before its
        clock starts: their import time is not the student's."""
        try:
            statements = ast.parse(source).body
        except SyntaxError:
            return
        names = [alias.name for s in statements if isinstance(s, ast.Import) for alias in s.names]
        names += [s.module for s in statements if isinstance(s, ast.ImportFrom) and s.module and not s.level]
        for name in names:
            if name.split(".")[0] in _LIBRARIES and name not in sys.modules:
                try:
                    with time_budget(max(self.deadline.left() / 2, 0.1)):
                        importlib.import_module(name)
                except BaseException:  # noqa: BLE001 - the student's own import reports it
                    pass

    def _load(self, loader, module, path: Path, source: str, bad_lines: dict[int, str],
              notes: LoadNotes, plain: float, fallback: float) -> None:
        if bad_lines:   # Python would refuse the whole file
            first = min(bad_lines)
            notes.lines.append(f"line {first} is not UTF-8 text, so Python cannot import the file; the "
                               "parts without such lines were loaded")
            run_definitions(module, source, path, notes, plain + fallback, bad_lines=bad_lines)
            return
        if is_converted_notebook(source):
            notes.lines.append(f"converted from {notebook_names(source)}: only its imports, definitions "
                               "and constants were run, not its other cells")
            run_definitions(module, source, path, notes, plain + fallback)
            return
        if self.definitions_only:
            notes.lines.append("an earlier attempt to load your code did not finish, so only its "
                               "imports, definitions and constants were run")
            run_definitions(module, source, path, notes, plain + fallback)
            return
        if plain < 0.5:
            notes.lines.append("the time for loading ran out, so only its imports, definitions and "
                               "constants were run")
            run_definitions(module, source, path, notes, fallback)
            return
        torch_state = _TorchState()
        try:
            with time_budget(plain, student_dir=str(path.parent) + os.sep):
                loader.plain_exec(module)
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, even SystemExit
            torch_state.restore()   # an interrupted `with torch.no_grad():` may have left it off
            summary, line, reason = _why_import_failed(exc, path, source, plain)
            notes.lines.append(summary)
            run_definitions(module, source, path, notes, fallback, skip_line=line, skip_reason=reason)
            return
        hoist_missing(module, source, path, set(MODULES[loader.short]), notes, fallback)


def _why_import_failed(exc: BaseException, path: Path, source: str,
                       seconds: float) -> tuple[str, int | None, str]:
    """(one-line summary, the top-level line that failed, how it failed) for a failed import."""
    where = Locator(source).where
    rest = "only its imports, definitions and constants were run"
    if isinstance(exc, SyntaxError) and exc.filename == str(path):
        text = f" (`{exc.text.strip()[:80]}`)" if exc.text and exc.text.strip() else ""
        return (f"it does not parse ({where(exc.lineno or 1)}: SyntaxError: {exc.msg}{text}); the "
                "parts that parse were loaded", None, "")
    line = module_line(exc, str(path))
    line = statement_start(source, line) if line else None
    at = f" at {where(line)}" if line else ""
    if isinstance(exc, LoadTimeout):
        how = f"took longer than {seconds:g} s"
        return f"importing it {how}{' (stopped' + at + ')' if at else ''}; {rest}", line, how
    how = f"failed ({exception_text(exc)})"
    return f"importing it failed{at} ({exception_text(exc)}); {rest}", line, how


class _ContractLoader(importlib.machinery.SourceFileLoader):
    """Loads one of the four contract modules through the session's forgiving steps."""

    def __init__(self, fullname: str, path: str, session: _Session, short: str):
        super().__init__(fullname, path)
        self.session, self.short = session, short

    def plain_exec(self, module: ModuleType) -> None:
        super().exec_module(module)

    def exec_module(self, module: ModuleType) -> None:
        self.session.load(self, module)


class _AliasLoader(importlib.abc.Loader):
    """``import mlp`` gives the very module ``exercises.mlp``, not a second copy."""

    def __init__(self, target: str):
        self.target = target
        self._spec = None

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        self._spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        module.__spec__ = self._spec


class _SubmissionFinder(importlib.abc.MetaPathFinder):
    """Finds the contract modules of the submission being loaded (and their bare-name aliases)."""

    def __init__(self, session: _Session, package_dir: Path):
        self.session, self.package_dir = session, package_dir

    def find_spec(self, fullname, path=None, target=None):
        short = fullname[len(PACKAGE) + 1:] if fullname.startswith(PACKAGE + ".") else None
        bare = fullname if fullname in MODULES else None
        file = self.package_dir / f"{short or bare}.py"
        if (short or bare) not in MODULES or not file.is_file():
            return None
        if bare:
            return importlib.util.spec_from_loader(fullname, _AliasLoader(f"{PACKAGE}.{bare}"),
                                                   origin=str(file))
        loader = _ContractLoader(fullname, str(file), self.session, short)
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def _purge(names) -> dict[str, ModuleType]:
    """Forget the submission's modules, and the grader's ``d2l`` (student code may have changed it)."""
    removed = {}
    for key in list(sys.modules):
        if key in names or key.split(".")[0] in (PACKAGE, BOOK_PACKAGE):
            removed[key] = sys.modules.pop(key)
    return removed


def _namespace_package(package_dir: Path) -> ModuleType:
    package = ModuleType(PACKAGE)
    package.__path__ = [str(package_dir)]
    sys.modules[PACKAGE] = package
    return package


def _import_package(code: StudentCode, session: _Session) -> None:
    """Import the submission's package itself; a failing ``__init__.py`` is noted and left out."""
    package_dir = code.package_dir
    if package_dir.name != PACKAGE or not (package_dir / "__init__.py").exists():
        _namespace_package(package_dir)   # a bare folder of modules: still importable as a package
        return
    try:
        with time_budget(min(IMPORT_BUDGET_S, session.deadline.left() / 5),
                         student_dir=str(package_dir) + os.sep):
            importlib.import_module(PACKAGE)
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything
        code.load_notes.setdefault("__init__", []).append(
            f"importing exercises/__init__.py failed ({describe_exception(exc, package_dir)}); it was "
            "left out")
        loaded = {k: v for k, v in sys.modules.items() if k.startswith(PACKAGE + ".")}
        _namespace_package(package_dir)
        sys.modules.update(loaded)


def load_student_code(path: Path, budget_s: float = TOTAL_BUDGET_S,
                      definitions_only: bool = False) -> StudentCode:
    """Load each contract module of the submission within ``budget_s``; never raises for what
    student code does (per-module failures are in ``import_errors``, what was left out in
    ``load_notes``). ``definitions_only`` skips the plain import: for a second attempt after a
    worker died or hung while loading (``os._exit``, a crash, a hang no signal can interrupt)."""
    package_dir = find_package_dir(path)
    code = StudentCode(package_dir=package_dir)
    _purge(set(MODULES))
    importlib.invalidate_caches()
    # The grader's d2l comes first: a copy of the real package in the submission would need
    # matplotlib, pandas and the network, and would hide what the book's helpers are.
    sys.path[:0] = [BOOK_DIR, str(package_dir.parent), str(package_dir)]
    _patch_book_data()
    session = _Session(code, budget_s, definitions_only)
    # a module the submission lacks takes no time: only the files that are there share the budget
    session.pending &= {name for name in MODULES if (package_dir / f"{name}.py").is_file()}
    finder = _SubmissionFinder(session, package_dir)
    sys.meta_path.insert(0, finder)
    out = _BoundedTail()
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            _import_package(code, session)
            for name in MODULES:
                if not (package_dir / f"{name}.py").is_file():
                    code.import_errors[name] = f"exercises/{name}.py is missing"
                    continue
                try:
                    module = importlib.import_module(f"{PACKAGE}.{name}")
                except BaseException as exc:  # noqa: BLE001 - e.g. an unreadable file
                    code.import_errors[name] = describe_exception(exc, package_dir)
                    continue
                sys.modules.setdefault(name, module)
                code.modules[name] = module
    finally:
        sys.meta_path.remove(finder)
    code.load_seconds = time.perf_counter() - start
    code.import_output = out.getvalue()
    return code


def _patch_book_data() -> None:
    """Let any Fashion-MNIST root read the grader's copy (once the worker knows where it is)."""
    from autograder.harness import datasets

    try:
        root = datasets.data_root()
    except RuntimeError:   # loaded outside a runner: the data root is not configured
        return
    book_data.install(root)


def unload_student_code(code: StudentCode) -> None:
    """Undo ``load_student_code``: drop the modules and the path entries it added, and put
    torchvision's FashionMNIST back."""
    _purge(set(MODULES))
    book_data.uninstall()
    for entry in (BOOK_DIR, str(code.package_dir.parent), str(code.package_dir)):
        if entry in sys.path:
            sys.path.remove(entry)  # the first occurrence: the one load_student_code inserted
