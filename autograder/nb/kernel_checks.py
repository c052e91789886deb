"""The hidden test cells' side: run one report row's hidden checks on the kernel's own functions.

A hidden test cell calls ``check_row(globals(), "softmax")``. Each check runs its scenario half on
the functions the notebook defined and its verdict half right after, in this kernel: the same
checks as the hidden pytest suite, without a sandbox. Only plain ``nbgrader autograde`` runs
these (a course that does not use ``autograder nb autograde``, and the bench that compares the
two); ``autograder nb autograde`` starts no kernel, so they never run there. Functions of other
notebooks that a chapter's end-to-end run needs (``sgd`` in softmax regression) are the
known-good ones here.

Nothing reaches stderr (nbgrader scores any stderr output in a test cell as 0): student output and
warnings are captured, and a failure is one AssertionError listing each failed check's message.
"""
from __future__ import annotations

import contextlib
import io
import os
import secrets
import signal
import tempfile
import warnings
from pathlib import Path
from types import FrameType

from autograder.worker.patching import temporarily_set

SEED_ENV = "AUTOGRADER_SEED"


class KernelStudent:
    """The ``student`` a scenario half expects, backed by the kernel's namespace."""

    sandboxed = False

    def __init__(self, namespace: dict, notebook: str):
        self.namespace, self.notebook = namespace, notebook
        self.package_dir = _cell_dir(namespace)

    def __getattr__(self, name: str):
        from autograder.contract import MODULE_OF
        from autograder.harness import reference_parts
        from autograder.worker.loader import StudentCodeError

        if name not in MODULE_OF:
            raise AttributeError(name)
        if MODULE_OF[name] != self.notebook:
            if hasattr(reference_parts, name):
                return getattr(reference_parts, name)
            raise StudentCodeError(f"`{name}` belongs to {MODULE_OF[name]}.ipynb, which this "
                                   "kernel does not have")
        if name not in self.namespace:
            raise StudentCodeError(f"`{name}` is not defined: run the cell that defines it, and keep "
                                   "the name and signature from the book")
        return self.namespace[name]

    @contextlib.contextmanager
    def swapped(self, module: str, **replacements):
        """Temporarily replace names the notebook's functions look up, to isolate one of them."""
        if module != self.notebook:
            yield
            return
        with temporarily_set(self.namespace, replacements):
            yield


def _cell_dir(namespace: dict) -> Path:
    """The folder the kernel compiles cells into, so error messages can point at a cell."""
    for value in namespace.values():
        code = getattr(value, "__code__", None)
        if code is not None and "ipykernel" in code.co_filename:
            return Path(code.co_filename).parent
    return Path(tempfile.gettempdir()) / f"ipykernel_{os.getpid()}"


@contextlib.contextmanager
def _grading_place(data_dir: str | None):
    """A working folder whose ``../data`` is Fashion-MNIST (as in a worker), one torch thread."""
    import torch

    from autograder.data import locate_fashion_mnist
    from autograder.harness import datasets

    root = locate_fashion_mnist(data_dir)
    datasets.configure(root)
    threads, cwd = torch.get_num_threads(), os.getcwd()
    with tempfile.TemporaryDirectory(prefix="d2l-kernel-") as tmp:
        (Path(tmp) / "data").symlink_to(Path(root).resolve(), target_is_directory=True)
        (Path(tmp) / "run").mkdir()
        torch.set_num_threads(1)
        os.chdir(Path(tmp) / "run")
        try:
            yield
        finally:
            os.chdir(cwd)
            torch.set_num_threads(threads)


@contextlib.contextmanager
def _stop_on_interrupt():
    """Let nbgrader's timeout interrupt stop the whole cell: scenarios swallow KeyboardInterrupt
    like any student exception, so remember that one arrived and re-raise between checks."""
    arrived: list[bool] = []
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: FrameType | None) -> None:
        arrived.append(True)
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: leave the handler alone
        yield arrived
        return
    try:
        yield arrived
    finally:
        signal.signal(signal.SIGINT, previous)


def run_row(namespace: dict, row: str, seed: int | None = None, data_dir: str | None = None):
    """Score every check of report row ``row`` on ``namespace``'s functions; CheckResults."""
    from autograder.engine.judge import judge
    from autograder.engine.records import CheckRecord
    from autograder.engine.scoring import score_records
    from autograder.nb.layout import row_named
    from autograder.rubric import Rubric
    from autograder.verdicts import Fail
    from autograder.worker.execute import run_scenario

    graded = row_named(row)
    if seed is None:
        given = os.environ.get(SEED_ENV, "")
        seed = int(given) if given.isdigit() else secrets.randbelow(2**31)
    student = KernelStudent(namespace, graded.notebook)
    records = {}
    with _grading_place(data_dir), _stop_on_interrupt() as interrupted:
        for spec in graded.checks:
            check_seed = spec.seed if spec.seed is not None else seed
            outcome = run_scenario(student, spec.id, check_seed)
            if interrupted:
                raise KeyboardInterrupt(f"interrupted during {spec.id}")
            try:
                judge(outcome, check_seed)
                passed, message = True, ""
            except Fail as exc:
                passed, message = False, exc.message
            records[spec.id] = CheckRecord(spec.id, passed, message, outcome.seconds)
    return score_records(Rubric(graded.checks), records)


def check_row(namespace: dict, row: str, seed: int | None = None) -> None:
    """The hidden tests of one test cell: raise AssertionError naming every failed check."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        results = run_row(namespace, row, seed)
    failed = [result for result in results if not result.passed]
    if failed:
        score, total = sum(r.score for r in results), sum(r.spec.points for r in results)
        lines = [f"{len(failed)} of {len(results)} hidden checks of {row} failed "
                 f"({score:g}/{total:g} points):"]
        lines += [f"- {r.spec.id}: {r.message}" for r in failed]
        raise AssertionError("\n".join(lines))
