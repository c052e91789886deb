"""Run one scenario half on loaded student code and package the result for the trusted side."""
from __future__ import annotations

import contextlib
import io
import os
import random
import time
from dataclasses import dataclass

import numpy as np
import torch

from autograder.scenarios import all_scenarios
from autograder.worker.loader import StudentCode, StudentCodeError, describe_exception, student_frame
from autograder.worker.transport import TransportError, encode

_OUTPUT_TAIL = 2000


@dataclass(frozen=True)
class ScenarioOutcome:
    """What one scenario produced: an encoded observation, or a one-line error about student code."""

    check_id: str
    payload: bytes | None
    error: str | None
    seconds: float
    output: str = ""


def seed_everything(seed: int) -> None:
    """Seed every RNG student code might draw from, so a run is reproducible from its seed."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def run_scenario(student: StudentCode, check_id: str, seed: int) -> ScenarioOutcome:
    """Run the scenario of ``check_id``; never raises for anything student code does."""
    scenario = all_scenarios()[check_id]
    out = io.StringIO()
    start = time.perf_counter()
    cwd = os.getcwd()
    error, payload = None, None
    try:
        seed_everything(seed)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            observation = scenario(student, seed)
        payload = encode(observation)
    except StudentCodeError as exc:
        error = str(exc)
    except NotImplementedError as exc:
        where = student_frame(exc, student.package_dir)
        name = where.split(" in ")[1].split(":")[0] if " in " in where else "a function"
        error = f"`{name}` is not implemented yet (it still raises NotImplementedError)"
    except TransportError as exc:
        error = f"the result could not be read back: {exc}"
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt: all the student's
        error = describe_exception(exc, student.package_dir)
    finally:
        with contextlib.suppress(OSError):
            os.chdir(cwd)
    return ScenarioOutcome(check_id, payload, error, time.perf_counter() - start,
                           out.getvalue()[-_OUTPUT_TAIL:])
