"""Verdict halves for train_epoch_ch3: replay one epoch with torch's own operations (a custom
updater and torch.optim), then compare parameters, mean loss and accuracy with the student's."""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from autograder.inputs import softmax_regression as inputs
from autograder.verdicts.expect import close, mismatch, number, tensor, type_name
from autograder.verdicts.registry import Fail, verdict
from autograder.verdicts.softmax_regression import _near


def _replay_custom(seed: int, tag: str, backward: str) -> dict:
    """One epoch of the from-scratch model with `updater(bs) = sgd(params, lr, bs)`.

    backward: "sum" (correct: l.sum().backward()) or "mean" (l.mean().backward()).
    """
    W, b = inputs.train_params(seed, tag)
    W.requires_grad_(True)
    b.requires_grad_(True)
    stats = {"loss_sum": 0.0, "batch_means": [], "correct": [], "sizes": []}
    for X, y in inputs.train_batches(seed, tag):
        y_hat = torch.softmax(X.reshape(-1, inputs.NUM_FEATURES) @ W + b, dim=1)
        l = -torch.log(y_hat[torch.arange(len(y)), y])
        (l.sum() if backward == "sum" else l.mean()).backward()
        with torch.no_grad():
            for p in (W, b):
                p -= inputs.LR_CUSTOM * p.grad / X.shape[0]
                p.grad.zero_()
        _record(stats, l, y_hat, y)
    return {"W": W.detach(), "b": b.detach(), **stats}


def _record(stats: dict, l: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor) -> None:
    stats["loss_sum"] += float(l.sum())
    stats["batch_means"].append(float(l.mean()))
    stats["correct"].append(float((y_hat.argmax(1) == y).sum()))
    stats["sizes"].append(len(y))


def _replay_fixed(seed: int, tag: str) -> dict:
    """The metrics of one epoch of the from-scratch model when no update happens."""
    W, b = inputs.train_params(seed, tag)
    stats = {"loss_sum": 0.0, "batch_means": [], "correct": [], "sizes": []}
    for X, y in inputs.train_batches(seed, tag):
        y_hat = torch.softmax(X.reshape(-1, inputs.NUM_FEATURES) @ W + b, dim=1)
        _record(stats, -torch.log(y_hat[torch.arange(len(y)), y]), y_hat, y)
    return stats


def _replay_optim(seed: int, mode: str) -> dict:
    """One epoch of Flatten + Linear with torch.optim.SGD, replayed by hand.

    mode: "correct" (zero_grad, l.mean().backward(), step), "no_zero_grad" (gradients accumulate
    over batches), "sum" (l.sum().backward(): steps batch_size times too large).
    """
    W0, b0 = inputs.train_params(seed, "optim")
    W = W0.T.clone().requires_grad_(True)      # Linear's weight is (out, in)
    b = b0.clone().requires_grad_(True)
    stats = {"loss_sum": 0.0, "batch_means": [], "correct": [], "sizes": []}
    for X, y in inputs.train_batches(seed, "optim"):
        if mode != "no_zero_grad":
            W.grad = None
            b.grad = None
        logits = X.reshape(X.shape[0], -1) @ W.T + b
        l = F.cross_entropy(logits, y, reduction="none")
        (l.sum() if mode == "sum" else l.mean()).backward()
        with torch.no_grad():
            W -= inputs.LR_OPTIM * W.grad
            b -= inputs.LR_OPTIM * b.grad
        _record(stats, l, logits, y)
    return {"W": W.detach().T, "b": b.detach(), **stats}


def _params_close(obs: dict, replay: dict) -> bool:
    W, b = obs.get("W"), obs.get("b")
    return (isinstance(W, torch.Tensor) and isinstance(b, torch.Tensor)
            and close(W, replay["W"], rtol=1e-7, atol=1e-9) and close(b, replay["b"], rtol=1e-7, atol=1e-9))


def _unchanged(obs: dict, seed: int, tag: str) -> bool:
    W0, b0 = inputs.train_params(seed, tag)
    return _params_close(obs, {"W": W0, "b": b0})


