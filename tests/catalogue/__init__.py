"""The catalogue of realistic student mistakes and of other correct implementations.

Each entry replaces one function (or class) of the reference solutions with the source given:
the new definition is appended to the module, so it overrides the reference one. A mistake must be
caught by a failing check whose message contains ``expect`` (case-insensitive); a variant must
pass every check that grades its function.
"""
from __future__ import annotations

import importlib
import textwrap
from dataclasses import dataclass

CATALOGUE_MODULES = ("preliminaries", "linear_regression", "softmax_regression", "mlp", "activations",
                     "regularization", "model_selection", "optimizers")


@dataclass(frozen=True)
class Mistake:
    id: str
    module: str        # exercise module, e.g. "softmax_regression"
    function: str      # the contract function it breaks
    source: str        # the replacement definition(s), as a student would write them
    expect: str        # a phrase the failing check's message must contain


@dataclass(frozen=True)
class Variant:
    id: str
    module: str
    function: str
    source: str


def mutated_source(reference: str, replacement: str) -> str:
    """The reference module text with ``replacement`` appended (later definitions win)."""
    return reference.rstrip() + "\n\n\n# --- replaced for this catalogue entry ---\n" + \
        textwrap.dedent(replacement).strip() + "\n"


def all_entries() -> tuple[list[Mistake], list[Variant]]:
    mistakes, variants = [], []
    for name in CATALOGUE_MODULES:
        try:
            module = importlib.import_module(f"tests.catalogue.{name}")
        except ModuleNotFoundError:
            continue
        mistakes += getattr(module, "MISTAKES", [])
        variants += getattr(module, "VARIANTS", [])
    return mistakes, variants
