"""The book's training recipes, shrunk to run in well under a second each on the grading subset.

Each recipe is ``recipe(parts, seed) -> dict``: it seeds every RNG from ``seed``, builds the model,
loss and optimizer from ``parts`` (see ``reference_parts.assemble``) and trains. It returns plain
numbers and lists only (ready for ``observe``): the per-epoch curves the book's Animator plots and
the final numbers. Test accuracy is always measured here, by ``test_accuracy``, never by student
code. When a student part hands back something training cannot use (a wrong shape, not a tensor),
the recipe raises ``RecipeProblem`` describing what came back; scenarios turn it into an
observation.

Calibration (bench/calibrate.py) runs these very functions with the reference parts.
"""
from __future__ import annotations

import math
import random
import time
from typing import Any, Callable

import numpy as np
import torch

from autograder.harness.datasets import TensorBatches, fashion_tensors
from autograder.harness.reference_parts import Parts
from autograder.inputs import generator
from autograder.scenarios.observe import observe

NUM_INPUTS, NUM_OUTPUTS = 784, 10

# The recipes' settings (the book's hyperparameters; fewer epochs on 3,000 images).
LINEAR_REGRESSION = dict(true_w=(2.0, -3.4), true_b=4.2, num_examples=1000, batch_size=10, lr=0.03,
                         epochs=3)
SOFTMAX_REGRESSION = dict(batch_size=64, lr=0.1, epochs=3)
MLP = dict(num_hiddens=256, batch_size=64, lr=0.5, epochs=4)
# Dropout: any init std from the book's 0.01 to 0.1 must train. At batch 64 and lr 0.1 the book's
# 0.01 barely leaves the start in 3 epochs (0.40-0.45 test accuracy), and lr 0.5 makes 0.1 unstable;
# batch 32 (twice the steps, about 15% more time) at lr 0.2 trains both ends (bench/calibrate.py).
DROPOUT = dict(num_hiddens1=256, num_hiddens2=256, dropout1=0.2, dropout2=0.5, batch_size=32, lr=0.2,
               epochs=3)
WEIGHT_DECAY = dict(n_train=20, n_test=100, num_inputs=200, true_w=0.01, true_b=0.05, batch_size=5,
                    lr=0.003, epochs=100, lambd=3.0)


class RecipeProblem(Exception):
    """A student part returned something the training run cannot use; the text says what."""


def seed_all(seed: int) -> None:
    """Seed the global RNGs that student code (and the reference parts) draw from."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def _finite(x: float) -> bool:
    return isinstance(x, float) and math.isfinite(x)


def all_finite(params) -> bool:
    return all(bool(torch.isfinite(p.detach()).all()) for p in params)


def param_stats(params) -> list[dict]:
    """Shape, mean, std and requires_grad of each initial parameter (what an init function made)."""
    stats = []
    for p in list(params)[:8]:
        if isinstance(p, torch.Tensor):
            d = p.detach().double()
            stats.append({"shape": list(d.shape), "mean": float(d.mean()) if d.numel() else 0.0,
                          "std": float(d.std()) if d.numel() > 1 else 0.0,
                          "requires_grad": bool(p.requires_grad)})
        else:
            stats.append({"shape": None, "type": type(p).__name__})
    return stats


def test_accuracy(net: Callable, X: torch.Tensor, y: torch.Tensor) -> float:
    """The harness's own evaluation: the fraction of argmax predictions equal to ``y``."""
    with torch.no_grad():
        out = net(X)
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (len(X), NUM_OUTPUTS):
        raise RecipeProblem(f"for a batch of {len(X)} test images the network returned {describe(out)}; "
                            f"expected ({len(X)}, {NUM_OUTPUTS}) scores")
    return float((out.argmax(dim=1) == y).double().mean())


