"""Scenario halves for regularization: weight decay, robust losses, K-fold splits."""
from __future__ import annotations

import torch

from autograder.inputs import regularization as inputs
from autograder.inputs import upstream
from autograder.scenarios.gradients import upstream_gradients
from autograder.scenarios.observe import observe, observe_parameters
from autograder.scenarios.registry import scenario


@scenario("l2_penalty.values")
def l2_penalty_values(student, seed):
    w = inputs.weights(seed)
    w_arg = w.clone().requires_grad_(True)
    out = student.l2_penalty(w_arg)
    grad = None
    if isinstance(out, torch.Tensor) and out.requires_grad and out.numel() == 1:
        out.sum().backward()
        grad = w_arg.grad
    return {"out": observe(out), "grad": observe(grad), "w_after": observe(w_arg)}


@scenario("l1_loss.values")
def l1_loss_values(student, seed):
    y_hat, y = inputs.l1_inputs(seed)
    yh_arg, y_arg = y_hat.clone(), y.clone()
    flat = student.l1_loss(yh_arg, y_arg)
    column = student.l1_loss(y_hat.clone(), y.clone().reshape(-1, 1))
    return {"flat": observe(flat), "column": observe(column),
            "y_hat_after": observe(yh_arg), "y_after": observe(y_arg)}


@scenario("l1_loss.differentiable")
def l1_loss_differentiable(student, seed):
    y_hat, y = inputs.l1_inputs(seed)
    return upstream_gradients(student.l1_loss, (y_hat, y), upstream(seed, "l1", tuple(y_hat.shape)))


def _huber_call(student, y_hat, y, delta):
    # delta None: leave the argument out, so the default (1.0) is what is tested
    return student.huber_loss(y_hat, y) if delta is None else student.huber_loss(y_hat, y, delta)


@scenario("huber_loss.values")
def huber_loss_values(student, seed):
    cases = []
    for delta in inputs.HUBER_DELTAS:
        y_hat, y = inputs.huber_inputs(seed, delta)
        yh_arg, y_arg = y_hat.clone(), y.clone()
        flat = _huber_call(student, yh_arg, y_arg, delta)
        column = _huber_call(student, y_hat.clone(), y.clone().reshape(-1, 1), delta)
        cases.append({"flat": observe(flat), "column": observe(column),
                      "y_hat_after": observe(yh_arg), "y_after": observe(y_arg)})
    return {"cases": cases}


@scenario("huber_loss.differentiable")
def huber_loss_differentiable(student, seed):
    cases = []
    for delta in inputs.HUBER_DELTAS:
        y_hat, y = inputs.huber_inputs(seed, delta)
        cases.append(upstream_gradients(lambda a, b, delta=delta: _huber_call(student, a, b, delta),
                                        (y_hat, y), upstream(seed, f"huber.{delta}", tuple(y_hat.shape))))
    return {"cases": cases}


@scenario("get_k_fold_data.folds")
def get_k_fold_data_folds(student, seed):
    X, y = inputs.kfold_data(seed)
    cases = []
    for k, i in inputs.kfold_cases(seed):
        X_arg, y_arg = X.clone(), y.clone()
        out = student.get_k_fold_data(k, i, X_arg, y_arg)
        cases.append({"out": observe(out), "X_after": observe(X_arg), "y_after": observe(y_arg)})
    return {"cases": cases}


@scenario("train_concise.decay")
def train_concise_decay(student, seed):
    X, y = inputs.concise_data(seed)
    runs = []
    for run, wd in enumerate(inputs.CONCISE_WDS):
        torch.manual_seed(seed * 7919 + run)   # the N(0, 1) initialisation; the end point is the same
        net = student.train_concise(wd, [(X.clone(), y.clone())], inputs.CONCISE_D,
                                    inputs.CONCISE_EPOCHS, inputs.CONCISE_LR)
        runs.append({"wd": wd, "net": observe_parameters(net)})
    return {"runs": runs}
