"""The registry of scenario halves, keyed by check id."""
from __future__ import annotations

import importlib
from typing import Any, Callable

ScenarioFn = Callable[[Any, int], dict]
SCENARIOS: dict[str, ScenarioFn] = {}
_MODULES = ("preliminaries", "linear_regression", "softmax_regression", "softmax_training", "mlp", "activations",
            "regularization", "house_prices", "model_selection", "optimizers",
            "convergence")


def scenario(check_id: str) -> Callable[[ScenarioFn], ScenarioFn]:
    """Register ``fn(student, seed) -> observation`` as the scenario of ``check_id``."""
    def register(fn: ScenarioFn) -> ScenarioFn:
        if check_id in SCENARIOS:
            raise ValueError(f"scenario {check_id!r} registered twice")
        SCENARIOS[check_id] = fn
        return fn
    return register


def all_scenarios() -> dict[str, ScenarioFn]:
    """Import every scenario module once and return the full registry."""
    for name in _MODULES:
        importlib.import_module(f"autograder.scenarios.{name}")
    return SCENARIOS
