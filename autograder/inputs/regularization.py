"""Seeded inputs for the regularization checks."""
from __future__ import annotations

import torch

from autograder.inputs import generator


def weights(seed: int) -> torch.Tensor:
    """A float64 weight matrix (5, 3) for l2_penalty."""
    return torch.randn(5, 3, generator=generator(seed, "l2.w"), dtype=torch.float64)
