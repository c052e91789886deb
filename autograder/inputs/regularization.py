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


# ---------------------------------------------------------------- train_concise
# Full-batch gradient descent on a small problem converges to the closed-form ridge solution, so
# the verdict can say exactly where a correct train_concise ends up (from any initial parameters).
CONCISE_N, CONCISE_D = 20, 3
CONCISE_EPOCHS, CONCISE_LR = 200, 0.1
CONCISE_WDS = (3.0, 0.5)
CONCISE_BIAS = 5.0


def concise_data(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """X (20, 3) and y (20, 1), float32: y = X w + 5 + noise, the bias far from 0, so that a bias
    that is decayed too (shrunk towards 0) shows."""
    g = generator(seed, "concise.data")
    X = torch.randn(CONCISE_N, CONCISE_D, generator=g)
    w = torch.randn(CONCISE_D, 1, generator=g) * 2
    y = X @ w + CONCISE_BIAS + 0.1 * torch.randn(CONCISE_N, 1, generator=g)
    return X, y


def ridge(X: torch.Tensor, y: torch.Tensor, wd_weight: float, wd_bias: float = 0.0) -> torch.Tensor:
    """The minimiser [w; b] (float64) of mean((X w + b - y)^2) + wd_weight |w|^2 / 2
    + wd_bias b^2 / 2: where full-batch SGD on nn.MSELoss (no 1/2) with those weight decays
    converges. The MSE's gradient carries a factor 2, so the decay acts as wd / 2 on mean / 2."""
    A = torch.cat([X.double(), torch.ones(X.shape[0], 1, dtype=torch.float64)], 1)
    n = A.shape[0]
    decay = torch.diag(torch.tensor([wd_weight] * X.shape[1] + [wd_bias], dtype=torch.float64))
    return torch.linalg.solve(A.T @ A / n + decay / 2, A.T @ y.double() / n)


# ---------------------------------------------------------------- log_rmse, train_house, k_fold
HOUSE_TRAIN, HOUSE_TEST, HOUSE_D = 96, 48, 6
HOUSE_EPOCHS, HOUSE_LR, HOUSE_BATCH = 30, 1.0, 16
HOUSE_DECAY = 200.0


def house_data(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Prices in the tens (float32, (n, 1)), linear in 6 standardised features plus noise, as the
    book's house prices are after its preprocessing: (train_X, train_y, test_X, test_y)."""
    g = generator(seed, "house.data")
    n = HOUSE_TRAIN + HOUSE_TEST
    X = torch.randn(n, HOUSE_D, generator=g)
    w = torch.randn(HOUSE_D, 1, generator=g)
    y = (X @ w + 20 + 0.5 * torch.randn(n, 1, generator=g)).clamp(min=2.0)
    return X[:HOUSE_TRAIN], y[:HOUSE_TRAIN], X[HOUSE_TRAIN:], y[HOUSE_TRAIN:]


def log_rmse_case(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(features (12, 2), weight (2, 1), labels (12, 1)), float32: the net is features @ weight;
    three of its predictions are below 1 (two of them below 0), where the clamp matters; every
    label is positive."""
    g = generator(seed, "log_rmse")
    features = torch.rand(12, 2, generator=g) * 4 + 1
    weight = torch.tensor([[2.0], [1.5]])
    features[:3, 0] = torch.tensor([-2.0, -1.2, -0.4])
    features[:3, 1] = torch.tensor([0.5, 0.4, 0.8])
    labels = ((features @ weight).abs() + 1) * (1 + 0.3 * torch.randn(12, 1, generator=g)).abs() + 0.5
    return features, weight, labels


def kfold_train_data(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """X (23, 4) and y (23, 1), float32, each label distinct, for k_fold with a stand-in
    train_house."""
    g = generator(seed, "kfold.train")
    X = torch.randn(23, 4, generator=g)
    y = torch.rand(23, 1, generator=g) * 10 + 1
    return X, y


KFOLD_HYPER = (7, 0.25, 0.125, 8)   # num_epochs, learning_rate, weight_decay, batch_size
