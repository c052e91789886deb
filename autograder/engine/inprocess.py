"""Run scenario halves in this process (no sandbox): the runner for trusted code and for tests.

The student's code is imported here, with the working directory set so that the book's
``FashionMNIST(root="../data")`` finds the located data set.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import torch

from autograder.harness import datasets
from autograder.worker.execute import ScenarioOutcome, run_scenario
from autograder.worker.loader import StudentCode, load_student_code, unload_student_code


class InProcessRunner:
    """Loads one submission and runs scenarios on it; use as a context manager."""

    sandboxed = False

    def __init__(self, submission: Path, data_root: Path):
        self.submission = Path(submission)
        self.data_root = Path(data_root)
        self.student: StudentCode | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._cwd = ""

    def __enter__(self) -> "InProcessRunner":
        self._tmp = tempfile.TemporaryDirectory(prefix="d2l-grade-")
        work = Path(self._tmp.name)
        (work / "data").symlink_to(self.data_root.resolve(), target_is_directory=True)
        (work / "run").mkdir()
        self._cwd = os.getcwd()
        self._threads = torch.get_num_threads()
        torch.set_num_threads(1)  # as in a worker: tiny ops stall on thread hand-offs
        os.chdir(work / "run")
        datasets.configure(self.data_root)
        start = time.perf_counter()
        self.student = load_student_code(self.submission.resolve() if self.submission.is_absolute()
                                         else Path(self._cwd) / self.submission)
        self.load_seconds = time.perf_counter() - start
        return self

    def run(self, check_id: str, seed: int) -> ScenarioOutcome:
        assert self.student is not None, "use InProcessRunner as a context manager"
        os.chdir(Path(self._tmp.name) / "run")
        return run_scenario(self.student, check_id, seed)

    @property
    def load_report(self) -> dict[str, str]:
        """Per-module import failures, for the report."""
        return dict(self.student.import_errors) if self.student else {}

    @property
    def load_notes(self) -> dict[str, list[str]]:
        """What forgiving loading left out or worked around, per module."""
        return {m: list(n) for m, n in self.student.load_notes.items()} if self.student else {}

    def __exit__(self, *exc) -> None:
        if self.student is not None:
            unload_student_code(self.student)
        os.chdir(self._cwd)
        torch.set_num_threads(self._threads)
        if self._tmp is not None:
            self._tmp.cleanup()