class _Watch:
    """Wrap the network and the loss to check, on the first call, that their outputs fit."""

    def __init__(self, net: Callable, loss: Callable):
        self.net_fn, self.loss_fn = net, loss
        self.net_shape: list[int] | None = None
        self.loss_shape: list[int] | None = None

    def net(self, X):
        out = self.net_fn(X)
        if self.net_shape is None:
            if not isinstance(out, torch.Tensor) or out.dim() != 2 or out.shape[0] != len(X):
                raise RecipeProblem(f"for a batch of {len(X)} training images the network returned "
                                    f"{describe(out)}; expected ({len(X)}, {NUM_OUTPUTS}) scores")
            self.net_shape = list(out.shape)
        return out

    def loss(self, y_hat, y):
        out = self.loss_fn(y_hat, y)
        if self.loss_shape is None:
            if not isinstance(out, torch.Tensor):
                raise RecipeProblem(f"for a batch of {len(y)} examples the loss returned {describe(out)}; "
                                    "expected a tensor of per-example losses")
            self.loss_shape = list(out.shape)
        return out


def number(value: Any) -> Any:
    """A float for a number or one-element tensor, else the observed value (the verdict explains)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach().reshape(()).item())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return observe(value)


def _classifier(parts: Parts, seed: int, *, make_params: Callable[[], list], train_net: Callable,
                eval_net: Callable, loss: Callable, updater_for: Callable, epochs: int,
                batch_size: int, after: Callable | None = None) -> dict:
    """Train a Fashion-MNIST classifier with ``parts["train_epoch_ch3"]``; curves per epoch.

    ``after(net)``, if given, is called with the trained evaluation network (images -> scores) and
    its dict is merged into the result.
    """
    start = time.perf_counter()
    data = fashion_tensors()
    params = make_params()
    result: dict[str, Any] = {"init": param_stats(params)}
    if not isinstance(params, (list, tuple)) or not all(isinstance(p, torch.Tensor) for p in params):
        raise RecipeProblem(f"the parameters are {describe(params)} holding "
                            f"{', '.join(describe(p) for p in list(params)[:6]) if isinstance(params, (list, tuple)) else '?'}; "
                            "expected a list of tensors")
    updater = updater_for(params)
    watch = _Watch(lambda X: train_net(X, params), loss)
    train_iter = TensorBatches(data.train_X, data.train_y, batch_size, shuffle=True,
                               generator=generator(seed, "convergence.shuffle"))
    train_loss, train_acc, test_acc = [], [], []
    for _ in range(epochs):
        returned = parts["train_epoch_ch3"](watch.net, train_iter, watch.loss, updater)
        if isinstance(returned, (tuple, list)) and len(returned) == 2:
            train_loss.append(number(returned[0]))
            train_acc.append(number(returned[1]))
        else:
            train_loss.append(None)
            train_acc.append(None)
            result.setdefault("epoch_returned", describe(returned))
        test_acc.append(test_accuracy(lambda X: eval_net(X, params), data.test_X, data.test_y))
    result.update(
        train_loss=train_loss, train_acc=train_acc, test_acc=test_acc,
        params_finite=all_finite(params), net_shape=watch.net_shape, loss_shape=watch.loss_shape,
        final_params=[p.detach().as_subclass(torch.Tensor).clone() for p in params],
        seconds=time.perf_counter() - start)
    if after is not None:
        result.update(after(lambda X: eval_net(X, params)))
    return result


def softmax_regression(parts: Parts, seed: int, after: Callable | None = None) -> dict:
    """d2l 4.4: softmax(X W + b) with W ~ N(0, 0.01^2), cross-entropy, minibatch SGD (lr 0.1)."""
    cfg = SOFTMAX_REGRESSION
    seed_all(seed)

    def make_params():
        return [torch.normal(0.0, 0.01, size=(NUM_INPUTS, NUM_OUTPUTS), requires_grad=True),
                torch.zeros(NUM_OUTPUTS, requires_grad=True)]

    def net(X, params):
        W, b = params
        return parts["softmax"](X.reshape(-1, NUM_INPUTS) @ W + b)

    def updater_for(params):
        return lambda batch_size: parts["sgd"](params, cfg["lr"], batch_size)

    return _classifier(parts, seed, make_params=make_params, train_net=net, eval_net=net,
                       loss=parts["cross_entropy"], updater_for=updater_for, epochs=cfg["epochs"],
                       batch_size=cfg["batch_size"], after=after)


def mlp(parts: Parts, seed: int, after: Callable | None = None) -> dict:
    """d2l 5.2: one hidden layer of 256 ReLUs, nn.CrossEntropyLoss, torch.optim.SGD (lr 0.5)."""
    cfg = MLP
    seed_all(seed)
    return _classifier(
        parts, seed,
        make_params=lambda: parts["init_mlp_params"](NUM_INPUTS, cfg["num_hiddens"], NUM_OUTPUTS),
        train_net=lambda X, params: parts["mlp"](X, params),
        eval_net=lambda X, params: parts["mlp"](X, params),
        loss=torch.nn.CrossEntropyLoss(reduction="none"),
        updater_for=lambda params: torch.optim.SGD(params, lr=cfg["lr"]),
        epochs=cfg["epochs"], batch_size=cfg["batch_size"], after=after)


def dropout(parts: Parts, seed: int, after: Callable | None = None) -> dict:
    """d2l 5.6: two hidden layers of 256 with dropout 0.2 and 0.5, torch.optim.SGD (lr 0.2, batch 32)."""
    cfg = DROPOUT
    seed_all(seed)
    p1, p2 = cfg["dropout1"], cfg["dropout2"]

    def after_dropout(net):
        extra = {"eval_deterministic": eval_is_deterministic(net, fashion_tensors().test_X[:200])}
        if after is not None:
            extra.update(after(net))
        return extra

    return _classifier(
        parts, seed,
        make_params=lambda: parts["init_dropout_mlp_params"](
            NUM_INPUTS, cfg["num_hiddens1"], cfg["num_hiddens2"], NUM_OUTPUTS),
        train_net=lambda X, params: parts["dropout_mlp"](X, params, p1, p2, training=True),
        eval_net=lambda X, params: parts["dropout_mlp"](X, params, p1, p2, training=False),
        loss=torch.nn.CrossEntropyLoss(reduction="none"),
        updater_for=lambda params: torch.optim.SGD(params, lr=cfg["lr"]),
        epochs=cfg["epochs"], batch_size=cfg["batch_size"], after=after_dropout)


def eval_is_deterministic(net: Callable, X: torch.Tensor) -> bool:
    """Whether two evaluation passes over the same images agree (no dropout at test time)."""
    with torch.no_grad():
        a, b = net(X), net(X)
    return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
        and bool(torch.equal(a, b))


def linear_regression(parts: Parts, seed: int) -> dict:
    """d2l 3.2: fit y = Xw + b (w = [2, -3.4], b = 4.2) with minibatch SGD, 3 epochs."""
    cfg = LINEAR_REGRESSION
    start = time.perf_counter()
    seed_all(seed)
    true_w = torch.tensor(cfg["true_w"])
    n = cfg["num_examples"]
    data = parts["synthetic_data"](true_w, cfg["true_b"], n)
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise RecipeProblem(f"synthetic_data returned {describe(data)}; expected a pair (features, labels)")
    features, labels = data
    if not isinstance(features, torch.Tensor) or tuple(features.shape) != (n, 2):
        raise RecipeProblem(f"synthetic_data returned features as {describe(features)}; expected ({n}, 2)")
    if not isinstance(labels, torch.Tensor) or labels.numel() != n:
        raise RecipeProblem(f"synthetic_data returned labels as {describe(labels)}; expected ({n}, 1)")
    features, labels = features.float(), labels.float()
    w = torch.normal(0.0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    net, loss, sgd = parts["linreg"], parts["squared_loss"], parts["sgd"]
    train_loss, examples = [], []
    for _ in range(cfg["epochs"]):
        seen = 0
        for X, y in parts["data_iter"](cfg["batch_size"], features, labels):
            l = loss(net(X, w, b), y)
            if not isinstance(l, torch.Tensor):
                raise RecipeProblem(f"the loss returned {describe(l)}; expected a tensor")
            l.sum().backward()
            sgd([w, b], cfg["lr"], cfg["batch_size"])
            seen += len(X)
        examples.append(seen)
        with torch.no_grad():
            residual = features @ w.detach() + b.detach() - labels.reshape(-1, 1)
            train_loss.append(float((residual ** 2 / 2).mean()))
    return {"w": w.detach().reshape(-1).clone(), "b": b.detach().reshape(-1).clone(),
            "train_loss": train_loss, "examples": examples, "seconds": time.perf_counter() - start}


def weight_decay_data(seed: int):
    """The high-dimensional, tiny data set of d2l 3.7: 20 training and 100 test examples of 200
    features, y = 0.01 * sum(x) + 0.05 + N(0, 0.01^2)."""
    cfg = WEIGHT_DECAY
    g = generator(seed, "convergence.weight_decay.data")
    true_w = torch.full((cfg["num_inputs"], 1), cfg["true_w"])

    def make(n):
        X = torch.normal(0.0, 1.0, (n, cfg["num_inputs"]), generator=g)
        y = X @ true_w + cfg["true_b"] + torch.normal(0.0, 0.01, (n, 1), generator=g)
        return X, y

    return make(cfg["n_train"]), make(cfg["n_test"])


def weight_decay(parts: Parts, seed: int, lambd: float | None = None) -> dict:
    """d2l 3.7 from scratch: linreg + squared_loss + lambd * l2_penalty(w), SGD lr 0.003, 100 epochs."""
    cfg = WEIGHT_DECAY
    lambd = cfg["lambd"] if lambd is None else lambd
    start = time.perf_counter()
    seed_all(seed)
    (train_X, train_y), (test_X, test_y) = weight_decay_data(seed)
    w = torch.normal(0.0, 1.0, (cfg["num_inputs"], 1),
                     generator=generator(seed, "convergence.weight_decay.init")).requires_grad_(True)
    b = torch.zeros(1, requires_grad=True)
    shuffle = generator(seed, "convergence.weight_decay.shuffle")
    net, loss, sgd, penalty = parts["linreg"], parts["squared_loss"], parts["sgd"], parts["l2_penalty"]
    bs = cfg["batch_size"]
    train_loss, test_loss = [], []
    penalty_seen: dict[str, Any] | None = None
    for _ in range(cfg["epochs"]):
        order = torch.randperm(len(train_X), generator=shuffle)
        for i in range(0, len(train_X), bs):
            idx = order[i:i + bs]
            X, y = train_X[idx], train_y[idx]
            p = penalty(w)
            if penalty_seen is None:
                penalty_seen = {"kind": describe(p),
                                "requires_grad": bool(isinstance(p, torch.Tensor) and p.requires_grad)}
            l = loss(net(X, w, b), y) + lambd * p
            if not isinstance(l, torch.Tensor):
                raise RecipeProblem(f"the loss returned {describe(l)}; expected a tensor")
            l.sum().backward()
            sgd([w, b], cfg["lr"], bs)
        with torch.no_grad():
            wd, bd = w.detach(), b.detach()
            train_loss.append(float(((train_X @ wd + bd - train_y) ** 2 / 2).mean()))
            test_loss.append(float(((test_X @ wd + bd - test_y) ** 2 / 2).mean()))
    return {"w_norm": float(w.detach().norm()), "b": float(b.detach().reshape(-1)[0]),
            "train_loss": train_loss, "test_loss": test_loss, "penalty": penalty_seen,
            "lambd": lambd, "seconds": time.perf_counter() - start}


RECIPES: dict[str, Callable[[Parts, int], dict]] = {
    "linear_regression": linear_regression,
    "softmax_regression": softmax_regression,
    "mlp": mlp,
    "dropout": dropout,
    "weight_decay": weight_decay,
}
