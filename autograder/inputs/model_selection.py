"""Seeded inputs for the model-selection checks (d2l 4.4, polynomial regression): columns of x for
poly_features, uneven batches for evaluate_loss, and the book's data for train_poly.

The book's data: x ~ N(0, 1), 100 training and 100 test examples, the features x^i / i! for
i = 0 .. 19 and labels 5 + 1.2 x - 3.4 x^2 / 2! + 5.6 x^3 / 3! plus N(0, 0.1^2) noise, in float32
(the book converts its numpy arrays to float32 tensors).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from autograder.inputs import generator

MAX_DEGREE = 20
N_TRAIN = N_TEST = 100
TRUE_W = (5.0, 1.2, -3.4, 5.6)
NOISE_STD = 0.1
LR, BATCH_SIZE = 0.01, 10      # the book's train(): what a correct train_poly uses

# Epochs of each train_poly run: the third-order fit (the book trains 400; the pass mark in the
# verdicts' calibration file is measured at this count), the curves and the model structure.
THIRD_ORDER_EPOCHS = 100
CURVE_EPOCHS = 12
MODEL_EPOCHS = 1
MODEL_DEGREES = (2, 20)


def _int(g: torch.Generator, low: int, high: int) -> int:
    """A drawn integer in low..high (both included)."""
    return int(torch.randint(low, high + 1, (), generator=g))


def global_seed(seed: int, tag: str) -> int:
    """The seed for torch's global RNG before a train_poly call: student code draws its nn.Linear
    initialisation and its DataLoader's shuffling from it."""
    return _int(generator(seed, f"{tag}.torch_seed"), 0, 2**31 - 1)


# ---------------------------------------------------------------- the features, known-good

def factorials(max_degree: int) -> torch.Tensor:
    """0!, 1!, ..., (max_degree - 1)! in float64."""
    return torch.tensor([float(math.factorial(i)) for i in range(max_degree)], dtype=torch.float64)


def polynomial(x: torch.Tensor, max_degree: int, *, start: int = 0,
               divide_by: torch.Tensor | None = None) -> torch.Tensor:
    """Column j is x^(start + j) / divide_by[j] (by default (start + j)!), for j < max_degree;
    computed in float64 and returned in x's dtype. The verdicts also build the mistakes with it."""
    x64 = x.detach().to(torch.float64).reshape(-1, 1)
    exponents = torch.arange(start, start + max_degree, dtype=torch.float64)
    columns = torch.pow(x64, exponents)
    if divide_by is None:
        divide_by = torch.tensor([float(math.factorial(int(k))) for k in exponents.tolist()],
                                 dtype=torch.float64)
    return (columns / divide_by).to(x.dtype)


def poly_cases(seed: int) -> list[tuple[torch.Tensor, int]]:
    """(x of shape (n, 1), max_degree) pairs: float64 and float32 columns of |x| up to 3 (so the
    powers differ from each other) and degrees 1, 20 and others drawn."""
    g = generator(seed, "poly_features.cases")
    cases = []
    for dtype, degree in ((torch.float64, 4), (torch.float64, 1), (torch.float64, 20),
                          (torch.float32, _int(g, 3, 8)), (torch.float32, 20),
                          (torch.float64, _int(g, 5, 12))):
        n = _int(g, 3, 9)
        x = (torch.rand(n, 1, generator=g, dtype=torch.float64) * 6 - 3).to(dtype)
        x[0, 0] = 2.5 if x[0, 0] >= 0 else -2.5        # one value well away from 0 and 1
        cases.append((x, degree))
    return cases


# ---------------------------------------------------------------- evaluate_loss

class FixedLinear(nn.Module):
    """The model evaluate_loss is handed: out = X w + b with fixed float32 parameters, (b, 1)."""

    def __init__(self, w: torch.Tensor, b: torch.Tensor):
        super().__init__()
        self.w = nn.Parameter(w.clone())
        self.b = nn.Parameter(b.clone())

    def forward(self, X):
        return X @ self.w + self.b


def eval_case(seed: int) -> tuple[torch.Tensor, torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
    """(w (d, 1), b (1,), batches): k full batches of B examples and a last one of r < B, float32
    features (b, d) and labels of shape (b,) (a missing reshape broadcasts (b, 1) - (b,) to
    (b, b)). The last batch is fitted worse than the others, so the mean of the batch means
    differs from the mean over all examples."""
    g = generator(seed, "evaluate_loss.case")
    d, B, k, r = _int(g, 2, 4), _int(g, 5, 8), _int(g, 2, 3), _int(g, 2, 4)
    w = torch.randn(d, 1, generator=g, dtype=torch.float64)
    b = torch.randn(1, generator=g, dtype=torch.float64)
    batches = []
    for i in range(k + 1):
        size = B if i < k else r
        X = torch.randn(size, d, generator=g, dtype=torch.float64)
        noise = torch.randn(size, generator=g, dtype=torch.float64) * (0.5 if i < k else 3.0)
        y = (X @ w).reshape(-1) + b + noise
        batches.append((X.float(), y.float()))
    return w.float(), b.float(), batches


# the losses evaluate_loss is called with, by name: the book's, and the absolute error
EVAL_LOSSES = ("squared", "absolute")


def eval_loss_fn(name: str) -> nn.Module:
    return nn.MSELoss(reduction="none") if name == "squared" else nn.L1Loss(reduction="none")


def evaluate_loss_known_good(net, data_iter, loss):
    """A known-good evaluate_loss (the mean per-example loss, summed in float64), swapped in for
    the student's while train_poly is graded, so that train_poly's checks judge train_poly."""
    total, count = torch.zeros((), dtype=torch.float64), 0
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            per_example = loss(out, y.reshape(out.shape))
            total = total + per_example.double().sum()
            count += per_example.numel()
    return float(total) / count


# ---------------------------------------------------------------- train_poly

def book_data(seed: int, tag: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The book's features (200, MAX_DEGREE) and labels (200,), float32: the first N_TRAIN rows
    train, the rest test."""
    g = generator(seed, f"{tag}.data")
    x = torch.randn(N_TRAIN + N_TEST, 1, generator=g, dtype=torch.float64)
    features = polynomial(x, MAX_DEGREE)
    true_w = torch.zeros(MAX_DEGREE, dtype=torch.float64)
    true_w[:len(TRUE_W)] = torch.tensor(TRUE_W, dtype=torch.float64)
    labels = features @ true_w
    labels = labels + NOISE_STD * torch.randn(labels.shape, generator=g, dtype=torch.float64)
    return features.float(), labels.float()


def split(features: torch.Tensor, labels: torch.Tensor, degree: int):
    """(train_features, test_features, train_labels, test_labels) of the first ``degree`` columns,
    in train_poly's argument order."""
    return (features[:N_TRAIN, :degree].clone(), features[N_TRAIN:, :degree].clone(),
            labels[:N_TRAIN].clone(), labels[N_TRAIN:].clone())


def fit_inputs(seed: int, tag: str, degree: int):
    """train_poly's four tensors for one run."""
    return split(*book_data(seed, tag), degree)
