"""Scenario halves for softmax regression's training loop, predictions and concise model (d2l
4.4-4.5): train_ch3, predict_ch3, init_weights, concise_softmax_net.

train_ch3 runs with recording stand-ins for train_epoch_ch3 and evaluate_accuracy (in the module
and in the grader's d2l, so that `d2l.train_epoch_ch3` inside it is recorded too), predict_ch3 with
a known-good get_fashion_mnist_labels and a silent show_images, concise_softmax_net with a
known-good init_weights: each check judges one function alone. Nothing here computes an expected
value.
"""
from __future__ import annotations

import contextlib
import sys

import torch
from torch import nn

from autograder.inputs import softmax_training as inputs
from autograder.scenarios.observe import observe, observe_parameters
from autograder.scenarios.registry import scenario
from autograder.worker.errors import observed_exception
from autograder.worker.patching import temporarily_set

MODULE = "softmax_regression"


@contextlib.contextmanager
def _swapped_everywhere(student, **parts):
    """``parts`` in place of the module's names and of the grader's d2l's (when it is loaded)."""
    book = sys.modules.get("d2l.torch")
    with student.swapped(MODULE, **parts):
        if book is None:
            yield
        else:
            with temporarily_set(book.__dict__, parts):
                yield


def _error(exc: BaseException) -> dict:
    return {"error": observed_exception(exc)}


# ---------------------------------------------------------------- train_ch3

class _Arg:
    """One of train_ch3's arguments, recognisable by identity when it is passed on."""

    def __init__(self, name: str):
        self.name = name

    def __iter__(self):
        return iter(())

    def __call__(self, *args, **kwargs):
        return None

    def __repr__(self):
        return self.name


class _TrainingRecorder:
    """Stands in for both train_epoch_ch3 and evaluate_accuracy; records every call in order."""

    def __init__(self, seed: int, args: dict):
        self.metrics, self.accs = inputs.train_metrics(seed), inputs.test_accs(seed)
        self.args = args            # name -> the object train_ch3 was given
        self.calls: list[dict] = []
        self.trained = 0

    def _name(self, value) -> str:
        return next((name for name, arg in self.args.items() if value is arg), "other")

    def _record(self, fn: str, args, kwargs) -> dict:
        call = {"fn": fn, "args": [self._name(a) for a in args[:6]],
                "keywords": {str(k): self._name(v) for k, v in list(kwargs.items())[:6]},
                "after": self.trained}
        self.calls.append(call)
        return call

    def train_epoch_ch3(self, *args, **kwargs):
        self._record("train", args, kwargs)
        k = min(self.trained, inputs.MAX_EPOCHS - 1)
        self.trained += 1
        return self.metrics[k]

    def evaluate_accuracy(self, *args, **kwargs):
        call = self._record("eval", args, kwargs)
        names = call["args"] + list(call["keywords"].values())
        if call["args"][:2] in (["test_iter", "net"], ["train_iter", "net"]):
            return inputs.SWAPPED_ARGS
        if "train_iter" in names:
            return inputs.TRAIN_ITER_ACC
        if self.trained == 0:
            return inputs.BEFORE_TRAINING
        return self.accs[min(self.trained, inputs.MAX_EPOCHS) - 1]


def train_ch3_runs(student, seed):
    """train_ch3 for 3 epochs and for 1 with the recording stand-ins: what it returned, and every
    call of the stand-ins."""
    runs = []
    for epochs in inputs.TRAIN_CH3_EPOCHS:
        args = {name: _Arg(name) for name in ("net", "train_iter", "test_iter", "loss", "updater")}
        recorder = _TrainingRecorder(seed, args)
        with _swapped_everywhere(student, train_epoch_ch3=recorder.train_epoch_ch3,
                                 evaluate_accuracy=recorder.evaluate_accuracy):
            out = student.train_ch3(args["net"], args["train_iter"], args["test_iter"],
                                    args["loss"], epochs, args["updater"])
        runs.append({"epochs": epochs, "out": observe(out), "calls": recorder.calls[:40],
                     "n_calls": len(recorder.calls)})
    return {"runs": runs}


@scenario("train_ch3.history")
def train_ch3_history(student, seed):
    return train_ch3_runs(student, seed)


@scenario("train_ch3.calls")
def train_ch3_calls(student, seed):
    return train_ch3_runs(student, seed)


# ---------------------------------------------------------------- predict_ch3

