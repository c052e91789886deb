"""Seeded inputs for the activation checks (sigmoid, tanh, their derivatives) and xavier_init.

Both halves call these: the scenario feeds the tensors to student code, the verdict rebuilds them
from the same seed to compute what was expected.
"""
from __future__ import annotations

import torch

from autograder.inputs import generator

F64 = torch.float64

# ------------------------------------------------------------------------- sigmoid, tanh, grads

# Shapes and dtypes of the value inputs: 1-3 dims, float64 mostly (the verdicts compare at
# float64 precision) and one float32 (the dtype must be kept).
VALUE_SHAPES: tuple[tuple[tuple[int, ...], torch.dtype], ...] = (
    ((9,), F64), ((4, 5), F64), ((2, 3, 4), F64), ((6, 3), torch.float32),
)
VALUE_SCALE = 3.0   # entries are about N(0, 3^2): sigmoid and tanh are neither linear nor flat
VALUE_GAP = 0.1     # every value input is at least this far from 0, where sigmoid(X) = 1 - sigmoid(-X)
                    # and tanh(X) = -tanh(-X) would hide a sign error

# The magnitudes where a formula that exponentiates a large positive number overflows in float32
# (exp(x) is inf beyond x = 88.7): at +-50, exp(2 * 50) already overflows (tanh's exp(-2X)), at
# +-100 and +-1000 exp(|X|) does (sigmoid's exp(-X), the derivatives' exp(-X) ** 2).
LARGE = (50.0, 100.0, 1000.0)


def _away_from_zero(shape, dtype, g: torch.Generator) -> torch.Tensor:
    """N(0, VALUE_SCALE^2) draws pushed at least VALUE_GAP away from 0 (both signs present)."""
    x = torch.randn(shape, generator=g, dtype=F64) * VALUE_SCALE
    x = torch.where(x >= 0, x + VALUE_GAP, x - VALUE_GAP)
    flat = x.reshape(-1)
    flat[0] = flat[0].abs()
    flat[1] = -flat[1].abs()
    return x.to(dtype)


def value_inputs(seed: int, function: str) -> list[torch.Tensor]:
    """Several tensors (float64 and one float32, 1-3 dims) with entries |x| >= VALUE_GAP."""
    return [_away_from_zero(shape, dtype, generator(seed, f"{function}.values.{i}"))
            for i, (shape, dtype) in enumerate(VALUE_SHAPES)]


def large_input(seed: int, function: str) -> torch.Tensor:
    """A float32 vector holding +-50, +-100 and +-1000 and four moderate entries (|x| in
    [0.5, 4.5]), in a seeded order."""
    g = generator(seed, f"{function}.large")
    moderate = (0.5 + 4 * torch.rand(4, generator=g, dtype=F64)) * torch.tensor([1.0, -1.0, 1.0, -1.0],
                                                                              dtype=F64)
    large = torch.tensor([s * m for m in LARGE for s in (1.0, -1.0)], dtype=F64)
    x = torch.cat([large, moderate])
    return x[torch.randperm(x.numel(), generator=g)].to(torch.float32)


# ----------------------------------------------------------------------------------- xavier_init

# (num_inputs, num_outputs): one with more inputs, one with more outputs, so that a bound built from
# only one of the two, or a transposed matrix, shows; 36,000 and 16,384 entries for the
# statistics. No classic wrong bound of one lies within 3% of another's.
XAVIER_SIZES: tuple[tuple[int, int], ...] = ((300, 120), (64, 256))
XAVIER_FRESH_SIZES = (20, 30)      # for "two calls give different weights"
XAVIER_SCRATCH_SIZES = (30, 20)    # for the from-scratch check


def xavier_bound(num_inputs: int, num_outputs: int) -> float:
    """a = sqrt(6 / (num_inputs + num_outputs)): Xavier uniform draws from U(-a, a)."""
    return (6 / (num_inputs + num_outputs)) ** 0.5
