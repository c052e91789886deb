"""Run one scenario half on loaded student code and package the result for the trusted side."""
from __future__ import annotations

import contextlib
import io
import os
import random
import time
from pathlib import Path

import numpy as np
import torch

from autograder.scenarios import all_scenarios
from autograder.worker.errors import CURRENT_PACKAGE
from autograder.worker.outcome import ScenarioOutcome
from autograder.worker.loader import StudentCode, StudentCodeError, describe_exception
from autograder.worker.transport import TransportError, encode
from autograder.worker.watch import WATCH_KEY, watching

_OUTPUT_TAIL = 2000
OUTPUT_LIMIT = 8 * 2**20  # characters a scenario may print before printing raises


class OutputLimitExceeded(OSError):
    """Student code printed more than OUTPUT_LIMIT characters in one check."""


class BoundedOutput(io.TextIOBase):
    """A stdout/stderr stand-in that keeps the tail and stops a flood of prints."""

    def __init__(self, limit: int = OUTPUT_LIMIT, tail: int = _OUTPUT_TAIL):
        self.limit, self.tail, self.written, self._buf = limit, tail, 0, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.written += len(text)
        if self.written > self.limit:
            raise OutputLimitExceeded(f"printed more than {self.limit // 2**20} MB of output")
        self._buf = (self._buf + text)[-self.tail:]
        return len(text)

    def getvalue(self) -> str:
        return self._buf


def seed_everything(seed: int) -> None:
    """Seed every RNG student code might draw from, so a run is reproducible from its seed."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _raising_function(exc: BaseException, student: StudentCode) -> str:
    """The qualified name (``Accumulator.__init__``) of the deepest student frame that raised."""
    name = "a function"
    root = student.package_dir.resolve()
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if Path(code.co_filename).resolve().is_relative_to(root):
            name = getattr(code, "co_qualname", code.co_name)
        tb = tb.tb_next
    return name


def parse_request(check_id: str) -> tuple[str, dict]:
    """A check id and the options of its request: ``convergence.mlp.all~reference:relu,mlp``
    asks for the end-to-end run with the known-good ``relu`` and ``mlp`` in place of the
    student's (the trusted side's rerun once those parts failed their own checks)."""
    base, _, rest = check_id.partition("~")
    if rest.startswith("reference:"):
        return base, {"reference": tuple(n for n in rest[len("reference:"):].split(",") if n)}
    return base, {}


def failure_message(exc: BaseException, student: StudentCode, check_id: str) -> str:
    """The student's message for an exception that ended a scenario (the public checks of the
    handout give the same one)."""
    if isinstance(exc, StudentCodeError):
        return str(exc)
    if isinstance(exc, NotImplementedError):
        return (f"`{_raising_function(exc, student)}` is not implemented yet (it still raises "
                "NotImplementedError)")
    if isinstance(exc, OutputLimitExceeded):
        return f"your code {exc}; remove the prints from the graded functions"
    if isinstance(exc, TransportError):
        return f"the result could not be read back: {exc}"
    return describe_exception(exc, student.package_dir, check_id=check_id, student=student)


def run_scenario(student: StudentCode, check_id: str, seed: int) -> ScenarioOutcome:
    """Run the scenario of ``check_id``; never raises for anything student code does."""
    base_id, options = parse_request(check_id)
    scenario = all_scenarios()[base_id]
    out = BoundedOutput()
    start = time.perf_counter()
    cwd = os.getcwd()
    error, payload = None, None
    token = CURRENT_PACKAGE.set(Path(student.package_dir))
    try:
        seed_everything(seed)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
                watching(student) as handed_over:
            observation = scenario(student, seed, **options)
        if handed_over and isinstance(observation, dict):
            observation = {**observation, WATCH_KEY: handed_over}
        payload = encode(observation)
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: all the student's
        error = failure_message(exc, student, check_id)
    finally:
        CURRENT_PACKAGE.reset(token)
        with contextlib.suppress(OSError):
            os.chdir(cwd)
    return ScenarioOutcome(check_id, payload, error, time.perf_counter() - start,
                           out.getvalue())
