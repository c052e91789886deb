"""Scenario halves for the convergence checks: train the book's models and report the curves.

``convergence.<chapter>.<component>`` swaps exactly one student component in among the known-good
parts of ``autograder.harness.reference_parts``; ``convergence.<chapter>.all`` trains with every
student part the chapter's recipe uses. Test accuracy is measured by the harness
(``recipes.test_accuracy``); the student's ``evaluate_accuracy`` is only recorded, in ``.all``.
A scenario returns the curves and final numbers; the verdict compares them with the calibrated
pass marks in ``autograder/verdicts/thresholds.toml``.
"""
from __future__ import annotations

import contextlib
from typing import Any

from autograder.harness import recipes
from autograder.harness import reference_parts as ref
from autograder.harness.chapters import CHAPTERS
from autograder.harness.datasets import TensorBatches, fashion_tensors
from autograder.scenarios.observe import observe
from autograder.scenarios.registry import scenario

# Composite student functions whose helpers are replaced by known-good ones when the composite
# alone is graded, so that a failure names the composite, not the helper.
ISOLATE: dict[str, dict[str, Any]] = {
    "mlp": {"relu": ref.relu},
    "dropout_mlp": {"relu": ref.relu, "dropout_layer": ref.dropout_layer},
}

# Student parts the end-to-end runs call only indirectly (through the student's own mlp); they are
# graded by ``.all`` but not handed to the recipe.
_INDIRECT = {"relu", "dropout_layer"}


_COMPOSITE = {"mlp": "mlp", "dropout": "dropout_mlp"}


def _run(student, seed: int, chapter: str, names: tuple[str, ...], *, end_to_end: bool,
         reference: tuple[str, ...] = ()) -> dict:
    """Train ``chapter`` with the student's ``names``, except those in ``reference`` (parts that
    failed their own checks, replaced by known-good ones in the end-to-end rerun)."""
    students = tuple(n for n in names if n not in reference)
    through_composite = end_to_end and _COMPOSITE.get(chapter) in students
    overrides = {name: getattr(student, name) for name in students
                 if not (through_composite and name in _INDIRECT)}
    isolate = contextlib.nullcontext()
    if not end_to_end and names[0] in ISOLATE:
        isolate = student.swapped("mlp", **ISOLATE[names[0]])
    elif through_composite and set(reference) & _INDIRECT:
        isolate = student.swapped("mlp", **{n: getattr(ref, n) for n in reference if n in _INDIRECT})
    parts = ref.assemble(overrides)
    obs: dict[str, Any] = {"chapter": chapter, "student_parts": list(students),
                           "reference_parts": list(reference)}
    with isolate:
        try:
            result = _train(student, seed, chapter, parts, end_to_end)
        except recipes.RecipeProblem as exc:
            obs["problem"] = str(exc)[:400]
            return obs
    obs.update(result)
    return observe_all(obs)


def _train(student, seed: int, chapter: str, parts, end_to_end: bool) -> dict:
    """Run the chapter's recipe; for the Fashion-MNIST chapters of ``.all`` also record what the
    student's evaluate_accuracy says about the trained model."""
    if end_to_end and chapter in ("softmax_regression", "mlp", "dropout"):
        return recipes.RECIPES[chapter](parts, seed,
                                        after=lambda net: _evaluate_with_student(student, net))
    return recipes.RECIPES[chapter](parts, seed)


def _evaluate_with_student(student, net) -> dict:
    """The student's evaluate_accuracy on the trained model (recorded, never graded here)."""
    data = fashion_tensors()
    test_iter = TensorBatches(data.test_X, data.test_y, 256, shuffle=False)
    try:
        value = recipes.number(student.evaluate_accuracy(net, test_iter))
    except NotImplementedError:
        value = "evaluate_accuracy is not implemented yet"
    except Exception as exc:  # noqa: BLE001 - recorded, not graded: it must not fail this check
        value = f"evaluate_accuracy raised {type(exc).__name__}: {str(exc)[:120]}"
    return {"student_test_acc": value}


def observe_all(obs: dict) -> dict:
    """Pass every value through ``observe`` (tensors copied, odd objects described)."""
    out = {}
    for key, value in obs.items():
        if isinstance(value, dict):
            out[key] = {k: observe(v) for k, v in value.items()}
        elif isinstance(value, list):
            out[key] = [({k: observe(v) for k, v in item.items()} if isinstance(item, dict)
                         else observe(item)) for item in value][:128]
        else:
            out[key] = observe(value)
    return out


def _register(chapter: str, component: str, names: tuple[str, ...], end_to_end: bool) -> None:
    def run(student, seed, reference: tuple[str, ...] = ()):
        return _run(student, seed, chapter, names, end_to_end=end_to_end, reference=reference)

    run.__name__ = f"convergence_{chapter}_{component}"
    run.__doc__ = (f"Train {chapter} with the student's {', '.join(names)}"
                   + (" (end to end)." if end_to_end else " among reference parts."))
    scenario(f"convergence.{chapter}.{component}")(run)


for _chapter, (_singles, _everything) in CHAPTERS.items():
    for _name in _singles:
        _register(_chapter, _name, (_name,), False)
    _register(_chapter, "all", _everything, True)
