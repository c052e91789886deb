"""Seeded inputs for the optimizer checks: a weight column and a bias, a run of gradients and the
hyperparameters, as the book's training loop hands them to an optimizer step."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from autograder.inputs import generator

STEPS = 4   # optimizer calls per check: enough for a state that is not kept to show
OPTIMIZERS = ("sgd_momentum", "rmsprop", "adam")
INIT_OF = {"sgd_momentum": "init_momentum_states", "rmsprop": "init_rmsprop_states",
           "adam": "init_adam_states"}


def feature_dims(seed: int, tag: str) -> list[int]:
    """The feature_dim values an init function is called with: 1, 3 and one drawn in 2..9."""
    g = generator(seed, f"{tag}.dims")
    return [1, 3, int(torch.randint(2, 10, (), generator=g))]


@dataclass(frozen=True)
class StepCase:
    w0: torch.Tensor                 # (d, 1) float64
    b0: torch.Tensor                 # (1,) float64
    grads: tuple[tuple[torch.Tensor, torch.Tensor], ...]   # STEPS pairs (grad of w, grad of b)
    hyperparams: dict


def _away_from_zero(g: torch.Generator, shape: tuple[int, ...]) -> torch.Tensor:
    """Gradients with 0.2 <= |g| <= 2 and random signs: no entry near 0, where eps decides."""
    mags = 0.2 + 1.8 * torch.rand(shape, generator=g, dtype=torch.float64)
    signs = torch.where(torch.rand(shape, generator=g) < 0.5, -1.0, 1.0).to(torch.float64)
    return mags * signs


def step_case(seed: int, optimizer: str) -> StepCase:
    """Parameters, STEPS gradients and the hyperparameters drawn for ``optimizer``."""
    g = generator(seed, f"{optimizer}.case")
    d = int(torch.randint(2, 6, (), generator=g))
    w0 = torch.randn(d, 1, generator=g, dtype=torch.float64)
    b0 = torch.randn(1, generator=g, dtype=torch.float64)
    grads = tuple((_away_from_zero(g, (d, 1)), _away_from_zero(g, (1,))) for _ in range(STEPS))
    u = [float(x) for x in torch.rand(2, generator=g, dtype=torch.float64)]
    lr = round(0.01 + 0.09 * u[0], 4)
    if optimizer == "sgd_momentum":
        hyperparams = {"lr": lr, "momentum": round(0.5 + 0.4 * u[1], 3)}
    elif optimizer == "rmsprop":
        hyperparams = {"lr": lr, "gamma": round(0.8 + 0.15 * u[1], 3)}
    else:
        hyperparams = {"lr": lr, "t": 1}
    return StepCase(w0, b0, grads, hyperparams)


def fresh_states(optimizer: str, w: torch.Tensor, b: torch.Tensor):
    """Known-good zero states shaped as the book's init functions make them (float64 here), so a
    step check never depends on the student's init."""
    if optimizer == "adam":
        return ((torch.zeros_like(w), torch.zeros_like(w)), (torch.zeros_like(b), torch.zeros_like(b)))
    return (torch.zeros_like(w), torch.zeros_like(b))
