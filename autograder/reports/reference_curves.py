"""The reference's training curves for a convergence check, to draw beside the student's.

Computed in the trusted process by running the chapter's recipe with every part known-good
(``recipes.RECIPES[chapter](reference_parts.assemble({}), seed)``) under the check's own seed, so
the two runs see the same initial weights and minibatch order. The Fashion-MNIST chapters need
``autograder.harness.datasets.configure(root)`` first (``grade_submission`` does it). Results are
cached per (chapter, seed) for the life of the process; the global RNGs are left as they were.
torch is imported only when a reference run is needed.
"""
from __future__ import annotations

import contextlib
import random
from typing import Iterator

from autograder.reports.curves import CURVE_KEYS, clean_series

_CACHE: dict[tuple[str, int], dict[str, list[float]]] = {}


def chapter_of(check_id: str) -> str | None:
    """``convergence.<chapter>.<part>`` -> chapter; None for a check that is not a convergence run."""
    parts = check_id.split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "convergence" else None


@contextlib.contextmanager
def _isolated() -> Iterator[None]:
    """Run a block on one thread, as the worker trains (tiny ops stall on thread hand-offs), and
    without disturbing Python's, NumPy's or torch's global random state."""
    import numpy as np
    import torch

    py_state, np_state, threads = random.getstate(), np.random.get_state(), torch.get_num_threads()
    torch.set_num_threads(1)
    with torch.random.fork_rng(devices=[]):
        try:
            yield
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
            torch.set_num_threads(threads)


def reference_curves(chapter: str, seed: int) -> dict[str, list[float]]:
    """Per-epoch ``train_loss``/``train_acc``/``test_acc`` (those the chapter records) of the
    reference run of ``chapter`` with ``seed``; raises ValueError for an unknown chapter."""
    from autograder.harness import recipes
    from autograder.harness.reference_parts import assemble

    key = (chapter, int(seed))
    if key not in _CACHE:
        recipe = recipes.RECIPES.get(chapter)
        if recipe is None:
            raise ValueError(f"no training recipe for {chapter!r}")
        with _isolated():
            result = recipe(assemble({}), int(seed))
        _CACHE[key] = {k: list(clean_series(k, result[k]).values) for k in CURVE_KEYS
                       if isinstance(result.get(k), list)}
    return {k: list(v) for k, v in _CACHE[key].items()}
