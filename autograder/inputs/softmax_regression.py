"""Seeded inputs for the softmax regression checks (shared by scenarios and verdicts).

Every builder takes the run seed and draws from its own ``generator(seed, tag)``, so the verdict
regenerates exactly the tensors the scenario fed to the student's code.
"""
from __future__ import annotations

import torch

from autograder.inputs import generator

# load_data_fashion_mnist is called as the book does; one batch per iterator keeps it fast.
LOAD_BATCH_SIZE = 32
LOAD_RESIZE = 64
FASHION_TRAIN_SIZE = 60_000
FASHION_TEST_SIZE = 10_000


def _int(g: torch.Generator, low: int, high: int) -> int:
    """An integer in [low, high] (inclusive)."""
    return int(torch.randint(low, high + 1, (1,), generator=g))


# ---------------------------------------------------------------- softmax

def softmax_cases(seed: int) -> list[torch.Tensor]:
    """Moderate logits: a square float64 matrix (so a missing keepdim gives wrong values instead
    of a shape error), a non-square float32 matrix, a single float64 row, a float32 matrix."""
    g = generator(seed, "softmax.cases")
    m = _int(g, 3, 6)
    n, q = _int(g, 2, 8), _int(g, 3, 9)
    if n == q:
        q += 1
    r = _int(g, 2, 6)
    return [
        torch.randn(m, m, generator=g, dtype=torch.float64) * 3,
        torch.randn(n, q, generator=g, dtype=torch.float32) * 4,
        torch.randn(1, _int(g, 2, 10), generator=g, dtype=torch.float64) * 3,
        torch.randn(r, 10, generator=g, dtype=torch.float32) * 2,
    ]


def softmax_large(seed: int) -> list[torch.Tensor]:
    """Logits around +-1000, in float32 and float64: exp overflows (or underflows) in both.

    Row 0: all near +1000; row 1: moderate values with one +1000; row 2: all near -1000.
    """
    g = generator(seed, "softmax.large")
    cases = []
    for dtype in (torch.float32, torch.float64):
        q = _int(g, 3, 6)
        X = torch.randn(3, q, generator=g, dtype=torch.float64) * 3
        X[0] += 1000.0
        X[1, _int(g, 0, q - 1)] += 1000.0
        X[2] -= 1000.0
        cases.append(X.to(dtype))
    return cases


def softmax_grad_input(seed: int) -> torch.Tensor:
    """A small float64 matrix for the gradient check."""
    return torch.randn(3, 4, generator=generator(seed, "softmax.grad"), dtype=torch.float64)


# ---------------------------------------------------------------- cross_entropy

def _probabilities(g: torch.Generator, n: int, q: int, dtype: torch.dtype) -> torch.Tensor:
    """Rows of positive probabilities (each entry >= ~0.01), summing to 1."""
    u = torch.rand(n, q, generator=g, dtype=torch.float64) + 0.05
    return (u / u.sum(1, keepdim=True)).to(dtype)


