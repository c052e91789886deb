"""What the trusted side keeps of one check once its verdict is in (no torch needed to hold it)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class CheckRecord:
    """How one hidden check went."""

    check_id: str
    passed: bool
    message: str
    seconds: float
    student_output: str = ""
    curves: dict[str, list[float]] = field(default_factory=dict)
    functions: tuple[str, ...] | None = None  # whom a failure is charged to, when not the rubric's
    crashed: bool = False                     # the student's code raised, hung or died (no verdict)


CURVE_KEYS = ("train_loss", "train_acc", "test_acc")


def training_curves(observation: dict | None) -> dict[str, list[float]]:
    """The per-epoch curves of a convergence observation, as plain floats (NaN where unreadable)."""
    curves: dict[str, list[float]] = {}
    for key in CURVE_KEYS:
        values = (observation or {}).get(key)
        if not isinstance(values, list):
            continue
        points = []
        for value in values[:1000]:
            try:
                number = float(value.reshape(()).item()) if hasattr(value, "reshape") else float(value)
            except (TypeError, ValueError, RuntimeError, AttributeError):
                number = math.nan
            points.append(number)
        curves[key] = points
    return curves
