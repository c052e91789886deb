"""Scenario halves for softmax regression: run the student's code on seeded inputs, observe.

Nothing here computes an expected value. Functions that call other student functions
(evaluate_accuracy, train_epoch_ch3 call accuracy and Accumulator) run with known-good versions of
those swapped in, written below with torch builtins, so a failure names the right culprit.
"""
from __future__ import annotations

import numpy as np
import torch

from autograder.inputs import softmax_regression as inputs
from autograder.inputs import upstream
from autograder.scenarios.gradients import upstream_gradients
from autograder.worker.errors import observed_exception
from autograder.scenarios.observe import forbidden_calls, observe
from autograder.scenarios.registry import scenario

MODULE = "softmax_regression"


# ---------------------------------------------------------------- known-good helpers

def _good_accuracy(y_hat, y):
    """Number of correct predictions, as a float (torch builtins only)."""
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = torch.argmax(y_hat, dim=1)
    return float(torch.eq(y_hat.to(y.dtype), y).sum())


class _GoodAccumulator:
    """Running sums of n quantities, kept in a float64 tensor (torch builtins only)."""

    def __init__(self, n):
        self._sums = torch.zeros(n, dtype=torch.float64)

    def add(self, *args):
        k = min(len(self._sums), len(args))          # extra or missing values: as zip would
        self._sums = self._sums[:k] + torch.tensor([float(a) for a in args[:k]], dtype=torch.float64)

    def reset(self):
        self._sums = torch.zeros_like(self._sums)

    @property
    def data(self):
        return self._sums.tolist()

    def __getitem__(self, idx):
        return self._sums.tolist()[idx]


def _plain(value):
    """numpy scalars (an Accumulator built on a numpy array, a count from numpy) as Python
    numbers, also inside a returned tuple; anything else unchanged."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple) and len(value) <= 4:
        return tuple(_plain(v) for v in value)
    return value


def _known_good(student):
    return student.swapped(MODULE, accuracy=_good_accuracy, Accumulator=_GoodAccumulator)


_exception_text = observed_exception  # "Name: message (at file.py:LINE in func: code)"


# ---------------------------------------------------------------- softmax

def _outcome(fn, *args):
    """The observed result of fn(*args), or {"error": text} when it raises (other than a stub's
    NotImplementedError): an error on one input must not hide a recognisable result on another."""
    try:
        return observe(fn(*args))
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the failure IS the observation
        return {"error": _exception_text(exc)}


@scenario("softmax.values")
def softmax_values(student, seed):
    # The square case comes first: a missing keepdim gives wrong values there, a shape error on
    # the others.
    return {"outs": [_outcome(student.softmax, X.clone()) for X in inputs.softmax_cases(seed)]}


@scenario("softmax.input_unchanged")
def softmax_input_unchanged(student, seed):
    after = []
    for X in inputs.softmax_cases(seed):
        student.softmax(X)
        after.append(observe(X))
    return {"after": after}


@scenario("softmax.stable")
def softmax_stable(student, seed):
    return {"outs": [observe(student.softmax(X.clone())) for X in inputs.softmax_large(seed)]}


@scenario("softmax.gradient")
def softmax_gradient(student, seed):
    X = inputs.softmax_grad_input(seed)
    return upstream_gradients(student.softmax, (X,), upstream(seed, "softmax", tuple(X.shape)))


@scenario("softmax.from_scratch")
def softmax_from_scratch(student, seed):
    X = inputs.softmax_cases(seed)[1]
    with forbidden_calls("softmax") as seen:
        student.softmax(X)
    return {"seen": list(seen)}


# ---------------------------------------------------------------- cross_entropy

@scenario("cross_entropy.values")
def cross_entropy_values(student, seed):
    return {"outs": [observe(student.cross_entropy(y_hat.clone(), y.clone()))
                     for y_hat, y in inputs.cross_entropy_cases(seed)]}


@scenario("cross_entropy.gradient")
def cross_entropy_gradient(student, seed):
    y_hat, y = inputs.cross_entropy_grad_input(seed)
    return upstream_gradients(lambda p: student.cross_entropy(p, y.clone()), (y_hat,),
                              upstream(seed, "cross_entropy", (len(y),)))


@scenario("cross_entropy.from_scratch")
def cross_entropy_from_scratch(student, seed):
    y_hat, y = inputs.cross_entropy_cases(seed)[0]
    with forbidden_calls("cross_entropy") as seen:
        student.cross_entropy(y_hat, y)
    return {"seen": list(seen)}


# ---------------------------------------------------------------- accuracy

@scenario("accuracy.count")
def accuracy_count(student, seed):
    scores, y, _ = inputs.accuracy_scores(seed)
    return {"out": observe(_plain(student.accuracy(scores, y)))}


@scenario("accuracy.predicted_labels")
def accuracy_predicted_labels(student, seed):
    pred, y, _ = inputs.accuracy_labels(seed)
    try:
        out = student.accuracy(pred, y)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - failing on (n,) predictions is the classic mistake
        return {"out": None, "error": _exception_text(exc)}
    return {"out": observe(_plain(out)), "error": None}


# ---------------------------------------------------------------- Accumulator

def _read(acc, n):
    return [observe(_plain(acc[i])) for i in range(n)]


@scenario("Accumulator.add")
def accumulator_add(student, seed):
    n, adds = inputs.accumulator_adds(seed, "add", 4)
    acc = student.Accumulator(n)
    seen = []
    for args in adds:
        acc.add(*args)
        seen.append(_read(acc, n))
    return {"seen": seen}


@scenario("Accumulator.reset")
def accumulator_reset(student, seed):
    n, adds = inputs.accumulator_adds(seed, "reset", 4)
    acc = student.Accumulator(n)
    acc.add(*adds[0])
    acc.add(*adds[1])
    acc.reset()
    after_reset = _read(acc, n)
    acc.add(*adds[2])
    acc.add(*adds[3])
    return {"after_reset": after_reset, "after_adds": _read(acc, n)}


# ---------------------------------------------------------------- evaluate_accuracy

def _scores_net(X):
    """The model under evaluation: its scores are the inputs themselves."""
    return X.reshape(X.shape[0], -1) * 1.0


class _ModeDependentNet(torch.nn.Module):
    """Returns the scores in evaluation mode and their negation in training mode (as dropout
    makes a real net predict differently): the accuracy itself shows the mode it was run in."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones((), dtype=torch.float64))

    def forward(self, X):
        scores = X.reshape(X.shape[0], -1) * self.scale
        return -scores if self.training else scores


