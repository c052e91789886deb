"""Seeded inputs for the regularization checks."""
from __future__ import annotations

import torch

from autograder.inputs import generator


def weights(seed: int) -> torch.Tensor:
    """A float64 weight matrix (5, 3) for l2_penalty."""
    return torch.randn(5, 3, generator=generator(seed, "l2.w"), dtype=torch.float64)


def _pair_with_gaps(g: torch.Generator, magnitudes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """y_hat (n, 1) and y (n,) float64 with y_hat - y = +-magnitudes (random signs)."""
    n = magnitudes.numel()
    y_hat = torch.randn(n, 1, generator=g, dtype=torch.float64)
    sign = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
    y = y_hat.reshape(-1) - sign * magnitudes
    return y_hat, y


def l1_inputs(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """y_hat (7, 1) and y (7,), float64, every |y_hat - y| >= 0.1 (away from the kink at 0)."""
    g = generator(seed, "l1")
    mags = 0.1 + torch.rand(7, generator=g, dtype=torch.float64) * 2
    return _pair_with_gaps(g, mags)


# huber_loss is called with the default delta (None here: the argument is left out), then 0.5
# and 2: deltas on both sides of 1, where the old formula |d| - delta / 2 beyond delta (right
# only for delta = 1) and a delta that is ignored are both caught.
HUBER_DELTAS = (None, 0.5, 2.0)


def huber_inputs(seed: int, delta: float | None) -> tuple[torch.Tensor, torch.Tensor]:
    """y_hat (8, 1) and y (8,), float64: 4 differences inside (0.05 delta <= |d| <= 0.9 delta) and
    4 outside (1.1 delta <= |d| <= 3.1 delta) the quadratic zone, shuffled; none near the kink at
    |d| = delta, where the two pieces meet (and the second derivative jumps)."""
    g = generator(seed, f"huber.{delta}")
    scale = 1.0 if delta is None else delta
    inside = 0.05 + torch.rand(4, generator=g, dtype=torch.float64) * 0.85
    outside = 1.1 + torch.rand(4, generator=g, dtype=torch.float64) * 2.0
    mags = torch.cat([inside, outside])[torch.randperm(8, generator=g)] * scale
    return _pair_with_gaps(g, mags)


KFOLD_N = 23


def kfold_data(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """X (23, 3) float64 whose column 0 is the row index, y (23, 1) = -index - 0.5."""
    g = generator(seed, "kfold.data")
    X = torch.randn(KFOLD_N, 3, generator=g, dtype=torch.float64)
    X[:, 0] = torch.arange(KFOLD_N, dtype=torch.float64)
    y = (-torch.arange(KFOLD_N, dtype=torch.float64) - 0.5).reshape(-1, 1)
    return X, y


def kfold_cases(seed: int) -> list[tuple[int, int]]:
    """(k, i) pairs: first, middle and last folds, a k that divides nothing, and one drawn."""
    g = generator(seed, "kfold.cases")
    k = int(torch.randint(2, 7, (), generator=g))
    i = int(torch.randint(0, k, (), generator=g))
    return [(5, 0), (5, 2), (5, 4), (3, 1), (4, 3), (k, i)]