def _good_labels(labels):
    """The text names of numeric labels (torch builtins and a tuple only)."""
    return [inputs.TEXT_LABELS[int(i)] for i in torch.as_tensor(labels).reshape(-1).tolist()]


def _silent_show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """The book's show_images, drawing nothing."""
    return None


class _ScoresNet(nn.Module):
    """The first ten pixels of each image are its scores."""

    def forward(self, X):
        return X.reshape(X.shape[0], -1)[:, :inputs.NUM_CLASSES] * 1.0


@scenario("predict_ch3.titles")
def predict_ch3_titles(student, seed):
    outs = []
    for n in inputs.PREDICT_NS:
        batches = inputs.predict_batches(seed)
        with student.swapped(MODULE, get_fashion_mnist_labels=_good_labels,
                             show_images=_silent_show_images):
            net = _ScoresNet()
            out = (student.predict_ch3(net, batches) if n is None
                   else student.predict_ch3(net, batches, n=n))
        outs.append(observe(out))
    return {"outs": outs}


# ---------------------------------------------------------------- init_weights

def _module_state(module: nn.Module) -> list:
    return [observe(p) for p in list(module.parameters())[:4]]


@scenario("init_weights.normal")
def init_weights_normal(student, seed):
    torch.manual_seed(inputs.init_seed(seed, "layer"))
    layer = nn.Linear(inputs.INIT_IN, inputs.INIT_OUT)
    torch.manual_seed(inputs.init_seed(seed, "draw"))
    student.init_weights(layer)
    return {"weight": observe(layer.weight)}


@scenario("init_weights.leaves_others")
def init_weights_leaves_others(student, seed):
    torch.manual_seed(inputs.init_seed(seed, "others"))
    layer = nn.Linear(inputs.INIT_IN, inputs.INIT_OUT)
    bias_before = observe(layer.bias)
    student.init_weights(layer)
    others = []
    for module in (nn.Flatten(), nn.ReLU(), nn.LayerNorm(inputs.INIT_OUT),
                   nn.Sequential(nn.Flatten())):
        before = _module_state(module)
        try:
            student.init_weights(module)
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - failing on a Flatten is the classic mistake
            others.append({"module": type(module).__name__, **_error(exc)})
            continue
        others.append({"module": type(module).__name__, "before": before,
                       "after": _module_state(module)})
    return {"bias_before": bias_before, "bias_after": observe(layer.bias), "others": others}


# ---------------------------------------------------------------- concise_softmax_net

class _InitRecorder:
    """A known-good init_weights that records the type of each module it is given."""

    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, m):
        self.seen.append(type(m).__name__)
        if type(m) == nn.Linear:  # noqa: E721 - the book's test, exactly
            nn.init.normal_(m.weight, mean=0.0, std=inputs.INIT_STD)


def _net_observation(net, X) -> dict:
    try:
        out = observe(net(X)) if callable(net) else None
    except Exception as exc:  # noqa: BLE001 - the failure is the observation
        out = _error(exc)
    modules = ([type(m).__name__ for m in list(net.children())[:8]]
               if isinstance(net, nn.Module) else None)
    return {"type": type(net).__name__, "is_module": isinstance(net, nn.Module),
            "children": modules, "net": observe_parameters(net), "out": out}


def concise_nets(student, seed):
    """Two calls of concise_softmax_net with the recording init_weights: each net, its output on
    a batch of 5 images, and which modules init_weights was given."""
    recorder = _InitRecorder()
    X = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(inputs.init_seed(seed, "X")))
    with student.swapped(MODULE, init_weights=recorder):
        torch.manual_seed(inputs.init_seed(seed, "net"))
        first = student.concise_softmax_net()
        seen_first = list(recorder.seen[:16])
        second = student.concise_softmax_net()
    first_params = list(first.parameters()) if isinstance(first, nn.Module) else []
    second_params = list(second.parameters()) if isinstance(second, nn.Module) else []
    shared = any(p is q for p in first_params for q in second_params)
    return {"X": observe(X), "first": _net_observation(first, X), "init_seen": seen_first,
            "same_object": first is second, "shared_parameters": shared,
            "second": observe_parameters(second)}


@scenario("concise_softmax_net.model")
def concise_softmax_net_model(student, seed):
    return concise_nets(student, seed)


@scenario("concise_softmax_net.fresh_each_call")
def concise_softmax_net_fresh(student, seed):
    return concise_nets(student, seed)
