"""Seeded inputs for the mlp checks (relu, the MLP forward passes, dropout).

Both halves call these: the scenario feeds the tensors to student code, the verdict rebuilds them
from the same seed to compute what was expected. Sizes and probabilities that the verdicts need
to know are module constants.
"""
from __future__ import annotations

import torch

from autograder.inputs import generator

F64 = torch.float64

# ---------------------------------------------------------------------------------------- relu

RELU_SHAPES: tuple[tuple[tuple[int, ...], torch.dtype], ...] = (
    ((7,), torch.float64), ((4, 5), torch.float64), ((2, 3, 4), torch.float64),
    ((6, 8), torch.float32), ((3, 1, 5), torch.float32),
)
RELU_GAP = 0.1  # every relu input is at least this far from the kink at 0


def _away_from_zero(shape, dtype, g: torch.Generator, gap: float) -> torch.Tensor:
    """Normal draws pushed at least ``gap`` away from 0, keeping their sign (both signs present)."""
    x = torch.randn(shape, generator=g, dtype=F64)
    x = torch.where(x >= 0, x + gap, x - gap)
    flat = x.reshape(-1)
    if flat.numel() >= 2:  # make sure both branches of relu are exercised
        flat[0] = flat[0].abs()
        flat[1] = -flat[1].abs()
    return x.to(dtype)


def relu_inputs(seed: int) -> list[torch.Tensor]:
    """Several tensors (float32 and float64, 1-3 dims) with entries |x| >= RELU_GAP."""
    return [_away_from_zero(shape, dtype, generator(seed, f"relu.x{i}"), RELU_GAP)
            for i, (shape, dtype) in enumerate(RELU_SHAPES)]


def relu_grad_input(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A float64 (4, 5) input away from the kink and the upstream gradient for backward."""
    g = generator(seed, "relu.grad")
    x = _away_from_zero((4, 5), F64, g, RELU_GAP)
    upstream = torch.randn(4, 5, generator=g, dtype=F64)
    return x, upstream


# ----------------------------------------------------------------------------- initialisation

MLP_SIZES = (300, 100, 10)             # init_mlp_params(num_inputs, num_hiddens, num_outputs)
MLP_WEIGHT_STD = 0.01
DROPOUT_MLP_SIZES = (300, 120, 80, 10)  # init_dropout_mlp_params(...)
DROPOUT_MLP_WEIGHT_STDS = (0.01, 0.1)  # any std from the book's 0.01 to 0.1 is right
SMALL_MLP_SIZES = (20, 8, 3)           # for "two calls give different weights"
SMALL_DROPOUT_MLP_SIZES = (20, 8, 6, 3)


# --------------------------------------------------------------------------------- mlp forward

MLP_IMAGE_SHAPE = (5, 1, 4, 4)  # image-like batch; num_inputs = 16
MLP_HIDDENS, MLP_OUTPUTS = 8, 3
KINK_GAP = 0.01  # every hidden pre-activation is at least this far from 0 (gradient well defined)


def mlp_case(seed: int) -> tuple[torch.Tensor, list[torch.Tensor], torch.Tensor]:
    """Image-shaped float64 X, params [W1, b1, W2, b2] (non-zero biases) and an upstream gradient.

    Redrawn (deterministically) until no hidden pre-activation is within KINK_GAP of 0, so that
    finite differences never straddle the kink of relu.
    """
    n = MLP_IMAGE_SHAPE[0]
    num_inputs = MLP_IMAGE_SHAPE[1] * MLP_IMAGE_SHAPE[2] * MLP_IMAGE_SHAPE[3]
    for attempt in range(1000):
        g = generator(seed, f"mlp.case.{attempt}")
        X = torch.randn(MLP_IMAGE_SHAPE, generator=g, dtype=F64)
        W1 = torch.randn(num_inputs, MLP_HIDDENS, generator=g, dtype=F64) / num_inputs ** 0.5
        b1 = torch.randn(MLP_HIDDENS, generator=g, dtype=F64) * 0.5
        W2 = torch.randn(MLP_HIDDENS, MLP_OUTPUTS, generator=g, dtype=F64)
        b2 = torch.randn(MLP_OUTPUTS, generator=g, dtype=F64)
        upstream = torch.randn(n, MLP_OUTPUTS, generator=g, dtype=F64)
        Z = X.reshape(n, num_inputs) @ W1 + b1
        if Z.abs().min() >= KINK_GAP and (Z > 0).any() and (Z < 0).any():
            return X, [W1, b1, W2, b2], upstream
    raise RuntimeError("mlp_case: no kink-free draw")  # pragma: no cover - probability ~ 0


# ------------------------------------------------------------------------------------ dropout

DROPOUT_SHAPE = (200, 250)             # 50,000 entries for the statistical checks
DROPOUT_PS = (0.2, 0.5, 0.8)
DROPOUT_SMALL_SHAPE = (8, 8)           # for p = 0 and p = 1
DROPOUT_IN_PLACE_PS = (0.0, 0.5, 1.0)  # not in place at every kind of dropout, the ends included
DROPOUT_FRESH_SHAPE = (1000,)
DROPOUT_FRESH_P = 0.5


def dropout_input(seed: int, tag: str, shape=DROPOUT_SHAPE) -> torch.Tensor:
    """A float32 tensor with entries in [0.5, 1.5): never 0, so a 0 in the output was dropped."""
    return torch.rand(shape, generator=generator(seed, f"dropout.{tag}")) + 0.5


# -------------------------------------------------------------------------------- dropout_mlp

DMLP_IMAGE_SHAPE = (6, 1, 4, 4)        # num_inputs = 16
DMLP_HIDDENS1, DMLP_HIDDENS2, DMLP_OUTPUTS = 12, 8, 5


def dropout_mlp_case(seed: int) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Image-shaped float64 X and params [W1, b1, W2, b2, W3, b3] with non-zero biases.

    b2 has at least one clearly positive and one clearly negative entry, so relu(b2) @ W3 + b3
    (the output when the whole first hidden layer is dropped) differs from b3 (the output when
    the second is dropped).
    """
    g = generator(seed, "dropout_mlp.case")
    num_inputs = DMLP_IMAGE_SHAPE[1] * DMLP_IMAGE_SHAPE[2] * DMLP_IMAGE_SHAPE[3]
    X = torch.randn(DMLP_IMAGE_SHAPE, generator=g, dtype=F64)
    W1 = torch.randn(num_inputs, DMLP_HIDDENS1, generator=g, dtype=F64) / num_inputs ** 0.5
    b1 = torch.randn(DMLP_HIDDENS1, generator=g, dtype=F64) * 0.5
    W2 = torch.randn(DMLP_HIDDENS1, DMLP_HIDDENS2, generator=g, dtype=F64) / DMLP_HIDDENS1 ** 0.5
    b2 = torch.randn(DMLP_HIDDENS2, generator=g, dtype=F64)
    b2[0] = b2[0].abs() + 0.5
    b2[1] = -b2[1].abs() - 0.5
    W3 = torch.randn(DMLP_HIDDENS2, DMLP_OUTPUTS, generator=g, dtype=F64)
    b3 = torch.randn(DMLP_OUTPUTS, generator=g, dtype=F64)
    return X, [W1, b1, W2, b2, W3, b3]