@scenario("evaluate_accuracy.fraction")
def evaluate_accuracy_fraction(student, seed):
    batches = inputs.eval_batches(seed)
    with _known_good(student):
        out = student.evaluate_accuracy(_scores_net, batches)
    return {"out": observe(_plain(out))}


@scenario("evaluate_accuracy.eval_mode")
def evaluate_accuracy_eval_mode(student, seed):
    batches = inputs.eval_mode_batches(seed)
    net = _ModeDependentNet()
    net.train()
    with _known_good(student):
        out = student.evaluate_accuracy(net, batches)
    return {"out": observe(_plain(out))}


# ---------------------------------------------------------------- train_epoch_ch3

def _ce_loss(y_hat, y):
    """Per-example cross-entropy from probabilities (torch builtins only)."""
    return -torch.log(torch.gather(y_hat, 1, y.reshape(-1, 1))).reshape(-1)


def _from_scratch_model(seed, tag):
    W, b = inputs.train_params(seed, tag)
    W.requires_grad_(True)
    b.requires_grad_(True)

    def net(X):
        return torch.softmax(X.reshape(-1, inputs.NUM_FEATURES) @ W + b, dim=1)

    return net, W, b


def _recording_sgd(params, lr, sizes):
    """A custom updater like `lambda bs: sgd(params, lr, bs)` that records the sizes it gets."""
    def updater(batch_size):
        sizes.append(observe(_plain(batch_size)))
        with torch.no_grad():
            for p in params:
                if p.grad is not None:
                    p -= lr * p.grad / batch_size
                    p.grad.zero_()
    return updater


@scenario("train_epoch_ch3.updater_batch_size")
def train_epoch_updater_batch_size(student, seed):
    net, W, b = _from_scratch_model(seed, "custom")
    sizes: list = []
    with _known_good(student):
        student.train_epoch_ch3(net, inputs.train_batches(seed, "custom"), _ce_loss,
                                _recording_sgd([W, b], inputs.LR_CUSTOM, sizes))
    return {"sizes": sizes[:64]}


