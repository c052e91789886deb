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


def edit(base: str, *changes: tuple[str, str]) -> str:
    """``base`` with each ``(old, new)`` applied once; an ``old`` missing from it is an error (a
    replace that silently changed nothing would make the mistake the reference itself)."""
    for old, new in changes:
        if base.count(old) != 1:
            raise ValueError(f"catalogue edit: {old!r} occurs {base.count(old)} times, not once")
        base = base.replace(old, new)
    return base


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
