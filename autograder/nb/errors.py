"""The one error type of the nbgrader workflow, and reading nbgrader's API results."""
from __future__ import annotations

import logging
import re

from autograder.errors import EXIT_FAILED, EXIT_USAGE, GradingError


class NbError(GradingError):
    """A step cannot run (exit 2) or nbgrader reported a failure (exit 1); one line for the user."""


def quiet_logger() -> logging.Logger:
    """The logger nbgrader's API and converters write to: kept, never printed (results carry it)."""
    logger = logging.getLogger("autograder.nb.nbgrader")
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return logger


def failure_line(result: dict) -> str:
    """The most telling line of a failed nbgrader API call: its first logged error, else the
    exception at the end of its traceback."""
    for line in result.get("log", "").splitlines():
        if line.startswith("[ERROR]"):
            return line.removeprefix("[ERROR]").strip()
    lines = [line.strip() for line in result.get("error", "").splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    return re.sub(r"^[\w.]+(Error|Exception): ", "", lines[-1])  # drop "pkg.mod.ExchangeError: "


def checked(result: dict, what: str) -> dict:
    """``result`` of an nbgrader API call, or NbError (exit 1) saying what failed and why."""
    if not result.get("success"):
        raise NbError(f"nbgrader could not {what}: {failure_line(result)}", code=EXIT_FAILED)
    return result


def warnings_in(result: dict) -> list[str]:
    """The warnings nbgrader logged during a call."""
    return [line.removeprefix("[WARNING]").strip() for line in result.get("log", "").splitlines()
            if line.startswith("[WARNING]")]