def _metrics_verdict(out: Any, stats: dict, setting: str) -> None:
    """Check the returned (mean loss, accuracy) against the per-example averages."""
    if not isinstance(out, list) or len(out) != 2:
        raise Fail(f"train_epoch_ch3 returned {type_name(out)}"
                   + (f" of length {len(out)}" if isinstance(out, list) else "")
                   + ", expected a pair (mean training loss, training accuracy)")
    loss = number(out[0], "train_epoch_ch3's loss")
    acc = number(out[1], "train_epoch_ch3's accuracy")
    sizes, n = stats["sizes"], sum(stats["sizes"])
    k = len(sizes)
    want_loss = stats["loss_sum"] / n
    want_acc = sum(stats["correct"]) / n
    where = f"({setting})"
    if not _near(loss, want_loss, 1e-7):
        if _near(loss, sum(stats["batch_means"]) / n, 1e-7):
            raise Fail(f"train_epoch_ch3's loss is about batch_size times too small ({loss:.6g} "
                       f"instead of {want_loss:.6g}) {where}: it took the mean of each batch and then "
                       "divided by the batch size again (by the number of examples). Accumulate "
                       "float(l.sum()) and divide by the number of examples once")
        if _near(loss, sum(stats["batch_means"]) / k, 1e-7):
            raise Fail(f"train_epoch_ch3 returned the mean of per-batch mean losses ({loss:.6g}) "
                       f"instead of the mean loss per example ({want_loss:.6g}) {where}: a small last "
                       "batch weighs as much as a full one. Sum float(l.sum()) and y.numel() over "
                       "the epoch, then divide once")
        if _near(loss, stats["loss_sum"], 1e-7):
            raise Fail(f"train_epoch_ch3 returned the summed loss ({loss:.6g}) instead of the mean "
                       f"per example ({want_loss:.6g}) {where}: divide by the number of examples")
        raise Fail(f"train_epoch_ch3 returned a mean loss of {loss:.6g}, expected {want_loss:.6g} "
                   f"{where}: sum float(l.sum()) over the batches and divide by the number of examples")
    if not _near(acc, want_acc, 1e-9):
        mean_acc = sum(c / s for c, s in zip(stats["correct"], sizes)) / k
        if _near(acc, mean_acc, 1e-9):
            raise Fail(f"train_epoch_ch3 returned the mean of per-batch accuracies ({acc:.6g}) instead "
                       f"of the fraction correct over the epoch ({want_acc:.6g}) {where}: sum "
                       "accuracy(y_hat, y) and y.numel(), then divide once")
        if _near(acc, sum(stats["correct"]), 1e-9):
            raise Fail(f"train_epoch_ch3 returned the number correct ({acc:.6g}) as the accuracy, "
                       f"expected the fraction {want_acc:.6g} {where}: divide by the number of examples")
        if _near(acc, sum(stats["correct"]) / k, 1e-9) or _near(acc, sum(stats["correct"]) / n / n, 1e-9):
            raise Fail(f"train_epoch_ch3's accuracy is {acc:.6g}, expected {want_acc:.6g} {where}: "
                       "divide the number correct by the number of examples, once")
        raise Fail(f"train_epoch_ch3 returned an accuracy of {acc:.6g}, expected {want_acc:.6g} "
                   f"{where} (the training accuracy of the predictions made before each update)")


@verdict("train_epoch_ch3.updater_batch_size")
def train_epoch_updater_batch_size(obs, seed):
    sizes = [len(y) for _, y in inputs.train_batches(seed, "custom")]
    got = obs.get("sizes")
    if not isinstance(got, list) or not got:
        raise Fail(f"train_epoch_ch3 never called the custom updater (for batches of sizes {sizes}): "
                   "when updater is not a torch.optim.Optimizer, call l.sum().backward() then "
                   "updater(X.shape[0]) for every batch")
    values = []
    for v in got:
        try:
            values.append(number(v, "the batch size passed to updater"))
        except Fail:
            raise Fail(f"train_epoch_ch3 passed {type_name(v)} to updater, expected the batch size "
                       "X.shape[0]") from None
    if values != [float(s) for s in sizes]:
        shown = [int(v) if float(v).is_integer() else v for v in values]
        if len(values) == len(sizes) and values[:-1] == [float(s) for s in sizes[:-1]]:
            hint = ("the last, partial batch has fewer examples: pass X.shape[0] of each batch, "
                    "not a fixed batch size")
        elif len(values) != len(sizes):
            hint = "call updater exactly once per batch"
        else:
            hint = "pass the size of the current batch, X.shape[0]"
        raise Fail(f"train_epoch_ch3 called updater with {shown}, but the batches had sizes "
                   f"{sizes}: {hint}")