def cross_entropy_cases(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(y_hat, y) pairs with n != q, so a (n, n) result from `y_hat[:, y]` is recognisable."""
    g = generator(seed, "cross_entropy.cases")
    cases = []
    for dtype in (torch.float64, torch.float32):
        n = _int(g, 3, 7)
        q = n + _int(g, 1, 4)
        y_hat = _probabilities(g, n, q, dtype)
        y = torch.randint(0, q, (n,), generator=g)
        cases.append((y_hat, y))
    return cases


def cross_entropy_grad_input(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = generator(seed, "cross_entropy.grad")
    y_hat = _probabilities(g, 4, 5, torch.float64)
    return y_hat, torch.randint(0, 5, (4,), generator=g)


# ---------------------------------------------------------------- accuracy

def accuracy_scores(seed: int) -> tuple[torch.Tensor, torch.Tensor, int]:
    """(scores (n, q) float64, labels (n,) int64, number correct): exactly k of n are right,
    2 <= k <= n - 2, so a count is never mistaken for a fraction."""
    g = generator(seed, "accuracy.scores")
    n, q = 10, _int(g, 3, 6)
    scores = torch.randn(n, q, generator=g, dtype=torch.float64)
    pred = scores.argmax(1)
    k = _int(g, 2, n - 2)
    right = torch.zeros(n, dtype=torch.bool)
    right[torch.randperm(n, generator=g)[:k]] = True
    shift = torch.randint(1, q, (n,), generator=g)
    y = torch.where(right, pred, (pred + shift) % q)
    return scores, y, k


def accuracy_labels(seed: int) -> tuple[torch.Tensor, torch.Tensor, int]:
    """(predicted labels (n,) int64, labels (n,) int64, number correct), 2 <= k <= n - 2."""
    g = generator(seed, "accuracy.labels")
    n, q = 12, 10
    pred = torch.randint(0, q, (n,), generator=g)
    k = _int(g, 2, n - 2)
    right = torch.zeros(n, dtype=torch.bool)
    right[torch.randperm(n, generator=g)[:k]] = True
    shift = torch.randint(1, q, (n,), generator=g)
    y = torch.where(right, pred, (pred + shift) % q)
    return pred, y, k


# ---------------------------------------------------------------- Accumulator

def _exact_value(g: torch.Generator, kind: int):
    """An int, a float or a 0-d float32 tensor; all multiples of 0.25, so every sum is exact."""
    quarters = _int(g, -40, 80)
    if kind == 0:
        return quarters // 4
    if kind == 1:
        return quarters / 4
    return torch.tensor(quarters / 4, dtype=torch.float32)


def accumulator_adds(seed: int, tag: str, rows: int) -> tuple[int, list[list]]:
    """(n, [args of each add]): each add passes n values, mixing ints, floats and 0-d tensors."""
    g = generator(seed, f"Accumulator.{tag}")
    n = _int(g, 2, 4)
    adds = [[_exact_value(g, (i + j) % 3) for j in range(n)] for i in range(rows)]
    return n, adds


# ---------------------------------------------------------------- evaluate_accuracy

def eval_batches(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Batches of scores (b, q) float64 and labels (b,): k full batches of size B with at most
    half correct, then a short last batch (2..5 examples) that is entirely correct.

    The mean of per-batch accuracies then always exceeds the overall fraction (the short batch
    weighs 1/(k+1) in the former, r/(kB+r) < 1/(k+1) in the latter), so that mistake is always
    recognisable.
    """
    g = generator(seed, "evaluate_accuracy.batches")
    q, B, k, r = _int(g, 3, 6), _int(g, 10, 16), _int(g, 2, 3), _int(g, 2, 5)
    batches = []
    for i in range(k + 1):
        b = B if i < k else r
        scores = torch.randn(b, q, generator=g, dtype=torch.float64)
        pred = scores.argmax(1)
        n_right = _int(g, 1, B // 2) if i < k else b
        right = torch.zeros(b, dtype=torch.bool)
        right[torch.randperm(b, generator=g)[:n_right]] = True
        shift = torch.randint(1, q, (b,), generator=g)
        batches.append((scores, torch.where(right, pred, (pred + shift) % q)))
    return batches


def eval_mode_batches(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Batches of scores (b, q) float64 and labels (b,) for the evaluation-mode check: the label
    is argmax(scores) for a drawn part of the examples (at least one, never all) and otherwise a
    class that is neither the argmax nor the argmin. A net that returns the scores in evaluation
    mode and their negation in training mode is then right on exactly that part in evaluation
    mode and wrong on every example in training mode."""
    g = generator(seed, "evaluate_accuracy.eval_mode")
    q, B, k = _int(g, 4, 6), _int(g, 6, 10), _int(g, 2, 3)
    n = B * k
    n_right = _int(g, 1, n - 1)
    right = torch.zeros(n, dtype=torch.bool)
    right[torch.randperm(n, generator=g)[:n_right]] = True
    scores = torch.randn(n, q, generator=g, dtype=torch.float64)
    top, bottom = scores.argmax(1), scores.argmin(1)
    other = torch.empty(n, dtype=torch.long)
    for i in range(n):
        choices = [c for c in range(q) if c not in (int(top[i]), int(bottom[i]))]
        other[i] = choices[_int(g, 0, len(choices) - 1)]
    labels = torch.where(right, top, other)
    return [(scores[i:i + B], labels[i:i + B]) for i in range(0, n, B)]


# ---------------------------------------------------------------- train_epoch_ch3

FEATURE_SHAPE = (1, 2, 3)   # each example is a tiny 1x2x3 "image", flattened to 6 features
NUM_FEATURES = 6
NUM_CLASSES = 4
LR_CUSTOM = 0.5
LR_OPTIM = 0.3


def train_batches(seed: int, tag: str) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """A fixed-order epoch: k full batches of size B and a partial last batch (float64)."""
    g = generator(seed, f"train_epoch_ch3.{tag}.batches")
    B, k = _int(g, 5, 9), _int(g, 2, 3)
    r = _int(g, 2, B - 1)
    batches = []
    for i in range(k + 1):
        b = B if i < k else r
        X = torch.randn(b, *FEATURE_SHAPE, generator=g, dtype=torch.float64) * 1.5
        y = torch.randint(0, NUM_CLASSES, (b,), generator=g)
        batches.append((X, y))
    return batches


def train_params(seed: int, tag: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Initial W (NUM_FEATURES, NUM_CLASSES) and b (NUM_CLASSES,), float64."""
    g = generator(seed, f"train_epoch_ch3.{tag}.params")
    W = torch.randn(NUM_FEATURES, NUM_CLASSES, generator=g, dtype=torch.float64) * 0.3
    b = torch.randn(NUM_CLASSES, generator=g, dtype=torch.float64) * 0.1
    return W, b


# ---------------------------------------------------------------- get_fashion_mnist_labels

def label_ids(seed: int) -> torch.Tensor:
    """Every class 0..9 once, in a random order, plus a few repeats (int64)."""
    g = generator(seed, "get_fashion_mnist_labels.ids")
    return torch.cat([torch.randperm(10, generator=g), torch.randint(0, 10, (3,), generator=g)])
