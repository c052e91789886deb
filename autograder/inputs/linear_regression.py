"""Seeded inputs for the linear regression checks (shared by scenarios and verdicts)."""
from __future__ import annotations

import torch

from autograder.inputs import generator

# synthetic_data: enough examples for tight statistical bounds, still a millisecond to draw.
SYNTH_N = 2000
SYNTH_D = 3

# data_iter: 103 examples in batches of 10 leaves a partial batch of 3 (the classic drop).
ITER_N = 103
ITER_BATCH = 10
ITER_ONE_N = 7

# load_array: 53 examples in batches of 8 (last batch 5).
LOAD_N = 53
LOAD_BATCH = 8


def synth_params(seed: int) -> tuple[torch.Tensor, float, int]:
    """`(w, b, num_examples)` for synthetic_data: w of shape (3,) float32, b a Python float."""
    g = generator(seed, "synth.wb")
    w = (torch.rand(SYNTH_D, generator=g) * 6 - 3).to(torch.float32)
    u = torch.rand(2, generator=g)
    b = float((1 + 3 * u[0]) * (1 if u[1] < 0.5 else -1))   # |b| in [1, 4]: a missing b shows
    return w, b, SYNTH_N


def indexed_data(seed: int, tag: str, n: int, d: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (n, d) float32 whose column 0 is the row index, and labels (n, 1) = -index - 0.25.

    The index column identifies each row in a batch; the labels make the pairing checkable.
    All values are exact in float32.
    """
    g = generator(seed, tag)
    features = torch.randn(n, d, generator=g, dtype=torch.float32)
    features[:, 0] = torch.arange(n, dtype=torch.float32)
    labels = (-torch.arange(n, dtype=torch.float32) - 0.25).reshape(-1, 1)
    return features, labels


def iter_data(seed: int, tag: str = "iter.data") -> tuple[torch.Tensor, torch.Tensor, int]:
    features, labels = indexed_data(seed, tag, ITER_N)
    return features, labels, ITER_BATCH


def iter_one_data(seed: int) -> tuple[torch.Tensor, torch.Tensor, int]:
    features, labels = indexed_data(seed, "iter.one", ITER_ONE_N)
    return features, labels, 1


def load_data(seed: int, tag: str = "load.data") -> tuple[torch.Tensor, torch.Tensor, int]:
    features, labels = indexed_data(seed, tag, LOAD_N, d=2)
    return features, labels, LOAD_BATCH


def linreg_inputs(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """X (6, 4), w (4, 1), b (1,), all float64."""
    g = generator(seed, "linreg")
    X = torch.randn(6, 4, generator=g, dtype=torch.float64)
    w = torch.randn(4, 1, generator=g, dtype=torch.float64)
    b = torch.randn(1, generator=g, dtype=torch.float64) + 2.0
    return X, w, b


def loss_inputs(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """y_hat (7, 1) and y (7,), float64, with every |y_hat - y| >= 0.1 (away from the kink of |d|)."""
    g = generator(seed, "squared_loss")
    y_hat = torch.randn(7, 1, generator=g, dtype=torch.float64)
    mag = 0.1 + torch.rand(7, generator=g, dtype=torch.float64) * 2
    sign = torch.where(torch.rand(7, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
    y = y_hat.reshape(-1) - sign * mag
    return y_hat, y


def sgd_case(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, float, int]:
    """`(w, b, w_grad, b_grad, lr, batch_size)`: float64 parameters and gradients, batch_size >= 2."""
    g = generator(seed, "sgd")
    w = torch.randn(4, 1, generator=g, dtype=torch.float64)
    b = torch.randn(1, generator=g, dtype=torch.float64)
    w_grad = torch.randn(4, 1, generator=g, dtype=torch.float64) * 5
    b_grad = torch.randn(1, generator=g, dtype=torch.float64) * 5
    # keep gradients away from 0 so every component of the step is visible
    w_grad = w_grad + torch.sign(w_grad) * 0.5
    b_grad = b_grad + torch.sign(b_grad) * 0.5
    lr = round(0.05 + float(torch.rand((), generator=g)) * 0.45, 3)
    batch_size = int(torch.randint(4, 33, (), generator=g))
    return w, b, w_grad, b_grad, lr, batch_size