@scenario("train_epoch_ch3.custom_updater")
def train_epoch_custom_updater(student, seed):
    net, W, b = _from_scratch_model(seed, "custom")
    sizes: list = []
    with _known_good(student):
        student.train_epoch_ch3(net, inputs.train_batches(seed, "custom"), _ce_loss,
                                _recording_sgd([W, b], inputs.LR_CUSTOM, sizes))
    return {"W": observe(W), "b": observe(b), "sizes": sizes[:64]}


@scenario("train_epoch_ch3.loss_and_accuracy")
def train_epoch_loss_and_accuracy(student, seed):
    # The updater only clears gradients: the model stays fixed, so the returned metrics depend
    # on how they are accumulated and on nothing else.
    net, W, b = _from_scratch_model(seed, "metrics")

    def updater(batch_size):
        for p in (W, b):
            if p.grad is not None:
                p.grad.zero_()

    with _known_good(student):
        out = student.train_epoch_ch3(net, inputs.train_batches(seed, "metrics"), _ce_loss, updater)
    return {"out": observe(_plain(out))}


@scenario("train_epoch_ch3.optimizer")
def train_epoch_optimizer(student, seed):
    W, b = inputs.train_params(seed, "optim")
    linear = torch.nn.Linear(inputs.NUM_FEATURES, inputs.NUM_CLASSES, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(W.T)
        linear.bias.copy_(b)
    net = torch.nn.Sequential(torch.nn.Flatten(), linear)
    loss = torch.nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=inputs.LR_OPTIM)
    with _known_good(student):
        out = student.train_epoch_ch3(net, inputs.train_batches(seed, "optim"), loss, trainer)
    return {"out": observe(_plain(out)), "W": observe(linear.weight.T), "b": observe(linear.bias)}


# ---------------------------------------------------------------- get_fashion_mnist_labels

@scenario("get_fashion_mnist_labels.names")
def get_fashion_mnist_labels_names(student, seed):
    return {"out": observe(student.get_fashion_mnist_labels(inputs.label_ids(seed)))}


# ---------------------------------------------------------------- load_data_fashion_mnist

def _first_batch(loader):
    """The first batch of an iterable, observed; the iterator is dropped right after."""
    if not hasattr(loader, "__iter__"):
        return None
    it = iter(loader)
    try:
        batch = next(it)
    except StopIteration:
        return []
    finally:
        del it
    return observe(batch)


def _sizes(loader) -> dict:
    dataset = getattr(loader, "dataset", None)
    try:
        n_examples = int(len(dataset)) if dataset is not None else None
    except Exception:  # noqa: BLE001 - a dataset without __len__
        n_examples = None
    try:
        n_batches = int(len(loader))
    except Exception:  # noqa: BLE001 - an iterable without __len__
        n_batches = None
    return {"type": type(loader).__name__, "iterable": hasattr(loader, "__iter__"),
            "examples": n_examples, "batches": n_batches}


def _pair(result):
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return result
    return None


@scenario("load_data_fashion_mnist.batches")
def load_data_batches(student, seed):
    # One call observes everything (types, sizes, first train and test batches, hence the order):
    # building the book's DataLoaders and their 4 workers dominates the time.
    result = student.load_data_fashion_mnist(inputs.LOAD_BATCH_SIZE)
    pair = _pair(result)
    if pair is None:
        return {"result": observe(result) if not isinstance(result, (tuple, list))
                else f"a {type(result).__name__} of length {len(result)}"}
    train_iter, test_iter = pair
    return {"train": _sizes(train_iter), "test": _sizes(test_iter),
            "train_batch": _first_batch(train_iter), "test_batch": _first_batch(test_iter)}


@scenario("load_data_fashion_mnist.resize")
def load_data_resize(student, seed):
    result = student.load_data_fashion_mnist(inputs.LOAD_BATCH_SIZE, resize=inputs.LOAD_RESIZE)
    pair = _pair(result)
    if pair is None:
        return {"result": type(result).__name__}
    batch = _first_batch(pair[1])
    return {"X": batch[0] if isinstance(batch, list) and len(batch) == 2 else observe(batch)}
