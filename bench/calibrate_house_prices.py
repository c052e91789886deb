"""Measure the reference's house-price training (convergence.house_prices.train_house) over seeds.

    PYTHONPATH=. .venv/bin/python bench/calibrate_house_prices.py [--seeds 30]

Prints the final training and test log RMSE, the ratio of the weight norms with and without the
strong weight decay, and the seconds per run: the ranges the pass marks in
autograder/verdicts/house_prices.py are set from.
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from autograder.inputs import regularization as inputs
from solutions import regularization as reference


def run(seed: int) -> tuple[float, float, float, float]:
    Xtr, ytr, Xte, yte = inputs.house_data(seed)
    torch.manual_seed(seed)
    net = reference.get_net(inputs.HOUSE_D)
    start = time.perf_counter()
    train_ls, test_ls = reference.train_house(net, Xtr, ytr, Xte, yte, inputs.HOUSE_EPOCHS,
                                              inputs.HOUSE_LR, 0.0, inputs.HOUSE_BATCH)
    seconds = time.perf_counter() - start
    torch.manual_seed(seed)
    decayed = reference.get_net(inputs.HOUSE_D)
    reference.train_house(decayed, Xtr, ytr, None, None, inputs.HOUSE_EPOCHS, inputs.HOUSE_LR,
                          inputs.HOUSE_DECAY, inputs.HOUSE_BATCH)
    ratio = float(decayed[0].weight.norm() / net[0].weight.norm())
    return train_ls[-1], test_ls[-1], ratio, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = [run(seed) for seed in range(args.seeds)]
    for i, name in enumerate(("final train log RMSE", "final test log RMSE",
                              "weight norm ratio (decay / none)", "seconds per run")):
        values = [r[i] for r in rows]
        print(f"{name:34s} min {min(values):.4f}  mean {statistics.mean(values):.4f}  "
              f"max {max(values):.4f}  sd {statistics.pstdev(values):.4f}")


if __name__ == "__main__":
    main()
