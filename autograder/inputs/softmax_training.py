"""Seeded inputs for the checks of the training loop, the predictions and the concise model of
softmax regression (train_ch3, predict_ch3, init_weights, concise_softmax_net)."""
from __future__ import annotations

import torch

from autograder.inputs import generator

# ---------------------------------------------------------------- train_ch3
# train_ch3 runs with stand-ins for train_epoch_ch3 and evaluate_accuracy: the k-th call of the
# training stand-in returns TRAIN_METRICS[k]; the evaluation stand-in returns, for test_iter, the
# test accuracy of the epochs trained so far (TEST_ACCS[j] after j + 1 epochs, BEFORE_TRAINING
# before any), and TRAIN_ITER_ACC for train_iter. The values keep the book's asserts true
# (train loss < 0.5, accuracies > 0.7), so the book's train_ch3 with a return still passes.
TRAIN_CH3_EPOCHS = (3, 1)
MAX_EPOCHS = 8                  # the stand-ins' tables: a loop that runs too long still gets values
BEFORE_TRAINING = 0.1           # the test accuracy of an untrained net: ten classes
TRAIN_ITER_ACC = 0.995          # what evaluate_accuracy(net, train_iter) returns
SWAPPED_ARGS = -1.0             # what evaluate_accuracy(test_iter, net) (arguments swapped) returns


def train_metrics(seed: int) -> list[tuple[float, float]]:
    """(train_loss, train_acc) of the training stand-in's calls 0, 1, ...: distinct values, the
    loss falling from about 0.49 and the accuracy rising from about 0.75."""
    g = generator(seed, "train_ch3.train")
    out = []
    for k in range(MAX_EPOCHS):
        loss = 0.49 - 0.02 * k - float(torch.rand((), generator=g)) * 0.01
        acc = 0.75 + 0.01 * k + float(torch.rand((), generator=g)) * 0.005
        out.append((round(loss, 6), round(acc, 6)))
    return out


def test_accs(seed: int) -> list[float]:
    """The test accuracy after 1, 2, ... epochs: distinct values between 0.76 and 0.85."""
    g = generator(seed, "train_ch3.test")
    return [round(0.76 + 0.01 * k + float(torch.rand((), generator=g)) * 0.005, 6)
            for k in range(MAX_EPOCHS)]


# ---------------------------------------------------------------- predict_ch3
# Two batches of PREDICT_BATCH images; the first TEN pixels of each image are the net's scores
# (the net returns X.reshape(b, -1)[:, :10]), so the verdict knows every prediction. In the first
# batch most predictions differ from the labels, the labels of the two batches differ, and the
# lowest score is never the highest.
PREDICT_BATCH = 8
PREDICT_NS = (None, 4)          # n left out (the default 6), then n = 4
NUM_CLASSES = 10


def predict_batches(seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """[(X (8, 1, 28, 28) float32, y (8,) int64)] * 2."""
    g = generator(seed, "predict_ch3")
    batches = []
    for _ in range(2):
        y = torch.randperm(NUM_CLASSES, generator=g)[:PREDICT_BATCH]
        right = torch.zeros(PREDICT_BATCH, dtype=torch.bool)
        right[torch.randperm(PREDICT_BATCH, generator=g)[:2]] = True     # 2 of 8 predicted right
        shift = torch.randint(1, NUM_CLASSES, (PREDICT_BATCH,), generator=g)
        pred = torch.where(right, y, (y + shift) % NUM_CLASSES)
        scores = torch.rand(PREDICT_BATCH, NUM_CLASSES, generator=g) * 0.5
        scores[torch.arange(PREDICT_BATCH), pred] = 2.0 + torch.rand(PREDICT_BATCH, generator=g)
        X = torch.zeros(PREDICT_BATCH, 1, 28, 28)
        X.reshape(PREDICT_BATCH, -1)[:, :NUM_CLASSES] = scores
        batches.append((X, y))
    return batches


TEXT_LABELS = ('t-shirt', 'trouser', 'pullover', 'dress', 'coat',
               'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot')

# ---------------------------------------------------------------- init_weights
INIT_IN, INIT_OUT = 784, 10
INIT_STD = 0.01


def init_seed(seed: int, tag: str) -> int:
    """The global seed set before a draw of init_weights (nn.init draws from the global RNG)."""
    return int(torch.randint(0, 2**31 - 1, (), generator=generator(seed, f"init.{tag}")))
