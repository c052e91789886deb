"""The registry of verdict halves, keyed by check id, and the failure they raise."""
from __future__ import annotations

import importlib
from typing import Any, Callable

VerdictFn = Callable[[dict, int], None]
VERDICTS: dict[str, VerdictFn] = {}
_MODULES = ("preliminaries", "preliminaries_linalg", "preliminaries_calculus",
            "linear_regression", "linear_data", "softmax_regression", "train_epoch",
            "fashion_data", "softmax_training", "mlp", "dropout",
            "activations", "initialization", "regularization", "house_prices", "model_selection",
            "optimizers", "convergence")


class Fail(AssertionError):
    """A check failed; ``str(self)`` is the message the student reads."""

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        self.observation: dict[str, Any] | None = None


def verdict(check_id: str) -> Callable[[VerdictFn], VerdictFn]:
    """Register ``fn(observation, seed)`` as the verdict of ``check_id``."""
    def register(fn: VerdictFn) -> VerdictFn:
        if check_id in VERDICTS:
            raise ValueError(f"verdict {check_id!r} registered twice")
        VERDICTS[check_id] = fn
        return fn
    return register


def all_verdicts() -> dict[str, VerdictFn]:
    """Import every verdict module once and return the full registry."""
    for name in _MODULES:
        importlib.import_module(f"autograder.verdicts.{name}")
    return VERDICTS
