"""Seeded inputs shared by both halves: the scenario feeds them to student code, the verdict
regenerates the very same tensors from the seed to compute what was expected.

Each input comes from its own generator (``generator(seed, tag)``), so inputs never depend on the
global RNG, which student code may consume or reseed.
"""
from __future__ import annotations

import hashlib

import torch


def generator(seed: int, tag: str) -> torch.Generator:
    """A torch.Generator seeded from the run seed and a per-input tag."""
    digest = hashlib.sha256(f"{seed}:{tag}".encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") & (2**63 - 1))


def upstream(seed: int, tag: str, shape: tuple[int, ...]) -> torch.Tensor:
    """The seeded float64 upstream vector ``v`` of a gradient check: both halves backpropagate
    ``(out * v).sum()``, so ``shape`` is the expected output shape, known from the inputs."""
    return torch.randn(tuple(shape), generator=generator(seed, f"{tag}.upstream"),
                       dtype=torch.float64)
