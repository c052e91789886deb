"""Scenario halves for the house-price recipe of d2l 4.10: log_rmse, get_net, train_house, k_fold.

train_house runs with a known-good log_rmse swapped in, and k_fold with known-good
get_k_fold_data and get_net and a stand-in train_house that records its calls, so that a failure
names the function under test, not one it calls. The stand-ins below are written with torch
builtins, independently of the reference.
"""
from __future__ import annotations

import torch

from autograder.inputs import regularization as inputs
from autograder.scenarios.observe import observe, observe_parameters
from autograder.scenarios.registry import scenario

MODULE = "regularization"


# ---------------------------------------------------------------- known-good helpers

def _good_log_rmse(net, features, labels):
    """sqrt(mean((log max(pred, 1) - log label)^2)), as a float."""
    with torch.no_grad():
        pred = net(features).clamp(min=1.0)
        diff = pred.log() - labels.reshape(pred.shape).log()
        return float(diff.pow(2).mean().sqrt())


def _good_folds(k, i, X, y):
    """Fold i of k consecutive folds of n // k rows as validation, the others in order as training."""
    size = X.shape[0] // k
    rows = torch.arange(k * size)
    in_fold = torch.div(rows, size, rounding_mode="floor") == i
    return X[rows[~in_fold]], y[rows[~in_fold]], X[rows[in_fold]], y[rows[in_fold]]


def _fresh_net(in_features):
    """A new linear model with a bias, initialised by torch (from the global RNG)."""
    layer = torch.nn.Linear(in_features, 1)
    return torch.nn.Sequential(layer)


class _FoldRecorder:
    """Stands in for train_house inside k_fold: records each call and returns curves whose last
    entries are the mean training and validation label of the fold (and 99 before them)."""

    def __init__(self):
        self.nets: list = []
        self.calls: list[dict] = []

    def __call__(self, net, train_features, train_labels, test_features, test_labels,
                 num_epochs, learning_rate, weight_decay, batch_size):
        if not any(net is seen for seen in self.nets):
            self.nets.append(net)
        self.calls.append({
            "net": next(j for j, seen in enumerate(self.nets) if seen is net),
            "n_train": int(train_features.shape[0]), "n_valid": int(test_features.shape[0]),
            "valid_labels": observe(test_labels), "train_labels": observe(train_labels),
            "hyper": [observe(num_epochs), observe(learning_rate), observe(weight_decay),
                      observe(batch_size)]})
        return ([99.0, float(train_labels.double().mean())],
                [99.0, float(test_labels.double().mean())])


# ---------------------------------------------------------------- log_rmse

def _linear(weight):
    def net(X):
        return X @ weight
    return net


@scenario("log_rmse.values")
def log_rmse_values(student, seed):
    features, weight, labels = inputs.log_rmse_case(seed)
    out = student.log_rmse(_linear(weight), features.clone(), labels.clone())
    return {"out": observe(out)}


# ---------------------------------------------------------------- get_net

@scenario("get_net.model")
def get_net_model(student, seed):
    calls = []
    for d in (3, 7):
        torch.manual_seed(seed + d)
        first, second = student.get_net(d), student.get_net(d)
        X = torch.randn(5, d)
        try:
            out = first(X) if callable(first) else None
        except Exception as exc:  # noqa: BLE001 - the failure is the observation
            out = {"error": f"{type(exc).__name__}: {str(exc)[:160]}"}
        calls.append({"d": d, "first": observe_parameters(first), "second": observe_parameters(second),
                      "same_object": first is second, "out": observe(out),
                      "grads": [bool(p.requires_grad) for p in first.parameters()]
                      if isinstance(first, torch.nn.Module) else []})
    return {"calls": calls}


# ---------------------------------------------------------------- train_house

@scenario("train_house.curves")
def train_house_curves(student, seed):
    Xtr, ytr, Xte, yte = inputs.house_data(seed)
    runs = []
    for epochs, with_test in ((3, True), (2, False)):
        torch.manual_seed(seed * 31 + epochs)
        net = _fresh_net(inputs.HOUSE_D)
        before = observe_parameters(net)
        test = (Xte.clone(), yte.clone()) if with_test else (None, None)
        with student.swapped(MODULE, log_rmse=_good_log_rmse):
            out = student.train_house(net, Xtr.clone(), ytr.clone(), *test, epochs, inputs.HOUSE_LR,
                                      0.0, inputs.HOUSE_BATCH)
        runs.append({"epochs": epochs, "with_test": with_test, "out": observe(out),
                     "before": before, "after": observe_parameters(net)})
    return {"runs": runs}


@scenario("convergence.house_prices.train_house")
def convergence_house_prices_train_house(student, seed, reference: tuple[str, ...] = ()):
    """Train the house-price model for the recipe's epochs, without and with a strong weight decay."""
    Xtr, ytr, Xte, yte = inputs.house_data(seed)
    obs = {}
    for key, decay, test in (("plain", 0.0, (Xte, yte)), ("decayed", inputs.HOUSE_DECAY, (None, None))):
        torch.manual_seed(seed)
        net = _fresh_net(inputs.HOUSE_D)
        with student.swapped(MODULE, log_rmse=_good_log_rmse):
            out = student.train_house(net, Xtr.clone(), ytr.clone(), *test, inputs.HOUSE_EPOCHS,
                                      inputs.HOUSE_LR, decay, inputs.HOUSE_BATCH)
        obs[key] = {"out": observe(out), "net": observe_parameters(net)}
    return obs


# ---------------------------------------------------------------- k_fold

def _k_fold_runs(student, seed):
    """k_fold for k = 5 and 3 with the stand-ins: what it returned and each train_house call."""
    X, y = inputs.kfold_train_data(seed)
    runs = []
    for k in (5, 3):   # KS in the verdicts
        recorder = _FoldRecorder()
        with student.swapped(MODULE, train_house=recorder, get_k_fold_data=_good_folds,
                             get_net=_fresh_net):
            out = student.k_fold(k, X.clone(), y.clone(), *inputs.KFOLD_HYPER)
        runs.append({"k": k, "out": observe(out), "calls": recorder.calls[:16],
                     "n_calls": len(recorder.calls)})
    return {"runs": runs}


@scenario("k_fold.mean_of_folds")
def k_fold_mean_of_folds(student, seed):
    return _k_fold_runs(student, seed)


@scenario("k_fold.each_fold")
def k_fold_each_fold(student, seed):
    return _k_fold_runs(student, seed)