@verdict("train_epoch_ch3.custom_updater")
def train_epoch_custom_updater(obs, seed):
    correct = _replay_custom(seed, "custom", "sum")
    if _params_close(obs, correct):
        return
    sizes = correct["sizes"]
    setting = (f"one epoch over batches of sizes {sizes} with updater = "
               f"lambda bs: sgd([W, b], lr={inputs.LR_CUSTOM}, bs)")
    for name in ("W", "b"):
        tensor(obs.get(name), f"the parameter {name} after train_epoch_ch3",
               shape=tuple(correct[name].shape))
    got_sizes = obs.get("sizes")
    if isinstance(got_sizes, list) and got_sizes and got_sizes != sizes:
        raise mismatch("W after train_epoch_ch3", setting, obs.get("W"), correct["W"],
                       f"updater was called with batch sizes {got_sizes} instead of {sizes}: call "
                       "updater(X.shape[0]) once per batch")
    if not got_sizes or _unchanged(obs, seed, "custom"):
        raise Fail(f"the parameters did not change after {setting}: call l.sum().backward() and "
                   "then updater(X.shape[0]) for every batch")
    if _params_close(obs, _replay_custom(seed, "custom", "mean")):
        raise Fail(f"the parameter updates are batch_size times too small after {setting}: with a "
                   "custom updater call l.sum().backward(), not l.mean().backward() (the updater "
                   "already divides by the batch size)")
    raise mismatch("W after train_epoch_ch3", setting, obs.get("W"), correct["W"],
                   "each batch must do l.sum().backward() then updater(X.shape[0]) exactly once")


@verdict("train_epoch_ch3.loss_and_accuracy")
def train_epoch_loss_and_accuracy(obs, seed):
    stats = _replay_fixed(seed, "metrics")
    _metrics_verdict(obs.get("out"), stats, f"batches of sizes {stats['sizes']}, a fixed model "
                     "and an updater that changes nothing")


@verdict("train_epoch_ch3.optimizer")
def train_epoch_optimizer(obs, seed):
    correct = _replay_optim(seed, "correct")
    sizes = correct["sizes"]
    setting = (f"one epoch of nn.Sequential(nn.Flatten(), nn.Linear(6, 4)) with "
               f"torch.optim.SGD(lr={inputs.LR_OPTIM}) over batches of sizes {sizes}")
    if not _params_close(obs, correct):
        for name in ("W", "b"):
            tensor(obs.get(name), f"the parameter {name} after train_epoch_ch3",
                   shape=tuple(correct[name].shape))
        if _unchanged(obs, seed, "optim"):
            raise Fail(f"the parameters did not change after {setting}: with a torch.optim "
                       "optimizer call updater.zero_grad(), l.mean().backward(), updater.step()")
        if _params_close(obs, _replay_optim(seed, "no_zero_grad")):
            raise Fail(f"the gradients piled up across batches in {setting}: call "
                       "updater.zero_grad() before l.mean().backward() (it forgot zero_grad)")
        if _params_close(obs, _replay_optim(seed, "sum")):
            raise Fail(f"the optimizer steps are batch_size times too large in {setting}: with a "
                       "torch.optim optimizer call l.mean().backward(), not l.sum().backward()")
        raise mismatch("W after train_epoch_ch3", setting, obs.get("W"), correct["W"],
                       "with an optimizer each batch must do zero_grad(), l.mean().backward(), step()")
    _metrics_verdict(obs.get("out"), correct, setting)
