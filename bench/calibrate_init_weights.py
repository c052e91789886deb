"""Measure the reference's init_weights draws (init_weights.normal, concise_softmax_net.model) over
seeds, and the classic mistakes' statistics next to them.

    PYTHONPATH=. .venv/bin/python bench/calibrate_init_weights.py [--seeds 2000]

Prints, for the weights of nn.Linear(784, 10) drawn as the scenarios draw them, std / 0.01,
|mean| / 0.01 and the kurtosis: the ranges STD_TOL, MEAN_TOL and KURTOSIS in
autograder/verdicts/softmax_training.py are set from (the reference must never fail them).
"""
from __future__ import annotations

import argparse
import statistics

import torch
from torch import nn

from autograder.inputs import softmax_training as inputs
from solutions import softmax_regression as reference


def stats(w: torch.Tensor) -> tuple[float, float, float]:
    w = w.detach().double().reshape(-1)
    centred = w - w.mean()
    kurtosis = float(centred.pow(4).mean() / centred.pow(2).mean().pow(2))
    return float(w.std()) / inputs.INIT_STD, abs(float(w.mean())) / inputs.INIT_STD, kurtosis


def draw(seed: int, init=None) -> torch.Tensor:
    """The weight init_weights.normal observes (the reference's init_weights, or ``init``)."""
    torch.manual_seed(inputs.init_seed(seed, "layer"))
    layer = nn.Linear(inputs.INIT_IN, inputs.INIT_OUT)
    torch.manual_seed(inputs.init_seed(seed, "draw"))
    (init or reference.init_weights)(layer)
    return layer.weight


def concise(seed: int) -> torch.Tensor:
    """The weight concise_softmax_net.model observes."""
    torch.manual_seed(inputs.init_seed(seed, "net"))
    net = reference.concise_softmax_net()
    return max(net.parameters(), key=lambda p: p.numel())


MISTAKES = {
    "std 0.1": lambda m: nn.init.normal_(m.weight, std=0.1),
    "normal_(w, 0.01): std 1": lambda m: nn.init.normal_(m.weight, 0.01),
    "uniform_(-0.01, 0.01)": lambda m: nn.init.uniform_(m.weight, -0.01, 0.01),
    "not applied (nn.Linear's own)": lambda m: None,
}


def report(name: str, rows: list[tuple[float, float, float]]) -> None:
    for i, label in enumerate(("std / 0.01", "|mean| / 0.01", "kurtosis")):
        values = [r[i] for r in rows]
        print(f"{name:32s} {label:14s} min {min(values):.4f}  mean {statistics.mean(values):.4f}  "
              f"max {max(values):.4f}  sd {statistics.pstdev(values):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    report("init_weights (reference)", [stats(draw(s)) for s in range(args.seeds)])
    report("concise_softmax_net (reference)", [stats(concise(s)) for s in range(args.seeds)])
    for name, init in MISTAKES.items():
        report(name, [stats(draw(s, init)) for s in range(min(args.seeds, 200))])


if __name__ == "__main__":
    main()
